/**
 * Neutron's commands for the shared model-based suite. Two projects (`net-a`, `net-b`, one member
 * each) and a reader of `net-a` build networks (VXLAN tenant networks from a small VNI range, an
 * admin's provider VLAN networks), subnets (IPv4 and IPv6, by cidr and from the default subnet
 * pools, with and without DHCP, SLAAC), ports (addresses from IPAM, on a subnet, a requested or
 * just freed address; bound and unbound with `binding:host_id`), routers with a gateway on the
 * external network `net-public` and interfaces, floating IPs associated and disassociated,
 * security groups and rules. Every command is tried by the owner, by the other project's member
 * (404 on what it may not see), by the reader (403 on writes), with an expired token (401: the
 * clock moves past the token lifetime) and a revoked one (401); a refused call leaves
 * `cloud.state` the very same object. Each run starts from a small topology the commands
 * themselves build (net-a: a network with a DHCP v4 and a SLAAC v6 subnet, a router with its
 * gateway and an interface, a port with a floating IP, a security group with a rule; net-b: the
 * same v4 addresses and a full /30, two ports), and scarce resources (four external addresses,
 * six VNIs, a /24 default pool of four /26, small port and security group quotas) make the
 * exhaustion answers come up too.
 *
 * The model predicts each answer and keeps every port with its addresses (the ones Neutron makes
 * too: DHCP, router interface and gateway, floating IP ports). After every step of every module:
 * the cloud holds exactly the model's networks, subnets, ports, routers and floating IPs; IPAM
 * never hands out one address twice (and the allocation table is exactly the ports' addresses);
 * every address lies in its subnet's allocation pools, or is the gateway (router interfaces),
 * the address asked for, or the SLAAC address of the port's MAC; each subnet's free ranges and
 * its allocations make up its pools exactly (a deleted port's address is free again); subnets of
 * one network never overlap; MACs are `fa:16:3e` and unique per network; segment ids are unique
 * per type and physical network, tenant VNIs within `vni_ranges`; Neutron's quota usage equals
 * the model's count.
 *
 * Every network command first disables the DHCP and L3 agents of the hardware commands' hosts
 * (`openstack network agent set --disable`, as an operator pins services to a network node):
 * networks and routers are scheduled on this suite's own network node, so a hardware command may
 * remove any of its hosts (Neutron refuses to remove a host that still hosts routers or ports).
 *
 * The policy in force decides whether a reader of the network's project may write its subnets:
 * Zed's `create_subnet` / `update_subnet` / `delete_subnet` end in `rule:network_owner`
 * (`tenant_id:%(network:tenant_id)s`), which has no role check (see tests/security,
 * policy_before_lookup: a reader's write is reported there).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { CloudError, type Session } from '../../src/index.js';
import { getRow, tableEntries, tableToArray } from '../../src/core/index.js';
import { registerCommands, registerInvariants, registerSetup, type CloudCommand, type CloudModel, type CloudReal } from './harness.js';

// ------------------------------------------------------------------ the model

type Proj = 'a' | 'b';
type Owner = Proj | 'admin';
type PortKind = 'user' | 'dhcp' | 'router' | 'gateway' | 'fip';

interface MNetwork {
  project: Owner;
  type: 'vxlan' | 'vlan' | 'flat';
  segid: number | null;
  physnet: string | null;
  external: boolean;
}

interface MSubnet {
  network: string;
  project: Owner;
  version: 4 | 6;
  cidr: string;
  gateway: string | null;
  pools: [string, string][];
  dhcp: boolean;
  auto: boolean;
  pool: 'v4' | 'v6' | null;
  /** Virtual time of creation: subnets are tried for addresses in (created, id) order. */
  created: number;
}

interface MPort {
  network: string;
  project: Owner | '';
  kind: PortKind;
  mac: string;
  /** [subnet id, address] */
  ips: [string, string][];
  /** Addresses asked for explicitly. */
  requested: string[];
  host: string;
  groups: string[];
}

interface MRouter {
  project: Proj;
  gatewayPort: string | null;
  /** subnet id → interface port id */
  interfaces: Record<string, string>;
}

interface MFip {
  project: Proj;
  address: string;
  fipPort: string;
  port: string | null;
  fixed: string | null;
  router: string | null;
}

interface MGroup {
  project: Proj;
  /** Rule keys, the two default egress rules included. */
  rules: string[];
}

/** What the network commands believe. */
export interface NetworkModel {
  ids: Record<Owner, string>;
  publicNet: string;
  publicSubnet: string;
  networks: Record<string, MNetwork>;
  subnets: Record<string, MSubnet>;
  ports: Record<string, MPort>;
  routers: Record<string, MRouter>;
  fips: Record<string, MFip>;
  /** Security groups the commands created (not the `default` ones). */
  groups: Record<string, MGroup>;
  /** Rules the commands created: rule id → group id and key. */
  rules: Record<string, { group: string; key: string }>;
  /** Whether the project has its `default` security group. */
  defaults: Record<Proj, boolean>;
  /** Addresses given back by deleted ports, newest last (asked for again by new ports). */
  freed: [string, string][];
}

declare module './harness.js' {
  interface CloudModel {
    network?: NetworkModel;
  }
}

const NET_NODE = 'net-node';
const PASSWORD = 'net-pw';
const USERS = { ua: ['net-ua', 'net-a'], ub: ['net-ub', 'net-b'], ra: ['net-ra', 'net-a'] } as const;
/** `vni_ranges` of the suite's cloud (cloud.model.test.ts): six tenant networks at most. */
export const VNI_RANGE: readonly [number, number] = [1, 6];
/** The suite's ML2 options: DevStack's VXLAN tenant networks, a flat `public`, VLANs on `physnet1`. */
export const MODEL_ML2 = {
  ml2: { tenant_network_types: ['vxlan'] },
  ml2_type_flat: { flat_networks: ['public'] },
  ml2_type_vlan: { network_vlan_ranges: ['physnet1:100:103'] },
  ml2_type_vxlan: { vni_ranges: [`${VNI_RANGE[0]}:${VNI_RANGE[1]}`] },
};
/** The projects' port quotas (DHCP and router ports count, without being checked). */
const PORT_LIMIT: Readonly<Record<Proj, number>> = { a: 10, b: 3 };
/** `net-a`'s security group quota (its `default` group counts). */
const SG_LIMIT = 4;
const ROUTER_LIMIT = 10;
/** The default v4 pool `10.100.0.0/24` holds four /26 subnets. */
const POOL4_CAPACITY = 4;

// ------------------------------------------------------------------ addresses

