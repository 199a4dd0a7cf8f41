/** ServerGroupAffinityFilter, after nova's test_affinity_filters.py. */
import { describe, it, expect } from 'vitest';
import { ServerGroupAffinityFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { fakeHost, fakeSpec, passes } from '../helpers.js';

const group = (hosts: string[], policy = 'affinity') => ({ policy, members: ['m1'], hosts });

describe('ServerGroupAffinityFilter', () => {
  it('passes a host of the group', () => {
    expect(passes(ServerGroupAffinityFilter, fakeHost({ host: 'host1' }), fakeSpec({ instance_group: group(['host1']) }))).toBe(true);
  });
  it('fails a host outside the group', () => {
    expect(passes(ServerGroupAffinityFilter, fakeHost({ host: 'host2' }), fakeSpec({ instance_group: group(['host1']) }))).toBe(false);
  });
  it('passes any host while the group has no host yet', () => {
    expect(passes(ServerGroupAffinityFilter, fakeHost({ host: 'host2' }), fakeSpec({ instance_group: group([]) }))).toBe(true);
  });
  it('ignores other policies', () => {
    expect(passes(ServerGroupAffinityFilter, fakeHost({ host: 'host2' }), fakeSpec({ instance_group: group(['host1'], 'soft-affinity') }))).toBe(true);
    expect(passes(ServerGroupAffinityFilter, fakeHost({ host: 'host2' }), fakeSpec({ instance_group: group(['host1'], 'anti-affinity') }))).toBe(true);
  });
});
