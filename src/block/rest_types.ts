/**
 * Volume types and QoS specs over REST.
 *
 * Types (`cinder/api/v3/types.py`, `cinder/api/contrib/types_manage.py`,
 * `cinder/api/contrib/types_extra_specs.py`, `cinder/api/contrib/volume_type_access.py`,
 * `cinder/api/schemas/volume_types.py`, `…/types_extra_specs.py`, `…/volume_type_access.py`):
 * list (`is_public` the one filter a non-admin has — from 3.52 any other is 400 —, `extra_specs`
 * read as a dict), show (`default` is the default type), create and update (200), delete (202),
 * extra specs (list, show, create, update, delete 202), the private type's access list and the
 * `addProjectAccess` / `removeProjectAccess` actions (202).
 *
 * QoS specs (`cinder/api/contrib/qos_specs_manage.py`, `cinder/api/views/qos_specs.py`,
 * `cinder/api/schemas/qos_specs.py`): list (with `qos_specs_links`), create and show (the specs
 * and their `links` beside them), update (200 with the body's specs), delete (`force`; 202),
 * `delete_keys` (202), `associations`, and the `GET` actions `associate` / `disassociate`
 * (`vol_type_id` required) and `disassociate_all` (202).
 *
 * Not simulated: admins' filters on type columns other than `name`, `description`, `id`,
 * `is_public` and `extra_specs` (an empty list, as a filter on no column).
 */
import { empty, json, type RestResponse } from '../core/index.js';
import type { BlockApi } from './api.js';
import type { QosSpecsListQuery } from './qos_specs.js';
import { callerOf, httpBadRequest, type BlockCall, type Body, type CinderRouteSpec } from './rest_http.js';
import { collectionLinks, firstOf, lastOf, objectOf, paginationParams, resourceLinks, selectFilters, sortParams, type FilterRules } from './rest_params.js';
import type { VolumeTypeListQuery } from './volume_types.js';

const api = (call: BlockCall): BlockApi => call.session().block;
const idRef = (call: BlockCall): { readonly id: string } => ({ id: call.params.id as string });
const bodyOf = (body: Body): unknown => (body.present ? body.value : null);
const key = (call: BlockCall): string => call.params.key as string;

// ---------------------------------------------------------------------------- types

/** `resource_filters.json` `volume_type`, and `_get_vol_type_filter_options`. */
const TYPE_FILTERS: FilterRules = { userFilters: ['is_public'] };
const TYPE_API_FILTERS = ['is_public', 'name', 'description', 'id'];

