/**
 * Reachability (issue 12): the lecture's three questions and every case the issue lists, on
 * clouds built from rows (`reach_fixtures.ts`): same network, two networks joined by a router,
 * the internet through SNAT or a floating IP, from the internet only through a floating IP's
 * DNAT, security groups on both ends (stateful, stateless, remote prefix and group, ethertype,
 * protocol and ports), port security off, admin state, missing interfaces and gateways, agents
 * that are down, overlapping address spaces, the metadata service; then the answer's shape (a lazy
 * path), the memo, and bad input.
 */
import { describe, expect, it } from 'vitest';
import { CloudError, Memo, freezeView, type CloudState } from '../../src/core/index.js';
import { explainReachability, type ReachabilityAnswer, type ReachabilityQuery } from '../../src/network/reachability.js';
import { devstack, ReachFixture, type Devstack } from './reach_fixtures.js';
import { refusal } from './helpers.js';

const ask = (s: CloudState, q: ReachabilityQuery, canSee?: (id: string) => boolean): ReachabilityAnswer => explainReachability(s, q, canSee);
const kinds = (a: ReachabilityAnswer): string[] => a.path.map((h) => h.kind);
const addrOf = (d: Devstack, port: string, v: 4 | 6 = 4): string => d.f.getPort(port).fixed_ips.find((ip) => ip.ip_address.includes(':') === (v === 6))!.ip_address;

/** The denial, and that the path ends on the hop that says it. */
function denied(a: ReachabilityAnswer): NonNullable<ReachabilityAnswer['deniedBy']> {
  expect(a.allowed).toBe(false);
  const d = a.deniedBy!;
  const last = a.path[a.path.length - 1]!;
  expect(last.passed).toBe(false);
  expect(last.description).toBe(d.message);
  expect(a.path.slice(0, -1).every((h) => h.passed)).toBe(true);
  return d;
}

function allowed(a: ReachabilityAnswer): ReachabilityAnswer {
  expect(a.deniedBy).toBeUndefined();
  expect(a.allowed).toBe(true);
  expect(a.path.every((h) => h.passed)).toBe(true);
  return a;
}

describe('same network (L2)', () => {
  it('two VMs of the default group on two hosts: a VXLAN tunnel between them', () => {
    const d = devstack();
    const a = allowed(ask(d.f.build(), { from: d.vm1, to: d.vm2 }));
    expect(kinds(a)).toEqual(['security_group', 'vif', 'segment', 'vif', 'security_group', 'port']);
    expect(a.path[2]!.description).toMatch(/VXLAN VNI \d+ tunnel compute1 \(192\.168\.1\.20\) → compute2/);
    expect(a.path[1]!.device).toMatch(/^qvo/);
    expect(a.path[5]!.device).toMatch(/^tap/);
    expect(a.from).toMatchObject({ kind: 'port', port_id: d.vm1, address: addrOf(d, d.vm1), via: 'port' });
    expect(a.to).toMatchObject({ kind: 'port', port_id: d.vm2, address: addrOf(d, d.vm2), via: 'port' });
    expect(a.protocol).toBe('any');
    expect(a.port).toBeNull();
  });

  it('on one host the traffic stays on br-int', () => {
    const d = devstack();
    d.f.setPort(d.vm2, { binding_host_id: 'compute1' });
    const a = allowed(ask(d.f.build(), { from: d.vm1, to: d.vm2, protocol: 'icmp' }));
    expect(a.path.find((h) => h.kind === 'segment')!.description).toMatch(/both ends on host compute1/);
  });

  it('IPv6 addresses choose the family; the default group admits IPv6 from its members', () => {
    const d = devstack();
    const a = allowed(ask(d.f.build(), { from: addrOf(d, d.vm1, 6), to: addrOf(d, d.vm2, 6), protocol: 'tcp', port: 22 }));
    expect(a.from.address).toContain(':');
    expect(a.from.via).toBe('fixed_ip');
  });

  it('addresses of two families are refused', () => {
    const d = devstack();
    const e = refusal(() => ask(d.f.build(), { from: addrOf(d, d.vm1, 6), to: addrOf(d, d.vm2) }));
    expect(e.details.field).toBe('to');
  });

  it('a port with no address of the family does not send', () => {
    const d = devstack();
    const v6only = d.f.port(d.priv, { subnets: [d.privV6] });
    const r = denied(ask(d.f.build(), { from: v6only, to: addrOf(d, d.vm2) }));
    expect(r).toMatchObject({ reason: 'port.no_address', resource: { type: 'port', id: v6only } });
  });

  it('a flat network joins hosts through the bridge its agents map; a host without the mapping is not joined', () => {
    const f = new ReachFixture();
    f.agents(['compute1']);
    f.agent('compute9', 'Open vSwitch agent', { configurations: { bridge_mappings: { other: 'br-other' } } });
    const net = f.network({ type: 'vlan', physnet: 'public', segmentation_id: 100 });
    f.subnet(net, '192.168.10.0/24');
    const a = f.port(net, { host: 'compute1' });
    const b = f.port(net, { host: 'controller' });
    const c = f.port(net, { host: 'compute9' });
    const s = f.build();
    expect(allowed(ask(s, { from: a, to: b })).path.find((h) => h.kind === 'segment')!.description).toMatch(/VLAN 100 on physical network 'public' through br-ex/);
    expect(denied(ask(s, { from: a, to: c }))).toMatchObject({ reason: 'network.no_bridge_mapping', resource: { type: 'network', id: net } });
  });

  it('a local network joins nothing across hosts', () => {
    const f = new ReachFixture();
    f.agents();
    const net = f.network({ type: 'local' });
    f.subnet(net, '192.168.20.0/24');
    const a = f.port(net, { host: 'compute1' });
    const b = f.port(net, { host: 'compute2' });
    const c = f.port(net, { host: 'compute1' });
    const s = f.build();
    expect(denied(ask(s, { from: a, to: b })).reason).toBe('network.segment_local');
    allowed(ask(s, { from: a, to: c }));
  });
});

