/**
 * Evacuate (`POST /servers/{id}/action {"evacuate": …}`; nova/api/openstack/compute/evacuate.py,
 * nova/compute/api.py `API.evacuate`, nova/conductor/manager.py `rebuild_instance`,
 * nova/compute/manager.py `rebuild_instance` / `_do_rebuild_instance` /
 * `_destroy_evacuated_instances`, nova/compute/resource_tracker.py `rebuild_claim` /
 * `finish_evacuation`): scheduled, to a requested host, forced; ACTIVE, SHUTOFF and ERROR servers;
 * a volume-backed server; the refusals in nova's order; Placement (the instance's consumer on both
 * hosts until the source's nova-compute starts again, then the destination only); a server never
 * on two hosts; the notifications, the instance action and the trace of one evacuation.
 */
import { describe, expect, it } from 'vitest';
import { tableValues, type CloudState } from '../../src/core/index.js';
import type { Cloud, Session } from '../../src/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { allMigrations } from '../../src/compute/migrations.js';
import type { MigrationRow } from '../../src/compute/types.js';
import { allocationsOf, usageOf } from '../../src/scheduler/index.js';
import { boot, computeWorld, eventsDuring, force, refused, rowOf, type ComputeWorld } from './support.js';

type World = ComputeWorld;

/** Boots a server for `session` on `host` (the other nova-computes disabled meanwhile). */
function bootOn(w: World, host: string, name = 'vm', session: Session = w.demo, extra: Record<string, unknown> = {}): string {
  const others = w.admin.compute.listComputeServices({ binary: 'nova-compute' }).filter((s) => s.host !== host);
  for (const s of others) w.admin.compute.updateComputeService(s.id, { status: 'disabled' });
  const id = boot(session, name, extra).id;
  for (const s of others) w.admin.compute.updateComputeService(s.id, { status: 'enabled' });
  expect(rowOf(w.cloud, id).host).toBe(host);
  return id;
}

function serviceId(w: World, host: string): string {
  return w.admin.compute.listComputeServices({ binary: 'nova-compute', host })[0]!.id;
}

/** The host fails and its nova-compute is reported down (service_down_time passed). */
function failHost(w: World, host: string): void {
  w.cloud.hardware.failHost(host);
  w.cloud.clock.advance(w.cloud.state.compute.config.service_down_time + 11);
}

function providerOf(cloud: Cloud, host: string): string {
  return cloud.hardware.getHost(host).id;
}

function migrationsOf(cloud: Cloud, id: string): MigrationRow[] {
  return allMigrations(cloud.state).filter((m) => m.instance_uuid === id);
}

/** The hosts the server's allocation spans, sorted. */
function allocatedHosts(cloud: Cloud, id: string): string[] {
  const names = new Map(cloud.hardware.listHosts().map((h) => [h.id, h.name]));
  return Object.keys(allocationsOf(cloud.state, id)).map((rp) => names.get(rp) ?? rp).sort();
}

/** Where a server is: the host index, its ports' bindings, its volumes' attachments. */
function whereIs(cloud: Cloud, id: string): { hosts: string[]; ports: string[]; attachments: string[] } {
  const s: CloudState = cloud.state;
  const hosts = [...tableValues(s.compute.host_servers)].filter((u) => u === id).map(() => rowOf(cloud, id).host as string);
  const ports = [...tableValues(s.network.ports)].filter((p) => p.device_id === id).map((p) => p.binding_host_id);
  const attachments = [...tableValues(s.block.attachments)].filter((a) => a.instance_uuid === id).map((a) => a.attached_host ?? '(none)');
  return { hosts, ports, attachments };
}

const FLAVOR_TINY = { VCPU: 1, MEMORY_MB: 512, DISK_GB: 1 };

