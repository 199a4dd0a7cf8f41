/**
 * Cinder's quota sets and limits (Zed: `cinder/api/contrib/quotas.py`, the `quota_set` format
 * checker of `cinder/api/validation/validators.py`, `cinder/quota.py` `VolumeTypeQuotaEngine`,
 * `cinder/policies/quotas.py`, `cinder/api/v3/limits.py`, `cinder/api/views/limits.py`,
 * `cinder/api/contrib/used_limits.py`): the resources a quota set lists (per volume type too),
 * usage, defaults, an admin's update with Cinder's validation and its refusals, a reset, the
 * limits view; every refusal leaves `cloud.state` the very same object.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';

import { setRow } from '../../src/core/index.js';
import type { Session } from '../../src/index.js';
import type { VolumeTypeRow } from '../../src/block/types.js';
import { MAX_QUOTA_LIMIT, deleteQuotaSet, quotaResourceNames, showLimits, showQuotaSet, showQuotaSetDefaults, updateQuotaSet } from '../../src/block/quota_sets.js';
import { refused } from '../support/refusal.js';
import { blockRead, blockWorld, blockWrite, type BlockWorld } from './support.js';

/**
 * The session methods this file's functions become (`session.block.getQuotaSet`, …), called
 * through the same request pipeline until `BlockApi` has them.
 */
function quotaApi(w: BlockWorld, session: Session) {
  const quotas = w.cloud.kernel.quotas;
  return {
    getQuotaSet: (project: unknown, query?: unknown) => showQuotaSet(blockRead(session), quotas, project, query),
    getQuotaSetDefaults: (project: unknown) => showQuotaSetDefaults(blockRead(session), quotas, project),
    updateQuotaSet: (project: unknown, body: unknown) => blockWrite(session, 'update_quota_set', (tx, ctx) => updateQuotaSet(tx, ctx, project, body)),
    deleteQuotaSet: (project: unknown) => blockWrite(session, 'delete_quota_set', (tx, ctx) => deleteQuotaSet(tx, ctx, project)),
    getLimits: (query?: unknown) => showLimits(blockRead(session), quotas, query),
  };
}

function world(seed: number) {
  const w = blockWorld(seed, { identity: { password_hash_rounds: 1 } });
  const ids = w.cloud.systemAdmin.identity;
  return {
    ...w,
    demoId: ids.getProject('demo').id,
    altId: ids.getProject('alt_demo').id,
    adminQ: quotaApi(w, w.admin),
    demoQ: quotaApi(w, w.demo),
    altQ: quotaApi(w, w.alt),
    readerQ: quotaApi(w, w.reader),
  };
}

/** Zed's defaults (`cinder/quota.py` `quota_*`, `per_volume_size_limit`, `quota_groups`), and -1 for every per-type resource. */
const DEFAULTS = { volumes: 10, per_volume_gigabytes: -1, snapshots: 10, gigabytes: 1000, backups: 10, backup_gigabytes: 1000, groups: 10 };
const PER_TYPE = (type: string) => ({ [`volumes_${type}`]: -1, [`gigabytes_${type}`]: -1, [`snapshots_${type}`]: -1 });
const DEVSTACK_SET = { ...DEFAULTS, ...PER_TYPE('__DEFAULT__'), ...PER_TYPE('lvmdriver-1') };

function addType(w: BlockWorld, name: string, at = 0): VolumeTypeRow {
  return blockWrite(w.admin, 'test_add_type', (tx) => {
    const row: VolumeTypeRow = { id: tx.ids.uuid(), name, description: null, is_public: false, extra_specs: {}, qos_specs_id: null, created_at: tx.now() + at, updated_at: tx.now() };
    setRow(tx.draft.block.volume_types, row.id, row);
    return row;
  });
}

