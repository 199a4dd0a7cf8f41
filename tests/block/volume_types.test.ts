/**
 * Volume types (`cinder/api/v3/types.py`, `cinder/api/contrib/types_manage.py`,
 * `types_extra_specs.py`, `volume_type_access.py`, `cinder/volume/volume_types.py`): admin-only
 * management (a member's 403), what each caller sees (public types, private ones on the project's
 * access list, sensitive extra specs only for admins), the default type, extra specs steering the
 * scheduler, quota renamed with a type, and bad input refused with the state unchanged.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getRow } from '../../src/core/index.js';
import { CloudError, type Session } from '../../src/index.js';
import * as vt from '../../src/block/volume_types.js';
import * as specs from '../../src/block/type_extra_specs.js';
import * as access from '../../src/block/type_access.js';
import { refused } from '../support/refusal.js';
import { blockRead, blockWorld, blockWrite } from './support.js';

const world = (seed: number) => blockWorld(seed, { identity: { password_hash_rounds: 1 } });

/** What `session.block` gains for volume types (until api.ts has the methods). */
function types(session: Session) {
  return {
    create: (body: unknown) => blockWrite(session, 'create_volume_type', (tx, ctx) => vt.createVolumeType(tx, ctx, body)),
    update: (ref: unknown, body: unknown) => blockWrite(session, 'update_volume_type', (tx, ctx) => vt.updateVolumeType(tx, ctx, ref, body)),
    remove: (ref: unknown) => blockWrite(session, 'delete_volume_type', (tx, ctx) => vt.deleteVolumeType(tx, ctx, ref)),
    show: (ref: unknown) => vt.showVolumeType(blockRead(session), ref),
    showDefault: () => vt.showDefaultVolumeType(blockRead(session)),
    list: (q: unknown = {}) => vt.listVolumeTypes(blockRead(session), q),
    specs: (ref: unknown) => specs.listTypeExtraSpecs(blockRead(session), ref),
    spec: (ref: unknown, key: unknown) => specs.showTypeExtraSpec(blockRead(session), ref, key),
    setSpecs: (ref: unknown, body: unknown) => blockWrite(session, 'create_volume_type_extra_specs', (tx, ctx) => specs.createTypeExtraSpecs(tx, ctx, ref, body)),
    putSpec: (ref: unknown, key: unknown, body: unknown) => blockWrite(session, 'update_volume_type_extra_spec', (tx, ctx) => specs.updateTypeExtraSpec(tx, ctx, ref, key, body)),
    delSpec: (ref: unknown, key: unknown) => blockWrite(session, 'delete_volume_type_extra_spec', (tx, ctx) => specs.deleteTypeExtraSpec(tx, ctx, ref, key)),
    access: (ref: unknown) => access.listTypeAccess(blockRead(session), ref),
    addAccess: (ref: unknown, body: unknown) => blockWrite(session, 'add_volume_type_access', (tx, ctx) => access.addTypeAccess(tx, ctx, ref, body)),
    removeAccess: (ref: unknown, body: unknown) => blockWrite(session, 'remove_volume_type_access', (tx, ctx) => access.removeTypeAccess(tx, ctx, ref, body)),
  };
}

const projectId = (s: Session): string => s.tokenInfo().project?.id as string;

