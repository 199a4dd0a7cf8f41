/**
 * Flavors: list, show, create, update (description), delete, as nova Zed answers them at
 * microversion 2.93 (`nova/api/openstack/compute/flavors.py`, `flavor_manage.py`,
 * `views/flavors.py`, `schemas/flavors.py`, `schemas/flavor_manage.py`, `nova/compute/flavors.py`
 * `create`, `nova/objects/flavor.py` `_flavor_get_all_from_db` / `_flavor_create` /
 * `_flavor_destroy`, `nova/api/validation/parameter_types.py`).
 *
 * - Lists: a non-admin sees the enabled public flavors and the private ones its project was given
 *   (`is_public` is ignored); an admin sees, by `is_public`, the public ones and those its own
 *   project was given (`true`, the default), the private ones (`false`) or all (`none`).
 *   `minRam` / `minDisk` filter (Python's `int()`: 400 "Invalid minRam filter [x]"); `sort_key`
 *   (nova's fifteen columns, default `flavorid`) and `sort_dir` order with the database id as the
 *   tie-breaker; `marker` is a flavor id the caller can see (400 "marker [x] not found"); `limit`
 *   at most `[api] max_limit`. Unknown parameters are refused (2.75).
 * - Create (`os-flavor-manage:create`, admin): nova's schema (400 naming the field), then the
 *   policy, then `FlavorIdExists` / `FlavorExists` (409, nova's messages). Without an `id` (or
 *   with `null` or 0) the id is a UUID drawn from the cloud's seed. The name is stripped.
 * - Update (2.55, `os-flavor-manage:update`): the description only. Delete
 *   (`os-flavor-manage:delete`): its access list and extra specs go too; servers keep their copy.
 *
 * Strings sort by code unit (MySQL's case-insensitive collation is not simulated). Not simulated:
 * the versioned `flavor.create` / `flavor.update` / `flavor.delete` notifications, the 2.0 API's
 * names with surrounding spaces, the `disabled` flag (never set by the API).
 */
import { deleteRow, getRow, setRow, tablePrefix, tableValues, type CloudState, type Tx } from '../core/index.js';
import { allowed, enforce, type Ctx } from './context.js';
import { visibleFlavor } from './flavor_access_check.js';
import { pythonInt } from './extra_specs/validators.js';
import { conflict, badRequest } from './errors.js';
import { flavorView, getFlavor, type FlavorView } from './flavors.js';
import { describeValue, fieldError, limitParam, objectArg, onlyKeys, pyLength, pyNumberText, pyStrip, queryArg, queryError, queryString, requireKeys, schemaBoolean, schemaDescription, schemaName } from './input.js';
import { NOVA_RULES } from './policies.js';
import type { FlavorRow } from './types.js';
import { links, type Link } from './views.js';

// ------------------------------------------------------------------------------ views

/** `GET /flavors` at 2.93 (`ViewBuilder.basic`): id, name, description, links. */
export interface FlavorSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly links: readonly Link[];
}

/** Whether flavor views show `extra_specs` (2.61+: `os-flavor-extra-specs:index`, `fatal=False`). */
export function showsExtraSpecs(ctx: Ctx): boolean {
  return allowed(ctx, NOVA_RULES.flavors.extraSpecsIndex, { project_id: ctx.projectId, user_id: ctx.userId });
}

// ------------------------------------------------------------------------------ list

/** `schemas/flavors.py` `VALID_SORT_KEYS`, mapped to the row's fields. */
const SORT_KEYS: Readonly<Record<string, keyof FlavorRow>> = Object.freeze({
  created_at: 'created_at', description: 'description', disabled: 'disabled', ephemeral_gb: 'ephemeral_gb', flavorid: 'flavorid', id: 'id',
  is_public: 'is_public', memory_mb: 'memory_mb', name: 'name', root_gb: 'root_gb', rxtx_factor: 'rxtx_factor', swap: 'swap',
  updated_at: 'updated_at', vcpu_weight: 'vcpu_weight', vcpus: 'vcpus',
});
const LIST_PARAMS = ['limit', 'marker', 'is_public', 'minRam', 'minDisk', 'sort_key', 'sort_dir'];

