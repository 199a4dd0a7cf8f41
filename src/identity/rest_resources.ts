/**
 * Keystone v3's resource routes (`keystone/api/*.py`) over `session.identity`: domains, projects,
 * users (password change, groups, projects, application credentials), groups and membership,
 * roles and implied roles, grants (project, domain, system, `OS-INHERIT`), role assignments,
 * regions, services and endpoints. Each route reads the request as Keystone does (body wrapped in
 * its member key, filters from the query) and answers Keystone's status codes and shapes, with
 * `links.self` on each entity and `links` on each list.
 *
 * Not simulated: listing a grant's roles (`GET /v3/projects/{p}/users/{u}/roles`), updating
 * regions, services and endpoints, `PUT /v3/regions/{id}`, project tags as sub-resources,
 * endpoint groups and filters, limits, credentials, policies, federation, OAuth, trusts. Path
 * references resolve as the session API resolves them (an id, or a name).
 */
import { BadRequest, NotFound, json, type Ref, type RestResponse } from '../core/index.js';
import type { GrantRequest } from './api.js';
import type { RoleAssignmentView } from './assignments.js';
import type { EndpointRow } from './types.js';
import {
  collectionResponse,
  empty,
  expecting,
  identity,
  invalidField,
  isObject,
  linked,
  listFilters,
  member,
  memberResponse,
  noContent,
  idParam,
  param,
  queryFlag,
  selfUrl,
  shown,
  v3Url,
  withoutDefaults,
  type IdentityCall,
  type IdentityRoute,
} from './rest_common.js';

type Handler = (call: IdentityCall) => RestResponse;
const route = (method: IdentityRoute['method'], path: string, handle: Handler): IdentityRoute => ({ method, path, handle });

// ---------------------------------------------------------------- domains and projects

const DOMAIN_DEFAULTS = { options: empty, explicit_domain_id: (v: unknown) => v === undefined || v === null };
const PROJECT_DEFAULTS = { options: empty, is_domain: (v: unknown) => v === false || v === null };

const DOMAIN_ROUTES: IdentityRoute[] = [
  route('POST', '/v3/domains', (call) => memberResponse(call, 201, 'domain', 'domains', identity(call).createDomain(withoutDefaults(member(call, 'domain'), 'domain', DOMAIN_DEFAULTS) as never))),
  route('GET', '/v3/domains', (call) => collectionResponse(call, 'domains', identity(call).listDomains(listFilters(call, ['name', 'enabled']) as never))),
  route('GET', '/v3/domains/{domain_id}', (call) => memberResponse(call, 200, 'domain', 'domains', identity(call).getDomain(idParam(call, 'domain_id')))),
  route('PATCH', '/v3/domains/{domain_id}', (call) => memberResponse(call, 200, 'domain', 'domains', identity(call).updateDomain(idParam(call, 'domain_id'), withoutDefaults(member(call, 'domain'), 'domain', { options: empty }) as never))),
  route('DELETE', '/v3/domains/{domain_id}', (call) => {
    identity(call).deleteDomain(idParam(call, 'domain_id'));
    return noContent;
  }),
];

/** `GET /v3/projects`: Keystone's filters; `is_domain=true` lists nothing (no project acts as a domain here). */
function listProjects(call: IdentityCall): RestResponse {
  const api = identity(call);
  const projects = api.listProjects(listFilters(call, ['domain_id', 'parent_id', 'name', 'enabled']) as never);
  const isDomain = call.query.get('is_domain');
  return collectionResponse(call, 'projects', isDomain !== undefined && isDomain.toLowerCase() === 'true' ? [] : projects);
}

const PROJECT_ROUTES: IdentityRoute[] = [
  route('POST', '/v3/projects', (call) => memberResponse(call, 201, 'project', 'projects', identity(call).createProject(withoutDefaults(member(call, 'project'), 'project', PROJECT_DEFAULTS) as never))),
  route('GET', '/v3/projects', listProjects),
  route('GET', '/v3/projects/{project_id}', (call) => memberResponse(call, 200, 'project', 'projects', identity(call).getProject(idParam(call, 'project_id')))),
  route('PATCH', '/v3/projects/{project_id}', (call) => memberResponse(call, 200, 'project', 'projects', identity(call).updateProject(idParam(call, 'project_id'), withoutDefaults(member(call, 'project'), 'project', { options: empty }) as never))),
  route('DELETE', '/v3/projects/{project_id}', (call) => {
    identity(call).deleteProject(idParam(call, 'project_id'));
    return noContent;
  }),
];

