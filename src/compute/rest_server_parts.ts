/**
 * What hangs below a server over REST: metadata (`server_metadata.py`), tags (`server_tags.py`,
 * 2.26), instance actions and their events (`instance_actions.py`), volume attachments
 * (`volumes.py` `VolumeAttachmentController`), interfaces (`attach_interfaces.py`) and addresses
 * (`ips.py`, `views/addresses.py`), with nova's wrapping, status codes and the fields each
 * microversion shows (2.58 `updated_at` and paging of actions, 2.62 events' `host` / `hostId`,
 * 2.84 their `details`; 2.70 attachments' and interfaces' `tag`, 2.79 `delete_on_termination`,
 * 2.89 `attachment_id` / `bdm_uuid` instead of `id`).
 *
 * Not simulated: `limit` / `offset` of the attachment and interface lists, the events of an
 * action hidden from a non-admin below 2.51 when the action has none.
 */
import { empty, json, type RestResponse } from '../core/index.js';
import {
  httpNotFound,
  type NovaRequest,
  type NovaRouteSpec,
} from './rest_http.js';
import {
  additionalMessage,
  appUrl,
  collectionLinks,
  listQuery,
  omit,
  pick,
  pyRepr,
  rejectKeys,
  relink,
  schemaError,
  unwrap,
  wrapped,
} from './rest_params.js';

type View = Record<string, unknown>;

const ref = (r: NovaRequest): { id: string } => ({ id: r.param('id') });

// ---------------------------------------------------------------------------- metadata

/** The body `{"metadata": {...}}` (or `{"meta": {...}}`) as the library takes it. */
function metaBody(r: NovaRequest, key: 'metadata' | 'meta'): Record<string, unknown> {
  const body = wrapped(r.body, key);
  return { [key]: body[key] };
}

/** Server metadata: `{metadata}` and `{meta}`; create 200, delete 204. */
export const METADATA_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/servers/{id}/metadata', handle: (r) => json(200, { metadata: r.api().listServerMetadata(ref(r)) }) },
  { method: 'POST', path: '/servers/{id}/metadata', handle: (r) => json(200, { metadata: r.api().updateServerMetadata(ref(r), metaBody(r, 'metadata') as never) }) },
  { method: 'PUT', path: '/servers/{id}/metadata', handle: (r) => json(200, { metadata: r.api().replaceServerMetadata(ref(r), metaBody(r, 'metadata') as never) }) },
  { method: 'GET', path: '/servers/{id}/metadata/{key}', handle: (r) => json(200, { meta: r.api().getServerMetadataItem(ref(r), r.param('key')) }) },
  { method: 'PUT', path: '/servers/{id}/metadata/{key}', handle: (r) => json(200, { meta: r.api().setServerMetadataItem(ref(r), r.param('key'), metaBody(r, 'meta') as never) }) },
  { method: 'DELETE', path: '/servers/{id}/metadata/{key}', handle: (r) => (r.api().deleteServerMetadataItem(ref(r), r.param('key')), empty(204)) },
];

// ---------------------------------------------------------------------------- tags

/** `PUT /servers/{id}/tags/{tag}`: 201 with `Location` when the tag is new, 204 when the server had it. */
function addTag(r: NovaRequest): RestResponse {
  const api = r.api();
  const tag = r.param('tag');
  const had = api.checkServerTag(ref(r), tag);
  api.addServerTag(ref(r), tag);
  return had ? empty(204) : empty(201, { Location: `${appUrl(r.call)}/servers/${r.param('id')}/tags/${tag}` });
}

/** Server tags (2.26). */
export const TAG_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/servers/{id}/tags', since: '2.26', handle: (r) => json(200, { tags: r.api().listServerTags(ref(r)) }) },
  { method: 'PUT', path: '/servers/{id}/tags', since: '2.26', handle: (r) => json(200, { tags: r.api().replaceServerTags(ref(r), { tags: wrapped(r.body, 'tags', { inner: 'any' }).tags } as never) }) },
  { method: 'DELETE', path: '/servers/{id}/tags', since: '2.26', handle: (r) => (r.api().deleteServerTags(ref(r)), empty(204)) },
  {
    method: 'GET',
    path: '/servers/{id}/tags/{tag}',
    since: '2.26',
    handle: (r) => {
      if (!r.api().checkServerTag(ref(r), r.param('tag'))) throw httpNotFound(`Server ${r.param('id')} has no tag '${r.param('tag').slice(0, 60)}'`);
      return empty(204);
    },
  },
  { method: 'PUT', path: '/servers/{id}/tags/{tag}', since: '2.26', handle: addTag },
  { method: 'DELETE', path: '/servers/{id}/tags/{tag}', since: '2.26', handle: (r) => (r.api().deleteServerTag(ref(r), r.param('tag')), empty(204)) },
];

