/**
 * Images through `session.image`: create defaults (Glance's `ImageFactory.new_image`), every
 * status transition of `Image.valid_state_targets` reachable through the API, upload /
 * download, stage + `glance-direct` import, deactivate / reactivate, delete, JSON-patch, tags,
 * and the refusals Glance answers for each (status, stable code, state unchanged).
 */
import { describe, it, expect } from 'vitest';
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { CIRROS_IMAGE_NAME, type CloudError, type Notification } from '../../src/index.js';
import { active, bytes, devstack, projectId, queued, refused, sessions } from './helpers.js';

describe('create', () => {
  it('a new image is queued, shared, owned by the caller, with Glance defaults', () => {
    const cloud = devstack(9001);
    const { demo } = sessions(cloud);
    const img = demo.image.createImage({ name: 'x', hw_architecture: 'x86_64', tags: ['b', 'a', 'b'] });
    expect(img).toMatchObject({ status: 'queued', visibility: 'shared', protected: false, os_hidden: false, min_disk: 0, min_ram: 0, size: null, virtual_size: null, checksum: null, os_hash_algo: null, os_hash_value: null, disk_format: null, container_format: null, owner: projectId(cloud, 'demo'), hw_architecture: 'x86_64', schema: '/v2/schemas/image' });
    expect([...img.tags].sort()).toEqual(['a', 'b']);
    expect(img.self).toBe(`/v2/images/${img.id}`);
    expect(img.file).toBe(`/v2/images/${img.id}/file`);
    expect(Object.isFrozen(img)).toBe(true);
  });

  it('emits image.create with Glance\'s payload', () => {
    const cloud = devstack(9002);
    const { demo } = sessions(cloud);
    const seen: Notification[] = [];
    cloud.events.on('image.create', (n) => seen.push(n));
    const img = demo.image.createImage({ name: 'x' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.payload).toMatchObject({ id: img.id, status: 'queued', is_public: false, visibility: 'shared', deleted: false, deleted_at: null });
  });

  it('a caller-chosen id is used; the same id twice is 409', () => {
    const cloud = devstack(9003);
    const { demo } = sessions(cloud);
    const id = '0f0e0d0c-0b0a-4909-8807-060504030201';
    expect(demo.image.createImage({ id }).id).toBe(id);
    refused(cloud, () => demo.image.createImage({ id }), { status: 409, code: 'image.image.duplicate' });
  });

  it('public needs publicize_image (admin only); community is allowed to members', () => {
    const cloud = devstack(9004);
    const { demo, admin } = sessions(cloud);
    refused(cloud, () => demo.image.createImage({ visibility: 'public' }), { status: 403 });
    expect(demo.image.createImage({ visibility: 'community' }).visibility).toBe('community');
    expect(admin.image.createImage({ visibility: 'public' }).visibility).toBe('public');
  });

  it('a reader may not create; another project as owner is refused for non-admins', () => {
    const cloud = devstack(9005);
    const { demo, reader, admin } = sessions(cloud);
    const altId = projectId(cloud, 'alt_demo');
    refused(cloud, () => reader.image.createImage({ name: 'r' }), { status: 403 });
    refused(cloud, () => demo.image.createImage({ owner: altId }), { status: 403, code: 'image.owner.forbidden' });
    expect(admin.image.createImage({ owner: altId }).owner).toBe(altId);
  });

  it('read-only and reserved attributes are 403, bad types 400', () => {
    const cloud = devstack(9006);
    const { demo } = sessions(cloud);
    for (const key of ['status', 'checksum', 'size', 'os_hash_value', 'created_at']) {
      const value = key === 'size' ? 1 : key === 'status' ? 'active' : 'x';
      refused(cloud, () => demo.image.createImage({ [key]: value }), { status: 403, code: 'image.attribute.read_only' });
    }
    for (const key of ['self', 'file', 'schema', 'direct_url']) refused(cloud, () => demo.image.createImage({ [key]: 'x' }), { status: 403, code: 'image.attribute.read_only' });
    for (const key of ['location', 'deleted', 'os_glance_import_task']) refused(cloud, () => demo.image.createImage({ [key]: 'x' }), { status: 403, code: 'image.attribute.reserved' });
    refused(cloud, () => demo.image.createImage({ disk_format: 'qcow3' }), { status: 400, field: 'image.disk_format' });
    refused(cloud, () => demo.image.createImage({ container_format: 'zip' }), { status: 400, field: 'image.container_format' });
    refused(cloud, () => demo.image.createImage({ name: 'n'.repeat(256) }), { status: 400, field: 'image.name' });
    refused(cloud, () => demo.image.createImage({ min_disk: -1 }), { status: 400, field: 'image.min_disk' });
    refused(cloud, () => demo.image.createImage({ min_ram: 1.5 }), { status: 400, field: 'image.min_ram' });
    refused(cloud, () => demo.image.createImage({ hw_architecture: 64 }), { status: 400, field: 'image.hw_architecture' });
    refused(cloud, () => demo.image.createImage({ protected: 'yes' as never }), { status: 400, field: 'image.protected' });
    refused(cloud, () => demo.image.createImage({ tags: ['t'.repeat(256)] }), { status: 400, field: 'image.tags[0]' });
    refused(cloud, () => demo.image.createImage({ id: 'not-a-uuid' }), { status: 400, field: 'image.id' });
    refused(cloud, () => demo.image.createImage(null as never), { status: 400, field: 'image' });
  });

  it('more than image_property_quota (128) properties or tags is 413', () => {
    const cloud = devstack(9007);
    const { demo } = sessions(cloud);
    const props = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`p${i}`, 'v']));
    refused(cloud, () => demo.image.createImage(props), { status: 413, code: 'image.limit.properties' });
    refused(cloud, () => demo.image.createImage({ tags: Array.from({ length: 129 }, (_, i) => `t${i}`) }), { status: 413, code: 'image.limit.tags' });
  });
});

