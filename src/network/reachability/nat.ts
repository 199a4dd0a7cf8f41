/**
 * Leaving and entering the cloud through a legacy router of the L3 agent
 * (`neutron/agent/l3/router_info.py`), and the metadata service:
 *
 * - out: a port's default route is its subnet's gateway, a router interface; the router's
 *   `float-snat` chain rewrites the source to the port's floating IP when it has one on that
 *   router (`floating_forward_rules`: `-s <fixed>/32 -j SNAT --to-source <fip>`), otherwise, with
 *   `enable_snat`, the `snat` chain rewrites it to the gateway port's address
 *   (`external_gateway_nat_snat_rules`: `-o qg-… -j SNAT --to-source <gw ip>`); without SNAT and
 *   without a floating IP a private address does not leave. IPv6 is routed, not NATed.
 * - in: from outside, a tenant port is reached only through a floating IP: the router holding it
 *   answers its address on its `qg-` port (its gateway must be on the floating IP's network) and
 *   DNATs it to the fixed IP (`-d <fip>/32 -j DNAT --to-destination <fixed>`), then routes it
 *   out of the interface on the fixed IP's subnet. Traffic to a floating IP from behind the same
 *   router is DNATed there without leaving it (and SNATed: `external_gateway_nat_fip_rules`).
 *   IPv6 has no floating IPs: from outside it is routed to the subnet's router through its
 *   gateway's IPv6 address (DevStack routes the tenant prefix there, `_neutron_configure_router_v6`).
 * - metadata: 169.254.169.254, tcp 80. A subnet whose gateway is a router interface is served by
 *   that router's proxy (the L3 agent's haproxy in `qrouter-<id>`, reached by an iptables
 *   REDIRECT to port 9697, `l3_agent.ini enable_metadata_proxy = True`, Zed's default,
 *   `neutron/agent/metadata/driver.py` `metadata_nat_rules`); an isolated subnet (no router
 *   interface on its gateway) with DHCP is served by the DHCP agent's proxy in `qdhcp-<network>`
 *   (`neutron/agent/linux/dhcp.py` `should_enable_metadata` / `get_isolated_subnets`, with
 *   `dhcp_agent.ini enable_isolated_metadata = True` as the install guide sets it; DHCP option 121
 *   routes 169.254.169.254 to the DHCP port). Either proxy hands the request to the
 *   neutron-metadata-agent on its host, which must be alive.
 *
 * Not simulated: static routes (`routes`, subnets' `host_routes`) as next hops, address scopes
 * (no-NAT routing between subnets of one scope), DVR and HA routers' own namespaces (they are
 * treated as legacy routers on their L3 agent), conntrack helpers, port forwardings, IPv6 metadata.
 */
import type { FloatingIpRow, NetworkRow, PortRow, RouterRow } from '../types.js';
import { INTERNET, type Remote } from './firewall.js';
import { arrive, cross, describeTraffic, enterRouter, exitRouter, gatewayRouter, leave, plug, portUp, res, routerHost, subnetFor, type Walk } from './legs.js';
import { agentAlive, ROUTER_INTERFACE_OWNERS, type Addr } from './lookup.js';
import type { ReachResource } from './types.js';

/** Where a packet is once outside a tenant network: its source address then, and where it is. */
export interface Outside {
  readonly addr: Remote;
  /** The port whose own address `addr` is (no NAT on the way), else null. */
  readonly own: PortRow | null;
  /** The external network it is on, null on the internet. */
  readonly net: NetworkRow | null;
  /** The router it left through, null when it started on an external network. */
  readonly router: RouterRow | null;
  readonly host: string | null;
}

export const FROM_INTERNET: Outside = Object.freeze({ addr: INTERNET, own: null, net: null, router: null, host: null });

/** The metadata service's address (`neutron_lib.constants.METADATA_V4_IP`). */
export const METADATA_IP = '169.254.169.254';

function gatewayAddress(gw: PortRow, v: 4 | 6, w: Walk): string | undefined {
  for (const ip of gw.fixed_ips) if (w.lk.addr(ip.ip_address)?.v === v) return ip.ip_address;
  return undefined;
}

/** A router's gateway port on an external network (denied when it has none). */
function gatewayOf(w: Walk, r: RouterRow, host: string, why: string): { gw: PortRow; net: NetworkRow } {
  const gw = r.gw_port_id === null ? undefined : w.lk.port(r.gw_port_id);
  if (gw === undefined) {
    w.deny('router_gateway', 'router.gateway_missing', `Router ${r.id} (${r.name}) has no external gateway: ${why} (openstack router set --external-gateway <network> ${r.id}).`, res('router', r.id), { host, namespace: `qrouter-${r.id}` });
  }
  const net = w.network(gw.network_id);
  if (!net.external) w.deny('router_gateway', 'network.not_external', `The gateway of router ${r.id} is on network ${net.id} (${net.name}), which is not external (router:external false).`, res('network', net.id), { host });
  if (!gw.admin_state_up) w.deny('router_gateway', 'port.admin_state_down', `The gateway port ${gw.id} of router ${r.id} has admin_state_up false.`, res('port', gw.id), { host, ...plug(gw) });
  return { gw, net };
}

