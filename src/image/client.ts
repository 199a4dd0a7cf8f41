/**
 * Glance as the services above it call it with the user's token, as Cinder's and Nova's
 * `image/glance.py` clients do (python-glanceclient): the image the caller may see (404 otherwise,
 * then Glance's `get_image` / `download_image` policy), its bytes, and a new image created and
 * uploaded for the caller (`add_image`, `upload_image`). Each runs Glance's own checks with the
 * caller's credentials inside the calling service's transaction.
 */
import { CloudError, getRow, type CloudState, type PolicyCredentials, type PolicyEngine, type Tx } from '../core/index.js';
import { fetchObject } from '../object/index.js';
import { ImageForbidden } from './errors.js';
import { enforceOn, getImage, makeCtx } from './context.js';
import { downloadData, uploadData } from './data.js';
import { createImage } from './images.js';
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

/** An image's bytes as the store holds them (null when it has none or they are gone), for a service whose request was authorised earlier. */
export function storedImageData(s: CloudState, imageId: string): Uint8Array | null {
  const image = getRow(s.image.images, imageId);
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
