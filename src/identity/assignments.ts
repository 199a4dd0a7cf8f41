/**
 * Role assignments (grants) and effective roles: direct, through groups, inherited to a
 * project's subtree (`OS-INHERIT`), closed under implied roles — what Keystone puts in a token.
 */
import { Conflict, Forbidden, InvalidInput, NotFound, deleteRow, getRow, setRow, tableToArray, check, type CloudState, type Tx } from '../core/index.js';
import { impliedClosure } from './resources.js';
import { ancestors, assignmentKey, withPrefix } from './queries.js';
import type { ActorType, AssignmentRow, ProjectRow, RoleRow, TargetType, TokenScope } from './types.js';

type S = CloudState;

/** An assignment as `GET /v3/role_assignments` shows it. */
export interface RoleAssignmentView {
  readonly role: { readonly id: string; readonly name?: string; readonly domain?: { readonly id: string; readonly name?: string } };
  readonly user?: { readonly id: string; readonly name?: string; readonly domain?: { readonly id: string; readonly name?: string } };
  readonly group?: { readonly id: string; readonly name?: string; readonly domain?: { readonly id: string; readonly name?: string } };
  readonly scope: {
    readonly project?: { readonly id: string; readonly name?: string; readonly domain?: { readonly id: string; readonly name?: string } };
    readonly domain?: { readonly id: string; readonly name?: string };
    readonly system?: { readonly all: true };
    readonly 'OS-INHERIT:inherited_to'?: 'projects';
  };
  /**
   * Keystone's links, as paths below `/v3` (the REST API makes them URLs): `assignment`, the grant
   * the row comes from (for an effective row, the group or inherited grant it was expanded from);
   * `membership`, the group membership an effective row came through.
   */
  readonly links: { readonly assignment: string; readonly membership?: string };
}

/** Creates a grant (`PUT /v3/{projects|domains|system}/…/{users|groups}/…/roles/{role}`); idempotent. */
export function grant(tx: Tx, a: AssignmentRow): void {
  const key = assignmentKey(a);
  if (getRow(tx.draft.identity.assignments, key) !== undefined) return;
  if (a.inherited && a.target_type === 'system') throw new InvalidInput('inherited', 'system role assignments cannot be inherited.');
  const s = tx.draft as S;
  const role = getRow(s.identity.roles, a.role_id);
  if (role && role.domain_id !== null) {
    // a domain-specific role only on its own domain and that domain's projects (Keystone's DomainSpecificRoleMismatch)
    if (a.target_type === 'system') throw new InvalidInput('role', `domain-specific role '${role.name}' cannot be granted on the system.`);
    const domainOfTarget = a.target_type === 'domain' ? a.target_id : getRow(s.identity.projects, a.target_id)?.domain_id;
    if (domainOfTarget !== role.domain_id) throw new Forbidden('identity.role.domain_mismatch', `Domain-specific role '${role.name}' belongs to domain ${role.domain_id} and cannot be granted on a ${a.target_type} of domain ${domainOfTarget}.`);
  }
  setRow(tx.draft.identity.assignments, key, a);
  tx.trace('keystone', 'role assignment created', { ...a });
  tx.emit('identity.role_assignment.created', () => eventOf(a, 'created'));
}

/** Removes a grant (404 when there is none, as Keystone's `RoleAssignmentNotFound`). */
export function ungrant(tx: Tx, a: AssignmentRow): void {
  if (!deleteRow(tx.draft.identity.assignments, assignmentKey(a))) {
    throw new NotFound('identity.role_assignment.not_found', 'Could not find role assignment with that role, actor and target.', { ...a });
  }
  tx.emit('identity.role_assignment.deleted', () => eventOf(a, 'deleted'));
}

function eventOf(a: AssignmentRow, action: string) {
  return {
    resource_info: a.role_id,
    action,
    role: a.role_id,
    [a.actor_type]: a.actor_id,
    [a.target_type]: a.target_type === 'system' ? 'all' : a.target_id,
    inherited_to_projects: a.inherited,
  };
}

/** Whether a grant exists (`HEAD …/roles/{role}`). */
export function hasGrant(s: S, a: AssignmentRow): boolean {
  return getRow(s.identity.assignments, assignmentKey(a)) !== undefined;
}

/** Group ids a user belongs to. */
export function groupsOf(s: S, userId: string): string[] {
  return [...withPrefix<string>(s.identity.user_groups, `${userId}/`)].map(([, g]) => g);
}

