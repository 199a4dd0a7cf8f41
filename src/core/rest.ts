/**
 * The REST part of a service descriptor: the routes a service answers over HTTP and how it shapes
 * its faults. `createApiHandler(cloud)` (`src/api`) owns only what every service shares — the URL
 * layout, `X-Auth-Token`, microversion negotiation, JSON bodies, request ids — and calls these
 * routes with a {@link RestCall}. Routes are synchronous functions of the call (the cloud is
 * synchronous); the handler read the body before dispatching.
 *
 * No DOM or `node:` types here: this runs in browsers, service workers and Node alike.
 */
import { CloudError } from './errors.js';
import { describe } from './validate.js';
import type { Kernel } from './kernel.js';

/** A route's answer. Exactly one of `json`, `bytes`, `text` (or none: an empty body). */
export interface RestResponse {
  readonly status: number;
  /** Response headers (names as the service sends them; case does not matter on the wire). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value, sent with `Content-Type: application/json` unless `headers` set another. */
  readonly json?: unknown;
  /** Raw bytes (Glance image data, Swift objects), `application/octet-stream` unless `headers` set another. */
  readonly bytes?: Uint8Array;
  /** Text (Swift's plain listings and faults), `text/plain; charset=utf-8` unless `headers` set another. */
  readonly text?: string;
}

/** A negotiated microversion (`OpenStack-API-Version: placement 1.39`). */
export interface Microversion {
  readonly major: number;
  readonly minor: number;
  /** True when `major.minor` ≥ `version` (`'1.20'`). */
  atLeast(version: string): boolean;
}

/** The query string, decoded (`+` is a space), in order. */
export interface RestQuery {
  /** The first value of `name`, or undefined. */
  get(name: string): string | undefined;
  /** Every value of `name`, in order (`?required=A&required=B`). */
  getAll(name: string): string[];
  has(name: string): boolean;
  /** Every `[name, value]` pair, in order. */
  entries(): readonly (readonly [string, string])[];
}

/**
 * One HTTP request as a route sees it. `S` is the service's session part (`{ identity: IdentityApi }`),
 * `A` its anonymous part.
 */
export interface RestCall<S extends object = object, A extends object = object> {
  /** Upper-case method (`GET`, `HEAD`, …). */
  readonly method: string;
  /** The path below the service's mount, still percent-encoded (`/v3/projects/abc`). */
  readonly path: string;
  /** The path parameters of the route's pattern, percent-decoded (`{project_id}` → `params.project_id`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: RestQuery;
  /** A request header (any case), or undefined. */
  header(name: string): string | undefined;
  /** Every request header as `[lower-case name, value]` (Swift's `X-Object-Meta-*`, any name). */
  headerEntries(): readonly (readonly [string, string])[];
  /** The negotiated microversion, for a service that declares {@link RestService.microversion}. */
  readonly microversion: Microversion | undefined;
  /** The scheme, host and port the client reached (`http://127.0.0.1:5000`). */
  readonly origin: string;
  /** The URL of this service's mount as the client reaches it (`http://127.0.0.1:5000/identity`). */
  readonly base: string;
  /** A catalog URL (`http://controller/image`, `http://controller:8080/v1/AUTH_…`) as this server serves it. */
  endpointUrl(url: string): string;
  /** The `X-Auth-Token` sent, if any. */
  readonly token: string | undefined;
  /** The caller's APIs for the token sent; Keystone's 401 when none was sent (validation happens on each API call). */
  session(): S;
  /**
   * oslo.policy's `enforce` with the caller's credentials (Placement's `context.can`), for a
   * route whose service decides policy before it reads the body: 401 for a token that does not
   * validate, 403 when the rule says no. The session API enforces its rule again on the call.
   */
  enforce(rule: string, target?: Readonly<Record<string, unknown>>): void;
  /** The APIs reached without a token (`cloud.anonymous`). */
  readonly anonymous: A;
  /** The raw body (empty when none). */
  readonly body: Uint8Array;
  /** The body as JSON: undefined when empty; a 400 naming `body` when it is not JSON. */
  json(): unknown;
  /** The body as UTF-8 text. */
  text(): string;
  /** The cloud's kernel (Keystone's `POST /auth/tokens` authenticates through it). */
  readonly kernel: Kernel;
}

/** One route: a method and a path pattern below the mount (`/v3/projects/{project_id}`; `{name+}` takes the rest of the path). */
export interface RestRoute<S extends object = object, A extends object = object> {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'COPY' | 'OPTIONS';
  readonly path: string;
  /** Answered without a token where the service sits behind keystonemiddleware ({@link RestService.auth}): version documents. */
  readonly public?: boolean;
  handle(call: RestCall<S, A>): RestResponse;
}

