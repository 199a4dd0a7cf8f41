/**
 * Reachability (issue 12): whether traffic from one end reaches another in this Neutron cloud —
 * ML2 with Open vSwitch agents (hybrid iptables firewall), legacy routers on an L3 agent, VXLAN
 * tenant networks and a flat external network, as DevStack builds it — and, when asked, by which
 * path, hop by hop. It answers the lecture's three questions by running the model: how a VM
 * reaches the internet (its router's SNAT, or its floating IP), how the internet reaches a VM
 * (only through a floating IP's DNAT), how tenant networks stay apart (no path without a router
 * interface or a floating IP, whatever their addresses).
 *
 * Neutron has no such API; this reads the state the API builds, with the semantics of the agents
 * that turn it into flows and rules (each file of `reachability/` cites the Zed code it follows):
 * `neutron/agent/linux/iptables_firewall.py` and `neutron/db/securitygroups_rpc_base.py`
 * (security groups), `neutron/agent/l3/router_info.py` (SNAT, floating IPs),
 * `neutron/agent/metadata/driver.py` and `neutron/agent/linux/dhcp.py` (metadata),
 * `neutron/db/l3_agentschedulers_db.py` and `neutron/db/agents_db.py` (which agents serve).
 *
 * The decision is cheap: it reads the index tables (`ip_allocations`, `group_rules`,
 * `group_ports`, `device_ports`, `network_ports`, …) and, given the kernel's memo, keeps what it
 * derives from one version of the `network` slice there (parsed prefixes, each group's rules and
 * member addresses, floating IPs by port, agents by host). The path is computed again, with its
 * descriptions, only when `path` is read (a getter on the answer, which the public API's deep
 * freeze leaves alone).
 *
 * Agents: a router routes only while it is `admin_state_up` and hosted by an L3 agent that is
 * alive (`reporting`, or `now - heartbeat_timestamp <= agent_down_time` in virtual seconds) and
 * `admin_state_up` (Zed's `enable_services_on_agents_with_admin_state_down = False`); a port's
 * host is down when its Open vSwitch agent is not alive; the metadata proxies need a live
 * neutron-metadata-agent on their host.
 */
import { check, Conflict, describeValue, getRow, InvalidInput, NotFound, type CloudState, type Memo } from '../core/index.js';
import { portsOfDevice } from './client.js';
import { notFound } from './errors.js';
import { parseAddress } from './ipam/addresses.js';
import { request } from './reachability/firewall.js';
import { lookupFor, OWNER_FLOATINGIP, type Addr, type NetLookup } from './reachability/lookup.js';
import { METADATA_IP } from './reachability/nat.js';
import type { ReachabilityAnswer, ReachabilityHop, ReachDenial, ReachEnd, ReachProtocol, ReachVia } from './reachability/types.js';
import { walk, type End } from './reachability/walk.js';
import type { FloatingIpRow, PortRow } from './types.js';

export type { HopKind, ReachabilityAnswer, ReachabilityHop, ReachabilityQuery, ReachDenial, ReachEnd, ReachEndInput, ReachProtocol, ReachResource, ReachVia } from './reachability/types.js';

const PROTOCOLS: readonly ReachProtocol[] = Object.freeze(['tcp', 'udp', 'icmp', 'any']);
const CODE = 'network.reachability.invalid';
/** Text meant as an address rather than a port id (ids are uuids): any colon (IPv6), or digits and dots. */
const ADDRESS_LIKE = /:|^[0-9.]+$/;

type EndInput = { readonly kind: 'internet' } | { readonly kind: 'metadata' } | { readonly kind: 'port'; readonly id: string } | { readonly kind: 'server'; readonly id: string; readonly network: string | null } | { readonly kind: 'address'; readonly address: Addr };

