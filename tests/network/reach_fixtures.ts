/**
 * Builds clouds for the reachability suites directly from rows: a state that starts as
 * `createCloud({ seed: 1 }).state` with a fresh `network` slice filled by `setRow` (networks,
 * subnets, ports with their index rows, routers with gateway and interface ports, floating IPs
 * with their `network:floatingip` ports, security groups and rules, agents). Ids are
 * deterministic. `build()` returns a frozen state and leaves the builder usable, so a test can
 * change one thing and build again.
 *
 * The rows are written as Neutron's API would leave them (index tables included); nothing here
 * validates: a test may build states the API would refuse, to see how reachability reads them.
 */
import { freeze } from 'immer';
import { createCloud } from '../../src/index.js';
import { deleteRow, emptyTable, getRow, setRow, type CloudState, type Table } from '../../src/core/index.js';
import { checkNetworkOptions, initialNetworkState } from '../../src/network/config.js';
import { formatAddress, parseCidr } from '../../src/network/ipam/addresses.js';
import type { AgentRow, AgentType, FloatingIpRow, NetworkRow, NetworkState, PortRow, RouterRow, SecurityGroupRow, SecurityGroupRuleRow, SubnetRow } from '../../src/network/types.js';
import type { NetworkType } from '../../src/network/ml2/config.js';