describe('security groups', () => {
  function web(): Devstack & { web: string; s: () => CloudState } {
    const d = devstack();
    const web = d.f.securityGroup('demo', { name: 'web' });
    d.f.setPort(d.vm2, { security_groups: [web] });
    return { ...d, web, s: () => d.f.build() };
  }

  it('ingress needs a rule: protocol, port range and prefix', () => {
    const d = web();
    expect(denied(ask(d.s(), { from: d.vm1, to: d.vm2, protocol: 'tcp', port: 22 }))).toMatchObject({ reason: 'security_group.ingress', resource: { type: 'security_group', id: d.web } });
    d.f.rule(d.web, { direction: 'ingress', protocol: 'tcp', min: 20, max: 25, prefix: '10.0.0.0/24' });
    const s = d.s();
    const a = allowed(ask(s, { from: d.vm1, to: d.vm2, protocol: 'tcp', port: 22 }));
    expect(a.path.filter((h) => h.kind === 'security_group')[1]!.resource!.type).toBe('security_group_rule');
    expect(denied(ask(s, { from: d.vm1, to: d.vm2, protocol: 'tcp', port: 26 })).reason).toBe('security_group.ingress');
    expect(denied(ask(s, { from: d.vm1, to: d.vm2, protocol: 'udp', port: 22 })).reason).toBe('security_group.ingress');
    // every tcp port: the rule covers 20-25 only
    expect(denied(ask(s, { from: d.vm1, to: d.vm2, protocol: 'tcp' })).reason).toBe('security_group.ingress');
    // any protocol: only a rule for every protocol admits it
    expect(denied(ask(s, { from: d.vm1, to: d.vm2 })).reason).toBe('security_group.ingress');
  });

  it('a prefix that does not hold the source does not admit it', () => {
    const d = web();
    d.f.rule(d.web, { direction: 'ingress', protocol: 'tcp', min: 22, prefix: '10.0.1.0/24' });
    expect(denied(ask(d.s(), { from: d.vm1, to: d.vm2, protocol: 'tcp', port: 22 })).reason).toBe('security_group.ingress');
  });

  it('icmp: protocol names and numbers, type and code', () => {
    const d = web();
    d.f.rule(d.web, { direction: 'ingress', protocol: 'icmp', min: 0 });
    expect(denied(ask(d.s(), { from: d.vm1, to: d.vm2, protocol: 'icmp' })).reason).toBe('security_group.ingress');
    d.f.rule(d.web, { direction: 'ingress', protocol: '1', min: 8, max: 0 });
    allowed(ask(d.s(), { from: d.vm1, to: d.vm2, protocol: 'icmp' }));
  });

  it('ethertype follows the address family; "icmp" in an IPv6 rule is ipv6-icmp', () => {
    const d = web();
    d.f.rule(d.web, { direction: 'ingress', ethertype: 'IPv4', protocol: 'icmp' });
    allowed(ask(d.s(), { from: d.vm1, to: d.vm2, protocol: 'icmp' }));
    expect(denied(ask(d.s(), { from: addrOf(d, d.vm1, 6), to: addrOf(d, d.vm2, 6), protocol: 'icmp' })).reason).toBe('security_group.ingress');
    d.f.rule(d.web, { direction: 'ingress', ethertype: 'IPv6', protocol: 'icmp' });
    allowed(ask(d.s(), { from: addrOf(d, d.vm1, 6), to: addrOf(d, d.vm2, 6), protocol: 'icmp' }));
  });

  it('remote_group_id admits the group members only', () => {
    const d = web();
    const other = d.f.securityGroup('demo', { name: 'other' });
    d.f.rule(other, { direction: 'egress' });
    d.f.rule(d.web, { direction: 'ingress', protocol: 'tcp', min: 80, remoteGroup: d.sg });
    const outsider = d.f.port(d.priv, { sgs: [other] });
    const s = d.s();
    allowed(ask(s, { from: d.vm1, to: d.vm2, protocol: 'tcp', port: 80 }));
    expect(denied(ask(s, { from: outsider, to: d.vm2, protocol: 'tcp', port: 80 })).reason).toBe('security_group.ingress');
    // membership is what counts: the outsider joins the group
    d.f.setPort(outsider, { security_groups: [other, d.sg] });
    allowed(ask(d.s(), { from: outsider, to: d.vm2, protocol: 'tcp', port: 80 }));
  });

  it("a member's allowed address pair is a member address too", () => {
    const d = web();
    d.f.rule(d.web, { direction: 'ingress', remoteGroup: d.sg });
    d.f.setPort(d.vm1, { allowed_address_pairs: [{ ip_address: '10.0.0.50', mac_address: 'fa:16:3e:00:00:01' }] });
    const a = allowed(ask(d.s(), { from: '10.0.0.50', to: d.vm2 }));
    expect(a.from).toMatchObject({ port_id: d.vm1, address: '10.0.0.50', via: 'allowed_address_pair' });
  });

  it('egress is filtered too; the default group sends anywhere', () => {
    const d = web();
    d.f.rule(d.web, { direction: 'ingress' });
    allowed(ask(d.s(), { from: d.vm1, to: d.vm2 }));
    expect(denied(ask(d.s(), { from: d.vm2, to: d.vm1 }))).toMatchObject({ reason: 'security_group.egress', resource: { type: 'security_group', id: d.web } });
  });

  it('stateful: the source needs no ingress rule for the replies', () => {
    const d = web();
    d.f.rule(d.web, { direction: 'ingress', protocol: 'tcp', min: 22 });
    const a = allowed(ask(d.s(), { from: d.vm1, to: d.vm2, protocol: 'tcp', port: 22 }));
    expect(a.path.filter((h) => h.kind === 'security_group')).toHaveLength(2);
  });

  it('stateless groups need rules for the replies', () => {
    const d = web();
    d.f.setGroup(d.web, { stateful: false });
    d.f.rule(d.web, { direction: 'ingress', protocol: 'tcp', min: 22 });
    expect(denied(ask(d.s(), { from: d.vm1, to: d.vm2, protocol: 'tcp', port: 22 }))).toMatchObject({ reason: 'security_group.reply_egress', resource: { type: 'security_group', id: d.web } });
    d.f.rule(d.web, { direction: 'egress', protocol: 'tcp', min: 1024, max: 65535 });
    const a = allowed(ask(d.s(), { from: d.vm1, to: d.vm2, protocol: 'tcp', port: 22 }));
    expect(a.path.filter((h) => h.kind === 'security_group').map((h) => h.description)[2]).toMatch(/reply/);
  });

  it('port security off: no filter at all, on either end', () => {
    const d = web();
    d.f.setPort(d.vm2, { port_security_enabled: false, security_groups: [] });
    const a = allowed(ask(d.s(), { from: d.vm1, to: d.vm2, protocol: 'udp', port: 53 }));
    expect(a.path.filter((h) => h.kind === 'security_group')[1]!.description).toMatch(/port_security_enabled false/);
    d.f.setPort(d.vm1, { port_security_enabled: false, security_groups: [] });
    allowed(ask(d.s(), { from: d.vm2, to: d.vm1 }));
  });

  it('a port in no group drops everything', () => {
    const d = web();
    d.f.setPort(d.vm2, { security_groups: [] });
    expect(denied(ask(d.s(), { from: d.vm1, to: d.vm2 })).resource).toEqual({ type: 'port', id: d.vm2 });
  });

  it('a port sends ICMPv6 whatever its groups say (the fixed rules)', () => {
    const d = web();
    d.f.rule(d.sg, { direction: 'ingress', ethertype: 'IPv6', protocol: 'ipv6-icmp' });
    expect(denied(ask(d.s(), { from: addrOf(d, d.vm2, 6), to: addrOf(d, d.vm1, 6), protocol: 'tcp', port: 22 })).reason).toBe('security_group.egress');
    const a = allowed(ask(d.s(), { from: addrOf(d, d.vm2, 6), to: addrOf(d, d.vm1, 6), protocol: 'icmp' }));
    expect(a.path[0]!.description).toMatch(/fixed rules/);
  });
});

