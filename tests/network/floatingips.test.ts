/**
 * Floating IPs through `session.network` (Zed's `neutron/db/l3_db.py` `_create_floatingip`,
 * `_update_fip_assoc`, `_check_and_get_fip_assoc`, `_internal_fip_assoc_data`,
 * `get_router_for_floatingip`; `fip-port-details`): an address from the external network's pool,
 * association through the router that joins the port's subnet to that network, disassociation,
 * deletion, notifications, quotas, isolation, and each refusal with Neutron's message — among
 * them the bad input "a floating IP on an unreachable port" — leaving the state the very
 * same object. A property drives random topologies and associations.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CloudError } from '../../src/index.js';
import { recordEvents, networkWorld } from './helpers.js';
import { caught, refused } from '../support/refusal.js';

const world = networkWorld;

function v4Of(port: { fixed_ips: readonly { ip_address: string; subnet_id: string }[] }): { ip_address: string; subnet_id: string } {
  return port.fixed_ips.find((f) => !f.ip_address.includes(':'))!;
}

describe('create, associate, disassociate, delete', () => {
  it('a new floating IP: an address of the public pool on a network:floatingip port of no project, DOWN', () => {
    const { cloud, admin, demo, publicId, demoId } = world(1101);
    const created = recordEvents(cloud, 'floatingip.create.end');
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId, description: 'web' });
    expect(Object.keys(fip).sort()).toEqual(['created_at', 'description', 'fixed_ip_address', 'floating_ip_address', 'floating_network_id', 'id', 'port_details', 'port_id', 'project_id', 'revision_number', 'router_id', 'status', 'tags', 'tenant_id', 'updated_at']);
    expect(fip).toMatchObject({ project_id: demoId, tenant_id: demoId, floating_network_id: publicId, router_id: null, port_id: null, fixed_ip_address: null, status: 'DOWN', description: 'web', port_details: null, tags: [] });
    expect(fip.floating_ip_address).toMatch(/^172\.24\.4\.\d+$/);
    expect(Object.isFrozen(fip)).toBe(true);
    const pool = admin.network.listSubnets({ network_id: publicId, ip_version: 4 })[0]!.allocation_pools[0]!;
    const last = (ip: string): number => Number(ip.split('.')[3]);
    expect(last(fip.floating_ip_address)).toBeGreaterThanOrEqual(last(pool.start));
    expect(last(fip.floating_ip_address)).toBeLessThanOrEqual(last(pool.end));
    const port = admin.network.listPorts({ device_id: fip.id })[0]!;
    expect(port).toMatchObject({ device_owner: 'network:floatingip', project_id: '', network_id: publicId, status: 'N/A' });
    expect(port.fixed_ips.map((f) => f.ip_address)).toContain(fip.floating_ip_address);
    expect(created.map((n) => n.payload)).toEqual([{ floatingip: fip }]);
    expect(cloud.quotas.show(demoId, 'network').floatingip!.in_use).toBe(1);
  });

  it('associates with a port router1 reaches (ACTIVE, port_details), disassociates (DOWN), deletes (address free again)', () => {
    const { cloud, admin, demo, publicId, privateId, routerId, demoId } = world(1102);
    const updated = recordEvents(cloud, 'floatingip.update.end');
    const deleted = recordEvents(cloud, 'floatingip.delete.end');
    const vm = demo.network.createPort({ network_id: privateId, name: 'vm', device_id: 'vm-1', device_owner: 'compute:nova' });
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId });
    const on = demo.network.updateFloatingIp(fip.id, { port_id: vm.id });
    expect(on).toMatchObject({ port_id: vm.id, fixed_ip_address: v4Of(vm).ip_address, router_id: routerId, status: 'ACTIVE', floating_ip_address: fip.floating_ip_address });
    expect(on.port_details).toEqual({ name: 'vm', network_id: privateId, mac_address: vm.mac_address, admin_state_up: true, status: vm.status, device_id: 'vm-1', device_owner: 'compute:nova' });
    expect(on.revision_number).toBe(fip.revision_number + 1);
    const off = demo.network.updateFloatingIp(fip.id, { port_id: null });
    expect(off).toMatchObject({ port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN', port_details: null });
    expect(updated.map((n) => n.payload)).toEqual([{ floatingip: on }, { floatingip: off }]);

    demo.network.deleteFloatingIp(fip.id);
    expect(deleted).toHaveLength(1);
    expect((deleted[0]!.payload as { floatingip_id: string }).floatingip_id).toBe(fip.id);
    refused(cloud, () => demo.network.getFloatingIp(fip.id), { status: 404, code: 'network.floatingip.not_found' });
    expect(admin.network.listPorts({ device_id: fip.id })).toEqual([]);
    expect(cloud.quotas.show(demoId, 'network').floatingip!.in_use).toBe(0);
    // the address is free: an admin may take it again
    expect(admin.network.createFloatingIp({ floating_network_id: publicId, floating_ip_address: fip.floating_ip_address }).floating_ip_address).toBe(fip.floating_ip_address);
  });

  it('created with port_id (and fixed_ip_address when the port has several IPv4 addresses)', () => {
    const { demo, publicId, privateId, routerId } = world(1103);
    const vm = demo.network.createPort({ network_id: privateId });
    expect(demo.network.createFloatingIp({ floating_network_id: publicId, port_id: vm.id })).toMatchObject({ port_id: vm.id, router_id: routerId, status: 'ACTIVE' });
    const sub = demo.network.getSubnet('private-subnet');
    const two = demo.network.createPort({ network_id: privateId, fixed_ips: [{ subnet_id: sub.id }, { subnet_id: sub.id }] });
    const second = v4Of({ fixed_ips: two.fixed_ips.slice(1) }).ip_address;
    expect(demo.network.createFloatingIp({ floating_network_id: publicId, port_id: two.id, fixed_ip_address: second })).toMatchObject({ port_id: two.id, fixed_ip_address: second, router_id: routerId });
  });

  it('an update without port_id keeps the association; moving to another port works', () => {
    const { demo, publicId, privateId, routerId } = world(1104);
    const a = demo.network.createPort({ network_id: privateId });
    const b = demo.network.createPort({ network_id: privateId });
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId, port_id: a.id });
    expect(demo.network.updateFloatingIp(fip.id, { description: 'kept' })).toMatchObject({ port_id: a.id, router_id: routerId, description: 'kept' });
    expect(demo.network.updateFloatingIp(fip.id, { port_id: b.id })).toMatchObject({ port_id: b.id, fixed_ip_address: v4Of(b).ip_address, router_id: routerId });
  });

  it('deleting the associated port disassociates the floating IP', () => {
    const { demo, publicId, privateId } = world(1105);
    const a = demo.network.createPort({ network_id: privateId });
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId, port_id: a.id });
    demo.network.deletePort(a.id);
    expect(demo.network.getFloatingIp(fip.id)).toMatchObject({ port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' });
  });

  it('DOWN while the router has no live L3 agent to set it up', () => {
    const { admin, demo, publicId, privateId } = world(1106);
    const l3 = admin.network.listAgents({ agent_type: 'L3 agent' })[0]!;
    admin.network.updateAgent(l3.id, { admin_state_up: false });
    const a = demo.network.createPort({ network_id: privateId });
    expect(demo.network.createFloatingIp({ floating_network_id: publicId, port_id: a.id })).toMatchObject({ port_id: a.id, status: 'DOWN' });
    // a new router with no agent: its floating IP turns ACTIVE once an agent takes the router
    const n = demo.network.createNetwork({ name: 'later' });
    const sub = demo.network.createSubnet({ network_id: n.id, ip_version: 4, cidr: '192.168.150.0/24' });
    const r = demo.network.createRouter({ name: 'later', external_gateway_info: { network_id: publicId } });
    demo.network.addRouterInterface(r.id, { subnet_id: sub.id });
    const b = demo.network.createPort({ network_id: n.id });
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId, port_id: b.id });
    expect(fip).toMatchObject({ router_id: r.id, status: 'DOWN' });
    admin.network.updateAgent(l3.id, { admin_state_up: true });
    demo.network.updateRouter(r.id, { description: 'scheduled now' });
    expect(demo.network.getFloatingIp(fip.id).status).toBe('ACTIVE');
  });
});

describe("refusals, with Neutron's messages", () => {
  it('a floating IP on an unreachable port: 404 ExternalGatewayForFloatingIPNotFound', () => {
    const { cloud, demo, publicId } = world(1201);
    const n = demo.network.createNetwork({ name: 'island' });
    const sub = demo.network.createSubnet({ network_id: n.id, ip_version: 4, cidr: '192.168.200.0/24' });
    const port = demo.network.createPort({ network_id: n.id });
    const expected = `External network ${publicId} is not reachable from subnet ${sub.id}.  Therefore, cannot associate Port ${port.id} with a Floating IP.`;
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: publicId, port_id: port.id }), { status: 404, code: 'network.floatingip.external_gateway_not_found', message: expected });
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId });
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { port_id: port.id }), { status: 404, message: expected });
    // a router without a gateway does not make it reachable either
    const r = demo.network.createRouter({ name: 'no-gw' });
    demo.network.addRouterInterface(r.id, { subnet_id: sub.id });
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { port_id: port.id }), { status: 404, message: expected });
    demo.network.updateRouter(r.id, { external_gateway_info: { network_id: publicId } });
    expect(demo.network.updateFloatingIp(fip.id, { port_id: port.id }).router_id).toBe(r.id);
  });

  it('the floating network must be external, with an IPv4 subnet and a free address', () => {
    const { cloud, admin, demo, privateId } = world(1202);
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: privateId }), { status: 400, code: 'network.floatingip.network_not_external', message: `Bad floatingip request: Network ${privateId} is not a valid external network.` });
    const v6only = admin.network.createNetwork({ name: 'ext6', 'router:external': true });
    admin.network.createSubnet({ network_id: v6only.id, ip_version: 6, cidr: '2001:db8:9::/64' });
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: v6only.id }), { status: 400, message: `Bad floatingip request: Network ${v6only.id} does not contain any IPv4 subnet.` });
    const tiny = admin.network.createNetwork({ name: 'tiny', 'router:external': true });
    admin.network.createSubnet({ network_id: tiny.id, ip_version: 4, cidr: '203.0.113.0/30', enable_dhcp: false });
    demo.network.createFloatingIp({ floating_network_id: tiny.id });
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: tiny.id }), { status: 409, code: 'network.ip.generation_failure' });
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: '0b5e1c4c-5fd6-4e55-9f3b-3d1b2f0b7c11' }), { status: 404, code: 'network.network.not_found' });
    // subnet_id chooses the subnet; an IPv6 one leaves no IPv4 address to float
    const publicId = admin.network.getNetwork('public').id;
    const [v4, v6] = [4, 6].map((v) => admin.network.listSubnets({ network_id: publicId, ip_version: v })[0]!);
    expect(demo.network.createFloatingIp({ floating_network_id: publicId, subnet_id: v4!.id }).floating_ip_address).toMatch(/^172\.24\.4\./);
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: publicId, subnet_id: v6!.id }), { status: 400, code: 'network.floatingip.external_ip_exhausted', message: `Unable to find any IP address on external network ${publicId}.` });
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: publicId, subnet_id: demo.network.getSubnet('private-subnet').id }), { status: 400 });
  });

  it('floating_ip_address is admin-only; an address taken is 409', () => {
    const { cloud, admin, demo, publicId } = world(1203);
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: publicId, floating_ip_address: '172.24.4.100' }), { status: 403, message: '(rule:create_floatingip and rule:create_floatingip:floating_ip_address) is disallowed by policy' });
    const taken = admin.network.createFloatingIp({ floating_network_id: publicId, floating_ip_address: '172.24.4.100' });
    refused(cloud, () => admin.network.createFloatingIp({ floating_network_id: publicId, floating_ip_address: taken.floating_ip_address }), { status: 409, code: 'network.ip.in_use' });
    refused(cloud, () => admin.network.createFloatingIp({ floating_network_id: publicId, floating_ip_address: '10.9.9.9' }), { status: 400 });
  });

  it('the port: several IPv4 addresses, a fixed IP it lacks, an IPv6 fixed IP, no IPv4, a DHCP port, another project\'s', () => {
    const { cloud, admin, demo, publicId, privateId, altId } = world(1204);
    const sub = demo.network.getSubnet('private-subnet');
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId });
    const two = demo.network.createPort({ network_id: privateId, fixed_ips: [{ subnet_id: sub.id }, { subnet_id: sub.id }] });
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { port_id: two.id }), { status: 400, code: 'network.floatingip.port_with_several_ipv4', message: `Bad floatingip request: Port ${two.id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP.` });
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { port_id: two.id, fixed_ip_address: '10.0.0.250' }), { status: 400, message: `Bad floatingip request: Port ${two.id} does not have fixed ip 10.0.0.250.` });
    const v6 = two.fixed_ips.find((f) => f.ip_address.includes(':'))!;
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { port_id: two.id, fixed_ip_address: v6.ip_address }), { status: 400, message: `Bad floatingip request: Cannot process floating IP association with ${v6.ip_address}, since that is not an IPv4 address.` });
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { fixed_ip_address: '10.0.0.5' }), { status: 400, message: 'Bad floatingip request: fixed_ip_address cannot be specified without a port_id.' });
    const v6sub = demo.network.getSubnet('ipv6-private-subnet');
    const only6 = demo.network.createPort({ network_id: privateId, fixed_ips: [{ subnet_id: v6sub.id }] });
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { port_id: only6.id }), { status: 400, message: `Bad floatingip request: Cannot add floating IP to port ${only6.id} that has no fixed IPv4 addresses.` });
    const dhcp = admin.network.listPorts({ network_id: privateId, device_owner: 'network:dhcp' })[0]!;
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { port_id: dhcp.id }), { status: 400, message: 'Bad floatingip request: Port %(id)s is unable to be assigned a floating IP.' });
    // a port on demo's network that belongs to alt_demo: demo sees it, but it is not demo's
    const altPort = admin.network.createPort({ network_id: privateId, project_id: altId });
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { port_id: altPort.id }), { status: 400, message: `Bad floatingip request: Cannot process floating IP association with Port ${altPort.id}, since that port is owned by a different tenant.` });
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { port_id: '0b5e1c4c-5fd6-4e55-9f3b-3d1b2f0b7c11' }), { status: 404, code: 'network.port.not_found' });
  });

  it('one fixed IP has one floating IP per external network (FloatingIPPortAlreadyAssociated)', () => {
    const { cloud, demo, publicId, privateId } = world(1205);
    const vm = demo.network.createPort({ network_id: privateId });
    const first = demo.network.createFloatingIp({ floating_network_id: publicId, port_id: vm.id });
    const second = demo.network.createFloatingIp({ floating_network_id: publicId });
    refused(cloud, () => demo.network.updateFloatingIp(second.id, { port_id: vm.id }), {
      status: 409,
      code: 'network.floatingip.port_already_associated',
      message: `Cannot associate floating IP ${second.floating_ip_address} (${second.id}) with port ${vm.id} using fixed IP ${first.fixed_ip_address}, as that fixed IP already has a floating IP on external network ${publicId}.`,
    });
    // associating the first again with the same port is not a conflict
    expect(demo.network.updateFloatingIp(first.id, { port_id: vm.id }).port_id).toBe(vm.id);
  });

  it('bad input: missing or malformed attributes, read-only ones, any shape', () => {
    const { cloud, demo, publicId } = world(1206);
    refused(cloud, () => demo.network.createFloatingIp({}), { status: 400, field: 'floating_network_id', message: "Failed to parse request. Required attribute 'floating_network_id' not specified" });
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: 'public' }), { status: 400, field: 'floating_network_id', message: "'public' is not a valid UUID" });
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: publicId, port_id: 'x' }), { status: 400, field: 'port_id' });
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: publicId, fixed_ip_address: '1.2.3' }), { status: 400, field: 'fixed_ip_address' });
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: publicId, router_id: publicId }), { status: 400, message: "Attribute 'router_id' not allowed in POST" });
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: publicId, nope: 1 }), { status: 400, code: 'network.input.unrecognized_attribute' });
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId });
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { floating_ip_address: '172.24.4.9' }), { status: 400, message: 'Cannot update read-only attribute floating_ip_address' });
    refused(cloud, () => demo.network.updateFloatingIp(fip.id, { description: 'x'.repeat(256) }), { status: 400 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const body of [null, 3, 'fip', [], { floating_network_id: cyclic }, { floating_network_id: publicId, port_id: cyclic }, { floating_network_id: publicId, description: 5 }, JSON.parse('{"__proto__": {"x": 1}}') as unknown]) {
      const e = caught(() => demo.network.createFloatingIp(body as never));
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.status).toBeLessThan(500);
    }
    for (const body of [null, 3, { port_id: 5 }, { port_id: cyclic }, { fixed_ip_address: [] }, { status: 'ACTIVE' }]) {
      const e = caught(() => demo.network.updateFloatingIp(fip.id, body as never));
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.status).toBeLessThan(500);
    }
    for (const ref of [null, 7, '', { id: [] }]) {
      const e = caught(() => demo.network.getFloatingIp(ref as never));
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.status).toBeLessThan(500);
    }
  });

  it('over the floatingip quota is 409 OverQuota', () => {
    const { cloud, admin, demo, publicId, demoId } = world(1207);
    admin.network.updateQuota(demoId, { floatingip: 1 });
    demo.network.createFloatingIp({ floating_network_id: publicId });
    refused(cloud, () => demo.network.createFloatingIp({ floating_network_id: publicId }), { status: 409, code: 'network.quota.exceeded', message: "Quota exceeded for resources: ['floatingip']." });
  });
});

describe('isolation and policy', () => {
  it("another project's floating IP is 404; lists hold only the caller's; admin sees all", () => {
    const { cloud, admin, demo, alt, publicId } = world(1301);
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId });
    const altFip = alt.network.createFloatingIp({ floating_network_id: publicId });
    for (const call of [() => alt.network.getFloatingIp(fip.id), () => alt.network.updateFloatingIp(fip.id, { description: 'x' }), () => alt.network.deleteFloatingIp(fip.id)]) {
      refused(cloud, call, { status: 404, code: 'network.floatingip.not_found', message: `Floating IP ${fip.id} could not be found` });
    }
    expect(demo.network.listFloatingIps().map((f) => f.id)).toEqual([fip.id]);
    expect(alt.network.listFloatingIps().map((f) => f.id)).toEqual([altFip.id]);
    expect(admin.network.listFloatingIps().map((f) => f.id).sort()).toEqual([fip.id, altFip.id].sort());
    expect(demo.network.listFloatingIps({ status: 'DOWN', floating_network_id: publicId })).toHaveLength(1);
    refused(cloud, () => demo.network.listFloatingIps({ port_details: 'x' }), { status: 400 });
  });

  it("a reader sees the project's floating IPs; every write is 403", () => {
    const { cloud, demo, reader, publicId } = world(1302);
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId });
    expect(reader.network.getFloatingIp(fip.id).id).toBe(fip.id);
    for (const call of [
      () => reader.network.createFloatingIp({ floating_network_id: publicId }),
      () => reader.network.updateFloatingIp(fip.id, { description: 'x' }),
      () => reader.network.deleteFloatingIp(fip.id),
    ]) {
      refused(cloud, call, { status: 403, code: 'network.policy.forbidden' });
    }
  });
});

// ------------------------------------------------------------------------------ property

type Cmd =
  | { readonly kind: 'add'; readonly router: number; readonly subnet: number }
  | { readonly kind: 'remove'; readonly router: number; readonly subnet: number }
  | { readonly kind: 'associate'; readonly fip: number; readonly port: number }
  | { readonly kind: 'disassociate'; readonly fip: number }
  | { readonly kind: 'create' }
  | { readonly kind: 'delete'; readonly fip: number };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), router: fc.nat(2), subnet: fc.nat(3) }) },
  // router -1: the router the subnet is attached to now, if any
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), router: fc.constant(-1), subnet: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), router: fc.nat(2), subnet: fc.nat(3) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('associate' as const), fip: fc.nat(4), port: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('disassociate' as const), fip: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'create' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), fip: fc.nat(4) }) },
);

describe('property', () => {
  it('random interface and association changes keep every floating IP on the router joining its port to its network, and never hand out one address twice (seed 4242)', () => {
    fc.assert(
      fc.property(fc.array(cmdArb, { minLength: 1, maxLength: 20 }), (cmds) => {
        const { cloud, admin, demo, publicId } = world(4242);
        // three routers: router1, one more with a gateway, one without
        const routers = [demo.network.getRouter('router1').id, demo.network.createRouter({ name: 'r2', external_gateway_info: { network_id: publicId } }).id, demo.network.createRouter({ name: 'r3' }).id];
        const subnets = [demo.network.getSubnet('private-subnet')];
        for (const [i, cidr] of ['192.168.110.0/24', '192.168.111.0/24', '192.168.112.0/24'].entries()) {
          const n = demo.network.createNetwork({ name: `n${i}` });
          subnets.push(demo.network.createSubnet({ network_id: n.id, ip_version: 4, cidr }));
        }
        const ports = subnets.flatMap((sub) => [0, 1].map(() => demo.network.createPort({ network_id: sub.network_id, fixed_ips: [{ subnet_id: sub.id }] }).id));
        let fips = [0, 1].map(() => demo.network.createFloatingIp({ floating_network_id: publicId }).id);

        /** The routers whose interface holds an address of the subnet and whose gateway is on public. */
        const joining = (subnetId: string): string[] =>
          routers.filter((r) => {
            const view = demo.network.getRouter(r);
            if (view.external_gateway_info?.network_id !== publicId) return false;
            return demo.network.listPorts({ device_id: r, device_owner: 'network:router_interface' }).some((p) => p.fixed_ips.some((f) => f.subnet_id === subnetId));
          });
        const attached = (r: string, subnetId: string): boolean => demo.network.listPorts({ device_id: r, device_owner: 'network:router_interface' }).some((p) => p.fixed_ips.some((f) => f.subnet_id === subnetId));

        for (const cmd of cmds) {
          const before = cloud.state;
          let expectOk: boolean | undefined;
          let run: () => unknown;
          switch (cmd.kind) {
            case 'add': {
              const r = routers[cmd.router]!;
              const sub = subnets[cmd.subnet]!;
              expectOk = !attached(r, sub.id) && !routers.some((o) => o !== r && attached(o, sub.id));
              run = () => demo.network.addRouterInterface(r, { subnet_id: sub.id });
              break;
            }
            case 'remove': {
              const sub = subnets[cmd.subnet]!;
              const r = cmd.router >= 0 ? routers[cmd.router]! : (routers.find((x) => attached(x, sub.id)) ?? routers[0]!);
              const used = demo.network.listFloatingIps({ router_id: r }).some((f) => demo.network.getPort(f.port_id!).fixed_ips.some((x) => x.ip_address === f.fixed_ip_address && x.subnet_id === sub.id));
              expectOk = attached(r, sub.id) && !used;
              run = () => demo.network.removeRouterInterface(r, { subnet_id: sub.id });
              break;
            }
            case 'associate': {
              const fip = fips[cmd.fip % Math.max(1, fips.length)];
              if (fip === undefined) continue;
              const port = demo.network.getPort(ports[cmd.port]!);
              const fixed = port.fixed_ips[0]!;
              const taken = demo.network.listFloatingIps({ port_id: port.id }).some((f) => f.id !== fip && f.fixed_ip_address === fixed.ip_address);
              const current = demo.network.getFloatingIp(fip).port_id === port.id;
              expectOk = joining(fixed.subnet_id).length > 0 && (current || !taken);
              run = () => demo.network.updateFloatingIp(fip, { port_id: port.id });
              break;
            }
            case 'disassociate': {
              const fip = fips[cmd.fip % Math.max(1, fips.length)];
              if (fip === undefined) continue;
              expectOk = true;
              run = () => demo.network.updateFloatingIp(fip, { port_id: null });
              break;
            }
            case 'create':
              expectOk = true;
              run = () => (fips = [...fips, demo.network.createFloatingIp({ floating_network_id: publicId }).id]);
              break;
            case 'delete': {
              const fip = fips[cmd.fip % Math.max(1, fips.length)];
              if (fip === undefined) continue;
              expectOk = true;
              run = () => {
                demo.network.deleteFloatingIp(fip);
                fips = fips.filter((f) => f !== fip);
              };
              break;
            }
          }
          try {
            run();
            expect(expectOk, JSON.stringify(cmd)).toBe(true);
          } catch (e) {
            if (!(e instanceof CloudError)) throw e;
            expect(expectOk, `${JSON.stringify(cmd)}: ${e.message}`).toBe(false);
            expect(e.status).toBeGreaterThanOrEqual(400);
            expect(e.status).toBeLessThan(500);
            expect(cloud.state).toBe(before);
          }

          // every floating IP's router is the one joining its port's subnet to public
          const all = admin.network.listFloatingIps();
          for (const f of all) {
            if (f.port_id === null) {
              expect(f).toMatchObject({ router_id: null, fixed_ip_address: null, status: 'DOWN' });
              continue;
            }
            const port = admin.network.getPort(f.port_id);
            const fixed = port.fixed_ips.find((x) => x.ip_address === f.fixed_ip_address);
            expect(fixed).toBeDefined();
            expect(joining(fixed!.subnet_id)).toEqual([f.router_id]);
            expect(f.status).toBe('ACTIVE');
          }
          // one address, one holder: floating addresses distinct, and none held by another port of public
          const addresses = all.map((f) => f.floating_ip_address);
          expect(new Set(addresses).size).toBe(addresses.length);
          const publicIps = admin.network.listPorts({ network_id: publicId }).flatMap((p) => p.fixed_ips.map((x) => x.ip_address));
          expect(new Set(publicIps).size).toBe(publicIps.length);
          for (const a of addresses) expect(publicIps.filter((x) => x === a)).toHaveLength(1);
          // one fixed IP has at most one floating IP on public
          const fixedIps = all.filter((f) => f.port_id !== null).map((f) => `${f.port_id}/${f.fixed_ip_address}`);
          expect(new Set(fixedIps).size).toBe(fixedIps.length);
        }
      }),
      { seed: 4242, numRuns: 40 },
    );
  });
});
