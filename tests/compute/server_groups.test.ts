/**
 * Server groups (`nova/api/openstack/compute/server_groups.py` at 2.64+): the view, policy, other
 * projects (404), nova's validation and quota, and — end to end on a cloud with several compute
 * hosts — that the scheduler honours each policy: affinity packs, anti-affinity spreads and the
 * server beyond `hosts × max_server_per_host` ends in ERROR with "No valid host was found", the
 * soft policies never fail.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, type Cloud, type Session } from '../../src/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { caught, refused } from '../support/refusal.js';
import { computeWorld, fleet as computeFleet } from './support.js';

/** DevStack's services on a controller and four compute hosts: a1, a2 (az1), b1 (az2), c1 (no zone). */
const fleet = (seed = 7): Cloud => computeFleet(seed, { flags: ['vmx', 'sse4_2'] });
const FLEET_HOSTS = 4;

function demoOf(cloud: Cloud): Session {
  return cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
}

/** Boots a cirros server into a group; answers the admin's view (with host and fault). */
function bootInto(cloud: Cloud, session: Session, group: string, name: string): Record<string, unknown> {
  const created = session.compute.createServer({ name, flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto', 'os:scheduler_hints': { group } });
  if (!('id' in created)) throw new Error('expected one server');
  return cloud.admin.compute.getServer(created.id) as unknown as Record<string, unknown>;
}

const hostOf = (v: Record<string, unknown>): string | null => (v['OS-EXT-SRV-ATTR:host'] as string | null) ?? null;

describe('server group view, list, show and delete', () => {
  it('creates a group with 2.64 fields; anti-affinity keeps max_server_per_host as an integer', () => {
    const { demo } = computeWorld(3);
    const g = demo.compute.createServerGroup({ name: 'web', policy: 'affinity' });
    expect(Object.keys(g)).toEqual(['id', 'name', 'policy', 'rules', 'members', 'project_id', 'user_id']);
    expect(g).toMatchObject({ name: 'web', policy: 'affinity', rules: {}, members: [] });
    expect(g.id).toMatch(/^[0-9a-f-]{36}$/);
    const anti = demo.compute.createServerGroup({ name: 'db', policy: 'anti-affinity', rules: { max_server_per_host: '2' as unknown as number } });
    expect(anti.rules).toEqual({ max_server_per_host: 2 });
    expect(anti.project_id).toBe(g.project_id);
    expect(demo.compute.getServerGroup(anti.id)).toEqual(anti);
    expect(Object.isFrozen(anti)).toBe(true);
  });

  it('lists the caller\'s project only, in creation order; all_projects widens it for an admin only', () => {
    const { admin, demo, alt } = computeWorld(4);
    const a = demo.compute.createServerGroup({ name: 'g1', policy: 'affinity' });
    const b = demo.compute.createServerGroup({ name: 'g2', policy: 'soft-affinity' });
    const c = alt.compute.createServerGroup({ name: 'g3', policy: 'soft-anti-affinity' });
    expect(demo.compute.listServerGroups().map((g) => g.id)).toEqual([a.id, b.id]);
    expect(alt.compute.listServerGroups().map((g) => g.id)).toEqual([c.id]);
    // a non-admin asking for all projects gets its own, as nova keeps the old behaviour
    expect(demo.compute.listServerGroups({ all_projects: 'True' }).map((g) => g.id)).toEqual([a.id, b.id]);
    expect(admin.compute.listServerGroups().map((g) => g.id)).toEqual([]);
    expect(admin.compute.listServerGroups({ all_projects: '' }).map((g) => g.id)).toEqual([a.id, b.id, c.id]);
    expect(admin.compute.listServerGroups({ all_projects: true, offset: 1, limit: '1' }).map((g) => g.id)).toEqual([b.id]);
    expect(admin.compute.listServerGroups({ all_projects: true, limit: 0 }).map((g) => g.id)).toEqual([a.id, b.id, c.id]);
    expect(admin.compute.listServerGroups({ all_projects: true, offset: 5 })).toEqual([]);
  });

  it('another project\'s group is a 404 for show and delete; an admin sees and deletes it', () => {
    const { cloud, admin, demo, alt } = computeWorld(5);
    const g = demo.compute.createServerGroup({ name: 'mine', policy: 'anti-affinity' });
    for (const call of [() => alt.compute.getServerGroup(g.id), () => alt.compute.deleteServerGroup(g.id)]) {
      const e = refused(cloud, call, { status: 404, code: 'compute.server_group.not_found' });
      expect(e.message).toBe(`Instance group ${g.id} could not be found.`);
    }
    expect(admin.compute.getServerGroup(g.id).id).toBe(g.id);
    admin.compute.deleteServerGroup(g.id);
    refused(cloud, () => demo.compute.getServerGroup(g.id), { status: 404 });
    refused(cloud, () => demo.compute.deleteServerGroup(g.id), { status: 404 });
  });

  it('a reader lists and shows but may not create or delete (project_member_or_admin)', () => {
    const { cloud, demo, reader } = computeWorld(6);
    const g = demo.compute.createServerGroup({ name: 'g', policy: 'affinity' });
    expect(reader.compute.listServerGroups().map((x) => x.id)).toEqual([g.id]);
    expect(reader.compute.getServerGroup(g.id).id).toBe(g.id);
    refused(cloud, () => reader.compute.createServerGroup({ name: 'r', policy: 'affinity' }), { status: 403, code: 'compute.policy.forbidden', message: 'os_compute_api:os-server-groups:create' });
    refused(cloud, () => reader.compute.deleteServerGroup(g.id), { status: 403, message: 'os_compute_api:os-server-groups:delete' });
  });

  it('deleting a group frees its quota; the server_groups quota refuses with nova\'s message', () => {
    const { cloud, demo } = computeWorld(8);
    const g = demo.compute.createServerGroup({ name: 'g', policy: 'affinity' });
    cloud.quotas.setLimit(g.project_id, 'compute.server_groups', 2);
    demo.compute.createServerGroup({ name: 'h', policy: 'affinity' });
    const e = refused(cloud, () => demo.compute.createServerGroup({ name: 'i', policy: 'affinity' }), { status: 403, code: 'compute.quota.server_groups' });
    expect(e.message).toBe('Quota exceeded, too many server groups.');
    expect(cloud.quotas.show(g.project_id, 'compute').server_groups?.in_use).toBe(2);
    demo.compute.deleteServerGroup(g.id);
    expect(cloud.quotas.show(g.project_id, 'compute').server_groups?.in_use).toBe(1);
    expect(demo.compute.createServerGroup({ name: 'i', policy: 'affinity' }).name).toBe('i');
  });

  it('members are the servers not deleted; deleting a server drops it; the servers outlive their group', () => {
    const cloud = fleet(11);
    const demo = demoOf(cloud);
    const g = demo.compute.createServerGroup({ name: 'g', policy: 'anti-affinity' });
    const v1 = bootInto(cloud, demo, g.id, 'one');
    const v2 = bootInto(cloud, demo, g.id, 'two');
    expect(demo.compute.getServerGroup(g.id).members).toEqual([v1.id, v2.id]);
    demo.compute.deleteServer(v1.id as string);
    expect(demo.compute.getServerGroup(g.id).members).toEqual([v2.id]);
    demo.compute.deleteServerGroup(g.id);
    expect(demo.compute.getServer(v2.id as string).status).toBe('ACTIVE');
    // a boot into the deleted group is refused
    const e = refused(cloud, () => bootInto(cloud, demo, g.id, 'three'), { status: 400, message: `Invalid server group ${g.id}` });
    expect(e.details.field).toBe('os:scheduler_hints.group');
  });
});

describe('server group validation (nova\'s schema and checks, nothing changed on refusal)', () => {
  const circular: Record<string, unknown> = { name: 'c', policy: 'affinity' };
  circular.self = circular;
  const cases: [string, unknown, number, string, RegExp | string][] = [
    ['not an object', 'affinity', 400, 'server_group', "is not of type 'object'"],
    ['null', null, 400, 'server_group', "is not of type 'object'"],
    ['an array', [], 400, 'server_group', "is not of type 'object'"],
    ['no name', { policy: 'affinity' }, 400, 'name', "'name' is a required property"],
    ['no policy', { name: 'x' }, 400, 'policy', "'policy' is a required property"],
    ['a numeric name', { name: 5, policy: 'affinity' }, 400, 'name', "5 is not of type 'string'"],
    ['an empty name', { name: '', policy: 'affinity' }, 400, 'name', 'is too short'],
    ['a huge name', { name: 'x'.repeat(256), policy: 'affinity' }, 400, 'name', 'is too long'],
    ['a name with a leading space', { name: ' web', policy: 'affinity' }, 400, 'name', "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace."],
    ['a name with a control character', { name: 'we\u0007b', policy: 'affinity' }, 400, 'name', "An invalid 'name' value"],
    ['a name outside the BMP', { name: 'web\u{1F600}', policy: 'affinity' }, 400, 'name', "An invalid 'name' value"],
    ['an unknown policy', { name: 'x', policy: 'legacy' }, 400, 'policy', "'legacy' is not one of ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']"],
    ['policies (pre-2.64)', { name: 'x', policies: ['affinity'] }, 400, 'server_group.policies', "Additional properties are not allowed ('policies' was unexpected)"],
    ['__proto__', JSON.parse('{"name":"x","policy":"affinity","__proto__":{"admin":true}}'), 400, 'server_group.__proto__', "('__proto__' was unexpected)"],
    ['a circular body', circular, 400, 'server_group.self', "('self' was unexpected)"],
    ['rules not an object', { name: 'x', policy: 'anti-affinity', rules: 'max' }, 400, 'rules', "is not of type 'object'"],
    ['an unknown rule', { name: 'x', policy: 'anti-affinity', rules: { max_server_per_rack: 1 } }, 400, 'rules.max_server_per_rack', "('max_server_per_rack' was unexpected)"],
    ['max_server_per_host 0', { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: 0 } }, 400, 'rules.max_server_per_host', '0 is less than the minimum of 1'],
    ['max_server_per_host "0"', { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: '0' } }, 400, 'rules.max_server_per_host', '0 is less than the minimum of 1'],
    ['max_server_per_host NaN', { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: Number.NaN } }, 400, 'rules.max_server_per_host', "NaN is not of type 'integer', 'string'"],
    ['max_server_per_host 1.5', { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: 1.5 } }, 400, 'rules.max_server_per_host', "1.5 is not of type 'integer', 'string'"],
    ['max_server_per_host true', { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: true } }, 400, 'rules.max_server_per_host', "True is not of type 'integer', 'string'"],
    ['max_server_per_host "two"', { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: 'two' } }, 400, 'rules.max_server_per_host', "does not match '^[0-9]*$'"],
    ['max_server_per_host huge', { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: 1e300 } }, 400, 'rules.max_server_per_host', 'greater than the maximum'],
    ['max_server_per_host a huge string', { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: '9'.repeat(400) } }, 400, 'rules.max_server_per_host', 'greater than the maximum'],
    ['rules on affinity', { name: 'x', policy: 'affinity', rules: { max_server_per_host: 2 } }, 400, 'rules', 'Only anti-affinity policy supports rules.'],
    ['rules on soft-anti-affinity', { name: 'x', policy: 'soft-anti-affinity', rules: { max_server_per_host: 1 } }, 400, 'rules', 'Only anti-affinity policy supports rules.'],
  ];
  it.each(cases)('refuses %s', (_label, body, status, field, message) => {
    const { cloud, demo } = computeWorld(9);
    const e = refused(cloud, () => demo.compute.createServerGroup(body as never), { status });
    expect(e.details.field).toBe(field);
    expect(e.message).toContain(message);
  });

  it('empty rules are fine for any policy (nova tests `if rules`)', () => {
    const { demo } = computeWorld(9);
    expect(demo.compute.createServerGroup({ name: 'x', policy: 'affinity', rules: {} }).rules).toEqual({});
  });

  it('refuses bad list queries and references, naming the field', () => {
    const { cloud, demo } = computeWorld(10);
    const bad: [unknown, string][] = [
      [{ limit: -1 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ limit: Number.NaN }, 'limit'],
      [{ offset: 1e300 }, 'offset'],
      [{ offset: '' }, 'offset'],
      [{ all_projects: 5 }, 'all_projects'],
      [{ sort_key: 'name' }, 'query.sort_key'],
      [JSON.parse('{"__proto__":1}'), 'query.__proto__'],
      ['all', 'query'],
    ];
    for (const [query, field] of bad) {
      const e = refused(cloud, () => demo.compute.listServerGroups(query as never), { status: 400 });
      expect(e.details.field).toBe(field);
    }
    for (const ref of [5, null, {}, 'x'.repeat(300), { id: 7 }]) {
      const e = caught(() => demo.compute.getServerGroup(ref as never));
      expect(e.status).toBe(400);
    }
    expect(caught(() => demo.compute.getServerGroup({ id: 'nope' } as never)).status).toBe(404);
  });
});

