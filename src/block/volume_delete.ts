/**
 * Deleting a volume (`cinder/api/v3/volumes.py` `delete`, `cinder/volume/api.py` `delete`,
 * `cinder/volume/manager.py` `delete_volume`, `cinder/db/sqlalchemy/api.py` `volume_destroy`):
 * refused while attached, migrating or with snapshots unless `cascade` (the snapshots go with it,
 * `snapshot.delete.*` each); any status with `force` (`os-force_delete`); a volume never scheduled
 * is destroyed by the API itself.
 *
 * Not simulated: groups (a volume in one is refused, as Cinder does), the `unmanage` path, the
 * volume image cache.
 */
import { describeValue, getRow, deleteRow, type Tx } from '../core/index.js';
import { adjustPool, assertNotFrozen, backendOf } from './backends.js';
import { dropBlocks } from './blocks.js';
import { enforce, indexed, targetOf, type Ctx } from './context.js';
import { CinderError, invalidVolume } from './errors.js';
import { publisher } from './events.js';
import { boolText, bodyArg, typeName } from './input.js';
import { CINDER_RULES } from './policies.js';
import { releaseQuota, volumeDeltas } from './quota.js';
import { moveSnapshot, moveVolume } from './statuses.js';
import type { SnapshotRow, VolumeRow } from './types.js';
import { snapshotUsage, volumeUsage } from './views.js';
import { getVolume, snapshotsOf } from './volumes.js';


/** The task that runs the volume manager's delete. */
export const DELETE_TASK = 'block.volume.delete';

/** `AVAILABLE_MIGRATION_STATUS` (`None, 'deleting', 'error', 'success'`; `deleting` is no migration status stacksim sets): a volume may be deleted while its migration status is one of these. */
const DELETABLE_MIGRATION: readonly (VolumeRow['migration_status'])[] = [null, 'error', 'success'];
const DELETABLE: readonly VolumeRow['status'][] = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];
/** `volume_has_undeletable_snapshots_filter`: the snapshot statuses a cascade delete takes. */
const CASCADE_SNAPSHOT: readonly SnapshotRow['status'][] = ['available', 'error'];

/** The options of a delete (`{ cascade }`): an object, or a 400. */
export function deleteOptions(value: unknown): { cascade?: unknown } {
  if (value === undefined) return {};
  const o = bodyArg(value, 'options');
  return { cascade: o.cascade };
}

/**
 * `utils.get_bool_param('cascade', …)`: a boolean or a string `strutils.is_valid_boolstr` takes
 * (`1 t true on y yes` / `0 f false off n no`, any case), else 400 `InvalidParameterValue`.
 */
function cascadeArg(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  const word = typeof value === 'string' ? boolText(value.toLowerCase()) : undefined;
  if (word !== undefined) return word;
  const shown = typeof value === 'string' ? value.slice(0, 64) : describeValue(value);
  throw new CinderError(400, 'block.input.invalid_boolean', 'InvalidParameterValue', `Value '${shown}' for 'cascade' is not a boolean.`, { field: 'cascade' });
}

/**
 * `DELETE /v3/{project_id}/volumes/{id}[?cascade=true]`, or `os-force_delete` / `?force=true` with
 * `force` (`volume/api.py` `delete`): `volume:force_delete` then `volume:delete`. A volume never
 * scheduled is destroyed by the API itself (`delete.start` / `.end` from the API, quota, content).
 * Otherwise the conditional update: not `attached` (its `attach_status`), not migrating, and
 * without `force` in a deletable status; no snapshots, or with `cascade` only snapshots `available`
 * or `error` (any with `force`) of the volume's own project (unless an admin asks); the volume goes
 * `deleting` — from any status with `force`, `deleting` included — and, with `cascade`, its
 * snapshots too; then the volume manager ({@link runDelete}).
 */
