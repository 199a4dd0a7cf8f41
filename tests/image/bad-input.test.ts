/**
 * Bad input of any shape, for every image operation: a typed 400 naming the field (or Glance's
 * 404 for references that match nothing visible), and `cloud.state` the very same object.
 */
import { describe, it } from 'vitest';
import { active, devstack, queued, refused, sessions } from './helpers.js';

const REFS: unknown[] = [undefined, null, 42, '', 'x'.repeat(256), {}, []];

describe('image references', () => {
  it('every operation refuses non-string, empty and over-long references with 400 naming the image', () => {
    const cloud = devstack(9301);
    const { demo } = sessions(cloud);
    const i = demo.image;
    const ops: ((ref: never) => unknown)[] = [
      (r) => i.getImage(r),
      (r) => i.updateImage(r, []),
      (r) => i.deleteImage(r),
      (r) => i.deactivateImage(r),
      (r) => i.reactivateImage(r),
      (r) => i.addImageTag(r, 't'),
      (r) => i.deleteImageTag(r, 't'),
      (r) => i.uploadImageData(r, 'x'),
      (r) => i.downloadImageData(r),
      (r) => i.stageImageData(r, 'x'),
      (r) => i.importImage(r, { method: { name: 'glance-direct' } }),
      (r) => i.listImageTasks(r),
      (r) => i.createImageMember(r, { member: 'alt_demo' }),
      (r) => i.listImageMembers(r),
      (r) => i.getImageMember(r, 'x'),
      (r) => i.updateImageMember(r, 'x', { status: 'accepted' }),
      (r) => i.deleteImageMember(r, 'x'),
    ];
    for (const op of ops) for (const ref of REFS) refused(cloud, () => op(ref as never), { status: 400, field: 'image' });
  });

  it('an unknown id or name is 404 for every operation', () => {
    const cloud = devstack(9302);
    const { demo } = sessions(cloud);
    for (const ref of ['11111111-2222-4333-8444-555555555555', 'no-such-image']) {
      refused(cloud, () => demo.image.getImage(ref), { status: 404, code: 'image.image.not_found' });
      refused(cloud, () => demo.image.deleteImage(ref), { status: 404, code: 'image.image.not_found' });
      refused(cloud, () => demo.image.uploadImageData(ref, 'x'), { status: 404, code: 'image.image.not_found' });
      refused(cloud, () => demo.image.listImageTasks(ref), { status: 404, code: 'image.image.not_found' });
    }
  });

  it('two images with the same name: the name is ambiguous (409 listing both)', () => {
    const cloud = devstack(9303);
    const { demo } = sessions(cloud);
    queued(demo, { name: 'twin' });
    queued(demo, { name: 'twin' });
    refused(cloud, () => demo.image.getImage('twin'), { status: 409, code: 'core.name.ambiguous' });
  });
});

describe('bodies and data', () => {
  it('data must be bytes or a string; import bodies are checked field by field; tags are strings', () => {
    const cloud = devstack(9304);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    for (const data of [null, 42, {}, [1, 2]]) {
      refused(cloud, () => demo.image.uploadImageData(id, data as never), { status: 400, field: 'data' });
      refused(cloud, () => demo.image.stageImageData(id, data as never), { status: 400, field: 'data' });
    }
    demo.image.stageImageData(id, 'x');
    const bodies: [unknown, string][] = [
      [null, 'body'],
      [{ method: 'glance-direct' }, 'body.method'],
      [{ method: {} }, 'body.method.name'],
      [{ method: { name: 42 } }, 'body.method.name'],
      [{ method: { name: 'glance-direct', uri: 1 } }, 'body.method.uri'],
      [{ method: { name: 'glance-direct' }, all_stores: 'yes' }, 'body.all_stores'],
      [{ method: { name: 'glance-direct' }, stores: 'x' }, 'body.stores'],
      [{ method: { name: 'glance-direct' }, extra: 1 }, 'body.extra'],
      [{ method: { name: 'glance-direct' }, all_stores_must_succeed: false }, 'body.all_stores_must_succeed'],
    ];
    for (const [body, field] of bodies) refused(cloud, () => demo.image.importImage(id, body as never), { status: 400, field });
    const act = active(demo);
    for (const tag of [null, 3, 'x'.repeat(256)]) refused(cloud, () => demo.image.addImageTag(act, tag as never), { status: 400, field: 'tag' });
    refused(cloud, () => demo.image.deleteImageTag(act, 3 as never), { status: 400, field: 'tag' });
    refused(cloud, () => demo.image.listImages('all' as never), { status: 400, field: 'query' });
  });
});
