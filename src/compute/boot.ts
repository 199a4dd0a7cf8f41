/**
 * nova-compute's part of a boot (`nova/compute/manager.py` `build_and_run_instance`,
 * `_do_build_and_run_instance`, `_build_and_run_instance`, `_build_resources`), after the
 * conductor (`conductor.ts`) placed the instance on this host: Neutron ports created with the
 * user's token and bound to the host (`network-vif-plugged`), block devices (volumes created from
 * an image / snapshot / blank and attached with Cinder's attachment API), the image fetched into
 * the host's image cache (a second boot of the same image on that host skips the download),
 * spawn, `ACTIVE`. Also {@link saveServer}, the one writer of a server row and its host index.
 *
 * A failure on the host is nova's: a `RescheduledException` (the host is down, a port cannot be
 * bound) cleans the networks, deletes the allocation and tries the scheduler's alternates (the
 * conductor's `build_instances`), up to `[scheduler] max_attempts`; a `BuildAbortException` (a
 * volume that ends in `error`, an image gone) cleans networks and volumes; either way the server
 * ends in `ERROR` with its fault, no host, no allocation. The host's count of consecutive failed
 * builds follows ({@link recordBuildFailure}, {@link recordBuildSuccess}), which the scheduler's
 * BuildFailureWeigher reads.
 *
 * Timing (`progression: 'clock'`): each RPC cast takes {@link RPC_SECONDS}; the image download
 * takes its size over the host's fastest NIC; waiting for a volume polls every
 * `block_device_allocate_retries_interval` (3 s, 60 tries); the spawn itself takes
 * {@link SPAWN_SECONDS} (stacksim's figure, not nova's).
 */
import { CloudError, deleteRow, getRow, peek, policyEngineOf, setRow, type CloudState, type Tx } from '../core/index.js';
import { findHost, type Host } from '../hardware/index.js';
import { claimOnHost, computeNodeStatusOf, deleteInstanceAllocations, setComputeNodeStatus } from '../scheduler/index.js';
import { computeServiceOf } from './nova_services.js';
import { bindServerPort, createServerPort, deleteServerPort, portRow } from '../network/index.js';
import { connectVolumeForServer, createVolumeForServer, deleteVolumeForServer, releaseVolumeForServer, reserveVolumeForServer, volumeRow } from '../block/index.js';
import { finishEvent, startEvent } from './actions.js';
import { bdmsOf, saveBdm } from './block_device.js';
import type { BuildArgs } from './conductor.js';
import type { ServerRow, VifRow } from './types.js';
import { instanceUsage } from './views.js';

/** nova-compute's task: `build_and_run_instance`, in stages. */
export const BUILD_TASK = 'compute.build_and_run_instance';

/** One RPC cast between nova's services (API → conductor → compute; stacksim's figure). */
export const RPC_SECONDS = 0.5;
/** What the spawn takes on the hypervisor (stacksim's figure). */
export const SPAWN_SECONDS = 3;
/** `[DEFAULT] block_device_allocate_retries_interval` (3 s) and `block_device_allocate_retries` (60). */
const VOLUME_POLL_SECONDS = 3;
const VOLUME_POLL_TRIES = 60;

/** One host of the scheduler's answer. */
export interface HostChoice {
  readonly host: string;
  readonly nodename: string;
  readonly uuid: string;
}

/** The compute task's arguments. */
export interface ComputeArgs {
  readonly uuid: string;
  readonly build: BuildArgs;
  readonly host: string;
  readonly alternates: readonly HostChoice[];
  readonly stage: 'start' | 'volumes' | 'spawn';
  readonly polls: number;
}

/** A server the boot may work on: undefined when deleted or being deleted. */
export function serverOf(tx: Tx, uuid: string): ServerRow | undefined {
  const row = getRow((tx.draft as CloudState).compute.servers, uuid);
  return row === undefined || row.deleted || row.task_state === 'deleting' ? undefined : row;
}

/** Writes a server row with `updated_at`. */
export function saveServer(tx: Tx, row: ServerRow, patch: Partial<ServerRow>): ServerRow {
  const next = { ...row, ...patch, updated_at: tx.now() };
  setRow<ServerRow>(tx.draft.compute.servers as never, row.uuid, next);
  if (patch.host !== undefined && patch.host !== row.host) {
    if (row.host !== null) deleteRow(tx.draft.compute.host_servers, `${row.host}/${row.uuid}`);
    if (next.host !== null) setRow(tx.draft.compute.host_servers, `${next.host}/${row.uuid}`, row.uuid);
  }
  return next;
}

