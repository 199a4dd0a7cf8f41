/**
 * Ports through `session.network` (Zed's `neutron/plugins/ml2/plugin.py` `create_port` /
 * `update_port` / `delete_port` and port binding, `neutron/db/db_base_plugin_v2.py`,
 * `neutron/db/ipam_pluggable_backend.py` `_test_fixed_ips_for_port` / `_ipam_allocate_ips`,
 * `neutron/db/ipam_backend_mixin.py` `_get_subnet_for_fixed_ip`, `neutron/ipam/utils.py`
 * `check_subnet_ip`, the neutrondb IPAM driver, `neutron_lib/api/validators/allowedaddresspairs.py`,
 * `neutron/db/portsecurity_db_common.py`, `neutron/plugins/ml2/drivers/mech_agent.py` and
 * `neutron/db/l3_db.py` `prevent_l3_port_deletion`): MACs, requested and allocated addresses and
 * their errors, a full subnet, security groups and port security, allowed address pairs, ML2's
 * binding to hosts with live (or dead) Open vSwitch agents, the calls nova makes for a server's
 * port, ports Neutron keeps for routers and floating IPs, list filters and notifications.
 */
import { describe, it, expect } from 'vitest';
import { type Session } from '../../src/index.js';
import { deepFrozen, recordEvents, networkWorld } from './helpers.js';
import { refused } from '../support/refusal.js';

const PW = 'secret';
const MAC = /^fa:16:3e(:[0-9a-f]{2}){3}$/;

const world = networkWorld;

/** A network of the session's project with one v4 subnet. */
function netWithSubnet(s: Session, cidr: string, extra: Record<string, unknown> = {}): { network: string; subnet: string } {
  const network = s.network.createNetwork({ name: `net-${cidr}` }).id;
  const subnet = s.network.createSubnet({ network_id: network, cidr, ip_version: 4, enable_dhcp: false, ...extra }).id;
  return { network, subnet };
}

function defaultGroupId(s: Session): string {
  return s.network.listSecurityGroups({ name: 'default' })[0]!.id;
}

// ------------------------------------------------------------------------------------------ MACs

describe('MAC addresses', () => {
  it("come from Neutron's base_mac fa:16:3e and are unique on a network; a MAC in use is 409, another network may reuse it", () => {
    const { cloud, demo } = world(12301);
    const { network } = netWithSubnet(demo, '10.1.0.0/24');
    const macs = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const p = demo.network.createPort({ network_id: network });
      expect(p.mac_address).toMatch(MAC);
      macs.add(p.mac_address);
    }
    expect(macs.size).toBe(60);
    const taken = [...macs][0]!;
    const e = refused(cloud, () => demo.network.createPort({ network_id: network, mac_address: taken }), { status: 409, code: 'network.port.mac_in_use', message: `Unable to complete operation for network ${network}. The mac address ${taken} is in use.` });
    expect(e.details.neutron).toBe('MacAddressInUse');
    const other = netWithSubnet(demo, '10.2.0.0/24');
    expect(demo.network.createPort({ network_id: other.network, mac_address: taken.toUpperCase() }).mac_address).toBe(taken);
    refused(cloud, () => demo.network.createPort({ network_id: other.network, mac_address: 'not-a-mac' }), { status: 400, field: 'mac_address', message: "'not-a-mac' is not a valid MAC address" });
  });
});

// ------------------------------------------------------------------------------------ addresses

