/**
 * Volume attachments, `/servers/{id}/os-volume_attachments` at compute API 2.93, as Zed does them:
 * - the controller (`nova/api/openstack/compute/volumes.py` `VolumeAttachmentController`, its
 *   schemas `schemas/volumes.py` `create_volume_attachment_v279`, `update_volume_attachment_v285`,
 *   its view `_translate_attachment_detail_view` with 2.70's `tag`, 2.79's
 *   `delete_on_termination` and 2.89's `attachment_id` / `bdm_uuid` in place of `id`);
 * - nova-api (`nova/compute/api.py` `attach_volume`, `_attach_volume`,
 *   `_check_volume_already_attached`, `_check_attach_and_reserve_volume`, `detach_volume`,
 *   `_detach_volume`): the volume read from Cinder with the user's token (404 `VolumeNotFound`),
 *   nova's own "already attached" check, the block device mapping made by nova-compute's
 *   `reserve_block_device_name` (an RPC call: the next free device of the libvirt driver,
 *   `/dev/vdb`, `/dev/vdc`, …), the volume reserved in Cinder (`attachment_create`: `reserved`),
 *   the `attach_volume` instance action, then a cast to nova-compute; a detach checks the mapping
 *   (a root volume is refused), the lock and the state, that the host's nova-compute is up, calls
 *   Cinder's `begin_detaching` (`detaching`) and casts;
 * - nova-compute (`nova/compute/manager.py` `attach_volume` / `_attach_volume`,
 *   `nova/virt/block_device.py` `DriverVolumeBlockDevice.attach`: `attachment_update` with the
 *   host's connector and `attachment_complete`, the volume `in-use`; `detach_volume` /
 *   `_detach_volume`: `attachment_delete`, the mapping destroyed), each recorded as the action's
 *   `compute_attach_volume` / `compute_detach_volume` event, with the legacy notifications
 *   `compute.instance.volume.attach` / `compute.instance.volume.detach` (payload
 *   `info_from_instance` plus `volume_id`).
 *
 * Where stacksim differs, on purpose:
 * - the libvirt driver ignores a requested `device` ("Ignoring supplied device name", Zed's
 *   `LibvirtDriver.get_device_name_for_instance`), so the answer names the device it picked, as
 *   DevStack's nova does; the name is checked against nova's pattern all the same;
 * - Cinder's refusal of `attachment_create` is nova's `InvalidInput` 400 "Invalid input received:
 *   <Cinder's message> (HTTP 400)" without Cinder's request id;
 * - `PUT` with another `volumeId` (swap, admin only) is checked as Zed checks it (policy, both
 *   volumes) and then refused with a 400 `compute.volume.swap_not_simulated`;
 * - an `InstanceNotReady` (no host) is a 409, as `guards.ts` answers it (Zed: a 500).
 *
 * Not simulated: shelved and shelved-offloaded servers (no shelve here), `limit` / `offset` on the
 * list, volume usage caches, device metadata of tagged volumes, `[cinder] cross_az_attach`
 * (default true: no zone check), `[compute] max_disk_devices_to_attach` (default -1: no limit),
 * a nova-compute that is down at attach time (Zed's `reserve_block_device_name` call times out, a
 * 500; here the attach goes through and the cast runs).
 *
 * The bodies' schemas are `volume_attachments_input.ts`; the mappings' lookups and the device
 * names `block_device.ts`'s.
 */
