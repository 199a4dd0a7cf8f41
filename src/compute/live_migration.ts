/**
 * Live migration (`POST /servers/{id}/action {"os-migrateLive": …}`), its force complete
 * (`POST /servers/{id}/migrations/{migration_id}/action {"force_complete": null}`, 2.22) and its
 * abort (`DELETE /servers/{id}/migrations/{migration_id}`, 2.24; queued and preparing ones 2.65):
 * nova-api's side. The conductor's checks and the scheduler are in `live_migration_conductor.ts`,
 * nova-compute's stages, force complete and abort on the host in `live_migration_compute.ts`.
 *
 * Followed, Zed: `nova/api/openstack/compute/migrate_server.py` (`_migrate_live`) and
 * `schemas/migrate_server.py`, `server_migrations.py` (`_force_complete`, `delete`);
 * `nova/compute/api.py` (`live_migrate`, `live_migrate_force_complete`, `live_migrate_abort`).
 *
 * The API sets `task_state` `migrating` (status `MIGRATING`), records `live-migration` and casts
 * the conductor ({@link CONDUCTOR_LIVE_MIGRATE_TASK}, 2.34+'s asynchronous answer: a refusal of
 * the conductor shows as the migration's `error`, the instance's fault and the event
 * `conductor_live_migrate_instance` in `Error`, the server back to its vm_state with no task).
 */
import type { CloudState, Tx } from '../core/index.js';
import { findHost } from '../hardware/index.js';
import { startAction } from './actions.js';
import { RPC_SECONDS, saveServer } from './boot.js';
import { enforce, type Ctx } from './context.js';
import { NovaError, badRequest, invalid } from './errors.js';
import { checkAction } from './guards.js';
import { describeValue, fieldError, hostArg, migrationIdArg, onlyKeys, requireKeys, schemaBoolean } from './input.js';
import { migrationById } from './migrations.js';
import { computeServiceOf } from './nova_services.js';
import { NOVA_RULES } from './policies.js';
import { credsOf } from './server_actions.js';
import { getServer } from './servers.js';
import type { MigrationRow, MigrationStatus } from './types.js';
import { CONDUCTOR_LIVE_MIGRATE_TASK, type ConductorArgs } from './live_migration_conductor.js';
import { LIVE_MIGRATION_ABORT_TASK, LIVE_MIGRATION_FORCE_COMPLETE_TASK, invalidMigrationState, type MigrationActionArgs } from './live_migration_compute.js';

/** The request body of `os-migrateLive` as the schemas read it (one union of 2.1–2.93's; the REST layer keeps each key to its microversions). */
export interface LiveMigrateBody {
  readonly host: string | null;
  /** `'auto'` (2.25+): the source decides (block migration when the instance's disks are local). */
  readonly block_migration: boolean | 'auto';
  /**
   * 2.30–2.67: `true` with a host skips the scheduler (before 2.30 a host is always forced: the
   * REST layer passes `force: true` with it). Absent or false (2.68+): the scheduler validates
   * the host as `requested_destination`.
   */
  readonly force?: boolean;
  /** Before 2.25 (required there, ignored by stacksim's disk arithmetic). */
  readonly disk_over_commit?: boolean;
}

