/**
 * Volumes (`cinder/api/v3/volumes.py`, `cinder/volume/api.py`, `cinder/volume/flows/api/
 * create_volume.py`, `cinder/volume/flows/manager/create_volume.py`, `cinder/volume/manager.py`):
 * create (blank, from a snapshot, a volume, a Glance image or a backup), show, list, update,
 * delete (refused while attached, migrating or with snapshots unless `cascade`; any status with
 * `force`), extend, and the content a guest writes and reads.
 *
 * Create as Cinder does it: the API checks the request (policy, the body's schema, the sources'
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
import { InvalidInput, blobBytes, describeValue, getRow, deleteRow, setRow, tableToArray, type Tx } from '../core/index.js';
import { authorizeImageDownload, imageFor, storedImageData, type ImageRow } from '../image/index.js';
import { adjustPool, backendOf, findService, freeCapacityGb, poolActive } from './backends.js';
import { backupReadProblem, restoreInto } from './backup_driver.js';
import { checkRange, copyBlocks, dropBlocks, readBytes, writeBytes } from './blocks.js';
import { enforce, indexed, ownTarget, resolveRow, targetOf, visible, type BlockRef, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume } from './errors.js';
import { publisher } from './events.js';
import { CINDER_RULES } from './policies.js';
import { checkPerVolumeSize, releaseQuota, useQuota, volumeDeltas } from './quota.js';
import { scheduleVolume, poolCapabilities, type PoolState, type VolumeRequestSpec } from './scheduler/index.js';
import { moveSnapshot, moveVolume } from './statuses.js';
import type { BackupRow, PoolRow, SnapshotRow, VolumeRow, VolumeStatus, VolumeTypeRow } from './types.js';
import { snapshotUsage, volumeUsage, volumeView, type VolumeView } from './views.js';
import { checkProvisionSize } from './volume_actions.js';
import { defaultVolumeType, isUuidLike, resolveVolumeType, typeMultiattach, typeSpec } from './volume_types.js';

const GIB = 2 ** 30;
/** `cinder.db.sqlalchemy` `DB_MAX_INT`: the largest size the schema accepts. */
export const MAX_VOLUME_SIZE = 0x7fffffff;
/** The task that runs the volume manager's create flow. */
export const CREATE_TASK = 'block.volume.create';
/** The task that runs the volume manager's delete. */
export const DELETE_TASK = 'block.volume.delete';

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

/** `PUT /v3/{project_id}/volumes/{id}`: the `volume` object (`update_volume_v353`: one key at least, no other). */
export interface VolumeUpdateRequest {
  readonly name?: string | null;
  readonly display_name?: string | null;
  readonly description?: string | null;
  readonly display_description?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
}

// ------------------------------------------------------------------------------ input

/** `parameter_types.volume_size`: an integer (or a string of digits), 1 ≤ size ≤ DB_MAX_INT. */
export function sizeArg(value: unknown, field = 'size'): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > MAX_VOLUME_SIZE) {
    const reason = `Volume size '${describeValue(value)}' must be an integer and greater than 0`;
    throw invalidInput(field, field === 'size' ? reason : `Invalid input for field/attribute ${field}. ${reason}`, 'block.volume.invalid_size');
  }
  return n;
}

