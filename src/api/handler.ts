/**
 * `createApiHandler(cloud)`: the cloud's OpenStack REST API as one WHATWG fetch-style function,
 * `Request → Promise<Response>`, with DevStack's URL layout (`/identity/v3`, `/placement`,
 * `/image/v2`, `/v1/AUTH_…`). It runs wherever `Request` and `Response` exist — Node ≥ 18, Deno,
 * browsers, service workers — and imports nothing from `node:`.
 *
 * The handler owns only what every service shares: finding the service by its mount and the
 * route by its pattern (404, 405 with `Allow`), `X-Auth-Token` (a session per token), the
 * microversion header, reading and checking bodies (413, 415, malformed JSON), the request id
 * (`X-Openstack-Request-Id`, the id `cloud.trace` knows), and turning errors into the service's
 * own fault body. The routes come from each service's descriptor (`rest`).
 */
import {
  BadRequest,
  CloudError,
  NotFound,
  Unauthorized,
  isCloudError,
  microversion,
  parseMicroversion,
  reasonPhrase,
  type AnyServiceDescriptor,
  type Microversion,
  type PolicyCredentials,
  type PolicyTarget,
  type RestCall,
  type RestQuery,
  type RestResponse,
  type RestService,
} from '../core/index.js';
import { credentialsOf, validateToken, type ValidToken } from '../identity/index.js';
import type { Cloud } from '../cloud.js';
import type { Session } from '../session.js';
import { SERVICES } from '../services.js';
import { compileRoute, RouteTable, type CompiledRoute } from './routes.js';
import { parseQuery } from './query.js';
import { HarnessRoutes } from './harness.js';
import { decodeUtf8, encodeUtf8 } from './text.js';

/** What the handler reads of a WHATWG `Request`. */
export interface FetchRequest {
  readonly method: string;
  /** The absolute URL (`http://127.0.0.1:5000/identity/v3/projects?name=demo`). */
  readonly url: string;
  readonly headers: { get(name: string): string | null; forEach(fn: (value: string, name: string) => void): void };
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A WHATWG `Response`, as far as the handler builds one. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null; forEach(fn: (value: string, name: string) => void): void };
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** Options of {@link createApiHandler}. */
export interface ApiHandlerOptions {
  /**
   * The moto-style harness under `/stacksim/` (`POST reset`, `GET state`, `POST snapshot`,
   * `POST restore`, `POST clock/advance`). Off by default: it lets anyone rewind the cloud.
   */
  readonly harness?: boolean;
  /** Largest body accepted, in bytes (Glance image data, Swift objects). Default 256 MiB. */
  readonly maxBodyBytes?: number;
  /** Largest JSON body accepted, in bytes: oslo.middleware's `max_request_body_size` (114 688). */
  readonly maxJsonBytes?: number;
}

/** The REST API of a cloud. */
export type ApiHandler = (request: FetchRequest) => Promise<FetchResponse>;

/** A REST service of any session part. */
export type AnyRest = RestService<object, object>;

interface Mounted {
  readonly service: AnyRest;
  readonly mount: string;
  readonly routes: RouteTable;
  readonly rootRoutes: readonly CompiledRoute[];
  readonly anonymous: object;
}

const DEFAULT_MAX_BODY = 256 * 1024 * 1024;
const DEFAULT_MAX_JSON = 114_688;
/** Sessions kept per token id (a session is a few small objects; validation still runs on each call). */
const SESSION_CACHE = 256;
const CONTROLLER = /^https?:\/\/controller(?::\d+)?(?=\/|$)/;

type ResponseConstructor = new (body: Uint8Array | string | null, init: { status: number; headers: Record<string, string> }) => FetchResponse;

/**
 * The cloud's REST API: `const api = createApiHandler(cloud); const res = await api(new Request('http://localhost/identity/v3'))`.
 * Every service of the cloud with a `rest` part answers under its mount.
 */
export function createApiHandler(cloud: Cloud, options: ApiHandlerOptions = {}): ApiHandler {
  const services = (SERVICES as readonly AnyServiceDescriptor[]).flatMap((d) => (d.rest !== undefined ? [d.rest as AnyRest] : []));
  return restHandler(cloud, services, options);
}

