/**
 * Nova's lifecycle tables (Zed): the instance states, the API `status` built from them, which
 * (vm_state, task_state) each compute API action accepts, and which pairs the simulator may ever
 * show. Pure data and pure functions: nothing here reads the cloud or raises; a caller that refuses
 * an action builds the 409 from {@link stateAllows}'s answer (src/compute/errors.ts).
 *
 * Sources, python3-nova (Zed): `nova/compute/vm_states.py`, `nova/compute/task_states.py`,
 * `nova/compute/power_state.py`, `nova/objects/fields.py` (`InstanceState`, `InstanceTaskState`,
 * `InstancePowerState`), `nova/api/openstack/common.py` (`_STATE_MAP`, `status_from_state`,
 * `task_and_vm_state_from_status`, `raise_http_conflict_for_instance_invalid_state`),
 * `nova/compute/api.py` (`check_instance_state` and every decorated action),
 * `nova/api/openstack/compute/server_tags.py` (`_check_instance_in_valid_state`),
 * `nova/exception.py` (`InstanceInvalidState`), and for the reachable pairs
 * `nova/compute/manager.py` / `nova/conductor/manager.py`. `tests/compute/make_vm_states.py`
 * dumps the Zed tables from nova's own code; `tests/compute/vm_states.test.ts` compares.
 *
 * Not simulated here: `reject_instance_state` (the console actions), the other guards the
 * actions carry (`reject_vtpm_instances`, `block_accelerators`, `reject_vdpa_instances`, …),
 * `check_instance_lock` and `check_instance_host` themselves (their ORDER relative to the state
 * check is given in {@link ActionStates.guards}).
 */

// ---------------------------------------------------------------------------------------------
// The states
// ---------------------------------------------------------------------------------------------

/**
 * Every `vm_state` (nova/compute/vm_states.py, the values of nova/objects/fields.py
 * `InstanceState.ALL`, in that order). Note `soft-delete` (with a hyphen) and `shelved_offloaded`.
 */
export const VM_STATES = [
  'active',
  'building',
  'paused',
  'suspended',
  'stopped',
  'rescued',
  'resized',
  'soft-delete',
  'deleted',
  'error',
  'shelved',
  'shelved_offloaded',
] as const;

/** An instance's `vm_state` (`OS-EXT-STS:vm_state`). */
export type VmState = (typeof VM_STATES)[number];

/**
 * Every `task_state` (nova/compute/task_states.py, the values of nova/objects/fields.py
 * `InstanceTaskState.ALL`, in that order). A row's task_state is one of these or `null` (None).
 */
export const TASK_STATES = [
  'scheduling',
  'block_device_mapping',
  'networking',
  'spawning',
  'image_snapshot',
  'image_snapshot_pending',
  'image_pending_upload',
  'image_uploading',
  'image_backup',
  'updating_password',
  'resize_prep',
  'resize_migrating',
  'resize_migrated',
  'resize_finish',
  'resize_reverting',
  'resize_confirming',
  'rebooting',
  'reboot_pending',
  'reboot_started',
  'rebooting_hard',
  'reboot_pending_hard',
  'reboot_started_hard',
  'pausing',
  'unpausing',
  'suspending',
  'resuming',
  'powering-off',
  'powering-on',
  'rescuing',
  'unrescuing',
  'rebuilding',
  'rebuild_block_device_mapping',
  'rebuild_spawning',
  'migrating',
  'deleting',
  'soft-deleting',
  'restoring',
  'shelving',
  'shelving_image_pending_upload',
  'shelving_image_uploading',
  'shelving_offloading',
  'unshelving',
] as const;

/** An instance's `task_state` when it has one (`OS-EXT-STS:task_state`); rows hold `TaskState | null`. */
export type TaskState = (typeof TASK_STATES)[number];

/**
 * The power states (nova/compute/power_state.py): indexes into nova/objects/fields.py
 * `InstancePowerState.ALL`, whose unused slots 2 and 5 are skipped. `OS-EXT-STS:power_state`
 * shows the number.
 */
export const POWER_STATES = {
  NOSTATE: 0,
  RUNNING: 1,
  PAUSED: 3,
  SHUTDOWN: 4,
  CRASHED: 6,
  SUSPENDED: 7,
} as const;

/** An instance's `power_state` (0, 1, 3, 4, 6 or 7). */
export type PowerState = (typeof POWER_STATES)[keyof typeof POWER_STATES];

/** nova/compute/power_state.py `STATE_MAP`: each power state's name (fields.InstancePowerState values). */
export const POWER_STATE_NAMES: Readonly<Record<PowerState, string>> = {
  0: 'pending',
  1: 'running',
  3: 'paused',
  4: 'shutdown',
  6: 'crashed',
  7: 'suspended',
};

/** Every power state, ascending. */
export const ALL_POWER_STATES: readonly PowerState[] = [0, 1, 3, 4, 6, 7];

const VM_STATE_SET: ReadonlySet<string> = new Set(VM_STATES);
const TASK_STATE_SET: ReadonlySet<string> = new Set(TASK_STATES);

/** Whether `value` is one of nova's vm_states. */
export function isVmState(value: unknown): value is VmState {
  return typeof value === 'string' && VM_STATE_SET.has(value);
}

/** Whether `value` is one of nova's task_states (not `null`). */
export function isTaskState(value: unknown): value is TaskState {
  return typeof value === 'string' && TASK_STATE_SET.has(value);
}

/** Whether `value` is one of nova's power states. */
export function isPowerState(value: unknown): value is PowerState {
  return value === 0 || value === 1 || value === 3 || value === 4 || value === 6 || value === 7;
}

