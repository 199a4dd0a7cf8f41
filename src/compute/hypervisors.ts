/**
 * Hypervisors as nova-api shows them at microversion 2.88 and later
 * (`nova/api/openstack/compute/hypervisors.py`, `schemas/hypervisors.py`): one compute node per
 * compute host, whose id is its uuid (2.53) — the host's id, which is also its Placement
 * resource provider's uuid. `GET /os-hypervisors` (`id`, `hypervisor_hostname`, `state` from
 * `service_is_up`, `status` from the service's `disabled`), `/os-hypervisors/detail` and
 * `GET /os-hypervisors/{id}` (also `hypervisor_type`, `hypervisor_version`, `host_ip`,
 * `service { host, id, disabled_reason }` and, since 2.88, `uptime`), with
 * `hypervisor_hostname_pattern` (SQL `LIKE '%pattern%'`, 404 when nothing matches) and
 * `with_servers` (`servers: [{ name, uuid }]`, 2.75: always present when asked), `limit` and
 * `marker` (a compute node's uuid). Every call is admin-only (`os-hypervisors:*` policies).
 *
 * 2.88 removed `GET /os-hypervisors/statistics` and the resource fields of the detail view;
 * {@link hypervisorStatistics} is stacksim's named helper for what 2.87's statistics returned,
 * computed from Placement's inventories and usages (`db/main/api.py` `compute_node_statistics`,
 * the resource tracker's `_update_usage`). {@link listCells} is stacksim's helper for
 * `nova-manage cell_v2 list_cells` and `list_hosts` (`nova/cmd/manage.py`).
 *
 * Not simulated: hypervisor software versions and host addresses (the hardware model has none:
 * `hypervisor_version` is {@link HYPERVISOR_VERSIONS}' constant for the host's type, `host_ip` is
 * derived from the host's id), the load average in `uptime`, `hypervisors_links`, the pre-2.53 ids.
 */
import { formatUuid, getRow, isIdRef, type CloudState } from '../core/index.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { listHostsByName, findHost, type Host, type HypervisorType } from '../hardware/index.js';
import { computeProviderOf, inventoriesOf, usageOf } from '../scheduler/index.js';
import { allowed, enforce, indexed, type Ctx } from './context.js';
import { computeServiceOf, serviceUp } from './nova_services.js';
import { NovaError, badRequest, policyNotAuthorized } from './errors.js';
import { describeValue, queryError, schemaBoolean } from './input.js';
import { NOVA_RULES } from './policies.js';
import type { NovaServiceRow, ServerRow } from './types.js';
import { allowResourceRemoval } from './vm_states.js';
import { isotime } from './views.js';

/** A server on a hypervisor (`with_servers`). */
export interface HypervisorServerView {
  readonly name: string;
  readonly uuid: string;
}

/** An entry of `GET /os-hypervisors` (2.88). */
export interface HypervisorSummary {
  /** The compute node's uuid: the host's id and its resource provider's uuid. */
  readonly id: string;
  readonly hypervisor_hostname: string;
  /** `up` while the host's nova-compute reports. */
  readonly state: 'up' | 'down';
  /** `disabled` while its nova-compute service is disabled. */
  readonly status: 'enabled' | 'disabled';
  /** With `with_servers`: the servers on the host. */
  readonly servers?: readonly HypervisorServerView[];
}

/** `GET /os-hypervisors/{id}` and an entry of `/os-hypervisors/detail` (2.88). */
export interface HypervisorView extends HypervisorSummary {
  readonly hypervisor_type: HypervisorType;
  readonly hypervisor_version: number;
  readonly host_ip: string;
  readonly service: { readonly id: string; readonly host: string; readonly disabled_reason: string | null };
  /** The output of `uptime` on the host (libvirt's `get_host_uptime`); null while the host is down or for drivers without it (ironic, VMware). */
  readonly uptime: string | null;
}

/** What 2.87's `GET /os-hypervisors/statistics` returned: sums over the compute nodes whose service is enabled. */
export interface HypervisorStatisticsView {
  readonly count: number;
  readonly vcpus: number;
  readonly memory_mb: number;
  readonly local_gb: number;
  readonly vcpus_used: number;
  readonly memory_mb_used: number;
  readonly local_gb_used: number;
  readonly free_ram_mb: number;
  readonly free_disk_gb: number;
  readonly current_workload: number;
  readonly running_vms: number;
  readonly disk_available_least: number;
}

