/**
 * The Compute API's other resources over REST, each as its Zed controller answers:
 * key pairs (`keypairs.py`, `views/keypairs.py`: 200 / 202 at 2.1, 201 / 204 from 2.2, `type`
 * from 2.2, `user_id` from 2.10, paging from 2.35, a key generated when no `public_key` is sent
 * before 2.92), quota sets and limits (`quota_sets.py`, `limits.py`: what the filters of 2.36
 * and 2.57 remove, when the library answers it), server groups (`server_groups.py`: `policies` and
 * `metadata` before 2.64, `policy` and `rules` from it, `project_id` / `user_id` from 2.13),
 * availability zones (`availability_zone.py`), hypervisors (`hypervisors.py`: integer ids before
 * 2.53 and uuids from it, `search` / `servers` before 2.53, `statistics` before 2.88), aggregates
 * (`aggregates.py`: `uuid` from 2.41; create answers without `hosts` and `metadata`; delete 200),
 * services (`services.py`: integer ids and `PUT /os-services/{enable|disable|…}` with host and
 * binary before 2.53, uuids from it, `forced_down` from 2.11) and extensions
 * (`extension_info.py`).
 *
 * Integer ids before 2.53 are the position of the compute node (or service) in nova's listing,
 * ordered by the database id, which they equal while none was deleted. Not simulated: the
 * hypervisor fields 2.88 removed (`vcpus`, `memory_mb`, `running_vms`, …: the library answers
 * 2.88's view), `cpu_info` as a string before 2.28, `uptime` below 2.88, `limit` / `offset` of
 * server groups, the deprecated quotas older microversions show (`fixed_ips`, `floating_ips`,
 * `security_groups`, `security_group_rules` before 2.36; `injected_files*` before 2.57, and their
 * limits): the library keeps none of them.
 */
import { empty, json, type RestResponse } from '../core/index.js';
import { NovaError, notFound } from './errors.js';
import { NOVA_EXTENSIONS, extensionView } from './rest_extensions.js';
import {
  httpBadRequest,
  httpNotFound,
  type NovaAction,
  type NovaRequest,
  type NovaRouteSpec,
} from './rest_http.js';
import {
  collectionLinks,
  listQuery,
  omit,
  pick,
  pyRepr,
  rejectKeys,
  schemaError,
  unwrap,
} from './rest_params.js';

type View = Record<string, unknown>;

const UUID_LIKE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

// ---------------------------------------------------------------------------- key pairs

const KEYPAIR_INDEX = ['name', 'public_key', 'fingerprint'];
const KEYPAIR_CREATE = [...KEYPAIR_INDEX, 'user_id'];
const KEYPAIR_SHOW = [...KEYPAIR_CREATE, 'created_at', 'deleted', 'deleted_at', 'id', 'updated_at'];

/** The `user_id` query parameter (2.10, an admin's). */
function userQuery(r: NovaRequest): { user_id?: string } {
  const q = listQuery(r.call, r.v, r.v.atLeast('2.10') ? ['user_id'] : []);
  return q.user_id === undefined ? {} : { user_id: q.user_id };
}

/** `GET /os-keypairs`: `{keypairs: [{keypair}]}`, `keypairs_links` from 2.35. */
function listKeypairs(r: NovaRequest): RestResponse {
  const known = [...(r.v.atLeast('2.10') ? ['user_id'] : []), ...(r.v.atLeast('2.35') ? ['limit', 'marker'] : [])];
  const query = listQuery(r.call, r.v, known);
  const keys = r.v.atLeast('2.2') ? [...KEYPAIR_INDEX, 'type'] : KEYPAIR_INDEX;
  const items = r.api().listKeypairs(query).map((k) => pick(k as unknown as View, keys));
  const links = r.v.atLeast('2.35') ? collectionLinks(r.call, 'os-keypairs', items, 'name') : [];
  const out: View = { keypairs: items.map((keypair) => ({ keypair })) };
  if (links.length > 0) out.keypairs_links = links;
  return json(200, out);
}

