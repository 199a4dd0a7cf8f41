/**
 * Creating a volume (`cinder/api/v3/volumes.py` `create`, `cinder/volume/api.py` `create`,
 * `cinder/volume/flows/api/create_volume.py`, `cinder/volume/flows/manager/create_volume.py`,
 * `cinder/scheduler/manager.py` `create_volume`): blank, from a snapshot, a volume, a Glance
 * image or a backup. The API checks the request (policy, the body's schema, the sources'
 * lookups, size limits of the type, type compatibility, one source only, the sources' statuses,
 * size, image, type, zone, quota, taken at once), stores the volume `creating` and answers it;
 * the scheduler then picks a pool (a volume from a snapshot stays on the snapshot's pool,
 * `snapshot_same_host`; a clone on its source's backend) or, finding none, leaves the volume in
 * `error` with its quota still taken, as Cinder does; the volume manager sends
 * `volume.create.start`, copies the content in (a source gone meanwhile: `error`), copies a
 * bootable source's Glance metadata and makes it `available`.
 *
 * Not simulated: consistency groups and groups (a non-null `consistencygroup_id` / `group_id` is
 * 404 `GroupNotFound`), scheduler hints, encryption, a type's `RESKEY:availability_zones` on
 * create, the image property `cinder_img_volume_type`, Nova's image snapshots (3.46), the image
 * volume cache, rescheduling to another pool when the manager fails.
 */
import { describeValue, getRow, setRow, tableToArray, type Tx } from '../core/index.js';
import { authorizeImageDownload, imageFor, storedImageData, type ImageRow } from '../image/index.js';
import { adjustPool, backendOf } from './backends.js';
import { backupReadProblem, restoreInto } from './backup_driver.js';
import { copyBlocks, writeBytes } from './blocks.js';
import { enforce, ownTarget, resolveRow, visible, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume } from './errors.js';
import { publisher } from './events.js';
import { BOOL_FALSE, BOOL_TRUE, bodyArg, isUuidLike, METADATA_KEY, metadataArg, strictBool, textArg } from './input.js';
import { CINDER_RULES } from './policies.js';
import { checkPerVolumeSize, useQuota, volumeDeltas } from './quota.js';
import { scheduleVolume } from './scheduler/index.js';
import { moveVolume } from './statuses.js';
import type { BackupRow, PoolRow, SnapshotRow, VolumeRow, VolumeTypeRow } from './types.js';
import { volumeUsage, volumeView, type VolumeView } from './views.js';
import { checkProvisionSize } from './volume_actions.js';
import { defaultVolumeType, resolveVolumeType, typeMultiattach } from './volume_types.js';
import { activePools, firstOf, getVolume, requestSpec, sizeArg, storageZones, volumeKeys } from './volumes.js';

const GIB = 2 ** 30;
/** The task that runs the volume manager's create flow. */
export const CREATE_TASK = 'block.volume.create';

/**
 * `POST /v3/{project_id}/volumes`: the `volume` object (`create_volume_v353`: no other key). The
 * older spellings are Zed's aliases (`api/v3/volumes.py` `create`): `display_name` for `name`,
 * `display_description` for `description`, `image_id` for `imageRef` — the first of each pair
 * wins when both are given, as the controller's `volume['display_name'] = volume.pop('name')` does.
 */
export interface VolumeCreateRequest {
  readonly size?: number | string | null;
  readonly name?: string | null;
  readonly display_name?: string | null;
  readonly description?: string | null;
  readonly display_description?: string | null;
  readonly volume_type?: string | null;
  readonly availability_zone?: string | null;
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly snapshot_id?: string | null;
  readonly source_volid?: string | null;
  readonly imageRef?: string | null;
  readonly image_id?: string | null;
  readonly backup_id?: string | null;
  /** Removed: `true` (or a true spelling) is a 400 naming the multiattach volume types. */
  readonly multiattach?: boolean | string | null;
  /** No groups here: null only (a group is 404 `GroupNotFound`). */
  readonly consistencygroup_id?: string | null;
  /** No groups here: null only (a group is 404 `GroupNotFound`). */
  readonly group_id?: string | null;
}


