/**
 * Volume snapshots (src/block/snapshots.ts) as Cinder Zed answers them: create (force and 3.66),
 * show / list / detail with filters, update, delete (also force), reset-status, metadata, revert
 * to the latest snapshot (3.40), the content byte for byte, quota, isolation, bad input. Until
 * `BlockApi` gains the snapshot methods the functions run through the session's own pipeline
 * (tests/block/support.ts), and the task kinds are defined here if service.ts lacks them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, getRow, setRow, tableToArray, type Tx } from '../../src/core/index.js';
import type { Notification, Session } from '../../src/index.js';
import type { Ctx } from '../../src/block/context.js';
import { readBytes, writtenCount } from '../../src/block/blocks.js';
import * as snapshots from '../../src/block/snapshots.js';
import * as snapshotViews from '../../src/block/snapshot_views.js';
import * as snapshotMetadata from '../../src/block/snapshot_metadata.js';
import * as revert from '../../src/block/revert.js';
import type { SnapshotRow, SnapshotStatus, VolumeRow, VolumeStatus } from '../../src/block/types.js';
import { SNAPSHOT_TRANSITIONS } from '../../src/block/statuses.js';
import { blockRead, blockWorld, blockWrite, type BlockWorld } from './support.js';

// ------------------------------------------------------------------------------ harness

/** The snapshot API of a session, as `BlockApi` will expose it. */
function api(s: Session) {
  const w = <R>(op: string, fn: (tx: Tx, ctx: Ctx) => R): R => blockWrite(s, op, fn);
  return {
    create: (body: unknown, minor?: number) => w('create_snapshot', (tx, ctx) => snapshots.createSnapshot(tx, ctx, body, minor)),
    show: (ref: unknown) => snapshots.showSnapshot(blockRead(s), ref),
    list: (q: unknown = {}) => snapshotViews.listSnapshots(blockRead(s), q),
    summaries: (q: unknown = {}) => snapshotViews.listSnapshotSummaries(blockRead(s), q),
    update: (ref: unknown, body: unknown) => w('update_snapshot', (tx, ctx) => snapshots.updateSnapshot(tx, ctx, ref, body)),
    delete: (ref: unknown) => w('delete_snapshot', (tx, ctx) => snapshots.deleteSnapshot(tx, ctx, ref)),
    forceDelete: (ref: unknown) => w('force_delete_snapshot', (tx, ctx) => snapshots.deleteSnapshot(tx, ctx, ref, { force: true })),
    resetStatus: (ref: unknown, body: unknown) => w('reset_snapshot_status', (tx, ctx) => snapshots.resetSnapshotStatus(tx, ctx, ref, body)),
    metadata: (ref: unknown) => snapshotMetadata.getSnapshotMetadata(blockRead(s), ref),
    metadataItem: (ref: unknown, key: unknown) => snapshotMetadata.showSnapshotMetadataItem(blockRead(s), ref, key),
    createMetadata: (ref: unknown, body: unknown) => w('create_snapshot_metadata', (tx, ctx) => snapshotMetadata.createSnapshotMetadata(tx, ctx, ref, body)),
    replaceMetadata: (ref: unknown, body: unknown) => w('replace_snapshot_metadata', (tx, ctx) => snapshotMetadata.replaceSnapshotMetadata(tx, ctx, ref, body)),
    updateMetadataItem: (ref: unknown, key: unknown, body: unknown) => w('update_snapshot_metadata_item', (tx, ctx) => snapshotMetadata.updateSnapshotMetadataItem(tx, ctx, ref, key, body)),
    deleteMetadataItem: (ref: unknown, key: unknown) => w('delete_snapshot_metadata_item', (tx, ctx) => snapshotMetadata.deleteSnapshotMetadataItem(tx, ctx, ref, key)),
    revert: (ref: unknown, body: unknown) => w('revert_volume_to_snapshot', (tx, ctx) => revert.revertVolumeToSnapshot(tx, ctx, ref, body)),
  };
}

