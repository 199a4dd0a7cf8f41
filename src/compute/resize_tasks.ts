/**
 * Resize and cold migration after nova-api (`resize.ts`): the conductor's `migrate_server` and
 * nova-compute's `prep_resize`, `resize_instance`, `finish_resize`, `confirm_resize`,
 * `revert_resize` and `finish_revert_resize` on the two hosts ({@link RESIZE_TASKS}).
 *
 * Followed, Zed: `nova/conductor/manager.py` (`migrate_server`, `_cold_migrate`) and
 * `nova/conductor/tasks/migrate.py` (`MigrationTask._execute`, `_preallocate_migration`,
 * `replace_allocation_with_migration`, `rollback`); `nova/compute/manager.py` (`prep_resize`,
 * `_prep_resize`, `resize_instance`, `_resize_instance`, `_terminate_volume_connections`,
 * `finish_resize`, `_finish_resize`, `confirm_resize`, `_confirm_resize`, `revert_resize`,
 * `finish_revert_resize`, `_finish_revert_resize`, `_revert_allocation`); the libvirt driver's
 * `migrate_disk_and_power_off` ("Unable to resize disk down.").
 *
 * A scheduling failure (`NoValidHost`) puts the server back in its vm_state with no task and the
 * scheduler's fault, the migration in `error`, the allocation back on the instance, the
 * `compute_task.migrate_server` error notification; a disk that would shrink fails on the
 * source (`Resize error: Unable to resize disk down.`), as does a destination whose host went
 * down before `prep_resize` ran, or a source whose host fails during `resize_instance`: all roll
 * back the same way. A destination that fails after the hand-over fails `finish_resize`: the
 * server `ERROR` there, the migration `error`, the source's allocation deleted
 * (`_delete_allocation_after_move`). A step that finds its move cut short by another operation
 * ends it: migration `error`, the instance left with its own claims only
 * ({@link abandonMoveAllocations}).
 *
 * Not simulated: reschedules to alternates after a failure on the destination, NUMA / PCI, the
 * versioned notifications, the wrap_exception legacy `<method>` error notifications. `dest_host`
 * is the destination's `host_ip` (hypervisors.ts).
 */
import { CloudError, getRow, policyEngineOf, type CloudState, type PolicyCredentials, type TaskHandler, type Tx } from '../core/index.js';
import { findHost } from '../hardware/index.js';
import { NoValidHost, selectDestinations } from '../scheduler/index.js';
import { bindServerPort } from '../network/index.js';
import { connectVolumeForServer, releaseVolumeForServer, reserveVolumeForServer } from '../block/index.js';
import { finishEvent, startEvent } from './actions.js';
import { notifyComputeTaskError } from './conductor.js';
import { RPC_SECONDS, saveServer, serverOf } from './boot.js';
import { bdmsOf, saveBdm } from './block_device.js';
import { hostIp } from './hypervisors.js';
import { abandonMoveAllocations, createMigration, dropMigrationAllocation, FINISHED_MIGRATION_STATUSES, laterMigrations, migrationById, moveToMigration, revertFromMigration, saveMigration, transferSeconds } from './migrations.js';
import { countInstances, releaseInstance } from './quota.js';
import { moveRequestSpec, specImage } from './request_spec.js';
import { API_HOST, isVolumeBacked, publisherOf } from './server_actions.js';
import type { InstanceFlavor, MigrationRow, ServerRow } from './types.js';
import { instanceUsage } from './views.js';
import type { TaskState } from './vm_states.js';
import { zoneOfHost } from './zones.js';

/** The conductor's `migrate_server` (schedules the destination). */
export const MIGRATE_SERVER_TASK = 'compute.migrate_server';
/** The destination's `prep_resize`. */
export const PREP_RESIZE_TASK = 'compute.prep_resize';
/** The source's `resize_instance` (in two stages: power off and copy, then hand over). */
export const RESIZE_INSTANCE_TASK = 'compute.resize_instance';
/** The destination's `finish_resize`. */
export const FINISH_RESIZE_TASK = 'compute.finish_resize';
/** The source's `confirm_resize`. */
export const CONFIRM_RESIZE_TASK = 'compute.confirm_resize';
/** The destination's `revert_resize`. */
export const REVERT_RESIZE_TASK = 'compute.revert_resize';
/** The source's `finish_revert_resize`. */
export const FINISH_REVERT_RESIZE_TASK = 'compute.finish_revert_resize';

