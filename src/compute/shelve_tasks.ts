/**
 * Shelve, shelve-offload and unshelve after nova-api (`shelve.ts`): nova-compute's shelve and
 * offload, the periodic offload, nova-conductor's and nova-compute's unshelve ({@link SHELVE_TASKS}).
 *
 * Followed, Zed: `nova/conductor/manager.py` `unshelve_instance`; `nova/compute/manager.py`
 * `shelve_instance` / `_shelve_instance`, `shelve_offload_instance` / `_shelve_offload_instance`,
 * `_terminate_volume_connections`, `unshelve_instance` / `_unshelve_instance`, `start_instance`,
 * `_delete_snapshot_of_shelved_instance`, `_poll_shelved_instances`.
 *
 * A host that failed makes no progress (`boot.ts` `hostIsDown`): shelve's stages, the offload,
 * the periodic offload, unshelve's spawn and `start_instance` of a `SHELVED` server do nothing
 * on a host that is down — the server keeps its task_state (`shelving`,
 * `shelving_image_uploading`, `spawning`, `powering-on`, …), as nova shows it when nova-compute
 * dies. The upload's size is planned from Glance's row (Swift may be down: the upload itself then
 * fails, clearing the task).
 *
 * Deviations, each noted where it happens: a shelved image gone at unshelve puts the server in
 * `(error, None)` with nova's fault (nova leaves `(error, unshelving)`, a pair `vm_states.ts` does
 * not list); the periodic offload runs with the shelving caller's credentials (nova's periodic
 * task uses an admin context); an instance deleted while its shelved image uploads leaves the
 * queued image behind, as nova's shelve does.
 * Not simulated: clean shutdown timeouts, `[cinder] cross_az_attach` False (Zed's default is
 * True), accelerators and vTPM, `key_data` scrubbing, versioned notifications.
 */
import { CloudError, getRow, policyEngineOf, setRow, type CloudState, type PolicyCredentials, type TaskHandler, type Tx } from '../core/index.js';
import { findHost } from '../hardware/index.js';
import { deleteImageFor, imageFor, uploadImageFor } from '../image/index.js';
import { bindServerPort, portRow } from '../network/index.js';
import { connectVolumeForServer, releaseVolumeForServer, reserveVolumeForServer } from '../block/index.js';
import { NoValidHost, deleteInstanceAllocations, selectDestinations } from '../scheduler/index.js';
import { finishEvent, recordEvent, startEvent } from './actions.js';
import { diskBytes, diskSize } from './snapshot.js';
import { RPC_SECONDS, SPAWN_SECONDS, bestEffort, hostIsDown, nicMbps, saveServer } from './boot.js';
import { bdmsOf, saveBdm } from './block_device.js';
import { API_HOST, GUEST_SECONDS, hostRow, isVolumeBacked, preempted, publisherOf } from './server_actions.js';
import { moveRequestSpec, specImage } from './request_spec.js';
import type { ServerRow } from './types.js';
import { instanceUsage } from './views.js';
import type { TaskState } from './vm_states.js';
import { zoneOfHost } from './zones.js';

/** nova-compute's `shelve_instance` (image-backed), in two stages: `begin`, `upload`. */
export const SHELVE_TASK = 'compute.shelve_instance';
/** nova-compute's `shelve_offload_instance` (a volume-backed shelve, `shelveOffload`). */
export const SHELVE_OFFLOAD_TASK = 'compute.shelve_offload_instance';
/** nova-compute's `_poll_shelved_instances` for one instance: a timer `shelved_offload_time` seconds after its shelve. */
export const SHELVED_POLL_TASK = 'compute.poll_shelved_instances';
/** nova-conductor's `unshelve_instance`. */
export const CONDUCTOR_UNSHELVE_TASK = 'compute.conductor_unshelve_instance';
/** nova-compute's `unshelve_instance` on the new host, in two stages: `start`, `spawn`. */
export const UNSHELVE_TASK = 'compute.unshelve_instance';
/** nova-compute's `start_instance` of a `SHELVED` server (power on, then the shelved image deleted), in two stages. */
export const START_SHELVED_TASK = 'compute.start_shelved_instance';