function endInput(value: unknown, field: string): EndInput {
  if (typeof value === 'string') {
    if (value === 'internet') return { kind: 'internet' };
    if (value.length === 0 || value.length > 255) throw new InvalidInput(field, `expected a port id, { port: id }, { server: id }, an IP address or 'internet', got ${describeValue(value)}.`, CODE);
    if (ADDRESS_LIKE.test(value)) {
      const a = parseAddress(value, field);
      if (a.address === METADATA_IP) return { kind: 'metadata' };
      return { kind: 'address', address: { v: a.version, n: a.value, text: a.address } };
    }
    return { kind: 'port', id: value };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const rec = check.record(value, field);
    check.onlyKeys(rec, Object.hasOwn(rec, 'server') ? ['server', 'network'] : ['port'], field);
    if (Object.hasOwn(rec, 'server')) {
      // a nova server: the ports whose device_id it is (nova's VIFs), the first one or the one on `network`
      const server = rec.server;
      if (typeof server !== 'string' || server.length === 0 || server.length > 255) throw new InvalidInput(`${field}.server`, `expected a server id, got ${describeValue(server)}.`, CODE);
      const network = rec.network;
      if (network !== undefined && (typeof network !== 'string' || network.length === 0 || network.length > 255)) throw new InvalidInput(`${field}.network`, `expected a network id or name, got ${describeValue(network)}.`, CODE);
      return { kind: 'server', id: server, network: network ?? null };
    }
    const id = rec.port;
    if (typeof id !== 'string' || id.length === 0 || id.length > 255) throw new InvalidInput(`${field}.port`, `expected a port id, got ${describeValue(id)}.`, CODE);
    return { kind: 'port', id };
  }
  throw new InvalidInput(field, `expected a port id, { port: id }, { server: id }, an IP address or 'internet', got ${describeValue(value)}.`, CODE);
}

/** An end as named: its port, how it was named, and the address the name fixes (if any). */
interface Named {
  readonly kind: 'port' | 'internet' | 'metadata';
  readonly port: PortRow | null;
  readonly via: ReachVia | null;
  readonly fip: FloatingIpRow | null;
  /** The port's own address when the name fixes it. */
  readonly own: Addr | null;
  /** The family the name fixes (an address, a floating IP), null when free. */
  readonly v: 4 | 6 | null;
}

const INTERNET_END: Named = Object.freeze({ kind: 'internet', port: null, via: null, fip: null, own: null, v: null });
const METADATA_END: Named = Object.freeze({ kind: 'metadata', port: null, via: null, fip: null, own: null, v: 4 });

function byFloatingIp(lk: NetLookup, fip: FloatingIpRow, fipPort: PortRow): Named {
  const target = fip.port_id === null ? undefined : lk.port(fip.port_id);
  const own = fip.fixed_ip_address === null ? null : lk.addr(fip.fixed_ip_address);
  return { kind: 'port', port: target ?? fipPort, via: 'floating_ip', fip, own: target === undefined ? lk.addr(fip.floating_ip_address) : own, v: 4 };
}

function resolve(lk: NetLookup, input: EndInput, field: string, canSee: (portId: string) => boolean, s?: CloudState): Named {
  switch (input.kind) {
    case 'server': {
      const candidates = (s === undefined ? [] : portsOfDevice(s, input.id)).filter((p) => canSee(p.id));
      const network = input.network;
      const chosen = network === null ? candidates.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1))[0] : candidates.find((p) => p.network_id === network || (s !== undefined && getRow(s.network.networks, p.network_id)?.name === network));
      if (chosen === undefined) throw new NotFound('network.reachability.server_not_found', network === null ? `No port of server ${input.id} that the caller may see: is it a server of the caller's project, and has it booted?` : `Server ${input.id} has no port on network ${network}.`, { field, server: input.id });
      return resolve(lk, { kind: 'port', id: chosen.id }, field, canSee);
    }
    case 'internet':
      return INTERNET_END;
    case 'metadata':
      return METADATA_END;
    case 'port': {
      const p = lk.port(input.id);
      if (p === undefined || !canSee(p.id)) throw notFound('port', input.id);
      if (p.device_owner === OWNER_FLOATINGIP) {
        const fip = lk.floatingIp(p.device_id);
        if (fip !== undefined) return byFloatingIp(lk, fip, p);
      }
      return { kind: 'port', port: p, via: 'port', fip: null, own: null, v: null };
    }
    case 'address': {
      const a = input.address;
      const found = lk.holders(a).filter((h) => canSee(h.port.id));
      const only = found[0];
      if (only === undefined) throw new NotFound('network.reachability.address_not_found', `No port holds the address ${a.text} (as a fixed IP, an allowed address pair or a floating IP).`, { field, address: a.text });
      if (found.length > 1) {
        const ids = found.map((h) => h.port.id);
        throw new Conflict('network.reachability.address_ambiguous', `Several ports hold the address ${a.text} (overlapping address spaces, or a shared allowed address pair): name one by id: ${ids.join(', ')}.`, { field, address: a.text, candidates: ids });
      }
      if (only.via === 'floating_ip' && only.fip !== null) return byFloatingIp(lk, only.fip, only.port);
      return { kind: 'port', port: only.port, via: only.via, fip: null, own: lk.addr(only.address) ?? a, v: a.v };
    }
  }
}