/** @internal The handler for a given list of REST services (tests give their own). */
export function restHandler(cloud: Cloud, services: readonly AnyRest[], options: ApiHandlerOptions = {}): ApiHandler {
  const Response = (globalThis as { Response?: ResponseConstructor }).Response;
  if (Response === undefined) throw new TypeError('createApiHandler needs a global Response (Node >= 18, Deno, browsers, service workers).');
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const dispatch = restDispatcher(cloud, services, options);
  return async (request: FetchRequest): Promise<FetchResponse> => {
    let body: Uint8Array | CloudError;
    try {
      body = await readBody(request, maxBody);
    } catch (error) {
      body = isCloudError(error) ? error : internalError();
    }
    const reply = dispatch({ method: request.method, url: request.url, headers: request.headers, body });
    return new Response(reply.body, { status: reply.status, headers: reply.headers });
  };
}

/** A request as the synchronous core reads it: its body already read, or the error reading it (413). */
export interface RestRequestData {
  readonly method: string;
  /** The absolute URL. */
  readonly url: string;
  readonly headers: FetchRequest['headers'];
  readonly body: Uint8Array | CloudError;
}

/** An answer before it becomes a `Response`: null body for HEAD, 204 and 304. */
export interface RestReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | null;
}

/**
 * @internal The handler's synchronous core: a request whose body was read, to its reply. The
 * fetch-style handler wraps it; the model-based suite drives it directly (its steps are synchronous).
 */
export function restDispatcher(cloud: Cloud, services: readonly AnyRest[], options: ApiHandlerOptions = {}): (request: RestRequestData) => RestReply {
  const maxJson = options.maxJsonBytes ?? DEFAULT_MAX_JSON;
  const mounted = mountServices(cloud, services);
  const sessions = new Map<string, Session>();
  const harness = options.harness === true ? new HarnessRoutes(cloud) : undefined;

  const sessionFor = (token: string): Session => {
    let session = sessions.get(token);
    if (session !== undefined) {
      sessions.delete(token);
      sessions.set(token, session);
      return session;
    }
    session = cloud.session(token);
    sessions.set(token, session);
    if (sessions.size > SESSION_CACHE) sessions.delete(sessions.keys().next().value as string);
    return session;
  };

  return (request: RestRequestData): RestReply => {
    const url = splitUrl(request.url);
    const method = request.method.toUpperCase();
    const found = findMount(mounted, url.path);
    const respond = (answer: RestResponse, requestId: string | undefined, extra: Record<string, string> = {}): RestReply => {
      const ids: Record<string, string> = {};
      if (requestId !== undefined) for (const name of ['X-Openstack-Request-Id', ...(found?.entry.service.requestIdHeaders ?? [])]) ids[name] = requestId;
      return toReply(method, answer, { ...extra, ...ids });
    };

    if (harness !== undefined && (url.path === '/stacksim' || url.path.startsWith('/stacksim/'))) {
      const body = request.body instanceof Uint8Array && request.body.byteLength > maxJson ? tooLarge(maxJson) : request.body;
      const answer = body instanceof Uint8Array ? harness.handle(method, url.path.slice('/stacksim'.length), body) : genericFault(body);
      return respond(answer, undefined);
    }
    if (found === undefined) {
      const error = new NotFound('api.route.not_found', `No service answers ${url.path.slice(0, 200)}; services are under ${mounted.map((m) => m.mount || '/').join(', ')}.`);
      return respond(genericFault(error), refusedId(cloud, `rest.${method.slice(0, 16)}`, error));
    }

    const { entry, below, candidates, allowed } = found;
    const service = entry.service;
    let version: Microversion | undefined;
    let versionHeaders: Record<string, string> = {};
    const fail = (error: unknown, requestId: string | undefined, extra: Record<string, string> = {}): RestReply => {
      const cloudError = isCloudError(error) ? error : internalError();
      const id = requestId ?? cloudError.requestId ?? refusedId(cloud, `rest.${method.slice(0, 16)} ${entry.mount}`, cloudError);
      const answer = service.fault(cloudError, { method, requestId: id, microversion: version, header: (name) => request.headers.get(name) ?? undefined });
      const auth: Record<string, string> = cloudError.status === 401 ? { 'WWW-Authenticate': `Keystone uri="${url.origin}/identity"` } : {};
      return respond(answer, id, { ...versionHeaders, ...auth, ...extra });
    };
    const chosen = candidates.find((c) => c.route.method === method) ?? (method === 'HEAD' ? candidates.find((c) => c.route.method === 'GET') : undefined);
    try {
      if (service.auth === 'token' && chosen?.route.route.public !== true) authenticate(cloud, request.headers.get('X-Auth-Token'));
      if (service.microversion !== undefined) {
        const negotiated = negotiate(service.microversion, request.headers.get('OpenStack-API-Version'));
        version = negotiated;
        versionHeaders = { 'OpenStack-API-Version': `${service.microversion.service} ${negotiated.major}.${negotiated.minor}`, Vary: 'openstack-api-version' };
      }
    } catch (error) {
      return fail(error, undefined);
    }
    if (chosen === undefined) {
      if (allowed.length === 0) return fail(new NotFound('api.route.not_found', `The resource could not be found: no route for ${url.path.slice(0, 200)}.`), undefined);
      return fail(new CloudError(405, 'api.method.not_allowed', `The method ${method.slice(0, 16)} is not allowed for this resource; allowed: ${allowed.join(', ')}.`), undefined, { Allow: allowed.join(', ') });
    }
    // a JSON body over maxJson is refused when a route reads it (call.json()): an object upload may be typed JSON
    if (!(request.body instanceof Uint8Array)) return fail(request.body, undefined);
    const { route, params } = chosen;
    const token = request.headers.get('X-Auth-Token') ?? undefined;
    const call = new Call(method, below, params, url.query, request.headers, version, url.origin, url.origin + entry.mount, token, request.body, entry.anonymous, cloud, sessionFor, maxJson);
    const operation = `rest.${route.method} ${entry.mount}${route.pattern}`;
    let answer: RestResponse;
    try {
      // boxed: the kernel freezes what a public call returns, and this answer is serialised at once
      answer = cloud.kernel.call(operation, () => new Boxed(route.route.handle(call as RestCall))).value;
    } catch (error) {
      return fail(error, isCloudError(error) ? error.requestId : cloud.lastRequestId);
    }
    return respond(answer, cloud.lastRequestId, versionHeaders);
  };
}

