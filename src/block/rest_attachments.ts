/**
 * Attachments and volume transfers over REST.
 *
 * Attachments (`cinder/api/v3/attachments.py`, `cinder/api/v3/views/attachments.py`,
 * `cinder/api/schemas/attachments.py`), every method from 3.27 (404 below): list (summaries) and
 * `detail`, show, create (200, `mode` from 3.54), update (`{"attachment": {"connector": …}}`),
 * delete (200 with the volume's attachments left), `os-complete` (3.44, 204). The session API
 * takes the microversion (`{ microversion }`) and checks the inner objects.
 *
 * Transfers (`cinder/api/contrib/volume_transfer.py` under `/os-volume-transfer` and
 * `cinder/api/v3/volume_transfer.py` under `/volume-transfers`, `cinder/api/views/transfers.py`,
 * `cinder/api/schemas/volume_transfer.py`): list and `detail`, show, create (202 with the
 * `auth_key`; `no_snapshots` from 3.55 on `/volume-transfers` only), accept (202), delete (202).
 * Views: `no_snapshots` from 3.55, `destination_project_id` / `source_project_id` / `accepted`
 * from 3.57; links under `os-volume-transfer` (the view builder's collection) to this server;
 * paging parameters from 3.59 on `/volume-transfers` (`common.limited` applies `limit` and
 * `offset` to every list).
 *
 * Not simulated: encrypted volume transfers (3.70: no volume is encrypted here).
 */
import { empty, json, type RestResponse } from '../core/index.js';
import type { BlockApi } from './api.js';
import { mv, type BlockCall, type Body, type CinderRouteSpec } from './rest_http.js';
import { collectionLinks, firstOf, lastOf, objectOf, paginationParams, resourceLinks, sortParams } from './rest_params.js';
import type { TransferListQuery, TransferSummary, TransferView } from './transfers.js';

const api = (call: BlockCall): BlockApi => call.session().block;
const idRef = (call: BlockCall): { readonly id: string } => ({ id: call.params.id as string });
const bodyOf = (body: Body): unknown => (body.present ? body.value : null);
const version = (call: BlockCall): { readonly microversion: string } => ({ microversion: `${mv(call).major}.${mv(call).minor}` });
type Row = Readonly<Record<string, unknown>>;

// ---------------------------------------------------------------------------- attachments

/** The query of `_items` as the session API takes it (each parameter's last value; it checks them). */
function attachmentQuery(call: BlockCall): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [name] of call.query.entries()) Object.defineProperty(q, name, { value: lastOf(call, name), enumerable: true, writable: true, configurable: true });
  return q;
}

/** `create`: `{"attachment": {volume_uuid, instance_uuid, connector, mode (3.54)}}`; 200 with the attachment. */
function createAttachment(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(bodyOf(body), { required: ['attachment'], allowed: ['attachment'] });
  return json(200, { attachment: api(call).createAttachment(top.attachment as never, version(call)) });
}

/** `update`: `{"attachment": {"connector": {…}}}`; 200 with the attachment and its `connection_info`. */
function updateAttachment(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(bodyOf(body), { required: ['attachment'], allowed: ['attachment'] });
  return json(200, { attachment: api(call).updateAttachment(idRef(call), top.attachment as never, version(call)) });
}

/** The attachment routes below `/v3/{project_id}` (3.27). */
export const ATTACHMENT_ROUTES: readonly CinderRouteSpec[] = [
  { method: 'GET', path: '/attachments', since: '3.27', handle: (call) => json(200, { attachments: api(call).listAttachmentSummaries(attachmentQuery(call), version(call)) }) },
  { method: 'GET', path: '/attachments/detail', since: '3.27', handle: (call) => json(200, { attachments: api(call).listAttachments(attachmentQuery(call), version(call)) }) },
  { method: 'POST', path: '/attachments', since: '3.27', handle: createAttachment },
  { method: 'GET', path: '/attachments/{id}', since: '3.27', handle: (call) => json(200, { attachment: api(call).getAttachment(idRef(call), version(call)) }) },
  { method: 'PUT', path: '/attachments/{id}', since: '3.27', handle: updateAttachment },
  { method: 'DELETE', path: '/attachments/{id}', since: '3.27', handle: (call) => json(200, { attachments: api(call).deleteAttachment(idRef(call), version(call)) }) },
  {
    method: 'POST',
    path: '/attachments/{id}/action',
    actions: { 'os-complete': { since: '3.44', handle: (call, id) => (api(call).completeAttachment({ id }, version(call)), { status: 204 }) } },
  },
];

// ---------------------------------------------------------------------------- transfers

