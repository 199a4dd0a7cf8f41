/**
 * Server actions (`POST /servers/{id}/action`): `os-stop`, `os-start`, `reboot`, `pause` /
 * `unpause`, `suspend` / `resume`, `lock` / `unlock`, `rescue` / `unrescue`, `changePassword`.
 *
 * Followed, Zed: `nova/api/openstack/compute/servers.py` (`_start_server`, `_stop_server`,
 * `_action_reboot`), `pause_server.py`, `suspend_server.py`, `lock_server.py`, `rescue.py`,
 * `admin_password.py` and their schemas; `nova/compute/api.py` (`start`, `stop` / `force_stop`,
 * `reboot` / `_soft_reboot` / `_hard_reboot`, `pause`, `unpause`, `suspend`, `resume`, `lock`,
 * `unlock`, `is_expected_locked_by`, `rescue`, `unrescue`, `set_admin_password`);
 * `nova/compute/manager.py` (`stop_instance`, `start_instance`, `reboot_instance` /
 * `_reboot_instance`, `pause_instance`, `unpause_instance`, `suspend_instance`,
 * `resume_instance`, `rescue_instance`, `unrescue_instance`, `set_admin_password`).
 *
 * Each action runs nova's order: the request body's schema (400 naming the field), the server as
 * the caller's database query finds it (404), the policy on the server's project and user (403),
 * the lock / host / state guards of `guards.ts` (409), then the API sets the task_state nova's API
 * sets, records the instance action and casts to nova-compute: one task of kind
 * {@link INSTANCE_ACTION_TASK} which, when it runs, does nothing unless the server is still in
 * that task_state on that host, records the `compute_<method>` event, sends the legacy
 * `compute.instance.<x>.start` / `.end` notifications and sets the final vm_state, task_state and
 * power_state. The work on the host runs in two steps (the manager's start, then the hypervisor's
 * {@link GUEST_SECONDS} later), so with `progression: 'clock'` a hard reboot may overtake a pause:
 * the pause's end then finds another task_state and stops as nova's `UnexpectedTaskStateError`
 * does (its event finishes with `Error`, nothing else changes).
 *
 * None of these actions touches Placement: a stopped, paused, suspended or rescued server keeps
 * its allocation. Lock and unlock are the API's own work (`api_lock` / `api_unlock` events).
 *
 * Not simulated: clean shutdown timeouts, the versioned notifications (`instance.lock`, …), a
 * down nova-compute's queued casts (the task runs whatever the host's state), the guest agent
 * (a password change always succeeds on an active server), `rescue_image_name` in the rescue
 * notifications' payload.
 */
import { CloudError, getRow, type CloudState, type PolicyCredentials, type Tx } from '../core/index.js';
import { imageFor, type ImageRow } from '../image/index.js';
import { volumeRow } from '../block/index.js';
import { finishEvent, recordEvent, startAction, startEvent, type InstanceActionName } from './actions.js';
import { saveServer } from './boot.js';
import { bdmsOf } from './block_device.js';
import { enforce, targetOf, type Ctx } from './context.js';
import { badRequest, conflict, invalid } from './errors.js';
import { checkAction } from './guards.js';
import { describeValue, fieldError, generatePassword, optionalText } from './input.js';
import { NOVA_RULES } from './policies.js';
import { getServer } from './servers.js';
import type { ServerRow } from './types.js';
import { instanceUsage } from './views.js';
import type { ComputeAction, PowerState, TaskState, VmState } from './vm_states.js';

/** nova-compute's task for the actions of this file (the RPC casts `stop_instance`, `start_instance`, …). */
export const INSTANCE_ACTION_TASK = 'compute.instance_action';

/** What the hypervisor takes for a power or state change (stacksim's figure, not nova's). */
export const GUEST_SECONDS = 1;

/** The host the API records its own events on (`CONF.host` of nova-api). */
export const API_HOST = 'controller';

/** What `rescue` answers: the rescue password when `enable_instance_password` is on. */
export interface RescueView {
  readonly adminPass?: string;
}

/** The manager methods this file casts to. */
type Method = 'stop_instance' | 'start_instance' | 'reboot_instance' | 'pause_instance' | 'unpause_instance' | 'suspend_instance' | 'resume_instance' | 'rescue_instance' | 'unrescue_instance' | 'set_admin_password';

