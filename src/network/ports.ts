/**
 * Ports (`/v2.0/ports`): ML2's `create_port` / `update_port` / `delete_port`
 * (`neutron/plugins/ml2/plugin.py`, `db_base_plugin_v2.py`), their addresses from IPAM
 * (`ipam_pluggable_backend.py` `_allocate_ips_for_port`: one address from the first v4 subnet
 * with room, one from the first stateful v6 subnet, and a SLAAC (EUI-64) address on every
 * auto-address v6 subnet except for router ports; `_test_fixed_ips_for_port` for requested
 * ones), a MAC from `base_mac` (`fa:16:3e`) unique on the network, security groups (the
 * project's `default` when none are given and port security is on; none for `network:*`
 * owners), allowed address pairs (`max_allowed_address_pair` 10), and ML2's binding: a port
 * bound (`binding:host_id`) to a host whose Open vSwitch agent is alive gets `binding:vif_type`
 * `ovs` and turns `ACTIVE`; a host without a live agent is `binding_failed`; unbound, `DOWN`.
 *
 * Not simulated: `extra_dhcp_opts`, `dns_name` / `dns_assignment`, QoS, trunks,
 * `binding:profile` semantics (stored and shown), `propagate_uplink_status`, the agent's
 * asynchronous `DOWN → ACTIVE` report (the port turns `ACTIVE` as it is bound).
 */