/** Every REST service, longest mount first (so `/v1` never shadows a longer one). */
function mountServices(cloud: Cloud, services: readonly AnyRest[]): Mounted[] {
  return services
    .map((rest) => ({
      service: rest,
      mount: rest.mount.replace(/\/+$/, ''),
      routes: new RouteTable(rest.routes.map(compileRoute)),
      rootRoutes: (rest.rootRoutes ?? []).map(compileRoute),
      anonymous: cloud.anonymous,
    }))
    .sort((a, b) => b.mount.length - a.mount.length);
}

interface Found {
  readonly entry: Mounted;
  /** The path below the mount (`/v3/projects`). */
  readonly below: string;
  /** The most specific patterns that match, one per method. */
  readonly candidates: readonly { readonly route: CompiledRoute; readonly params: Record<string, string> }[];
  /** Methods the path answers to (for 405's `Allow`). */
  readonly allowed: readonly string[];
}

function findMount(mounted: readonly Mounted[], path: string): Found | undefined {
  for (const entry of mounted) {
    for (const r of entry.rootRoutes) {
      const params = r.match(path);
      if (params !== undefined) return { entry, below: path, candidates: [{ route: r, params }], allowed: [r.method] };
    }
  }
  for (const entry of mounted) {
    if (path !== entry.mount && !path.startsWith(`${entry.mount}/`)) continue;
    const below = path.slice(entry.mount.length) || '/';
    const exact = matchRoute(entry.routes, below);
    // a trailing slash is the path without it (`/identity/v3/`), unless a route takes it as written (Swift's object `dir/`)
    if (exact.candidates.length > 0 || !below.endsWith('/') || below === '/') return { entry, ...exact };
    return { entry, ...matchRoute(entry.routes, below.replace(/\/+$/, '') || '/') };
  }
  return undefined;
}