/** `schemas/migrate_server.py` `migrate_live*`: 400 naming the field. */
function liveMigrateBody(input: unknown): { host: string | null; block: boolean | null; force: boolean | null } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw fieldError('os-migrateLive', input, `${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  let block: boolean | null = null;
  if (Object.hasOwn(o, 'block_migration')) {
    const v = o.block_migration;
    if (v === 'auto') block = null;
    else if (typeof v === 'boolean' || typeof v === 'string') block = schemaBoolean(v, 'block_migration', (f, value) => fieldError(f, value, `${describeValue(value)} is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'auto']`));
    else throw fieldError('block_migration', v, `${describeValue(v)} is not of type 'boolean', 'string'`);
  }
  if (Object.hasOwn(o, 'disk_over_commit')) schemaBoolean(o.disk_over_commit, 'disk_over_commit');
  const host = Object.hasOwn(o, 'host') ? hostArg(o.host, 'host') : null;
  const force = Object.hasOwn(o, 'force') ? schemaBoolean(o.force, 'force') : null;
  requireKeys(o, ['block_migration', 'host'], 'os-migrateLive');
  onlyKeys(o, ['block_migration', 'host', 'force', 'disk_over_commit'], 'os-migrateLive');
  return { host, block, force };
}

/** Whether nova knows a compute node on `host` (`ComputeNodeList.get_all_by_host`). */
function isComputeHost(s: CloudState, host: string): boolean {
  const h = findHost(s, host);
  return h !== undefined && h.roles.includes('compute') && computeServiceOf(s, host) !== undefined;
}

/**
 * `os-migrateLive` (admin; `os_compute_api:os-migrate-server:migrate_live`): schema (400) →
 * server (404) → policy (403) → `force` without a host (400 "Can't force to a non-provided
 * destination") → lock and state (409: `ACTIVE` or `PAUSED`, no task) → a named host must be a
 * compute host (400 `ComputeHostNotFound`) → task `migrating`, action `live-migration`, cast to
 * the conductor. 202.
 */
export function liveMigrateServer(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const body = liveMigrateBody(input);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.migrateLive, { project_id: row.project_id });
  // _get_force_param_for_live_migration (2.30+)
  if (body.force === true && !body.host) throw badRequest('force', "Can't force to a non-provided destination", 'compute.live_migration.force_without_host');
  checkAction(ctx, row, 'live_migrate');
  if (body.host !== null && !isComputeHost(ctx.s, body.host)) throw invalid('compute.host.not_found', 'ComputeHostNotFound', `Compute host ${body.host} could not be found.`, { field: 'host', host: body.host });
  const next = saveServer(tx, row, { task_state: 'migrating' });
  startAction(tx, next, 'live-migration', ctx);
  const forced = body.host !== null && body.force === true;
  const args: ConductorArgs = { uuid: row.uuid, creds: credsOf(ctx), forced_host: forced ? body.host : null, requested_host: !forced ? body.host : null, block_migration: body.block };
  tx.trace('nova-api', `live-migration of ${row.uuid} from ${row.host ?? '?'}: task_state migrating, cast live_migrate_instance to nova-conductor (${forced ? `forced to ${body.host}` : body.host !== null ? `requested destination ${body.host}` : 'the scheduler picks'})`);
  tx.schedule(CONDUCTOR_LIVE_MIGRATE_TASK, args, RPC_SECONDS);
}

/** `Migration.get_by_id_and_instance`. */
function migrationOfServer(s: CloudState, id: number | null, uuid: string): MigrationRow | undefined {
  if (id === null) return undefined;
  const m = migrationById(s, id);
  return m !== undefined && m.instance_uuid === uuid ? m : undefined;
}

/**
 * `force_complete` (2.22, admin): server (404) → policy (403) → lock / state (409: `ACTIVE` and
 * `migrating` only) → the migration of this server (400 `Migration <id> not found for instance
 * <uuid>`) → `running` (400 `InvalidMigrationState`) → action `live_migration_force_complete`,
 * cast to the source. 202.
 */
export function forceCompleteMigration(tx: Tx, ctx: Ctx, ref: unknown, migrationId: unknown): void {
  const mid = migrationIdArg(migrationId);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMigrations.forceComplete, { project_id: row.project_id });
  checkAction(ctx, row, 'live_migrate_force_complete');
  const m = migrationOfServer(ctx.s, mid.id, row.uuid);
  if (m === undefined) throw invalid('compute.migration.not_found', 'MigrationNotFoundForInstance', `Migration ${mid.text} not found for instance ${row.uuid}`, { migration_id: mid.text });
  if (m.status !== 'running') throw invalidMigrationState(mid.text, row.uuid, m.status, 'force complete');
  startAction(tx, row, 'live_migration_force_complete', ctx);
  tx.trace('nova-api', `force complete of live migration ${m.id} of ${row.uuid}: cast to ${m.source_compute ?? '?'}`);
  tx.schedule(LIVE_MIGRATION_FORCE_COMPLETE_TASK, { uuid: row.uuid, migration_id: m.id, host: m.source_compute } satisfies MigrationActionArgs, RPC_SECONDS);
}

/**
 * Abort (2.24, admin): server (404) → policy (403) → lock / state (409: task `migrating`) → the
 * migration of this server (404 `Migration <id> not found for instance <uuid>`) → `running`, or
 * also `queued` / `preparing` with `supportAbortInQueue` (2.65+; the default) → else 400
 * `InvalidMigrationState` → action `live_migration_cancel`, cast to the server's host. 202.
 */
export function abortMigration(tx: Tx, ctx: Ctx, ref: unknown, migrationId: unknown, supportAbortInQueue = true): void {
  const mid = migrationIdArg(migrationId);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMigrations.delete, { project_id: row.project_id });
  checkAction(ctx, row, 'live_migrate_abort');
  const m = migrationOfServer(ctx.s, mid.id, row.uuid);
  if (m === undefined) throw new NovaError(404, 'compute.migration.not_found', 'MigrationNotFoundForInstance', `Migration ${mid.text} not found for instance ${row.uuid}`, { migration_id: mid.text });
  const allowed: MigrationStatus[] = supportAbortInQueue ? ['running', 'queued', 'preparing'] : ['running'];
  if (!allowed.includes(m.status)) throw invalidMigrationState(mid.text, row.uuid, m.status, 'abort live migration');
  startAction(tx, row, 'live_migration_cancel', ctx);
  tx.trace('nova-api', `abort of live migration ${m.id} of ${row.uuid} (${m.status}): cast to ${row.host ?? '?'}`);
  tx.schedule(LIVE_MIGRATION_ABORT_TASK, { uuid: row.uuid, migration_id: m.id, host: row.host } satisfies MigrationActionArgs, RPC_SECONDS);
}