describe('evacuate: scheduled (no host)', () => {
  it('rebuilds an ACTIVE server of a failed host elsewhere; the consumer holds both hosts until the source comes back, then the destination only', () => {
    const w = computeWorld(1);
    const { cloud, admin, demo } = w;
    const id = bootOn(w, 'compute1');
    const before = rowOf(cloud, id);
    const sourceRp = providerOf(cloud, 'compute1');
    const sourceUsage = usageOf(cloud.state, sourceRp, 'MEMORY_MB');
    failHost(w, 'compute1');
    expect(admin.compute.getServer(id)).toMatchObject({ status: 'ACTIVE', host_status: 'UNKNOWN', 'OS-EXT-SRV-ATTR:host': 'compute1' });
    let answer: { adminPass: string | null } | undefined;
    const events = eventsDuring(cloud, () => {
      answer = admin.compute.evacuateServer(id);
    });
    expect(answer?.adminPass).toMatch(/^[a-zA-Z0-9]{12}$/);
    expect(events).toEqual(['compute.instance.evacuate', 'compute.instance.rebuild.scheduled', 'compute.instance.exists', 'compute.instance.rebuild.start', 'compute.instance.rebuild.end']);
    const after = rowOf(cloud, id);
    expect(after.host).not.toBe('compute1');
    const dest = after.host as string;
    expect(after).toMatchObject({ vm_state: 'active', task_state: null, power_state: 1, node: dest, availability_zone: 'nova', image_ref: before.image_ref });
    expect(after.launched_at).not.toBeNull();
    expect(demo.compute.getServer(id).status).toBe('ACTIVE');
    expect(admin.compute.getServer(id).host_status).toBe('UP');
    // the migration: the API's tombstone, claimed by the destination, done
    const [m] = migrationsOf(cloud, id);
    expect(m).toMatchObject({ migration_type: 'evacuation', status: 'done', source_compute: 'compute1', source_node: 'compute1', dest_compute: dest, dest_node: dest, old_instance_type_id: null, new_instance_type_id: null });
    expect(m!.dest_host).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(admin.compute.listMigrations({}).map((x) => [x.migration_type, x.status])).toContainEqual(['evacuation', 'done']);
    // Placement: source + destination for the instance's one consumer (no migration consumer)
    expect(allocatedHosts(cloud, id)).toEqual(['compute1', dest].sort());
    expect(allocationsOf(cloud.state, id)[sourceRp]).toEqual(FLAVOR_TINY);
    expect(allocationsOf(cloud.state, m!.uuid)).toEqual({});
    expect(usageOf(cloud.state, sourceRp, 'MEMORY_MB')).toBe(sourceUsage);
    // never on two hosts: the host index, the ports and nothing else point at the destination
    expect(whereIs(cloud, id)).toEqual({ hosts: [dest], ports: after.vifs.map(() => dest), attachments: [] });
    for (const vif of after.vifs) expect(admin.network.getPort(vif.port_id)).toMatchObject({ 'binding:host_id': dest, device_owner: 'compute:nova', status: 'ACTIVE' });
    // the instance action: the conductor's and the destination's events
    const action = admin.compute.listInstanceActions(id).find((a) => a.action === 'evacuate')!;
    const detail = admin.compute.getInstanceAction(id, action.request_id);
    expect((detail.events ?? []).map((e) => [e.event, e.result, e.host])).toEqual([
      ['rebuild_server', 'Success', 'controller'],
      ['compute_rebuild_instance', 'Success', dest],
    ]);
    // the source comes back: its nova-compute's init_host cleans up
    cloud.hardware.recoverHost('compute1');
    const recovery = cloud.trace()!.steps.map((s) => s.action);
    expect(allocatedHosts(cloud, id)).toEqual([dest]);
    expect(usageOf(cloud.state, sourceRp, 'MEMORY_MB')).toBe(sourceUsage - 512);
    expect(migrationsOf(cloud, id)[0]!.status).toBe('completed');
    expect(rowOf(cloud, id).host).toBe(dest);
    expect(recovery).toContainEqual(expect.stringMatching(new RegExp(`^Destroying instance ${id} as it has been evacuated from compute1`)));
  });

  it('a host not forced is the scheduler\'s requested_destination: taken when it passes, ERROR with the fault when it does not', () => {
    const w = computeWorld(2);
    const { cloud, admin } = w;
    const a = bootOn(w, 'compute1', 'a');
    const b = bootOn(w, 'compute1', 'b');
    failHost(w, 'compute1');
    admin.compute.evacuateServer(a, { host: 'compute2' });
    expect(rowOf(cloud, a)).toMatchObject({ host: 'compute2', vm_state: 'active', task_state: null });
    expect(migrationsOf(cloud, a)[0]).toMatchObject({ dest_compute: 'compute2', status: 'done' });
    // a disabled host fails the scheduler's filters: NoValidHost, the server ERROR, the migration error
    admin.compute.updateComputeService(serviceId(w, 'controller'), { status: 'disabled', disabled_reason: 'x' });
    const events = eventsDuring(cloud, () => admin.compute.evacuateServer(b, { host: 'controller', force: false }), 'compute');
    expect(events).toEqual(['compute.instance.evacuate', 'compute_task.rebuild_server']);
    const row = rowOf(cloud, b);
    expect(row).toMatchObject({ host: 'compute1', vm_state: 'error', task_state: null });
    expect(row.fault?.message).toMatch(/^No valid host was found\./);
    expect(row.fault?.code).toBe(500);
    expect(admin.compute.getServer(b).status).toBe('ERROR');
    expect(migrationsOf(cloud, b)[0]).toMatchObject({ status: 'error', dest_compute: 'controller' });
    expect(allocatedHosts(cloud, b)).toEqual(['compute1']);
    const action = admin.compute.listInstanceActions(b).find((x) => x.action === 'evacuate')!;
    expect((admin.compute.getInstanceAction(b, action.request_id).events ?? []).map((e) => [e.event, e.result])).toEqual([['rebuild_server', 'Error']]);
    // the ERROR server may be evacuated again, and ends ACTIVE
    admin.compute.updateComputeService(serviceId(w, 'controller'), { status: 'enabled' });
    admin.compute.evacuateServer(b);
    expect(rowOf(cloud, b)).toMatchObject({ vm_state: 'active', task_state: null, power_state: 1 });
    expect(rowOf(cloud, b).host).not.toBe('compute1');
  });

  it('a server group\'s anti-affinity is kept: the destination is not a member\'s host', () => {
    const w = computeWorld(3);
    const { cloud, admin, demo } = w;
    const group = demo.compute.createServerGroup({ name: 'g', policy: 'anti-affinity' });
    const a = bootOn(w, 'compute1', 'a', demo, { 'os:scheduler_hints': { group: group.id } });
    const b = bootOn(w, 'compute2', 'b', demo, { 'os:scheduler_hints': { group: group.id } });
    failHost(w, 'compute1');
    admin.compute.evacuateServer(a);
    expect(rowOf(cloud, a).host).toBe('controller');
    expect(rowOf(cloud, b).host).toBe('compute2');
  });
});

