import type { HostFilter } from '../types.js';
import { ioOpsVerdict } from './io_ops_filter.js';
import { aggregateOverride } from './utils.js';

/**
 * AggregateIoOpsFilter: as IoOpsFilter, with the limit taken from the aggregates'
 * `max_io_ops_per_host` metadata (the minimum when several; the option when none or when a value
 * is not an integer).
 */
export const AggregateIoOpsFilter: HostFilter = {
  name: 'AggregateIoOpsFilter',
  runFilterForEachInstance: true,
  hostOnly: true,
  hostPasses(host, _spec, config) {
    const configured = config.filter_scheduler.max_io_ops_per_host;
    return ioOpsVerdict(host, aggregateOverride(host, 'max_io_ops_per_host', configured, 'int'));
  },
};
