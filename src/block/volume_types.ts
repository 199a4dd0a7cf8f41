/**
 * Volume types (`cinder/volume/volume_types.py`, `cinder/api/v3/types.py`, `cinder/api/contrib/
 * types_manage.py`, `types_extra_specs.py` (`type_extra_specs.ts`), `volume_type_access.py` (`type_access.ts`), the views `cinder/api/v3/views/
 * types.py` and `cinder/api/views/types.py`, the policies `cinder/policies/volume_type.py`,
 * `volume_access.py`, `type_extra_specs.py`, and the database layer `cinder/db/sqlalchemy/api.py`
 * `volume_type_*`): a type's extra specs steer the scheduler (`volume_backend_name`,
 * `provisioning:type` thin / thick, `multiattach` `<is> True`, `capabilities:*`); a private type is
 * usable only by the projects on its access list (and admins); `[DEFAULT] default_volume_type`
 * (`__DEFAULT__`, which Cinder creates; DevStack sets `lvmdriver-1`) is used when a volume names none.
 *
 * Managed by admins (`rule:admin_api`): create, update (renaming a type renames its per-type quota
 * resources, `QUOTAS.update_quota_resource`), delete (refused for the default type, the last type
 * and a type volumes use), extra specs (refused while volumes use the type), access lists of
 * private types. Read by everyone: list (public types and the private ones the project may use),
 * show, `GET /types/default`, extra specs without the sensitive ones (`read_sensitive`).
 *
 * Not simulated: per-project default types (`/default-types`, 3.62: `default_volume_type` is the
 * only default), volume type encryption, the `image_service:store_id` check against Glance's
 * stores, the `volume_type.*` / `volume_type_extra_specs.*` / `volume_type_project.*`
 * notifications (not declared in events.ts), extra spec values of `null` (refused: a row holds
 * strings).
 */
import { describeValue, getRow, deleteRow, setRow, tablePrefix, tableToArray, type CloudState, type Tx } from '../core/index.js';
import { allowed, enforce, ownTarget, resolveRow, type Ctx } from './context.js';
import { CinderError, duplicate } from './errors.js';
import { badField, copy, isUuidLike, objectArg, onlyKeys, own, ownValue, put, strictBool } from './input.js';
import { OSAPI_MAX_LIMIT, pagingArg, sortArgs, sortRows } from './listing.js';
import { CINDER_RULES } from './policies.js';
import { QUOTA_SERVICE } from './quota.js';
import type { VolumeTypeRow } from './types.js';

/** The type as the scheduler's request spec carries it. */
export interface TypeSpec {
  readonly id: string;
  readonly name: string;
  readonly extra_specs: Readonly<Record<string, string>>;
}

// ------------------------------------------------------------------------------ lookups (used by volumes.ts)

/** A type row by id. */
export function findVolumeType(s: CloudState, id: string): VolumeTypeRow | undefined {
  return getRow(s.block.volume_types, id);
}

/** Whether a type is on a project's access list. */
export function hasTypeAccess(s: CloudState, typeId: string, projectId: string | null): boolean {
  return projectId !== null && getRow(s.block.type_access, `${typeId}/${projectId}`) !== undefined;
}

/** `volume_type_get` with the project filter: public types, private ones the project may use, every type for an admin. */
export function typeVisible(ctx: Ctx, row: VolumeTypeRow): boolean {
  return row.is_public || ctx.isAdmin || hasTypeAccess(ctx.s, row.id, ctx.projectId);
}

/**
 * A type by id or name among those the caller may use (`volume_types.get_by_name_or_id`):
 * unknown, 404 `VolumeTypeNotFound` for a UUID-like reference, `VolumeTypeNotFoundByName` for a name.
 */
export function resolveVolumeType(ctx: Ctx, ref: unknown, field = 'volume_type'): VolumeTypeRow {
  try {
    return resolveRow(ctx, 'volume_type', ctx.s.block.volume_types, (r) => typeVisible(ctx, r), ref, field);
  } catch (e) {
    if (e instanceof CinderError && e.status === 404 && typeof ref === 'string' && !isUuidLike(ref) && getRow(ctx.s.block.volume_types, ref) === undefined) {
      throw new CinderError(404, 'block.volume_type.not_found', 'VolumeTypeNotFoundByName', `Volume type with name ${ref} could not be found.`, { name: ref, field });
    }
    throw e;
  }
}

