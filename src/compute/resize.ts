/**
 * Resize, cold migration, confirm and revert (`POST /servers/{id}/action` `resize`, `migrate`,
 * `confirmResize`, `revertResize`): nova-api's side, the schemas and checks; the conductor's and
 * the two nova-computes' steps are in `resize_tasks.ts`.
 *
 * Followed, Zed: `nova/api/openstack/compute/servers.py` (`_action_resize`, `_resize`,
 * `_action_confirm_resize`, `_action_revert_resize`) and `migrate_server.py` (`_migrate`, the
 * 2.56 `host`); `nova/compute/api.py` (`resize`, `_validate_host_for_cold_migrate`,
 * `_check_quota_for_upsize`, `_allow_resize_to_same_host`, `confirm_resize`, `revert_resize`).
 *
 * The flow, each arrow one RPC cast ({@link RPC_SECONDS} in `progression: 'clock'`):
 * nova-api (task `resize_prep`, action `resize` / `migrate`) → conductor `migrate_server`
 * (migration `pre-migrating`; the instance's allocation moves to the migration's consumer; the
 * scheduler claims the new flavor for the instance on the destination, never the source for a
 * cold migration, nor for a resize unless `allow_resize_to_same_host`) → destination
 * `prep_resize` (`new_flavor`, the migration's destination) → source `resize_instance`
 * (`resize_migrating`, migration `migrating`; the disks copied over the migration link:
 * `transferSeconds` of the old flavor's root and ephemeral disks; the volumes' attachments
 * swapped for empty ones; migration `post-migrating`; `host` the destination, `old_flavor`,
 * `resize_migrated`, power off) → destination `finish_resize` (the new flavor and its quota,
 * ports bound to the destination, attachments connected there, `resize_finish`, then
 * `VERIFY_RESIZE` with power as before, migration `finished`). Confirm: migration `confirming`
 * (API) → source: the migration's allocation deleted, `confirmed`, `ACTIVE` / `SHUTOFF`. Revert:
 * `resize_reverting`, migration `reverting` → destination: attachments swapped, `reverted` →
 * source: flavor, host and quota back, the allocation moved back to the instance, ports and
 * volumes back on the source, `ACTIVE` (or `resized` + `powering-off` → `SHUTOFF`).
 *
 * Not simulated: `OS-DCF:diskConfig` (accepted), cross-cell resize
 * (`compute:servers:resize:cross_cell` is `!`), `resize_confirm_window` > 0. A resize's flavor
 * reference may also be a flavor's name (stacksim's convenience, nova takes the id verbatim); a
 * flavor id longer than 255 characters is a schema 400.
 */
import { CloudError, getRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { imageFor, type ImageRow } from '../image/index.js';
import { startAction } from './actions.js';
import { RPC_SECONDS, saveServer } from './boot.js';
import { enforce, targetOf, type Ctx } from './context.js';
import { badRequest, invalid } from './errors.js';
import { instanceFlavor } from './flavors.js';
import { checkAction, serviceUnavailable } from './guards.js';
import { describeValue, fieldError, hostArg } from './input.js';
import { latestMigration, saveMigration } from './migrations.js';
import { computeServiceOf, computeUp } from './nova_services.js';
import { NOVA_RULES } from './policies.js';
import { instanceUsage as projectUsage, limitOf, tooManyInstances } from './quota.js';
import { credsOf, isVolumeBacked } from './server_actions.js';
import { getServer } from './servers.js';
import type { FlavorRow, InstanceFlavor, MigrationRow, ServerRow } from './types.js';
import { zoneOfHost } from './zones.js';
import { CONFIRM_RESIZE_TASK, MIGRATE_SERVER_TASK, REVERT_RESIZE_TASK, type MigrateArgs, type MoveArgs } from './resize_tasks.js';

const GIB = 1024 ** 3;

function bodyObject(value: unknown, field: string, keys: readonly string[], nullable: boolean): Record<string, unknown> {
  if (nullable && (value === null || value === undefined)) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fieldError(field, value, `${describeValue(value)} is not of type 'object'${nullable ? ", 'null'" : ''}`);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw badRequest(`${field}.${k.slice(0, 255)}`, `Invalid input for field/attribute ${field}. Value: ${describeValue(o)}. Additional properties are not allowed ('${k.slice(0, 255)}' was unexpected)`);
  }
  return o;
}

