/**
 * QoS specs (`cinder/api/contrib/qos_specs_manage.py`, `cinder/volume/qos_specs.py`,
 * `cinder/objects/qos_specs.py`): admin-only create (consumer, default `back-end`), list, show,
 * set and unset keys, associations with volume types, delete (refused while associated unless
 * forced), and bad input refused with the state unchanged.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, type Session } from '../../src/index.js';
import * as qos from '../../src/block/qos_specs.js';
import * as vt from '../../src/block/volume_types.js';
import { refused } from '../support/refusal.js';
import { blockRead, blockWorld, blockWrite } from './support.js';

const world = (seed: number) => blockWorld(seed, { identity: { password_hash_rounds: 1 } });

/** What `session.block` gains for QoS specs (until api.ts has the methods). */
function specs(session: Session) {
  return {
    create: (body: unknown) => blockWrite(session, 'create_qos_specs', (tx, ctx) => qos.createQosSpecs(tx, ctx, body)),
    list: (q: unknown = {}) => qos.listQosSpecs(blockRead(session), q),
    show: (ref: unknown) => qos.showQosSpecs(blockRead(session), ref),
    set: (ref: unknown, body: unknown) => blockWrite(session, 'set_qos_specs_keys', (tx, ctx) => qos.setQosSpecsKeys(tx, ctx, ref, body)),
    unset: (ref: unknown, body: unknown) => blockWrite(session, 'unset_qos_specs_keys', (tx, ctx) => qos.unsetQosSpecsKeys(tx, ctx, ref, body)),
    remove: (ref: unknown, options?: unknown) => blockWrite(session, 'delete_qos_specs', (tx, ctx) => qos.deleteQosSpecs(tx, ctx, ref, options as { force?: unknown })),
    associations: (ref: unknown) => qos.listQosAssociations(blockRead(session), ref),
    associate: (ref: unknown, type: unknown) => blockWrite(session, 'associate_qos_specs', (tx, ctx) => qos.associateQosSpecs(tx, ctx, ref, type)),
    disassociate: (ref: unknown, type: unknown) => blockWrite(session, 'disassociate_qos_specs', (tx, ctx) => qos.disassociateQosSpecs(tx, ctx, ref, type)),
    disassociateAll: (ref: unknown) => blockWrite(session, 'disassociate_all_qos_specs', (tx, ctx) => qos.disassociateAllQosSpecs(tx, ctx, ref)),
  };
}

const newType = (admin: Session, name: string) => blockWrite(admin, 'create_volume_type', (tx, ctx) => vt.createVolumeType(tx, ctx, { name }));

