/**
 * Volume snapshots over REST (`cinder/api/v3/snapshots.py` over `cinder/api/v2/snapshots.py`,
 * `cinder/api/v3/views/snapshots.py`, `cinder/api/schemas/snapshots.py`,
 * `cinder/api/v3/snapshot_metadata.py`, `cinder/api/contrib/admin_actions.py`
 * `SnapshotAdminController`): list (summaries) and `detail`, create (202, the snapshot
 * `creating`), show, update (`name` / `description` or their `display_` spellings, at least one),
 * delete (202), the actions `os-force_delete` and `os-reset_status` (202), and the metadata
 * routes (`GET` / `POST` / `PUT …/metadata`, `GET` / `PUT` / `DELETE …/metadata/{key}`).
 *
 * `force` on create depends on the microversion, which the session API does not know: before
 * 3.66 a snapshot of an `in-use` volume needs `force` true (this route checks the volume's status
 * first, with the session API's words) and `force: false` is the default; from 3.66 `false` is
 * refused (the session API's rule at 3.70). Views are cut to the microversion
 * (`group_snapshot_id` 3.14, `user_id` 3.41, `consumes_quota` 3.65).
 *
 * Not simulated: `os-update_snapshot_status`, `os-unmanage`, several sort keys (the first
 * counts), admins' filters on columns no view shows (an empty list, as a filter on no column).
 */
import { empty, json, type RestResponse } from '../core/index.js';
import type { BlockApi } from './api.js';
import { CinderError } from './errors.js';
import { callerOf, mv, type BlockCall, type Body, type CinderRouteSpec } from './rest_http.js';
import {
  boolParam,
  boolValue,
  collectionLinks,
  fieldEquals,
  objectOf,
  paginationParams,
  pyRepr,
  schemaError,
  selectFilters,
  sortParams,
  type FilterRules,
} from './rest_params.js';
import type { SnapshotListQuery, VolumeSnapshotSummary, VolumeSnapshotView } from './snapshot_views.js';

const api = (call: BlockCall): BlockApi => call.session().block;
const idRef = (call: BlockCall): { readonly id: string } => ({ id: call.params.id as string });
const bodyOf = (body: Body): unknown => (body.present ? body.value : null);
type Row = Readonly<Record<string, unknown>>;

/** `resource_filters.json` `snapshot`; before 3.31 `_get_snapshot_filter_options` and `MV_ADDED_FILTERS`. */
const SNAPSHOT_FILTERS: FilterRules = {
  userFilters: ['name', 'status', 'volume_id', 'metadata', 'availability_zone', 'consumes_quota'],
  legacyFilters: ['status', 'volume_id', 'name', 'metadata'],
  mvAdded: [['3.22', 'metadata'], ['3.65', 'use_quota']],
  converters: { consumes_quota: 'use_quota' },
};
const API_FILTERS = ['name', 'status', 'volume_id', 'metadata', 'all_tenants', 'project_id'];
/** Snapshot columns an admin may filter on that the detailed view shows. */
const VIEW_COLUMNS = ['id', 'description', 'size', 'user_id', 'group_snapshot_id'];

/** A snapshot's view at the negotiated microversion. */
function snapshotAt(call: BlockCall, view: VolumeSnapshotSummary | VolumeSnapshotView): Row {
  const v = mv(call);
  const out: Record<string, unknown> = { ...view };
  if (!v.atLeast('3.14')) delete out.group_snapshot_id;
  if (!v.atLeast('3.41')) delete out.user_id;
  if (!v.atLeast('3.65')) delete out.consumes_quota;
  return out;
}

/** `ViewBuilder.summary`: the fields of a snapshot without details. */
const SUMMARY_FIELDS = ['id', 'created_at', 'updated_at', 'name', 'description', 'volume_id', 'status', 'size', 'metadata'] as const;

function summaryOf(view: VolumeSnapshotView): Row {
  const out: Record<string, unknown> = {};
  for (const k of SUMMARY_FIELDS) out[k] = view[k];
  return out;
}