/** A `name` / `description`: null or a string of at most 255 characters. */
export function textArg(value: unknown, field: string, max = 255): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected a string of at most ${max} characters`, 'block.input.invalid_text');
  return value;
}

/**
 * `parameter_types.extra_specs` / `metadata_allows_null` keys: `^[a-zA-Z0-9-_:. /]{1,255}$`
 * (`cinder/api/validation/parameter_types.py:150`), matched as jsonschema does with Python's
 * `re.search`, whose `$` also matches before one final newline.
 */
export const METADATA_KEY = /^[A-Za-z0-9\-_:. /]{1,255}\n?$/;

/**
 * An object of string keys (1–255) to strings (≤ 255): `parameter_types.metadata_allows_null` (null
 * is `{}`). With `keys` (a create's or an update's body) the keys must also match
 * {@link METADATA_KEY}, as the schema's `patternProperties` with `additionalProperties: False`
 * requires; a list's `metadata` filter takes any key.
 */
export function metadataArg(value: unknown, field = 'metadata', keys: RegExp | null = null): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected an object of strings`, 'block.input.invalid_metadata');
  const out: Record<string, string> = {};
  const names = Object.keys(value);
  if (names.length > 1024) throw invalidInput(field, `at most 1024 metadata items, got ${names.length}`, 'block.input.invalid_metadata');
  for (const k of names) {
    const v = (value as Record<string, unknown>)[k];
    const shown = k.slice(0, 64);
    if (k.length === 0 || k.length > 255) throw invalidInput(`${field}.${shown}`, `Invalid input for field/attribute ${field}.${shown}. metadata keys have 1 to 255 characters`, 'block.input.invalid_metadata');
    if (keys !== null && !keys.test(k)) throw invalidInput(`${field}.${shown}`, `Invalid input for field/attribute ${field}.${shown}. Additional properties are not allowed ('${shown}' was unexpected): keys match ${keys.source}`, 'block.input.invalid_metadata');
    if (typeof v !== 'string' || v.length > 255) throw invalidInput(`${field}.${shown}`, `Invalid input for field/attribute ${field}.${shown}. Value: ${describeValue(v)}. metadata values are strings of at most 255 characters`, 'block.input.invalid_metadata');
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** An object body (a request's `volume`, `snapshot`, …): anything else is a 400 naming it. */
export function bodyArg(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. expected an object, got ${describeValue(value)}`, 'block.input.invalid_body');
  return value as Record<string, unknown>;
}

/** The schema's `additionalProperties: False`: a key outside `known` is a 400 naming it. */
function onlyKeys(body: Record<string, unknown>, known: readonly string[], field: string): void {
  for (const k of Object.keys(body)) {
    if (!known.includes(k)) {
      const shown = k.slice(0, 64);
      throw invalidInput(`${field}.${shown}`, `Invalid input for field/attribute ${field}.${shown}. Additional properties are not allowed ('${shown}' was unexpected)`, 'block.input.unexpected_field');
    }
  }
}

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

const TRUE_WORDS = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't'];
const FALSE_WORDS = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f'];

/** `parameter_types.optional_boolean`: null, a boolean or one of oslo's spellings. */
function optionalBool(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && TRUE_WORDS.includes(value)) return true;
  if (typeof value === 'string' && FALSE_WORDS.includes(value)) return false;
  throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected null, a boolean or one of ${[...TRUE_WORDS, ...FALSE_WORDS].join(', ')}`, 'block.input.invalid_boolean');
}

/** The value of the first of `keys` the body has (`hasOwn`, so a null given wins). */
function firstOf(body: Record<string, unknown>, keys: readonly string[]): { present: boolean; value: unknown } {
  for (const k of keys) if (Object.hasOwn(body, k)) return { present: true, value: body[k] };
  return { present: false, value: undefined };
}

// ------------------------------------------------------------------------------ lookups

/** A volume reference: an id or a name among the volumes the caller may see, or `{ id }`. */
export type VolumeRef = BlockRef;

/** The volume a reference names, among those the caller may see (404 otherwise). */
export function getVolume(ctx: Ctx, ref: unknown, field = 'volume'): VolumeRow {
  return resolveRow(ctx, 'volume', ctx.s.block.volumes, (r) => visible(ctx, r), ref, field);
}

/** The snapshots of a volume. */
export function snapshotsOf(ctx: Pick<Ctx, 's'>, volumeId: string): SnapshotRow[] {
  return indexed(ctx.s.block.volume_snapshots, volumeId).map((id) => getRow(ctx.s.block.snapshots, id)).filter((r): r is SnapshotRow => r !== undefined);
}

/**
 * The AZs volumes may be created in (`volume/api.py` `create`, :318-322): those of the volume
 * services (`list_availability_zones`) and always `storage_availability_zone`.
 */
export function storageZones(ctx: Pick<Ctx, 's'>): Set<string> {
  const zones = new Set(tableToArray(ctx.s.block.services).filter((r) => r.binary === 'cinder-volume').map((r) => r.zone));
  zones.add(ctx.s.block.config.storage_availability_zone);
  return zones;
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
  onlyKeys(body, CREATE_KEYS, 'volume');
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

/** The scheduler's view of the pools it may use: active services' pools, with their free capacity. */
export function activePools(s: Ctx['s'], only?: (pool: PoolRow) => boolean): PoolState[] {
  const out: PoolState[] = [];
  for (const pool of tableToArray(s.block.pools)) {
    if (!poolActive(s, pool) || (only !== undefined && !only(pool))) continue;
    const free = freeCapacityGb(pool);
    out.push({ ...pool, free_capacity_gb: free, capabilities: poolCapabilities(pool, free) });
  }
  return out;
}

/** The request spec of a volume as the scheduler gets it. */
export function requestSpec(s: Ctx['s'], volume: VolumeRow, newSize?: number): VolumeRequestSpec {
  const type = getRow(s.block.volume_types, volume.volume_type_id);
  return { volume_id: volume.id, size: volume.size, ...(newSize === undefined ? {} : { new_size: newSize }), volume_type: type === undefined ? null : typeSpec(type), availability_zone: volume.availability_zone, multiattach: volume.multiattach };
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

// ------------------------------------------------------------------------------ show, list, update

/** `GET /v3/{project_id}/volumes/{id}`. */
export function showVolume(ctx: Ctx, ref: unknown): VolumeView {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.get, targetOf(volume));
  return volumeView(ctx, volume);
}

/** `GET /v3/{project_id}/volumes[/detail]`: filters and paging. */
export interface VolumeListQuery {
  readonly name?: string;
  readonly status?: string;
  readonly availability_zone?: string;
  readonly bootable?: boolean | string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Admins: every project's volumes. */
  readonly all_tenants?: boolean | string | number;
  /** Admins with `all_tenants`: one project's. */
  readonly project_id?: string;
  /** `created_at` (default), `id`, `name`, `size`, `status`, `updated_at`. */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  readonly limit?: number;
  readonly marker?: string;
}

const SORT_KEYS = ['created_at', 'id', 'name', 'size', 'status', 'updated_at', 'availability_zone'] as const;
const LIST_KEYS = ['name', 'status', 'availability_zone', 'bootable', 'metadata', 'all_tenants', 'project_id', 'sort_key', 'sort_dir', 'limit', 'marker'];
/** `[DEFAULT] osapi_max_limit`: 1000. */
export const OSAPI_MAX_LIMIT = 1000;

const truthy = (v: unknown): boolean => v === true || v === 1 || (typeof v === 'string' && ['1', 'true', 't', 'yes', 'y', 'on'].includes(v.toLowerCase()));

/** A list filter that must be a string (of at most 255 characters), or absent. */
function filterString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 255) throw invalidInput(field, `'${field}' must be a string of at most 255 characters, got ${describeValue(value)}`, 'block.list.invalid_filter');
  return value;
}

