/**
 * The Keystone v3 API as a session sees it (`session.identity`). Every call validates the
 * session's token (401 once it is invalid), resolves its references among what the caller may
 * see (404 otherwise), asks policy with Keystone's target (403), and only then changes state,
 * in one atomic commit.
 */
import { Conflict, Forbidden, InvalidInput, NotFound, check, deleteRow, getRow, isIdRef, plain, refId, setRow, tableToArray, type CloudState, type PolicyCredentials, type Ref, type Tx } from '../core/index.js';
import * as res from './resources.js';
import { ROLE_ASSIGNMENT_FILTER_KEYS, effectiveRoles, grant, groupsOf, hasGrant, listAssignments, ungrant, type RoleAssignmentView } from './assignments.js';
import { catalogView, createEndpoint, createRegion, createService, deleteEndpoint, deleteRegion, deleteService, type CatalogEntry } from './catalog.js';
import { getDomain, getGroup, getProject, getRole, getUser, namedUsers, quietly, subtree, withPrefix, type Visible } from './queries.js';
import { checkUserPassword, tokenView, validateToken, AuthenticationFailed, type TokenView, type ValidToken } from './tokens.js';
import type { RequestPipeline } from './pipeline.js';
import { hashSecret } from './passwords.js';
import { appCredView, domainView, groupView, projectView, roleView, userView, type ApplicationCredentialView, type DomainView, type GroupView, type ProjectView, type RoleView, type UserView } from './views.js';
import type { ActorType, ApplicationCredentialRow, AssignmentRow, DomainRow, EndpointRow, GroupRow, ProjectRow, RegionRow, RoleRow, ServiceRow, TargetType, UserRow } from './types.js';

type S = CloudState;

/** How deep {@link flatten} goes; deeper values (and cycles) stay whole at their key. */
export const FLATTEN_MAX_DEPTH = 32;

/**
 * Keystone flattens the policy dict (`keystone.common.utils.flatten_dict`): nested keys become
 * dotted ones. Unlike Keystone's recursion it never overflows: an object met again on its own
 * path (a cycle) or nested deeper than {@link FLATTEN_MAX_DEPTH} is kept whole at its key, and a
 * key such as `__proto__` is an ordinary key of the result, never its prototype.
 */
export function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  const path = new Set<object>();
  const put = (key: string, v: unknown) => Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  const walk = (obj: Record<string, unknown>, at: string, depth: number): void => {
    path.add(obj);
    for (const [k, v] of Object.entries(obj)) {
      const key = at ? `${at}.${k}` : k;
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && !path.has(v) && depth < FLATTEN_MAX_DEPTH) walk(v as Record<string, unknown>, key, depth + 1);
      else put(key, v);
    }
    path.delete(obj);
  };
  walk(value, prefix, 0);
  return out;
}

/** A grant's parts as the API takes them. */
export interface GrantRequest {
  readonly role: Ref;
  /** One of `user` / `group`. */
  readonly user?: Ref;
  readonly group?: Ref;
  /** One of `project` / `domain` / `system`. */
  readonly project?: Ref;
  readonly domain?: Ref;
  readonly system?: 'all';
  /** `OS-INHERIT`: the grant applies to every project below its project or domain. */
  readonly inherited?: boolean;
}

/**
 * Keystone v3 for one session. Method names follow the API operations; inputs use the request
 * body's field names; references take a name or an id.
 *
 * Not simulated: federation, OAuth1, trusts, EC2 and TOTP credentials, domain configs,
 * endpoint groups and filters, limits, project tags as sub-resources (tags are set with the
 * project), `is_domain` projects, multiple identity backends (LDAP).
 */
export class IdentityApi {
  /** @internal built by the session from its request pipeline. */
  constructor(private readonly requests: RequestPipeline) {}

  // ---------------------------------------------------------------- plumbing

  /** For queries: the validated token (renewed first by a re-authenticating session) and the state it is valid in. */
  private read(): { s: S; valid: ValidToken; creds: PolicyCredentials } {
    const r = this.requests.read();
    return { s: r.s, valid: r.token, creds: r.creds };
  }

  private enforce(rule: string, creds: PolicyCredentials, target: Record<string, unknown>): void {
    this.requests.policy().enforce(rule, creds, flatten(target));
  }

  /**
   * What a reference may resolve to: a row the caller may read, or may act on with `action`
   * (a project admin may update a project it cannot read under Zed's new defaults). Anything
   * else is as good as absent: 404, never 403, and its name never resolves.
   */
  private visible<T>(rule: string, creds: PolicyCredentials, targetOf: (row: T) => Record<string, unknown>, action?: string): Visible<T> {
    const engine = this.requests.policy();
    return (row) => {
      const target = flatten(targetOf(row));
      return engine.authorize(rule, creds, target) || (action !== undefined && engine.authorize(action, creds, target));
    };
  }

  private write<R>(operation: string, fn: (tx: Tx, s: S, creds: PolicyCredentials, valid: ValidToken) => R): R {
    return this.requests.write(`identity.${operation}`, (tx, r) => {
      tx.trace('keystone', `${operation} authorised by token`, { user_id: r.token.user.id });
      return fn(tx, r.s, r.creds, r.token);
    });
  }

  private epoch(s: S): string {
    return s.meta.clock.epoch;
  }

  private defaultDomain(valid: ValidToken): string {
    return valid.domain?.id ?? valid.project?.domain_id ?? valid.user.domain_id;
  }

  /**
   * The `domain_id` of a create request as its policy target takes it: the token's domain when
   * none is given, the domain's id when it exists, else the reference as given. The lookup is
   * quiet, so policy decides before anything tells whether the domain exists (Keystone enforces
   * on the request, then its manager looks the domain up); the command resolves the reference
   * again once policy allowed, and answers its 404 then.
   */
  private requestedDomain(s: S, ref: unknown, field: string, valid: ValidToken): string {
    if (ref === undefined) return this.defaultDomain(valid);
    return quietly(() => getDomain(s, ref, undefined, field))?.id ?? (ref as string);
  }

  private seeDomain(creds: PolicyCredentials, action?: string): Visible<DomainRow> {
    return this.visible('identity:get_domain', creds, (d) => ({ target: { domain: { id: d.id } } }), action);
  }

  /**
   * The domain that narrows a name (`{ domain }` of getProject / getUser), among the domains the
   * caller may see: a domain it may not see answers as one that does not exist.
   */
  private narrowingDomain(s: S, creds: PolicyCredentials, options: unknown): string | undefined {
    const o = check.record(options, 'options');
    check.onlyKeys(o, ['domain'], 'options');
    return o.domain === undefined ? undefined : getDomain(s, o.domain, this.seeDomain(creds), 'options.domain').id;
  }

