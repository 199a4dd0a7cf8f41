/**
 * Routers (`/v2.0/routers`), as Zed's L3 service plugin (`neutron/services/l3_router/l3_router_plugin.py`)
 * builds them from its mixins, with the extensions DevStack loads with the default `router`
 * service plugin (`router`, `ext-gw-mode`, `extraroute`, `dvr`, `l3-ha`,
 * `router_availability_zone`, `l3-flavors`, `l3_agent_scheduler`, `standard-attr-*`):
 * - `create_router` / `update_router` / `delete_router` of `neutron/db/l3_db.py`
 *   (`_create_router_db`, `_update_router_gw_info`, `_validate_gw_info`, `_create_gw_port`,
 *   `_delete_current_gw_port`, `_check_for_external_ip_change`, `_ensure_router_not_in_use`),
 *   `enable_snat` as `neutron/db/l3_gwmode_db.py` (`_get_enable_snat`: the request's value, else
 *   `[DEFAULT] enable_snat_by_default`, true — also whenever the gateway is set again without it),
 *   `routes` as `neutron/db/extraroute_db.py` (`_validate_routes`: at most `max_routes` 30, each
 *   nexthop on a subnet of a router port and none of the router's own addresses; an interface a
 *   route needs cannot be removed);
 * - interfaces as `add_router_interface` / `remove_router_interface`
 *   (`_validate_interface_info`, `_check_router_port`, `_validate_router_port_info`,
 *   `_check_for_dup_router_subnets`, `_add_interface_by_subnet` (a port with the subnet's
 *   `gateway_ip`, owned by the router's project; a second IPv6 subnet of one network joins the
 *   existing IPv6 router port), `_add_interface_by_port`, `_remove_interface_by_port`,
 *   `_remove_interface_by_subnet`, `_check_router_interface_not_in_use`), answering
 *   `_make_router_interface_info` and notifying `router.interface.create` / `.delete`
 *   (`L3_NAT_db_mixin.notify_router_interface_action`);
 * - the gateway port (`_create_router_gw_port`): project `''`, `device_owner`
 *   `network:router_gateway`, an address on each subnet kind of the external network (or the
 *   `external_fixed_ips` asked for);
 * - scheduling (`LeastRoutersScheduler`, `neutron/scheduler/l3_agent_scheduler.py`): a router goes
 *   to the live L3 agent hosting the fewest routers when it is created (Neutron schedules it on its
 *   first notification: a gateway or an interface) and, while unscheduled, again on each later
 *   change; its gateway and interface ports are bound to that agent's host, as the agent does
 *   (`l3_rpc._ensure_host_set_on_ports`). With no live L3 agent it stays unscheduled
 *   (`l3_agent_id` null, its ports unbound).
 *
 * Policy: Zed's rules with Neutron's attribute rules (`create_router:external_gateway_info`, its
 * sub-attributes `:network_id`, `:enable_snat`, `:external_fixed_ips`, `:distributed`, `:ha`;
 * `get_router:distributed` / `:ha` hide those attributes from non-admins). Zed's pecan API does not
 * enforce `add_router_interface` / `remove_router_interface` (its policy hook skips member
 * actions); stacksim enforces them, as their registered defaults say.
 *
 * Not simulated: DVR and HA (`distributed` / `ha` are stored and shown, changing them needs the
 * router down as Zed requires, but nothing else follows: no HA network, no SNAT ports),
 * router flavors (`flavor_id` is null; any other value is `FlavorNotFound`), availability-zone
 * aware scheduling (hints are checked against the L3 agents' zones and stored; Zed's default
 * scheduler ignores them too), `add_extraroutes` / `remove_extraroutes`, conntrack helpers,
 * NDP proxy, QoS on the gateway.
 */
