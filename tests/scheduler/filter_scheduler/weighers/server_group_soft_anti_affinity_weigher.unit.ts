/** ServerGroupSoftAntiAffinityWeigher, after nova's test_weights_affinity.py. */
import { describe, it, expect } from 'vitest';
import { ServerGroupSoftAntiAffinityWeigher } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost, fakeSpec } from '../helpers.js';
import { weighed } from './helpers.js';

const hosts = () => [
  fakeHost({ host: 'host1', instances: ['m1'] }),
  fakeHost({ host: 'host2', instances: ['m2', 'm3'] }),
  fakeHost({ host: 'host3', instances: [] }),
];
const spec = fakeSpec({ instance_group: { policy: 'soft-anti-affinity', members: ['m1', 'm2', 'm3'] } });

describe('ServerGroupSoftAntiAffinityWeigher', () => {
  it('prefers the host with the fewest members (raw weight -members)', () => {
    expect(weighed(ServerGroupSoftAntiAffinityWeigher, hosts(), cfg(), spec)).toEqual([
      ['host3', 1],
      ['host1', 0.5],
      ['host2', 0],
    ]);
  });
  it('takes soft_anti_affinity_weight_multiplier from config or aggregate metadata', () => {
    expect(weighed(ServerGroupSoftAntiAffinityWeigher, hosts(), cfg({ filter_scheduler: { soft_anti_affinity_weight_multiplier: 3 } }), spec)[0]).toEqual(['host3', 3]);
    expect(ServerGroupSoftAntiAffinityWeigher.multiplier(cfg(), fakeHost({ aggregates: [agg({ soft_anti_affinity_weight_multiplier: '4' })] }))).toBe(4);
  });
});
