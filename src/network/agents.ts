/**
 * Neutron's agents (`/v2.0/agents`, `neutron/db/agents_db.py`) as DevStack runs them with ML2 and
 * Open vSwitch: an Open vSwitch agent on every compute and network host; the DHCP, L3 and
 * metadata agents on network hosts. An agent is `alive` while its host is up, and for
 * `agent_down_time` (75 s of virtual time) after its last heartbeat once the host went down
 * (`AgentDbMixin.is_agent_down`). The DHCP scheduler puts a network on the live DHCP agent
 * hosting the fewest networks (`dhcp_agents_per_network` 1, `WeightScheduler`); the L3 scheduler
 * puts a router on the live L3 agent hosting the fewest routers (`LeastRoutersScheduler`).
 *
 * Not simulated: agent report intervals (a running host's heartbeat is "now"), the agents'
 * `resource_versions`, rescheduling networks and routers away from dead agents.
 */
import { Conflict, deleteRow, notificationTimestamp, getRow, setRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import type { Host } from '../hardware/index.js';
import { enforce, enforceOn, enforceShow, indexed, resolveRow, showable, type Ctx } from './context.js';
import { bodyOf, listViews } from './controller.js';
import { booleanArg, descriptionArg } from './standard.js';
import type { AgentRow, AgentType, RouterRow } from './types.js';

/** An agent as `GET /v2.0/agents/{id}` shows it. */
export interface AgentView {
  readonly id: string;
  readonly agent_type: AgentType;
  readonly binary: string;
  readonly topic: string;
  readonly host: string;
  readonly admin_state_up: boolean;
  readonly created_at: string;
  readonly started_at: string;
  readonly heartbeat_timestamp: string;
  readonly alive: boolean;
  readonly description: string | null;
  readonly availability_zone: string | null;
  readonly configurations: Readonly<Record<string, unknown>>;
  readonly resources_synced: boolean | null;
}

const ATTRIBUTES = ['id', 'agent_type', 'binary', 'topic', 'host', 'admin_state_up', 'created_at', 'started_at', 'heartbeat_timestamp', 'alive', 'description', 'availability_zone', 'configurations', 'resources_synced'] as const;

interface AgentKind {
  readonly agent_type: AgentType;
  readonly binary: string;
  readonly topic: string;
  readonly zoned: boolean;
  readonly configurations: (host: Host) => Record<string, unknown>;
}

/** The agents DevStack's `q-agt`, `q-dhcp`, `q-l3` and `q-meta` services run. */
const KINDS: Readonly<Record<'ovs' | 'dhcp' | 'l3' | 'metadata', AgentKind>> = {
  ovs: {
    agent_type: 'Open vSwitch agent',
    binary: 'neutron-openvswitch-agent',
    topic: 'N/A',
    zoned: false,
    configurations: (host) => ({
      arp_responder_enabled: false,
      bridge_mappings: host.roles.includes('network') ? { public: 'br-ex' } : {},
      datapath_type: 'system',
      devices: 0,
      enable_distributed_routing: false,
      in_distributed_mode: false,
      integration_bridge: 'br-int',
      l2_population: false,
      log_agent_heartbeats: false,
      ovs_hybrid_plug: false,
      tunnel_types: ['vxlan'],
      tunneling_ip: null,
    }),
  },
  dhcp: { agent_type: 'DHCP agent', binary: 'neutron-dhcp-agent', topic: 'dhcp_agent', zoned: true, configurations: () => ({ dhcp_driver: 'neutron.agent.linux.dhcp.Dnsmasq', dhcp_lease_duration: 86400, log_agent_heartbeats: false, networks: 0, ports: 0, subnets: 0 }) },
  l3: { agent_type: 'L3 agent', binary: 'neutron-l3-agent', topic: 'l3_agent', zoned: true, configurations: () => ({ agent_mode: 'legacy', ex_gw_ports: 0, floating_ips: 0, interface_driver: 'openvswitch', interfaces: 0, log_agent_heartbeats: false, routers: 0 }) },
  metadata: { agent_type: 'Metadata agent', binary: 'neutron-metadata-agent', topic: 'N/A', zoned: false, configurations: () => ({ log_agent_heartbeats: false, metadata_proxy_socket: '/opt/stack/data/neutron/metadata_proxy', nova_metadata_host: 'controller', nova_metadata_port: 8775 }) },
};

/** The agents a host runs for its roles. */
function kindsFor(host: Host): AgentKind[] {
  const out: AgentKind[] = [];
  if (host.roles.includes('compute') || host.roles.includes('network')) out.push(KINDS.ovs);
  if (host.roles.includes('network')) out.push(KINDS.dhcp, KINDS.l3, KINDS.metadata);
  return out;
}

/** `is_agent_down`'s opposite: the host runs, or its last heartbeat is within `agent_down_time`. */
export function isAliveAgent(s: CloudState, agent: AgentRow): boolean {
  return agent.reporting || s.meta.clock.now - agent.heartbeat_timestamp <= s.network.config.agent_down_time;
}

/** The agents of a host (rows). */
export function agentsOn(s: CloudState, hostName: string): AgentRow[] {
  return [...tableValues(s.network.agents)].filter((a) => a.host === hostName);
}

/** Starts the agents a host's roles call for (a new host, or roles that changed); stops those it no longer runs. */
export function syncHostAgents(tx: Tx, host: Host): void {
  const s = tx.draft as CloudState;
  const now = tx.now();
  const existing = agentsOn(s, host.name);
  const kinds = kindsFor(host);
  for (const a of existing) if (!kinds.some((k) => k.agent_type === a.agent_type)) dropAgent(tx, a);
  for (const k of kinds) {
    if (existing.some((a) => a.agent_type === k.agent_type)) continue;
    const row: AgentRow = {
      id: tx.ids.uuid(),
      agent_type: k.agent_type,
      binary: k.binary,
      topic: k.topic,
      host: host.name,
      admin_state_up: true,
      description: null,
      availability_zone: k.zoned ? (host.availability_zone ?? 'nova') : null,
      configurations: k.configurations(host),
      created_at: now,
      started_at: now,
      heartbeat_timestamp: now,
      reporting: host.state !== 'down',
    };
    setRow(tx.draft.network.agents, row.id, row);
  }
}

/** An agent's record goes: the networks and routers it hosted are left unhosted (`l3_agent_id` null). */
function dropAgent(tx: Tx, agent: AgentRow): void {
  const s = tx.draft as CloudState;
  for (const network of tableValues(s.network.networks)) deleteRow(tx.draft.network.network_dhcp_agents, `${network.id}/${agent.id}`);
  for (const r of tableValues(s.network.routers)) {
    if (r.l3_agent_id !== agent.id) continue;
    const unhosted: RouterRow = { ...r, l3_agent_id: null };
    setRow(tx.draft.network.routers, r.id, unhosted);
  }
  deleteRow(tx.draft.network.agents, agent.id);
}

/** A host went down or came back: its agents stop reporting (heartbeat frozen now) or start again. */
export function hostStateChanged(tx: Tx, before: Host, after: Host): void {
  const down = after.state === 'down';
  if ((before.state === 'down') === down) return;
  const now = tx.now();
  for (const a of agentsOn(tx.draft as CloudState, after.name)) {
    setRow(tx.draft.network.agents, a.id, down ? { ...a, reporting: false, heartbeat_timestamp: now } : { ...a, reporting: true, started_at: now, heartbeat_timestamp: now });
  }
  tx.trace('neutron-server', `agents on ${after.name} ${down ? 'stopped reporting' : 'report again'}`);
}

/** A host is being removed: refused while it hosts networks or routers; its agents go. */
export function removeHostAgents(tx: Tx, host: Host): void {
  const s = tx.draft as CloudState;
  for (const a of agentsOn(s, host.name)) {
    const routers = [...tableValues(s.network.routers)].filter((r) => r.l3_agent_id === a.id);
    if (routers.length > 0) throw new Conflict('network.agent.in_use', `Host '${host.name}' hosts ${routers.length} router(s) on its L3 agent (${routers.slice(0, 3).map((r) => r.id).join(', ')}); delete or move them first.`, { host: host.name });
    const bound = [...tableValues(s.network.ports)].filter((p) => p.binding_host_id === host.name);
    if (bound.length > 0) throw new Conflict('network.agent.in_use', `Host '${host.name}' has ${bound.length} port(s) bound to it; unbind or delete them first.`, { host: host.name });
  }
  for (const a of agentsOn(s, host.name)) dropAgent(tx, a);
}

/** The load of every agent of a type, counted in one pass: routers per L3 agent, networks per DHCP agent. */
function loads(s: CloudState, type: AgentType): Map<string, number> {
  const out = new Map<string, number>();
  const add = (id: string | null): void => {
    if (id !== null) out.set(id, (out.get(id) ?? 0) + 1);
  };
  if (type === 'L3 agent') for (const r of tableValues(s.network.routers)) add(r.l3_agent_id);
  else for (const id of tableValues(s.network.network_dhcp_agents)) add(id);
  return out;
}

/** The live, enabled agents of a type, least loaded first (ties by host name, then id): Neutron's `LeastRoutersScheduler` / `WeightScheduler`. */
function byLoad(s: CloudState, type: AgentType, exclude: readonly AgentRow[] = []): AgentRow[] {
  const load = loads(s, type);
  const candidates = [...tableValues(s.network.agents)].filter((a) => a.agent_type === type && a.admin_state_up && isAliveAgent(s, a) && !exclude.some((h) => h.id === a.id));
  return candidates.sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || (a.host < b.host ? -1 : a.host > b.host ? 1 : a.id < b.id ? -1 : 1));
}

