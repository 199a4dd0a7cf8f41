/**
 * Routers through `session.network` (Zed's `neutron/db/l3_db.py`, `l3_gwmode_db.py`,
 * `extraroute_db.py`, the L3 scheduler): DevStack's `router1`, a router with a gateway and
 * interfaces by subnet and by port, the gateway set / changed / cleared, SNAT, static routes,
 * scheduling on the L3 agent, and each refusal with Neutron's message and status — leaving the
 * state the very same object.
 */
import { describe, it, expect } from 'vitest';
import { type Session } from '../../src/index.js';
import { recordEvents, networkWorld } from './helpers.js';
import { caught, refused } from '../support/refusal.js';

const world = networkWorld;

/** A network with one v4 subnet for the session's project. */
function netWithSubnet(s: Session, name: string, cidr: string, extra: Record<string, unknown> = {}): { networkId: string; subnetId: string; gateway: string | null } {
  const n = s.network.createNetwork({ name });
  const sub = s.network.createSubnet({ network_id: n.id, ip_version: 4, cidr, name: `${name}-subnet`, ...extra });
  return { networkId: n.id, subnetId: sub.id, gateway: sub.gateway_ip };
}

describe("DevStack's router1", () => {
  it('joins public (SNAT on, an address on each public subnet) to both private subnets, on the L3 agent', () => {
    const { admin, demo, publicId } = world(101);
    const r = demo.network.getRouter('router1');
    expect(r).toMatchObject({ name: 'router1', status: 'ACTIVE', admin_state_up: true, routes: [], flavor_id: null, availability_zone_hints: [], availability_zones: ['nova'] });
    expect(r.external_gateway_info?.network_id).toBe(publicId);
    expect(r.external_gateway_info?.enable_snat).toBe(true);
    const publicSubnets = admin.network.listSubnets({ network_id: publicId });
    expect(r.external_gateway_info?.external_fixed_ips.map((f) => f.subnet_id).sort()).toEqual(publicSubnets.map((x) => x.id).sort());
    // distributed / ha are admin-only attributes
    expect('distributed' in r).toBe(false);
    expect('ha' in r).toBe(false);
    expect(admin.network.getRouter(r.id)).toMatchObject({ distributed: false, ha: false });
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.external_gateway_info)).toBe(true);

    const ports = admin.network.listPorts({ device_id: r.id });
    const gw = ports.filter((p) => p.device_owner === 'network:router_gateway');
    const intf = ports.filter((p) => p.device_owner === 'network:router_interface');
    expect(gw).toHaveLength(1);
    expect(gw[0]!.project_id).toBe('');
    expect(intf).toHaveLength(2);
    for (const p of intf) {
      const sub = demo.network.getSubnet(p.fixed_ips[0]!.subnet_id);
      expect(p.fixed_ips[0]!.ip_address).toBe(sub.gateway_ip);
      expect(p.project_id).toBe(r.project_id);
    }
    const agents = admin.network.listL3AgentsHostingRouter(r.id);
    expect(agents).toHaveLength(1);
    expect(agents[0]!.agent_type).toBe('L3 agent');
    for (const p of ports) expect(admin.network.getPort(p.id)['binding:host_id']).toBe(agents[0]!.host);
  });

  it('the L3 agent list is admin only', () => {
    const { cloud, demo } = world(102);
    refused(cloud, () => demo.network.listL3AgentsHostingRouter('router1'), { status: 403, code: 'network.policy.forbidden' });
  });
});