describe('fixed IPs', () => {
  it('allocated from the pools, or requested by subnet, by address, or both', () => {
    const { demo } = world(12310);
    const { network, subnet } = netWithSubnet(demo, '10.3.0.0/24');
    const auto = demo.network.createPort({ network_id: network });
    expect(auto.fixed_ips).toHaveLength(1);
    expect(auto.fixed_ips[0]!.subnet_id).toBe(subnet);
    const last = Number(auto.fixed_ips[0]!.ip_address.split('.')[3]);
    expect(last >= 2 && last <= 254).toBe(true);
    expect(demo.network.createPort({ network_id: network, fixed_ips: [{ subnet_id: subnet }] }).fixed_ips[0]!.subnet_id).toBe(subnet);
    expect(demo.network.createPort({ network_id: network, fixed_ips: [{ ip_address: '10.3.0.77' }] }).fixed_ips).toEqual([{ subnet_id: subnet, ip_address: '10.3.0.77' }]);
    expect(demo.network.createPort({ network_id: network, fixed_ips: [{ subnet_id: subnet, ip_address: '10.3.0.78' }] }).fixed_ips).toEqual([{ subnet_id: subnet, ip_address: '10.3.0.78' }]);
    // an address outside the pools but inside the subnet may be asked for (the gateway's too: _verify_ip checks the subnet only)
    const narrow = netWithSubnet(demo, '10.4.0.0/24', { allocation_pools: [{ start: '10.4.0.10', end: '10.4.0.20' }] });
    expect(demo.network.createPort({ network_id: narrow.network, fixed_ips: [{ ip_address: '10.4.0.200' }] }).fixed_ips[0]!.ip_address).toBe('10.4.0.200');
    // two addresses on one subnet
    expect(demo.network.createPort({ network_id: network, fixed_ips: [{ ip_address: '10.3.0.90' }, { ip_address: '10.3.0.91' }] }).fixed_ips.map((f) => f.ip_address)).toEqual(['10.3.0.90', '10.3.0.91']);
    // no address at all
    expect(demo.network.createPort({ network_id: network, fixed_ips: [] }).fixed_ips).toEqual([]);
  });

  it('the choice is the seed\'s: the same seed gives the same addresses', () => {
    const addresses = (seed: number): string[] => {
      const { demo } = world(seed);
      const { network } = netWithSubnet(demo, '10.5.0.0/16');
      return [0, 1, 2, 3, 4].map(() => demo.network.createPort({ network_id: network }).fixed_ips[0]!.ip_address);
    };
    expect(addresses(12311)).toEqual(addresses(12311));
  });

  it('errors: InvalidIpForSubnet, InvalidIpForNetwork, an address in use (409), a subnet of another network, a malformed request', () => {
    const { cloud, demo } = world(12312);
    const { network, subnet } = netWithSubnet(demo, '10.6.0.0/24');
    const other = netWithSubnet(demo, '10.7.0.0/24');
    demo.network.createPort({ network_id: network, fixed_ips: [{ ip_address: '10.6.0.50' }] });
    const cases: [Record<string, unknown>[], number, string, string][] = [
      [[{ subnet_id: subnet, ip_address: '10.7.0.6' }], 400, 'InvalidIpForSubnet', 'IP address 10.7.0.6 is not a valid IP for the specified subnet.'],
      [[{ subnet_id: subnet, ip_address: '10.6.0.0' }], 400, 'InvalidIpForSubnet', 'IP address 10.6.0.0 is not a valid IP for the specified subnet.'],
      [[{ subnet_id: subnet, ip_address: '10.6.0.255' }], 400, 'InvalidIpForSubnet', 'IP address 10.6.0.255 is not a valid IP for the specified subnet.'],
      [[{ ip_address: '10.7.0.6' }], 400, 'InvalidIpForNetwork', 'IP address 10.7.0.6 is not a valid IP for any of the subnets on the specified network.'],
      [[{ ip_address: '10.6.0.255' }], 400, 'InvalidIpForNetwork', 'IP address 10.6.0.255 is not a valid IP for any of the subnets on the specified network.'],
      [[{ ip_address: '10.6.0.50' }], 409, 'IpAddressAlreadyAllocated', `IP address 10.6.0.50 already allocated in subnet ${subnet}`],
      [[{ subnet_id: other.subnet }], 400, 'InvalidInput', `Invalid input for operation: Failed to create port on network ${network}, because fixed_ips included invalid subnet ${other.subnet}.`],
      [[{}], 400, 'InvalidInput', 'Invalid input for operation: IP allocation requires subnet_id or ip_address.'],
    ];
    for (const [fixed_ips, status, neutron, message] of cases) {
      const e = refused(cloud, () => demo.network.createPort({ network_id: network, fixed_ips: fixed_ips as never }), { status, message });
      expect([fixed_ips, e.details.neutron]).toEqual([fixed_ips, neutron]);
    }
    for (const bad of ['10.6.0.5', [{ ip_address: 'ten' }], [{ ip_address: '10.6.0.60' }, { ip_address: '10.6.0.60' }], [{ subnet_id: 'nope' }], [{ subnet_id: 7 }], [{ extra: 1 }], [null]]) {
      refused(cloud, () => demo.network.createPort({ network_id: network, fixed_ips: bad as never }), { status: 400, field: 'fixed_ips' });
    }
  });

  // Zed: ipam_backend_mixin._get_subnet_for_fixed_ip calls self._get_subnet_object(context,
  // subnet_id) first "to keep original status code in case subnet is not found": SubnetNotFound, 404.
  it('a well-formed subnet id that does not exist is 404 SubnetNotFound', () => {
    const { cloud, demo } = world(12313);
    const { network } = netWithSubnet(demo, '10.8.0.0/24');
    const missing = '0d8f2a4e-7a4f-4a1e-9c55-6b2d1c0f9e11';
    const e = refused(cloud, () => demo.network.createPort({ network_id: network, fixed_ips: [{ subnet_id: missing }] }), { status: 404, message: `Subnet ${missing} could not be found.` });
    expect(e.details.neutron).toBe('SubnetNotFound');
  });

  // Zed: _test_fixed_ips_for_port sets fixed['device_owner'] and check_subnet_ip(cidr, ip, port_owner)
  // refuses the v6 subnet-router anycast (the network address, here the gateway) for owners other than
  // '' and the router owners.
  it("a compute port may not take a v6 subnet's network address (check_subnet_ip with the port's owner): 400 InvalidIpForSubnet", () => {
    const { cloud, demo } = world(12314);
    const network = demo.network.createNetwork({}).id;
    const s6 = demo.network.createSubnet({ network_id: network, cidr: 'fd00:9::/64', ip_version: 6, ipv6_ra_mode: 'dhcpv6-stateful', ipv6_address_mode: 'dhcpv6-stateful' });
    refused(cloud, () => demo.network.createPort({ network_id: network, device_owner: 'compute:nova', fixed_ips: [{ subnet_id: s6.id, ip_address: 'fd00:9::' }] }), { status: 400, message: 'IP address fd00:9:: is not a valid IP for the specified subnet.' });
  });

  // Zed: ipam_pluggable_backend._ipam_allocate_ips sorts the requests, `ips.sort(key=lambda x:
  // 'ip_address' not in x)`, so specific addresses are taken before any-address requests.
  it('requested addresses are taken before any-address requests of the same port', () => {
    const { demo } = world(12315);
    // on eight two-address pools, an any-address request first would take the asked-for one about half the time
    for (let i = 0; i < 8; i++) {
      const { network, subnet } = netWithSubnet(demo, `10.9.${i}.0/29`, { allocation_pools: [{ start: `10.9.${i}.2`, end: `10.9.${i}.3` }] });
      const p = demo.network.createPort({ network_id: network, fixed_ips: [{ subnet_id: subnet }, { subnet_id: subnet, ip_address: `10.9.${i}.3` }] });
      expect(p.fixed_ips.map((f) => f.ip_address).sort()).toEqual([`10.9.${i}.2`, `10.9.${i}.3`]);
    }
  });

  it('an explicit address on a SLAAC subnet is 400 AllocationOnAutoAddressSubnet', () => {
    const { cloud, demo } = world(12316);
    const sub = demo.network.getSubnet('ipv6-private-subnet');
    const e = refused(cloud, () => demo.network.createPort({ network_id: sub.network_id, fixed_ips: [{ subnet_id: sub.id, ip_address: '2001:db8:8000::99' }] }), { status: 400, message: `IPv6 address 2001:db8:8000::99 cannot be directly assigned to a port on subnet ${sub.id}` });
    expect(e.details.neutron).toBe('AllocationOnAutoAddressSubnet');
  });

  // Zed: neutron/ipam/exceptions.py AllocationOnAutoAddressSubnet: "... on subnet %(subnet_id)s as
  // the subnet is configured for automatic addresses" (src says "since").
  it("AllocationOnAutoAddressSubnet's message is Zed's ('as the subnet is configured for automatic addresses')", () => {
    const { cloud, demo } = world(12317);
    const sub = demo.network.getSubnet('ipv6-private-subnet');
    refused(cloud, () => demo.network.createPort({ network_id: sub.network_id, fixed_ips: [{ subnet_id: sub.id, ip_address: '2001:db8:8000::99' }] }), { status: 400, message: `IPv6 address 2001:db8:8000::99 cannot be directly assigned to a port on subnet ${sub.id} as the subnet is configured for automatic addresses` });
  });

  it('a full subnet is 409 IpAddressGenerationFailure and changes nothing (a /29)', () => {
    const { cloud, demo, demoId } = world(12318);
    const { network, subnet } = netWithSubnet(demo, '10.10.0.0/29');
    const got = new Set<string>();
    for (let i = 0; i < 5; i++) got.add(demo.network.createPort({ network_id: network }).fixed_ips[0]!.ip_address);
    expect([...got].sort()).toEqual(['10.10.0.2', '10.10.0.3', '10.10.0.4', '10.10.0.5', '10.10.0.6']);
    const used = demo.network.getQuotaDetails(demoId).port.used;
    const e = refused(cloud, () => demo.network.createPort({ network_id: network }), { status: 409, code: 'network.ip.generation_failure', message: `No more IP addresses available on network ${network}.` });
    expect(e.details.neutron).toBe('IpAddressGenerationFailure');
    refused(cloud, () => demo.network.createPort({ network_id: network, fixed_ips: [{ subnet_id: subnet }] }), { status: 409, code: 'network.ip.generation_failure' });
    expect(demo.network.getQuotaDetails(demoId).port.used).toBe(used);
    // a port without an address still fits
    expect(demo.network.createPort({ network_id: network, fixed_ips: [] }).fixed_ips).toEqual([]);
  });

  // Zed: ipam_pluggable_backend._ipam_allocate_ips turns the IPAM's IpAddressGenerationFailureAllSubnets
  // into n_exc.IpAddressGenerationFailure(net_id=...), whether or not a subnet_id was asked for.
  it("a full subnet asked for by subnet_id names the network, as Zed's _ipam_allocate_ips does", () => {
    const { cloud, demo } = world(12319);
    const { network, subnet } = netWithSubnet(demo, '10.11.0.0/29');
    for (let i = 0; i < 5; i++) demo.network.createPort({ network_id: network });
    refused(cloud, () => demo.network.createPort({ network_id: network, fixed_ips: [{ subnet_id: subnet }] }), { status: 409, message: `No more IP addresses available on network ${network}.` });
  });

  it("a deleted port's address is free again; updating fixed_ips releases the old and takes the new", () => {
    const { cloud, demo } = world(12320);
    const { network, subnet } = netWithSubnet(demo, '10.12.0.0/24');
    const p = demo.network.createPort({ network_id: network, fixed_ips: [{ ip_address: '10.12.0.10' }] });
    refused(cloud, () => demo.network.createPort({ network_id: network, fixed_ips: [{ ip_address: '10.12.0.10' }] }), { status: 409 });
    const u = demo.network.updatePort(p.id, { fixed_ips: [{ ip_address: '10.12.0.11' }] });
    expect(u.fixed_ips).toEqual([{ subnet_id: subnet, ip_address: '10.12.0.11' }]);
    expect(demo.network.createPort({ network_id: network, fixed_ips: [{ ip_address: '10.12.0.10' }] }).fixed_ips[0]!.ip_address).toBe('10.12.0.10');
    demo.network.deletePort(p.id);
    expect(demo.network.createPort({ network_id: network, fixed_ips: [{ ip_address: '10.12.0.11' }] }).fixed_ips[0]!.ip_address).toBe('10.12.0.11');
  });
});

