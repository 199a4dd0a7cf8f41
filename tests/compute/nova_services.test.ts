/**
 * nova's services (`os-services` at 2.53+, `nova/api/openstack/compute/services.py`, the DB
 * servicegroup driver): nova-compute on each compute host, nova-scheduler and nova-conductor on
 * the controller; list with filters; enable / disable with a reason (COMPUTE_STATUS_DISABLED in
 * Placement, and the scheduler skips the host); forced down; delete (refused while the host has
 * instances); heartbeats on the virtual clock (`service_down_time`); a server's `host_status`
 * from its host's service; the build failures the scheduler's BuildFailureWeigher reads.
 */
import { describe, expect, it } from 'vitest';
import { type Cloud } from '../../src/index.js';
import { hostStates } from '../../src/scheduler/host_states.js';
import { recordBuildFailure, recordBuildSuccess } from '../../src/compute/boot.js';
import type { ComputeServiceView } from '../../src/compute/nova_services.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { boot, computeWorld, refused } from './support.js';

function computeOf(list: readonly ComputeServiceView[], host: string): ComputeServiceView {
  const s = list.find((x) => x.binary === 'nova-compute' && x.host === host);
  if (s === undefined) throw new Error(`no nova-compute on ${host}`);
  return s;
}

function traitsOf(cloud: Cloud, host: string): readonly string[] {
  return cloud.systemAdmin.placement.getProviderTraits(cloud.hardware.getHost(host).id).traits;
}

/** The host a server landed on (admin view). */
function hostOf(w: ReturnType<typeof computeWorld>, id: string): string {
  return w.admin.compute.getServer(id)['OS-EXT-SRV-ATTR:host'] as string;
}

describe('GET /os-services', () => {
  it('lists nova-compute per compute host and the controller\'s nova-scheduler and nova-conductor, by id, with zones and states', () => {
    const { admin } = computeWorld(1);
    const list = admin.compute.listComputeServices();
    expect(list.map((s) => [s.binary, s.host])).toEqual([
      ['nova-compute', 'controller'],
      ['nova-scheduler', 'controller'],
      ['nova-conductor', 'controller'],
      ['nova-compute', 'compute1'],
      ['nova-compute', 'compute2'],
    ]);
    for (const s of list) {
      expect(Object.keys(s)).toEqual(['binary', 'host', 'id', 'zone', 'status', 'state', 'updated_at', 'disabled_reason', 'forced_down']);
      expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(s).toMatchObject({ status: 'enabled', state: 'up', disabled_reason: null, forced_down: false, zone: s.binary === 'nova-compute' ? 'nova' : 'internal' });
      expect(s.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/);
    }
    expect(new Set(list.map((s) => s.id)).size).toBe(list.length);
  });

  it('filters by host and binary (exact; empty filters nothing); other parameters are a 400', () => {
    const { cloud, admin } = computeWorld(1);
    expect(admin.compute.listComputeServices({ host: 'controller' }).map((s) => s.binary)).toEqual(['nova-compute', 'nova-scheduler', 'nova-conductor']);
    expect(admin.compute.listComputeServices({ binary: 'nova-compute' }).map((s) => s.host)).toEqual(['controller', 'compute1', 'compute2']);
    expect(admin.compute.listComputeServices({ binary: 'nova-compute', host: 'compute2' })).toHaveLength(1);
    expect(admin.compute.listComputeServices({ host: 'compute' })).toEqual([]);
    expect(admin.compute.listComputeServices({ host: '' })).toHaveLength(5);
    refused(cloud, () => admin.compute.listComputeServices({ zone: 'nova' } as never), { status: 400, field: 'zone' });
    refused(cloud, () => admin.compute.listComputeServices({ host: 7 } as never), { status: 400, field: 'host' });
    refused(cloud, () => admin.compute.listComputeServices(null as never), { status: 400 });
  });

  it('is admin only (demo and its reader: 403)', () => {
    const { cloud, demo, reader } = computeWorld(1);
    refused(cloud, () => demo.compute.listComputeServices(), { status: 403, code: 'compute.policy.forbidden' });
    refused(cloud, () => reader.compute.listComputeServices(), { status: 403 });
  });
});