/** What `GET /flavors[/detail]` takes (strings as in a URL; numbers and booleans are accepted for convenience). */
export interface FlavorListQuery {
  readonly is_public?: string | boolean;
  readonly minRam?: string | number;
  readonly minDisk?: string | number;
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  readonly limit?: string | number;
  readonly marker?: string;
}

/** One column's order: null first (MySQL), booleans false first, numbers, strings by code unit. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** `_get_flavors`'s integer filters (`int(req.params['minRam'])`: 400 "Invalid minRam filter [x]"). */
function minFilter(q: Record<string, unknown>, name: 'minRam' | 'minDisk'): number | null {
  const v = q[name];
  if (v === undefined) return null;
  const text = typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'string' && v.length <= 1000 ? v : null;
  if (text === null && typeof v !== 'string' && typeof v !== 'number') throw queryError(name, v, `${describeValue(v)} is not of type 'string'`);
  const n = text === null ? null : pythonInt(text);
  if (n === null) throw badRequest(name, `Invalid ${name} filter [${typeof v === 'string' ? v.slice(0, 100) : describeValue(v)}]`, 'compute.flavor.invalid_filter');
  return Number(n);
}

/** `_parse_is_public` (admins only): absent `true`; `none` (any case) every flavor; else a strict boolean (400 "Invalid is_public filter [x]"). */
function isPublicFilter(q: Record<string, unknown>): boolean | null {
  const v = q.is_public;
  if (v === undefined) return true;
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') throw queryError('is_public', v, `${describeValue(v)} is not of type 'string'`);
  if (v.toLowerCase() === 'none') return null;
  const lowered = pyStrip(v).toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(lowered)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(lowered)) return false;
  throw badRequest('is_public', `Invalid is_public filter [${v.slice(0, 100)}]`, 'compute.flavor.invalid_filter');
}