// ------------------------------------------------------------------------------ security groups

describe('security groups and port security', () => {
  it("a port gets its project's default group unless port security is off; groups without port security are 400", () => {
    const { cloud, demo } = world(12330);
    const { network } = netWithSubnet(demo, '10.20.0.0/24');
    const def = defaultGroupId(demo);
    const p = demo.network.createPort({ network_id: network });
    expect(p).toMatchObject({ security_groups: [def], port_security_enabled: true });
    expect(demo.network.createPort({ network_id: network, port_security_enabled: false })).toMatchObject({ security_groups: [], port_security_enabled: false });
    const web = demo.network.createSecurityGroup({ name: 'web' });
    expect(demo.network.createPort({ network_id: network, security_groups: [web.id] }).security_groups).toEqual([web.id]);
    expect(demo.network.createPort({ network_id: network, security_groups: [] }).security_groups).toEqual([]);
    const e = refused(cloud, () => demo.network.createPort({ network_id: network, port_security_enabled: false, security_groups: [def] }), { status: 400, message: 'Port security must be enabled and port must have an IP address in order to use security groups.' });
    expect(e.details.neutron).toBe('PortSecurityAndIPRequiredForSecurityGroups');
    // a network without port security gives its ports none
    const bare = demo.network.createNetwork({ name: 'bare', port_security_enabled: false });
    demo.network.createSubnet({ network_id: bare.id, cidr: '10.21.0.0/24', ip_version: 4 });
    expect(demo.network.createPort({ network_id: bare.id })).toMatchObject({ port_security_enabled: false, security_groups: [] });
    // another project's group is not found
    const { alt } = { alt: cloud.login({ username: 'alt_demo', password: PW, project: 'alt_demo' }) };
    const altGroup = defaultGroupId(alt);
    refused(cloud, () => demo.network.createPort({ network_id: network, security_groups: [altGroup] }), { status: 404, message: `Security group ${altGroup} does not exist` });
  });

  it('turning port security off while groups remain is 409; with the groups removed in the same call it is allowed', () => {
    const { cloud, demo } = world(12331);
    const { network } = netWithSubnet(demo, '10.22.0.0/24');
    const p = demo.network.createPort({ network_id: network });
    const e = refused(cloud, () => demo.network.updatePort(p.id, { port_security_enabled: false }), { status: 409, message: 'Port has security group associated. Cannot disable port security or IP address until security group is removed' });
    expect(e.details.neutron).toBe('PortSecurityPortHasSecurityGroup');
    expect(demo.network.updatePort(p.id, { port_security_enabled: false, security_groups: [] })).toMatchObject({ port_security_enabled: false, security_groups: [] });
  });

  // Zed: neutron_lib/exceptions/port_security.py PortSecurityPortHasSecurityGroup's message ends "...is removed."
  it("PortSecurityPortHasSecurityGroup's message ends with Zed's full stop", () => {
    const { cloud, demo } = world(12332);
    const { network } = netWithSubnet(demo, '10.23.0.0/24');
    const p = demo.network.createPort({ network_id: network });
    refused(cloud, () => demo.network.updatePort(p.id, { port_security_enabled: false }), { status: 409, message: 'Cannot disable port security or IP address until security group is removed.' });
  });
});