describe('PUT /os-services/{service_id}', () => {
  it('disables nova-compute with a reason: COMPUTE_STATUS_DISABLED on its provider, the scheduler skips it; enabling undoes both', () => {
    const w = computeWorld(2);
    const { cloud, admin, demo } = w;
    const c1 = computeOf(admin.compute.listComputeServices(), 'compute1');
    const c2 = computeOf(admin.compute.listComputeServices(), 'compute2');
    cloud.clock.advance(25);
    const off = admin.compute.updateComputeService(c1.id, { status: 'disabled', disabled_reason: 'bad disk' });
    expect(off).toMatchObject({ id: c1.id, binary: 'nova-compute', host: 'compute1', status: 'disabled', disabled_reason: 'bad disk', state: 'up', forced_down: false });
    expect(off.updated_at).toBe(cloud.clock.iso().replace('Z', '.000000'));
    expect(traitsOf(cloud, 'compute1')).toContain('COMPUTE_STATUS_DISABLED');
    admin.compute.updateComputeService(c2.id, { status: 'disabled' });
    expect(computeOf(admin.compute.listComputeServices(), 'compute2').disabled_reason).toBeNull();
    for (let i = 0; i < 3; i++) expect(hostOf(w, boot(demo, `vm${i}`).id)).toBe('controller');
    const on = admin.compute.updateComputeService(c1.id, { status: 'enabled' });
    expect(on).toMatchObject({ status: 'enabled', disabled_reason: null });
    expect(traitsOf(cloud, 'compute1')).not.toContain('COMPUTE_STATUS_DISABLED');
    expect(traitsOf(cloud, 'compute2')).toContain('COMPUTE_STATUS_DISABLED');
  });

  it('every compute service disabled: the boot ends in ERROR with No valid host', () => {
    const w = computeWorld(3);
    for (const s of w.admin.compute.listComputeServices({ binary: 'nova-compute' })) w.admin.compute.updateComputeService(s.id, { status: 'disabled', disabled_reason: 'drain' });
    const vm = boot(w.demo, 'nowhere');
    expect(vm.status).toBe('ERROR');
    expect(vm.fault?.message).toMatch(/No valid host/);
  });

  it('forced_down: the service is down whatever its heartbeat, the scheduler skips it (ComputeFilter), its servers show host_status DOWN', () => {
    const w = computeWorld(4);
    const { cloud, admin, demo } = w;
    const vm = boot(demo, 'vm');
    const host = hostOf(w, vm.id);
    const svc = computeOf(admin.compute.listComputeServices(), host);
    expect(admin.compute.getServer(vm.id).host_status).toBe('UP');
    const down = admin.compute.updateComputeService(svc.id, { forced_down: true });
    expect(down).toMatchObject({ state: 'down', forced_down: true, status: 'enabled' });
    expect(admin.compute.getServer(vm.id).host_status).toBe('DOWN');
    expect(traitsOf(cloud, host)).not.toContain('COMPUTE_STATUS_DISABLED');
    for (let i = 0; i < 3; i++) expect(hostOf(w, boot(demo, `other${i}`).id)).not.toBe(host);
    // disabled while forced down: MAINTENANCE loses to DOWN; the trait waits for the service to be up
    admin.compute.updateComputeService(svc.id, { status: 'disabled', forced_down: 'True' } as never);
    expect(admin.compute.getServer(vm.id).host_status).toBe('DOWN');
    expect(traitsOf(cloud, host)).not.toContain('COMPUTE_STATUS_DISABLED');
    expect(admin.compute.updateComputeService(svc.id, { forced_down: 'false' } as never)).toMatchObject({ state: 'up', forced_down: false, status: 'disabled' });
    expect(admin.compute.getServer(vm.id).host_status).toBe('MAINTENANCE');
  });

  it('refuses in nova\'s order, with nova\'s words, and changes nothing', () => {
    const { cloud, admin, demo, reader } = computeWorld(5);
    const list = admin.compute.listComputeServices();
    const c1 = computeOf(list, 'compute1');
    const sched = list.find((s) => s.binary === 'nova-scheduler') as ComputeServiceView;
    // the body first (schema), then the id, then the policy, then the service
    refused(cloud, () => demo.compute.updateComputeService('nope', { status: 'off' as never }), { status: 400, field: 'status', message: /is not one of \['enabled', 'disabled'\]/ });
    refused(cloud, () => demo.compute.updateComputeService('nope', { status: 'enabled' }), { status: 400, field: 'service_id', message: 'Invalid uuid nope' });
    refused(cloud, () => demo.compute.updateComputeService(c1.id, { status: 'enabled' }), { status: 403 });
    refused(cloud, () => reader.compute.updateComputeService(c1.id, { status: 'enabled' }), { status: 403 });
    refused(cloud, () => admin.compute.updateComputeService('00000000-0000-0000-0000-000000000000', { status: 'enabled' }), { status: 404, message: 'Service 00000000-0000-0000-0000-000000000000 could not be found.' });
    refused(cloud, () => admin.compute.updateComputeService(sched.id, { status: 'disabled' }), { status: 400, message: 'Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.' });
    refused(cloud, () => admin.compute.updateComputeService(c1.id, { status: 'enabled', disabled_reason: 'x' }), { status: 400, message: "Specifying 'disabled_reason' with status 'enabled' is invalid." });
    refused(cloud, () => admin.compute.updateComputeService(c1.id, {}), { status: 400, message: "No updates were requested. Fields 'status' or 'forced_down' should be specified." });
    refused(cloud, () => admin.compute.updateComputeService(c1.id, { disabled_reason: 'only a reason' }), { status: 400 });
    // bad input of every shape
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const [body, field] of [
      [null, 'service'],
      [[], 'service'],
      ['enabled', 'service'],
      [{ status: 'disabled', disabled_reason: '' }, 'disabled_reason'],
      [{ status: 'disabled', disabled_reason: 'x'.repeat(256) }, 'disabled_reason'],
      [{ status: 'disabled', disabled_reason: 5 }, 'disabled_reason'],
      [{ forced_down: 'maybe' }, 'forced_down'],
      [{ forced_down: Number.NaN }, 'forced_down'],
      [{ forced_down: 1 }, 'forced_down'],
      [{ status: null }, 'status'],
      [{ status: 'enabled', host: 'compute1' }, 'host'],
      [circular, 'self'],
      [JSON.parse('{"__proto__": {"status": "disabled"}}'), '__proto__'],
    ] as const) {
      refused(cloud, () => admin.compute.updateComputeService(c1.id, body as never), { status: 400, field });
    }
    refused(cloud, () => admin.compute.updateComputeService(5 as never, { status: 'enabled' }), { status: 400, field: 'service_id' });
    refused(cloud, () => admin.compute.updateComputeService('x'.repeat(100_000), { status: 'enabled' }), { status: 400, field: 'service_id' });
    expect(admin.compute.listComputeServices()).toEqual(list);
  });
});