// ------------------------------------------------------------------------------ input

/** A string of at most 255 characters, or null (`name_allow_zero_min_length`, `image_id`, `imageRef`, `group_id`). */
function optionalString(value: unknown, field: string, min = 0): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length < min || value.length > 255) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected null or a string of ${min} to 255 characters`, 'block.input.invalid_text');
  return value;
}

/** `parameter_types.optional_uuid`: null or a UUID (`uuidutils.is_uuid_like`). */
function optionalUuid(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (!isUuidLike(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is not a 'uuid'`, 'block.input.invalid_uuid');
  return value;
}

/** `parameter_types.optional_boolean`: null, a boolean or one of oslo's spellings. */
function optionalBool(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  const b = strictBool(value);
  if (b !== undefined) return b;
  throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected null, a boolean or one of ${[...BOOL_TRUE, ...BOOL_FALSE].join(', ')}`, 'block.input.invalid_boolean');
}

// ------------------------------------------------------------------------------ create

interface ImageSource {
  readonly id: string;
  readonly status: string;
  readonly bytes: number;
  readonly virtual_size: number | null;
  readonly min_disk: number;
  /** What the manager stores as the volume's Glance metadata (`get_volume_image_metadata`). */
  readonly meta: Record<string, string>;
}

interface Sources {
  readonly snapshot: SnapshotRow | null;
  readonly source: VolumeRow | null;
  readonly backup: BackupRow | null;
  readonly image: ImageSource | null;
}

/**
 * `volume_utils.get_volume_image_metadata` (`volume/volume_utils.py:1149-1179`) over the image
 * Cinder's Glance client shows (`image/glance.py` `_translate_from_glance`: the schema's base
 * properties, the others under `properties`): the image's properties first, then the base fields
 * over them — `image_id`, `image_name` (when the name is not empty), and `checksum`,
 * `container_format`, `disk_format`, `min_disk`, `min_ram`, `size` when not None — each stored as
 * `str(value)` (`volume_glance_metadata_bulk_create`).
 */
function volumeImageMetadata(row: ImageRow): Record<string, string> {
  const meta: Record<string, string> = {};
  const put = (k: string, v: unknown): void => {
    if (v !== null && v !== undefined) Object.defineProperty(meta, k, { value: String(v), enumerable: true, writable: true, configurable: true });
  };
  for (const [k, v] of Object.entries(row.properties)) put(k, v);
  put('image_id', row.id);
  if (row.name !== null && row.name !== '') put('image_name', row.name);
  put('checksum', row.checksum);
  put('container_format', row.container_format);
  put('disk_format', row.disk_format);
  put('min_disk', row.min_disk);
  put('min_ram', row.min_ram);
  put('size', row.size);
  return meta;
}

/** `check_exclusive_options(snapshot=…, imageRef=…, source_volume=…, backup=…)` (`cinder/utils.py:138-167`): at most one source. */
function checkOneSource(src: Sources): void {
  if ([src.snapshot, src.image, src.source, src.backup].filter((x) => x !== null).length > 1) {
    throw invalidInput('volume', 'May specify only one of backup, imageRef, snapshot, source volume', 'block.volume.too_many_sources');
  }
}

/**
 * `ExtractVolumeRequestTask._extract_resource` (`volume/flows/api/create_volume.py:111`): each
 * source in the status it must have (`SNAPSHOT_PROCEED_STATUS`, `SRC_VOL_PROCEED_STATUS`,
 * `BACKUP_PROCEED_STATUS`, :48-54).
 */
function checkSourceStatuses(src: Sources): void {
  if (src.snapshot !== null && src.snapshot.status !== 'available') throw new CinderError(400, 'block.snapshot.invalid_status', 'InvalidSnapshot', "Invalid snapshot: Originating snapshot status must be one of 'available' values", { snapshot_id: src.snapshot.id, status: src.snapshot.status, field: 'snapshot_id' });
  if (src.source !== null && src.source.status !== 'available' && src.source.status !== 'in-use') throw invalidVolume("Originating source volume status must be one of 'available, in-use' values", { source_volid: src.source.id, status: src.source.status, field: 'source_volid' });
  if (src.backup !== null && src.backup.status !== 'available') throw new CinderError(400, 'block.backup.invalid_status', 'InvalidBackup', "Invalid backup: Originating backup status must be one of 'available' values", { backup_id: src.backup.id, status: src.backup.status, field: 'backup_id' });
}

/**
 * `_extract_size` (`volume/flows/api/create_volume.py`): the size given or the source's, checked
 * against the source; then, from an image, `check_image_metadata` (`volume_utils.py`): active, its
 * size and `min_disk` and virtual size within the volume's.
 */
function checkSize(size: number | null, src: Sources): number {
  if (size === null) throw invalidInput('size', "Volume size 'None' must be an integer and greater than 0", 'block.volume.invalid_size');
  if (src.source !== null && size < src.source.size) throw invalidInput('size', `Volume size '${size}'GB cannot be smaller than original volume size  ${src.source.size}GB. They must be >= original volume size.`, 'block.volume.too_small');
  if (src.snapshot !== null && size < src.snapshot.volume_size) throw invalidInput('size', `Volume size '${size}'GB cannot be smaller than the snapshot size ${src.snapshot.volume_size}GB. They must be >= original snapshot size.`, 'block.volume.too_small');
  if (src.backup !== null && size < src.backup.size) throw invalidInput('size', `Volume size ${size}GB cannot be smaller than the backup size ${src.backup.size}GB. It must be >= backup size.`, 'block.volume.too_small');
  const image = src.image;
  if (image !== null) {
    if (image.status !== 'active') throw invalidInput('imageRef', `Image ${image.id} is not active.`, 'block.volume.image_not_active');
    const gb = Math.ceil(image.bytes / GIB);
    if (gb > size) throw invalidInput('size', `Size of specified image ${gb}GB is larger than volume size ${size}GB.`, 'block.volume.too_small');
    if (size < image.min_disk) throw invalidInput('size', `Volume size ${size}GB cannot be smaller than the image minDisk size ${image.min_disk}GB.`, 'block.volume.too_small');
    if (image.virtual_size !== null && image.virtual_size > 0) {
      const virtualGb = Math.ceil(image.virtual_size / GIB);
      if (virtualGb > size) throw new CinderError(400, 'block.volume.image_unacceptable', 'ImageUnacceptable', `Image ${image.id} is unacceptable: Image virtual size is ${virtualGb}GB and doesn't fit in a volume of size ${size}GB.`, { field: 'size', image_id: image.id });
    }
  }
  return size;
}

