/**
 * Placement's door (the rest of the scheduler module imports Placement only from here): the
 * `placement` slice and its rows, the capacity arithmetic, resource providers, inventories,
 * traits, aggregates, consumers and allocations as draft mutators and guarded getters, allocation
 * candidates, the Placement API of a session, Zed's policies and standard classes and traits.
 */
import type {} from './augment.js';

export { capacity, capacityOf, fits, type InventoryRecord } from './capacity.js';
export type { ResourceProviderRow, InventoryRow, ConsumerRow, PlacementState, AllocationMap } from './types.js';
export {
  initialPlacementState,
  under,
  getProvider,
  inventoriesOf,
  usageOf,
  traitsOf,
  aggregatesOf,
  allocationsOf,
  deleteProvider,
  insertProvider,
  replaceAllocations,
  writeAllocations,
  type ProviderWrite,
  ConcurrentUpdate,
  CapacityExceeded,
  PLACEMENT_ERRORS,
  type ConsumerAllocations,
} from './store.js';
export {
  allocationCandidates,
  candidateProviders,
  classFaultOn,
  freeOf,
  parseQuery,
  providerFits,
  providerOrder,
  type CandidateQuery,
  type ParsedQuery,
  type AllocationCandidates,
  type ProviderSummary,
} from './candidates.js';
export { PlacementApi, type ResourceProviderView, type InventoriesView, type InventoryBody, type InventoryView, type AllocationsRequest } from './api.js';
export { PLACEMENT_POLICIES } from './policies.js';
export { PLACEMENT_REST } from './rest.js';
export { placementFault, type PlacementRestSession, type PlacementCall, type PlacementRoute } from './rest_common.js';
export { STANDARD_RESOURCE_CLASSES, STANDARD_TRAITS } from './standards.js';
export { CPU_TRAITS_MAPPING } from './cpu_traits.js';
