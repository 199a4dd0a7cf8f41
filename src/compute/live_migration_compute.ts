/**
 * Live migration on the source's nova-compute, after the conductor (`live_migration_conductor.ts`):
 * the stages of `_do_live_migration`, and `live_migration_force_complete` /
 * `live_migration_abort` on the host.
 *
 * Followed, Zed: `nova/compute/manager.py` (`live_migration`, `_do_live_migration`,
 * `pre_live_migration`, `_post_live_migration`, `post_live_migration_at_destination`,
 * `_rollback_live_migration`, `rollback_live_migration_at_destination`,
 * `live_migration_force_complete`, `live_migration_abort`).
 *
 * nova-compute runs the migration on the source ({@link LIVE_MIGRATION_TASK}): `queued` (at most
 * `max_concurrent_live_migrations` run per source; the others wait in order), `preparing` (the
 * destination's `pre_live_migration`: a second Cinder attachment per volume, for the
 * destination), `running` (the guest's RAM — and, for a block migration, its local disks —
 * copied over the hosts' migration link: `transferSeconds`, with `memory_*` / `disk_*` counters
 * and `progress` moving), then the post steps (ports bound to the destination, the source
 * attachments deleted, `host` / `node` / `availability_zone` the destination's, the migration
 * `completed` and its allocation dropped).
 * The vm_state never changes (ACTIVE stays ACTIVE, PAUSED stays PAUSED).
 *
 * Force complete and abort are nova-compute's `live_migration_force_complete` /
 * `live_migration_abort` on the source: an abort of a `queued` migration cancels it there; of a
 * `preparing` or `running` one it is seen by the migration at its next step (libvirt's job
 * monitor), which rolls back with `cancelled`; force complete makes the copy converge at its next
 * step. Both record themselves as the instance action events `compute_live_migration_abort` /
 * `compute_live_migration_force_complete`, which the migration's steps read.
 *
 * Not simulated: post-copy and auto-converge, `live_migration_completion_timeout`, Neutron's
 * `binding-extended` (stacksim's Neutron lacks it, so nova's legacy path is followed: the ports
 * carry `binding:profile.migrating_to` from pre-live-migration until the post step or the rollback),
 * versioned notifications, the legacy ERROR notifications of `@wrap_exception`.
 */
import { CloudError, getRow, policyEngineOf, tablePrefix, type CloudState, type PolicyCredentials, type Tx } from '../core/index.js';
import { findHost } from '../hardware/index.js';
import { portRow, setServerPortProfile } from '../network/index.js';
import { connectVolumeForServer, releaseVolumeForServer, reserveVolumeForServer } from '../block/index.js';
import { actionsOf, findAction, finishEvent, recordEvent, startEvent } from './actions.js';
import { RPC_SECONDS, saveServer, serverOf } from './boot.js';
import { bdmsOf, saveBdm } from './block_device.js';
import { NovaError, invalid } from './errors.js';
import { abandonMoveAllocations, dropMigrationAllocation, FINISHED_MIGRATION_STATUSES, latestMigration, migrationById, migrationsOfServer, revertFromMigration, saveMigration, transferSeconds } from './migrations.js';
import { API_HOST, isVolumeBacked, publisherOf } from './server_actions.js';
import type { MigrationRow, MigrationStatus, ServerRow } from './types.js';
import { instanceUsage } from './views.js';
import { zoneOfHost } from './zones.js';
import { bindPorts } from './resize_tasks.js';

/** nova-compute's task on the source: `live_migration` and the steps of `_do_live_migration`. */
export const LIVE_MIGRATION_TASK = 'compute.live_migration';
/**
 * The start both migration actions share on the source's nova-compute: the instance action's
 * event and the `.start` notification; undefined when the server is gone by now.
 */
function startMigrationAction(tx: Tx, raw: unknown, event: string, notification: Parameters<Tx['emit']>[0]): { args: MigrationActionArgs; row: ServerRow; host: string } | undefined {
  const args = raw as MigrationActionArgs;
  const row = serverOf(tx, args.uuid);
  if (row === undefined) return undefined;
  const host = args.host ?? row.host ?? API_HOST;
  startEvent(tx, row.uuid, event, host);
  emitAt(tx, notification, row, host);
  return { args, row, host };
}

