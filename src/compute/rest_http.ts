/**
 * What nova's WSGI layer does around every Compute API route, for `rest.ts`
 * (`nova/api/openstack/wsgi.py` `Request.set_api_version_request` / `Resource.__call__` /
 * `_process_stack` / `action_peek` / `Fault`, `nova/api/openstack/__init__.py` `FaultWrapper`,
 * `nova/api/compute_req_id.py`, microversion_parse's `get_version`):
 *
 * - the microversion: `OpenStack-API-Version: compute 2.x` (the last `compute` entry wins) or,
 *   without one, the legacy `X-OpenStack-Nova-API-Version: 2.x`; none is 2.1 (nova's
 *   `DEFAULT_API_VERSION`), `latest` is 2.93; a version not of the form `^[1-9]\d*\.([1-9]\d*|0)$`
 *   is 400 `InvalidAPIVersionString`, one outside 2.1–2.93 406 `InvalidGlobalAPIVersion`. Every
 *   answer and every `Fault` echoes both headers and `Vary: OpenStack-API-Version,
 *   X-OpenStack-Nova-API-Version`;
 * - bodies: a `Content-Type` other than JSON (`application/json`,
 *   `application/vnd.openstack.compute+json`; none, empty and `text/plain` are no type) is 415
 *   "Unsupported Content-Type"; a POST or PUT body is JSON whatever the type says (400
 *   "Malformed request body"), an empty one is `None`; `POST …/action` finds its action by the
 *   body's one key (`action_peek`: 400 "Malformed request body" for another count of keys, 404
 *   for a body that is no dict, 400 "There is no such action: …" for an unknown key);
 * - a method a microversion lacks (`VersionNotFoundForAPIMethod`) is a bare `Fault(HTTPNotFound())`;
 * - nova's fault body (`{"itemNotFound": {"code": 404, "message": …}}`, `badRequest`,
 *   `forbidden`, `conflictingRequest`, `overLimit`, `badMediaType`, `computeFault` …), webob's
 *   own 404 for a path or method the router has no route for (rendered by `Accept`),
 *   keystonemiddleware's 401, and the 500 "Unexpected API Error" of `expected_errors` for
 *   anything else (an operation still being written throws one);
 * - `X-Compute-Request-Id` beside `X-Openstack-Request-Id` (`compute_req_id`: the service's
 *   `requestIdHeaders`).
 *
 * Request parameters (schema words, query strings, links of views) are `rest_params.ts`'s.
 *
 * Not simulated: `Accept-Language` translation, `.json` path suffixes, oslo's `sizelimit`
 * answering before keystonemiddleware (the handler checks the token first), the version headers
 * of a fault the handler's own negotiation refused before nova's (the handler echoes its own
 * there), the project id in the path (`/v2.1/{project_id}/…`: DevStack's catalog has none).
 */
import { CloudError, json, microversion, reasonPhrase, type Microversion, type RestCall, type RestFaultContext, type RestResponse, type RestRoute } from '../core/index.js';
import type { ComputeApi } from './api.js';
import { NovaError } from './errors.js';

/** The session part the compute routes use. */
export type ComputeCall = RestCall<{ readonly compute: ComputeApi }, object>;
/** One route of the Compute API. */
export type ComputeRoute = RestRoute<{ readonly compute: ComputeApi }, object>;

/** `api_version_request._MIN_API_VERSION` (Zed). */
export const MIN_VERSION = '2.1';
/** `api_version_request._MAX_API_VERSION` (Zed). */
export const MAX_VERSION = '2.93';
/** `oslo.middleware` `max_request_body_size` (nova's `sizelimit` filter). */
export const MAX_REQUEST_BODY = 114_688;

const STANDARD_HEADER = 'OpenStack-API-Version';
const LEGACY_HEADER = 'X-OpenStack-Nova-API-Version';
const WEBOB_404 = 'The resource could not be found.';
const UNEXPECTED = "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'Exception'>";

// ---------------------------------------------------------------------------- microversions