describe('QoS specs', () => {
  it('create: the consumer defaults to back-end, the other keys are specs, the name is trimmed and unique', () => {
    const { cloud, admin } = world(1401);
    const a = specs(admin).create({ name: ' limits ', total_iops_sec: '1000' });
    expect(a).toEqual({ id: expect.any(String), name: 'limits', consumer: 'back-end', specs: { total_iops_sec: '1000' } });
    const b = specs(admin).create({ name: 'front', consumer: 'front-end', read_bytes_sec: '1024000' });
    expect(b).toMatchObject({ consumer: 'front-end', specs: { read_bytes_sec: '1024000' } });
    refused(cloud, () => specs(admin).create({ name: 'limits' }), { status: 409, code: 'block.qos_specs.exists', message: 'QoS Specs limits already exists.' });
    refused(cloud, () => specs(admin).create({ name: 'x', consumer: 'middle' }), { status: 400, code: 'block.qos_specs.invalid_consumer', message: 'Valid consumer of QoS specs are:' });
    refused(cloud, () => specs(admin).create({ name: 'x', total_iops_sec: 1000 }), { status: 400, field: 'qos_specs.total_iops_sec', message: 'Value for key "total_iops_sec" is not a string or unicode' });
    refused(cloud, () => specs(admin).create({ name: '   ' }), { status: 400, message: "The 'name' can not be empty." });
    expect(specs(admin).show('limits')).toEqual(a);
    expect(specs(admin).list({ sort_key: 'name', sort_dir: 'asc' }).map((s) => s.name)).toEqual(['front', 'limits']);
    expect(specs(admin).list({ consumer: 'front-end' }).map((s) => s.name)).toEqual(['front']);
    refused(cloud, () => specs(admin).show('nothing'), { status: 404, code: 'block.qos_specs.not_found', message: 'No such QoS spec nothing.' });
  });

  it('list pages as the paginator: an unknown marker is 404, a marker the filters leave out pages on from its sort values, offset after it', () => {
    const { cloud, admin } = world(1402);
    const made = ['a', 'b', 'c', 'd'].map((name, i) => {
      const row = specs(admin).create({ name, consumer: i % 2 === 0 ? 'front-end' : 'back-end' });
      cloud.clock.advance(1);
      return row.id;
    });
    const names = (q: Record<string, unknown>): string[] => specs(admin).list(q).map((s) => s.name);
    expect(names({})).toEqual(['d', 'c', 'b', 'a']);
    expect(names({ marker: made[2] })).toEqual(['b', 'a']);
    expect(names({ marker: made[2], offset: 1 })).toEqual(['a']);
    // c is front-end: the back-end list goes on after c, not from its first page
    expect(names({ consumer: 'back-end', marker: made[2] })).toEqual(['b']);
    expect(names({ consumer: 'back-end', sort_key: 'name', sort_dir: 'asc', marker: made[0] })).toEqual(['b', 'd']);
    expect(names({ consumer: 'front-end', marker: made[3] })).toEqual(['c', 'a']);
    expect(names({ consumer: 'front-end', marker: made[0] })).toEqual([]);
    refused(cloud, () => specs(admin).list({ marker: 'no-such' }), { status: 404 });
  });

  it('is the admin’s alone: every call is 403 for a member or a reader, before any lookup', () => {
    const { cloud, admin, demo, reader } = world(1402);
    const a = specs(admin).create({ name: 'q' });
    for (const s of [demo, reader]) {
      const forbidden = { status: 403, code: 'block.policy.forbidden' };
      refused(cloud, () => specs(s).create({ name: 'mine' }), forbidden);
      refused(cloud, () => specs(s).list(), forbidden);
      refused(cloud, () => specs(s).show(a.id), forbidden);
      refused(cloud, () => specs(s).show('does-not-exist'), forbidden);
      refused(cloud, () => specs(s).set(a.id, { k: 'v' }), forbidden);
      refused(cloud, () => specs(s).unset(a.id, { keys: ['k'] }), forbidden);
      refused(cloud, () => specs(s).remove(a.id), forbidden);
      refused(cloud, () => specs(s).associations(a.id), forbidden);
      refused(cloud, () => specs(s).associate(a.id, 'lvmdriver-1'), forbidden);
      refused(cloud, () => specs(s).disassociate(a.id, 'lvmdriver-1'), forbidden);
      refused(cloud, () => specs(s).disassociateAll(a.id), forbidden);
    }
  });

  it('set and unset keys; consumer through set; an unset key missing is 404 and removes nothing', () => {
    const { cloud, admin } = world(1403);
    const a = specs(admin).create({ name: 'q', a: '1', b: '2' });
    expect(specs(admin).set(a.id, { c: '3', consumer: 'both' })).toEqual({ c: '3', consumer: 'both' });
    expect(specs(admin).show(a.id)).toMatchObject({ consumer: 'both', specs: { a: '1', b: '2', c: '3' } });
    refused(cloud, () => specs(admin).set(a.id, { consumer: 'nobody' }), { status: 400, code: 'block.qos_specs.invalid_consumer' });
    refused(cloud, () => specs(admin).unset(a.id, { keys: ['a', 'zzz'] }), { status: 404, code: 'block.qos_specs.key_not_found', message: `QoS spec ${a.id} has no spec with key zzz.` });
    refused(cloud, () => specs(admin).unset(a.id, { keys: ['a', 'a'] }), { status: 400, field: 'keys' });
    specs(admin).unset(a.id, { keys: ['a', 'b'] });
    expect(specs(admin).show(a.id).specs).toEqual({ c: '3' });
  });

  it('associations: one QoS specs per type; disassociate, disassociate all; the type shows qos_specs_id to admins', () => {
    const { cloud, admin, demo } = world(1404);
    const a = specs(admin).create({ name: 'qa' });
    const b = specs(admin).create({ name: 'qb' });
    const t1 = newType(admin, 't1');
    const t2 = newType(admin, 't2');
    refused(cloud, () => specs(admin).associate(a.id, undefined), { status: 400, message: 'Volume Type id must not be None.' });
    refused(cloud, () => specs(admin).associate(a.id, 'no-such-type'), { status: 404, code: 'block.volume_type.not_found' });
    specs(admin).associate(a.id, t1.id);
    specs(admin).associate(a.id, t1.id); // again: nothing to do
    specs(admin).associate(a.id, t2.id);
    refused(cloud, () => specs(admin).associate(b.id, t1.id), { status: 400, code: 'block.qos_specs.type_associated', message: `Invalid volume type: Type ${t1.id} is already associated with another qos specs: ${a.id}` });
    expect(specs(admin).associations(a.id)).toEqual(expect.arrayContaining([{ association_type: 'volume_type', name: 't1', id: t1.id }, { association_type: 'volume_type', name: 't2', id: t2.id }]));
    expect(vt.showVolumeType(blockRead(admin), t1.id).qos_specs_id).toBe(a.id);
    expect(vt.showVolumeType(blockRead(demo), t1.id)).not.toHaveProperty('qos_specs_id');
    specs(admin).disassociate(b.id, t1.id); // not b's: unchanged
    expect(vt.showVolumeType(blockRead(admin), t1.id).qos_specs_id).toBe(a.id);
    specs(admin).disassociate(a.id, t1.id);
    expect(specs(admin).associations(a.id)).toEqual([{ association_type: 'volume_type', name: 't2', id: t2.id }]);
    specs(admin).disassociateAll(a.id);
    expect(specs(admin).associations(a.id)).toEqual([]);
  });

  it('delete: refused while associated (400 "Qos specs still in use."), unless forced', () => {
    const { cloud, admin } = world(1405);
    const a = specs(admin).create({ name: 'qa' });
    const t = newType(admin, 't');
    specs(admin).associate(a.id, t.id);
    refused(cloud, () => specs(admin).remove(a.id), { status: 400, code: 'block.qos_specs.in_use', message: 'Qos specs still in use.' });
    refused(cloud, () => specs(admin).remove(a.id, { force: 'maybe' }), { status: 400, field: 'force' });
    specs(admin).remove(a.id, { force: true });
    refused(cloud, () => specs(admin).show(a.id), { status: 404 });
    expect(vt.showVolumeType(blockRead(admin), t.id).qos_specs_id).toBeNull();
    const b = specs(admin).create({ name: 'qb' });
    specs(admin).remove(b.id);
    expect(specs(admin).list()).toEqual([]);
  });
});

