/**
 * Volume actions (`POST /v3/{project_id}/volumes/{id}/action`) beyond create, extend and delete,
 * as Zed's Cinder runs them:
 * - `os-retype` (`cinder/api/contrib/volume_actions.py` `_retype`, `cinder/volume/api.py` `retype`,
 *   `cinder/scheduler/manager.py` `retype`, `cinder/scheduler/filter_scheduler.py`
 *   `find_retype_backend`, `cinder/volume/manager.py` `retype`);
 * - `os-migrate_volume` (`cinder/api/contrib/admin_actions.py` `_migrate_volume`,
 *   `volume/api.py` `migrate_volume`, `scheduler/manager.py` `migrate_volume` →
 *   `backend_passes_filters`, `volume/manager.py` `migrate_volume`, `_migrate_volume_generic`,
 *   `migrate_volume_completion`);
 * - `os-volume_upload_image` (`volume_actions.py` `_volume_upload_image`, `volume/api.py`
 *   `copy_volume_to_image`, `volume/manager.py` `copy_volume_to_image`);
 * - `os-reset_status` (`admin_actions.py` `VolumeAdminController._reset_status`),
 *   `os-update_readonly_flag` (`volume/api.py` `update_readonly_flag`), `os-set_bootable`
 *   (`volume/api.py` `update`).
 *
 * The API part of each runs in the call (policy, body, the conditional update, quota); the
 * scheduler's and the volume manager's parts run as tasks ({@link RETYPE_TASK},
 * {@link MIGRATE_TASK}, {@link MIGRATION_COMPLETE_TASK}, {@link UPLOAD_TASK}), so with
 * `progression: 'immediate'` they are done when the call returns.
 *
 * A migration is Cinder's generic one (`_migrate_volume_generic`): the volume keeps its id, its
 * blocks move to the destination pool (the pools' `allocated` / `provisioned_capacity_gb` and
 * `written_blocks` move with them when the copy completes), its host and availability zone become
 * the destination's, `migration_status` goes `starting` → `migrating` → `success` (`completing`
 * lasts no virtual time). The copy takes the written bytes' time over a 10 GbE link.
 * Not simulated: the temporary destination volume and the `_name_id` swap
 * (`os-vol-mig-status-attr:name_id` stays null), drivers' optimised migrations, Nova's
 * `swap_volume` for attached volumes (an `in-use` volume migrates at once and keeps its
 * attachments), clusters, `os-migrate_volume_completion`, replication, encryption.
 */
import { CloudError, deleteRow, describeValue, getRow, setRow, type CloudState, type EmitOptions, type Tx } from '../core/index.js';
import { createImageFor, type ImageCreateRequest, type ImageView } from '../image/index.js';
import { adjustPool, backendOf, findService, poolActive, serviceUp } from './backends.js';
import { BLOCK_SIZE, readBytes, writtenBlocks, writtenCount } from './blocks.js';
import { allowed, enforce, indexed, ownTarget, targetOf, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume, notFound } from './errors.js';
import { publisher } from './events.js';
import { CINDER_RULES } from './policies.js';
import { releaseQuota, useQuota, type CinderDeltas } from './quota.js';
import { backendPassesFilters, findRetypeBackend, type PoolState, type VolumeRequestSpec } from './scheduler/index.js';
import { moveVolume } from './statuses.js';
import { MIGRATION_STATUSES, VOLUME_STATUSES, type MigrationStatus, type PoolRow, type SnapshotRow, type VolumeRow, type VolumeStatus, type VolumeTypeRow } from './types.js';
import { timestamp, volumeUsage, type VolumeUsage } from './views.js';
import { typeByName, typeMultiattach, typeSpec } from './volume_types.js';
import { activePools, bodyArg, getVolume, requestSpec, snapshotsOf } from './volumes.js';

/** The scheduler's retype and the volume manager's retype (a task). */
export const RETYPE_TASK = 'block.volume.retype';
/** The scheduler's `migrate_volume` (a task): checks the destination, then starts the copy. */
export const MIGRATE_TASK = 'block.volume.migrate';
/** The end of a migration's copy (a task): `migrate_volume_completion`. */
export const MIGRATION_COMPLETE_TASK = 'block.volume.migration_complete';
/** The volume manager's `copy_volume_to_image` end (a task): the volume back from `uploading`. */
export const UPLOAD_TASK = 'block.volume.upload_image';

/** `volume.api.API.AVAILABLE_MIGRATION_STATUS`: (None, 'deleting', 'error', 'success'); `deleting` is no `MigrationStatus` here. */
const AVAILABLE_MIGRATION: readonly (MigrationStatus | null)[] = [null, 'error', 'success'];
/** Bytes per second a volume copy or an image upload moves (a 10 GbE storage link). */
const LINK_BYTES_PER_SECOND = 1.25e9;
/** The most bytes an upload to an image may carry (stacksim holds them in memory): 1 GiB. */
export const MAX_UPLOAD_BYTES = 2 ** 30;

// ------------------------------------------------------------------------------ notifications

