import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, getRow } from '../../src/core/index.js';
import type { Session } from '../../src/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import * as U from '../../src/block/upload.js';
import * as Adm from '../../src/block/admin_actions.js';
import * as M from '../../src/block/volume_metadata.js';
import type { VolumeRow } from '../../src/block/types.js';
import { blockRead, blockWorld, blockWrite, type BlockWorld } from './support.js';

function world(seed = 1): BlockWorld {
  const w = blockWorld(seed, { identity: { password_hash_rounds: 1 } });
  for (const [kind, handler] of [[U.UPLOAD_TASK, U.runUpload]] as const) if (!w.cloud.kernel.hasTask(kind)) w.cloud.kernel.defineTask(kind, handler);
  return w;
}

const ops = (s: Session) => ({
  show: (ref: unknown) => M.showVolumeMetadata(blockRead(s), ref),
  etag: (ref: unknown) => M.volumeMetadataEtag(blockRead(s), ref),
  create: (ref: unknown, body: unknown) => blockWrite(s, 'create_volume_metadata', (tx, ctx) => M.createVolumeMetadata(tx, ctx, ref, body)),
  replace: (ref: unknown, body: unknown, options?: M.MetadataWriteOptions) => blockWrite(s, 'update_volume_metadata', (tx, ctx) => M.replaceVolumeMetadata(tx, ctx, ref, body, options)),
  item: (ref: unknown, key: unknown) => M.showVolumeMetadataItem(blockRead(s), ref, key),
  setItem: (ref: unknown, key: unknown, body: unknown, options?: M.MetadataWriteOptions) => blockWrite(s, 'update_volume_metadata_item', (tx, ctx) => M.updateVolumeMetadataItem(tx, ctx, ref, key, body, options)),
  deleteItem: (ref: unknown, key: unknown) => blockWrite(s, 'delete_volume_metadata_item', (tx, ctx) => M.deleteVolumeMetadataItem(tx, ctx, ref, key)),
  showImage: (ref: unknown) => M.showVolumeImageMetadata(blockRead(s), ref),
  setImage: (ref: unknown, body: unknown) => blockWrite(s, 'set_volume_image_metadata', (tx, ctx) => M.setVolumeImageMetadata(tx, ctx, ref, body)),
  unsetImage: (ref: unknown, body: unknown) => blockWrite(s, 'unset_volume_image_metadata', (tx, ctx) => M.unsetVolumeImageMetadata(tx, ctx, ref, body)),
  reset: (ref: unknown, body: unknown) => blockWrite(s, 'reset_volume_status', (tx, ctx) => Adm.resetVolumeStatus(tx, ctx, ref, body)),
});

const row = (w: BlockWorld, id: string): VolumeRow => getRow(w.cloud.state.block.volumes, id) as VolumeRow;

function refused(w: BlockWorld, fn: () => unknown, status: number, cinder?: string): CloudError {
  const before = w.cloud.state;
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a refusal').toBeInstanceOf(CloudError);
  const e = caught as CloudError;
  expect(e.status, e.message).toBe(status);
  if (cinder !== undefined) expect(e.details.cinder).toBe(cinder);
  expect(w.cloud.state).toBe(before);
  return e;
}

