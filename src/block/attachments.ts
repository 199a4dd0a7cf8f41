/**
 * The v3 attachments API Nova uses (`cinder/api/v3/attachments.py`, `cinder/api/v3/views/attachments.py`,
 * `cinder/api/schemas/attachments.py`, `cinder/volume/api.py` `attachment_create` /
 * `_attachment_reserve` / `attachment_update` / `attachment_delete`, `cinder/volume/manager.py`
 * `attachment_update` / `_connection_create` / `_parse_connection_options` / `attachment_delete`,
 * `cinder/db/sqlalchemy/api.py` `volume_attached` / `volume_detached` /
 * `_get_statuses_from_attachments`, `cinder/objects/volume_attachment.py`,
 * `cinder/policies/attachments.py`), Zed, microversions 3.27 (attachments), 3.44 (`os-complete`),
 * 3.54 (`mode` in the create body).
 *
 * The flow, as Zed runs it:
 * - **create** reserves the volume (`available` / `downloading`, or `in-use` too for a multiattach
 *   volume → `reserved`; an attachment for the same server on an `in-use` / `reserved` volume is
 *   allowed without a status change, LP 1694530, for Nova's live migration) and stores an
 *   attachment `reserved`; with a connector it also runs the volume manager's update;
 * - **update** (the volume manager, an RPC call): the driver's `connection_info`, attachment and
 *   volume `attaching` (`volume_attached(mark_attached=False)`);
 * - **complete** (`os-complete`): attachment `attached`, volume `in-use`, `attach_status` attached,
 *   `volume.attach.end`; Zed checks no status;
 * - **delete**: the attachment goes, the volume's status and `attach_status` are recomputed from the
 *   attachments left (`attached` → `in-use`, `attaching`, `reserved`, none → `available`), with
 *   `volume.detach.start` / `.end`.
 *
 * Zed's quirks kept: the answers of create and update are built from the attachment as the API
 * loaded it before the volume manager wrote its part (create answers `reserved` even with a
 * connector; update answers the status it had), with only `connection_info` (and create's
 * `attach_mode`) new; `attach_mode` is the string `'null'` when create got no mode; a list
 * filtered by `status` (not a column of `volume_attachment`) finds nothing; `attached_mode` admin
 * metadata is not written by this flow (only the old `os-attach` does), `finish_detach` removes it.
 *
 * Where stacksim differs, on purpose:
 * - another project's attachment is a 404 (Zed's `_attachment_get` ignores `project_only`, so
 *   show answers any attachment by id; update, delete and complete are then 403);
 * - Zed's API wraps the volume manager's refusals of create / update (a connector without
 *   `initiator` for iSCSI; update's error-status and duplicate-connector checks) in a 500
 *   "Unable to … attachment …"; stacksim answers the inner 400 and keeps Zed's status and message
 *   in `details.zed_status` / `details.zed_message`. A connector without `host` (a KeyError in
 *   update's lock name, a 500 in Zed) is a 400 too. Refused calls change nothing (Zed leaves a
 *   create's reservation behind);
 * - a delete of an `attached` attachment of an `in-use` volume passes through `detaching` in the same
 *   transaction, as Nova's `os-begin_detaching` does just before (Zed's `attachment_delete` alone
 *   moves `in-use` → `available` directly).
 *
 * Not simulated: the Nova check of `attachment_deletion_allowed` (Bug #2004555: no Nova here, so
 * every server lookup answers NotFound and the delete is allowed, as Zed does then); targets,
 * exports and initiator ACLs (nothing is stored but the attachment); `discard` reporting
 * (`report_discard_supported` is off); Ceph monitors (an RBD connection names the pool's storage
 * host, port 6789, user `cinder`); CHAP credentials and the RBD secret uuid are derived from the
 * volume id and the backend name (stable, as Cinder keeps them in `provider_auth` / cinder.conf);
 * an NFS share is `<storage host>:/srv/nfs/<backend>`; a volume service that is down makes the RPC
 * time out at once (500, Zed's message) instead of after `rpc_response_timeout`.
 *
 * The request bodies are in `attachment_input.ts`, the driver's connection in `connection_info.ts`,
 * the views and the list in `attachment_views.ts`.
 */