/** nova-compute's `live_migration_force_complete` on the source. */
export const LIVE_MIGRATION_FORCE_COMPLETE_TASK = 'compute.live_migration_force_complete';
/** nova-compute's `live_migration_abort` on the source. */
export const LIVE_MIGRATION_ABORT_TASK = 'compute.live_migration_abort';

/** How often a queued live migration looks for a free slot of the source's executor (stacksim's figure). */
export const QUEUE_POLL_SECONDS = 1;
/** At most this many progress steps per copy (libvirt's monitor polls every 0.5 s; stacksim samples). */
const COPY_STEPS = 10;

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** The bytes a live migration copies: the guest's RAM, and its local disks for a block migration. */
function copyBytes(s: CloudState, row: ServerRow, block: boolean): { readonly memory: number; readonly disk: number } {
  const f = row.flavor;
  const localGb = (isVolumeBacked(s, row) ? 0 : f.root_gb) + f.ephemeral_gb;
  return { memory: f.memory_mb * MIB, disk: block ? localGb * GIB + f.swap * MIB : 0 };
}

/** `InvalidMigrationState` (400), as nova-api and nova-compute's `live_migration_abort` word it. */
export function invalidMigrationState(text: string, uuid: string, state: string, method: string): NovaError {
  return invalid('compute.migration.invalid_state', 'InvalidMigrationState', `Migration ${text} state of instance ${uuid} is ${state}. Cannot ${method} while the migration is in this state.`, { migration_id: text, state });
}

/** The arguments of force complete and abort. */
export interface MigrationActionArgs {
  readonly uuid: string;
  readonly migration_id: number;
  readonly host: string | null;
}

/** One volume's attachments during the move: the source's (kept until the end) and the destination's. */
interface MovedAttachment {
  readonly volume_id: string;
  readonly old: string;
  readonly new: string;
  readonly mountpoint: string;
}

/** The live migration's steps on the source (plain data). */
export interface StageArgs {
  readonly uuid: string;
  readonly migration_id: number;
  readonly creds: PolicyCredentials;
  readonly stage: 'queue' | 'wait' | 'prepare' | 'run' | 'copy' | 'post';
  readonly block_migration: boolean;
  readonly source: string;
  readonly dest: string;
  readonly attachments: readonly MovedAttachment[];
  /** Seconds of the copy done, and its whole length. */
  readonly elapsed: number;
  readonly duration: number;
}

const ACTIVE_LIVE: readonly MigrationStatus[] = ['preparing', 'running'];

/** Whether the source's executor (`max_concurrent_live_migrations`) has a free worker for migration `id` (oldest queued first). */
function slotFree(s: CloudState, source: string, id: number): boolean {
  const max = s.compute.config.max_concurrent_live_migrations;
  let running = 0;
  for (const [, uuid] of tablePrefix(s.compute.host_servers, `${source}/`)) {
    const server = getRow(s.compute.servers, uuid);
    if (server === undefined || server.task_state !== 'migrating') continue;
    const m = latestMigration(s, uuid, ['queued', ...ACTIVE_LIVE], ['live-migration']);
    if (m === undefined || m.id === id || m.source_compute !== source) continue;
    if (m.status === 'queued' && m.id < id) return false; // FIFO
    if (ACTIVE_LIVE.includes(m.status)) running++;
  }
  return max === 0 || running < max;
}

/**
 * Whether a request acted on this live migration after it began: the instance action `action`
 * of a later request whose source-side event `event` succeeded (nova-compute's abort popping the
 * waiting migration, or its force complete reaching the driver).
 */
function requestedSince(s: CloudState, uuid: string, liveRequest: string, action: string, event: string): boolean {
  const live = findAction(s, uuid, liveRequest);
  if (live === undefined) return false;
  return actionsOf(s, uuid).some((a) => a.action === action && a.id > live.id && a.events.some((e) => e.event === event && e.result === 'Success'));
}

function emitAt(tx: Tx, event: Parameters<Tx['emit']>[0], row: ServerRow, host: string): void {
  tx.emit(event, (() => instanceUsage(tx.draft as CloudState, row)) as never, publisherOf(host));
}