// ------------------------------------------------------------------------------ address pairs

describe('allowed address pairs', () => {
  it("at most 10, each an IP or a CIDR with the port's MAC unless given; duplicates are 400; they need port security (409)", () => {
    const { cloud, demo } = world(12340);
    const { network } = netWithSubnet(demo, '10.30.0.0/24');
    const ten = Array.from({ length: 10 }, (_, i) => ({ ip_address: `10.30.1.${i}` }));
    const p = demo.network.createPort({ network_id: network, allowed_address_pairs: [...ten.slice(0, 9), { ip_address: '10.31.0.0/24', mac_address: 'fa:16:3e:00:00:01' }] });
    expect(p.allowed_address_pairs).toHaveLength(10);
    expect(p.allowed_address_pairs[0]).toEqual({ ip_address: '10.30.1.0', mac_address: p.mac_address });
    expect(p.allowed_address_pairs[9]).toEqual({ ip_address: '10.31.0.0/24', mac_address: 'fa:16:3e:00:00:01' });

    const over = refused(cloud, () => demo.network.createPort({ network_id: network, allowed_address_pairs: [...ten, { ip_address: '10.30.2.1' }] }), { status: 400, message: 'The number of allowed address pair exceeds the maximum 10.' });
    expect(over.details.neutron).toBe('AllowedAddressPairExhausted');
    refused(cloud, () => demo.network.updatePort(p.id, { allowed_address_pairs: [...ten, { ip_address: '10.30.2.1' }] }), { status: 400, message: 'exceeds the maximum 10' });

    const dup = refused(cloud, () => demo.network.createPort({ network_id: network, allowed_address_pairs: [{ ip_address: '10.30.3.3', mac_address: 'fa:16:3e:00:00:02' }, { ip_address: '10.30.3.3', mac_address: 'fa:16:3e:00:00:02' }] }), { status: 400, message: 'Request contains duplicate address pair: mac_address fa:16:3e:00:00:02 ip_address 10.30.3.3.' });
    expect(dup.details.neutron).toBe('DuplicateAddressPairInRequest');
    const missing = refused(cloud, () => demo.network.createPort({ network_id: network, allowed_address_pairs: [{ mac_address: 'fa:16:3e:00:00:02' }] as never }), { status: 400, message: 'AllowedAddressPair must contain ip_address' });
    expect(missing.details.neutron).toBe('AllowedAddressPairsMissingIP');
    refused(cloud, () => demo.network.createPort({ network_id: network, allowed_address_pairs: [{ ip_address: 'nope' }] }), { status: 400, field: 'allowed_address_pairs' });

    const noSec = refused(cloud, () => demo.network.createPort({ network_id: network, port_security_enabled: false, allowed_address_pairs: [{ ip_address: '10.30.4.4' }] }), { status: 409, message: 'Port Security must be enabled in order to have allowed address pairs on a port.' });
    expect(noSec.details.neutron).toBe('AddressPairAndPortSecurityRequired');
    // cleared with an empty list
    expect(demo.network.updatePort(p.id, { allowed_address_pairs: [] }).allowed_address_pairs).toEqual([]);
  });

  // Zed: neutron_lib/api/validators/allowedaddresspairs.py keys duplicates on the pair's own
  // `mac_address` (None when not given): "mac_address None ip_address 10.30.3.3."
  it('duplicate pairs without a MAC are reported with mac_address None, as the Zed validator words it', () => {
    const { cloud, demo } = world(12341);
    const { network } = netWithSubnet(demo, '10.32.0.0/24');
    refused(cloud, () => demo.network.createPort({ network_id: network, allowed_address_pairs: [{ ip_address: '10.32.3.3' }, { ip_address: '10.32.3.3' }] }), { status: 400, message: 'Request contains duplicate address pair: mac_address None ip_address 10.32.3.3.' });
  });
});

