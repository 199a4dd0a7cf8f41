/**
 * Live migration (src/compute/live_migration.ts) against nova Zed: the scheduled and the forced
 * paths for active and paused servers (vm_state kept, task cleared, host / node / zone, ports and
 * volume attachments following, one consumer at the end), every refusal of the API (404, 403,
 * 409, 400) and of the conductor's checks (the migration `error`, the server unchanged but for
 * its fault), the steps in `progression: 'clock'` with force complete and abort (running and
 * queued), bad input of every shape with nothing changed, and a property draining a host.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { produce } from 'immer';
import { createCloud, type Cloud, type Session } from '../../src/index.js';
import { getRow, tablePrefix } from '../../src/core/index.js';
import { allocationsOf, usageOf } from '../../src/scheduler/index.js';
import { portsOfDevice } from '../../src/network/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { checkHypervisorCompatible, compareCpu, hostHypervisor } from '../../src/compute/live_migration_conductor.js';
import { allMigrations, migrationsOfServer } from '../../src/compute/migrations.js';
import { bdmsOf } from '../../src/compute/block_device.js';
import type { MigrationRow, ServerRow } from '../../src/compute/types.js';
import { boot, errorOf, eventsDuring, force, refused, rowOf } from './support.js';

// ------------------------------------------------------------------------------ worlds

interface World {
  readonly cloud: Cloud;
  readonly admin: Session;
  readonly demo: Session;
  readonly alt: Session;
}

/** controller + compute hosts a1, a2 (az1), b1 (az2), c1 (no zone); `nic` Mbit/s. */
function world(seed = 1, options: { progression?: 'clock' | 'immediate'; nova?: Record<string, unknown>; nic?: number; computes?: number } = {}): World {
  const model = {
    cpu: { model: 'Intel Xeon Silver 4210', sockets: 1, cores_per_socket: 8, threads_per_core: 2, flags: ['vmx', 'avx2', 'sse4_2'] },
    memory_mb: 32768,
    disks: [{ name: 'sda', size_gb: 400 }],
    nics: [{ name: 'eno1', speed_mbps: options.nic ?? 10000, network: 'management' }],
  };
  const cloud = createCloud({
    seed,
    preset: 'devstack',
    ...(options.progression ? { progression: options.progression } : {}),
    ...(options.nova ? { nova: options.nova } : {}),
    topology: {
      availability_zones: [{ name: 'az1' }, { name: 'az2' }],
      racks: [
        { name: 'r1', availability_zone: 'az1' },
        { name: 'r2', availability_zone: 'az2' },
      ],
      models: { node: model },
      hosts: [
        { name: 'controller', model: 'node', roles: ['controller', 'network', 'storage'] },
        { name: 'a{n}', count: 2, model: 'node', rack: 'r1' },
        { name: 'b1', model: 'node', rack: 'r2' },
        { name: 'c1', model: 'node' },
      ],
    } as never,
  });
  return {
    cloud,
    admin: cloud.admin,
    demo: cloud.login({ username: 'demo', password: 'secret', project: 'demo' }),
    alt: cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' }),
  };
}

const migrationsOf = (cloud: Cloud, id: string): MigrationRow[] => migrationsOfServer(cloud.state, id).filter((m) => m.migration_type === 'live-migration');
const lastMigration = (cloud: Cloud, id: string): MigrationRow => migrationsOf(cloud, id).at(-1) as MigrationRow;
const serviceId = (w: World, host: string): string => w.admin.compute.listComputeServices({ binary: 'nova-compute', host })[0]!.id as string;

/** Every placement invariant of the issue: usage = sum of live allocations, nothing over capacity, one consumer per server at rest. */
function checkPlacement(cloud: Cloud): void {
  const s = cloud.state;
  const sums = new Map<string, number>();
  for (const [, alloc] of tablePrefix(s.placement.allocations, '')) {
    for (const [rp, rcs] of Object.entries(alloc)) for (const [rc, n] of Object.entries(rcs)) sums.set(`${rp}/${rc}`, (sums.get(`${rp}/${rc}`) ?? 0) + n);
  }
  for (const [, rp] of tablePrefix(s.placement.providers, '')) {
    for (const rc of ['VCPU', 'MEMORY_MB', 'DISK_GB']) expect(usageOf(s, rp.uuid, rc), `${rp.name} ${rc}`).toBe(sums.get(`${rp.uuid}/${rc}`) ?? 0);
  }
  for (const m of allMigrations(s)) if (['completed', 'error', 'failed', 'cancelled'].includes(m.status) && m.migration_type === 'live-migration') expect(allocationsOf(s, m.uuid)).toEqual({});
}