// ---------------------------------------------------------------------------- instance actions

/** `ACTION_KEYS` (and `updated_at` from 2.58). */
const ACTION_KEYS = ['action', 'instance_uuid', 'request_id', 'user_id', 'project_id', 'start_time', 'message'];

/** An action as the microversion shows it; its events' `host` / `hostId` from 2.62, `details` from 2.84. */
function actionAt(r: NovaRequest, view: Readonly<View>): View {
  const out = pick(view, r.v.atLeast('2.58') ? [...ACTION_KEYS, 'updated_at'] : ACTION_KEYS);
  const events = view.events;
  if (Array.isArray(events)) {
    const admin = events.some((e: View) => Object.hasOwn(e, 'traceback'));
    if (r.v.atLeast('2.51') || admin) {
      out.events = events.map((e: View) => omit(e, [...(r.v.atLeast('2.62') ? [] : ['host', 'hostId']), ...(r.v.atLeast('2.84') ? [] : ['details'])]));
    }
  }
  return out;
}

/** `GET /servers/{id}/os-instance-actions`: newest first; from 2.58 `limit`, `marker`, `changes-since` (and 2.66 `changes-before`) with `links`. */
function listActions(r: NovaRequest): RestResponse {
  const paged = r.v.atLeast('2.58');
  const query = paged ? listQuery(r.call, r.v, ['limit', 'marker', 'changes-since', ...(r.v.atLeast('2.66') ? ['changes-before'] : [])], '2.58') : {};
  const actions = r.api().listInstanceActions(ref(r), query).map((a) => actionAt(r, a as unknown as View));
  const links = paged ? collectionLinks(r.call, `servers/${r.param('id')}/os-instance-actions`, actions, 'request_id') : [];
  return json(200, links.length > 0 ? { instanceActions: actions, links } : { instanceActions: actions });
}

/** Instance actions. */
export const ACTION_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/servers/{id}/os-instance-actions', handle: listActions },
  { method: 'GET', path: '/servers/{id}/os-instance-actions/{request_id}', handle: (r) => json(200, { instanceAction: actionAt(r, r.api().getInstanceAction(ref(r), r.param('request_id')) as unknown as View) }) },
];

// ---------------------------------------------------------------------------- volume attachments

/** `_translate_attachment_detail_view` for the microversion. */
function attachmentAt(r: NovaRequest, view: Readonly<View>): View {
  const v = r.v;
  const out: View = {};
  if (!v.atLeast('2.89')) out.id = view.volumeId;
  for (const k of ['volumeId', 'serverId', 'device']) if (view[k] !== undefined && view[k] !== null && view[k] !== '') out[k] = view[k];
  if (v.atLeast('2.70')) out.tag = view.tag ?? null;
  if (v.atLeast('2.79')) out.delete_on_termination = view.delete_on_termination ?? false;
  if (v.atLeast('2.89')) {
    out.attachment_id = view.attachment_id ?? null;
    out.bdm_uuid = view.bdm_uuid ?? null;
  }
  return out;
}

/** `POST /servers/{id}/os-volume_attachments`: 200 with nova's own short view (`id`, `serverId`, `volumeId`, `device`, 2.70 `tag`, 2.79 `delete_on_termination`). */
function attachVolume(r: NovaRequest): RestResponse {
  const attachment = unwrap(r.body, 'volumeAttachment');
  rejectKeys(attachment, 'volumeAttachment', [...(r.v.atLeast('2.49') ? [] : ['tag']), ...(r.v.atLeast('2.79') ? [] : ['delete_on_termination'])]);
  const view = r.api().attachVolume(ref(r), attachment as never) as unknown as View;
  const volumeId = view.volumeId ?? attachment.volumeId;
  const out: View = { id: volumeId, serverId: view.serverId ?? r.param('id'), volumeId, device: view.device ?? null };
  if (r.v.atLeast('2.70')) out.tag = view.tag ?? attachment.tag ?? null;
  if (r.v.atLeast('2.79')) out.delete_on_termination = view.delete_on_termination ?? attachment.delete_on_termination ?? false;
  return json(200, { volumeAttachment: out });
}

