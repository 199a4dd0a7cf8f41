/**
 * The boot's volume paths end to end (`block_device_mapping_v2`; nova/compute/api.py
 * `_validate_bdm`, `_get_volumes_for_bdms`, `_check_attach_and_reserve_volume`;
 * nova/compute/manager.py `_build_resources`, `_prep_block_device`,
 * `_await_block_device_map_created`, `_cleanup_volumes`, `_shutdown_instance`;
 * nova/virt/block_device.py): image → volume, an existing volume (reserved at the API, in-use
 * once attached, available again after the delete), snapshot → volume, a blank volume as a second
 * disk; what a delete does to each; and the refusals and failures.
 */
import { describe, expect, it } from 'vitest';
import { CloudError, type Session } from '../../src/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import type { BlockDeviceMappingRequest, ServerView } from '../../src/compute/index.js';
import { computeWorld, refused } from './support.js';

/** Creates a server from block device mappings (no `imageRef` unless given) and answers its id. */
function create(session: Session, name: string, bdms: readonly BlockDeviceMappingRequest[], imageRef?: string): string {
  const created = session.compute.createServer({ name, flavorRef: 'm1.tiny', networks: 'auto', block_device_mapping_v2: bdms, ...(imageRef !== undefined ? { imageRef } : {}) });
  return (created as { id: string }).id;
}

function attached(view: ServerView): readonly { readonly id: string; readonly delete_on_termination: boolean }[] {
  return view['os-extended-volumes:volumes_attached'];
}

function gone(session: Session, volumeId: string): boolean {
  try {
    session.block.getVolume(volumeId);
    return false;
  } catch (e) {
    if (e instanceof CloudError && e.status === 404) return true;
    throw e;
  }
}

describe('image → volume', () => {
  it('creates the root volume from the image, attaches it at /dev/vda, and the delete follows delete_on_termination', () => {
    const { cloud, admin, demo } = computeWorld(1);
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const kept = create(demo, 'kept', [{ source_type: 'image', uuid: image, destination_type: 'volume', volume_size: 1, boot_index: 0, delete_on_termination: false }]);
    const dropped = create(demo, 'dropped', [{ source_type: 'image', uuid: image, destination_type: 'volume', volume_size: 2, boot_index: 0, delete_on_termination: true }]);
    cloud.run();
    const views = [kept, dropped].map((id) => demo.compute.getServer(id));
    for (const view of views) {
      expect(view.status).toBe('ACTIVE');
      expect(view.image).toBe('');
      expect(attached(view)).toHaveLength(1);
    }
    const [keptVolume, droppedVolume] = views.map((v) => attached(v)[0]!.id) as [string, string];
    expect(attached(views[0]!)[0]!.delete_on_termination).toBe(false);
    expect(attached(views[1]!)[0]!.delete_on_termination).toBe(true);
    const root = demo.block.getVolume(keptVolume);
    expect(root.status).toBe('in-use');
    expect(root.bootable).toBe('true');
    expect(root.size).toBe(1);
    expect(root.volume_image_metadata?.image_id).toBe(image);
    expect(root.attachments).toEqual([expect.objectContaining({ server_id: kept, device: '/dev/vda' })]);
    expect(demo.block.getVolume(droppedVolume).size).toBe(2);
    expect(demo.compute.listVolumeAttachments(kept)).toEqual([expect.objectContaining({ volumeId: keptVolume, device: '/dev/vda', delete_on_termination: false })]);
    expect(admin.compute.getServer(kept)['OS-EXT-SRV-ATTR:root_device_name']).toBe('/dev/vda');
    demo.compute.deleteServer(kept);
    demo.compute.deleteServer(dropped);
    cloud.run();
    const after = demo.block.getVolume(keptVolume);
    expect(after.status).toBe('available');
    expect(after.attachments).toEqual([]);
    expect(gone(demo, droppedVolume)).toBe(true);
  });

  it("puts the server in ERROR with Zed's fault when its volume ends in error ('Build of instance … aborted: …')", () => {
    const { cloud, admin, demo } = computeWorld(2);
    admin.block.createVolumeType({ name: 'nowhere', extra_specs: { volume_backend_name: 'nowhere' } });
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const id = create(demo, 'broken', [{ source_type: 'image', uuid: image, destination_type: 'volume', volume_size: 1, boot_index: 0, volume_type: 'nowhere' }]);
    cloud.run();
    const view = demo.compute.getServer(id);
    const volumeId = attached(view)[0]!.id;
    expect(view.fault?.message).toBe(`Build of instance ${id} aborted: Volume ${volumeId} did not finish being created even after we waited 0 seconds or 1 attempts. And its status is error.`);
  });

  it('puts the server in ERROR when its volume ends in error: no host, no port, no allocation; a delete_on_termination volume is deleted', () => {
    const { cloud, admin, demo } = computeWorld(3);
    admin.block.createVolumeType({ name: 'nowhere', extra_specs: { volume_backend_name: 'nowhere' } });
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const kept = create(demo, 'kept', [{ source_type: 'image', uuid: image, destination_type: 'volume', volume_size: 1, boot_index: 0, volume_type: 'nowhere' }]);
    const dropped = create(demo, 'dropped', [{ source_type: 'image', uuid: image, destination_type: 'volume', volume_size: 1, boot_index: 0, volume_type: 'nowhere', delete_on_termination: true }]);
    cloud.run();
    for (const id of [kept, dropped]) {
      const view = admin.compute.getServer(id);
      expect(view.status).toBe('ERROR');
      expect(view['OS-EXT-SRV-ATTR:host']).toBeNull();
      expect(view.fault?.code).toBe(500);
      expect(view.fault?.message).toMatch(/did not finish being created even after we waited 0 seconds or 1 attempts\. And its status is error\.$/);
      expect(demo.compute.getServer(id).fault?.details).toBeUndefined();
      expect(demo.compute.listInterfaces(id)).toEqual([]);
    }
    const keptVolume = attached(demo.compute.getServer(kept))[0]!.id;
    expect(demo.block.getVolume(keptVolume).status).toBe('error');
    expect(demo.block.getVolume(keptVolume).attachments).toEqual([]);
    const droppedVolume = attached(demo.compute.getServer(dropped))[0]!.id;
    expect(gone(demo, droppedVolume)).toBe(true);
  });
});