/** The server at rest: exactly one consumer, its own, on its host's provider. */
function oneConsumer(cloud: Cloud, id: string): void {
  const row = rowOf(cloud, id);
  const alloc = allocationsOf(cloud.state, id);
  const host = cloud.hardware.getHost(row.host as string);
  expect(Object.keys(alloc)).toEqual([host.id]);
  for (const m of migrationsOfServer(cloud.state, id)) expect(allocationsOf(cloud.state, m.uuid)).toEqual({});
}

// ------------------------------------------------------------------------------ happy paths

describe('live migration: the happy paths', () => {
  it('scheduled (host null, block_migration auto): ACTIVE on another host, ports and zone follow, one consumer, the events and notifications of nova', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const before = rowOf(w.cloud, s.id);
    const events = eventsDuring(w.cloud, () => w.admin.compute.liveMigrateServer(s.id, { host: null, block_migration: 'auto' }));
    const after = rowOf(w.cloud, s.id);
    expect(after.host).not.toBe(before.host);
    expect([after.vm_state, after.task_state, after.power_state, after.node, after.progress]).toEqual(['active', null, 1, after.host, 0]);
    expect(w.demo.compute.getServer(s.id).status).toBe('ACTIVE');
    expect(after.availability_zone).toBe(after.host === 'b1' ? 'az2' : after.host === 'c1' ? 'nova' : 'az1');
    for (const p of portsOfDevice(w.cloud.state, s.id)) {
      expect(p.binding_host_id).toBe(after.host);
      expect(p.device_owner).toBe(`compute:${after.availability_zone}`);
    }
    const m = lastMigration(w.cloud, s.id);
    expect([m.status, m.source_compute, m.dest_compute, m.source_node, m.dest_node, m.dest_host]).toEqual(['completed', before.host, after.host, before.host, after.host, null]);
    expect([m.memory_total, m.memory_processed, m.memory_remaining]).toEqual([512 * 1024 * 1024, 512 * 1024 * 1024, 0]);
    expect(m.disk_total).toBe(1024 ** 3); // an image-backed server: auto is a block migration
    oneConsumer(w.cloud, s.id);
    checkPlacement(w.cloud);
    expect(events).toEqual([
      'compute.instance.live_migration.pre.start',
      'compute.instance.live_migration.pre.end',
      'compute.instance.live_migration._post.start',
      'compute.instance.live_migration.post.dest.start',
      'compute.instance.live_migration.post.dest.end',
      'compute.instance.live_migration._post.end',
    ]);
    const [action] = w.admin.compute.listInstanceActions(s.id);
    expect(action?.action).toBe('live-migration');
    const detail = w.admin.compute.getInstanceAction(s.id, action!.request_id);
    expect(detail.events?.map((e) => [e.event, e.result, e.host])).toEqual([
      ['conductor_live_migrate_instance', 'Success', 'controller'],
      ['compute_check_can_live_migrate_destination', 'Success', after.host],
      ['compute_check_can_live_migrate_source', 'Success', before.host],
      ['compute_live_migration', 'Success', before.host],
      ['compute_pre_live_migration', 'Success', after.host],
      ['compute_post_live_migration_at_destination', 'Success', after.host],
    ]);
  });

  it('forced host (force true), a PAUSED server: stays PAUSED on the host asked, power 3', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    w.demo.compute.pauseServer(s.id);
    const src = rowOf(w.cloud, s.id).host;
    const dest = src === 'b1' ? 'c1' : 'b1';
    w.admin.compute.liveMigrateServer(s.id, { host: dest, block_migration: true, force: true });
    const r = rowOf(w.cloud, s.id);
    expect([r.host, r.vm_state, r.task_state, r.power_state]).toEqual([dest, 'paused', null, 3]);
    expect(w.demo.compute.getServer(s.id).status).toBe('PAUSED');
    expect(lastMigration(w.cloud, s.id).dest_compute).toBe(dest);
    oneConsumer(w.cloud, s.id);
    checkPlacement(w.cloud);
  });

  it('a host without force is the scheduler\'s requested destination; a disabled one is then refused (NoValidHost), a forced one is not', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const src = rowOf(w.cloud, s.id).host as string;
    const dest = src === 'c1' ? 'b1' : 'c1';
    w.admin.compute.updateComputeService(serviceId(w, dest), { status: 'disabled', disabled_reason: 'maintenance' });
    w.admin.compute.liveMigrateServer(s.id, { host: dest, block_migration: 'auto', force: false });
    expect(rowOf(w.cloud, s.id).host).toBe(src);
    expect(lastMigration(w.cloud, s.id).status).toBe('error');
    expect(rowOf(w.cloud, s.id).fault?.message).toMatch(/^No valid host was found\./);
    w.admin.compute.liveMigrateServer(s.id, { host: dest, block_migration: 'auto', force: true });
    expect(rowOf(w.cloud, s.id).host).toBe(dest);
    w.admin.compute.updateComputeService(serviceId(w, dest), { status: 'enabled' });
    w.admin.compute.liveMigrateServer(s.id, { host: src, block_migration: 'auto' });
    expect(rowOf(w.cloud, s.id).host).toBe(src);
    expect(migrationsOf(w.cloud, s.id).map((m) => m.status)).toEqual(['error', 'completed', 'completed']);
    oneConsumer(w.cloud, s.id);
    checkPlacement(w.cloud);
  });

  it('volumes follow: a new Cinder attachment for the destination, the source one deleted, the volume still in-use', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const vol = w.demo.block.createVolume({ size: 1, name: 'data' } as never).id;
    w.demo.compute.attachVolume(s.id, { volumeId: vol });
    const oldAttachment = bdmsOf(w.cloud.state, s.id).find((b) => b.volume_id === vol)!.attachment_id as string;
    w.admin.compute.liveMigrateServer(s.id, { host: null, block_migration: 'auto' });
    const dest = rowOf(w.cloud, s.id).host;
    const bdm = bdmsOf(w.cloud.state, s.id).find((b) => b.volume_id === vol)!;
    expect(bdm.attachment_id).not.toBe(oldAttachment);
    expect(getRow(w.cloud.state.block.attachments, oldAttachment)).toBeUndefined();
    const att = getRow(w.cloud.state.block.attachments, bdm.attachment_id as string)!;
    expect([att.attached_host, att.attach_status, att.instance_uuid]).toEqual([dest, 'attached', s.id]);
    expect(w.demo.block.getVolume(vol).status).toBe('in-use');
  });

  it('a volume-backed server without local disks: auto is no block migration (shared storage), true is InvalidLocalStorage', () => {
    const w = world();
    const img = w.demo.image.listImages().images.find((i) => i.name === CIRROS_IMAGE_NAME)!.id;
    const s = boot(w.demo, 'bfv', { imageRef: '', block_device_mapping_v2: [{ boot_index: 0, uuid: img, source_type: 'image', destination_type: 'volume', volume_size: 1, delete_on_termination: true }] } as never);
    const src = rowOf(w.cloud, s.id).host;
    w.admin.compute.liveMigrateServer(s.id, { host: null, block_migration: true });
    expect(lastMigration(w.cloud, s.id).status).toBe('error');
    expect(rowOf(w.cloud, s.id).fault?.message).toBe(`${src} is not on local storage: Block migration can not be used with shared storage.`);
    w.admin.compute.liveMigrateServer(s.id, { host: null, block_migration: 'auto' });
    const m = lastMigration(w.cloud, s.id);
    expect([m.status, m.disk_total]).toEqual(['completed', 0]);
    oneConsumer(w.cloud, s.id);
  });
});

