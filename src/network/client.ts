/**
 * Neutron as nova calls it (`nova/network/neutron.py`): with the user's token to find networks,
 * ports and security groups and to create the server's ports (Neutron's own visibility and
 * policy decide, inside nova's transaction), and with nova's admin client to bind a port to the
 * compute host (`binding:host_id`, `device_id`, `device_owner` `compute:<zone>`), unbind it, or
 * delete it. The server's addresses are built from its ports (`get_instance_nw_info`).
 */
import { getRow, memoSlot, peek, plain, tableValues, type CloudState, type Memo, type PolicyCredentials, type PolicyEngine, type Table, type Tx } from '../core/index.js';
import { isAliveAgent } from './agents.js';
import { indexed, makeCtx, networkVisible } from './context.js';
import { NEUTRON_PUBLISHER } from './events.js';
import { floatingIpsOfPort } from './floatingip_rows.js';
import { getNetwork } from './networks.js';
import { bindingOf, createPortFromRequest, deletePortRow, getPort, portView, subnetsOf, updatePortRow } from './ports.js';
import { securityGroupVisible } from './security_group_rules.js';
import type { AgentRow, NetworkRow, PortRow, SubnetRow } from './types.js';

/** The network a server asks for, as the user's `GET /v2.0/networks/{id}` finds it (undefined: not found for the user). */
export function networkForServer(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, id: string): NetworkRow | undefined {
  const ctx = makeCtx(s, policy, creds);
  try {
    return getNetwork(ctx, { id });
  } catch {
    return undefined;
  }
}

/**
 * `_get_available_networks` for a project: its own networks and the shared ones
 * (`tenant_id=project` then `shared=True`), without the external ones (`'auto'` never picks one).
 */
export function availableNetworksFor(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, projectId: string): NetworkRow[] {
  const ctx = makeCtx(s, policy, creds);
  const out: NetworkRow[] = [];
  for (const n of tableValues(s.network.networks)) {
    if (n.external) continue;
    if (n.project_id === projectId || (networkVisible(ctx, n) && isShared(s, n))) out.push(n);
  }
  return out.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
}

/** Whether a network is shared with every project (an RBAC `access_as_shared` entry for `*`). */
function isShared(s: CloudState, n: NetworkRow): boolean {
  for (const id of indexed(s.network.object_rbac, `network/${n.id}`)) {
    const r = getRow(s.network.rbac_policies, id);
    if (r !== undefined && r.action === 'access_as_shared' && r.target_tenant === '*') return true;
  }
  return false;
}

/** A network's subnets. */
export function subnetsOfNetwork(s: CloudState, networkId: string): SubnetRow[] {
  return subnetsOf(s, networkId);
}

/** The port a server asks for, as the user's `GET /v2.0/ports/{id}` finds it (undefined: not found for the user). */
export function portForServer(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, id: string): PortRow | undefined {
  try {
    return getPort(makeCtx(s, policy, creds), { id });
  } catch {
    return undefined;
  }
}

/** Whether an address is taken on a network (`list_ports(network_id, fixed_ips='ip_address=…')`). */
export function fixedIpInUse(s: CloudState, networkId: string, address: string): boolean {
  for (const id of indexed(s.network.network_ports, networkId)) {
    const p = getRow(s.network.ports, id);
    if (p !== undefined && p.fixed_ips.some((f) => f.ip_address === address)) return true;
  }
  return false;
}

/**
 * `_process_security_groups`: a group name or id the user's project can use (its own groups by name,
 * else any visible group by id), as nova resolves `security_groups` at create; undefined when none.
 */
export function securityGroupForServer(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, ref: string, projectId: string): string | undefined {
  const ctx = makeCtx(s, policy, creds);
  const byId = getRow(s.network.security_groups, ref);
  if (byId !== undefined && securityGroupVisible(ctx, byId)) return byId.id;
  const named = [...tableValues(s.network.security_groups)].filter((g) => g.name === ref && g.project_id === projectId);
  return named.length === 1 ? named[0]!.id : undefined;
}

