/**
 * Attachments as the API shows and lists them (`cinder/api/v3/attachments.py` `index` / `detail`,
 * `cinder/api/v3/views/attachments.py` `ViewBuilder.summary` / `detail`, `cinder/objects/
 * volume_attachment.py` `VolumeAttachmentList.get_all*`, `cinder/db/sqlalchemy/api.py`
 * `volume_attachment_get_all*` / `_attachment_get_all`, `resource_filters.json`).
 *
 * Not simulated: several sort keys (the first of `sort` is used), `with_count`.
 */
import { describeValue, getRow, tableToArray, type CloudState } from '../core/index.js';
import { ATTACHMENT_MICROVERSIONS, given, minorOf, minorOfLiteral, requireVersion, type AttachmentCallOptions } from './attachment_input.js';
import { type Ctx } from './context.js';
import { invalidInput, notFound } from './errors.js';
import { isObject, put } from './input.js';
import { OSAPI_MAX_LIMIT, pagingArg, sortArgs, sortRows } from './listing.js';
import type { AttachStatus, AttachmentRow } from './types.js';
import { timestamp } from './views.js';

// ------------------------------------------------------------------------------ views

/** `GET /v3/{project_id}/attachments/{id}` (the `attachment` object, `ViewBuilder.detail`). */
export interface AttachmentView {
  readonly id: string;
  /** The attachment's `attach_status`: `reserved`, `attaching`, `attached`. */
  readonly status: AttachStatus;
  /** The server (`instance_uuid`). */
  readonly instance: string | null;
  readonly volume_id: string;
  /** `''` until connected (`_normalize`). */
  readonly attached_at: string;
  readonly detached_at: string;
  /** `rw`, `ro`, or `'null'` when create got no mode and no connector set one yet. */
  readonly attach_mode: string | null;
  /** What the driver returned (flattened, with `driver_volume_type` and `attachment_id`); `{}` until connected. */
  readonly connection_info: Readonly<Record<string, unknown>> | null;
}

/** `GET /v3/{project_id}/attachments` (`ViewBuilder.summary`). */
export interface AttachmentSummary {
  readonly id: string;
  readonly status: AttachStatus;
  readonly instance: string | null;
  readonly volume_id: string;
}

/** An attachment's summary view. */
export function attachmentSummary(row: AttachmentRow): AttachmentSummary {
  return { id: row.id, status: row.attach_status, instance: row.instance_uuid, volume_id: row.volume_id };
}

/** An attachment's detailed view. */
export function attachmentView(s: CloudState, row: AttachmentRow): AttachmentView {
  return {
    ...attachmentSummary(row),
    attached_at: row.attach_time === null ? '' : timestamp(s, row.attach_time),
    detached_at: row.detach_time === null ? '' : timestamp(s, row.detach_time),
    attach_mode: row.attach_mode,
    connection_info: row.connection_info,
  };
}

/** `GET /v3/{project_id}/attachments[/detail]`: filters, sorting and paging. */
export interface AttachmentListQuery {
  readonly volume_id?: string;
  /** The server: `instance_uuid`. */
  readonly instance_id?: string;
  /** Accepted, but `status` is no column of `volume_attachment`: Zed then finds nothing (use `attach_status`). */
  readonly status?: string;
  readonly attach_status?: string;
  /** Admins: every project's attachments (others: ignored). */
  readonly all_tenants?: boolean | string | number;
  /** Admins with `all_tenants`: one project's. */
  readonly project_id?: string;
  /** A column (default `created_at`). */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  /** `<key>[:<dir>]`, the newer form of `sort_key` / `sort_dir`. */
  readonly sort?: string;
  readonly limit?: number | string;
  readonly marker?: string;
  readonly offset?: number | string;
  /** Admins: any column of `volume_attachment` (`instance_uuid`, `attached_host`, …), `<column>~` for a substring. */
  readonly [filter: string]: unknown;
}

/** `resource_filters.json` (Zed): what a non-admin may filter attachments by. */
const USER_FILTERS = ['volume_id', 'status', 'instance_id', 'attach_status'];
const PAGING_KEYS = ['sort_key', 'sort_dir', 'sort', 'limit', 'marker', 'offset'];
const COLUMNS = ['id', 'volume_id', 'instance_uuid', 'attached_host', 'mountpoint', 'attach_time', 'detach_time', 'attach_status', 'attach_mode', 'connection_info', 'connector', 'created_at', 'updated_at', 'deleted_at', 'deleted'] as const;
type Column = (typeof COLUMNS)[number];
const SORT_COLUMNS = ['id', 'volume_id', 'instance_uuid', 'attached_host', 'mountpoint', 'attach_time', 'detach_time', 'attach_status', 'attach_mode', 'created_at', 'updated_at'] as const;
const allTenants = (v: unknown): boolean => v !== undefined;

