/**
 * Volume backups into Swift (src/block/backups.ts, backup_driver.ts, backup_views.ts): create (full, incremental, from a snapshot,
 * in-use with force), the objects the chunked driver writes, restore to a new or an existing
 * volume byte for byte, delete with dependents, views, lists, updates, quotas, notifications,
 * isolation between projects, the reader role, list paging (marker, offset), the size a backup keeps, and bad input leaving the state unchanged.
 * Until `session.block` has backup methods, the functions run through tests/block/support.ts.
 */
import { describe, expect, it } from 'vitest';
import { CloudError, getRow, retainBlob, setRow, tablePrefix, tableToArray } from '../../src/core/index.js';
import type { Notification, Session } from '../../src/index.js';
import { blockRead, blockWorld, blockWrite, type BlockWorld } from './support.js';
import * as backups from '../../src/block/backups.js';
import * as driver from '../../src/block/backup_driver.js';
import { BLOCK_SIZE } from '../../src/block/blocks.js';
import type { BackupRow, SnapshotRow, VolumeRow } from '../../src/block/types.js';

const GIB = 2 ** 30;

/** A DevStack world with the backup task kinds defined (until service.ts registers them). */
function world(seed = 1, options: Record<string, unknown> = {}): BlockWorld {
  const w = blockWorld(seed, options);
  for (const [kind, fn] of Object.entries(driver.BACKUP_TASKS)) if (!w.cloud.kernel.hasTask(kind)) w.cloud.kernel.defineTask(kind, fn);
  return w;
}

/** The backup calls of a session, as `session.block` will have them. */
function api(session: Session) {
  return {
    create: (body: unknown) => blockWrite(session, 'create_backup', (tx, ctx) => backups.createBackup(tx, ctx, body)),
    get: (ref: unknown) => backups.showBackup(blockRead(session), ref),
    list: (query: unknown = {}) => {
      const ctx = blockRead(session);
      return backups.listBackupRows(ctx, query).map((b) => backups.backupView(ctx, b));
    },
    summaries: (query: unknown = {}) => backups.listBackupRows(blockRead(session), query).map(backups.backupSummary),
    update: (ref: unknown, body: unknown) => blockWrite(session, 'update_backup', (tx, ctx) => backups.updateBackup(tx, ctx, ref, body)),
    remove: (ref: unknown) => blockWrite(session, 'delete_backup', (tx, ctx) => backups.deleteBackup(tx, ctx, ref)),
    restore: (ref: unknown, body?: unknown) => blockWrite(session, 'restore_backup', (tx, ctx) => backups.restoreBackup(tx, ctx, ref, body)),
  };
}

const projectOf = (s: Session): string => blockRead(s).projectId as string;
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + 1) % 251 || 1);
const row = (w: BlockWorld, id: string): BackupRow => getRow(w.cloud.state.block.backups, id) as BackupRow;
const vol = (w: BlockWorld, id: string): VolumeRow => getRow(w.cloud.state.block.volumes, id) as VolumeRow;
/** The written blocks of a volume or snapshot: [index, blob id] (the blob id is the SHA-256 of the block's bytes). */
function blocksOf(w: BlockWorld, owner: string): [number, string][] {
  return tablePrefix(w.cloud.state.block.blocks, `${owner}/`).map(([key, blob]) => [parseInt(key.slice(owner.length + 1), 36), blob]);
}

/** Expects a CloudError of `status` naming `field` (when given), and the state unchanged. */
function refused(w: BlockWorld, fn: () => unknown, status: number, field?: string | RegExp): CloudError {
  const before = w.cloud.state;
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CloudError);
  const e = caught as CloudError;
  expect(e.status, e.message).toBe(status);
  if (field !== undefined) {
    const named = `${String(e.details.field ?? '')} ${e.message}`;
    if (typeof field === 'string') expect(named).toContain(field);
    else expect(named).toMatch(field);
  }
  expect(w.cloud.state).toBe(before);
  return e;
}

/** A volume of `size` GiB, `available`, with `data` written at each offset. */
function volumeWith(s: Session, size: number, writes: [number, Uint8Array][] = []): string {
  const v = s.block.createVolume({ size });
  for (const [at, data] of writes) s.block.writeVolumeData(v.id, at, data);
  return v.id;
}