/** What nova asks of a new port: its network, an address, its security groups. */
export interface ServerPortRequest {
  readonly network_id: string;
  readonly fixed_ip?: string;
  readonly security_groups?: readonly string[];
  readonly project_id: string;
}

/** `_create_port_minimal`: the user's `POST /v2.0/ports` (Neutron's policy and quota). */
export function createServerPort(tx: Tx, policy: PolicyEngine, creds: PolicyCredentials, request: ServerPortRequest): PortRow {
  const ctx = makeCtx(tx.draft as CloudState, policy, creds);
  const body: Record<string, unknown> = { network_id: request.network_id, project_id: request.project_id };
  if (request.fixed_ip !== undefined) body.fixed_ips = [{ ip_address: request.fixed_ip }];
  if (request.security_groups !== undefined) body.security_groups = [...request.security_groups];
  return createPortFromRequest(tx, ctx, body);
}

/**
 * `_update_port_binding_for_instance` / `_update_ports_for_instance` with nova's admin client:
 * `device_id` the instance, `device_owner` `compute:<zone>`, `binding:host_id` the host (ML2 binds
 * it, `ACTIVE` once the host's Open vSwitch agent plugs it). An empty host unbinds it. Undefined
 * when the port is gone.
 */
export function bindServerPort(tx: Tx, portId: string, device: { readonly device_id: string; readonly device_owner: string; readonly host: string }): PortRow | undefined {
  const s = tx.draft as CloudState;
  const before = getRow(s.network.ports, portId);
  if (before === undefined) return undefined; // deleted in Neutron meanwhile: nova's unbind ignores PortNotFound
  const binding = serverBinding(tx.memo, s, device.host, before.admin_state_up, device.device_owner, before.network_id);
  // every object in the row comes from the stored (deep-frozen) `before`, the rest are strings and
  // numbers: freezing the top makes it as deep-frozen as `setRow` would, without its walk
  const after: PortRow = Object.freeze({ ...before, device_id: device.device_id, device_owner: device.device_owner, binding_host_id: device.host, binding_vif_type: binding.binding_vif_type, status: binding.status, updated_at: tx.now(), revision_number: before.revision_number + 1 });
  updatePortRow(tx, before, after);
  tx.trace('neutron-server', device.host === '' ? `unbind port ${portId}` : `bind port ${portId} to ${device.host}: vif_type ${after.binding_vif_type}, status ${after.status}`);
  // the view as of now, built only when someone listens (emit calls it at once)
  tx.emit('port.update.end', () => ({ port: portView(tx.draft as CloudState, after) }), NEUTRON_PUBLISHER);
  return after;
}

/**
 * Sets a server port's `binding:profile` as nova's admin client does during a live migration
 * (`setup_networks_on_host`: `{migrating_to: <dest>}` at pre-live-migration; removed again by
 * `migrate_instance_finish` / the rollback). Undefined when the port is gone (nova ignores it).
 */
export function setServerPortProfile(tx: Tx, portId: string, profile: Readonly<Record<string, unknown>>): PortRow | undefined {
  const s = tx.draft as CloudState;
  const before = getRow(s.network.ports, portId);
  if (before === undefined) return undefined;
  const after: PortRow = { ...before, binding_profile: { ...profile }, updated_at: tx.now(), revision_number: before.revision_number + 1 };
  updatePortRow(tx, before, after);
  tx.trace('neutron-server', `port ${portId} binding:profile ${JSON.stringify(profile)}`);
  tx.emit('port.update.end', () => ({ port: portView(tx.draft as CloudState, after) }), NEUTRON_PUBLISHER);
  return after;
}

/** Each host's Open vSwitch agent (the first in the table's order, as `bindingOf` finds it), per version of the agents table. */
const OVS_AGENT_OF_HOST = memoSlot<Table<AgentRow>, ReadonlyMap<string, AgentRow>>('network.client.ovs_agent_of_host');

function ovsAgentsByHost(agents: Table<AgentRow>): ReadonlyMap<string, AgentRow> {
  const out = new Map<string, AgentRow>();
  for (const a of tableValues(agents)) if (a.agent_type === 'Open vSwitch agent' && !out.has(a.host)) out.set(a.host, a);
  return out;
}

