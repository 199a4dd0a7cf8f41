/**
 * The migrations APIs: `GET /os-migrations` (every migration, admin) and
 * `GET /servers/{id}/migrations[/{migration_id}]` (a server's live migrations in progress, 2.23).
 *
 * Followed, Zed: `nova/api/openstack/compute/migrations.py` (`_output`, `_index`: the filters,
 * the 2.59 sort `created_at desc, id desc`, `limit` / `marker`, `changes-since` /
 * `changes-before`), `schemas/migrations.py`, `views/migrations.py`,
 * `nova/api/openstack/compute/server_migrations.py` (`output`, `index`, `show` and their 404s),
 * `nova/db/main/api.py` (`migration_get_all_by_filters`, `migration_get_in_progress_by_instance`,
 * `migration_get_by_id_and_instance`), `nova/policies/migrations.py`,
 * `nova/policies/servers_migrations.py`.
 *
 * The library answers the newest microversion's views (2.80) with the fields in TSDoc per
 * microversion; {@link migrationViewAt} cuts a view to an older one. Timestamps are as nova's JSON
 * serializer prints a naive `datetime` (`2016-01-29T13:42:02.000000`, no zone). Rows are never
 * `hidden` in stacksim (cross-cell resize is not simulated), so the `hidden` filter answers all
 * rows for a false value and none for a true one.
 */
import { getRow, type CloudState } from '../core/index.js';
import { enforce, type Ctx } from './context.js';
import { NovaError, badRequest } from './errors.js';
import { describeValue, fieldError, migrationIdArg, queryError } from './input.js';
import { LIVE_IN_PROGRESS, allMigrations, migrationById, migrationsOfServer } from './migrations.js';
import { NOVA_RULES } from './policies.js';
import { getServer } from './servers.js';
import type { MigrationRow, MigrationStatus, MigrationType } from './types.js';
import { links, usgTime, type Link } from './views.js';

/**
 * A migration as `GET /os-migrations` shows it at 2.80 (`migrations.py` `_output`). Per
 * microversion: 2.1–2.22 `created_at, updated_at, id, source_compute, dest_compute, source_node,
 * dest_node, dest_host, old_instance_type_id, new_instance_type_id, instance_uuid, status`;
 * 2.23+ adds `migration_type` and, for a `live-migration` in `queued` / `preparing` / `running` /
 * `post-migrating` only, `links`; 2.59+ adds `uuid`; 2.80+ adds `user_id`, `project_id`.
 */
export interface MigrationView {
  readonly id: number;
  /** 2.59+. */
  readonly uuid: string;
  readonly source_node: string | null;
  readonly dest_node: string | null;
  readonly source_compute: string | null;
  readonly dest_compute: string | null;
  readonly dest_host: string | null;
  readonly status: MigrationStatus;
  readonly instance_uuid: string;
  /** The flavors' internal (database) ids. */
  readonly old_instance_type_id: number | null;
  readonly new_instance_type_id: number | null;
  readonly created_at: string;
  readonly updated_at: string | null;
  /** 2.23+. */
  readonly migration_type: MigrationType;
  /** 2.80+. */
  readonly user_id: string;
  /** 2.80+. */
  readonly project_id: string;
  /** 2.23+, a live migration in progress only: `servers/{uuid}/migrations/{id}`. */
  readonly links?: readonly Link[];
}

/**
 * A live migration as `GET /servers/{id}/migrations[/{migration_id}]` shows it at 2.80
 * (`server_migrations.py` `output`). Per microversion: 2.23+ `created_at, dest_compute,
 * dest_host, dest_node, disk_processed_bytes, disk_remaining_bytes, disk_total_bytes, id,
 * memory_processed_bytes, memory_remaining_bytes, memory_total_bytes, server_uuid,
 * source_compute, source_node, status, updated_at`; 2.59+ adds `uuid`; 2.80+ adds `user_id`,
 * `project_id`.
 */