describe('volume type management is the admin’s', () => {
  it('an admin creates a public type and a private one; the answers are types_manage.py’s view', () => {
    const { admin } = world(1301);
    const t = types(admin).create({ name: 'gold', description: 'fast', extra_specs: { volume_backend_name: 'lvmdriver-1', 'provisioning:type': 'thin' } });
    expect(t).toEqual({ id: expect.any(String), name: 'gold', is_public: true, extra_specs: { volume_backend_name: 'lvmdriver-1', 'provisioning:type': 'thin' }, description: 'fast', 'os-volume-type-access:is_public': true });
    const p = types(admin).create({ name: 'secret', 'os-volume-type-access:is_public': 'False' });
    expect(p.is_public).toBe(false);
    expect(types(admin).show(p.id)).toEqual({ id: p.id, name: 'secret', is_public: false, description: null, extra_specs: {}, qos_specs_id: null, 'os-volume-type-access:is_public': false });
  });

  it('a member, a reader and alt_demo get 403 PolicyNotAuthorized for every management call, and nothing changes', () => {
    const { cloud, admin, demo, reader, alt } = world(1302);
    const t = types(admin).create({ name: 'silver', 'os-volume-type-access:is_public': false });
    for (const s of [demo, reader, alt]) {
      const api = types(s);
      const forbidden = { status: 403, code: 'block.policy.forbidden' };
      refused(cloud, () => api.create({ name: 'mine' }), forbidden);
      refused(cloud, () => api.update(t.id, { description: 'x' }), forbidden);
      refused(cloud, () => api.remove(t.id), forbidden);
      refused(cloud, () => api.setSpecs(t.id, { extra_specs: { a: 'b' } }), forbidden);
      refused(cloud, () => api.putSpec(t.id, 'a', { a: 'b' }), forbidden);
      refused(cloud, () => api.addAccess(t.id, { project: projectId(demo) }), forbidden);
      refused(cloud, () => api.removeAccess(t.id, { project: projectId(demo) }), forbidden);
      refused(cloud, () => api.access(t.id), forbidden);
    }
    // the extra spec delete looks the type up first: a private type is a 404 for a project without access
    refused(cloud, () => types(demo).delSpec(t.id, 'a'), { status: 404, code: 'block.volume_type.not_found' });
    refused(cloud, () => types(demo).delSpec('lvmdriver-1', 'volume_backend_name'), { status: 403 });
  });

  it('names are unique (409 VolumeTypeExists), on create and on rename', () => {
    const { cloud, admin } = world(1303);
    refused(cloud, () => types(admin).create({ name: 'lvmdriver-1' }), { status: 409, code: 'block.volume_type.exists', message: 'Volume Type lvmdriver-1 already exists.' });
    const t = types(admin).create({ name: 'bronze' });
    refused(cloud, () => types(admin).update(t.id, { name: '__DEFAULT__' }), { status: 409, message: 'Volume Type __DEFAULT__ already exists.' });
    expect(types(admin).update(t.id, { name: 'bronze' }).name).toBe('bronze');
  });

  it('update: name, description and is_public; none of them is a 400; a blank name is a 400', () => {
    const { cloud, admin } = world(1304);
    const t = types(admin).create({ name: 'iron', description: 'old' });
    const u = types(admin).update(t.id, { description: 'new', is_public: false });
    expect(u).toEqual({ id: t.id, name: 'iron', is_public: false, extra_specs: {}, description: 'new' });
    refused(cloud, () => types(admin).update(t.id, {}), { status: 400, message: 'Specify volume type name, description, is_public or a combination thereof.' });
    refused(cloud, () => types(admin).update(t.id, { name: '   ' }), { status: 400, message: 'Volume type name can not be empty.' });
    refused(cloud, () => types(admin).update(t.id, { is_public: 'maybe' }), { status: 400, field: 'is_public' });
    refused(cloud, () => types(admin).update('no-such-type', { description: 'x' }), { status: 404 });
  });

  it('renaming a type renames its per-type quota (usage follows the name)', () => {
    const { cloud, admin, demo } = world(1305);
    const t = types(admin).create({ name: 'tin', extra_specs: { volume_backend_name: 'lvmdriver-1' } });
    demo.block.createVolume({ size: 2, volume_type: 'tin' });
    const usage = () => getRow(cloud.state.quota.usage, projectId(demo)) ?? {};
    expect(usage()).toMatchObject({ 'volume.volumes_tin': 1, 'volume.gigabytes_tin': 2 });
    cloud.quotas.setLimit(projectId(demo), 'volume.gigabytes_tin', 50);
    types(admin).update(t.id, { name: 'pewter' });
    expect(usage()).toMatchObject({ 'volume.volumes_pewter': 1, 'volume.gigabytes_pewter': 2 });
    expect(usage()['volume.volumes_tin'] ?? 0).toBe(0);
    expect(cloud.kernel.quotas.limit(cloud.state.quota, projectId(demo), 'volume.gigabytes_pewter')).toBe(50);
    expect(cloud.kernel.quotas.limit(cloud.state.quota, projectId(demo), 'volume.gigabytes_tin')).toBe(-1);
  });

  it('delete: refused for the default type and a type in use (400), allowed otherwise; its access list goes with it', () => {
    const { cloud, admin, demo } = world(1306);
    const dflt = types(admin).showDefault();
    expect(dflt.name).toBe('lvmdriver-1');
    refused(cloud, () => types(admin).remove(dflt.id), { status: 400, code: 'block.volume_type.default_in_use', message: `The volume type ${dflt.id} is a default volume type and cannot be deleted.` });
    const used = types(admin).create({ name: 'used' });
    demo.block.createVolume({ size: 1, volume_type: 'used' });
    refused(cloud, () => types(admin).remove(used.id), { status: 400, code: 'block.volume_type.in_use', message: 'Target volume type is still in use.' });
    const priv = types(admin).create({ name: 'gone', 'os-volume-type-access:is_public': false });
    types(admin).addAccess(priv.id, { project: projectId(demo) });
    types(admin).remove(priv.id);
    refused(cloud, () => types(admin).show(priv.id), { status: 404 });
    expect(vt.hasTypeAccess(cloud.state, priv.id, projectId(demo))).toBe(false);
  });
});

