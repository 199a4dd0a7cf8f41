/**
 * The parameters of nova's requests, for the compute routes: the outer layer of request bodies
 * as nova's `_SchemaValidator` words jsonschema's errors (Python reprs, "Invalid input for
 * field/attribute …", "Invalid input for query parameters …"), query strings as webob and
 * `nova/api/openstack/common.py` read them (`get_limit_and_marker`, the strict query schemas of
 * 2.75), and the links of views (`ViewBuilder._get_links` through the client's own address,
 * `_get_collection_links`).
 *
 * Not simulated: `X-Forwarded-Host` and `[api] compute_link_prefix` in links.
 */
import { pyRepr, type Microversion } from '../core/index.js';
import { NovaError } from './errors.js';
import type { Body, ComputeCall } from './rest_http.js';

// ---------------------------------------------------------------------------- schema words

/** Python's `repr` of a value, as jsonschema's messages show it (core's, bounded). */
export { pyRepr };

/** `ValidationError` as `_SchemaValidator.validate` words it (nova's 400 `badRequest`). */
export function schemaError(message: string, path?: { readonly name: string; readonly value: unknown }): NovaError {
  const detail = path === undefined ? message : `Invalid input for field/attribute ${path.name}. Value: ${pyRepr(path.value)}. ${message}`;
  return new NovaError(400, 'compute.request.schema', 'ValidationError', detail.slice(0, 2000), { field: path?.name ?? 'body' });
}

/** A query parameter's `ValidationError`: "Invalid input for query parameters <name>. Value: <value>. <message>". */
export function queryError(name: string, value: unknown, message: string): NovaError {
  return new NovaError(400, 'compute.request.schema', 'ValidationError', `Invalid input for query parameters ${name.slice(0, 80)}. Value: ${String(value).slice(0, 200)}. ${message}`.slice(0, 2000), { field: name });
}

/** jsonschema's `additionalProperties` words. */
export function additionalMessage(extras: readonly string[]): string {
  return `Additional properties are not allowed (${extras.map((e) => pyRepr(e)).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`;
}

/**
 * The outer layer of a request schema: `{"<key>": {...}}` with only `also` besides (in
 * jsonschema's order: the body's type, the wrapped object's type, `required`,
 * `additionalProperties`). Answers the body as an object; the library checks what is inside.
 */
export function wrapped(body: Body, key: string, opts: { readonly also?: readonly string[]; readonly inner?: 'object' | 'any' } = {}): Record<string, unknown> {
  const value = body.present ? body.value : null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw schemaError(`${pyRepr(value)} is not of type 'object'`);
  const obj = value as Record<string, unknown>;
  if ((opts.inner ?? 'object') === 'object' && Object.hasOwn(obj, key)) {
    const inner = obj[key];
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) throw schemaError(`${pyRepr(inner)} is not of type 'object'`, { name: key, value: inner });
  }
  if (!Object.hasOwn(obj, key)) throw schemaError(`${pyRepr(key)} is a required property`);
  const allowed = [key, ...(opts.also ?? [])];
  const extras = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extras.length > 0) throw schemaError(additionalMessage(extras));
  return obj;
}

/** `wrapped(...)[key]` as an object. */
export function unwrap(body: Body, key: string, also?: readonly string[]): Record<string, unknown> {
  return wrapped(body, key, also === undefined ? {} : { also })[key] as Record<string, unknown>;
}

/** The keys of `obj` a microversion's schema does not have: `additionalProperties: false` of the inner object. */
export function rejectKeys(obj: Readonly<Record<string, unknown>>, name: string, absent: readonly string[]): void {
  const extras = Object.keys(obj).filter((k) => absent.includes(k));
  if (extras.length > 0) throw schemaError(additionalMessage(extras), { name, value: obj });
}

// ---------------------------------------------------------------------------- views

/** A copy of a JSON view with every `href` pointing at the server the client reached (`http://controller/…` → the origin). */
export function relink<T>(call: ComputeCall, value: T): T {
  return relinkValue(call, value, 0) as T;
}

function relinkValue(call: ComputeCall, value: unknown, depth: number): unknown {
  if (depth > 32 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => relinkValue(call, v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const next = k === 'href' && typeof v === 'string' ? call.endpointUrl(v) : relinkValue(call, v, depth + 1);
    Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The listed keys of a view that it has, in that order (nova's `_build_keypair`-style views). */
export function pick(view: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (Object.hasOwn(view, k)) out[k] = view[k];
  return out;
}

/** A copy of a view without `keys`. */
export function omit(view: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(view)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** `${base}/v2.1`: nova's `request.application_url`. */
export function appUrl(call: ComputeCall): string {
  return `${call.base}/v2.1`;
}

// ---------------------------------------------------------------------------- query strings

/** webob's `GET[name]` (`MultiDict.__getitem__`): the last value given. */
export function lastOf(call: ComputeCall, name: string): string | undefined {
  return call.query.getAll(name).at(-1);
}

/** Every query parameter as `req.GET` turned into a dict: the last value of each name. */
export function queryDict(call: ComputeCall): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of call.query.entries()) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * A list query nova's schema checks: from `strictSince` (2.75 for most lists) a parameter the
 * schema lacks is 400 "Additional properties are not allowed"; before, it is dropped. Answers
 * the parameters in `known` (last values).
 */
export function listQuery(call: ComputeCall, v: Microversion, known: readonly string[], strictSince: string | undefined = '2.75'): Record<string, string> {
  const dict = queryDict(call);
  const extras = Object.keys(dict).filter((k) => !known.includes(k));
  if (strictSince !== undefined && v.atLeast(strictSince) && extras.length > 0) throw schemaError(additionalMessage(extras));
  return pick(dict, known) as Record<string, string>;
}

/** Python's `urllib.parse.quote_plus`. */
function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${(c.codePointAt(0) as number).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** `CONF.api.max_limit`. */
export function maxLimit(call: ComputeCall): number {
  return call.kernel.view().compute.config.max_limit;
}

/**
 * `ViewBuilder._get_collection_links`: a `next` link when the page is as long as the limit asked
 * (at most `max_limit`), with the request's parameters sorted and `marker` the last item's id.
 */
export function collectionLinks(call: ComputeCall, collection: string, items: readonly Readonly<Record<string, unknown>>[], idKey = 'id'): { rel: 'next'; href: string }[] {
  const max = maxLimit(call);
  const asked = lastOf(call, 'limit');
  const n = asked !== undefined && /^\s*\d+\s*$/.test(asked) ? Number(asked) : max;
  const limit = Math.min(n, max);
  const last = items.at(-1);
  if (limit === 0 || limit !== items.length || last === undefined) return [];
  const params = new Map<string, string>([...call.query.entries()].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0)));
  params.set('marker', String(last[idKey] ?? last.id ?? ''));
  return [{ rel: 'next', href: `${appUrl(call)}/${collection}?${[...params].map(([k, val]) => `${quotePlus(k)}=${quotePlus(val)}`).join('&')}` }];
}
