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
 *
 * The views, the lookup and the lists are in `snapshot_views.ts`, the metadata API in
 * `snapshot_metadata.ts`, the revert in `revert.ts`.
 */
import { describeValue, getRow, setRow, tableToArray, type Tx } from '../core/index.js';
import { assertNotFrozen, backendOf } from './backends.js';
import { copyBlocks } from './blocks.js';
import { enforce, ownTarget, targetOf, type BlockRef, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidSnapshot, invalidVolume, notFound } from './errors.js';
import { publisher } from './events.js';
import { UUID_RE, bodyArg, onlyKeys, put, strictBool, textArg, typeName } from './input.js';
import { CINDER_RULES } from './policies.js';
import { snapshotDeltas, useQuota } from './quota.js';
import { backendPassesFilters } from './scheduler/index.js';
import { LATEST_MINOR, getSnapshot, snapshotView, type VolumeSnapshotView } from './snapshot_views.js';
import { moveSnapshot } from './statuses.js';
import { SNAPSHOT_STATUSES, type SnapshotRow, type SnapshotStatus, type VolumeRow } from './types.js';
import { snapshotUsage } from './views.js';
import { removeSnapshotRow } from './volume_delete.js';
import { activePools, getVolume, snapshotsOf } from './volumes.js';

/** The task that runs the scheduler's and the volume manager's `create_snapshot`. */
export const SNAPSHOT_CREATE_TASK = 'block.snapshot.create';
/** The task that runs the volume manager's `delete_snapshot`. */
export const SNAPSHOT_DELETE_TASK = 'block.snapshot.delete';

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

// ------------------------------------------------------------------------------ input

/** `metadata_allows_null`'s key pattern (`parameter_types.extra_specs`). */
const METADATA_KEY = /^[a-zA-Z0-9\-_:. /]{1,255}$/;
/** `valid_description_regex`: printable characters only (no control characters, no line or paragraph separators). */
const PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}]*$/u;

function schemaError(field: string, value: unknown, why: string, code = 'block.input.invalid'): CinderError {
  return invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${why}`, code);
}

function snapshotKeys(body: Record<string, unknown>, known: readonly string[], field: string): void {
  onlyKeys(body, known, (k, extra) => invalidInput(`${field}.${k}`, `Additional properties are not allowed (${extra.map((x) => `'${x}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`, 'block.input.unknown_field'));
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
  const b = strictBool(value);
  if (b !== undefined) return b;
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
    put(out, k, v);
  }
  return out;
}

// ------------------------------------------------------------------------------ lookups

/** `AVAILABLE_MIGRATION_STATUS` of `cinder/volume/api.py`: (None, 'deleting', 'error', 'success'). */
function migrating(volume: VolumeRow): boolean {
  const m = volume.migration_status as string | null;
  return !(m === null || m === 'deleting' || m === 'error' || m === 'success');
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
  snapshotKeys(body, ['name', 'display_name', 'description', 'volume_id', 'force', 'metadata'], 'snapshot');
  if (!('volume_id' in body)) throw invalidInput('volume_id', "'volume_id' is a required property", 'block.snapshot.volume_id_required');
  const volumeId = body.volume_id;
  if (volumeId !== null && (typeof volumeId !== 'string' || !UUID_RE.test(volumeId))) throw schemaError('volume_id', volumeId, `${describeValue(volumeId)} is not a 'uuid'`, 'block.snapshot.invalid_volume_id');
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
  useQuota(tx, ctx.projectId, 'snapshots', snapshotDeltas(typeName(ctx.s, volume.volume_type_id), volume.size));
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

// ------------------------------------------------------------------------------ update

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
  snapshotKeys(body, ['name', 'description', 'display_name', 'display_description'], 'snapshot');
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
  tx.emit('snapshot.update.start', () => snapshotUsage(tx.draft, snap), publisher('controller'));
  const next = moveSnapshot(tx, snap, snap.status, fields);
  tx.emit('snapshot.update.end', () => snapshotUsage(tx.draft, next), publisher('controller'));
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
  snapshotKeys(body, ['status'], 'os-reset_status');
  if (!('status' in body)) throw invalidInput('status', "'status' is a required property", 'block.snapshot.status_required');
  const raw = body.status;
  if (typeof raw !== 'string') throw schemaError('status', raw, `${describeValue(raw)} is not of type 'string'`, 'block.snapshot.invalid_status_value');
  const status = raw.toLowerCase();
  if (!(SNAPSHOT_STATUSES as readonly string[]).includes(status)) {
    throw new CinderError(400, 'block.snapshot.invalid_status_value', 'InvalidParameterValue', `Snapshot status: ${raw.length > 64 ? `${raw.slice(0, 64)}…` : raw} is invalid, valid statuses are: (${SNAPSHOT_STATUSES.map((x) => `'${x}'`).join(', ')}).`, { field: 'status' });
  }
  tx.emit('snapshot.reset_status.start', () => snapshotUsage(tx.draft, snap), publisher('controller'));
  const next: SnapshotRow = { ...snap, status: status as SnapshotStatus, updated_at: tx.now() };
  setRow(tx.draft.block.snapshots, snap.id, next);
  tx.emit('snapshot.reset_status.end', () => snapshotUsage(tx.draft, next), publisher('controller'));
}