export interface ServerMigrationView {
  readonly id: number;
  /** 2.59+. */
  readonly uuid: string;
  readonly server_uuid: string;
  readonly source_compute: string | null;
  readonly dest_compute: string | null;
  readonly source_node: string | null;
  readonly dest_node: string | null;
  readonly dest_host: string | null;
  readonly status: MigrationStatus;
  readonly memory_total_bytes: number | null;
  readonly memory_processed_bytes: number | null;
  readonly memory_remaining_bytes: number | null;
  readonly disk_total_bytes: number | null;
  readonly disk_processed_bytes: number | null;
  readonly disk_remaining_bytes: number | null;
  readonly created_at: string;
  readonly updated_at: string | null;
  /** 2.80+. */
  readonly user_id: string;
  /** 2.80+. */
  readonly project_id: string;
}

/**
 * A view cut to a microversion (`version(v)`: whether the request's microversion is at least
 * `v`): `migration_type` and `links` of os-migrations from 2.23, `uuid` from 2.59, `user_id` /
 * `project_id` from 2.80.
 */
export function migrationViewAt<V extends MigrationView | ServerMigrationView>(view: V, version: (v: string) => boolean): Partial<V> {
  const out: Record<string, unknown> = { ...view };
  if (!version('2.59')) delete out.uuid;
  if (!version('2.80')) {
    delete out.user_id;
    delete out.project_id;
  }
  if (!('server_uuid' in view) && !version('2.23')) {
    delete out.migration_type;
    delete out.links;
  }
  return out as Partial<V>;
}

/** The internal id of a flavor a migration names (its `flavorid`), null when unknown. */
function flavorDbId(s: CloudState, flavorid: string | null): number | null {
  if (flavorid === null) return null;
  return getRow(s.compute.flavors, flavorid)?.id ?? null;
}

/** `_output` of one migration at 2.80. */
export function migrationView(s: CloudState, m: MigrationRow): MigrationView {
  const view: MigrationView = {
    id: m.id,
    uuid: m.uuid,
    source_node: m.source_node,
    dest_node: m.dest_node,
    source_compute: m.source_compute,
    dest_compute: m.dest_compute,
    dest_host: m.dest_host,
    status: m.status,
    instance_uuid: m.instance_uuid,
    old_instance_type_id: flavorDbId(s, m.old_instance_type_id),
    new_instance_type_id: flavorDbId(s, m.new_instance_type_id),
    created_at: usgTime(s, m.created_at) as string,
    updated_at: usgTime(s, m.updated_at),
    migration_type: m.migration_type,
    user_id: m.user_id,
    project_id: m.project_id,
  };
  if (m.migration_type === 'live-migration' && LIVE_IN_PROGRESS.includes(m.status)) return { ...view, links: links(`servers/${m.instance_uuid}/migrations`, String(m.id)) };
  return view;
}

/** `server_migrations.py` `output` at 2.80. */
export function serverMigrationView(s: CloudState, m: MigrationRow): ServerMigrationView {
  return {
    id: m.id,
    uuid: m.uuid,
    server_uuid: m.instance_uuid,
    source_compute: m.source_compute,
    dest_compute: m.dest_compute,
    source_node: m.source_node,
    dest_node: m.dest_node,
    dest_host: m.dest_host,
    status: m.status,
    memory_total_bytes: m.memory_total,
    memory_processed_bytes: m.memory_processed,
    memory_remaining_bytes: m.memory_remaining,
    disk_total_bytes: m.disk_total,
    disk_processed_bytes: m.disk_processed,
    disk_remaining_bytes: m.disk_remaining,
    created_at: usgTime(s, m.created_at) as string,
    updated_at: usgTime(s, m.updated_at),
    user_id: m.user_id,
    project_id: m.project_id,
  };
}

// ------------------------------------------------------------------------------ os-migrations

/** The query parameters of 2.80's schema (`list_query_params_v280`). */
const MULTI_PARAMS = ['hidden', 'host', 'instance_uuid', 'source_compute', 'status', 'migration_type'] as const;
const SINGLE_PARAMS = ['limit', 'marker', 'changes-since', 'changes-before', 'user_id', 'project_id'] as const;
const QUERY_KEYS: readonly string[] = [...MULTI_PARAMS, ...SINGLE_PARAMS];