// ---------------------------------------------------------------- users and groups

const USER_DEFAULTS = { options: empty, federated: empty };

const USER_ROUTES: IdentityRoute[] = [
  route('POST', '/v3/users', (call) => memberResponse(call, 201, 'user', 'users', identity(call).createUser(withoutDefaults(member(call, 'user'), 'user', USER_DEFAULTS) as never))),
  route('GET', '/v3/users', (call) => collectionResponse(call, 'users', identity(call).listUsers(listFilters(call, ['domain_id', 'name', 'enabled']) as never))),
  route('GET', '/v3/users/{user_id}', (call) => memberResponse(call, 200, 'user', 'users', identity(call).getUser(idParam(call, 'user_id')))),
  route('PATCH', '/v3/users/{user_id}', (call) => memberResponse(call, 200, 'user', 'users', identity(call).updateUser(idParam(call, 'user_id'), withoutDefaults(member(call, 'user'), 'user', USER_DEFAULTS) as never))),
  route('DELETE', '/v3/users/{user_id}', (call) => {
    identity(call).deleteUser(idParam(call, 'user_id'));
    return noContent;
  }),
  route('POST', '/v3/users/{user_id}/password', (call) => {
    identity(call).changePassword(idParam(call, 'user_id'), member(call, 'user') as never);
    return noContent;
  }),
  route('GET', '/v3/users/{user_id}/groups', (call) => collectionResponse(call, 'groups', identity(call).listGroupsForUser(idParam(call, 'user_id')))),
  route('GET', '/v3/users/{user_id}/projects', (call) => collectionResponse(call, 'projects', identity(call).listUserProjects(idParam(call, 'user_id')))),
];

const GROUP_ROUTES: IdentityRoute[] = [
  route('POST', '/v3/groups', (call) => memberResponse(call, 201, 'group', 'groups', identity(call).createGroup(member(call, 'group') as never))),
  route('GET', '/v3/groups', (call) => collectionResponse(call, 'groups', identity(call).listGroups(listFilters(call, ['domain_id', 'name']) as never))),
  route('GET', '/v3/groups/{group_id}', (call) => memberResponse(call, 200, 'group', 'groups', identity(call).getGroup(idParam(call, 'group_id')))),
  route('PATCH', '/v3/groups/{group_id}', (call) => memberResponse(call, 200, 'group', 'groups', identity(call).updateGroup(idParam(call, 'group_id'), member(call, 'group') as never))),
  route('DELETE', '/v3/groups/{group_id}', (call) => {
    identity(call).deleteGroup(idParam(call, 'group_id'));
    return noContent;
  }),
  route('GET', '/v3/groups/{group_id}/users', (call) => collectionResponse(call, 'users', identity(call).listUsersInGroup(idParam(call, 'group_id')))),
  route('PUT', '/v3/groups/{group_id}/users/{user_id}', (call) => {
    identity(call).addUserToGroup(idParam(call, 'group_id'), idParam(call, 'user_id'));
    return noContent;
  }),
  route('HEAD', '/v3/groups/{group_id}/users/{user_id}', (call) => membership(call)),
  route('GET', '/v3/groups/{group_id}/users/{user_id}', (call) => membership(call)),
  route('DELETE', '/v3/groups/{group_id}/users/{user_id}', (call) => {
    identity(call).removeUserFromGroup(idParam(call, 'group_id'), idParam(call, 'user_id'));
    return noContent;
  }),
];

function membership(call: IdentityCall): RestResponse {
  const g = idParam(call, 'group_id');
  const u = idParam(call, 'user_id');
  if (!identity(call).checkUserInGroup(g, u)) throw new NotFound('identity.group_member.not_found', `User '${u.id}' not found in group '${g.id}'`);
  return noContent;
}

