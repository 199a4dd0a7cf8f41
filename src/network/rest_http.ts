/**
 * What Neutron's WSGI layer does around every route, for `rest.ts`: request bodies as the pecan
 * `BodyValidationHook` and `Controller.prepare_request_body` read them
 * (`neutron/pecan_wsgi/hooks/body_validation.py`, `neutron/api/v2/base.py`), list query strings
 * as the `QueryParametersHook` reads them (`neutron/pecan_wsgi/hooks/query_parameters.py`:
 * repeated keys as lists, `fields`, `sort_key` / `sort_dir`, `limit` / `marker` /
 * `page_reverse`), the `<collection>_links` of a paged list (`neutron/api/api_common.py`
 * `get_pagination_links`), and Neutron's fault body (`api_common.convert_exception_to_http_exc`:
 * `{"NeutronError": {"type", "message", "detail"}}`; keystonemiddleware's own 401 body).
 *
 * Not simulated: `If-Match` revision constraints (`revision-if-match`), `Accept-Language`
 * translation of messages, `network_link_prefix`, `X-Forwarded-Proto` in links.
 */
import { CloudError, isCloudError, json, type RestCall, type RestFaultContext, type RestQuery, type RestResponse } from '../core/index.js';
import type { ListQuery } from './controller.js';

/** A webob `HTTPBadRequest` as the API layer raises it (`type` `HTTPBadRequest`). */
export function httpBadRequest(message: string, field = 'body'): CloudError {
  return new CloudError(400, 'network.request.invalid', message, { neutron: 'HTTPBadRequest', field });
}

/** webob's 404 as `pecan.abort(404)` raises it: "The resource could not be found." unless a detail is given. */
export function httpNotFound(detail = 'The resource could not be found.'): CloudError {
  return new CloudError(404, 'network.route.not_found', detail, { neutron: 'HTTPNotFound' });
}

/** webob's 405 as `pecan.abort(405)` raises it (its text is `HTTPClientError`'s explanation). */
export function httpMethodNotAllowed(): CloudError {
  return new CloudError(405, 'network.route.method_not_allowed', WEBOB_EXPLANATION[405] as string, { neutron: 'HTTPMethodNotAllowed' });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The request body as JSON, or undefined when there is none. The handler's 413 and 415 stand;
 * what does not parse, or is not a JSON object, is Neutron's "Body contains invalid data".
 */
export function jsonBody(call: RestCall): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = call.json();
  } catch (error) {
    if (isCloudError(error) && error.code === 'api.body.invalid_json') throw httpBadRequest('Body contains invalid data');
    throw error;
  }
  if (value === undefined) return undefined;
  if (!isObject(value)) throw httpBadRequest('Body contains invalid data');
  return value;
}

/** The body of a create: one resource or, for `{"<resources>": [...]}`, several (bulk). */
export type CreateBody = { readonly bulk: false; readonly item: Record<string, unknown> } | { readonly bulk: true; readonly items: readonly Record<string, unknown>[] };

/** `prepare_request_body`'s single-resource branch: `body[resource]`, an object. */
function resourceOf(body: Record<string, unknown>, resource: string): Record<string, unknown> {
  const item = Object.hasOwn(body, resource) ? body[resource] : undefined;
  if (item === undefined || item === null) throw httpBadRequest(`Unable to find '${resource}' in request body`);
  if (!isObject(item)) throw httpBadRequest(`Object '${resource}' contains invalid data`, resource);
  return item;
}

/**
 * The body of `POST /v2.0/<collection>`: the hook looks for `resource` or `collection` at the top
 * ("Unable to find 'network' in request body" otherwise); `prepare_request_body` then reads
 * `<resource>s` as a bulk list (each item wrapped or not; "Resources required" for an empty one),
 * else `body[resource]`. (`rbac_policy` + `s` is not `rbac_policies`, so its bulk body is, as in
 * Neutron, "Unable to find 'rbac_policy' in request body".)
 */
