/**
 * Cinder's request context and what its database layer lets a caller see
 * (`cinder/context.py`, `cinder/db/sqlalchemy/api.py` `model_query(project_only=True)`,
 * `cinder/policy.py`):
 * - `context.is_admin` is the `context_is_admin` rule (`role:admin`); the policy credentials carry
 *   it, and `is_admin_project` (oslo.context's default, True: DevStack configures no admin project);
 * - a non-admin context sees only its project's rows (another project's volume is a 404, as the
 *   database query filters it out before any policy runs); an admin context sees every row;
 * - `context.authorize(rule, target_obj=row)` checks the rule with the row's `project_id` as target:
 *   refused, 403 `PolicyNotAuthorized`.
 */
import { indexed, resolveTableRow, type CloudState, type PolicyCredentials, type PolicyEngine, type Ref, type Table } from '../core/index.js';
import { notFound, policyNotAuthorized, type CinderResource } from './errors.js';
import { callerAllowed as allowed, ownerTarget as targetOf, callerTarget as ownTarget, serviceCredentials } from '../core/index.js';

type S = CloudState;

/** Cinder's request context, as far as the API needs it. */
export interface Ctx {
  readonly s: S;
  /** oslo.context's policy values plus `is_admin` and `is_admin_project`. */
  readonly creds: PolicyCredentials;
  readonly policy: PolicyEngine;
  readonly userId: string;
  /** The token's project, null for a domain- or system-scoped token. */
  readonly projectId: string | null;
  /** `context.is_admin`: the `context_is_admin` rule. */
  readonly isAdmin: boolean;
}

/** Builds the context of a validated token. */
export function makeCtx(s: S, policy: PolicyEngine, base: PolicyCredentials): Ctx {
  const projectId = typeof base.project_id === 'string' ? base.project_id : null;
  const isAdmin = policy.authorize('context_is_admin', base, {});
  // built once per token's sealed credentials (and admin or not), then the same object every call
  const creds = serviceCredentials('block', base, isAdmin ? 1 : 0, () => ({ ...base, is_admin: isAdmin, is_admin_project: base.is_admin_project ?? true }) as PolicyCredentials);
  return { s, creds, policy, userId: String(base.user_id ?? ''), projectId, isAdmin };
}

/** A reference: an id or a name (resolved among the rows the caller may see), or `{ id }` for an id alone. */
export type BlockRef = Ref;

/** The database layer's `project_only` filter: an admin sees every row, anyone else its project's. */
export function visible(ctx: Ctx, row: { readonly project_id: string }): boolean {
  return ctx.isAdmin || row.project_id === ctx.projectId;
}

/**
 * The row a reference names among the rows `see` lets through: by id (404 when the caller may not
 * see it), or by name among visible rows (409 when several share it). `{ id }` resolves by id
 * only, as a URL path does.
 */
export function resolveRow<Row extends { readonly id: string; readonly name?: string | null }>(
  ctx: Ctx,
  resource: CinderResource,
  table: Table<Row>,
  visibleRow: (row: Row) => boolean,
  ref: unknown,
  field: string = resource,
): Row {
  return resolveTableRow(`block.${resource}`, table, visibleRow, ref, field, (key) => notFound(resource, key));
}

/** Policy as every service asks it (core's): `allowed`, the targets Cinder builds (`targetOf`: a row's `project_id`, and `user_id` where it has one; `ownTarget`: the caller's). */
export { allowed, targetOf, ownTarget };

/** The ids a prefix index holds under `${key}/` (core's). */
export { indexed };


/** `context.authorize(rule, target)`: refused, 403 `PolicyNotAuthorized`. */
export function enforce(ctx: Ctx, rule: string, target: Record<string, unknown>): void {
  if (!allowed(ctx, rule, target)) throw policyNotAuthorized(rule);
}


