/**
 * The backup service (`cinder-backup`): the backup manager's work as tasks
 * (`cinder/backup/manager.py` `create_backup`, `restore_backup`, `delete_backup`, and the
 * scheduler's choice of a service, `cinder/scheduler/manager.py` `create_backup`) and the Swift
 * chunked driver they use (`cinder/backup/chunkeddriver.py`, `cinder/backup/drivers/swift.py`):
 * the objects a backup writes into the project's Swift account (`AUTH_<project_id>`, the
 * container created if missing, as the driver's `put_container` does), reading a backup's chain
 * back and writing it into a volume, removing a backup's objects. The API (`backups.ts`) checks,
 * reserves quota, sets the statuses the call sets, and schedules {@link BACKUP_TASKS}.
 *
 * Objects are named as the chunked driver names them
 * (`volume_<volume id>/<YYYYmmddHHMMSS>/az_<az>_backup_<backup id>-00001`, …, then `…_sha256file`
 * and `…_metadata`). What is simulated differently, and why:
 * - The real driver reads the whole volume and stores every `backup_swift_object_size` chunk,
 *   zlib-compressed (a chunk of zeros shrinks to almost nothing). Here a chunk none of whose
 *   32 KiB blocks is written is not stored at all, and a stored chunk holds only its written blocks,
 *   concatenated, uncompressed (`compression: "none"`), its `blocks` entry in `_metadata` naming
 *   them: a backup costs what was written, never the volume's size — this stands in for the
 *   compression of zeros. Object numbers count the stored objects (`-00001`, `-00002`, …).
 * - An incremental backup stores, per chunk, the blocks whose SHA-256 differs from its parent's
 *   `_sha256file` (a block written since as zeros is stored as 32 KiB of zeros), in one object per
 *   chunk rather than one per extent of changed blocks.
 * - `_sha256file` is sparse: `sha256s` maps each written block's index to its SHA-256 (the blob id
 *   of the block, which is its SHA-256), absent blocks being zeros; the real one lists every block.
 * - `volume_meta` (the driver's backup of the volume's database metadata) is null.
 * - Restoring to a larger volume leaves the bytes past the backup's size as they were (the driver
 *   writes the backup's objects only); inside it, blocks the backup does not hold become zeros.
 * - The backup host is the first `cinder-backup` service that is up, enabled and in the zone
 *   (Cinder shuffles them); none fails a backup (`Service not found for creating backup.`).
 * - A backup's `size` stays what the API reserved quota for (the volume's size at the call). Zed's
 *   `_finish_backup` sets it again to the volume's size, so a backup of a snapshot whose volume was
 *   extended meanwhile would give back more `backup_gigabytes` on delete than it took.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { deleteRow, getRow, isCloudError, isoAt, readBlob, setRow, tableToArray, type CloudState, type Tx } from '../core/index.js';
import { accountName, ensureContainer, fetchObject, removeObject, storeObject } from '../object/index.js';
import { adjustPool, serviceUp } from './backends.js';
import { BLOCK_SIZE, putBlock, writtenBlocks } from './blocks.js';
import { backupDeltas, releaseQuota } from './quota.js';
import { moveSnapshot, moveVolume } from './statuses.js';
import type { BackupObject, BackupRow, ServiceRow, VolumeRow } from './types.js';
import { backupUsage, timestamp } from './views.js';

const GIB = 2 ** 30;
/** `ChunkedBackupDriver.DRIVER_VERSION`: the `version` of `_metadata` and `_sha256file`. */
export const CHUNKED_DRIVER_VERSION = '1.0.0';
/** The backup service's create (`BackupManager.create_backup` and the driver's `backup`). */
export const BACKUP_CREATE_TASK = 'block.backup.create';
/** The backup service's restore (`BackupManager.restore_backup`). */
export const BACKUP_RESTORE_TASK = 'block.backup.restore';
/** The backup service's delete (`BackupManager.delete_backup`). */
export const BACKUP_DELETE_TASK = 'block.backup.delete';

