/**
 * Live migration's nova-conductor (`live_migrate_instance`, after nova-api's `os-migrateLive` in
 * `live_migration.ts`): the migration record, nova's checks, the scheduler, the destination's
 * claim, then the cast to the source's nova-compute (`live_migration_compute.ts`).
 *
 * Followed, Zed: `nova/conductor/manager.py` (`_live_migrate`) and
 * `nova/conductor/tasks/live_migrate.py` (`LiveMigrationTask`); `nova/compute/manager.py`
 * (`check_can_live_migrate_destination` / `_source`); `nova/virt/libvirt/driver.py`
 * (`_compare_cpu`, `check_can_live_migrate_source`).
 *
 * The conductor creates the migration (`accepted`), moves the instance's source allocation to the
 * migration's consumer and runs nova's checks in nova's order: power state running or paused,
 * source nova-compute up, then either the forced host (destination ≠ source, its nova-compute up,
 * memory, same hypervisor type and version ≥ the source's, the instance's resources copied to it
 * in Placement, then the destination's and the source's checks: CPU flags, shared storage) or the
 * scheduler (`requested_destination` for a host given without `force`, the source ignored, the
 * same per-host checks; a host that fails them is dropped and the next asked, up to
 * `migrate_max_retries`).
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
 * for it).
 */
import { getRow, policyEngineOf, type CloudState, type PolicyCredentials, type TaskHandler, type Tx } from '../core/index.js';
import { findHost, type Host } from '../hardware/index.js';
import { NoValidHost, claimOnHost, deleteInstanceAllocations, inventoriesOf, selectDestinations, usageOf } from '../scheduler/index.js';
import { finishEvent, recordEvent, startEvent } from './actions.js';
import { RPC_SECONDS, saveServer, serverOf } from './boot.js';
import { HYPERVISOR_VERSIONS } from './hypervisors.js';
import { pyNumberText } from './input.js';
import { createMigration, migrationById, moveToMigration, revertFromMigration, saveMigration } from './migrations.js';
import { computeUp } from './nova_services.js';
import { moveRequestSpec, specImage } from './request_spec.js';
import { notifyComputeTaskError } from './conductor.js';
import { API_HOST, isVolumeBacked } from './server_actions.js';
import type { MigrationRow, ServerRow } from './types.js';
import { POWER_STATE_NAMES } from './vm_states.js';
import { LIVE_MIGRATION_ABORT_TASK, LIVE_MIGRATION_FORCE_COMPLETE_TASK, LIVE_MIGRATION_TASK, runAbort, runForceComplete, runLiveMigration, type StageArgs } from './live_migration_compute.js';

/** The conductor's task: `live_migrate_instance` (`_live_migrate`, `LiveMigrationTask`). */
export const CONDUCTOR_LIVE_MIGRATE_TASK = 'compute.conductor_live_migrate_instance';

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

/** What the API hands the conductor (plain data). */
export interface ConductorArgs {
  readonly uuid: string;
  readonly creds: PolicyCredentials;
  /** A host to go to without the scheduler (`force`), else null. */
  readonly forced_host: string | null;
  /** A host the scheduler must validate (`requested_destination`), else null. */
  readonly requested_host: string | null;
  /** null: `auto`. */
  readonly block_migration: boolean | null;
}

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

/**
 * The conductor's and nova-compute's tasks of a live migration (kept here rather than in
 * `live_migration_compute.ts`, which this file imports: no import cycle).
 */
export const LIVE_MIGRATION_TASKS: Readonly<Record<string, TaskHandler>> = {
  [CONDUCTOR_LIVE_MIGRATE_TASK]: runConductorLiveMigrate,
  [LIVE_MIGRATION_TASK]: runLiveMigration,
  [LIVE_MIGRATION_FORCE_COMPLETE_TASK]: runForceComplete,
  [LIVE_MIGRATION_ABORT_TASK]: runAbort,
};