/** A dict filter (`ast.literal_eval`; Python's quotes or JSON's), or undefined. */
function dictFilter(text: string): Record<string, string> | undefined {
  for (const candidate of [text, text.replace(/'/g, '"')]) {
    try {
      const value = JSON.parse(candidate) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')) return value as Record<string, string>;
      return undefined;
    } catch {
      // the next reading
    }
  }
  return undefined;
}

/** `_get_volume_types`: filters (3.52: the general filtering), paging and sorting. */
function listTypes(call: BlockCall): RestResponse {
  const { isAdmin } = callerOf(call);
  const page = paginationParams(call);
  const sort = sortParams(call);
  const filters = selectFilters(call, TYPE_FILTERS, isAdmin);
  const query: Record<string, unknown> = { sort_key: sort.keys[0], sort_dir: sort.dirs[0], limit: page.limit, offset: page.offset };
  if (page.marker !== undefined) query.marker = page.marker;
  for (const [name, value] of filters) {
    if (TYPE_API_FILTERS.includes(name)) query[name] = value;
    else if (name === 'extra_specs') {
      const specs = dictFilter(value);
      if (specs === undefined) return json(200, { volume_types: [] });
      query.extra_specs = specs;
    } else if (name !== 'all_tenants') return json(200, { volume_types: [] });
  }
  return json(200, { volume_types: api(call).listVolumeTypes(query as VolumeTypeListQuery) });
}

/** `volume_types.create`: `{"volume_type": {…}}` and nothing else; 200 with the type. */
function createType(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(bodyOf(body), { properties: { volume_type: (value) => objectOf(value, {}, 'volume_type') }, required: ['volume_type'], allowed: ['volume_type'] });
  return json(200, { volume_type: api(call).createVolumeType(top.volume_type as never) });
}

/** `volume_types.update`. */
function updateType(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(bodyOf(body), { properties: { volume_type: (value) => objectOf(value, {}, 'volume_type') }, required: ['volume_type'], allowed: ['volume_type'] });
  return json(200, { volume_type: api(call).updateVolumeType(idRef(call), top.volume_type as never) });
}

/** The volume type routes below `/v3/{project_id}`. */
export const TYPE_ROUTES: readonly CinderRouteSpec[] = [
  { method: 'GET', path: '/types', handle: listTypes },
  { method: 'POST', path: '/types', handle: createType },
  { method: 'GET', path: '/types/default', handle: (call) => json(200, { volume_type: api(call).getDefaultVolumeType() }) },
  { method: 'GET', path: '/types/{id}', handle: (call) => json(200, { volume_type: api(call).getVolumeType(idRef(call)) }) },
  { method: 'PUT', path: '/types/{id}', handle: updateType },
  { method: 'DELETE', path: '/types/{id}', handle: (call) => (api(call).deleteVolumeType(idRef(call)), empty(202)) },
  { method: 'GET', path: '/types/{id}/extra_specs', handle: (call) => json(200, { extra_specs: api(call).listVolumeTypeExtraSpecs(idRef(call)) }) },
  { method: 'POST', path: '/types/{id}/extra_specs', handle: (call, body) => json(200, { extra_specs: api(call).createVolumeTypeExtraSpecs(idRef(call), bodyOf(body) as never) }) },
  { method: 'GET', path: '/types/{id}/extra_specs/{key}', handle: (call) => json(200, api(call).getVolumeTypeExtraSpec(idRef(call), key(call))) },
  { method: 'PUT', path: '/types/{id}/extra_specs/{key}', handle: (call, body) => json(200, api(call).updateVolumeTypeExtraSpec(idRef(call), key(call), bodyOf(body) as never)) },
  { method: 'DELETE', path: '/types/{id}/extra_specs/{key}', handle: (call) => (api(call).deleteVolumeTypeExtraSpec(idRef(call), key(call)), empty(202)) },
  { method: 'GET', path: '/types/{id}/os-volume-type-access', handle: (call) => json(200, { volume_type_access: api(call).listVolumeTypeAccess(idRef(call)) }) },
  {
    method: 'POST',
    path: '/types/{id}/action',
    actions: {
      addProjectAccess: { handle: (call, id, value) => (api(call).addVolumeTypeAccess({ id }, value as never), empty(202)) },
      removeProjectAccess: { handle: (call, id, value) => (api(call).removeVolumeTypeAccess({ id }, value as never), empty(202)) },
    },
  },
];

// ---------------------------------------------------------------------------- QoS specs

/** `index`: every parameter but paging and sorting is a filter (`id`, `name`, `consumer`). */
function listQos(call: BlockCall): RestResponse {
  const page = paginationParams(call);
  const sort = sortParams(call);
  const query: Record<string, unknown> = { sort_key: sort.keys[0], sort_dir: sort.dirs[0], limit: page.limit, offset: page.offset };
  if (page.marker !== undefined) query.marker = page.marker;
  for (const [name] of call.query.entries()) {
    if (['limit', 'marker', 'offset', 'sort', 'sort_key', 'sort_dir'].includes(name)) continue;
    if (!['id', 'name', 'consumer'].includes(name)) return json(200, { qos_specs: [] });
    query[name] = lastOf(call, name);
  }
  const specs = api(call).listQosSpecs(query as QosSpecsListQuery);
  const body: Record<string, unknown> = { qos_specs: specs };
  const links = collectionLinks(call, 'qos-specs', specs);
  if (links.length > 0) body.qos_specs_links = links;
  return json(200, body);
}

/** `ViewBuilder.detail`: the specs and, beside them, their links. */
function qosDetail(call: BlockCall, view: { readonly id: string }): RestResponse {
  return json(200, { qos_specs: view, links: resourceLinks(call, 'qos-specs', view.id) });
}

/** `create`: `{"qos_specs": {name, …}}` and nothing else. */
function createQos(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(bodyOf(body), { properties: { qos_specs: (value) => objectOf(value, { required: ['name'] }, 'qos_specs') }, required: ['qos_specs'], allowed: ['qos_specs'] });
  return qosDetail(call, api(call).createQosSpecs(top.qos_specs as never));
}

/** `update` (`set`): `{"qos_specs": {…}}`; 200 with the specs set. */
function updateQos(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(bodyOf(body), { properties: { qos_specs: (value) => objectOf(value, {}, 'qos_specs') }, required: ['qos_specs'], allowed: ['qos_specs'] });
  return json(200, { qos_specs: api(call).setQosSpecsKeys(idRef(call), top.qos_specs as Record<string, string>) });
}

/** `associate` / `disassociate`: `vol_type_id` is required ("Volume Type id must not be None."). */
function volTypeId(call: BlockCall): string {
  const id = firstOf(call, 'vol_type_id');
  if (id === undefined || id === '') throw httpBadRequest('Volume Type id must not be None.', 'vol_type_id');
  return id;
}

/** The QoS specs routes below `/v3/{project_id}`. */
export const QOS_ROUTES: readonly CinderRouteSpec[] = [
  { method: 'GET', path: '/qos-specs', handle: listQos },
  { method: 'POST', path: '/qos-specs', handle: createQos },
  { method: 'GET', path: '/qos-specs/{id}', handle: (call) => qosDetail(call, api(call).getQosSpecs(idRef(call))) },
  { method: 'PUT', path: '/qos-specs/{id}', handle: updateQos },
  {
    method: 'DELETE',
    path: '/qos-specs/{id}',
    handle: (call) => {
      const force = lastOf(call, 'force');
      api(call).deleteQosSpecs(idRef(call), force === undefined ? {} : { force });
      return empty(202);
    },
  },
  { method: 'PUT', path: '/qos-specs/{id}/delete_keys', handle: (call, body) => (api(call).unsetQosSpecsKeys(idRef(call), bodyOf(body) as never), empty(202)) },
  { method: 'GET', path: '/qos-specs/{id}/associations', handle: (call) => json(200, { qos_associations: api(call).listQosSpecsAssociations(idRef(call)) }) },
  { method: 'GET', path: '/qos-specs/{id}/associate', handle: (call) => (api(call).associateQosSpecs(idRef(call), volTypeId(call)), empty(202)) },
  { method: 'GET', path: '/qos-specs/{id}/disassociate', handle: (call) => (api(call).disassociateQosSpecs(idRef(call), volTypeId(call)), empty(202)) },
  { method: 'GET', path: '/qos-specs/{id}/disassociate_all', handle: (call) => (api(call).disassociateAllQosSpecs(idRef(call)), empty(202)) },
];
