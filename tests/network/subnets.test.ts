/**
 * Subnets through `session.network` (Zed's `neutron/db/db_base_plugin_v2.py` `_validate_subnet`,
 * `create_subnet`, `update_subnet`, `delete_subnet`; `neutron/db/ipam_backend_mixin.py`
 * `_validate_subnet_cidr`, `validate_allocation_pools`, `_validate_gw_out_of_pools`,
 * `_add_auto_addrs_on_network_ports`; `neutron/ipam/utils.py` `generate_pools`,
 * `check_gateway_invalid_in_subnet`; the DHCP agent's port, `neutron/api/rpc/handlers/dhcp_rpc.py`):
 * v4 and v6 defaults, SLAAC addresses for the ports already on a network (EUI-64, computed here
 * from each port's MAC), every validation refusal with Neutron's status and message, the network's
 * DHCP port, subnets from the default subnet pool, updates, read-only attributes, and deletion
 * while addresses are in use — refusals leave `cloud.state` the very same object.
 */
import { describe, it, expect } from 'vitest';
import { type Session } from '../../src/index.js';
import { deepFrozen, recordEvents, networkWorld } from './helpers.js';
import { refused } from '../support/refusal.js';

const world = networkWorld;

/** An IPv6 address as a number (written here, not taken from src). */
function v6(addr: string): bigint {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head === '' ? [] : head!.split(':');
  const t = tail === undefined ? [] : tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  expect(groups).toHaveLength(8);
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The modified EUI-64 address of `mac` on a /64 (RFC 4291 appendix A): the U/L bit flipped, ff:fe in the middle. */
function eui64(cidr: string, mac: string): bigint {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  b[0]! ^= 0x02;
  const iid = [b[0]!, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!].reduce((a, x) => (a << 8n) | BigInt(x), 0n);
  const prefix = v6(cidr.split('/')[0]!) & ~((1n << 64n) - 1n);
  return prefix | iid;
}

/** A fresh network of the session's project. */
function net(s: Session, name = 'n'): string {
  return s.network.createNetwork({ name }).id;
}

// ------------------------------------------------------------------------------------ defaults

describe('defaults', () => {
  it('v4: the first address is the gateway, the pool the rest less the broadcast; DHCP on; counted, frozen, notified', () => {
    const { cloud, admin, demo, demoId } = world(12201);
    const n = net(demo);
    const created = recordEvents(cloud, 'subnet.create.end');
    const before = demo.network.getQuotaDetails(demoId).subnet.used;
    const s = demo.network.createSubnet({ network_id: n, cidr: '10.10.0.0/24', ip_version: 4, name: 's' });
    expect(s).toMatchObject({
      name: 's', network_id: n, project_id: demoId, tenant_id: demoId, ip_version: 4, cidr: '10.10.0.0/24', gateway_ip: '10.10.0.1',
      allocation_pools: [{ start: '10.10.0.2', end: '10.10.0.254' }], enable_dhcp: true, dns_nameservers: [], host_routes: [],
      ipv6_ra_mode: null, ipv6_address_mode: null, subnetpool_id: null, service_types: [], description: '', tags: [],
    });
    // `segment_id` is `get_subnet:segment_id` (admin only): the member's view lacks it, the admin's and the notification's have it
    expect('segment_id' in s).toBe(false);
    expect(deepFrozen(s)).toBe(true);
    expect(demo.network.getNetwork(n).subnets).toEqual([s.id]);
    expect(demo.network.getQuotaDetails(demoId).subnet.used).toBe(before + 1);
    expect(created.map((e) => (e.payload as { subnet: { id: string; segment_id: null } }).subnet)).toEqual([{ ...s, segment_id: null }]);
    expect(admin.network.getSubnet(s.id).segment_id).toBeNull();
    expect(demo.network.getSubnet(s.id)).toEqual(s);
  });

  it('small v4 subnets as generate_pools makes them: /30 drops network and broadcast, /31 and /32 keep every address', () => {
    const { demo } = world(12202);
    for (const [cidr, gateway, pools, body] of [
      ['10.20.0.0/28', '10.20.0.1', [['10.20.0.2', '10.20.0.14']], {}],
      ['10.20.0.16/30', '10.20.0.17', [['10.20.0.18', '10.20.0.18']], {}],
      ['10.20.0.20/31', null, [['10.20.0.20', '10.20.0.21']], { gateway_ip: null }],
      ['10.20.0.24/32', '10.20.0.25', [['10.20.0.24', '10.20.0.24']], {}],
      ['10.20.1.0/24', null, [['10.20.1.1', '10.20.1.254']], { gateway_ip: null }],
      ['10.20.2.0/24', '10.20.2.100', [['10.20.2.1', '10.20.2.99'], ['10.20.2.101', '10.20.2.254']], { gateway_ip: '10.20.2.100' }],
    ] as const) {
      const s = demo.network.createSubnet({ network_id: net(demo), cidr, ip_version: 4, enable_dhcp: false, ...body });
      expect([cidr, s.gateway_ip, s.allocation_pools.map((p) => [p.start, p.end])]).toEqual([cidr, gateway, pools]);
    }
  });

  it('v6: the gateway is the subnet-router anycast address, the pool everything after it (stateful) — /126, /127, /128 as Neutron', () => {
    const { demo } = world(12203);
    for (const [cidr, gateway, pools, body] of [
      ['fd00:10::/64', 'fd00:10::', [['fd00:10::1', 'fd00:10::ffff:ffff:ffff:ffff']], { ipv6_ra_mode: 'dhcpv6-stateful', ipv6_address_mode: 'dhcpv6-stateful' }],
      ['fd00:12::/126', 'fd00:12::', [['fd00:12::1', 'fd00:12::3']], {}],
      ['fd00:13::/127', 'fd00:13::', [['fd00:13::1', 'fd00:13::1']], { enable_dhcp: false }],
      ['fd00:14::/128', 'fd00:14::', [['fd00:14::', 'fd00:14::']], { enable_dhcp: false }],
    ] as const) {
      const s = demo.network.createSubnet({ network_id: net(demo), cidr, ip_version: 6, ...body });
      expect([cidr, s.gateway_ip, s.allocation_pools.map((p) => [p.start, p.end])]).toEqual([cidr, gateway, pools]);
    }
  });
});

// ---------------------------------------------------------------------------------------- SLAAC

describe('SLAAC', () => {
  it('a SLAAC subnet on a network with ports gives each (not router interfaces) its EUI-64 address; new ports get theirs too', () => {
    const { admin, demo } = world(12210);
    const n = net(demo);
    const v4 = demo.network.createSubnet({ network_id: n, cidr: '10.30.0.0/24', ip_version: 4 });
    const p1 = demo.network.createPort({ network_id: n });
    const p2 = demo.network.createPort({ network_id: n, fixed_ips: [] });
    const router = demo.network.createRouter({ name: 'r' });
    const intf = demo.network.addRouterInterface(router.id, { subnet_id: v4.id });

    const cidr = 'fd00:30::/64';
    const s6 = demo.network.createSubnet({ network_id: n, cidr, ip_version: 6, ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' });
    expect(s6).toMatchObject({ ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac', gateway_ip: 'fd00:30::' });
    for (const id of [p1.id, p2.id]) {
      const p = demo.network.getPort(id);
      const mine = p.fixed_ips.filter((f) => f.subnet_id === s6.id);
      expect(mine).toHaveLength(1);
      expect(v6(mine[0]!.ip_address)).toBe(eui64(cidr, p.mac_address));
    }
    expect(demo.network.getPort(p1.id).fixed_ips.map((f) => f.subnet_id)).toEqual([v4.id, s6.id]);
    // the DHCP port serves the new subnet with its own EUI-64 address
    const [dhcp] = admin.network.listPorts({ network_id: n, device_owner: 'network:dhcp' });
    const dhcp6 = dhcp!.fixed_ips.filter((f) => f.subnet_id === s6.id);
    expect(dhcp6.map((f) => v6(f.ip_address))).toEqual([eui64(cidr, dhcp!.mac_address)]);
    // the router interface keeps only its gateway address
    expect(demo.network.getPort(intf.port_id).fixed_ips).toEqual([{ subnet_id: v4.id, ip_address: '10.30.0.1' }]);
    // a port made afterwards gets one as well
    const p3 = demo.network.createPort({ network_id: n });
    expect(p3.fixed_ips.map((f) => f.subnet_id)).toEqual([v4.id, s6.id]);
    expect(v6(p3.fixed_ips[1]!.ip_address)).toBe(eui64(cidr, p3.mac_address));
    // deleting the SLAAC subnet takes the automatic addresses with it
    demo.network.deleteSubnet(s6.id);
    expect(demo.network.getPort(p1.id).fixed_ips.map((f) => f.subnet_id)).toEqual([v4.id]);
    expect(demo.network.getPort(p2.id).fixed_ips).toEqual([]);
  });

  it('DevStack\'s ipv6-private-subnet gave the DHCP port and every new port on private its EUI-64 address', () => {
    const { admin, demo } = world(12211);
    const sub = demo.network.getSubnet('ipv6-private-subnet');
    const p = demo.network.createPort({ network_id: sub.network_id });
    const [dhcp] = admin.network.listPorts({ network_id: sub.network_id, device_owner: 'network:dhcp' });
    for (const port of [p, dhcp!]) {
      const f = port.fixed_ips.find((x) => x.subnet_id === sub.id)!;
      expect(v6(f.ip_address)).toBe(eui64(sub.cidr, port.mac_address));
    }
  });

  it('SLAAC needs a /64 and DHCP on: Neutron\'s 400s', () => {
    const { cloud, demo } = world(12212);
    const n = net(demo);
    refused(cloud, () => demo.network.createSubnet({ network_id: n, cidr: 'fd00:31::/120', ip_version: 6, ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' }), { status: 400, message: 'Invalid input for operation: Invalid CIDR fd00:31::/120 for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64.' });
    refused(cloud, () => demo.network.createSubnet({ network_id: n, cidr: 'fd00:31::/64', ip_version: 6, ipv6_address_mode: 'slaac', enable_dhcp: false }), { status: 400, message: 'Invalid input for operation: ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False.' });
  });
});

// ----------------------------------------------------------------------------------- validation

describe('validation', () => {
  it('overlapping subnets on one network are 400 InvalidInput, either way round and in v6; another network may reuse a CIDR', () => {
    const { cloud, demo } = world(12220);
    const n = net(demo);
    demo.network.createSubnet({ network_id: n, cidr: '10.40.0.0/24', ip_version: 4 });
    demo.network.createSubnet({ network_id: n, cidr: 'fd00:40::/64', ip_version: 6 });
    for (const cidr of ['10.40.0.128/25', '10.40.0.0/16', '10.40.0.0/24', 'fd00:40::/126', 'fd00::/16']) {
      const e = refused(cloud, () => demo.network.createSubnet({ network_id: n, cidr, ip_version: cidr.includes(':') ? 6 : 4 }), {
        status: 400,
        code: 'network.subnet.overlapping_cidr',
        message: `Invalid input for operation: Requested subnet with cidr: ${cidr} for network: ${n} overlaps with another subnet.`,
      });
      expect(e.details.neutron).toBe('InvalidInput');
    }
    // overlapping IPs across networks are allowed (allow_overlapping_ips)
    expect(demo.network.createSubnet({ network_id: net(demo, 'other'), cidr: '10.40.0.0/24', ip_version: 4 }).cidr).toBe('10.40.0.0/24');
    // and private's 10.0.0.0/26 may be used by alt_demo too
    const { alt } = world(12220);
    expect(alt.network.createSubnet({ network_id: alt.network.createNetwork({}).id, cidr: '10.0.0.0/26', ip_version: 4 }).cidr).toBe('10.0.0.0/26');
  });

  it('pools outside the CIDR (400), overlapping pools (409), a gateway inside a pool (409): Neutron\'s classes and messages', () => {
    const { cloud, demo } = world(12221);
    const n = net(demo);
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ allocation_pools: [{ start: '10.2.0.2', end: '10.2.1.10' }] }, 400, 'OutOfBoundsAllocationPool', 'The allocation pool 10.2.0.2-10.2.1.10 spans beyond the subnet cidr 10.2.0.0/24.'],
      [{ allocation_pools: [{ start: '10.2.0.0', end: '10.2.0.10' }] }, 400, 'OutOfBoundsAllocationPool', 'The allocation pool 10.2.0.0-10.2.0.10 spans beyond the subnet cidr 10.2.0.0/24.'],
      [{ allocation_pools: [{ start: '10.2.0.2', end: '10.2.0.10' }, { start: '10.2.0.8', end: '10.2.0.20' }] }, 409, 'OverlappingAllocationPools', 'Found overlapping allocation pools: 10.2.0.2-10.2.0.10 10.2.0.8-10.2.0.20 for subnet 10.2.0.0/24.'],
      [{ gateway_ip: '10.2.0.5', allocation_pools: [{ start: '10.2.0.2', end: '10.2.0.10' }] }, 409, 'GatewayConflictWithAllocationPools', 'Gateway ip 10.2.0.5 conflicts with allocation pool 10.2.0.2-10.2.0.10.'],
      [{ allocation_pools: [{ start: '10.2.0.20', end: '10.2.0.10' }] }, 400, 'InvalidAllocationPool', "The allocation pool {'start': '10.2.0.20', 'end': '10.2.0.10'} is not valid."],
    ];
    for (const [body, status, neutron, message] of cases) {
      const e = refused(cloud, () => demo.network.createSubnet({ network_id: n, cidr: '10.2.0.0/24', ip_version: 4, ...body }), { status, message });
      expect(e.details.neutron).toBe(neutron);
    }
    // a pool of our own, the gateway outside it
    const s = demo.network.createSubnet({ network_id: n, cidr: '10.2.0.0/24', ip_version: 4, allocation_pools: [{ start: '10.2.0.100', end: '10.2.0.110' }, { start: '10.2.0.2', end: '10.2.0.3' }] });
    expect(s.gateway_ip).toBe('10.2.0.1');
    expect(s.allocation_pools.map((p) => `${p.start}-${p.end}`).sort()).toEqual(['10.2.0.100-10.2.0.110', '10.2.0.2-10.2.0.3']);
  });

  it('a v4 gateway equal to the network or broadcast address is 400; a gateway outside the subnet is accepted, as Neutron accepts it', () => {
    const { cloud, demo } = world(12222);
    const n = net(demo);
    for (const gateway_ip of ['10.3.0.0', '10.3.0.255']) {
      const e = refused(cloud, () => demo.network.createSubnet({ network_id: n, cidr: '10.3.0.0/24', ip_version: 4, gateway_ip }), { status: 400, code: 'network.subnet.gateway_invalid', message: 'Invalid input for operation: Gateway is not valid on subnet.' });
      expect(e.details.neutron).toBe('InvalidInput');
    }
    const s = demo.network.createSubnet({ network_id: n, cidr: '10.3.0.0/24', ip_version: 4, gateway_ip: '10.9.9.9' });
    expect(s.gateway_ip).toBe('10.9.9.9');
    expect(s.allocation_pools).toEqual([{ start: '10.3.0.1', end: '10.3.0.254' }]);
    // v6 has no broadcast: its last address may be the gateway
    const s6 = demo.network.createSubnet({ network_id: n, cidr: 'fd00:3::/120', ip_version: 6, gateway_ip: 'fd00:3::ff' });
    expect(s6.allocation_pools).toEqual([{ start: 'fd00:3::1', end: 'fd00:3::fe' }]);
  });

  it('malformed or mismatched input is a 400 naming the field; an unknown network is 404', () => {
    const { cloud, demo, alt } = world(12223);
    const n = net(demo);
    refused(cloud, () => demo.network.createSubnet({ network_id: n, cidr: '10.99.0.0/33', ip_version: 4 }), { status: 400, message: 'Invalid input for operation: 10.99.0.0/33 is not in a CIDR format.' });
    refused(cloud, () => demo.network.createSubnet({ network_id: n, cidr: '10.99.0.0/24', ip_version: 6 }), { status: 400, message: "Invalid input for operation: cidr '10.99.0.0/24' does not match the ip_version '6'." });
    refused(cloud, () => demo.network.createSubnet({ network_id: n, ip_version: 4 }), { status: 400, message: 'Bad subnets request: a subnetpool must be specified in the absence of a cidr.' });
    refused(cloud, () => demo.network.createSubnet({ cidr: '10.99.0.0/24', ip_version: 4 } as never), { status: 400, message: "Failed to parse request. Required attribute 'network_id' not specified" });
    refused(cloud, () => demo.network.createSubnet({ network_id: n, cidr: '10.99.0.0/24', ip_version: 4, dns_nameservers: ['not-an-ip'] }), { status: 400 });
    refused(cloud, () => demo.network.createSubnet({ network_id: n, cidr: '10.99.0.0/24', ip_version: 4, host_routes: [{ destination: 'x', nexthop: '10.99.0.1' }] }), { status: 400 });
    for (const bad of [null, 42, 'x', []]) refused(cloud, () => demo.network.createSubnet(bad as never), { status: 400 });
    const priv = demo.network.getNetwork('private');
    refused(cloud, () => alt.network.createSubnet({ network_id: priv.id, cidr: '10.98.0.0/24', ip_version: 4 }), { status: 404, code: 'network.network.not_found', message: `Network ${priv.id} could not be found.` });
  });
});

// ----------------------------------------------------------------------------------------- DHCP

describe("the network's DHCP port", () => {
  it('a DHCP subnet creates it: network:dhcp, the first free address, bound to the network host, ACTIVE', () => {
    const { admin, demo, demoId } = world(12230);
    const n = net(demo);
    const s = demo.network.createSubnet({ network_id: n, cidr: '10.70.0.0/24', ip_version: 4 });
    const ports = admin.network.listPorts({ network_id: n });
    expect(ports).toHaveLength(1);
    const dhcp = ports[0]!;
    expect(dhcp).toMatchObject({
      device_owner: 'network:dhcp', project_id: demoId, status: 'ACTIVE', admin_state_up: true, 'binding:host_id': 'controller', 'binding:vif_type': 'ovs',
      fixed_ips: [{ subnet_id: s.id, ip_address: '10.70.0.2' }], security_groups: [],
    });
    expect(dhcp.device_id.startsWith('dhcp') && dhcp.device_id.endsWith(n)).toBe(true);
    expect(dhcp.mac_address).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    // the member sees it too (a port on its own network, of its own project)
    expect(demo.network.listPorts({ network_id: n, device_owner: 'network:dhcp' }).map((p) => p.id)).toEqual([dhcp.id]);
    // the DHCP agent hosts the network
    expect(admin.network.listDhcpAgentsHostingNetwork(n).map((a) => [a.agent_type, a.host])).toEqual([['DHCP agent', 'controller']]);
    expect(admin.network.getNetwork(n).availability_zones).toEqual(['nova']);

    // a second DHCP subnet: the same port, its first free address there
    const s2 = demo.network.createSubnet({ network_id: n, cidr: '10.71.0.0/24', ip_version: 4, gateway_ip: '10.71.0.254' });
    expect(admin.network.listPorts({ network_id: n }).map((p) => p.fixed_ips)).toEqual([[{ subnet_id: s.id, ip_address: '10.70.0.2' }, { subnet_id: s2.id, ip_address: '10.71.0.1' }]]);
  });

  it('a subnet without DHCP makes no DHCP port', () => {
    const { admin, demo } = world(12231);
    const n = net(demo);
    demo.network.createSubnet({ network_id: n, cidr: '10.72.0.0/24', ip_version: 4, enable_dhcp: false });
    expect(admin.network.listPorts({ network_id: n })).toEqual([]);
  });

  it('turning DHCP off gives its address back (the port goes with the last one); on again brings it back', () => {
    const { admin, demo } = world(12232);
    const n = net(demo);
    const a = demo.network.createSubnet({ network_id: n, cidr: '10.73.0.0/24', ip_version: 4 });
    const b = demo.network.createSubnet({ network_id: n, cidr: '10.74.0.0/24', ip_version: 4 });
    const dhcpOf = (): { id: string; fixed_ips: readonly { subnet_id: string; ip_address: string }[] }[] => admin.network.listPorts({ network_id: n, device_owner: 'network:dhcp' });
    const [first] = dhcpOf();
    expect(first!.fixed_ips.map((f) => f.ip_address)).toEqual(['10.73.0.2', '10.74.0.2']);

    expect(demo.network.updateSubnet(a.id, { enable_dhcp: false }).enable_dhcp).toBe(false);
    expect(dhcpOf()).toEqual([expect.objectContaining({ id: first!.id, fixed_ips: [{ subnet_id: b.id, ip_address: '10.74.0.2' }] })]);
    // its address on `a` is free: a port may ask for it
    expect(demo.network.createPort({ network_id: n, fixed_ips: [{ ip_address: '10.73.0.2' }] }).fixed_ips).toEqual([{ subnet_id: a.id, ip_address: '10.73.0.2' }]);

    demo.network.updateSubnet(b.id, { enable_dhcp: false });
    expect(dhcpOf()).toEqual([]);
    expect(demo.network.createPort({ network_id: n, fixed_ips: [{ ip_address: '10.74.0.2' }] }).fixed_ips[0]!.ip_address).toBe('10.74.0.2');

    demo.network.updateSubnet(b.id, { enable_dhcp: true });
    const back = dhcpOf();
    expect(back).toHaveLength(1);
    expect(back[0]!.fixed_ips).toEqual([{ subnet_id: b.id, ip_address: '10.74.0.3' }]);
  });
});

// ------------------------------------------------------------------------------------ subnet pool

describe('subnets from a pool', () => {
  it('use_default_subnetpool takes the next prefix of DevStack\'s shared default pools', () => {
    const { demo } = world(12240);
    const pools = Object.fromEntries(demo.network.listSubnetPools().map((p) => [p.name, p.id]));
    const s4 = demo.network.createSubnet({ network_id: net(demo), use_default_subnetpool: true, ip_version: 4 });
    expect(s4).toMatchObject({ cidr: '10.0.0.64/26', gateway_ip: '10.0.0.65', subnetpool_id: pools['shared-default-subnetpool-v4'], allocation_pools: [{ start: '10.0.0.66', end: '10.0.0.126' }] });
    const again = demo.network.createSubnet({ network_id: net(demo), use_default_subnetpool: true, ip_version: 4 });
    expect(again.cidr).toBe('10.0.0.128/26');
    const s6 = demo.network.createSubnet({ network_id: net(demo), use_default_subnetpool: true, ip_version: 6, ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' });
    expect(s6).toMatchObject({ cidr: '2001:db8:8000:1::/64', subnetpool_id: pools['shared-default-subnetpool-v6'] });
  });

  it("a network's subnets come from one pool: a CIDR subnet beside a pool subnet is 400", () => {
    const { cloud, demo } = world(12241);
    const n = net(demo);
    demo.network.createSubnet({ network_id: n, cidr: '10.80.0.0/24', ip_version: 4 });
    const e = refused(cloud, () => demo.network.createSubnet({ network_id: n, use_default_subnetpool: true, ip_version: 4 }), { status: 400, message: 'Subnets hosted on the same network must be allocated from the same subnet pool.' });
    expect(e.details.neutron).toBe('NetworkSubnetPoolAffinityError');
  });
});

// -------------------------------------------------------------------------------------- update

describe('update', () => {
  it('gateway, pools, DNS servers and host routes; a gateway moved into the pools is 409; every update bumps the revision', () => {
    const { cloud, demo } = world(12250);
    const n = net(demo);
    const s = demo.network.createSubnet({ network_id: n, cidr: '10.90.0.0/24', ip_version: 4 });
    const updated = recordEvents(cloud, 'subnet.update.end');
    const u = demo.network.updateSubnet(s.id, { dns_nameservers: ['8.8.8.8', '1.1.1.1'], host_routes: [{ destination: '10.9.0.0/16', nexthop: '10.90.0.254' }], name: 'renamed' });
    expect(u).toMatchObject({ name: 'renamed', dns_nameservers: ['8.8.8.8', '1.1.1.1'], host_routes: [{ destination: '10.9.0.0/16', nexthop: '10.90.0.254' }], gateway_ip: '10.90.0.1', allocation_pools: s.allocation_pools });
    expect(u.revision_number).toBeGreaterThan(s.revision_number);
    expect(updated.map((e) => (e.payload as { subnet: unknown }).subnet)).toEqual([{ ...u, segment_id: null }]);

    // the gateway may not move into the (unchanged) pools
    const e = refused(cloud, () => demo.network.updateSubnet(s.id, { gateway_ip: '10.90.0.200' }), { status: 409, message: 'Gateway ip 10.90.0.200 conflicts with allocation pool 10.90.0.2-10.90.0.254.' });
    expect(e.details.neutron).toBe('GatewayConflictWithAllocationPools');
    refused(cloud, () => demo.network.updateSubnet(s.id, { gateway_ip: '10.90.0.255' }), { status: 400, message: 'Gateway is not valid on subnet' });
    // shrink the pools, then move it
    const p = demo.network.updateSubnet(s.id, { allocation_pools: [{ start: '10.90.0.10', end: '10.90.0.100' }] });
    expect(p.allocation_pools).toEqual([{ start: '10.90.0.10', end: '10.90.0.100' }]);
    expect(demo.network.updateSubnet(s.id, { gateway_ip: '10.90.0.254' }).gateway_ip).toBe('10.90.0.254');
    // a new port's address comes from the new pool
    const port = demo.network.createPort({ network_id: n });
    const last = Number(port.fixed_ips[0]!.ip_address.split('.')[3]);
    expect(last >= 10 && last <= 100).toBe(true);
    // pools that leave the subnet, or overlap, are refused as on create
    refused(cloud, () => demo.network.updateSubnet(s.id, { allocation_pools: [{ start: '10.90.0.10', end: '10.90.1.1' }] }), { status: 400, message: 'spans beyond the subnet cidr 10.90.0.0/24' });
    refused(cloud, () => demo.network.updateSubnet(s.id, { allocation_pools: [{ start: '10.90.0.10', end: '10.90.0.20' }, { start: '10.90.0.15', end: '10.90.0.30' }] }), { status: 409, message: 'Found overlapping allocation pools' });
    // a gateway of null removes it
    expect(demo.network.updateSubnet(s.id, { gateway_ip: null }).gateway_ip).toBeNull();
  });

  it('read-only attributes are 400 "Cannot update read-only attribute"; unknown ones "Unrecognized attribute(s)"', () => {
    const { cloud, demo } = world(12251);
    const n = net(demo);
    const s = demo.network.createSubnet({ network_id: n, cidr: '10.91.0.0/24', ip_version: 4 });
    for (const [attr, value] of [['cidr', '10.91.0.0/23'], ['network_id', n], ['ip_version', 6], ['ipv6_ra_mode', 'slaac'], ['ipv6_address_mode', 'slaac'], ['subnetpool_id', 'x'], ['project_id', 'x'], ['tenant_id', 'x']] as const) {
      const e = refused(cloud, () => demo.network.updateSubnet(s.id, { [attr]: value } as never), { status: 400, message: `Cannot update read-only attribute ${attr}`, field: attr });
      expect(e.details.neutron).toBe('HTTPBadRequest');
    }
    refused(cloud, () => demo.network.updateSubnet(s.id, { colour: 'blue' } as never), { status: 400, message: "Unrecognized attribute(s) 'colour'" });
  });
});

// -------------------------------------------------------------------------------------- delete

describe('delete', () => {
  it('is refused while a port holds an address (409 SubnetInUse); the DHCP port does not count', () => {
    const { cloud, admin, demo } = world(12260);
    const n = net(demo);
    const s = demo.network.createSubnet({ network_id: n, cidr: '10.92.0.0/24', ip_version: 4 });
    const p = demo.network.createPort({ network_id: n });
    const e = refused(cloud, () => demo.network.deleteSubnet(s.id), { status: 409, code: 'network.subnet.in_use', message: `Unable to complete operation on subnet ${s.id}: One or more ports have an IP allocation from this subnet.` });
    expect(e.details.neutron).toBe('SubnetInUse');
    demo.network.deletePort(p.id);
    const deleted = recordEvents(cloud, 'subnet.delete.end');
    demo.network.deleteSubnet(s.id);
    expect(deleted.map((x) => (x.payload as { subnet_id: string }).subnet_id)).toEqual([s.id]);
    refused(cloud, () => demo.network.getSubnet(s.id), { status: 404, message: `Subnet ${s.id} could not be found.` });
    expect(demo.network.getNetwork(n).subnets).toEqual([]);
    expect(admin.network.listPorts({ network_id: n })).toEqual([]);
    // the CIDR is free again on that network
    expect(demo.network.createSubnet({ network_id: n, cidr: '10.92.0.0/24', ip_version: 4 }).cidr).toBe('10.92.0.0/24');
  });
});

// ------------------------------------------------------------------------------------ isolation

describe('isolation and policy', () => {
  it("another project's subnet is 404 for get, update and delete", () => {
    const { cloud, demo, alt } = world(12270);
    const s = demo.network.getSubnet('private-subnet');
    for (const f of [() => alt.network.getSubnet(s.id), () => alt.network.getSubnet('private-subnet'), () => alt.network.updateSubnet(s.id, { name: 'x' }), () => alt.network.deleteSubnet(s.id)]) {
      const e = refused(cloud, f, { status: 404, code: 'network.subnet.not_found' });
      expect(e.details.neutron).toBe('SubnetNotFound');
    }
    expect(alt.network.listSubnets().map((x) => x.id)).not.toContain(s.id);
  });

  // Zed's neutron/conf/policies/subnet.py: create/update/delete_subnet are
  // "ADMIN or PROJECT_MEMBER or rule:network_owner", and `network_owner` is
  // "tenant_id:%(network:tenant_id)s": any role of the network's project passes, a reader too.
  it("a reader of the network's project may write its subnets (Zed's rule:network_owner); a reader elsewhere may not", () => {
    const { cloud, demo, reader, alt } = world(12271);
    expect(reader.network.getSubnet('private-subnet').cidr).toBe('10.0.0.0/26');
    const n = net(demo);
    const mine = demo.network.createSubnet({ network_id: n, cidr: '10.93.0.0/24', ip_version: 4 });
    const made = reader.network.createSubnet({ network_id: n, cidr: '10.94.0.0/24', ip_version: 4 });
    expect(reader.network.updateSubnet(mine.id, { name: 'x' }).name).toBe('x');
    reader.network.deleteSubnet(made.id);
    // but creating the network itself is a member's (create_network: ADMIN or PROJECT_MEMBER)
    refused(cloud, () => reader.network.createNetwork({ name: 'r' }), { status: 403, message: 'rule:create_network is disallowed by policy' });
    // a shared network of another project: the reader is not its owner
    const sh = cloud.admin.network.createNetwork({ name: 'sh', shared: true, project_id: cloud.systemAdmin.identity.getProject('alt_demo').id });
    alt.network.createSubnet({ network_id: sh.id, cidr: '10.95.0.0/24', ip_version: 4 });
    refused(cloud, () => reader.network.createSubnet({ network_id: sh.id, cidr: '10.96.0.0/24', ip_version: 4 }), { status: 403, code: 'network.policy.forbidden', message: 'rule:create_subnet is disallowed by policy' });
  });
});
