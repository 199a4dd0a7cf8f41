/**
 * `createImage` (a snapshot) and `createBackup` (a snapshot with rotation): a new Glance image of
 * the server's disk, made with the caller's token through Glance's own checks.
 *
 * Followed, Zed: `nova/api/openstack/compute/servers.py` `_action_create_image` and
 * `create_backup.py` `_create_backup` with their schemas (2.45+: the answer is `{ image_id }`;
 * 2.39+: no image-metadata quota check); `nova/compute/api.py` `snapshot`, `backup`,
 * `snapshot_volume_backed` (no lock check; `ACTIVE`, `SHUTOFF`, `PAUSED`, `SUSPENDED`);
 * `nova/compute/utils.py` `create_image`, `initialize_instance_snapshot_metadata` (the properties
 * the image inherits from the instance's image — `base_image_ref`, `owner_user_name`,
 * `owner_project_name`, the base image's own properties less `NON_INHERITABLE_IMAGE_PROPERTIES`,
 * `[DEFAULT] non_inheritable_image_properties` and the `os_glance` namespace; `min_ram`,
 * `min_disk` at least the flavor's root disk — then `instance_uuid`, `user_id`, `image_type`,
 * the request's metadata; `private`, or `shared` with the server's project as member when
 * another project's caller makes it); `nova/image/glance.py` (`_create_v2`, `force_activate`);
 * `nova/compute/manager.py` `snapshot_instance`, `backup_instance`, `_snapshot_instance`,
 * `_rotate_backups`; `nova/virt/libvirt/driver.py` `snapshot`, `_create_snapshot_metadata`.
 *
 * The API creates the image (`queued`) and sets task `image_snapshot_pending` (a backup:
 * `image_backup`); nova-compute (task {@link SNAPSHOT_TASK}) records `compute_snapshot_instance` /
 * `compute_backup_instance`, sends `compute.instance.snapshot.start`, passes through
 * `image_snapshot` (a snapshot), `image_pending_upload` and `image_uploading`, uploads the disk —
 * the bytes of the server's image as Glance stores them (stacksim's guest writes nothing), as
 * `qcow2` / `bare` with the libvirt driver's properties — over the host's NIC, clears the task,
 * sends `snapshot.end` and, for a backup, deletes the oldest backups of that type of this server
 * beyond `rotation` (listed by `created_at` newest first: equal times fall back to Glance's id
 * order). A server deleted before the upload leaves its queued image behind, as nova's does; one
 * deleted during it has the image deleted unless active.
 *
 * A volume-backed server's snapshot (`snapshot_volume_backed`, policy
 * `create_image:allow_volume_backed`) is an image with no data holding `block_device_mapping`;
 * it sets no task_state and records `api_snapshot_instance`. PARTIAL: Cinder snapshots of its
 * volumes are not taken (no snapshot call in Cinder's client yet): each volume appears in the
 * mapping as `source_type: volume` with its `volume_id`, not as a new snapshot. A backup of a
 * volume-backed server is 400, as nova answers.
 *
 * None of this touches Placement. Glance's refusals come back as nova answers them: 400
 * (`Invalid`), 403 (`Forbidden`; an over-limit is answered 403 too, where nova would fail).
 */
import { CloudError, getRow, policyEngineOf, type CloudState, type PolicyCredentials, type PolicyEngine, type Tx } from '../core/index.js';
import { findHost } from '../hardware/index.js';
import { getProject, getUser } from '../identity/index.js';
import { deleteImageFor, imageFor, listImagesFor, reserveImageFor, storedImageData, uploadImageFor, type ImageCreateRequest, type ImageRow, storedImageSize } from '../image/index.js';
import { finishEvent, recordEvent, startAction, startEvent } from './actions.js';
import { nicMbps, saveServer } from './boot.js';
import { bdmsOf } from './block_device.js';
import { enforce, type Ctx } from './context.js';
import { NovaError, badRequest, conflict, invalid } from './errors.js';
import { checkAction } from './guards.js';
import { describeValue, fieldError, metadataArg, optionalText } from './input.js';
import { NOVA_RULES } from './policies.js';
import { API_HOST, GUEST_SECONDS, credsOf, hostRow, isVolumeBacked, preempted, publisherOf } from './server_actions.js';
import { getServer } from './servers.js';
import type { BdmRow, ServerRow } from './types.js';
import { instanceUsage } from './views.js';
import type { TaskState } from './vm_states.js';