/** The version a request asks for, as microversion_parse finds it: a string, or undefined for none. */
function requestedVersionText(header: (name: string) => string | undefined): string | undefined {
  const standard = header(STANDARD_HEADER);
  if (standard !== undefined) {
    for (const part of standard.split(',').reverse()) {
      const words = part.trim().split(/\s+/);
      if (words.length < 2 || words[0] === '') continue;
      if ((words[0] as string).toLowerCase() === 'compute') {
        const version = part.trim().slice((words[0] as string).length).trim();
        if (version !== '') return version;
      }
    }
  }
  const legacy = header(LEGACY_HEADER);
  if (legacy !== undefined) return (legacy.split(',').at(-1) ?? '').trim();
  return undefined;
}

/**
 * `Request.set_api_version_request`: the microversion of a request, or the fault nova answers
 * (400 `InvalidAPIVersionString`, 406 `InvalidGlobalAPIVersion`).
 */
export function novaVersion(header: (name: string) => string | undefined): Microversion | NovaError {
  const text = requestedVersionText(header);
  if (text === undefined) return microversion(2, 1);
  if (text === 'latest') return microversion(2, 93);
  const m = /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(text);
  if (m === null) {
    return new NovaError(400, 'compute.microversion.invalid', 'InvalidAPIVersionString', `API Version String ${text.slice(0, 80)} is of invalid format. Must be of format MajorNum.MinorNum.`, { field: STANDARD_HEADER });
  }
  const [major, minor] = [m[1] as string, m[2] as string];
  if (major !== '2' || minor.length > 4 || Number(minor) < 1 || Number(minor) > 93) {
    return new NovaError(406, 'compute.microversion.unsupported', 'InvalidGlobalAPIVersion', `Version ${major.slice(0, 40)}.${minor.slice(0, 40)} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`, { field: STANDARD_HEADER });
  }
  return microversion(2, Number(minor));
}

/** The headers `_process_stack` and `Fault` add to every answer of a versioned resource. */
export function versionHeaders(v: Microversion): Record<string, string> {
  const text = `${v.major}.${v.minor}`;
  return { [STANDARD_HEADER]: `compute ${text}`, [LEGACY_HEADER]: text, Vary: `${STANDARD_HEADER}, ${LEGACY_HEADER}` };
}

/** True when `v` lies in `since`..`until` (inclusive; either may be absent). */
export function inRange(v: Microversion, since: string | undefined, until: string | undefined): boolean {
  if (since !== undefined && !v.atLeast(since)) return false;
  if (until !== undefined && v.atLeast(until) && `${v.major}.${v.minor}` !== until) return false;
  return true;
}

// ---------------------------------------------------------------------------- errors

/** A webob `HTTPBadRequest` a controller raises (`Fault`): nova's `badRequest` with its explanation. */
export function httpBadRequest(message: string, field = 'body'): NovaError {
  return new NovaError(400, 'compute.request.invalid', 'HTTPBadRequest', message, { field });
}

/** `Fault(webob.exc.HTTPNotFound())`: a method this microversion lacks, an action body that is no dict. */
export function httpNotFound(message: string = WEBOB_404): NovaError {
  return new NovaError(404, 'compute.request.not_found', 'HTTPNotFound', message);
}

/** No route answers the path or method (the router's bare `HTTPNotFound`, rendered by webob, not a Fault). */
export function routeNotFound(): CloudError {
  return new CloudError(404, 'compute.route.not_found', WEBOB_404);
}

/** `Fault._fault_names`; any other status is a `computeFault`. */
const FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod', 409: 'conflictingRequest',
  413: 'overLimit', 415: 'badMediaType', 429: 'overLimit', 501: 'notImplemented', 503: 'serviceUnavailable',
};

/** `Fault.__call__`: `{"<name>": {"code", "message"}}`. */
function fault(status: number, message: string, headers: Record<string, string>): RestResponse {
  return json(status, { [FAULT_NAMES[status] ?? 'computeFault']: { code: status, message } }, headers);
}