describe('create', () => {
  it('a router with a gateway, then interfaces by subnet and by port', () => {
    const { cloud, admin, demo, publicId, demoId } = world(201);
    const created = recordEvents(cloud, 'router.create.end');
    const added = recordEvents(cloud, 'router.interface.create');
    const r = demo.network.createRouter({ name: 'r', external_gateway_info: { network_id: publicId } });
    expect(r).toMatchObject({ name: 'r', project_id: demoId, tenant_id: demoId, status: 'ACTIVE', routes: [] });
    expect(r.external_gateway_info).toMatchObject({ network_id: publicId, enable_snat: true });
    expect(r.external_gateway_info!.external_fixed_ips.length).toBeGreaterThan(0);
    expect(created).toHaveLength(1);
    expect((created[0]!.payload as { router: { id: string } }).router.id).toBe(r.id);

    const a = netWithSubnet(demo, 'a', '192.168.10.0/24');
    const info = demo.network.addRouterInterface(r.id, { subnet_id: a.subnetId });
    expect(Object.keys(info).sort()).toEqual(['id', 'network_id', 'port_id', 'project_id', 'subnet_id', 'subnet_ids', 'tenant_id']);
    expect(info).toMatchObject({ id: r.id, tenant_id: demoId, project_id: demoId, network_id: a.networkId, subnet_id: a.subnetId, subnet_ids: [a.subnetId] });
    expect(Object.isFrozen(info)).toBe(true);
    const port = demo.network.getPort(info.port_id);
    expect(port).toMatchObject({ device_owner: 'network:router_interface', device_id: r.id, fixed_ips: [{ subnet_id: a.subnetId, ip_address: '192.168.10.1' }] });
    expect(added.map((n) => n.payload)).toEqual([{ router_interface: info }]);

    const b = netWithSubnet(demo, 'b', '192.168.20.0/24');
    const p = demo.network.createPort({ network_id: b.networkId, fixed_ips: [{ subnet_id: b.subnetId, ip_address: '192.168.20.7' }] });
    const info2 = demo.network.addRouterInterface(r.id, { port_id: p.id });
    expect(info2).toMatchObject({ port_id: p.id, network_id: b.networkId, subnet_ids: [b.subnetId] });
    expect(demo.network.getPort(p.id)).toMatchObject({ device_owner: 'network:router_interface', device_id: r.id });
    expect(admin.network.listL3AgentsHostingRouter(r.id)).toHaveLength(1);
    expect(demo.network.getRouter(r.id).revision_number).toBeGreaterThan(r.revision_number);
  });

  it('a second IPv6 subnet of one network joins the router\'s IPv6 port (multi-prefix)', () => {
    const { demo } = world(202);
    const r = demo.network.createRouter({ name: 'r6' });
    const n = demo.network.createNetwork({ name: 'v6' });
    const s1 = demo.network.createSubnet({ network_id: n.id, ip_version: 6, cidr: 'fd00:1::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' });
    const s2 = demo.network.createSubnet({ network_id: n.id, ip_version: 6, cidr: 'fd00:2::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' });
    const i1 = demo.network.addRouterInterface(r.id, { subnet_id: s1.id });
    const i2 = demo.network.addRouterInterface(r.id, { subnet_id: s2.id });
    expect(i2.port_id).toBe(i1.port_id);
    expect(demo.network.getPort(i1.port_id).fixed_ips).toEqual([{ subnet_id: s1.id, ip_address: s1.gateway_ip }, { subnet_id: s2.id, ip_address: s2.gateway_ip }]);
    expect(i2).toMatchObject({ subnet_id: s2.id, subnet_ids: [s2.id] });
    // removing one prefix keeps the port
    expect(demo.network.removeRouterInterface(r.id, { subnet_id: s1.id })).toMatchObject({ port_id: i1.port_id, subnet_ids: [s1.id] });
    expect(demo.network.getPort(i1.port_id).fixed_ips).toEqual([{ subnet_id: s2.id, ip_address: s2.gateway_ip }]);
  });

  it('distributed / ha are admin-only; an admin may set them; changing them needs the router down', () => {
    const { cloud, admin, demo } = world(203);
    refused(cloud, () => demo.network.createRouter({ name: 'd', distributed: true }), { status: 403, message: 'create_router:distributed' });
    refused(cloud, () => demo.network.createRouter({ name: 'h', ha: false }), { status: 403, message: 'create_router:ha' });
    const r = admin.network.createRouter({ name: 'dvr', distributed: true, ha: true });
    expect(r).toMatchObject({ distributed: true, ha: true });
    refused(cloud, () => admin.network.updateRouter(r.id, { distributed: false }), { status: 400, message: "Bad router request: Cannot change the 'distributed' attribute of active routers. Please set router admin_state_up to False prior to upgrade." });
    refused(cloud, () => admin.network.updateRouter(r.id, { ha: false }), { status: 400, message: 'Bad router request: Cannot change HA attribute of active routers. Please set router admin_state_up to False prior to upgrade.' });
    admin.network.updateRouter(r.id, { admin_state_up: false });
    expect(admin.network.updateRouter(r.id, { distributed: false, ha: false })).toMatchObject({ distributed: false, ha: false, admin_state_up: false });
  });

  it('unscheduled while no L3 agent is live, scheduled (and its ports bound) on the next change once one is', () => {
    const { cloud, admin, demo, publicId } = world(204);
    const l3 = admin.network.listAgents({ agent_type: 'L3 agent' });
    expect(l3).toHaveLength(1);
    admin.network.updateAgent(l3[0]!.id, { admin_state_up: false });
    const r = demo.network.createRouter({ name: 'lonely', external_gateway_info: { network_id: publicId } });
    expect(cloud.trace()?.steps.some((s) => s.action.includes('no live L3 agent') && s.action.includes(r.id))).toBe(true);
    expect(r.availability_zones).toEqual([]);
    expect(admin.network.listL3AgentsHostingRouter(r.id)).toEqual([]);
    const gw = admin.network.listPorts({ device_id: r.id })[0]!;
    expect(gw['binding:host_id']).toBe('');
    const gwBefore = admin.network.listPorts({ device_id: r.id }).length;
    expect(gwBefore).toBe(1);
    admin.network.updateAgent(l3[0]!.id, { admin_state_up: true });
    demo.network.updateRouter(r.id, { name: 'lonely-no-more' });
    expect(admin.network.listL3AgentsHostingRouter(r.id)).toHaveLength(1);
    expect(admin.network.getPort(gw.id)['binding:host_id']).toBe(l3[0]!.host);
  });

  it('availability_zone_hints must name an L3 agent zone; flavors do not exist', () => {
    const { cloud, demo } = world(205);
    expect(demo.network.createRouter({ name: 'z', availability_zone_hints: ['nova'] }).availability_zone_hints).toEqual(['nova']);
    refused(cloud, () => demo.network.createRouter({ availability_zone_hints: ['mars'] }), { status: 404, code: 'network.router.availability_zone_not_found', message: 'AvailabilityZone mars could not be found.' });
    refused(cloud, () => demo.network.createRouter({ flavor_id: '9f0e9f0e-9f0e-4f0e-9f0e-9f0e9f0e9f0e' }), { status: 404, message: 'Flavor 9f0e9f0e-9f0e-4f0e-9f0e-9f0e9f0e9f0e could not be found.' });
  });

  it('over the router quota is 409 OverQuota', () => {
    const { cloud, admin, demo, demoId } = world(206);
    admin.network.updateQuota(demoId, { router: 2 });
    demo.network.createRouter({ name: 'second' });
    refused(cloud, () => demo.network.createRouter({ name: 'third' }), { status: 409, code: 'network.quota.exceeded', message: "Quota exceeded for resources: ['router']." });
  });
});

