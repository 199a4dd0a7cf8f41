/**
 * Volumes (`cinder/api/v3/volumes.py`, `cinder/volume/api.py`, `cinder/volume/flows/api/
 * create_volume.py`, `cinder/volume/flows/manager/create_volume.py`, `cinder/volume/manager.py`):
 * create (blank, from a snapshot, a volume, a Glance image or a backup), show, list, update,
 * delete (refused while attached, migrating or with snapshots unless `cascade`), extend, metadata,
 * and the content a guest writes and reads.
 *
 * Create as Cinder does it: the API checks the request (policy, size, type, source, zone, quota,
 * taken at once), stores the volume `creating` and answers it; the scheduler then picks a pool
 * (a volume from a snapshot stays on the snapshot's pool, `snapshot_same_host`; a clone on its
 * source's backend) or, finding none, leaves the volume in `error` with its quota still taken, as
 * Cinder does; the volume manager copies the content in and makes it `available`.
 */
import { InvalidInput, describeValue, getRow, deleteRow, setRow, tableToArray, type Tx } from '../core/index.js';
import { authorizeImageDownload, imageFor, storedImageData } from '../image/index.js';
import { adjustPool, backendOf, freeCapacityGb, poolActive } from './backends.js';
import { backupReadProblem, restoreInto } from './backups.js';
import { checkRange, copyBlocks, dropBlocks, readBytes, writeBytes } from './blocks.js';
import { enforce, indexed, ownTarget, resolveRow, targetOf, visible, type BlockRef, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume } from './errors.js';
import { publisher } from './events.js';
import { CINDER_RULES } from './policies.js';
import { checkPerVolumeSize, releaseQuota, useQuota, volumeDeltas } from './quota.js';
import { scheduleVolume, poolCapabilities, type PoolState, type VolumeRequestSpec } from './scheduler/index.js';
import { moveVolume } from './statuses.js';
import type { BackupRow, PoolRow, SnapshotRow, VolumeRow } from './types.js';
import { volumeUsage, volumeView, type VolumeView } from './views.js';
import { defaultVolumeType, resolveVolumeType, typeMultiattach, typeSpec } from './volume_types.js';

const GIB = 2 ** 30;
/** `cinder.db.sqlalchemy` `DB_MAX_INT`: the largest size the schema accepts. */
export const MAX_VOLUME_SIZE = 0x7fffffff;
/** The task that runs the volume manager's create flow. */
export const CREATE_TASK = 'block.volume.create';
/** The task that runs the volume manager's delete. */
export const DELETE_TASK = 'block.volume.delete';

/** `POST /v3/{project_id}/volumes`: the `volume` object. */
export interface VolumeCreateRequest {
  readonly size?: number | string | null;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly volume_type?: string | null;
  readonly availability_zone?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly snapshot_id?: string | null;
  readonly source_volid?: string | null;
  readonly imageRef?: string | null;
  readonly backup_id?: string | null;
  readonly multiattach?: boolean;
}

// ------------------------------------------------------------------------------ input

/** `parameter_types.volume_size`: an integer (or a string of digits), 1 ≤ size ≤ DB_MAX_INT. */
export function sizeArg(value: unknown, field = 'size'): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > MAX_VOLUME_SIZE) {
    throw invalidInput(field, `Volume size '${describeValue(value)}' must be an integer and greater than 0`, 'block.volume.invalid_size');
  }
  return n;
}

