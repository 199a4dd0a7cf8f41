/**
 * Snapshots as the API shows and lists them (`cinder/api/v3/views/snapshots.py` `ViewBuilder`,
 * `cinder/api/contrib/extended_snapshot_attributes.py`, `cinder/api/v3/snapshots.py` `index` /
 * `detail` / `_process_snaps_filters`, `cinder/volume/api.py` `get_snapshot` / `get_all_snapshots`,
 * `cinder/db/sqlalchemy/api.py` `snapshot_get_all*`).
 *
 * Not simulated: `with_count`, the `sort` parameter (use `sort_key` / `sort_dir`), group
 * snapshots (`group_snapshot_id` is always null).
 */
import { describeValue, tableToArray } from '../core/index.js';
import { allowed, enforce, ownTarget, resolveRow, visible, type Ctx } from './context.js';
import { invalidInput } from './errors.js';
import { bodyArg, put, textArg, truthy } from './input.js';
import { OSAPI_MAX_LIMIT, compareBy, pageAfterMarker } from './listing.js';
import { CINDER_RULES } from './policies.js';
import type { SnapshotRow, SnapshotStatus } from './types.js';
import { timestamp } from './views.js';
import { MAX_VOLUME_SIZE } from './volumes.js';

/** The newest Block Storage microversion stacksim answers as (3.70). */
export const LATEST_MINOR = 70;

