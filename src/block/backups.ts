/**
 * Volume backups into Swift, as Cinder's API and backup manager make them (`cinder/api/contrib/
 * backups.py`, `cinder/api/v3/backups.py`, `cinder/backup/api.py`, `cinder/backup/manager.py`,
 * `cinder/scheduler/manager.py` `create_backup`, `cinder/db/sqlalchemy/api.py` `backup_get_all`,
 * `cinder/policies/backups.py`); the Swift chunked driver is `backup_driver.ts`, the request and
 * view shapes `backup_views.ts`:
 *
 * - **create** (`POST /backups`): the API checks the volume (or snapshot), reserves `backups` and
 *   `backup_gigabytes`, picks the parent of an incremental backup, moves the volume to
 *   `backing-up` (keeping `previous_status`) or the snapshot to `backing-up`, stores the backup
 *   `creating` and answers its summary; the backup service (a task) then has the driver write the
 *   objects, makes the backup `available` and gives the volume its status back.
 * - **restore** (`POST /backups/{id}/restore`): to a new volume (created through the volume API,
 *   `restore_backup_<id>`) or an existing `available` one at least as large; the backup service
 *   writes the chain (the full backup first, then each incremental) into it.
 * - **delete**: `available` or `error` backups without dependent incrementals; the objects go.
 * - **show / list / update**.
 *
 * What is simulated differently, and why:
 * - A backup's `size` stays what the API reserved quota for (the volume's size at the call). Zed's
 *   `_finish_backup` sets it again to the volume's size when the backup ends, so a backup of a
 *   snapshot whose volume was extended meanwhile would give back more `backup_gigabytes` on delete
 *   than it took.
 * - A restore puts no volume metadata back but `src_backup_id`, as the manager does.
 * - `availability_zone` (3.51) is checked and then unused, as in Zed (`backup/api.py` `create`
 *   never reads it); the backup's zone is the zone of the volume, whose backup service makes it.
 * - Restoring to a new volume creates it and runs the volume manager's create at once, where Cinder
 *   polls until it leaves `creating`; if no backend takes it the whole call is refused (400) and
 *   nothing stays, where Cinder would leave the volume in `error`.
 * - No `cinder-backup` service up, enabled and in the zone fails the backup (`Service not found
 *   for creating backup.`) or refuses a restore or delete (404 `ServiceNotFound`), as Cinder does.
 * - No `with_count`, no `export_record` / `import_record`, no `os-reset_status` / `os-force_delete`.
 */
import { describeValue, getRow, setRow, tableToArray, type CloudState, type Tx } from '../core/index.js';
import { BACKUP_DELETE_TASK, BACKUP_RESTORE_TASK, BACKUP_CREATE_TASK, backupService, saveBackup } from './backup_driver.js';
import {
  backupMetadataArg,
  backupSummary,
  backupView,
  boolArg,
  containerArg,
  objectArg,
  stringArg,
  uuidArg,
  type BackupRestoreView,
  type BackupSummary,
  type BackupView,
} from './backup_views.js';
import { enforce, indexed, ownTarget, resolveRow, targetOf, visible, type Ctx } from './context.js';
import { CinderError, invalidBackup, invalidInput, invalidSnapshot, invalidVolume } from './errors.js';
import { boolText } from './input.js';
import { OSAPI_MAX_LIMIT, compareBy, pageAfterMarker } from './listing.js';
import { CINDER_RULES } from './policies.js';
import { backupDeltas, useQuota } from './quota.js';
import { moveSnapshot, moveVolume } from './statuses.js';
import type { BackupRow, ServiceRow, SnapshotRow, VolumeRow } from './types.js';
import { createVolume, runCreate } from './volume_create.js';
import { getVolume } from './volumes.js';

export { backupView, backupSummary } from './backup_views.js';
export type { BackupCreateRequest, BackupListQuery, BackupRef, BackupRestoreRequest, BackupRestoreView, BackupSummary, BackupUpdateRequest, BackupView } from './backup_views.js';
export { BACKUP_CREATE_TASK, BACKUP_DELETE_TASK, BACKUP_RESTORE_TASK, BACKUP_TASKS, CHUNKED_DRIVER_VERSION, backupReadProblem, restoreInto, runBackupCreate, runBackupDelete, runBackupRestore } from './backup_driver.js';

// ------------------------------------------------------------------------------ lookups