describe('the scheduler honours server groups (a controller and four compute hosts)', () => {
  it('affinity: every member on one host', () => {
    const cloud = fleet(21);
    const demo = demoOf(cloud);
    const g = demo.compute.createServerGroup({ name: 'pack', policy: 'affinity' });
    const views = [0, 1, 2, 3, 4].map((i) => bootInto(cloud, demo, g.id, `vm${i}`));
    expect(views.every((v) => v.status === 'ACTIVE')).toBe(true);
    expect(new Set(views.map(hostOf)).size).toBe(1);
    expect(demo.compute.getServerGroup(g.id).members).toEqual(views.map((v) => v.id));
  });

  it('anti-affinity: distinct hosts; the (N+1)th server on N hosts ends in ERROR with "No valid host was found"', () => {
    const cloud = fleet(22);
    const demo = demoOf(cloud);
    const g = demo.compute.createServerGroup({ name: 'spread', policy: 'anti-affinity' });
    const views = Array.from({ length: FLEET_HOSTS }, (_, i) => bootInto(cloud, demo, g.id, `vm${i}`));
    expect(views.every((v) => v.status === 'ACTIVE')).toBe(true);
    expect(new Set(views.map(hostOf)).size).toBe(FLEET_HOSTS);
    const extra = bootInto(cloud, demo, g.id, 'one-too-many');
    expect(extra.status).toBe('ERROR');
    expect(hostOf(extra)).toBeNull();
    expect((extra.fault as { message: string }).message).toContain('No valid host was found');
    // the ERROR server is still a member (nova lists members not deleted)
    expect(demo.compute.getServerGroup(g.id).members).toContain(extra.id);
    // freeing a host lets the next one in
    demo.compute.deleteServer(views[0]!.id as string);
    const again = bootInto(cloud, demo, g.id, 'after-delete');
    expect(again.status).toBe('ACTIVE');
    expect(hostOf(again)).toBe(hostOf(views[0]!));
  });

  it('anti-affinity with max_server_per_host 2: two per host, then ERROR', () => {
    const cloud = fleet(23);
    const demo = demoOf(cloud);
    const g = demo.compute.createServerGroup({ name: 'pairs', policy: 'anti-affinity', rules: { max_server_per_host: 2 } });
    cloud.quotas.setLimit(g.project_id, 'compute.instances', 20);
    cloud.quotas.setLimit(g.project_id, 'compute.server_group_members', 20);
    const views = Array.from({ length: 2 * FLEET_HOSTS }, (_, i) => bootInto(cloud, demo, g.id, `vm${i}`));
    expect(views.every((v) => v.status === 'ACTIVE')).toBe(true);
    const perHost = new Map<string, number>();
    for (const v of views) perHost.set(hostOf(v)!, (perHost.get(hostOf(v)!) ?? 0) + 1);
    expect([...perHost.values()]).toEqual(Array(FLEET_HOSTS).fill(2));
    const extra = bootInto(cloud, demo, g.id, 'extra');
    expect(extra.status).toBe('ERROR');
    expect((extra.fault as { message: string }).message).toContain('No valid host was found');
  });

  it('soft-anti-affinity spreads while it can and never fails; soft-affinity packs and never fails', () => {
    const cloud = fleet(24);
    const demo = demoOf(cloud);
    const soft = demo.compute.createServerGroup({ name: 'soft-spread', policy: 'soft-anti-affinity' });
    const spread = Array.from({ length: FLEET_HOSTS + 2 }, (_, i) => bootInto(cloud, demo, soft.id, `s${i}`));
    expect(spread.every((v) => v.status === 'ACTIVE')).toBe(true);
    expect(new Set(spread.slice(0, FLEET_HOSTS).map(hostOf)).size).toBe(FLEET_HOSTS);
    const cloud2 = fleet(25);
    const demo2 = demoOf(cloud2);
    const pack = demo2.compute.createServerGroup({ name: 'soft-pack', policy: 'soft-affinity' });
    const packed = Array.from({ length: 4 }, (_, i) => bootInto(cloud2, demo2, pack.id, `p${i}`));
    expect(packed.every((v) => v.status === 'ACTIVE')).toBe(true);
    expect(new Set(packed.map(hostOf)).size).toBe(1);
  });

  it('an anti-affinity group of random size: no two ACTIVE members share a host, ERROR members = max(0, size − hosts × max) (seed 1414)', () => {
    const base = fleet(31);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), (size, max, withRule) => {
        const cloud = base.fork();
        const demo = demoOf(cloud);
        const perHost = withRule ? max : 1;
        const g = demo.compute.createServerGroup(withRule ? { name: 'g', policy: 'anti-affinity', rules: { max_server_per_host: max } } : { name: 'g', policy: 'anti-affinity' });
        const views = Array.from({ length: size }, (_, i) => bootInto(cloud, demo, g.id, `vm${i}`));
        const active = views.filter((v) => v.status === 'ACTIVE');
        const errors = views.filter((v) => v.status === 'ERROR');
        expect(active.length + errors.length).toBe(size);
        const counts = new Map<string, number>();
        for (const v of active) counts.set(hostOf(v)!, (counts.get(hostOf(v)!) ?? 0) + 1);
        expect([...counts.values()].every((n) => n <= perHost)).toBe(true);
        if (perHost === 1) expect(counts.size).toBe(active.length);
        expect(errors.length).toBe(Math.max(0, size - FLEET_HOSTS * perHost));
        expect(demo.compute.getServerGroup(g.id).members).toEqual(views.map((v) => v.id));
      }),
      { seed: 1414, numRuns: 30 },
    );
  });
});

describe('server groups and errors', () => {
  it('every refusal is a CloudError', () => {
    const { demo } = computeWorld(12);
    expect(caught(() => demo.compute.createServerGroup(undefined as never))).toBeInstanceOf(CloudError);
  });
});