// ------------------------------------------------------------------------------ the API's refusals

describe('live migration: the API refuses', () => {
  it('another project 404, a member 403, the wrong state 409, a locked server 409, an unknown host 400, force without host 400', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const body = { host: null, block_migration: 'auto' as const };
    refused(w.cloud, () => w.alt.compute.liveMigrateServer(s.id, body), 404, `Instance ${s.id} could not be found.`);
    refused(w.cloud, () => w.demo.compute.liveMigrateServer(s.id, body), 403, "Policy doesn't allow os_compute_api:os-migrate-server:migrate_live to be performed.");
    refused(w.cloud, () => w.admin.compute.liveMigrateServer(s.id, { host: 'nope', block_migration: 'auto' }), { status: 400, message: 'Compute host nope could not be found.', field: 'host' });
    refused(w.cloud, () => w.admin.compute.liveMigrateServer(s.id, { host: 'controller', block_migration: 'auto' }), 400, 'Compute host controller could not be found.');
    refused(w.cloud, () => w.admin.compute.liveMigrateServer(s.id, { host: null, block_migration: 'auto', force: true }), { status: 400, message: "Can't force to a non-provided destination", field: 'force' });
    w.demo.compute.stopServer(s.id);
    refused(w.cloud, () => w.admin.compute.liveMigrateServer(s.id, body), 409, `Cannot 'os-migrateLive' instance ${s.id} while it is in vm_state stopped`);
    w.demo.compute.startServer(s.id);
    // only with a policy that lets a member live-migrate does a lock matter (an admin passes it)
    w.cloud.policy.setRule('os_compute_api:os-migrate-server:migrate_live', '');
    w.demo.compute.lockServer(s.id, {});
    refused(w.cloud, () => w.demo.compute.liveMigrateServer(s.id, body), 409, `Instance ${s.id} is locked`);
    w.admin.compute.liveMigrateServer(s.id, body); // the admin passes the lock
    expect(lastMigration(w.cloud, s.id).status).toBe('completed');
  });

  it('a server being migrated (clock mode) refuses a second live migration with 409 task_state migrating', () => {
    const w = world(3, { progression: 'clock' });
    const created = w.demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string };
    w.cloud.run();
    w.admin.compute.liveMigrateServer(created.id, { host: null, block_migration: 'auto' });
    expect(w.demo.compute.getServer(created.id).status).toBe('MIGRATING');
    refused(w.cloud, () => w.admin.compute.liveMigrateServer(created.id, { host: null, block_migration: 'auto' }), 409, `Cannot 'os-migrateLive' instance ${created.id} while it is in task_state migrating`);
  });

  it('bad input of every shape is a 400 naming the field, nothing changed', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const circular: Record<string, unknown> = { host: null, block_migration: 'auto' };
    circular.self = circular;
    const proto = JSON.parse('{"host": null, "block_migration": "auto", "__proto__": {"x": 1}}');
    const cases: [unknown, string][] = [
      [null, 'os-migrateLive'],
      ['x', 'os-migrateLive'],
      [[], 'os-migrateLive'],
      [{ host: null }, 'block_migration'],
      [{ block_migration: 'auto' }, 'host'],
      [{ host: null, block_migration: 'maybe' }, 'block_migration'],
      [{ host: null, block_migration: NaN }, 'block_migration'],
      [{ host: 5, block_migration: true }, 'host'],
      [{ host: '', block_migration: true }, 'host'],
      [{ host: 'a'.repeat(100_000), block_migration: true }, 'host'],
      [{ host: 'bad host!', block_migration: true }, 'host'],
      [{ host: 'a1', block_migration: true, force: 'sure' }, 'force'],
      [{ host: null, block_migration: true, disk_over_commit: {} }, 'disk_over_commit'],
      [{ host: null, block_migration: true, extra: 1 }, 'extra'],
      [circular, 'self'],
      [proto, '__proto__'],
    ];
    for (const [body, field] of cases) {
      const before = w.cloud.state;
      const e = errorOf(() => w.admin.compute.liveMigrateServer(s.id, body as never));
      expect([e.status, e.details.field], JSON.stringify(field)).toEqual([400, field]);
      expect(w.cloud.state).toBe(before);
    }
    for (const ref of [NaN, {}, null, 'x'.repeat(100_000), { id: '__proto__' }]) {
      const before = w.cloud.state;
      const e = errorOf(() => w.admin.compute.liveMigrateServer(ref as never, { host: null, block_migration: 'auto' }));
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.status).toBeLessThan(500);
      expect(w.cloud.state).toBe(before);
    }
  });
});

