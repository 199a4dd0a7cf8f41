/**
 * Host aggregates (`os-aggregates`, `nova/api/openstack/compute/aggregates.py`,
 * `nova/compute/api.py` `AggregateAPI`): admin CRUD, hosts, metadata and availability zones, in
 * nova's order with nova's words; the scheduler sees them (its host states' aggregates, its
 * AZ pre-filter) and Placement mirrors their membership as provider aggregates.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, type Cloud } from '../../src/index.js';
import { DEVSTACK_TOPOLOGY } from '../../src/hardware/index.js';
import { azAggregateUuid } from '../../src/scheduler/index.js';
import { hostStates } from '../../src/scheduler/host_states.js';
import { hostIndexOf } from '../../src/scheduler/host_index.js';
import { availabilityZoneNames, type AggregateView } from '../../src/compute/aggregates.js';
import { hostAvailabilityZone } from '../../src/compute/zones.js';
import { boot, computeWorld, refused } from './support.js';

/** DevStack with two topology zones: compute1 in az1, compute2 in az2, the controller in none. */
function zonedWorld(seed: number): ReturnType<typeof computeWorld> {
  const topology = {
    ...DEVSTACK_TOPOLOGY,
    availability_zones: [{ name: 'az1' }, { name: 'az2' }],
    racks: [{ name: 'rack1' }, { name: 'r1', availability_zone: 'az1' }, { name: 'r2', availability_zone: 'az2' }],
    hosts: [(DEVSTACK_TOPOLOGY.hosts ?? [])[0], { name: 'compute1', model: 'devstack-node', rack: 'r1', roles: ['compute'] }, { name: 'compute2', model: 'devstack-node', rack: 'r2', roles: ['compute'] }],
  };
  return computeWorld(seed, { topology });
}

function providerAggregates(cloud: Cloud, host: string): string[] {
  return [...cloud.systemAdmin.placement.getProviderAggregates(cloud.hardware.getHost(host).id).aggregates].sort();
}

const id = (a: AggregateView): string => String(a.id);

