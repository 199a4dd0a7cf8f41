/** CPUWeigher, after nova's test_weights_cpu.py. */
import { describe, it, expect } from 'vitest';
import { CPUWeigher } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost } from '../helpers.js';
import { weighed } from './helpers.js';

// free vCPUs = vcpus_total × cpu_allocation_ratio − vcpus_used
const hosts = () => [
  fakeHost({ host: 'host1', vcpus_total: 1, vcpus_used: 1, cpu_allocation_ratio: 16 }), // 15
  fakeHost({ host: 'host2', vcpus_total: 2, vcpus_used: 2, cpu_allocation_ratio: 16 }), // 30
  fakeHost({ host: 'host3', vcpus_total: 4, vcpus_used: 1, cpu_allocation_ratio: 16 }), // 63
  fakeHost({ host: 'host4', vcpus_total: 8, vcpus_used: 0, cpu_allocation_ratio: 16 }), // 128
];

describe('CPUWeigher', () => {
  it('spreads by default: the most free vCPUs win', () => {
    expect(weighed(CPUWeigher, hosts())[0]).toEqual(['host4', 1.0]);
    expect(weighed(CPUWeigher, hosts()).find(([h]) => h === 'host3')?.[1]).toBe(63 / 128);
  });
  it('stacks with a negative multiplier', () => {
    expect(weighed(CPUWeigher, hosts(), cfg({ filter_scheduler: { cpu_weight_multiplier: -1 } }))[0]?.[0]).toBe('host1');
  });
  it('counts overcommitted hosts as 0', () => {
    const w = weighed(CPUWeigher, [...hosts(), fakeHost({ host: 'negative', vcpus_total: 1, vcpus_used: 20, cpu_allocation_ratio: 1 })]);
    expect(w[w.length - 1]).toEqual(['negative', 0]);
  });
  it('takes cpu_weight_multiplier from aggregate metadata', () => {
    expect(CPUWeigher.multiplier(cfg(), fakeHost({ aggregates: [agg({ cpu_weight_multiplier: '-2.5' })] }))).toBe(-2.5);
  });
});
