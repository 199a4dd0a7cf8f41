/**
 * The boot sequence (nova-api → conductor → scheduler and Placement → cell → nova-compute) as a
 * user sees it: the answer, the trace in Zed's order, ports bound on the host, the image cache,
 * cell0 with "No valid host", failures cleaned up as nova cleans them, quotas, networks.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { getRow, tablePrefix } from '../../src/core/index.js';
import { computeWorld, boot } from './support.js';
import type { ServerView } from '../../src/compute/index.js';

const create = (w: ReturnType<typeof computeWorld>, body: Record<string, unknown>, session = w.demo) =>
  session.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto', ...body } as never);

const allocationsOn = (w: ReturnType<typeof computeWorld>, uuid: string) => getRow(w.cloud.state.placement.allocations, uuid) ?? {};

describe('boot', () => {
  it('answers 202 with id, links, adminPass; the server is ACTIVE on a host with its flavor claimed and its port bound there', () => {
    const w = computeWorld(1);
    const created = create(w, {});
    expect(created).toMatchObject({ 'OS-DCF:diskConfig': 'MANUAL', security_groups: [{ name: 'default' }] });
    expect((created as { adminPass: string }).adminPass).toMatch(/^[a-zA-Z0-9]{12}$/);
    const id = (created as { id: string }).id;
    const admin = w.admin.compute.getServer(id);
    expect(admin.status).toBe('ACTIVE');
    expect(admin['OS-EXT-STS:power_state']).toBe(1);
    const host = admin['OS-EXT-SRV-ATTR:host'] as string;
    expect(host).toBeTruthy();
    const hostRow = w.cloud.hardware.getHost(host);
    expect(allocationsOn(w, id)).toEqual({ [hostRow.id]: { VCPU: 1, MEMORY_MB: 512, DISK_GB: 1 } });
    const ports = w.admin.network.listPorts({ device_id: id });
    expect(ports).toHaveLength(1);
    expect(ports[0]).toMatchObject({ 'binding:host_id': host, status: 'ACTIVE', device_owner: 'compute:nova' });
    const addresses = Object.values(admin.addresses).flat().map((a) => a.addr);
    expect(addresses).toEqual(ports[0]!.fixed_ips.map((f) => f.ip_address));
    // the demo user sees no OS-EXT-SRV-ATTR host
    expect(w.demo.compute.getServer(id)['OS-EXT-SRV-ATTR:host']).toBeUndefined();
  });

  it('the trace shows the steps in Zed order, and a second boot of the image on the host skips the download', () => {
    const w = computeWorld(1, { nova: { default_schedule_zone: null } });
    // one compute host only, so both boots land on it
    for (const h of ['compute1', 'compute2']) w.cloud.hardware.startMaintenance(h, 'test');
    create(w, { name: 'a' });
    const steps = w.cloud.trace()!.steps.map((s) => `${s.service}: ${s.action}`);
    const order = ['nova-api: flavor', 'glance-api: image', 'neutron-server: networks validated', 'nova-api: quota', 'nova-conductor: schedule_and_build_instances', 'placement: allocation candidates', 'nova-scheduler: filters', 'nova-scheduler: claimed', 'nova-conductor: instance', 'nova-compute: build_and_run_instance', 'neutron-server: create_port', 'neutron-server: bind port', 'nova-compute: networks allocated', 'nova-compute: image', 'nova-compute: spawn', 'neutron-server: network-vif-plugged', 'nova-compute: instance'];
    let at = -1;
    for (const step of order) {
      const i = steps.findIndex((s, k) => k > at && s.startsWith(step));
      expect(i, `${step} after step ${at}: ${steps.join('\n')}`).toBeGreaterThan(at);
      at = i;
    }
    expect(steps.some((s) => s.includes('downloaded from Glance'))).toBe(true);
    create(w, { name: 'b' });
    const second = w.cloud.trace()!.steps.map((s) => s.action);
    expect(second.some((s) => s.includes("found in controller's image cache"))).toBe(true);
    expect(second.some((s) => s.includes('downloaded from Glance'))).toBe(false);
  });

  it("in progression 'clock' each step takes virtual time: BUILD until the image has crossed the host's NIC and the spawn is done", () => {
    const w = computeWorld(1, { progression: 'clock' });
    const id = (create(w, {}) as { id: string }).id;
    expect(w.demo.compute.getServer(id).status).toBe('BUILD');
    expect(w.demo.compute.getServer(id)['OS-EXT-STS:task_state']).toBe('scheduling');
    w.cloud.run();
    expect(w.demo.compute.getServer(id).status).toBe('ACTIVE');
    expect(w.cloud.clock.now()).toBeGreaterThanOrEqual(3);
  });

  it('nothing fits: the server is ERROR in cell0 with the "No valid host" fault, no allocation, no port; the quota stays counted', () => {
    const w = computeWorld(1);
    for (const h of ['controller', 'compute1', 'compute2']) w.cloud.hardware.startMaintenance(h, 'no room');
    const before = w.cloud.quotas.show(w.demo.tokenInfo().project!.id, 'compute').instances!.in_use;
    const failed = (create(w, { name: 'nowhere' }) as { id: string }).id;
    const view = w.demo.compute.getServer(failed);
    expect(view.status).toBe('ERROR');
    expect(view.fault).toMatchObject({ code: 500, message: expect.stringMatching(/^No valid host was found\. /) });
    // nova shows a 500 fault's details to admins only
    expect(view.fault?.details).toBeUndefined();
    expect(w.admin.compute.getServer(failed).fault?.details).toContain('NoValidHost');
    expect(allocationsOn(w, failed)).toEqual({});
    expect(w.demo.network.listPorts({ device_id: failed })).toHaveLength(0);
    expect(w.cloud.quotas.show(w.demo.tokenInfo().project!.id, 'compute').instances!.in_use).toBe(before + 1);
    expect(w.admin.compute.getServer(failed)['OS-EXT-SRV-ATTR:host']).toBeNull();
  });

  it('a host that goes down between the scheduler and the build: rescheduled to an alternate, the first host keeps nothing', () => {
    const w = computeWorld(1, { progression: 'clock' });
    const id = (create(w, {}) as { id: string }).id;
    w.cloud.clock.advance(0.5); // the conductor: scheduled and claimed, not yet built
    const row = getRow(w.cloud.state.compute.servers, id)!;
    expect(row).toMatchObject({ vm_state: 'building', task_state: 'scheduling', cell: 'cell1' });
    const first = w.cloud.hardware.getHost(row.host!);
    expect(Object.keys(allocationsOn(w, id))).toEqual([first.id]);
    w.cloud.hardware.failHost(first.name, 'test');
    w.cloud.run();
    const after = w.admin.compute.getServer(id);
    expect(after.status).toBe('ACTIVE');
    expect(after['OS-EXT-SRV-ATTR:host']).not.toBe(first.name);
    expect(Object.keys(allocationsOn(w, id))).toEqual([w.cloud.hardware.getHost(after['OS-EXT-SRV-ATTR:host'] as string).id]);
  });

  it('min_count / max_count: names suffixed -1, -2 …, hostnames too, one reservation', () => {
    const w = computeWorld(1);
    const r = create(w, { name: 'web', min_count: 3, return_reservation_id: true });
    expect(r).toEqual({ reservation_id: expect.stringMatching(/^r-[a-z0-9]{8}$/) });
    const listed = w.demo.compute.listServers({ reservation_id: (r as { reservation_id: string }).reservation_id });
    expect(listed.map((s) => s.name).sort()).toEqual(['web-1', 'web-2', 'web-3']);
    expect(listed.map((s) => s['OS-EXT-SRV-ATTR:hostname']).sort()).toEqual(['web-1', 'web-2', 'web-3']);
    expect(listed.every((s) => s.status === 'ACTIVE')).toBe(true);
  });

  it('quota: over instances is 403 with nova\'s message and nothing changes', () => {
    const w = computeWorld(1);
    const before = w.cloud.state;
    expect(() => create(w, { min_count: 11 })).toThrow(expect.objectContaining({ status: 403, message: 'Quota exceeded for instances: Requested 11, but already used 0 of 10 instances' }));
    expect(w.cloud.state).toBe(before);
    expect(() => create(w, { flavorRef: 'm1.xlarge', min_count: 3 })).toThrow(expect.objectContaining({ status: 403, message: 'Quota exceeded for cores: Requested 24, but already used 0 of 20 cores' }));
    expect(() => create(w, { flavorRef: 'm1.xlarge', min_count: 4 })).toThrow(expect.objectContaining({ status: 403, message: 'Quota exceeded for cores, ram: Requested 32, 65536, but already used 0, 0 of 20, 51200 cores, ram' }));
    // max_count beyond the quota boots what fits
    create(w, { flavorRef: 'm1.large', min_count: 1, max_count: 9 });
    expect(w.demo.compute.listServers()).toHaveLength(5);
  });

  it('networks: auto with two usable networks is 409 NetworkAmbiguous; an unknown network 400; none boots without a port; a port in use 409', () => {
    const w = computeWorld(1);
    const net = w.demo.network.createNetwork({ name: 'second' });
    w.demo.network.createSubnet({ network_id: net.id, ip_version: 4, cidr: '192.168.50.0/24' });
    let before = w.cloud.state;
    expect(() => create(w, {})).toThrow(expect.objectContaining({ status: 409, message: 'Multiple possible networks found, use a Network ID to be more specific.' }));
    expect(w.cloud.state).toBe(before);
    expect(() => create(w, { networks: [{ uuid: '7b8b4a8e-0000-4000-8000-000000000000' }] })).toThrow(expect.objectContaining({ status: 400, message: 'Network 7b8b4a8e-0000-4000-8000-000000000000 could not be found.' }));
    const none = w.demo.compute.getServer((create(w, { networks: 'none' }) as { id: string }).id);
    expect(none.status).toBe('ACTIVE');
    expect(none.addresses).toEqual({});
    const fixed = w.demo.compute.getServer((create(w, { networks: [{ uuid: net.id, fixed_ip: '192.168.50.77' }] }) as { id: string }).id);
    expect(fixed.addresses.second?.[0]?.addr).toBe('192.168.50.77');
    before = w.cloud.state;
    expect(() => create(w, { networks: [{ uuid: net.id, fixed_ip: '192.168.50.77' }] })).toThrow(expect.objectContaining({ status: 400 }));
    const port = w.demo.network.createPort({ network_id: net.id });
    const withPort = w.demo.compute.getServer((create(w, { networks: [{ port: port.id }] }) as { id: string }).id);
    expect(w.admin.network.getPort(port.id)).toMatchObject({ device_id: withPort.id, status: 'ACTIVE', 'binding:host_id': w.admin.compute.getServer(withPort.id)['OS-EXT-SRV-ATTR:host'] });
    expect(() => create(w, { networks: [{ port: port.id }] })).toThrow(expect.objectContaining({ status: 409, message: `Port ${port.id} is still in use.` }));
    // deleting the server unbinds the user's port and keeps it; nova's own ports go
    const autoPorts = w.demo.network.listPorts({ device_id: fixed.id }).map((p) => p.id);
    w.demo.compute.deleteServer(withPort.id);
    w.demo.compute.deleteServer(fixed.id);
    expect(w.admin.network.getPort(port.id)).toMatchObject({ device_id: '', 'binding:host_id': '' });
    for (const p of autoPorts) expect(() => w.demo.network.getPort(p)).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('bad input of any shape is a 400 naming the field and changes nothing', () => {
    const w = computeWorld(1);
    const circular: Record<string, unknown> = { name: 'x' };
    circular.self = circular;
    const bodies: unknown[] = [null, 42, 'server', [], { name: 'x' }, { name: 'x', flavorRef: 'm1.tiny' }, { name: '', flavorRef: 'm1.tiny', networks: 'auto' }, { name: ' x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME },
      { name: 'x', flavorRef: NaN, networks: 'auto', imageRef: CIRROS_IMAGE_NAME }, { name: 'x', flavorRef: 'm1.tiny', networks: 'sometimes', imageRef: CIRROS_IMAGE_NAME }, { name: 'x'.repeat(256), flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME },
      { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME, min_count: 0 }, { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME, max_count: 1e9 },
      { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME, metadata: { a: 1 } }, JSON.parse('{"name":"x","flavorRef":"m1.tiny","networks":"auto","__proto__":{"admin":true}}'), circular,
      { name: 'x', flavorRef: 'nope', networks: 'auto', imageRef: CIRROS_IMAGE_NAME }, { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: 'no-such-image' }, { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME, key_name: 'nokey' },
      { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME, availability_zone: 'nowhere' }, { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME, security_groups: [{ name: 'nosuch' }] },
      { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME, tags: ['a/b'] }, { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME, user_data: 'not base64!' },
      { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', imageRef: CIRROS_IMAGE_NAME, 'os:scheduler_hints': { group: 'not-a-uuid' } }, { name: 'x', flavorRef: 'm1.tiny', networks: 'auto', block_device_mapping_v2: [{ source_type: 'volume', boot_index: 0 }] }];
    for (const body of bodies) {
      const before = w.cloud.state;
      let error: unknown;
      try {
        w.demo.compute.createServer(body as never);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(body, (k, v) => (k === 'self' ? '[circular]' : v))).toMatchObject({ status: expect.any(Number) });
      const status = (error as { status: number }).status;
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(error).not.toBeInstanceOf(TypeError);
      expect(w.cloud.state).toBe(before);
    }
  });

  it('another project cannot see or delete the server (404); the reader may look but not create or delete (403)', () => {
    const w = computeWorld(1);
    const v = boot(w.demo, 'mine');
    let before = w.cloud.state;
    expect(() => w.alt.compute.getServer(v.id)).toThrow(expect.objectContaining({ status: 404, message: `Instance ${v.id} could not be found.` }));
    expect(() => w.alt.compute.deleteServer(v.id)).toThrow(expect.objectContaining({ status: 404 }));
    expect(w.cloud.state).toBe(before);
    expect(w.reader.compute.getServer(v.id).id).toBe(v.id);
    expect(() => w.reader.compute.deleteServer(v.id)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => create(w, {}, w.reader)).toThrow(expect.objectContaining({ status: 403 }));
    expect(w.cloud.state).toBe(before);
    before = w.cloud.state;
    expect(w.alt.compute.listServers()).toEqual([]);
  });

  it('delete frees everything: allocation, ports, quota; the row stays as nova\'s deleted record, shown with changes-since', () => {
    const w = computeWorld(1);
    const v = boot(w.demo, 'gone');
    const project = w.demo.tokenInfo().project!.id;
    w.demo.compute.deleteServer(v.id);
    expect(allocationsOn(w, v.id)).toEqual({});
    expect(w.demo.network.listPorts({ device_id: v.id })).toEqual([]);
    expect(w.cloud.quotas.show(project, 'compute').instances!.in_use).toBe(0);
    expect(() => w.demo.compute.getServer(v.id)).toThrow(expect.objectContaining({ status: 404 }));
    expect(w.demo.compute.listServers()).toEqual([]);
    const since = w.demo.compute.listServers({ 'changes-since': '2000-01-01T00:00:00Z' });
    expect(since.map((s) => [s.id, s.status])).toEqual([[v.id, 'DELETED']]);
    expect(tablePrefix(w.cloud.state.compute.bdms, `${v.id}/`)).toEqual([]);
  });

  it('the list filters: name is a regular expression, status, and a non-admin\'s admin-only filters are dropped (seed 1414)', () => {
    const w = computeWorld(1);
    const names = ['alpha', 'beta', 'alphabet'];
    const views: ServerView[] = names.map((n) => boot(w.demo, n));
    expect(w.demo.compute.listServers({ name: '^alpha' }).map((s) => s.name).sort()).toEqual(['alpha', 'alphabet']);
    expect(w.demo.compute.listServers({ status: 'ACTIVE' })).toHaveLength(3);
    expect(w.demo.compute.listServers({ status: 'SHUTOFF' })).toHaveLength(0);
    expect(w.demo.compute.listServers({ host: 'nowhere' })).toHaveLength(3); // dropped for a non-admin
    expect(w.admin.compute.listServers({ host: 'nowhere', all_tenants: true })).toHaveLength(0);
    expect(() => w.demo.compute.listServers({ all_tenants: true })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => w.demo.compute.listServers({ status: 'SLEEPING' })).toThrow(expect.objectContaining({ status: 400, message: 'Invalid status value' }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), (limit) => {
        const page = w.demo.compute.listServerSummaries({ limit });
        expect(page).toHaveLength(limit);
        return true;
      }),
      { seed: 1414, numRuns: 8 },
    );
    void views;
  });

  it('a detach while the storage host is down fails with a fault, the volume stays attached, and the clock goes on', () => {
    const w = computeWorld(3, { progression: 'clock' });
    const id = (create(w, {}) as { id: string }).id;
    const vol = w.demo.block.createVolume({ size: 1, name: 'v' } as never).id;
    w.cloud.run();
    w.demo.compute.attachVolume(id, { volumeId: vol });
    w.cloud.run();
    expect(w.demo.block.getVolume(vol).status).toBe('in-use');
    w.cloud.hardware.failHost('controller', 'storage node down'); // cinder-volume's host
    w.demo.compute.detachVolume(id, vol);
    expect(() => w.cloud.clock.advance(600)).not.toThrow();
    expect(w.demo.block.getVolume(vol).status).toBe('in-use');
    expect(w.demo.compute.listVolumeAttachments(id).map((a) => a.volumeId)).toEqual([vol]);
    const detach = w.demo.compute.listInstanceActions(id).find((a) => a.action === 'detach_volume');
    expect(detach?.message).toBe('Error');
  });

  it('the notifications of a boot and a delete, in nova\'s order, published by the compute host', () => {
    const w = computeWorld(1);
    const seen: string[] = [];
    w.cloud.events.on('*' as never, ((n: { event_type: string; publisher_id: string }) => {
      if (n.event_type.startsWith('compute.instance.')) seen.push(`${n.event_type} ${n.publisher_id}`);
    }) as never);
    const v = boot(w.demo, 'noisy');
    const host = w.admin.compute.getServer(v.id)['OS-EXT-SRV-ATTR:host'] as string;
    w.demo.compute.deleteServer(v.id);
    expect(seen).toEqual([`compute.instance.create.start compute.${host}`, `compute.instance.create.end compute.${host}`, `compute.instance.exists compute.${host}`, `compute.instance.delete.start compute.${host}`, `compute.instance.delete.end compute.${host}`]);
  });
});
