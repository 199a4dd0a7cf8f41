/**
 * The parameters of Cinder's requests, for the block routes: request bodies checked as
 * `cinder/api/validation` words jsonschema's errors (Python reprs, "Invalid input for
 * field/attribute …"), query strings as `cinder/api/common.py` reads them
 * (`get_pagination_params`, `get_sort_params`, `utils.get_bool_param`, the general filtering of
 * `process_general_filtering` / `reject_invalid_filters` / `remove_invalid_filter_options`, a
 * filter value as `ast.literal_eval` reads it), and the links of views
 * (`ViewBuilder._get_links`, `_get_collection_links`).
 *
 * Not simulated: `X-Forwarded-Host` and `public_endpoint` in links, `~` (like) filters.
 */
import { pyRepr } from '../core/index.js';
import { CinderError } from './errors.js';
import { OSAPI_MAX_LIMIT } from './listing.js';
import { httpBadRequest, mv, type BlockCall } from './rest_http.js';

// ---------------------------------------------------------------------------- jsonschema words

/** Python's `repr` of a value, as jsonschema's messages show it (core's, bounded). */
export { pyRepr };

/** `cinder.exception.ValidationError` as `_SchemaValidator.validate` words it: with a path, "Invalid input for field/attribute …". */
export function schemaError(message: string, path?: { readonly name: string; readonly value: unknown }): CinderError {
  const detail = path === undefined ? message : `Invalid input for field/attribute ${path.name}. Value: ${pyRepr(path.value)}. ${message}`;
  return new CinderError(400, 'block.request.schema', 'ValidationError', detail.slice(0, 2000), { field: path?.name ?? 'body' });
}

/** jsonschema's `type` message: `5 is not of type 'object'`. */
export function notOfType(value: unknown, ...types: string[]): string {
  return `${pyRepr(value)} is not of type ${types.map((t) => `'${t}'`).join(', ')}`;
}

/** jsonschema's `additionalProperties` message. */
function additionalMessage(extras: readonly string[]): string {
  return `Additional properties are not allowed (${extras.map((e) => pyRepr(e)).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`;
}

/**
 * An object of a schema (`type: object`, `properties`, `required`, `additionalProperties: false`
 * over `allowed`), checked in jsonschema's keyword order; `path` names it (none for the whole
 * body). Each property's checker throws its own error.
 */
export function objectOf(
  value: unknown,
  schema: { readonly properties?: Readonly<Record<string, (value: unknown) => void>>; readonly required?: readonly string[]; readonly allowed?: readonly string[] },
  path?: string,
): Record<string, unknown> {
  const at = path === undefined ? undefined : { name: path, value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw schemaError(notOfType(value, 'object'), at);
  const obj = value as Record<string, unknown>;
  for (const [key, check] of Object.entries(schema.properties ?? {})) if (Object.hasOwn(obj, key)) check(obj[key]);
  for (const key of schema.required ?? []) if (!Object.hasOwn(obj, key)) throw schemaError(`${pyRepr(key)} is a required property`, at);
  if (schema.allowed !== undefined) {
    const extras = Object.keys(obj).filter((k) => !(schema.allowed as readonly string[]).includes(k));
    if (extras.length > 0) throw schemaError(additionalMessage(extras), at);
  }
  return obj;
}

/** `parameter_types.volume_size` (`type: [integer, string]`, `pattern: ^[0-9]+$`, 1 ≤ n ≤ DB_MAX_INT), jsonschema's words. */
export function volumeSizeOf(value: unknown, name: string): number {
  const at = { name, value };
  if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) throw schemaError(notOfType(value, 'integer', 'string'), at);
  if (typeof value === 'string' && !/^[0-9]+$/.test(value)) throw schemaError(`${pyRepr(value)} does not match '^[0-9]+$'`, at);
  const n = Number(value);
  if (n < 1) throw schemaError(`${pyRepr(n)} is less than the minimum of 1`, at);
  if (n > 0x7fffffff) throw schemaError(`${pyRepr(n)} is greater than the maximum of 2147483647`, at);
  return n;
}

// ---------------------------------------------------------------------------- query strings

/** webob's `params.get`: the last value given. */
export function lastOf(call: BlockCall, name: string): string | undefined {
  return call.query.getAll(name).at(-1);
}

/** webob's `MultiDict.pop`: the first value given. */
export function firstOf(call: BlockCall, name: string): string | undefined {
  return call.query.get(name);
}

