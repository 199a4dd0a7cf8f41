/**
 * Keystone's resources as draft mutators: domains, projects (a hierarchy), users, groups and
 * membership, roles and implied roles. Policy is checked by the caller (`api.ts`); these check
 * input and Keystone's own rules (unique names, tree constraints) and change the draft.
 */
import { check, Conflict as ConflictError, Forbidden, InvalidInput, NotFound, deleteRow, getRow, setRow, tableToArray, type CloudState, type Tx } from '../core/index.js';
import { hashSecret } from './passwords.js';
import { revocationKey, scheduleTokenFlush, type RevocationField, type RevocationMatch } from './tokens.js';
import { DEFAULT_DOMAIN_ID, ancestors, assignmentKey, children, getDomain, getGroup, getProject, getRole, getUser, namedDomains, namedGroups, namedProjects, namedRoles, namedUsers, withPrefix } from './queries.js';
import type { AssignmentRow, DomainRow, GroupRow, ProjectRow, RoleRow, UserRow } from './types.js';

type S = CloudState;
const st = (tx: Tx): S => tx.draft as S;

/** Keystone's `[resource] max_project_tree_depth` (Zed: 5). */
export const MAX_PROJECT_TREE_DEPTH = 5;
/** Keystone's `[assignment] prohibited_implied_role` (Zed: admin). */
export const PROHIBITED_IMPLIED_ROLES = ['admin'];

const tags = (x: unknown, f: string): string[] => {
  const list = check.array(x, f, (t, tf) => {
    const tag = check.name(t, tf, 255);
    if (tag.includes('/') || tag.includes(',')) throw new InvalidInput(tf, "a tag may not contain '/' or ','.");
    return tag;
  }, 80);
  return [...new Set(list)];
};

function notify(tx: Tx, event: 'domain' | 'project' | 'user' | 'group' | 'role', action: 'created' | 'updated' | 'deleted', id: string): void {
  tx.emit(`identity.${event}.${action}`, () => ({ resource_info: id, action }), { publisher: 'identity.controller' });
}

// ---------------------------------------------------------------- domains

/** `POST /v3/domains`. */
export function createDomain(tx: Tx, input: unknown, id?: string): DomainRow {
  const d = check.record(input, 'domain');
  check.onlyKeys(d, ['name', 'description', 'enabled', 'tags'], 'domain');
  const row: DomainRow = {
    id: id ?? tx.ids.uuid().replace(/-/g, ''),
    name: check.name(d.name, 'domain.name', 64),
    description: check.optional(d.description, 'domain.description', (x, f) => check.text(x, f, 65535), ''),
    enabled: check.optional(d.enabled, 'domain.enabled', check.boolean, true),
    tags: check.optional(d.tags, 'domain.tags', tags, []),
    options: {},
  };
  namedDomains.insert(st(tx), row);
  tx.trace('keystone', 'domain created', { id: row.id, name: row.name });
  notify(tx, 'domain', 'created', row.id);
  return row;
}

/** `PATCH /v3/domains/{id}`. Disabling a domain invalidates every token scoped in it. */
export function updateDomain(tx: Tx, domain: DomainRow, patch: unknown): DomainRow {
  const p = check.patch(patch, ['name', 'description', 'enabled', 'tags'], 'domain');
  const next: DomainRow = {
    ...domain,
    name: p.name === undefined ? domain.name : check.name(p.name, 'domain.name', 64),
    description: p.description === undefined ? domain.description : check.text(p.description, 'domain.description', 65535),
    enabled: p.enabled === undefined ? domain.enabled : check.boolean(p.enabled, 'domain.enabled'),
    tags: p.tags === undefined ? domain.tags : tags(p.tags, 'domain.tags'),
  };
  if (next.id === DEFAULT_DOMAIN_ID && !next.enabled) throw new Forbidden('identity.domain.default_disable', 'The default domain cannot be disabled.');
  namedDomains.update(st(tx), domain, next);
  if (domain.enabled && !next.enabled) revoke(tx, { domain_id: next.id });
  notify(tx, 'domain', 'updated', next.id);
  return next;
}