const GIB = 1024 ** 3;
const SHUTDOWN = 4;
const RUNNING = 1;

/** What nova-api hands the conductor (plain data). */
export interface MigrateArgs {
  readonly uuid: string;
  readonly creds: PolicyCredentials;
  /** The requester (the migration's `user_id` / `project_id`). */
  readonly user_id: string;
  readonly project_id: string;
  /** The flavor to move to (the current one for a cold migration). */
  readonly flavor: InstanceFlavor;
  readonly migration_type: 'resize' | 'migration';
  readonly ignore_hosts: readonly string[];
  /** 2.56's `host` (`requested_destination`), else null. */
  readonly host: string | null;
  readonly is_bfv: boolean;
}

/** What each nova-compute step gets once the migration exists. */
export interface MoveArgs {
  readonly uuid: string;
  readonly migration_id: number;
  readonly creds: PolicyCredentials;
  readonly flavor: InstanceFlavor;
  readonly stage?: 'begin' | 'copied';
}

// ---------------------------------------------------------------------------------------------
// The conductor
// ---------------------------------------------------------------------------------------------

/** The conductor's `migrate_server` → `_cold_migrate` → `MigrationTask`. */
function runMigrateServer(tx: Tx, raw: unknown): void {
  const args = raw as MigrateArgs;
  const row = serverOf(tx, args.uuid);
  if (row === undefined || row.task_state !== 'resize_prep' || row.host === null) return;
  const s = tx.draft as CloudState;
  startEvent(tx, row.uuid, 'conductor_migrate_server', API_HOST);
  startEvent(tx, row.uuid, 'cold_migrate', API_HOST);
  tx.trace('nova-conductor', `migrate_server ${row.uuid}: ${args.migration_type} to ${args.flavor.name}${args.host === null ? '' : `, requested destination ${args.host}`}${args.ignore_hosts.length > 0 ? `, ignoring ${args.ignore_hosts.join(', ')}` : ''}`);
  const migration = createMigration(tx, {
    instance_uuid: row.uuid,
    migration_type: args.migration_type,
    status: 'pre-migrating',
    source_compute: row.host,
    source_node: row.node,
    old_instance_type_id: row.flavor.flavorid,
    new_instance_type_id: args.flavor.flavorid,
    user_id: args.user_id,
    project_id: args.project_id,
  });
  moveToMigration(tx, row, migration);
  let selection: { readonly host: string; readonly nodename: string };
  try {
    const image = specImage(s, policyEngineOf(tx.memo), args.creds, row);
    const result = selectDestinations(tx, moveRequestSpec(s, row, { flavor: args.flavor, image, ignore_hosts: args.ignore_hosts, requested_host: args.host, is_bfv: args.is_bfv }));
    selection = result.selections[0] as { readonly host: string; readonly nodename: string };
  } catch (e) {
    if (!(e instanceof NoValidHost)) throw e;
    // MigrationTask.rollback, then _cold_migrate's set_vm_state_and_notify
    revertFromMigration(tx, row, migration);
    saveMigration(tx, migration, { status: 'error' });
    const next = saveServer(tx, row, { vm_state: row.vm_state, task_state: null, fault: { code: 500, message: e.message, details: `nova.exception.NoValidHost: ${e.message}`, created: tx.now() } });
    const reason = `No valid host was found. No valid host found for ${args.migration_type === 'resize' ? 'resize' : 'cold migrate'}`;
    finishEvent(tx, row.uuid, 'cold_migrate', { message: reason, details: `nova.exception.NoValidHost: ${reason}` });
    finishEvent(tx, row.uuid, 'conductor_migrate_server', { message: reason, details: `nova.exception.NoValidHost: ${reason}` });
    tx.trace('nova-conductor', `migrate_server ${row.uuid} failed: ${e.message}; back to ${row.vm_state}, migration ${migration.id} error`);
    notifyComputeTaskError(tx, 'migrate_server', next, next.vm_state, e.message);
    return;
  }
  saveServer(tx, row, { availability_zone: zoneOfHost(tx.draft as CloudState, selection.host) });
  saveMigration(tx, migration, { dest_compute: selection.host, dest_node: selection.nodename });
  tx.trace('nova-conductor', `migration ${migration.id}: ${selection.host} chosen, cast prep_resize`);
  tx.schedule(PREP_RESIZE_TASK, { uuid: row.uuid, migration_id: migration.id, creds: args.creds, flavor: args.flavor } satisfies MoveArgs, RPC_SECONDS);
  finishEvent(tx, row.uuid, 'cold_migrate');
  finishEvent(tx, row.uuid, 'conductor_migrate_server');
}