/**
 * `volume/api.py` `_retype_is_possible` (:163-193): no encryption here, so the types are
 * compatible when exactly one volume service is disabled — Zed counts
 * `ServiceList.get_all_by_topic(…, disabled=True)`, the DISABLED services, where it means "one
 * backend" — or when both types name the same `volume_backend_name`
 * (`volume_utils.matching_backend_name`).
 */
function retypeIsPossible(ctx: Pick<Ctx, 's'>, from: VolumeTypeRow | undefined, to: VolumeTypeRow): boolean {
  if (tableToArray(ctx.s.block.services).filter((r) => r.binary === 'cinder-volume' && r.disabled).length === 1) return true;
  const a = from?.extra_specs.volume_backend_name;
  const b = to.extra_specs.volume_backend_name;
  return a !== undefined && a !== '' && b !== undefined && b !== '' && a === b;
}

/**
 * `volume/api.py` `create` (:290-307): a type asked for a clone or a volume from a snapshot that is
 * not the source's must be one it could be retyped to ({@link retypeIsPossible}), else 400.
 */
function checkRequestedType(ctx: Ctx, requested: VolumeTypeRow | null, src: Sources): void {
  if (requested === null) return;
  if (src.source !== null && requested.id !== src.source.volume_type_id && !retypeIsPossible(ctx, getRow(ctx.s.block.volume_types, src.source.volume_type_id), requested)) {
    throw invalidInput('volume_type', `Invalid volume_type provided: ${requested.id} (requested type is not compatible; either match source volume, or omit type argument).`, 'block.volume.incompatible_type');
  }
  if (src.snapshot !== null && requested.id !== src.snapshot.volume_type_id) {
    const origin = getRow(ctx.s.block.volumes, src.snapshot.volume_id);
    const from = getRow(ctx.s.block.volume_types, origin?.volume_type_id ?? src.snapshot.volume_type_id);
    if (!retypeIsPossible(ctx, from, requested)) throw invalidInput('volume_type', `Invalid volume_type provided: ${requested.id} (requested type is not compatible; recommend omitting the type argument).`, 'block.volume.incompatible_type');
  }
}