/** `_get_flavors` and `FlavorList.get_all`: the page of flavors the query asks for. */
function listed(ctx: Ctx, query: unknown): FlavorRow[] {
  const q = queryArg(query, LIST_PARAMS);
  // the query schema first: every parameter's type and enum
  const limit = limitParam(q, ctx.s.compute.config.max_limit);
  const marker = queryString(q, 'marker');
  for (const name of ['is_public', 'minRam', 'minDisk'] as const) {
    const v = q[name];
    if (v !== undefined && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw queryError(name, v, `${describeValue(v)} is not of type 'string'`);
  }
  const sortKeyText = queryString(q, 'sort_key');
  if (sortKeyText !== undefined && !Object.hasOwn(SORT_KEYS, sortKeyText)) throw queryError('sort_key', sortKeyText, `${describeValue(sortKeyText)} is not one of [${Object.keys(SORT_KEYS).map((k) => `'${k}'`).join(', ')}]`);
  const sortDirText = queryString(q, 'sort_dir');
  if (sortDirText !== undefined && sortDirText !== 'asc' && sortDirText !== 'desc') throw queryError('sort_dir', sortDirText, `${describeValue(sortDirText)} is not one of ['asc', 'desc']`);
  const sortKey = SORT_KEYS[sortKeyText || 'flavorid']!;
  const dir = (sortDirText || 'asc') === 'asc' ? 1 : -1;

  const isPublic = ctx.isAdmin ? isPublicFilter(q) : true;
  const minRam = minFilter(q, 'minRam');
  const minDisk = minFilter(q, 'minDisk');
  const granted = (f: FlavorRow) => ctx.projectId !== null && getRow(ctx.s.compute.flavor_access, `${f.flavorid}/${ctx.projectId}`) !== undefined;
  const rows = [...tableValues(ctx.s.compute.flavors)].filter((f) => {
    if (!visibleFlavor(ctx, f)) return false;
    if (minRam !== null && f.memory_mb < minRam) return false;
    if (minDisk !== null && f.root_gb < minDisk) return false;
    if (!ctx.isAdmin && f.disabled) return false;
    if (isPublic === true) return f.is_public || granted(f);
    if (isPublic === false) return !f.is_public;
    return true;
  });
  const order = (a: FlavorRow, b: FlavorRow) => dir * (compareValues(a[sortKey], b[sortKey]) || a.id - b.id);
  rows.sort(order);
  let start = 0;
  if (marker !== undefined) {
    const m = getRow(ctx.s.compute.flavors, marker);
    if (m === undefined || !visibleFlavor(ctx, m)) throw badRequest('marker', `marker [${marker.slice(0, 255)}] not found`, 'compute.flavor.marker_not_found');
    start = rows.findIndex((r) => order(r, m) > 0);
    if (start < 0) start = rows.length;
  }
  return rows.slice(start, start + limit);
}

/** `GET /flavors/detail` with nova's filters, sort and paging. */
export function listFlavors(ctx: Ctx, query: unknown): FlavorView[] {
  const rows = listed(ctx, query);
  const extra = showsExtraSpecs(ctx);
  return rows.map((r) => flavorView(r, extra));
}

/** `GET /flavors`: id, name, description and links of the same page. */
export function listFlavorSummaries(ctx: Ctx, query: unknown): FlavorSummary[] {
  return listed(ctx, query).map((r) => ({ id: r.flavorid, name: r.name, description: r.description, links: links('flavors', r.flavorid) }));
}

/** `GET /flavors/{flavor_id}`: a flavor the caller may see (404 `FlavorNotFound` otherwise). */
export function showFlavor(ctx: Ctx, ref: unknown): FlavorView {
  return flavorView(getFlavor(ctx, ref, 'flavor_id'), showsExtraSpecs(ctx));
}

// ------------------------------------------------------------------------------ create

/** `parameter_types.flavor_param_positive` / `_non_negative`: an integer (or a string of digits) in range. */
function flavorInteger(value: unknown, field: string, min: number): number {
  const max = 0x7fffffff;
  let n: number;
  if (typeof value === 'number' && Number.isInteger(value)) n = value;
  else if (typeof value === 'string') {
    if (!/^[0-9]+\n?$/.test(value)) throw fieldError(field, value, `${describeValue(value)} does not match '^[0-9]+$'`);
    n = value.length > 12 ? Number.MAX_SAFE_INTEGER : Number(value.trim());
  } else throw fieldError(field, value, `${describeValue(value)} is not of type 'integer', 'string'`);
  if (n < min) throw fieldError(field, value, `${n} is less than the minimum of ${min}`);
  if (n > max) throw fieldError(field, value, `${value === n ? n : describeValue(value)} is greater than the maximum of ${max}`);
  return n === 0 ? 0 : n;
}

/** `rxtx_factor`: a positive number (or a decimal string) up to `SQL_SP_FLOAT_MAX`. */
function rxtxFactor(value: unknown): number {
  const field = 'rxtx_factor';
  let n: number;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw fieldError(field, value, 'NaN is not a number nova can store');
    n = value;
  } else if (typeof value === 'string') {
    if (value.length > 400 || !/^[0-9]+(\.[0-9]+)?\n?$/.test(value)) throw fieldError(field, value, `${describeValue(value)} does not match '^[0-9]+(\\.[0-9]+)?$'`);
    n = Number(value.trim());
  } else throw fieldError(field, value, `${describeValue(value)} is not of type 'number', 'string'`);
  if (n <= 0) throw fieldError(field, value, `${describeValue(value)} is less than or equal to the minimum of 0`);
  if (n > 3.40282e38) throw fieldError(field, value, `${describeValue(value)} is greater than the maximum of 3.40282e+38`);
  return n;
}