let baseState: CloudState | undefined;
function base(): CloudState {
  return (baseState ??= createCloud({ seed: 1 }).state);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const std = (id: string, project: string) => ({ id, project_id: project, description: '', revision_number: 0, created_at: 0, updated_at: 0, tags: [] as string[] });

export interface NetworkSpec {
  readonly name?: string;
  readonly project?: string;
  readonly type?: NetworkType;
  readonly segmentation_id?: number | null;
  readonly physnet?: string | null;
  readonly external?: boolean;
  readonly admin?: boolean;
}

export interface PortSpec {
  /** Fixed IPs: addresses (their subnet found by CIDR on the network) or `{ subnet, ip }`; default one address from each given subnet, or from the network's first subnet. */
  readonly ips?: readonly (string | { readonly subnet: string; readonly ip: string })[];
  /** Subnets to allocate one address each from (when `ips` is absent). */
  readonly subnets?: readonly string[];
  readonly host?: string;
  readonly owner?: string;
  readonly device?: string;
  /** Security groups (default: the project's `default` group, for VM ports). */
  readonly sgs?: readonly string[];
  readonly security?: boolean;
  readonly pairs?: readonly string[];
  readonly admin?: boolean;
  readonly project?: string;
  readonly unbound?: boolean;
  readonly name?: string;
}

export interface RuleSpec {
  readonly direction: 'ingress' | 'egress';
  readonly ethertype?: 'IPv4' | 'IPv6';
  readonly protocol?: string | null;
  readonly min?: number | null;
  readonly max?: number | null;
  readonly prefix?: string | null;
  readonly remoteGroup?: string | null;
}

/** A reachability test cloud, built row by row. */
export class ReachFixture {
  readonly net: Mutable<NetworkState>;
  now = 1000;
  #serial = 0;
  #nextIp = new Map<string, bigint>();
  #defaults = new Map<string, string>();

  constructor() {
    const fresh = initialNetworkState(checkNetworkOptions(undefined, true));
    this.net = { ...fresh } as Mutable<NetworkState>;
    for (const key of Object.keys(fresh) as (keyof NetworkState)[]) {
      if (key !== 'config') (this.net as Record<string, unknown>)[key] = emptyTable();
    }
  }

  /** A deterministic uuid: a serial first (device names keep an id's first 11 characters), then `kind` (hex) telling resources apart. */
  id(kind: string): string {
    const n = ++this.#serial;
    return `${n.toString(16).padStart(8, '0')}-${kind.padEnd(4, '0').slice(0, 4)}-4000-8000-${n.toString(16).padStart(12, '0')}`;
  }

  /** The state: `createCloud({ seed: 1 }).state` with this network slice, frozen. */
  build(): CloudState {
    const slice: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.net)) slice[k] = k === 'config' ? v : { size: (v as Table<unknown>).size, root: (v as Table<unknown>).root };
    const b = base();
    return freeze({ ...b, meta: { ...b.meta, clock: { ...b.meta.clock, now: this.now } }, network: slice as unknown as NetworkState }, true);
  }

  agent(host: string, type: AgentType, opts: { alive?: boolean; admin?: boolean; configurations?: Record<string, unknown> } = {}): string {
    const id = this.id('a9e47');
    const binary = { 'Open vSwitch agent': 'neutron-openvswitch-agent', 'DHCP agent': 'neutron-dhcp-agent', 'L3 agent': 'neutron-l3-agent', 'Metadata agent': 'neutron-metadata-agent' }[type];
    const alive = opts.alive ?? true;
    const row: AgentRow = {
      id,
      agent_type: type,
      binary,
      topic: 'N/A',
      host,
      admin_state_up: opts.admin ?? true,
      description: null,
      availability_zone: type === 'L3 agent' || type === 'DHCP agent' ? 'nova' : null,
      configurations: opts.configurations ?? {},
      created_at: 0,
      started_at: 0,
      heartbeat_timestamp: alive ? this.now : 0,
      reporting: alive,
    };
    setRow(this.net.agents, id, row);
    return id;
  }

  /** DevStack's agents: a network node `controller` (OVS, L3, DHCP, metadata) and computes with OVS. */
  agents(computes: readonly string[] = ['compute1', 'compute2']): { l3: string; dhcp: string; metadata: string; ovs: Record<string, string> } {
    const ovs: Record<string, string> = { controller: this.agent('controller', 'Open vSwitch agent', { configurations: { bridge_mappings: { public: 'br-ex' }, tunneling_ip: '192.168.1.10' } }) };
    computes.forEach((h, i) => (ovs[h] = this.agent(h, 'Open vSwitch agent', { configurations: { bridge_mappings: { public: 'br-ex' }, tunneling_ip: `192.168.1.${20 + i}` } })));
    return { l3: this.agent('controller', 'L3 agent'), dhcp: this.agent('controller', 'DHCP agent'), metadata: this.agent('controller', 'Metadata agent'), ovs };
  }

  network(spec: NetworkSpec = {}): string {
    const id = this.id('4e7');
    const type = spec.type ?? (spec.external ? 'flat' : 'vxlan');
    const row: NetworkRow = {
      ...std(id, spec.project ?? 'demo'),
      name: spec.name ?? '',
      admin_state_up: spec.admin ?? true,
      status: 'ACTIVE',
      mtu: type === 'vxlan' ? 1450 : 1500,
      segment: { network_type: type, physical_network: type === 'flat' || type === 'vlan' ? (spec.physnet ?? 'public') : null, segmentation_id: spec.segmentation_id ?? (type === 'flat' || type === 'local' ? null : this.#serial) },
      external: spec.external ?? false,
      port_security_enabled: true,
      availability_zone_hints: [],
      is_default: false,
    };
    setRow(this.net.networks, id, row);
    return id;
  }

  subnet(networkId: string, cidr: string, opts: { gateway?: string | null; dhcp?: boolean; name?: string; project?: string } = {}): string {
    const id = this.id('5b');
    const n = parseCidr(cidr);
    const gateway = opts.gateway === undefined ? formatAddress(n.first + 1n, n.version) : opts.gateway;
    const net = getRow(this.net.networks, networkId)!;
    const row: SubnetRow = {
      ...std(id, opts.project ?? net.project_id),
      name: opts.name ?? '',
      network_id: networkId,
      ip_version: n.version,
      cidr: n.cidr,
      gateway_ip: gateway,
      allocation_pools: [{ start: formatAddress(n.first + 2n, n.version), end: formatAddress(n.last - (n.version === 4 ? 1n : 0n), n.version) }],
      enable_dhcp: opts.dhcp ?? true,
      dns_nameservers: [],
      host_routes: [],
      ipv6_ra_mode: n.version === 6 ? 'slaac' : null,
      ipv6_address_mode: n.version === 6 ? 'slaac' : null,
      subnetpool_id: null,
      service_types: [],
    };
    setRow(this.net.subnets, id, row);
    setRow(this.net.network_subnets, `${networkId}/${id}`, id);
    this.#nextIp.set(id, n.first + 10n);
    return id;
  }

  /** The next free address of a subnet (from .10 up). */
  allocate(subnetId: string): string {
    const sub = getRow(this.net.subnets, subnetId)!;
    for (;;) {
      const v = this.#nextIp.get(subnetId)!;
      this.#nextIp.set(subnetId, v + 1n);
      const ip = formatAddress(v, sub.ip_version);
      if (getRow(this.net.ip_allocations, `${subnetId}/${ip}`) === undefined) return ip;
    }
  }

  #subnetFor(networkId: string, ip: string): string {
    for (const sub of this.subnetsOf(networkId)) {
      const n = parseCidr(sub.cidr);
      const a = parseCidr(ip);
      if (a.version === n.version && a.first >= n.first && a.first <= n.last) return sub.id;
    }
    throw new Error(`no subnet of ${networkId} holds ${ip}`);
  }

  subnetsOf(networkId: string): SubnetRow[] {
    const out: SubnetRow[] = [];
    for (const sub of tableRows(this.net.subnets)) if (sub.network_id === networkId) out.push(sub);
    return out;
  }

  /** The project's `default` group (egress anywhere v4 / v6, ingress from the group), made on first use. */
  defaultGroup(project: string): string {
    let sg = this.#defaults.get(project);
    if (sg === undefined) {
      sg = this.securityGroup(project, { name: 'default' });
      this.rule(sg, { direction: 'egress', ethertype: 'IPv4' });
      this.rule(sg, { direction: 'egress', ethertype: 'IPv6' });
      this.rule(sg, { direction: 'ingress', ethertype: 'IPv4', remoteGroup: sg });
      this.rule(sg, { direction: 'ingress', ethertype: 'IPv6', remoteGroup: sg });
      this.#defaults.set(project, sg);
    }
    return sg;
  }

  port(networkId: string, spec: PortSpec = {}): string {
    const id = this.id('9047');
    const net = getRow(this.net.networks, networkId)!;
    const project = spec.project ?? net.project_id;
    const owner = spec.owner ?? 'compute:nova';
    const vm = !owner.startsWith('network:');
    const fixed = (spec.ips ?? (spec.subnets ?? this.subnetsOf(networkId).slice(0, 1).map((s) => s.id)).map((sub) => ({ subnet: sub, ip: this.allocate(sub) }))).map((x) =>
      typeof x === 'string' ? { subnet_id: this.#subnetFor(networkId, x), ip_address: x } : { subnet_id: x.subnet, ip_address: x.ip },
    );
    const sgs = spec.sgs ?? (vm ? [this.defaultGroup(project)] : []);
    const host = spec.unbound ? '' : (spec.host ?? (vm ? 'compute1' : 'controller'));
    const row: PortRow = {
      ...std(id, project),
      name: spec.name ?? '',
      network_id: networkId,
      mac_address: `fa:16:3e:00:${((this.#serial >> 8) & 0xff).toString(16).padStart(2, '0')}:${(this.#serial & 0xff).toString(16).padStart(2, '0')}`,
      admin_state_up: spec.admin ?? true,
      status: host === '' ? 'DOWN' : 'ACTIVE',
      device_id: spec.device ?? (vm ? this.id('de1') : ''),
      device_owner: owner,
      fixed_ips: fixed,
      allowed_address_pairs: (spec.pairs ?? []).map((ip) => ({ ip_address: ip, mac_address: 'fa:16:3e:ff:ff:ff' })),
      security_groups: sgs,
      port_security_enabled: spec.security ?? (vm ? true : false),
      binding_host_id: host,
      binding_vif_type: host === '' ? 'unbound' : 'ovs',
      binding_vnic_type: 'normal',
      binding_profile: {},
    };
    this.#writePort(row);
    return id;
  }

  #writePort(row: PortRow): void {
    setRow(this.net.ports, row.id, row);
    setRow(this.net.network_ports, `${row.network_id}/${row.id}`, row.id);
    if (row.device_id !== '') setRow(this.net.device_ports, `${row.device_id}/${row.id}`, row.id);
    // router code records the ports it makes the router's (`routerports`)
    if (row.device_owner === 'network:router_gateway' || row.device_owner === 'network:router_interface') setRow(this.net.router_ports, `${row.device_id}/${row.id}`, row.id);
    for (const ip of row.fixed_ips) setRow(this.net.ip_allocations, `${ip.subnet_id}/${ip.ip_address}`, row.id);
    for (const sg of row.security_groups) setRow(this.net.group_ports, `${sg}/${row.id}`, row.id);
  }

  #erasePort(row: PortRow): void {
    deleteRow(this.net.ports, row.id);
    deleteRow(this.net.network_ports, `${row.network_id}/${row.id}`);
    if (row.device_id !== '') {
      deleteRow(this.net.device_ports, `${row.device_id}/${row.id}`);
      deleteRow(this.net.router_ports, `${row.device_id}/${row.id}`);
    }
    for (const ip of row.fixed_ips) deleteRow(this.net.ip_allocations, `${ip.subnet_id}/${ip.ip_address}`);
    for (const sg of row.security_groups) deleteRow(this.net.group_ports, `${sg}/${row.id}`);
  }

  /** Changes a port's row (index rows follow). */
  setPort(id: string, changes: Partial<PortRow>): void {
    const old = getRow(this.net.ports, id)!;
    this.#erasePort(old);
    this.#writePort({ ...old, ...changes });
  }
  getPort(id: string): PortRow {
    return getRow(this.net.ports, id)!;
  }
  setNetwork(id: string, changes: Partial<NetworkRow>): void {
    setRow(this.net.networks, id, { ...getRow(this.net.networks, id)!, ...changes });
  }
  setSubnet(id: string, changes: Partial<SubnetRow>): void {
    setRow(this.net.subnets, id, { ...getRow(this.net.subnets, id)!, ...changes });
  }
  setRouter(id: string, changes: Partial<RouterRow>): void {
    setRow(this.net.routers, id, { ...getRow(this.net.routers, id)!, ...changes });
  }
  setAgent(id: string, changes: Partial<AgentRow>): void {
    setRow(this.net.agents, id, { ...getRow(this.net.agents, id)!, ...changes });
  }
  setGroup(id: string, changes: Partial<SecurityGroupRow>): void {
    setRow(this.net.security_groups, id, { ...getRow(this.net.security_groups, id)!, ...changes });
  }
  getRouter(id: string): RouterRow {
    return getRow(this.net.routers, id)!;
  }
  getGroup(id: string): SecurityGroupRow | undefined {
    return getRow(this.net.security_groups, id);
  }

  /** The router whose interface holds a subnet's gateway address, if any. */
  gatewayRouterOf(subnetId: string): string | undefined {
    const sub = getRow(this.net.subnets, subnetId)!;
    const holder = sub.gateway_ip === null ? undefined : getRow(this.net.ip_allocations, `${subnetId}/${sub.gateway_ip}`);
    const port = holder === undefined ? undefined : getRow(this.net.ports, holder);
    return port?.device_owner === 'network:router_interface' ? port.device_id : undefined;
  }

  /** A router (on `agent`, default the first L3 agent) with, given `gateway`, a gateway port on that external network. */
  router(opts: { project?: string; name?: string; gateway?: string; gatewayIps?: readonly string[]; snat?: boolean; agent?: string | null; admin?: boolean } = {}): string {
    const id = this.id('4047e4');
    const agent = opts.agent === undefined ? (tableRows(this.net.agents).find((a) => a.agent_type === 'L3 agent')?.id ?? null) : opts.agent;
    let gw: string | null = null;
    if (opts.gateway !== undefined) {
      gw = this.port(opts.gateway, { owner: 'network:router_gateway', device: id, project: '', ...(opts.gatewayIps === undefined ? { subnets: this.subnetsOf(opts.gateway).map((s) => s.id) } : { ips: opts.gatewayIps }) });
    }
    const row: RouterRow = {
      ...std(id, opts.project ?? 'demo'),
      name: opts.name ?? '',
      admin_state_up: opts.admin ?? true,
      status: 'ACTIVE',
      gw_port_id: gw,
      enable_snat: opts.snat ?? true,
      routes: [],
      distributed: false,
      ha: false,
      availability_zone_hints: [],
      l3_agent_id: agent,
    };
    setRow(this.net.routers, id, row);
    return id;
  }

  /** A router interface on a subnet, at its gateway address by default. */
  addInterface(routerId: string, subnetId: string, ip?: string): string {
    const sub = getRow(this.net.subnets, subnetId)!;
    const router = getRow(this.net.routers, routerId)!;
    return this.port(sub.network_id, { owner: 'network:router_interface', device: routerId, project: router.project_id, ips: [{ subnet: subnetId, ip: ip ?? sub.gateway_ip! }] });
  }

  /** A DHCP port on a network (one address from each of its DHCP subnets). */
  dhcpPort(networkId: string, agentId?: string, host = 'controller'): string {
    const subs = this.subnetsOf(networkId).filter((s) => s.enable_dhcp);
    const id = this.port(networkId, { owner: 'network:dhcp', device: `dhcp-${networkId}`, host, subnets: subs.map((s) => s.id) });
    const agent = agentId ?? tableRows(this.net.agents).find((a) => a.agent_type === 'DHCP agent')?.id;
    if (agent !== undefined) setRow(this.net.network_dhcp_agents, `${networkId}/${agent}`, agent);
    return id;
  }

  /** A floating IP on an external network, associated with `port` (its first IPv4 address) through `router`. */
  floatingIp(extNetwork: string, opts: { port?: string; fixedIp?: string; router?: string; address?: string; project?: string } = {}): string {
    const id = this.id('f10a7');
    const sub = this.subnetsOf(extNetwork).find((s) => s.ip_version === 4)!;
    const address = opts.address ?? this.allocate(sub.id);
    const fport = this.port(extNetwork, { owner: 'network:floatingip', device: id, project: '', ips: [{ subnet: sub.id, ip: address }], unbound: true });
    const target = opts.port === undefined ? undefined : getRow(this.net.ports, opts.port)!;
    const fixed = target === undefined ? null : (opts.fixedIp ?? target.fixed_ips.find((ip) => !ip.ip_address.includes(':'))!.ip_address);
    const row: FloatingIpRow = {
      ...std(id, opts.project ?? target?.project_id ?? 'demo'),
      floating_ip_address: address,
      floating_network_id: extNetwork,
      floating_port_id: fport,
      port_id: target?.id ?? null,
      fixed_ip_address: fixed,
      router_id: target === undefined ? null : (opts.router ?? null),
      status: target === undefined ? 'DOWN' : 'ACTIVE',
    };
    setRow(this.net.floatingips, id, row);
    return id;
  }

  setFloatingIp(id: string, changes: Partial<FloatingIpRow>): void {
    setRow(this.net.floatingips, id, { ...getRow(this.net.floatingips, id)!, ...changes });
  }
  getFloatingIp(id: string): FloatingIpRow {
    return getRow(this.net.floatingips, id)!;
  }

  securityGroup(project: string, opts: { name?: string; stateful?: boolean } = {}): string {
    const id = this.id('56');
    const row: SecurityGroupRow = { ...std(id, project), name: opts.name ?? '', stateful: opts.stateful ?? true };
    setRow(this.net.security_groups, id, row);
    return id;
  }

  rule(sg: string, spec: RuleSpec): string {
    const id = this.id('5e1e');
    const group = getRow(this.net.security_groups, sg)!;
    const row: SecurityGroupRuleRow = {
      ...std(id, group.project_id),
      security_group_id: sg,
      direction: spec.direction,
      ethertype: spec.ethertype ?? 'IPv4',
      protocol: spec.protocol ?? null,
      port_range_min: spec.min ?? null,
      port_range_max: spec.max ?? spec.min ?? null,
      remote_ip_prefix: spec.prefix ?? null,
      remote_group_id: spec.remoteGroup ?? null,
      remote_address_group_id: null,
    };
    setRow(this.net.security_group_rules, id, row);
    setRow(this.net.group_rules, `${sg}/${id}`, id);
    return id;
  }

  removeRule(id: string): void {
    const row = getRow(this.net.security_group_rules, id)!;
    deleteRow(this.net.security_group_rules, id);
    deleteRow(this.net.group_rules, `${row.security_group_id}/${id}`);
  }
}

