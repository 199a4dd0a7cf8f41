/**
 * Subnets (`/v2.0/subnets`): `create_subnet` / `update_subnet` / `delete_subnet` of
 * `neutron/db/db_base_plugin_v2.py` and ML2, on top of the IPAM core (`ipam/subnets.ts`:
 * validation, gateway and pools exactly as Neutron computes them). A subnet comes from a `cidr`
 * or from a subnet pool (`subnetpool_id`, `use_default_subnetpool`, `prefixlen`;
 * `subnetpools.ts`). Creating a DHCP-enabled subnet schedules the network on a DHCP agent and
 * gives the network's DHCP port an address on it (the first free one, `PreferNextAddressRequest`);
 * a SLAAC or DHCPv6-stateless subnet gives every non-router port on the network its EUI-64
 * address (`_add_auto_addrs_on_network_ports`). Deleting a subnet is refused while a port other
 * than a DHCP port holds a requested address on it (`SubnetInUse`); automatic addresses are
 * removed with it.
 *
 * Not simulated: segments (`segment_id` is always null), service types (stored, not used to
 * choose subnets), prefix delegation, `dns_publish_fixed_ip`.
 */
import { NEUTRON_PUBLISHER } from './events.js';
import { deleteRow, getRow, setRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { enforce, enforceOn, enforceShow, indexed, networkVisible, projectScoped, rbacEntries, resolveRow, showable, type Ctx } from './context.js';
import { bodyOf, listViews } from './controller.js';
import { NeutronError, subnetInUse } from './errors.js';
import { formatAddress, netaddrNetwork } from './ipam/addresses.js';
import { eui64Address } from './ipam/allocation.js';
import { prepareSubnet, validateSubnetCidr, type HostRoute } from './ipam/subnets.js';
import { allocateAny, allocateSpecific, allocationOf, allocationsOf, dropSubnetIpam, releaseAddress, resetFree } from './ip_allocation.js';
import { explicitlySet, networkOfBody, networkTarget, ownerOf } from './networks.js';
import { ROUTER_INTERFACE_OWNERS, createPortRow, deletePortRow, isAutoAddressSubnet, portsOf, updatePortRow } from './ports.js';
import { releaseQuota, useQuota } from './quota.js';
import { descriptionArg, nameArg, revised, standardAttrs, standardView, type Changes } from './standard.js';
import { scheduleNetwork } from './agents.js';
import { allocateSubnetFromPool, getSubnetPoolForSubnet } from './subnetpools.js';
import type { NetworkRow, PortRow, SubnetRow } from './types.js';
import type { AllocationPool } from './ipam/addresses.js';

/** A subnet as `GET /v2.0/subnets/{id}` shows it. */
export interface SubnetView {
  readonly id: string;
  readonly name: string;
  readonly tenant_id: string;
  readonly project_id: string;
  readonly network_id: string;
  readonly ip_version: 4 | 6;
  readonly subnetpool_id: string | null;
  readonly enable_dhcp: boolean;
  readonly ipv6_ra_mode: string | null;
  readonly ipv6_address_mode: string | null;
  readonly gateway_ip: string | null;
  readonly cidr: string;
  readonly allocation_pools: readonly AllocationPool[];
  readonly host_routes: readonly HostRoute[];
  readonly dns_nameservers: readonly string[];
  readonly description: string;
  readonly service_types: readonly string[];
  readonly segment_id: null;
  readonly tags: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly revision_number: number;
}

/** The body of `POST /v2.0/subnets`. */
export interface SubnetCreateRequest {
  readonly network_id: string;
  readonly ip_version?: 4 | 6;
  /** Required unless a subnet pool chooses it. */
  readonly cidr?: string;
  readonly name?: string;
  /** Default: the first address (v4) or the network address (v6); `null` for none. */
  readonly gateway_ip?: string | null;
  readonly allocation_pools?: readonly AllocationPool[];
  readonly dns_nameservers?: readonly string[];
  readonly host_routes?: readonly HostRoute[];
  readonly enable_dhcp?: boolean;
  readonly ipv6_ra_mode?: 'slaac' | 'dhcpv6-stateful' | 'dhcpv6-stateless';
  readonly ipv6_address_mode?: 'slaac' | 'dhcpv6-stateful' | 'dhcpv6-stateless';
  readonly subnetpool_id?: string;
  readonly use_default_subnetpool?: boolean;
  readonly prefixlen?: number;
  readonly description?: string;
  readonly project_id?: string;
  readonly tenant_id?: string;
  readonly service_types?: readonly string[];
}

/** The body of `PUT /v2.0/subnets/{id}`. */
export interface SubnetUpdateRequest {
  readonly name?: string;
  readonly gateway_ip?: string | null;
  readonly allocation_pools?: readonly AllocationPool[];
  readonly dns_nameservers?: readonly string[];
  readonly host_routes?: readonly HostRoute[];
  readonly enable_dhcp?: boolean;
  readonly description?: string;
  readonly service_types?: readonly string[];
}

/** Every attribute of a subnet's view. */
export const SUBNET_ATTRIBUTES = [
  'id', 'name', 'tenant_id', 'project_id', 'network_id', 'ip_version', 'subnetpool_id', 'enable_dhcp', 'ipv6_ra_mode', 'ipv6_address_mode', 'gateway_ip', 'cidr',
  'allocation_pools', 'host_routes', 'dns_nameservers', 'description', 'service_types', 'segment_id', 'tags', 'created_at', 'updated_at', 'revision_number',
] as const;

const CREATE_ATTRIBUTES = ['name', 'network_id', 'ip_version', 'cidr', 'gateway_ip', 'allocation_pools', 'dns_nameservers', 'host_routes', 'enable_dhcp', 'ipv6_ra_mode', 'ipv6_address_mode', 'subnetpool_id', 'use_default_subnetpool', 'prefixlen', 'description', 'tenant_id', 'project_id', 'service_types', 'segment_id'];
const UPDATE_ATTRIBUTES = ['name', 'gateway_ip', 'allocation_pools', 'dns_nameservers', 'host_routes', 'enable_dhcp', 'description', 'service_types'];
const READ_ONLY = ['network_id', 'ip_version', 'cidr', 'ipv6_ra_mode', 'ipv6_address_mode', 'subnetpool_id', 'tenant_id', 'project_id', 'prefixlen', 'use_default_subnetpool', 'segment_id'];

/** The full view of a subnet. */
export function subnetView(s: CloudState, subnet: SubnetRow): SubnetView {
  return {
    id: subnet.id,
    name: subnet.name,
    ...(standardView(s, subnet) as Pick<SubnetView, 'tenant_id' | 'project_id' | 'description' | 'tags' | 'created_at' | 'updated_at' | 'revision_number'>),
    network_id: subnet.network_id,
    ip_version: subnet.ip_version,
    subnetpool_id: subnet.subnetpool_id,
    enable_dhcp: subnet.enable_dhcp,
    ipv6_ra_mode: subnet.ipv6_ra_mode,
    ipv6_address_mode: subnet.ipv6_address_mode,
    gateway_ip: subnet.gateway_ip,
    cidr: subnet.cidr,
    allocation_pools: subnet.allocation_pools.map((p) => ({ ...p })),
    host_routes: subnet.host_routes.map((r) => ({ ...r })),
    dns_nameservers: [...subnet.dns_nameservers],
    service_types: [...subnet.service_types],
    segment_id: null,
  };
}

/**
 * The policy target of a subnet: its view, its network's owner (`network:tenant_id`) and the
 * `shared` the plugin's subnet dict carries (its network's, for the caller: `_make_subnet_dict`),
 * which `get_subnet`'s `rule:shared` reads.
 */
export function subnetTarget(s: CloudState, subnet: SubnetRow, projectId: string | null): Record<string, unknown> {
  const network = getRow(s.network.networks, subnet.network_id);
  const shared = rbacEntries(s, 'network', subnet.network_id).some((r) => r.action === 'access_as_shared' && (r.target_tenant === '*' || r.target_tenant === projectId));
  return { ...subnetView(s, subnet), shared, 'network:tenant_id': network?.project_id ?? null, 'network:project_id': network?.project_id ?? null };
}

/** Subnets the caller may see: own, or on a network the caller may see through RBAC. */
export function subnetVisible(ctx: Ctx, subnet: SubnetRow): boolean {
  if (!projectScoped(ctx) || subnet.project_id === ctx.projectId) return true;
  const network = getRow(ctx.s.network.networks, subnet.network_id);
  return network !== undefined && networkVisible(ctx, network);
}

/** The subnet a reference names among those the caller may see. */
export function getSubnet(ctx: Ctx, ref: unknown, field = 'subnet'): SubnetRow {
  return resolveRow(ctx, 'subnet', ctx.s.network.subnets, (x) => subnetVisible(ctx, x), ref, field);
}

/** `GET /v2.0/subnets/{id}`. */
export function showSubnet(ctx: Ctx, ref: unknown): SubnetView {
  const subnet = getSubnet(ctx, ref);
  const target = subnetTarget(ctx.s, subnet, ctx.projectId);
  enforceShow(ctx, 'subnet', subnet.id, target);
  return showable(ctx, 'subnet', subnetView(ctx.s, subnet), target);
}

/** `GET /v2.0/subnets`. */
export function listSubnets(ctx: Ctx, query: unknown = {}): SubnetView[] {
  const s = ctx.s;
  const q = (query ?? {}) as Record<string, unknown>;
  const rows = typeof q.network_id === 'string' ? indexed(s.network.network_subnets, q.network_id).map((id) => getRow(s.network.subnets, id)!) : [...tableValues(s.network.subnets)];
  return listViews(ctx, { resource: 'subnet', rows: rows.filter((x) => subnetVisible(ctx, x)), attributes: SUBNET_ATTRIBUTES, target: (x) => subnetTarget(s, x, ctx.projectId), view: (x) => subnetView(s, x) as unknown as Record<string, unknown> }, query) as unknown as SubnetView[];
}

/** `service_types`: a list of at most 64 device owner strings (stored; not used to choose subnets). */
function serviceTypesArg(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > 64 || value.some((t) => typeof t !== 'string' || t.length > 255)) {
    throw new NeutronError(400, 'network.subnet.invalid_service_types', 'HTTPBadRequest', 'Invalid input for service_types. Reason: expected a list of at most 64 device owner strings.', { field: 'service_types' });
  }
  return [...(value as string[])];
}

