/**
 * The steps every path is made of, as ML2 with Open vSwitch and a legacy L3 agent wire them
 * (DevStack's `Q_AGENT=openvswitch`): a VM's `tap` device on its `qbr` Linux bridge, where the
 * hybrid iptables firewall applies its security groups, the `qvb`/`qvo` veth pair into `br-int`
 * (`nova/network/linux_net` hybrid plug; names are the prefix and the port id's first 11
 * characters, `neutron_lib.constants.LINUX_DEV_LEN`), the network's segment (`br-tun` for
 * VXLAN / GRE / Geneve, the physical network's bridge for flat / VLAN), and a router's `qr-` /
 * `qg-` ports in its `qrouter-<id>` namespace on its L3 agent's host
 * (`neutron/agent/l3/namespaces.py`).
 *
 * {@link Walk} records hops only when the path is being explained: deciding builds no strings.
 * A step that stops the traffic throws a {@link Denied} (not an Error: no stack is captured).
 */
import type { CloudState } from '../../core/index.js';
import type { NetworkRow, PortRow, RouterRow, SubnetRow } from '../types.js';
import { describeRule, filter, INTERNET, type Remote, type Traffic } from './firewall.js';
import { agentAlive, ROUTER_INTERFACE_OWNERS, OWNER_DHCP, OWNER_GATEWAY, type Addr, type NetLookup } from './lookup.js';
import type { HopKind, ReachabilityHop, ReachDenial, ReachResource } from './types.js';

/** Thrown by a step that stops the traffic; caught by the walk. */
export class Denied {
  readonly denial: ReachDenial;
  constructor(denial: ReachDenial) {
    this.denial = denial;
  }
}

/** What a hop says beyond its kind. */
export interface HopFields {
  readonly host?: string | null;
  readonly device?: string | null;
  readonly namespace?: string | null;
  readonly resource?: ReachResource | null;
  readonly description: string;
}

/** A resource reference for a hop or a denial. */
export const res = (type: ReachResource['type'], id: string): ReachResource => ({ type, id });

/** One walk along a path: the state, the packet as it is now, and the hops when explaining. */
export class Walk {
  readonly s: CloudState;
  readonly lk: NetLookup;
  readonly t: Traffic;
  /** The hops, when the path is explained; null while only deciding. */
  readonly hops: ReachabilityHop[] | null;
  /** The packet's addresses now (NAT rewrites them). */
  src = '';
  dst = '';

  constructor(s: CloudState, lk: NetLookup, t: Traffic, tracing: boolean) {
    this.s = s;
    this.lk = lk;
    this.t = t;
    this.hops = tracing ? [] : null;
  }

  /** Records a hop (call only under `if (w.hops)`, so that deciding builds nothing). */
  hop(kind: HopKind, f: HopFields, passed = true): void {
    this.hops?.push({
      kind,
      host: f.host ?? null,
      device: f.device ?? null,
      namespace: f.namespace ?? null,
      resource: f.resource ?? null,
      source: this.src,
      destination: this.dst,
      description: f.description,
      passed,
    });
  }

  /** Stops the traffic: records the failing hop when explaining, then throws. */
  deny(kind: HopKind, reason: string, message: string, resource: ReachResource, f: Omit<HopFields, 'description'> = {}): never {
    if (this.hops) this.hop(kind, { resource, ...f, description: message }, false);
    throw new Denied(Object.freeze({ reason, message, resource: Object.freeze(resource) }));
  }

  network(id: string): NetworkRow {
    const n = this.lk.network(id);
    if (n === undefined) this.deny('segment', 'network.missing', `Network ${id} does not exist.`, res('network', id));
    return n;
  }
}

/** A Linux device name: a prefix and the port id, cut at 14 characters (`LINUX_DEV_LEN`). */
export const dev = (prefix: string, id: string): string => (prefix + id).slice(0, 14);

const isVm = (p: PortRow): boolean => !p.device_owner.startsWith('network:') && !p.device_owner.startsWith('neutron:');