function tableRows<T>(t: Table<T>): T[] {
  const out: T[] = [];
  const walk = (node: { k: string[]; v?: T[]; c?: unknown[] }): void => {
    if (node.c !== undefined) for (const c of node.c) walk(c as typeof node);
    else for (const v of node.v ?? []) out.push(v);
  };
  walk(t.root as { k: string[]; v?: T[]; c?: unknown[] });
  return out;
}

/** What `devstack()` made: the ids a test needs. */
export interface Devstack {
  readonly f: ReachFixture;
  readonly agents: ReturnType<ReachFixture['agents']>;
  readonly pub: string;
  readonly pubV4: string;
  readonly pubV6: string;
  readonly priv: string;
  readonly privV4: string;
  readonly privV6: string;
  readonly router1: string;
  readonly dhcp: string;
  readonly sg: string;
  /** Two VMs of the demo project on `private` (IPv4 and IPv6), on compute1 and compute2. */
  readonly vm1: string;
  readonly vm2: string;
}

/**
 * DevStack's networks (lib/neutron_plugins/services/l3): `public` (external, flat on `public`,
 * 172.24.4.0/24 and 2001:db8::/64), the demo project's `private` (VXLAN, 10.0.0.0/26 and a SLAAC
 * fd00::/64), `router1` joining them with SNAT, the demo project's default group, a DHCP port,
 * and two VMs.
 */