describe('what each caller sees', () => {
  it('lists: a member sees the public types and the private ones its project may use; an admin chooses with is_public', () => {
    const { cloud, admin, demo, alt } = world(1311);
    const priv = types(admin).create({ name: 'private-demo', 'os-volume-type-access:is_public': false });
    types(admin).create({ name: 'private-nobody', 'os-volume-type-access:is_public': false });
    types(admin).addAccess(priv.id, { project: projectId(demo) });
    const names = (list: readonly { name: string }[]) => list.map((t) => t.name).sort();
    expect(names(types(demo).list())).toEqual(['__DEFAULT__', 'lvmdriver-1', 'private-demo']);
    expect(names(types(alt).list())).toEqual(['__DEFAULT__', 'lvmdriver-1']);
    // a member's is_public is always true; other filters are a 400
    expect(names(types(alt).list({ is_public: 'false' }))).toEqual(['__DEFAULT__', 'lvmdriver-1']);
    refused(cloud, () => types(demo).list({ name: 'x' }), { status: 400, message: 'Invalid filters name are found in query options.' });
    expect(names(types(admin).list())).toEqual(['__DEFAULT__', 'lvmdriver-1']);
    expect(names(types(admin).list({ is_public: false }))).toEqual(['private-demo', 'private-nobody']);
    expect(names(types(admin).list({ is_public: 'none' }))).toEqual(['__DEFAULT__', 'lvmdriver-1', 'private-demo', 'private-nobody']);
    expect(names(types(admin).list({ is_public: 'none', extra_specs: { volume_backend_name: 'lvmdriver-1' } }))).toEqual(['lvmdriver-1']);
    refused(cloud, () => types(admin).list({ is_public: 'perhaps' }), { status: 400, message: 'Invalid is_public filter [perhaps]' });
    // newest first, paged
    const all = types(admin).list({ is_public: 'none', sort_key: 'name', sort_dir: 'asc', limit: 2 });
    expect(all.map((t) => t.name)).toEqual(['__DEFAULT__', 'lvmdriver-1']);
    expect(types(admin).list({ is_public: 'none', sort_key: 'name', sort_dir: 'asc', marker: all[1]!.id }).map((t) => t.name)).toEqual(['private-demo', 'private-nobody']);
  });

  it('a private type is a 404 for a project without access, which cannot create a volume of it; access granted, it can', () => {
    const { cloud, admin, demo, alt } = world(1312);
    const priv = types(admin).create({ name: 'vip', 'os-volume-type-access:is_public': false, extra_specs: { volume_backend_name: 'lvmdriver-1' } });
    refused(cloud, () => types(demo).show(priv.id), { status: 404, code: 'block.volume_type.not_found', message: `Volume type ${priv.id} could not be found.` });
    refused(cloud, () => types(demo).show('vip'), { status: 404, message: 'Volume type with name vip could not be found.' });
    refused(cloud, () => demo.block.createVolume({ size: 1, volume_type: priv.id }), { status: 404, code: 'block.volume_type.not_found' });
    refused(cloud, () => demo.block.createVolume({ size: 1, volume_type: 'vip' }), { status: 404 });
    types(admin).addAccess(priv.id, { project: projectId(demo) });
    expect(types(admin).access(priv.id)).toEqual([{ volume_type_id: priv.id, project_id: projectId(demo) }]);
    expect(types(demo).show('vip').id).toBe(priv.id);
    const v = demo.block.createVolume({ size: 1, volume_type: 'vip' });
    expect(demo.block.getVolume(v.id)).toMatchObject({ status: 'available', volume_type: 'vip' });
    refused(cloud, () => alt.block.createVolume({ size: 1, volume_type: 'vip' }), { status: 404 });
    // access rules: twice is 409, removing what is not there 404, public types have no list
    refused(cloud, () => types(admin).addAccess(priv.id, { project: projectId(demo) }), { status: 409, code: 'block.volume_type.access_exists' });
    refused(cloud, () => types(admin).removeAccess(priv.id, { project: projectId(alt) }), { status: 404, code: 'block.volume_type.access_not_found' });
    refused(cloud, () => types(admin).access('lvmdriver-1'), { status: 404, message: 'Access list not available for public volume types.' });
    refused(cloud, () => types(admin).addAccess('lvmdriver-1', { project: projectId(alt) }), { status: 400, code: 'block.volume_type.public', message: 'Invalid volume type: Type access modification is not applicable to public volume type.' });
    refused(cloud, () => types(admin).addAccess(priv.id, { project: 'demo' }), { status: 400, field: 'project' });
    types(admin).removeAccess(priv.id, { project: projectId(demo) });
    refused(cloud, () => types(demo).show(priv.id), { status: 404 });
    // the volume keeps its type (a volume's type is not re-checked)
    expect(demo.block.getVolume(v.id).volume_type).toBe('vip');
  });

  it('sensitive extra specs (volume_backend_name …) are hidden without read_sensitive; user-visible ones are shown', () => {
    const { cloud, admin, demo, reader } = world(1313);
    const t = types(admin).create({ name: 'multi', extra_specs: { volume_backend_name: 'lvmdriver-1', multiattach: '<is> True', 'RESKEY:availability_zones': 'nova' } });
    for (const s of [demo, reader]) {
      expect(types(s).show(t.id)).toEqual({ id: t.id, name: 'multi', is_public: true, description: null, extra_specs: { 'RESKEY:availability_zones': 'nova', multiattach: '<is> True' }, ...(s === demo ? { 'os-volume-type-access:is_public': true } : {}) });
      expect(types(s).specs(t.id)).toEqual({ 'RESKEY:availability_zones': 'nova', multiattach: '<is> True' });
      expect(types(s).spec(t.id, 'multiattach')).toEqual({ multiattach: '<is> True' });
      refused(cloud, () => types(s).spec(t.id, 'volume_backend_name'), { status: 404, code: 'block.volume_type.extra_spec_not_found', message: `Volume Type ${t.id} has no extra specs with key volume_backend_name.` });
    }
    expect(types(admin).spec(t.id, 'volume_backend_name')).toEqual({ volume_backend_name: 'lvmdriver-1' });
    expect(types(admin).show(t.id).extra_specs).toEqual({ volume_backend_name: 'lvmdriver-1', multiattach: '<is> True', 'RESKEY:availability_zones': 'nova' });
    // a sensitive filter finds nothing for whom cannot read it (a member cannot filter at all)
    expect(types(admin).list({ extra_specs: { volume_backend_name: 'lvmdriver-1' } }).map((x) => x.name).sort()).toEqual(['lvmdriver-1', 'multi']);
    refused(cloud, () => types(demo).spec(t.id, 'constructor'), { status: 404 });
  });

  it('GET /types/default is the configured default type, for anyone', () => {
    const { demo, reader } = world(1314);
    expect(types(demo).showDefault().name).toBe('lvmdriver-1');
    expect(types(reader).show({ id: 'default' }).name).toBe('lvmdriver-1');
  });
});