describe('volume metadata API', () => {
  it('POST merges, PUT replaces, GET shows, item PUT / GET / DELETE; a missing key is 404 VolumeMetadataNotFound', () => {
    const w = world();
    const v = w.demo.block.createVolume({ size: 1, metadata: { a: '1' } });
    const o = ops(w.demo);
    expect(o.show(v.id)).toEqual({ metadata: { a: '1' } });
    expect(o.create(v.id, { metadata: { b: '2', a: 'one' } })).toEqual({ metadata: { a: 'one', b: '2' } });
    expect(w.demo.block.getVolume(v.id).metadata).toEqual({ a: 'one', b: '2' });
    expect(o.replace(v.id, { metadata: { c: '3' } })).toEqual({ metadata: { c: '3' } });
    expect(o.item(v.id, 'c')).toEqual({ meta: { c: '3' } });
    expect(o.setItem(v.id, 'd', { meta: { d: '4' } })).toEqual({ meta: { d: '4' } });
    expect(o.show({ id: v.id }).metadata).toEqual({ c: '3', d: '4' });
    o.deleteItem(v.id, 'c');
    expect(o.show(v.id).metadata).toEqual({ d: '4' });
    const e = refused(w, () => o.item(v.id, 'c'), 404, 'VolumeMetadataNotFound');
    expect(e.message).toBe(`Volume ${v.id} has no metadata with key c.`);
    refused(w, () => o.deleteItem(v.id, 'c'), 404, 'VolumeMetadataNotFound');
    expect(o.replace(v.id, { metadata: {} })).toEqual({ metadata: {} });
  });

  it('a reader reads but may not write (403); another project gets 404; maintenance and uploading refuse writes', () => {
    const w = world(2);
    const v = w.demo.block.createVolume({ size: 1, metadata: { k: 'v' } });
    const r = ops(w.reader);
    expect(r.show(v.id).metadata).toEqual({ k: 'v' });
    expect(r.item(v.id, 'k')).toEqual({ meta: { k: 'v' } });
    refused(w, () => r.create(v.id, { metadata: { x: 'y' } }), 403);
    refused(w, () => r.replace(v.id, { metadata: {} }), 403);
    refused(w, () => r.setItem(v.id, 'k', { meta: { k: 'w' } }), 403);
    refused(w, () => r.deleteItem(v.id, 'k'), 403);
    refused(w, () => r.deleteItem(v.id, 'nope'), 404, 'VolumeMetadataNotFound');
    const alt = ops(w.alt);
    refused(w, () => alt.show(v.id), 404, 'VolumeNotFound');
    refused(w, () => alt.create(v.id, { metadata: { x: 'y' } }), 404, 'VolumeNotFound');
    refused(w, () => alt.deleteItem(v.id, 'k'), 404, 'VolumeNotFound');
    expect(ops(w.admin).show(v.id).metadata).toEqual({ k: 'v' });
    for (const status of ['maintenance', 'uploading']) {
      ops(w.admin).reset(v.id, { status });
      const o = ops(w.demo);
      expect(refused(w, () => o.create(v.id, { metadata: { x: 'y' } }), 400, 'InvalidVolume').message).toContain(`Updating volume metadata is not allowed for volumes in ${status} status.`);
      refused(w, () => o.replace(v.id, { metadata: {} }), 400, 'InvalidVolume');
      refused(w, () => o.setItem(v.id, 'k', { meta: { k: 'w' } }), 400, 'InvalidVolume');
      expect(refused(w, () => o.deleteItem(v.id, 'k'), 400, 'InvalidVolume').message).toContain('Deleting volume metadata is not allowed');
      expect(o.show(v.id).metadata).toEqual({ k: 'v' });
    }
    ops(w.admin).reset(v.id, { status: 'error' });
    ops(w.demo).create(v.id, { metadata: { in_error: 'fine' } });
    expect(row(w, v.id).metadata.in_error).toBe('fine');
  });

  it('keys follow the extra-specs pattern, values are strings of at most 255; item bodies hold exactly the URL’s key', () => {
    const w = world(3);
    const v = w.demo.block.createVolume({ size: 1 });
    const o = ops(w.demo);
    o.create(v.id, { metadata: { 'a-b_c:d. e/f': 'ok', __proto__x: 'fine' } });
    refused(w, () => o.create(v.id, { metadata: { 'a$b': 'x' } }), 400);
    refused(w, () => o.create(v.id, { metadata: { é: 'x' } }), 400);
    refused(w, () => o.create(v.id, { metadata: { k: 'x'.repeat(256) } }), 400);
    refused(w, () => o.create(v.id, { metadata: { k: 1 } }), 400);
    refused(w, () => o.create(v.id, { metadata: { ['k'.repeat(256)]: 'x' } }), 400);
    refused(w, () => o.create(v.id, { meta: { k: 'x' } }), 400);
    expect(refused(w, () => o.setItem(v.id, 'k', { meta: { j: 'x' } }), 400).message).toContain('Request body and URI mismatch');
    expect(refused(w, () => o.setItem(v.id, 'k', { meta: { k: 'x', j: 'y' } }), 400).message).toContain('Request body contains too many items');
    refused(w, () => o.setItem(v.id, 'k', { meta: {} }), 400);
    // Python's `$` lets one final newline through
    o.create(v.id, { metadata: { 'trailing\n': 'x' } });
    // __proto__ is a key like any other, stored as an own property
    o.create(v.id, JSON.parse('{"metadata": {"__proto__": "p"}}'));
    expect(o.item(v.id, '__proto__')).toEqual(JSON.parse('{"meta": {"__proto__": "p"}}'));
    o.deleteItem(v.id, '__proto__');
    refused(w, () => o.item(v.id, '__proto__'), 404);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('ETags (3.26): the md5 of Python’s JSON of the body; If-Match with another ETag is 412 and changes nothing', () => {
    const w = world(4);
    const v = w.demo.block.createVolume({ size: 1 });
    const o = ops(w.demo);
    expect(o.etag(v.id)).toBe('28ea041cc3f26b287319d2de3c107b50');
    o.replace(v.id, { metadata: { k: 'v' } });
    expect(o.etag(v.id)).toBe('8cfa0e3346bdcec9c73891be4a6c18a7');
    o.replace(v.id, JSON.parse('{"metadata": {"a b": "é\u2028x", "__proto__": "p"}}'));
    expect(o.etag(v.id)).toBe('80a5af79048d79b1c42a9e771ed02827');
    const stale = o.etag(v.id);
    o.setItem(v.id, 'a b', { meta: { 'a b': 'new' } }, { ifMatch: stale });
    expect(refused(w, () => o.setItem(v.id, 'a b', { meta: { 'a b': 'newer' } }, { ifMatch: stale }), 412).code).toBe('block.volume_metadata.precondition_failed');
    refused(w, () => o.replace(v.id, { metadata: {} }, { ifMatch: [stale, 'other'] }), 412);
    o.replace(v.id, { metadata: {} }, { ifMatch: ['other', o.etag(v.id)] });
    expect(o.show(v.id).metadata).toEqual({});
    refused(w, () => o.replace(v.id, { metadata: {} }, { ifMatch: 42 as unknown as string }), 400);
  });
});

describe('volume image metadata', () => {
  it('set merges into (or creates) the volume image metadata, the view shows it; unset removes keys; the last gone, none is shown', () => {
    const w = world(5);
    const o = ops(w.demo);
    const plain = w.demo.block.createVolume({ size: 1 });
    refused(w, () => o.showImage(plain.id), 404, 'GlanceMetadataNotFound');
    refused(w, () => o.unsetImage(plain.id, { key: 'x' }), 404, 'GlanceMetadataNotFound');
    expect(o.setImage(plain.id, { metadata: { hw_disk_bus: 'scsi' } })).toEqual({ metadata: { hw_disk_bus: 'scsi' } });
    expect(w.demo.block.getVolume(plain.id).volume_image_metadata).toEqual({ hw_disk_bus: 'scsi' });
    o.unsetImage(plain.id, { key: 'hw_disk_bus' });
    expect(w.demo.block.getVolume(plain.id).volume_image_metadata).toBeUndefined();
    const booted = w.demo.block.createVolume({ size: 1, imageRef: CIRROS_IMAGE_NAME });
    const meta = o.showImage(booted.id).metadata;
    expect(meta.image_name).toBe(CIRROS_IMAGE_NAME);
    const after = o.setImage(booted.id, { metadata: { image_name: 'renamed', extra: 'x' } }).metadata;
    expect(after).toEqual({ ...meta, image_name: 'renamed', extra: 'x' });
    refused(w, () => o.unsetImage(booted.id, { key: 'missing' }), 404, 'GlanceMetadataNotFound');
    o.unsetImage(booted.id, { key: 'extra' });
    expect(o.showImage(booted.id).metadata).toEqual({ ...meta, image_name: 'renamed' });
  });

  it('reader 403, another project 404, uploading / maintenance 400, bad keys 400', () => {
    const w = world(6);
    const v = w.demo.block.createVolume({ size: 1, imageRef: CIRROS_IMAGE_NAME });
    expect(ops(w.reader).showImage(v.id).metadata.image_name).toBe(CIRROS_IMAGE_NAME);
    refused(w, () => ops(w.reader).setImage(v.id, { metadata: { a: 'b' } }), 403);
    refused(w, () => ops(w.reader).unsetImage(v.id, { key: 'image_name' }), 403);
    refused(w, () => ops(w.alt).setImage(v.id, { metadata: { a: 'b' } }), 404);
    refused(w, () => ops(w.alt).showImage(v.id), 404);
    refused(w, () => ops(w.demo).setImage(v.id, { metadata: { 'bad key!': 'b' } }), 400);
    refused(w, () => ops(w.demo).unsetImage(v.id, { key: '' }), 400);
    ops(w.admin).reset(v.id, { status: 'uploading' });
    refused(w, () => ops(w.demo).setImage(v.id, { metadata: { a: 'b' } }), 400, 'InvalidVolume');
    refused(w, () => ops(w.demo).unsetImage(v.id, { key: 'image_name' }), 400, 'InvalidVolume');
  });
});

describe('bad input', () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const deep: Record<string, unknown> = {};
  let at = deep;
  for (let i = 0; i < 1000; i++) at = (at.x = {}) as Record<string, unknown>;
  const huge = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'v']));
  const badValues: unknown[] = [undefined, null, 42, NaN, Infinity, 'x'.repeat(100_000), [], [1], true, circular, deep, huge, JSON.parse('{"__proto__": {"polluted": true}}'), () => 1, Symbol('s'), 10n];

  it('every call refuses bad bodies, keys and refs with a 4xx, changing nothing (seed 777)', () => {
    const w = world(7);
    const v = w.demo.block.createVolume({ size: 1, metadata: { k: 'v' }, imageRef: CIRROS_IMAGE_NAME });
    const o = ops(w.demo);
    const calls: [string, (x: unknown) => unknown][] = [
      ['body', (x) => o.create(v.id, x)],
      ['metadata', (x) => o.create(v.id, { metadata: x })],
      ['metadata', (x) => o.replace(v.id, { metadata: x })],
      ['body', (x) => o.setItem(v.id, 'k', x)],
      ['meta', (x) => o.setItem(v.id, 'k', { meta: x })],
      ['key', (x) => o.setItem(v.id, x, { meta: { k: 'v' } })],
      ['key', (x) => o.item(v.id, x)],
      ['key', (x) => o.deleteItem(v.id, x)],
      ['volume', (x) => o.show(x)],
      ['volume', (x) => o.create(x, { metadata: {} })],
      ['os-set_image_metadata', (x) => o.setImage(v.id, x)],
      ['metadata', (x) => o.setImage(v.id, { metadata: x })],
      ['os-unset_image_metadata', (x) => o.unsetImage(v.id, x)],
      ['key', (x) => o.unsetImage(v.id, { key: x })],
      ['ifMatch', (x) => o.replace(v.id, { metadata: {} }, { ifMatch: x as string })],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...calls), fc.constantFrom(...badValues), ([field, call], value) => {
        if (field === 'ifMatch' && (value === undefined || (Array.isArray(value) && value.length === 0))) return;
        const before = w.cloud.state;
        let caught: unknown;
        try {
          call(value);
        } catch (e) {
          caught = e;
        }
        expect(caught, `${field}: ${typeof value}`).toBeInstanceOf(CloudError);
        const e = caught as CloudError;
        expect(e.status >= 400 && e.status < 500, `${field}: ${e.status} ${e.message}`).toBe(true);
        if (e.status === 400) expect(`${String(e.details.field ?? '')} ${e.message}`).toContain(field);
        expect(w.cloud.state).toBe(before);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { seed: 777, numRuns: 300 },
    );
  });
});