/** The conductor's host (`CONF.host` of nova-conductor) its events are recorded on. */
const CONDUCTOR_HOST = API_HOST;

/** `shelve_instance`'s arguments. */
export interface ShelveArgs {
  readonly uuid: string;
  readonly host: string | null;
  readonly stage: 'begin' | 'upload';
  readonly expect: TaskState;
  readonly image_id: string;
  readonly container_format: string;
  readonly creds: PolicyCredentials;
}

/** `shelve_offload_instance`'s arguments. */
export interface OffloadArgs {
  readonly uuid: string;
  readonly host: string | null;
  readonly expect: TaskState;
  readonly creds: PolicyCredentials;
}

/** The periodic offload's arguments: the shelve it belongs to (`shelved_at`). */
interface PollArgs {
  readonly uuid: string;
  readonly host: string | null;
  readonly shelved_at: number;
  readonly creds: PolicyCredentials;
}

/** The conductor's arguments: the host asked for (2.91), if any. */
export interface ConductorArgs {
  readonly uuid: string;
  readonly host: string | null;
  readonly creds: PolicyCredentials;
}

/** nova-compute's `unshelve_instance` arguments: the scheduler's choice and the shelved image. */
interface UnshelveArgs {
  readonly uuid: string;
  readonly host: string;
  readonly node: string;
  readonly stage: 'start' | 'spawn';
  readonly image: { readonly id: string; readonly size: number } | null;
  readonly creds: PolicyCredentials;
}

/** `start_instance`'s arguments. */
interface StartArgs {
  readonly uuid: string;
  readonly host: string | null;
  readonly stage: 'begin' | 'end';
  readonly creds: PolicyCredentials;
}

const draftOf = (tx: Tx): CloudState => tx.draft as CloudState;
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A host's fastest NIC in Mbit/s (at least 1). */
const mbpsOf = (s: CloudState, host: string | null): number => nicMbps(host === null ? undefined : findHost(s, host));

// ---------------------------------------------------------------------------------------------
// nova-compute: shelve and offload
// ---------------------------------------------------------------------------------------------

/**
 * nova-compute's `shelve_instance` (event `compute_shelve_instance`): `begin` sends `exists` and
 * `shelve.start`, powers off and passes through the two upload task states; `upload` (after its
 * time) uploads the disk, writes the system metadata, ends `SHELVED` (or offloads at once with
 * `shelved_offload_time` 0), sends `shelve.end`.
 */