/**
 * The route for a path below a mount: among the patterns that match, the most specific (literal
 * segments before parameters, parameters before a rest), then the method; HEAD falls back to GET.
 */
function matchRoute(routes: RouteTable, below: string): Omit<Found, 'entry'> {
  let best: { route: CompiledRoute; params: Record<string, string> }[] = [];
  let bestScore = '';
  for (const candidate of routes.match(below)) {
    if (candidate.route.score > bestScore) {
      best = [candidate];
      bestScore = candidate.route.score;
    } else if (candidate.route.score === bestScore) best.push(candidate);
  }
  const allowed = [...new Set(best.map((b) => b.route.method))];
  if (allowed.includes('GET') && !allowed.includes('HEAD')) allowed.push('HEAD');
  return { below, candidates: best, allowed };
}

/** Splits an absolute URL into origin, path (trailing slashes dropped) and query. */
function splitUrl(text: string): { origin: string; path: string; query: RestQuery } {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(text);
  const origin = m?.[1] ?? '';
  let path = m?.[2] ?? '/';
  if (path === '') path = '/';
  return { origin, path, query: parseQuery(m?.[3] ?? '') };
}

function negotiate(range: NonNullable<AnyRest['microversion']>, header: string | null): Microversion {
  const min = parseMicroversion(range.min) as Microversion;
  const max = parseMicroversion(range.max) as Microversion;
  if (header === null) return min;
  // `OpenStack-API-Version: placement 1.20, compute 2.1`: this service's entry, if any
  const entry = header.split(',').map((part) => part.trim().split(/\s+/)).find((words) => words[0]?.toLowerCase() === range.service);
  if (entry === undefined) return min;
  const text = entry[1] ?? '';
  if (text.toLowerCase() === 'latest') return max;
  const asked = parseMicroversion(text);
  if (asked === undefined) throw new BadRequest('api.microversion.invalid', `invalid version string: ${text.slice(0, 40)}`, { field: 'OpenStack-API-Version' });
  if (!asked.atLeast(range.min) || !max.atLeast(`${asked.major}.${asked.minor}`)) {
    throw new CloudError(406, 'api.microversion.unsupported', `Unacceptable version header: ${asked.major}.${asked.minor}`, { min: range.min, max: range.max });
  }
  return microversion(asked.major, asked.minor);
}