// ------------------------------------------------------------------------------ the service

/**
 * The backup service that takes work for zone `az` (`_get_available_backup_service_host`):
 * a `cinder-backup` service up and enabled in that zone (any zone when `az` is null).
 */
export function backupService(s: CloudState, az: string | null): ServiceRow | undefined {
  return tableToArray(s.block.services)
    .filter((r) => r.binary === 'cinder-backup' && !r.disabled && serviceUp(s, r) && (az === null || r.zone === az))
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))[0];
}

/** The notifier of the backup service `svc` (`backup.<host>`). */
export function notifier(svc: ServiceRow | undefined): { publisher: string } {
  return { publisher: `backup.${svc?.host ?? 'controller'}` };
}

/** Saves `fields` on a backup (and its `updated_at`); returns the row saved. Mutates. */
export function saveBackup(tx: Tx, backup: BackupRow, fields: Partial<BackupRow>): BackupRow {
  const next: BackupRow = { ...backup, ...fields, updated_at: tx.now() };
  setRow(tx.draft.block.backups, backup.id, next);
  return next;
}

/** A backup and its ancestors, the full backup first. */
function chainOf(s: CloudState, backup: BackupRow): BackupRow[] {
  const chain: BackupRow[] = [backup];
  let at = backup;
  while (at.parent_id !== null) {
    const parent = getRow(s.block.backups, at.parent_id);
    if (parent === undefined || chain.includes(parent)) break;
    chain.push(parent);
    at = parent;
  }
  return chain.reverse();
}

// ------------------------------------------------------------------------------ backup

/** The prefix `_generate_object_name_prefix` makes: `volume_<id>/<YYYYmmddHHMMSS>/az_<az>_backup_<id>`. */
function objectPrefix(tx: Tx, backup: BackupRow, az: string): string {
  const stamp = isoAt(tx.draft.meta.clock.epoch, tx.now()).replace(/[^0-9]/g, '').slice(0, 14);
  return `volume_${backup.volume_id}/${stamp}/az_${az}_backup_${backup.id}`;
}

/** `str(created_at)` of a UTC datetime, as the driver's JSON files hold it. */
function pyDatetime(s: CloudState, t: number): string {
  return timestamp(s, t).replace('T', ' ').replace(/\.\d+$/, '') + '+00:00';
}

/** What the driver stored for a backup: the object prefix, the data objects, the sparse `_sha256file`, and how many blocks went in. */
interface WrittenBackup {
  readonly prefix: string;
  readonly objects: BackupObject[];
  readonly sha256: Record<string, string>;
  readonly blocks: number;
}

/**
 * The driver's `backup` of `owner` (the volume, or the snapshot backed up) for `backup` by the
 * service `svc`, on top of `parent` for an incremental one: the data objects, `_sha256file` and
 * `_metadata` into the project's account. Swift refusing (a quota, a store that is down): `error`
 * with its message, and the objects stored so far, which stay listed so a delete removes them.
 * Mutates.
 */
