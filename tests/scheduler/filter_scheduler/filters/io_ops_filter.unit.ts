/** IoOpsFilter, after nova's test_io_ops_filters.py. */
import { describe, it, expect } from 'vitest';
import { IoOpsFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

describe('IoOpsFilter', () => {
  it('passes below max_io_ops_per_host (8) and fails at it', () => {
    expect(passes(IoOpsFilter, fakeHost({ num_io_ops: 7 }))).toBe(true);
    expect(passes(IoOpsFilter, fakeHost({ num_io_ops: 8 }))).toBe(false);
  });
  it('reads the option', () => {
    expect(passes(IoOpsFilter, fakeHost({ num_io_ops: 2 }), fakeSpec(), cfg({ filter_scheduler: { max_io_ops_per_host: 2 } }))).toBe(false);
    expect(passes(IoOpsFilter, fakeHost({ num_io_ops: 0 }), fakeSpec(), cfg({ filter_scheduler: { max_io_ops_per_host: 0 } }))).toBe(false);
  });
});