describe('gateway', () => {
  it('set, change addresses (admin), clear with {} or null; enable_snat follows the request or the default', () => {
    const { cloud, admin, demo, publicId } = world(301);
    const r = demo.network.createRouter({ name: 'g' });
    expect(r.external_gateway_info).toBeNull();
    const set = demo.network.updateRouter(r.id, { external_gateway_info: { network_id: publicId } });
    expect(set.external_gateway_info?.enable_snat).toBe(true);
    const snatOff = admin.network.updateRouter(r.id, { external_gateway_info: { network_id: publicId, enable_snat: false } });
    expect(snatOff.external_gateway_info?.enable_snat).toBe(false);
    expect(snatOff.external_gateway_info?.external_fixed_ips).toEqual(set.external_gateway_info?.external_fixed_ips);
    // set again without enable_snat: back to enable_snat_by_default
    expect(demo.network.updateRouter(r.id, { external_gateway_info: { network_id: publicId } }).external_gateway_info?.enable_snat).toBe(true);

    const v4 = admin.network.listSubnets({ network_id: publicId, ip_version: 4 })[0]!;
    const moved = admin.network.updateRouter(r.id, { external_gateway_info: { network_id: publicId, external_fixed_ips: [{ subnet_id: v4.id, ip_address: '172.24.4.200' }] } });
    expect(moved.external_gateway_info?.external_fixed_ips).toEqual([{ subnet_id: v4.id, ip_address: '172.24.4.200' }]);
    const gwPorts = admin.network.listPorts({ device_id: r.id, device_owner: 'network:router_gateway' });
    expect(gwPorts).toHaveLength(1);

    const portsBefore = admin.network.listPorts({ network_id: publicId }).length;
    expect(demo.network.updateRouter(r.id, { external_gateway_info: {} }).external_gateway_info).toBeNull();
    expect(admin.network.listPorts({ network_id: publicId }).length).toBe(portsBefore - 1);
    demo.network.updateRouter(r.id, { external_gateway_info: { network_id: publicId } });
    expect(demo.network.updateRouter(r.id, { external_gateway_info: null }).external_gateway_info).toBeNull();
    void cloud;
  });

  it('members may not set enable_snat or external_fixed_ips (admin-only sub-attributes)', () => {
    const { cloud, demo, reader, publicId } = world(302);
    refused(cloud, () => demo.network.createRouter({ external_gateway_info: { network_id: publicId, enable_snat: true } }), { status: 403, code: 'network.policy.forbidden', message: '(rule:create_router and rule:create_router:external_gateway_info:enable_snat) is disallowed by policy' });
    refused(cloud, () => demo.network.createRouter({ external_gateway_info: { network_id: publicId, external_fixed_ips: [] } }), { status: 403, message: 'create_router:external_gateway_info:external_fixed_ips' });
    refused(cloud, () => demo.network.updateRouter('router1', { external_gateway_info: { network_id: publicId, enable_snat: false } }), { status: 403, message: 'update_router:external_gateway_info:enable_snat' });
    refused(cloud, () => reader.network.updateRouter('router1', { external_gateway_info: {} }), { status: 403 });
  });

  it('refusals: not external, unknown network, the gateway IP itself, floating IPs using it', () => {
    const { cloud, admin, demo, publicId } = world(303);
    const priv = demo.network.getNetwork('private');
    refused(cloud, () => demo.network.createRouter({ external_gateway_info: { network_id: priv.id } }), { status: 400, code: 'network.router.gateway_not_external', message: `Bad router request: Network ${priv.id} is not an external network.` });
    refused(cloud, () => demo.network.createRouter({ external_gateway_info: { network_id: '0b5e1c4c-5fd6-4e55-9f3b-3d1b2f0b7c11' } }), { status: 404, code: 'network.network.not_found' });
    refused(cloud, () => admin.network.createRouter({ external_gateway_info: { network_id: publicId, external_fixed_ips: [{ ip_address: '172.24.4.1' }] } }), { status: 400, message: 'Bad router request: External IP 172.24.4.1 is the same as the gateway IP.' });
    const r1 = demo.network.getRouter('router1');
    const port = demo.network.createPort({ network_id: priv.id });
    demo.network.createFloatingIp({ floating_network_id: publicId, port_id: port.id });
    refused(cloud, () => demo.network.updateRouter(r1.id, { external_gateway_info: null }), {
      status: 409,
      code: 'network.router.gateway_in_use_by_floatingip',
      message: `Gateway cannot be updated for router ${r1.id}, since a gateway to external network ${publicId} is required by one or more floating IPs.`,
    });
  });

  it('malformed external_gateway_info is a 400 naming it', () => {
    const { cloud, demo, publicId } = world(304);
    const bad: [unknown, string][] = [
      ['x', "Invalid input for external_gateway_info. Reason: 'x' is not a dictionary."],
      [{ enable_snat: true }, "Invalid input for external_gateway_info. Reason: Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {'enable_snat'}."],
      [{ network_id: publicId, nope: 1 }, 'Invalid input for external_gateway_info. Reason: Unexpected keys supplied: nope.'],
      [{ network_id: 'public' }, "Invalid input for external_gateway_info. Reason: 'public' is not a valid UUID."],
      [{ network_id: publicId, enable_snat: 'maybe' }, "Invalid input for external_gateway_info. Reason: 'maybe' cannot be converted to boolean."],
      [{ network_id: publicId, external_fixed_ips: 'x' }, "Invalid input for external_gateway_info. Reason: Invalid data format for fixed IP: 'x'."],
      [{ network_id: publicId, external_fixed_ips: [{ ip_address: '1.2.3' }] }, "Invalid input for external_gateway_info. Reason: '1.2.3' is not a valid IP address."],
    ];
    for (const [value, message] of bad) {
      const e = refused(cloud, () => demo.network.updateRouter('router1', { external_gateway_info: value }), { status: 400, field: 'external_gateway_info' });
      expect(e.message).toBe(message);
    }
  });
});