import { NEUTRON_PUBLISHER } from './events.js';
import { floatingIpsOfPort, storeFloatingIp } from './floatingip_rows.js';
import { InvalidInput, deleteRow, describeValue, getRow, peek, setRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { enforce, enforceOn, enforceShow, indexed, projectScoped, resolveRow, showable, type Ctx } from './context.js';
import { bodyOf, listViews } from './controller.js';
import { NeutronError, attributeInvalid, invalidInput, macAddressInUse, notFound } from './errors.js';
import { canonicalIp, ipAddressReason, netaddrNetwork } from './ipam/addresses.js';
import { eui64Address } from './ipam/allocation.js';
import { checkSubnetIp } from './ipam/subnets.js';
import { allocateAny, allocateSpecific, allocationOf, releaseAddress } from './ip_allocation.js';
import { explicitlySet, networkOfBody, ownerOf } from './networks.js';
import { countQuota, releaseQuota, useQuota } from './quota.js';
import { booleanArg, descriptionArg, nameArg, revised, standardAttrs, standardView, uuidReason, type Changes, stringArg } from './standard.js';
import { ensureDefaultSecurityGroup, securityGroupUsableBy, securityGroupVisible } from './security_groups.js';
import { isAliveAgent } from './agents.js';
import type { AddressPair, AgentRow, FixedIp, NetworkRow, PortRow, SubnetRow } from './types.js';

/** A port as `GET /v2.0/ports/{id}` shows it. */
export interface PortView {
  readonly id: string;
  readonly name: string;
  readonly network_id: string;
  readonly tenant_id: string;
  readonly project_id: string;
  readonly mac_address: string;
  readonly admin_state_up: boolean;
  readonly status: string;
  readonly device_id: string;
  readonly device_owner: string;
  readonly fixed_ips: readonly FixedIp[];
  readonly allowed_address_pairs: readonly AddressPair[];
  readonly extra_dhcp_opts: readonly never[];
  readonly security_groups: readonly string[];
  readonly description: string;
  readonly 'binding:vnic_type': string;
  readonly 'binding:profile'?: Readonly<Record<string, unknown>>;
  readonly 'binding:host_id'?: string;
  readonly 'binding:vif_type'?: string;
  readonly 'binding:vif_details'?: Readonly<Record<string, unknown>>;
  readonly port_security_enabled: boolean;
  readonly ip_allocation: 'immediate';
  readonly resource_request: null;
  readonly tags: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly revision_number: number;
}

/** The body of `POST /v2.0/ports`. */
export interface PortCreateRequest {
  readonly network_id: string;
  readonly name?: string;
  readonly admin_state_up?: boolean;
  readonly mac_address?: string;
  /** `{ subnet_id }`, `{ ip_address }` or both, per address. */
  readonly fixed_ips?: readonly { readonly subnet_id?: string; readonly ip_address?: string }[];
  readonly device_id?: string;
  /** `compute:<az>` for a server's port, `network:*` for Neutron's own. */
  readonly device_owner?: string;
  readonly security_groups?: readonly string[];
  readonly port_security_enabled?: boolean;
  readonly allowed_address_pairs?: readonly { readonly ip_address: string; readonly mac_address?: string }[];
  readonly 'binding:host_id'?: string;
  readonly 'binding:vnic_type'?: string;
  readonly 'binding:profile'?: Readonly<Record<string, unknown>>;
  readonly description?: string;
  readonly project_id?: string;
  readonly tenant_id?: string;
}

/** The body of `PUT /v2.0/ports/{id}`. */
export type PortUpdateRequest = Omit<PortCreateRequest, 'network_id' | 'project_id' | 'tenant_id'>;

/** Every attribute of a port's view. */
export const PORT_ATTRIBUTES = [
  'id', 'name', 'network_id', 'tenant_id', 'project_id', 'mac_address', 'admin_state_up', 'status', 'device_id', 'device_owner', 'fixed_ips',
  'allowed_address_pairs', 'extra_dhcp_opts', 'security_groups', 'description', 'binding:vnic_type', 'binding:profile', 'binding:host_id',
  'binding:vif_type', 'binding:vif_details', 'port_security_enabled', 'ip_allocation', 'resource_request', 'tags', 'created_at', 'updated_at', 'revision_number',
] as const;

/** `ROUTER_INTERFACE_OWNERS` (neutron_lib.constants). */
export const ROUTER_INTERFACE_OWNERS: readonly string[] = ['network:router_interface', 'network:router_interface_distributed', 'network:ha_router_replicated_interface'];
/** Owners whose ports the port API may not delete (`l3_db.prevent_l3_port_deletion`). */
export const ROUTER_PORT_OWNERS: readonly string[] = [...ROUTER_INTERFACE_OWNERS, 'network:router_gateway', 'network:router_centralized_snat', 'network:floatingip'];

const CREATE_ATTRIBUTES = ['name', 'network_id', 'admin_state_up', 'mac_address', 'fixed_ips', 'device_id', 'device_owner', 'security_groups', 'port_security_enabled', 'allowed_address_pairs', 'binding:host_id', 'binding:vnic_type', 'binding:profile', 'description', 'tenant_id', 'project_id'];
const UPDATE_ATTRIBUTES = ['name', 'admin_state_up', 'mac_address', 'fixed_ips', 'device_id', 'device_owner', 'security_groups', 'port_security_enabled', 'allowed_address_pairs', 'binding:host_id', 'binding:vnic_type', 'binding:profile', 'description'];
const DEFAULTS: Readonly<Record<string, unknown>> = { admin_state_up: true, device_id: '', device_owner: '', 'binding:vnic_type': 'normal', 'binding:host_id': '' };
const VNIC_TYPES: readonly PortRow['binding_vnic_type'][] = ['normal', 'direct', 'macvtap', 'baremetal', 'direct-physical', 'virtio-forwarder', 'smart-nic', 'vdpa', 'accelerator-direct', 'accelerator-direct-physical', 'remote-managed'];
/** `[DEFAULT] max_allowed_address_pair`. */
export const MAX_ALLOWED_ADDRESS_PAIRS = 10;
const MAX_FIXED_IPS = 100;

/** What ML2's Open vSwitch mechanism driver puts in `binding:vif_details`. */
const OVS_VIF_DETAILS = Object.freeze({ connectivity: 'l2', port_filter: true, ovs_hybrid_plug: false, datapath_type: 'system', bridge_name: 'br-int' });

/** Whether IPv6 addresses on this subnet are automatic (`ipv6_utils.is_auto_address_subnet`). */
export function isAutoAddressSubnet(subnet: SubnetRow): boolean {
  const auto = (m: string | null): boolean => m === 'slaac' || m === 'dhcpv6-stateless';
  return subnet.ip_version === 6 && (auto(subnet.ipv6_address_mode) || auto(subnet.ipv6_ra_mode));
}

/** The full view of a port. */
export function portView(s: CloudState, port: PortRow): PortView {
  return {
    id: port.id,
    name: port.name,
    network_id: port.network_id,
    ...(standardView(s, port) as Pick<PortView, 'tenant_id' | 'project_id' | 'description' | 'tags' | 'created_at' | 'updated_at' | 'revision_number'>),
    mac_address: port.mac_address,
    admin_state_up: port.admin_state_up,
    status: port.status,
    device_id: port.device_id,
    device_owner: port.device_owner,
    fixed_ips: port.fixed_ips.map((f) => ({ ...f })),
    allowed_address_pairs: port.allowed_address_pairs.map((p) => ({ ...p })),
    extra_dhcp_opts: [],
    security_groups: [...port.security_groups],
    'binding:vnic_type': port.binding_vnic_type,
    'binding:profile': { ...port.binding_profile },
    'binding:host_id': port.binding_host_id,
    'binding:vif_type': port.binding_vif_type,
    'binding:vif_details': port.binding_vif_type === 'ovs' ? { ...OVS_VIF_DETAILS } : {},
    port_security_enabled: port.port_security_enabled,
    ip_allocation: 'immediate',
    resource_request: null,
  };
}

/** The policy target of a port: its view, `network:tenant_id` (OwnerCheck), and its network's `shared`. */
export function portTarget(s: CloudState, port: PortRow): Record<string, unknown> {
  const network = getRow(s.network.networks, port.network_id);
  return { ...portView(s, port), 'network:tenant_id': network?.project_id ?? null, 'network:project_id': network?.project_id ?? null };
}

/** `_port_filter_hook`: own ports and ports on the caller's networks. */
export function portVisible(ctx: Ctx, port: PortRow): boolean {
  if (!projectScoped(ctx) || port.project_id === ctx.projectId) return true;
  return getRow(ctx.s.network.networks, port.network_id)?.project_id === ctx.projectId;
}

/** The port a reference names among those the caller may see. */
export function getPort(ctx: Ctx, ref: unknown, field = 'port'): PortRow {
  return resolveRow(ctx, 'port', ctx.s.network.ports, (p) => portVisible(ctx, p), ref, field);
}

/** The ports of a network (rows). */
export function portsOf(s: CloudState, networkId: string): PortRow[] {
  return indexed(s.network.network_ports, networkId).map((id) => getRow(s.network.ports, id)!);
}

/** The subnets of a network (rows), in creation order of their ids. */
export function subnetsOf(s: CloudState, networkId: string): SubnetRow[] {
  const subnets = peek(s, 'network', 'subnets');
  return indexed(peek(s, 'network', 'network_subnets'), networkId)
    .map((id) => getRow(subnets, id)!)
    .sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
}

/** `GET /v2.0/ports/{id}`. */
export function showPort(ctx: Ctx, ref: unknown): PortView {
  const port = getPort(ctx, ref);
  const target = portTarget(ctx.s, port);
  enforceShow(ctx, 'port', port.id, target);
  return showable(ctx, 'port', portView(ctx.s, port), target);
}

/** `fixed_ips=ip_address=…` / `subnet_id=…` / `ip_address_substr=…` filters, as the ports controller reads them. */
function fixedIpFilter(port: PortRow, values: readonly string[]): boolean {
  return values.every((v) => {
    const eq = v.indexOf('=');
    if (eq < 0) throw new InvalidInput('fixed_ips', `'${v}' is not a fixed_ips filter: write ip_address=<ip>, subnet_id=<id> or ip_address_substr=<text>.`, 'network.query.invalid');
    const key = v.slice(0, eq);
    const want = v.slice(eq + 1);
    if (key === 'ip_address') return port.fixed_ips.some((f) => f.ip_address === want);
    if (key === 'subnet_id') return port.fixed_ips.some((f) => f.subnet_id === want);
    if (key === 'ip_address_substr') return port.fixed_ips.some((f) => f.ip_address.includes(want));
    throw new InvalidInput('fixed_ips', `'${key}' is not a fixed_ips filter: write ip_address, subnet_id or ip_address_substr.`, 'network.query.invalid');
  });
}

/** `GET /v2.0/ports`. A `device_id` or `network_id` filter reads its index instead of every port. */
export function listPorts(ctx: Ctx, query: unknown = {}): PortView[] {
  const q = (query ?? {}) as Record<string, unknown>;
  const s = ctx.s;
  let rows: Iterable<PortRow>;
  if (typeof q.device_id === 'string') rows = indexed(s.network.device_ports, q.device_id).map((id) => getRow(s.network.ports, id)!);
  else if (typeof q.network_id === 'string') rows = portsOf(s, q.network_id);
  else rows = tableValues(s.network.ports);
  const visible = [...rows].filter((p) => portVisible(ctx, p));
  return listViews(ctx, { resource: 'port', rows: visible, attributes: PORT_ATTRIBUTES, target: (p) => portTarget(s, p), view: (p) => portView(s, p) as unknown as Record<string, unknown>, extraFilters: { fixed_ips: fixedIpFilter } }, query) as unknown as PortView[];
}

// ------------------------------------------------------------------------------ input

/** neutron-lib `validate_mac_address` + the canonical lower-case colon form. */
export function macArg(value: unknown, field = 'mac_address'): string {
  if (typeof value !== 'string' || value.length > 64) throw attributeInvalid(field, `'${typeof value === 'string' ? value.slice(0, 32) : describeValue(value)}' is not a valid MAC address`);
  const m = /^([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})$/i.exec(value.trim());
  if (m === null) throw attributeInvalid(field, `'${value}' is not a valid MAC address`);
  const mac = m.slice(1).map((o) => o.toLowerCase().padStart(2, '0')).join(':');
  if (mac === '00:00:00:00:00:00') throw attributeInvalid(field, `'${value}' is not a valid MAC address`);
  return mac;
}

interface FixedIpRequest {
  readonly subnet_id?: string;
  readonly ip_address?: string;
}

/** neutron-lib `validate_fixed_ips`. */
function fixedIpsArg(value: unknown): FixedIpRequest[] {
  if (!Array.isArray(value)) throw attributeInvalid('fixed_ips', `Invalid data format for fixed IP: '${describeValue(value)}'`);
  if (value.length > MAX_FIXED_IPS) throw new InvalidInput('fixed_ips', `at most ${MAX_FIXED_IPS} fixed IPs per request, got ${value.length}.`, 'network.port.invalid_fixed_ips');
  const seen = new Set<string>();
  return value.map((f: unknown) => {
    if (f === null || typeof f !== 'object' || Array.isArray(f)) throw attributeInvalid('fixed_ips', `Invalid data format for fixed IP: '${describeValue(f)}'`);
    const entry = f as Record<string, unknown>;
    const keys = Object.keys(entry);
    const extra = keys.filter((k) => k !== 'subnet_id' && k !== 'ip_address');
    if (extra.length > 0) throw attributeInvalid('fixed_ips', `Unrecognized attribute(s) '${extra.join(', ')}'`);
    const out: { subnet_id?: string; ip_address?: string } = {};
    if (entry.ip_address !== undefined) {
      const reason = ipAddressReason(entry.ip_address);
      if (reason !== undefined) throw attributeInvalid('fixed_ips', reason);
      const ip = canonicalIp(entry.ip_address as string);
      if (seen.has(ip)) throw attributeInvalid('fixed_ips', `Duplicate IP address '${ip}'`);
      seen.add(ip);
      out.ip_address = ip;
    }
    if (entry.subnet_id !== undefined) {
      const reason = uuidReason(entry.subnet_id);
      if (reason !== undefined) throw attributeInvalid('fixed_ips', reason);
      out.subnet_id = entry.subnet_id as string;
    }
    return out;
  });
}

/** neutron-lib `validate_allowed_address_pairs` (`max_allowed_address_pair`). */
function addressPairsArg(value: unknown, mac: string): AddressPair[] {
  if (!Array.isArray(value)) throw attributeInvalid('allowed_address_pairs', `Allowed address pairs must be a list.`);
  if (value.length > MAX_ALLOWED_ADDRESS_PAIRS) throw new NeutronError(400, 'network.port.address_pairs_exhausted', 'AllowedAddressPairExhausted', `The number of allowed address pair exceeds the maximum ${MAX_ALLOWED_ADDRESS_PAIRS}.`, { field: 'allowed_address_pairs' });
  const out: AddressPair[] = [];
  for (const p of value as unknown[]) {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) throw attributeInvalid('allowed_address_pairs', `The allowed address pair '${describeValue(p)}' is not a dict`);
    const pair = p as Record<string, unknown>;
    const extra = Object.keys(pair).filter((k) => k !== 'ip_address' && k !== 'mac_address');
    if (extra.length > 0) throw attributeInvalid('allowed_address_pairs', `Unrecognized attribute(s) '${extra.join(', ')}'`);
    if (pair.ip_address === undefined) throw new NeutronError(400, 'network.port.address_pair_ip_missing', 'AllowedAddressPairsMissingIP', 'AllowedAddressPair must contain ip_address', { field: 'allowed_address_pairs' });
    const ip = pair.ip_address;
    const isNet = typeof ip === 'string' && ip.includes('/') && netaddrNetwork(ip).ok;
    if (!isNet && ipAddressReason(ip) !== undefined) throw attributeInvalid('allowed_address_pairs', `'${describeValue(ip)}' is not a valid IP address`);
    const pairMac = pair.mac_address === undefined ? mac : macArg(pair.mac_address, 'allowed_address_pairs');
    const entry = { ip_address: ip as string, mac_address: pairMac };
    if (out.some((o) => o.ip_address === entry.ip_address && o.mac_address === entry.mac_address)) {
      throw new NeutronError(400, 'network.port.duplicate_address_pair', 'DuplicateAddressPairInRequest', `Request contains duplicate address pair: mac_address ${pair.mac_address === undefined ? 'None' : entry.mac_address} ip_address ${entry.ip_address}.`, { field: 'allowed_address_pairs' });
    }
    out.push(entry);
  }
  return out;
}


