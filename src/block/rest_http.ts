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
 * - Cinder's fault body (`{"itemNotFound": {"code": 404, "message": …}}`; quota errors through
 *   `FaultWrapper` as "<Class>: <message>" with `retryAfter` and `Retry-After: 0`), webob's own
 *   404 for a path no route answers (the router's `HTTPNotFound`, rendered by `Accept`, not a
 *   Fault), keystonemiddleware's 401;
 *
 * Request parameters (schema words, query strings, links) are `rest_params.ts`'s.
 *
 * Not simulated: `.json` path suffixes, `Accept-Language` translation, oslo's `sizelimit`
 * answering before keystonemiddleware (the handler checks the token first), a missing create
 * body (Cinder's `KeyError`, a 500: here the schema's 400), the `x-compute-request-id` header, the
 * `OpenStack-API-Version` echo of a fault the handler's negotiation refuses.
 */
import { CloudError, isCloudError, json, reasonPhrase, type Microversion, type RestCall, type RestFaultContext, type RestResponse, type RestRoute } from '../core/index.js';
import { validateToken } from '../identity/index.js';
import type { BlockApi } from './api.js';
import { CinderError } from './errors.js';

/** The session part the block routes use. */
export type BlockCall = RestCall<{ readonly block: BlockApi }, object>;
/** One route of the Block Storage API. */
export type BlockRoute = RestRoute<{ readonly block: BlockApi }, object>;

/** `api_version_request._MIN_API_VERSION` (Zed). */
export const MIN_VERSION = '3.0';
/** `api_version_request._MAX_API_VERSION` (Zed). */
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