  // ---------------------------------------------------------------- auth

  /** `GET /v3/auth/tokens` with the session's own token: the token body with roles and catalog. */
  getToken(): TokenView {
    const { s, valid } = this.read();
    return tokenView(s, valid);
  }

  /** `GET /v3/auth/tokens` for another token (`X-Subject-Token`); 404 when it is not valid. */
  validateToken(subjectToken: string): TokenView {
    const { s, creds } = this.read();
    const token = check.name(subjectToken, 'subject_token', 1024);
    const row = getRow(s.identity.tokens, token);
    this.enforce('identity:validate_token', creds, { target: { token: { user_id: row?.user_id ?? null } } });
    const v = validateToken(s, token, s.meta.clock.now);
    if (!v.ok) throw new NotFound('identity.token.not_found', `Could not find token: ${v.error.message}`);
    return tokenView(s, v);
  }

  /** `HEAD /v3/auth/tokens`: whether a token is valid. */
  checkToken(subjectToken: string): boolean {
    const { s, creds } = this.read();
    const token = check.name(subjectToken, 'subject_token', 1024);
    this.enforce('identity:check_token', creds, { target: { token: { user_id: getRow(s.identity.tokens, token)?.user_id ?? null } } });
    return validateToken(s, token, s.meta.clock.now).ok;
  }

  /** `DELETE /v3/auth/tokens`: revokes a token (and the tokens rescoped from it, by audit id). */
  revokeToken(subjectToken: string): void {
    this.write('revoke_token', (tx, s, creds) => {
      const token = check.name(subjectToken, 'subject_token', 1024);
      const row = getRow(s.identity.tokens, token);
      this.enforce('identity:revoke_token', creds, { target: { token: { user_id: row?.user_id ?? null } } });
      const v = validateToken(s, token, tx.now());
      if (!v.ok) throw new NotFound('identity.token.not_found', `Could not find token: ${v.error.message}`);
      res.revoke(tx, { audit_id: v.token.audit_ids[0] as string });
      tx.emit('identity.token.revoked', () => ({ resource_info: v.token.audit_ids[0] as string, action: 'revoked' }));
    });
  }

  /** `GET /v3/auth/projects`: the projects this token's user may scope to. */
  getAuthProjects(): ProjectView[] {
    const { s, valid, creds } = this.read();
    this.enforce('identity:get_auth_projects', creds, {});
    return tableToArray(s.identity.projects)
      .filter((p) => p.enabled && getRow(s.identity.domains, p.domain_id)?.enabled && effectiveRoles(s, valid.user.id, { type: 'project', id: p.id }).length > 0)
      .map((p) => projectView(p));
  }

  /** `GET /v3/auth/domains`: the domains this token's user may scope to. */
  getAuthDomains(): DomainView[] {
    const { s, valid, creds } = this.read();
    this.enforce('identity:get_auth_domains', creds, {});
    return tableToArray(s.identity.domains).filter((d) => d.enabled && effectiveRoles(s, valid.user.id, { type: 'domain', id: d.id }).length > 0).map(domainView);
  }

  /** `GET /v3/auth/system`: whether the user may scope to the system. */
  getAuthSystem(): { all: boolean }[] {
    const { s, valid, creds } = this.read();
    this.enforce('identity:get_auth_system', creds, {});
    return effectiveRoles(s, valid.user.id, { type: 'system' }).length > 0 ? [{ all: true }] : [];
  }

  /** `GET /v3/auth/catalog`: the service catalog (a scoped token is required, as Keystone). */
  getAuthCatalog(): CatalogEntry[] {
    const { s, valid, creds } = this.read();
    this.enforce('identity:get_auth_catalog', creds, {});
    if (valid.token.scope.type === 'unscoped') throw new AuthenticationFailed('A scoped token is required to get the catalog.', 'identity.auth.unscoped_catalog');
    return catalogView(s);
  }

  // ---------------------------------------------------------------- domains

  /** `POST /v3/domains`. */
  createDomain(input: { name: string; description?: string; enabled?: boolean; tags?: string[] }): DomainView {
    return this.write('create_domain', (tx, _s, creds) => {
      this.enforce('identity:create_domain', creds, { target: { domain: scalarFields(input) } });
      return domainView(res.createDomain(tx, input));
    });
  }

  /** `GET /v3/domains/{id}` (by id or name). */
  getDomain(ref: Ref): DomainView {
    const { s, creds } = this.read();
    return domainView(getDomain(s, ref, this.seeDomain(creds)));
  }

  /** `GET /v3/domains` (filters `name`, `enabled`). */
  listDomains(filter: { name?: string; enabled?: boolean } = {}): DomainView[] {
    const { s, creds } = this.read();
    const f = listFilter(filter, ['name', 'enabled']);
    this.enforce('identity:list_domains', creds, {});
    return tableToArray(s.identity.domains).filter((d) => matches(d, f)).map(domainView);
  }

  /** `PATCH /v3/domains/{id}`. */
  updateDomain(ref: Ref, patch: { name?: string; description?: string; enabled?: boolean; tags?: string[] }): DomainView {
    return this.write('update_domain', (tx, s, creds) => {
      const d = getDomain(s, ref, this.seeDomain(creds, 'identity:update_domain'));
      this.enforce('identity:update_domain', creds, { target: { domain: d } });
      return domainView(res.updateDomain(tx, d, patch));
    });
  }

  /** `DELETE /v3/domains/{id}` (disable it first). */
  deleteDomain(ref: Ref): void {
    this.write('delete_domain', (tx, s, creds) => {
      const d = getDomain(s, ref, this.seeDomain(creds, 'identity:delete_domain'));
      this.enforce('identity:delete_domain', creds, { target: { domain: d } });
      res.deleteDomain(tx, d);
    });
  }

  // ---------------------------------------------------------------- projects

  private seeProject(creds: PolicyCredentials, action?: string): Visible<ProjectRow> {
    return this.visible('identity:get_project', creds, (p) => ({ project_id: p.id, target: { project: p } }), action);
  }

  /** `POST /v3/projects` (`domain_id` defaults to the token's domain, as Keystone). */
  createProject(input: { name: string; description?: string; domain_id?: string; parent_id?: string; enabled?: boolean; tags?: string[] }): ProjectView {
    return this.write('create_project', (tx, s, creds, valid) => {
      const body = check.record(input, 'project');
      const domainId = this.requestedDomain(s, body.domain_id, 'project.domain_id', valid);
      this.enforce('identity:create_project', creds, { target: { project: { ...scalarFields(body), domain_id: domainId } } });
      return projectView(res.createProject(tx, { ...body, domain_id: domainId }, domainId));
    });
  }

