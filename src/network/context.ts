/**
 * Neutron's request context and what its database layer lets a caller see:
 * - the context (`neutron_lib/context.py`): `project_id`, `is_admin` (the `context_is_admin`
 *   rule), `is_advsvc` (`context_is_advsvc`), and the policy credentials Neutron adds
 *   (`tenant_id`, `is_admin`, `is_advsvc`);
 * - the model query's project filter (`neutron_lib/db/model_query.py` `query_with_hooks`,
 *   `model_query_scope_is_project`): an admin or advsvc context sees every row; any other sees
 *   its project's rows, the rows RBAC shares with it (`rbac_db_mixin`: `access_as_shared` and,
 *   for networks, `access_as_external`, to its project or `*`), the subnets of those networks,
 *   and the ports on networks it owns (`db_base_plugin_v2._port_filter_hook`);
 * - the policy targets Neutron builds (`neutron/policy.py` `_build_target`, `OwnerCheck`: a child
 *   resource's target carries `network:tenant_id`, a rule's `security_group:tenant_id`);
 * - the controller's enforcement (`neutron/api/v2/base.py`): an action refused on a resource the
 *   caller may not `get_` is a 404, otherwise the 403 stands; attribute rules
 *   (`create_network:shared`, `get_port:binding:host_id`) apply to attributes explicitly set
 *   (`_is_attribute_explicitly_set`) and to attributes shown.
 */
import { indexed, getRow, resolveTableRow, type CloudState, type PolicyCredentials, type PolicyEngine, type Ref, type Table } from '../core/index.js';
import { notFound, policyNotAuthorized, type NeutronResource } from './errors.js';
import type { NetworkRow, RbacPolicyRow } from './types.js';
import { callerAllowed as allowed, serviceCredentials } from '../core/index.js';

type S = CloudState;

/** Neutron's request context, as far as the API needs it. */
export interface Ctx {
  readonly s: S;
  /** oslo.context's policy values plus Neutron's `tenant_id`, `is_admin`, `is_advsvc`. */
  readonly creds: PolicyCredentials;
  readonly policy: PolicyEngine;
  readonly userId: string;
  /** The token's project, null for a domain- or system-scoped token. */
  readonly projectId: string | null;
  /** `context.is_admin`: the `context_is_admin` rule (`role:admin`). */
  readonly isAdmin: boolean;
  /** `context.is_advsvc`: the `context_is_advsvc` rule (`role:advsvc`). */
  readonly isAdvsvc: boolean;
}

/** Builds the context of a validated token. */
export function makeCtx(s: S, policy: PolicyEngine, base: PolicyCredentials): Ctx {
  const projectId = typeof base.project_id === 'string' ? base.project_id : null;
  const isAdmin = policy.authorize('context_is_admin', base, {});
  const isAdvsvc = policy.authorize('context_is_advsvc', base, {});
  // built once per token's sealed credentials (and its two flags), then the same object every call
  const creds = serviceCredentials('network', base, (isAdmin ? 1 : 0) + (isAdvsvc ? 2 : 0), () => ({ ...base, tenant_id: projectId, is_admin: isAdmin, is_advsvc: isAdvsvc }) as PolicyCredentials);
  return { s, creds, policy, userId: String(base.user_id ?? ''), projectId, isAdmin, isAdvsvc };
}

/** `model_query_scope_is_project`: whether the database layer filters rows by project for this caller. */
export function projectScoped(ctx: Ctx): boolean {
  return !ctx.isAdmin && !ctx.isAdvsvc;
}

/** The RBAC entries on one object, through the `object_rbac` index. */
export function rbacEntries(s: S, objectType: RbacPolicyRow['object_type'], objectId: string): RbacPolicyRow[] {
  const out: RbacPolicyRow[] = [];
  for (const id of indexed(s.network.object_rbac, `${objectType}/${objectId}`)) {
    const row = getRow(s.network.rbac_policies, id);
    if (row !== undefined) out.push(row);
  }
  return out;
}