describe('quota sets: show and defaults', () => {
  it("list every resource with Zed's defaults, the per-type ones of every volume type, and the project id", () => {
    const { demoQ, readerQ, adminQ, demoId, altId } = world(13101);
    const q = demoQ.getQuotaSet(demoId);
    expect(q).toEqual({ ...DEVSTACK_SET, id: demoId });
    // Cinder's order: the fixed resources, the types (newest first; same time: id descending), groups, id
    expect(Object.keys(q).slice(0, 6)).toEqual(['volumes', 'per_volume_gigabytes', 'snapshots', 'gigabytes', 'backups', 'backup_gigabytes']);
    expect(Object.keys(q).slice(-2)).toEqual(['groups', 'id']);
    expect(readerQ.getQuotaSet(demoId)).toEqual(q);
    expect(adminQ.getQuotaSet(altId)).toEqual({ ...DEVSTACK_SET, id: altId });
    // Cinder does not ask Keystone: any project id has the defaults
    expect(adminQ.getQuotaSet('no-such-project')).toEqual({ ...DEVSTACK_SET, id: 'no-such-project' });
    expect(demoQ.getQuotaSetDefaults(demoId)).toEqual({ ...DEVSTACK_SET, id: demoId });
  });

  it('a new volume type, private ones included, adds its three resources (newest type first)', () => {
    const w = world(13102);
    addType(w, 'gold', 5);
    const keys = Object.keys(w.demoQ.getQuotaSet(w.demoId));
    expect(keys).toContain('volumes_gold');
    expect(keys.indexOf('volumes_gold')).toBeLessThan(keys.indexOf('volumes_lvmdriver-1'));
    expect(keys.slice(keys.indexOf('volumes_gold'), keys.indexOf('volumes_gold') + 3)).toEqual(['volumes_gold', 'gigabytes_gold', 'snapshots_gold']);
    expect(quotaResourceNames(w.cloud.state)).toEqual(keys.filter((k) => k !== 'id'));
  });

  it('usage=True: limit, in_use and reserved (0) per resource, following the volumes the project creates and deletes', () => {
    const { demo, demoQ, demoId } = world(13103);
    const a = demo.block.createVolume({ size: 2 });
    demo.block.createVolume({ size: 3 });
    const u = demoQ.getQuotaSet(demoId, { usage: 'True' }) as Record<string, unknown>;
    expect(u.volumes).toEqual({ limit: 10, in_use: 2, reserved: 0 });
    expect(u.gigabytes).toEqual({ limit: 1000, in_use: 5, reserved: 0 });
    expect(u['volumes_lvmdriver-1']).toEqual({ limit: -1, in_use: 2, reserved: 0 });
    expect(u['gigabytes_lvmdriver-1']).toEqual({ limit: -1, in_use: 5, reserved: 0 });
    expect(u['volumes___DEFAULT__']).toEqual({ limit: -1, in_use: 0, reserved: 0 });
    expect(u.id).toBe(demoId);
    demo.block.deleteVolume(a.id);
    expect((demoQ.getQuotaSet(demoId, { usage: true }) as Record<string, unknown>).gigabytes).toEqual({ limit: 1000, in_use: 3, reserved: 0 });
    for (const off of [false, 'false', '0', 'no']) expect(demoQ.getQuotaSet(demoId, { usage: off }).volumes).toBe(10);
  });

  it("another project's quota is the member's 403; a bad usage flag or project id a 400", () => {
    const { cloud, demoQ, altId, demoId } = world(13104);
    refused(cloud, () => demoQ.getQuotaSet(altId), { status: 403, code: 'block.policy.forbidden', message: "Policy doesn't allow volume_extension:quotas:show to be performed." });
    refused(cloud, () => demoQ.getQuotaSetDefaults(altId), { status: 403 });
    refused(cloud, () => demoQ.getQuotaSet(demoId, { usage: 'maybe' }), { status: 400, field: 'usage', message: "Value 'maybe' for 'usage' is not a boolean." });
    refused(cloud, () => demoQ.getQuotaSet(demoId, { detail: true }), { status: 400, field: 'detail' });
    for (const bad of [undefined, null, 42, NaN, '', 'x'.repeat(256), {}, ['a'], { id: demoId }]) {
      refused(cloud, () => demoQ.getQuotaSet(bad), { status: 400, field: 'project_id' });
      refused(cloud, () => demoQ.getQuotaSetDefaults(bad), { status: 400, field: 'project_id' });
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const q of [cyclic, 'usage', 5, JSON.parse('{"__proto__": {"usage": true}}')]) refused(cloud, () => demoQ.getQuotaSet(demoId, q), { status: 400 });
  });
});