function writeBackup(tx: Tx, backup: BackupRow, svc: ServiceRow, owner: string, parent: BackupRow | undefined): WrittenBackup | (WrittenBackup & { readonly error: string }) {
  const s = tx.draft;
  const account = accountName(backup.project_id);
  const prefix = objectPrefix(tx, backup, svc.zone);
  const objectSize = s.block.config.backup_swift_object_size;
  const perChunk = objectSize / BLOCK_SIZE;
  const volumeBytes = backup.size * GIB;
  const current = writtenBlocks(s, owner);
  const sha256: Record<string, string> = {};
  for (const [index, blob] of current) sha256[String(index)] = blob;

  // the blocks to store: every written one (full), or those whose SHA-256 differs from the parent's
  const changed = new Map<number, string | null>();
  if (parent === undefined) {
    for (const [index, blob] of current) changed.set(index, blob);
  } else {
    for (const [index, blob] of current) if (parent.sha256[String(index)] !== blob) changed.set(index, blob);
    for (const key of Object.keys(parent.sha256)) if (sha256[key] === undefined) changed.set(Number(key), null);
  }
  const chunks = new Map<number, number[]>();
  for (const index of [...changed.keys()].sort((a, b) => a - b)) {
    const chunk = Math.floor(index / perChunk);
    const list = chunks.get(chunk);
    if (list === undefined) chunks.set(chunk, [index]);
    else list.push(index);
  }

  const objects: BackupObject[] = [];
  try {
    ensureContainer(tx, account, backup.container);
    let n = 0;
    for (const [chunk, blocks] of chunks) {
      n += 1;
      const name = `${prefix}-${String(n).padStart(5, '0')}`;
      const data = new Uint8Array(blocks.length * BLOCK_SIZE);
      blocks.forEach((index, i) => {
        const blob = changed.get(index);
        if (typeof blob === 'string') data.set(readBlob(tx.draft.blobs, blob), i * BLOCK_SIZE); // a block now zeros: the fresh array's zeros
      });
      const offset = chunk * objectSize;
      const { etag } = storeObject(tx, account, backup.container, name, data);
      objects.push({ name, offset, length: Math.min(objectSize, volumeBytes - offset), blocks, md5: etag });
    }
    const header = { version: CHUNKED_DRIVER_VERSION, backup_id: backup.id, volume_id: backup.volume_id, backup_name: backup.name, backup_description: backup.description, created_at: pyDatetime(s, backup.created_at) };
    storeObject(tx, account, backup.container, `${prefix}_sha256file`, utf8ToBytes(JSON.stringify({ ...header, chunk_size: BLOCK_SIZE, sha256s: sha256 }, null, 2)));
    const list = objects.map((o) => ({ [o.name]: { offset: o.offset, length: o.length, compression: 'none', md5: o.md5, blocks: o.blocks } }));
    storeObject(tx, account, backup.container, `${prefix}_metadata`, utf8ToBytes(JSON.stringify({ ...header, objects: list, parent_id: backup.parent_id, volume_meta: null }, null, 2)));
  } catch (e) {
    if (!isCloudError(e)) throw e;
    return { prefix, objects, sha256, blocks: changed.size, error: e.message };
  }
  return { prefix, objects, sha256, blocks: changed.size };
}

// ------------------------------------------------------------------------------ restore

/** A backup's chain read back: block index → bytes (the full backup first, each incremental over it), or why it cannot be read (a backup gone, an object missing or unreachable). */
function readChain(s: CloudState, backup: BackupRow): { content: Map<number, Uint8Array> } | { error: string } {
  const content = new Map<number, Uint8Array>();
  const chain = chainOf(s, backup);
  if (chain[0]?.parent_id !== null) return { error: `Backup ${chain[0]?.parent_id ?? backup.id} could not be found.` };
  const account = accountName(backup.project_id);
  for (const b of chain) {
    for (const o of b.objects) {
      let data: Uint8Array;
      try {
        data = fetchObject(s, account, b.container, o.name);
      } catch (e) {
        if (!isCloudError(e)) throw e;
        return { error: e.status === 404 ? 'Invalid backup: restore_backup aborted, actual object list does not match object list stored in metadata.' : e.message };
      }
      if (data.length !== o.blocks.length * BLOCK_SIZE) return { error: `Invalid backup: object ${o.name} holds ${data.length} bytes, its metadata says ${o.blocks.length * BLOCK_SIZE}.` };
      o.blocks.forEach((index, i) => content.set(index, data.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE)));
    }
  }
  return { content };
}

/** Makes the first `limit` blocks of `volumeId` the chain's content (blocks it lacks become zeros); returns the change in written blocks. Mutates. */
function applyContent(tx: Tx, volumeId: string, limit: number, content: Map<number, Uint8Array>): number {
  let delta = 0;
  const zeros = new Uint8Array(BLOCK_SIZE);
  for (const [index] of writtenBlocks(tx.draft, volumeId)) if (index < limit && !content.has(index)) delta += putBlock(tx, volumeId, index, zeros);
  for (const [index, bytes] of content) delta += putBlock(tx, volumeId, index, bytes);
  return delta;
}

