/** AggregateIoOpsFilter, after nova's test_io_ops_filters.py. */
import { describe, it, expect } from 'vitest';
import { AggregateIoOpsFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

const config = cfg({ filter_scheduler: { max_io_ops_per_host: 4 } });
const host = (n: number, ...values: string[]) => fakeHost({ num_io_ops: n, aggregates: values.map((v) => agg({ max_io_ops_per_host: v })) });

describe('AggregateIoOpsFilter', () => {
  it('uses the aggregate value over the option, the minimum of several', () => {
    expect(passes(AggregateIoOpsFilter, host(7, '8'), fakeSpec(), config)).toBe(true);
    expect(passes(AggregateIoOpsFilter, host(8, '8'), fakeSpec(), config)).toBe(false);
    expect(passes(AggregateIoOpsFilter, host(3, '8', '3'), fakeSpec(), config)).toBe(false);
  });
  it('falls back to the option on a value that is not an integer', () => {
    expect(passes(AggregateIoOpsFilter, host(3, 'XXX'), fakeSpec(), config)).toBe(true);
    expect(passes(AggregateIoOpsFilter, host(4, 'XXX'), fakeSpec(), config)).toBe(false);
  });
});
