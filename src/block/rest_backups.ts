/**
 * Backups over REST (`cinder/api/contrib/backups.py` and `cinder/api/v3/backups.py`
 * `BackupsController`, `cinder/api/views/backups.py` and `cinder/api/v3/views/backups.py`,
 * `cinder/api/schemas/backups.py`): list (`index`, summaries) and `detail`, show, create (202
 * with the summary), update (3.9: `name`, `description`, `metadata` from 3.43), delete (202),
 * and `restore` (202 with `{"restore": …}`). The body envelope is checked as the schema of the
 * microversion reads it; the session API validates each field, enforces policy and commits.
 *
 * Views are cut to the microversion: `metadata` from 3.43, `os-backup-project-attr:project_id`
 * from 3.18 and `user_id` from 3.56 (where `backup:backup_project_attribute` shows them), links
 * to this server.
 *
 * Not simulated: `export_record` / `import_record`, the backup actions (`os-reset_status`,
 * `os-force_delete`), several sort keys (the first counts), admins' filters on columns no view
 * shows (an empty list, as a filter on no column).
 */
import { empty, json, type RestResponse } from '../core/index.js';
import type { BlockApi } from './api.js';
import type { BackupListQuery, BackupView } from './backups.js';
import { callerOf, mv, type BlockCall, type Body, type CinderRouteSpec } from './rest_http.js';
import {
  boolParam,
  collectionLinks,
  fieldEquals,
  notOfType,
  objectOf,
  paginationParams,
  resourceLinks,
  schemaError,
  selectFilters,
  sortParams,
  type FilterRules,
} from './rest_params.js';

const api = (call: BlockCall): BlockApi => call.session().block;
const idRef = (call: BlockCall): { readonly id: string } => ({ id: call.params.id as string });
type Row = Readonly<Record<string, unknown>>;

/** `resource_filters.json` `backup` (and the controller's `_get_backup_filter_options` before 3.31). */
const BACKUP_FILTERS: FilterRules = { userFilters: ['name', 'status', 'volume_id'] };
/** Filters the session API applies. */
const API_FILTERS = ['name', 'status', 'volume_id', 'all_tenants', 'project_id'];
/** Backup columns an admin may filter on that the detailed view shows. */
const VIEW_COLUMNS = ['id', 'size', 'availability_zone', 'container', 'snapshot_id', 'object_count', 'fail_reason', 'description'];

/** A backup's summary at this server (`id`, `name`, `links`). */
function summaryAt(call: BlockCall, b: { readonly id: string; readonly name: string | null }): Row {
  return { id: b.id, name: b.name, links: resourceLinks(call, 'backups', b.id) };
}

/** A backup's detailed view at the negotiated microversion. */
export function backupAt(call: BlockCall, view: BackupView): Row {
  const v = mv(call);
  const out: Record<string, unknown> = { ...view, links: resourceLinks(call, 'backups', view.id) };
  if (!v.atLeast('3.43')) delete out.metadata;
  if (!v.atLeast('3.18')) delete out['os-backup-project-attr:project_id'];
  if (!v.atLeast('3.56')) delete out.user_id;
  return out;
}

/** `_get_backups`: filters (by caller and microversion), `sort` (`name` from 3.37), `marker` / `offset` / `limit`, `with_count` (3.45), `backups_links`. */
function listBackups(call: BlockCall, detail: boolean): RestResponse {
  const page = paginationParams(call);
  const sort = sortParams(call);
  const withCount = mv(call).atLeast('3.45') && boolParam(call, 'with_count');
  const { isAdmin } = callerOf(call);
  const filters = selectFilters(call, BACKUP_FILTERS, isAdmin);
  const query: Record<string, unknown> = {};
  const tests: ((v: BackupView) => boolean)[] = [];
  let none = false;
  for (const [name, value] of filters) {
    if (API_FILTERS.includes(name)) query[name] = value;
    else if (VIEW_COLUMNS.includes(name)) tests.push((view) => fieldEquals(view as unknown as Row, name, value));
    else none = true;
  }
  const key = sort.keys[0] === 'display_name' || (sort.keys[0] === 'name' && mv(call).atLeast('3.37')) ? 'name' : sort.keys[0];
  const ordered: Record<string, unknown> = { ...query, sort_key: key, sort_dir: sort.dirs[0] };
  if (page.marker !== undefined) ordered.marker = page.marker;
  const a = api(call);
  const pass = (views: readonly BackupView[]): BackupView[] => (none ? [] : views.filter((view) => tests.every((t) => t(view))));
  const rows = pass(a.listBackups(ordered as BackupListQuery)).slice(page.offset, page.offset + page.limit);
  const count = withCount ? pass(a.listBackups({ ...query, sort_key: key, sort_dir: sort.dirs[0] } as BackupListQuery)).length : undefined;
  const body: Record<string, unknown> = { backups: rows.map((view) => (detail ? backupAt(call, view) : summaryAt(call, view))) };
  const links = collectionLinks(call, detail ? 'backups/detail' : 'backups', rows, count);
  if (links.length > 0) body.backups_links = links;
  if (count !== undefined) body.count = count;
  return json(200, body);
}