/**
 * Writes backup `backup`'s chain into volume `volumeId` (up to the backup's size); returns the
 * change in the volume's written blocks and how many blocks the chain held, or why the chain
 * cannot be read (nothing written then). The pool's counters are the caller's. Mutates.
 */
export function writeChainInto(tx: Tx, backup: BackupRow, volumeId: string): { delta: number; blocks: number } | { error: string } {
  const read = readChain(tx.draft, backup);
  if ('error' in read) return read;
  return { delta: applyContent(tx, volumeId, (backup.size * GIB) / BLOCK_SIZE, read.content), blocks: read.content.size };
}

/**
 * Why backup `backupId` cannot be restored now (gone, not `available`, an object of its chain
 * missing or unreachable), or null. The volume manager may ask before {@link restoreInto} and put
 * the volume in `error` as `_create_from_backup`'s failure does.
 */
export function backupReadProblem(s: CloudState, backupId: string): string | null {
  const backup = getRow(s.block.backups, backupId);
  if (backup === undefined) return `Backup ${backupId} could not be found.`;
  if (backup.status !== 'available' && backup.status !== 'restoring') return 'Invalid backup: Backup status must be available';
  const read = readChain(s, backup);
  return 'error' in read ? read.error : null;
}

/**
 * The backup service's restore of backup `backupId` into volume `volumeId` as the volume manager's
 * create from a backup (3.47, `_create_from_backup` then `restore_backup`) needs it: writes the
 * chain's content (the full backup first, then each incremental; blocks not in the backup are
 * zeros), emits `backup.restore.start` / `.end`, and returns the change in the volume's written
 * blocks (for a new, blank volume: the blocks written), which the caller mirrors on the pool with
 * `adjustPool`, as for `copyBlocks` and `writeBytes`. The volume's row, status and pool are the
 * caller's. A backup that cannot be read ({@link backupReadProblem}) writes nothing and returns 0.
 * Mutates.
 */
export function restoreInto(tx: Tx, backupId: string, volumeId: string): number {
  const s = tx.draft;
  const backup = getRow(s.block.backups, backupId);
  const volume = getRow(s.block.volumes, volumeId);
  if (backup === undefined || volume === undefined) return 0;
  const svc = backupService(s, backup.availability_zone);
  tx.emit('backup.restore.start', () => backupUsage(tx.draft, { ...backup, status: 'restoring' }), notifier(svc));
  const written = writeChainInto(tx, backup, volume.id);
  if ('error' in written) {
    tx.trace('cinder-backup', `restore of backup ${backup.id} into ${volume.id} failed: ${written.error}`);
    return 0;
  }
  tx.trace('cinder-backup', `backup ${backup.id} restored into volume ${volume.id} (${written.blocks} block(s))`);
  tx.emit('backup.restore.end', () => backupUsage(tx.draft, backup), notifier(svc));
  return written.delta;
}

// ------------------------------------------------------------------------------ delete

/**
 * The driver's `delete_backup`: the backup's data objects, `_sha256file` and `_metadata` out of
 * Swift (an object already gone is skipped); Swift refusing otherwise: its message, the objects
 * before it removed. Mutates.
 */
function removeBackupObjects(tx: Tx, backup: BackupRow): string | null {
  if (backup.service_metadata === '') return null;
  const account = accountName(backup.project_id);
  const names = [...backup.objects.map((o) => o.name), `${backup.service_metadata}_sha256file`, `${backup.service_metadata}_metadata`];
  for (const name of names) {
    try {
      removeObject(tx, account, backup.container, name);
    } catch (e) {
      if (!isCloudError(e)) throw e;
      if (e.status === 404) continue; // already gone (a user deleted it, or the container)
      return e.message;
    }
  }
  return null;
}

// ------------------------------------------------------------------------------ the manager's tasks

