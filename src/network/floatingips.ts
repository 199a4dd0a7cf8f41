/**
 * Floating IPs (`/v2.0/floatingips`), as Zed's `neutron/db/l3_db.py` makes them, with the
 * `fip-port-details` extension (`neutron/db/l3_fip_port_details.py`) and the L3 service plugin's
 * initial status (`L3RouterPlugin.create_floatingip`: `DOWN` until the L3 agent sets it up):
 * - `_create_floatingip`: `floating_network_id` must be an external network the caller sees
 *   (`BadRequest` "Network … is not a valid external network"; "… does not contain any IPv4
 *   subnet"), the address comes from a port on it (`device_owner` `network:floatingip`, project
 *   `''`) allocated as any port's (`floating_ip_address` / `subnet_id` as its fixed IP; the
 *   first IPv4 address is the floating one, none is `ExternalIpAddressExhausted`);
 * - the association (`_update_fip_assoc`, `_check_and_get_fip_assoc`,
 *   `_internal_fip_assoc_data`, `get_router_for_floatingip`): the port must be the floating IP
 *   project's (unless admin), not a DHCP port, with one IPv4 address or the `fixed_ip_address`
 *   asked for; the router is one with an interface on that address's subnet and its gateway on
 *   the floating network (the one whose interface holds the subnet's gateway address first),
 *   else 404 `ExternalGatewayForFloatingIPNotFound`; one fixed IP has at most one floating IP per
 *   external network (`FloatingIPPortAlreadyAssociated`, 409). An update without `port_id`
 *   keeps the association, worked out again (as Zed does, so a port that now has several IPv4
 *   addresses needs `fixed_ip_address` even for a description change);
 * - `status`: `ACTIVE` once associated through a router hosted by a live L3 agent (the agent's
 *   report, which stacksim makes at once), `DOWN` otherwise;
 * - notifications `floatingip.create.end` / `.update.end` / `.delete.end` with the view.
 *
 * Not simulated: DNS integration (`dns_name` / `dns_domain`), QoS (`qos_policy_id`), port
 * forwardings (`port_forwardings`: not shown without the port-forwarding plugin), DVR's VNIC
 * check, floating IP pools' API, the janitor of `PENDING` ports.
 */