/** `_items`: filters by caller and microversion, `sort` (`name` from 3.30), paging, `with_count` (3.45), `snapshots_links`. */
function listSnapshots(call: BlockCall, detail: boolean): RestResponse {
  const page = paginationParams(call);
  const sort = sortParams(call);
  const withCount = mv(call).atLeast('3.45') && boolParam(call, 'with_count');
  const { isAdmin } = callerOf(call);
  const filters = selectFilters(call, SNAPSHOT_FILTERS, isAdmin);
  const query: Record<string, unknown> = {};
  const tests: ((v: VolumeSnapshotView) => boolean)[] = [];
  let none = false;
  const a = api(call);
  for (const [name, value] of filters) {
    if (API_FILTERS.includes(name)) query[name] = value;
    else if (name === 'use_quota') {
      const want = boolValue(value, 'use_quota');
      tests.push((view) => view.consumes_quota === want);
    } else if (name === 'availability_zone') {
      tests.push((view) => {
        try {
          return a.getVolume({ id: view.volume_id }).availability_zone === value;
        } catch {
          return false;
        }
      });
    } else if (VIEW_COLUMNS.includes(name)) tests.push((view) => fieldEquals(view as unknown as Row, name, value));
    else none = true;
  }
  const key = sort.keys[0] === 'name' && !mv(call).atLeast('3.30') ? 'name' : sort.keys[0];
  const ordered: Record<string, unknown> = { ...query, sort_key: key, sort_dir: sort.dirs[0] };
  if (page.marker !== undefined) ordered.marker = page.marker;
  const pass = (views: readonly VolumeSnapshotView[]): VolumeSnapshotView[] => (none ? [] : views.filter((view) => tests.every((t) => t(view))));
  const rows = pass(a.listSnapshots(ordered as SnapshotListQuery)).slice(page.offset, page.offset + page.limit);
  const count = withCount ? pass(a.listSnapshots({ ...query, sort_key: key, sort_dir: sort.dirs[0] } as SnapshotListQuery)).length : undefined;
  const body: Record<string, unknown> = { snapshots: rows.map((view) => (detail ? snapshotAt(call, view) : summaryOf(view))) };
  const links = collectionLinks(call, detail ? 'snapshots/detail' : 'snapshots', rows, count);
  if (links.length > 0) body.snapshots_links = links;
  if (count !== undefined) body.count = count;
  return json(200, body);
}

const SNAPSHOT_IN_USE_FLAG_MSG =
  "Since microversion 3.66 the 'force' flag is invalid for this request.  For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored.";

/**
 * `create` (`schemas/snapshots.py` `create`): `{"snapshot": {volume_id, …}}`; `force` by
 * microversion (see the file's comment); 202 with the new snapshot's view.
 */
function createSnapshot(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(bodyOf(body), {
    properties: { snapshot: (value) => objectOf(value, { required: ['volume_id'], allowed: ['name', 'display_name', 'description', 'volume_id', 'force', 'metadata'] }, 'snapshot') },
    required: ['snapshot'],
    allowed: ['snapshot'],
  });
  const snapshot = { ...(top.snapshot as Record<string, unknown>) };
  const a = api(call);
  if (!mv(call).atLeast('3.66')) {
    const raw = snapshot.force;
    const force = raw === undefined || raw === null ? false : typeof raw === 'boolean' ? raw : typeof raw === 'string' ? boolValue(raw, 'force') : (() => { throw schemaError(`${pyRepr(raw)} is not one of the accepted boolean values`, { name: 'force', value: raw }); })();
    if (!force) {
      delete snapshot.force;
      if (typeof snapshot.volume_id === 'string') {
        const volume = a.getVolume({ id: snapshot.volume_id });
        if (volume.status === 'in-use') throw new CinderError(400, 'block.volume.invalid_status', 'InvalidVolume', `Invalid volume: Volume ${volume.id} status must be available, but current status is: in-use.`, { volume_id: volume.id, status: volume.status });
      }
    } else snapshot.force = true;
  } else if (snapshot.force === false) throw new CinderError(400, 'block.snapshot.force_invalid', 'HTTPBadRequest', SNAPSHOT_IN_USE_FLAG_MSG, { field: 'force' });
  for (const k of ['name', 'display_name', 'description']) if (typeof snapshot[k] === 'string') snapshot[k] = (snapshot[k] as string).trim();
  return json(202, { snapshot: snapshotAt(call, a.createSnapshot(snapshot as never)) });
}

