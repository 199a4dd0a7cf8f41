/**
 * `POST /v3/{project_id}/volumes/{id}/action {"os-volume_upload_image": {…}}`, as Zed's Cinder
 * runs it: the API part (`cinder/api/contrib/volume_actions.py` `_volume_upload_image`,
 * `cinder/volume/api.py` `copy_volume_to_image`), the image created in Glance for the caller
 * through Glance's own door (`src/image` `createImageFor`), and the volume manager's end
 * ({@link UPLOAD_TASK}, `cinder/volume/manager.py` `copy_volume_to_image`), which gives the volume
 * its status back after the bytes' time over the storage link.
 *
 * Not simulated: conversion to `disk_format` (the bytes are raw whatever the format), encrypted
 * volumes, `image_upload_use_cinder_backend`, `enable_force_upload` (Zed's default, False), and an
 * upload failing after the call (Glance refuses at once here).
 */
import { CloudError, describeValue, getRow, readBlob, type CloudState, type Tx } from '../core/index.js';
import { createImageFor, type ImageCreateRequest, type ImageView } from '../image/index.js';
import { BLOCK_SIZE, writtenBlocks } from './blocks.js';
import { enforce, indexed, ownTarget, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume } from './errors.js';
import { CINDER_RULES } from './policies.js';
import { moveVolume } from './statuses.js';
import { timestamp } from './views.js';
import { LINK_BYTES_PER_SECOND, getVolumeFor, onlyKeys, optionalBool } from './volume_actions.js';
import { bodyArg } from './input.js';

/** The volume manager's `copy_volume_to_image` end (a task): the volume back from `uploading`. */
export const UPLOAD_TASK = 'block.volume.upload_image';
/** The most bytes an upload to an image may carry: 1 GiB (stacksim holds them in memory, and Glance and Swift hash them all: see {@link uploadBytes}). */
export const MAX_UPLOAD_BYTES = 2 ** 30;

/** `parameter_types.description`'s printable characters (not `\p{C}`, no line or paragraph separators, BMP only), Python's `$` letting one final newline through. */
const PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}\u{FFFF}-\u{10FFFF}]*\n?$/u;

/** `os-volume_upload_image`: the request body's object (3.1+: `visibility`, `protected`). */
export interface VolumeUploadImageRequest {
  readonly image_name: string;
  /** Ignored: `[DEFAULT] enable_force_upload` is False in Zed, so only `available` volumes upload. */
  readonly force?: boolean | string;
  /** `raw` (default), `vmdk`, `vdi`, `qcow2`, `vhd`, `vhdx`, `ploop`. */
  readonly disk_format?: string;
  /** `bare` by default. */
  readonly container_format?: string | null;
  /** `private` (default), `public` (`upload_public`: admins), `shared`, `community`. */
  readonly visibility?: string;
  readonly protected?: boolean | string;
}

/** The volume type as `jsonutils` serialises the `VolumeType` object in the upload's answer. */
export interface UploadVolumeTypeView {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly is_public: boolean;
  readonly extra_specs: Readonly<Record<string, string>>;
  readonly qos_specs_id: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly deleted_at: null;
  readonly deleted: false;
}

/** The answer's `os-volume_upload_image` object (`volume/api.py` `copy_volume_to_image`'s `response`). */
export interface VolumeUploadImageView {
  readonly id: string;
  readonly updated_at: string;
  readonly status: 'uploading';
  readonly display_description: string | null;
  readonly size: number;
  readonly volume_type: UploadVolumeTypeView | null;
  readonly image_id: string;
  readonly container_format: string | null;
  readonly disk_format: string | null;
  readonly image_name: string | null;
  readonly protected: boolean;
  readonly visibility: string;
}

const DISK_FORMATS = ['raw', 'vmdk', 'vdi', 'qcow2', 'vhd', 'vhdx', 'ploop'] as const;
const VISIBILITIES = ['community', 'public', 'private', 'shared'] as const;
/** `[glance] glance_core_properties`: the volume image metadata keys not copied to the new image. */
const GLANCE_CORE_PROPERTIES = ['checksum', 'container_format', 'disk_format', 'image_name', 'image_id', 'min_disk', 'min_ram', 'name', 'size'];
/** `image_utils.GLANCE_RESERVED_NAMESPACES`: property prefixes never sent back to Glance. */
const GLANCE_RESERVED_NAMESPACES = ['os_glance', 'img_signature'];