/** A bare webob `HTTPException` as webob renders it by `Accept`: JSON, HTML or plain text. */
function webobError(status: number, explanation: string, ctx: RestFaultContext): RestResponse {
  const title = reasonPhrase(status);
  const line = `${status} ${title}`;
  const accept = (ctx.header('Accept') ?? '').toLowerCase();
  const ranges = accept.split(',').map((r) => r.trim()).filter((r) => r !== '' && !/;\s*q=0(\.0*)?\s*$/.test(r));
  const wants = (type: string): boolean => ranges.some((r) => (r.split(';')[0] ?? '').trim() === type);
  if (wants('application/json') && !wants('text/html')) return json(status, { message: `${explanation}<br /><br />\n\n\n`, code: line, title });
  if (ranges.length > 0) {
    return { status, text: `<html>\n <head>\n  <title>${line}</title>\n </head>\n <body>\n  <h1>${line}</h1>\n  ${explanation}<br /><br />\n\n\n\n </body>\n</html>`, headers: { 'Content-Type': 'text/html; charset=UTF-8' } };
  }
  return { status, text: `${line}\n\n${explanation}\n\n   `, headers: { 'Content-Type': 'text/plain; charset=UTF-8' } };
}

/**
 * Nova's fault bodies. A 401 is keystonemiddleware's; a path or method without a route is
 * webob's 404, as is `sizelimit`'s 413; the handler's microversion refusals are nova's words
 * for the headers sent; anything that is no nova error and 500 or more is the
 * "Unexpected API Error" of `expected_errors`; every other error is a `Fault` of its status
 * with its message and the version headers.
 */