/** A cell of `nova-manage cell_v2 list_cells` (passwords masked) with its hosts (`list_hosts`). */
export interface CellView {
  readonly name: string;
  readonly uuid: string;
  readonly transport_url: string;
  readonly database_connection: string;
  readonly disabled: boolean;
  /** The compute hosts mapped to the cell (`discover_hosts`), by name. */
  readonly hosts: readonly string[];
}

/** The query of `GET /os-hypervisors` and `/detail` (`list_query_schema_v253`). */
export interface HypervisorListQuery {
  readonly limit?: number | string;
  readonly marker?: string;
  readonly hypervisor_hostname_pattern?: string;
  readonly with_servers?: boolean | string;
}

/**
 * `hypervisor_version` by hypervisor type: stacksim's constants (the hardware model has no
 * software versions), as the drivers encode them (`major × 1 000 000 + minor × 1 000 + micro`):
 * QEMU 6.2.0 of Ubuntu 22.04 (Zed's DevStack) through libvirt, ironic's API major version,
 * vCenter 7.0.3, Hyper-V 10.0, z/VM 7.2, Xen 4.16, Docker 20.10.
 */
export const HYPERVISOR_VERSIONS: Readonly<Record<HypervisorType, number>> = Object.freeze({
  QEMU: 6002000,
  ironic: 1,
  'VMware vCenter Server': 7000003,
  hyperv: 10000,
  zvm: 7002000,
  xen: 4016000,
  docker: 20010000,
});

/** nova's `CellMapping.CELL0_UUID`. */
export const CELL0_UUID = '00000000-0000-0000-0000-000000000000';

function hashUuid(text: string): string {
  return formatUuid(bytesToHex(sha256(utf8ToBytes(text))));
}

/** The uuid of a cell other than cell0 (derived from its name). */
export function cellUuid(name: string): string {
  return name === 'cell0' ? CELL0_UUID : hashUuid(`stacksim:cell:${name}`);
}

/** `CONF.my_ip` of a host: the model has no addresses, so one in 10.0.0.0/8 derived from the host's id. */
export function hostIp(host: Pick<Host, 'id'>): string {
  const b = sha256(utf8ToBytes(`stacksim:host_ip:${host.id}`));
  return `10.${b[0] as number}.${b[1] as number}.${((b[2] as number) % 254) + 1}`;
}

/** A compute node with its `nova-compute` service: the host, its database id (its provider's, in creation order) and the service row. */
interface ComputeNode {
  readonly host: Host;
  readonly id: number;
  readonly service: NovaServiceRow;
}

/**
 * The compute nodes in id order (`ComputeNodeList`, ordered by `id`): the hosts whose resource
 * tracker reported them (a Placement provider with the host's id) and whose `nova-compute`
 * service exists (`service_get_by_compute_host`: nova skips a node whose service was deleted).
 */
