/**
 * Security groups as the Open vSwitch agent's hybrid iptables firewall enforces them
 * (`neutron/agent/linux/iptables_firewall.py`, `OVSHybridIptablesFirewallDriver`, with the rules
 * and member addresses `neutron/db/securitygroups_rpc_base.py` sends it):
 *
 * - a port whose `device_owner` starts with `network:` or `neutron:` (router, DHCP ports) is
 *   trusted, never filtered (`DEVICE_OWNER_PREFIXES`); a port with `port_security_enabled` false
 *   has no filter at all;
 * - otherwise a packet passes in a direction when one rule of one of the port's groups admits it
 *   (`_select_sg_rules_for_port`; no rule, no traffic): same `ethertype` as the packet's address
 *   family; `protocol` null / `0` / `any` for every protocol, else the same protocol (`icmp`,
 *   `icmpv6`, `1` mean `ipv6-icmp` in an IPv6 rule, as `_get_ip_proto_name_and_num`);
 *   `port_range_min..max` on the destination port for tcp / udp / sctp / dccp / udplite, and
 *   ICMP type / code for icmp (`_port_arg`); `remote_ip_prefix` containing the other end's address
 *   (a /0 is every address), or `remote_group_id` whose members' fixed IPs or allowed address
 *   pairs hold it (`_select_ips_for_remote_group`: the ipset);
 * - fixed rules before the groups' (`_spoofing_rule`): a port sends ICMPv6 (but router
 *   advertisements) whatever its groups say;
 * - a port's groups are all stateful or all stateless (`securitygroups_db`); a stateful port
 *   accepts replies (`RELATED,ESTABLISHED`); a stateless one (`-j CT --notrack`) needs rules for
 *   the replies too, which come back to an ephemeral port (Linux's `ip_local_port_range`,
 *   32768–60999) or as an ICMP echo reply.
 *
 * Not simulated: `remote_address_group_id` (address groups: such a rule admits nothing here),
 * source port ranges, the DHCP / anti-spoofing rules' other cases (traffic is always sent from
 * one of the port's own addresses), `INVALID` packets.
 */
import type { PortRow, SecurityGroupRuleRow } from '../types.js';
import { contains, trustedOwner, type Addr, type NetLookup } from './lookup.js';
import type { ReachProtocol } from './types.js';

/** The other end of a packet when it is somewhere on the internet: only a rule for every address admits it. */
export const INTERNET = Object.freeze({ internet: true as const });
export type Remote = Addr | typeof INTERNET;

/** A packet as the filter sees it. */
export interface Traffic {
  readonly v: 4 | 6;
  readonly proto: ReachProtocol;
  /** The destination ports asked about (tcp / udp): one port, every port, or the ephemeral range of a reply. */
  readonly lo: number;
  readonly hi: number;
  /** ICMP type and code (echo request 8/0 or 128/0, echo reply 0/0 or 129/0). */
  readonly icmpType: number;
  readonly icmpCode: number;
}

/** Linux's default `net.ipv4.ip_local_port_range`: where replies come back to. */
export const EPHEMERAL: readonly [number, number] = Object.freeze([32768, 60999] as const);

/** The traffic a query asks about: to one destination port or every one; an ICMP echo request. */
export function request(v: 4 | 6, proto: ReachProtocol, port: number | null): Traffic {
  return { v, proto, lo: port ?? 1, hi: port ?? 65535, icmpType: v === 4 ? 8 : 128, icmpCode: 0 };
}

/** The replies to `t`. */
export function reply(t: Traffic): Traffic {
  return { v: t.v, proto: t.proto, lo: EPHEMERAL[0], hi: EPHEMERAL[1], icmpType: t.v === 4 ? 0 : 129, icmpCode: 0 };
}

const NAMES: Readonly<Record<string, number>> = Object.freeze({ tcp: 6, udp: 17, icmp: 1, 'ipv6-icmp': 58, icmpv6: 58, sctp: 132, dccp: 33, udplite: 136 });
/** `SG_PORT_PROTO_NAMES`: the protocols whose rules carry a destination port range. */
const PORT_PROTOCOLS: readonly number[] = Object.freeze([6, 17, 132, 33, 136]);

/** A rule's protocol as a number for a family, null for every protocol, -1 for one this model never asks about. */
export function ruleProtocol(protocol: string | null, v: 4 | 6): number | null {
  if (protocol === null) return null;
  const p = protocol.toLowerCase();
  if (p === '' || p === 'any' || p === '0') return null;
  if (v === 6 && (p === 'icmp' || p === 'icmpv6' || p === '1')) return 58;
  const named = NAMES[p];
  if (named !== undefined) return named;
  return /^[0-9]{1,3}$/.test(p) ? Number(p) : -1;
}

