import type { HostFilter } from '../types.js';

/**
 * ServerGroupAntiAffinityFilter: for an `anti-affinity` group, a host passes while it runs fewer
 * of the group's members than the group's `max_server_per_host` rule (default 1); the instance's
 * own host always passes (a move) (`nova/scheduler/filters/affinity_filter.py`).
 * Runs for every instance, so the members placed earlier in a multi-create count.
 */
export const ServerGroupAntiAffinityFilter: HostFilter = {
  name: 'ServerGroupAntiAffinityFilter',
  runFilterForEachInstance: true,
  passesAll: (spec) => spec.instance_group === null || spec.instance_group.policy !== 'anti-affinity',
  hostPasses(host, spec) {
    const group = spec.instance_group;
    if (group === null || group.policy !== 'anti-affinity') return true;
    if (spec.instance_uuid !== null && Object.hasOwn(host.instances, spec.instance_uuid)) return true;
    const onHost = group.members.filter((m) => Object.hasOwn(host.instances, m)).length;
    const max = group.rules.max_server_per_host ?? 1;
    if (onHost < max) return true;
    return `anti-affinity group ${group.uuid ?? 'n/a'} already has ${onHost} member(s) on this host (max_server_per_host ${max})`;
  },
};
