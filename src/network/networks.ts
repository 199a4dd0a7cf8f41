/**
 * Networks (`/v2.0/networks`): ML2's `create_network` / `update_network` / `delete_network`
 * (`neutron/plugins/ml2/plugin.py`, `neutron/db/db_base_plugin_v2.py`), with the segment from
 * ML2's type drivers (`ml2/segments.ts`), `shared` as an RBAC `access_as_shared` entry to `*`
 * (`neutron/db/rbac_db_mixin.py`, `db_base_plugin_v2._make_network_dict`'s per-caller
 * `shared`), `router:external` as an `access_as_external` entry to `*`
 * (`neutron/db/external_net_db.py`), the MTU of the segment (`Ml2Plugin._get_network_mtu`).
 *
 * Not simulated: multi-provider `segments`, `qos_policy_id`, `dns_domain`, network segment
 * ranges, `availability_zone_hints` scheduling (hints are stored and shown).
 */
import { NEUTRON_PUBLISHER } from './events.js';
import { check, deleteRow, describeValue, getRow, peek, setRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { enforce, enforceOn, enforceShow, indexed, networkVisible, rbacEntries, resolveRow, showable, type Ctx } from './context.js';
import { bodyOf, listViews } from './controller.js';
import { NeutronError, attributeInvalid, inUse, networkInUse, requiredAttribute } from './errors.js';
import { allocateTenantSegment, reserveProviderSegment, validateProviderSegment, type SegmentInUseRef } from './ml2/segments.js';
import { networkMtu } from './ml2/config.js';
import { releaseQuota, useQuota } from './quota.js';
import { booleanArg, descriptionArg, nameArg, revised, standardAttrs, standardView, type Changes } from './standard.js';
import { addRbacEntry, removeRbacEntry } from './rbac.js';
import { deletePortRow, portsOf } from './ports.js';
import { ensureDefaultSecurityGroup } from './security_groups.js';
import { deleteSubnetRow } from './subnets.js';
import type { NetworkRow, PortRow, SegmentRow } from './types.js';

/** A network as `GET /v2.0/networks/{id}` shows it (Zed's ML2 with DevStack's extensions). */
export interface NetworkView {
  readonly id: string;
  readonly name: string;
  readonly tenant_id: string;
  readonly project_id: string;
  readonly admin_state_up: boolean;
  readonly mtu: number;
  readonly status: string;
  readonly subnets: readonly string[];
  readonly shared: boolean;
  readonly availability_zone_hints: readonly string[];
  readonly availability_zones: readonly string[];
  readonly ipv4_address_scope: string | null;
  readonly ipv6_address_scope: string | null;
  readonly 'router:external': boolean;
  readonly description: string;
  readonly port_security_enabled: boolean;
  readonly is_default?: boolean;
  readonly l2_adjacency: boolean;
  /** Admin only (`get_network:provider:*`). */
  readonly 'provider:network_type'?: string;
  readonly 'provider:physical_network'?: string | null;
  readonly 'provider:segmentation_id'?: number | null;
  readonly tags: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly revision_number: number;
}

/** A network reference: an id, a name among the networks the caller may see, or `{ id }`. */
export type { NetworkRef } from './context.js';

/** The body of `POST /v2.0/networks` (Neutron's attribute names). */
export interface NetworkCreateRequest {
  readonly name?: string;
  readonly admin_state_up?: boolean;
  /** Shared with every project (an RBAC `access_as_shared` entry to `*`): admin only by default. */
  readonly shared?: boolean;
  /** An external network (routers' gateways, floating IPs): admin only by default. */
  readonly 'router:external'?: boolean;
  /** `flat`, `vlan`, `vxlan`, `geneve`, `gre` or `local`: admin only by default. */
  readonly 'provider:network_type'?: string;
  readonly 'provider:physical_network'?: string;
  readonly 'provider:segmentation_id'?: number;
  readonly port_security_enabled?: boolean;
  readonly mtu?: number;
  readonly availability_zone_hints?: readonly string[];
  readonly description?: string;
  /** Create for another project (admin). */
  readonly project_id?: string;
  readonly tenant_id?: string;
  readonly is_default?: boolean;
}

/** The body of `PUT /v2.0/networks/{id}`. */
export interface NetworkUpdateRequest {
  readonly name?: string;
  readonly admin_state_up?: boolean;
  readonly shared?: boolean;
  readonly 'router:external'?: boolean;
  readonly port_security_enabled?: boolean;
  readonly mtu?: number;
  readonly description?: string;
  readonly is_default?: boolean;
}

/** Every attribute of a network's view (filters and sort keys). */
export const NETWORK_ATTRIBUTES = [
  'id', 'name', 'tenant_id', 'project_id', 'admin_state_up', 'mtu', 'status', 'subnets', 'shared', 'availability_zone_hints', 'availability_zones',
  'ipv4_address_scope', 'ipv6_address_scope', 'router:external', 'description', 'port_security_enabled', 'is_default', 'l2_adjacency',
  'provider:network_type', 'provider:physical_network', 'provider:segmentation_id', 'tags', 'created_at', 'updated_at', 'revision_number',
] as const;

const CREATE_ATTRIBUTES = ['name', 'admin_state_up', 'shared', 'router:external', 'provider:network_type', 'provider:physical_network', 'provider:segmentation_id', 'port_security_enabled', 'mtu', 'availability_zone_hints', 'description', 'tenant_id', 'project_id', 'is_default'];
const UPDATE_ATTRIBUTES = ['name', 'admin_state_up', 'shared', 'router:external', 'port_security_enabled', 'mtu', 'description', 'is_default', 'provider:network_type', 'provider:physical_network', 'provider:segmentation_id'];
const DEFAULTS: Readonly<Record<string, unknown>> = { admin_state_up: true, shared: false, 'router:external': false, port_security_enabled: true, is_default: false };

/** The DHCP agents' availability zones a network is hosted in (`availability_zones`). */
function networkZones(s: CloudState, network: NetworkRow): string[] {
  const zones = new Set<string>();
  for (const agentId of indexed(s.network.network_dhcp_agents, network.id)) {
    const agent = getRow(s.network.agents, agentId);
    if (agent?.availability_zone) zones.add(agent.availability_zone);
  }
  return [...zones].sort();
}

/** The full view of a network for a caller (`shared` is per caller, as `_make_network_dict`). */
export function networkView(ctx: Ctx, network: NetworkRow): NetworkView {
  const s = ctx.s;
  const entries = rbacEntries(s, 'network', network.id);
  const shared = entries.some((r) => r.action === 'access_as_shared' && (r.target_tenant === '*' || r.target_tenant === ctx.projectId));
  return {
    id: network.id,
    name: network.name,
    ...(standardView(s, network) as Pick<NetworkView, 'tenant_id' | 'project_id' | 'description' | 'tags' | 'created_at' | 'updated_at' | 'revision_number'>),
    admin_state_up: network.admin_state_up,
    mtu: network.mtu,
    status: network.status,
    subnets: indexed(s.network.network_subnets, network.id),
    shared,
    availability_zone_hints: [...network.availability_zone_hints],
    availability_zones: networkZones(s, network),
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    'router:external': network.external,
    port_security_enabled: network.port_security_enabled,
    ...(network.external ? { is_default: network.is_default } : { is_default: false }),
    l2_adjacency: true,
    'provider:network_type': network.segment.network_type,
    'provider:physical_network': network.segment.physical_network,
    'provider:segmentation_id': network.segment.segmentation_id,
  };
}

/** The policy target of a network: its attributes, `tenant_id`, and the `shared` / `router:external` the `field:` checks read. */
export function networkTarget(ctx: Ctx, network: NetworkRow): Record<string, unknown> {
  return { ...networkView(ctx, network), network_id: network.id };
}

/** The network a reference names among those the caller may see (404 otherwise). */
export function getNetwork(ctx: Ctx, ref: unknown, field = 'network'): NetworkRow {
  return resolveRow(ctx, 'network', peek(ctx.s, 'network', 'networks'), (n) => networkVisible(ctx, n), ref, field);
}

/** The network a create body's required `network_id` names, by id only (as Neutron reads it): 400 when absent, 404 when the caller may not see it. */
export function networkOfBody(ctx: Ctx, body: Record<string, unknown>): NetworkRow {
  if (body.network_id === undefined) throw requiredAttribute('network_id');
  const id = typeof body.network_id === 'string' ? body.network_id : '';
  // a well-formed id of a network the caller sees is the row the resolver would return; it is
  // read directly (the resolver builds its closures per call); anything else goes through it,
  // which gives the errors
  if (id.length > 0 && id.length <= 255) {
    const row = getRow(peek(ctx.s, 'network', 'networks'), id);
    if (row !== undefined && networkVisible(ctx, row)) return row;
  }
  return getNetwork(ctx, { id }, 'network_id');
}

/** `GET /v2.0/networks/{id}`. */
export function showNetwork(ctx: Ctx, ref: unknown): NetworkView {
  const network = getNetwork(ctx, ref);
  const target = networkTarget(ctx, network);
  enforceShow(ctx, 'network', network.id, target);
  return showable(ctx, 'network', networkView(ctx, network), target);
}

/** `GET /v2.0/networks`. */
export function listNetworks(ctx: Ctx, query: unknown = {}): NetworkView[] {
  const rows = [...tableValues(ctx.s.network.networks)].filter((n) => networkVisible(ctx, n));
  return listViews(ctx, { resource: 'network', rows, attributes: NETWORK_ATTRIBUTES, target: (n) => networkTarget(ctx, n), view: (n) => networkView(ctx, n) as unknown as Record<string, unknown> }, query) as unknown as NetworkView[];
}

/** The project a create acts for: `project_id` / `tenant_id` of the body (equal when both given), else the token's. */
export function ownerOf(ctx: Ctx, body: Record<string, unknown>): string {
  const p = body.project_id;
  const t = body.tenant_id;
  for (const [k, v] of [['project_id', p], ['tenant_id', t]] as const) {
    if (v !== undefined && (typeof v !== 'string' || v.length === 0 || v.length > 255)) throw attributeInvalid(k, `'${describeValue(v)}' is not a valid string`);
  }
  if (p !== undefined && t !== undefined && p !== t) throw new NeutronError(400, 'network.input.project_mismatch', 'HTTPBadRequest', "'project_id' and 'tenant_id' do not match", { field: 'project_id' });
  const owner = (p ?? t ?? ctx.projectId) as string | null;
  if (owner === null) throw new NeutronError(400, 'network.input.project_required', 'HTTPBadRequest', "Failed to parse request. Required attribute 'tenant_id' not specified", { field: 'project_id' });
  // neutron-lib's `_validate_privileges`
  if (owner !== ctx.projectId && !ctx.isAdmin && !ctx.isAdvsvc) {
    throw new NeutronError(400, 'network.input.project_not_allowed', 'HTTPBadRequest', "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges", { field: 'project_id' });
  }
  return owner;
}

/** The attributes a create or update sets explicitly (`_is_attribute_explicitly_set`: given and not the default on create). */
export function explicitlySet(body: Record<string, unknown>, defaults: Readonly<Record<string, unknown>>, update: boolean): string[] {
  return Object.keys(body).filter((k) => update || !Object.hasOwn(defaults, k) || body[k] !== defaults[k]);
}

/**
 * `_ensure_external_network_default_value_callback`: one default external network at a time
 * (409 `DefaultExternalNetworkExists`).
 */
function ensureNoOtherDefault(s: CloudState, networkId: string | null): void {
  for (const n of tableValues(s.network.networks)) {
    if (n.is_default && n.external && n.id !== networkId) throw new NeutronError(409, 'network.network.default_exists', 'DefaultExternalNetworkExists', `A default external network already exists: ${n.id}.`, { field: 'is_default', network_id: n.id });
  }
}

/** Every segment in use in the cloud (for ML2's allocation). */
function segmentsInUse(s: CloudState): SegmentInUseRef[] {
  const out: SegmentInUseRef[] = [];
  for (const n of tableValues(s.network.networks)) out.push(n.segment);
  return out;
}

function zonesArg(value: unknown): string[] {
  const list = check.array(value, 'availability_zone_hints', (v, f) => check.text(v, f, 255), 64);
  return [...new Set(list)];
}

/** `POST /v2.0/networks`. */
export function createNetwork(tx: Tx, ctx: Ctx, input: unknown): NetworkView {
  const body = bodyOf(input, 'network', CREATE_ATTRIBUTES);
  const owner = ownerOf(ctx, body);
  const name = nameArg(body.name);
  const description = descriptionArg(body.description);
  const adminUp = body.admin_state_up === undefined ? true : booleanArg(body.admin_state_up, 'admin_state_up');
  const shared = body.shared === undefined ? false : booleanArg(body.shared, 'shared');
  const external = body['router:external'] === undefined ? false : booleanArg(body['router:external'], 'router:external');
  const portSecurity = body.port_security_enabled === undefined ? true : booleanArg(body.port_security_enabled, 'port_security_enabled');
  const isDefault = body.is_default === undefined ? false : booleanArg(body.is_default, 'is_default');
  const hints = body.availability_zone_hints === undefined ? [] : zonesArg(body.availability_zone_hints);
  const converted = { ...body, admin_state_up: adminUp, shared, 'router:external': external, port_security_enabled: portSecurity, is_default: isDefault };
  const target = { ...converted, project_id: owner, tenant_id: owner };
  enforce(ctx, 'create_network', target, explicitlySet(converted, DEFAULTS, false));

  const s = tx.draft as CloudState;
  const config = s.network.config;
  const provider = validateProviderSegment(body, config.ml2);
  const choose = (n: number): number => tx.random.int(n);
  const reserved = provider === null ? allocateTenantSegment(config.ml2, segmentsInUse(s), choose) : reserveProviderSegment(provider, config.ml2, segmentsInUse(s), choose);
  const segment: SegmentRow = { network_type: reserved.network_type, physical_network: reserved.physical_network, segmentation_id: reserved.segmentation_id };
  const maxMtu = reserved.mtu ?? networkMtu(segment.network_type, config.ml2, segment.physical_network);
  let mtu = maxMtu;
  if (body.mtu !== undefined) {
    const requested = check.integer(body.mtu, 'mtu', 68, 65535);
    if (requested > maxMtu) throw new NeutronError(400, 'network.network.mtu_too_big', 'InvalidInput', `Invalid input for operation: Requested MTU is too big, maximum is ${maxMtu}.`, { field: 'mtu' });
    mtu = requested;
  }
  if (isDefault) ensureNoOtherDefault(s, null);
  useQuota(tx, owner, { network: 1 });
  // `_ensure_default_security_group_handler` (NETWORK BEFORE_CREATE)
  ensureDefaultSecurityGroup(tx, owner);

  const id = tx.ids.uuid();
  const row: NetworkRow = {
    ...standardAttrs(tx, id, owner, description),
    name,
    admin_state_up: adminUp,
    status: 'ACTIVE',
    mtu,
    segment,
    external,
    port_security_enabled: portSecurity,
    availability_zone_hints: hints,
    // `is_default` lives on the external-network row: a network that is not external keeps none
    is_default: isDefault && external,
  };
  setRow(tx.draft.network.networks, id, row);
  if (shared) addRbacEntry(tx, owner, 'network', id, 'access_as_shared', '*');
  if (external) addRbacEntry(tx, owner, 'network', id, 'access_as_external', '*');
  tx.trace('neutron-server', `create_network ${id} (${segment.network_type}${segment.segmentation_id === null ? '' : ` ${segment.segmentation_id}`}${segment.physical_network ? ` on ${segment.physical_network}` : ''}, mtu ${mtu})`);
  const view = networkView({ ...ctx, s }, row);
  tx.emit('network.create.end', () => ({ network: view }), NEUTRON_PUBLISHER);
  return showable(ctx, 'network', view, networkTarget({ ...ctx, s }, row));
}

/** `PUT /v2.0/networks/{id}`. */
export function updateNetwork(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): NetworkView {
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const network = getNetwork(c, ref);
  const body = bodyOf(input, 'network', UPDATE_ATTRIBUTES);
  const changes: Changes<NetworkRow> = {};
  if (body.name !== undefined) changes.name = nameArg(body.name);
  if (body.description !== undefined) changes.description = descriptionArg(body.description);
  if (body.admin_state_up !== undefined) changes.admin_state_up = booleanArg(body.admin_state_up, 'admin_state_up');
  if (body.port_security_enabled !== undefined) changes.port_security_enabled = booleanArg(body.port_security_enabled, 'port_security_enabled');
  const shared = body.shared === undefined ? undefined : booleanArg(body.shared, 'shared');
  const external = body['router:external'] === undefined ? undefined : booleanArg(body['router:external'], 'router:external');
  if (body.is_default !== undefined) {
    changes.is_default = booleanArg(body.is_default, 'is_default');
    if (changes.is_default) ensureNoOtherDefault(s, network.id);
  }
  const converted: Record<string, unknown> = { ...body, ...changes, ...(shared === undefined ? {} : { shared }), ...(external === undefined ? {} : { 'router:external': external }) };
  const target = { ...networkTarget(c, network), ...converted };
  enforceOn(c, 'network', 'update_network', network.id, target, Object.keys(body));

  for (const k of ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id']) {
    if (body[k] !== undefined) throw new NeutronError(400, 'network.network.provider_update', 'InvalidInput', 'Invalid input for operation: Plugin does not support updating the following provider network attributes: ' + k + '.', { field: k });
  }
  if (body.mtu !== undefined) {
    const requested = check.integer(body.mtu, 'mtu', 68, 65535);
    const maxMtu = networkMtu(network.segment.network_type, s.network.config.ml2, network.segment.physical_network);
    if (requested > maxMtu) throw new NeutronError(400, 'network.network.mtu_too_big', 'InvalidInput', `Invalid input for operation: Requested MTU is too big, maximum is ${maxMtu}.`, { field: 'mtu' });
    changes.mtu = requested;
  }
  // the network's ports are read only when sharing or external access is withdrawn (a rename reads none)
  const portsNow = (): PortRow[] => portsOf(s, network.id);
  if (shared === false) {
    const entry = rbacEntries(s, 'network', network.id).find((r) => r.action === 'access_as_shared' && r.target_tenant === '*');
    if (entry !== undefined) {
      const stillShared = rbacEntries(s, 'network', network.id).filter((r) => r.action === 'access_as_shared' && r.target_tenant !== '*').map((r) => r.target_tenant);
      if (portsNow().some((p) => p.project_id !== network.project_id && !p.device_owner.startsWith('network:') && !stillShared.includes(p.project_id))) {
        throw inUse('network.network.shared_in_use', 'InvalidSharedSetting', `Unable to reconfigure sharing settings for network ${network.name}. Multiple tenants are using it.`, { network_id: network.id });
      }
      removeRbacEntry(tx, entry);
    }
  } else if (shared === true && !rbacEntries(s, 'network', network.id).some((r) => r.action === 'access_as_shared' && r.target_tenant === '*')) {
    addRbacEntry(tx, network.project_id, 'network', network.id, 'access_as_shared', '*');
  }
  if (external !== undefined && external !== network.external) {
    if (!external) {
      const used = portsNow().find((p) => p.device_owner === 'network:router_gateway' || p.device_owner === 'network:floatingip');
      if (used !== undefined) throw inUse('network.network.external_in_use', 'ExternalNetworkInUse', `External network ${network.id} cannot be updated to be made non-external, since it has existing gateway ports.`, { network_id: network.id });
      for (const r of rbacEntries(s, 'network', network.id)) if (r.action === 'access_as_external') removeRbacEntry(tx, r);
    } else addRbacEntry(tx, network.project_id, 'network', network.id, 'access_as_external', '*');
    changes.external = external;
  }
  if (!(changes.external ?? network.external)) changes.is_default = false;
  const row = revised(tx, network, changes);
  setRow(tx.draft.network.networks, network.id, row);
  const view = networkView(c, row);
  tx.emit('network.update.end', () => ({ network: view }), NEUTRON_PUBLISHER);
  return showable(ctx, 'network', view, networkTarget(c, row));
}

/** The ports Neutron deletes with their network (`neutron/common/_constants.py` `AUTO_DELETE_PORT_OWNERS`). */
export const AUTO_DELETE_PORT_OWNERS: readonly string[] = ['network:dhcp', 'network:router_interface_distributed', 'network:floatingip_agent_gateway'];

/** `DELETE /v2.0/networks/{id}`: refused (409 `NetworkInUse`) while ports other than its DHCP ports remain. */
export function deleteNetwork(tx: Tx, ctx: Ctx, ref: unknown): void {
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const network = getNetwork(c, ref);
  enforceOn(c, 'network', 'delete_network', network.id, networkTarget(c, network));
  const view = networkView(c, network);
  const ports = indexed(s.network.network_ports, network.id).map((id) => getRow(s.network.ports, id)!);
  if (ports.some((p) => !AUTO_DELETE_PORT_OWNERS.includes(p.device_owner))) throw networkInUse(network.id);
  for (const p of ports) deletePortRow(tx, p);
  for (const subnetId of indexed(s.network.network_subnets, network.id)) deleteSubnetRow(tx, getRow(s.network.subnets, subnetId)!);
  for (const r of rbacEntries(s, 'network', network.id)) removeRbacEntry(tx, r);
  for (const agentId of indexed(s.network.network_dhcp_agents, network.id)) deleteRow(tx.draft.network.network_dhcp_agents, `${network.id}/${agentId}`);
  deleteRow(tx.draft.network.networks, network.id);
  releaseQuota(tx, network.project_id, { network: 1 });
  tx.trace('neutron-server', `delete_network ${network.id}`);
  tx.emit('network.delete.end', () => ({ network_id: network.id, network: view }), NEUTRON_PUBLISHER);
}