// ------------------------------------------------------------------------------ the conductor's checks

/** Runs a live migration the conductor refuses: migration `error`, the server as it was but for its fault, the allocation as it was. */
function conductorRefuses(w: World, id: string, body: Parameters<Session['compute']['liveMigrateServer']>[1], message: string | RegExp): void {
  const before = rowOf(w.cloud, id);
  const alloc = allocationsOf(w.cloud.state, id);
  const events = eventsDuring(w.cloud, () => w.admin.compute.liveMigrateServer(id, body), 'compute_task.');
  const after = rowOf(w.cloud, id);
  const m = lastMigration(w.cloud, id);
  expect(m.status).toBe('error');
  expect([after.host, after.node, after.vm_state, after.task_state, after.power_state, after.availability_zone]).toEqual([before.host, before.node, before.vm_state, null, before.power_state, before.availability_zone]);
  if (typeof message === 'string') expect(after.fault?.message).toBe(message);
  else expect(after.fault?.message).toMatch(message);
  expect(allocationsOf(w.cloud.state, id)).toEqual(alloc);
  expect(allocationsOf(w.cloud.state, m.uuid)).toEqual({});
  expect(events).toEqual(['compute_task.migrate_server']);
  const [action] = w.admin.compute.listInstanceActions(id);
  const detail = w.admin.compute.getInstanceAction(id, action!.request_id);
  expect(detail.events?.find((e) => e.event === 'conductor_live_migrate_instance')?.result).toBe('Error');
  checkPlacement(w.cloud);
}

