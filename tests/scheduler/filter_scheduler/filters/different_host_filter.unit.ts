/** DifferentHostFilter, after nova's test_affinity_filters.py. */
import { describe, it, expect } from 'vitest';
import { DifferentHostFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { fakeHost, fakeSpec, passes } from '../helpers.js';

const host = fakeHost({ instances: ['i1', 'i2'] });
const hint = (different_host: unknown) => fakeSpec({ scheduler_hints: { different_host } });

describe('DifferentHostFilter', () => {
  it('passes a host running none of the instances', () => {
    expect(passes(DifferentHostFilter, host, hint(['zz']))).toBe(true);
  });
  it('fails a host running one of them (list or single uuid)', () => {
    expect(passes(DifferentHostFilter, host, hint(['zz', 'i2']))).toBe(false);
    expect(passes(DifferentHostFilter, host, hint('i1'))).toBe(false);
  });
  it('passes every host without the hint', () => {
    expect(passes(DifferentHostFilter, host, fakeSpec())).toBe(true);
  });
});
