/**
 * Image data (`glance/api/v2/image_data.py`, `glance/async_/flows/api_image_import.py`): upload
 * (`queued → saving → active`), download, staging (`queued → uploading`) and the interoperable
 * import (`uploading → importing → active`, `glance-direct`). Data goes to Swift as glance_store's
 * swift driver writes it with `swift_store_multi_tenant = False`: one object named by the image
 * id in the `glance` container of the store account.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { BadRequest, CloudError, InvalidInput, NotFound, describeValue, getRow, putBlob, readBlob, releaseBlob, setRow, tableToArray, type CloudState, type Tx } from '../core/index.js';
import { ensureContainer, fetchObject, storeObject } from '../object/index.js';
import { ImageForbidden, ImportRefused, InvalidImageStatus, StoreError } from './errors.js';
import { saveImage, transition } from './images.js';
import { assertMutable, enforceOn, type Ctx } from './context.js';
import { imageNotification } from './views.js';
import type { ImageLocation, ImageRow, TaskRow } from './types.js';

/** The task kind that runs an import flow. */
export const IMPORT_TASK = 'image.import';
/** The property that holds the import lock (`os_glance_import_task`). */
export const IMPORT_LOCK = 'os_glance_import_task';
/** `[task] task_time_to_live`: 48 hours. */
const TASK_TIME_TO_LIVE = 48 * 3600;

/** What the store computed while writing (glance_store's `add` return). */
export interface Stored {
  readonly location: ImageLocation;
  readonly size: number;
  readonly checksum: string;
  readonly os_hash_value: string;
}

/** The md5 `checksum` and sha512 `os_hash_value` glance_store computes while it writes. */
export function imageHashes(data: Uint8Array): { checksum: string; os_hash_value: string } {
  return { checksum: bytesToHex(md5(data)), os_hash_value: bytesToHex(sha512(data)) };
}

/**
 * glance_store swift `add`: the container (created on put, as DevStack configures), then the
 * object. Each byte is hashed once per algorithm, as glance_store's single read loop does: the
 * md5 `checksum` is the ETag Swift computed while storing (the MD5 of the same bytes), the
 * sha512 `os_hash_value` is computed here, and the blob table's SHA-256 key once by the store.
 */
export function writeToStore(tx: Tx, image: ImageRow, data: Uint8Array): Stored {
  const c = tx.draft.image.config;
  const location = { account: c.swift_store_account, container: c.swift_store_container, object: image.id };
  let etag: string;
  try {
    ensureContainer(tx, location.account, location.container);
    etag = storeObject(tx, location.account, location.container, location.object, data, 'application/octet-stream').etag;
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    if (e.status === 413) throw new StoreError(413, 'image.store.full', `Image storage media is full: ${e.message}`, { image_id: image.id, cause: e.code });
    throw new StoreError(500, 'image.store.backend_error', `Failed to add object to Swift. Got error from Swift: ${e.message}`, { image_id: image.id, cause: e.code, swift_status: e.status });
  }
  tx.trace('glance-api', `stored ${data.length} bytes as swift://${location.account}/${location.container}/${location.object}`);
  return { location, size: data.length, checksum: etag, os_hash_value: bytesToHex(sha512(data)) };
}

/** The setter's rule: data may not be saved before both formats are set (400). */
function requireFormats(image: ImageRow): void {
  const missing = (['disk_format', 'container_format'] as const).filter((k) => !image[k]);
  if (missing.length > 0) throw new BadRequest('image.formats.missing', `Propert${missing.length === 1 ? 'y' : 'ies'} ${missing.join(', ')} must be set prior to saving data.`, { missing });
}

function checkSize(tx: Tx, image: ImageRow, data: Uint8Array): void {
  const cap = tx.draft.image.config.image_size_cap;
  if (data.length > cap) throw new StoreError(413, 'image.too_large', `The incoming image is too large: ${data.length} bytes exceed image_size_cap ${cap}.`, { image_id: image.id, size: data.length });
}

/** The row once data is in the store. */
function activated(image: ImageRow, stored: Stored): ImageRow {
  return { ...image, status: 'active', size: stored.size, checksum: stored.checksum, os_hash_algo: 'sha512', os_hash_value: stored.os_hash_value, location: stored.location };
}

function emitStored(tx: Tx, image: ImageRow): void {
  tx.emit('image.upload', () => imageNotification(tx.draft, image));
  tx.emit('image.activate', () => imageNotification(tx.draft, image));
}

/**
 * `PUT /v2/images/{id}/file`: `queued → saving → active`. A store failure answers as Glance
 * (500, or 413 when Swift refuses the size) and the image stays `queued` (`_restore`).
 */
export function uploadData(tx: Tx, ctx: Ctx, image: ImageRow, data: Uint8Array): ImageRow {
  enforceOn(ctx, 'upload_image', image);
  assertMutable(ctx, image);
  transition(image, 'saving');
  requireFormats(image);
  checkSize(tx, image, data);
  const saving = saveImage(tx, { ...image, status: 'saving' });
  tx.emit('image.prepare', () => ({ ...imageNotification(tx.draft, saving), os_glance_importing_to_stores: [], os_glance_failed_import: [] }));
  const stored = writeToStore(tx, saving, data);
  const done = activated(saving, stored);
  emitStored(tx, done);
  return saveImage(tx, done);
}

