/** AggregateNumInstancesFilter, after nova's test_num_instances_filters.py. */
import { describe, it, expect } from 'vitest';
import { AggregateNumInstancesFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

const config = cfg({ filter_scheduler: { max_instances_per_host: 4 } });
const host = (n: number, ...values: string[]) => fakeHost({ num_instances: n, aggregates: values.map((v) => agg({ max_instances_per_host: v })) });

describe('AggregateNumInstancesFilter', () => {
  it('uses the aggregate value over the option', () => {
    expect(passes(AggregateNumInstancesFilter, host(5, '6'), fakeSpec(), config)).toBe(true);
    expect(passes(AggregateNumInstancesFilter, host(6, '6'), fakeSpec(), config)).toBe(false);
  });
  it('takes the minimum of several aggregates', () => {
    expect(passes(AggregateNumInstancesFilter, host(3, '6', '3'), fakeSpec(), config)).toBe(false);
    expect(passes(AggregateNumInstancesFilter, host(2, '6', '3'), fakeSpec(), config)).toBe(true);
  });
  it('falls back to the option when there is no value or it is not an integer', () => {
    expect(passes(AggregateNumInstancesFilter, host(3), fakeSpec(), config)).toBe(true);
    expect(passes(AggregateNumInstancesFilter, host(4), fakeSpec(), config)).toBe(false);
    expect(passes(AggregateNumInstancesFilter, host(4, 'XXX'), fakeSpec(), config)).toBe(false);
    expect(passes(AggregateNumInstancesFilter, host(4, '5.5'), fakeSpec(), config)).toBe(false);
  });
});