/** A type by its name (no visibility filter). */
export function typeByName(s: CloudState, name: string): VolumeTypeRow | undefined {
  return tableToArray(s.block.volume_types).find((t) => t.name === name);
}

/** `get_default_volume_type`: the type `default_volume_type` names; a missing one is Cinder's 500 `VolumeTypeDefaultMisconfiguredError`. */
export function defaultVolumeType(s: CloudState): VolumeTypeRow {
  const name = s.block.config.default_volume_type;
  const row = typeByName(s, name);
  if (row === undefined) throw new CinderError(500, 'block.volume_type.default_not_found', 'VolumeTypeDefaultMisconfiguredError', `The request cannot be fulfilled as the default volume type ${name} cannot be found.`, { name });
  return row;
}

/** The spec the scheduler gets. */
export function typeSpec(row: VolumeTypeRow): TypeSpec {
  return { id: row.id, name: row.name, extra_specs: row.extra_specs };
}

/** Whether a type's extra specs ask for multiattach (`multiattach` = `<is> True`). */
export function typeMultiattach(row: VolumeTypeRow): boolean {
  return /^<is>\s*true$/i.test((ownValue(row.extra_specs, 'multiattach') ?? '').trim());
}

/** The ids of the volumes of a type (any project): `db.volume_get_all(filters={'volume_type_id': …})`. */
export function volumesOfType(s: CloudState, typeId: string): string[] {
  return tableToArray(s.block.volumes).filter((v) => v.volume_type_id === typeId).map((v) => v.id);
}

// ------------------------------------------------------------------------------ views

/**
 * `GET /v3/{project_id}/types/{id}` (the `volume_type` object, `cinder/api/v3/views/types.py`):
 * `extra_specs` under `access_types_extra_specs` (the sensitive ones only with `read_sensitive`),
 * `qos_specs_id` under `access_types_qos_specs_id` (admins), and
 * `os-volume-type-access:is_public` under `volume_type_access` (`volume_type_access.py`'s extension).
 */
export interface VolumeTypeView {
  readonly id: string;
  readonly name: string;
  readonly is_public: boolean;
  readonly description: string | null;
  readonly extra_specs?: Readonly<Record<string, string>>;
  readonly qos_specs_id?: string | null;
  readonly 'os-volume-type-access:is_public'?: boolean;
}

/** `USER_VISIBLE_EXTRA_SPECS` (`cinder/policies/type_extra_specs.py`): what a caller without `read_sensitive` sees. */
export const USER_VISIBLE_EXTRA_SPECS = Object.freeze(['RESKEY:availability_zones', 'multiattach', 'replication_enabled'] as const);

/** The extra specs a caller may read: all with `read_sensitive`, else the user-visible ones. */
export function visibleExtraSpecs(ctx: Ctx, specs: Readonly<Record<string, string>>): Record<string, string> {
  if (allowed(ctx, CINDER_RULES.type.extraSpecsReadSensitive, ownTarget(ctx))) return copy(specs);
  const out: Record<string, string> = {};
  for (const k of USER_VISIBLE_EXTRA_SPECS) {
    const v = ownValue(specs, k);
    if (v !== undefined) put(out, k, v);
  }
  return out;
}

/** The v3 view of a type for the caller (show and list). */
export function volumeTypeView(ctx: Ctx, row: VolumeTypeRow): VolumeTypeView {
  const view: Record<string, unknown> = { id: row.id, name: row.name, is_public: row.is_public, description: row.description };
  const target = ownTarget(ctx);
  if (allowed(ctx, CINDER_RULES.type.accessExtraSpecs, target)) view.extra_specs = visibleExtraSpecs(ctx, row.extra_specs);
  if (allowed(ctx, CINDER_RULES.type.accessQosSpecsId, target)) view.qos_specs_id = row.qos_specs_id;
  if (allowed(ctx, CINDER_RULES.type.typeAccess, target)) view['os-volume-type-access:is_public'] = row.is_public;
  return view as unknown as VolumeTypeView;
}