/** A host's fastest NIC in Mbit/s (at least 1): what an image download or an upload runs over. */
export function nicMbps(host: Pick<Host, 'nics'> | undefined): number {
  return Math.max(1, ...(host?.nics ?? []).map((n) => n.speed_mbps));
}

/**
 * A nova-compute that went down makes no progress (its RPC casts wait in the queue, lost to the
 * simulation): true, with a trace, when `hostName`'s hardware is not up. A task stage of a host
 * calls it first and returns, leaving the server's task_state as nova would show it.
 */
export function hostIsDown(tx: Tx, hostName: string | null, what: string): boolean {
  const host = hostName === null ? undefined : findHost(tx.draft as CloudState, hostName);
  if (host !== undefined && host.state === 'up') return false;
  tx.trace('nova-compute', `${hostName ?? 'no host'} is down: ${what} makes no progress`);
  return true;
}

/** The resources an instance holds in Placement (`ResourceRequest.from_request_spec`). */
export function flavorResources(row: ServerRow): Record<string, number> {
  const f = row.flavor;
  const out: Record<string, number> = { VCPU: f.vcpus, MEMORY_MB: f.memory_mb };
  const disk = f.ephemeral_gb + Math.ceil(f.swap / 1024) + (row.image_ref === '' ? 0 : f.root_gb);
  if (disk > 0) out.DISK_GB = disk;
  return out;
}

/** Why a build stops on this host: to be tried elsewhere (`RescheduledException`) or not (`BuildAbortException`). */
class BuildFailure {
  constructor(
    readonly reason: string,
    readonly reschedule: boolean,
  ) {}
}

/** nova-compute: one stage of `build_and_run_instance`. */
export function runBuild(tx: Tx, raw: unknown): void {
  const args = raw as ComputeArgs;
  const row = serverOf(tx, args.uuid);
  if (row === undefined || row.host !== args.host) return; // deleted meanwhile, or moved
  // a nova-compute that went down makes no progress: the server stays BUILD on it (the host
  // is looked up once here for every stage: nothing a stage does before using it changes hosts)
  const host = findHost(tx.draft as CloudState, args.host);
  if (args.stage !== 'start' && host?.state === 'down') {
    tx.trace('nova-compute', `${args.host} is down: the build of ${row.uuid} stops at ${row.task_state ?? 'no task'}`);
    return;
  }
  try {
    if (args.stage === 'start') startBuild(tx, row, args, host);
    else if (args.stage === 'volumes') attachVolumes(tx, row, args, host);
    else spawn(tx, row, args);
  } catch (e) {
    if (!(e instanceof BuildFailure)) throw e;
    failBuild(tx, getRow((tx.draft as CloudState).compute.servers, row.uuid) as ServerRow, args, e);
  }
}

