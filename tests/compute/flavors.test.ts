/**
 * Flavors, flavor access and extra specs at compute API 2.93 (Zed: nova/api/openstack/compute/
 * flavors.py, flavor_manage.py, flavor_access.py, flavors_extraspecs.py, views/flavors.py, the
 * schemas, nova/compute/flavors.py, nova/objects/flavor.py, nova/api/validation/extra_specs/):
 * lists with nova's filters, sort and paging; show; an admin's create / update / delete with
 * nova's schema and conflicts; access lists; extra specs validated by nova's registry (judged
 * against a golden file of nova's own verdicts); policy refusals; bad input of every shape with
 * `cloud.state` the same object; properties with fixed seeds.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import golden from './extra_specs_golden.json' with { type: 'json' };
import type { Session } from '../../src/index.js';
import { fullMatcher, LINEAR_EQUIVALENTS, pythonInt, validateExtraSpec, VALIDATOR_COUNT } from '../../src/compute/extra_specs/validators.js';
import { refused } from '../support/refusal.js';
import { boot, computeWorld, withIds } from './support.js';

const DEVSTACK_IDS = ['1', '2', '3', '4', '5', 'c1', 'd1', 'd2', 'd3', 'd4'];

const world = (seed = 1) => withIds(computeWorld(seed));

/** A private flavor made by the admin. */
function privateFlavor(admin: Session, name = 'secret', id?: string) {
  return admin.compute.createFlavor({ name, ram: 256, vcpus: 1, disk: 1, 'os-flavor-access:is_public': false, ...(id === undefined ? {} : { id }) });
}