describe('admin state, binding and agents', () => {
  it('a port, a network or a router with admin_state_up false denies, naming it', () => {
    const d = devstack();
    d.f.setPort(d.vm2, { admin_state_up: false });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: d.vm2 })).resource).toEqual({ type: 'port', id: d.vm2 });
    d.f.setPort(d.vm2, { admin_state_up: true });
    d.f.setNetwork(d.priv, { admin_state_up: false });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: d.vm2 }))).toMatchObject({ reason: 'network.admin_state_down', resource: { type: 'network', id: d.priv } });
    d.f.setNetwork(d.priv, { admin_state_up: true });
    d.f.setRouter(d.router1, { admin_state_up: false });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: 'internet' }))).toMatchObject({ reason: 'router.admin_state_down', resource: { type: 'router', id: d.router1 } });
  });

  it('an unbound port has no device; a port on a host whose agent is down is down', () => {
    const d = devstack();
    d.f.setPort(d.vm2, { binding_host_id: '', binding_vif_type: 'unbound' });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: d.vm2 })).reason).toBe('port.unbound');
    d.f.setPort(d.vm2, { binding_host_id: 'compute2', binding_vif_type: 'ovs' });
    d.f.setAgent(d.agents.ovs['compute2']!, { reporting: false, heartbeat_timestamp: 0 });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: d.vm2 }))).toMatchObject({ reason: 'port.host_down', resource: { type: 'agent', id: d.agents.ovs['compute2'] } });
  });

  it('a router with no L3 agent routes nothing', () => {
    const d = devstack();
    d.f.setRouter(d.router1, { l3_agent_id: null });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: 'internet' }))).toMatchObject({ reason: 'router.no_l3_agent', resource: { type: 'router', id: d.router1 } });
  });

  it('an L3 agent is alive while it reports, or within agent_down_time (75 s) of its last heartbeat', () => {
    const d = devstack();
    d.f.now = 1000;
    d.f.setAgent(d.agents.l3, { reporting: false, heartbeat_timestamp: 925 });
    allowed(ask(d.f.build(), { from: d.vm1, to: 'internet' }));
    d.f.now = 1001;
    expect(denied(ask(d.f.build(), { from: d.vm1, to: 'internet' }))).toMatchObject({ reason: 'router.l3_agent_down', resource: { type: 'agent', id: d.agents.l3 } });
  });

  it('an L3 agent with admin_state_up false serves no routers', () => {
    const d = devstack();
    d.f.setAgent(d.agents.l3, { admin_state_up: false });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: 'internet' })).reason).toBe('router.l3_agent_disabled');
  });
});