// ---------------------------------------------------------------- roles and implied roles

const ROLE_ROUTES: IdentityRoute[] = [
  route('POST', '/v3/roles', (call) => memberResponse(call, 201, 'role', 'roles', identity(call).createRole(withoutDefaults(member(call, 'role'), 'role', { options: empty }) as never))),
  route('GET', '/v3/roles', (call) => collectionResponse(call, 'roles', identity(call).listRoles(listFilters(call, ['name', 'domain_id']) as never))),
  route('GET', '/v3/roles/{role_id}', (call) => memberResponse(call, 200, 'role', 'roles', identity(call).getRole(idParam(call, 'role_id')))),
  route('PATCH', '/v3/roles/{role_id}', (call) => memberResponse(call, 200, 'role', 'roles', identity(call).updateRole(idParam(call, 'role_id'), withoutDefaults(member(call, 'role'), 'role', { options: empty }) as never))),
  route('DELETE', '/v3/roles/{role_id}', (call) => {
    identity(call).deleteRole(idParam(call, 'role_id'));
    return noContent;
  }),
];

/** keystone/api/_shared/implied_roles.py: a role as an implication shows it (`id`, `name`, `links.self`). */
function roleRef(call: IdentityCall, r: { readonly id: string; readonly name: string }): Record<string, unknown> {
  return { id: r.id, name: r.name, links: { self: v3Url(call, `/roles/${r.id}`) } };
}

function implication(call: IdentityCall, status: number, check: boolean): RestResponse {
  const prior = idParam(call, 'prior_role_id');
  const implied = idParam(call, 'implied_role_id');
  const rule = identity(call).getImpliedRole(prior, implied, { check });
  if (check) return noContent;
  return json(status, {
    role_inference: { prior_role: roleRef(call, rule.prior_role), implies: roleRef(call, rule.implies) },
    links: { self: v3Url(call, `/roles/${rule.prior_role.id}/implies/${rule.implies.id}`) },
  });
}

const IMPLIED_ROLE_ROUTES: IdentityRoute[] = [
  route('GET', '/v3/roles/{prior_role_id}/implies', (call) => {
    const api = identity(call);
    const prior = api.getRole(idParam(call, 'prior_role_id'));
    const implies = api.listImpliedRoles(prior.id);
    return json(200, { role_inference: { prior_role: roleRef(call, prior), implies: implies.map((r) => roleRef(call, r)) }, links: { self: v3Url(call, `/roles/${prior.id}/implies`) } });
  }),
  route('PUT', '/v3/roles/{prior_role_id}/implies/{implied_role_id}', (call) => {
    identity(call).createImpliedRole(idParam(call, 'prior_role_id'), idParam(call, 'implied_role_id'));
    return implication(call, 201, false);
  }),
  route('GET', '/v3/roles/{prior_role_id}/implies/{implied_role_id}', (call) => implication(call, 200, false)),
  route('HEAD', '/v3/roles/{prior_role_id}/implies/{implied_role_id}', (call) => implication(call, 204, true)),
  route('DELETE', '/v3/roles/{prior_role_id}/implies/{implied_role_id}', (call) => {
    identity(call).deleteImpliedRole(idParam(call, 'prior_role_id'), idParam(call, 'implied_role_id'));
    return noContent;
  }),
  route('GET', '/v3/role_inferences', (call) =>
    json(200, {
      role_inferences: identity(call).listRoleInferenceRules().map((rule) => ({ prior_role: roleRef(call, rule.prior_role), implies: rule.implies.map((r) => roleRef(call, r)) })),
      links: { self: selfUrl(call), previous: null, next: null },
    }),
  ),
];

// ---------------------------------------------------------------- grants