describe('extra specs', () => {
  it('create, update, delete; refused while a volume has the type; cacheable with multiattach refused', () => {
    const { cloud, admin, demo } = world(1321);
    const t = types(admin).create({ name: 'spec' });
    expect(types(admin).setSpecs(t.id, { extra_specs: { 'capabilities:foo': 'bar', 'provisioning:type': 'thin' } })).toEqual({ 'capabilities:foo': 'bar', 'provisioning:type': 'thin' });
    expect(types(admin).putSpec(t.id, 'provisioning:type', { 'provisioning:type': 'thick' })).toEqual({ 'provisioning:type': 'thick' });
    refused(cloud, () => types(admin).putSpec(t.id, 'a', { b: 'c' }), { status: 400, message: 'Request body and URI mismatch' });
    refused(cloud, () => types(admin).putSpec(t.id, 'a', { a: 'b', c: 'd' }), { status: 400, field: 'body' });
    refused(cloud, () => types(admin).setSpecs(t.id, { extra_specs: { 'with space': 'x' } }), { status: 400, code: 'block.input.invalid_specs' });
    refused(cloud, () => types(admin).setSpecs(t.id, { extra_specs: { multiattach: '<is> True', cacheable: '<is> True' } }), { status: 400, message: 'cacheable cannot be set with multiattach.' });
    types(admin).delSpec(t.id, 'capabilities:foo');
    refused(cloud, () => types(admin).delSpec(t.id, 'capabilities:foo'), { status: 404, code: 'block.volume_type.extra_spec_not_found' });
    expect(types(admin).specs(t.id)).toEqual({ 'provisioning:type': 'thick' });
    types(admin).setSpecs(t.id, { extra_specs: { volume_backend_name: 'lvmdriver-1' } });
    demo.block.createVolume({ size: 1, volume_type: 'spec' });
    const inUse = { status: 400, code: 'block.volume_type.in_use', message: 'Volume Type is currently in use.' };
    refused(cloud, () => types(admin).setSpecs(t.id, { extra_specs: { a: 'b' } }), inUse);
    refused(cloud, () => types(admin).putSpec(t.id, 'provisioning:type', { 'provisioning:type': 'thin' }), inUse);
    refused(cloud, () => types(admin).delSpec(t.id, 'provisioning:type'), inUse);
  });

  it('steer the scheduler: a volume_backend_name no backend has leaves the volume in error; the right one places it', () => {
    const { admin, demo } = world(1322);
    types(admin).create({ name: 'nowhere', extra_specs: { volume_backend_name: 'no-such-backend' } });
    types(admin).create({ name: 'somewhere', extra_specs: { volume_backend_name: 'lvmdriver-1' } });
    const bad = demo.block.createVolume({ size: 1, volume_type: 'nowhere' });
    expect(bad.status).toBe('creating');
    expect(admin.block.getVolume(bad.id)).toMatchObject({ status: 'error', 'os-vol-host-attr:host': null });
    const good = demo.block.createVolume({ size: 1, volume_type: 'somewhere' });
    expect(admin.block.getVolume(good.id).status).toBe('available');
    expect(admin.block.getVolume(good.id)['os-vol-host-attr:host']).toMatch(/@lvmdriver-1#/);
  });
});

describe('bad input', () => {
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

  it('every call answers junk with a 4xx CloudError, never a TypeError, and changes nothing (seed 1330)', () => {
    const { cloud, admin, demo } = world(1330);
    const t = types(admin).create({ name: 'target', 'os-volume-type-access:is_public': false });
    const calls: ((x: unknown) => unknown)[] = [
      (x) => types(admin).create(x),
      (x) => types(admin).create({ name: x }),
      (x) => types(admin).create({ name: 'n', description: x }),
      (x) => types(admin).create({ name: 'n', extra_specs: x }),
      (x) => types(admin).create({ name: 'n', extra_specs: { k: x } }),
      (x) => types(admin).create({ name: 'n', 'os-volume-type-access:is_public': x }),
      (x) => types(admin).update(t.id, x),
      (x) => types(admin).update(x, { description: 'd' }),
      (x) => types(admin).update(t.id, { name: x }),
      (x) => types(admin).remove(x),
      (x) => types(admin).setSpecs(t.id, x),
      (x) => types(admin).setSpecs(t.id, { extra_specs: x }),
      (x) => types(admin).putSpec(t.id, x, { k: 'v' }),
      (x) => types(admin).putSpec(t.id, 'k', x),
      (x) => types(admin).delSpec(t.id, x),
      (x) => types(admin).addAccess(t.id, x),
      (x) => types(admin).addAccess(t.id, { project: x }),
      (x) => types(admin).removeAccess(x, { project: projectId(demo) }),
      (x) => types(admin).list(x),
      (x) => types(admin).list({ is_public: x }),
      (x) => types(admin).list({ limit: x }),
      (x) => types(admin).list({ sort_key: x }),
      (x) => types(demo).show(x),
      (x) => types(demo).spec(t.id, x),
    ];
    fc.assert(
      fc.property(fc.nat(calls.length - 1), fc.oneof(junk, fc.constant('__circular__')), (i, raw) => {
        const x = raw === '__circular__' ? circular() : raw;
        const before = cloud.state;
        try {
          calls[i]!(x);
        } catch (e) {
          expect(e).toBeInstanceOf(CloudError);
          const err = e as CloudError;
          expect(err.status).toBeGreaterThanOrEqual(400);
          expect(err.status).toBeLessThan(500);
          if (err.status === 400 && typeof err.details.field === 'string') expect(err.message).toContain(err.details.field);
          expect(cloud.state).toBe(before);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
          return;
        }
        // an accepted value is fine (e.g. a valid name): nothing to check
      }),
      { seed: 1330, numRuns: 400 },
    );
  });

  it('names the field at fault', () => {
    const { cloud, admin } = world(1331);
    refused(cloud, () => types(admin).create({ name: 'n', description: 'a\nb' }), { status: 400, field: 'description' });
    refused(cloud, () => types(admin).create({ name: 'n', extra_specs: { k: 5 } }), { status: 400, field: 'extra_specs.k' });
    refused(cloud, () => types(admin).create({ name: 'n', colour: 'red' }), { status: 400, field: 'volume_type.colour' });
    refused(cloud, () => types(admin).create({ description: 'no name' }), { status: 400, field: 'name' });
    refused(cloud, () => types(admin).create({ name: '  ' }), { status: 400, message: "The 'name' can not be empty." });
    refused(cloud, () => types(admin).list({ sort_key: 'colour' }), { status: 400, field: 'sort_key' });
  });
});
