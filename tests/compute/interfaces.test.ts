/**
 * `/servers/{id}/os-interface` and `/servers/{id}/ips` at 2.93
 * (nova/api/openstack/compute/attach_interfaces.py, ips.py, views/addresses.py;
 * nova/compute/api.py attach_interface / detach_interface; nova/compute/manager.py
 * attach_interface / detach_interface; nova/network/neutron.py allocate_for_instance,
 * deallocate_port_for_instance): ports made or taken, bound to the host, listed, detached
 * (deleted or unbound), the addresses by network, and every refusal.
 */
import { describe, expect, it } from 'vitest';
import { type Session } from '../../src/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { actionsOf } from '../../src/compute/actions.js';
import { boot, computeWorld, refused } from './support.js';

/** A second network of the session's project, with an IPv4 subnet. */
function network(session: Session, name: string, cidr: string): { network: string; subnet: string } {
  const net = session.network.createNetwork({ name });
  const subnet = session.network.createSubnet({ network_id: net.id, cidr, ip_version: 4, name: `${name}-subnet` } as never);
  return { network: net.id, subnet: subnet.id };
}

const MISSING = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

describe('list and show', () => {
  it("lists the server's ports as Neutron has them, with the VIF's tag", () => {
    const { cloud, demo, reader, admin } = computeWorld(1);
    const vm = boot(demo, 'vm', { networks: [{ uuid: demo.network.listNetworks().find((n) => n.name === 'private')!.id, tag: 'nic0' }] } as never);
    const list = demo.compute.listInterfaces(vm.id);
    expect(list).toHaveLength(1);
    const port = admin.network.getPort(list[0]!.port_id);
    expect(list[0]).toEqual({
      net_id: port.network_id,
      port_id: port.id,
      mac_addr: port.mac_address,
      port_state: 'ACTIVE',
      fixed_ips: port.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
      tag: 'nic0',
    });
    expect(demo.compute.getInterface(vm.id, port.id)).toEqual(list[0]);
    expect(reader.compute.listInterfaces(vm.id)).toEqual(list);
    expect(reader.compute.getInterface(vm.id, port.id)).toEqual(list[0]);
    refused(cloud, () => demo.compute.getInterface(vm.id, MISSING), 404, { message: `Port id ${MISSING} could not be found.` });
    const loose = demo.network.createPort({ network_id: port.network_id });
    refused(cloud, () => demo.compute.getInterface(vm.id, loose.id), 404, { message: `Instance ${vm.id} does not have a port with id ${loose.id}` });
  });
});

