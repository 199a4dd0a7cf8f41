/**
 * What reachability reads from the `network` slice, through its index tables, and what it derives
 * from one version of the slice (kept in the kernel's memo when the caller gives one, see
 * {@link lookupFor}): parsed addresses and CIDRs, each group's rules and member addresses, the
 * floating IPs of each port, the agents of each host, the holders of an address.
 *
 * Every derived value is computed lazily from the slice it was made for, which never changes
 * (a committed state is frozen), so an answer read from it is the answer a fresh computation gives.
 */
import { getRow, memoSlot, tablePrefix, tableValues, type CloudState, type Memo } from '../../core/index.js';
import { formatAddress, netaddrAddress, netaddrNetwork, networkOf, type IpVersion } from '../ipam/addresses.js';
import type { AgentRow, FloatingIpRow, NetworkRow, NetworkState, PortRow, RouterRow, SecurityGroupRow, SecurityGroupRuleRow, SubnetRow } from '../types.js';

/** A parsed address: version, value, canonical text. */
export interface Addr {
  readonly v: IpVersion;
  readonly n: bigint;
  readonly text: string;
}

/** A parsed CIDR (host bits cleared, as Neutron normalises `remote_ip_prefix`). */
export interface Cidr {
  readonly v: IpVersion;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefixlen: number;
  readonly text: string;
}

/** `ROUTER_INTERFACE_OWNERS` (neutron_lib/constants.py). */
export const ROUTER_INTERFACE_OWNERS: readonly string[] = Object.freeze(['network:router_interface', 'network:router_interface_distributed', 'network:ha_router_replicated_interface']);
/** `DEVICE_OWNER_ROUTER_GW`, `DEVICE_OWNER_FLOATINGIP`, `DEVICE_OWNER_DHCP` (neutron_lib/constants.py). */
export const OWNER_GATEWAY = 'network:router_gateway';
export const OWNER_FLOATINGIP = 'network:floatingip';
export const OWNER_DHCP = 'network:dhcp';

/** `DEVICE_OWNER_PREFIXES`: ports the agents treat as trusted (never filtered by security groups). */
export function trustedOwner(owner: string): boolean {
  return owner.startsWith('network:') || owner.startsWith('neutron:');
}

/** Whether a port belongs to a router (interfaces and gateway). */
export function routerOwned(owner: string): boolean {
  return owner === OWNER_GATEWAY || ROUTER_INTERFACE_OWNERS.includes(owner);
}

/** An address in its canonical form (netaddr's `IPAddress(text)`), or undefined. */
export function parseAddr(text: string): Addr | undefined {
  const a = netaddrAddress(text);
  return a === undefined ? undefined : { v: a.version, n: a.value, text: formatAddress(a.value, a.version) };
}

/** A CIDR or a bare address (a /32 or /128), or undefined when netaddr refuses it. */
export function parseCidrText(text: string): Cidr | undefined {
  const p = netaddrNetwork(text);
  if (!p.ok) return undefined;
  const n = networkOf(p.version, p.value, p.prefixlen);
  return { v: n.version, first: n.first, last: n.last, prefixlen: n.prefixlen, text: n.cidr };
}

/** Whether a CIDR holds an address (of its family). */
export function contains(c: Cidr, a: Addr): boolean {
  return c.v === a.v && a.n >= c.first && a.n <= c.last;
}

/** The addresses a group's members hold (`_select_ips_for_remote_group`: fixed IPs and allowed address pairs). */
export interface MemberAddresses {
  readonly exact: ReadonlySet<string>;
  readonly cidrs: readonly Cidr[];
}

/** The agents one host runs. */
export interface HostAgents {
  ovs?: AgentRow;
  l3?: AgentRow;
  dhcp?: AgentRow;
  metadata?: AgentRow;
}

/** A port that holds an address, and how. */
export interface Holder {
  readonly port: PortRow;
  readonly via: 'fixed_ip' | 'allowed_address_pair' | 'floating_ip';
  readonly fip: FloatingIpRow | null;
  /** The port's own address for the traffic (the fixed IP behind a floating IP). */
  readonly address: string;
}

const CACHE_LIMIT = 10_000;

/** Lookups and derived data over one version of the `network` slice. */
export class NetLookup {
  readonly net: NetworkState;
  readonly #rules = new Map<string, readonly SecurityGroupRuleRow[]>();
  readonly #members = new Map<string, MemberAddresses>();
  readonly #cidrs = new Map<string, Cidr | null>();
  readonly #addrs = new Map<string, Addr | null>();
  readonly #holders = new Map<string, readonly Holder[]>();
  readonly #routerPorts = new Map<string, readonly PortRow[]>();
  readonly #dhcpPorts = new Map<string, readonly PortRow[]>();
  #fips: Map<string, FloatingIpRow[]> | undefined;
  #agents: Map<string, HostAgents> | undefined;
  #pairs: { readonly port: string; readonly cidr: Cidr; readonly text: string }[] | undefined;

  constructor(net: NetworkState) {
    this.net = net;
  }