/** nova/compute/vm_states.py `ALLOW_SOFT_REBOOT`. */
export const ALLOW_SOFT_REBOOT: readonly VmState[] = ['active'];
/** nova/compute/vm_states.py `ALLOW_HARD_REBOOT` (`ALLOW_SOFT_REBOOT + [STOPPED, PAUSED, SUSPENDED, ERROR]`). */
export const ALLOW_HARD_REBOOT: readonly VmState[] = ['active', 'stopped', 'paused', 'suspended', 'error'];
/** nova/compute/vm_states.py `ALLOW_TRIGGER_CRASH_DUMP`. */
export const ALLOW_TRIGGER_CRASH_DUMP: readonly VmState[] = ['active', 'paused', 'rescued', 'resized', 'error'];
/** nova/compute/task_states.py `ALLOW_REBOOT`: the task states a hard reboot may interrupt. */
export const ALLOW_REBOOT: readonly (TaskState | null)[] = [null, 'rebooting', 'reboot_pending', 'reboot_started', 'resuming', 'rebooting_hard', 'unpausing', 'pausing', 'suspending'];
/** nova/compute/task_states.py `soft_reboot_states`. */
export const SOFT_REBOOT_STATES: readonly TaskState[] = ['rebooting', 'reboot_pending', 'reboot_started'];
/** nova/compute/task_states.py `hard_reboot_states`. */
export const HARD_REBOOT_STATES: readonly TaskState[] = ['rebooting_hard', 'reboot_pending_hard', 'reboot_started_hard'];
/** nova/compute/task_states.py `resizing_states`. */
export const RESIZING_STATES: readonly TaskState[] = ['resize_prep', 'resize_migrating', 'resize_migrated', 'resize_finish'];
/** nova/compute/task_states.py `rebuild_states`. */
export const REBUILD_STATES: readonly TaskState[] = ['rebuilding', 'rebuild_block_device_mapping', 'rebuild_spawning'];

/**
 * nova/compute/vm_states.py `allow_resource_removal`: the (vm_state, task_state) combinations in
 * which the resource tracker may free an instance's resources (deleted; shelved_offloaded unless
 * spawning).
 */
export function allowResourceRemoval(vmState: string, taskState: string | null = null): boolean {
  return vmState === 'deleted' || (vmState === 'shelved_offloaded' && taskState !== 'spawning');
}

// ---------------------------------------------------------------------------------------------
// status from (vm_state, task_state), and back
// ---------------------------------------------------------------------------------------------

/** Every value `status` may take in the compute API (the values of `_STATE_MAP`, and `UNKNOWN`). */
export const SERVER_STATUSES = [
  'ACTIVE',
  'BUILD',
  'DELETED',
  'ERROR',
  'HARD_REBOOT',
  'MIGRATING',
  'PASSWORD',
  'PAUSED',
  'REBOOT',
  'REBUILD',
  'RESCUE',
  'RESIZE',
  'REVERT_RESIZE',
  'SHELVED',
  'SHELVED_OFFLOADED',
  'SHUTOFF',
  'SOFT_DELETED',
  'SUSPENDED',
  'UNKNOWN',
  'VERIFY_RESIZE',
] as const;

/** A server's `status` as the compute API shows it. */
export type ServerStatus = (typeof SERVER_STATUSES)[number];

type TaskMap = Readonly<{ default: ServerStatus } & Partial<Record<TaskState, ServerStatus>>>;

/**
 * nova/api/openstack/common.py `_STATE_MAP`, verbatim and in its order: for each vm_state, the
 * status of each task_state that changes it, and `default` for every other task_state (and None).
 * `resized` + `resize_confirming` is left out as nova comments it out (the API has no
 * CONFIRMING_RESIZE status), so it shows VERIFY_RESIZE.
 */
export const STATE_MAP: Readonly<Record<VmState, TaskMap>> = {
  active: {
    default: 'ACTIVE',
    rebooting: 'REBOOT',
    reboot_pending: 'REBOOT',
    reboot_started: 'REBOOT',
    rebooting_hard: 'HARD_REBOOT',
    reboot_pending_hard: 'HARD_REBOOT',
    reboot_started_hard: 'HARD_REBOOT',
    updating_password: 'PASSWORD',
    rebuilding: 'REBUILD',
    rebuild_block_device_mapping: 'REBUILD',
    rebuild_spawning: 'REBUILD',
    migrating: 'MIGRATING',
    resize_prep: 'RESIZE',
    resize_migrating: 'RESIZE',
    resize_migrated: 'RESIZE',
    resize_finish: 'RESIZE',
  },
  building: { default: 'BUILD' },
  stopped: {
    default: 'SHUTOFF',
    resize_prep: 'RESIZE',
    resize_migrating: 'RESIZE',
    resize_migrated: 'RESIZE',
    resize_finish: 'RESIZE',
    rebuilding: 'REBUILD',
    rebuild_block_device_mapping: 'REBUILD',
    rebuild_spawning: 'REBUILD',
  },
  resized: { default: 'VERIFY_RESIZE', resize_reverting: 'REVERT_RESIZE' },
  paused: { default: 'PAUSED', migrating: 'MIGRATING' },
  suspended: { default: 'SUSPENDED' },
  rescued: { default: 'RESCUE' },
  error: {
    default: 'ERROR',
    rebuilding: 'REBUILD',
    rebuild_block_device_mapping: 'REBUILD',
    rebuild_spawning: 'REBUILD',
  },
  deleted: { default: 'DELETED' },
  'soft-delete': { default: 'SOFT_DELETED' },
  shelved: { default: 'SHELVED' },
  shelved_offloaded: { default: 'SHELVED_OFFLOADED' },
};

/** `_STATE_MAP` as Maps (no prototype lookups for hostile strings), in `_STATE_MAP`'s order. */
const STATE_MAPS: ReadonlyMap<string, ReadonlyMap<string, ServerStatus>> = new Map(
  (Object.keys(STATE_MAP) as VmState[]).map((vm) => [vm, new Map(Object.entries(STATE_MAP[vm]) as [string, ServerStatus][])]),
);

/**
 * A server's `status` from its vm_state and task_state: nova/api/openstack/common.py
 * `status_from_state`. The task_state's entry in the vm_state's map, else its `default`; an
 * unknown vm_state gives `UNKNOWN` (nova also logs an error, which is not simulated). Total:
 * never throws, whatever strings it is given.
 */
export function serverStatus(vmState: string | null | undefined, taskState?: string | null): ServerStatus {
  const taskMap = typeof vmState === 'string' ? STATE_MAPS.get(vmState) : undefined;
  if (taskMap === undefined) return 'UNKNOWN';
  const found = typeof taskState === 'string' ? taskMap.get(taskState) : undefined;
  return found ?? (taskMap.get('default') as ServerStatus);
}

/** What {@link taskAndVmStateFromStatus} returns: sorted, and `task_states` may hold `'default'`. */
export interface StatesFromStatus {
  readonly vm_states: readonly VmState[];
  /** The task states whose status was asked for; `'default'` when a vm_state's default status was. */
  readonly task_states: readonly (TaskState | 'default')[];
}