describe('two networks joined by a router', () => {
  function twoNets(): Devstack & { net2: string; sub2: string; iface2: string; vm3: string } {
    const d = devstack();
    const net2 = d.f.network({ name: 'private2' });
    const sub2 = d.f.subnet(net2, '10.0.1.0/24');
    const iface2 = d.f.addInterface(d.router1, sub2);
    const vm3 = d.f.port(net2, { host: 'compute2' });
    return { ...d, net2, sub2, iface2, vm3 };
  }

  it('routes through the qr- interfaces in qrouter- on the L3 agent host', () => {
    const d = twoNets();
    const a = allowed(ask(d.f.build(), { from: d.vm1, to: d.vm3 }));
    expect(kinds(a)).toEqual(['security_group', 'vif', 'segment', 'router_interface', 'route', 'segment', 'vif', 'security_group', 'port']);
    const r = a.path[3]!;
    expect(r).toMatchObject({ host: 'controller', namespace: `qrouter-${d.router1}`, resource: { type: 'router', id: d.router1 } });
    expect(r.device).toMatch(/^qr-/);
    expect(a.path[4]!.description).toContain('10.0.1.0/24');
    // no NAT between a router's own subnets: the destination sees the source's fixed IP
    expect(a.path.at(-1)!.source).toBe(addrOf(d, d.vm1));
  });

  it('without an interface on the destination subnet: the router is named', () => {
    const d = devstack();
    const net2 = d.f.network({ name: 'private2' });
    const sub2 = d.f.subnet(net2, '10.0.1.0/24');
    const vm3 = d.f.port(net2);
    const r = denied(ask(d.f.build(), { from: d.vm1, to: vm3 }));
    expect(r).toMatchObject({ reason: 'router.interface_missing', resource: { type: 'router', id: d.router1 } });
    expect(r.message).toContain(sub2);
  });

  it("a source subnet attached to no router: the subnet is named", () => {
    const d = twoNets();
    const lone = d.f.network({ name: 'lone' });
    const loneSub = d.f.subnet(lone, '10.0.9.0/24');
    const vm = d.f.port(lone);
    expect(denied(ask(d.f.build(), { from: vm, to: d.vm1 }))).toMatchObject({ reason: 'router.interface_missing', resource: { type: 'subnet', id: loneSub } });
    d.f.setSubnet(loneSub, { gateway_ip: null });
    expect(denied(ask(d.f.build(), { from: vm, to: d.vm1 }))).toMatchObject({ reason: 'subnet.no_gateway', resource: { type: 'subnet', id: loneSub } });
  });

  it("replies go to the destination subnet's gateway: that router must reach the source's subnet", () => {
    const d = devstack();
    const net2 = d.f.network({ name: 'private2' });
    const sub2 = d.f.subnet(net2, '10.0.1.0/24');
    const router2 = d.f.router({ name: 'router2' });
    d.f.addInterface(router2, sub2);
    // router1 has an interface on sub2 too, at another address than its gateway
    d.f.addInterface(d.router1, sub2, '10.0.1.5');
    const vm3 = d.f.port(net2, { host: 'compute2' });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: vm3 }))).toMatchObject({ reason: 'router.no_return_route', resource: { type: 'router', id: router2 } });
    d.f.addInterface(router2, d.privV4, '10.0.0.5');
    const a = allowed(ask(d.f.build(), { from: d.vm1, to: vm3 }));
    expect(a.path.at(-1)).toMatchObject({ kind: 'route', resource: { type: 'router', id: router2 } });
  });

  it('an interface with admin_state_up false denies, naming it', () => {
    const d = twoNets();
    d.f.setPort(d.iface2, { admin_state_up: false });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: d.vm3 }))).toMatchObject({ reason: 'port.admin_state_down', resource: { type: 'port', id: d.iface2 } });
  });
});