describe('flavors: list and show', () => {
  it("lists DevStack's flavors as nova's detail view, by flavorid", () => {
    const { demo, reader } = world(14001);
    const list = demo.compute.listFlavors();
    expect(list.map((f) => f.id)).toEqual(DEVSTACK_IDS);
    expect(list[0]).toEqual({
      id: '1',
      name: 'm1.tiny',
      ram: 512,
      disk: 1,
      swap: 0,
      vcpus: 1,
      'OS-FLV-EXT-DATA:ephemeral': 0,
      'OS-FLV-DISABLED:disabled': false,
      'os-flavor-access:is_public': true,
      rxtx_factor: 1,
      description: null,
      extra_specs: { 'hw_rng:allowed': 'True' },
      links: [
        { rel: 'self', href: 'http://controller/compute/v2.1/flavors/1' },
        { rel: 'bookmark', href: 'http://controller/compute/flavors/1' },
      ],
    });
    expect(reader.compute.listFlavors()).toEqual(list);
    expect(demo.compute.listFlavorSummaries()[5]).toEqual({ id: 'c1', name: 'cirros256', description: null, links: list[5]!.links });
    expect(demo.compute.getFlavor('m1.small')).toEqual(list[1]);
    expect(demo.compute.getFlavor('2')).toEqual(list[1]);
    expect(Object.isFrozen(list[0])).toBe(true);
  });

  it('filters by minRam / minDisk, sorts by any of nova\'s keys with the database id breaking ties, and pages with limit and marker', () => {
    const { demo } = world(14002);
    const ids = (q: Record<string, unknown>) => demo.compute.listFlavors(q).map((f) => f.id);
    expect(ids({ minRam: '4096' })).toEqual(['3', '4', '5', 'd4']);
    expect(ids({ minDisk: 40, minRam: ' 8192 ' })).toEqual(['4', '5']);
    expect(ids({ minRam: '-5' })).toEqual(DEVSTACK_IDS);
    expect(ids({ sort_key: 'memory_mb', sort_dir: 'desc' })).toEqual(['5', '4', 'd4', '3', 'd3', '2', 'd2', 'd1', '1', 'c1']);
    expect(ids({ sort_key: 'vcpus' })).toEqual(['1', '2', 'c1', 'd1', 'd2', '3', 'd3', '4', 'd4', '5']);
    expect(ids({ sort_key: 'name' })).toEqual(['c1', 'd2', 'd3', 'd4', 'd1', '4', '3', '2', '1', '5']);
    expect(ids({ limit: '3' })).toEqual(['1', '2', '3']);
    expect(ids({ limit: 3, marker: '3' })).toEqual(['4', '5', 'c1']);
    expect(ids({ marker: 'd4' })).toEqual([]);
    expect(ids({ sort_key: 'memory_mb', sort_dir: 'desc', marker: 'd4', limit: '2' })).toEqual(['3', 'd3']);
    expect(ids({ limit: '0' })).toEqual([]);
    expect(demo.compute.listFlavorSummaries({ limit: 2, marker: '1' }).map((f) => f.id)).toEqual(['2', '3']);
  });

  it('refuses bad list parameters with nova\'s messages', () => {
    const { cloud, demo } = world(14003);
    refused(cloud, () => demo.compute.listFlavors({ marker: 'nope' }), { status: 400, field: 'marker', message: 'marker [nope] not found' });
    refused(cloud, () => demo.compute.listFlavors({ minRam: 'x' }), { status: 400, field: 'minRam', message: 'Invalid minRam filter [x]' });
    refused(cloud, () => demo.compute.listFlavors({ minDisk: '1.5' }), { status: 400, field: 'minDisk', message: 'Invalid minDisk filter [1.5]' });
    refused(cloud, () => demo.compute.listFlavors({ sort_key: 'ram' }), { status: 400, field: 'sort_key', message: "is not one of ['created_at'" });
    refused(cloud, () => demo.compute.listFlavors({ sort_dir: 'up' }), { status: 400, field: 'sort_dir' });
    refused(cloud, () => demo.compute.listFlavors({ limit: '-1' }), { status: 400, field: 'limit' });
    refused(cloud, () => demo.compute.listFlavors({ limit: -1 }), { status: 400, field: 'limit' });
    refused(cloud, () => demo.compute.listFlavors({ limit: 1.5 }), { status: 400, field: 'limit' });
    refused(cloud, () => demo.compute.listFlavors({ foo: '1' }), { status: 400, field: 'foo', message: "Additional properties are not allowed ('foo' was unexpected)" });
    refused(cloud, () => demo.compute.listFlavors({ marker: 5 } as never), { status: 400, field: 'marker' });
    refused(cloud, () => demo.compute.listFlavors(JSON.parse('{"__proto__": 1}') as never), { status: 400, field: '__proto__' });
    refused(cloud, () => demo.compute.listFlavors([] as never), { status: 400, field: 'query' });
    refused(cloud, () => demo.compute.listFlavors({ minRam: { a: 1 } } as never), { status: 400, field: 'minRam' });
    refused(cloud, () => demo.compute.listFlavors({ minRam: Number.NaN } as never), { status: 400, field: 'minRam' });
  });

  it("an admin's is_public: true (the default: public and its project's), false (private only), none (all); others' is ignored", () => {
    const { admin, demo, adminId, cloud } = world(14004);
    privateFlavor(admin, 'p1', 'p1');
    privateFlavor(admin, 'p2', 'p2');
    admin.compute.addFlavorAccess('p2', { tenant: adminId });
    expect(admin.compute.listFlavors().map((f) => f.id)).toEqual([...DEVSTACK_IDS, 'p2']);
    expect(admin.compute.listFlavors({ is_public: 'false' }).map((f) => f.id)).toEqual(['p1', 'p2']);
    expect(admin.compute.listFlavors({ is_public: 'None' }).map((f) => f.id)).toEqual([...DEVSTACK_IDS, 'p1', 'p2']);
    expect(admin.compute.listFlavors({ is_public: 'yes' }).map((f) => f.id)).toEqual([...DEVSTACK_IDS, 'p2']);
    refused(cloud, () => admin.compute.listFlavors({ is_public: 'maybe' }), { status: 400, field: 'is_public', message: 'Invalid is_public filter [maybe]' });
    expect(demo.compute.listFlavors({ is_public: 'false' }).map((f) => f.id)).toEqual(DEVSTACK_IDS);
    expect(demo.compute.listFlavors({ is_public: 'maybe' }).map((f) => f.id)).toEqual(DEVSTACK_IDS);
    // every flavor is visible to an admin's show
    expect(admin.compute.getFlavor('p1').id).toBe('p1');
  });

  it("another project's private flavor is a 404, by id or name; { id } resolves by id only", () => {
    const { admin, demo, alt, demoId, cloud } = world(14005);
    privateFlavor(admin, 'demo-only', 'x1');
    admin.compute.addFlavorAccess('x1', { tenant: demoId });
    expect(demo.compute.getFlavor('x1').name).toBe('demo-only');
    expect(demo.compute.getFlavor('demo-only').id).toBe('x1');
    refused(cloud, () => alt.compute.getFlavor('x1'), { status: 404, code: 'compute.flavor.not_found', message: 'Flavor x1 could not be found.' });
    refused(cloud, () => alt.compute.getFlavor('demo-only'), { status: 404, code: 'compute.flavor.not_found' });
    refused(cloud, () => demo.compute.getFlavor({ id: 'm1.tiny' } as never), { status: 404, code: 'compute.flavor.not_found' });
    expect(demo.compute.getFlavor({ id: '1' } as never).name).toBe('m1.tiny');
    refused(cloud, () => demo.compute.getFlavor(7 as never), { status: 404 });
    refused(cloud, () => demo.compute.getFlavor(Symbol('x') as never), { status: 400, field: 'flavor_id' });
    refused(cloud, () => demo.compute.getFlavor('x'.repeat(300)), { status: 400, field: 'flavor_id' });
  });
});

