/**
 * Nova's quota sets and limits at compute API 2.93 (Zed: nova/api/openstack/compute/quota_sets.py,
 * schemas/quota_sets.py, limits.py, views/limits.py, nova/quota.py, nova/policies/quota_sets.py
 * and limits.py): show, detail (with usage), defaults, an admin's update with nova's schema and its
 * usage check (and `force`), delete back to the defaults, limits; policy refusals and bad input
 * with `cloud.state` the same object; a property with a fixed seed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { refused } from '../support/refusal.js';
import { boot, computeWorld, withIds } from './support.js';

/** Zed's defaults of the resources 2.57+ shows. */
const DEFAULTS = { cores: 20, instances: 10, key_pairs: 100, metadata_items: 128, ram: 51200, server_group_members: 10, server_groups: 10 };

const world = (seed = 1) => withIds(computeWorld(seed));

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINnFxwXaEixEZeEUNc0cBGYvPfTHAZKB0mBf6qmD8FdL x';

describe('quota sets: show, detail, defaults', () => {
  it("shows Zed's defaults for the project, to its readers and an admin", () => {
    const { demo, reader, admin, demoId, altId } = world(14201);
    expect(demo.compute.getQuotaSet(demoId)).toEqual({ id: demoId, ...DEFAULTS });
    expect(reader.compute.getQuotaSet(demoId)).toEqual({ id: demoId, ...DEFAULTS });
    expect(admin.compute.getQuotaSet(altId)).toEqual({ id: altId, ...DEFAULTS });
    expect(demo.compute.getDefaultQuotaSet(demoId)).toEqual({ id: demoId, ...DEFAULTS });
    // defaults are anyone's, for any project (Keystone answers a non-admin 403: nova lets it through)
    expect(demo.compute.getDefaultQuotaSet(altId)).toEqual({ id: altId, ...DEFAULTS });
    expect(demo.compute.getDefaultQuotaSet('no-such-project')).toEqual({ id: 'no-such-project', ...DEFAULTS });
  });

  it('details what the project uses: live instances, their cores and RAM, server groups; key pairs as nova shows them (0)', () => {
    const { demo, alt, demoId, demoUser, cloud } = world(14202);
    boot(demo, 'a');
    boot(demo, 'b', { flavorRef: 'm1.small' });
    demo.compute.createServerGroup({ name: 'g', policy: 'affinity' });
    demo.compute.importKeypair({ name: 'k', public_key: ED25519 });
    const d = demo.compute.getQuotaSet(demoId, { detail: true });
    expect(d).toEqual({
      id: demoId,
      cores: { in_use: 2, limit: 20, reserved: 0 },
      instances: { in_use: 2, limit: 10, reserved: 0 },
      key_pairs: { in_use: 0, limit: 100, reserved: 0 },
      metadata_items: { in_use: 0, limit: 128, reserved: 0 },
      ram: { in_use: 2560, limit: 51200, reserved: 0 },
      server_group_members: { in_use: 0, limit: 10, reserved: 0 },
      server_groups: { in_use: 1, limit: 10, reserved: 0 },
    });
    // one user's share of the project
    expect(demo.compute.getQuotaSet(demoId, { detail: true, user_id: demoUser }).instances).toEqual({ in_use: 2, limit: 10, reserved: 0 });
    expect(demo.compute.getQuotaSet(demoId, { detail: true, user_id: 'someone-else' }).instances).toEqual({ in_use: 0, limit: 10, reserved: 0 });
    // deleting gives back
    demo.compute.deleteServer(demo.compute.listServerSummaries().find((s) => s.name === 'b')!.id);
    expect(demo.compute.getQuotaSet(demoId, { detail: true }).ram).toEqual({ in_use: 512, limit: 51200, reserved: 0 });
    refused(cloud, () => alt.compute.getQuotaSet(demoId, { detail: true }), { status: 403, message: 'os_compute_api:os-quota-sets:detail' });
  });

  it("refuses another project's quota set (403), an unknown project for an admin (400), bad arguments", () => {
    const { cloud, alt, admin, demoId } = world(14203);
    refused(cloud, () => alt.compute.getQuotaSet(demoId), { status: 403, code: 'compute.policy.forbidden', message: 'os_compute_api:os-quota-sets:show' });
    refused(cloud, () => admin.compute.getQuotaSet('no-such-project'), { status: 400, message: 'Project ID no-such-project is not a valid project.' });
    refused(cloud, () => admin.compute.getDefaultQuotaSet('no-such-project'), { status: 400 });
    refused(cloud, () => admin.compute.getQuotaSet(5 as never), { status: 400, field: 'project_id' });
    refused(cloud, () => admin.compute.getQuotaSet('', {}), { status: 400, field: 'project_id' });
    refused(cloud, () => admin.compute.getQuotaSet(demoId, { detail: 'maybe' } as never), { status: 400, field: 'detail' });
    refused(cloud, () => admin.compute.getQuotaSet(demoId, { user_id: 5 } as never), { status: 400, field: 'user_id' });
    refused(cloud, () => admin.compute.getQuotaSet(demoId, { usage: true } as never), { status: 400, field: 'usage' });
  });
});

