/**
 * Volume snapshots (`cinder/api/v3/snapshots.py` over `cinder/api/v2/snapshots.py`,
 * `cinder/api/v3/views/snapshots.py`, `cinder/api/contrib/extended_snapshot_attributes.py`,
 * `cinder/api/v3/snapshot_metadata.py`, `cinder/api/contrib/admin_actions.py`
 * `SnapshotAdminController`, `cinder/volume/api.py` `_create_snapshot` / `create_snapshot_in_db` /
 * `delete_snapshot` / `update_snapshot` / `*_snapshot_metadata` / `revert_to_snapshot`,
 * `cinder/scheduler/manager.py` `create_snapshot`, `cinder/volume/manager.py` `create_snapshot` /
 * `delete_snapshot` / `revert_to_snapshot`), and `revert` (`cinder/api/v3/volumes.py`, 3.40).
 *
 * Create as Cinder does it: the API checks the volume (scheduled, not frozen, not in maintenance,
 * not migrating, not in error, `available` — or `in-use` since 3.66, or with `force`), takes the
 * quota (`snapshots`, and `gigabytes` as `no_snapshot_gb_quota` is False) and stores the snapshot
 * `creating`; the scheduler checks the volume's pool still passes its filters for the volume's
 * size (no: the snapshot goes to `error`, its quota kept, as Cinder does); the volume manager then
 * takes the snapshot — its blocks are a copy of the volume's at that moment, sharing the blobs as
 * a copy-on-write snapshot shares extents — and makes it `available` (`progress` 100%).
 *
 * Not simulated: group snapshots (`group_snapshot_id` is always null), manage / unmanage, the
 * `update_snapshot_status` action, `with_count`, the `sort` parameter (use `sort_key` /
 * `sort_dir`), copying a bootable volume's Glance metadata to its snapshot (a volume created from
 * the snapshot reads its volume's instead, `volumes.ts` `runCreate`), encryption keys. A cascade
 * delete of a volume moves its snapshots to `deleting` in the call and deletes them in the volume
 * manager's task, with `snapshot.delete.start` / `.end` (`volumes.ts` `deleteVolume`, `runDelete`).
 */
import { describeValue, getRow, setRow, tableToArray, type Tx } from '../core/index.js';
import { adjustPool, backendOf, findService } from './backends.js';
import { copyBlocks, writtenCount } from './blocks.js';
import { allowed, enforce, ownTarget, resolveRow, targetOf, visible, type BlockRef, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidSnapshot, invalidVolume, notFound } from './errors.js';
import { publisher } from './events.js';
import { CINDER_RULES } from './policies.js';
import { snapshotDeltas, useQuota } from './quota.js';
import { backendPassesFilters } from './scheduler/index.js';
import { moveSnapshot, moveVolume } from './statuses.js';
import { SNAPSHOT_STATUSES, type SnapshotRow, type SnapshotStatus, type VolumeRow } from './types.js';
import { snapshotUsage, timestamp, volumeUsage, type SnapshotUsage } from './views.js';
import { OSAPI_MAX_LIMIT, MAX_VOLUME_SIZE, activePools, bodyArg, getVolume, removeSnapshotRow, snapshotsOf, textArg } from './volumes.js';

/** The task that runs the scheduler's and the volume manager's `create_snapshot`. */
export const SNAPSHOT_CREATE_TASK = 'block.snapshot.create';
/** The task that runs the volume manager's `delete_snapshot`. */
export const SNAPSHOT_DELETE_TASK = 'block.snapshot.delete';
/** The task that runs the volume manager's `revert_to_snapshot`. */
export const REVERT_TASK = 'block.volume.revert';

/** The newest Block Storage microversion stacksim answers as (3.70). */
export const LATEST_MINOR = 70;
/** `mv.SNAPSHOT_IN_USE`: from 3.66 an `in-use` volume needs no `force`, and `force: false` is refused. */
export const SNAPSHOT_IN_USE_MINOR = 66;

/** `SNAPSHOT_IN_USE_FLAG_MSG` (`cinder/api/v3/snapshots.py`), word for word. */
export const SNAPSHOT_IN_USE_FLAG_MSG =
  "Since microversion 3.66 the 'force' flag is invalid for this request.  For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored.";

/** A snapshot reference: an id or a name among the snapshots the caller may see, or `{ id }`. */
export type SnapshotRef = BlockRef;

/** `POST /v3/{project_id}/snapshots`: the `snapshot` object. */
export interface SnapshotCreateRequest {
  /** The volume's id (required). */
  readonly volume_id: string;
  readonly name?: string | null;
  /** Older spelling of `name` (`name` wins when both are given). */
  readonly display_name?: string | null;
  readonly description?: string | null;
  /** Before 3.66: snapshot an `in-use` volume. From 3.66 `true` is ignored and `false` refused. */
  readonly force?: boolean | string;
  readonly metadata?: Readonly<Record<string, string>> | null;
}

/** `PUT /v3/{project_id}/snapshots/{id}`: the `snapshot` object. */
export interface SnapshotUpdateRequest {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly display_name?: string | null;
  readonly display_description?: string | null;
}