// ------------------------------------------------------------------------------------- binding

describe('binding', () => {
  it('to a host with a live Open vSwitch agent: vif_type ovs, ACTIVE; to a host without one: binding_failed, DOWN; unbound with \'\'', () => {
    const { cloud, admin, demo } = world(12350);
    const { network } = netWithSubnet(demo, '10.40.0.0/24');
    const p = demo.network.createPort({ network_id: network });
    expect(p.status).toBe('DOWN');
    expect(admin.network.getPort(p.id)).toMatchObject({ 'binding:host_id': '', 'binding:vif_type': 'unbound', 'binding:vif_details': {}, 'binding:vnic_type': 'normal' });

    const bound = admin.network.updatePort(p.id, { 'binding:host_id': 'compute1' });
    expect(bound).toMatchObject({ status: 'ACTIVE', 'binding:host_id': 'compute1', 'binding:vif_type': 'ovs' });
    expect(bound['binding:vif_details']).toMatchObject({ port_filter: true, bridge_name: 'br-int' });
    expect(deepFrozen(bound)).toBe(true);

    expect(admin.network.updatePort(p.id, { 'binding:host_id': 'no-such-host' })).toMatchObject({ status: 'DOWN', 'binding:vif_type': 'binding_failed', 'binding:host_id': 'no-such-host' });
    expect(admin.network.updatePort(p.id, { 'binding:host_id': 'compute2' })).toMatchObject({ status: 'ACTIVE', 'binding:vif_type': 'ovs' });
    expect(admin.network.updatePort(p.id, { 'binding:host_id': '' })).toMatchObject({ status: 'DOWN', 'binding:vif_type': 'unbound', 'binding:host_id': '' });
    // bound at creation, and admin_state_up false keeps it DOWN
    expect(admin.network.createPort({ network_id: network, 'binding:host_id': 'controller', admin_state_up: false })).toMatchObject({ status: 'DOWN', 'binding:vif_type': 'ovs' });

    // the binding attributes are the admin's: a member may not set them (403) nor see them
    refused(cloud, () => demo.network.createPort({ network_id: network, 'binding:host_id': 'compute1' }), { status: 403, message: '(rule:create_port and rule:create_port:binding:host_id) is disallowed by policy' });
    refused(cloud, () => demo.network.updatePort(p.id, { 'binding:host_id': 'compute1' }), { status: 403, message: '(rule:update_port and rule:update_port:binding:host_id) is disallowed by policy' });
    const seen = demo.network.getPort(p.id);
    for (const k of ['binding:host_id', 'binding:vif_type', 'binding:vif_details', 'binding:profile']) expect(k in seen).toBe(false);
    expect(seen['binding:vnic_type']).toBe('normal');
  });

  it('after its host fails, an agent stays alive for agent_down_time (75 s); then a new binding there fails; recovery binds again', () => {
    const { cloud, admin, demo } = world(12351);
    const { network } = netWithSubnet(demo, '10.41.0.0/24');
    expect(cloud.hardware.failHost('compute1').state).toBe('down');
    expect(admin.network.createPort({ network_id: network, 'binding:host_id': 'compute1' })).toMatchObject({ status: 'ACTIVE', 'binding:vif_type': 'ovs' });
    cloud.clock.advance(75);
    expect(admin.network.createPort({ network_id: network, 'binding:host_id': 'compute1' })['binding:vif_type']).toBe('ovs');
    cloud.clock.advance(1);
    expect(admin.network.createPort({ network_id: network, 'binding:host_id': 'compute1' })).toMatchObject({ status: 'DOWN', 'binding:vif_type': 'binding_failed' });
    expect(admin.network.createPort({ network_id: network, 'binding:host_id': 'compute2' })).toMatchObject({ status: 'ACTIVE', 'binding:vif_type': 'ovs' });
    cloud.hardware.recoverHost('compute1');
    expect(admin.network.createPort({ network_id: network, 'binding:host_id': 'compute1' })).toMatchObject({ status: 'ACTIVE', 'binding:vif_type': 'ovs' });
  });

  it("a port on DevStack's flat public network binds on the network host, whose agent maps `public` to br-ex", () => {
    const { admin } = world(12352);
    const pub = admin.network.getNetwork('public');
    expect(admin.network.createPort({ network_id: pub.id, 'binding:host_id': 'controller' })).toMatchObject({ status: 'ACTIVE', 'binding:vif_type': 'ovs' });
  });

  // Zed: mech_agent.SimpleAgentMechanismDriverBase.check_segment_for_agent refuses a flat or vlan
  // segment whose physical network is not in the agent's bridge_mappings; compute1's Open vSwitch
  // agent reports bridge_mappings {} (src/network/agents.ts), so ML2 cannot bind: binding_failed.
  it("a port on the flat public network cannot bind on a compute host without a bridge mapping for `public`", () => {
    const { admin } = world(12353);
    const pub = admin.network.getNetwork('public');
    expect(admin.network.listAgents({ host: 'compute1', agent_type: 'Open vSwitch agent' })[0]!.configurations).toMatchObject({ bridge_mappings: {} });
    expect(admin.network.createPort({ network_id: pub.id, 'binding:host_id': 'compute1' })).toMatchObject({ status: 'DOWN', 'binding:vif_type': 'binding_failed' });
  });
});