describe('quota sets: update and delete', () => {
  it("sets limits (answering without id), refuses one below the use unless forced, and resets to the defaults", () => {
    const { cloud, admin, demo, demoId } = world(14210);
    expect(admin.compute.updateQuotaSet(demoId, { instances: 5, cores: '8', ram: -1, metadata_items: '0' })).toEqual({ ...DEFAULTS, instances: 5, cores: 8, ram: -1, metadata_items: 0 });
    expect(demo.compute.getQuotaSet(demoId)).toEqual({ id: demoId, ...DEFAULTS, instances: 5, cores: 8, ram: -1, metadata_items: 0 });
    expect(admin.compute.updateQuotaSet(demoId, {})).toEqual({ ...DEFAULTS, instances: 5, cores: 8, ram: -1, metadata_items: 0 });
    boot(demo, 'one');
    boot(demo, 'two');
    refused(cloud, () => admin.compute.updateQuotaSet(demoId, { cores: 4, instances: 1 }), {
      status: 400,
      code: 'compute.quota.below_usage',
      message: 'Quota limit 1 for instances must be greater than or equal to already used and reserved 2.',
    });
    refused(cloud, () => admin.compute.updateQuotaSet(demoId, { ram: '1023' }), { status: 400, message: 'Quota limit 1023 for ram must be greater than or equal to already used and reserved 1024.' });
    expect(admin.compute.updateQuotaSet(demoId, { instances: 1, force: 'True' }).instances).toBe(1);
    expect(admin.compute.updateQuotaSet(demoId, { instances: -1, force: false }).instances).toBe(-1);
    // key pairs are not counted against an update (nova shows their use as 0)
    demo.compute.importKeypair({ name: 'k', public_key: ED25519 });
    expect(admin.compute.updateQuotaSet(demoId, { key_pairs: 0 }).key_pairs).toBe(0);
    // the new limit holds: a boot over it is nova's TooManyInstances
    admin.compute.updateQuotaSet(demoId, { instances: 2 });
    refused(cloud, () => boot(demo, 'three'), { status: 403, code: 'compute.quota.too_many_instances' });
    admin.compute.deleteQuotaSet(demoId);
    expect(demo.compute.getQuotaSet(demoId)).toEqual({ id: demoId, ...DEFAULTS });
  });

  it('is an admin\'s: members and readers are refused (403), after the schema', () => {
    const { cloud, demo, reader, demoId } = world(14211);
    refused(cloud, () => demo.compute.updateQuotaSet(demoId, { instances: 50 }), { status: 403, message: 'os_compute_api:os-quota-sets:update' });
    refused(cloud, () => reader.compute.updateQuotaSet(demoId, { instances: 50 }), { status: 403 });
    refused(cloud, () => demo.compute.deleteQuotaSet(demoId), { status: 403, message: 'os_compute_api:os-quota-sets:delete' });
    refused(cloud, () => demo.compute.updateQuotaSet(demoId, { instances: -2 }), { status: 400, field: 'instances' });
  });

  it('refuses bad bodies of every shape, naming the field, and sets nothing', () => {
    const { cloud, admin, demoId } = world(14212);
    const circular: Record<string, unknown> = { instances: 1 };
    circular.me = circular;
    const cases: [unknown, string, string?][] = [
      [{ instances: -2 }, 'instances', 'is less than the minimum of -1'],
      [{ instances: '-2' }, 'instances'],
      [{ instances: 2 ** 31 }, 'instances', 'is greater than the maximum of 2147483647'],
      [{ instances: '99999999999' }, 'instances'],
      [{ instances: 1.5 }, 'instances', "is not of type 'integer', 'string'"],
      [{ instances: Number.NaN }, 'instances'],
      [{ instances: 'ten' }, 'instances', "does not match '^-?[0-9]+$'"],
      [{ instances: '' }, 'instances'],
      [{ instances: null }, 'instances'],
      [{ instances: true }, 'instances'],
      [{ cores: 1, instances: [] }, 'instances'],
      [{ force: 'maybe' }, 'force'],
      [{ force: 1 }, 'force'],
      [{ networks: 1 }, 'networks', "Additional properties are not allowed ('networks' was unexpected)"],
      [{ injected_files: 1 }, 'injected_files'],
      [{ floating_ips: 1 }, 'floating_ips'],
      [JSON.parse('{"instances": 1, "__proto__": 1}'), '__proto__'],
      [circular, 'me'],
      [null, 'quota_set'],
      ['x', 'quota_set'],
      [[1], 'quota_set'],
    ];
    for (const [body, field, message] of cases) refused(cloud, () => admin.compute.updateQuotaSet(demoId, body as never), { status: 400, field, ...(message === undefined ? {} : { message }) });
    // a good value before a bad one sets nothing either
    refused(cloud, () => admin.compute.updateQuotaSet(demoId, { instances: 3, cores: 'x' }), { status: 400, field: 'cores' });
    expect(admin.compute.getQuotaSet(demoId).instances).toBe(10);
    refused(cloud, () => admin.compute.updateQuotaSet('no-such-project', { instances: 3 }), { status: 400, message: 'is not a valid project' });
    refused(cloud, () => admin.compute.deleteQuotaSet({} as never), { status: 400, field: 'project_id' });
  });

  it('never leaves a limit below -1, and a refused update changes nothing (seed 14213)', () => {
    const { cloud, admin, demoId } = world(14213);
    const resources = ['instances', 'cores', 'ram', 'metadata_items', 'key_pairs', 'server_groups', 'server_group_members'] as const;
    const value = fc.oneof(fc.integer({ min: -5, max: 100 }), fc.integer({ min: -5, max: 100 }).map(String), fc.constantFrom<unknown>(1.5, 'x', null, 2 ** 31, '-0', ' 5'));
    const update = fc.dictionary(fc.constantFrom(...resources), value, { maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(update, { maxLength: 8 }), (updates) => {
        const start = cloud.snapshot();
        try {
          const model: Record<string, number> = { ...DEFAULTS };
          for (const u of updates) {
            const before = cloud.state;
            try {
              admin.compute.updateQuotaSet(demoId, u);
              for (const [k, v] of Object.entries(u)) model[k] = Number(String(v).trim()) + 0;
            } catch (e) {
              expect((e as { status: number }).status).toBe(400);
              expect(cloud.state).toBe(before);
            }
            const shown = admin.compute.getQuotaSet(demoId) as unknown as Record<string, number>;
            for (const r of resources) {
              expect(shown[r]).toBeGreaterThanOrEqual(-1);
              expect(shown[r]).toBe(model[r]);
            }
          }
        } finally {
          cloud.restore(start);
        }
      }),
      { seed: 14213, numRuns: 60 },
    );
  });
});

