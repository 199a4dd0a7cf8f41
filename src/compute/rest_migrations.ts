/**
 * Moving servers over REST (issue 15): the move actions of `POST /servers/{id}/action`
 * ({@link MOVE_ACTIONS}, spread into `rest_servers.ts`' table) and the migrations resources
 * ({@link MIGRATION_ROUTES}), as nova-api Zed has them:
 *
 * - `servers.py` `_action_resize` (202), `_action_confirm_resize` (204), `_action_revert_resize`
 *   (202); `shelve.py` `shelve`, `shelveOffload` (202) and `unshelve` (202; no schema below 2.77,
 *   `unshelve_v277` for 2.77–2.90, `unshelve_v291` from 2.91);
 * - `migrate_server.py` `_migrate` (202; the body is not read below 2.56, `migrate_v2_56` from it)
 *   and `_migrate_live` (202; `migrate_live` with `block_migration` and `disk_over_commit` below
 *   2.25, `block_migration` `auto` from 2.25, `force` 2.30–2.67; below 2.34 the conductor is
 *   called, not cast: a live migration this request started that ended in `error` is answered
 *   400 with the instance fault's message, 409 for the conductor's power-state refusal);
 * - `evacuate.py` `_evacuate` (200; schemas 2.1 / 2.14 / 2.29 / 2.68: `onSharedStorage` required
 *   below 2.14, `force` 2.29–2.67; `{adminPass}` only below 2.14 and with
 *   `enable_instance_password`, else an empty 200);
 * - `migrations.py` `GET /os-migrations` (the 2.80 view of `session.compute.listMigrations` cut to
 *   the version: `migration_type` and `links` from 2.23, `uuid`, paging and `changes-since` from
 *   2.59 with the strict query schema, `changes-before` from 2.66, `user_id` / `project_id` from
 *   2.80; below 2.59 in the database's order, from it newest first);
 * - `server_migrations.py` `POST /servers/{id}/migrations/{migration_id}/action`
 *   `{"force_complete": null}` (2.22, 202), `GET /servers/{id}/migrations[/{migration_id}]`
 *   (2.23), `DELETE /servers/{id}/migrations/{migration_id}` (2.24, 202; below 2.65 only a
 *   `running` migration may be aborted): a bare 404 below those versions, as nova's router.
 *
 * The bodies' jsonschema checks that differ by microversion are made here, in jsonschema's order
 * (the properties in the schema's order, then `required`, then `additionalProperties`); what is
 * the same at every version is the library's.
 *
 * Not simulated: below 2.34 the action events keep the 2.34 names (`conductor_live_migrate_instance`),
 * the session API having no microversion; an unexpected conductor failure below 2.34 (nova's 500
 * `MigrationError`) is answered 400 like the expected ones; the lock and task-state 409s of an
 * abort below 2.65 come after the 400 for a `queued` / `preparing` migration.
 */
import { empty, getRow, json, type RestResponse } from '../core/index.js';
import { LIVE_IN_PROGRESS, migrationById, migrationsOfServer } from './migrations.js';
import { NovaError } from './errors.js';
import { httpBadRequest, type NovaAction, type NovaRequest, type NovaRouteSpec } from './rest_http.js';
import { additionalMessage, collectionLinks, listQuery, pyRepr, queryError, relink, schemaError } from './rest_params.js';
import type { MigrationStatus } from './types.js';
import { links } from './views.js';

type View = Record<string, unknown>;

// ---------------------------------------------------------------------------- schema pieces

