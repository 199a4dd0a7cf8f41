/**
 * The attributes every Neutron resource shares (`neutron/db/standard_attr.py`, the
 * `standard-attr-*` extensions): `description`, `revision_number` (bumped on every change),
 * `created_at` / `updated_at`, `tags`, and `project_id` shown also as `tenant_id`.
 */
import { isoAt, type CloudState, type Tx } from '../core/index.js';
import { pyBool, pyStr } from './ipam/addresses.js';
import { NeutronError, attributeInvalid } from './errors.js';
import type { StandardAttrs } from './types.js';

/** The standard attributes of a new row. */
export function standardAttrs(tx: Tx, id: string, projectId: string, description: unknown): StandardAttrs {
  const now = tx.now();
  return { id, project_id: projectId, description: descriptionArg(description), revision_number: 0, created_at: now, updated_at: now, tags: [] };
}

/** A changed row: `revision_number` + 1 and `updated_at` now (`revision_plugin`). */
export function revised<R extends StandardAttrs>(tx: Tx, row: R, changes: Partial<R>): R {
  return { ...row, ...changes, revision_number: row.revision_number + 1, updated_at: tx.now() };
}

/** `description`: a string of at most 255 characters (`DESCRIPTION_FIELD_SIZE`), '' when absent. */
export function descriptionArg(value: unknown, field = 'description'): string {
  return value === undefined ? '' : stringArg(value, field, 255);
}

/** `name`: neutron-lib's `type:string` of at most 255 characters, '' when absent. */
export function nameArg(value: unknown, field = 'name'): string {
  return value === undefined ? '' : stringArg(value, field, 255);
}

/**
 * neutron-lib's `validate_string(data, max_len)`: a string of at most `max` characters (Python's
 * `len`, code points), else "Invalid input for <field>. Reason: 'None' is not a valid string."
 * or "… exceeds maximum length of <max>."
 */
export function stringArg(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw attributeInvalid(field, `'${pyStr(value).slice(0, 1024)}' is not a valid string`);
  if (value.length > max && [...value].length > max) throw attributeInvalid(field, `'${value.slice(0, 1024)}' exceeds maximum length of ${max}`);
  return value;
}

/** The standard part of a view: Neutron shows `tenant_id` beside `project_id`, times as ISO strings without fractions. */
export function standardView(s: CloudState, row: StandardAttrs): Record<string, unknown> {
  const iso = (t: number): string => isoAt(s.meta.clock.epoch, Math.floor(t));
  return {
    tenant_id: row.project_id,
    project_id: row.project_id,
    description: row.description,
    tags: [...row.tags],
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    revision_number: row.revision_number,
  };
}

/** The changes a command collects for a row: every attribute optional and writable. */
export type Changes<T> = { -readonly [K in keyof T]?: T[K] };

/**
 * neutron-lib's `convert_to_boolean`: oslo's strict `bool_from_string` of the value, or a 400
 * naming the attribute: "Invalid input for admin_state_up. Reason: 'x' cannot be converted to
 * boolean." (Zed's converter words it "Invalid input for operation: …" without the attribute; a
 * stacksim message always names the field at fault).
 */
export function booleanArg(value: unknown, field: string, code = `network.input.invalid_${field.replace(/[^a-z_]/g, '_')}`): boolean {
  const b = pyBool(value);
  if (b === undefined) throw new NeutronError(400, code, 'InvalidInput', `Invalid input for ${field}. Reason: '${pyStr(value).slice(0, 1024)}' cannot be converted to boolean.`, { field });
  return b;
}

/** oslo.utils `uuidutils.is_uuid_like` (what neutron-lib's `validate_uuid` asks). */
export function isUuidLike(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 255) return false;
  const hex = value.replace(/urn:/g, '').replace(/uuid:/g, '').replace(/^[{}]+|[{}]+$/g, '').replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex);
}

/** neutron-lib `validate_uuid`'s message, or undefined. */
export function uuidReason(value: unknown): string | undefined {
  return isUuidLike(value) ? undefined : `'${pyStr(value).slice(0, 256)}' is not a valid UUID`;
}