/** `DELETE /v3/domains/{id}`: refused while enabled (403, as Keystone); takes its projects, users and groups with it. */
export function deleteDomain(tx: Tx, domain: DomainRow): void {
  if (domain.id === DEFAULT_DOMAIN_ID) throw new Forbidden('identity.domain.default_delete', 'The default domain cannot be deleted.');
  if (domain.enabled) throw new Forbidden('identity.domain.enabled', `Cannot delete a domain that is enabled, please disable it first: '${domain.name}'.`);
  const s = st(tx);
  // leaves first, so every project delete sees a leaf
  const projects = tableToArray(s.identity.projects).filter((p) => p.domain_id === domain.id);
  const depth = (p: ProjectRow) => ancestors(s, p).length;
  for (const p of projects.sort((a, b) => depth(b) - depth(a))) deleteProject(tx, getRow(s.identity.projects, p.id) as ProjectRow);
  for (const u of tableToArray(s.identity.users).filter((x) => x.domain_id === domain.id)) deleteUser(tx, u);
  for (const g of tableToArray(s.identity.groups).filter((x) => x.domain_id === domain.id)) deleteGroup(tx, g);
  for (const r of tableToArray(s.identity.roles).filter((x) => x.domain_id === domain.id)) deleteRole(tx, r);
  removeAssignmentsOn(tx, 'domain', domain.id);
  namedDomains.remove(s, domain);
  notify(tx, 'domain', 'deleted', domain.id);
}

// ---------------------------------------------------------------- projects

/**
 * `POST /v3/projects`. The parent (default: the domain's top level) must be in the same domain;
 * an enabled project cannot go under a disabled parent; the tree is at most
 * `max_project_tree_depth` deep; names are unique within the domain.
 */
export function createProject(tx: Tx, input: unknown, defaultDomainId: string, id?: string): ProjectRow {
  const s = st(tx);
  const p = check.record(input, 'project');
  check.onlyKeys(p, ['name', 'description', 'domain_id', 'parent_id', 'enabled', 'is_domain', 'tags'], 'project');
  if (p.is_domain === true) throw new InvalidInput('project.is_domain', 'projects acting as domains are not simulated; create a domain instead.');
  if (p.is_domain !== undefined) check.boolean(p.is_domain, 'project.is_domain');
  const name = check.name(p.name, 'project.name', 64);
  let domainId = p.domain_id === undefined ? defaultDomainId : getDomain(s, p.domain_id, undefined, 'project.domain_id').id;
  let parentId = domainId;
  let depth = 1;
  if (p.parent_id !== undefined && p.parent_id !== null) {
    const parentDomain = getRow(s.identity.domains, check.name(p.parent_id, 'project.parent_id', 255));
    if (parentDomain) {
      if (p.domain_id !== undefined && parentDomain.id !== domainId) throw new InvalidInput('project.parent_id', 'the parent is another domain than domain_id.');
      domainId = parentDomain.id;
      parentId = parentDomain.id;
    } else {
      const parent = getProject(s, p.parent_id, undefined, undefined, 'project.parent_id');
      if (p.domain_id !== undefined && parent.domain_id !== domainId) throw new InvalidInput('project.parent_id', `the parent project is in domain '${parent.domain_id}', not '${domainId}'.`);
      domainId = parent.domain_id;
      parentId = parent.id;
      const branch = [parent, ...ancestors(s, parent)];
      depth = branch.length + 1;
      const disabled = branch.find((x) => !x.enabled);
      if (disabled) throw new InvalidInput('project.parent_id', `cannot create a project in a branch containing a disabled project: ${disabled.id} ('${disabled.name}').`, 'identity.project.parent_disabled');
    }
  }
  if (depth > MAX_PROJECT_TREE_DEPTH) throw new Forbidden('identity.project.too_deep', `Max hierarchy depth reached for '${name}' (max_project_tree_depth is ${MAX_PROJECT_TREE_DEPTH}).`);
  namedProjects.assertFree(s, domainId, name);
  const row: ProjectRow = {
    id: id ?? tx.ids.uuid().replace(/-/g, ''),
    name,
    description: check.optional(p.description, 'project.description', (x, f) => check.text(x, f, 65535), ''),
    domain_id: domainId,
    parent_id: parentId,
    enabled: check.optional(p.enabled, 'project.enabled', check.boolean, true),
    is_domain: false,
    tags: check.optional(p.tags, 'project.tags', tags, []),
    options: {},
  };
  namedProjects.insert(s, row);
  setRow(tx.draft.identity.project_children, `${parentId}/${row.id}`, row.id);
  tx.trace('keystone', 'project created', { id: row.id, name });
  notify(tx, 'project', 'created', row.id);
  return row;
}