describe('interfaces: refusals with Neutron\'s messages', () => {
  it('by subnet: no gateway, already attached, overlapping, another project\'s subnet, unknown subnet', () => {
    const { cloud, demo, alt } = world(401);
    const r = demo.network.createRouter({ name: 'r' });
    const noGw = netWithSubnet(demo, 'nogw', '192.168.30.0/24', { gateway_ip: null });
    refused(cloud, () => demo.network.addRouterInterface(r.id, { subnet_id: noGw.subnetId }), { status: 400, code: 'network.router.subnet_without_gateway', message: 'Bad router request: Subnet for router interface must have a gateway IP.' });
    const a = netWithSubnet(demo, 'a', '192.168.40.0/24');
    demo.network.addRouterInterface(r.id, { subnet_id: a.subnetId });
    refused(cloud, () => demo.network.addRouterInterface(r.id, { subnet_id: a.subnetId }), { status: 400, message: `Bad router request: Router already has a port on subnet ${a.subnetId}.` });
    const b = netWithSubnet(demo, 'b', '192.168.40.128/25');
    refused(cloud, () => demo.network.addRouterInterface(r.id, { subnet_id: b.subnetId }), { status: 400, code: 'network.router.overlapping_subnet', message: `Bad router request: Cidr 192.168.40.128/25 of subnet ${b.subnetId} overlaps with cidr 192.168.40.0/24 of subnet ${a.subnetId}.` });
    // router1's private-subnet is demo's; alt cannot even see it
    const privSubnet = demo.network.getSubnet('private-subnet');
    const altRouter = alt.network.createRouter({ name: 'alt-r' });
    refused(cloud, () => alt.network.addRouterInterface(altRouter.id, { subnet_id: privSubnet.id }), { status: 404, code: 'network.subnet.not_found' });
    refused(cloud, () => demo.network.addRouterInterface(r.id, { subnet_id: '0b5e1c4c-5fd6-4e55-9f3b-3d1b2f0b7c11' }), { status: 404, code: 'network.subnet.not_found' });
  });

  it('a shared network\'s subnet: refused when shared with everyone, allowed when shared with the project by RBAC', () => {
    const { cloud, admin, demo, demoId } = world(402);
    const shared = admin.network.createNetwork({ name: 'everyone', shared: true });
    const sub = admin.network.createSubnet({ network_id: shared.id, ip_version: 4, cidr: '192.168.50.0/24' });
    const r = demo.network.createRouter({ name: 'r' });
    refused(cloud, () => demo.network.addRouterInterface(r.id, { subnet_id: sub.id }), { status: 400, message: `Bad router request: Cannot add interface to router because subnet ${sub.id} is not owned by project making the request.` });
    const mine = admin.network.createNetwork({ name: 'for-demo' });
    const sub2 = admin.network.createSubnet({ network_id: mine.id, ip_version: 4, cidr: '192.168.60.0/24' });
    admin.network.createRbacPolicy({ object_type: 'network', object_id: mine.id, action: 'access_as_shared', target_tenant: demoId });
    expect(demo.network.addRouterInterface(r.id, { subnet_id: sub2.id }).subnet_ids).toEqual([sub2.id]);
  });

  it('by port: attached elsewhere, no fixed IP, two IPv4 subnets', () => {
    const { cloud, demo } = world(403);
    const r = demo.network.createRouter({ name: 'r' });
    const a = netWithSubnet(demo, 'a', '192.168.70.0/24');
    const used = demo.network.createPort({ network_id: a.networkId, device_id: 'some-vm' });
    refused(cloud, () => demo.network.addRouterInterface(r.id, { port_id: used.id }), { status: 409, code: 'network.port.in_use', message: `Unable to complete operation on port ${used.id} for network ${a.networkId}. Port already has an attached device some-vm.` });
    const bare = demo.network.createPort({ network_id: a.networkId, fixed_ips: [] });
    refused(cloud, () => demo.network.addRouterInterface(r.id, { port_id: bare.id }), { status: 400, message: 'Bad router request: Router port must have at least one fixed IP.' });
    const sub2 = demo.network.createSubnet({ network_id: a.networkId, ip_version: 4, cidr: '192.168.71.0/24' });
    const two = demo.network.createPort({ network_id: a.networkId, fixed_ips: [{ subnet_id: a.subnetId }, { subnet_id: sub2.id }] });
    refused(cloud, () => demo.network.addRouterInterface(r.id, { port_id: two.id }), { status: 400, message: 'Bad router request: Cannot have multiple IPv4 subnets on router port.' });
  });

  it('the interface info: neither, both, not a UUID, unknown keys, not an object', () => {
    const { cloud, demo } = world(404);
    const r = demo.network.getRouter('router1');
    const sub = demo.network.getSubnet('private-subnet');
    refused(cloud, () => demo.network.addRouterInterface(r.id, {}), { status: 400, message: 'Bad router request: Either subnet_id or port_id must be specified.' });
    refused(cloud, () => demo.network.addRouterInterface(r.id, { subnet_id: sub.id, port_id: sub.id }), { status: 400, message: 'Bad router request: Cannot specify both subnet-id and port-id.' });
    // Neutron's message does not name the key; details.field does
    expect(refused(cloud, () => demo.network.addRouterInterface(r.id, { subnet_id: null }), { status: 400, message: "Bad router request: 'None' is not a valid UUID." }).details.field).toBe('subnet_id');
    refused(cloud, () => demo.network.addRouterInterface(r.id, { subnet_id: 'abc' }), { status: 400, message: "'abc' is not a valid UUID" });
    refused(cloud, () => demo.network.addRouterInterface(r.id, { subnet_id: sub.id, extra: 1 }), { status: 400, code: 'network.input.unrecognized_attribute' });
    refused(cloud, () => demo.network.addRouterInterface(r.id, 'subnet' as never), { status: 400 });
    refused(cloud, () => demo.network.removeRouterInterface(r.id, {}), { status: 400, message: 'Either subnet_id or port_id must be specified' });
  });

  it('remove: by subnet, by port (and its subnet), not found, mismatched subnet', () => {
    const { cloud, demo } = world(405);
    const removed = recordEvents(cloud, 'router.interface.delete');
    const r = demo.network.createRouter({ name: 'r' });
    const a = netWithSubnet(demo, 'a', '192.168.80.0/24');
    const b = netWithSubnet(demo, 'b', '192.168.81.0/24');
    const ia = demo.network.addRouterInterface(r.id, { subnet_id: a.subnetId });
    const ib = demo.network.addRouterInterface(r.id, { subnet_id: b.subnetId });
    refused(cloud, () => demo.network.removeRouterInterface(r.id, { port_id: ib.port_id, subnet_id: a.subnetId }), { status: 400, code: 'network.router.subnet_mismatch', message: `Subnet on port ${ib.port_id} does not match the requested subnet ${a.subnetId}.` });
    const out = demo.network.removeRouterInterface(r.id, { subnet_id: a.subnetId });
    expect(out).toEqual(ia);
    refused(cloud, () => demo.network.getPort(ia.port_id), { status: 404 });
    refused(cloud, () => demo.network.removeRouterInterface(r.id, { subnet_id: a.subnetId }), { status: 404, code: 'network.router.interface_not_found_for_subnet', message: `Router ${r.id} has no interface on subnet ${a.subnetId}` });
    expect(demo.network.removeRouterInterface(r.id, { port_id: ib.port_id, subnet_id: b.subnetId })).toEqual(ib);
    refused(cloud, () => demo.network.removeRouterInterface(r.id, { port_id: ib.port_id }), { status: 404, code: 'network.router.interface_not_found', message: `Router ${r.id} does not have an interface with id ${ib.port_id}` });
    expect(removed.map((n) => n.payload)).toEqual([{ router_interface: ia }, { router_interface: ib }]);
    // the gateway addresses are free again
    expect(demo.network.createPort({ network_id: a.networkId, fixed_ips: [{ ip_address: '192.168.80.1' }] }).fixed_ips[0]!.ip_address).toBe('192.168.80.1');
  });

  it('an interface a floating IP needs cannot be removed (RouterInterfaceInUseByFloatingIP)', () => {
    const { cloud, demo, publicId } = world(406);
    const r = demo.network.getRouter('router1');
    const sub = demo.network.getSubnet('private-subnet');
    const port = demo.network.createPort({ network_id: sub.network_id });
    const fip = demo.network.createFloatingIp({ floating_network_id: publicId, port_id: port.id });
    expect(fip.router_id).toBe(r.id);
    refused(cloud, () => demo.network.removeRouterInterface(r.id, { subnet_id: sub.id }), {
      status: 409,
      code: 'network.router.interface_in_use_by_floatingip',
      message: `Router interface for subnet ${sub.id} on router ${r.id} cannot be deleted, as it is required by one or more floating IPs.`,
    });
    const intf = demo.network.listPorts({ device_id: r.id, device_owner: 'network:router_interface' }).find((p) => p.fixed_ips.some((f) => f.subnet_id === sub.id))!;
    refused(cloud, () => demo.network.removeRouterInterface(r.id, { port_id: intf.id }), { status: 409, code: 'network.router.interface_in_use_by_floatingip' });
    demo.network.updateFloatingIp(fip.id, { port_id: null });
    demo.network.removeRouterInterface(r.id, { subnet_id: sub.id });
  });
});

