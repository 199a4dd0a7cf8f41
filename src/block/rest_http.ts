/**
 * What Cinder's WSGI layer does around every route, for `rest.ts` (`cinder/api/openstack/wsgi.py`
 * `Resource.__call__` / `_process_stack` / `Fault`, `cinder/api/middleware/fault.py`
 * `FaultWrapper`, `cinder/api/openstack/__init__.py` `ProjectMapper`, `cinder/api/common.py`):
 *
 * - the `OpenStack-API-Version: volume 3.x` header as `Request.set_api_version_request` reads it
 *   (400 "API Version String … is of invalid format", 406 "Version … is not supported by the
 *   API", a header without a `volume` entry a bare 400), echoed on answers and faults;
 * - bodies: ignored without a `Content-Type`, 415 "Unsupported Content-Type" for a type other
 *   than JSON, 400 "Malformed request body"; a body sent to a method that takes none is webob's
 *   bare 400 (the controller's `TypeError`); `POST …/action` finds its action by the body's one
 *   key (`action_peek_json`: 400 "There is no such action: …", 404 for a body that is no object);
 * - the `{project_id}` of the URL: it must be the token's project (`_process_stack`: 400
 *   "Malformed request url" otherwise, for every caller, admins included: the check compares
 *   `context.project_id` alone), and match `project_id_regex` (`[0-9a-f\-]+`, else no route: 404);
 * - the body envelope as `cinder/api/validation` words jsonschema's errors (Python reprs);
 * - Cinder's fault body (`{"itemNotFound": {"code": 404, "message": …}}`; quota errors through
 *   `FaultWrapper` as "<Class>: <message>" with `retryAfter` and `Retry-After: 0`), webob's own
 *   404 for a path no route answers (the router's `HTTPNotFound`, rendered by `Accept`, not a
 *   Fault), keystonemiddleware's 401;
 * - list paging parameters (`get_pagination_params`, `get_sort_params`), `get_bool_param`,
 *   resource links and `<collection>_links` (`ViewBuilder._get_links`, `_get_next_link`).
 *
 * Not simulated: `.json` path suffixes, `Accept-Language` translation, `X-Forwarded-Host` and
 * `public_endpoint` in links, oslo's `sizelimit` answering before keystonemiddleware (the handler
 * checks the token first), a missing create body (Cinder's `KeyError`, a 500: here the schema's
 * 400), the `x-compute-request-id` header.
 */
import { CloudError, isCloudError, json, reasonPhrase, type Microversion, type RestCall, type RestFaultContext, type RestResponse, type RestRoute } from '../core/index.js';
import { validateToken } from '../identity/index.js';
import type { BlockApi } from './api.js';
import { CinderError } from './errors.js';

/** The session part the block routes use. */
export type BlockCall = RestCall<{ readonly block: BlockApi }, object>;
/** One route of the Block Storage API. */
export type BlockRoute = RestRoute<{ readonly block: BlockApi }, object>;

/** `api_version_request._MIN_API_VERSION` / `_MAX_API_VERSION` (Zed). */
export const MIN_VERSION = '3.0';
export const MAX_VERSION = '3.70';
/** `api_version_request.UPDATED`. */
export const VERSION_UPDATED = '2022-08-31T00:00:00Z';

const WEBOB_400 = 'The server could not comply with the request since it is either malformed or otherwise incorrect.';
const WEBOB_404 = 'The resource could not be found.';
const WEBOB_500 = 'The server has either erred or is incapable of performing the requested operation.';

/** A webob `HTTPBadRequest` a controller raises, wrapped in a Fault (`badRequest`). */
export function httpBadRequest(message: string = WEBOB_400, field = 'body'): CinderError {
  return new CinderError(400, 'block.request.invalid', 'HTTPBadRequest', message, { field });
}

/** `Fault(webob.exc.HTTPNotFound())`: a method not available at this microversion, an action body that is no object. */
export function httpNotFound(message: string = WEBOB_404): CinderError {
  return new CinderError(404, 'block.request.not_found', 'HTTPNotFound', message);
}