import { NEUTRON_PUBLISHER } from './events.js';
import { allocationOf } from './ip_allocation.js';
import { dropFloatingIp, floatingIpsOfPort, storeFloatingIp } from './floatingip_rows.js';
import { getRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { enforce, enforceOn, enforceShow, projectScoped, resolveRow, showable, type Ctx } from './context.js';
import { bodyOf, listViews } from './controller.js';
import { NeutronError, attributeInvalid, inUse, requiredAttribute } from './errors.js';
import { canonicalIp, ipAddressReason, netaddrAddress } from './ipam/addresses.js';
import { explicitlySet, getNetwork, ownerOf } from './networks.js';
import { ROUTER_INTERFACE_OWNERS, createPortRow, deletePortRow, getPort, portsOf, subnetsOf } from './ports.js';
import { releaseQuota, useQuota } from './quota.js';
import { OWNER_ROUTER_GATEWAY, gatewayPortOf, l3AgentOf, l3BadRequest, routerServed } from './routers.js';
import { descriptionArg, revised, standardAttrs, standardView, uuidReason } from './standard.js';
import type { FloatingIpRow, PortRow, RouterRow } from './types.js';

type S = CloudState;

/** `DEVICE_OWNER_FLOATINGIP`. */
export const OWNER_FLOATINGIP = 'network:floatingip';

/** `port_details` (`fip-port-details`): what a floating IP shows of its port. */
export interface FloatingIpPortDetails {
  readonly name: string;
  readonly network_id: string;
  readonly mac_address: string;
  readonly admin_state_up: boolean;
  readonly status: string;
  readonly device_id: string;
  readonly device_owner: string;
}

/** A floating IP as `GET /v2.0/floatingips/{id}` shows it. */
export interface FloatingIpView {
  readonly id: string;
  readonly tenant_id: string;
  readonly project_id: string;
  readonly floating_ip_address: string;
  readonly floating_network_id: string;
  readonly router_id: string | null;
  readonly port_id: string | null;
  readonly fixed_ip_address: string | null;
  readonly status: string;
  readonly description: string;
  readonly port_details: FloatingIpPortDetails | null;
  readonly tags: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly revision_number: number;
}

/** The body of `POST /v2.0/floatingips`. */
export interface FloatingIpCreateRequest {
  readonly floating_network_id: string;
  /** Admin only (`create_floatingip:floating_ip_address`). */
  readonly floating_ip_address?: string | null;
  readonly subnet_id?: string | null;
  readonly port_id?: string | null;
  readonly fixed_ip_address?: string | null;
  readonly description?: string;
  readonly project_id?: string;
  readonly tenant_id?: string;
}

/** The body of `PUT /v2.0/floatingips/{id}`: `port_id: null` disassociates. */
export interface FloatingIpUpdateRequest {
  readonly port_id?: string | null;
  readonly fixed_ip_address?: string | null;
  readonly description?: string;
}

/** Every attribute of a floating IP's view. */
export const FLOATINGIP_ATTRIBUTES = [
  'id', 'tenant_id', 'project_id', 'floating_ip_address', 'floating_network_id', 'router_id', 'port_id', 'fixed_ip_address', 'status', 'description',
  'port_details', 'tags', 'created_at', 'updated_at', 'revision_number',
] as const;
const NOT_FILTERABLE = ['port_details', 'created_at', 'updated_at'];

const CREATE_ATTRIBUTES = ['floating_network_id', 'floating_ip_address', 'subnet_id', 'port_id', 'fixed_ip_address', 'description', 'tenant_id', 'project_id'];
const NOT_IN_POST = ['id', 'router_id', 'status', 'port_details'];
const UPDATE_ATTRIBUTES = ['port_id', 'fixed_ip_address', 'description'];
const READ_ONLY = ['id', 'floating_ip_address', 'floating_network_id', 'subnet_id', 'router_id', 'status', 'tenant_id', 'project_id', 'port_details'];
const DEFAULTS: Readonly<Record<string, unknown>> = { floating_ip_address: null, subnet_id: null, port_id: null, fixed_ip_address: null, description: '' };

// ------------------------------------------------------------------------------ rows and views

/** The model query's filter on floating IPs: an admin sees every one, anyone else its project's. */
export function floatingIpVisible(ctx: Ctx, row: FloatingIpRow): boolean {
  return !projectScoped(ctx) || row.project_id === ctx.projectId;
}

/** The floating IP a reference (its id) names among those the caller may see (404 `FloatingIPNotFound` otherwise). */
export function getFloatingIp(ctx: Ctx, ref: unknown, field = 'floatingip'): FloatingIpRow {
  return resolveRow(ctx, 'floatingip', ctx.s.network.floatingips, (f) => floatingIpVisible(ctx, f), ref, field);
}

/** `_make_port_details_dict`. */
function portDetails(port: PortRow): FloatingIpPortDetails {
  return { name: port.name, network_id: port.network_id, mac_address: port.mac_address, admin_state_up: port.admin_state_up, status: port.status, device_id: port.device_id, device_owner: port.device_owner };
}

/** The full view of a floating IP. */
export function floatingIpView(ctx: Ctx, row: FloatingIpRow): FloatingIpView {
  const s = ctx.s;
  const port = row.port_id === null ? undefined : getRow(s.network.ports, row.port_id);
  return {
    id: row.id,
    ...(standardView(s, row) as Pick<FloatingIpView, 'tenant_id' | 'project_id' | 'description' | 'tags' | 'created_at' | 'updated_at' | 'revision_number'>),
    floating_ip_address: row.floating_ip_address,
    floating_network_id: row.floating_network_id,
    router_id: row.router_id,
    port_id: row.port_id,
    fixed_ip_address: row.fixed_ip_address,
    status: row.status,
    port_details: port === undefined ? null : portDetails(port),
  };
}

/** The policy target of a floating IP. */
export function floatingIpTarget(ctx: Ctx, row: FloatingIpRow): Record<string, unknown> {
  return { ...floatingIpView(ctx, row) };
}

/** `GET /v2.0/floatingips/{id}`. */
export function showFloatingIp(ctx: Ctx, ref: unknown): FloatingIpView {
  const fip = getFloatingIp(ctx, ref);
  const target = floatingIpTarget(ctx, fip);
  enforceShow(ctx, 'floatingip', fip.id, target);
  return showable(ctx, 'floatingip', floatingIpView(ctx, fip), target);
}

/** `GET /v2.0/floatingips`. */
export function listFloatingIps(ctx: Ctx, query: unknown = {}): FloatingIpView[] {
  const rows = [...tableValues(ctx.s.network.floatingips)].filter((f) => floatingIpVisible(ctx, f));
  return listViews(ctx, { resource: 'floatingip', rows, attributes: FLOATINGIP_ATTRIBUTES, notFilterable: NOT_FILTERABLE, target: (f) => floatingIpTarget(ctx, f), view: (f) => floatingIpView(ctx, f) as unknown as Record<string, unknown> }, query) as unknown as FloatingIpView[];
}

// ------------------------------------------------------------------------------ input

function uuidOrNone(value: unknown, field: string): string | null {
  if (value === null) return null;
  const reason = uuidReason(value);
  if (reason !== undefined) throw attributeInvalid(field, reason, `network.floatingip.invalid_${field}`);
  return value as string;
}

function ipOrNone(value: unknown, field: string): string | null {
  if (value === null) return null;
  const reason = ipAddressReason(value);
  if (reason !== undefined) throw attributeInvalid(field, reason, `network.floatingip.invalid_${field}`);
  return canonicalIp(value as string);
}

function notAllowedInPost(body: Record<string, unknown>): void {
  const k = NOT_IN_POST.find((x) => body[x] !== undefined);
  if (k !== undefined) throw new NeutronError(400, 'network.input.not_allowed_in_post', 'HTTPBadRequest', `Attribute '${k}' not allowed in POST`, { field: k });
}

// ------------------------------------------------------------------------------ association

/** The association a floating IP ends up with. */
interface Association {
  readonly port_id: string | null;
  readonly fixed_ip_address: string | null;
  readonly router_id: string | null;
}

const NONE: Association = { port_id: null, fixed_ip_address: null, router_id: null };

/** What a request asks of the association: `port_id` / `fixed_ip_address` as given (undefined: absent). */
interface AssocRequest {
  readonly port_id?: string | null;
  readonly fixed_ip_address?: string | null;
}

/** The floating IP as the association code reads it. */
interface FipState {
  readonly id: string;
  readonly project_id: string;
  readonly floating_network_id: string;
  readonly floating_ip_address: string;
  readonly port_id: string | null;
}

/**
 * `get_router_for_floatingip`: the routers with an interface on the port's network holding an
 * address of `subnetId`, whose gateway port is on the external network; the one whose interface
 * holds the subnet's gateway address, else the first. 404 `ExternalGatewayForFloatingIPNotFound`.
 */
export function routerForFloatingIp(s: S, internalPort: PortRow, subnetId: string, externalNetworkId: string): RouterRow {
  const subnet = getRow(s.network.subnets, subnetId);
  const serves = (p: PortRow | undefined): RouterRow | undefined => {
    if (p === undefined || !ROUTER_INTERFACE_OWNERS.includes(p.device_owner)) return undefined;
    const router = getRow(s.network.routers, p.device_id);
    const gw = router === undefined ? undefined : gatewayPortOf(s, router);
    return gw !== undefined && gw.network_id === externalNetworkId && gw.device_owner === OWNER_ROUTER_GATEWAY ? router : undefined;
  };
  // the usual case in O(log n): the router holding the subnet's gateway address
  const holder = subnet?.gateway_ip == null ? undefined : allocationOf(s, subnetId, subnet.gateway_ip);
  const preferred = holder === undefined ? undefined : serves(getRow(s.network.ports, holder));
  if (preferred !== undefined) return preferred;
  let first: RouterRow | undefined;
  const candidates = portsOf(s, internalPort.network_id)
    .filter((p) => ROUTER_INTERFACE_OWNERS.includes(p.device_owner))
    .sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const p of candidates) {
    const router = getRow(s.network.routers, p.device_id);
    if (router === undefined) continue;
    const gw = gatewayPortOf(s, router);
    if (gw === undefined || gw.network_id !== externalNetworkId || gw.device_owner !== OWNER_ROUTER_GATEWAY) continue;
    for (const f of p.fixed_ips) {
      if (f.subnet_id !== subnetId) continue;
      if (subnet !== undefined && f.ip_address === subnet.gateway_ip) return router;
      first ??= router;
    }
  }
  if (first !== undefined) return first;
  throw new NeutronError(
    404,
    'network.floatingip.external_gateway_not_found',
    'ExternalGatewayForFloatingIPNotFound',
    `External network ${externalNetworkId} is not reachable from subnet ${subnetId}.  Therefore, cannot associate Port ${internalPort.id} with a Floating IP.`,
    { subnet_id: subnetId, external_network_id: externalNetworkId, port_id: internalPort.id, field: 'port_id' },
  );
}