describe('backup create (full)', () => {
  it('backs a volume up into the project account: volume backing-up and back, backup creating then available', () => {
    const w = world();
    const events: Notification[] = [];
    w.cloud.events.on('*' as never, (n: Notification) => events.push(n));
    const id = volumeWith(w.demo, 1, [[0, bytes(100, 1)], [5 * BLOCK_SIZE + 3, bytes(40_000, 2)]]);
    const summary = api(w.demo).create({ volume_id: id, name: ' nightly ', description: 'first' });
    expect(Object.keys(summary)).toEqual(['id', 'name', 'links']);
    expect(summary.name).toBe('nightly'); // stripped, as validate_name_and_description does
    const b = api(w.demo).get(summary.id);
    expect(b).toMatchObject({ status: 'available', size: 1, container: 'volumebackups', volume_id: id, is_incremental: false, has_dependent_backups: false, snapshot_id: null, description: 'first', fail_reason: null, metadata: {} });
    expect(b.object_count).toBe(1);
    expect(b.data_timestamp).toBe(b.created_at);
    expect(vol(w, id)).toMatchObject({ status: 'available', previous_status: 'backing-up' });
    expect(events.map((e) => e.event_type).filter((t) => t.startsWith('backup.'))).toEqual(['backup.create.start', 'backup.create.end']);
    const end = events.find((e) => e.event_type === 'backup.create.end') as Notification;
    expect(end.publisher_id).toBe('backup.controller');
    expect((end.payload as { status: string }).status).toBe('available');

    // the objects, as the chunked driver names them
    const listing = w.demo.object.getContainer('volumebackups');
    const names = listing.objects.map((o) => ('name' in o ? o.name : ''));
    const r = row(w, summary.id);
    expect(r.service_metadata).toMatch(new RegExp(`^volume_${id}/\\d{14}/az_nova_backup_${summary.id}$`));
    expect(names.sort()).toEqual([`${r.service_metadata}-00001`, `${r.service_metadata}_metadata`, `${r.service_metadata}_sha256file`].sort());
    // blocks 0, 5, 6 are written (40 000 bytes from 5·32768+3 end in block 6)
    expect(r.objects).toEqual([expect.objectContaining({ name: `${r.service_metadata}-00001`, offset: 0, length: 52_428_800, blocks: [0, 5, 6] })]);
    const data = w.demo.object.getObject('volumebackups', `${r.service_metadata}-00001`);
    expect(data.data.length).toBe(3 * BLOCK_SIZE);
    expect(data.data.subarray(0, 100)).toEqual(bytes(100, 1));
    const meta = JSON.parse(new TextDecoder().decode(w.demo.object.getObject('volumebackups', `${r.service_metadata}_metadata`).data)) as Record<string, unknown>;
    expect(meta).toMatchObject({ version: '1.0.0', backup_id: summary.id, volume_id: id, backup_name: 'nightly', parent_id: null, volume_meta: null });
    expect((meta.objects as Record<string, { offset: number; compression: string; md5: string }>[])[0]![`${r.service_metadata}-00001`]).toMatchObject({ offset: 0, compression: 'none', md5: data.etag ?? expect.any(String) });
    const sha = JSON.parse(new TextDecoder().decode(w.demo.object.getObject('volumebackups', `${r.service_metadata}_sha256file`).data)) as { chunk_size: number; sha256s: Record<string, string> };
    expect(sha.chunk_size).toBe(32_768);
    expect(Object.keys(sha.sha256s)).toEqual(['0', '5', '6']);
  });

  it('uses the container given, creating it', () => {
    const w = world();
    const id = volumeWith(w.demo, 1, [[0, bytes(10, 3)]]);
    const b = api(w.demo).create({ volume_id: id, container: 'mine' });
    expect(api(w.demo).get(b.id).container).toBe('mine');
    expect(w.demo.object.getContainer('mine').objects.length).toBe(3);
  });

  it('an empty volume has no data objects, only _metadata and _sha256file', () => {
    const w = world();
    const id = volumeWith(w.demo, 2);
    const b = api(w.demo).create({ volume_id: id });
    expect(api(w.demo).get(b.id)).toMatchObject({ status: 'available', object_count: 0 });
    expect(w.demo.object.getContainer('volumebackups').objects.length).toBe(2);
  });

  it('an in-use volume needs force, and goes back to in-use', () => {
    const w = world();
    const id = volumeWith(w.demo, 1, [[0, bytes(10, 4)]]);
    blockWrite(w.admin, 'attach', (tx) => setRow(tx.draft.block.volumes, id, { ...(getRow(tx.draft.block.volumes, id) as VolumeRow), status: 'in-use', attach_status: 'attached' }));
    const e = refused(w, () => api(w.demo).create({ volume_id: id }), 400);
    expect(e.message).toContain('Backing up an in-use volume must use the force flag.');
    const b = api(w.demo).create({ volume_id: id, force: 'True' });
    expect(api(w.demo).get(b.id).status).toBe('available');
    expect(vol(w, id)).toMatchObject({ status: 'in-use', previous_status: 'backing-up' });
  });

  it('backs up a snapshot: the snapshot backing-up and back, data_timestamp the snapshot time, the snapshot content', () => {
    const w = world();
    const id = volumeWith(w.demo, 1, [[0, bytes(500, 5)]]);
    w.cloud.clock.advance(10);
    const snapId = blockWrite(w.demo, 'snap', (tx, ctx) => {
      const v = getRow(tx.draft.block.volumes, id) as VolumeRow;
      const snap: SnapshotRow = { id: tx.ids.uuid(), volume_id: id, project_id: v.project_id, user_id: ctx.userId, name: 's', description: null, status: 'available', progress: '100%', volume_size: 1, volume_type_id: v.volume_type_id, metadata: {}, group_snapshot_id: null, seq: 1, created_at: tx.now(), updated_at: tx.now() };
      setRow(tx.draft.block.snapshots, snap.id, snap);
      setRow(tx.draft.block.volume_snapshots, `${id}/${snap.id}`, snap.id);
      for (const [k, blob] of tablePrefix(tx.draft.block.blocks, `${id}/`)) retainBlob(tx.draft.blobs, blob), setRow(tx.draft.block.blocks, `${snap.id}/${k.slice(id.length + 1)}`, blob);
      return snap.id;
    });
    w.cloud.clock.advance(10);
    w.demo.block.writeVolumeData(id, 0, bytes(500, 6)); // after the snapshot
    const snapTime = (getRow(w.cloud.state.block.snapshots, snapId) as SnapshotRow).created_at;
    const b = api(w.demo).create({ volume_id: id, snapshot_id: snapId });
    expect(row(w, b.id).fail_reason).toBeNull();
    expect(row(w, b.id)).toMatchObject({ status: 'available', snapshot_id: snapId, data_timestamp: snapTime });
    expect((getRow(w.cloud.state.block.snapshots, snapId) as SnapshotRow).status).toBe('available');
    expect(vol(w, id).status).toBe('available');
    const r = api(w.demo).restore(b.id);
    expect(w.demo.block.readVolumeData(r.volume_id, 0, 500)).toEqual(bytes(500, 5));
    // a snapshot of another volume
    const other = volumeWith(w.demo, 1);
    refused(w, () => api(w.demo).create({ volume_id: other, snapshot_id: snapId }), 400, 'does not match with snapshot.volume_id');
  });
});