function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * nova/api/openstack/common.py `task_and_vm_state_from_status`: the vm_states and task_states
 * (both sorted, as nova sorts them) whose `_STATE_MAP` status matches one of `statuses`, compared
 * case-insensitively. `'default'` appears among the task states when a default status matched
 * (e.g. `ACTIVE` → `[active]`, `[default]`). `UNKNOWN` matches nothing.
 */
export function taskAndVmStateFromStatus(statuses: readonly string[]): StatesFromStatus {
  const lower = new Set(statuses.map((s) => String(s).toLowerCase()));
  const vms = new Set<VmState>();
  const tasks = new Set<TaskState | 'default'>();
  for (const [vm, taskMap] of STATE_MAPS) {
    for (const [task, status] of taskMap) {
      if (lower.has(status.toLowerCase())) {
        vms.add(vm as VmState);
        tasks.add(task as TaskState | 'default');
      }
    }
  }
  return { vm_states: [...vms].sort(codePointCompare), task_states: [...tasks].sort(codePointCompare) };
}

/**
 * The list filter a `status=` query becomes (nova/api/openstack/compute/servers.py `_get_servers`):
 * `null` when no status matched (the API answers 400 "Invalid status value" from 2.38, an empty
 * list before); else the vm_states to filter on and the task_states, `null` meaning no task_state
 * filter, which is the case as soon as any default status matched ("When we search by vm state,
 * task state will return 'default'. So we don't need task_state search_opt."). Nova's quirk is
 * kept: `status=SHUTOFF&status=REBUILD` filters on vm_state in (active, error, stopped) only, so
 * it also lists every ACTIVE and ERROR server.
 */
export function statusFilter(statuses: readonly string[]): { readonly vm_state: readonly VmState[]; readonly task_state: readonly TaskState[] | null } | null {
  const { vm_states, task_states } = taskAndVmStateFromStatus(statuses);
  if (vm_states.length === 0 && task_states.length === 0) return null;
  if (task_states.includes('default')) return { vm_state: vm_states, task_state: null };
  return { vm_state: vm_states, task_state: task_states as readonly TaskState[] };
}

// ---------------------------------------------------------------------------------------------
// Which states each action accepts
// ---------------------------------------------------------------------------------------------

/** The compute API actions whose allowed states {@link ACTION_STATES} records. */
export const COMPUTE_ACTIONS = [
  'start',
  'stop',
  'reboot_soft',
  'reboot_hard',
  'rebuild',
  'pause',
  'unpause',
  'suspend',
  'resume',
  'lock',
  'unlock',
  'rescue',
  'unrescue',
  'snapshot',
  'snapshot_volume_backed',
  'backup',
  'set_admin_password',
  'attach_volume',
  'detach_volume',
  'swap_volume',
  'attach_interface',
  'detach_interface',
  'delete',
  'soft_delete',
  'force_delete',
  'restore',
  'update_instance_metadata',
  'delete_instance_metadata',
  'update_tag',
  'update_tags',
  'delete_tag',
  'delete_tags',
  'resize',
  'migrate',
  'confirm_resize',
  'revert_resize',
  'live_migrate',
  'live_migrate_force_complete',
  'live_migrate_abort',
  'evacuate',
  'shelve',
  'shelve_offload',
  'unshelve',
  'trigger_crash_dump',
] as const;

/** One of {@link COMPUTE_ACTIONS}. */
export type ComputeAction = (typeof COMPUTE_ACTIONS)[number];

/** A guard an action runs, in the order nova's decorators run them (outermost first). */
export type ActionGuard = 'lock' | 'host' | 'host_up' | 'state';

/** The state check of one compute API action (nova/compute/api.py `check_instance_state`). */
export interface ActionStates {
  /** The vm_states allowed; `null`: any (the decorator's `vm_state=None`, its default). */
  readonly vm_state: readonly VmState[] | null;
  /**
   * The task_states allowed (`null` in the list: no task); `null`: any (`task_state=None`). The
   * decorator's DEFAULT is `(None,)`, i.e. only an instance with no task: it is what an action
   * that does not name task_state gets.
   */
  readonly task_state: readonly (TaskState | null)[] | null;
  /** `must_have_launched` (the decorator's default is True): refused while `launched_at` is None. */
  readonly must_have_launched: boolean;
  /** The `method` of nova's `InstanceInvalidState` (the decorated function's `__name__`). */
  readonly method: string;
  /** The action the API controller names in its 409 (`raise_http_conflict_for_instance_invalid_state`). */
  readonly api_action: string;
  /**
   * The guards in the order nova runs them: `lock` (`check_instance_lock`: InstanceIsLocked for
   * a non-admin), `host` (`check_instance_host`: InstanceNotReady without a host), `host_up`
   * (`check_instance_host(check_is_up=True)`: also ServiceUnavailable when the host's
   * nova-compute is down), `state` (this check). Empty: no state check at all (lock / unlock).
   */
  readonly guards: readonly ActionGuard[];
  /** Where it was read. */
  readonly source: string;
}

const ANY = null;
const NO_TASK: readonly (TaskState | null)[] = [null];
const LIVE: readonly VmState[] = ['active', 'paused', 'stopped', 'suspended'];
const VOLUME_STATES: readonly VmState[] = ['active', 'paused', 'stopped', 'resized', 'soft-delete', 'shelved', 'shelved_offloaded'];

function states(
  vm_state: readonly VmState[] | null,
  task_state: readonly (TaskState | null)[] | null,
  must_have_launched: boolean,
  method: string,
  api_action: string,
  guards: readonly ActionGuard[],
  source: string,
): ActionStates {
  return { vm_state, task_state, must_have_launched, method, api_action, guards, source };
}

/**
 * The allowed states of every action in {@link COMPUTE_ACTIONS}, read from its
 * `@check_instance_state(...)` in nova/compute/api.py (Zed) and, for the 409's action name, from
 * the controller in nova/api/openstack/compute/ that catches `InstanceInvalidState`. Notes:
 * - reboot: `API.reboot` checks the lock, then `_soft_reboot` (ALLOW_SOFT_REBOOT, no task) or
 *   `_hard_reboot` (ALLOW_HARD_REBOOT, task in ALLOW_REBOOT) checks the state, so the method is
 *   `_soft_reboot` / `_hard_reboot` and the API says `reboot`;
 * - migrate (cold) is `API.resize` without a flavor (migrate_server.py `_migrate`): method `resize`;
 * - delete and force_delete accept any state (`vm_state=None, task_state=None,
 *   must_have_launched=False`: they never refuse); soft_delete needs `launched_at`, and
 *   servers.py `_delete` falls back to `delete` when it refuses (reclaim_instance_interval > 0);
 * - update/delete metadata accept any task_state (`task_state=None`), as does evacuate;
 * - snapshot / backup / snapshot_volume_backed / evacuate do not check the lock; the tag actions
 *   check neither lock nor launched_at (server_tags.py `_check_instance_in_valid_state`, which
 *   raises InstanceInvalidState with `method` = the action string);
 * - lock / unlock (`API.lock`, `API.unlock`) have no state check at all.
 */