/** Where a port plugs in: its device and namespace. */
export function plug(p: PortRow): { device: string; namespace: string | null } {
  if (ROUTER_INTERFACE_OWNERS.includes(p.device_owner)) return { device: dev('qr-', p.id), namespace: `qrouter-${p.device_id}` };
  if (p.device_owner === OWNER_GATEWAY) return { device: dev('qg-', p.id), namespace: `qrouter-${p.device_id}` };
  if (p.device_owner === OWNER_DHCP) return { device: dev('tap', p.id), namespace: `qdhcp-${p.network_id}` };
  return { device: dev('tap', p.id), namespace: null };
}

/** The port and its network must be up (`admin_state_up`; the agent treats a port on a down network as down). */
export function portUp(w: Walk, p: PortRow): NetworkRow {
  if (!p.admin_state_up) w.deny('vif', 'port.admin_state_down', `Port ${p.id} has admin_state_up false: its agent drops its traffic.`, res('port', p.id), plug(p));
  const n = w.network(p.network_id);
  if (!n.admin_state_up) w.deny('segment', 'network.admin_state_down', `Network ${n.id} (${n.name}) has admin_state_up false: its ports are down.`, res('network', n.id));
  return n;
}

/**
 * The host a router's namespace lives on: its L3 agent's. A router with no agent, or with an
 * agent that is not alive or is administratively down, has no namespace anywhere and routes
 * nothing (`l3_agentschedulers_db.list_active_sync_routers_on_active_l3_agent`:
 * `services_available(agent.admin_state_up)`; `agents_db.is_agent_down`).
 */
export function routerHost(w: Walk, r: RouterRow): string {
  if (!r.admin_state_up) w.deny('router_interface', 'router.admin_state_down', `Router ${r.id} (${r.name}) has admin_state_up false: its namespace forwards nothing.`, res('router', r.id));
  const agent = r.l3_agent_id === null ? undefined : w.lk.agent(r.l3_agent_id);
  if (agent === undefined) w.deny('router_interface', 'router.no_l3_agent', `Router ${r.id} (${r.name}) is hosted by no L3 agent: no qrouter-${r.id} namespace exists.`, res('router', r.id));
  if (!agent.admin_state_up) w.deny('router_interface', 'router.l3_agent_disabled', `The L3 agent ${agent.id} on ${agent.host}, which hosts router ${r.id}, has admin_state_up false: it serves no routers.`, res('agent', agent.id), { host: agent.host });
  if (!agentAlive(w.s, agent)) w.deny('router_interface', 'router.l3_agent_down', `The L3 agent ${agent.id} on ${agent.host}, which hosts router ${r.id}, is not alive (no heartbeat for more than agent_down_time = ${w.s.network.config.agent_down_time} s).`, res('agent', agent.id), { host: agent.host });
  return agent.host;
}

/** The host a port's device is on: its binding's (a router's port: the router's L3 agent's host). */
export function portHost(w: Walk, p: PortRow): string {
  if (p.device_owner === OWNER_GATEWAY || ROUTER_INTERFACE_OWNERS.includes(p.device_owner)) {
    const r = w.lk.router(p.device_id);
    if (r === undefined) w.deny('vif', 'port.unbound', `Port ${p.id} belongs to router ${p.device_id}, which does not exist.`, res('port', p.id));
    return routerHost(w, r);
  }
  if (p.binding_host_id === '' || p.binding_vif_type !== 'ovs') {
    w.deny('vif', 'port.unbound', `Port ${p.id} is not bound to a host (binding:host_id '${p.binding_host_id}', binding:vif_type ${p.binding_vif_type}): no device is plugged, nothing flows.`, res('port', p.id));
  }
  const ovs = w.lk.agentsOn(p.binding_host_id).ovs;
  if (ovs !== undefined && !agentAlive(w.s, ovs)) {
    w.deny('vif', 'port.host_down', `Host ${p.binding_host_id} of port ${p.id} is down: its Open vSwitch agent ${ovs.id} is not alive.`, res('agent', ovs.id), { host: p.binding_host_id });
  }
  return p.binding_host_id;
}

