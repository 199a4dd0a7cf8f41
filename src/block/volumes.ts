/**
 * Volumes (`cinder/api/v3/volumes.py`, `cinder/api/v2/volumes.py`, `cinder/volume/api.py` `get` /
 * `get_all` / `update`, `cinder/api/v3/views/volumes.py`): show, list (filters, sort, paging),
 * update, and the helpers the other volume files share (lookups, the body checks of
 * `cinder/api/schemas/volumes.py`, the scheduler's view of the pools).
 *
 * Create is in `volume_create.ts`, delete in `volume_delete.ts`, extend in `volume_extend.ts`, the
 * content a guest writes and reads in `volume_data.ts`.
 *
 * Not simulated: the `sort` parameter's several keys, `with_count`, `glance_metadata` and
 * `group_id` list filters, the `summary` call.
 */
import { describeValue, getRow, tableToArray, type Tx } from '../core/index.js';
import { freeCapacityGb, poolActive } from './backends.js';
import { enforce, indexed, ownTarget, resolveRow, targetOf, visible, type BlockRef, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume } from './errors.js';
import { publisher } from './events.js';
import { bodyArg, METADATA_KEY, metadataArg, onlyKeys, textArg, truthy } from './input.js';
import { OSAPI_MAX_LIMIT, sortRows } from './listing.js';
import { CINDER_RULES } from './policies.js';
import { poolCapabilities, type PoolState, type VolumeRequestSpec } from './scheduler/index.js';
import { moveVolume } from './statuses.js';
import type { PoolRow, SnapshotRow, VolumeRow } from './types.js';
import { volumeUsage, volumeView, type VolumeView } from './views.js';
import { typeSpec } from './volume_types.js';

/** `cinder.db.sqlalchemy` `DB_MAX_INT`: the largest size the schema accepts. */
export const MAX_VOLUME_SIZE = 0x7fffffff;

/** `PUT /v3/{project_id}/volumes/{id}`: the `volume` object (`update_volume_v353`: one key at least, no other). */
export interface VolumeUpdateRequest {
  readonly name?: string | null;
  readonly display_name?: string | null;
  readonly description?: string | null;
  readonly display_description?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
}

// ------------------------------------------------------------------------------ input

/** `parameter_types.volume_size`: an integer (or a string of digits), 1 ≤ size ≤ DB_MAX_INT. */
export function sizeArg(value: unknown, field = 'size'): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > MAX_VOLUME_SIZE) {
    const reason = `Volume size '${describeValue(value)}' must be an integer and greater than 0`;
    throw invalidInput(field, field === 'size' ? reason : `Invalid input for field/attribute ${field}. ${reason}`, 'block.volume.invalid_size');
  }
  return n;
}

/** The schema's `additionalProperties: False`: a key outside `known` is a 400 naming it. */
export function volumeKeys(body: Record<string, unknown>, known: readonly string[], field: string): void {
  onlyKeys(body, known, (k) => {
    const shown = k.slice(0, 64);
    return invalidInput(`${field}.${shown}`, `Invalid input for field/attribute ${field}.${shown}. Additional properties are not allowed ('${shown}' was unexpected)`, 'block.input.unexpected_field');
  });
}

/** The value of the first of `keys` the body has (`hasOwn`, so a null given wins). */
export function firstOf(body: Record<string, unknown>, keys: readonly string[]): { present: boolean; value: unknown } {
  for (const k of keys) if (Object.hasOwn(body, k)) return { present: true, value: body[k] };
  return { present: false, value: undefined };
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

/**
 * The AZs volumes may be created in (`volume/api.py` `create`, :318-322): those of the volume
 * services (`list_availability_zones`) and always `storage_availability_zone`.
 */
export function storageZones(ctx: Pick<Ctx, 's'>): Set<string> {
  const zones = new Set(tableToArray(ctx.s.block.services).filter((r) => r.binary === 'cinder-volume').map((r) => r.zone));
  zones.add(ctx.s.block.config.storage_availability_zone);
  return zones;
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
/** A list filter that must be a string (of at most 255 characters), or absent. */
function filterString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 255) throw invalidInput(field, `'${field}' must be a string of at most 255 characters, got ${describeValue(value)}`, 'block.list.invalid_filter');
  return value;
}

/** A list filter that is a boolean or a string (`bootable`, `all_tenants`; a number too for `all_tenants`), or absent. */
function filterFlag(value: unknown, field: string, numbers = false): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean' || (typeof value === 'string' && value.length <= 255) || (numbers && typeof value === 'number' && Number.isFinite(value))) return truthy(value);
  throw invalidInput(field, `'${field}' must be a boolean or a string, got ${describeValue(value)}`, 'block.list.invalid_filter');
}

/**
 * The volumes a list answers, in order (the rows, for the view the caller wants). Every field of
 * the query is type-checked before it is used (a 400 naming it, never a `TypeError`).
 */