function profileArg(value: unknown): Record<string, unknown> {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw attributeInvalid('binding:profile', `'${describeValue(value)}' is not a dictionary`);
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    throw attributeInvalid('binding:profile', 'is not a JSON object (a cycle or a value JSON cannot hold)');
  }
  if (typeof text !== 'string') throw attributeInvalid('binding:profile', `'${describeValue(value)}' is not a dictionary`);
  if (text.length > 4095) throw attributeInvalid('binding:profile', 'exceeds maximum length of 4095');
  const parsed = JSON.parse(text) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw attributeInvalid('binding:profile', `'${describeValue(value)}' is not a dictionary`);
  if (Object.hasOwn(parsed, '__proto__')) throw attributeInvalid('binding:profile', "'__proto__' is not an allowed key");
  return parsed as Record<string, unknown>;
}

// ------------------------------------------------------------------------------ commands

/** A new MAC on the network (`base_mac` prefix, `mac_generation_retries` 16). */
function newMac(tx: Tx, network: NetworkRow): string {
  for (let i = 0; i < 16; i++) {
    const mac = tx.ids.mac();
    if (getRow(tx.draft.network.macs, `${network.id}/${mac}`) === undefined) return mac;
  }
  throw new NeutronError(503, 'network.port.mac_generation_failure', 'MacAddressGenerationFailure', `Unable to generate unique mac on network ${network.id}.`, { network_id: network.id });
}

