/** AggregateTypeAffinityFilter, after nova's test_type_filters.py. */
import { describe, it, expect } from 'vitest';
import { AggregateTypeAffinityFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, fakeHost, fakeSpec, flavor, passes } from '../helpers.js';

const check = (types: string[], name: string) =>
  passes(AggregateTypeAffinityFilter, fakeHost({ aggregates: types.map((t) => agg({ instance_type: t })) }), fakeSpec({ flavor: flavor({}, name) }));

describe('AggregateTypeAffinityFilter', () => {
  it('passes every flavor when no aggregate sets instance_type', () => {
    expect(check([], 'fake1')).toBe(true);
  });
  it('passes only the flavor an aggregate names', () => {
    expect(check(['fake1'], 'fake1')).toBe(true);
    expect(check(['fake1'], 'fake2')).toBe(false);
  });
  it('accepts any of several aggregates', () => {
    expect(check(['fake1', 'fake2'], 'fake2')).toBe(true);
    expect(check(['fake1', 'fake2'], 'fake3')).toBe(false);
  });
  it('reads comma lists', () => {
    expect(check(['fake1, fake2'], 'fake2')).toBe(true);
    expect(check(['fake1,fake2'], 'fake3')).toBe(false);
  });
});
