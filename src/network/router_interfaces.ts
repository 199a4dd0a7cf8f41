/**
 * Router interfaces (`PUT /v2.0/routers/{id}/add_router_interface` and
 * `remove_router_interface`), as `neutron/db/l3_db.py` does them: `_validate_interface_info`,
 * `_check_router_port`, `_validate_router_port_info`, `_check_for_dup_router_subnets`,
 * `_add_interface_by_subnet` (a port with the subnet's `gateway_ip`, owned by the router's
 * project; a second IPv6 subnet of one network joins the existing IPv6 router port),
 * `_add_interface_by_port`, `_remove_interface_by_port`, `_remove_interface_by_subnet`,
 * `_check_router_interface_not_in_use`, answering `_make_router_interface_info` and notifying
 * `router.interface.create` / `.delete` (`notify_router_interface_action`). The router itself is
 * `routers.ts`.
 */
import { getRow, setRow, type CloudState, type Tx } from '../core/index.js';
import { enforceOn, rbacEntries, type Ctx } from './context.js';
import { bodyOf } from './controller.js';
import { NeutronError, inUse } from './errors.js';
import { netaddrAddress } from './ipam/addresses.js';
import { allocateFixedIps, createPortRow, deletePortRow, getPort, releaseFixedIps, updatePortRow } from './ports.js';
import { revised, uuidReason } from './standard.js';
import { getSubnet } from './subnets.js';
import type { PortRow, RouterRow, SubnetRow } from './types.js';
import { NEUTRON_PUBLISHER } from './events.js';
import { floatingIpsOfRouter } from './floatingip_rows.js';
import { OWNER_ROUTER_INTERFACE, attachRouterPort, l3BadRequest, getRouter, routerPortsOf, interfacePortsOf, routerTarget, addressIn, isV6, subnetRow, checkForDupRouterSubnets, validateSubnetAddressMode, bindRouterPort, scheduleRouter, routerHost, type RouterInterfaceInfo } from './routers.js';

type S = CloudState;

/** `_validate_interface_info`: which of `port_id` / `subnet_id` the request names. */
function interfaceInfoArg(input: unknown, forRemoval: boolean): { portId?: string; subnetId?: string } {
  const body = bodyOf(input, 'router', ['subnet_id', 'port_id']);
  const hasPort = Object.hasOwn(body, 'port_id');
  const hasSubnet = Object.hasOwn(body, 'subnet_id');
  if (!hasPort && !hasSubnet) throw l3BadRequest('router', 'interface_info_required', 'Either subnet_id or port_id must be specified', 'subnet_id');
  for (const key of ['port_id', 'subnet_id']) {
    if (!Object.hasOwn(body, key)) continue;
    const reason = uuidReason(body[key]);
    if (reason !== undefined) throw l3BadRequest('router', 'invalid_interface_info', reason, key);
  }
  if (!forRemoval && hasPort && hasSubnet) throw l3BadRequest('router', 'interface_info_both', 'Cannot specify both subnet-id and port-id', 'port_id');
  return { ...(hasPort ? { portId: body.port_id as string } : {}), ...(hasSubnet ? { subnetId: body.subnet_id as string } : {}) };
}

function interfaceInfo(router: RouterRow, port: PortRow, subnets: readonly SubnetRow[]): RouterInterfaceInfo {
  return {
    id: router.id,
    tenant_id: port.project_id,
    project_id: port.project_id,
    port_id: port.id,
    network_id: port.network_id,
    subnet_id: subnets[subnets.length - 1]?.id ?? '',
    subnet_ids: subnets.map((x) => x.id),
  };
}

/** `_check_router_port` + `_validate_router_port_info` for a port given by id. */
function addInterfaceByPort(tx: Tx, ctx: Ctx, router: RouterRow, portId: string): { port: PortRow; subnets: SubnetRow[] } {
  const s = tx.draft as S;
  const port = getPort(ctx, { id: portId }, 'port_id');
  if (port.device_id !== '') {
    throw inUse('network.port.in_use', 'PortInUse', `Unable to complete operation on port ${port.id} for network ${port.network_id}. Port already has an attached device ${port.device_id}.`, { port_id: port.id, field: 'port_id' });
  }
  if (port.fixed_ips.length === 0) throw l3BadRequest('router', 'port_without_ip', 'Router port must have at least one fixed IP', 'port_id');
  const subnets = port.fixed_ips.map((f) => subnetRow(s, f.subnet_id)).filter((x): x is SubnetRow => x !== undefined);
  for (const sub of subnets) validateSubnetAddressMode(sub);
  if (port.fixed_ips.some((f) => isV6(f.ip_address))) {
    for (const existing of routerPortsOf(s, router.id)) {
      if (existing.network_id === port.network_id && existing.fixed_ips.some((f) => isV6(f.ip_address))) {
        throw l3BadRequest('router', 'multiple_ipv6_ports', `Cannot have multiple router ports with the same network id if both contain IPv6 subnets. Existing port ${existing.id} has IPv6 subnet(s) and network id ${existing.network_id}`, 'port_id');
      }
    }
  }
  const unique = subnets.filter((x, i) => subnets.findIndex((y) => y.id === x.id) === i);
  if (unique.length > 0) checkForDupRouterSubnets(s, router, unique);
  if (unique.filter((x) => x.ip_version === 4).length > 1) throw l3BadRequest('router', 'multiple_ipv4_subnets', 'Cannot have multiple IPv4 subnets on router port', 'port_id');
  if (!ctx.isAdmin) {
    // _validate_port_in_range_or_admin
    for (const f of port.fixed_ips) {
      const sub = subnetRow(s, f.subnet_id);
      if (sub === undefined) continue;
      const inPool = sub.allocation_pools.some((p) => addressWithin(f.ip_address, p.start, p.end));
      if (!inPool && ctx.projectId !== sub.project_id) {
        throw l3BadRequest('router', 'port_out_of_pool', `Cannot add interface to router because specified port ${port.id} has an IP address out of the allocation pool of subnet ${sub.id}, which is not owned by the project making the request`, 'port_id');
      }
    }
  }
  const row = revised(tx, port, { device_id: router.id, device_owner: OWNER_ROUTER_INTERFACE });
  updatePortRow(tx, port, row);
  return { port: row, subnets };
}