export function createBody(call: RestCall, resource: string, collection: string): CreateBody {
  const body = jsonBody(call);
  if (body === undefined || !(Object.hasOwn(body, resource) || Object.hasOwn(body, collection))) throw httpBadRequest(`Unable to find '${resource}' in request body`);
  const bulkKey = `${resource}s`;
  if (!Object.hasOwn(body, bulkKey)) return { bulk: false, item: resourceOf(body, resource) };
  const list = body[bulkKey];
  if (list === null || list === undefined || list === false || list === 0 || list === '' || (Array.isArray(list) && list.length === 0) || (isObject(list) && Object.keys(list).length === 0)) throw httpBadRequest('Resources required', bulkKey);
  if (!Array.isArray(list)) throw httpBadRequest('Body contains invalid data', bulkKey);
  const items = list.map((raw: unknown) => {
    if (!isObject(raw)) throw httpBadRequest(`Object '${resource}' contains invalid data`, bulkKey);
    return Object.hasOwn(raw, resource) ? resourceOf(raw, resource) : raw;
  });
  return { bulk: true, items };
}

/** The body of `PUT /v2.0/<collection>/{id}`: `body[resource]`; a bulk body is "Bulk operation not supported". */
export function updateBody(call: RestCall, resource: string, collection: string): Record<string, unknown> {
  const body = jsonBody(call);
  if (body === undefined || !(Object.hasOwn(body, resource) || Object.hasOwn(body, collection))) throw httpBadRequest(`Unable to find '${resource}' in request body`);
  if (Object.hasOwn(body, `${resource}s`)) throw httpBadRequest('Bulk operation not supported');
  return resourceOf(body, resource);
}

/** `ItemController.delete`: "Request body is not supported in DELETE." */
export function noDeleteBody(call: RestCall): void {
  if (call.body.byteLength > 0) throw httpBadRequest('Request body is not supported in DELETE.');
}

/** Parameters the controller reads itself; every other key is a filter. */
const CONTROL = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse']);
/** Read with webob's `GET.get`: the last value counts. */
const SINGLE = new Set(['limit', 'marker', 'page_reverse']);

/** `fields` of a request: every value, empty ones dropped (`build_field_list`). */
export function fieldsOf(query: RestQuery): string[] {
  return query.getAll('fields').filter((f) => f !== '');
}

/**
 * A list query string as the list API takes it: filters as lists of every value given
 * (`?id=a&id=b`; `dict_of_lists`), `fields`, `sort_key` and `sort_dir` as lists (empty values
 * dropped, `list_args`), `limit`, `marker` and `page_reverse` as their last value. Empty filter
 * values stay (`empty-string-filtering`). `extraFields` are added to `fields` (the paging key).
 */
export function listQuery(query: RestQuery, extraFields: readonly string[] = []): ListQuery {
  const q = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of query.entries()) {
    if (SINGLE.has(name)) q[name] = value;
    else if (CONTROL.has(name)) {
      if (value !== '') ((q[name] ??= []) as string[]).push(value);
    } else ((q[name] ??= []) as string[]).push(value);
  }
  if (q.fields !== undefined) for (const f of extraFields) if (!(q.fields as string[]).includes(f)) (q.fields as string[]).push(f);
  return q as ListQuery;
}

