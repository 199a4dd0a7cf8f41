/**
 * Volume backups into Swift, as Cinder's Swift chunked driver makes them (`cinder/api/contrib/
 * backups.py`, `cinder/api/v3/backups.py`, `cinder/api/schemas/backups.py`, `cinder/api/views/
 * backups.py`, `cinder/api/v3/views/backups.py`, `cinder/backup/api.py`, `cinder/backup/manager.py`,
 * `cinder/scheduler/manager.py` `create_backup`, `cinder/backup/chunkeddriver.py`,
 * `cinder/backup/drivers/swift.py`, `cinder/policies/backups.py`):
 *
 * - **create** (`POST /backups`): the API checks the volume (or snapshot), reserves `backups` and
 *   `backup_gigabytes`, picks the parent of an incremental backup, moves the volume to
 *   `backing-up` (keeping `previous_status`) or the snapshot to `backing-up`, stores the backup
 *   `creating` and answers its summary; the backup service (a task) then writes the objects into
 *   the project's Swift account (`AUTH_<project_id>`, the container created if missing, as the
 *   driver's `put_container` does), named as the chunked driver names them
 *   (`volume_<volume id>/<YYYYmmddHHMMSS>/az_<az>_backup_<backup id>-00001`, …, then `…_sha256file`
 *   and `…_metadata`), makes the backup `available` and gives the volume its status back.
 * - **restore** (`POST /backups/{id}/restore`): to a new volume (created through the volume API,
 *   `restore_backup_<id>`) or an existing `available` one at least as large; the backup service
 *   writes the chain (the full backup first, then each incremental) into it.
 * - **delete**: `available` or `error` backups without dependent incrementals; the objects go.
 * - **show / list / update** and the backup view.
 *
 * What is simulated differently, and why:
 * - The real driver reads the whole volume and stores every `backup_swift_object_size` chunk,
 *   zlib-compressed (a chunk of zeros shrinks to almost nothing). Here a chunk none of whose
 *   32 KiB blocks is written is not stored at all, and a stored chunk holds only its written blocks,
 *   concatenated, uncompressed (`compression: "none"`), its `blocks` entry in `_metadata` naming
 *   them: a backup costs what was written, never the volume's size — this stands in for the
 *   compression of zeros. Object numbers count the stored objects (`-00001`, `-00002`, …).
 * - An incremental backup stores, per chunk, the blocks whose SHA-256 differs from its parent's
 *   `_sha256file` (a block written since as zeros is stored as 32 KiB of zeros), in one object per
 *   chunk rather than one per extent of changed blocks.
 * - `_sha256file` is sparse: `sha256s` maps each written block's index to its SHA-256 (the blob id
 *   of the block, which is its SHA-256), absent blocks being zeros; the real one lists every block.
 * - `volume_meta` (the driver's backup of the volume's database metadata) is null, and a restore
 *   puts no volume metadata back but `src_backup_id`, as the manager does.
 * - `availability_zone` (3.51) is checked and then unused, as in Zed (`backup/api.py` `create`
 *   never reads it); the backup's zone is the zone of the volume, whose backup service makes it.
 * - Restoring to a new volume creates it and runs the volume manager's create at once, where Cinder
 *   polls until it leaves `creating`; if no backend takes it the whole call is refused (400) and
 *   nothing stays, where Cinder would leave the volume in `error`.
 * - Restoring to a larger volume leaves the bytes past the backup's size as they were (the driver
 *   writes the backup's objects only); inside it, blocks the backup does not hold become zeros.
 * - The backup host is the first `cinder-backup` service that is up, enabled and in the zone (Cinder
 *   shuffles them); no such service fails the backup (`Service not found for creating backup.`) or
 *   refuses a restore or delete (404 `ServiceNotFound`), as Cinder does.
 * - The view is API 3.70's: `metadata` (3.43) always, `os-backup-project-attr:project_id` (3.18) and
 *   `user_id` (3.56) when `backup:backup_project_attribute` allows. No `encryption_key_id`, no
 *   `with_count`, no `export_record` / `import_record`, no `os-reset_status` / `os-force_delete`.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { describeValue, deleteRow, getRow, isCloudError, isoAt, readBlob, setRow, tableToArray, type CloudState, type Tx } from '../core/index.js';
import { accountName, ensureContainer, fetchObject, removeObject, storeObject } from '../object/index.js';
import { adjustPool, serviceUp } from './backends.js';
import { BLOCK_SIZE, putBlock, writtenBlocks } from './blocks.js';
import { enforce, ownTarget, resolveRow, targetOf, visible, allowed, type BlockRef, type Ctx } from './context.js';
import { CinderError, invalidBackup, invalidInput, invalidSnapshot, invalidVolume } from './errors.js';
import { CINDER_RULES } from './policies.js';
import { backupDeltas, releaseQuota, useQuota } from './quota.js';
import { moveSnapshot, moveVolume } from './statuses.js';
import type { BackupObject, BackupRow, BackupStatus, ServiceRow, SnapshotRow, VolumeRow } from './types.js';
import { backupUsage, timestamp } from './views.js';
import { createVolume, getVolume, runCreate } from './volumes.js';

const GIB = 2 ** 30;
/** The backup service's create (`BackupManager.create_backup` and the driver's `backup`). */
export const BACKUP_CREATE_TASK = 'block.backup.create';
/** The backup service's restore (`BackupManager.restore_backup`). */
export const BACKUP_RESTORE_TASK = 'block.backup.restore';
/** The backup service's delete (`BackupManager.delete_backup`). */
export const BACKUP_DELETE_TASK = 'block.backup.delete';
/** `ChunkedBackupDriver.DRIVER_VERSION`: the `version` of `_metadata` and `_sha256file`. */
export const CHUNKED_DRIVER_VERSION = '1.0.0';
/** The driver a backup names in its usage payloads (`backup.service`). */

