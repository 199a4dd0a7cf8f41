/**
 * Placement's allocation routes over REST (placement/handlers/allocation.py and
 * allocation_candidate.py): `/allocations/{consumer_uuid}` (the list body before 1.12, the dict
 * body from 1.12, `project_id` / `user_id` from 1.8, `consumer_generation` from 1.28,
 * `consumer_type` from 1.38), `POST /allocations` (1.13), `/resource_providers/{uuid}/allocations`
 * and `GET /allocation_candidates` (1.10) in each microversion's shape (1.12 dict requests, 1.17
 * traits, 1.27 every class of a provider, 1.29 parent and root, 1.34 mappings).
 *
 * Not simulated: granular request groups (`resources1=…`), `group_policy` with them,
 * `root_required`, `same_subtree` (a 400 naming the parameter).
 */
import { NotFound, type RestResponse } from '../../core/index.js';
import { PLACEMENT_ERRORS } from './store.js';
import type { AllocationsRequest } from './api.js';
import type { CandidateQuery } from './candidates.js';
import {
  answer,
  at,
  badRequest,
  bodyObject,
  describe,
  memberOf,
  onlyKeys,
  placement,
  providerRef,
  required,
  requiredTraits,
  resourcesParam,
  since,
  type PlacementCall,
  type PlacementRoute,
} from './rest_common.js';

/** `[placement] incomplete_consumer_project_id` / `_user_id`: who holds allocations made before 1.8 without them. */
const INCOMPLETE_CONSUMER = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

// ---------------------------------------------------------------- reading allocations

function consumerAllocations(call: PlacementCall): RestResponse {
  const a = placement(call).getAllocations(call.params.consumer_uuid as string);
  const allocations: Record<string, unknown> = {};
  for (const [rp, held] of Object.entries(a.allocations)) allocations[rp] = { resources: held.resources, generation: held.generation };
  const out: Record<string, unknown> = { allocations };
  if (Object.keys(allocations).length > 0 && at(call, '1.12') && a.project_id !== undefined) {
    out.project_id = a.project_id;
    out.user_id = a.user_id;
    if (at(call, '1.28')) out.consumer_generation = a.consumer_generation;
    if (at(call, '1.38')) out.consumer_type = a.consumer_type;
  }
  return answer(call, 200, out);
}

function providerAllocations(call: PlacementCall): RestResponse {
  const a = placement(call).getProviderAllocations(providerRef(call));
  const withGeneration = at(call, '1.28');
  const allocations: Record<string, unknown> = {};
  for (const [consumer, held] of Object.entries(a.allocations)) {
    allocations[consumer] = withGeneration ? { resources: held.resources, consumer_generation: held.consumer_generation } : { resources: held.resources };
  }
  return answer(call, 200, { allocations, resource_provider_generation: a.resource_provider_generation });
}

// ---------------------------------------------------------------- writing allocations

/**
 * A consumer's generation now (null when it holds nothing): what a request before 1.28, which
 * Placement does not compare, amounts to. Read under `placement:allocations:list`, which every
 * caller allowed to write allocations also has.
 */
function currentGeneration(call: PlacementCall, consumer: string): number | null {
  if (!UUID.test(consumer)) return null;
  return placement(call).getAllocations(consumer).consumer_generation ?? null;
}

/** The keys one consumer's allocation body may have at the request's microversion. */
function consumerKeys(call: PlacementCall, post: boolean): string[] {
  const keys = ['allocations'];
  if (post || at(call, '1.8')) keys.push('project_id', 'user_id');
  if (at(call, '1.28')) keys.push('consumer_generation');
  if (at(call, '1.34')) keys.push('mappings');
  if (at(call, '1.38')) keys.push('consumer_type');
  return keys;
}

/**
 * One consumer's allocation body at the request's microversion, as the session takes it. Before
 * 1.12 `allocations` is a list of `{resource_provider: {uuid}, resources}`; from 1.12 a dict by
 * provider uuid. `mappings` (1.34) is accepted and not kept, as Placement does not store it.
 */