/** `common_query_param` (`multi_params({'type': 'string'})`): a string or a list of strings; the last value wins (`search_opts.update(req.GET)`). */
function multiParam(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return textParam(name, v);
  if (Array.isArray(v) && v.length > 0 && v.length <= 1000 && v.every((x) => typeof x === 'string')) return textParam(name, v[v.length - 1] as string);
  throw queryError(name, v, `${describeValue(v)} is not of type 'string'`);
}

function textParam(name: string, v: string): string {
  if (v.length > 65_535) throw queryError(name, v, `${describeValue(v)} is too long`);
  return v;
}

/** A `single_param({'type': 'string'})`. */
function singleParam(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw queryError(name, v, `${describeValue(v)} is not of type 'string'`);
  return textParam(name, v);
}

/** `parameter_types.non_negative_integer`, capped at `[api] max_limit`. */
function limitParam(q: Record<string, unknown>, maxLimit: number): number | undefined {
  const v = q.limit;
  if (v === undefined) return undefined;
  let n: number;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw queryError('limit', v, `${describeValue(v)} is not of type 'integer', 'string'`);
    if (v < 0) throw queryError('limit', v, `${v} is less than the minimum of 0`);
    n = v;
  } else if (typeof v === 'string') {
    if (!/^[0-9]{1,15}$/.test(v)) throw queryError('limit', v, `${describeValue(v)} does not match '^[0-9]*$'`);
    n = Number(v);
  } else throw queryError('limit', v, `${describeValue(v)} is not of type 'integer', 'string'`);
  return Math.min(n, maxLimit);
}

/** A `date-time` (`changes-since` / `changes-before`) as virtual seconds of the cloud's clock. */
function timeParam(s: CloudState, q: Record<string, unknown>, name: string): number | undefined {
  const text = singleParam(q, name);
  if (text === undefined) return undefined;
  const bad = () => queryError(name, text, `${describeValue(text)} is not a 'date-time'`);
  if (text.length > 64 || !/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})?$/.test(text)) throw bad();
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw bad();
  return (ms - Date.parse(s.meta.clock.epoch)) / 1000;
}

/** `oslo_utils.strutils.bool_from_string` (not strict). */
function truthy(v: string): boolean {
  return ['1', 't', 'true', 'on', 'y', 'yes'].includes(v.trim().toLowerCase());
}

/**
 * `GET /os-migrations` (admin, `os_compute_api:os-migrations:index`) with 2.80's query: `hidden`,
 * `host` (source or destination; `source_compute` is then ignored), `instance_uuid`,
 * `source_compute`, `status`, `migration_type`, `user_id`, `project_id`, `changes-since` /
 * `changes-before` (on `updated_at`, inclusive; 400 when before < since), `limit` (≤ `max_limit`)
 * and `marker` (a migration uuid; unknown: 400 "Marker <m> could not be found."). Any other
 * parameter is a 400 naming it. Newest first (`created_at desc, id desc`); hidden rows never shown.
 */