describe('aggregates CRUD', () => {
  it('create answers without hosts and metadata; show, list, update, set_metadata, delete', () => {
    const { cloud, admin } = computeWorld(1);
    expect(admin.compute.listAggregates()).toEqual([]);
    cloud.clock.advance(5);
    const a = admin.compute.createAggregate({ name: 'fast', availability_zone: 'zone-a' });
    expect(a).toEqual({ id: 1, uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'fast', availability_zone: 'zone-a', created_at: '2022-10-05T00:00:05.000000', updated_at: null, deleted: false, deleted_at: null });
    expect(admin.compute.getAggregate('1')).toEqual({ ...a, hosts: [], metadata: { availability_zone: 'zone-a' } });
    const b = admin.compute.createAggregate({ name: 'plain' });
    expect(b).toMatchObject({ id: 2, availability_zone: null });
    expect(admin.compute.listAggregates().map((x) => x.name)).toEqual(['fast', 'plain']);
    cloud.clock.advance(5);
    const renamed = admin.compute.updateAggregate(id(b), { name: '  quiet  ' } as never);
    expect(renamed).toMatchObject({ name: 'quiet', availability_zone: null, metadata: {}, updated_at: '2022-10-05T00:00:10.000000' });
    expect(admin.compute.updateAggregate(id(b), { availability_zone: 'zone-b' })).toMatchObject({ availability_zone: 'zone-b', metadata: { availability_zone: 'zone-b' } });
    const meta = admin.compute.setAggregateMetadata(id(b), { metadata: { ssd: 'true', 'cpu_weight_multiplier': '2' } });
    expect(meta.metadata).toEqual({ availability_zone: 'zone-b', ssd: 'true', cpu_weight_multiplier: '2' });
    expect(admin.compute.setAggregateMetadata(id(b), { metadata: { ssd: null, gone: null } }).metadata).toEqual({ availability_zone: 'zone-b', cpu_weight_multiplier: '2' });
    expect(availabilityZoneNames(cloud.state)).toEqual(['zone-a', 'zone-b']);
    admin.compute.deleteAggregate(id(a));
    expect(admin.compute.listAggregates().map((x) => x.id)).toEqual([2]);
    // ids are never reused
    expect(admin.compute.createAggregate({ name: 'fast' }).id).toBe(3);
  });

  it('names are unique (409 AggregateNameExists); unknown ids 404; non-integer ids 400', () => {
    const { cloud, admin } = computeWorld(2);
    const a = admin.compute.createAggregate({ name: 'one' });
    admin.compute.createAggregate({ name: 'two' });
    refused(cloud, () => admin.compute.createAggregate({ name: 'one' }), { status: 409, message: 'Aggregate one already exists.' });
    refused(cloud, () => admin.compute.updateAggregate(id(a), { name: 'two' }), { status: 409, message: 'Aggregate two already exists.' });
    expect(admin.compute.updateAggregate(id(a), { name: 'one' }).name).toBe('one');
    refused(cloud, () => admin.compute.getAggregate('99'), { status: 404, message: 'Aggregate 99 could not be found.' });
    refused(cloud, () => admin.compute.deleteAggregate('99'), { status: 404 });
    refused(cloud, () => admin.compute.getAggregate('99999999999999999999'), { status: 404, message: 'Aggregate 99999999999999999999 could not be found.' });
    refused(cloud, () => admin.compute.getAggregate('9'.repeat(100_000)), { status: 404 });
    for (const bad of ['x', '1.5', '', 'NaN', '1e3']) refused(cloud, () => admin.compute.getAggregate(bad), { status: 400, field: 'id', message: 'Invalid input received: id must be an integer' });
    refused(cloud, () => admin.compute.getAggregate(Number.NaN as never), { status: 400, field: 'id' });
    refused(cloud, () => admin.compute.getAggregate({} as never), { status: 400, field: 'id' });
    expect(admin.compute.getAggregate(' 1 ').name).toBe('one');
  });

  it('delete is refused while the aggregate holds hosts (400 InvalidAggregateActionDelete)', () => {
    const { cloud, admin } = computeWorld(3);
    const a = admin.compute.createAggregate({ name: 'full' });
    admin.compute.addAggregateHost(id(a), { host: 'compute1' });
    refused(cloud, () => admin.compute.deleteAggregate(id(a)), { status: 400, message: `Cannot remove host from aggregate ${a.id}. Reason: Host aggregate is not empty.` });
    admin.compute.removeAggregateHost(id(a), { host: 'compute1' });
    admin.compute.deleteAggregate(id(a));
  });

  it('is admin only: demo and its reader get 403 for every operation', () => {
    const { cloud, admin, demo, reader } = computeWorld(4);
    const a = admin.compute.createAggregate({ name: 'x' });
    for (const s of [demo, reader]) {
      refused(cloud, () => s.compute.listAggregates(), { status: 403 });
      refused(cloud, () => s.compute.getAggregate(id(a)), { status: 403 });
      refused(cloud, () => s.compute.createAggregate({ name: 'y' }), { status: 403 });
      refused(cloud, () => s.compute.updateAggregate(id(a), { name: 'z' }), { status: 403 });
      refused(cloud, () => s.compute.deleteAggregate(id(a)), { status: 403 });
      refused(cloud, () => s.compute.addAggregateHost(id(a), { host: 'compute1' }), { status: 403 });
      refused(cloud, () => s.compute.removeAggregateHost(id(a), { host: 'compute1' }), { status: 403 });
      refused(cloud, () => s.compute.setAggregateMetadata(id(a), { metadata: { k: 'v' } }), { status: 403 });
    }
  });

  it('bad input of every shape is a 400 naming the field, and changes nothing', () => {
    const { cloud, admin } = computeWorld(5);
    const a = admin.compute.createAggregate({ name: 'x' });
    const circular: Record<string, unknown> = { name: 'c' };
    circular.self = circular;
    const proto = JSON.parse('{"name": "p", "__proto__": {"x": 1}}');
    const cases: [() => unknown, string][] = [
      [() => admin.compute.createAggregate(null as never), 'aggregate'],
      [() => admin.compute.createAggregate([] as never), 'aggregate'],
      [() => admin.compute.createAggregate({} as never), 'name'],
      [() => admin.compute.createAggregate({ name: '' }), 'name'],
      [() => admin.compute.createAggregate({ name: ' lead' }), 'name'],
      [() => admin.compute.createAggregate({ name: 'tab\t' }), 'name'],
      [() => admin.compute.createAggregate({ name: 'x'.repeat(256) }), 'name'],
      [() => admin.compute.createAggregate({ name: 'x'.repeat(1_000_000) }), 'name'],
      [() => admin.compute.createAggregate({ name: 5 } as never), 'name'],
      [() => admin.compute.createAggregate({ name: 'ok', availability_zone: 'a:b' }), 'availability_zone'],
      [() => admin.compute.createAggregate({ name: 'ok', availability_zone: '' }), 'availability_zone'],
      [() => admin.compute.createAggregate({ name: 'ok', availability_zone: Number.NaN } as never), 'availability_zone'],
      [() => admin.compute.createAggregate(circular as never), 'self'],
      [() => admin.compute.createAggregate(proto), '__proto__'],
      [() => admin.compute.updateAggregate(id(a), {}), 'aggregate'],
      [() => admin.compute.updateAggregate(id(a), { name: '   ' }), 'name'],
      [() => admin.compute.updateAggregate(id(a), { uuid: 'x' } as never), 'uuid'],
      [() => admin.compute.addAggregateHost(id(a), {} as never), 'host'],
      [() => admin.compute.addAggregateHost(id(a), { host: 'bad host' }), 'host'],
      [() => admin.compute.addAggregateHost(id(a), { host: '' }), 'host'],
      [() => admin.compute.addAggregateHost(id(a), { host: ['compute1'] } as never), 'host'],
      [() => admin.compute.removeAggregateHost(id(a), { host: 'compute1', extra: 1 } as never), 'extra'],
      [() => admin.compute.setAggregateMetadata(id(a), {} as never), 'metadata'],
      [() => admin.compute.setAggregateMetadata(id(a), { metadata: 'k=v' } as never), 'metadata'],
      [() => admin.compute.setAggregateMetadata(id(a), { metadata: { 'bad/key': 'v' } }), 'metadata'],
      [() => admin.compute.setAggregateMetadata(id(a), { metadata: { k: 5 } } as never), 'metadata.k'],
      [() => admin.compute.setAggregateMetadata(id(a), { metadata: { k: 'v'.repeat(256) } }), 'metadata.k'],
    ];
    for (const [fn, field] of cases) refused(cloud, fn, { status: 400, field });
    // an own __proto__ key is metadata like any other (nova's pattern allows it)
    expect(admin.compute.setAggregateMetadata(id(a), { metadata: JSON.parse('{"__proto__": "v"}') }).metadata).toEqual(JSON.parse('{"__proto__": "v"}'));
  });
});

