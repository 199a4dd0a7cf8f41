/**
 * Servers as nova-api reads and updates them (`nova/api/openstack/compute/servers.py` `index`,
 * `detail`, `show`, `update`; `nova/compute/api.py` `get_all`): the lookup (another project's
 * server is a 404 before any policy, as the database filters it), `GET /servers` and
 * `/servers/detail` with nova's filters — for everyone `name` (a regular expression), `status`,
 * `image`, `flavor`, `ip`, `changes-since`, `changes-before`, `tags`, `tags-any`, `not-tags`,
 * `not-tags-any`, `locked`, `reservation_id`; with `allow_all_filters` also `host`, `node`,
 * `project_id`, `user_id`, `hostname`, `availability_zone`, `vm_state`, `task_state`,
 * `power_state`, `deleted` (a non-admin's other filters are dropped, as nova drops them);
 * `all_tenants` under its own policy — sorted by `created_at` then `id`, newest first, paged with
 * `limit` and `marker`. Deleted servers show only with `changes-since` / `changes-before` or
 * `deleted`.
 */
import { getRow, resolveRef, tableValues, type CloudState, type Tx } from '../core/index.js';
import { addressesOfPorts } from '../network/index.js';
import { enforce, indexed, ownTarget, targetOf, visible, type Ctx } from './context.js';
import { NovaError, badRequest, notFound } from './errors.js';
import { NOVA_RULES } from './policies.js';
import { describeValue, fieldError, optionalText } from './input.js';
import { saveServer } from './boot.js';
import type { ServerRow } from './types.js';
import { serverSummary, serverView, type ServerSummary, type ServerView } from './views.js';
import { statusFilter } from './vm_states.js';
import { HOSTNAME_PATTERN } from './server_create_input.js';

/** A server reference: its id, or (stacksim's convenience) a name among the servers the caller sees; `{ id }` for an id alone. */
export type ServerRef = string | { readonly id: string };

/** The server a reference names among those the caller may see (404 `InstanceNotFound`; deleted servers are gone). */
export function getServer(ctx: Ctx, ref: unknown, field = 'server'): ServerRow {
  const see = (r: ServerRow): boolean => !r.deleted && visible(ctx, r);
  return resolveRef<ServerRow>(
    ref,
    {
      kind: 'compute.server',
      byId: (id) => {
        const row = getRow(ctx.s.compute.servers, id);
        return row !== undefined && see(row) ? row : undefined;
      },
      byName: (name) => rowsVisibleTo(ctx, false).filter((r) => r.name === name && see(r)),
      idOf: (r) => r.uuid,
      notFound: (key) => notFound('server', key),
      invalid: (f, value) => badRequest(f, `Invalid input for field/attribute ${f}. Value: ${describeValue(value)}. expected a server id`, 'compute.server.invalid_ref'),
      maxLength: 255,
    },
    field,
  );
}

/** The rows the caller's queries can return: its project's, or (admin, all tenants) every one. */
function rowsVisibleTo(ctx: Ctx, allTenants: boolean): ServerRow[] {
  const s = ctx.s;
  if (allTenants && ctx.isAdmin) return [...tableValues(s.compute.servers)];
  if (ctx.projectId === null) return [];
  return indexed(s.compute.project_servers, ctx.projectId).map((id) => getRow(s.compute.servers, id)).filter((r): r is ServerRow => r !== undefined);
}

/** `GET /servers/{id}`: the server's view (404 for another project's; `show` policy 403). */
export function showServer(ctx: Ctx, ref: unknown): ServerView {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.servers.show, targetOf(row));
  return serverView(ctx, row);
}

/** The query of `GET /servers` and `/servers/detail`. */
export interface ServerListQuery {
  readonly name?: string;
  readonly status?: string | readonly string[];
  readonly image?: string;
  readonly flavor?: string;
  readonly ip?: string;
  readonly ip6?: string;
  readonly 'changes-since'?: string;
  readonly 'changes-before'?: string;
  readonly tags?: string;
  readonly 'tags-any'?: string;
  readonly 'not-tags'?: string;
  readonly 'not-tags-any'?: string;
  readonly locked?: boolean | string;
  readonly reservation_id?: string;
  readonly all_tenants?: boolean | string;
  readonly host?: string;
  readonly node?: string;
  readonly project_id?: string;
  readonly tenant_id?: string;
  readonly user_id?: string;
  readonly hostname?: string;
  readonly availability_zone?: string;
  readonly vm_state?: string;
  readonly task_state?: string;
  readonly power_state?: number | string;
  readonly deleted?: boolean | string;
  readonly limit?: number | string;
  readonly marker?: string;
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
}