import { describeValue, deleteRow, getRow, isIdRef, setRow, type CloudState, type Tx } from '../core/index.js';
import { ATTACHMENT_MICROVERSIONS, createBody, minorOf, requireVersion, truthy, updateBody, type AttachmentCallOptions } from './attachment_input.js';
import { attachmentSummary, attachmentView, type AttachmentSummary, type AttachmentView } from './attachment_views.js';
import { RPC_FAILURE, managerAttachmentUpdate, requireVolumeService, volumeAttachStatus } from './connection_info.js';
import { enforce, indexed, ownTarget, targetOf, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume, notFound } from './errors.js';
import { publisher } from './events.js';
import { CINDER_RULES } from './policies.js';
import { moveVolume } from './statuses.js';
import type { AttachStatus, AttachmentRow, VolumeStatus } from './types.js';
import { volumeUsage } from './views.js';
import { getVolume } from './volumes.js';
import { typeMultiattach } from './volume_types.js';

// ------------------------------------------------------------------------------ lookups

/** An attachment reference: its id, or `{ id }`. */
export type AttachmentRef = string | { readonly id: string };

/** The attachment an id names, among those the caller may see (its volume's project; admins all). */
export function getAttachment(ctx: Ctx, ref: unknown, field = 'attachment'): AttachmentRow {
  const id = isIdRef(ref) ? ref.id : ref;
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) {
    const f = isIdRef(ref) ? `${field}.id` : field;
    throw invalidInput(f, `${f} must be an attachment id, got ${describeValue(id)}`, 'block.attachment.invalid_ref');
  }
  const row = getRow(ctx.s.block.attachments, id);
  if (row === undefined || !(ctx.isAdmin || row.project_id === ctx.projectId)) throw notFound('attachment', id);
  return row;
}

/** The attachments of a volume (every status). */
export function attachmentsOf(s: CloudState, volumeId: string): AttachmentRow[] {
  return indexed(s.block.volume_attachments, volumeId)
    .map((id) => getRow(s.block.attachments, id))
    .filter((a): a is AttachmentRow => a !== undefined);
}

/** `context.authorize(…, target_obj=attachment)`: the default target with the attachment's (its volume's) `project_id`. */
function attachmentTarget(ctx: Ctx, row: AttachmentRow): Record<string, unknown> {
  return { project_id: row.project_id, user_id: ctx.userId };
}

// ------------------------------------------------------------------------------ create

const RESERVABLE: readonly VolumeStatus[] = ['available', 'downloading'];
const RESERVABLE_MULTIATTACH: readonly VolumeStatus[] = ['available', 'in-use', 'downloading'];

/**
 * `POST /v3/{project_id}/attachments` (3.27; `mode` since 3.54): reserves the volume and answers
 * the new attachment (`reserved`). With a connector the volume manager connects it at once
 * (attachment and volume `attaching`), though the answer still says `reserved`, as Zed's does.
 * Refused: a volume in an error status, or in a status it cannot be reserved from ("Volume … status
 * must be available or downloading to reserve, but the current status is in-use."), unless it is
 * `in-use` / `reserved` with an attachment for the same `instance_uuid`.
 */
export function createAttachment(tx: Tx, ctx: Ctx, input: unknown, options?: AttachmentCallOptions): AttachmentView {
  const minor = minorOf(options);
  requireVersion(minor, ATTACHMENT_MICROVERSIONS.NEW_ATTACH);
  enforce(ctx, CINDER_RULES.attachment.create, ownTarget(ctx));
  const body = createBody(input, minor);
  const volume = getVolume(ctx, { id: body.volume_uuid }, 'volume_uuid');
  enforce(ctx, CINDER_RULES.attachment.create, targetOf(volume));
  if (volume.status.includes('error')) {
    throw invalidVolume(`Volume attachments can not be created if the volume is in an error state. The Volume ${volume.id} currently has a status of: ${volume.status} `, { volume_id: volume.id, status: volume.status });
  }
  // _attachment_reserve
  if (volume.multiattach && volume.status === 'in-use' && volume.bootable) enforce(ctx, CINDER_RULES.attachment.multiattachBootable, targetOf(volume));
  const expected = volume.multiattach ? RESERVABLE_MULTIATTACH : RESERVABLE;
  let vref = volume;
  if (expected.includes(volume.status)) vref = moveVolume(tx, volume, 'reserved');
  else {
    const sameServer = body.instance_uuid !== null && (volume.status === 'in-use' || volume.status === 'reserved') && attachmentsOf(ctx.s, volume.id).some((a) => a.instance_uuid === body.instance_uuid);
    if (!sameServer) throw invalidVolume(`Volume ${volume.id} status must be ${expected.join(' or ')} to reserve, but the current status is ${volume.status}.`, { volume_id: volume.id, status: volume.status });
  }
  const now = tx.now();
  const row: AttachmentRow = {
    id: tx.ids.uuid(),
    volume_id: volume.id,
    project_id: volume.project_id,
    instance_uuid: body.instance_uuid,
    attached_host: null,
    mountpoint: null,
    attach_status: 'reserved',
    attach_mode: null,
    connector: null,
    connection_info: null,
    attach_time: null,
    detach_time: null,
    created_at: now,
    updated_at: now,
  };
  setRow(tx.draft.block.attachments, row.id, row);
  setRow(tx.draft.block.volume_attachments, `${volume.id}/${row.id}`, row.id);
  tx.trace('cinder-api', `attachment ${row.id} reserves volume ${volume.id}${body.instance_uuid === null ? '' : ` for server ${body.instance_uuid}`}`);
  const connection_info = body.connector !== null && truthy(body.connector) ? managerAttachmentUpdate(tx, vref, body.connector, row.id, 'create') : {};
  // "Use of admin_metadata for RO settings is deprecated": any `readonly` value makes it ro
  const attach_mode = truthy(volume.admin_metadata.readonly) ? 'ro' : (body.mode ?? 'null');
  const stored = getRow(tx.draft.block.attachments, row.id) as AttachmentRow;
  setRow(tx.draft.block.attachments, row.id, { ...stored, connection_info, attach_mode });
  return attachmentView(tx.draft, { ...row, connection_info, attach_mode });
}

