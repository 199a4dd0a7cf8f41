/**
 * Who may do what, as Swift's keystoneauth middleware decides (`swift/common/middleware/
 * keystoneauth.py` `authorize`, `acl.py`): the reseller admin everywhere, a project's operator
 * roles on its own account, container ACLs (`X-Container-Read` / `X-Container-Write`) for
 * `project:user` grants, referrer grants (`.r:*`) and role names.
 */
import { Forbidden, InvalidInput, Unauthorized } from '../core/index.js';

/** The caller as keystoneauth sees the token (nobody for an anonymous request). */
export interface SwiftIdentity {
  readonly user_id: string;
  readonly user_name: string;
  readonly project_id: string | null;
  readonly project_name: string | null;
  /** Role names, lower case. */
  readonly roles: readonly string[];
}

/** What a request needs: the account owner, or what the container's ACL grants. */
export type Need = { readonly kind: 'owner' } | { readonly kind: 'acl'; readonly acl: string; readonly object: boolean };

/**
 * Swift's `clean_acl`: a normalised ACL (`.ref:`, `.referer:`, `.referrer:` become `.r:`), or
 * 400 for an empty referrer, an unknown designator, or a bad element.
 */
export function cleanAcl(header: string, value: string): string {
  const items: string[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    if (!item.startsWith('.')) {
      items.push(item);
      continue;
    }
    const colon = item.indexOf(':');
    const designator = colon < 0 ? item : item.slice(0, colon);
    if (designator === '.rlistings' && colon < 0) {
      items.push(item);
      continue;
    }
    if (!['.r', '.ref', '.referer', '.referrer'].includes(designator)) throw new InvalidInput(`headers.${header}`, `Unknown designator '${designator}' in ACL '${value}'.`);
    const target = colon < 0 ? '' : item.slice(colon + 1).trim();
    if (target === '' || target === '-') throw new InvalidInput(`headers.${header}`, `No host/domain value after referrer designation in ACL '${value}'.`);
    items.push(`.r:${target}`);
  }
  return items.join(',');
}

/** `parse_acl`: the referrer designations (without `.r:`) and the groups. */
export function parseAcl(acl: string): { referrers: string[]; groups: string[] } {
  const referrers: string[] = [];
  const groups: string[] = [];
  for (const item of acl.split(',')) {
    if (item === '') continue;
    if (item.startsWith('.r:')) referrers.push(item.slice(3));
    else groups.push(item);
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
 * Decides a request on `account`: returns whether the caller is the account's owner
 * (`swift_owner`: sees and may set ACLs), or throws 401 (anonymous) / 403.
 */
export function authorize(who: SwiftIdentity | null, account: string, need: Need, options: AuthOptions): { owner: boolean } {
  const acl = need.kind === 'acl' ? parseAcl(need.acl) : { referrers: [], groups: [] };
  const byReferrer = need.kind === 'acl' && referrerAllowed(acl.referrers) ? (need.object || acl.groups.includes('.rlistings')) : null;
  if (who === null) {
    if (byReferrer === true) return { owner: false };
    throw new Unauthorized('object.unauthorized', `Anonymous access to '${account}' is not allowed by the container's ACL.`, { account });
  }
  const roles = who.roles.map((r) => r.toLowerCase());
  if (roles.includes(options.reseller_admin_role.toLowerCase())) return { owner: true };
  // cross-tenant grants: project:user with ids, names or *
  for (const p of [who.project_id, who.project_name, '*']) {
    for (const u of [who.user_id, who.user_name, '*']) {
      if (p !== null && acl.groups.includes(`${p}:${u}`)) return { owner: false };
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