function zoneOf(ctx: Ctx, requested: string | null, src: Sources): string {
  const cfg = ctx.s.block.config;
  let az = requested;
  const sourceAz = src.snapshot !== null ? (getRow(ctx.s.block.volumes, src.snapshot.volume_id)?.availability_zone ?? null) : (src.source?.availability_zone ?? null);
  az ??= sourceAz ?? cfg.default_availability_zone ?? cfg.storage_availability_zone;
  if (!storageZones(ctx).has(az)) {
    if (!cfg.allow_availability_zone_fallback) throw new CinderError(400, 'block.volume.invalid_availability_zone', 'InvalidAvailabilityZone', `Availability zone '${az}' is invalid.`, { field: 'availability_zone', availability_zone: az });
    az = cfg.default_availability_zone ?? cfg.storage_availability_zone;
  }
  if (src.snapshot !== null && sourceAz !== null && sourceAz !== az) throw invalidInput('availability_zone', 'Volume must be in the same availability zone as the snapshot', 'block.volume.az_mismatch');
  if (src.source !== null && sourceAz !== null && sourceAz !== az) throw invalidInput('availability_zone', 'Volume must be in the same availability zone as the source volume', 'block.volume.az_mismatch');
  return az;
}

/** The keys of `create_volume_v353.volume` (`cinder/api/schemas/volumes.py`; stacksim answers at 3.70). */
const CREATE_KEYS = ['name', 'description', 'display_name', 'display_description', 'volume_type', 'metadata', 'snapshot_id', 'source_volid', 'consistencygroup_id', 'size', 'availability_zone', 'multiattach', 'image_id', 'imageRef', 'group_id', 'backup_id'];

/**
 * `POST /v3/{project_id}/volumes`: the new volume's view as the API answers it (`creating`), in
 * Zed's order: the policy; the body's schema (`create_volume_v353`: no other key, each field's
 * type, metadata keys); the aliases; `multiattach` refused; the lookups the controller makes
 * (type, snapshot, source volume, groups, image, backup: 404s); `volume:create_from_image`; the
 * type's `provisioning:min_vol_size` / `max_vol_size` (the type asked for, else the default one,
 * `volume/api.py:269`); one source at most; a requested type the source could be retyped to; the
 * sources' statuses; the size; the image; the type; the zone; `volume:multiattach`; the quota.
 * The Glance metadata and (from an image) `bootable` are the manager's ({@link runCreate}).
 */
