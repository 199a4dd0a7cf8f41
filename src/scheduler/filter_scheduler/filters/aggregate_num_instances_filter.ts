import type { HostFilter } from '../types.js';
import { numInstancesVerdict } from './num_instances_filter.js';
import { aggregateOverride } from './utils.js';

/**
 * AggregateNumInstancesFilter: as NumInstancesFilter, with the limit taken from the aggregates'
 * `max_instances_per_host` metadata (the minimum when several; the option when none or when a
 * value is not an integer).
 */
export const AggregateNumInstancesFilter: HostFilter = {
  name: 'AggregateNumInstancesFilter',
  runFilterForEachInstance: true,
  hostOnly: true,
  hostPasses(host, _spec, config) {
    const configured = config.filter_scheduler.max_instances_per_host;
    const max = aggregateOverride(host, 'max_instances_per_host', configured, 'int');
    return numInstancesVerdict(host, max);
  },
};