import { NEUTRON_PUBLISHER } from './events.js';
import { floatingIpsOfRouter, storeFloatingIp } from './floatingip_rows.js';
import { deleteRow, getRow, setRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { agentView, isAliveAgent, pickAgent, type AgentView } from './agents.js';
import { enforce, enforceOn, enforceShow, indexed, projectScoped, resolveRow, showable, type Ctx } from './context.js';
import { bodyOf, listViews } from './controller.js';
import { NeutronError, attributeInvalid, inUse, invalidInput } from './errors.js';
import { canonicalIp, ipAddressReason, netaddrAddress, netaddrNetwork, networkOf, pyRepr, pyStr } from './ipam/addresses.js';
import { isDict, routeCidrReason, type HostRoute } from './ipam/subnets.js';
import { explicitlySet, getNetwork, ownerOf } from './networks.js';
import { bindingOf, changeFixedIps, createPortRow, deletePortRow, subnetsOf, updatePortRow } from './ports.js';
import { releaseQuota, useQuota } from './quota.js';
import { descriptionArg, nameArg, revised, standardAttrs, standardView, booleanArg, uuidReason } from './standard.js';

import type { AgentRow, NetworkRow, PortRow, RouterRow, SubnetRow } from './types.js';

type S = CloudState;

/** `DEVICE_OWNER_ROUTER_GW`. */
export const OWNER_ROUTER_GATEWAY = 'network:router_gateway';
/** `DEVICE_OWNER_ROUTER_INTF`: what `_get_device_owner` answers for a legacy router. */
export const OWNER_ROUTER_INTERFACE = 'network:router_interface';
/** `[DEFAULT] max_routes` (`neutron/conf/db/extraroute_db.py`). */
export const MAX_ROUTES = 30;
/** `[DEFAULT] enable_snat_by_default` (`neutron/conf/db/l3_gwmode_db.py`). */
export const ENABLE_SNAT_BY_DEFAULT = true;
/** `[DEFAULT] router_distributed` and `l3_ha`: what a router is unless an admin says otherwise. */
const ROUTER_DISTRIBUTED = false;
const L3_HA = false;

/** One external address of a router's gateway. */
export interface ExternalFixedIp {
  readonly subnet_id: string;
  readonly ip_address: string;
}

/** `external_gateway_info` as a router shows it (`_make_router_dict`, `_extend_router_dict_gw_mode`). */
export interface ExternalGatewayInfo {
  readonly network_id: string;
  readonly enable_snat: boolean;
  readonly external_fixed_ips: readonly ExternalFixedIp[];
}

/** A router as `GET /v2.0/routers/{id}` shows it. */
export interface RouterView {
  readonly id: string;
  readonly name: string;
  readonly tenant_id: string;
  readonly project_id: string;
  readonly admin_state_up: boolean;
  readonly status: string;
  readonly external_gateway_info: ExternalGatewayInfo | null;
  readonly description: string;
  readonly availability_zone_hints: readonly string[];
  readonly availability_zones: readonly string[];
  /** Admin only (`get_router:distributed`). */
  readonly distributed?: boolean;
  /** Admin only (`get_router:ha`). */
  readonly ha?: boolean;
  readonly routes: readonly HostRoute[];
  readonly flavor_id: string | null;
  readonly tags: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly revision_number: number;
}

/** What `add_router_interface` / `remove_router_interface` answer (`_make_router_interface_info`). */
export interface RouterInterfaceInfo {
  /** The router's id. */
  readonly id: string;
  readonly tenant_id: string;
  readonly project_id: string;
  readonly port_id: string;
  readonly network_id: string;
  /** The last subnet (deprecated by IPv6 multi-prefix ports). */
  readonly subnet_id: string;
  readonly subnet_ids: readonly string[];
}

/** The body of `POST /v2.0/routers`. */
export interface RouterCreateRequest {
  readonly name?: string;
  readonly description?: string;
  readonly admin_state_up?: boolean;
  /** `{ network_id, enable_snat? (admin), external_fixed_ips? (admin) }`; null or `{}` for none. */
  readonly external_gateway_info?: { readonly network_id: string; readonly enable_snat?: boolean; readonly external_fixed_ips?: readonly FixedIpRequest[] } | Record<string, never> | null;
  /** Admin only; stored, not simulated. */
  readonly distributed?: boolean | null;
  /** Admin only; stored, not simulated. */
  readonly ha?: boolean | null;
  readonly availability_zone_hints?: readonly string[];
  readonly project_id?: string;
  readonly tenant_id?: string;
}

/** The body of `PUT /v2.0/routers/{id}`. */
export interface RouterUpdateRequest {
  readonly name?: string;
  readonly description?: string;
  readonly admin_state_up?: boolean;
  readonly external_gateway_info?: RouterCreateRequest['external_gateway_info'];
  /** Static routes (extraroute); null for none. */
  readonly routes?: readonly HostRoute[] | null;
  readonly distributed?: boolean | null;
  readonly ha?: boolean | null;
}

/** The body of `add_router_interface` / `remove_router_interface`: a subnet or a port (removal may give both). */
export interface RouterInterfaceRequest {
  readonly subnet_id?: string;
  readonly port_id?: string;
}

/** Every attribute of a router's view. */
export const ROUTER_ATTRIBUTES = [
  'id', 'name', 'tenant_id', 'project_id', 'admin_state_up', 'status', 'external_gateway_info', 'description', 'availability_zone_hints', 'availability_zones',
  'distributed', 'ha', 'routes', 'flavor_id', 'tags', 'created_at', 'updated_at', 'revision_number',
] as const;
/** Shown but not `is_filter` in Zed's attribute maps (a filter on them is a 400 with `filter_validation`). */
const NOT_FILTERABLE = ['status', 'external_gateway_info', 'availability_zone_hints', 'availability_zones', 'distributed', 'ha', 'routes', 'flavor_id', 'created_at', 'updated_at'];

const CREATE_ATTRIBUTES = ['name', 'admin_state_up', 'external_gateway_info', 'description', 'tenant_id', 'project_id', 'distributed', 'ha', 'availability_zone_hints', 'flavor_id'];
/** `allow_post: False` attributes: "Attribute 'x' not allowed in POST". */
const NOT_IN_POST = ['id', 'status', 'routes', 'availability_zones'];
const UPDATE_ATTRIBUTES = ['name', 'admin_state_up', 'external_gateway_info', 'description', 'routes', 'distributed', 'ha'];
const READ_ONLY = ['id', 'tenant_id', 'project_id', 'status', 'availability_zone_hints', 'availability_zones', 'flavor_id'];
const DEFAULTS: Readonly<Record<string, unknown>> = { name: '', admin_state_up: true, external_gateway_info: null, description: '' };

// ------------------------------------------------------------------------------ errors

/** 400 `BadRequest`: "Bad <resource> request: <msg>." */
export function l3BadRequest(resource: 'router' | 'floatingip', condition: string, msg: string, field?: string): NeutronError {
  return new NeutronError(400, `network.${resource}.${condition}`, 'BadRequest', `Bad ${resource} request: ${msg}.`, field === undefined ? {} : { field });
}

function notAllowedInPost(body: Record<string, unknown>, keys: readonly string[]): void {
  const k = keys.find((x) => body[x] !== undefined);
  if (k !== undefined) throw new NeutronError(400, 'network.input.not_allowed_in_post', 'HTTPBadRequest', `Attribute '${k}' not allowed in POST`, { field: k });
}

// ------------------------------------------------------------------------------ input

/** `convert_to_boolean_if_not_none` (`distributed`, `ha`): null is "not specified". */
function optionalBoolean(value: unknown, field: string): boolean | null {
  return value === undefined || value === null ? null : booleanArg(value, field, `network.router.invalid_${field}`);
}

/** Python's truthiness of a JSON-like value. */
function pyFalsy(value: unknown): boolean {
  return value === null || value === undefined || value === false || value === 0 || value === '' || (Array.isArray(value) && value.length === 0) || (isDict(value) && Object.keys(value).every((k) => value[k] === undefined));
}

/** One requested fixed IP (`type:fixed_ips`). */
export interface FixedIpRequest {
  readonly subnet_id?: string;
  readonly ip_address?: string;
}

/** neutron-lib `validate_fixed_ips`: the list, or the reason it is refused. */
export function fixedIpsReason(value: unknown): { ok: FixedIpRequest[] } | { reason: string } {
  if (!Array.isArray(value)) return { reason: `Invalid data format for fixed IP: '${pyStr(value)}'` };
  if (value.length > 100) return { reason: `at most 100 fixed IPs, got ${value.length}` };
  const seen: string[] = [];
  const out: FixedIpRequest[] = [];
  for (const f of value as unknown[]) {
    if (!isDict(f)) return { reason: `Invalid data format for fixed IP: '${pyStr(f)}'` };
    const extra = Object.keys(f).filter((k) => k !== 'subnet_id' && k !== 'ip_address' && f[k] !== undefined);
    if (extra.length > 0) return { reason: `Unrecognized attribute(s) '${extra.join(', ')}'` };
    const entry: { subnet_id?: string; ip_address?: string } = {};
    if (f.ip_address !== undefined) {
      if (typeof f.ip_address === 'string' && seen.includes(f.ip_address)) return { reason: `Duplicate IP address '${f.ip_address}'` };
      const reason = ipAddressReason(f.ip_address);
      if (reason !== undefined) return { reason };
      seen.push(f.ip_address as string);
      entry.ip_address = canonicalIp(f.ip_address as string);
    }
    if (f.subnet_id !== undefined) {
      const reason = uuidReason(f.subnet_id);
      if (reason !== undefined) return { reason };
      entry.subnet_id = f.subnet_id as string;
    }
    out.push(entry);
  }
  return { ok: out };
}

/** The parsed `external_gateway_info` of a request. */
interface GatewayRequest {
  readonly network_id: string;
  /** Absent: `enable_snat_by_default`. */
  readonly enable_snat?: boolean;
  readonly external_fixed_ips?: readonly FixedIpRequest[];
  /** The sub-attributes given (for the `<action>:external_gateway_info:<sub>` rules). */
  readonly keys: readonly string[];
}

const GATEWAY_KEYS = ['network_id', 'enable_snat', 'external_fixed_ips'];

/**
 * `external_gateway_info` through `type:dict_or_nodata` (`validate_dict_or_nodata`): a falsy
 * value (null, `{}`) clears the gateway; a dict needs `network_id` and only the known keys.
 */
function gatewayArg(value: unknown): GatewayRequest | null {
  const field = 'external_gateway_info';
  if (pyFalsy(value)) return null;
  if (!isDict(value)) throw attributeInvalid(field, `'${pyStr(value)}' is not a dictionary`, 'network.router.invalid_gateway');
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  if (!keys.includes('network_id')) {
    throw attributeInvalid(field, `Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {${keys.map((k) => pyRepr(k)).join(', ')}}`, 'network.router.invalid_gateway');
  }
  const unexpected = keys.filter((k) => !GATEWAY_KEYS.includes(k));
  if (unexpected.length > 0) throw attributeInvalid(field, `Unexpected keys supplied: ${unexpected.join(', ')}`, 'network.router.invalid_gateway');
  const netReason = uuidReason(value.network_id);
  if (netReason !== undefined) throw attributeInvalid(field, netReason, 'network.router.invalid_gateway');
  const out: { network_id: string; enable_snat?: boolean; external_fixed_ips?: FixedIpRequest[]; keys: string[] } = { network_id: value.network_id as string, keys };
  if (value.enable_snat !== undefined) out.enable_snat = booleanArg(value.enable_snat, field, 'network.router.invalid_gateway');
  if (value.external_fixed_ips !== undefined) {
    const r = fixedIpsReason(value.external_fixed_ips);
    if ('reason' in r) throw attributeInvalid(field, r.reason, 'network.router.invalid_gateway');
    out.external_fixed_ips = r.ok;
  }
  return out;
}

/** Python's set repr of keys, in the order given. */
function setRepr(keys: readonly string[]): string {
  return keys.length === 0 ? 'set()' : `{${keys.map((k) => pyRepr(k)).join(', ')}}`;
}

/**
 * `routes` through `convert_none_to_empty_list` and `type:hostroutes` (`validate_hostroutes`):
 * a list of unique `{ destination, nexthop }`; stored as `str(netaddr…)` shows them.
 */
function routesArg(value: unknown): HostRoute[] {
  const field = 'routes';
  if (value === null) return [];
  if (!Array.isArray(value)) throw attributeInvalid(field, `Invalid data format for hostroute: '${pyStr(value)}'`, 'network.router.invalid_routes');
  if (value.length > 10_000) throw attributeInvalid(field, `at most 10000 routes, got ${value.length}`, 'network.router.invalid_routes');
  const out: HostRoute[] = [];
  for (const r of value as unknown[]) {
    if (!isDict(r)) throw attributeInvalid(field, `Invalid input. '${pyStr(r)}' must be a dictionary with keys: ['destination', 'nexthop']`, 'network.router.invalid_routes');
    const keys = Object.keys(r);
    if (keys.length !== 2 || !keys.includes('destination') || !keys.includes('nexthop')) {
      throw attributeInvalid(field, `Validation of dictionary's keys failed. Expected keys: {'destination', 'nexthop'} Provided keys: ${setRepr(keys)}`, 'network.router.invalid_routes');
    }
    const reason = routeCidrReason(r.destination) ?? ipAddressReason(r.nexthop);
    if (reason !== undefined) throw attributeInvalid(field, reason, 'network.router.invalid_routes');
    const d = netaddrNetwork(r.destination as string);
    const route = { destination: d.ok ? networkOf(d.version, d.value, d.prefixlen).cidr : (r.destination as string), nexthop: canonicalIp(r.nexthop as string) };
    // Zed compares the raw dicts; the same route spelled twice would break the routerroutes key, so the canonical forms are compared
    if (out.some((h) => h.destination === route.destination && h.nexthop === route.nexthop)) throw attributeInvalid(field, `Duplicate hostroute '${pyRepr(r)}'`, 'network.router.invalid_routes');
    out.push(route);
  }
  return out;
}

/** `availability_zone_hints` (`type:availability_zone_hint_list`): unique strings of at most 255 characters, at most 255 characters as JSON. */
function zoneHintsArg(value: unknown): string[] {
  const field = 'availability_zone_hints';
  if (!Array.isArray(value)) throw attributeInvalid(field, `'${pyStr(value)}' is not a list`, 'network.router.invalid_availability_zone_hints');
  if (value.length > 255) throw invalidInput('network.router.invalid_availability_zone_hints', 'Too many availability_zone_hints specified', field);
  const out: string[] = [];
  for (const z of value as unknown[]) {
    if (typeof z !== 'string') throw attributeInvalid(field, `'${pyStr(z)}' is not a valid string`, 'network.router.invalid_availability_zone_hints');
    if (z.length > 255) throw attributeInvalid(field, `'${z.slice(0, 32)}…' exceeds maximum length of 255`, 'network.router.invalid_availability_zone_hints');
    if (out.includes(z)) throw attributeInvalid(field, `Duplicate items in the list: '${z}'`, 'network.router.invalid_availability_zone_hints');
    out.push(z);
  }
  if (JSON.stringify(out).length > 255) throw invalidInput('network.router.invalid_availability_zone_hints', 'Too many availability_zone_hints specified', field);
  return out;
}

// ------------------------------------------------------------------------------ rows and views

/** The model query's filter on routers: an admin (or advsvc) sees every router, anyone else its project's. */
export function routerVisible(ctx: Ctx, row: RouterRow): boolean {
  return !projectScoped(ctx) || row.project_id === ctx.projectId;
}

/** The router a reference names among those the caller may see (404 `RouterNotFound` otherwise). */
export function getRouter(ctx: Ctx, ref: unknown, field = 'router'): RouterRow {
  return resolveRow(ctx, 'router', ctx.s.network.routers, (r) => routerVisible(ctx, r), ref, field);
}

/** A router's gateway port, if it has one. */
export function gatewayPortOf(s: S, router: RouterRow): PortRow | undefined {
  return router.gw_port_id === null ? undefined : getRow(s.network.ports, router.gw_port_id);
}

/** A router's ports (`routerports`: its gateway and interfaces), oldest first. */
export function routerPortsOf(s: S, routerId: string): PortRow[] {
  return indexed(s.network.router_ports, routerId)
    .map((id) => getRow(s.network.ports, id))
    .filter((p): p is PortRow => p !== undefined)
    .sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Records a port as the router's (`RouterPort`): only router code calls it. */
export function attachRouterPort(tx: Tx, routerId: string, portId: string): void {
  setRow(tx.draft.network.router_ports, `${routerId}/${portId}`, portId);
}

/** A router's interface ports (`port_type` `network:router_interface`). */
export function interfacePortsOf(s: S, routerId: string): PortRow[] {
  return routerPortsOf(s, routerId).filter((p) => p.device_owner === OWNER_ROUTER_INTERFACE);
}

/** The L3 agent hosting a router, if any. */
export function l3AgentOf(s: S, router: RouterRow): AgentRow | undefined {
  return router.l3_agent_id === null ? undefined : getRow(s.network.agents, router.l3_agent_id);
}

/** Whether a router forwards: up, and hosted by an L3 agent that is alive and up. */
export function routerServed(s: S, router: RouterRow): boolean {
  const agent = l3AgentOf(s, router);
  return router.admin_state_up && agent !== undefined && agent.admin_state_up && isAliveAgent(s, agent);
}

/** The full view of a router (before attribute policy). */
export function routerView(ctx: Ctx, row: RouterRow): RouterView {
  const s = ctx.s;
  const gw = gatewayPortOf(s, row);
  const agent = l3AgentOf(s, row);
  return {
    id: row.id,
    name: row.name,
    ...(standardView(s, row) as Pick<RouterView, 'tenant_id' | 'project_id' | 'description' | 'tags' | 'created_at' | 'updated_at' | 'revision_number'>),
    admin_state_up: row.admin_state_up,
    status: row.status,
    external_gateway_info: gw === undefined ? null : { network_id: gw.network_id, enable_snat: row.enable_snat, external_fixed_ips: gw.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })) },
    availability_zone_hints: [...row.availability_zone_hints],
    availability_zones: agent?.availability_zone ? [agent.availability_zone] : [],
    distributed: row.distributed,
    ha: row.ha,
    routes: row.routes.map((r) => ({ destination: r.destination, nexthop: r.nexthop })),
    flavor_id: null,
  };
}