describe('backup size', () => {
  it('a backup of a snapshot keeps the size reserved at the call, though the volume grew before the backup service ran: delete gives back what was taken', () => {
    const w = world(7, { progression: 'clock' });
    const project = projectOf(w.demo);
    const v = w.demo.block.createVolume({ size: 1 });
    w.cloud.clock.advance(1);
    w.demo.block.writeVolumeData(v.id, 0, bytes(500, 3));
    const snap = w.demo.block.createSnapshot({ volume_id: v.id, name: 's' });
    w.cloud.clock.advance(5);
    expect((getRow(w.cloud.state.block.snapshots, snap.id) as SnapshotRow).status).toBe('available');
    const b = api(w.demo).create({ volume_id: v.id, snapshot_id: snap.id });
    expect(row(w, b.id).status).toBe('creating');
    w.demo.block.extendVolume(v.id, { new_size: 3 });
    expect(vol(w, v.id).size).toBe(3);
    w.cloud.clock.advance(5);
    expect(row(w, b.id)).toMatchObject({ status: 'available', size: 1 });
    expect(w.cloud.quotas.show(project, 'volume')).toMatchObject({ backups: { in_use: 1 }, backup_gigabytes: { in_use: 1 } });
    api(w.demo).remove(b.id);
    w.cloud.clock.advance(5);
    expect(getRow(w.cloud.state.block.backups, b.id)).toBeUndefined();
    expect(w.cloud.quotas.show(project, 'volume')).toMatchObject({ backups: { in_use: 0 }, backup_gigabytes: { in_use: 0 } });
  });
});

