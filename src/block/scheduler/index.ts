/**
 * Cinder's volume scheduler as pure functions (`cinder/scheduler/`, Zed): the filter and weigher
 * registries, cinder/utils.py's capacity arithmetic, min–max weighing, the decision and its
 * explanation — laid out as nova's (`src/scheduler/filter_scheduler/`), so a reader who knows one
 * knows the other.
 */
export { scheduleVolume, backendPassesFilters, findRetypeBackend, filterPools, extractBackend, NO_VALID_BACKEND, NO_WEIGHED_BACKENDS, type VolumeScheduleResult } from './schedule.js';
export { weighPools, normalizeWeights, type WeighedPool, type PoolWeighing } from './weigh.js';
export {
  formatVolumeExplanation,
  type VolumeExplanation,
  type VolumeRequestSummary,
  type VolumeFilterTrace,
  type VolumeWeigherTrace,
  type VolumeWeigherScore,
  type VolumePoolTotal,
  type RemovedPool,
} from './explain.js';
export { calculateCapacityFactors, calculateVirtualFreeCapacity, pyRound2, wantsThin, type CapacityFactors } from './capacity.js';
export {
  poolCapabilities,
  storageProtocolVariants,
  type PoolState,
  type VolumeRequestSpec,
  type RequestVolumeType,
  type BackendFilter,
  type BackendWeigher,
  type BackendVerdict,
} from './types.js';
export * from './filters/index.js';
export { requestedSize } from './filters/capacity_filter.js';
export { satisfiesExtraSpecs } from './filters/capabilities_filter.js';
export { matchCapability, boolFromString, PythonRaised } from './filters/extra_specs_ops.js';
export * from './weighers/index.js';