/** `update`: `{"snapshot": {…}}` of `name`, `description`, `display_name`, `display_description`, at least one; 200 with the view. */
function updateSnapshot(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(bodyOf(body), {
    properties: {
      snapshot: (value) => {
        const inner = objectOf(value, { allowed: ['name', 'description', 'display_name', 'display_description'] }, 'snapshot');
        if (Object.keys(inner).length === 0) throw schemaError(`${pyRepr(inner)} is not valid under any of the given schemas`, { name: 'snapshot', value: inner });
      },
    },
    required: ['snapshot'],
    allowed: ['snapshot'],
  });
  const snapshot = { ...(top.snapshot as Record<string, unknown>) };
  for (const k of Object.keys(snapshot)) if (typeof snapshot[k] === 'string') snapshot[k] = (snapshot[k] as string).trim();
  return json(200, { snapshot: snapshotAt(call, api(call).updateSnapshot(idRef(call), snapshot as never)) });
}

const key = (call: BlockCall): string => call.params.key as string;

/** The snapshot routes below `/v3/{project_id}`. */
export const SNAPSHOT_ROUTES: readonly CinderRouteSpec[] = [
  { method: 'GET', path: '/snapshots', handle: (call) => listSnapshots(call, false) },
  { method: 'GET', path: '/snapshots/detail', handle: (call) => listSnapshots(call, true) },
  { method: 'POST', path: '/snapshots', handle: createSnapshot },
  { method: 'GET', path: '/snapshots/{id}', handle: (call) => json(200, { snapshot: snapshotAt(call, api(call).getSnapshot(idRef(call))) }) },
  { method: 'PUT', path: '/snapshots/{id}', handle: updateSnapshot },
  { method: 'DELETE', path: '/snapshots/{id}', handle: (call) => (api(call).deleteSnapshot(idRef(call)), empty(202)) },
  {
    method: 'POST',
    path: '/snapshots/{id}/action',
    actions: {
      'os-force_delete': { handle: (call, id) => (api(call).forceDeleteSnapshot({ id }), empty(202)) },
      'os-reset_status': { handle: (call, id, value) => (api(call).resetSnapshotStatus({ id }, value as { status: string }), empty(202)) },
    },
  },
  { method: 'GET', path: '/snapshots/{id}/metadata', handle: (call) => json(200, { metadata: api(call).getSnapshotMetadata(idRef(call)) }) },
  { method: 'POST', path: '/snapshots/{id}/metadata', handle: (call, body) => json(200, { metadata: api(call).createSnapshotMetadata(idRef(call), bodyOf(body) as never) }) },
  { method: 'PUT', path: '/snapshots/{id}/metadata', handle: (call, body) => json(200, { metadata: api(call).replaceSnapshotMetadata(idRef(call), bodyOf(body) as never) }) },
  { method: 'GET', path: '/snapshots/{id}/metadata/{key}', handle: (call) => json(200, { meta: api(call).getSnapshotMetadataItem(idRef(call), key(call)) }) },
  { method: 'PUT', path: '/snapshots/{id}/metadata/{key}', handle: (call, body) => json(200, { meta: api(call).updateSnapshotMetadataItem(idRef(call), key(call), bodyOf(body) as never) }) },
  { method: 'DELETE', path: '/snapshots/{id}/metadata/{key}', handle: (call) => (api(call).deleteSnapshotMetadataItem(idRef(call), key(call)), { status: 200 }) },
];