/** The subnet of a requested fixed IP (`_get_subnet_for_fixed_ip`). */
function subnetForFixedIp(s: CloudState, network: NetworkRow, subnets: readonly SubnetRow[], fixed: FixedIpRequest, deviceOwner: string): SubnetRow {
  if (fixed.subnet_id !== undefined) {
    const subnet = subnets.find((x) => x.id === fixed.subnet_id);
    // `_get_subnet_object` first: a subnet that does not exist (for the caller) is its 404
    if (subnet === undefined && getRow(s.network.subnets, fixed.subnet_id) === undefined) throw notFound('subnet', fixed.subnet_id);
    if (subnet === undefined) throw invalidInput('network.port.invalid_subnet', `Failed to create port on network ${network.id}, because fixed_ips included invalid subnet ${fixed.subnet_id}`, 'fixed_ips');
    if (fixed.ip_address !== undefined && !checkSubnetIp(subnet.cidr, fixed.ip_address, deviceOwner)) {
      throw new NeutronError(400, 'network.port.invalid_ip_for_subnet', 'InvalidIpForSubnet', `IP address ${fixed.ip_address} is not a valid IP for the specified subnet.`, { field: 'fixed_ips' });
    }
    return subnet;
  }
  if (fixed.ip_address !== undefined) {
    const subnet = subnets.find((x) => checkSubnetIp(x.cidr, fixed.ip_address, deviceOwner));
    if (subnet === undefined) throw new NeutronError(400, 'network.port.invalid_ip_for_network', 'InvalidIpForNetwork', `IP address ${fixed.ip_address} is not a valid IP for any of the subnets on the specified network.`, { field: 'fixed_ips' });
    return subnet;
  }
  throw invalidInput('network.port.invalid_fixed_ip', 'IP allocation requires subnet_id or ip_address', 'fixed_ips');
}

/**
 * Allocates a port's addresses (`_allocate_ips_for_port`): `requested` as given (each checked
 * as `_test_fixed_ips_for_port`), else one v4 and one stateful v6 address; then SLAAC addresses
 * on every auto-address subnet (not for router ports).
 */
