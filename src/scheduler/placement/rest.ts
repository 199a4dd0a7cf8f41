/**
 * Placement over REST (openstack-placement 8.0.0, Zed), mounted at `/placement` as DevStack does:
 * version discovery at the root, microversions 1.0 – 1.39 (`OpenStack-API-Version: placement 1.x`),
 * every route of `placement/handler.py`'s `ROUTE_DECLARATIONS` that `session.placement` answers,
 * each microversion's shape where Zed's differs, and Placement's fault body
 * `{"errors": [{status, title, detail, code (1.23), request_id}]}` (`placement/util.py`'s
 * `json_error_formatter`).
 *
 * Not simulated: `POST /reshaper` (1.30), renaming a resource class (`PUT /resource_classes/{name}`
 * with a body, 1.2 – 1.6), granular request groups, `root_required` and `same_subtree` on
 * `GET /allocation_candidates` (a 400 naming the parameter). `Last-Modified` (1.15) is the cloud's
 * clock: rows keep no timestamps. A provider path segment may also be a provider's name (Placement
 * takes only its uuid).
 */
import { CloudError, type RestResponse, type RestService } from '../../core/index.js';
import { PLACEMENT_ERRORS } from './store.js';
import type { PlacementApi, ResourceProviderView } from './api.js';
import { ALLOCATION_ROUTES } from './rest_allocations.js';
import {
  MAX,
  MIN,
  answer,
  at,
  badRequest,
  bodyObject,
  memberOf,
  requiredTraits,
  resourcesParam,
  describe,
  cacheHeaders,
  onlyKeys,
  onlyParams,
  placement,
  providerRef,
  placementFault,
  required,
  root,
  since,
  type PlacementCall,
  type PlacementRestSession,
  type PlacementRoute,
} from './rest_common.js';

// ---------------------------------------------------------------- root

/** `GET /placement/`: the version document (placement/handlers/root.py); no token needed. */
function home(call: PlacementCall): RestResponse {
  return answer(call, 200, { versions: [{ id: `v${MIN}`, max_version: MAX, min_version: MIN, status: 'CURRENT', links: [{ rel: 'self', href: '' }] }] });
}

// ---------------------------------------------------------------- resource providers

/** A provider as `_serialize_provider` shows it at the request's microversion. */
export function providerBody(call: PlacementCall, rp: ResourceProviderView): Record<string, unknown> {
  const url = `${root(call)}/resource_providers/${rp.uuid}`;
  const rels = ['inventories', 'usages'];
  if (at(call, '1.1')) rels.push('aggregates');
  if (at(call, '1.6')) rels.push('traits');
  if (at(call, '1.11')) rels.push('allocations');
  const out: Record<string, unknown> = {
    uuid: rp.uuid,
    name: rp.name,
    generation: rp.generation,
    links: [{ rel: 'self', href: url }, ...rels.map((rel) => ({ rel, href: `${url}/${rel}` }))],
  };
  if (at(call, '1.14')) {
    out.parent_provider_uuid = rp.parent_provider_uuid;
    out.root_provider_uuid = rp.root_provider_uuid;
  }
  return out;
}

function listProviders(call: PlacementCall): RestResponse {
  const allowed = ['name', 'uuid'];
  if (at(call, '1.3')) allowed.push('member_of');
  if (at(call, '1.4')) allowed.push('resources');
  if (at(call, '1.14')) allowed.push('in_tree');
  if (at(call, '1.18')) allowed.push('required');
  const p = placement(call);
  onlyParams(call, allowed);
  const q = call.query;
  const filter: Parameters<PlacementApi['listResourceProviders']>[0] = {
    ...(q.has('name') ? { name: q.get('name') as string } : {}),
    ...(q.has('uuid') ? { uuid: q.get('uuid') as string } : {}),
    ...(q.has('in_tree') ? { in_tree: (q.get('in_tree') as string).trim() } : {}),
    ...(q.has('resources') ? { resources: resourcesParam(q.get('resources') as string) } : {}),
  };
  const aggs = memberOf(call);
  const traits = requiredTraits(call);
  const rps = p.listResourceProviders({ ...filter, ...(aggs !== undefined ? { member_of: aggs } : {}), ...(traits !== undefined ? { required: traits } : {}) });
  return answer(call, 200, { resource_providers: rps.map((rp) => providerBody(call, rp)) });
}