export function devstack(): Devstack {
  const f = new ReachFixture();
  const agents = f.agents();
  const pub = f.network({ name: 'public', project: 'admin', external: true, type: 'flat', physnet: 'public' });
  const pubV4 = f.subnet(pub, '172.24.4.0/24', { name: 'public-subnet', dhcp: false });
  const pubV6 = f.subnet(pub, '2001:db8::/64', { name: 'ipv6-public-subnet', dhcp: false });
  const priv = f.network({ name: 'private', project: 'demo' });
  const privV4 = f.subnet(priv, '10.0.0.0/26', { name: 'private-subnet' });
  const privV6 = f.subnet(priv, 'fd00::/64', { name: 'ipv6-private-subnet' });
  const router1 = f.router({ name: 'router1', project: 'demo', gateway: pub });
  f.addInterface(router1, privV4);
  f.addInterface(router1, privV6);
  const dhcp = f.dhcpPort(priv, agents.dhcp);
  const sg = f.defaultGroup('demo');
  const vm1 = f.port(priv, { host: 'compute1', subnets: [privV4, privV6], name: 'vm1' });
  const vm2 = f.port(priv, { host: 'compute2', subnets: [privV4, privV6], name: 'vm2' });
  return { f, agents, pub, pubV4, pubV6, priv, privV4, privV6, router1, dhcp, sg, vm1, vm2 };
}