// ---------------------------------------------------------------------------------------------
// nova-compute
// ---------------------------------------------------------------------------------------------

/**
 * The server and its migration a step works on: undefined when the server is gone or being
 * deleted (its delete cleans up). `superseded`: a later move of the server began since (an
 * evacuation of a server whose host failed mid-move): this one is over.
 */
function moving(tx: Tx, args: MoveArgs): { row: ServerRow; migration: MigrationRow; superseded: boolean } | undefined {
  const row = serverOf(tx, args.uuid);
  const migration = migrationById(tx.draft as CloudState, args.migration_id);
  if (row === undefined || migration === undefined) return undefined;
  return { row, migration, superseded: laterMigrations(tx.draft as CloudState, migration).length > 0 };
}

/** Whether a host's hardware is up (a nova-compute on a failed host cannot do its part of a move). */
function hostUp(s: CloudState, name: string | null): boolean {
  const host = name === null ? undefined : findHost(s, name);
  return host !== undefined && host.state === 'up';
}

/**
 * A step that finds its move cut short — the server in another task_state than it expects
 * (`UnexpectedTaskStateError`), on another host, or taken by a later move (an evacuation): its
 * event ends in `Error`, the migration in `error` unless it already ended
 * (`errors_out_migration`), and Placement is left with the instance's claims only
 * ({@link abandonMoveAllocations}).
 */
function preempted(tx: Tx, row: ServerRow, migration: MigrationRow, event: string, expected: TaskState, host: string | null): void {
  startEvent(tx, row.uuid, event, host);
  const message = `Conflict updating instance ${row.uuid}. Expected: {'task_state': ['${expected}']}. Actual: {'task_state': ${row.task_state === null ? 'None' : `'${row.task_state}'`}}`;
  finishEvent(tx, row.uuid, event, { message, details: `nova.exception.UnexpectedTaskStateError: ${message}` });
  abandonMoveAllocations(tx, row, migration, migration.dest_compute);
  if (!FINISHED_MIGRATION_STATUSES.includes(migration.status)) saveMigration(tx, migration, { status: 'error' });
  tx.trace('nova-compute', `${event} on ${row.uuid} preempted: ${message}; migration ${migration.id} error`);
}

/**
 * `InstanceFaultRollback` during `prep_resize` / `resize_instance`: the allocation back on the
 * instance (`_revert_allocation`), the migration `error`, the server back in its vm_state with no
 * task and the fault (`_error_out_instance_on_exception(instance_state=…)`).
 */
function rollback(tx: Tx, row: ServerRow, migration: MigrationRow, event: string, message: string, cls: string): void {
  revertFromMigration(tx, row, migration);
  saveMigration(tx, migration, { status: 'error' });
  saveServer(tx, row, { task_state: null, new_flavor: null, old_vm_state: null, fault: { code: 500, message, details: `nova.exception.${cls}: ${message}`, created: tx.now() } });
  finishEvent(tx, row.uuid, event, { message, details: `nova.exception.${cls}: ${message}` });
  tx.trace('nova-compute', `${event} of ${row.uuid} failed: ${message}; back to ${row.vm_state}, migration ${migration.id} error`);
}

function sourceDown(host: string | null): string {
  return `Compute service of ${host ?? '?'} is unavailable at this time.`;
}

/**
 * `finish_resize` failing on the destination (its host failed after the source handed the
 * instance over): `_error_out_instance_on_exception` puts the server in `ERROR` with the fault,
 * `errors_out_migration` the migration in `error`, and `_delete_allocation_after_move` drops the
 * migration's (source) allocation so the instance keeps its claim on the destination, where a
 * hard reboot would recover it. The ports were bound there first (`migrate_instance_finish`
 * precedes the driver), the flavor stays the old one (`_set_instance_info(instance, old_flavor)`).
 */