/** The payload of `scheduler.<method>` (`scheduler/manager.py` `_set_volume_state_and_notify`). */
export interface SchedulerErrorPayload {
  readonly request_spec: {
    readonly volume_id: string;
    readonly volume_type: { readonly id: string; readonly name: string; readonly extra_specs: Readonly<Record<string, string>> } | null;
    readonly migration_policy?: string;
  };
  readonly volume_properties: { readonly size: number; readonly availability_zone: string; readonly host: string | null; readonly status: string; readonly volume_type_id: string; readonly project_id: string };
  readonly volume_id: string;
  readonly state: Readonly<Record<string, string | null>>;
  readonly method: string;
  readonly reason: string;
}

/**
 * The notifications these actions send that `events.ts` does not declare (yet): the volume
 * manager's `volume.retype` (one event, no `.start` / `.end`: `_notify_about_volume_usage(…,
 * "retype")`), the reset's `volume.reset_status.start` / `.end`, and the scheduler's errors.
 */
interface PendingEvents {
  'volume.retype': VolumeUsage;
  'volume.reset_status.start': VolumeUsage;
  'volume.reset_status.end': VolumeUsage;
  'scheduler.retype': SchedulerErrorPayload;
  'scheduler.migrate_volume_to_host': SchedulerErrorPayload;
}

function notify<K extends keyof PendingEvents>(tx: Tx, event: K, payload: () => PendingEvents[K], options: EmitOptions): void {
  (tx.emit as unknown as (e: string, p: () => unknown, o: EmitOptions) => void)(event, payload, options);
}

function schedulerError(s: CloudState, volume: VolumeRow, type: VolumeTypeRow | undefined, method: string, state: Record<string, string | null>, reason: string, policy?: string): SchedulerErrorPayload {
  return {
    request_spec: { volume_id: volume.id, volume_type: type === undefined ? null : typeSpec(type), ...(policy === undefined ? {} : { migration_policy: policy }) },
    volume_properties: { size: volume.size, availability_zone: volume.availability_zone, host: volume.host, status: volume.status, volume_type_id: volume.volume_type_id, project_id: volume.project_id },
    volume_id: volume.id,
    state,
    method,
    reason,
  };
}

// ------------------------------------------------------------------------------ shared input

/**
 * `volume_api.get`: the volume among those the caller may see, and `volume:get` on it — refused,
 * Cinder answers 404 `VolumeNotFound` "to avoid providing info about the existence of an
 * unauthorized volume id".
 */
export function getVolumeFor(ctx: Ctx, ref: unknown, field = 'volume'): VolumeRow {
  const volume = getVolume(ctx, ref, field);
  if (!allowed(ctx, CINDER_RULES.volume.get, targetOf(volume))) throw notFound('volume', volume.id);
  return volume;
}

/** `additionalProperties: false`: a key outside `allowed` is a 400 naming it. */
export function onlyKeys(body: Record<string, unknown>, keys: readonly string[], field: string): void {
  for (const k of Object.keys(body)) {
    if (!keys.includes(k)) throw invalidInput(`${field}.${k}`, `Invalid input for field/attribute ${field}. Additional properties are not allowed ('${k.length > 64 ? `${k.slice(0, 64)}…` : k}' was unexpected)`, 'block.input.unexpected_key');
  }
}

const TRUE_STRINGS = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't'];
const FALSE_STRINGS = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f'];

/** `parameter_types.boolean` read with `strutils.bool_from_string(strict=True)`: a boolean or one of its spellings. */
export function boolArg(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && TRUE_STRINGS.includes(value)) return true;
  if (typeof value === 'string' && FALSE_STRINGS.includes(value)) return false;
  throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected a boolean (true, false or one of their spellings: ${[...TRUE_STRINGS, ...FALSE_STRINGS].join(', ')})`, 'block.input.invalid_boolean');
}

function optionalBool(value: unknown, field: string, fallback: boolean): boolean {
  return value === undefined ? fallback : boolArg(value, field);
}

/** `parameter_types.description`'s printable characters (not `\p{C}`, no line or paragraph separators, BMP only), Python's `$` letting one final newline through. */
const PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}\u{FFFF}-\u{10FFFF}]*\n?$/u;

function typeName(s: CloudState, typeId: string): string {
  return getRow(s.block.volume_types, typeId)?.name ?? typeId;
}

// ------------------------------------------------------------------------------ retype

/** `os-retype`: the request body's `os-retype` object. */
export interface VolumeRetypeRequest {
  /** A volume type id or name. */
  readonly new_type: string;
  /** `never` (the default) or `on-demand` (the volume may migrate to another backend). */
  readonly migration_policy?: 'never' | 'on-demand' | null;
}

const UUID_LIKE = /^[0-9a-f]{32}$/;

/** `uuidutils.is_uuid_like`: hyphens, braces and a `urn:uuid:` prefix aside, 32 hex digits. */
function uuidLike(value: string): boolean {
  return UUID_LIKE.test(value.toLowerCase().replace(/^urn:/, '').replace(/^uuid:/, '').replace(/[{}-]/g, ''));
}

/**
 * `VolumeType.get_by_name_or_id(context.elevated(), …)`: any type, private ones included (the
 * elevated context sees them all); a UUID-like reference by id then by name (404
 * `VolumeTypeNotFound`), anything else by name (404 `VolumeTypeNotFoundByName`).
 */
function typeByNameOrId(s: CloudState, ref: unknown, field: string): VolumeTypeRow {
  if (typeof ref !== 'string') throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(ref)}. ${describeValue(ref)} is not of type 'string'`, 'block.volume.invalid_new_type');
  if (ref.length > 255) throw invalidInput(field, `a volume type id or name has at most 255 characters, got ${ref.length}`, 'block.volume.invalid_new_type');
  if (uuidLike(ref)) {
    const row = getRow(s.block.volume_types, ref) ?? typeByName(s, ref);
    if (row === undefined) throw new CinderError(404, 'block.volume_type.not_found', 'VolumeTypeNotFound', `Volume type ${ref} could not be found.`, { id: ref, field });
    return row;
  }
  const row = typeByName(s, ref);
  if (row === undefined) throw new CinderError(404, 'block.volume_type.not_found', 'VolumeTypeNotFoundByName', `Volume type with name ${ref} could not be found.`, { name: ref, field });
  return row;
}

