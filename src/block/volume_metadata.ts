/**
 * A volume's metadata (`cinder/api/v2/volume_metadata.py`, `cinder/api/v3/volume_metadata.py`,
 * `cinder/api/schemas/volume_metadata.py`, `cinder/volume/api.py` `get_volume_metadata`,
 * `create_volume_metadata`, `update_volume_metadata`, `delete_volume_metadata`,
 * `cinder/db/sqlalchemy/api.py` `_volume_x_metadata_update`) and its image metadata
 * (`cinder/api/contrib/volume_image_metadata.py`: `os-set_image_metadata`,
 * `os-unset_image_metadata`, `os-show_image_metadata`), under Zed's policies
 * (`cinder/policies/volume_metadata.py`):
 * - `GET /volumes/{id}/metadata` and `GET …/metadata/{key}`: `volume:get_volume_metadata` (readers);
 * - `POST /volumes/{id}/metadata` (merge): `volume:create_volume_metadata`;
 * - `PUT /volumes/{id}/metadata` (replace) and `PUT …/metadata/{key}`: `volume:update_volume_metadata`;
 * - `DELETE …/metadata/{key}`: `volume:get_volume_metadata` to find it, then `volume:delete_volume_metadata`;
 * - a key the volume lacks: 404 `VolumeMetadataNotFound`; a volume `maintenance` or `uploading`:
 *   400 `InvalidVolume`; keys match `^[a-zA-Z0-9-_:. /]{1,255}$`, values are strings of at most
 *   255 characters (`parameter_types.extra_specs`).
 * Every lookup first is `volume_api.get` (the volume among those the caller sees, and
 * `volume:get`, else 404). Metadata ETags (3.26): {@link volumeMetadataEtag} is the `Etag` of a
 * `GET …/metadata`, and a replace or an item update given `ifMatch` that does not list the
 * current one is Cinder's 412. Not simulated: more than 1024 keys in one request (400).
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describeValue, type Tx } from '../core/index.js';
import { enforce, targetOf, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume } from './errors.js';
import { CINDER_RULES } from './policies.js';
import { moveVolume } from './statuses.js';
import type { VolumeRow } from './types.js';
import { getVolumeFor, onlyKeys } from './volume_actions.js';
import { METADATA_KEY, bodyArg, copy, put } from './input.js';

/** A volume's metadata (`{"metadata": {…}}`). */
export interface VolumeMetadataView {
  readonly metadata: Readonly<Record<string, string>>;
}

/** One item of a volume's metadata (`{"meta": {key: value}}`). */
export interface VolumeMetadataItemView {
  readonly meta: Readonly<Record<string, string>>;
}

/** What a replace or an item update may carry: the ETags of `If-Match` (3.26). */
export interface MetadataWriteOptions {
  readonly ifMatch?: string | readonly string[];
}

/** The most keys one request may carry (stacksim's bound; Cinder has none). */
const MAX_KEYS = 1024;

/** `parameter_types.extra_specs`: an object of pattern keys to strings of at most 255 characters. */
function metadataBody(value: unknown, field: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is not of type 'object'`, 'block.metadata.invalid');
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_KEYS) throw invalidInput(field, `at most ${MAX_KEYS} metadata items per request, got ${keys.length}`, 'block.metadata.too_many');
  const out: Record<string, string> = {};
  for (const k of keys) {
    const shown = k.length > 64 ? `${k.slice(0, 64)}…` : k;
    if (!METADATA_KEY.test(k)) throw invalidInput(`${field}.${shown}`, `Invalid input for field/attribute ${field}. Additional properties are not allowed ('${shown}' was unexpected): keys are 1 to 255 of a-z A-Z 0-9 - _ : . / and spaces`, 'block.metadata.invalid_key');
    const v = (value as Record<string, unknown>)[k];
    if (typeof v !== 'string' || v.length > 255) {
      throw invalidInput(`${field}.${shown}`, `Invalid input for field/attribute ${shown}. Value: ${describeValue(v)}. expected a string of at most 255 characters`, 'block.metadata.invalid_value');
    }
    put(out, k, v);
  }
  return out;
}

/** A `{key}` of the URL: a string of 1 to 255 characters (a longer one names no item: 400 here). */
function keyArg(value: unknown, field = 'key'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) {
    throw invalidInput(field, `expected a metadata key (a string of 1 to 255 characters), got ${describeValue(value)}`, 'block.metadata.invalid_key');
  }
  return value;
}

function metadataNotFound(volumeId: string, key: string): CinderError {
  return new CinderError(404, 'block.volume_metadata.not_found', 'VolumeMetadataNotFound', `Volume ${volumeId} has no metadata with key ${key}.`, { volume_id: volumeId, key });
}

/** `_update_volume_metadata` / `delete_volume_metadata`: refused while `maintenance` or `uploading`. */
function checkWritable(volume: VolumeRow, verb: 'Updating' | 'Deleting'): void {
  if (volume.status === 'maintenance' || volume.status === 'uploading') {
    throw invalidVolume(`${verb} volume metadata is not allowed for volumes in ${volume.status} status.`, { volume_id: volume.id, status: volume.status }, 'block.volume_metadata.invalid_status');
  }
}

/** `json.dumps` of a flat string dict as oslo's `jsonutils.dumps` writes it (`", "`, `": "`, ASCII only). */
function pythonJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`);
  return `{${entries.join(', ')}}`;
}