/** No route answers the path (the router's bare `HTTPNotFound`, rendered by webob, not a Fault). */
export function routeNotFound(): CloudError {
  return new CloudError(404, 'block.route.not_found', WEBOB_404);
}

// ---------------------------------------------------------------------------- microversions

function version(major: number, minor: number): { major: number; minor: number } {
  return { major, minor };
}

const MIN = version(3, 0);
const MAX = version(3, 70);
const below = (a: { major: number; minor: number }, b: { major: number; minor: number }): boolean => a.major < b.major || (a.major === b.major && a.minor < b.minor);

/**
 * `Request.set_api_version_request` for the header sent: undefined when Cinder accepts it, else
 * the fault it answers. The first comma-separated entry containing `volume` counts; `latest`
 * is the maximum; a version must match `^([1-9]\d*)\.([1-9]\d*|0)$` and lie in 3.0–3.70.
 */
export function versionHeaderError(header: string | undefined): CinderError | undefined {
  if (header === undefined) return undefined;
  const entry = header.split(',').find((part) => part.includes('volume'));
  // VersionNotFoundForAPIMethod, which Resource.__call__ does not catch: FaultWrapper's bare 400
  if (entry === undefined) return httpBadRequest();
  const words = entry.trim().split(/\s+/);
  const text = words.slice(1).join(' ');
  if (words.length === 2 && text === 'latest') return undefined;
  const m = words.length === 2 ? /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(text) : null;
  if (m === null) return new CinderError(400, 'block.microversion.invalid', 'InvalidAPIVersionString', `API Version String ${text.slice(0, 80)} is of invalid format. Must be of format MajorNum.MinorNum.`, { field: 'OpenStack-API-Version' });
  const asked = version(Number(m[1]), Number(m[2]));
  if (below(asked, MIN) || below(MAX, asked)) {
    return new CinderError(406, 'block.microversion.unsupported', 'InvalidGlobalAPIVersion', `Version ${asked.major}.${asked.minor} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`, { field: 'OpenStack-API-Version' });
  }
  return undefined;
}

/** The negotiated microversion (the service declares one, so the handler always sets it). */
export function mv(call: BlockCall): Microversion {
  return call.microversion as Microversion;
}

// ---------------------------------------------------------------------------- bodies

const SUPPORTED_CONTENT_TYPES = ['application/json', 'application/vnd.openstack.volume+json'];

/** A request body as `Resource.get_body` + `deserialize` leave it: absent, or a JSON value. */
export type Body = { readonly present: false } | { readonly present: true; readonly value: unknown };

const ABSENT: Body = { present: false };

/**
 * `get_body`: no body, or no `Content-Type`, is no body; another type than JSON is 415; then the
 * JSON (400 "Malformed request body"; the handler's 413 over `max_request_body_size`).
 */
export function readBody(call: BlockCall): Body {
  if (call.body.byteLength === 0) return ABSENT;
  const raw = call.header('Content-Type');
  if (raw === undefined) return ABSENT;
  const type = (raw.split(';')[0] ?? '').trim();
  if (!SUPPORTED_CONTENT_TYPES.includes(type)) throw new CinderError(415, 'block.request.content_type', 'HTTPUnsupportedMediaType', 'Unsupported Content-Type', { field: 'Content-Type' });
  try {
    return { present: true, value: call.json() };
  } catch (error) {
    if (isCloudError(error) && error.code === 'api.body.invalid_json') throw httpBadRequest('Malformed request body');
    throw error;
  }
}

/**
 * `action_peek_json` and the action lookup of `Resource.get_method`: the name of the action a
 * `POST …/action` body asks for. No JSON body is the action `None`; a body that is not an object
 * of one key is 400 "Malformed request body", or 404 when Python's `len` / `keys` fail on it.
 */
