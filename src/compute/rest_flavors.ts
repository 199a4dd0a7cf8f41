/**
 * Flavors over REST (`nova/api/openstack/compute/flavors.py`, `flavor_manage.py`,
 * `flavor_access.py`, `flavors_extraspecs.py`, `views/flavors.py`): lists (`flavors_links`),
 * show, create (200), update (2.55), delete (202), `POST /flavors/{id}/action`
 * (`addTenantAccess`, `removeTenantAccess`: 200 with `flavor_access`), access lists and extra
 * specs, with the fields each microversion shows: `description` from 2.55, `extra_specs` from
 * 2.61, `swap` `""` for none below 2.75 and `0` from it.
 *
 * A path holds an id: `GET /flavors/m1.tiny` is nova's 404 even though the library also finds
 * flavors by name.
 */
import { empty, json, type RestResponse } from '../core/index.js';
import { notFound } from './errors.js';
import {
  type NovaAction,
  type NovaRequest,
  type NovaRouteSpec,
} from './rest_http.js';
import {
  collectionLinks,
  listQuery,
  omit,
  rejectKeys,
  relink,
  unwrap,
  wrapped,
} from './rest_params.js';

type View = Record<string, unknown>;

/** A flavor's detailed view at the microversion (`ViewBuilder.show`). */
function flavorAt(r: NovaRequest, view: Readonly<View>): View {
  const v = r.v;
  const out = omit(view, [...(v.atLeast('2.55') ? [] : ['description']), ...(v.atLeast('2.61') ? [] : ['extra_specs'])]);
  if (Object.hasOwn(out, 'swap')) out.swap = v.atLeast('2.75') ? (out.swap === '' ? 0 : out.swap) : out.swap === 0 ? '' : out.swap;
  return relink(r.call, out);
}

/** A flavor's summary (`ViewBuilder.basic`): `id`, `name`, `links`, `description` from 2.55. */
function summaryAt(r: NovaRequest, view: Readonly<View>): View {
  const out: View = { id: view.id, name: view.name, links: view.links };
  if (r.v.atLeast('2.55')) out.description = view.description ?? null;
  return relink(r.call, out);
}

/** The query `_get_flavors` reads. */
const LIST_QUERY = ['is_public', 'minRam', 'minDisk', 'sort_key', 'sort_dir', 'limit', 'marker'];

/** `GET /flavors` and `/flavors/detail`. */
function listFlavors(r: NovaRequest, detail: boolean): RestResponse {
  const api = r.api();
  const query = listQuery(r.call, r.v, LIST_QUERY);
  const items = detail ? api.listFlavors(query).map((f) => flavorAt(r, f as unknown as View)) : api.listFlavorSummaries(query).map((f) => summaryAt(r, f as unknown as View));
  const links = collectionLinks(r.call, detail ? 'flavors/detail' : 'flavors', items);
  return json(200, links.length > 0 ? { flavors: items, flavors_links: links } : { flavors: items });
}

/** The flavor of the path's id (never a name: `FlavorNotFound`). */
function flavorById(r: NovaRequest): View {
  const id = r.param('id');
  const view = r.api().getFlavor(id) as unknown as View;
  if (String(view.id) !== id) throw notFound('flavor', id);
  return view;
}

/** `POST /flavors` (admin): 200 with the flavor; `description` from 2.55. */
function createFlavor(r: NovaRequest): RestResponse {
  const flavor = unwrap(r.body, 'flavor');
  rejectKeys(flavor, 'flavor', r.v.atLeast('2.55') ? [] : ['description']);
  return json(200, { flavor: flavorAt(r, r.api().createFlavor(flavor) as unknown as View) });
}

/** `POST /flavors/{id}/action`: the tenant access actions (200 `{flavor_access}`). */
const FLAVOR_ACTIONS: Readonly<Record<string, NovaAction>> = {
  addTenantAccess: { handle: (r, id, value) => json(200, { flavor_access: r.api().addFlavorAccess(id, value as never) }) },
  removeTenantAccess: { handle: (r, id, value) => json(200, { flavor_access: r.api().removeFlavorAccess(id, value as never) }) },
};

/** Flavors, their access lists and extra specs. */
export const FLAVOR_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/flavors', handle: (r) => listFlavors(r, false) },
  { method: 'POST', path: '/flavors', handle: createFlavor },
  { method: 'GET', path: '/flavors/detail', handle: (r) => listFlavors(r, true) },
  { method: 'GET', path: '/flavors/{id}', handle: (r) => json(200, { flavor: flavorAt(r, flavorById(r)) }) },
  { method: 'PUT', path: '/flavors/{id}', since: '2.55', handle: (r) => json(200, { flavor: flavorAt(r, r.api().updateFlavor(r.param('id'), unwrap(r.body, 'flavor') as never) as unknown as View) }) },
  { method: 'DELETE', path: '/flavors/{id}', handle: (r) => (r.api().deleteFlavor(r.param('id')), empty(202)) },
  { method: 'POST', path: '/flavors/{id}/action', actions: FLAVOR_ACTIONS },
  { method: 'GET', path: '/flavors/{id}/os-flavor-access', handle: (r) => json(200, { flavor_access: r.api().listFlavorAccess(r.param('id')) }) },
  { method: 'GET', path: '/flavors/{id}/os-extra_specs', handle: (r) => json(200, { extra_specs: r.api().listFlavorExtraSpecs(r.param('id')) }) },
  {
    method: 'POST',
    path: '/flavors/{id}/os-extra_specs',
    handle: (r) => json(200, { extra_specs: r.api().createFlavorExtraSpecs(r.param('id'), { extra_specs: wrapped(r.body, 'extra_specs').extra_specs } as never) }),
  },
  { method: 'GET', path: '/flavors/{id}/os-extra_specs/{key}', handle: (r) => json(200, r.api().getFlavorExtraSpec(r.param('id'), r.param('key'))) },
  {
    method: 'PUT',
    path: '/flavors/{id}/os-extra_specs/{key}',
    handle: (r) => json(200, r.api().updateFlavorExtraSpec(r.param('id'), r.param('key'), (r.body.present ? r.body.value : null) as never)),
  },
  { method: 'DELETE', path: '/flavors/{id}/os-extra_specs/{key}', handle: (r) => (r.api().deleteFlavorExtraSpec(r.param('id'), r.param('key')), { status: 200 }) },
];