/** A `name` / `description`: null or a string of at most 255 characters. */
export function textArg(value: unknown, field: string, max = 255): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected a string of at most ${max} characters`, 'block.input.invalid_text');
  return value;
}

/** `parameter_types.metadata_allows_null`: an object of string keys (1–255) to strings (≤ 255). */
export function metadataArg(value: unknown, field = 'metadata'): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected an object of strings`, 'block.input.invalid_metadata');
  const out: Record<string, string> = {};
  const keys = Object.keys(value);
  if (keys.length > 1024) throw invalidInput(field, `at most 1024 metadata items, got ${keys.length}`, 'block.input.invalid_metadata');
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (k.length === 0 || k.length > 255) throw invalidInput(`${field}.${k}`, `Invalid input for field/attribute ${field}. metadata keys have 1 to 255 characters`, 'block.input.invalid_metadata');
    if (typeof v !== 'string' || v.length > 255) throw invalidInput(`${field}.${k}`, `Invalid input for field/attribute ${field}. Value: ${describeValue(v)}. metadata values are strings of at most 255 characters`, 'block.input.invalid_metadata');
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** An object body (a request's `volume`, `snapshot`, …): anything else is a 400 naming it. */
export function bodyArg(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidInput(field, `expected an object, got ${describeValue(value)}`, 'block.input.invalid_body');
  return value as Record<string, unknown>;
}

// ------------------------------------------------------------------------------ lookups

/** A volume reference: an id or a name among the volumes the caller may see, or `{ id }`. */
export type VolumeRef = BlockRef;

/** The volume a reference names, among those the caller may see (404 otherwise). */
export function getVolume(ctx: Ctx, ref: unknown, field = 'volume'): VolumeRow {
  return resolveRow(ctx, 'volume', ctx.s.block.volumes, (r) => visible(ctx, r), ref, field);
}

/** The snapshots of a volume. */
export function snapshotsOf(ctx: Pick<Ctx, 's'>, volumeId: string): SnapshotRow[] {
  return indexed(ctx.s.block.volume_snapshots, volumeId).map((id) => getRow(ctx.s.block.snapshots, id)).filter((r): r is SnapshotRow => r !== undefined);
}

/** The AZs volumes may be created in: those of the volume services (`list_availability_zones`). */
export function storageZones(ctx: Pick<Ctx, 's'>): Set<string> {
  return new Set(tableToArray(ctx.s.block.services).filter((r) => r.binary === 'cinder-volume').map((r) => r.zone));
}

// ------------------------------------------------------------------------------ create

interface Sources {
  readonly snapshot: SnapshotRow | null;
  readonly source: VolumeRow | null;
  readonly backup: BackupRow | null;
  readonly image: { readonly id: string; readonly bytes: number; readonly meta: Record<string, string> } | null;
}

function sourcesOf(ctx: Ctx, body: Record<string, unknown>): Sources {
  let snapshot: SnapshotRow | null = null;
  let source: VolumeRow | null = null;
  let backup: BackupRow | null = null;
  let image: Sources['image'] = null;
  if (body.snapshot_id !== undefined && body.snapshot_id !== null) {
    snapshot = resolveRow(ctx, 'snapshot', ctx.s.block.snapshots, (r) => visible(ctx, r), { id: body.snapshot_id }, 'snapshot_id');
    if (snapshot.status !== 'available') throw new CinderError(400, 'block.snapshot.invalid_status', 'InvalidSnapshot', "Invalid snapshot: Originating snapshot status must be one of 'available' values", { snapshot_id: snapshot.id, status: snapshot.status });
  }
  if (body.source_volid !== undefined && body.source_volid !== null) {
    source = getVolume(ctx, { id: body.source_volid }, 'source_volid');
    if (source.status !== 'available' && source.status !== 'in-use') throw invalidVolume("Originating volume status must be one of 'available, in-use' values", { source_volid: source.id, status: source.status });
  }
  if (body.backup_id !== undefined && body.backup_id !== null) {
    backup = resolveRow(ctx, 'backup', ctx.s.block.backups, (r) => visible(ctx, r), { id: body.backup_id }, 'backup_id');
    if (backup.status !== 'available') throw new CinderError(400, 'block.backup.invalid_status', 'InvalidBackup', "Invalid backup: Originating backup status must be one of 'available' values", { backup_id: backup.id, status: backup.status });
  }
  if (body.imageRef !== undefined && body.imageRef !== null) {
    enforce(ctx, CINDER_RULES.volume.createFromImage, ownTarget(ctx));
    const row = imageFor(ctx.s, ctx.policy, ctx.creds, body.imageRef, 'imageRef');
    if (row.status !== 'active') throw invalidInput('imageRef', `Image ${row.id} is not active.`, 'block.volume.image_not_active');
    const meta: Record<string, string> = { image_id: row.id, image_name: row.name ?? '', checksum: row.checksum ?? '', container_format: row.container_format ?? '', disk_format: row.disk_format ?? '', min_disk: String(row.min_disk), min_ram: String(row.min_ram), size: String(row.size ?? 0) };
    for (const [k, v] of Object.entries(row.properties)) if (typeof v === 'string') meta[k] = v;
    authorizeImageDownload(ctx.s, ctx.policy, ctx.creds, row);
    image = { id: row.id, bytes: row.size ?? 0, meta };
  }
  const given = [snapshot, source, backup, image].filter((x) => x !== null).length;
  if (given > 1) throw invalidInput('volume', 'only one of snapshot_id, source_volid, backup_id and imageRef may be given', 'block.volume.too_many_sources');
  return { snapshot, source, backup, image };
}

function sizeOf(body: Record<string, unknown>, src: Sources): number {
  let size: number;
  if (body.size === undefined || body.size === null) {
    const from = src.snapshot?.volume_size ?? src.source?.size ?? src.backup?.size;
    if (from === undefined) throw invalidInput('size', "Volume size 'None' must be an integer and greater than 0", 'block.volume.invalid_size');
    size = from;
  } else size = sizeArg(body.size);
  if (src.snapshot !== null && size < src.snapshot.volume_size) throw invalidInput('size', `Volume size '${size}'GB cannot be smaller than the snapshot size ${src.snapshot.volume_size}GB. They must be >= original snapshot size.`, 'block.volume.too_small');
  if (src.source !== null && size < src.source.size) throw invalidInput('size', `Volume size '${size}'GB cannot be smaller than original volume size  ${src.source.size}GB. They must be >= original volume size.`, 'block.volume.too_small');
  if (src.backup !== null && size < src.backup.size) throw invalidInput('size', `Volume size ${size}GB cannot be smaller than the backup size ${src.backup.size}GB. It must be >= backup size.`, 'block.volume.too_small');
  if (src.image !== null) {
    const bytes = Number(src.image.meta.size);
    const gb = Math.ceil(bytes / GIB);
    if (gb > size) throw invalidInput('size', `Size of specified image ${gb}GB is larger than volume size ${size}GB.`, 'block.volume.too_small');
    const minDisk = Number(src.image.meta.min_disk);
    if (size < minDisk) throw invalidInput('size', `Volume size ${size}GB cannot be smaller than the image minDisk size ${minDisk}GB.`, 'block.volume.too_small');
  }
  return size;
}

function zoneOf(ctx: Ctx, body: Record<string, unknown>, src: Sources): string {
  const cfg = ctx.s.block.config;
  let az = body.availability_zone === undefined || body.availability_zone === null ? null : textArg(body.availability_zone, 'availability_zone');
  const sourceAz = src.snapshot !== null ? (getRow(ctx.s.block.volumes, src.snapshot.volume_id)?.availability_zone ?? null) : (src.source?.availability_zone ?? null);
  az ??= sourceAz ?? cfg.default_availability_zone ?? cfg.storage_availability_zone;
  if (!storageZones(ctx).has(az)) {
    if (!cfg.allow_availability_zone_fallback) throw new CinderError(400, 'block.volume.invalid_availability_zone', 'InvalidAvailabilityZone', `Availability zone '${az}' is invalid.`, { field: 'availability_zone', availability_zone: az });
    az = cfg.default_availability_zone ?? cfg.storage_availability_zone;
  }
  if (src.snapshot !== null && sourceAz !== null && sourceAz !== az) throw invalidInput('availability_zone', 'Volume must be in the same availability zone as the snapshot', 'block.volume.az_mismatch');
  if (src.source !== null && sourceAz !== null && sourceAz !== az) throw invalidInput('availability_zone', 'Volume must be in the same availability zone as the source volume', 'block.volume.az_mismatch');
  return az;
}

/** `POST /v3/{project_id}/volumes`: the new volume's view as the API answers it (`creating`). */
export function createVolume(tx: Tx, ctx: Ctx, input: unknown): VolumeView {
  enforce(ctx, CINDER_RULES.volume.create, ownTarget(ctx));
  if (ctx.projectId === null) throw new CinderError(400, 'block.volume.no_project', 'InvalidInput', 'Invalid input received: a volume belongs to a project: use a project-scoped token.');
  const body = bodyArg(input, 'volume');
  const name = textArg(body.name, 'name');
  const description = textArg(body.description, 'description');
  const metadata = metadataArg(body.metadata);
  if (body.multiattach !== undefined && typeof body.multiattach !== 'boolean') throw invalidInput('multiattach', `expected a boolean, got ${describeValue(body.multiattach)}`);
  if (body.multiattach === true) throw invalidInput('multiattach', 'multiattach is set by the volume type (extra spec multiattach="<is> True"), not in the request (3.50)', 'block.volume.multiattach_in_body');
  const src = sourcesOf(ctx, body);
  const size = sizeOf(body, src);
  const type =
    body.volume_type !== undefined && body.volume_type !== null
      ? resolveVolumeType(ctx, body.volume_type)
      : src.snapshot !== null
        ? (getRow(ctx.s.block.volume_types, src.snapshot.volume_type_id) ?? defaultVolumeType(ctx.s))
        : src.source !== null
          ? (getRow(ctx.s.block.volume_types, src.source.volume_type_id) ?? defaultVolumeType(ctx.s))
          : defaultVolumeType(ctx.s);
  const multiattach = typeMultiattach(type);
  if (multiattach) enforce(ctx, CINDER_RULES.volume.multiattach, ownTarget(ctx));
  const az = zoneOf(ctx, body, src);
  checkPerVolumeSize(tx, ctx.projectId, size);
  useQuota(tx, ctx.projectId, 'volumes', volumeDeltas(type.name, size));
  const now = tx.now();
  const row: VolumeRow = {
    id: tx.ids.uuid(),
    name,
    description,
    project_id: ctx.projectId,
    user_id: ctx.userId,
    size,
    status: 'creating',
    attach_status: 'detached',
    migration_status: null,
    availability_zone: az,
    host: null,
    volume_type_id: type.id,
    snapshot_id: src.snapshot?.id ?? null,
    source_volid: src.source?.id ?? null,
    backup_id: src.backup?.id ?? null,
    bootable: src.image !== null || (src.source?.bootable ?? false) || (src.snapshot !== null && (getRow(ctx.s.block.volumes, src.snapshot.volume_id)?.bootable ?? false)),
    multiattach,
    encrypted: false,
    metadata,
    glance_metadata: src.image?.meta ?? (src.source?.glance_metadata ?? null),
    admin_metadata: {},
    previous_status: null,
    group_id: null,
    consumes_quota: true,
    created_at: now,
    updated_at: now,
    launched_at: null,
    terminated_at: null,
  };
  setRow(tx.draft.block.volumes, row.id, row);
  tx.emit('volume.create.start', () => volumeUsage(tx.draft, row), publisher('controller'));
  tx.trace('cinder-api', `volume ${row.id} creating (${size} GB, type ${type.name}, az ${az})`);
  const view = volumeView({ ...ctx, s: tx.draft }, row);
  // the volume manager fetches the image (authorised above) over the storage host's network
  tx.schedule(CREATE_TASK, { volume_id: row.id, image_id: src.image?.id ?? null }, src.image === null ? 0 : downloadSeconds(src.image.bytes));
  return view;
}

/** Seconds to fetch `bytes` of image over a 10 GbE storage link (`progression: 'clock'`). */
function downloadSeconds(bytes: number): number {
  return bytes / 1.25e9;
}

/** The scheduler's view of the pools it may use: active services' pools, with their free capacity. */
export function activePools(s: Ctx['s'], only?: (pool: PoolRow) => boolean): PoolState[] {
  const out: PoolState[] = [];
  for (const pool of tableToArray(s.block.pools)) {
    if (!poolActive(s, pool) || (only !== undefined && !only(pool))) continue;
    const free = freeCapacityGb(pool);
    out.push({ ...pool, free_capacity_gb: free, capabilities: poolCapabilities(pool, free) });
  }
  return out;
}

/** The request spec of a volume as the scheduler gets it. */
export function requestSpec(s: Ctx['s'], volume: VolumeRow, newSize?: number): VolumeRequestSpec {
  const type = getRow(s.block.volume_types, volume.volume_type_id);
  return { volume_id: volume.id, size: volume.size, ...(newSize === undefined ? {} : { new_size: newSize }), volume_type: type === undefined ? null : typeSpec(type), availability_zone: volume.availability_zone, multiattach: volume.multiattach };
}

/** The volume manager's create flow (a task): schedule, place, copy the content in, `available`; no valid backend: `error`. */
export function runCreate(tx: Tx, args: unknown): void {
  const { volume_id, image_id } = args as { volume_id: string; image_id: string | null };
  const s = tx.draft;
  const volume = getRow(s.block.volumes, volume_id);
  if (volume === undefined || volume.status !== 'creating') return;
  const snapshot = volume.snapshot_id === null ? undefined : getRow(s.block.snapshots, volume.snapshot_id);
  const source = volume.source_volid === null ? undefined : getRow(s.block.volumes, volume.source_volid);
  let only: ((p: PoolRow) => boolean) | undefined;
  if (snapshot !== undefined) {
    const host = getRow(s.block.volumes, snapshot.volume_id)?.host ?? null;
    only = (p) => p.name === host;
  } else if (source !== undefined && source.host !== null) {
    const backend = backendOf(source.host);
    only = (p) => p.backend === backend;
  }
  const { pool, explanation } = scheduleVolume(activePools(s, only), requestSpec(s, volume), s.block.config);
  tx.trace('cinder-scheduler', pool === null ? `volume ${volume.id}: ${explanation.reason ?? 'no valid backend'}` : `volume ${volume.id} → ${pool.name}`, { explanation });
  if (pool === null) {
    moveVolume(tx, volume, 'error');
    return;
  }
  const unreadable = volume.backup_id === null ? null : backupReadProblem(s, volume.backup_id);
  if (unreadable !== null) {
    tx.trace('cinder-volume', `volume ${volume.id}: backup ${volume.backup_id ?? ''} cannot be read (${unreadable})`);
    moveVolume(tx, volume, 'error');
    return;
  }
  let placed = moveVolume(tx, volume, 'creating', { host: pool.name, ...(volume.backup_id === null ? {} : { metadata: { ...volume.metadata, src_backup_id: volume.backup_id } }) });
  adjustPool(tx, pool.name, volume.size);
  let blocks = 0;
  if (snapshot !== undefined) blocks = copyBlocks(tx, snapshot.id, volume.id);
  else if (source !== undefined) blocks = copyBlocks(tx, source.id, volume.id);
  else if (volume.backup_id !== null) blocks = restoreInto(tx, volume.backup_id, volume.id);
  else if (image_id !== null) {
    const data = storedImageData(s, image_id);
    if (data !== null) blocks = writeBytes(tx, volume.id, 0, data);
  }
  adjustPool(tx, pool.name, 0, blocks);
  placed = moveVolume(tx, placed, 'available', { launched_at: tx.now() });
  tx.trace('cinder-volume', `volume ${volume.id} available on ${pool.name}`);
  tx.emit('volume.create.end', () => volumeUsage(tx.draft, placed), publisher(backendOf(pool.name)));
}

// ------------------------------------------------------------------------------ show, list, update

/** `GET /v3/{project_id}/volumes/{id}`. */
export function showVolume(ctx: Ctx, ref: unknown): VolumeView {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.get, targetOf(volume));
  return volumeView(ctx, volume);
}