function finishFailed(tx: Tx, row: ServerRow, migration: MigrationRow, event: string, dest: string): void {
  const message = `Compute service of ${dest} is unavailable at this time.`;
  const details = `nova.exception.ComputeServiceUnavailable: ${message}`;
  bindPorts(tx, row, dest);
  dropMigrationAllocation(tx, row, migration);
  saveMigration(tx, migration, { status: 'error' });
  saveServer(tx, row, { vm_state: 'error', task_state: null, fault: { code: 500, message, details, created: tx.now() } });
  finishEvent(tx, row.uuid, event, { message, details });
  tx.trace('nova-compute', `finish_resize of ${row.uuid} on ${dest} failed: ${message}; ERROR, migration ${migration.id} error, the source's allocation deleted`);
}

/** The destination's `prep_resize`: `exists`, `resize.prep.start`, the claim's bookkeeping, the cast to the source, `resize.prep.end`. */
function runPrepResize(tx: Tx, raw: unknown): void {
  const args = raw as MoveArgs;
  const found = moving(tx, args);
  if (found === undefined) return;
  const { row, migration, superseded } = found;
  const dest = migration.dest_compute;
  const event = 'compute_prep_resize';
  if (superseded || row.task_state !== 'resize_prep' || migration.status !== 'pre-migrating') return preempted(tx, row, migration, event, 'resize_prep', dest);
  const publisher = publisherOf(dest);
  startEvent(tx, row.uuid, event, dest);
  tx.emit('compute.instance.exists', () => instanceUsage(tx.draft as CloudState, row), publisher);
  tx.emit('compute.instance.resize.prep.start', () => instanceUsage(tx.draft as CloudState, row), publisher);
  const host = dest === null ? undefined : findHost(tx.draft as CloudState, dest);
  if (host === undefined || host.state !== 'up') {
    rollback(tx, row, migration, event, `Compute service of ${dest ?? '?'} is unavailable at this time.`, 'ComputeServiceUnavailable');
    tx.emit('compute.instance.resize.prep.end', () => instanceUsage(tx.draft as CloudState, getRow((tx.draft as CloudState).compute.servers, row.uuid) as ServerRow), publisher);
    return;
  }
  const next = saveServer(tx, row, { new_flavor: args.flavor, old_vm_state: row.vm_state });
  saveMigration(tx, migration, { dest_host: hostIp(host) });
  tx.trace('nova-compute', `prep_resize ${row.uuid} on ${dest}: resize claim for ${args.flavor.name}, cast resize_instance to ${migration.source_compute ?? '?'}`);
  tx.schedule(RESIZE_INSTANCE_TASK, { ...args, stage: 'begin' } satisfies MoveArgs, RPC_SECONDS);
  tx.emit('compute.instance.resize.prep.end', () => ({ ...instanceUsage(tx.draft as CloudState, next), new_instance_type: args.flavor.name, new_instance_type_id: args.flavor.flavorid }), publisher);
  finishEvent(tx, row.uuid, event);
}

/** Each volume's attachment swapped for a new empty one (`_terminate_volume_connections`: `attachment_create` without a connector, then `attachment_delete`). */
function swapAttachments(tx: Tx, row: ServerRow, creds: PolicyCredentials, host: string | null): void {
  const policy = policyEngineOf(tx.memo);
  for (const bdm of bdmsOf(tx.draft as CloudState, row.uuid)) {
    if (bdm.destination_type !== 'volume' || bdm.volume_id === null || bdm.attachment_id === null) continue;
    try {
      const fresh = reserveVolumeForServer(tx, policy, creds, bdm.volume_id, row.uuid);
      releaseVolumeForServer(tx, policy, creds, bdm.attachment_id);
      saveBdm(tx, bdm, { attachment_id: fresh });
      tx.trace('nova-compute', `volume ${bdm.volume_id} disconnected from ${host ?? '?'}: attachment ${bdm.attachment_id} replaced by ${fresh}`);
    } catch (e) {
      if (!(e instanceof CloudError)) throw e;
      tx.trace('nova-compute', `volume ${bdm.volume_id}: Cinder refused the attachment swap (${e.message}); attachment kept`);
    }
  }
}

/** Each volume's attachment connected on `host` and completed (`_update_volume_attachments`, `_complete_volume_attachments`). */
function connectAttachments(tx: Tx, row: ServerRow, creds: PolicyCredentials, host: string): void {
  const policy = policyEngineOf(tx.memo);
  for (const bdm of bdmsOf(tx.draft as CloudState, row.uuid)) {
    if (bdm.destination_type !== 'volume' || bdm.volume_id === null || bdm.attachment_id === null) continue;
    try {
      connectVolumeForServer(tx, policy, creds, bdm.attachment_id, { host, mountpoint: bdm.device_name });
      tx.trace('nova-compute', `volume ${bdm.volume_id} connected to ${row.uuid} on ${host} at ${bdm.device_name}`);
    } catch (e) {
      if (!(e instanceof CloudError)) throw e;
      tx.trace('nova-compute', `volume ${bdm.volume_id}: Cinder refused the connection on ${host} (${e.message})`);
    }
  }
}