export function runShelve(tx: Tx, raw: unknown): void {
  const args = raw as ShelveArgs;
  const event = 'compute_shelve_instance';
  if (hostIsDown(tx, args.host, `shelve_instance (${args.stage}) of ${args.uuid}`)) return;
  const row = hostRow(tx, args.uuid, args.host);
  if (row === undefined) return; // deleted meanwhile: the queued image stays, as nova's shelve leaves it
  if (row.task_state !== args.expect) {
    if (args.stage === 'upload') preempted(tx, row, event, args.expect);
    else tx.trace('nova-compute', `shelve of ${row.uuid} skipped: task_state is ${row.task_state ?? 'None'}, not ${args.expect}`);
    return;
  }
  const publisher = publisherOf(args.host);
  const policy = policyEngineOf(tx.memo);
  if (args.stage === 'begin') {
    startEvent(tx, row.uuid, event, args.host);
    tx.emit('compute.instance.exists', () => instanceUsage(draftOf(tx), row), publisher);
    tx.emit('compute.instance.shelve.start', () => instanceUsage(draftOf(tx), row), publisher);
    tx.trace('nova-compute', `shelve ${row.uuid} on ${args.host ?? '?'}: guest powered off${row.power_state === 3 ? ' (paused: no clean shutdown)' : ''}`);
    // the libvirt driver's snapshot: IMAGE_PENDING_UPLOAD, IMAGE_UPLOADING as their shelving states
    let current = saveServer(tx, row, { task_state: 'shelving_image_pending_upload' });
    current = saveServer(tx, current, { task_state: 'shelving_image_uploading' });
    // the size from Glance's row: Swift is read by the upload itself (a failure there follows the upload's failure path)
    const size = diskSize(draftOf(tx), row);
    const mbps = mbpsOf(draftOf(tx), args.host);
    const seconds = GUEST_SECONDS + (size * 8) / (mbps * 1e6);
    tx.trace('nova-compute', `shelve of ${row.uuid}: ${size} bytes to upload to image ${args.image_id} (${seconds.toFixed(3)} s at ${mbps} Mbit/s)`);
    tx.schedule(SHELVE_TASK, { ...args, stage: 'upload', expect: 'shelving_image_uploading' } satisfies ShelveArgs, seconds);
    return;
  }
  try {
    uploadImageFor(tx, policy, args.creds, args.image_id, { disk_format: 'qcow2', container_format: args.container_format, properties: { kernel_id: '', image_location: 'snapshot', image_state: 'available', owner_id: row.project_id, ramdisk_id: '' } }, diskBytes(draftOf(tx), row));
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    // the driver's snapshot fails (the image deleted meanwhile, …): reverts_task_state, the event in Error
    const message = messageOf(e);
    saveServer(tx, row, { task_state: null });
    finishEvent(tx, row.uuid, event, { message });
    tx.trace('nova-compute', `shelve of ${row.uuid} failed while uploading image ${args.image_id}: ${message}`);
    return;
  }
  const offloadTime = draftOf(tx).compute.config.shelved_offload_time;
  const offload = offloadTime === 0;
  const now = tx.now();
  const shelved = saveServer(tx, row, { vm_state: 'shelved', task_state: offload ? 'shelving_offloading' : null, power_state: 4, shelved_at: now, shelved_image_id: args.image_id, shelved_host: args.host });
  tx.trace('nova-compute', `image ${args.image_id} uploaded: ${row.uuid} SHELVED on ${args.host ?? '?'}`);
  tx.emit('compute.instance.shelve.end', () => instanceUsage(draftOf(tx), shelved), publisher);
  if (offload) offloadInstance(tx, shelved, args.host, args.creds);
  else if (offloadTime > 0) {
    tx.scheduleAt(SHELVED_POLL_TASK, { uuid: row.uuid, host: args.host, shelved_at: now, creds: args.creds } satisfies PollArgs, now + offloadTime);
    tx.trace('nova-compute', `${row.uuid} will be offloaded after shelved_offload_time (${offloadTime} s)`);
  }
  finishEvent(tx, row.uuid, event);
}

/**
 * nova-compute's `shelve_offload_instance` (event `compute_shelve_offload_instance`): a
 * volume-backed server's shelve (from `shelving`) or `shelveOffload` (from `shelving_offloading`).
 */
export function runShelveOffload(tx: Tx, raw: unknown): void {
  const args = raw as OffloadArgs;
  const event = 'compute_shelve_offload_instance';
  if (hostIsDown(tx, args.host, `shelve_offload_instance of ${args.uuid}`)) return;
  const row = hostRow(tx, args.uuid, args.host);
  if (row === undefined) return;
  if (row.task_state !== args.expect) {
    tx.trace('nova-compute', `shelve_offload of ${row.uuid} skipped: task_state is ${row.task_state ?? 'None'}, not ${args.expect}`);
    return;
  }
  startEvent(tx, row.uuid, event, args.host);
  offloadInstance(tx, row, args.host, args.creds);
  finishEvent(tx, row.uuid, event);
}

/**
 * `_poll_shelved_instances` for one instance, `shelved_offload_time` seconds after its shelve: a
 * server still `SHELVED` with no task (and shelved at that time) gets `shelving_offloading` and
 * is offloaded; its event attaches to the shelve's action.
 */
