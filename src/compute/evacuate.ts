/**
 * `evacuate` (`POST /servers/{id}/action {"evacuate": …}`, admin): a server whose host failed is
 * rebuilt on another host — nova-api's checks, the conductor's placement of it, and (in
 * `rebuild.ts`) the destination's `rebuild_instance(recreate=True)`.
 *
 * Followed, Zed: `nova/api/openstack/compute/evacuate.py` `_evacuate` and
 * `schemas/evacuate.py` (`host` fqdn, `adminPass`, `onSharedStorage` before 2.14, `force`
 * 2.29–2.67; no other key); `nova/compute/api.py` `API.evacuate` (the states `ACTIVE`, `SHUTOFF`,
 * `ERROR` over any task_state, no lock check; the source's nova-compute must be down —
 * `servicegroup.API.service_is_up`, `nova/servicegroup/drivers/db.py` —; task `rebuilding`; the
 * `evacuate` action; the `evacuation` migration `accepted`, a tombstone the source's nova-compute
 * finds when it comes back; `compute.instance.evacuate`); `nova/conductor/manager.py`
 * `rebuild_instance` (event `rebuild_server`) with `_allocate_for_evacuate_dest_host` and
 * `nova/scheduler/utils.py` `claim_resources_on_destination` for a forced host, the scheduler
 * with `ignore_hosts = [source]` (and `requested_destination` for a host not forced) otherwise;
 * `nova/scheduler/client/report.py` `_move_operation_alloc_request` (the instance's consumer holds
 * the source **and** the destination: no migration consumer for an evacuation);
 * `scheduler_utils.set_vm_state_and_notify` on failure; `compute.instance.rebuild.scheduled`.
 *
 * The library takes the body of every microversion: `onSharedStorage` given means a request
 * before 2.14 (a `host` is then forced, as nova's `force` None is); `force` true forces the host
 * (2.29–2.67; the REST layer also sends it for a host at 2.14–2.28, where nova's `force` is None);
 * otherwise a `host` is the scheduler's `requested_destination` (2.29+ without force, and always
 * since 2.68: the session API's default). The answer carries `adminPass` (the given or a generated one; null on shared storage or
 * when `[api] enable_instance_password` is off), which the REST layer shows before 2.14 only.
 *
 * Placement: after the conductor, the instance's consumer holds its flavor on both hosts; the
 * source's part goes when the source's nova-compute starts again
 * (`nova_services.ts` `destroyEvacuatedInstances`), which also moves the migration from
 * `done` to `completed`. Deleting the server meanwhile frees both.
 *
 * Evacuations that cross (evacuate takes any task_state, so a second one may start while the
 * first runs): only the server's newest evacuation goes on. The newer one's conductor ends every
 * older one still `accepted` / `pre-migrating` (migration `failed`, its destination's part of the
 * allocation removed), and a task of an older one ends when it runs (`rebuild.ts`
 * `endSupersededEvacuation`). To tell them apart the conductor writes its destination into the
 * migration (nova's destination does so at `rebuild_claim`, a moment later).
 *
 * Deviations: evacuate is refused with 409 (`InstanceInvalidState`, naming the migration) while
 * the server has an unfinished resize, cold or live migration record — nova would evacuate it and
 * lose the move's allocations. In `progression: 'clock'` a move whose host died rolls back at its
 * next step (resize.ts / live_migration.ts), so the refusal is transient. A forced host with no
 * allocation to copy (`ConsumerAllocationRetrievalFailed`) clears the task like the other
 * conductor failures, where nova's conductor lets the exception out and leaves `rebuilding`.
 *
 * Not simulated: shared instance storage (the libvirt driver's local disks are never on shared
 * storage, so `onSharedStorage: true` fails on the destination as nova does), Cyborg
 * accelerators, vTPM, ports with resource requests, cells.
 */