/** `GET /v3/{project_id}/snapshots`: a snapshot without details (`ViewBuilder.summary`). */
export interface VolumeSnapshotSummary {
  readonly id: string;
  readonly created_at: string;
  readonly updated_at: string | null;
  readonly name: string | null;
  readonly description: string | null;
  readonly volume_id: string;
  readonly status: SnapshotStatus;
  /** The volume's size when the snapshot was taken (`volume_size`). */
  readonly size: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * `GET /v3/{project_id}/snapshots/{id}` and `/snapshots/detail` at 3.70: the summary, then
 * `group_snapshot_id` (3.14), `user_id` (3.41), `consumes_quota` (3.65), and on show and detail
 * the `os-extended-snapshot-attributes:*` pair when `volume_extension:extended_snapshot_attributes`
 * allows it.
 */
export interface VolumeSnapshotView extends VolumeSnapshotSummary {
  readonly group_snapshot_id?: string | null;
  readonly user_id?: string;
  readonly consumes_quota?: boolean;
  readonly 'os-extended-snapshot-attributes:project_id'?: string;
  readonly 'os-extended-snapshot-attributes:progress'?: string;
}

// ------------------------------------------------------------------------------ views

function summaryOf(ctx: Pick<Ctx, 's'>, row: SnapshotRow): Record<string, unknown> {
  return {
    id: row.id,
    created_at: timestamp(ctx.s, row.created_at),
    updated_at: timestamp(ctx.s, row.updated_at),
    name: row.name,
    description: row.description,
    volume_id: row.volume_id,
    status: row.status,
    size: row.volume_size,
    metadata: row.metadata,
  };
}

/** A snapshot's summary view (`GET /snapshots`), with its timestamps. */
export function snapshotSummaryView(ctx: Pick<Ctx, 's'>, row: SnapshotRow): VolumeSnapshotSummary {
  return summaryOf(ctx, row) as unknown as VolumeSnapshotSummary;
}

/**
 * A snapshot's detailed view at microversion 3.`minor`. `extended`: the response of a show or a
 * detailed list, where the `ExtendedSnapshotAttributes` extension adds `project_id` and
 * `progress` if its policy (checked against the caller's own project, as the extension does)
 * allows; a create's or an update's response has no extension attributes.
 */
export function snapshotView(ctx: Ctx, row: SnapshotRow, options: { readonly extended?: boolean; readonly minor?: number } = {}): VolumeSnapshotView {
  const minor = options.minor ?? LATEST_MINOR;
  const view = summaryOf(ctx, row);
  if (minor >= 14) view.group_snapshot_id = row.group_snapshot_id;
  if (minor >= 41) view.user_id = row.user_id;
  if (minor >= 65) view.consumes_quota = true;
  if (options.extended === true && allowed(ctx, CINDER_RULES.snapshot.extendedAttributes, ownTarget(ctx))) {
    view['os-extended-snapshot-attributes:project_id'] = row.project_id;
    view['os-extended-snapshot-attributes:progress'] = row.progress;
  }
  return view as unknown as VolumeSnapshotView;
}

// ------------------------------------------------------------------------------ lookup, lists

/** The snapshot a reference names, among those the caller may see (404 `SnapshotNotFound` otherwise). */
export function getSnapshot(ctx: Ctx, ref: unknown, field = 'snapshot'): SnapshotRow {
  return resolveRow(ctx, 'snapshot', ctx.s.block.snapshots, (r) => visible(ctx, r), ref, field);
}

/** `GET /v3/{project_id}/snapshots[/detail]`: filters (3.x: `name`, `status`, `volume_id`, `metadata`) and paging. */
export interface SnapshotListQuery {
  readonly name?: string;
  readonly status?: string;
  readonly volume_id?: string;
  /** Every pair must match (3.22); a string is read as Cinder does (`ast.literal_eval`; a JSON object here). */
  readonly metadata?: Readonly<Record<string, string>> | string;
  /** Admins: every project's snapshots (ignored for anyone else, as Cinder strips it). */
  readonly all_tenants?: boolean | string | number;
  /** Admins: one project's snapshots. */
  readonly project_id?: string;
  /** `created_at` (default), `updated_at`, `id`, `name`, `status`, `volume_id`, `volume_size`, `project_id`, `user_id`. */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  readonly limit?: number | string;
  readonly marker?: string;
  readonly offset?: number | string;
}

const SORT_KEYS: Readonly<Record<string, (r: SnapshotRow) => string | number>> = {
  created_at: (r) => r.created_at,
  updated_at: (r) => r.updated_at,
  id: (r) => r.id,
  name: (r) => r.name ?? '',
  display_name: (r) => r.name ?? '',
  status: (r) => r.status,
  volume_id: (r) => r.volume_id,
  volume_size: (r) => r.volume_size,
  project_id: (r) => r.project_id,
  user_id: (r) => r.user_id,
};
const LIST_KEYS = ['name', 'status', 'volume_id', 'metadata', 'all_tenants', 'project_id', 'sort_key', 'sort_dir', 'limit', 'marker', 'offset'];

/** `_get_limit_param` (at most `max`) and `_get_offset_param` (`validate_integer(offset, 'offset', 0, DB_MAX_INT)`). */
function countArg(value: unknown, field: 'limit' | 'offset', max: number): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidInput(field, field === 'limit' ? 'limit param must be positive' : `${field} must be an integer 0 or greater, got ${describeValue(value)}`, `block.list.invalid_${field}`);
  if (field === 'offset' && n > max) throw invalidInput(field, `${field} must be <= ${max}.`, 'block.list.invalid_offset');
  return Math.min(n, max);
}