describe('the internet', () => {
  it('a VM reaches the internet through its router: SNAT to the gateway address', () => {
    const d = devstack();
    const a = allowed(ask(d.f.build(), { from: d.vm1, to: 'internet', protocol: 'tcp', port: 443 }));
    expect(kinds(a)).toEqual(['security_group', 'vif', 'segment', 'router_interface', 'snat', 'router_gateway', 'segment', 'internet']);
    const gw = d.f.getPort(d.f.getRouter(d.router1).gw_port_id!).fixed_ips[0]!.ip_address;
    expect(a.path[4]).toMatchObject({ source: gw, namespace: `qrouter-${d.router1}` });
    expect(a.path[5]!.device).toMatch(/^qg-/);
    expect(a.path[6]!.description).toMatch(/flat .* physical network 'public' through br-ex/);
    expect(a.to).toMatchObject({ kind: 'internet', port_id: null, address: null });
  });

  it('SNAT off: only a floating IP lets a private address out', () => {
    const d = devstack();
    d.f.setRouter(d.router1, { enable_snat: false });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: 'internet' }))).toMatchObject({ reason: 'router.snat_disabled', resource: { type: 'router', id: d.router1 } });
    const fip = d.f.floatingIp(d.pub, { port: d.vm1, router: d.router1 });
    const a = allowed(ask(d.f.build(), { from: d.vm1, to: 'internet' }));
    expect(a.path.find((h) => h.kind === 'floating_ip_snat')).toMatchObject({ source: d.f.getFloatingIp(fip).floating_ip_address, resource: { type: 'floatingip', id: fip } });
  });

  it('a router without a gateway: denied, naming the router', () => {
    const d = devstack();
    d.f.setRouter(d.router1, { gw_port_id: null });
    expect(denied(ask(d.f.build(), { from: d.vm1, to: 'internet' }))).toMatchObject({ reason: 'router.gateway_missing', resource: { type: 'router', id: d.router1 } });
  });

  it('IPv6 is routed through the gateway, not NATed', () => {
    const d = devstack();
    const a = allowed(ask(d.f.build(), { from: addrOf(d, d.vm1, 6), to: 'internet' }));
    expect(kinds(a)).not.toContain('snat');
    expect(a.path.at(-1)!.source).toBe(addrOf(d, d.vm1, 6));
  });

  it('from the internet, a VM is reached only through a floating IP', () => {
    const d = devstack();
    expect(denied(ask(d.f.build(), { from: 'internet', to: d.vm1 }))).toMatchObject({ reason: 'floatingip.none', resource: { type: 'port', id: d.vm1 } });
    const fip = d.f.floatingIp(d.pub, { port: d.vm1, router: d.router1 });
    const fipAddress = d.f.getFloatingIp(fip).floating_ip_address;
    // the default group admits its members only
    expect(denied(ask(d.f.build(), { from: 'internet', to: d.vm1, protocol: 'tcp', port: 22 })).reason).toBe('security_group.ingress');
    d.f.rule(d.sg, { direction: 'ingress', protocol: 'tcp', min: 22, prefix: '0.0.0.0/0' });
    const s = d.f.build();
    const a = allowed(ask(s, { from: 'internet', to: d.vm1, protocol: 'tcp', port: 22 }));
    expect(kinds(a)).toEqual(['internet', 'segment', 'router_gateway', 'dnat', 'route', 'segment', 'vif', 'security_group', 'port']);
    expect(a.path[3]).toMatchObject({ destination: addrOf(d, d.vm1), resource: { type: 'floatingip', id: fip } });
    expect(a.path[2]).toMatchObject({ destination: fipAddress });
    // named by its floating IP address: the same path
    const b = allowed(ask(s, { from: 'internet', to: fipAddress, protocol: 'tcp', port: 22 }));
    expect(b.to).toMatchObject({ port_id: d.vm1, via: 'floating_ip', floating_ip_id: fip, floating_ip_address: fipAddress, address: addrOf(d, d.vm1) });
    // a prefix narrower than the internet does not admit it
    expect(denied(ask(s, { from: 'internet', to: d.vm1, protocol: 'tcp', port: 23 })).reason).toBe('security_group.ingress');
    // its private address is not reachable from outside
    expect(denied(ask(s, { from: 'internet', to: addrOf(d, d.vm1), protocol: 'tcp', port: 22 })).message).toContain(fipAddress);
  });

  it("the router holding the floating IP needs its gateway on the floating IP's network", () => {
    const d = devstack();
    d.f.floatingIp(d.pub, { port: d.vm1, router: d.router1 });
    d.f.rule(d.sg, { direction: 'ingress', prefix: '0.0.0.0/0' });
    const other = d.f.network({ name: 'ext2', project: 'admin', external: true, physnet: 'public' });
    d.f.subnet(other, '198.51.100.0/24', { dhcp: false });
    const gw2 = d.f.port(other, { owner: 'network:router_gateway', device: d.router1, project: '' });
    d.f.setRouter(d.router1, { gw_port_id: gw2 });
    expect(denied(ask(d.f.build(), { from: 'internet', to: d.vm1 }))).toMatchObject({ reason: 'router.gateway_missing', resource: { type: 'router', id: d.router1 } });
    d.f.setRouter(d.router1, { gw_port_id: null });
    expect(denied(ask(d.f.build(), { from: 'internet', to: d.vm1 })).reason).toBe('router.gateway_missing');
  });

  it('a floating IP that is not associated answers nothing', () => {
    const d = devstack();
    const fip = d.f.floatingIp(d.pub);
    const address = d.f.getFloatingIp(fip).floating_ip_address;
    expect(denied(ask(d.f.build(), { from: d.vm1, to: address }))).toMatchObject({ reason: 'floatingip.not_associated', resource: { type: 'floatingip', id: fip } });
  });

  it("a VM reaches another's floating IP from behind the same router (DNAT inside the router)", () => {
    const d = devstack();
    const fip = d.f.floatingIp(d.pub, { port: d.vm2, router: d.router1 });
    d.f.rule(d.sg, { direction: 'ingress', prefix: '172.24.4.0/24' });
    const a = allowed(ask(d.f.build(), { from: d.vm1, to: d.f.getFloatingIp(fip).floating_ip_address }));
    expect(kinds(a)).toContain('dnat');
    expect(kinds(a)).not.toContain('internet');
    // it arrives from the router's gateway address (SNATed), not from the group's member
    expect(a.path.at(-1)!.source).toMatch(/^172\.24\.4\./);
  });

  it('a port on the external network is reached directly', () => {
    const d = devstack();
    const ext = d.f.port(d.pub, { host: 'compute2', sgs: [d.sg] });
    d.f.rule(d.sg, { direction: 'ingress', prefix: '0.0.0.0/0' });
    const s = d.f.build();
    const a = allowed(ask(s, { from: 'internet', to: ext }));
    expect(kinds(a)).toEqual(['internet', 'segment', 'vif', 'security_group', 'port']);
    const b = allowed(ask(s, { from: d.vm1, to: ext }));
    expect(kinds(b)).toContain('snat');
    expect(kinds(b)).not.toContain('internet');
  });
});

