/**
 * Who may do what, as Swift's keystoneauth middleware decides (`swift/common/middleware/
 * keystoneauth.py` `authorize`, `acl.py`): the reseller admin everywhere, a project's operator
 * roles on its own account, container ACLs (`X-Container-Read` / `X-Container-Write`) for
 * `project:user` grants (names only within the Default domain), referrer grants (`.r:*`, read
 * ACLs only) and role names.
 */
import { Forbidden, InvalidInput, Unauthorized } from '../core/index.js';
import { DEFAULT_DOMAIN_ID } from '../identity/index.js';

/** The caller as keystoneauth sees the token (nobody for an anonymous request). */
export interface SwiftIdentity {
  readonly user_id: string;
  readonly user_name: string;
  /** The user's domain (`HTTP_X_USER_DOMAIN_ID`). */
  readonly user_domain_id: string;
  readonly project_id: string | null;
  readonly project_name: string | null;
  /** The scoped project's domain (`HTTP_X_PROJECT_DOMAIN_ID`), null without a project scope. */
  readonly project_domain_id: string | null;
  /** Role names, lower case. */
  readonly roles: readonly string[];
}

/**
 * keystoneauth's `UNKNOWN_ID`: the project domain recorded on an account first written by a
 * token not scoped to its project (a reseller admin's), so names in its ACLs never match.
 */
export const UNKNOWN_DOMAIN_ID = '_unknown';

/** What keystoneauth knows of the account a request is on: whether it exists, and the project domain recorded on it. */
export interface AccountDomain {
  readonly exists: boolean;
  /** The account's `X-Account-Sysmeta-Project-Domain-Id`; undefined for an account that has none (legacy). */
  readonly project_domain_id: string | undefined;
}

/** What a request needs: the account owner, or what the container's ACL grants. */
export type Need = { readonly kind: 'owner' } | { readonly kind: 'acl'; readonly acl: string; readonly object: boolean };

/** The referrer designators `clean_acl` knows (all become `.r`). */
const REFERRER_DESIGNATORS: readonly string[] = ['.r', '.ref', '.referer', '.referrer'];

/**
 * Swift's `clean_acl` (`swift/common/middleware/acl.py`, what keystoneauth installs as
 * `swift.clean_acl`): the ACL with spaces and empty elements dropped and each referrer
 * designation normalised (`.ref:`, `.referer:`, `.referrer:` become `.r:`, a leading `*` of a
 * domain is dropped: `.r:*.example.com` is `.r:.example.com`). 400 naming the header, with
 * Swift's message, for a referrer in a write ACL (`Referrers not allowed in write ACL`: the
 * proxy would otherwise let anonymous requests write), a referrer without a host or domain, or
 * an unknown `.designator:`. An element without a colon, or whose part before the colon does not
 * start with `.`, is a group name kept as given (`.rlistings`, `project:user`, a role).
 */
export function cleanAcl(header: string, value: string): string {
  const field = `headers.${header}`;
  const write = header.toLowerCase().includes('write');
  const items: string[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const colon = item.indexOf(':');
    if (colon < 0) {
      items.push(item);
      continue;
    }
    const first = item.slice(0, colon).trim();
    let second = item.slice(colon + 1).trim();
    if (first === '' || !first.startsWith('.')) {
      items.push(item);
      continue;
    }
    if (!REFERRER_DESIGNATORS.includes(first)) throw new InvalidInput(field, `Unknown designator '${first}' in ACL: '${item}'.`);
    if (write) throw new InvalidInput(field, `Referrers not allowed in write ACL: '${item}' (a referrer grants requests without a token; name projects, users or roles instead).`);
    const negate = second.startsWith('-');
    if (negate) second = second.slice(1).trim();
    if (second !== '*' && second.startsWith('*')) second = second.slice(1).trim();
    if (second === '' || second === '.') throw new InvalidInput(field, `No host/domain value after referrer designation in ACL: '${item}'.`);
    items.push(`.r:${negate ? '-' : ''}${second}`);
  }
  return items.join(',');
}

