/**
 * Volumes (src/block/volumes.ts) as Cinder Zed answers them: create in all its forms (blank, from
 * a snapshot, a volume, an image, a backup; the aliases; the schema; the order of the checks),
 * the manager's create (placement, `volume.create.start` / `.end`, a source gone meanwhile, the
 * Glance metadata), show, list (filters, paging, type checks), update, delete (never scheduled,
 * cascade, force), extend (success, no room, the order of the checks, the type's size limits),
 * the content a guest writes and reads, the views' `shared_targets`, and bad input of any shape.
 * Each fix of the review of the first version has a regression test named after its item.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, deleteRow, getRow, setRow, tablePrefix, tableToArray, type Tx } from '../../src/core/index.js';
import type { Notification, Session } from '../../src/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { BLOCK_SIZE, readBytes, writeBytes } from '../../src/block/blocks.js';
import { VOLUME_TRANSITIONS, SNAPSHOT_TRANSITIONS } from '../../src/block/statuses.js';
import type { ServiceRow, SnapshotRow, VolumeRow, VolumeStatus } from '../../src/block/types.js';
import * as volumes from '../../src/block/volumes.js';
import * as volumeCreate from '../../src/block/volume_create.js';
import * as volumeDelete from '../../src/block/volume_delete.js';
import { blockRead, blockWorld, blockWrite, type BlockWorld } from './support.js';

const fast = { identity: { password_hash_rounds: 1 } };
const GIB = 2 ** 30;

function world(seed: number, options: Record<string, unknown> = {}): BlockWorld {
  return blockWorld(seed, { ...fast, ...options });
}

const row = (w: BlockWorld, id: string): VolumeRow | undefined => getRow(w.cloud.state.block.volumes, id);
const snapRow = (w: BlockWorld, id: string): SnapshotRow | undefined => getRow(w.cloud.state.block.snapshots, id);
const pool = (w: BlockWorld) => getRow(w.cloud.state.block.pools, 'controller@lvmdriver-1#lvmdriver-1')!;
const projectOf = (s: Session): string => blockRead(s).projectId as string;
const usage = (w: BlockWorld, s: Session, key: string): number => {
  const q = w.admin.block.getQuotaSet(projectOf(s), { usage: true }) as unknown as Record<string, { in_use: number }>;
  return q[key]?.in_use ?? 0;
};

/** An admin's raw edit of a volume row (a fixture: a status the flow under test starts from). */
function setVolume(w: BlockWorld, id: string, fields: Partial<VolumeRow>): void {
  blockWrite(w.admin, 'test_fixture', (tx: Tx) => setRow(tx.draft.block.volumes, id, { ...(getRow(tx.draft.block.volumes, id) as VolumeRow), ...fields }));
}

/** Every notification of the given prefixes, in order. */
function record(w: BlockWorld, ...prefixes: string[]): Notification[] {
  const seen: Notification[] = [];
  w.cloud.events.on('*' as never, (n: Notification) => {
    if (prefixes.some((p) => n.event_type.startsWith(p))) seen.push(n);
  });
  return seen;
}
const kinds = (seen: Notification[]): string[] => seen.map((n) => `${n.event_type} ${n.publisher_id}`);

/** Runs `f`, which must refuse with a CloudError, and leave the state the very same object. */
function refused(w: BlockWorld, f: () => unknown, want: { status?: number; message?: string | RegExp; field?: string; code?: string } = {}): CloudError {
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
  if (want.message !== undefined) {
    if (typeof want.message === 'string') expect(c.message).toBe(want.message);
    else expect(c.message).toMatch(want.message);
  }
  if (want.field !== undefined) expect(c.details.field).toBe(want.field);
  if (want.code !== undefined) expect(c.code).toBe(want.code);
  expect(w.cloud.state).toBe(before);
  return c;
}

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

// ------------------------------------------------------------------------------ create