function addressWithin(ip: string, start: string, end: string): boolean {
  const a = netaddrAddress(ip);
  const x = netaddrAddress(start);
  const y = netaddrAddress(end);
  return a !== undefined && x !== undefined && y !== undefined && a.version === x.version && x.value <= a.value && a.value <= y.value;
}

/** `_add_interface_by_subnet`: a new port with the subnet's gateway address, or the address added to the router's IPv6 port on that network. */
function addInterfaceBySubnet(tx: Tx, ctx: Ctx, router: RouterRow, subnetId: string): { port: PortRow; subnets: SubnetRow[] } {
  const s = tx.draft as S;
  const subnet = getSubnet(ctx, { id: subnetId }, 'subnet_id');
  if (subnet.gateway_ip === null) throw l3BadRequest('router', 'subnet_without_gateway', 'Subnet for router interface must have a gateway IP', 'subnet_id');
  if (subnet.project_id !== ctx.projectId && !ctx.isAdmin) {
    // globally shared: refused (LP-1757482); shared with this very project by RBAC: allowed (LP-1975603)
    const shared = rbacEntries(s, 'network', subnet.network_id).some((r) => r.action === 'access_as_shared' && r.target_tenant === ctx.projectId);
    if (!shared) throw l3BadRequest('router', 'subnet_not_owned', `Cannot add interface to router because subnet ${subnet.id} is not owned by project making the request`, 'subnet_id');
  }
  validateSubnetAddressMode(subnet);
  checkForDupRouterSubnets(s, router, [subnet]);
  const fixed = { subnet_id: subnet.id, ip_address: subnet.gateway_ip };
  const network = getRow(s.network.networks, subnet.network_id)!;
  if (subnet.ip_version === 6) {
    const existing = interfacePortsOf(s, router.id).find((p) => p.network_id === subnet.network_id && p.fixed_ips.some((f) => isV6(f.ip_address)));
    if (existing !== undefined) {
      const added = allocateFixedIps(tx, network, existing.id, existing.mac_address, existing.device_owner, [fixed]);
      const row = revised(tx, existing, { fixed_ips: [...existing.fixed_ips, ...added] });
      updatePortRow(tx, existing, row);
      return { port: row, subnets: [subnet] };
    }
  }
  const port = createPortRow(tx, { projectId: router.project_id, network, deviceOwner: OWNER_ROUTER_INTERFACE, deviceId: router.id, fixedIps: [fixed], hostId: routerHost(s, router), checkQuota: false });
  attachRouterPort(tx, router.id, port.id);
  return { port, subnets: [subnet] };
}

/**
 * `PUT /v2.0/routers/{id}/add_router_interface` with `{ subnet_id }` (a new port with the
 * subnet's gateway address) or `{ port_id }` (a port with fixed IPs and no device becomes the
 * router's). Notifies `router.interface.create`.
 */
export function addRouterInterface(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): RouterInterfaceInfo {
  const s = tx.draft as S;
  const c = { ...ctx, s };
  let router = getRouter(c, ref);
  enforceOn(c, 'router', 'add_router_interface', router.id, routerTarget(c, router));
  const { portId, subnetId } = interfaceInfoArg(input, false);
  const { port, subnets } = portId !== undefined ? addInterfaceByPort(tx, c, router, portId) : addInterfaceBySubnet(tx, c, router, subnetId!);
  router = revised(tx, router, {});
  setRow(tx.draft.network.routers, router.id, router);
  router = scheduleRouter(tx, router);
  const host = routerHost(s, router);
  const bound = host === '' ? port : bindRouterPort(tx, getRow(s.network.ports, port.id) ?? port, host);
  const info = interfaceInfo(router, bound, subnets);
  tx.trace('neutron-server', `add_router_interface ${router.id}: port ${bound.id} on ${bound.network_id} (${subnets.map((x) => x.cidr).join(', ')})`);
  tx.trace('neutron-l3-agent', `${host || '(unscheduled)'}: router ${router.id} interface qr-${bound.id.slice(0, 11)} ${bound.fixed_ips.filter((f) => subnets.some((x) => x.id === f.subnet_id)).map((f) => f.ip_address).join(', ')}`);
  tx.emit('router.interface.create', () => ({ router_interface: info }), NEUTRON_PUBLISHER);
  return info;
}

