import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud, Conflict, CloudError, type Cloud, type Notification } from '../../src/index.js';
import { resolveRef } from '../../src/core/index.js';

const HOST = { cpu: { sockets: 2, cores_per_socket: 10, threads_per_core: 2 }, memory_mb: 262144 };

function empty(): Cloud {
  return createCloud({ seed: 1, preset: 'empty' });
}

/** Asserts the call throws a CloudError with `status` whose message names `field`, and that the state did not change. */
function refuses(cloud: Cloud, call: () => unknown, field: string, status = 400): void {
  const before = cloud.state;
  let error: unknown;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a refusal naming ${field}`).toBeInstanceOf(CloudError);
  expect((error as CloudError).status, field).toBe(status);
  expect((error as CloudError).message).toContain(field);
  expect(cloud.state).toBe(before);
}

describe('hosts', () => {
  it('adds a host with its CPU topology; logical CPUs = sockets × cores × threads', () => {
    const c = empty();
    const h = c.hardware.addHost({ name: 'compute-01', ...HOST, disks: [{ name: 'sda', size_gb: 960 }], nics: [{ name: 'eno1', speed_mbps: 25000, network: 'tenant' }] });
    expect(h).toMatchObject({ name: 'compute-01', region: 'RegionOne', availability_zone: null, rack: null, roles: ['compute'], hypervisor_type: 'QEMU', state: 'up', logical_cpus: 40, disk_gb: 960, nic_mbps: 25000 });
    expect(h.disks[0]).toEqual({ name: 'sda', size_gb: 960, type: 'ssd' });
    expect(Object.isFrozen(h)).toBe(true);
    expect(c.hardware.getHost(h.id)).toEqual(h);
    expect(c.hardware.getHost('compute-01')).toEqual(h);
    expect(h.created_at).toBe('2022-10-05T00:00:00Z');
  });

  it('builds hosts from a stored model, with inline overrides', () => {
    const c = empty();
    c.hardware.addHostModel({ name: 'r640', ...HOST, hypervisor_type: 'QEMU' });
    const h = c.hardware.addHost({ name: 'big', model: 'r640', memory_mb: 524288, roles: ['compute', 'storage'] });
    expect(h).toMatchObject({ model: 'r640', memory_mb: 524288, logical_cpus: 40, roles: ['compute', 'storage'] });
  });

  it('refuses duplicate hostnames with 409 and unknown hosts with 404', () => {
    const c = empty();
    c.hardware.addHost({ name: 'h1', ...HOST });
    refuses(c, () => c.hardware.addHost({ name: 'h1', ...HOST }), "'h1'", 409);
    refuses(c, () => c.hardware.getHost('nope'), "'nope'", 404);
    refuses(c, () => c.hardware.removeHost('nope'), "'nope'", 404);
    expect(() => c.hardware.getHost('nope')).toThrow(expect.objectContaining({ code: 'hardware.host.not_found' }));
  });

  it('bad input of any shape gets a 400 naming the field and changes nothing', () => {
    const c = empty();
    c.hardware.addAvailabilityZone({ name: 'az1' });
    c.hardware.addHost({ name: 'ok', ...HOST });
    const cases: [unknown, string][] = [
      [null, 'host'],
      ['compute-1', 'host'],
      [[], 'host'],
      [{ ...HOST }, 'host.name'],
      [{ name: '', ...HOST }, 'host.name'],
      [{ name: 'bad name', ...HOST }, 'host.name'],
      [{ name: 'x'.repeat(256), ...HOST }, 'host.name'],
      [{ name: 'h', memory_mb: 1024 }, 'host.cpu'],
      [{ name: 'h', ...HOST, cpu: { sockets: 0, cores_per_socket: 4 } }, 'host.cpu.sockets'],
      [{ name: 'h', ...HOST, cpu: { sockets: 1, cores_per_socket: 0 } }, 'host.cpu.cores_per_socket'],
      [{ name: 'h', ...HOST, cpu: { sockets: 1, cores_per_socket: 2.5 } }, 'host.cpu.cores_per_socket'],
      [{ name: 'h', ...HOST, cpu: { sockets: '2', cores_per_socket: 2 } }, 'host.cpu.sockets'],
      [{ name: 'h', ...HOST, cpu: { sockets: 1, cores_per_socket: 2, flags: ['AVX2'] } }, 'host.cpu.flags[0]'],
      [{ name: 'h', ...HOST, memory_mb: -1 }, 'host.memory_mb'],
      [{ name: 'h', ...HOST, memory_mb: Number.NaN }, 'host.memory_mb'],
      [{ name: 'h', ...HOST, memory_mb: 0 }, 'host.memory_mb'],
      [{ name: 'h', ...HOST, disks: [{ name: 'sda', size_gb: -5 }] }, 'host.disks[0].size_gb'],
      [{ name: 'h', ...HOST, disks: [{ name: 'sda', size_gb: 5 }, { name: 'sda', size_gb: 5 }] }, 'host.disks[1].name'],
      [{ name: 'h', ...HOST, nics: [{ name: 'eth0', speed_mbps: 1000, network: 'internet' }] }, 'host.nics[0].network'],
      [{ name: 'h', ...HOST, roles: [] }, 'host.roles'],
      [{ name: 'h', ...HOST, roles: ['compute', 'gpu'] }, 'host.roles[1]'],
      [{ name: 'h', ...HOST, hypervisor_type: 'kvm' }, 'host.hypervisor_type'],
      [{ name: 'h', ...HOST, availability_zone: 'nowhere' }, 'host.availability_zone'],
      [{ name: 'h', ...HOST, rack: 'r9' }, 'host.rack'],
      [{ name: 'h', ...HOST, region: 'RegionTwo' }, 'host.region'],
      [{ name: 'h', ...HOST, model: 'unknown-sku' }, 'host.model'],
      [{ name: 'h', ...HOST, colour: 'red' }, 'host.colour'],
    ];
    for (const [input, field] of cases) refuses(c, () => c.hardware.addHost(input as never), field);
    // a storage-only host may have no RAM to spare for instances
    expect(c.hardware.addHost({ name: 'swift1', ...HOST, memory_mb: 0, roles: ['storage'] }).memory_mb).toBe(0);
    refuses(c, () => c.hardware.updateHost('ok', { memory_mb: -2 }), 'patch.memory_mb');
    refuses(c, () => c.hardware.updateHost('ok', { name: 'renamed' } as never), 'patch.name');
    refuses(c, () => c.hardware.updateHost('ok', null as never), 'patch');
    refuses(c, () => c.hardware.failHost('ok', 42 as never), 'reason');
    refuses(c, () => c.hardware.addAvailabilityZone({ name: 'a:b' }), 'availability_zone.name');
    refuses(c, () => c.hardware.addAvailabilityZone({ name: 'az1' }), "'az1'", 409);
    refuses(c, () => c.hardware.addRack({ name: 'r1', availability_zone: 'az9' }), 'rack.availability_zone');
    refuses(c, () => c.hardware.listHosts({ role: 'gpu' } as never), 'filter.role');
  });

  it('updates hardware and location; refuses moving across regions', () => {
    const c = empty();
    c.hardware.addRegion({ name: 'RegionTwo' });
    c.hardware.addAvailabilityZone({ name: 'az2', region: 'RegionTwo' });
    c.hardware.addAvailabilityZone({ name: 'az1' });
    c.hardware.addRack({ name: 'r1', availability_zone: 'az1' });
    c.hardware.addHost({ name: 'h', ...HOST });
    c.clock.advance(60);
    const u = c.hardware.updateHost('h', { memory_mb: 524288, rack: 'r1' });
    expect(u).toMatchObject({ memory_mb: 524288, rack: 'r1', availability_zone: 'az1', updated_at: '2022-10-05T00:01:00Z' });
    refuses(c, () => c.hardware.updateHost('h', { availability_zone: 'az2' }), 'patch.region');
    refuses(c, () => c.hardware.updateHost('h', { rack: 'r1', availability_zone: 'az2' }), 'patch.availability_zone');
  });

  it('removal is refused through the hook while a later module says the host holds work', () => {
    const c = empty();
    c.hardware.addHost({ name: 'busy', ...HOST });
    c.hardware.addHost({ name: 'idle', ...HOST });
    c.kernel.hook('hardware.host.removing', (_tx, host) => {
      if (host.name === 'busy') throw new Conflict('compute.host.in_use', `Host '${host.name}' still runs 3 instances; migrate them first.`);
    });
    refuses(c, () => c.hardware.removeHost('busy'), 'still runs 3 instances', 409);
    c.hardware.removeHost('idle');
    expect(c.hardware.listHosts().map((h) => h.name)).toEqual(['busy']);
    // the name is free again
    expect(c.hardware.addHost({ name: 'idle', ...HOST }).name).toBe('idle');
  });

  it('failHost / recoverHost change the state, run the hook in the same commit and notify after it', () => {
    const c = empty();
    c.hardware.addHost({ name: 'h', ...HOST });
    const seen: Notification[] = [];
    c.events.on('*', (n) => seen.push(n));
    const hookSaw: string[] = [];
    c.kernel.hook('hardware.host.state_changed', (tx, before, after) => {
      hookSaw.push(`${before.state}->${after.state}`);
      tx.trace('nova-compute', `service on ${after.name} is ${after.state === 'up' ? 'up' : 'down'}`);
    });
    const down = c.hardware.failHost('h', 'PSU failure');
    expect(down).toMatchObject({ state: 'down', state_reason: 'PSU failure' });
    expect(c.trace()?.steps.map((s) => s.service)).toEqual(['hardware', 'neutron-server', 'nova-compute']);
    refuses(c, () => c.hardware.failHost('h'), 'already down', 409);
    c.hardware.recoverHost('h');
    c.hardware.startMaintenance('h', 'firmware upgrade');
    c.hardware.recoverHost('h');
    expect(hookSaw).toEqual(['up->down', 'down->up', 'up->maintenance', 'maintenance->up']);
    expect(seen.map((n) => n.event_type)).toEqual(['hardware.host.failed', 'hardware.host.recovered', 'hardware.host.maintenance', 'hardware.host.recovered']);
    expect(seen[0]).toMatchObject({ priority: 'ERROR', publisher_id: 'hardware.h', payload: { previous_state: 'up', host: { name: 'h', state: 'down' } } });
    expect(Object.isFrozen(seen[0]?.payload)).toBe(true);
    expect(c.hardware.listHosts({ state: 'up' })).toHaveLength(1);
  });

  it('lists hosts by hostname with filters, and prints an inventory', () => {
    const c = createCloud({ seed: 2 });
    expect(c.hardware.listHosts().map((h) => h.name)).toEqual(['compute1', 'compute2', 'controller']);
    expect(c.hardware.listHosts({ role: 'network' }).map((h) => h.name)).toEqual(['controller']);
    expect(c.hardware.listHosts({ availability_zone: null })).toHaveLength(3);
    const inv = c.hardware.inventory();
    expect(inv[2]).toMatchObject({ host: 'controller', roles: 'controller,compute,network,storage', cpus: '2×14×2 = 56', ram_gb: 128 });
  });
});

describe('name-or-id resolver', () => {
  const items = [
    { id: 'id-1', name: 'web' },
    { id: 'id-2', name: 'web' },
    { id: 'id-3', name: 'db' },
    { id: 'id-4', name: 'secret' },
  ];
  const visible = (x: { id: string }) => x.id !== 'id-4';
  const resolver = {
    kind: 'compute.server',
    byId: (id: string) => items.find((x) => x.id === id && visible(x)),
    byName: (n: string) => items.filter((x) => x.name === n && visible(x)),
    idOf: (x: { id: string }) => x.id,
  };

  it('takes an id or a unique name; an ambiguous name lists only visible candidates; invisible names do not resolve', () => {
    expect(resolveRef('id-3', resolver)).toEqual(items[2]);
    expect(resolveRef('db', resolver)).toEqual(items[2]);
    expect(() => resolveRef('web', resolver)).toThrow(expect.objectContaining({ status: 409, code: 'core.name.ambiguous', details: expect.objectContaining({ candidates: ['id-1', 'id-2'] }) }));
    expect(() => resolveRef('secret', resolver)).toThrow(expect.objectContaining({ status: 404, code: 'compute.server.not_found' }));
    expect(() => resolveRef('id-4', resolver)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => resolveRef(42, resolver)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('topology', () => {
  const MODEL = { cpu: { sockets: 2, cores_per_socket: 16, threads_per_core: 2, flags: ['avx2', 'vmx'] }, memory_mb: 393216, disks: [{ name: 'nvme0n1', size_gb: 3840, type: 'nvme' }], nics: [{ name: 'ens1', speed_mbps: 25000, network: 'tenant' }] };

  it('builds regions, AZs, racks and host groups (model × count × roles)', () => {
    const c = createCloud({
      seed: 3,
      topology: {
        regions: ['RegionOne', { name: 'RegionTwo', description: 'DR site' }],
        availability_zones: [{ name: 'az1' }, { name: 'az2' }, { name: 'dr', region: 'RegionTwo' }],
        racks: [{ name: 'r1', availability_zone: 'az1' }, { name: 'r2', availability_zone: 'az2' }, { name: 'r9', availability_zone: 'dr' }],
        models: { 'std-2s': MODEL as never },
        hosts: [
          { name: 'ctl{n}', count: 3, model: 'std-2s', rack: 'r1', roles: ['controller', 'network'] },
          { name: 'cmp-a{nn}', count: 10, model: 'std-2s', rack: 'r1' },
          { name: 'cmp-b{nnn}', count: 5, start: 0, model: 'std-2s', rack: 'r2' },
          { name: 'dr-1', model: 'std-2s', rack: 'r9', memory_mb: 786432 },
        ],
      },
    });
    const hosts = c.hardware.listHosts();
    expect(hosts).toHaveLength(19);
    expect(c.hardware.listHosts({ availability_zone: 'az1' })).toHaveLength(13);
    expect(c.hardware.getHost('cmp-b000')).toMatchObject({ availability_zone: 'az2', rack: 'r2', logical_cpus: 64 });
    expect(c.hardware.getHost('cmp-a10')).toMatchObject({ roles: ['compute'] });
    expect(c.hardware.getHost('dr-1')).toMatchObject({ region: 'RegionTwo', memory_mb: 786432 });
    expect(c.hardware.listRegions().map((r) => r.name)).toEqual(['RegionOne', 'RegionTwo']);
  });

  it('refuses bad topologies with an error naming the field', () => {
    const bad: [unknown, string][] = [
      [{ hosts: [{ name: 'a', ...MODEL }, { name: 'a', ...MODEL }] }, 'topology.hosts[1].name'],
      [{ hosts: [{ name: 'c{n}', count: 3, ...MODEL }, { name: 'c2', ...MODEL }] }, 'topology.hosts[1].name'],
      [{ hosts: [{ name: 'c', count: 3, ...MODEL }] }, 'topology.hosts[0].name'],
      [{ hosts: [{ name: 'a', ...MODEL, cpu: { sockets: 2, cores_per_socket: 0 } }] }, 'topology.hosts[0].cpu.cores_per_socket'],
      [{ hosts: [{ name: 'a', ...MODEL, memory_mb: -1024 }] }, 'topology.hosts[0].memory_mb'],
      [{ hosts: [{ name: 'a', ...MODEL, availability_zone: 'az9' }] }, 'topology.hosts[0].availability_zone'],
      [{ hosts: [{ name: 'a', ...MODEL, memory_mb: 0, roles: ['compute'] }] }, 'topology.hosts[0].memory_mb'],
      [{ availability_zones: [{ name: 'az1' }, { name: 'az1' }] }, 'topology.availability_zones[1].name'],
      [{ racks: [{ name: 'r', availability_zone: 'nope' }] }, 'topology.racks[0].availability_zone'],
      [{ models: { m: { cpu: { sockets: 1 } } } }, 'topology.models.m.cpu.cores_per_socket'],
      [{ hosts: [{ name: 'a', model: 'm' }] }, 'topology.hosts[0].model'],
      [{ hosts: 'many' }, 'topology.hosts'],
      [{ hostz: [] }, 'topology.hostz'],
      [{ hosts: [{ name: 'a', count: 0, ...MODEL }] }, 'topology.hosts[0].count'],
    ];
    for (const [topology, field] of bad) {
      let error: unknown;
      try {
        createCloud({ topology: topology as never });
      } catch (e) {
        error = e;
      }
      expect(error, field).toBeInstanceOf(CloudError);
      expect((error as CloudError).message, field).toContain(field);
      expect((error as CloudError).status, field).toBe(400);
    }
  });

  it('the devstack preset is one all-in-one controller and two extra compute nodes', () => {
    const c = createCloud();
    expect(c.hardware.inventory().map((r) => [r.host, r.roles])).toEqual([
      ['compute1', 'compute'],
      ['compute2', 'compute'],
      ['controller', 'controller,compute,network,storage'],
    ]);
  });

  it('hostname patterns expand to exactly count distinct names (seed 777)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom('{n}', '{nn}', '{nnn}'), (count, start, ph) => {
        const c = createCloud({ seed: 1, topology: { hosts: [{ name: `n-${ph}`, count, start, ...(MODEL as object) }] } as never });
        const names = c.hardware.listHosts().map((h) => h.name);
        expect(new Set(names).size).toBe(count);
      }),
      { seed: 777, numRuns: 25 },
    );
  });
});

describe('stacksim/testing arbitraries', () => {
  it('every generated topology builds, with exactly its hosts, their AZs and logical CPUs (seed 5150)', async () => {
    const arb = await import('../../src/testing/index.js');
    fc.assert(
      fc.property(arb.topology(), (topology) => {
        const c = createCloud({ seed: 1, topology });
        const hosts = c.hardware.listHosts();
        expect(hosts).toHaveLength(arb.hostCount(topology));
        for (const h of hosts) {
          expect(h.availability_zone).toMatch(/^az[123]$/);
          expect(h.logical_cpus).toBe(h.cpu.sockets * h.cpu.cores_per_socket * h.cpu.threads_per_core);
        }
      }),
      { seed: 5150, numRuns: 60 },
    );
  });
});