describe('hosts and availability zones', () => {
  it('add_host: a compute host only (404), once (409), in one zone (409 InvalidAggregateActionAdd); remove_host 404s', () => {
    const { cloud, admin } = zonedWorld(6);
    const a = admin.compute.createAggregate({ name: 'a1', availability_zone: 'az1' });
    refused(cloud, () => admin.compute.addAggregateHost(id(a), { host: 'nohost' }), { status: 404, message: 'Compute host nohost could not be found.' });
    refused(cloud, () => admin.compute.addAggregateHost('77', { host: 'compute1' }), { status: 404, message: 'Aggregate 77 could not be found.' });
    refused(cloud, () => admin.compute.addAggregateHost(id(a), { host: 'compute2' }), { status: 409, message: `Cannot add host to aggregate ${a.id}. Reason: One or more hosts already in availability zone(s) ['az2'].` });
    expect(admin.compute.addAggregateHost(id(a), { host: 'compute1' }).hosts).toEqual(['compute1']);
    expect(admin.compute.addAggregateHost(id(a), { host: 'controller' }).hosts).toEqual(['compute1', 'controller']);
    refused(cloud, () => admin.compute.addAggregateHost(id(a), { host: 'controller' }), { status: 409, message: `Aggregate ${a.id} already has host controller.` });
    refused(cloud, () => admin.compute.removeAggregateHost(id(a), { host: 'compute2' }), { status: 404, message: `Cannot remove host compute2 in aggregate ${a.id}` });
    refused(cloud, () => admin.compute.removeAggregateHost(id(a), { host: 'nohost' }), { status: 404, message: `Cannot remove host nohost in aggregate ${a.id}` });
    refused(cloud, () => admin.compute.removeAggregateHost('77', { host: 'compute1' }), { status: 404, message: 'Cannot remove host compute1 in aggregate 77' });
    // a plain aggregate takes any compute host
    const p = admin.compute.createAggregate({ name: 'plain' });
    admin.compute.addAggregateHost(id(p), { host: 'compute2' });
    // …until it becomes a zone its hosts cannot all be in
    refused(cloud, () => admin.compute.setAggregateMetadata(id(p), { metadata: { availability_zone: 'az1' } }), { status: 400, message: `Cannot update metadata of aggregate ${p.id}. Reason: One or more hosts already in availability zone(s) ['az2'].` });
    refused(cloud, () => admin.compute.updateAggregate(id(p), { availability_zone: null }), { status: 400, message: `Cannot update aggregate ${p.id}. Reason: Aggregate plain does not support empty named availability zone.` });
    refused(cloud, () => admin.compute.setAggregateMetadata(id(p), { metadata: { availability_zone: null } }), { status: 400, message: /does not support empty named availability zone/ });
  });

  it('the topology zones are aggregates too, listed first and read-only', () => {
    const { cloud, admin } = zonedWorld(7);
    const list = admin.compute.listAggregates();
    expect(list.map((a) => [a.id, a.name, a.hosts, a.metadata])).toEqual([
      [1, 'az1', ['compute1'], { availability_zone: 'az1' }],
      [2, 'az2', ['compute2'], { availability_zone: 'az2' }],
    ]);
    expect(list[0]?.uuid).toBe(azAggregateUuid('az1'));
    expect(admin.compute.createAggregate({ name: 'mine' }).id).toBe(3);
    refused(cloud, () => admin.compute.createAggregate({ name: 'az1' }), { status: 409 });
    refused(cloud, () => admin.compute.addAggregateHost('1', { host: 'controller' }), { status: 409, message: /Cannot add host to aggregate 1\. Reason: it is the topology's availability zone az1/ });
    refused(cloud, () => admin.compute.removeAggregateHost('1', { host: 'compute1' }), { status: 409, message: 'Cannot remove host compute1 in aggregate 1' });
    refused(cloud, () => admin.compute.deleteAggregate('2'), { status: 400 });
    refused(cloud, () => admin.compute.setAggregateMetadata('2', { metadata: { k: 'v' } }), { status: 400 });
    refused(cloud, () => admin.compute.updateAggregate('2', { name: 'renamed' }), { status: 400 });
    // a host an aggregate puts in a zone cannot move to another topology zone
    const a = admin.compute.createAggregate({ name: 'z1', availability_zone: 'az1' });
    admin.compute.addAggregateHost(id(a), { host: 'compute1' });
    refused(cloud, () => cloud.hardware.updateHost('compute1', { availability_zone: 'az2' }), { status: 409 });
  });

  it('an aggregate zone\'s name cannot change while its hosts hold instances', () => {
    const w = zonedWorld(8);
    const { cloud, admin, demo } = w;
    const a = admin.compute.createAggregate({ name: 'edge', availability_zone: 'az1' });
    admin.compute.addAggregateHost(id(a), { host: 'controller' });
    const vm = boot(demo, 'vm', { availability_zone: 'az1' });
    expect(vm.status).toBe('ACTIVE');
    const host = admin.compute.getServer(vm.id)['OS-EXT-SRV-ATTR:host'];
    expect(['compute1', 'controller']).toContain(host);
    if (host === 'controller') {
      refused(cloud, () => admin.compute.updateAggregate(id(a), { availability_zone: 'elsewhere' }), { status: 400, message: `Cannot update aggregate ${a.id}. Reason: One or more hosts contain instances in this zone.` });
      // the same zone again is no change
      expect(admin.compute.setAggregateMetadata(id(a), { metadata: { availability_zone: 'az1' } }).availability_zone).toBe('az1');
    }
  });

  it('boots into a zone land only on its hosts, whether the topology or an aggregate put them there', () => {
    const w = zonedWorld(9);
    const { cloud, admin, demo } = w;
    const a = admin.compute.createAggregate({ name: 'edge', availability_zone: 'az1' });
    admin.compute.addAggregateHost(id(a), { host: 'controller' });
    expect(hostAvailabilityZone(cloud.state, 'controller')).toBe('az1');
    expect(admin.compute.listComputeServices({ host: 'controller', binary: 'nova-compute' })[0]?.zone).toBe('az1');
    const hosts = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const vm = boot(demo, `vm${i}`, { availability_zone: 'az1' });
      expect(vm.status).toBe('ACTIVE');
      hosts.add(admin.compute.getServer(vm.id)['OS-EXT-SRV-ATTR:host'] as string);
    }
    expect([...hosts].every((h) => h === 'compute1' || h === 'controller')).toBe(true);
    expect(hosts.has('controller')).toBe(true);
    // and az2's boots never land on the controller the aggregate put in az1
    for (let i = 0; i < 3; i++) expect(admin.compute.getServer(boot(demo, `b${i}`, { availability_zone: 'az2' }).id)['OS-EXT-SRV-ATTR:host']).toBe('compute2');
  });

  it('the scheduler keeps a new zone\'s requests on its aggregate\'s hosts (map_az_to_placement_aggregate)', () => {
    const { cloud, admin } = computeWorld(10);
    const a = admin.compute.createAggregate({ name: 'gpu', availability_zone: 'gpu-zone' });
    admin.compute.addAggregateHost(id(a), { host: 'compute2' });
    const r = cloud.scheduler.selectDestinations({ flavor: { name: 'f', vcpus: 1, memory_mb: 512, root_gb: 1 }, num_instances: 3, project_id: 'p', user_id: 'u', availability_zone: 'gpu-zone' });
    expect(r.selections.map((s) => s.host)).toEqual(['compute2', 'compute2', 'compute2']);
    expect(providerAggregates(cloud, 'compute2')).toEqual([a.uuid, azAggregateUuid('gpu-zone')].sort());
    expect(providerAggregates(cloud, 'compute1')).toEqual([]);
    // the host states' aggregates and zone
    const [state] = hostStates(cloud.state, [cloud.hardware.getHost('compute2').id]);
    expect(state?.aggregates.map((x) => x.name)).toEqual(['gpu']);
    expect(state?.availability_zone).toBe('gpu-zone');
    // leaving the zone: the provider leaves both Placement aggregates
    admin.compute.removeAggregateHost(id(a), { host: 'compute2' });
    expect(providerAggregates(cloud, 'compute2')).toEqual([]);
  });
});

// ------------------------------------------------------------------ the property

type Op =
  | { kind: 'create'; name: number; zone: string | null }
  | { kind: 'add' | 'remove'; agg: number; host: string }
  | { kind: 'meta'; agg: number; key: string; value: string | null }
  | { kind: 'zone'; agg: number; zone: string | null }
  | { kind: 'rename'; agg: number; name: number }
  | { kind: 'delete'; agg: number }
  | { kind: 'service'; host: string; disabled: boolean };

const HOSTS = ['controller', 'compute1', 'compute2', 'nohost'];
const ZONES = ['az1', 'az2', 'zx', 'zy'];
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), name: fc.nat(5), zone: fc.option(fc.constantFrom(...ZONES), { nil: null }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('add' as const, 'remove' as const), agg: fc.nat(6), host: fc.constantFrom(...HOSTS) }) },
  fc.record({ kind: fc.constant('meta' as const), agg: fc.nat(6), key: fc.constantFrom('availability_zone', 'ssd', 'ram_weight_multiplier'), value: fc.option(fc.constantFrom(...ZONES, '2', ''), { nil: null }) }),
  fc.record({ kind: fc.constant('zone' as const), agg: fc.nat(6), zone: fc.option(fc.constantFrom(...ZONES), { nil: null }) }),
  fc.record({ kind: fc.constant('rename' as const), agg: fc.nat(6), name: fc.nat(5) }),
  fc.record({ kind: fc.constant('delete' as const), agg: fc.nat(6) }),
  fc.record({ kind: fc.constant('service' as const), host: fc.constantFrom('compute1', 'compute2'), disabled: fc.boolean() }),
);