/** `parameter_types.boolean`'s enum, as jsonschema prints it. */
const BOOLEAN_ENUM: readonly (string | boolean)[] = [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'];
const TRUE_WORDS = ['true', '1', 'on', 'yes'];

/** A property's checker: throws the schema's 400 naming it. */
type Check = (name: string, value: unknown) => void;

/** A property error: "Invalid input for field/attribute <name>. Value: <value>. <message>". */
function propError(name: string, value: unknown, message: string): NovaError {
  return schemaError(message, { name, value });
}

/** `{'type': ['boolean', 'string'], 'enum': […]}` (`extra` appended to the enum: `auto`). */
function booleanSchema(extra: readonly string[] = []): Check {
  const allowed = [...BOOLEAN_ENUM, ...extra];
  return (name, value) => {
    if (typeof value !== 'boolean' && typeof value !== 'string') throw propError(name, value, `${pyRepr(value)} is not of type 'boolean', 'string'`);
    if (!allowed.includes(value)) throw propError(name, value, `${pyRepr(value)} is not one of [${allowed.map((a) => pyRepr(a)).join(', ')}]`);
  };
}

/** `strutils.bool_from_string` of a value the boolean schema let through. */
function boolOf(value: unknown): boolean {
  return value === true || (typeof value === 'string' && TRUE_WORDS.includes(value.toLowerCase()));
}

/** Python's `len` of a string (code points). */
function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** `parameter_types.fqdn` (`nullable`: the `host` of migrate and live migrate, `['string', 'null']`). */
function fqdnSchema(nullable: boolean): Check {
  return (name, value) => {
    if (value === null && nullable) return;
    if (typeof value !== 'string') throw propError(name, value, `${pyRepr(value)} is not of type ${nullable ? "'string', 'null'" : "'string'"}`);
    const n = pyLen(value);
    if (n < 1) throw propError(name, value, `${pyRepr(value)} is too short`);
    if (n > 255) throw propError(name, value, `${pyRepr(value)} is too long`);
    if (!/^[a-zA-Z0-9-._]*$/.test(value)) throw propError(name, value, `${pyRepr(value)} does not match '^[a-zA-Z0-9-._]*$'`);
  };
}

/** `{'type': 'string'}` (`admin_password`, the 2.91 `host`). */
const stringSchema: Check = (name, value) => {
  if (typeof value !== 'string') throw propError(name, value, `${pyRepr(value)} is not of type 'string'`);
};

/** The valid name of `parameter_types.name` (printable, no whitespace at either end; nova's `valid_name_regex`). */
const VALID_NAME = /^(?:[^\p{C}\p{Zl}\p{Zp}\p{Zs}](?:[^\p{C}\p{Zl}\p{Zp}]*[^\p{C}\p{Zl}\p{Zp}\p{Zs}])?\n?)?$/u;

/** `parameter_types.name` (1–255 characters, format `name`: nova's `InvalidName` words). */
const nameSchema: Check = (name, value) => {
  if (typeof value !== 'string') throw propError(name, value, `${pyRepr(value)} is not of type 'string'`);
  const n = pyLen(value);
  if (n < 1) throw propError(name, value, `${pyRepr(value)} is too short`);
  if (n > 255) throw propError(name, value, `${pyRepr(value)} is too long`);
  if (!VALID_NAME.test(value)) throw httpBadRequest("An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.", name);
};

/**
 * An action's object schema, in jsonschema's order: the type (`object`, or `null` too), each
 * property present in the schema's order, `required`, `additionalProperties: false`. Answers the
 * object (null when null is allowed and given).
 */
function objectSchema(action: string, value: unknown, props: readonly (readonly [string, Check])[], required: readonly string[], nullable = false): Record<string, unknown> | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw propError(action, value, `${pyRepr(value)} is not of type ${nullable ? "'object', 'null'" : "'object'"}`);
  const obj = value as Record<string, unknown>;
  for (const [key, check] of props) if (Object.hasOwn(obj, key)) check(key, obj[key]);
  for (const key of required) if (!Object.hasOwn(obj, key)) throw propError(action, obj, `${pyRepr(key)} is a required property`);
  const extras = Object.keys(obj).filter((k) => !props.some(([p]) => p === k));
  if (extras.length > 0) throw propError(action, obj, additionalMessage(extras));
  return obj;
}

// ---------------------------------------------------------------------------- actions

/** `_get_force_param_for_live_migration` / evacuate's: "Can't force to a non-provided destination". */
function forceParam(obj: Record<string, unknown>, host: unknown): boolean {
  const force = boolOf(obj.force ?? false);
  if (force && (host === null || host === undefined || host === '')) throw httpBadRequest("Can't force to a non-provided destination", 'force');
  return force;
}

/** `migrate_server.py` `_migrate`: the body is read from 2.56 (`migrate_v2_56`), ignored before. */
function migrate(r: NovaRequest, id: string, value: unknown): RestResponse {
  if (!r.v.atLeast('2.56')) {
    r.api().migrateServer({ id }, null);
    return empty(202);
  }
  const body = objectSchema('migrate', value, [['host', fqdnSchema(true)]], [], true);
  r.api().migrateServer({ id }, body === null ? null : { host: (body.host as string | null | undefined) ?? null });
  return empty(202);
}

/** The live migrations of a server the view shows, by id (to find the one a request started). */
function liveMigrationIds(r: NovaRequest, id: string): Set<number> {
  return new Set(migrationsOfServer(r.call.kernel.view(), id).filter((m) => m.migration_type === 'live-migration').map((m) => m.id));
}