/**
 * nova-compute's live migration on the source, step by step. Before each step: a server deleted
 * meanwhile ends the migration (`error` unless its delete already said so; both attachments of
 * each moved volume deleted, whatever the status); a move cut short by another operation (the
 * task no longer `migrating`, the server on another host, a later move such as an evacuation of
 * the failed source) ends as nova's failure paths end it ({@link preempted}); a failed source or
 * destination makes the driver fail (`_do_live_migration`: migration `error`, then
 * `_rollback_live_migration`).
 */
export function runLiveMigration(tx: Tx, raw: unknown): void {
  const args = raw as StageArgs;
  const s = tx.draft as CloudState;
  const migration = migrationById(s, args.migration_id);
  if (migration === undefined) return;
  const row = serverOf(tx, args.uuid);
  if (row === undefined) {
    // deleted meanwhile (terminate already set the migration error and deleted its allocation,
    // but released only the attachment the mapping held): the migration ends, and both of each
    // volume's attachments go
    releaseAttachments(tx, args, args.attachments.flatMap((a) => [a.old, a.new]));
    if (!FINISHED_MIGRATION_STATUSES.includes(migration.status)) saveMigration(tx, migration, { status: 'error' });
    const dead = getRow(s.compute.servers, args.uuid);
    if (dead !== undefined) dropMigrationAllocation(tx, dead, migration);
    return;
  }
  // ended already (rolled back, cancelled in the queue, completed): its ender cleaned up
  if (FINISHED_MIGRATION_STATUSES.includes(migration.status)) return;
  if (row.task_state !== 'migrating' || row.host !== args.source || migrationsOfServer(s, row.uuid).some((m) => m.id > migration.id)) return preempted(tx, row, migration, args);
  const down = [args.source, args.dest].find((h) => !hostUp(s, h));
  if (down !== undefined) {
    tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} failed: ${down} is down (Live migration failed.)`);
    const m = saveMigration(tx, migration, { status: 'error' });
    rollback(tx, row, m, args, 'error', false);
    return;
  }
  switch (args.stage) {
    case 'queue':
      return queueStage(tx, row, migration, args);
    case 'wait':
      if (migration.status !== 'queued') return;
      return startWhenFree(tx, row, migration, args);
    case 'prepare':
      return prepareStage(tx, row, migration, args);
    case 'run':
      return runStage(tx, row, migration, args);
    case 'copy':
      return copyStage(tx, row, migration, args);
    case 'post':
      return postStage(tx, row, migration, args);
  }
}

/** Whether a host's hardware is up. */
function hostUp(s: CloudState, name: string): boolean {
  return findHost(s, name)?.state === 'up';
}

/** Cinder's `attachment_delete` of each id as the user; one already gone (or its volume deleted) is skipped. */
function releaseAttachments(tx: Tx, args: StageArgs, ids: readonly string[]): void {
  const policy = policyEngineOf(tx.memo);
  for (const id of ids) {
    try {
      releaseVolumeForServer(tx, policy, args.creds, id);
    } catch (e) {
      if (!(e instanceof CloudError)) throw e;
    }
  }
}

/**
 * A live migration cut short by another operation (an evacuation of the failed source accepts
 * any task_state): it ends as nova's failure paths end it — the migration `error`
 * (`_set_migration_status`), the migration's consumer deleted and the instance's claim on the
 * destination removed unless the server is there ({@link abandonMoveAllocations}), the
 * destination's attachments deleted and the source's restored in the mappings (an attachment a
 * later operation already replaced in the mapping is deleted instead), `migrating_to` cleared
 * from the ports.
 */
function preempted(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  abandonMoveAllocations(tx, row, migration, args.dest);
  const stale: string[] = [];
  for (const a of args.attachments) {
    const bdm = bdmsOf(tx.draft as CloudState, row.uuid).find((b) => b.volume_id === a.volume_id);
    const held = bdm?.attachment_id ?? null;
    if (bdm !== undefined && held === a.new) {
      saveBdm(tx, bdm, { attachment_id: a.old });
      stale.push(a.new);
    } else for (const id of [a.old, a.new]) if (id !== held) stale.push(id);
  }
  releaseAttachments(tx, args, stale);
  setMigratingTo(tx, row, null);
  saveMigration(tx, migration, { status: 'error' });
  tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} cut short (task_state ${row.task_state ?? 'None'}, host ${row.host ?? 'None'}): migration error, ${stale.length} attachment(s) deleted`);
}