function startBuild(tx: Tx, row: ServerRow, args: ComputeArgs, host: Host | undefined): void {
  const s = tx.draft as CloudState;
  const policy = policyEngineOf(tx.memo);
  startEvent(tx, row.uuid, 'compute__do_build_and_run_instance', args.host);
  tx.emit('compute.instance.create.start', () => ({ ...instanceUsage(tx.draft as CloudState, row), image_name: args.build.image?.name ?? '' }), { publisher: `compute.${args.host}` });
  tx.trace('nova-compute', `build_and_run_instance ${row.uuid} on ${args.host} (attempt ${args.build.attempt})`);
  if (host === undefined || host.state !== 'up') throw new BuildFailure(`Compute host ${args.host} is ${host === undefined ? 'gone' : host.state}`, true);
  // _build_networks_for_instance → allocate_for_instance
  // `vm_state building / task_state networking` is written together with the vifs below (nothing
  // reads the row in between: one row write instead of two); a failure writes it first
  const networking = { vm_state: 'building', task_state: 'networking' } as const satisfies Partial<ServerRow>;
  const vifs: VifRow[] = [];
  const owner = `compute:${row.availability_zone ?? peek(s, 'compute', 'config').default_availability_zone}`;
  for (const req of args.build.networks) {
    let portId = req.port_id;
    const created = portId === null;
    if (portId === null) {
      try {
        portId = createServerPort(tx, policy, args.build.creds, { network_id: req.network_id, project_id: row.project_id, ...(req.fixed_ip !== null ? { fixed_ip: req.fixed_ip } : {}), ...(args.build.security_group_ids.length > 0 ? { security_groups: args.build.security_group_ids } : {}) }).id;
      } catch (e) {
        saveServer(tx, row, networking);
        vifs.forEach((v) => cleanupVif(tx, v));
        if (!(e instanceof CloudError)) throw e;
        throw new BuildFailure(/no more|exhausted|no.*ip/i.test(e.message) ? `Failed to allocate the network(s) with error ${e.message}, not rescheduling.` : 'Failed to allocate the network(s), not rescheduling.', false);
      }
    }
    if (!created) {
      // _validate_requested_port_ids at build time: the port may be gone or taken since the API saw it
      const port = portRow(tx.draft as CloudState, portId);
      if (port === undefined || (port.device_id !== '' && port.device_id !== row.uuid)) {
        saveServer(tx, row, networking);
        vifs.forEach((v) => cleanupVif(tx, v));
        throw new BuildFailure('Failed to allocate the network(s), not rescheduling.', false);
      }
    }
    vifs.push({ port_id: portId, network_id: req.network_id, preserve_on_delete: !created, tag: req.tag });
    const bound = bindServerPort(tx, portId, { device_id: row.uuid, device_owner: owner, host: args.host });
    if (bound === undefined || bound.binding_vif_type === 'binding_failed') {
      saveServer(tx, row, { ...networking, vifs });
      throw new BuildFailure(`Binding failed for port ${portId}, please check neutron logs for more information.`, true);
    }
  }
  saveServer(tx, row, { ...networking, vifs, task_state: 'block_device_mapping' });
  tx.trace('nova-compute', `networks allocated for ${row.uuid}: ${vifs.length} port(s) bound to ${args.host}`);
  // _prep_block_device: volumes nova makes (from an image, a snapshot, blank)
  for (const bdm of bdmsOf(tx.draft as CloudState, row.uuid)) {
    if (bdm.destination_type !== 'volume' || bdm.volume_id !== null) continue;
    try {
      const id = createVolumeForServer(tx, policy, args.build.creds, {
        size: bdm.volume_size ?? 1,
        name: '',
        ...(bdm.source_type === 'image' && bdm.image_id !== null ? { imageRef: bdm.image_id } : {}),
        ...(bdm.source_type === 'snapshot' && bdm.snapshot_id !== null ? { snapshot_id: bdm.snapshot_id } : {}),
        ...(bdm.volume_type !== null ? { volume_type: bdm.volume_type } : {}),
      });
      saveBdm(tx, bdm, { volume_id: id });
      tx.trace('nova-compute', `volume ${id} created in Cinder for ${row.uuid} (${bdm.source_type} → volume, ${bdm.volume_size ?? 1} GB)`);
    } catch (e) {
      throw new BuildFailure(`Failure prepping block device: ${e instanceof Error ? e.message : String(e)}`, false);
    }
  }
  tx.schedule(BUILD_TASK, { ...args, stage: 'volumes', polls: 0 } satisfies ComputeArgs, 0);
}