/** The `resize` schema: `flavorRef` (a string of 1+ characters or an integer), `OS-DCF:diskConfig`. */
function resizeBody(input: unknown): string {
  const o = bodyObject(input, 'resize', ['flavorRef', 'OS-DCF:diskConfig'], false);
  if (!Object.hasOwn(o, 'flavorRef')) throw badRequest('flavorRef', `Invalid input for field/attribute resize. Value: ${describeValue(o)}. 'flavorRef' is a required property`);
  const ref = o.flavorRef;
  let id: string;
  if (typeof ref === 'number' && Number.isSafeInteger(ref)) id = String(ref);
  else if (typeof ref === 'string') {
    if (ref.length < 1) throw fieldError('flavorRef', ref, "'' is too short");
    if (ref.length > 255) throw fieldError('flavorRef', ref, `${describeValue(ref)} is too long`);
    id = ref;
  } else throw fieldError('flavorRef', ref, `${describeValue(ref)} is not of type 'string', 'integer'`);
  const disk = o['OS-DCF:diskConfig'];
  if (disk !== undefined && disk !== 'AUTO' && disk !== 'MANUAL') throw fieldError('OS-DCF:diskConfig', disk, `${describeValue(disk)} is not one of ['AUTO', 'MANUAL']`);
  return id;
}

/** The `migrate` schema (2.56): null, or `{host: fqdn | null}`. */
function migrateBody(input: unknown): string | null {
  const o = bodyObject(input, 'migrate', ['host'], true);
  return hostArg(o.host, 'host');
}

/**
 * `flavors.get_flavor_by_flavor_id(flavor_id, read_deleted="no")` with an admin context: any
 * flavor, public or not (a name is stacksim's convenience); missing → 400 `FlavorNotFound`.
 */
function flavorById(s: CloudState, id: string): FlavorRow {
  const row = getRow(s.compute.flavors, id);
  if (row !== undefined) return row;
  const named = [...tableValues(s.compute.flavors)].filter((f) => f.name === id);
  if (named.length === 1) return named[0]!;
  throw flavorNotFound(id);
}

function flavorNotFound(id: string): CloudError {
  return invalid('compute.flavor.not_found', 'FlavorNotFound', `Flavor ${id} could not be found.`, { field: 'flavorRef', id });
}

/** The server's image as the user's Glance shows it (nova reads it from the instance's system_metadata); undefined when gone. */
function imageOf(ctx: Ctx, row: ServerRow): ImageRow | undefined {
  if (row.image_ref === '') return undefined;
  try {
    return imageFor(ctx.s, ctx.policy, ctx.creds, { id: row.image_ref });
  } catch (e) {
    if (e instanceof CloudError) return undefined;
    throw e;
  }
}

/**
 * `_check_quota_for_upsize`'s legacy delta check (`compute_utils.upsize_quota_delta`): only the
 * cores and RAM the new flavor adds are checked; 403 `TooManyInstances` worded as
 * `get_over_quota_detail` words it.
 */
function checkUpsizeQuota(ctx: Ctx, tx: Tx, projectId: string, from: { readonly vcpus: number; readonly memory_mb: number }, to: { readonly vcpus: number; readonly memory_mb: number }): void {
  const deltas: Partial<Record<'cores' | 'ram', number>> = {};
  if (to.vcpus - from.vcpus > 0) deltas.cores = to.vcpus - from.vcpus;
  if (to.memory_mb - from.memory_mb > 0) deltas.ram = to.memory_mb - from.memory_mb;
  const names = (['cores', 'ram'] as const).filter((r) => deltas[r] !== undefined);
  if (names.length === 0) return;
  const used = projectUsage(tx, ctx.s, projectId);
  const limits = { cores: limitOf(tx, ctx.s, projectId, 'cores'), ram: limitOf(tx, ctx.s, projectId, 'ram') };
  const overs = names.filter((r) => limits[r] >= 0 && used[r] + (deltas[r] as number) > limits[r]);
  if (overs.length === 0) return;
  throw tooManyInstances(projectId, overs, deltas as Record<'cores' | 'ram', number>, used, limits);
}