/** The task's arguments (plain data). */
interface ActionTaskArgs {
  readonly uuid: string;
  readonly host: string | null;
  readonly method: Method;
  /** `begin`: the manager takes the request; `end`: the hypervisor is done. */
  readonly stage: 'begin' | 'end';
  /** The task_state the server must still be in. */
  readonly expect: TaskState;
  readonly reboot_type?: 'SOFT' | 'HARD';
  readonly rescue_image_ref?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Shared with rebuild.ts and snapshot.ts
// ---------------------------------------------------------------------------------------------

/** A server a nova-compute task may work on: undefined when deleted, being deleted, or no longer on `host`. */
export function hostRow(tx: Tx, uuid: string, host: string | null): ServerRow | undefined {
  const row = getRow((tx.draft as CloudState).compute.servers, uuid);
  if (row === undefined || row.deleted || row.task_state === 'deleting' || row.host !== host) return undefined;
  return row;
}

/** The publisher of nova-compute's legacy notifications (`compute.<host>`). */
export function publisherOf(host: string | null): { readonly publisher: string } {
  return { publisher: `compute.${host ?? API_HOST}` };
}

/**
 * `save(expected_task_state=…)` failing: nova's `UnexpectedTaskStateError`, which
 * `reverts_task_state` lets through without touching the instance; the event finishes with `Error`.
 */
export function preempted(tx: Tx, row: ServerRow, event: string, expected: TaskState): void {
  const message = `Conflict updating instance ${row.uuid}. Expected: {'task_state': ['${expected}']}. Actual: {'task_state': ${row.task_state === null ? 'None' : `'${row.task_state}'`}}`;
  finishEvent(tx, row.uuid, event, { message, details: `nova.exception.UnexpectedTaskStateError: ${message}` });
  tx.trace('nova-compute', `task possibly preempted on ${row.uuid}: ${message}`);
}

/** The request body's object (`body['<action>']`): an object, or (where nova's schema allows) null. */
function bodyObject(value: unknown, field: string, nullable: boolean, keys: readonly string[]): Record<string, unknown> {
  if (value === undefined || (nullable && value === null)) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fieldError(field, value, `${describeValue(value)} is not of type 'object'${nullable ? ", 'null'" : ''}`);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw badRequest(`${field}.${k}`, `Invalid input for field/attribute ${field}. Value: ${describeValue(o)}. Additional properties are not allowed ('${k}' was unexpected)`);
  return o;
}

// ---------------------------------------------------------------------------------------------
// The API side
// ---------------------------------------------------------------------------------------------

interface CastSpec {
  readonly rule: string;
  readonly action: ComputeAction;
  readonly task: TaskState;
  readonly instanceAction: InstanceActionName;
  readonly method: Method;
  readonly patch?: Partial<ServerRow>;
  readonly extra?: Partial<ActionTaskArgs>;
}

/** Policy, guards, the task_state, the instance action and the cast, on a server already found. */
function cast(tx: Tx, ctx: Ctx, row: ServerRow, spec: CastSpec): ServerRow {
  enforce(ctx, spec.rule, targetOf(row));
  checkAction(ctx, row, spec.action);
  return castChecked(tx, ctx, row, spec);
}

function castChecked(tx: Tx, ctx: Ctx, row: ServerRow, spec: CastSpec): ServerRow {
  const next = saveServer(tx, row, { task_state: spec.task, ...spec.patch });
  startAction(tx, next, spec.instanceAction, ctx);
  tx.trace('nova-api', `${spec.instanceAction} server ${row.uuid}: task_state ${spec.task}, cast ${spec.method} to nova-compute on ${row.host ?? '(no host)'}`);
  tx.schedule(INSTANCE_ACTION_TASK, { uuid: row.uuid, host: row.host, method: spec.method, stage: 'begin', expect: spec.task, ...spec.extra } satisfies ActionTaskArgs, 0);
  return next;
}

/** `os-start`: `SHUTOFF` → `ACTIVE` (`API.start`: lock, host, vm_state `stopped`; task `powering-on`). */
export function startServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  cast(tx, ctx, row, { rule: NOVA_RULES.servers.start, action: 'start', task: 'powering-on', instanceAction: 'start', method: 'start_instance' });
}

/** `os-stop`: `ACTIVE` / `ERROR` → `SHUTOFF` (`API.force_stop`: task `powering-off`, progress 0); the allocation stays. */
export function stopServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  cast(tx, ctx, row, { rule: NOVA_RULES.servers.stop, action: 'stop', task: 'powering-off', instanceAction: 'stop', method: 'stop_instance', patch: { progress: 0 } });
}