/** The flavor `id` of a create: a string of the schema's pattern, a number (as Python's `str()`), or null / absent / 0 (generate one). */
function flavorIdArg(value: unknown): string | null {
  const field = 'id';
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') {
    const text = pyNumberText(value);
    if (text === null) throw fieldError(field, value, `${describeValue(value)} is not a number nova can store`);
    return value === 0 ? null : text;
  }
  if (typeof value !== 'string') throw fieldError(field, value, `${describeValue(value)} is not of type 'string', 'number', 'null'`);
  if (value.length < 1) throw fieldError(field, value, `'' is too short`);
  if (pyLength(value) > 255) throw fieldError(field, value, `${describeValue(value)} is too long`);
  if (!/^(?! )[a-zA-Z0-9. _-]+(?<! )\n?$/.test(value)) throw fieldError(field, value, `${describeValue(value)} does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'`);
  return value;
}

/** The fields of `POST /flavors` at 2.55+, in the schema's order. */
const CREATE_FIELDS = ['name', 'id', 'ram', 'vcpus', 'disk', 'OS-FLV-EXT-DATA:ephemeral', 'swap', 'rxtx_factor', 'os-flavor-access:is_public', 'description'];

/** What `POST /flavors` takes (the `flavor` object). */
export interface FlavorCreateRequest {
  readonly name: string;
  readonly ram: number | string;
  readonly vcpus: number | string;
  readonly disk: number | string;
  readonly id?: string | number | null;
  readonly 'OS-FLV-EXT-DATA:ephemeral'?: number | string;
  readonly swap?: number | string;
  readonly rxtx_factor?: number | string;
  readonly 'os-flavor-access:is_public'?: boolean | string;
  readonly description?: string | null;
}

/**
 * `POST /flavors` (`os-flavor-manage:create`, admin): nova's schema (400 naming the field, in the
 * schema's order), the policy (403), then the flavor: `FlavorIdExists` "Flavor with ID x already
 * exists." or `FlavorExists` "Flavor with name x already exists." (409). A private flavor gets no
 * access list (nova adds none for the creator's project either). Answers the view (with empty
 * `extra_specs` when the caller may see them).
 */
