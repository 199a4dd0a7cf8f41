/**
 * Nova's Compute API v2.1 over REST, mounted at `/compute` as DevStack serves it
 * (`http://controller/compute/v2.1` in the catalog, no project id in the path), behind
 * keystonemiddleware, with microversions 2.1–2.93 (`OpenStack-API-Version: compute 2.x` or
 * `X-OpenStack-Nova-API-Version: 2.x`; none is 2.1), `X-Compute-Request-Id` beside
 * `X-Openstack-Request-Id`.
 *
 * As DevStack's `api-paste.ini` (`[composite:osapi_compute]`) maps it:
 * - `/` is the versions app (`versions.py` `Versions`: `index`, 200 with v2.0 and v2.1, for `/`;
 *   `multi`, 300 with the choices, for any other path it gets), without `authtoken`: public;
 * - `/v2.1` and `/v2.1/` are `VersionsV2.index` (the v2.1 document; microversioned), `/v2` and
 *   `/v2/` the legacy v2.0 document, both public;
 * - everything below `/v2.1/` is the API router behind `authtoken` (`routes.py` `ROUTE_LIST`): a
 *   path or method it has no route for is webob's 404 (no 405), once the token is checked.
 *
 * The routes are a table of resources (`RESOURCES`), each a list of {@link NovaRouteSpec}s below
 * `/v2.1`; `novaHandler` (`rest_http.ts`) wraps each with nova's request handling. Servers and
 * their actions: `rest_servers.ts`; metadata, tags, instance actions, volume attachments,
 * interfaces and addresses: `rest_server_parts.ts`; flavors: `rest_flavors.ts`; key pairs,
 * quotas, limits, server groups, zones, hypervisors, aggregates, services and extensions:
 * `rest_contrib.ts`; the moves' actions and migrations: `rest_migrations.ts`.
 *
 * Not simulated: the legacy v2 API under `/v2/{project_id}/…`, `/v2.1/{project_id}/…` (the
 * catalog has no project id), the APIs the library lacks (images and networks proxies, consoles,
 * usage, …: webob's 404), the version headers the handler's own negotiation puts on
 * the root versions document (nova's root app is not microversioned).
 */
import { json, type RestResponse, type RestService } from '../core/index.js';
import type { ComputeApi } from './api.js';
import { CONTRIB_ROUTES } from './rest_contrib.js';
import { FLAVOR_ROUTES } from './rest_flavors.js';
import { MIGRATION_ROUTES } from './rest_migrations.js';
import {
  httpNotFound,
  MAX_VERSION,
  MIN_VERSION,
  novaFault,
  novaHandler,
  novaVersion,
  routeNotFound,
  versionHeaders,
  type ComputeCall,
  type ComputeRoute,
  type NovaRouteSpec,
} from './rest_http.js';
import { ACTION_ROUTES, INTERFACE_ROUTES, METADATA_ROUTES, TAG_ROUTES, VOLUME_ATTACHMENT_ROUTES } from './rest_server_parts.js';
import { SERVER_ROUTES } from './rest_servers.js';
import { NovaError } from './errors.js';

/** `versions.py` `VERSIONS` (Zed). */
const VERSIONS = {
  'v2.0': {
    id: 'v2.0',
    status: 'SUPPORTED',
    version: '',
    min_version: '',
    updated: '2011-01-21T11:33:21Z',
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2' }],
  },
  'v2.1': {
    id: 'v2.1',
    status: 'CURRENT',
    version: MAX_VERSION,
    min_version: MIN_VERSION,
    updated: '2013-07-23T11:33:21Z',
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
  },
} as const;

type VersionId = keyof typeof VERSIONS;

const DESCRIBED_BY = { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' };

/** `generate_href`: `v2.1…` under `/v2.1`, anything else under `/v2`; the path appended. */
function versionHref(call: ComputeCall, id: VersionId, path = ''): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return `${call.base}/${id === 'v2.1' ? 'v2.1' : 'v2'}/${trimmed}`;
}

/** `ViewBuilder.build_versions`: `GET /` (200). */
function versionList(call: ComputeCall): unknown {
  return {
    versions: (Object.keys(VERSIONS) as VersionId[]).map((id) => {
      const v = VERSIONS[id];
      return { id: v.id, status: v.status, version: v.version, min_version: v.min_version, updated: v.updated, links: [{ rel: 'self', href: versionHref(call, id) }] };
    }),
  };
}