import { CloudError, getRow, policyEngineOf, type CloudState, type PolicyCredentials, type TaskHandler, type Tx } from '../core/index.js';
import { findHost } from '../hardware/index.js';
import { NoValidHost, allocationsOf, computeProviderOf, replaceAllocations, selectDestinations, type AllocationMap } from '../scheduler/index.js';
import { finishEvent, startAction, startEvent } from './actions.js';
import { RPC_SECONDS, saveServer } from './boot.js';
import { notifyComputeTaskError } from './conductor.js';
import { enforce, targetOf, type Ctx } from './context.js';
import { NovaError, badRequest, conflict } from './errors.js';
import { checkAction } from './guards.js';
import { describeValue, fieldError, generatePassword, hostArg, optionalText, schemaBoolean } from './input.js';
import { FINISHED_MIGRATION_STATUSES, createMigration, migrationById, migrationsOfServer, saveMigration } from './migrations.js';
import { computeServiceOf, serviceUp } from './nova_services.js';
import { NOVA_RULES } from './policies.js';
import { REBUILD_TASK, endSupersededEvacuation, ownsEvacuation, type EvacuationArgs, type RebuildArgs } from './rebuild.js';
import { moveRequestSpec, specImage } from './request_spec.js';
import { imageSize } from './snapshot.js';
import { API_HOST, credsOf, isVolumeBacked } from './server_actions.js';
import { getServer } from './servers.js';
import type { ServerRow } from './types.js';
import { instanceUsage } from './views.js';
import { zoneOfHost } from './zones.js';

/** What evacuate answers: the admin password (shown before 2.14 only). */
export interface EvacuateView {
  readonly adminPass: string | null;
}

/** The conductor's task: `rebuild_instance(recreate=True)` (its instance event is `rebuild_server`). */
export const EVACUATE_CONDUCTOR_TASK = 'compute.rebuild_server';

/** The keys of the evacuate body across microversions (each schema takes a subset). */
const KEYS = ['host', 'adminPass', 'force', 'onSharedStorage'];

/** The body as the schema reads it. */
interface EvacuateBody {
  readonly host: string | null;
  readonly adminPass: string | null;
  /** null: not given (a host is then checked by the scheduler, unless the body is one of before 2.14). */
  readonly force: boolean | null;
  /** null: not given (2.14+: the driver decides). */
  readonly onSharedStorage: boolean | null;
}