/** The network's DHCP port (the one with `device_owner` `network:dhcp`), if any. */
export function dhcpPortOf(s: CloudState, networkId: string): PortRow | undefined {
  return portsOf(s, networkId).find((p) => p.device_owner === 'network:dhcp');
}

/**
 * The DHCP agent's side of a DHCP-enabled subnet: the network is scheduled on a DHCP agent and
 * its DHCP port (created on the agent's host when missing) gets an address on the subnet.
 */
function serveDhcp(tx: Tx, network: NetworkRow, subnet: SubnetRow): void {
  const agents = scheduleNetwork(tx, network.id);
  const agent = agents[0];
  if (agent === undefined) return; // no live DHCP agent: Neutron leaves the network unserved
  const s = tx.draft as CloudState;
  const existing = dhcpPortOf(s, network.id);
  if (existing === undefined) {
    const port = createPortRow(tx, { projectId: network.project_id, network, deviceOwner: 'network:dhcp', deviceId: `dhcp${agent.id}-${network.id}`, fixedIps: [{ subnet_id: subnet.id }], hostId: agent.host, checkQuota: false });
    tx.trace('neutron-dhcp-agent', `DHCP port ${port.id} for network ${network.id} on ${agent.host}: ${port.fixed_ips.map((f) => f.ip_address).join(', ')}`);
    return;
  }
  if (existing.fixed_ips.some((f) => f.subnet_id === subnet.id)) return;
  const ip = isAutoAddressSubnet(subnet) ? eui64Address(subnet.cidr, existing.mac_address) : allocateAny(tx, subnet, existing.id, true, (n) => tx.random.int(n));
  if (ip === undefined) return;
  if (isAutoAddressSubnet(subnet)) allocateSpecific(tx, subnet, ip, existing.id);
  updatePortRow(tx, existing, revised(tx, existing, { fixed_ips: [...existing.fixed_ips, { subnet_id: subnet.id, ip_address: ip }] }));
}