describe('an existing volume', () => {
  it('is reserved at the API, in-use once attached, available again after the delete', () => {
    const { cloud, demo } = computeWorld(4, { progression: 'clock' });
    const v = demo.block.createVolume({ size: 1, name: 'boot', imageRef: CIRROS_IMAGE_NAME } as never).id;
    cloud.run();
    expect(demo.block.getVolume(v).status).toBe('available');
    const id = create(demo, 'vm', [{ source_type: 'volume', uuid: v, destination_type: 'volume', boot_index: 0 }]);
    expect(demo.block.getVolume(v).status).toBe('reserved');
    expect(demo.block.getVolume(v).attachments).toEqual([]);
    cloud.run();
    expect(demo.compute.getServer(id).status).toBe('ACTIVE');
    const view = demo.block.getVolume(v);
    expect(view.status).toBe('in-use');
    expect(view.attachments).toEqual([expect.objectContaining({ server_id: id, device: '/dev/vda' })]);
    expect(attached(demo.compute.getServer(id))).toEqual([{ id: v, delete_on_termination: false }]);
    demo.compute.deleteServer(id);
    cloud.run();
    expect(demo.block.getVolume(v).status).toBe('available');
    expect(demo.block.getVolume(v).attachments).toEqual([]);
  });

  it("refuses another project's root volume: 400 'failed to get volume' (get_bdm_image_metadata), changing nothing", () => {
    const { cloud, demo, alt } = computeWorld(5);
    const theirs = alt.block.createVolume({ size: 1, name: 'theirs' }).id;
    refused(cloud, () => create(demo, 'vm', [{ source_type: 'volume', uuid: theirs, destination_type: 'volume', boot_index: 0 }]), 400, `Block Device Mapping is Invalid: failed to get volume ${theirs}.`);
    expect(alt.block.getVolume(theirs).status).toBe('available');
  });

  it("refuses another project's volume as a second disk with a 400, changing nothing", () => {
    const { cloud, demo, alt } = computeWorld(6);
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const theirs = alt.block.createVolume({ size: 1, name: 'theirs' }).id;
    refused(cloud, () => create(demo, 'vm', [{ source_type: 'image', uuid: image, destination_type: 'local', boot_index: 0 }, { source_type: 'volume', uuid: theirs, destination_type: 'volume' }], image), 400);
  });

  it("answers Zed's text for another project's volume as a second disk: VolumeNotFound from _get_volumes_for_bdms", () => {
    const { cloud, demo, alt } = computeWorld(6);
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const theirs = alt.block.createVolume({ size: 1, name: 'theirs' }).id;
    refused(cloud, () => create(demo, 'vm', [{ source_type: 'image', uuid: image, destination_type: 'local', boot_index: 0 }, { source_type: 'volume', uuid: theirs, destination_type: 'volume' }], image), 400, `Volume ${theirs} could not be found.`);
  });

  it("refuses a root volume that is not bootable: 400 'Block Device … is not bootable.'", () => {
    const { cloud, demo } = computeWorld(15);
    const plain = demo.block.createVolume({ size: 1, name: 'plain' }).id;
    expect(demo.block.getVolume(plain).bootable).toBe('false');
    refused(cloud, () => create(demo, 'vm', [{ source_type: 'volume', uuid: plain, destination_type: 'volume', boot_index: 0 }]), 400, `Block Device ${plain} is not bootable.`);
  });

  it('refuses a volume attached elsewhere with a 400, changing nothing', () => {
    const { cloud, demo } = computeWorld(7);
    const v = demo.block.createVolume({ size: 1, name: 'boot', imageRef: CIRROS_IMAGE_NAME } as never).id;
    const first = create(demo, 'first', [{ source_type: 'volume', uuid: v, destination_type: 'volume', boot_index: 0 }]);
    cloud.run();
    expect(demo.compute.getServer(first).status).toBe('ACTIVE');
    refused(cloud, () => create(demo, 'second', [{ source_type: 'volume', uuid: v, destination_type: 'volume', boot_index: 0 }]), 400, /^Invalid volume: /);
  });

  it("answers Zed's text for a volume in-use: Cinder's attachment_create refusal as InvalidVolume(InvalidInput)", () => {
    const { cloud, demo } = computeWorld(8);
    const v = demo.block.createVolume({ size: 1, name: 'boot', imageRef: CIRROS_IMAGE_NAME } as never).id;
    create(demo, 'first', [{ source_type: 'volume', uuid: v, destination_type: 'volume', boot_index: 0 }]);
    cloud.run();
    refused(cloud, () => create(demo, 'second', [{ source_type: 'volume', uuid: v, destination_type: 'volume', boot_index: 0 }]), 400, /^Invalid volume: Invalid input received: Invalid volume: Volume \S+ status must be available or downloading to reserve, but the current status is in-use\./);
  });
});