export function createVolume(tx: Tx, ctx: Ctx, input: unknown): VolumeView {
  enforce(ctx, CINDER_RULES.volume.create, ownTarget(ctx));
  if (ctx.projectId === null) throw new CinderError(400, 'block.volume.no_project', 'InvalidInput', 'Invalid input received: a volume belongs to a project: use a project-scoped token.');
  const body = bodyArg(input, 'volume');
  volumeKeys(body, CREATE_KEYS, 'volume');
  // the schema, field by field
  for (const k of ['name', 'display_name']) textArg(body[k], k);
  for (const k of ['description', 'display_description']) textArg(body[k], k);
  const typeRef = optionalString(body.volume_type, 'volume_type');
  const metadata = metadataArg(body.metadata, 'metadata', METADATA_KEY);
  const snapshotId = optionalUuid(body.snapshot_id, 'snapshot_id');
  const sourceId = optionalUuid(body.source_volid, 'source_volid');
  const cgId = optionalUuid(body.consistencygroup_id, 'consistencygroup_id');
  const givenSize = body.size === undefined || body.size === null ? null : sizeArg(body.size);
  const azRef = optionalString(body.availability_zone, 'availability_zone', 1);
  const multiattachAsked = optionalBool(body.multiattach, 'multiattach');
  for (const k of ['image_id', 'imageRef']) optionalString(body[k], k);
  const groupId = optionalString(body.group_id, 'group_id');
  const backupId = optionalUuid(body.backup_id, 'backup_id');
  // the controller's renames: `name` over `display_name`, `description` over `display_description`, `image_id` over `imageRef`
  const name = firstOf(body, ['name', 'display_name']).value as string | null | undefined ?? null;
  const description = firstOf(body, ['description', 'display_description']).value as string | null | undefined ?? null;
  const imageRef = firstOf(body, ['image_id', 'imageRef']).value as string | null | undefined ?? null;
  if (multiattachAsked) throw invalidInput('multiattach', 'multiattach parameter has been removed. The default behavior is to use multiattach enabled volume types. Contact your administrator to create a multiattach enabled volume type and use it to create multiattach volumes.', 'block.volume.multiattach_in_body');
  // the lookups (404s)
  const requested = typeRef === null || typeRef === '' ? null : resolveVolumeType(ctx, typeRef);
  const snapshot = snapshotId === null ? null : resolveRow(ctx, 'snapshot', ctx.s.block.snapshots, (r) => visible(ctx, r), { id: snapshotId }, 'snapshot_id');
  const source = sourceId === null ? null : getVolume(ctx, { id: sourceId }, 'source_volid');
  for (const [field, group] of [['consistencygroup_id', cgId], ['group_id', groupId]] as const) {
    if (group !== null) throw new CinderError(404, 'block.group.not_found', 'GroupNotFound', `Group ${group} could not be found.`, { field });
  }
  let image: ImageSource | null = null;
  let imageRow: ImageRow | null = null;
  if (imageRef !== null) {
    enforce(ctx, CINDER_RULES.volume.createFromImage, ownTarget(ctx));
    imageRow = imageFor(ctx.s, ctx.policy, ctx.creds, imageRef, Object.hasOwn(body, 'image_id') ? 'image_id' : 'imageRef');
    image = { id: imageRow.id, status: imageRow.status, bytes: imageRow.size ?? 0, virtual_size: imageRow.virtual_size, min_disk: imageRow.min_disk, meta: volumeImageMetadata(imageRow) };
  }
  const backup = backupId === null ? null : resolveRow(ctx, 'backup', ctx.s.block.backups, (r) => visible(ctx, r), { id: backupId }, 'backup_id');
  const src: Sources = { snapshot, source, backup, image };
  // the size the controller takes from the source when none is given
  const size = givenSize ?? snapshot?.volume_size ?? source?.size ?? backup?.size ?? null;
  if (size !== null) checkProvisionSize(requested ?? defaultVolumeType(ctx.s), size, 'size');
  checkOneSource(src);
  checkRequestedType(ctx, requested, src);
  checkSourceStatuses(src);
  checkSize(size, src);
  // the manager will download it with the caller's rights: asked now, while the caller is here
  if (imageRow !== null) authorizeImageDownload(ctx.s, ctx.policy, ctx.creds, imageRow);
  const volumeSize = size as number;
  const type =
    requested ??
    (source !== null
      ? (getRow(ctx.s.block.volume_types, source.volume_type_id) ?? defaultVolumeType(ctx.s))
      : snapshot !== null
        ? (getRow(ctx.s.block.volume_types, snapshot.volume_type_id) ?? defaultVolumeType(ctx.s))
        : defaultVolumeType(ctx.s));
  const az = zoneOf(ctx, azRef, src);
  const multiattach = typeMultiattach(type);
  if (multiattach) enforce(ctx, CINDER_RULES.volume.multiattach, ownTarget(ctx));
  checkPerVolumeSize(tx, ctx.projectId, volumeSize);
  useQuota(tx, ctx.projectId, 'volumes', volumeDeltas(type.name, volumeSize));
  const now = tx.now();
  const row: VolumeRow = {
    id: tx.ids.uuid(),
    name,
    description,
    project_id: ctx.projectId,
    user_id: ctx.userId,
    size: volumeSize,
    status: 'creating',
    attach_status: 'detached',
    migration_status: null,
    availability_zone: az,
    host: null,
    volume_type_id: type.id,
    snapshot_id: snapshot?.id ?? null,
    source_volid: source?.id ?? null,
    backup_id: backup?.id ?? null,
    // `EntryCreateTask`: a clone's or a snapshot's volume's flag; from an image the manager sets it
    bootable: (source?.bootable ?? false) || (snapshot !== null && (getRow(ctx.s.block.volumes, snapshot.volume_id)?.bootable ?? false)),
    multiattach,
    encrypted: false,
    metadata,
    glance_metadata: null,
    admin_metadata: {},
    previous_status: null,
    group_id: null,
    consumes_quota: true,
    created_at: now,
    updated_at: now,
    launched_at: null,
    terminated_at: null,
  };
  setRow(tx.draft.block.volumes, row.id, row);
  tx.trace('cinder-api', `volume ${row.id} creating (${volumeSize} GB, type ${type.name}, az ${az})`);
  const view = volumeView({ ...ctx, s: tx.draft }, row);
  // the volume manager fetches the image (authorised above) over the storage host's network;
  // the image's metadata travels with the request, as Zed's `image_meta` does
  tx.schedule(CREATE_TASK, { volume_id: row.id, image_id: image?.id ?? null, image_meta: image?.meta ?? null }, image === null ? 0 : downloadSeconds(image.bytes));
  return view;
}

