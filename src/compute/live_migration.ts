/**
 * Live migration (`POST /servers/{id}/action {"os-migrateLive": …}`), its force complete
 * (`POST /servers/{id}/migrations/{migration_id}/action {"force_complete": null}`, 2.22) and its
 * abort (`DELETE /servers/{id}/migrations/{migration_id}`, 2.24; queued and preparing ones 2.65).
 *
 * Followed, Zed: `nova/api/openstack/compute/migrate_server.py` (`_migrate_live`) and
 * `schemas/migrate_server.py`, `server_migrations.py` (`_force_complete`, `delete`);
 * `nova/compute/api.py` (`live_migrate`, `live_migrate_force_complete`, `live_migrate_abort`);
 * `nova/conductor/manager.py` (`_live_migrate`) and `nova/conductor/tasks/live_migrate.py`
 * (`LiveMigrationTask`); `nova/compute/manager.py` (`check_can_live_migrate_destination` /
 * `_source`, `live_migration`, `_do_live_migration`, `pre_live_migration`,
 * `_post_live_migration`, `post_live_migration_at_destination`, `_rollback_live_migration`,
 * `rollback_live_migration_at_destination`, `live_migration_force_complete`,
 * `live_migration_abort`); `nova/virt/libvirt/driver.py` (`_compare_cpu`,
 * `check_can_live_migrate_source`).
 *
 * The API sets `task_state` `migrating` (status `MIGRATING`), records `live-migration` and casts
 * the conductor ({@link CONDUCTOR_LIVE_MIGRATE_TASK}, 2.34+'s asynchronous answer: a refusal of
 * the conductor shows as the migration's `error`, the instance's fault and the event
 * `conductor_live_migrate_instance` in `Error`, the server back to its vm_state with no task). The
 * conductor creates the migration (`accepted`), moves the instance's source allocation to the
 * migration's consumer and runs nova's checks in nova's order: power state running or paused,
 * source nova-compute up, then either the forced host (destination ≠ source, its nova-compute up,
 * memory, same hypervisor type and version ≥ the source's, the instance's resources copied to it
 * in Placement, then the destination's and the source's checks: CPU flags, shared storage) or the
 * scheduler (`requested_destination` for a host given without `force`, the source ignored, the
 * same per-host checks; a host that fails them is dropped and the next asked, up to
 * `migrate_max_retries`). nova-compute then runs the migration on the source
 * ({@link LIVE_MIGRATION_TASK}): `queued` (at most `max_concurrent_live_migrations` run per
 * source; the others wait in order), `preparing` (the destination's `pre_live_migration`: a second
 * Cinder attachment per volume, for the destination), `running` (the guest's RAM — and, for a
 * block migration, its local disks — copied over the hosts' migration link:
 * `transferSeconds`, with `memory_*` / `disk_*` counters and `progress` moving), then the post
 * steps (ports bound to the destination, the source attachments deleted, `host` / `node` /
 * `availability_zone` the destination's, the migration `completed` and its allocation dropped).
 * The vm_state never changes (ACTIVE stays ACTIVE, PAUSED stays PAUSED).
 *
 * Force complete and abort are nova-compute's `live_migration_force_complete` /
 * `live_migration_abort` on the source: an abort of a `queued` migration cancels it there; of a
 * `preparing` or `running` one it is seen by the migration at its next step (libvirt's job
 * monitor), which rolls back with `cancelled`; force complete makes the copy converge at its next
 * step. Both record themselves as the instance action events `compute_live_migration_abort` /
 * `compute_live_migration_force_complete`, which the migration's steps read.
 *
 * What is modelled of the hosts: the hypervisor type is the hardware's; the hypervisor version
 * is `HYPERVISOR_VERSIONS` of the type (the hardware model has no software versions, so
 * `DestinationHypervisorTooOld` only fires through {@link checkHypervisorCompatible} given other
 * versions); the CPU comparison (libvirt `virConnectCompareCPU`, only for `QEMU` hosts, as for
 * `virt_type=kvm`) is "the destination's CPU flags include the source's"; storage is local
 * (`instances_path` not shared), so a server with a local disk (image-backed, ephemeral or swap)
 * needs a block migration and a volume-backed one without any must not use one.
 *
 * Not simulated: NUMA / PCI / vPMEM / SR-IOV checks, the server group policy check of the
 * destination, `disk_over_commit` and the destination's free disk check (Placement's claim stands
 * for it), post-copy and auto-converge, `live_migration_completion_timeout`, Neutron's
 * `binding-extended` (stacksim's Neutron lacks it, so nova's legacy path is followed: the ports
 * carry `binding:profile.migrating_to` from pre-live-migration until the post step or the rollback),
 * versioned notifications, the legacy ERROR notifications of `@wrap_exception`.
 */
import { CloudError, getRow, policyEngineOf, tablePrefix, type CloudState, type PolicyCredentials, type TaskHandler, type Tx } from '../core/index.js';
import { findHost, type Host } from '../hardware/index.js';
import { NoValidHost, claimOnHost, deleteInstanceAllocations, inventoriesOf, selectDestinations, usageOf } from '../scheduler/index.js';
import { portRow, setServerPortProfile } from '../network/index.js';
import { connectVolumeForServer, releaseVolumeForServer, reserveVolumeForServer } from '../block/index.js';
import { actionsOf, findAction, finishEvent, recordEvent, startAction, startEvent } from './actions.js';
import { RPC_SECONDS, saveServer, serverOf } from './boot.js';
import { bdmsOf, saveBdm } from './block_device.js';
import { enforce, type Ctx } from './context.js';
import { NovaError, badRequest, invalid } from './errors.js';
import { checkAction } from './guards.js';
import { HYPERVISOR_VERSIONS } from './hypervisors.js';
import { describeValue, fieldError, hostArg, migrationIdArg, onlyKeys, pyNumberText, requireKeys, schemaBoolean } from './input.js';
import { abandonMoveAllocations, createMigration, dropMigrationAllocation, FINISHED_MIGRATION_STATUSES, latestMigration, migrationById, migrationsOfServer, moveToMigration, revertFromMigration, saveMigration, transferSeconds } from './migrations.js';
import { computeServiceOf, computeUp } from './nova_services.js';
import { moveRequestSpec, specImage } from './request_spec.js';
import { bindPorts } from './resize.js';
import { NOVA_RULES } from './policies.js';
import { notifyComputeTaskError } from './conductor.js';
import { API_HOST, credsOf, isVolumeBacked, publisherOf } from './server_actions.js';
import { getServer } from './servers.js';
import type { MigrationRow, MigrationStatus, ServerRow } from './types.js';
import { instanceUsage } from './views.js';
import { POWER_STATE_NAMES } from './vm_states.js';
import { zoneOfHost } from './zones.js';

