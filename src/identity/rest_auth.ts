/**
 * Keystone's version discovery (`keystone/api/discovery.py`) and authentication routes
 * (`keystone/api/auth.py`): `POST/GET/HEAD/DELETE /v3/auth/tokens`, `/v3/auth/catalog`,
 * `/v3/auth/projects`, `/v3/auth/domains`, `/v3/auth/system`.
 *
 * Not simulated: JSON-Home documents (`Accept: application/json-home` gets the JSON document),
 * `?allow_expired`, `Openstack-Auth-Receipt` (multi-factor), federation and trusts (`OS-TRUST`),
 * TOTP and other auth methods than `password`, `token` and `application_credential`.
 */
import { NotFound, json, type RestResponse } from '../core/index.js';
import { authenticate, tokenView, validateToken, AuthenticationFailed, type LoginRequest, type TokenView } from './tokens.js';
import { formatEndpointUrl, type CatalogEntry, type CatalogScope } from './catalog.js';
import { collectionResponse, expecting, identity, invalidField, isObject, noContent, shown, v3Url, type IdentityCall, type IdentityRoute } from './rest_common.js';

/** Keystone's API version: `keystone/version.py` `release_string()` and discovery's `updated`. */
export const KEYSTONE_VERSION = Object.freeze({ id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z' });

/** The v3 entry of Keystone's version documents, its `self` link at `<base>/v3/`. */
export function versionDocument(call: IdentityCall): Record<string, unknown> {
  return {
    ...KEYSTONE_VERSION,
    links: [{ rel: 'self', href: `${call.base}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

/**
 * A catalog as a client gets it: each URL substituted for the token's scope as Keystone's
 * `get_v3_catalog` does (`%(project_id)s`, `%(tenant_id)s`, `%(user_id)s`; an endpoint needing a
 * project is left out without one), then as this server serves it (`call.endpointUrl`).
 */
export function servedCatalog(call: IdentityCall, catalog: readonly CatalogEntry[], scope: CatalogScope): CatalogEntry[] {
  return catalog.map((svc) => ({
    ...svc,
    endpoints: svc.endpoints.flatMap((e) => {
      const url = formatEndpointUrl(e.url, scope);
      return url === undefined ? [] : [{ ...e, url: call.endpointUrl(url) }];
    }),
  }));
}

/** The substitutions of a token's catalog: its user and project. */
function scopeOf(view: TokenView): CatalogScope {
  return { user_id: view.user.id, ...(view.project ? { project_id: view.project.id } : {}) };
}

/** A token body for the client: its catalog served here, or no catalog (`?nocatalog`). */
function servedToken(call: IdentityCall, view: TokenView): TokenView {
  const { catalog, ...rest } = view;
  if (call.query.has('nocatalog') || catalog === undefined) return rest;
  return { ...rest, catalog: servedCatalog(call, catalog, scopeOf(view)) };
}

function unsupportedMethod(): AuthenticationFailed {
  return new AuthenticationFailed('Attempted to authenticate with an unsupported method.', 'identity.auth.unsupported_method');
}

/** A `{id}` or `{name}` object of the auth body: its id or name (400 when neither, as keystone/auth/schema.py). */
function idOrName(value: unknown, path: string): { id?: string; name?: string } {
  if (!isObject(value)) throw invalidField(path, `${shown(value)} is not of type 'object'`);
  for (const k of ['id', 'name'] as const) if (value[k] !== undefined && typeof value[k] !== 'string') throw invalidField(`${path}/${k}`, `${shown(value[k])} is not of type 'string'`);
  const id = value.id as string | undefined;
  const name = value.name as string | undefined;
  if (id === undefined && name === undefined) throw invalidField('', `Invalid input for field ${path}: id or name must be present.`);
  return { ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}) };
}

/** The user part of a password or application-credential method, as `LoginRequest` fields. */
function userOf(value: unknown, path: string, method: string): Pick<LoginRequest, 'user_id' | 'username' | 'user_domain'> {
  if (value === undefined) throw expecting('user', method);
  const user = idOrName(value, path);
  if (user.id !== undefined && user.id !== '') return { user_id: user.id };
  const domain = (value as Record<string, unknown>).domain;
  if (domain === undefined) throw expecting('domain', 'user');
  const d = idOrName(domain, `${path}/domain`);
  return { username: user.name as string, user_domain: (d.id ?? d.name) as string };
}

/**
 * The body of `POST /v3/auth/tokens` (`{"auth": {"identity": …, "scope": …}}`) as a
 * {@link LoginRequest}, with Keystone's 400s for a malformed body (keystone/auth/schema.py,
 * keystone/auth/core.py) and its 401 for an unsupported method.
 */
export function loginRequest(given: unknown): LoginRequest {
  // keystone/server/flask/common.py request_body_json: an empty body is `{}`
  const body = given === undefined || given === null ? {} : given;
  if (!isObject(body)) throw invalidField('', `${shown(body)} is not of type 'object'`);
  const auth = body.auth;
  if (auth === undefined || auth === null) throw expecting('auth', 'request body');
  if (!isObject(auth)) throw invalidField('', `${shown(auth)} is not of type 'object'`);
  const ident = auth.identity;
  if (ident === undefined) throw invalidField('', "'identity' is a required property");
  if (!isObject(ident)) throw invalidField('identity', `${shown(ident)} is not of type 'object'`);
  const methods = ident.methods;
  if (methods === undefined) throw invalidField('identity', "'methods' is a required property");
  if (!Array.isArray(methods)) throw invalidField('identity/methods', `${shown(methods)} is not of type 'array'`);
  methods.forEach((m, i) => {
    if (typeof m !== 'string') throw invalidField(`identity/methods/${i}`, `${shown(m)} is not of type 'string'`);
  });
  const names = [...new Set(methods as string[])];
  for (const m of names) if (ident[m] === undefined) throw expecting(m, 'identity');
  if (names.length !== 1 || !['password', 'token', 'application_credential'].includes(names[0] as string)) throw unsupportedMethod();
  const method = names[0] as string;
  const payload = ident[method];
  if (!isObject(payload)) throw invalidField(`identity/${method}`, `${shown(payload)} is not of type 'object'`);
  const scope = auth.scope;
  let out: LoginRequest;
  if (method === 'password') {
    const user = payload.user;
    if (user !== undefined && isObject(user) && user.password !== undefined && typeof user.password !== 'string') throw invalidField('identity/password/user/password', `${shown(user.password)} is not of type 'string'`);
    out = { ...userOf(user, 'identity/password/user', 'password'), password: isObject(user) && typeof user.password === 'string' ? user.password : '' };
  } else if (method === 'token') {
    if (payload.id === undefined) throw invalidField('identity/token', "'id' is a required property");
    if (typeof payload.id !== 'string') throw invalidField('identity/token/id', `${shown(payload.id)} is not of type 'string'`);
    out = { token: payload.id };
  } else {
    // keystone/auth/core.py: an application credential carries its own scope
    if (scope !== undefined) throw new AuthenticationFailed('Error authenticating with application credential: Application credentials cannot request a scope.', 'identity.auth.application_credential_scope');
    const secret = payload.secret;
    if (typeof secret !== 'string') throw new AuthenticationFailed(undefined, 'identity.auth.failed');
    if (typeof payload.id === 'string' && payload.id !== '') return { application_credential: { id: payload.id, secret } };
    if (typeof payload.name !== 'string' || payload.name === '') throw expecting('id or name', 'application credential');
    if (payload.user === undefined) throw expecting('user', 'application credential');
    return { ...userOf(payload.user, 'identity/application_credential/user', 'application credential'), application_credential: { name: payload.name, secret } };
  }
  return { ...out, ...requestedScope(scope) };
}

/** The `scope` of an auth body as `LoginRequest` fields. */
function requestedScope(scope: unknown): Pick<LoginRequest, 'project' | 'project_domain' | 'domain' | 'system' | 'unscoped'> {
  if (scope === undefined) return {};
  if (scope === 'unscoped') return { unscoped: true };
  if (typeof scope === 'string' || !isObject(scope)) throw invalidField('scope', `${shown(scope)} is not of type 'object', 'string'`);
  const kinds = ['project', 'domain', 'unscoped', 'system', 'OS-TRUST:trust'].filter((k) => k in scope);
  if (kinds.length !== 1) throw expecting('system, project, domain, OS-TRUST:trust or unscoped', 'scope');
  const kind = kinds[0] as string;
  if (kind === 'OS-TRUST:trust') throw unsupportedMethod();
  if (kind === 'unscoped') return { unscoped: true };
  if (kind === 'system') {
    const system = scope.system;
    if (!isObject(system)) throw invalidField('scope/system', `${shown(system)} is not of type 'object'`);
    if (system.all !== true && system.all !== 'true' && system.all !== 'True') throw new AuthenticationFailed(undefined, 'identity.auth.failed');
    return { system: 'all' };
  }
  if (kind === 'domain') {
    const d = idOrName(scope.domain, 'scope/domain');
    return { domain: (d.id ?? d.name) as string };
  }
  const p = idOrName(scope.project, 'scope/project');
  if (p.id !== undefined && p.id !== '') return { project: p.id };
  const domain = (scope.project as Record<string, unknown>).domain;
  if (domain === undefined) throw expecting('domain', 'project');
  const d = idOrName(domain, 'scope/project/domain');
  return { project: p.name as string, project_domain: (d.id ?? d.name) as string };
}

/** `POST /v3/auth/tokens`: authenticates through identity's own `authenticate`, 201 with `X-Subject-Token`. */
function issueToken(call: IdentityCall): RestResponse {
  const request = loginRequest(call.json());
  const outcome = call.kernel.transact('identity.authenticate', (tx) => authenticate(tx, request));
  // a refused attempt was recorded (lockout counts) by that commit; its 401 is thrown now
  if (!outcome.ok) throw outcome.error;
  const s = call.kernel.view();
  const valid = validateToken(s, outcome.token.id, s.meta.clock.now);
  if (!valid.ok) throw valid.error;
  return json(201, { token: servedToken(call, tokenView(s, valid)) }, { 'X-Subject-Token': outcome.token.id });
}

/** The `X-Subject-Token` of a token request; Keystone's 404 when it is absent (after the caller's own token is checked). */
function subjectToken(call: IdentityCall): string {
  const subject = call.header('X-Subject-Token');
  if (subject === undefined || subject === '') {
    identity(call).getToken(); // the caller's token first: 401 before 404
    throw new NotFound('identity.token.not_found', 'Could not find token: the X-Subject-Token header is missing.');
  }
  return subject;
}

/** Discovery and auth routes. */
export const AUTH_ROUTES: readonly IdentityRoute[] = [
  {
    method: 'GET',
    path: '/',
    handle: (call) => json(300, { versions: { values: [versionDocument(call)] } }, { Location: `${call.base}/v3/` }),
  },
  { method: 'GET', path: '/v3', handle: (call) => json(200, { version: versionDocument(call) }) },
  { method: 'POST', path: '/v3/auth/tokens', handle: issueToken },
  {
    method: 'GET',
    path: '/v3/auth/tokens',
    handle: (call) => {
      const subject = subjectToken(call);
      return json(200, { token: servedToken(call, identity(call).validateToken(subject)) }, { 'X-Subject-Token': subject });
    },
  },
  {
    method: 'HEAD',
    path: '/v3/auth/tokens',
    handle: (call) => {
      const subject = subjectToken(call);
      if (!identity(call).checkToken(subject)) throw new NotFound('identity.token.not_found', 'Could not find token: the token is not valid.');
      return { status: 200, headers: { 'X-Subject-Token': subject } };
    },
  },
  {
    method: 'DELETE',
    path: '/v3/auth/tokens',
    handle: (call) => {
      identity(call).revokeToken(subjectToken(call));
      return noContent;
    },
  },
  {
    method: 'GET',
    path: '/v3/auth/catalog',
    handle: (call) => {
      const api = identity(call);
      const catalog = api.getAuthCatalog();
      return json(200, { catalog: servedCatalog(call, catalog, scopeOf(api.getToken())), links: { self: v3Url(call, '/auth/catalog') } });
    },
  },
  { method: 'GET', path: '/v3/auth/projects', handle: (call) => collectionResponse(call, 'projects', identity(call).getAuthProjects()) },
  { method: 'GET', path: '/v3/auth/domains', handle: (call) => collectionResponse(call, 'domains', identity(call).getAuthDomains()) },
  { method: 'GET', path: '/v3/auth/system', handle: (call) => json(200, { system: identity(call).getAuthSystem(), links: { self: v3Url(call, '/auth/system') } }) },
];