export function runPollShelved(tx: Tx, raw: unknown): void {
  const args = raw as PollArgs;
  if (hostIsDown(tx, args.host, `_poll_shelved_instances for ${args.uuid}`)) return;
  const row = hostRow(tx, args.uuid, args.host);
  if (row === undefined || row.vm_state !== 'shelved' || row.task_state !== null || row.shelved_at !== args.shelved_at) return;
  const event = 'compute_shelve_offload_instance';
  tx.trace('nova-compute', `_poll_shelved_instances: ${row.uuid} shelved longer than shelved_offload_time: offloading`);
  const offloading = saveServer(tx, row, { task_state: 'shelving_offloading' });
  startEvent(tx, row.uuid, event, args.host);
  offloadInstance(tx, offloading, args.host, args.creds);
  finishEvent(tx, row.uuid, event);
}

/** `_terminate_volume_connections`: each attached volume's attachment replaced by a reserved one (no connector). */
function reserveVolumes(tx: Tx, row: ServerRow, creds: PolicyCredentials): void {
  const policy = policyEngineOf(tx.memo);
  for (const bdm of bdmsOf(draftOf(tx), row.uuid)) {
    if (bdm.destination_type !== 'volume' || bdm.volume_id === null || bdm.attachment_id === null) continue;
    const old = bdm.attachment_id;
    bestEffort(tx, `terminate the connection of volume ${bdm.volume_id}`, () => {
      const fresh = reserveVolumeForServer(tx, policy, creds, bdm.volume_id as string, row.uuid);
      releaseVolumeForServer(tx, policy, creds, old);
      saveBdm(tx, bdm, { attachment_id: fresh });
      tx.trace('nova-compute', `volume ${bdm.volume_id} of ${row.uuid}: attachment ${old} replaced by reserved attachment ${fresh}`);
    });
  }
}

/** `_shelve_offload_instance`: the guest destroyed, the volumes reserved, the allocation deleted, no host. */
function offloadInstance(tx: Tx, row: ServerRow, host: string | null, creds: PolicyCredentials): ServerRow {
  const publisher = publisherOf(host);
  tx.emit('compute.instance.shelve_offload.start', () => instanceUsage(draftOf(tx), row), publisher);
  tx.trace('nova-compute', `shelve_offload ${row.uuid}: guest powered off and destroyed on ${host ?? '?'} (local disks gone)`);
  reserveVolumes(tx, row, creds);
  // delete_allocation_for_shelve_offloaded_instance, before the vm_state changes
  deleteInstanceAllocations(tx, row.uuid, row.project_id, row.user_id);
  tx.trace('placement', `allocations of ${row.uuid} deleted (shelve offload): ${host ?? '?'}'s resources freed`);
  // vm_state SHELVED_OFFLOADED, then host and node nulled out (one write here)
  const done = saveServer(tx, row, { vm_state: 'shelved_offloaded', task_state: null, power_state: 4, host: null, node: null });
  tx.trace('nova-compute', `instance ${row.uuid} SHELVED_OFFLOADED (ports left bound to ${host ?? '?'})`);
  tx.emit('compute.instance.shelve_offload.end', () => instanceUsage(draftOf(tx), done), publisher);
  return done;
}

// ---------------------------------------------------------------------------------------------
// nova-conductor and nova-compute: unshelve
// ---------------------------------------------------------------------------------------------

/**
 * nova-conductor's `unshelve_instance`: a `SHELVED` server is powered on where it is
 * (`powering-on`, {@link START_SHELVED_TASK}); a `SHELVED_OFFLOADED` one has its shelved image read
 * (`get_image_info`), is scheduled (`schedule_instances`: a fresh claim), put in its new host's
 * zone and cast to that host ({@link UNSHELVE_TASK}). No valid host: `(shelved_offloaded, None)`.
 */