/** The conductor's task: `live_migrate_instance` (`_live_migrate`, `LiveMigrationTask`). */
export const CONDUCTOR_LIVE_MIGRATE_TASK = 'compute.conductor_live_migrate_instance';
/** nova-compute's task on the source: `live_migration` and the steps of `_do_live_migration`. */
export const LIVE_MIGRATION_TASK = 'compute.live_migration';
/** nova-compute's `live_migration_force_complete` on the source. */
export const LIVE_MIGRATION_FORCE_COMPLETE_TASK = 'compute.live_migration_force_complete';
/** nova-compute's `live_migration_abort` on the source. */
export const LIVE_MIGRATION_ABORT_TASK = 'compute.live_migration_abort';

/** How often a queued live migration looks for a free slot of the source's executor (stacksim's figure). */
export const QUEUE_POLL_SECONDS = 1;
/** At most this many progress steps per copy (libvirt's monitor polls every 0.5 s; stacksim samples). */
const COPY_STEPS = 10;

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

// ---------------------------------------------------------------------------------------------
// What the hosts give
// ---------------------------------------------------------------------------------------------

/** What the live migration checks read of a compute host: its hypervisor and CPU. */
export interface HostHypervisor {
  readonly host: string;
  /** `hypervisor_type` (the hardware's). */
  readonly type: string;
  /** `hypervisor_version`: `HYPERVISOR_VERSIONS` of the type (the hardware has no software versions), as `os-hypervisors` shows it. */
  readonly version: number;
  /** The CPU's flags (`cpu_info.features`). */
  readonly cpu_flags: readonly string[];
}

/** The hypervisor of a compute host as the compute node record shows it (undefined: no such host). */
export function hostHypervisor(s: CloudState, hostName: string): HostHypervisor | undefined {
  const host = findHost(s, hostName);
  if (host === undefined) return undefined;
  return { host: host.name, type: host.hypervisor_type, version: HYPERVISOR_VERSIONS[host.hypervisor_type], cpu_flags: host.cpu.flags };
}

/** Why a check refused: nova's exception (class, message, the fault's code) and whether the scheduler loop tries the next host. */
class Refusal {
  constructor(
    readonly nova: string,
    readonly message: string,
    readonly code: number,
    /** `exception.Invalid` or `MigrationPreCheckError`: `_find_destination` drops the host and asks again. */
    readonly retry: boolean,
  ) {}
}

/**
 * `_check_compatible_with_source_hypervisor`: `InvalidHypervisorType` when the types differ,
 * `DestinationHypervisorTooOld` when the source's version is higher. Null when compatible.
 */
export function checkHypervisorCompatible(source: Pick<HostHypervisor, 'type' | 'version'>, dest: Pick<HostHypervisor, 'type' | 'version'>): { readonly nova: string; readonly message: string } | null {
  if (source.type !== dest.type) return { nova: 'InvalidHypervisorType', message: 'The supplied hypervisor type of is invalid.' };
  if (source.version > dest.version) return { nova: 'DestinationHypervisorTooOld', message: 'The instance requires a newer hypervisor version than has been provided.' };
  return null;
}

/**
 * libvirt `_compare_cpu` for a `QEMU` (kvm) destination: the destination's CPU must offer every
 * flag of the source's (`virConnectCompareCPU` ≤ 0 otherwise). Null when compatible, else the
 * `InvalidCPUInfo` reason.
 */
export function compareCpu(source: Pick<HostHypervisor, 'type' | 'cpu_flags'>, dest: Pick<HostHypervisor, 'cpu_flags'>): string | null {
  if (source.type !== 'QEMU') return null; // CONF.libvirt.virt_type not in ['kvm']: no comparison
  const have = new Set(dest.cpu_flags);
  if (source.cpu_flags.every((f) => have.has(f))) return null;
  return "CPU doesn't have compatibility.\n\n0\n\nRefer to http://libvirt.org/html/libvirt-libvirt-host.html#virCPUCompareResult";
}

/** Python's `%s` of a float (`15872.0`). */
function pyFloat(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : (pyNumberText(n) ?? String(n));
}

/** Whether a server has a local disk (image-backed root, ephemeral or swap): the libvirt driver's "not on shared storage". */
function hasLocalDisk(s: CloudState, row: ServerRow): boolean {
  return !isVolumeBacked(s, row) || row.flavor.ephemeral_gb > 0 || row.flavor.swap > 0;
}

/** The bytes a live migration copies: the guest's RAM, and its local disks for a block migration. */
function copyBytes(s: CloudState, row: ServerRow, block: boolean): { readonly memory: number; readonly disk: number } {
  const f = row.flavor;
  const localGb = (isVolumeBacked(s, row) ? 0 : f.root_gb) + f.ephemeral_gb;
  return { memory: f.memory_mb * MIB, disk: block ? localGb * GIB + f.swap * MIB : 0 };
}

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

/** The request body of `os-migrateLive` as the schemas read it (one union of 2.1–2.93's; the REST layer keeps each key to its microversions). */
export interface LiveMigrateBody {
  readonly host: string | null;
  /** `'auto'` (2.25+): the source decides (block migration when the instance's disks are local). */
  readonly block_migration: boolean | 'auto';
  /**
   * 2.30–2.67: `true` with a host skips the scheduler (before 2.30 a host is always forced: the
   * REST layer passes `force: true` with it). Absent or false (2.68+): the scheduler validates
   * the host as `requested_destination`.
   */
  readonly force?: boolean;
  /** Before 2.25 (required there, ignored by stacksim's disk arithmetic). */
  readonly disk_over_commit?: boolean;
}