/**
 * `migrate_instance_finish` (a resize's, a revert's, a live migration's post step): each port of
 * the server gets `binding:host_id` `host` and `device_owner` `compute:<zone>` (the server's zone
 * by default).
 */
export function bindPorts(tx: Tx, row: ServerRow, host: string, zone: string = row.availability_zone ?? (tx.draft as CloudState).compute.config.default_availability_zone): void {
  for (const vif of row.vifs) bindServerPort(tx, vif.port_id, { device_id: row.uuid, device_owner: `compute:${zone}`, host });
}

/**
 * The source's `resize_instance`: `begin` (migration `migrating`, task `resize_migrating`,
 * `resize.start`, the disk-down check, the guest powered off and its disks copied) and `copied`
 * (attachments swapped, migration `post-migrating`, the instance handed to the destination:
 * `host`, `node`, `old_flavor`, `resize_migrated`; the cast of `finish_resize`; `resize.end`).
 */
function runResizeInstance(tx: Tx, raw: unknown): void {
  const args = raw as MoveArgs;
  const found = moving(tx, args);
  if (found === undefined) return;
  const { row, migration, superseded } = found;
  const source = migration.source_compute;
  const dest = migration.dest_compute;
  const event = 'compute_resize_instance';
  const publisher = publisherOf(source);
  if (args.stage !== 'copied') {
    if (superseded || row.task_state !== 'resize_prep' || row.host !== source) return preempted(tx, row, migration, event, 'resize_prep', source);
    startEvent(tx, row.uuid, event, source);
    if (!hostUp(tx.draft as CloudState, source)) return rollback(tx, row, migration, event, sourceDown(source), 'ComputeServiceUnavailable');
    saveMigration(tx, migration, { status: 'migrating' });
    const next = saveServer(tx, row, { task_state: 'resize_migrating' });
    tx.emit('compute.instance.resize.start', () => instanceUsage(tx.draft as CloudState, next), publisher);
    // the libvirt driver's migrate_disk_and_power_off
    const volumeBacked = isVolumeBacked(tx.draft as CloudState, row);
    if ((args.flavor.root_gb < row.flavor.root_gb && !volumeBacked) || args.flavor.ephemeral_gb < row.flavor.ephemeral_gb) {
      rollback(tx, next, migration, event, 'Resize error: Unable to resize disk down.', 'ResizeError');
      return;
    }
    const bytes = ((volumeBacked ? 0 : row.flavor.root_gb) + row.flavor.ephemeral_gb) * GIB;
    const seconds = source === dest ? 0 : transferSeconds(tx.draft as CloudState, source, dest, bytes);
    tx.trace('nova-compute', `resize_instance ${row.uuid}: guest powered off on ${source ?? '?'}, ${bytes} bytes of disk copied to ${dest ?? '?'}${source === dest ? ' (same host)' : ` in ${seconds.toFixed(3)} s`}`);
    tx.schedule(RESIZE_INSTANCE_TASK, { ...args, stage: 'copied' } satisfies MoveArgs, seconds);
    return;
  }
  if (superseded || row.task_state !== 'resize_migrating' || row.host !== source) return preempted(tx, row, migration, event, 'resize_migrating', source);
  // the source failed during the copy: _error_out_instance_on_exception(instance_state=…) as in prep_resize
  if (!hostUp(tx.draft as CloudState, source)) return rollback(tx, row, migration, event, sourceDown(source), 'ComputeServiceUnavailable');
  swapAttachments(tx, row, args.creds, source);
  saveMigration(tx, migration, { status: 'post-migrating' });
  const next = saveServer(tx, row, { host: dest, node: migration.dest_node, old_flavor: row.flavor, task_state: 'resize_migrated', power_state: SHUTDOWN });
  tx.trace('nova-compute', `resize_instance ${row.uuid}: handed to ${dest ?? '?'}, cast finish_resize`);
  tx.schedule(FINISH_RESIZE_TASK, { ...args, stage: 'begin' } satisfies MoveArgs, RPC_SECONDS);
  tx.emit('compute.instance.resize.end', () => instanceUsage(tx.draft as CloudState, next), publisher);
  finishEvent(tx, row.uuid, event);
}