  port(id: string): PortRow | undefined {
    return getRow(this.net.ports, id);
  }
  network(id: string): NetworkRow | undefined {
    return getRow(this.net.networks, id);
  }
  subnet(id: string): SubnetRow | undefined {
    return getRow(this.net.subnets, id);
  }
  router(id: string): RouterRow | undefined {
    return getRow(this.net.routers, id);
  }
  agent(id: string): AgentRow | undefined {
    return getRow(this.net.agents, id);
  }
  floatingIp(id: string): FloatingIpRow | undefined {
    return getRow(this.net.floatingips, id);
  }
  group(id: string): SecurityGroupRow | undefined {
    return getRow(this.net.security_groups, id);
  }

  /** A state address (canonical already), parsed once. */
  addr(text: string): Addr | null {
    let a = this.#addrs.get(text);
    if (a === undefined) {
      a = parseAddr(text) ?? null;
      if (this.#addrs.size >= CACHE_LIMIT) this.#addrs.clear();
      this.#addrs.set(text, a);
    }
    return a;
  }

  /** A rule's `remote_ip_prefix` or a pair's address, parsed once. */
  cidr(text: string): Cidr | null {
    let c = this.#cidrs.get(text);
    if (c === undefined) {
      c = parseCidrText(text) ?? null;
      if (this.#cidrs.size >= CACHE_LIMIT) this.#cidrs.clear();
      this.#cidrs.set(text, c);
    }
    return c;
  }

  /** A group's rules, through `group_rules` (`${sg}/${rule}`). */
  rulesOf(sgId: string): readonly SecurityGroupRuleRow[] {
    let rules = this.#rules.get(sgId);
    if (rules === undefined) {
      const out: SecurityGroupRuleRow[] = [];
      for (const [, id] of tablePrefix(this.net.group_rules, `${sgId}/`)) {
        const r = getRow(this.net.security_group_rules, id);
        if (r !== undefined) out.push(r);
      }
      this.#rules.set(sgId, (rules = out));
    }
    return rules;
  }

  /** Whether a port is a member of a group (`group_ports`, `securitygroupportbindings`). */
  isMember(sgId: string, portId: string): boolean {
    return getRow(this.net.group_ports, `${sgId}/${portId}`) !== undefined;
  }

  /** The addresses of a group's members (fixed IPs and allowed address pairs), as the agents' ipsets hold them. */
  members(sgId: string): MemberAddresses {
    let m = this.#members.get(sgId);
    if (m === undefined) {
      const exact = new Set<string>();
      const cidrs: Cidr[] = [];
      for (const [, portId] of tablePrefix(this.net.group_ports, `${sgId}/`)) {
        const p = this.port(portId);
        if (p === undefined) continue;
        for (const ip of p.fixed_ips) exact.add(this.addr(ip.ip_address)?.text ?? ip.ip_address);
        for (const pair of p.allowed_address_pairs) {
          const c = this.cidr(pair.ip_address);
          if (c === null) continue;
          if (c.prefixlen === (c.v === 4 ? 32 : 128)) exact.add(formatAddress(c.first, c.v));
          else cidrs.push(c);
        }
      }
      this.#members.set(sgId, (m = { exact, cidrs }));
    }
    return m;
  }

  /** The floating IPs associated with a port. */
  fipsOf(portId: string): readonly FloatingIpRow[] {
    if (this.#fips === undefined) {
      const byPort = new Map<string, FloatingIpRow[]>();
      for (const f of tableValues(this.net.floatingips)) {
        if (f.port_id === null) continue;
        const list = byPort.get(f.port_id);
        if (list === undefined) byPort.set(f.port_id, [f]);
        else list.push(f);
      }
      this.#fips = byPort;
    }
    return this.#fips.get(portId) ?? [];
  }

  /** The agents running on a host, by type. */
  agentsOn(host: string): HostAgents {
    if (this.#agents === undefined) {
      const byHost = new Map<string, HostAgents>();
      for (const a of tableValues(this.net.agents)) {
        let h = byHost.get(a.host);
        if (h === undefined) byHost.set(a.host, (h = {}));
        if (a.agent_type === 'Open vSwitch agent') h.ovs ??= a;
        else if (a.agent_type === 'L3 agent') h.l3 ??= a;
        else if (a.agent_type === 'DHCP agent') h.dhcp ??= a;
        else if (a.agent_type === 'Metadata agent') h.metadata ??= a;
      }
      this.#agents = byHost;
    }
    return this.#agents.get(host) ?? {};
  }

  /** A router's ports (interfaces and gateway), through `router_ports` (`${router}/${port}`, what router code made the router's). */
  routerPorts(routerId: string): readonly PortRow[] {
    let ports = this.#routerPorts.get(routerId);
    if (ports === undefined) {
      const out: PortRow[] = [];
      for (const [, id] of tablePrefix(this.net.router_ports, `${routerId}/`)) {
        const p = this.port(id);
        if (p !== undefined && p.device_id === routerId) out.push(p);
      }
      this.#routerPorts.set(routerId, (ports = out));
    }
    return ports;
  }

  /** A network's DHCP ports (`network:dhcp`), through `network_ports`. */
  dhcpPorts(networkId: string): readonly PortRow[] {
    let ports = this.#dhcpPorts.get(networkId);
    if (ports === undefined) {
      const out: PortRow[] = [];
      for (const [, id] of tablePrefix(this.net.network_ports, `${networkId}/`)) {
        const p = this.port(id);
        if (p !== undefined && p.device_owner === OWNER_DHCP) out.push(p);
      }
      this.#dhcpPorts.set(networkId, (ports = out));
    }
    return ports;
  }

  /** The DHCP agents serving a network (`network_dhcp_agents`). */
  dhcpAgents(networkId: string): AgentRow[] {
    const out: AgentRow[] = [];
    for (const [, id] of tablePrefix(this.net.network_dhcp_agents, `${networkId}/`)) {
      const a = this.agent(id);
      if (a !== undefined) out.push(a);
    }
    return out;
  }

  /** The interface a router has on a subnet (a router port with a fixed IP on it). */
  interfaceOn(routerId: string, subnetId: string): PortRow | undefined {
    for (const p of this.routerPorts(routerId)) {
      if (ROUTER_INTERFACE_OWNERS.includes(p.device_owner) && p.fixed_ips.some((ip) => ip.subnet_id === subnetId)) return p;
    }
    return undefined;
  }

  /** The port holding `ip` on `subnet` (`ip_allocations`' key), if any. */
  allocation(subnetId: string, ip: string): PortRow | undefined {
    const id = getRow(this.net.ip_allocations, `${subnetId}/${ip}`);
    return id === undefined ? undefined : this.port(id);
  }

  /**
   * The ports holding an address: as a fixed IP (one `ip_allocations` probe per subnet), behind a
   * floating IP (the `network:floatingip` port that holds it, then the floating IP's port), or as
   * an allowed address pair (exact, or inside a pair's CIDR).
   */
  holders(a: Addr): readonly Holder[] {
    let found = this.#holders.get(a.text);
    if (found !== undefined) return found;
    const out: Holder[] = [];
    for (const sub of tableValues(this.net.subnets)) {
      if (sub.ip_version !== a.v) continue;
      const p = this.allocation(sub.id, a.text);
      if (p === undefined) continue;
      if (p.device_owner === OWNER_FLOATINGIP) {
        const fip = getRow(this.net.floatingips, p.device_id);
        if (fip === undefined) continue;
        const target = fip.port_id === null ? undefined : this.port(fip.port_id);
        out.push({ port: target ?? p, via: 'floating_ip', fip, address: fip.fixed_ip_address ?? a.text });
      } else out.push({ port: p, via: 'fixed_ip', fip: null, address: a.text });
    }
    for (const pair of this.#pairList()) {
      if (!contains(pair.cidr, a)) continue;
      const p = this.port(pair.port);
      if (p !== undefined && !out.some((h) => h.port.id === p.id)) out.push({ port: p, via: 'allowed_address_pair', fip: null, address: a.text });
    }
    if (this.#holders.size >= CACHE_LIMIT) this.#holders.clear();
    this.#holders.set(a.text, (found = out));
    return found;
  }

  #pairList(): { readonly port: string; readonly cidr: Cidr; readonly text: string }[] {
    if (this.#pairs === undefined) {
      const out: { port: string; cidr: Cidr; text: string }[] = [];
      for (const p of tableValues(this.net.ports)) {
        for (const pair of p.allowed_address_pairs) {
          const c = this.cidr(pair.ip_address);
          if (c !== null) out.push({ port: p.id, cidr: c, text: pair.ip_address });
        }
      }
      this.#pairs = out;
    }
    return this.#pairs;
  }

  /** The subnet of a port's address: its fixed IP's subnet, or the subnet of its network that contains a pair address. */
  subnetOf(port: PortRow, address: Addr): SubnetRow | undefined {
    for (const ip of port.fixed_ips) {
      if (ip.ip_address === address.text) return this.subnet(ip.subnet_id);
    }
    for (const [, id] of tablePrefix(this.net.network_subnets, `${port.network_id}/`)) {
      const sub = this.subnet(id);
      const c = sub === undefined ? null : this.cidr(sub.cidr);
      if (sub !== undefined && c !== null && contains(c, address)) return sub;
    }
    return undefined;
  }
}

/** Names the memo entry: the lookups of one version of the `network` slice. */
const LOOKUP = memoSlot<NetworkState, NetLookup>('network.reachability.lookup');

/** The lookups for a state: kept in the memo for its (frozen) `network` slice, or fresh without a memo. */
export function lookupFor(s: CloudState, memo?: Memo): NetLookup {
  return memo === undefined ? new NetLookup(s.network) : memo.of(LOOKUP, s.network, (net) => new NetLookup(net));
}

/**
 * Whether an agent is alive (`neutron/db/agents_db.py` `is_agent_down`: its last heartbeat is
 * within `agent_down_time`); here also while its host keeps reporting.
 */
export function agentAlive(s: CloudState, a: AgentRow): boolean {
  return a.reporting || s.meta.clock.now - a.heartbeat_timestamp <= s.network.config.agent_down_time;
}
