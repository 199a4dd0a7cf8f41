import type { HostFilter, HostState, SchedulerConfig } from '../types.js';

/** A host passes while it has fewer than `max` instances (shared with AggregateNumInstancesFilter). */
export function numInstancesVerdict(host: HostState, max: number): true | string {
  return host.num_instances < max ? true : `${host.num_instances} instance(s) on the host, max_instances_per_host is ${max}`;
}

/**
 * NumInstancesFilter: hosts with fewer than `[filter_scheduler] max_instances_per_host` (50)
 * instances (`nova/scheduler/filters/num_instances_filter.py`).
 */
export const NumInstancesFilter: HostFilter = {
  name: 'NumInstancesFilter',
  runFilterForEachInstance: true,
  hostOnly: true,
  hostPasses: (host, _spec, config: SchedulerConfig) =>
    numInstancesVerdict(host, config.filter_scheduler.max_instances_per_host),
};