export function runConductorUnshelve(tx: Tx, raw: unknown): void {
  const args = raw as ConductorArgs;
  const row = getRow(draftOf(tx).compute.servers, args.uuid);
  if (row === undefined || row.deleted || row.task_state !== 'unshelving') return;
  if (row.vm_state === 'shelved') {
    const next = saveServer(tx, row, { task_state: 'powering-on' });
    tx.trace('nova-conductor', `unshelve_instance ${row.uuid}: SHELVED on ${row.host ?? '?'}, cast start_instance`);
    tx.schedule(START_SHELVED_TASK, { uuid: next.uuid, host: next.host, stage: 'begin', creds: args.creds } satisfies StartArgs, RPC_SECONDS);
    return;
  }
  if (row.vm_state !== 'shelved_offloaded') return;
  const policy = policyEngineOf(tx.memo);
  let image: UnshelveArgs['image'] = null;
  if (row.shelved_image_id !== null) {
    try {
      const found = imageFor(draftOf(tx), policy, args.creds, { id: row.shelved_image_id });
      image = { id: found.id, size: found.size ?? 0 };
      recordEvent(tx, row.uuid, 'get_image_info', CONDUCTOR_HOST);
    } catch (e) {
      if (!(e instanceof CloudError)) throw e;
      // ImageNotFound: vm_state ERROR with the fault (nova leaves task_state `unshelving` too: a
      // pair vm_states.ts does not list, so stacksim clears it)
      const message = `Unshelve attempted but the image ${row.shelved_image_id} cannot be found.`;
      saveServer(tx, row, { vm_state: 'error', task_state: null, fault: { code: 404, message, details: `nova.exception.ImageNotFound: Image ${row.shelved_image_id} could not be found.`, created: tx.now() } });
      recordEvent(tx, row.uuid, 'get_image_info', CONDUCTOR_HOST, { message, details: `nova.exception.UnshelveException: ${message}` });
      tx.trace('nova-conductor', `unshelve of ${row.uuid} failed: ${message}`);
      return;
    }
  }
  let selection: { readonly host: string; readonly nodename: string };
  try {
    const spec = moveRequestSpec(draftOf(tx), row, { image: specImage(draftOf(tx), policy, args.creds, row), requested_host: args.host, is_bfv: isVolumeBacked(draftOf(tx), row) });
    const result = selectDestinations(tx, spec);
    const first = result.selections[0];
    if (first === undefined) throw new Error(`the scheduler chose no host for ${row.uuid}`);
    selection = first;
  } catch (e) {
    if (!(e instanceof NoValidHost)) throw e;
    // NoValidHost: task_state None, the server stays SHELVED_OFFLOADED (no ERROR, no fault)
    saveServer(tx, row, { task_state: null });
    recordEvent(tx, row.uuid, 'schedule_instances', CONDUCTOR_HOST, { message: e.message, details: `nova.exception.NoValidHost: ${e.message}` });
    tx.trace('nova-conductor', `No valid host found for unshelve instance ${row.uuid}: ${e.message}`);
    return;
  }
  recordEvent(tx, row.uuid, 'schedule_instances', CONDUCTOR_HOST);
  const zone = zoneOfHost(draftOf(tx), selection.host);
  saveServer(tx, row, { availability_zone: zone });
  tx.trace('nova-conductor', `unshelve_instance ${row.uuid}: scheduled to ${selection.host} (zone ${zone}), cast unshelve_instance`);
  tx.schedule(UNSHELVE_TASK, { uuid: row.uuid, host: selection.host, node: selection.nodename, stage: 'start', image, creds: args.creds } satisfies UnshelveArgs, RPC_SECONDS);
}

/** A spawn that fails on the host: the allocation deleted, the volumes reserved again, no host, `(shelved_offloaded, None)`. */
function failUnshelve(tx: Tx, row: ServerRow, args: UnshelveArgs, reason: string): void {
  deleteInstanceAllocations(tx, row.uuid, row.project_id, row.user_id);
  reserveVolumes(tx, row, args.creds);
  const current = getRow(draftOf(tx).compute.servers, row.uuid) as ServerRow;
  saveServer(tx, current, { task_state: null, host: null, node: null, fault: { code: 500, message: reason, details: `nova.exception.InstanceFault: ${reason}`, created: tx.now() } });
  finishEvent(tx, row.uuid, 'compute_unshelve_instance', { message: reason });
  tx.trace('nova-compute', `unshelve of ${row.uuid} on ${args.host} failed: ${reason}; back to SHELVED_OFFLOADED`);
}