function consumerRequest(call: PlacementCall, consumer: string, input: unknown, where: string, post: boolean): AllocationsRequest {
  if (!isObject(input)) throw badRequest(`JSON does not validate: ${describe(input)} is not of type 'object'`, where);
  onlyKeys(input, consumerKeys(call, post), where);
  const need = ['allocations'];
  if (post || at(call, '1.8')) need.push('project_id', 'user_id');
  if (at(call, '1.28')) need.push('consumer_generation');
  if (at(call, '1.38')) need.push('consumer_type');
  required(input, need, where);
  let allocations: unknown = input.allocations;
  if (!at(call, '1.12')) {
    if (!Array.isArray(allocations)) throw badRequest(`JSON does not validate: ${describe(allocations)} is not of type 'array'`, `${where}.allocations`);
    if (allocations.length === 0) throw badRequest('JSON does not validate: [] is too short', `${where}.allocations`);
    const dict: Record<string, unknown> = {};
    allocations.forEach((entry, i) => {
      if (!isObject(entry)) throw badRequest(`JSON does not validate: ${describe(entry)} is not of type 'object'`, `${where}.allocations.${i}`);
      onlyKeys(entry, ['resource_provider', 'resources'], `${where}.allocations.${i}`);
      required(entry, ['resource_provider', 'resources'], `${where}.allocations.${i}`);
      const rp = entry.resource_provider;
      if (!isObject(rp) || typeof rp.uuid !== 'string') throw badRequest("JSON does not validate: 'uuid' is a required property", `${where}.allocations.${i}.resource_provider.uuid`);
      dict[rp.uuid] = { resources: entry.resources };
    });
    allocations = dict;
  } else {
    if (!isObject(allocations)) throw badRequest(`JSON does not validate: ${describe(allocations)} is not of type 'object'`, `${where}.allocations`);
    if (Object.keys(allocations).length === 0 && !post && !at(call, '1.28')) throw badRequest('JSON does not validate: {} does not have enough properties', `${where}.allocations`);
    for (const rp of Object.keys(allocations)) {
      if (!UUID.test(rp)) throw badRequest(`JSON does not validate: '${rp.slice(0, 64)}' does not match any of the regexes`, `${where}.allocations`);
    }
  }
  const out: Record<string, unknown> = {
    allocations,
    project_id: input.project_id ?? INCOMPLETE_CONSUMER,
    user_id: input.user_id ?? INCOMPLETE_CONSUMER,
  };
  // before 1.28 Placement does not compare generations: the session's 1.28 API is given the current one
  out.consumer_generation = Object.hasOwn(input, 'consumer_generation') ? input.consumer_generation : currentGeneration(call, consumer);
  if (Object.hasOwn(input, 'consumer_type')) out.consumer_type = input.consumer_type;
  return out as unknown as AllocationsRequest;
}

function putConsumerAllocations(call: PlacementCall): RestResponse {
  call.enforce('placement:allocations:update'); // _set_allocations_for_consumer: context.can before the uuid and the body
  const p = placement(call);
  const consumer = call.params.consumer_uuid as string;
  if (!UUID.test(consumer)) throw badRequest(`Malformed consumer_uuid: ${consumer.slice(0, 64)}`, 'consumer_uuid');
  p.putAllocations(consumer, consumerRequest(call, consumer, call.json(), 'body', false));
  return { status: 204 };
}

function postAllocations(call: PlacementCall): RestResponse {
  since(call, '1.13');
  call.enforce('placement:allocations:manage'); // set_allocations: context.can before extract_json
  const p = placement(call);
  const body = bodyObject(call);
  if (Object.keys(body).length === 0) throw badRequest('JSON does not validate: {} does not have enough properties', 'body');
  const requests: Record<string, AllocationsRequest> = {};
  for (const [consumer, entry] of Object.entries(body)) {
    if (!UUID.test(consumer)) throw badRequest(`JSON does not validate: Additional properties are not allowed ('${consumer.slice(0, 64)}' was unexpected)`, `body.${consumer.slice(0, 64)}`);
    requests[consumer] = consumerRequest(call, consumer, entry, `body.${consumer}`, true);
  }
  p.postAllocations(requests);
  return { status: 204 };
}

function deleteConsumerAllocations(call: PlacementCall): RestResponse {
  const consumer = call.params.consumer_uuid as string;
  try {
    placement(call).deleteAllocations(consumer);
  } catch (e) {
    // Placement's own words for a consumer holding nothing
    if (!(e instanceof NotFound)) throw e;
    const again = new NotFound(PLACEMENT_ERRORS.DEFAULT, `No allocations for consumer '${consumer.slice(0, 64)}'`, e.details);
    again.requestId = e.requestId;
    throw again;
  }
  return { status: 204 };
}

// ---------------------------------------------------------------- allocation candidates

/** The query parameters of `GET /allocation_candidates` by the microversion that brought them. */
const CANDIDATE_PARAMS: readonly (readonly [string, string])[] = [
  ['resources', '1.10'],
  ['limit', '1.16'],
  ['required', '1.17'],
  ['member_of', '1.21'],
  ['group_policy', '1.25'],
  ['in_tree', '1.31'],
  ['root_required', '1.35'],
  ['same_subtree', '1.36'],
];