const TRUE_STRINGS = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE_STRINGS = ['0', 'f', 'false', 'off', 'n', 'no'];

/** `utils.get_bool_param`: absent is false; else one of oslo's boolean strings (400 `InvalidParameterValue`). */
export function boolParam(call: BlockCall, name: string): boolean {
  const raw = lastOf(call, name);
  return raw === undefined ? false : boolValue(raw, name);
}

/** The filter rules of one resource's list (`process_general_filtering(<resource>)`). */
export interface FilterRules {
  /** `etc/cinder/resource_filters.json` for the resource (Zed): what a non-admin may filter on. */
  readonly userFilters: readonly string[];
  /** Below 3.31, what the controller's own `_get_<resource>_filter_options` lets a non-admin keep (default `userFilters`). */
  readonly legacyFilters?: readonly string[];
  /** Below 3.31, `[since, name]` pairs a controller drops before `since` (volumes' `MV_ADDED_FILTERS`). */
  readonly mvAdded?: readonly (readonly [string, string])[];
  /** From 3.31, `convert_filter_attributes`: `consumes_quota` is `use_quota`. */
  readonly converters?: Readonly<Record<string, string>>;
}

/** The query parameters `get_pagination_params`, `get_sort_params` and `with_count` (3.45) take out first. */
const LIST_CONTROL = new Set(['limit', 'marker', 'offset', 'sort', 'sort_key', 'sort_dir']);

/**
 * The filters a list keeps for this caller and microversion, each its last value: from 3.31
 * `reject_invalid_filters` (non-ASCII keys 400; a non-admin's filter outside `userFilters` is
 * 400 "Invalid filters … are found in query options.", `all_tenants` silently dropped) and
 * `convert_filter_attributes`; before, the controller's own drops (`MV_ADDED_FILTERS`,
 * `remove_invalid_filter_options`: a non-admin's other filters silently).
 */
export function selectFilters(call: BlockCall, rules: FilterRules, isAdmin: boolean): Map<string, string> {
  const v = mv(call);
  const filters = new Map<string, string>();
  for (const [k, value] of call.query.entries()) if (!LIST_CONTROL.has(k) && !(k === 'with_count' && v.atLeast('3.45'))) filters.set(k, value);
  if (v.atLeast('3.31')) {
    // eslint-disable-next-line no-control-regex
    if ([...filters.keys()].some((k) => /[^\x00-\x7f]/.test(k))) throw httpBadRequest('Filter keys can only contain ASCII characters.');
    if (!isAdmin) {
      filters.delete('all_tenants');
      const invalid = [...filters.keys()].filter((k) => !rules.userFilters.includes(k));
      if (invalid.length > 0) throw httpBadRequest(`Invalid filters ${invalid.join(',').slice(0, 500)} are found in query options.`);
    }
    for (const [from, to] of Object.entries(rules.converters ?? {})) {
      const value = filters.get(from);
      if (value === undefined) continue;
      filters.delete(from);
      filters.set(to, value);
    }
  } else {
    for (const [since, name] of rules.mvAdded ?? []) if (!v.atLeast(since)) filters.delete(name);
    const legacy = rules.legacyFilters ?? rules.userFilters;
    if (!isAdmin) for (const k of [...filters.keys()]) if (!legacy.includes(k)) filters.delete(k);
  }
  return filters;
}

/** oslo's `bool_from_string(strict=True)` for a filter or body value: 400 `InvalidParameterValue` naming it otherwise. */
export function boolValue(text: string, name: string): boolean {
  const t = text.toLowerCase();
  if (TRUE_STRINGS.includes(t)) return true;
  if (FALSE_STRINGS.includes(t)) return false;
  throw new CinderError(400, 'block.request.invalid_bool', 'InvalidParameterValue', `Value '${text.slice(0, 200)}' for '${name}' is not a boolean.`, { field: name });
}

/** `ast.literal_eval` of a filter value as far as filters use it (integers, booleans, None, quoted strings); else the text. */
export function literal(text: string): unknown {
  const t = text.trim();
  if (/^[+-]?\d+$/.test(t)) return Number(t);
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (t === 'None') return null;
  const quoted = /^'([^'\\]*)'$|^"([^"\\]*)"$/.exec(t);
  if (quoted !== null) return quoted[1] ?? quoted[2];
  return text;
}

/** A column filter on a view field: equality after `literal`, numbers compared as numbers. */
export function fieldEquals(view: Readonly<Record<string, unknown>>, field: string, value: string): boolean {
  const want = literal(value);
  const have = view[field] ?? null;
  if (typeof want === 'number') return Number(have) === want && have !== null && have !== '';
  return have === want;
}