describe('live migration: the conductor refuses, in nova\'s order, with nova\'s messages', () => {
  it('UnableToMigrateToSelf (forced to its own host)', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const src = rowOf(w.cloud, s.id).host as string;
    conductorRefuses(w, s.id, { host: src, block_migration: 'auto', force: true }, `Unable to migrate instance (${s.id}) to current host (${src}).`);
  });

  it('the source host as the requested destination (not forced): NoValidHost, the source being ignored', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    conductorRefuses(w, s.id, { host: rowOf(w.cloud, s.id).host, block_migration: 'auto' }, /^No valid host was found\. There are not enough hosts available\./);
  });

  it('the power state: InstanceInvalidState', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    force(w.cloud, w.cloud.state, s.id, { power_state: 4 });
    conductorRefuses(w, s.id, { host: null, block_migration: 'auto' }, `Instance ${s.id} in power_state shutdown. Cannot live migrate while the instance is in this state.`);
  });

  it('the source nova-compute down, then the destination\'s (ComputeServiceUnavailable)', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const src = rowOf(w.cloud, s.id).host as string;
    const dest = src === 'b1' ? 'c1' : 'b1';
    w.admin.compute.updateComputeService(serviceId(w, src), { forced_down: true });
    conductorRefuses(w, s.id, { host: dest, block_migration: 'auto', force: true }, `Compute service of ${src} is unavailable at this time.`);
    w.admin.compute.updateComputeService(serviceId(w, src), { forced_down: false });
    w.admin.compute.updateComputeService(serviceId(w, dest), { forced_down: true });
    conductorRefuses(w, s.id, { host: dest, block_migration: 'auto', force: true }, `Compute service of ${dest} is unavailable at this time.`);
  });

  it('the destination\'s memory (MigrationPreCheckError, the RAMFilter\'s arithmetic)', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const dest = rowOf(w.cloud, s.id).host === 'b1' ? 'c1' : 'b1';
    w.cloud.hardware.updateHost(dest, { memory_mb: 600 });
    // 600 × 1.5 − 512 reserved = 388.0
    conductorRefuses(w, s.id, { host: dest, block_migration: 'auto', force: true }, `Migration pre-check error: Unable to migrate ${s.id} to ${dest}: Lack of memory(host:388.0 <= instance:512)`);
  });

  it('another hypervisor type (InvalidHypervisorType)', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const dest = rowOf(w.cloud, s.id).host === 'b1' ? 'c1' : 'b1';
    w.cloud.hardware.updateHost(dest, { hypervisor_type: 'xen' });
    conductorRefuses(w, s.id, { host: dest, block_migration: 'auto', force: true }, 'The supplied hypervisor type of is invalid.');
  });

  it('an older hypervisor version (DestinationHypervisorTooOld): the check itself, the hosts modelled per type', () => {
    expect(checkHypervisorCompatible({ type: 'QEMU', version: 6002000 }, { type: 'QEMU', version: 6001000 })).toEqual({ nova: 'DestinationHypervisorTooOld', message: 'The instance requires a newer hypervisor version than has been provided.' });
    expect(checkHypervisorCompatible({ type: 'QEMU', version: 6002000 }, { type: 'QEMU', version: 7000000 })).toBeNull();
    expect(checkHypervisorCompatible({ type: 'QEMU', version: 1 }, { type: 'xen', version: 9 })?.nova).toBe('InvalidHypervisorType');
    const w = world();
    const hv = hostHypervisor(w.cloud.state, 'a1')!;
    expect([hv.host, hv.type, hv.version, [...hv.cpu_flags].sort()]).toEqual(['a1', 'QEMU', 6002000, ['avx2', 'sse4_2', 'vmx']]);
    expect(compareCpu({ type: 'QEMU', cpu_flags: ['a', 'b'] }, { cpu_flags: ['b', 'a', 'c'] })).toBeNull();
    expect(compareCpu({ type: 'xen', cpu_flags: ['a', 'b'] }, { cpu_flags: [] })).toBeNull();
  });

  it('CPU flags: forced → MigrationPreCheckError; scheduled → the host is skipped and the next one taken', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const src = rowOf(w.cloud, s.id).host as string;
    const others = ['a1', 'a2', 'b1', 'c1'].filter((h) => h !== src);
    w.cloud.hardware.updateHost(others[0]!, { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2, flags: ['vmx'] } });
    conductorRefuses(w, s.id, { host: others[0]!, block_migration: 'auto', force: true }, "Migration pre-check error: Unacceptable CPU info: CPU doesn't have compatibility.\n\n0\n\nRefer to http://libvirt.org/html/libvirt-libvirt-host.html#virCPUCompareResult");
    for (const h of others.slice(1, 2)) w.cloud.hardware.updateHost(h, { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2, flags: ['vmx'] } });
    w.admin.compute.liveMigrateServer(s.id, { host: null, block_migration: 'auto' });
    expect(rowOf(w.cloud, s.id).host).toBe(others[2]);
    oneConsumer(w.cloud, s.id);
    for (const h of others.slice(2)) w.cloud.hardware.updateHost(h, { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2, flags: ['vmx'] } });
    w.cloud.hardware.updateHost(src, { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2, flags: ['vmx', 'avx512f'] } });
    // the server is on others[2] now (flags vmx); src has more flags: fine; the rest as few: fine too
    w.admin.compute.liveMigrateServer(s.id, { host: null, block_migration: 'auto' });
    expect(lastMigration(w.cloud, s.id).status).toBe('completed');
  });

  it('every candidate refused → NoValidHost; migrate_max_retries 0 → MaxRetriesExceeded after one', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const src = rowOf(w.cloud, s.id).host as string;
    for (const h of ['a1', 'a2', 'b1', 'c1'].filter((x) => x !== src)) w.cloud.hardware.updateHost(h, { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2, flags: [] } });
    conductorRefuses(w, s.id, { host: null, block_migration: 'auto' }, /^No valid host was found\./);
    const base = w.cloud.state;
    w.cloud.restore(produce(base, (d) => void Object.assign(d.compute, { config: { ...d.compute.config, migrate_max_retries: 0 } })) as never);
    conductorRefuses(w, s.id, { host: null, block_migration: 'auto' }, `Exceeded maximum number of retries. Exceeded max scheduling retries 1 for instance ${s.id} during live migration`);
  });

  it('shared storage asked of a server with local disks (InvalidSharedStorage)', () => {
    const w = world();
    const s = boot(w.demo, 'vm');
    const src = rowOf(w.cloud, s.id).host as string;
    conductorRefuses(w, s.id, { host: null, block_migration: false }, `${src} is not on shared storage: Shared storage live-migration requires either shared storage or boot-from-volume with no local disks.`);
  });

  it('the forced destination cannot hold it (Placement refuses the claim)', () => {
    const w = world();
    const s = boot(w.demo, 'vm', { flavorRef: 'm1.small' });
    const dest = rowOf(w.cloud, s.id).host === 'b1' ? 'c1' : 'b1';
    w.cloud.hardware.updateHost(dest, { disks: [{ name: 'sda', size_gb: 10 }] });
    conductorRefuses(w, s.id, { host: dest, block_migration: 'auto', force: true }, `No valid host was found. Unable to move instance ${s.id} to host ${dest}. There is not enough capacity on the host for the instance.`);
  });
});