describe('DELETE /os-services/{service_id}', () => {
  it('refuses a compute service hosting instances (409); an empty one goes with its provider and aggregates, until the host reports again', () => {
    const w = computeWorld(6);
    const { cloud, admin, demo } = w;
    const vm = boot(demo, 'vm');
    const busy = hostOf(w, vm.id);
    const list = admin.compute.listComputeServices();
    refused(cloud, () => admin.compute.deleteComputeService(computeOf(list, busy).id), { status: 409, message: 'Unable to delete compute service that is hosting instances. Migrate or delete the instances first.' });
    const idle = ['controller', 'compute1', 'compute2'].find((h) => h !== busy) as string;
    const agg = admin.compute.createAggregate({ name: 'rack-a' });
    admin.compute.addAggregateHost(String(agg.id), { host: idle });
    const id = cloud.hardware.getHost(idle).id;
    admin.compute.deleteComputeService(computeOf(list, idle).id);
    expect(admin.compute.listComputeServices({ host: idle, binary: 'nova-compute' })).toEqual([]);
    expect(admin.compute.getAggregate(String(agg.id)).hosts).toEqual([]);
    expect(cloud.systemAdmin.placement.listResourceProviders().map((p) => p.uuid)).not.toContain(id);
    // the host is no compute host for the API any more
    refused(cloud, () => admin.compute.addAggregateHost(String(agg.id), { host: idle }), { status: 404, message: `Compute host ${idle} could not be found.` });
    for (let i = 0; i < 3; i++) expect(hostOf(w, boot(demo, `vm${i}`).id)).not.toBe(idle);
    // nova-compute starts again when the hardware next reports the host
    cloud.hardware.updateHost(idle, { memory_mb: 131072 * 2 });
    const again = computeOf(admin.compute.listComputeServices(), idle);
    expect(again.id).not.toBe(computeOf(list, idle).id);
    expect(cloud.systemAdmin.placement.listResourceProviders().map((p) => p.uuid)).toContain(id);
  });

  it('deletes a nova-scheduler service; policy before the id; 400 for a bad id, 404 with its words', () => {
    const { cloud, admin, demo } = computeWorld(7);
    const sched = admin.compute.listComputeServices({ binary: 'nova-scheduler' })[0] as ComputeServiceView;
    refused(cloud, () => demo.compute.deleteComputeService('nope'), { status: 403 });
    refused(cloud, () => admin.compute.deleteComputeService('nope'), { status: 400, message: 'Invalid uuid nope' });
    refused(cloud, () => admin.compute.deleteComputeService({} as never), { status: 400 });
    refused(cloud, () => admin.compute.deleteComputeService('11111111-1111-1111-1111-111111111111'), { status: 404, message: 'Service 11111111-1111-1111-1111-111111111111 not found.' });
    admin.compute.deleteComputeService(sched.id);
    expect(admin.compute.listComputeServices({ binary: 'nova-scheduler' })).toEqual([]);
    refused(cloud, () => admin.compute.deleteComputeService(sched.id), { status: 404 });
  });
});