describe('quota sets: update and delete', () => {
  it("an admin sets limits (ints or strings of ints, -1 unlimited, per-type ones), answered as the quota set; id and tenant_id are ignored", () => {
    const { adminQ, demoQ, demoId } = world(13201);
    const set = adminQ.updateQuotaSet(demoId, { volumes: 5, gigabytes: '50', 'volumes_lvmdriver-1': 2, backups: -1, id: 'ignored', tenant_id: 'ignored' });
    expect(set).toEqual({ ...DEVSTACK_SET, volumes: 5, gigabytes: 50, 'volumes_lvmdriver-1': 2, backups: -1, id: demoId });
    expect(demoQ.getQuotaSet(demoId)).toEqual(set);
    // defaults stay the defaults
    expect(demoQ.getQuotaSetDefaults(demoId)).toEqual({ ...DEVSTACK_SET, id: demoId });
    // a later update keeps the other limits
    expect(adminQ.updateQuotaSet(demoId, { snapshots: ' 7 ' })).toMatchObject({ volumes: 5, snapshots: 7 });
  });

  it('a per-type limit is enforced: over it, 413 VolumeLimitExceeded naming the per-type quota, nothing created', () => {
    const { cloud, demo, adminQ, demoId } = world(13202);
    adminQ.updateQuotaSet(demoId, { 'volumes_lvmdriver-1': 1, 'gigabytes_lvmdriver-1': 10 });
    demo.block.createVolume({ size: 1 });
    const e = refused(cloud, () => demo.block.createVolume({ size: 1 }), { status: 413, message: "Maximum number of volumes allowed (1) exceeded for quota 'volumes_lvmdriver-1'." });
    expect(e.details.cinder).toBe('VolumeLimitExceeded');
    adminQ.updateQuotaSet(demoId, { 'volumes_lvmdriver-1': -1 });
    refused(cloud, () => demo.block.createVolume({ size: 10 }), { status: 413, message: 'Requested volume or snapshot exceeds allowed gigabytes_lvmdriver-1 quota. Requested 10G, quota is 10G and 1G has been consumed.' });
  });

  it("a limit below the project's use is Cinder's 400 (not for -1, not for per_volume_gigabytes), and nothing of the request is set", () => {
    const { cloud, demo, adminQ, demoQ, demoId } = world(13203);
    demo.block.createVolume({ size: 4 });
    demo.block.createVolume({ size: 4 });
    const before = demoQ.getQuotaSet(demoId);
    refused(cloud, () => adminQ.updateQuotaSet(demoId, { snapshots: 3, volumes: 1 }), {
      status: 400,
      code: 'block.quota.below_usage',
      field: 'volumes',
      message: 'Quota volumes limit must be equal or greater than existing resources. Current usage is 2 and the requested limit is 1.',
    });
    refused(cloud, () => adminQ.updateQuotaSet(demoId, { 'gigabytes_lvmdriver-1': 7 }), { status: 400, message: 'Quota gigabytes_lvmdriver-1 limit must be equal or greater than existing resources. Current usage is 8 and the requested limit is 7.' });
    expect(demoQ.getQuotaSet(demoId)).toEqual(before);
    expect(adminQ.updateQuotaSet(demoId, { volumes: 2, gigabytes: -1, per_volume_gigabytes: 1 })).toMatchObject({ volumes: 2, gigabytes: -1, per_volume_gigabytes: 1 });
    // per_volume_gigabytes then refuses a larger volume: 413 VolumeSizeExceedsLimit
    adminQ.updateQuotaSet(demoId, { volumes: 3 });
    refused(cloud, () => demo.block.createVolume({ size: 2 }), { status: 413, message: 'Requested volume size 2G is larger than maximum allowed limit 1G.' });
  });

  it("bad values are Cinder's 400 naming the key (the first bad value wins over unknown keys), unknown keys one 400 naming them all", () => {
    const { cloud, adminQ, demoId } = world(13204);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [unknown, string][] = [
      [true, 'volumes must be an integer'],
      [null, 'volumes must be an integer'],
      [1.5, 'volumes must be an integer'],
      [NaN, 'volumes must be an integer'],
      [Infinity, 'volumes must be an integer'],
      ['ten', 'volumes must be an integer'],
      ['', 'volumes must be an integer'],
      [[5], 'volumes must be an integer'],
      [{ n: 5 }, 'volumes must be an integer'],
      [cyclic, 'volumes must be an integer'],
      [-2, 'volumes must be >= -1'],
      ['-5', 'volumes must be >= -1'],
      [MAX_QUOTA_LIMIT + 1, `volumes must be <= ${MAX_QUOTA_LIMIT}`],
      [1e300, `volumes must be <= ${MAX_QUOTA_LIMIT}`],
      ['9'.repeat(400), `volumes must be <= ${MAX_QUOTA_LIMIT}`],
    ];
    for (const [value, message] of cases) refused(cloud, () => adminQ.updateQuotaSet(demoId, { volumes: value }), { status: 400, code: 'block.quota.invalid_value', field: 'volumes', message });
    refused(cloud, () => adminQ.updateQuotaSet(demoId, { foo: 1, volumes: 2, 'volumes_no-such-type': 1 }), { status: 400, code: 'block.quota.bad_keys', field: 'foo', message: 'Invalid input received: Bad key(s) in quota set: foo, volumes_no-such-type' });
    refused(cloud, () => adminQ.updateQuotaSet(demoId, { foo: 1, volumes: 'x' }), { status: 400, message: 'volumes must be an integer' });
    refused(cloud, () => adminQ.updateQuotaSet(demoId, JSON.parse('{"__proto__": 5}')), { status: 400, message: 'Bad key(s) in quota set: __proto__' });
    refused(cloud, () => adminQ.updateQuotaSet(demoId, {}), { status: 400, field: 'quota_set', message: 'does not have enough properties' });
    for (const body of [null, undefined, 5, 'volumes=5', [{ volumes: 5 }]]) refused(cloud, () => adminQ.updateQuotaSet(demoId, body), { status: 400, field: 'quota_set' });
    for (const bad of [undefined, 7, '', 'p'.repeat(256), { id: demoId }]) refused(cloud, () => adminQ.updateQuotaSet(bad, { volumes: 5 }), { status: 400, field: 'project_id' });
    expect(MAX_QUOTA_LIMIT).toBe(2147483647);
    expect(adminQ.updateQuotaSet(demoId, { volumes: MAX_QUOTA_LIMIT }).volumes).toBe(MAX_QUOTA_LIMIT);
  });

  it("a member or reader may neither update nor delete (admin_api: 403, state unchanged); delete gives the defaults back and keeps the use", () => {
    const { cloud, demo, demoQ, readerQ, adminQ, demoId } = world(13205);
    refused(cloud, () => demoQ.updateQuotaSet(demoId, { volumes: 100 }), { status: 403, message: "Policy doesn't allow volume_extension:quotas:update to be performed." });
    refused(cloud, () => readerQ.updateQuotaSet(demoId, { volumes: 100 }), { status: 403 });
    refused(cloud, () => demoQ.deleteQuotaSet(demoId), { status: 403, message: "Policy doesn't allow volume_extension:quotas:delete to be performed." });
    // the policy comes before the body: a member's bad body is still a 403
    refused(cloud, () => demoQ.updateQuotaSet(demoId, { foo: 'x' }), { status: 403 });
    demo.block.createVolume({ size: 1 });
    adminQ.updateQuotaSet(demoId, { volumes: 3, gigabytes: 5, 'snapshots_lvmdriver-1': 0 });
    adminQ.deleteQuotaSet(demoId);
    expect(demoQ.getQuotaSet(demoId)).toEqual({ ...DEVSTACK_SET, id: demoId });
    expect((demoQ.getQuotaSet(demoId, { usage: true }) as Record<string, unknown>).volumes).toEqual({ limit: 10, in_use: 1, reserved: 0 });
    // deleting a project with no limits of its own is fine
    adminQ.deleteQuotaSet('no-such-project');
    for (const bad of [null, 1, '', ['x']]) refused(cloud, () => adminQ.deleteQuotaSet(bad), { status: 400, field: 'project_id' });
  });

  it('any random quota_set is either applied exactly as asked, or refused with the state unchanged (seed 13206)', () => {
    const w = world(13206);
    w.demo.block.createVolume({ size: 3 });
    const names = [...quotaResourceNames(w.cloud.state), 'id', 'tenant_id', 'bogus'];
    const value = fc.oneof(fc.integer({ min: -3, max: 20 }), fc.constantFrom('4', ' 8', '-1', 'x', '', '1_0'), fc.constantFrom(null, true, 2.5, MAX_QUOTA_LIMIT, MAX_QUOTA_LIMIT + 1));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), value, { minKeys: 0, maxKeys: 5 }), (body) => {
        const before = w.cloud.state;
        const shown = w.adminQ.getQuotaSet(w.demoId) as Record<string, unknown>;
        let answer: Record<string, unknown>;
        try {
          answer = w.adminQ.updateQuotaSet(w.demoId, body) as Record<string, unknown>;
        } catch (e) {
          expect(w.cloud.state).toBe(before);
          expect((e as { status: number }).status).toBe(400);
          return;
        }
        for (const [k, v] of Object.entries(body)) {
          if (k === 'id' || k === 'tenant_id') continue;
          expect(answer[k]).toBe(Number(String(v).replace(/_/g, '')));
        }
        for (const k of Object.keys(shown)) if (!(k in body) && k !== 'id') expect(answer[k]).toBe(shown[k]);
        expect(w.adminQ.getQuotaSet(w.demoId)).toEqual(answer);
      }),
      { seed: 13206, numRuns: 150 },
    );
  });
});

