/** SameHostFilter, after nova's test_affinity_filters.py. */
import { describe, it, expect } from 'vitest';
import { SameHostFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { fakeHost, fakeSpec, passes } from '../helpers.js';

const host = fakeHost({ instances: ['i1', 'i2'] });
const hint = (same_host: unknown) => fakeSpec({ scheduler_hints: { same_host } });

describe('SameHostFilter', () => {
  it('passes a host running one of the instances (list or single uuid)', () => {
    expect(passes(SameHostFilter, host, hint(['i2', 'zz']))).toBe(true);
    expect(passes(SameHostFilter, host, hint('i1'))).toBe(true);
  });
  it('fails a host running none of them', () => {
    expect(passes(SameHostFilter, host, hint(['zz']))).toBe(false);
    expect(passes(SameHostFilter, fakeHost(), hint('i1'))).toBe(false);
  });
  it('passes every host without the hint or with an empty list', () => {
    expect(passes(SameHostFilter, fakeHost(), fakeSpec())).toBe(true);
    expect(passes(SameHostFilter, fakeHost(), hint([]))).toBe(true);
  });
});