// ------------------------------------------------------------------------------ update

/**
 * `PUT /v3/{project_id}/attachments/{id}` `{ connector }`: the volume manager connects the
 * attachment (`connection_info` as the driver returns it; attachment and volume `attaching`).
 * Refused (Zed: a 500 "Unable to update attachment.(…)"; here the inner 400): a volume in an
 * error status; a second connection to a volume that is not multiattach ("duplicate connectors
 * detected on volume …"); an iSCSI connector without `initiator`. The answer is the attachment as
 * the API loaded it, with the new `connection_info`.
 */
export function updateAttachment(tx: Tx, ctx: Ctx, ref: unknown, input: unknown, options?: AttachmentCallOptions): AttachmentView {
  const minor = minorOf(options);
  requireVersion(minor, ATTACHMENT_MICROVERSIONS.NEW_ATTACH);
  const attachment = getAttachment(ctx, ref);
  enforce(ctx, CINDER_RULES.attachment.update, attachmentTarget(ctx, attachment));
  const connector = updateBody(input);
  if (!Object.prototype.hasOwnProperty.call(connector, 'host')) {
    throw new CinderError(400, 'block.attachment.invalid_connector', 'InvalidInput', "Invalid input received: Connector doesn't have required information: host", { field: 'connector.host', zed_status: 500, zed_message: RPC_FAILURE.update });
  }
  const volume = getVolume(ctx, { id: attachment.volume_id }, 'volume_id');
  const wrapped = (reason: string, code: string): CinderError =>
    new CinderError(400, code, 'InvalidVolume', `Invalid volume: ${reason}`, { volume_id: volume.id, status: volume.status, zed_status: 500, zed_message: `Unable to update attachment.(Invalid volume: ${reason}).` });
  if (volume.status.includes('error')) {
    throw wrapped(`Volume attachments can not be updated if the volume is in an error state. The Volume ${volume.id} currently has a status of: ${volume.status} `, 'block.volume.invalid_status');
  }
  const all = attachmentsOf(ctx.s, volume.id);
  const type = getRow(ctx.s.block.volume_types, volume.volume_type_id);
  if (all.length > 1 && !(volume.multiattach || (type !== undefined && typeMultiattach(type)))) {
    if (all.some((a) => truthy(a.connection_info))) throw wrapped(`duplicate connectors detected on volume ${volume.id}`, 'block.attachment.duplicate_connectors');
  }
  const connection_info = managerAttachmentUpdate(tx, volume, connector, attachment.id, 'update');
  const stored = getRow(tx.draft.block.attachments, attachment.id) as AttachmentRow;
  setRow(tx.draft.block.attachments, attachment.id, { ...stored, connection_info });
  return attachmentView(tx.draft, { ...attachment, connection_info });
}

// ------------------------------------------------------------------------------ complete

/**
 * `POST /v3/{project_id}/attachments/{id}/action` `os-complete` (3.44): attachment `attached`,
 * volume `in-use` with `attach_status` attached, `volume.attach.end`. Zed checks no status (a
 * reserved attachment may be completed without a connection, as Nova does for a shelved server).
 */
