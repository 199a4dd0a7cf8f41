/**
 * Cinder's Block Storage API v3 over REST, mounted at `/volume` as DevStack serves it
 * (`http://controller/volume/v3/%(project_id)s` in the catalog), behind keystonemiddleware, with
 * microversions 3.0–3.70 (`OpenStack-API-Version: volume 3.x`, echoed on every answer).
 *
 * - `/` is Cinder's versions app (`cinder/api/versions.py` `VersionsController.all`: 300 with
 *   the version list, any method), which `api-paste.ini` serves without `authtoken`: public.
 * - `/v3/` is the v3 router's `index` (the same list, 200) and `/v3` its redirect to it (302);
 *   they sit behind `authtoken` in the `openstack_volume_api_v3` pipeline, as every `/v3` path.
 * - Every resource route is connected twice, as `ProjectMapper.resource` does: under
 *   `/v3/{project_id}/…` and, without it, under `/v3/…` (what 3.67 announces; Cinder's router
 *   answers both at every microversion). A `{project_id}` that is not the token's project is
 *   400 "Malformed request url" (`rest_http.ts`).
 * - A path no route answers, or a method a path lacks, is webob's 404 (Cinder's router has no
 *   405); unknown paths under `/v3` need a token first.
 *
 * The routes are a table of resources (`RESOURCES`): each gives its routes below
 * `/v3/{project_id}` as {@link CinderRouteSpec}s, and `cinderRoutes` connects them with Cinder's
 * request handling (the microversion header, the body, the action, the project id, the
 * microversion a method needs). Bodies, faults, lists and links: `rest_http.ts`; volumes:
 * `rest_volumes.ts` and `rest_volume_actions.ts` (metadata, the other actions); snapshots:
 * `rest_snapshots.ts`; backups: `rest_backups.ts`; attachments and transfers:
 * `rest_attachments.ts`; types and QoS specs: `rest_types.ts`; quota sets, limits, pools,
 * services and zones: `rest_contrib.ts`.
 */
import { json, type RestResponse, type RestService } from '../core/index.js';
import type { BlockApi } from './api.js';
import {
  MAX_VERSION,
  MIN_VERSION,
  VERSION_UPDATED,
  actionName,
  checkProject,
  checkProjectSegment,
  cinderFault,
  httpBadRequest,
  httpNotFound,
  mv,
  readBody,
  routeNotFound,
  versionHeaderError,
  type BlockCall,
  type BlockRoute,
  type CinderRouteSpec,
} from './rest_http.js';
import { ATTACHMENT_ROUTES, TRANSFER_ROUTES } from './rest_attachments.js';
import { BACKUP_ROUTES } from './rest_backups.js';
import { CONTRIB_ROUTES } from './rest_contrib.js';
import { SNAPSHOT_ROUTES } from './rest_snapshots.js';
import { QOS_ROUTES, TYPE_ROUTES } from './rest_types.js';
import { VOLUME_METADATA_ROUTES } from './rest_volume_actions.js';
import { VOLUME_ROUTES } from './rest_volumes.js';

/** The resources the Block Storage API answers, each its routes below `/v3/{project_id}`. */
const RESOURCES: readonly (readonly CinderRouteSpec[])[] = [
  VOLUME_ROUTES,
  VOLUME_METADATA_ROUTES,
  SNAPSHOT_ROUTES,
  BACKUP_ROUTES,
  ATTACHMENT_ROUTES,
  TRANSFER_ROUTES,
  TYPE_ROUTES,
  QOS_ROUTES,
  CONTRIB_ROUTES,
];