/** nova-compute's task: `snapshot_instance` / `backup_instance`, in two stages. */
export const SNAPSHOT_TASK = 'compute.snapshot_instance';

/** What `createImage` and `createBackup` answer (2.45+). */
export interface ServerImageView {
  readonly image_id: string;
}

/** `nova/compute/utils.py` `NON_INHERITABLE_IMAGE_PROPERTIES` and `[DEFAULT] non_inheritable_image_properties`. */
const NON_INHERITABLE = new Set(['cinder_encryption_key_id', 'cinder_encryption_key_deletion_policy', 'img_signature', 'img_signature_hash_method', 'img_signature_key_type', 'img_signature_certificate_uuid', 'cache_in_nova', 'bittorrent']);
/** `nova/utils.py` `SM_SKIP_KEYS`: image properties never kept in the instance's system metadata. */
const SM_SKIP = new Set(['mappings', 'block_device_mapping', 'img_mappings', 'img_block_device_mapping']);

/** The task's arguments. */
interface SnapshotArgs {
  readonly uuid: string;
  readonly host: string | null;
  readonly kind: 'snapshot' | 'backup';
  readonly stage: 'begin' | 'upload';
  readonly expect: TaskState;
  readonly image_id: string;
  readonly creds: PolicyCredentials;
  readonly container_format: string;
  readonly backup_type: string | null;
  readonly rotation: number | null;
}

function bodyObject(value: unknown, field: string, keys: readonly string[], required: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fieldError(field, value, `${describeValue(value)} is not of type 'object'`);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw badRequest(`${field}.${k}`, `Invalid input for field/attribute ${field}. Value: ${describeValue(o)}. Additional properties are not allowed ('${k}' was unexpected)`);
  for (const k of required) if (!Object.prototype.hasOwnProperty.call(o, k)) throw badRequest(k, `Invalid input for field/attribute ${field}. Value: ${describeValue(o)}. '${k}' is a required property`, `compute.${field}.${k}_required`);
  return o;
}

/** `parameter_types.name`: 1..255 characters, no leading or trailing whitespace. */
function nameArg(value: unknown): string {
  const name = optionalText(value, 'name', 255, 1);
  if (name.trim().length !== name.length || name.trim().length === 0) throw fieldError('name', name, `'${name.slice(0, 40)}' is not a valid name: no leading or trailing whitespace`);
  return name;
}

/** Glance's refusal as nova's API answers it (`_translate_plain_exception`). */
export function fromGlance(e: unknown): unknown {
  if (!(e instanceof CloudError)) return e;
  if (e.status === 400) return invalid('compute.image.invalid', 'Invalid', e.message, { glance: e.code });
  if (e.status === 403 || e.status === 401) return new NovaError(403, 'compute.image.forbidden', 'Forbidden', e.message, { glance: e.code });
  if (e.status === 404) return invalid('compute.image.not_found', 'NotFound', e.message, { glance: e.code });
  if (e.status === 409) return conflict('compute.image.conflict', 'Conflict', e.message, { glance: e.code });
  if (e.status === 413) return new NovaError(403, 'compute.image.over_limit', 'OverQuota', e.message, { glance: e.code });
  return e;
}

/** The instance's image as its system metadata remembers it (here: as Glance shows it to the caller now; undefined when gone). */
function baseImage(ctx: Ctx, row: ServerRow): ImageRow | undefined {
  if (row.image_ref === '') return undefined;
  try {
    return imageFor(ctx.s, ctx.policy, ctx.creds, { id: row.image_ref });
  } catch {
    return undefined;
  }
}

