/**
 * A server's interfaces and addresses at compute API 2.93, as Zed does them:
 * - `/servers/{id}/os-interface` (`nova/api/openstack/compute/attach_interfaces.py`
 *   `InterfaceAttachmentController`, schema `schemas/attach_interfaces.py` `create_v249`, view
 *   `_translate_interface_attachment_view` with 2.70's `tag`): the list is Neutron's
 *   `list_ports(device_id=<server>)` with the user's token; show reads the port with the user's
 *   token (404 `PortNotFound`) and refuses one whose `device_id` is another server's;
 * - attach (`nova/compute/api.py` `attach_interface`, an RPC *call* to nova-compute's
 *   `attach_interface` / `_attach_interface`, `nova/network/neutron.py` `allocate_for_instance`):
 *   a network (`net_id`, or the project's only available network when neither is given) gets a
 *   new port made with the user's token (an address of `fixed_ips` if asked), a port of the user's
 *   (`port_id`) must be the project's and free (409 `PortInUse`); either is bound to the server's
 *   host (`binding:host_id`, `device_owner` `compute:<zone>`) and joins the server's network info
 *   (`preserve_on_delete` false for a port nova made, true for the user's), with its `tag`;
 * - detach (`API.detach_interface`, a cast to nova-compute's `detach_interface`,
 *   `deallocate_port_for_instance`): a port nova made is deleted, the user's is unbound. As in Zed,
 *   the API answers 202 for any port id: a port the server does not have fails on nova-compute
 *   (the `compute_detach_interface` event ends in `Error`, "Port … is not attached", and the
 *   instance gets the fault);
 * - `/servers/{id}/ips` (`ips.py`, `views/addresses.py` without the extended fields): the addresses
 *   of the server's network info by network label, fixed addresses then floating ones; an unknown
 *   label is a 404 "Instance is not a member of specified network".
 *
 * Notifications: Zed sends only the versioned `instance.interface_attach.start` / `.end` and
 * `instance.interface_detach.*`; stacksim emits them under the names its event map declares,
 * `compute.instance.interface.attach.start` / `.end` and `compute.instance.interface.detach.*`,
 * with the legacy payload.
 *
 * Where stacksim differs: Zed answers an address that is not on the network (`InvalidInput`) and a
 * port whose binding fails with a 500; here they are a 400 and a 500 with nova's message. With
 * neither `net_id` nor `port_id`, the available networks are the project's and the shared ones
 * without external networks (`availableNetworksFor`). Not simulated: SR-IOV / PCI / vDPA /
 * accelerator ports, QoS minimum-bandwidth ports, `dns_name`, the virt driver's hot-plug failing,
 * a nova-compute that is down (Zed's RPC call times out: a 500; here the attach happens).
 */
import { CloudError, getRow, type CloudState, type PolicyCredentials, type Tx } from '../core/index.js';
import {
  availableNetworksFor,
  bindServerPort,
  createServerPort,
  deleteServerPort,
  fixedIpInUse,
  networkForServer,
  networkIsShared,
  parseAddress,
  portForServer,
  portsOfDevice,
  subnetsOfNetwork,
  addressesOfPorts,
} from '../network/index.js';
import { finishEvent, startAction, startEvent } from './actions.js';
import { saveServer } from './boot.js';
import { allowed, enforce, ownTarget, type Ctx } from './context.js';
import { NovaError, badRequest, conflict, invalid, notFound } from './errors.js';
import { checkAction } from './guards.js';
import { describeValue, fieldError, pathArg, tagArg, uuidArg } from './input.js';
import { NOVA_RULES } from './policies.js';
import { getServer } from './servers.js';
import type { ServerRow, VifRow } from './types.js';
import { instanceUsage } from './views.js';

/** A Neutron port as nova's client reads it. */
type PortRow = ReturnType<typeof portsOfDevice>[number];

/** nova-compute's `detach_interface` (cast by nova-api). */
export const DETACH_INTERFACE_TASK = 'compute.detach_interface';

/** An interface attachment (`_translate_interface_attachment_view` at 2.70+). */
export interface InterfaceAttachmentView {
  readonly net_id: string;
  readonly port_id: string;
  readonly mac_addr: string;
  readonly port_state: string;
  readonly fixed_ips: readonly { readonly subnet_id: string; readonly ip_address: string }[];
  /** The tag of the server's VIF for this port (null when it has none, or nova made no VIF for it). */
  readonly tag: string | null;
}

