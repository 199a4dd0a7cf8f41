/** ServerGroupSoftAffinityWeigher, after nova's test_weights_affinity.py. */
import { describe, it, expect } from 'vitest';
import { ServerGroupSoftAffinityWeigher } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost, fakeSpec } from '../helpers.js';
import { weighed } from './helpers.js';

const hosts = () => [
  fakeHost({ host: 'host1', instances: ['m1'] }),
  fakeHost({ host: 'host2', instances: ['m2', 'm3', 'x'] }),
  fakeHost({ host: 'host3', instances: [] }),
];
const spec = (policy: string) => fakeSpec({ instance_group: { policy, members: ['m1', 'm2', 'm3'] } });

describe('ServerGroupSoftAffinityWeigher', () => {
  it('prefers the host with the most members of a soft-affinity group', () => {
    expect(weighed(ServerGroupSoftAffinityWeigher, hosts(), cfg(), spec('soft-affinity'))).toEqual([
      ['host2', 1],
      ['host1', 0.5],
      ['host3', 0],
    ]);
  });
  it('weighs nothing for other policies or without a group', () => {
    expect(weighed(ServerGroupSoftAffinityWeigher, hosts(), cfg(), spec('soft-anti-affinity')).map(([, w]) => w)).toEqual([0, 0, 0]);
    expect(weighed(ServerGroupSoftAffinityWeigher, hosts()).map(([h]) => h)).toEqual(['host1', 'host2', 'host3']);
  });
  it('scales with soft_affinity_weight_multiplier, config or aggregate', () => {
    expect(weighed(ServerGroupSoftAffinityWeigher, hosts(), cfg({ filter_scheduler: { soft_affinity_weight_multiplier: 2 } }), spec('soft-affinity'))[0]).toEqual(['host2', 2]);
    expect(ServerGroupSoftAffinityWeigher.multiplier(cfg(), fakeHost({ aggregates: [agg({ soft_affinity_weight_multiplier: '0.5' })] }))).toBe(0.5);
  });
});
