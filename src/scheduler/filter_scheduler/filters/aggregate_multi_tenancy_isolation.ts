import type { HostFilter } from '../types.js';
import { aggregateMetadataGetByHost, showSet } from './utils.js';

/**
 * AggregateMultiTenancyIsolation: a host in an aggregate with `filter_tenant_id` metadata (a
 * project id or a comma list of them) takes only those projects' instances; other hosts take any
 * project (`nova/scheduler/filters/aggregate_multitenancy_isolation.py`). Only the exact key
 * counts here; the numbered keys (`filter_tenant_id2`, `filter_tenant_id:123`) belong to the
 * `require_tenant_aggregate` pre-filter (`[scheduler] limit_tenants_to_placement_aggregate`).
 */
export const AggregateMultiTenancyIsolation: HostFilter = {
  name: 'AggregateMultiTenancyIsolation',
  runFilterForEachInstance: false,
  hostPasses(host, spec) {
    const tenants = aggregateMetadataGetByHost(host, 'filter_tenant_id').get('filter_tenant_id');
    if (tenants === undefined || tenants.size === 0) return true;
    if (spec.project_id !== null && tenants.has(spec.project_id)) return true;
    return `project '${spec.project_id ?? ''}' is not in the host's aggregate filter_tenant_id ${showSet(tenants)}`;
  },
};