/** `initialize_instance_snapshot_metadata`: what the new image inherits, then `extra` (which wins). */
function snapshotMetadata(ctx: Ctx, row: ServerRow, name: string, extra: Readonly<Record<string, string>>): { body: Record<string, unknown>; sharingMember: string | null; base: ImageRow | undefined } {
  const base = baseImage(ctx, row);
  const props: Record<string, string> = {};
  const put = (k: string, v: string) => Object.defineProperty(props, k, { value: v, enumerable: true, writable: true, configurable: true });
  // get_system_metadata_from_image: the base image's properties (values cut to 255 characters)
  for (const [k, v] of Object.entries(base?.properties ?? {})) if (!SM_SKIP.has(k)) put(k, String(v).slice(0, 255));
  put('base_image_ref', row.image_ref);
  try {
    put('owner_user_name', getUser(ctx.s, { id: row.user_id }).name);
  } catch {
    /* the user is gone */
  }
  try {
    put('owner_project_name', getProject(ctx.s, { id: row.project_id }).name);
  } catch {
    /* the project is gone */
  }
  for (const k of Object.keys(props)) if (NON_INHERITABLE.has(k) || k.startsWith('os_glance')) delete props[k];
  const shared = ctx.projectId !== row.project_id;
  for (const [k, v] of Object.entries(extra)) put(k, v);
  const minDisk = base === undefined ? row.flavor.root_gb : base.disk_format === 'vhd' ? row.flavor.root_gb : Math.max(base.min_disk, row.flavor.root_gb);
  const body: Record<string, unknown> = { ...props, name, visibility: shared ? 'shared' : 'private', min_ram: base?.min_ram ?? 0, min_disk: minDisk };
  if (base?.disk_format) body.disk_format = base.disk_format;
  if (base?.container_format) body.container_format = base.container_format;
  return { body, sharingMember: shared ? row.project_id : null, base };
}

/** `compute_utils.create_image`: the image nova-compute will upload into, `queued`. */
export function createImageEntry(tx: Tx, ctx: Ctx, row: ServerRow, name: string, imageType: 'snapshot' | 'backup', extra: Readonly<Record<string, string>>): { id: string; container_format: string } {
  const { body, sharingMember, base } = snapshotMetadata(ctx, row, name, { instance_uuid: row.uuid, user_id: ctx.userId, image_type: imageType, ...extra });
  if (imageType === 'snapshot') {
    // the driver fills the formats in at upload
    delete body.disk_format;
    delete body.container_format;
  }
  try {
    const image = reserveImageFor(tx, ctx.policy, ctx.creds, body as ImageCreateRequest, sharingMember);
    tx.trace('nova-api', `image ${image.id} created in Glance for ${imageType} of ${row.uuid} (queued)`);
    return { id: image.id, container_format: base?.container_format ?? 'bare' };
  } catch (e) {
    throw fromGlance(e);
  }
}

/**
 * `createImage` `{ name, metadata? }`: an image-backed server's snapshot (task
 * `image_snapshot_pending`, the upload on its host) or a volume-backed server's (an image
 * holding its block device mapping, at once). Answers `{ image_id }`.
 */
export function createServerImage(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): ServerImageView {
  const o = bodyObject(input, 'createImage', ['name', 'metadata'], ['name']);
  const name = nameArg(o.name);
  const metadata = o.metadata === undefined ? {} : metadataArg(o.metadata, 'metadata');
  const row = getServer(ctx, ref);
  const target = { project_id: row.project_id };
  enforce(ctx, NOVA_RULES.servers.createImage, target);
  if (isVolumeBacked(ctx.s, row)) {
    enforce(ctx, NOVA_RULES.servers.createImageVolumeBacked, target);
    return { image_id: snapshotVolumeBacked(tx, ctx, row, name, metadata) };
  }
  checkAction(ctx, row, 'snapshot');
  const image = createImageEntry(tx, ctx, row, name, 'snapshot', metadata);
  const next = saveServer(tx, row, { task_state: 'image_snapshot_pending' });
  startAction(tx, next, 'createImage', ctx);
  tx.trace('nova-api', `snapshot of ${row.uuid} into image ${image.id}: task_state image_snapshot_pending, cast snapshot_instance to ${row.host ?? '(no host)'}`);
  tx.schedule(SNAPSHOT_TASK, { uuid: row.uuid, host: row.host, kind: 'snapshot', stage: 'begin', expect: 'image_snapshot_pending', image_id: image.id, creds: credsOf(ctx), container_format: image.container_format, backup_type: null, rotation: null } satisfies SnapshotArgs, 0);
  return { image_id: image.id };
}

