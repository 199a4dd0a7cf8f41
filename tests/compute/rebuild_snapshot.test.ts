/**
 * Rebuild (src/compute/rebuild.ts) and createImage / createBackup (src/compute/snapshot.ts)
 * against nova Zed: the answers, the states on the way and at the end, the notifications, the
 * instance actions and events, the host's image cache, the Glance images made (their properties,
 * visibility, data), backup rotation, the checks nova-api makes (400 / 403 / 404 / 409) with
 * nothing changed, and Placement untouched.
 */
import { describe, expect, it } from 'vitest';
import { getRow, tablePrefix } from '../../src/core/index.js';
import type { Cloud, Session } from '../../src/index.js';
import * as RB from '../../src/compute/rebuild.js';
import * as SN from '../../src/compute/snapshot.js';
import { allocationsOf } from '../../src/scheduler/index.js';
import { CIRROS_IMAGE_NAME, cirrosBytes } from '../../src/image/index.js';
import { boot, computeWorld, errorOf, eventsDuring, rowOf, type ComputeWorld } from './support.js';

/** A second bootable image of demo's (qcow2, some bytes), with extra attributes. */
function image(s: Session, name: string, extra: Record<string, unknown> = {}, size = 4096): string {
  const img = s.image.createImage({ name, disk_format: 'qcow2', container_format: 'bare', ...extra });
  s.image.uploadImageData(img.id, new Uint8Array(size).fill(7));
  return img.id;
}

/** Steps of the last call's trace (its tasks included). */
function lastTrace(cloud: Cloud): string[] {
  return (cloud.trace(cloud.kernel.lastRequestId!)?.steps ?? []).map((st) => `${st.service}: ${st.action}`);
}