describe('evacuate: forced host', () => {
  it('bypasses the scheduler (a disabled host is taken) and copies the allocation onto the host', () => {
    const w = computeWorld(4);
    const { cloud, admin } = w;
    const id = bootOn(w, 'compute1');
    failHost(w, 'compute1');
    admin.compute.updateComputeService(serviceId(w, 'compute2'), { status: 'disabled' });
    const events = eventsDuring(cloud, () => admin.compute.evacuateServer(id, { host: 'compute2', force: true }));
    expect(events).toEqual(['compute.instance.evacuate', 'compute.instance.rebuild.scheduled', 'compute.instance.exists', 'compute.instance.rebuild.start', 'compute.instance.rebuild.end']);
    expect(rowOf(cloud, id)).toMatchObject({ host: 'compute2', vm_state: 'active' });
    expect(allocatedHosts(cloud, id)).toEqual(['compute1', 'compute2']);
    expect(allocationsOf(cloud.state, id)[providerOf(cloud, 'compute2')]).toEqual(FLAVOR_TINY);
    expect(cloud.trace()?.steps.some((s) => s.service === 'nova-scheduler')).toBe(false);
  });

  it('a host without room: NoValidHost, the server keeps its vm_state with the fault, the migration error, the allocation untouched', () => {
    const w = computeWorld(5);
    const { cloud, admin } = w;
    // 960 GB disks: one 500 GB server fits a host, two do not
    admin.compute.createFlavor({ name: 'huge', ram: 512, vcpus: 1, disk: 500, 'os-flavor-access:is_public': true });
    const id = bootOn(w, 'compute1', 'big', w.demo, { flavorRef: 'huge' });
    bootOn(w, 'compute2', 'filler', w.demo, { flavorRef: 'huge' });
    failHost(w, 'compute1');
    const events = eventsDuring(cloud, () => admin.compute.evacuateServer(id, { host: 'compute2', force: true }), 'compute');
    expect(events).toEqual(['compute.instance.evacuate', 'compute_task.rebuild_server']);
    const row = rowOf(cloud, id);
    expect(row).toMatchObject({ host: 'compute1', vm_state: 'active', task_state: null, power_state: 1 });
    expect(row.fault?.message).toBe(`No valid host was found. Unable to move instance ${id} to host compute2. There is not enough capacity on the host for the instance.`);
    expect(migrationsOf(cloud, id)[0]!.status).toBe('error');
    expect(allocatedHosts(cloud, id)).toEqual(['compute1']);
  });

  it('before 2.14 (onSharedStorage given) a host is forced; onSharedStorage true fails on the destination (local disks)', () => {
    const w = computeWorld(6);
    const { cloud, admin } = w;
    const a = bootOn(w, 'compute1', 'a');
    const b = bootOn(w, 'compute1', 'b');
    failHost(w, 'compute1');
    admin.compute.updateComputeService(serviceId(w, 'compute2'), { status: 'disabled' });
    expect(admin.compute.evacuateServer(a, { host: 'compute2', onSharedStorage: false }).adminPass).toMatch(/^\w{12}$/);
    expect(rowOf(cloud, a).host).toBe('compute2');
    refused(cloud, () => admin.compute.evacuateServer(b, { onSharedStorage: true, adminPass: 'x' }), { status: 400, message: "admin password can't be changed on existing disk" });
    let answer: { adminPass: string | null } | undefined;
    const events = eventsDuring(cloud, () => {
      answer = admin.compute.evacuateServer(b, { host: 'compute2', onSharedStorage: true });
    });
    expect(answer).toEqual({ adminPass: null });
    expect(events).toEqual(['compute.instance.evacuate', 'compute.instance.rebuild.scheduled', 'compute.instance.rebuild.error']);
    expect(rowOf(cloud, b)).toMatchObject({ host: 'compute1', vm_state: 'error', task_state: null });
    expect(rowOf(cloud, b).fault?.message).toBe('Invalid state of instance files on shared storage');
    expect(migrationsOf(cloud, b)[0]).toMatchObject({ status: 'failed', dest_compute: 'compute2' });
    // the destination's part was removed: the source's only
    expect(allocatedHosts(cloud, b)).toEqual(['compute1']);
  });
});