/** The metadata filter: an object of strings, or a string holding one (else nothing matches, as in Cinder). */
function metadataFilter(value: unknown): Record<string, string> | null {
  if (value === undefined) return {};
  let v: unknown = value;
  if (typeof value === 'string') {
    try {
      v = JSON.parse(value);
    } catch {
      try {
        v = JSON.parse(value.replace(/'/g, '"'));
      } catch {
        return null; // `_process_snaps_filters`: a metadata filter that is not a dict matches nothing
      }
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidInput('metadata', `expected an object of strings, got ${describeValue(value)}`, 'block.list.invalid_metadata');
  const out: Record<string, string> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x !== 'string') throw invalidInput(`metadata.${k}`, `metadata filter values are strings, got ${describeValue(x)}`, 'block.list.invalid_metadata');
    put(out, k, x);
  }
  return out;
}

/**
 * The snapshots a list answers, in order (`get_all_snapshots`): the caller's project's, or with
 * `all_tenants` (admins) every project's; exact filters, sorted (`created_at` then `id`,
 * descending, by default), after `marker` (404 `SnapshotNotFound` when it is not one the caller
 * may see, as Cinder's paginator looks it up), from `offset`, at most `limit` (≤ `osapi_max_limit`).
 */
export function listSnapshotRows(ctx: Ctx, query: unknown = {}): SnapshotRow[] {
  enforce(ctx, CINDER_RULES.snapshot.getAll, ownTarget(ctx));
  const q = bodyArg(query, 'query');
  for (const k of Object.keys(q)) if (!LIST_KEYS.includes(k)) throw invalidInput(k, `'${k}' is not a filter of GET /snapshots (known: ${LIST_KEYS.join(', ')})`, 'block.list.unknown_filter');
  for (const k of ['name', 'status', 'volume_id', 'marker'] as const) if (q[k] !== undefined && typeof q[k] !== 'string') throw invalidInput(k, `expected a string, got ${describeValue(q[k])}`, 'block.list.invalid_filter');
  const all = ctx.isAdmin && truthy(q.all_tenants);
  let project: string | null = all ? null : ctx.projectId;
  if (q.project_id !== undefined) {
    const asked = textArg(q.project_id, 'project_id');
    if (all) project = asked; // without all_tenants Cinder lists the caller's project whatever project_id says
  }
  const metadata = metadataFilter(q.metadata);
  const sortKey = q.sort_key === undefined ? 'created_at' : q.sort_key;
  if (typeof sortKey !== 'string' || !Object.prototype.hasOwnProperty.call(SORT_KEYS, sortKey)) throw invalidInput('sort_key', `sort_key must be one of ${Object.keys(SORT_KEYS).join(', ')}, got ${describeValue(sortKey)}`, 'block.list.invalid_sort');
  const dir = q.sort_dir === undefined ? 'desc' : q.sort_dir;
  if (dir !== 'asc' && dir !== 'desc') throw invalidInput('sort_dir', "sort_dir must be 'asc' or 'desc'", 'block.list.invalid_sort');
  const limit = q.limit === undefined ? OSAPI_MAX_LIMIT : countArg(q.limit, 'limit', OSAPI_MAX_LIMIT);
  const offset = q.offset === undefined ? 0 : countArg(q.offset, 'offset', MAX_VOLUME_SIZE);
  if (metadata === null) return [];
  const rows = tableToArray(ctx.s.block.snapshots).filter((r) => {
    if (!visible(ctx, r) || (project !== null && r.project_id !== project)) return false;
    if (q.name !== undefined && r.name !== q.name) return false;
    if (q.status !== undefined && r.status !== q.status) return false;
    if (q.volume_id !== undefined && r.volume_id !== q.volume_id) return false;
    for (const [k, v] of Object.entries(metadata)) if (!Object.prototype.hasOwnProperty.call(r.metadata, k) || r.metadata[k] !== v) return false;
    return true;
  });
  const order = compareBy(SORT_KEYS[sortKey] as (r: SnapshotRow) => string | number, dir);
  rows.sort(order);
  // the paginator looks the marker up (another project's or no such snapshot: 404) and goes on after its sort values
  const start = q.marker === undefined ? 0 : pageAfterMarker(rows, getSnapshot(ctx, { id: q.marker }, 'marker'), order);
  return rows.slice(start + offset, start + offset + limit);
}

/** `GET /v3/{project_id}/snapshots/detail`: detailed views (with the extension attributes the policy allows). */
export function listSnapshots(ctx: Ctx, query: unknown = {}): VolumeSnapshotView[] {
  return listSnapshotRows(ctx, query).map((r) => snapshotView(ctx, r, { extended: true }));
}

/** `GET /v3/{project_id}/snapshots`: summaries. */
export function listSnapshotSummaries(ctx: Ctx, query: unknown = {}): VolumeSnapshotSummary[] {
  return listSnapshotRows(ctx, query).map((r) => snapshotSummaryView(ctx, r));
}