function bridgeFor(w: Walk, host: string | null, physnet: string, net: NetworkRow): string {
  const fallback = physnet === 'public' ? 'br-ex' : `br-${physnet}`;
  if (host === null) return fallback;
  const mappings = w.lk.agentsOn(host).ovs?.configurations['bridge_mappings'];
  if (typeof mappings !== 'object' || mappings === null) return fallback;
  const bridge = (mappings as Record<string, unknown>)[physnet];
  if (typeof bridge !== 'string') {
    w.deny('segment', 'network.no_bridge_mapping', `Host ${host} maps no bridge to physical network '${physnet}' (bridge_mappings), so network ${net.id} does not reach it.`, res('network', net.id), { host });
  }
  return bridge;
}

function tunnelIp(w: Walk, host: string | null): string {
  const ip = host === null ? undefined : w.lk.agentsOn(host).ovs?.configurations['tunneling_ip'];
  return typeof ip === 'string' ? `${host} (${ip})` : String(host);
}

/** Crossing a network's segment from one host to another (null: the physical network beyond the cloud). */
export function cross(w: Walk, net: NetworkRow, from: string | null, to: string | null): void {
  if (!net.admin_state_up) w.deny('segment', 'network.admin_state_down', `Network ${net.id} (${net.name}) has admin_state_up false: its ports are down.`, res('network', net.id));
  const seg = net.segment;
  if (seg.network_type === 'local' && from !== to) {
    w.deny('segment', 'network.segment_local', `Network ${net.id} (${net.name}) is of type local: it exists on each host alone and does not join ${from ?? 'the outside'} to ${to ?? 'the outside'}.`, res('network', net.id));
  }
  let physical = '';
  if (seg.network_type === 'flat' || seg.network_type === 'vlan') {
    const physnet = seg.physical_network ?? '';
    const a = bridgeFor(w, from, physnet, net);
    const b = bridgeFor(w, to, physnet, net);
    physical = a === b ? a : `${a} / ${b}`;
  }
  if (!w.hops) return;
  const id = seg.segmentation_id;
  const where = from === to ? `on host ${String(from)}` : `from ${from ?? 'the physical network'} to ${to ?? 'the physical network'}`;
  let description: string;
  switch (seg.network_type) {
    case 'vxlan':
    case 'geneve':
    case 'gre': {
      const label = seg.network_type === 'vxlan' ? `VXLAN VNI ${id}` : seg.network_type === 'geneve' ? `Geneve VNI ${id}` : `GRE key ${id}`;
      description =
        from === to
          ? `Network ${net.name || net.id} (${label}): both ends on host ${String(from)}, switched on br-int within the network's local VLAN.`
          : `Network ${net.name || net.id}: br-int → br-tun, ${label} tunnel ${tunnelIp(w, from)} → ${tunnelIp(w, to)}, br-tun → br-int.`;
      break;
    }
    case 'vlan':
      description = `Network ${net.name || net.id}: VLAN ${id} on physical network '${seg.physical_network}' through ${physical}, ${where}.`;
      break;
    case 'flat':
      description = `Network ${net.name || net.id}: flat (untagged) on physical network '${seg.physical_network}' through ${physical}, ${where}.`;
      break;
    default:
      description = `Network ${net.name || net.id}: local to host ${String(from)}, on br-int.`;
  }
  w.hop('segment', { host: from, device: seg.network_type === 'flat' || seg.network_type === 'vlan' ? physical : seg.network_type === 'local' ? 'br-int' : 'br-tun', resource: res('network', net.id), description });
}

/** Which group to blame when a port's filter admits nothing: its first, or the port itself without groups. */
function blame(p: PortRow): ReachResource {
  const sg = p.security_groups[0];
  return sg === undefined ? res('port', p.id) : res('security_group', sg);
}