export const ACTION_STATES: Readonly<Record<ComputeAction, ActionStates>> = {
  start: states(['stopped'], NO_TASK, true, 'start', 'start', ['lock', 'host', 'state'], 'nova/compute/api.py:API.start; servers.py:_start_server'),
  stop: states(['active', 'error'], NO_TASK, true, 'stop', 'stop', ['lock', 'host', 'state'], 'nova/compute/api.py:API.stop; servers.py:_stop_server'),
  reboot_soft: states(ALLOW_SOFT_REBOOT, NO_TASK, true, '_soft_reboot', 'reboot', ['lock', 'state'], 'nova/compute/api.py:API.reboot, API._soft_reboot; servers.py:_action_reboot'),
  reboot_hard: states(ALLOW_HARD_REBOOT, ALLOW_REBOOT, true, '_hard_reboot', 'reboot', ['lock', 'state'], 'nova/compute/api.py:API.reboot, API._hard_reboot; servers.py:_action_reboot'),
  rebuild: states(['active', 'stopped', 'error'], NO_TASK, true, 'rebuild', 'rebuild', ['lock', 'state'], 'nova/compute/api.py:API.rebuild; servers.py:_action_rebuild'),
  pause: states(['active'], NO_TASK, true, 'pause', 'pause', ['lock', 'state'], 'nova/compute/api.py:API.pause; pause_server.py:_pause'),
  unpause: states(['paused'], NO_TASK, true, 'unpause', 'unpause', ['lock', 'state'], 'nova/compute/api.py:API.unpause; pause_server.py:_unpause'),
  suspend: states(['active'], NO_TASK, true, 'suspend', 'suspend', ['lock', 'state'], 'nova/compute/api.py:API.suspend; suspend_server.py:_suspend'),
  resume: states(['suspended'], NO_TASK, true, 'resume', 'resume', ['lock', 'state'], 'nova/compute/api.py:API.resume; suspend_server.py:_resume'),
  lock: states(ANY, ANY, false, 'lock', 'lock', [], 'nova/compute/api.py:API.lock (no state check); lock_server.py:_lock'),
  unlock: states(ANY, ANY, false, 'unlock', 'unlock', [], 'nova/compute/api.py:API.unlock (no state check); lock_server.py:_unlock'),
  rescue: states(['active', 'stopped', 'error'], NO_TASK, true, 'rescue', 'rescue', ['lock', 'state'], 'nova/compute/api.py:API.rescue; rescue.py:_rescue'),
  unrescue: states(['rescued'], NO_TASK, true, 'unrescue', 'unrescue', ['lock', 'state'], 'nova/compute/api.py:API.unrescue; rescue.py:_unrescue'),
  snapshot: states(LIVE, NO_TASK, true, 'snapshot', 'createImage', ['state'], 'nova/compute/api.py:API.snapshot; servers.py:_action_create_image'),
  snapshot_volume_backed: states(LIVE, NO_TASK, true, 'snapshot_volume_backed', 'createImage', ['state'], 'nova/compute/api.py:API.snapshot_volume_backed; servers.py:_action_create_image'),
  backup: states(LIVE, NO_TASK, true, 'backup', 'createBackup', ['state'], 'nova/compute/api.py:API.backup; create_backup.py:_create_backup'),
  set_admin_password: states(['active'], NO_TASK, true, 'set_admin_password', 'changePassword', ['lock', 'state'], 'nova/compute/api.py:API.set_admin_password; admin_password.py:change_password'),
  attach_volume: states(VOLUME_STATES, NO_TASK, true, 'attach_volume', 'attach_volume', ['lock', 'state'], 'nova/compute/api.py:API.attach_volume; volumes.py:VolumeAttachmentController.create'),
  detach_volume: states(VOLUME_STATES, NO_TASK, true, 'detach_volume', 'detach_volume', ['lock', 'state'], 'nova/compute/api.py:API.detach_volume; volumes.py:VolumeAttachmentController.delete'),
  swap_volume: states(['active', 'paused', 'resized'], NO_TASK, true, 'swap_volume', 'swap_volume', ['lock', 'state'], 'nova/compute/api.py:API.swap_volume; volumes.py:VolumeAttachmentController.update'),
  attach_interface: states(['active', 'paused', 'stopped'], NO_TASK, true, 'attach_interface', 'attach_interface', ['lock', 'state'], 'nova/compute/api.py:API.attach_interface; attach_interfaces.py:create'),
  detach_interface: states(['active', 'paused', 'stopped'], NO_TASK, true, 'detach_interface', 'detach_interface', ['lock', 'state'], 'nova/compute/api.py:API.detach_interface; attach_interfaces.py:delete'),
  delete: states(ANY, ANY, false, 'delete', 'delete', ['lock', 'state'], 'nova/compute/api.py:API.delete; servers.py:delete'),
  soft_delete: states(ANY, ANY, true, 'soft_delete', 'delete', ['lock', 'state'], 'nova/compute/api.py:API.soft_delete; servers.py:_delete'),
  force_delete: states(ANY, ANY, false, 'force_delete', 'forceDelete', ['lock', 'state'], 'nova/compute/api.py:API.force_delete; deferred_delete.py:_force_delete'),
  restore: states(['soft-delete'], NO_TASK, true, 'restore', 'restore', ['lock', 'state'], 'nova/compute/api.py:API.restore; deferred_delete.py:_restore'),
  update_instance_metadata: states(LIVE, ANY, true, 'update_instance_metadata', 'update metadata', ['lock', 'state'], 'nova/compute/api.py:API.update_instance_metadata; server_metadata.py:_update_instance_metadata'),
  delete_instance_metadata: states(LIVE, ANY, true, 'delete_instance_metadata', 'delete metadata', ['lock', 'state'], 'nova/compute/api.py:API.delete_instance_metadata; server_metadata.py:delete'),
  update_tag: states(LIVE, ANY, false, 'update tag', 'update tag', ['state'], 'nova/api/openstack/compute/server_tags.py:update'),
  update_tags: states(LIVE, ANY, false, 'update tags', 'update tags', ['state'], 'nova/api/openstack/compute/server_tags.py:update_all'),
  delete_tag: states(LIVE, ANY, false, 'delete tag', 'delete tag', ['state'], 'nova/api/openstack/compute/server_tags.py:delete'),
  delete_tags: states(LIVE, ANY, false, 'delete tags', 'delete tags', ['state'], 'nova/api/openstack/compute/server_tags.py:delete_all'),
  resize: states(['active', 'stopped'], NO_TASK, true, 'resize', 'resize', ['lock', 'state', 'host_up'], 'nova/compute/api.py:API.resize; servers.py:_resize'),
  migrate: states(['active', 'stopped'], NO_TASK, true, 'resize', 'migrate', ['lock', 'state', 'host_up'], 'nova/compute/api.py:API.resize; migrate_server.py:_migrate'),
  confirm_resize: states(['resized'], NO_TASK, true, 'confirm_resize', 'confirmResize', ['lock', 'state'], 'nova/compute/api.py:API.confirm_resize; servers.py:_action_confirm_resize'),
  revert_resize: states(['resized'], NO_TASK, true, 'revert_resize', 'revertResize', ['lock', 'state'], 'nova/compute/api.py:API.revert_resize; servers.py:_action_revert_resize'),
  live_migrate: states(['active', 'paused'], NO_TASK, true, 'live_migrate', 'os-migrateLive', ['lock', 'state'], 'nova/compute/api.py:API.live_migrate; migrate_server.py:_migrate_live'),
  live_migrate_force_complete: states(['active'], ['migrating'], true, 'live_migrate_force_complete', 'force_complete', ['lock', 'state'], 'nova/compute/api.py:API.live_migrate_force_complete; server_migrations.py:_force_complete'),
  live_migrate_abort: states(ANY, ['migrating'], true, 'live_migrate_abort', 'abort live migration', ['lock', 'state'], 'nova/compute/api.py:API.live_migrate_abort; server_migrations.py:delete'),
  evacuate: states(['active', 'stopped', 'error'], ANY, true, 'evacuate', 'evacuate', ['state'], 'nova/compute/api.py:API.evacuate; evacuate.py:_evacuate'),
  shelve: states(LIVE, NO_TASK, true, 'shelve', 'shelve', ['lock', 'state'], 'nova/compute/api.py:API.shelve; shelve.py:_shelve'),
  shelve_offload: states(['shelved'], NO_TASK, true, 'shelve_offload', 'shelveOffload', ['lock', 'state'], 'nova/compute/api.py:API.shelve_offload; shelve.py:_shelve_offload'),
  unshelve: states(['shelved', 'shelved_offloaded'], NO_TASK, true, 'unshelve', 'unshelve', ['lock', 'state'], 'nova/compute/api.py:API.unshelve; shelve.py:_unshelve'),
  trigger_crash_dump: states(ALLOW_TRIGGER_CRASH_DUMP, NO_TASK, true, 'trigger_crash_dump', 'trigger_crash_dump', ['lock', 'host', 'state'], 'nova/compute/api.py:API.trigger_crash_dump; servers.py:_action_trigger_crash_dump'),
};