describe('attach', () => {
  it('creates a port on net_id with the user, binds it to the host, and a detach deletes it', () => {
    const { cloud, admin, demo } = computeWorld(2);
    const vm = boot(demo, 'vm');
    const { network: net, subnet } = network(demo, 'second', '192.168.77.0/24');
    const seen: string[] = [];
    cloud.events.on('*', (e) => {
      if (e.event_type.startsWith('compute.instance.interface')) seen.push(e.event_type);
    });
    const added = demo.compute.attachInterface(vm.id, { net_id: net, fixed_ips: [{ ip_address: '192.168.77.50' }], tag: 'second' });
    expect(added).toMatchObject({ net_id: net, port_state: 'ACTIVE', fixed_ips: [{ subnet_id: subnet, ip_address: '192.168.77.50' }], tag: 'second' });
    const host = admin.compute.getServer(vm.id)['OS-EXT-SRV-ATTR:host'];
    const port = admin.network.getPort(added.port_id);
    expect(port.device_id).toBe(vm.id);
    expect(port.device_owner).toBe('compute:nova');
    expect(port['binding:host_id']).toBe(host);
    expect(port.project_id).toBe(demo.compute.getServer(vm.id).tenant_id);
    expect(demo.compute.listInterfaces(vm.id).map((i) => i.port_id)).toContain(added.port_id);
    expect(demo.compute.getServer(vm.id).addresses.second).toEqual([expect.objectContaining({ addr: '192.168.77.50', version: 4, 'OS-EXT-IPS:type': 'fixed' })]);
    const attach = actionsOf(cloud.state, vm.id).find((a) => a.action === 'attach_interface')!;
    expect(attach.events.map((e) => [e.event, e.result])).toEqual([['compute_attach_interface', 'Success']]);
    demo.compute.detachInterface(vm.id, added.port_id);
    refused(cloud, () => admin.network.getPort(added.port_id), 404);
    expect(demo.compute.listInterfaces(vm.id).map((i) => i.port_id)).not.toContain(added.port_id);
    expect(demo.compute.getServer(vm.id).addresses.second).toBeUndefined();
    const detach = actionsOf(cloud.state, vm.id).find((a) => a.action === 'detach_interface')!;
    expect(detach.events.map((e) => [e.event, e.result])).toEqual([['compute_detach_interface', 'Success']]);
    expect(seen).toEqual(['compute.instance.interface.attach.start', 'compute.instance.interface.attach.end', 'compute.instance.interface.detach.start', 'compute.instance.interface.detach.end']);
  });

  it("takes the user's port (PortInUse once it has a device), and a detach unbinds it", () => {
    const { cloud, admin, demo } = computeWorld(3);
    const vm = boot(demo, 'vm');
    const other = boot(demo, 'other');
    const { network: net } = network(demo, 'second', '192.168.78.0/24');
    const mine = demo.network.createPort({ network_id: net, name: 'mine' });
    const added = demo.compute.attachInterface(vm.id, { port_id: mine.id });
    expect(added.port_id).toBe(mine.id);
    expect(admin.network.getPort(mine.id)['binding:host_id']).toBe(admin.compute.getServer(vm.id)['OS-EXT-SRV-ATTR:host']);
    refused(cloud, () => demo.compute.attachInterface(other.id, { port_id: mine.id }), 409, { message: `Port ${mine.id} is still in use.` });
    demo.compute.detachInterface(vm.id, mine.id);
    const after = admin.network.getPort(mine.id);
    expect(after.device_id).toBe('');
    expect(after['binding:host_id']).toBe('');
    // free again: the other server may take it
    expect(demo.compute.attachInterface(other.id, { port_id: mine.id }).port_id).toBe(mine.id);
  });

  it("picks the project's only network when none is named, and refuses when there are several", () => {
    const { cloud, demo } = computeWorld(4);
    const vm = boot(demo, 'vm');
    const added = demo.compute.attachInterface(vm.id, {});
    expect(added.net_id).toBe(demo.network.listNetworks().find((n) => n.name === 'private')!.id);
    expect(demo.compute.listInterfaces(vm.id)).toHaveLength(2);
    network(demo, 'second', '192.168.79.0/24');
    refused(cloud, () => demo.compute.attachInterface(vm.id, {}), 400, { message: 'Multiple possible networks found, use a Network ID to be more specific.' });
  });

  it('refuses what nova refuses: both ids, an address without network, unknown or foreign networks and ports, an external network, an address in use', () => {
    const { cloud, demo, alt } = computeWorld(5);
    const vm = boot(demo, 'vm');
    const { network: net } = network(demo, 'second', '192.168.80.0/24');
    const theirs = network(alt, 'theirs', '192.168.81.0/24');
    const altPort = alt.network.createPort({ network_id: theirs.network });
    const pub = demo.network.listNetworks().find((n) => n.name === 'public')!;
    const port = demo.network.createPort({ network_id: net });
    refused(cloud, () => demo.compute.attachInterface(vm.id, { net_id: net, port_id: port.id }), 400, { message: 'Must not input both network_id and port_id' });
    refused(cloud, () => demo.compute.attachInterface(vm.id, { fixed_ips: [{ ip_address: '10.0.0.9' }] }), 400, { message: 'Must input network_id when request IP address' });
    refused(cloud, () => demo.compute.attachInterface(vm.id, { net_id: MISSING }), 404, { message: `Network ${MISSING} could not be found.` });
    refused(cloud, () => demo.compute.attachInterface(vm.id, { net_id: theirs.network }), 404, { message: `Network ${theirs.network} could not be found.` });
    refused(cloud, () => demo.compute.attachInterface(vm.id, { port_id: MISSING }), 404, { message: `Port id ${MISSING} could not be found.` });
    refused(cloud, () => demo.compute.attachInterface(vm.id, { port_id: altPort.id }), 404, { message: `Port id ${altPort.id} could not be found.` });
    refused(cloud, () => demo.compute.attachInterface(vm.id, { net_id: pub.id }), 403, { message: `It is not allowed to create an interface on external network ${pub.id}` });
    refused(cloud, () => demo.compute.attachInterface(vm.id, { net_id: net, fixed_ips: [{ ip_address: port.fixed_ips[0]!.ip_address }] }), 409, { message: `Fixed IP ${port.fixed_ips[0]!.ip_address} is already in use.` });
    refused(cloud, () => demo.compute.attachInterface(vm.id, { net_id: net, fixed_ips: [{ ip_address: '172.31.0.5' }] }), 400, { message: `Invalid input received: Fixed IP 172.31.0.5 is not a valid ip address for network ${net}.` });
  });
});