function assignmentsOn(s: S, actorType: ActorType, actorId: string, targetType: TargetType, targetId: string): AssignmentRow[] {
  return [...withPrefix<AssignmentRow>(s.identity.assignments, `${actorType}:${actorId}|${targetType}:${targetId}|`)].map(([, a]) => a);
}

/**
 * The assignments that give `userId` roles on a scope, each with the actor it came through:
 * direct and group grants on the target; for a project also grants inherited from its domain and
 * from its ancestors (an inherited grant applies to the subtree, not to the project it is on).
 */
export function contributingAssignments(s: S, userId: string, scope: TokenScope): AssignmentRow[] {
  if (scope.type === 'unscoped') return [];
  const actors: [ActorType, string][] = [['user', userId], ...groupsOf(s, userId).map((g): [ActorType, string] => ['group', g])];
  const out: AssignmentRow[] = [];
  for (const [type, id] of actors) {
    if (scope.type === 'system') {
      out.push(...assignmentsOn(s, type, id, 'system', 'all'));
    } else if (scope.type === 'domain') {
      out.push(...assignmentsOn(s, type, id, 'domain', scope.id).filter((a) => !a.inherited));
    } else {
      const project = getRow(s.identity.projects, scope.id);
      if (!project) continue;
      out.push(...assignmentsOn(s, type, id, 'project', project.id).filter((a) => !a.inherited));
      out.push(...assignmentsOn(s, type, id, 'domain', project.domain_id).filter((a) => a.inherited));
      for (const parent of ancestors(s, project)) out.push(...assignmentsOn(s, type, id, 'project', parent.id).filter((a) => a.inherited));
    }
  }
  return out;
}

/**
 * The roles a user holds on a scope: the closure under implied roles of every contributing
 * assignment. Domain-specific roles are expanded through their implications but never appear in
 * a token themselves, as Keystone does.
 */