// ---------------------------------------------------------------------------------------- nova

describe("nova's calls for a server's port", () => {
  it('create for a device, bind to the host, unbind, delete: the address is free again', () => {
    const { admin, demo } = world(12360);
    const { network, subnet } = netWithSubnet(demo, '10.50.0.0/24');
    const server = '5a1c7e2e-1f4b-4c2e-9d1e-2f6a7b8c9d0e';
    const p = demo.network.createPort({ network_id: network, device_id: server, device_owner: 'compute:nova', name: 'vm-port' });
    expect(p).toMatchObject({ device_id: server, device_owner: 'compute:nova', status: 'DOWN' });
    const ip = p.fixed_ips[0]!.ip_address;
    expect(demo.network.listPorts({ device_id: server }).map((x) => x.id)).toEqual([p.id]);

    expect(admin.network.updatePort(p.id, { 'binding:host_id': 'compute2', 'binding:profile': { migrating_to: null } })).toMatchObject({ status: 'ACTIVE', 'binding:host_id': 'compute2', 'binding:vif_type': 'ovs' });
    expect(demo.network.getPort(p.id).status).toBe('ACTIVE');
    // nova's detach: unbind and forget the device
    const detached = admin.network.updatePort(p.id, { 'binding:host_id': '', device_id: '', device_owner: '' });
    expect(detached).toMatchObject({ status: 'DOWN', 'binding:vif_type': 'unbound', device_id: '', device_owner: '' });
    expect(demo.network.listPorts({ device_id: server })).toEqual([]);
    demo.network.deletePort(p.id);
    expect(demo.network.createPort({ network_id: network, fixed_ips: [{ subnet_id: subnet, ip_address: ip }] }).fixed_ips[0]!.ip_address).toBe(ip);
  });
});

// ----------------------------------------------------------------------------- Neutron's ports