/** The grant a path names (`/projects/{project_id}/users/{user_id}/roles/{role_id}` and its kin). */
function grantOf(call: IdentityCall, target: 'project' | 'domain' | 'system', actor: 'user' | 'group', inherited: boolean): GrantRequest {
  const actorRef = idParam(call, `${actor}_id`);
  return {
    role: idParam(call, 'role_id'),
    ...(actor === 'user' ? { user: actorRef } : { group: actorRef }),
    ...(target === 'system' ? { system: 'all' as const } : target === 'project' ? { project: idParam(call, 'project_id') } : { domain: idParam(call, 'domain_id') }),
    ...(inherited ? { inherited: true } : {}),
  };
}

function grantRoutes(path: string, target: 'project' | 'domain' | 'system', actor: 'user' | 'group', inherited: boolean): IdentityRoute[] {
  const check = (call: IdentityCall): RestResponse => {
    const g = grantOf(call, target, actor, inherited);
    if (!identity(call).checkGrant(g)) {
      const id = (ref: Ref | undefined): string => (ref === undefined ? 'all' : typeof ref === 'string' ? ref : ref.id);
      throw new NotFound('identity.role_assignment.not_found', `Could not find role assignment with role: ${id(g.role)}, user or group: ${id(g.user ?? g.group)}, project, domain, or system: ${id(g.project ?? g.domain)}.`);
    }
    return noContent;
  };
  return [
    route('PUT', path, (call) => {
      identity(call).createGrant(grantOf(call, target, actor, inherited));
      return noContent;
    }),
    route('HEAD', path, check),
    route('GET', path, check),
    route('DELETE', path, (call) => {
      identity(call).deleteGrant(grantOf(call, target, actor, inherited));
      return noContent;
    }),
  ];
}

const GRANT_ROUTES: IdentityRoute[] = [
  ...grantRoutes('/v3/projects/{project_id}/users/{user_id}/roles/{role_id}', 'project', 'user', false),
  ...grantRoutes('/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}', 'project', 'group', false),
  ...grantRoutes('/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}', 'domain', 'user', false),
  ...grantRoutes('/v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}', 'domain', 'group', false),
  ...grantRoutes('/v3/system/users/{user_id}/roles/{role_id}', 'system', 'user', false),
  ...grantRoutes('/v3/system/groups/{group_id}/roles/{role_id}', 'system', 'group', false),
  ...grantRoutes('/v3/OS-INHERIT/projects/{project_id}/users/{user_id}/roles/{role_id}/inherited_to_projects', 'project', 'user', true),
  ...grantRoutes('/v3/OS-INHERIT/projects/{project_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects', 'project', 'group', true),
  ...grantRoutes('/v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/{role_id}/inherited_to_projects', 'domain', 'user', true),
  ...grantRoutes('/v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects', 'domain', 'group', true),
];

// ---------------------------------------------------------------- role assignments

/** keystone/api/role_assignments.py: its 400s, with Keystone's words, before the session is asked. */
function assignmentFilter(call: IdentityCall): Parameters<ReturnType<typeof identity>['listRoleAssignments']>[0] {
  const q = (name: string): string | undefined => {
    const v = call.query.get(name);
    return v === undefined || v === '' ? undefined : v;
  };
  const invalid = (message: string): BadRequest => new BadRequest('identity.role_assignment.filter', message, { field: 'query' });
  if (q('scope.domain.id') && q('scope.project.id')) throw invalid('Specify a domain or project, not both');
  if (q('scope.domain.id') && q('scope.system')) throw invalid('Specify system or domain, not both');
  if (q('scope.project.id') && q('scope.system')) throw invalid('Specify system or project, not both');
  if (q('user.id') && q('group.id')) throw invalid('Specify a user or group, not both');
  const effective = queryFlag(call, 'effective');
  const inheritedTo = call.query.get('scope.OS-INHERIT:inherited_to');
  const inherited = inheritedTo === undefined ? undefined : inheritedTo === 'projects';
  const subtree = queryFlag(call, 'include_subtree');
  if (subtree && !q('scope.project.id')) throw invalid('scope.project.id must be specified if include_subtree is also specified');
  if (effective && q('group.id')) throw invalid('Combining effective and group filter will always result in an empty list.');
  if (effective && inherited === true && q('scope.domain.id')) throw invalid('Combining effective, domain and inherited filters will always result in an empty list.');
  const system = q('scope.system');
  return {
    ...(q('user.id') ? { user: q('user.id') } : {}),
    ...(q('group.id') ? { group: q('group.id') } : {}),
    ...(q('scope.project.id') ? { project: q('scope.project.id') } : {}),
    ...(q('scope.domain.id') ? { domain: q('scope.domain.id') } : {}),
    ...(system !== undefined ? { system: system as 'all' } : {}),
    ...(q('role.id') ? { role: q('role.id') } : {}),
    ...(inherited !== undefined ? { inherited } : {}),
    effective,
    include_names: queryFlag(call, 'include_names'),
    include_subtree: subtree,
  };
}