/** `schemas/migrate_server.py` `migrate_live*`: 400 naming the field. */
function liveMigrateBody(input: unknown): { host: string | null; block: boolean | null; force: boolean | null } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw fieldError('os-migrateLive', input, `${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  let block: boolean | null = null;
  if (Object.hasOwn(o, 'block_migration')) {
    const v = o.block_migration;
    if (v === 'auto') block = null;
    else if (typeof v === 'boolean' || typeof v === 'string') block = schemaBoolean(v, 'block_migration', (f, value) => fieldError(f, value, `${describeValue(value)} is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'auto']`));
    else throw fieldError('block_migration', v, `${describeValue(v)} is not of type 'boolean', 'string'`);
  }
  if (Object.hasOwn(o, 'disk_over_commit')) schemaBoolean(o.disk_over_commit, 'disk_over_commit');
  const host = Object.hasOwn(o, 'host') ? hostArg(o.host, 'host') : null;
  const force = Object.hasOwn(o, 'force') ? schemaBoolean(o.force, 'force') : null;
  requireKeys(o, ['block_migration', 'host'], 'os-migrateLive');
  onlyKeys(o, ['block_migration', 'host', 'force', 'disk_over_commit'], 'os-migrateLive');
  return { host, block, force };
}

/** Whether nova knows a compute node on `host` (`ComputeNodeList.get_all_by_host`). */
function isComputeHost(s: CloudState, host: string): boolean {
  const h = findHost(s, host);
  return h !== undefined && h.roles.includes('compute') && computeServiceOf(s, host) !== undefined;
}

/** What the API hands the conductor (plain data). */
interface ConductorArgs {
  readonly uuid: string;
  readonly creds: PolicyCredentials;
  /** A host to go to without the scheduler (`force`), else null. */
  readonly forced_host: string | null;
  /** A host the scheduler must validate (`requested_destination`), else null. */
  readonly requested_host: string | null;
  /** null: `auto`. */
  readonly block_migration: boolean | null;
}

/**
 * `os-migrateLive` (admin; `os_compute_api:os-migrate-server:migrate_live`): schema (400) →
 * server (404) → policy (403) → `force` without a host (400 "Can't force to a non-provided
 * destination") → lock and state (409: `ACTIVE` or `PAUSED`, no task) → a named host must be a
 * compute host (400 `ComputeHostNotFound`) → task `migrating`, action `live-migration`, cast to
 * the conductor. 202.
 */
export function liveMigrateServer(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const body = liveMigrateBody(input);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.migrateLive, { project_id: row.project_id });
  // _get_force_param_for_live_migration (2.30+)
  if (body.force === true && !body.host) throw badRequest('force', "Can't force to a non-provided destination", 'compute.live_migration.force_without_host');
  checkAction(ctx, row, 'live_migrate');
  if (body.host !== null && !isComputeHost(ctx.s, body.host)) throw invalid('compute.host.not_found', 'ComputeHostNotFound', `Compute host ${body.host} could not be found.`, { field: 'host', host: body.host });
  const next = saveServer(tx, row, { task_state: 'migrating' });
  startAction(tx, next, 'live-migration', ctx);
  const forced = body.host !== null && body.force === true;
  const args: ConductorArgs = { uuid: row.uuid, creds: credsOf(ctx), forced_host: forced ? body.host : null, requested_host: !forced ? body.host : null, block_migration: body.block };
  tx.trace('nova-api', `live-migration of ${row.uuid} from ${row.host ?? '?'}: task_state migrating, cast live_migrate_instance to nova-conductor (${forced ? `forced to ${body.host}` : body.host !== null ? `requested destination ${body.host}` : 'the scheduler picks'})`);
  tx.schedule(CONDUCTOR_LIVE_MIGRATE_TASK, args, RPC_SECONDS);
}

/** `Migration.get_by_id_and_instance`. */
function migrationOfServer(s: CloudState, id: number | null, uuid: string): MigrationRow | undefined {
  if (id === null) return undefined;
  const m = migrationById(s, id);
  return m !== undefined && m.instance_uuid === uuid ? m : undefined;
}

function invalidMigrationState(text: string, uuid: string, state: string, method: string): NovaError {
  return invalid('compute.migration.invalid_state', 'InvalidMigrationState', `Migration ${text} state of instance ${uuid} is ${state}. Cannot ${method} while the migration is in this state.`, { migration_id: text, state });
}

/** The arguments of force complete and abort. */
interface MigrationActionArgs {
  readonly uuid: string;
  readonly migration_id: number;
  readonly host: string | null;
}

/**
 * `force_complete` (2.22, admin): server (404) → policy (403) → lock / state (409: `ACTIVE` and
 * `migrating` only) → the migration of this server (400 `Migration <id> not found for instance
 * <uuid>`) → `running` (400 `InvalidMigrationState`) → action `live_migration_force_complete`,
 * cast to the source. 202.
 */
export function forceCompleteMigration(tx: Tx, ctx: Ctx, ref: unknown, migrationId: unknown): void {
  const mid = migrationIdArg(migrationId);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMigrations.forceComplete, { project_id: row.project_id });
  checkAction(ctx, row, 'live_migrate_force_complete');
  const m = migrationOfServer(ctx.s, mid.id, row.uuid);
  if (m === undefined) throw invalid('compute.migration.not_found', 'MigrationNotFoundForInstance', `Migration ${mid.text} not found for instance ${row.uuid}`, { migration_id: mid.text });
  if (m.status !== 'running') throw invalidMigrationState(mid.text, row.uuid, m.status, 'force complete');
  startAction(tx, row, 'live_migration_force_complete', ctx);
  tx.trace('nova-api', `force complete of live migration ${m.id} of ${row.uuid}: cast to ${m.source_compute ?? '?'}`);
  tx.schedule(LIVE_MIGRATION_FORCE_COMPLETE_TASK, { uuid: row.uuid, migration_id: m.id, host: m.source_compute } satisfies MigrationActionArgs, RPC_SECONDS);
}

/**
 * Abort (2.24, admin): server (404) → policy (403) → lock / state (409: task `migrating`) → the
 * migration of this server (404 `Migration <id> not found for instance <uuid>`) → `running`, or
 * also `queued` / `preparing` with `supportAbortInQueue` (2.65+; the default) → else 400
 * `InvalidMigrationState` → action `live_migration_cancel`, cast to the server's host. 202.
 */
export function abortMigration(tx: Tx, ctx: Ctx, ref: unknown, migrationId: unknown, supportAbortInQueue = true): void {
  const mid = migrationIdArg(migrationId);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMigrations.delete, { project_id: row.project_id });
  checkAction(ctx, row, 'live_migrate_abort');
  const m = migrationOfServer(ctx.s, mid.id, row.uuid);
  if (m === undefined) throw new NovaError(404, 'compute.migration.not_found', 'MigrationNotFoundForInstance', `Migration ${mid.text} not found for instance ${row.uuid}`, { migration_id: mid.text });
  const allowed: MigrationStatus[] = supportAbortInQueue ? ['running', 'queued', 'preparing'] : ['running'];
  if (!allowed.includes(m.status)) throw invalidMigrationState(mid.text, row.uuid, m.status, 'abort live migration');
  startAction(tx, row, 'live_migration_cancel', ctx);
  tx.trace('nova-api', `abort of live migration ${m.id} of ${row.uuid} (${m.status}): cast to ${row.host ?? '?'}`);
  tx.schedule(LIVE_MIGRATION_ABORT_TASK, { uuid: row.uuid, migration_id: m.id, host: row.host } satisfies MigrationActionArgs, RPC_SECONDS);
}

// ---------------------------------------------------------------------------------------------
// nova-conductor
// ---------------------------------------------------------------------------------------------

function unavailable(host: string): Refusal {
  return new Refusal('ComputeServiceUnavailable', `Compute service of ${host} is unavailable at this time.`, 400, true);
}

/**
 * `_call_livem_checks_on_host`: the destination's `check_can_live_migrate_destination` (CPU
 * compare), which calls the source's `check_can_live_migrate_source` (shared storage and block
 * migration). Records both events; answers whether the migration is a block migration.
 */
function livemChecks(tx: Tx, row: ServerRow, source: string, dest: string, block: boolean | null): boolean {
  const s = tx.draft as CloudState;
  startEvent(tx, row.uuid, 'compute_check_can_live_migrate_destination', dest);
  const fail = (r: Refusal): never => {
    finishEvent(tx, row.uuid, 'compute_check_can_live_migrate_destination', { message: r.message, details: `nova.exception.${r.nova}: ${r.message}` });
    throw r;
  };
  const src = hostHypervisor(s, source);
  const dst = hostHypervisor(s, dest);
  const cpu = src === undefined || dst === undefined ? null : compareCpu(src, dst);
  if (cpu !== null) fail(new Refusal('MigrationPreCheckError', `Migration pre-check error: Unacceptable CPU info: ${cpu}`, 500, true));
  // check_can_live_migrate_source (source, nested in the destination's event)
  const shared = !hasLocalDisk(s, row);
  const useBlock = block ?? !shared;
  let refusal: Refusal | null = null;
  if (useBlock && shared) refusal = new Refusal('InvalidLocalStorage', `${source} is not on local storage: Block migration can not be used with shared storage.`, 500, false);
  else if (!useBlock && !shared) refusal = new Refusal('InvalidSharedStorage', `${source} is not on shared storage: Shared storage live-migration requires either shared storage or boot-from-volume with no local disks.`, 500, false);
  recordEvent(tx, row.uuid, 'compute_check_can_live_migrate_source', source, refusal === null ? null : { message: refusal.message, details: `nova.exception.${refusal.nova}: ${refusal.message}` });
  if (refusal !== null) fail(refusal);
  finishEvent(tx, row.uuid, 'compute_check_can_live_migrate_destination');
  tx.trace('nova-compute', `live migration checks of ${row.uuid}: ${dest} accepts (CPU), ${source} agrees (${useBlock ? 'block migration' : 'shared storage'})`);
  return useBlock;
}

function hypervisorRefusal(s: CloudState, source: string, dest: string): Refusal | null {
  const src = hostHypervisor(s, source);
  const dst = hostHypervisor(s, dest);
  if (src === undefined || dst === undefined) return new Refusal('ComputeHostNotFound', `Compute host ${src === undefined ? source : dest} could not be found.`, 404, false);
  const r = checkHypervisorCompatible(src, dst);
  return r === null ? null : new Refusal(r.nova, r.message, 400, true);
}

/** The forced destination's memory (`_check_destination_has_enough_memory`, the RAMFilter's arithmetic on the compute node). */
function memoryRefusal(s: CloudState, row: ServerRow, dest: string): Refusal | null {
  const host = findHost(s, dest) as Host;
  const inv = inventoriesOf(s, host.id).get('MEMORY_MB');
  const total = inv?.total ?? host.memory_mb;
  const ratio = inv?.allocation_ratio ?? 1;
  const used = (inv?.reserved ?? 0) + usageOf(s, host.id, 'MEMORY_MB');
  const avail = total * ratio - used;
  const mem = row.flavor.memory_mb;
  if (mem && avail > mem) return null;
  return new Refusal('MigrationPreCheckError', `Migration pre-check error: Unable to migrate ${row.uuid} to ${dest}: Lack of memory(host:${pyFloat(avail)} <= instance:${mem})`, 500, false);
}

/**
 * nova-conductor's `live_migrate_instance` (event `conductor_live_migrate_instance`): the
 * migration record, the checks, the destination's claim, then the cast to the source.
 */
export function runConductorLiveMigrate(tx: Tx, raw: unknown): void {
  const args = raw as ConductorArgs;
  const row = serverOf(tx, args.uuid);
  if (row === undefined || row.task_state !== 'migrating' || row.host === null) return;
  const source = row.host;
  startEvent(tx, row.uuid, 'conductor_live_migrate_instance', API_HOST);
  const migration = createMigration(tx, {
    instance_uuid: row.uuid,
    migration_type: 'live-migration',
    status: 'accepted',
    source_compute: source,
    source_node: row.node,
    dest_compute: args.forced_host,
    old_instance_type_id: row.flavor.flavorid,
    new_instance_type_id: row.flavor.flavorid,
    user_id: String(args.creds.user_id ?? ''),
    project_id: String(args.creds.project_id ?? ''),
  });
  let held = false;
  try {
    const s = tx.draft as CloudState;
    // _check_instance_is_active
    if (row.power_state !== 1 && row.power_state !== 3) {
      throw new Refusal('InstanceInvalidState', `Instance ${row.uuid} in power_state ${POWER_STATE_NAMES[row.power_state]}. Cannot live migrate while the instance is in this state.`, 400, false);
    }
    if (!computeUp(s, source)) throw unavailable(source);
    const moved = moveToMigration(tx, row, migration);
    held = Object.keys(moved).length > 0;
    let dest: string;
    let block: boolean;
    if (args.forced_host !== null) {
      dest = args.forced_host;
      if (dest === source) throw new Refusal('UnableToMigrateToSelf', `Unable to migrate instance (${row.uuid}) to current host (${dest}).`, 400, false);
      if (!computeUp(tx.draft as CloudState, dest)) throw unavailable(dest);
      const memory = memoryRefusal(tx.draft as CloudState, row, dest);
      if (memory !== null) throw memory;
      const hv = hypervisorRefusal(tx.draft as CloudState, source, dest);
      if (hv !== null) throw hv;
      // claim_resources_on_destination: the held source allocation, copied for the instance
      const destHost = findHost(tx.draft as CloudState, dest) as Host;
      const providers = Object.values(moved);
      if (providers.length > 1) throw new Refusal('NoValidHost', `No valid host was found. Unable to move instance ${row.uuid} to host ${dest}. The instance has complex allocations on the source host so move cannot be forced.`, 500, false);
      const resources = providers[0] ?? {};
      if (!claimOnHost(tx, row.uuid, destHost.id, resources, row.project_id, row.user_id)) {
        throw new Refusal('NoValidHost', `No valid host was found. Unable to move instance ${row.uuid} to host ${dest}. There is not enough capacity on the host for the instance.`, 500, false);
      }
      tx.trace('placement', `claimed ${Object.entries(resources).map(([rc, n]) => `${rc}:${n}`).join(',')} on ${dest} for ${row.uuid} (forced host)`);
      try {
        block = livemChecks(tx, row, source, dest, args.block_migration);
      } catch (e) {
        deleteInstanceAllocations(tx, row.uuid, row.project_id, row.user_id); // _remove_host_allocations
        throw e;
      }
    } else {
      [dest, block] = findDestination(tx, row, migration, source, args);
    }
    saveMigration(tx, migrationById(tx.draft as CloudState, migration.id) as MigrationRow, { source_node: row.node, dest_node: dest, dest_compute: dest });
    finishEvent(tx, row.uuid, 'conductor_live_migrate_instance');
    tx.trace('nova-conductor', `live migration ${migration.id} of ${row.uuid}: ${source} → ${dest} (${block ? 'block migration' : 'shared storage'}), cast live_migration to ${source}`);
    tx.schedule(LIVE_MIGRATION_TASK, { uuid: row.uuid, migration_id: migration.id, creds: args.creds, stage: 'queue', block_migration: block, source, dest, attachments: [], elapsed: 0, duration: 0 } satisfies StageArgs, RPC_SECONDS);
  } catch (e) {
    let refusal: Refusal;
    if (e instanceof Refusal) refusal = e;
    else if (e instanceof NoValidHost) refusal = new Refusal('NoValidHost', e.message, 500, false);
    else throw e;
    conductorFailed(tx, row.uuid, migration.id, held, refusal);
  }
}

/** `_find_destination`: the scheduler's pick (with its claim), checked; a refused host is dropped and the next asked. */
function findDestination(tx: Tx, row: ServerRow, migration: MigrationRow, source: string, args: ConductorArgs): [string, boolean] {
  const attempted = [source];
  const max = (tx.draft as CloudState).compute.config.migrate_max_retries;
  for (;;) {
    if (max !== -1 && attempted.length - 1 > max) {
      saveMigration(tx, migrationById(tx.draft as CloudState, migration.id) as MigrationRow, { status: 'failed' });
      throw new Refusal('MaxRetriesExceeded', `Exceeded maximum number of retries. Exceeded max scheduling retries ${attempted.length - 1} for instance ${row.uuid} during live migration`, 500, false);
    }
    const s = tx.draft as CloudState;
    const spec = moveRequestSpec(s, row, { image: specImage(s, policyEngineOf(tx.memo), args.creds, row), ignore_hosts: attempted, requested_host: args.requested_host, is_bfv: isVolumeBacked(s, row) });
    const selection = selectDestinations(tx, spec).selections[0];
    if (selection === undefined) throw new Refusal('NoValidHost', 'No valid host was found. There are not enough hosts available.', 500, false);
    const host = selection.host;
    try {
      const hv = hypervisorRefusal(tx.draft as CloudState, source, host);
      if (hv !== null) throw hv;
      return [host, livemChecks(tx, row, source, host, args.block_migration)];
    } catch (e) {
      if (!(e instanceof Refusal) || !e.retry) throw e;
      tx.trace('nova-conductor', `skipping host ${host} for the live migration of ${row.uuid}: ${e.message}`);
      attempted.push(host);
      deleteInstanceAllocations(tx, row.uuid, row.project_id, row.user_id); // _remove_host_allocations
    }
  }
}

/** `_live_migrate`'s failure: the rollback (allocation back to the instance), the server's task cleared with its fault, the migration `error`. */
function conductorFailed(tx: Tx, uuid: string, migrationId: number, held: boolean, refusal: Refusal): void {
  const s = tx.draft as CloudState;
  const row = getRow(s.compute.servers, uuid) as ServerRow;
  const migration = migrationById(s, migrationId) as MigrationRow;
  if (held) revertFromMigration(tx, row, migration);
  else deleteInstanceAllocations(tx, migration.uuid, row.project_id, row.user_id);
  const details = `nova.exception.${refusal.nova}: ${refusal.message}`;
  const next = saveServer(tx, row, { task_state: null, fault: { code: refusal.code, message: refusal.message, details, created: tx.now() } });
  saveMigration(tx, migrationById(tx.draft as CloudState, migrationId) as MigrationRow, { status: 'error' });
  finishEvent(tx, uuid, 'conductor_live_migrate_instance', { message: refusal.message, details });
  tx.trace('nova-conductor', `live migration ${migrationId} of ${uuid} refused: ${refusal.message}`);
  notifyComputeTaskError(tx, 'migrate_server', next, next.vm_state, refusal.message);
}

// ---------------------------------------------------------------------------------------------
// nova-compute
// ---------------------------------------------------------------------------------------------

/** One volume's attachments during the move: the source's (kept until the end) and the destination's. */
interface MovedAttachment {
  readonly volume_id: string;
  readonly old: string;
  readonly new: string;
  readonly mountpoint: string;
}

/** The live migration's steps on the source (plain data). */
interface StageArgs {
  readonly uuid: string;
  readonly migration_id: number;
  readonly creds: PolicyCredentials;
  readonly stage: 'queue' | 'wait' | 'prepare' | 'run' | 'copy' | 'post';
  readonly block_migration: boolean;
  readonly source: string;
  readonly dest: string;
  readonly attachments: readonly MovedAttachment[];
  /** Seconds of the copy done, and its whole length. */
  readonly elapsed: number;
  readonly duration: number;
}

const ACTIVE_LIVE: readonly MigrationStatus[] = ['preparing', 'running'];

/** Whether the source's executor (`max_concurrent_live_migrations`) has a free worker for migration `id` (oldest queued first). */
function slotFree(s: CloudState, source: string, id: number): boolean {
  const max = s.compute.config.max_concurrent_live_migrations;
  let running = 0;
  for (const [, uuid] of tablePrefix(s.compute.host_servers, `${source}/`)) {
    const server = getRow(s.compute.servers, uuid);
    if (server === undefined || server.task_state !== 'migrating') continue;
    const m = latestMigration(s, uuid, ['queued', ...ACTIVE_LIVE], ['live-migration']);
    if (m === undefined || m.id === id || m.source_compute !== source) continue;
    if (m.status === 'queued' && m.id < id) return false; // FIFO
    if (ACTIVE_LIVE.includes(m.status)) running++;
  }
  return max === 0 || running < max;
}

/**
 * Whether a request acted on this live migration after it began: the instance action `action`
 * of a later request whose source-side event `event` succeeded (nova-compute's abort popping the
 * waiting migration, or its force complete reaching the driver).
 */
function requestedSince(s: CloudState, uuid: string, liveRequest: string, action: string, event: string): boolean {
  const live = findAction(s, uuid, liveRequest);
  if (live === undefined) return false;
  return actionsOf(s, uuid).some((a) => a.action === action && a.id > live.id && a.events.some((e) => e.event === event && e.result === 'Success'));
}

function emitAt(tx: Tx, event: Parameters<Tx['emit']>[0], row: ServerRow, host: string): void {
  tx.emit(event, (() => instanceUsage(tx.draft as CloudState, row)) as never, publisherOf(host));
}

/**
 * nova-compute's live migration on the source, step by step. Before each step: a server deleted
 * meanwhile ends the migration (`error` unless its delete already said so; both attachments of
 * each moved volume deleted, whatever the status); a move cut short by another operation (the
 * task no longer `migrating`, the server on another host, a later move such as an evacuation of
 * the failed source) ends as nova's failure paths end it ({@link preempted}); a failed source or
 * destination makes the driver fail (`_do_live_migration`: migration `error`, then
 * `_rollback_live_migration`).
 */
export function runLiveMigration(tx: Tx, raw: unknown): void {
  const args = raw as StageArgs;
  const s = tx.draft as CloudState;
  const migration = migrationById(s, args.migration_id);
  if (migration === undefined) return;
  const row = serverOf(tx, args.uuid);
  if (row === undefined) {
    // deleted meanwhile (terminate already set the migration error and deleted its allocation,
    // but released only the attachment the mapping held): the migration ends, and both of each
    // volume's attachments go
    releaseAttachments(tx, args, args.attachments.flatMap((a) => [a.old, a.new]));
    if (!FINISHED_MIGRATION_STATUSES.includes(migration.status)) saveMigration(tx, migration, { status: 'error' });
    const dead = getRow(s.compute.servers, args.uuid);
    if (dead !== undefined) dropMigrationAllocation(tx, dead, migration);
    return;
  }
  // ended already (rolled back, cancelled in the queue, completed): its ender cleaned up
  if (FINISHED_MIGRATION_STATUSES.includes(migration.status)) return;
  if (row.task_state !== 'migrating' || row.host !== args.source || migrationsOfServer(s, row.uuid).some((m) => m.id > migration.id)) return preempted(tx, row, migration, args);
  const down = [args.source, args.dest].find((h) => !hostUp(s, h));
  if (down !== undefined) {
    tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} failed: ${down} is down (Live migration failed.)`);
    const m = saveMigration(tx, migration, { status: 'error' });
    rollback(tx, row, m, args, 'error', false);
    return;
  }
  switch (args.stage) {
    case 'queue':
      return queueStage(tx, row, migration, args);
    case 'wait':
      if (migration.status !== 'queued') return;
      return startWhenFree(tx, row, migration, args);
    case 'prepare':
      return prepareStage(tx, row, migration, args);
    case 'run':
      return runStage(tx, row, migration, args);
    case 'copy':
      return copyStage(tx, row, migration, args);
    case 'post':
      return postStage(tx, row, migration, args);
  }
}