describe('evacuate: the server\'s states', () => {
  it('a SHUTOFF server is stopped again on the destination; a locked one is evacuated; any task_state is taken over', () => {
    const w = computeWorld(7);
    const { cloud, admin, demo } = w;
    const stopped = bootOn(w, 'compute1', 'stopped');
    demo.compute.stopServer(stopped);
    const locked = bootOn(w, 'compute1', 'locked');
    demo.compute.lockServer(locked);
    const busy = bootOn(w, 'compute1', 'busy');
    failHost(w, 'compute1');
    force(cloud, cloud.state, busy, { task_state: 'powering-off' });
    const events = eventsDuring(cloud, () => admin.compute.evacuateServer(stopped));
    expect(events).toEqual([
      'compute.instance.evacuate', 'compute.instance.rebuild.scheduled', 'compute.instance.exists', 'compute.instance.rebuild.start',
      'compute.instance.power_off.start', 'compute.instance.power_off.end', 'compute.instance.rebuild.end',
    ]);
    expect(rowOf(cloud, stopped)).toMatchObject({ vm_state: 'stopped', task_state: null, power_state: 4 });
    expect(demo.compute.getServer(stopped).status).toBe('SHUTOFF');
    const action = admin.compute.listInstanceActions(stopped).find((a) => a.action === 'evacuate')!;
    expect((admin.compute.getInstanceAction(stopped, action.request_id).events ?? []).map((e) => e.event)).toEqual(['rebuild_server', 'compute_rebuild_instance', 'compute_stop_instance']);
    admin.compute.evacuateServer(locked);
    expect(rowOf(cloud, locked)).toMatchObject({ vm_state: 'active', locked: true });
    admin.compute.evacuateServer(busy);
    expect(rowOf(cloud, busy)).toMatchObject({ vm_state: 'active', task_state: null });
    for (const id of [stopped, locked, busy]) expect(rowOf(cloud, id).host).not.toBe('compute1');
  });

  it('an ERROR server ends ACTIVE; PAUSED or never launched: 409', () => {
    const w = computeWorld(8);
    const { cloud, admin } = w;
    const errored = bootOn(w, 'compute1', 'e');
    const paused = bootOn(w, 'compute1', 'p');
    w.demo.compute.pauseServer(paused);
    failHost(w, 'compute1');
    force(cloud, cloud.state, errored, { vm_state: 'error', power_state: 1 });
    admin.compute.evacuateServer(errored);
    expect(rowOf(cloud, errored)).toMatchObject({ vm_state: 'active', task_state: null, power_state: 1 });
    refused(cloud, () => admin.compute.evacuateServer(paused), { status: 409, message: `Cannot 'evacuate' instance ${paused} while it is in vm_state paused` });
    force(cloud, cloud.state, paused, { vm_state: 'active', launched_at: null });
    refused(cloud, () => admin.compute.evacuateServer(paused), 409);
  });

  it('a volume-backed server with a data volume: both volumes get a new attachment on the destination, the old ones deleted', () => {
    const w = computeWorld(9);
    const { cloud, admin, demo } = w;
    const image = demo.image.getImage(CIRROS_IMAGE_NAME).id;
    const id = bootOn(w, 'compute1', 'bfv', demo, { imageRef: undefined, block_device_mapping_v2: [{ source_type: 'image', uuid: image, destination_type: 'volume', volume_size: 1, boot_index: 0, delete_on_termination: true }] });
    const data = demo.block.createVolume({ size: 1, name: 'data' });
    cloud.run();
    demo.compute.attachVolume(id, { volumeId: data.id });
    const volumes = demo.compute.listVolumeAttachments(id).map((v) => v.volumeId);
    expect(volumes).toHaveLength(2);
    const oldAttachments = volumes.map((v) => admin.block.getVolume(v).attachments[0]!.attachment_id);
    expect(volumes.map((v) => admin.block.getVolume(v).attachments[0]!.host_name)).toEqual(['compute1', 'compute1']);
    failHost(w, 'compute1');
    admin.compute.evacuateServer(id, { host: 'compute2' });
    const row = rowOf(cloud, id);
    expect(row).toMatchObject({ host: 'compute2', vm_state: 'active', image_ref: '' });
    for (const [i, v] of volumes.entries()) {
      const volume = admin.block.getVolume(v);
      expect(volume.status).toBe('in-use');
      expect(volume.attachments).toHaveLength(1);
      expect(volume.attachments[0]).toMatchObject({ server_id: id, host_name: 'compute2' });
      expect(volume.attachments[0]!.attachment_id).not.toBe(oldAttachments[i]);
    }
    expect(whereIs(cloud, id)).toEqual({ hosts: ['compute2'], ports: row.vifs.map(() => 'compute2'), attachments: ['compute2', 'compute2'] });
    // volume-backed: no DISK_GB on either host
    expect(Object.values(allocationsOf(cloud.state, id))).toEqual([{ VCPU: 1, MEMORY_MB: 512 }, { VCPU: 1, MEMORY_MB: 512 }]);
  });
});