describe('limits', () => {
  it("answers 2.57's absolute limits and what the project uses", () => {
    const { cloud, admin, demo, alt, demoId } = world(14220);
    const fresh = {
      maxTotalInstances: 10,
      maxTotalCores: 20,
      maxTotalRAMSize: 51200,
      maxServerMeta: 128,
      maxTotalKeypairs: 100,
      maxServerGroups: 10,
      maxServerGroupMembers: 10,
      totalRAMUsed: 0,
      totalCoresUsed: 0,
      totalInstancesUsed: 0,
      totalServerGroupsUsed: 0,
    };
    expect(demo.compute.getLimits()).toEqual({ rate: [], absolute: fresh });
    boot(demo, 'vm', { flavorRef: 'm1.medium' });
    admin.compute.updateQuotaSet(demoId, { cores: 40 });
    const used = { ...fresh, maxTotalCores: 40, totalRAMUsed: 4096, totalCoresUsed: 2, totalInstancesUsed: 1 };
    expect(demo.compute.getLimits()).toEqual({ rate: [], absolute: used });
    expect(alt.compute.getLimits()).toEqual({ rate: [], absolute: fresh });
    expect(admin.compute.getLimits({ tenant_id: demoId })).toEqual({ rate: [], absolute: used });
    refused(cloud, () => alt.compute.getLimits({ tenant_id: demoId }), { status: 403, message: 'os_compute_api:limits:other_project' });
    // even one's own project by tenant_id needs the rule (nova checks whenever tenant_id is given)
    refused(cloud, () => demo.compute.getLimits({ tenant_id: demoId }), { status: 403 });
    refused(cloud, () => demo.compute.getLimits({ project_id: demoId } as never), { status: 400, field: 'project_id' });
    refused(cloud, () => admin.compute.getLimits({ tenant_id: 5 } as never), { status: 400, field: 'tenant_id' });
    refused(cloud, () => demo.compute.getLimits('x' as never), { status: 400, field: 'query' });
  });
});
