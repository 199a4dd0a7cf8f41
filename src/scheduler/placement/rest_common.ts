/**
 * What Placement's REST routes share (`rest.ts`, `rest_allocations.ts`): the call's microversion,
 * Placement's `version_handler`, query and body checks as its JSON schemas make them, the 1.15
 * cache headers, and Placement's fault body.
 */
import { jsonText, BadRequest, CloudError, microversion, reasonPhrase, type Microversion, type RestCall, type RestFaultContext, type RestResponse, type RestRoute , type IdRef } from '../../core/index.js';
import type { PlacementApi } from './api.js';
import { PLACEMENT_ERRORS } from './store.js';

/** What Placement's routes reach on a session. */
export interface PlacementRestSession {
  readonly placement: PlacementApi;
}

/** A Placement request as its routes see it. */
export type PlacementCall = RestCall<PlacementRestSession, object>;

/** A Placement route. */
export type PlacementRoute = RestRoute<PlacementRestSession, object>;

/** Placement's microversion range in Zed. */
export const MIN = '1.0';
/** Placement's newest microversion in Zed. */
export const MAX = '1.39';

// ---------------------------------------------------------------- helpers shared by the route files

/** The negotiated microversion (the handler always sets one for Placement; 1.0 otherwise). */
export function version(call: PlacementCall): Microversion {
  return call.microversion ?? microversion(1, 0);
}

/** Whether the request's microversion is at least `v`. */
export function at(call: PlacementCall, v: string): boolean {
  return version(call).atLeast(v);
}

/**
 * Placement's `version_handler`: a handler not present at the negotiated microversion answers
 * 404 (or `status`) with an empty detail. Authentication comes first, as keystonemiddleware sits
 * outside the microversion middleware: no token is a 401.
 */
export function since(call: PlacementCall, min: string, status = 404, max?: string): void {
  const v = version(call);
  if (v.atLeast(min) && (max === undefined || !v.atLeast(nextMinor(max)))) return;
  call.session();
  throw new CloudError(status, PLACEMENT_ERRORS.DEFAULT, '');
}

function nextMinor(v: string): string {
  const [major, minor] = v.split('.');
  return `${major}.${Number(minor) + 1}`;
}

/** A 400 with Placement's default code. */
export function badRequest(message: string, field?: string): BadRequest {
  return new BadRequest(PLACEMENT_ERRORS.DEFAULT, message, field === undefined ? undefined : { field });
}

/** Placement's query-string schemas allow no other parameter (`additionalProperties: false`). */
export function onlyParams(call: PlacementCall, allowed: readonly string[]): void {
  for (const [name] of call.query.entries()) {
    if (!allowed.includes(name)) throw badRequest(`Invalid query string parameters: Additional properties are not allowed ('${name.slice(0, 64)}' was unexpected)`, name);
  }
}

/** The request body as a JSON object (400 naming `body` otherwise). */
export function bodyObject(call: PlacementCall): Record<string, unknown> {
  const body = call.json();
  if (body === undefined) throw badRequest('Malformed JSON: the request needs a JSON body.', 'body');
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`JSON does not validate: ${describe(body)} is not of type 'object'`, 'body');
  return body as Record<string, unknown>;
}

/** Refuses body keys the microversion's schema does not have (`additionalProperties: false`). */
export function onlyKeys(body: Record<string, unknown>, allowed: readonly string[], where = 'body'): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw badRequest(`JSON does not validate: Additional properties are not allowed ('${key.slice(0, 64)}' was unexpected)`, `${where}.${key}`);
  }
}

/** Requires body keys the microversion's schema requires. */
export function required(body: Record<string, unknown>, keys: readonly string[], where = 'body'): void {
  for (const key of keys) if (!Object.hasOwn(body, key)) throw badRequest(`JSON does not validate: '${key}' is a required property`, `${where}.${key}`);
}

