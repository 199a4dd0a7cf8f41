/**
 * What Keystone's REST routes share (`keystone/server/flask/common.py`): request bodies wrapped
 * in their member key, `links` built from the URL the client reached, query filters read as
 * Keystone reads them, and Keystone's validation messages.
 */
import { jsonText, BadRequest, type RestCall, type RestResponse, json , type IdRef } from '../core/index.js';
import type { IdentitySession } from './service.js';
import type { IdentityApi } from './api.js';

/** A call to an identity route. */
export type IdentityCall = RestCall<IdentitySession, object>;

/** One identity route. */
export interface IdentityRoute {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  handle(call: IdentityCall): RestResponse;
}

/** The caller's `session.identity` (Keystone's 401 when no `X-Auth-Token` was sent). */
export function identity(call: IdentityCall): IdentityApi {
  return call.session().identity;
}

/** Keystone's `ValidationError`: "Expecting to find {attribute} in {target}. …" (400). */
export function expecting(attribute: string, target: string): BadRequest {
  return new BadRequest(
    'identity.request.invalid',
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
    { field: attribute },
  );
}

/** Keystone's `SchemaValidationError`: "Invalid input for field '{path}': {message}" (400). */
export function invalidField(path: string, message: string): BadRequest {
  return new BadRequest('identity.request.invalid', path === '' ? message : `Invalid input for field '${path}': ${message}`, { field: path || 'body' });
}

/** A JSON value as jsonschema's messages show it (short). */
export function shown(value: unknown): string {
  if (value === undefined) return 'None';
  const text = jsonText(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The request body's member (`{"project": {...}}` → the inner object); a 400 naming the member
 * when the body is not an object holding an object under that key.
 */
export function member(call: IdentityCall, key: string): Record<string, unknown> {
  const given = call.json();
  // keystone/server/flask/common.py request_body_json: an empty body is `{}`
  const body = given === undefined || given === null ? {} : given;
  if (!isObject(body)) throw invalidField('', `${shown(body)} is not of type 'object'`);
  const inner = body[key];
  if (inner === undefined) throw expecting(key, 'request body');
  if (!isObject(inner)) throw invalidField(key, `${shown(inner)} is not of type 'object'`);
  return inner;
}

/**
 * Drops the fields Keystone accepts with a value stacksim always has (`is_domain: false`,
 * `options: {}`, `access_rules: []`…); any other value of such a field is a 400 naming it, as an
 * option stacksim does not simulate.
 */
export function withoutDefaults(body: Record<string, unknown>, prefix: string, defaults: Readonly<Record<string, (v: unknown) => boolean>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const isDefault = Object.prototype.hasOwnProperty.call(defaults, k) ? defaults[k] : undefined;
    if (isDefault === undefined) {
      out[k] = v;
      continue;
    }
    if (!isDefault(v)) throw invalidField(`${prefix}/${k}`, `${shown(v)}: this value is not simulated by stacksim.`);
  }
  return out;
}

/** `v` is null, false, an empty object or an empty array. */
export const empty = (v: unknown): boolean => v === null || v === false || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

/** The URL of a path below `/v3` as the client reaches it (Keystone's `base_url(path)`). */
export function v3Url(call: IdentityCall, path: string): string {
  return `${call.base}/v3${path}`;
}

/** The request's own URL with its query (Keystone's `full_url()`, a collection's `links.self`). */
export function selfUrl(call: IdentityCall): string {
  const pairs = call.query.entries();
  const query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${call.base}${call.path}${query === '' ? '' : `?${query}`}`;
}

/** An entity with Keystone's `links.self` (`<base>/v3/<collection>/<id>`). */
export function linked<T extends { readonly id: string }>(call: IdentityCall, collection: string, entity: T): T & { links: { self: string } } {
  return { ...entity, links: { self: v3Url(call, `/${collection}/${encodeURIComponent(entity.id)}`) } };
}

/** Keystone's `wrap_member`: `{member: entity}` with its `links.self`. */
export function memberResponse<T extends { readonly id: string }>(call: IdentityCall, status: number, key: string, collection: string, entity: T): RestResponse {
  return json(status, { [key]: linked(call, collection, entity) });
}

/** Keystone's `wrap_collection`: `{collection: [...], links: {self, previous: null, next: null}}`. */
export function collectionResponse<T extends { readonly id: string }>(call: IdentityCall, collection: string, items: readonly T[], linkCollection = collection): RestResponse {
  return json(200, { [collection]: items.map((x) => linked(call, linkCollection, x)), links: { self: selfUrl(call), previous: null, next: null } });
}

/** Keystone's `attr_as_boolean` (oslo `bool_from_string` with default True): `0`, `f`, `false`, `n`, `no`, `off` are false, anything else true. */
export function queryBoolean(value: string): boolean {
  return !['0', 'f', 'false', 'n', 'no', 'off'].includes(value.trim().toLowerCase());
}

/** Keystone's `query_filter_is_true`: present and not `0`. */
export function queryFlag(call: IdentityCall, name: string): boolean {
  const v = call.query.get(name);
  return v !== undefined && v !== '0';
}

/**
 * The filters Keystone's list call supports, read from the query (others are ignored, as
 * Keystone's `build_driver_hints` ignores them); `enabled` as a boolean.
 */
export function listFilters(call: IdentityCall, names: readonly string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const name of names) {
    const v = call.query.get(name);
    if (v === undefined) continue;
    out[name] = name === 'enabled' ? queryBoolean(v) : v;
  }
  return out;
}

/** A path parameter (decoded by the handler). */
export function param(call: IdentityCall, name: string): string {
  return call.params[name] as string;
}

/** A path parameter as the id it is: Keystone looks ids up in paths, never names (`GET /v3/projects/demo` is a 404). */
export function idParam(call: IdentityCall, name: string): IdRef {
  return { id: call.params[name] as string };
}

/** Keystone's empty answer (`204 No Content`). */
export const noContent: RestResponse = { status: 204 };