function isV4(ip: string): boolean {
  return netaddrAddress(ip)?.version === 4;
}

/** `_internal_fip_assoc_data` + `_get_router_for_floatingip`: the port, its address and the router for an association. */
function assocData(ctx: Ctx, fip: FipState, portId: string, fixedIp: string | null | undefined): Association {
  const s = ctx.s;
  const port = getPort(ctx, { id: portId }, 'port_id');
  if (port.project_id !== fip.project_id && !ctx.isAdmin) {
    throw l3BadRequest('floatingip', 'port_of_other_project', `Cannot process floating IP association with Port ${portId}, since that port is owned by a different tenant`, 'port_id');
  }
  // is_fip_serviced; Zed raises the message unformatted
  if (port.device_owner === 'network:dhcp') throw l3BadRequest('floatingip', 'port_not_serviced', 'Port %(id)s is unable to be assigned a floating IP', 'port_id');
  let address: string;
  let subnetId: string;
  if (fixedIp) {
    if (!isV4(fixedIp)) throw l3BadRequest('floatingip', 'fixed_ip_not_ipv4', `Cannot process floating IP association with ${fixedIp}, since that is not an IPv4 address`, 'fixed_ip_address');
    const on = port.fixed_ips.filter((f) => f.ip_address === fixedIp);
    if (on.length === 0) throw l3BadRequest('floatingip', 'fixed_ip_not_on_port', `Port ${port.id} does not have fixed ip ${fixedIp}`, 'fixed_ip_address');
    address = fixedIp;
    subnetId = on[on.length - 1]!.subnet_id;
  } else {
    const v4 = port.fixed_ips.filter((f) => isV4(f.ip_address));
    if (v4.length === 0) throw l3BadRequest('floatingip', 'port_without_ipv4', `Cannot add floating IP to port ${port.id} that has no fixed IPv4 addresses`, 'port_id');
    if (v4.length > 1) throw l3BadRequest('floatingip', 'port_with_several_ipv4', `Port ${port.id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP`, 'fixed_ip_address');
    address = v4[0]!.ip_address;
    subnetId = v4[0]!.subnet_id;
  }
  const router = routerForFloatingIp(s, port, subnetId, fip.floating_network_id);
  return { port_id: port.id, fixed_ip_address: address, router_id: router.id };
}