/** `_add_auto_addrs_on_network_ports`: every non-router, non-DHCP port on the network gets its EUI-64 address on a new auto-address subnet. */
function addAutoAddresses(tx: Tx, network: NetworkRow, subnet: SubnetRow): void {
  for (const port of portsOf(tx.draft as CloudState, network.id)) {
    if (ROUTER_INTERFACE_OWNERS.includes(port.device_owner) || port.device_owner === 'network:dhcp' || port.fixed_ips.some((f) => f.subnet_id === subnet.id)) continue;
    const ip = eui64Address(subnet.cidr, port.mac_address);
    if (allocationOf(tx.draft as CloudState, subnet.id, ip) !== undefined) continue;
    allocateSpecific(tx, subnet, ip, port.id);
    updatePortRow(tx, port, revised(tx, port, { fixed_ips: [...port.fixed_ips, { subnet_id: subnet.id, ip_address: ip }] }));
  }
}

/** `POST /v2.0/subnets`. */
export function createSubnet(tx: Tx, ctx: Ctx, input: unknown): SubnetView {
  const body = bodyOf(input, 'subnet', CREATE_ATTRIBUTES);
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const owner = ownerOf(ctx, body);
  const name = nameArg(body.name);
  const description = descriptionArg(body.description);
  const network = networkOfBody(c, body);
  const target = { ...body, project_id: owner, tenant_id: owner, network_id: network.id, 'network:tenant_id': network.project_id, 'network:project_id': network.project_id, shared: networkTarget(c, network).shared, 'router:external': network.external };
  enforce(c, 'create_subnet', target, explicitlySet(body, { enable_dhcp: true }, false));
  if (body.segment_id !== undefined && body.segment_id !== null) throw new NeutronError(400, 'network.subnet.segments_not_simulated', 'InvalidInput', 'Invalid input for operation: segment_id: routed network segments are not simulated.', { field: 'segment_id' });
  const serviceTypes = body.service_types === undefined ? [] : serviceTypesArg(body.service_types);

  // a subnet pool (given, or the default one of the version) chooses the cidr
  let request: Record<string, unknown> = { ...body };
  let poolId: string | null = null;
  const pool = getSubnetPoolForSubnet(c, body);
  if (pool !== undefined) {
    const cidr = allocateSubnetFromPool(c, pool, body);
    request = { ...body, cidr, ip_version: body.ip_version ?? pool.ip_version };
    // subnet_alloc's `_allocate_any_subnet` / `_allocate_specific_subnet`: without a gateway the
    // pool's subnet takes its network address + 1, in v6 too
    if (body.gateway_ip === undefined) {
      const net = netaddrNetwork(cidr);
      if (net.ok) request.gateway_ip = formatAddress(net.value + 1n, net.version);
    }
    poolId = pool.id;
  }
  delete request.subnetpool_id;
  delete request.use_default_subnetpool;
  delete request.prefixlen;
  const prepared = prepareSubnet(request);
  // `_validate_network_subnetpools` (no address scopes): one network's subnets of a version come from one pool, or none
  for (const id of indexed(s.network.network_subnets, network.id)) {
    const other = getRow(s.network.subnets, id)!;
    const clash = pool !== undefined ? other.subnetpool_id !== pool.id && other.ip_version === pool.ip_version : other.subnetpool_id !== null && other.ip_version === prepared.ip_version;
    if (clash) throw new NeutronError(400, 'network.subnet.subnetpool_affinity', 'NetworkSubnetPoolAffinityError', 'Subnets hosted on the same network must be allocated from the same subnet pool.', { field: 'subnetpool_id' });
  }
  const others = indexed(s.network.network_subnets, network.id).map((id) => getRow(s.network.subnets, id)!.cidr);
  validateSubnetCidr(prepared.cidr, network.id, others);
  useQuota(tx, owner, { subnet: 1 });

  const id = tx.ids.uuid();
  const row: SubnetRow = {
    ...standardAttrs(tx, id, owner, description),
    name,
    network_id: network.id,
    ip_version: prepared.ip_version,
    cidr: prepared.cidr,
    gateway_ip: prepared.gateway_ip,
    allocation_pools: prepared.allocation_pools,
    enable_dhcp: prepared.enable_dhcp,
    dns_nameservers: prepared.dns_nameservers,
    host_routes: prepared.host_routes,
    ipv6_ra_mode: prepared.ipv6_ra_mode,
    ipv6_address_mode: prepared.ipv6_address_mode,
    subnetpool_id: poolId,
    service_types: serviceTypes,
  };
  setRow(tx.draft.network.subnets, id, row);
  setRow(tx.draft.network.network_subnets, `${network.id}/${id}`, id);
  resetFree(tx, row);
  tx.trace('neutron-server', `create_subnet ${id} ${row.cidr} on ${network.id} (gateway ${row.gateway_ip ?? 'none'})`);
  if (isAutoAddressSubnet(row)) addAutoAddresses(tx, network, row);
  if (row.enable_dhcp) serveDhcp(tx, network, row);
  const view = subnetView(tx.draft as CloudState, row);
  tx.emit('subnet.create.end', () => ({ subnet: view }), NEUTRON_PUBLISHER);
  return showable(c, 'subnet', view, subnetTarget(tx.draft as CloudState, row, ctx.projectId));
}