describe('detach', () => {
  it("answers 202 for a port the server lacks; nova-compute's event ends in Error", () => {
    const { cloud, demo } = computeWorld(6);
    const vm = boot(demo, 'vm');
    demo.compute.detachInterface(vm.id, MISSING);
    const action = actionsOf(cloud.state, vm.id).find((a) => a.action === 'detach_interface')!;
    expect(action.message).toBe('Error');
    expect(action.events.map((e) => [e.event, e.result, e.details])).toEqual([['compute_detach_interface', 'Error', `Port ${MISSING} is not attached`]]);
    expect(demo.compute.listInterfaces(vm.id)).toHaveLength(1);
    expect(demo.compute.getServer(vm.id).status).toBe('ACTIVE');
  });

  it("runs on nova-compute: the port stays until the task runs (clock progression)", () => {
    const { cloud, admin, demo } = computeWorld(7, { progression: 'clock' });
    const id = (demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string }).id;
    cloud.run();
    const port = demo.compute.listInterfaces(id)[0]!.port_id;
    demo.compute.detachInterface(id, port);
    expect(admin.network.getPort(port).device_id).toBe(id);
    cloud.run();
    refused(cloud, () => admin.network.getPort(port), 404);
    expect(demo.compute.getServer(id).addresses).toEqual({});
  });
});

describe('ips', () => {
  it('lists the addresses by network label, fixed then floating, and one label', () => {
    const { cloud, demo, reader } = computeWorld(8);
    const vm = boot(demo, 'vm');
    const ips = demo.compute.listServerAddresses(vm.id);
    expect(Object.keys(ips)).toEqual(['private']);
    const fixed = demo.compute.getServer(vm.id).addresses.private!.map((a) => ({ version: a.version, addr: a.addr }));
    expect(ips.private).toEqual(fixed);
    expect(demo.compute.getServerAddresses(vm.id, 'private')).toEqual({ private: fixed });
    expect(reader.compute.listServerAddresses(vm.id)).toEqual(ips);
    refused(cloud, () => demo.compute.getServerAddresses(vm.id, 'public'), 404, { message: 'Instance is not a member of specified network' });
    refused(cloud, () => demo.compute.getServerAddresses(vm.id, '__proto__'), 404, { message: 'Instance is not a member of specified network' });
    const pub = demo.network.listNetworks().find((n) => n.name === 'public')!;
    const port = demo.compute.listInterfaces(vm.id)[0]!.port_id;
    const fip = demo.network.createFloatingIp({ floating_network_id: pub.id, port_id: port });
    const withFloating = demo.compute.listServerAddresses(vm.id).private!;
    expect(withFloating).toEqual([...fixed, { version: 4, addr: fip.floating_ip_address }]);
  });
});