import { deleteRow, getRow, policyEngineOf, setRow, CloudError, type CloudState, type PolicyCredentials, type Tx } from '../core/index.js';
import { beginDetachingForServer, connectVolumeForServer, releaseVolumeForServer, reserveVolumeForServer, rollDetachingForServer, volumeForServer, volumeServiceReachable, type VolumeRow } from '../block/index.js';
import { finishEvent, startAction, startEvent } from './actions.js';
import { saveServer } from './boot.js';
import { bdmEntries, bdmOfVolume, bdmsOfVolume, nextBdmKey, nextDeviceName } from './block_device.js';
import { enforce, type Ctx } from './context.js';
import { NovaError, badRequest, conflict, invalid, notFound } from './errors.js';
import { checkAction } from './guards.js';
import { computeServiceOf, serviceUp } from './nova_services.js';
import { pathArg } from './input.js';
import { attachBody, updateBody } from './volume_attachments_input.js';
import { NOVA_RULES } from './policies.js';
import { getServer } from './servers.js';
import type { BdmRow, ServerRow } from './types.js';
import { instanceUsage, type InstanceUsage } from './views.js';

/** nova-compute's `attach_volume` (cast by nova-api). */
export const ATTACH_VOLUME_TASK = 'compute.attach_volume';
/** nova-compute's `detach_volume` (cast by nova-api). */
export const DETACH_VOLUME_TASK = 'compute.detach_volume';

/**
 * A volume attachment as compute API 2.93 shows it. `GET` (list and show) answers `volumeId`,
 * `serverId`, `device` (when the mapping has one), `tag`, `delete_on_termination`,
 * `attachment_id` and `bdm_uuid` (2.89 dropped `id` there); `POST` answers nova's own create view:
 * `id` (the volume id), `serverId`, `volumeId`, `device`, `tag`, `delete_on_termination`.
 */
export interface VolumeAttachmentView {
  /** Only in `POST`'s answer: the volume id. */
  readonly id?: string;
  readonly volumeId: string;
  readonly serverId: string;
  /** The device (`/dev/vdb`); left out of `GET` when the mapping has none yet. */
  readonly device?: string;
  readonly tag: string | null;
  readonly delete_on_termination: boolean;
  /** Cinder's attachment (2.89, `GET` only). */
  readonly attachment_id?: string | null;
  /** The block device mapping's uuid (2.89, `GET` only). */
  readonly bdm_uuid?: string;
}

// ------------------------------------------------------------------------------ views

/** `_translate_attachment_detail_view` at 2.89+. */
function detailView(b: BdmRow): VolumeAttachmentView {
  const view: Record<string, unknown> = { volumeId: b.volume_id, serverId: b.instance_uuid };
  if (b.device_name) view.device = b.device_name;
  view.tag = b.tag;
  view.delete_on_termination = b.delete_on_termination;
  view.attachment_id = b.attachment_id;
  view.bdm_uuid = b.id;
  return view as unknown as VolumeAttachmentView;
}

/** `context.elevated()`: the user's credentials with the admin role, as nova-compute's `_attach_volume` uses them. */
function elevated(creds: PolicyCredentials): PolicyCredentials {
  const roles = creds.roles.includes('admin') ? creds.roles : [...creds.roles, 'admin'];
  return { ...creds, roles, is_admin: true };
}

/** A Cinder refusal as nova's `cinder.py` translates it (`translate_volume_exception`, `translate_cinder_exception`). */
function translateCinder(e: unknown, volumeId: string): unknown {
  if (!(e instanceof CloudError)) return e;
  if (e.status === 404) return notFound('volume', volumeId);
  if (e.status === 400) return invalid('compute.volume.invalid_input', 'InvalidInput', `Invalid input received: ${e.message} (HTTP 400)`, { volume_id: volumeId, cinder_code: e.code });
  if (e.status === 403) return new NovaError(403, 'compute.volume.forbidden', 'Forbidden', `${e.message} (HTTP 403)`, { volume_id: volumeId, cinder_code: e.code });
  return e;
}

// ------------------------------------------------------------------------------ list, show

/** `GET /servers/{id}/os-volume_attachments`: the server's mappings that have a volume (`index` policy). */
export function listVolumeAttachments(ctx: Ctx, ref: unknown): VolumeAttachmentView[] {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.volumeAttachments.index, { project_id: row.project_id });
  return bdmEntries(ctx.s, row.uuid).filter(([, b]) => b.volume_id !== null).map(([, b]) => detailView(b));
}