describe('upload and download: queued → saving → active', () => {
  it('stores the data in Swift and sets size, md5 checksum and sha512 os_hash_value', () => {
    const cloud = devstack(9010);
    const { demo, admin } = sessions(cloud);
    const events: string[] = [];
    cloud.events.on('*', (n) => { if (n.event_type.startsWith('image.')) events.push(`${n.event_type}:${(n.payload as { status: string }).status}`); });
    const data = bytes(300);
    const id = active(demo, data);
    const img = demo.image.getImage(id);
    expect(img).toMatchObject({ status: 'active', size: 300, checksum: bytesToHex(md5(data)), os_hash_algo: 'sha512' });
    expect(img.os_hash_value).toMatch(/^[0-9a-f]{128}$/);
    expect(events).toEqual(['image.create:queued', 'image.update:saving', 'image.prepare:saving', 'image.upload:active', 'image.activate:active', 'image.update:active']);
    expect(demo.image.downloadImageData(id)).toEqual(data);
    // the object is in the glance container of the service project's account: an admin who takes
    // a role there (as DevStack's glance user has) lists it through the Swift API
    const service = projectId(cloud, 'service');
    expect(cloud.object.locate(`AUTH_${service}`, 'glance', id).length).toBeGreaterThan(0);
    admin.identity.createGrant({ role: 'admin', user: 'admin', project: 'service' });
    const inService = cloud.login({ username: 'admin', password: 'secret', project: 'service' });
    const listed = inService.object.getContainer('glance').objects;
    expect(listed).toContainEqual(expect.objectContaining({ name: id, bytes: 300, hash: bytesToHex(md5(data)) }));
    expect(inService.object.getObject('glance', id).data).toEqual(data);
  });

  it('a string is uploaded as UTF-8; an empty upload is a 0-byte active image', () => {
    const cloud = devstack(9011);
    const { demo } = sessions(cloud);
    const a = queued(demo);
    demo.image.uploadImageData(a, 'héllo');
    expect(demo.image.getImage(a).size).toBe(6);
    const b = queued(demo);
    demo.image.uploadImageData(b, new Uint8Array(0));
    expect(demo.image.getImage(b)).toMatchObject({ status: 'active', size: 0, checksum: 'd41d8cd98f00b204e9800998ecf8427e' });
  });

  it('download of an image without data is null (Glance 204)', () => {
    const cloud = devstack(9012);
    const { demo } = sessions(cloud);
    expect(demo.image.downloadImageData(queued(demo))).toBeNull();
  });

  it('upload needs disk_format and container_format (400), a queued image (409), the owner (403/404)', () => {
    const cloud = devstack(9013);
    const { demo, alt, reader } = sessions(cloud);
    const bare = demo.image.createImage({ name: 'no formats' }).id;
    refused(cloud, () => demo.image.uploadImageData(bare, 'x'), { status: 400, code: 'image.formats.missing', message: 'disk_format, container_format' });
    const id = active(demo);
    refused(cloud, () => demo.image.uploadImageData(id, 'again'), { status: 409, code: 'image.invalid_status', message: 'from active to saving' });
    const q = queued(demo);
    refused(cloud, () => alt.image.uploadImageData(q, 'x'), { status: 404, code: 'image.image.not_found' });
    refused(cloud, () => reader.image.uploadImageData(q, 'x'), { status: 403 });
    refused(cloud, () => demo.image.uploadImageData(q, 42 as never), { status: 400, field: 'data' });
  });

  it('a Swift failure answers as Glance (500) and the image stays queued', () => {
    const cloud = devstack(9014);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    cloud.hardware.failHost('controller');
    const e = refused(cloud, () => demo.image.uploadImageData(id, bytes(10)), { status: 500, code: 'image.store.backend_error' });
    expect((e as CloudError).details.cause).toMatch(/^object\./);
    expect(demo.image.getImage(id)).toMatchObject({ status: 'queued', size: null });
    cloud.hardware.recoverHost('controller');
    demo.image.uploadImageData(id, bytes(10));
    expect(demo.image.getImage(id).status).toBe('active');
  });
});