describe('heartbeats on the virtual clock and host_status', () => {
  it('a failed host stops reporting: up until service_down_time after its last heartbeat, then down and its servers UNKNOWN; recovery is UP at once', () => {
    const w = computeWorld(8, { progression: 'clock' });
    const { cloud, admin, demo } = w;
    const created = demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' });
    cloud.clock.advance(300);
    const id = (created as { id: string }).id;
    expect(admin.compute.getServer(id).status).toBe('ACTIVE');
    const host = hostOf(w, id);
    cloud.hardware.failHost(host);
    const failedAt = cloud.clock.now();
    const last = failedAt - (failedAt % 10); // the last report_interval tick
    expect(computeOf(admin.compute.listComputeServices(), host)).toMatchObject({ state: 'up', updated_at: cloud.clock.iso(last).replace('Z', '.000000') });
    cloud.clock.advance(last + 60 - failedAt);
    expect(computeOf(admin.compute.listComputeServices(), host).state).toBe('up');
    expect(admin.compute.getServer(id).host_status).toBe('UP');
    cloud.clock.advance(1);
    expect(computeOf(admin.compute.listComputeServices(), host).state).toBe('down');
    expect(admin.compute.getServer(id).host_status).toBe('UNKNOWN');
    // the other hosts keep reporting
    for (const s of admin.compute.listComputeServices()) if (s.host !== host) expect(s.state).toBe('up');
    cloud.hardware.recoverHost(host);
    expect(computeOf(admin.compute.listComputeServices(), host).state).toBe('up');
    expect(admin.compute.getServer(id).host_status).toBe('UP');
  });

  it('maintenance disables nova-compute with its reason (MAINTENANCE) and its end enables it', () => {
    const w = computeWorld(9);
    const { cloud, admin, demo } = w;
    const vm = boot(demo, 'vm');
    const host = hostOf(w, vm.id);
    cloud.hardware.startMaintenance(host, 'firmware');
    expect(computeOf(admin.compute.listComputeServices(), host)).toMatchObject({ status: 'disabled', disabled_reason: 'firmware', state: 'up' });
    expect(admin.compute.getServer(vm.id).host_status).toBe('MAINTENANCE');
    expect(traitsOf(cloud, host)).toContain('COMPUTE_STATUS_DISABLED');
    cloud.hardware.recoverHost(host);
    expect(computeOf(admin.compute.listComputeServices(), host)).toMatchObject({ status: 'enabled', disabled_reason: null });
    expect(admin.compute.getServer(vm.id).host_status).toBe('UP');
  });

  it('a host gaining and losing the compute role starts and stops its nova-compute; removing a host drops its services', () => {
    const { cloud, admin } = computeWorld(10);
    cloud.hardware.addHost({ name: 'ctl2', cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 100 }], roles: ['controller'] });
    expect(admin.compute.listComputeServices({ host: 'ctl2' }).map((s) => s.binary)).toEqual(['nova-scheduler', 'nova-conductor']);
    cloud.hardware.updateHost('ctl2', { roles: ['controller', 'compute'] });
    expect(admin.compute.listComputeServices({ host: 'ctl2' }).map((s) => s.binary).sort()).toEqual(['nova-compute', 'nova-conductor', 'nova-scheduler']);
    cloud.hardware.updateHost('ctl2', { roles: ['compute'] });
    expect(admin.compute.listComputeServices({ host: 'ctl2' }).map((s) => s.binary)).toEqual(['nova-compute']);
    cloud.hardware.removeHost('ctl2');
    expect(admin.compute.listComputeServices({ host: 'ctl2' })).toEqual([]);
  });
});