function createProvider(call: PlacementCall): RestResponse {
  call.enforce('placement:resource_providers:create'); // context.can before extract_json, as Placement's handler
  const p = placement(call);
  const body = bodyObject(call);
  onlyKeys(body, at(call, '1.14') ? ['name', 'uuid', 'parent_provider_uuid'] : ['name', 'uuid']);
  required(body, ['name']);
  const rp = p.createResourceProvider(body as Parameters<PlacementApi['createResourceProvider']>[0]);
  const location = `${call.base}/resource_providers/${rp.uuid}`;
  if (at(call, '1.20')) return answer(call, 200, providerBody(call, rp), { Location: location });
  return { status: 201, headers: { Location: location } };
}

function showProvider(call: PlacementCall): RestResponse {
  return answer(call, 200, providerBody(call, placement(call).getResourceProvider(providerRef(call))));
}

function updateProvider(call: PlacementCall): RestResponse {
  call.enforce('placement:resource_providers:update'); // context.can before extract_json, as Placement's handler
  const p = placement(call);
  const body = bodyObject(call);
  onlyKeys(body, at(call, '1.14') ? ['name', 'parent_provider_uuid'] : ['name']);
  required(body, ['name']);
  const rp = p.updateResourceProvider(providerRef(call), body as Parameters<PlacementApi['updateResourceProvider']>[1]);
  return answer(call, 200, providerBody(call, rp));
}

function deleteProvider(call: PlacementCall): RestResponse {
  placement(call).deleteResourceProvider(providerRef(call));
  return { status: 204 };
}

// ---------------------------------------------------------------- inventories

const INVENTORY_FIELDS = ['total', 'reserved', 'min_unit', 'max_unit', 'step_size', 'allocation_ratio'] as const;

function inventoryFields(inv: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of INVENTORY_FIELDS) out[f] = inv[f];
  return out;
}

/** One inventory as `_serialize_inventory` shows it (the generation only when it is not 0, as Placement's `if generation:`). */
function inventoryBody(inv: Readonly<Record<string, unknown>> & { readonly resource_provider_generation: number }): Record<string, unknown> {
  const out = inventoryFields(inv);
  if (inv.resource_provider_generation) out.resource_provider_generation = inv.resource_provider_generation;
  return out;
}

/**
 * Before 1.26 an inventory whose capacity `(total − reserved) × allocation_ratio` is not positive is
 * refused (`InvalidInventoryCapacity`); from 1.26 `reserved` may equal `total`.
 */
function checkCapacity(call: PlacementCall, rp: string, rc: string, inv: unknown): void {
  if (at(call, '1.26') || inv === null || typeof inv !== 'object') return;
  const i = inv as Record<string, unknown>;
  const total = i.total;
  const reserved = i.reserved ?? 0;
  const ratio = i.allocation_ratio ?? 1;
  if (typeof total !== 'number' || typeof reserved !== 'number' || typeof ratio !== 'number') return;
  if ((total - reserved) * ratio <= 0) {
    throw badRequest(`Unable to update inventory for resource provider ${rp}: Invalid inventory for '${rc}' on resource provider '${rp}'. The reserved value is greater than or equal to total.`, `inventories.${rc}`);
  }
}

function getInventories(call: PlacementCall): RestResponse {
  return answer(call, 200, inventoriesBody(placement(call).getInventories(providerRef(call))));
}

/** `{resource_provider_generation, inventories}` with each inventory's fields as Placement serialises them. */
function inventoriesBody(inv: ReturnType<PlacementApi['getInventories']>): Record<string, unknown> {
  const inventories: Record<string, unknown> = {};
  for (const [rc, i] of Object.entries(inv.inventories)) inventories[rc] = inventoryFields(i as unknown as Record<string, unknown>);
  return { resource_provider_generation: inv.resource_provider_generation, inventories };
}