/** `ViewBuilder.build_choices`: any other path of the versions app (300). */
function versionChoices(call: ComputeCall): unknown {
  return {
    choices: (Object.keys(VERSIONS) as VersionId[]).map((id) => ({
      id,
      status: VERSIONS[id].status,
      links: [{ rel: 'self', href: versionHref(call, id, call.path) }],
      'media-types': VERSIONS[id]['media-types'],
    })),
  };
}

/** `ViewBuilder.build_version`: one version's document, its `self` link first. */
function versionDocument(call: ComputeCall, id: VersionId): unknown {
  const v = VERSIONS[id];
  return { version: { ...v, links: [{ rel: 'self', href: `${call.base}/${id === 'v2.1' ? 'v2.1' : 'v2'}/` }, DESCRIBED_BY] } };
}

/** `VersionsV2.index` under `/v2.1`: microversioned (400 / 406 for a bad header, the headers echoed). */
function v21Document(call: ComputeCall): RestResponse {
  const v = novaVersion((name) => call.header(name));
  if (v instanceof NovaError) throw v;
  return json(200, versionDocument(call, 'v2.1'), versionHeaders(v));
}

/** The resources of the Compute API, each its routes below `/v2.1`. */
const RESOURCES: readonly (readonly NovaRouteSpec[])[] = [
  SERVER_ROUTES,
  METADATA_ROUTES,
  TAG_ROUTES,
  ACTION_ROUTES,
  VOLUME_ATTACHMENT_ROUTES,
  INTERFACE_ROUTES,
  FLAVOR_ROUTES,
  CONTRIB_ROUTES,
  MIGRATION_ROUTES,
  [
    // routes.py: ('/', GET version show) and ('/versions/{id}', GET version show), behind the token
    { method: 'GET', path: '/versions/{id}', handle: (r) => {
      if (r.param('id') !== 'v2.1' && r.param('id') !== 'v2.0') throw httpNotFound();
      return json(200, versionDocument(r.call, r.param('id') as VersionId));
    } },
  ],
];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Every spec under `/v2.1`, then, for each path, webob's 404 for the methods it lacks (the router matches no route: nova has no 405). */
function novaRoutes(specs: readonly NovaRouteSpec[]): ComputeRoute[] {
  const routes: ComputeRoute[] = specs.map((spec) => ({ method: spec.method, path: `/v2.1${spec.path}`, handle: novaHandler(spec) }));
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) (byPath.get(r.path) ?? byPath.set(r.path, new Set()).get(r.path) as Set<string>).add(r.method);
  for (const [path, methods] of byPath) {
    for (const method of METHODS) if (!methods.has(method)) routes.push({ method, path, handle: () => { throw routeNotFound(); } });
  }
  return routes;
}

/** The versions apps: `/` (200), any other public path (300), `/v2.1` and `/v2` documents, and webob's 404 behind the token below them. */
function versionRoutes(): ComputeRoute[] {
  const routes: ComputeRoute[] = [];
  for (const method of METHODS) {
    routes.push({ method, path: '/', public: true, handle: (call) => json(200, versionList(call)) });
    routes.push({ method, path: '/{rest+}', public: true, handle: (call) => json(300, versionChoices(call)) });
    for (const path of ['/v2.1', '/v2.1/']) routes.push({ method, path, public: true, handle: v21Document });
    for (const path of ['/v2', '/v2/']) routes.push({ method, path, public: true, handle: (call) => json(200, versionDocument(call, 'v2.0')) });
    routes.push({ method, path: '/v2.1/{rest+}', handle: () => { throw routeNotFound(); } });
    routes.push({ method, path: '/v2/{rest+}', handle: () => { throw routeNotFound(); } });
  }
  return routes;
}

/** Nova v2.1 over REST (`/compute`, DevStack's layout): routes, microversions, faults. */
export const computeRest: RestService<{ readonly compute: ComputeApi }, object> = {
  mount: '/compute',
  auth: 'token',
  microversion: { service: 'compute', min: MIN_VERSION, max: MAX_VERSION },
  requestIdHeaders: ['X-Compute-Request-Id'],
  routes: [...versionRoutes(), ...RESOURCES.flatMap(novaRoutes)],
  fault: novaFault,
};