/**
 * nova-compute's `unshelve_instance` on the scheduler's host: `start` (`unshelve.start`,
 * `spawning`, the volumes connected, the host taken, the ports rebound, the image fetched) and
 * `spawn` (after the download and the spawn: the shelved image deleted, `ACTIVE`, `unshelve.end`).
 */
export function runUnshelve(tx: Tx, raw: unknown): void {
  const args = raw as UnshelveArgs;
  const event = 'compute_unshelve_instance';
  const s = draftOf(tx);
  const policy = policyEngineOf(tx.memo);
  if (args.stage === 'start') {
    const row = hostRow(tx, args.uuid, null);
    if (row === undefined || row.vm_state !== 'shelved_offloaded' || row.task_state !== 'unshelving') return;
    const publisher = publisherOf(args.host);
    startEvent(tx, row.uuid, event, args.host);
    tx.emit('compute.instance.unshelve.start', () => instanceUsage(draftOf(tx), row), publisher);
    let current = saveServer(tx, row, { task_state: 'spawning' });
    const host = findHost(s, args.host);
    if (host === undefined || host.state !== 'up') return failUnshelve(tx, current, args, `Compute host ${args.host} is ${host === undefined ? 'gone' : host.state}`);
    // _prep_block_device: each reserved attachment connected on this host
    for (const bdm of bdmsOf(draftOf(tx), row.uuid)) {
      if (bdm.destination_type !== 'volume' || bdm.attachment_id === null) continue;
      try {
        connectVolumeForServer(tx, policy, args.creds, bdm.attachment_id, { host: args.host, mountpoint: bdm.device_name });
        tx.trace('nova-compute', `volume ${bdm.volume_id} attached to ${row.uuid} on ${args.host} at ${bdm.device_name}`);
      } catch (e) {
        if (!(e instanceof CloudError)) throw e;
        return failUnshelve(tx, current, args, `Failure prepping block device: ${e.message}`);
      }
    }
    // instance_claim: the instance is on this host now (with the scheduler's allocation)
    current = saveServer(tx, current, { host: args.host, node: args.node });
    // setup_instance_network_on_host: every port bound elsewhere is bound here
    const owner = `compute:${current.availability_zone ?? s.compute.config.default_availability_zone}`;
    for (const vif of current.vifs) {
      const port = portRow(draftOf(tx), vif.port_id);
      if (port === undefined) continue;
      if (port.binding_host_id === args.host) continue;
      const bound = bindServerPort(tx, vif.port_id, { device_id: row.uuid, device_owner: owner, host: args.host });
      if (bound !== undefined && bound.binding_vif_type === 'binding_failed') return failUnshelve(tx, current, args, `Binding failed for port ${vif.port_id}, please check neutron logs for more information.`);
    }
    tx.trace('nova-compute', `ports of ${row.uuid} bound to ${args.host}`);
    let seconds = SPAWN_SECONDS;
    if (args.image !== null) {
      if (getRow(s.compute.image_cache, `${args.host}/${args.image.id}`) !== undefined) tx.trace('nova-compute', `image ${args.image.id} found in ${args.host}'s image cache: no download`);
      else {
        const mbps = mbpsOf(s, args.host);
        const download = (args.image.size * 8) / (mbps * 1e6);
        seconds += download;
        tx.trace('nova-compute', `shelved image ${args.image.id} (${args.image.size} bytes) downloaded from Glance into ${args.host}'s image cache (${download.toFixed(3)} s at ${mbps} Mbit/s)`);
      }
    }
    tx.schedule(UNSHELVE_TASK, { ...args, stage: 'spawn' } satisfies UnshelveArgs, seconds);
    return;
  }
  if (hostIsDown(tx, args.host, `unshelve_instance (spawn) of ${args.uuid}`)) return;
  const row = hostRow(tx, args.uuid, args.host);
  if (row === undefined || row.vm_state !== 'shelved_offloaded' || row.task_state !== 'spawning') return;
  if (args.image !== null && getRow(s.compute.image_cache, `${args.host}/${args.image.id}`) === undefined) {
    setRow(tx.draft.compute.image_cache, `${args.host}/${args.image.id}`, { host: args.host, image_id: args.image.id, size: args.image.size, fetched_at: tx.now() });
  }
  tx.trace('nova-compute', `spawn ${row.uuid} on ${args.host} (libvirt)${args.image !== null ? ` from shelved image ${args.image.id}` : ' from its volume'}`);
  if (args.image !== null) deleteShelvedImage(tx, row, args.image.id, args.creds);
  const done = saveServer(tx, row, { vm_state: 'active', task_state: null, power_state: 1, launched_at: tx.now(), shelved_at: null, shelved_image_id: null, shelved_host: null });
  tx.emit('compute.instance.unshelve.end', () => instanceUsage(draftOf(tx), done), publisherOf(args.host));
  finishEvent(tx, row.uuid, event);
  tx.trace('nova-compute', `instance ${row.uuid} ACTIVE on ${args.host} (unshelved)`);
}