describe("ports Neutron keeps for routers and floating IPs", () => {
  it('cannot be deleted through the port API (409 ServicePortInUse)', () => {
    const { cloud, admin, demo } = world(12370);
    const router = demo.network.getRouter('router1');
    const ports = admin.network.listPorts({ device_id: router.id });
    const intf = ports.find((p) => p.device_owner === 'network:router_interface')!;
    const gw = ports.find((p) => p.device_owner === 'network:router_gateway')!;
    const e = refused(cloud, () => demo.network.deletePort(intf.id), { status: 409, code: 'network.port.service_port', message: `Port ${intf.id} cannot be deleted directly via the port API: has device owner network:router_interface.` });
    expect(e.details.neutron).toBe('ServicePortInUse');
    refused(cloud, () => admin.network.deletePort(gw.id), { status: 409, message: `Port ${gw.id} cannot be deleted directly via the port API: has device owner network:router_gateway.` });

    const fip = demo.network.createFloatingIp({ floating_network_id: admin.network.getNetwork('public').id });
    const fport = admin.network.listPorts({ device_owner: 'network:floatingip' }).find((p) => p.fixed_ips.some((f) => f.ip_address === fip.floating_ip_address))!;
    refused(cloud, () => admin.network.deletePort(fport.id), { status: 409, message: 'has device owner network:floatingip.' });
    // a port that only says it is a router's, of no router, is stale and may go
    const { network } = netWithSubnet(demo, '10.60.0.0/24');
    const stale = demo.network.createPort({ network_id: network, device_owner: 'network:router_interface', device_id: 'no-such-router' });
    demo.network.deletePort(stale.id);
  });
});

// ------------------------------------------------------------------------------------- listing

