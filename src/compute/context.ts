/**
 * Nova's request context and what its database layer lets a caller see (`nova/context.py`,
 * `nova/db/main/api.py` `model_query(project_only=True)`, `nova/policy.py`):
 * - `context.is_admin` is the `context_is_admin` rule (`role:admin`);
 * - a non-admin context sees only its project's instances (another project's server is a 404, as
 *   the database query filters it out before any policy runs); an admin context sees every row;
 * - `context.can(rule, target)` checks the rule with the row's `project_id` (and `user_id`) as
 *   target: refused, 403 `PolicyNotAuthorized`.
 */
import { indexed, resolveTableRow, type CloudState, type PolicyCredentials, type PolicyEngine, type Table } from '../core/index.js';
import { notFound, policyNotAuthorized, type NovaResource } from './errors.js';
import { callerAllowed as allowed, ownerTarget as targetOf, callerTarget as ownTarget, serviceCredentials } from '../core/index.js';

type S = CloudState;

/** Nova's request context, as far as the API needs it. */
export interface Ctx {
  readonly s: S;
  /** oslo.context's policy values plus `is_admin`. */
  readonly creds: PolicyCredentials;
  readonly policy: PolicyEngine;
  readonly userId: string;
  /** The token's project, null for a domain- or system-scoped token. */
  readonly projectId: string | null;
  /** `context.is_admin`: the `context_is_admin` rule. */
  readonly isAdmin: boolean;
  /** The token's roles (nova's `context.roles`). */
  readonly roles: readonly string[];
}

/** Builds the context of a validated token. */
export function makeCtx(s: S, policy: PolicyEngine, base: PolicyCredentials): Ctx {
  const projectId = typeof base.project_id === 'string' ? base.project_id : null;
  const isAdmin = policy.authorize('context_is_admin', base, {});
  // built once per token's sealed credentials (and admin or not), then the same object every call
  const creds = serviceCredentials('compute', base, isAdmin ? 1 : 0, () => ({ ...base, is_admin: isAdmin }) as PolicyCredentials);
  const roles = Array.isArray(base.roles) ? (base.roles as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  return { s, creds, policy, userId: String(base.user_id ?? ''), projectId, isAdmin, roles };
}

/** The same context over another state (the draft of a transaction). */
export function withState(ctx: Ctx, s: S): Ctx {
  return { ...ctx, s };
}

/** The database layer's `project_only` filter: an admin sees every row, anyone else its project's. */
export function visible(ctx: Ctx, row: { readonly project_id: string }): boolean {
  return ctx.isAdmin || row.project_id === ctx.projectId;
}

/**
 * The row a reference names among the rows `visibleRow` lets through: by id (404 when the caller may
 * not see it), or by name among visible rows (409 when several share it). `{ id }` resolves by id
 * only, as a URL path does.
 */
export function resolveRow<Row extends { readonly id: string; readonly name?: string | null }>(
  resource: NovaResource,
  table: Table<Row>,
  visibleRow: (row: Row) => boolean,
  ref: unknown,
  field: string = resource,
): Row {
  return resolveTableRow(`compute.${resource}`, table, visibleRow, ref, field, (key) => notFound(resource, key));
}

/** Policy as every service asks it (core's): `allowed`, the targets nova builds (`targetOf`: an instance's `project_id` and `user_id`; `ownTarget`: the caller's). */
export { allowed, targetOf, ownTarget };

/** The ids a prefix index holds under `${key}/` (core's). */
export { indexed };


/** `context.can(rule, target)`: refused, 403 `PolicyNotAuthorized`. */
export function enforce(ctx: Ctx, rule: string, target: Record<string, unknown>): void {
  if (!allowed(ctx, rule, target)) throw policyNotAuthorized(rule);
}


