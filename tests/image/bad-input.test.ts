/**
 * Bad input of any shape, for every image operation: a typed 400 naming the field (or Glance's
 * 404 for references that match nothing visible), and `cloud.state` the very same object. A
 * fuzz calls every ImageApi method with hostile values (null, NaN, cycles, 100 000-deep
 * objects, null prototypes, `__proto__` keys, megabyte strings, symbols, bigints) mixed with
 * sensible ones, and checks accepted JSON patches against a reference: a name every object
 * inherits (`toString`, `constructor`, `__proto__`) is never an image property.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CloudError, core, type CloudState } from '../../src/index.js';
import type { ImageRow } from '../../src/image/index.js';
import { active, bytes, devstack, projectId, queued, refused, sessions } from './helpers.js';

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

// ---------------------------------------------------------------- hostile values, every method

/** A value with a cycle. */
function circular(): Record<string, unknown> {
  const o: Record<string, unknown> = { name: 'loop' };
  o.self = o;
  return o;
}

/** An object nested `depth` levels deep (a recursive walk of it would overflow the stack). */
function deep(depth: number): Record<string, unknown> {
  let o: Record<string, unknown> = { leaf: 'x' };
  for (let i = 0; i < depth; i++) o = { next: o };
  return o;
}

/** Names every plain object inherits: never properties of an image. */
const INHERITED = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__'];

/** Values no caller should pass, each a 4xx (never a TypeError) that changes nothing. */
const HOSTILE_VALUES: unknown[] = [
  undefined, null, NaN, Infinity, -Infinity, -0, 0, -1, 1.5, 2 ** 31, Number.MAX_VALUE, 10n, true, false, Symbol('s'),
  '', ' ', 'x'.repeat(300), 'x'.repeat(1 << 20), '\u0000', '\ud800',
  Object.create(null), Object.assign(Object.create(null), { op: 'add', path: '/x', value: 'v', member: 'm', status: 'accepted', name: 'glance-direct' }),
  JSON.parse('{"__proto__": {"op": "add"}, "constructor": "x"}'), JSON.parse('{"__proto__": "x"}'),
  circular(), deep(100_000), [circular()], [deep(100_000)], new Array(5), [null], [[[]]], new Map([['op', 'add']]), new Set(['x']), new Date(0), new Uint8Array(2), () => 'f',
  Object.freeze({}), Object.freeze([]), { toString: 'not a function' }, { valueOf: () => { throw new Error('valueOf'); } },
  ...INHERITED, ...INHERITED.map((n) => `/${n}`),
];

const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE_VALUES),
  fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true, withObjectString: true, key: fc.constantFrom('__proto__', 'constructor', 'toString', 'op', 'path', 'value', 'member', 'status', 'method', 'name', 'tags', 'visibility') }),
);

const OPS = ['add', 'remove', 'replace'] as const;
const PATHS = ['/name', '/x', '/tags', '/visibility', '/min_disk', '/protected', '/owner', '/locations', '/locations/-', '/locations/0', '/os_glance_x', '/status', '/deleted', ...INHERITED.map((n) => `/${n}`)];
/** A JSON-patch operation: sensible parts mixed with hostile ones, so the fuzz reaches past the first check. */
const operation = fc.record(
  { op: fc.oneof(fc.constantFrom<unknown>(...OPS), hostile), path: fc.oneof(fc.constantFrom<unknown>(...PATHS), hostile), value: fc.oneof(fc.constantFrom<unknown>('v', 'shared', 0, true, ['t']), hostile) },
  { requiredKeys: [] },
);
const changes = fc.oneof(fc.array(operation, { maxLength: 3 }), hostile);

/** Either a sensible argument (to get past the first check) or a hostile one. */
const either = <T>(...sensible: T[]) => fc.oneof(fc.constantFrom<unknown>(...sensible), hostile);

/** Image attributes a patch sets rather than adds as properties (the domain `Image`'s settable attributes). */
const ATTRIBUTES = ['name', 'visibility', 'protected', 'os_hidden', 'min_disk', 'min_ram', 'owner', 'disk_format', 'container_format', 'tags'];

/**
 * What an accepted patch did, against a reference: a `replace` or `remove` of a free-form
 * property needs it to be one of the image's OWN properties (Glance answers 409 otherwise: an
 * inherited name such as `toString` is no property), `remove` drops it, `add` / `replace` set it.
 */