/** `schemas/evacuate.py`: every field checked before the server is looked up (400 naming the field). */
function checkBody(input: unknown): EvacuateBody {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw fieldError('evacuate', input, `${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!KEYS.includes(k)) throw badRequest(`evacuate.${k}`, `Invalid input for field/attribute evacuate. Value: ${describeValue(o)}. Additional properties are not allowed ('${k.slice(0, 64)}' was unexpected)`);
  }
  const has = (k: string): boolean => Object.hasOwn(o, k) && o[k] !== undefined;
  // onSharedStorage exists before 2.14, force from 2.29: no schema takes both
  if (has('onSharedStorage') && has('force')) throw badRequest('evacuate.force', `Invalid input for field/attribute evacuate. Value: ${describeValue(o)}. Additional properties are not allowed ('force' was unexpected)`);
  // `parameter_types.fqdn` (a string: null is refused here, unlike the nullable hosts hostArg was made for)
  if (has('host') && typeof o.host !== 'string') throw fieldError('host', o.host, `${describeValue(o.host)} is not of type 'string'`);
  return {
    host: has('host') ? hostArg(o.host, 'host') : null,
    adminPass: has('adminPass') ? optionalText(o.adminPass, 'adminPass', 65_535) : null,
    force: has('force') ? schemaBoolean(o.force, 'force') : null,
    onSharedStorage: has('onSharedStorage') ? schemaBoolean(o.onSharedStorage, 'onSharedStorage') : null,
  };
}

/** The conductor task's arguments (plain data). */
interface ConductorArgs {
  readonly uuid: string;
  readonly migration_id: number;
  readonly source: string;
  /** A forced destination (bypasses the scheduler), else null. */
  readonly host: string | null;
  /** A destination for the scheduler to check (`requested_destination`), else null. */
  readonly requested: string | null;
  readonly creds: PolicyCredentials;
  readonly on_shared_storage: boolean | null;
  readonly admin_password: boolean;
}

/**
 * `POST /servers/{id}/action {"evacuate": {host?, adminPass?, force?, onSharedStorage?}}`, in
 * nova's order: the body (400), the server (404), `os_compute_api:os-evacuate` (admin, 403),
 * `force` without a host (400 "Can't force to a non-provided destination"), the password (400
 * "admin password can't be changed on existing disk" before 2.14), the host's nova-compute (404
 * "Compute host <host> not found."), the same host (400 "The target host can't be the same
 * one."), the states (409), the server's host and its nova-compute (`Service.get_by_compute_host`:
 * 404 `ComputeHostNotFound` "Compute host <host or None> could not be found."), an unfinished
 * resize / migration / live migration (409, stacksim's), the source's nova-compute down or forced
 * down (else 400 "Compute service of <host> is still in use."). Then task `rebuilding`, the `evacuate` action, the
 * `evacuation` migration `accepted`, `compute.instance.evacuate`, and the conductor's task.
 */
export function evacuateServer(tx: Tx, ctx: Ctx, ref: unknown, input: unknown = {}): EvacuateView {
  const body = checkBody(input);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.evacuate, targetOf(row));
  const s = tx.draft as CloudState;
  if (body.force === true && body.host === null) throw badRequest('force', "Can't force to a non-provided destination", 'compute.evacuate.force_without_host');
  let password: string | null;
  if (body.onSharedStorage !== null) {
    // _get_password (before 2.14)
    if (body.adminPass !== null && body.onSharedStorage) throw badRequest('adminPass', "admin password can't be changed on existing disk", 'compute.evacuate.password_on_shared_storage');
    password = body.adminPass ?? (body.onSharedStorage ? null : generatePassword(tx));
  } else password = body.adminPass ?? generatePassword(tx);
  if (body.host !== null && computeServiceOf(s, body.host) === undefined) throw new NovaError(404, 'compute.host.not_found', 'HTTPNotFound', `Compute host ${body.host} not found.`, { field: 'host', host: body.host });
  if (row.host === body.host) throw badRequest('host', "The target host can't be the same one.", 'compute.evacuate.same_host');
  checkAction(ctx, row, 'evacuate');
  // Service.get_by_compute_host(instance.host): ComputeHostNotFound (404) for a server with no host
  // (an unshelve that failed, …) or a host without nova-compute
  const service = row.host === null ? undefined : computeServiceOf(s, row.host);
  if (row.host === null || service === undefined) throw new NovaError(404, 'compute.host.not_found', 'ComputeHostNotFound', `Compute host ${row.host ?? 'None'} could not be found.`, { host: row.host });
  const source = row.host;
  // stacksim's guard (not nova's): no evacuation over an unfinished resize / cold or live migration
  const moving = migrationsOfServer(s, row.uuid).find((m) => m.migration_type !== 'evacuation' && !FINISHED_MIGRATION_STATUSES.includes(m.status));
  if (moving !== undefined) {
    throw conflict('compute.server.move_in_progress', 'InstanceInvalidState', `Cannot 'evacuate' instance ${row.uuid} while it has the unfinished ${moving.migration_type} migration ${moving.id} (status ${moving.status})`, { id: row.uuid, migration_id: moving.id, migration_type: moving.migration_type, status: moving.status });
  }
  if (serviceUp(s, service)) throw badRequest('host', `Compute service of ${source} is still in use.`, 'compute.service.in_use');
  const next = saveServer(tx, row, { task_state: 'rebuilding' });
  startAction(tx, next, 'evacuate', ctx);
  const migration = createMigration(tx, {
    instance_uuid: row.uuid,
    migration_type: 'evacuation',
    status: 'accepted',
    source_compute: source,
    source_node: row.node,
    dest_compute: body.host,
    user_id: ctx.userId,
    project_id: ctx.projectId ?? '',
  }, 'nova-api');
  // force true, or None before 2.14 (`onSharedStorage` given), with a host: the conductor bypasses the scheduler
  const forced = body.host !== null && (body.force === true || (body.force === null && body.onSharedStorage !== null));
  tx.trace('nova-api', `evacuate server ${row.uuid} from ${source}${body.host === null ? ' (the scheduler picks the host)' : forced ? ` to ${body.host} (forced)` : ` to ${body.host} (checked by the scheduler)`}: task_state rebuilding, migration ${migration.id} accepted`);
  tx.emit('compute.instance.evacuate', () => instanceUsage(tx.draft as CloudState, next), { publisher: `compute.${API_HOST}` });
  const args: ConductorArgs = {
    uuid: row.uuid,
    migration_id: migration.id,
    source,
    host: forced ? body.host : null,
    requested: forced ? null : body.host,
    creds: credsOf(ctx),
    on_shared_storage: body.onSharedStorage,
    admin_password: password !== null,
  };
  tx.schedule(EVACUATE_CONDUCTOR_TASK, args, RPC_SECONDS);
  return { adminPass: s.compute.config.enable_instance_password ? password : null };
}

// ------------------------------------------------------------------ the conductor

/**
 * `_set_vm_state_and_notify('rebuild_server', …)`: the server's vm_state (ERROR, or kept for a
 * forced host), no task, the fault, and `compute_task.rebuild_server` (ERROR priority).
 */
function rebuildServerFailed(tx: Tx, row: ServerRow, toError: boolean, message: string, cls: string): void {
  const details = `nova.exception.${cls}: ${message}`;
  const next = saveServer(tx, row, { ...(toError ? { vm_state: 'error' as const } : {}), task_state: null, fault: { code: 500, message, details, created: tx.now() } });
  notifyComputeTaskError(tx, 'rebuild_server', next, next.vm_state, message);
  finishEvent(tx, row.uuid, 'rebuild_server', { message, details });
  tx.trace('nova-conductor', `Rebuild failed: ${message}`);
}

/** The migration `error` (the conductor could not place the instance). */
function migrationError(tx: Tx, id: number): void {
  const migration = migrationById(tx.draft as CloudState, id);
  if (migration !== undefined) saveMigration(tx, migration, { status: 'error' });
}

/**
 * `_allocate_for_evacuate_dest_host` / `claim_resources_on_destination`: the instance's
 * allocation on its source provider copied onto the forced host's provider (the consumer then
 * holds both). The failure (nova's exception class and message), or null on success.
 */
function claimForcedHost(tx: Tx, row: ServerRow, destName: string): { readonly cls: string; readonly message: string } | null {
  const s = tx.draft as CloudState;
  const dest = findHost(s, destName);
  const provider = dest === undefined ? undefined : computeProviderOf(s, dest.id);
  if (dest === undefined || provider === undefined) return { cls: 'ComputeHostNotFound', message: `Compute host ${destName} could not be found.` };
  const held = allocationsOf(s, row.uuid);
  const providers = Object.keys(held);
  if (providers.length === 0) {
    const sourceHost = row.node === null ? undefined : findHost(s, row.node);
    const sourceProvider = sourceHost === undefined ? undefined : computeProviderOf(s, sourceHost.id);
    return { cls: 'ConsumerAllocationRetrievalFailed', message: `Failed to retrieve allocations for consumer ${row.uuid}: Expected to find allocations for source node resource provider ${sourceProvider?.uuid ?? 'None'}. Retry the operation without forcing a destination host.` };
  }
  if (providers.length > 1) return { cls: 'NoValidHost', message: `No valid host was found. Unable to move instance ${row.uuid} to host ${destName}. The instance has complex allocations on the source host so move cannot be forced.` };
  const merged: AllocationMap = { ...held, [provider.uuid]: held[providers[0] as string] as Readonly<Record<string, number>> };
  try {
    replaceAllocations(tx, [{ consumer_uuid: row.uuid, allocations: merged, project_id: row.project_id, user_id: row.user_id }]);
  } catch (e) {
    if (e instanceof CloudError && e.status === 409) return { cls: 'NoValidHost', message: `No valid host was found. Unable to move instance ${row.uuid} to host ${destName}. There is not enough capacity on the host for the instance.` };
    throw e;
  }
  tx.trace('placement', `allocation of ${row.uuid} copied from ${row.host ?? '?'} to the forced host ${destName}: the instance holds both`);
  return null;
}

/**
 * The conductor's `rebuild_instance(recreate=True)` (event `rebuild_server` on the conductor's
 * host): a forced host gets the source's allocation copied onto it; otherwise the scheduler picks
 * (not the source; the requested host when one was given) and claims it, and the instance's
 * consumer is written back with the source and the destination together. A task of an evacuation
 * that is no longer the server's newest ends (migration `failed`, event in `Error`); the newest
 * ends the older ones still running before it places the server. A failure marks the
 * migration `error` and the server `ERROR` (scheduled) or as it was (forced), with the fault and
 * `compute_task.rebuild_server`. On success: `compute.instance.rebuild.scheduled`, the server's
 * zone the destination's, and the cast to the destination (`rebuild.ts`).
 */
function runEvacuateConductor(tx: Tx, raw: unknown): void {
  const args = raw as ConductorArgs;
  const s = tx.draft as CloudState;
  const row = getRow(s.compute.servers, args.uuid);
  if (row === undefined || row.deleted || row.task_state !== 'rebuilding' || row.host !== args.source) {
    tx.trace('nova-conductor', `rebuild_instance for ${args.uuid}: the instance is gone or no longer evacuating; nothing to do`);
    return;
  }
  startEvent(tx, row.uuid, 'rebuild_server', API_HOST);
  if (!ownsEvacuation(s, row.uuid, args.migration_id, ['accepted'])) {
    endSupersededEvacuation(tx, row.uuid, args.migration_id, null, 'rebuild_server', null);
    return;
  }
  // evacuations of this server still in flight are over: their destinations' parts go before this one is placed
  for (const older of migrationsOfServer(s, row.uuid)) {
    if (older.id === args.migration_id || older.migration_type !== 'evacuation' || (older.status !== 'accepted' && older.status !== 'pre-migrating')) continue;
    endSupersededEvacuation(tx, row.uuid, older.id, older.dest_compute, null, null);
  }
  let dest: string;
  let node: string;
  if (args.host !== null) {
    const failure = claimForcedHost(tx, row, args.host);
    if (failure !== null) {
      rebuildServerFailed(tx, row, false, failure.message, failure.cls);
      migrationError(tx, args.migration_id);
      return;
    }
    dest = args.host;
    node = args.host;
  } else {
    const before = allocationsOf(s, row.uuid);
    const owner = { project_id: row.project_id, user_id: row.user_id };
    // the scheduler's claim writes a new consumer: the instance's held allocation is set aside
    // while it runs and merged back after (nova's claim_resources does both in one write)
    if (Object.keys(before).length > 0) replaceAllocations(tx, [{ consumer_uuid: row.uuid, allocations: {}, ...owner }]);
    let selection: { readonly host: string; readonly nodename: string; readonly uuid: string } | undefined;
    let failure: string | null = null;
    try {
      const spec = moveRequestSpec(s, row, { image: specImage(s, policyEngineOf(tx.memo), args.creds, row), ignore_hosts: [args.source], requested_host: args.requested, is_bfv: isVolumeBacked(s, row) });
      selection = selectDestinations(tx, spec).selections[0];
    } catch (e) {
      if (!(e instanceof NoValidHost)) throw e;
      failure = e.message;
    }
    if (selection === undefined) {
      if (Object.keys(before).length > 0) replaceAllocations(tx, [{ consumer_uuid: row.uuid, allocations: before, ...owner, consumer_type: 'INSTANCE' }]);
      migrationError(tx, args.migration_id);
      rebuildServerFailed(tx, row, true, failure ?? 'No valid host was found. There are not enough hosts available.', 'NoValidHost');
      return;
    }
    // claim_resources' _move_operation_alloc_request: the source's allocation kept beside the destination's
    const claimed = allocationsOf(tx.draft as CloudState, row.uuid);
    const merged: Record<string, Readonly<Record<string, number>>> = { ...before };
    for (const [rp, resources] of Object.entries(claimed)) if (!Object.hasOwn(merged, rp)) merged[rp] = resources;
    replaceAllocations(tx, [{ consumer_uuid: row.uuid, allocations: merged, ...owner, consumer_type: 'INSTANCE' }]);
    tx.trace('placement', `allocation of ${row.uuid} doubled up for the evacuation: ${args.source} and ${selection.host}`);
    dest = selection.host;
    node = selection.nodename;
  }
  const current = getRow((tx.draft as CloudState).compute.servers, row.uuid) as ServerRow;
  tx.emit('compute.instance.rebuild.scheduled', () => instanceUsage(tx.draft as CloudState, current), { publisher: `compute.${API_HOST}` });
  const next = saveServer(tx, current, { availability_zone: zoneOfHost(tx.draft as CloudState, dest) });
  // stacksim writes the destination into the migration here (nova's rebuild_claim does a moment
  // later): an evacuation superseded meanwhile reads which destination this one holds
  const migration = migrationById(tx.draft as CloudState, args.migration_id);
  if (migration !== undefined) saveMigration(tx, migration, { dest_compute: dest, dest_node: node });
  const volumeBacked = isVolumeBacked(tx.draft as CloudState, next);
  const evacuation: EvacuationArgs = { migration_id: args.migration_id, source: args.source, node, on_shared_storage: args.on_shared_storage, admin_password: args.admin_password };
  const rebuild: RebuildArgs = {
    uuid: row.uuid,
    host: dest,
    stage: 'begin',
    expect: 'rebuilding',
    creds: args.creds,
    // not on shared storage: rebuilt from the original image (instance.image_ref); a volume-backed server keeps its volume
    image: volumeBacked ? null : { id: next.image_ref, size: imageSize(tx.draft as CloudState, policyEngineOf(tx.memo), args.creds, next.image_ref), name: null },
    orig_image_ref: next.image_ref,
    orig_vm_state: next.vm_state,
    preserve_ephemeral: false,
    evacuation,
  };
  tx.schedule(REBUILD_TASK, rebuild, RPC_SECONDS);
  tx.trace('nova-conductor', `rebuild_instance of ${row.uuid} cast to ${dest} (evacuation from ${args.source})`);
  finishEvent(tx, row.uuid, 'rebuild_server');
}

/** The conductor's and nova-compute's tasks of an evacuation (the destination's is `rebuild.ts`'s {@link REBUILD_TASK}). */
export const EVACUATE_TASKS: Readonly<Record<string, TaskHandler>> = {
  [EVACUATE_CONDUCTOR_TASK]: runEvacuateConductor,
};