describe('stage and glance-direct import: queued → uploading → importing → active', () => {
  it('imports the staged data; the task succeeds and the lock is dropped', () => {
    const cloud = devstack(9020);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    const data = bytes(77, 3);
    demo.image.stageImageData(id, data);
    expect(demo.image.getImage(id)).toMatchObject({ status: 'uploading', size: 77 });
    const taskId = demo.image.importImage(id, { method: { name: 'glance-direct' } });
    const img = demo.image.getImage(id);
    expect(img).toMatchObject({ status: 'active', size: 77, checksum: bytesToHex(md5(data)) });
    expect(img.os_glance_import_task).toBeUndefined();
    expect(demo.image.downloadImageData(id)).toEqual(data);
    expect(demo.image.listImageTasks(id).tasks).toMatchObject([{ id: taskId, type: 'api_image_import', status: 'success', result: { image_id: id } }]);
  });

  it('in clock mode the image waits in uploading with the lock until the task runs', () => {
    const cloud = devstack(9021, { progression: 'clock' });
    const { demo } = sessions(cloud);
    const id = queued(demo);
    demo.image.stageImageData(id, 'data');
    const taskId = demo.image.importImage(id, { method: { name: 'glance-direct' } });
    expect(demo.image.getImage(id)).toMatchObject({ status: 'uploading', os_glance_import_task: taskId });
    refused(cloud, () => demo.image.importImage(id, { method: { name: 'glance-direct' } }), { status: 409, message: 'active task' });
    cloud.run();
    expect(demo.image.getImage(id).status).toBe('active');
  });

  it('import preconditions: staged data, formats, a known method; web-download and copy-image are refused clearly', () => {
    const cloud = devstack(9022);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    refused(cloud, () => demo.image.importImage(id, { method: { name: 'glance-direct' } }), { status: 409, message: 'staged' });
    refused(cloud, () => demo.image.importImage(id, { method: { name: 'web-download', uri: 'https://download.cirros-cloud.net/0.5.2/cirros-0.5.2-x86_64-disk.img' } }), { status: 400, code: 'image.import.offline' });
    refused(cloud, () => demo.image.importImage(id, { method: { name: 'ftp' } }), { status: 400, field: 'body.method.name' });
    refused(cloud, () => demo.image.importImage(id, {} as never), { status: 400, field: 'body.method' });
    const act = active(demo);
    refused(cloud, () => demo.image.importImage(act, { method: { name: 'glance-direct' } }), { status: 409, message: 'active cannot be target' });
    refused(cloud, () => demo.image.importImage(act, { method: { name: 'copy-image' } }), { status: 403 });
    const nof = demo.image.createImage({ name: 'nof' }).id;
    demo.image.stageImageData(nof, 'x');
    refused(cloud, () => demo.image.importImage(nof, { method: { name: 'glance-direct' } }), { status: 409, message: 'container_format' });
    refused(cloud, () => demo.image.stageImageData(act, 'x'), { status: 409, code: 'image.invalid_status' });
  });

  it('a Swift failure during the import sends the image back to queued and fails the task', () => {
    const cloud = devstack(9023);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    demo.image.stageImageData(id, 'data');
    cloud.hardware.failHost('controller');
    demo.image.importImage(id, { method: { name: 'glance-direct' } });
    expect(demo.image.getImage(id)).toMatchObject({ status: 'queued', size: null });
    expect(demo.image.getImage(id).os_glance_import_task).toBeUndefined();
    expect(demo.image.listImageTasks(id).tasks[0]).toMatchObject({ status: 'failure' });
  });
});