/** Whether RBAC gives `projectId` an action on an object (to the project itself or to `*`). */
export function rbacAllows(s: S, objectType: RbacPolicyRow['object_type'], objectId: string, action: RbacPolicyRow['action'], projectId: string | null): boolean {
  return rbacEntries(s, objectType, objectId).some((r) => r.action === action && (r.target_tenant === '*' || (projectId !== null && r.target_tenant === projectId)));
}

/** The model query's filter on networks: own, shared with the project, or external to it. */
export function networkVisible(ctx: Ctx, network: NetworkRow): boolean {
  if (!projectScoped(ctx) || network.project_id === ctx.projectId) return true;
  return rbacEntries(ctx.s, 'network', network.id).some((r) => r.target_tenant === '*' || (ctx.projectId !== null && r.target_tenant === ctx.projectId));
}

/** A resource reference: an id or a name (resolved among the rows the caller may see), or `{ id }` for an id alone. */
export type NetworkRef = Ref;

/**
 * The row a reference names among the rows `visible` lets through: by id (404 when the caller may
 * not see it), or by name among visible rows (409 when several share it). `{ id }` resolves by id
 * only, as a URL path does.
 */
export function resolveRow<Row extends { readonly id: string; readonly name?: string }>(
  ctx: Ctx,
  resource: NeutronResource,
  table: Table<Row>,
  visibleRow: (row: Row) => boolean,
  ref: unknown,
  field: string = resource,
): Row {
  return resolveTableRow(`network.${resource}`, table, visibleRow, ref, field, (key) => notFound(resource, key));
}

/** Whether a registered rule allows the caller on `target` (core's). */
export { allowed };

/** The ids a prefix index holds under `${key}/` (core's). */
export { indexed };


/**
 * `policy.enforce(context, action, target)` with Neutron's match rule: the action's rule, and
 * `<action>:<attr>` for each attribute in `attrs` (explicitly set ones on create / update) that
 * has a rule. Refused: 403 `PolicyNotAuthorized`.
 */
export function enforce(ctx: Ctx, action: string, target: Record<string, unknown>, attrs: Iterable<string> = []): void {
  if (!allowed(ctx, action, target)) throw policyNotAuthorized(action);
  const ruled = ctx.policy.attributeRules(action);
  for (const attr of attrs) {
    if (ruled.has(attr) && !allowed(ctx, `${action}:${attr}`, target)) throw policyNotAuthorized(action, attr);
  }
}

/**
 * The controller's `_update` / `_delete` enforcement: refused, the action is a 404 when the caller
 * may not even `get_<resource>` the row (as if it did not exist), else the 403.
 */
export function enforceOn(ctx: Ctx, resource: NeutronResource, action: string, id: string, target: Record<string, unknown>, attrs: Iterable<string> = []): void {
  try {
    enforce(ctx, action, target, attrs);
  } catch (e) {
    if (!allowed(ctx, `get_${resource}`, target)) throw notFound(resource, id);
    throw e;
  }
}

/** The controller's `_item` for a show: a row the caller may not `get_` is a 404. */
export function enforceShow(ctx: Ctx, resource: NeutronResource, id: string, target: Record<string, unknown>): void {
  if (!allowed(ctx, `get_${resource}`, target)) throw notFound(resource, id);
}

/**
 * `_exclude_attributes_by_policy`: the view without the attributes whose `get_<resource>:<attr>`
 * rule refuses the caller (`provider:*`, `binding:*`, …).
 */
export function showable<V extends object>(ctx: Ctx, resource: NeutronResource, view: V, target: Record<string, unknown>): V {
  let out: Record<string, unknown> | undefined;
  const ruled = ctx.policy.attributeRules(`get_${resource}`);
  for (const key of Object.keys(view)) {
    if (!ruled.has(key) || allowed(ctx, `get_${resource}:${key}`, target)) continue;
    out ??= { ...view } as Record<string, unknown>;
    delete out[key];
  }
  return (out as V | undefined) ?? view;
}