describe('restore', () => {
  it('restores to a new volume byte for byte: restore_backup_<id>, restoring-backup then available, src_backup_id', () => {
    const w = world();
    const events: string[] = [];
    w.cloud.events.on('*' as never, (n: Notification) => events.push(n.event_type));
    const id = volumeWith(w.demo, 1, [[7, bytes(70_000, 7)], [GIB - 100, bytes(100, 8)]]);
    const b = api(w.demo).create({ volume_id: id });
    events.length = 0;
    const r = api(w.demo).restore(b.id);
    expect(r.volume_id).not.toBe(id);
    expect(r.volume_name).toBe(`restore_backup_${b.id}`);
    expect(r.backup_id).toBe(b.id);
    const v = w.demo.block.getVolume(r.volume_id);
    expect(v).toMatchObject({ status: 'available', size: 1, description: 'auto-created_from_restore_from_backup', metadata: { src_backup_id: b.id } });
    expect(blocksOf(w, r.volume_id)).toEqual(blocksOf(w, id));
    expect(w.demo.block.readVolumeData(r.volume_id, GIB - 100, 100)).toEqual(bytes(100, 8));
    expect(api(w.demo).get(b.id).status).toBe('available');
    expect(events).toEqual(expect.arrayContaining(['volume.create.start', 'volume.create.end', 'backup.restore.start', 'backup.restore.end']));
    // the pool counts the blocks written
    const pool = tableToArray(w.cloud.state.block.pools)[0]!;
    expect(pool.written_blocks).toBe(blocksOf(w, id).length * 2);
  });

  it('restores over an existing available volume: blocks the backup lacks become zeros, past its size untouched', () => {
    const w = world();
    const src = volumeWith(w.demo, 1, [[0, bytes(BLOCK_SIZE, 9)]]);
    const b = api(w.demo).create({ volume_id: src });
    const dst = volumeWith(w.demo, 2, [[3 * BLOCK_SIZE, bytes(10, 10)], [GIB + 5, bytes(10, 11)]]);
    const r = api(w.demo).restore(b.id, { volume_id: dst, name: 'ignored' });
    expect(r).toEqual({ backup_id: b.id, volume_id: dst, volume_name: null });
    expect(w.demo.block.readVolumeData(dst, 0, BLOCK_SIZE)).toEqual(bytes(BLOCK_SIZE, 9));
    expect(w.demo.block.readVolumeData(dst, 3 * BLOCK_SIZE, 10)).toEqual(new Uint8Array(10));
    expect(w.demo.block.readVolumeData(dst, GIB + 5, 10)).toEqual(bytes(10, 11));
    expect(vol(w, dst)).toMatchObject({ status: 'available', metadata: { src_backup_id: b.id } });
    const pool = tableToArray(w.cloud.state.block.pools)[0]!;
    expect(pool.written_blocks).toBe(1 + 2);
  });

  it('refuses a volume too small, not available, or a backup not available', () => {
    const w = world(2, { progression: 'clock' });
    const big = w.demo.block.createVolume({ size: 2 });
    w.cloud.run();
    w.demo.block.writeVolumeData(big.id, 0, bytes(10, 1));
    const b = api(w.demo).create({ volume_id: big.id });
    expect(api(w.demo).get(b.id).status).toBe('creating');
    refused(w, () => api(w.demo).restore(b.id), 400, 'Backup status must be available');
    refused(w, () => api(w.demo).remove(b.id), 400, 'Backup status must be available or error');
    refused(w, () => api(w.demo).create({ volume_id: big.id }), 400, 'must be available or in-use, but the current status is "backing-up"');
    w.cloud.run();
    expect(api(w.demo).get(b.id).status).toBe('available');
    const small = w.demo.block.createVolume({ size: 1 });
    refused(w, () => api(w.demo).restore(b.id, { volume_id: small.id }), 400, 'Volume to be restored to must be available');
    w.cloud.run();
    refused(w, () => api(w.demo).restore(b.id, { volume_id: small.id }), 400, 'volume size 1 is too small to restore backup of size 2.');
    const r = api(w.demo).restore(b.id, { volume_id: big.id });
    expect(api(w.demo).get(b.id).status).toBe('restoring');
    expect(vol(w, big.id).status).toBe('restoring-backup');
    refused(w, () => api(w.demo).restore(b.id, { volume_id: big.id }), 400, 'Backup status must be available');
    w.cloud.run();
    expect(vol(w, r.volume_id).status).toBe('available');
  });

  it('a restore whose objects were deleted from Swift leaves the volume error_restoring and the backup available', () => {
    const w = world();
    const id = volumeWith(w.demo, 1, [[0, bytes(10, 12)]]);
    const b = api(w.demo).create({ volume_id: id });
    const r = row(w, b.id);
    w.demo.object.deleteObject('volumebackups', `${r.service_metadata}-00001`);
    const dst = volumeWith(w.demo, 1);
    api(w.demo).restore(b.id, { volume_id: dst });
    expect(vol(w, dst).status).toBe('error_restoring');
    expect(api(w.demo).get(b.id).status).toBe('available');
    expect(driver.backupReadProblem(w.cloud.state, b.id)).toContain('does not match object list');
  });

  it('restoreInto writes a backup into a volume for the volume manager (3.47 create from a backup)', () => {
    const w = world();
    const id = volumeWith(w.demo, 1, [[BLOCK_SIZE * 1601, bytes(BLOCK_SIZE * 2, 13)]]);
    const b = api(w.demo).create({ volume_id: id });
    const dst = volumeWith(w.demo, 1);
    const pool = (): number => tableToArray(w.cloud.state.block.pools)[0]!.written_blocks;
    const before = pool();
    const n = blockWrite(w.demo, 'restore_into', (tx) => driver.restoreInto(tx, b.id, dst));
    expect(n).toBe(2);
    expect(pool()).toBe(before); // the caller mirrors it (runCreate's adjustPool)
    expect(blocksOf(w, dst)).toEqual(blocksOf(w, id));
    expect(driver.backupReadProblem(w.cloud.state, b.id)).toBeNull();
    expect(driver.backupReadProblem(w.cloud.state, 'nope')).toContain('could not be found');
  });
});