/** The backup a reference names, among those the caller may see (404 otherwise). */
export function getBackup(ctx: Ctx, ref: unknown, field = 'backup'): BackupRow {
  return resolveRow(ctx, 'backup', ctx.s.block.backups, (r) => visible(ctx, r), ref, field);
}

/** The backups of volume `volumeId`, any project's (`backup_get_all_by_volume`), through the `volume_backups` index. */
function backupsOfVolume(s: CloudState, volumeId: string): BackupRow[] {
  return indexed(s.block.volume_backups, volumeId).map((id) => getRow(s.block.backups, id)).filter((b): b is BackupRow => b !== undefined);
}

/** The backups whose parent is `backupId` (`get_all(search_opts={'parent_id': id})`), through the `backup_children` index. */
function childrenOf(s: CloudState, backupId: string): BackupRow[] {
  return indexed(s.block.backup_children, backupId).map((id) => getRow(s.block.backups, id)).filter((b): b is BackupRow => b !== undefined);
}

function requireBackupService(s: CloudState, az: string | null): ServiceRow {
  const svc = backupService(s, az);
  if (svc === undefined) throw new CinderError(404, 'block.service.not_found', 'ServiceNotFound', 'Service cinder-backup could not be found.', { service_id: 'cinder-backup', availability_zone: az });
  return svc;
}

// ------------------------------------------------------------------------------ create

const CREATE_KEYS = ['volume_id', 'container', 'description', 'incremental', 'force', 'name', 'snapshot_id', 'metadata', 'availability_zone'];

/**
 * `POST /v3/{project_id}/backups` (`BackupsController.create`, `backup/api.py` `create`): answers the
 * summary of the new `creating` backup; the backup service writes it into Swift (a task).
 */
export function createBackup(tx: Tx, ctx: Ctx, input: unknown): BackupSummary {
  enforce(ctx, CINDER_RULES.backup.create, ownTarget(ctx));
  if (ctx.projectId === null) throw new CinderError(400, 'block.backup.no_project', 'InvalidInput', 'Invalid input received: a backup belongs to a project: use a project-scoped token.');
  const body = objectArg(input, 'backup', CREATE_KEYS);
  const volumeId = uuidArg(body.volume_id, 'volume_id');
  const container = containerArg(body.container, ctx.s.block.config.backup_swift_container);
  const name = stringArg(body.name, 'name', true);
  const description = stringArg(body.description, 'description', true);
  const incremental = boolArg(body.incremental, 'incremental');
  const force = boolArg(body.force, 'force');
  const snapshotId = body.snapshot_id === undefined || body.snapshot_id === null ? null : uuidArg(body.snapshot_id, 'snapshot_id');
  const metadata = backupMetadataArg(body.metadata, 'metadata', true);
  stringArg(body.availability_zone, 'availability_zone', false);

  const volume = getVolume(ctx, { id: volumeId }, 'volume_id');
  enforce(ctx, CINDER_RULES.volume.get, targetOf(volume));
  enforce(ctx, CINDER_RULES.backup.create, targetOf(volume));
  let snapshot: SnapshotRow | null = null;
  if (snapshotId !== null) {
    snapshot = resolveRow(ctx, 'snapshot', ctx.s.block.snapshots, (r) => visible(ctx, r), { id: snapshotId }, 'snapshot_id');
    enforce(ctx, CINDER_RULES.snapshot.get, targetOf(snapshot));
    if (snapshot.volume_id !== volume.id) throw invalidVolume(`Volume ${volume.id} does not match with snapshot.volume_id ${snapshot.volume_id}.`, { volume_id: volume.id, snapshot_id: snapshot.id }, 'block.backup.snapshot_mismatch');
    if (snapshot.status !== 'available') throw invalidSnapshot(`Snapshot to be backed up must be available, but the current status is "${snapshot.status}".`, { snapshot_id: snapshot.id, status: snapshot.status });
  } else if (volume.status !== 'available' && volume.status !== 'in-use') {
    throw invalidVolume(`Volume to be backed up must be available or in-use, but the current status is "${volume.status}".`, { volume_id: volume.id, status: volume.status });
  } else if (volume.status === 'in-use' && !force) {
    throw invalidVolume('Backing up an in-use volume must use the force flag.', { volume_id: volume.id, status: volume.status }, 'block.backup.force_required');
  }
  const previousStatus = volume.status;
  useQuota(tx, ctx.projectId, 'backups', backupDeltas(volume.size));

  let parent: BackupRow | null = null;
  if (incremental) {
    const candidates = backupsOfVolume(ctx.s, volume.id).filter((b) => b.project_id === ctx.projectId);
    if (candidates.length === 0) throw invalidBackup('No backups available to do an incremental backup.', { volume_id: volume.id }, 'block.backup.no_parent');
    parent = latestBackup(candidates, snapshot);
    if (parent.status !== 'available') throw invalidBackup('The parent backup must be available for incremental backup.', { parent_id: parent.id, status: parent.status }, 'block.backup.parent_not_available');
  }

  const now = tx.now();
  if (snapshot !== null) moveSnapshot(tx, snapshot, 'backing-up');
  else moveVolume(tx, volume, 'backing-up', { previous_status: previousStatus });
  const row: BackupRow = {
    id: tx.ids.uuid(),
    volume_id: volume.id,
    snapshot_id: snapshot?.id ?? null,
    project_id: ctx.projectId,
    user_id: ctx.userId,
    name,
    description,
    status: 'creating',
    fail_reason: null,
    size: volume.size,
    object_count: 0,
    container,
    service_metadata: '',
    availability_zone: volume.availability_zone,
    parent_id: parent?.id ?? null,
    num_dependent_backups: 0,
    // from a snapshot: the snapshot's time; else the backup's own `created_at`
    data_timestamp: snapshot?.created_at ?? now,
    metadata,
    objects: [],
    sha256: {},
    seq: tx.counter('block.backup'),
    created_at: now,
    updated_at: now,
  };
  setRow(tx.draft.block.backups, row.id, row);
  setRow(tx.draft.block.volume_backups, `${row.volume_id}/${row.id}`, row.id);
  if (row.parent_id !== null) setRow(tx.draft.block.backup_children, `${row.parent_id}/${row.id}`, row.id);
  tx.trace('cinder-api', `backup ${row.id} of volume ${volume.id} creating (${parent === null ? 'full' : `incremental on ${parent.id}`}, container ${container})`);
  tx.schedule(BACKUP_CREATE_TASK, { backup_id: row.id }, 0);
  return backupSummary(row);
}