/** The `Etag` of `GET /volumes/{id}/metadata` at 3.26+: the md5 of the JSON body. */
export function metadataEtag(metadata: Readonly<Record<string, string>>): string {
  return bytesToHex(md5(utf8ToBytes(pythonJson({ metadata }))));
}

/** `GET /v3/{project_id}/volumes/{id}/metadata`. */
export function showVolumeMetadata(ctx: Ctx, ref: unknown): VolumeMetadataView {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volumeMetadata.get, targetOf(volume));
  return { metadata: volume.metadata };
}

/** The `Etag` a `GET /v3/{project_id}/volumes/{id}/metadata` answers with (3.26+). */
export function volumeMetadataEtag(ctx: Ctx, ref: unknown): string {
  return metadataEtag(showVolumeMetadata(ctx, ref).metadata);
}

/** `_validate_etag`: with `If-Match`, the current metadata's ETag must be among those given (412 otherwise). */
function checkEtag(ctx: Ctx, volume: VolumeRow, options: unknown): void {
  if (options === undefined || options === null) return;
  const o = bodyArg(options, 'options');
  onlyKeys(o, ['ifMatch'], 'options');
  if (o.ifMatch === undefined) return;
  const given = typeof o.ifMatch === 'string' ? [o.ifMatch] : o.ifMatch;
  if (!Array.isArray(given) || given.length > 64 || !given.every((e): e is string => typeof e === 'string' && e.length <= 255)) {
    throw invalidInput('ifMatch', `expected an ETag or a list of at most 64 ETags, got ${describeValue(o.ifMatch)}`, 'block.volume_metadata.invalid_etag');
  }
  enforce(ctx, CINDER_RULES.volumeMetadata.get, targetOf(volume));
  const current = metadataEtag(volume.metadata);
  if (!given.includes(current) && !given.includes('*')) {
    throw new CinderError(412, 'block.volume_metadata.precondition_failed', 'HTTPPreconditionFailed', 'The volume metadata changed since it was read: the If-Match ETag is not the current one.', { volume_id: volume.id, etag: current });
  }
}

/** `POST /v3/{project_id}/volumes/{id}/metadata` `{metadata}`: merged into the volume's; answers the whole metadata. */
export function createVolumeMetadata(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): VolumeMetadataView {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volumeMetadata.create, targetOf(volume));
  const body = bodyArg(input, 'body');
  onlyKeys(body, ['metadata'], 'body');
  const given = metadataBody(body.metadata, 'metadata');
  checkWritable(volume, 'Updating');
  const merged = copy(volume.metadata);
  for (const [k, v] of Object.entries(given)) put(merged, k, v);
  const next = moveVolume(tx, volume, volume.status, { metadata: merged });
  return { metadata: next.metadata };
}

/** `PUT /v3/{project_id}/volumes/{id}/metadata` `{metadata}`: replaces the volume's metadata (keys not given are deleted). */
export function replaceVolumeMetadata(tx: Tx, ctx: Ctx, ref: unknown, input: unknown, options?: MetadataWriteOptions): VolumeMetadataView {
  const volume = getVolumeFor(ctx, ref);
  checkEtag(ctx, volume, options);
  enforce(ctx, CINDER_RULES.volumeMetadata.update, targetOf(volume));
  const body = bodyArg(input, 'body');
  onlyKeys(body, ['metadata'], 'body');
  const given = metadataBody(body.metadata, 'metadata');
  checkWritable(volume, 'Updating');
  const next = moveVolume(tx, volume, volume.status, { metadata: given });
  return { metadata: next.metadata };
}

/** `GET /v3/{project_id}/volumes/{id}/metadata/{key}`: `{meta: {key: value}}`, or 404 `VolumeMetadataNotFound`. */
export function showVolumeMetadataItem(ctx: Ctx, ref: unknown, key: unknown): VolumeMetadataItemView {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volumeMetadata.get, targetOf(volume));
  const k = keyArg(key);
  if (!Object.hasOwn(volume.metadata, k)) throw metadataNotFound(volume.id, k);
  const meta: Record<string, string> = {};
  put(meta, k, volume.metadata[k] as string);
  return { meta };
}

/**
 * `PUT /v3/{project_id}/volumes/{id}/metadata/{key}` `{meta: {key: value}}`: one item set; the
 * body must hold exactly that key ("Request body and URI mismatch", "Request body contains too
 * many items").
 */