const REBOOT_TYPES = ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft'];

/**
 * `reboot` `{ type }` (schema: one of `HARD`, `Hard`, `hard`, `SOFT`, `Soft`, `soft`): a soft
 * reboot needs `ACTIVE` and no task (task `rebooting`); a hard one accepts `ACTIVE`, `SHUTOFF`,
 * `PAUSED`, `SUSPENDED`, `ERROR`, even over a pause, suspend, resume or reboot in progress (task
 * `rebooting_hard`). The server ends `ACTIVE`.
 */
export function rebootServer(tx: Tx, ctx: Ctx, ref: unknown, body: unknown): void {
  const o = bodyObject(body, 'reboot', false, ['type']);
  if (body === undefined || !('type' in o)) throw badRequest('type', "Invalid input for field/attribute reboot. Value: {}. 'type' is a required property", 'compute.server.reboot_type_required');
  if (typeof o.type !== 'string' || !REBOOT_TYPES.includes(o.type)) throw fieldError('type', o.type, `${describeValue(o.type)} is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']`);
  const type = o.type.toUpperCase() as 'SOFT' | 'HARD';
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.servers.reboot, targetOf(row));
  // API.reboot: check_instance_lock, then _soft_reboot / _hard_reboot's state check
  checkAction(ctx, row, type === 'SOFT' ? 'reboot_soft' : 'reboot_hard');
  castChecked(tx, ctx, row, { rule: NOVA_RULES.servers.reboot, action: type === 'SOFT' ? 'reboot_soft' : 'reboot_hard', task: type === 'SOFT' ? 'rebooting' : 'rebooting_hard', instanceAction: 'reboot', method: 'reboot_instance', extra: { reboot_type: type } });
}

/** `pause`: `ACTIVE` → `PAUSED` (task `pausing`; power 3). */
export function pauseServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  cast(tx, ctx, row, { rule: NOVA_RULES.serverActions.pause, action: 'pause', task: 'pausing', instanceAction: 'pause', method: 'pause_instance' });
}

/** `unpause`: `PAUSED` → `ACTIVE` (task `unpausing`). */
export function unpauseServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  cast(tx, ctx, row, { rule: NOVA_RULES.serverActions.unpause, action: 'unpause', task: 'unpausing', instanceAction: 'unpause', method: 'unpause_instance' });
}

/** `suspend`: `ACTIVE` → `SUSPENDED` (task `suspending`; power 7; `old_vm_state` kept for resume). */
export function suspendServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  cast(tx, ctx, row, { rule: NOVA_RULES.serverActions.suspend, action: 'suspend', task: 'suspending', instanceAction: 'suspend', method: 'suspend_instance' });
}

/** `resume`: `SUSPENDED` → the `old_vm_state` (`ACTIVE`) (task `resuming`). */
export function resumeServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  cast(tx, ctx, row, { rule: NOVA_RULES.serverActions.resume, action: 'resume', task: 'resuming', instanceAction: 'resume', method: 'resume_instance' });
}

/**
 * `lock` (2.73 `{ locked_reason }`, 1..255 characters, or a null body): `API.lock` checks no state.
 * `locked_by` is `owner` when the caller's project owns the server, else `admin`; a server the
 * owner already locked stays as it is (nothing recorded) when the owner locks it again. A locked
 * server refuses every guarded action of a non-admin (409 `InstanceIsLocked`).
 */
export function lockServer(tx: Tx, ctx: Ctx, ref: unknown, body: unknown): void {
  const o = bodyObject(body, 'lock', true, ['locked_reason']);
  const reason = o.locked_reason === undefined ? null : optionalText(o.locked_reason, 'locked_reason', 255, 1);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.lock, targetOf(row));
  checkAction(ctx, row, 'lock'); // API.lock: no lock, host or state check
  const isOwner = row.project_id === ctx.projectId;
  if (row.locked && isOwner) {
    tx.trace('nova-api', `lock server ${row.uuid}: already locked, nothing to do`);
    return;
  }
  startAction(tx, row, 'lock', ctx);
  saveServer(tx, row, { locked: true, locked_by: isOwner ? 'owner' : 'admin', ...(reason !== null ? { locked_reason: reason } : {}) });
  recordEvent(tx, row.uuid, 'api_lock', API_HOST);
  tx.trace('nova-api', `server ${row.uuid} locked by ${isOwner ? 'owner' : 'admin'}${reason !== null ? ` (${reason})` : ''}`);
}