/** `_check_and_get_fip_assoc`. */
function checkAndGetAssoc(ctx: Ctx, fip: FipState, req: AssocRequest): Association {
  if (req.fixed_ip_address && !req.port_id) throw l3BadRequest('floatingip', 'fixed_ip_without_port', 'fixed_ip_address cannot be specified without a port_id', 'fixed_ip_address');
  let assoc: Association = NONE;
  if (req.port_id) {
    assoc = assocData(ctx, fip, req.port_id, req.fixed_ip_address);
    if (assoc.port_id === fip.port_id) return assoc;
    for (const other of floatingIpsOfPort(ctx.s, assoc.port_id!)) {
      if (other.port_id === assoc.port_id && other.floating_network_id === fip.floating_network_id && other.fixed_ip_address === assoc.fixed_ip_address) {
        throw inUse(
          'network.floatingip.port_already_associated',
          'FloatingIPPortAlreadyAssociated',
          `Cannot associate floating IP ${fip.floating_ip_address} (${fip.id}) with port ${assoc.port_id} using fixed IP ${assoc.fixed_ip_address}, as that fixed IP already has a floating IP on external network ${fip.floating_network_id}.`,
          { port_id: assoc.port_id, fixed_ip_address: assoc.fixed_ip_address, floatingip_id: other.id, field: 'port_id' },
        );
      }
    }
  }
  if (req.port_id === undefined && fip.port_id !== null) assoc = assocData(ctx, fip, fip.port_id, req.fixed_ip_address);
  return assoc;
}