/** `GET /servers/{id}/os-volume_attachments/{volume_id}` (404 "Instance … is not attached to volume …"). */
export function showVolumeAttachment(ctx: Ctx, ref: unknown, volumeId: unknown): VolumeAttachmentView {
  const id = pathArg(volumeId, 'volume_id', 'id');
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.volumeAttachments.show, { project_id: row.project_id });
  const found = bdmOfVolume(ctx.s, row.uuid, id);
  if (found === undefined) throw notAttached(row, id);
  return detailView(found[1]);
}

function notAttached(row: ServerRow, volumeId: string): NovaError {
  return notFound('attachment', volumeId, `Instance ${row.uuid} is not attached to volume ${volumeId}`);
}

// ------------------------------------------------------------------------------ attach

/** What nova-api casts to nova-compute (plain data). */
interface AttachArgs {
  readonly uuid: string;
  readonly bdm_id: string;
  readonly volume_id: string;
  readonly host: string;
  readonly creds: PolicyCredentials;
}

/**
 * `POST /servers/{id}/os-volume_attachments`: checks the body (2.79 schema), the server (404), the
 * `create` policy (403), the lock and state (409), the volume as the user sees it in Cinder (404),
 * that no live mapping holds it already (400 `InvalidVolume`), makes the mapping with the next
 * device name, reserves the volume in Cinder (`reserved`; Cinder's refusal is a 400), records the
 * `attach_volume` action and casts the attach to nova-compute. Answers nova's create view.
 */
export function attachVolume(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): VolumeAttachmentView {
  const body = attachBody(input);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.volumeAttachments.create, { project_id: row.project_id });
  checkAction(ctx, row, 'attach_volume');
  const s = tx.draft as CloudState;
  // volume_api.get with the user's token
  const volume = volumeForServer(s, ctx.policy, ctx.creds, body.volumeId);
  if (volume === undefined) throw notFound('volume', body.volumeId);
  checkNotAttached(s, row, volume);
  // reserve_block_device_name (nova-compute, an RPC call): the mapping and its device name
  const device = nextDeviceName(s, row);
  const bdm: BdmRow = {
    id: tx.ids.uuid(),
    instance_uuid: row.uuid,
    source_type: 'volume',
    destination_type: 'volume',
    boot_index: null,
    device_name: device,
    volume_id: volume.id,
    image_id: null,
    snapshot_id: null,
    volume_size: null,
    volume_type: null,
    delete_on_termination: body.deleteOnTermination,
    attachment_id: null,
    tag: body.tag,
  };
  // _check_attach_and_reserve_volume: attachment_create (the volume `reserved`)
  let attachmentId: string;
  try {
    attachmentId = reserveVolumeForServer(tx, ctx.policy, ctx.creds, volume.id, row.uuid);
  } catch (e) {
    throw translateCinder(e, volume.id);
  }
  setRow(tx.draft.compute.bdms, nextBdmKey(s, row.uuid), { ...bdm, attachment_id: attachmentId });
  startAction(tx, row, 'attach_volume', ctx);
  tx.trace('nova-api', `attach volume ${volume.id} to ${row.uuid}: mapping ${bdm.id} at ${device}${body.device !== null && body.device !== device ? ` (requested ${body.device}, ignored by the libvirt driver)` : ''}, Cinder attachment ${attachmentId} reserved`);
  tx.schedule(ATTACH_VOLUME_TASK, { uuid: row.uuid, bdm_id: bdm.id, volume_id: volume.id, host: row.host ?? '', creds: { ...ctx.creds } } satisfies AttachArgs, 0);
  return { id: volume.id, serverId: row.uuid, volumeId: volume.id, device, tag: body.tag, delete_on_termination: body.deleteOnTermination };
}