/** Why an action refuses an instance: the fields of nova's `InstanceInvalidState`. */
export interface InvalidState {
  /** `vm_state`, `task_state`, or `launched_at` (never launched, `must_have_launched`). */
  readonly attr: 'vm_state' | 'task_state' | 'launched_at';
  /** The instance's value of `attr`: `null` for a task_state of None and for launched_at. */
  readonly state: string | null;
  /** The exception's `method` (the compute API function's name). */
  readonly method: string;
  /** The action the API's 409 names. */
  readonly action: string;
}

/**
 * nova/compute/api.py `check_instance_state` (and server_tags.py's own check) for `action`:
 * `null` if the instance's states allow it, else what nova's `InstanceInvalidState` carries. It
 * checks the vm_state first, then the task_state, then (with `must_have_launched`) that the
 * instance was launched once (`launched_at` set). The lock and host checks are the caller's, in
 * the order {@link ActionStates.guards} gives.
 */
export function stateAllows(action: ComputeAction, vmState: string, taskState: string | null, launched: boolean): InvalidState | null {
  const rule = ACTION_STATES[action];
  const refuse = (attr: InvalidState['attr'], state: string | null): InvalidState => ({ attr, state, method: rule.method, action: rule.api_action });
  if (rule.vm_state !== null && !(rule.vm_state as readonly string[]).includes(vmState)) return refuse('vm_state', vmState);
  if (rule.task_state !== null && !(rule.task_state as readonly (string | null)[]).includes(taskState)) return refuse('task_state', taskState);
  if (rule.must_have_launched && !launched) return refuse('launched_at', null);
  return null;
}

/**
 * nova/exception.py `InstanceInvalidState.msg_fmt`: "Instance <uuid> in <attr> <state>. Cannot
 * <method> while the instance is in this state." (a None state is written `None`, as Python's
 * `%s` does). This is the exception's own text; the API's 409 says {@link invalidStateConflictMessage}.
 */
export function invalidStateMessage(instanceUuid: string, attr: string, state: string | null, method: string): string {
  return `Instance ${instanceUuid} in ${attr} ${state ?? 'None'}. Cannot ${method} while the instance is in this state.`;
}

/**
 * The 409 explanation of nova/api/openstack/common.py
 * `raise_http_conflict_for_instance_invalid_state`: "Cannot '<action>' instance <server_id> while
 * it is in <attr> <state>" when both attr and state are set, else (a task_state or launched_at of
 * None) "Instance <server_id> is in an invalid state for '<action>'".
 */
export function invalidStateConflictMessage(action: string, serverId: string, attr: string | null, state: string | null): string {
  if (attr !== null && state !== null) return `Cannot '${action}' instance ${serverId} while it is in ${attr} ${state}`;
  return `Instance ${serverId} is in an invalid state for '${action}'`;
}

// ---------------------------------------------------------------------------------------------
// The pairs the simulator may show
// ---------------------------------------------------------------------------------------------

/** One (vm_state, task_state) pair nova passes through, with the power states it may show then. */
export interface ReachablePair {
  readonly vm_state: VmState;
  readonly task_state: TaskState | null;
  /** The `power_state` values the row may hold in this pair (nova's DB value, not the guest's). */
  readonly power_states: readonly PowerState[];
  /** The actions that pass through it. */
  readonly via: readonly string[];
  /** Where nova sets it. */
  readonly source: string;
}