  /** `GET /v3/projects/{id}` (by id or name; `domain` narrows a name). */
  getProject(ref: Ref, options: { domain?: string } = {}): ProjectView {
    const { s, creds } = this.read();
    const p = getProject(s, ref, this.seeProject(creds, 'identity:get_project'), this.narrowingDomain(s, creds, options));
    this.enforce('identity:get_project', creds, { project_id: p.id, target: { project: p } });
    return projectView(p);
  }

  /** `GET /v3/projects` (filters `domain_id`, `parent_id`, `name`, `enabled`). */
  listProjects(filter: { domain_id?: string; parent_id?: string; name?: string; enabled?: boolean } = {}): ProjectView[] {
    const { s, creds, valid } = this.read();
    const f = listFilter(filter, ['domain_id', 'parent_id', 'name', 'enabled']);
    this.enforce('identity:list_projects', creds, valid.domain ? { target: { domain_id: valid.domain.id } } : {});
    return tableToArray(s.identity.projects).filter((p) => matches(p, f) && (!valid.domain || p.domain_id === valid.domain.id)).map((p) => projectView(p));
  }

  /** `GET /v3/users/{user_id}/projects`: projects where the user has a role. */
  listUserProjects(userRef: Ref): ProjectView[] {
    const { s, creds } = this.read();
    const u = getUser(s, userRef, this.seeUser(creds, 'identity:list_user_projects'));
    this.enforce('identity:list_user_projects', creds, { user_id: u.id, target: { user: u } });
    return tableToArray(s.identity.projects).filter((p) => effectiveRoles(s, u.id, { type: 'project', id: p.id }).length > 0).map((p) => projectView(p));
  }

  /** `PATCH /v3/projects/{id}`. */
  updateProject(ref: Ref, patch: { name?: string; description?: string; enabled?: boolean; tags?: string[] }): ProjectView {
    return this.write('update_project', (tx, s, creds) => {
      const p = getProject(s, ref, this.seeProject(creds, 'identity:update_project'));
      this.enforce('identity:update_project', creds, { project_id: p.id, target: { project: p } });
      return projectView(res.updateProject(tx, p, patch));
    });
  }

  /** `DELETE /v3/projects/{id}` (leaves only). */
  deleteProject(ref: Ref): void {
    this.write('delete_project', (tx, s, creds) => {
      const p = getProject(s, ref, this.seeProject(creds, 'identity:delete_project'));
      this.enforce('identity:delete_project', creds, { project_id: p.id, target: { project: p } });
      res.deleteProject(tx, p);
    });
  }

  // ---------------------------------------------------------------- users

  private seeUser(creds: PolicyCredentials, action?: string): Visible<UserRow> {
    return this.visible('identity:get_user', creds, (u) => ({ user_id: u.id, target: { user: { id: u.id, domain_id: u.domain_id } } }), action);
  }

  /** `POST /v3/users`. */
  createUser(input: { name: string; domain_id?: string; password?: string; enabled?: boolean; email?: string; description?: string; default_project_id?: string }): UserView {
    return this.write('create_user', (tx, s, creds, valid) => {
      const body = check.record(input, 'user');
      const domainId = this.requestedDomain(s, body.domain_id, 'user.domain_id', valid);
      const { password: _p, ...shown } = body;
      this.enforce('identity:create_user', creds, { target: { user: { ...scalarFields(shown), domain_id: domainId } } });
      return userView(res.createUser(tx, { ...body, domain_id: domainId }, domainId), this.epoch(s));
    });
  }

  /** `GET /v3/users/{id}`. */
  getUser(ref: Ref, options: { domain?: string } = {}): UserView {
    const { s, creds } = this.read();
    const u = getUser(s, ref, this.seeUser(creds, 'identity:get_user'), this.narrowingDomain(s, creds, options));
    this.enforce('identity:get_user', creds, { user_id: u.id, target: { user: { id: u.id, domain_id: u.domain_id } } });
    return userView(u, this.epoch(s));
  }

  /** `GET /v3/users` (filters `domain_id`, `name`, `enabled`). */
  listUsers(filter: { domain_id?: string; name?: string; enabled?: boolean } = {}): UserView[] {
    const { s, creds, valid } = this.read();
    const f = listFilter(filter, ['domain_id', 'name', 'enabled']);
    this.enforce('identity:list_users', creds, valid.domain ? { target: { domain_id: valid.domain.id } } : {});
    return tableToArray(s.identity.users).filter((u) => matches(u, f) && (!valid.domain || u.domain_id === valid.domain.id)).map((u) => userView(u, this.epoch(s)));
  }

  /** `PATCH /v3/users/{id}`: a new password or disabling revokes the user's tokens. */
  updateUser(ref: Ref, patch: { name?: string; enabled?: boolean; password?: string; email?: string; description?: string; default_project_id?: string | null }): UserView {
    return this.write('update_user', (tx, s, creds) => {
      const u = getUser(s, ref, this.seeUser(creds, 'identity:update_user'));
      this.enforce('identity:update_user', creds, { user_id: u.id, target: { user: { id: u.id, domain_id: u.domain_id } } });
      return userView(res.updateUser(tx, u, patch), this.epoch(s));
    });
  }

  /** `DELETE /v3/users/{id}`. */
  deleteUser(ref: Ref): void {
    this.write('delete_user', (tx, s, creds) => {
      const u = getUser(s, ref, this.seeUser(creds, 'identity:delete_user'));
      this.enforce('identity:delete_user', creds, { user_id: u.id, target: { user: { id: u.id, domain_id: u.domain_id } } });
      res.deleteUser(tx, u);
    });
  }