/** A list filter that is a boolean or a string (`bootable`, `all_tenants`; a number too for `all_tenants`), or absent. */
function filterFlag(value: unknown, field: string, numbers = false): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean' || (typeof value === 'string' && value.length <= 255) || (numbers && typeof value === 'number' && Number.isFinite(value))) return truthy(value);
  throw invalidInput(field, `'${field}' must be a boolean or a string, got ${describeValue(value)}`, 'block.list.invalid_filter');
}

/**
 * The volumes a list answers, in order (the rows, for the view the caller wants). Every field of
 * the query is type-checked before it is used (a 400 naming it, never a `TypeError`).
 */
export function listVolumeRows(ctx: Ctx, query: unknown = {}): VolumeRow[] {
  enforce(ctx, CINDER_RULES.volume.getAll, ownTarget(ctx));
  const q = bodyArg(query, 'query');
  for (const k of Object.keys(q)) if (!LIST_KEYS.includes(k)) throw invalidInput(k.slice(0, 64), `'${k.slice(0, 64)}' is not a filter of GET /volumes (known: ${LIST_KEYS.join(', ')})`, 'block.list.unknown_filter');
  const name = filterString(q.name, 'name');
  const status = filterString(q.status, 'status');
  const zone = filterString(q.availability_zone, 'availability_zone');
  const bootable = filterFlag(q.bootable, 'bootable');
  const all = ctx.isAdmin && filterFlag(q.all_tenants, 'all_tenants', true) === true;
  const projectFilter = filterString(q.project_id, 'project_id');
  const project = all ? (projectFilter ?? null) : ctx.projectId;
  const metadata = metadataArg(q.metadata);
  const sortKey = filterString(q.sort_key, 'sort_key') ?? 'created_at';
  if (!(SORT_KEYS as readonly string[]).includes(sortKey)) throw invalidInput('sort_key', `sort_key must be one of ${SORT_KEYS.join(', ')}`, 'block.list.invalid_sort');
  const dir = filterString(q.sort_dir, 'sort_dir') ?? 'desc';
  if (dir !== 'asc' && dir !== 'desc') throw invalidInput('sort_dir', "sort_dir must be 'asc' or 'desc'", 'block.list.invalid_sort');
  let limit = OSAPI_MAX_LIMIT;
  if (q.limit !== undefined) {
    const n = typeof q.limit === 'string' && /^[0-9]{1,16}$/.test(q.limit) ? Number(q.limit) : q.limit;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidInput('limit', `limit must be an integer 0 or greater, got ${describeValue(q.limit)}`, 'block.list.invalid_limit');
    limit = Math.min(n, OSAPI_MAX_LIMIT);
  }
  const marker = filterString(q.marker, 'marker');
  const rows = tableToArray(ctx.s.block.volumes).filter((v) => {
    if (!visible(ctx, v) || (project !== null && v.project_id !== project)) return false;
    if (name !== undefined && v.name !== name) return false;
    if (status !== undefined && v.status !== status) return false;
    if (zone !== undefined && v.availability_zone !== zone) return false;
    if (bootable !== undefined && v.bootable !== bootable) return false;
    for (const [k, val] of Object.entries(metadata)) if (v.metadata[k] !== val) return false;
    return true;
  });
  const key = sortKey as (typeof SORT_KEYS)[number];
  rows.sort((a, b) => {
    const x = a[key] ?? '';
    const y = b[key] ?? '';
    const c = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return dir === 'asc' ? c : -c;
  });
  let start = 0;
  if (marker !== undefined) {
    const i = rows.findIndex((r) => r.id === marker);
    if (i < 0) throw new CinderError(400, 'block.list.invalid_marker', 'InvalidInput', `Invalid input received: marker [${marker}] not found`, { field: 'marker' });
    start = i + 1;
  }
  return rows.slice(start, start + limit);
}