async function readBody(request: FetchRequest, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('Content-Length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw tooLarge(limit);
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') return new Uint8Array(0);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > limit) throw tooLarge(limit);
  return bytes;
}

function tooLarge(limit: number): CloudError {
  return new CloudError(413, 'api.body.too_large', `Request is too large: the body may be at most ${limit} bytes.`, { limit });
}

function isJsonType(type: string | null): boolean {
  return type !== null && /json/i.test(type);
}

/**
 * keystonemiddleware's `auth_token` in front of a service: 401 without a token, or with one that
 * does not validate (expired, revoked, unknown), before anything else looks at the request.
 */
function authenticate(cloud: Cloud, token: string | null): ValidToken {
  if (token === null || token === '') throw new Unauthorized('api.token.missing', 'The request you have made requires authentication.');
  const s = cloud.kernel.view();
  const result = validateToken(s, token, s.meta.clock.now);
  if (!result.ok) throw result.error;
  return result;
}

/** A request id (and a failed trace) for a request refused before any route ran: every answer carries one, as oslo's request-id middleware gives. */
function refusedId(cloud: Cloud, operation: string, error: CloudError): string | undefined {
  try {
    cloud.kernel.call(operation, () => {
      throw error;
    });
  } catch {
    // the call exists only to give the refusal its id
  }
  return error.requestId;
}

function internalError(): CloudError {
  return new CloudError(500, 'api.internal', 'An unexpected error prevented the server from fulfilling your request.');
}

/** A fault outside any service (no mount matched; the harness): Keystone's shape, the most common. */
function genericFault(error: unknown): RestResponse {
  const e = isCloudError(error) ? error : internalError();
  return { status: e.status, json: { error: { code: e.status, title: reasonPhrase(e.status), message: e.message } } };
}


/** A {@link RestResponse} as a reply: the body encoded, Content-Type and Content-Length set; none for HEAD, 1xx, 204 and 304. */
function toReply(method: string, answer: RestResponse, extra: Record<string, string>): RestReply {
  const headers: Record<string, string> = {};
  let body: Uint8Array | null = null;
  let type: string | undefined;
  if (answer.json !== undefined) {
    body = encodeUtf8(JSON.stringify(answer.json));
    type = 'application/json';
  } else if (answer.bytes !== undefined) {
    body = answer.bytes;
    type = 'application/octet-stream';
  } else if (answer.text !== undefined) {
    body = encodeUtf8(answer.text);
    type = 'text/plain; charset=utf-8';
  }
  const given = answer.headers ?? {};
  const has = (name: string): boolean => Object.keys(given).some((k) => k.toLowerCase() === name.toLowerCase());
  if (type !== undefined && !has('Content-Type')) headers['Content-Type'] = type;
  if (!has('Content-Length')) headers['Content-Length'] = String(body?.byteLength ?? 0);
  Object.assign(headers, extra, given);
  const noBody = method === 'HEAD' || answer.status === 204 || answer.status === 304 || (answer.status >= 100 && answer.status < 200);
  if (answer.status === 204 || answer.status === 304) delete headers['Content-Length'];
  return { status: answer.status, headers, body: noBody ? null : (body ?? new Uint8Array(0)) };
}

/** A route's answer on its way out of `kernel.call`: a class instance, which the view freezer leaves alone. */
class Boxed {
  constructor(readonly value: RestResponse) {}
}

/** One request as routes see it. */
class Call implements RestCall<object, object> {
  private parsed: { value: unknown } | undefined;
  constructor(
    readonly method: string,
    readonly path: string,
    readonly params: Readonly<Record<string, string>>,
    readonly query: RestQuery,
    private readonly headers: FetchRequest['headers'],
    readonly microversion: Microversion | undefined,
    readonly origin: string,
    readonly base: string,
    readonly token: string | undefined,
    readonly body: Uint8Array,
    readonly anonymous: object,
    private readonly cloud: Cloud,
    private readonly sessionFor: (token: string) => Session,
    private readonly maxJson: number,
  ) {}

  get kernel(): Cloud['kernel'] {
    return this.cloud.kernel;
  }

  header(name: string): string | undefined {
    return this.headers.get(name) ?? undefined;
  }

  headerEntries(): readonly (readonly [string, string])[] {
    const out: [string, string][] = [];
    this.headers.forEach((value, name) => out.push([name.toLowerCase(), value]));
    return out;
  }

  endpointUrl(url: string): string {
    return url.replace(CONTROLLER, this.origin);
  }

  session(): object {
    if (this.token === undefined || this.token === '') throw new Unauthorized('api.token.missing', 'The request you have made requires authentication.');
    // no token is that long (Fernet tokens are ~180 characters): keystonemiddleware's 401, not a 400 about the header
    if (this.token.length > 4096) throw new Unauthorized('identity.token.not_found', 'The request you have made requires authentication.');
    return this.sessionFor(this.token);
  }

  enforce(rule: string, target: Readonly<Record<string, unknown>> = {}): void {
    const token = authenticate(this.cloud, this.token ?? null);
    this.cloud.policy.enforce(rule, credentialsOf(this.cloud.kernel.view(), token) as unknown as PolicyCredentials, target as PolicyTarget);
  }

  json(): unknown {
    if (this.parsed !== undefined) return this.parsed.value;
    if (this.body.byteLength === 0) return (this.parsed = { value: undefined }).value;
    if (this.body.byteLength > this.maxJson) throw tooLarge(this.maxJson);
    const type = this.header('Content-Type');
    if (type !== undefined && !isJsonType(type)) {
      throw new CloudError(415, 'api.body.content_type', `The request body must be JSON; Content-Type '${type.slice(0, 80)}' is not supported here.`, { field: 'Content-Type' });
    }
    try {
      return (this.parsed = { value: JSON.parse(this.text()) as unknown }).value;
    } catch (e) {
      throw new BadRequest('api.body.invalid_json', `body: not valid JSON (${(e as Error).message.slice(0, 120)}).`, { field: 'body' });
    }
  }

  text(): string {
    return decodeUtf8(this.body);
  }
}