describe('incremental backups', () => {
  it('stores only the blocks changed since the parent; the chain restores; delete refused while dependents exist', () => {
    const w = world();
    const id = volumeWith(w.demo, 1, [[0, bytes(4 * BLOCK_SIZE, 14)]]);
    const a = api(w.demo);
    refused(w, () => a.create({ volume_id: id, incremental: true }), 400, 'No backups available to do an incremental backup.');
    const full = a.create({ volume_id: id });
    w.demo.block.writeVolumeData(id, BLOCK_SIZE, bytes(10, 15)); // block 1 changes
    w.demo.block.writeVolumeData(id, 2 * BLOCK_SIZE, new Uint8Array(BLOCK_SIZE)); // block 2 becomes zeros
    w.demo.block.writeVolumeData(id, 60 * 2 ** 20, bytes(10, 16)); // a block in chunk 2
    const inc = a.create({ volume_id: id, incremental: true });
    const r = row(w, inc.id);
    expect(r.parent_id).toBe(full.id);
    expect(r.objects.map((o) => o.blocks)).toEqual([[1, 2], [Math.floor((60 * 2 ** 20) / BLOCK_SIZE)]]);
    expect(r.objects[1]!.offset).toBe(52_428_800);
    expect(a.get(inc.id)).toMatchObject({ is_incremental: true, has_dependent_backups: false, object_count: 2 });
    expect(a.get(full.id)).toMatchObject({ is_incremental: false, has_dependent_backups: true });
    const expected = blocksOf(w, id);
    // a second incremental without changes stores nothing and chains on the first
    const inc2 = a.create({ volume_id: id, incremental: 'yes' });
    expect(row(w, inc2.id)).toMatchObject({ parent_id: inc.id, object_count: 0 });
    const restored = a.restore(inc2.id);
    expect(blocksOf(w, restored.volume_id)).toEqual(expected);
    const fromFull = a.restore(full.id);
    expect(w.demo.block.readVolumeData(fromFull.volume_id, 2 * BLOCK_SIZE, 10)).toEqual(bytes(4 * BLOCK_SIZE, 14).subarray(2 * BLOCK_SIZE, 2 * BLOCK_SIZE + 10));

    const e = refused(w, () => a.remove(full.id), 400);
    expect(e.message).toBe('Invalid backup: Incremental backups exist for this backup.');
    refused(w, () => a.remove(inc.id), 400, 'Incremental backups exist');
    a.remove(inc2.id);
    expect(a.get(inc.id).has_dependent_backups).toBe(false);
    a.remove(inc.id);
    a.remove(full.id);
    expect(a.list()).toEqual([]);
    expect(w.demo.object.getContainer('volumebackups').objects).toEqual([]);
    expect(w.cloud.quotas.show(projectOf(w.demo), 'volume')).toMatchObject({ backups: { in_use: 0 }, backup_gigabytes: { in_use: 0 } });
  });

  it('fails an incremental after the volume grew: backup error, the volume back with previous_status error_backing-up', () => {
    const w = world();
    const id = volumeWith(w.demo, 1, [[0, bytes(10, 17)]]);
    api(w.demo).create({ volume_id: id });
    w.demo.block.extendVolume(id, { new_size: 2 });
    const inc = api(w.demo).create({ volume_id: id, incremental: true });
    expect(api(w.demo).get(inc.id)).toMatchObject({ status: 'error', fail_reason: 'Invalid backup: Volume size increased since the last backup. Do a full backup.' });
    expect(vol(w, id)).toMatchObject({ status: 'available', previous_status: 'error_backing-up' });
    api(w.demo).remove(inc.id);
  });
});

describe('cost: a 1 GiB volume with 1 % written', () => {
  it('produces objects totalling about 1 % of the volume', () => {
    const w = world();
    const id = volumeWith(w.demo, 1);
    const total = GIB / BLOCK_SIZE;
    const written = Math.ceil(total / 100);
    const stride = Math.floor(total / written);
    w.cloud.batch(() => {
      for (let i = 0; i < written; i++) w.demo.block.writeVolumeData(id, i * stride * BLOCK_SIZE, bytes(BLOCK_SIZE, i));
    });
    const b = api(w.demo).create({ volume_id: id });
    const listing = w.demo.object.getContainer('volumebackups');
    const sum = listing.objects.reduce((n, o) => n + ('bytes' in o ? o.bytes : 0), 0);
    const dataBytes = written * BLOCK_SIZE;
    expect(sum).toBeGreaterThanOrEqual(dataBytes);
    expect(sum).toBeLessThan(dataBytes * 1.05);
    expect(sum / GIB).toBeGreaterThan(0.0099);
    expect(sum / GIB).toBeLessThan(0.0106);
    expect(api(w.demo).get(b.id).object_count).toBe(21); // blocks spread over every 50 MiB chunk
  });
});