interface Cidr {
  readonly v: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

function ipValue(ip: string): bigint {
  if (!ip.includes(':')) return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  const [head = '', tail] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function v4Text(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
}

function v6Text(v: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

function cidrOf(c: string): Cidr {
  const [ip = '', len = '0'] = c.split('/');
  const v: 4 | 6 = ip.includes(':') ? 6 : 4;
  const bits = v === 4 ? 32 : 128;
  const host = (1n << BigInt(bits - Number(len))) - 1n;
  const first = ipValue(ip) & ~host;
  return { v, first, last: first | host };
}

function overlaps(a: string, b: string): boolean {
  const x = cidrOf(a);
  const y = cidrOf(b);
  return x.v === y.v && x.first <= y.last && y.first <= x.last;
}

function inCidr(c: string, ip: string): boolean {
  const n = cidrOf(c);
  const v = ipValue(ip);
  return (ip.includes(':') ? 6 : 4) === n.v && n.first <= v && v <= n.last;
}

/** The modified EUI-64 address of a MAC on a /64 (RFC 4291 appendix A; what SLAAC gives a port). */
function eui64(c: string, mac: string): bigint {
  const b = mac.split(':').map((x) => BigInt(parseInt(x, 16)));
  const iid = [(b[0] ?? 0n) ^ 2n, b[1] ?? 0n, b[2] ?? 0n, 0xffn, 0xfen, b[3] ?? 0n, b[4] ?? 0n, b[5] ?? 0n].reduce((acc, x) => (acc << 8n) | x, 0n);
  return cidrOf(c).first | iid;
}

function inPools(s: MSubnet, v: bigint): boolean {
  return s.pools.some(([a, b]) => ipValue(a) <= v && v <= ipValue(b));
}

function poolSize(s: MSubnet): bigint {
  return s.pools.reduce((n, [a, b]) => n + ipValue(b) - ipValue(a) + 1n, 0n);
}

/** Every address the model's ports hold on a subnet, with its port. */
function allocated(nm: NetworkModel, subnetId: string): Map<bigint, string> {
  const out = new Map<bigint, string>();
  for (const [id, p] of Object.entries(nm.ports)) for (const [sid, ip] of p.ips) if (sid === subnetId) out.set(ipValue(ip), id);
  return out;
}

function freeCount(nm: NetworkModel, subnetId: string): bigint {
  const s = nm.subnets[subnetId]!;
  let used = 0n;
  for (const v of allocated(nm, subnetId).keys()) if (inPools(s, v)) used++;
  return poolSize(s) - used;
}

/** A network's subnets in the order IPAM tries them: creation time, then id. */
function subnetsOn(nm: NetworkModel, networkId: string): [string, MSubnet][] {
  return Object.entries(nm.subnets)
    .filter(([, s]) => s.network === networkId)
    .sort(([ia, a], [ib, b]) => a.created - b.created || (ia < ib ? -1 : 1));
}

function portsOn(nm: NetworkModel, networkId: string): [string, MPort][] {
  return Object.entries(nm.ports).filter(([, p]) => p.network === networkId);
}

function dhcpPortOf(nm: NetworkModel, networkId: string): string | undefined {
  return portsOn(nm, networkId).find(([, p]) => p.kind === 'dhcp')?.[0];
}

function portCount(nm: NetworkModel, project: Proj): number {
  return Object.values(nm.ports).filter((p) => p.project === project).length;
}

function v4Ips(p: MPort): [string, string][] {
  return p.ips.filter(([, ip]) => !ip.includes(':'));
}

/** A port's addresses lose one subnet's; the non-automatic ones join the freed list. */
function dropSubnetIps(nm: NetworkModel, portId: string, subnetId: string, remember: boolean): void {
  const p = nm.ports[portId]!;
  for (const f of p.ips) if (f[0] === subnetId && remember && !nm.subnets[subnetId]?.auto) rememberFreed(nm, f);
  p.ips = p.ips.filter(([sid]) => sid !== subnetId);
}

function rememberFreed(nm: NetworkModel, f: [string, string]): void {
  nm.freed.push([f[0], f[1]]);
  if (nm.freed.length > 8) nm.freed.shift();
}

function removePort(nm: NetworkModel, portId: string): void {
  const p = nm.ports[portId];
  if (p === undefined) return;
  // (addresses of the external network are Neutron's to hand out: gateways and floating IPs)
  if (p.network !== nm.publicNet) for (const f of p.ips) if (!nm.subnets[f[0]]?.auto) rememberFreed(nm, f);
  delete nm.ports[portId];
  // l3_db.disassociate_floatingips
  for (const fip of Object.values(nm.fips)) {
    if (fip.port === portId) Object.assign(fip, { port: null, fixed: null, router: null });
  }
}

// ------------------------------------------------------------------ actors and answers

type Actor = 'ua' | 'ub' | 'ra' | 'expired' | 'revoked' | 'admin';
type Rel = 'owner' | 'other' | 'reader' | 'admin' | 'unauth';

function actorProject(actor: Actor): Owner {
  return actor === 'ub' ? 'b' : actor === 'admin' ? 'admin' : 'a';
}

/** How an actor stands to what `owner` owns. */
function rel(actor: Actor, owner: Owner | ''): Rel {
  if (actor === 'expired' || actor === 'revoked') return 'unauth';
  if (actor === 'admin') return 'admin';
  if (owner !== actorProject(actor)) return 'other';
  return actor === 'ra' ? 'reader' : 'owner';
}

/** The refusal every write on a resource gets before anything else: 401, 404 (may not see it), 403 (may see it, not change it). */
function gate(r: Rel): number | undefined {
  return r === 'unauth' ? 401 : r === 'other' ? 404 : r === 'reader' ? 403 : undefined;
}

function login(r: CloudReal, who: 'ua' | 'ub' | 'ra'): Session {
  const [username, project] = USERS[who];
  return r.cloud.login({ username, password: PASSWORD, project });
}

/** The session of an actor: a fresh login, an expired one (the clock moves past its lifetime), a revoked one, or the admin. */
function sessionOf(m: CloudModel, r: CloudReal, actor: Actor): Session {
  let s: Session;
  if (actor === 'admin') s = r.cloud.admin;
  else if (actor === 'expired') {
    s = login(r, 'ua');
    const lifetime = r.cloud.state.identity.config.token_expiration + 1;
    r.cloud.clock.advance(lifetime);
    m.now += lifetime;
  } else if (actor === 'revoked') {
    s = login(r, 'ua');
    s.logout();
  } else s = login(r, actor);
  void r.cloud.admin.token; // the admin session (re)authenticates outside the call under test
  return s;
}

/** An expected answer: 0 for success, else the status (and the code, when it matters). */
type Want = number | readonly [number, string];

/** Runs a call the model predicted: success, or a CloudError with the status (and code) — and then the state is the same object. */
function attempt<T>(r: CloudReal, want: Want, call: () => T, what: string): T | undefined {
  const [status, code] = typeof want === 'number' ? [want, undefined] : want;
  const before = r.cloud.state;
  let out: T;
  try {
    out = call();
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    expect(`${e.status} ${e.code}: ${e.message}`, what).toMatch(new RegExp(`^${status} ${code ?? ''}`));
    expect(r.cloud.state, `${what}: refused but committed`).toBe(before);
    return undefined;
  }
  expect(0, `${what}: succeeded, expected ${status}${code ? ` ${code}` : ''}`).toBe(status);
  return out;
}

/** Disables the DHCP and L3 agents of every host but the suite's network node (see the file's comment). */
function pinAgents(r: CloudReal): void {
  void r.cloud.admin.token;
  const stray = tableToArray(r.cloud.state.network.agents).filter((a) => a.host !== NET_NODE && (a.agent_type === 'DHCP agent' || a.agent_type === 'L3 agent') && a.admin_state_up);
  for (const a of stray) r.cloud.admin.network.updateAgent(a.id, { admin_state_up: false });
}

/** Whether the policy in force lets a reader of `project` write a subnet on its own network (Zed: yes, see the file's comment). */
function readerMayWriteSubnets(r: CloudReal, nm: NetworkModel, rule: string): boolean {
  const p = nm.ids.a;
  return r.cloud.policy.authorize(rule, { user_id: 'reader', project_id: p, tenant_id: p, roles: ['reader'], is_admin: false } as never, { project_id: p, tenant_id: p, 'network:tenant_id': p, 'network:project_id': p });
}

/** Picks the n-th of a list (undefined when empty). */
function nth<T>(list: readonly T[], n: number): T | undefined {
  return list.length === 0 ? undefined : list[n % list.length];
}

/** The tenant networks (not the external one). */
function tenantNetworks(nm: NetworkModel): string[] {
  return Object.keys(nm.networks).filter((id) => id !== nm.publicNet).sort();
}

abstract class NetCommand implements CloudCommand {
  check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined;
  }
  run(m: CloudModel, r: CloudReal): void {
    pinAgents(r);
    this.act(m.network!, m, r);
  }
  abstract act(nm: NetworkModel, m: CloudModel, r: CloudReal): void;
  abstract toString(): string;
}

// ------------------------------------------------------------------ networks

class NetCreateNetwork extends NetCommand {
  constructor(readonly actor: Actor) {
    super();
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const s = sessionOf(m, r, this.actor);
    const project = actorProject(this.actor);
    const tenants = Object.values(nm.networks).filter((n) => n.type === 'vxlan').length;
    const want: Want = this.actor === 'expired' || this.actor === 'revoked' ? 401 : this.actor === 'ra' ? 403 : tenants >= VNI_RANGE[1] - VNI_RANGE[0] + 1 ? [503, 'network.segment.no_network_available'] : 0;
    const view = attempt(r, want, () => s.network.createNetwork({ name: 'm-net' }), this.toString());
    if (view === undefined) return;
    expect(view['provider:network_type'] ?? 'vxlan').toBe('vxlan');
    expect(view.mtu).toBe(1450);
    const row = getRow(r.cloud.state.network.networks, view.id)!;
    nm.networks[view.id] = { project, type: 'vxlan', segid: row.segment.segmentation_id, physnet: null, external: false };
    if (project !== 'admin') nm.defaults[project] = true;
  }
  toString = () => `net.createNetwork(${this.actor})`;
}

/** An admin's provider VLAN network on `physnet1` (any VLAN id; only tenant networks take theirs from the ranges). */
class NetCreateProviderNetwork extends NetCommand {
  constructor(readonly segid: number, readonly actor: 'admin' | 'ua') {
    super();
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const s = sessionOf(m, r, this.actor);
    const taken = Object.values(nm.networks).some((n) => n.type === 'vlan' && n.physnet === 'physnet1' && n.segid === this.segid);
    const want: Want = this.actor === 'ua' ? 403 : taken ? [409, 'network.segment.in_use'] : 0;
    const view = attempt(r, want, () => s.network.createNetwork({ name: 'm-vlan', 'provider:network_type': 'vlan', 'provider:physical_network': 'physnet1', 'provider:segmentation_id': this.segid }), this.toString());
    if (view === undefined) return;
    expect([view['provider:network_type'], view['provider:physical_network'], view['provider:segmentation_id'], view.mtu]).toEqual(['vlan', 'physnet1', this.segid, 1500]);
    nm.networks[view.id] = { project: 'admin', type: 'vlan', segid: this.segid, physnet: 'physnet1', external: false };
  }
  toString = () => `net.createProviderNetwork(vlan ${this.segid}, ${this.actor})`;
}

class NetDeleteNetwork extends NetCommand {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && tenantNetworks(m.network).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const id = nth(tenantNetworks(nm), this.pick)!;
    const s = sessionOf(m, r, this.actor);
    const n = nm.networks[id]!;
    const blocked = portsOn(nm, id).some(([, p]) => p.kind !== 'dhcp');
    const want: Want = gate(rel(this.actor, n.project)) ?? (blocked ? [409, 'network.network.in_use'] : 0);
    if (attempt(r, want, () => s.network.deleteNetwork({ id }), this.toString()) === undefined && want !== 0) return;
    for (const [pid] of portsOn(nm, id)) delete nm.ports[pid];
    for (const [sid] of subnetsOn(nm, id)) delete nm.subnets[sid];
    nm.freed = nm.freed.filter(([sid]) => nm.subnets[sid] !== undefined);
    delete nm.networks[id];
  }
  toString = () => `net.deleteNetwork(#${this.pick}, ${this.actor})`;
}

// ------------------------------------------------------------------ subnets

interface SubnetSpec {
  readonly v: 4 | 6;
  readonly cidr?: string;
  readonly pool?: true;
  readonly slaac?: true;
}

const SUBNET_SPECS: readonly SubnetSpec[] = [
  { v: 4, cidr: '10.1.0.0/24' },
  { v: 4, cidr: '10.1.0.0/28' },
  { v: 4, cidr: '10.1.0.128/25' },
  { v: 4, cidr: '10.2.0.0/29' },
  { v: 4, cidr: '10.3.0.0/30' },
  { v: 4, pool: true },
  { v: 6, cidr: 'fd00:1::/64', slaac: true },
  { v: 6, cidr: 'fd00:1::/120' },
  { v: 6, cidr: 'fd00:2::/64' },
  { v: 6, pool: true },
];

class NetCreateSubnet extends NetCommand {
  constructor(readonly pick: number, readonly spec: number, readonly dhcp: boolean, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && tenantNetworks(m.network).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const networkId = nth(tenantNetworks(nm), this.pick)!;
    const spec = SUBNET_SPECS[this.spec % SUBNET_SPECS.length]!;
    const dhcp = spec.slaac === true || this.dhcp; // SLAAC subnets serve DHCP: a DHCP port holds an address on every DHCP subnet
    const s = sessionOf(m, r, this.actor);
    const network = nm.networks[networkId]!;
    const relation = rel(this.actor, network.project);
    const mine = subnetsOn(nm, networkId).filter(([, x]) => x.version === spec.v);
    let want: Want | undefined = gate(relation);
    if (relation === 'reader' && readerMayWriteSubnets(r, nm, 'create_subnet')) want = undefined;
    const poolKey = spec.v === 4 ? 'v4' : 'v6';
    if (want === undefined) {
      if (spec.pool && spec.v === 4 && Object.values(nm.subnets).filter((x) => x.pool === 'v4').length >= POOL4_CAPACITY) want = [409, 'network.subnetpool.allocation_failed'];
      else if (mine.some(([, x]) => (x.pool === null) !== !spec.pool)) want = [400, 'network.subnet.subnetpool_affinity'];
      else if (!spec.pool && mine.some(([, x]) => overlaps(x.cidr, spec.cidr!))) want = [400, 'network.subnet.overlapping_cidr'];
      else want = 0;
    }
    const body = {
      network_id: networkId,
      ip_version: spec.v,
      enable_dhcp: dhcp,
      ...(spec.pool ? { use_default_subnetpool: true } : { cidr: spec.cidr }),
      ...(spec.slaac ? { ipv6_ra_mode: 'slaac' as const, ipv6_address_mode: 'slaac' as const } : {}),
    };
    const view = attempt(r, want, () => s.network.createSubnet(body), this.toString());
    if (view === undefined) return;
    // Neutron's defaults (ipam_backend_mixin._gateway_ip_str, subnet_alloc, ipam/utils.generate_pools):
    // the gateway is the first host (the network address itself for a v6 cidr), the pool every
    // address after the network address but the gateway (and the v4 broadcast); from a pool, a
    // /26 (v4) or /64 (v6) of its free space
    const c = cidrOf(view.cidr);
    const gateway = spec.v === 6 && !spec.pool ? c.first : c.first + 1n;
    expect(ipValue(view.gateway_ip!), 'gateway').toBe(gateway);
    expect(view.allocation_pools.map((p) => [ipValue(p.start), ipValue(p.end)]), 'allocation pools').toEqual([[spec.v === 6 && !spec.pool ? c.first + 1n : c.first + 2n, c.v === 4 ? c.last - 1n : c.last]]);
    if (spec.pool) {
      expect(inCidr(spec.v === 4 ? '10.100.0.0/24' : 'fd00:100::/56', view.cidr.split('/')[0]!), view.cidr).toBe(true);
      expect(view.cidr.endsWith(spec.v === 4 ? '/26' : '/64'), view.cidr).toBe(true);
    } else expect(view.cidr).toBe(spec.cidr);
    const subnet: MSubnet = {
      network: networkId,
      project: network.project,
      version: spec.v,
      cidr: view.cidr,
      gateway: view.gateway_ip,
      pools: view.allocation_pools.map((p) => [p.start, p.end]),
      dhcp,
      auto: spec.slaac === true,
      pool: spec.pool ? poolKey : null,
      created: m.now,
    };
    nm.subnets[view.id] = subnet;
    // _add_auto_addrs_on_network_ports: every port but router and DHCP ports gets its SLAAC address
    if (subnet.auto) {
      for (const [, p] of portsOn(nm, networkId)) if (p.kind === 'user') p.ips.push([view.id, v6Text(eui64(view.cidr, p.mac))]);
    }
    // the DHCP agent's port: the first address of the new subnet (PreferNextAddressRequest), or the SLAAC one
    if (dhcp) {
      const state = r.cloud.state.network;
      const existing = dhcpPortOf(nm, networkId);
      const dhcpId = existing ?? tableToArray(state.ports).find((p) => p.network_id === networkId && p.device_owner === 'network:dhcp')?.id;
      expect(dhcpId, 'a DHCP port').toBeDefined();
      const row = getRow(state.ports, dhcpId!)!;
      if (existing === undefined) nm.ports[row.id] = { network: networkId, project: network.project, kind: 'dhcp', mac: row.mac_address, ips: [], requested: [], host: NET_NODE, groups: [] };
      const port = nm.ports[row.id]!;
      const first = ipValue(view.allocation_pools[0]!.start);
      const ip = subnet.auto ? v6Text(eui64(view.cidr, port.mac)) : subnet.version === 4 ? v4Text(first) : v6Text(first);
      port.ips.push([view.id, ip]);
    }
  }
  toString = () => `net.createSubnet(#${this.pick}, ${JSON.stringify(SUBNET_SPECS[this.spec % SUBNET_SPECS.length])}${this.dhcp ? ', dhcp' : ''}, ${this.actor})`;
}

class NetDeleteSubnet extends NetCommand {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && Object.values(m.network.subnets).some((x) => x.network !== m.network!.publicNet);
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const ids = Object.keys(nm.subnets).filter((id) => nm.subnets[id]!.network !== nm.publicNet).sort();
    const id = nth(ids, this.pick)!;
    const subnet = nm.subnets[id]!;
    const s = sessionOf(m, r, this.actor);
    const relation = rel(this.actor, nm.networks[subnet.network]!.project);
    let want: Want | undefined = gate(relation);
    if (relation === 'reader' && readerMayWriteSubnets(r, nm, 'delete_subnet')) want = undefined;
    if (want === undefined) {
      const holders = Object.values(nm.ports).filter((p) => p.ips.some(([sid]) => sid === id));
      want = holders.some((p) => p.kind !== 'dhcp' && (!subnet.auto || p.kind === 'router')) ? [409, 'network.subnet.in_use'] : 0;
    }
    if (attempt(r, want, () => s.network.deleteSubnet({ id }), this.toString()) === undefined && want !== 0) return;
    for (const [pid, p] of Object.entries(nm.ports)) {
      if (!p.ips.some(([sid]) => sid === id)) continue;
      dropSubnetIps(nm, pid, id, false);
      if (p.kind === 'dhcp' && p.ips.length === 0) delete nm.ports[pid];
    }
    delete nm.subnets[id];
    nm.freed = nm.freed.filter(([sid]) => sid !== id);
  }
  toString = () => `net.deleteSubnet(#${this.pick}, ${this.actor})`;
}