/** The backup service's create (a task): schedule, have the driver back the volume up into Swift, `available`; a failure: `error`. */
export function runBackupCreate(tx: Tx, args: unknown): void {
  const { backup_id } = args as { backup_id: string };
  const s = tx.draft;
  const backup = getRow(s.block.backups, backup_id);
  if (backup === undefined || backup.status !== 'creating') return;
  const volume = getRow(s.block.volumes, backup.volume_id);
  const snapshot = backup.snapshot_id === null ? undefined : getRow(s.block.snapshots, backup.snapshot_id);

  // the scheduler (`cinder/scheduler/manager.py` `create_backup`): a backup service in the volume's zone
  const svc = backupService(s, volume?.availability_zone ?? backup.availability_zone);
  if (svc === undefined) {
    failBackup(tx, backup, 'Service not found for creating backup.', 'backing-up');
    return;
  }
  tx.emit('backup.create.start', () => backupUsage(tx.draft, backup), notifier(svc));
  if (volume === undefined) {
    failBackup(tx, backup, `Volume ${backup.volume_id} could not be found.`);
    return;
  }
  if (snapshot !== undefined ? snapshot.status !== 'backing-up' : volume.status !== 'backing-up') {
    const [what, actual] = snapshot !== undefined ? ['snapshot', snapshot.status] : ['volume', volume.status];
    failBackup(tx, backup, `Invalid ${what}: Create backup aborted, expected ${what} status backing-up but got ${actual}.`, null);
    return;
  }
  const parent = backup.parent_id === null ? undefined : getRow(s.block.backups, backup.parent_id);
  if (backup.parent_id !== null && parent === undefined) {
    failBackup(tx, backup, `Backup ${backup.parent_id} could not be found.`);
    return;
  }
  if (parent !== undefined && backup.size > parent.size) {
    failBackup(tx, backup, 'Invalid backup: Volume size increased since the last backup. Do a full backup.');
    return;
  }

  const written = writeBackup(tx, backup, svc, snapshot?.id ?? volume.id, parent);
  if ('error' in written) {
    // what was stored stays listed, so a delete removes it
    failBackup(tx, { ...backup, service_metadata: written.prefix, objects: written.objects }, written.error);
    return;
  }

  // `_finish_backup`: the volume's status back, the backup available (its size the one reserved), the parent's count
  if (snapshot !== undefined) moveSnapshot(tx, snapshot, 'available');
  else moveVolume(tx, volume, volume.previous_status ?? 'available', { previous_status: 'backing-up' });
  const done = saveBackup(tx, backup, { status: 'available', object_count: written.objects.length, service_metadata: written.prefix, objects: written.objects, sha256: written.sha256 });
  if (parent !== undefined) saveBackup(tx, parent, { num_dependent_backups: parent.num_dependent_backups + 1 });
  tx.trace('cinder-backup', `backup ${backup.id}: ${written.objects.length} object(s), ${written.blocks} block(s) into ${accountName(backup.project_id)}/${backup.container}`);
  tx.emit('backup.create.end', () => backupUsage(tx.draft, done), notifier(svc));
}

/**
 * A backup that could not be made: `error` with the reason, the snapshot `available` again, the
 * volume back to its `previous_status` (which becomes `previousMark`: `error_backing-up` after the
 * backup service failed, `backing-up` when no service took it; null: the volume is left alone).
 */
function failBackup(tx: Tx, backup: BackupRow, reason: string, previousMark: 'error_backing-up' | 'backing-up' | null = 'error_backing-up'): void {
  const s = tx.draft;
  if (backup.snapshot_id !== null) {
    const snap = getRow(s.block.snapshots, backup.snapshot_id);
    if (snap !== undefined && snap.status === 'backing-up') moveSnapshot(tx, snap, 'available');
  } else if (previousMark !== null) {
    const volume = getRow(s.block.volumes, backup.volume_id);
    if (volume !== undefined && volume.status === 'backing-up') moveVolume(tx, volume, volume.previous_status ?? 'available', { previous_status: previousMark });
  }
  saveBackup(tx, backup, { status: 'error', fail_reason: reason });
  tx.trace('cinder-backup', `backup ${backup.id} failed: ${reason}`);
}