/** `_delete_snapshot_of_shelved_instance`: the shelved image deleted as the user; a refusal is only logged. */
function deleteShelvedImage(tx: Tx, row: ServerRow, imageId: string, creds: PolicyCredentials): void {
  try {
    deleteImageFor(tx, policyEngineOf(tx.memo), creds, imageId);
    tx.trace('nova-compute', `shelved image ${imageId} of ${row.uuid} deleted from Glance`);
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    tx.trace('nova-compute', `Failed to delete snapshot from shelved instance (${e.message})`);
  }
}

/**
 * nova-compute's `start_instance` of a `SHELVED` server (event `compute_start_instance`):
 * `power_on.start`, then after {@link GUEST_SECONDS} `ACTIVE`, the shelved image deleted, the
 * system metadata cleared, `power_on.end`.
 */
export function runStartShelved(tx: Tx, raw: unknown): void {
  const args = raw as StartArgs;
  const event = 'compute_start_instance';
  if (hostIsDown(tx, args.host, `start_instance (${args.stage}) of ${args.uuid}`)) return;
  const row = hostRow(tx, args.uuid, args.host);
  if (row === undefined) return;
  if (row.vm_state !== 'shelved' || row.task_state !== 'powering-on') {
    if (args.stage === 'end') preempted(tx, row, event, 'powering-on');
    return;
  }
  const publisher = publisherOf(args.host);
  if (args.stage === 'begin') {
    startEvent(tx, row.uuid, event, args.host);
    tx.emit('compute.instance.power_on.start', () => instanceUsage(draftOf(tx), row), publisher);
    tx.trace('nova-compute', `start_instance ${row.uuid} on ${args.host ?? '?'} (unshelve of a SHELVED server)`);
    tx.schedule(START_SHELVED_TASK, { ...args, stage: 'end' } satisfies StartArgs, GUEST_SECONDS);
    return;
  }
  if (row.shelved_image_id !== null) deleteShelvedImage(tx, row, row.shelved_image_id, args.creds);
  const done = saveServer(tx, row, { vm_state: 'active', task_state: null, power_state: 1, shelved_at: null, shelved_image_id: null, shelved_host: null });
  tx.emit('compute.instance.power_on.end', () => instanceUsage(draftOf(tx), done), publisher);
  finishEvent(tx, row.uuid, event);
  tx.trace('nova-compute', `instance ${row.uuid} ACTIVE on ${args.host ?? '?'} (unshelved where it was)`);
}

/** The conductor's and nova-compute's tasks of shelve / unshelve (registered by service.ts). */
export const SHELVE_TASKS: Readonly<Record<string, TaskHandler>> = {
  [SHELVE_TASK]: runShelve,
  [SHELVE_OFFLOAD_TASK]: runShelveOffload,
  [SHELVED_POLL_TASK]: runPollShelved,
  [CONDUCTOR_UNSHELVE_TASK]: runConductorUnshelve,
  [UNSHELVE_TASK]: runUnshelve,
  [START_SHELVED_TASK]: runStartShelved,
};