describe('routes (extraroute)', () => {
  it('a nexthop on an attached subnet is accepted and shown; others are InvalidRoutes', () => {
    const { cloud, demo } = world(501);
    const r = demo.network.createRouter({ name: 'r' });
    const a = netWithSubnet(demo, 'a', '192.168.90.0/24');
    demo.network.addRouterInterface(r.id, { subnet_id: a.subnetId });
    const routes = [{ destination: '10.10.0.0/16', nexthop: '192.168.90.5' }];
    expect(demo.network.updateRouter(r.id, { routes }).routes).toEqual(routes);
    refused(cloud, () => demo.network.updateRouter(r.id, { routes: [{ destination: '10.20.0.0/16', nexthop: '192.168.91.5' }] }), {
      status: 400,
      code: 'network.router.invalid_routes',
      message: "Invalid format for routes: [{'destination': '10.20.0.0/16', 'nexthop': '192.168.91.5'}], the nexthop is not connected with router",
    });
    refused(cloud, () => demo.network.updateRouter(r.id, { routes: [{ destination: '10.20.0.0/16', nexthop: '192.168.90.1' }] }), { status: 400, message: 'the nexthop is used by router' });
    const many = Array.from({ length: 31 }, (_, i) => ({ destination: `10.${i}.0.0/16`, nexthop: '192.168.90.5' }));
    refused(cloud, () => demo.network.updateRouter(r.id, { routes: many }), { status: 400, code: 'network.router.routes_exhausted', message: `Unable to complete operation for ${r.id}. The number of routes exceeds the maximum 30.` });
    refused(cloud, () => demo.network.removeRouterInterface(r.id, { subnet_id: a.subnetId }), {
      status: 409,
      code: 'network.router.interface_in_use_by_route',
      message: `Router interface for subnet ${a.subnetId} on router ${r.id} cannot be deleted, as it is required by one or more routes.`,
    });
    expect(demo.network.updateRouter(r.id, { routes: null }).routes).toEqual([]);
    demo.network.removeRouterInterface(r.id, { subnet_id: a.subnetId });
  });

  it('malformed routes are a 400 naming routes; routes are not allowed in POST', () => {
    const { cloud, demo } = world(502);
    const bad: [unknown, string][] = [
      ['x', "Invalid data format for hostroute: 'x'"],
      [[{ destination: '10.0.0.0/8' }], "Validation of dictionary's keys failed."],
      [[{ destination: '10.0.0.1/8', nexthop: '10.0.0.1' }], "'10.0.0.1/8' is not a recognized CIDR, '10.0.0.0/8' is recommended"],
      [[{ destination: '10.0.0.0/8', nexthop: 'x' }], "'x' is not a valid IP address"],
      [[{ destination: '10.0.0.0/8', nexthop: '10.0.0.1' }, { destination: '10.0.0.0/8', nexthop: '10.0.0.1' }], "Duplicate hostroute '{'destination': '10.0.0.0/8', 'nexthop': '10.0.0.1'}'"],
      [[1], 'must be a dictionary'],
    ];
    for (const [routes, message] of bad) refused(cloud, () => demo.network.updateRouter('router1', { routes }), { status: 400, field: 'routes', message });
    refused(cloud, () => demo.network.createRouter({ routes: [] }), { status: 400, message: "Attribute 'routes' not allowed in POST" });
  });
});