function trafficProtocol(t: Traffic): number | null {
  switch (t.proto) {
    case 'tcp':
      return 6;
    case 'udp':
      return 17;
    case 'icmp':
      return t.v === 4 ? 1 : 58;
    default:
      return null;
  }
}

/** Whether a rule's protocol and ports admit the traffic. */
function admitsTraffic(rule: SecurityGroupRuleRow, t: Traffic): boolean {
  const rp = ruleProtocol(rule.protocol, t.v);
  if (rp === null) return true;
  const tp = trafficProtocol(t);
  if (tp === null || rp !== tp) return false;
  const min = rule.port_range_min;
  if (min === null) return true;
  if (PORT_PROTOCOLS.includes(tp)) return min <= t.lo && t.hi <= (rule.port_range_max ?? min);
  // icmp: port_range_min is the type, port_range_max the code
  return min === t.icmpType && (rule.port_range_max === null || rule.port_range_max === t.icmpCode);
}

/**
 * Whether the rule's remote side admits `remote`; `own` is the port `remote` is an address of,
 * when known (its membership answers a `remote_group_id` rule without reading the group's members).
 */
function admitsRemote(lk: NetLookup, rule: SecurityGroupRuleRow, remote: Remote, own: PortRow | null): boolean {
  if (rule.remote_address_group_id !== null) return false;
  if (rule.remote_group_id !== null) {
    if (remote === INTERNET) return false;
    const a = remote as Addr;
    if (own !== null && lk.isMember(rule.remote_group_id, own.id) && holds(own, a)) return true;
    const m = lk.members(rule.remote_group_id);
    return m.exact.has(a.text) || m.cidrs.some((c) => contains(c, a));
  }
  if (rule.remote_ip_prefix !== null) {
    const c = lk.cidr(rule.remote_ip_prefix);
    if (c === null) return false;
    if (c.prefixlen === 0) return true;
    return remote !== INTERNET && contains(c, remote as Addr);
  }
  return true;
}

/** Whether `a` is one of the port's fixed IPs or a plain allowed address pair. */
function holds(port: PortRow, a: Addr): boolean {
  for (const ip of port.fixed_ips) if (ip.ip_address === a.text) return true;
  for (const pair of port.allowed_address_pairs) if (pair.ip_address === a.text) return true;
  return false;
}

/** What let a packet through a port's filter, or null when nothing did. */
export type FilterPass = SecurityGroupRuleRow | 'trusted' | 'port_security_disabled' | 'fixed_rule';

/**
 * Whether the port's filter lets `t` through in `direction`, with `remote` the other end's
 * address as the port sees it (the source on ingress, the destination on egress).
 */
export function filter(lk: NetLookup, port: PortRow, direction: 'ingress' | 'egress', t: Traffic, remote: Remote, own: PortRow | null): FilterPass | null {
  if (trustedOwner(port.device_owner)) return 'trusted';
  if (!port.port_security_enabled) return 'port_security_disabled';
  if (direction === 'egress' && t.v === 6 && t.proto === 'icmp') return 'fixed_rule';
  const ethertype = t.v === 4 ? 'IPv4' : 'IPv6';
  for (const sg of port.security_groups) {
    for (const rule of lk.rulesOf(sg)) {
      if (rule.direction === direction && rule.ethertype === ethertype && admitsTraffic(rule, t) && admitsRemote(lk, rule, remote, own)) return rule;
    }
  }
  return null;
}

/** Whether the port's filter tracks connections (its groups are stateful), so replies pass without rules. */
export function stateful(lk: NetLookup, port: PortRow): boolean {
  if (trustedOwner(port.device_owner) || !port.port_security_enabled) return true;
  const first = port.security_groups[0];
  if (first === undefined) return true;
  return lk.group(first)?.stateful ?? true;
}

/** What a rule admits, for a hop's description (`IPv4 tcp 22 from 0.0.0.0/0`). */
export function describeRule(rule: SecurityGroupRuleRow): string {
  const proto = rule.protocol ?? 'any protocol';
  const ports = rule.port_range_min === null ? '' : rule.port_range_max === null || rule.port_range_max === rule.port_range_min ? ` ${rule.port_range_min}` : ` ${rule.port_range_min}-${rule.port_range_max}`;
  const side = rule.direction === 'ingress' ? 'from' : 'to';
  const remote = rule.remote_group_id !== null ? `members of group ${rule.remote_group_id}` : rule.remote_address_group_id !== null ? `address group ${rule.remote_address_group_id}` : (rule.remote_ip_prefix ?? 'anywhere');
  return `${rule.ethertype} ${proto}${ports} ${side} ${remote}`;
}