/** `live_migration`: `queued`, handed to the source's executor. */
function queueStage(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (migration.status !== 'accepted') return;
  const m = saveMigration(tx, migration, { status: 'queued' });
  recordEvent(tx, row.uuid, 'compute_live_migration', args.source);
  tx.trace('nova-compute', `live migration ${m.id} of ${row.uuid} queued on ${args.source}`);
  startWhenFree(tx, row, m, args);
}

function startWhenFree(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (slotFree(tx.draft as CloudState, args.source, migration.id)) tx.schedule(LIVE_MIGRATION_TASK, { ...args, stage: 'prepare' } satisfies StageArgs, 0);
  else tx.schedule(LIVE_MIGRATION_TASK, { ...args, stage: 'wait' } satisfies StageArgs, QUEUE_POLL_SECONDS);
}

/**
 * nova's legacy port path (`setup_networks_on_host`, no `binding-extended`): each port of the
 * server gets `binding:profile.migrating_to = <dest>` at pre-live-migration; the post step and
 * the rollback take it away again. A port already without it is not written.
 */
function setMigratingTo(tx: Tx, row: ServerRow, dest: string | null): void {
  for (const vif of row.vifs) {
    const port = portRow(tx.draft as CloudState, vif.port_id);
    if (port === undefined) continue;
    const { migrating_to: had, ...rest } = port.binding_profile as Record<string, unknown>;
    if (dest === null && had === undefined) continue;
    setServerPortProfile(tx, vif.port_id, dest === null ? rest : { ...rest, migrating_to: dest });
  }
}

/** `_do_live_migration`: `preparing`, then the destination's `pre_live_migration`. */
function prepareStage(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (migration.status !== 'queued') return;
  let m = saveMigration(tx, migration, { status: 'preparing' });
  const policy = policyEngineOf(tx.memo);
  startEvent(tx, row.uuid, 'compute_pre_live_migration', args.dest);
  emitAt(tx, 'compute.instance.live_migration.pre.start', row, args.dest);
  const attachments: MovedAttachment[] = [];
  try {
    for (const bdm of bdmsOf(tx.draft as CloudState, row.uuid)) {
      if (bdm.volume_id === null || bdm.attachment_id === null) continue;
      // nova: attachment_create(volume, instance, connector=dest) — stacksim's Cinder client has no
      // create-with-connector, and Cinder's attachment_update refuses a second connection of a
      // volume that is not multiattach, so the destination's attachment is reserved here and
      // connected in the post step, once the source's is gone (the same end state)
      const id = reserveVolumeForServer(tx, policy, args.creds, bdm.volume_id, row.uuid);
      attachments.push({ volume_id: bdm.volume_id, old: bdm.attachment_id, new: id, mountpoint: bdm.device_name });
      saveBdm(tx, bdm, { attachment_id: id });
    }
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    // _cleanup_pre_live_migration: migration error, rollback (pre_live_migration=True)
    finishEvent(tx, row.uuid, 'compute_pre_live_migration', { message: e.message, details: `${e.code}: ${e.message}` });
    m = saveMigration(tx, m, { status: 'error' });
    rollback(tx, row, m, { ...args, attachments }, 'error', true);
    return;
  }
  setMigratingTo(tx, row, args.dest);
  tx.trace('nova-compute', `pre_live_migration of ${row.uuid} on ${args.dest}: ${attachments.length} volume attachment(s) for ${args.dest}; networks set up on ${args.dest}`);
  emitAt(tx, 'compute.instance.live_migration.pre.end', row, args.dest);
  finishEvent(tx, row.uuid, 'compute_pre_live_migration');
  tx.schedule(LIVE_MIGRATION_TASK, { ...args, attachments, stage: 'run' } satisfies StageArgs, RPC_SECONDS);
}

