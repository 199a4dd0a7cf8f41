/**
 * `POST /v3/{project_id}/volumes/{id}/action {"os-retype": {new_type, migration_policy}}`, as
 * Zed's Cinder runs it: the API part (`cinder/api/contrib/volume_actions.py` `_retype`,
 * `cinder/volume/api.py` `retype`), then as a task ({@link RETYPE_TASK}) the scheduler
 * (`cinder/scheduler/manager.py` `retype`, `cinder/scheduler/filter_scheduler.py`
 * `find_retype_backend`) and the volume manager (`cinder/volume/manager.py` `retype`), which
 * retypes in place or hands the volume to a migration (`migration.ts`).
 *
 * Not simulated: drivers' retype diffs beyond "the driver retypes or not" (LVM and RBD do, NFS
 * does not), groups, replication, encryption changes.
 */
import { describeValue, getRow, setRow, type CloudState, type Tx } from '../core/index.js';
import { backendOf } from './backends.js';
import { enforce, targetOf, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume } from './errors.js';
import { publisher } from './events.js';
import { startMigration } from './migration.js';
import { CINDER_RULES } from './policies.js';
import { useQuota, type CinderDeltas } from './quota.js';
import { findRetypeBackend, type VolumeRequestSpec } from './scheduler/index.js';
import { moveVolume } from './statuses.js';
import type { PoolRow, SnapshotRow, VolumeRow, VolumeTypeRow } from './types.js';
import { volumeUsage } from './views.js';
import { AVAILABLE_MIGRATION, checkProvisionSize, getVolumeFor, movePoolAccounting, onlyKeys, releaseQuotaIn, schedulerError } from './volume_actions.js';
import { typeByName, typeMultiattach, typeSpec } from './volume_types.js';
import { bodyArg, typeName } from './input.js';
import { activePools, requestSpec, snapshotsOf } from './volumes.js';

/** The scheduler's retype and the volume manager's retype (a task). */
export const RETYPE_TASK = 'block.volume.retype';

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
  checkProvisionSize(target, volume.size, 'new_type');
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
    if (fromScheduler) tx.emit('scheduler.retype', () => schedulerError(restored, target, 'retype', { status: back }, reason, a.migration_policy), { publisher: 'scheduler.controller', priority: 'ERROR' });
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
  tx.emit('volume.retype', () => volumeUsage(tx.draft, done), publisher(backendOf(volume.host ?? pool.name)));
}