/** Python's `unquote` for an ACL group (`%3A` is `:`); a malformed escape is kept as written. */
function unquote(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `parse_acl` (v1): the referrer designations (without `.r:`) and the groups (URL-unquoted). */
export function parseAcl(acl: string): { referrers: string[]; groups: string[] } {
  const referrers: string[] = [];
  const groups: string[] = [];
  for (const item of acl.split(',')) {
    if (item === '') continue;
    if (item.startsWith('.r:')) referrers.push(item.slice(3));
    else groups.push(unquote(item));
  }
  return { referrers, groups };
}

/** `referrer_allowed` for a request without a `Referer` (its host reads as `unknown`). */
function referrerAllowed(referrers: readonly string[]): boolean {
  const rhost = 'unknown';
  let allow = false;
  for (let m of referrers) {
    if (m.startsWith('-')) {
      m = m.slice(1);
      if (m === rhost || (m.startsWith('.') && rhost.endsWith(m))) allow = false;
    } else if (m === '*' || m === rhost || (m.startsWith('.') && rhost.endsWith(m))) {
      allow = true;
    }
  }
  return allow;
}

/** keystoneauth's options. */
export interface AuthOptions {
  readonly operator_roles: readonly string[];
  readonly reseller_admin_role: string;
}

/**
 * keystoneauth's `_is_name_allowed_in_acl` (with `allow_names_in_acls = true` and
 * `default_domain_id = default`, its defaults): a project or user *name* in an ACL may match only
 * when the user and the scoped project are in the Default domain and the account is the scoped
 * project's, or an account that exists with the Default domain (or none) recorded on it. Names
 * are unique only within a domain: without this, `alt_demo:alt_demo` would match a user of that
 * name in any domain.
 */
export function namesAllowed(who: SwiftIdentity, account: string, domain: AccountDomain): boolean {
  if (who.user_domain_id !== DEFAULT_DOMAIN_ID) return false;
  if (who.project_domain_id !== null && who.project_domain_id !== DEFAULT_DOMAIN_ID) return false;
  if (who.project_id !== null && account === `AUTH_${who.project_id}`) return true;
  return domain.exists && (domain.project_domain_id === undefined || domain.project_domain_id === DEFAULT_DOMAIN_ID);
}

/**
 * keystoneauth's `_set_project_domain_id`, for a write that may create the account (a POST to the
 * account, a PUT of a container): the project domain to record on the account, or undefined to
 * leave it. A new account records the domain of the token's project when the token is scoped to
 * it, else {@link UNKNOWN_DOMAIN_ID}; a legacy account learns the Default domain; an unknown one
 * learns its project's domain from a token scoped to it.
 */
export function projectDomainToRecord(who: SwiftIdentity | null, account: string, domain: AccountDomain): string | undefined {
  if (who === null) return undefined;
  const own = who.project_id !== null && account === `AUTH_${who.project_id}`;
  const fromToken = own ? who.project_domain_id ?? undefined : undefined;
  if (!domain.exists) return own ? fromToken : UNKNOWN_DOMAIN_ID;
  if (domain.project_domain_id === undefined && fromToken === DEFAULT_DOMAIN_ID) return fromToken;
  if (domain.project_domain_id === UNKNOWN_DOMAIN_ID && own) return fromToken ?? '';
  return undefined;
}

/**
 * Decides a request on `account` as keystoneauth's `authorize` / `authorize_anonymous` do:
 * returns whether the caller is the account's owner (`swift_owner`: sees and may set ACLs), or
 * throws 401 (anonymous) / 403. In order: the reseller admin; a cross-tenant `project:user` grant
 * (ids, `*`, and names only where {@link namesAllowed}); a referrer grant; the caller's own
 * account with an operator role; a role named in the ACL. Not simulated: `system_reader_roles`,
 * `project_reader_roles`, service tokens (their defaults are empty).
 */
export function authorize(who: SwiftIdentity | null, account: string, need: Need, options: AuthOptions, domain: AccountDomain): { owner: boolean } {
  const acl = need.kind === 'acl' ? parseAcl(need.acl) : { referrers: [], groups: [] };
  const byReferrer = need.kind === 'acl' && referrerAllowed(acl.referrers) ? (need.object || acl.groups.includes('.rlistings')) : null;
  if (who === null) {
    if (byReferrer === true) return { owner: false };
    throw new Unauthorized('object.unauthorized', `Anonymous access to '${account}' is not allowed by the container's ACL.`, { account });
  }
  const roles = who.roles.map((r) => r.toLowerCase());
  if (roles.includes(options.reseller_admin_role.toLowerCase())) return { owner: true };
  // cross-tenant grants: project:user with ids or *, and names where keystoneauth allows them
  if (acl.groups.length > 0) {
    const names = namesAllowed(who, account, domain);
    const projects = names ? [who.project_id, '*', who.project_name] : [who.project_id, '*'];
    const users = names ? [who.user_id, '*', who.user_name] : [who.user_id, '*'];
    for (const p of projects) {
      for (const u of users) {
        if (p !== null && acl.groups.includes(`${p}:${u}`)) return { owner: false };
      }
    }
  }
  if (byReferrer === true) return { owner: false };
  const denied = () => new Forbidden('object.forbidden', `User '${who.user_name}' may not do this on account '${account}'${need.kind === 'acl' ? " (the container's ACL grants nothing to them)" : ''}.`, { account });
  if (who.project_id === null || account !== `AUTH_${who.project_id}`) throw denied();
  const operator = options.operator_roles.map((r) => r.toLowerCase());
  if (roles.some((r) => operator.includes(r))) return { owner: true };
  if (byReferrer === false) throw denied();
  const granted = acl.groups.map((g) => g.toLowerCase());
  if (roles.some((r) => granted.includes(r))) return { owner: false };
  throw denied();
}