/**
 * `unlock`: someone else's lock (`locked_by` not what the caller would set) needs
 * `os-lock-server:unlock:unlock_override` too. Unlocking an unlocked server records the action all
 * the same, as nova does.
 */
export function unlockServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.unlock, { project_id: row.project_id });
  checkAction(ctx, row, 'unlock'); // API.unlock: no lock, host or state check
  // is_expected_locked_by
  const expected = row.project_id === ctx.projectId ? 'owner' : 'admin';
  if (row.locked_by !== null && row.locked_by !== expected) enforce(ctx, NOVA_RULES.serverActions.unlockOverride, { project_id: row.project_id });
  startAction(tx, row, 'unlock', ctx);
  saveServer(tx, row, { locked: false, locked_by: null, locked_reason: null });
  recordEvent(tx, row.uuid, 'api_unlock', API_HOST);
  tx.trace('nova-api', `server ${row.uuid} unlocked`);
}

/** Whether a server boots from a volume (`compute_utils.is_volume_backed_instance`: its root mapping's destination, else no image). */
export function isVolumeBacked(s: CloudState, row: ServerRow): boolean {
  const root = bdmsOf(s, row.uuid).find((b) => b.boot_index === 0);
  if (root !== undefined) return root.destination_type === 'volume';
  return row.image_ref === '';
}

/**
 * `rescue` (`{ adminPass?, rescue_image_ref? }` or null): `ACTIVE`, `SHUTOFF` or `ERROR` →
 * `RESCUE` (task `rescuing`; power 1, `launched_at` now). A `rescue_image_ref` the caller cannot
 * see, or one holding `img_block_device_mapping`, is 400 `UnsupportedRescueImage`; a
 * volume-backed server needs a rescue image with `hw_rescue_bus` and `hw_rescue_device` (2.87;
 * the libvirt hosts report `COMPUTE_RESCUE_BFV`), else 400 `InstanceNotRescuable`. Answers the
 * rescue password (the one given, else generated) when `enable_instance_password` is on.
 */
export function rescueServer(tx: Tx, ctx: Ctx, ref: unknown, body: unknown): RescueView {
  const o = bodyObject(body, 'rescue', true, ['adminPass', 'rescue_image_ref']);
  const given = o.adminPass === undefined ? null : optionalText(o.adminPass, 'adminPass', 65_535);
  const imageRef = o.rescue_image_ref === undefined ? null : optionalText(o.rescue_image_ref, 'rescue_image_ref', 255, 1);
  const password = given ?? generatePassword(tx);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.rescue, targetOf(row));
  checkAction(ctx, row, 'rescue');
  let image: ImageRow | null = null;
  if (imageRef !== null) {
    const unsupported = () => invalid('compute.rescue.unsupported_image', 'UnsupportedRescueImage', `Requested rescue image '${imageRef}' is not supported`, { field: 'rescue_image_ref', image: imageRef });
    try {
      image = imageFor(ctx.s, ctx.policy, ctx.creds, imageRef, 'rescue_image_ref');
    } catch (e) {
      // ImageMeta.from_image_ref: ImageNotFound / ImageBadRequest (stacksim: a name several images share too)
      if (e instanceof CloudError && [400, 403, 404, 409].includes(e.status)) throw unsupported();
      throw e;
    }
    if (image.properties.img_block_device_mapping !== undefined) throw unsupported();
  } else if (row.image_ref !== '') {
    try {
      image = imageFor(ctx.s, ctx.policy, ctx.creds, { id: row.image_ref });
    } catch {
      image = null; // instance.image_meta comes from the instance's system metadata: the image may be gone
    }
  }
  // _check_volume_status: every attached volume must be in-use (409, as rescue.py answers InvalidVolume)
  for (const b of bdmsOf(ctx.s, row.uuid)) {
    const v = b.volume_id === null ? undefined : volumeRow(ctx.s, b.volume_id);
    if (v !== undefined && v.status !== 'in-use') throw conflict('compute.volume.invalid', 'InvalidVolume', `Invalid volume: volume '${v.id}' status must be 'in-use'. Currently in '${v.status}' status`, { volume_id: v.id });
  }
  if (isVolumeBacked(ctx.s, row)) {
    const props = image?.properties ?? {};
    if (props.hw_rescue_bus === undefined || props.hw_rescue_device === undefined) throw invalid('compute.server.not_rescuable', 'InstanceNotRescuable', `Instance ${row.uuid} cannot be rescued: Cannot rescue a volume-backed instance`, { id: row.uuid });
  }
  castChecked(tx, ctx, row, { rule: NOVA_RULES.serverActions.rescue, action: 'rescue', task: 'rescuing', instanceAction: 'rescue', method: 'rescue_instance', extra: { rescue_image_ref: image?.id ?? null } });
  return ctx.s.compute.config.enable_instance_password ? { adminPass: password } : {};
}