/** Seconds to fetch `bytes` of image over a 10 GbE storage link (`progression: 'clock'`). */
function downloadSeconds(bytes: number): number {
  return bytes / 1.25e9;
}

/** The arguments of a {@link CREATE_TASK}. */
interface CreateArgs {
  readonly volume_id: string;
  readonly image_id: string | null;
  /** The image's metadata as the API read it (absent from tasks queued before it was passed). */
  readonly image_meta?: Readonly<Record<string, string>> | null;
}

/**
 * The volume manager's create flow (a task, `volume/flows/manager/create_volume.py`): the source
 * volume must still exist (`ExtractVolumeSpecTask`), a snapshot too; the scheduler picks a pool
 * (none: `error`, no notification); then `volume.create.start` from the pool's backend
 * (`NotifyVolumeActionTask`, :1376), the content copied in — a backup that cannot be read or an
 * image gone meanwhile: `error` (no `create.end`) —, and for a bootable source its Glance metadata
 * (`_handle_bootable_volume_glance_meta`): an image's (and `bootable`), a bootable source volume's,
 * or, from a snapshot of a bootable volume, the snapshot's volume's (`_create_from_snapshot`
 * :482-495; Zed copies the snapshot's own copy, taken when the snapshot was made: stacksim reads
 * the volume's now, so an image metadata change since the snapshot shows, and should the volume be
 * gone the new volume has none), then `available` and `volume.create.end`.
 */