/** The body of `POST /servers/{id}/os-interface` (the `interfaceAttachment` object; it may be left out). */
export interface InterfaceAttachmentRequest {
  readonly net_id?: string;
  readonly port_id?: string;
  readonly fixed_ips?: readonly { readonly ip_address: string }[];
  readonly tag?: string;
}

/** One address of `GET /servers/{id}/ips` (`views/addresses.py` `basic`). */
export interface ServerIpView {
  readonly version: 4 | 6;
  readonly addr: string;
}

// ------------------------------------------------------------------------------ input

interface AttachBody {
  readonly netId: string | null;
  readonly portId: string | null;
  readonly ip: string | null;
  readonly tag: string | null;
}

/** `create_v249`: every key optional, no others. */
function attachBody(input: unknown): AttachBody {
  if (input === undefined || input === null) return { netId: null, portId: null, ip: null, tag: null };
  if (typeof input !== 'object' || Array.isArray(input)) throw badRequest('interfaceAttachment', `Invalid input for field/attribute interfaceAttachment. Value: ${describeValue(input)}. ${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['net_id', 'port_id', 'fixed_ips', 'tag'].includes(k)) throw badRequest(`interfaceAttachment.${k}`, `Invalid input for field/attribute interfaceAttachment. Value: ${describeValue(input)}. Additional properties are not allowed ('${k.length > 40 ? `${k.slice(0, 40)}…` : k}' was unexpected)`);
  }
  const netId = o.net_id === undefined ? null : uuidArg(o.net_id, 'net_id');
  const portId = o.port_id === undefined ? null : uuidArg(o.port_id, 'port_id');
  const tag = o.tag === undefined ? null : tagArg(o.tag, 'tag');
  let ip: string | null = null;
  if (o.fixed_ips !== undefined) {
    const list = o.fixed_ips;
    if (!Array.isArray(list)) throw fieldError('fixed_ips', list, `${describeValue(list)} is not of type 'array'`);
    if (list.length < 1) throw fieldError('fixed_ips', list, '[] is too short');
    if (list.length > 1) throw fieldError('fixed_ips', list, `${describeValue(list)} is too long`);
    const item = list[0] as unknown;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw fieldError('fixed_ips[0]', item, `${describeValue(item)} is not of type 'object'`);
    const entry = item as Record<string, unknown>;
    for (const k of Object.keys(entry)) if (k !== 'ip_address') throw badRequest(`fixed_ips[0].${k}`, `Invalid input for field/attribute fixed_ips[0]. Value: ${describeValue(item)}. Additional properties are not allowed ('${k.length > 40 ? `${k.slice(0, 40)}…` : k}' was unexpected)`);
    if (!Object.prototype.hasOwnProperty.call(entry, 'ip_address')) throw badRequest('fixed_ips[0].ip_address', `Invalid input for field/attribute fixed_ips[0]. Value: ${describeValue(item)}. 'ip_address' is a required property`);
    const text = entry.ip_address;
    if (typeof text !== 'string') throw fieldError('fixed_ips[0].ip_address', text, `${describeValue(text)} is not of type 'string'`);
    try {
      ip = parseAddress(text, 'fixed_ips[0].ip_address').address;
    } catch {
      throw fieldError('fixed_ips[0].ip_address', text, `${describeValue(text)} is not valid under any of the given schemas`);
    }
  }
  return { netId, portId, ip, tag };
}

// ------------------------------------------------------------------------------ views

function interfaceView(port: PortRow, tag: string | null): InterfaceAttachmentView {
  return {
    net_id: port.network_id,
    port_id: port.id,
    mac_addr: port.mac_address,
    port_state: port.status,
    fixed_ips: port.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
    tag,
  };
}

function tagOf(row: ServerRow, portId: string): string | null {
  return row.vifs.find((v) => v.port_id === portId)?.tag ?? null;
}

/** `GET /servers/{id}/os-interface`: the ports whose `device_id` is the server, as the user's Neutron lists them. */
export function listInterfaces(ctx: Ctx, ref: unknown): InterfaceAttachmentView[] {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.interfaces.list, { project_id: row.project_id });
  return portsOfDevice(ctx.s, row.uuid)
    .filter((p) => portForServer(ctx.s, ctx.policy, ctx.creds, p.id) !== undefined)
    .map((p) => interfaceView(p, tagOf(row, p.id)));
}

/** `GET /servers/{id}/os-interface/{port_id}` (404 `PortNotFound`, or "Instance … does not have a port with id …"). */
export function showInterface(ctx: Ctx, ref: unknown, portId: unknown): InterfaceAttachmentView {
  const id = pathArg(portId, 'port_id');
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.interfaces.show, { project_id: row.project_id });
  return shownPort(ctx, row, id);
}

function shownPort(ctx: Ctx, row: ServerRow, id: string): InterfaceAttachmentView {
  const port = portForServer(ctx.s, ctx.policy, ctx.creds, id);
  if (port === undefined) throw notFound('port', id);
  if (port.device_id !== row.uuid) throw notFound('interface', id, `Instance ${row.uuid} does not have a port with id ${id}`);
  return interfaceView(port, tagOf(row, id));
}

// ------------------------------------------------------------------------------ attach

/**
 * `POST /servers/{id}/os-interface`: the body (2.49 schema), the server (404), the `create`
 * policy (403), "Must not input both network_id and port_id" / "Must input network_id when
 * request IP address" (400), the lock and state (409), the `attach_interface` action; then, as
 * nova-compute's `attach_interface` (an RPC call, so within this request), the port: the user's
 * (404 `PortNotFound`, 400 `PortNotUsable` when another project's, 409 `PortInUse` when it has a
 * `device_id`) or a new one on the network (404 `NetworkNotFound`, 400 `NetworkAmbiguous` /
 * `InterfaceAttachFailedNoNetwork` without a network, 403 `ExternalNetworkAttachForbidden`, 409
 * `FixedIpAlreadyInUse`, 400 `NoMoreFixedIps`, 403 `PortLimitExceeded`); bound to the host, added
 * to the server's VIFs. Answers the interface as `show` does.
 */
export function attachInterface(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): InterfaceAttachmentView {
  const body = attachBody(input);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.interfaces.create, { project_id: row.project_id });
  if (body.netId !== null && body.portId !== null) throw badRequest('port_id', 'Must not input both network_id and port_id', 'compute.interface.both_network_and_port');
  if (body.ip !== null && body.netId === null) throw badRequest('net_id', 'Must input network_id when request IP address', 'compute.interface.ip_without_network');
  checkAction(ctx, row, 'attach_interface');
  startAction(tx, row, 'attach_interface', ctx);
  const host = row.host as string;
  startEvent(tx, row.uuid, 'compute_attach_interface', host);
  const publisher = { publisher: `compute.${host}` };
  tx.emit('compute.instance.interface.attach.start', () => instanceUsage(tx.draft as CloudState, row), publisher);
  const vif = allocatePort(tx, ctx, row, body);
  const next = saveServer(tx, getRow((tx.draft as CloudState).compute.servers, row.uuid) as ServerRow, { vifs: [...row.vifs, vif] });
  finishEvent(tx, row.uuid, 'compute_attach_interface');
  tx.emit('compute.instance.interface.attach.end', () => instanceUsage(tx.draft as CloudState, next), publisher);
  tx.trace('nova-compute', `interface ${vif.port_id} (network ${vif.network_id}) hot-plugged into ${row.uuid} on ${host}`);
  return shownPort({ ...ctx, s: tx.draft as CloudState }, next, vif.port_id);
}

/** `allocate_for_instance` with one request: validate, create (or take) the port, bind it to the host. */
function allocatePort(tx: Tx, ctx: Ctx, row: ServerRow, body: AttachBody): VifRow {
  const s = tx.draft as CloudState;
  let networkId: string;
  let port: PortRow | undefined;
  if (body.portId !== null) {
    // _validate_requested_port_ids
    port = portForServer(s, ctx.policy, ctx.creds, body.portId);
    if (port === undefined) throw notFound('port', body.portId);
    if (port.project_id !== row.project_id) throw invalid('compute.port.not_usable', 'PortNotUsable', `Port ${port.id} not usable for instance ${row.uuid}.`, { field: 'port_id' });
    if (port.device_id !== '') throw conflict('compute.port.in_use', 'PortInUse', `Port ${port.id} is still in use.`, { field: 'port_id' });
    if (port.binding_vif_type === 'binding_failed') throw new NovaError(500, 'compute.port.binding_failed', 'PortBindingFailed', `Binding failed for port ${port.id}, please check neutron logs for more information.`, { field: 'port_id' });
    networkId = port.network_id;
  } else if (body.netId !== null) {
    networkId = body.netId;
  } else {
    // _validate_requested_network_ids with a single unspecified request
    const nets = availableNetworksFor(s, ctx.policy, ctx.creds, row.project_id);
    if (nets.length === 0) throw invalid('compute.network.none_available', 'InterfaceAttachFailedNoNetwork', `No specific network was requested and none are available for project '${row.project_id}'.`);
    if (nets.length > 1) throw invalid('compute.network.ambiguous', 'NetworkAmbiguous', 'Multiple possible networks found, use a Network ID to be more specific.');
    networkId = nets[0]!.id;
  }
  const network = networkForServer(s, ctx.policy, ctx.creds, networkId);
  if (network === undefined) throw notFound('network', networkId);
  // _check_external_network_attach
  if (network.external && !networkIsShared(s, network) && !allowed(ctx, NOVA_RULES.servers.attachExternalNetwork, ownTarget(ctx))) {
    throw new NovaError(403, 'compute.network.external_forbidden', 'ExternalNetworkAttachForbidden', `It is not allowed to create an interface on external network ${network.id}`, { field: body.portId !== null ? 'port_id' : 'net_id' });
  }
  let created = false;
  if (port === undefined) {
    // _create_ports_for_instance → _create_port_minimal with the user's token
    if (network.port_security_enabled && subnetsOfNetwork(s, network.id).length === 0) throw invalid('compute.network.security_group_cannot_be_applied', 'SecurityGroupCannotBeApplied', 'Network requires port_security_enabled and subnet associated in order to apply security groups.', { field: 'net_id' });
    if (body.ip !== null && fixedIpInUse(s, network.id, body.ip)) throw conflict('compute.network.fixed_ip_in_use', 'FixedIpAlreadyInUse', `Fixed IP ${body.ip} is already in use.`, { field: 'fixed_ips' });
    try {
      port = createServerPort(tx, ctx.policy, ctx.creds, { network_id: network.id, project_id: row.project_id, ...(body.ip !== null ? { fixed_ip: body.ip } : {}) });
    } catch (e) {
      throw translateNeutron(e, network.id, body.ip);
    }
    created = true;
  }
  // _update_ports_for_instance: device, owner and host binding with nova's admin client
  const owner = `compute:${row.availability_zone ?? s.compute.config.default_availability_zone}`;
  const bound = bindServerPort(tx, port.id, { device_id: row.uuid, device_owner: owner, host: row.host as string });
  if (bound === undefined || bound.binding_vif_type === 'binding_failed') {
    throw new NovaError(500, 'compute.port.binding_failed', 'PortBindingFailed', `Binding failed for port ${port.id}, please check neutron logs for more information.`, { port_id: port.id });
  }
  return { port_id: port.id, network_id: network.id, preserve_on_delete: !created, tag: body.tag };
}

/** `_create_port_minimal`'s translations of Neutron's refusals. */
function translateNeutron(e: unknown, networkId: string, ip: string | null): unknown {
  if (!(e instanceof CloudError)) return e;
  if (e.code === 'network.ip.in_use') return conflict('compute.network.fixed_ip_in_use', 'FixedIpAlreadyInUse', `Fixed IP ${ip ?? ''} is already in use.`, { field: 'fixed_ips' });
  if (e.code === 'network.ip.generation_failure') return invalid('compute.network.no_more_fixed_ips', 'NoMoreFixedIps', `No fixed IP addresses available for network: ${networkId}`, { field: 'net_id' });
  if (e.code === 'network.port.invalid_ip_for_network' || e.code === 'network.port.invalid_ip_for_subnet') {
    return invalid('compute.network.invalid_fixed_ip', 'InvalidInput', `Invalid input received: Fixed IP ${ip ?? ''} is not a valid ip address for network ${networkId}.`, { field: 'fixed_ips', zed_status: 500 });
  }
  if (e.code === 'network.quota.exceeded') return new NovaError(403, 'compute.network.port_limit_exceeded', 'PortLimitExceeded', 'Maximum number of ports exceeded', { network_id: networkId });
  return e;
}

// ------------------------------------------------------------------------------ detach

interface DetachArgs {
  readonly uuid: string;
  readonly port_id: string;
  readonly creds: PolicyCredentials;
}

/**
 * `DELETE /servers/{id}/os-interface/{port_id}`: the server (404), the `delete` policy (403), the
 * lock and state (409), the `detach_interface` action, and the cast to nova-compute (202 whatever
 * the port, as in Zed).
 */
export function detachInterface(tx: Tx, ctx: Ctx, ref: unknown, portId: unknown): void {
  const id = pathArg(portId, 'port_id');
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.interfaces.delete, { project_id: row.project_id });
  checkAction(ctx, row, 'detach_interface');
  startAction(tx, row, 'detach_interface', ctx);
  tx.trace('nova-api', `detach interface ${id} from ${row.uuid}: cast to ${row.host ?? '?'}`);
  tx.schedule(DETACH_INTERFACE_TASK, { uuid: row.uuid, port_id: id, creds: { ...ctx.creds } } satisfies DetachArgs, 0);
}

/** nova-compute's `_detach_interface`: the VIF unplugged, the port deleted (nova's) or unbound (the user's). */
export function runDetachInterface(tx: Tx, raw: unknown): void {
  const args = raw as DetachArgs;
  const row = getRow((tx.draft as CloudState).compute.servers, args.uuid);
  if (row === undefined || row.deleted) return;
  const host = row.host;
  startEvent(tx, row.uuid, 'compute_detach_interface', host);
  const vif = row.vifs.find((v) => v.port_id === args.port_id);
  if (vif === undefined) {
    // PortNotFound("Port %s is not attached"), recorded by wrap_instance_fault and the event
    const message = `Port ${args.port_id} is not attached`;
    saveServer(tx, row, { fault: { code: 404, message, details: '', created: tx.now() } });
    finishEvent(tx, row.uuid, 'compute_detach_interface', { message });
    tx.trace('nova-compute', `detach interface ${args.port_id} from ${row.uuid} failed: ${message}`);
    return;
  }
  const publisher = { publisher: `compute.${host ?? 'controller'}` };
  tx.emit('compute.instance.interface.detach.start', () => instanceUsage(tx.draft as CloudState, row), publisher);
  // deallocate_port_for_instance
  if (vif.preserve_on_delete) bindServerPort(tx, vif.port_id, { device_id: '', device_owner: '', host: '' });
  else deleteServerPort(tx, vif.port_id);
  const next = saveServer(tx, row, { vifs: row.vifs.filter((v) => v.port_id !== args.port_id) });
  finishEvent(tx, row.uuid, 'compute_detach_interface');
  tx.emit('compute.instance.interface.detach.end', () => instanceUsage(tx.draft as CloudState, next), publisher);
  tx.trace('nova-compute', `interface ${vif.port_id} detached from ${row.uuid}: port ${vif.preserve_on_delete ? 'unbound' : 'deleted'}`);
}

/** The task kinds of this file, for the service descriptor's `tasks`. */
export const INTERFACE_TASKS = { [DETACH_INTERFACE_TASK]: runDetachInterface } as const;

// ------------------------------------------------------------------------------ ips

/** `get_networks_for_instance` through `views/addresses.py`: label → fixed addresses, then floating ones. */
function networksOf(s: CloudState, row: ServerRow): Record<string, ServerIpView[]> {
  const byLabel = addressesOfPorts(s, row.vifs.map((v) => v.port_id));
  const out: Record<string, ServerIpView[]> = {};
  for (const [label, list] of Object.entries(byLabel)) {
    const ordered = [...list.filter((a) => a['OS-EXT-IPS:type'] === 'fixed'), ...list.filter((a) => a['OS-EXT-IPS:type'] === 'floating')];
    Object.defineProperty(out, label, { value: ordered.map((a) => ({ version: a.version, addr: a.addr })), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `GET /servers/{id}/ips`: the server's addresses by network label (`ips:index` policy). */
export function listServerAddresses(ctx: Ctx, ref: unknown): Record<string, ServerIpView[]> {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.ips.index, { project_id: row.project_id });
  return networksOf(ctx.s, row);
}

/** `GET /servers/{id}/ips/{network_label}` (404 "Instance is not a member of specified network"). */
export function showServerAddresses(ctx: Ctx, ref: unknown, network: unknown): Record<string, ServerIpView[]> {
  const label = pathArg(network, 'network_label');
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.ips.show, { project_id: row.project_id });
  const networks = networksOf(ctx.s, row);
  if (!Object.prototype.hasOwnProperty.call(networks, label)) throw notFound('network', label, 'Instance is not a member of specified network');
  const out: Record<string, ServerIpView[]> = {};
  Object.defineProperty(out, label, { value: networks[label], enumerable: true, writable: true, configurable: true });
  return out;
}