/**
 * `POST /servers/{id}/action {"resize": {flavorRef}}` (202): nova-api's `resize` with a flavor,
 * then the conductor's task. Refusals: 400 (schema, `FlavorNotFound`, `CannotResizeDisk`,
 * `CannotResizeToSameFlavor`, the image against the new flavor), 404, 403 (policy,
 * `TooManyInstances`), 409 (locked, state, `ServiceUnavailable`).
 */
export function resizeServer(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const flavorId = resizeBody(input);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.servers.resize, targetOf(row));
  checkAction(ctx, row, 'resize');
  const flavor = flavorById(ctx.s, flavorId);
  startMove(tx, ctx, row, flavor, null);
}

/**
 * `POST /servers/{id}/action {"migrate": null | {host}}` (202, admin): `API.resize` without a
 * flavor. With a host: the server's own host is 400 `CannotMigrateToSameHost`, a host without a
 * nova-compute 400 `ComputeHostNotFound`; a disabled or down one fails in the scheduler.
 */
export function migrateServer(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const host = migrateBody(input);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.migrate, targetOf(row));
  checkAction(ctx, row, 'migrate');
  if (host !== null) {
    if (host === row.host) throw invalid('compute.migration.same_host', 'CannotMigrateToSameHost', 'Cannot migrate to the host where the server exists.', { field: 'host', host });
    if (computeServiceOf(ctx.s, host) === undefined) throw invalid('compute.host.not_found', 'ComputeHostNotFound', `Compute host ${host} could not be found.`, { field: 'host', host });
  }
  startMove(tx, ctx, row, null, host);
}

/** `API.resize` after the guards: the flavor checks, quota, `resize_prep`, the action and the cast to the conductor. */
function startMove(tx: Tx, ctx: Ctx, row: ServerRow, flavor: FlavorRow | null, host: string | null): void {
  const s = ctx.s;
  const current = row.flavor;
  const volumeBacked = isVolumeBacked(s, row);
  const target: InstanceFlavor = flavor === null ? current : instanceFlavor(flavor);
  if (flavor !== null && flavor.root_gb === 0 && current.root_gb !== 0 && !volumeBacked) {
    throw invalid('compute.flavor.cannot_resize_disk', 'CannotResizeDisk', 'Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.', { field: 'flavorRef' });
  }
  const sameFlavor = target.flavorid === current.flavorid;
  if (flavor !== null && !sameFlavor && flavor.disabled) throw flavorNotFound(flavor.flavorid);
  if (flavor !== null && sameFlavor) throw invalid('compute.flavor.same', 'CannotResizeToSameFlavor', 'When resizing, instances must change flavor!', { field: 'flavorRef' });
  if (flavor !== null) checkUpsizeQuota(ctx, tx, row.project_id, current, target);
  const image = imageOf(ctx, row);
  if (!sameFlavor && !volumeBacked && image !== undefined) {
    // _validate_flavor_image_nostatus
    if (target.memory_mb < image.min_ram) throw invalid('compute.flavor.memory_too_small', 'FlavorMemoryTooSmall', "Flavor's memory is too small for requested image.", { field: 'flavorRef' });
    const disk = target.root_gb * GIB;
    if (disk !== 0) {
      if ((image.size ?? 0) > disk) throw invalid('compute.flavor.disk_smaller_than_image', 'FlavorDiskSmallerThanImage', `Flavor's disk is too small for requested image. Flavor disk is ${disk} bytes, image is ${image.size ?? 0} bytes.`, { field: 'flavorRef' });
      if (image.min_disk * GIB > disk) throw invalid('compute.flavor.disk_smaller_than_min_disk', 'FlavorDiskSmallerThanMinDisk', `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${disk} bytes, minimum size is ${image.min_disk * GIB} bytes.`, { field: 'flavorRef' });
    }
  }
  // _allow_resize_to_same_host: a cold migration never (libvirt has no COMPUTE_SAME_HOST_COLD_MIGRATE)
  const sameHost = !sameFlavor && s.compute.config.allow_resize_to_same_host === true;
  const ignore = sameHost || row.host === null ? [] : [row.host];
  const next = saveServer(tx, row, { task_state: 'resize_prep', progress: 0 });
  startAction(tx, next, flavor === null ? 'migrate' : 'resize', ctx);
  tx.trace('nova-api', `${flavor === null ? `migrate server ${row.uuid}${host === null ? '' : ` to ${host}`}` : `resize server ${row.uuid} from ${current.name} to ${target.name}`}: task_state resize_prep, cast migrate_server to nova-conductor`);
  const args: MigrateArgs = {
    uuid: row.uuid,
    creds: credsOf(ctx),
    user_id: ctx.userId,
    project_id: ctx.projectId ?? row.project_id,
    flavor: target,
    migration_type: sameFlavor ? 'migration' : 'resize',
    ignore_hosts: ignore,
    host,
    is_bfv: volumeBacked,
  };
  tx.schedule(MIGRATE_SERVER_TASK, args, RPC_SECONDS);
}