describe('quota', () => {
  it('takes backups and backup_gigabytes; over quota is 413 with Cinder’s exception; delete gives them back', () => {
    const w = world();
    const project = projectOf(w.demo);
    const id = volumeWith(w.demo, 3);
    const b = api(w.demo).create({ volume_id: id });
    expect(w.cloud.quotas.show(project, 'volume')).toMatchObject({ backups: { in_use: 1 }, backup_gigabytes: { in_use: 3 } });
    w.cloud.quotas.setLimit(project, 'volume.backups', 1);
    const e = refused(w, () => api(w.demo).create({ volume_id: id }), 413);
    expect(e.details.cinder).toBe('BackupLimitExceeded');
    expect(e.message).toBe('Maximum number of backups allowed (1) exceeded');
    w.cloud.quotas.setLimit(project, 'volume.backups', 10);
    w.cloud.quotas.setLimit(project, 'volume.backup_gigabytes', 5);
    const g = refused(w, () => api(w.demo).create({ volume_id: id }), 413);
    expect(g.details.cinder).toBe('VolumeBackupSizeExceedsAvailableQuota');
    expect(g.message).toBe('Requested backup exceeds allowed Backup gigabytes quota. Requested 3G, quota is 5G and 3G has been consumed.');
    api(w.demo).remove(b.id);
    expect(w.cloud.quotas.show(project, 'volume')).toMatchObject({ backups: { in_use: 0 }, backup_gigabytes: { in_use: 0 } });
  });

  it('a restore to a new volume takes the volume quota (413 when over)', () => {
    const w = world();
    const id = volumeWith(w.demo, 1);
    const b = api(w.demo).create({ volume_id: id });
    w.cloud.quotas.setLimit(projectOf(w.demo), 'volume.volumes', 1);
    const e = refused(w, () => api(w.demo).restore(b.id), 413);
    expect(e.details.cinder).toBe('VolumeLimitExceeded');
  });
});

describe('views, lists, updates', () => {
  it('shows the project attribute and user_id to admins only; lists with filters and all_tenants', () => {
    const w = world();
    const id = volumeWith(w.demo, 1);
    const b = api(w.demo).create({ volume_id: id, name: 'one', metadata: JSON.parse('{"k": "v", "__proto__": "x"}') });
    const mine = api(w.demo).get(b.id);
    expect('os-backup-project-attr:project_id' in mine).toBe(false);
    expect('user_id' in mine).toBe(false);
    expect(Object.getPrototypeOf(mine.metadata)).toBe(Object.prototype);
    expect(Object.keys(mine.metadata).sort()).toEqual(['__proto__', 'k']);
    const seen = api(w.admin).get(b.id);
    expect(seen['os-backup-project-attr:project_id']).toBe(projectOf(w.demo));
    expect(seen.user_id).toBe(blockRead(w.demo).userId);
    expect(Object.keys(seen)).toEqual(['id', 'status', 'size', 'object_count', 'availability_zone', 'container', 'created_at', 'updated_at', 'name', 'description', 'fail_reason', 'volume_id', 'links', 'is_incremental', 'has_dependent_backups', 'snapshot_id', 'data_timestamp', 'metadata', 'os-backup-project-attr:project_id', 'user_id']);

    const altVol = volumeWith(w.alt, 1);
    api(w.alt).create({ volume_id: altVol, name: 'two' });
    expect(api(w.demo).list().map((x) => x.name)).toEqual(['one']);
    expect(api(w.admin).list()).toEqual([]); // the admin project has none
    expect(api(w.admin).list({ all_tenants: 'true' }).map((x) => x.name).sort()).toEqual(['one', 'two']);
    expect(api(w.admin).list({ all_tenants: 1, project_id: projectOf(w.alt) }).map((x) => x.name)).toEqual(['two']);
    expect(api(w.demo).list({ all_tenants: 'true' }).map((x) => x.name)).toEqual(['one']); // dropped silently for non-admins
    expect(api(w.demo).list({ name: 'nope' })).toEqual([]);
    expect(api(w.demo).list({ status: 'available', volume_id: id }).length).toBe(1);
    expect(api(w.demo).summaries()).toEqual([{ id: b.id, name: 'one', links: expect.any(Array) }]);
    refused(w, () => api(w.demo).list({ project_id: 'x' }), 400, 'Invalid filters project_id are found in query options.');
    refused(w, () => api(w.admin).list({ all_tenants: 'maybe' }), 400, "all_tenants must be a boolean, got ''maybe''.");
    refused(w, () => api(w.demo).list({ sort_key: 'bogus' }), 400, 'sort_key');
    refused(w, () => api(w.demo).list({ limit: -1 }), 400, 'limit');
    refused(w, () => api(w.demo).list({ marker: 'nope' }), 404, 'Backup nope could not be found.');
  });

  it('pages as Cinder’s paginator: marker looked up (404 when unseen), then after its sort values even when filtered out; offset; limit', () => {
    const w = world();
    const id = volumeWith(w.demo, 1);
    const made: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      made.push(api(w.demo).create({ volume_id: id, name }).id);
      w.cloud.clock.advance(1);
    }
    const names = (q: Record<string, unknown>): (string | null)[] => api(w.demo).list(q).map((b) => b.name);
    expect(names({})).toEqual(['e', 'd', 'c', 'b', 'a']); // created_at desc
    expect(names({ marker: made[3] })).toEqual(['c', 'b', 'a']);
    expect(names({ marker: made[3], limit: 2 })).toEqual(['c', 'b']);
    expect(names({ marker: made[3], offset: 1 })).toEqual(['b', 'a']);
    expect(names({ offset: '3' })).toEqual(['b', 'a']);
    expect(names({ offset: 9 })).toEqual([]);
    expect(names({ sort_key: 'name', sort_dir: 'asc', marker: made[1] })).toEqual(['c', 'd', 'e']);
    // a marker the filters leave out: the page goes on from where it would be
    expect(names({ name: 'a', marker: made[3] })).toEqual(['a']);
    expect(names({ name: 'e', marker: made[3] })).toEqual([]);
    expect(names({ sort_key: 'name', sort_dir: 'asc', status: 'available', marker: made[2] })).toEqual(['d', 'e']);
    // another project's backup is no marker for demo (project_only), but is for an admin
    const altVol = volumeWith(w.alt, 1);
    const altBackup = api(w.alt).create({ volume_id: altVol, name: 'z' }).id;
    refused(w, () => api(w.demo).list({ marker: altBackup }), 404, `Backup ${altBackup} could not be found.`);
    expect(api(w.admin).list({ all_tenants: true, project_id: projectOf(w.demo), marker: altBackup }).map((b) => b.name)).toEqual(['e', 'd', 'c', 'b', 'a']); // z is newer than them all
    expect(api(w.admin).list({ all_tenants: true, project_id: projectOf(w.demo), sort_key: 'name', sort_dir: 'asc', marker: altBackup }).map((b) => b.name)).toEqual([]);
    expect(api(w.admin).list({ all_tenants: true, sort_key: 'name', marker: altBackup }).map((b) => b.name)).toEqual(['e', 'd', 'c', 'b', 'a']);
    for (const bad of [-1, 'x', 1.5, 2 ** 31, null, [], {}, Number.NaN]) refused(w, () => api(w.demo).list({ offset: bad }), 400, 'offset');
    refused(w, () => api(w.demo).list({ marker: 5 }), 400, 'marker');
  });

  it('updates name, description and metadata (replaced)', () => {
    const w = world();
    const b = api(w.demo).create({ volume_id: volumeWith(w.demo, 1), metadata: { a: '1' } });
    const s = api(w.demo).update(b.id, { name: 'renamed', description: ' d ', metadata: { b: '2' } });
    expect(s).toEqual({ id: b.id, name: 'renamed', links: expect.any(Array) });
    expect(api(w.demo).get(b.id)).toMatchObject({ name: 'renamed', description: 'd', metadata: { b: '2' } });
    expect(api(w.demo).get('renamed').id).toBe(b.id);
  });
});

