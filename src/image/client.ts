/**
 * Glance as the services above it call it with the user's token, as Cinder's and Nova's
 * `image/glance.py` clients do (python-glanceclient): the image the caller may see (404 otherwise,
 * then Glance's `get_image` / `download_image` policy), its bytes, and a new image created and
 * uploaded for the caller (`add_image`, `upload_image`). Each runs Glance's own checks with the
 * caller's credentials inside the calling service's transaction.
 */
import { CloudError, getRow, peek, type CloudState, type PolicyCredentials, type PolicyEngine, type Tx } from '../core/index.js';
import { fetchObject } from '../object/index.js';
import { ImageForbidden } from './errors.js';
import { enforceOn, getImage, makeCtx } from './context.js';
import { downloadData, uploadData } from './data.js';
import { createImage, deleteImage, updateImage } from './images.js';
import { listImages, type ImageListQuery } from './list.js';
import { addMember } from './members.js';
import type { ImageRow } from './types.js';
import { imageView, type ImageView } from './views.js';
import type { ImageCreateRequest } from './api.js';

/** `GET /v2/images/{id}` for the caller: the row (404 when it may not see it, 403 when `get_image` refuses). */
export function imageFor(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, ref: unknown, field = 'imageRef'): ImageRow {
  const ctx = makeCtx(s, policy, creds);
  const image = getImage(ctx, ref, field);
  enforceOn(ctx, 'get_image', image);
  return image;
}

/** `GET /v2/images/{id}/file` for the caller: the bytes, or null when the image has none. */
export function imageDataFor(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, image: ImageRow): Uint8Array | null {
  return downloadData(s, makeCtx(s, policy, creds), image);
}

/**
 * Whether the caller may download an image (deactivated: admins only; `download_image`), checked
 * when a service accepts the request, before it reads the bytes later with {@link storedImageData}.
 */
export function authorizeImageDownload(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, image: ImageRow): void {
  const ctx = makeCtx(s, policy, creds);
  if (image.status === 'deactivated' && !ctx.isAdmin) throw new ImageForbidden('image.deactivated', 'The requested image has been deactivated. Image data download is forbidden.', { image_id: image.id });
  enforceOn(ctx, 'download_image', image);
}

/** The size Glance records for an image's stored bytes (0 when it has none), for a service planning a transfer without reading the store (which may be down). */
export function storedImageSize(s: CloudState, imageId: string): number {
  const image = getRow(peek(s, 'image', 'images'), imageId);
  return image === undefined || image.location === null ? 0 : image.size ?? 0;
}

/** An image's bytes as the store holds them (null when it has none or they are gone), for a service whose request was authorised earlier. */
export function storedImageData(s: CloudState, imageId: string): Uint8Array | null {
  const image = getRow(peek(s, 'image', 'images'), imageId);
  if (image === undefined || image.location === null) return null;
  try {
    return fetchObject(s, image.location.account, image.location.container, image.location.object);
  } catch (e) {
    if (e instanceof CloudError && e.status === 404) return null;
    throw e;
  }
}

/** `POST /v2/images` then `PUT /v2/images/{id}/file` for the caller: the new image's view once active. */
export function createImageFor(tx: Tx, policy: PolicyEngine, creds: PolicyCredentials, body: ImageCreateRequest, data: Uint8Array): ImageView {
  const ctx = makeCtx(tx.draft as CloudState, policy, creds);
  const image = createImage(tx, ctx, body);
  uploadData(tx, makeCtx(tx.draft as CloudState, policy, creds), image, data);
  return imageView(tx.draft as CloudState, getImage(makeCtx(tx.draft as CloudState, policy, creds), { id: image.id }));
}

/**
 * `POST /v2/images` for the caller, without data (nova's `image_api.create` of a snapshot or a
 * backup: the image stays `queued` until nova-compute uploads it), then — when nova creates the
 * image for another project's server (`instance_owner`) — `POST /v2/images/{id}/members` for that
 * project, as nova's `_create_v2` does. Glance's own checks and policy decide.
 */
export function reserveImageFor(tx: Tx, policy: PolicyEngine, creds: PolicyCredentials, body: ImageCreateRequest, sharingMemberId: string | null = null): ImageView {
  const image = createImage(tx, makeCtx(tx.draft as CloudState, policy, creds), body);
  if (sharingMemberId !== null) addMember(tx, makeCtx(tx.draft as CloudState, policy, creds), getRow((tx.draft as CloudState).image.images, image.id) as ImageRow, { member: sharingMemberId });
  return imageView(tx.draft as CloudState, getImage(makeCtx(tx.draft as CloudState, policy, creds), { id: image.id }));
}

/**
 * nova's `image_api.update(id, metadata, data, purge_props=False)` as the libvirt driver's snapshot
 * calls it: the formats and properties set on the queued image (`PATCH /v2/images/{id}`), then its
 * data (`PUT /v2/images/{id}/file`). Answers the active image's view.
 */
export function uploadImageFor(
  tx: Tx,
  policy: PolicyEngine,
  creds: PolicyCredentials,
  imageId: string,
  metadata: { readonly disk_format: string; readonly container_format: string; readonly properties?: Readonly<Record<string, string>> },
  data: Uint8Array,
): ImageView {
  const ctx = () => makeCtx(tx.draft as CloudState, policy, creds);
  const found = getImage(ctx(), { id: imageId });
  const pointer = (k: string) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const changes: { op: string; path: string; value: string }[] = (['disk_format', 'container_format'] as const).filter((k) => found[k] !== metadata[k]).map((k) => ({ op: 'replace', path: `/${k}`, value: metadata[k] }));
  for (const [k, v] of Object.entries(metadata.properties ?? {})) if (found.properties[k] !== v) changes.push({ op: 'add', path: pointer(k), value: v });
  const updated = changes.length > 0 ? updateImage(tx, ctx(), found, changes) : found;
  uploadData(tx, ctx(), updated, data);
  return imageView(tx.draft as CloudState, getImage(ctx(), { id: imageId }));
}

/** `DELETE /v2/images/{id}` for the caller (nova's `image_api.delete`: a backup rotated out, a snapshot of a deleted server). */
export function deleteImageFor(tx: Tx, policy: PolicyEngine, creds: PolicyCredentials, imageId: string): void {
  const ctx = makeCtx(tx.draft as CloudState, policy, creds);
  deleteImage(tx, ctx, getImage(ctx, { id: imageId }));
}

/** `GET /v2/images` for the caller, every page followed (nova's `image_api.get_all`). */
export function listImagesFor(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, query: ImageListQuery = {}): ImageView[] {
  const ctx = makeCtx(s, policy, creds);
  const out: ImageView[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = listImages(ctx, { ...query, limit: 1000, ...(marker !== undefined ? { marker } : {}) });
    out.push(...page.images);
    if (page.next === undefined || page.images.length === 0) return out;
    marker = page.images[page.images.length - 1]!.id;
  }
}