/** `GET /v3/{project_id}/snapshots`: a snapshot without details (`ViewBuilder.summary`). */
export interface VolumeSnapshotSummary {
  readonly id: string;
  readonly created_at: string;
  readonly updated_at: string | null;
  readonly name: string | null;
  readonly description: string | null;
  readonly volume_id: string;
  readonly status: SnapshotStatus;
  /** The volume's size when the snapshot was taken (`volume_size`). */
  readonly size: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * `GET /v3/{project_id}/snapshots/{id}` and `/snapshots/detail` at 3.70: the summary, then
 * `group_snapshot_id` (3.14), `user_id` (3.41), `consumes_quota` (3.65), and on show and detail
 * the `os-extended-snapshot-attributes:*` pair when `volume_extension:extended_snapshot_attributes`
 * allows it.
 */
export interface VolumeSnapshotView extends VolumeSnapshotSummary {
  readonly group_snapshot_id?: string | null;
  readonly user_id?: string;
  readonly consumes_quota?: boolean;
  readonly 'os-extended-snapshot-attributes:project_id'?: string;
  readonly 'os-extended-snapshot-attributes:progress'?: string;
}

// ------------------------------------------------------------------------------ views

function summaryOf(ctx: Pick<Ctx, 's'>, row: SnapshotRow): Record<string, unknown> {
  return {
    id: row.id,
    created_at: timestamp(ctx.s, row.created_at),
    updated_at: timestamp(ctx.s, row.updated_at),
    name: row.name,
    description: row.description,
    volume_id: row.volume_id,
    status: row.status,
    size: row.volume_size,
    metadata: row.metadata,
  };
}

/** A snapshot's summary view (`GET /snapshots`), with its timestamps. */
export function snapshotSummaryView(ctx: Pick<Ctx, 's'>, row: SnapshotRow): VolumeSnapshotSummary {
  return summaryOf(ctx, row) as unknown as VolumeSnapshotSummary;
}

/**
 * A snapshot's detailed view at microversion 3.`minor`. `extended`: the response of a show or a
 * detailed list, where the `ExtendedSnapshotAttributes` extension adds `project_id` and
 * `progress` if its policy (checked against the caller's own project, as the extension does)
 * allows; a create's or an update's response has no extension attributes.
 */
export function snapshotView(ctx: Ctx, row: SnapshotRow, options: { readonly extended?: boolean; readonly minor?: number } = {}): VolumeSnapshotView {
  const minor = options.minor ?? LATEST_MINOR;
  const view = summaryOf(ctx, row);
  if (minor >= 14) view.group_snapshot_id = row.group_snapshot_id;
  if (minor >= 41) view.user_id = row.user_id;
  if (minor >= 65) view.consumes_quota = true;
  if (options.extended === true && allowed(ctx, CINDER_RULES.snapshot.extendedAttributes, ownTarget(ctx))) {
    view['os-extended-snapshot-attributes:project_id'] = row.project_id;
    view['os-extended-snapshot-attributes:progress'] = row.progress;
  }
  return view as unknown as VolumeSnapshotView;
}

// ------------------------------------------------------------------------------ input

const UUID = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$/;
/** `metadata_allows_null`'s key pattern (`parameter_types.extra_specs`). */
const METADATA_KEY = /^[a-zA-Z0-9\-_:. /]{1,255}$/;
/** `valid_description_regex`: printable characters only (no control characters, no line or paragraph separators). */
const PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}]*$/u;
/** `parameter_types.boolean`'s accepted values. */
const TRUE_STRINGS = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't'];
const FALSE_STRINGS = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f'];