// ------------------------------------------------------------------ ports

type FixedMode = 'auto' | 'subnet' | 'ip' | 'freed';
type BindHost = '' | typeof NET_NODE | 'nowhere';

class NetCreatePort extends NetCommand {
  constructor(readonly pick: number, readonly mode: FixedMode, readonly offset: number, readonly group: boolean, readonly host: BindHost, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && tenantNetworks(m.network).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    let networkId = nth(tenantNetworks(nm), this.pick)!;
    // what the request asks of IPAM
    let requested: { subnet: string; ip?: string } | undefined;
    let mode = this.mode;
    if (mode === 'freed') {
      const f = nth(nm.freed, this.offset);
      if (f === undefined || nm.subnets[f[0]] === undefined) mode = 'ip';
      else {
        networkId = nm.subnets[f[0]]!.network;
        requested = { subnet: f[0], ip: f[1] };
      }
    }
    const plain = subnetsOn(nm, networkId).filter(([, x]) => !x.auto);
    if (mode === 'subnet' || mode === 'ip') {
      const chosen = nth(plain, this.offset);
      if (chosen === undefined) mode = 'auto';
      else if (mode === 'subnet') requested = { subnet: chosen[0] };
      else {
        // one of the first addresses of the pool: the DHCP port holds the very first
        const [a, b] = chosen[1].pools[0]!;
        const span = ipValue(b) - ipValue(a) + 1n;
        const v = ipValue(a) + (BigInt(this.offset) % (span < 4n ? span : 4n));
        requested = { subnet: chosen[0], ip: chosen[1].version === 4 ? v4Text(v) : v6Text(v) };
      }
    }
    const network = nm.networks[networkId]!;
    const project: Owner = this.actor === 'admin' ? network.project : actorProject(this.actor);
    const ownGroups = Object.entries(nm.groups).filter(([, g]) => g.project === project).map(([id]) => id).sort();
    const group = this.group ? nth(ownGroups, this.offset) : undefined;
    const s = sessionOf(m, r, this.actor);
    const relation = rel(this.actor, network.project);

    // the prediction, in Neutron's order: the network (404), policy (403), the port quota, IPAM
    let want: Want | undefined = gate(relation);
    if (want === undefined && this.host !== '' && relation !== 'admin') want = 403;
    if (want === undefined && project !== 'admin' && portCount(nm, project) >= PORT_LIMIT[project]) want = [409, 'network.quota.exceeded'];
    const expected: { subnet: string; ip?: bigint }[] = [];
    if (want === undefined) {
      const subnets = subnetsOn(nm, networkId);
      if (requested !== undefined) {
        if (requested.ip !== undefined) {
          if (allocated(nm, requested.subnet).has(ipValue(requested.ip))) want = [409, 'network.ip.in_use'];
          else expected.push({ subnet: requested.subnet, ip: ipValue(requested.ip) });
        } else if (freeCount(nm, requested.subnet) === 0n) want = [409, 'network.ip.generation_failure'];
        else expected.push({ subnet: requested.subnet });
      } else {
        for (const version of [4, 6] as const) {
          const group = subnets.filter(([, x]) => x.version === version && !x.auto);
          if (group.length === 0) continue;
          const room = group.find(([sid]) => freeCount(nm, sid) > 0n);
          if (room === undefined) want = [409, 'network.ip.generation_failure'];
          else expected.push({ subnet: room[0] });
        }
      }
      want ??= 0;
    }
    const body = {
      network_id: networkId,
      name: 'm-port',
      ...(this.actor === 'admin' && project !== 'admin' ? { project_id: nm.ids[project] } : {}),
      ...(requested === undefined ? {} : { fixed_ips: [requested.ip === undefined ? { subnet_id: requested.subnet } : { subnet_id: requested.subnet, ip_address: requested.ip }] }),
      ...(group === undefined ? {} : { security_groups: [group] }),
      ...(this.host === '' ? {} : { 'binding:host_id': this.host }),
    };
    const view = attempt(r, want, () => s.network.createPort(body), `${this.toString()} → ${JSON.stringify(body)}`);
    if (view === undefined) return;
    expect(view.mac_address.startsWith('fa:16:3e:'), view.mac_address).toBe(true);
    // the addresses: each new one free until now and in its subnet's pools (or the one asked for), plus SLAAC on every automatic subnet
    const taken = new Set<string>();
    for (const [sid] of subnetsOn(nm, networkId)) for (const v of allocated(nm, sid).keys()) taken.add(`${sid}/${v}`);
    for (const [sid, x] of subnetsOn(nm, networkId)) if (x.auto) expected.push({ subnet: sid, ip: eui64(x.cidr, view.mac_address) });
    expect(view.fixed_ips.map((f) => f.subnet_id).sort(), 'the subnets of the port').toEqual(expected.map((e) => e.subnet).sort());
    for (const f of view.fixed_ips) {
      const v = ipValue(f.ip_address);
      const e = expected.find((x) => x.subnet === f.subnet_id)!;
      if (e.ip !== undefined) expect(v, f.ip_address).toBe(e.ip);
      else expect(inPools(nm.subnets[f.subnet_id]!, v), `${f.ip_address} in the pools of ${nm.subnets[f.subnet_id]!.cidr}`).toBe(true);
      expect(taken.has(`${f.subnet_id}/${v}`), `${f.ip_address} handed out twice`).toBe(false);
    }
    expect(view.status, 'status').toBe(this.host === NET_NODE ? 'ACTIVE' : 'DOWN');
    nm.ports[view.id] = {
      network: networkId,
      project,
      kind: 'user',
      mac: view.mac_address,
      ips: view.fixed_ips.map((f) => [f.subnet_id, f.ip_address]),
      requested: requested?.ip === undefined ? [] : [requested.ip],
      host: this.host,
      groups: group === undefined ? [] : [group],
    };
    if (project !== 'admin') nm.defaults[project] = true;
    if (requested?.ip !== undefined) nm.freed = nm.freed.filter(([sid, ip]) => !(sid === requested!.subnet && ipValue(ip) === ipValue(requested!.ip!)));
  }
  toString = () => `net.createPort(#${this.pick}, ${this.mode}${this.mode === 'auto' ? '' : ` ${this.offset}`}${this.group ? ', own group' : ''}${this.host ? `, bound to ${this.host}` : ''}, ${this.actor})`;
}