const P = POWER_STATES;
/** The power state of a stable vm_state while a task runs on it (nova saves power_state at the task's end). */
const POWER_OF: Readonly<Record<'building' | 'active' | 'stopped' | 'paused' | 'suspended' | 'rescued' | 'error' | 'deleted', readonly PowerState[]>> = {
  building: [P.NOSTATE],
  active: [P.RUNNING],
  stopped: [P.SHUTDOWN],
  paused: [P.PAUSED],
  suspended: [P.SUSPENDED],
  rescued: [P.RUNNING],
  // An instance in error shows whatever the hypervisor last reported (NOSTATE after a failed build).
  error: ALL_POWER_STATES,
  deleted: [P.NOSTATE],
};

function pair(vm_state: keyof typeof POWER_OF, task_state: TaskState | null, via: readonly string[], source: string): ReachablePair {
  return { vm_state, task_state, power_states: POWER_OF[vm_state], via, source };
}

/** A rebuild pair: rebuild keeps the vm_state's power state; evacuate's destination saves NOSTATE. */
function rebuilding(vm_state: 'active' | 'stopped' | 'error', task_state: TaskState, source: string): ReachablePair {
  return { vm_state, task_state, power_states: [...new Set([...POWER_OF[vm_state], P.NOSTATE])], via: ['rebuild', 'evacuate'], source };
}

const M = 'nova/compute/manager.py';
const A = 'nova/compute/api.py';

/**
 * Every (vm_state, task_state) pair the simulator may show for the actions of issue 14 — create
 * (boot), delete (hard: reclaim_instance_interval 0), start, stop, reboot soft and hard, rebuild,
 * pause / unpause, suspend / resume, rescue / unrescue, create-image (snapshot) and backup,
 * change password, volume and interface attach / detach (which set no task_state), metadata,
 * tags and lock (which set none either), and a failure (`error`) — each with the power states it
 * may hold, read from where nova sets them. Deliberately left out:
 * - the pairs nova holds only between `_set_instance_obj_error_state` and `reverts_task_state`
 *   in one manager call (`error` + the failed action's task_state): the simulator clears the
 *   task_state in the same step, as `reverts_task_state` does at the end of that call;
 * - a row's `power_state` drifting from its vm_state (a guest that stops by itself, which
 *   `_sync_power_states` would notice): not simulated;
 * - resize, migrate, live-migrate, evacuate and shelve: {@link MOVE_STATES} (issue 15);
 * - soft delete / restore (`soft-delete`, `soft-deleting`, `restoring`): reclaim_instance_interval
 *   is 0, so `delete` is always the hard one; see {@link EXCLUDED_STATES_NOTE}.
 */