// 2.83 opened availability_zone, user_id, vm_state, task_state, power_state (and key_name,
// config_drive, the timestamps) to non-admins, 2.90 hostname; the library answers as 2.93
const USER_FILTERS = ['name', 'status', 'image', 'flavor', 'ip', 'ip6', 'changes-since', 'changes-before', 'tags', 'tags-any', 'not-tags', 'not-tags-any', 'locked', 'reservation_id', 'all_tenants', 'limit', 'marker', 'sort_key', 'sort_dir', 'availability_zone', 'user_id', 'vm_state', 'task_state', 'power_state', 'hostname', 'key_name'];
const ADMIN_FILTERS = ['host', 'node', 'project_id', 'tenant_id', 'deleted'];
const SORT_KEYS = ['created_at', 'updated_at', 'display_name', 'name', 'uuid', 'vm_state', 'task_state', 'power_state', 'host', 'node', 'launched_at', 'terminated_at', 'hostname', 'availability_zone'];

function truthy(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (value === '' || (typeof value === 'string' && ['true', '1', 'yes', 'on', 't', 'y'].includes(value.toLowerCase()))) return true;
  if (typeof value === 'string' && ['false', '0', 'no', 'off', 'f', 'n'].includes(value.toLowerCase())) return false;
  throw fieldError(field, value, `${describeValue(value)} is not a boolean`);
}

/** An ISO 8601 time (`changes-since`), as virtual seconds of the cloud's clock. */
function timeArg(s: CloudState, value: unknown, field: string): number {
  const text = optionalText(value, field, 64, 1);
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(ms)) throw badRequest(field, `Invalid filter field: ${field}.`, 'compute.server.invalid_time');
  return (ms - Date.parse(s.meta.clock.epoch)) / 1000;
}

function tagList(value: unknown, field: string): string[] {
  return optionalText(value, field, 10_000, 1).split(',');
}