function userPorts(nm: NetworkModel): string[] {
  return Object.keys(nm.ports).filter((id) => nm.ports[id]!.kind === 'user').sort();
}

class NetDeletePort extends NetCommand {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && userPorts(m.network).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const id = nth(userPorts(nm), this.pick)!;
    const s = sessionOf(m, r, this.actor);
    const want: Want = gate(rel(this.actor, nm.ports[id]!.project)) ?? 0;
    if (attempt(r, want, () => s.network.deletePort({ id }), this.toString()) === undefined && want !== 0) return;
    removePort(nm, id);
  }
  toString = () => `net.deletePort(#${this.pick}, ${this.actor})`;
}

/** Binds a port to a host (nova's VIF plug: `ACTIVE` on a host with a live Open vSwitch agent, `binding_failed` elsewhere) or unbinds it (`''`): admin only. */
class NetBindPort extends NetCommand {
  constructor(readonly pick: number, readonly host: BindHost, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && userPorts(m.network).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const id = nth(userPorts(nm), this.pick)!;
    const s = sessionOf(m, r, this.actor);
    const relation = rel(this.actor, nm.ports[id]!.project);
    const want: Want = gate(relation) ?? (relation === 'admin' ? 0 : 403);
    const view = attempt(r, want, () => s.network.updatePort({ id }, { 'binding:host_id': this.host }), this.toString());
    if (view === undefined) return;
    expect([view.status, view['binding:host_id'], view['binding:vif_type']]).toEqual(this.host === NET_NODE ? ['ACTIVE', NET_NODE, 'ovs'] : this.host === '' ? ['DOWN', '', 'unbound'] : ['DOWN', 'nowhere', 'binding_failed']);
    nm.ports[id]!.host = this.host;
  }
  toString = () => `net.bindPort(#${this.pick}, ${this.host === '' ? 'unbind' : this.host}, ${this.actor})`;
}

// ------------------------------------------------------------------ routers

function routersOf(nm: NetworkModel): string[] {
  return Object.keys(nm.routers).sort();
}

/** The public subnet's free addresses (gateways and floating IPs share them). */
function publicFree(nm: NetworkModel): bigint {
  return freeCount(nm, nm.publicSubnet);
}

class NetCreateRouter extends NetCommand {
  constructor(readonly gateway: boolean, readonly actor: Exclude<Actor, 'admin'>) {
    super();
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const s = sessionOf(m, r, this.actor);
    const project = actorProject(this.actor) as Proj;
    const mine = Object.values(nm.routers).filter((x) => x.project === project).length;
    let want: Want = this.actor === 'expired' || this.actor === 'revoked' ? 401 : mine >= ROUTER_LIMIT ? [409, 'network.quota.exceeded'] : this.actor === 'ra' ? 403 : 0;
    if (want === 0 && this.gateway && publicFree(nm) === 0n) want = [409, 'network.ip.generation_failure'];
    const view = attempt(r, want, () => s.network.createRouter({ name: 'm-router', ...(this.gateway ? { external_gateway_info: { network_id: nm.publicNet } } : {}) }), this.toString());
    if (view === undefined) return;
    const row = getRow(r.cloud.state.network.routers, view.id)!;
    nm.routers[view.id] = { project, gatewayPort: row.gw_port_id, interfaces: {} };
    expect(row.l3_agent_id, 'scheduled on an L3 agent').not.toBeNull();
    if (this.gateway) {
      const ext = view.external_gateway_info!;
      expect(ext.enable_snat).toBe(true);
      expect(ext.external_fixed_ips.length).toBe(1);
      const ip = ext.external_fixed_ips[0]!;
      const v = ipValue(ip.ip_address);
      expect(inPools(nm.subnets[nm.publicSubnet]!, v) && !allocated(nm, nm.publicSubnet).has(v), `gateway ${ip.ip_address} free in the pool`).toBe(true);
      const gw = getRow(r.cloud.state.network.ports, row.gw_port_id!)!;
      nm.ports[gw.id] = { network: nm.publicNet, project: '', kind: 'gateway', mac: gw.mac_address, ips: [[ip.subnet_id, ip.ip_address]], requested: [], host: NET_NODE, groups: [] };
    } else expect(view.external_gateway_info).toBeNull();
  }
  toString = () => `net.createRouter(${this.gateway ? 'gateway' : 'no gateway'}, ${this.actor})`;
}