/** The live, enabled agent of a type with the least load, or undefined. */
export function pickAgent(s: CloudState, type: AgentType): AgentRow | undefined {
  return byLoad(s, type)[0];
}

/** `schedule_network`: binds a network to DHCP agents up to `dhcp_agents_per_network`; returns the agents hosting it. */
export function scheduleNetwork(tx: Tx, networkId: string): AgentRow[] {
  const s = tx.draft as CloudState;
  const hosting = indexed(s.network.network_dhcp_agents, networkId).map((id) => getRow(s.network.agents, id)).filter((a): a is AgentRow => a !== undefined);
  while (hosting.length < s.network.config.dhcp_agents_per_network) {
    const agent = byLoad(tx.draft as CloudState, 'DHCP agent', hosting)[0];
    if (agent === undefined) break;
    setRow(tx.draft.network.network_dhcp_agents, `${networkId}/${agent.id}`, agent.id);
    hosting.push(agent);
    tx.trace('neutron-server', `dhcp scheduler: network ${networkId} → DHCP agent on ${agent.host}`);
  }
  return hosting;
}

// ------------------------------------------------------------------------------ API

/** The view of an agent. */
export function agentView(s: CloudState, agent: AgentRow): AgentView {
  const iso = (t: number): string => notificationTimestamp(s.meta.clock.epoch, Math.floor(t));
  return {
    id: agent.id,
    agent_type: agent.agent_type,
    binary: agent.binary,
    topic: agent.topic,
    host: agent.host,
    admin_state_up: agent.admin_state_up,
    created_at: iso(agent.created_at),
    started_at: iso(agent.started_at),
    heartbeat_timestamp: iso(agent.reporting ? s.meta.clock.now : agent.heartbeat_timestamp),
    alive: isAliveAgent(s, agent),
    description: agent.description,
    availability_zone: agent.availability_zone,
    configurations: agent.configurations,
    resources_synced: null,
  };
}