/**
 * The parent of an incremental backup (`backup/api.py`): the backup with the latest
 * `data_timestamp` (from a snapshot: only those older than the snapshot). The virtual clock stands
 * still between advances, so ties are common: the one created last wins (Cinder's `max` keeps the
 * first of equals, which with real clocks is rarely a tie).
 */
function latestBackup(candidates: BackupRow[], snapshot: SnapshotRow | null): BackupRow {
  const time = (b: BackupRow): number => (snapshot === null || b.data_timestamp < snapshot.created_at ? b.data_timestamp : -Infinity);
  let best = candidates[0] as BackupRow;
  for (const b of candidates.slice(1)) if (time(b) > time(best) || (time(b) === time(best) && b.seq > best.seq)) best = b;
  return best;
}

// ------------------------------------------------------------------------------ restore

/**
 * `POST /v3/{project_id}/backups/{id}/restore` (`backup/api.py` `restore`): to a new volume (none
 * given) or an `available` one at least as large; the volume `restoring-backup`, the backup
 * `restoring`; the backup service writes the content (a task).
 */
export function restoreBackup(tx: Tx, ctx: Ctx, ref: unknown, input: unknown = {}): BackupRestoreView {
  const backup = getBackup(ctx, ref);
  enforce(ctx, CINDER_RULES.backup.get, targetOf(backup));
  enforce(ctx, CINDER_RULES.backup.restore, targetOf(backup));
  const body = objectArg(input, 'restore', ['volume_id', 'name'], true);
  const volumeId = body.volume_id === undefined || body.volume_id === null ? null : uuidArg(body.volume_id, 'volume_id');
  let name = stringArg(body.name, 'name', true);
  if (backup.status !== 'available') throw invalidBackup('Backup status must be available', { backup_id: backup.id, status: backup.status });

  let volume: VolumeRow;
  if (volumeId === null) {
    name ??= `restore_backup_${backup.id}`;
    const created = createVolume(tx, ctx, { size: backup.size, name, description: 'auto-created_from_restore_from_backup' });
    // the API waits until the volume leaves `creating`: the volume manager's create, now
    runCreate(tx, { volume_id: created.id, image_id: null });
    volume = getRow(tx.draft.block.volumes, created.id) as VolumeRow;
    if (volume.status === 'error') throw invalidVolume(`Error while creating volume ${volume.id} for restoring backup ${backup.id}.`, { volume_id: volume.id, backup_id: backup.id }, 'block.backup.restore_volume_error');
  } else {
    volume = getVolume(ctx, { id: volumeId }, 'volume_id');
    enforce(ctx, CINDER_RULES.volume.get, targetOf(volume));
  }
  if (volume.status !== 'available') throw invalidVolume('Volume to be restored to must be available', { volume_id: volume.id, status: volume.status });
  if (backup.size > volume.size) throw invalidVolume(`volume size ${volume.size} is too small to restore backup of size ${backup.size}.`, { volume_id: volume.id, size: volume.size, backup_size: backup.size }, 'block.backup.volume_too_small');
  requireBackupService(ctx.s, backup.availability_zone);

  saveBackup(tx, backup, { status: 'restoring' });
  moveVolume(tx, volume, 'restoring-backup');
  tx.trace('cinder-api', `restoring backup ${backup.id} to volume ${volume.id}`);
  tx.schedule(BACKUP_RESTORE_TASK, { backup_id: backup.id, volume_id: volume.id }, 0);
  return { backup_id: backup.id, volume_id: volume.id, volume_name: volume.name };
}

