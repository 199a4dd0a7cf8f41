/**
 * Neutron's Networking API v2.0 over REST, mounted at `/networking` as DevStack serves it behind
 * keystonemiddleware: the version document (`neutron/pecan_wsgi/controllers/root.py`
 * `RootController`, public), the v2.0 resource list (`V2Controller.index`: only as `/v2.0/`, a
 * path without the slash is pecan's 404 there too), the extensions (`extensions.py`), and for
 * networks, subnets, subnet pools, ports, routers, floating IPs, security groups and their rules,
 * RBAC policies and agents the collection and member routes of `controllers/resource.py`
 * (`CollectionsController`, `ItemController`), with bulk creation, the routers' member actions
 * (`add_router_interface`, `remove_router_interface`), the agent schedulers' `l3-agents` and
 * `dhcp-agents`, and quotas (`neutron/extensions/quotasv2.py`, `quotasv2_detail.py`). Bodies,
 * list queries, paging links and faults are `rest_http.ts`'s. Every route calls
 * `session.network`, which validates, enforces policy before any lookup, and commits atomically;
 * a path id resolves by id alone (`{ id }`).
 *
 * Not simulated: `HEAD` (405 everywhere, as pecan answers it), `.json` path suffixes, the
 * `quotas/tenant` and `quotas/project` "who am I" actions, tags (`/tags`), the agents'
 * `dhcp-networks` and `l3-routers` sub-collections, subnet pools' `add_prefixes` /
 * `remove_prefixes` / `onboard_network_subnets`, `POST /v2.0/quotas` (Neutron's 501: 405 here).
 */
import { empty, json, type RestCall, type RestResponse, type RestRoute, type RestService } from '../core/index.js';
import type { NetworkApi } from './api.js';
import type { ListQuery } from './controller.js';
import { neutronExtensions } from './rest_extensions.js';
import { createBody, fieldsOf, httpBadRequest, httpMethodNotAllowed, httpNotFound, jsonBody, listQuery, neutronFault, noDeleteBody, paginationLinks, pick, updateBody } from './rest_http.js';

/** The session part the network routes use. */
type NetworkCall = RestCall<{ readonly network: NetworkApi }, object>;
type Route = RestRoute<{ readonly network: NetworkApi }, object>;
type IdRef = { readonly id: string };
type View = object;

const api = (call: NetworkCall): NetworkApi => call.session().network;

/** One collection of the API and the session calls behind it. */
interface Collection {
  /** The URL segment (`security-groups`). */
  readonly path: string;
  /** The body key of a list (`security_groups`). */
  readonly collection: string;
  /** The body key of one (`security_group`). */
  readonly resource: string;
  list(api: NetworkApi, query: ListQuery): readonly View[];
  show(api: NetworkApi, ref: IdRef): View;
  create?(api: NetworkApi, body: Record<string, unknown>): View;
  update?(api: NetworkApi, ref: IdRef, body: Record<string, unknown>): View;
  remove?(api: NetworkApi, ref: IdRef): void;
}