/** `POST /os-keypairs`: import a `public_key`, or (before 2.92) generate one and answer its `private_key` once. */
function createKeypair(r: NovaRequest): RestResponse {
  const keypair = unwrap(r.body, 'keypair');
  rejectKeys(keypair, 'keypair', [...(r.v.atLeast('2.2') ? [] : ['type']), ...(r.v.atLeast('2.10') ? [] : ['user_id'])]);
  const api = r.api();
  const generate = !Object.hasOwn(keypair, 'public_key') && !r.v.atLeast('2.92');
  const view = (generate ? api.generateKeypair(keypair as never) : api.importKeypair(keypair as never)) as unknown as View;
  const keys = [...(generate ? ['private_key'] : []), ...(r.v.atLeast('2.2') ? ['type'] : []), ...KEYPAIR_CREATE];
  return json(r.v.atLeast('2.2') ? 201 : 200, { keypair: pick(view, keys) });
}

/** Key pairs. */
const KEYPAIR_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/os-keypairs', handle: listKeypairs },
  { method: 'POST', path: '/os-keypairs', handle: createKeypair },
  {
    method: 'GET',
    path: '/os-keypairs/{name}',
    handle: (r) => json(200, { keypair: pick(r.api().getKeypair(r.param('name'), userQuery(r)) as unknown as View, r.v.atLeast('2.2') ? [...KEYPAIR_SHOW, 'type'] : KEYPAIR_SHOW) }),
  },
  { method: 'DELETE', path: '/os-keypairs/{name}', handle: (r) => (r.api().deleteKeypair(r.param('name'), userQuery(r)), empty(r.v.atLeast('2.2') ? 204 : 202)) },
];

// ---------------------------------------------------------------------------- quotas and limits