/**
 * The view `types_manage.py` answers a create or an update with (`cinder/api/views/types.py`, not
 * v3's: every extra spec, no `qos_specs_id`); a create also gets `os-volume-type-access:is_public`
 * (the access extension extends `create`, not `update`).
 */
function manageView(ctx: Ctx, row: VolumeTypeRow, created: boolean): VolumeTypeView {
  const view: Record<string, unknown> = { id: row.id, name: row.name, is_public: row.is_public, extra_specs: copy(row.extra_specs), description: row.description };
  if (created && allowed(ctx, CINDER_RULES.type.typeAccess, ownTarget(ctx))) view['os-volume-type-access:is_public'] = row.is_public;
  return view as unknown as VolumeTypeView;
}

// ------------------------------------------------------------------------------ input

/** The schema's `additionalProperties: False` in the types API's words. */
export function typeBodyKeys(o: Record<string, unknown>, allowedKeys: readonly string[], field: string): void {
  onlyKeys(o, allowedKeys, (k) => badField(`${field}.${k.slice(0, 64)}`, `Invalid input for field/attribute ${field}.${k.slice(0, 64)}. Additional properties are not allowed ('${k.slice(0, 64)}' was unexpected)`, 'block.input.unexpected_field'));
}

/** `parameter_types.boolean`: a boolean or one of oslo's spellings (strict). */
export function boolArg(value: unknown, field: string): boolean {
  const b = strictBool(value);
  if (b !== undefined) return b;
  throw badField(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f']`, 'block.input.invalid_boolean');
}

/** `parameter_types.name` with `format: name`: a string of 1–255 characters, not blank. */
function nameArg(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 255) throw badField(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected a string of 1 to 255 characters`, 'block.input.invalid_name');
  if (value.trim().length === 0) throw new CinderError(400, 'block.input.invalid_name', 'InvalidName', `An invalid 'name' value was provided. The 'name' can not be empty.`, { field });
  return value;
}

/** `parameter_types.description`: null or up to 255 printable characters (`valid_description_regex`). */
export function descriptionArg(value: unknown, field = 'description'): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || value.length > 255) throw badField(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected null or a string of at most 255 characters`, 'block.input.invalid_description');
  for (const ch of value) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0xffff || /[\p{C}\p{Zl}\p{Zp}]/u.test(ch)) throw badField(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. a description holds printable characters only (found U+${cp.toString(16).toUpperCase().padStart(4, '0')})`, 'block.input.invalid_description');
  }
  return value;
}

/** `parameter_types.extra_specs_with_null` keys (spaces and `/` allowed). */
const SPEC_KEY = /^[A-Za-z0-9\-_:. /]{1,255}$/;
/** `extra_specs_with_no_spaces_key` keys (the extra specs API). */
export const SPEC_KEY_NO_SPACES = /^[A-Za-z0-9\-_:.]{1,255}$/;

/** An extra specs object: keys as `pattern` allows, string values of at most 255 characters. */
export function specsArg(value: unknown, field: string, pattern: RegExp = SPEC_KEY): Record<string, string> {
  const o = objectArg(value, field);
  const keys = Object.keys(o);
  if (keys.length > 1024) throw badField(field, `Invalid input for field/attribute ${field}. at most 1024 specs, got ${keys.length}`, 'block.input.invalid_specs');
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (!pattern.test(k)) throw badField(`${field}.${k.slice(0, 64)}`, `Invalid input for field/attribute ${field}.${k.slice(0, 64)}. Additional properties are not allowed ('${k.slice(0, 64)}' was unexpected): keys match ${pattern.source}`, 'block.input.invalid_specs');
    const v = o[k];
    if (v === null) throw badField(`${field}.${k}`, `Invalid input for field/attribute ${field}.${k}. Value: None. null spec values are not simulated (give a string)`, 'block.input.invalid_specs');
    if (typeof v !== 'string' || v.length > 255) throw badField(`${field}.${k}`, `Invalid input for field/attribute ${field}.${k}. Value: ${describeValue(v)}. expected a string of at most 255 characters`, 'block.input.invalid_specs');
    put(out, k, v);
  }
  return out;
}

/** An extra spec key in a URL (`/extra_specs/{key}`). */
export function specKeyArg(value: unknown, field = 'key'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) throw badField(field, `expected an extra spec key (1 to 255 characters), got ${describeValue(value)}`, 'block.volume_type.invalid_spec_key');
  return value;
}

// ------------------------------------------------------------------------------ errors

const typeExists = (name: string): CinderError => duplicate('block.volume_type.exists', 'VolumeTypeExists', `Volume Type ${name} already exists.`, { name });

export function specNotFound(typeId: string, key: string): CinderError {
  return new CinderError(404, 'block.volume_type.extra_spec_not_found', 'VolumeTypeExtraSpecsNotFound', `Volume Type ${typeId} has no extra specs with key ${key}.`, { volume_type_id: typeId, key });
}

export function inUseForSpecs(s: CloudState, typeId: string): void {
  if (volumesOfType(s, typeId).length > 0) throw new CinderError(400, 'block.volume_type.in_use', 'HTTPBadRequest', 'Volume Type is currently in use.', { volume_type_id: typeId });
}

// ------------------------------------------------------------------------------ create / update / delete

/** `POST /v3/{project_id}/types`: the `volume_type` object. */
export interface VolumeTypeCreateRequest {
  readonly name: string;
  readonly description?: string | null;
  readonly extra_specs?: Readonly<Record<string, string>> | null;
  /** Public (default) or private. */
  readonly 'os-volume-type-access:is_public'?: boolean | string;
}

/** `POST /v3/{project_id}/types` (admin): a new type; its name is unique (409 `VolumeTypeExists`). */
export function createVolumeType(tx: Tx, ctx: Ctx, input: unknown): VolumeTypeView {
  enforce(ctx, CINDER_RULES.type.create, ownTarget(ctx));
  const b = objectArg(input, 'volume_type');
  typeBodyKeys(b, ['name', 'description', 'extra_specs', 'os-volume-type-access:is_public'], 'volume_type');
  if (!own(b, 'name')) throw badField('name', "Invalid input for field/attribute volume_type. 'name' is a required property", 'block.input.missing_name');
  const name = nameArg(b.name, 'name');
  const description = descriptionArg(b.description);
  const extra_specs = b.extra_specs === undefined || b.extra_specs === null ? {} : specsArg(b.extra_specs, 'extra_specs');
  const isPublic = b['os-volume-type-access:is_public'] === undefined ? true : boolArg(b['os-volume-type-access:is_public'], 'os-volume-type-access:is_public');
  if (typeByName(tx.draft, name) !== undefined) throw typeExists(name);
  const now = tx.now();
  const row: VolumeTypeRow = { id: tx.ids.uuid(), name, description, is_public: isPublic, extra_specs, qos_specs_id: null, created_at: now, updated_at: now };
  setRow(tx.draft.block.volume_types, row.id, row);
  tx.trace('cinder-api', `volume type ${row.name} (${row.id}) created${isPublic ? '' : ', private'}`);
  return manageView(ctx, row, true);
}

/** `PUT /v3/{project_id}/types/{id}`: the `volume_type` object. */
export interface VolumeTypeUpdateRequest {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly is_public?: boolean | string | null;
}

/**
 * `PUT /v3/{project_id}/types/{id}` (admin): name, description, `is_public` (null: unchanged). A new
 * name must be free (409); the per-type quota resources (`volumes_<name>`, `gigabytes_<name>`,
 * `snapshots_<name>`) follow the name: usage, explicit limits and a changed default (Zed's
 * `quota_update_resource` renames only the first project's limit and returns: that slip is not kept).
 */
export function updateVolumeType(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): VolumeTypeView {
  enforce(ctx, CINDER_RULES.type.update, ownTarget(ctx));
  const b = objectArg(input, 'volume_type');
  typeBodyKeys(b, ['name', 'description', 'is_public'], 'volume_type');
  let name: string | null = null;
  if (b.name !== undefined && b.name !== null) {
    if (typeof b.name !== 'string' || b.name.length < 1 || b.name.length > 255) throw badField('name', `Invalid input for field/attribute name. Value: ${describeValue(b.name)}. expected null or a string of 1 to 255 characters`, 'block.input.invalid_name');
    if (b.name.trim().length === 0) throw badField('name', 'Volume type name can not be empty.', 'block.input.invalid_name');
    name = b.name;
  }
  const description = b.description === undefined ? null : descriptionArg(b.description);
  const isPublic = b.is_public === undefined || b.is_public === null ? null : boolArg(b.is_public, 'is_public');
  if (name === null && description === null && isPublic === null) throw badField('volume_type', 'Specify volume type name, description, is_public or a combination thereof.', 'block.volume_type.empty_update');
  const type = resolveVolumeType(ctx, ref, 'id');
  if (name !== null && name !== type.name && typeByName(tx.draft, name) !== undefined) throw typeExists(name);
  const next: VolumeTypeRow = { ...type, name: name ?? type.name, description: description ?? type.description, is_public: isPublic ?? type.is_public, updated_at: tx.now() };
  setRow(tx.draft.block.volume_types, type.id, next);
  if (name !== null && name !== type.name) renameTypeQuotas(tx, type, name);
  return manageView(ctx, next, false);
}

/**
 * `QUOTAS.update_quota_resource`: the per-type resources of a renamed type follow its name — the
 * usage of the projects holding volumes or snapshots of it (the only ones with usage of it), the
 * explicit limits (`projectsWithLimits`), and a changed default. Through core's quota API only.
 * Mutates.
 */
function renameTypeQuotas(tx: Tx, type: VolumeTypeRow, newName: string): void {
  const holders = new Set<string>();
  for (const v of tableToArray(tx.draft.block.volumes)) if (v.volume_type_id === type.id) holders.add(v.project_id);
  for (const sn of tableToArray(tx.draft.block.snapshots)) if (sn.volume_type_id === type.id) holders.add(sn.project_id);
  const limited = tx.quotas.projectsWithLimits(tx.draft.quota, QUOTA_SERVICE);
  for (const res of ['volumes', 'gigabytes', 'snapshots']) {
    const from = `${QUOTA_SERVICE}.${res}_${type.name}`;
    const to = `${QUOTA_SERVICE}.${res}_${newName}`;
    const registered = tx.quotas.get(from).default;
    for (const projectId of holders) {
      const used = tx.quotas.inUse(tx.draft.quota, projectId, from);
      if (used === 0) continue;
      tx.quotas.release(tx.draft.quota, projectId, { [from]: used });
      tx.quotas.count(tx.draft.quota, projectId, { [to]: used });
    }
    const dflt = tx.quotas.defaultLimit(tx.draft.quota, from);
    for (const projectId of limited) {
      const limit = tx.quotas.limit(tx.draft.quota, projectId, from);
      if (limit === dflt) continue;
      tx.quotas.setLimit(tx.draft.quota, projectId, to, limit);
      tx.quotas.setLimit(tx.draft.quota, projectId, from, dflt);
    }
    if (dflt !== registered) {
      tx.quotas.setDefault(tx.draft.quota, to, dflt);
      tx.quotas.setDefault(tx.draft.quota, from, registered);
    }
  }
}

/**
 * `DELETE /v3/{project_id}/types/{id}` (admin, `volume_types.destroy`): refused, 400, for the
 * default type (`VolumeTypeDefaultDeletionError`), the only type (`VolumeTypeDeletionError`) and a
 * type any volume uses ("Target volume type is still in use."); its extra specs and access list
 * go with it, and QoS specs lose the association.
 */
export function deleteVolumeType(tx: Tx, ctx: Ctx, ref: unknown): void {
  enforce(ctx, CINDER_RULES.type.delete, ownTarget(ctx));
  const type = resolveVolumeType(ctx, ref, 'id');
  const dflt = defaultVolumeType(tx.draft);
  if (type.id === dflt.id) throw invalidVolumeTypeDeletion('block.volume_type.default_in_use', 'VolumeTypeDefaultDeletionError', `The volume type ${type.id} is a default volume type and cannot be deleted.`, type.id);
  if (tableToArray(tx.draft.block.volume_types).length <= 1) throw invalidVolumeTypeDeletion('block.volume_type.last_type', 'VolumeTypeDeletionError', `The volume type ${type.id} is the only currently defined volume type and cannot be deleted.`, type.id);
  if (volumesOfType(tx.draft, type.id).length > 0) throw new CinderError(400, 'block.volume_type.in_use', 'VolumeTypeInUse', 'Target volume type is still in use.', { volume_type_id: type.id });
  for (const [key] of tablePrefix(tx.draft.block.type_access, `${type.id}/`)) deleteRow(tx.draft.block.type_access, key);
  deleteRow(tx.draft.block.volume_types, type.id);
  tx.trace('cinder-api', `volume type ${type.name} (${type.id}) deleted`);
}

function invalidVolumeTypeDeletion(code: string, cinder: string, message: string, id: string): CinderError {
  return new CinderError(400, code, cinder, message, { volume_type_id: id });
}

// ------------------------------------------------------------------------------ show / list

/** `GET /v3/{project_id}/types/{id}`; `default` names the default type (`GET /types/default`). */
export function showVolumeType(ctx: Ctx, ref: unknown): VolumeTypeView {
  const id = typeof ref === 'object' && ref !== null && !Array.isArray(ref) ? (ref as { id?: unknown }).id : ref;
  const type = id === 'default' ? defaultVolumeType(ctx.s) : resolveVolumeType(ctx, ref, 'id');
  enforce(ctx, CINDER_RULES.type.get, ownTarget(ctx));
  return volumeTypeView(ctx, type);
}

/** `GET /v3/{project_id}/types/default`: the type volumes get when they name none (`[DEFAULT] default_volume_type`). */
export function showDefaultVolumeType(ctx: Ctx): VolumeTypeView {
  return showVolumeType(ctx, 'default');
}

/** `GET /v3/{project_id}/types`: filters (admins) and paging. */
export interface VolumeTypeListQuery {
  /**
   * Admins: `true` (default) public types and those the project may use, `false` private types
   * only, `'none'` every type. Others always get the public ones and those their project may use.
   */
  readonly is_public?: boolean | string | null;
  /** Admins: exact match. */
  readonly name?: string;
  readonly description?: string;
  readonly id?: string;
  /** Admins (or with `read_sensitive`): types whose extra specs hold every pair. */
  readonly extra_specs?: Readonly<Record<string, string>>;
  /** Ignored (cinderclient always sends it). */
  readonly all_tenants?: unknown;
  /** `created_at` (default), `id`, `name`, `description`, `is_public`, `updated_at`, `qos_specs_id`. */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  readonly limit?: number | string;
  readonly marker?: string;
  readonly offset?: number | string;
}

const TYPE_SORT_KEYS = ['created_at', 'id', 'name', 'description', 'is_public', 'updated_at', 'qos_specs_id'] as const;
const TYPE_FILTERS = ['is_public', 'name', 'description', 'id', 'extra_specs'];
/** `resource_filters.json` (Zed): what a non-admin may filter volume types by. */
const TYPE_USER_FILTERS = ['is_public'];
/**
 * `GET /v3/{project_id}/types` (`_get_volume_types`, `_process_volume_types_filters`): public
 * types and the private ones the project may use; an admin may ask for private ones
 * (`is_public=false`) or all (`is_public=none`) and filter by any column or extra spec; a
 * non-admin's other filters are a 400 ("Invalid filters … are found in query options."), and an
 * extra specs filter on a sensitive key, without `read_sensitive`, finds nothing.
 */
export function listVolumeTypes(ctx: Ctx, query: unknown = {}): VolumeTypeView[] {
  enforce(ctx, CINDER_RULES.type.getAll, ownTarget(ctx));
  const q = objectArg(query, 'query');
  const paging = ['sort_key', 'sort_dir', 'limit', 'marker', 'offset'];
  const filters = Object.keys(q).filter((k) => !paging.includes(k) && k !== 'all_tenants');
  if (!ctx.isAdmin) {
    const bad = filters.filter((k) => !TYPE_USER_FILTERS.includes(k));
    if (bad.length > 0) throw badField(bad[0] as string, `Invalid filters ${bad.map((k) => k.slice(0, 64)).join(',')} are found in query options.`, 'block.list.invalid_filter');
  } else {
    const unknown = filters.filter((k) => !TYPE_FILTERS.includes(k));
    if (unknown.length > 0) throw badField(unknown[0] as string, `'${(unknown[0] as string).slice(0, 64)}' is not a filter of GET /types (known: ${TYPE_FILTERS.join(', ')})`, 'block.list.unknown_filter');
  }
  let isPublic: boolean | null = true;
  if (ctx.isAdmin && q.is_public !== undefined) {
    const v = q.is_public;
    if (v === null || (typeof v === 'string' && v.toLowerCase() === 'none')) isPublic = null;
    else if (typeof v === 'boolean') isPublic = v;
    else if (typeof v === 'string' && ['1', 't', 'true', 'on', 'y', 'yes'].includes(v.trim().toLowerCase())) isPublic = true;
    else if (typeof v === 'string' && ['0', 'f', 'false', 'off', 'n', 'no'].includes(v.trim().toLowerCase())) isPublic = false;
    else throw badField('is_public', `Invalid is_public filter [${typeof v === 'string' ? v.slice(0, 64) : describeValue(v)}]`, 'block.list.invalid_filter');
  }
  const text = (k: 'name' | 'description' | 'id'): string | undefined => {
    const v = q[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length > 255) throw badField(k, `expected a string of at most 255 characters, got ${describeValue(v)}`, 'block.list.invalid_filter');
    return v;
  };
  const name = text('name');
  const description = text('description');
  const id = text('id');
  const specs = q.extra_specs === undefined ? null : specsArg(q.extra_specs, 'extra_specs');
  if (specs !== null && !allowed(ctx, CINDER_RULES.type.extraSpecsReadSensitive, ownTarget(ctx))) {
    if (Object.keys(specs).some((k) => !(USER_VISIBLE_EXTRA_SPECS as readonly string[]).includes(k))) return [];
  }
  const { key, dir } = sortArgs(q, TYPE_SORT_KEYS);
  const limit = q.limit === undefined ? OSAPI_MAX_LIMIT : Math.min(pagingArg(q.limit, 'limit'), OSAPI_MAX_LIMIT);
  const offset = q.offset === undefined ? 0 : pagingArg(q.offset, 'offset');
  if (q.marker !== undefined && typeof q.marker !== 'string') throw badField('marker', `expected a volume type id, got ${describeValue(q.marker)}`, 'block.list.invalid_marker');
  const rows = tableToArray(ctx.s.block.volume_types).filter((t) => {
    if (!ctx.isAdmin && !typeVisible(ctx, t)) return false;
    if (isPublic === true && !(t.is_public || hasTypeAccess(ctx.s, t.id, ctx.projectId))) return false;
    if (isPublic === false && t.is_public) return false;
    if (name !== undefined && t.name !== name) return false;
    if (description !== undefined && t.description !== description) return false;
    if (id !== undefined && t.id !== id) return false;
    if (specs !== null) {
      for (const [k, v] of Object.entries(specs)) {
        const have = ownValue(t.extra_specs, k);
        if (have === undefined || (k === 'RESKEY:availability_zones' ? !have.includes(v) : have !== v)) return false;
      }
    }
    return true;
  });
  sortRows(rows, key, dir);
  // `_volume_type_get_db_object`: an unknown marker is no marker (the list starts at the beginning)
  const at = q.marker === undefined ? -1 : rows.findIndex((r) => r.id === q.marker);
  return rows.slice(at + 1 + offset, at + 1 + offset + limit).map((t) => volumeTypeView(ctx, t));
}