/** After `pre_live_migration`: an abort meanwhile rolls back (`cancelled`); else `running` and the driver's copy. */
function runStage(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (migration.status !== 'preparing') return;
  const s = tx.draft as CloudState;
  if (requestedSince(s, row.uuid, tx.requestId, 'live_migration_cancel', 'compute_live_migration_abort')) {
    tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} was aborted while preparing: rollback`);
    rollback(tx, row, migration, args, 'cancelled', false);
    emitAt(tx, 'compute.instance.live.migration.abort.end', row, args.source);
    return;
  }
  const bytes = copyBytes(s, row, args.block_migration);
  const duration = transferSeconds(s, args.source, args.dest, bytes.memory + bytes.disk);
  saveMigration(tx, migration, { status: 'running', memory_total: bytes.memory, memory_processed: 0, memory_remaining: bytes.memory, disk_total: bytes.disk, disk_processed: 0, disk_remaining: bytes.disk });
  tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} running: ${bytes.memory} bytes of RAM${bytes.disk > 0 ? ` and ${bytes.disk} bytes of disk` : ''} from ${args.source} to ${args.dest} (${duration.toFixed(2)} s)`);
  const next: StageArgs = { ...args, stage: 'copy', elapsed: 0, duration };
  tx.schedule(LIVE_MIGRATION_TASK, next, stepOf(next));
}

function stepOf(args: StageArgs): number {
  const left = args.duration - args.elapsed;
  return Math.max(0, Math.min(left, Math.max(1, args.duration / COPY_STEPS)));
}

/** One step of the copy: an abort rolls back, a force complete converges at once; the counters move. */
function copyStage(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (migration.status !== 'running') return;
  const s = tx.draft as CloudState;
  if (requestedSince(s, row.uuid, tx.requestId, 'live_migration_cancel', 'compute_live_migration_abort')) {
    tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} aborted by libvirt's abortJob: rollback`);
    rollback(tx, row, migration, args, 'cancelled', false);
    return;
  }
  const forced = requestedSince(s, row.uuid, tx.requestId, 'live_migration_force_complete', 'compute_live_migration_force_complete');
  const elapsed = forced ? args.duration : Math.min(args.duration, args.elapsed + stepOf(args));
  const done = args.duration <= 0 ? 1 : elapsed / args.duration;
  const mem = migration.memory_total ?? 0;
  const disk = migration.disk_total ?? 0;
  const memDone = Math.round(mem * done);
  const diskDone = Math.round(disk * done);
  saveMigration(tx, migration, { memory_processed: memDone, memory_remaining: mem - memDone, disk_processed: diskDone, disk_remaining: disk - diskDone });
  const remaining = mem + disk === 0 ? 0 : (mem - memDone + disk - diskDone) / (mem + disk);
  saveServer(tx, row, { progress: Math.floor(100 - remaining * 100) });
  if (done >= 1) {
    if (forced) tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} forced to complete: the guest paused to converge`);
    tx.schedule(LIVE_MIGRATION_TASK, { ...args, stage: 'post', elapsed } satisfies StageArgs, 0);
    return;
  }
  const next: StageArgs = { ...args, elapsed };
  tx.schedule(LIVE_MIGRATION_TASK, next, stepOf(next));
}

/** `_post_live_migration` (source) with `post_live_migration_at_destination` (dest): the server is the destination's. */
function postStage(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (migration.status !== 'running') return;
  const policy = policyEngineOf(tx.memo);
  emitAt(tx, 'compute.instance.live_migration._post.start', row, args.source);
  // the source's volume connections and attachments go
  for (const a of args.attachments) releaseVolumeForServer(tx, policy, args.creds, a.old);
  // the destination's attachments connected (see prepareStage)
  for (const a of args.attachments) connectVolumeForServer(tx, policy, args.creds, a.new, { host: args.dest, mountpoint: a.mountpoint });
  // post_live_migration_at_destination
  startEvent(tx, row.uuid, 'compute_post_live_migration_at_destination', args.dest);
  const zone = zoneOfHost(tx.draft as CloudState, args.dest);
  bindPorts(tx, row, args.dest, zone);
  setMigratingTo(tx, row, null);
  emitAt(tx, 'compute.instance.live_migration.post.dest.start', row, args.dest);
  const moved = saveServer(tx, row, { host: args.dest, node: args.dest, availability_zone: zone, task_state: null, progress: 0 });
  emitAt(tx, 'compute.instance.live_migration.post.dest.end', moved, args.dest);
  finishEvent(tx, row.uuid, 'compute_post_live_migration_at_destination');
  emitAt(tx, 'compute.instance.live_migration._post.end', moved, args.source);
  const done = saveMigration(tx, migration, { status: 'completed', memory_processed: migration.memory_total, memory_remaining: 0, disk_processed: migration.disk_total, disk_remaining: 0 });
  dropMigrationAllocation(tx, moved, done);
  tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} completed: on ${args.dest} (${zone}), ${row.vifs.length} port(s) bound there, ${args.attachments.length} source attachment(s) deleted`);
}