/** `FILTERED_QUOTAS_2_36` and `_2_57`. */
function quotaAt(r: NovaRequest, view: Readonly<View>): View {
  const drops = [...(r.v.atLeast('2.36') ? ['fixed_ips', 'floating_ips', 'security_group_rules', 'security_groups', 'networks'] : []), ...(r.v.atLeast('2.57') ? ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'] : [])];
  return omit(view, drops);
}

/** `FILTERED_LIMITS_2_36` / `_2_57` as the limits view names them, and `maxImageMeta` gone from 2.39. */
function limitsAt(r: NovaRequest, view: Readonly<View>): View {
  const inner = (Object.hasOwn(view, 'limits') ? view.limits : view) as unknown as View;
  const absolute = (inner.absolute ?? {}) as unknown as View;
  const drops = [
    ...(r.v.atLeast('2.36') ? ['maxSecurityGroups', 'maxSecurityGroupRules', 'maxTotalFloatingIps', 'totalFloatingIpsUsed', 'totalSecurityGroupsUsed'] : []),
    ...(r.v.atLeast('2.39') ? ['maxImageMeta'] : []),
    ...(r.v.atLeast('2.57') ? ['maxPersonality', 'maxPersonalitySize'] : []),
  ];
  return { rate: inner.rate ?? [], absolute: omit(absolute, drops) };
}

/** The `user_id` of a quota request (nova reads it at every microversion; strict from 2.75). */
function quotaQuery(r: NovaRequest): { user_id?: string } {
  const q = listQuery(r.call, r.v, ['user_id']);
  return q.user_id === undefined ? {} : { user_id: q.user_id };
}

/** Quota sets and limits. */
const QUOTA_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/os-quota-sets/{id}', handle: (r) => json(200, { quota_set: quotaAt(r, r.api().getQuotaSet(r.param('id'), quotaQuery(r)) as unknown as View) }) },
  { method: 'PUT', path: '/os-quota-sets/{id}', handle: (r) => json(200, { quota_set: quotaAt(r, r.api().updateQuotaSet(r.param('id'), unwrap(r.body, 'quota_set')) as unknown as View) }) },
  { method: 'DELETE', path: '/os-quota-sets/{id}', handle: (r) => (r.api().deleteQuotaSet(r.param('id')), empty(202)) },
  { method: 'GET', path: '/os-quota-sets/{id}/detail', handle: (r) => json(200, { quota_set: quotaAt(r, r.api().getQuotaSet(r.param('id'), { ...quotaQuery(r), detail: true }) as unknown as View) }) },
  { method: 'GET', path: '/os-quota-sets/{id}/defaults', handle: (r) => json(200, { quota_set: quotaAt(r, r.api().getDefaultQuotaSet(r.param('id')) as unknown as View) }) },
  {
    method: 'GET',
    path: '/limits',
    handle: (r) => {
      const q = listQuery(r.call, r.v, ['tenant_id'], r.v.atLeast('2.75') ? '2.75' : undefined);
      return json(200, { limits: limitsAt(r, r.api().getLimits(q.tenant_id === undefined ? {} : { tenant_id: q.tenant_id }) as unknown as View) });
    },
  },
];

// ---------------------------------------------------------------------------- server groups

/** `_format_server_group` at the microversion. */
function groupAt(r: NovaRequest, view: Readonly<View>): View {
  const out: View = { id: view.id, name: view.name };
  if (r.v.atLeast('2.64')) {
    out.policy = view.policy;
    out.rules = view.rules ?? {};
  } else {
    out.policies = view.policy === undefined ? (view.policies ?? []) : [view.policy];
    out.metadata = {};
  }
  out.members = view.members ?? [];
  if (r.v.atLeast('2.13')) {
    out.project_id = view.project_id;
    out.user_id = view.user_id;
  }
  return out;
}

/** `POST /os-server-groups`: before 2.64 `{name, policies: [one of the policies]}` (the soft ones from 2.15). */
function createGroup(r: NovaRequest): RestResponse {
  const group = unwrap(r.body, 'server_group');
  if (r.v.atLeast('2.64')) return json(200, { server_group: groupAt(r, r.api().createServerGroup(group as never) as unknown as View) });
  const allowed = ['anti-affinity', 'affinity', ...(r.v.atLeast('2.15') ? ['soft-anti-affinity', 'soft-affinity'] : [])];
  const policies = group.policies;
  if (policies !== undefined) {
    const at = { name: 'policies', value: policies };
    if (!Array.isArray(policies)) throw schemaError(`${pyRepr(policies)} is not of type 'array'`, at);
    if (policies.length < 1) throw schemaError(`${pyRepr(policies)} is too short`, at);
    if (policies.length > 1) throw schemaError(`${pyRepr(policies)} is too long`, at);
    if (typeof policies[0] !== 'string') throw schemaError(`${pyRepr(policies[0])} is not of type 'string'`, { name: 'policies', value: policies[0] });
    if (!allowed.includes(policies[0])) throw schemaError(`${pyRepr(policies[0])} is not one of ${pyRepr(allowed)}`, { name: 'policies', value: policies[0] });
  }
  for (const key of ['name', 'policies']) if (!Object.hasOwn(group, key)) throw schemaError(`${pyRepr(key)} is a required property`, { name: 'server_group', value: group });
  rejectKeys(group, 'server_group', Object.keys(group).filter((k) => k !== 'name' && k !== 'policies'));
  const view = r.api().createServerGroup({ name: group.name, policy: (policies as string[])[0] } as never) as unknown as View;
  return json(200, { server_group: groupAt(r, view) });
}

/** The group of the path's id (never a name). */
function groupById(r: NovaRequest): View {
  const id = r.param('id');
  const view = r.api().getServerGroup(id) as unknown as View;
  if (String(view.id) !== id) throw notFound('server_group', id);
  return view;
}

/** Server groups. */
const SERVER_GROUP_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/os-server-groups', handle: (r) => json(200, { server_groups: r.api().listServerGroups(listQuery(r.call, r.v, ['all_projects', 'limit', 'offset'])).map((g) => groupAt(r, g as unknown as View)) }) },
  { method: 'POST', path: '/os-server-groups', handle: createGroup },
  { method: 'GET', path: '/os-server-groups/{id}', handle: (r) => json(200, { server_group: groupAt(r, groupById(r)) }) },
  { method: 'DELETE', path: '/os-server-groups/{id}', handle: (r) => (r.api().deleteServerGroup(r.param('id')), empty(204)) },
];

// ---------------------------------------------------------------------------- availability zones

const ZONE_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/os-availability-zone', handle: (r) => json(200, { availabilityZoneInfo: r.api().listAvailabilityZones() }) },
  { method: 'GET', path: '/os-availability-zone/detail', handle: (r) => json(200, { availabilityZoneInfo: r.api().listAvailabilityZonesDetail() }) },
];

// ---------------------------------------------------------------------------- hypervisors

/** uuid → the integer id of before 2.53 (the position in nova's listing by database id). */
function legacyIds(ids: readonly unknown[]): Map<string, number> {
  return new Map(ids.map((id, i) => [String(id), i + 1]));
}

