/**
 * Nova as the cloud assembles it: its slice and options (`nova.conf` of the API, conductor and
 * compute services), Zed's policy defaults, its quotas, its catalog entry (`compute`, as DevStack
 * registers it), its tasks (the conductor's `schedule_and_build_instances`, nova-compute's
 * `build_and_run_instance` and `terminate_instance`), DevStack's flavors and filters, and
 * `session.compute`.
 */
import type { ServiceDescriptor } from '../core/index.js';
import { CONTROLLER_URL, type RequestPipeline } from '../identity/index.js';
import { ComputeApi } from './api.js';
import { BUILD_TASK, runBuild } from './boot.js';
import { SCHEDULE_AND_BUILD_TASK, runScheduleAndBuild } from './conductor.js';
import { deployDevstack } from './bootstrap.js';
import { checkNovaOptions, initialComputeState } from './config.js';
import { NOVA_POLICIES, NOVA_POLICY_CHECKS } from './policies.js';
import { NOVA_QUOTAS } from './quota.js';
import { TERMINATE_TASK, runTerminate } from './server_delete.js';
import { computeRest } from './rest.js';
import { COMPUTE_REPORTING_HOOKS } from './resource_tracker.js';
import type { NovaConfig } from './types.js';
import { VOLUME_ATTACHMENT_TASKS } from './volume_attachments.js';
import { INTERFACE_TASKS } from './interfaces.js';
import { INSTANCE_ACTION_TASK, runInstanceAction } from './server_actions.js';
import { REBUILD_TASK, runRebuild } from './rebuild.js';
import { SNAPSHOT_TASK, runSnapshot } from './snapshot.js';
import { RESIZE_TASKS } from './resize_tasks.js';
import { LIVE_MIGRATION_TASKS } from './live_migration_conductor.js';
import { SHELVE_TASKS } from './shelve_tasks.js';
import { EVACUATE_TASKS } from './evacuate.js';

/** What nova adds to a session. */
export interface ComputeSession {
  /** Compute (nova, up to 2.93): servers, flavors, keypairs, server groups, actions. */
  readonly compute: ComputeApi;
}

/**
 * The compute service (nova). Option `nova`: `default_availability_zone`, `max_attempts`,
 * `instance_name_template`, … (Zed's defaults; the compute hosts' allocation ratios are option
 * `compute`, read by the resource tracker).
 */
export const computeService: ServiceDescriptor<NovaConfig, ComputeSession, object, object, RequestPipeline> = {
  name: 'compute',
  slices: ['compute'],
  option: { key: 'nova', check: (input) => checkNovaOptions(input) },
  initialState: (config) => ({ compute: initialComputeState(config) }),
  policies: NOVA_POLICIES,
  policyChecks: NOVA_POLICY_CHECKS,
  quotas: NOVA_QUOTAS,
  catalog: [{ type: 'compute', name: 'nova', description: 'Nova Compute Service', url: `${CONTROLLER_URL}/compute/v2.1` }],
  hooks: COMPUTE_REPORTING_HOOKS,
  tasks: { [SCHEDULE_AND_BUILD_TASK]: runScheduleAndBuild, [BUILD_TASK]: runBuild, [TERMINATE_TASK]: runTerminate, ...VOLUME_ATTACHMENT_TASKS, ...INTERFACE_TASKS, [INSTANCE_ACTION_TASK]: runInstanceAction, [REBUILD_TASK]: runRebuild, [SNAPSHOT_TASK]: runSnapshot, ...RESIZE_TASKS, ...LIVE_MIGRATION_TASKS, ...SHELVE_TASKS, ...EVACUATE_TASKS },
  deploy: (tx, context) => {
    if (context.preset === 'devstack') deployDevstack(tx);
  },
  session: (requests) => ({ compute: new ComputeApi(requests) }),
  rest: computeRest,
};
