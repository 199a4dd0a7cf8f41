/**
 * The bodies of `POST` and `PUT /servers/{id}/os-volume_attachments[/{volume_id}]` as nova's
 * schemas check them (`nova/api/openstack/compute/schemas/volumes.py`
 * `create_volume_attachment_v279`, `update_volume_attachment_v285`; the `device` pattern of
 * `nova/block_device.py` `match_device`), each refusal a 400 naming the field, before any lookup.
 */
import { badRequest } from './errors.js';
import { describeValue, fieldError, schemaBoolean, tagArg, uuidArg } from './input.js';

/** The body of `POST /servers/{id}/os-volume_attachments` (the `volumeAttachment` object). */
export interface VolumeAttachmentRequest {
  readonly volumeId: string;
  readonly device?: string | null;
  readonly tag?: string;
  readonly delete_on_termination?: boolean | string;
}

/** The body of `PUT /servers/{id}/os-volume_attachments/{volume_id}` at 2.85+ (the `volumeAttachment` object). */
export interface VolumeAttachmentUpdateRequest {
  readonly volumeId: string;
  readonly delete_on_termination?: boolean | string;
  readonly device?: string | null;
  readonly tag?: string;
  readonly serverId?: string;
  readonly id?: string;
}

/** `block_device.match_device`'s pattern, which the schema's `device` uses. */
const DEVICE = /^(\/dev\/x?[a-z]?d?)([a-z]+)[0-9]*$/;

/** The schema's `device`: a string of `match_device`'s pattern, or null. */
function deviceArg(value: unknown, field: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw fieldError(field, value, `${describeValue(value)} is not of type 'string', 'null'`);
  if (value.length > 255 || !DEVICE.test(value)) throw fieldError(field, value, `${describeValue(value)} does not match '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$'`);
  return value;
}

/** The `volumeAttachment` object: an object with only `allowed` keys and `volumeId`. */
function attachmentObject(input: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('volumeAttachment', `Invalid input for field/attribute volumeAttachment. Value: ${describeValue(input)}. ${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw badRequest(`volumeAttachment.${k}`, `Invalid input for field/attribute volumeAttachment. Value: ${describeValue(input)}. Additional properties are not allowed ('${k.length > 40 ? `${k.slice(0, 40)}…` : k}' was unexpected)`);
  if (!Object.prototype.hasOwnProperty.call(o, 'volumeId')) throw badRequest('volumeId', `Invalid input for field/attribute volumeAttachment. Value: ${describeValue(input)}. 'volumeId' is a required property`);
  return o;
}

/** A checked attach body. */
export interface AttachBody {
  readonly volumeId: string;
  readonly device: string | null;
  readonly tag: string | null;
  readonly deleteOnTermination: boolean;
}

/** `create_volume_attachment_v279`. */
export function attachBody(input: unknown): AttachBody {
  const o = attachmentObject(input, ['volumeId', 'device', 'tag', 'delete_on_termination']);
  const volumeId = uuidArg(o.volumeId, 'volumeId');
  const device = o.device === undefined ? null : deviceArg(o.device, 'device');
  const tag = o.tag === undefined ? null : tagArg(o.tag, 'tag');
  const deleteOnTermination = o.delete_on_termination === undefined ? false : schemaBoolean(o.delete_on_termination, 'delete_on_termination');
  return { volumeId, device, tag, deleteOnTermination };
}

/** A checked update body (`has`: the keys given). */
export interface UpdateBody {
  readonly volumeId: string;
  readonly has: ReadonlySet<string>;
  readonly device: string | null;
  readonly tag: string | null;
  readonly serverId: string | null;
  readonly id: string | null;
  readonly deleteOnTermination: boolean | null;
}

/** `update_volume_attachment_v285`. */
export function updateBody(input: unknown): UpdateBody {
  const o = attachmentObject(input, ['volumeId', 'device', 'tag', 'delete_on_termination', 'serverId', 'id']);
  const volumeId = uuidArg(o.volumeId, 'volumeId');
  const has = new Set(Object.keys(o).filter((k) => o[k] !== undefined));
  return {
    volumeId,
    has,
    device: o.device === undefined ? null : deviceArg(o.device, 'device'),
    tag: o.tag === undefined ? null : tagArg(o.tag, 'tag'),
    serverId: o.serverId === undefined ? null : uuidArg(o.serverId, 'serverId'),
    id: o.id === undefined ? null : uuidArg(o.id, 'id'),
    deleteOnTermination: o.delete_on_termination === undefined ? null : schemaBoolean(o.delete_on_termination, 'delete_on_termination'),
  };
}
