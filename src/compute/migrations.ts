/**
 * Migration records and the Placement moves of a server that changes host (`nova/objects/migration.py`,
 * `nova/conductor/tasks/migrate.py` `replace_allocation_with_migration`,
 * `revert_allocation_for_migration`, `nova/compute/manager.py` `_delete_allocation_after_move`,
 * `_revert_allocation`).
 *
 * One row per move of a server: a resize or a cold migration (`migration_type` `resize` /
 * `migration`), a live migration (`live-migration`), an evacuation (`evacuation`). Its `uuid` is
 * the Placement consumer that holds the source host's resources while a resize, a cold or a live
 * migration is in flight: the conductor moves the instance's allocation to it, and the destination
 * is claimed for the instance; confirming (or finishing a live migration) deletes the migration's
 * allocation, reverting (or rolling back) moves it back to the instance. An evacuation uses no
 * migration consumer: the instance's own consumer spans both hosts until the source's nova-compute
 * comes back (`_destroy_evacuated_instances`).
 *
 * So at every commit a moving server holds at most two consumers (the instance's on the
 * destination with the new flavor, the migration's on the source with the old one), and exactly
 * one once the move has ended.
 */
import { getRow, setRow, tablePrefix, type CloudState, type Tx } from '../core/index.js';
import { findHost } from '../hardware/index.js';
import { allocationsOf, replaceAllocations, type AllocationMap } from '../scheduler/index.js';
import type { MigrationRow, MigrationStatus, MigrationType, ServerRow } from './types.js';

/** The key of a migration row: its id, zero-padded, so the table's order is the creation order. */
export function migrationKey(id: number): string {
  return String(id).padStart(10, '0');
}

/** The statuses in which a migration is over (`MigrationList.get_in_progress_*` leave these out). */
export const FINISHED_MIGRATION_STATUSES: readonly MigrationStatus[] = ['confirmed', 'reverted', 'error', 'failed', 'completed', 'cancelled', 'done'];

/** A live migration's statuses while in progress (server migrations API, `links` in os-migrations). */
export const LIVE_IN_PROGRESS: readonly MigrationStatus[] = ['queued', 'preparing', 'running', 'post-migrating'];

/** What a new migration record needs; the rest (id, uuid, progress, times) is filled in. */
export interface MigrationInit {
  readonly instance_uuid: string;
  readonly migration_type: MigrationType;
  readonly status: MigrationStatus;
  readonly source_compute: string | null;
  readonly source_node: string | null;
  readonly dest_compute?: string | null;
  readonly dest_node?: string | null;
  readonly old_instance_type_id?: string | null;
  readonly new_instance_type_id?: string | null;
  readonly user_id: string;
  readonly project_id: string;
}

/** `Migration.create()`: a new record (its uuid from the call's seeded ids), made by nova-api (evacuate) or the conductor (the others). */
export function createMigration(tx: Tx, init: MigrationInit, by: 'nova-api' | 'nova-conductor' = 'nova-conductor'): MigrationRow {
  const s = tx.draft as CloudState;
  const id = s.compute.next_migration_id;
  tx.draft.compute.next_migration_id = id + 1;
  const row: MigrationRow = {
    id,
    uuid: tx.ids.uuid(),
    instance_uuid: init.instance_uuid,
    migration_type: init.migration_type,
    status: init.status,
    source_compute: init.source_compute,
    source_node: init.source_node,
    dest_compute: init.dest_compute ?? null,
    dest_node: init.dest_node ?? null,
    dest_host: null,
    old_instance_type_id: init.old_instance_type_id ?? null,
    new_instance_type_id: init.new_instance_type_id ?? null,
    memory_total: null,
    memory_processed: null,
    memory_remaining: null,
    disk_total: null,
    disk_processed: null,
    disk_remaining: null,
    user_id: init.user_id,
    project_id: init.project_id,
    created_at: tx.now(),
    updated_at: null,
  };
  setRow(tx.draft.compute.migrations, migrationKey(id), row);
  setRow(tx.draft.compute.instance_migrations, `${init.instance_uuid}/${migrationKey(id)}`, id);
  tx.trace(by, `migration ${id} (${init.migration_type}) of ${init.instance_uuid}: ${init.status}`);
  return row;
}

