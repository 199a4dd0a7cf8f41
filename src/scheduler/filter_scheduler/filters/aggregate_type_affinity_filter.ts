import type { HostFilter } from '../types.js';
import { aggregateValuesFromKey, showSet } from './utils.js';

/**
 * AggregateTypeAffinityFilter: a host whose aggregates set `instance_type` (a flavor name or a
 * comma list) takes only those flavors (`nova/scheduler/filters/type_filter.py`).
 */
export const AggregateTypeAffinityFilter: HostFilter = {
  name: 'AggregateTypeAffinityFilter',
  runFilterForEachInstance: false,
  hostPasses(host, spec) {
    const values = aggregateValuesFromKey(host, 'instance_type');
    if (values.size === 0) return true;
    for (const value of values) {
      if (value.split(',').some((name) => name.trim() === spec.flavor.name)) return true;
    }
    return `flavor '${spec.flavor.name}' is not in the aggregate instance_type ${showSet(values)}`;
  },
};