/** `PATCH /v3/projects/{id}`: no enabling under a disabled parent, no disabling over enabled children. */
export function updateProject(tx: Tx, project: ProjectRow, patch: unknown): ProjectRow {
  const s = st(tx);
  const p = check.patch(patch, ['name', 'description', 'enabled', 'tags', 'domain_id', 'parent_id', 'is_domain'], 'project');
  if (p.domain_id !== undefined && p.domain_id !== project.domain_id) throw new InvalidInput('project.domain_id', 'a project cannot move to another domain.');
  if (p.parent_id !== undefined && p.parent_id !== project.parent_id) throw new Forbidden('identity.project.reparent', `Update of parent_id of project '${project.name}' is not allowed (Keystone refuses re-parenting).`);
  if (p.is_domain !== undefined && p.is_domain !== project.is_domain) throw new InvalidInput('project.is_domain', 'is_domain cannot change.');
  const next: ProjectRow = {
    ...project,
    name: p.name === undefined ? project.name : check.name(p.name, 'project.name', 64),
    description: p.description === undefined ? project.description : check.text(p.description, 'project.description', 65535),
    enabled: p.enabled === undefined ? project.enabled : check.boolean(p.enabled, 'project.enabled'),
    tags: p.tags === undefined ? project.tags : tags(p.tags, 'project.tags'),
  };
  if (next.enabled && !project.enabled) {
    const parent = getRow(s.identity.projects, project.parent_id);
    if (parent && !parent.enabled) throw new Forbidden('identity.project.parent_disabled', `Cannot enable project '${project.name}': its parent '${parent.name}' is disabled.`);
  }
  if (!next.enabled && project.enabled && children(s, project.id).some((c) => c.enabled)) {
    throw new Forbidden('identity.project.enabled_children', `Cannot disable project '${project.name}': its subtree contains enabled projects.`);
  }
  namedProjects.update(s, project, next);
  if (project.enabled && !next.enabled) revoke(tx, { project_id: next.id });
  notify(tx, 'project', 'updated', next.id);
  return next;
}

/** `DELETE /v3/projects/{id}`: only a leaf (403 otherwise); its assignments and tokens go with it. */
export function deleteProject(tx: Tx, project: ProjectRow): void {
  const s = st(tx);
  if (children(s, project.id).length > 0) throw new Forbidden('identity.project.not_leaf', `Cannot delete project '${project.name}': it is not a leaf in the hierarchy; delete its children first.`);
  tx.hook('identity.project.deleting', project);
  removeAssignmentsOn(tx, 'project', project.id);
  for (const c of tableToArray(s.identity.application_credentials).filter((a) => a.project_id === project.id)) deleteRow(tx.draft.identity.application_credentials, c.id);
  namedProjects.remove(s, project);
  deleteRow(tx.draft.identity.project_children, `${project.parent_id}/${project.id}`);
  revoke(tx, { project_id: project.id });
  tx.trace('keystone', 'project deleted', { id: project.id });
  notify(tx, 'project', 'deleted', project.id);
}

// ---------------------------------------------------------------- users

function checkPassword(x: unknown, f: string): string {
  if (typeof x !== 'string' || x.length === 0) throw new InvalidInput(f, 'expected a non-empty string.');
  if (x.length > 4096) throw new InvalidInput(f, 'must be at most 4096 characters.');
  return x;
}

/** When a password set now expires (`password_expires_days`), or null. */
function expiresAt(tx: Tx): number | null {
  const days = tx.draft.identity.config.password_expires_days;
  return days === null ? null : tx.now() + days * 86_400;
}

/** A fresh password hash with a salt from the seeded generator. */
export function passwordHash(tx: Tx, password: string): string {
  return hashSecret(password, tx.ids.hex(16), tx.draft.identity.config.password_hash_rounds);
}