/** `unrescue`: `RESCUE` → `ACTIVE` (task `unrescuing`). */
export function unrescueServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  cast(tx, ctx, row, { rule: NOVA_RULES.serverActions.unrescue, action: 'unrescue', task: 'unrescuing', instanceAction: 'unrescue', method: 'unrescue_instance' });
}

/** `changePassword` `{ adminPass }` (required, a string): `ACTIVE` only (task `updating_password`); nova-compute sets it through the guest. */
export function changePassword(tx: Tx, ctx: Ctx, ref: unknown, body: unknown): void {
  const o = bodyObject(body, 'changePassword', false, ['adminPass']);
  if (body === undefined || !('adminPass' in o)) throw badRequest('adminPass', "Invalid input for field/attribute changePassword. Value: {}. 'adminPass' is a required property", 'compute.server.admin_pass_required');
  optionalText(o.adminPass, 'adminPass', 65_535);
  const row = getServer(ctx, ref);
  cast(tx, ctx, row, { rule: NOVA_RULES.serverActions.changePassword, action: 'set_admin_password', task: 'updating_password', instanceAction: 'changePassword', method: 'set_admin_password' });
}

// ---------------------------------------------------------------------------------------------
// nova-compute
// ---------------------------------------------------------------------------------------------

type Phase = 'power_off' | 'power_on' | 'reboot' | 'pause' | 'unpause' | 'suspend' | 'resume' | 'rescue' | 'unrescue';

/** What each manager method notifies, and where it leaves the server. */
const METHODS: Readonly<Record<Method, { readonly phase: Phase | null; readonly done: (row: ServerRow) => { vm_state: VmState; power_state: PowerState; patch?: Partial<ServerRow> } }>> = {
  stop_instance: { phase: 'power_off', done: () => ({ vm_state: 'stopped', power_state: 4 }) },
  start_instance: { phase: 'power_on', done: () => ({ vm_state: 'active', power_state: 1 }) },
  // a hard reboot brings any of ALLOW_HARD_REBOOT back to active (rescued is kept, never reached here)
  reboot_instance: { phase: 'reboot', done: (row) => ({ vm_state: row.vm_state === 'rescued' ? 'rescued' : 'active', power_state: 1 }) },
  pause_instance: { phase: 'pause', done: () => ({ vm_state: 'paused', power_state: 3 }) },
  unpause_instance: { phase: 'unpause', done: () => ({ vm_state: 'active', power_state: 1 }) },
  suspend_instance: { phase: 'suspend', done: () => ({ vm_state: 'suspended', power_state: 7 }) },
  resume_instance: { phase: 'resume', done: (row) => ({ vm_state: row.old_vm_state ?? 'active', power_state: 1, patch: { old_vm_state: null } }) },
  rescue_instance: { phase: 'rescue', done: () => ({ vm_state: 'rescued', power_state: 1 }) },
  unrescue_instance: { phase: 'unrescue', done: () => ({ vm_state: 'active', power_state: 1 }) },
  set_admin_password: { phase: null, done: (row) => ({ vm_state: row.vm_state, power_state: row.power_state, patch: { password_set: true } }) },
};

function emitPhase(tx: Tx, phase: Phase, end: boolean, row: ServerRow, host: string | null): void {
  const s = () => tx.draft as CloudState;
  const payload = () => instanceUsage(s(), row);
  const p = publisherOf(host);
  switch (phase) {
    case 'power_off': return tx.emit(end ? 'compute.instance.power_off.end' : 'compute.instance.power_off.start', payload, p);
    case 'power_on': return tx.emit(end ? 'compute.instance.power_on.end' : 'compute.instance.power_on.start', payload, p);
    case 'reboot': return tx.emit(end ? 'compute.instance.reboot.end' : 'compute.instance.reboot.start', payload, p);
    case 'pause': return tx.emit(end ? 'compute.instance.pause.end' : 'compute.instance.pause.start', payload, p);
    case 'unpause': return tx.emit(end ? 'compute.instance.unpause.end' : 'compute.instance.unpause.start', payload, p);
    case 'suspend': return tx.emit(end ? 'compute.instance.suspend.end' : 'compute.instance.suspend.start', payload, p);
    case 'resume': return tx.emit(end ? 'compute.instance.resume.end' : 'compute.instance.resume.start', payload, p);
    case 'rescue': return tx.emit(end ? 'compute.instance.rescue.end' : 'compute.instance.rescue.start', payload, p);
    case 'unrescue': return tx.emit(end ? 'compute.instance.unrescue.end' : 'compute.instance.unrescue.start', payload, p);
  }
}