describe('rebuild', () => {
  it('answers REBUILD with adminPass and user_data, then ACTIVE on the same host with the same allocation; exists, rebuild.start, rebuild.end', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm', { metadata: { old: '1' } });
    const host = rowOf(w.cloud, s.id).host;
    const alloc = allocationsOf(w.cloud.state, s.id);
    const img2 = image(w.demo, 'img2');
    w.cloud.clock.advance(1);
    let answer: RB.RebuiltServerView | undefined;
    const events = eventsDuring(w.cloud, () => {
      answer = w.demo.compute.rebuildServer(s.id, { imageRef: img2, name: 'vm2', metadata: { new: '2' }, adminPass: 'pw', description: 'rebuilt', user_data: 'aGVsbG8=' }) as RB.RebuiltServerView;
    });
    expect(answer?.status).toBe('REBUILD');
    expect(answer?.['OS-EXT-STS:task_state']).toBe('rebuilding');
    expect([answer?.adminPass, answer?.user_data, answer?.name]).toEqual(['pw', 'aGVsbG8=', 'vm2']);
    expect(events).toEqual(['compute.instance.exists', 'compute.instance.rebuild.start', 'compute.instance.rebuild.end']);
    const r = rowOf(w.cloud, s.id);
    expect([r.vm_state, r.task_state, r.power_state, r.host, r.image_ref, r.name, r.description]).toEqual(['active', null, 1, host, img2, 'vm2', 'rebuilt']);
    expect(r.metadata).toEqual({ new: '2' });
    expect(allocationsOf(w.cloud.state, s.id)).toEqual(alloc);
    const [last] = w.demo.compute.listInstanceActions(s.id);
    expect(last?.action).toBe('rebuild');
    expect(w.admin.compute.getInstanceAction(s.id, last!.request_id).events?.map((e) => [e.event, e.result])).toEqual([['compute_rebuild_instance', 'Success']]);
  });

  it('a generated password follows enable_instance_password; without it no adminPass', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const a = w.demo.compute.rebuildServer(s.id, { imageRef: CIRROS_IMAGE_NAME }) as RB.RebuiltServerView;
    expect(a.adminPass).toMatch(/^[a-zA-Z0-9]{12}$/);
    const w2 = computeWorld(2, { nova: { enable_instance_password: false } });
    const s2 = boot(w2.demo, 'vm');
    const b = w2.demo.compute.rebuildServer(s2.id, { imageRef: CIRROS_IMAGE_NAME }) as RB.RebuiltServerView;
    expect('adminPass' in b).toBe(false);
  });

  it('fetches a new image into the host\'s image cache once; the second rebuild finds it there', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const host = rowOf(w.cloud, s.id).host as string;
    const img2 = image(w.demo, 'img2');
    expect(getRow(w.cloud.state.compute.image_cache, `${host}/${img2}`)).toBeUndefined();
    w.demo.compute.rebuildServer(s.id, { imageRef: img2 });
    expect(lastTrace(w.cloud).some((t) => t.includes(`image ${img2} (4096 bytes) downloaded from Glance into ${host}'s image cache`))).toBe(true);
    expect(getRow(w.cloud.state.compute.image_cache, `${host}/${img2}`)?.size).toBe(4096);
    w.demo.compute.rebuildServer(s.id, { imageRef: img2 });
    expect(lastTrace(w.cloud).some((t) => t.includes(`image ${img2} found in ${host}'s image cache: no download`))).toBe(true);
  });

  it('a SHUTOFF server is rebuilt and stopped again (power_off.* inside the rebuild)', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    w.demo.compute.stopServer(s.id);
    w.cloud.clock.advance(1);
    const events = eventsDuring(w.cloud, () => w.demo.compute.rebuildServer(s.id, { imageRef: CIRROS_IMAGE_NAME }));
    expect(events).toEqual(['compute.instance.exists', 'compute.instance.rebuild.start', 'compute.instance.power_off.start', 'compute.instance.power_off.end', 'compute.instance.rebuild.end']);
    const r = rowOf(w.cloud, s.id);
    expect([r.vm_state, r.task_state, r.power_state]).toEqual(['stopped', null, 4]);
    const [last] = w.admin.compute.listInstanceActions(s.id);
    expect(w.admin.compute.getInstanceAction(s.id, last!.request_id).events?.map((e) => e.event)).toEqual(['compute_rebuild_instance', 'compute_stop_instance']);
  });

  it('an ERROR server rebuilds to ACTIVE', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    w.demo.compute.rebuildServer(s.id, { imageRef: CIRROS_IMAGE_NAME, preserve_ephemeral: true });
    const failed = rowOf(w.cloud, s.id);
    expect([failed.vm_state, failed.task_state, failed.fault?.message]).toEqual(['error', null, 'The current driver does not support preserving ephemeral partitions.']);
    expect(w.demo.compute.getServer(s.id).status).toBe('ERROR');
    w.demo.compute.rebuildServer(s.id, { imageRef: CIRROS_IMAGE_NAME });
    expect(rowOf(w.cloud, s.id).vm_state).toBe('active');
  });

  it("with progression 'clock': rebuilding, then rebuild_spawning until the spawn is done", () => {
    const w = computeWorld(1, { progression: 'clock' });
    const created = w.demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string };
    w.cloud.clock.advance(60);
    w.demo.compute.rebuildServer(created.id, { imageRef: CIRROS_IMAGE_NAME });
    expect(rowOf(w.cloud, created.id).task_state).toBe('rebuilding');
    w.cloud.clock.advance(0);
    expect(rowOf(w.cloud, created.id).task_state).toBe('rebuild_spawning');
    expect(w.demo.compute.getServer(created.id).status).toBe('REBUILD');
    w.cloud.clock.advance(60);
    expect([rowOf(w.cloud, created.id).vm_state, rowOf(w.cloud, created.id).task_state]).toEqual(['active', null]);
  });

  it('keeps a data volume attached through a renewed Cinder attachment', () => {
    const w = computeWorld();
    const cirros = w.demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const s = boot(w.demo, 'vm', { block_device_mapping_v2: [{ uuid: cirros, source_type: 'image', destination_type: 'local', boot_index: 0 }, { source_type: 'blank', destination_type: 'volume', volume_size: 1, delete_on_termination: true }] } as never);
    expect(s.status).toBe('ACTIVE');
    const bdm = () => tablePrefix(w.cloud.state.compute.bdms, `${s.id}/`).map(([, b]) => b).find((b) => b.destination_type === 'volume')!;
    const first = bdm();
    w.demo.compute.rebuildServer(s.id, { imageRef: CIRROS_IMAGE_NAME });
    const after = bdm();
    expect(after.attachment_id).not.toBe(first.attachment_id);
    expect(after.volume_id).toBe(first.volume_id);
    const volume = w.demo.block.getVolume(first.volume_id!);
    expect(volume.status).toBe('in-use');
    expect(volume.attachments.map((a) => [a.attachment_id, a.server_id])).toEqual([[after.attachment_id, s.id]]);
  });

  it('a volume-backed server keeps its root volume and its image', () => {
    const w = computeWorld();
    const cirros = w.demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const s = boot(w.demo, 'bfv', { imageRef: '', block_device_mapping_v2: [{ uuid: cirros, source_type: 'image', destination_type: 'volume', boot_index: 0, volume_size: 1, delete_on_termination: true }] } as never);
    expect(s.status).toBe('ACTIVE');
    const volumeId = s['os-extended-volumes:volumes_attached'][0]!.id;
    w.demo.compute.rebuildServer(s.id, { imageRef: cirros });
    expect(w.demo.compute.getServer(s.id).status).toBe('ACTIVE');
    expect(w.demo.block.getVolume(volumeId).status).toBe('in-use');
    const img2 = image(w.demo, 'img2');
    const before = w.cloud.state;
    const e = errorOf(() => w.demo.compute.rebuildServer(s.id, { imageRef: img2 }));
    expect([e.status, e.details.nova, e.message]).toEqual([400, 'ImageUnacceptable', `Image ${img2} is unacceptable: Unable to rebuild with a different image for a volume-backed server.`]);
    expect(w.cloud.state).toBe(before);
  });

  it("refuses what nova-api refuses, changing nothing", () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const big = image(w.demo, 'big-ram', { min_ram: 1024 });
    const bigDisk = image(w.demo, 'big-disk', { min_disk: 2 });
    const queued = w.demo.image.createImage({ name: 'queued', disk_format: 'qcow2', container_format: 'bare' }).id;
    const projectId = rowOf(w.cloud, s.id).project_id;
    w.cloud.quotas.setLimit(projectId, 'compute.metadata_items', 1);
    const before = w.cloud.state;
    const cases: [unknown, number, string, string][] = [
      [{ imageRef: '00000000-0000-4000-8000-000000000000' }, 400, 'ImageNotFound', 'Cannot find image for rebuild'],
      [{ imageRef: big }, 400, 'FlavorMemoryTooSmall', "Flavor's memory is too small for requested image."],
      [{ imageRef: bigDisk }, 400, 'FlavorDiskSmallerThanMinDisk', "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is 1073741824 bytes, minimum size is 2147483648 bytes."],
      [{ imageRef: queued }, 400, 'ImageNotActive', `Image ${queued} is not active.`],
      [{ imageRef: CIRROS_IMAGE_NAME, key_name: 'nokey' }, 400, 'KeypairNotFound', 'Invalid key_name provided.'],
      [{ imageRef: CIRROS_IMAGE_NAME, metadata: { a: '1', b: '2' } }, 403, 'MetadataLimitExceeded', 'Maximum number of metadata items exceeds 1'],
    ];
    for (const [body, status, nova, message] of cases) {
      const e = errorOf(() => w.demo.compute.rebuildServer(s.id, body as never));
      expect([e.status, e.details.nova, e.message]).toEqual([status, nova, message]);
    }
    expect(w.cloud.state).toBe(before);
    w.demo.compute.pauseServer(s.id);
    const paused = w.cloud.state;
    const e = errorOf(() => w.demo.compute.rebuildServer(s.id, { imageRef: CIRROS_IMAGE_NAME }));
    expect([e.status, e.message]).toEqual([409, `Cannot 'rebuild' instance ${s.id} while it is in vm_state paused`]);
    expect(w.cloud.state).toBe(paused);
  });

  it('bad input of any shape is a 400 naming the field', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const before = w.cloud.state;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const bodies: unknown[] = [
      null, 5, 'x', [], circular, JSON.parse('{"__proto__": {"imageRef": "x"}}'), {},
      { imageRef: 5 }, { imageRef: NaN }, { imageRef: '' }, { imageRef: 'x'.repeat(100_000) }, { imageRef: circular },
      { imageRef: CIRROS_IMAGE_NAME, name: ' lead' }, { imageRef: CIRROS_IMAGE_NAME, name: 5 }, { imageRef: CIRROS_IMAGE_NAME, metadata: [] },
      { imageRef: CIRROS_IMAGE_NAME, metadata: { k: 5 } }, { imageRef: CIRROS_IMAGE_NAME, preserve_ephemeral: 'maybe' }, { imageRef: CIRROS_IMAGE_NAME, hostname: '-bad-' },
      { imageRef: CIRROS_IMAGE_NAME, user_data: 'not base64!' }, { imageRef: CIRROS_IMAGE_NAME, accessIPv4: '1.2.3' }, { imageRef: CIRROS_IMAGE_NAME, description: 'd'.repeat(256) },
      { imageRef: CIRROS_IMAGE_NAME, key_name: '' }, { imageRef: CIRROS_IMAGE_NAME, trusted_image_certificates: [] }, { imageRef: CIRROS_IMAGE_NAME, personality: [] },
      { imageRef: CIRROS_IMAGE_NAME, 'OS-DCF:diskConfig': 'auto' },
    ];
    for (const [i, body] of bodies.entries()) {
      const e = errorOf(() => w.demo.compute.rebuildServer(s.id, body as never));
      expect(e.status, `body ${i}`).toBe(400);
      expect(typeof e.details.field).toBe('string');
    }
    expect(w.cloud.state).toBe(before);
  });

  it('another project: 404; the reader: 403', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const before = w.cloud.state;
    expect(errorOf(() => w.alt.compute.rebuildServer(s.id, { imageRef: CIRROS_IMAGE_NAME })).status).toBe(404);
    expect(errorOf(() => w.reader.compute.rebuildServer(s.id, { imageRef: CIRROS_IMAGE_NAME })).status).toBe(403);
    expect(w.cloud.state).toBe(before);
  });
});