/** The integer ids of every compute node and service, when the microversion shows integers. */
function idMaps(r: NovaRequest): { readonly nodes: Map<string, number>; readonly services: Map<string, number> } | undefined {
  if (r.v.atLeast('2.53')) return undefined;
  const api = r.api();
  return { nodes: legacyIds(api.listHypervisors({}).map((h) => (h as unknown as View).id)), services: legacyIds(api.listComputeServices({}).map((s) => (s as unknown as View).id)) };
}

/** `_view_hypervisor` at the microversion. */
function hypervisorAt(r: NovaRequest, view: Readonly<View>, maps: ReturnType<typeof idMaps>): View {
  const out: View = { ...view };
  if (maps !== undefined) {
    out.id = maps.nodes.get(String(view.id)) ?? view.id;
    const service = view.service as unknown as View | undefined;
    if (service !== undefined && service !== null) out.service = { ...service, id: maps.services.get(String(service.id)) ?? service.id };
  }
  if (!r.v.atLeast('2.88')) delete out.uptime;
  if (!r.v.atLeast('2.75') && Array.isArray(out.servers) && out.servers.length === 0) delete out.servers;
  return out;
}

/** `GET /os-hypervisors` and `/detail`: paging from 2.33, `hypervisor_hostname_pattern` / `with_servers` from 2.53. */
function listHypervisors(r: NovaRequest, detail: boolean): RestResponse {
  const known = [...(r.v.atLeast('2.33') ? ['limit', 'marker'] : []), ...(r.v.atLeast('2.53') ? ['hypervisor_hostname_pattern', 'with_servers'] : [])];
  const query: Record<string, unknown> = listQuery(r.call, r.v, known, r.v.atLeast('2.53') ? '2.53' : undefined);
  const maps = idMaps(r);
  if (maps !== undefined && query.marker !== undefined) {
    // before 2.53 the marker is the integer id
    const uuid = [...maps.nodes].find(([, n]) => String(n) === query.marker)?.[0];
    if (uuid === undefined) throw httpBadRequest(`marker [${String(query.marker).slice(0, 80)}] not found`, 'marker');
    query.marker = uuid;
  }
  const api = r.api();
  const items = (detail ? api.listHypervisorsDetail(query) : api.listHypervisors(query)).map((h) => hypervisorAt(r, h as unknown as View, maps));
  const links = r.v.atLeast('2.33') && query.hypervisor_hostname_pattern === undefined ? collectionLinks(r.call, detail ? 'os-hypervisors/detail' : 'os-hypervisors', items) : [];
  return json(200, links.length > 0 ? { hypervisors: items, hypervisors_links: links } : { hypervisors: items });
}

/** `GET /os-hypervisors/{id}`: a uuid from 2.53 (400 "Invalid uuid"), an integer before (404). */
function showHypervisor(r: NovaRequest): RestResponse {
  const id = r.param('id');
  const missing = (): never => {
    throw httpNotFound(`Hypervisor with ID '${id.slice(0, 80)}' could not be found.`);
  };
  const maps = idMaps(r);
  let uuid = id;
  if (maps === undefined) {
    if (!UUID_LIKE.test(id)) throw httpBadRequest(`Invalid uuid ${id.slice(0, 80)}`, 'id');
  } else {
    if (!/^\s*[+-]?\d+\s*$/.test(id)) missing();
    uuid = [...maps.nodes].find(([, n]) => n === Number(id))?.[0] ?? missing();
  }
  const query = r.v.atLeast('2.53') ? listQuery(r.call, r.v, ['with_servers'], '2.53') : {};
  const view = r.api().getHypervisor(uuid, query.with_servers === undefined ? {} : { with_servers: query.with_servers as never }) as unknown as View;
  if (String(view.id) !== uuid) missing();
  return json(200, { hypervisor: hypervisorAt(r, view, maps) });
}

/** `search` and `servers` before 2.53: the hypervisors whose hostname matches, in brief. */
function searchHypervisors(r: NovaRequest, withServers: boolean): RestResponse {
  const maps = idMaps(r);
  const found = r.api().listHypervisors({ hypervisor_hostname_pattern: r.param('id'), ...(withServers ? { with_servers: true } : {}) });
  return json(200, { hypervisors: found.map((h) => hypervisorAt(r, h as unknown as View, maps)) });
}

