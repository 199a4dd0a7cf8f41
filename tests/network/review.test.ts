/**
 * What the review of issue 12 found, each pinned by a test: a port merely naming a router is not
 * the router's (`routerports`), `access_as_external` RBAC entries and `router:external` agree
 * (`external_net_db.py`), an update's `fixed_ips` keeps what Zed keeps
 * (`_get_changed_ips_for_port`), another project's id in a body needs admin
 * (`_validate_privileges`), and hostile values (circular, `toJSON`) are 400s in bounded time.
 */
import { describe, it, expect } from 'vitest';
import { createCloud, type Cloud, type Session } from '../../src/index.js';
import { refused } from '../support/refusal.js';

const PW = 'secret';

function world(seed: number): { cloud: Cloud; demo: Session; alt: Session; privateId: string; publicId: string } {
  const cloud = createCloud({ seed, preset: 'devstack', identity: { password_hash_rounds: 1 } });
  return {
    cloud,
    demo: cloud.login({ username: 'demo', password: PW, project: 'demo' }),
    alt: cloud.login({ username: 'alt_demo', password: PW, project: 'alt_demo' }),
    privateId: cloud.admin.network.getNetwork('private').id,
    publicId: cloud.admin.network.getNetwork('public').id,
  };
}

describe('issue 12 review', () => {
  it("a port naming another project's router in device_id is not that router's port", () => {
    const { cloud, demo, alt } = world(901);
    const router = demo.network.listRouters({ name: 'router1' })[0]!;
    const net = alt.network.createNetwork({ name: 'alt-net' });
    alt.network.createSubnet({ network_id: net.id, ip_version: 4, cidr: '192.168.9.0/24' });
    const fake = alt.network.createPort({ network_id: net.id, device_id: router.id, device_owner: 'network:router_interface', fixed_ips: [{ ip_address: '192.168.9.50' }] });
    // a static route through alt's subnet is not reachable from router1's own ports
    refused(cloud, () => demo.network.updateRouter(router.id, { routes: [{ destination: '10.20.0.0/24', nexthop: '192.168.9.50' }] }), { status: 400 });
    // alt deletes its own port: it is no router's
    alt.network.deletePort(fake.id);
    expect(() => alt.network.getPort(fake.id)).toThrow(expect.objectContaining({ status: 404 }));
    expect(demo.network.getRouter(router.id).external_gateway_info).not.toBeNull();
  });

  it('an access_as_external entry makes a network external; deleting the last one makes it internal again, unless routers depend on it', () => {
    const { cloud, demo } = world(902);
    const admin = cloud.admin.network;
    const net = admin.createNetwork({ name: 'ext2' });
    admin.createSubnet({ network_id: net.id, ip_version: 4, cidr: '203.0.113.0/24', enable_dhcp: false });
    const entry = admin.createRbacPolicy({ object_type: 'network', object_id: net.id, action: 'access_as_external', target_tenant: '*' });
    expect(admin.getNetwork(net.id)['router:external']).toBe(true);
    const router = demo.network.createRouter({ name: 'r-ext2', external_gateway_info: { network_id: net.id } });
    refused(cloud, () => admin.deleteRbacPolicy(entry.id), { status: 409, code: 'network.rbac_policy.in_use', message: 'There are routers attached to this network that depend on this policy for access.' });
    demo.network.updateRouter(router.id, { external_gateway_info: {} });
    admin.deleteRbacPolicy(entry.id);
    expect(admin.getNetwork(net.id)['router:external']).toBe(false);
  });

  it("an update's fixed_ips keeps the SLAAC address and reuses the address of a subnet asked for by id", () => {
    const { demo, privateId } = world(903);
    const port = demo.network.createPort({ network_id: privateId });
    const v4 = port.fixed_ips.find((f) => !f.ip_address.includes(':'))!;
    const v6 = port.fixed_ips.find((f) => f.ip_address.includes(':'))!;
    // by subnet id only: the same address is kept
    const same = demo.network.updatePort(port.id, { fixed_ips: [{ subnet_id: v4.subnet_id }] });
    expect(same.fixed_ips).toEqual(expect.arrayContaining([v4, v6]));
    // a new v4 address: the SLAAC one stays
    const moved = demo.network.updatePort(port.id, { fixed_ips: [{ ip_address: '10.0.0.50' }] });
    expect(moved.fixed_ips.map((f) => f.ip_address).sort()).toEqual(['10.0.0.50', v6.ip_address].sort());
    // asking for the SLAAC address again with another address works
    const both = demo.network.updatePort(port.id, { fixed_ips: [{ ip_address: '10.0.0.51' }, { subnet_id: v6.subnet_id, ip_address: v6.ip_address }] });
    expect(both.fixed_ips.map((f) => f.ip_address).sort()).toEqual(['10.0.0.51', v6.ip_address].sort());
  });

  it("another project's id in a create body needs admin (_validate_privileges): 400, nothing changes", () => {
    const { cloud, demo, alt, privateId } = world(904);
    const altProject = cloud.systemAdmin.identity.getProject('alt_demo').id;
    refused(cloud, () => demo.network.createPort({ network_id: privateId, project_id: altProject }), { status: 400, field: 'project_id', message: "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges" });
    refused(cloud, () => demo.network.createRouter({ name: 'x', project_id: altProject }), { status: 400, field: 'project_id' });
    expect(alt.network.listRouters()).toEqual([]);
  });

  it('hostile values are 400s in bounded time: a circular list for a boolean, a toJSON profile', () => {
    const { cloud, demo, privateId } = world(905);
    const loop: unknown[] = [];
    for (let i = 0; i < 10; i++) loop.push(loop);
    const t0 = performance.now();
    refused(cloud, () => demo.network.createNetwork({ admin_state_up: loop as never }), { status: 400, field: 'admin_state_up' });
    expect(performance.now() - t0).toBeLessThan(2000);
    refused(cloud, () => cloud.admin.network.createPort({ network_id: privateId, 'binding:profile': { toJSON: () => undefined } as never }), { status: 400, field: 'binding:profile' });
    refused(cloud, () => cloud.admin.network.updateSubnet(demo.network.listSubnets({ name: 'private-subnet' })[0]!.id, { service_types: [Object.create(null)] as never }), { status: 400, field: 'service_types' });
  });

  it('page_reverse is true only for "true", as api_common.get_page_reverse reads it', () => {
    const { demo } = world(906);
    const all = demo.network.listNetworks({ sort_key: 'name', sort_dir: 'asc' });
    expect(demo.network.listNetworks({ sort_key: 'name', sort_dir: 'asc', page_reverse: '1' })).toEqual(all);
    expect(demo.network.listNetworks({ sort_key: 'name', sort_dir: 'asc', limit: 1, page_reverse: 'True' }).map((n) => n.name)).toEqual([all.at(-1)!.name]);
  });

  it('one default external network at a time (DefaultExternalNetworkExists); a network that is not external keeps no is_default', () => {
    const { cloud, publicId } = world(907);
    const admin = cloud.admin.network;
    expect(admin.createNetwork({ name: 'plain', is_default: true }).is_default).toBe(false);
    admin.updateNetwork(publicId, { is_default: true });
    expect(admin.getNetwork(publicId).is_default).toBe(true);
    const other = admin.createNetwork({ name: 'ext3', 'router:external': true });
    refused(cloud, () => admin.updateNetwork(other.id, { is_default: true }), { status: 409, code: 'network.network.default_exists', message: `A default external network already exists: ${publicId}.` });
  });

  it('security groups a port cannot use are one 404 naming them all (_get_security_groups_on_port)', () => {
    const { cloud, demo, privateId } = world(908);
    const a = '11111111-1111-4111-8111-111111111111';
    const b = '22222222-2222-4222-8222-222222222222';
    refused(cloud, () => demo.network.createPort({ network_id: privateId, security_groups: [a, b] }), { status: 404, code: 'network.security_group.not_found', message: `Security group ${a}, ${b} does not exist` });
  });
});