/** An assignment with Keystone's links as URLs. */
function servedAssignment(call: IdentityCall, a: RoleAssignmentView): Record<string, unknown> {
  const links: Record<string, string> = { assignment: v3Url(call, a.links.assignment) };
  if (a.links.membership !== undefined) links.membership = v3Url(call, a.links.membership);
  return { ...a, links };
}

const ASSIGNMENT_ROUTES: IdentityRoute[] = [
  route('GET', '/v3/role_assignments', (call) =>
    json(200, {
      role_assignments: identity(call).listRoleAssignments(assignmentFilter(call)).map((a) => servedAssignment(call, a)),
      links: { self: selfUrl(call), previous: null, next: null },
    }),
  ),
];

// ---------------------------------------------------------------- application credentials

/** Keystone's ISO-8601 `expires_at` as virtual seconds of this cloud's clock (400 naming the field when it is not a date). */
function expiresAt(call: IdentityCall, value: unknown): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw invalidField('application_credential/expires_at', `${shown(value)} is not of type 'string', 'null'`);
  const at = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(at)) throw invalidField('application_credential/expires_at', `${shown(value)} is not a 'date-time'`);
  const epoch = Date.parse(call.kernel.view().meta.clock.epoch);
  return (at - epoch) / 1000;
}

/** The request's roles (`[{"id": …}]` or `[{"name": …}]`) as the session API takes them. */
function appCredRoles(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidField('application_credential/roles', `${shown(value)} is not of type 'array'`);
  return value.map((r, i) => {
    if (!isObject(r)) throw invalidField(`application_credential/roles/${i}`, `${shown(r)} is not of type 'object'`);
    const ref = r.id ?? r.name;
    if (typeof ref !== 'string' || ref === '') throw invalidField(`application_credential/roles/${i}`, 'id or name must be present.');
    return ref;
  });
}

/** An application credential view with Keystone's extra fields (`access_rules`, `system`). */
function appCredLinked<T extends { readonly id: string; readonly user_id: string }>(call: IdentityCall, a: T): T & { links: { self: string } } {
  return { ...a, access_rules: [], system: null, links: { self: v3Url(call, `/users/${a.user_id}/application_credentials/${a.id}`) } };
}

const APP_CRED_ROUTES: IdentityRoute[] = [
  route('POST', '/v3/users/{user_id}/application_credentials', (call) => {
    const body = withoutDefaults(member(call, 'application_credential'), 'application_credential', { access_rules: empty, system: (v) => v === null || v === undefined });
    const { expires_at, roles, ...rest } = body;
    const exp = expiresAt(call, expires_at);
    const roleRefs = appCredRoles(roles);
    const input: Record<string, unknown> = { ...rest, ...(exp !== undefined ? { expires_at: exp } : {}), ...(roleRefs !== undefined ? { roles: roleRefs } : {}) };
    if (input.secret === null) delete input.secret;
    if (input.description === null) delete input.description;
    if (input.name === undefined) throw invalidField('application_credential', "'name' is a required property");
    const created = identity(call).createApplicationCredential(idParam(call, 'user_id'), input as never);
    return json(201, { application_credential: appCredLinked(call, created) });
  }),
  route('GET', '/v3/users/{user_id}/application_credentials', (call) => {
    const name = call.query.get('name');
    const list = identity(call).listApplicationCredentials(idParam(call, 'user_id')).filter((a) => name === undefined || a.name === name);
    return json(200, { application_credentials: list.map((a) => appCredLinked(call, a)), links: { self: selfUrl(call), previous: null, next: null } });
  }),
  route('GET', '/v3/users/{user_id}/application_credentials/{application_credential_id}', (call) =>
    json(200, { application_credential: appCredLinked(call, identity(call).getApplicationCredential(idParam(call, 'user_id'), param(call, 'application_credential_id'))) }),
  ),
  route('DELETE', '/v3/users/{user_id}/application_credentials/{application_credential_id}', (call) => {
    identity(call).deleteApplicationCredential(idParam(call, 'user_id'), param(call, 'application_credential_id'));
    return noContent;
  }),
];