describe('create', () => {
  it('a blank volume: the answer is `creating`, then it is placed and `available`; quota and pool count it', () => {
    const w = world(1);
    const seen = record(w, 'volume.create');
    const v = w.demo.block.createVolume({ size: 2, name: 'data', description: 'd', metadata: { k: 'v' } });
    expect(v).toMatchObject({ status: 'creating', size: 2, name: 'data', description: 'd', metadata: { k: 'v' }, volume_type: 'lvmdriver-1', bootable: 'false', shared_targets: true });
    const shown = w.demo.block.getVolume(v.id);
    expect(shown).toMatchObject({ status: 'available', availability_zone: 'nova', shared_targets: false });
    expect(row(w, v.id)?.host).toBe('controller@lvmdriver-1#lvmdriver-1');
    expect(pool(w).allocated_capacity_gb).toBe(2);
    expect(usage(w, w.demo, 'gigabytes')).toBe(2);
    expect(usage(w, w.demo, 'volumes')).toBe(1);
    // item 8: create.start from the volume manager, once a pool is chosen
    expect(kinds(seen)).toEqual(['volume.create.start volume.controller@lvmdriver-1', 'volume.create.end volume.controller@lvmdriver-1']);
    expect(seen[0]!.payload).toMatchObject({ host: 'controller@lvmdriver-1#lvmdriver-1', status: 'creating' });
  });

  it('item 8: no valid backend: `error`, host null, quota kept, and no create notification at all', () => {
    const w = world(2);
    const seen = record(w, 'volume.create');
    const v = w.demo.block.createVolume({ size: 500 });
    expect(w.demo.block.getVolume(v.id).status).toBe('error');
    expect(row(w, v.id)?.host).toBeNull();
    expect(usage(w, w.demo, 'gigabytes')).toBe(500);
    expect(seen).toEqual([]);
  });

  it('from a snapshot (its size by default), from a volume, from a backup: the bytes are the source\'s', () => {
    const w = world(3);
    const v = w.demo.block.createVolume({ size: 1 });
    w.demo.block.writeVolumeData(v.id, 5, bytes(10, 7));
    const snap = w.demo.block.createSnapshot({ volume_id: v.id });
    const fromSnap = w.demo.block.createVolume({ snapshot_id: snap.id });
    expect(fromSnap).toMatchObject({ size: 1, snapshot_id: snap.id, status: 'creating' });
    expect(w.demo.block.readVolumeData(fromSnap.id, 5, 10)).toEqual(bytes(10, 7));
    const clone = w.demo.block.createVolume({ source_volid: v.id, size: 2 });
    expect(w.demo.block.getVolume(clone.id)).toMatchObject({ size: 2, source_volid: v.id, status: 'available' });
    expect(w.demo.block.readVolumeData(clone.id, 0, 16)).toEqual(new Uint8Array([0, 0, 0, 0, 0, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0]));
    const backup = w.demo.block.createBackup({ volume_id: v.id });
    const restored = w.demo.block.createVolume({ backup_id: backup.id });
    expect(w.demo.block.getVolume(restored.id)).toMatchObject({ status: 'available', size: 1, metadata: { src_backup_id: backup.id } });
    expect(w.demo.block.readVolumeData(restored.id, 5, 10)).toEqual(bytes(10, 7));
  });

  it('from an image: `bootable` is the manager\'s (false in the answer), the bytes and the Glance metadata are the image\'s', () => {
    const w = world(4);
    const img = w.demo.image.getImage(CIRROS_IMAGE_NAME);
    const v = w.demo.block.createVolume({ size: 1, imageRef: img.id });
    expect(v.bootable).toBe('false');
    expect(v.volume_image_metadata).toBeUndefined();
    const shown = w.demo.block.getVolume(v.id);
    expect(shown.bootable).toBe('true');
    expect(shown.volume_image_metadata).toMatchObject({ image_id: img.id, image_name: CIRROS_IMAGE_NAME, disk_format: img.disk_format, container_format: img.container_format, min_disk: '0', min_ram: '0', size: String(img.size), checksum: img.checksum });
    const data = w.demo.image.downloadImageFile(img.id)!.data;
    expect(w.demo.block.readVolumeData(v.id, 0, data.length)).toEqual(data);
  });

  it('item 4: image metadata merge: the properties first, the base fields over them, None-valued ones skipped', () => {
    const w = world(5);
    // no name (None: image_name skipped, so the property stays); a property named as a base field loses to it
    const img = w.demo.image.createImage({ disk_format: 'raw', container_format: 'bare', image_name: 'from-props', image_id: 'not-this', os_distro: 'cirros' } as never);
    w.demo.image.uploadImageData(img.id, bytes(100, 3));
    const v = w.demo.block.createVolume({ size: 1, imageRef: img.id });
    const meta = w.demo.block.getVolume(v.id).volume_image_metadata!;
    expect(meta).toMatchObject({ image_name: 'from-props', image_id: img.id, os_distro: 'cirros', size: '100', min_disk: '0' });
    const named = w.demo.image.createImage({ name: 'real', disk_format: 'raw', container_format: 'bare', image_name: 'from-props' } as never);
    w.demo.image.uploadImageData(named.id, bytes(10, 1));
    const v2 = w.demo.block.createVolume({ size: 1, imageRef: named.id });
    expect(w.demo.block.getVolume(v2.id).volume_image_metadata?.image_name).toBe('real');
  });

  it('item 4: a volume from a snapshot of a bootable volume, and a clone of one, copy its Glance metadata', () => {
    const w = world(6);
    const v = w.demo.block.createVolume({ size: 1, imageRef: CIRROS_IMAGE_NAME });
    const meta = w.demo.block.getVolume(v.id).volume_image_metadata;
    expect(meta).toBeDefined();
    const snap = w.demo.block.createSnapshot({ volume_id: v.id });
    const fromSnap = w.demo.block.createVolume({ snapshot_id: snap.id });
    expect(fromSnap.bootable).toBe('true'); // the API takes the snapshot's volume's flag
    expect(w.demo.block.getVolume(fromSnap.id)).toMatchObject({ bootable: 'true', volume_image_metadata: meta });
    const clone = w.demo.block.createVolume({ source_volid: v.id });
    expect(w.demo.block.getVolume(clone.id)).toMatchObject({ bootable: 'true', volume_image_metadata: meta });
    const blank = w.demo.block.createVolume({ size: 1 });
    const blankSnap = w.demo.block.createSnapshot({ volume_id: blank.id });
    const fromBlank = w.demo.block.getVolume(w.demo.block.createVolume({ snapshot_id: blankSnap.id }).id);
    expect(fromBlank.bootable).toBe('false');
    expect(fromBlank.volume_image_metadata).toBeUndefined();
  });

  it('item 3: the aliases image_id, display_name, display_description; `name`, `description`, `image_id` win', () => {
    const w = world(7);
    const img = w.demo.image.getImage(CIRROS_IMAGE_NAME);
    const v = w.demo.block.createVolume({ size: 1, image_id: img.id, display_name: 'boot', display_description: 'old' });
    expect(v).toMatchObject({ name: 'boot', description: 'old' });
    expect(w.demo.block.getVolume(v.id)).toMatchObject({ bootable: 'true', name: 'boot' });
    expect(w.demo.block.getVolume(v.id).volume_image_metadata?.image_id).toBe(img.id);
    const both = w.demo.block.createVolume({ size: 1, name: 'new', display_name: 'old', description: null, display_description: 'x' });
    expect(both).toMatchObject({ name: 'new', description: null });
    // image_id replaces imageRef even when null (`volume['imageRef'] = volume.pop('image_id')`)
    const blank = w.demo.block.createVolume({ size: 1, image_id: null, imageRef: img.id });
    expect(w.demo.block.getVolume(blank.id).bootable).toBe('false');
  });

  it('item 3: no other key (3.53), metadata keys as the schema\'s pattern, multiattach refused', () => {
    const w = world(8);
    refused(w, () => w.demo.block.createVolume({ size: 1, snapshotid: 'x' } as never), { status: 400, field: 'volume.snapshotid', message: /Additional properties are not allowed \('snapshotid' was unexpected\)/ });
    refused(w, () => w.demo.block.createVolume({ size: 1, metadata: { 'bad key!': 'v' } }), { status: 400, field: 'metadata.bad key!' });
    refused(w, () => w.demo.block.createVolume({ size: 1, metadata: { ['k'.repeat(256)]: 'v' } }), { status: 400 });
    refused(w, () => w.demo.block.createVolume({ size: 1, metadata: { k: 'v'.repeat(256) } }), { status: 400, field: 'metadata.k' });
    refused(w, () => w.demo.block.createVolume({ size: 1, metadata: { k: 5 } as never }), { status: 400, field: 'metadata.k' });
    const ok = w.demo.block.createVolume({ size: 1, metadata: { 'a-b_c:d. e/f': 'v' }, multiattach: false });
    expect(ok.metadata).toEqual({ 'a-b_c:d. e/f': 'v' });
    refused(w, () => w.demo.block.createVolume({ size: 1, multiattach: true }), { status: 400, field: 'multiattach', message: /multiattach parameter has been removed/ });
    refused(w, () => w.demo.block.createVolume({ size: 1, multiattach: 'yes' }), { status: 400, field: 'multiattach' });
    refused(w, () => w.demo.block.createVolume({ size: 1, snapshot_id: 'not-a-uuid' }), { status: 400, field: 'snapshot_id' });
    refused(w, () => w.demo.block.createVolume({ size: 1, group_id: 'g' }), { status: 404, code: 'block.group.not_found' });
    refused(w, () => w.demo.block.createVolume({ size: 0 }), { status: 400, field: 'size' });
    refused(w, () => w.demo.block.createVolume({}), { status: 400, field: 'size', message: "Invalid input received: Volume size 'None' must be an integer and greater than 0" });
  });

  it('item 9: one source only, with Zed\'s message, before the sources\' statuses', () => {
    const w = world(9);
    const v = w.demo.block.createVolume({ size: 1 });
    const snap = w.demo.block.createSnapshot({ volume_id: v.id });
    setVolume(w, v.id, { status: 'error' });
    refused(w, () => w.demo.block.createVolume({ snapshot_id: snap.id, source_volid: v.id }), { status: 400, code: 'block.volume.too_many_sources', message: 'Invalid input received: May specify only one of backup, imageRef, snapshot, source volume' });
    refused(w, () => w.demo.block.createVolume({ size: 1, source_volid: v.id, imageRef: CIRROS_IMAGE_NAME }), { status: 400, code: 'block.volume.too_many_sources' });
    refused(w, () => w.demo.block.createVolume({ source_volid: v.id }), { status: 400, message: "Invalid volume: Originating source volume status must be one of 'available, in-use' values" });
    blockWrite(w.admin, 'test_fixture', (tx) => setRow(tx.draft.block.snapshots, snap.id, { ...(getRow(tx.draft.block.snapshots, snap.id) as SnapshotRow), status: 'error' }));
    refused(w, () => w.demo.block.createVolume({ snapshot_id: snap.id }), { status: 400, message: "Invalid snapshot: Originating snapshot status must be one of 'available' values" });
    // lookups come first (the controller's): an unknown snapshot is a 404 even with two sources
    refused(w, () => w.demo.block.createVolume({ snapshot_id: '00000000-0000-4000-8000-000000000000', source_volid: v.id }), { status: 404 });
  });

  it('item 9: a type other than the source\'s must be one it could be retyped to (`_retype_is_possible`)', () => {
    const w = world(10);
    const v = w.demo.block.createVolume({ size: 1 }); // lvmdriver-1 (volume_backend_name lvmdriver-1)
    const snap = w.demo.block.createSnapshot({ volume_id: v.id });
    // __DEFAULT__ names no backend: not compatible (no disabled volume service either)
    refused(w, () => w.demo.block.createVolume({ source_volid: v.id, volume_type: '__DEFAULT__' }), { status: 400, field: 'volume_type', message: /requested type is not compatible; either match source volume, or omit type argument/ });
    refused(w, () => w.demo.block.createVolume({ snapshot_id: snap.id, volume_type: '__DEFAULT__' }), { status: 400, field: 'volume_type', message: /requested type is not compatible; recommend omitting the type argument/ });
    // the same volume_backend_name: compatible
    w.admin.block.createVolumeType({ name: 'gold', extra_specs: { volume_backend_name: 'lvmdriver-1' } });
    expect(w.demo.block.getVolume(w.demo.block.createVolume({ source_volid: v.id, volume_type: 'gold' }).id)).toMatchObject({ status: 'available', volume_type: 'gold' });
    expect(w.demo.block.getVolume(w.demo.block.createVolume({ snapshot_id: snap.id, volume_type: 'gold' }).id)).toMatchObject({ status: 'available', volume_type: 'gold' });
    // Zed counts the DISABLED volume services: exactly one, and any type is possible
    blockWrite(w.admin, 'test_fixture', (tx) => {
      const svc = tableToArray(tx.draft.block.services).find((r) => r.binary === 'cinder-volume') as ServiceRow;
      setRow(tx.draft.block.services, `${svc.binary}/${svc.host}`, { ...svc, disabled: true });
    });
    const accepted = w.demo.block.createVolume({ source_volid: v.id, volume_type: '__DEFAULT__' });
    expect(accepted.volume_type).toBe('__DEFAULT__');
  });

  it('item 5: provisioning:min_vol_size / max_vol_size of the type asked for (else the default one) bound the size', () => {
    const w = world(11);
    w.admin.block.createVolumeType({ name: 'small', extra_specs: { 'provisioning:max_vol_size': '2', 'provisioning:min_vol_size': '2' } });
    refused(w, () => w.demo.block.createVolume({ size: 5, volume_type: 'small' }), { status: 400, field: 'size', message: "Invalid input received: Specified volume size of '5' is greater than the maximum allowable size of '2' for volume type 'small'." });
    refused(w, () => w.demo.block.createVolume({ size: 1, volume_type: 'small' }), { status: 400, field: 'size', message: /less than the minimum required size of '2'/ });
    const v = w.demo.block.createVolume({ size: 2, volume_type: 'small' });
    expect(w.demo.block.getVolume(v.id).status).toBe('available');
    refused(w, () => w.demo.block.extendVolume(v.id, { new_size: 3 }), { status: 400, field: 'new_size', message: /greater than the maximum allowable size of '2'/ });
    expect(w.demo.block.getVolume(v.id)).toMatchObject({ size: 2, status: 'available' });
  });

  it('item 6: the zones a volume may ask for always include storage_availability_zone', () => {
    const w = world(12);
    // the volume service reports another zone than storage_availability_zone ('nova')
    blockWrite(w.admin, 'test_fixture', (tx) => {
      for (const svc of tableToArray(tx.draft.block.services)) setRow(tx.draft.block.services, `${svc.binary}/${svc.host}`, { ...svc, zone: 'az1' });
    });
    expect([...volumes.storageZones(blockRead(w.demo))].sort()).toEqual(['az1', 'nova']);
    expect(w.demo.block.createVolume({ size: 1, availability_zone: 'nova' }).availability_zone).toBe('nova');
    expect(w.demo.block.createVolume({ size: 1, availability_zone: 'az1' }).availability_zone).toBe('az1');
    refused(w, () => w.demo.block.createVolume({ size: 1, availability_zone: 'az2' }), { status: 400, field: 'availability_zone', message: "Availability zone 'az2' is invalid." });
  });

  it('item 7: a source gone when the manager runs leaves the volume in `error`, not blank and available', () => {
    // an image deleted while it downloads (clock): error, after create.start, no create.end
    const w = world(13, { progression: 'clock' });
    const seen = record(w, 'volume.create');
    const img = w.demo.image.createImage({ name: 'mine', disk_format: 'raw', container_format: 'bare' } as never);
    w.demo.image.uploadImageData(img.id, bytes(1000, 5));
    w.cloud.clock.advance(60);
    const v = w.demo.block.createVolume({ size: 1, imageRef: img.id });
    w.demo.image.deleteImage(img.id);
    w.cloud.clock.advance(60);
    expect(w.demo.block.getVolume(v.id)).toMatchObject({ status: 'error', bootable: 'false' });
    expect(seen.map((n) => n.event_type)).toEqual(['volume.create.start']);
    expect(pool(w).allocated_capacity_gb).toBe(0);
    // a snapshot or a source volume gone before the manager runs
    const w2 = world(14);
    const src = w2.demo.block.createVolume({ size: 1 });
    const snap = w2.demo.block.createSnapshot({ volume_id: src.id });
    for (const body of [{ snapshot_id: snap.id }, { source_volid: src.id }]) {
      const id = blockWrite(w2.demo, 'create_volume', (tx, ctx) => {
        const made = volumeCreate.createVolume(tx, ctx, body);
        // the source disappears before the task runs (a fixture: the API would refuse this delete)
        if ('snapshot_id' in body) volumeDelete.removeSnapshotRow(tx, getRow(tx.draft.block.snapshots, snap.id) as SnapshotRow);
        else deleteRow(tx.draft.block.volumes, src.id);
        volumeCreate.runCreate(tx, { volume_id: made.id, image_id: null });
        return made.id;
      });
      expect(row(w2, id)).toMatchObject({ status: 'error', host: null });
    }
  });

  it('bad input of any shape is a 4xx naming the field, and changes nothing (seed 4401)', () => {
    const w = world(4401);
    const v = w.demo.block.createVolume({ size: 1 });
    const junk = fc.oneof(
      fc.constant(null),
      fc.constant(Number.NaN),
      fc.constant(1e308),
      fc.constant(-1),
      fc.constant([]),
      fc.constant(''),
      fc.constant('x'.repeat(300)),
      fc.constant(JSON.parse('{"__proto__": {"polluted": 1}}')),
      fc.constant(Object.create(null)),
      fc.constant(Symbol('s')),
      fc.constant({ deep: { deeper: { deepest: [1, 2, 3] } } }),
      fc.string(),
      fc.integer(),
      fc.boolean(),
    );
    const circular = (): Record<string, unknown> => {
      const o: Record<string, unknown> = { name: 'c' };
      o.self = o;
      return o;
    };
    const calls: ((x: unknown) => unknown)[] = [
      (x) => w.demo.block.createVolume(x as never),
      (x) => w.demo.block.createVolume({ size: x } as never),
      (x) => w.demo.block.createVolume({ size: 1, name: x } as never),
      (x) => w.demo.block.createVolume({ size: 1, display_name: x } as never),
      (x) => w.demo.block.createVolume({ size: 1, metadata: x } as never),
      (x) => w.demo.block.createVolume({ size: 1, metadata: { k: x } } as never),
      (x) => w.demo.block.createVolume({ size: 1, volume_type: x } as never),
      (x) => w.demo.block.createVolume({ size: 1, availability_zone: x } as never),
      (x) => w.demo.block.createVolume({ snapshot_id: x } as never),
      (x) => w.demo.block.createVolume({ source_volid: x } as never),
      (x) => w.demo.block.createVolume({ size: 1, imageRef: x } as never),
      (x) => w.demo.block.createVolume({ size: 1, image_id: x } as never),
      (x) => w.demo.block.createVolume({ backup_id: x } as never),
      (x) => w.demo.block.createVolume({ size: 1, multiattach: x } as never),
      (x) => w.demo.block.getVolume(x as never),
      (x) => w.demo.block.listVolumes(x as never),
      (x) => w.demo.block.listVolumes({ sort_key: x } as never),
      (x) => w.demo.block.listVolumes({ sort_dir: x } as never),
      (x) => w.demo.block.listVolumes({ name: x } as never),
      (x) => w.demo.block.listVolumes({ limit: x } as never),
      (x) => w.demo.block.listVolumes({ marker: x } as never),
      (x) => w.demo.block.listVolumes({ bootable: x } as never),
      (x) => w.demo.block.listVolumes({ metadata: x } as never),
      (x) => w.demo.block.updateVolume(v.id, x as never),
      (x) => w.demo.block.updateVolume(v.id, { name: x } as never),
      (x) => w.demo.block.updateVolume(v.id, { metadata: x } as never),
      (x) => w.demo.block.updateVolume(x as never, { name: 'n' }),
      (x) => w.demo.block.deleteVolume(x as never),
      (x) => w.demo.block.deleteVolume(v.id, x as never),
      (x) => w.demo.block.deleteVolume(v.id, { cascade: x } as never),
      (x) => w.demo.block.extendVolume(v.id, x as never),
      (x) => w.demo.block.extendVolume(v.id, { new_size: x } as never),
      (x) => w.demo.block.writeVolumeData(v.id, x as never, bytes(1, 1)),
      (x) => w.demo.block.writeVolumeData(v.id, 0, x as never),
      (x) => w.demo.block.readVolumeData(v.id, x as never, 1),
      (x) => w.demo.block.readVolumeData(v.id, 0, x as never),
    ];
    fc.assert(
      fc.property(fc.nat(calls.length - 1), fc.oneof(junk, fc.constant('__circular__')), (i, raw) => {
        const x = raw === '__circular__' ? circular() : raw;
        const before = w.cloud.state;
        try {
          calls[i]!(x);
        } catch (e) {
          expect(e).toBeInstanceOf(CloudError);
          const err = e as CloudError;
          expect(err.status, err.message).toBeGreaterThanOrEqual(400);
          expect(err.status, err.message).toBeLessThan(500);
          // the message names the field (Zed's own wording may spell it in words: "Availability zone '…' is invalid.")
          const words = (t: string): string => t.toLowerCase().replace(/_/g, ' ');
          if (err.status === 400 && typeof err.details.field === 'string') expect(words(err.message)).toContain(words(err.details.field));
          expect(w.cloud.state).toBe(before);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }
      }),
      { seed: 4401, numRuns: 500 },
    );
  });
});