function schemaError(field: string, value: unknown, why: string, code = 'block.input.invalid'): CinderError {
  return invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${why}`, code);
}

function onlyKeys(body: Record<string, unknown>, known: readonly string[], field: string): void {
  const extra = Object.keys(body).filter((k) => !known.includes(k));
  if (extra.length > 0) throw invalidInput(`${field}.${extra[0]}`, `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`, 'block.input.unknown_field');
}

/** `name_allow_zero_min_length`, stripped as `validate_name_and_description` does; undefined when absent. */
function nameArg(body: Record<string, unknown>, field: string): string | null | undefined {
  if (!(field in body)) return undefined;
  const v = textArg(body[field], field);
  return v === null ? null : v.trim();
}

/** `parameter_types.description` (printable characters, at most 255), stripped; undefined when absent. */
function descriptionArg(body: Record<string, unknown>, field: string): string | null | undefined {
  if (!(field in body)) return undefined;
  const v = textArg(body[field], field);
  if (v === null) return null;
  if (!PRINTABLE.test(v)) throw schemaError(field, v, `'${field}' may hold printable characters only`);
  return v.trim();
}

/** `parameter_types.boolean` then `bool_from_string(strict=True)`; undefined when absent or null. */
function forceArg(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === false) return value;
  if (typeof value === 'string' && TRUE_STRINGS.includes(value)) return true;
  if (typeof value === 'string' && FALSE_STRINGS.includes(value)) return false;
  throw schemaError('force', value, `${describeValue(value)} is not one of the boolean values Cinder accepts (true, false, 'yes', 'no', 'on', 'off', '1', '0', …)`, 'block.snapshot.invalid_force');
}

/** `metadata_allows_null` (the create schema): keys of `[a-zA-Z0-9-_:. /]{1,255}`, string values of at most 255 characters. */
function createMetadataArg(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw schemaError('metadata', value, 'expected an object of strings', 'block.input.invalid_metadata');
  const keys = Object.keys(value);
  if (keys.length > 1024) throw invalidInput('metadata', `at most 1024 metadata items, got ${keys.length}`, 'block.input.invalid_metadata');
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (!METADATA_KEY.test(k)) throw schemaError(`metadata.${k.slice(0, 64)}`, k, `metadata keys match '^[a-zA-Z0-9-_:. /]{1,255}$'`, 'block.input.invalid_metadata');
    if (typeof v !== 'string' || v.length > 255) throw schemaError(`metadata.${k}`, v, 'metadata values are strings of at most 255 characters', 'block.input.invalid_metadata');
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * `utils.check_metadata_properties` (the metadata API has no schema): keys of 1+ characters and
 * string values are a 400 `InvalidVolumeMetadata`; a key or value past 255 characters is Cinder's
 * 413 `InvalidVolumeMetadataSize`.
 */
function apiMetadataArg(value: Record<string, unknown>, field: string): Record<string, string> {
  const keys = Object.keys(value);
  if (keys.length > 1024) throw invalidInput(field, `at most 1024 metadata items, got ${keys.length}`, 'block.input.invalid_metadata');
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = value[k];
    if (k.length === 0) throw new CinderError(400, 'block.snapshot.invalid_metadata', 'InvalidVolumeMetadata', 'Invalid metadata: Metadata key:  has a minimum character requirement of 1.', { field });
    if (typeof v !== 'string') throw new CinderError(400, 'block.snapshot.invalid_metadata', 'InvalidVolumeMetadata', `Invalid metadata: Value for metadata key: ${k.slice(0, 255)} is not a string or unicode`, { field: `${field}.${k.slice(0, 255)}` });
    if (k.length > 255) throw new CinderError(413, 'block.snapshot.metadata_too_large', 'InvalidVolumeMetadataSize', `Invalid metadata size: Metadata property key ${k.slice(0, 255)}… greater than 255 characters.`, { field });
    if (v.length > 255) throw new CinderError(413, 'block.snapshot.metadata_too_large', 'InvalidVolumeMetadataSize', `Invalid metadata size: Metadata property key ${k} value greater than 255 characters.`, { field: `${field}.${k}` });
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `assert_valid_body(body, name)`: the body holds an object under `name`. */
function wrapped(input: unknown, name: string): Record<string, unknown> {
  const body = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : null;
  return element(body !== null && Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined, name);
}

/** The object a request's element must be (`assert_valid_body`'s second half): else "Missing required element". */
function element(inner: unknown, name: string): Record<string, unknown> {
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) throw new CinderError(400, 'block.input.missing_element', 'HTTPBadRequest', `Missing required element '${name}' in request body.`, { field: name });
  return inner as Record<string, unknown>;
}

function metaKeyArg(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 255) throw invalidInput('key', `expected a metadata key (1 to 255 characters), got ${describeValue(key)}`, 'block.input.invalid_metadata');
  return key;
}

// ------------------------------------------------------------------------------ lookups

/** The snapshot a reference names, among those the caller may see (404 `SnapshotNotFound` otherwise). */
export function getSnapshot(ctx: Ctx, ref: unknown, field = 'snapshot'): SnapshotRow {
  return resolveRow(ctx, 'snapshot', ctx.s.block.snapshots, (r) => visible(ctx, r), ref, field);
}

/** `assert_not_frozen`: refused (400) when the backend holding `host` is frozen (`os-freeze_host`). */
function assertNotFrozen(ctx: Pick<Ctx, 's'>, host: string | null): void {
  if (host === null) return;
  if (findService(ctx.s, 'cinder-volume', backendOf(host))?.frozen === true) throw invalidInput('host', 'Modification operations are not allowed on frozen storage backends.', 'block.backend.frozen');
}

/** `AVAILABLE_MIGRATION_STATUS` of `cinder/volume/api.py`: (None, 'deleting', 'error', 'success'). */
function migrating(volume: VolumeRow): boolean {
  const m = volume.migration_status as string | null;
  return !(m === null || m === 'deleting' || m === 'error' || m === 'success');
}

function typeName(ctx: Pick<Ctx, 's'>, typeId: string): string {
  return getRow(ctx.s.block.volume_types, typeId)?.name ?? typeId;
}

// ------------------------------------------------------------------------------ create

/**
 * `POST /v3/{project_id}/snapshots` at 3.`minor` (default 3.70): the new snapshot's view as the
 * API answers it (`creating`). Order: the create policy on the caller's project, the body (the
 * schema), the volume (404; `volume:get`), the create policy on the volume, the `force` flag (from
 * 3.66 `false` is refused), `_create_snapshot_in_db_validate`, the volume's status (`available`,
 * or `in-use` too since 3.66 or with `force`), the quota (413); then the row and the task.
 */
export function createSnapshot(tx: Tx, ctx: Ctx, input: unknown, minor = LATEST_MINOR): VolumeSnapshotView {
  enforce(ctx, CINDER_RULES.snapshot.create, ownTarget(ctx));
  if (ctx.projectId === null) throw new CinderError(400, 'block.snapshot.no_project', 'InvalidInput', 'Invalid input received: a snapshot belongs to a project: use a project-scoped token.');
  const body = bodyArg(input, 'snapshot');
  onlyKeys(body, ['name', 'display_name', 'description', 'volume_id', 'force', 'metadata'], 'snapshot');
  if (!('volume_id' in body)) throw invalidInput('volume_id', "'volume_id' is a required property", 'block.snapshot.volume_id_required');
  const volumeId = body.volume_id;
  if (volumeId !== null && (typeof volumeId !== 'string' || !UUID.test(volumeId))) throw schemaError('volume_id', volumeId, `${describeValue(volumeId)} is not a 'uuid'`, 'block.snapshot.invalid_volume_id');
  const displayName = nameArg(body, 'display_name');
  const given = nameArg(body, 'name');
  const name = given !== undefined ? given : (displayName ?? null);
  const description = descriptionArg(body, 'description') ?? null;
  const force = forceArg(body.force);
  const metadata = createMetadataArg(body.metadata);
  if (volumeId === null) throw notFound('volume', 'None');
  const volume = getVolume(ctx, { id: volumeId }, 'volume_id');
  enforce(ctx, CINDER_RULES.volume.get, targetOf(volume));
  enforce(ctx, CINDER_RULES.snapshot.create, targetOf(volume));
  if (minor >= SNAPSHOT_IN_USE_MINOR && force === false) throw new CinderError(400, 'block.snapshot.force_invalid', 'HTTPBadRequest', SNAPSHOT_IN_USE_FLAG_MSG, { field: 'force' });
  assertNotFrozen(ctx, volume.host);
  const details = { volume_id: volume.id, status: volume.status };
  if (volume.host === null) throw invalidVolume('The snapshot cannot be created because volume has not been scheduled to any host.', details);
  if (volume.status === 'maintenance') throw invalidVolume('The snapshot cannot be created when the volume is in maintenance mode.', details);
  if (migrating(volume)) throw invalidVolume('Snapshot cannot be created while volume is migrating.', details, 'block.volume.migrating');
  if (volume.status === 'error') throw invalidVolume('The snapshot cannot be created when the volume is in error status.', details);
  const valid: readonly string[] = force === true || minor >= SNAPSHOT_IN_USE_MINOR ? ['available', 'in-use'] : ['available'];
  if (!valid.includes(volume.status)) throw invalidVolume(`Volume ${volume.id} status must be ${valid.join(', ')}, but current status is: ${volume.status}.`, details);
  useQuota(tx, ctx.projectId, 'snapshots', snapshotDeltas(typeName(ctx, volume.volume_type_id), volume.size));
  const now = tx.now();
  const seq = snapshotsOf(ctx, volume.id).reduce((m, r) => Math.max(m, r.seq), 0) + 1;
  const row: SnapshotRow = {
    id: tx.ids.uuid(),
    volume_id: volume.id,
    project_id: ctx.projectId,
    user_id: ctx.userId,
    name,
    description,
    status: 'creating',
    progress: '0%',
    volume_size: volume.size,
    volume_type_id: volume.volume_type_id,
    metadata,
    group_snapshot_id: null,
    seq,
    created_at: now,
    updated_at: now,
  };
  setRow(tx.draft.block.snapshots, row.id, row);
  setRow(tx.draft.block.volume_snapshots, `${volume.id}/${row.id}`, row.id);
  tx.trace('cinder-api', `snapshot ${row.id} of volume ${volume.id} creating (${volume.size} GB)`);
  const view = snapshotView({ ...ctx, s: tx.draft }, row, { minor });
  tx.schedule(SNAPSHOT_CREATE_TASK, { snapshot_id: row.id }, 0);
  return view;
}

/**
 * The scheduler's `create_snapshot` and the volume manager's (a task): the volume's pool must
 * still pass the filters for the volume's size (`backend_passes_filters`; no: `error`), then the
 * snapshot takes the volume's blocks as they are now, `available`, `progress` 100%, with
 * `snapshot.create.start` / `.end` from the volume's backend.
 */
export function runCreateSnapshot(tx: Tx, args: unknown): void {
  const { snapshot_id } = args as { snapshot_id: string };
  const s = tx.draft;
  const snap = getRow(s.block.snapshots, snapshot_id);
  if (snap === undefined || snap.status !== 'creating') return;
  const volume = getRow(s.block.volumes, snap.volume_id);
  const host = volume?.host ?? null;
  if (volume === undefined || host === null) {
    moveSnapshot(tx, snap, 'error');
    return;
  }
  const { pool, explanation } = backendPassesFilters(activePools(s, (p) => p.name === host), host, { volume_id: snap.id, size: volume.size, volume_type: null, availability_zone: null }, s.block.config);
  if (pool === null) {
    tx.trace('cinder-scheduler', `No valid backend was found. Cannot place snapshot ${snap.id} on ${host}.`, { explanation });
    moveSnapshot(tx, snap, 'error');
    return;
  }
  const backend = backendOf(host);
  tx.emit('snapshot.create.start', () => snapshotUsage(tx.draft, snap), publisher(backend));
  copyBlocks(tx, volume.id, snap.id);
  const done = moveSnapshot(tx, snap, 'available', { progress: '100%' });
  tx.trace('cinder-volume', `snapshot ${snap.id} of volume ${volume.id} available on ${host}`);
  tx.emit('snapshot.create.end', () => snapshotUsage(tx.draft, done), publisher(backend));
}

// ------------------------------------------------------------------------------ show, list

/** `GET /v3/{project_id}/snapshots/{id}`: `SnapshotNotFound` (404) unless the caller may see it, then `volume:get_snapshot`. */
export function showSnapshot(ctx: Ctx, ref: unknown): VolumeSnapshotView {
  const snap = getSnapshot(ctx, ref);
  enforce(ctx, CINDER_RULES.snapshot.get, targetOf(snap));
  return snapshotView(ctx, snap, { extended: true });
}

/** `GET /v3/{project_id}/snapshots[/detail]`: filters (3.x: `name`, `status`, `volume_id`, `metadata`) and paging. */
export interface SnapshotListQuery {
  readonly name?: string;
  readonly status?: string;
  readonly volume_id?: string;
  /** Every pair must match (3.22); a string is read as Cinder does (`ast.literal_eval`; a JSON object here). */
  readonly metadata?: Readonly<Record<string, string>> | string;
  /** Admins: every project's snapshots (ignored for anyone else, as Cinder strips it). */
  readonly all_tenants?: boolean | string | number;
  /** Admins: one project's snapshots. */
  readonly project_id?: string;
  /** `created_at` (default), `updated_at`, `id`, `name`, `status`, `volume_id`, `volume_size`, `project_id`, `user_id`. */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  readonly limit?: number | string;
  readonly marker?: string;
  readonly offset?: number | string;
}

const SORT_KEYS: Readonly<Record<string, (r: SnapshotRow) => string | number>> = {
  created_at: (r) => r.created_at,
  updated_at: (r) => r.updated_at,
  id: (r) => r.id,
  name: (r) => r.name ?? '',
  display_name: (r) => r.name ?? '',
  status: (r) => r.status,
  volume_id: (r) => r.volume_id,
  volume_size: (r) => r.volume_size,
  project_id: (r) => r.project_id,
  user_id: (r) => r.user_id,
};
const LIST_KEYS = ['name', 'status', 'volume_id', 'metadata', 'all_tenants', 'project_id', 'sort_key', 'sort_dir', 'limit', 'marker', 'offset'];
const truthy = (v: unknown): boolean => v === true || v === 1 || (typeof v === 'string' && ['1', 'true', 't', 'yes', 'y', 'on'].includes(v.toLowerCase()));

/** `_get_limit_param` (at most `max`) and `_get_offset_param` (`validate_integer(offset, 'offset', 0, DB_MAX_INT)`). */
function countArg(value: unknown, field: 'limit' | 'offset', max: number): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidInput(field, field === 'limit' ? 'limit param must be positive' : `${field} must be an integer 0 or greater, got ${describeValue(value)}`, `block.list.invalid_${field}`);
  if (field === 'offset' && n > max) throw invalidInput(field, `${field} must be <= ${max}.`, 'block.list.invalid_offset');
  return Math.min(n, max);
}

/** The metadata filter: an object of strings, or a string holding one (else nothing matches, as in Cinder). */
function metadataFilter(value: unknown): Record<string, string> | null {
  if (value === undefined) return {};
  let v: unknown = value;
  if (typeof value === 'string') {
    try {
      v = JSON.parse(value);
    } catch {
      try {
        v = JSON.parse(value.replace(/'/g, '"'));
      } catch {
        return null; // `_process_snaps_filters`: a metadata filter that is not a dict matches nothing
      }
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidInput('metadata', `expected an object of strings, got ${describeValue(value)}`, 'block.list.invalid_metadata');
  const out: Record<string, string> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x !== 'string') throw invalidInput(`metadata.${k}`, `metadata filter values are strings, got ${describeValue(x)}`, 'block.list.invalid_metadata');
    Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The snapshots a list answers, in order (`get_all_snapshots`): the caller's project's, or with
 * `all_tenants` (admins) every project's; exact filters, sorted (`created_at` then `id`,
 * descending, by default), after `marker` (404 `SnapshotNotFound` when it is not one the caller
 * may see, as Cinder's paginator looks it up), from `offset`, at most `limit` (≤ `osapi_max_limit`).
 */
export function listSnapshotRows(ctx: Ctx, query: unknown = {}): SnapshotRow[] {
  enforce(ctx, CINDER_RULES.snapshot.getAll, ownTarget(ctx));
  const q = bodyArg(query, 'query');
  for (const k of Object.keys(q)) if (!LIST_KEYS.includes(k)) throw invalidInput(k, `'${k}' is not a filter of GET /snapshots (known: ${LIST_KEYS.join(', ')})`, 'block.list.unknown_filter');
  for (const k of ['name', 'status', 'volume_id', 'marker'] as const) if (q[k] !== undefined && typeof q[k] !== 'string') throw invalidInput(k, `expected a string, got ${describeValue(q[k])}`, 'block.list.invalid_filter');
  const all = ctx.isAdmin && truthy(q.all_tenants);
  let project: string | null = all ? null : ctx.projectId;
  if (q.project_id !== undefined) {
    const asked = textArg(q.project_id, 'project_id');
    if (all) project = asked; // without all_tenants Cinder lists the caller's project whatever project_id says
  }
  const metadata = metadataFilter(q.metadata);
  const sortKey = q.sort_key === undefined ? 'created_at' : q.sort_key;
  if (typeof sortKey !== 'string' || !Object.prototype.hasOwnProperty.call(SORT_KEYS, sortKey)) throw invalidInput('sort_key', `sort_key must be one of ${Object.keys(SORT_KEYS).join(', ')}, got ${describeValue(sortKey)}`, 'block.list.invalid_sort');
  const dir = q.sort_dir === undefined ? 'desc' : q.sort_dir;
  if (dir !== 'asc' && dir !== 'desc') throw invalidInput('sort_dir', "sort_dir must be 'asc' or 'desc'", 'block.list.invalid_sort');
  const limit = q.limit === undefined ? OSAPI_MAX_LIMIT : countArg(q.limit, 'limit', OSAPI_MAX_LIMIT);
  const offset = q.offset === undefined ? 0 : countArg(q.offset, 'offset', MAX_VOLUME_SIZE);
  if (metadata === null) return [];
  const rows = tableToArray(ctx.s.block.snapshots).filter((r) => {
    if (!visible(ctx, r) || (project !== null && r.project_id !== project)) return false;
    if (q.name !== undefined && r.name !== q.name) return false;
    if (q.status !== undefined && r.status !== q.status) return false;
    if (q.volume_id !== undefined && r.volume_id !== q.volume_id) return false;
    for (const [k, v] of Object.entries(metadata)) if (!Object.prototype.hasOwnProperty.call(r.metadata, k) || r.metadata[k] !== v) return false;
    return true;
  });
  const key = SORT_KEYS[sortKey] as (r: SnapshotRow) => string | number;
  const order = (a: SnapshotRow, b: SnapshotRow): number => {
    const x = key(a);
    const y = key(b);
    const c = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return dir === 'asc' ? c : -c;
  };
  rows.sort(order);
  let start = 0;
  if (q.marker !== undefined) {
    // the paginator looks the marker up (another project's or no such snapshot: 404) and goes on after its sort values
    const marker = getSnapshot(ctx, { id: q.marker }, 'marker');
    start = rows.findIndex((r) => order(r, marker) > 0);
    if (start < 0) start = rows.length;
  }
  return rows.slice(start + offset, start + offset + limit);
}

/** `GET /v3/{project_id}/snapshots/detail`: detailed views (with the extension attributes the policy allows). */
export function listSnapshots(ctx: Ctx, query: unknown = {}): VolumeSnapshotView[] {
  return listSnapshotRows(ctx, query).map((r) => snapshotView(ctx, r, { extended: true }));
}

/** `GET /v3/{project_id}/snapshots`: summaries. */
export function listSnapshotSummaries(ctx: Ctx, query: unknown = {}): VolumeSnapshotSummary[] {
  return listSnapshotRows(ctx, query).map((r) => snapshotSummaryView(ctx, r));
}

// ------------------------------------------------------------------------------ update

/** `notify_about_snapshot_usage` for the phases `events.ts` does not declare yet (`update`, `reset_status`). */
function emitSnapshot(tx: Tx, event: string, payload: () => SnapshotUsage, host: string | null): void {
  tx.emit(event as 'snapshot.create.start', payload, publisher(host));
}

/**
 * `PUT /v3/{project_id}/snapshots/{id}`: `name` / `display_name`, `description` /
 * `display_description` (at least one; stripped), in any status; `snapshot.update.start` / `.end`
 * from the API. The answer has no extension attributes (the extension extends show and detail only).
 */
export function updateSnapshot(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): VolumeSnapshotView {
  const snap = getSnapshot(ctx, ref);
  enforce(ctx, CINDER_RULES.snapshot.get, targetOf(snap));
  enforce(ctx, CINDER_RULES.snapshot.update, targetOf(snap));
  const body = bodyArg(input, 'snapshot');
  onlyKeys(body, ['name', 'description', 'display_name', 'display_description'], 'snapshot');
  if (!['name', 'description', 'display_name', 'display_description'].some((k) => k in body)) {
    throw invalidInput('snapshot', "Invalid input for field/attribute snapshot. Value: {}. {} is not valid under any of the given schemas: give name, description, display_name or display_description", 'block.snapshot.empty_update');
  }
  const fields: { name?: string | null; description?: string | null } = {};
  const displayName = nameArg(body, 'display_name');
  const name = nameArg(body, 'name');
  const displayDescription = descriptionArg(body, 'display_description');
  const description = descriptionArg(body, 'description');
  if (name !== undefined || displayName !== undefined) fields.name = name !== undefined ? name : (displayName as string | null);
  if (description !== undefined || displayDescription !== undefined) fields.description = description !== undefined ? description : (displayDescription as string | null);
  emitSnapshot(tx, 'snapshot.update.start', () => snapshotUsage(tx.draft, snap), 'controller');
  const next = moveSnapshot(tx, snap, snap.status, fields);
  emitSnapshot(tx, 'snapshot.update.end', () => snapshotUsage(tx.draft, next), 'controller');
  return snapshotView({ ...ctx, s: tx.draft }, next);
}

// ------------------------------------------------------------------------------ delete

/** `os-force_delete` may delete a snapshot in any status: where the graph has no way to `deleting`, through `error` (as `volumes.ts` does for volumes). */
function forceTo(tx: Tx, snap: SnapshotRow): SnapshotRow {
  if (snap.status === 'available' || snap.status === 'error' || snap.status === 'error_deleting' || snap.status === 'deleting') return snap;
  const next: SnapshotRow = { ...snap, status: 'error' };
  setRow(tx.draft.block.snapshots, snap.id, next);
  return next;
}

/**
 * `DELETE /v3/{project_id}/snapshots/{id}` (`delete_snapshot`), or `os-force_delete` (admin) with
 * `force`: `available` or `error` (any status with `force`), not part of a group, the backend not
 * frozen; `deleting`, then the volume manager removes it. A snapshot a volume was created from
 * may be deleted (LVM copies it into the new volume); on RBD the manager finds it busy and puts
 * it back to `available` (`SnapshotIsBusy`), as `rbd_flatten_volume_from_snapshot` is False.
 */
export function deleteSnapshot(tx: Tx, ctx: Ctx, ref: unknown, options: { readonly force?: boolean } = {}): void {
  const snap = getSnapshot(ctx, ref);
  enforce(ctx, CINDER_RULES.snapshot.get, targetOf(snap));
  if (options.force === true) enforce(ctx, CINDER_RULES.snapshot.forceDelete, targetOf(snap));
  enforce(ctx, CINDER_RULES.snapshot.delete, targetOf(snap));
  const volume = getRow(ctx.s.block.volumes, snap.volume_id);
  assertNotFrozen(ctx, volume?.host ?? null);
  const ok = snap.group_snapshot_id === null && (options.force === true || snap.status === 'available' || snap.status === 'error');
  if (!ok) {
    const status = options.force === true ? '' : 'status must be available or error and ';
    throw invalidSnapshot(`Snapshot ${status}must not be part of a group.`, { snapshot_id: snap.id, status: snap.status });
  }
  moveSnapshot(tx, options.force === true ? forceTo(tx, snap) : snap, 'deleting');
  tx.trace('cinder-api', `snapshot ${snap.id} deleting`);
  tx.schedule(SNAPSHOT_DELETE_TASK, { snapshot_id: snap.id }, 0);
}

/** The volume manager's `delete_snapshot` (a task): the blocks, the quota and the row go; `snapshot.delete.start` / `.end`. */
export function runDeleteSnapshot(tx: Tx, args: unknown): void {
  const { snapshot_id } = args as { snapshot_id: string };
  const s = tx.draft;
  const snap = getRow(s.block.snapshots, snapshot_id);
  if (snap === undefined || snap.status !== 'deleting') return;
  const host = getRow(s.block.volumes, snap.volume_id)?.host ?? null;
  const backend = host === null ? null : backendOf(host);
  tx.emit('snapshot.delete.start', () => snapshotUsage(tx.draft, snap), publisher(backend));
  const pool = host === null ? undefined : getRow(s.block.pools, host);
  if (pool?.driver === 'rbd' && tableToArray(s.block.volumes).some((v) => v.snapshot_id === snap.id)) {
    tx.trace('cinder-volume', `deleting snapshot ${snap.id} that has dependent volumes`);
    moveSnapshot(tx, snap, 'available');
    return;
  }
  removeSnapshotRow(tx, snap);
  tx.trace('cinder-volume', `snapshot ${snap.id} deleted`);
  tx.emit('snapshot.delete.end', () => snapshotUsage(tx.draft, { ...snap, status: 'deleted' }), publisher(backend));
}

// ------------------------------------------------------------------------------ admin actions

/**
 * `POST /v3/{project_id}/snapshots/{id}/action` `os-reset_status` (admin): any of Cinder's
 * snapshot statuses (case-insensitive), set directly (an admin's repair is outside the graph of
 * moves); `snapshot.reset_status.start` / `.end`.
 */
export function resetSnapshotStatus(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const snap = getSnapshot(ctx, ref);
  enforce(ctx, CINDER_RULES.snapshot.resetStatus, targetOf(snap));
  const body = bodyArg(input, 'os-reset_status');
  onlyKeys(body, ['status'], 'os-reset_status');
  if (!('status' in body)) throw invalidInput('status', "'status' is a required property", 'block.snapshot.status_required');
  const raw = body.status;
  if (typeof raw !== 'string') throw schemaError('status', raw, `${describeValue(raw)} is not of type 'string'`, 'block.snapshot.invalid_status_value');
  const status = raw.toLowerCase();
  if (!(SNAPSHOT_STATUSES as readonly string[]).includes(status)) {
    throw new CinderError(400, 'block.snapshot.invalid_status_value', 'InvalidParameterValue', `Snapshot status: ${raw.length > 64 ? `${raw.slice(0, 64)}…` : raw} is invalid, valid statuses are: (${SNAPSHOT_STATUSES.map((x) => `'${x}'`).join(', ')}).`, { field: 'status' });
  }
  emitSnapshot(tx, 'snapshot.reset_status.start', () => snapshotUsage(tx.draft, snap), 'controller');
  const next: SnapshotRow = { ...snap, status: status as SnapshotStatus, updated_at: tx.now() };
  setRow(tx.draft.block.snapshots, snap.id, next);
  emitSnapshot(tx, 'snapshot.reset_status.end', () => snapshotUsage(tx.draft, next), 'controller');
}

// ------------------------------------------------------------------------------ metadata

/** `GET /v3/{project_id}/snapshots/{id}/metadata`. */
export function getSnapshotMetadata(ctx: Ctx, ref: unknown): Readonly<Record<string, string>> {
  const snap = getSnapshot(ctx, ref);
  enforce(ctx, CINDER_RULES.snapshot.get, targetOf(snap));
  enforce(ctx, CINDER_RULES.snapshot.getMetadata, targetOf(snap));
  return snap.metadata;
}

function metadataNotFound(snap: SnapshotRow, key: string): CinderError {
  return new CinderError(404, 'block.snapshot.metadata_not_found', 'SnapshotMetadataNotFound', `Snapshot ${snap.id} has no metadata with key ${key}.`, { snapshot_id: snap.id, key });
}

/** `GET /v3/{project_id}/snapshots/{id}/metadata/{key}`: `{ key: value }` (404 `SnapshotMetadataNotFound`). */
export function showSnapshotMetadataItem(ctx: Ctx, ref: unknown, key: unknown): Readonly<Record<string, string>> {
  const data = getSnapshotMetadata(ctx, ref);
  const k = metaKeyArg(key);
  if (!Object.prototype.hasOwnProperty.call(data, k)) throw metadataNotFound(getSnapshot(ctx, ref), k);
  const out: Record<string, string> = {};
  Object.defineProperty(out, k, { value: data[k], enumerable: true, writable: true, configurable: true });
  return out;
}

/** The snapshot a metadata write is about: 404 unless visible, then `volume:get_snapshot` and `volume:update_snapshot_metadata`. */
function metadataTarget(ctx: Ctx, ref: unknown): SnapshotRow {
  const snap = getSnapshot(ctx, ref);
  enforce(ctx, CINDER_RULES.snapshot.get, targetOf(snap));
  enforce(ctx, CINDER_RULES.snapshot.updateMetadata, targetOf(snap));
  return snap;
}

function writeMetadata(tx: Tx, snap: SnapshotRow, metadata: Record<string, string>, replace: boolean): Readonly<Record<string, string>> {
  const merged: Record<string, string> = {};
  if (!replace) for (const [k, v] of Object.entries(snap.metadata)) Object.defineProperty(merged, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(metadata)) Object.defineProperty(merged, k, { value: v, enumerable: true, writable: true, configurable: true });
  const next = moveSnapshot(tx, snap, snap.status, { metadata: merged });
  return next.metadata;
}

/** `POST /v3/{project_id}/snapshots/{id}/metadata` `{ metadata }`: merges the items in; the whole metadata after. */
export function createSnapshotMetadata(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): Readonly<Record<string, string>> {
  const snap = metadataTarget(ctx, ref);
  const metadata = apiMetadataArg(wrapped(input, 'metadata'), 'metadata');
  return writeMetadata(tx, snap, metadata, false);
}

/** `PUT /v3/{project_id}/snapshots/{id}/metadata` `{ metadata }`: replaces the whole metadata. */
export function replaceSnapshotMetadata(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): Readonly<Record<string, string>> {
  const snap = metadataTarget(ctx, ref);
  const metadata = apiMetadataArg(wrapped(input, 'metadata'), 'metadata');
  return writeMetadata(tx, snap, metadata, true);
}

/** `PUT /v3/{project_id}/snapshots/{id}/metadata/{key}` `{ meta: { key: value } }`: one item; answers `meta`. */
export function updateSnapshotMetadataItem(tx: Tx, ctx: Ctx, ref: unknown, key: unknown, input: unknown): Readonly<Record<string, string>> {
  const snap = metadataTarget(ctx, ref);
  const k = metaKeyArg(key);
  const meta = wrapped(input, 'meta');
  if (!Object.prototype.hasOwnProperty.call(meta, k)) throw new CinderError(400, 'block.snapshot.metadata_uri_mismatch', 'HTTPBadRequest', 'Request body and URI mismatch', { field: 'meta' });
  if (Object.keys(meta).length > 1) throw new CinderError(400, 'block.snapshot.metadata_too_many_items', 'HTTPBadRequest', 'Request body contains too many items', { field: 'meta' });
  const item = apiMetadataArg(meta, 'meta');
  writeMetadata(tx, snap, item, false);
  return item;
}

/** `DELETE /v3/{project_id}/snapshots/{id}/metadata/{key}` (404 `SnapshotMetadataNotFound`). */
export function deleteSnapshotMetadataItem(tx: Tx, ctx: Ctx, ref: unknown, key: unknown): void {
  const snap = getSnapshot(ctx, ref);
  enforce(ctx, CINDER_RULES.snapshot.get, targetOf(snap));
  enforce(ctx, CINDER_RULES.snapshot.getMetadata, targetOf(snap));
  const k = metaKeyArg(key);
  if (!Object.prototype.hasOwnProperty.call(snap.metadata, k)) throw metadataNotFound(snap, k);
  enforce(ctx, CINDER_RULES.snapshot.deleteMetadata, targetOf(snap));
  const rest: Record<string, string> = {};
  for (const [mk, v] of Object.entries(snap.metadata)) if (mk !== k) Object.defineProperty(rest, mk, { value: v, enumerable: true, writable: true, configurable: true });
  moveSnapshot(tx, snap, snap.status, { metadata: rest });
}

// ------------------------------------------------------------------------------ revert

/** The volume's latest snapshot the caller may see (`snapshot_get_latest_for_volume`: newest `created_at`), or undefined. */
export function latestSnapshot(ctx: Ctx, volumeId: string): SnapshotRow | undefined {
  let best: SnapshotRow | undefined;
  for (const r of snapshotsOf(ctx, volumeId)) {
    if (!visible(ctx, r)) continue;
    if (best === undefined || r.created_at > best.created_at || (r.created_at === best.created_at && r.seq > best.seq)) best = r;
  }
  return best;
}

/**
 * `POST /v3/{project_id}/volumes/{id}/action` `{"revert": {"snapshot_id"}}` (3.40): only to the
 * volume's latest snapshot, of the same size; the volume `available` and the snapshot `available`
 * (else Cinder's 409: the controller turns `InvalidVolume` / `InvalidSnapshot` into a Conflict);
 * the volume goes `reverting` and the snapshot `restoring` until the volume manager has copied
 * the snapshot's content back.
 */
export function revertVolumeToSnapshot(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.get, targetOf(volume));
  enforce(ctx, CINDER_RULES.volume.revertToSnapshot, targetOf(volume));
  const body = element(input, 'revert');
  const snapshotId = body.snapshot_id;
  const latest = latestSnapshot(ctx, volume.id);
  if (latest === undefined) throw new CinderError(400, 'block.volume.no_snapshots', 'HTTPBadRequest', `Volume ${volume.id} doesn't have any snapshots.`, { volume_id: volume.id });
  if (snapshotId === undefined || snapshotId === null || snapshotId !== latest.id) {
    const shown = snapshotId === undefined || snapshotId === null ? 'None' : typeof snapshotId === 'string' && snapshotId.length <= 255 ? snapshotId : describeValue(snapshotId);
    throw new CinderError(400, 'block.volume.revert_not_latest', 'HTTPBadRequest', `Specified snapshot ${shown} is None or not the latest one of volume ${volume.id}.`, { field: 'snapshot_id', volume_id: volume.id, latest: latest.id });
  }
  if (volume.size !== latest.volume_size) {
    throw new CinderError(400, 'block.volume.revert_size_mismatch', 'HTTPBadRequest', `Can't revert volume ${volume.id} to its latest snapshot ${latest.id}. The volume size must be equal to the snapshot size.`, { field: 'snapshot_id', size: volume.size, snapshot_size: latest.volume_size });
  }
  if (volume.status !== 'available') {
    throw new CinderError(409, 'block.volume.invalid_status', 'InvalidVolume', `Invalid volume: Can't revert volume ${volume.id} to its latest snapshot ${latest.id}. Volume's status must be 'available'.`, { volume_id: volume.id, status: volume.status });
  }
  if (latest.status !== 'available') {
    throw new CinderError(409, 'block.snapshot.invalid_status', 'InvalidSnapshot', `Invalid snapshot: Can't revert volume ${volume.id} to its latest snapshot ${latest.id}. Snapshot's status must be 'available'.`, { snapshot_id: latest.id, status: latest.status });
  }
  moveVolume(tx, volume, 'reverting');
  moveSnapshot(tx, latest, 'restoring');
  tx.trace('cinder-api', `reverting volume ${volume.id} to snapshot ${latest.id}`);
  tx.schedule(REVERT_TASK, { volume_id: volume.id, snapshot_id: latest.id, user_id: ctx.userId, project_id: ctx.projectId }, 0);
}