function expectPatched(before: CloudState, after: CloudState, [ref, changes]: [unknown, unknown]): void {
  const id = core.tableToArray(before.image.images).find((r) => r.id === ref || r.name === ref)?.id as string;
  const props: Record<string, unknown> = { ...core.getRow(before.image.images, id)?.properties };
  for (const c of changes as { op: string; path: string; value?: unknown }[]) {
    const root = c.path.slice(1);
    if (ATTRIBUTES.includes(root)) continue;
    if (c.op !== 'add') expect(Object.hasOwn(props, root), `${c.op} ${c.path}: not a property, Glance answers 409`).toBe(true);
    if (c.op === 'remove') delete props[root];
    else Object.defineProperty(props, root, { value: c.value, enumerable: true, writable: true, configurable: true });
  }
  expect({ ...core.getRow(after.image.images, id)?.properties }).toEqual(props);
}

const SEED_FUZZ = 10_301;
describe('hostile values for every method', () => {
  it(`a CloudError 4xx naming the field, or an answer; a refusal changes nothing; the state stays plain JSON (seed ${SEED_FUZZ})`, () => {
    const cloud = devstack(9310);
    const { demo, alt } = sessions(cloud);
    const shared = active(demo, bytes(10), { visibility: 'shared', name: 'shared-img' });
    const altP = projectId(cloud, 'alt_demo');
    demo.image.createImageMember(shared, { member: altP });
    const staged = queued(demo, { name: 'staged' });
    demo.image.stageImageData(staged, 'abc');
    const q = queued(demo, { name: 'queued', hw_x: 'y' });
    const start = cloud.snapshot();
    const ref = either(shared, q, staged, 'shared-img');
    const i = demo.image;
    const calls: [string, fc.Arbitrary<unknown[]>, (...a: never[]) => unknown][] = [
      ['createImage', fc.tuple(fc.oneof(fc.record({ name: either('n'), tags: either(['a']), visibility: either('shared'), hw_x: either('y'), min_disk: either(1), os_hidden: either(false) }, { requiredKeys: [] }), hostile)), (b) => i.createImage(b)],
      ['getImage', fc.tuple(ref), (r) => i.getImage(r)],
      ['listImages', fc.tuple(fc.oneof(fc.record({ name: either('n'), limit: either(1), sort: either('name:asc'), tag: either('t'), properties: either({ hw_x: 'y' }), marker: either(q), os_hidden: either('true'), created_at: either('gt:2020-01-01T00:00:00Z') }, { requiredKeys: [] }), hostile)), (qq) => i.listImages(qq)],
      ['updateImage', fc.tuple(ref, changes), (r, c) => i.updateImage(r, c)],
      ['deleteImage', fc.tuple(ref), (r) => i.deleteImage(r)],
      ['deactivateImage', fc.tuple(ref), (r) => i.deactivateImage(r)],
      ['reactivateImage', fc.tuple(ref), (r) => i.reactivateImage(r)],
      ['addImageTag', fc.tuple(ref, either('t')), (r, t) => i.addImageTag(r, t)],
      ['deleteImageTag', fc.tuple(ref, either('t')), (r, t) => i.deleteImageTag(r, t)],
      ['uploadImageData', fc.tuple(ref, either<unknown>('data', new Uint8Array(3))), (r, d) => i.uploadImageData(r, d)],
      ['downloadImageData', fc.tuple(ref), (r) => i.downloadImageData(r)],
      ['stageImageData', fc.tuple(ref, either('data')), (r, d) => i.stageImageData(r, d)],
      ['importImage', fc.tuple(ref, fc.oneof(fc.record({ method: fc.oneof(fc.record({ name: either('glance-direct', 'web-download'), uri: either('http://x') }, { requiredKeys: [] }), hostile), stores: either(['a']), all_stores: either(true) }, { requiredKeys: [] }), hostile)), (r, b) => i.importImage(r, b)],
      ['listImageTasks', fc.tuple(ref), (r) => i.listImageTasks(r)],
      ['createImageMember', fc.tuple(ref, fc.oneof(fc.record({ member: either(altP, 'alt_demo') }, { requiredKeys: [] }), hostile)), (r, b) => i.createImageMember(r, b)],
      ['listImageMembers', fc.tuple(ref), (r) => i.listImageMembers(r)],
      ['getImageMember', fc.tuple(ref, either(altP)), (r, m) => i.getImageMember(r, m)],
      ['updateImageMember', fc.tuple(ref, either(altP), fc.oneof(fc.record({ status: either('accepted') }, { requiredKeys: [] }), hostile)), (r, m, b) => alt.image.updateImageMember(r, m, b)],
      ['deleteImageMember', fc.tuple(ref, either(altP)), (r, m) => i.deleteImageMember(r, m)],
    ];
    // JSON patch is where most shapes meet most code: it gets more runs
    const weight = (name: string) => (name === 'updateImage' ? 8 : name === 'createImage' ? 3 : 1);
    const call = fc.oneof(...calls.map(([name, args, fn]) => ({ weight: weight(name), arbitrary: args.map((a) => ({ name, a, fn })) })));
    fc.assert(
      fc.property(call, ({ name, a, fn }) => {
        cloud.restore(start);
        const before = cloud.state;
        try {
          fn(...(a as never[]));
          if (name === 'updateImage') expectPatched(before, cloud.state, a as [unknown, unknown]);
        } catch (e) {
          if (e instanceof Error && e.name === 'AssertionError') throw e;
          if (!(e instanceof CloudError)) throw new Error(`${name} threw ${String(e)} instead of a CloudError`);
          expect(e.status, `${name}: ${e.message}`).toBeGreaterThanOrEqual(400);
          expect(e.status, `${name}: ${e.message}`).toBeLessThan(500);
          if (e.status === 400 && typeof e.details.field === 'string') expect(e.message).toContain(e.details.field);
          expect(cloud.state, `${name} was refused but changed the state`).toBe(before);
          return;
        }
        // whatever was accepted is plain JSON, and every view shows exactly the stored properties
        for (const row of core.tableToArray(cloud.state.image.images)) {
          if (core.getRow(before.image.images, row.id) === row) continue;
          expect(JSON.parse(JSON.stringify(row.properties))).toEqual({ ...row.properties });
          for (const [k, v] of Object.entries(row.properties)) expect(typeof v, `property ${k}`).toBe('string');
          const view = cloud.admin.image.getImage(row.id);
          for (const k of Object.keys(row.properties)) expect(Object.hasOwn(view, k), `view of property ${k}`).toBe(true);
        }
      }),
      { seed: SEED_FUZZ, numRuns: 1500 },
    );
  });
});