/** The collections, as Neutron's core resources and its `router`, `security-group`, `rbac-policies` and `agent` extensions define them. */
const COLLECTIONS: readonly Collection[] = [
  {
    path: 'networks', collection: 'networks', resource: 'network',
    list: (a, q) => a.listNetworks(q), show: (a, r) => a.getNetwork(r), create: (a, b) => a.createNetwork(b), update: (a, r, b) => a.updateNetwork(r, b), remove: (a, r) => a.deleteNetwork(r),
  },
  {
    path: 'subnets', collection: 'subnets', resource: 'subnet',
    list: (a, q) => a.listSubnets(q), show: (a, r) => a.getSubnet(r), create: (a, b) => a.createSubnet(b as never), update: (a, r, b) => a.updateSubnet(r, b), remove: (a, r) => a.deleteSubnet(r),
  },
  {
    path: 'subnetpools', collection: 'subnetpools', resource: 'subnetpool',
    list: (a, q) => a.listSubnetPools(q), show: (a, r) => a.getSubnetPool(r), create: (a, b) => a.createSubnetPool(b), update: (a, r, b) => a.updateSubnetPool(r, b), remove: (a, r) => a.deleteSubnetPool(r),
  },
  {
    path: 'ports', collection: 'ports', resource: 'port',
    list: (a, q) => a.listPorts(q), show: (a, r) => a.getPort(r), create: (a, b) => a.createPort(b as never), update: (a, r, b) => a.updatePort(r, b), remove: (a, r) => a.deletePort(r),
  },
  {
    path: 'routers', collection: 'routers', resource: 'router',
    list: (a, q) => a.listRouters(q), show: (a, r) => a.getRouter(r), create: (a, b) => a.createRouter(b), update: (a, r, b) => a.updateRouter(r, b), remove: (a, r) => a.deleteRouter(r),
  },
  {
    path: 'floatingips', collection: 'floatingips', resource: 'floatingip',
    list: (a, q) => a.listFloatingIps(q), show: (a, r) => a.getFloatingIp(r), create: (a, b) => a.createFloatingIp(b), update: (a, r, b) => a.updateFloatingIp(r, b), remove: (a, r) => a.deleteFloatingIp(r),
  },
  {
    path: 'security-groups', collection: 'security_groups', resource: 'security_group',
    list: (a, q) => a.listSecurityGroups(q), show: (a, r) => a.getSecurityGroup(r), create: (a, b) => a.createSecurityGroup(b), update: (a, r, b) => a.updateSecurityGroup(r, b), remove: (a, r) => a.deleteSecurityGroup(r),
  },
  {
    path: 'security-group-rules', collection: 'security_group_rules', resource: 'security_group_rule',
    list: (a, q) => a.listSecurityGroupRules(q), show: (a, r) => a.getSecurityGroupRule(r), create: (a, b) => a.createSecurityGroupRule(b), remove: (a, r) => a.deleteSecurityGroupRule(r),
  },
  {
    path: 'rbac-policies', collection: 'rbac_policies', resource: 'rbac_policy',
    list: (a, q) => a.listRbacPolicies(q), show: (a, r) => a.getRbacPolicy(r), create: (a, b) => a.createRbacPolicy(b), update: (a, r, b) => a.updateRbacPolicy(r, b), remove: (a, r) => a.deleteRbacPolicy(r),
  },
  {
    path: 'agents', collection: 'agents', resource: 'agent',
    list: (a, q) => a.listAgents(q), show: (a, r) => a.getAgent(r), update: (a, r, b) => a.updateAgent(r, b), remove: (a, r) => a.deleteAgent(r),
  },
];

/**
 * `CollectionsController.get` plus the `QueryParametersHook`'s paging: the list API filters,
 * sorts and pages; with a `limit` the answer gets `<collection>_links` (the paging key `id` is
 * asked for when `fields` leaves it out, and cut again, as `update_fields` / `added_fields` do).
 */
function listRoute(c: Collection, call: NetworkCall): RestResponse {
  const fields = fieldsOf(call.query);
  const paged = call.query.has('limit');
  const added = paged && fields.length > 0 && !fields.includes('id');
  const items = c.list(api(call), listQuery(call.query, added ? ['id'] : []));
  const links = paginationLinks(call.query, `${call.base}/v2.0/${c.path}`, items as readonly Readonly<Record<string, unknown>>[]);
  const shown = added ? items.map((item) => pick(item, fields)) : items;
  const body: Record<string, unknown> = { [c.collection]: shown };
  if (links.length > 0) body[`${c.collection}_links`] = links;
  return json(200, body);
}

/**
 * `CollectionsController.post`: 201 with `{"<resource>": …}`, or for a bulk body
 * `{"<resources>": […]}`, created all or nothing in one commit (ML2's native bulk: one
 * transaction; for the others Neutron's emulated bulk deletes what it made when one fails).
 */
