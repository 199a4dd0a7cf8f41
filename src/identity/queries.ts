/**
 * Guarded getters and index keys of the identity slice. Every way from an id or a name to a
 * Keystone record goes through here: `getX(state, ref)` returns the row or throws identity's 404
 * (`identity.<kind>.not_found`); names resolve only among the rows `visible` lets through.
 */
import { CloudError, Duplicate, InvalidInput, getRow, namedTable, plain, resolveRef, tableEntries, tableToArray, type CloudState, type NamedTable, type Table } from '../core/index.js';
import type { DomainRow, GroupRow, ProjectRow, RoleRow, UserRow } from './types.js';

/** The id of the `Default` domain, as Keystone creates it. */
export const DEFAULT_DOMAIN_ID = 'default';

type S = CloudState;

/** Visibility predicate: names and ids resolve only to what the caller may see. */
export type Visible<T> = (row: T) => boolean;
const all = (): boolean => true;

/** `<domain>/<name>` index key. */
export const scoped = (domainId: string, name: string): string => `${domainId}/${name}`;
/** Role names are case-insensitive in Keystone. */
export const roleKey = (domainId: string | null, name: string): string => `${domainId ?? ''}/${name.toLowerCase()}`;

/** Domains by unique name (`domain_names`). */
export const namedDomains: NamedTable<S, DomainRow> = namedTable({
  rows: (s: S) => s.identity.domains,
  names: (s: S) => s.identity.domain_names,
  id: (d: DomainRow) => d.id,
  duplicate: (name) => new Duplicate('identity.domain', name),
});
/** Rows named uniquely within their domain (`<domain_id>/<name>`, {@link scoped}). */
function inDomain<R extends { readonly id: string; readonly name: string; readonly domain_id: string }>(kind: string, rows: (s: S) => Table<R>, names: (s: S) => Table<string>): NamedTable<S, R> {
  return namedTable({ rows, names, id: (r: R) => r.id, scope: (r: R) => r.domain_id, key: (domainId, name) => scoped(domainId ?? '', name), duplicate: (name) => new Duplicate(kind, name) });
}
/** Projects by name, unique within their domain (`project_names`). */
export const namedProjects: NamedTable<S, ProjectRow> = inDomain('identity.project', (s) => s.identity.projects, (s) => s.identity.project_names);
/** Users by name, unique within their domain (`user_names`). */
export const namedUsers: NamedTable<S, UserRow> = inDomain('identity.user', (s) => s.identity.users, (s) => s.identity.user_names);
/** Groups by name, unique within their domain (`group_names`). */
export const namedGroups: NamedTable<S, GroupRow> = inDomain('identity.group', (s) => s.identity.groups, (s) => s.identity.group_names);
/** Roles by case-insensitive name, global (scope null) or unique within a domain (`role_names`, keyed {@link roleKey}). */
export const namedRoles: NamedTable<S, RoleRow> = namedTable({
  rows: (s: S) => s.identity.roles,
  names: (s: S) => s.identity.role_names,
  id: (r: RoleRow) => r.id,
  scope: (r: RoleRow) => r.domain_id,
  key: roleKey,
  duplicate: (name) => new Duplicate('identity.role', name),
});
/** Assignment key: actor, target, role, inherited. */
export const assignmentKey = (a: { actor_type: string; actor_id: string; target_type: string; target_id: string; role_id: string; inherited: boolean }): string =>
  `${a.actor_type}:${a.actor_id}|${a.target_type}:${a.target_id}|${a.role_id}|${a.inherited ? 'i' : 'd'}`;

/** Rows under a key prefix, in key order (a range scan of the B+tree). */
export function* withPrefix<T>(table: Parameters<typeof tableEntries<T>>[0], prefix: string): Generator<[string, T]> {
  for (const entry of tableEntries(table, prefix)) {
    if (!entry[0].startsWith(prefix)) return;
    yield entry;
  }
}

function byNameAcrossDomains<T extends { readonly name: string }>(s: S, named: NamedTable<S, T>, name: string, byId: (id: string) => T | undefined, domainId?: string): T[] {
  const domains = domainId !== undefined ? [domainId] : tableToArray(s.identity.domains).map((d) => d.id);
  const out: T[] = [];
  for (const d of domains) {
    const id = named.idOf(s, d, name);
    const row = id === undefined ? undefined : byId(id);
    if (row !== undefined) out.push(row);
  }
  return out;
}

/** The longest reference that can name an identity row: names are at most 255 characters (Keystone's schemas), ids 64. */
export const MAX_REF_LENGTH = 255;

/** A reference longer than any name or id is a 400 naming the field, not a 404 echoing it. */
function refLength(ref: unknown, field: string): void {
  if (typeof ref === 'string' && ref.length > MAX_REF_LENGTH) throw new InvalidInput(field, `must be at most ${MAX_REF_LENGTH} characters (a name or an id), got ${ref.length}.`);
}