function hasFamily(lk: NetLookup, e: Named, v: 4 | 6): boolean {
  if (e.kind !== 'port') return e.kind === 'internet' || v === 4;
  if (e.own !== null) return e.own.v === v;
  return (e.port as PortRow).fixed_ips.some((ip) => lk.addr(ip.ip_address)?.v === v);
}

function addressOf(lk: NetLookup, e: Named, v: 4 | 6): Addr | null {
  if (e.kind === 'metadata') return lk.addr(METADATA_IP);
  if (e.port === null) return null;
  if (e.own !== null) return e.own.v === v ? e.own : null;
  for (const ip of e.port.fixed_ips) {
    const a = lk.addr(ip.ip_address);
    if (a?.v === v) return a;
  }
  return null;
}

function endView(e: End): ReachEnd {
  return Object.freeze({
    kind: e.kind,
    port_id: e.port?.id ?? null,
    network_id: e.port?.network_id ?? null,
    address: e.addr?.text ?? null,
    via: e.via,
    floating_ip_id: e.fip?.id ?? null,
    floating_ip_address: e.fip?.floating_ip_address ?? null,
  });
}

/**
 * An answer whose path is computed when first read: a frozen class instance whose `path` getter
 * lives on its prototype, so the public API's deep freeze (`freezeView`) does not run it.
 * `toJSON` gives every part.
 */
class ReachabilityResult implements ReachabilityAnswer {
  readonly allowed: boolean;
  readonly from: ReachEnd;
  readonly to: ReachEnd;
  readonly protocol: ReachProtocol;
  readonly port: number | null;
  declare readonly deniedBy?: ReachDenial;
  #path: readonly ReachabilityHop[] | undefined;
  #explain: (() => ReachabilityHop[]) | undefined;

  constructor(from: ReachEnd, to: ReachEnd, protocol: ReachProtocol, port: number | null, denial: ReachDenial | null, explain: () => ReachabilityHop[]) {
    this.allowed = denial === null;
    this.from = from;
    this.to = to;
    this.protocol = protocol;
    this.port = port;
    if (denial !== null) (this as { deniedBy?: ReachDenial }).deniedBy = denial;
    this.#explain = explain;
    Object.freeze(this);
  }