  /**
   * `POST /v3/users/{user_id}/password`: self-service change with the original password. No
   * policy (keystone/api/users.py `UserChangePasswordResource` is unenforced): the original
   * password is the proof, checked as a login checks it (keystone/identity/core.py
   * `change_password` → `authenticate`, keystone/identity/backends/sql.py): a locked account is
   * refused whatever the password; a wrong original password is recorded for lockout — that
   * failure commits, then the 401 is thrown (DESIGN §10 "Recorded failures"); a user that does
   * not exist gets the very answer of a wrong password; a disabled user is refused once the
   * password is right; an expired password may be changed. Every token of the user is revoked.
   * The user is named by id, or by name within the caller's own domain.
   */
  changePassword(userRef: Ref, input: { original_password: string; password: string }): void {
    const recorded = this.write('change_password', (tx, s, _creds, valid): AuthenticationFailed | undefined => {
      const body = check.record(input, 'user');
      check.onlyKeys(body, ['original_password', 'password'], 'user');
      const original = check.text(body.original_password, 'user.original_password', 4096);
      const password = check.text(body.password, 'user.password', 4096);
      if (password.length === 0) throw new InvalidInput('user.password', 'expected a non-empty string.');
      const idOnly = isIdRef(userRef); // a URL path's user: an id, never a name
      const ref = idOnly ? refId(userRef, 'user') : check.name(userRef, 'user', 255);
      const wrong = () => new AuthenticationFailed('Error when changing user password: invalid user or original password.', 'identity.user.wrong_password');
      const found = getRow(s.identity.users, ref) ?? (idOnly ? undefined : namedUsers.find(s, valid.user.domain_id, ref));
      if (!found) throw wrong();
      const u = plain(found);
      const refused = checkUserPassword(tx, u, original, wrong, true);
      if (refused) {
        if (!refused.recorded) throw refused.error;
        refused.error.requestId = tx.requestId;
        return refused.error; // committed by the write, thrown below
      }
      res.updateUser(tx, u, { password });
      return undefined;
    });
    if (recorded) throw recorded;
  }

  // ---------------------------------------------------------------- groups

  private seeGroup(creds: PolicyCredentials, action?: string): Visible<GroupRow> {
    return this.visible('identity:get_group', creds, (g) => ({ group_id: g.id, target: { group: { id: g.id, domain_id: g.domain_id } } }), action);
  }

  /** `POST /v3/groups`. */
  createGroup(input: { name: string; domain_id?: string; description?: string }): GroupView {
    return this.write('create_group', (tx, s, creds, valid) => {
      const body = check.record(input, 'group');
      const domainId = this.requestedDomain(s, body.domain_id, 'group.domain_id', valid);
      this.enforce('identity:create_group', creds, { target: { group: { ...scalarFields(body), domain_id: domainId } } });
      return groupView(res.createGroup(tx, { ...body, domain_id: domainId }, domainId));
    });
  }

  /** `GET /v3/groups/{id}`. */
  getGroup(ref: Ref): GroupView {
    const { s, creds } = this.read();
    return groupView(getGroup(s, ref, this.seeGroup(creds)));
  }

  /** `GET /v3/groups` (filters `domain_id`, `name`). */
  listGroups(filter: { domain_id?: string; name?: string } = {}): GroupView[] {
    const { s, creds, valid } = this.read();
    const f = listFilter(filter, ['domain_id', 'name']);
    this.enforce('identity:list_groups', creds, valid.domain ? { target: { group: { domain_id: valid.domain.id } } } : {});
    return tableToArray(s.identity.groups).filter((g) => matches(g, f) && (!valid.domain || g.domain_id === valid.domain.id)).map(groupView);
  }

  /** `PATCH /v3/groups/{id}`. */
  updateGroup(ref: Ref, patch: { name?: string; description?: string }): GroupView {
    return this.write('update_group', (tx, s, creds) => {
      const g = getGroup(s, ref, this.seeGroup(creds, 'identity:update_group'));
      this.enforce('identity:update_group', creds, { group_id: g.id, target: { group: g } });
      return groupView(res.updateGroup(tx, g, patch));
    });
  }

  /** `DELETE /v3/groups/{id}`. */
  deleteGroup(ref: Ref): void {
    this.write('delete_group', (tx, s, creds) => {
      const g = getGroup(s, ref, this.seeGroup(creds, 'identity:delete_group'));
      this.enforce('identity:delete_group', creds, { group_id: g.id, target: { group: g } });
      res.deleteGroup(tx, g);
    });
  }

  /** `PUT /v3/groups/{group_id}/users/{user_id}`. */
  addUserToGroup(groupRef: Ref, userRef: Ref): void {
    this.write('add_user_to_group', (tx, s, creds) => {
      const g = getGroup(s, groupRef, this.seeGroup(creds, 'identity:add_user_to_group'));
      const u = getUser(s, userRef, this.seeUser(creds, 'identity:add_user_to_group'));
      this.enforce('identity:add_user_to_group', creds, { group_id: g.id, user_id: u.id, target: { group: g, user: u } });
      res.addMember(tx, g, u);
    });
  }

  /** `DELETE /v3/groups/{group_id}/users/{user_id}`. */
  removeUserFromGroup(groupRef: Ref, userRef: Ref): void {
    this.write('remove_user_from_group', (tx, s, creds) => {
      const g = getGroup(s, groupRef, this.seeGroup(creds, 'identity:remove_user_from_group'));
      const u = getUser(s, userRef, this.seeUser(creds, 'identity:remove_user_from_group'));
      this.enforce('identity:remove_user_from_group', creds, { group_id: g.id, user_id: u.id, target: { group: g, user: u } });
      res.removeMember(tx, g, u.id);
    });
  }

  /** `HEAD /v3/groups/{group_id}/users/{user_id}`. */
  checkUserInGroup(groupRef: Ref, userRef: Ref): boolean {
    const { s, creds } = this.read();
    const g = getGroup(s, groupRef, this.seeGroup(creds, 'identity:check_user_in_group'));
    const u = getUser(s, userRef, this.seeUser(creds, 'identity:check_user_in_group'));
    this.enforce('identity:check_user_in_group', creds, { group_id: g.id, user_id: u.id, target: { group: g, user: u } });
    return getRow(s.identity.group_users, `${g.id}/${u.id}`) !== undefined;
  }

  /** `GET /v3/groups/{group_id}/users`. */
  listUsersInGroup(groupRef: Ref): UserView[] {
    const { s, creds } = this.read();
    const g = getGroup(s, groupRef, this.seeGroup(creds, 'identity:list_users_in_group'));
    this.enforce('identity:list_users_in_group', creds, { group_id: g.id, target: { group: g } });
    return [...withPrefix<string>(s.identity.group_users, `${g.id}/`)].map(([, id]) => getRow(s.identity.users, id)).filter((u) => u !== undefined).map((u) => userView(u, this.epoch(s)));
  }

  /** `GET /v3/users/{user_id}/groups`. */
  listGroupsForUser(userRef: Ref): GroupView[] {
    const { s, creds } = this.read();
    const u = getUser(s, userRef, this.seeUser(creds, 'identity:list_groups_for_user'));
    this.enforce('identity:list_groups_for_user', creds, { user_id: u.id, target: { user: u } });
    return groupsOf(s, u.id).map((id) => getRow(s.identity.groups, id)).filter((g) => g !== undefined).map(groupView);
  }

  // ---------------------------------------------------------------- roles