function createRoute(c: Collection, create: NonNullable<Collection['create']>, call: NetworkCall): RestResponse {
  const body = createBody(call, c.resource, c.collection);
  const network = api(call);
  if (!body.bulk) return json(201, { [c.resource]: create(network, body.item) });
  const made = call.kernel.transact(`network.create_${c.resource}_bulk`, () => body.items.map((item) => create(network, item)));
  return json(201, { [c.collection]: made });
}

/** Every route of one collection: list, create, show (with `fields`), update, delete; HEAD is 405. */
function collectionRoutes(c: Collection): Route[] {
  const base = `/v2.0/${c.path}`;
  const member = `${base}/{id}`;
  const ref = (call: NetworkCall): IdRef => ({ id: call.params.id as string });
  const routes: Route[] = [
    { method: 'GET', path: base, handle: (call) => listRoute(c, call) },
    { method: 'HEAD', path: base, handle: () => { throw httpMethodNotAllowed(); } },
    { method: 'GET', path: member, handle: (call) => json(200, { [c.resource]: pick(c.show(api(call), ref(call)), fieldsOf(call.query)) }) },
    { method: 'HEAD', path: member, handle: () => { throw httpMethodNotAllowed(); } },
  ];
  const { create, update, remove } = c;
  if (create !== undefined) routes.push({ method: 'POST', path: base, handle: (call) => createRoute(c, create, call) });
  if (update !== undefined) routes.push({ method: 'PUT', path: member, handle: (call) => json(200, { [c.resource]: update(api(call), ref(call), updateBody(call, c.resource, c.collection)) }) });
  if (remove !== undefined) routes.push({ method: 'DELETE', path: member, handle: (call) => (noDeleteBody(call), remove(api(call), ref(call)), empty(204)) });
  return routes;
}

/** A member action's raw body (`request_data`): a JSON object, `{}` when none was sent. */
function actionBody(call: NetworkCall): Record<string, unknown> {
  return jsonBody(call) ?? {};
}

/** `QuotaSetsController.update`: `{"quota": {...}}` ("Unable to find 'quota' in request body" otherwise). */
function quotaBody(call: NetworkCall): Record<string, unknown> {
  const body = jsonBody(call);
  const inner = body === undefined ? undefined : body.quota;
  if (inner === undefined || inner === null) throw httpBadRequest("Unable to find 'quota' in request body");
  if (typeof inner !== 'object' || Array.isArray(inner)) throw httpBadRequest("Object 'quota' contains invalid data", 'quota');
  return inner as Record<string, unknown>;
}

const projectOf = (call: NetworkCall): string => call.params.project_id as string;
const methodNotAllowed = (): RestResponse => {
  throw httpMethodNotAllowed();
};

