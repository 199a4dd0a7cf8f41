/** BuildFailureWeigher, after nova's test_weights_compute.py. */
import { describe, it, expect } from 'vitest';
import { BuildFailureWeigher } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost } from '../helpers.js';
import { weighed } from './helpers.js';

const hosts = () => [0, 1, 3].map((n, i) => fakeHost({ host: `host${i + 1}`, failed_builds: n }));

describe('BuildFailureWeigher', () => {
  it('pushes hosts with recent build failures down by the negated multiplier', () => {
    expect(weighed(BuildFailureWeigher, hosts())).toEqual([
      ['host1', 0],
      ['host2', (-1000000 * 1) / 3],
      ['host3', -1000000],
    ]);
  });
  it('does nothing with multiplier 0', () => {
    expect(weighed(BuildFailureWeigher, hosts(), cfg({ filter_scheduler: { build_failure_weight_multiplier: 0 } })).map(([, w]) => w)).toEqual([0, 0, 0]);
  });
  it('negates the aggregate override too', () => {
    expect(BuildFailureWeigher.multiplier(cfg(), fakeHost())).toBe(-1000000);
    expect(BuildFailureWeigher.multiplier(cfg(), fakeHost({ aggregates: [agg({ build_failure_weight_multiplier: '10' })] }))).toBe(-10);
  });
});