export function completeAttachment(tx: Tx, ctx: Ctx, ref: unknown, options?: AttachmentCallOptions): void {
  const minor = minorOf(options);
  requireVersion(minor, ATTACHMENT_MICROVERSIONS.NEW_ATTACH_COMPLETION);
  const attachment = getAttachment(ctx, ref);
  const volume = getVolume(ctx, { id: attachment.volume_id }, 'volume_id');
  enforce(ctx, CINDER_RULES.attachment.complete, attachmentTarget(ctx, attachment));
  setRow(tx.draft.block.attachments, attachment.id, { ...attachment, attach_status: 'attached', updated_at: tx.now() });
  const next = moveVolume(tx, volume, 'in-use', volumeAttachStatus('attached'));
  tx.trace('cinder-api', `attachment ${attachment.id} complete: volume ${volume.id} in-use`);
  tx.emit('volume.attach.end', () => volumeUsage(tx.draft, next), publisher('controller'));
}

// ------------------------------------------------------------------------------ delete

/** `_get_statuses_from_attachments`: the first non-error attach status in alphabetical order decides. */
function statusesFromAttachments(rows: readonly AttachmentRow[]): { status: VolumeStatus; attach_status: AttachStatus } {
  const first = rows
    .map((a) => a.attach_status)
    .filter((st) => !st.startsWith('error_'))
    .sort()[0];
  const attach_status: AttachStatus = first ?? 'detached';
  const status = attach_status === 'attached' ? 'in-use' : attach_status === 'detached' ? 'available' : (attach_status as VolumeStatus);
  return { status, attach_status };
}

/**
 * `DELETE /v3/{project_id}/attachments/{id}`: a reserved attachment is dropped by the API
 * (`volume.detach.start` from it); a connected one through the volume manager (its
 * `detach.start`, the connection terminated); then `finish_detach`: the volume's status and
 * `attach_status` from the attachments left (`available` when none; Zed keeps `uploading` and a
 * migrating volume's status), `attached_mode` admin metadata removed, `volume.detach.end`.
 * Answers the volume's remaining attachments (summaries).
 */
export function deleteAttachment(tx: Tx, ctx: Ctx, ref: unknown, options?: AttachmentCallOptions): AttachmentSummary[] {
  const minor = minorOf(options);
  requireVersion(minor, ATTACHMENT_MICROVERSIONS.NEW_ATTACH);
  const attachment = getAttachment(ctx, ref);
  enforce(ctx, CINDER_RULES.attachment.delete, attachmentTarget(ctx, attachment));
  const volume = getRow(ctx.s.block.volumes, attachment.volume_id);
  if (volume === undefined) throw notFound('volume', attachment.volume_id);
  if (attachment.attach_status === 'reserved') {
    tx.emit('volume.detach.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
  } else {
    const backend = requireVolumeService(ctx.s, volume, 'delete');
    tx.emit('volume.detach.start', () => volumeUsage(tx.draft, volume), publisher(backend));
    tx.trace('cinder-volume', `attachment ${attachment.id}: connection ${attachment.connector === null ? 'never made' : 'terminated'}`);
  }
  // finish_detach → volume_detached
  deleteRow(tx.draft.block.attachments, attachment.id);
  deleteRow(tx.draft.block.volume_attachments, `${volume.id}/${attachment.id}`);
  const remaining = attachmentsOf(tx.draft, volume.id);
  const { status, attach_status } = statusesFromAttachments(remaining);
  const keepStatus = attach_status === 'detached' && !(!volume.migration_status && volume.status !== 'uploading') && !(volume.migration_status === 'success' || volume.migration_status === 'error');
  const target = keepStatus ? volume.status : status;
  const admin_metadata = { ...volume.admin_metadata };
  delete admin_metadata.attached_mode;
  let next = volume;
  if (volume.status === 'in-use' && attachment.attach_status === 'attached' && (target === 'available' || target === 'in-use')) next = moveVolume(tx, next, 'detaching');
  next = moveVolume(tx, next, target, { ...volumeAttachStatus(attach_status), admin_metadata });
  tx.trace('cinder-api', `attachment ${attachment.id} deleted: volume ${volume.id} ${next.status}`);
  const ended = next;
  tx.emit('volume.detach.end', () => volumeUsage(tx.draft, ended), publisher('controller'));
  return remaining.map(attachmentSummary);
}

// ------------------------------------------------------------------------------ show, list

/**
 * `GET /v3/{project_id}/attachments/{id}` (3.27): the detailed view; `connection_info.format` is
 * the volume's `format` admin metadata when it has one.
 */
export function showAttachment(ctx: Ctx, ref: unknown, options?: AttachmentCallOptions): AttachmentView {
  requireVersion(minorOf(options), ATTACHMENT_MICROVERSIONS.NEW_ATTACH);
  const attachment = getAttachment(ctx, ref);
  const view = attachmentView(ctx.s, attachment);
  const format = getRow(ctx.s.block.volumes, attachment.volume_id)?.admin_metadata.format;
  if (format !== undefined && view.connection_info !== null) return { ...view, connection_info: { ...view.connection_info, format } };
  return view;
}