/** The version document (`RootController.index`): one version, its link the v2.0 root. */
function versions(call: NetworkCall): RestResponse {
  return json(200, { versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${call.base}/v2.0/` }] }] });
}

/** `V2Controller.index`: the core resources (`_CORE_RESOURCES`) with their collection links. */
function resources(call: NetworkCall): RestResponse {
  const core: readonly (readonly [string, string])[] = [['network', 'networks'], ['subnet', 'subnets'], ['subnetpool', 'subnetpools'], ['port', 'ports']];
  return json(200, { resources: core.map(([name, collection]) => ({ name, collection, links: [{ rel: 'self', href: `${call.base}/v2.0/${collection}` }] })) });
}


/** The routes below `/networking`. */
const ROUTES: readonly Route[] = [
  // the version document: the versions app has no authtoken in api-paste.ini
  { method: 'GET', path: '/', public: true, handle: versions },
  ...(['HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map((method): Route => ({ method, path: '/', public: true, handle: methodNotAllowed })),

  { method: 'GET', path: '/v2.0/', handle: resources },
  { method: 'HEAD', path: '/v2.0/', handle: methodNotAllowed },

  // extensions: methods other than GET are 404, as the legacy extensions controller answered
  { method: 'GET', path: '/v2.0/extensions', handle: (call) => json(200, { extensions: neutronExtensions() }) },
  {
    method: 'GET',
    path: '/v2.0/extensions/{alias}',
    handle: (call) => {
      const alias = call.params.alias as string;
      const found = neutronExtensions().find((e) => e.alias === alias);
      if (found === undefined) throw httpNotFound(`Extension with alias ${alias} does not exist`);
      return json(200, { extension: found });
    },
  },
  ...(['HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).flatMap((method): Route[] => [
    { method, path: '/v2.0/extensions', handle: () => { throw httpNotFound(); } },
    { method, path: '/v2.0/extensions/{alias}', handle: () => { throw httpNotFound(); } },
  ]),

  ...COLLECTIONS.flatMap(collectionRoutes),

  // routers' member actions and the L3 agent scheduler
  { method: 'PUT', path: '/v2.0/routers/{id}/add_router_interface', handle: (call) => json(200, api(call).addRouterInterface({ id: call.params.id as string }, actionBody(call))) },
  { method: 'PUT', path: '/v2.0/routers/{id}/remove_router_interface', handle: (call) => json(200, api(call).removeRouterInterface({ id: call.params.id as string }, actionBody(call))) },
  { method: 'GET', path: '/v2.0/routers/{id}/l3-agents', handle: (call) => json(200, { agents: api(call).listL3AgentsHostingRouter({ id: call.params.id as string }) }) },
  { method: 'HEAD', path: '/v2.0/routers/{id}/l3-agents', handle: methodNotAllowed },
  // the DHCP agent scheduler
  { method: 'GET', path: '/v2.0/networks/{id}/dhcp-agents', handle: (call) => json(200, { agents: api(call).listDhcpAgentsHostingNetwork({ id: call.params.id as string }) }) },
  { method: 'HEAD', path: '/v2.0/networks/{id}/dhcp-agents', handle: methodNotAllowed },

  // quotas
  { method: 'GET', path: '/v2.0/quotas', handle: (call) => json(200, { quotas: api(call).listQuotas() }) },
  { method: 'HEAD', path: '/v2.0/quotas', handle: methodNotAllowed },
  { method: 'GET', path: '/v2.0/quotas/{project_id}', handle: (call) => json(200, { quota: api(call).getQuota(projectOf(call)) }) },
  { method: 'HEAD', path: '/v2.0/quotas/{project_id}', handle: methodNotAllowed },
  { method: 'PUT', path: '/v2.0/quotas/{project_id}', handle: (call) => json(200, { quota: api(call).updateQuota(projectOf(call), quotaBody(call)) }) },
  { method: 'DELETE', path: '/v2.0/quotas/{project_id}', handle: (call) => (noDeleteBody(call), api(call).resetQuota(projectOf(call)), empty(204)) },
  { method: 'GET', path: '/v2.0/quotas/{project_id}/details', handle: (call) => json(200, { quota: api(call).getQuotaDetails(projectOf(call)) }) },
  { method: 'HEAD', path: '/v2.0/quotas/{project_id}/details', handle: methodNotAllowed },
  { method: 'GET', path: '/v2.0/quotas/{project_id}/default', handle: (call) => json(200, { quota: api(call).getQuotaDefault(projectOf(call)) }) },
  { method: 'HEAD', path: '/v2.0/quotas/{project_id}/default', handle: methodNotAllowed },
];

/** Neutron v2.0 over REST (`/networking`, DevStack's layout): routes and faults. */
export const networkRest: RestService<{ readonly network: NetworkApi }, object> = {
  mount: '/networking',
  auth: 'token',
  routes: ROUTES,
  fault: neutronFault,
};