/** `volume_types.provision_filter_on_size`: the type's `provisioning:min_vol_size` / `max_vol_size`. */
function checkProvisionSize(type: VolumeTypeRow, size: number): void {
  const min = type.extra_specs['provisioning:min_vol_size'];
  const max = type.extra_specs['provisioning:max_vol_size'];
  if (min !== undefined && /^\s*[0-9]+\s*$/.test(min) && size < Number(min)) {
    throw invalidInput('new_type', `Specified volume size of '${size}' is less than the minimum required size of '${min}' for volume type '${type.name}'.`, 'block.volume.size_below_type_minimum');
  }
  if (max !== undefined && /^\s*[0-9]+\s*$/.test(max) && size > Number(max)) {
    throw invalidInput('new_type', `Specified volume size of '${size}' is greater than the maximum allowable size of '${max}' for volume type '${type.name}'.`, 'block.volume.size_above_type_maximum');
  }
}

/**
 * `quota_utils.get_volume_type_reservation(…, reserve_vol_type_only=True)`: the per-type part of
 * what a volume and its snapshots hold (`volumes_<type>` 1, `gigabytes_<type>` its size and its
 * snapshots' sizes, `snapshots_<type>` its snapshots).
 */
function typeDeltas(typeNameValue: string, volume: VolumeRow, snaps: readonly SnapshotRow[]): CinderDeltas {
  if (!volume.consumes_quota) return {};
  const deltas: Record<string, number> = { [`volumes_${typeNameValue}`]: 1, [`gigabytes_${typeNameValue}`]: volume.size + snaps.reduce((n, s) => n + s.volume_size, 0) };
  if (snaps.length > 0) deltas[`snapshots_${typeNameValue}`] = snaps.length;
  return deltas;
}

/** A type's QoS specs consumed by the front end (`consumer` other than `back-end`). */
function frontEndQos(s: CloudState, type: VolumeTypeRow | undefined): boolean {
  if (type === undefined || type.qos_specs_id === null) return false;
  const qos = getRow(s.block.qos_specs, type.qos_specs_id);
  return qos !== undefined && qos.consumer !== 'back-end';
}

/** `db.volume_qos_allows_retype`: available, or both types share QoS specs, or neither has front-end ones. */
function qosAllowsRetype(s: CloudState, volume: VolumeRow, target: VolumeTypeRow): boolean {
  if (volume.status === 'available') return true;
  const current = getRow(s.block.volume_types, volume.volume_type_id);
  if (current?.qos_specs_id != null && current.qos_specs_id === target.qos_specs_id) return true;
  return !frontEndQos(s, current) && !frontEndQos(s, target);
}

/** `volume_utils.extract_availability_zones_from_volume_type`: the type's `RESKEY:availability_zones`. */
function typeZones(type: VolumeTypeRow): string[] | null {
  const raw = type.extra_specs['RESKEY:availability_zones'];
  if (raw === undefined) return null;
  return raw.split(',').filter((z) => z !== '').map((z) => z.trim());
}

/**
 * `POST …/action {"os-retype": {new_type, migration_policy}}` (202, no body), the API part
 * (`volume/api.py` `retype`): `volume:retype`; the new type by id or name (any type: Cinder looks
 * it up elevated); its size limits; a change of multiattach only on an `available` volume (and
 * `volume:multiattach` to gain it); the new type's per-type quota taken (413); then the
 * conditional update — `available` or `in-use`, not migrating, in no group, another type, and for
 * an `in-use` volume no change of front-end QoS — or 400 `InvalidVolume`; the volume goes
 * `retyping` (its status kept in `previous_status`) and the scheduler is asked
 * ({@link runRetype}).
 */
