import type { HostState, RequestSpec } from '../types.js';

/** How many members of the request's group run on the host, when the group has `policy`. */
export function membersOnHost(host: HostState, spec: RequestSpec, policy: string): number {
  const group = spec.instance_group;
  if (group === null || group.policy !== policy) return 0;
  return group.members.filter((m) => Object.hasOwn(host.instances, m)).length;
}
