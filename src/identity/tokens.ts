/**
 * Authentication and tokens, as Keystone v3 does them: password (or application credential)
 * authentication to an unscoped, project-, domain- or system-scoped token; validation that
 * sees every change at once (the roles are recomputed whenever a table they come from changed)
 * and fails once the token expired, was revoked, or its user, project or domain was disabled or
 * deleted, or the user lost every role on the scope.
 */
import { BadRequest, Forbidden, Unauthorized, check, deleteRow, firstEntry, getRow, isoAt, setRow, tableToArray, tableVersion, toBase64, type CloudState, type Tx } from '../core/index.js';
import { verifySecret } from './passwords.js';
import { effectiveRoles } from './assignments.js';
import { DEFAULT_DOMAIN_ID, getProject, namedDomains, namedProjects, namedUsers } from './queries.js';
import type { ApplicationCredentialRow, DomainRow, ProjectRow, RoleRow, TokenRow, TokenScope, UserRow } from './types.js';
import { catalogView, type CatalogEntry } from './catalog.js';

type S = CloudState;

/** Keystone's answer to a wrong user name or a wrong password: the same words for both. */
export const AUTH_FAILED = 'The request you have made requires authentication.';

/** 401 for a failed authentication or an invalid token. */
export class AuthenticationFailed extends Unauthorized {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'AuthenticationFailed';
  constructor(message = AUTH_FAILED, code = 'identity.auth.failed', details: Readonly<Record<string, unknown>> = {}) {
    super(code, message, details);
  }
}

/** What `cloud.login` takes (the body of `POST /v3/auth/tokens`, flattened as the openstack CLI does). */
export interface LoginRequest {
  /** User name, looked up in `user_domain` (default `Default`, as DevStack's openrc); never across domains. */
  readonly username?: string;
  /** User id (an id only, not a name). */
  readonly user_id?: string;
  readonly password?: string;
  /** The user's domain, by name or id (default `Default`). */
  readonly user_domain?: string;
  /**
   * Scope to a project, by id (any domain) or by name within `project_domain` (default `Default`,
   * as DevStack's openrc sets OS_PROJECT_DOMAIN_ID=default; Keystone itself requires the domain
   * of a project named by name). A name never resolves across domains.
   */
  readonly project?: string;
  /** The domain (name or id) a project name is looked up in. */
  readonly project_domain?: string;
  /** Scope to a domain, by name or id. */
  readonly domain?: string;
  /** Scope to the system (`true` or `'all'`). */
  readonly system?: boolean | 'all';
  /** Authenticate with an application credential instead of a password. */
  readonly application_credential?: { readonly id?: string; readonly name?: string; readonly secret: string };
  /** Rescope: authenticate with an existing token (`methods: ['token']`). */
  readonly token?: string;
  /** Explicitly unscoped (`"scope": "unscoped"`), ignoring the user's default project. */
  readonly unscoped?: boolean;
}

const LOGIN_KEYS = ['username', 'user_id', 'password', 'user_domain', 'project', 'project_domain', 'domain', 'system', 'application_credential', 'token', 'unscoped'];

/** Outcome of an authentication: a token, or an error thrown after the failed attempt is recorded. */
export type AuthOutcome = { readonly ok: true; readonly token: TokenRow } | { readonly ok: false; readonly error: Unauthorized };

function fail(message = AUTH_FAILED, code = 'identity.auth.failed'): AuthOutcome {
  return { ok: false, error: new AuthenticationFailed(message, code) };
}

/**
 * keystone/auth/plugins/core.py `BaseUserInfo`: before any password is checked, the user's domain
 * and the user must be enabled; either refusal is the plain 401 of a wrong password
 * (`raise exception.Unauthorized` with no message), so it tells nothing about the account.
 */
function mayAuthenticate(s: S, user: UserRow): boolean {
  return user.enabled && getRow(s.identity.domains, user.domain_id)?.enabled === true;
}

/** keystone/identity/backends/sql.py `_is_account_locked`: at least `lockout_failure_attempts` failures, the last one less than `lockout_duration` ago. */
function isLocked(s: S, user: UserRow, now: number): boolean {
  const { lockout_failure_attempts: max, lockout_duration: duration } = s.identity.config;
  return max !== null && user.failed_auth_count >= max && user.failed_auth_at !== null && now < user.failed_auth_at + duration;
}