export function retypeVolume(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.retype, targetOf(volume));
  const body = bodyArg(input, 'os-retype');
  onlyKeys(body, ['new_type', 'migration_policy'], 'os-retype');
  if (body.new_type === undefined) throw invalidInput('new_type', "Invalid input for field/attribute os-retype. 'new_type' is a required property", 'block.volume.invalid_new_type');
  const policy = body.migration_policy;
  if (policy !== undefined && policy !== null && policy !== 'never' && policy !== 'on-demand') {
    throw invalidInput('migration_policy', `Invalid input for field/attribute migration_policy. Value: ${describeValue(policy)}. ${describeValue(policy)} is not one of ['on-demand', 'never']`, 'block.volume.invalid_migration_policy');
  }
  const target = typeByNameOrId(ctx.s, body.new_type, 'new_type');
  checkProvisionSize(target, volume.size);
  const targetMultiattach = typeMultiattach(target);
  if (volume.multiattach !== targetMultiattach) {
    if (volume.status !== 'available') {
      throw invalidInput('new_type', `Invalid volume_type passed, retypes affecting multiattach are only allowed on available volumes, the specified volume however currently has a status of: ${volume.status}.`, 'block.volume.retype_multiattach');
    }
    if (targetMultiattach) enforce(ctx, CINDER_RULES.volume.multiattach, targetOf(volume));
  }
  const snaps = snapshotsOf(ctx, volume.id);
  const newDeltas = typeDeltas(target.name, volume, snaps);
  const oldDeltas = typeDeltas(typeName(ctx.s, volume.volume_type_id), volume, snaps);
  if (Object.keys(newDeltas).length > 0) useQuota(tx, volume.project_id, 'volumes', newDeltas);
  const ok =
    (volume.status === 'available' || volume.status === 'in-use') &&
    AVAILABLE_MIGRATION.includes(volume.migration_status) &&
    volume.group_id === null &&
    volume.volume_type_id !== target.id &&
    qosAllowsRetype(ctx.s, volume, target);
  if (!ok) {
    throw invalidVolume(
      'Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change.',
      { volume_id: volume.id, status: volume.status, migration_status: volume.migration_status, volume_type_id: volume.volume_type_id, new_type_id: target.id },
      'block.volume.retype_refused',
    );
  }
  moveVolume(tx, volume, 'retyping', { previous_status: volume.status, multiattach: targetMultiattach });
  tx.trace('cinder-api', `retype ${volume.id} to ${target.name} (migration_policy ${policy ?? 'never'})`);
  const args: RetypeArgs = { volume_id: volume.id, project_id: volume.project_id, new_type_id: target.id, migration_policy: policy === 'on-demand' ? 'on-demand' : 'never', new_deltas: newDeltas, old_deltas: oldDeltas };
  tx.schedule(RETYPE_TASK, args, 0);
}

interface RetypeArgs {
  readonly volume_id: string;
  /** The owner, whose quota moves (known even if the volume is gone when the task runs). */
  readonly project_id: string;
  readonly new_type_id: string;
  readonly migration_policy: 'never' | 'on-demand';
  /** The new type's per-type quota, taken by the API (rolled back on failure). */
  readonly new_deltas: CinderDeltas;
  /** The old type's, given back when the retype commits. */
  readonly old_deltas: CinderDeltas;
}

/** `volume_types.volume_types_diff(…)[1]`: the same extra specs and the same QoS specs. */
function typesEquivalent(s: CloudState, a: VolumeTypeRow | undefined, b: VolumeTypeRow): boolean {
  if (a === undefined) return false;
  const ka = Object.keys(a.extra_specs);
  if (ka.length !== Object.keys(b.extra_specs).length || ka.some((k) => !Object.hasOwn(b.extra_specs, k) || b.extra_specs[k] !== a.extra_specs[k])) return false;
  if (a.qos_specs_id === b.qos_specs_id) return true;
  const qa = a.qos_specs_id === null ? undefined : getRow(s.block.qos_specs, a.qos_specs_id);
  const qb = b.qos_specs_id === null ? undefined : getRow(s.block.qos_specs, b.qos_specs_id);
  if (qa === undefined || qb === undefined) return qa === qb;
  return qa.consumer === qb.consumer && JSON.stringify(Object.entries(qa.specs).sort()) === JSON.stringify(Object.entries(qb.specs).sort());
}

/** Whether a driver's `retype` changes the type in place (LVM: "No action required"; RBD: yes; NFS: the base driver's `False`). */
const DRIVER_RETYPES: Readonly<Record<PoolRow['driver'], boolean>> = { lvm: true, rbd: true, nfs: false };

/**
 * The retype after the API (a task): the scheduler (`scheduler/manager.py` `retype`) asks
 * `find_retype_backend` with the new type and the volume's zone (or the type's
 * `RESKEY:availability_zones`): the volume's own pool when it passes, else with `on-demand` the
 * best pool, else nothing — then the volume returns to its previous status, the new type's quota
 * is given back, and `scheduler.retype` (ERROR) is sent. The volume manager (`volume/manager.py`
 * `retype`) then retypes in place when both types are equivalent or the pool is on the volume's
 * backend and its driver retypes (LVM, RBD): the type and host change, its snapshots take the new
 * type, the old type's quota is given back, `volume.retype` is sent. Otherwise the volume must
 * migrate: refused with `never` ("Retype requires migration but is not allowed.") or with
 * snapshots ("Volume must not have snapshots."), both returning the volume to its previous
 * status; else `migration_status` `starting` and the migration runs ({@link startMigration}).
 */