/** A short JSON rendering of a value for a message. */
export function describe(value: unknown): string {
  const text = jsonText(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** `Last-Modified` and `Cache-Control: no-cache` (1.15), from the cloud's clock. */
export function cacheHeaders(call: PlacementCall): Record<string, string> {
  if (!at(call, '1.15')) return {};
  const { now, epoch } = call.kernel.view().meta.clock;
  const base = Date.parse(epoch);
  const ms = (Number.isFinite(base) ? base : 0) + now * 1000;
  return { 'Last-Modified': new Date(ms).toUTCString(), 'Cache-Control': 'no-cache' };
}

/** A JSON answer with the 1.15 cache headers (and `extra`). */
export function answer(call: PlacementCall, status: number, body: unknown, extra: Record<string, string> = {}): RestResponse {
  return { status, json: body, headers: { ...cacheHeaders(call), ...extra } };
}

/** The mount's path as the client reached it (`/placement`): Placement's links are relative to it. */
export function root(call: PlacementCall): string {
  return call.base.slice(call.origin.length);
}

/** The placement part of the caller's session (401 without a token). */
export function placement(call: PlacementCall): PlacementApi {
  return call.session().placement;
}

// ---------------------------------------------------------------- query parameters shared by providers and candidates

/** `member_of` values as the microversion allows them (several from 1.24, `!` from 1.32). */
export function memberOf(call: PlacementCall): string[] | undefined {
  const values = call.query.getAll('member_of');
  if (values.length === 0) return undefined;
  if (!at(call, '1.24') && values.length > 1) throw badRequest('Multiple member_of parameters are not supported', 'member_of');
  for (const v of values) {
    if (v.startsWith('!') && !at(call, '1.32')) throw badRequest('Forbidden member_of parameters are not supported in the specified microversion', 'member_of');
    const list = v.replace(/^!/, '').replace(/^in:/, '').split(',');
    if (list.some((x) => !/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(x.trim()))) {
      throw badRequest(`Invalid query string parameters: Expected 'member_of' parameter to contain valid UUID(s). Got: ${v.slice(0, 200)}`, 'member_of');
    }
  }
  return values;
}

/**
 * `required` values as the microversion allows them (`!` from 1.22; several and `in:` from 1.39),
 * as the session's list: one trait, `!trait` or `in:A,B` per entry.
 */
export function requiredTraits(call: PlacementCall): string[] | undefined {
  let values = call.query.getAll('required');
  if (values.length === 0) return undefined;
  const anyTraits = at(call, '1.39');
  if (!anyTraits) values = values.slice(-1);
  const out: string[] = [];
  for (const value of values) {
    if (value.trim() === '') throw badRequest('Invalid query string parameters: Expected \'required\' parameter value of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC. Got an empty value', 'required');
    if (anyTraits && value.startsWith('in:')) {
      out.push(value);
      continue;
    }
    for (const t of value.split(',').map((x) => x.trim())) {
      // before 1.39 `in:` is no syntax: the trait `in:A` does not exist
      if (t.startsWith('in:')) throw badRequest(`Invalid trait(s) in "required" parameter: No such trait(s): ${t.slice(0, 200)}.`, 'required');
      if (t === '' || (t.startsWith('!') && !at(call, '1.22'))) {
        throw badRequest(`Invalid query string parameters: Expected 'required' parameter value of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC. Got: ${value.slice(0, 200)}`, 'required');
      }
      out.push(t);
    }
  }
  return out;
}

/** `resources=VCPU:1,MEMORY_MB:512`, checked as `normalize_resources_qs_param` does. */
export function resourcesParam(text: string): string {
  if (text.trim() === '') throw badRequest('Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: empty string.', 'resources');
  for (const part of text.split(',')) {
    const pieces = part.split(':');
    if (pieces.length !== 2) throw badRequest(`Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: ${part.slice(0, 100)}.`, 'resources');
    const amount = (pieces[1] as string).trim();
    if (!/^\d+$/.test(amount) || Number(amount) < 1) throw badRequest(`Requested resource ${(pieces[0] as string).slice(0, 100)} expected positive integer amount. Got: ${amount.slice(0, 40)}.`, 'resources');
  }
  return text.split(',').map((part) => part.split(':').map((x) => x.trim()).join(':')).join(',');
}

// ---------------------------------------------------------------- faults

/** webob's explanation of each status: the first line of Placement's `detail`. */
const EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  406: 'The resource could not be generated that was acceptable to your browser (content of type application/json.',
  409: 'There was a conflict when trying to complete your request.',
  413: 'The body of your request was too large for this server.',
  415: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
};

/**
 * Placement's fault body: `{"errors": [{status, title, detail, code, request_id}]}`. `detail` is
 * webob's explanation, a blank line and the message, as `json_error_formatter` strips the HTML
 * template; `code` (a dotted `placement.*` code, else `placement.undefined_code`) from 1.23;
 * `min_version` / `max_version` on a 406 for an unacceptable microversion. A 401 is
 * keystonemiddleware's `{"error": …}`, which answers before Placement is reached.
 */
export function placementFault(error: CloudError, ctx: RestFaultContext): RestResponse {
  const status = error.status;
  if (status === 401) {
    return { status, json: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } } };
  }
  const explanation = EXPLANATIONS[status] ?? (status >= 500 ? EXPLANATIONS[500] : reasonPhrase(status));
  const versionError = error.code === 'api.microversion.unsupported' || error.code === 'api.microversion.invalid';
  const message = error.code === 'api.route.not_found' ? '' : versionError ? `Invalid microversion: ${error.message}` : error.message;
  const detail =
    error.code === 'api.method.not_allowed'
      ? `The method ${ctx.method.slice(0, 16)} is not allowed for this resource. \n\n The method specified is not allowed for this resource.`
      : status === 406
        ? `${explanation} \n\n ${message}`
        : `${explanation}\n\n ${message}  `;
  const body: Record<string, unknown> = { status, title: reasonPhrase(status), detail };
  // Placement's handlers name `placement.resource_provider.not_found` only for the reshaper
  if (ctx.microversion?.atLeast('1.23') === true) body.code = error.code.startsWith('placement.') && error.code !== PLACEMENT_ERRORS.RESOURCE_PROVIDER_NOT_FOUND ? error.code : PLACEMENT_ERRORS.DEFAULT;
  if (ctx.requestId !== undefined) body.request_id = ctx.requestId;
  if (status === 406 && ctx.microversion === undefined) {
    body.max_version = MAX;
    body.min_version = MIN;
  }
  return { status, json: { errors: [body] } };
}


/** The provider of a URL path (`/resource_providers/{uuid}/…`): by its uuid only, as Placement looks it up (a name is a 404). */
export function providerRef(call: PlacementCall): IdRef {
  return { id: call.params.uuid as string };
}