export function listMigrations(ctx: Ctx, query: unknown): MigrationView[] {
  const raw = query === undefined ? {} : query;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fieldError('query', raw, `${describeValue(raw)} is not of type 'object'`);
  const q = raw as Record<string, unknown>;
  for (const k of Object.keys(q)) {
    if (!QUERY_KEYS.includes(k) && q[k] !== undefined) throw badRequest(k, `Invalid input for query parameters ${k.length > 40 ? `${k.slice(0, 40)}…` : k}. Value: ${describeValue(q[k])}. Additional properties are not allowed ('${k.length > 40 ? `${k.slice(0, 40)}…` : k}' was unexpected)`);
  }
  const s = ctx.s;
  const f: Partial<Record<(typeof MULTI_PARAMS)[number], string>> = {};
  for (const name of MULTI_PARAMS) {
    const v = multiParam(q, name);
    if (v !== undefined) f[name] = v;
  }
  const limit = limitParam(q, s.compute.config.max_limit);
  const marker = singleParam(q, 'marker');
  const since = timeParam(s, q, 'changes-since');
  const before = timeParam(s, q, 'changes-before');
  const userId = singleParam(q, 'user_id');
  const projectId = singleParam(q, 'project_id');
  enforce(ctx, NOVA_RULES.admin.migrations, {});
  if (since !== undefined && before !== undefined && before < since) throw badRequest('changes-before', 'The value of changes-since must be less than or equal to changes-before.', 'compute.migration.changes_before');
  if (limit === 0) return [];
  const all = allMigrations(s);
  let rows = all.filter((m) => {
    if (since !== undefined && (m.updated_at === null || m.updated_at < since)) return false;
    if (before !== undefined && (m.updated_at === null || m.updated_at > before)) return false;
    if (f.status !== undefined && m.status !== f.status) return false;
    if (f.host !== undefined) {
      if (m.source_compute !== f.host && m.dest_compute !== f.host) return false;
    } else if (f.source_compute !== undefined && m.source_compute !== f.source_compute) return false;
    if (f.migration_type !== undefined && m.migration_type !== f.migration_type) return false;
    if (f.hidden !== undefined && truthy(f.hidden)) return false; // no row is hidden
    if (f.instance_uuid !== undefined && m.instance_uuid !== f.instance_uuid) return false;
    if (userId !== undefined && m.user_id !== userId) return false;
    if (projectId !== undefined && m.project_id !== projectId) return false;
    return true;
  });
  const order = (a: MigrationRow, b: MigrationRow): number => b.created_at - a.created_at || b.id - a.id;
  rows.sort(order);
  if (marker !== undefined) {
    const at = all.find((m) => m.uuid === marker);
    if (at === undefined) throw badRequest('marker', `Marker ${marker} could not be found.`, 'compute.migration.marker_not_found');
    rows = rows.filter((m) => order(at, m) < 0);
  }
  if (limit !== undefined) rows = rows.slice(0, limit);
  return rows.map((m) => migrationView(s, m));
}

// ------------------------------------------------------------------------------ server migrations

/**
 * `GET /servers/{id}/migrations` (2.23, admin, `os_compute_api:servers:migrations:index`): the
 * server's live migrations in `queued`, `preparing`, `running` or `post-migrating`, oldest first.
 */
export function listServerMigrations(ctx: Ctx, ref: unknown): ServerMigrationView[] {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMigrations.index, { project_id: row.project_id });
  return migrationsOfServer(ctx.s, row.uuid)
    .filter((m) => m.migration_type === 'live-migration' && LIVE_IN_PROGRESS.includes(m.status))
    .map((m) => serverMigrationView(ctx.s, m));
}

/**
 * `GET /servers/{id}/migrations/{migration_id}` (2.23, admin): 404 "In-progress live migration
 * <id> is not found for server <uuid>." (none of this server), "Migration <id> for server <uuid>
 * is not live-migration.", "Live migration <id> for server <uuid> is not in progress.".
 */
export function getServerMigration(ctx: Ctx, ref: unknown, migrationId: unknown): ServerMigrationView {
  const mid = migrationIdArg(migrationId);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMigrations.show, { project_id: row.project_id });
  const m = mid.id === null ? undefined : migrationById(ctx.s, mid.id);
  const notFound = (message: string) => new NovaError(404, 'compute.migration.not_found', 'HTTPNotFound', message, { migration_id: mid.text });
  if (m === undefined || m.instance_uuid !== row.uuid) throw notFound(`In-progress live migration ${mid.text} is not found for server ${row.uuid}.`);
  if (m.migration_type !== 'live-migration') throw notFound(`Migration ${mid.text} for server ${row.uuid} is not live-migration.`);
  if (!LIVE_IN_PROGRESS.includes(m.status)) throw notFound(`Live migration ${mid.text} for server ${row.uuid} is not in progress.`);
  return serverMigrationView(ctx.s, m);
}