/**
 * What an upload sends: the volume's bytes as a raw image read sparsely — up to its last written
 * block, trailing zero bytes trimmed (a sparse file's upload), rather than the whole
 * `size × 1 GiB`. A volume never written uploads an empty image. An image reaching past
 * {@link MAX_UPLOAD_BYTES} is refused (400 naming the limit).
 *
 * The image is allocated once at its final length and only written blocks are copied into it (the
 * rest are the fresh array's zeros): this function costs the written blocks and one allocation
 * (one block written at 512 MiB: 15 ms, where reading the whole range then slicing it took 1.1 s).
 * What an upload costs is Glance's and Swift's, and it follows the image's length, not what was
 * written: measured (stacksim, one core, one block written at 128 MiB, a 7.3 s upload), 99 % went
 * to hashing and storing the 128 MiB Glance must hold — Swift's MD5 ETag 2.5 s, the blob's SHA-256
 * 1.0 s and base64 0.3 s, Glance's SHA-512 `os_hash_value` 3.3 s (at 512 MiB: MD5 11.4 s,
 * SHA-256 5.4 s, SHA-512 10.7 s, base64 2.2 s). Hence the cap.
 */
export function uploadBytes(s: CloudState, volumeId: string): Uint8Array {
  const written = writtenBlocks(s, volumeId);
  const last = written[written.length - 1];
  if (last === undefined) return new Uint8Array(0);
  const end = (last[0] + 1) * BLOCK_SIZE;
  if (end > MAX_UPLOAD_BYTES) {
    throw invalidVolume(`Volume ${volumeId}'s written data reaches byte ${end}: an upload to an image is limited to the first ${MAX_UPLOAD_BYTES} bytes (1 GiB, MAX_UPLOAD_BYTES) of a volume in stacksim.`, { volume_id: volumeId, bytes: end, limit: MAX_UPLOAD_BYTES }, 'block.volume.upload_too_large');
  }
  // the length: up to the last non-zero byte (a written block is never all zeros, but be exact)
  let length = 0;
  let tail: Uint8Array | null = null;
  for (let i = written.length - 1; i >= 0 && length === 0; i--) {
    const [index, blob] = written[i] as [number, string];
    const bytes = readBlob(s.blobs, blob);
    let n = bytes.length;
    while (n > 0 && bytes[n - 1] === 0) n--;
    if (n > 0) {
      length = index * BLOCK_SIZE + n;
      tail = bytes;
    }
  }
  const out = new Uint8Array(length);
  for (const [index, blob] of written) {
    const at = index * BLOCK_SIZE;
    if (at >= length) break;
    const bytes = at + BLOCK_SIZE >= length && tail !== null ? tail : readBlob(s.blobs, blob);
    out.set(bytes.subarray(0, Math.min(BLOCK_SIZE, length - at)), at);
  }
  return out;
}

function uploadTypeView(s: CloudState, typeId: string): UploadVolumeTypeView | null {
  const t = getRow(s.block.volume_types, typeId);
  if (t === undefined) return null;
  return { id: t.id, name: t.name, description: t.description, is_public: t.is_public, extra_specs: t.extra_specs, qos_specs_id: t.qos_specs_id, created_at: timestamp(s, t.created_at), updated_at: timestamp(s, t.updated_at), deleted_at: null, deleted: false };
}

/**
 * `POST …/action {"os-volume_upload_image": {…}}` (202): `upload_image` (and `upload_public` for a
 * public image); the volume must be `available` (`force` is ignored, as Zed's default
 * `enable_force_upload = False` makes Cinder do) and goes `uploading`; a new Glance image is
 * created for the caller with the volume's custom image properties (its volume image metadata
 * less `glance_core_properties` and the reserved namespaces) and the bytes of
 * {@link uploadBytes}, uploaded at once (the image is `active` when the call returns). The volume
 * manager then returns the volume to `available` or `in-use` by its attachments
 * ({@link runUpload}). Anything Glance refuses is Cinder's 400 with Glance's message (Cinder's API
 * turns every error of the image create into a 400); an upload Glance refuses is reported the
 * same way, at once, where Cinder would fail it later in the volume manager and delete the image.
 * Not simulated: conversion to `disk_format` (the bytes are raw whatever the format),
 * encrypted volumes, `image_upload_use_cinder_backend`.
 */
