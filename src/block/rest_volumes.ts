/**
 * The volumes of the Block Storage API v3 over REST (`cinder/api/v3/volumes.py` and
 * `cinder/api/v2/volumes.py` `VolumeController`, `cinder/api/v3/views/volumes.py`,
 * `cinder/api/schemas/volumes.py`, `cinder/api/contrib/volume_actions.py` `os-extend`,
 * `cinder/api/contrib/admin_actions.py` `os-force_delete`): list (`index`, summaries) and
 * `detail`, `summary` (3.12), create (202), show, update, delete (202, `cascade`, `force` since
 * 3.23), and the actions. What the URL and the body say is translated the way the controller
 * does (`name` / `display_name`, `image_id` → `imageRef`, the list's filters by microversion and
 * by `resource_filters.json`); the session API validates, enforces policy and commits.
 *
 * Views are cut to the negotiated microversion (`group_id` 3.13, `provider_id` 3.21,
 * `shared_targets` / `service_uuid` 3.48 — a null `shared_targets` is `true` before 3.69 —,
 * `cluster_name` 3.61, `volume_type_id` 3.63, `consumes_quota` 3.65), with links to this
 * server (`_get_links`: the project id in them when the URL has one).
 *
 * Not simulated: several sort keys (the first counts), `~` (like) filters, `glance_metadata`
 * filtering, admins' filters on columns no view shows (`host` aside): they answer an empty list
 * as a filter on no column does; `OS-SCH-HNT:scheduler_hints`; `force` together with `cascade`
 * (force deletes without cascading); the nova-specific image snapshot of 3.46.
 */
import { empty, json, type RestResponse } from '../core/index.js';
import type { BlockApi } from './api.js';
import { CinderError } from './errors.js';
import { callerOf, httpBadRequest, mv, type BlockCall, type Body, type CinderRouteSpec } from './rest_http.js';
import {
  boolParam,
  boolValue,
  collectionLinks,
  fieldEquals,
  literal,
  notOfType,
  objectOf,
  paginationParams,
  pyRepr,
  resourceLinks,
  schemaError,
  selectFilters,
  sortParams,
  volumeSizeOf,
  type FilterRules,
} from './rest_params.js';
import { VOLUME_ACTIONS } from './rest_volume_actions.js';
import type { VolumeView } from './views.js';
import type { VolumeListQuery } from './volumes.js';

const api = (call: BlockCall): BlockApi => call.session().block;
const idRef = (call: BlockCall): { readonly id: string } => ({ id: call.params.id as string });
type Row = Readonly<Record<string, unknown>>;

/** A volume's detailed view at the negotiated microversion (`ViewBuilder.detail` of v3), links to this server. */
export function volumeAt(call: BlockCall, view: VolumeView): Row {
  const v = mv(call);
  const out: Record<string, unknown> = { ...view, links: resourceLinks(call, 'volumes', view.id) };
  if (!v.atLeast('3.13')) delete out.group_id;
  if (!v.atLeast('3.21')) delete out.provider_id;
  if (!v.atLeast('3.48')) {
    delete out.shared_targets;
    delete out.service_uuid;
  } else if (!v.atLeast('3.69') && out.shared_targets === null) out.shared_targets = true;
  if (!v.atLeast('3.61')) delete out.cluster_name;
  if (!v.atLeast('3.63')) delete out.volume_type_id;
  if (!v.atLeast('3.65')) delete out.consumes_quota;
  return out;
}

// ---------------------------------------------------------------------------- lists