/** A DevStack world whose kernel runs the snapshot tasks (service.ts registers them once pasted). */
function world(seed: number, options: Record<string, unknown> = {}): BlockWorld & { projectOf: (s: Session) => string } {
  const w = blockWorld(seed, options);
  const tasks: [string, (tx: Tx, args: unknown) => void][] = [
    [snapshots.SNAPSHOT_CREATE_TASK, snapshots.runCreateSnapshot],
    [snapshots.SNAPSHOT_DELETE_TASK, snapshots.runDeleteSnapshot],
    [revert.REVERT_TASK, revert.runRevert],
  ];
  for (const [kind, fn] of tasks) if (!w.cloud.kernel.hasTask(kind)) w.cloud.kernel.defineTask(kind, fn);
  return { ...w, projectOf: (s) => blockRead(s).projectId as string };
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const snapRow = (w: BlockWorld, id: string): SnapshotRow | undefined => getRow(w.cloud.state.block.snapshots, id);
const volRow = (w: BlockWorld, id: string): VolumeRow => getRow(w.cloud.state.block.volumes, id) as VolumeRow;
const snapBytes = (w: BlockWorld, id: string, offset: number, length: number): Uint8Array => readBytes(w.cloud.state, id, offset, length);

/** Sets a volume's or snapshot's status directly (test setup: what attachments, backups or failures would do). */
function setVolumeStatus(w: BlockWorld, id: string, status: VolumeStatus, fields: Partial<VolumeRow> = {}): void {
  blockWrite(w.admin, 'test.set_volume', (tx) => setRow(tx.draft.block.volumes, id, { ...(getRow(tx.draft.block.volumes, id) as VolumeRow), ...fields, status }));
}
function setSnapshotStatus(w: BlockWorld, id: string, status: SnapshotStatus): void {
  blockWrite(w.admin, 'test.set_snapshot', (tx) => setRow(tx.draft.block.snapshots, id, { ...(getRow(tx.draft.block.snapshots, id) as SnapshotRow), status }));
}

/** Runs `f`, which must refuse with a CloudError (status in [from, to]) and leave the state the very same object. */
function refused(w: BlockWorld, f: () => unknown, want: { status?: number; message?: string | RegExp; field?: string } = {}): CloudError {
  const before = w.cloud.state;
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a refusal').toBeInstanceOf(CloudError);
  const c = error as CloudError;
  if (want.status !== undefined) expect(c.status, c.message).toBe(want.status);
  else expect(c.status >= 400 && c.status < 500, `status ${c.status}: ${c.message}`).toBe(true);
  if (typeof want.message === 'string') expect(c.message).toBe(want.message);
  else if (want.message !== undefined) expect(c.message).toMatch(want.message);
  if (want.field !== undefined) expect(`${String(c.details.field ?? '')} ${c.message}`).toContain(want.field);
  expect(w.cloud.state).toBe(before);
  return c;
}

function record(w: BlockWorld, ...names: string[]): Notification[] {
  const seen: Notification[] = [];
  for (const n of names) w.cloud.events.on(n as never, (x: Notification) => seen.push(x));
  return seen;
}

function quota(w: BlockWorld, s: Session): { snapshots: number; gigabytes: number; volumes: number } {
  const d = w.cloud.quotas.show(blockRead(s).projectId as string, 'volume') as Record<string, { in_use: number }>;
  return { snapshots: d.snapshots!.in_use, gigabytes: d.gigabytes!.in_use, volumes: d.volumes!.in_use };
}

/** The invariants every test ends on: quota = live rows, the index = the rows, pool blocks = the volumes' written blocks. */
function checkInvariants(w: BlockWorld): void {
  const s = w.cloud.state;
  const snaps = tableToArray(s.block.snapshots);
  const vols = tableToArray(s.block.volumes);
  for (const project of new Set([...snaps, ...vols].map((r) => r.project_id))) {
    const d = w.cloud.quotas.show(project, 'volume') as Record<string, { in_use: number }>;
    expect(d.snapshots!.in_use).toBe(snaps.filter((r) => r.project_id === project).length);
    const gb = snaps.filter((r) => r.project_id === project).reduce((n, r) => n + r.volume_size, 0) + vols.filter((v) => v.project_id === project && v.consumes_quota).reduce((n, v) => n + v.size, 0);
    expect(d.gigabytes!.in_use).toBe(gb);
  }
  expect(tableToArray(s.block.volume_snapshots).sort()).toEqual(snaps.map((r) => r.id).sort());
  for (const pool of tableToArray(s.block.pools)) {
    expect(pool.written_blocks).toBe(vols.filter((v) => v.host === pool.name).reduce((n, v) => n + writtenCount(s, v.id), 0));
  }
}

function volume(s: Session, size = 1, name?: string) {
  return s.block.createVolume({ size, ...(name === undefined ? {} : { name }) });
}

// ------------------------------------------------------------------------------ create

describe('create', () => {
  it('answers creating, then the volume manager makes it available with the volume\'s blocks; notifications and quota follow', () => {
    const w = world(3101);
    const seen = record(w, 'snapshot.create.start', 'snapshot.create.end');
    const v = volume(w.demo, 2, 'data');
    w.demo.block.writeVolumeData(v.id, 40_000, text('before the snapshot'));
    const answer = api(w.demo).create({ volume_id: v.id, name: '  snap-1 ', description: 'first', metadata: { k: 'v' } });
    expect(answer).toMatchObject({ status: 'creating', name: 'snap-1', description: 'first', volume_id: v.id, size: 2, metadata: { k: 'v' }, group_snapshot_id: null, consumes_quota: true, user_id: blockRead(w.demo).userId });
    expect(Object.keys(answer)).toEqual(['id', 'created_at', 'updated_at', 'name', 'description', 'volume_id', 'status', 'size', 'metadata', 'group_snapshot_id', 'user_id', 'consumes_quota']);
    expect(answer.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/);
    const shown = api(w.demo).show(answer.id);
    expect(shown.status).toBe('available');
    expect(shown['os-extended-snapshot-attributes:progress']).toBe('100%');
    expect(shown['os-extended-snapshot-attributes:project_id']).toBe(w.projectOf(w.demo));
    expect(getRow(w.cloud.state.block.volume_snapshots, `${v.id}/${answer.id}`)).toBe(answer.id);
    expect(new TextDecoder().decode(snapBytes(w, answer.id, 40_000, 19))).toBe('before the snapshot');
    expect(seen.map((n) => [n.event_type, (n.payload as { status: string }).status, n.publisher_id])).toEqual([
      ['snapshot.create.start', 'creating', 'volume.controller@lvmdriver-1'],
      ['snapshot.create.end', 'available', 'volume.controller@lvmdriver-1'],
    ]);
    expect(quota(w, w.demo)).toEqual({ snapshots: 1, gigabytes: 4, volumes: 1 });
    expect(volRow(w, v.id).status).toBe('available'); // a snapshot leaves the volume's status alone
    checkInvariants(w);
  });

  it('display_name is the older spelling of name; name wins; null name and description are kept null', () => {
    const w = world(3102);
    const v = volume(w.demo);
    expect(api(w.demo).create({ volume_id: v.id, display_name: 'old' }).name).toBe('old');
    expect(api(w.demo).create({ volume_id: v.id, display_name: 'old', name: 'new' }).name).toBe('new');
    expect(api(w.demo).create({ volume_id: v.id, name: null, description: null })).toMatchObject({ name: null, description: null });
    expect(api(w.demo).create({ volume_id: v.id, name: null, display_name: 'ignored' }).name).toBeNull();
  });

  it('since 3.66 an in-use volume needs no force, force=true is ignored and force=false is refused with Cinder\'s message', () => {
    const w = world(3103);
    const v = volume(w.demo);
    setVolumeStatus(w, v.id, 'in-use', { attach_status: 'attached' });
    expect(api(w.demo).create({ volume_id: v.id }).status).toBe('creating');
    expect(api(w.demo).create({ volume_id: v.id, force: true }).status).toBe('creating');
    expect(api(w.demo).create({ volume_id: v.id, force: 'yes' }).status).toBe('creating');
    const e = refused(w, () => api(w.demo).create({ volume_id: v.id, force: false }), { status: 400, message: snapshots.SNAPSHOT_IN_USE_FLAG_MSG, field: 'force' });
    expect(e.message).toContain('compatability'); // Cinder's spelling
    // also on an available volume: the flag itself is what 3.66 refuses
    const a = volume(w.demo);
    refused(w, () => api(w.demo).create({ volume_id: a.id, force: 'false' }), { status: 400, message: snapshots.SNAPSHOT_IN_USE_FLAG_MSG });
  });

  it('before 3.66 an in-use volume needs force (InvalidVolume otherwise), and force=false is a plain create', () => {
    const w = world(3104);
    const v = volume(w.demo);
    setVolumeStatus(w, v.id, 'in-use', { attach_status: 'attached' });
    const message = `Invalid volume: Volume ${v.id} status must be available, but current status is: in-use.`;
    refused(w, () => api(w.demo).create({ volume_id: v.id }, 65), { status: 400, message });
    refused(w, () => api(w.demo).create({ volume_id: v.id, force: false }, 65), { status: 400, message });
    const made = api(w.demo).create({ volume_id: v.id, force: true }, 65);
    expect(made).toHaveProperty('consumes_quota', true);
    const row = snapRow(w, made.id) as SnapshotRow;
    const keysAt = (minor: number) => Object.keys(snapshotViews.snapshotView(blockRead(w.demo), row, { minor }));
    expect(keysAt(64)).not.toContain('consumes_quota');
    expect(keysAt(64)).toContain('user_id');
    expect(keysAt(40)).not.toContain('user_id');
    expect(keysAt(40)).toContain('group_snapshot_id');
    expect(keysAt(13)).not.toContain('group_snapshot_id');
    const a = volume(w.demo);
    expect(api(w.demo).create({ volume_id: a.id, force: false }, 65).status).toBe('creating');
  });

  it('is refused by the volume\'s status, in Cinder\'s order and words', () => {
    const w = world(3105);
    const v = volume(w.demo);
    const cases: [VolumeStatus, Partial<VolumeRow>, string][] = [
      ['maintenance', {}, 'Invalid volume: The snapshot cannot be created when the volume is in maintenance mode.'],
      ['error', {}, 'Invalid volume: The snapshot cannot be created when the volume is in error status.'],
      ['available', { migration_status: 'migrating' }, 'Invalid volume: Snapshot cannot be created while volume is migrating.'],
      ['creating', { host: null }, 'Invalid volume: The snapshot cannot be created because volume has not been scheduled to any host.'],
    ];
    for (const status of ['extending', 'deleting', 'backing-up', 'uploading', 'reserved', 'attaching', 'reverting', 'error_extending', 'awaiting-transfer'] as VolumeStatus[]) {
      cases.push([status, {}, `Invalid volume: Volume ${v.id} status must be available, in-use, but current status is: ${status}.`]);
    }
    const row = volRow(w, v.id);
    for (const [status, fields, message] of cases) {
      setVolumeStatus(w, v.id, status, { ...row, ...fields });
      refused(w, () => api(w.demo).create({ volume_id: v.id }), { status: 400, message });
    }
    setVolumeStatus(w, v.id, 'available', row);
    // a frozen backend refuses modifications
    blockWrite(w.admin, 'test.freeze', (tx) => {
      const key = 'cinder-volume/controller@lvmdriver-1';
      setRow(tx.draft.block.services, key, { ...getRow(tx.draft.block.services, key)!, frozen: true });
    });
    refused(w, () => api(w.demo).create({ volume_id: v.id }), { status: 400, message: 'Invalid input received: Modification operations are not allowed on frozen storage backends.' });
    expect(tableToArray(w.cloud.state.block.snapshots)).toEqual([]);
  });

  it('a volume that was never scheduled (no valid backend) cannot be snapshotted', () => {
    const w = world(3106);
    const big = w.demo.block.createVolume({ size: 900 }); // more than the 24 GB thin pool can over-subscribe
    expect(w.demo.block.getVolume(big.id).status).toBe('error');
    refused(w, () => api(w.demo).create({ volume_id: big.id }), { status: 400, message: 'Invalid volume: The snapshot cannot be created because volume has not been scheduled to any host.' });
  });

  it('over the snapshots quota is a 413 SnapshotLimitExceeded; over gigabytes a 413 VolumeSizeExceedsAvailableQuota; nothing is taken', () => {
    const w = world(3107);
    const v = volume(w.demo, 3);
    const project = w.projectOf(w.demo);
    w.cloud.quotas.setLimit(project, 'volume.snapshots', 1);
    api(w.demo).create({ volume_id: v.id });
    const e = refused(w, () => api(w.demo).create({ volume_id: v.id }), { status: 413, message: 'Maximum number of snapshots allowed (1) exceeded' });
    expect(e.details.cinder).toBe('SnapshotLimitExceeded');
    w.cloud.quotas.setLimit(project, 'volume.snapshots', 10);
    w.cloud.quotas.setLimit(project, 'volume.gigabytes', 7);
    refused(w, () => api(w.demo).create({ volume_id: v.id }), { status: 413, message: 'Requested volume or snapshot exceeds allowed gigabytes quota. Requested 3G, quota is 7G and 6G has been consumed.' });
    expect(quota(w, w.demo)).toEqual({ snapshots: 1, gigabytes: 6, volumes: 1 });
  });

  it('a pool that no longer passes the filters for the volume\'s size leaves the snapshot in error with its quota taken, as Cinder\'s scheduler does', () => {
    const w = world(3108);
    const v = volume(w.demo, 400);
    blockWrite(w.admin, 'test.fill', (tx) => {
      const pool = getRow(tx.draft.block.pools, volRow(w, v.id).host as string)!;
      setRow(tx.draft.block.pools, pool.name, { ...pool, provisioned_capacity_gb: pool.provisioned_capacity_gb + 200, allocated_capacity_gb: pool.allocated_capacity_gb + 200 });
    });
    const snap = api(w.demo).create({ volume_id: v.id });
    expect(api(w.demo).show(snap.id).status).toBe('error');
    expect(quota(w, w.demo).snapshots).toBe(1);
    api(w.demo).delete(snap.id);
    expect(quota(w, w.demo).snapshots).toBe(0);
  });
});

// ------------------------------------------------------------------------------ content

describe('content', () => {
  it('a snapshot equals its volume at snapshot time byte for byte, after the volume is written again; a volume from it equals it', () => {
    const w = world(3201);
    const v = volume(w.demo, 1);
    const original = new Uint8Array(100_000).map((_, i) => (i * 7 + 3) % 251);
    w.demo.block.writeVolumeData(v.id, 10_000, original);
    const snap = api(w.demo).create({ volume_id: v.id });
    w.demo.block.writeVolumeData(v.id, 20_000, text('overwritten after the snapshot'));
    w.demo.block.writeVolumeData(v.id, 500_000, text('new block'));
    expect(snapBytes(w, snap.id, 10_000, 100_000)).toEqual(original);
    expect(snapBytes(w, snap.id, 500_000, 9)).toEqual(new Uint8Array(9));
    expect(new TextDecoder().decode(w.demo.block.readVolumeData(v.id, 20_000, 30))).toBe('overwritten after the snapshot');
    const clone = w.demo.block.createVolume({ snapshot_id: snap.id });
    expect(w.demo.block.getVolume(clone.id)).toMatchObject({ status: 'available', size: 1, snapshot_id: snap.id });
    expect(w.demo.block.readVolumeData(clone.id, 10_000, 100_000)).toEqual(original);
    expect(w.demo.block.readVolumeData(clone.id, 500_000, 9)).toEqual(new Uint8Array(9));
    checkInvariants(w);
  });

  it('revert gives the volume the snapshot\'s bytes back; statuses and notifications as Cinder\'s volume manager sends them (LVM: a temporary backup snapshot)', () => {
    const w = world(3202);
    const v = volume(w.demo, 1);
    w.demo.block.writeVolumeData(v.id, 0, text('golden'));
    const snap = api(w.demo).create({ volume_id: v.id });
    w.demo.block.writeVolumeData(v.id, 0, text('broken'));
    w.demo.block.writeVolumeData(v.id, 300_000, text('extra block'));
    const seen = record(w, 'volume.revert.start', 'volume.revert.end', 'snapshot.revert.start', 'snapshot.revert.end', 'snapshot.create.start', 'snapshot.create.end', 'snapshot.delete.start', 'snapshot.delete.end');
    const statuses: string[] = [];
    w.cloud.events.on('volume.revert.start', (n) => statuses.push(`${n.payload.status}`));
    api(w.demo).revert(v.id, { snapshot_id: snap.id });
    expect(new TextDecoder().decode(w.demo.block.readVolumeData(v.id, 0, 6))).toBe('golden');
    expect(w.demo.block.readVolumeData(v.id, 300_000, 11)).toEqual(new Uint8Array(11));
    expect(w.demo.block.getVolume(v.id).status).toBe('available');
    expect(api(w.demo).show(snap.id).status).toBe('available');
    expect(statuses).toEqual(['reverting']);
    expect(seen.map((n) => n.event_type)).toEqual([
      'volume.revert.start',
      'snapshot.revert.start',
      'snapshot.create.start',
      'snapshot.create.end',
      'snapshot.delete.start',
      'snapshot.delete.end',
      'volume.revert.end',
      'snapshot.revert.end',
    ]);
    const temp = seen[2]!.payload as { snapshot_id: string; display_name: string };
    expect(temp.display_name).toBe(`[revert] volume ${v.id} backup snapshot`);
    expect(snapRow(w, temp.snapshot_id)).toBeUndefined();
    expect(quota(w, w.demo).snapshots).toBe(1);
    checkInvariants(w);
  });

  it('with progression clock the snapshot is taken when the volume manager runs: the API answered creating, the volume\'s bytes then', () => {
    const w = world(3203, { progression: 'clock' });
    const v = volume(w.demo, 1);
    w.cloud.run();
    w.demo.block.writeVolumeData(v.id, 0, text('one'));
    const snap = api(w.demo).create({ volume_id: v.id });
    expect(api(w.demo).show(snap.id).status).toBe('creating');
    w.cloud.run();
    expect(api(w.demo).show(snap.id).status).toBe('available');
    expect(new TextDecoder().decode(snapBytes(w, snap.id, 0, 3))).toBe('one');
  });
});

// ------------------------------------------------------------------------------ revert refusals

describe('revert', () => {
  it('only to the latest snapshot, of the same size, with the volume and the snapshot available (409s), and the volume must have snapshots', () => {
    const w = world(3301);
    const v = volume(w.demo, 1);
    refused(w, () => api(w.demo).revert(v.id, { snapshot_id: 'x' }), { status: 400, message: `Volume ${v.id} doesn't have any snapshots.` });
    const s1 = api(w.demo).create({ volume_id: v.id });
    const s2 = api(w.demo).create({ volume_id: v.id });
    refused(w, () => api(w.demo).revert(v.id, { snapshot_id: s1.id }), { status: 400, message: `Specified snapshot ${s1.id} is None or not the latest one of volume ${v.id}.`, field: 'snapshot_id' });
    refused(w, () => api(w.demo).revert(v.id, {}), { status: 400, message: `Specified snapshot None is None or not the latest one of volume ${v.id}.` });
    refused(w, () => api(w.demo).revert(v.id, null), { status: 400, message: "Missing required element 'revert' in request body." });
    setVolumeStatus(w, v.id, 'in-use', { attach_status: 'attached' });
    refused(w, () => api(w.demo).revert(v.id, { snapshot_id: s2.id }), { status: 409, message: `Invalid volume: Can't revert volume ${v.id} to its latest snapshot ${s2.id}. Volume's status must be 'available'.` });
    setVolumeStatus(w, v.id, 'available', { attach_status: 'detached' });
    setSnapshotStatus(w, s2.id, 'backing-up');
    refused(w, () => api(w.demo).revert(v.id, { snapshot_id: s2.id }), { status: 409, message: `Invalid snapshot: Can't revert volume ${v.id} to its latest snapshot ${s2.id}. Snapshot's status must be 'available'.` });
    setSnapshotStatus(w, s2.id, 'available');
    w.demo.block.extendVolume(v.id, { new_size: 2 });
    refused(w, () => api(w.demo).revert(v.id, { snapshot_id: s2.id }), { status: 400, message: `Can't revert volume ${v.id} to its latest snapshot ${s2.id}. The volume size must be equal to the snapshot size.` });
    // once the latest is gone, the one before is the latest
    api(w.demo).delete(s2.id);
    const s3 = api(w.demo).create({ volume_id: v.id });
    api(w.demo).revert(v.id, { snapshot_id: s3.id });
    expect(w.demo.block.getVolume(v.id).status).toBe('available');
  });

  it('the latest is the newest created_at; when the clock did not move, the one made last', () => {
    const w = world(3302);
    const v = volume(w.demo);
    const a = api(w.demo).create({ volume_id: v.id });
    w.cloud.clock.advance(5);
    const b = api(w.demo).create({ volume_id: v.id });
    const c = api(w.demo).create({ volume_id: v.id });
    expect(revert.latestSnapshot(blockRead(w.demo), v.id)?.id).toBe(c.id);
    api(w.demo).delete(c.id);
    expect(revert.latestSnapshot(blockRead(w.demo), v.id)?.id).toBe(b.id);
    api(w.demo).delete(b.id);
    expect(revert.latestSnapshot(blockRead(w.demo), v.id)?.id).toBe(a.id);
  });
});

// ------------------------------------------------------------------------------ show, list, update

describe('show, list, update', () => {
  it('lists the caller\'s snapshots with filters, sorting and paging; admins see every project\'s with all_tenants', () => {
    const w = world(3401);
    const v1 = volume(w.demo, 1);
    const v2 = volume(w.demo, 2);
    const a = api(w.demo).create({ volume_id: v1.id, name: 'a', metadata: { tier: 'gold' } });
    w.cloud.clock.advance(1);
    const b = api(w.demo).create({ volume_id: v2.id, name: 'b', metadata: { tier: 'silver' } });
    w.cloud.clock.advance(1);
    const c = api(w.demo).create({ volume_id: v2.id, name: 'c', metadata: { tier: 'gold', x: 'y' } });
    const va = volume(w.alt);
    const alien = api(w.alt).create({ volume_id: va.id, name: 'alien' });
    const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);
    expect(ids(api(w.demo).list())).toEqual([c.id, b.id, a.id]);
    expect(ids(api(w.demo).list({ sort_key: 'name', sort_dir: 'asc' }))).toEqual([a.id, b.id, c.id]);
    expect(ids(api(w.demo).list({ volume_id: v2.id }))).toEqual([c.id, b.id]);
    expect(ids(api(w.demo).list({ name: 'b' }))).toEqual([b.id]);
    expect(ids(api(w.demo).list({ status: 'available', metadata: { tier: 'gold' } }))).toEqual([c.id, a.id]);
    expect(ids(api(w.demo).list({ metadata: "{'tier': 'gold', 'x': 'y'}" }))).toEqual([c.id]);
    expect(api(w.demo).list({ metadata: 'not a dict' })).toEqual([]);
    expect(ids(api(w.demo).list({ limit: 2 }))).toEqual([c.id, b.id]);
    expect(ids(api(w.demo).list({ marker: c.id, limit: '1' }))).toEqual([b.id]);
    expect(ids(api(w.demo).list({ offset: 1 }))).toEqual([b.id, a.id]);
    expect(ids(api(w.demo).list({ all_tenants: true }))).toEqual([c.id, b.id, a.id]); // ignored for a member
    expect(ids(api(w.admin).list())).toEqual([]); // the admin's own project
    expect(new Set(ids(api(w.admin).list({ all_tenants: 'true' })))).toEqual(new Set([a.id, b.id, c.id, alien.id]));
    expect(ids(api(w.admin).list({ all_tenants: 1, project_id: w.projectOf(w.alt) }))).toEqual([alien.id]);
    expect(ids(api(w.admin).list({ project_id: w.projectOf(w.alt) }))).toEqual([]); // without all_tenants: the admin's own project
    // a marker filtered out still places the page by its sort values
    expect(ids(api(w.demo).list({ volume_id: v2.id, marker: a.id, sort_key: 'name', sort_dir: 'asc' }))).toEqual([b.id, c.id]);
    // summaries have no detail fields and no extension attributes
    const summary = api(w.demo).summaries({ name: 'a' })[0]!;
    expect(Object.keys(summary)).toEqual(['id', 'created_at', 'updated_at', 'name', 'description', 'volume_id', 'status', 'size', 'metadata']);
    expect(api(w.demo).list({ name: 'a' })[0]).toHaveProperty('os-extended-snapshot-attributes:progress', '100%');
    // the reader lists and shows, with the extension attributes (its rule is a reader's)
    expect(ids(api(w.reader).list())).toEqual([c.id, b.id, a.id]);
    expect(api(w.reader).show(a.id)['os-extended-snapshot-attributes:project_id']).toBe(w.projectOf(w.demo));
    refused(w, () => api(w.demo).list({ marker: alien.id }), { status: 404 });
    refused(w, () => api(w.demo).list({ sort_key: 'size' }), { status: 400, field: 'sort_key' });
    refused(w, () => api(w.demo).list({ limit: -1 }), { status: 400, field: 'limit' });
    refused(w, () => api(w.demo).list({ colour: 'red' }), { status: 400, field: 'colour' });
  });

  it('show resolves ids and names among visible snapshots; update changes name and description (stripped) in any status, with update notifications', () => {
    const w = world(3402);
    const v = volume(w.demo);
    const s = api(w.demo).create({ volume_id: v.id, name: 'daily' });
    expect(api(w.demo).show('daily').id).toBe(s.id);
    expect(api(w.demo).show({ id: s.id }).id).toBe(s.id);
    refused(w, () => api(w.demo).show({ id: 'daily' }), { status: 404, message: 'Snapshot daily could not be found.' });
    const seen = record(w, 'snapshot.update.start', 'snapshot.update.end');
    const updated = api(w.demo).update(s.id, { name: ' weekly ', display_description: 'kept for a week' });
    expect(updated).toMatchObject({ name: 'weekly', description: 'kept for a week', status: 'available' });
    expect(updated).not.toHaveProperty('os-extended-snapshot-attributes:progress');
    expect(seen.map((n) => [n.event_type, (n.payload as { display_name: string }).display_name])).toEqual([
      ['snapshot.update.start', 'daily'],
      ['snapshot.update.end', 'weekly'],
    ]);
    expect(api(w.demo).update(s.id, { description: null, display_name: 'x', name: 'y' })).toMatchObject({ name: 'y', description: null });
    setSnapshotStatus(w, s.id, 'error');
    expect(api(w.demo).update(s.id, { name: 'broken' }).status).toBe('error');
    refused(w, () => api(w.demo).update(s.id, {}), { status: 400 });
    refused(w, () => api(w.demo).update(s.id, { name: 'ok', size: 3 }), { status: 400, field: 'size' });
    refused(w, () => api(w.demo).update(s.id, { description: 'bell\u0007' }), { status: 400, field: 'description' });
  });
});