export function runRetype(tx: Tx, args: unknown): void {
  const a = args as RetypeArgs;
  const s = tx.draft;
  const volume = getRow(s.block.volumes, a.volume_id);
  if (volume === undefined || volume.status !== 'retyping') {
    releaseQuotaIn(tx, a.project_id, a.new_deltas);
    return;
  }
  const target = getRow(s.block.volume_types, a.new_type_id);
  const back = volume.previous_status ?? volume.status;
  const fail = (reason: string, fromScheduler: boolean): void => {
    releaseQuotaIn(tx, volume.project_id, a.new_deltas);
    const restored = moveVolume(tx, volume, back);
    tx.trace(fromScheduler ? 'cinder-scheduler' : 'cinder-volume', `retype ${volume.id} failed: ${reason}`);
    if (fromScheduler) notify(tx, 'scheduler.retype', () => schedulerError(tx.draft, restored, target, 'retype', { status: back }, reason, a.migration_policy), { publisher: 'scheduler.controller', priority: 'ERROR' });
  };
  if (target === undefined) {
    fail('New volume type not specified in request_spec.', true);
    return;
  }
  const spec: VolumeRequestSpec = { ...requestSpec(s, volume), volume_type: typeSpec(target), availability_zones: typeZones(target) ?? [volume.availability_zone] };
  const { pool, explanation } = findRetypeBackend(activePools(s), volume.host ?? '', spec, s.block.config, a.migration_policy);
  tx.trace('cinder-scheduler', pool === null ? `retype ${volume.id}: ${explanation.reason ?? 'no valid backend'}` : `retype ${volume.id} → ${pool.name}`, { explanation });
  if (pool === null) {
    fail(explanation.reason ?? 'No valid backend was found.', true);
    return;
  }
  const current = getRow(s.block.volume_types, volume.volume_type_id);
  const ours = volume.host !== null && backendOf(pool.name) === backendOf(volume.host);
  const retyped = typesEquivalent(s, current, target) || (ours && DRIVER_RETYPES[pool.driver]);
  if (!retyped) {
    if (a.migration_policy === 'never') return fail('Volume migration failed: Retype requires migration but is not allowed.', false);
    if (snapshotsOf({ s }, volume.id).length > 0) return fail('Invalid volume: Volume must not have snapshots.', false);
    const starting = moveVolume(tx, volume, volume.status, { migration_status: 'starting' });
    startMigration(tx, starting, pool, { project_id: a.project_id, new_type_id: target.id, new_deltas: a.new_deltas, old_deltas: a.old_deltas });
    return;
  }
  if (pool.name !== volume.host) movePoolAccounting(tx, volume, pool.name);
  const done = moveVolume(tx, volume, back, { volume_type_id: target.id, host: pool.name });
  for (const snap of snapshotsOf({ s }, volume.id)) setRow(s.block.snapshots, snap.id, { ...snap, volume_type_id: target.id, updated_at: tx.now() });
  releaseQuotaIn(tx, volume.project_id, a.old_deltas);
  tx.trace('cinder-volume', `volume ${volume.id} retyped to ${target.name} on ${pool.name}`);
  notify(tx, 'volume.retype', () => volumeUsage(tx.draft, done), publisher(backendOf(volume.host ?? pool.name)));
}

function releaseQuotaIn(tx: Tx, projectId: string | null, deltas: CinderDeltas | null): void {
  if (projectId === null || deltas === null || Object.keys(deltas).length === 0) return;
  releaseQuota(tx, projectId, deltas);
}

/** Moves a volume's size and written blocks from its pool to `to` (the source pool gives them up, the destination takes them). */
function movePoolAccounting(tx: Tx, volume: VolumeRow, to: string): void {
  const blocks = writtenCount(tx.draft, volume.id);
  adjustPool(tx, volume.host, -volume.size, -blocks);
  adjustPool(tx, to, volume.size, blocks);
}

// ------------------------------------------------------------------------------ migration

/** What a retype that migrates carries to the migration's end. */
interface RetypeMigration {
  readonly project_id: string;
  readonly new_type_id: string;
  readonly new_deltas: CinderDeltas;
  readonly old_deltas: CinderDeltas;
}

interface MigrationArgs {
  readonly volume_id: string;
  readonly pool: string;
  readonly retype: RetypeMigration | null;
}

/** `volume/manager.py` `migrate_volume`: `migration_status` `migrating`, the copy scheduled for as long as the written bytes take. */
function startMigration(tx: Tx, volume: VolumeRow, pool: PoolState | PoolRow, retype: RetypeMigration | null): void {
  const migrating = moveVolume(tx, volume, volume.status, { migration_status: 'migrating' });
  const blocks = writtenCount(tx.draft, migrating.id);
  tx.trace('cinder-volume', `migrating ${volume.id} from ${volume.host ?? 'nowhere'} to ${pool.name} (${blocks} blocks written)`);
  const args: MigrationArgs = { volume_id: volume.id, pool: pool.name, retype };
  tx.schedule(MIGRATION_COMPLETE_TASK, args, (blocks * BLOCK_SIZE) / LINK_BYTES_PER_SECOND);
}