function setInventories(call: PlacementCall): RestResponse {
  call.enforce('placement:resource_providers:inventories:update'); // context.can before extract_json, as Placement's handler
  const p = placement(call);
  const body = bodyObject(call);
  required(body, ['resource_provider_generation', 'inventories']);
  const invs = body.inventories;
  if (invs !== null && typeof invs === 'object' && !Array.isArray(invs)) {
    for (const [rc, inv] of Object.entries(invs)) checkCapacity(call, call.params.uuid as string, rc, inv);
  }
  return answer(call, 200, inventoriesBody(p.setInventories(providerRef(call), body as Parameters<PlacementApi['setInventories']>[1])));
}

function createInventory(call: PlacementCall): RestResponse {
  call.enforce('placement:resource_providers:inventories:create'); // context.can before extract_json, as Placement's handler
  const p = placement(call);
  const body = bodyObject(call);
  required(body, ['resource_class', 'total']);
  checkCapacity(call, call.params.uuid as string, String(body.resource_class), body);
  const inv = p.createInventory(providerRef(call), body as Parameters<PlacementApi['createInventory']>[1]);
  return answer(call, 201, inventoryBody(inv), { Location: `${call.base}/resource_providers/${call.params.uuid as string}/inventories/${String(body.resource_class)}` });
}

function deleteInventories(call: PlacementCall): RestResponse {
  since(call, '1.5', 405);
  placement(call).deleteInventories(providerRef(call));
  return { status: 204 };
}

function getInventory(call: PlacementCall): RestResponse {
  return answer(call, 200, inventoryBody(placement(call).getInventory(providerRef(call), call.params.resource_class as string)));
}

function updateInventory(call: PlacementCall): RestResponse {
  call.enforce('placement:resource_providers:inventories:update'); // context.can before extract_json, as Placement's handler
  const p = placement(call);
  const body = bodyObject(call);
  required(body, ['resource_provider_generation', 'total']);
  checkCapacity(call, call.params.uuid as string, call.params.resource_class as string, body);
  const inv = p.setInventory(providerRef(call), call.params.resource_class as string, body as Parameters<PlacementApi['setInventory']>[2]);
  return answer(call, 200, inventoryBody(inv));
}

/** `DELETE …/inventories/{rc}`: an inventory in use is a 409 coded `placement.concurrent_update`, as Placement's `delete_inventory` codes it. */
function deleteInventory(call: PlacementCall): RestResponse {
  try {
    placement(call).deleteInventory(providerRef(call), call.params.resource_class as string);
  } catch (e) {
    if (e instanceof CloudError && e.code === PLACEMENT_ERRORS.INVENTORY_INUSE) {
      const again = new CloudError(409, PLACEMENT_ERRORS.CONCURRENT_UPDATE, `Unable to delete inventory of class ${call.params.resource_class as string}: ${e.message}`, e.details);
      if (e.requestId !== undefined) again.requestId = e.requestId;
      throw again;
    }
    throw e;
  }
  return { status: 204 };
}

// ---------------------------------------------------------------- usages

function providerUsages(call: PlacementCall): RestResponse {
  const u = placement(call).getProviderUsages(providerRef(call));
  return answer(call, 200, { resource_provider_generation: u.resource_provider_generation, usages: u.usages });
}

function totalUsages(call: PlacementCall): RestResponse {
  since(call, '1.9');
  const p = placement(call);
  const byType = at(call, '1.38');
  onlyParams(call, byType ? ['project_id', 'user_id', 'consumer_type'] : ['project_id', 'user_id']);
  const projectId = call.query.get('project_id');
  if (projectId === undefined) throw badRequest("Invalid query string parameters: 'project_id' is a required property", 'project_id');
  const userId = call.query.get('user_id');
  const consumerType = call.query.get('consumer_type');
  const filter = { ...(userId !== undefined ? { user_id: userId } : {}) };
  if (byType) return answer(call, 200, p.getUsagesByConsumerType(projectId, { ...filter, ...(consumerType !== undefined ? { consumer_type: consumerType } : {}) }));
  return answer(call, 200, p.getUsages(projectId, filter));
}

// ---------------------------------------------------------------- aggregates

function getAggregates(call: PlacementCall): RestResponse {
  since(call, '1.1');
  const a = placement(call).getProviderAggregates(providerRef(call));
  return answer(call, 200, at(call, '1.19') ? { aggregates: a.aggregates, resource_provider_generation: a.resource_provider_generation } : { aggregates: a.aggregates });
}