describe('delete', () => {
  it('RouterInUse while interfaces remain; then the router and its gateway port go, quota back', () => {
    const { cloud, admin, demo, demoId, publicId } = world(601);
    const r = demo.network.getRouter('router1');
    const intf = demo.network.listPorts({ device_id: r.id, device_owner: 'network:router_interface' });
    const e = refused(cloud, () => demo.network.deleteRouter(r.id), { status: 409, code: 'network.router.in_use' });
    expect(e.message).toMatch(new RegExp(`^Router ${r.id} has ports still attached: `));
    for (const p of intf) expect(e.message).toContain(p.id);
    for (const p of intf) demo.network.removeRouterInterface(r.id, { port_id: p.id });
    const deleted = recordEvents(cloud, 'router.delete.end');
    const before = cloud.quotas.show(demoId, 'network').router!.in_use;
    const publicPorts = admin.network.listPorts({ network_id: publicId }).length;
    demo.network.deleteRouter(r.id);
    expect(cloud.quotas.show(demoId, 'network').router!.in_use).toBe(before - 1);
    expect(admin.network.listPorts({ network_id: publicId }).length).toBe(publicPorts - 1);
    expect(deleted).toHaveLength(1);
    refused(cloud, () => demo.network.getRouter(r.id), { status: 404, code: 'network.router.not_found' });
  });
});