/** `migration.save()`: writes a migration with `updated_at`; a status change is traced. */
export function saveMigration(tx: Tx, row: MigrationRow, patch: Partial<Omit<MigrationRow, 'id' | 'uuid' | 'instance_uuid'>>): MigrationRow {
  const next = { ...row, ...patch, updated_at: tx.now() };
  setRow(tx.draft.compute.migrations, migrationKey(row.id), next);
  if (patch.status !== undefined && patch.status !== row.status) tx.trace('nova', `migration ${row.id} of ${row.instance_uuid}: ${row.status} → ${patch.status}`);
  return next;
}

/** The migration with database id `id`, if any. */
export function migrationById(s: CloudState, id: number): MigrationRow | undefined {
  return getRow(s.compute.migrations, migrationKey(id));
}

/** A server's migrations, oldest first. */
export function migrationsOfServer(s: CloudState, uuid: string): MigrationRow[] {
  const out: MigrationRow[] = [];
  for (const [, id] of tablePrefix(s.compute.instance_migrations, `${uuid}/`)) {
    const row = migrationById(s, id);
    if (row !== undefined) out.push(row);
  }
  return out;
}

/** The newest migration of a server with one of `statuses` (and of `types`, when given): `Migration.get_by_instance_and_status`. */
export function latestMigration(s: CloudState, uuid: string, statuses: readonly MigrationStatus[], types?: readonly MigrationType[]): MigrationRow | undefined {
  const rows = migrationsOfServer(s, uuid);
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i] as MigrationRow;
    if (statuses.includes(row.status) && (types === undefined || types.includes(row.migration_type))) return row;
  }
  return undefined;
}

/** Every migration, oldest first. */
export function allMigrations(s: CloudState): MigrationRow[] {
  const out: MigrationRow[] = [];
  for (const [, row] of tablePrefix(s.compute.migrations, '')) out.push(row);
  return out;
}

/**
 * `replace_allocation_with_migration` (`nova/conductor/tasks/migrate.py`): the instance's
 * allocations move to the migration's consumer in one atomic write (`POST /allocations`), leaving
 * the instance with none, so the scheduler can claim the destination for it. Answers the moved
 * allocations (empty when the instance held none, which nova logs and tolerates).
 */
export function moveToMigration(tx: Tx, server: ServerRow, migration: MigrationRow): AllocationMap {
  const s = tx.draft as CloudState;
  const source = allocationsOf(s, server.uuid);
  if (Object.keys(source).length === 0) return source;
  replaceAllocations(tx, [
    { consumer_uuid: migration.uuid, allocations: source, project_id: server.project_id, user_id: server.user_id, consumer_generation: null, consumer_type: 'MIGRATION' },
    { consumer_uuid: server.uuid, allocations: {}, project_id: server.project_id, user_id: server.user_id },
  ]);
  tx.trace('placement', `allocations of ${server.uuid} moved to migration ${migration.id}'s consumer ${migration.uuid}`);
  return source;
}

/**
 * `revert_allocation_for_migration` / `_revert_allocation`: the migration's allocations (the
 * source) go back to the instance, replacing what the instance held (the destination), in one
 * atomic write. Nothing when the migration holds none.
 */
export function revertFromMigration(tx: Tx, server: ServerRow, migration: MigrationRow): void {
  const s = tx.draft as CloudState;
  const held = allocationsOf(s, migration.uuid);
  if (Object.keys(held).length === 0) return;
  replaceAllocations(tx, [
    { consumer_uuid: server.uuid, allocations: held, project_id: server.project_id, user_id: server.user_id, consumer_type: 'INSTANCE' },
    { consumer_uuid: migration.uuid, allocations: {}, project_id: server.project_id, user_id: server.user_id },
  ]);
  tx.trace('placement', `allocations of migration ${migration.id} moved back to ${server.uuid}`);
}