/** Why a password check refused: the error, and whether the refusal recorded something (a failure count, a notification) that must be committed before it is thrown. */
export interface PasswordRefusal {
  readonly error: Unauthorized;
  readonly recorded: boolean;
}

/**
 * Checks a local user's password as Keystone Zed's SQL identity backend does
 * (keystone/identity/backends/sql.py `authenticate`), in its order:
 * 1. a locked account is refused (`AccountLocked`, 401 naming the user: the one account state
 *    Keystone tells before the password is checked, whatever the password);
 * 2. a wrong password is recorded (`_record_failed_auth`; stacksim records it only when
 *    `lockout_failure_attempts` is set) and refused with `wrong` — the same answer an unknown
 *    user gets;
 * 3. then, the password being right: a disabled user is refused (`UserDisabled`) and an expired
 *    password (`PasswordExpired`) unless `allowExpired` (a password change).
 * A success resets the failure count. Returns undefined on success.
 */
export function checkUserPassword(tx: Tx, user: UserRow, password: string, wrong: () => Unauthorized, allowExpired = false): PasswordRefusal | undefined {
  const s = tx.draft as S;
  const now = tx.now();
  if (isLocked(s, user, now)) return { error: new AuthenticationFailed(`The account is locked for user: ${user.id}.`, 'identity.auth.locked'), recorded: false };
  if (!verifySecret(password, user.password_hash)) {
    const max = s.identity.config.lockout_failure_attempts;
    if (max !== null) {
      // a lock that has run out is reset when it is next checked (_is_account_locked -> _reset_failed_auth), so this failure is the first of a new series
      const base = user.failed_auth_count >= max ? 0 : user.failed_auth_count;
      setRow(tx.draft.identity.users, user.id, { ...user, failed_auth_count: base + 1, failed_auth_at: now });
    }
    const notified = notifyAuth(tx, user.id, 'failure');
    return { error: wrong(), recorded: max !== null || notified };
  }
  if (!user.enabled) return { error: new AuthenticationFailed(`The account is disabled for user: ${user.id}.`, 'identity.auth.user_disabled'), recorded: false };
  if (!allowExpired && user.password_expires_at !== null && now >= user.password_expires_at) {
    return { error: new AuthenticationFailed(`The password is expired and needs to be changed for user: ${user.id}.`, 'identity.auth.password_expired'), recorded: false };
  }
  if (user.failed_auth_count > 0) setRow(tx.draft.identity.users, user.id, { ...user, failed_auth_count: 0, failed_auth_at: null });
  return undefined;
}

/**
 * `POST /v3/auth/tokens`: authenticates and issues a token. Wrong credentials do not throw here:
 * they return `{ ok: false }` after recording the failed attempt (for lockout), so the caller
 * commits that and throws afterwards. A malformed request (400) and a scope the authenticated
 * user may not have (401) throw: they record nothing.
 */