/** `PUT /v2.0/subnets/{id}`: name, description, gateway, pools, nameservers, routes, DHCP. */
export function updateSubnet(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): SubnetView {
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const subnet = getSubnet(c, ref);
  const body = bodyOf(input, 'subnet', UPDATE_ATTRIBUTES, READ_ONLY);
  enforceOn(c, 'subnet', 'update_subnet', subnet.id, { ...subnetTarget(s, subnet, ctx.projectId), ...body }, Object.keys(body));
  // the IPAM checks of a create, on the subnet as it would become
  const merged: Record<string, unknown> = {
    ip_version: subnet.ip_version,
    cidr: subnet.cidr,
    gateway_ip: body.gateway_ip !== undefined ? body.gateway_ip : subnet.gateway_ip,
    allocation_pools: body.allocation_pools !== undefined ? body.allocation_pools : subnet.allocation_pools,
    dns_nameservers: body.dns_nameservers !== undefined ? body.dns_nameservers : subnet.dns_nameservers,
    host_routes: body.host_routes !== undefined ? body.host_routes : subnet.host_routes,
    enable_dhcp: body.enable_dhcp !== undefined ? body.enable_dhcp : subnet.enable_dhcp,
    ...(subnet.ipv6_ra_mode === null ? {} : { ipv6_ra_mode: subnet.ipv6_ra_mode }),
    ...(subnet.ipv6_address_mode === null ? {} : { ipv6_address_mode: subnet.ipv6_address_mode }),
  };
  const prepared = prepareSubnet(merged);
  if (body.gateway_ip !== undefined && prepared.gateway_ip !== null && subnet.gateway_ip !== prepared.gateway_ip) {
    const holder = allocationOf(s, subnet.id, prepared.gateway_ip);
    const holderPort = holder === undefined ? undefined : getRow(s.network.ports, holder);
    if (holderPort !== undefined && !ROUTER_INTERFACE_OWNERS.includes(holderPort.device_owner)) {
      throw new NeutronError(409, 'network.subnet.gateway_in_use', 'GatewayIpInUse', `Gateway ip ${prepared.gateway_ip} conflicts with allocation pool ${prepared.allocation_pools.map((p) => `${p.start}-${p.end}`).join(', ')}`, { field: 'gateway_ip' });
    }
  }
  if (body.gateway_ip !== undefined && subnet.gateway_ip !== null && prepared.gateway_ip !== subnet.gateway_ip) {
    const router = portsOf(s, subnet.network_id).find((p) => ROUTER_INTERFACE_OWNERS.includes(p.device_owner) && p.fixed_ips.some((f) => f.subnet_id === subnet.id && f.ip_address === subnet.gateway_ip));
    if (router !== undefined) throw subnetInUse(subnet.id, `Gateway IP ${subnet.gateway_ip} is in use by router ${router.device_id}; remove the router interface first.`);
  }
  const changes: Changes<SubnetRow> = {
    gateway_ip: prepared.gateway_ip,
    allocation_pools: body.allocation_pools !== undefined || body.gateway_ip !== undefined ? prepared.allocation_pools : subnet.allocation_pools,
    dns_nameservers: prepared.dns_nameservers,
    host_routes: prepared.host_routes,
    enable_dhcp: prepared.enable_dhcp,
  };
  if (body.name !== undefined) changes.name = nameArg(body.name);
  if (body.description !== undefined) changes.description = descriptionArg(body.description);
  if (body.service_types !== undefined) changes.service_types = serviceTypesArg(body.service_types);
  const row = revised(tx, subnet, changes);
  setRow(tx.draft.network.subnets, subnet.id, row);
  if (row.allocation_pools !== subnet.allocation_pools) resetFree(tx, row);
  const network = getRow(s.network.networks, subnet.network_id)!;
  if (row.enable_dhcp && !subnet.enable_dhcp) serveDhcp(tx, network, row);
  if (!row.enable_dhcp && subnet.enable_dhcp) dropDhcpAddress(tx, network.id, row);
  const view = subnetView(tx.draft as CloudState, row);
  tx.emit('subnet.update.end', () => ({ subnet: view }), NEUTRON_PUBLISHER);
  return showable(c, 'subnet', view, subnetTarget(tx.draft as CloudState, row, ctx.projectId));
}