const DEVICE_LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function attachVolumes(tx: Tx, row: ServerRow, args: ComputeArgs, host: Host | undefined): void {
  const policy = policyEngineOf(tx.memo);
  const bdms = bdmsOf(tx.draft as CloudState, row.uuid).filter((b) => b.destination_type === 'volume' && b.volume_id !== null);
  // _await_block_device_map_created
  for (const bdm of bdms) {
    const volume = volumeRow(tx.draft as CloudState, bdm.volume_id as string);
    if (volume === undefined) throw new BuildFailure(`Volume ${bdm.volume_id} could not be found.`, false);
    if (volume.status === 'creating' || volume.status === 'downloading') {
      if (args.polls + 1 >= VOLUME_POLL_TRIES) throw new BuildFailure(`Volume ${volume.id} did not finish being created even after we waited ${(args.polls + 1) * VOLUME_POLL_SECONDS} seconds or ${args.polls + 1} attempts. And its status is ${volume.status}.`, false);
      tx.schedule(BUILD_TASK, { ...args, stage: 'volumes', polls: args.polls + 1 } satisfies ComputeArgs, VOLUME_POLL_SECONDS);
      return;
    }
    if (volume.status === 'error') throw new BuildFailure(`Volume ${volume.id} did not finish being created even after we waited ${args.polls * VOLUME_POLL_SECONDS} seconds or ${args.polls + 1} attempts. And its status is error.`, false);
  }
  // attach each volume (device names as the libvirt driver gives them: vda, vdb, …)
  const image = args.build.image;
  let index = image === null ? 0 : 1;
  let root: string | null = image === null ? null : '/dev/vda';
  const ordered = [...bdms].sort((a, b) => (a.boot_index ?? 1e9) - (b.boot_index ?? 1e9));
  for (const bdm of ordered) {
    const device = bdm.device_name !== '' ? bdm.device_name : `/dev/vd${DEVICE_LETTERS[index++ % 26]}`;
    if (bdm.boot_index === 0) root = device;
    try {
      const attachment = bdm.attachment_id ?? reserveVolumeForServer(tx, policy, args.build.creds, bdm.volume_id as string, row.uuid);
      saveBdm(tx, bdm, { attachment_id: attachment, device_name: device });
      connectVolumeForServer(tx, policy, args.build.creds, attachment, { host: args.host, mountpoint: device });
      tx.trace('nova-compute', `volume ${bdm.volume_id} attached to ${row.uuid} at ${device} through Cinder's attachment API`);
    } catch (e) {
      throw new BuildFailure(`Failure prepping block device: ${e instanceof Error ? e.message : String(e)}`, false);
    }
  }
  saveServer(tx, row, { task_state: 'spawning', root_device_name: root ?? '/dev/vda' });
  // the image into the host's cache, unless it is there already
  let seconds = SPAWN_SECONDS;
  if (image !== null) {
    const cached = getRow(peek(tx.draft as CloudState, 'compute', 'image_cache'), `${args.host}/${image.id}`);
    if (cached !== undefined) tx.trace('nova-compute', `image ${image.id} found in ${args.host}'s image cache: no download`);
    else {
      const mbps = nicMbps(host);
      const download = (image.size * 8) / (mbps * 1e6);
      seconds += download;
      tx.trace('nova-compute', `image ${image.id} (${image.size} bytes) downloaded from Glance into ${args.host}'s image cache (${download.toFixed(3)} s at ${mbps} Mbit/s)`);
    }
  }
  tx.schedule(BUILD_TASK, { ...args, stage: 'spawn', polls: 0 } satisfies ComputeArgs, seconds);
}

function spawn(tx: Tx, row: ServerRow, args: ComputeArgs): void {
  const image = args.build.image;
  if (image !== null && getRow(peek(tx.draft as CloudState, 'compute', 'image_cache'), `${args.host}/${image.id}`) === undefined) {
    setRow(tx.draft.compute.image_cache, `${args.host}/${image.id}`, { host: args.host, image_id: image.id, size: image.size, fetched_at: tx.now() });
  }
  tx.trace('nova-compute', `spawn ${row.uuid} on ${args.host} (libvirt)`);
  for (const vif of row.vifs) tx.trace('neutron-server', `network-vif-plugged for port ${vif.port_id} sent to nova`);
  const done = saveServer(tx, row, { vm_state: 'active', task_state: null, power_state: 1, launched_at: tx.now() });
  finishEvent(tx, row.uuid, 'compute__do_build_and_run_instance');
  tx.trace('nova-compute', `instance ${row.uuid} ACTIVE on ${args.host}`);
  recordBuildSuccess(tx, args.host);
  tx.emit('compute.instance.create.end', () => ({ ...instanceUsage(tx.draft as CloudState, done), message: 'Success' }), { publisher: `compute.${args.host}` });
}

/** A cleanup nova does with `raise_exc=False`: a refusal from another service is logged, not raised. */
export function bestEffort(tx: Tx, what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    tx.trace('nova-compute', `Failed to ${what} due to ${e.message}: ignored`);
  }
}

/** `_cleanup_allocated_networks` for one VIF: a port nova made is deleted, the user's is unbound. */
function cleanupVif(tx: Tx, vif: VifRow): void {
  if (vif.preserve_on_delete) bindServerPort(tx, vif.port_id, { device_id: '', device_owner: '', host: '' });
  else deleteServerPort(tx, vif.port_id);
}