export function updateVolumeMetadataItem(tx: Tx, ctx: Ctx, ref: unknown, key: unknown, input: unknown, options?: MetadataWriteOptions): VolumeMetadataItemView {
  const volume = getVolumeFor(ctx, ref);
  checkEtag(ctx, volume, options);
  enforce(ctx, CINDER_RULES.volumeMetadata.update, targetOf(volume));
  const k = keyArg(key);
  const body = bodyArg(input, 'body');
  onlyKeys(body, ['meta'], 'body');
  const meta = metadataBody(body.meta, 'meta');
  const count = Object.keys(meta).length;
  if (count === 0) throw invalidInput('meta', 'Invalid input for field/attribute meta. {} does not have enough properties', 'block.volume_metadata.empty');
  if (!Object.hasOwn(meta, k)) throw invalidInput('meta', 'Request body and URI mismatch', 'block.volume_metadata.uri_mismatch');
  if (count > 1) throw invalidInput('meta', 'Request body contains too many items', 'block.volume_metadata.too_many_items');
  checkWritable(volume, 'Updating');
  const merged = copy(volume.metadata);
  put(merged, k, meta[k] as string);
  moveVolume(tx, volume, volume.status, { metadata: merged });
  return { meta };
}

/** `DELETE /v3/{project_id}/volumes/{id}/metadata/{key}`: 404 `VolumeMetadataNotFound` when the volume lacks it. */
export function deleteVolumeMetadataItem(tx: Tx, ctx: Ctx, ref: unknown, key: unknown): void {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volumeMetadata.get, targetOf(volume));
  const k = keyArg(key);
  if (!Object.hasOwn(volume.metadata, k)) throw metadataNotFound(volume.id, k);
  enforce(ctx, CINDER_RULES.volumeMetadata.delete, targetOf(volume));
  checkWritable(volume, 'Deleting');
  const rest = copy(volume.metadata);
  delete rest[k];
  moveVolume(tx, volume, volume.status, { metadata: rest });
}

// ------------------------------------------------------------------------------ image metadata

function glanceMetadataNotFound(volumeId: string): CinderError {
  return new CinderError(404, 'block.volume_image_metadata.not_found', 'GlanceMetadataNotFound', `Glance metadata for volume/snapshot ${volumeId} cannot be found.`, { volume_id: volumeId });
}

/** `get_volume_image_metadata`: `volume:get_volume_metadata`, then the rows (none: 404 `GlanceMetadataNotFound`). */
function imageMetadataOf(ctx: Ctx, volume: VolumeRow): Readonly<Record<string, string>> {
  enforce(ctx, CINDER_RULES.volumeMetadata.get, targetOf(volume));
  const meta = volume.glance_metadata;
  if (meta === null || Object.keys(meta).length === 0) throw glanceMetadataNotFound(volume.id);
  return meta;
}

/** `POST …/action {"os-show_image_metadata": null}`: the volume's image metadata (404 `GlanceMetadataNotFound` when it has none). */
export function showVolumeImageMetadata(ctx: Ctx, ref: unknown): VolumeMetadataView {
  const volume = getVolumeFor(ctx, ref);
  return { metadata: imageMetadataOf(ctx, volume) };
}

/**
 * `POST …/action {"os-set_image_metadata": {metadata}}`: `volume_extension:volume_image_metadata:set`
 * and `volume:update_volume_metadata`; keys added or changed in the volume's image metadata
 * (created when the volume had none); answers the whole image metadata.
 */
export function setVolumeImageMetadata(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): VolumeMetadataView {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volumeMetadata.imageMetadataSet, targetOf(volume));
  enforce(ctx, CINDER_RULES.volumeMetadata.update, targetOf(volume));
  const body = bodyArg(input, 'os-set_image_metadata');
  onlyKeys(body, ['metadata'], 'os-set_image_metadata');
  const given = metadataBody(body.metadata, 'metadata');
  checkWritable(volume, 'Updating');
  const merged = copy(volume.glance_metadata ?? {});
  for (const [k, v] of Object.entries(given)) put(merged, k, v);
  const next = moveVolume(tx, volume, volume.status, { glance_metadata: Object.keys(merged).length === 0 ? volume.glance_metadata : merged });
  return { metadata: next.glance_metadata ?? {} };
}

/**
 * `POST …/action {"os-unset_image_metadata": {key}}`: `…:volume_image_metadata:remove`, then
 * `volume:get_volume_metadata` to read it (404 `GlanceMetadataNotFound` when the volume has no
 * image metadata or not that key) and `volume:delete_volume_metadata`. The last key gone, the
 * volume shows no `volume_image_metadata`.
 */
export function unsetVolumeImageMetadata(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volumeMetadata.imageMetadataRemove, targetOf(volume));
  const body = bodyArg(input, 'os-unset_image_metadata');
  onlyKeys(body, ['key'], 'os-unset_image_metadata');
  const k = keyArg(body.key, 'key');
  const meta = imageMetadataOf(ctx, volume);
  if (!Object.hasOwn(meta, k)) throw glanceMetadataNotFound(volume.id);
  enforce(ctx, CINDER_RULES.volumeMetadata.delete, targetOf(volume));
  checkWritable(volume, 'Deleting');
  const rest = copy(meta);
  delete rest[k];
  moveVolume(tx, volume, volume.status, { glance_metadata: Object.keys(rest).length === 0 ? null : rest });
}