/**
 * `migrate_server.py` `_migrate_live`: the schema of the version, the booleans read as
 * `bool_from_string(strict=True)`, `force` (2.30–2.67) checked against the host; below 2.34 the
 * conductor's refusal is the answer (400, or 409 for the power state).
 */
function migrateLive(r: NovaRequest, id: string, value: unknown): RestResponse {
  const v = r.v;
  const since225 = v.atLeast('2.25');
  const withForce = v.atLeast('2.30') && !v.atLeast('2.68');
  const props: [string, Check][] = [['block_migration', booleanSchema(since225 ? ['auto'] : [])]];
  if (!since225) props.push(['disk_over_commit', booleanSchema()]);
  props.push(['host', fqdnSchema(true)]);
  if (withForce) props.push(['force', booleanSchema()]);
  const obj = objectSchema('os-migrateLive', value, props, since225 ? ['block_migration', 'host'] : ['block_migration', 'disk_over_commit', 'host']) as Record<string, unknown>;
  const host = obj.host as string | null;
  const block = since225 && obj.block_migration === 'auto' ? 'auto' : boolOf(obj.block_migration);
  const body: { host: string | null; block_migration: boolean | 'auto'; force?: boolean; disk_over_commit?: boolean } = { host, block_migration: block };
  // force is None below 2.30: the conductor checks a given host itself, as with force (the library's `force: true`);
  // from 2.30 False unless given (2.30–2.67), always False from 2.68 (the scheduler validates a given host)
  if (v.atLeast('2.30')) body.force = withForce ? forceParam(obj, host) : false;
  else if (host !== null) body.force = true;
  if (!since225) body.disk_over_commit = boolOf(obj.disk_over_commit);
  const sync = !v.atLeast('2.34');
  const before = sync ? liveMigrationIds(r, id) : undefined;
  r.api().liveMigrateServer({ id }, body);
  if (before !== undefined) synchronousAnswer(r, id, before);
  return empty(202);
}

/**
 * Below 2.34 nova-api calls the conductor and waits: a live migration this request created that
 * ended in `error` is the conductor's exception, answered as `_migrate_live` maps it (the power
 * state check's `InstanceInvalidState` a 409, the others 400, with the fault's message).
 */
function synchronousAnswer(r: NovaRequest, id: string, before: ReadonlySet<number>): void {
  const s = r.call.kernel.view();
  const created = migrationsOfServer(s, id).filter((m) => m.migration_type === 'live-migration' && !before.has(m.id));
  const failed = created.find((m) => m.status === 'error' || m.status === 'failed');
  if (failed === undefined) return;
  const message = getRow(s.compute.servers, id)?.fault?.message ?? `Migration pre-check error: live migration ${failed.id} of ${id} failed`;
  const power = /^Instance \S+ in power_state (\S+)\. Cannot live migrate while the instance is in this state\.$/.exec(message);
  if (power !== null) throw new NovaError(409, 'compute.server.invalid_state', 'HTTPConflict', `Cannot 'os-migrateLive' instance ${id} while it is in power_state ${power[1] as string}`, { field: 'power_state' });
  throw httpBadRequest(message, 'os-migrateLive');
}

/** `evacuate.py` `_evacuate`: the schema of the version; `{adminPass}` below 2.14 with `enable_instance_password`, else an empty 200. */
function evacuate(r: NovaRequest, id: string, value: unknown): RestResponse {
  const v = r.v;
  const below214 = !v.atLeast('2.14');
  const withForce = v.atLeast('2.29') && !v.atLeast('2.68');
  const props: [string, Check][] = [['host', fqdnSchema(false)]];
  if (below214) props.push(['onSharedStorage', booleanSchema()]);
  props.push(['adminPass', stringSchema]);
  if (withForce) props.push(['force', booleanSchema()]);
  const obj = objectSchema('evacuate', value, props, below214 ? ['onSharedStorage'] : []) as Record<string, unknown>;
  const body: { host?: string; adminPass?: string; force?: boolean; onSharedStorage?: boolean } = {};
  if (obj.host !== undefined) body.host = obj.host as string;
  // below 2.14: strutils.bool_from_string (not strict); the password rule is the library's
  if (below214) body.onSharedStorage = boolOf(obj.onSharedStorage);
  if (obj.adminPass !== undefined) body.adminPass = obj.adminPass as string;
  if (withForce) body.force = forceParam(obj, obj.host);
  // 2.14–2.28: nova's force is None, so a host bypasses the scheduler (below 2.14 `onSharedStorage` says so to the library)
  else if (!below214 && !v.atLeast('2.29') && obj.host !== undefined) body.force = true;
  const answer = r.api().evacuateServer({ id }, body);
  if (below214 && r.call.kernel.view().compute.config.enable_instance_password) return json(200, { adminPass: answer.adminPass ?? null });
  return empty(200);
}