/** The destination's `finish_resize`: the new flavor (and its quota), ports and volumes on the destination, `VERIFY_RESIZE`. */
function runFinishResize(tx: Tx, raw: unknown): void {
  const args = raw as MoveArgs;
  const found = moving(tx, args);
  if (found === undefined) return;
  const { row, migration, superseded } = found;
  const dest = migration.dest_compute;
  const event = 'compute_finish_resize';
  if (superseded || row.task_state !== 'resize_migrated' || row.host !== dest || dest === null) return preempted(tx, row, migration, event, 'resize_migrated', dest);
  const publisher = publisherOf(dest);
  startEvent(tx, row.uuid, event, dest);
  if (!hostUp(tx.draft as CloudState, dest)) return finishFailed(tx, row, migration, event, dest);
  const old = row.flavor;
  const flavor = migration.old_instance_type_id !== migration.new_instance_type_id ? (row.new_flavor ?? args.flavor) : old;
  if (flavor !== old) {
    // the project's cores and RAM are now the new flavor's (nova counts instance.flavor)
    releaseInstance(tx, row.project_id, old);
    countInstances(tx, row.project_id, flavor);
  }
  bindPorts(tx, row, dest);
  const next = saveServer(tx, row, { flavor, old_flavor: old, task_state: 'resize_finish' });
  tx.emit('compute.instance.finish_resize.start', () => instanceUsage(tx.draft as CloudState, next), publisher);
  connectAttachments(tx, next, args.creds, dest);
  saveMigration(tx, migration, { status: 'finished' });
  const done = saveServer(tx, next, { vm_state: 'resized', task_state: null, power_state: row.old_vm_state === 'stopped' ? SHUTDOWN : RUNNING, launched_at: tx.now() });
  tx.trace('nova-compute', `finish_resize ${row.uuid} on ${dest}: ${flavor.name}, VERIFY_RESIZE; migration ${migration.id} finished`);
  tx.emit('compute.instance.finish_resize.end', () => instanceUsage(tx.draft as CloudState, done), publisher);
  finishEvent(tx, row.uuid, event);
}

/**
 * The source's `_confirm_resize` on a resized server and its `finished` / `confirming`
 * migration: `resize.confirm.start`, migration `confirmed`, `ACTIVE` (or `SHUTOFF` when the guest
 * is off), the migration's allocation deleted, the stashed flavors dropped, `resize.confirm.end`.
 * Also what a delete of a resized server runs first (`_confirm_resize_on_deleting`).
 */
export function confirmOnSource(tx: Tx, row: ServerRow, migration: MigrationRow): ServerRow {
  const source = migration.source_compute;
  const publisher = publisherOf(source);
  startEvent(tx, row.uuid, 'compute_confirm_resize', source);
  tx.emit('compute.instance.resize.confirm.start', () => instanceUsage(tx.draft as CloudState, row), publisher);
  saveMigration(tx, migration, { status: 'confirmed' });
  const done = saveServer(tx, row, { vm_state: row.power_state === SHUTDOWN ? 'stopped' : 'active', task_state: null, old_flavor: null, new_flavor: null, old_vm_state: null });
  dropMigrationAllocation(tx, row, migration);
  tx.trace('nova-compute', `confirm_resize ${row.uuid} on ${source ?? '?'}: the source's guest destroyed, migration ${migration.id} confirmed`);
  tx.emit('compute.instance.resize.confirm.end', () => instanceUsage(tx.draft as CloudState, done), publisher);
  finishEvent(tx, row.uuid, 'compute_confirm_resize');
  return done;
}

function runConfirmResize(tx: Tx, raw: unknown): void {
  const args = raw as MoveArgs;
  const found = moving(tx, args);
  if (found === undefined) return;
  const { row, migration } = found;
  // confirm_resize: already confirmed, or in another status, is a no-op
  if (migration.status !== 'finished' && migration.status !== 'confirming') return;
  if (row.vm_state !== 'resized') return;
  confirmOnSource(tx, row, migration);
}

