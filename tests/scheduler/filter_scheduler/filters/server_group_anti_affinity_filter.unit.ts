/** ServerGroupAntiAffinityFilter, after nova's test_affinity_filters.py. */
import { describe, it, expect } from 'vitest';
import { ServerGroupAntiAffinityFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { fakeHost, fakeSpec, passes } from '../helpers.js';

const group = (extra: Record<string, unknown> = {}) => ({ uuid: 'g1', policy: 'anti-affinity', members: ['m1', 'm2'], hosts: ['host1'], ...extra });

describe('ServerGroupAntiAffinityFilter', () => {
  it('passes a host with no member of the group', () => {
    expect(passes(ServerGroupAntiAffinityFilter, fakeHost({ instances: ['other'] }), fakeSpec({ instance_group: group(), instance_uuid: 'new' }))).toBe(true);
  });
  it('fails a host already running a member', () => {
    expect(passes(ServerGroupAntiAffinityFilter, fakeHost({ instances: ['m1'] }), fakeSpec({ instance_group: group(), instance_uuid: 'new' }))).toBe(false);
  });
  it('honours max_server_per_host', () => {
    const spec = fakeSpec({ instance_group: group({ rules: { max_server_per_host: 2 } }), instance_uuid: 'new' });
    expect(passes(ServerGroupAntiAffinityFilter, fakeHost({ instances: ['m1'] }), spec)).toBe(true);
    expect(passes(ServerGroupAntiAffinityFilter, fakeHost({ instances: ['m1', 'm2'] }), spec)).toBe(false);
  });
  it('lets an instance stay on its own host (a move)', () => {
    expect(passes(ServerGroupAntiAffinityFilter, fakeHost({ instances: ['m1'] }), fakeSpec({ instance_group: group(), instance_uuid: 'm1' }))).toBe(true);
  });
  it('ignores other policies and requests without a group', () => {
    expect(passes(ServerGroupAntiAffinityFilter, fakeHost({ instances: ['m1'] }), fakeSpec({ instance_group: group({ policy: 'affinity' }) }))).toBe(true);
    expect(passes(ServerGroupAntiAffinityFilter, fakeHost({ instances: ['m1'] }), fakeSpec({ instance_group: group({ policy: 'soft-anti-affinity' }) }))).toBe(true);
    expect(passes(ServerGroupAntiAffinityFilter, fakeHost({ instances: ['m1'] }), fakeSpec())).toBe(true);
  });
  it('runs for every instance', () => {
    expect(ServerGroupAntiAffinityFilter.runFilterForEachInstance).toBe(true);
  });
});
