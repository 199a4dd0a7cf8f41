/** NumInstancesFilter, after nova's test_num_instances_filters.py. */
import { describe, it, expect } from 'vitest';
import { NumInstancesFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

describe('NumInstancesFilter', () => {
  const config = cfg({ filter_scheduler: { max_instances_per_host: 5 } });
  it('passes below the limit and fails at it', () => {
    expect(passes(NumInstancesFilter, fakeHost({ num_instances: 4 }), fakeSpec(), config)).toBe(true);
    expect(passes(NumInstancesFilter, fakeHost({ num_instances: 5 }), fakeSpec(), config)).toBe(false);
  });
  it('defaults to max_instances_per_host 50', () => {
    expect(passes(NumInstancesFilter, fakeHost({ num_instances: 49 }))).toBe(true);
    expect(passes(NumInstancesFilter, fakeHost({ num_instances: 50 }))).toBe(false);
  });
  it('counts the host instances when num_instances is not given', () => {
    expect(passes(NumInstancesFilter, fakeHost({ instances: ['a', 'b'] }), fakeSpec(), cfg({ filter_scheduler: { max_instances_per_host: 2 } }))).toBe(false);
  });
});
