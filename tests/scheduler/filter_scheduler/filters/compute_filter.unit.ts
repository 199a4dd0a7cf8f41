/** ComputeFilter, after nova's test_compute_filters.py. */
import { describe, it, expect } from 'vitest';
import { ComputeFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

describe('ComputeFilter', () => {
  it('passes an enabled host whose service is up', () => {
    expect(passes(ComputeFilter, fakeHost())).toBe(true);
  });
  it('fails a manually disabled host, with the disabled reason', () => {
    const host = fakeHost({ service: { disabled: true, disabled_reason: 'maintenance' } });
    expect(passes(ComputeFilter, host)).toBe(false);
    expect(ComputeFilter.hostPasses(host, fakeSpec(), cfg())).toMatch(/disabled.*maintenance/);
  });
  it('fails a host whose service is down or forced down', () => {
    expect(passes(ComputeFilter, fakeHost({ service: { up: false } }))).toBe(false);
    expect(passes(ComputeFilter, fakeHost({ service: { forced_down: true } }))).toBe(false);
  });
  it('runs once per request', () => {
    expect(ComputeFilter.runFilterForEachInstance).toBe(false);
  });
});