class NetDeleteRouter extends NetCommand {
  constructor(readonly pick: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && routersOf(m.network).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const id = nth(routersOf(nm), this.pick)!;
    const router = nm.routers[id]!;
    const s = sessionOf(m, r, this.actor);
    const want: Want = gate(rel(this.actor, router.project)) ?? (Object.keys(router.interfaces).length > 0 ? [409, 'network.router.in_use'] : 0);
    if (attempt(r, want, () => s.network.deleteRouter({ id }), this.toString()) === undefined && want !== 0) return;
    if (router.gatewayPort !== null) removePort(nm, router.gatewayPort);
    delete nm.routers[id];
  }
  toString = () => `net.deleteRouter(#${this.pick}, ${this.actor})`;
}

function v4Subnets(nm: NetworkModel): string[] {
  return Object.keys(nm.subnets).filter((id) => nm.subnets[id]!.version === 4 && id !== nm.publicSubnet).sort();
}

class NetAddInterface extends NetCommand {
  constructor(readonly pick: number, readonly subnetPick: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && routersOf(m.network).length > 0 && v4Subnets(m.network).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const id = nth(routersOf(nm), this.pick)!;
    const router = nm.routers[id]!;
    // mostly a subnet of the router's own project
    const own = v4Subnets(nm).filter((x) => nm.subnets[x]!.project === router.project);
    const subnetId = nth(own.length > 0 && this.subnetPick % 4 !== 0 ? own : v4Subnets(nm), this.subnetPick)!;
    const subnet = nm.subnets[subnetId]!;
    const s = sessionOf(m, r, this.actor);
    const relation = rel(this.actor, router.project);
    let want: Want | undefined = gate(relation);
    if (want === undefined) {
      const routerSubnets = [...Object.keys(router.interfaces), ...(router.gatewayPort === null ? [] : [nm.publicSubnet])];
      if (relation !== 'admin' && subnet.project !== router.project) want = [404, 'network.subnet.not_found'];
      else if (router.interfaces[subnetId] !== undefined) want = [400, 'network.router.duplicate_subnet'];
      else if (routerSubnets.some((x) => overlaps(nm.subnets[x]!.cidr, subnet.cidr))) want = [400, 'network.router.overlapping_subnet'];
      // the interface takes the subnet's gateway address: another router's interface may hold it
      else if (allocated(nm, subnetId).has(ipValue(subnet.gateway!))) want = [409, 'network.ip.in_use'];
      else want = 0;
    }
    const info = attempt(r, want, () => s.network.addRouterInterface({ id }, { subnet_id: subnetId }), this.toString());
    if (info === undefined) return;
    const row = getRow(r.cloud.state.network.ports, info.port_id)!;
    expect(row.fixed_ips).toEqual([{ subnet_id: subnetId, ip_address: subnet.gateway }]);
    expect([row.device_owner, row.device_id, row.binding_host_id, row.status]).toEqual(['network:router_interface', id, NET_NODE, 'ACTIVE']);
    nm.ports[row.id] = { network: subnet.network, project: router.project, kind: 'router', mac: row.mac_address, ips: [[subnetId, subnet.gateway!]], requested: [], host: NET_NODE, groups: [] };
    router.interfaces[subnetId] = row.id;
    nm.defaults[router.project] = true;
  }
  toString = () => `net.addRouterInterface(#${this.pick}, subnet #${this.subnetPick}, ${this.actor})`;
}

class NetRemoveInterface extends NetCommand {
  constructor(readonly pick: number, readonly subnetPick: number, readonly actor: Actor) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && routersOf(m.network).length > 0 && v4Subnets(m.network).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const id = nth(routersOf(nm), this.pick)!;
    const router = nm.routers[id]!;
    const attached = Object.keys(router.interfaces).sort();
    const subnetId = nth(attached.length > 0 && this.subnetPick % 4 !== 0 ? attached : v4Subnets(nm), this.subnetPick)!;
    const subnet = nm.subnets[subnetId]!;
    const s = sessionOf(m, r, this.actor);
    const relation = rel(this.actor, router.project);
    let want: Want | undefined = gate(relation);
    if (want === undefined) {
      const inUse = Object.values(nm.fips).some((f) => f.router === id && f.port !== null && nm.ports[f.port]!.ips.some(([sid]) => sid === subnetId));
      if (relation !== 'admin' && subnet.project !== actorProject(this.actor)) want = [404, 'network.subnet.not_found'];
      else if (inUse) want = [409, 'network.router.interface_in_use_by_floatingip'];
      else if (router.interfaces[subnetId] === undefined) want = [404, 'network.router.interface_not_found_for_subnet'];
      else want = 0;
    }
    if (attempt(r, want, () => s.network.removeRouterInterface({ id }, { subnet_id: subnetId }), this.toString()) === undefined && want !== 0) return;
    removePort(nm, router.interfaces[subnetId]!);
    delete router.interfaces[subnetId];
  }
  toString = () => `net.removeRouterInterface(#${this.pick}, subnet #${this.subnetPick}, ${this.actor})`;
}

// ------------------------------------------------------------------ floating IPs

/** What associating `portId` with a floating IP of `project` answers (`_check_and_get_fip_assoc`), or the association. */
function association(nm: NetworkModel, actor: Actor, portId: string, current: string | null): Want | { fixed: string; routers: string[] } {
  const port = nm.ports[portId]!;
  if (rel(actor, port.project) !== 'owner') return [404, 'network.port.not_found'];
  const v4 = v4Ips(port);
  if (v4.length === 0) return [400, 'network.floatingip.port_without_ipv4'];
  const [subnetId, fixed] = v4[0]!;
  const routers = Object.entries(nm.routers)
    .filter(([, x]) => x.gatewayPort !== null && x.interfaces[subnetId] !== undefined)
    .map(([id]) => id);
  if (routers.length === 0) return [404, 'network.floatingip.external_gateway_not_found'];
  if (portId !== current && Object.values(nm.fips).some((f) => f.port === portId && f.fixed === fixed)) return [409, 'network.floatingip.port_already_associated'];
  return { fixed, routers };
}

class NetCreateFloatingIp extends NetCommand {
  constructor(readonly portPick: number | null, readonly actor: Exclude<Actor, 'admin'>) {
    super();
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const portId = this.portPick === null ? undefined : nth(userPorts(nm), this.portPick);
    const s = sessionOf(m, r, this.actor);
    const project = actorProject(this.actor) as Proj;
    let want: Want | undefined = this.actor === 'expired' || this.actor === 'revoked' ? 401 : this.actor === 'ra' ? 403 : publicFree(nm) === 0n ? [409, 'network.ip.generation_failure'] : undefined;
    let assoc: { fixed: string; routers: string[] } | undefined;
    if (want === undefined && portId !== undefined) {
      const a = association(nm, this.actor, portId, null);
      if (typeof a === 'number' || Array.isArray(a)) want = a as Want;
      else assoc = a as { fixed: string; routers: string[] };
    }
    const view = attempt(r, want ?? 0, () => s.network.createFloatingIp({ floating_network_id: nm.publicNet, ...(portId === undefined ? {} : { port_id: portId }) }), this.toString());
    if (view === undefined) return;
    const v = ipValue(view.floating_ip_address);
    expect(inPools(nm.subnets[nm.publicSubnet]!, v) && !allocated(nm, nm.publicSubnet).has(v), `floating IP ${view.floating_ip_address} free in the pool`).toBe(true);
    const row = getRow(r.cloud.state.network.floatingips, view.id)!;
    const fport = getRow(r.cloud.state.network.ports, row.floating_port_id)!;
    nm.ports[fport.id] = { network: nm.publicNet, project: '', kind: 'fip', mac: fport.mac_address, ips: [[nm.publicSubnet, view.floating_ip_address]], requested: [], host: '', groups: [] };
    nm.fips[view.id] = { project, address: view.floating_ip_address, fipPort: fport.id, port: portId ?? null, fixed: assoc?.fixed ?? null, router: view.router_id };
    checkAssociation(view, portId ?? null, assoc);
  }
  toString = () => `net.createFloatingIp(${this.portPick === null ? 'unassociated' : `port #${this.portPick}`}, ${this.actor})`;
}