export function deleteVolume(tx: Tx, ctx: Ctx, ref: unknown, options: { cascade?: unknown; force?: boolean } = {}): void {
  const volume = getVolume(ctx, ref);
  const force = options.force === true;
  if (force) enforce(ctx, CINDER_RULES.volume.forceDelete, targetOf(volume));
  enforce(ctx, CINDER_RULES.volume.delete, targetOf(volume));
  const cascade = cascadeArg(options.cascade);
  if (volume.host === null) {
    // never scheduled: the API destroys the row itself
    tx.emit('volume.delete.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
    if (volume.status !== 'error_managing' && volume.consumes_quota) releaseQuota(tx, volume.project_id, volumeDeltas(typeName(ctx.s, volume.volume_type_id), volume.size));
    destroyVolume(tx, volume);
    tx.emit('volume.delete.end', () => volumeUsage(tx.draft, volume), publisher('controller'));
    return;
  }
  assertNotFrozen(ctx, volume.host);
  const snapshots = snapshotsOf(ctx, volume.id);
  const snapshotsOk = !cascade ? snapshots.length === 0 : force ? snapshots.every((s) => s.group_snapshot_id === null) : snapshots.every((s) => CASCADE_SNAPSHOT.includes(s.status) && s.group_snapshot_id === null) && (ctx.isAdmin || snapshots.every((s) => s.project_id === volume.project_id));
  const ok = volume.attach_status !== 'attached' && DELETABLE_MIGRATION.includes(volume.migration_status) && volume.group_id === null && (force || DELETABLE.includes(volume.status)) && snapshotsOk;
  if (!ok) {
    const status = force ? '' : `status must be ${DELETABLE.join(' or ')} and `;
    throw invalidVolume(`Volume ${status}must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.`, { volume_id: volume.id, status: volume.status });
  }
  moveVolume(tx, volume, 'deleting', { terminated_at: tx.now() });
  if (cascade) for (const snap of snapshots) moveSnapshot(tx, snap, 'deleting');
  tx.trace('cinder-api', `volume ${volume.id} deleting${cascade ? ` with ${snapshots.length} snapshot(s)` : ''}`);
  tx.schedule(DELETE_TASK, { volume_id: volume.id, cascade }, 0);
}

/**
 * `db.volume_destroy` (`VOLUME_DEPENDENT_MODELS`): the row goes with its content (blocks and their
 * blobs), its transfers (found through the `volume_transfers` index) and its attachments. Mutates;
 * the pool's counters and the quota are the caller's.
 */
function destroyVolume(tx: Tx, volume: VolumeRow): number {
  const s = tx.draft;
  const blocks = dropBlocks(tx, volume.id);
  for (const id of indexed(s.block.volume_transfers, volume.id)) {
    deleteRow(s.block.transfers, id);
    deleteRow(s.block.volume_transfers, `${volume.id}/${id}`);
  }
  for (const id of indexed(s.block.volume_attachments, volume.id)) {
    deleteRow(s.block.attachments, id);
    deleteRow(s.block.volume_attachments, `${volume.id}/${id}`);
  }
  deleteRow(s.block.volumes, volume.id);
  return blocks;
}

/**
 * The volume manager's `delete_volume` (a task, `volume/manager.py`): `volume.delete.start` from
 * the backend (for a volume that counts in the quota and is not migrating: `do_quota`); still
 * attached: it stays `deleting` (`VolumeAttached`); with `cascade` each snapshot, which must be
 * `deleting` (else the volume goes `error_deleting`), is deleted as `delete_snapshot` does, with
 * `snapshot.delete.start` / `.end` (:1007-1021); then the content, the pool's space, the quota,
 * the row and `volume.delete.end`.
 */
export function runDelete(tx: Tx, args: unknown): void {
  const { volume_id, cascade } = args as { volume_id: string; cascade: boolean };
  const s = tx.draft;
  const volume = getRow(s.block.volumes, volume_id);
  if (volume === undefined || volume.status !== 'deleting') return;
  const ctx = { s };
  const backend = volume.host === null ? null : backendOf(volume.host);
  const doQuota = volume.consumes_quota && DELETABLE_MIGRATION.includes(volume.migration_status);
  if (doQuota) tx.emit('volume.delete.start', () => volumeUsage(tx.draft, volume), publisher(backend));
  if (volume.attach_status === 'attached') {
    tx.trace('cinder-volume', `volume ${volume.id} is still attached, detach it first (VolumeAttached)`);
    return;
  }
  if (cascade) {
    for (const snap of snapshotsOf(ctx, volume.id)) {
      if (snap.status !== 'deleting') {
        moveVolume(tx, volume, 'error_deleting');
        tx.trace('cinder-volume', `Snapshot ${snap.id} was found in state ${snap.status} rather than 'deleting' during cascade delete.`);
        return;
      }
      tx.emit('snapshot.delete.start', () => snapshotUsage(tx.draft, snap), publisher(backend));
      removeSnapshotRow(tx, snap);
      tx.emit('snapshot.delete.end', () => snapshotUsage(tx.draft, { ...snap, status: 'deleted' }), publisher(backend));
    }
  }
  if (doQuota) releaseQuota(tx, volume.project_id, volumeDeltas(typeName(ctx.s, volume.volume_type_id), volume.size));
  const blocks = destroyVolume(tx, volume);
  adjustPool(tx, volume.host, -volume.size, -blocks);
  tx.trace('cinder-volume', `volume ${volume.id} deleted from ${volume.host ?? 'nowhere'}`);
  if (doQuota) tx.emit('volume.delete.end', () => volumeUsage(tx.draft, volume), publisher(backend));
}

/** Drops a snapshot row with its blocks and quota (cascade delete, snapshot delete task). Mutates. */
export function removeSnapshotRow(tx: Tx, snap: SnapshotRow): void {
  const s = tx.draft;
  dropBlocks(tx, snap.id);
  const type = typeName(s, snap.volume_type_id);
  releaseQuota(tx, snap.project_id, { snapshots: 1, gigabytes: snap.volume_size, [`snapshots_${type}`]: 1, [`gigabytes_${type}`]: snap.volume_size });
  deleteRow(s.block.volume_snapshots, `${snap.volume_id}/${snap.id}`);
  deleteRow(s.block.snapshots, snap.id);
}