/** `POST /v3/users`: names unique within the domain. */
export function createUser(tx: Tx, input: unknown, defaultDomainId: string, id?: string): UserRow {
  const s = st(tx);
  const u = check.record(input, 'user');
  check.onlyKeys(u, ['name', 'domain_id', 'password', 'enabled', 'email', 'description', 'default_project_id', 'options'], 'user');
  const name = check.name(u.name, 'user.name', 255);
  const domainId = u.domain_id === undefined ? defaultDomainId : getDomain(s, u.domain_id, undefined, 'user.domain_id').id;
  const defaultProject = u.default_project_id === undefined || u.default_project_id === null ? null : getProject(s, u.default_project_id, undefined, undefined, 'user.default_project_id').id;
  if (u.options !== undefined) check.onlyKeys(check.record(u.options, 'user.options'), [], 'user.options');
  namedUsers.assertFree(s, domainId, name);
  const password = u.password === undefined || u.password === null ? null : checkPassword(u.password, 'user.password');
  const row: UserRow = {
    id: id ?? tx.ids.uuid().replace(/-/g, ''),
    name,
    domain_id: domainId,
    enabled: check.optional(u.enabled, 'user.enabled', check.boolean, true),
    description: check.optional(u.description, 'user.description', (x, f) => check.text(x, f, 65535), ''),
    email: u.email === undefined || u.email === null ? null : check.text(u.email, 'user.email', 255),
    default_project_id: defaultProject,
    password_hash: password === null ? null : passwordHash(tx, password),
    password_created_at: tx.now(),
    password_expires_at: password === null ? null : expiresAt(tx),
    failed_auth_count: 0,
    failed_auth_at: null,
    options: {},
  };
  namedUsers.insert(s, row);
  tx.trace('keystone', 'user created', { id: row.id, name });
  notify(tx, 'user', 'created', row.id);
  return row;
}

/** `PATCH /v3/users/{id}`. A new password or disabling the user revokes the user's tokens. */
export function updateUser(tx: Tx, user: UserRow, patch: unknown): UserRow {
  const s = st(tx);
  const p = check.patch(patch, ['name', 'enabled', 'password', 'email', 'description', 'default_project_id', 'domain_id'], 'user');
  if (p.domain_id !== undefined && p.domain_id !== user.domain_id) throw new InvalidInput('user.domain_id', 'a user cannot move to another domain.');
  const password = p.password === undefined ? undefined : checkPassword(p.password, 'user.password');
  const next: UserRow = {
    ...user,
    name: p.name === undefined ? user.name : check.name(p.name, 'user.name', 255),
    enabled: p.enabled === undefined ? user.enabled : check.boolean(p.enabled, 'user.enabled'),
    email: p.email === undefined ? user.email : p.email === null ? null : check.text(p.email, 'user.email', 255),
    description: p.description === undefined ? user.description : check.text(p.description, 'user.description', 65535),
    default_project_id: p.default_project_id === undefined ? user.default_project_id : p.default_project_id === null ? null : getProject(s, p.default_project_id, undefined, undefined, 'user.default_project_id').id,
    ...(password === undefined ? {} : { password_hash: passwordHash(tx, password), password_created_at: tx.now(), password_expires_at: expiresAt(tx), failed_auth_count: 0, failed_auth_at: null }),
  };
  if (next.enabled && !user.enabled) Object.assign(next, { failed_auth_count: 0, failed_auth_at: null });
  namedUsers.update(s, user, next);
  if (password !== undefined || (user.enabled && !next.enabled)) revoke(tx, { user_id: user.id });
  notify(tx, 'user', 'updated', next.id);
  return next;
}

/** `DELETE /v3/users/{id}`: memberships, assignments and application credentials go with it. */
export function deleteUser(tx: Tx, user: UserRow): void {
  const s = st(tx);
  tx.hook('identity.user.deleting', user);
  for (const [, groupId] of [...withPrefix<string>(s.identity.user_groups, `${user.id}/`)]) {
    deleteRow(tx.draft.identity.user_groups, `${user.id}/${groupId}`);
    deleteRow(tx.draft.identity.group_users, `${groupId}/${user.id}`);
  }
  removeAssignmentsOf(tx, 'user', user.id);
  for (const c of tableToArray(s.identity.application_credentials).filter((a) => a.user_id === user.id)) deleteRow(tx.draft.identity.application_credentials, c.id);
  namedUsers.remove(s, user);
  revoke(tx, { user_id: user.id });
  notify(tx, 'user', 'deleted', user.id);
}

// ---------------------------------------------------------------- groups