/**
 * What a lookup finds, or undefined where it would answer 404 (nothing) or 409 (an ambiguous
 * name): for looking a reference up before policy decides, so that the caller's answer does not
 * depend on what exists. A malformed reference still throws its 400.
 */
export function quietly<T>(lookup: () => T): T | undefined {
  try {
    return lookup();
  } catch (e) {
    if (e instanceof CloudError && (e.status === 404 || e.status === 409)) return undefined;
    throw e;
  }
}

/** A domain by id or name (404 `identity.domain.not_found`). */
export function getDomain(s: S, ref: unknown, visible: Visible<DomainRow> = all, field = 'domain'): DomainRow {
  refLength(ref, field);
  return plain(
    resolveRef<DomainRow>(ref, {
      kind: 'identity.domain',
      byId: (id) => {
        const d = getRow(s.identity.domains, id);
        return d && visible(d) ? d : undefined;
      },
      byName: (name) => {
        const d = namedDomains.find(s, null, name);
        return d && visible(d) ? [d] : [];
      },
      idOf: (d) => d.id,
    }, field),
  );
}

/** A row of a table whose names are unique within a domain, by id or name (optionally within one domain). */
function getInDomain<T extends { readonly id: string; readonly name: string; readonly domain_id: string }>(
  s: S,
  table: Table<T>,
  named: NamedTable<S, T>,
  kind: string,
  ref: unknown,
  visible: Visible<T>,
  domainId: string | undefined,
  field: string,
): T {
  refLength(ref, field);
  const byId = (id: string) => {
    const row = getRow(table, id);
    return row && visible(row) && (domainId === undefined || row.domain_id === domainId) ? row : undefined;
  };
  return plain(resolveRef<T>(ref, { kind, byId, byName: (n) => byNameAcrossDomains(s, named, n, byId, domainId), idOf: (row) => row.id }, field));
}

/** A project by id or name (optionally within one domain). */
export function getProject(s: S, ref: unknown, visible: Visible<ProjectRow> = all, domainId?: string, field = 'project'): ProjectRow {
  return getInDomain(s, s.identity.projects, namedProjects, 'identity.project', ref, visible, domainId, field);
}

/** A user by id or name (optionally within one domain). */
export function getUser(s: S, ref: unknown, visible: Visible<UserRow> = all, domainId?: string, field = 'user'): UserRow {
  return getInDomain(s, s.identity.users, namedUsers, 'identity.user', ref, visible, domainId, field);
}

/** A group by id or name (optionally within one domain). */
export function getGroup(s: S, ref: unknown, visible: Visible<GroupRow> = all, domainId?: string, field = 'group'): GroupRow {
  return getInDomain(s, s.identity.groups, namedGroups, 'identity.group', ref, visible, domainId, field);
}

/** A role by id or (case-insensitive) name: global roles, then domain-specific ones. */
export function getRole(s: S, ref: unknown, visible: Visible<RoleRow> = all, field = 'role'): RoleRow {
  refLength(ref, field);
  const byId = (id: string) => {
    const r = getRow(s.identity.roles, id);
    return r && visible(r) ? r : undefined;
  };
  return plain(
    resolveRef<RoleRow>(ref, {
      kind: 'identity.role',
      byId,
      byName: (name) => {
        // a global role wins over domain-specific roles of the same name, as the openstack CLI resolves it
        const global = namedRoles.idOf(s, null, name);
        const g = global === undefined ? undefined : byId(global);
        if (g) return [g];
        const out: RoleRow[] = [];
        for (const d of tableToArray(s.identity.domains)) {
          const id = namedRoles.idOf(s, d.id, name);
          const r = id === undefined ? undefined : byId(id);
          if (r) out.push(r);
        }
        return out;
      },
      idOf: (r) => r.id,
    }, field),
  );
}

/** The ancestors of a project, nearest first (parents up to, not including, the domain). */
export function ancestors(s: S, project: ProjectRow): ProjectRow[] {
  const out: ProjectRow[] = [];
  let parent = getRow(s.identity.projects, project.parent_id);
  while (parent !== undefined) {
    out.push(parent);
    parent = getRow(s.identity.projects, parent.parent_id);
  }
  return out;
}

/** Direct children of a project (or of a domain's top level). */
export function children(s: S, parentId: string): ProjectRow[] {
  const out: ProjectRow[] = [];
  for (const [, id] of withPrefix<string>(s.identity.project_children, `${parentId}/`)) {
    const p = getRow(s.identity.projects, id);
    if (p) out.push(p);
  }
  return out;
}

/** Every project below a project, depth first. */
export function subtree(s: S, parentId: string): ProjectRow[] {
  const out: ProjectRow[] = [];
  for (const c of children(s, parentId)) out.push(c, ...subtree(s, c.id));
  return out;
}