// ------------------------------------------------------------------------------ show, list, update

describe('show, list, update', () => {
  it('shows to its project and admins only; a reader sees it', () => {
    const w = world(20);
    const v = w.demo.block.createVolume({ size: 1, name: 'mine' });
    expect(w.reader.block.getVolume(v.id).id).toBe(v.id);
    expect(w.demo.block.getVolume('mine').id).toBe(v.id);
    refused(w, () => w.alt.block.getVolume(v.id), { status: 404 });
    expect(w.admin.block.getVolume(v.id)['os-vol-host-attr:host']).toBe('controller@lvmdriver-1#lvmdriver-1');
  });

  it('lists with filters, sorting and paging; admins with all_tenants', () => {
    const w = world(21);
    const a = w.demo.block.createVolume({ size: 1, name: 'a', metadata: { tier: 'gold' } });
    const b = w.demo.block.createVolume({ size: 3, name: 'b' });
    const c = w.demo.block.createVolume({ size: 2, name: 'c' });
    w.alt.block.createVolume({ size: 1, name: 'alt' });
    expect(w.demo.block.listVolumes({ sort_key: 'size', sort_dir: 'asc' }).map((v) => v.name)).toEqual(['a', 'c', 'b']);
    expect(w.demo.block.listVolumes({ name: 'b' }).map((v) => v.id)).toEqual([b.id]);
    expect(w.demo.block.listVolumes({ metadata: { tier: 'gold' } }).map((v) => v.id)).toEqual([a.id]);
    expect(w.demo.block.listVolumes({ sort_key: 'name', sort_dir: 'asc', limit: 1, marker: a.id }).map((v) => v.id)).toEqual([b.id]);
    expect(w.demo.block.listVolumes({ limit: '2' } as never)).toHaveLength(2);
    expect(w.demo.block.listVolumeSummaries({ sort_key: 'name', sort_dir: 'desc' }).map((v) => v.id)).toEqual([c.id, b.id, a.id]);
    expect(w.admin.block.listVolumes({ all_tenants: true })).toHaveLength(4);
    expect(w.admin.block.listVolumes({ all_tenants: 1, project_id: projectOf(w.alt) }).map((v) => v.name)).toEqual(['alt']);
    refused(w, () => w.demo.block.listVolumes({ sort_key: 'colour' }), { status: 400, field: 'sort_key' });
    refused(w, () => w.demo.block.listVolumes({ colour: 'red' } as never), { status: 400, field: 'colour' });
    refused(w, () => w.demo.block.listVolumes({ marker: 'nope' }), { status: 400, field: 'marker' });
  });

  it('item 13: every query field is type-checked first: no TypeError for a null-prototype object or a Symbol', () => {
    const w = world(22);
    w.demo.block.createVolume({ size: 1 });
    for (const field of ['sort_key', 'sort_dir', 'name', 'status', 'availability_zone', 'project_id', 'marker', 'bootable', 'limit', 'all_tenants']) {
      for (const bad of [Object.create(null), Symbol('x'), { toString: () => 'name' }, [] as unknown]) {
        refused(w, () => w.admin.block.listVolumes({ all_tenants: true, [field]: bad } as never), { status: 400, field: field === 'all_tenants' ? undefined : field });
      }
    }
  });

  it('updates name, description (their display_ forms: `name` wins) and metadata; update.start / .end', () => {
    const w = world(23);
    const seen = record(w, 'volume.update');
    const v = w.demo.block.createVolume({ size: 1, metadata: { a: '1' } });
    expect(w.demo.block.updateVolume(v.id, { name: 'n', description: 'd' })).toMatchObject({ name: 'n', description: 'd', metadata: { a: '1' } });
    expect(w.demo.block.updateVolume(v.id, { display_name: 'dn', display_description: 'dd' })).toMatchObject({ name: 'dn', description: 'dd' });
    expect(w.demo.block.updateVolume(v.id, { name: null, display_name: 'ignored' })).toMatchObject({ name: null });
    expect(w.demo.block.updateVolume(v.id, { metadata: { b: '2' } }).metadata).toEqual({ b: '2' });
    expect(seen.map((n) => n.event_type)).toEqual(['volume.update.start', 'volume.update.end', 'volume.update.start', 'volume.update.end', 'volume.update.start', 'volume.update.end', 'volume.update.start', 'volume.update.end']);
    refused(w, () => w.reader.block.updateVolume(v.id, { name: 'x' }), { status: 403 });
    refused(w, () => w.alt.block.updateVolume(v.id, { name: 'x' }), { status: 404 });
  });

  it('item 3: update refuses other keys, `metadata: null`, bad metadata keys and an empty body', () => {
    const w = world(24);
    const v = w.demo.block.createVolume({ size: 1 });
    refused(w, () => w.demo.block.updateVolume(v.id, { name: 'a', bogus: 1 } as never), { status: 400, field: 'volume.bogus' });
    refused(w, () => w.demo.block.updateVolume(v.id, { metadata: null } as never), { status: 400, field: 'metadata' });
    refused(w, () => w.demo.block.updateVolume(v.id, { metadata: { 'no*star': 'v' } }), { status: 400, field: 'metadata.no*star' });
    refused(w, () => w.demo.block.updateVolume(v.id, {}), { status: 400, field: 'volume' });
    setVolume(w, v.id, { status: 'maintenance' });
    refused(w, () => w.demo.block.updateVolume(v.id, { name: 'm' }), { status: 400, message: 'Invalid volume: The volume cannot be updated during maintenance.' });
  });
});

