/**
 * Keystone v3's resources as the state stores them (normalised rows; API views are built at
 * query time). Field names are Keystone's.
 */
import type { Table } from '../core/index.js';

/** A domain (`Default` exists from the start, id `default`). */
export interface DomainRow {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly tags: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** A project; `parent_id` is its parent project, or its domain's id at the top of the tree. */
export interface ProjectRow {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly domain_id: string;
  readonly parent_id: string;
  readonly enabled: boolean;
  readonly is_domain: boolean;
  readonly tags: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** A local user. The password is only ever stored as a salted PBKDF2 hash. */
export interface UserRow {
  readonly id: string;
  readonly name: string;
  readonly domain_id: string;
  readonly enabled: boolean;
  readonly description: string;
  readonly email: string | null;
  readonly default_project_id: string | null;
  /** `pbkdf2-sha256$<rounds>$<salt hex>$<hash hex>`, or null for a user with no password. */
  readonly password_hash: string | null;
  /** Virtual time of the last password change (tokens issued before it stop validating). */
  readonly password_created_at: number;
  readonly password_expires_at: number | null;
  /** Consecutive failed authentications (for `[security_compliance] lockout_failure_attempts`). */
  readonly failed_auth_count: number;
  readonly failed_auth_at: number | null;
  readonly options: Readonly<Record<string, unknown>>;
}

/** A group of users in a domain. */
export interface GroupRow {
  readonly id: string;
  readonly name: string;
  readonly domain_id: string;
  readonly description: string;
}

/** A role; global when `domain_id` is null, else domain-specific. */
export interface RoleRow {
  readonly id: string;
  readonly name: string;
  readonly domain_id: string | null;
  readonly description: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Who an assignment is for. */
export type ActorType = 'user' | 'group';
/** What an assignment is on. */
export type TargetType = 'project' | 'domain' | 'system';

/** A role assignment (a "grant"). `inherited` is Keystone's OS-INHERIT flag. */
export interface AssignmentRow {
  readonly actor_type: ActorType;
  readonly actor_id: string;
  readonly target_type: TargetType;
  /** Project or domain id, or `all` for the system. */
  readonly target_id: string;
  readonly role_id: string;
  readonly inherited: boolean;
}

/** An application credential: a secret a user hands to an application, bound to one project. */
export interface ApplicationCredentialRow {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly user_id: string;
  readonly project_id: string;
  /** Role ids delegated (a subset of the user's roles on the project at creation). */
  readonly role_ids: readonly string[];
  readonly secret_hash: string;
  readonly expires_at: number | null;
  readonly unrestricted: boolean;
}

/** What a token is scoped to. */
export type TokenScope =
  | { readonly type: 'unscoped' }
  | { readonly type: 'project'; readonly id: string }
  | { readonly type: 'domain'; readonly id: string }
  | { readonly type: 'system' };

/** An issued token (Keystone's Fernet payload, kept as a row since nothing here is encrypted). */
export interface TokenRow {
  readonly id: string;
  /** Issue order (a counter), compared with revocation events. */
  readonly seq: number;
  readonly user_id: string;
  readonly methods: readonly string[];
  readonly scope: TokenScope;
  readonly issued_at: number;
  readonly expires_at: number;
  /** The first audit id is this token's; a rescoped token carries its parent's chain. */
  readonly audit_ids: readonly string[];
  readonly application_credential_id: string | null;
}

/**
 * Revocation events, as Keystone's revoke API records them, kept as an index: one row per
 * revoked value (`audit_id:<id>`, `user_id:<id>`, `project_id:<id>`, `domain_id:<id>`; every
 * event stacksim records names exactly one), holding the newest event for it. A token is
 * revoked when a row of one of its values covers its issue sequence, so validating a token
 * costs a handful of lookups whatever the number of events.
 */
export interface RevocationRow {
  /** The index key, `<field>:<value>`. */
  readonly key: string;
  /** Sequence number of the newest event for this value. */
  readonly seq: number;
  readonly audit_id?: string;
  readonly user_id?: string;
  readonly project_id?: string;
  readonly domain_id?: string;
  /** Virtual time of the event (Keystone's `issued_before`). */
  readonly issued_before: number;
  /** Tokens whose issue sequence is at most this match (the clock may stand still between calls). */
  readonly issued_up_to: number;
}

/** A catalog region. */
export interface RegionRow {
  readonly id: string;
  readonly description: string;
  readonly parent_region_id: string | null;
}

/** A catalog service (`compute`, `identity`, …). */
export interface ServiceRow {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
}

/** A catalog endpoint. */
export interface EndpointRow {
  readonly id: string;
  readonly service_id: string;
  readonly interface: 'public' | 'internal' | 'admin';
  readonly region_id: string;
  readonly url: string;
  readonly enabled: boolean;
}

/** The identity slice of the state. `*_names` tables are unique-name indexes. */
export interface IdentityState {
  readonly domains: Table<DomainRow>;
  /** domain name → id */
  readonly domain_names: Table<string>;
  readonly projects: Table<ProjectRow>;
  /** `<domain_id>/<name>` → id */
  readonly project_names: Table<string>;
  /** `<parent_id>/<child_id>` → child id: the project tree, for subtree walks. */
  readonly project_children: Table<string>;
  readonly users: Table<UserRow>;
  /** `<domain_id>/<name>` → id */
  readonly user_names: Table<string>;
  readonly groups: Table<GroupRow>;
  /** `<domain_id>/<name>` → id */
  readonly group_names: Table<string>;
  /** `<group_id>/<user_id>` → user id */
  readonly group_users: Table<string>;
  /** `<user_id>/<group_id>` → group id */
  readonly user_groups: Table<string>;
  readonly roles: Table<RoleRow>;
  /** `<domain_id or ''>/<lowercased name>` → id (Keystone role names are case-insensitive) */
  readonly role_names: Table<string>;
  /** `<prior_role_id>/<implied_role_id>` → implied role id */
  readonly implied_roles: Table<string>;
  /** `<actor_type>:<actor_id>|<target_type>:<target_id>|<role_id>|<inherited>` */
  readonly assignments: Table<AssignmentRow>;
  readonly application_credentials: Table<ApplicationCredentialRow>;
  readonly tokens: Table<TokenRow>;
  /** `<field>:<value>` → the newest revocation event for that value (see {@link RevocationRow}). */
  readonly revocations: Table<RevocationRow>;
  /** When the pending `identity.token_flush` timer runs (null: none pending). */
  readonly token_flush_at: number | null;
  readonly regions: Table<RegionRow>;
  readonly services: Table<ServiceRow>;
  readonly endpoints: Table<EndpointRow>;
}
