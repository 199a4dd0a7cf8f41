/**
 * The shapes of the backups API and their checks (`cinder/api/schemas/backups.py`,
 * `cinder/api/views/backups.py`, `cinder/api/v3/views/backups.py`,
 * `cinder/api/validation/parameter_types.py`): the request bodies and list query, the detailed
 * view at API 3.70 and the summary, and the field checks a body goes through (each a 400 naming
 * the field). `backups.ts` runs the calls.
 *
 * The view is API 3.70's: `metadata` (3.43) always, `os-backup-project-attr:project_id` (3.18) and
 * `user_id` (3.56) when `backup:backup_project_attribute` allows. No `encryption_key_id`.
 */
import { describeValue } from '../core/index.js';
import { allowed, ownTarget, type BlockRef, type Ctx } from './context.js';
import { invalidInput } from './errors.js';
import { UUID_RE, isObject, onlyKeys, put, strictBool } from './input.js';
import { CINDER_RULES } from './policies.js';
import type { BackupRow, BackupStatus } from './types.js';
import { timestamp } from './views.js';

// ------------------------------------------------------------------------------ requests and views

/** `POST /v3/{project_id}/backups`: the `backup` object (schema `create_backup_v351`). */
export interface BackupCreateRequest {
  readonly volume_id: string;
  /** Default `backup_swift_container` (`volumebackups`). */
  readonly container?: string | null;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly incremental?: boolean | string;
  /** Needed to back up an `in-use` volume. */
  readonly force?: boolean | string;
  readonly snapshot_id?: string | null;
  /** 3.43. */
  readonly metadata?: Readonly<Record<string, string>> | null;
  /** 3.51: checked, then unused, as in Zed. */
  readonly availability_zone?: string | null;
}

/** `POST /v3/{project_id}/backups/{id}/restore`: the `restore` object. */
export interface BackupRestoreRequest {
  /** An `available` volume at least as large as the backup; none: a new volume. */
  readonly volume_id?: string | null;
  /** The new volume's name (default `restore_backup_<backup id>`). */
  readonly name?: string | null;
}

/** `PUT /v3/{project_id}/backups/{id}` (3.9): the `backup` object; `metadata` since 3.43. */
export interface BackupUpdateRequest {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** `GET /v3/{project_id}/backups[/detail]` filters and paging. */
export interface BackupListQuery {
  readonly name?: string;
  readonly status?: string;
  readonly volume_id?: string;
  /** Admins: every project's backups. */
  readonly all_tenants?: boolean | string | number;
  /** Admins: one project's. */
  readonly project_id?: string;
  /** `created_at` (default), `id`, `name`, `status`, `size`, `updated_at`, `volume_id`, `data_timestamp`. */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  readonly limit?: number | string;
  /** A backup id: the page goes on after it (404 `BackupNotFound` when the caller cannot see it). */
  readonly marker?: string;
  /** Rows to skip (after the marker), 0 to 2147483647. */
  readonly offset?: number | string;
}

/** A backup reference: an id or a name among the backups the caller may see, or `{ id }`. */
export type BackupRef = BlockRef;

type Links = readonly { readonly href: string; readonly rel: string }[];

/** `GET /v3/{project_id}/backups/{id}` at 3.70 (`cinder/api/v3/views/backups.py`). */
export interface BackupView {
  readonly id: string;
  readonly status: BackupStatus;
  readonly size: number;
  readonly object_count: number;
  readonly availability_zone: string;
  readonly container: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly fail_reason: string | null;
  readonly volume_id: string;
  readonly links: Links;
  readonly is_incremental: boolean;
  readonly has_dependent_backups: boolean;
  readonly snapshot_id: string | null;
  readonly data_timestamp: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** 3.18, under `backup:backup_project_attribute` (admins). */
  readonly 'os-backup-project-attr:project_id'?: string;
  /** 3.56, under `backup:backup_project_attribute` (admins). */
  readonly user_id?: string;
}

/** The summary a create and an update answer, and `GET /backups` lists. */
export interface BackupSummary {
  readonly id: string;
  readonly name: string | null;
  readonly links: Links;
}

/** What a restore answers (`restore_summary`). */
export interface BackupRestoreView {
  readonly backup_id: string;
  readonly volume_id: string;
  readonly volume_name: string | null;
}

function links(projectId: string, id: string): Links {
  return [
    { href: `http://controller/volume/v3/${projectId}/backups/${id}`, rel: 'self' },
    { href: `http://controller/volume/${projectId}/backups/${id}`, rel: 'bookmark' },
  ];
}

/** A backup's detailed view for the caller (`ViewBuilder.detail`, and the v3 controller's attributes). */
export function backupView(ctx: Ctx, b: BackupRow): BackupView {
  const view: Record<string, unknown> = {
    id: b.id,
    status: b.status,
    size: b.size,
    object_count: b.object_count,
    availability_zone: b.availability_zone,
    container: b.container,
    created_at: timestamp(ctx.s, b.created_at),
    updated_at: timestamp(ctx.s, b.updated_at),
    name: b.name,
    description: b.description,
    fail_reason: b.fail_reason,
    volume_id: b.volume_id,
    links: links(b.project_id, b.id),
    is_incremental: b.parent_id !== null,
    has_dependent_backups: b.num_dependent_backups > 0,
    snapshot_id: b.snapshot_id,
    data_timestamp: timestamp(ctx.s, b.data_timestamp),
    metadata: b.metadata,
  };
  // `context.authorize(BACKUP_ATTRIBUTES_POLICY, fatal=False)`: the default target, the caller's own project
  if (allowed(ctx, CINDER_RULES.backup.projectAttribute, ownTarget(ctx))) {
    view['os-backup-project-attr:project_id'] = b.project_id;
    view.user_id = b.user_id;
  }
  return view as unknown as BackupView;
}

/** A backup's summary view. */
export function backupSummary(b: BackupRow): BackupSummary {
  return { id: b.id, name: b.name, links: links(b.project_id, b.id) };
}

// ------------------------------------------------------------------------------ input

/** `parameter_types.boolean` then `strutils.bool_from_string(strict=True)`. */
export function boolArg(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  const b = strictBool(value);
  if (b !== undefined) return b;
  throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is not one of the accepted boolean values`, 'block.backup.invalid_boolean');
}

/** `name_allow_zero_min_length` / `description` / `nullable_string`: null or ≤ 255 characters; names and descriptions are stripped (`validate_name_and_description`). */
export function stringArg(value: unknown, field: string, strip: boolean): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > 255) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected null or a string of at most 255 characters`, 'block.input.invalid_text');
  return strip ? value.trim() : value;
}