/**
 * From a port out of its tenant network: through its subnet's router, SNATed to its floating IP
 * or the router's gateway address (IPv6: routed). `hairpin` is the router whose floating IP the
 * packet is going to (it then stays inside that router and is SNATed whatever `enable_snat` says).
 */
export function goOut(w: Walk, p: PortRow, a: Addr, host: string, hairpin: string | null): Outside {
  const net = w.network(p.network_id);
  if (net.external) return { addr: a, own: p, net, router: null, host };
  const sub = subnetFor(w, p, a);
  const { router, iface } = gatewayRouter(w, sub);
  const rhost = enterRouter(w, router, iface, net, host);
  const { gw, net: gwNet } = gatewayOf(w, router, rhost, `traffic from subnet ${sub.cidr} cannot leave`);
  const gwIp = gatewayAddress(gw, a.v, w);
  const ns = `qrouter-${router.id}`;
  let natted = a.text;
  if (a.v === 4) {
    const fip = w.lk.fipsOf(p.id).find((f) => f.fixed_ip_address === a.text && f.router_id === router.id);
    if (fip !== undefined) {
      natted = fip.floating_ip_address;
      w.src = natted;
      if (w.hops) w.hop('floating_ip_snat', { host: rhost, device: plug(gw).device, namespace: ns, resource: res('floatingip', fip.id), description: `Router ${router.name || router.id}: float-snat rewrites the source ${a.text} to its floating IP ${natted} (-s ${a.text}/32 -j SNAT --to-source ${natted}).` });
    } else {
      if (!router.enable_snat && hairpin !== router.id) {
        w.deny('snat', 'router.snat_disabled', `Router ${router.id} (${router.name}) has enable_snat false and port ${p.id} has no floating IP on it: the private address ${a.text} cannot leave.`, res('router', router.id), { host: rhost, namespace: ns });
      }
      if (gwIp === undefined) w.deny('snat', 'router.gateway_missing', `The gateway port ${gw.id} of router ${router.id} has no IPv4 address to SNAT to.`, res('router', router.id), { host: rhost, namespace: ns });
      natted = gwIp;
      w.src = natted;
      if (w.hops) w.hop('snat', { host: rhost, device: plug(gw).device, namespace: ns, resource: res('router', router.id), description: `Router ${router.name || router.id}: SNAT rewrites the source ${a.text} to the gateway's address ${natted} (-o ${plug(gw).device} -j SNAT --to-source ${natted}).` });
    }
  } else {
    if (gwIp === undefined) w.deny('route', 'router.gateway_missing', `The gateway port ${gw.id} of router ${router.id} has no IPv6 address: IPv6 traffic has no way out.`, res('router', router.id), { host: rhost, namespace: ns });
    if (w.hops) w.hop('route', { host: rhost, device: plug(gw).device, namespace: ns, resource: res('router', router.id), description: `Router ${router.name || router.id}: default route via ${plug(gw).device}; IPv6 is routed, not NATed.` });
  }
  if (hairpin !== router.id && w.hops) {
    w.hop('router_gateway', { host: rhost, ...plug(gw), resource: res('port', gw.id), description: `Router ${router.name || router.id}: out through its gateway ${plug(gw).device} (${gw.fixed_ips.map((ip) => ip.ip_address).join(', ')}) onto external network ${gwNet.name || gwNet.id}.` });
  }
  return { addr: w.lk.addr(natted) ?? a, own: natted === a.text ? p : null, net: gwNet, router, host: rhost };
}

/** Beyond an external network: its upstream router, the internet. */
export function internet(w: Walk, net: NetworkRow | null, toward: boolean): void {
  if (!w.hops) return;
  const up = net === null ? '' : ` through the upstream router of ${net.name || net.id}`;
  w.hop('internet', { description: toward ? `Out to the internet${up}.` : `In from the internet${up}.` });
}

/**
 * Into a tenant port from outside (`from`): directly on an external network, else through a
 * floating IP's DNAT (IPv4) or routed through the subnet's router (IPv6). `fip` is the floating IP
 * the query named; `byAddress` says the query named the port's own (private) address. Returns the
 * port's host.
 */