// ------------------------------------------------------------------------------ delete

describe('delete', () => {
  it('deletes an available volume: pool, quota, content and blobs go; delete.start / .end from the backend', () => {
    const w = world(30);
    const v = w.demo.block.createVolume({ size: 2 });
    w.demo.block.writeVolumeData(v.id, 0, bytes(BLOCK_SIZE + 10, 9));
    const blobs = w.cloud.state.blobs.size;
    const seen = record(w, 'volume.delete');
    w.demo.block.deleteVolume(v.id);
    expect(row(w, v.id)).toBeUndefined();
    expect(pool(w)).toMatchObject({ allocated_capacity_gb: 0, written_blocks: 0 });
    expect(usage(w, w.demo, 'gigabytes')).toBe(0);
    expect(tablePrefix(w.cloud.state.block.blocks, `${v.id}/`)).toEqual([]);
    expect(w.cloud.state.blobs.size).toBeLessThan(blobs);
    expect(kinds(seen)).toEqual(['volume.delete.start volume.controller@lvmdriver-1', 'volume.delete.end volume.controller@lvmdriver-1']);
  });

  it('refuses a volume with snapshots, attached, migrating, or in another status; its project only', () => {
    const w = world(31);
    const v = w.demo.block.createVolume({ size: 1 });
    const snap = w.demo.block.createSnapshot({ volume_id: v.id });
    refused(w, () => w.demo.block.deleteVolume(v.id), { status: 400, message: /must not be migrating, attached, belong to a group, have snapshots/ });
    w.demo.block.deleteSnapshot(snap.id);
    setVolume(w, v.id, { status: 'in-use', attach_status: 'attached' });
    refused(w, () => w.demo.block.deleteVolume(v.id), { status: 400 });
    refused(w, () => w.admin.block.forceDeleteVolume(v.id), { status: 400, message: 'Invalid volume: Volume must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.' });
    setVolume(w, v.id, { status: 'available', attach_status: 'detached', migration_status: 'migrating' });
    refused(w, () => w.demo.block.deleteVolume(v.id), { status: 400 });
    setVolume(w, v.id, { migration_status: null, status: 'extending' });
    refused(w, () => w.demo.block.deleteVolume(v.id), { status: 400, message: /status must be available or error or error_restoring or error_extending or error_managing and/ });
    setVolume(w, v.id, { status: 'available' });
    refused(w, () => w.alt.block.deleteVolume(v.id), { status: 404 });
    refused(w, () => w.reader.block.deleteVolume(v.id), { status: 403 });
    refused(w, () => w.demo.block.forceDeleteVolume(v.id), { status: 403 });
  });

  it('item 16: a never-scheduled volume is destroyed by the API with its blocks (after a reset and a write)', () => {
    const w = world(32);
    const v = w.demo.block.createVolume({ size: 500 });
    expect(w.demo.block.getVolume(v.id).status).toBe('error');
    w.admin.block.resetVolumeStatus(v.id, { status: 'available' });
    const blobs = w.cloud.state.blobs.size;
    w.demo.block.writeVolumeData(v.id, 0, bytes(4096, 7));
    const seen = record(w, 'volume.delete');
    w.demo.block.deleteVolume(v.id);
    expect(row(w, v.id)).toBeUndefined();
    expect(tableToArray(w.cloud.state.block.blocks)).toEqual([]);
    expect(w.cloud.state.blobs.size).toBe(blobs);
    expect(usage(w, w.demo, 'gigabytes')).toBe(0);
    expect(kinds(seen)).toEqual(['volume.delete.start volume.controller', 'volume.delete.end volume.controller']);
  });

  it('item 17: cascade moves the snapshots to `deleting` in the call; the manager sends snapshot.delete.start / .end for each', () => {
    const w = world(33, { progression: 'clock' });
    const v = w.demo.block.createVolume({ size: 1 });
    w.cloud.clock.advance(1);
    const s1 = w.demo.block.createSnapshot({ volume_id: v.id });
    const s2 = w.demo.block.createSnapshot({ volume_id: v.id });
    w.cloud.clock.advance(1);
    expect(snapRow(w, s1.id)?.status).toBe('available');
    const seen = record(w, 'snapshot.delete', 'volume.delete');
    w.demo.block.deleteVolume(v.id, { cascade: true });
    expect(row(w, v.id)?.status).toBe('deleting');
    expect([snapRow(w, s1.id)?.status, snapRow(w, s2.id)?.status]).toEqual(['deleting', 'deleting']);
    expect(seen).toEqual([]);
    w.cloud.clock.advance(1);
    expect(row(w, v.id)).toBeUndefined();
    expect(snapRow(w, s1.id)).toBeUndefined();
    expect(usage(w, w.demo, 'snapshots')).toBe(0);
    expect(kinds(seen)).toEqual([
      'volume.delete.start volume.controller@lvmdriver-1',
      'snapshot.delete.start volume.controller@lvmdriver-1',
      'snapshot.delete.end volume.controller@lvmdriver-1',
      'snapshot.delete.start volume.controller@lvmdriver-1',
      'snapshot.delete.end volume.controller@lvmdriver-1',
      'volume.delete.end volume.controller@lvmdriver-1',
    ]);
    expect(seen.filter((n) => n.event_type === 'snapshot.delete.end').map((n) => (n.payload as { status: string }).status)).toEqual(['deleted', 'deleted']);
  });

  it('cascade: only snapshots available or error (any with force); a snapshot no longer `deleting` makes the volume error_deleting', () => {
    const w = world(34, { progression: 'clock' });
    const v = w.demo.block.createVolume({ size: 1 });
    w.cloud.clock.advance(1);
    const s = w.demo.block.createSnapshot({ volume_id: v.id });
    w.cloud.clock.advance(1);
    blockWrite(w.admin, 'test_fixture', (tx) => setRow(tx.draft.block.snapshots, s.id, { ...(getRow(tx.draft.block.snapshots, s.id) as SnapshotRow), status: 'deleting' }));
    refused(w, () => w.demo.block.deleteVolume(v.id, { cascade: true }), { status: 400 });
    blockWrite(w.admin, 'test_fixture', (tx) => setRow(tx.draft.block.snapshots, s.id, { ...(getRow(tx.draft.block.snapshots, s.id) as SnapshotRow), status: 'available' }));
    w.demo.block.deleteVolume(v.id, { cascade: true });
    // the snapshot changes under the manager's feet
    blockWrite(w.admin, 'test_fixture', (tx) => setRow(tx.draft.block.snapshots, s.id, { ...(getRow(tx.draft.block.snapshots, s.id) as SnapshotRow), status: 'available' }));
    w.cloud.clock.advance(1);
    expect(row(w, v.id)?.status).toBe('error_deleting');
    expect(snapRow(w, s.id)?.status).toBe('available');
  });

  it('item 11: force delete from any status through the graph (no setRow bypass), `deleting` included; a reserved attachment does not stop it', () => {
    for (const status of Object.keys(VOLUME_TRANSITIONS) as VolumeStatus[]) expect(VOLUME_TRANSITIONS[status].includes('deleting') || status === 'deleting', status).toBe(true);
    for (const status of Object.keys(SNAPSHOT_TRANSITIONS) as SnapshotRow['status'][]) if (status !== 'deleted') expect(SNAPSHOT_TRANSITIONS[status].includes('deleting') || status === 'deleting', status).toBe(true);
    const w = world(35, { progression: 'clock' });
    const v = w.demo.block.createVolume({ size: 1 });
    w.cloud.clock.advance(1);
    w.demo.block.deleteVolume(v.id);
    expect(row(w, v.id)?.status).toBe('deleting');
    refused(w, () => w.demo.block.deleteVolume(v.id), { status: 400 });
    w.admin.block.forceDeleteVolume(v.id); // a stuck delete retried
    w.cloud.clock.advance(1);
    expect(row(w, v.id)).toBeUndefined();
    const w2 = world(36);
    for (const status of ['creating', 'extending', 'retyping', 'reserved', 'maintenance', 'awaiting-transfer', 'error_deleting'] as VolumeStatus[]) {
      const x = w2.demo.block.createVolume({ size: 1 });
      setVolume(w2, x.id, { status });
      w2.admin.block.forceDeleteVolume(x.id);
      expect(row(w2, x.id), status).toBeUndefined();
    }
    // an attachment still reserved (attach_status not `attached`): Zed's condition lets it go, with its attachment
    const y = w2.demo.block.createVolume({ size: 1 });
    const att = w2.demo.block.createAttachment({ volume_uuid: y.id, instance_uuid: '11111111-2222-4333-8444-555555555555' });
    expect(row(w2, y.id)).toMatchObject({ status: 'reserved', attach_status: 'detached' });
    w2.admin.block.forceDeleteVolume(y.id);
    expect(row(w2, y.id)).toBeUndefined();
    expect(getRow(w2.cloud.state.block.attachments, att.id)).toBeUndefined();
    expect(tablePrefix(w2.cloud.state.block.volume_attachments, `${y.id}/`)).toEqual([]);
    expect(pool(w2).allocated_capacity_gb).toBe(0);
  });

  it('item 18: a force-deleted volume awaiting a transfer takes its transfer along, found by the volume_transfers index', () => {
    const w = world(37);
    const v = w.demo.block.createVolume({ size: 1 });
    const t = w.demo.block.createVolumeTransfer({ volume_id: v.id });
    expect(tablePrefix(w.cloud.state.block.volume_transfers, `${v.id}/`).map(([, id]) => id)).toEqual([t.id]);
    w.admin.block.forceDeleteVolume(v.id);
    expect(getRow(w.cloud.state.block.transfers, t.id)).toBeUndefined();
    expect(tableToArray(w.cloud.state.block.volume_transfers)).toEqual([]);
    // accept and delete keep the index in step
    const a = w.demo.block.createVolume({ size: 1 });
    const ta = w.demo.block.createVolumeTransfer({ volume_id: a.id });
    w.alt.block.acceptVolumeTransfer(ta.id, { auth_key: ta.auth_key });
    const b = w.demo.block.createVolume({ size: 1 });
    const tb = w.demo.block.createVolumeTransfer({ volume_id: b.id });
    w.demo.block.deleteVolumeTransfer(tb.id);
    expect(tableToArray(w.cloud.state.block.volume_transfers)).toEqual([]);
  });

  it('refuses on a frozen backend (assert_not_frozen)', () => {
    const w = world(38);
    const v = w.demo.block.createVolume({ size: 1 });
    w.admin.block.updateService('freeze', { host: 'controller@lvmdriver-1' });
    refused(w, () => w.demo.block.deleteVolume(v.id), { status: 400, code: 'block.backend.frozen' });
  });
});