/** The status the L3 agent reports: `ACTIVE` while associated through a router a live L3 agent hosts. */
function statusOf(s: S, routerId: string | null): FloatingIpRow['status'] {
  if (routerId === null) return 'DOWN';
  const router = getRow(s.network.routers, routerId);
  return router !== undefined && routerServed(s, router) ? 'ACTIVE' : 'DOWN';
}

function traceAssociation(tx: Tx, s: S, row: FloatingIpRow, before: Association | null): void {
  if (row.router_id !== null) {
    const host = (() => {
      const r = getRow(s.network.routers, row.router_id!);
      return r === undefined ? '' : (l3AgentOf(s, r)?.host ?? '');
    })();
    tx.trace('neutron-l3-agent', `${host || '(unscheduled)'}: router ${row.router_id} DNAT ${row.floating_ip_address} → ${row.fixed_ip_address} (port ${row.port_id}), SNAT back; floating IP ${row.status}`);
  } else if (before !== null && before.router_id !== null) {
    tx.trace('neutron-l3-agent', `router ${before.router_id}: DNAT ${row.floating_ip_address} → ${before.fixed_ip_address} removed`);
  }
}

// ------------------------------------------------------------------------------ commands

/**
 * `POST /v2.0/floatingips`: an address of an external network's pools (or `floating_ip_address`
 * — admin — / `subnet_id`), associated with `port_id` (and `fixed_ip_address`) when given.
 */
export function createFloatingIp(tx: Tx, ctx: Ctx, input: unknown): FloatingIpView {
  const s = tx.draft as S;
  const c = { ...ctx, s };
  const body = bodyOf(input, 'floatingip', [...CREATE_ATTRIBUTES, ...NOT_IN_POST]);
  notAllowedInPost(body);
  if (body.floating_network_id === undefined) throw requiredAttribute('floating_network_id');
  const owner = ownerOf(ctx, body);
  const netReason = uuidReason(body.floating_network_id);
  if (netReason !== undefined) throw attributeInvalid('floating_network_id', netReason, 'network.floatingip.invalid_floating_network_id');
  const networkId = body.floating_network_id as string;
  const address = body.floating_ip_address === undefined ? null : ipOrNone(body.floating_ip_address, 'floating_ip_address');
  const subnetId = body.subnet_id === undefined ? null : uuidOrNone(body.subnet_id, 'subnet_id');
  const portId = body.port_id === undefined ? null : uuidOrNone(body.port_id, 'port_id');
  const fixedIp = body.fixed_ip_address === undefined ? null : ipOrNone(body.fixed_ip_address, 'fixed_ip_address');
  const description = descriptionArg(body.description);

  useQuota(tx, owner, { floatingip: 1 });
  const converted: Record<string, unknown> = { ...body, floating_ip_address: address, subnet_id: subnetId, port_id: portId, fixed_ip_address: fixedIp, description };
  enforce(c, 'create_floatingip', { ...converted, project_id: owner, tenant_id: owner }, explicitlySet(converted, DEFAULTS, false));

  const network = getNetwork(c, { id: networkId }, 'floating_network_id');
  if (!network.external) throw l3BadRequest('floatingip', 'network_not_external', `Network ${network.id} is not a valid external network`, 'floating_network_id');
  if (!subnetsOf(s, network.id).some((x) => x.ip_version === 4)) throw l3BadRequest('floatingip', 'network_without_ipv4', `Network ${network.id} does not contain any IPv4 subnet`, 'floating_network_id');

  const id = tx.ids.uuid();
  const fixed = { ...(subnetId !== null ? { subnet_id: subnetId } : {}), ...(address !== null ? { ip_address: address } : {}) };
  const port = createPortRow(tx, { projectId: '', network, deviceOwner: OWNER_FLOATINGIP, deviceId: id, fixedIps: Object.keys(fixed).length > 0 ? [fixed] : undefined, checkQuota: false });
  const v4 = port.fixed_ips.filter((f) => isV4(f.ip_address));
  if (v4.length === 0) throw new NeutronError(400, 'network.floatingip.external_ip_exhausted', 'ExternalIpAddressExhausted', `Unable to find any IP address on external network ${network.id}.`, { network_id: network.id, field: 'floating_network_id' });
  const floatingAddress = v4[0]!.ip_address;

  const state: FipState = { id, project_id: owner, floating_network_id: network.id, floating_ip_address: floatingAddress, port_id: null };
  const assoc = checkAndGetAssoc(c, state, { port_id: portId, fixed_ip_address: fixedIp });
  const row: FloatingIpRow = {
    ...standardAttrs(tx, id, owner, description),
    floating_ip_address: floatingAddress,
    floating_network_id: network.id,
    floating_port_id: port.id,
    port_id: assoc.port_id,
    fixed_ip_address: assoc.fixed_ip_address,
    router_id: assoc.router_id,
    status: statusOf(s, assoc.router_id),
  };
  storeFloatingIp(tx, row);
  tx.trace('neutron-server', `create_floatingip ${id}: ${floatingAddress} on ${network.id}${assoc.port_id === null ? '' : ` for port ${assoc.port_id} (${assoc.fixed_ip_address}) via router ${assoc.router_id}`}`);
  traceAssociation(tx, s, row, null);
  const view = floatingIpView(c, row);
  tx.emit('floatingip.create.end', () => ({ floatingip: view }), NEUTRON_PUBLISHER);
  return showable(c, 'floatingip', view, floatingIpTarget(c, row));
}