export function runCreate(tx: Tx, args: unknown): void {
  const { volume_id, image_id, image_meta } = args as CreateArgs;
  const s = tx.draft;
  const volume = getRow(s.block.volumes, volume_id);
  if (volume === undefined || volume.status !== 'creating') return;
  const fail = (why: string): void => {
    tx.trace('cinder-volume', `volume ${volume.id}: ${why}`);
    moveVolume(tx, volume, 'error');
  };
  const snapshot = volume.snapshot_id === null ? null : (getRow(s.block.snapshots, volume.snapshot_id) ?? null);
  if (volume.snapshot_id !== null && snapshot === null) return fail(`Snapshot ${volume.snapshot_id} could not be found.`);
  const source = volume.source_volid === null ? null : (getRow(s.block.volumes, volume.source_volid) ?? null);
  if (volume.source_volid !== null && source === null) return fail(`Volume ${volume.source_volid} could not be found.`);
  let only: ((p: PoolRow) => boolean) | undefined;
  if (snapshot !== null) {
    const host = getRow(s.block.volumes, snapshot.volume_id)?.host ?? null;
    only = (p) => p.name === host;
  } else if (source !== null && source.host !== null) {
    const backend = backendOf(source.host);
    only = (p) => p.backend === backend;
  }
  const { pool, explanation } = scheduleVolume(activePools(s, only), requestSpec(s, volume), s.block.config);
  tx.trace('cinder-scheduler', pool === null ? `volume ${volume.id}: ${explanation.reason ?? 'no valid backend'}` : `volume ${volume.id} → ${pool.name}`, { explanation });
  if (pool === null) {
    moveVolume(tx, volume, 'error');
    return;
  }
  const backend = backendOf(pool.name);
  const starting: VolumeRow = { ...volume, host: pool.name };
  tx.emit('volume.create.start', () => volumeUsage(tx.draft, starting), publisher(backend));
  const unreadable = volume.backup_id === null ? null : backupReadProblem(s, volume.backup_id);
  if (unreadable !== null) return fail(`backup ${volume.backup_id ?? ''} cannot be read (${unreadable})`);
  const data = image_id === null ? null : storedImageData(s, image_id);
  if (image_id !== null && data === null) return fail(`Image ${image_id} could not be found.`);
  let placed = moveVolume(tx, volume, 'creating', { host: pool.name, ...(volume.backup_id === null ? {} : { metadata: { ...volume.metadata, src_backup_id: volume.backup_id } }) });
  adjustPool(tx, pool.name, volume.size);
  let blocks = 0;
  // `_handle_bootable_volume_glance_meta`: `bootable`, and the Glance metadata when the source has some
  let bootable: { bootable: true; glance_metadata?: Record<string, string> } | null = null;
  const withGlance = (meta: Readonly<Record<string, string>> | null | undefined): { bootable: true; glance_metadata?: Record<string, string> } => (meta === null || meta === undefined ? { bootable: true } : { bootable: true, glance_metadata: { ...meta } });
  if (snapshot !== null) {
    blocks = copyBlocks(tx, snapshot.id, volume.id);
    const origin = getRow(s.block.volumes, snapshot.volume_id);
    if (origin?.bootable === true) bootable = withGlance(origin.glance_metadata);
  } else if (source !== null) {
    blocks = copyBlocks(tx, source.id, volume.id);
    if (source.bootable) bootable = withGlance(source.glance_metadata);
  } else if (volume.backup_id !== null) blocks = restoreInto(tx, volume.backup_id, volume.id);
  else if (image_id !== null && data !== null) {
    blocks = writeBytes(tx, volume.id, 0, data);
    bootable = withGlance(image_meta ?? { image_id });
  }
  adjustPool(tx, pool.name, 0, blocks);
  // the restore may have changed the row (its metadata): go on from the row as it is
  placed = getRow(tx.draft.block.volumes, volume.id) ?? placed;
  placed = moveVolume(tx, placed, 'available', { launched_at: tx.now(), ...(bootable ?? {}) });
  tx.trace('cinder-volume', `volume ${volume.id} available on ${pool.name}`);
  const done = placed;
  tx.emit('volume.create.end', () => volumeUsage(tx.draft, done), publisher(backend));
}