/** `_check_volume_already_attached` (nova-api), then `reserve_block_device_name`'s own check. */
function checkNotAttached(s: CloudState, row: ServerRow, volume: VolumeRow): void {
  const bdms = bdmsOfVolume(s, volume.id);
  if (bdms.length === 0) return;
  if (!volume.multiattach) {
    throw invalid('compute.volume.already_attached', 'InvalidVolume', `Invalid volume: volume ${volume.id} is already attached to instances: ${bdms.map((b) => b.instance_uuid).join(' ')}`, { volume_id: volume.id });
  }
  if (bdms.some((b) => b.instance_uuid === row.uuid)) throw invalid('compute.volume.already_attached', 'InvalidVolume', `Invalid volume: volume ${volume.id} already attached`, { volume_id: volume.id });
}

/** nova-compute's `attach_volume`: connect the reserved attachment on the host (`in-use`), or undo the mapping. */
export function runAttachVolume(tx: Tx, raw: unknown): void {
  const args = raw as AttachArgs;
  const s = tx.draft as CloudState;
  const row = liveServer(s, args.uuid);
  if (row === undefined) return;
  const found = bdmEntries(s, row.uuid).find(([, b]) => b.id === args.bdm_id);
  if (found === undefined) return;
  const [key, bdm] = found;
  const host = row.host ?? args.host;
  startEvent(tx, row.uuid, 'compute_attach_volume', host);
  tx.trace('nova-compute', `attach volume ${args.volume_id} to ${row.uuid} at ${bdm.device_name} on ${host}`);
  try {
    connectVolumeForServer(tx, policyEngineOf(tx.memo), elevated(args.creds), bdm.attachment_id as string, { host, mountpoint: bdm.device_name });
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    // _attach_volume's cleanup: attachment_delete, the mapping destroyed (wrap_instance_fault records the fault)
    if (bdm.attachment_id !== null) releaseVolumeForServer(tx, policyEngineOf(tx.memo), elevated(args.creds), bdm.attachment_id);
    deleteRow(tx.draft.compute.bdms, key);
    saveServer(tx, row, { fault: { code: e.status, message: e.message, details: '', created: tx.now() } });
    finishEvent(tx, row.uuid, 'compute_attach_volume', { message: e.message });
    tx.trace('nova-compute', `attach of volume ${args.volume_id} to ${row.uuid} failed: ${e.message}`);
    return;
  }
  const current = liveServer(tx.draft as CloudState, row.uuid) as ServerRow;
  const usage: InstanceUsage & { readonly volume_id: string } = { ...instanceUsage(tx.draft as CloudState, current), volume_id: args.volume_id };
  tx.emit('compute.instance.volume.attach', () => usage, { publisher: `compute.${host}` });
  finishEvent(tx, row.uuid, 'compute_attach_volume');
  tx.trace('nova-compute', `volume ${args.volume_id} attached to ${row.uuid} at ${bdm.device_name} (Cinder attachment ${bdm.attachment_id} complete: in-use)`);
}

function liveServer(s: CloudState, uuid: string): ServerRow | undefined {
  const row = getRow(s.compute.servers, uuid);
  return row === undefined || row.deleted ? undefined : row;
}

// ------------------------------------------------------------------------------ update

/**
 * `PUT /servers/{id}/os-volume_attachments/{volume_id}` at 2.85+: the `update` policy with the
 * server's project (the `swap` policy, admin only, when `volumeId` names another volume); the
 * mapping (404 `VolumeBDMNotFound`); `id`, `serverId`, `device` and `tag` must equal what they are
 * (400 "The … property is not mutable"); `delete_on_termination` is saved. As in Zed, no lock or
 * state check, no instance action. A swap is checked (both volumes) and then refused: not simulated.
 */