function candidates(call: PlacementCall): RestResponse {
  since(call, '1.10');
  const p = placement(call);
  const granular = at(call, '1.25');
  for (const [name] of call.query.entries()) {
    const known = CANDIDATE_PARAMS.find(([n]) => n === name);
    if (known !== undefined && at(call, known[1])) continue;
    const suffixed = /^(resources|required|member_of|in_tree)([A-Za-z0-9_-]{1,64})$/.exec(name);
    if (granular && suffixed !== null && (at(call, '1.33') || /^\d+$/.test(suffixed[2] as string))) {
      throw badRequest(`Granular request groups (${name.slice(0, 80)}) are not simulated: give one unnumbered group (resources, required, member_of, in_tree).`, name);
    }
    throw badRequest(`Invalid query string parameters: Additional properties are not allowed ('${name.slice(0, 64)}' was unexpected)`, name);
  }
  for (const name of ['root_required', 'same_subtree']) {
    if (call.query.has(name)) throw badRequest(`The ${name} parameter is not simulated.`, name);
  }
  const policy = call.query.get('group_policy');
  if (policy !== undefined && policy !== 'none' && policy !== 'isolate') throw badRequest(`Invalid query string parameters: '${policy.slice(0, 40)}' is not one of ['none', 'isolate']`, 'group_policy');
  const resources = call.query.get('resources');
  if (resources === undefined) {
    throw badRequest(at(call, '1.25') ? 'There must be at least one resources or resources[$S] parameter.' : "Invalid query string parameters: 'resources' is a required property", 'resources');
  }
  const limit = call.query.get('limit');
  if (limit !== undefined && !/^[1-9][0-9]*$/.test(limit)) throw badRequest(`Invalid query string parameters: '${limit.slice(0, 40)}' does not match '^[1-9][0-9]*$'`, 'limit');
  const inTree = call.query.get('in_tree');
  if (inTree !== undefined && !UUID.test(inTree.trim())) throw badRequest(`Invalid query string parameters: Expected 'in_tree' parameter to be a format of uuid. Got: ${inTree.slice(0, 64)}`, 'in_tree');
  const aggs = memberOf(call);
  const traits = requiredTraits(call);
  const query: CandidateQuery = {
    resources: resourcesParam(resources),
    ...(limit !== undefined ? { limit: Number(limit) } : {}),
    ...(traits !== undefined ? { required: traits } : {}),
    ...(aggs !== undefined ? { member_of: aggs } : {}),
    ...(inTree !== undefined ? { in_tree: inTree.trim() } : {}),
  };
  const found = p.getAllocationCandidates(query);
  const requested = new Set(resourcesParam(resources).split(',').map((part) => part.split(':')[0] as string));
  const allocationRequests = found.allocation_requests.map((ar) => {
    if (!at(call, '1.12')) {
      return { allocations: Object.entries(ar.allocations).map(([uuid, a]) => ({ resource_provider: { uuid }, resources: a.resources })) };
    }
    return at(call, '1.34') ? { allocations: ar.allocations, mappings: ar.mappings } : { allocations: ar.allocations };
  });
  const summaries: Record<string, unknown> = {};
  for (const [uuid, ps] of Object.entries(found.provider_summaries)) {
    const res: Record<string, unknown> = {};
    for (const [rc, r] of Object.entries(ps.resources)) if (at(call, '1.27') || requested.has(rc)) res[rc] = { capacity: r.capacity, used: r.used };
    const summary: Record<string, unknown> = { resources: res };
    if (at(call, '1.17')) summary.traits = ps.traits;
    if (at(call, '1.29')) {
      summary.parent_provider_uuid = ps.parent_provider_uuid;
      summary.root_provider_uuid = ps.root_provider_uuid;
    }
    summaries[uuid] = summary;
  }
  return answer(call, 200, { allocation_requests: allocationRequests, provider_summaries: summaries });
}

const route = (method: PlacementRoute['method'], path: string, handle: (call: PlacementCall) => RestResponse): PlacementRoute => ({ method, path, handle });

/** The allocation and allocation-candidate routes of {@link PLACEMENT_REST}. */
export const ALLOCATION_ROUTES: readonly PlacementRoute[] = [
  route('GET', '/resource_providers/{uuid}/allocations', providerAllocations),
  route('POST', '/allocations', postAllocations),
  route('GET', '/allocations/{consumer_uuid}', consumerAllocations),
  route('PUT', '/allocations/{consumer_uuid}', putConsumerAllocations),
  route('DELETE', '/allocations/{consumer_uuid}', deleteConsumerAllocations),
  route('GET', '/allocation_candidates', candidates),
];

