/** DiskWeigher, after nova's test_weights_disk.py. */
import { describe, it, expect } from 'vitest';
import { DiskWeigher } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost } from '../helpers.js';
import { weighed } from './helpers.js';

const hosts = () => [4096, 8192, 12288, 16384].map((free, i) => fakeHost({ host: `host${i + 1}`, free_disk_mb: free }));

describe('DiskWeigher', () => {
  it('spreads by default, stacks with a negative multiplier', () => {
    expect(weighed(DiskWeigher, hosts())[0]).toEqual(['host4', 1.0]);
    expect(weighed(DiskWeigher, hosts(), cfg({ filter_scheduler: { disk_weight_multiplier: -1 } }))[0]?.[0]).toBe('host1');
  });
  it('counts negative free disk as 0', () => {
    const w = weighed(DiskWeigher, [...hosts(), fakeHost({ host: 'negative', free_disk_mb: -500 })]);
    expect(w[w.length - 1]).toEqual(['negative', 0]);
  });
  it('takes disk_weight_multiplier from aggregate metadata', () => {
    expect(DiskWeigher.multiplier(cfg(), fakeHost({ aggregates: [agg({ disk_weight_multiplier: '3' })] }))).toBe(3);
  });
});