export function novaFault(error: CloudError, ctx: RestFaultContext): RestResponse {
  const status = error.status;
  if (status === 401) return json(401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
  switch (error.code) {
    case 'compute.route.not_found':
    case 'api.route.not_found':
    case 'api.method.not_allowed':
      return webobError(404, WEBOB_404, ctx);
    case 'api.body.too_large':
      return webobError(413, 'Request is too large.', ctx);
    case 'api.microversion.invalid':
    case 'api.microversion.unsupported': {
      const v = novaVersion(ctx.header);
      return v instanceof NovaError ? fault(v.status, v.message, {}) : fault(400, 'The server could not comply with the request since it is either malformed or otherwise incorrect.', {});
    }
    default:
      break;
  }
  if (error.code === 'compute.microversion.invalid' || error.code === 'compute.microversion.unsupported') return fault(status, error.message, {});
  const v = novaVersion(ctx.header);
  const headers = v instanceof NovaError ? {} : versionHeaders(v);
  if (error.code === 'api.internal' || (status >= 500 && !(error instanceof NovaError))) return fault(500, UNEXPECTED, headers);
  return fault(status, error.message, headers);
}

// ---------------------------------------------------------------------------- bodies

const SUPPORTED_CONTENT_TYPES = ['application/json', 'application/vnd.openstack.compute+json'];

/** A request body as `_get_request_content` leaves it: absent (`None`), or a JSON value. */
export type Body = { readonly present: false } | { readonly present: true; readonly value: unknown };

const ABSENT: Body = { present: false };

/** `Request.get_content_type`: 415 "Unsupported Content-Type" for a type nova does not read. */
export function checkContentType(call: ComputeCall): void {
  const raw = call.header('Content-Type');
  if (raw === undefined) return;
  const type = (raw.split(';')[0] ?? '').trim().toLowerCase();
  if (type === '' || type === 'text/plain' || SUPPORTED_CONTENT_TYPES.includes(type)) return;
  throw new NovaError(415, 'compute.request.content_type', 'HTTPUnsupportedMediaType', 'Unsupported Content-Type', { field: 'Content-Type' });
}

/** The raw body as JSON (400 "Malformed request body"; 413 over `max_request_body_size`). */
function parseJson(call: ComputeCall): unknown {
  if (call.body.byteLength > MAX_REQUEST_BODY) throw new CloudError(413, 'api.body.too_large', `Request is too large: the body may be at most ${MAX_REQUEST_BODY} bytes.`);
  try {
    return JSON.parse(call.text()) as unknown;
  } catch {
    throw httpBadRequest('Malformed request body');
  }
}

/** `_get_request_content`: POST and PUT bodies (empty is `None`); other methods have none. */
export function readBody(call: ComputeCall): Body {
  if (call.method !== 'POST' && call.method !== 'PUT') return ABSENT;
  if (call.body.byteLength === 0) return ABSENT;
  return { present: true, value: parseJson(call) };
}

/**
 * `action_peek` and the action lookup of `_get_method`: the name of the action a `POST …/action`
 * body names (400 "Malformed request body" for no JSON or another count of keys; 404 for a
 * body that is no dict; 400 "There is no such action: …" for a name not in `known`).
 */
export function actionName(call: ComputeCall, known: (name: string) => boolean): string {
  if (call.body.byteLength === 0) throw httpBadRequest('Malformed request body');
  const decoded = parseJson(call);
  if (typeof decoded === 'string' || Array.isArray(decoded)) {
    if (decoded.length !== 1) throw httpBadRequest('Malformed request body');
    throw httpNotFound();
  }
  if (typeof decoded !== 'object' || decoded === null) throw httpNotFound();
  const keys = Object.keys(decoded);
  if (keys.length !== 1) throw httpBadRequest('Malformed request body');
  const name = keys[0] as string;
  if (!known(name)) throw httpBadRequest(`There is no such action: ${name.slice(0, 200)}`);
  return name;
}

// ---------------------------------------------------------------------------- route specs

/** One request as a compute route sees it, after nova's WSGI layer. */
export interface NovaRequest {
  readonly call: ComputeCall;
  /** The negotiated microversion (nova's, both headers). */
  readonly v: Microversion;
  /** The request body (POST / PUT). */
  readonly body: Body;
  /** A path parameter. */
  param(name: string): string;
  /** `session.compute` of the token sent. */
  api(): ComputeApi;
}

/** One action of a `POST …/{id}/action` route (`@wsgi.action`). */
export interface NovaAction {
  /** `@api_version` bounds: outside them, a bare 404 Fault. */
  readonly since?: string;
  readonly until?: string;
  /** `value` is `body[<action>]`. */
  handle(r: NovaRequest, id: string, value: unknown): RestResponse;
}

/** One route below `/v2.1`. */
export interface NovaRouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/servers/{id}`. */
  readonly path: string;
  /** `@api_version` bounds (`until` inclusive): outside them, a bare 404 Fault. */
  readonly since?: string;
  readonly until?: string;
  /** `POST …/action`: the actions by name (the body's one key picks one). */
  readonly actions?: Readonly<Record<string, NovaAction>>;
  handle?(r: NovaRequest): RestResponse;
}

/**
 * `Resource.__call__` and `_process_stack` around a controller method, in nova's order: the
 * microversion, the `Content-Type`, the action its one key names, the body, the microversion the
 * method needs; then the method, and the version headers on its answer.
 */
export function novaHandler(spec: NovaRouteSpec): (call: ComputeCall) => RestResponse {
  return (call) => {
    const v = novaVersion((name) => call.header(name));
    if (v instanceof NovaError) throw v;
    checkContentType(call);
    const actions = spec.actions;
    const action = actions === undefined ? undefined : actionName(call, (name) => Object.hasOwn(actions, name));
    const body = readBody(call);
    const r: NovaRequest = {
      call,
      v,
      body,
      param: (name) => call.params[name] ?? '',
      api: () => call.session().compute,
    };
    let answer: RestResponse;
    if (!inRange(v, spec.since, spec.until)) throw httpNotFound();
    if (actions !== undefined && action !== undefined) {
      const chosen = actions[action] as NovaAction;
      if (!inRange(v, chosen.since, chosen.until)) throw httpNotFound();
      answer = chosen.handle(r, r.param('id'), (body as { value: Record<string, unknown> }).value[action]);
    } else if (spec.handle !== undefined) {
      answer = spec.handle(r);
    } else {
      throw httpNotFound();
    }
    return { ...answer, headers: { ...versionHeaders(v), ...(answer.headers ?? {}) } };
  };
}