// ------------------------------------------------------------------------------ delete

/** `DELETE /v3/{project_id}/backups/{id}` (`backup/api.py` `delete`): `available` or `error`, no dependent incrementals. */
export function deleteBackup(tx: Tx, ctx: Ctx, ref: unknown): void {
  const backup = getBackup(ctx, ref);
  enforce(ctx, CINDER_RULES.backup.get, targetOf(backup));
  enforce(ctx, CINDER_RULES.backup.delete, targetOf(backup));
  if (backup.status !== 'available' && backup.status !== 'error') throw invalidBackup('Backup status must be available or error', { backup_id: backup.id, status: backup.status });
  if (childrenOf(ctx.s, backup.id).some((b) => visible(ctx, b))) throw invalidBackup('Incremental backups exist for this backup.', { backup_id: backup.id }, 'block.backup.has_dependents');
  requireBackupService(ctx.s, backup.availability_zone);
  saveBackup(tx, backup, { status: 'deleting' });
  tx.schedule(BACKUP_DELETE_TASK, { backup_id: backup.id }, 0);
}

// ------------------------------------------------------------------------------ show, list, update

/** `GET /v3/{project_id}/backups/{id}`. */
export function showBackup(ctx: Ctx, ref: unknown): BackupView {
  const backup = getBackup(ctx, ref);
  enforce(ctx, CINDER_RULES.backup.get, targetOf(backup));
  return backupView(ctx, backup);
}

const FILTERS = ['name', 'status', 'volume_id'];
const PAGING = ['all_tenants', 'sort_key', 'sort_dir', 'limit', 'marker', 'offset'];
const SORT_KEYS = ['created_at', 'id', 'name', 'status', 'size', 'updated_at', 'volume_id', 'data_timestamp', 'container', 'availability_zone'] as const;
/** `constants.DB_MAX_INT`: the largest `offset`. */
const DB_MAX_INT = 0x7fffffff;

/** `common._get_offset_param`: `validate_integer(offset, 'offset', 0, DB_MAX_INT)` (oslo's messages). */
function offsetArg(value: unknown): number {
  const n = typeof value === 'string' && /^\s*[+-]?[0-9]{1,12}\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalidInput('offset', 'offset must be an integer', 'block.list.invalid_offset');
  if (n < 0) throw invalidInput('offset', 'offset must be >= 0', 'block.list.invalid_offset');
  if (n > DB_MAX_INT) throw invalidInput('offset', `offset must be <= ${DB_MAX_INT}`, 'block.list.invalid_offset');
  return n;
}

/**
 * The backups a list answers, in order (`BackupsController._get_backups`, `backup/api.py`
 * `get_all`, `db/sqlalchemy/api.py` `_generate_paginate_query`): the caller's project's, or every
 * project's for an admin with `all_tenants` (`project_id` then narrows it); filters `name`,
 * `status`, `volume_id` (an admin may filter on `project_id` too; another filter is a 400, as
 * `reject_invalid_filters` makes it); sorted (`created_at` then `id`, descending, by default);
 * after `marker` — looked up as the paginator does (404 `BackupNotFound` when the caller cannot
 * see it), the page going on after its sort values even when the filters leave it out — then
 * `offset` rows skipped (`common.get_pagination_params`), at most `limit` (≤ `osapi_max_limit`).
 */