function setAggregates(call: PlacementCall): RestResponse {
  since(call, '1.1');
  call.enforce('placement:resource_providers:aggregates:update'); // context.can before extract_json, as Placement's handler
  const p = placement(call);
  const withGeneration = at(call, '1.19');
  const body = call.json();
  let request: Parameters<PlacementApi['setProviderAggregates']>[1];
  if (withGeneration) {
    const b = bodyObject(call);
    onlyKeys(b, ['aggregates', 'resource_provider_generation']);
    required(b, ['aggregates', 'resource_provider_generation']);
    request = b as typeof request;
  } else {
    if (!Array.isArray(body)) throw badRequest(`JSON does not validate: ${describe(body)} is not of type 'array'`, 'body');
    request = { aggregates: body as string[] };
  }
  const a = p.setProviderAggregates(providerRef(call), request);
  return answer(call, 200, withGeneration ? { aggregates: a.aggregates, resource_provider_generation: a.resource_provider_generation } : { aggregates: a.aggregates });
}

// ---------------------------------------------------------------- traits

function listTraits(call: PlacementCall): RestResponse {
  since(call, '1.6');
  const p = placement(call);
  onlyParams(call, ['name', 'associated']);
  const filter: Parameters<PlacementApi['listTraits']>[0] & Record<string, unknown> = {};
  const name = call.query.get('name');
  if (name !== undefined) {
    if (name.startsWith('in:')) filter.name_in = name.slice(3).split(',');
    else if (name.startsWith('startswith:')) filter.startswith = name.slice('startswith:'.length);
    else throw badRequest(`Badly formatted name parameter. Expected name query string parameter in form: ?name=[in|startswith]:[name1,name2|prefix]. Got: "${name.slice(0, 100)}"`, 'name');
  }
  const associated = call.query.get('associated');
  if (associated !== undefined) {
    if (!['true', 'false'].includes(associated.toLowerCase())) throw badRequest('The query parameter "associated" only accepts "true" or "false"', 'associated');
    filter.associated = associated.toLowerCase() === 'true';
  }
  return answer(call, 200, { traits: p.listTraits(filter) });
}

function showTrait(call: PlacementCall): RestResponse {
  since(call, '1.6');
  placement(call).getTrait(call.params.name as string);
  return { status: 204, headers: cacheHeaders(call) };
}

function putTrait(call: PlacementCall): RestResponse {
  since(call, '1.6');
  const name = call.params.name as string;
  const created = placement(call).createTrait(name);
  return { status: created ? 201 : 204, headers: { ...cacheHeaders(call), Location: `${call.base}/traits/${name}` } };
}

function deleteTrait(call: PlacementCall): RestResponse {
  since(call, '1.6');
  placement(call).deleteTrait(call.params.name as string);
  return { status: 204 };
}

function providerTraits(call: PlacementCall): RestResponse {
  since(call, '1.6');
  const t = placement(call).getProviderTraits(providerRef(call));
  return answer(call, 200, { traits: t.traits, resource_provider_generation: t.resource_provider_generation });
}

function setProviderTraits(call: PlacementCall): RestResponse {
  since(call, '1.6');
  call.enforce('placement:resource_providers:traits:update'); // context.can before extract_json, as Placement's handler
  const p = placement(call);
  const body = bodyObject(call);
  onlyKeys(body, ['traits', 'resource_provider_generation']);
  required(body, ['traits', 'resource_provider_generation']);
  const t = p.setProviderTraits(providerRef(call), body as Parameters<PlacementApi['setProviderTraits']>[1]);
  return answer(call, 200, { traits: t.traits, resource_provider_generation: t.resource_provider_generation });
}

function deleteProviderTraits(call: PlacementCall): RestResponse {
  since(call, '1.6');
  placement(call).deleteProviderTraits(providerRef(call));
  return { status: 204 };
}

// ---------------------------------------------------------------- resource classes

function classBody(call: PlacementCall, name: string): Record<string, unknown> {
  return { name, links: [{ rel: 'self', href: `${root(call)}/resource_classes/${name}` }] };
}