export function listVolumeRows(ctx: Ctx, query: unknown = {}): VolumeRow[] {
  enforce(ctx, CINDER_RULES.volume.getAll, ownTarget(ctx));
  const q = bodyArg(query, 'query');
  for (const k of Object.keys(q)) if (!LIST_KEYS.includes(k)) throw invalidInput(k.slice(0, 64), `'${k.slice(0, 64)}' is not a filter of GET /volumes (known: ${LIST_KEYS.join(', ')})`, 'block.list.unknown_filter');
  const name = filterString(q.name, 'name');
  const status = filterString(q.status, 'status');
  const zone = filterString(q.availability_zone, 'availability_zone');
  const bootable = filterFlag(q.bootable, 'bootable');
  const all = ctx.isAdmin && filterFlag(q.all_tenants, 'all_tenants', true) === true;
  const projectFilter = filterString(q.project_id, 'project_id');
  const project = all ? (projectFilter ?? null) : ctx.projectId;
  const metadata = metadataArg(q.metadata);
  const sortKey = filterString(q.sort_key, 'sort_key') ?? 'created_at';
  if (!(SORT_KEYS as readonly string[]).includes(sortKey)) throw invalidInput('sort_key', `sort_key must be one of ${SORT_KEYS.join(', ')}`, 'block.list.invalid_sort');
  const dir = filterString(q.sort_dir, 'sort_dir') ?? 'desc';
  if (dir !== 'asc' && dir !== 'desc') throw invalidInput('sort_dir', "sort_dir must be 'asc' or 'desc'", 'block.list.invalid_sort');
  let limit = OSAPI_MAX_LIMIT;
  if (q.limit !== undefined) {
    const n = typeof q.limit === 'string' && /^[0-9]{1,16}$/.test(q.limit) ? Number(q.limit) : q.limit;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidInput('limit', `limit must be an integer 0 or greater, got ${describeValue(q.limit)}`, 'block.list.invalid_limit');
    limit = Math.min(n, OSAPI_MAX_LIMIT);
  }
  const marker = filterString(q.marker, 'marker');
  const rows = tableToArray(ctx.s.block.volumes).filter((v) => {
    if (!visible(ctx, v) || (project !== null && v.project_id !== project)) return false;
    if (name !== undefined && v.name !== name) return false;
    if (status !== undefined && v.status !== status) return false;
    if (zone !== undefined && v.availability_zone !== zone) return false;
    if (bootable !== undefined && v.bootable !== bootable) return false;
    for (const [k, val] of Object.entries(metadata)) if (v.metadata[k] !== val) return false;
    return true;
  });
  sortRows(rows, sortKey as (typeof SORT_KEYS)[number], dir);
  let start = 0;
  if (marker !== undefined) {
    const i = rows.findIndex((r) => r.id === marker);
    if (i < 0) throw new CinderError(400, 'block.list.invalid_marker', 'InvalidInput', `Invalid input received: marker [${marker}] not found`, { field: 'marker' });
    start = i + 1;
  }
  return rows.slice(start, start + limit);
}

/** The keys of `update_volume_v353.volume`. */
const UPDATE_KEYS = ['name', 'description', 'display_name', 'display_description', 'metadata'];

/**
 * `PUT /v3/{project_id}/volumes/{id}` (`api/v2/volumes.py` `update`, schema `update_volume_v353`):
 * `name` / `display_name` (`name` wins), `description` / `display_description`, `metadata` (an
 * object whose keys match {@link METADATA_KEY}: null is refused, as `extra_specs` is no null);
 * at least one of them and no other key; refused in `maintenance`.
 */
export function updateVolume(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): VolumeView {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.update, targetOf(volume));
  const body = bodyArg(input, 'volume');
  volumeKeys(body, UPDATE_KEYS, 'volume');
  if (!UPDATE_KEYS.some((k) => Object.hasOwn(body, k))) throw invalidInput('volume', "Invalid input for field/attribute volume. Value: {}. {} is not valid under any of the given schemas: give name, description, display_name, display_description or metadata", 'block.volume.empty_update');
  for (const k of ['name', 'display_name', 'description', 'display_description']) textArg(body[k], k);
  const fields: { name?: string | null; description?: string | null; metadata?: Record<string, string> } = {};
  const name = firstOf(body, ['name', 'display_name']);
  if (name.present) fields.name = (name.value as string | null | undefined) ?? null;
  const description = firstOf(body, ['description', 'display_description']);
  if (description.present) fields.description = (description.value as string | null | undefined) ?? null;
  if (Object.hasOwn(body, 'metadata')) {
    if (body.metadata === null) throw invalidInput('metadata', "Invalid input for field/attribute metadata. Value: None. None is not of type 'object'", 'block.input.invalid_metadata');
    fields.metadata = metadataArg(body.metadata, 'metadata', METADATA_KEY);
  }
  if (volume.status === 'maintenance') throw invalidVolume('The volume cannot be updated during maintenance.');
  const next = moveVolume(tx, volume, volume.status, fields);
  tx.emit('volume.update.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
  tx.emit('volume.update.end', () => volumeUsage(tx.draft, next), publisher('controller'));
  return volumeView({ ...ctx, s: tx.draft }, next);
}