/** `ViewBuilder.detail` (and `create`, with the `auth_key`) at the microversion. */
function transferAt(call: BlockCall, view: TransferView & { readonly auth_key?: string }): Row {
  const v = mv(call);
  const out: Record<string, unknown> = { id: view.id, created_at: view.created_at, name: view.name, volume_id: view.volume_id };
  if (view.auth_key !== undefined) out.auth_key = view.auth_key;
  out.links = resourceLinks(call, 'os-volume-transfer', view.id);
  if (v.atLeast('3.55')) out.no_snapshots = view.no_snapshots;
  if (v.atLeast('3.57')) Object.assign(out, { destination_project_id: view.destination_project_id, source_project_id: view.source_project_id, accepted: view.accepted });
  return out;
}

/** `ViewBuilder.summary`. */
function transferSummary(call: BlockCall, t: TransferSummary): Row {
  return { id: t.id, volume_id: t.volume_id, name: t.name, links: resourceLinks(call, 'os-volume-transfer', t.id) };
}

/**
 * `_get_transfers`: from 3.59 on `/volume-transfers` the paging and sort parameters, else
 * `created_at`, `id` ascending; `common.limited` then applies `offset` and `limit` to the page;
 * other parameters are filters (`name`, `volume_id`, `source_project_id`, `no_snapshots`,
 * `all_tenants` for admins).
 */
function listTransfers(call: BlockCall, detail: boolean, v3: boolean): RestResponse {
  const paged = v3 && mv(call).atLeast('3.59');
  const query: Record<string, unknown> = {};
  for (const name of ['name', 'volume_id', 'source_project_id', 'no_snapshots', 'all_tenants']) {
    const value = lastOf(call, name);
    if (value !== undefined) query[name] = value;
  }
  const page = paginationParams(call);
  if (paged) {
    const sort = sortParams(call);
    query.sort_key = sort.keys[0] === 'name' ? 'display_name' : sort.keys[0];
    query.sort_dir = sort.dirs[0];
    const marker = firstOf(call, 'marker');
    if (marker !== undefined) query.marker = marker;
  } else {
    query.sort_key = 'created_at';
    query.sort_dir = 'asc';
  }
  const a = api(call);
  const views = a.listVolumeTransfers(query as TransferListQuery);
  const rows = views.slice(page.offset, page.offset + page.limit);
  const body: Record<string, unknown> = { transfers: rows.map((t) => (detail ? transferAt(call, t) : transferSummary(call, t))) };
  const links = collectionLinks(call, 'os-volume-transfer', rows, views.length);
  if (links.length > 0) body.transfers_links = links;
  return json(200, body);
}

/** `create`: `{"transfer": {volume_id, name, no_snapshots (3.55, /volume-transfers)}}`; 202 with the `auth_key`. */
function createTransfer(call: BlockCall, body: Body, v3: boolean): RestResponse {
  const allowed = ['volume_id', 'name', ...(v3 && mv(call).atLeast('3.55') ? ['no_snapshots'] : [])];
  const top = objectOf(bodyOf(body), { properties: { transfer: (value) => objectOf(value, { required: ['volume_id'], allowed }, 'transfer') }, required: ['transfer'], allowed: ['transfer'] });
  const transfer = { ...(top.transfer as Record<string, unknown>) };
  if (typeof transfer.name === 'string') transfer.name = transfer.name.trim();
  return json(202, { transfer: transferAt(call, api(call).createVolumeTransfer(transfer as never)) });
}

/** `accept`: `{"accept": {"auth_key": …}}`; 202 with the summary. */
function acceptTransfer(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(bodyOf(body), { properties: { accept: (value) => objectOf(value, { required: ['auth_key'], allowed: ['auth_key'] }, 'accept') }, required: ['accept'], allowed: ['accept'] });
  return json(202, { transfer: transferSummary(call, api(call).acceptVolumeTransfer(idRef(call), top.accept as never)) });
}

/** Both collections of transfers, the extension's and v3's. */
function transferRoutes(path: string, v3: boolean): CinderRouteSpec[] {
  return [
    { method: 'GET', path, handle: (call) => listTransfers(call, false, v3) },
    { method: 'GET', path: `${path}/detail`, handle: (call) => listTransfers(call, true, v3) },
    { method: 'POST', path, handle: (call, body) => createTransfer(call, body, v3) },
    { method: 'GET', path: `${path}/{id}`, handle: (call) => json(200, { transfer: transferAt(call, api(call).getVolumeTransfer(idRef(call))) }) },
    { method: 'DELETE', path: `${path}/{id}`, handle: (call) => (api(call).deleteVolumeTransfer(idRef(call)), empty(202)) },
    { method: 'POST', path: `${path}/{id}/accept`, handle: acceptTransfer },
  ];
}

/** The transfer routes below `/v3/{project_id}`: `/os-volume-transfer` and `/volume-transfers`. */
export const TRANSFER_ROUTES: readonly CinderRouteSpec[] = [...transferRoutes('/os-volume-transfer', false), ...transferRoutes('/volume-transfers', true)];
