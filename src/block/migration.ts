/**
 * `POST /v3/{project_id}/volumes/{id}/action {"os-migrate_volume": {host, force_host_copy,
 * lock_volume}}` (admin), as Zed's Cinder runs it: the API part
 * (`cinder/api/contrib/admin_actions.py` `_migrate_volume`, `cinder/volume/api.py`
 * `migrate_volume`), the scheduler's check of the destination ({@link MIGRATE_TASK},
 * `cinder/scheduler/manager.py` `migrate_volume` → `backend_passes_filters`), and the volume
 * manager's copy and completion ({@link MIGRATION_COMPLETE_TASK}, `cinder/volume/manager.py`
 * `migrate_volume`, `_migrate_volume_generic`, `migrate_volume_completion`). A retype that must
 * move the volume (`retype.ts`) starts the same migration.
 *
 * A migration is Cinder's generic one (`_migrate_volume_generic`): the volume keeps its id, its
 * blocks move to the destination pool (the pools' `allocated` / `provisioned_capacity_gb` and
 * `written_blocks` move with them when the copy completes), its host and availability zone become
 * the destination's, `migration_status` goes `starting` → `migrating` → `success` (`completing`
 * lasts no virtual time). The copy takes the written bytes' time over a 10 GbE link.
 * Not simulated: the temporary destination volume and the `_name_id` swap
 * (`os-vol-mig-status-attr:name_id` stays null), drivers' optimised migrations, Nova's
 * `swap_volume` for attached volumes (an `in-use` volume migrates at once and keeps its
 * attachments), clusters, `os-migrate_volume_completion`, replication, encryption.
 */
import { describeValue, getRow, type Tx } from '../core/index.js';
import { backendOf, findService, poolActive, serviceUp } from './backends.js';
import { BLOCK_SIZE, writtenCount } from './blocks.js';
import { enforce, indexed, targetOf, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume } from './errors.js';
import { publisher } from './events.js';
import { CINDER_RULES } from './policies.js';
import type { CinderDeltas } from './quota.js';
import { backendPassesFilters, type PoolState } from './scheduler/index.js';
import { moveVolume } from './statuses.js';
import type { PoolRow, VolumeRow, VolumeStatus } from './types.js';
import { volumeUsage } from './views.js';
import { AVAILABLE_MIGRATION, LINK_BYTES_PER_SECOND, getVolumeFor, movePoolAccounting, onlyKeys, optionalBool, releaseQuotaIn, schedulerError } from './volume_actions.js';
import { bodyArg } from './input.js';
import { activePools, requestSpec } from './volumes.js';

/** The scheduler's `migrate_volume` (a task): checks the destination, then starts the copy. */
export const MIGRATE_TASK = 'block.volume.migrate';
/** The end of a migration's copy (a task): `migrate_volume_completion`. */
export const MIGRATION_COMPLETE_TASK = 'block.volume.migration_complete';

/** What a retype that migrates carries to the migration's end. */
export interface RetypeMigration {
  readonly project_id: string;
  readonly new_type_id: string;
  readonly new_deltas: CinderDeltas;
  readonly old_deltas: CinderDeltas;
}

interface MigrationArgs {
  readonly volume_id: string;
  readonly pool: string;
  readonly retype: RetypeMigration | null;
}

/** `volume/manager.py` `migrate_volume`: `migration_status` `migrating`, the copy scheduled for as long as the written bytes take. Mutates. */
export function startMigration(tx: Tx, volume: VolumeRow, pool: PoolState | PoolRow, retype: RetypeMigration | null): void {
  const migrating = moveVolume(tx, volume, volume.status, { migration_status: 'migrating' });
  const blocks = writtenCount(tx.draft, migrating.id);
  tx.trace('cinder-volume', `migrating ${volume.id} from ${volume.host ?? 'nowhere'} to ${pool.name} (${blocks} blocks written)`);
  const args: MigrationArgs = { volume_id: volume.id, pool: pool.name, retype };
  tx.schedule(MIGRATION_COMPLETE_TASK, args, (blocks * BLOCK_SIZE) / LINK_BYTES_PER_SECOND);
}

/**
 * The end of a migration's copy (a task; `migrate_volume_completion`): the volume's blocks and
 * size leave its pool for the destination's, its host and zone become the destination's,
 * `migration_status` `success`; a `retyping` or `maintenance` volume returns to its previous
 * status (any other keeps the status it has now). A retype's type changes, the old type's quota
 * is given back and `volume.retype` is sent. The destination gone or down: `migration_status`
 * `error`, the volume back as it was. A volume no longer `migrating` (reset meanwhile) is left as
 * it is.
 */
export function runMigrationComplete(tx: Tx, args: unknown): void {
  const a = args as MigrationArgs;
  const s = tx.draft;
  const volume = getRow(s.block.volumes, a.volume_id);
  if (volume === undefined || volume.migration_status !== 'migrating') {
    releaseQuotaIn(tx, a.retype?.project_id ?? null, a.retype?.new_deltas ?? null);
    return;
  }
  const back: VolumeStatus = volume.status === 'retyping' || volume.status === 'maintenance' ? (volume.previous_status ?? volume.status) : volume.status;
  const pool = getRow(s.block.pools, a.pool);
  if (pool === undefined || !poolActive(s, pool)) {
    releaseQuotaIn(tx, volume.project_id, a.retype?.new_deltas ?? null);
    moveVolume(tx, volume, back, { migration_status: 'error' });
    tx.trace('cinder-volume', `migration of ${volume.id} to ${a.pool} failed: the destination is gone or down`);
    return;
  }
  const source = volume.host;
  movePoolAccounting(tx, volume, pool.name);
  const done = moveVolume(tx, volume, back, {
    host: pool.name,
    availability_zone: pool.availability_zone,
    migration_status: 'success',
    previous_status: volume.status,
    ...(a.retype === null ? {} : { volume_type_id: a.retype.new_type_id }),
  });
  tx.trace('cinder-volume', `volume ${volume.id} migrated from ${source ?? 'nowhere'} to ${pool.name}`);
  if (a.retype !== null) {
    releaseQuotaIn(tx, volume.project_id, a.retype.old_deltas);
    tx.emit('volume.retype', () => volumeUsage(tx.draft, done), publisher(source === null ? null : backendOf(source)));
  }
}