/** Hypervisors. */
const HYPERVISOR_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/os-hypervisors', handle: (r) => listHypervisors(r, false) },
  { method: 'GET', path: '/os-hypervisors/detail', handle: (r) => listHypervisors(r, true) },
  { method: 'GET', path: '/os-hypervisors/statistics', until: '2.87', handle: (r) => json(200, { hypervisor_statistics: r.api().getHypervisorStatistics() }) },
  { method: 'GET', path: '/os-hypervisors/{id}', handle: showHypervisor },
  { method: 'GET', path: '/os-hypervisors/{id}/search', until: '2.52', handle: (r) => searchHypervisors(r, false) },
  { method: 'GET', path: '/os-hypervisors/{id}/servers', until: '2.52', handle: (r) => searchHypervisors(r, true) },
];

// ---------------------------------------------------------------------------- aggregates

/** `_marshall_aggregate`: `uuid` from 2.41. */
function aggregateAt(r: NovaRequest, view: Readonly<View>): View {
  return r.v.atLeast('2.41') ? { ...view } : omit(view, ['uuid']);
}

const aggregate = (r: NovaRequest, view: unknown): RestResponse => json(200, { aggregate: aggregateAt(r, view as unknown as View) });

/** `POST /os-aggregates/{id}/action`. */
const AGGREGATE_ACTIONS: Readonly<Record<string, NovaAction>> = {
  add_host: { handle: (r, id, value) => aggregate(r, r.api().addAggregateHost(id, value as never)) },
  remove_host: { handle: (r, id, value) => aggregate(r, r.api().removeAggregateHost(id, value as never)) },
  set_metadata: { handle: (r, id, value) => aggregate(r, r.api().setAggregateMetadata(id, value as never)) },
};

/** Aggregates. */
const AGGREGATE_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/os-aggregates', handle: (r) => json(200, { aggregates: r.api().listAggregates().map((a) => aggregateAt(r, a as unknown as View)) }) },
  { method: 'POST', path: '/os-aggregates', handle: (r) => json(200, { aggregate: omit(aggregateAt(r, r.api().createAggregate(unwrap(r.body, 'aggregate') as never) as unknown as View), ['hosts', 'metadata']) }) },
  { method: 'GET', path: '/os-aggregates/{id}', handle: (r) => aggregate(r, r.api().getAggregate(r.param('id'))) },
  { method: 'PUT', path: '/os-aggregates/{id}', handle: (r) => aggregate(r, r.api().updateAggregate(r.param('id'), unwrap(r.body, 'aggregate') as never)) },
  { method: 'DELETE', path: '/os-aggregates/{id}', handle: (r) => (r.api().deleteAggregate(r.param('id')), { status: 200 }) },
  { method: 'POST', path: '/os-aggregates/{id}/action', actions: AGGREGATE_ACTIONS },
];

// ---------------------------------------------------------------------------- services

/** `_get_service_detail` at the microversion. */
function serviceAt(r: NovaRequest, view: Readonly<View>, maps: ReturnType<typeof idMaps>): View {
  const out = r.v.atLeast('2.11') ? { ...view } : omit(view, ['forced_down']);
  if (maps !== undefined) out.id = maps.services.get(String(view.id)) ?? view.id;
  return out;
}