/** `shelve.py` `_unshelve`: no schema below 2.77; `unshelve_v277` (2.77–2.90, `availability_zone` required); `unshelve_v291` (`oneOf` object / null). */
function unshelve(r: NovaRequest, id: string, value: unknown): RestResponse {
  const v = r.v;
  if (!v.atLeast('2.77')) {
    r.api().unshelveServer({ id }, null);
    return empty(202);
  }
  if (!v.atLeast('2.91')) {
    const obj = objectSchema('unshelve', value, [['availability_zone', nameSchema]], ['availability_zone'], true);
    r.api().unshelveServer({ id }, obj === null ? null : { availability_zone: obj.availability_zone as string });
    return empty(202);
  }
  if (value === null) {
    r.api().unshelveServer({ id }, null);
    return empty(202);
  }
  const obj = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const fits =
    obj !== undefined &&
    Object.keys(obj).every((k) => k === 'availability_zone' || k === 'host') &&
    (!Object.hasOwn(obj, 'availability_zone') || obj.availability_zone === null || typeof obj.availability_zone === 'string') &&
    (!Object.hasOwn(obj, 'host') || typeof obj.host === 'string');
  if (!fits || obj === undefined) throw propError('unshelve', value, `${pyRepr(value)} is not valid under any of the given schemas`);
  // `if unshelve_dict:` — an empty object asks for nothing
  if (Object.keys(obj).length === 0) {
    r.api().unshelveServer({ id }, null);
    return empty(202);
  }
  const body: { availability_zone?: string | null; host?: string } = {};
  if (Object.hasOwn(obj, 'availability_zone')) body.availability_zone = obj.availability_zone as string | null;
  if (Object.hasOwn(obj, 'host')) body.host = obj.host as string;
  r.api().unshelveServer({ id }, body);
  return empty(202);
}

/** The move actions of `POST /servers/{id}/action` (spread into `rest_servers.ts`' `SERVER_ACTIONS`). */
export const MOVE_ACTIONS: Readonly<Record<string, NovaAction>> = {
  resize: { handle: (r, id, value) => (r.api().resizeServer({ id }, value as never), empty(202)) },
  confirmResize: { handle: (r, id) => (r.api().confirmResize({ id }), empty(204)) },
  revertResize: { handle: (r, id) => (r.api().revertResize({ id }), empty(202)) },
  migrate: { handle: migrate },
  'os-migrateLive': { handle: migrateLive },
  shelve: { handle: (r, id) => (r.api().shelveServer({ id }), empty(202)) },
  shelveOffload: { handle: (r, id) => (r.api().shelveOffloadServer({ id }), empty(202)) },
  unshelve: { handle: unshelve },
  evacuate: { handle: evacuate },
};

// ---------------------------------------------------------------------------- os-migrations

/** What `_output` never shows. */
const NEVER_SHOWN = ['deleted', 'deleted_at', 'hidden', 'cross_cell_move', 'memory_total', 'memory_processed', 'memory_remaining', 'disk_total', 'disk_processed', 'disk_remaining'];

/** The query parameters of each schema (`schemas/migrations.py`). */
const QUERY_V20 = ['hidden', 'host', 'instance_uuid', 'source_compute', 'status', 'migration_type'];
const SINGLE_PARAMS = ['limit', 'marker', 'changes-since', 'changes-before', 'user_id', 'project_id'];

/** `_output` of a migration at the version asked (`links` only for a live migration in progress, from 2.23). */
function migrationAt(r: NovaRequest, view: Readonly<View>): View {
  const v = r.v;
  const out: View = {};
  for (const [k, val] of Object.entries(view)) if (!NEVER_SHOWN.includes(k) && k !== 'links') out[k] = val;
  if (!v.atLeast('2.59')) delete out.uuid;
  if (!v.atLeast('2.80')) {
    delete out.user_id;
    delete out.project_id;
  }
  if (!v.atLeast('2.23')) {
    delete out.migration_type;
  } else if (out.migration_type === 'live-migration' && LIVE_IN_PROGRESS.includes(out.status as MigrationStatus)) {
    out.links = links(`servers/${String(out.instance_uuid)}/migrations`, String(out.id));
  }
  return relink(r.call, out);
}