describe('flavors: create, update, delete', () => {
  it("creates a flavor with nova's defaults; without an id it gets a UUID from the cloud's seed", () => {
    const { admin, demo } = world(14010);
    const f = admin.compute.createFlavor({ name: 'm2.big', ram: 4096, vcpus: 2, disk: 40 });
    expect(f.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(f).toMatchObject({ name: 'm2.big', ram: 4096, vcpus: 2, disk: 40, swap: 0, 'OS-FLV-EXT-DATA:ephemeral': 0, rxtx_factor: 1, 'os-flavor-access:is_public': true, description: null, extra_specs: {} });
    expect(demo.compute.getFlavor(f.id)).toEqual(f);
    // the same seed, the same id
    expect(world(14010).admin.compute.createFlavor({ name: 'm2.big', ram: 4096, vcpus: 2, disk: 40 }).id).toBe(f.id);
    const g = admin.compute.createFlavor({
      name: 'm2.full',
      id: 42,
      ram: '1024',
      vcpus: '3',
      disk: 0,
      'OS-FLV-EXT-DATA:ephemeral': 5,
      swap: '512',
      rxtx_factor: '2.5',
      'os-flavor-access:is_public': 'False',
      description: 'A flavor, described: ünïcode too',
    } as never);
    expect(g).toMatchObject({ id: '42', ram: 1024, vcpus: 3, disk: 0, 'OS-FLV-EXT-DATA:ephemeral': 5, swap: 512, rxtx_factor: 2.5, 'os-flavor-access:is_public': false });
    expect(admin.compute.createFlavor({ name: 'zero id', id: 0, ram: 1, vcpus: 1, disk: 0 } as never).id).toMatch(/^[0-9a-f-]{36}$/);
    expect(admin.compute.createFlavor({ name: 'null id', id: null, ram: 1, vcpus: 1, disk: 0 } as never).id).toMatch(/^[0-9a-f-]{36}$/);
    expect(admin.compute.createFlavor({ name: 'float id', id: 1.5, ram: 1, vcpus: 1, disk: 0 } as never).id).toBe('1.5');
  });

  it('refuses duplicates with nova\'s 409s (the id first)', () => {
    const { admin, cloud } = world(14011);
    refused(cloud, () => admin.compute.createFlavor({ name: 'm1.tiny', id: '1', ram: 1, vcpus: 1, disk: 1 }), { status: 409, code: 'compute.flavor.id_exists', message: 'Flavor with ID 1 already exists.' });
    refused(cloud, () => admin.compute.createFlavor({ name: 'm1.tiny', id: 'new', ram: 1, vcpus: 1, disk: 1 }), { status: 409, code: 'compute.flavor.name_exists', message: 'Flavor with name m1.tiny already exists.' });
  });

  it('is an admin\'s: a member or a reader is refused (403) after the schema, before any change', () => {
    const { demo, reader, cloud } = world(14012);
    const body = { name: 'mine', ram: 1, vcpus: 1, disk: 1 };
    refused(cloud, () => demo.compute.createFlavor(body), { status: 403, code: 'compute.policy.forbidden', message: "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed." });
    refused(cloud, () => reader.compute.createFlavor(body), { status: 403 });
    // nova validates the body first
    refused(cloud, () => demo.compute.createFlavor({ ...body, ram: 0 }), { status: 400, field: 'ram' });
    refused(cloud, () => demo.compute.updateFlavor('1', { description: 'x' }), { status: 403 });
    refused(cloud, () => reader.compute.deleteFlavor('1'), { status: 403 });
  });

  it('refuses bad bodies of every shape, naming the field, and changes nothing', () => {
    const { admin, cloud } = world(14013);
    const ok = { name: 'n', ram: 1, vcpus: 1, disk: 0 };
    const circular: Record<string, unknown> = { ...ok };
    circular.self = circular;
    const cases: [unknown, string][] = [
      [{ ...ok, name: '' }, 'name'],
      [{ ...ok, name: ' lead' }, 'name'],
      [{ ...ok, name: 'trail ' }, 'name'],
      [{ ...ok, name: 'x'.repeat(256) }, 'name'],
      [{ ...ok, name: 'bell\u0007' }, 'name'],
      [{ ...ok, name: 5 }, 'name'],
      [{ ...ok, ram: 0 }, 'ram'],
      [{ ...ok, ram: -1 }, 'ram'],
      [{ ...ok, ram: 1.5 }, 'ram'],
      [{ ...ok, ram: Number.NaN }, 'ram'],
      [{ ...ok, ram: '1e3' }, 'ram'],
      [{ ...ok, ram: 2 ** 31 }, 'ram'],
      [{ ...ok, ram: '99999999999999999999' }, 'ram'],
      [{ ...ok, vcpus: 0 }, 'vcpus'],
      [{ ...ok, vcpus: true }, 'vcpus'],
      [{ ...ok, disk: -1 }, 'disk'],
      [{ ...ok, swap: -1 }, 'swap'],
      [{ ...ok, 'OS-FLV-EXT-DATA:ephemeral': 'x' }, 'OS-FLV-EXT-DATA:ephemeral'],
      [{ ...ok, rxtx_factor: 0 }, 'rxtx_factor'],
      [{ ...ok, rxtx_factor: '-1' }, 'rxtx_factor'],
      [{ ...ok, rxtx_factor: Number.NaN }, 'rxtx_factor'],
      [{ ...ok, rxtx_factor: Number.POSITIVE_INFINITY }, 'rxtx_factor'],
      [{ ...ok, 'os-flavor-access:is_public': 'maybe' }, 'os-flavor-access:is_public'],
      [{ ...ok, 'os-flavor-access:is_public': 1 }, 'os-flavor-access:is_public'],
      [{ ...ok, id: '' }, 'id'],
      [{ ...ok, id: ' x' }, 'id'],
      [{ ...ok, id: 'a/b' }, 'id'],
      [{ ...ok, id: Number.NaN }, 'id'],
      [{ ...ok, id: {} }, 'id'],
      [{ ...ok, description: 'x'.repeat(65_536) }, 'description'],
      [{ ...ok, description: 'nul\u0000' }, 'description'],
      [{ ...ok, description: 'tab\there' }, 'description'],
      [{ ...ok, description: 5 }, 'description'],
      [{ ram: 1, vcpus: 1, disk: 1 }, 'name'],
      [{ name: 'n', vcpus: 1, disk: 1 }, 'ram'],
      [{ ...ok, extra: 1 }, 'extra'],
      [JSON.parse('{"name":"n","ram":1,"vcpus":1,"disk":0,"__proto__":{"x":1}}'), '__proto__'],
      [circular, 'self'],
      [null, 'flavor'],
      ['flavor', 'flavor'],
      [[ok], 'flavor'],
    ];
    for (const [body, field] of cases) refused(cloud, () => admin.compute.createFlavor(body as never), { status: 400, field });
  });

  it('updates the description (2.55) and deletes a flavor with its access list; servers keep their copy', () => {
    const { admin, demo, demoId, cloud } = world(14014);
    expect(admin.compute.updateFlavor('1', { description: 'the smallest' }).description).toBe('the smallest');
    expect(demo.compute.getFlavor('1').description).toBe('the smallest');
    expect(admin.compute.updateFlavor('m1.tiny', { description: null }).description).toBeNull();
    refused(cloud, () => admin.compute.updateFlavor('1', {} as never), { status: 400, field: 'description' });
    refused(cloud, () => admin.compute.updateFlavor('1', { description: 'x', name: 'y' } as never), { status: 400, field: 'name' });
    refused(cloud, () => admin.compute.updateFlavor('1', { description: 7 } as never), { status: 400, field: 'description' });
    refused(cloud, () => admin.compute.updateFlavor('nope', { description: 'x' }), { status: 404, code: 'compute.flavor.not_found' });

    privateFlavor(admin, 'gone', 'g1');
    admin.compute.addFlavorAccess('g1', { tenant: demoId });
    const vm = boot(demo, 'keeps', { flavorRef: 'g1' });
    admin.compute.deleteFlavor('g1');
    refused(cloud, () => admin.compute.getFlavor('g1'), { status: 404 });
    refused(cloud, () => admin.compute.listFlavorAccess('g1'), { status: 404 });
    expect(demo.compute.getServer(vm.id).flavor).toMatchObject({ original_name: 'gone', vcpus: 1, ram: 256 });
    refused(cloud, () => admin.compute.deleteFlavor('g1'), { status: 404, code: 'compute.flavor.not_found' });
    // a new flavor of the same id has no access list left over
    privateFlavor(admin, 'again', 'g1');
    expect(admin.compute.listFlavorAccess('g1')).toEqual([]);
  });
});

describe('flavor access', () => {
  it('lists, adds and removes projects of a private flavor; the project then sees and uses it', () => {
    const { admin, demo, alt, demoId, altId } = world(14020);
    privateFlavor(admin, 'shared', 's1');
    expect(admin.compute.listFlavorAccess('s1')).toEqual([]);
    expect(demo.compute.listFlavors().map((f) => f.id)).not.toContain('s1');
    expect(admin.compute.addFlavorAccess('s1', { tenant: demoId })).toEqual([{ flavor_id: 's1', tenant_id: demoId }]);
    expect(admin.compute.addFlavorAccess('s1', { tenant: altId })).toHaveLength(2);
    expect(demo.compute.listFlavors().map((f) => f.id)).toContain('s1');
    expect(demo.compute.listFlavors({ limit: 1, marker: 'd4' }).map((f) => f.id)).toEqual(['s1']);
    expect(alt.compute.getFlavor('shared').id).toBe('s1');
    expect(admin.compute.removeFlavorAccess('s1', { tenant: altId })).toEqual([{ flavor_id: 's1', tenant_id: demoId }]);
    expect(alt.compute.listFlavors().map((f) => f.id)).not.toContain('s1');
    expect(boot(demo, 'on-shared', { flavorRef: 's1' }).flavor).toMatchObject({ original_name: 'shared' });
  });

  it("refuses as nova does: public flavors, duplicates, unknown projects and flavors, other users", () => {
    const { admin, demo, reader, demoId, cloud } = world(14021);
    privateFlavor(admin, 'p', 'p');
    admin.compute.addFlavorAccess('p', { tenant: demoId });
    refused(cloud, () => admin.compute.listFlavorAccess('1'), { status: 404, code: 'compute.flavor.access_public', message: 'Access list not available for public flavors.' });
    refused(cloud, () => admin.compute.addFlavorAccess('1', { tenant: demoId }), { status: 409, code: 'compute.flavor.access_public', message: 'Can not add access to a public flavor.' });
    // nova's messages name the flavor's database id
    refused(cloud, () => admin.compute.addFlavorAccess('p', { tenant: demoId }), { status: 409, code: 'compute.flavor.access_exists', message: /^Flavor access already exists for flavor \d+ and project [0-9a-f]+ combination\.$/ });
    refused(cloud, () => admin.compute.addFlavorAccess('p', { tenant: 'no-such-project' }), { status: 400, code: 'compute.project.invalid', message: 'Project ID no-such-project is not a valid project.' });
    refused(cloud, () => admin.compute.addFlavorAccess('nope', { tenant: demoId }), { status: 404, code: 'compute.flavor.not_found' });
    refused(cloud, () => admin.compute.removeFlavorAccess('1', { tenant: demoId }), { status: 404, code: 'compute.flavor.access_not_found' });
    refused(cloud, () => admin.compute.removeFlavorAccess('p', { tenant: 'no-such-project' }), { status: 404, code: 'compute.flavor.access_not_found', message: /^Flavor access not found for \d+ \/ no-such-project combination\.$/ });
    for (const s of [demo, reader]) {
      refused(cloud, () => s.compute.listFlavorAccess('p'), { status: 403, message: 'os_compute_api:os-flavor-access' });
      refused(cloud, () => s.compute.addFlavorAccess('p', { tenant: demoId }), { status: 403 });
      refused(cloud, () => s.compute.removeFlavorAccess('p', { tenant: demoId }), { status: 403 });
    }
    for (const body of [{}, { tenant: '' }, { tenant: 5 }, { tenant: 'x'.repeat(256) }, { tenant: demoId, other: 1 }, null, [demoId]]) {
      refused(cloud, () => admin.compute.addFlavorAccess('p', body as never), { status: 400 });
      refused(cloud, () => admin.compute.removeFlavorAccess('p', body as never), { status: 400 });
    }
  });

  it('a non-admin sees exactly the public flavors and those its project was given, after random add / remove sequences (seed 14022)', () => {
    const { cloud, admin, demo, alt, demoId, altId } = world(14022);
    const privates = ['q0', 'q1', 'q2', 'q3'];
    for (const id of privates) privateFlavor(admin, `private-${id}`, id);
    const projects = [demoId, altId];
    const op = fc.record({ add: fc.boolean(), flavor: fc.constantFrom(...privates, '1'), project: fc.constantFrom(0, 1) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const start = cloud.snapshot();
        try {
          const granted = new Set<string>();
          for (const o of ops) {
            const key = `${o.flavor}/${o.project}`;
            const before = cloud.state;
            try {
              if (o.add) admin.compute.addFlavorAccess(o.flavor, { tenant: projects[o.project]! });
              else admin.compute.removeFlavorAccess(o.flavor, { tenant: projects[o.project]! });
              if (o.add) granted.add(key);
              else granted.delete(key);
            } catch (e) {
              // refused: public flavor, already there, or not there
              expect(cloud.state).toBe(before);
              expect((e as { status: number }).status).toBe(o.add ? 409 : 404);
            }
          }
          for (const [p, session] of [[0, demo], [1, alt]] as const) {
            const seen = session.compute.listFlavors().map((f) => f.id);
            const expected = [...DEVSTACK_IDS, ...privates.filter((id) => granted.has(`${id}/${p}`))];
            expect(seen).toEqual(expected);
            for (const id of privates) {
              if (granted.has(`${id}/${p}`)) expect(session.compute.getFlavor(id).id).toBe(id);
              else expect(() => session.compute.getFlavor(id)).toThrow(/could not be found/);
            }
          }
        } finally {
          cloud.restore(start);
        }
      }),
      { seed: 14022, numRuns: 40 },
    );
  });
});

