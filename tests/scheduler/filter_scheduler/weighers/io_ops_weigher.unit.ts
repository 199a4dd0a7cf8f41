/** IoOpsWeigher, after nova's test_weights_ioopsweight.py. */
import { describe, it, expect } from 'vitest';
import { IoOpsWeigher } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost } from '../helpers.js';
import { weighed } from './helpers.js';

const hosts = () => [0, 1, 2, 8].map((n, i) => fakeHost({ host: `host${i + 1}`, num_io_ops: n }));

describe('IoOpsWeigher', () => {
  it('prefers the quietest host by default (multiplier -1.0)', () => {
    const w = weighed(IoOpsWeigher, hosts());
    expect(w[0]).toEqual(['host1', 0]);
    expect(w[w.length - 1]).toEqual(['host4', -1]);
  });
  it('prefers the busiest host with a positive multiplier', () => {
    expect(weighed(IoOpsWeigher, hosts(), cfg({ filter_scheduler: { io_ops_weight_multiplier: 2 } }))[0]).toEqual(['host4', 2]);
  });
  it('takes io_ops_weight_multiplier from aggregate metadata', () => {
    expect(IoOpsWeigher.multiplier(cfg(), fakeHost({ aggregates: [agg({ io_ops_weight_multiplier: '1' })] }))).toBe(1);
  });
});