describe('evacuate: refusals (nothing changes)', () => {
  it('the source\'s nova-compute still up (also disabled, also just after the failure): 400 ComputeServiceInUse', () => {
    const w = computeWorld(10);
    const { cloud, admin } = w;
    const id = bootOn(w, 'compute1');
    refused(cloud, () => admin.compute.evacuateServer(id), { status: 400, code: 'compute.service.in_use', message: 'Compute service of compute1 is still in use.' });
    admin.compute.updateComputeService(serviceId(w, 'compute1'), { status: 'disabled' });
    refused(cloud, () => admin.compute.evacuateServer(id, { host: 'compute2' }), { status: 400, message: 'Compute service of compute1 is still in use.' });
    cloud.hardware.failHost('compute1');
    refused(cloud, () => admin.compute.evacuateServer(id), { status: 400, message: 'Compute service of compute1 is still in use.' });
    // forced down: at once
    admin.compute.updateComputeService(serviceId(w, 'compute1'), { forced_down: true });
    admin.compute.evacuateServer(id);
    expect(rowOf(cloud, id).host).not.toBe('compute1');
  });

  it('another project\'s server 404, a non-admin 403 (policy before the host checks), unknown host 404, the same host 400, force without a host 400', () => {
    const w = computeWorld(11);
    const { cloud, admin, demo, alt, reader } = w;
    const id = bootOn(w, 'compute1');
    failHost(w, 'compute1');
    refused(cloud, () => alt.compute.evacuateServer(id), { status: 404, code: 'compute.server.not_found' });
    refused(cloud, () => demo.compute.evacuateServer(id, { host: 'nope' }), { status: 403, code: 'compute.policy.forbidden', message: "Policy doesn't allow os_compute_api:os-evacuate to be performed." });
    refused(cloud, () => reader.compute.evacuateServer(id), 403);
    refused(cloud, () => admin.compute.evacuateServer('00000000-0000-4000-8000-000000000000'), 404);
    refused(cloud, () => admin.compute.evacuateServer(id, { host: 'nope' }), { status: 404, message: 'Compute host nope not found.' });
    refused(cloud, () => admin.compute.evacuateServer(id, { host: 'compute1' }), { status: 400, message: "The target host can't be the same one." });
    refused(cloud, () => admin.compute.evacuateServer(id, { force: true }), { status: 400, field: 'force', message: "Can't force to a non-provided destination" });
    // a bad body is refused before the lookup and the policy
    refused(cloud, () => alt.compute.evacuateServer(id, { host: 7 } as never), { status: 400, field: 'host' });
  });

  it('bad bodies of every shape: 400 naming the field, the state the same object', () => {
    const w = computeWorld(12);
    const { cloud, admin } = w;
    const id = bootOn(w, 'compute1');
    failHost(w, 'compute1');
    const circular: Record<string, unknown> = { host: 'compute2' };
    circular.self = circular;
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 5000; i++) cur = (cur.host = {}) as Record<string, unknown>;
    const cases: [unknown, string][] = [
      [null, 'evacuate'],
      [[], 'evacuate'],
      ['compute2', 'evacuate'],
      [42, 'evacuate'],
      [Number.NaN, 'evacuate'],
      [{ host: Number.NaN }, 'host'],
      [{ host: 7 }, 'host'],
      [{ host: null }, 'host'],
      [{ host: '' }, 'host'],
      [{ host: 'h'.repeat(256) }, 'host'],
      [{ host: 'bad host!' }, 'host'],
      [{ host: ['compute2'] }, 'host'],
      [deep, 'host'],
      [{ force: 'maybe' }, 'force'],
      [{ force: Number.NaN }, 'force'],
      [{ force: 1 }, 'force'],
      [{ onSharedStorage: {} }, 'onSharedStorage'],
      [{ adminPass: 5 }, 'adminPass'],
      [{ adminPass: 'x'.repeat(70_000) }, 'adminPass'],
      [{ extra: 1 }, 'evacuate.extra'],
      [JSON.parse('{"__proto__": {"host": "compute2"}}'), 'evacuate.__proto__'],
      [circular, 'evacuate.self'],
      [{ host: 'compute2', force: true, onSharedStorage: false }, 'evacuate.force'],
    ];
    for (const [body, field] of cases) refused(cloud, () => admin.compute.evacuateServer(id, body as never), { status: 400, field });
    // the string spellings of a boolean are nova's
    admin.compute.evacuateServer(id, { host: 'compute2', force: 'true' as never });
    expect(rowOf(cloud, id).host).toBe('compute2');
  });
});