function checkAssociation(view: { port_id: string | null; fixed_ip_address: string | null; router_id: string | null; status: string }, portId: string | null, assoc: { fixed: string; routers: string[] } | undefined): void {
  if (portId === null || assoc === undefined) {
    expect([view.port_id, view.fixed_ip_address, view.router_id, view.status]).toEqual([null, null, null, 'DOWN']);
    return;
  }
  expect([view.port_id, view.fixed_ip_address, view.status]).toEqual([portId, assoc.fixed, 'ACTIVE']);
  expect(assoc.routers, 'the router of the association').toContain(view.router_id);
}

class NetUpdateFloatingIp extends NetCommand {
  constructor(readonly pick: number, readonly portPick: number | null, readonly actor: Exclude<Actor, 'admin'>) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && Object.keys(m.network.fips).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const id = nth(Object.keys(nm.fips).sort(), this.pick)!;
    const fip = nm.fips[id]!;
    const portId = this.portPick === null ? null : nth(userPorts(nm), this.portPick) ?? null;
    const s = sessionOf(m, r, this.actor);
    let want: Want | undefined = gate(rel(this.actor, fip.project));
    let assoc: { fixed: string; routers: string[] } | undefined;
    if (want === undefined && portId !== null) {
      const a = association(nm, this.actor, portId, fip.port);
      if (typeof a === 'number' || Array.isArray(a)) want = a as Want;
      else assoc = a as { fixed: string; routers: string[] };
    }
    const view = attempt(r, want ?? 0, () => s.network.updateFloatingIp({ id }, { port_id: portId }), this.toString());
    if (view === undefined) return;
    checkAssociation(view, portId, assoc);
    Object.assign(fip, { port: portId, fixed: assoc?.fixed ?? null, router: view.router_id });
  }
  toString = () => `net.updateFloatingIp(#${this.pick}, ${this.portPick === null ? 'disassociate' : `port #${this.portPick}`}, ${this.actor})`;
}

class NetDeleteFloatingIp extends NetCommand {
  constructor(readonly pick: number, readonly actor: Exclude<Actor, 'admin'>) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && Object.keys(m.network.fips).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const id = nth(Object.keys(nm.fips).sort(), this.pick)!;
    const fip = nm.fips[id]!;
    const s = sessionOf(m, r, this.actor);
    const want: Want = gate(rel(this.actor, fip.project)) ?? 0;
    if (attempt(r, want, () => s.network.deleteFloatingIp({ id }), this.toString()) === undefined && want !== 0) return;
    removePort(nm, fip.fipPort);
    delete nm.fips[id];
  }
  toString = () => `net.deleteFloatingIp(#${this.pick}, ${this.actor})`;
}

// ------------------------------------------------------------------ security groups

const EGRESS_DEFAULTS = ['egress|IPv4|null|null|null', 'egress|IPv6|null|null|null'];
const RULE_SPECS = [
  { direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22 },
  { direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 80, port_range_max: 81 },
  { direction: 'ingress', ethertype: 'IPv4', protocol: 'icmp' },
  { direction: 'egress', ethertype: 'IPv6', protocol: 'udp', port_range_min: 53, port_range_max: 53 },
  // the same as the egress rule every new group has: a duplicate
  { direction: 'egress', ethertype: 'IPv4' },
] as const;

function ruleKey(spec: (typeof RULE_SPECS)[number]): string {
  const s = spec as { direction: string; ethertype: string; protocol?: string; port_range_min?: number; port_range_max?: number };
  return `${s.direction}|${s.ethertype}|${s.protocol ?? null}|${s.port_range_min ?? null}|${s.port_range_max ?? null}`;
}

function groupsOf(nm: NetworkModel): string[] {
  return Object.keys(nm.groups).sort();
}

class NetCreateSecurityGroup extends NetCommand {
  constructor(readonly actor: Exclude<Actor, 'admin'>) {
    super();
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const s = sessionOf(m, r, this.actor);
    const project = actorProject(this.actor) as Proj;
    const used = Object.values(nm.groups).filter((g) => g.project === project).length + (nm.defaults[project] ? 1 : 0);
    // Zed's order: the quota, then the policy
    const want: Want = this.actor === 'expired' || this.actor === 'revoked' ? 401 : used >= (project === 'a' ? SG_LIMIT : 10) ? [409, 'network.quota.exceeded'] : this.actor === 'ra' ? 403 : 0;
    const view = attempt(r, want, () => s.network.createSecurityGroup({ name: 'm-sg' }), this.toString());
    if (view === undefined) return;
    expect(view.security_group_rules.map((x) => `${x.direction}|${x.ethertype}|${x.protocol}|${x.port_range_min}|${x.port_range_max}`).sort()).toEqual(EGRESS_DEFAULTS);
    nm.groups[view.id] = { project, rules: [...EGRESS_DEFAULTS] };
    nm.defaults[project] = true;
  }
  toString = () => `net.createSecurityGroup(${this.actor})`;
}

class NetDeleteSecurityGroup extends NetCommand {
  constructor(readonly pick: number, readonly actor: Exclude<Actor, 'admin'>) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && groupsOf(m.network).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const id = nth(groupsOf(nm), this.pick)!;
    const s = sessionOf(m, r, this.actor);
    const used = Object.values(nm.ports).some((p) => p.groups.includes(id));
    const want: Want = gate(rel(this.actor, nm.groups[id]!.project)) ?? (used ? [409, 'network.security_group.in_use'] : 0);
    if (attempt(r, want, () => s.network.deleteSecurityGroup({ id }), this.toString()) === undefined && want !== 0) return;
    delete nm.groups[id];
    for (const [rid, rule] of Object.entries(nm.rules)) if (rule.group === id) delete nm.rules[rid];
  }
  toString = () => `net.deleteSecurityGroup(#${this.pick}, ${this.actor})`;
}

class NetCreateRule extends NetCommand {
  constructor(readonly pick: number, readonly spec: number, readonly actor: Exclude<Actor, 'admin'>) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && groupsOf(m.network).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const groupId = nth(groupsOf(nm), this.pick)!;
    const group = nm.groups[groupId]!;
    const spec = RULE_SPECS[this.spec % RULE_SPECS.length]!;
    const s = sessionOf(m, r, this.actor);
    // Zed's order: the rule's own project's quota and policy (a reader: 403, whatever the group), then the group (404)
    const want: Want = this.actor === 'ra' ? 403 : gate(rel(this.actor, group.project)) ?? (group.rules.includes(ruleKey(spec)) ? [409, 'network.security_group_rule.exists'] : 0);
    const view = attempt(r, want, () => s.network.createSecurityGroupRule({ security_group_id: groupId, ...spec }), this.toString());
    if (view === undefined) return;
    group.rules.push(ruleKey(spec));
    nm.rules[view.id] = { group: groupId, key: ruleKey(spec) };
  }
  toString = () => `net.createSecurityGroupRule(#${this.pick}, ${ruleKey(RULE_SPECS[this.spec % RULE_SPECS.length]!)}, ${this.actor})`;
}

class NetDeleteRule extends NetCommand {
  constructor(readonly pick: number, readonly actor: Exclude<Actor, 'admin'>) {
    super();
  }
  override check(m: Readonly<CloudModel>): boolean {
    return m.network !== undefined && Object.keys(m.network.rules).length > 0;
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const id = nth(Object.keys(nm.rules).sort(), this.pick)!;
    const rule = nm.rules[id]!;
    const group = nm.groups[rule.group]!;
    const s = sessionOf(m, r, this.actor);
    const want: Want = gate(rel(this.actor, group.project)) ?? 0;
    if (attempt(r, want, () => s.network.deleteSecurityGroupRule({ id }), this.toString()) === undefined && want !== 0) return;
    group.rules.splice(group.rules.indexOf(rule.key), 1);
    delete nm.rules[id];
  }
  toString = () => `net.deleteSecurityGroupRule(#${this.pick}, ${this.actor})`;
}

// ------------------------------------------------------------------ reads

type Kind = 'network' | 'subnet' | 'port' | 'router' | 'floatingip' | 'security_group';