/**
 * `PUT /v2.0/floatingips/{id}`: associate with `port_id` (and `fixed_ip_address`), move to
 * another port, disassociate with `port_id: null`; `description`.
 */
export function updateFloatingIp(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): FloatingIpView {
  const s = tx.draft as S;
  const c = { ...ctx, s };
  const fip = getFloatingIp(c, ref);
  const body = bodyOf(input, 'floatingip', UPDATE_ATTRIBUTES, READ_ONLY);
  const req: { port_id?: string | null; fixed_ip_address?: string | null } = {};
  if (body.port_id !== undefined) req.port_id = uuidOrNone(body.port_id, 'port_id');
  if (body.fixed_ip_address !== undefined) req.fixed_ip_address = ipOrNone(body.fixed_ip_address, 'fixed_ip_address');
  const description = body.description === undefined ? undefined : descriptionArg(body.description);
  enforceOn(c, 'floatingip', 'update_floatingip', fip.id, { ...floatingIpTarget(c, fip), ...body }, Object.keys(body));

  const before: Association = { port_id: fip.port_id, fixed_ip_address: fip.fixed_ip_address, router_id: fip.router_id };
  const assoc = checkAndGetAssoc(c, fip, req);
  const row = revised(tx, fip, { ...assoc, status: statusOf(s, assoc.router_id), ...(description === undefined ? {} : { description }) });
  storeFloatingIp(tx, row, fip);
  const event = before.port_id === assoc.port_id ? 'unchanged' : assoc.port_id === null ? 'disassociated' : 'associated';
  tx.trace('neutron-server', `update_floatingip ${fip.id} (${fip.floating_ip_address}): ${event}${assoc.port_id === null ? '' : ` with port ${assoc.port_id} (${assoc.fixed_ip_address}) via router ${assoc.router_id}`}`);
  if (event !== 'unchanged') traceAssociation(tx, s, row, before);
  const view = floatingIpView(c, row);
  tx.emit('floatingip.update.end', () => ({ floatingip: view }), NEUTRON_PUBLISHER);
  return showable(c, 'floatingip', view, floatingIpTarget(c, row));
}

/** `DELETE /v2.0/floatingips/{id}`: the floating IP and its port on the external network go; the address is free again. */
export function deleteFloatingIp(tx: Tx, ctx: Ctx, ref: unknown): void {
  const s = tx.draft as S;
  const c = { ...ctx, s };
  const fip = getFloatingIp(c, ref);
  enforceOn(c, 'floatingip', 'delete_floatingip', fip.id, floatingIpTarget(c, fip));
  const view = floatingIpView(c, fip);
  dropFloatingIp(tx, fip);
  const port = getRow(s.network.ports, fip.floating_port_id);
  if (port !== undefined) deletePortRow(tx, port);
  releaseQuota(tx, fip.project_id, { floatingip: 1 });
  tx.trace('neutron-server', `delete_floatingip ${fip.id} (${fip.floating_ip_address})`);
  if (fip.router_id !== null) tx.trace('neutron-l3-agent', `router ${fip.router_id}: DNAT ${fip.floating_ip_address} → ${fip.fixed_ip_address} removed`);
  tx.emit('floatingip.delete.end', () => ({ floatingip_id: fip.id, floatingip: view }), NEUTRON_PUBLISHER);
}