describe('deactivate and reactivate', () => {
  it('active ⇄ deactivated; download of a deactivated image is 403 except for admins', () => {
    const cloud = devstack(9030);
    const { demo, admin } = sessions(cloud);
    const id = active(demo, bytes(5), { visibility: 'community' });
    demo.image.deactivateImage(id);
    expect(demo.image.getImage(id).status).toBe('deactivated');
    const before = cloud.state;
    demo.image.deactivateImage(id); // no-op
    expect(demo.image.getImage(id).status).toBe('deactivated');
    void before;
    refused(cloud, () => demo.image.downloadImageData(id), { status: 403, code: 'image.deactivated' });
    expect(admin.image.downloadImageData(id)).toEqual(bytes(5));
    demo.image.reactivateImage(id);
    expect(demo.image.getImage(id).status).toBe('active');
    demo.image.reactivateImage(id); // no-op
  });

  it('other statuses are 403; other projects 404 (private) or 403 (visible)', () => {
    const cloud = devstack(9031);
    const { demo, alt } = sessions(cloud);
    const q = queued(demo);
    refused(cloud, () => demo.image.deactivateImage(q), { status: 403, message: "status 'queued'" });
    refused(cloud, () => demo.image.reactivateImage(q), { status: 403, message: "status 'queued'" });
    const priv = active(demo, bytes(3), { visibility: 'private' });
    refused(cloud, () => alt.image.deactivateImage(priv), { status: 404 });
    const comm = active(demo, bytes(3), { visibility: 'community' });
    refused(cloud, () => alt.image.deactivateImage(comm), { status: 403 });
  });
});

describe('delete', () => {
  it('removes the image and its Swift object; emits image.delete', () => {
    const cloud = devstack(9040);
    const { demo } = sessions(cloud);
    const id = active(demo);
    const seen: Notification[] = [];
    cloud.events.on('image.delete', (n) => seen.push(n));
    demo.image.deleteImage(id);
    refused(cloud, () => demo.image.getImage(id), { status: 404, code: 'image.image.not_found' });
    expect(seen[0]?.payload).toMatchObject({ id, status: 'deleted', deleted: true });
    const service = projectId(cloud, 'service');
    expect(() => cloud.object.locate(`AUTH_${service}`, 'glance', id)).toThrow(/not found/);
    expect(cloud.object.usage().reduce((n, u) => n + u.objects, 0)).toBe(1); // cirros only
  });

  it('protected images are 403 until unprotected; other projects 404; readers 403', () => {
    const cloud = devstack(9041);
    const { demo, alt, reader } = sessions(cloud);
    const id = queued(demo, { protected: true });
    refused(cloud, () => demo.image.deleteImage(id), { status: 403, code: 'image.protected' });
    refused(cloud, () => alt.image.deleteImage(id), { status: 404 });
    demo.image.updateImage(id, [{ op: 'replace', path: '/protected', value: false }]);
    refused(cloud, () => reader.image.deleteImage(id), { status: 403 });
    demo.image.deleteImage(id);
    refused(cloud, () => demo.image.deleteImage(id), { status: 404 });
  });

  it('deleting a staged image drops the staged data', () => {
    const cloud = devstack(9042);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    const blobsBefore = cloud.state.blobs.size;
    demo.image.stageImageData(id, bytes(9, 9));
    expect(cloud.state.blobs.size).toBe(blobsBefore + 1);
    demo.image.deleteImage(id);
    expect(cloud.state.blobs.size).toBe(blobsBefore);
  });
});