/** The policy target of a router: its view (with `project_id` / `tenant_id`). */
export function routerTarget(ctx: Ctx, row: RouterRow): Record<string, unknown> {
  return { ...routerView(ctx, row) };
}

/** `GET /v2.0/routers/{id}`. */
export function showRouter(ctx: Ctx, ref: unknown): RouterView {
  const router = getRouter(ctx, ref);
  const target = routerTarget(ctx, router);
  enforceShow(ctx, 'router', router.id, target);
  return showable(ctx, 'router', routerView(ctx, router), target);
}

/** `GET /v2.0/routers`. */
export function listRouters(ctx: Ctx, query: unknown = {}): RouterView[] {
  const rows = [...tableValues(ctx.s.network.routers)].filter((r) => routerVisible(ctx, r));
  return listViews(ctx, { resource: 'router', rows, attributes: ROUTER_ATTRIBUTES, notFilterable: NOT_FILTERABLE, target: (r) => routerTarget(ctx, r), view: (r) => routerView(ctx, r) as unknown as Record<string, unknown> }, query) as unknown as RouterView[];
}

/** `GET /v2.0/routers/{id}/l3-agents` (`get_l3-agents`, admin): the L3 agents hosting a router. */
export function listL3AgentsHostingRouter(ctx: Ctx, ref: unknown): AgentView[] {
  enforce(ctx, 'get_l3-agents', {});
  const router = getRouter(ctx, ref);
  const agent = l3AgentOf(ctx.s, router);
  return agent === undefined ? [] : [agentView(ctx.s, agent)];
}