describe('snapshot → volume', () => {
  it('creates the root volume from the snapshot and attaches it', () => {
    const { cloud, demo } = computeWorld(9);
    const source = demo.block.createVolume({ size: 1, name: 'source', imageRef: CIRROS_IMAGE_NAME } as never).id;
    cloud.run();
    const snap = demo.block.createSnapshot({ volume_id: source, name: 'snap' } as never).id;
    cloud.run();
    const id = create(demo, 'vm', [{ source_type: 'snapshot', uuid: snap, destination_type: 'volume', boot_index: 0, delete_on_termination: true }]);
    cloud.run();
    const view = demo.compute.getServer(id);
    expect(view.status).toBe('ACTIVE');
    const root = attached(view)[0]!.id;
    expect(root).not.toBe(source);
    const volume = demo.block.getVolume(root);
    expect(volume.snapshot_id).toBe(snap);
    expect(volume.status).toBe('in-use');
    expect(volume.attachments).toEqual([expect.objectContaining({ server_id: id, device: '/dev/vda' })]);
    demo.compute.deleteServer(id);
    cloud.run();
    expect(gone(demo, root)).toBe(true);
    expect(demo.block.getVolume(source).status).toBe('available');
  });

  it("refuses another project's snapshot with a 400, changing nothing ('failed to get snapshot' as a second disk)", () => {
    const { cloud, demo, alt } = computeWorld(10);
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const source = alt.block.createVolume({ size: 1, name: 'source' }).id;
    const snap = alt.block.createSnapshot({ volume_id: source, name: 'snap' } as never).id;
    refused(cloud, () => create(demo, 'vm', [{ source_type: 'snapshot', uuid: snap, destination_type: 'volume', boot_index: 0 }]), 400);
    refused(cloud, () => create(demo, 'vm', [{ source_type: 'image', uuid: image, destination_type: 'local', boot_index: 0 }, { source_type: 'snapshot', uuid: snap, destination_type: 'volume' }], image), 400, `Block Device Mapping is Invalid: failed to get snapshot ${snap}.`);
  });

  it("answers Zed's text for another project's root snapshot: SnapshotNotFound from get_bdm_image_metadata", () => {
    const { cloud, demo, alt } = computeWorld(10);
    const source = alt.block.createVolume({ size: 1, name: 'source' }).id;
    const snap = alt.block.createSnapshot({ volume_id: source, name: 'snap' } as never).id;
    refused(cloud, () => create(demo, 'vm', [{ source_type: 'snapshot', uuid: snap, destination_type: 'volume', boot_index: 0 }]), 400, `Snapshot ${snap} could not be found.`);
  });
});