  /**
   * A role for an operation on it, as keystone/api/roles.py does it: the role is looked up
   * quietly, policy decides — an unknown role under the global role's rule, a domain-specific
   * role under the domain role's rule — and only then does an unknown role answer 404. A caller
   * who may not act on roles gets the same 403 for a role that exists and one that does not.
   * Unlike Keystone, whose 403 names the rule (`identity:get_domain_role` only for a
   * domain-specific role that exists), a domain-specific role the caller may not act on is as
   * good as absent: it goes the unknown role's way, so the answer never tells that it exists.
   */
  private enforcedRole(s: S, creds: PolicyCredentials, ref: unknown, field: string, rules: { readonly global: string; readonly domain: string }): RoleRow {
    const engine = this.requests.policy();
    const targetOf = (r: RoleRow) => ({ role_id: r.id, target: { role: r } });
    const mayAct: Visible<RoleRow> = (r) => r.domain_id === null || engine.authorize(rules.domain, creds, flatten(targetOf(r)));
    const r = quietly(() => getRole(s, ref, mayAct, field));
    this.enforce(r === undefined || r.domain_id === null ? rules.global : rules.domain, creds, r ? targetOf(r) : { role_id: ref });
    return r ?? getRole(s, ref, mayAct, field);
  }

  /**
   * The prior (and implied) role of an implication: policy first (keystone/api/roles.py
   * `identity:*_implied_role`, which asks nothing of the roles but their ids), then the 404s.
   */
  private enforcedImplication(s: S, creds: PolicyCredentials, rule: string, priorRef: unknown): RoleRow;
  private enforcedImplication(s: S, creds: PolicyCredentials, rule: string, priorRef: unknown, impliedRef: unknown): [RoleRow, RoleRow];
  private enforcedImplication(s: S, creds: PolicyCredentials, rule: string, ...refs: unknown[]): RoleRow | [RoleRow, RoleRow] {
    const fields = ['prior_role', 'implied_role'];
    const found = refs.map((ref, i) => quietly(() => getRole(s, ref, undefined, fields[i])));
    this.enforce(rule, creds, Object.fromEntries(refs.map((ref, i) => [`${fields[i]}_id`, found[i]?.id ?? ref])));
    const roles = refs.map((ref, i) => found[i] ?? getRole(s, ref, undefined, fields[i]));
    return roles.length === 1 ? (roles[0] as RoleRow) : [roles[0] as RoleRow, roles[1] as RoleRow];
  }

  /** `POST /v3/roles` (global) or with `domain_id` (domain-specific, `identity:create_domain_role`). */
  createRole(input: { name: string; domain_id?: string; description?: string }): RoleView {
    return this.write('create_role', (tx, _s, creds) => {
      const body = check.record(input, 'role');
      this.enforce(body.domain_id === undefined || body.domain_id === null ? 'identity:create_role' : 'identity:create_domain_role', creds, { target: { role: scalarFields(body) } });
      return roleView(res.createRole(tx, body));
    });
  }

  /** `GET /v3/roles/{id}` (by id or case-insensitive name). */
  getRole(ref: Ref): RoleView {
    const { s, creds } = this.read();
    return roleView(this.enforcedRole(s, creds, ref, 'role', { global: 'identity:get_role', domain: 'identity:get_domain_role' }));
  }

  /** `GET /v3/roles` (filters `name`, `domain_id`; global roles by default). */
  listRoles(filter: { name?: string; domain_id?: string } = {}): RoleView[] {
    const { s, creds } = this.read();
    const f = listFilter(filter, ['name', 'domain_id']);
    this.enforce(f.domain_id === undefined ? 'identity:list_roles' : 'identity:list_domain_roles', creds, {});
    return tableToArray(s.identity.roles).filter((r) => (r.domain_id ?? undefined) === f.domain_id && (f.name === undefined || r.name === f.name)).map(roleView);
  }

  /** `PATCH /v3/roles/{id}`. */
  updateRole(ref: Ref, patch: { name?: string; description?: string }): RoleView {
    return this.write('update_role', (tx, s, creds) => {
      const r = this.enforcedRole(s, creds, ref, 'role', { global: 'identity:update_role', domain: 'identity:update_domain_role' });
      return roleView(res.updateRole(tx, r, patch));
    });
  }

  /** `DELETE /v3/roles/{id}`. */
  deleteRole(ref: Ref): void {
    this.write('delete_role', (tx, s, creds) => {
      const r = this.enforcedRole(s, creds, ref, 'role', { global: 'identity:delete_role', domain: 'identity:delete_domain_role' });
      res.deleteRole(tx, r);
    });
  }

  /** `PUT /v3/roles/{prior_role_id}/implies/{implied_role_id}`. */
  createImpliedRole(priorRef: Ref, impliedRef: Ref): void {
    this.write('create_implied_role', (tx, s, creds) => {
      const [prior, implied] = this.enforcedImplication(s, creds, 'identity:create_implied_role', priorRef, impliedRef);
      res.createImpliedRole(tx, prior, implied);
    });
  }

  /** `DELETE /v3/roles/{prior_role_id}/implies/{implied_role_id}`. */
  deleteImpliedRole(priorRef: Ref, impliedRef: Ref): void {
    this.write('delete_implied_role', (tx, s, creds) => {
      const [prior, implied] = this.enforcedImplication(s, creds, 'identity:delete_implied_role', priorRef, impliedRef);
      res.deleteImpliedRole(tx, prior, implied);
    });
  }

  /** `GET /v3/roles/{prior_role_id}/implies`: the roles a role implies directly. */
  listImpliedRoles(priorRef: Ref): RoleView[] {
    const { s, creds } = this.read();
    const prior = this.enforcedImplication(s, creds, 'identity:list_implied_roles', priorRef);
    return [...withPrefix<string>(s.identity.implied_roles, `${prior.id}/`)].map(([, id]) => getRow(s.identity.roles, id)).filter((r) => r !== undefined).map(roleView);
  }

  /**
   * `GET /v3/roles/{prior_role_id}/implies/{implied_role_id}` (`identity:get_implied_role`;
   * `HEAD` asks `identity:check_implied_role` first, as keystone/api/roles.py does): the two
   * roles of an implication; 404 when the prior role does not imply the other directly.
   */
  getImpliedRole(priorRef: Ref, impliedRef: Ref, options: { check?: boolean } = {}): { prior_role: RoleView; implies: RoleView } {
    const { s, creds } = this.read();
    const o = check.record(options, 'options');
    check.onlyKeys(o, ['check'], 'options');
    if (check.optional(o.check, 'options.check', check.boolean, false)) this.enforcedImplication(s, creds, 'identity:check_implied_role', priorRef, impliedRef);
    const [prior, implied] = this.enforcedImplication(s, creds, 'identity:get_implied_role', priorRef, impliedRef);
    if (getRow(s.identity.implied_roles, `${prior.id}/${implied.id}`) === undefined) {
      throw new NotFound('identity.implied_role.not_found', `${prior.id} does not imply ${implied.id}.`, { prior_role_id: prior.id, implied_role_id: implied.id });
    }
    return { prior_role: roleView(prior), implies: roleView(implied) };
  }