/** Volumes' filter rules: `resource_filters.json` `volume`, `MV_ADDED_FILTERS`, `consumes_quota` as `use_quota`. */
const VOLUME_FILTERS: FilterRules = {
  userFilters: ['name', 'status', 'metadata', 'bootable', 'migration_status', 'availability_zone', 'group_id', 'size', 'created_at', 'updated_at', 'consumes_quota'],
  mvAdded: [['3.4', 'glance_metadata'], ['3.10', 'group_id'], ['3.60', 'created_at'], ['3.60', 'updated_at'], ['3.65', 'consumes_quota']],
  converters: { consumes_quota: 'use_quota' },
};
/** Filters the session API applies itself. */
const API_FILTERS = new Set(['name', 'status', 'availability_zone', 'bootable', 'metadata', 'all_tenants', 'project_id']);
/** `get_time_comparison_operators`. */
const TIME_OPERATORS = ['gt', 'gte', 'eq', 'neq', 'lt', 'lte'];

/** A `metadata` filter (`{'key': 'value'}`, Python's or JSON's quotes): its pairs, or undefined when it is no dict of strings. */
function metadataFilter(text: string): Record<string, string> | undefined {
  for (const candidate of [text, text.replace(/'/g, '"')]) {
    try {
      const value = JSON.parse(candidate) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      if (!Object.values(value).every((v) => typeof v === 'string')) return undefined;
      return value as Record<string, string>;
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

/** `_handle_time_comparison_filters`: `op:time[,op:time]`, each an operator and an ISO time. */
function timeFilter(name: string, text: string): ((t: string | null) => boolean) {
  const tests: ((t: number) => boolean)[] = [];
  for (const unit of text.split(',')) {
    const at = unit.indexOf(':');
    const op = at < 0 ? unit : unit.slice(0, at);
    if (!TIME_OPERATORS.includes(op)) throw httpBadRequest(`Invalid ${op.slice(0, 40)} operator`, name);
    if (at < 0) throw httpBadRequest(`Invalid ${name} value`, name);
    const time = unit.slice(at + 1);
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(time) ? time : `${time}Z`);
    if (!/^\d{4}-\d\d-\d\d/.test(time) || Number.isNaN(ms)) throw httpBadRequest(`Invalid ${time.slice(0, 60)} value`, name);
    tests.push((t) => (op === 'gt' ? t > ms : op === 'gte' ? t >= ms : op === 'eq' ? t === ms : op === 'neq' ? t !== ms : op === 'lt' ? t < ms : t <= ms));
  }
  return (t) => t !== null && tests.every((f) => f(Date.parse(`${t}Z`)));
}

/** The view field a column filter compares (an admin's `host` is the host attribute, as `_filter_host` matches it). */
function columnTest(name: string, value: string, isAdmin: boolean): ((v: VolumeView) => boolean) | undefined {
  if (name === 'host' && isAdmin) {
    return (v) => {
      const host = v['os-vol-host-attr:host'] ?? null;
      return host !== null && (host === value || host.startsWith(`${value}@`) || host.startsWith(`${value}#`));
    };
  }
  if (name === 'use_quota') {
    const want = boolValue(value, 'consumes_quota');
    return (v) => v.consumes_quota === want;
  }
  const field = name === 'display_description' ? 'description' : name;
  const known = ['size', 'migration_status', 'group_id', 'user_id', 'snapshot_id', 'source_volid', 'volume_type_id', 'multiattach', 'replication_status', 'consistencygroup_id', 'encrypted', 'service_uuid', 'id', 'description'];
  return known.includes(field) ? (v) => fieldEquals(v as unknown as Row, field, value) : undefined;
}

/**
 * `_get_volumes`: the filters as the controller keeps them for this caller and microversion
 * (from 3.31 `reject_invalid_filters`: 400 "Invalid filters … are found in query options." for a
 * non-admin's filter outside `resource_filters.json`, `all_tenants` silently dropped; before,
 * the ones a non-admin may not use are dropped), the session API's query, and the tests the
 * session API does not apply. `empty` when a filter can match nothing (a filter on no column).
 */
function volumeFilters(call: BlockCall): { query: Record<string, unknown>; tests: ((v: VolumeView) => boolean)[]; empty: boolean } {
  const { isAdmin } = callerOf(call);
  const v = mv(call);
  const filters = selectFilters(call, VOLUME_FILTERS, isAdmin);
  const query: Record<string, unknown> = {};
  const tests: ((v: VolumeView) => boolean)[] = [];
  let none = false;
  for (const [name, value] of filters) {
    if (name === 'metadata') {
      const pairs = metadataFilter(value);
      if (pairs === undefined) none = true;
      else query.metadata = pairs;
    } else if (name === 'created_at' || name === 'updated_at') {
      const test = timeFilter(name, value);
      tests.push((view) => test(view[name]));
    } else if (name === 'bootable') {
      query.bootable = v.atLeast('3.2') ? boolValue(value, 'bootable') : !['false', 'False', 'FALSE'].includes(value);
    } else if (name === 'all_tenants') {
      query.all_tenants = boolValue(value, 'all_tenants');
    } else if (API_FILTERS.has(name)) {
      query[name] = name === 'name' ? value : String(literal(value));
    } else {
      const test = columnTest(name, value, isAdmin);
      if (test === undefined) none = true;
      else tests.push(test);
    }
  }
  return { query, tests, empty: none };
}

/** `GET /volumes` and `/volumes/detail`: filters, sorting, `marker` / `offset` / `limit`, `with_count` (3.45), `volumes_links`. */
function listVolumes(call: BlockCall, detail: boolean): RestResponse {
  const page = paginationParams(call);
  const sort = sortParams(call);
  const withCount = mv(call).atLeast('3.45') && boolParam(call, 'with_count');
  const { query, tests, empty: none } = volumeFilters(call);
  const key = sort.keys[0] === 'display_name' ? 'name' : sort.keys[0];
  const ordered: Record<string, unknown> = { ...query, sort_key: key, sort_dir: sort.dirs[0] };
  if (page.marker !== undefined) ordered.marker = page.marker;
  const pass = (views: readonly VolumeView[]): VolumeView[] => (none ? [] : views.filter((view) => tests.every((t) => t(view))));
  const a = api(call);
  const rows = pass(a.listVolumes(ordered as VolumeListQuery)).slice(page.offset, page.offset + page.limit);
  const count = withCount ? pass(a.listVolumes({ ...query, sort_key: key, sort_dir: sort.dirs[0] } as VolumeListQuery)).length : undefined;
  const items = rows.map((view) => (detail ? volumeAt(call, view) : { id: view.id, name: view.name, links: resourceLinks(call, 'volumes', view.id) }));
  const body: Record<string, unknown> = { volumes: items };
  const links = collectionLinks(call, detail ? 'volumes/detail' : 'volumes', rows, count);
  if (links.length > 0) body.volumes_links = links;
  if (count !== undefined) body.count = count;
  return json(200, body);
}

/** `summary` (3.12): count and total size of the caller's volumes (every project's for an admin with `all_tenants`), their distinct metadata (3.36). */
function volumeSummary(call: BlockCall): RestResponse {
  const { isAdmin } = callerOf(call);
  const all = isAdmin && boolParam(call, 'all_tenants');
  const views = api(call).listVolumes(all ? { all_tenants: true } : {});
  const summary: Record<string, unknown> = { total_count: views.length, total_size: views.reduce((n, v) => n + v.size, 0) };
  if (mv(call).atLeast('3.36')) {
    const metadata: Record<string, string[]> = {};
    for (const view of views) {
      for (const [k, value] of Object.entries(view.metadata)) {
        const list = Object.hasOwn(metadata, k) ? (metadata[k] as string[]) : (Object.defineProperty(metadata, k, { value: [], enumerable: true, writable: true, configurable: true }), metadata[k] as string[]);
        if (!list.includes(value)) list.push(value);
      }
    }
    summary.metadata = metadata;
  }
  return json(200, { 'volume-summary': summary });
}

// ---------------------------------------------------------------------------- create / update

/** The properties of `create_volume_v353.volume` (3.53: nothing else is allowed). */
const CREATE_PROPERTIES = ['name', 'description', 'display_name', 'display_description', 'volume_type', 'metadata', 'snapshot_id', 'source_volid', 'consistencygroup_id', 'size', 'availability_zone', 'multiattach', 'image_id', 'imageRef', 'group_id', 'backup_id'];
const UPDATE_PROPERTIES = ['name', 'description', 'display_name', 'display_description', 'metadata'];
/** What `create` reads of the volume, once `display_name`, `display_description` and `image_id` are renamed. */
const READ_PROPERTIES = ['name', 'description', 'volume_type', 'metadata', 'snapshot_id', 'source_volid', 'size', 'availability_zone', 'imageRef', 'backup_id'];

/** `validate_name_and_description(…, check_length=False)`: string names and descriptions lose their surrounding whitespace. */
function stripped(volume: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(volume)) {
    const value = ['name', 'description', 'display_name', 'display_description'].includes(k) && typeof v === 'string' ? v.trim() : v;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Moves `from` to `to` as the controller's `volume[to] = volume.pop(from)` does (the value of `from` wins). */
function rename(body: Record<string, unknown>, from: string, to: string): void {
  if (!Object.hasOwn(body, from)) return;
  Object.defineProperty(body, to, { value: body[from], enumerable: true, writable: true, configurable: true });
  delete body[from];
}

/**
 * `create`: the schema of the microversion (`create`, `create_volume_v353` whose volume takes no
 * other property), `multiattach` refused as the v3 controller refuses it, a group (no groups
 * here: 404 `GroupNotFound`), then `session.block.createVolume`: 202 with the volume `creating`.
 */
function createVolume(call: BlockCall, body: Body): RestResponse {
  const strict = mv(call).atLeast('3.53');
  const top = objectOf(
    body.present ? body.value : null,
    {
      properties: {
        volume: (value) => objectOf(value, strict ? { allowed: CREATE_PROPERTIES } : {}, 'volume'),
        'OS-SCH-HNT:scheduler_hints': (value) => {
          if (value !== null && (typeof value !== 'object' || Array.isArray(value))) throw schemaError(notOfType(value, 'object', 'null'), { name: 'OS-SCH-HNT:scheduler_hints', value });
        },
      },
      required: ['volume'],
      allowed: ['volume', 'OS-SCH-HNT:scheduler_hints'],
    },
  );
  const volume = stripped(top.volume as Record<string, unknown>);
  // `volume['display_name'] = volume.pop('name')`: `name` wins over `display_name`; `image_id` over `imageRef`
  rename(volume, 'name', 'display_name');
  rename(volume, 'display_name', 'name');
  rename(volume, 'description', 'display_description');
  rename(volume, 'display_description', 'description');
  rename(volume, 'image_id', 'imageRef');
  for (const key of ['consistencygroup_id', 'group_id']) {
    const group = volume[key];
    if (group !== undefined && group !== null) throw new CinderError(404, 'block.group.not_found', 'GroupNotFound', `Group ${typeof group === 'string' ? group.slice(0, 255) : pyRepr(group)} could not be found.`, { field: key });
    delete volume[key];
  }
  if (Object.hasOwn(volume, 'multiattach')) {
    const raw = volume.multiattach;
    if (typeof raw === 'boolean' ? raw : boolValue(String(raw === null ? 'None' : raw), 'multiattach')) {
      throw httpBadRequest('multiattach parameter has been removed. The default behavior is to use multiattach enabled volume types. Contact your administrator to create a multiattach enabled volume type and use it to create multiattach volumes.', 'multiattach');
    }
    delete volume.multiattach;
  }
  // before 3.53 the controller reads the properties it knows and ignores the rest
  if (!strict) for (const k of Object.keys(volume)) if (!READ_PROPERTIES.includes(k)) delete volume[k];
  return json(202, { volume: volumeAt(call, api(call).createVolume(volume)) });
}

/** `update`: `{"volume": {…}}` of `name`, `description` (or their `display_` forms), `metadata`; from 3.53 at least one of them. */
function updateVolume(call: BlockCall, body: Body): RestResponse {
  const strict = mv(call).atLeast('3.53');
  const top = objectOf(body.present ? body.value : null, {
    properties: {
      volume: (value) => {
        const inner = objectOf(value, { allowed: UPDATE_PROPERTIES }, 'volume');
        if (strict && Object.keys(inner).length === 0) throw schemaError(`${pyRepr(inner)} is not valid under any of the given schemas`, { name: 'volume', value: inner });
      },
    },
    required: ['volume'],
    allowed: ['volume'],
  });
  const volume = stripped(top.volume as Record<string, unknown>);
  const a = api(call);
  // before 3.53 an empty update changes nothing and answers the volume
  const view = Object.keys(volume).length === 0 ? a.getVolume(idRef(call)) : a.updateVolume(idRef(call), volume);
  return json(200, { volume: volumeAt(call, view) });
}

/** `delete`: `cascade` (its snapshots too) and, from 3.23, `force` (`volume:force_delete`); 202. */
function deleteVolume(call: BlockCall): RestResponse {
  const cascade = boolParam(call, 'cascade');
  const force = mv(call).atLeast('3.23') && boolParam(call, 'force');
  const a = api(call);
  if (force) a.forceDeleteVolume(idRef(call));
  else a.deleteVolume(idRef(call), { cascade });
  return empty(202);
}

// ---------------------------------------------------------------------------- actions

/**
 * `os-extend` (`volume_action.extend`: `{"new_size": <volume_size>}` and nothing else): 202.
 * Before 3.42 an `in-use` volume is extended as a detached one would be, so its status refuses it.
 */
function extendVolume(call: BlockCall, id: string, value: unknown): RestResponse {
  let size = 0;
  objectOf(value, { properties: { new_size: (v) => { size = volumeSizeOf(v, 'new_size'); } }, required: ['new_size'], allowed: ['new_size'] }, 'os-extend');
  const a = api(call);
  if (!mv(call).atLeast('3.42')) {
    const volume = a.getVolume({ id });
    if (volume.status === 'in-use' && size > volume.size) {
      throw new CinderError(400, 'block.volume.invalid_status', 'InvalidVolume', `Invalid volume: Volume ${volume.id} status must be '{'status': 'available'}' to extend, currently in-use.`, { volume_id: volume.id, status: volume.status });
    }
  }
  a.extendVolume({ id }, { new_size: size });
  return empty(202);
}

/** The volume routes below `/v3/{project_id}`. */
export const VOLUME_ROUTES: readonly CinderRouteSpec[] = [
  { method: 'GET', path: '/volumes', handle: (call) => listVolumes(call, false) },
  { method: 'GET', path: '/volumes/detail', handle: (call) => listVolumes(call, true) },
  { method: 'GET', path: '/volumes/summary', since: '3.12', handle: volumeSummary },
  { method: 'POST', path: '/volumes', handle: createVolume },
  { method: 'GET', path: '/volumes/{id}', handle: (call) => json(200, { volume: volumeAt(call, api(call).getVolume(idRef(call))) }) },
  { method: 'PUT', path: '/volumes/{id}', handle: updateVolume },
  { method: 'DELETE', path: '/volumes/{id}', handle: deleteVolume },
  {
    method: 'POST',
    path: '/volumes/{id}/action',
    actions: {
      'os-extend': { handle: extendVolume },
      'os-force_delete': { handle: (call, id) => (api(call).forceDeleteVolume({ id }), empty(202)) },
      // `revert` (3.40, `cinder/api/v3/volumes.py`): to the volume's latest snapshot
      revert: { since: '3.40', handle: (call, id, value) => (api(call).revertVolumeToSnapshot({ id }, value as never), empty(202)) },
      ...VOLUME_ACTIONS,
    },
  },
];