function columnText(s: CloudState, row: AttachmentRow, column: Column): string | null {
  switch (column) {
    case 'attach_time':
    case 'detach_time':
    case 'created_at':
    case 'updated_at': {
      const t = row[column];
      return t === null ? null : timestamp(s, t);
    }
    case 'connection_info':
    case 'connector':
      return row[column] === null ? null : JSON.stringify(row[column]);
    case 'deleted':
      return 'False';
    case 'deleted_at':
      return null;
    default:
      return row[column];
  }
}

/** The attachments a list answers, in order (rows; map them with {@link attachmentView} or {@link attachmentSummary}). */
export function listAttachmentRows(ctx: Ctx, query: unknown = {}, options?: AttachmentCallOptions): AttachmentRow[] {
  const minor = minorOf(options);
  requireVersion(minor, ATTACHMENT_MICROVERSIONS.NEW_ATTACH);
  if (!isObject(query)) throw invalidInput('query', `query must be an object of filters, got ${describeValue(query)}`, 'block.list.invalid_query');
  const filters: Record<string, string> = {};
  for (const k of Object.keys(query)) {
    const v = query[k];
    if (v === undefined || PAGING_KEYS.includes(k)) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw invalidInput(k, `filter '${k}' must be a string, got ${describeValue(v)}`, 'block.list.invalid_filter');
    if (typeof v === 'string' && v.length > 255) throw invalidInput(k, `filter '${k}' is longer than 255 characters`, 'block.list.invalid_filter');
    if (k.length > 255) throw invalidInput('query', 'a filter name is longer than 255 characters', 'block.list.invalid_filter');
    put(filters, k, typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
  }
  if (!ctx.isAdmin) {
    const invalid = Object.keys(filters).filter((k) => !USER_FILTERS.includes(k));
    if (minor >= minorOfLiteral(ATTACHMENT_MICROVERSIONS.RESOURCE_FILTER)) {
      // reject_invalid_filters: all_tenants is silently dropped (Bug #1917574)
      const refused = invalid.filter((k) => k !== 'all_tenants');
      if (refused.length > 0) throw invalidInput(refused[0] as string, `Invalid filters ${refused.join(',')} are found in query options.`, 'block.list.unknown_filter');
    }
    for (const k of invalid) delete filters[k];
  }
  if (given(filters, 'instance_id')) {
    filters.instance_uuid = filters.instance_id as string;
    delete filters.instance_id;
  }
  const all = ctx.isAdmin && allTenants(filters.all_tenants);
  delete filters.all_tenants;
  let project: string | null = ctx.projectId;
  if (all) project = given(filters, 'project_id') ? (filters.project_id as string) : null;
  delete filters.project_id;
  const { key, dir } = sortOf(query);
  const limit = query.limit === undefined ? OSAPI_MAX_LIMIT : Math.min(pagingArg(query.limit, 'limit'), OSAPI_MAX_LIMIT);
  const offset = query.offset === undefined ? 0 : pagingArg(query.offset, 'offset');
  let marker: AttachmentRow | undefined;
  if (query.marker !== undefined) {
    if (typeof query.marker !== 'string' || query.marker.length === 0 || query.marker.length > 255) throw invalidInput('marker', `marker must be an attachment id, got ${describeValue(query.marker)}`, 'block.list.invalid_marker');
    marker = getRow(ctx.s.block.attachments, query.marker);
    if (marker === undefined) throw notFound('attachment', query.marker);
  }
  // is_valid_model_filters: a key that is no column finds nothing
  const checks = Object.entries(filters).map(([k, v]) => ({ column: k.replace(/~+$/, '') as Column, like: k.endsWith('~'), value: v }));
  if (checks.some((c) => !(COLUMNS as readonly string[]).includes(c.column))) return [];
  const rows = tableToArray(ctx.s.block.attachments).filter((a) => {
    if (project !== null && a.project_id !== project) return false;
    for (const c of checks) {
      const text = columnText(ctx.s, a, c.column);
      if (text === null || (c.like ? !text.includes(c.value) : text !== c.value)) return false;
    }
    return true;
  });
  if (marker !== undefined && !rows.includes(marker)) rows.push(marker);
  sortRows(rows, key, dir);
  const start = marker === undefined ? 0 : rows.indexOf(marker) + 1;
  return rows.slice(start + offset, start + offset + limit);
}

function sortOf(query: Record<string, unknown>): { key: (typeof SORT_COLUMNS)[number]; dir: 'asc' | 'desc' } {
  if (query.sort !== undefined) {
    if (query.sort_key !== undefined || query.sort_dir !== undefined) throw invalidInput('sort', "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.", 'block.list.invalid_sort');
    if (typeof query.sort !== 'string') throw invalidInput('sort', `sort must be '<key>[:<dir>]', got ${describeValue(query.sort)}`, 'block.list.invalid_sort');
    const [k, d] = (query.sort.split(',')[0] ?? '').split(':');
    return sortArgs({ sort_key: k?.trim(), sort_dir: d === undefined ? undefined : d.trim() }, SORT_COLUMNS);
  }
  return sortArgs(query, SORT_COLUMNS);
}