/** Reads one resource: the owner and the reader of its project see it, anyone else gets 404, a dead token 401. */
class NetGet extends NetCommand {
  constructor(readonly kind: Kind, readonly pick: number, readonly actor: Exclude<Actor, 'admin'>) {
    super();
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const owned: [string, Owner | ''][] =
      this.kind === 'network' ? tenantNetworks(nm).map((id) => [id, nm.networks[id]!.project])
      : this.kind === 'subnet' ? Object.keys(nm.subnets).filter((id) => id !== nm.publicSubnet).sort().map((id) => [id, nm.subnets[id]!.project])
      : this.kind === 'port' ? userPorts(nm).map((id) => [id, nm.ports[id]!.project])
      : this.kind === 'router' ? routersOf(nm).map((id) => [id, nm.routers[id]!.project])
      : this.kind === 'floatingip' ? Object.keys(nm.fips).sort().map((id) => [id, nm.fips[id]!.project])
      : groupsOf(nm).map((id) => [id, nm.groups[id]!.project]);
    const target = nth(owned, this.pick);
    if (target === undefined) return;
    const [id, owner] = target;
    const s = sessionOf(m, r, this.actor);
    const relation = rel(this.actor, owner);
    const want: Want = relation === 'unauth' ? 401 : relation === 'other' ? 404 : 0;
    const n = s.network;
    const get = (): { id: string } =>
      this.kind === 'network' ? n.getNetwork({ id })
      : this.kind === 'subnet' ? n.getSubnet({ id })
      : this.kind === 'port' ? n.getPort({ id })
      : this.kind === 'router' ? n.getRouter({ id })
      : this.kind === 'floatingip' ? n.getFloatingIp({ id })
      : n.getSecurityGroup({ id });
    const view = attempt(r, want, get, this.toString());
    if (view !== undefined) expect(view.id).toBe(id);
  }
  toString = () => `net.get(${this.kind} #${this.pick}, ${this.actor})`;
}

/** Lists every kind as a project's member or reader: exactly the project's own (and the external network). */
class NetList extends NetCommand {
  constructor(readonly actor: Exclude<Actor, 'admin'>) {
    super();
  }
  act(nm: NetworkModel, m: CloudModel, r: CloudReal): void {
    const s = sessionOf(m, r, this.actor);
    if (this.actor === 'expired' || this.actor === 'revoked') {
      attempt(r, 401, () => s.network.listPorts(), this.toString());
      return;
    }
    const p = actorProject(this.actor) as Proj;
    const n = s.network;
    const ids = (views: readonly { id: string }[]): string[] => views.map((v) => v.id).sort();
    const own = <T extends { project: Owner | '' }>(rec: Record<string, T>): string[] => Object.keys(rec).filter((id) => rec[id]!.project === p).sort();
    expect(ids(n.listNetworks()), 'networks').toEqual([...own(nm.networks), nm.publicNet].sort());
    expect(ids(n.listSubnets()), 'subnets').toEqual(own(nm.subnets));
    expect(ids(n.listPorts()), 'ports').toEqual(own(nm.ports));
    expect(ids(n.listRouters()), 'routers').toEqual(own(nm.routers));
    expect(ids(n.listFloatingIps()), 'floating IPs').toEqual(own(nm.fips));
    // listing groups gives the project its default group first (Neutron's _ensure_default_security_group)
    const groups = n.listSecurityGroups();
    nm.defaults[p] = true;
    const def = getRow(r.cloud.state.network.default_security_groups, nm.ids[p]);
    expect(ids(groups), 'security groups').toEqual([...own(nm.groups), def!].sort());
  }
  toString = () => `net.list(${this.actor})`;
}

// ------------------------------------------------------------------ invariants

function checkNetwork(m: CloudModel, r: CloudReal): void {
  const nm = m.network;
  if (nm === undefined) return;
  const s = r.cloud.state.network;
  const keys = (t: Parameters<typeof tableEntries>[0]): string[] => [...tableEntries(t)].map(([k]) => k).sort();
  // the cloud holds exactly the model's resources
  expect(keys(s.networks), 'networks').toEqual(Object.keys(nm.networks).sort());
  expect(keys(s.subnets), 'subnets').toEqual(Object.keys(nm.subnets).sort());
  expect(keys(s.ports), 'ports').toEqual(Object.keys(nm.ports).sort());
  expect(keys(s.routers), 'routers').toEqual(Object.keys(nm.routers).sort());
  expect(keys(s.floatingips), 'floating IPs').toEqual(Object.keys(nm.fips).sort());
  const ipKey = (subnet: string, ip: string): string => `${subnet}/${ipValue(ip)}`;
  const modelAllocations = new Map<string, string>();
  const macs = new Set<string>();
  for (const [id, p] of Object.entries(nm.ports)) {
    const row = getRow(s.ports, id)!;
    const what = `port ${id} (${p.kind})`;
    expect([row.network_id, row.project_id, row.mac_address], what).toEqual([p.network, p.project === '' ? '' : nm.ids[p.project], p.mac]);
    expect(row.fixed_ips.map((f) => ipKey(f.subnet_id, f.ip_address)).sort(), `${what} addresses`).toEqual(p.ips.map(([sid, ip]) => ipKey(sid, ip)).sort());
    // MACs: Neutron's base_mac, unique on their network
    expect(p.mac.startsWith('fa:16:3e:'), p.mac).toBe(true);
    expect(macs.has(`${p.network}/${p.mac}`), `MAC ${p.mac} twice on ${p.network}`).toBe(false);
    macs.add(`${p.network}/${p.mac}`);
    for (const [sid, ip] of p.ips) {
      const key = ipKey(sid, ip);
      // IPAM never hands out one address twice
      expect(modelAllocations.get(key), `${ip} on ${sid} held by ${modelAllocations.get(key)} and ${id}`).toBeUndefined();
      modelAllocations.set(key, id);
      // every address in its subnet's pools, or the gateway (router interfaces), or asked for, or SLAAC
      const sub = nm.subnets[sid]!;
      const v = ipValue(ip);
      expect(inCidr(sub.cidr, ip), `${ip} in ${sub.cidr}`).toBe(true);
      const ok = inPools(sub, v) || (p.kind === 'router' && ip === sub.gateway) || p.requested.some((x) => ipValue(x) === v) || (sub.auto && v === eui64(sub.cidr, p.mac));
      expect(ok, `${what}: ${ip} outside the pools of ${sub.cidr}`).toBe(true);
    }
  }
  // the allocation table is exactly the ports' addresses
  const table = [...tableEntries(s.ip_allocations)].map(([k, port]) => {
    const [sid = '', ip = ''] = [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)];
    return `${ipKey(sid, ip)}=${port}`;
  });
  expect(table.sort(), 'ip_allocations').toEqual([...modelAllocations].map(([k, port]) => `${k}=${port}`).sort());
  // each subnet's free ranges and its allocations make up its pools: a freed address is free again
  for (const [sid, sub] of Object.entries(nm.subnets)) {
    const free = (getRow(s.ip_free, sid) ?? []).flat().map((f) => [ipValue(f.start), ipValue(f.end)] as const);
    const held = [...allocated(nm, sid).keys()].filter((v) => inPools(sub, v));
    let size = 0n;
    for (const [a, b] of free) {
      expect(a <= b && inPools(sub, a) && inPools(sub, b), `free range of ${sub.cidr} inside its pools`).toBe(true);
      expect(held.some((v) => a <= v && v <= b), `a free range of ${sub.cidr} holds an allocated address`).toBe(false);
      size += b - a + 1n;
    }
    expect(size + BigInt(held.length), `free + allocated = pool size on ${sub.cidr}`).toBe(poolSize(sub));
  }
  // subnets of one network never overlap
  for (const id of Object.keys(nm.networks)) {
    const subs = subnetsOn(nm, id);
    for (let i = 0; i < subs.length; i++) for (let j = i + 1; j < subs.length; j++) expect(overlaps(subs[i]![1].cidr, subs[j]![1].cidr), `${subs[i]![1].cidr} / ${subs[j]![1].cidr} on ${id}`).toBe(false);
  }
  // segments: unique per type and physical network; tenant VNIs within vni_ranges
  const segments = new Set<string>();
  for (const n of tableToArray(s.networks)) {
    const seg = `${n.segment.network_type}/${n.segment.physical_network ?? ''}/${n.segment.segmentation_id ?? ''}`;
    expect(segments.has(seg), `segment ${seg} twice`).toBe(false);
    segments.add(seg);
    const mn = nm.networks[n.id]!;
    expect([n.segment.network_type, n.segment.physical_network, n.segment.segmentation_id], `segment of ${n.id}`).toEqual([mn.type, mn.physnet, mn.segid]);
    if (n.segment.network_type === 'vxlan') expect(n.segment.segmentation_id! >= VNI_RANGE[0] && n.segment.segmentation_id! <= VNI_RANGE[1], `VNI ${n.segment.segmentation_id}`).toBe(true);
  }
  // floating IPs: address, association
  for (const [id, f] of Object.entries(nm.fips)) {
    const row = getRow(s.floatingips, id)!;
    expect([row.floating_ip_address, row.floating_port_id, row.port_id, row.fixed_ip_address, row.router_id], `floating IP ${id}`).toEqual([f.address, f.fipPort, f.port, f.fixed, f.router]);
  }
  // quota usage equals the model's count
  for (const p of ['a', 'b'] as const) {
    const q = r.cloud.quotas.show(nm.ids[p], 'network');
    const count = <T extends { project: Owner | '' }>(rec: Record<string, T>): number => Object.values(rec).filter((x) => x.project === p).length;
    const groups = Object.values(nm.groups).filter((g) => g.project === p);
    const hasDefault = getRow(s.default_security_groups, nm.ids[p]) !== undefined;
    expect(hasDefault, `default security group of net-${p}`).toBe(nm.defaults[p]);
    const used = Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.in_use]));
    expect(used, `quota usage of net-${p}`).toEqual({
      network: count(nm.networks),
      subnet: count(nm.subnets),
      port: count(nm.ports),
      router: count(nm.routers),
      floatingip: count(nm.fips),
      security_group: groups.length + (hasDefault ? 1 : 0),
      security_group_rule: groups.reduce((n, g) => n + g.rules.length, 0) + (hasDefault ? 4 : 0),
      rbac_policy: 0,
    });
  }
}