export function actionName(call: BlockCall, body: Body, known: (name: string) => boolean): string {
  if (!body.present) throw noSuchAction('None');
  const value = body.value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1) throw httpBadRequest('Malformed request body');
    const name = keys[0] as string;
    if (!known(name)) throw noSuchAction(name);
    return name;
  }
  if (Array.isArray(value) || typeof value === 'string') {
    if (value.length !== 1) throw httpBadRequest('Malformed request body');
  }
  // len() of a number, bool or None, or .keys() of a list or str: webob's 404
  throw httpNotFound();
}

function noSuchAction(name: string): CinderError {
  return httpBadRequest(`There is no such action: ${name.slice(0, 200)}. Verify the request body and Content-Type header and try again.`);
}

// ---------------------------------------------------------------------------- project id

/** `project_id_regex`'s default: the `{project_id}` segment routes accept. */
const PROJECT_ID = /^[0-9a-f-]+$/;

/** The URL's `{project_id}` matches `project_id_regex`, else no route answers it (404). */
export function checkProjectSegment(call: BlockCall): void {
  const pid = call.params.project_id;
  if (pid !== undefined && !PROJECT_ID.test(pid)) throw routeNotFound();
}

/** `_process_stack`: a `{project_id}` in the URL that is not the token's project is 400 "Malformed request url", whoever asks. */
export function checkProject(call: BlockCall): void {
  const pid = call.params.project_id;
  if (pid === undefined) return;
  if (callerOf(call).projectId !== pid) throw httpBadRequest('Malformed request url', 'project_id');
}

// ---------------------------------------------------------------------------- jsonschema words