/**
 * `_rollback_live_migration`: the allocation back to the instance on the source, the
 * destination's attachments deleted (the source's restored in the mappings), the destination
 * cleaned (`rollback_live_migration_at_destination`, for a block migration), the task cleared,
 * the migration `failed` / `cancelled` / `error`.
 */
function rollback(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs, status: MigrationStatus, preLive: boolean): void {
  revertFromMigration(tx, row, migration);
  for (const a of args.attachments) {
    releaseAttachments(tx, args, [a.new]);
    const bdm = bdmsOf(tx.draft as CloudState, row.uuid).find((b) => b.volume_id === a.volume_id);
    if (bdm !== undefined) saveBdm(tx, bdm, { attachment_id: a.old });
  }
  emitAt(tx, 'compute.instance.live_migration._rollback.start', row, args.source);
  setMigratingTo(tx, row, null);
  if (args.block_migration || preLive) {
    recordEvent(tx, row.uuid, 'compute_rollback_live_migration_at_destination', args.dest);
    emitAt(tx, 'compute.instance.live_migration.rollback.dest.start', row, args.dest);
    emitAt(tx, 'compute.instance.live_migration.rollback.dest.end', row, args.dest);
  }
  const next = saveServer(tx, row, { task_state: null, progress: 0 });
  emitAt(tx, 'compute.instance.live_migration._rollback.end', next, args.source);
  const current = migrationById(tx.draft as CloudState, migration.id) as MigrationRow;
  if (current.status !== status) saveMigration(tx, current, { status });
  tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} rolled back (${status}): back on ${args.source}`);
}

/** nova-compute's `live_migration_force_complete` (event `compute_live_migration_force_complete`, `live.migration.force.complete.*`). */
export function runForceComplete(tx: Tx, raw: unknown): void {
  const started = startMigrationAction(tx, raw, 'compute_live_migration_force_complete', 'compute.instance.live.migration.force.complete.start');
  if (started === undefined) return;
  const { row, host } = started;
  tx.trace('nova-compute', `live_migration_force_complete of ${row.uuid} on ${host}: the guest is paused so the copy converges`);
  emitAt(tx, 'compute.instance.live.migration.force.complete.end', row, host);
  finishEvent(tx, row.uuid, 'compute_live_migration_force_complete');
}

/** nova-compute's `live_migration_abort` (event `compute_live_migration_abort`, `live.migration.abort.*`). */
export function runAbort(tx: Tx, raw: unknown): void {
  const started = startMigrationAction(tx, raw, 'compute_live_migration_abort', 'compute.instance.live.migration.abort.start');
  if (started === undefined) return;
  const { args, row, host } = started;
  const migration = migrationById(tx.draft as CloudState, args.migration_id);
  const status = migration?.status ?? 'error';
  if (migration !== undefined && status === 'queued') {
    // the future is cancelled: nothing ran on the destination
    revertFromMigration(tx, row, migration);
    saveServer(tx, row, { task_state: null });
    saveMigration(tx, migrationById(tx.draft as CloudState, migration.id) as MigrationRow, { status: 'cancelled' });
    tx.trace('nova-compute', `queued live migration ${migration.id} of ${row.uuid} cancelled`);
  } else if (status === 'preparing' || status === 'running') {
    tx.trace('nova-compute', `live migration ${args.migration_id} of ${row.uuid} (${status}): abort requested`);
  } else {
    const e = invalidMigrationState(String(args.migration_id), row.uuid, status, 'abort live migration');
    saveServer(tx, getRow((tx.draft as CloudState).compute.servers, row.uuid) as ServerRow, { fault: { code: 400, message: e.message, details: `nova.exception.InvalidMigrationState: ${e.message}`, created: tx.now() } });
    finishEvent(tx, row.uuid, 'compute_live_migration_abort', { message: e.message, details: `nova.exception.InvalidMigrationState: ${e.message}` });
    return;
  }
  emitAt(tx, 'compute.instance.live.migration.abort.end', getRow((tx.draft as CloudState).compute.servers, row.uuid) as ServerRow, host);
  finishEvent(tx, row.uuid, 'compute_live_migration_abort');
}