export function authenticate(tx: Tx, input: unknown): AuthOutcome {
  const s = tx.draft as S;
  const r = check.record(input, 'auth');
  check.onlyKeys(r, LOGIN_KEYS, 'auth');
  // the request's shape first (keystone/auth/schema.py): a 400 never depends on the password or on what exists
  const asked = scopeRequest(r);
  const now = tx.now();
  let user: UserRow;
  let methods: string[];
  let appCred: ApplicationCredentialRow | undefined;
  let parent: TokenRow | undefined;
  if (r.token !== undefined) {
    const token = check.name(r.token, 'auth.token', 1024);
    const valid = validateToken(s, token, now);
    if (!valid.ok) return valid;
    if (valid.token.application_credential_id !== null) return fail('An application credential token cannot be rescoped.', 'identity.auth.rescope_forbidden');
    if (valid.token.scope.type === 'system') throw new Forbidden('identity.auth.rescope_system', 'A system-scoped token cannot be rescoped.');
    parent = valid.token;
    user = valid.user;
    methods = [...new Set([...valid.token.methods, 'token'])];
  } else if (r.application_credential !== undefined) {
    const ac = check.record(r.application_credential, 'auth.application_credential');
    check.onlyKeys(ac, ['id', 'name', 'secret'], 'auth.application_credential');
    const secret = check.text(ac.secret, 'auth.application_credential.secret', 4096);
    let found: ApplicationCredentialRow | undefined;
    if (ac.id !== undefined) found = getRow(s.identity.application_credentials, check.name(ac.id, 'auth.application_credential.id'));
    else {
      const name = check.name(ac.name, 'auth.application_credential.name');
      const owner = lookupUser(s, r);
      if (!owner) return fail();
      found = tableToArray(s.identity.application_credentials).find((c) => c.user_id === owner.id && c.name === name);
    }
    if (!found || !verifySecret(secret, found.secret_hash)) return fail();
    if (found.expires_at !== null && now >= found.expires_at) return fail('The application credential has expired.', 'identity.auth.application_credential_expired');
    const owner = getRow(s.identity.users, found.user_id);
    // keystone/auth/plugins/core.py AppCredInfo: the owner and its domain must be enabled (no lockout nor password expiry: no password is used)
    if (!owner || !mayAuthenticate(s, owner)) return fail();
    appCred = found;
    user = owner;
    methods = ['application_credential'];
  } else {
    const password = check.text(r.password, 'auth.password', 4096);
    const found = lookupUser(s, r);
    // an unknown user, a user of a disabled domain and a disabled user: the wrong password's answer, before the password is looked at
    if (!found || !mayAuthenticate(s, found)) return fail();
    // a wrong password is recorded (the caller commits it, then throws)
    const refused = checkUserPassword(tx, found, password, () => new AuthenticationFailed());
    if (refused) return { ok: false, error: refused.error };
    user = found;
    methods = ['password'];
  }
  const scope = appCred ? ({ type: 'project', id: appCred.project_id } as const) : resolveScope(s, asked, user);
  if (appCred && scope.type === 'project') {
    // the credential's own project, which its holder knows
    const project = getRow(s.identity.projects, scope.id) as ProjectRow;
    if (!project.enabled || !getRow(s.identity.domains, project.domain_id)?.enabled) return fail(`Project ${project.id} is disabled or in a disabled domain.`, 'identity.auth.project_disabled');
    if (rolesOf(s, user.id, scope, appCred).length === 0) return fail(`User ${user.id} has no access to project ${scope.id}.`, 'identity.auth.no_roles');
  }
  const seq = tx.counter('identity.token');
  const token: TokenRow = {
    id: `gAAAAAB${tx.ids.hex(96)}`,
    seq,
    user_id: user.id,
    methods,
    scope,
    issued_at: now,
    // a rescoped token never outlives its parent, nor an application credential's token the credential
    expires_at: Math.min(now + s.identity.config.token_expiration, parent?.expires_at ?? Infinity, appCred?.expires_at ?? Infinity),
    audit_ids: [auditId(tx), ...(parent ? [parent.audit_ids[parent.audit_ids.length - 1] as string] : [])],
    application_credential_id: appCred?.id ?? null,
  };
  setRow(tx.draft.identity.tokens, token.id, token);
  scheduleTokenFlush(tx);
  tx.trace('keystone', `token issued (${methods.join('+')}, ${scope.type}${scope.type === 'project' || scope.type === 'domain' ? ` ${scope.id}` : ''})`, { user_id: user.id });
  notifyAuth(tx, user.id, 'success');
  return { ok: true, token };
}

/** Emits `identity.authenticate` when configured; whether it did. */
function notifyAuth(tx: Tx, userId: string, outcome: 'success' | 'failure'): boolean {
  if (!tx.draft.identity.config.notify_authenticate) return false;
  tx.emit('identity.authenticate', () => ({ resource_info: userId, action: 'authenticate', outcome, initiator: { user_id: userId } }), { publisher: 'identity.controller' });
  return true;
}

