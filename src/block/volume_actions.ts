/**
 * What the volume actions (`POST /v3/{project_id}/volumes/{id}/action`) beyond create, extend and
 * delete share, as Zed's Cinder runs them: the volume lookup with `volume:get`
 * (`volume_api.get`), the body checks (`additionalProperties: false`, `parameter_types.boolean`),
 * the scheduler's error payload (`scheduler/manager.py` `_set_volume_state_and_notify`), the quota
 * given back by a retype and the pool accounting a volume carries when it changes pool. The
 * actions themselves live one family per file:
 * - `retype.ts`: `os-retype` (`cinder/api/contrib/volume_actions.py` `_retype`, `volume/api.py`
 *   `retype`, the scheduler's and the volume manager's `retype`);
 * - `migration.ts`: `os-migrate_volume` (`cinder/api/contrib/admin_actions.py` `_migrate_volume`,
 *   `volume/api.py` `migrate_volume`, the scheduler's `migrate_volume`, the volume manager's
 *   `migrate_volume`, `_migrate_volume_generic`, `migrate_volume_completion`);
 * - `upload.ts`: `os-volume_upload_image` (`volume/api.py` `copy_volume_to_image`);
 * - `admin_actions.ts`: `os-reset_status`, `os-update_readonly_flag`, `os-set_bootable`.
 *
 * The API part of each runs in the call (policy, body, the conditional update, quota); the
 * scheduler's and the volume manager's parts run as tasks, so with `progression: 'immediate'` they
 * are done when the call returns.
 */
import { describeValue, type Tx } from '../core/index.js';
import { adjustPool } from './backends.js';
import { writtenCount } from './blocks.js';
import { allowed, targetOf, type Ctx } from './context.js';
import { invalidInput, notFound } from './errors.js';
import { BOOL_FALSE, BOOL_TRUE, onlyKeys as knownKeys, strictBool } from './input.js';
import { CINDER_RULES } from './policies.js';
import { releaseQuota, type CinderDeltas } from './quota.js';
import type { MigrationStatus, VolumeRow, VolumeTypeRow } from './types.js';
import { typeSpec } from './volume_types.js';
import { getVolume } from './volumes.js';

/** `volume.api.API.AVAILABLE_MIGRATION_STATUS`: (None, 'deleting', 'error', 'success'); `deleting` is no `MigrationStatus` here. */
export const AVAILABLE_MIGRATION: readonly (MigrationStatus | null)[] = [null, 'error', 'success'];
/** Bytes per second a volume copy or an image upload moves (a 10 GbE storage link). */
export const LINK_BYTES_PER_SECOND = 1.25e9;

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

/** The payload of `scheduler.retype` / `scheduler.migrate_volume_to_host` for `volume` (its state after the failure). */
export function schedulerError(volume: VolumeRow, type: VolumeTypeRow | undefined, method: string, state: Record<string, string | null>, reason: string, policy?: string): SchedulerErrorPayload {
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
  knownKeys(body, keys, (k) => invalidInput(`${field}.${k}`, `Invalid input for field/attribute ${field}. Additional properties are not allowed ('${k.length > 64 ? `${k.slice(0, 64)}…` : k}' was unexpected)`, 'block.input.unexpected_key'));
}

/** `parameter_types.boolean` read with `strutils.bool_from_string(strict=True)`: a boolean or one of its spellings. */
export function boolArg(value: unknown, field: string): boolean {
  const b = strictBool(value);
  if (b !== undefined) return b;
  throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected a boolean (true, false or one of their spellings: ${[...BOOL_TRUE, ...BOOL_FALSE].join(', ')})`, 'block.input.invalid_boolean');
}

/** {@link boolArg}, or `fallback` when the key is absent. */
export function optionalBool(value: unknown, field: string, fallback: boolean): boolean {
  return value === undefined ? fallback : boolArg(value, field);
}

/**
 * `volume_types.provision_filter_on_size`: the type's `provisioning:min_vol_size` /
 * `max_vol_size` bound `size` (400 `InvalidInput` naming `field`: `size` for a create, `new_type`
 * for a retype).
 */
export function checkProvisionSize(type: VolumeTypeRow, size: number, field: string): void {
  const min = type.extra_specs['provisioning:min_vol_size'];
  const max = type.extra_specs['provisioning:max_vol_size'];
  if (min !== undefined && /^\s*[0-9]+\s*$/.test(min) && size < Number(min)) {
    throw invalidInput(field, `Specified volume size of '${size}' is less than the minimum required size of '${min}' for volume type '${type.name}'.`, 'block.volume.size_below_type_minimum');
  }
  if (max !== undefined && /^\s*[0-9]+\s*$/.test(max) && size > Number(max)) {
    throw invalidInput(field, `Specified volume size of '${size}' is greater than the maximum allowable size of '${max}' for volume type '${type.name}'.`, 'block.volume.size_above_type_maximum');
  }
}

// ------------------------------------------------------------------------------ quota and pools

/** Gives back per-type quota a retype took (nothing for no project or no deltas). Mutates. */
export function releaseQuotaIn(tx: Tx, projectId: string | null, deltas: CinderDeltas | null): void {
  if (projectId === null || deltas === null || Object.keys(deltas).length === 0) return;
  releaseQuota(tx, projectId, deltas);
}

/** Moves a volume's size and written blocks from its pool to `to` (the source pool gives them up, the destination takes them). Mutates. */
export function movePoolAccounting(tx: Tx, volume: VolumeRow, to: string): void {
  const blocks = writtenCount(tx.draft, volume.id);
  adjustPool(tx, volume.host, -volume.size, -blocks);
  adjustPool(tx, to, volume.size, blocks);
}