/** Whether a host's hardware is up. */
function hostUp(s: CloudState, name: string): boolean {
  return findHost(s, name)?.state === 'up';
}

/** Cinder's `attachment_delete` of each id as the user; one already gone (or its volume deleted) is skipped. */
function releaseAttachments(tx: Tx, args: StageArgs, ids: readonly string[]): void {
  const policy = policyEngineOf(tx.memo);
  for (const id of ids) {
    try {
      releaseVolumeForServer(tx, policy, args.creds, id);
    } catch (e) {
      if (!(e instanceof CloudError)) throw e;
    }
  }
}

/**
 * A live migration cut short by another operation (an evacuation of the failed source accepts
 * any task_state): it ends as nova's failure paths end it — the migration `error`
 * (`_set_migration_status`), the migration's consumer deleted and the instance's claim on the
 * destination removed unless the server is there ({@link abandonMoveAllocations}), the
 * destination's attachments deleted and the source's restored in the mappings (an attachment a
 * later operation already replaced in the mapping is deleted instead), `migrating_to` cleared
 * from the ports.
 */
function preempted(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  abandonMoveAllocations(tx, row, migration, args.dest);
  const stale: string[] = [];
  for (const a of args.attachments) {
    const bdm = bdmsOf(tx.draft as CloudState, row.uuid).find((b) => b.volume_id === a.volume_id);
    const held = bdm?.attachment_id ?? null;
    if (bdm !== undefined && held === a.new) {
      saveBdm(tx, bdm, { attachment_id: a.old });
      stale.push(a.new);
    } else for (const id of [a.old, a.new]) if (id !== held) stale.push(id);
  }
  releaseAttachments(tx, args, stale);
  setMigratingTo(tx, row, null);
  saveMigration(tx, migration, { status: 'error' });
  tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} cut short (task_state ${row.task_state ?? 'None'}, host ${row.host ?? 'None'}): migration error, ${stale.length} attachment(s) deleted`);
}

/** `live_migration`: `queued`, handed to the source's executor. */
function queueStage(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (migration.status !== 'accepted') return;
  const m = saveMigration(tx, migration, { status: 'queued' });
  recordEvent(tx, row.uuid, 'compute_live_migration', args.source);
  tx.trace('nova-compute', `live migration ${m.id} of ${row.uuid} queued on ${args.source}`);
  startWhenFree(tx, row, m, args);
}

function startWhenFree(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (slotFree(tx.draft as CloudState, args.source, migration.id)) tx.schedule(LIVE_MIGRATION_TASK, { ...args, stage: 'prepare' } satisfies StageArgs, 0);
  else tx.schedule(LIVE_MIGRATION_TASK, { ...args, stage: 'wait' } satisfies StageArgs, QUEUE_POLL_SECONDS);
}

/**
 * nova's legacy port path (`setup_networks_on_host`, no `binding-extended`): each port of the
 * server gets `binding:profile.migrating_to = <dest>` at pre-live-migration; the post step and
 * the rollback take it away again. A port already without it is not written.
 */
function setMigratingTo(tx: Tx, row: ServerRow, dest: string | null): void {
  for (const vif of row.vifs) {
    const port = portRow(tx.draft as CloudState, vif.port_id);
    if (port === undefined) continue;
    const { migrating_to: had, ...rest } = port.binding_profile as Record<string, unknown>;
    if (dest === null && had === undefined) continue;
    setServerPortProfile(tx, vif.port_id, dest === null ? rest : { ...rest, migrating_to: dest });
  }
}

/** `_do_live_migration`: `preparing`, then the destination's `pre_live_migration`. */
function prepareStage(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (migration.status !== 'queued') return;
  let m = saveMigration(tx, migration, { status: 'preparing' });
  const policy = policyEngineOf(tx.memo);
  startEvent(tx, row.uuid, 'compute_pre_live_migration', args.dest);
  emitAt(tx, 'compute.instance.live_migration.pre.start', row, args.dest);
  const attachments: MovedAttachment[] = [];
  try {
    for (const bdm of bdmsOf(tx.draft as CloudState, row.uuid)) {
      if (bdm.volume_id === null || bdm.attachment_id === null) continue;
      // nova: attachment_create(volume, instance, connector=dest) — stacksim's Cinder client has no
      // create-with-connector, and Cinder's attachment_update refuses a second connection of a
      // volume that is not multiattach, so the destination's attachment is reserved here and
      // connected in the post step, once the source's is gone (the same end state)
      const id = reserveVolumeForServer(tx, policy, args.creds, bdm.volume_id, row.uuid);
      attachments.push({ volume_id: bdm.volume_id, old: bdm.attachment_id, new: id, mountpoint: bdm.device_name });
      saveBdm(tx, bdm, { attachment_id: id });
    }
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    // _cleanup_pre_live_migration: migration error, rollback (pre_live_migration=True)
    finishEvent(tx, row.uuid, 'compute_pre_live_migration', { message: e.message, details: `${e.code}: ${e.message}` });
    m = saveMigration(tx, m, { status: 'error' });
    rollback(tx, row, m, { ...args, attachments }, 'error', true);
    return;
  }
  setMigratingTo(tx, row, args.dest);
  tx.trace('nova-compute', `pre_live_migration of ${row.uuid} on ${args.dest}: ${attachments.length} volume attachment(s) for ${args.dest}; networks set up on ${args.dest}`);
  emitAt(tx, 'compute.instance.live_migration.pre.end', row, args.dest);
  finishEvent(tx, row.uuid, 'compute_pre_live_migration');
  tx.schedule(LIVE_MIGRATION_TASK, { ...args, attachments, stage: 'run' } satisfies StageArgs, RPC_SECONDS);
}

/** After `pre_live_migration`: an abort meanwhile rolls back (`cancelled`); else `running` and the driver's copy. */
function runStage(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (migration.status !== 'preparing') return;
  const s = tx.draft as CloudState;
  if (requestedSince(s, row.uuid, tx.requestId, 'live_migration_cancel', 'compute_live_migration_abort')) {
    tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} was aborted while preparing: rollback`);
    rollback(tx, row, migration, args, 'cancelled', false);
    emitAt(tx, 'compute.instance.live.migration.abort.end', row, args.source);
    return;
  }
  const bytes = copyBytes(s, row, args.block_migration);
  const duration = transferSeconds(s, args.source, args.dest, bytes.memory + bytes.disk);
  saveMigration(tx, migration, { status: 'running', memory_total: bytes.memory, memory_processed: 0, memory_remaining: bytes.memory, disk_total: bytes.disk, disk_processed: 0, disk_remaining: bytes.disk });
  tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} running: ${bytes.memory} bytes of RAM${bytes.disk > 0 ? ` and ${bytes.disk} bytes of disk` : ''} from ${args.source} to ${args.dest} (${duration.toFixed(2)} s)`);
  const next: StageArgs = { ...args, stage: 'copy', elapsed: 0, duration };
  tx.schedule(LIVE_MIGRATION_TASK, next, stepOf(next));
}

function stepOf(args: StageArgs): number {
  const left = args.duration - args.elapsed;
  return Math.max(0, Math.min(left, Math.max(1, args.duration / COPY_STEPS)));
}

/** One step of the copy: an abort rolls back, a force complete converges at once; the counters move. */
function copyStage(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (migration.status !== 'running') return;
  const s = tx.draft as CloudState;
  if (requestedSince(s, row.uuid, tx.requestId, 'live_migration_cancel', 'compute_live_migration_abort')) {
    tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} aborted by libvirt's abortJob: rollback`);
    rollback(tx, row, migration, args, 'cancelled', false);
    return;
  }
  const forced = requestedSince(s, row.uuid, tx.requestId, 'live_migration_force_complete', 'compute_live_migration_force_complete');
  const elapsed = forced ? args.duration : Math.min(args.duration, args.elapsed + stepOf(args));
  const done = args.duration <= 0 ? 1 : elapsed / args.duration;
  const mem = migration.memory_total ?? 0;
  const disk = migration.disk_total ?? 0;
  const memDone = Math.round(mem * done);
  const diskDone = Math.round(disk * done);
  saveMigration(tx, migration, { memory_processed: memDone, memory_remaining: mem - memDone, disk_processed: diskDone, disk_remaining: disk - diskDone });
  const remaining = mem + disk === 0 ? 0 : (mem - memDone + disk - diskDone) / (mem + disk);
  saveServer(tx, row, { progress: Math.floor(100 - remaining * 100) });
  if (done >= 1) {
    if (forced) tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} forced to complete: the guest paused to converge`);
    tx.schedule(LIVE_MIGRATION_TASK, { ...args, stage: 'post', elapsed } satisfies StageArgs, 0);
    return;
  }
  const next: StageArgs = { ...args, elapsed };
  tx.schedule(LIVE_MIGRATION_TASK, next, stepOf(next));
}

/** `_post_live_migration` (source) with `post_live_migration_at_destination` (dest): the server is the destination's. */
function postStage(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs): void {
  if (migration.status !== 'running') return;
  const policy = policyEngineOf(tx.memo);
  emitAt(tx, 'compute.instance.live_migration._post.start', row, args.source);
  // the source's volume connections and attachments go
  for (const a of args.attachments) releaseVolumeForServer(tx, policy, args.creds, a.old);
  // the destination's attachments connected (see prepareStage)
  for (const a of args.attachments) connectVolumeForServer(tx, policy, args.creds, a.new, { host: args.dest, mountpoint: a.mountpoint });
  // post_live_migration_at_destination
  startEvent(tx, row.uuid, 'compute_post_live_migration_at_destination', args.dest);
  const zone = zoneOfHost(tx.draft as CloudState, args.dest);
  bindPorts(tx, row, args.dest, zone);
  setMigratingTo(tx, row, null);
  emitAt(tx, 'compute.instance.live_migration.post.dest.start', row, args.dest);
  const moved = saveServer(tx, row, { host: args.dest, node: args.dest, availability_zone: zone, task_state: null, progress: 0 });
  emitAt(tx, 'compute.instance.live_migration.post.dest.end', moved, args.dest);
  finishEvent(tx, row.uuid, 'compute_post_live_migration_at_destination');
  emitAt(tx, 'compute.instance.live_migration._post.end', moved, args.source);
  const done = saveMigration(tx, migration, { status: 'completed', memory_processed: migration.memory_total, memory_remaining: 0, disk_processed: migration.disk_total, disk_remaining: 0 });
  dropMigrationAllocation(tx, moved, done);
  tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} completed: on ${args.dest} (${zone}), ${row.vifs.length} port(s) bound there, ${args.attachments.length} source attachment(s) deleted`);
}