export function updateVolumeAttachment(tx: Tx, ctx: Ctx, ref: unknown, volumeId: unknown, input: unknown): void {
  const id = pathArg(volumeId, 'volume_id', 'id');
  const body = updateBody(input);
  const row = getServer(ctx, ref);
  const swap = body.volumeId !== id;
  if (swap) enforce(ctx, NOVA_RULES.volumeAttachments.swap, {});
  else enforce(ctx, NOVA_RULES.volumeAttachments.update, { project_id: row.project_id });
  const s = tx.draft as CloudState;
  // _update_volume_regular
  const found = bdmOfVolume(s, row.uuid, id);
  if (found === undefined) throw notFound('attachment', id);
  const [key, bdm] = found;
  const immutable = (field: string): NovaError => badRequest(field, `The ${field} property is not mutable`, 'compute.attachment.immutable');
  if (body.has.has('id') && body.id !== id) throw immutable('id');
  if (body.has.has('serverId') && body.serverId !== row.uuid) throw immutable('serverId');
  if (body.has.has('device') && body.device !== bdm.device_name) throw immutable('device');
  if (body.has.has('tag') && body.tag !== bdm.tag) throw immutable('tag');
  if (body.deleteOnTermination !== null) setRow(tx.draft.compute.bdms, key, { ...bdm, delete_on_termination: body.deleteOnTermination });
  if (swap) {
    // _update_volume_swap: the old volume (404), the new one (400), then compute_api.swap_volume
    if (volumeForServer(s, ctx.policy, ctx.creds, id) === undefined) throw notFound('volume', id);
    if (volumeForServer(s, ctx.policy, ctx.creds, body.volumeId) === undefined) throw invalid('compute.volume.not_found', 'VolumeNotFound', `Volume ${body.volumeId} could not be found.`, { field: 'volumeId' });
    throw invalid('compute.volume.swap_not_simulated', 'NotSupported', `Swapping volume ${id} for ${body.volumeId} is not simulated.`, { field: 'volumeId' });
  }
  tx.trace('nova-api', `volume attachment ${id} of ${row.uuid} updated${body.deleteOnTermination === null ? '' : `: delete_on_termination ${body.deleteOnTermination}`}`);
}

// ------------------------------------------------------------------------------ detach

interface DetachArgs {
  readonly uuid: string;
  readonly volume_id: string;
  readonly attachment_id: string | null;
  readonly creds: PolicyCredentials;
}

/**
 * `DELETE /servers/{id}/os-volume_attachments/{volume_id}`: the server (404), the `delete` policy
 * (403), the volume as the user sees it (404 `VolumeNotFound`), the mapping (404 "Instance … is
 * not attached to volume …"), not the root volume (400 "Cannot detach a root device volume"), the
 * lock and state (409), the host's nova-compute up (`service_is_up`: not forced down, a heartbeat
 * within `service_down_time`; else 409 "Service is unavailable at this time."),
 * Cinder's `begin_detaching` (`detaching`; refused, 400 `InvalidVolume`), the `detach_volume`
 * action, and the cast to nova-compute.
 */
