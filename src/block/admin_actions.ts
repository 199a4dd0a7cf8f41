/**
 * The volume actions that set a volume's fields without the volume manager, as Zed's Cinder runs
 * them: `os-reset_status` (`cinder/api/contrib/admin_actions.py` `VolumeAdminController._reset_status`,
 * `cinder/policies/volume_actions.py` `volume_extension:volume_admin_actions:reset_status`),
 * `os-update_readonly_flag` (`cinder/api/contrib/volume_actions.py`, `cinder/volume/api.py`
 * `update_readonly_flag`) and `os-set_bootable` (`volume_actions.py` `_set_bootable`,
 * `volume/api.py` `update`).
 *
 * `os-force_delete` is the volume delete's (`volumes.ts`); `os-migrate_volume` is `migration.ts`'s.
 * Not simulated here: `os-force_detach`, `os-migrate_volume_completion`, clusters.
 */
import { deleteRow, describeValue, setRow, type Tx } from '../core/index.js';
import { enforce, indexed, targetOf, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume } from './errors.js';
import { publisher } from './events.js';
import { CINDER_RULES } from './policies.js';
import { moveVolume } from './statuses.js';
import { MIGRATION_STATUSES, VOLUME_STATUSES, type VolumeRow, type VolumeStatus } from './types.js';
import { volumeUsage } from './views.js';
import { boolArg, getVolumeFor, onlyKeys } from './volume_actions.js';
import { bodyArg } from './input.js';
import { getVolume } from './volumes.js';

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
  tx.emit('volume.reset_status.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
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
  tx.emit('volume.reset_status.end', () => volumeUsage(tx.draft, after), publisher('controller'));
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
