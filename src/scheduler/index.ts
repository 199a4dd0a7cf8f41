/**
 * `stacksim/scheduler`: nova's filter scheduler as a pure function (`schedule({ hosts, request,
 * config, seed })`, no Cloud needed), Placement (resource providers, inventories, traits,
 * aggregates, consumers, allocations, allocation candidates), nova's host aggregates and what
 * the scheduler reads of the compute services, the Placement writes nova-compute's resource
 * tracker (`src/compute`) makes, and the capacity arithmetic every decision rests on. In a
 * cloud: `session.placement` and `cloud.scheduler.selectDestinations`.
 */
import type {} from './events.js';

export {
  capacity,
  capacityOf,
  fits,
  type InventoryRecord,
  PlacementApi,
  type ResourceProviderView,
  type InventoriesView,
  type InventoryBody,
  type InventoryView,
  type AllocationsRequest,
  allocationCandidates,
  parseQuery,
  type CandidateQuery,
  type AllocationCandidates,
  type ProviderSummary,
  initialPlacementState,
  getProvider,
  inventoriesOf,
  usageOf,
  traitsOf,
  aggregatesOf,
  allocationsOf,
  replaceAllocations,
  ConcurrentUpdate,
  CapacityExceeded,
  PLACEMENT_ERRORS,
  type ConsumerAllocations,
  type ResourceProviderRow,
  type InventoryRow,
  type ConsumerRow,
  type PlacementState,
  type AllocationMap,
  PLACEMENT_POLICIES,
  STANDARD_RESOURCE_CLASSES,
  STANDARD_TRAITS,
  CPU_TRAITS_MAPPING,
} from './placement/index.js';
export {
  COMPUTE_DEFAULTS,
  computeConfigOf,
  initialComputeConfig,
  setComputeConfig,
  checkComputeConfig,
  computeNodeStatusOf,
  setComputeNodeStatus,
  forgetComputeNodeStatus,
  computeProviderOf,
  createComputeProvider,
  saveComputeProvider,
  removeComputeProvider,
  providerConsumers,
  type ComputeConfig,
  type ComputeConfigState,
  type ComputeNodeStatus,
  type ComputeProviderInit,
  type HostAggregateRow,
} from './compute_nodes.js';
export {
  novaAggregates,
  hostAggregateRows,
  findHostAggregate,
  createHostAggregate,
  saveHostAggregate,
  deleteHostAggregate,
  removeHostFromAggregates,
  providerAggregatesFor,
  syncProviderAggregates,
  type HostAggregateInit,
  type StaleAggregates,
} from './host_aggregates.js';
export { SchedulerOperatorApi, setSchedulerOptions, type HostUsage, type ResourceUsage } from './operator.js';
export { selectDestinations, claimOnHost, deleteInstanceAllocations, schedulerConfigOf } from './select_destinations.js';
export { schedulerService, type SchedulerSession, type SchedulerOperator } from './service.js';
export { hostStates, hostStateOf, azAggregateUuid, DEFAULT_AVAILABILITY_ZONE } from './host_states.js';
export * from './filter_scheduler/index.js';
/** What `schedule(input, memo)` keeps between calls (a caller's own; a cloud has `cloud.kernel.memo`). */
export { Memo } from '../core/index.js';