function filterHop(w: Walk, p: PortRow, host: string, direction: 'ingress' | 'egress', t: Traffic, remote: Remote, own: PortRow | null, reply: boolean): void {
  const pass = filter(w.lk, p, direction, t, remote, own);
  if (pass !== null && !w.hops) return;
  const other = remote === INTERNET ? 'the internet' : (remote as Addr).text;
  const what = reply ? `${direction} (a reply: the port's security groups are stateless, replies need rules too)` : direction;
  const device = plug(p).device.replace(/^tap/, 'qbr');
  if (pass === null) {
    const groups = p.security_groups.length === 0 ? 'it is in no security group' : `none of its security groups (${p.security_groups.join(', ')}) has a rule that admits it`;
    w.deny('security_group', `security_group.${reply ? `reply_${direction}` : direction}`, `Port ${p.id} drops ${describeTraffic(t)} ${what} ${direction === 'egress' ? 'to' : 'from'} ${other}: ${groups}.`, blame(p), { host, device });
  }
  const why =
    pass === 'trusted'
      ? `port ${p.id} is owned by ${p.device_owner}: trusted, not filtered`
      : pass === 'port_security_disabled'
        ? `port ${p.id} has port_security_enabled false: no filter`
        : pass === 'fixed_rule'
          ? `the firewall's fixed rules let a port send ICMPv6`
          : `rule ${pass.id} of group ${pass.security_group_id} admits it (${describeRule(pass)})`;
  const resource = typeof pass === 'string' ? res('port', p.id) : res('security_group_rule', pass.id);
  w.hop('security_group', { host, device: isVm(p) ? device : plug(p).device, namespace: plug(p).namespace, resource, description: `Security groups of port ${p.id}, ${what}: ${why}.` });
}

/** The traffic in words, for messages (`tcp port 22`, `ICMP echo`). */
export function describeTraffic(t: Traffic): string {
  if (t.proto === 'any') return `IPv${t.v} traffic of any protocol`;
  if (t.proto === 'icmp') return `ICMP${t.v === 6 ? 'v6' : ''} echo`;
  return t.lo === t.hi ? `${t.proto} port ${t.lo}` : t.lo === 1 && t.hi === 65535 ? `${t.proto} on every port` : `${t.proto} ports ${t.lo}-${t.hi}`;
}

/**
 * The source's first steps: port and network up, bound to a live host, its egress filter with
 * `remote` the destination as the port addresses it; then into br-int. Returns the host.
 */
export function leave(w: Walk, p: PortRow, remote: Remote, remoteOwn: PortRow | null): string {
  portUp(w, p);
  const host = portHost(w, p);
  filterHop(w, p, host, 'egress', w.t, remote, remoteOwn, false);
  if (w.hops) {
    const { device, namespace } = plug(p);
    const into = isVm(p) ? `${device} → qbr → qvb → ${dev('qvo', p.id)} on br-int` : `${device} (an internal port of br-int${namespace === null ? '' : ` in ${namespace}`})`;
    w.hop('vif', { host, device: isVm(p) ? dev('qvo', p.id) : device, namespace, resource: res('port', p.id), description: `From port ${p.id} on host ${host}: ${into}.` });
  }
  return host;
}

/**
 * The destination's last steps: port up and bound, the segment from `from` to its host, out of
 * br-int, its ingress filter with `remote` the source as it arrives. Returns the host.
 */
export function arrive(w: Walk, p: PortRow, net: NetworkRow, from: string | null, remote: Remote, remoteOwn: PortRow | null): string {
  portUp(w, p);
  const host = portHost(w, p);
  cross(w, net, from, host);
  if (w.hops && isVm(p)) w.hop('vif', { host, device: dev('qvo', p.id), resource: res('port', p.id), description: `On host ${host}: br-int → ${dev('qvo', p.id)} → qvb → qbr.` });
  filterHop(w, p, host, 'ingress', w.t, remote, remoteOwn, false);
  if (w.hops) {
    const { device, namespace } = plug(p);
    w.hop('port', { host, device, namespace, resource: res('port', p.id), description: `Delivered to port ${p.id} (${w.dst}) through ${device}${namespace === null ? '' : ` in ${namespace}`} on host ${host}.` });
  }
  return host;
}