describe('JSON-patch update (application/openstack-images-v2.1-json-patch)', () => {
  it('add / replace / remove of base attributes and free-form properties', () => {
    const cloud = devstack(9050);
    const { demo } = sessions(cloud);
    const id = queued(demo, { os_distro: 'cirros' });
    const v = demo.image.updateImage(id, [
      { op: 'replace', path: '/name', value: 'renamed' },
      { op: 'add', path: '/hw_architecture', value: 'x86_64' },
      { op: 'replace', path: '/os_distro', value: 'ubuntu' },
      { op: 'add', path: '/min_ram', value: 512 },
      { op: 'replace', path: '/tags', value: ['x', 'y'] },
      { op: 'add', path: '/hypervisor_type', value: 'qemu' },
      { op: 'remove', path: '/hypervisor_type' },
      { op: 'replace', path: '/visibility', value: 'private' },
    ]);
    expect(v).toMatchObject({ name: 'renamed', hw_architecture: 'x86_64', os_distro: 'ubuntu', min_ram: 512, visibility: 'private' });
    expect(v.hypervisor_type).toBeUndefined();
    expect([...v.tags]).toEqual(['x', 'y']);
  });

  it('refusals: read-only 403, reserved 403, missing property 409, base removal 403, formats after upload 403, owner by non-admin 403, public by non-admin 403', () => {
    const cloud = devstack(9051);
    const { demo, alt, admin } = sessions(cloud);
    const id = active(demo);
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'replace', path: '/status', value: 'queued' }]), { status: 403, code: 'image.attribute.read_only' });
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'replace', path: '/id', value: 'x' }]), { status: 403, code: 'image.attribute.read_only' });
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'add', path: '/os_glance_x', value: 'x' }]), { status: 403, code: 'image.attribute.reserved' });
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'replace', path: '/nope', value: 'x' }]), { status: 409, code: 'image.property.not_found' });
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'remove', path: '/nope' }]), { status: 409, code: 'image.property.not_found' });
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'remove', path: '/name' }]), { status: 403, code: 'image.attribute.not_removable' });
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'replace', path: '/disk_format', value: 'raw' }]), { status: 403, code: 'image.attribute.immutable' });
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'replace', path: '/owner', value: 'x' }]), { status: 403, code: 'image.owner.forbidden' });
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'replace', path: '/visibility', value: 'public' }]), { status: 403 });
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'add', path: '/locations/-', value: { url: 'swift://x', metadata: {} } }]), { status: 403, code: 'image.locations.forbidden' });
    refused(cloud, () => alt.image.updateImage(id, [{ op: 'replace', path: '/name', value: 'x' }]), { status: 404 });
    // a whole patch is atomic: a bad second op leaves the first undone
    refused(cloud, () => demo.image.updateImage(id, [{ op: 'replace', path: '/name', value: 'ok' }, { op: 'remove', path: '/nope' }]), { status: 409 });
    expect(demo.image.getImage(id).name).toBe('img');
    expect(admin.image.updateImage(id, [{ op: 'replace', path: '/visibility', value: 'public' }]).visibility).toBe('public');
  });

  it('bad patches are 400 naming the operation', () => {
    const cloud = devstack(9052);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    const bad: [unknown, string][] = [
      [{ op: 'replace', path: '/name' }, 'changes[0].value'],
      [{ op: 'move', path: '/name', value: 'x' }, 'changes[0].op'],
      [{ path: '/name', value: 'x' }, 'changes[0].op'],
      [{ op: 'add', value: 'x' }, 'changes[0].path'],
      [{ op: 'add', path: 'name', value: 'x' }, 'changes[0].path'],
      [{ op: 'add', path: '/a/b', value: 'x' }, 'changes[0].path'],
      [{ op: 'add', path: '/a~2', value: 'x' }, 'changes[0].path'],
      [{ op: 'replace', path: '/min_disk', value: -1 }, 'min_disk'],
      [{ op: 'replace', path: '/visibility', value: 'everyone' }, 'changes[0].value'],
      [{ op: 'add', path: '/hw_architecture', value: 64 }, 'changes[0].value'],
      ['not an object', 'changes[0]'],
    ];
    for (const [op, field] of bad) refused(cloud, () => demo.image.updateImage(id, [op as never]), { status: 400, field });
    refused(cloud, () => demo.image.updateImage(id, { op: 'add' } as never), { status: 400, field: 'changes' });
  });

  it('an empty patch changes nothing', () => {
    const cloud = devstack(9053);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    const before = demo.image.getImage(id);
    expect(demo.image.updateImage(id, [])).toEqual(before);
  });
});