describe('evacuate: the source coming back', () => {
  it('un-forcing the source is refused while an evacuation from it is done; after its nova-compute restarts it is allowed', () => {
    const w = computeWorld(13);
    const { cloud, admin } = w;
    const id = bootOn(w, 'compute1');
    const svc = serviceId(w, 'compute1');
    admin.compute.updateComputeService(svc, { forced_down: true });
    admin.compute.evacuateServer(id);
    const message = 'Unable to force up host compute1 as `done` evacuation migration records remain associated with the host. Ensure the compute service has been restarted, allowing these records to move to `completed` before retrying this request.';
    refused(cloud, () => admin.compute.updateComputeService(svc, { forced_down: false }), { status: 400, field: 'forced_down', message });
    refused(cloud, () => admin.compute.updateComputeService(svc, { status: 'enabled', forced_down: false }), { status: 400, message });
    // forcing it down again is fine
    admin.compute.updateComputeService(svc, { forced_down: true });
    // a power cycle restarts its nova-compute: _destroy_evacuated_instances
    cloud.hardware.failHost('compute1');
    cloud.hardware.recoverHost('compute1');
    expect(migrationsOf(cloud, id)[0]!.status).toBe('completed');
    expect(admin.compute.updateComputeService(svc, { forced_down: false })).toMatchObject({ forced_down: false, state: 'up' });
    expect(allocatedHosts(cloud, id)).toEqual([rowOf(cloud, id).host as string]);
  });

  it('a server deleted before the source returns frees both hosts; its done evacuation neither blocks un-forcing nor is completed', () => {
    const w = computeWorld(14);
    const { cloud, admin, demo } = w;
    const id = bootOn(w, 'compute1');
    failHost(w, 'compute1');
    admin.compute.evacuateServer(id);
    const dest = rowOf(cloud, id).host as string;
    demo.compute.deleteServer(id);
    expect(allocationsOf(cloud.state, id)).toEqual({});
    expect(usageOf(cloud.state, providerOf(cloud, 'compute1'), 'MEMORY_MB')).toBe(0);
    expect(usageOf(cloud.state, providerOf(cloud, dest), 'MEMORY_MB')).toBe(0);
    cloud.hardware.recoverHost('compute1');
    expect(migrationsOf(cloud, id)[0]!.status).toBe('done');
    admin.compute.updateComputeService(serviceId(w, 'compute1'), { forced_down: true });
    expect(admin.compute.updateComputeService(serviceId(w, 'compute1'), { forced_down: false }).forced_down).toBe(false);
  });

  it('an evacuation the source comes back during is marked completed (as Zed does) and its source part removed', () => {
    const w = computeWorld(15, { progression: 'clock' });
    const { cloud, admin, demo } = w;
    const created = demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' });
    cloud.clock.advance(120);
    const id = (created as { id: string }).id;
    const source = rowOf(cloud, id).host as string;
    failHost(w, source);
    admin.compute.evacuateServer(id);
    cloud.clock.advance(1.2); // the conductor claimed, the destination took the cast
    expect(migrationsOf(cloud, id)[0]!.status).toBe('pre-migrating');
    cloud.hardware.recoverHost(source);
    expect(migrationsOf(cloud, id)[0]!.status).toBe('completed');
    cloud.clock.advance(120);
    const row = rowOf(cloud, id);
    expect(row).toMatchObject({ vm_state: 'active', task_state: null });
    expect(row.host).not.toBe(source);
    expect(allocatedHosts(cloud, id)).toEqual([row.host as string]);
    expect(migrationsOf(cloud, id)[0]!.status).toBe('done');
  });
});

