/**
 * `stacksim/scheduler`: nova's filter scheduler as a pure function (`schedule({ hosts, request,
 * config, seed })`, no Cloud needed), Placement (resource providers, inventories, traits,
 * aggregates, consumers, allocations, allocation candidates) and what nova-compute reports to
 * it; the capacity arithmetic every decision rests on. In a cloud: `session.placement` and
 * `cloud.scheduler.selectDestinations`.
 */
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
  computeInventories,
  computeTraits,
  initialComputeConfig,
  COMPUTE_REPORTING_HOOKS,
  setComputeConfig,
  checkComputeConfig,
  type ComputeConfig,
  type ComputeConfigState,
} from './compute_nodes.js';
export { SchedulerOperatorApi, type HostUsage, type ResourceUsage } from './operator.js';
export { schedulerService, type SchedulerSession, type SchedulerOperator } from './service.js';
export { hostStates, hostStateOf, azAggregateUuid, DEFAULT_AVAILABILITY_ZONE } from './host_states.js';
export * from './filter_scheduler/index.js';
/** What `schedule(input, memo)` keeps between calls (a caller's own; a cloud has `cloud.kernel.memo`). */
export { Memo } from '../core/index.js';
