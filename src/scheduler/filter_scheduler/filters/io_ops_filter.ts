import type { HostFilter, HostState } from '../types.js';

/** A host passes while it has fewer than `max` I/O operations (shared with AggregateIoOpsFilter). */
export function ioOpsVerdict(host: HostState, max: number): true | string {
  return host.num_io_ops < max ? true : `${host.num_io_ops} I/O operation(s) on the host, max_io_ops_per_host is ${max}`;
}

/**
 * IoOpsFilter: hosts with fewer than `[filter_scheduler] max_io_ops_per_host` (8) instances
 * building, resizing, snapshotting, migrating, rescuing or unshelving
 * (`nova/scheduler/filters/io_ops_filter.py`).
 */
export const IoOpsFilter: HostFilter = {
  name: 'IoOpsFilter',
  runFilterForEachInstance: true,
  hostOnly: true,
  hostPasses: (host, _spec, config) => ioOpsVerdict(host, config.filter_scheduler.max_io_ops_per_host),
};