describe('tags', () => {
  it('add and delete a tag; deleting a missing tag is 404', () => {
    const cloud = devstack(9060);
    const { demo, alt } = sessions(cloud);
    const id = queued(demo);
    demo.image.addImageTag(id, 'gpu');
    demo.image.addImageTag(id, 'gpu');
    expect([...demo.image.getImage(id).tags]).toEqual(['gpu']);
    demo.image.deleteImageTag(id, 'gpu');
    refused(cloud, () => demo.image.deleteImageTag(id, 'gpu'), { status: 404, code: 'image.tag.not_found' });
    refused(cloud, () => demo.image.addImageTag(id, 't'.repeat(256)), { status: 400, field: 'tag' });
    refused(cloud, () => alt.image.addImageTag(id, 'x'), { status: 404 });
  });
});

describe('DevStack', () => {
  it('has the public cirros image, owned by admin, readable by everyone', () => {
    const cloud = devstack(9070);
    const { demo, alt } = sessions(cloud);
    const img = demo.image.getImage(CIRROS_IMAGE_NAME);
    expect(img).toMatchObject({ visibility: 'public', disk_format: 'qcow2', container_format: 'bare', status: 'active', size: 512, owner: projectId(cloud, 'admin') });
    const data = alt.image.downloadImageData(img.id);
    expect(data?.slice(0, 4)).toEqual(new Uint8Array([0x51, 0x46, 0x49, 0xfb]));
    expect(bytesToHex(md5(data as Uint8Array))).toBe(img.checksum);
    expect(cloud.admin.tokenInfo().catalog?.some((c) => c.type === 'image' && c.endpoints.some((e) => e.url === 'http://controller/image'))).toBe(true);
  });

  it('system-scoped tokens are refused (Glance\'s rules are project-scoped)', () => {
    const cloud = devstack(9071);
    const system = cloud.systemAdmin;
    void system.token;
    refused(cloud, () => system.image.listImages(), { status: 403 });
  });

  it('the same seed gives the same images', () => {
    expect(devstack(9072).admin.image.listImages()).toEqual(devstack(9072).admin.image.listImages());
  });
});

describe('answers are decided before the commit', () => {
  it('a write answers with what it committed, whatever a listener does after the commit', () => {
    const cloud = devstack(9070);
    const { demo, admin } = sessions(cloud);
    const altP = projectId(cloud, 'alt_demo');
    const shared = active(demo, bytes(8), { visibility: 'shared' });
    // observers run after the commit: one renames every new image, one deletes every new membership
    cloud.events.on('image.create', (n) => admin.image.updateImage(n.payload.id, [{ op: 'replace', path: '/name', value: 'renamed' }]));
    cloud.events.on('image.member.create', (n) => admin.image.deleteImageMember(n.payload.image_id, n.payload.member_id));
    const img = demo.image.createImage({ name: 'mine' });
    expect(img.name).toBe('mine');
    expect(cloud.admin.image.getImage(img.id).name).toBe('renamed');
    const m = demo.image.createImageMember(shared, { member: altP });
    expect(m).toMatchObject({ image_id: shared, member_id: altP, status: 'pending' });
    expect(demo.image.listImageMembers(shared).members).toEqual([]);
  });

  it(`with get_image forbidden ('!'), create and update still answer the image they saved (Glance's responses ask no policy), and refusals change nothing`, () => {
    const cloud = devstack(9071, { policy: { rules: { get_image: '!' } } });
    const { demo } = sessions(cloud);
    const before = cloud.state;
    const img = demo.image.createImage({ name: 'blind', disk_format: 'raw', container_format: 'bare' });
    expect(cloud.state).not.toBe(before);
    expect(img).toMatchObject({ name: 'blind', status: 'queued' });
    refused(cloud, () => demo.image.getImage(img.id), { status: 404, code: 'image.image.not_found' });
    expect(demo.image.updateImage(img.id, [{ op: 'add', path: '/hw_x', value: 'y' }])).toMatchObject({ id: img.id, hw_x: 'y' });
    demo.image.uploadImageData(img.id, 'data');
    expect(new TextDecoder().decode(demo.image.downloadImageData(img.id) as Uint8Array)).toBe('data'); // download_image alone decides
    const altP = projectId(cloud, 'alt_demo');
    refused(cloud, () => demo.image.createImageMember(img.id, { member: altP }), { status: 404 });
    expect(cloud.admin.image.listImages({ name: 'blind' }).images).toEqual([]); // every get_image is refused, admins' too
  });
});