// ------------------------------------------------------------------ registration

registerSetup((m, r) => {
  const { cloud } = r;
  const id = cloud.admin.identity;
  const projects = Object.fromEntries(['net-a', 'net-b'].map((p) => [p, id.createProject({ name: p }).id]));
  for (const [u, p, role] of [['net-ua', 'net-a', 'member'], ['net-ub', 'net-b', 'member'], ['net-ra', 'net-a', 'reader']] as const) {
    id.createUser({ name: u, password: PASSWORD });
    id.createGrant({ role, user: u, project: p });
  }
  cloud.hardware.addHost({ name: NET_NODE, cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192, roles: ['network'] });
  m.hosts.set(NET_NODE, { state: 'up', memory_mb: 8192, roles: ['network'] });
  const adm = cloud.admin.network;
  const pub = adm.createNetwork({ name: 'net-public', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'public' });
  // four addresses for gateways and floating IPs: exhaustion comes quickly
  const pubSubnet = adm.createSubnet({ name: 'net-public-subnet', network_id: pub.id, ip_version: 4, cidr: '203.0.113.0/29', allocation_pools: [{ start: '203.0.113.2', end: '203.0.113.5' }], enable_dhcp: false });
  adm.createSubnetPool({ name: 'net-pool-v4', prefixes: ['10.100.0.0/24'], default_prefixlen: 26, shared: true, is_default: true });
  adm.createSubnetPool({ name: 'net-pool-v6', prefixes: ['fd00:100::/56'], default_prefixlen: 64, shared: true, is_default: true });
  const ids = { a: projects['net-a']!, b: projects['net-b']!, admin: cloud.admin.tokenInfo().project!.id };
  cloud.quotas.setLimit(ids.a, 'network.port', PORT_LIMIT.a);
  cloud.quotas.setLimit(ids.b, 'network.port', PORT_LIMIT.b);
  cloud.quotas.setLimit(ids.a, 'network.security_group', SG_LIMIT);
  m.network = {
    ids,
    publicNet: pub.id,
    publicSubnet: pubSubnet.id,
    networks: { [pub.id]: { project: 'admin', type: 'flat', segid: null, physnet: 'public', external: true } },
    subnets: {
      [pubSubnet.id]: { network: pub.id, project: 'admin', version: 4, cidr: pubSubnet.cidr, gateway: pubSubnet.gateway_ip, pools: pubSubnet.allocation_pools.map((p) => [p.start, p.end]), dhcp: false, auto: false, pool: null, created: m.now },
    },
    ports: {},
    routers: {},
    fips: {},
    groups: {},
    rules: {},
    defaults: { a: false, b: false },
    freed: [],
  };
  // a starting topology, built by the commands themselves: net-a's network with a DHCP v4 subnet
  // and a SLAAC v6 one, its router (gateway on net-public, an interface on the v4 subnet) and a
  // port with a floating IP, a security group with a rule; net-b's network on the same addresses
  // (overlapping tenant address spaces) and a /30 (one address), with two ports
  const nm = m.network;
  const indexOf = (project: Proj): number => tenantNetworks(nm).findIndex((id) => nm.networks[id]!.project === project);
  new NetCreateNetwork('ua').run(m, r);
  new NetCreateSubnet(indexOf('a'), 0, true, 'ua').run(m, r);
  new NetCreateSubnet(indexOf('a'), 6, true, 'ua').run(m, r);
  new NetCreateRouter(true, 'ua').run(m, r);
  new NetAddInterface(0, 1, 'ua').run(m, r);
  new NetCreatePort(indexOf('a'), 'auto', 0, false, '', 'ua').run(m, r);
  new NetCreateFloatingIp(0, 'ua').run(m, r);
  new NetCreateSecurityGroup('ua').run(m, r);
  new NetCreateRule(0, 0, 'ua').run(m, r);
  new NetCreateNetwork('ub').run(m, r);
  new NetCreateSubnet(indexOf('b'), 0, false, 'ub').run(m, r);
  new NetCreateSubnet(indexOf('b'), 4, false, 'ub').run(m, r);
  const slash30 = subnetsOn(nm, tenantNetworks(nm)[indexOf('b')]!).filter(([, x]) => !x.auto).findIndex(([, x]) => x.cidr === '10.3.0.0/30');
  new NetCreatePort(indexOf('b'), 'subnet', slash30, false, '', 'ub').run(m, r);
  new NetCreatePort(indexOf('b'), 'auto', 0, false, '', 'ub').run(m, r);
  expect(Object.values(nm.fips).map((f) => f.port !== null)).toEqual([true]);
  expect(Object.keys(nm.rules)).toHaveLength(1);
  expect([Object.keys(nm.routers).length, userPorts(nm).length, freeCount(nm, subnetsOn(nm, tenantNetworks(nm)[indexOf('b')]!).find(([, x]) => x.cidr === '10.3.0.0/30')![0])]).toEqual([1, 3, 0n]);
  expect(Object.keys(Object.values(nm.routers)[0]!.interfaces)).toHaveLength(1);
});

registerInvariants('network', checkNetwork);

const actor = fc.constantFrom<Actor>('ua', 'ua', 'ua', 'ub', 'ra', 'expired', 'revoked');
const actorOrAdmin = fc.constantFrom<Actor>('ua', 'ua', 'ua', 'ub', 'ra', 'expired', 'revoked', 'admin');
const member = fc.constantFrom<Exclude<Actor, 'admin'>>('ua', 'ua', 'ua', 'ub', 'ub', 'ra', 'expired', 'revoked');
const pick = fc.nat(30);
registerCommands('network', [
  member.map((a) => new NetCreateNetwork(a)),
  fc.tuple(fc.constantFrom(100, 101, 2000), fc.constantFrom<'admin' | 'ua'>('admin', 'admin', 'ua')).map(([seg, a]) => new NetCreateProviderNetwork(seg, a)),
  fc.tuple(pick, actorOrAdmin).map(([p, a]) => new NetDeleteNetwork(p, a)),
  fc.tuple(pick, fc.nat(SUBNET_SPECS.length - 1), fc.boolean(), member).map(([p, s, d, a]) => new NetCreateSubnet(p, s, d, a)),
  fc.tuple(pick, actorOrAdmin).map(([p, a]) => new NetDeleteSubnet(p, a)),
  fc.tuple(pick, fc.constantFrom<FixedMode>('auto', 'auto', 'subnet', 'ip', 'freed'), fc.nat(50), fc.boolean(), fc.constantFrom<BindHost>('', '', '', NET_NODE, 'nowhere'), actorOrAdmin).map(([p, mode, o, g, h, a]) => new NetCreatePort(p, mode, o, g, h, a)),
  fc.tuple(pick, actorOrAdmin).map(([p, a]) => new NetDeletePort(p, a)),
  fc.tuple(pick, fc.constantFrom<BindHost>(NET_NODE, 'nowhere', ''), fc.constantFrom<Actor>('admin', 'admin', 'ua', 'ub', 'ra', 'expired', 'revoked')).map(([p, h, a]) => new NetBindPort(p, h, a)),
  fc.tuple(fc.boolean(), member).map(([g, a]) => new NetCreateRouter(g, a)),
  fc.tuple(pick, actorOrAdmin).map(([p, a]) => new NetDeleteRouter(p, a)),
  fc.tuple(pick, pick, actorOrAdmin).map(([p, s, a]) => new NetAddInterface(p, s, a)),
  fc.tuple(pick, pick, actor).map(([p, s, a]) => new NetRemoveInterface(p, s, a)),
  fc.tuple(fc.option(pick, { freq: 3 }), member).map(([p, a]) => new NetCreateFloatingIp(p, a)),
  fc.tuple(pick, fc.option(pick, { freq: 3 }), member).map(([f, p, a]) => new NetUpdateFloatingIp(f, p, a)),
  fc.tuple(pick, member).map(([p, a]) => new NetDeleteFloatingIp(p, a)),
  member.map((a) => new NetCreateSecurityGroup(a)),
  fc.tuple(pick, member).map(([p, a]) => new NetDeleteSecurityGroup(p, a)),
  fc.tuple(pick, fc.nat(RULE_SPECS.length - 1), member).map(([p, s, a]) => new NetCreateRule(p, s, a)),
  fc.tuple(pick, member).map(([p, a]) => new NetDeleteRule(p, a)),
  fc.tuple(fc.constantFrom<Kind>('network', 'subnet', 'port', 'router', 'floatingip', 'security_group'), pick, member).map(([k, p, a]) => new NetGet(k, p, a)),
  member.map((a) => new NetList(a)),
]);