  /** `GET /v3/role_inferences`: every implication rule. */
  listRoleInferenceRules(): { prior_role: RoleView; implies: RoleView[] }[] {
    const { s, creds } = this.read();
    this.enforce('identity:list_role_inference_rules', creds, {});
    return tableToArray(s.identity.roles)
      .map((r) => ({ prior_role: roleView(r), implies: [...withPrefix<string>(s.identity.implied_roles, `${r.id}/`)].map(([, id]) => getRow(s.identity.roles, id)).filter((x) => x !== undefined).map(roleView) }))
      .filter((x) => x.implies.length > 0);
  }

  // ---------------------------------------------------------------- grants

  /**
   * A grant request, checked and authorised: its shape first (400s); then the actor and the
   * project or domain, among what the caller may see (404 otherwise, as for what does not
   * exist); then policy, with the role looked up quietly (an unknown role is a global one to
   * policy, as keystone/api/roles.py treats it); only then an unknown role's 404. A caller who
   * may not grant gets the same 403 whether the role exists or not.
   */
  private authorisedGrant(s: S, creds: PolicyCredentials, g: unknown, verb: 'create' | 'revoke' | 'check'): AssignmentRow {
    const r = check.record(g, 'grant');
    check.onlyKeys(r, ['role', 'user', 'group', 'project', 'domain', 'system', 'inherited'], 'grant');
    const actors = (['user', 'group'] as const).filter((k) => r[k] !== undefined);
    const targets = (['project', 'domain', 'system'] as const).filter((k) => r[k] !== undefined);
    if (actors.length !== 1) throw new InvalidInput('grant', 'give exactly one of user and group.');
    if (targets.length !== 1) throw new InvalidInput('grant', 'give exactly one of project, domain and system.');
    const actorType = actors[0] as ActorType;
    const targetType = targets[0] as TargetType;
    if (targetType === 'system') check.oneOf(r.system, ['all'], 'grant.system');
    const inherited = check.optional(r.inherited, 'grant.inherited', check.boolean, false);
    // the role as policy sees it before the lookup: its id or name as given (`{ id }` from a URL path)
    const roleRef = isIdRef(r.role) ? refId(r.role, 'grant.role') : r.role;
    if (typeof roleRef !== 'string' || roleRef.length === 0) getRole(s, r.role, undefined, 'grant.role'); // its 400
    const rule = targetType === 'system' ? `identity:${verb}_system_grant_for_${actorType}` : `identity:${verb}_grant`;
    const actor = actorType === 'user' ? getUser(s, r.user, this.seeUser(creds, rule), undefined, 'grant.user') : getGroup(s, r.group, this.seeGroup(creds, rule), undefined, 'grant.group');
    let targetId = 'all';
    const role = quietly(() => getRole(s, r.role, undefined, 'grant.role'));
    const target: Record<string, unknown> = { role: role ?? { id: roleRef, domain_id: null }, [actorType]: actor };
    if (targetType === 'project') {
      const p = getProject(s, r.project, this.seeProject(creds, rule), undefined, 'grant.project');
      targetId = p.id;
      target.project = p;
    } else if (targetType === 'domain') {
      const d = getDomain(s, r.domain, this.seeDomain(creds, rule), 'grant.domain');
      targetId = d.id;
      target.domain = d;
    }
    this.enforce(rule, creds, { role_id: role?.id ?? roleRef, [`${actorType}_id`]: actor.id, target });
    const roleId = (role ?? getRole(s, r.role, undefined, 'grant.role')).id;
    return { actor_type: actorType, actor_id: actor.id, target_type: targetType, target_id: targetId, role_id: roleId, inherited };
  }

  /** Grants a role (`PUT /v3/{projects|domains}/{id}/{users|groups}/{id}/roles/{role}`, `/v3/system/…`, `OS-INHERIT`). */
  createGrant(g: GrantRequest): void {
    this.write('create_grant', (tx, s, creds) => {
      grant(tx, this.authorisedGrant(s, creds, g, 'create'));
    });
  }

  /** Revokes a role grant (404 when there is none). */
  deleteGrant(g: GrantRequest): void {
    this.write('revoke_grant', (tx, s, creds) => {
      ungrant(tx, this.authorisedGrant(s, creds, g, 'revoke'));
    });
  }

  /** Whether a grant exists (`HEAD …/roles/{role}`). */
  checkGrant(g: GrantRequest): boolean {
    const { s, creds } = this.read();
    return hasGrant(s, this.authorisedGrant(s, creds, g, 'check'));
  }