/**
 * `GET /v2/images/{id}/file`: the bytes, or null where Glance answers 204 No Content (no data
 * yet). A deactivated image is 403 except for an admin.
 */
export function downloadData(s: CloudState, ctx: Ctx, image: ImageRow): Uint8Array | null {
  if (image.status === 'deactivated' && !ctx.isAdmin) throw new ImageForbidden('image.deactivated', 'The requested image has been deactivated. Image data download is forbidden.', { image_id: image.id });
  enforceOn(ctx, 'download_image', image);
  if (image.location === null) return null;
  const { account, container, object } = image.location;
  try {
    return fetchObject(s, account, container, object);
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    if (e.status === 404) return null; // glance_store.NotFound → 204
    throw new StoreError(503, 'image.store.unavailable', `The image data could not be read from Swift: ${e.message}`, { image_id: image.id, cause: e.code });
  }
}

/** `PUT /v2/images/{id}/stage`: `queued → uploading`, the data kept in the staging area. */
export function stageData(tx: Tx, ctx: Ctx, image: ImageRow, data: Uint8Array): ImageRow {
  if (!tx.draft.image.config.enabled_import_methods.includes('glance-direct')) throw new NotFound('image.import.method_unavailable', "'glance-direct' method is not available at this site.");
  enforceOn(ctx, 'modify_image', image);
  assertMutable(ctx, image);
  transition(image, 'uploading');
  checkSize(tx, image, data);
  const staged = putBlob(tx.draft.blobs, data);
  tx.trace('glance-api', `staged ${data.length} bytes for image ${image.id}`);
  return saveImage(tx, { ...image, status: 'uploading', size: data.length, staged });
}

/** The body of `POST /v2/images/{id}/import`. */
export interface ImportRequest {
  readonly method: { readonly name: string; readonly uri?: string };
  readonly all_stores_must_succeed?: boolean;
  readonly all_stores?: boolean;
  readonly stores?: readonly string[];
}

function checkImportBody(tx: Tx, input: unknown): { name: string; uri: string | undefined; mustSucceed: boolean } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidInput('body', 'expected an object with a `method`.');
  const body = input as Record<string, unknown>;
  for (const k of Object.keys(body)) if (!['method', 'all_stores_must_succeed', 'all_stores', 'stores'].includes(k)) throw new InvalidInput(`body.${k}`, 'unknown field; allowed fields are method, all_stores_must_succeed, all_stores, stores.');
  if (body.method === undefined) throw new InvalidInput('body.method', "Import request requires a 'method' field.");
  if (typeof body.method !== 'object' || body.method === null || Array.isArray(body.method)) throw new InvalidInput('body.method', 'expected an object like { name: "glance-direct" }.');
  const method = body.method as Record<string, unknown>;
  if (method.name === undefined) throw new InvalidInput('body.method.name', "Import request requires a 'name' field.");
  if (typeof method.name !== 'string' || !tx.draft.image.config.enabled_import_methods.includes(method.name)) throw new InvalidInput('body.method.name', `Unknown import method name ${describeValue(method.name)}.`);
  if (method.uri !== undefined && typeof method.uri !== 'string') throw new InvalidInput('body.method.uri', 'expected a string.');
  for (const k of ['all_stores_must_succeed', 'all_stores'] as const) if (body[k] !== undefined && typeof body[k] !== 'boolean') throw new InvalidInput(`body.${k}`, `'${k}' must be boolean value only`);
  if (body.stores !== undefined && (!Array.isArray(body.stores) || body.stores.some((x) => typeof x !== 'string'))) throw new InvalidInput('body.stores', 'expected an array of store ids.');
  return { name: method.name, uri: method.uri as string | undefined, mustSucceed: body.all_stores_must_succeed !== false };
}

/**
 * `POST /v2/images/{id}/import` (202): takes the image's import lock and starts the flow as a task.
 * `glance-direct` needs staged data (`uploading`); `web-download` and `copy-image` are refused
 * (400): the simulated cloud has no network to fetch from and a single store to copy to.
 */