/** The keys of `update_volume_v353.volume`. */
const UPDATE_KEYS = ['name', 'description', 'display_name', 'display_description', 'metadata'];

/**
 * `PUT /v3/{project_id}/volumes/{id}` (`api/v2/volumes.py` `update`, schema `update_volume_v353`):
 * `name` / `display_name` (`name` wins), `description` / `display_description`, `metadata` (an
 * object whose keys match {@link METADATA_KEY}: null is refused, as `extra_specs` is no null);
 * at least one of them and no other key; refused in `maintenance`.
 */
export function updateVolume(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): VolumeView {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.update, targetOf(volume));
  const body = bodyArg(input, 'volume');
  onlyKeys(body, UPDATE_KEYS, 'volume');
  if (!UPDATE_KEYS.some((k) => Object.hasOwn(body, k))) throw invalidInput('volume', "Invalid input for field/attribute volume. Value: {}. {} is not valid under any of the given schemas: give name, description, display_name, display_description or metadata", 'block.volume.empty_update');
  for (const k of ['name', 'display_name', 'description', 'display_description']) textArg(body[k], k);
  const fields: { name?: string | null; description?: string | null; metadata?: Record<string, string> } = {};
  const name = firstOf(body, ['name', 'display_name']);
  if (name.present) fields.name = (name.value as string | null | undefined) ?? null;
  const description = firstOf(body, ['description', 'display_description']);
  if (description.present) fields.description = (description.value as string | null | undefined) ?? null;
  if (Object.hasOwn(body, 'metadata')) {
    if (body.metadata === null) throw invalidInput('metadata', "Invalid input for field/attribute metadata. Value: None. None is not of type 'object'", 'block.input.invalid_metadata');
    fields.metadata = metadataArg(body.metadata, 'metadata', METADATA_KEY);
  }
  if (volume.status === 'maintenance') throw invalidVolume('The volume cannot be updated during maintenance.');
  const next = moveVolume(tx, volume, volume.status, fields);
  tx.emit('volume.update.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
  tx.emit('volume.update.end', () => volumeUsage(tx.draft, next), publisher('controller'));
  return volumeView({ ...ctx, s: tx.draft }, next);
}