/** `create` / `create_backup_v343` / `create_backup_v351`: `{"backup": {volume_id, …}}`, nothing else; 202 with the summary. */
function createBackup(call: BlockCall, body: Body): RestResponse {
  const v = mv(call);
  const allowed = ['volume_id', 'container', 'description', 'incremental', 'force', 'name', 'snapshot_id', ...(v.atLeast('3.43') ? ['metadata'] : []), ...(v.atLeast('3.51') ? ['availability_zone'] : [])];
  const top = objectOf(body.present ? body.value : null, {
    properties: { backup: (value) => objectOf(value, { required: ['volume_id'], allowed }, 'backup') },
    required: ['backup'],
    allowed: ['backup'],
  });
  const backup = { ...(top.backup as Record<string, unknown>) };
  for (const k of ['name', 'description']) if (typeof backup[k] === 'string') backup[k] = (backup[k] as string).trim();
  return json(202, { backup: summaryAt(call, api(call).createBackup(backup as never)) });
}

/** `update` (3.9): `{"backup": {name, description, metadata (3.43)}}`; 200 with the summary. */
function updateBackup(call: BlockCall, body: Body): RestResponse {
  const allowed = ['name', 'description', ...(mv(call).atLeast('3.43') ? ['metadata'] : [])];
  const top = objectOf(body.present ? body.value : null, {
    properties: {
      backup: (value) => {
        if (value !== null) objectOf(value, { allowed }, 'backup');
      },
    },
    required: ['backup'],
    allowed: ['backup'],
  });
  const backup = { ...((top.backup ?? {}) as Record<string, unknown>) };
  for (const k of ['name', 'description']) if (typeof backup[k] === 'string') backup[k] = (backup[k] as string).trim();
  return json(200, { backup: summaryAt(call, api(call).updateBackup(idRef(call), backup as never)) });
}

/** `restore`: `{"restore": {volume_id, name} | null}`; 202 with `{"restore": {backup_id, volume_id, volume_name}}`. */
function restoreBackup(call: BlockCall, body: Body): RestResponse {
  const top = objectOf(body.present ? body.value : null, {
    properties: {
      restore: (value) => {
        if (value !== null && (typeof value !== 'object' || Array.isArray(value))) throw schemaError(notOfType(value, 'object', 'null'), { name: 'restore', value });
        if (value !== null) objectOf(value, { allowed: ['name', 'volume_id'] }, 'restore');
      },
    },
    required: ['restore'],
    allowed: ['restore'],
  });
  return json(202, { restore: api(call).restoreBackup(idRef(call), (top.restore ?? {}) as never) });
}

/** The backup routes below `/v3/{project_id}`. */
export const BACKUP_ROUTES: readonly CinderRouteSpec[] = [
  { method: 'GET', path: '/backups', handle: (call) => listBackups(call, false) },
  { method: 'GET', path: '/backups/detail', handle: (call) => listBackups(call, true) },
  { method: 'POST', path: '/backups', handle: createBackup },
  { method: 'GET', path: '/backups/{id}', handle: (call) => json(200, { backup: backupAt(call, api(call).getBackup(idRef(call))) }) },
  { method: 'PUT', path: '/backups/{id}', since: '3.9', handle: updateBackup },
  { method: 'DELETE', path: '/backups/{id}', handle: (call) => (api(call).deleteBackup(idRef(call)), empty(202)) },
  { method: 'POST', path: '/backups/{id}/restore', handle: restoreBackup },
];