/**
 * `_confirm_router_interface_not_in_use`: no floating IP of this router reaches a port through
 * the subnet (`RouterInterfaceInUseByFloatingIP`), no route's nexthop lies in it
 * (`RouterInterfaceInUseByRoute`).
 */
function confirmInterfaceNotInUse(s: S, router: RouterRow, subnet: SubnetRow): void {
  for (const fip of floatingIpsOfRouter(s, router.id)) {
    if (fip.fixed_ip_address === null || fip.port_id === null || !addressIn(fip.fixed_ip_address, subnet.cidr)) continue;
    const port = getRow(s.network.ports, fip.port_id);
    if (port !== undefined && port.fixed_ips.some((f) => f.subnet_id === subnet.id)) {
      throw inUse('network.router.interface_in_use_by_floatingip', 'RouterInterfaceInUseByFloatingIP', `Router interface for subnet ${subnet.id} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs.`, { router_id: router.id, subnet_id: subnet.id });
    }
  }
  if (router.routes.some((r) => addressIn(r.nexthop, subnet.cidr))) {
    throw inUse('network.router.interface_in_use_by_route', 'RouterInterfaceInUseByRoute', `Router interface for subnet ${subnet.id} on router ${router.id} cannot be deleted, as it is required by one or more routes.`, { router_id: router.id, subnet_id: subnet.id });
  }
}

/**
 * `PUT /v2.0/routers/{id}/remove_router_interface` with `{ port_id }` (optionally with the
 * `subnet_id` it must have) or `{ subnet_id }`: the port goes (or only its address on that subnet,
 * for a multi-prefix IPv6 port). Notifies `router.interface.delete`.
 */
export function removeRouterInterface(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): RouterInterfaceInfo {
  const s = tx.draft as S;
  const c = { ...ctx, s };
  let router = getRouter(c, ref);
  enforceOn(c, 'router', 'remove_router_interface', router.id, routerTarget(c, router));
  const { portId, subnetId } = interfaceInfoArg(input, true);
  let port: PortRow;
  let subnets: SubnetRow[];
  if (portId !== undefined) {
    const found = interfacePortsOf(s, router.id).find((p) => p.id === portId);
    if (found === undefined) throw new NeutronError(404, 'network.router.interface_not_found', 'RouterInterfaceNotFound', `Router ${router.id} does not have an interface with id ${portId}`, { router_id: router.id, port_id: portId, field: 'port_id' });
    const portSubnets = found.fixed_ips.map((f) => f.subnet_id);
    if (subnetId !== undefined && !portSubnets.includes(subnetId)) {
      throw new NeutronError(400, 'network.router.subnet_mismatch', 'SubnetMismatchForPort', `Subnet on port ${found.id} does not match the requested subnet ${subnetId}.`, { port_id: found.id, subnet_id: subnetId, field: 'subnet_id' });
    }
    subnets = portSubnets.filter((x, i) => portSubnets.indexOf(x) === i).map((id) => subnetRow(s, id)).filter((x): x is SubnetRow => x !== undefined);
    for (const sub of subnets) confirmInterfaceNotInUse(s, router, sub);
    deletePortRow(tx, found);
    port = found;
  } else {
    const subnet = getSubnet(c, { id: subnetId! }, 'subnet_id');
    const ports = interfacePortsOf(s, router.id).filter((p) => p.network_id === subnet.network_id);
    if (ports.length > 0) confirmInterfaceNotInUse(s, router, subnet);
    const found = ports.find((p) => p.fixed_ips.some((f) => f.subnet_id === subnet.id));
    if (found === undefined) throw new NeutronError(404, 'network.router.interface_not_found_for_subnet', 'RouterInterfaceNotFoundForSubnet', `Router ${router.id} has no interface on subnet ${subnet.id}`, { router_id: router.id, subnet_id: subnet.id, field: 'subnet_id' });
    if (new Set(found.fixed_ips.map((f) => f.subnet_id)).size > 1) {
      const mine = found.fixed_ips.filter((f) => f.subnet_id === subnet.id);
      releaseFixedIps(tx, mine);
      updatePortRow(tx, found, revised(tx, found, { fixed_ips: found.fixed_ips.filter((f) => f.subnet_id !== subnet.id) }));
    } else deletePortRow(tx, found);
    port = found;
    subnets = [subnet];
  }
  router = revised(tx, router, {});
  setRow(tx.draft.network.routers, router.id, router);
  const info: RouterInterfaceInfo = { ...interfaceInfo(router, port, subnets), subnet_id: subnets[0]?.id ?? '' };
  tx.trace('neutron-server', `remove_router_interface ${router.id}: port ${port.id} (${subnets.map((x) => x.cidr).join(', ')})`);
  tx.emit('router.interface.delete', () => ({ router_interface: info }), NEUTRON_PUBLISHER);
  return info;
}