/**
 * `bindingOf` (ports.ts: ML2's `mech_agent.bind_port`) for a server's port, with the host's agent
 * from an index kept in the memo: `bindingOf` scans every agent, ~1.8 ms a bind at 5 000 hosts.
 * The same decision, line for line: the host's first Open vSwitch agent, alive, serving the
 * network's segment (`mech_agent.check_segment_for_agent`, as ports.ts `agentServesSegment`).
 * Unbinding (host '') and floating IP owners go to `bindingOf` itself (no scan there).
 */
function serverBinding(memo: Memo, s: CloudState, hostId: string, adminUp: boolean, deviceOwner: string, networkId: string): Pick<PortRow, 'binding_vif_type' | 'status'> {
  if (hostId === '' || deviceOwner === 'network:floatingip') return bindingOf(s, hostId, adminUp, deviceOwner, networkId);
  const agent = memo.of(OVS_AGENT_OF_HOST, peek(s, 'network', 'agents'), ovsAgentsByHost).get(hostId);
  if (agent === undefined || !isAliveAgent(s, agent) || !agentServesSegment(agent, getRow(peek(s, 'network', 'networks'), networkId))) return { binding_vif_type: 'binding_failed', status: 'DOWN' };
  return { binding_vif_type: 'ovs', status: adminUp ? 'ACTIVE' : 'DOWN' };
}

/** ports.ts `agentServesSegment` (not exported there): a tunnel type the agent runs, a bridge for a flat / vlan physnet, or a local segment. */
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

/** `delete_port` with nova's admin client (a port nova created, when its server goes). */
export function deleteServerPort(tx: Tx, portId: string): void {
  const port = getRow((tx.draft as CloudState).network.ports, portId);
  if (port === undefined) return;
  deletePortRow(tx, port);
  tx.trace('neutron-server', `delete_port ${portId}`);
  // the view as of now, built only when someone listens (emit calls it at once)
  tx.emit('port.delete.end', () => ({ port_id: port.id, port: portView(tx.draft as CloudState, port) }), NEUTRON_PUBLISHER);
}

/** A port row by id (nova re-reads a port the user passed before it binds it), undefined when gone. */
export function portRow(s: CloudState, portId: string): PortRow | undefined {
  return getRow(s.network.ports, portId);
}

/** The ports whose `device_id` is a server. */
export function portsOfDevice(s: CloudState, deviceId: string): PortRow[] {
  return indexed(s.network.device_ports, deviceId).map((id) => getRow(s.network.ports, id)).filter((p): p is PortRow => p !== undefined);
}

/** One address of a server's view (`addresses`). */
export interface ServerAddress {
  readonly version: 4 | 6;
  readonly addr: string;
  readonly 'OS-EXT-IPS:type': 'fixed' | 'floating';
  readonly 'OS-EXT-IPS-MAC:mac_addr': string;
}

/** `addresses` from the server's ports, in their order: network name → fixed then floating addresses. */
export function addressesOfPorts(s: CloudState, portIds: readonly string[]): Record<string, ServerAddress[]> {
  const out: Record<string, ServerAddress[]> = {};
  for (const id of portIds) {
    const port = getRow(s.network.ports, id);
    if (port === undefined) continue;
    const network = getRow(s.network.networks, port.network_id);
    const label = network?.name ?? port.network_id;
    const list = out[label] ?? (out[label] = []);
    for (const f of port.fixed_ips) list.push({ version: f.ip_address.includes(':') ? 6 : 4, addr: f.ip_address, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': port.mac_address });
    for (const fip of floatingIpsOfPort(s, port.id)) list.push({ version: fip.floating_ip_address.includes(':') ? 6 : 4, addr: fip.floating_ip_address, 'OS-EXT-IPS:type': 'floating', 'OS-EXT-IPS-MAC:mac_addr': port.mac_address });
  }
  return out;
}

/** `shared` of a network as nova reads it (`_check_external_network_attach`): shared with every project (an RBAC `access_as_shared` entry for `*`). */
export function networkIsShared(s: CloudState, network: NetworkRow): boolean {
  return isShared(s, network);
}