/**
 * `_rollback_live_migration`: the allocation back to the instance on the source, the
 * destination's attachments deleted (the source's restored in the mappings), the destination
 * cleaned (`rollback_live_migration_at_destination`, for a block migration), the task cleared,
 * the migration `failed` / `cancelled` / `error`.
 */
function rollback(tx: Tx, row: ServerRow, migration: MigrationRow, args: StageArgs, status: MigrationStatus, preLive: boolean): void {
  revertFromMigration(tx, row, migration);
  for (const a of args.attachments) {
    releaseAttachments(tx, args, [a.new]);
    const bdm = bdmsOf(tx.draft as CloudState, row.uuid).find((b) => b.volume_id === a.volume_id);
    if (bdm !== undefined) saveBdm(tx, bdm, { attachment_id: a.old });
  }
  emitAt(tx, 'compute.instance.live_migration._rollback.start', row, args.source);
  setMigratingTo(tx, row, null);
  if (args.block_migration || preLive) {
    recordEvent(tx, row.uuid, 'compute_rollback_live_migration_at_destination', args.dest);
    emitAt(tx, 'compute.instance.live_migration.rollback.dest.start', row, args.dest);
    emitAt(tx, 'compute.instance.live_migration.rollback.dest.end', row, args.dest);
  }
  const next = saveServer(tx, row, { task_state: null, progress: 0 });
  emitAt(tx, 'compute.instance.live_migration._rollback.end', next, args.source);
  const current = migrationById(tx.draft as CloudState, migration.id) as MigrationRow;
  if (current.status !== status) saveMigration(tx, current, { status });
  tx.trace('nova-compute', `live migration ${migration.id} of ${row.uuid} rolled back (${status}): back on ${args.source}`);
}