describe('isolation and policy', () => {
  it("another project's router is 404 for every call; it is not listed", () => {
    const { cloud, alt, demo } = world(701);
    const r = demo.network.getRouter('router1');
    for (const call of [
      () => alt.network.getRouter(r.id),
      () => alt.network.updateRouter(r.id, { name: 'x' }),
      () => alt.network.deleteRouter(r.id),
      () => alt.network.addRouterInterface(r.id, { subnet_id: r.id }),
      () => alt.network.removeRouterInterface(r.id, { subnet_id: r.id }),
    ]) {
      refused(cloud, call, { status: 404, code: 'network.router.not_found' });
    }
    expect(alt.network.listRouters().map((x) => x.id)).not.toContain(r.id);
    expect(demo.network.listRouters().map((x) => x.id)).toEqual([r.id]);
  });

  it("a reader sees the project's router but every write is 403", () => {
    const { cloud, reader, publicId } = world(702);
    const r = reader.network.getRouter('router1');
    const sub = reader.network.getSubnet('private-subnet');
    for (const call of [
      () => reader.network.createRouter({ name: 'x' }),
      () => reader.network.updateRouter(r.id, { name: 'x' }),
      () => reader.network.updateRouter(r.id, { external_gateway_info: { network_id: publicId } }),
      () => reader.network.deleteRouter(r.id),
      () => reader.network.addRouterInterface(r.id, { subnet_id: sub.id }),
      () => reader.network.removeRouterInterface(r.id, { subnet_id: sub.id }),
    ]) {
      refused(cloud, call, { status: 403, code: 'network.policy.forbidden' });
    }
  });

  it('list filters, fields and the attributes Neutron does not filter on', () => {
    const { cloud, admin, demo } = world(703);
    demo.network.createRouter({ name: 'down', admin_state_up: false });
    expect(demo.network.listRouters({ admin_state_up: false }).map((r) => r.name)).toEqual(['down']);
    expect(demo.network.listRouters({ name: 'router1', fields: ['id', 'name'] })).toEqual([{ id: demo.network.getRouter('router1').id, name: 'router1' }]);
    refused(cloud, () => demo.network.listRouters({ status: 'ACTIVE' }), { status: 400 });
    expect(admin.network.listRouters().length).toBe(2);
  });

  it('bad input of any shape is a 4xx, never a TypeError', () => {
    const { cloud, demo } = world(704);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cyclicList: unknown[] = [];
    cyclicList.push(cyclicList);
    const bodies: unknown[] = [
      null, 42, 'router', [], { name: 7 }, { name: 'x'.repeat(300) }, { admin_state_up: 'perhaps' }, { status: 'DOWN' }, { id: 'x' }, { nope: 1 },
      { external_gateway_info: cyclic }, { external_gateway_info: { network_id: cyclic } }, { availability_zone_hints: 'nova' }, { availability_zone_hints: ['a', 'a'] },
      { ['__proto__']: { admin: true } }, JSON.parse('{"__proto__": {"x": 1}}') as unknown, { project_id: 5 }, { distributed: 'sometimes' },
      { external_gateway_info: { network_id: 'x', external_fixed_ips: cyclicList } },
    ];
    for (const body of bodies) {
      const e = caught(() => demo.network.createRouter(body as never));
      expect(e.status, JSON.stringify(String(body))).toBeGreaterThanOrEqual(400);
      expect(e.status).toBeLessThan(500);
    }
    for (const body of [null, 1, { routes: cyclicList }, { routes: [cyclic] }, { flavor_id: 'x' }, { availability_zone_hints: [] }, { tenant_id: 'x' }]) {
      const e = caught(() => demo.network.updateRouter('router1', body as never));
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.status).toBeLessThan(500);
    }
    for (const ref of [null, 1, '', { id: 5 }, 'x'.repeat(300)]) {
      const e = caught(() => demo.network.getRouter(ref as never));
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.status).toBeLessThan(500);
    }
    void cloud;
  });
});