/** `POST /v3/groups`. */
export function createGroup(tx: Tx, input: unknown, defaultDomainId: string): GroupRow {
  const s = st(tx);
  const g = check.record(input, 'group');
  check.onlyKeys(g, ['name', 'domain_id', 'description'], 'group');
  const name = check.name(g.name, 'group.name', 255);
  const domainId = g.domain_id === undefined ? defaultDomainId : getDomain(s, g.domain_id, undefined, 'group.domain_id').id;
  namedGroups.assertFree(s, domainId, name);
  const row: GroupRow = { id: tx.ids.uuid().replace(/-/g, ''), name, domain_id: domainId, description: check.optional(g.description, 'group.description', (x, f) => check.text(x, f, 65535), '') };
  namedGroups.insert(s, row);
  notify(tx, 'group', 'created', row.id);
  return row;
}

/** `PATCH /v3/groups/{id}`. */
export function updateGroup(tx: Tx, group: GroupRow, patch: unknown): GroupRow {
  const s = st(tx);
  const p = check.patch(patch, ['name', 'description'], 'group');
  const next: GroupRow = {
    ...group,
    name: p.name === undefined ? group.name : check.name(p.name, 'group.name', 255),
    description: p.description === undefined ? group.description : check.text(p.description, 'group.description', 65535),
  };
  namedGroups.update(s, group, next);
  notify(tx, 'group', 'updated', next.id);
  return next;
}

/** `DELETE /v3/groups/{id}`: memberships and assignments go with it. */
export function deleteGroup(tx: Tx, group: GroupRow): void {
  const s = st(tx);
  for (const [, userId] of [...withPrefix<string>(s.identity.group_users, `${group.id}/`)]) removeMember(tx, group, userId);
  removeAssignmentsOf(tx, 'group', group.id);
  namedGroups.remove(s, group);
  notify(tx, 'group', 'deleted', group.id);
}

/** `PUT /v3/groups/{group_id}/users/{user_id}` (idempotent, as Keystone). */
export function addMember(tx: Tx, group: GroupRow, user: UserRow): void {
  setRow(tx.draft.identity.group_users, `${group.id}/${user.id}`, user.id);
  setRow(tx.draft.identity.user_groups, `${user.id}/${group.id}`, group.id);
  notify(tx, 'group', 'updated', group.id);
}

/** `DELETE /v3/groups/{group_id}/users/{user_id}` (404 when not a member). */
export function removeMember(tx: Tx, group: GroupRow, userId: string): void {
  if (!deleteRow(tx.draft.identity.group_users, `${group.id}/${userId}`)) {
    throw new NotFound('identity.group.not_member', `User '${userId}' is not a member of group '${group.name}'.`, { user_id: userId, group_id: group.id });
  }
  deleteRow(tx.draft.identity.user_groups, `${userId}/${group.id}`);
  revoke(tx, { user_id: userId }); // as Keystone: roles from the group may be gone
  notify(tx, 'group', 'updated', group.id);
}

// ---------------------------------------------------------------- roles

/** `POST /v3/roles`: global, or domain-specific with `domain_id`; names unique (case-insensitive) per domain. */
export function createRole(tx: Tx, input: unknown, id?: string): RoleRow {
  const s = st(tx);
  const r = check.record(input, 'role');
  check.onlyKeys(r, ['name', 'domain_id', 'description', 'options'], 'role');
  const name = check.name(r.name, 'role.name', 255);
  const domainId = r.domain_id === undefined || r.domain_id === null ? null : getDomain(s, r.domain_id, undefined, 'role.domain_id').id;
  if (r.options !== undefined) check.onlyKeys(check.record(r.options, 'role.options'), ['immutable'], 'role.options');
  namedRoles.assertFree(s, domainId, name);
  const row: RoleRow = { id: id ?? tx.ids.uuid().replace(/-/g, ''), name, domain_id: domainId, description: check.optional(r.description, 'role.description', (x, f) => check.text(x, f, 255), ''), options: {} };
  namedRoles.insert(s, row);
  notify(tx, 'role', 'created', row.id);
  return row;
}

/** `PATCH /v3/roles/{id}`. */
export function updateRole(tx: Tx, role: RoleRow, patch: unknown): RoleRow {
  const s = st(tx);
  const p = check.patch(patch, ['name', 'description'], 'role');
  const next: RoleRow = { ...role, name: p.name === undefined ? role.name : check.name(p.name, 'role.name', 255), description: p.description === undefined ? role.description : check.text(p.description, 'role.description', 255) };
  namedRoles.update(s, role, next);
  notify(tx, 'role', 'updated', next.id);
  return next;
}

