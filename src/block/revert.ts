/**
 * Reverting a volume to its latest snapshot (`cinder/api/v3/volumes.py` `revert`, 3.40;
 * `cinder/volume/api.py` `revert_to_snapshot`; `cinder/volume/manager.py` `revert_to_snapshot` /
 * `_revert_to_snapshot_generic` / `_create_backup_snapshot`).
 *
 * Not simulated: a failed revert (the volume manager's `error` paths), drivers' own
 * `revert_to_snapshot` (every pool reverts by copying the snapshot's blocks back; LVM takes its
 * temporary backup snapshot as Zed's `snapshot_revert_use_temp_snapshot` does).
 */
import { describeValue, getRow, type Tx } from '../core/index.js';
import { adjustPool, backendOf } from './backends.js';
import { copyBlocks, writtenCount } from './blocks.js';
import { enforce, targetOf, visible, type Ctx } from './context.js';
import { CinderError } from './errors.js';
import { publisher } from './events.js';
import { CINDER_RULES } from './policies.js';
import { element } from './snapshot_metadata.js';
import { moveSnapshot, moveVolume } from './statuses.js';
import type { SnapshotRow } from './types.js';
import { snapshotUsage, volumeUsage } from './views.js';
import { getVolume, snapshotsOf } from './volumes.js';

/** The task that runs the volume manager's `revert_to_snapshot`. */
export const REVERT_TASK = 'block.volume.revert';


/** The volume's latest snapshot the caller may see (`snapshot_get_latest_for_volume`: newest `created_at`), or undefined. */
export function latestSnapshot(ctx: Ctx, volumeId: string): SnapshotRow | undefined {
  let best: SnapshotRow | undefined;
  for (const r of snapshotsOf(ctx, volumeId)) {
    if (!visible(ctx, r)) continue;
    if (best === undefined || r.created_at > best.created_at || (r.created_at === best.created_at && r.seq > best.seq)) best = r;
  }
  return best;
}

/**
 * `POST /v3/{project_id}/volumes/{id}/action` `{"revert": {"snapshot_id"}}` (3.40): only to the
 * volume's latest snapshot, of the same size; the volume `available` and the snapshot `available`
 * (else Cinder's 409: the controller turns `InvalidVolume` / `InvalidSnapshot` into a Conflict);
 * the volume goes `reverting` and the snapshot `restoring` until the volume manager has copied
 * the snapshot's content back.
 */
export function revertVolumeToSnapshot(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.get, targetOf(volume));
  enforce(ctx, CINDER_RULES.volume.revertToSnapshot, targetOf(volume));
  const body = element(input, 'revert');
  const snapshotId = body.snapshot_id;
  const latest = latestSnapshot(ctx, volume.id);
  if (latest === undefined) throw new CinderError(400, 'block.volume.no_snapshots', 'HTTPBadRequest', `Volume ${volume.id} doesn't have any snapshots.`, { volume_id: volume.id });
  if (snapshotId === undefined || snapshotId === null || snapshotId !== latest.id) {
    const shown = snapshotId === undefined || snapshotId === null ? 'None' : typeof snapshotId === 'string' && snapshotId.length <= 255 ? snapshotId : describeValue(snapshotId);
    throw new CinderError(400, 'block.volume.revert_not_latest', 'HTTPBadRequest', `Specified snapshot ${shown} is None or not the latest one of volume ${volume.id}.`, { field: 'snapshot_id', volume_id: volume.id, latest: latest.id });
  }
  if (volume.size !== latest.volume_size) {
    throw new CinderError(400, 'block.volume.revert_size_mismatch', 'HTTPBadRequest', `Can't revert volume ${volume.id} to its latest snapshot ${latest.id}. The volume size must be equal to the snapshot size.`, { field: 'snapshot_id', size: volume.size, snapshot_size: latest.volume_size });
  }
  if (volume.status !== 'available') {
    throw new CinderError(409, 'block.volume.invalid_status', 'InvalidVolume', `Invalid volume: Can't revert volume ${volume.id} to its latest snapshot ${latest.id}. Volume's status must be 'available'.`, { volume_id: volume.id, status: volume.status });
  }
  if (latest.status !== 'available') {
    throw new CinderError(409, 'block.snapshot.invalid_status', 'InvalidSnapshot', `Invalid snapshot: Can't revert volume ${volume.id} to its latest snapshot ${latest.id}. Snapshot's status must be 'available'.`, { snapshot_id: latest.id, status: latest.status });
  }
  moveVolume(tx, volume, 'reverting');
  moveSnapshot(tx, latest, 'restoring');
  tx.trace('cinder-api', `reverting volume ${volume.id} to snapshot ${latest.id}`);
  tx.schedule(REVERT_TASK, { volume_id: volume.id, snapshot_id: latest.id, user_id: ctx.userId, project_id: ctx.projectId }, 0);
}