/**
 * `createBackup` `{ name, backup_type, rotation, metadata? }` (`rotation` a non-negative integer
 * or digit string): a snapshot with `image_type: backup` and `backup_type`, then the rotation.
 * A volume-backed server is 400. Answers `{ image_id }`.
 */
export function createServerBackup(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): ServerImageView {
  const o = bodyObject(input, 'createBackup', ['name', 'backup_type', 'rotation', 'metadata'], ['name', 'backup_type', 'rotation']);
  const name = nameArg(o.name);
  // backup_type: any string (stacksim caps it at 255 characters, Glance's property-key-sized value nova would store)
  const backupType = optionalText(o.backup_type, 'backup_type', 255);
  let rotation: number;
  if (typeof o.rotation === 'number' && Number.isSafeInteger(o.rotation) && o.rotation >= 0) rotation = o.rotation;
  else if (typeof o.rotation === 'string' && /^[0-9]{1,15}$/.test(o.rotation)) rotation = Number(o.rotation);
  else throw fieldError('rotation', o.rotation, typeof o.rotation === 'number' && Number.isInteger(o.rotation) && o.rotation < 0 ? `${o.rotation} is less than the minimum of 0` : `${describeValue(o.rotation)} is not of type 'integer', 'string'`);
  const metadata = o.metadata === undefined ? {} : metadataArg(o.metadata, 'metadata');
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.createBackup, { project_id: row.project_id });
  checkAction(ctx, row, 'backup');
  if (isVolumeBacked(ctx.s, row)) throw invalid('compute.server.backup_volume_backed', 'InvalidRequest', 'Backup is not supported for volume-backed instances.', { id: row.uuid });
  const image = createImageEntry(tx, ctx, row, name, 'backup', { ...metadata, backup_type: backupType });
  const next = saveServer(tx, row, { task_state: 'image_backup' });
  startAction(tx, next, 'createBackup', ctx);
  tx.trace('nova-api', `backup (${backupType}, rotation ${rotation}) of ${row.uuid} into image ${image.id}: task_state image_backup`);
  tx.schedule(SNAPSHOT_TASK, { uuid: row.uuid, host: row.host, kind: 'backup', stage: 'begin', expect: 'image_backup', image_id: image.id, creds: credsOf(ctx), container_format: image.container_format, backup_type: backupType, rotation } satisfies SnapshotArgs, 0);
  return { image_id: image.id };
}

/** `BlockDeviceMapping.get_image_mapping`: what the image keeps of a mapping. */
function imageMapping(b: BdmRow): Record<string, unknown> {
  return {
    source_type: b.source_type,
    destination_type: b.destination_type,
    boot_index: b.boot_index,
    device_name: b.device_name === '' ? null : b.device_name,
    delete_on_termination: b.delete_on_termination,
    snapshot_id: b.snapshot_id,
    volume_id: b.volume_id,
    image_id: b.image_id,
    volume_size: b.volume_size,
    volume_type: b.volume_type,
    tag: b.tag,
    no_device: null,
    guest_format: null,
    device_type: 'disk',
    disk_bus: 'virtio',
  };
}