export function uploadVolumeToImage(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): VolumeUploadImageView {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.uploadImage, ownTarget(ctx));
  const body = bodyArg(input, 'os-volume_upload_image');
  onlyKeys(body, ['image_name', 'force', 'disk_format', 'container_format', 'visibility', 'protected'], 'os-volume_upload_image');
  const name = body.image_name;
  if (typeof name !== 'string' || name.length === 0 || name.length > 255) throw invalidInput('image_name', `Invalid input for field/attribute image_name. Value: ${describeValue(name)}. expected a string of 1 to 255 characters`, 'block.volume.invalid_image_name');
  optionalBool(body.force, 'force', false);
  const diskFormat = body.disk_format === undefined ? 'raw' : body.disk_format;
  if (typeof diskFormat !== 'string' || !(DISK_FORMATS as readonly string[]).includes(diskFormat)) {
    throw invalidInput('disk_format', `Invalid input for field/attribute disk_format. Value: ${describeValue(diskFormat)}. ${describeValue(diskFormat)} is not one of [${DISK_FORMATS.map((f) => `'${f}'`).join(', ')}]`, 'block.volume.invalid_disk_format');
  }
  const containerFormat = body.container_format === undefined ? 'bare' : body.container_format;
  if (containerFormat !== null && (typeof containerFormat !== 'string' || containerFormat.length > 255 || !PRINTABLE.test(containerFormat))) {
    throw invalidInput('container_format', `Invalid input for field/attribute container_format. Value: ${describeValue(containerFormat)}. expected null or a string of at most 255 printable characters`, 'block.volume.invalid_container_format');
  }
  const visibility = body.visibility === undefined ? 'private' : body.visibility;
  if (typeof visibility !== 'string' || !(VISIBILITIES as readonly string[]).includes(visibility)) {
    throw invalidInput('visibility', `Invalid input for field/attribute visibility. Value: ${describeValue(visibility)}. ${describeValue(visibility)} is not one of ['community', 'public', 'private', 'shared']`, 'block.volume.invalid_visibility');
  }
  const isProtected = optionalBool(body.protected, 'protected', false);
  if (visibility === 'public') enforce(ctx, CINDER_RULES.volume.uploadPublic, ownTarget(ctx));
  if (volume.status !== 'available') throw invalidVolume(`Volume ${volume.id} status must be available`, { volume_id: volume.id, status: volume.status }, 'block.volume.upload_invalid_status');
  if (containerFormat === 'compressed') {
    // allow_compression_on_image_upload = False
    throw new CinderError(400, 'block.volume.compression_not_allowed', 'ImageCompressionNotAllowed', 'Image compression upload disallowed, but container_format is compressed', { field: 'container_format' });
  }
  const bytes = uploadBytes(ctx.s, volume.id);
  moveVolume(tx, volume, 'uploading', { previous_status: volume.status });
  const request: Record<string, unknown> = { name, container_format: containerFormat, disk_format: diskFormat, visibility, protected: isProtected };
  for (const [k, v] of Object.entries(volume.glance_metadata ?? {})) {
    if (GLANCE_CORE_PROPERTIES.includes(k) || Object.hasOwn(request, k) || GLANCE_RESERVED_NAMESPACES.some((p) => k.startsWith(p))) continue;
    Object.defineProperty(request, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  let image: ImageView;
  try {
    image = createImageFor(tx, ctx.policy, ctx.creds, request as ImageCreateRequest, bytes);
  } catch (e) {
    if (!(e instanceof CloudError) || e.status >= 500) throw e;
    throw new CinderError(400, 'block.volume.image_create_failed', 'HTTPBadRequest', e.message, { volume_id: volume.id, cause: e.code, cause_status: e.status });
  }
  tx.trace('cinder-api', `volume ${volume.id} uploading to image ${image.id} (${bytes.length} bytes)`);
  tx.schedule(UPLOAD_TASK, { volume_id: volume.id }, bytes.length / LINK_BYTES_PER_SECOND);
  return {
    id: volume.id,
    updated_at: timestamp(ctx.s, volume.updated_at),
    status: 'uploading',
    display_description: volume.description,
    size: volume.size,
    volume_type: uploadTypeView(ctx.s, volume.volume_type_id),
    image_id: image.id,
    container_format: image.container_format,
    disk_format: image.disk_format,
    image_name: image.name,
    protected: image.protected,
    visibility: image.visibility,
  };
}

/** The volume manager's `copy_volume_to_image` end (a task): `volume_update_status_based_on_attachment` — `in-use` with attachments, else `available`. */
export function runUpload(tx: Tx, args: unknown): void {
  const { volume_id } = args as { volume_id: string };
  const volume = getRow(tx.draft.block.volumes, volume_id);
  if (volume === undefined || volume.status !== 'uploading') return;
  const attached = indexed(tx.draft.block.volume_attachments, volume.id).length > 0;
  moveVolume(tx, volume, attached ? 'in-use' : 'available');
  tx.trace('cinder-volume', `volume ${volume.id} uploaded to its image`);
}