/** `os-migrate_volume`: the request body's `os-migrate_volume` object. */
export interface VolumeMigrateRequest {
  /** The destination: `host@backend#pool`, or `host@backend` for any of its pools. */
  readonly host: string;
  /** Skip the driver's optimised migration (every migration here is the generic copy). */
  readonly force_host_copy?: boolean | string;
  /** An `available` volume is `maintenance` while it migrates. */
  readonly lock_volume?: boolean | string;
}

/**
 * `POST …/action {"os-migrate_volume": {host, force_host_copy, lock_volume}}` (admin; 202), the
 * API part (`volume/api.py` `migrate_volume`): the destination's `cinder-volume` service must
 * exist, be up and enabled (else 400 `InvalidHost` "No available service named …"); the volume
 * `available` or `in-use`, not migrating, in no group, without snapshots, and `host` not its own
 * (else 400 `InvalidVolume`); `migration_status` `starting`, `previous_status` its status, and with
 * `lock_volume` an `available` volume goes `maintenance`. The scheduler then checks the
 * destination ({@link runMigrate}). `cluster` (3.16) is not simulated.
 */
export function migrateVolume(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.migrate, targetOf(volume));
  const body = bodyArg(input, 'os-migrate_volume');
  onlyKeys(body, ['host', 'force_host_copy', 'lock_volume', 'cluster'], 'os-migrate_volume');
  if (body.cluster !== undefined && body.cluster !== null) throw invalidInput('cluster', 'migrating to a cluster (3.16) is not simulated: give host', 'block.volume.cluster_not_simulated');
  const host = body.host;
  if (typeof host !== 'string' || host.length === 0 || host.length > 255) {
    throw invalidInput('host', `Invalid input for field/attribute host. Value: ${describeValue(host)}. expected a string of 1 to 255 characters (host@backend#pool)`, 'block.volume.invalid_host');
  }
  const forceHostCopy = optionalBool(body.force_host_copy, 'force_host_copy', false);
  const lock = optionalBool(body.lock_volume, 'lock_volume', false);
  const service = findService(ctx.s, 'cinder-volume', backendOf(host));
  if (service === undefined || service.disabled || !serviceUp(ctx.s, service)) {
    throw new CinderError(400, 'block.volume.invalid_host', 'InvalidHost', `Invalid host: No available service named '${host}'`, { field: 'host', host });
  }
  const ok =
    (volume.status === 'available' || volume.status === 'in-use') &&
    AVAILABLE_MIGRATION.includes(volume.migration_status) &&
    volume.group_id === null &&
    volume.host !== null && // SQL's `host != :host` is not true for a NULL host
    volume.host !== host &&
    indexed(ctx.s.block.volume_snapshots, volume.id).length === 0;
  if (!ok) {
    throw invalidVolume(
      `Volume ${volume.id} status must be available or in-use, must not be migrating, have snapshots, be replicated, be part of a group and destination host/cluster must be different than the current one`,
      { volume_id: volume.id, status: volume.status, migration_status: volume.migration_status, host: volume.host },
      'block.volume.migrate_refused',
    );
  }
  moveVolume(tx, volume, lock && volume.status === 'available' ? 'maintenance' : volume.status, { migration_status: 'starting', previous_status: volume.status });
  tx.trace('cinder-api', `migrate ${volume.id} to ${host}${forceHostCopy ? ' (force_host_copy)' : ''}${lock ? ' (lock_volume)' : ''}`);
  tx.schedule(MIGRATE_TASK, { volume_id: volume.id, host }, 0);
}

/**
 * The scheduler's `migrate_volume` (a task): `backend_passes_filters` for the destination with the
 * volume's own type, size and zone. No: `migration_status` `error` (a `maintenance` volume back to
 * its previous status) and `scheduler.migrate_volume_to_host` (ERROR); yes: the migration starts.
 */
export function runMigrate(tx: Tx, args: unknown): void {
  const { volume_id, host } = args as { volume_id: string; host: string };
  const s = tx.draft;
  const volume = getRow(s.block.volumes, volume_id);
  if (volume === undefined || volume.migration_status !== 'starting') return;
  const { pool, explanation } = backendPassesFilters(activePools(s), host, requestSpec(s, volume), s.block.config);
  tx.trace('cinder-scheduler', pool === null ? `migrate ${volume.id}: ${explanation.reason ?? 'no valid backend'}` : `migrate ${volume.id} → ${pool.name}`, { explanation });
  if (pool === null) {
    const status = volume.status === 'maintenance' ? (volume.previous_status ?? 'maintenance') : volume.status;
    const failed = moveVolume(tx, volume, status, { migration_status: 'error' });
    const state: Record<string, string | null> = volume.status === 'maintenance' ? { migration_status: 'error', status } : { migration_status: 'error' };
    tx.emit('scheduler.migrate_volume_to_host', () => schedulerError(failed, getRow(tx.draft.block.volume_types, volume.volume_type_id), 'migrate_volume_to_host', state, explanation.reason ?? 'No valid backend was found.'), { publisher: 'scheduler.controller', priority: 'ERROR' });
    return;
  }
  startMigration(tx, volume, pool, null);
}