/** `API.snapshot_volume_backed` (PARTIAL: no Cinder snapshots; the volumes are listed as they are). */
function snapshotVolumeBacked(tx: Tx, ctx: Ctx, row: ServerRow, name: string, metadata: Readonly<Record<string, string>>): string {
  checkAction(ctx, row, 'snapshot_volume_backed');
  const { body, sharingMember } = snapshotMetadata(ctx, row, name, metadata);
  delete body.disk_format;
  delete body.container_format;
  for (const k of ['block_device_mapping', 'bdm_v2', 'root_device_name']) delete body[k];
  if (row.root_device_name) body.root_device_name = row.root_device_name;
  const mapping = bdmsOf(ctx.s, row.uuid).map(imageMapping);
  if (row.vm_state === 'active') tx.trace('nova-api', `quiesce ${row.uuid} before the volume snapshot: not supported without the guest agent, skipped`);
  startAction(tx, row, 'createImage', ctx);
  recordEvent(tx, row.uuid, 'api_snapshot_instance', API_HOST);
  if (mapping.length > 0) {
    body.block_device_mapping = JSON.stringify(mapping);
    body.bdm_v2 = 'True';
  }
  try {
    // size 0: _create_v2's force_activate (qcow2 / bare, empty data)
    const image = reserveImageFor(tx, ctx.policy, ctx.creds, { ...body, disk_format: 'qcow2', container_format: 'bare' } as ImageCreateRequest, sharingMember);
    uploadImageFor(tx, ctx.policy, ctx.creds, image.id, { disk_format: 'qcow2', container_format: 'bare' }, new Uint8Array(0));
    tx.trace('nova-api', `volume-backed snapshot of ${row.uuid}: image ${image.id} with ${mapping.length} block device mapping(s)`);
    return image.id;
  } catch (e) {
    throw fromGlance(e);
  }
}

/**
 * The server's disk as the driver uploads it: its image's bytes (empty when the image is gone).
 * Reads Swift: a 503 (`CloudError`) when no object server holding the image answers.
 */
export function diskBytes(s: CloudState, row: ServerRow): Uint8Array {
  return (row.image_ref === '' ? null : storedImageData(s, row.image_ref)) ?? new Uint8Array(0);
}

/**
 * The size of {@link diskBytes} as Glance's row records it (0 when the image has no data): what a
 * snapshot or a shelve plans its upload time with, without reading Swift (which may be down: the
 * upload itself then fails, as nova's does).
 */
export function diskSize(s: CloudState, row: ServerRow): number {
  return row.image_ref === '' ? 0 : storedImageSize(s, row.image_ref);
}

/** An image's size as the caller sees it in Glance (`image_api.get(...)['size']`); 0 when Glance no longer shows it. */
export function imageSize(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, imageId: string): number {
  if (imageId === '') return 0;
  try {
    return imageFor(s, policy, creds, { id: imageId }).size ?? 0;
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    return 0;
  }
}

