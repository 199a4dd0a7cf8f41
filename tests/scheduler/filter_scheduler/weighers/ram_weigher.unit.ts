/** RAMWeigher, after nova's test_weights_ram.py. */
import { describe, it, expect } from 'vitest';
import { RAMWeigher } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost } from '../helpers.js';
import { weighed } from './helpers.js';

const hosts = () => [512, 1024, 3072, 8192].map((free, i) => fakeHost({ host: `host${i + 1}`, free_ram_mb: free }));

describe('RAMWeigher', () => {
  it('spreads by default: the most free RAM wins with weight 1.0', () => {
    expect(weighed(RAMWeigher, hosts())[0]).toEqual(['host4', 1.0]);
  });
  it('weighs every host 0 with multiplier 0', () => {
    expect(weighed(RAMWeigher, hosts(), cfg({ filter_scheduler: { ram_weight_multiplier: 0.0 } }))[0]?.[1]).toBe(0);
  });
  it('scales with the multiplier', () => {
    expect(weighed(RAMWeigher, hosts(), cfg({ filter_scheduler: { ram_weight_multiplier: 2.0 } }))[0]).toEqual(['host4', 2.0]);
  });
  it('stacks with a negative multiplier: the least free RAM wins', () => {
    const w = weighed(RAMWeigher, hosts(), cfg({ filter_scheduler: { ram_weight_multiplier: -1.0 } }));
    expect(w[0]?.[0]).toBe('host1');
    expect(w[w.length - 1]).toEqual(['host4', -1.0]);
  });
  it('counts negative free RAM as 0', () => {
    const w = weighed(RAMWeigher, [...hosts(), fakeHost({ host: 'negative', free_ram_mb: -512 })]);
    expect(w[0]).toEqual(['host4', 1]);
    expect(w[w.length - 1]).toEqual(['negative', 0]);
  });
  it('normalises against 0, not the smallest value (minval = 0)', () => {
    expect(weighed(RAMWeigher, hosts()).find(([h]) => h === 'host1')?.[1]).toBe(512 / 8192);
  });
  it('takes ram_weight_multiplier from aggregate metadata, the minimum of several', () => {
    const config = cfg({ filter_scheduler: { ram_weight_multiplier: -1.0 } });
    expect(RAMWeigher.multiplier(config, fakeHost())).toBe(-1);
    expect(RAMWeigher.multiplier(config, fakeHost({ aggregates: [agg({ ram_weight_multiplier: '2' })] }))).toBe(2);
    expect(RAMWeigher.multiplier(config, fakeHost({ aggregates: [agg({ ram_weight_multiplier: '2' }), agg({ ram_weight_multiplier: '1.5' })] }))).toBe(1.5);
    expect(RAMWeigher.multiplier(config, fakeHost({ aggregates: [agg({ ram_weight_multiplier: 'abc' })] }))).toBe(-1);
  });
  it('applies the per-host multiplier to each host', () => {
    const list = hosts().map((h) => ({ ...h, aggregates: [agg({ ram_weight_multiplier: '1.5' })] }));
    expect(weighed(RAMWeigher, list, cfg({ filter_scheduler: { ram_weight_multiplier: -1.0 } }))[0]).toEqual(['host4', 1.5]);
  });
});
