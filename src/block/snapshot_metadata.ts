/**
 * A snapshot's metadata (`cinder/api/v3/snapshot_metadata.py` over
 * `cinder/api/v2/snapshot_metadata.py` `Controller`, `cinder/volume/api.py`
 * `get_snapshot_metadata` / `update_snapshot_metadata` / `delete_snapshot_metadata`,
 * `cinder/utils.py` `check_metadata_properties`): the API has no schema, so keys and values are
 * checked as `check_metadata_properties` does (400 `InvalidVolumeMetadata`, 413
 * `InvalidVolumeMetadataSize`).
 *
 * Not simulated: more than 1024 items in one request (stacksim's bound, a 400).
 */
import { describeValue, type Tx } from '../core/index.js';
import { enforce, targetOf, type Ctx } from './context.js';
import { CinderError, invalidInput } from './errors.js';
import { copy, put } from './input.js';
import { CINDER_RULES } from './policies.js';
import { getSnapshot } from './snapshot_views.js';
import { moveSnapshot } from './statuses.js';
import type { SnapshotRow } from './types.js';

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
    put(out, k, v);
  }
  return out;
}

/** `assert_valid_body(body, name)`: the body holds an object under `name`. */
function wrapped(input: unknown, name: string): Record<string, unknown> {
  const body = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : null;
  return element(body !== null && Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined, name);
}

/** The object a request's element must be (`assert_valid_body`'s second half): else "Missing required element". */
export function element(inner: unknown, name: string): Record<string, unknown> {
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) throw new CinderError(400, 'block.input.missing_element', 'HTTPBadRequest', `Missing required element '${name}' in request body.`, { field: name });
  return inner as Record<string, unknown>;
}

function metaKeyArg(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 255) throw invalidInput('key', `expected a metadata key (1 to 255 characters), got ${describeValue(key)}`, 'block.input.invalid_metadata');
  return key;
}

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
  put(out, k, data[k] as string);
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
  const merged: Record<string, string> = replace ? {} : copy(snap.metadata);
  for (const [k, v] of Object.entries(metadata)) put(merged, k, v);
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
  for (const [mk, v] of Object.entries(snap.metadata)) if (mk !== k) put(rest, mk, v);
  moveSnapshot(tx, snap, snap.status, { metadata: rest });
}