/** The rows of `GET /servers` for the caller, filtered, sorted and paged as nova does. */
export function listServerRows(ctx: Ctx, input: unknown = {}): ServerRow[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw fieldError('query', input, `${describeValue(input)} is not an object`);
  const raw = input as Record<string, unknown>;
  const allowAll = ctx.policy.authorize(NOVA_RULES.servers.allowAllFilters, ctx.creds, ownTarget(ctx));
  const known = allowAll ? [...USER_FILTERS, ...ADMIN_FILTERS] : USER_FILTERS;
  // remove_invalid_options: a non-admin's other filters are dropped; an unknown key is a 400
  const q: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if (!USER_FILTERS.includes(k) && !ADMIN_FILTERS.includes(k)) throw badRequest(`query.${k}`, `Invalid input for query parameters ${k}. Additional properties are not allowed ('${k}' was unexpected)`, 'compute.server.invalid_filter');
    if (known.includes(k)) q[k] = v;
  }
  const s = ctx.s;
  const allTenants = truthy(q.all_tenants, 'all_tenants');
  if (allTenants) enforce(ctx, NOVA_RULES.servers.detailAllTenants, ownTarget(ctx));
  // without all_tenants nova lists the caller's project, whatever project_id says
  let rows = rowsVisibleTo(ctx, allTenants);
  const changesSince = q['changes-since'] === undefined ? null : timeArg(s, q['changes-since'], 'changes-since');
  const changesBefore = q['changes-before'] === undefined ? null : timeArg(s, q['changes-before'], 'changes-before');
  if (changesSince !== null && changesBefore !== null && changesSince > changesBefore) throw badRequest('changes-before', 'The value of changes-since must be less than or equal to changes-before.', 'compute.server.invalid_time');
  const deleted = q.deleted === undefined ? null : truthy(q.deleted, 'deleted');
  const statuses = q.status === undefined ? null : (Array.isArray(q.status) ? q.status : [q.status]).map((v, i) => optionalText(v, `status[${i}]`, 64, 1).toUpperCase());
  const states = statuses === null ? null : statusFilter(statuses);
  if (statuses !== null && states === null) throw badRequest('status', 'Invalid status value', 'compute.server.invalid_status');
  // _get_servers: listing deleted servers by status is an admin's
  if (states !== null && states.vm_state.length === 1 && states.vm_state[0] === 'deleted' && !ctx.isAdmin) throw new NovaError(403, 'compute.server.list_deleted_forbidden', 'Forbidden', 'Only administrators may list deleted instances', { field: 'status' });
  const showDeleted = changesSince !== null || changesBefore !== null || deleted === true || (states?.vm_state.includes('deleted') ?? false);
  rows = rows.filter((r) => (deleted === true ? r.deleted : deleted === false ? !r.deleted : showDeleted || !r.deleted));
  if (changesSince !== null) rows = rows.filter((r) => (r.updated_at ?? r.created_at) >= changesSince);
  if (changesBefore !== null) rows = rows.filter((r) => (r.updated_at ?? r.created_at) <= changesBefore);
  if (states !== null) rows = rows.filter((r) => states.vm_state.includes(r.vm_state) && (states.task_state === null || (states.task_state as readonly (string | null)[]).includes(r.task_state === null ? 'default' : r.task_state) || (states.task_state.length === 0)));
  if (q.name !== undefined) {
    const text = optionalText(q.name, 'name', 255);
    let re: RegExp;
    try {
      re = new RegExp(text);
    } catch {
      throw badRequest('name', `Invalid filter field: name (${text} is not a valid regular expression).`, 'compute.server.invalid_name_filter');
    }
    rows = rows.filter((r) => re.test(r.name));
  }
  if (q.image !== undefined) {
    const image = optionalText(q.image, 'image', 255).split('/').pop();
    rows = rows.filter((r) => r.image_ref === image);
  }
  if (q.flavor !== undefined) {
    const flavor = optionalText(q.flavor, 'flavor', 255).split('/').pop();
    rows = rows.filter((r) => r.flavor.flavorid === flavor);
  }
  for (const key of ['ip', 'ip6'] as const) {
    if (q[key] === undefined) continue;
    const text = optionalText(q[key], key, 255);
    let re: RegExp;
    try {
      re = new RegExp(text);
    } catch {
      throw badRequest(key, `Invalid filter field: ${key}.`, 'compute.server.invalid_ip_filter');
    }
    rows = rows.filter((r) => Object.values(addressesOfPorts(s, r.vifs.map((v) => v.port_id))).some((list) => list.some((a) => (key === 'ip' ? a.version === 4 : a.version === 6) && re.test(a.addr))));
  }
  if (q.tags !== undefined) { const want = tagList(q.tags, 'tags'); rows = rows.filter((r) => want.every((t) => r.tags.includes(t))); }
  if (q['tags-any'] !== undefined) { const want = tagList(q['tags-any'], 'tags-any'); rows = rows.filter((r) => want.some((t) => r.tags.includes(t))); }
  if (q['not-tags'] !== undefined) { const want = tagList(q['not-tags'], 'not-tags'); rows = rows.filter((r) => !want.every((t) => r.tags.includes(t))); }
  if (q['not-tags-any'] !== undefined) { const want = tagList(q['not-tags-any'], 'not-tags-any'); rows = rows.filter((r) => !want.some((t) => r.tags.includes(t))); }
  if (q.locked !== undefined) { const l = truthy(q.locked, 'locked'); rows = rows.filter((r) => r.locked === l); }
  if (q.reservation_id !== undefined) { const v = optionalText(q.reservation_id, 'reservation_id', 255); rows = rows.filter((r) => r.reservation_id === v); }
  const eq = (key: string, get: (r: ServerRow) => unknown): void => {
    if (q[key] === undefined) return;
    let v: string | number;
    if (key === 'power_state') {
      const t = typeof q[key] === 'number' ? String(q[key]) : optionalText(q[key], key, 16, 1);
      if (!/^\d+$/.test(t)) throw fieldError(key, q[key], `${describeValue(q[key])} is not a power state number`);
      v = Number(t);
    } else v = optionalText(q[key], key, 255);
    rows = rows.filter((r) => get(r) === v);
  };
  eq('host', (r) => r.host);
  eq('node', (r) => r.node);
  eq('project_id', (r) => r.project_id);
  eq('tenant_id', (r) => r.project_id);
  eq('user_id', (r) => r.user_id);
  eq('hostname', (r) => r.hostname);
  eq('key_name', (r) => r.key_name);
  eq('availability_zone', (r) => r.availability_zone);
  eq('vm_state', (r) => r.vm_state);
  eq('task_state', (r) => r.task_state);
  eq('power_state', (r) => r.power_state);
  // sort: created_at desc, then uuid desc (nova's default sort keys and directions)
  const sortKey = q.sort_key === undefined ? 'created_at' : optionalText(q.sort_key, 'sort_key', 64);
  if (!SORT_KEYS.includes(sortKey)) throw badRequest('sort_key', `Invalid input for query parameters sort_key. Value: ${sortKey}. '${sortKey}' is not one of ${JSON.stringify(SORT_KEYS)}`, 'compute.server.invalid_sort_key');
  const dir = q.sort_dir === undefined ? 'desc' : q.sort_dir === 'asc' || q.sort_dir === 'desc' ? q.sort_dir : (() => { throw fieldError('sort_dir', q.sort_dir, `${describeValue(q.sort_dir)} is not one of ['asc', 'desc']`); })();
  const value = (r: ServerRow): string | number => {
    const v = sortKey === 'name' || sortKey === 'display_name' ? r.name : sortKey === 'uuid' ? r.uuid : (r as unknown as Record<string, unknown>)[sortKey];
    return v === null || v === undefined ? '' : (v as string | number);
  };
  const sign = dir === 'asc' ? 1 : -1;
  const order = (a: ServerRow, b: ServerRow): number => {
    const x = value(a);
    const y = value(b);
    if (x !== y) return (x < y ? -1 : 1) * sign;
    return a.uuid < b.uuid ? -sign : a.uuid > b.uuid ? sign : 0;
  };
  rows.sort(order);
  if (q.marker !== undefined) {
    // get_marker_record: the marker is read with read_deleted='yes' and no filter, and the page
    // starts after its sort values (so a deleted or filtered-out marker still pages)
    const marker = optionalText(q.marker, 'marker', 255);
    const m = getRow(s.compute.servers, marker);
    if (m === undefined || !visible(ctx, m)) throw badRequest('marker', `marker [${marker}] not found`, 'compute.server.marker_not_found');
    rows = rows.filter((r) => order(r, m) > 0);
  }
  const max = s.compute.config.max_limit;
  let limit = max;
  if (q.limit !== undefined) {
    const n = typeof q.limit === 'string' && /^[0-9]+$/.test(q.limit) ? Number(q.limit) : q.limit;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw fieldError('limit', q.limit, `${describeValue(q.limit)} is not a non-negative integer`);
    limit = Math.min(n, max);
  }
  return rows.slice(0, limit);
}