export function comeIn(w: Walk, p: PortRow, a: Addr, fip: FloatingIpRow | null, byAddress: boolean, from: Outside): string {
  const net = w.network(p.network_id);
  if (net.external && fip === null) {
    const onIt = from.net?.id === net.id;
    if (!onIt) internet(w, net, false);
    return arrive(w, p, net, onIt ? from.host : null, from.addr, from.own);
  }
  let router: RouterRow;
  let rhost: string;
  let target = a;
  if (a.v === 4) {
    let f = fip;
    if (f === null) {
      const own = w.lk.fipsOf(p.id);
      if (byAddress) {
        const hint = own[0] === undefined ? '' : `; its floating IP is ${own[0].floating_ip_address}`;
        w.deny('dnat', 'floatingip.none', `${a.text} is a private address of network ${net.name || net.id}: from outside it is reached only through a floating IP's DNAT${hint}.`, res('port', p.id));
      }
      f = own.find((x) => x.fixed_ip_address === a.text) ?? own[0] ?? null;
      if (f === null) w.deny('dnat', 'floatingip.none', `Port ${p.id} has no floating IP: from outside, a port on a tenant network is reached only through a floating IP's DNAT.`, res('port', p.id));
    }
    w.dst = f.floating_ip_address;
    const r = f.port_id === null || f.router_id === null || f.fixed_ip_address === null ? undefined : w.lk.router(f.router_id);
    if (r === undefined) w.deny('dnat', 'floatingip.not_associated', `Floating IP ${f.floating_ip_address} (${f.id}) is not associated with a port: nothing answers it.`, res('floatingip', f.id));
    router = r;
    rhost = routerHost(w, router);
    const { gw, net: gwNet } = gatewayOf(w, router, rhost, `the floating IP ${f.floating_ip_address} it holds is not answered`);
    if (gwNet.id !== f.floating_network_id) {
      w.deny('router_gateway', 'router.gateway_missing', `Router ${router.id} (${router.name}) holds floating IP ${f.floating_ip_address}, but its gateway is on network ${gwNet.id}, not on the floating IP's network ${f.floating_network_id}.`, res('router', router.id), { host: rhost });
    }
    enter(w, router, gw, gwNet, rhost, from);
    target = w.lk.addr(f.fixed_ip_address as string) ?? a;
    w.dst = target.text;
    if (w.hops) w.hop('dnat', { host: rhost, device: plug(gw).device, namespace: `qrouter-${router.id}`, resource: res('floatingip', f.id), description: `Router ${router.name || router.id}: DNAT of floating IP ${f.floating_ip_address} to ${target.text} (-d ${f.floating_ip_address}/32 -j DNAT --to-destination ${target.text}).` });
  } else {
    const sub = subnetFor(w, p, a);
    router = gatewayRouter(w, sub).router;
    rhost = routerHost(w, router);
    const { gw, net: gwNet } = gatewayOf(w, router, rhost, `IPv6 traffic to ${a.text} has no way in`);
    if (gatewayAddress(gw, 6, w) === undefined) w.deny('router_gateway', 'router.gateway_missing', `The gateway port ${gw.id} of router ${router.id} has no IPv6 address: IPv6 traffic has no way in.`, res('router', router.id), { host: rhost });
    enter(w, router, gw, gwNet, rhost, from);
  }
  exitRouter(w, router, subnetFor(w, p, target), rhost);
  return arrive(w, p, net, rhost, from.addr, from.own);
}

/** From outside to a router's gateway (or, from behind the same router, straight to its NAT). */
function enter(w: Walk, router: RouterRow, gw: PortRow, gwNet: NetworkRow, rhost: string, from: Outside): void {
  if (from.router?.id === router.id) {
    if (w.hops) w.hop('route', { host: rhost, namespace: `qrouter-${router.id}`, resource: res('router', router.id), description: `Router ${router.name || router.id}: the destination is its own; the packet turns inside qrouter-${router.id} without leaving.` });
    return;
  }
  const onIt = from.net?.id === gwNet.id;
  if (!onIt) internet(w, gwNet, false);
  cross(w, gwNet, onIt ? from.host : null, rhost);
  if (w.hops) w.hop('router_gateway', { host: rhost, ...plug(gw), resource: res('port', gw.id), description: `Router ${router.name || router.id}: in through its gateway ${plug(gw).device} (${gw.fixed_ips.map((ip) => ip.ip_address).join(', ')}).` });
}

