/**
 * nova's filter scheduler as pure functions: `schedule({ hosts, request, config, seed })`, the
 * filter and weigher registries, min–max normalisation, the input checks and the explanation.
 * Behaviour follows nova Zed (26.x) `nova/scheduler/`.
 */
export { schedule, scheduleChecked, requestedResources, type ScheduleInput, type ScheduleResult } from './schedule.js';
export { normalize, weighHosts, type WeighedHost, type Weighing } from './weigh.js';
export {
  formatExplanation,
  type ClaimTrace,
  type Explanation,
  type FilterTrace,
  type HostRef,
  type HostTotal,
  type InstanceExplanation,
  type RemovedHost,
  type Selection,
  type SortTrace,
  type WeigherScore,
  type WeigherTrace,
} from './explain.js';
export { NoValidHost, ComputeHostMetricNotFound, NotSimulated, NOT_ENOUGH_HOSTS } from './errors.js';
export { checkSchedulerConfig, ALL_WEIGHERS } from './config.js';
export { checkRequestSpec, checkHostState, checkHosts, MAX_NUM_INSTANCES } from './validate.js';
export {
  SCHEDULER_DEFAULTS,
  INITIAL_ALLOCATION_RATIOS,
  GROUP_POLICIES,
  type Aggregate,
  type CpuInfo,
  type DefaultOptions,
  type Destination,
  type FilterSchedulerOptions,
  type FilterVerdict,
  type Flavor,
  type GroupPolicy,
  type HintValue,
  type HostFilter,
  type HostService,
  type HostState,
  type HostWeigher,
  type ImageMeta,
  type InstanceGroup,
  type InstanceInfo,
  type MetricsOptions,
  type MonitorMetric,
  type RequestSpec,
  type SchedulerConfig,
  type SchedulerConfigInput,
  type SchedulerOptions,
  type SupportedInstance,
} from './types.js';
export * from './filters/index.js';
export { matchExtraSpec } from './filters/extra_specs_ops.js';
export * from './weighers/index.js';