/** Keystone's audit ids: 16 random bytes, urlsafe base64 without padding (22 characters). */
function auditId(tx: Tx): string {
  return toBase64(tx.random.bytes(16)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The user a request names: `user_id` (an id, never a name), or `username` in `user_domain`
 * (DevStack's openrc sets OS_USER_DOMAIN_ID=default, so the Default domain when none is given;
 * keystone/auth/plugins/core.py). Undefined when there is no such user: the caller answers as
 * for a wrong password. Names never resolve across domains, so no candidate list exists.
 */
function lookupUser(s: S, r: Record<string, unknown>): UserRow | undefined {
  if (r.user_id !== undefined) return getRow(s.identity.users, check.name(r.user_id, 'auth.user_id', 255));
  const name = check.name(r.username, 'auth.username', 255);
  const domain = r.user_domain === undefined ? getRow(s.identity.domains, DEFAULT_DOMAIN_ID) : findDomain(s, check.name(r.user_domain, 'auth.user_domain', 255));
  return domain === undefined ? undefined : namedUsers.find(s, domain.id, name);
}

/** A domain by id, else by its (unique) name; undefined when there is none. */
function findDomain(s: S, ref: string): DomainRow | undefined {
  return getRow(s.identity.domains, ref) ?? namedDomains.find(s, null, ref);
}

/** The scope a request asks for, checked for shape only (400s, before anything is looked up). */
type ScopeRequest =
  | { readonly type: 'system' }
  | { readonly type: 'project'; readonly ref: string; readonly domain: string | undefined }
  | { readonly type: 'domain'; readonly ref: string }
  | { readonly type: 'default' | 'unscoped' };

function scopeRequest(r: Record<string, unknown>): ScopeRequest {
  const asked = [r.project, r.domain, r.system].filter((x) => x !== undefined && x !== false).length;
  // keystone/auth/core.py AuthInfo._validate_and_normalize_scope_data: one scope at most (ValidationError)
  if (asked > 1) throw new BadRequest('identity.auth.multiple_scopes', 'auth: specify at most one of project, domain and system.', { field: 'auth' });
  if (r.unscoped !== undefined) check.boolean(r.unscoped, 'auth.unscoped');
  const projectDomain = r.project_domain === undefined ? undefined : check.name(r.project_domain, 'auth.project_domain', 255);
  if (r.system !== undefined && r.system !== false) {
    if (r.system !== true && r.system !== 'all') check.oneOf(r.system, ['all'], 'auth.system');
    return { type: 'system' };
  }
  if (r.domain !== undefined) return { type: 'domain', ref: check.name(r.domain, 'auth.domain', 255) };
  if (r.project !== undefined) return { type: 'project', ref: check.name(r.project, 'auth.project', 255), domain: projectDomain };
  return { type: r.unscoped === true ? 'unscoped' : 'default' };
}

/**
 * The token's scope, once the user is authenticated. A project is named by id, or by name
 * within `project_domain` — the Default domain when none is given, as DevStack's openrc does
 * (OS_PROJECT_DOMAIN_ID=default); Keystone itself requires the domain of a project named by
 * name (keystone/auth/core.py `_lookup_project`). A name never resolves across domains.
 *
 * A project or domain that does not exist, is disabled (or in a disabled domain), or on which the
 * user holds no role gets one answer, as Keystone's (every one is a bare `Unauthorized`): the
 * user learns nothing about projects and domains it may not use.
 *
 * A refusal is thrown, so the call commits nothing — not even the reset of the user's failure
 * count (Keystone refuses an unknown or disabled scope before it authenticates at all:
 * keystone/auth/core.py `AuthInfo.create`).
 */
function resolveScope(s: S, asked: ScopeRequest, user: UserRow): TokenScope {
  if (asked.type === 'system') {
    const scope: TokenScope = { type: 'system' };
    if (rolesOf(s, user.id, scope, undefined).length > 0) return scope;
    throw new AuthenticationFailed(`User ${user.id} has no role on the system.`, 'identity.auth.no_roles');
  }
  if (asked.type === 'project' || asked.type === 'domain') {
    const refused = () => new AuthenticationFailed(`Cannot scope to ${asked.type} '${asked.ref}'${asked.type === 'project' ? ` (domain '${asked.domain ?? DEFAULT_DOMAIN_ID}')` : ''}: it does not exist, is disabled, or you hold no role on it.`, 'identity.auth.scope_not_found');
    let scope: TokenScope;
    if (asked.type === 'domain') {
      const d = findDomain(s, asked.ref);
      if (!d || !d.enabled) throw refused();
      scope = { type: 'domain', id: d.id };
    } else {
      const domain = asked.domain === undefined ? getRow(s.identity.domains, DEFAULT_DOMAIN_ID) : findDomain(s, asked.domain);
      const byId = getRow(s.identity.projects, asked.ref);
      // an id names a project in any domain (unless project_domain says another); a name, only within the domain
      const p = byId && (asked.domain === undefined || byId.domain_id === domain?.id) ? byId : domain === undefined ? undefined : namedProjects.find(s, domain.id, asked.ref);
      if (!p || !p.enabled || !getRow(s.identity.domains, p.domain_id)?.enabled) throw refused();
      scope = { type: 'project', id: p.id };
    }
    if (rolesOf(s, user.id, scope, undefined).length > 0) return scope;
    throw refused();
  }
  if (asked.type === 'default' && user.default_project_id !== null) {
    // Keystone scopes to the default project when no scope is given and the user may use it
    const p = getRow(s.identity.projects, user.default_project_id);
    const scope: TokenScope = { type: 'project', id: user.default_project_id };
    if (p && p.enabled && getRow(s.identity.domains, p.domain_id)?.enabled && rolesOf(s, user.id, scope, undefined).length > 0) return scope;
  }
  return { type: 'unscoped' };
}

/** The roles a token carries: effective roles, limited to an application credential's delegation. */
export function rolesOf(s: S, userId: string, scope: TokenScope, appCred: ApplicationCredentialRow | undefined): RoleRow[] {
  const roles = effectiveRoles(s, userId, scope);
  return appCred ? roles.filter((r) => appCred.role_ids.includes(r.id)) : roles;
}

/** A token that validated, with what it stands for right now. */
export interface ValidToken {
  readonly ok: true;
  readonly token: TokenRow;
  readonly user: UserRow;
  readonly roles: readonly RoleRow[];
  readonly project: ProjectRow | undefined;
  readonly domain: DomainRow | undefined;
}

/**
 * Validates a token at virtual time `now` (`GET /v3/auth/tokens`). Never throws for a bad
 * token: returns `{ ok: false, error }` with Keystone's 401.
 *
 * A token that validated is remembered with the versions of the tables its answer was read from
 * ({@link validationInputs}): while none of them changed, the same frozen answer is given again
 * without recomputing the roles (only the expiry, the one check that depends on `now`, is made
 * on every call). Any change to those tables (a revocation, a role assignment, a disabled user)
 * makes the next call compute the answer afresh.
 */
export function validateToken(s: S, tokenId: string, now: number): ValidToken | { readonly ok: false; readonly error: Unauthorized } {
  const token = getRow(s.identity.tokens, tokenId);
  if (!token) return { ok: false, error: new AuthenticationFailed('Could not find token.', 'identity.token.not_found') };
  if (now >= token.expires_at) return invalidToken('it expired');
  const known = VALIDATED.get(token);
  // a committed identity slice is frozen: the very slice seen last time holds the very same tables
  const slice = s.identity;
  if (known !== undefined && known.slice === slice) return known.valid;
  const inputs = validationInputs(s);
  if (known !== undefined && sameInputs(known.inputs, inputs)) {
    if (Object.isFrozen(slice)) known.slice = slice;
    return known.valid;
  }
  const outcome = checkToken(s, token);
  // only a token row that never changes may key the memo (rows in a table are frozen)
  if (outcome.ok && Object.isFrozen(token)) VALIDATED.set(token, { slice: Object.isFrozen(slice) ? slice : undefined, inputs, valid: outcome });
  return outcome;
}

/** Keystone's 401 for a token that stopped being valid, naming why. */
function invalidToken(why: string): { readonly ok: false; readonly error: Unauthorized } {
  return { ok: false, error: new AuthenticationFailed(`The token is no longer valid: ${why}.`, 'identity.token.invalid', { reason: why }) };
}

/**
 * A token row's last successful validation, the table versions it was read from, and the last
 * committed (frozen) identity slice seen holding those versions.
 */
const VALIDATED = new WeakMap<TokenRow, { slice: object | undefined; readonly inputs: readonly object[]; readonly valid: ValidToken }>();

/**
 * The versions ({@link tableVersion}) of every table {@link checkToken} reads besides the token
 * row: the user, domains and project, revocation events, application credentials, and what the
 * roles come from (assignments, group memberships, the project tree, implied roles, roles).
 */
function validationInputs(s: S): readonly object[] {
  const i = s.identity;
  return [
    tableVersion(i.users),
    tableVersion(i.domains),
    tableVersion(i.projects),
    tableVersion(i.revocations),
    tableVersion(i.application_credentials),
    tableVersion(i.assignments),
    tableVersion(i.user_groups),
    tableVersion(i.implied_roles),
    tableVersion(i.roles),
  ];
}

function sameInputs(a: readonly object[], b: readonly object[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every check of {@link validateToken} after the expiry, in Keystone's order; a success is frozen (it may be handed out again). */
function checkToken(s: S, token: TokenRow): ValidToken | { readonly ok: false; readonly error: Unauthorized } {
  const user = getRow(s.identity.users, token.user_id);
  if (!user) return invalidToken('its user was deleted');
  if (!user.enabled) return invalidToken('its user is disabled');
  if (!getRow(s.identity.domains, user.domain_id)?.enabled) return invalidToken("its user's domain is disabled");
  let project: ProjectRow | undefined;
  let domain: DomainRow | undefined;
  if (token.scope.type === 'project') {
    project = getRow(s.identity.projects, token.scope.id);
    if (!project) return invalidToken('its project was deleted');
    if (!project.enabled) return invalidToken('its project is disabled');
    if (!getRow(s.identity.domains, project.domain_id)?.enabled) return invalidToken("its project's domain is disabled");
  } else if (token.scope.type === 'domain') {
    domain = getRow(s.identity.domains, token.scope.id);
    if (!domain) return invalidToken('its domain was deleted');
    if (!domain.enabled) return invalidToken('its domain is disabled');
  }
  if (isRevoked(s, token, user, project, domain)) return invalidToken('it was revoked');
  let appCred: ApplicationCredentialRow | undefined;
  if (token.application_credential_id !== null) {
    appCred = getRow(s.identity.application_credentials, token.application_credential_id);
    if (!appCred) return invalidToken('its application credential was deleted');
  }
  const roles = token.scope.type === 'unscoped' ? [] : rolesOf(s, user.id, token.scope, appCred);
  if (token.scope.type !== 'unscoped' && roles.length === 0) return invalidToken('its user no longer holds a role on its scope');
  return Object.freeze({ ok: true as const, token, user, roles: Object.freeze(roles), project, domain });
}

/** What one revocation event names: exactly one of a token's audit id, its user, project or domain. */
export type RevocationMatch = { readonly audit_id: string } | { readonly user_id: string } | { readonly project_id: string } | { readonly domain_id: string };

/** The field a revocation event names. */
export type RevocationField = 'audit_id' | 'user_id' | 'project_id' | 'domain_id';

/** The key of a revoked value in the revocation index. */
export function revocationKey(field: RevocationField, value: string): string {
  return `${field}:${value}`;
}

/**
 * Keystone's revoke model (`keystone/models/revoke_model.py`): an event matches a token issued
 * before it whose own audit id, user, project, or domain (the token's domain, its project's,
 * or its user's) is the one named. Events live in an index by the value they name, so this is
 * at most six lookups.
 */
function isRevoked(s: S, token: TokenRow, user: UserRow, project: ProjectRow | undefined, domain: DomainRow | undefined): boolean {
  return (
    covers(s, token, 'audit_id', token.audit_ids[0]) ||
    covers(s, token, 'user_id', token.user_id) ||
    covers(s, token, 'project_id', project?.id) ||
    covers(s, token, 'domain_id', domain?.id) ||
    covers(s, token, 'domain_id', project?.domain_id) ||
    covers(s, token, 'domain_id', user.domain_id)
  );
}

/** Whether the newest revocation event naming `value` covers the token's issue sequence. */
function covers(s: S, token: TokenRow, field: RevocationField, value: string | undefined): boolean {
  if (value === undefined) return false;
  const e = getRow(s.identity.revocations, revocationKey(field, value));
  return e !== undefined && token.seq <= e.issued_up_to;
}

/** The timer kind of Keystone's `keystone-manage token_flush` and revocation-event pruning. */
export const TOKEN_FLUSH_TASK = 'identity.token_flush';

/**
 * `[token] allow_expired_window` (Zed: 172800 s, two days): how long an expired token can still be
 * fetched; stacksim keeps expired tokens that long (they answer "expired", not "not found"),
 * then the flush removes them.
 */
export const ALLOW_EXPIRED_WINDOW = 48 * 60 * 60;

/** `[revoke] expiration_buffer` (Zed: 1800 s): how long after the tokens it covers expired a revocation event is kept. */
export const REVOKE_EXPIRATION_BUFFER = 1800;

/** Makes sure a flush timer is pending: called whenever a token is issued or a revocation recorded. */
export function scheduleTokenFlush(tx: Tx): void {
  const identity = tx.draft.identity;
  if (identity.token_flush_at !== null) return;
  const at = tx.now() + identity.config.token_expiration;
  identity.token_flush_at = at;
  tx.scheduleAt(TOKEN_FLUSH_TASK, {}, at);
}

/**
 * The flush timer: removes tokens expired more than `allow_expired_window` ago (what
 * `token_flush` did for SQL tokens) and revocation events older than the longest token
 * lifetime plus `expiration_buffer` (`revoke/backends/sql.py` `_prune_expired_events`: every
 * token they cover has expired), then runs again while anything is left. A long run of logins
 * and logouts thus keeps a bounded state.
 */
export function flushTokens(tx: Tx): void {
  const identity = tx.draft.identity;
  const now = tx.now();
  for (const t of tableToArray(identity.tokens)) if (t.expires_at + ALLOW_EXPIRED_WINDOW <= now) deleteRow(identity.tokens, t.id);
  const cutoff = now - (identity.config.token_expiration + REVOKE_EXPIRATION_BUFFER);
  for (const e of tableToArray(identity.revocations)) if (e.issued_before < cutoff) deleteRow(identity.revocations, e.key);
  identity.token_flush_at = null;
  if (firstEntry(identity.tokens) !== undefined || firstEntry(identity.revocations) !== undefined) scheduleTokenFlush(tx);
}

/** A token as `GET /v3/auth/tokens` shows it (`token` body), with the catalog. */
export interface TokenView {
  readonly methods: readonly string[];
  readonly user: { readonly id: string; readonly name: string; readonly domain: { readonly id: string; readonly name: string }; readonly password_expires_at: string | null };
  readonly audit_ids: readonly string[];
  readonly issued_at: string;
  readonly expires_at: string;
  readonly project?: { readonly id: string; readonly name: string; readonly domain: { readonly id: string; readonly name: string } };
  readonly domain?: { readonly id: string; readonly name: string };
  readonly system?: { readonly all: true };
  readonly roles?: readonly { readonly id: string; readonly name: string }[];
  readonly catalog?: readonly CatalogEntry[];
  readonly is_domain?: boolean;
  readonly application_credential?: { readonly id: string; readonly name: string; readonly restricted: boolean };
}

/** Builds the token body of a validated token. */
export function tokenView(s: S, v: ValidToken, withCatalog = true): TokenView {
  const epoch = s.meta.clock.epoch;
  const domainName = (id: string) => getRow(s.identity.domains, id)?.name ?? id;
  const t = v.token;
  const scoped = t.scope.type !== 'unscoped';
  const appCred = t.application_credential_id === null ? undefined : getRow(s.identity.application_credentials, t.application_credential_id);
  return Object.freeze({
    methods: t.methods,
    user: { id: v.user.id, name: v.user.name, domain: { id: v.user.domain_id, name: domainName(v.user.domain_id) }, password_expires_at: v.user.password_expires_at === null ? null : isoAt(epoch, v.user.password_expires_at, true) },
    audit_ids: t.audit_ids,
    issued_at: isoAt(epoch, t.issued_at, true),
    expires_at: isoAt(epoch, t.expires_at, true),
    ...(v.project ? { project: { id: v.project.id, name: v.project.name, domain: { id: v.project.domain_id, name: domainName(v.project.domain_id) } }, is_domain: false } : {}),
    ...(v.domain ? { domain: { id: v.domain.id, name: v.domain.name } } : {}),
    ...(t.scope.type === 'system' ? { system: { all: true as const } } : {}),
    ...(scoped ? { roles: v.roles.map((r) => ({ id: r.id, name: r.name })) } : {}),
    ...(scoped && withCatalog ? { catalog: catalogView(s) } : {}),
    ...(appCred ? { application_credential: { id: appCred.id, name: appCred.name, restricted: !appCred.unrestricted } } : {}),
  });
}

/** oslo.context's policy values for a validated token (what policy rules see as credentials). */
export function credentialsOf(s: S, v: ValidToken): Record<string, unknown> & { roles: string[] } {
  const t = v.token;
  return {
    user_id: v.user.id,
    user_domain_id: v.user.domain_id,
    project_id: v.project?.id ?? null,
    project_domain_id: v.project?.domain_id ?? null,
    domain_id: v.domain?.id ?? null,
    system_scope: t.scope.type === 'system' ? 'all' : null,
    roles: v.roles.map((r) => r.name),
    is_admin_project: true,
    token: {
      user: { id: v.user.id, domain: { id: v.user.domain_id } },
      ...(v.project ? { project: { id: v.project.id, domain: { id: v.project.domain_id } } } : {}),
      ...(v.domain ? { domain: { id: v.domain.id } } : {}),
      ...(t.scope.type === 'system' ? { system: { all: true } } : {}),
      roles: v.roles.map((r) => ({ id: r.id, name: r.name })),
    },
  };
}

export { getProject };