const SEED_NAMES = 10_302;
describe('names every object inherits are never properties', () => {
  it(`patches and create bodies naming toString, constructor, __proto__, …: Glance's answers, and views show exactly the stored properties (seed ${SEED_NAMES})`, () => {
    const cloud = devstack(9311);
    const { demo } = sessions(cloud);
    const id = queued(demo, { name: 'inherit', hw_x: 'y' });
    const start = cloud.snapshot();
    const key = fc.constantFrom(...INHERITED, 'hw_x', 'hw_y');
    const op = fc.record({ op: fc.constantFrom(...OPS), path: key.map((k) => `/${k}`), value: fc.constantFrom('v', 'w') });
    const body = fc.dictionary(key, fc.constantFrom('v', 'w'), { maxKeys: 4 });
    fc.assert(
      fc.property(fc.oneof(fc.array(op, { minLength: 1, maxLength: 4 }).map((c) => ({ patch: c })), body.map((b) => ({ create: b }))), (call) => {
        cloud.restore(start);
        const before = cloud.state;
        let made: string;
        try {
          made = 'patch' in call ? demo.image.updateImage(id, call.patch).id : demo.image.createImage(call.create).id;
          if ('patch' in call) expectPatched(before, cloud.state, [id, call.patch]);
        } catch (e) {
          if (!(e instanceof CloudError)) throw e;
          // the only refusal: a replace or remove of a name that is not an own property
          expect(e.code).toBe('image.property.not_found');
          expect(cloud.state).toBe(before);
          return;
        }
        const row = core.getRow(cloud.state.image.images, made) as ImageRow;
        if ('create' in call) expect({ ...row.properties }).toEqual({ ...call.create });
        const view = demo.image.getImage(made);
        for (const [k, v] of Object.entries(row.properties)) expect(Object.getOwnPropertyDescriptor(view, k)?.value, `view of ${k}`).toBe(v);
        expect(JSON.parse(JSON.stringify(row.properties))).toEqual({ ...row.properties });
      }),
      { seed: SEED_NAMES, numRuns: 300 },
    );
  });
});