/** `GET /v3/{project_id}/volumes[/detail]`: filters and paging. */
export interface VolumeListQuery {
  readonly name?: string;
  readonly status?: string;
  readonly availability_zone?: string;
  readonly bootable?: boolean | string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Admins: every project's volumes. */
  readonly all_tenants?: boolean | string | number;
  /** Admins with `all_tenants`: one project's. */
  readonly project_id?: string;
  /** `created_at` (default), `id`, `name`, `size`, `status`, `updated_at`. */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  readonly limit?: number;
  readonly marker?: string;
}

const SORT_KEYS = ['created_at', 'id', 'name', 'size', 'status', 'updated_at', 'availability_zone'] as const;
const LIST_KEYS = ['name', 'status', 'availability_zone', 'bootable', 'metadata', 'all_tenants', 'project_id', 'sort_key', 'sort_dir', 'limit', 'marker'];
/** `[DEFAULT] osapi_max_limit`: 1000. */
export const OSAPI_MAX_LIMIT = 1000;

const truthy = (v: unknown): boolean => v === true || v === 1 || (typeof v === 'string' && ['1', 'true', 't', 'yes', 'y', 'on'].includes(v.toLowerCase()));

/** The volumes a list answers, in order (the rows, for the view the caller wants). */
export function listVolumeRows(ctx: Ctx, query: unknown = {}): VolumeRow[] {
  enforce(ctx, CINDER_RULES.volume.getAll, ownTarget(ctx));
  const q = bodyArg(query, 'query');
  for (const k of Object.keys(q)) if (!LIST_KEYS.includes(k)) throw invalidInput(k, `'${k}' is not a filter of GET /volumes (known: ${LIST_KEYS.join(', ')})`, 'block.list.unknown_filter');
  const all = ctx.isAdmin && truthy(q.all_tenants);
  const project = all ? (q.project_id === undefined ? null : textArg(q.project_id, 'project_id')) : ctx.projectId;
  const metadata = metadataArg(q.metadata);
  const sortKey = q.sort_key === undefined ? 'created_at' : String(q.sort_key);
  if (!(SORT_KEYS as readonly string[]).includes(sortKey)) throw invalidInput('sort_key', `sort_key must be one of ${SORT_KEYS.join(', ')}`, 'block.list.invalid_sort');
  const dir = q.sort_dir === undefined ? 'desc' : q.sort_dir;
  if (dir !== 'asc' && dir !== 'desc') throw invalidInput('sort_dir', "sort_dir must be 'asc' or 'desc'", 'block.list.invalid_sort');
  let limit = OSAPI_MAX_LIMIT;
  if (q.limit !== undefined) {
    const n = typeof q.limit === 'string' && /^[0-9]+$/.test(q.limit) ? Number(q.limit) : q.limit;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidInput('limit', 'limit must be an integer 0 or greater', 'block.list.invalid_limit');
    limit = Math.min(n, OSAPI_MAX_LIMIT);
  }
  const rows = tableToArray(ctx.s.block.volumes).filter((v) => {
    if (!visible(ctx, v) || (project !== null && v.project_id !== project)) return false;
    if (q.name !== undefined && v.name !== q.name) return false;
    if (q.status !== undefined && v.status !== q.status) return false;
    if (q.availability_zone !== undefined && v.availability_zone !== q.availability_zone) return false;
    if (q.bootable !== undefined && v.bootable !== truthy(q.bootable)) return false;
    for (const [k, val] of Object.entries(metadata)) if (v.metadata[k] !== val) return false;
    return true;
  });
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

/** `PUT /v3/{project_id}/volumes/{id}`: `name`, `description`, `metadata`. */
export function updateVolume(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): VolumeView {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.update, targetOf(volume));
  const body = bodyArg(input, 'volume');
  const known = ['name', 'description', 'metadata', 'display_name', 'display_description'];
  const given = Object.keys(body).filter((k) => known.includes(k));
  if (given.length === 0) throw invalidInput('volume', "Missing required element 'volume' in request body: give name, description or metadata", 'block.volume.empty_update');
  const fields: Partial<VolumeRow> = {};
  if ('name' in body || 'display_name' in body) (fields as { name: string | null }).name = textArg(body.name ?? body.display_name, 'name');
  if ('description' in body || 'display_description' in body) (fields as { description: string | null }).description = textArg(body.description ?? body.display_description, 'description');
  if ('metadata' in body) (fields as { metadata: Record<string, string> }).metadata = metadataArg(body.metadata);
  if (volume.status === 'maintenance') throw invalidVolume('The volume cannot be updated during maintenance.');
  const next = moveVolume(tx, volume, volume.status, fields);
  tx.emit('volume.update.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
  tx.emit('volume.update.end', () => volumeUsage(tx.draft, next), publisher('controller'));
  return volumeView({ ...ctx, s: tx.draft }, next);
}

// ------------------------------------------------------------------------------ delete

/** `AVAILABLE_MIGRATION_STATUS` (`None, 'deleting', 'error', 'success'`; `deleting` is no migration status stacksim sets): a volume may be deleted while its migration status is one of these. */
const DELETABLE_MIGRATION: readonly (VolumeRow['migration_status'])[] = [null, 'error', 'success'];
const DELETABLE: readonly VolumeRow['status'][] = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];