// ------------------------------------------------------------------------------ clock mode

function clockWorld(options: { nova?: Record<string, unknown> } = {}): World {
  return world(5, { progression: 'clock', nic: 1000, ...options });
}

function bootOn(w: World, name: string, host: string, flavor = 'm1.medium'): string {
  const created = w.admin.compute.createServer({ name, flavorRef: flavor, imageRef: CIRROS_IMAGE_NAME, networks: 'none', availability_zone: `nova:${host}` } as never) as { id: string };
  w.cloud.run();
  return created.id;
}

describe('live migration in progression: clock', () => {
  it('the steps take the copy\'s time over the link, the counters move, force complete converges at once', () => {
    const w = clockWorld();
    const id = bootOn(w, 'big', 'a1');
    w.admin.compute.liveMigrateServer(id, { host: 'b1', block_migration: 'auto' });
    expect(lastMigration(w.cloud, id)).toBeUndefined(); // the conductor is a cast away
    w.cloud.clock.advance(0.5);
    expect(lastMigration(w.cloud, id).status).toBe('accepted');
    w.cloud.clock.advance(0.5);
    expect(lastMigration(w.cloud, id).status).toBe('preparing');
    w.cloud.clock.advance(0.5);
    const m = lastMigration(w.cloud, id);
    const bytes = 4096 * 1024 * 1024 + 40 * 1024 ** 3;
    expect([m.status, m.memory_total, m.memory_processed, m.disk_total]).toEqual(['running', 4096 * 1024 * 1024, 0, 40 * 1024 ** 3]);
    const seconds = (bytes * 8) / 1e9;
    w.cloud.clock.advance(seconds / 2);
    const half = lastMigration(w.cloud, id);
    expect(half.status).toBe('running');
    expect(half.memory_processed!).toBeGreaterThan(0);
    expect(half.memory_remaining!).toBeGreaterThan(0);
    expect(rowOf(w.cloud, id).progress).toBeGreaterThan(0);
    expect(w.admin.compute.getServer(id).status).toBe('MIGRATING');
    // nova's legacy port path: still bound to the source, binding:profile.migrating_to the destination
    const during = w.admin.network.listPorts({ device_id: id });
    expect(during.map((p) => [p['binding:host_id'], p['binding:profile']])).toEqual(during.map(() => ['a1', { migrating_to: 'b1' }]));
    // force complete (2.22): running only, active only
    const events = eventsDuring(w.cloud, () => {
      w.admin.compute.forceCompleteMigration(id, String(half.id));
      w.cloud.clock.advance(0.5);
    });
    expect(events.slice(0, 2)).toEqual(['compute.instance.live.migration.force.complete.start', 'compute.instance.live.migration.force.complete.end']);
    w.cloud.clock.advance(seconds / 10 + 1);
    expect(lastMigration(w.cloud, id).status).toBe('completed');
    expect(rowOf(w.cloud, id).host).toBe('b1');
    const after = w.admin.network.listPorts({ device_id: id });
    expect(after.map((p) => [p['binding:host_id'], p['binding:profile']])).toEqual(after.map(() => ['b1', {}]));
    oneConsumer(w.cloud, id);
    checkPlacement(w.cloud);
    refused(w.cloud, () => w.admin.compute.forceCompleteMigration(id, half.id), 409, `Instance ${id} is in an invalid state for 'force_complete'`);
  });

  it('abort while running: rolled back (cancelled), the allocation back on the source, ACTIVE there', () => {
    const w = clockWorld();
    const id = bootOn(w, 'big', 'a1');
    const alloc = allocationsOf(w.cloud.state, id);
    w.admin.compute.liveMigrateServer(id, { host: 'b1', block_migration: 'auto' });
    w.cloud.clock.advance(2);
    const m = lastMigration(w.cloud, id);
    expect(m.status).toBe('running');
    // two consumers while it runs: the migration on a1, the instance on b1
    expect(Object.keys(allocationsOf(w.cloud.state, m.uuid))).toEqual([w.cloud.hardware.getHost('a1').id]);
    expect(Object.keys(allocationsOf(w.cloud.state, id))).toEqual([w.cloud.hardware.getHost('b1').id]);
    checkPlacement(w.cloud);
    const events = eventsDuring(w.cloud, () => {
      w.admin.compute.abortMigration(id, m.id);
      w.cloud.run();
    });
    expect(events).toEqual([
      'compute.instance.live.migration.abort.start',
      'compute.instance.live.migration.abort.end',
      'compute.instance.live_migration._rollback.start',
      'compute.instance.live_migration.rollback.dest.start',
      'compute.instance.live_migration.rollback.dest.end',
      'compute.instance.live_migration._rollback.end',
    ]);
    const r = rowOf(w.cloud, id);
    expect([lastMigration(w.cloud, id).status, r.host, r.vm_state, r.task_state]).toEqual(['cancelled', 'a1', 'active', null]);
    expect(allocationsOf(w.cloud.state, id)).toEqual(alloc);
    checkPlacement(w.cloud);
    const [action] = w.admin.compute.listInstanceActions(id);
    expect(action?.action).toBe('live_migration_cancel');
  });

  it('max_concurrent_live_migrations 1: the second migration of a source waits queued; aborting it cancels it at once', () => {
    const w = clockWorld();
    const one = bootOn(w, 'one', 'a1');
    const two = bootOn(w, 'two', 'a1');
    const three = bootOn(w, 'three', 'a1');
    w.admin.compute.liveMigrateServer(one, { host: 'b1', block_migration: 'auto' });
    w.admin.compute.liveMigrateServer(two, { host: 'c1', block_migration: 'auto' });
    w.admin.compute.liveMigrateServer(three, { host: 'c1', block_migration: 'auto' });
    w.cloud.clock.advance(3);
    expect([lastMigration(w.cloud, one).status, lastMigration(w.cloud, two).status, lastMigration(w.cloud, three).status]).toEqual(['running', 'queued', 'queued']);
    expect(w.admin.compute.listServerMigrations(two).map((m) => m.status)).toEqual(['queued']);
    // 2.65: a queued one may be aborted
    w.admin.compute.abortMigration(two, lastMigration(w.cloud, two).id);
    w.cloud.clock.advance(1);
    expect([lastMigration(w.cloud, two).status, rowOf(w.cloud, two).task_state, rowOf(w.cloud, two).host]).toEqual(['cancelled', null, 'a1']);
    oneConsumer(w.cloud, two);
    w.cloud.run();
    expect([lastMigration(w.cloud, one).status, lastMigration(w.cloud, three).status]).toEqual(['completed', 'completed']);
    expect([rowOf(w.cloud, one).host, rowOf(w.cloud, three).host]).toEqual(['b1', 'c1']);
    checkPlacement(w.cloud);
  });

  it('force complete and abort refusals: unknown ids, wrong statuses, a member, another project', () => {
    const w = clockWorld();
    const id = bootOn(w, 'big', 'a1');
    refused(w.cloud, () => w.admin.compute.forceCompleteMigration(id, 1), 409, `Instance ${id} is in an invalid state for 'force_complete'`);
    refused(w.cloud, () => w.admin.compute.abortMigration(id, 1), 409, `Instance ${id} is in an invalid state for 'abort live migration'`);
    w.admin.compute.liveMigrateServer(id, { host: 'b1', block_migration: 'auto' });
    w.cloud.clock.advance(0.5);
    const m = lastMigration(w.cloud, id);
    refused(w.cloud, () => w.admin.compute.forceCompleteMigration(id, m.id), 400, `Migration ${m.id} state of instance ${id} is accepted. Cannot force complete while the migration is in this state.`);
    refused(w.cloud, () => w.admin.compute.abortMigration(id, m.id), 400, `Migration ${m.id} state of instance ${id} is accepted. Cannot abort live migration while the migration is in this state.`);
    refused(w.cloud, () => w.admin.compute.forceCompleteMigration(id, 999), { status: 400, message: `Migration 999 not found for instance ${id}` });
    refused(w.cloud, () => w.admin.compute.forceCompleteMigration(id, 'abc'), { status: 400, message: `Migration abc not found for instance ${id}` });
    refused(w.cloud, () => w.admin.compute.abortMigration(id, '999'), { status: 404, message: `Migration 999 not found for instance ${id}` });
    refused(w.cloud, () => w.demo.compute.abortMigration(id, m.id), 404);
    for (const bad of [NaN, -1, 1.5, {}, null, '', 'x'.repeat(100_000), [] as unknown]) {
      refused(w.cloud, () => w.admin.compute.abortMigration(id, bad as never), { status: 400, field: 'migration_id' });
      refused(w.cloud, () => w.admin.compute.forceCompleteMigration(id, bad as never), { status: 400, field: 'migration_id' });
    }
    // a member of the server's own project: 403 (admin only)
    const mine = w.demo.compute.createServer({ name: 'mine', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'none' }) as { id: string };
    w.cloud.run();
    refused(w.cloud, () => w.demo.compute.forceCompleteMigration(mine.id, 1), 403, "Policy doesn't allow os_compute_api:servers:migrations:force_complete to be performed.");
    refused(w.cloud, () => w.demo.compute.abortMigration(mine.id, 1), 403, "Policy doesn't allow os_compute_api:servers:migrations:delete to be performed.");
  });
});