/**
 * nova-compute's `stop_instance` (`power_off.*`), `start_instance` (`power_on.*`),
 * `reboot_instance` (`reboot.*`; `reboot_pending(_hard)` then `reboot_started(_hard)`),
 * `pause_instance`, `unpause_instance`, `suspend_instance`, `resume_instance`,
 * `rescue_instance` (`rescue.*` with `compute.instance.exists` between), `unrescue_instance`,
 * `set_admin_password`: `begin` records the `compute_<method>` event and sends `.start`; `end`
 * (after {@link GUEST_SECONDS}) sets the final states, sends `.end` and finishes the event.
 */
export function runInstanceAction(tx: Tx, raw: unknown): void {
  const args = raw as ActionTaskArgs;
  const event = `compute_${args.method}`;
  const row = hostRow(tx, args.uuid, args.host);
  if (row === undefined) return; // deleted meanwhile: nothing to do
  if (row.task_state !== args.expect) {
    if (args.stage === 'end') preempted(tx, row, event, args.expect);
    else tx.trace('nova-compute', `${args.method} on ${row.uuid} skipped: task_state is ${row.task_state ?? 'None'}, not ${args.expect}`);
    return;
  }
  const spec = METHODS[args.method];
  if (args.stage === 'begin') {
    startEvent(tx, row.uuid, event, args.host);
    let current = row;
    let expect: TaskState = args.expect;
    if (args.method === 'reboot_instance') {
      // _reboot_instance: REBOOT_PENDING(_HARD) with the power state re-read, then REBOOT_STARTED(_HARD)
      const hard = args.reboot_type === 'HARD';
      current = saveServer(tx, current, { task_state: hard ? 'reboot_pending_hard' : 'reboot_pending' });
      if (spec.phase !== null) emitPhase(tx, spec.phase, false, current, args.host);
      expect = hard ? 'reboot_started_hard' : 'reboot_started';
      current = saveServer(tx, current, { task_state: expect });
    } else {
      // suspend_instance stores the old vm_state for resume
      if (args.method === 'suspend_instance') current = saveServer(tx, current, { old_vm_state: current.vm_state });
      if (spec.phase !== null) emitPhase(tx, spec.phase, false, current, args.host);
    }
    tx.trace('nova-compute', `${args.method} ${row.uuid} on ${args.host ?? '?'}${args.reboot_type ? ` (${args.reboot_type})` : ''}`);
    tx.schedule(INSTANCE_ACTION_TASK, { ...args, stage: 'end', expect } satisfies ActionTaskArgs, GUEST_SECONDS);
    return;
  }
  const done = spec.done(row);
  const patch: { -readonly [K in keyof ServerRow]?: ServerRow[K] } = { vm_state: done.vm_state, task_state: null, power_state: done.power_state, ...done.patch };
  if (args.method === 'rescue_instance') {
    // notify_usage_exists(current_period=True) before the rescued instance is saved
    tx.emit('compute.instance.exists', () => instanceUsage(tx.draft as CloudState, row), publisherOf(args.host));
    patch.launched_at = tx.now();
  }
  const next = saveServer(tx, row, patch);
  if (spec.phase !== null) emitPhase(tx, spec.phase, true, next, args.host);
  finishEvent(tx, row.uuid, event);
  tx.trace('nova-compute', `instance ${row.uuid} ${next.vm_state} (power ${next.power_state}) after ${args.method}${args.method === 'rescue_instance' && args.rescue_image_ref ? ` from rescue image ${args.rescue_image_ref}` : ''}`);
}

/** The credentials a task carries (nova passes the user's context along). */
export function credsOf(ctx: Ctx): PolicyCredentials {
  return { ...ctx.creds } as PolicyCredentials;
}