// ------------------------------------------------------------------------------ delete

/** `AVAILABLE_MIGRATION_STATUS` (`None, 'deleting', 'error', 'success'`; `deleting` is no migration status stacksim sets): a volume may be deleted while its migration status is one of these. */
const DELETABLE_MIGRATION: readonly (VolumeRow['migration_status'])[] = [null, 'error', 'success'];
const DELETABLE: readonly VolumeRow['status'][] = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];
/** `volume_has_undeletable_snapshots_filter`: the snapshot statuses a cascade delete takes. */
const CASCADE_SNAPSHOT: readonly SnapshotRow['status'][] = ['available', 'error'];

/** The options of a delete (`{ cascade }`): an object, or a 400. */
export function deleteOptions(value: unknown): { cascade?: unknown } {
  if (value === undefined) return {};
  const o = bodyArg(value, 'options');
  return { cascade: o.cascade };
}

/**
 * `utils.get_bool_param('cascade', …)`: a boolean or a string `strutils.is_valid_boolstr` takes
 * (`1 t true on y yes` / `0 f false off n no`, any case), else 400 `InvalidParameterValue`.
 */
function cascadeArg(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = value.toLowerCase();
    if (['1', 't', 'true', 'on', 'y', 'yes'].includes(word)) return true;
    if (['0', 'f', 'false', 'off', 'n', 'no'].includes(word)) return false;
  }
  const shown = typeof value === 'string' ? value.slice(0, 64) : describeValue(value);
  throw new CinderError(400, 'block.input.invalid_boolean', 'InvalidParameterValue', `Value '${shown}' for 'cascade' is not a boolean.`, { field: 'cascade' });
}

/** `volume.assert_not_frozen()`: no change on a frozen backend. */
function assertNotFrozen(ctx: Pick<Ctx, 's'>, host: string | null): void {
  if (host === null) return;
  if (findService(ctx.s, 'cinder-volume', backendOf(host))?.frozen === true) throw invalidInput('host', 'Modification operations are not allowed on frozen storage backends.', 'block.backend.frozen');
}

/**
 * `DELETE /v3/{project_id}/volumes/{id}[?cascade=true]`, or `os-force_delete` / `?force=true` with
 * `force` (`volume/api.py` `delete`): `volume:force_delete` then `volume:delete`. A volume never
 * scheduled is destroyed by the API itself (`delete.start` / `.end` from the API, quota, content).
 * Otherwise the conditional update: not `attached` (its `attach_status`), not migrating, and
 * without `force` in a deletable status; no snapshots, or with `cascade` only snapshots `available`
 * or `error` (any with `force`) of the volume's own project (unless an admin asks); the volume goes
 * `deleting` — from any status with `force`, `deleting` included — and, with `cascade`, its
 * snapshots too; then the volume manager ({@link runDelete}).
 */