/**
 * The end of a migration's copy (a task; `migrate_volume_completion`): the volume's blocks and
 * size leave its pool for the destination's, its host and zone become the destination's,
 * `migration_status` `success`; a `retyping` or `maintenance` volume returns to its previous
 * status (any other keeps the status it has now). A retype's type changes, the old type's quota
 * is given back and `volume.retype` is sent. The destination gone or down: `migration_status`
 * `error`, the volume back as it was. A volume no longer `migrating` (reset meanwhile) is left as
 * it is.
 */
export function runMigrationComplete(tx: Tx, args: unknown): void {
  const a = args as MigrationArgs;
  const s = tx.draft;
  const volume = getRow(s.block.volumes, a.volume_id);
  if (volume === undefined || volume.migration_status !== 'migrating') {
    releaseQuotaIn(tx, a.retype?.project_id ?? null, a.retype?.new_deltas ?? null);
    return;
  }
  const back: VolumeStatus = volume.status === 'retyping' || volume.status === 'maintenance' ? (volume.previous_status ?? volume.status) : volume.status;
  const pool = getRow(s.block.pools, a.pool);
  if (pool === undefined || !poolActive(s, pool)) {
    releaseQuotaIn(tx, volume.project_id, a.retype?.new_deltas ?? null);
    moveVolume(tx, volume, back, { migration_status: 'error' });
    tx.trace('cinder-volume', `migration of ${volume.id} to ${a.pool} failed: the destination is gone or down`);
    return;
  }
  const source = volume.host;
  movePoolAccounting(tx, volume, pool.name);
  const done = moveVolume(tx, volume, back, {
    host: pool.name,
    availability_zone: pool.availability_zone,
    migration_status: 'success',
    previous_status: volume.status,
    ...(a.retype === null ? {} : { volume_type_id: a.retype.new_type_id }),
  });
  tx.trace('cinder-volume', `volume ${volume.id} migrated from ${source ?? 'nowhere'} to ${pool.name}`);
  if (a.retype !== null) {
    releaseQuotaIn(tx, volume.project_id, a.retype.old_deltas);
    notify(tx, 'volume.retype', () => volumeUsage(tx.draft, done), publisher(source === null ? null : backendOf(source)));
  }
}

/** `os-migrate_volume`: the request body's `os-migrate_volume` object. */
export interface VolumeMigrateRequest {
  /** The destination: `host@backend#pool`, or `host@backend` for any of its pools. */
  readonly host: string;
  /** Skip the driver's optimised migration (every migration here is the generic copy). */
  readonly force_host_copy?: boolean | string;
  /** An `available` volume is `maintenance` while it migrates. */
  readonly lock_volume?: boolean | string;
}

/**
 * `POST …/action {"os-migrate_volume": {host, force_host_copy, lock_volume}}` (admin; 202), the
 * API part (`volume/api.py` `migrate_volume`): the destination's `cinder-volume` service must
 * exist, be up and enabled (else 400 `InvalidHost` "No available service named …"); the volume
 * `available` or `in-use`, not migrating, in no group, without snapshots, and `host` not its own
 * (else 400 `InvalidVolume`); `migration_status` `starting`, `previous_status` its status, and with
 * `lock_volume` an `available` volume goes `maintenance`. The scheduler then checks the
 * destination ({@link runMigrate}). `cluster` (3.16) is not simulated.
 */
export function migrateVolume(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.migrate, targetOf(volume));
  const body = bodyArg(input, 'os-migrate_volume');
  onlyKeys(body, ['host', 'force_host_copy', 'lock_volume', 'cluster'], 'os-migrate_volume');
  if (body.cluster !== undefined && body.cluster !== null) throw invalidInput('cluster', 'migrating to a cluster (3.16) is not simulated: give host', 'block.volume.cluster_not_simulated');
  const host = body.host;
  if (typeof host !== 'string' || host.length === 0 || host.length > 255) {
    throw invalidInput('host', `Invalid input for field/attribute host. Value: ${describeValue(host)}. expected a string of 1 to 255 characters (host@backend#pool)`, 'block.volume.invalid_host');
  }
  const forceHostCopy = optionalBool(body.force_host_copy, 'force_host_copy', false);
  const lock = optionalBool(body.lock_volume, 'lock_volume', false);
  const service = findService(ctx.s, 'cinder-volume', backendOf(host));
  if (service === undefined || service.disabled || !serviceUp(ctx.s, service)) {
    throw new CinderError(400, 'block.volume.invalid_host', 'InvalidHost', `Invalid host: No available service named '${host}'`, { field: 'host', host });
  }
  const ok =
    (volume.status === 'available' || volume.status === 'in-use') &&
    AVAILABLE_MIGRATION.includes(volume.migration_status) &&
    volume.group_id === null &&
    volume.host !== null && // SQL's `host != :host` is not true for a NULL host
    volume.host !== host &&
    indexed(ctx.s.block.volume_snapshots, volume.id).length === 0;
  if (!ok) {
    throw invalidVolume(
      `Volume ${volume.id} status must be available or in-use, must not be migrating, have snapshots, be replicated, be part of a group and destination host/cluster must be different than the current one`,
      { volume_id: volume.id, status: volume.status, migration_status: volume.migration_status, host: volume.host },
      'block.volume.migrate_refused',
    );
  }
  moveVolume(tx, volume, lock && volume.status === 'available' ? 'maintenance' : volume.status, { migration_status: 'starting', previous_status: volume.status });
  tx.trace('cinder-api', `migrate ${volume.id} to ${host}${forceHostCopy ? ' (force_host_copy)' : ''}${lock ? ' (lock_volume)' : ''}`);
  tx.schedule(MIGRATE_TASK, { volume_id: volume.id, host }, 0);
}