export function effectiveRoles(s: S, userId: string, scope: TokenScope): RoleRow[] {
  const ids = impliedClosure(s, contributingAssignments(s, userId, scope).map((a) => a.role_id));
  const roles: RoleRow[] = [];
  for (const id of ids) {
    const r = getRow(s.identity.roles, id);
    if (r && r.domain_id === null) roles.push(r);
  }
  return roles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Filters of `GET /v3/role_assignments`. */
export interface RoleAssignmentFilter {
  readonly user?: string;
  readonly group?: string;
  readonly project?: string;
  readonly domain?: string;
  readonly system?: 'all';
  readonly role?: string;
  /** `?effective`: expand groups and inheritance into the user's effective assignments. */
  readonly effective?: boolean;
  /** `?include_names`. */
  readonly include_names?: boolean;
  /** `?include_subtree` (with `project`). */
  readonly include_subtree?: boolean;
  /** `?scope.OS-INHERIT:inherited_to=projects`. */
  readonly inherited?: boolean;
}

/** The keys `listRoleAssignments` accepts. */
export const ROLE_ASSIGNMENT_FILTER_KEYS = ['user', 'group', 'project', 'domain', 'system', 'role', 'effective', 'include_names', 'include_subtree', 'inherited'];

/** Rows of `GET /v3/role_assignments` (ids already resolved by the caller). */
export function listAssignments(s: S, f: { user?: string; group?: string; project?: string; domain?: string; system?: boolean; role?: string; effective: boolean; include_names: boolean; inherited?: boolean; projectIds?: Set<string> }): RoleAssignmentView[] {
  if (f.effective && f.group !== undefined) throw new InvalidInput('group', 'effective listings expand groups into users: filter by user, not group.');
  const rows: { a: AssignmentRow; via?: string; projectId?: string }[] = [];
  const base = tableToArray(s.identity.assignments);
  if (!f.effective) {
    for (const a of base) rows.push({ a });
  } else {
    for (const a of base) {
      const users = a.actor_type === 'user' ? [a.actor_id] : [...withPrefix<string>(s.identity.group_users, `${a.actor_id}/`)].map(([, u]) => u);
      const targets: { type: TargetType; id: string }[] = [];
      if (!a.inherited) targets.push({ type: a.target_type, id: a.target_id });
      else if (a.target_type === 'domain') for (const p of tableToArray(s.identity.projects).filter((x) => x.domain_id === a.target_id)) targets.push({ type: 'project', id: p.id });
      else if (a.target_type === 'project') for (const p of subtreeOf(s, a.target_id)) targets.push({ type: 'project', id: p.id });
      for (const u of users) {
        for (const t of targets) {
          for (const roleId of impliedClosure(s, [a.role_id])) {
            if (getRow(s.identity.roles, roleId)?.domain_id !== null) continue; // domain-specific roles only expand, as in tokens
            rows.push({ a: { actor_type: 'user', actor_id: u, target_type: t.type, target_id: t.id, role_id: roleId, inherited: false }, via: assignmentKey(a) });
          }
        }
      }
    }
  }
  const seen = new Set<string>();
  const out: RoleAssignmentView[] = [];
  for (const { a, via } of rows) {
    if (f.user !== undefined && !(a.actor_type === 'user' && a.actor_id === f.user)) continue;
    if (f.group !== undefined && !(a.actor_type === 'group' && a.actor_id === f.group)) continue;
    if (f.project !== undefined && !(a.target_type === 'project' && (a.target_id === f.project || f.projectIds?.has(a.target_id)))) continue;
    if (f.domain !== undefined && !(a.target_type === 'domain' && a.target_id === f.domain)) continue;
    if (f.system && a.target_type !== 'system') continue;
    if (f.role !== undefined && a.role_id !== f.role) continue;
    if (f.inherited !== undefined && a.inherited !== f.inherited) continue;
    const key = assignmentKey(a);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(view(s, a, f.include_names, via));
  }
  return out;
}

function subtreeOf(s: S, projectId: string): ProjectRow[] {
  const out: ProjectRow[] = [];
  for (const [, id] of withPrefix<string>(s.identity.project_children, `${projectId}/`)) {
    const p = getRow(s.identity.projects, id);
    if (p) out.push(p, ...subtreeOf(s, p.id));
  }
  return out;
}

function view(s: S, a: AssignmentRow, names: boolean, via?: string): RoleAssignmentView {
  const role = getRow(s.identity.roles, a.role_id);
  const actor = a.actor_type === 'user' ? getRow(s.identity.users, a.actor_id) : getRow(s.identity.groups, a.actor_id);
  const domainRef = (domainId: string) => ({ id: domainId, name: getRow(s.identity.domains, domainId)?.name ?? domainId });
  // keystone/api/role_assignments.py _format_entity: with include_names, each part carries its name and its domain's id and name
  const ref = (id: string, name: string | undefined, domainId?: string | null) => ({ id, ...(names && name !== undefined ? { name } : {}), ...(names && domainId ? { domain: domainRef(domainId) } : {}) });
  const scope: Record<string, unknown> = {};
  if (a.target_type === 'project') {
    const p = getRow(s.identity.projects, a.target_id);
    scope.project = ref(a.target_id, p?.name, p?.domain_id);
  } else if (a.target_type === 'domain') {
    scope.domain = ref(a.target_id, getRow(s.identity.domains, a.target_id)?.name);
  } else scope.system = { all: true };
  if (a.inherited) scope['OS-INHERIT:inherited_to'] = 'projects';
  const source = via === undefined ? a : (getRow(s.identity.assignments, via) ?? a);
  const links: { assignment: string; membership?: string } = { assignment: assignmentPath(source) };
  if (via !== undefined && source.actor_type === 'group' && a.actor_type === 'user') links.membership = `/groups/${source.actor_id}/users/${a.actor_id}`;
  return Object.freeze({
    role: ref(a.role_id, role?.name, role?.domain_id),
    [a.actor_type]: ref(a.actor_id, actor?.name, actor?.domain_id),
    scope,
    links,
  }) as RoleAssignmentView;
}

/**
 * The grant API path of an assignment, below `/v3` (`/projects/{p}/users/{u}/roles/{r}`,
 * `/OS-INHERIT/domains/{d}/groups/{g}/roles/{r}/inherited_to_projects`, `/system/users/{u}/roles/{r}`):
 * what Keystone's `links.assignment` points at.
 */
export function assignmentPath(a: AssignmentRow): string {
  const target = a.target_type === 'system' ? '/system' : `/${a.target_type}s/${a.target_id}`;
  const path = `${target}/${a.actor_type}s/${a.actor_id}/roles/${a.role_id}`;
  return a.inherited ? `/OS-INHERIT${path}/inherited_to_projects` : path;
}

/** Checks the `inherited` flag of a grant call. */
export function checkInherited(x: unknown): boolean {
  return check.optional(x, 'inherited', check.boolean, false);
}

export { Conflict };