/** `DELETE /v3/roles/{id}`: its assignments and implications go with it. */
export function deleteRole(tx: Tx, role: RoleRow): void {
  const s = st(tx);
  for (const a of tableToArray(s.identity.assignments).filter((x) => x.role_id === role.id)) deleteRow(tx.draft.identity.assignments, assignmentKey(a));
  for (const [key] of [...withPrefix<string>(s.identity.implied_roles, `${role.id}/`)]) deleteRow(tx.draft.identity.implied_roles, key);
  for (const r of tableToArray(s.identity.roles)) deleteRow(tx.draft.identity.implied_roles, `${r.id}/${role.id}`);
  namedRoles.remove(s, role);
  notify(tx, 'role', 'deleted', role.id);
}

/** `PUT /v3/roles/{prior}/implies/{implied}`: no self-implication, no cycles, `admin` is never implied. */
export function createImpliedRole(tx: Tx, prior: RoleRow, implied: RoleRow): void {
  const s = st(tx);
  if (PROHIBITED_IMPLIED_ROLES.includes(implied.name.toLowerCase())) throw new Forbidden('identity.role.prohibited_implied', `Role '${implied.name}' may not be implied (prohibited_implied_role).`);
  if (prior.id === implied.id || impliedClosure(s, [implied.id]).has(prior.id)) throw new ConflictError('identity.role.implication_cycle', `'${prior.name}' implying '${implied.name}' would make a cycle of implied roles.`);
  if (implied.domain_id !== null && prior.domain_id === null) throw new Forbidden('identity.role.global_implies_domain', 'A global role cannot imply a domain-specific role.');
  setRow(tx.draft.identity.implied_roles, `${prior.id}/${implied.id}`, implied.id);
  tx.emit('identity.implied_role.created', () => ({ resource_info: `${prior.id}/${implied.id}`, action: 'created' }));
}

/** `DELETE /v3/roles/{prior}/implies/{implied}`. */
export function deleteImpliedRole(tx: Tx, prior: RoleRow, implied: RoleRow): void {
  if (!deleteRow(tx.draft.identity.implied_roles, `${prior.id}/${implied.id}`)) {
    throw new NotFound('identity.role.implied_not_found', `'${prior.name}' does not imply '${implied.name}'.`, { prior_role_id: prior.id, implied_role_id: implied.id });
  }
  tx.emit('identity.implied_role.deleted', () => ({ resource_info: `${prior.id}/${implied.id}`, action: 'deleted' }));
}

/** Role ids plus every role they imply, transitively. */
export function impliedClosure(s: S, roleIds: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const queue = [...roleIds];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (out.has(id)) continue;
    out.add(id);
    for (const [, implied] of withPrefix<string>(s.identity.implied_roles, `${id}/`)) queue.push(implied);
  }
  return out;
}

// ---------------------------------------------------------------- assignments and revocation

function removeAssignmentsOn(tx: Tx, targetType: 'project' | 'domain', targetId: string): void {
  const s = st(tx);
  for (const a of tableToArray(s.identity.assignments).filter((x) => x.target_type === targetType && x.target_id === targetId)) deleteRow(tx.draft.identity.assignments, assignmentKey(a));
}

function removeAssignmentsOf(tx: Tx, actorType: 'user' | 'group', actorId: string): void {
  const s = st(tx);
  for (const [key] of [...withPrefix<AssignmentRow>(s.identity.assignments, `${actorType}:${actorId}|`)]) deleteRow(tx.draft.identity.assignments, key);
}

/** Records a revocation event: tokens issued up to now that match stop validating. */
export function revoke(tx: Tx, match: RevocationMatch): void {
  const seq = tx.counter('identity.revocation');
  // tokens are ordered by their issue sequence, not by time: the virtual clock may stand still
  const issuedUpTo = tx.draft.meta.counters['identity.token'] ?? 0;
  const [field, value] = Object.entries(match)[0] as [RevocationField, string];
  const key = revocationKey(field, value);
  setRow(tx.draft.identity.revocations, key, { key, seq, [field]: value, issued_before: tx.now(), issued_up_to: issuedUpTo });
  scheduleTokenFlush(tx);
}

export { getUser, getGroup, getRole };