/** A service over HTTP: where it is mounted, its routes, its fault body. */
export interface RestService<S extends object = object, A extends object = object> {
  /** The path prefix of DevStack's layout (`/identity`, `/placement`, `/image`, `/v1` for Swift). */
  readonly mount: string;
  /**
   * Microversions: the header's service name (`placement`) and the range answered. A request
   * without the header gets `min`; `latest` gets `max`; outside the range, `406` through {@link fault}.
   */
  readonly microversion?: { readonly service: string; readonly min: string; readonly max: string };
  /**
   * `token`: keystonemiddleware's `auth_token` stands in front of the service (Placement, Glance,
   * Nova, …): a request to a route that is not {@link RestRoute.public} without a valid
   * `X-Auth-Token` is refused with 401 before microversions, bodies or routes are looked at.
   * Absent: the service decides itself (Keystone; Swift, whose `delay_auth_decision` lets ACLs decide).
   */
  readonly auth?: 'token';
  readonly routes: readonly RestRoute<S, A>[];
  /** Headers that carry the request id besides `X-Openstack-Request-Id` (Swift's `X-Trans-Id`), on every answer and fault. */
  readonly requestIdHeaders?: readonly string[];
  /** Routes matched against the whole path, outside the mount (Swift's `GET /info`). */
  readonly rootRoutes?: readonly RestRoute<S, A>[];
  /** The service's fault body for an error (Keystone's `{"error": …}`, Placement's `{"errors": [...]}`, …). */
  fault(error: CloudError, call: RestFaultContext): RestResponse;
}

/** What a fault builder knows about the request that failed. */
export interface RestFaultContext {
  readonly method: string;
  /** The request id (`X-Openstack-Request-Id`), when one was given. */
  readonly requestId: string | undefined;
  readonly microversion: Microversion | undefined;
  /** A request header (any case): webob renders a fault as HTML, JSON or text by `Accept`. */
  header(name: string): string | undefined;
}

/** A JSON answer. */
export function json(status: number, body: unknown, headers?: Readonly<Record<string, string>>): RestResponse {
  return headers === undefined ? { status, json: body } : { status, json: body, headers };
}

/** An empty answer (`204`, or `201` with a `Location`). */
export function empty(status: number, headers?: Readonly<Record<string, string>>): RestResponse {
  return headers === undefined ? { status } : { status, headers };
}

/** The standard reason phrase of a status (what Keystone's `title` and webob's titles say). */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content', 300: 'Multiple Choices',
  304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 409: 'Conflict', 410: 'Gone', 411: 'Length Required',
  412: 'Precondition Failed', 413: 'Request Entity Too Large', 415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable',
};

/** Parses a microversion `'1.39'`; undefined when it is not `<int>.<int>`. */
export function parseMicroversion(text: string): Microversion | undefined {
  const m = /^(\d{1,4})\.(\d{1,4})$/.exec(text.trim());
  if (m === null) return undefined;
  return microversion(Number(m[1]), Number(m[2]));
}

/**
 * The versions routes compare against (`'1.14'`: literals in the code, a few dozen), parsed once.
 * Not derived state: a fixed table of the code's own constants.
 */
const LITERALS = new Map<string, { readonly major: number; readonly minor: number }>();

function parsedLiteral(version: string): { readonly major: number; readonly minor: number } {
  let v = LITERALS.get(version);
  if (v === undefined) {
    const m = /^(\d{1,4})\.(\d{1,4})$/.exec(version);
    if (m === null) throw new TypeError(`not a microversion: ${version}`);
    v = { major: Number(m[1]), minor: Number(m[2]) };
    if (LITERALS.size < 1000) LITERALS.set(version, v);
  }
  return v;
}

/** A microversion value. */
export function microversion(major: number, minor: number): Microversion {
  return {
    major,
    minor,
    atLeast(version: string): boolean {
      const v = parsedLiteral(version);
      return major > v.major || (major === v.major && minor >= v.minor);
    },
  };
}

/** Whether `error` is one of ours (a `CloudError`), as opposed to a programming error. */
export function isCloudError(error: unknown): error is CloudError {
  return error instanceof CloudError;
}

/**
 * A request value as JSON for a fault message (`'name': 12 is not of type 'string'`): what a
 * client sent can be too deep to serialise (a body of 5 000 nested arrays), so a value JSON
 * cannot show is described instead of throwing. Callers cut the text to their length.
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return describe(value);
  }
}
