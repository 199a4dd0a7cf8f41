/**
 * The filter registry: every host filter stacksim simulates, in one explicit array, as nova's
 * `nova.scheduler.filters.all_filters` lists the classes of `nova/scheduler/filters/`.
 */
import type { HostFilter } from '../types.js';
import { AggregateImagePropertiesIsolation } from './aggregate_image_properties_isolation.js';
import { AggregateInstanceExtraSpecsFilter } from './aggregate_instance_extra_specs_filter.js';
import { AggregateIoOpsFilter } from './aggregate_io_ops_filter.js';
import { AggregateMultiTenancyIsolation } from './aggregate_multi_tenancy_isolation.js';
import { AggregateNumInstancesFilter } from './aggregate_num_instances_filter.js';
import { AggregateTypeAffinityFilter } from './aggregate_type_affinity_filter.js';
import { AllHostsFilter } from './all_hosts_filter.js';
import { AvailabilityZoneFilter } from './availability_zone_filter.js';
import { ComputeCapabilitiesFilter } from './compute_capabilities_filter.js';
import { ComputeFilter } from './compute_filter.js';
import { DifferentHostFilter } from './different_host_filter.js';
import { ImagePropertiesFilter } from './image_properties_filter.js';
import { IoOpsFilter } from './io_ops_filter.js';
import { IsolatedHostsFilter } from './isolated_hosts_filter.js';
import { JsonFilter } from './json_filter.js';
import { MetricsFilter } from './metrics_filter.js';
import { NumInstancesFilter } from './num_instances_filter.js';
import { SameHostFilter } from './same_host_filter.js';
import { ServerGroupAffinityFilter } from './server_group_affinity_filter.js';
import { ServerGroupAntiAffinityFilter } from './server_group_anti_affinity_filter.js';

/** Every simulated filter. */
export const FILTERS: readonly HostFilter[] = Object.freeze([
  ComputeFilter,
  ComputeCapabilitiesFilter,
  ImagePropertiesFilter,
  ServerGroupAntiAffinityFilter,
  ServerGroupAffinityFilter,
  AvailabilityZoneFilter,
  AggregateInstanceExtraSpecsFilter,
  AggregateImagePropertiesIsolation,
  AggregateMultiTenancyIsolation,
  AggregateNumInstancesFilter,
  AggregateIoOpsFilter,
  AggregateTypeAffinityFilter,
  NumInstancesFilter,
  IoOpsFilter,
  SameHostFilter,
  DifferentHostFilter,
  IsolatedHostsFilter,
  JsonFilter,
  MetricsFilter,
  AllHostsFilter,
]);

/**
 * Filters nova ships that stacksim does not simulate, with what they would need; naming one in
 * `enabled_filters` is refused with a `scheduler.filter.not_simulated` BadRequest.
 */
export const NOT_SIMULATED_FILTERS: Readonly<Record<string, string>> = Object.freeze({
  NUMATopologyFilter: 'hosts carry no NUMA topology in stacksim',
  PciPassthroughFilter: 'hosts carry no PCI device pools in stacksim',
  SimpleCIDRAffinityFilter: 'hosts carry no host_ip in stacksim',
});

/** The filter named `name`, or undefined. */
export function filterByName(name: string): HostFilter | undefined {
  return BY_NAME.get(name);
}

/** The registry by name (a constant lookup table). */
const BY_NAME: ReadonlyMap<string, HostFilter> = new Map(FILTERS.map((f) => [f.name, f]));

export {
  AggregateImagePropertiesIsolation,
  AggregateInstanceExtraSpecsFilter,
  AggregateIoOpsFilter,
  AggregateMultiTenancyIsolation,
  AggregateNumInstancesFilter,
  AggregateTypeAffinityFilter,
  AllHostsFilter,
  AvailabilityZoneFilter,
  ComputeCapabilitiesFilter,
  ComputeFilter,
  DifferentHostFilter,
  ImagePropertiesFilter,
  IoOpsFilter,
  IsolatedHostsFilter,
  JsonFilter,
  MetricsFilter,
  NumInstancesFilter,
  SameHostFilter,
  ServerGroupAffinityFilter,
  ServerGroupAntiAffinityFilter,
};