// ------------------------------------------------------------------------------ extend

describe('extend', () => {
  it('grows an available volume: quota, pool; resize.start / .end from the backend', () => {
    const w = world(40);
    const v = w.demo.block.createVolume({ size: 1 });
    const seen = record(w, 'volume.resize');
    w.demo.block.extendVolume(v.id, { new_size: 3 });
    expect(w.demo.block.getVolume(v.id)).toMatchObject({ size: 3, status: 'available' });
    expect(pool(w).allocated_capacity_gb).toBe(3);
    expect(usage(w, w.demo, 'gigabytes')).toBe(3);
    expect(kinds(seen)).toEqual(['volume.resize.start volume.controller@lvmdriver-1', 'volume.resize.end volume.controller@lvmdriver-1']);
    expect((seen[1]!.payload as { size: number }).size).toBe(3);
  });

  it('grows an in-use volume (volume:extend_attached_volume), which stays in-use', () => {
    const w = world(41);
    const v = w.demo.block.createVolume({ size: 1 });
    const att = w.demo.block.createAttachment({ volume_uuid: v.id, instance_uuid: '11111111-2222-4333-8444-555555555555', connector: { initiator: 'iqn.x', host: 'compute-1', mountpoint: '/dev/vdb' } as never });
    w.demo.block.completeAttachment(att.id);
    expect(row(w, v.id)?.status).toBe('in-use');
    w.demo.block.extendVolume(v.id, { new_size: 2 });
    expect(row(w, v.id)).toMatchObject({ status: 'in-use', size: 2 });
  });

  it('items 1 and 10: no room: the quota goes back, the volume back to its previous status (previous_status null), no notification', () => {
    const w = world(42, { block: { backends: [{ name: 'lvmdriver-1', thin: false, size_gb: 10 }] } });
    const v = w.demo.block.createVolume({ size: 5 });
    const seen = record(w, 'volume.resize');
    const before = pool(w);
    w.demo.block.extendVolume(v.id, { new_size: 20 });
    expect(row(w, v.id)).toMatchObject({ status: 'available', size: 5, previous_status: null });
    expect(usage(w, w.demo, 'gigabytes')).toBe(5);
    expect(pool(w)).toEqual(before);
    expect(seen).toEqual([]);
  });

  it('items 1 and 10: the size is checked before the status, with Zed\'s messages', () => {
    const w = world(43);
    const v = w.demo.block.createVolume({ size: 500 }); // error
    refused(w, () => w.demo.block.extendVolume(v.id, { new_size: 1 }), { status: 400, field: 'new_size', message: 'Invalid input received: New size for extend must be greater than current size. (current: 500, extended: 1).' });
    refused(w, () => w.demo.block.extendVolume(v.id, { new_size: 501 }), { status: 400, message: `Invalid volume: Volume ${v.id} status must be '{'status': 'available'}' to extend, currently error.` });
    refused(w, () => w.demo.block.extendVolume(v.id, { new_size: 501, colour: 1 } as never), { status: 400, field: 'os-extend.colour' });
    const ok = w.demo.block.createVolume({ size: 1 });
    refused(w, () => w.reader.block.extendVolume(ok.id, { new_size: 2 }), { status: 403 });
    refused(w, () => w.alt.block.extendVolume(ok.id, { new_size: 2 }), { status: 404 });
  });
});