/** The DHCP port gives back its address on a subnet (DHCP turned off, or the subnet deleted); a DHCP port left without addresses goes. */
function dropDhcpAddress(tx: Tx, networkId: string, subnet: SubnetRow): void {
  const port = dhcpPortOf(tx.draft as CloudState, networkId);
  if (port === undefined) return;
  const mine = port.fixed_ips.filter((f) => f.subnet_id === subnet.id);
  if (mine.length === 0) return;
  for (const f of mine) releaseAddress(tx, subnet, f.ip_address);
  const rest = port.fixed_ips.filter((f) => f.subnet_id !== subnet.id);
  if (rest.length === 0 && !subnetsServed(tx.draft as CloudState, networkId, subnet.id)) {
    deletePortRow(tx, { ...port, fixed_ips: [] });
    for (const agentId of indexed((tx.draft as CloudState).network.network_dhcp_agents, networkId)) deleteRow(tx.draft.network.network_dhcp_agents, `${networkId}/${agentId}`);
    return;
  }
  updatePortRow(tx, port, revised(tx, port, { fixed_ips: rest }));
}

/** Whether the network has another DHCP-enabled subnet than `except`. */
function subnetsServed(s: CloudState, networkId: string, except: string): boolean {
  return indexed(s.network.network_subnets, networkId).some((id) => id !== except && getRow(s.network.subnets, id)?.enable_dhcp === true);
}