// ------------------------------------------------------------------------------ delete

describe('delete', () => {
  it('deletes an available or error snapshot (deleting, then gone with its blocks and quota); other statuses are refused', () => {
    const w = world(3501);
    const v = volume(w.demo, 2);
    w.demo.block.writeVolumeData(v.id, 0, text('data'));
    const s = api(w.demo).create({ volume_id: v.id });
    expect(writtenCount(w.cloud.state, s.id)).toBe(1);
    const seen = record(w, 'snapshot.delete.start', 'snapshot.delete.end');
    api(w.demo).delete(s.id);
    expect(snapRow(w, s.id)).toBeUndefined();
    expect(writtenCount(w.cloud.state, s.id)).toBe(0);
    expect(seen.map((n) => [n.event_type, (n.payload as { status: string }).status])).toEqual([
      ['snapshot.delete.start', 'deleting'],
      ['snapshot.delete.end', 'deleted'],
    ]);
    expect(quota(w, w.demo)).toEqual({ snapshots: 0, gigabytes: 2, volumes: 1 });
    const e = api(w.demo).create({ volume_id: v.id });
    setSnapshotStatus(w, e.id, 'error');
    api(w.demo).delete(e.id);
    expect(snapRow(w, e.id)).toBeUndefined();
    const t = api(w.demo).create({ volume_id: v.id });
    for (const status of ['creating', 'deleting', 'backing-up', 'restoring', 'error_deleting', 'updating'] as SnapshotStatus[]) {
      setSnapshotStatus(w, t.id, status);
      refused(w, () => api(w.demo).delete(t.id), { status: 400, message: 'Invalid snapshot: Snapshot status must be available or error and must not be part of a group.' });
    }
    checkInvariants(w);
  });

  it('a snapshot a volume was created from may be deleted on LVM; the volume keeps its bytes', () => {
    const w = world(3502);
    const v = volume(w.demo);
    w.demo.block.writeVolumeData(v.id, 0, text('parent'));
    const s = api(w.demo).create({ volume_id: v.id });
    const child = w.demo.block.createVolume({ snapshot_id: s.id });
    api(w.demo).delete(s.id);
    expect(snapRow(w, s.id)).toBeUndefined();
    expect(new TextDecoder().decode(w.demo.block.readVolumeData(child.id, 0, 6))).toBe('parent');
    checkInvariants(w);
  });

  it.skipIf(!SNAPSHOT_TRANSITIONS.deleting.includes('available'))('on RBD a snapshot with a dependent volume is busy: the manager puts it back to available (SnapshotIsBusy)', () => {
    const w = world(3503, { block: { backends: [{ name: 'ceph', driver: 'rbd' }] } });
    const v = volume(w.demo);
    const s = api(w.demo).create({ volume_id: v.id });
    w.demo.block.createVolume({ snapshot_id: s.id });
    api(w.demo).delete(s.id);
    expect(api(w.demo).show(s.id).status).toBe('available');
    checkInvariants(w);
  });

  it('os-force_delete (admin) deletes in any status; members may not; os-reset_status (admin) sets any of Cinder\'s statuses', () => {
    const w = world(3504);
    const v = volume(w.demo);
    const s = api(w.demo).create({ volume_id: v.id });
    setSnapshotStatus(w, s.id, 'creating');
    refused(w, () => api(w.demo).forceDelete(s.id), { status: 403, message: "Policy doesn't allow volume_extension:snapshot_admin_actions:force_delete to be performed." });
    api(w.admin).forceDelete(s.id);
    expect(snapRow(w, s.id)).toBeUndefined();
    const t = api(w.demo).create({ volume_id: v.id });
    refused(w, () => api(w.demo).resetStatus(t.id, { status: 'error' }), { status: 403 });
    const seen = record(w, 'snapshot.reset_status.start', 'snapshot.reset_status.end');
    api(w.admin).resetStatus(t.id, { status: 'ERROR' });
    expect(api(w.demo).show(t.id).status).toBe('error');
    expect(seen).toHaveLength(2);
    refused(w, () => api(w.admin).resetStatus(t.id, { status: 'broken' }), { status: 400, message: /^Snapshot status: broken is invalid, valid statuses are: \('error', 'available'/ });
    refused(w, () => api(w.admin).resetStatus(t.id, {}), { status: 400, field: 'status' });
    refused(w, () => api(w.admin).resetStatus(t.id, { status: 'error', extra: 1 }), { status: 400, field: 'extra' });
    refused(w, () => api(w.admin).resetStatus(t.id, { status: 7 }), { status: 400, field: 'status' });
    checkInvariants(w);
  });

  it('a volume with snapshots is not deleted; with cascade its snapshots go with it and their quota too', () => {
    const w = world(3505);
    const v = volume(w.demo, 2);
    w.demo.block.writeVolumeData(v.id, 0, text('x'));
    const s1 = api(w.demo).create({ volume_id: v.id });
    const s2 = api(w.demo).create({ volume_id: v.id });
    refused(w, () => w.demo.block.deleteVolume(v.id), { status: 400 });
    expect(quota(w, w.demo)).toEqual({ snapshots: 2, gigabytes: 6, volumes: 1 });
    w.demo.block.deleteVolume(v.id, { cascade: true });
    expect(snapRow(w, s1.id)).toBeUndefined();
    expect(snapRow(w, s2.id)).toBeUndefined();
    expect(writtenCount(w.cloud.state, s1.id)).toBe(0);
    expect(quota(w, w.demo)).toEqual({ snapshots: 0, gigabytes: 0, volumes: 0 });
    checkInvariants(w);
  });
});

// ------------------------------------------------------------------------------ metadata

describe('metadata', () => {
  it('CRUD as snapshot_metadata.py: merge, replace, one item, delete; Cinder\'s 404 and 400s and 413', () => {
    const w = world(3601);
    const v = volume(w.demo);
    const s = api(w.demo).create({ volume_id: v.id, metadata: { a: '1' } });
    const m = api(w.demo);
    expect(m.metadata(s.id)).toEqual({ a: '1' });
    expect(m.createMetadata(s.id, { metadata: { b: '2' } })).toEqual({ a: '1', b: '2' });
    expect(m.updateMetadataItem(s.id, 'b', { meta: { b: '3' } })).toEqual({ b: '3' });
    expect(m.metadataItem(s.id, 'b')).toEqual({ b: '3' });
    expect(m.replaceMetadata(s.id, { metadata: { c: '4' } })).toEqual({ c: '4' });
    m.deleteMetadataItem(s.id, 'c');
    expect(m.metadata(s.id)).toEqual({});
    expect(m.show(s.id).metadata).toEqual({});
    refused(w, () => m.metadataItem(s.id, 'c'), { status: 404, message: `Snapshot ${s.id} has no metadata with key c.` });
    refused(w, () => m.deleteMetadataItem(s.id, 'c'), { status: 404 });
    refused(w, () => m.updateMetadataItem(s.id, 'b', { meta: { c: '1' } }), { status: 400, message: 'Request body and URI mismatch' });
    refused(w, () => m.updateMetadataItem(s.id, 'b', { meta: { b: '1', c: '2' } }), { status: 400, message: 'Request body contains too many items' });
    refused(w, () => m.createMetadata(s.id, { meta: {} }), { status: 400, message: "Missing required element 'metadata' in request body." });
    refused(w, () => m.createMetadata(s.id, { metadata: { k: 5 } }), { status: 400, field: 'metadata.k' });
    refused(w, () => m.createMetadata(s.id, { metadata: { k: 'v'.repeat(256) } }), { status: 413 });
    refused(w, () => m.createMetadata(s.id, { metadata: { '': 'v' } }), { status: 400 });
    // __proto__ is an ordinary key here
    expect(m.createMetadata(s.id, JSON.parse('{"metadata": {"__proto__": "p"}}'))).toEqual(JSON.parse('{"__proto__": "p"}'));
    expect(Object.getPrototypeOf(m.metadata(s.id))).toBe(Object.prototype);
  });
});

// ------------------------------------------------------------------------------ isolation and policy

describe('isolation and policy', () => {
  it("another project's snapshot is a 404 for every operation; a reader reads but every write is a 403; the state is unchanged", () => {
    const w = world(3701);
    const v = volume(w.demo);
    const s = api(w.demo).create({ volume_id: v.id, name: 'mine' });
    const alt = api(w.alt);
    const nf = { status: 404, message: `Snapshot ${s.id} could not be found.` };
    refused(w, () => alt.show(s.id), nf);
    refused(w, () => alt.show('mine'), { status: 404 });
    refused(w, () => alt.update(s.id, { name: 'x' }), nf);
    refused(w, () => alt.delete(s.id), nf);
    refused(w, () => alt.metadata(s.id), nf);
    refused(w, () => alt.createMetadata(s.id, { metadata: { a: 'b' } }), nf);
    refused(w, () => alt.deleteMetadataItem(s.id, 'a'), nf);
    refused(w, () => alt.create({ volume_id: v.id }), { status: 404, message: `Volume ${v.id} could not be found.` });
    refused(w, () => alt.revert(v.id, { snapshot_id: s.id }), { status: 404 });
    expect(alt.list()).toEqual([]);
    const reader = api(w.reader);
    expect(reader.show(s.id).id).toBe(s.id);
    expect(reader.metadata(s.id)).toEqual({});
    refused(w, () => reader.create({ volume_id: v.id }), { status: 403, message: "Policy doesn't allow volume:create_snapshot to be performed." });
    refused(w, () => reader.create({ bogus: true }), { status: 403 }); // the policy comes before the body
    refused(w, () => reader.update(s.id, { name: 'x' }), { status: 403 });
    refused(w, () => reader.delete(s.id), { status: 403 });
    refused(w, () => reader.createMetadata(s.id, { metadata: { a: 'b' } }), { status: 403 });
    refused(w, () => reader.createMetadata(s.id, { nonsense: 1 }), { status: 403 }); // the policy before the body
    refused(w, () => reader.updateMetadataItem(s.id, 'a', { meta: { a: 'b' } }), { status: 403 });
    refused(w, () => reader.resetStatus(s.id, { status: 'error' }), { status: 403 });
    refused(w, () => reader.revert(v.id, { snapshot_id: s.id }), { status: 403 });
    // the admin reaches every project's snapshot
    expect(api(w.admin).show(s.id).id).toBe(s.id);
    api(w.admin).update(s.id, { name: 'renamed by admin' });
    expect(api(w.demo).show(s.id).name).toBe('renamed by admin');
  });
});

// ------------------------------------------------------------------------------ bad input

describe('bad input', () => {
  it('every shape of bad input is a 4xx naming the field and changes nothing', () => {
    const w = world(3801);
    const v = volume(w.demo);
    const s = api(w.demo).create({ volume_id: v.id });
    const circular: Record<string, unknown> = { a: 'b' };
    circular.self = circular;
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    const huge = 'x'.repeat(1_000_000);
    const m = api(w.demo);
    const creates: [unknown, string][] = [
      [null, 'snapshot'],
      [42, 'snapshot'],
      [[v.id], 'snapshot'],
      [{}, 'volume_id'],
      [{ volume_id: 42 }, 'volume_id'],
      [{ volume_id: NaN }, 'volume_id'],
      [{ volume_id: 'not-a-uuid' }, 'volume_id'],
      [{ volume_id: huge }, 'volume_id'],
      [{ volume_id: v.id, name: 42 }, 'name'],
      [{ volume_id: v.id, name: huge }, 'name'],
      [{ volume_id: v.id, description: { x: 1 } }, 'description'],
      [{ volume_id: v.id, force: NaN }, 'force'],
      [{ volume_id: v.id, force: 'maybe' }, 'force'],
      [{ volume_id: v.id, metadata: circular }, 'metadata'],
      [{ volume_id: v.id, metadata: deep }, 'metadata'],
      [{ volume_id: v.id, metadata: [1] }, 'metadata'],
      [{ volume_id: v.id, metadata: { 'bad key!': 'v' } }, 'metadata'],
      [{ volume_id: v.id, size: 1 }, 'size'],
      [JSON.parse(`{"volume_id": "${v.id}", "__proto__": {"force": false}}`), '__proto__'],
    ];
    for (const [body, field] of creates) refused(w, () => m.create(body), { field });
    refused(w, () => m.create({ volume_id: null }), { status: 404, message: 'Volume None could not be found.' });
    for (const ref of [42, null, NaN, '', huge, { id: 42 }, circular, deep]) {
      refused(w, () => m.show(ref));
      refused(w, () => m.update(ref, { name: 'x' }));
      refused(w, () => m.delete(ref));
      refused(w, () => m.revert(ref, { snapshot_id: s.id }));
      refused(w, () => m.metadata(ref));
    }
    for (const body of [null, 42, 'name', [], circular, { name: huge }, { name: NaN }, { description: deep }]) refused(w, () => m.update(s.id, body));
    for (const body of [null, 42, { snapshot_id: circular }, { snapshot_id: NaN }, { snapshot_id: huge }]) refused(w, () => m.revert(v.id, body));
    for (const q of [null, 42, { limit: NaN }, { limit: 'lots' }, { offset: -1 }, { sort_dir: 'up' }, { metadata: 42 }, { metadata: { a: 1 } }, { name: 42 }, { marker: 'missing' }, { sort_key: '__proto__' }]) {
      refused(w, () => m.list(q));
    }
    for (const key of [42, null, '', huge, circular]) {
      refused(w, () => m.metadataItem(s.id, key), { field: 'key' });
      refused(w, () => m.deleteMetadataItem(s.id, key), { field: 'key' });
    }
    for (const body of [null, 42, { metadata: null }, { metadata: 'x' }, { metadata: circular }, { metadata: { k: deep } }]) refused(w, () => m.createMetadata(s.id, body));
    checkInvariants(w);
  });
});

// ------------------------------------------------------------------------------ properties

describe('properties', () => {
  type Op =
    | { kind: 'write'; vol: number; offset: number; byte: number }
    | { kind: 'snapshot'; vol: number }
    | { kind: 'delete_snapshot'; pick: number }
    | { kind: 'revert'; vol: number }
    | { kind: 'clone'; pick: number }
    | { kind: 'delete_volume'; vol: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('write' as const), vol: fc.nat(3), offset: fc.integer({ min: 0, max: 200_000 }), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('snapshot' as const), vol: fc.nat(3) }),
    fc.record({ kind: fc.constant('delete_snapshot' as const), pick: fc.nat(20) }),
    fc.record({ kind: fc.constant('revert' as const), vol: fc.nat(3) }),
    fc.record({ kind: fc.constant('clone' as const), pick: fc.nat(20) }),
    fc.record({ kind: fc.constant('delete_volume' as const), vol: fc.nat(3) }),
  );

  it('quota usage equals live snapshots, the index their rows, the pool the volumes\' blocks, and every snapshot holds its volume\'s bytes of its time (seed 3901)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 5, maxLength: 25 }), (ops) => {
        const w = world(3901);
        const m = api(w.demo);
        const vols = [volume(w.demo, 1).id, volume(w.demo, 1).id];
        /** what each live volume and snapshot holds in its first 256 KiB (the writes stay there) */
        const model = new Map<string, Uint8Array>(vols.map((id) => [id, new Uint8Array(262_144)]));
        const snaps: string[] = [];
        for (const o of ops) {
          const vid = vols[o.kind === 'write' || o.kind === 'snapshot' || o.kind === 'revert' || o.kind === 'delete_volume' ? o.vol % Math.max(vols.length, 1) : 0];
          try {
            if (o.kind === 'write' && vid !== undefined) {
              w.demo.block.writeVolumeData(vid, o.offset, new Uint8Array(1000).fill(o.byte));
              model.get(vid)!.fill(o.byte, o.offset, o.offset + 1000);
            } else if (o.kind === 'snapshot' && vid !== undefined) {
              const s = m.create({ volume_id: vid });
              snaps.push(s.id);
              model.set(s.id, model.get(vid)!.slice());
            } else if (o.kind === 'delete_snapshot' && snaps.length > 0) {
              const id = snaps[o.pick % snaps.length]!;
              m.delete(id);
              snaps.splice(snaps.indexOf(id), 1);
              model.delete(id);
            } else if (o.kind === 'revert' && vid !== undefined) {
              const latest = revert.latestSnapshot(blockRead(w.demo), vid);
              if (latest !== undefined) {
                m.revert(vid, { snapshot_id: latest.id });
                model.set(vid, model.get(latest.id)!.slice());
              }
            } else if (o.kind === 'clone' && snaps.length > 0) {
              const id = snaps[o.pick % snaps.length]!;
              const c = w.demo.block.createVolume({ snapshot_id: id });
              vols.push(c.id);
              model.set(c.id, model.get(id)!.slice());
            } else if (o.kind === 'delete_volume' && vid !== undefined) {
              w.demo.block.deleteVolume(vid, { cascade: true });
              for (const sid of [...snaps]) {
                if (snapRow(w, sid) === undefined) {
                  snaps.splice(snaps.indexOf(sid), 1);
                  model.delete(sid);
                }
              }
              vols.splice(vols.indexOf(vid), 1);
              model.delete(vid);
            }
          } catch (e) {
            // only Cinder's refusals (quota, status): never a crash
            expect(e).toBeInstanceOf(CloudError);
            expect((e as CloudError).status).toBeLessThan(500);
          }
        }
        checkInvariants(w);
        expect(quota(w, w.demo).snapshots).toBe(snaps.length);
        for (const [id, bytes] of model) expect(readBytes(w.cloud.state, id, 0, bytes.length), id).toEqual(bytes);
      }),
      { seed: 3901, numRuns: 10 },
    );
  }, 120_000);
});