const target = (s: CloudState, a: AgentRow): Record<string, unknown> => ({ ...agentView(s, a) });

/** The agent a reference (its id) names. */
export function getAgent(ctx: Ctx, ref: unknown): AgentRow {
  return resolveRow(ctx, 'agent', ctx.s.network.agents as never, () => true, ref) as AgentRow;
}

/** `GET /v2.0/agents`: the agents `get_agent` lets the caller see (all for an admin, none otherwise: Neutron filters, it does not refuse). */
export function listAgents(ctx: Ctx, query: unknown = {}): AgentView[] {
  return listViews(ctx, { resource: 'agent', rows: [...tableValues(ctx.s.network.agents)], attributes: ATTRIBUTES, target: (a) => target(ctx.s, a), view: (a) => agentView(ctx.s, a) as unknown as Record<string, unknown> }, query) as unknown as AgentView[];
}

/** `GET /v2.0/agents/{id}` (admin; 404 for others, as if it did not exist). */
export function showAgent(ctx: Ctx, ref: unknown): AgentView {
  const agent = getAgent(ctx, ref);
  enforceShow(ctx, 'agent', agent.id, target(ctx.s, agent));
  return showable(ctx, 'agent', agentView(ctx.s, agent), target(ctx.s, agent));
}

/** `PUT /v2.0/agents/{id}`: `admin_state_up` and `description` (admin). */
export function updateAgent(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): AgentView {
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const agent = getAgent(c, ref);
  const body = bodyOf(input, 'agent', ['admin_state_up', 'description'], ['agent_type', 'binary', 'topic', 'host', 'alive', 'configurations']);
  enforceOn(c, 'agent', 'update_agent', agent.id, target(s, agent));
  const row: AgentRow = {
    ...agent,
    ...(body.admin_state_up === undefined ? {} : { admin_state_up: booleanArg(body.admin_state_up, 'admin_state_up') }),
    ...(body.description === undefined ? {} : { description: body.description === null ? null : descriptionArg(body.description) }),
  };
  setRow(tx.draft.network.agents, agent.id, row);
  return agentView(s, row);
}

/** `DELETE /v2.0/agents/{id}` (admin): the agent's record goes (a running agent would register again on its next report). */
export function deleteAgent(tx: Tx, ctx: Ctx, ref: unknown): void {
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const agent = getAgent(c, ref);
  enforceOn(c, 'agent', 'delete_agent', agent.id, target(s, agent));
  dropAgent(tx, agent);
}

/** `get_dhcp-agents` (admin): 403 before the network is looked up. */
export function enforceDhcpAgentsListing(ctx: Ctx): void {
  enforce(ctx, 'get_dhcp-agents', {});
}

/** `GET /v2.0/networks/{id}/dhcp-agents`: the DHCP agents hosting a network (admin). */
export function listDhcpAgentsHostingNetwork(ctx: Ctx, networkId: string): AgentView[] {
  return indexed(ctx.s.network.network_dhcp_agents, networkId).map((id) => getRow(ctx.s.network.agents, id)).filter((a): a is AgentRow => a !== undefined).map((a) => agentView(ctx.s, a));
}