/** Python's `repr` of a JSON value, as jsonschema's messages show it (bounded). */
export function pyRepr(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const body = value.slice(0, 300).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
  }
  if (depth > 8) return '...';
  if (Array.isArray(value)) return `[${value.slice(0, 20).map((v) => pyRepr(v, depth + 1)).join(', ')}${value.length > 20 ? ', ...' : ''}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.slice(0, 20).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v, depth + 1)}`).join(', ')}${entries.length > 20 ? ', ...' : ''}}`;
  }
  return String(value);
}

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

/** `[DEFAULT] osapi_max_limit`. */
export const OSAPI_MAX_LIMIT = 1000;

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

// ---------------------------------------------------------------------------- faults

/** `Fault._fault_names`; any other status is a `computeFault`. */
const FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod', 409: 'conflictingRequest',
  413: 'overLimit', 415: 'badMediaType', 501: 'notImplemented', 503: 'serviceUnavailable',
};

/** `Fault.__call__`: `{"<name>": {"code", "message"}}` (and `retryAfter` of a 413 with `Retry-After`). */
function fault(status: number, message: string, retryAfter?: string): RestResponse {
  const body: Record<string, unknown> = { code: status, message };
  if (status === 413 && retryAfter !== undefined) body.retryAfter = retryAfter;
  return json(status, { [FAULT_NAMES[status] ?? 'computeFault']: body }, retryAfter === undefined ? undefined : { 'Retry-After': retryAfter });
}

/**
 * A bare webob `HTTPException` as webob renders it by `Accept` (`generate_response`): JSON for
 * `application/json`, HTML for a wildcard, plain text without an `Accept`.
 */
function webobError(status: number, explanation: string, ctx: RestFaultContext): RestResponse {
  const title = reasonPhrase(status);
  const line = `${status} ${title}`;
  const message = `${explanation}<br /><br />\n\n\n`;
  const accept = (ctx.header('Accept') ?? '').toLowerCase();
  const ranges = accept.split(',').map((r) => r.trim()).filter((r) => r !== '' && !/;\s*q=0(\.0*)?\s*$/.test(r));
  const wants = (type: string): boolean => ranges.some((r) => (r.split(';')[0] ?? '').trim() === type);
  if (wants('application/json') && !wants('text/html')) return json(status, { message, code: line, title });
  if (ranges.length > 0) {
    const escaped = explanation.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return { status, text: `<html>\n <head>\n  <title>${line}</title>\n </head>\n <body>\n  <h1>${line}</h1>\n  ${escaped}<br /><br />\n\n\n\n </body>\n</html>`, headers: { 'Content-Type': 'text/html; charset=UTF-8' } };
  }
  return { status, text: `${line}\n\n${explanation}\n\n   `, headers: { 'Content-Type': 'text/plain; charset=UTF-8' } };
}

/**
 * Cinder's fault bodies. A 401 is keystonemiddleware's; a path no route answers (and the
 * handler's 405, which Cinder's router never gives: a method a path lacks is no match) is
 * webob's 404, as is oslo's `sizelimit` 413; the handler's microversion refusals are Cinder's
 * words for the header sent; a quota error goes through `FaultWrapper` ("<Class>: <message>",
 * `retryAfter` "0"); every other error is a `Fault` of its status with its message, and
 * anything unexpected a 500 `computeFault` with webob's words.
 */
export function cinderFault(error: CloudError, ctx: RestFaultContext): RestResponse {
  const status = error.status;
  if (status === 401) return json(401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
  switch (error.code) {
    case 'block.route.not_found':
    case 'api.route.not_found':
    case 'api.method.not_allowed':
      return webobError(404, WEBOB_404, ctx);
    case 'api.body.too_large':
      return webobError(413, 'Request is too large.', ctx);
    case 'api.body.invalid_json':
      return fault(400, 'Malformed request body');
    case 'api.body.content_type':
      return fault(415, 'Unsupported Content-Type');
    case 'api.microversion.invalid':
    case 'api.microversion.unsupported': {
      const cinder = versionHeaderError(ctx.header('OpenStack-API-Version')) ?? httpBadRequest();
      return fault(cinder.status, cinder.message);
    }
    default:
      break;
  }
  if (error.code === 'api.internal' || (status >= 500 && !(error instanceof CinderError))) return fault(500, WEBOB_500);
  // `_validate_etag` failing: an empty `webob.Response(status_int=412)`, no Fault
  if (status === 412) return { status: 412 };
  if (status === 413 && error.code.startsWith('block.quota.')) return fault(413, `${String(error.details.cinder)}: ${error.message}`, '0');
  return fault(status, error.message);
}

// ---------------------------------------------------------------------------- route specs

/** The caller as Cinder's context sees it: the token's project and `context.is_admin` (`context_is_admin`: `role:admin`). */
export function callerOf(call: BlockCall): { readonly projectId: string | null; readonly isAdmin: boolean } {
  const s = call.kernel.view();
  const token = validateToken(s, call.token ?? '', s.meta.clock.now);
  if (!token.ok) throw token.error;
  return { projectId: token.project?.id ?? null, isAdmin: token.roles.some((r) => r.name === 'admin') };
}

/** What a controller method does with the request body. */
export type BodyUse = 'none' | 'json';

/** One action of a `POST …/{id}/action` route (`@wsgi.action`). */
export interface CinderAction {
  /** The first microversion that has it (`@api_version`): 404 below. */
  readonly since?: string;
  /** `value` is `body[<action>]`; the answer (202 with no body for most). */
  handle(call: BlockCall, id: string, value: unknown): RestResponse;
}

/** One route of a resource, below `/v3/{project_id}` (and `/v3`, as `ProjectMapper` connects both). */
export interface CinderRouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/volumes/{id}`. */
  readonly path: string;
  /** The first microversion that has it (`@api_version`): 404 below. */
  readonly since?: string;
  /** `none`: a JSON body is the controller's `TypeError` (400). Default `none` for GET and DELETE, `json` otherwise. */
  readonly body?: BodyUse;
  /** `POST …/action`: the actions by name (the body's one key picks one). */
  readonly actions?: Readonly<Record<string, CinderAction>>;
  handle?(call: BlockCall, body: Body): RestResponse;
}