  get path(): readonly ReachabilityHop[] {
    if (this.#path === undefined) {
      const hops = (this.#explain as () => ReachabilityHop[])();
      for (const h of hops) Object.freeze(h);
      this.#path = Object.freeze(hops);
      this.#explain = undefined;
    }
    return this.#path;
  }

  toJSON(): Record<string, unknown> {
    return { allowed: this.allowed, from: this.from, to: this.to, protocol: this.protocol, port: this.port, ...(this.deniedBy === undefined ? {} : { deniedBy: this.deniedBy }), path: this.path };
  }
}

/**
 * Whether traffic from `query.from` reaches `query.to`, and (lazily, in `path`) how.
 *
 * `query`: `{ from, to, protocol?, port? }`. Each end is a port id, `{ port: id }`, an IP
 * address — the port holding it as a fixed IP, an allowed address pair (exact, or inside a pair's
 * CIDR) or a floating IP (then the port behind it, reached through the floating IP's DNAT),
 * among the ports `canSee` lets through — or `'internet'`; `to` may also be the metadata address
 * `169.254.169.254`. `protocol` is `tcp`, `udp`, `icmp` (an echo request) or `any` (every
 * protocol: only rules that admit every protocol admit it; the default, but `tcp` to the
 * metadata address); `port` (tcp / udp) is the destination port, every port when absent (`80`
 * to the metadata address). The address family is the named addresses' one, else IPv4 when both
 * ports have an IPv4 address, else IPv6. A port named by id is used with its first fixed IP of
 * that family; from an external network or the internet, a tenant port named by id is reached
 * through its floating IP.
 *
 * Errors (nothing is changed): 400 `network.reachability.invalid` (or the address parser's
 * `network.ip.invalid_address`) naming the field for a malformed query; 404
 * `network.port.not_found` for a port id the caller may not see; 404
 * `network.reachability.address_not_found` when no visible port holds an address; 409
 * `network.reachability.address_ambiguous` when several do (overlapping tenant address spaces),
 * with their ids in `details.candidates`.
 *
 * `memo`: the kernel's memo, to keep what is derived from this version of the state.
 */
export function explainReachability(s: CloudState, query: unknown, canSee: (portId: string) => boolean = () => true, memo?: Memo): ReachabilityAnswer {
  const q = check.record(query, 'query');
  check.onlyKeys(q, ['from', 'to', 'protocol', 'port'], 'query');
  const fromIn = endInput(q.from, 'from');
  const toIn = endInput(q.to, 'to');
  if (fromIn.kind === 'metadata') throw new InvalidInput('from', `${METADATA_IP} is the metadata service: it answers requests, it does not start them.`, CODE);
  if (fromIn.kind === 'internet' && toIn.kind === 'internet') throw new InvalidInput('to', "from and to are both 'internet': name a port at one end at least.", CODE);
  if (fromIn.kind === 'internet' && toIn.kind === 'metadata') throw new InvalidInput('from', `the metadata service at ${METADATA_IP} answers only the cloud's own ports, not the internet.`, CODE);
  const protocol = q.protocol === undefined ? (toIn.kind === 'metadata' ? 'tcp' : 'any') : check.oneOf(q.protocol, PROTOCOLS, 'protocol');
  let port: number | null = null;
  if (q.port !== undefined) {
    if (protocol !== 'tcp' && protocol !== 'udp') throw new InvalidInput('port', `a port goes with protocol tcp or udp, not ${protocol}.`, CODE);
    port = check.integer(q.port, 'port', 1, 65535);
  } else if (toIn.kind === 'metadata' && protocol === 'tcp') port = 80;

  const lk = lookupFor(s, memo);
  const from = resolve(lk, fromIn, 'from', canSee, s);
  const to = resolve(lk, toIn, 'to', canSee, s);
  if (from.v !== null && to.v !== null && from.v !== to.v) {
    throw new InvalidInput('to', `from is an IPv${from.v} end and to an IPv${to.v} one: traffic has one address family.`, CODE);
  }
  const v: 4 | 6 = from.v ?? to.v ?? (hasFamily(lk, from, 4) && hasFamily(lk, to, 4) ? 4 : hasFamily(lk, from, 6) && hasFamily(lk, to, 6) ? 6 : 4);
  const fromEnd: End = { kind: from.kind, port: from.port, addr: addressOf(lk, from, v), via: from.via, fip: from.fip };
  const toEnd: End = { kind: to.kind, port: to.port, addr: addressOf(lk, to, v), via: to.via, fip: to.fip };
  const traffic = request(v, protocol, port);
  const decided = walk(s, lk, fromEnd, toEnd, traffic, false);
  return new ReachabilityResult(endView(fromEnd), endView(toEnd), protocol, port, decided.denial, () => walk(s, lk, fromEnd, toEnd, traffic, true).hops as ReachabilityHop[]);
}