describe('limits', () => {
  it("absolute limits and the project's use (used_limits), rate empty; an admin may name another project, anyone else's project_id is ignored", () => {
    const { demo, demoQ, readerQ, adminQ, altQ, demoId } = world(13301);
    demo.block.createVolume({ size: 2 });
    const base = { maxTotalVolumes: 10, maxTotalSnapshots: 10, maxTotalVolumeGigabytes: 1000, maxTotalBackups: 10, maxTotalBackupGigabytes: 1000 };
    const used = { totalVolumesUsed: 1, totalGigabytesUsed: 2, totalSnapshotsUsed: 0, totalBackupsUsed: 0, totalBackupGigabytesUsed: 0 };
    const none = { totalVolumesUsed: 0, totalGigabytesUsed: 0, totalSnapshotsUsed: 0, totalBackupsUsed: 0, totalBackupGigabytesUsed: 0 };
    expect(demoQ.getLimits()).toEqual({ rate: [], absolute: { ...base, ...used } });
    expect(Object.keys(demoQ.getLimits().absolute)).toEqual([...Object.keys(base), ...Object.keys(used)]);
    expect(readerQ.getLimits()).toEqual({ rate: [], absolute: { ...base, ...used } });
    expect(altQ.getLimits()).toEqual({ rate: [], absolute: { ...base, ...none } });
    expect(altQ.getLimits({ project_id: demoId })).toEqual({ rate: [], absolute: { ...base, ...none } });
    expect(adminQ.getLimits({ project_id: demoId })).toEqual({ rate: [], absolute: { ...base, ...used } });
    expect(adminQ.getLimits({ tenant_id: demoId })).toEqual({ rate: [], absolute: { ...base, ...used } });
    adminQ.updateQuotaSet(demoId, { volumes: 4, backup_gigabytes: -1 });
    expect(demoQ.getLimits().absolute).toMatchObject({ maxTotalVolumes: 4, maxTotalBackupGigabytes: -1 });
  });

  it('without limits_extension:used_limits the use is left out, no error; bad queries are 400s', () => {
    const { cloud, demoQ, demoId } = world(13302);
    cloud.policy.setRule('limits_extension:used_limits', '!');
    expect(demoQ.getLimits()).toEqual({ rate: [], absolute: { maxTotalVolumes: 10, maxTotalSnapshots: 10, maxTotalVolumeGigabytes: 1000, maxTotalBackups: 10, maxTotalBackupGigabytes: 1000 } });
    refused(cloud, () => demoQ.getLimits({ usage: true }), { status: 400, field: 'usage' });
    for (const bad of [5, '', null, { id: demoId }]) refused(cloud, () => demoQ.getLimits({ project_id: bad }), { status: 400, field: 'project_id' });
    for (const q of [null, 'x', [1], JSON.parse('{"__proto__": {"project_id": "x"}}')]) refused(cloud, () => demoQ.getLimits(q), { status: 400 });
  });
});