describe('refusals', () => {
  it('answers 404 to another project for every operation and 403 to the reader for the writes', () => {
    const { cloud, demo, alt, reader } = computeWorld(9);
    const vm = boot(demo, 'vm');
    const port = demo.compute.listInterfaces(vm.id)[0]!.port_id;
    const gone = `Instance ${vm.id} could not be found.`;
    refused(cloud, () => alt.compute.listInterfaces(vm.id), 404, { message: gone });
    refused(cloud, () => alt.compute.getInterface(vm.id, port), 404, { message: gone });
    refused(cloud, () => alt.compute.attachInterface(vm.id, {}), 404, { message: gone });
    refused(cloud, () => alt.compute.detachInterface(vm.id, port), 404, { message: gone });
    refused(cloud, () => alt.compute.listServerAddresses(vm.id), 404, { message: gone });
    refused(cloud, () => alt.compute.getServerAddresses(vm.id, 'private'), 404, { message: gone });
    refused(cloud, () => reader.compute.attachInterface(vm.id, {}), 403, { message: "Policy doesn't allow os_compute_api:os-attach-interfaces:create to be performed." });
    refused(cloud, () => reader.compute.detachInterface(vm.id, port), 403, { message: "Policy doesn't allow os_compute_api:os-attach-interfaces:delete to be performed." });
  });

  it('refuses the wrong states with 409 (building, locked, suspended, deleting)', () => {
    const { cloud, admin, demo } = computeWorld(10, { progression: 'clock' });
    const id = (demo.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string }).id;
    refused(cloud, () => demo.compute.attachInterface(id, {}), 409, { message: `Cannot 'attach_interface' instance ${id} while it is in vm_state building` });
    refused(cloud, () => demo.compute.detachInterface(id, MISSING), 409, { message: `Cannot 'detach_interface' instance ${id} while it is in vm_state building` });
    cloud.run();
    demo.compute.lockServer(id);
    cloud.run();
    refused(cloud, () => demo.compute.attachInterface(id, {}), 409, { message: `Instance ${id} is locked` });
    expect(admin.compute.attachInterface(id, {}).port_id).toEqual(expect.any(String));
    demo.compute.unlockServer(id);
    cloud.run();
    demo.compute.suspendServer(id);
    cloud.run();
    refused(cloud, () => demo.compute.attachInterface(id, {}), 409, { message: `Cannot 'attach_interface' instance ${id} while it is in vm_state suspended` });
    demo.compute.resumeServer(id);
    cloud.run();
    demo.compute.stopServer(id);
    cloud.run();
    expect(demo.compute.attachInterface(id, {}).port_state).toEqual(expect.any(String));
    demo.compute.deleteServer(id);
    refused(cloud, () => demo.compute.detachInterface(id, MISSING), 409, { message: `Cannot 'detach_interface' instance ${id} while it is in task_state deleting` });
  });

  it('refuses bad input of every shape with a 400 naming the field, changing nothing', () => {
    const { cloud, demo } = computeWorld(11);
    const vm = boot(demo, 'vm');
    const net = demo.network.listNetworks().find((n) => n.name === 'private')!.id;
    const circular: Record<string, unknown> = { net_id: net };
    circular.loop = circular;
    const proto = JSON.parse(`{"net_id": "${net}", "__proto__": {"polluted": true}}`) as unknown;
    const bodies: [unknown, string][] = [
      ['x', 'interfaceAttachment'],
      [[net], 'interfaceAttachment'],
      [7, 'interfaceAttachment'],
      [{ net_id: 7 }, 'net_id'],
      [{ net_id: Number.NaN }, 'net_id'],
      [{ net_id: 'private' }, 'net_id'],
      [{ net_id: 'f'.repeat(100_000) }, 'net_id'],
      [{ port_id: { id: net } }, 'port_id'],
      [{ port_id: 'nope' }, 'port_id'],
      [{ net_id: net, fixed_ips: '10.0.0.5' }, 'fixed_ips'],
      [{ net_id: net, fixed_ips: [] }, 'fixed_ips'],
      [{ net_id: net, fixed_ips: [{ ip_address: '10.0.0.5' }, { ip_address: '10.0.0.6' }] }, 'fixed_ips'],
      [{ net_id: net, fixed_ips: [{}] }, 'fixed_ips[0].ip_address'],
      [{ net_id: net, fixed_ips: [{ ip_address: 'ten' }] }, 'fixed_ips[0].ip_address'],
      [{ net_id: net, fixed_ips: [{ ip_address: 10 }] }, 'fixed_ips[0].ip_address'],
      [{ net_id: net, fixed_ips: [{ ip_address: '10.0.0.5', subnet_id: net }] }, 'fixed_ips[0].subnet_id'],
      [{ net_id: net, fixed_ips: [null] }, 'fixed_ips[0]'],
      [{ net_id: net, tag: 'a,b' }, 'tag'],
      [{ net_id: net, tag: 5 }, 'tag'],
      [{ net_id: net, tag: 'x'.repeat(61) }, 'tag'],
      [{ net_id: net, other: 1 }, 'interfaceAttachment.other'],
      [circular, 'interfaceAttachment.loop'],
      [proto, 'interfaceAttachment.__proto__'],
    ];
    for (const [body, field] of bodies) refused(cloud, () => demo.compute.attachInterface(vm.id, body as never), 400, { field });
    for (const id of [42, null, { id: net }, '', 'x'.repeat(1000)]) {
      refused(cloud, () => demo.compute.getInterface(vm.id, id as never), 400, { field: 'port_id' });
      refused(cloud, () => demo.compute.detachInterface(vm.id, id as never), 400, { field: 'port_id' });
      refused(cloud, () => demo.compute.getServerAddresses(vm.id, id as never), 400, { field: 'network_label' });
    }
    for (const ref of [42, null, { id: 7 }, 'x'.repeat(100_000)]) {
      const e = refused(cloud, () => demo.compute.listInterfaces(ref as never), 400);
      expect(e.details.field).toMatch(/server/);
      refused(cloud, () => demo.compute.attachInterface(ref as never, {}), 400);
    }
  });
});