function listClasses(call: PlacementCall): RestResponse {
  since(call, '1.2');
  return answer(call, 200, { resource_classes: placement(call).listResourceClasses().map((name) => classBody(call, name)) });
}

function createClass(call: PlacementCall): RestResponse {
  since(call, '1.2');
  call.enforce('placement:resource_classes:create'); // context.can before extract_json, as Placement's handler
  const p = placement(call);
  const body = bodyObject(call);
  onlyKeys(body, ['name']);
  required(body, ['name']);
  p.createResourceClass(body.name as string);
  return { status: 201, headers: { Location: `${call.base}/resource_classes/${String(body.name)}` } };
}

function showClass(call: PlacementCall): RestResponse {
  since(call, '1.2');
  return answer(call, 200, classBody(call, placement(call).getResourceClass(call.params.name as string).name));
}

function putClass(call: PlacementCall): RestResponse {
  since(call, '1.2');
  const name = call.params.name as string;
  if (!at(call, '1.7')) {
    placement(call).getResourceClass(name);
    throw badRequest('Renaming a resource class (PUT /resource_classes/{name} with a body, microversions 1.2 - 1.6) is not simulated; use microversion 1.7 or later to create a custom class.', 'name');
  }
  const created = placement(call).ensureResourceClass(name);
  return { status: created ? 201 : 204, headers: { Location: `${call.base}/resource_classes/${name}` } };
}

function deleteClass(call: PlacementCall): RestResponse {
  since(call, '1.2');
  placement(call).deleteResourceClass(call.params.name as string);
  return { status: 204 };
}

// ---------------------------------------------------------------- the service

const route = (method: PlacementRoute['method'], path: string, handle: (call: PlacementCall) => RestResponse): PlacementRoute => ({ method, path, handle });

/** Placement's REST part: `rest` of the scheduler's service descriptor. */
export const PLACEMENT_REST: RestService<PlacementRestSession, object> = {
  mount: '/placement',
  auth: 'token',
  microversion: { service: 'placement', min: MIN, max: MAX },
  fault: placementFault,
  routes: [
    { ...route('GET', '/', home), public: true }, // root.py: the version document needs no token (placement/auth.py's NoAuth for '/')
    route('GET', '/resource_providers', listProviders),
    route('POST', '/resource_providers', createProvider),
    route('GET', '/resource_providers/{uuid}', showProvider),
    route('PUT', '/resource_providers/{uuid}', updateProvider),
    route('DELETE', '/resource_providers/{uuid}', deleteProvider),
    route('GET', '/resource_providers/{uuid}/inventories', getInventories),
    route('POST', '/resource_providers/{uuid}/inventories', createInventory),
    route('PUT', '/resource_providers/{uuid}/inventories', setInventories),
    route('DELETE', '/resource_providers/{uuid}/inventories', deleteInventories),
    route('GET', '/resource_providers/{uuid}/inventories/{resource_class}', getInventory),
    route('PUT', '/resource_providers/{uuid}/inventories/{resource_class}', updateInventory),
    route('DELETE', '/resource_providers/{uuid}/inventories/{resource_class}', deleteInventory),
    route('GET', '/resource_providers/{uuid}/usages', providerUsages),
    route('GET', '/resource_providers/{uuid}/aggregates', getAggregates),
    route('PUT', '/resource_providers/{uuid}/aggregates', setAggregates),
    route('GET', '/resource_providers/{uuid}/traits', providerTraits),
    route('PUT', '/resource_providers/{uuid}/traits', setProviderTraits),
    route('DELETE', '/resource_providers/{uuid}/traits', deleteProviderTraits),
    route('GET', '/usages', totalUsages),
    route('GET', '/traits', listTraits),
    route('GET', '/traits/{name}', showTrait),
    route('PUT', '/traits/{name}', putTrait),
    route('DELETE', '/traits/{name}', deleteTrait),
    route('GET', '/resource_classes', listClasses),
    route('POST', '/resource_classes', createClass),
    route('GET', '/resource_classes/{name}', showClass),
    route('PUT', '/resource_classes/{name}', putClass),
    route('DELETE', '/resource_classes/{name}', deleteClass),
    ...ALLOCATION_ROUTES,
  ],
};