/** The scheduler's aggregates equal the API's, each host's state holds its own, and Placement mirrors membership and zones. */
function expectMirrored(w: ReturnType<typeof computeWorld>): void {
  const { cloud, admin } = w;
  const api = admin.compute.listAggregates().map((a) => ({ id: a.id, uuid: a.uuid, name: a.name, hosts: a.hosts ?? [], metadata: a.metadata ?? {} }));
  const index = hostIndexOf(cloud.kernel.memo);
  index.sync(cloud.state);
  expect(index.aggregates).toEqual(api);
  const byName = new Map(cloud.hardware.listHosts({ role: 'compute' }).map((h) => [h.name, h.id]));
  const states = hostStates(cloud.state, [...byName.values()]);
  expect(states).toEqual(index.statesOf([...byName.values()]));
  for (const [name, hostId] of byName) {
    const mine = api.filter((a) => a.hosts.includes(name));
    const state = states.find((s) => s.uuid === hostId);
    expect(state?.aggregates.map((a) => a.id)).toEqual(mine.map((a) => a.id));
    const zones = [...new Set(mine.flatMap((a) => (a.metadata.availability_zone === undefined ? [] : [a.metadata.availability_zone])))];
    expect(zones.length).toBeLessThanOrEqual(1);
    expect(state?.availability_zone).toBe(zones[0] ?? 'nova');
    const want = [...new Set([...mine.map((a) => a.uuid), ...zones.map((z) => azAggregateUuid(z))])].sort();
    expect(providerAggregates(cloud, name)).toEqual(want);
  }
}