// ------------------------------------------------------------------------------ requests and views

/** `POST /v3/{project_id}/backups`: the `backup` object (schema `create_backup_v351`). */
export interface BackupCreateRequest {
  readonly volume_id: string;
  /** Default `backup_swift_container` (`volumebackups`). */
  readonly container?: string | null;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly incremental?: boolean | string;
  /** Needed to back up an `in-use` volume. */
  readonly force?: boolean | string;
  readonly snapshot_id?: string | null;
  /** 3.43. */
  readonly metadata?: Readonly<Record<string, string>> | null;
  /** 3.51: checked, then unused, as in Zed. */
  readonly availability_zone?: string | null;
}

/** `POST /v3/{project_id}/backups/{id}/restore`: the `restore` object. */
export interface BackupRestoreRequest {
  /** An `available` volume at least as large as the backup; none: a new volume. */
  readonly volume_id?: string | null;
  /** The new volume's name (default `restore_backup_<backup id>`). */
  readonly name?: string | null;
}

/** `PUT /v3/{project_id}/backups/{id}` (3.9): the `backup` object; `metadata` since 3.43. */
export interface BackupUpdateRequest {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** `GET /v3/{project_id}/backups[/detail]` filters and paging. */
export interface BackupListQuery {
  readonly name?: string;
  readonly status?: string;
  readonly volume_id?: string;
  /** Admins: every project's backups. */
  readonly all_tenants?: boolean | string | number;
  /** Admins: one project's. */
  readonly project_id?: string;
  /** `created_at` (default), `id`, `name`, `status`, `size`, `updated_at`, `volume_id`, `data_timestamp`. */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  readonly limit?: number | string;
  readonly marker?: string;
}

/** A backup reference: an id or a name among the backups the caller may see, or `{ id }`. */
export type BackupRef = BlockRef;

type Links = readonly { readonly href: string; readonly rel: string }[];

/** `GET /v3/{project_id}/backups/{id}` at 3.70 (`cinder/api/v3/views/backups.py`). */
export interface BackupView {
  readonly id: string;
  readonly status: BackupStatus;
  readonly size: number;
  readonly object_count: number;
  readonly availability_zone: string;
  readonly container: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly fail_reason: string | null;
  readonly volume_id: string;
  readonly links: Links;
  readonly is_incremental: boolean;
  readonly has_dependent_backups: boolean;
  readonly snapshot_id: string | null;
  readonly data_timestamp: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** 3.18, under `backup:backup_project_attribute` (admins). */
  readonly 'os-backup-project-attr:project_id'?: string;
  /** 3.56, under `backup:backup_project_attribute` (admins). */
  readonly user_id?: string;
}

/** The summary a create and an update answer, and `GET /backups` lists. */
export interface BackupSummary {
  readonly id: string;
  readonly name: string | null;
  readonly links: Links;
}

/** What a restore answers (`restore_summary`). */
export interface BackupRestoreView {
  readonly backup_id: string;
  readonly volume_id: string;
  readonly volume_name: string | null;
}

function links(projectId: string, id: string): Links {
  return [
    { href: `http://controller/volume/v3/${projectId}/backups/${id}`, rel: 'self' },
    { href: `http://controller/volume/${projectId}/backups/${id}`, rel: 'bookmark' },
  ];
}

/** A backup's detailed view for the caller (`ViewBuilder.detail`, and the v3 controller's attributes). */
export function backupView(ctx: Ctx, b: BackupRow): BackupView {
  const view: Record<string, unknown> = {
    id: b.id,
    status: b.status,
    size: b.size,
    object_count: b.object_count,
    availability_zone: b.availability_zone,
    container: b.container,
    created_at: timestamp(ctx.s, b.created_at),
    updated_at: timestamp(ctx.s, b.updated_at),
    name: b.name,
    description: b.description,
    fail_reason: b.fail_reason,
    volume_id: b.volume_id,
    links: links(b.project_id, b.id),
    is_incremental: b.parent_id !== null,
    has_dependent_backups: b.num_dependent_backups > 0,
    snapshot_id: b.snapshot_id,
    data_timestamp: timestamp(ctx.s, b.data_timestamp),
    metadata: b.metadata,
  };
  // `context.authorize(BACKUP_ATTRIBUTES_POLICY, fatal=False)`: the default target, the caller's own project
  if (allowed(ctx, CINDER_RULES.backup.projectAttribute, ownTarget(ctx))) {
    view['os-backup-project-attr:project_id'] = b.project_id;
    view.user_id = b.user_id;
  }
  return view as unknown as BackupView;
}

/** A backup's summary view. */
export function backupSummary(b: BackupRow): BackupSummary {
  return { id: b.id, name: b.name, links: links(b.project_id, b.id) };
}

// ------------------------------------------------------------------------------ input

const BOOL_TRUE = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't'];
const BOOL_FALSE = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f'];