/** A port asking the metadata service (169.254.169.254, tcp 80). */
export function metadata(w: Walk, p: PortRow, a: Addr | null): void {
  w.dst = METADATA_IP;
  w.src = a?.text ?? '';
  if (w.t.proto !== 'tcp' || w.t.lo !== 80 || w.t.hi !== 80) {
    w.deny('metadata_proxy', 'metadata.not_http', `The metadata service at ${METADATA_IP} answers HTTP on tcp port 80 only, not ${describeTraffic(w.t)}.`, res('port', p.id));
  }
  if (a === null) w.deny('vif', 'metadata.ipv4_only', `Port ${p.id} has no IPv4 address: the metadata service is reached at ${METADATA_IP} over IPv4 (its IPv6 address is not simulated).`, res('port', p.id));
  const host = leave(w, p, w.lk.addr(METADATA_IP) as Addr, null);
  const net = w.network(p.network_id);
  const sub = subnetFor(w, p, a);
  const iface = sub.gateway_ip === null ? undefined : w.lk.allocation(sub.id, sub.gateway_ip);
  if (iface !== undefined && ROUTER_INTERFACE_OWNERS.includes(iface.device_owner)) {
    const router = w.lk.router(iface.device_id);
    if (router === undefined) return w.deny('metadata_proxy', 'router.interface_missing', `The gateway ${sub.gateway_ip} of subnet ${sub.id} belongs to router ${iface.device_id}, which does not exist.`, res('subnet', sub.id));
    const rhost = enterRouter(w, router, iface, net, host);
    if (w.hops) w.hop('metadata_proxy', { host: rhost, device: plug(iface).device, namespace: `qrouter-${router.id}`, resource: res('router', router.id), description: `The L3 agent's metadata proxy in qrouter-${router.id}: iptables REDIRECT of ${METADATA_IP}:80 to haproxy on port 9697, which adds X-Neutron-Router-ID.` });
    metadataAgent(w, rhost, res('router', router.id));
    return;
  }
  if (!sub.enable_dhcp) {
    w.deny('metadata_proxy', 'metadata.no_dhcp', `Subnet ${sub.id} (${sub.cidr}) is attached to no router and has enable_dhcp false: no metadata proxy serves it (the DHCP agent serves isolated subnets with DHCP only).`, res('subnet', sub.id));
  }
  const agents = w.lk.dhcpAgents(net.id);
  const agent = agents.find((x) => x.admin_state_up && agentAlive(w.s, x));
  if (agent === undefined) {
    const first = agents[0];
    w.deny('metadata_proxy', 'metadata.dhcp_agent_down', first === undefined ? `No DHCP agent serves network ${net.id} (${net.name}): no metadata proxy for its isolated subnet ${sub.cidr}.` : `The DHCP agents serving network ${net.id} (${agents.map((x) => x.id).join(', ')}) are not alive or are disabled.`, first === undefined ? res('network', net.id) : res('agent', first.id));
  }
  const dport = w.lk.dhcpPorts(net.id).find((d) => d.fixed_ips.some((ip) => ip.subnet_id === sub.id));
  if (dport === undefined) w.deny('metadata_proxy', 'metadata.no_dhcp_port', `Network ${net.id} has no DHCP port on subnet ${sub.id}: DHCP option 121 has no next hop for ${METADATA_IP}.`, res('subnet', sub.id));
  portUp(w, dport);
  const dhost = dport.binding_host_id !== '' ? dport.binding_host_id : agent.host;
  cross(w, net, host, dhost);
  if (w.hops) {
    const via = dport.fixed_ips.find((ip) => ip.subnet_id === sub.id)?.ip_address ?? '';
    w.hop('metadata_proxy', { host: dhost, device: plug(dport).device, namespace: `qdhcp-${net.id}`, resource: res('port', dport.id), description: `The DHCP agent's metadata proxy in qdhcp-${net.id} (isolated subnet ${sub.cidr}; DHCP option 121 routes ${METADATA_IP}/32 via ${via}): haproxy on ${METADATA_IP}:80, which adds X-Neutron-Network-ID.` });
  }
  metadataAgent(w, dhost, res('network', net.id));
}

function metadataAgent(w: Walk, host: string, blame: ReachResource): void {
  const agent = w.lk.agentsOn(host).metadata;
  if (agent === undefined) w.deny('metadata_agent', 'metadata.agent_missing', `No neutron-metadata-agent runs on host ${host}, where the proxy forwards ${METADATA_IP} requests.`, blame, { host });
  if (!agentAlive(w.s, agent)) w.deny('metadata_agent', 'metadata.agent_down', `The neutron-metadata-agent ${agent.id} on host ${host} is not alive.`, res('agent', agent.id), { host });
  if (w.hops) w.hop('metadata_agent', { host, resource: res('agent', agent.id), description: `neutron-metadata-agent on ${host} (unix socket) → nova's metadata API, which answers for the instance behind the source address.` });
}