/** The backup service's restore (a task): the content written, the volume and the backup `available`; a failure: the volume `error_restoring`. */
export function runBackupRestore(tx: Tx, args: unknown): void {
  const { backup_id, volume_id } = args as { backup_id: string; volume_id: string };
  const s = tx.draft;
  const backup = getRow(s.block.backups, backup_id);
  const volume = getRow(s.block.volumes, volume_id);
  if (backup === undefined || backup.status !== 'restoring') return;
  const svc = backupService(s, backup.availability_zone);
  tx.emit('backup.restore.start', () => backupUsage(tx.draft, backup), notifier(svc));
  if (volume === undefined || volume.status !== 'restoring-backup') {
    saveBackup(tx, backup, { status: 'available' });
    tx.trace('cinder-backup', `restore of backup ${backup.id} aborted: volume ${volume_id} is ${volume?.status ?? 'gone'}`);
    return;
  }
  const written = writeChainInto(tx, backup, volume.id);
  if ('error' in written) {
    moveVolume(tx, volume, 'error_restoring');
    saveBackup(tx, backup, { status: 'available' });
    tx.trace('cinder-backup', `restore of backup ${backup.id} into ${volume.id} failed: ${written.error}`);
    return;
  }
  adjustPool(tx, volume.host, 0, written.delta);
  const old = volume.metadata.src_backup_id;
  const metadata = backup.volume_id !== volume.id || (old !== undefined && old !== backup.id) ? { ...volume.metadata, src_backup_id: backup.id } : volume.metadata;
  moveVolume(tx, getRow(tx.draft.block.volumes, volume.id) as VolumeRow, 'available', { metadata });
  const done = saveBackup(tx, backup, { status: 'available' });
  tx.trace('cinder-backup', `backup ${backup.id} restored into volume ${volume.id} (${written.blocks} block(s))`);
  tx.emit('backup.restore.end', () => backupUsage(tx.draft, done), notifier(svc));
}

/** The backup service's delete (a task): its objects out of Swift, the quota back, the row gone, the parent's count down. */
export function runBackupDelete(tx: Tx, args: unknown): void {
  const { backup_id } = args as { backup_id: string };
  const s = tx.draft;
  const backup = getRow(s.block.backups, backup_id);
  if (backup === undefined || backup.status !== 'deleting') return;
  const svc = backupService(s, backup.availability_zone);
  tx.emit('backup.delete.start', () => backupUsage(tx.draft, backup), notifier(svc));
  const problem = removeBackupObjects(tx, backup);
  if (problem !== null) {
    saveBackup(tx, backup, { status: 'error', fail_reason: problem });
    tx.trace('cinder-backup', `delete of backup ${backup.id} failed: ${problem}`);
    return;
  }
  releaseQuota(tx, backup.project_id, backupDeltas(backup.size));
  deleteRow(tx.draft.block.backups, backup.id);
  deleteRow(tx.draft.block.volume_backups, `${backup.volume_id}/${backup.id}`);
  if (backup.parent_id !== null) deleteRow(tx.draft.block.backup_children, `${backup.parent_id}/${backup.id}`);
  if (backup.parent_id !== null) {
    const parent = getRow(tx.draft.block.backups, backup.parent_id);
    if (parent !== undefined && parent.num_dependent_backups > 0) saveBackup(tx, parent, { num_dependent_backups: parent.num_dependent_backups - 1 });
  }
  tx.trace('cinder-backup', `backup ${backup.id} deleted`);
  tx.emit('backup.delete.end', () => backupUsage(tx.draft, { ...backup, status: 'deleted' }), notifier(svc));
}

/** The task kinds this file runs, for the descriptor's `tasks`. */
export const BACKUP_TASKS = {
  [BACKUP_CREATE_TASK]: runBackupCreate,
  [BACKUP_RESTORE_TASK]: runBackupRestore,
  [BACKUP_DELETE_TASK]: runBackupDelete,
} as const;