/** `parameter_types.uuid` (`format: uuid`, oslo's `is_uuid_like`). */
export function uuidArg(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID_RE.test(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is not a 'uuid'`, 'block.input.invalid_uuid');
  return value;
}

const SPEC_KEY = /^[a-zA-Z0-9-_:. /]{1,255}$/;

/** `parameter_types.extra_specs` (`metadata_allows_null` when `nullable`): keys `[a-zA-Z0-9-_:. /]{1,255}`, string values ≤ 255. */
export function backupMetadataArg(value: unknown, field: string, nullable: boolean): Record<string, string> {
  if ((value === undefined || value === null) && nullable) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected an object of strings`, 'block.input.invalid_metadata');
  const keys = Object.keys(value);
  if (keys.length > 1024) throw invalidInput(field, `at most 1024 metadata items, got ${keys.length}`, 'block.input.invalid_metadata');
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (!SPEC_KEY.test(k)) throw invalidInput(`${field}.${k}`, `Invalid input for field/attribute ${field}. Additional properties are not allowed ('${k.slice(0, 64)}' does not match '^[a-zA-Z0-9-_:. /]{1,255}$')`, 'block.input.invalid_metadata');
    const v: unknown = (value as Record<string, unknown>)[k];
    if (typeof v !== 'string' || v.length > 255) throw invalidInput(`${field}.${k}`, `Invalid input for field/attribute ${field}.${k}. Value: ${describeValue(v)}. expected a string of at most 255 characters`, 'block.input.invalid_metadata');
    put(out, k, v);
  }
  return out;
}

/** The request's object (`additionalProperties: False`): anything else, or an unknown key, is a 400 naming it. */
export function objectArg(value: unknown, field: string, known: readonly string[], nullable = false): Record<string, unknown> {
  if (value === null && nullable) return {};
  if (!isObject(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected an object`, 'block.input.invalid_body');
  onlyKeys(value, known, (k) => invalidInput(k, `Invalid input for field/attribute ${field}. Additional properties are not allowed ('${k.slice(0, 64)}' was unexpected)`, 'block.input.unexpected_property'));
  return value;
}

/** A Swift container name: what the driver's `put_container` can create (1–255 characters, no '/'). */
export function containerArg(value: unknown, dflt: string): string {
  if (value === undefined || value === null) return dflt;
  if (typeof value !== 'string' || value.length === 0 || value.length > 255 || value.includes('/')) {
    throw invalidInput('container', `Invalid input for field/attribute container. Value: ${describeValue(value)}. a Swift container name has 1 to 255 characters and no '/'`, 'block.backup.invalid_container');
  }
  return value;
}
