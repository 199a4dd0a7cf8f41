/**
 * A compute host that fails (`cloud.hardware.failHost`), as nova and its neighbours see it
 * (nova/servicegroup/drivers/db.py `is_up`, nova/compute/api.py `get_instance_host_status`,
 * nova/scheduler/filters/compute_filter.py; cinder's `service_is_up`; Swift's unreachable
 * devices): nova-compute reports down once `service_down_time` (60 s virtual) has passed, its
 * servers stay ACTIVE on it with `host_status` UNKNOWN (DOWN when forced down), the scheduler
 * avoids it, and the host's Cinder backend and Swift devices go down with it. Build failures only
 * count `failed_builds` for the BuildFailureWeigher (Zed never disables the service:
 * `consecutive_build_service_disable_threshold` only turns the counting on). And a property: random
 * failures, recoveries, evacuations and deletes keep Placement's usage the sum of the live
 * allocations and every ACTIVE server's ports bound to its host.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, tableValues, type CloudState } from '../../src/core/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { findHost } from '../../src/hardware/index.js';
import { hostStates } from '../../src/scheduler/host_states.js';
import { allocationsOf, usageOf } from '../../src/scheduler/index.js';
import type { ComputeServiceView } from '../../src/compute/nova_services.js';
import { isReachable } from '../../src/compute/vm_states.js';
import { computeWorld, rowOf, type ComputeWorld } from './support.js';

function computeOf(list: readonly ComputeServiceView[], host: string): ComputeServiceView {
  return list.find((s) => s.binary === 'nova-compute' && s.host === host) as ComputeServiceView;
}

/** Boots `n` servers for demo and runs the clock until they are ACTIVE. */
function bootMany(w: ComputeWorld, n: number, prefix = 'vm', extra: Record<string, unknown> = {}): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((w.demo.compute.createServer({ name: `${prefix}${i}`, flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto', ...extra }) as { id: string }).id);
  w.cloud.clock.advance(120);
  return ids;
}

describe('a failed compute host', () => {
  it("reports down after service_down_time; its servers stay ACTIVE there with host_status UNKNOWN (DOWN when forced down); recovery is UP at once", () => {
    const w = computeWorld(21, { progression: 'clock' });
    const { cloud, admin, demo } = w;
    const ids = bootMany(w, 4);
    const host = rowOf(cloud, ids[0]!).host as string;
    const there = ids.filter((id) => rowOf(cloud, id).host === host);
    const rows = there.map((id) => rowOf(cloud, id));
    cloud.hardware.failHost(host);
    expect(computeOf(admin.compute.listComputeServices(), host).state).toBe('up');
    cloud.clock.advance(cloud.state.compute.config.service_down_time + 10);
    expect(computeOf(admin.compute.listComputeServices(), host)).toMatchObject({ state: 'down', status: 'enabled', forced_down: false });
    expect(admin.compute.listHypervisorsDetail().find((h) => h.hypervisor_hostname === host)).toMatchObject({ state: 'down', status: 'enabled' });
    for (const [i, id] of there.entries()) {
      expect(demo.compute.getServer(id).status).toBe('ACTIVE');
      expect(admin.compute.getServer(id)).toMatchObject({ 'OS-EXT-SRV-ATTR:host': host, host_status: 'UNKNOWN', 'OS-EXT-STS:power_state': 1, 'OS-EXT-STS:task_state': null });
      // nothing of the server changed, nor its Placement allocation
      expect(rowOf(cloud, id)).toEqual(rows[i]);
      expect(Object.keys(allocationsOf(cloud.state, id))).toEqual([cloud.hardware.getHost(host).id]);
    }
    // a non-admin sees no host_status (os_compute_api:servers:show:host_status is admin's)
    expect('host_status' in demo.compute.getServer(there[0]!)).toBe(false);
    const svc = computeOf(admin.compute.listComputeServices(), host);
    admin.compute.updateComputeService(svc.id, { forced_down: true });
    expect(admin.compute.getServer(there[0]!).host_status).toBe('DOWN');
    admin.compute.updateComputeService(svc.id, { forced_down: false });
    cloud.hardware.recoverHost(host);
    expect(computeOf(admin.compute.listComputeServices(), host).state).toBe('up');
    for (const id of there) expect(admin.compute.getServer(id)).toMatchObject({ status: 'ACTIVE', host_status: 'UP' });
  });

  it('the scheduler avoids it at once (ComputeFilter): new servers land elsewhere, and nowhere when it is the only host left', () => {
    const w = computeWorld(22, { progression: 'clock' });
    const { cloud, admin } = w;
    cloud.hardware.failHost('compute1');
    const ids = bootMany(w, 6, 'a');
    for (const id of ids) expect(rowOf(cloud, id)).toMatchObject({ vm_state: 'active' });
    expect(ids.map((id) => rowOf(cloud, id).host)).not.toContain('compute1');
    for (const s of admin.compute.listComputeServices({ binary: 'nova-compute' })) if (s.host !== 'compute1') admin.compute.updateComputeService(s.id, { status: 'disabled' });
    const [lost] = bootMany(w, 1, 'b');
    expect(rowOf(cloud, lost!)).toMatchObject({ vm_state: 'error', host: null });
    expect(rowOf(cloud, lost!).fault?.message).toMatch(/^No valid host was found/);
  });

  it("takes the host's Cinder backend and Swift devices down with it (DevStack's controller: compute, storage, Swift)", () => {
    const w = computeWorld(23);
    const { cloud, admin } = w;
    const volumeService = () => admin.block.listServices({ binary: 'cinder-volume' }).find((s) => s.host.startsWith('controller@'));
    expect(volumeService()).toMatchObject({ state: 'up' });
    const nodes = () => cloud.object.getNodes('AUTH_demo', 'c', 'o').primaries;
    expect(nodes().some((n) => n.host === 'controller')).toBe(true);
    expect(nodes().every((n) => n.reachable)).toBe(true);
    cloud.hardware.failHost('controller');
    // Swift: the host's devices do not answer, at once
    for (const n of nodes()) expect(n.reachable).toBe(n.host !== 'controller');
    // Cinder: cinder-volume stops reporting and is down once its service_down_time has passed; nova-compute too
    expect(volumeService()).toMatchObject({ state: 'up' });
    cloud.clock.advance(Math.max(cloud.state.block.config.service_down_time, cloud.state.compute.config.service_down_time) + 11);
    expect(volumeService()).toMatchObject({ state: 'down' });
    expect(computeOf(admin.compute.listComputeServices(), 'controller').state).toBe('down');
    cloud.hardware.recoverHost('controller');
    expect(volumeService()).toMatchObject({ state: 'up' });
    expect(nodes().every((n) => n.reachable)).toBe(true);
  });
});

describe('consecutive_build_service_disable_threshold (Zed: counting only, never a disabled service)', () => {
  it('a build that fails on a host counts failed_builds there; the service stays enabled and the BuildFailureWeigher steers boots away', () => {
    const w = computeWorld(24, { progression: 'clock' });
    const { cloud, admin } = w;
    const failed = (host: string) => (hostStates(cloud.state, [cloud.hardware.getHost(host).id])[0] as { failed_builds: number }).failed_builds;
    // the conductor places the server, then its host fails before nova-compute builds it
    const created = w.demo.compute.createServer({ name: 'doomed', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' });
    cloud.clock.advance(0.5);
    const host = rowOf(cloud, (created as { id: string }).id).host as string;
    cloud.hardware.failHost(host);
    cloud.clock.advance(30);
    cloud.hardware.recoverHost(host);
    // rescheduled to an alternate, where it builds
    const row = rowOf(cloud, (created as { id: string }).id);
    expect(row.vm_state).toBe('active');
    expect(row.host).not.toBe(host);
    expect(failed(host)).toBe(1);
    expect(computeOf(admin.compute.listComputeServices(), host)).toMatchObject({ status: 'enabled', state: 'up', disabled_reason: null });
    expect(cloud.systemAdmin.placement.getProviderTraits(cloud.hardware.getHost(host).id).traits).not.toContain('COMPUTE_STATUS_DISABLED');
    // the weigher (-failed_builds × 1e6) outweighs everything else: boots go to the other hosts
    const ids = bootMany(w, 6);
    expect(ids.map((id) => rowOf(cloud, id).host)).not.toContain(host);
  });

  it('with the threshold 0 nothing is counted', () => {
    const w = computeWorld(25, { progression: 'clock', nova: { consecutive_build_service_disable_threshold: 0 } });
    const { cloud } = w;
    const created = w.demo.compute.createServer({ name: 'doomed', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' });
    cloud.clock.advance(0.5);
    const host = rowOf(cloud, (created as { id: string }).id).host as string;
    cloud.hardware.failHost(host);
    cloud.clock.advance(30);
    expect(rowOf(cloud, (created as { id: string }).id).host).not.toBe(host);
    expect((hostStates(cloud.state, [cloud.hardware.getHost(host).id])[0] as { failed_builds: number }).failed_builds).toBe(0);
  });
});

// ------------------------------------------------------------------ property

const HOSTS = ['controller', 'compute1', 'compute2'] as const;

/** Usage = the sum of live allocations, per provider and class; every ACTIVE server's ports bound to its host; the states reachable. */
function check(s: CloudState, ids: readonly string[]): void {
  const sums = new Map<string, number>();
  for (const held of tableValues(s.placement.allocations)) {
    for (const [rp, resources] of Object.entries(held)) for (const [rc, n] of Object.entries(resources)) sums.set(`${rp}/${rc}`, (sums.get(`${rp}/${rc}`) ?? 0) + n);
  }
  for (const rp of tableValues(s.placement.providers)) {
    for (const rc of ['VCPU', 'MEMORY_MB', 'DISK_GB']) expect(usageOf(s, rp.uuid, rc), `${rp.name} ${rc}`).toBe(sums.get(`${rp.uuid}/${rc}`) ?? 0);
  }
  for (const id of ids) {
    const row = getServerRow(s, id);
    expect(isReachable(row.vm_state, row.task_state, row.power_state), `${row.vm_state}/${row.task_state}/${row.power_state}`).toBe(true);
    if (row.deleted) {
      expect(allocationsOf(s, id)).toEqual({});
      continue;
    }
    if (row.vm_state === 'active' && row.task_state === null) {
      for (const vif of row.vifs) {
        const port = [...tableValues(s.network.ports)].find((p) => p.id === vif.port_id);
        expect(port?.binding_host_id, `port of ${row.name}`).toBe(row.host);
      }
    }
    // the server's host always holds its allocation (never a server without its resources); an
    // evacuation stuck on a destination that died mid-spawn is the exception (nova's too: the
    // source's restart completes the migration and takes the source's part)
    const stuck = row.task_state === 'rebuilding' || row.task_state === 'rebuild_block_device_mapping' || row.task_state === 'rebuild_spawning';
    if (row.host !== null && !stuck) expect(Object.keys(allocationsOf(s, id)), `allocation of ${row.name} on ${row.host}`).toContain(findHost(s, row.host)!.id);
  }
}

function getServerRow(s: CloudState, id: string) {
  const row = [...tableValues(s.compute.servers)].find((r) => r.uuid === id);
  if (row === undefined) throw new Error(`no server ${id}`);
  return row;
}

const step = fc.oneof(
  fc.record({ op: fc.constant('fail' as const), host: fc.constantFrom(...HOSTS) }),
  fc.record({ op: fc.constant('recover' as const), host: fc.constantFrom(...HOSTS) }),
  fc.record({ op: fc.constant('force_down' as const), host: fc.constantFrom(...HOSTS), down: fc.boolean() }),
  fc.record({ op: fc.constant('evacuate' as const), server: fc.nat(3), host: fc.constantFrom(null, ...HOSTS), force: fc.boolean() }),
  fc.record({ op: fc.constant('delete' as const), server: fc.nat(3) }),
  fc.record({ op: fc.constant('wait' as const) }),
);

function property(progression: 'immediate' | 'clock', seed: number, runs: number): void {
  const w = computeWorld(26, { progression });
  const { cloud, admin, demo } = w;
  const ids = [0, 1, 2, 3].map((i) => (demo.compute.createServer({ name: `vm${i}`, flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string }).id);
  cloud.clock.advance(120);
  const services = new Map(admin.compute.listComputeServices({ binary: 'nova-compute' }).map((s) => [s.host, s.id]));
  const base = cloud.state;
  check(base, ids);
  let evacuated = 0;
  fc.assert(
    fc.property(fc.array(step, { minLength: 3, maxLength: 16 }), fc.array(fc.constantFrom(0, 0.5, 1, 3, 70), { minLength: 16, maxLength: 16 }), (steps, waits) => {
      cloud.restore(base);
      for (const [i, st] of steps.entries()) {
        const before = cloud.state;
        try {
          switch (st.op) {
            case 'fail': cloud.hardware.failHost(st.host); break;
            case 'recover': cloud.hardware.recoverHost(st.host); break;
            case 'force_down': admin.compute.updateComputeService(services.get(st.host)!, { forced_down: st.down }); break;
            case 'evacuate': {
              admin.compute.evacuateServer(ids[st.server]!, st.host === null ? {} : { host: st.host, force: st.force });
              evacuated++;
              break;
            }
            case 'delete': demo.compute.deleteServer(ids[st.server]!); break;
            case 'wait': cloud.clock.advance(cloud.state.compute.config.service_down_time + 11); break;
          }
        } catch (e) {
          if (!(e instanceof CloudError)) throw e;
          expect(e.status >= 400 && e.status < 500, `${st.op}: ${e.status} ${e.message}`).toBe(true);
          expect(cloud.state).toBe(before);
        }
        check(cloud.state, ids);
        if (progression === 'clock' && waits[i]! > 0) {
          cloud.clock.advance(waits[i]!);
          check(cloud.state, ids);
        }
      }
    }),
    { seed, numRuns: runs },
  );
  // the sequences reach accepted evacuations, not only refusals
  expect(evacuated).toBeGreaterThan(10);
}

describe('random failures, recoveries, evacuations and deletes', () => {
  it("keep usage = Σ allocations and every ACTIVE server's ports on its host, progression 'immediate' (seed 1515)", () => {
    property('immediate', 1515, 80);
  });

  it("keep usage = Σ allocations and every ACTIVE server's ports on its host, progression 'clock' (seed 1516)", () => {
    property('clock', 1516, 80);
  });
});