function computeNodes(s: CloudState): ComputeNode[] {
  const out: ComputeNode[] = [];
  for (const host of listHostsByName(s)) {
    if (!host.roles.includes('compute')) continue;
    const rp = computeProviderOf(s, host.id);
    const service = computeServiceOf(s, host.name);
    if (rp !== undefined && service !== undefined) out.push({ host, id: rp.id, service });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** The instances on a host not deleted (`instance_get_all_by_host`), in database order. */
function serversOn(s: CloudState, hostName: string): ServerRow[] {
  const rows: ServerRow[] = [];
  for (const uuid of indexed(s.compute.host_servers, hostName)) {
    const row = getRow(s.compute.servers, uuid);
    if (row !== undefined && !row.deleted && row.host === hostName) rows.push(row);
  }
  return rows.sort((a, b) => a.db_id - b.db_id);
}

/**
 * What `uptime` prints on the host (procps' `sprint_uptime`, which the libvirt driver's
 * `get_host_uptime` returns): the clock's time of day (UTC), the time since the host last came
 * up (its last change: adding it, a recovery or a hardware change), no users, no load.
 */
export function hostUptime(s: CloudState, host: Host): string | null {
  if (host.state !== 'up' || host.hypervisor_type === 'ironic' || host.hypervisor_type === 'VMware vCenter Server') return null;
  const service = computeServiceOf(s, host.name);
  if (service === undefined || !serviceUp(s, service)) return null;
  const now = s.meta.clock.now;
  const clock = isotime(s, Math.floor(now)).slice(11, 19);
  const secs = Math.max(0, Math.floor(now - host.updated_at));
  const days = Math.floor(secs / 86_400);
  const hours = Math.floor(secs / 3600) % 24;
  const minutes = Math.floor(secs / 60) % 60;
  let out = ` ${clock} up `;
  if (days > 0) out += `${days} day${days !== 1 ? 's' : ''}, `;
  out += hours > 0 ? `${String(hours).padStart(2, ' ')}:${String(minutes).padStart(2, '0')}, ` : `${minutes} min, `;
  out += ` 0 users,  load average: 0.00, 0.00, 0.00\n`;
  return out;
}

function view(s: CloudState, node: ComputeNode, detail: boolean, withServers: boolean): HypervisorSummary | HypervisorView {
  const { host, service } = node;
  const out: Record<string, unknown> = { id: host.id, hypervisor_hostname: host.name, state: serviceUp(s, service) ? 'up' : 'down', status: service.disabled ? 'disabled' : 'enabled' };
  if (detail) {
    out.hypervisor_type = host.hypervisor_type;
    out.hypervisor_version = HYPERVISOR_VERSIONS[host.hypervisor_type];
    out.host_ip = hostIp(host);
    out.service = { id: service.uuid, host: host.name, disabled_reason: service.disabled_reason };
    out.uptime = hostUptime(s, host);
  }
  if (withServers) out.servers = serversOn(s, host.name).map((r) => ({ name: r.name, uuid: r.uuid }));
  return out as unknown as HypervisorSummary | HypervisorView;
}

/** One value of a query parameter (`single_param`: a list of one is its value). */
function single(value: unknown, field: string): unknown {
  if (!Array.isArray(value)) return value;
  if (value.length !== 1) throw badRequest(field, `Invalid input for query parameters ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is too ${value.length === 0 ? 'short' : 'long'}`);
  return value[0];
}

/** `parameter_types.boolean` as `strutils.bool_from_string(strict=True)` reads it. */
function withServersArg(raw: unknown): boolean {
  return schemaBoolean(single(raw, 'with_servers'), 'with_servers', queryError);
}

function queryObject(query: unknown, allowedKeys: readonly string[]): Record<string, unknown> {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw badRequest('query', `Invalid input for query parameters. Value: ${describeValue(query)}. ${describeValue(query)} is not of type 'object'`);
  const q = query as Record<string, unknown>;
  for (const k of Object.keys(q)) if (!allowedKeys.includes(k)) throw badRequest(`query.${k}`, `Additional properties are not allowed ('${k.slice(0, 60)}' was unexpected)`);
  return q;
}

interface ListArgs {
  readonly limit: number | undefined;
  readonly marker: string | undefined;
  readonly pattern: string | undefined;
  readonly withServers: boolean;
}

/** `list_query_schema_v253`. */
function listArgs(query: unknown): ListArgs {
  const q = queryObject(query, ['limit', 'marker', 'hypervisor_hostname_pattern', 'with_servers']);
  let limit: number | undefined;
  if (q.limit !== undefined) {
    const v = single(q.limit, 'limit');
    if (typeof v === 'string') {
      if (v.length === 0) throw queryError('limit', v, "'' is too short");
      if (!/^[0-9]*$/.test(v)) throw queryError('limit', v, `${describeValue(v)} does not match '^[0-9]*$'`);
      limit = Number(v);
    } else if (typeof v === 'number' && Number.isInteger(v)) {
      if (v < 0) throw queryError('limit', v, `${v} is less than the minimum of 0`);
      limit = v;
    } else throw queryError('limit', v, `${describeValue(v)} is not of type 'integer', 'string'`);
    if (!Number.isSafeInteger(limit)) throw queryError('limit', v, `${describeValue(v)} is too large`);
  }
  let marker: string | undefined;
  if (q.marker !== undefined) {
    const v = single(q.marker, 'marker');
    if (typeof v !== 'string') throw queryError('marker', v, `${describeValue(v)} is not of type 'string'`);
    if (v.length > 255) throw queryError('marker', v, `${describeValue(v)} is too long`);
    marker = v;
  }
  let pattern: string | undefined;
  if (q.hypervisor_hostname_pattern !== undefined) {
    const v = single(q.hypervisor_hostname_pattern, 'hypervisor_hostname_pattern');
    if (typeof v !== 'string') throw queryError('hypervisor_hostname_pattern', v, `${describeValue(v)} is not of type 'string'`);
    if (v.length < 1) throw queryError('hypervisor_hostname_pattern', v, "'' is too short");
    if (v.length > 255) throw queryError('hypervisor_hostname_pattern', v, `${describeValue(v)} is too long`);
    if (!/^[a-zA-Z0-9-._]*$/.test(v)) throw queryError('hypervisor_hostname_pattern', v, `${describeValue(v)} does not match '^[a-zA-Z0-9-._]*$'`);
    pattern = v;
  }
  const withServers = q.with_servers === undefined ? false : withServersArg(q.with_servers);
  return { limit, marker, pattern, withServers };
}

/**
 * SQL `hypervisor_hostname LIKE '%pattern%'` (`compute_node_search_by_hypervisor`) under MySQL's
 * case-insensitive collation: `_` matches any one character (the schema allows no `%`).
 */
function likeMatcher(pattern: string): (name: string) => boolean {
  const source = [...pattern].map((c) => (c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))).join('');
  const re = new RegExp(source, 'is');
  return (name) => re.test(name);
}

/** `_get_hypervisors`: by pattern (no paging: 400; none: 404) or every compute node after `marker`, at most `limit`. */
function hypervisors(ctx: Ctx, args: ListArgs, detail: boolean): (HypervisorSummary | HypervisorView)[] {
  const s = ctx.s;
  let nodes = computeNodes(s);
  if (args.pattern !== undefined) {
    if (args.limit !== undefined || args.marker !== undefined) {
      throw badRequest('hypervisor_hostname_pattern', 'Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.', 'compute.hypervisor.pattern_paging');
    }
    const matches = likeMatcher(args.pattern);
    nodes = nodes.filter((n) => matches(n.host.name));
    if (nodes.length === 0) throw new NovaError(404, 'compute.hypervisor.not_found', 'HTTPNotFound', `No hypervisor matching '${args.pattern}' could be found.`, { field: 'hypervisor_hostname_pattern' });
  } else {
    if (args.marker !== undefined) {
      const at = nodes.findIndex((n) => n.host.id === args.marker);
      if (at < 0) throw badRequest('marker', `marker [${args.marker}] not found`, 'compute.hypervisor.marker_not_found');
      nodes = nodes.slice(at + 1);
    }
    const limit = Math.min(s.compute.config.max_limit, args.limit ?? s.compute.config.max_limit);
    nodes = nodes.slice(0, limit);
  }
  return nodes.map((n) => view(s, n, detail, args.withServers));
}

/** `GET /os-hypervisors` (admin, `os-hypervisors:list`). */
export function listHypervisors(ctx: Ctx, query: unknown = {}): HypervisorSummary[] {
  const args = listArgs(query);
  enforce(ctx, NOVA_RULES.hypervisors.list, {});
  return hypervisors(ctx, args, false);
}

/** `GET /os-hypervisors/detail` (admin, `os-hypervisors:list-detail`). */
export function listHypervisorsDetail(ctx: Ctx, query: unknown = {}): HypervisorView[] {
  const args = listArgs(query);
  enforce(ctx, NOVA_RULES.hypervisors.listDetail, {});
  return hypervisors(ctx, args, true) as HypervisorView[];
}

/** `uuidutils.is_uuid_like`: the canonical form of a uuid-like string (braces, `urn:uuid:`, case and dashes aside), else undefined. */
function uuidLike(value: string): string | undefined {
  const hex = value.toLowerCase().replace(/^urn:uuid:/, '').replace(/[{}-]/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `GET /os-hypervisors/{id}` (admin, `os-hypervisors:show`): `with_servers` checked
 * (`show_query_schema_v253`), the policy, then the id: not uuid-like is 400 "Invalid uuid …"
 * (stacksim's convenience: a hypervisor hostname names its node, as the openstack CLI resolves
 * it; `{ id }` takes the uuid alone), no such compute node 404 "Hypervisor with ID '…' could
 * not be found.".
 */
export function showHypervisor(ctx: Ctx, ref: unknown, query: unknown = {}): HypervisorView {
  const q = queryObject(query, ['with_servers']);
  const withServers = q.with_servers === undefined ? false : withServersArg(q.with_servers);
  enforce(ctx, NOVA_RULES.hypervisors.show, {});
  const byIdOnly = isIdRef(ref);
  const raw = byIdOnly ? (ref as { id: unknown }).id : ref;
  const field = byIdOnly ? 'hypervisor.id' : 'hypervisor';
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 255) throw badRequest(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(raw)}. expected a hypervisor id`, 'compute.hypervisor.invalid_ref');
  const nodes = computeNodes(ctx.s);
  const uuid = uuidLike(raw);
  let node: ComputeNode | undefined;
  if (uuid !== undefined) node = nodes.find((n) => n.host.id === uuid);
  else if (!byIdOnly) {
    const host = findHost(ctx.s, raw);
    node = host === undefined || host.name !== raw ? undefined : nodes.find((n) => n.host.id === host.id);
    if (node === undefined) throw badRequest(field, `Invalid uuid ${raw}`, 'compute.hypervisor.invalid_uuid');
  } else throw badRequest(field, `Invalid uuid ${raw}`, 'compute.hypervisor.invalid_uuid');
  if (node === undefined) throw new NovaError(404, 'compute.hypervisor.not_found', 'ComputeHostNotFound', `Hypervisor with ID '${raw}' could not be found.`, { id: raw });
  return view(ctx.s, node, true, withServers) as HypervisorView;
}

/**
 * stacksim's helper for what `GET /os-hypervisors/statistics` returned before 2.88 (admin,
 * `os-hypervisors:statistics`): sums over the compute nodes whose `nova-compute` is enabled
 * (`compute_node_statistics` joins the enabled services). Each node's totals are its Placement
 * inventories' `total`, its used amounts the inventories' `reserved` plus Placement's usage (the
 * resource tracker starts them at the reservation), `running_vms` the instances on the host the
 * tracker counts (not deleted, not offloaded), `current_workload` those of them with a task
 * (`Stats.calculate_workload`), and `disk_available_least` the disk not taken by instances (the
 * model's disks are fully allocated, so nothing is over-committed).
 */
export function hypervisorStatistics(ctx: Ctx): HypervisorStatisticsView {
  enforce(ctx, NOVA_RULES.hypervisors.statistics, {});
  const s = ctx.s;
  const t = { count: 0, vcpus: 0, memory_mb: 0, local_gb: 0, vcpus_used: 0, memory_mb_used: 0, local_gb_used: 0, free_ram_mb: 0, free_disk_gb: 0, current_workload: 0, running_vms: 0, disk_available_least: 0 };
  for (const { host, service } of computeNodes(s)) {
    if (service.disabled) continue;
    const inv = inventoriesOf(s, host.id);
    const total = (rc: string): number => inv.get(rc)?.total ?? 0;
    const used = (rc: string): number => (inv.get(rc)?.reserved ?? 0) + usageOf(s, host.id, rc);
    t.count += 1;
    t.vcpus += total('VCPU');
    t.memory_mb += total('MEMORY_MB');
    t.local_gb += total('DISK_GB');
    t.vcpus_used += used('VCPU');
    t.memory_mb_used += used('MEMORY_MB');
    t.local_gb_used += used('DISK_GB');
    t.free_ram_mb += total('MEMORY_MB') - used('MEMORY_MB');
    t.free_disk_gb += total('DISK_GB') - used('DISK_GB');
    t.disk_available_least += total('DISK_GB') - usageOf(s, host.id, 'DISK_GB');
    for (const row of serversOn(s, host.name)) {
      if (allowResourceRemoval(row.vm_state, row.task_state)) continue;
      t.running_vms += 1;
      if (row.task_state !== null) t.current_workload += 1;
    }
  }
  return t;
}

/**
 * stacksim's helper for `nova-manage cell_v2 list_cells` and `list_hosts` (admin: `nova-manage`
 * runs with the database's credentials, here the `context_is_admin` rule): DevStack's cell0 (the
 * instances that never scheduled; no message queue) and cell1 with every compute host mapped
 * (`discover_hosts`), passwords masked as `list_cells` masks them.
 */
export function listCells(ctx: Ctx): CellView[] {
  if (!allowed(ctx, 'context_is_admin', {})) throw policyNotAuthorized('context_is_admin');
  const hosts = computeNodes(ctx.s).map((n) => n.host.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    { name: 'cell0', uuid: CELL0_UUID, transport_url: 'none:///', database_connection: 'mysql+pymysql://root:****@controller/nova_cell0?charset=utf8', disabled: false, hosts: [] },
    { name: 'cell1', uuid: cellUuid('cell1'), transport_url: 'rabbit://stackrabbit:****@controller:5672/nova_cell1', database_connection: 'mysql+pymysql://root:****@controller/nova_cell1?charset=utf8', disabled: false, hosts },
  ];
}
