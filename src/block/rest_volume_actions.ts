/**
 * A volume's metadata and its actions beyond `os-extend` / `os-force_delete` over REST:
 * `cinder/api/v3/volume_metadata.py` over `cinder/api/v2/volume_metadata.py` (`GET` / `POST` /
 * `PUT …/metadata`, `GET` / `PUT` / `DELETE …/metadata/{key}`; from 3.15 the list carries an
 * `Etag`, webob's own response with its `text/html` type, and a replace or an item update with an
 * `If-Match` that no longer matches is an empty 412), `cinder/api/contrib/volume_actions.py`
 * (`os-retype`, `os-volume_upload_image` — `visibility` and `protected` from 3.1 —,
 * `os-update_readonly_flag`, `os-set_bootable`), `cinder/api/contrib/admin_actions.py`
 * (`os-reset_status`, `os-migrate_volume`) and `cinder/api/contrib/volume_image_metadata.py`
 * (`os-set_image_metadata`, `os-unset_image_metadata`, `os-show_image_metadata`). Status codes
 * are the controllers' (`@wsgi.response`): 202 for most actions, 200 for `os-set_bootable` and
 * the image metadata ones.
 *
 * Not simulated: `os-attach` / `os-detach` / `os-reserve` / `os-unreserve` /
 * `os-begin_detaching` / `os-roll_detaching` / `os-initialize_connection` /
 * `os-terminate_connection` (the attachments API replaces them), `os-force_detach`,
 * `os-migrate_volume_completion`, `os-reimage`, `os-unmanage`.
 */
import { empty, json, type RestResponse } from '../core/index.js';
import type { BlockApi } from './api.js';
import { mv, type BlockCall, type Body, type CinderAction, type CinderRouteSpec } from './rest_http.js';

const api = (call: BlockCall): BlockApi => call.session().block;
const idRef = (call: BlockCall): { readonly id: string } => ({ id: call.params.id as string });
const bodyOf = (body: Body): unknown => (body.present ? body.value : null);
const key = (call: BlockCall): string => call.params.key as string;

/**
 * webob's `req.if_match` as `_validate_etag` reads it (from 3.15): absent or `*` checks nothing;
 * else the entity tags given (quotes and a weak `W/` taken off).
 */
function ifMatch(call: BlockCall): { ifMatch?: string[] } {
  if (!mv(call).atLeast('3.15')) return {};
  const raw = call.header('If-Match');
  if (raw === undefined || raw.trim() === '*' || raw.trim() === '') return {};
  const tags = raw.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1')).filter((t) => t !== '');
  return { ifMatch: tags };
}

/** `index`: `{"metadata": …}`; from 3.15 as webob's response with the `Etag` of the body. */
function listMetadata(call: BlockCall): RestResponse {
  const a = api(call);
  const view = a.getVolumeMetadata(idRef(call));
  if (!mv(call).atLeast('3.15')) return json(200, view);
  return json(200, view, { Etag: a.getVolumeMetadataEtag(idRef(call)), 'Content-Type': 'text/html; charset=UTF-8' });
}

/** The volume metadata routes below `/v3/{project_id}`. */
export const VOLUME_METADATA_ROUTES: readonly CinderRouteSpec[] = [
  { method: 'GET', path: '/volumes/{id}/metadata', handle: listMetadata },
  { method: 'POST', path: '/volumes/{id}/metadata', handle: (call, body) => json(200, api(call).createVolumeMetadata(idRef(call), bodyOf(body) as never)) },
  { method: 'PUT', path: '/volumes/{id}/metadata', handle: (call, body) => json(200, api(call).replaceVolumeMetadata(idRef(call), bodyOf(body) as never, ifMatch(call))) },
  { method: 'GET', path: '/volumes/{id}/metadata/{key}', handle: (call) => json(200, api(call).getVolumeMetadataItem(idRef(call), key(call))) },
  { method: 'PUT', path: '/volumes/{id}/metadata/{key}', handle: (call, body) => json(200, api(call).updateVolumeMetadataItem(idRef(call), key(call), bodyOf(body) as never, ifMatch(call))) },
  { method: 'DELETE', path: '/volumes/{id}/metadata/{key}', handle: (call) => (api(call).deleteVolumeMetadataItem(idRef(call), key(call)), { status: 200 }) },
];

/** `os-volume_upload_image`: before 3.1 `visibility` and `protected` are not read. */
function uploadImage(call: BlockCall, id: string, value: unknown): RestResponse {
  let body = value;
  if (!mv(call).atLeast('3.1') && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { visibility: _v, protected: _p, ...rest } = value as Record<string, unknown>;
    body = rest;
  }
  return json(202, { 'os-volume_upload_image': api(call).uploadVolumeToImage({ id }, body as never) });
}

/** The volume actions of this file, by name, for `POST /volumes/{id}/action`. */
export const VOLUME_ACTIONS: Readonly<Record<string, CinderAction>> = {
  'os-retype': { handle: (call, id, value) => (api(call).retypeVolume({ id }, value as never), empty(202)) },
  'os-migrate_volume': { handle: (call, id, value) => (api(call).migrateVolume({ id }, value as never), empty(202)) },
  'os-volume_upload_image': { handle: uploadImage },
  'os-reset_status': { handle: (call, id, value) => (api(call).resetVolumeStatus({ id }, value as never), empty(202)) },
  'os-update_readonly_flag': { handle: (call, id, value) => (api(call).updateVolumeReadonlyFlag({ id }, value as never), empty(202)) },
  'os-set_bootable': { handle: (call, id, value) => (api(call).setVolumeBootable({ id }, value as never), { status: 200 }) },
  'os-show_image_metadata': { handle: (call, id) => json(200, api(call).getVolumeImageMetadata({ id })) },
  'os-set_image_metadata': { handle: (call, id, value) => json(200, api(call).setVolumeImageMetadata({ id }, value as never)) },
  'os-unset_image_metadata': { handle: (call, id, value) => (api(call).unsetVolumeImageMetadata({ id }, value as never), { status: 200 }) },
};