describe('overlapping address spaces', () => {
  function overlapping() {
    const f = new ReachFixture();
    f.agents();
    const pub = f.network({ name: 'public', project: 'admin', external: true });
    f.subnet(pub, '172.24.4.0/24', { dhcp: false });
    const netA = f.network({ name: 'a', project: 'alice' });
    const subA = f.subnet(netA, '10.0.0.0/24');
    const netB = f.network({ name: 'b', project: 'bob' });
    const subB = f.subnet(netB, '10.0.0.0/24');
    const rA = f.router({ project: 'alice', gateway: pub });
    f.addInterface(rA, subA);
    const rB = f.router({ project: 'bob', gateway: pub });
    f.addInterface(rB, subB);
    const a = f.port(netA, { ips: ['10.0.0.5'] });
    const b = f.port(netB, { ips: ['10.0.0.5'] });
    const b2 = f.port(netB, { ips: ['10.0.0.6'] });
    for (const p of ['alice', 'bob']) f.rule(f.defaultGroup(p), { direction: 'ingress', prefix: '0.0.0.0/0' });
    return { f, pub, a, b, b2, rA, rB, netA, netB };
  }

  it('an address two projects use is ambiguous, unless the caller sees one of them', () => {
    const o = overlapping();
    const s = o.f.build();
    const e = refusal(() => ask(s, { from: '10.0.0.5', to: 'internet' }));
    expect(e.status).toBe(409);
    expect(e.code).toBe('network.reachability.address_ambiguous');
    expect([...(e.details.candidates as string[])].sort()).toEqual([o.a, o.b].sort());
    const bobs = new Set([o.b, o.b2]);
    expect(ask(s, { from: '10.0.0.5', to: '10.0.0.6' }, (id) => bobs.has(id)).from.port_id).toBe(o.b);
  });

  it('two projects stay apart without a floating IP, whatever their addresses', () => {
    const o = overlapping();
    const s = o.f.build();
    expect(denied(ask(s, { from: o.a, to: o.b2 }))).toMatchObject({ reason: 'router.interface_missing', resource: { type: 'router', id: o.rA } });
    expect(denied(ask(s, { from: o.a, to: o.b })).reason).toBe('router.interface_missing');
    // with a floating IP, only through its DNAT, from the router's gateway address
    const fip = o.f.floatingIp(o.pub, { port: o.b2, router: o.rB });
    const a = allowed(ask(o.f.build(), { from: o.a, to: o.f.getFloatingIp(fip).floating_ip_address }));
    expect(kinds(a)).toContain('dnat');
    expect(a.path.at(-1)!.source).toMatch(/^172\.24\.4\./);
  });
});

