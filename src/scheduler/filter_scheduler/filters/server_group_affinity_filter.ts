import type { HostFilter } from '../types.js';

/**
 * ServerGroupAffinityFilter: for an `affinity` group that already has hosts, only those hosts
 * pass (`nova/scheduler/filters/affinity_filter.py`). Runs for every instance: the host chosen
 * for the first member of a multi-create binds the others.
 */
export const ServerGroupAffinityFilter: HostFilter = {
  name: 'ServerGroupAffinityFilter',
  runFilterForEachInstance: true,
  passesAll: (spec) => spec.instance_group === null || spec.instance_group.policy !== 'affinity' || spec.instance_group.hosts.length === 0,
  hostPasses(host, spec) {
    const group = spec.instance_group;
    if (group === null || group.policy !== 'affinity') return true;
    if (group.hosts.length === 0 || group.hosts.includes(host.host)) return true;
    return `affinity group ${group.uuid ?? 'n/a'} is on host(s) ${[...new Set(group.hosts)].join(', ')}`;
  },
};
