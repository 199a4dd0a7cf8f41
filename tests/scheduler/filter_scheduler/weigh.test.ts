/** Normalisation and weighing (nova/weights.py), after nova's test_weights_hosts.py. */
import { describe, it, expect } from 'vitest';
import {
  IoOpsWeigher,
  RAMWeigher,
  normalize,
  weighHosts,
  type HostWeigher,
} from '../../../src/scheduler/filter_scheduler/index.js';
import { cfg, fakeHost, fakeSpec } from './helpers.js';

/** A weigher with a fixed raw weight per host name and a fixed multiplier. */
const fixed = (name: string, raw: Record<string, number>, multiplier = 1, minval: number | null = null): HostWeigher => ({
  name,
  minval,
  maxval: null,
  multiplier: () => multiplier,
  weigh: (h) => raw[h.host] as number,
});
const three = () => ['a', 'b', 'c'].map((host) => fakeHost({ host }));

describe('normalize', () => {
  it('maps onto [0, 1] between the minimum and the maximum', () => {
    expect(normalize([1, 2, 3])).toEqual([0, 0.5, 1]);
    expect(normalize([-10, 0, 10])).toEqual([0, 0.5, 1]);
  });
  it('gives 0 to every value when all are equal', () => {
    expect(normalize([5, 5, 5])).toEqual([0, 0, 0]);
    expect(normalize([0])).toEqual([0]);
  });
  it('uses the given bounds instead of the list ones', () => {
    expect(normalize([2, 4], 0)).toEqual([0.5, 1]);
    expect(normalize([2, 4], 0, 8)).toEqual([0.25, 0.5]);
    expect(normalize([3, 3], 0)).toEqual([1, 1]);
  });
  it('returns nothing for nothing', () => {
    expect(normalize([])).toEqual([]);
  });
});

describe('weighHosts', () => {
  it('sums multiplier × normalised weight per weigher and sorts descending', () => {
    const ws = [fixed('W1', { a: 0, b: 5, c: 10 }, 1), fixed('W2', { a: 10, b: 0, c: 0 }, 2)];
    const { weighed, steps } = weighHosts(ws, three(), fakeSpec(), cfg());
    expect(weighed.map((w) => [w.host.host, w.weight])).toEqual([
      ['a', 2],
      ['c', 1],
      ['b', 0.5],
    ]);
    expect(steps[1]?.hosts[0]).toEqual({ host: 'a', nodename: 'a', raw: 10, normalised: 1, multiplier: 2, score: 2 });
  });
  it('gives every host 0 when all raw weights are equal, whatever the multiplier', () => {
    const { weighed } = weighHosts([fixed('W', { a: 7, b: 7, c: 7 }, -3)], three(), fakeSpec(), cfg());
    expect(weighed.map((w) => w.weight)).toEqual([0, 0, 0]);
  });
  it('reverses the order with a negative multiplier', () => {
    const { weighed } = weighHosts([fixed('W', { a: 1, b: 2, c: 3 }, -1)], three(), fakeSpec(), cfg());
    expect(weighed.map((w) => [w.host.host, w.weight])).toEqual([
      ['a', 0],
      ['b', -0.5],
      ['c', -1],
    ]);
  });
  it('keeps the input order among ties (a stable sort)', () => {
    const { weighed } = weighHosts([fixed('W', { a: 1, b: 2, c: 2 })], [...three()].reverse(), fakeSpec(), cfg());
    expect(weighed.map((w) => w.host.host)).toEqual(['c', 'b', 'a']);
  });
  it('weighs a single host 0 without running the weighers', () => {
    const boom: HostWeigher = { ...fixed('Boom', {}), weigh: () => { throw new Error('weighed'); } };
    const { weighed, steps } = weighHosts([boom], [fakeHost()], fakeSpec(), cfg());
    expect(weighed.map((w) => w.weight)).toEqual([0]);
    expect(steps).toEqual([]);
  });
  it('clamps raw weights to minval before normalising', () => {
    const hosts = [fakeHost({ host: 'a', free_ram_mb: -100 }), fakeHost({ host: 'b', free_ram_mb: 100 })];
    const { steps } = weighHosts([RAMWeigher, IoOpsWeigher], hosts, fakeSpec(), cfg());
    expect(steps[0]?.hosts.map((h) => [h.raw, h.normalised])).toEqual([
      [0, 0],
      [100, 1],
    ]);
    expect(steps[1]?.hosts.map((h) => h.normalised)).toEqual([0, 0]);
  });
});