/** Python's `urllib.parse.quote_plus`: everything but `A-Za-z0-9_.-~` escaped, spaces as `+`. */
function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${(c.codePointAt(0) as number).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** `int(limit)` as Python reads a query value; undefined when it is not an integer. */
function pythonInt(text: string): number | undefined {
  const t = text.trim().replace(/(?<=\d)_(?=\d)/g, '');
  return /^[+-]?\d+$/.test(t) ? Number(t) : undefined;
}

/**
 * `get_pagination_links`: with a positive `limit`, a `next` link unless a forward page came back
 * short, and a `previous` link unless a reverse page came back short. Each link is the request's
 * own query with `marker` set to the last (next) or first (previous) item's id, `page_reverse`
 * dropped (next) or `True` (previous), under `url`.
 */
export function paginationLinks(query: RestQuery, url: string, items: readonly Readonly<Record<string, unknown>>[]): { rel: 'next' | 'previous'; href: string }[] {
  const limitText = query.getAll('limit').at(-1);
  const limit = limitText === undefined ? 0 : pythonInt(limitText) ?? 0;
  if (limit <= 0) return [];
  const reverse = (query.getAll('page_reverse').at(-1) ?? 'False').toLowerCase() === 'true';
  const pairs = query.entries();
  const encode = (list: readonly (readonly [string, string])[]): string => list.map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&');
  /** webob `MultiDict.pop`: the first pair of `name` only. */
  const popFirst = (list: (readonly [string, string])[], name: string): void => {
    const at = list.findIndex(([k]) => k === name);
    if (at >= 0) list.splice(at, 1);
  };
  /** webob `MultiDict.__setitem__`: every pair of `name` removed, the new one appended. */
  const set = (list: (readonly [string, string])[], name: string, value: string): (readonly [string, string])[] => [...list.filter(([k]) => k !== name), [name, value]];
  const idOf = (item: Readonly<Record<string, unknown>> | undefined): string => String(item?.id ?? '');
  const links: { rel: 'next' | 'previous'; href: string }[] = [];
  if (!(items.length < limit && !reverse)) {
    let params = [...pairs];
    popFirst(params, 'marker');
    if (items.length > 0) params = set(params, 'marker', idOf(items[items.length - 1]));
    popFirst(params, 'page_reverse');
    links.push({ rel: 'next', href: `${url}?${encode(params)}` });
  }
  if (!(items.length < limit && reverse)) {
    let params = [...pairs];
    popFirst(params, 'marker');
    if (items.length > 0) params = set(params, 'marker', idOf(items[0]));
    params = set(params, 'page_reverse', 'True');
    links.push({ rel: 'previous', href: `${url}?${encode(params)}` });
  }
  return links;
}

/** A view cut to `fields` (Neutron's `_fields`), all of it when none are asked. */
export function pick(view: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || !isObject(view)) return view;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (Object.hasOwn(view, f)) out[f] = view[f];
  return out;
}

/** The webob class of a status, for errors that carry no Neutron class. */
const WEBOB_CLASS: Readonly<Record<number, string>> = {
  400: 'HTTPBadRequest', 401: 'HTTPUnauthorized', 403: 'HTTPForbidden', 404: 'HTTPNotFound', 405: 'HTTPMethodNotAllowed', 406: 'HTTPNotAcceptable',
  409: 'HTTPConflict', 413: 'HTTPRequestEntityTooLarge', 415: 'HTTPUnsupportedMediaType', 500: 'HTTPInternalServerError', 503: 'HTTPServiceUnavailable',
};

/** `str()` of a webob exception without detail: its explanation, whitespace collapsed. */
const WEBOB_EXPLANATION: Readonly<Record<number, string>> = {
  404: 'The resource could not be found.',
  405: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
};

/**
 * Neutron's fault body: `{"NeutronError": {"type": <the exception class>, "message": <its text>,
 * "detail": ""}}` with the error's status. The class is `details.neutron` (the network module's
 * errors name it) or, for an error of the shared handler or the core, the webob class of its
 * status; the handler's "no route" and "method not allowed" read as pecan's `abort` does; an
 * unexpected error is Neutron's "Request Failed: internal server error while processing your
 * request.". A 401 is keystonemiddleware's (`{"error": {code, title, message}}`), which answers
 * before Neutron sees the request.
 */
export function neutronFault(error: CloudError, _ctx: RestFaultContext): RestResponse {
  const status = error.status;
  if (status === 401) return json(401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
  const named = error.details.neutron;
  const type = typeof named === 'string' && named !== '' ? named : WEBOB_CLASS[status] ?? (status >= 500 ? 'HTTPInternalServerError' : 'HTTPBadRequest');
  let message = error.message;
  if (error.code === 'api.route.not_found') message = WEBOB_EXPLANATION[404] as string;
  else if (error.code === 'api.method.not_allowed') message = WEBOB_EXPLANATION[405] as string;
  else if (error.code === 'api.internal' || (status >= 500 && typeof named !== 'string')) message = 'Request Failed: internal server error while processing your request.';
  return json(status, { NeutronError: { type, message, detail: '' } });
}