/** `_delete_allocation_after_move` / confirm: the migration's consumer (the source) is deleted. */
export function dropMigrationAllocation(tx: Tx, server: ServerRow, migration: MigrationRow): void {
  const s = tx.draft as CloudState;
  if (Object.keys(allocationsOf(s, migration.uuid)).length === 0) return;
  replaceAllocations(tx, [{ consumer_uuid: migration.uuid, allocations: {}, project_id: server.project_id, user_id: server.user_id }]);
  tx.trace('placement', `allocations of migration ${migration.id} (${migration.source_compute}) deleted`);
}

/** The migrations of the same server created after `migration`. */
export function laterMigrations(s: CloudState, migration: MigrationRow): MigrationRow[] {
  return migrationsOfServer(s, migration.instance_uuid).filter((m) => m.id > migration.id);
}

/**
 * Placement once a move is over without having completed, whoever ended it (a step that finds
 * the server taken by another operation — an evacuation after its host failed, a reset — or the
 * server's delete), as nova's failure paths leave it: the migration's consumer (the source) is
 * gone, and the instance keeps one claim per host it is on or going to. While the server is
 * still on the source, the migration's allocation there goes back to the instance
 * (`_revert_allocation`, replacing a same-host resize's new-flavor claim); the instance's claim on
 * the move's destination `dest` is removed (`_rollback_live_migration`'s
 * `_remove_host_allocations`, `MigrationTask.rollback`) unless the server is on it, or a later
 * move (an evacuation) is taking it there. What the instance holds elsewhere (an evacuation's
 * claim) stays. One atomic write (`POST /allocations`); nothing when nothing changes.
 *
 * stacksim's: nova never meets a move preempted this way with both claims still held; this is
 * the end state its failure paths (`errors_out_migration`, `_delete_allocation_after_move`,
 * `remove_provider_tree_from_instance_allocation`) give.
 */
export function abandonMoveAllocations(tx: Tx, row: ServerRow, migration: MigrationRow, dest: string | null): void {
  const s = tx.draft as CloudState;
  const held = allocationsOf(s, migration.uuid);
  const own = allocationsOf(s, row.uuid);
  const next: Record<string, AllocationMap[string]> = { ...own };
  let changed = false;
  const source = migration.source_compute;
  const sourceRp = source === null ? undefined : findHost(s, source)?.id;
  if (row.host !== null && row.host === source && sourceRp !== undefined && held[sourceRp] !== undefined) {
    next[sourceRp] = held[sourceRp];
    changed = true;
  }
  const kept = new Set<string | null>([row.host, ...laterMigrations(s, migration).filter((m) => !FINISHED_MIGRATION_STATUSES.includes(m.status)).map((m) => m.dest_compute)]);
  const destRp = dest === null || kept.has(dest) ? undefined : findHost(s, dest)?.id;
  if (destRp !== undefined && destRp !== sourceRp && Object.hasOwn(next, destRp)) {
    delete next[destRp];
    changed = true;
  }
  if (!changed && Object.keys(held).length === 0) return;
  replaceAllocations(tx, [
    { consumer_uuid: row.uuid, allocations: next, project_id: row.project_id, user_id: row.user_id, consumer_type: 'INSTANCE' },
    { consumer_uuid: migration.uuid, allocations: {}, project_id: row.project_id, user_id: row.user_id },
  ]);
  tx.trace('placement', `move ${migration.id} of ${row.uuid} abandoned: the migration's consumer deleted, the instance holds ${Object.keys(next).length} provider(s)${destRp !== undefined ? ` (its claim on ${dest ?? '?'} removed)` : ''}`);
}

/**
 * Seconds to copy `bytes` from one host to another in `progression: 'clock'` (a live migration's
 * RAM, a cold migration's disks): over the migration link, the slower of the two hosts' fastest
 * NICs (stacksim's figure: nova leaves it to libvirt, `[libvirt] live_migration_bandwidth` 0).
 */
export function transferSeconds(s: CloudState, source: string | null, dest: string | null, bytes: number): number {
  const fastest = (name: string | null): number => {
    const host = name === null ? undefined : findHost(s, name);
    return Math.max(1, ...(host?.nics ?? []).map((n) => n.speed_mbps));
  };
  return (Math.max(0, bytes) * 8) / (Math.min(fastest(source), fastest(dest)) * 1e6);
}