export function allocateFixedIps(tx: Tx, network: NetworkRow, portId: string, mac: string, deviceOwner: string, requested: readonly FixedIpRequest[] | undefined, held: readonly FixedIp[] = []): FixedIp[] {
  const s = tx.draft as CloudState;
  const subnets = subnetsOf(s, network.id);
  const router = ROUTER_INTERFACE_OWNERS.includes(deviceOwner);
  const preferNext = deviceOwner === 'network:dhcp';
  const choose = (n: number): number => tx.random.int(n);
  const out: FixedIp[] = [];
  const auto = subnets.filter(isAutoAddressSubnet);
  if (requested !== undefined) {
    // `_ipam_allocate_ips`: specific addresses first, so an any-address request cannot take one
    const ordered = [...requested].sort((a, b) => (a.ip_address === undefined ? 1 : 0) - (b.ip_address === undefined ? 1 : 0));
    for (const fixed of ordered) {
      const subnet = subnetForFixedIp(s, network, subnets, fixed, deviceOwner);
      const isAuto = isAutoAddressSubnet(subnet);
      if (fixed.ip_address !== undefined) {
        if (isAuto && !router) throw new NeutronError(400, 'network.port.auto_address_subnet', 'AllocationOnAutoAddressSubnet', `IPv6 address ${fixed.ip_address} cannot be directly assigned to a port on subnet ${subnet.id} as the subnet is configured for automatic addresses`, { field: 'fixed_ips' });
        if (allocationOf(s, subnet.id, fixed.ip_address) !== undefined) throw new NeutronError(409, 'network.ip.in_use', 'IpAddressAlreadyAllocated', `IP address ${fixed.ip_address} already allocated in subnet ${subnet.id}`, { field: 'fixed_ips', ip_address: fixed.ip_address, subnet_id: subnet.id });
        allocateSpecific(tx, subnet, fixed.ip_address, portId);
        out.push({ subnet_id: subnet.id, ip_address: fixed.ip_address });
      } else if (router || !isAuto) {
        const ip = allocateAny(tx, subnet, portId, preferNext, choose);
        if (ip === undefined) throw new NeutronError(409, 'network.ip.generation_failure', 'IpAddressGenerationFailure', `No more IP addresses available on network ${network.id}.`, { network_id: network.id, subnet_id: subnet.id });
        out.push({ subnet_id: subnet.id, ip_address: ip });
      }
    }
  } else {
    for (const group of [subnets.filter((x) => x.ip_version === 4), subnets.filter((x) => x.ip_version === 6 && !isAutoAddressSubnet(x))]) {
      if (group.length === 0) continue;
      let ip: string | undefined;
      let taken: SubnetRow | undefined;
      for (const subnet of group) {
        ip = allocateAny(tx, subnet, portId, preferNext, choose);
        if (ip !== undefined) {
          taken = subnet;
          break;
        }
      }
      if (ip === undefined || taken === undefined) throw new NeutronError(409, 'network.ip.generation_failure', 'IpAddressGenerationFailure', `No more IP addresses available on network ${network.id}.`, { network_id: network.id });
      out.push({ subnet_id: taken.id, ip_address: ip });
    }
  }
  if (!router) {
    for (const subnet of auto) {
      if (out.some((f) => f.subnet_id === subnet.id) || held.some((f) => f.subnet_id === subnet.id)) continue;
      const ip = eui64Address(subnet.cidr, mac);
      if (allocationOf(s, subnet.id, ip) !== undefined) throw new NeutronError(409, 'network.ip.in_use', 'IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnet.id}`, { field: 'fixed_ips' });
      allocateSpecific(tx, subnet, ip, portId);
      out.push({ subnet_id: subnet.id, ip_address: ip });
    }
  }
  return out;
}

/**
 * A port's new addresses from an update's `fixed_ips` (`_get_changed_ips_for_port`): an address
 * asked for again is kept; a subnet-only request reuses the port's address on that subnet; the
 * rest is allocated; an address no longer asked for is released, except an automatic (SLAAC)
 * one of a non-router port, which stays.
 */
export function changeFixedIps(tx: Tx, port: PortRow, requested: readonly FixedIpRequest[], mac: string, deviceOwner: string): FixedIp[] {
  const s = tx.draft as CloudState;
  const remaining = [...port.fixed_ips];
  const kept: FixedIp[] = [];
  const add: FixedIpRequest[] = [];
  for (const r of requested) {
    if (r.ip_address === undefined) continue;
    const at = remaining.findIndex((f) => f.ip_address === r.ip_address);
    if (at >= 0) kept.push(...remaining.splice(at, 1));
    else add.push(r);
  }
  for (const r of requested) {
    if (r.ip_address !== undefined) continue;
    const at = remaining.map((f) => f.subnet_id).lastIndexOf(r.subnet_id ?? '');
    if (at >= 0) kept.push(...remaining.splice(at, 1));
    else add.push(r);
  }
  const router = ROUTER_INTERFACE_OWNERS.includes(deviceOwner);
  const stays = remaining.filter((f) => {
    const subnet = getRow(s.network.subnets, f.subnet_id);
    return subnet !== undefined && isAutoAddressSubnet(subnet) && !router;
  });
  releaseFixedIps(tx, remaining.filter((f) => !stays.includes(f)));
  const held = [...kept, ...stays];
  const network = getRow(s.network.networks, port.network_id)!;
  const added = add.length === 0 ? [] : allocateFixedIps(tx, network, port.id, mac, deviceOwner, add, held);
  return [...held, ...added];
}

/** Returns a port's addresses to IPAM. */
export function releaseFixedIps(tx: Tx, fixedIps: readonly FixedIp[]): void {
  for (const f of fixedIps) {
    const subnet = getRow(tx.draft.network.subnets, f.subnet_id);
    if (subnet !== undefined) releaseAddress(tx, subnet, f.ip_address);
    else deleteRow(tx.draft.network.ip_allocations, `${f.subnet_id}/${f.ip_address}`);
  }
}

/**
 * Whether an Open vSwitch agent can wire a network's segment (`mech_agent.check_segment_for_agent`,
 * `mech_openvswitch`): a tunnel type it runs (`tunnel_types`), a flat or vlan physical network it
 * has a bridge for (`bridge_mappings`), or a local segment.
 */
function agentServesSegment(agent: AgentRow, network: NetworkRow | undefined): boolean {
  if (network === undefined) return false;
  const { network_type: type, physical_network: physnet } = network.segment;
  if (type === 'local') return true;
  const config = agent.configurations;
  if (type === 'flat' || type === 'vlan') {
    const mappings = config.bridge_mappings;
    return physnet !== null && typeof mappings === 'object' && mappings !== null && Object.hasOwn(mappings, physnet);
  }
  return Array.isArray(config.tunnel_types) && config.tunnel_types.includes(type);
}

/**
 * ML2's binding of a port to a host (`mech_agent.bind_port`): the vif type and status it gets. A
 * host whose Open vSwitch agent is alive and serves the network's segment binds (`ovs`, the port
 * `ACTIVE` when it is up); otherwise `binding_failed`. The agent's `admin_state_up` does not
 * matter to binding, as in Zed.
 */
export function bindingOf(s: CloudState, hostId: string, adminUp: boolean, deviceOwner: string, networkId: string): Pick<PortRow, 'binding_vif_type' | 'status'> {
  if (deviceOwner === 'network:floatingip') return { binding_vif_type: 'unbound', status: 'N/A' };
  if (hostId === '') return { binding_vif_type: 'unbound', status: 'DOWN' };
  const agent = [...tableValues(s.network.agents)].find((a) => a.host === hostId && a.agent_type === 'Open vSwitch agent');
  if (agent === undefined || !isAliveAgent(s, agent) || !agentServesSegment(agent, getRow(s.network.networks, networkId))) return { binding_vif_type: 'binding_failed', status: 'DOWN' };
  return { binding_vif_type: 'ovs', status: adminUp ? 'ACTIVE' : 'DOWN' };
}

/** Files a port row and its indexes. */
function storePort(tx: Tx, port: PortRow, before?: PortRow): void {
  const n = tx.draft.network;
  if (before !== undefined) {
    // a port without a device has no `device_ports` entry (written only for a device): nothing to remove
    if (before.device_id !== port.device_id && before.device_id !== '') deleteRow(n.device_ports, `${before.device_id}/${before.id}`);
    for (const g of before.security_groups) if (!port.security_groups.includes(g)) deleteRow(n.group_ports, `${g}/${port.id}`);
    if (before.mac_address !== port.mac_address) deleteRow(n.macs, `${before.network_id}/${before.mac_address}`);
  }
  setRow(n.ports, port.id, port);
  // an index entry the row had already (same key, same value) is not written again
  if (before === undefined || before.network_id !== port.network_id) setRow(n.network_ports, `${port.network_id}/${port.id}`, port.id);
  if (port.device_id !== '' && (before === undefined || before.device_id !== port.device_id)) setRow(n.device_ports, `${port.device_id}/${port.id}`, port.id);
  for (const g of port.security_groups) if (before === undefined || !before.security_groups.includes(g)) setRow(n.group_ports, `${g}/${port.id}`, port.id);
  if (before === undefined || before.network_id !== port.network_id || before.mac_address !== port.mac_address) setRow(n.macs, `${port.network_id}/${port.mac_address}`, port.id);
}

/** What an internal port (DHCP, router, floating IP) is made of. */
export interface PortSpec {
  readonly projectId: string;
  readonly network: NetworkRow;
  readonly name?: string;
  readonly deviceOwner: string;
  readonly deviceId: string;
  readonly fixedIps?: readonly FixedIpRequest[];
  readonly hostId?: string;
  readonly securityGroups?: readonly string[];
  readonly portSecurity?: boolean;
  readonly mac?: string;
  readonly adminUp?: boolean;
  readonly description?: string;
  readonly addressPairs?: readonly AddressPair[];
  readonly vnicType?: PortRow['binding_vnic_type'];
  readonly profile?: Readonly<Record<string, unknown>>;
  /**
   * Whether the `port` quota is checked (a port a user asks for) or only counted (ports Neutron
   * makes on its own: DHCP, router gateway and interface, floating IP ports). Default: checked.
   */
  readonly checkQuota?: boolean;
}

/** Creates a port row with its MAC, addresses and binding, counting the `port` quota of its project. */
export function createPortRow(tx: Tx, spec: PortSpec): PortRow {
  const network = spec.network;
  const id = tx.ids.uuid();
  if (spec.mac !== undefined && getRow(tx.draft.network.macs, `${network.id}/${spec.mac}`) !== undefined) throw macAddressInUse(network.id, spec.mac);
  const mac = spec.mac ?? newMac(tx, network);
  // `_ensure_default_security_group_handler` (PORT BEFORE_CREATE): every port's project has its default group
  if (spec.projectId !== '') ensureDefaultSecurityGroup(tx, spec.projectId);
  if (spec.checkQuota === false) countQuota(tx, spec.projectId, { port: 1 });
  else useQuota(tx, spec.projectId, { port: 1 });
  const fixedIps = allocateFixedIps(tx, network, id, mac, spec.deviceOwner, spec.fixedIps);
  const hostId = spec.hostId ?? '';
  const adminUp = spec.adminUp ?? true;
  // the row's fields one by one, in the order `{ ...standardAttrs(…), name, … }` gave them: V8
  // (Node 20) clones a freshly built object into a literal slowly (~1 µs per field added after
  // the spread, ~14 µs for this row), where a plain literal takes ~0.1 µs
  const std = standardAttrs(tx, id, spec.projectId, spec.description ?? '');
  const binding = bindingOf(tx.draft as CloudState, hostId, adminUp, spec.deviceOwner, network.id);
  const port: PortRow = {
    id: std.id,
    project_id: std.project_id,
    description: std.description,
    revision_number: std.revision_number,
    created_at: std.created_at,
    updated_at: std.updated_at,
    tags: std.tags,
    name: spec.name ?? '',
    network_id: network.id,
    mac_address: mac,
    admin_state_up: adminUp,
    device_id: spec.deviceId,
    device_owner: spec.deviceOwner,
    fixed_ips: fixedIps,
    allowed_address_pairs: spec.addressPairs ?? [],
    security_groups: spec.securityGroups ?? [],
    port_security_enabled: spec.portSecurity ?? network.port_security_enabled,
    binding_host_id: hostId,
    binding_vnic_type: spec.vnicType ?? 'normal',
    binding_profile: spec.profile ?? {},
    binding_vif_type: binding.binding_vif_type,
    status: binding.status,
  };
  storePort(tx, port);
  return port;
}

/** Deletes a port row with everything hanging off it (addresses, MAC, indexes, quota, floating IP associations). */
export function deletePortRow(tx: Tx, port: PortRow): void {
  const n = tx.draft.network;
  releaseFixedIps(tx, port.fixed_ips);
  deleteRow(n.ports, port.id);
  deleteRow(n.network_ports, `${port.network_id}/${port.id}`);
  if (port.device_id !== '') {
    deleteRow(n.device_ports, `${port.device_id}/${port.id}`);
    deleteRow(n.router_ports, `${port.device_id}/${port.id}`);
  }
  for (const g of port.security_groups) deleteRow(n.group_ports, `${g}/${port.id}`);
  deleteRow(n.macs, `${port.network_id}/${port.mac_address}`);
  releaseQuota(tx, port.project_id, { port: 1 });
  // l3_db.disassociate_floatingips: a floating IP on the port loses its association
  for (const fip of floatingIpsOfPort(tx.draft as CloudState, port.id)) storeFloatingIp(tx, revised(tx, fip, { port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' }), fip);
}

/** Replaces a port row (after an update), keeping the indexes. */
export function updatePortRow(tx: Tx, before: PortRow, after: PortRow): void {
  storePort(tx, after, before);
}

/** The security groups a port asks for, each one the caller may see (404 otherwise). */
/**
 * The security groups a port asks for (`_get_security_groups_on_port`): each one the caller's
 * queries return, and — unless the caller is an admin — the port's project's own or shared
 * with it; the missing ones are one 404 `SecurityGroupNotFound` naming them all. A port of a
 * trusted owner (`network:*`) is not checked.
 */
function securityGroupsArg(ctx: Ctx, value: unknown, portProject: string, deviceOwner: string): string[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw attributeInvalid('security_groups', `'${describeValue(value)}' is not a list`);
  if (value.length > 1000) throw new InvalidInput('security_groups', `at most 1000 groups, got ${value.length}.`, 'network.port.invalid_security_groups');
  const out: string[] = [];
  const missing: string[] = [];
  const trusted = deviceOwner.startsWith('network:');
  for (const ref of value as unknown[]) {
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > 255) throw attributeInvalid('security_groups', `'${describeValue(ref)}' is not a valid UUID`);
    if (out.includes(ref) || missing.includes(ref)) continue;
    const row = getRow(ctx.s.network.security_groups, ref);
    const usable = row !== undefined && securityGroupVisible(ctx, row) && (trusted || ctx.isAdmin || securityGroupUsableBy(ctx.s, row, portProject));
    if (usable) out.push(ref);
    else missing.push(ref);
  }
  if (missing.length > 0) throw new NeutronError(404, 'network.security_group.not_found', 'SecurityGroupNotFound', `Security group ${missing.join(', ')} does not exist`, { id: missing.join(', '), field: 'security_groups' });
  return out;
}

function sgRequiresPortSecurity(): NeutronError {
  return new NeutronError(400, 'network.port.security_requires_port_security', 'PortSecurityAndIPRequiredForSecurityGroups', 'Port security must be enabled and port must have an IP address in order to use security groups.', { field: 'security_groups' });
}

function pairsRequirePortSecurity(): NeutronError {
  return new NeutronError(409, 'network.port.address_pairs_require_port_security', 'AddressPairAndPortSecurityRequired', 'Port Security must be enabled in order to have allowed address pairs on a port.', { field: 'allowed_address_pairs' });
}

/** The attributes of a port request that `<action>:<attr>` rules look at (`fixed_ips:ip_address`, …). */
function policyAttrs(body: Record<string, unknown>, update: boolean): string[] {
  const attrs = explicitlySet(body, DEFAULTS, update);
  const fixed = body.fixed_ips;
  if (Array.isArray(fixed)) {
    if (fixed.some((f) => f !== null && typeof f === 'object' && (f as Record<string, unknown>).ip_address !== undefined)) attrs.push('fixed_ips:ip_address');
    if (fixed.some((f) => f !== null && typeof f === 'object' && (f as Record<string, unknown>).subnet_id !== undefined)) attrs.push('fixed_ips:subnet_id');
  }
  const pairs = body.allowed_address_pairs;
  if (Array.isArray(pairs)) {
    if (pairs.some((p) => p !== null && typeof p === 'object' && (p as Record<string, unknown>).mac_address !== undefined)) attrs.push('allowed_address_pairs:mac_address');
    if (pairs.some((p) => p !== null && typeof p === 'object' && (p as Record<string, unknown>).ip_address !== undefined)) attrs.push('allowed_address_pairs:ip_address');
  }
  return attrs;
}

/** `POST /v2.0/ports`. */
export function createPort(tx: Tx, ctx: Ctx, input: unknown): PortView {
  const row = createPortFromRequest(tx, ctx, input);
  const s2 = tx.draft as CloudState;
  return showable({ ...ctx, s: s2 }, 'port', portView(s2, row), portTarget(s2, row));
}

/**
 * `POST /v2.0/ports` without the answer: the checks, the policy, the row and its
 * `port.create.end` (its view built only for listeners). What nova's port creation needs.
 */
export function createPortFromRequest(tx: Tx, ctx: Ctx, input: unknown): PortRow {
  const body = bodyOf(input, 'port', CREATE_ATTRIBUTES);
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const owner = ownerOf(ctx, body);
  const name = nameArg(body.name);
  const description = descriptionArg(body.description);
  const adminUp = body.admin_state_up === undefined ? true : booleanArg(body.admin_state_up, 'admin_state_up');
  const deviceId = body.device_id === undefined ? '' : stringArg(body.device_id, 'device_id', 255);
  const deviceOwner = body.device_owner === undefined ? '' : stringArg(body.device_owner, 'device_owner', 255);
  const hostId = body['binding:host_id'] === undefined ? '' : stringArg(body['binding:host_id'], 'binding:host_id', 255);
  const vnic = body['binding:vnic_type'] === undefined ? 'normal' : (VNIC_TYPES as readonly unknown[]).includes(body['binding:vnic_type']) ? (body['binding:vnic_type'] as PortRow['binding_vnic_type']) : (() => { throw attributeInvalid('binding:vnic_type', `'${describeValue(body['binding:vnic_type'])}' is not in ${JSON.stringify(VNIC_TYPES)}`); })();
  const profile = body['binding:profile'] === undefined ? {} : profileArg(body['binding:profile']);
  const mac = body.mac_address === undefined ? undefined : macArg(body.mac_address);
  const fixedIps = body.fixed_ips === undefined ? undefined : fixedIpsArg(body.fixed_ips);
  const network = networkOfBody(c, body);
  const target = { ...body, admin_state_up: adminUp, device_owner: deviceOwner, device_id: deviceId, project_id: owner, tenant_id: owner, network_id: network.id, 'network:tenant_id': network.project_id, 'network:project_id': network.project_id };
  enforce(c, 'create_port', target, policyAttrs(body, false));

  const portSecurity = body.port_security_enabled === undefined ? network.port_security_enabled : booleanArg(body.port_security_enabled, 'port_security_enabled');
  const pairs = body.allowed_address_pairs === undefined || body.allowed_address_pairs === null ? [] : addressPairsArg(body.allowed_address_pairs, mac ?? '');
  if (pairs.length > 0 && !portSecurity) throw pairsRequirePortSecurity();
  let groups: string[];
  if (body.security_groups !== undefined) {
    groups = securityGroupsArg(c, body.security_groups, owner, deviceOwner);
    if (groups.length > 0 && !portSecurity) throw sgRequiresPortSecurity();
  } else groups = portSecurity && !deviceOwner.startsWith('network:') ? [ensureDefaultSecurityGroup(tx, owner)] : [];

  const port = createPortRow(tx, { projectId: owner, network, name, deviceOwner, deviceId, fixedIps, hostId, securityGroups: groups, portSecurity, mac, adminUp, description, addressPairs: pairs, vnicType: vnic, profile });
  // a pair without a MAC takes the port's, which is known only now
  const row = pairs.some((p) => p.mac_address === '') ? { ...port, allowed_address_pairs: pairs.map((p) => (p.mac_address === '' ? { ...p, mac_address: port.mac_address } : p)) } : port;
  if (row !== port) updatePortRow(tx, port, row);
  tx.trace('neutron-server', `create_port ${row.id} on ${network.id} (${row.fixed_ips.map((f) => f.ip_address).join(', ') || 'no address'}, mac ${row.mac_address})`);
  if (hostId !== '') tx.trace('neutron-server', `bind port ${row.id} to ${hostId}: vif_type ${row.binding_vif_type}`);
  const created = row;
  tx.emit('port.create.end', () => ({ port: portView(tx.draft as CloudState, created) }), NEUTRON_PUBLISHER);
  return row;
}

/** `PUT /v2.0/ports/{id}`: names, addresses, groups, pairs, device and binding (bind to a host, or `''` to unbind). */
export function updatePort(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): PortView {
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const port = getPort(c, ref);
  const body = bodyOf(input, 'port', UPDATE_ATTRIBUTES, ['network_id', 'tenant_id', 'project_id']);
  enforceOn(c, 'port', 'update_port', port.id, { ...portTarget(s, port), ...body }, policyAttrs(body, true));
  // `_ensure_default_security_group_handler` (PORT BEFORE_UPDATE)
  if (port.project_id !== '') ensureDefaultSecurityGroup(tx, port.project_id);
  const changes: Changes<PortRow> = {};
  if (body.name !== undefined) changes.name = nameArg(body.name);
  if (body.description !== undefined) changes.description = descriptionArg(body.description);
  if (body.admin_state_up !== undefined) changes.admin_state_up = booleanArg(body.admin_state_up, 'admin_state_up');
  if (body.device_id !== undefined) changes.device_id = stringArg(body.device_id, 'device_id', 255);
  if (body.device_owner !== undefined) changes.device_owner = stringArg(body.device_owner, 'device_owner', 255);
  if (body['binding:host_id'] !== undefined) changes.binding_host_id = body['binding:host_id'] === null ? '' : stringArg(body['binding:host_id'], 'binding:host_id', 255);
  if (body['binding:vnic_type'] !== undefined) {
    if (!(VNIC_TYPES as readonly unknown[]).includes(body['binding:vnic_type'])) throw attributeInvalid('binding:vnic_type', `'${describeValue(body['binding:vnic_type'])}' is not in ${JSON.stringify(VNIC_TYPES)}`);
    changes.binding_vnic_type = body['binding:vnic_type'] as PortRow['binding_vnic_type'];
  }
  if (body['binding:profile'] !== undefined) changes.binding_profile = profileArg(body['binding:profile']);
  if (body.mac_address !== undefined) {
    const mac = macArg(body.mac_address);
    if (mac !== port.mac_address) {
      if (port.binding_vif_type === 'ovs') throw new NeutronError(409, 'network.port.bound', 'PortBound', `Unable to complete operation on port ${port.id}, port is already bound, port type: ovs, old_mac ${port.mac_address}, new_mac ${mac}.`, { field: 'mac_address' });
      if (getRow(s.network.macs, `${port.network_id}/${mac}`) !== undefined) throw macAddressInUse(port.network_id, mac);
      changes.mac_address = mac;
    }
  }
  const portSecurity = body.port_security_enabled === undefined ? port.port_security_enabled : booleanArg(body.port_security_enabled, 'port_security_enabled');
  changes.port_security_enabled = portSecurity;
  const mac = changes.mac_address ?? port.mac_address;
  const pairs = body.allowed_address_pairs === undefined ? port.allowed_address_pairs : body.allowed_address_pairs === null ? [] : addressPairsArg(body.allowed_address_pairs, mac);
  const groups = body.security_groups === undefined ? port.security_groups : securityGroupsArg(c, body.security_groups, port.project_id, changes.device_owner ?? port.device_owner);
  if (!portSecurity) {
    if (body.port_security_enabled !== undefined && body.security_groups === undefined && groups.length > 0) {
      throw new NeutronError(409, 'network.port.has_security_groups', 'PortSecurityPortHasSecurityGroup', 'Port has security group associated. Cannot disable port security or IP address until security group is removed.', { field: 'port_security_enabled' });
    }
    if (groups.length > 0) throw sgRequiresPortSecurity();
    if (pairs.length > 0) throw pairsRequirePortSecurity();
  }
  changes.allowed_address_pairs = pairs;
  changes.security_groups = groups;

  changes.fixed_ips = body.fixed_ips === undefined ? port.fixed_ips : changeFixedIps(tx, port, fixedIpsArg(body.fixed_ips), mac, changes.device_owner ?? port.device_owner);
  const hostId = changes.binding_host_id ?? port.binding_host_id;
  const adminUp = changes.admin_state_up ?? port.admin_state_up;
  Object.assign(changes, bindingOf(s, hostId, adminUp, changes.device_owner ?? port.device_owner, port.network_id));
  const row = revised(tx, port, changes);
  updatePortRow(tx, port, row);
  if (hostId !== port.binding_host_id) tx.trace('neutron-server', hostId === '' ? `unbind port ${port.id} from ${port.binding_host_id}` : `bind port ${port.id} to ${hostId}: vif_type ${row.binding_vif_type}, status ${row.status}`);
  const view = portView(s, row);
  tx.emit('port.update.end', () => ({ port: view }), NEUTRON_PUBLISHER);
  return showable(c, 'port', view, portTarget(s, row));
}

/** `DELETE /v2.0/ports/{id}`: router and floating IP ports are refused (`prevent_l3_port_deletion`). */
export function deletePort(tx: Tx, ctx: Ctx, ref: unknown): void {
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const port = getPort(c, ref);
  enforceOn(c, 'port', 'delete_port', port.id, portTarget(s, port));
  // `prevent_l3_port_deletion`: a port a router holds (`routerports`) or a floating IP holds (its `device_id`), with addresses
  const held = port.device_owner === 'network:floatingip' ? getRow(s.network.floatingips, port.device_id)?.floating_port_id === port.id : getRow(s.network.router_ports, `${port.device_id}/${port.id}`) !== undefined;
  if (ROUTER_PORT_OWNERS.includes(port.device_owner) && held && port.fixed_ips.length > 0) {
    throw new NeutronError(409, 'network.port.service_port', 'ServicePortInUse', `Port ${port.id} cannot be deleted directly via the port API: has device owner ${port.device_owner}.`, { port_id: port.id });
  }
  const view = portView(s, port);
  deletePortRow(tx, port);
  tx.trace('neutron-server', `delete_port ${port.id}`);
  tx.emit('port.delete.end', () => ({ port_id: port.id, port: view }), NEUTRON_PUBLISHER);
}