/** `_KNOWN_VERSIONS` as `ViewBuilder.build_versions` shows it: links to this server's `/v3/`. */
function versionList(call: BlockCall): unknown {
  return {
    versions: [
      {
        id: 'v3.0',
        status: 'CURRENT',
        version: MAX_VERSION,
        min_version: MIN_VERSION,
        updated: VERSION_UPDATED,
        links: [
          { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
          { rel: 'self', href: `${call.base}/v3/` },
        ],
        'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
      },
    ],
  };
}

/**
 * `Resource.__call__` and `_process_stack` around a controller method, in Cinder's order: the
 * microversion header, the body (415, 400), the action its one key names, the URL's project id,
 * the microversion the method needs (`VersionNotFoundForAPIMethod`: 404 below it), a body given to
 * a method that takes none (the controller's `TypeError`: 400).
 */
function cinderHandler(spec: CinderRouteSpec): (call: BlockCall) => RestResponse {
  const takesBody = spec.body ?? (spec.method === 'GET' || spec.method === 'DELETE' ? 'none' : 'json');
  return (call) => {
    checkProjectSegment(call);
    const header = versionHeaderError(call.header('OpenStack-API-Version'));
    if (header !== undefined) throw header;
    const body = readBody(call);
    const actions = spec.actions;
    const action = actions === undefined ? undefined : actionName(call, body, (name) => Object.hasOwn(actions, name));
    checkProject(call);
    if (spec.since !== undefined && !mv(call).atLeast(spec.since)) throw httpNotFound();
    if (takesBody === 'none' && body.present) throw httpBadRequest();
    if (actions !== undefined && action !== undefined) {
      const chosen = actions[action] as NonNullable<typeof actions[string]>;
      if (chosen.since !== undefined && !mv(call).atLeast(chosen.since)) throw httpNotFound();
      return chosen.handle(call, call.params.id as string, (body as { value: Record<string, unknown> }).value[action]);
    }
    if (spec.handle === undefined) throw httpNotFound();
    return spec.handle(call, body);
  };
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Every spec under `/v3/{project_id}` and `/v3`, then, for each path, webob's 404 for the
 * methods it lacks (the router matches no route: Cinder has no 405, and HEAD is no GET there).
 */
function cinderRoutes(specs: readonly CinderRouteSpec[]): BlockRoute[] {
  const routes: BlockRoute[] = [];
  for (const spec of specs) {
    const handle = cinderHandler(spec);
    for (const prefix of ['/v3/{project_id}', '/v3']) routes.push({ method: spec.method, path: `${prefix}${spec.path}`, handle });
  }
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) (byPath.get(r.path) ?? byPath.set(r.path, new Set()).get(r.path) as Set<string>).add(r.method);
  for (const [path, methods] of byPath) {
    for (const method of METHODS) {
      if (!methods.has(method)) routes.push({ method, path, handle: () => { throw routeNotFound(); } });
    }
  }
  return routes;
}

/** The version routes: `/` (public, 300, any method), `/v3/` (200, any method), `/v3` (302 to `/v3/`). */
function versionRoutes(): BlockRoute[] {
  const routes: BlockRoute[] = [];
  const guard = (call: BlockCall): void => {
    const header = versionHeaderError(call.header('OpenStack-API-Version'));
    if (header !== undefined) throw header;
    if (readBody(call).present) throw httpBadRequest();
  };
  for (const method of METHODS) {
    routes.push({ method, path: '/', public: true, handle: (call) => (guard(call), json(300, versionList(call))) });
    routes.push({ method, path: '/v3/', handle: (call) => (guard(call), json(200, versionList(call))) });
    routes.push({ method, path: '/v3', handle: (call) => ({ status: 302, headers: { Location: `${call.base.slice(call.origin.length)}/v3/`, 'Content-Type': 'text/plain; charset=utf8' } }) });
    // no route: webob's 404, after the token under /v3 (authtoken stands in front of the v3 router)
    routes.push({ method, path: '/{rest+}', public: true, handle: () => { throw routeNotFound(); } });
    routes.push({ method, path: '/v3/{rest+}', handle: () => { throw routeNotFound(); } });
  }
  return routes;
}

/** Cinder v3 over REST (`/volume`, DevStack's layout): routes, microversions, faults. */
export const blockRest: RestService<{ readonly block: BlockApi }, object> = {
  mount: '/volume',
  auth: 'token',
  microversion: { service: 'volume', min: MIN_VERSION, max: MAX_VERSION },
  routes: [...versionRoutes(), ...RESOURCES.flatMap(cinderRoutes)],
  fault: cinderFault,
};