// ------------------------------------------------------------------------------ content, views, pools

describe('content', () => {
  it('writes and reads bytes across block boundaries; zeros where nothing was written', () => {
    const w = world(50);
    const v = w.demo.block.createVolume({ size: 1 });
    const data = new Uint8Array(BLOCK_SIZE * 2 + 100).map((_, i) => (i % 251) + 1);
    w.demo.block.writeVolumeData(v.id, BLOCK_SIZE - 50, data);
    expect(w.demo.block.readVolumeData(v.id, BLOCK_SIZE - 50, data.length)).toEqual(data);
    expect(w.demo.block.readVolumeData(v.id, 0, 10)).toEqual(new Uint8Array(10));
    expect(w.demo.block.readVolumeData(v.id, GIB - 4, 4)).toEqual(new Uint8Array(4));
    expect(w.demo.block.readVolumeData(v.id, 0, 0)).toEqual(new Uint8Array(0));
    expect(pool(w).written_blocks).toBe(4);
    w.demo.block.writeVolumeData(v.id, 0, 'hi');
    expect(new TextDecoder().decode(w.demo.block.readVolumeData(v.id, 0, 2))).toBe('hi');
    refused(w, () => w.demo.block.writeVolumeData(v.id, GIB - 1, bytes(2, 1)), { status: 400, field: 'offset' });
  });

  it('item 18: readBytes looks up only the blocks of the range (a block index far out is found)', () => {
    const w = world(51);
    const v = w.demo.block.createVolume({ size: 1 });
    blockWrite(w.demo, 'test_write', (tx) => {
      writeBytes(tx, v.id, 3 * BLOCK_SIZE + 7, bytes(3, 4));
      writeBytes(tx, v.id, 20000 * BLOCK_SIZE, bytes(BLOCK_SIZE, 2));
    });
    expect(readBytes(w.cloud.state, v.id, 3 * BLOCK_SIZE + 6, 5)).toEqual(new Uint8Array([0, 4, 4, 4, 0]));
    expect(readBytes(w.cloud.state, v.id, 20000 * BLOCK_SIZE - 1, 3)).toEqual(new Uint8Array([0, 2, 2]));
    expect(readBytes(w.cloud.state, v.id, 0, 0)).toEqual(new Uint8Array(0));
  });

  it('item 15: data is read after the lookup and the policy: 404 / 403 before a 400 on data', () => {
    const w = world(52);
    const v = w.demo.block.createVolume({ size: 1 });
    refused(w, () => w.alt.block.writeVolumeData(v.id, 0, 5 as never), { status: 404 });
    refused(w, () => w.reader.block.writeVolumeData(v.id, 0, 5 as never), { status: 403 });
    refused(w, () => w.demo.block.writeVolumeData(v.id, 0, 5 as never), { status: 400, field: 'data' });
  });
});