describe('the instances the hardening issue names', () => {
  it('remove /toString and replace /constructor are 409 (no such property), as Glance answers; add makes an ordinary property', () => {
    const cloud = devstack(9320);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    for (const name of INHERITED) {
      refused(cloud, () => demo.image.updateImage(id, [{ op: 'remove', path: `/${name}` }]), { status: 409, code: 'image.property.not_found' });
      refused(cloud, () => demo.image.updateImage(id, [{ op: 'replace', path: `/${name}`, value: 'x' }]), { status: 409, code: 'image.property.not_found' });
    }
    const view = demo.image.updateImage(id, [{ op: 'add', path: '/__proto__', value: 'p' }, { op: 'add', path: '/toString', value: 't' }]);
    expect(Object.getOwnPropertyDescriptor(view, '__proto__')?.value).toBe('p');
    expect(Object.getOwnPropertyDescriptor(view, 'toString')?.value).toBe('t');
    expect(demo.image.updateImage(id, [{ op: 'remove', path: '/__proto__' }, { op: 'replace', path: '/toString', value: 'u' }]).toString).toBe('u');
  });

  it('every bad operation shape is a 400 naming the field, never a TypeError', () => {
    const cloud = devstack(9321);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    const bad: [unknown, string][] = [
      [[{ op: Object.create(null), path: '/x' }], 'changes[0].op'],
      [[{ op: Symbol('add'), path: '/x' }], 'changes[0].op'],
      [[{ op: { toString: () => 'add' }, path: '/x', value: 'v' }], 'changes[0].op'],
      [[{ op: 'add', path: Object.create(null), value: 'v' }], 'changes[0].path'],
      [[{ op: 'add', path: '/x', value: Object.create(null) }], 'changes[0].value'],
      [[{ op: 'add', path: '/x', value: 10n }], 'changes[0].value'],
      [[Object.create({ op: 'add', path: '/x', value: 'v' })], 'changes[0].op'], // inherited members are no members
      [[{ op: 'add', path: '/x' }], 'changes[0].value'],
      [[Object.assign(Object.create(null), { op: 'add', path: '/x' })], 'changes[0].value'],
      [Object.create(null), 'changes'],
    ];
    for (const [changes, field] of bad) refused(cloud, () => demo.image.updateImage(id, changes as never), { status: 400, field });
    // a null-prototype operation is fine when its members are
    expect(demo.image.updateImage(id, [Object.assign(Object.create(null), { op: 'add', path: '/x', value: 'v' })]).x).toBe('v');
    refused(cloud, () => demo.image.importImage(id, { method: { name: Object.create(null) } } as never), { status: 400, field: 'body.method.name' });
    refused(cloud, () => demo.image.listImages({ os_hidden: Symbol('x') } as never), { status: 400, field: 'query.os_hidden' });
    refused(cloud, () => demo.image.getImageMember(id, Symbol('m') as never), { status: 400, field: 'member_id' });
  });

  it("listImages never changes the caller's query object (a frozen one with undefined fields works)", () => {
    const cloud = devstack(9322);
    const { demo } = sessions(cloud);
    queued(demo, { name: 'frozen' });
    const query = Object.freeze({ name: 'frozen', owner: undefined, limit: undefined });
    expect(demo.image.listImages(query).images.map((i) => i.name)).toEqual(['frozen']);
    expect(Object.keys(query)).toEqual(['name', 'owner', 'limit']);
  });

  it('a free-form property value holds at most 65 535 bytes of UTF-8 (the TEXT column), in a create and in a patch', () => {
    const cloud = devstack(9323);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    const max = 'x'.repeat(65_535);
    for (const big of ['x'.repeat(65_536), 'é'.repeat(32_768), '😀'.repeat(16_384), 'x'.repeat(50_000_000)]) {
      refused(cloud, () => demo.image.createImage({ hw_big: big }), { status: 400, field: 'image.hw_big' });
      refused(cloud, () => demo.image.updateImage(id, [{ op: 'add', path: '/hw_big', value: big }]), { status: 400, field: 'changes[0].value' });
    }
    expect(demo.image.updateImage(id, [{ op: 'add', path: '/hw_big', value: max }]).hw_big).toBe(max);
    expect(demo.image.createImage({ hw_big: 'é'.repeat(32_767) }).hw_big).toHaveLength(32_767);
  });
});