describe('createImage', () => {
  it('makes a private Glance image of the server with nova\'s properties and the disk\'s bytes; snapshot.start / .end', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const cirros = w.demo.image.getImage(CIRROS_IMAGE_NAME);
    w.cloud.clock.advance(1);
    let answer: SN.ServerImageView | undefined;
    const events = eventsDuring(w.cloud, () => (answer = w.demo.compute.createServerImage(s.id, { name: 'snap', metadata: { purpose: 'test' } })));
    expect(Object.keys(answer!)).toEqual(['image_id']);
    expect(events).toEqual(['compute.instance.snapshot.start', 'compute.instance.snapshot.end']);
    const img = w.demo.image.getImage(answer!.image_id) as unknown as Record<string, unknown>;
    expect([img.name, img.status, img.visibility, img.disk_format, img.container_format, img.size, img.min_disk]).toEqual(['snap', 'active', 'private', 'qcow2', 'bare', cirros.size, 1]);
    expect(img).toMatchObject({ image_type: 'snapshot', instance_uuid: s.id, base_image_ref: cirros.id, user_id: rowOf(w.cloud, s.id).user_id, owner_user_name: 'demo', owner_project_name: 'demo', purpose: 'test', image_location: 'snapshot', image_state: 'available', owner_id: rowOf(w.cloud, s.id).project_id });
    expect(w.demo.image.downloadImageData(answer!.image_id)).toEqual(cirrosBytes());
    const r = rowOf(w.cloud, s.id);
    expect([r.vm_state, r.task_state]).toEqual(['active', null]);
    const [last] = w.demo.compute.listInstanceActions(s.id);
    expect(last?.action).toBe('createImage');
    expect(w.admin.compute.getInstanceAction(s.id, last!.request_id).events?.map((e) => [e.event, e.result])).toEqual([['compute_snapshot_instance', 'Success']]);
  });

  it('keeps the vm_state of a SHUTOFF, PAUSED or SUSPENDED server', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    w.demo.compute.stopServer(s.id);
    w.demo.compute.createServerImage(s.id, { name: 'a' });
    expect([rowOf(w.cloud, s.id).vm_state, rowOf(w.cloud, s.id).task_state]).toEqual(['stopped', null]);
    w.demo.compute.startServer(s.id);
    w.demo.compute.pauseServer(s.id);
    w.demo.compute.createServerImage(s.id, { name: 'b' });
    expect(rowOf(w.cloud, s.id).vm_state).toBe('paused');
  });

  it("with progression 'clock': image_snapshot_pending and a queued image, then image_uploading, then active", () => {
    const w = computeWorld(1, { progression: 'clock' });
    const created = w.demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string };
    w.cloud.clock.advance(60);
    const { image_id } = w.demo.compute.createServerImage(created.id, { name: 'snap' });
    expect([rowOf(w.cloud, created.id).task_state, w.demo.image.getImage(image_id).status]).toEqual(['image_snapshot_pending', 'queued']);
    w.cloud.clock.advance(0);
    expect(rowOf(w.cloud, created.id).task_state).toBe('image_uploading');
    w.cloud.clock.advance(60);
    expect([rowOf(w.cloud, created.id).task_state, w.demo.image.getImage(image_id).status]).toEqual([null, 'active']);
  });

  it('a server deleted during the upload takes its unfinished image with it', () => {
    const w = computeWorld(1, { progression: 'clock' });
    const created = w.demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string };
    w.cloud.clock.advance(60);
    const { image_id } = w.demo.compute.createServerImage(created.id, { name: 'snap' });
    w.cloud.clock.advance(0);
    w.demo.compute.deleteServer(created.id);
    w.cloud.clock.advance(60);
    expect(errorOf(() => w.demo.image.getImage(image_id)).status).toBe(404);
  });

  it('an admin\'s snapshot of demo\'s server is shared with demo\'s project', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const { image_id } = w.admin.compute.createServerImage(s.id, { name: 'ops' });
    const img = w.admin.image.getImage(image_id) as unknown as Record<string, unknown>;
    expect(img.visibility).toBe('shared');
    expect(w.admin.image.listImageMembers(image_id).members.map((m) => m.member_id)).toEqual([rowOf(w.cloud, s.id).project_id]);
  });

  it('a volume-backed server: an image holding the block device mapping, no task_state, api_snapshot_instance (partial: no Cinder snapshot)', () => {
    const w = computeWorld();
    const cirros = w.demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const s = boot(w.demo, 'bfv', { imageRef: '', block_device_mapping_v2: [{ uuid: cirros, source_type: 'image', destination_type: 'volume', boot_index: 0, volume_size: 1, delete_on_termination: true }] } as never);
    w.cloud.clock.advance(1);
    const events = eventsDuring(w.cloud, () => w.demo.compute.createServerImage(s.id, { name: 'bfv-snap' }));
    expect(events).toEqual([]);
    const [last] = w.demo.compute.listInstanceActions(s.id);
    expect(last?.action).toBe('createImage');
    const img = w.demo.image.listImages({ name: 'bfv-snap' }).images[0] as unknown as Record<string, unknown>;
    expect([img.status, img.size, img.bdm_v2, img.root_device_name]).toEqual(['active', 0, 'True', '/dev/vda']);
    const mapping = JSON.parse(img.block_device_mapping as string) as { volume_id: string; boot_index: number }[];
    expect(mapping.map((m) => [m.volume_id, m.boot_index])).toEqual([[s['os-extended-volumes:volumes_attached'][0]!.id, 0]]);
    expect(w.admin.compute.getInstanceAction(s.id, last!.request_id).events?.map((e) => e.event)).toEqual(['api_snapshot_instance']);
    expect(rowOf(w.cloud, s.id).task_state).toBeNull();
  });

  it('bad input, another project, the reader, a wrong state: refused with nothing changed', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    const before = w.cloud.state;
    for (const body of [null, 5, {}, { name: '' }, { name: 5 }, { name: ' x' }, { name: 'x'.repeat(256) }, { name: 'ok', metadata: 5 }, { name: 'ok', metadata: { k: [] } }, { name: 'ok', extra: 1 }, JSON.parse('{"__proto__": {"name": "x"}}')]) {
      const e = errorOf(() => w.demo.compute.createServerImage(s.id, body as never));
      expect([e.status, typeof e.details.field]).toEqual([400, 'string']);
    }
    expect(errorOf(() => w.alt.compute.createServerImage(s.id, { name: 'x' })).status).toBe(404);
    expect(errorOf(() => w.reader.compute.createServerImage(s.id, { name: 'x' })).status).toBe(403);
    expect(w.cloud.state).toBe(before);
    w.demo.compute.rescueServer(s.id, {});
    const rescued = w.cloud.state;
    const e = errorOf(() => w.demo.compute.createServerImage(s.id, { name: 'x' }));
    expect([e.status, e.message]).toEqual([409, `Cannot 'createImage' instance ${s.id} while it is in vm_state rescued`]);
    expect(w.cloud.state).toBe(rescued);
  });
});