describe('bad input', () => {
  const junk = fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.constant(Number.NaN),
    fc.constant(1e308),
    fc.constant([]),
    fc.constant(''),
    fc.constant('y'.repeat(300)),
    fc.constant(JSON.parse('{"__proto__": {"polluted": 1}}')),
    fc.constant({ deep: { deeper: [{}] } }),
    fc.string(),
    fc.integer(),
    fc.boolean(),
  );

  it('every call answers junk with a 4xx CloudError and changes nothing (seed 1410)', () => {
    const { cloud, admin } = world(1410);
    const a = specs(admin).create({ name: 'target', k: 'v' });
    const t = newType(admin, 'tt');
    const calls: ((x: unknown) => unknown)[] = [
      (x) => specs(admin).create(x),
      (x) => specs(admin).create({ name: x }),
      (x) => specs(admin).create({ name: 'n2', consumer: x }),
      (x) => specs(admin).create({ name: 'n3', spec: x }),
      (x) => specs(admin).set(a.id, x),
      (x) => specs(admin).set(a.id, { k: x }),
      (x) => specs(admin).set(x, { k: 'v' }),
      (x) => specs(admin).unset(a.id, x),
      (x) => specs(admin).unset(a.id, { keys: x }),
      (x) => specs(admin).unset(a.id, { keys: [x] }),
      (x) => specs(admin).remove(x),
      (x) => specs(admin).remove(a.id, x),
      (x) => specs(admin).remove(a.id, { force: x }),
      (x) => specs(admin).associate(a.id, x),
      (x) => specs(admin).associate(x, t.id),
      (x) => specs(admin).disassociate(a.id, x),
      (x) => specs(admin).list(x),
      (x) => specs(admin).list({ limit: x }),
      (x) => specs(admin).list({ marker: x }),
      (x) => specs(admin).show(x),
    ];
    fc.assert(
      fc.property(fc.nat(calls.length - 1), junk, (i, x) => {
        const before = cloud.state;
        try {
          calls[i]!(x);
        } catch (e) {
          expect(e).toBeInstanceOf(CloudError);
          expect((e as CloudError).status).toBeGreaterThanOrEqual(400);
          expect((e as CloudError).status).toBeLessThan(500);
          const field = (e as CloudError).details.field;
          if ((e as CloudError).status === 400 && typeof field === 'string') expect((e as CloudError).message).toContain(field);
          expect(cloud.state).toBe(before);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }
      }),
      { seed: 1410, numRuns: 400 },
    );
  });
});
