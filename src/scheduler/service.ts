/**
 * Placement and nova's scheduler as the cloud assembles them: the `placement` and
 * `compute_config` slices, Placement's policy defaults and catalog entry, `session.placement`
 * and `cloud.scheduler`. (nova-compute's resource tracker, which reports the compute hosts to
 * Placement through the hardware's hooks, is nova's: `src/compute/resource_tracker.ts`.)
 */
import type { ServiceDescriptor } from '../core/index.js';
import { CONTROLLER_URL, type RequestPipeline } from '../identity/index.js';
import { checkComputeConfig, COMPUTE_DEFAULTS, initialComputeConfig, type ComputeConfig } from './compute_nodes.js';
import { SchedulerOperatorApi } from './operator.js';
import { PlacementApi, PLACEMENT_POLICIES, PLACEMENT_REST, initialPlacementState } from './placement/index.js';

/** What Placement adds to a session. */
export interface SchedulerSession {
  /** Placement 1.39 (Zed's rules are system-scoped: use a system-scoped session). */
  readonly placement: PlacementApi;
}

/** What the scheduler adds to the cloud. */
export interface SchedulerOperator {
  /** nova's side of scheduling as an operator sees it: compute options, per-host usage, `selectDestinations`. */
  readonly scheduler: SchedulerOperatorApi;
}

/**
 * Placement and the filter scheduler. Option `compute`: the nova.conf options of every compute
 * host that shape its Placement inventory (`cpu_allocation_ratio`, …; Zed's defaults).
 */
export const schedulerService: ServiceDescriptor<ComputeConfig, SchedulerSession, SchedulerOperator, object, RequestPipeline> = {
  name: 'scheduler',
  slices: ['placement', 'compute_config'],
  option: { key: 'compute', check: (input) => ({ ...COMPUTE_DEFAULTS, ...(input === undefined ? {} : checkComputeConfig(input, 'options.compute')) }) },
  initialState: (compute) => ({ placement: initialPlacementState(), compute_config: initialComputeConfig(compute) }),
  policies: PLACEMENT_POLICIES,
  catalog: [{ type: 'placement', name: 'placement', description: 'Placement Service', url: `${CONTROLLER_URL}/placement` }],
  session: (requests) => ({ placement: new PlacementApi(requests) }),
  operator: (kernel) => ({ scheduler: new SchedulerOperatorApi(kernel) }),
  rest: PLACEMENT_REST,
};