  /** `GET /v3/role_assignments` with Keystone's filters (`effective`, `include_names`, `include_subtree`). */
  listRoleAssignments(filter: { user?: string; group?: string; project?: string; domain?: string; system?: 'all'; role?: string; effective?: boolean; include_names?: boolean; include_subtree?: boolean; inherited?: boolean } = {}): RoleAssignmentView[] {
    const { s, creds, valid } = this.read();
    const f = check.record(filter, 'filter');
    check.onlyKeys(f, ROLE_ASSIGNMENT_FILTER_KEYS, 'filter');
    if (f.system !== undefined) check.oneOf(f.system, ['all'], 'filter.system');
    const subtreeWanted = check.optional(f.include_subtree, 'filter.include_subtree', check.boolean, false);
    const effective = check.optional(f.effective, 'filter.effective', check.boolean, false);
    const inherited = f.inherited === undefined ? undefined : check.boolean(f.inherited, 'filter.inherited');
    for (const [a, b] of [['user', 'group'], ['domain', 'project'], ['system', 'project'], ['system', 'domain']] as const) {
      if (f[a] !== undefined && f[b] !== undefined) throw new InvalidInput(`filter.${b}`, `filtering by both ${a} and ${b} always gives an empty list; give one.`);
    }
    if (effective && inherited === true && f.domain !== undefined) throw new InvalidInput('filter.inherited', 'combining effective, domain and inherited filters always gives an empty list.');
    if (subtreeWanted && f.project === undefined) throw new InvalidInput('filter.include_subtree', 'needs filter.project (scope.project.id).');
    // policy first, as Keystone: the filters' existence is not disclosed to a caller who may not list
    if (subtreeWanted) {
      // the project's row only when the caller may see it: an invisible one is as good as absent
      const p = quietly(() => getProject(s, f.project, this.seeProject(creds), undefined, 'filter.project'));
      this.enforce('identity:list_role_assignments_for_tree', creds, { target: { project: p ?? { id: f.project } } });
    } else this.enforce('identity:list_role_assignments', creds, valid.domain ? { target: { domain_id: valid.domain.id } } : {});
    const resolve = <T>(ref: unknown, find: (r: unknown) => T): T | undefined | null => {
      if (ref === undefined) return undefined;
      try {
        return find(ref);
      } catch (e) {
        if ((e as { status?: number }).status === 404) return null; // unknown: matches nothing
        throw e;
      }
    };
    const user = resolve(f.user, (r) => getUser(s, r, undefined, undefined, 'filter.user').id);
    const group = resolve(f.group, (r) => getGroup(s, r, undefined, undefined, 'filter.group').id);
    const project = resolve(f.project, (r) => getProject(s, r, undefined, undefined, 'filter.project'));
    const domain = resolve(f.domain, (r) => getDomain(s, r, undefined, 'filter.domain').id);
    const role = resolve(f.role, (r) => getRole(s, r, undefined, 'filter.role').id);
    if (user === null || group === null || project === null || domain === null || role === null) return [];
    const rows = listAssignments(s, {
      user,
      group,
      project: project?.id,
      domain,
      system: f.system !== undefined,
      role,
      effective,
      include_names: check.optional(f.include_names, 'filter.include_names', check.boolean, false),
      ...(inherited === undefined ? {} : { inherited }),
      ...(subtreeWanted && project ? { projectIds: new Set(subtree(s, project.id).map((p) => p.id)) } : {}),
    });
    // keystone/api/role_assignments.py: a domain-scoped caller sees only the assignments on its
    // domain and on the domain's projects (its policy target was its own domain)
    const scopedTo = subtreeWanted ? undefined : valid.domain?.id;
    if (scopedTo === undefined) return rows;
    return rows.filter((a) => a.scope.domain?.id === scopedTo || (a.scope.project !== undefined && getRow(s.identity.projects, a.scope.project.id)?.domain_id === scopedTo));
  }

  // ---------------------------------------------------------------- application credentials

  /**
   * `POST /v3/users/{user_id}/application_credentials`: for the token's own user and project;
   * `roles` (default: all the token's roles) must be a subset of the token's roles. Returns the
   * secret once (generated from the seeded generator unless given).
   */
  createApplicationCredential(userRef: Ref, input: { name: string; description?: string; secret?: string; roles?: string[]; expires_at?: number | null; unrestricted?: boolean }): ApplicationCredentialView & { secret: string } {
    return this.write('create_application_credential', (tx, s, creds, valid) => {
      const u = getUser(s, userRef, this.seeUser(creds, 'identity:create_application_credential'));
      this.enforce('identity:create_application_credential', creds, { user_id: u.id, target: { user: { id: u.id } } });
      if (valid.token.application_credential_id !== null) throw new Forbidden('identity.application_credential.delegated', 'An application credential token cannot create application credentials.');
      if (!valid.project) throw new InvalidInput('token', 'an application credential needs a project-scoped token.');
      const body = check.record(input, 'application_credential');
      check.onlyKeys(body, ['name', 'description', 'secret', 'roles', 'expires_at', 'unrestricted'], 'application_credential');
      const name = check.name(body.name, 'application_credential.name', 255);
      if (tableToArray(s.identity.application_credentials).some((a) => a.user_id === u.id && a.name === name)) throw new Conflict('identity.application_credential.duplicate', `An application credential named '${name}' already exists for this user.`);
      const tokenRoles = valid.roles;
      // matched among the token's roles only (keystone/api/users.py _get_roles): a role the token lacks and one that does not exist get the same answer
      const roleIds = body.roles === undefined ? tokenRoles.map((r) => r.id) : check.array(body.roles, 'application_credential.roles', (x, f) => {
        const ref = check.name(x, f, 255);
        const held = tokenRoles.find((t) => t.id === ref) ?? tokenRoles.find((t) => t.name.toLowerCase() === ref.toLowerCase());
        if (!held) throw new Forbidden('identity.application_credential.role_not_held', `${f}: the token does not carry role '${ref}'.`);
        return held.id;
      }, 100);
      const secret = body.secret === undefined ? tx.ids.hex(64) : check.name(body.secret, 'application_credential.secret', 4096);
      const row = {
        id: tx.ids.uuid().replace(/-/g, ''),
        name,
        description: check.optional(body.description, 'application_credential.description', (x, f) => check.text(x, f, 255), ''),
        user_id: u.id,
        project_id: valid.project.id,
        role_ids: roleIds,
        secret_hash: hashSecret(secret, tx.ids.hex(16), s.identity.config.password_hash_rounds),
        expires_at: body.expires_at === undefined || body.expires_at === null ? null : check.number(body.expires_at, 'application_credential.expires_at', tx.now()),
        unrestricted: check.optional(body.unrestricted, 'application_credential.unrestricted', check.boolean, false),
      };
      storeAppCred(tx, row);
      return { ...appCredView(s, row), secret };
    });
  }

  /** `GET /v3/users/{user_id}/application_credentials`. */
  listApplicationCredentials(userRef: Ref): ApplicationCredentialView[] {
    const { s, creds } = this.read();
    const u = getUser(s, userRef, this.seeUser(creds, 'identity:list_application_credentials'));
    this.enforce('identity:list_application_credentials', creds, { user_id: u.id, target: { user: { id: u.id } } });
    return tableToArray(s.identity.application_credentials).filter((a) => a.user_id === u.id).map((a) => appCredView(s, a));
  }

  /** `GET /v3/users/{user_id}/application_credentials/{id}` (by id or name). */
  getApplicationCredential(userRef: Ref, ref: string): ApplicationCredentialView {
    const { s, creds } = this.read();
    const u = getUser(s, userRef, this.seeUser(creds, 'identity:get_application_credential'));
    // policy before the credential is looked up: its owner is the user of the path
    this.enforce('identity:get_application_credential', creds, { user_id: u.id, target: { user: { id: u.id }, application_credential: { user_id: u.id } } });
    return appCredView(s, findAppCred(s, u.id, ref));
  }

  /** `DELETE /v3/users/{user_id}/application_credentials/{id}`: its tokens stop validating. */
  deleteApplicationCredential(userRef: Ref, ref: string): void {
    this.write('delete_application_credential', (tx, s, creds) => {
      const u = getUser(s, userRef, this.seeUser(creds, 'identity:delete_application_credential'));
      this.enforce('identity:delete_application_credential', creds, { user_id: u.id, target: { user: { id: u.id }, application_credential: { user_id: u.id } } });
      dropAppCred(tx, findAppCred(s, u.id, ref).id);
    });
  }