// ------------------------------------------------------------------------------ the property

describe('draining a host by live migration', () => {
  it('every server of a1 moves away, placement consistent after every step (seed 1515)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ flavor: fc.constantFrom('m1.tiny', 'm1.small', 'm1.medium'), paused: fc.boolean(), forced: fc.constantFrom<'scheduled' | 'b1' | 'c1' | 'a2'>('scheduled', 'b1', 'c1', 'a2'), block: fc.constantFrom<true | 'auto'>(true, 'auto') }), { minLength: 1, maxLength: 5 }),
        (specs) => {
          const w = world(7);
          const ids: string[] = [];
          for (const [i, spec] of specs.entries()) {
            const created = w.admin.compute.createServer({ name: `s${i}`, flavorRef: spec.flavor, imageRef: CIRROS_IMAGE_NAME, networks: 'none', availability_zone: 'nova:a1' } as never) as { id: string };
            if (spec.paused) w.admin.compute.pauseServer(created.id);
            ids.push(created.id);
            checkPlacement(w.cloud);
          }
          for (const [i, id] of ids.entries()) {
            const spec = specs[i]!;
            const body = spec.forced === 'scheduled' ? { host: null, block_migration: spec.block } : { host: spec.forced, block_migration: spec.block, force: true };
            w.admin.compute.liveMigrateServer(id, body);
            checkPlacement(w.cloud);
            const r = rowOf(w.cloud, id) as ServerRow;
            const m = lastMigration(w.cloud, id);
            expect(r.task_state).toBeNull();
            expect(r.vm_state).toBe(spec.paused ? 'paused' : 'active');
            if (m.status === 'completed') expect(r.host).not.toBe('a1');
            else expect([m.status, r.host]).toEqual(['error', 'a1']);
            oneConsumer(w.cloud, id);
          }
          // what is left on a1 went nowhere only for a reason the fault names
          for (const id of ids) if (rowOf(w.cloud, id).host === 'a1') expect(rowOf(w.cloud, id).fault).not.toBeNull();
        },
      ),
      { seed: 1515, numRuns: 15 },
    );
  });
});