describe('flavor extra specs', () => {
  it('lists, shows, sets, updates and deletes; flavor views carry them (2.61)', () => {
    const { admin, demo, reader, cloud } = world(14030);
    expect(reader.compute.listFlavorExtraSpecs('1')).toEqual({ 'hw_rng:allowed': 'True' });
    expect(demo.compute.getFlavorExtraSpec('1', 'hw_rng:allowed')).toEqual({ 'hw_rng:allowed': 'True' });
    const set = admin.compute.createFlavorExtraSpecs('1', { extra_specs: { 'hw:cpu_policy': 'dedicated', 'hw:numa_nodes': 2 as never, 'vendor:thing': 'anything', plain: 'x', 'quota:cpu_quota': -5 as never } });
    expect(set).toEqual({ 'hw:cpu_policy': 'dedicated', 'hw:numa_nodes': '2', 'vendor:thing': 'anything', plain: 'x', 'quota:cpu_quota': '-5' });
    expect(demo.compute.getFlavor('1').extra_specs).toEqual({ 'hw_rng:allowed': 'True', ...set });
    expect(admin.compute.updateFlavorExtraSpec('1', 'hw:cpu_policy', { 'hw:cpu_policy': 'shared' })).toEqual({ 'hw:cpu_policy': 'shared' });
    admin.compute.deleteFlavorExtraSpec('1', 'plain');
    expect(demo.compute.listFlavorExtraSpecs('m1.tiny')).toEqual({ 'hw_rng:allowed': 'True', 'hw:cpu_policy': 'shared', 'hw:numa_nodes': '2', 'vendor:thing': 'anything', 'quota:cpu_quota': '-5' });
    refused(cloud, () => demo.compute.getFlavorExtraSpec('1', 'plain'), { status: 404, code: 'compute.flavor.extra_spec_not_found', message: 'Flavor 1 has no extra specs with key plain.' });
    refused(cloud, () => admin.compute.deleteFlavorExtraSpec('1', 'plain'), { status: 404, code: 'compute.flavor.extra_spec_not_found' });
    // a server booted now keeps the flavor's extra specs
    expect(boot(demo, 'specs').flavor.extra_specs).toMatchObject({ 'hw:cpu_policy': 'shared' });
  });

  it("refuses values and keys nova's validators refuse (2.86), with nova's text", () => {
    const { admin, cloud } = world(14031);
    const bad = (specs: Record<string, unknown>, message: string) =>
      refused(cloud, () => admin.compute.createFlavorExtraSpecs('1', { extra_specs: specs as never }), { status: 400, code: 'compute.flavor.invalid_extra_spec', message });
    bad({ 'hw:cpu_policy': 'fast' }, "Validation failed; 'fast' is not one of: dedicated, shared, mixed.");
    bad({ 'hw:cpu_thread_policy': 'never' }, "Validation failed; 'never' is not one of: prefer, isolate, require.");
    bad({ 'hw:mem_page_size': 'huge' }, "Validation failed; 'huge' is not of the format '(large|small|any|\\d+([kKMGT]i?)?(b|bit|B)?)'.");
    bad({ 'hw:numa_nodes': '0' }, "Validation failed; '0' is less than the min value of '1'.");
    bad({ 'hw:numa_nodes': 'two' }, "Validation failed; 'two' is not a valid integer value.");
    bad({ 'hw_rng:allowed': 'maybe' }, "Validation failed; 'maybe' is not a valid boolean-like value.");
    bad({ 'hw:watchdog_action': 'explode' }, "Validation failed; 'explode' is not one of: none, pause, poweroff, reset, disabled.");
    bad({ 'os:monitors': 9 }, "Validation failed; '9' is greater than the max value of '8'.");
    bad({ 'hw:boot_menu': 'sometimes' }, "Validation failed; 'sometimes' is not a valid boolean-like value.");
    bad({ 'trait:HW_CPU_X86_AVX': 'yes' }, "Validation failed; 'yes' is not one of: required, forbidden.");
    bad({ 'resources:VCPU': 'one' }, "Validation failed; 'one' is not a valid integer value.");
    bad({ 'hw:does_not_exist': '1' }, "Validation failed; extra spec 'hw:does_not_exist' does not appear to be a valid extra spec.");
    bad({ 'trait:NOT_A_TRAIT': 'required' }, "Validation failed; extra spec 'trait:NOT_A_TRAIT' does not appear to be a valid extra spec.");
    bad({ 'hw:cpu_policy': 'shared', 'hw:numa_nodes': 1.5 }, "Validation failed; '1.5' is not a valid integer value.");
    // accepted: parameters, custom traits and resources, aggregate and capability filters
    expect(admin.compute.createFlavorExtraSpecs('1', {
      extra_specs: { 'hw:numa_cpus.0': '0-3,^2', 'hw:numa_mem.0': '512', 'trait1:CUSTOM_GOLD': 'required', 'resources_a:CUSTOM_MAGIC': '1', 'aggregate_instance_extra_specs:ssd': 'true', 'capabilities:cpu_info:vendor': 'Intel', 'hw:cpu_realtime_mask': '^0' },
    })).toHaveProperty(['hw:numa_cpus.0'], '0-3,^2');
  });

  it('refuses bad bodies (schema before policy), a key mismatch, and other users', () => {
    const { admin, demo, reader, cloud } = world(14032);
    const body = (extra_specs: unknown) => ({ extra_specs }) as never;
    for (const [b, field] of [
      [{}, 'extra_specs'],
      [{ extra_specs: {}, other: 1 }, 'other'],
      [body('x'), 'extra_specs'],
      [body({ 'bad/key': 'x' }), 'bad/key'],
      [body({ '': 'x' }), 'extra_specs'],
      [body({ k: 'x'.repeat(256) }), 'k'],
      [body({ k: true }), 'k'],
      [body({ k: null }), 'k'],
      [body({ k: Number.NaN }), 'k'],
      [body({ k: { a: 1 } }), 'k'],
      [null, 'body'],
    ] as [unknown, string][]) {
      refused(cloud, () => admin.compute.createFlavorExtraSpecs('1', b as never), { status: 400, field });
    }
    refused(cloud, () => demo.compute.createFlavorExtraSpecs('1', body({ 'hw:cpu_policy': 'fast' })), { status: 403 });
    refused(cloud, () => reader.compute.createFlavorExtraSpecs('1', body({ a: 'b' })), { status: 403, message: 'os-flavor-extra-specs:create' });
    refused(cloud, () => demo.compute.updateFlavorExtraSpec('1', 'a', { a: 'b' }), { status: 403 });
    refused(cloud, () => demo.compute.deleteFlavorExtraSpec('1', 'hw_rng:allowed'), { status: 403 });
    refused(cloud, () => admin.compute.updateFlavorExtraSpec('1', 'a', { b: 'c' }), { status: 400, code: 'compute.flavor.extra_spec_mismatch', message: 'Request body and URI mismatch' });
    refused(cloud, () => admin.compute.updateFlavorExtraSpec('1', 'a', {}), { status: 400, message: 'does not have enough properties' });
    refused(cloud, () => admin.compute.updateFlavorExtraSpec('1', 'a', { a: 'b', c: 'd' }), { status: 400, message: 'has too many properties' });
    refused(cloud, () => admin.compute.updateFlavorExtraSpec('1', 'hw:cpu_policy', { 'hw:cpu_policy': 'x' }), { status: 400, code: 'compute.flavor.invalid_extra_spec' });
    refused(cloud, () => admin.compute.createFlavorExtraSpecs('nope', body({ a: 'b' })), { status: 404, code: 'compute.flavor.not_found' });
    refused(cloud, () => admin.compute.getFlavorExtraSpec('1', 5 as never), { status: 400, field: 'key' });
    // a private flavor of another project: 404 for its extra specs too
    privateFlavor(admin, 'hidden', 'h');
    refused(cloud, () => demo.compute.listFlavorExtraSpecs('h'), { status: 404, code: 'compute.flavor.not_found' });
    // __proto__ is a key like any other
    const specs = admin.compute.createFlavorExtraSpecs('1', JSON.parse('{"extra_specs": {"__proto__": "x"}}'));
    expect(Object.getPrototypeOf(specs)).toBe(Object.prototype);
    expect(Object.hasOwn(admin.compute.listFlavorExtraSpecs('1'), '__proto__')).toBe(true);
    admin.compute.deleteFlavorExtraSpec('1', '__proto__');
    expect(Object.hasOwn(admin.compute.listFlavorExtraSpecs('1'), '__proto__')).toBe(false);
  });

  it(`agrees with nova's own validators.validate on ${golden.length} (name, value) pairs (tests/compute/make_extra_specs.py)`, () => {
    expect(VALIDATOR_COUNT).toBe(490);
    const wrong = (golden as [string, string, string | null][]).filter(([name, value, verdict]) => validateExtraSpec(name, value) !== verdict);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('matches the backtracking patterns with linear ones of the same language (seed 14033)', () => {
    for (const [pattern, linear] of Object.entries(LINEAR_EQUIVALENTS)) {
      const original = fullMatcher(pattern);
      const fast = fullMatcher(linear);
      const chars = pattern.includes('a-zA-Z') ? ['a', 'Z', '0', '_', ',', '-', ' '] : ['1', '2', '-', ',', '^', 'x'];
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 9 }), (cs) => {
          const s = cs.join('');
          expect(fast.test(s)).toBe(original.test(s));
        }),
        { seed: 14033, numRuns: 3000 },
      );
    }
    // and a hostile value is refused at once
    const t = performance.now();
    expect(validateExtraSpec('hw:cpu_realtime_mask', `1${',1-1'.repeat(60)}x`)).toMatch(/is not of the format/);
    expect(validateExtraSpec('hw:pmem', `${'a'.repeat(254)}!`)).toMatch(/is not of the format/);
    expect(performance.now() - t).toBeLessThan(500);
  });

  it("reads integers as Python's int() does", () => {
    expect(pythonInt(' 12 ')).toBe(12n);
    expect(pythonInt('+1_000')).toBe(1000n);
    expect(pythonInt('-0')).toBe(0n);
    expect(pythonInt('\u0663\u0664')).toBe(34n);
    expect(pythonInt('1__0')).toBeNull();
    expect(pythonInt('1.0')).toBeNull();
    expect(pythonInt('')).toBeNull();
  });
});