// ------------------------------------------------------------------------------ topology helpers

interface Net {
  readonly version: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

function netOf(cidr: string): Net | undefined {
  const n = netaddrNetwork(cidr);
  if (!n.ok) return undefined;
  const v = networkOf(n.version, n.value, n.prefixlen);
  return { version: v.version, first: v.first, last: v.last };
}

/** `netaddr.all_matching_cidrs(ip, [cidr])` non-empty: the address lies in the CIDR. */
export function addressIn(ip: string, cidr: string): boolean {
  const a = netaddrAddress(ip);
  const n = netOf(cidr);
  return a !== undefined && n !== undefined && a.version === n.version && n.first <= a.value && a.value <= n.last;
}

/** `all_matching_cidrs(new, [cidr]) or all_matching_cidrs(cidr, [new])` for two subnets' CIDRs. */
function cidrsOverlap(a: string, b: string): boolean {
  const x = netOf(a);
  const y = netOf(b);
  if (x === undefined || y === undefined || x.version !== y.version) return false;
  return (y.first <= x.first && x.first <= y.last) || (x.first <= y.first && y.first <= x.last);
}

export function isV6(ip: string): boolean {
  return netaddrAddress(ip)?.version === 6;
}

export function subnetRow(s: S, id: string): SubnetRow | undefined {
  return getRow(s.network.subnets, id);
}

/** `_check_for_dup_router_subnets`: the router has no port on these subnets and none of its subnets overlaps them. */
export function checkForDupRouterSubnets(s: S, router: RouterRow, newSubnets: readonly SubnetRow[]): void {
  const newIds = new Set(newSubnets.map((x) => x.id));
  const routerSubnets: string[] = [];
  for (const p of routerPortsOf(s, router.id)) {
    for (const ip of p.fixed_ips) {
      if (newIds.has(ip.subnet_id)) throw l3BadRequest('router', 'duplicate_subnet', `Router already has a port on subnet ${ip.subnet_id}`, 'subnet_id');
      if (p.device_owner === OWNER_ROUTER_GATEWAY) {
        for (const sub of subnetsOf(s, p.network_id)) if (!routerSubnets.includes(sub.id)) routerSubnets.push(sub.id);
      } else if (!routerSubnets.includes(ip.subnet_id)) routerSubnets.push(ip.subnet_id);
    }
  }
  for (const id of routerSubnets) {
    const sub = subnetRow(s, id);
    if (sub === undefined) continue;
    for (const n of newSubnets) {
      if (cidrsOverlap(n.cidr, sub.cidr)) {
        throw l3BadRequest('router', 'overlapping_subnet', `Cidr ${n.cidr} of subnet ${n.id} overlaps with cidr ${sub.cidr} of subnet ${sub.id}`, 'subnet_id');
      }
    }
  }
}

/** `_validate_subnet_address_mode`: an IPv6 subnet whose RAs come from an external router cannot join a Neutron router. */
export function validateSubnetAddressMode(subnet: SubnetRow): void {
  if (subnet.ip_version === 6 && subnet.ipv6_ra_mode === null && subnet.ipv6_address_mode !== null) {
    throw l3BadRequest('router', 'external_ra_subnet', `IPv6 subnet ${subnet.id} configured to receive RAs from an external router cannot be added to Neutron Router`, 'subnet_id');
  }
}

/** Python's repr of a routes list, as `InvalidRoutes` prints it. */
function routesRepr(routes: readonly HostRoute[]): string {
  return pyRepr(routes.map((r) => ({ destination: r.destination, nexthop: r.nexthop })));
}

/**
 * `_validate_routes`: at most `max_routes`; each nexthop in a CIDR of the router's subnets and
 * none of the router's addresses (`cidrs` / `ips` given by the gateway update, else every port of
 * the router).
 */
function validateRoutes(s: S, routerId: string, routes: readonly HostRoute[], cidrs: string[] = [], ips: string[] = []): void {
  if (routes.length > MAX_ROUTES) {
    throw new NeutronError(400, 'network.router.routes_exhausted', 'RoutesExhausted', `Unable to complete operation for ${routerId}. The number of routes exceeds the maximum ${MAX_ROUTES}.`, { field: 'routes', router_id: routerId });
  }
  if (cidrs.length === 0 && ips.length === 0) {
    for (const p of routerPortsOf(s, routerId).filter((p): p is PortRow => p !== undefined)) {
      for (const f of p.fixed_ips) {
        const sub = subnetRow(s, f.subnet_id);
        if (sub !== undefined) cidrs.push(sub.cidr);
        ips.push(f.ip_address);
      }
    }
  }
  for (const r of routes) {
    if (!cidrs.some((c) => addressIn(r.nexthop, c))) throw invalidRoutes(routes, 'the nexthop is not connected with router');
    if (ips.includes(r.nexthop)) throw invalidRoutes(routes, 'the nexthop is used by router');
  }
}

function invalidRoutes(routes: readonly HostRoute[], reason: string): NeutronError {
  return new NeutronError(400, 'network.router.invalid_routes', 'InvalidRoutes', `Invalid format for routes: ${routesRepr(routes)}, ${reason}`, { field: 'routes' });
}

/** How many floating IPs a router serves (`router_gw_port_has_floating_ips`: `router_id` is the router). */
function floatingIpCountOf(s: S, routerId: string): number {
  return floatingIpsOfRouter(s, routerId).length;
}

// ------------------------------------------------------------------------------ scheduling and binding

/** Binds a router port to the L3 agent's host (what the agent asks of the server for its ports). */
export function bindRouterPort(tx: Tx, port: PortRow, host: string): PortRow {
  if (port.binding_host_id === host) return port;
  const row = revised(tx, port, { binding_host_id: host, ...bindingOf(tx.draft as S, host, port.admin_state_up, port.device_owner, port.network_id) });
  updatePortRow(tx, port, row);
  return row;
}

/**
 * `LeastRoutersScheduler`: an unscheduled router goes to the live, enabled L3 agent hosting the
 * fewest routers; its ports are bound to that agent's host. Returns the router as it now is.
 */
export function scheduleRouter(tx: Tx, router: RouterRow): RouterRow {
  const s = tx.draft as S;
  if (router.l3_agent_id !== null && getRow(s.network.agents, router.l3_agent_id) !== undefined) return router;
  const agent = pickAgent(s, 'L3 agent');
  if (agent === undefined) {
    tx.trace('neutron-server', `l3 scheduler: no live L3 agent can host router ${router.id}; it stays unscheduled (no forwarding until an L3 agent is up)`);
    return router;
  }
  const row: RouterRow = { ...router, l3_agent_id: agent.id };
  setRow(tx.draft.network.routers, router.id, row);
  tx.trace('neutron-server', `l3 scheduler: router ${router.id} → L3 agent on ${agent.host}`);
  for (const p of routerPortsOf(s, router.id)) bindRouterPort(tx, p, agent.host);
  tx.trace('neutron-l3-agent', `${agent.host}: router ${router.id} set up (namespace qrouter-${router.id})`);
  // the agent sets up the router's floating IPs and reports them ACTIVE (update_floatingip_statuses)
  if (routerServed(s, row)) {
    for (const fip of floatingIpsOfRouter(s, row.id)) {
      if (fip.status !== 'ACTIVE') storeFloatingIp(tx, revised(tx, fip, { status: 'ACTIVE' }), fip);
    }
  }
  return row;
}

/** The host a router's new ports are bound to ('' while unscheduled). */
export function routerHost(s: S, router: RouterRow): string {
  return l3AgentOf(s, router)?.host ?? '';
}

// ------------------------------------------------------------------------------ gateway

/** `_check_for_external_ip_change`. */
function externalIpChange(gw: PortRow | undefined, extIps: readonly FixedIpRequest[]): boolean {
  if (extIps.length === 0) return false;
  if (gw === undefined) return true;
  const subnets = new Set(gw.fixed_ips.map((f) => f.subnet_id));
  const newSubnets = new Set(extIps.filter((f) => f.subnet_id).map((f) => f.subnet_id!));
  if (subnets.size !== newSubnets.size || [...subnets].some((x) => !newSubnets.has(x))) return true;
  const ips = new Set(gw.fixed_ips.map((f) => f.ip_address));
  const newIps = new Set(extIps.filter((f) => f.ip_address).map((f) => f.ip_address!));
  return ips.size !== newIps.size || [...ips].some((x) => !newIps.has(x));
}

/** A port's `fixed_ips` replaced by a request, as `update_port` does (`_get_changed_ips_for_port`: same addresses and same subnets are kept). */
function replaceFixedIps(tx: Tx, port: PortRow, requested: readonly FixedIpRequest[]): PortRow {
  const row = revised(tx, port, { fixed_ips: changeFixedIps(tx, port, requested, port.mac_address, port.device_owner) });
  updatePortRow(tx, port, row);
  return row;
}

/**
 * `_validate_gw_info`: the network of the new gateway (external, visible to the caller), no
 * requested address equal to a subnet's gateway, and the router's routes still valid with it.
 */
function validateGwInfo(ctx: Ctx, info: GatewayRequest | null, extIps: readonly FixedIpRequest[], router: RouterRow): NetworkRow | null {
  const s = ctx.s;
  let network: NetworkRow | null = null;
  if (info !== null) {
    network = getNetwork(ctx, { id: info.network_id }, 'external_gateway_info');
    if (!network.external) throw l3BadRequest('router', 'gateway_not_external', `Network ${network.id} is not an external network`, 'external_gateway_info');
    const subnets = subnetsOf(s, network.id);
    for (const ext of extIps) {
      for (const sub of subnets) {
        if (sub.gateway_ip !== null && ext.ip_address === sub.gateway_ip) throw l3BadRequest('router', 'gateway_ip_conflict', `External IP ${ext.ip_address} is the same as the gateway IP`, 'external_gateway_info');
      }
    }
  }
  if (router.routes.length === 0) return network;
  const cidrs: string[] = [];
  const ips: string[] = [];
  for (const p of routerPortsOf(s, router.id)) {
    if (p.id === router.gw_port_id) continue;
    for (const f of p.fixed_ips) {
      const sub = subnetRow(s, f.subnet_id);
      if (sub !== undefined) cidrs.push(sub.cidr);
      ips.push(f.ip_address);
    }
  }
  if (network !== null) for (const sub of subnetsOf(s, network.id)) cidrs.push(sub.cidr);
  validateRoutes(s, router.id, router.routes, cidrs, ips);
  return network;
}

/**
 * `_update_router_gw_info` with `ext-gw-mode`: `enable_snat` as asked (else the default), then
 * the gateway port changed in place (same network, other addresses), or the old one deleted
 * (refused while floating IPs use it) and a new one created on the new network.
 */
function updateGateway(tx: Tx, ctx: Ctx, router: RouterRow, info: GatewayRequest | null): RouterRow {
  const s = tx.draft as S;
  const c = { ...ctx, s };
  let row: RouterRow = { ...router, enable_snat: info?.enable_snat ?? ENABLE_SNAT_BY_DEFAULT };
  const gw = gatewayPortOf(s, row);
  const extIps = info?.external_fixed_ips ?? [];
  const ipChange = externalIpChange(gw, extIps);
  const network = validateGwInfo(c, info, extIps, row);
  const networkId = network?.id ?? null;
  if (gw !== undefined && ipChange && gw.network_id === networkId) {
    const port = replaceFixedIps(tx, gw, extIps);
    tx.trace('neutron-server', `router ${row.id}: gateway port ${gw.id} now ${port.fixed_ips.map((f) => f.ip_address).join(', ')}`);
  } else {
    if (gw !== undefined && gw.network_id !== networkId) {
      if (floatingIpCountOf(s, row.id) > 0) {
        throw inUse('network.router.gateway_in_use_by_floatingip', 'RouterExternalGatewayInUseByFloatingIp', `Gateway cannot be updated for router ${row.id}, since a gateway to external network ${gw.network_id} is required by one or more floating IPs.`, { router_id: row.id, field: 'external_gateway_info' });
      }
      deletePortRow(tx, gw);
      row = { ...row, gw_port_id: null };
      tx.trace('neutron-server', `router ${row.id}: gateway port ${gw.id} on ${gw.network_id} deleted`);
    }
    if (network !== null && (gw === undefined || gw.network_id !== networkId)) {
      checkForDupRouterSubnets(s, { ...row, gw_port_id: null }, subnetsOf(s, network.id));
      const port = createPortRow(tx, { projectId: '', network, deviceOwner: OWNER_ROUTER_GATEWAY, deviceId: row.id, fixedIps: extIps.length > 0 ? extIps : undefined, hostId: routerHost(s, row), checkQuota: false });
      attachRouterPort(tx, row.id, port.id);
      row = { ...row, gw_port_id: port.id };
      tx.trace('neutron-server', `router ${row.id}: gateway port ${port.id} on ${network.id} (${port.fixed_ips.map((f) => f.ip_address).join(', ') || 'no address'})`);
    }
  }
  setRow(tx.draft.network.routers, row.id, row);
  const after = gatewayPortOf(s, row);
  if (after !== undefined) {
    const host = routerHost(s, row);
    tx.trace('neutron-l3-agent', `${host || '(unscheduled)'}: router ${row.id} gateway qg-${after.id.slice(0, 11)} ${after.fixed_ips.map((f) => f.ip_address).join(', ')}, SNAT ${row.enable_snat ? 'on' : 'off'}`);
  }
  return row;
}

// ------------------------------------------------------------------------------ create / update / delete

/** `POST /v2.0/routers`. */
export function createRouter(tx: Tx, ctx: Ctx, input: unknown): RouterView {
  const s = tx.draft as S;
  const c = { ...ctx, s };
  const body = bodyOf(input, 'router', [...CREATE_ATTRIBUTES, ...NOT_IN_POST]);
  notAllowedInPost(body, NOT_IN_POST);
  const owner = ownerOf(ctx, body);
  const name = nameArg(body.name);
  const description = descriptionArg(body.description);
  const adminUp = body.admin_state_up === undefined ? true : booleanArg(body.admin_state_up, 'admin_state_up', 'network.router.invalid_admin_state_up');
  const gateway = body.external_gateway_info === undefined ? null : gatewayArg(body.external_gateway_info);
  const distributed = optionalBoolean(body.distributed, 'distributed');
  const ha = optionalBoolean(body.ha, 'ha');
  const hints = body.availability_zone_hints === undefined ? [] : zoneHintsArg(body.availability_zone_hints);
  if (body.flavor_id !== undefined && body.flavor_id !== null && typeof body.flavor_id !== 'string') throw attributeInvalid('flavor_id', `'${pyStr(body.flavor_id)}' is not a valid string`, 'network.router.invalid_flavor_id');

  useQuota(tx, owner, { router: 1 });
  const converted: Record<string, unknown> = { ...body, name, description, admin_state_up: adminUp };
  const target = { ...converted, project_id: owner, tenant_id: owner };
  const attrs = explicitlySet(converted, DEFAULTS, false);
  if (body.external_gateway_info !== undefined && body.external_gateway_info !== null && isDict(body.external_gateway_info)) attrs.push(...(gateway?.keys ?? []).map((k) => `external_gateway_info:${k}`));
  enforce(c, 'create_router', target, attrs);

  if (typeof body.flavor_id === 'string') throw new NeutronError(404, 'network.router.flavor_not_found', 'FlavorNotFound', `Flavor ${body.flavor_id} could not be found.`, { field: 'flavor_id' });
  if (hints.length > 0) {
    const zones = new Set([...tableValues(s.network.agents)].filter((a) => a.agent_type === 'L3 agent').map((a) => a.availability_zone));
    const missing = hints.find((z) => !zones.has(z));
    if (missing !== undefined) throw new NeutronError(404, 'network.router.availability_zone_not_found', 'AvailabilityZoneNotFound', `AvailabilityZone ${missing} could not be found.`, { field: 'availability_zone_hints' });
  }

  const id = tx.ids.uuid();
  let row: RouterRow = {
    ...standardAttrs(tx, id, owner, description),
    name,
    admin_state_up: adminUp,
    status: 'ACTIVE',
    gw_port_id: null,
    enable_snat: ENABLE_SNAT_BY_DEFAULT,
    routes: [],
    distributed: distributed ?? ROUTER_DISTRIBUTED,
    ha: ha ?? L3_HA,
    availability_zone_hints: hints,
    l3_agent_id: null,
  };
  setRow(tx.draft.network.routers, id, row);
  tx.trace('neutron-server', `create_router ${id} (${name || 'no name'}) for project ${owner}`);
  row = scheduleRouter(tx, row);
  if (gateway !== null) {
    row = updateGateway(tx, c, row, gateway);
    row = revised(tx, row, {});
    setRow(tx.draft.network.routers, id, row);
  }
  const view = routerView(c, row);
  tx.emit('router.create.end', () => ({ router: view }), NEUTRON_PUBLISHER);
  return showable(c, 'router', view, routerTarget(c, row));
}

/**
 * `PUT /v2.0/routers/{id}`: `name`, `description`, `admin_state_up`, `external_gateway_info`
 * (set, change, or clear with `{}` / null), `routes` (extraroute, validated against the ports the
 * router has now), `distributed` / `ha` (admin; only while the router is down).
 */
export function updateRouter(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): RouterView {
  const s = tx.draft as S;
  const c = { ...ctx, s };
  const router = getRouter(c, ref);
  const body = bodyOf(input, 'router', UPDATE_ATTRIBUTES, READ_ONLY);
  const converted: Record<string, unknown> = { ...body };
  if (body.name !== undefined) converted.name = nameArg(body.name);
  if (body.description !== undefined) converted.description = descriptionArg(body.description);
  if (body.admin_state_up !== undefined) converted.admin_state_up = booleanArg(body.admin_state_up, 'admin_state_up', 'network.router.invalid_admin_state_up');
  const gateway = body.external_gateway_info === undefined ? undefined : gatewayArg(body.external_gateway_info);
  const routes = body.routes === undefined ? undefined : routesArg(body.routes);
  const distributed = optionalBoolean(body.distributed, 'distributed');
  const ha = optionalBoolean(body.ha, 'ha');
  const attrs = Object.keys(body);
  if (isDict(body.external_gateway_info) && gateway) attrs.push(...gateway.keys.map((k) => `external_gateway_info:${k}`));
  enforceOn(c, 'router', 'update_router', router.id, { ...routerTarget(c, router), ...converted }, attrs);

  // extraroute_db.update_router: the routes first, against the router's ports as they are
  let row: RouterRow = router;
  if (routes !== undefined) {
    validateRoutes(s, row.id, routes);
    row = { ...row, routes };
  }
  if (gateway !== undefined) {
    setRow(tx.draft.network.routers, row.id, row);
    row = updateGateway(tx, c, row, gateway);
  }
  const adminUp = (converted.admin_state_up as boolean | undefined) ?? row.admin_state_up;
  if (distributed !== null && distributed !== router.distributed) {
    // l3_dvr_db._validate_router_migration with router-admin-state-down-before-update
    if (router.admin_state_up || adminUp) throw l3BadRequest('router', 'migration_while_up', "Cannot change the 'distributed' attribute of active routers. Please set router admin_state_up to False prior to upgrade", 'distributed');
  }
  if (ha !== null && ha !== router.ha && adminUp) {
    throw l3BadRequest('router', 'migration_while_up', 'Cannot change HA attribute of active routers. Please set router admin_state_up to False prior to upgrade', 'ha');
  }
  const changes: Partial<RouterRow> = { admin_state_up: adminUp };
  if (converted.name !== undefined) (changes as { name?: string }).name = converted.name as string;
  if (converted.description !== undefined) (changes as { description?: string }).description = converted.description as string;
  if (distributed !== null) (changes as { distributed?: boolean }).distributed = distributed;
  if (ha !== null) (changes as { ha?: boolean }).ha = ha;
  row = revised(tx, row, changes);
  setRow(tx.draft.network.routers, row.id, row);
  row = scheduleRouter(tx, row);
  if (routes !== undefined) tx.trace('neutron-l3-agent', `${routerHost(s, row) || '(unscheduled)'}: router ${row.id} routes ${routes.map((r) => `${r.destination} via ${r.nexthop}`).join(', ') || 'none'}`);
  const view = routerView(c, row);
  tx.emit('router.update.end', () => ({ router: view }), NEUTRON_PUBLISHER);
  return showable(c, 'router', view, routerTarget(c, row));
}

/** `DELETE /v2.0/routers/{id}`: `RouterInUse` (409) while interfaces remain; its gateway port goes with it. */
export function deleteRouter(tx: Tx, ctx: Ctx, ref: unknown): void {
  const s = tx.draft as S;
  const c = { ...ctx, s };
  const router = getRouter(c, ref);
  enforceOn(c, 'router', 'delete_router', router.id, routerTarget(c, router));
  const attached = interfacePortsOf(s, router.id);
  if (attached.length > 0) {
    throw inUse('network.router.in_use', 'RouterInUse', `Router ${router.id} has ports still attached: ${attached.map((p) => p.id).join(', ')}`, { router_id: router.id });
  }
  const gw = gatewayPortOf(s, router);
  if (gw !== undefined && floatingIpCountOf(s, router.id) > 0) {
    throw inUse('network.router.gateway_in_use_by_floatingip', 'RouterExternalGatewayInUseByFloatingIp', `Gateway cannot be updated for router ${router.id}, since a gateway to external network ${gw.network_id} is required by one or more floating IPs.`, { router_id: router.id });
  }
  const view = routerView(c, router);
  for (const p of routerPortsOf(s, router.id)) deletePortRow(tx, p);
  deleteRow(tx.draft.network.routers, router.id);
  releaseQuota(tx, router.project_id, { router: 1 });
  tx.trace('neutron-server', `delete_router ${router.id}`);
  const agent = l3AgentOf(s, router);
  if (agent !== undefined) tx.trace('neutron-l3-agent', `${agent.host}: router ${router.id} removed`);
  tx.emit('router.delete.end', () => ({ router_id: router.id, router: view }), NEUTRON_PUBLISHER);
}