/**
 * The volume manager's `revert_to_snapshot` (a task): `volume.revert.start` and
 * `snapshot.revert.start`; on LVM (`snapshot_revert_use_temp_snapshot`) a temporary backup
 * snapshot of the volume is taken first and deleted after (its `snapshot.create.*` and
 * `snapshot.delete.*` notifications; it takes no quota and is never listed, as the task is one
 * step); the volume's blocks become the snapshot's (the pool's written blocks follow); both back
 * to `available`; `volume.revert.end` and `snapshot.revert.end`.
 */
export function runRevert(tx: Tx, args: unknown): void {
  const { volume_id, snapshot_id, user_id, project_id } = args as { volume_id: string; snapshot_id: string; user_id: string; project_id: string | null };
  const s = tx.draft;
  const volume = getRow(s.block.volumes, volume_id);
  const snap = getRow(s.block.snapshots, snapshot_id);
  if (volume === undefined || snap === undefined || volume.status !== 'reverting' || snap.status !== 'restoring') return;
  const backend = volume.host === null ? null : backendOf(volume.host);
  tx.emit('volume.revert.start', () => volumeUsage(tx.draft, volume), publisher(backend));
  tx.emit('snapshot.revert.start', () => snapshotUsage(tx.draft, snap), publisher(backend));
  const pool = volume.host === null ? undefined : getRow(s.block.pools, volume.host);
  let temp: SnapshotRow | null = null;
  if (pool !== undefined && pool.driver === 'lvm') {
    const now = tx.now();
    const made: SnapshotRow = {
      id: tx.ids.uuid(),
      volume_id: volume.id,
      project_id: project_id ?? volume.project_id,
      user_id,
      name: `[revert] volume ${volume.id} backup snapshot`,
      description: 'This is only used for backup when reverting. If the reverting process failed, you can restore you data by creating new volume with this snapshot.',
      status: 'creating',
      progress: '0%',
      volume_size: volume.size,
      volume_type_id: volume.volume_type_id,
      metadata: {},
      group_snapshot_id: null,
      seq: 0,
      created_at: now,
      updated_at: now,
    };
    temp = { ...made, status: 'available', progress: '100%' };
    const taken = temp;
    tx.emit('snapshot.create.start', () => snapshotUsage(tx.draft, made), publisher(backend));
    tx.emit('snapshot.create.end', () => snapshotUsage(tx.draft, taken), publisher(backend));
    tx.trace('cinder-volume', `temporary backup snapshot ${made.id} of volume ${volume.id}`);
  }
  const before = writtenCount(s, volume.id);
  const after = copyBlocks(tx, snap.id, volume.id);
  adjustPool(tx, volume.host, 0, after - before);
  const reverted = moveVolume(tx, volume, 'available');
  const restored = moveSnapshot(tx, snap, 'available');
  tx.trace('cinder-volume', `volume ${volume.id} reverted to snapshot ${snap.id}`);
  if (temp !== null) {
    // the backup snapshot is deleted once the revert succeeded: the manager calls its own
    // `delete_snapshot` directly, so the snapshot is still `available` at `delete.start`
    const taken = temp;
    tx.emit('snapshot.delete.start', () => snapshotUsage(tx.draft, taken), publisher(backend));
    tx.emit('snapshot.delete.end', () => snapshotUsage(tx.draft, { ...taken, status: 'deleted' }), publisher(backend));
  }
  tx.emit('volume.revert.end', () => volumeUsage(tx.draft, reverted), publisher(backend));
  tx.emit('snapshot.revert.end', () => snapshotUsage(tx.draft, restored), publisher(backend));
}