/** The options of a delete (`{ cascade }`): an object, or a 400. */
export function deleteOptions(value: unknown): { cascade?: unknown } {
  if (value === undefined) return {};
  const o = bodyArg(value, 'options');
  return { cascade: o.cascade };
}

/** `DELETE /v3/{project_id}/volumes/{id}[?cascade=true]`, or `os-force_delete` with `force`. */
export function deleteVolume(tx: Tx, ctx: Ctx, ref: unknown, options: { cascade?: unknown; force?: boolean } = {}): void {
  const volume = getVolume(ctx, ref);
  enforce(ctx, options.force === true ? CINDER_RULES.volume.forceDelete : CINDER_RULES.volume.delete, targetOf(volume));
  const cascade = options.cascade === undefined ? false : truthy(options.cascade);
  if (options.cascade !== undefined && typeof options.cascade !== 'boolean' && typeof options.cascade !== 'string') throw invalidInput('cascade', `expected a boolean, got ${describeValue(options.cascade)}`);
  if (volume.host === null) {
    // never scheduled: the API destroys the row itself
    tx.emit('volume.delete.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
    if (volume.consumes_quota) releaseQuota(tx, volume.project_id, volumeDeltas(typeName(ctx, volume), volume.size));
    deleteRow(tx.draft.block.volumes, volume.id);
    tx.emit('volume.delete.end', () => volumeUsage(tx.draft, volume), publisher('controller'));
    return;
  }
  const snapshots = snapshotsOf(ctx, volume.id);
  const ok =
    volume.attach_status !== 'attached' &&
    DELETABLE_MIGRATION.includes(volume.migration_status) &&
    (options.force === true || DELETABLE.includes(volume.status)) &&
    volume.status !== 'deleting' &&
    (cascade ? snapshots.every((s) => ['available', 'error', 'deleting'].includes(s.status) && (ctx.isAdmin || s.project_id === ctx.projectId)) : snapshots.length === 0) &&
    indexed(ctx.s.block.volume_attachments, volume.id).length === 0;
  if (!ok) {
    const status = options.force === true ? '' : `status must be ${DELETABLE.join(' or ')} and `;
    throw invalidVolume(`Volume ${status}must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.`, { volume_id: volume.id, status: volume.status });
  }
  const deleting = moveVolume(tx, forceTo(tx, volume), 'deleting', { terminated_at: tx.now() });
  tx.emit('volume.delete.start', () => volumeUsage(tx.draft, deleting), publisher('controller'));
  tx.schedule(DELETE_TASK, { volume_id: volume.id, cascade }, 0);
}

/** `os-force_delete` may delete a volume in any status: the graph's way there is through `error`. */
function forceTo(tx: Tx, volume: VolumeRow): VolumeRow {
  if (DELETABLE.includes(volume.status) || volume.status === 'error_deleting') return volume;
  setRow(tx.draft.block.volumes, volume.id, { ...volume, status: 'error' });
  return { ...volume, status: 'error' };
}

function typeName(ctx: Pick<Ctx, 's'>, volume: VolumeRow): string {
  return getRow(ctx.s.block.volume_types, volume.volume_type_id)?.name ?? volume.volume_type_id;
}

/** The volume manager's delete (a task): snapshots first with `cascade`, then the content, the pool's space and the quota. */
export function runDelete(tx: Tx, args: unknown): void {
  const { volume_id, cascade } = args as { volume_id: string; cascade: boolean };
  const s = tx.draft;
  const volume = getRow(s.block.volumes, volume_id);
  if (volume === undefined || volume.status !== 'deleting') return;
  const ctx = { s };
  if (cascade) for (const snap of snapshotsOf(ctx, volume.id)) removeSnapshotRow(tx, snap);
  const blocks = dropBlocks(tx, volume.id);
  adjustPool(tx, volume.host, -volume.size, -blocks);
  if (volume.consumes_quota) releaseQuota(tx, volume.project_id, volumeDeltas(typeName(ctx, volume), volume.size));
  for (const t of tableToArray(s.block.transfers)) if (t.volume_id === volume.id) deleteRow(s.block.transfers, t.id);
  deleteRow(s.block.volumes, volume.id);
  tx.trace('cinder-volume', `volume ${volume.id} deleted from ${volume.host ?? 'nowhere'}`);
  tx.emit('volume.delete.end', () => volumeUsage(tx.draft, volume), publisher(volume.host === null ? null : backendOf(volume.host)));
}

/** Drops a snapshot row with its blocks and quota (cascade delete, snapshot delete task). Mutates. */
export function removeSnapshotRow(tx: Tx, snap: SnapshotRow): void {
  const s = tx.draft;
  dropBlocks(tx, snap.id);
  releaseQuota(tx, snap.project_id, { snapshots: 1, gigabytes: snap.volume_size, [`snapshots_${typeName({ s }, { volume_type_id: snap.volume_type_id } as VolumeRow)}`]: 1, [`gigabytes_${typeName({ s }, { volume_type_id: snap.volume_type_id } as VolumeRow)}`]: snap.volume_size });
  deleteRow(s.block.volume_snapshots, `${snap.volume_id}/${snap.id}`);
  deleteRow(s.block.snapshots, snap.id);
}

// ------------------------------------------------------------------------------ extend

/**
 * `os-extend` (`volume/api.py` `extend` / `_extend`): a larger size, `available` (or `in-use` with
 * `volume:extend_attached_volume`, 3.42), quota for the difference, the pool re-checked by the
 * scheduler's filters (`extend_volume` goes through the scheduler since Stein): `extending` →
 * back to the status it had; no room: `error_extending`, the quota given back.
 */
export function extendVolume(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolume(ctx, ref);
  const attached = volume.status === 'in-use';
  enforce(ctx, attached ? CINDER_RULES.volume.extendAttached : CINDER_RULES.volume.extend, targetOf(volume));
  const body = bodyArg(input, 'os-extend');
  const newSize = sizeArg(body.new_size, 'new_size');
  if (volume.status !== 'available' && volume.status !== 'in-use') throw invalidVolume(`Volume status must be 'available' or 'in-use' to extend, currently in '${volume.status}'.`, { volume_id: volume.id, status: volume.status });
  if (newSize <= volume.size) throw invalidInput('new_size', `New size for extend must be greater than current size. (current: ${volume.size}, extended: ${newSize}).`, 'block.volume.extend_not_larger');
  checkPerVolumeSize(tx, volume.project_id, newSize);
  const delta = newSize - volume.size;
  const type = typeName(ctx, volume);
  useQuota(tx, volume.project_id, 'volumes', { gigabytes: delta, [`gigabytes_${type}`]: delta });
  const extending = moveVolume(tx, volume, 'extending', { previous_status: volume.status });
  tx.emit('volume.resize.start', () => volumeUsage(tx.draft, extending), publisher('controller'));
  const pool = volume.host === null ? undefined : getRow(tx.draft.block.pools, volume.host);
  const candidates = pool === undefined ? [] : activePools(tx.draft, (p) => p.name === pool.name);
  const { pool: chosen, explanation } = scheduleVolume(candidates, requestSpec(tx.draft, volume, newSize), tx.draft.block.config);
  tx.trace('cinder-scheduler', chosen === null ? `extend ${volume.id}: ${explanation.reason ?? 'no room'}` : `extend ${volume.id} on ${chosen.name}`, { explanation });
  if (chosen === null) {
    releaseQuota(tx, volume.project_id, { gigabytes: delta, [`gigabytes_${type}`]: delta });
    moveVolume(tx, extending, 'error_extending');
    return;
  }
  adjustPool(tx, chosen.name, delta);
  const done = moveVolume(tx, extending, attached ? 'in-use' : 'available', { size: newSize, previous_status: null });
  tx.emit('volume.resize.end', () => volumeUsage(tx.draft, done), publisher(backendOf(chosen.name)));
}

// ------------------------------------------------------------------------------ content

/**
 * Writes bytes into a volume as its guest would (stacksim's own call: Cinder has no data API):
 * the volume must be `available` or `in-use`; the pool counts the blocks written.
 */
export function writeVolumeData(tx: Tx, ctx: Ctx, ref: unknown, offset: unknown, data: Uint8Array): void {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.update, targetOf(volume));
  if (volume.status !== 'available' && volume.status !== 'in-use') throw invalidVolume(`data can be written only to an 'available' or 'in-use' volume, this one is '${volume.status}'.`, { volume_id: volume.id, status: volume.status }, 'block.data.invalid_status');
  const at = checkRange(offset, data.length, volume.size);
  const blocks = writeBytes(tx, volume.id, at, data);
  adjustPool(tx, volume.host, 0, blocks);
  setRow(tx.draft.block.volumes, volume.id, { ...volume, updated_at: tx.now() });
}

/** Reads bytes from a volume (zeros where nothing was written); stacksim's own call. */
export function readVolumeData(ctx: Ctx, ref: unknown, offset: unknown, length: unknown): Uint8Array {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.get, targetOf(volume));
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) throw new InvalidInput('length', `expected a byte count (an integer ≥ 0), got ${describeValue(length)}.`, 'block.data.invalid_length');
  const at = checkRange(offset, length, volume.size);
  return readBytes(ctx.s, volume.id, at, length);
}