/** Cleans what a failed build left on the host: its networks, (on abort) its volumes, its allocation. */
function failBuild(tx: Tx, row: ServerRow, args: ComputeArgs, failure: BuildFailure): void {
  const s = tx.draft as CloudState;
  const policy = policyEngineOf(tx.memo);
  for (const vif of row.vifs) cleanupVif(tx, vif);
  deleteInstanceAllocations(tx, row.uuid, row.project_id, row.user_id);
  let current = saveServer(tx, row, { vifs: [], host: null, node: null });
  tx.trace('nova-compute', `build of ${row.uuid} on ${args.host} failed: ${failure.reason}`);
  recordBuildFailure(tx, args.host);
  tx.emit('compute.instance.create.error', () => ({ ...instanceUsage(tx.draft as CloudState, current), message: failure.reason }), { publisher: `compute.${args.host}`, priority: 'ERROR' });
  if (failure.reschedule) {
    // the conductor's build_instances with the remaining alternates
    if (args.build.attempt < peek(s, 'compute', 'config').max_attempts) {
      for (const [i, alt] of args.alternates.entries()) {
        if (claimOnHost(tx, row.uuid, alt.uuid, flavorResources(row), row.project_id, row.user_id)) {
          finishEvent(tx, row.uuid, 'compute__do_build_and_run_instance', { message: failure.reason });
          current = saveServer(tx, current, { host: alt.host, node: alt.nodename, task_state: 'scheduling' });
          tx.trace('nova-conductor', `rescheduled ${row.uuid} to alternate ${alt.host}`);
          tx.schedule(BUILD_TASK, { uuid: row.uuid, build: { ...args.build, attempt: args.build.attempt + 1 }, host: alt.host, alternates: args.alternates.slice(i + 1), stage: 'start', polls: 0 } satisfies ComputeArgs, 2 * RPC_SECONDS);
          return;
        }
      }
    }
    failure = new BuildFailure(`Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance ${row.uuid}.`, true);
  } else {
    // _cleanup_volumes(raise_exc=False): detach, and delete those marked delete_on_termination
    for (const bdm of bdmsOf(tx.draft as CloudState, row.uuid)) {
      if (bdm.attachment_id !== null) {
        bestEffort(tx, `detach volume ${bdm.volume_id}`, () => releaseVolumeForServer(tx, policy, args.build.creds, bdm.attachment_id as string));
        saveBdm(tx, bdm, { attachment_id: null });
      }
      if (bdm.delete_on_termination && bdm.volume_id !== null) bestEffort(tx, `delete volume ${bdm.volume_id}`, () => deleteVolumeForServer(tx, policy, args.build.creds, bdm.volume_id as string));
    }
  }
  // BuildAbortException's text, or MaxRetriesExceeded's when the alternates ran out
  const message = failure.reschedule ? failure.reason : `Build of instance ${row.uuid} aborted: ${failure.reason}`;
  finishEvent(tx, row.uuid, 'compute__do_build_and_run_instance', { message });
  saveServer(tx, current, { vm_state: 'error', task_state: null, power_state: 0, fault: { code: 500, message, details: `${failure.reschedule ? 'nova.exception.MaxRetriesExceeded' : 'nova.exception.BuildAbortException'}: ${message}`, created: tx.now() } });
}

// ------------------------------------------------------------------------------ build results

/**
 * nova-compute's `_build_failed` (`nova/compute/manager.py`): with
 * `[compute] consecutive_build_service_disable_threshold` non-zero (Zed: 10), the host's compute
 * node counts one more consecutive failed build (`stats['failed_builds']`), which the
 * scheduler's BuildFailureWeigher weighs against (`build_failure_weight_multiplier`). Zed no
 * longer disables the service after a number of failures (it did before Stein); call it when a
 * build on `hostName` fails or is rescheduled.
 */
export function recordBuildFailure(tx: Tx, hostName: string): void {
  const s = tx.draft as CloudState;
  if (peek(s, 'compute', 'config').consecutive_build_service_disable_threshold === 0) return;
  if (computeServiceOf(s, hostName) === undefined) return;
  const failed = computeNodeStatusOf(s, hostName).failed_builds + 1;
  setComputeNodeStatus(tx, hostName, { failed_builds: failed });
  tx.trace('nova-compute', `build failed on ${hostName} (${failed} in a row)`);
}

/** nova-compute's `_build_succeeded`: the host's count of consecutive failed builds starts again at 0. */
export function recordBuildSuccess(tx: Tx, hostName: string): void {
  const s = tx.draft as CloudState;
  if (computeNodeStatusOf(s, hostName).failed_builds === 0) return;
  setComputeNodeStatus(tx, hostName, { failed_builds: 0 });
}