describe('blank → volume', () => {
  it('adds an empty volume as a second disk of an image boot (the image mapping as the clients send it)', () => {
    const { cloud, demo } = computeWorld(11);
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const source = demo.block.createVolume({ size: 1, name: 'data' }).id;
    const id = create(
      demo,
      'vm',
      [
        { source_type: 'image', uuid: image, destination_type: 'local', boot_index: 0, delete_on_termination: true },
        { source_type: 'blank', destination_type: 'volume', volume_size: 1, delete_on_termination: true },
        { source_type: 'volume', uuid: source, destination_type: 'volume' },
      ],
      image,
    );
    cloud.run();
    const view = demo.compute.getServer(id);
    expect(view.status).toBe('ACTIVE');
    expect(view.image).toEqual(expect.objectContaining({ id: image }));
    const volumes = attached(view);
    expect(volumes).toHaveLength(2);
    const blank = volumes.find((v) => v.id !== source)!;
    expect(blank.delete_on_termination).toBe(true);
    const b = demo.block.getVolume(blank.id);
    expect(b.bootable).toBe('false');
    expect(b.status).toBe('in-use');
    const devices = demo.compute.listVolumeAttachments(id).map((a) => a.device).sort();
    expect(devices).toEqual(['/dev/vdb', '/dev/vdc']);
    // a further attach takes the next device
    const more = demo.block.createVolume({ size: 1, name: 'more' }).id;
    expect(demo.compute.attachVolume(id, { volumeId: more }).device).toBe('/dev/vdd');
    demo.compute.deleteServer(id);
    cloud.run();
    expect(gone(demo, blank.id)).toBe(true);
    for (const v of [source, more]) {
      expect(demo.block.getVolume(v).status).toBe('available');
      expect(demo.block.getVolume(v).attachments).toEqual([]);
    }
  });

  it('refuses an image boot whose mappings have no boot index 0 (Zed leaves adding the image mapping to the clients)', () => {
    const { cloud, demo } = computeWorld(12);
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    refused(cloud, () => create(demo, 'vm', [{ source_type: 'blank', destination_type: 'volume', volume_size: 1 }], image), 400, 'Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.');
  });

  it('refuses a blank volume without a size', () => {
    const { cloud, demo } = computeWorld(13);
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    refused(
      cloud,
      () => create(demo, 'vm', [{ source_type: 'image', uuid: image, destination_type: 'local', boot_index: 0 }, { source_type: 'blank', destination_type: 'volume' }], image),
      400,
      "Block Device Mapping is Invalid: Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size",
    );
  });
});

describe('deleting a server with several volumes', () => {
  it('deletes the delete_on_termination volumes and detaches the others, including ones attached later', () => {
    const { cloud, demo } = computeWorld(14);
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const existing = demo.block.createVolume({ size: 1, name: 'existing' }).id;
    const id = create(demo, 'vm', [
      { source_type: 'image', uuid: image, destination_type: 'volume', volume_size: 1, boot_index: 0, delete_on_termination: true },
      { source_type: 'volume', uuid: existing, destination_type: 'volume', boot_index: 1 },
    ]);
    cloud.run();
    const later = demo.block.createVolume({ size: 1, name: 'later' }).id;
    const laterDot = demo.block.createVolume({ size: 1, name: 'later-dot' }).id;
    demo.compute.attachVolume(id, { volumeId: later });
    demo.compute.attachVolume(id, { volumeId: laterDot, delete_on_termination: true });
    const volumes = attached(demo.compute.getServer(id));
    expect(volumes).toHaveLength(4);
    const root = volumes.find((v) => ![existing, later, laterDot].includes(v.id))!.id;
    for (const v of volumes) expect(demo.block.getVolume(v.id).status).toBe('in-use');
    demo.compute.deleteServer(id);
    cloud.run();
    expect(gone(demo, root)).toBe(true);
    expect(gone(demo, laterDot)).toBe(true);
    for (const v of [existing, later]) {
      expect(demo.block.getVolume(v).status).toBe('available');
      expect(demo.block.getVolume(v).attachments).toEqual([]);
    }
    expect(demo.block.listAttachments({} as never).filter((a) => a.instance === id)).toEqual([]);
  });
});