/** The `finished` migration of a resized server, else 400 "Instance has not been resized.". */
function finishedMigration(s: CloudState, row: ServerRow): MigrationRow {
  const migration = latestMigration(s, row.uuid, ['finished'], ['resize', 'migration']);
  if (migration === undefined) throw invalid('compute.migration.not_resized', 'MigrationNotFoundByStatus', 'Instance has not been resized.', { id: row.uuid });
  return migration;
}

/**
 * `POST /servers/{id}/action {"confirmResize": null}` (204): a `VERIFY_RESIZE` server with a
 * `finished` migration (400 otherwise) whose source nova-compute is up (409 otherwise); the
 * migration `confirming`, the source frees the old flavor's allocation.
 */
export function confirmResize(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.servers.confirmResize, targetOf(row));
  checkAction(ctx, row, 'confirm_resize');
  const migration = finishedMigration(ctx.s, row);
  // confirm_resize: 409 ServiceUnavailable when the migration's source nova-compute is down
  if (!computeUp(ctx.s, migration.source_compute)) throw serviceUnavailable(migration.source_compute ?? '');
  saveMigration(tx, migration, { status: 'confirming' });
  startAction(tx, row, 'confirmResize', ctx);
  tx.trace('nova-api', `confirm resize of ${row.uuid}: migration ${migration.id} confirming, cast confirm_resize to ${migration.source_compute ?? '?'}`);
  tx.schedule(CONFIRM_RESIZE_TASK, { uuid: row.uuid, migration_id: migration.id, creds: credsOf(ctx), flavor: row.flavor } satisfies MoveArgs, RPC_SECONDS);
}

/**
 * `POST /servers/{id}/action {"revertResize": null}` (202): back to the source and the old
 * flavor. 400 without a `finished` migration; 403 when reverting a downsize would exceed the
 * quota; task `resize_reverting` (`REVERT_RESIZE`), migration `reverting`, the server's zone the
 * source's.
 */
export function revertResize(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.servers.revertResize, targetOf(row));
  checkAction(ctx, row, 'revert_resize');
  const migration = finishedMigration(ctx.s, row);
  const old = row.old_flavor;
  if (old === null) throw invalid('compute.flavor.not_found', 'FlavorNotFound', 'Flavor used by the instance could not be found.', { id: row.uuid });
  checkUpsizeQuota(ctx, tx, row.project_id, row.flavor, old);
  const zone = zoneOfHost(ctx.s, migration.source_compute ?? '');
  const next = saveServer(tx, row, { task_state: 'resize_reverting', availability_zone: zone });
  saveMigration(tx, migration, { status: 'reverting' });
  startAction(tx, next, 'revertResize', ctx);
  tx.trace('nova-api', `revert resize of ${row.uuid}: task_state resize_reverting, migration ${migration.id} reverting, cast revert_resize to ${migration.dest_compute ?? '?'}`);
  tx.schedule(REVERT_RESIZE_TASK, { uuid: row.uuid, migration_id: migration.id, creds: credsOf(ctx), flavor: old } satisfies MoveArgs, RPC_SECONDS);
}