/** `PUT /servers/{id}/os-volume_attachments/{volume_id}`: 202 (2.85 `delete_on_termination`). */
function updateAttachment(r: NovaRequest): RestResponse {
  const attachment = unwrap(r.body, 'volumeAttachment');
  if (!r.v.atLeast('2.85')) {
    const extras = Object.keys(attachment).filter((k) => k !== 'volumeId');
    if (extras.length > 0) throw schemaError(additionalMessage(extras), { name: 'volumeAttachment', value: attachment });
  }
  r.api().updateVolumeAttachment(ref(r), r.param('volume_id'), attachment as never);
  return empty(202);
}

/** Volume attachments. */
export const VOLUME_ATTACHMENT_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/servers/{id}/os-volume_attachments', handle: (r) => json(200, { volumeAttachments: r.api().listVolumeAttachments(ref(r)).map((a) => attachmentAt(r, a as unknown as View)) }) },
  { method: 'POST', path: '/servers/{id}/os-volume_attachments', handle: attachVolume },
  { method: 'GET', path: '/servers/{id}/os-volume_attachments/{volume_id}', handle: (r) => json(200, { volumeAttachment: attachmentAt(r, r.api().getVolumeAttachment(ref(r), r.param('volume_id')) as unknown as View) }) },
  { method: 'PUT', path: '/servers/{id}/os-volume_attachments/{volume_id}', handle: updateAttachment },
  { method: 'DELETE', path: '/servers/{id}/os-volume_attachments/{volume_id}', handle: (r) => (r.api().detachVolume(ref(r), r.param('volume_id')), empty(202)) },
];

// ---------------------------------------------------------------------------- interfaces and addresses

/** `_translate_interface_attachment_view`: `tag` from 2.70. */
function interfaceAt(r: NovaRequest, view: Readonly<View>): View {
  return r.v.atLeast('2.70') ? { ...view } : omit(view, ['tag']);
}

/** `POST /servers/{id}/os-interface`: the body is optional (none: a network nova picks); 200 with the interface. */
function attachInterface(r: NovaRequest): RestResponse {
  let body: View = {};
  if (r.body.present) {
    const value = r.body.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw schemaError(`${pyRepr(value)} is not of type 'object'`);
    const extras = Object.keys(value).filter((k) => k !== 'interfaceAttachment');
    if (extras.length > 0) throw schemaError(additionalMessage(extras));
    const inner = (value as unknown as View).interfaceAttachment;
    if (inner !== undefined) {
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) throw schemaError(`${pyRepr(inner)} is not of type 'object'`, { name: 'interfaceAttachment', value: inner });
      body = { ...(inner as unknown as View) };
      rejectKeys(body, 'interfaceAttachment', r.v.atLeast('2.49') ? [] : ['tag']);
    }
  }
  return json(200, { interfaceAttachment: interfaceAt(r, r.api().attachInterface(ref(r), body as never) as unknown as View) });
}

/** `views/addresses.py` without `extend_address`: `{version, addr}` per address. */
function plainAddresses(addresses: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [net, list] of Object.entries(addresses)) {
    out[net] = Array.isArray(list) ? list.map((a: { version: number; addr: string }) => ({ version: a.version, addr: a.addr })) : list;
  }
  return out;
}

/** Interfaces and addresses. */
export const INTERFACE_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/servers/{id}/os-interface', handle: (r) => json(200, { interfaceAttachments: r.api().listInterfaces(ref(r)).map((i) => interfaceAt(r, i as unknown as View)) }) },
  { method: 'POST', path: '/servers/{id}/os-interface', handle: attachInterface },
  { method: 'GET', path: '/servers/{id}/os-interface/{port_id}', handle: (r) => json(200, { interfaceAttachment: interfaceAt(r, r.api().getInterface(ref(r), r.param('port_id')) as unknown as View) }) },
  { method: 'DELETE', path: '/servers/{id}/os-interface/{port_id}', handle: (r) => (r.api().detachInterface(ref(r), r.param('port_id')), empty(202)) },
  { method: 'GET', path: '/servers/{id}/ips', handle: (r) => json(200, { addresses: relink(r.call, plainAddresses(r.api().listServerAddresses(ref(r)))) }) },
  { method: 'GET', path: '/servers/{id}/ips/{network}', handle: (r) => json(200, plainAddresses(r.api().getServerAddresses(ref(r), r.param('network')))) },
];