/**
 * The scheduler's `migrate_volume` (a task): `backend_passes_filters` for the destination with the
 * volume's own type, size and zone. No: `migration_status` `error` (a `maintenance` volume back to
 * its previous status) and `scheduler.migrate_volume_to_host` (ERROR); yes: the migration starts.
 */
export function runMigrate(tx: Tx, args: unknown): void {
  const { volume_id, host } = args as { volume_id: string; host: string };
  const s = tx.draft;
  const volume = getRow(s.block.volumes, volume_id);
  if (volume === undefined || volume.migration_status !== 'starting') return;
  const { pool, explanation } = backendPassesFilters(activePools(s), host, requestSpec(s, volume), s.block.config);
  tx.trace('cinder-scheduler', pool === null ? `migrate ${volume.id}: ${explanation.reason ?? 'no valid backend'}` : `migrate ${volume.id} → ${pool.name}`, { explanation });
  if (pool === null) {
    const status = volume.status === 'maintenance' ? (volume.previous_status ?? 'maintenance') : volume.status;
    const failed = moveVolume(tx, volume, status, { migration_status: 'error' });
    const state: Record<string, string | null> = volume.status === 'maintenance' ? { migration_status: 'error', status } : { migration_status: 'error' };
    notify(tx, 'scheduler.migrate_volume_to_host', () => schedulerError(tx.draft, failed, getRow(tx.draft.block.volume_types, volume.volume_type_id), 'migrate_volume_to_host', state, explanation.reason ?? 'No valid backend was found.'), { publisher: 'scheduler.controller', priority: 'ERROR' });
    return;
  }
  startMigration(tx, volume, pool, null);
}