/** `parameter_types.boolean` then `strutils.bool_from_string(strict=True)`. */
function boolArg(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && BOOL_TRUE.includes(value)) return true;
  if (typeof value === 'string' && BOOL_FALSE.includes(value)) return false;
  throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is not one of the accepted boolean values`, 'block.backup.invalid_boolean');
}

/** `name_allow_zero_min_length` / `description` / `nullable_string`: null or ≤ 255 characters; names and descriptions are stripped (`validate_name_and_description`). */
function stringArg(value: unknown, field: string, strip: boolean): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > 255) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected null or a string of at most 255 characters`, 'block.input.invalid_text');
  return strip ? value.trim() : value;
}

const UUID_RE = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;

/** `parameter_types.uuid` (`format: uuid`, oslo's `is_uuid_like`). */
function uuidArg(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID_RE.test(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is not a 'uuid'`, 'block.input.invalid_uuid');
  return value;
}

const SPEC_KEY = /^[a-zA-Z0-9-_:. /]{1,255}$/;

/** `parameter_types.extra_specs` (`metadata_allows_null` when `nullable`): keys `[a-zA-Z0-9-_:. /]{1,255}`, string values ≤ 255. */
function backupMetadataArg(value: unknown, field: string, nullable: boolean): Record<string, string> {
  if ((value === undefined || value === null) && nullable) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected an object of strings`, 'block.input.invalid_metadata');
  const keys = Object.keys(value);
  if (keys.length > 1024) throw invalidInput(field, `at most 1024 metadata items, got ${keys.length}`, 'block.input.invalid_metadata');
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (!SPEC_KEY.test(k)) throw invalidInput(`${field}.${k}`, `Invalid input for field/attribute ${field}. Additional properties are not allowed ('${k.slice(0, 64)}' does not match '^[a-zA-Z0-9-_:. /]{1,255}$')`, 'block.input.invalid_metadata');
    const v: unknown = (value as Record<string, unknown>)[k];
    if (typeof v !== 'string' || v.length > 255) throw invalidInput(`${field}.${k}`, `Invalid input for field/attribute ${field}.${k}. Value: ${describeValue(v)}. expected a string of at most 255 characters`, 'block.input.invalid_metadata');
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The request's object (`additionalProperties: False`): anything else, or an unknown key, is a 400 naming it. */
function objectArg(value: unknown, field: string, known: readonly string[], nullable = false): Record<string, unknown> {
  if (value === null && nullable) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected an object`, 'block.input.invalid_body');
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) throw invalidInput(k, `Invalid input for field/attribute ${field}. Additional properties are not allowed ('${k.slice(0, 64)}' was unexpected)`, 'block.input.unexpected_property');
  }
  return value as Record<string, unknown>;
}

/** A Swift container name: what the driver's `put_container` can create (1–255 characters, no '/'). */
function containerArg(value: unknown, dflt: string): string {
  if (value === undefined || value === null) return dflt;
  if (typeof value !== 'string' || value.length === 0 || value.length > 255 || value.includes('/')) {
    throw invalidInput('container', `Invalid input for field/attribute container. Value: ${describeValue(value)}. a Swift container name has 1 to 255 characters and no '/'`, 'block.backup.invalid_container');
  }
  return value;
}

// ------------------------------------------------------------------------------ lookups

/** The backup a reference names, among those the caller may see (404 otherwise). */
export function getBackup(ctx: Ctx, ref: unknown, field = 'backup'): BackupRow {
  return resolveRow(ctx, 'backup', ctx.s.block.backups, (r) => visible(ctx, r), ref, field);
}

/** The backups whose parent is `id` (`get_all(search_opts={'parent_id': id})`). */
function dependentsOf(s: CloudState, id: string): BackupRow[] {
  return tableToArray(s.block.backups).filter((b) => b.parent_id === id);
}

/** A backup and its ancestors, the full backup first. */
function chainOf(s: CloudState, backup: BackupRow): BackupRow[] {
  const chain: BackupRow[] = [backup];
  let at = backup;
  while (at.parent_id !== null) {
    const parent = getRow(s.block.backups, at.parent_id);
    if (parent === undefined || chain.includes(parent)) break;
    chain.push(parent);
    at = parent;
  }
  return chain.reverse();
}

/**
 * The backup service that takes work for zone `az` (`_get_available_backup_service_host`):
 * a `cinder-backup` service up and enabled in that zone (any zone when `az` is null).
 */
function backupService(s: CloudState, az: string | null): ServiceRow | undefined {
  return tableToArray(s.block.services)
    .filter((r) => r.binary === 'cinder-backup' && !r.disabled && serviceUp(s, r) && (az === null || r.zone === az))
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))[0];
}

function requireBackupService(s: CloudState, az: string | null): ServiceRow {
  const svc = backupService(s, az);
  if (svc === undefined) throw new CinderError(404, 'block.service.not_found', 'ServiceNotFound', 'Service cinder-backup could not be found.', { service_id: 'cinder-backup', availability_zone: az });
  return svc;
}

const notifier = (svc: ServiceRow | undefined): { publisher: string } => ({ publisher: `backup.${svc?.host ?? 'controller'}` });

function saveBackup(tx: Tx, backup: BackupRow, fields: Partial<BackupRow>): BackupRow {
  const next: BackupRow = { ...backup, ...fields, updated_at: tx.now() };
  setRow(tx.draft.block.backups, backup.id, next);
  return next;
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
    const candidates = tableToArray(ctx.s.block.backups).filter((b) => b.volume_id === volume.id && b.project_id === ctx.projectId);
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

/** The prefix `_generate_object_name_prefix` makes: `volume_<id>/<YYYYmmddHHMMSS>/az_<az>_backup_<id>`. */
function objectPrefix(tx: Tx, backup: BackupRow, az: string): string {
  const stamp = isoAt(tx.draft.meta.clock.epoch, tx.now()).replace(/[^0-9]/g, '').slice(0, 14);
  return `volume_${backup.volume_id}/${stamp}/az_${az}_backup_${backup.id}`;
}

/** `str(created_at)` of a UTC datetime, as the driver's JSON files hold it. */
function pyDatetime(s: CloudState, t: number): string {
  return timestamp(s, t).replace('T', ' ').replace(/\.\d+$/, '') + '+00:00';
}

const ZERO_BLOCK = new Uint8Array(BLOCK_SIZE);
const utf8 = (text: string): Uint8Array => utf8ToBytes(text);

/** The backup service's create (a task): schedule, back the volume up into Swift, `available`; a failure: `error`. */
export function runBackupCreate(tx: Tx, args: unknown): void {
  const { backup_id } = args as { backup_id: string };
  const s = tx.draft;
  const backup = getRow(s.block.backups, backup_id);
  if (backup === undefined || backup.status !== 'creating') return;
  const volume = getRow(s.block.volumes, backup.volume_id);
  const snapshot = backup.snapshot_id === null ? undefined : getRow(s.block.snapshots, backup.snapshot_id);

  // the scheduler (`cinder/scheduler/manager.py` `create_backup`): a backup service in the volume's zone
  const svc = backupService(s, volume?.availability_zone ?? backup.availability_zone);
  if (svc === undefined) {
    failBackup(tx, backup, 'Service not found for creating backup.', 'backing-up');
    return;
  }
  tx.emit('backup.create.start', () => backupUsage(tx.draft, backup), notifier(svc));
  if (volume === undefined) {
    failBackup(tx, backup, `Volume ${backup.volume_id} could not be found.`);
    return;
  }
  if (snapshot !== undefined ? snapshot.status !== 'backing-up' : volume.status !== 'backing-up') {
    const [what, actual] = snapshot !== undefined ? ['snapshot', snapshot.status] : ['volume', volume.status];
    failBackup(tx, backup, `Invalid ${what}: Create backup aborted, expected ${what} status backing-up but got ${actual}.`, null);
    return;
  }
  const parent = backup.parent_id === null ? undefined : getRow(s.block.backups, backup.parent_id);
  if (backup.parent_id !== null && parent === undefined) {
    failBackup(tx, backup, `Backup ${backup.parent_id} could not be found.`);
    return;
  }
  if (parent !== undefined && backup.size > parent.size) {
    failBackup(tx, backup, 'Invalid backup: Volume size increased since the last backup. Do a full backup.');
    return;
  }

  const account = accountName(backup.project_id);
  const prefix = objectPrefix(tx, backup, svc.zone);
  const cfg = s.block.config;
  const perChunk = cfg.backup_swift_object_size / BLOCK_SIZE;
  const volumeBytes = backup.size * GIB;
  const owner = snapshot?.id ?? volume.id;
  const current = writtenBlocks(s, owner);
  const sha256: Record<string, string> = {};
  for (const [index, blob] of current) sha256[String(index)] = blob;

  // the blocks to store: every written one (full), or those whose SHA-256 differs from the parent's
  const changed = new Map<number, string | null>();
  if (parent === undefined) {
    for (const [index, blob] of current) changed.set(index, blob);
  } else {
    for (const [index, blob] of current) if (parent.sha256[String(index)] !== blob) changed.set(index, blob);
    for (const key of Object.keys(parent.sha256)) if (sha256[key] === undefined) changed.set(Number(key), null);
  }
  const chunks = new Map<number, number[]>();
  for (const index of [...changed.keys()].sort((a, b) => a - b)) {
    const chunk = Math.floor(index / perChunk);
    const list = chunks.get(chunk);
    if (list === undefined) chunks.set(chunk, [index]);
    else list.push(index);
  }

  const objects: BackupObject[] = [];
  try {
    ensureContainer(tx, account, backup.container);
    let n = 0;
    for (const [chunk, blocks] of chunks) {
      n += 1;
      const name = `${prefix}-${String(n).padStart(5, '0')}`;
      const data = new Uint8Array(blocks.length * BLOCK_SIZE);
      blocks.forEach((index, i) => {
        const blob = changed.get(index);
        data.set(blob === null || blob === undefined ? ZERO_BLOCK : readBlob(tx.draft.blobs, blob), i * BLOCK_SIZE);
      });
      const offset = chunk * cfg.backup_swift_object_size;
      const { etag } = storeObject(tx, account, backup.container, name, data);
      objects.push({ name, offset, length: Math.min(cfg.backup_swift_object_size, volumeBytes - offset), blocks, md5: etag });
    }
    const header = { version: CHUNKED_DRIVER_VERSION, backup_id: backup.id, volume_id: backup.volume_id, backup_name: backup.name, backup_description: backup.description, created_at: pyDatetime(s, backup.created_at) };
    storeObject(tx, account, backup.container, `${prefix}_sha256file`, utf8(JSON.stringify({ ...header, chunk_size: BLOCK_SIZE, sha256s: sha256 }, null, 2)));
    const list = objects.map((o) => ({ [o.name]: { offset: o.offset, length: o.length, compression: 'none', md5: o.md5, blocks: o.blocks } }));
    storeObject(tx, account, backup.container, `${prefix}_metadata`, utf8(JSON.stringify({ ...header, objects: list, parent_id: backup.parent_id, volume_meta: null }, null, 2)));
  } catch (e) {
    if (!isCloudError(e)) throw e;
    // what was stored stays listed, so a delete removes it
    failBackup(tx, { ...backup, service_metadata: prefix, objects }, e.message);
    return;
  }

  // `_finish_backup`: the volume's status back, the backup available, the parent's count
  if (snapshot !== undefined) moveSnapshot(tx, snapshot, 'available');
  else moveVolume(tx, volume, volume.previous_status ?? 'available', { previous_status: 'backing-up' });
  const done = saveBackup(tx, backup, { status: 'available', size: volume.size, object_count: objects.length, service_metadata: prefix, objects, sha256 });
  if (parent !== undefined) saveBackup(tx, parent, { num_dependent_backups: parent.num_dependent_backups + 1 });
  tx.trace('cinder-backup', `backup ${backup.id}: ${objects.length} object(s), ${changed.size} block(s) into ${account}/${backup.container}`);
  tx.emit('backup.create.end', () => backupUsage(tx.draft, done), notifier(svc));
}

/**
 * A backup that could not be made: `error` with the reason, the snapshot `available` again, the
 * volume back to its `previous_status` (which becomes `previousMark`: `error_backing-up` after the
 * backup service failed, `backing-up` when no service took it; null: the volume is left alone).
 */
function failBackup(tx: Tx, backup: BackupRow, reason: string, previousMark: 'error_backing-up' | 'backing-up' | null = 'error_backing-up'): void {
  const s = tx.draft;
  if (backup.snapshot_id !== null) {
    const snap = getRow(s.block.snapshots, backup.snapshot_id);
    if (snap !== undefined && snap.status === 'backing-up') moveSnapshot(tx, snap, 'available');
  } else if (previousMark !== null) {
    const volume = getRow(s.block.volumes, backup.volume_id);
    if (volume !== undefined && volume.status === 'backing-up') moveVolume(tx, volume, volume.previous_status ?? 'available', { previous_status: previousMark });
  }
  saveBackup(tx, backup, { status: 'error', fail_reason: reason });
  tx.trace('cinder-backup', `backup ${backup.id} failed: ${reason}`);
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

/** Why a backup's chain cannot be read now, or null: a backup gone or not readable, an object missing or unreachable. */
function readChain(s: CloudState, backup: BackupRow): { content: Map<number, Uint8Array> } | { error: string } {
  const content = new Map<number, Uint8Array>();
  const chain = chainOf(s, backup);
  if (chain[0]?.parent_id !== null) return { error: `Backup ${chain[0]?.parent_id ?? backup.id} could not be found.` };
  const account = accountName(backup.project_id);
  for (const b of chain) {
    for (const o of b.objects) {
      let data: Uint8Array;
      try {
        data = fetchObject(s, account, b.container, o.name);
      } catch (e) {
        if (!isCloudError(e)) throw e;
        return { error: e.status === 404 ? 'Invalid backup: restore_backup aborted, actual object list does not match object list stored in metadata.' : e.message };
      }
      if (data.length !== o.blocks.length * BLOCK_SIZE) return { error: `Invalid backup: object ${o.name} holds ${data.length} bytes, its metadata says ${o.blocks.length * BLOCK_SIZE}.` };
      o.blocks.forEach((index, i) => content.set(index, data.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE)));
    }
  }
  return { content };
}

/** Makes the first `limit` blocks of `volumeId` the chain's content (blocks it lacks become zeros); returns the change in written blocks. Mutates. */
function applyContent(tx: Tx, volumeId: string, limit: number, content: Map<number, Uint8Array>): number {
  let delta = 0;
  for (const [index] of writtenBlocks(tx.draft, volumeId)) if (index < limit && !content.has(index)) delta += putBlock(tx, volumeId, index, ZERO_BLOCK);
  for (const [index, bytes] of content) delta += putBlock(tx, volumeId, index, bytes);
  return delta;
}

/**
 * Why backup `backupId` cannot be restored now (gone, not `available`, an object of its chain
 * missing or unreachable), or null. The volume manager may ask before {@link restoreInto} and put
 * the volume in `error` as `_create_from_backup`'s failure does.
 */
export function backupReadProblem(s: CloudState, backupId: string): string | null {
  const backup = getRow(s.block.backups, backupId);
  if (backup === undefined) return `Backup ${backupId} could not be found.`;
  if (backup.status !== 'available' && backup.status !== 'restoring') return 'Invalid backup: Backup status must be available';
  const read = readChain(s, backup);
  return 'error' in read ? read.error : null;
}

/**
 * The backup service's restore of backup `backupId` into volume `volumeId` as the volume manager's
 * create from a backup (3.47, `_create_from_backup` then `restore_backup`) needs it: writes the
 * chain's content (the full backup first, then each incremental; blocks not in the backup are
 * zeros), emits `backup.restore.start` / `.end`, and returns the change in the volume's written
 * blocks (for a new, blank volume: the blocks written), which the caller mirrors on the pool with
 * `adjustPool`, as for `copyBlocks` and `writeBytes`. The volume's row, status and pool are the
 * caller's. A backup that cannot be read
 * ({@link backupReadProblem}) writes nothing and returns 0. Mutates.
 */
export function restoreInto(tx: Tx, backupId: string, volumeId: string): number {
  const s = tx.draft;
  const backup = getRow(s.block.backups, backupId);
  const volume = getRow(s.block.volumes, volumeId);
  if (backup === undefined || volume === undefined) return 0;
  const svc = backupService(s, backup.availability_zone);
  tx.emit('backup.restore.start', () => backupUsage(tx.draft, { ...backup, status: 'restoring' }), notifier(svc));
  const read = readChain(s, backup);
  if ('error' in read) {
    tx.trace('cinder-backup', `restore of backup ${backup.id} into ${volume.id} failed: ${read.error}`);
    return 0;
  }
  const delta = applyContent(tx, volume.id, (backup.size * GIB) / BLOCK_SIZE, read.content);
  tx.trace('cinder-backup', `backup ${backup.id} restored into volume ${volume.id} (${read.content.size} block(s))`);
  tx.emit('backup.restore.end', () => backupUsage(tx.draft, backup), notifier(svc));
  return delta;
}

/** The backup service's restore (a task): the content written, the volume and the backup `available`; a failure: the volume `error_restoring`. */
export function runBackupRestore(tx: Tx, args: unknown): void {
  const { backup_id, volume_id } = args as { backup_id: string; volume_id: string };
  const s = tx.draft;
  const backup = getRow(s.block.backups, backup_id);
  const volume = getRow(s.block.volumes, volume_id);
  if (backup === undefined || backup.status !== 'restoring') return;
  const svc = backupService(s, backup.availability_zone);
  tx.emit('backup.restore.start', () => backupUsage(tx.draft, backup), notifier(svc));
  if (volume === undefined || volume.status !== 'restoring-backup') {
    saveBackup(tx, backup, { status: 'available' });
    tx.trace('cinder-backup', `restore of backup ${backup.id} aborted: volume ${volume_id} is ${volume?.status ?? 'gone'}`);
    return;
  }
  const read = readChain(s, backup);
  if ('error' in read) {
    moveVolume(tx, volume, 'error_restoring');
    saveBackup(tx, backup, { status: 'available' });
    tx.trace('cinder-backup', `restore of backup ${backup.id} into ${volume.id} failed: ${read.error}`);
    return;
  }
  const delta = applyContent(tx, volume.id, (backup.size * GIB) / BLOCK_SIZE, read.content);
  adjustPool(tx, volume.host, 0, delta);
  const old = volume.metadata.src_backup_id;
  const metadata = backup.volume_id !== volume.id || (old !== undefined && old !== backup.id) ? { ...volume.metadata, src_backup_id: backup.id } : volume.metadata;
  moveVolume(tx, getRow(tx.draft.block.volumes, volume.id) as VolumeRow, 'available', { metadata });
  const done = saveBackup(tx, backup, { status: 'available' });
  tx.trace('cinder-backup', `backup ${backup.id} restored into volume ${volume.id} (${read.content.size} block(s))`);
  tx.emit('backup.restore.end', () => backupUsage(tx.draft, done), notifier(svc));
}

// ------------------------------------------------------------------------------ delete

/** `DELETE /v3/{project_id}/backups/{id}` (`backup/api.py` `delete`): `available` or `error`, no dependent incrementals. */
export function deleteBackup(tx: Tx, ctx: Ctx, ref: unknown): void {
  const backup = getBackup(ctx, ref);
  enforce(ctx, CINDER_RULES.backup.get, targetOf(backup));
  enforce(ctx, CINDER_RULES.backup.delete, targetOf(backup));
  if (backup.status !== 'available' && backup.status !== 'error') throw invalidBackup('Backup status must be available or error', { backup_id: backup.id, status: backup.status });
  if (dependentsOf(ctx.s, backup.id).some((b) => visible(ctx, b))) throw invalidBackup('Incremental backups exist for this backup.', { backup_id: backup.id }, 'block.backup.has_dependents');
  requireBackupService(ctx.s, backup.availability_zone);
  saveBackup(tx, backup, { status: 'deleting' });
  tx.schedule(BACKUP_DELETE_TASK, { backup_id: backup.id }, 0);
}

/** The backup service's delete (a task): its objects out of Swift, the quota back, the row gone, the parent's count down. */
export function runBackupDelete(tx: Tx, args: unknown): void {
  const { backup_id } = args as { backup_id: string };
  const s = tx.draft;
  const backup = getRow(s.block.backups, backup_id);
  if (backup === undefined || backup.status !== 'deleting') return;
  const svc = backupService(s, backup.availability_zone);
  tx.emit('backup.delete.start', () => backupUsage(tx.draft, backup), notifier(svc));
  if (backup.service_metadata !== '') {
    const account = accountName(backup.project_id);
    const names = [...backup.objects.map((o) => o.name), `${backup.service_metadata}_sha256file`, `${backup.service_metadata}_metadata`];
    for (const name of names) {
      try {
        removeObject(tx, account, backup.container, name);
      } catch (e) {
        if (!isCloudError(e)) throw e;
        if (e.status === 404) continue; // already gone (a user deleted it, or the container)
        saveBackup(tx, backup, { status: 'error', fail_reason: e.message });
        tx.trace('cinder-backup', `delete of backup ${backup.id} failed: ${e.message}`);
        return;
      }
    }
  }
  releaseQuota(tx, backup.project_id, backupDeltas(backup.size));
  deleteRow(tx.draft.block.backups, backup.id);
  if (backup.parent_id !== null) {
    const parent = getRow(tx.draft.block.backups, backup.parent_id);
    if (parent !== undefined && parent.num_dependent_backups > 0) saveBackup(tx, parent, { num_dependent_backups: parent.num_dependent_backups - 1 });
  }
  tx.trace('cinder-backup', `backup ${backup.id} deleted`);
  tx.emit('backup.delete.end', () => backupUsage(tx.draft, { ...backup, status: 'deleted' }), notifier(svc));
}

// ------------------------------------------------------------------------------ show, list, update

/** `GET /v3/{project_id}/backups/{id}`. */
export function showBackup(ctx: Ctx, ref: unknown): BackupView {
  const backup = getBackup(ctx, ref);
  enforce(ctx, CINDER_RULES.backup.get, targetOf(backup));
  return backupView(ctx, backup);
}

const FILTERS = ['name', 'status', 'volume_id'];
const PAGING = ['all_tenants', 'sort_key', 'sort_dir', 'limit', 'marker'];
const SORT_KEYS = ['created_at', 'id', 'name', 'status', 'size', 'updated_at', 'volume_id', 'data_timestamp', 'container', 'availability_zone'] as const;
const OSAPI_MAX_LIMIT = 1000;

/**
 * The backups a list answers, in order (`BackupsController._get_backups`, `backup/api.py`
 * `get_all`): the caller's project's, or every project's for an admin with `all_tenants`
 * (`project_id` then narrows it); filters `name`, `status`, `volume_id` (an admin may filter on
 * `project_id` too; another filter is a 400, as `reject_invalid_filters` makes it).
 */
export function listBackupRows(ctx: Ctx, query: unknown = {}): BackupRow[] {
  enforce(ctx, CINDER_RULES.backup.getAll, ownTarget(ctx));
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw invalidInput('query', `expected an object, got ${describeValue(query)}`, 'block.input.invalid_body');
  const q = query as Record<string, unknown>;
  const known = [...FILTERS, ...PAGING, ...(ctx.isAdmin ? ['project_id'] : [])];
  const bad = Object.keys(q).filter((k) => !known.includes(k));
  if (bad.length > 0) throw invalidInput(bad[0] as string, `Invalid filters ${bad.map((k) => k.slice(0, 64)).join(',')} are found in query options.`, 'block.list.unknown_filter');
  for (const k of [...FILTERS, 'project_id', 'marker']) if (q[k] !== undefined && typeof q[k] !== 'string') throw invalidInput(k, `Invalid input for field/attribute ${k}. Value: ${describeValue(q[k])}. expected a string`, 'block.list.invalid_filter');
  let all = false;
  // a non-admin's `all_tenants` is dropped silently (`reject_invalid_filters`, bug #1917574)
  if (q.all_tenants !== undefined && ctx.isAdmin) {
    const v = q.all_tenants;
    const text = typeof v === 'boolean' || typeof v === 'number' ? String(v) : v;
    if (typeof text !== 'string' || ![...BOOL_TRUE, ...BOOL_FALSE].map((x) => x.toLowerCase()).includes(text.toLowerCase())) throw invalidInput('all_tenants', `all_tenants must be a boolean, got '${describeValue(v)}'.`, 'block.list.invalid_all_tenants');
    all = BOOL_TRUE.map((x) => x.toLowerCase()).includes(text.toLowerCase());
  }
  const project = all ? ((q.project_id as string | undefined) ?? null) : ctx.projectId;
  const sortKey = q.sort_key === undefined ? 'created_at' : q.sort_key;
  if (typeof sortKey !== 'string' || !(SORT_KEYS as readonly string[]).includes(sortKey)) throw invalidInput('sort_key', `sort_key must be one of ${SORT_KEYS.join(', ')}`, 'block.list.invalid_sort');
  const dir = q.sort_dir === undefined ? 'desc' : q.sort_dir;
  if (dir !== 'asc' && dir !== 'desc') throw invalidInput('sort_dir', "sort_dir must be 'asc' or 'desc'", 'block.list.invalid_sort');
  let limit = OSAPI_MAX_LIMIT;
  if (q.limit !== undefined) {
    const n = typeof q.limit === 'string' && /^[0-9]{1,10}$/.test(q.limit) ? Number(q.limit) : q.limit;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalidInput('limit', 'limit param must be an integer', 'block.list.invalid_limit');
    if (n < 0) throw invalidInput('limit', 'limit param must be positive', 'block.list.invalid_limit');
    limit = Math.min(n, OSAPI_MAX_LIMIT);
  }
  const rows = tableToArray(ctx.s.block.backups).filter(
    (b) => visible(ctx, b) && (project === null || b.project_id === project) && (q.name === undefined || b.name === q.name) && (q.status === undefined || b.status === q.status) && (q.volume_id === undefined || b.volume_id === q.volume_id),
  );
  const key = sortKey as (typeof SORT_KEYS)[number];
  rows.sort((a, b) => {
    const x = a[key] ?? '';
    const y = b[key] ?? '';
    const c = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return dir === 'asc' ? c : -c;
  });
  let start = 0;
  if (q.marker !== undefined) {
    const i = rows.findIndex((r) => r.id === q.marker);
    if (i < 0) throw new CinderError(400, 'block.list.invalid_marker', 'InvalidInput', `Invalid input received: marker [${describeValue(q.marker)}] not found`, { field: 'marker' });
    start = i + 1;
  }
  return rows.slice(start, start + limit);
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

/** The task kinds this file runs, for the descriptor's `tasks`. */
export const BACKUP_TASKS = {
  [BACKUP_CREATE_TASK]: runBackupCreate,
  [BACKUP_RESTORE_TASK]: runBackupRestore,
  [BACKUP_DELETE_TASK]: runBackupDelete,
} as const;