describe('views and pools', () => {
  it('item 2: shared_targets is true without a host, false once placed on LVM, RBD or NFS', () => {
    for (const driver of ['lvm', 'rbd', 'nfs'] as const) {
      const w = world(60, { block: { backends: [{ name: `b-${driver}`, driver, size_gb: 10 }] } });
      const v = w.demo.block.createVolume({ size: 1 });
      expect(v.shared_targets).toBe(true);
      expect(w.demo.block.getVolume(v.id).shared_targets, driver).toBe(false);
      const big = w.demo.block.createVolume({ size: 500 });
      expect(w.demo.block.getVolume(big.id)).toMatchObject({ status: 'error', shared_targets: true });
    }
  });

  it('item 12: NFS pools report no multiattach; LVM and RBD do', () => {
    const w = world(61, { block: { backends: [{ name: 'lvm-1', driver: 'lvm' }, { name: 'ceph', driver: 'rbd' }, { name: 'nfs-1', driver: 'nfs' }] } });
    const byDriver = Object.fromEntries(tableToArray(w.cloud.state.block.pools).map((p) => [p.driver, p.multiattach]));
    expect(byDriver).toEqual({ lvm: true, rbd: true, nfs: false });
    const pools = w.admin.block.listPools({ detail: true } as never) as unknown as { name: string; capabilities: { multiattach: boolean } }[];
    expect(pools.find((p) => p.name.includes('@nfs-1'))?.capabilities.multiattach).toBe(false);
  });
});