/** `GET /os-migrations` (`migrations.py` `index`, four versions of it). */
function listMigrations(r: NovaRequest): RestResponse {
  const v = r.v;
  const paged = v.atLeast('2.59');
  const known = [...QUERY_V20];
  if (paged) known.push('limit', 'marker', 'changes-since');
  if (v.atLeast('2.66')) known.push('changes-before');
  if (v.atLeast('2.80')) known.push('user_id', 'project_id');
  const q = listQuery(r.call, v, known, '2.59');
  if (paged) {
    for (const name of SINGLE_PARAMS) {
      const all = r.call.query.getAll(name);
      if (known.includes(name) && all.length > 1) throw queryError(name, pyRepr(all), `${pyRepr(all)} is too long`);
    }
  }
  const items = r.api().listMigrations(q).map((m) => m as unknown as View);
  const s = r.call.kernel.view();
  const createdOf = (id: number): number => migrationById(s, id)?.created_at ?? 0;
  const ordered = [...items].sort((a, b) => {
    const ida = Number(a.id);
    const idb = Number(b.id);
    // below 2.59 the database's order; from it `created_at desc, id desc`
    if (!paged) return ida - idb;
    return createdOf(idb) - createdOf(ida) || idb - ida;
  });
  const migrations = ordered.map((m) => migrationAt(r, m));
  if (!paged) return json(200, { migrations });
  const next = collectionLinks(r.call, 'os-migrations', migrations, 'uuid');
  return json(200, next.length > 0 ? { migrations, migrations_links: next } : { migrations });
}

// ---------------------------------------------------------------------------- server migrations

/** `server_migrations.py` `output()` at the version asked: `uuid` from 2.59, `user_id` / `project_id` from 2.80. */
function serverMigrationAt(r: NovaRequest, view: Readonly<View>): View {
  const out: View = { ...view };
  delete out.links;
  if (!r.v.atLeast('2.59')) delete out.uuid;
  if (!r.v.atLeast('2.80')) {
    delete out.user_id;
    delete out.project_id;
  }
  return relink(r.call, out);
}

/** `DELETE /servers/{id}/migrations/{migration_id}` (2.24): below 2.65 only a `running` migration (`support_abort_in_queue`). */
function abortMigration(r: NovaRequest): RestResponse {
  const id = r.param('id');
  const migrationId = r.param('migration_id');
  if (!r.v.atLeast('2.65') && /^\d{1,15}$/.test(migrationId)) {
    const row = migrationById(r.call.kernel.view(), Number(migrationId));
    if (row !== undefined && row.instance_uuid === id && (row.status === 'queued' || row.status === 'preparing')) {
      // the server and the policy first (404 / 403), as nova's get_instance and context.can
      r.api().getServerMigration({ id }, migrationId);
      throw new NovaError(400, 'compute.migration.invalid_state', 'InvalidMigrationState', `Migration ${migrationId} state of instance ${id} is ${row.status}. Cannot abort live migration while the migration is in this state.`, { field: 'migration_id' });
    }
  }
  r.api().abortMigration({ id }, migrationId);
  return empty(202);
}

/** `force_complete`'s schema: the value must be null. */
const FORCE_COMPLETE: NovaAction = {
  since: '2.22',
  handle: (r, id, value) => {
    if (value !== null) throw propError('force_complete', value, `${pyRepr(value)} is not of type 'null'`);
    r.api().forceCompleteMigration({ id }, r.param('migration_id'));
    return empty(202);
  },
};

/** `GET /os-migrations` and the server migrations routes. */
export const MIGRATION_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/os-migrations', handle: listMigrations },
  {
    method: 'GET',
    path: '/servers/{id}/migrations',
    since: '2.23',
    handle: (r) => json(200, { migrations: r.api().listServerMigrations({ id: r.param('id') }).map((m) => serverMigrationAt(r, m as unknown as View)) }),
  },
  {
    method: 'GET',
    path: '/servers/{id}/migrations/{migration_id}',
    since: '2.23',
    handle: (r) => json(200, { migration: serverMigrationAt(r, r.api().getServerMigration({ id: r.param('id') }, r.param('migration_id')) as unknown as View) }),
  },
  { method: 'DELETE', path: '/servers/{id}/migrations/{migration_id}', since: '2.24', handle: abortMigration },
  { method: 'POST', path: '/servers/{id}/migrations/{migration_id}/action', actions: { force_complete: FORCE_COMPLETE } },
];