/** The destination's `revert_resize`: `exists`, the guest destroyed, the attachments swapped, migration `reverted`, the cast to the source. */
function runRevertResize(tx: Tx, raw: unknown): void {
  const args = raw as MoveArgs;
  const found = moving(tx, args);
  if (found === undefined) return;
  const { row, migration, superseded } = found;
  const dest = migration.dest_compute;
  const event = 'compute_revert_resize';
  if (superseded || row.task_state !== 'resize_reverting' || row.host !== dest) return preempted(tx, row, migration, event, 'resize_reverting', dest);
  startEvent(tx, row.uuid, event, dest);
  tx.emit('compute.instance.exists', () => instanceUsage(tx.draft as CloudState, row), publisherOf(dest));
  swapAttachments(tx, row, args.creds, dest);
  saveMigration(tx, migration, { status: 'reverted' });
  tx.trace('nova-compute', `revert_resize ${row.uuid} on ${dest ?? '?'}: guest destroyed, migration ${migration.id} reverted, cast finish_revert_resize to ${migration.source_compute ?? '?'}`);
  tx.schedule(FINISH_REVERT_RESIZE_TASK, { ...args } satisfies MoveArgs, RPC_SECONDS);
  finishEvent(tx, row.uuid, event);
}

/**
 * The source's `finish_revert_resize`: the old flavor, host and node (and quota) back, the
 * migration's allocation back on the instance, ports and volumes on the source; `ACTIVE`, or
 * through `stop_instance` to `SHUTOFF` when it was stopped.
 */
function runFinishRevertResize(tx: Tx, raw: unknown): void {
  const args = raw as MoveArgs;
  const found = moving(tx, args);
  if (found === undefined) return;
  const { row, migration, superseded } = found;
  const source = migration.source_compute;
  const event = 'compute_finish_revert_resize';
  if (superseded || row.task_state !== 'resize_reverting' || source === null) return preempted(tx, row, migration, event, 'resize_reverting', source);
  const publisher = publisherOf(source);
  startEvent(tx, row.uuid, event, source);
  tx.emit('compute.instance.resize.revert.start', () => instanceUsage(tx.draft as CloudState, row), publisher);
  const flavor = row.old_flavor ?? args.flavor;
  if (flavor.flavorid !== row.flavor.flavorid) {
    releaseInstance(tx, row.project_id, row.flavor);
    countInstances(tx, row.project_id, flavor);
  }
  let current = saveServer(tx, row, { flavor, host: source, node: migration.source_node });
  revertFromMigration(tx, current, migration);
  bindPorts(tx, current, source);
  connectAttachments(tx, current, args.creds, source);
  const stopped = row.old_vm_state === 'stopped';
  const clear = { old_flavor: null, new_flavor: null, old_vm_state: null } as const;
  if (stopped) {
    current = saveServer(tx, current, { task_state: 'powering-off', launched_at: tx.now() });
    startEvent(tx, row.uuid, 'compute_stop_instance', source);
    const before = current;
    tx.emit('compute.instance.power_off.start', () => instanceUsage(tx.draft as CloudState, before), publisher);
    current = saveServer(tx, current, { vm_state: 'stopped', task_state: null, power_state: SHUTDOWN, ...clear });
    const after = current;
    tx.emit('compute.instance.power_off.end', () => instanceUsage(tx.draft as CloudState, after), publisher);
    finishEvent(tx, row.uuid, 'compute_stop_instance');
  } else {
    current = saveServer(tx, current, { vm_state: 'active', task_state: null, power_state: RUNNING, launched_at: tx.now(), ...clear });
  }
  const done = current;
  tx.trace('nova-compute', `finish_revert_resize ${row.uuid} on ${source}: back to ${flavor.name}, ${done.vm_state.toUpperCase()}`);
  tx.emit('compute.instance.resize.revert.end', () => instanceUsage(tx.draft as CloudState, done), publisher);
  finishEvent(tx, row.uuid, event);
}

/** The conductor's and nova-compute's tasks of a resize / cold migration. */
export const RESIZE_TASKS: Readonly<Record<string, TaskHandler>> = {
  [MIGRATE_SERVER_TASK]: runMigrateServer,
  [PREP_RESIZE_TASK]: runPrepResize,
  [RESIZE_INSTANCE_TASK]: runResizeInstance,
  [FINISH_RESIZE_TASK]: runFinishResize,
  [CONFIRM_RESIZE_TASK]: runConfirmResize,
  [REVERT_RESIZE_TASK]: runRevertResize,
  [FINISH_REVERT_RESIZE_TASK]: runFinishRevertResize,
};