export function createFlavor(tx: Tx, ctx: Ctx, input: unknown): FlavorView {
  const body = objectArg(input, 'flavor');
  const values = {
    name: Object.hasOwn(body, 'name') ? schemaName(body.name, 'name') : undefined,
    id: flavorIdArg(body.id),
    ram: Object.hasOwn(body, 'ram') ? flavorInteger(body.ram, 'ram', 1) : undefined,
    vcpus: Object.hasOwn(body, 'vcpus') ? flavorInteger(body.vcpus, 'vcpus', 1) : undefined,
    disk: Object.hasOwn(body, 'disk') ? flavorInteger(body.disk, 'disk', 0) : undefined,
    ephemeral: Object.hasOwn(body, 'OS-FLV-EXT-DATA:ephemeral') ? flavorInteger(body['OS-FLV-EXT-DATA:ephemeral'], 'OS-FLV-EXT-DATA:ephemeral', 0) : 0,
    swap: Object.hasOwn(body, 'swap') ? flavorInteger(body.swap, 'swap', 0) : 0,
    rxtx: Object.hasOwn(body, 'rxtx_factor') ? rxtxFactor(body.rxtx_factor) : 1.0,
    isPublic: Object.hasOwn(body, 'os-flavor-access:is_public') ? schemaBoolean(body['os-flavor-access:is_public'], 'os-flavor-access:is_public') : true,
    description: Object.hasOwn(body, 'description') ? schemaDescription(body.description, 'description', 65_535) : null,
  };
  requireKeys(body, ['name', 'ram', 'vcpus', 'disk'], 'flavor');
  onlyKeys(body, CREATE_FIELDS, 'flavor');
  enforce(ctx, NOVA_RULES.flavors.create, {});

  const s = tx.draft as CloudState;
  const flavorid = values.id ?? tx.ids.uuid();
  const flavorName = pyStrip(values.name!);
  if (getRow(s.compute.flavors, flavorid) !== undefined) throw conflict('compute.flavor.id_exists', 'FlavorIdExists', `Flavor with ID ${flavorid} already exists.`, { id: flavorid });
  for (const f of tableValues(s.compute.flavors)) {
    if (f.name === flavorName) throw conflict('compute.flavor.name_exists', 'FlavorExists', `Flavor with name ${flavorName} already exists.`, { name: flavorName });
  }
  const row: FlavorRow = {
    flavorid,
    id: tx.counter('compute.flavor'),
    name: flavorName,
    vcpus: values.vcpus!,
    memory_mb: values.ram!,
    root_gb: values.disk!,
    ephemeral_gb: values.ephemeral,
    swap: values.swap,
    rxtx_factor: values.rxtx,
    vcpu_weight: null,
    is_public: values.isPublic,
    disabled: false,
    description: values.description,
    extra_specs: {},
    created_at: tx.now(),
    updated_at: null,
  };
  setRow(tx.draft.compute.flavors, flavorid, row);
  tx.trace('nova-api', `flavor ${flavorName} (${flavorid}) created: ${row.vcpus} vCPU, ${row.memory_mb} MB RAM, ${row.root_gb} GB disk, ${row.is_public ? 'public' : 'private'}`);
  return flavorView(row, showsExtraSpecs(ctx));
}

// ------------------------------------------------------------------------------ update and delete

/** Any flavor by reference, visible or not: an admin's lookup (`Flavor.get_by_flavor_id` with an admin context, `_flavor_destroy`). */
function anyFlavor(ctx: Ctx, ref: unknown): FlavorRow {
  return getFlavor({ ...ctx, isAdmin: true }, ref, 'flavor_id');
}

/**
 * `PUT /flavors/{flavor_id}` (2.55, `os-flavor-manage:update`): `{ description }` (null or up to
 * 65535 printable characters; required, nothing else), then the policy, then the flavor (404).
 */
export function updateFlavor(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): FlavorView {
  const body = objectArg(input, 'flavor');
  const description = Object.hasOwn(body, 'description') ? schemaDescription(body.description, 'description', 65_535) : undefined;
  requireKeys(body, ['description'], 'flavor');
  onlyKeys(body, ['description'], 'flavor');
  enforce(ctx, NOVA_RULES.flavors.update, {});
  const found = getFlavor(ctx, ref, 'flavor_id');
  const row: FlavorRow = { ...found, description: description ?? null, updated_at: tx.now() };
  setRow(tx.draft.compute.flavors, row.flavorid, row);
  tx.trace('nova-api', `flavor ${row.name} (${row.flavorid}) description updated`);
  return flavorView(row, showsExtraSpecs(ctx));
}

/**
 * `DELETE /flavors/{flavor_id}` (`os-flavor-manage:delete`): the policy first, then the flavor
 * (any, as `_flavor_destroy` queries without the caller's filter; 404), with its access list and
 * extra specs. Servers booted from it keep their copy of it.
 */
export function deleteFlavor(tx: Tx, ctx: Ctx, ref: unknown): void {
  enforce(ctx, NOVA_RULES.flavors.delete, {});
  const s = tx.draft as CloudState;
  const row = anyFlavor(ctx, ref);
  for (const [key] of tablePrefix(s.compute.flavor_access, `${row.flavorid}/`)) deleteRow(tx.draft.compute.flavor_access, key);
  deleteRow(tx.draft.compute.flavors, row.flavorid);
  tx.trace('nova-api', `flavor ${row.name} (${row.flavorid}) deleted`);
}