export const REACHABLE_STATES: readonly ReachablePair[] = [
  // create: api.py API._populate_instance_for_create (task SCHEDULING) and
  // _validate_and_build_base_options (power NOSTATE), manager._do_build_and_run_instance (building + None), _allocate_network
  // (NETWORKING), _build_resources (BLOCK_DEVICE_MAPPING), _build_and_run_instance (SPAWNING),
  // _update_instance_after_spawn (active + None, power from the driver: RUNNING).
  pair('building', 'scheduling', ['create'], `${A}:API._populate_instance_for_create; ${M}:ComputeManager._do_build_and_run_instance (reschedule)`),
  pair('building', null, ['create'], `${M}:ComputeManager._do_build_and_run_instance`),
  pair('building', 'networking', ['create'], `${M}:ComputeManager._allocate_network`),
  pair('building', 'block_device_mapping', ['create'], `${M}:ComputeManager._build_resources`),
  pair('building', 'spawning', ['create'], `${M}:ComputeManager._build_and_run_instance`),
  {
    vm_state: 'active', task_state: null, power_states: [P.RUNNING],
    via: ['create', 'start', 'reboot_soft', 'reboot_hard', 'rebuild', 'unpause', 'resume', 'unrescue', 'snapshot', 'backup', 'set_admin_password', 'attach_volume', 'detach_volume', 'attach_interface', 'detach_interface'],
    source: `${M}:ComputeManager._update_instance_after_spawn and each action's end`,
  },
  // error: a failed build (_set_instance_obj_error_state(clean_task_state=True), conductor's
  // "No valid host" in cell0) or a failed action once reverts_task_state has cleared the task.
  pair('error', null, ['create', 'error'], `${M}:ComputeManager._set_instance_obj_error_state, reverts_task_state; nova/conductor/manager.py:ComputeTaskManager._bury_in_cell0`),
  // delete: api.py API._delete sets task DELETING whatever the state (delete checks none), then
  // manager._delete_instance sets deleted + None + NOSTATE before destroying the row.
  pair('building', 'deleting', ['delete'], `${A}:API._delete`),
  pair('active', 'deleting', ['delete'], `${A}:API._delete`),
  pair('stopped', 'deleting', ['delete'], `${A}:API._delete`),
  pair('paused', 'deleting', ['delete'], `${A}:API._delete`),
  pair('suspended', 'deleting', ['delete'], `${A}:API._delete`),
  pair('rescued', 'deleting', ['delete'], `${A}:API._delete`),
  pair('error', 'deleting', ['delete'], `${A}:API._delete`),
  pair('deleted', null, ['delete'], `${M}:ComputeManager._delete_instance`),
  // stop: api.py API.force_stop (POWERING_OFF, from active or error), manager.stop_instance
  // (stopped + None, power from the driver: SHUTDOWN). Rebuild of a stopped server also passes
  // through active + powering-off (manager._do_rebuild_instance).
  pair('active', 'powering-off', ['stop', 'rebuild'], `${A}:API.force_stop; ${M}:ComputeManager._do_rebuild_instance`),
  pair('error', 'powering-off', ['stop'], `${A}:API.force_stop`),
  {
    vm_state: 'stopped', task_state: null, power_states: [P.SHUTDOWN],
    via: ['stop', 'rebuild', 'snapshot', 'backup', 'attach_volume', 'detach_volume', 'attach_interface', 'detach_interface'],
    source: `${M}:ComputeManager.stop_instance`,
  },
  // start: api.py API.start (POWERING_ON), manager.start_instance (active + None).
  pair('stopped', 'powering-on', ['start'], `${A}:API.start`),
  // soft reboot: api.py API._soft_reboot (REBOOTING), manager._reboot_instance (REBOOT_PENDING,
  // REBOOT_STARTED, then active + None).
  pair('active', 'rebooting', ['reboot_soft'], `${A}:API._soft_reboot`),
  pair('active', 'reboot_pending', ['reboot_soft'], `${M}:ComputeManager._reboot_instance`),
  pair('active', 'reboot_started', ['reboot_soft'], `${M}:ComputeManager._reboot_instance`),
  // hard reboot: api.py API._hard_reboot (REBOOTING_HARD from any of ALLOW_HARD_REBOOT, even
  // over a task of ALLOW_REBOOT), manager._reboot_instance (REBOOT_PENDING_HARD,
  // REBOOT_STARTED_HARD with power_state re-read from the driver, then active + None).
  ...(['active', 'stopped', 'paused', 'suspended', 'error'] as const).flatMap((vm) => [
    pair(vm, 'rebooting_hard', ['reboot_hard'], `${A}:API._hard_reboot`),
    pair(vm, 'reboot_pending_hard', ['reboot_hard'], `${M}:ComputeManager._reboot_instance`),
    pair(vm, 'reboot_started_hard', ['reboot_hard'], `${M}:ComputeManager._reboot_instance`),
  ]),
  // rebuild: api.py API.rebuild (REBUILDING, vm_state kept), manager._do_rebuild_instance
  // (REBUILDING again), _rebuild_default_impl (REBUILD_BLOCK_DEVICE_MAPPING, REBUILD_SPAWNING),
  // then active + None (and, from stopped, active + powering-off → stopped + None).
  // Evacuate (issue 15) passes through the same pairs: API.evacuate sets REBUILDING over any
  // task_state, and on the destination _do_rebuild_instance saves power NOSTATE (the guest is
  // not there yet) through REBUILD_BLOCK_DEVICE_MAPPING and REBUILD_SPAWNING.
  ...(['active', 'stopped', 'error'] as const).flatMap((vm) => [
    rebuilding(vm, 'rebuilding', `${A}:API.rebuild, API.evacuate; ${M}:ComputeManager._do_rebuild_instance`),
    rebuilding(vm, 'rebuild_block_device_mapping', `${M}:ComputeManager._rebuild_default_impl`),
    rebuilding(vm, 'rebuild_spawning', `${M}:ComputeManager._rebuild_default_impl`),
  ]),
  // pause / unpause: api.py API.pause (PAUSING) / API.unpause (UNPAUSING), manager
  // pause_instance (paused + None, power PAUSED) / unpause_instance (active + None).
  pair('active', 'pausing', ['pause'], `${A}:API.pause`),
  {
    vm_state: 'paused', task_state: null, power_states: [P.PAUSED],
    via: ['pause', 'snapshot', 'backup', 'attach_volume', 'detach_volume', 'attach_interface', 'detach_interface'],
    source: `${M}:ComputeManager.pause_instance`,
  },
  pair('paused', 'unpausing', ['unpause'], `${A}:API.unpause`),
  // suspend / resume: api.py API.suspend (SUSPENDING) / API.resume (RESUMING), manager
  // suspend_instance (suspended + None, power SUSPENDED) / resume_instance (old_vm_state: active).
  pair('active', 'suspending', ['suspend'], `${A}:API.suspend`),
  {
    vm_state: 'suspended', task_state: null, power_states: [P.SUSPENDED],
    via: ['suspend', 'snapshot', 'backup'],
    source: `${M}:ComputeManager.suspend_instance`,
  },
  pair('suspended', 'resuming', ['resume'], `${A}:API.resume`),
  // rescue / unrescue: api.py API.rescue (RESCUING, from active, stopped or error), manager
  // rescue_instance (rescued + None, power RUNNING); API.unrescue (UNRESCUING), manager
  // unrescue_instance (active + None).
  pair('active', 'rescuing', ['rescue'], `${A}:API.rescue`),
  pair('stopped', 'rescuing', ['rescue'], `${A}:API.rescue`),
  pair('error', 'rescuing', ['rescue'], `${A}:API.rescue`),
  { vm_state: 'rescued', task_state: null, power_states: [P.RUNNING], via: ['rescue'], source: `${M}:ComputeManager.rescue_instance` },
  pair('rescued', 'unrescuing', ['unrescue'], `${A}:API.unrescue`),
  // create-image and backup, from active, stopped, paused or suspended (vm_state kept):
  // api.py API.snapshot (IMAGE_SNAPSHOT_PENDING) / API.backup (IMAGE_BACKUP); manager
  // snapshot_instance (IMAGE_SNAPSHOT); the libvirt driver's update_task_state
  // (IMAGE_PENDING_UPLOAD, IMAGE_UPLOADING: nova/virt/libvirt/driver.py snapshot); then X + None
  // (manager._snapshot_instance). A volume-backed snapshot (API.snapshot_volume_backed) sets no
  // task_state.
  ...(['active', 'stopped', 'paused', 'suspended'] as const).flatMap((vm) => [
    pair(vm, 'image_snapshot_pending', ['snapshot'], `${A}:API.snapshot`),
    pair(vm, 'image_snapshot', ['snapshot'], `${M}:ComputeManager.snapshot_instance`),
    pair(vm, 'image_backup', ['backup'], `${A}:API.backup`),
    pair(vm, 'image_pending_upload', ['snapshot', 'backup'], 'nova/virt/libvirt/driver.py:LibvirtDriver.snapshot'),
    pair(vm, 'image_uploading', ['snapshot', 'backup'], 'nova/virt/libvirt/driver.py:LibvirtDriver.snapshot'),
  ]),
  // change password: api.py API.set_admin_password (UPDATING_PASSWORD), manager
  // set_admin_password (active + None).
  pair('active', 'updating_password', ['set_admin_password'], `${A}:API.set_admin_password`),
];

/**
 * The pairs the move actions (issue 15) add to {@link REACHABLE_STATES}: resize and cold
 * migrate (api.py API.resize RESIZE_PREP; manager resize_instance RESIZE_MIGRATING,
 * RESIZE_MIGRATED; _finish_resize RESIZE_FINISH, then resized + None; API.revert_resize
 * RESIZE_REVERTING; confirm sets no task_state), live migration (API.live_migrate MIGRATING),
 * shelve (API.shelve SHELVING; manager shelve_instance SHELVING_IMAGE_PENDING_UPLOAD,
 * SHELVING_IMAGE_UPLOADING, then shelved + None, or shelved + SHELVING_OFFLOADING when
 * shelved_offload_time is 0; API.shelve_offload SHELVING_OFFLOADING; _shelve_offload_instance
 * shelved_offloaded + None), unshelve (API.unshelve UNSHELVING; conductor unshelve_instance
 * shelved + POWERING_ON; manager unshelve_instance shelved_offloaded + SPAWNING), and a delete in
 * any of those vm_states. Evacuate passes through the rebuild pairs already in REACHABLE_STATES.
 * {@link isReachable} accepts them with {@link REACHABLE_STATES}.
 */