/** A stateless port's filter must admit the replies too (`reply` is the reply traffic). */
export function replies(w: Walk, p: PortRow, host: string, direction: 'ingress' | 'egress', reply: Traffic, remote: Remote, remoteOwn: PortRow | null): void {
  filterHop(w, p, host, direction, reply, remote, remoteOwn, true);
}

/** The router a subnet's gateway address belongs to: the router interface holding `gateway_ip`. */
export function gatewayRouter(w: Walk, sub: SubnetRow): { router: RouterRow; iface: PortRow } {
  if (sub.gateway_ip === null) w.deny('route', 'subnet.no_gateway', `Subnet ${sub.id} (${sub.cidr}) has no gateway_ip: its ports have no default route off the network.`, res('subnet', sub.id));
  const iface = w.lk.allocation(sub.id, sub.gateway_ip);
  const router = iface !== undefined && ROUTER_INTERFACE_OWNERS.includes(iface.device_owner) ? w.lk.router(iface.device_id) : undefined;
  if (router === undefined || iface === undefined) {
    w.deny('route', 'router.interface_missing', `Subnet ${sub.id} (${sub.cidr}) is attached to no router: its gateway ${sub.gateway_ip} is not a router interface (openstack router add subnet <router> ${sub.id}).`, res('subnet', sub.id));
  }
  return { router, iface };
}

/** Into a router through one of its interfaces: the router's host, the segment to it, the `qr-` port. Returns the host. */
export function enterRouter(w: Walk, r: RouterRow, iface: PortRow, net: NetworkRow, from: string | null): string {
  const host = routerHost(w, r);
  if (!iface.admin_state_up) w.deny('router_interface', 'port.admin_state_down', `Interface ${iface.id} of router ${r.id} has admin_state_up false.`, res('port', iface.id), { host, ...plug(iface) });
  cross(w, net, from, host);
  if (w.hops) {
    const ips = iface.fixed_ips.map((ip) => ip.ip_address).join(', ');
    w.hop('router_interface', { host, ...plug(iface), resource: res('router', r.id), description: `Router ${r.name || r.id}: in through ${plug(iface).device} (${ips}) in qrouter-${r.id} on host ${host}, the L3 agent's.` });
  }
  return host;
}

/** Out of a router onto a subnet it has an interface on (a connected route). Returns the interface. */
export function exitRouter(w: Walk, r: RouterRow, sub: SubnetRow, host: string): PortRow {
  const iface = w.lk.interfaceOn(r.id, sub.id);
  if (iface === undefined) {
    w.deny('route', 'router.interface_missing', `Router ${r.id} (${r.name}) has no interface on subnet ${sub.id} (${sub.cidr}), so it has no route to ${w.dst} (openstack router add subnet ${r.id} ${sub.id}).`, res('router', r.id), { host, namespace: `qrouter-${r.id}` });
  }
  if (!iface.admin_state_up) w.deny('route', 'port.admin_state_down', `Interface ${iface.id} of router ${r.id} has admin_state_up false.`, res('port', iface.id), { host, ...plug(iface) });
  if (w.hops) w.hop('route', { host, ...plug(iface), resource: res('subnet', sub.id), description: `Router ${r.name || r.id}: connected route ${sub.cidr} dev ${plug(iface).device}, out towards ${w.dst}.` });
  return iface;
}

/** The subnet of a port's address (a pair outside every subnet: the subnet of its first fixed IP of that family). */
export function subnetFor(w: Walk, p: PortRow, a: Addr): SubnetRow {
  const sub = w.lk.subnetOf(p, a);
  if (sub !== undefined) return sub;
  for (const ip of p.fixed_ips) {
    if (w.lk.addr(ip.ip_address)?.v !== a.v) continue;
    const s = w.lk.subnet(ip.subnet_id);
    if (s !== undefined) return s;
  }
  return w.deny('route', 'port.no_address', `Port ${p.id} has no IPv${a.v} address on any subnet.`, res('port', p.id));
}