/** Python's `int(text)`: an optional sign, digits, `_` between digits, surrounding whitespace. */
function pythonInt(text: string): number | undefined {
  const t = text.trim().replace(/(?<=\d)_(?=\d)/g, '');
  return /^[+-]?\d+$/.test(t) ? Number(t) : undefined;
}

/** `get_pagination_params`: `limit` (400 unless an integer ≥ 0, at most `osapi_max_limit`), `marker`, `offset`. */
export function paginationParams(call: BlockCall): { readonly limit: number; readonly marker: string | undefined; readonly offset: number } {
  const limitText = firstOf(call, 'limit');
  let limit = OSAPI_MAX_LIMIT;
  if (limitText !== undefined) {
    const n = pythonInt(limitText);
    if (n === undefined) throw httpBadRequest('limit param must be an integer', 'limit');
    if (n < 0) throw httpBadRequest('limit param must be positive', 'limit');
    limit = Math.min(n, OSAPI_MAX_LIMIT);
  }
  const offsetText = firstOf(call, 'offset');
  let offset = 0;
  if (offsetText !== undefined) {
    const n = pythonInt(offsetText);
    if (n === undefined) throw httpBadRequest('offset must be an integer', 'offset');
    if (n < 0) throw httpBadRequest(`offset must be >= 0`, 'offset');
    if (n > 0x7fffffff) throw httpBadRequest('offset must be <= 2147483647', 'offset');
    offset = n;
  }
  return { limit, marker: firstOf(call, 'marker'), offset };
}

/** `get_sort_params`: `sort=key[:dir],…` or the deprecated `sort_key` / `sort_dir` (not both); defaults `created_at` / `desc`. */
export function sortParams(call: BlockCall): { readonly keys: string[]; readonly dirs: string[] } {
  const sort = firstOf(call, 'sort');
  if (sort !== undefined && (call.query.has('sort_key') || call.query.has('sort_dir'))) {
    throw httpBadRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.", 'sort');
  }
  if (sort !== undefined) {
    const keys: string[] = [];
    const dirs: string[] = [];
    for (const part of sort.trim().split(',')) {
      const at = part.indexOf(':');
      keys.push((at < 0 ? part : part.slice(0, at)).trim());
      dirs.push(at < 0 || part.slice(at + 1).trim() === '' ? 'desc' : part.slice(at + 1).trim());
    }
    return { keys, dirs };
  }
  return { keys: [(firstOf(call, 'sort_key') ?? 'created_at').trim()], dirs: [(firstOf(call, 'sort_dir') ?? 'desc').trim()] };
}

/** Python's `urllib.parse.quote_plus`. */
function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${(c.codePointAt(0) as number).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

// ---------------------------------------------------------------------------- links

/** `_get_project_id_in_url`: the project id when the request URL carries it. */
function projectPart(call: BlockCall): string {
  const pid = call.params.project_id;
  return pid === undefined ? '' : `${pid}/`;
}

/** `ViewBuilder._get_links`: `self` under `/v3`, `bookmark` without the version. */
export function resourceLinks(call: BlockCall, collection: string, id: string): { href: string; rel: string }[] {
  return [
    { rel: 'self', href: `${call.base}/v3/${projectPart(call)}${collection}/${id}` },
    { rel: 'bookmark', href: `${call.base}/${projectPart(call)}${collection}/${id}` },
  ];
}

/**
 * `_get_collection_links`: a `next` link when the page is as long as the limit asked (or
 * `osapi_max_limit`), with the request's own query and `marker` set to the last item's id.
 */
export function collectionLinks(call: BlockCall, collectionPath: string, items: readonly { readonly id: string }[], count?: number): { rel: 'next'; href: string }[] {
  const total = count === undefined || count === 0 ? items.length : count;
  const limitText = lastOf(call, 'limit');
  const parsed = limitText === undefined ? OSAPI_MAX_LIMIT : pythonInt(limitText) ?? OSAPI_MAX_LIMIT;
  const limit = Math.min(parsed, OSAPI_MAX_LIMIT);
  const last = items.at(-1);
  if (last === undefined || limit > total) return [];
  const params = [...call.query.entries().filter(([k]) => k !== 'marker'), ['marker', last.id] as const];
  return [{ rel: 'next', href: `${call.base}/v3/${projectPart(call)}${collectionPath}?${params.map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&')}` }];
}