export const MOVE_STATES: readonly ReachablePair[] = [
  // the source powers the guest off in resize_instance (power SHUTDOWN saved with RESIZE_MIGRATED)
  ...(['active', 'stopped'] as const).flatMap((vm) => [
    pair(vm, 'resize_prep', ['resize', 'migrate'], `${A}:API.resize`),
    pair(vm, 'resize_migrating', ['resize', 'migrate'], `${M}:ComputeManager._resize_instance`),
    moving(vm, 'resize_migrated', ['resize', 'migrate'], `${M}:ComputeManager._resize_instance`),
    moving(vm, 'resize_finish', ['resize', 'migrate'], `${M}:ComputeManager._finish_resize`),
  ]),
  { vm_state: 'resized', task_state: null, power_states: [P.RUNNING, P.SHUTDOWN], via: ['resize', 'migrate'], source: `${M}:ComputeManager._finish_resize` },
  { vm_state: 'resized', task_state: 'resize_reverting', power_states: [P.RUNNING, P.SHUTDOWN], via: ['revert_resize'], source: `${A}:API.revert_resize` },
  // reverting a server that was stopped: finish_revert_resize sets POWERING_OFF, then stop_instance
  { vm_state: 'resized', task_state: 'powering-off', power_states: [P.RUNNING, P.SHUTDOWN], via: ['revert_resize'], source: `${M}:ComputeManager._finish_revert_resize` },
  { vm_state: 'resized', task_state: 'deleting', power_states: [P.RUNNING, P.SHUTDOWN], via: ['delete'], source: `${A}:API._delete` },
  pair('active', 'migrating', ['live_migrate'], `${A}:API.live_migrate`),
  pair('paused', 'migrating', ['live_migrate'], `${A}:API.live_migrate`),
  ...(['active', 'stopped', 'paused', 'suspended'] as const).flatMap((vm) => [
    pair(vm, 'shelving', ['shelve'], `${A}:API.shelve`),
    moving(vm, 'shelving_image_pending_upload', ['shelve'], `${M}:ComputeManager._shelve_instance`),
    moving(vm, 'shelving_image_uploading', ['shelve'], `${M}:ComputeManager._shelve_instance`),
  ]),
  { vm_state: 'shelved', task_state: null, power_states: [P.SHUTDOWN], via: ['shelve'], source: `${M}:ComputeManager._shelve_instance` },
  { vm_state: 'shelved', task_state: 'shelving_offloading', power_states: [P.SHUTDOWN], via: ['shelve', 'shelve_offload'], source: `${M}:ComputeManager._shelve_instance; ${A}:API.shelve_offload` },
  { vm_state: 'shelved_offloaded', task_state: null, power_states: [P.SHUTDOWN], via: ['shelve', 'shelve_offload'], source: `${M}:ComputeManager._shelve_offload_instance` },
  { vm_state: 'shelved', task_state: 'unshelving', power_states: [P.SHUTDOWN], via: ['unshelve'], source: `${A}:API.unshelve` },
  { vm_state: 'shelved', task_state: 'powering-on', power_states: [P.SHUTDOWN], via: ['unshelve'], source: 'nova/conductor/manager.py:ComputeTaskManager.unshelve_instance' },
  { vm_state: 'shelved_offloaded', task_state: 'unshelving', power_states: [P.SHUTDOWN], via: ['unshelve'], source: `${A}:API.unshelve` },
  { vm_state: 'shelved_offloaded', task_state: 'spawning', power_states: [P.SHUTDOWN], via: ['unshelve'], source: `${M}:ComputeManager._unshelve_instance` },
  { vm_state: 'shelved', task_state: 'deleting', power_states: [P.SHUTDOWN], via: ['delete'], source: `${A}:API._delete` },
  { vm_state: 'shelved_offloaded', task_state: 'deleting', power_states: [P.SHUTDOWN], via: ['delete'], source: `${A}:API._delete` },
];

/** A pair of a move whose guest the source has powered off by then: its vm_state's power state, or SHUTDOWN. */
function moving(vm_state: 'active' | 'stopped' | 'paused' | 'suspended', task_state: TaskState, via: readonly string[], source: string): ReachablePair {
  return { vm_state, task_state, power_states: [...new Set([...POWER_OF[vm_state], P.SHUTDOWN])], via, source };
}

/** What {@link REACHABLE_STATES} leaves out, and where it is (or will be) covered. */
export const EXCLUDED_STATES_NOTE =
  'Soft delete and restore (soft-delete, soft-deleting, restoring) are out: reclaim_instance_interval ' +
  'is 0, so delete is always the hard delete. ' +
  "The transient 'error + <task>' pairs nova holds between _set_instance_obj_error_state and " +
  'reverts_task_state within one manager call are out: the simulator clears the task in the ' +
  'same step.';

function pairKey(vmState: string, taskState: string | null): string {
  return taskState === null ? `${vmState}\u0000` : `${vmState}\u0000:${taskState}`;
}

const REACHABLE_INDEX: ReadonlyMap<string, ReachablePair> = new Map([...REACHABLE_STATES, ...MOVE_STATES].map((p) => [pairKey(p.vm_state, p.task_state), p]));

/**
 * Whether the simulator may show (vm_state, task_state) — and, given `powerState`, that power
 * state with them — per {@link REACHABLE_STATES} and {@link MOVE_STATES}.
 */
export function isReachable(vmState: string, taskState: string | null, powerState?: number): boolean {
  if (typeof vmState !== 'string' || (taskState !== null && typeof taskState !== 'string')) return false;
  const found = REACHABLE_INDEX.get(pairKey(vmState, taskState));
  if (found === undefined) return false;
  return powerState === undefined || (found.power_states as readonly number[]).includes(powerState);
}

/** The entry of {@link REACHABLE_STATES} for (vm_state, task_state), if any. */
export function reachablePair(vmState: string, taskState: string | null): ReachablePair | undefined {
  return REACHABLE_INDEX.get(pairKey(vmState, taskState));
}