describe('isolation and roles', () => {
  it('another project gets 404 for every backup call and for its volume; the reader 403 on writes but may read', () => {
    const w = world();
    const id = volumeWith(w.demo, 1, [[0, bytes(10, 18)]]);
    const b = api(w.demo).create({ volume_id: id });
    const alt = api(w.alt);
    for (const call of [() => alt.get(b.id), () => alt.remove(b.id), () => alt.restore(b.id), () => alt.update(b.id, { name: 'x' }), () => alt.get({ id: b.id })]) refused(w, call, 404);
    refused(w, () => alt.create({ volume_id: id }), 404, `Volume ${id} could not be found.`);
    const altVol = volumeWith(w.alt, 1);
    refused(w, () => api(w.demo).restore(b.id, { volume_id: altVol }), 404);

    const reader = api(w.reader);
    expect(reader.get(b.id).id).toBe(b.id);
    expect(reader.list().length).toBe(1);
    for (const call of [() => reader.create({ volume_id: id }), () => reader.remove(b.id), () => reader.restore(b.id), () => reader.update(b.id, { name: 'x' })]) {
      const e = refused(w, call, 403);
      expect(e.details.cinder).toBe('PolicyNotAuthorized');
    }
    // the admin may back up and restore another project's volume
    const adminBackup = api(w.admin).create({ volume_id: id });
    expect(row(w, adminBackup.id).project_id).toBe(projectOf(w.admin));
  });

  it('no cinder-backup service: the backup fails with Cinder’s reason and restores and deletes are 404 ServiceNotFound', () => {
    const w = world(3, { block: { backup_enabled: false } });
    const id = volumeWith(w.demo, 1, [[0, bytes(10, 19)]]);
    const b = api(w.demo).create({ volume_id: id });
    expect(api(w.demo).get(b.id)).toMatchObject({ status: 'error', fail_reason: 'Service not found for creating backup.' });
    expect(vol(w, id)).toMatchObject({ status: 'available', previous_status: 'backing-up' });
    const e = refused(w, () => api(w.demo).remove(b.id), 404);
    expect(e.message).toBe('Service cinder-backup could not be found.');
  });
});