  // ---------------------------------------------------------------- catalog

  /** `POST /v3/regions`. */
  createRegion(input: { id: string; description?: string; parent_region_id?: string }): RegionRow {
    return this.write('create_region', (tx, _s, creds) => {
      this.enforce('identity:create_region', creds, {});
      return createRegion(tx, input);
    });
  }

  /** `GET /v3/regions`. */
  listRegions(): RegionRow[] {
    const { s, creds } = this.read();
    this.enforce('identity:list_regions', creds, {});
    return tableToArray(s.identity.regions);
  }

  /** `GET /v3/regions/{region_id}` (`identity:get_region`, open to anyone with a token in Zed). */
  getRegion(id: string): RegionRow {
    const { s, creds } = this.read();
    const key = check.name(id, 'region');
    this.enforce('identity:get_region', creds, {});
    const r = getRow(s.identity.regions, key);
    if (!r) throw new NotFound('identity.region.not_found', `Could not find region: ${key}.`);
    return r;
  }

  /** `DELETE /v3/regions/{id}`. */
  deleteRegion(id: string): void {
    this.write('delete_region', (tx, s, creds) => {
      this.enforce('identity:delete_region', creds, {});
      const r = getRow(s.identity.regions, check.name(id, 'region'));
      if (!r) throw new NotFound('identity.region.not_found', `No region '${id}'.`);
      deleteRegion(tx, r);
    });
  }

  /** `POST /v3/services`. */
  createService(input: { type: string; name?: string; description?: string; enabled?: boolean }): ServiceRow {
    return this.write('create_service', (tx, _s, creds) => {
      this.enforce('identity:create_service', creds, {});
      return createService(tx, input);
    });
  }

  /** `GET /v3/services/{service_id}`. */
  getService(id: string): ServiceRow {
    const { s, creds } = this.read();
    const key = check.name(id, 'service');
    this.enforce('identity:get_service', creds, {});
    const svc = getRow(s.identity.services, key);
    if (!svc) throw new NotFound('identity.service.not_found', `Could not find service: ${key}.`);
    return svc;
  }

  /** `GET /v3/services` (filters `type`, `name`). */
  listServices(filter: { type?: string; name?: string } = {}): ServiceRow[] {
    const { s, creds } = this.read();
    const f = listFilter(filter, ['type', 'name']);
    this.enforce('identity:list_services', creds, {});
    return tableToArray(s.identity.services).filter((x) => matches(x, f));
  }

  /** `DELETE /v3/services/{id}`. */
  deleteService(id: string): void {
    this.write('delete_service', (tx, s, creds) => {
      this.enforce('identity:delete_service', creds, {});
      const svc = getRow(s.identity.services, check.name(id, 'service'));
      if (!svc) throw new NotFound('identity.service.not_found', `No service '${id}'.`);
      deleteService(tx, svc);
    });
  }

  /** `POST /v3/endpoints`. */
  createEndpoint(input: { service_id: string; interface: 'public' | 'internal' | 'admin'; region_id: string; url: string; enabled?: boolean }): EndpointRow {
    return this.write('create_endpoint', (tx, _s, creds) => {
      this.enforce('identity:create_endpoint', creds, {});
      return createEndpoint(tx, input);
    });
  }

  /** `GET /v3/endpoints` (filters `service_id`, `interface`, `region_id`). */
  listEndpoints(filter: { service_id?: string; interface?: string; region_id?: string } = {}): EndpointRow[] {
    const { s, creds } = this.read();
    const f = listFilter(filter, ['service_id', 'interface', 'region_id']);
    this.enforce('identity:list_endpoints', creds, {});
    return tableToArray(s.identity.endpoints).filter((x) => matches(x, f));
  }

  /** `GET /v3/endpoints/{endpoint_id}`. */
  getEndpoint(id: string): EndpointRow {
    const { s, creds } = this.read();
    const key = check.name(id, 'endpoint');
    this.enforce('identity:get_endpoint', creds, {});
    const e = getRow(s.identity.endpoints, key);
    if (!e) throw new NotFound('identity.endpoint.not_found', `Could not find endpoint: ${key}.`);
    return e;
  }

  /** `DELETE /v3/endpoints/{id}`. */
  deleteEndpoint(id: string): void {
    this.write('delete_endpoint', (tx, s, creds) => {
      this.enforce('identity:delete_endpoint', creds, {});
      const e = getRow(s.identity.endpoints, check.name(id, 'endpoint'));
      if (!e) throw new NotFound('identity.endpoint.not_found', `No endpoint '${id}'.`);
      deleteEndpoint(tx, e);
    });
  }
}

/**
 * The request body's plain fields for a policy target (Keystone puts the body in the target):
 * own string, number, boolean and null values only. Nested values are left out, so a hostile
 * body (circular, very deep, `__proto__` keys) reaches policy as harmless scalars; the body
 * itself is checked, field by field, by the command.
 */
function scalarFields(x: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return out;
  for (const [k, v] of Object.entries(x)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

function listFilter(filter: unknown, keys: string[]): Record<string, unknown> {
  const f = check.record(filter, 'filter');
  check.onlyKeys(f, keys, 'filter');
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined) continue;
    if (k === 'enabled') check.boolean(v, `filter.${k}`);
    else check.name(v, `filter.${k}`);
  }
  return f;
}

function matches(row: object, f: Record<string, unknown>): boolean {
  for (const [k, v] of Object.entries(f)) if (v !== undefined && (row as Record<string, unknown>)[k] !== v) return false;
  return true;
}

function findAppCred(s: S, userId: string, ref: string): ApplicationCredentialRow {
  const key = check.name(ref, 'application_credential');
  const byId = getRow(s.identity.application_credentials, key);
  const found = byId && byId.user_id === userId ? byId : tableToArray(s.identity.application_credentials).find((a) => a.user_id === userId && a.name === key);
  if (!found) throw new NotFound('identity.application_credential.not_found', `No application credential '${key}' for this user.`);
  return found;
}


function storeAppCred(tx: Tx, row: ApplicationCredentialRow): void {
  setRow(tx.draft.identity.application_credentials, row.id, row);
  tx.emit('identity.application_credential.created', () => ({ resource_info: row.id, action: 'created' }));
}

function dropAppCred(tx: Tx, id: string): void {
  deleteRow(tx.draft.identity.application_credentials, id);
  tx.emit('identity.application_credential.deleted', () => ({ resource_info: id, action: 'deleted' }));
}