export function deleteVolume(tx: Tx, ctx: Ctx, ref: unknown, options: { cascade?: unknown; force?: boolean } = {}): void {
  const volume = getVolume(ctx, ref);
  const force = options.force === true;
  if (force) enforce(ctx, CINDER_RULES.volume.forceDelete, targetOf(volume));
  enforce(ctx, CINDER_RULES.volume.delete, targetOf(volume));
  const cascade = cascadeArg(options.cascade);
  if (volume.host === null) {
    // never scheduled: the API destroys the row itself
    tx.emit('volume.delete.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
    if (volume.status !== 'error_managing' && volume.consumes_quota) releaseQuota(tx, volume.project_id, volumeDeltas(typeName(ctx, volume), volume.size));
    destroyVolume(tx, volume);
    tx.emit('volume.delete.end', () => volumeUsage(tx.draft, volume), publisher('controller'));
    return;
  }
  assertNotFrozen(ctx, volume.host);
  const snapshots = snapshotsOf(ctx, volume.id);
  const snapshotsOk = !cascade ? snapshots.length === 0 : force ? snapshots.every((s) => s.group_snapshot_id === null) : snapshots.every((s) => CASCADE_SNAPSHOT.includes(s.status) && s.group_snapshot_id === null) && (ctx.isAdmin || snapshots.every((s) => s.project_id === volume.project_id));
  const ok = volume.attach_status !== 'attached' && DELETABLE_MIGRATION.includes(volume.migration_status) && volume.group_id === null && (force || DELETABLE.includes(volume.status)) && snapshotsOk;
  if (!ok) {
    const status = force ? '' : `status must be ${DELETABLE.join(' or ')} and `;
    throw invalidVolume(`Volume ${status}must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.`, { volume_id: volume.id, status: volume.status });
  }
  moveVolume(tx, volume, 'deleting', { terminated_at: tx.now() });
  if (cascade) for (const snap of snapshots) moveSnapshot(tx, snap, 'deleting');
  tx.trace('cinder-api', `volume ${volume.id} deleting${cascade ? ` with ${snapshots.length} snapshot(s)` : ''}`);
  tx.schedule(DELETE_TASK, { volume_id: volume.id, cascade }, 0);
}

function typeName(ctx: Pick<Ctx, 's'>, volume: Pick<VolumeRow, 'volume_type_id'>): string {
  return getRow(ctx.s.block.volume_types, volume.volume_type_id)?.name ?? volume.volume_type_id;
}

/**
 * `db.volume_destroy` (`VOLUME_DEPENDENT_MODELS`): the row goes with its content (blocks and their
 * blobs), its transfers (found through the `volume_transfers` index) and its attachments. Mutates;
 * the pool's counters and the quota are the caller's.
 */
function destroyVolume(tx: Tx, volume: VolumeRow): number {
  const s = tx.draft;
  const blocks = dropBlocks(tx, volume.id);
  for (const id of indexed(s.block.volume_transfers, volume.id)) {
    deleteRow(s.block.transfers, id);
    deleteRow(s.block.volume_transfers, `${volume.id}/${id}`);
  }
  for (const id of indexed(s.block.volume_attachments, volume.id)) {
    deleteRow(s.block.attachments, id);
    deleteRow(s.block.volume_attachments, `${volume.id}/${id}`);
  }
  deleteRow(s.block.volumes, volume.id);
  return blocks;
}

/**
 * The volume manager's `delete_volume` (a task, `volume/manager.py`): `volume.delete.start` from
 * the backend (for a volume that counts in the quota and is not migrating: `do_quota`); still
 * attached: it stays `deleting` (`VolumeAttached`); with `cascade` each snapshot, which must be
 * `deleting` (else the volume goes `error_deleting`), is deleted as `delete_snapshot` does, with
 * `snapshot.delete.start` / `.end` (:1007-1021); then the content, the pool's space, the quota,
 * the row and `volume.delete.end`.
 */
export function runDelete(tx: Tx, args: unknown): void {
  const { volume_id, cascade } = args as { volume_id: string; cascade: boolean };
  const s = tx.draft;
  const volume = getRow(s.block.volumes, volume_id);
  if (volume === undefined || volume.status !== 'deleting') return;
  const ctx = { s };
  const backend = volume.host === null ? null : backendOf(volume.host);
  const doQuota = volume.consumes_quota && DELETABLE_MIGRATION.includes(volume.migration_status);
  if (doQuota) tx.emit('volume.delete.start', () => volumeUsage(tx.draft, volume), publisher(backend));
  if (volume.attach_status === 'attached') {
    tx.trace('cinder-volume', `volume ${volume.id} is still attached, detach it first (VolumeAttached)`);
    return;
  }
  if (cascade) {
    for (const snap of snapshotsOf(ctx, volume.id)) {
      if (snap.status !== 'deleting') {
        moveVolume(tx, volume, 'error_deleting');
        tx.trace('cinder-volume', `Snapshot ${snap.id} was found in state ${snap.status} rather than 'deleting' during cascade delete.`);
        return;
      }
      tx.emit('snapshot.delete.start', () => snapshotUsage(tx.draft, snap), publisher(backend));
      removeSnapshotRow(tx, snap);
      tx.emit('snapshot.delete.end', () => snapshotUsage(tx.draft, { ...snap, status: 'deleted' }), publisher(backend));
    }
  }
  if (doQuota) releaseQuota(tx, volume.project_id, volumeDeltas(typeName(ctx, volume), volume.size));
  const blocks = destroyVolume(tx, volume);
  adjustPool(tx, volume.host, -volume.size, -blocks);
  tx.trace('cinder-volume', `volume ${volume.id} deleted from ${volume.host ?? 'nowhere'}`);
  if (doQuota) tx.emit('volume.delete.end', () => volumeUsage(tx.draft, volume), publisher(backend));
}

/** Drops a snapshot row with its blocks and quota (cascade delete, snapshot delete task). Mutates. */
export function removeSnapshotRow(tx: Tx, snap: SnapshotRow): void {
  const s = tx.draft;
  dropBlocks(tx, snap.id);
  const type = typeName({ s }, snap);
  releaseQuota(tx, snap.project_id, { snapshots: 1, gigabytes: snap.volume_size, [`snapshots_${type}`]: 1, [`gigabytes_${type}`]: snap.volume_size });
  deleteRow(s.block.volume_snapshots, `${snap.volume_id}/${snap.id}`);
  deleteRow(s.block.snapshots, snap.id);
}

// ------------------------------------------------------------------------------ extend

/**
 * `os-extend` (`volume/api.py` `_extend`, :1548-1640), in Zed's order: the policy
 * (`volume:extend`, or `volume:extend_attached_volume` for an `in-use` volume, 3.42); `new_size`
 * (and no other key); larger than the size (400 `InvalidInput`); the type's
 * `provisioning:min_vol_size` / `max_vol_size`; the status — `available`, or `in-use` — (400
 * `InvalidVolume`); `per_volume_gigabytes` (413); the quota for the difference (413); then
 * `extending` (the status kept in `previous_status`). The scheduler (`scheduler/manager.py`
 * `extend_volume`, :457-479) checks the volume's pool still passes its filters for the new size:
 * no, the quota is given back and the volume returns to its previous status, `previous_status`
 * null, without any notification; yes, the volume manager (`volume/manager.py` `extend_volume`)
 * sends `volume.resize.start` from the backend, grows it, and it is `in-use` when it has
 * attachments, else `available` (`previous_status` left as Zed leaves it), `volume.resize.end`.
 */
export function extendVolume(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolume(ctx, ref);
  const attached = volume.status === 'in-use';
  enforce(ctx, attached ? CINDER_RULES.volume.extendAttached : CINDER_RULES.volume.extend, targetOf(volume));
  const body = bodyArg(input, 'os-extend');
  onlyKeys(body, ['new_size'], 'os-extend');
  const newSize = sizeArg(body.new_size, 'new_size');
  if (newSize <= volume.size) throw invalidInput('new_size', `New size for extend must be greater than current size. (current: ${volume.size}, extended: ${newSize}).`, 'block.volume.extend_not_larger');
  checkProvisionSize(getRow(ctx.s.block.volume_types, volume.volume_type_id) ?? defaultVolumeType(ctx.s), newSize, 'new_size');
  const expected: VolumeStatus = attached ? 'in-use' : 'available';
  if (volume.status !== expected) throw invalidVolume(`Volume ${volume.id} status must be '{'status': '${expected}'}' to extend, currently ${volume.status}.`, { volume_id: volume.id, status: volume.status });
  checkPerVolumeSize(tx, volume.project_id, newSize);
  const delta = newSize - volume.size;
  const type = typeName(ctx, volume);
  useQuota(tx, volume.project_id, 'volumes', { gigabytes: delta, [`gigabytes_${type}`]: delta });
  const extending = moveVolume(tx, volume, 'extending', { previous_status: volume.status });
  const pool = volume.host === null ? undefined : getRow(tx.draft.block.pools, volume.host);
  const candidates = pool === undefined ? [] : activePools(tx.draft, (p) => p.name === pool.name);
  const { pool: chosen, explanation } = scheduleVolume(candidates, requestSpec(tx.draft, extending, newSize), tx.draft.block.config);
  tx.trace('cinder-scheduler', chosen === null ? `extend ${volume.id}: ${explanation.reason ?? 'no valid backend'}` : `extend ${volume.id} on ${chosen.name}`, { explanation });
  if (chosen === null) {
    releaseQuota(tx, volume.project_id, { gigabytes: delta, [`gigabytes_${type}`]: delta });
    moveVolume(tx, extending, extending.previous_status ?? expected, { previous_status: null });
    return;
  }
  const backend = backendOf(chosen.name);
  tx.emit('volume.resize.start', () => volumeUsage(tx.draft, extending), publisher(backend));
  adjustPool(tx, chosen.name, delta);
  const back: VolumeStatus = indexed(tx.draft.block.volume_attachments, volume.id).length > 0 ? 'in-use' : 'available';
  const done = moveVolume(tx, extending, back, { size: newSize });
  tx.emit('volume.resize.end', () => volumeUsage(tx.draft, done), publisher(backend));
}

// ------------------------------------------------------------------------------ content

/**
 * Writes bytes into a volume as its guest would (stacksim's own call: Cinder has no data API):
 * the volume is looked up (404) and the policy asked (403) before `data` is read (a Uint8Array or
 * a string, else 400); the volume must be `available` or `in-use`; the pool counts the blocks
 * written.
 */
export function writeVolumeData(tx: Tx, ctx: Ctx, ref: unknown, offset: unknown, data: unknown): void {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.update, targetOf(volume));
  const bytes = blobBytes(data, 'data');
  if (volume.status !== 'available' && volume.status !== 'in-use') throw invalidVolume(`data can be written only to an 'available' or 'in-use' volume, this one is '${volume.status}'.`, { volume_id: volume.id, status: volume.status }, 'block.data.invalid_status');
  const at = checkRange(offset, bytes.length, volume.size);
  const blocks = writeBytes(tx, volume.id, at, bytes);
  adjustPool(tx, volume.host, 0, blocks);
  setRow(tx.draft.block.volumes, volume.id, { ...volume, updated_at: tx.now() });
}

/** Reads bytes from a volume (zeros where nothing was written); stacksim's own call. */
export function readVolumeData(ctx: Ctx, ref: unknown, offset: unknown, length: unknown): Uint8Array {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.get, targetOf(volume));
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) throw new InvalidInput('length', `expected a byte count (an integer ≥ 0), got ${describeValue(length)}.`, 'block.data.invalid_length');
  const at = checkRange(offset, length, volume.size);
  return readBytes(ctx.s, volume.id, at, length);
}