// ------------------------------------------------------------------------------ upload to image

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
 * block, then trailing zero bytes trimmed (a sparse file's upload), rather than the whole
 * `size × 1 GiB`. A volume never written uploads an empty image. More than
 * {@link MAX_UPLOAD_BYTES}: 400 (stacksim holds the bytes in memory).
 */
export function uploadBytes(s: CloudState, volumeId: string): Uint8Array {
  const written = writtenBlocks(s, volumeId);
  const last = written[written.length - 1];
  if (last === undefined) return new Uint8Array(0);
  const end = (last[0] + 1) * BLOCK_SIZE;
  if (end > MAX_UPLOAD_BYTES) throw invalidVolume(`the volume's written data reaches byte ${end}; stacksim uploads at most ${MAX_UPLOAD_BYTES} bytes to an image`, { volume_id: volumeId, bytes: end }, 'block.volume.upload_too_large');
  const bytes = readBytes(s, volumeId, 0, end);
  let n = end;
  while (n > 0 && bytes[n - 1] === 0) n--;
  return bytes.slice(0, n);
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

// ------------------------------------------------------------------------------ admin and flags

/** `os-reset_status`: the request body's object (at least one of the three). */
export interface VolumeResetStatusRequest {
  readonly status?: string | null;
  readonly attach_status?: string | null;
  readonly migration_status?: string | null;
}

/** `VolumeStatus.ALL` (`reverting` is not in it). */
const RESETTABLE_STATUSES: readonly string[] = VOLUME_STATUSES.filter((s) => s !== 'reverting');

function resetField<T extends string>(value: unknown, field: string, valid: readonly T[]): T | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new CinderError(400, 'block.volume.invalid_reset', 'ValidationError', `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is not of type 'string', 'null'`, { field });
  const lower = value.toLowerCase();
  if (!(valid as readonly string[]).includes(lower)) {
    const what = field === 'status' ? 'Volume status' : field === 'attach_status' ? 'Volume attach status' : 'Volume migration status';
    throw new CinderError(400, 'block.volume.invalid_reset', 'InvalidParameterValue', `${what}: ${value.length > 64 ? `${value.slice(0, 64)}…` : value} is invalid, valid statuses are: ${valid.join(', ')}.`, { field });
  }
  return lower as T;
}

/**
 * `POST …/action {"os-reset_status": {status, attach_status, migration_status}}` (admin; 202): an
 * admin's repair, which writes the row directly — outside the transition graph, as Cinder's
 * `db.volume_update` does. Values are case-insensitive; `migration_status` `none` clears it.
 * Refused: `deleting` ("Cannot reset-state to deleting"), and `in-use` for a volume without
 * attachments. Zed's check also means to refuse `error_deleting` and `detaching`, but a missing
 * comma (`('deleting', 'error_deleting' 'detaching')`) lets both through: stacksim does the same.
 * `attach_status` `detached` drops every attachment of the volume (`db.volume_detached`), which
 * then makes the volume `available` (unless it is migrating or `uploading`), and its
 * `attached_mode` admin metadata. Sends `volume.reset_status.start` / `.end`.
 */
export function resetVolumeStatus(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.resetStatus, targetOf(volume));
  const body = bodyArg(input, 'os-reset_status');
  onlyKeys(body, ['status', 'attach_status', 'migration_status'], 'os-reset_status');
  const status = resetField(body.status, 'status', RESETTABLE_STATUSES) as VolumeStatus | null;
  const attachStatus = resetField(body.attach_status, 'attach_status', ['attached', 'detached'] as const);
  const migration = resetField(body.migration_status, 'migration_status', MIGRATION_STATUSES);
  if (status === null && attachStatus === null && migration === null) {
    throw new CinderError(400, 'block.volume.invalid_reset', 'InvalidParameterValue', "Must specify 'status', 'attach_status' or 'migration_status' for update.", { field: 'os-reset_status' });
  }
  if (status === 'deleting') throw new CinderError(400, 'block.volume.invalid_reset', 'HTTPBadRequest', 'Cannot reset-state to deleting', { field: 'status', status });
  const attachments = indexed(ctx.s.block.volume_attachments, volume.id);
  if (status === 'in-use' && attachments.length === 0) {
    throw new CinderError(400, 'block.volume.invalid_reset', 'HTTPBadRequest', 'Cannot reset-state to in-use because volume does not have any attachments.', { field: 'status', status });
  }
  notify(tx, 'volume.reset_status.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
  let row: VolumeRow = {
    ...volume,
    ...(status === null ? {} : { status }),
    ...(attachStatus === null ? {} : { attach_status: attachStatus }),
    ...(migration === null ? {} : { migration_status: migration === 'none' ? null : migration }),
    updated_at: tx.now(),
  };
  if (attachStatus === 'detached') {
    for (const id of attachments) {
      deleteRow(tx.draft.block.attachments, id);
      deleteRow(tx.draft.block.volume_attachments, `${volume.id}/${id}`);
    }
    const { attached_mode: _dropped, ...adminMetadata } = row.admin_metadata;
    row = { ...row, admin_metadata: adminMetadata };
    if (attachments.length > 0) {
      // "Hide volume status update to available on volume migration or upload"
      const setStatus = (row.migration_status === null && row.status !== 'uploading') || row.migration_status === 'success' || row.migration_status === 'error';
      row = { ...row, attach_status: 'detached', ...(setStatus ? { status: 'available' as const } : {}) };
    }
  }
  setRow(tx.draft.block.volumes, volume.id, row);
  tx.trace('cinder-api', `reset ${volume.id}: ${JSON.stringify({ status, attach_status: attachStatus, migration_status: migration })}`);
  const after = row;
  notify(tx, 'volume.reset_status.end', () => volumeUsage(tx.draft, after), publisher('controller'));
}

/**
 * `POST …/action {"os-update_readonly_flag": {readonly}}` (202): `volume:update_readonly_flag`;
 * the volume must be `available`; its admin metadata `readonly` becomes `True` / `False`
 * (`update_volume_admin_metadata` with an elevated context).
 */
export function updateReadonlyFlag(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.updateReadonlyFlag, targetOf(volume));
  const body = bodyArg(input, 'os-update_readonly_flag');
  onlyKeys(body, ['readonly'], 'os-update_readonly_flag');
  if (body.readonly === undefined) throw invalidInput('readonly', "Invalid input for field/attribute os-update_readonly_flag. 'readonly' is a required property", 'block.input.invalid_boolean');
  const readonly = boolArg(body.readonly, 'readonly');
  if (volume.status !== 'available') {
    throw invalidVolume(`Volume ${volume.id} status must be available to update readonly flag, but current status is: ${volume.status}.`, { volume_id: volume.id, status: volume.status }, 'block.volume.readonly_invalid_status');
  }
  moveVolume(tx, volume, volume.status, { admin_metadata: { ...volume.admin_metadata, readonly: readonly ? 'True' : 'False' } });
}

/**
 * `POST …/action {"os-set_bootable": {bootable}}` (200, no body): `volume_api.update` —
 * `volume:update`, refused in `maintenance` ("The volume cannot be updated during maintenance.").
 */
export function setVolumeBootable(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const volume = getVolumeFor(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.update, targetOf(volume));
  const body = bodyArg(input, 'os-set_bootable');
  onlyKeys(body, ['bootable'], 'os-set_bootable');
  if (body.bootable === undefined) throw invalidInput('bootable', "Invalid input for field/attribute os-set_bootable. 'bootable' is a required property", 'block.input.invalid_boolean');
  const bootable = boolArg(body.bootable, 'bootable');
  if (volume.status === 'maintenance') throw invalidVolume('The volume cannot be updated during maintenance.', { volume_id: volume.id, status: volume.status }, 'block.volume.maintenance');
  moveVolume(tx, volume, volume.status, { bootable });
}