describe('bad input', () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;

  it('create: every field of the wrong shape is a 400 naming it, state unchanged', () => {
    const w = world();
    const id = volumeWith(w.demo, 1);
    const a = api(w.demo);
    const cases: [unknown, string][] = [
      [null, 'backup'],
      ['x', 'backup'],
      [[], 'backup'],
      [circular, 'self'],
      [{}, 'volume_id'],
      [{ volume_id: 42 }, 'volume_id'],
      [{ volume_id: NaN }, 'volume_id'],
      [{ volume_id: 'not-a-uuid' }, 'volume_id'],
      [{ volume_id: 'x'.repeat(100_000) }, 'volume_id'],
      [{ volume_id: id, container: 7 }, 'container'],
      [{ volume_id: id, container: '' }, 'container'],
      [{ volume_id: id, container: 'a/b' }, 'container'],
      [{ volume_id: id, container: 'c'.repeat(256) }, 'container'],
      [{ volume_id: id, name: 'n'.repeat(256) }, 'name'],
      [{ volume_id: id, name: circular }, 'name'],
      [{ volume_id: id, description: 1 }, 'description'],
      [{ volume_id: id, incremental: 'maybe' }, 'incremental'],
      [{ volume_id: id, incremental: NaN }, 'incremental'],
      [{ volume_id: id, force: {} }, 'force'],
      [{ volume_id: id, snapshot_id: 5 }, 'snapshot_id'],
      [{ volume_id: id, metadata: 'x' }, 'metadata'],
      [{ volume_id: id, metadata: { k: 1 } }, 'metadata.k'],
      [{ volume_id: id, metadata: { k: circular } }, 'metadata.k'],
      [{ volume_id: id, metadata: { 'bad\u0000key': 'v' } }, 'metadata'],
      [{ volume_id: id, metadata: JSON.parse('{"__proto__": 5}') }, 'metadata.__proto__'],
      [{ volume_id: id, availability_zone: 3 }, 'availability_zone'],
      [{ volume_id: id, extra: true }, 'extra'],
      [JSON.parse(`{"volume_id": "${id}", "__proto__": {"x": 1}}`), '__proto__'],
    ];
    for (const [body, field] of cases) refused(w, () => a.create(body), 400, field);
    refused(w, () => a.create({ volume_id: '00000000-0000-0000-0000-000000000000' }), 404, 'Volume 00000000-0000-0000-0000-000000000000 could not be found.');
    refused(w, () => a.create({ volume_id: id, snapshot_id: '00000000-0000-0000-0000-000000000000' }), 404, 'Snapshot 00000000-0000-0000-0000-000000000000 could not be found.');
  });

  it('restore, update, delete, show and list refuse bad shapes with 4xx naming the field, state unchanged', () => {
    const w = world();
    const id = volumeWith(w.demo, 1);
    const a = api(w.demo);
    const b = a.create({ volume_id: id });
    refused(w, () => a.restore(b.id, 'x'), 400, 'restore');
    refused(w, () => a.restore(b.id, { volume_id: 5 }), 400, 'volume_id');
    refused(w, () => a.restore(b.id, { volume_id: 'nope' }), 400, 'volume_id');
    refused(w, () => a.restore(b.id, { name: 'n'.repeat(300) }), 400, 'name');
    refused(w, () => a.restore(b.id, { size: 5 }), 400, 'size');
    refused(w, () => a.restore(b.id, { volume_id: '00000000-0000-0000-0000-000000000000' }), 404);
    refused(w, () => a.update(b.id, null), 400, 'backup');
    refused(w, () => a.update(b.id, { status: 'error' }), 400, 'status');
    refused(w, () => a.update(b.id, { metadata: null }), 400, 'metadata');
    refused(w, () => a.update(b.id, { metadata: { k: circular } }), 400, 'metadata.k');
    refused(w, () => a.update(b.id, { name: NaN }), 400, 'name');
    for (const ref of [42, NaN, null, {}, { id: 5 }, 'x'.repeat(300), circular]) {
      refused(w, () => a.get(ref), 400, 'backup');
      refused(w, () => a.remove(ref), 400, 'backup');
    }
    refused(w, () => a.get('00000000-0000-0000-0000-000000000000'), 404);
    refused(w, () => a.list('x'), 400, 'query');
    refused(w, () => a.list({ name: 5 }), 400, 'name');
    refused(w, () => a.list({ limit: NaN }), 400, 'limit');
    refused(w, () => a.list({ limit: '99999999999999999999' }), 400, 'limit');
    refused(w, () => a.list({ sort_dir: circular }), 400, 'sort_dir');
  });
});