/** `GET /servers/detail`. */
export function listServers(ctx: Ctx, query: unknown = {}): ServerView[] {
  enforce(ctx, NOVA_RULES.servers.detail, ownTarget(ctx));
  return listServerRows(ctx, query).map((r) => serverView(ctx, r));
}

/** `GET /servers`: id, name and links. */
export function listServerSummaries(ctx: Ctx, query: unknown = {}): ServerSummary[] {
  enforce(ctx, NOVA_RULES.servers.index, ownTarget(ctx));
  return listServerRows(ctx, query).map(serverSummary);
}

/** `PUT /servers/{id}`: `name`, `description`, `hostname` (2.90), `accessIPv4` / `accessIPv6`. */
export interface ServerUpdateRequest {
  readonly name?: string;
  readonly description?: string | null;
  readonly hostname?: string;
  readonly accessIPv4?: string;
  readonly accessIPv6?: string;
}

/** `PUT /servers/{id}`: answers the server's view (2.75: the whole view). */
export function updateServer(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): ServerView {
  const patch = updatePatch(input);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.servers.update, targetOf(row));
  const next = Object.keys(patch).length === 0 ? row : saveServer(tx, row, patch);
  tx.trace('nova-api', `update server ${row.uuid}`);
  return serverView({ ...ctx, s: tx.draft as CloudState }, next);
}

/** `update_v290`'s schema: the fields to change (400 naming the field). */
function updatePatch(input: unknown): { -readonly [K in keyof ServerRow]?: ServerRow[K] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw fieldError('server', input, `${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['name', 'description', 'hostname', 'accessIPv4', 'accessIPv6'].includes(k)) throw badRequest(`server.${k}`, `Invalid input for field/attribute server. Additional properties are not allowed ('${k}' was unexpected)`);
  const patch: { -readonly [K in keyof ServerRow]?: ServerRow[K] } = {};
  if (o.name !== undefined) {
    const name = optionalText(o.name, 'name', 255, 1);
    if (name.trim() !== name || name.trim() === '') throw fieldError('name', name, `'${name}' is not a valid name: no leading or trailing whitespace`);
    patch.name = name;
  }
  if (o.description !== undefined) patch.description = o.description === null ? null : optionalText(o.description, 'description', 255);
  if (o.hostname !== undefined) {
    const h = optionalText(o.hostname, 'hostname', 63, 2);
    if (!HOSTNAME_PATTERN.test(h)) throw fieldError('hostname', h, `'${h}' does not match '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$'`);
    patch.hostname = h;
  }
  if (o.accessIPv4 !== undefined) {
    const v = optionalText(o.accessIPv4, 'accessIPv4', 64);
    if (v !== '' && !/^(\d{1,3}\.){3}\d{1,3}$/.test(v)) throw fieldError('accessIPv4', v, `'${v}' is not a 'ipv4'`);
    patch.access_ip_v4 = v;
  }
  if (o.accessIPv6 !== undefined) {
    const v = optionalText(o.accessIPv6, 'accessIPv6', 64);
    if (v !== '' && !/^[0-9a-fA-F:]+$/.test(v)) throw fieldError('accessIPv6', v, `'${v}' is not a 'ipv6'`);
    patch.access_ip_v6 = v;
  }
  return patch;
}