/** `PUT /os-services/{action}` before 2.53: `enable`, `disable`, `disable-log-reason`, `force-down` (2.11) with `host` and `binary`. */
function legacyServiceUpdate(r: NovaRequest): RestResponse {
  const action = r.param('id');
  const actions = ['enable', 'disable', 'disable-log-reason', ...(r.v.atLeast('2.11') ? ['force-down'] : [])];
  const body = r.body.present ? r.body.value : null;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw schemaError(`${pyRepr(body)} is not of type 'object'`);
  const b = body as unknown as View;
  for (const key of ['host', 'binary']) {
    if (!Object.hasOwn(b, key)) throw schemaError(`${pyRepr(key)} is a required property`);
    if (typeof b[key] !== 'string') throw schemaError(`${pyRepr(b[key])} is not of type 'string'`, { name: key, value: b[key] });
  }
  if (!actions.includes(action)) throw httpNotFound('Unknown action');
  const host = b.host as string;
  const binary = b.binary as string;
  if (action === 'disable-log-reason' && b.disabled_reason === undefined) throw httpBadRequest('Missing disabled reason field', 'disabled_reason');
  if (action === 'force-down' && b.forced_down === undefined) throw httpBadRequest('Missing forced_down field', 'forced_down');
  if (binary !== 'nova-compute') throw httpBadRequest(`Updating a ${binary.slice(0, 80)} service is not supported. Only nova-compute services can be updated.`, 'binary');
  const api = r.api();
  const service = api.listComputeServices({ host, binary })[0] as unknown as View | undefined;
  if (service === undefined) throw new NovaError(404, 'compute.service.not_found', 'HostBinaryNotFound', `Could not find binary ${binary.slice(0, 80)} on host ${host.slice(0, 80)}.`, { host, binary });
  if (action === 'force-down') {
    const forced = b.forced_down === true || (typeof b.forced_down === 'string' && ['1', 't', 'true', 'on', 'y', 'yes'].includes(b.forced_down.toLowerCase()));
    api.updateComputeService(String(service.id), { forced_down: forced });
    return json(200, { service: { host, binary, forced_down: forced } });
  }
  const status = action === 'enable' ? 'enabled' : 'disabled';
  const reason = action === 'disable-log-reason' ? (b.disabled_reason as string) : undefined;
  api.updateComputeService(String(service.id), { status, ...(reason !== undefined ? { disabled_reason: reason } : {}) });
  return json(200, { service: { host, binary, status, ...(reason ? { disabled_reason: reason } : {}) } });
}

/** The service of the path's id: a uuid from 2.53 (400 "Invalid uuid"), an integer before. */
function serviceUuid(r: NovaRequest): string {
  const id = r.param('id');
  const maps = idMaps(r);
  if (maps === undefined) {
    if (!UUID_LIKE.test(id)) throw httpBadRequest(`Invalid uuid ${id.slice(0, 80)}`, 'id');
    return id;
  }
  if (!/^\s*[+-]?\d+\s*$/.test(id)) throw httpBadRequest('Invalid input received: id must be an integer', 'id');
  const uuid = [...maps.services].find(([, n]) => n === Number(id))?.[0];
  if (uuid === undefined) throw notFound('service', id);
  return uuid;
}

/** Services. */
const SERVICE_ROUTES: readonly NovaRouteSpec[] = [
  {
    method: 'GET',
    path: '/os-services',
    handle: (r) => {
      const maps = idMaps(r);
      const q = listQuery(r.call, r.v, ['binary', 'host'], undefined);
      return json(200, { services: r.api().listComputeServices(q).map((s) => serviceAt(r, s as unknown as View, maps)) });
    },
  },
  {
    method: 'PUT',
    path: '/os-services/{id}',
    handle: (r) => {
      if (!r.v.atLeast('2.53')) return legacyServiceUpdate(r);
      const id = serviceUuid(r);
      const body = r.body.present ? r.body.value : null;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw schemaError(`${pyRepr(body)} is not of type 'object'`);
      return json(200, { service: serviceAt(r, r.api().updateComputeService(id, body as never) as unknown as View, undefined) });
    },
  },
  { method: 'DELETE', path: '/os-services/{id}', handle: (r) => (r.api().deleteComputeService(serviceUuid(r)), empty(204)) },
];

// ---------------------------------------------------------------------------- extensions

const EXTENSION_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/extensions', handle: () => json(200, { extensions: NOVA_EXTENSIONS.map(extensionView) }) },
  {
    method: 'GET',
    path: '/extensions/{alias}',
    handle: (r) => {
      const entry = NOVA_EXTENSIONS.find(([alias]) => alias === r.param('alias'));
      if (entry === undefined) throw httpNotFound();
      return json(200, { extension: extensionView(entry) });
    },
  },
];

/** Everything but servers and flavors. */
export const CONTRIB_ROUTES: readonly NovaRouteSpec[] = [
  ...KEYPAIR_ROUTES,
  ...QUOTA_ROUTES,
  ...SERVER_GROUP_ROUTES,
  ...ZONE_ROUTES,
  ...HYPERVISOR_ROUTES,
  ...AGGREGATE_ROUTES,
  ...SERVICE_ROUTES,
  ...EXTENSION_ROUTES,
];