export function listBackupRows(ctx: Ctx, query: unknown = {}): BackupRow[] {
  enforce(ctx, CINDER_RULES.backup.getAll, ownTarget(ctx));
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw invalidInput('query', `expected an object, got ${describeValue(query)}`, 'block.input.invalid_body');
  const q = query as Record<string, unknown>;
  // `get_pagination_params` first (limit, marker, offset), then the sort, then the filters
  let limit = OSAPI_MAX_LIMIT;
  if (q.limit !== undefined) {
    const n = typeof q.limit === 'string' && /^[0-9]{1,10}$/.test(q.limit) ? Number(q.limit) : q.limit;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalidInput('limit', 'limit param must be an integer', 'block.list.invalid_limit');
    if (n < 0) throw invalidInput('limit', 'limit param must be positive', 'block.list.invalid_limit');
    limit = Math.min(n, OSAPI_MAX_LIMIT);
  }
  const offset = q.offset === undefined ? 0 : offsetArg(q.offset);
  const sortKey = q.sort_key === undefined ? 'created_at' : q.sort_key;
  if (typeof sortKey !== 'string' || !(SORT_KEYS as readonly string[]).includes(sortKey)) throw invalidInput('sort_key', `sort_key must be one of ${SORT_KEYS.join(', ')}`, 'block.list.invalid_sort');
  const dir = q.sort_dir === undefined ? 'desc' : q.sort_dir;
  if (dir !== 'asc' && dir !== 'desc') throw invalidInput('sort_dir', "sort_dir must be 'asc' or 'desc'", 'block.list.invalid_sort');
  const known = [...FILTERS, ...PAGING, ...(ctx.isAdmin ? ['project_id'] : [])];
  const bad = Object.keys(q).filter((k) => !known.includes(k));
  if (bad.length > 0) throw invalidInput(bad[0] as string, `Invalid filters ${bad.map((k) => k.slice(0, 64)).join(',')} are found in query options.`, 'block.list.unknown_filter');
  for (const k of [...FILTERS, 'project_id', 'marker']) if (q[k] !== undefined && typeof q[k] !== 'string') throw invalidInput(k, `Invalid input for field/attribute ${k}. Value: ${describeValue(q[k])}. expected a string`, 'block.list.invalid_filter');
  let all = false;
  // a non-admin's `all_tenants` is dropped silently (`reject_invalid_filters`, bug #1917574)
  if (q.all_tenants !== undefined && ctx.isAdmin) {
    const v = q.all_tenants;
    const text = typeof v === 'boolean' || typeof v === 'number' ? String(v) : v;
    const flag = typeof text === 'string' ? boolText(text.toLowerCase()) : undefined;
    if (flag === undefined) throw invalidInput('all_tenants', `all_tenants must be a boolean, got '${describeValue(v)}'.`, 'block.list.invalid_all_tenants');
    all = flag;
  }
  const project = all ? ((q.project_id as string | undefined) ?? null) : ctx.projectId;
  const rows = tableToArray(ctx.s.block.backups).filter(
    (b) => visible(ctx, b) && (project === null || b.project_id === project) && (q.name === undefined || b.name === q.name) && (q.status === undefined || b.status === q.status) && (q.volume_id === undefined || b.volume_id === q.volume_id),
  );
  const key = sortKey as (typeof SORT_KEYS)[number];
  const order = compareBy((r: BackupRow) => r[key] ?? '', dir);
  rows.sort(order);
  // `_backup_get(context, marker)` (project_only): a backup the caller cannot see is 404
  const start = q.marker === undefined ? 0 : pageAfterMarker(rows, getBackup(ctx, { id: q.marker }, 'marker'), order);
  return rows.slice(start + offset, start + offset + limit);
}

/** `PUT /v3/{project_id}/backups/{id}` (3.9; `metadata` 3.43, replacing it): answers the summary. */
export function updateBackup(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): BackupSummary {
  const backup = getBackup(ctx, ref);
  enforce(ctx, CINDER_RULES.backup.get, targetOf(backup));
  enforce(ctx, CINDER_RULES.backup.update, targetOf(backup));
  const body = objectArg(input, 'backup', ['name', 'description', 'metadata']);
  const fields: { name?: string | null; description?: string | null; metadata?: Record<string, string> } = {};
  if ('name' in body) fields.name = stringArg(body.name, 'name', true);
  if ('description' in body) fields.description = stringArg(body.description, 'description', true);
  if ('metadata' in body) fields.metadata = backupMetadataArg(body.metadata, 'metadata', false);
  return backupSummary(saveBackup(tx, backup, fields));
}
