/** Keystone v3 API views of identity rows (frozen, with Keystone's field names). */
import { getRow, isoAt, type CloudState } from '../core/index.js';
import type { ApplicationCredentialRow, DomainRow, GroupRow, ProjectRow, RoleRow, UserRow } from './types.js';

/** `GET /v3/domains/{id}`: the row as stored. */
export type DomainView = DomainRow;

/** `GET /v3/projects/{id}`: the row as stored. */
export type ProjectView = ProjectRow;

/** `GET /v3/users/{id}` (never the password). */
export interface UserView {
  readonly id: string;
  readonly name: string;
  readonly domain_id: string;
  readonly enabled: boolean;
  readonly description?: string;
  readonly email?: string;
  readonly default_project_id?: string;
  readonly password_expires_at: string | null;
  readonly options: Readonly<Record<string, unknown>>;
}

/** `GET /v3/groups/{id}`: the row as stored. */
export type GroupView = GroupRow;

/** `GET /v3/roles/{id}`: the row as stored. */
export type RoleView = RoleRow;

/** `GET /v3/users/{user_id}/application_credentials/{id}` (never the secret). */
export interface ApplicationCredentialView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly user_id: string;
  readonly project_id: string;
  readonly roles: readonly { readonly id: string; readonly name: string }[];
  readonly expires_at: string | null;
  readonly unrestricted: boolean;
}

/** Builds a domain view. */
export function domainView(d: DomainRow): DomainView {
  return Object.freeze({ ...d });
}

/** Builds a project view. */
export function projectView(p: ProjectRow): ProjectView {
  return Object.freeze({ ...p });
}

/** Builds a user view: the password hash and lockout counters never leave the state. */
export function userView(u: UserRow, epoch: string): UserView {
  return Object.freeze({
    id: u.id,
    name: u.name,
    domain_id: u.domain_id,
    enabled: u.enabled,
    ...(u.description ? { description: u.description } : {}),
    ...(u.email !== null ? { email: u.email } : {}),
    ...(u.default_project_id !== null ? { default_project_id: u.default_project_id } : {}),
    password_expires_at: u.password_expires_at === null ? null : isoAt(epoch, u.password_expires_at, true),
    options: u.options,
  });
}

/** Builds a group view. */
export function groupView(g: GroupRow): GroupView {
  return Object.freeze({ ...g });
}

/** Builds a role view. */
export function roleView(r: RoleRow): RoleView {
  return Object.freeze({ ...r });
}

/** Builds an application credential view (no secret). */
export function appCredView(s: CloudState, a: ApplicationCredentialRow): ApplicationCredentialView {
  return Object.freeze({
    id: a.id,
    name: a.name,
    description: a.description,
    user_id: a.user_id,
    project_id: a.project_id,
    roles: a.role_ids.map((id) => ({ id, name: getRow(s.identity.roles, id)?.name ?? id })),
    expires_at: a.expires_at === null ? null : isoAt(s.meta.clock.epoch, a.expires_at, true),
    unrestricted: a.unrestricted,
  });
}