/**
 * The volume manager's `revert_to_snapshot` (a task): `volume.revert.start` and
 * `snapshot.revert.start`; on LVM (`snapshot_revert_use_temp_snapshot`) a temporary backup
 * snapshot of the volume is taken first and deleted after (its `snapshot.create.*` and
 * `snapshot.delete.*` notifications; it takes no quota and is never listed, as the task is one
 * step); the volume's blocks become the snapshot's (the pool's written blocks follow); both back
 * to `available`; `volume.revert.end` and `snapshot.revert.end`.
 */
export function runRevert(tx: Tx, args: unknown): void {
  const { volume_id, snapshot_id, user_id, project_id } = args as { volume_id: string; snapshot_id: string; user_id: string; project_id: string | null };
  const s = tx.draft;
  const volume = getRow(s.block.volumes, volume_id);
  const snap = getRow(s.block.snapshots, snapshot_id);
  if (volume === undefined || snap === undefined || volume.status !== 'reverting' || snap.status !== 'restoring') return;
  const backend = volume.host === null ? null : backendOf(volume.host);
  tx.emit('volume.revert.start', () => volumeUsage(tx.draft, volume), publisher(backend));
  tx.emit('snapshot.revert.start', () => snapshotUsage(tx.draft, snap), publisher(backend));
  const pool = volume.host === null ? undefined : getRow(s.block.pools, volume.host);
  let temp: SnapshotRow | null = null;
  if (pool !== undefined && pool.driver === 'lvm') {
    const now = tx.now();
    const made: SnapshotRow = {
      id: tx.ids.uuid(),
      volume_id: volume.id,
      project_id: project_id ?? volume.project_id,
      user_id,
      name: `[revert] volume ${volume.id} backup snapshot`,
      description: 'This is only used for backup when reverting. If the reverting process failed, you can restore you data by creating new volume with this snapshot.',
      status: 'creating',
      progress: '0%',
      volume_size: volume.size,
      volume_type_id: volume.volume_type_id,
      metadata: {},
      group_snapshot_id: null,
      seq: 0,
      created_at: now,
      updated_at: now,
    };
    temp = { ...made, status: 'available', progress: '100%' };
    const taken = temp;
    tx.emit('snapshot.create.start', () => snapshotUsage(tx.draft, made), publisher(backend));
    tx.emit('snapshot.create.end', () => snapshotUsage(tx.draft, taken), publisher(backend));
    tx.trace('cinder-volume', `temporary backup snapshot ${made.id} of volume ${volume.id}`);
  }
  const before = writtenCount(s, volume.id);
  const after = copyBlocks(tx, snap.id, volume.id);
  adjustPool(tx, volume.host, 0, after - before);
  const reverted = moveVolume(tx, volume, 'available');
  const restored = moveSnapshot(tx, snap, 'available');
  tx.trace('cinder-volume', `volume ${volume.id} reverted to snapshot ${snap.id}`);
  if (temp !== null) {
    // the backup snapshot is deleted once the revert succeeded: the manager calls its own
    // `delete_snapshot` directly, so the snapshot is still `available` at `delete.start`
    const taken = temp;
    tx.emit('snapshot.delete.start', () => snapshotUsage(tx.draft, taken), publisher(backend));
    tx.emit('snapshot.delete.end', () => snapshotUsage(tx.draft, { ...taken, status: 'deleted' }), publisher(backend));
  }
  tx.emit('volume.revert.end', () => volumeUsage(tx.draft, reverted), publisher(backend));
  tx.emit('snapshot.revert.end', () => snapshotUsage(tx.draft, restored), publisher(backend));
}