describe('evacuate: one evacuation step by step (progression clock)', () => {
  it('shows the states, the migration and Placement of each step, and its trace', () => {
    const w = computeWorld(16, { progression: 'clock' });
    const { cloud, admin, demo } = w;
    for (const s of admin.compute.listComputeServices({ binary: 'nova-compute' })) if (s.host !== 'compute1') admin.compute.updateComputeService(s.id, { status: 'disabled' });
    const created = demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' });
    cloud.clock.advance(120);
    for (const s of admin.compute.listComputeServices({ binary: 'nova-compute' })) if (s.host !== 'compute1') admin.compute.updateComputeService(s.id, { status: 'enabled' });
    const id = (created as { id: string }).id;
    admin.compute.updateComputeService(serviceId(w, 'compute1'), { status: 'disabled' });
    admin.compute.updateComputeService(serviceId(w, 'controller'), { status: 'disabled' });
    failHost(w, 'compute1');
    const seen: string[] = [];
    cloud.events.on('*', (n: { event_type: string; publisher_id?: string }) => {
      if (n.event_type.startsWith('compute')) seen.push(n.event_type);
    });
    admin.compute.evacuateServer(id);
    const requestId = admin.compute.listInstanceActions(id).find((a) => a.action === 'evacuate')!.request_id;
    // nova-api: REBUILD, the migration accepted, the source's allocation only
    expect(admin.compute.getServer(id)).toMatchObject({ status: 'REBUILD', 'OS-EXT-STS:task_state': 'rebuilding', 'OS-EXT-SRV-ATTR:host': 'compute1' });
    expect(migrationsOf(cloud, id)[0]).toMatchObject({ status: 'accepted', dest_compute: null });
    expect(allocatedHosts(cloud, id)).toEqual(['compute1']);
    expect(seen).toEqual(['compute.instance.evacuate']);
    // the conductor (after one RPC): compute2 claimed beside compute1
    cloud.clock.advance(0.5);
    expect(allocatedHosts(cloud, id)).toEqual(['compute1', 'compute2']);
    expect(migrationsOf(cloud, id)[0]!.status).toBe('accepted');
    expect(rowOf(cloud, id).availability_zone).toBe('nova');
    // the destination: claim (pre-migrating), power NOSTATE, ports on compute2, spawning
    cloud.clock.advance(0.5);
    expect(migrationsOf(cloud, id)[0]).toMatchObject({ status: 'pre-migrating', dest_compute: 'compute2', dest_node: 'compute2' });
    expect(rowOf(cloud, id)).toMatchObject({ host: 'compute1', vm_state: 'active', task_state: 'rebuild_spawning', power_state: 0 });
    expect(whereIs(cloud, id).ports.every((h) => h === 'compute2')).toBe(true);
    // spawned: ACTIVE on compute2, the migration done
    cloud.clock.advance(60);
    expect(rowOf(cloud, id)).toMatchObject({ host: 'compute2', vm_state: 'active', task_state: null, power_state: 1 });
    expect(migrationsOf(cloud, id)[0]!.status).toBe('done');
    expect(seen).toEqual(['compute.instance.evacuate', 'compute.instance.rebuild.scheduled', 'compute.instance.exists', 'compute.instance.rebuild.start', 'compute.instance.rebuild.end']);
    const steps = cloud.trace(requestId)!.steps.map((s) => `${s.service}: ${s.action}`);
    const order = [
      /^nova-api: evacuate server .* from compute1 \(the scheduler picks the host\): task_state rebuilding, migration \d+ accepted$/,
      /^nova-scheduler: claimed .* on compute2/,
      /^placement: allocation of .* doubled up for the evacuation: compute1 and compute2$/,
      /^nova-conductor: rebuild_instance of .* cast to compute2 \(evacuation from compute1\)$/,
      /^nova: migration \d+ of .*: accepted → pre-migrating$/,
      /^nova-compute: evacuating instance .* from compute1 to compute2 from image /,
      /^neutron-server: bind port .* to compute2/,
      /^nova-compute: spawn .* on compute2/,
      /^nova: migration \d+ of .*: pre-migrating → done$/,
      /^nova-compute: finish_evacuation: .* now on compute2/,
    ];
    let at = 0;
    for (const re of order) {
      const i = steps.findIndex((s, k) => k >= at && re.test(s));
      expect(i, `${re} after step ${at}:\n${steps.join('\n')}`).toBeGreaterThanOrEqual(0);
      at = i + 1;
    }
  });
});