describe('the scheduler and Placement follow the aggregates API', () => {
  it('after random create / add / remove / metadata / zone / rename / delete sequences (seed 1414)', () => {
    const done = { add: 0, zone: 0, refused: 0 };
    fc.assert(
      fc.property(fc.array(op, { minLength: 8, maxLength: 25 }), (ops) => {
        const w = zonedWorld(14);
        const { cloud, admin } = w;
        const ids = () => admin.compute.listAggregates().map((a) => String(a.id));
        // mostly the API's own aggregates; now and then a topology zone's (read-only) or none
        const pick = (n: number) => {
          if (n === 6) return '1';
          const own = ids().filter((x) => Number(x) > 2);
          return own.length === 0 ? '99' : (own[n % own.length] as string);
        };
        for (const o of ops) {
          const before = cloud.state;
          try {
            switch (o.kind) {
              case 'create':
                admin.compute.createAggregate({ name: `agg${o.name}`, ...(o.zone === null ? {} : { availability_zone: o.zone }) });
                break;
              case 'add':
                admin.compute.addAggregateHost(pick(o.agg), { host: o.host });
                done.add++;
                break;
              case 'remove':
                admin.compute.removeAggregateHost(pick(o.agg), { host: o.host });
                break;
              case 'meta':
                admin.compute.setAggregateMetadata(pick(o.agg), { metadata: { [o.key]: o.value } });
                break;
              case 'zone':
                admin.compute.updateAggregate(pick(o.agg), { availability_zone: o.zone });
                done.zone++;
                break;
              case 'rename':
                admin.compute.updateAggregate(pick(o.agg), { name: `agg${o.name}` });
                break;
              case 'delete':
                admin.compute.deleteAggregate(pick(o.agg));
                break;
              case 'service': {
                const svc = admin.compute.listComputeServices({ host: o.host, binary: 'nova-compute' })[0];
                if (svc) admin.compute.updateComputeService(svc.id, { status: o.disabled ? 'disabled' : 'enabled' });
                break;
              }
            }
          } catch (e) {
            if (!(e instanceof CloudError)) throw e;
            expect(cloud.state).toBe(before);
            done.refused++;
          }
          expectMirrored(w);
        }
      }),
      { seed: 1414, numRuns: 30 },
    );
    // the sequences did add hosts and move zones, and were refused too
    expect(done.add).toBeGreaterThan(12);
    expect(done.zone).toBeGreaterThan(5);
    expect(done.refused).toBeGreaterThan(20);
  });
});