describe('the metadata service (169.254.169.254)', () => {
  it("a routed subnet: the router's proxy on the L3 agent's host answers", () => {
    const d = devstack();
    const a = allowed(ask(d.f.build(), { from: d.vm1, to: '169.254.169.254' }));
    expect(a.protocol).toBe('tcp');
    expect(a.port).toBe(80);
    expect(a.to).toMatchObject({ kind: 'metadata', address: '169.254.169.254' });
    expect(kinds(a)).toEqual(['security_group', 'vif', 'segment', 'router_interface', 'metadata_proxy', 'metadata_agent']);
    expect(a.path[4]).toMatchObject({ namespace: `qrouter-${d.router1}`, host: 'controller' });
    expect(a.path[5]).toMatchObject({ resource: { type: 'agent', id: d.agents.metadata } });
  });

  it("an isolated subnet with DHCP: the DHCP agent's proxy in qdhcp answers", () => {
    const f = new ReachFixture();
    const agents = f.agents();
    const net = f.network({ name: 'isolated' });
    f.subnet(net, '192.168.50.0/24');
    const dhcp = f.dhcpPort(net, agents.dhcp);
    const vm = f.port(net);
    const a = allowed(ask(f.build(), { from: vm, to: '169.254.169.254', protocol: 'tcp', port: 80 }));
    expect(kinds(a)).toEqual(['security_group', 'vif', 'segment', 'metadata_proxy', 'metadata_agent']);
    expect(a.path[3]).toMatchObject({ namespace: `qdhcp-${net}`, resource: { type: 'port', id: dhcp } });
  });

  it('every port of a DHCP network is answered; not without DHCP, a live DHCP agent and a live metadata agent', () => {
    const f = new ReachFixture();
    const agents = f.agents();
    const net = f.network();
    const sub = f.subnet(net, '192.168.50.0/24');
    f.dhcpPort(net, agents.dhcp);
    const vms = [f.port(net, { host: 'compute1' }), f.port(net, { host: 'compute2' }), f.port(net, { host: 'controller', sgs: [], security: false })];
    for (const vm of vms) allowed(ask(f.build(), { from: vm, to: '169.254.169.254' }));
    f.setAgent(agents.metadata, { reporting: false, heartbeat_timestamp: 0 });
    expect(denied(ask(f.build(), { from: vms[0]!, to: '169.254.169.254' }))).toMatchObject({ reason: 'metadata.agent_down', resource: { type: 'agent', id: agents.metadata } });
    f.setAgent(agents.dhcp, { reporting: false, heartbeat_timestamp: 0 });
    expect(denied(ask(f.build(), { from: vms[0]!, to: '169.254.169.254' }))).toMatchObject({ reason: 'metadata.dhcp_agent_down', resource: { type: 'agent', id: agents.dhcp } });
    f.setSubnet(sub, { enable_dhcp: false });
    expect(denied(ask(f.build(), { from: vms[0]!, to: '169.254.169.254' }))).toMatchObject({ reason: 'metadata.no_dhcp', resource: { type: 'subnet', id: sub } });
  });

  it('HTTP only, IPv4 only, and the egress rules apply', () => {
    const d = devstack();
    expect(denied(ask(d.f.build(), { from: d.vm1, to: '169.254.169.254', protocol: 'udp', port: 80 })).reason).toBe('metadata.not_http');
    expect(denied(ask(d.f.build(), { from: d.vm1, to: '169.254.169.254', protocol: 'tcp', port: 443 })).reason).toBe('metadata.not_http');
    const v6 = d.f.port(d.priv, { subnets: [d.privV6] });
    expect(denied(ask(d.f.build(), { from: v6, to: '169.254.169.254' })).reason).toBe('metadata.ipv4_only');
    const closed = d.f.securityGroup('demo');
    d.f.setPort(d.vm2, { security_groups: [closed] });
    expect(denied(ask(d.f.build(), { from: d.vm2, to: '169.254.169.254' })).reason).toBe('security_group.egress');
  });
});

describe('the answer', () => {
  it('is frozen; its path is a getter computed once, when read, which a deep freeze does not run', () => {
    const d = devstack();
    const a = ask(d.f.build(), { from: d.vm1, to: d.vm2 });
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(a, 'path')).toBeUndefined();
    expect(freezeView(a)).toBe(a);
    expect(Object.isFrozen(a.from)).toBe(true);
    const p = a.path;
    expect(a.path).toBe(p);
    expect(Object.isFrozen(p) && p.every((h) => Object.isFrozen(h))).toBe(true);
    const json = JSON.parse(JSON.stringify(a)) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['allowed', 'from', 'path', 'port', 'protocol', 'to']);
    expect('deniedBy' in a).toBe(false);
  });

  it('the same with and without the memo, and with a memo used twice', () => {
    const d = devstack();
    d.f.floatingIp(d.pub, { port: d.vm1, router: d.router1 });
    const s = d.f.build();
    const memo = new Memo();
    for (const q of [{ from: d.vm1, to: d.vm2 }, { from: 'internet', to: d.vm1 }, { from: d.vm2, to: '169.254.169.254' }, { from: d.vm2, to: 'internet', protocol: 'icmp' }] as ReachabilityQuery[]) {
      const plain = JSON.stringify(explainReachability(s, q));
      expect(JSON.stringify(explainReachability(s, q, undefined, memo))).toBe(plain);
      expect(JSON.stringify(explainReachability(s, q, undefined, memo))).toBe(plain);
    }
  });

  it('a port talks to itself', () => {
    const d = devstack();
    expect(kinds(allowed(ask(d.f.build(), { from: d.vm1, to: { port: d.vm1 } })))).toEqual(['loopback']);
  });
});

