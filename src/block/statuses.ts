/**
 * The moves a volume's and a snapshot's `status` may make, read from where Cinder changes them
 * (`cinder/volume/api.py` conditional updates, `cinder/volume/manager.py`, `cinder/volume/flows/`,
 * `cinder/backup/manager.py`, `cinder/transfer/api.py`). Every status change in this module goes
 * through {@link moveVolume} / {@link moveSnapshot}, which refuse a move outside the graph as a
 * programming error (500): the model-based suite checks every observed move is an edge.
 * `os-reset_status` (an admin's repair) may set any status and is outside the graph. An attached
 * volume left in an `error_*` status returns to `in-use` when its attachment completes and to
 * `available` / `in-use` when one is deleted (`cinder/api/v3/attachments.py`,
 * `db/sqlalchemy/api.py` `volume_detached`), so those edges exist.
 *
 * A force delete (`os-force_delete`, `DELETE …?force=true`: `volume/api.py` `delete` with
 * `force=True`, whose conditional update has no `status` condition, only `attach_status` not
 * `attached`, no migration, no group) moves a volume from ANY status to `deleting` — `deleting`
 * itself included, so a stuck delete can be retried — hence every status has the edge
 * `→ deleting`. A cascade delete moves the volume's snapshots to `deleting` the same way (with
 * `force`, from any status: `volume/api.py` `delete`, the snapshots' `conditional_update` with no
 * status condition), hence every snapshot status but `deleted` has the edge `→ deleting`.
 */
import { CloudError, setRow, type Tx } from '../core/index.js';
import type { SnapshotRow, SnapshotStatus, VolumeRow, VolumeStatus } from './types.js';

/** From each volume status, the statuses Cinder may move it to. */
export const VOLUME_TRANSITIONS: Readonly<Record<VolumeStatus, readonly VolumeStatus[]>> = {
  creating: ['available', 'error', 'downloading', 'restoring-backup', 'deleting'],
  downloading: ['available', 'error', 'reserved', 'deleting'],
  available: ['deleting', 'reserved', 'extending', 'retyping', 'backing-up', 'uploading', 'awaiting-transfer', 'reverting', 'restoring-backup', 'maintenance'],
  reserved: ['attaching', 'available', 'in-use', 'reserved', 'deleting'],
  attaching: ['in-use', 'available', 'reserved', 'deleting'],
  'in-use': ['detaching', 'reserved', 'attaching', 'available', 'extending', 'retyping', 'backing-up', 'uploading', 'maintenance', 'deleting'],
  detaching: ['available', 'in-use', 'deleting'],
  extending: ['available', 'in-use', 'error_extending', 'deleting'],
  retyping: ['available', 'in-use', 'error', 'deleting'],
  'backing-up': ['available', 'in-use', 'error_backing-up', 'deleting'],
  'restoring-backup': ['available', 'error_restoring', 'deleting'],
  uploading: ['available', 'in-use', 'error', 'deleting'],
  'awaiting-transfer': ['available', 'deleting'],
  reverting: ['available', 'error', 'deleting'],
  maintenance: ['available', 'in-use', 'error', 'deleting'],
  deleting: ['error_deleting'],
  error: ['deleting', 'available', 'in-use'],
  error_deleting: ['deleting'],
  error_extending: ['deleting', 'available', 'in-use'],
  error_restoring: ['deleting', 'available', 'in-use'],
  'error_backing-up': ['deleting', 'available', 'in-use'],
  error_managing: ['deleting'],
  managing: ['available', 'error_managing', 'deleting'],
};

/** From each snapshot status, the statuses Cinder may move it to. */
export const SNAPSHOT_TRANSITIONS: Readonly<Record<SnapshotStatus, readonly SnapshotStatus[]>> = {
  creating: ['available', 'error', 'deleting'],
  available: ['deleting', 'backing-up', 'restoring', 'updating'],
  'backing-up': ['available', 'deleting'],
  restoring: ['available', 'deleting'],
  updating: ['available', 'deleting'],
  deleting: ['deleted', 'error_deleting', 'available'],
  error: ['deleting'],
  error_deleting: ['deleting'],
  deleted: [],
  unmanaging: ['deleted', 'deleting'],
};

/** Whether Cinder moves a volume from `from` to `to` (staying put is always allowed). */
export function volumeMoveAllowed(from: VolumeStatus, to: VolumeStatus): boolean {
  return from === to || VOLUME_TRANSITIONS[from].includes(to);
}

/** Sets a volume's status (and any other fields), refusing a move outside the graph. Mutates. */
export function moveVolume(tx: Tx, volume: VolumeRow, status: VolumeStatus, fields: Partial<VolumeRow> = {}): VolumeRow {
  if (!volumeMoveAllowed(volume.status, status)) throw new CloudError(500, 'block.volume.bad_transition', `Volume ${volume.id}: '${volume.status}' → '${status}' is not a move Cinder makes.`, { from: volume.status, to: status });
  const next: VolumeRow = { ...volume, ...fields, status, updated_at: tx.now() };
  setRow(tx.draft.block.volumes, volume.id, next);
  return next;
}

/** Sets a snapshot's status (and any other fields), refusing a move outside the graph. Mutates. */
export function moveSnapshot(tx: Tx, snapshot: SnapshotRow, status: SnapshotStatus, fields: Partial<SnapshotRow> = {}): SnapshotRow {
  if (snapshot.status !== status && !SNAPSHOT_TRANSITIONS[snapshot.status].includes(status)) {
    throw new CloudError(500, 'block.snapshot.bad_transition', `Snapshot ${snapshot.id}: '${snapshot.status}' → '${status}' is not a move Cinder makes.`, { from: snapshot.status, to: status });
  }
  const next: SnapshotRow = { ...snapshot, ...fields, status, updated_at: tx.now() };
  setRow(tx.draft.block.snapshots, snapshot.id, next);
  return next;
}