/** `_rotate_backups`: this server's backups of the type, newest first; those beyond `rotation` deleted. */
function rotateBackups(tx: Tx, args: SnapshotArgs, row: ServerRow): void {
  const policy = policyEngineOf(tx.memo);
  let images;
  try {
    images = listImagesFor(tx.draft as CloudState, policy, args.creds, { properties: { image_type: 'backup', backup_type: args.backup_type ?? '', instance_uuid: row.uuid }, sort_key: 'created_at', sort_dir: 'desc' });
  } catch (e) {
    tx.trace('nova-compute', `backups of ${row.uuid} could not be listed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const rotation = args.rotation ?? 0;
  tx.trace('nova-compute', `found ${images.length} ${args.backup_type} backup(s) of ${row.uuid} (rotation: ${rotation})`);
  const list = [...images];
  for (let excess = list.length - rotation; excess > 0; excess--) {
    const image = list.pop();
    if (image === undefined) break;
    try {
      deleteImageFor(tx, policy, args.creds, image.id);
      tx.trace('nova-compute', `backup ${image.id} rotated out`);
    } catch (e) {
      // ImageNotFound, ImageDeleteConflict, anything: logged, next
      tx.trace('nova-compute', `failed to delete image ${image.id} during deleting excess backups: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** The image's status for the caller, undefined when gone. */
function imageStatus(tx: Tx, creds: PolicyCredentials, id: string): string | undefined {
  try {
    return imageFor(tx.draft as CloudState, policyEngineOf(tx.memo), creds, { id }).status;
  } catch {
    return undefined;
  }
}

/**
 * nova-compute's `snapshot_instance` / `backup_instance`: `begin` (the event, `image_snapshot`
 * for a snapshot, `snapshot.start`, `image_pending_upload` → `image_uploading`) and `upload` (the
 * data into Glance after its time over the host's NIC, the task cleared, `snapshot.end`, the
 * rotation of a backup).
 */
export function runSnapshot(tx: Tx, raw: unknown): void {
  const args = raw as SnapshotArgs;
  const event = args.kind === 'snapshot' ? 'compute_snapshot_instance' : 'compute_backup_instance';
  const row = hostRow(tx, args.uuid, args.host);
  const policy = policyEngineOf(tx.memo);
  if (row === undefined) {
    // the instance disappeared during the upload: its image goes unless active
    if (args.stage === 'upload') {
      const status = imageStatus(tx, args.creds, args.image_id);
      if (status !== undefined && status !== 'active') {
        try {
          deleteImageFor(tx, policy, args.creds, args.image_id);
          tx.trace('nova-compute', `instance ${args.uuid} disappeared during snapshot: image ${args.image_id} deleted`);
        } catch {
          /* logged by nova, nothing else */
        }
      }
    }
    return;
  }
  if (row.task_state !== args.expect) {
    if (args.stage === 'upload') preempted(tx, row, event, args.expect);
    else tx.trace('nova-compute', `${args.kind} of ${row.uuid} skipped: task_state is ${row.task_state ?? 'None'}, not ${args.expect}`);
    return;
  }
  const publisher = publisherOf(args.host);
  if (args.stage === 'begin') {
    startEvent(tx, row.uuid, event, args.host);
    let current = row;
    if (args.kind === 'snapshot') current = saveServer(tx, current, { task_state: 'image_snapshot' });
    const started = current;
    tx.emit('compute.instance.snapshot.start', () => instanceUsage(tx.draft as CloudState, started), publisher);
    // the libvirt driver: IMAGE_PENDING_UPLOAD, then IMAGE_UPLOADING
    current = saveServer(tx, current, { task_state: 'image_pending_upload' });
    current = saveServer(tx, current, { task_state: 'image_uploading' });
    const size = diskSize(tx.draft as CloudState, row);
    const mbps = nicMbps(args.host === null ? undefined : findHost(tx.draft as CloudState, args.host));
    const seconds = GUEST_SECONDS + (size * 8) / (mbps * 1e6);
    tx.trace('nova-compute', `${args.kind} of ${row.uuid} on ${args.host ?? '?'}: ${size} bytes to upload to image ${args.image_id} (${seconds.toFixed(3)} s)`);
    tx.schedule(SNAPSHOT_TASK, { ...args, stage: 'upload', expect: 'image_uploading' } satisfies SnapshotArgs, seconds);
    return;
  }
  try {
    uploadImageFor(tx, policy, args.creds, args.image_id, { disk_format: 'qcow2', container_format: args.container_format, properties: { kernel_id: '', image_location: 'snapshot', image_state: 'available', owner_id: row.project_id, ramdisk_id: '' } }, diskBytes(tx.draft as CloudState, row));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof CloudError && e.status === 404) {
      // ImageNotFound during the snapshot: the task is cleared, nothing else
      saveServer(tx, row, { task_state: null });
      finishEvent(tx, row.uuid, event);
      tx.trace('nova-compute', `image ${args.image_id} not found during snapshot of ${row.uuid}`);
      return;
    }
    // delete_image_on_error, reverts_task_state, wrap_instance_event
    try {
      deleteImageFor(tx, policy, args.creds, args.image_id);
    } catch {
      /* nova logs it */
    }
    saveServer(tx, row, { task_state: null });
    finishEvent(tx, row.uuid, event, { message });
    tx.trace('nova-compute', `${args.kind} of ${row.uuid} failed: ${message}`);
    return;
  }
  const done = saveServer(tx, row, { task_state: null });
  tx.emit('compute.instance.snapshot.end', () => instanceUsage(tx.draft as CloudState, done), publisher);
  tx.trace('nova-compute', `image ${args.image_id} uploaded: ${args.kind} of ${row.uuid} done`);
  if (args.kind === 'backup') rotateBackups(tx, args, done);
  finishEvent(tx, row.uuid, event);
}