describe('list', () => {
  it('filters by device_id, network_id, fixed_ips=ip_address=…, device_owner; fields; sort; limit and marker', () => {
    const { cloud, demo } = world(12380);
    const { network, subnet } = netWithSubnet(demo, '10.70.0.0/24');
    const made = ['a', 'b', 'c', 'd', 'e'].map((name, i) => demo.network.createPort({ network_id: network, name, device_id: i < 2 ? 'dev-1' : 'dev-2', fixed_ips: [{ ip_address: `10.70.0.${10 + i}` }] }));
    expect(demo.network.listPorts({ device_id: 'dev-1' }).map((p) => p.name).sort()).toEqual(['a', 'b']);
    expect(demo.network.listPorts({ network_id: network }).map((p) => p.name).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(demo.network.listPorts({ fixed_ips: 'ip_address=10.70.0.12' }).map((p) => p.name)).toEqual(['c']);
    expect(demo.network.listPorts({ fixed_ips: `subnet_id=${subnet}`, network_id: network }).length).toBe(5);
    expect(demo.network.listPorts({ network_id: network, device_id: 'dev-2', name: ['c', 'e'] }).map((p) => p.name).sort()).toEqual(['c', 'e']);
    expect(demo.network.listPorts({ device_owner: 'network:router_interface' }).length).toBe(2);

    const slim = demo.network.listPorts({ network_id: network, fields: ['name', 'mac_address'], sort_key: 'name', sort_dir: 'desc' });
    expect(slim.map((p) => p.name)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(Object.keys(slim[0]!).sort()).toEqual(['mac_address', 'name']);
    expect(deepFrozen(slim)).toBe(true);

    const byName = demo.network.listPorts({ network_id: network, sort_key: 'name', sort_dir: 'asc', limit: 2 });
    expect(byName.map((p) => p.name)).toEqual(['a', 'b']);
    const byId = [...made].sort((x, y) => (x.id < y.id ? -1 : 1));
    const page1 = demo.network.listPorts({ network_id: network, limit: 2 });
    expect(page1.map((p) => p.id)).toEqual(byId.slice(0, 2).map((p) => p.id));
    const page2 = demo.network.listPorts({ network_id: network, limit: 2, marker: page1[1]!.id });
    expect(page2.map((p) => p.id)).toEqual(byId.slice(2, 4).map((p) => p.id));

    refused(cloud, () => demo.network.listPorts({ colour: 'blue' }), { status: 400, message: '[colour] is invalid attribute for filtering' });
    refused(cloud, () => demo.network.listPorts({ fixed_ips: 'nonsense' }), { status: 400, field: 'fixed_ips' });
    refused(cloud, () => demo.network.listPorts({ limit: -1 }), { status: 400 });
    refused(cloud, () => demo.network.listPorts({ sort_key: 'colour' }), { status: 400 });
  });

  it("isolation: another project's port is 404; its network's owner does not see it either; a reader may look but not write", () => {
    const { cloud, admin, demo, alt, reader, demoId } = world(12381);
    const { network } = netWithSubnet(demo, '10.71.0.0/24');
    const p = demo.network.createPort({ network_id: network, name: 'mine' });
    for (const f of [() => alt.network.getPort(p.id), () => alt.network.updatePort(p.id, { name: 'x' }), () => alt.network.deletePort(p.id)]) {
      refused(cloud, f, { status: 404, code: 'network.port.not_found', message: `Port ${p.id} could not be found.` });
    }
    expect(alt.network.listPorts().map((x) => x.id)).not.toContain(p.id);
    refused(cloud, () => alt.network.createPort({ network_id: network }), { status: 404, code: 'network.network.not_found' });
    expect(reader.network.getPort(p.id).name).toBe('mine');
    refused(cloud, () => reader.network.createPort({ network_id: network }), { status: 403, message: 'rule:create_port is disallowed by policy' });
    refused(cloud, () => reader.network.updatePort(p.id, { name: 'x' }), { status: 403 });
    refused(cloud, () => reader.network.deletePort(p.id), { status: 403 });
    // alt's port on a shared network of demo's: the owner of the network does not see it
    const sh = admin.network.createNetwork({ name: 'sh', shared: true, project_id: demoId });
    demo.network.createSubnet({ network_id: sh.id, cidr: '10.72.0.0/24', ip_version: 4 });
    const altPort = alt.network.createPort({ network_id: sh.id });
    refused(cloud, () => demo.network.getPort(altPort.id), { status: 404 });
  });
});

// ------------------------------------------------------------------------------------ bad input

describe('bad input', () => {
  it('hostile shapes are 400s naming the field, never TypeErrors, and change nothing', () => {
    const { cloud, admin, demo } = world(12385);
    const { network } = netWithSubnet(demo, '10.75.0.0/24');
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const proto = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    for (const [body, field] of [
      [{ network_id: network, name: 'x'.repeat(10_000) }, 'name'],
      [{ network_id: network, name: 7 }, 'name'],
      [{ network_id: network, admin_state_up: Number.NaN }, 'admin_state_up'],
      [{ network_id: network, device_id: { id: 'x' } }, 'device_id'],
      [{ network_id: network, fixed_ips: Array.from({ length: 101 }, () => ({})) }, 'fixed_ips'],
      [{ network_id: network, fixed_ips: [{ ip_address: '10.75.0.5', subnet_id: circular }] }, 'fixed_ips'],
      [{ network_id: network, security_groups: 'default' }, 'security_groups'],
      [{ network_id: network, allowed_address_pairs: { ip_address: '10.0.0.1' } }, 'allowed_address_pairs'],
      [{ network_id: network, mac_address: 42 }, 'mac_address'],
    ] as const) {
      refused(cloud, () => demo.network.createPort(body as never), { status: 400, field });
    }
    refused(cloud, () => demo.network.createPort({ network_id: 42 } as never), { status: 400, message: 'network_id' });
    for (const profile of [circular, proto, [1, 2], 'x']) {
      refused(cloud, () => admin.network.createPort({ network_id: network, 'binding:profile': profile as never }), { status: 400, field: 'binding:profile' });
    }
    for (const bad of [null, undefined, 42, 'port', [], circular]) refused(cloud, () => demo.network.createPort(bad as never), { status: 400 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const ref of [null, 42, '', { id: 7 }, circular]) refused(cloud, () => demo.network.getPort(ref as never), { status: 400 });
    refused(cloud, () => demo.network.listPorts({ device_id: circular }), { status: 400 });
  });
});

// ------------------------------------------------------------------------------- notifications

describe('notifications', () => {
  it('port.create.end, port.update.end and port.delete.end carry the full view', () => {
    const { cloud, admin, demo } = world(12390);
    const { network } = netWithSubnet(demo, '10.80.0.0/24');
    const created = recordEvents(cloud, 'port.create.end');
    const updated = recordEvents(cloud, 'port.update.end');
    const deleted = recordEvents(cloud, 'port.delete.end');
    const p = admin.network.createPort({ network_id: network, name: 'n1' });
    expect(created.map((e) => e.payload)).toEqual([{ port: p }]);
    const u = admin.network.updatePort(p.id, { name: 'n2', 'binding:host_id': 'compute1' });
    expect(updated.map((e) => e.payload)).toEqual([{ port: u }]);
    admin.network.deletePort(p.id);
    expect(deleted.map((e) => e.payload)).toEqual([{ port_id: p.id, port: u }]);
    // a member's call notifies the whole port, binding included, while its answer hides the binding
    const q = demo.network.createPort({ network_id: network });
    expect('binding:vif_type' in q).toBe(false);
    expect((created[1]!.payload as { port: Record<string, unknown> }).port['binding:vif_type']).toBe('unbound');
    // a refused call sends nothing
    refused(cloud, () => demo.network.createPort({ network_id: network, fixed_ips: [{ ip_address: '10.99.0.1' }] }), { status: 400 });
    expect(created).toHaveLength(2);
  });

  // Zed: neutron/api/v2/base.py Controller takes `n_rpc.get_notifier('network')`, and
  // neutron_lib/rpc.py get_notifier makes the publisher_id "network.<host>".
  it('are published as network.<host>, as Neutron\'s API controller publishes them', () => {
    const { cloud, demo } = world(12391);
    const { network } = netWithSubnet(demo, '10.81.0.0/24');
    const created = recordEvents(cloud, 'port.create.end');
    demo.network.createPort({ network_id: network });
    expect(created[0]!.publisher_id).toMatch(/^network\./);
  });
});