export function detachVolume(tx: Tx, ctx: Ctx, ref: unknown, volumeId: unknown): void {
  const id = pathArg(volumeId, 'volume_id', 'id');
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.volumeAttachments.delete, { project_id: row.project_id });
  const s = tx.draft as CloudState;
  const volume = volumeForServer(s, ctx.policy, ctx.creds, id);
  if (volume === undefined) throw notFound('volume', id);
  const found = bdmOfVolume(s, row.uuid, volume.id);
  if (found === undefined) throw notAttached(row, id);
  const bdm = found[1];
  if (bdm.boot_index === 0) throw badRequest('volume_id', 'Cannot detach a root device volume', 'compute.volume.root_detach');
  checkAction(ctx, row, 'detach_volume');
  // _detach_volume: @check_instance_host(check_is_up=True)
  if (row.host === null) throw conflict('compute.server.not_ready', 'InstanceNotReady', `Instance ${row.uuid} is not ready`, { id: row.uuid });
  const service = computeServiceOf(s, row.host);
  if (service === undefined || !serviceUp(s, service)) throw conflict('compute.service.unavailable', 'ServiceUnavailable', 'Service is unavailable at this time.', { id: row.uuid });
  try {
    beginDetachingForServer(tx, ctx.policy, ctx.creds, volume.id);
  } catch (e) {
    if (e instanceof CloudError && e.status === 400) throw invalid('compute.volume.invalid', 'InvalidVolume', `Invalid volume: Invalid input received: ${e.message} (HTTP 400)`, { volume_id: volume.id });
    throw translateCinder(e, volume.id);
  }
  startAction(tx, row, 'detach_volume', ctx);
  tx.trace('nova-api', `detach volume ${volume.id} from ${row.uuid} (${bdm.device_name}): Cinder begin_detaching, cast to ${row.host}`);
  tx.schedule(DETACH_VOLUME_TASK, { uuid: row.uuid, volume_id: volume.id, attachment_id: bdm.attachment_id, creds: { ...ctx.creds } } satisfies DetachArgs, 0);
}

/** nova-compute's `detach_volume`: `attachment_delete` (the volume `available`, or still `in-use` with other attachments), the mapping destroyed. */
export function runDetachVolume(tx: Tx, raw: unknown): void {
  const args = raw as DetachArgs;
  const s = tx.draft as CloudState;
  const row = liveServer(s, args.uuid);
  if (row === undefined) return;
  const host = row.host;
  startEvent(tx, row.uuid, 'compute_detach_volume', host);
  const found = bdmOfVolume(s, row.uuid, args.volume_id);
  if (found === undefined) {
    const message = `No volume Block Device Mapping with id ${args.volume_id}.`;
    finishEvent(tx, row.uuid, 'compute_detach_volume', { message });
    return;
  }
  const [key, bdm] = found;
  const attachment = args.attachment_id ?? bdm.attachment_id;
  if (attachment !== null && !volumeServiceReachable(tx.draft as CloudState, args.volume_id)) {
    // the volume manager does not answer: nova's detach fails (wrap_instance_fault), the volume is
    // rolled back to in-use (roll_detaching) and the mapping stays
    const message = `Timed out waiting for a reply from the volume service of volume ${args.volume_id}`;
    rollDetachingForServer(tx, args.volume_id);
    saveServer(tx, liveServer(tx.draft as CloudState, row.uuid) as ServerRow, { fault: { code: 500, message, details: `oslo_messaging.exceptions.MessagingTimeout: ${message}`, created: tx.now() } });
    finishEvent(tx, row.uuid, 'compute_detach_volume', { message });
    tx.trace('nova-compute', `detach of volume ${args.volume_id} from ${row.uuid} failed: ${message}`);
    return;
  }
  if (attachment !== null) releaseVolumeForServer(tx, policyEngineOf(tx.memo), args.creds, attachment);
  deleteRow(tx.draft.compute.bdms, key);
  const current = liveServer(tx.draft as CloudState, row.uuid) as ServerRow;
  const usage: InstanceUsage & { readonly volume_id: string } = { ...instanceUsage(tx.draft as CloudState, current), volume_id: args.volume_id };
  tx.emit('compute.instance.volume.detach', () => usage, { publisher: `compute.${host ?? 'controller'}` });
  finishEvent(tx, row.uuid, 'compute_detach_volume');
  tx.trace('nova-compute', `volume ${args.volume_id} detached from ${row.uuid} (${bdm.device_name}): Cinder attachment ${attachment ?? 'none'} deleted`);
}

/** The task kinds of this file, for the service descriptor's `tasks`. */
export const VOLUME_ATTACHMENT_TASKS = { [ATTACH_VOLUME_TASK]: runAttachVolume, [DETACH_VOLUME_TASK]: runDetachVolume } as const;