describe('naming the ends', () => {
  it('by port id, { port }, fixed IP, allowed address pair (exact or inside a CIDR), floating IP', () => {
    const d = devstack();
    d.f.setPort(d.vm2, { allowed_address_pairs: [{ ip_address: '10.0.0.32/29', mac_address: 'fa:16:3e:00:00:02' }] });
    const fip = d.f.floatingIp(d.pub, { port: d.vm1, router: d.router1 });
    const s = d.f.build();
    expect(ask(s, { from: { port: d.vm1 }, to: d.vm2 }).from.via).toBe('port');
    expect(ask(s, { from: addrOf(d, d.vm1), to: d.vm2 }).from.via).toBe('fixed_ip');
    expect(ask(s, { from: d.vm1, to: '10.0.0.35' }).to).toMatchObject({ port_id: d.vm2, via: 'allowed_address_pair', address: '10.0.0.35' });
    expect(ask(s, { from: d.f.getFloatingIp(fip).floating_ip_address, to: 'internet' }).from).toMatchObject({ port_id: d.vm1, via: 'floating_ip', address: addrOf(d, d.vm1) });
  });

  it('an address no port holds is a 404; a port the caller may not see is a 404', () => {
    const d = devstack();
    const s = d.f.build();
    const e = refusal(() => ask(s, { from: d.vm1, to: '10.0.0.60' }));
    expect([e.status, e.code, e.details.field]).toEqual([404, 'network.reachability.address_not_found', 'to']);
    expect(refusal(() => ask(s, { from: d.vm1, to: d.vm2 }, (id) => id !== d.vm2)).status).toBe(404);
    expect(refusal(() => ask(s, { from: addrOf(d, d.vm1), to: d.vm2 }, (id) => id !== d.vm1)).status).toBe(404);
    expect(refusal(() => ask(s, { from: d.vm1, to: 'no-such-port' })).code).toBe('network.port.not_found');
  });
});

describe('bad input: a 4xx naming the field, never a TypeError', () => {
  const d = devstack();
  const s = d.f.build();
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < 20_000; i++) deep = { a: deep };
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const hostile: unknown[] = [null, undefined, NaN, -0, 1e308, Infinity, '', 'x'.repeat(1 << 20), [], {}, Object.create(null), circular, deep, JSON.parse('{"__proto__": {"polluted": 1}}'), () => 1, Symbol('s'), 10n, 0, 65536, 1.5, '10.0.0.256', '::g', 'tcp'];

  it('the query itself', () => {
    for (const q of hostile) {
      const e = refusal(() => explainReachability(s, q));
      expect(e).toBeInstanceOf(CloudError);
    }
    expect(refusal(() => explainReachability(s, { from: d.vm1, to: d.vm2, extra: 1 })).details.field).toBe('query.extra');
  });

  it('each field', () => {
    const good = { from: d.vm1, to: d.vm2, protocol: 'tcp', port: 22 };
    for (const field of ['from', 'to', 'protocol', 'port'] as const) {
      for (const v of hostile) {
        if (field === 'port' && v === undefined) continue;
        if (field === 'protocol' && (v === undefined || v === 'tcp')) continue;
        if ((field === 'from' || field === 'to') && v === 'tcp') {
          expect(refusal(() => explainReachability(s, { ...good, [field]: v })).status).toBe(404);
          continue;
        }
        const e = refusal(() => explainReachability(s, { ...good, [field]: v }));
        expect(String(e.details.field ?? '')).toContain(field);
      }
      for (const v of hostile) {
        if (field !== 'from' && field !== 'to') continue;
        const e = refusal(() => explainReachability(s, { ...good, [field]: { port: v } }));
        expect(e.status === 404 || String(e.details.field).startsWith(field)).toBe(true);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('incoherent queries', () => {
    expect(refusal(() => explainReachability(s, { from: 'internet', to: 'internet' })).details.field).toBe('to');
    expect(refusal(() => explainReachability(s, { from: '169.254.169.254', to: d.vm1 })).details.field).toBe('from');
    expect(refusal(() => explainReachability(s, { from: 'internet', to: '169.254.169.254' })).details.field).toBe('from');
    expect(refusal(() => explainReachability(s, { from: d.vm1, to: d.vm2, protocol: 'icmp', port: 8 })).details.field).toBe('port');
    expect(refusal(() => explainReachability(s, { from: d.vm1, to: d.vm2, port: 22 })).details.field).toBe('port');
  });
});

describe("the devstack preset, through the session API (the lecture's three questions)", () => {
  it('a VM reaches the internet by SNAT, the internet reaches it by its floating IP only, projects stay apart', async () => {
    const { createCloud } = await import('../../src/index.js');
    const cloud = createCloud({ seed: 1 });
    const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
    const priv = demo.network.getNetwork('private');
    const vm = (host: string) => cloud.admin.network.createPort({ network_id: priv.id, device_owner: 'compute:nova', device_id: `vm-${host}`, 'binding:host_id': host, project_id: priv.project_id });
    const p1 = vm('compute1');
    const p2 = vm('compute2');
    expect(allowed(demo.network.explainReachability({ from: p1.id, to: p2.id })).path.map((h) => h.kind)).toContain('segment');
    expect(kinds(allowed(demo.network.explainReachability({ from: p1.id, to: 'internet' })))).toContain('snat');
    expect(denied(demo.network.explainReachability({ from: 'internet', to: p1.id })).reason).toBe('floatingip.none');
    const pub = cloud.admin.network.getNetwork('public');
    const fip = demo.network.createFloatingIp({ floating_network_id: pub.id, port_id: p1.id });
    const sg = p1.security_groups[0]!;
    demo.network.createSecurityGroupRule({ security_group_id: sg, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' });
    expect(kinds(allowed(demo.network.explainReachability({ from: 'internet', to: fip.floating_ip_address as string, protocol: 'tcp', port: 22 })))).toContain('dnat');
    expect(allowed(demo.network.explainReachability({ from: p2.id, to: '169.254.169.254' })).path.some((h) => h.kind === 'metadata_proxy')).toBe(true);
  });
});