/** nova-compute's `live_migration_force_complete` (event `compute_live_migration_force_complete`, `live.migration.force.complete.*`). */
export function runForceComplete(tx: Tx, raw: unknown): void {
  const args = raw as MigrationActionArgs;
  const row = serverOf(tx, args.uuid);
  if (row === undefined) return;
  const host = args.host ?? row.host ?? API_HOST;
  startEvent(tx, row.uuid, 'compute_live_migration_force_complete', host);
  emitAt(tx, 'compute.instance.live.migration.force.complete.start', row, host);
  tx.trace('nova-compute', `live_migration_force_complete of ${row.uuid} on ${host}: the guest is paused so the copy converges`);
  emitAt(tx, 'compute.instance.live.migration.force.complete.end', row, host);
  finishEvent(tx, row.uuid, 'compute_live_migration_force_complete');
}

/** nova-compute's `live_migration_abort` (event `compute_live_migration_abort`, `live.migration.abort.*`). */
export function runAbort(tx: Tx, raw: unknown): void {
  const args = raw as MigrationActionArgs;
  const row = serverOf(tx, args.uuid);
  if (row === undefined) return;
  const host = args.host ?? row.host ?? API_HOST;
  startEvent(tx, row.uuid, 'compute_live_migration_abort', host);
  emitAt(tx, 'compute.instance.live.migration.abort.start', row, host);
  const migration = migrationById(tx.draft as CloudState, args.migration_id);
  const status = migration?.status ?? 'error';
  if (migration !== undefined && status === 'queued') {
    // the future is cancelled: nothing ran on the destination
    revertFromMigration(tx, row, migration);
    saveServer(tx, row, { task_state: null });
    saveMigration(tx, migrationById(tx.draft as CloudState, migration.id) as MigrationRow, { status: 'cancelled' });
    tx.trace('nova-compute', `queued live migration ${migration.id} of ${row.uuid} cancelled`);
  } else if (status === 'preparing' || status === 'running') {
    tx.trace('nova-compute', `live migration ${args.migration_id} of ${row.uuid} (${status}): abort requested`);
  } else {
    const e = invalidMigrationState(String(args.migration_id), row.uuid, status, 'abort live migration');
    saveServer(tx, getRow((tx.draft as CloudState).compute.servers, row.uuid) as ServerRow, { fault: { code: 400, message: e.message, details: `nova.exception.InvalidMigrationState: ${e.message}`, created: tx.now() } });
    finishEvent(tx, row.uuid, 'compute_live_migration_abort', { message: e.message, details: `nova.exception.InvalidMigrationState: ${e.message}` });
    return;
  }
  emitAt(tx, 'compute.instance.live.migration.abort.end', getRow((tx.draft as CloudState).compute.servers, row.uuid) as ServerRow, host);
  finishEvent(tx, row.uuid, 'compute_live_migration_abort');
}

/** The conductor's and nova-compute's tasks of a live migration. */
export const LIVE_MIGRATION_TASKS: Readonly<Record<string, TaskHandler>> = {
  [CONDUCTOR_LIVE_MIGRATE_TASK]: runConductorLiveMigrate,
  [LIVE_MIGRATION_TASK]: runLiveMigration,
  [LIVE_MIGRATION_FORCE_COMPLETE_TASK]: runForceComplete,
  [LIVE_MIGRATION_ABORT_TASK]: runAbort,
};