/** Removes a subnet row and its IPAM state (its ports' addresses must already be gone). */
export function deleteSubnetRow(tx: Tx, subnet: SubnetRow): void {
  for (const [ip] of allocationsOf(tx.draft as CloudState, subnet.id)) deleteRow(tx.draft.network.ip_allocations, `${subnet.id}/${ip}`);
  dropSubnetIpam(tx, subnet.id);
  deleteRow(tx.draft.network.subnets, subnet.id);
  deleteRow(tx.draft.network.network_subnets, `${subnet.network_id}/${subnet.id}`);
  releaseQuota(tx, subnet.project_id, { subnet: 1 });
}

/** `DELETE /v2.0/subnets/{id}`: 409 `SubnetInUse` while another port than a DHCP port holds an address on it that is not automatic. */
export function deleteSubnet(tx: Tx, ctx: Ctx, ref: unknown): void {
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const subnet = getSubnet(c, ref);
  enforceOn(c, 'subnet', 'delete_subnet', subnet.id, subnetTarget(s, subnet, ctx.projectId));
  const auto = isAutoAddressSubnet(subnet);
  const holders = allocationsOf(s, subnet.id).map(([, portId]) => getRow(s.network.ports, portId)).filter((p): p is PortRow => p !== undefined);
  const blocking = holders.find((p) => p.device_owner !== 'network:dhcp' && (!auto || ROUTER_INTERFACE_OWNERS.includes(p.device_owner)));
  if (blocking !== undefined) throw subnetInUse(subnet.id);
  const view = subnetView(s, subnet);
  dropDhcpAddress(tx, subnet.network_id, subnet);
  for (const port of holders) {
    const current = getRow((tx.draft as CloudState).network.ports, port.id);
    if (current === undefined || current.device_owner === 'network:dhcp') continue;
    for (const f of current.fixed_ips) if (f.subnet_id === subnet.id) releaseAddress(tx, subnet, f.ip_address);
    updatePortRow(tx, current, revised(tx, current, { fixed_ips: current.fixed_ips.filter((f) => f.subnet_id !== subnet.id) }));
  }
  deleteSubnetRow(tx, subnet);
  tx.trace('neutron-server', `delete_subnet ${subnet.id}`);
  tx.emit('subnet.delete.end', () => ({ subnet_id: subnet.id, subnet: view }), NEUTRON_PUBLISHER);
}