describe('build failures (consecutive_build_service_disable_threshold)', () => {
  it('count consecutive failures on the compute node for the BuildFailureWeigher; a success resets them; the service stays enabled (Zed)', () => {
    const w = computeWorld(11);
    const { cloud, admin, demo } = w;
    const id = cloud.hardware.getHost('compute1').id;
    const failed = () => (hostStates(cloud.state, [id])[0] as { failed_builds: number }).failed_builds;
    for (let i = 0; i < 12; i++) cloud.kernel.transact('test.build_failed', (tx) => recordBuildFailure(tx, 'compute1'));
    expect(failed()).toBe(12);
    expect(computeOf(admin.compute.listComputeServices(), 'compute1').status).toBe('enabled');
    // BuildFailureWeigher (multiplier 1e6) sends boots elsewhere
    for (let i = 0; i < 4; i++) expect(hostOf(w, boot(demo, `vm${i}`).id)).not.toBe('compute1');
    cloud.kernel.transact('test.build_succeeded', (tx) => recordBuildSuccess(tx, 'compute1'));
    expect(failed()).toBe(0);
  });

  it('a threshold of 0 counts nothing', () => {
    const { cloud } = computeWorld(12, { nova: { consecutive_build_service_disable_threshold: 0 } });
    const id = cloud.hardware.getHost('compute1').id;
    const before = cloud.state;
    cloud.kernel.transact('test.build_failed', (tx) => recordBuildFailure(tx, 'compute1'));
    expect((hostStates(cloud.state, [id])[0] as { failed_builds: number }).failed_builds).toBe(0);
    expect(cloud.state.compute_config).toBe(before.compute_config);
  });
});