// ---------------------------------------------------------------- catalog

/** An endpoint as Keystone shows it (`region` kept beside `region_id`), its URL as this server serves it. */
function endpointView(call: IdentityCall, e: EndpointRow): EndpointRow & { region: string } {
  return { ...e, region: e.region_id, url: call.endpointUrl(e.url) };
}

const CATALOG_ROUTES: IdentityRoute[] = [
  route('POST', '/v3/regions', (call) => memberResponse(call, 201, 'region', 'regions', identity(call).createRegion(member(call, 'region') as never))),
  route('GET', '/v3/regions', (call) => {
    const parent = call.query.get('parent_region_id');
    return collectionResponse(call, 'regions', identity(call).listRegions().filter((r) => parent === undefined || r.parent_region_id === parent));
  }),
  route('GET', '/v3/regions/{region_id}', (call) => memberResponse(call, 200, 'region', 'regions', identity(call).getRegion(param(call, 'region_id')))),
  route('DELETE', '/v3/regions/{region_id}', (call) => {
    identity(call).deleteRegion(param(call, 'region_id'));
    return noContent;
  }),
  route('POST', '/v3/services', (call) => memberResponse(call, 201, 'service', 'services', identity(call).createService(member(call, 'service') as never))),
  route('GET', '/v3/services', (call) => collectionResponse(call, 'services', identity(call).listServices(listFilters(call, ['type', 'name']) as never))),
  route('GET', '/v3/services/{service_id}', (call) => memberResponse(call, 200, 'service', 'services', identity(call).getService(param(call, 'service_id')))),
  route('DELETE', '/v3/services/{service_id}', (call) => {
    identity(call).deleteService(param(call, 'service_id'));
    return noContent;
  }),
  route('POST', '/v3/endpoints', (call) => {
    const body = member(call, 'endpoint');
    // keystoneclient sends the legacy `region` too; Keystone takes it as region_id when region_id is absent
    const { region, ...rest } = body;
    const input = rest.region_id === undefined && typeof region === 'string' ? { ...rest, region_id: region } : rest;
    return memberResponse(call, 201, 'endpoint', 'endpoints', endpointView(call, identity(call).createEndpoint(input as never)));
  }),
  route('GET', '/v3/endpoints', (call) => collectionResponse(call, 'endpoints', identity(call).listEndpoints(listFilters(call, ['service_id', 'interface', 'region_id']) as never).map((e) => endpointView(call, e)))),
  route('GET', '/v3/endpoints/{endpoint_id}', (call) => memberResponse(call, 200, 'endpoint', 'endpoints', endpointView(call, identity(call).getEndpoint(param(call, 'endpoint_id'))))),
  route('DELETE', '/v3/endpoints/{endpoint_id}', (call) => {
    identity(call).deleteEndpoint(param(call, 'endpoint_id'));
    return noContent;
  }),
];

/** Every resource route of Keystone v3 that `session.identity` answers. */
export const RESOURCE_ROUTES: readonly IdentityRoute[] = [
  ...DOMAIN_ROUTES,
  ...PROJECT_ROUTES,
  ...USER_ROUTES,
  ...GROUP_ROUTES,
  ...ROLE_ROUTES,
  ...IMPLIED_ROLE_ROUTES,
  ...GRANT_ROUTES,
  ...ASSIGNMENT_ROUTES,
  ...APP_CRED_ROUTES,
  ...CATALOG_ROUTES,
];