describe('createBackup', () => {
  const backups = (w: ComputeWorld, id: string, type: string) =>
    w.demo.image.listImages({ properties: { image_type: 'backup', instance_uuid: id, backup_type: type } }).images.map((i) => i.name).sort();

  it('image_type backup with backup_type; the rotation keeps the newest of that type only', () => {
    const w = computeWorld();
    const s = boot(w.demo, 'vm');
    for (const n of [1, 2, 3]) {
      w.cloud.clock.advance(10);
      w.demo.compute.createServerBackup(s.id, { name: `daily-${n}`, backup_type: 'daily', rotation: 2 });
    }
    expect(backups(w, s.id, 'daily')).toEqual(['daily-2', 'daily-3']);
    w.cloud.clock.advance(10);
    const { image_id } = w.demo.compute.createServerBackup(s.id, { name: 'weekly-1', backup_type: 'weekly', rotation: '1' as never, metadata: { k: 'v' } });
    const img = w.demo.image.getImage(image_id) as unknown as Record<string, unknown>;
    expect(img).toMatchObject({ image_type: 'backup', backup_type: 'weekly', instance_uuid: s.id, k: 'v', status: 'active', disk_format: 'qcow2' });
    expect(backups(w, s.id, 'daily')).toEqual(['daily-2', 'daily-3']);
    w.cloud.clock.advance(10);
    w.demo.compute.createServerBackup(s.id, { name: 'daily-4', backup_type: 'daily', rotation: 0 });
    expect(backups(w, s.id, 'daily')).toEqual([]);
    expect(backups(w, s.id, 'weekly')).toEqual(['weekly-1']);
    const [last] = w.demo.compute.listInstanceActions(s.id);
    expect(last?.action).toBe('createBackup');
    expect(w.admin.compute.getInstanceAction(s.id, last!.request_id).events?.map((e) => e.event)).toEqual(['compute_backup_instance']);
  });

  it("with progression 'clock': image_backup, then image_uploading", () => {
    const w = computeWorld(1, { progression: 'clock' });
    const created = w.demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string };
    w.cloud.clock.advance(60);
    w.demo.compute.createServerBackup(created.id, { name: 'b', backup_type: 'daily', rotation: 1 });
    expect([rowOf(w.cloud, created.id).task_state, w.demo.compute.getServer(created.id).status]).toEqual(['image_backup', 'ACTIVE']);
    w.cloud.clock.advance(0);
    expect(rowOf(w.cloud, created.id).task_state).toBe('image_uploading');
    w.cloud.clock.advance(60);
    expect(rowOf(w.cloud, created.id).task_state).toBeNull();
  });

  it('refuses a volume-backed server (400), bad input (400 naming the field), another project (404), the reader (403)', () => {
    const w = computeWorld();
    const cirros = w.demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const s = boot(w.demo, 'vm');
    const bfv = boot(w.demo, 'bfv', { imageRef: '', block_device_mapping_v2: [{ uuid: cirros, source_type: 'image', destination_type: 'volume', boot_index: 0, volume_size: 1, delete_on_termination: true }] } as never);
    const before = w.cloud.state;
    const e = errorOf(() => w.demo.compute.createServerBackup(bfv.id, { name: 'b', backup_type: 'daily', rotation: 1 }));
    expect([e.status, e.message]).toEqual([400, 'Backup is not supported for volume-backed instances.']);
    for (const body of [null, {}, { name: 'b', backup_type: 'daily' }, { name: 'b', rotation: 1 }, { name: 'b', backup_type: 5, rotation: 1 }, { name: 'b', backup_type: 'd', rotation: -1 }, { name: 'b', backup_type: 'd', rotation: 1.5 }, { name: 'b', backup_type: 'd', rotation: NaN }, { name: 'b', backup_type: 'd', rotation: '1x' }, { name: 'b', backup_type: 'd', rotation: 1, extra: 1 }]) {
      const err = errorOf(() => w.demo.compute.createServerBackup(s.id, body as never));
      expect([err.status, typeof err.details.field]).toEqual([400, 'string']);
    }
    expect(errorOf(() => w.alt.compute.createServerBackup(s.id, { name: 'b', backup_type: 'daily', rotation: 1 })).status).toBe(404);
    expect(errorOf(() => w.reader.compute.createServerBackup(s.id, { name: 'b', backup_type: 'daily', rotation: 1 })).status).toBe(403);
    expect(w.cloud.state).toBe(before);
  });
});