export function importImage(tx: Tx, ctx: Ctx, image: ImageRow, input: unknown): TaskRow {
  const { name, uri, mustSucceed } = checkImportBody(tx, input);
  if (image.status === 'active' && name !== 'copy-image') throw new InvalidImageStatus('Image with status active cannot be target for import', { image_id: image.id });
  if (image.status !== 'active' && name === 'copy-image') throw new InvalidImageStatus('Only images with status active can be targeted for copying', { image_id: image.id });
  if (image.status !== 'queued' && name === 'web-download') throw new InvalidImageStatus(`Image needs to be in 'queued' state to use '${name}' method`, { image_id: image.id });
  if (image.status !== 'uploading' && name === 'glance-direct') throw new InvalidImageStatus("Image needs to be staged before 'glance-direct' method can be used", { image_id: image.id, status: image.status });
  if (!image.container_format) throw new InvalidImageStatus("'container_format' needs to be set before import", { image_id: image.id });
  if (!image.disk_format) throw new InvalidImageStatus("'disk_format' needs to be set before import", { image_id: image.id });
  if (name === 'copy-image') enforceOn(ctx, 'copy_image', image);
  else {
    enforceOn(ctx, 'modify_image', image);
    assertMutable(ctx, image);
  }
  if (image.properties[IMPORT_LOCK] !== undefined) throw new InvalidImageStatus('Image has active task', { image_id: image.id, task_id: image.properties[IMPORT_LOCK] });
  if (!mustSucceed) throw new InvalidInput('body.all_stores_must_succeed', `All_stores_must_succeed can only be set with enabled_backends ${uri ?? 'None'}`);
  if (name === 'web-download') throw new ImportRefused('image.import.offline', `web-download cannot fetch ${uri ?? 'its uri'}: the simulated cloud has no network access. Stage the data (stageImageData) and import with glance-direct instead.`, { method: name });
  if (name === 'copy-image') throw new ImportRefused('image.import.single_store', 'copy-image copies an image to other stores, but this cloud has a single store (no enabled_backends).', { method: name });
  const now = tx.now();
  const task: TaskRow = {
    id: tx.ids.uuid(),
    type: 'api_image_import',
    status: 'pending',
    owner: ctx.owner,
    image_id: image.id,
    user_id: ctx.userId,
    request_id: tx.requestId,
    input: { image_id: image.id, import_req: { method: { name } }, backend: [null] },
    result: null,
    message: '',
    created_at: now,
    updated_at: now,
    expires_at: null,
  };
  setRow(tx.draft.image.tasks, task.id, task);
  saveImage(tx, { ...image, properties: { ...image.properties, [IMPORT_LOCK]: task.id } });
  tx.schedule(IMPORT_TASK, { task_id: task.id }, 0);
  tx.trace('glance-api', `import of image ${image.id} accepted (task ${task.id})`);
  return task;
}

function finishTask(tx: Tx, task: TaskRow, outcome: { status: 'success'; result: Record<string, unknown> } | { status: 'failure'; message: string }): void {
  const now = tx.now();
  const row: TaskRow = outcome.status === 'success'
    ? { ...task, status: 'success', result: outcome.result, updated_at: now, expires_at: now + TASK_TIME_TO_LIVE }
    : { ...task, status: 'failure', message: outcome.message, updated_at: now, expires_at: now + TASK_TIME_TO_LIVE };
  setRow(tx.draft.image.tasks, row.id, row);
}

/** The import flow, run as a task: `uploading → importing`, the staged data to Swift, `active`; on failure back to `queued`. */
export function runImport(tx: Tx, args: unknown): void {
  const taskId = (args as { task_id: string }).task_id;
  const pending = getRow(tx.draft.image.tasks, taskId);
  if (!pending) return;
  const task: TaskRow = { ...pending, status: 'processing', updated_at: tx.now() };
  setRow(tx.draft.image.tasks, task.id, task);
  const image = getRow(tx.draft.image.images, task.image_id);
  if (!image) return finishTask(tx, task, { status: 'failure', message: 'Image has been deleted, aborting import.' });
  const { [IMPORT_LOCK]: _lock, ...unlocked } = image.properties;
  if (image.status !== 'uploading' || image.staged === null) {
    saveImage(tx, { ...image, properties: unlocked });
    return finishTask(tx, task, { status: 'failure', message: `Image status is ${image.status}; it needs staged data to import.` });
  }
  const importing = saveImage(tx, { ...image, status: 'importing' });
  tx.emit('image.prepare', () => ({ ...imageNotification(tx.draft, importing), os_glance_importing_to_stores: [], os_glance_failed_import: [] }));
  const data = readBlob(tx.draft.blobs, image.staged);
  let stored: Stored;
  try {
    stored = writeToStore(tx, importing, data);
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    // revert: the lock is dropped and the image goes back to queued (size cleared); the staged data is removed
    releaseBlob(tx.draft.blobs, image.staged);
    saveImage(tx, { ...importing, status: 'queued', size: null, virtual_size: null, staged: null, properties: unlocked });
    tx.trace('glance-api', `import of image ${image.id} failed: ${e.message}`);
    return finishTask(tx, task, { status: 'failure', message: e.message });
  }
  releaseBlob(tx.draft.blobs, image.staged); // _DeleteFromFS
  const done = activated({ ...importing, staged: null, properties: unlocked }, stored);
  emitStored(tx, done);
  saveImage(tx, done);
  tx.trace('glance-api', `import of image ${image.id} finished: active`);
  finishTask(tx, task, { status: 'success', result: { image_id: image.id } });
}

/** The tasks of an image, oldest first (`tasks_get_by_image`). */
export function tasksOf(s: CloudState, imageId: string): TaskRow[] {
  return tableToArray(s.image.tasks)
    .filter((t) => t.image_id === imageId)
    .sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
}
