/**
 * Hypervisors at 2.88 (`nova/api/openstack/compute/hypervisors.py`): compute nodes whose id is the
 * host's (and its Placement provider's) uuid, state and status from the nova-compute service,
 * the detail view with uptime, `with_servers`, `hypervisor_hostname_pattern`, paging; admin only.
 * And stacksim's helpers: 2.87's statistics from Placement, `nova-manage cell_v2 list_cells`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Cloud, type Session } from '../../src/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { caught, refused } from '../support/refusal.js';
import { computeWorld, fleet as computeFleet } from './support.js';

/** A controller (no compute) and compute hosts a1, a2 (az1), b1 (az2), c1 (no zone). */
const fleet = (seed = 5): Cloud => computeFleet(seed);
const COMPUTE = ['a1', 'a2', 'b1', 'c1'];

function bootOn(cloud: Cloud, session: Session, name: string): { id: string; host: string | null; status: string } {
  const created = session.compute.createServer({ name, flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' });
  if (!('id' in created)) throw new Error('expected one server');
  const v = cloud.admin.compute.getServer(created.id) as unknown as Record<string, unknown>;
  return { id: created.id, host: (v['OS-EXT-SRV-ATTR:host'] as string | null) ?? null, status: v.status as string };
}

const UPTIME = /^ \d\d:\d\d:\d\d up (\d+ days?, )?(\d+ min|[ \d]\d:\d\d),  0 users,  load average: 0\.00, 0\.00, 0\.00\n$/;

describe('GET /os-hypervisors and /detail', () => {
  it('one entry per compute host, in the order they were reported, id = host id = provider uuid', () => {
    const cloud = fleet();
    const list = cloud.admin.compute.listHypervisors();
    expect(list.map((h) => h.hypervisor_hostname)).toEqual(COMPUTE);
    for (const h of list) {
      expect(Object.keys(h)).toEqual(['id', 'hypervisor_hostname', 'state', 'status']);
      expect(h).toMatchObject({ state: 'up', status: 'enabled' });
      expect(h.id).toBe(cloud.hardware.getHost(h.hypervisor_hostname).id);
      expect(cloud.systemAdmin.placement.getResourceProvider(h.id).name).toBe(h.hypervisor_hostname);
    }
  });

  it('the detail view: type, version, host_ip, the service, the uptime', () => {
    const cloud = fleet();
    const admin = cloud.admin;
    const detail = admin.compute.listHypervisorsDetail();
    expect(detail).toHaveLength(4);
    const services = admin.compute.listComputeServices({ binary: 'nova-compute' });
    for (const h of detail) {
      expect(Object.keys(h)).toEqual(['id', 'hypervisor_hostname', 'state', 'status', 'hypervisor_type', 'hypervisor_version', 'host_ip', 'service', 'uptime']);
      expect(h.hypervisor_type).toBe('QEMU');
      expect(h.hypervisor_version).toBe(6002000);
      expect(h.host_ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(h.service).toEqual({ id: services.find((x) => x.host === h.hypervisor_hostname)!.id, host: h.hypervisor_hostname, disabled_reason: null });
      expect(h.uptime).toMatch(UPTIME);
      expect(admin.compute.getHypervisor(h.id)).toEqual(h);
    }
    expect(new Set(detail.map((h) => h.host_ip)).size).toBe(4);
    cloud.clock.advance(2 * 86_400 + 3 * 3600 + 4 * 60 + 5);
    expect(admin.compute.getHypervisor(detail[0]!.id).uptime).toBe(' 03:04:05 up 2 days,  3:04,  0 users,  load average: 0.00, 0.00, 0.00\n');
  });

  it('with_servers lists each host\'s servers (an empty list where there are none)', () => {
    const cloud = fleet();
    const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
    const booted = [0, 1, 2].map((i) => bootOn(cloud, demo, `vm${i}`));
    const list = cloud.admin.compute.listHypervisors({ with_servers: 'true' });
    for (const h of list) {
      const mine = booted.filter((b) => b.host === h.hypervisor_hostname);
      expect(h.servers).toEqual(mine.map((b) => ({ name: `vm${booted.indexOf(b)}`, uuid: b.id })));
    }
    expect(cloud.admin.compute.listHypervisors({ with_servers: false }).every((h) => h.servers === undefined)).toBe(true);
    const host = booted[0]!.host!;
    const shown = cloud.admin.compute.getHypervisor(cloud.hardware.getHost(host).id, { with_servers: true });
    expect(shown.servers!.map((x) => x.uuid)).toContain(booted[0]!.id);
    demo.compute.deleteServer(booted[0]!.id);
    expect(cloud.admin.compute.getHypervisor(cloud.hardware.getHost(host).id, { with_servers: true }).servers!.map((x) => x.uuid)).not.toContain(booted[0]!.id);
  });

  it('hypervisor_hostname_pattern is SQL LIKE %pattern% (case-insensitive, _ any one character); no match is a 404', () => {
    const cloud = fleet();
    const admin = cloud.admin;
    const match = (p: string) => admin.compute.listHypervisors({ hypervisor_hostname_pattern: p }).map((h) => h.hypervisor_hostname);
    expect(match('a')).toEqual(['a1', 'a2']);
    expect(match('A2')).toEqual(['a2']);
    expect(match('_1')).toEqual(['a1', 'b1', 'c1']);
    // '.' is no wildcard in LIKE: no hostname holds one
    refused(cloud, () => match('.'), { status: 404 });
    const e = refused(cloud, () => admin.compute.listHypervisors({ hypervisor_hostname_pattern: 'zzz' }), { status: 404, code: 'compute.hypervisor.not_found' });
    expect(e.message).toBe("No hypervisor matching 'zzz' could be found.");
    refused(cloud, () => admin.compute.listHypervisorsDetail({ hypervisor_hostname_pattern: 'a', limit: 1 }), { status: 400, message: 'Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.' });
  });

  it('pages with limit and marker (a compute node uuid)', () => {
    const cloud = fleet();
    const admin = cloud.admin;
    const all = admin.compute.listHypervisors();
    expect(admin.compute.listHypervisors({ limit: 2 }).map((h) => h.id)).toEqual(all.slice(0, 2).map((h) => h.id));
    expect(admin.compute.listHypervisors({ limit: '2', marker: all[1]!.id }).map((h) => h.id)).toEqual(all.slice(2, 4).map((h) => h.id));
    expect(admin.compute.listHypervisors({ marker: all[3]!.id })).toEqual([]);
    expect(admin.compute.listHypervisors({ limit: 0 })).toEqual([]);
    const e = refused(cloud, () => admin.compute.listHypervisors({ marker: 'nope' }), { status: 400 });
    expect(e.message).toBe('marker [nope] not found');
  });

  it('state and status follow the nova-compute service: maintenance disables it, a failed host goes down after service_down_time', () => {
    const cloud = fleet();
    const admin = cloud.admin;
    cloud.hardware.startMaintenance('b1', 'new disks');
    cloud.hardware.failHost('c1');
    let byName = new Map(admin.compute.listHypervisorsDetail().map((h) => [h.hypervisor_hostname, h]));
    expect(byName.get('b1')).toMatchObject({ status: 'disabled', service: { disabled_reason: 'new disks' } });
    expect(byName.get('c1')).toMatchObject({ state: 'up', uptime: null });
    cloud.clock.advance(61);
    byName = new Map(admin.compute.listHypervisorsDetail().map((h) => [h.hypervisor_hostname, h]));
    expect(byName.get('c1')).toMatchObject({ state: 'down', status: 'enabled', uptime: null });
    expect(byName.get('a1')).toMatchObject({ state: 'up', status: 'enabled' });
    const a2 = admin.compute.listComputeServices({ host: 'a2', binary: 'nova-compute' })[0]!;
    admin.compute.updateComputeService(a2.id, { status: 'disabled', disabled_reason: 'drain' });
    expect(admin.compute.getHypervisor(cloud.hardware.getHost('a2').id)).toMatchObject({ status: 'disabled', service: { disabled_reason: 'drain' } });
  });
});

describe('GET /os-hypervisors/{id}', () => {
  it('a uuid; a hostname as a convenience; else 400 Invalid uuid; unknown 404', () => {
    const cloud = fleet();
    const admin = cloud.admin;
    const id = cloud.hardware.getHost('a1').id;
    expect(admin.compute.getHypervisor(id).hypervisor_hostname).toBe('a1');
    expect(admin.compute.getHypervisor(id.toUpperCase()).id).toBe(id);
    expect(admin.compute.getHypervisor('a1').id).toBe(id);
    expect(admin.compute.getHypervisor({ id } as never).id).toBe(id);
    refused(cloud, () => admin.compute.getHypervisor({ id: 'a1' } as never), { status: 400, message: 'Invalid uuid a1' });
    refused(cloud, () => admin.compute.getHypervisor('not-a-host'), { status: 400, message: 'Invalid uuid not-a-host' });
    // the controller has no compute node
    refused(cloud, () => admin.compute.getHypervisor('controller'), { status: 400, message: 'Invalid uuid controller' });
    const missing = '3f6b6a52-2d53-4c5e-9b8e-2f1d2e3c4b5a';
    const e = refused(cloud, () => admin.compute.getHypervisor(missing), { status: 404, code: 'compute.hypervisor.not_found' });
    expect(e.message).toBe(`Hypervisor with ID '${missing}' could not be found.`);
    refused(cloud, () => admin.compute.getHypervisor(cloud.hardware.getHost('controller').id), { status: 404 });
  });
});

describe('policy and bad input', () => {
  it('every hypervisor call and the helpers are admin-only (403 for a member and a reader)', () => {
    const { cloud, admin, demo, reader } = computeWorld(3);
    const id = admin.compute.listHypervisors()[0]!.id;
    for (const s of [demo, reader]) {
      refused(cloud, () => s.compute.listHypervisors(), { status: 403, message: 'os_compute_api:os-hypervisors:list' });
      refused(cloud, () => s.compute.listHypervisorsDetail(), { status: 403, message: 'os_compute_api:os-hypervisors:list-detail' });
      refused(cloud, () => s.compute.getHypervisor(id), { status: 403, message: 'os_compute_api:os-hypervisors:show' });
      refused(cloud, () => s.compute.getHypervisorStatistics(), { status: 403, message: 'os_compute_api:os-hypervisors:statistics' });
      refused(cloud, () => s.compute.listCells(), { status: 403, code: 'compute.policy.forbidden' });
    }
  });

  it('refuses bad queries naming the field, changing nothing', () => {
    const cloud = fleet();
    const admin = cloud.admin;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const bad: [unknown, string][] = [
      [{ limit: -1 }, 'limit'],
      [{ limit: 'x' }, 'limit'],
      [{ limit: Number.NaN }, 'limit'],
      [{ limit: 1e300 }, 'limit'],
      [{ marker: 5 }, 'marker'],
      [{ hypervisor_hostname_pattern: 'a%' }, 'hypervisor_hostname_pattern'],
      [{ hypervisor_hostname_pattern: '' }, 'hypervisor_hostname_pattern'],
      [{ hypervisor_hostname_pattern: 'a'.repeat(256) }, 'hypervisor_hostname_pattern'],
      [{ with_servers: 'maybe' }, 'with_servers'],
      [{ with_servers: 1 }, 'with_servers'],
      [{ detail: true }, 'query.detail'],
      [JSON.parse('{"__proto__":{"x":1}}'), 'query.__proto__'],
      [circular, 'query.self'],
      [[], 'query'],
      [null, 'query'],
    ];
    for (const [query, field] of bad) {
      for (const call of [() => admin.compute.listHypervisors(query as never), () => admin.compute.listHypervisorsDetail(query as never)]) {
        const e = refused(cloud, call, { status: 400 });
        expect(e.details.field).toBe(field);
      }
    }
    const id = admin.compute.listHypervisors()[0]!.id;
    expect(refused(cloud, () => admin.compute.getHypervisor(id, { with_servers: 'sometimes' } as never), { status: 400 }).details.field).toBe('with_servers');
    expect(refused(cloud, () => admin.compute.getHypervisor(id, { limit: 1 } as never), { status: 400 }).details.field).toBe('query.limit');
    for (const ref of [5, null, undefined, {}, 'x'.repeat(300), { id: 5 }]) expect(caught(() => admin.compute.getHypervisor(ref as never)).status).toBe(400);
  });
});

describe('stacksim helpers: statistics (2.87) and cells', () => {
  it('statistics sum the enabled compute nodes from Placement and the servers on them', () => {
    const cloud = fleet();
    const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
    const empty = cloud.admin.compute.getHypervisorStatistics();
    expect(empty).toEqual({ count: 4, vcpus: 32, memory_mb: 4 * 16384, local_gb: 800, vcpus_used: 0, memory_mb_used: 4 * 512, local_gb_used: 0, free_ram_mb: 4 * (16384 - 512), free_disk_gb: 800, current_workload: 0, running_vms: 0, disk_available_least: 800 });
    for (let i = 0; i < 3; i++) bootOn(cloud, demo, `vm${i}`);
    const s = cloud.admin.compute.getHypervisorStatistics();
    expect(s).toMatchObject({ count: 4, vcpus_used: 3, memory_mb_used: 4 * 512 + 3 * 512, local_gb_used: 3, free_disk_gb: 797, running_vms: 3, current_workload: 0, disk_available_least: 797 });
    expect(s.free_ram_mb).toBe(s.memory_mb - s.memory_mb_used);
    // a node whose service is disabled is left out, as compute_node_statistics joins enabled services
    cloud.hardware.startMaintenance('c1');
    expect(cloud.admin.compute.getHypervisorStatistics().count).toBe(3);
  });

  it('listCells: cell0 (nova\'s zero uuid, no transport) and cell1 with every compute host', () => {
    const cloud = fleet();
    const cells = cloud.admin.compute.listCells();
    expect(cells.map((c) => c.name)).toEqual(['cell0', 'cell1']);
    expect(cells[0]).toEqual({ name: 'cell0', uuid: '00000000-0000-0000-0000-000000000000', transport_url: 'none:///', database_connection: 'mysql+pymysql://root:****@controller/nova_cell0?charset=utf8', disabled: false, hosts: [] });
    expect(cells[1]!.hosts).toEqual(COMPUTE);
    expect(cells[1]!.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(cells[1]!.transport_url).not.toContain('secret');
    // derived, not drawn: the same in every cloud
    expect(computeWorld(9).admin.compute.listCells()[1]!.uuid).toBe(cells[1]!.uuid);
  });

  it('after random boots and deletes, with_servers and running_vms agree with the servers\' hosts (seed 8821)', () => {
    const base = fleet(8821);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('boot' as const), fc.nat({ max: 20 })), { minLength: 1, maxLength: 12 }), (steps) => {
        const cloud = base.fork();
        const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
        const live: { id: string; host: string | null; status: string }[] = [];
        steps.forEach((step, i) => {
          if (step === 'boot') {
            if (live.length < 10) live.push(bootOn(cloud, demo, `vm${i}`));
          } else if (live.length > 0) {
            const [gone] = live.splice(step % live.length, 1);
            demo.compute.deleteServer(gone!.id);
          }
        });
        const hyps = cloud.admin.compute.listHypervisors({ with_servers: true });
        const onHosts = hyps.flatMap((h) => h.servers!.map((x) => ({ uuid: x.uuid, host: h.hypervisor_hostname })));
        expect(onHosts.map((x) => x.uuid).sort()).toEqual(live.filter((b) => b.host !== null).map((b) => b.id).sort());
        for (const x of onHosts) expect(live.find((b) => b.id === x.uuid)!.host).toBe(x.host);
        const stats = cloud.admin.compute.getHypervisorStatistics();
        expect(stats.running_vms).toBe(onHosts.length);
        expect(stats.vcpus_used).toBe(onHosts.length);
      }),
      { seed: 8821, numRuns: 25 },
    );
  });
});
