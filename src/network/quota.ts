/**
 * Neutron's quotas (`neutron/conf/quota.py`, `neutron/quota/`): the resources with Zed's names and
 * defaults, counted per project, checked before anything changes; over quota is Neutron's 409
 * `OverQuota` "Quota exceeded for resources: ['port']." — every resource a request would take
 * past its limit, as `resource_registry` and `quota.QUOTAS.make_reservation` report them.
 *
 * The `default` security group's rules count toward `security_group_rule`, as in Neutron.
 */
import { InvalidInput, OverLimit, describeValue, type CloudState, type QuotaRegistry, type Tx } from '../core/index.js';
import { enforce, type Ctx } from './context.js';
import { bodyOf } from './controller.js';
import { NeutronError } from './errors.js';

/** Neutron's quota resources and their defaults (`[quotas] quota_network` 100, …). */
export const NEUTRON_QUOTAS = Object.freeze([
  { service: 'network', name: 'network', default: 100, overLimitStatus: 409 },
  { service: 'network', name: 'subnet', default: 100, overLimitStatus: 409 },
  { service: 'network', name: 'port', default: 500, overLimitStatus: 409 },
  { service: 'network', name: 'router', default: 10, overLimitStatus: 409 },
  { service: 'network', name: 'floatingip', default: 50, overLimitStatus: 409 },
  { service: 'network', name: 'security_group', default: 10, overLimitStatus: 409 },
  { service: 'network', name: 'security_group_rule', default: 100, overLimitStatus: 409 },
  { service: 'network', name: 'rbac_policy', default: 10, overLimitStatus: 409 },
] as const);

/** A Neutron quota resource name. */
export type NeutronQuotaResource = (typeof NEUTRON_QUOTAS)[number]['name'];

/** `network.<resource>` keys of Neutron deltas. */
function keyed(deltas: Partial<Record<NeutronQuotaResource, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(deltas)) out[`network.${k}`] = v as number;
  return out;
}

/** Throws Neutron's 409 `OverQuota` naming every resource `deltas` would take past its limit; changes nothing. */
export function checkQuota(tx: Tx, projectId: string, deltas: Partial<Record<NeutronQuotaResource, number>>): void {
  checkKeyed(tx, projectId, keyed(deltas));
}

/** {@link checkQuota} on deltas already keyed `network.<resource>`. */
function checkKeyed(tx: Tx, projectId: string, deltas: Record<string, number>): void {
  try {
    tx.quotas.check(tx.draft.quota, projectId, deltas);
  } catch (e) {
    if (!(e instanceof OverLimit)) throw e;
    const overs = ((e.details.overs ?? []) as { name: string }[]).map((o) => `'${o.name}'`);
    throw new NeutronError(409, 'network.quota.exceeded', 'OverQuota', `Quota exceeded for resources: [${overs.join(', ')}].`, { project_id: projectId, overs: e.details.overs });
  }
}

/**
 * Takes `deltas` of a project's quota (`{ port: 1 }`), or throws Neutron's 409 `OverQuota`
 * naming every resource that would go over; nothing is taken then.
 */
export function useQuota(tx: Tx, projectId: string, deltas: Partial<Record<NeutronQuotaResource, number>>): void {
  const k = keyed(deltas);
  checkKeyed(tx, projectId, k);
  tx.quotas.count(tx.draft.quota, projectId, k);
}

/** Counts resources Neutron makes on its own (router and floating IP ports, a default security group) without checking limits, as Neutron does. */
export function countQuota(tx: Tx, projectId: string, deltas: Partial<Record<NeutronQuotaResource, number>>): void {
  tx.quotas.count(tx.draft.quota, projectId, keyed(deltas));
}

/** Gives back what {@link useQuota} took (a deleted resource). */
export function releaseQuota(tx: Tx, projectId: string, amounts: Partial<Record<NeutronQuotaResource, number>>): void {
  tx.quotas.release(tx.draft.quota, projectId, keyed(amounts));
}

// ------------------------------------------------------------------------------ the API

/** `GET /v2.0/quotas/{project_id}`: every Neutron resource's limit. */
export type NeutronQuotaView = Readonly<Record<NeutronQuotaResource, number>>;

/** `GET /v2.0/quotas/{project_id}/default`: the defaults every project starts from (`get_quota` for another project than the caller's). */
export function showQuotaDefault(ctx: Ctx, quotas: QuotaRegistry, project: unknown): NeutronQuotaView {
  const projectId = projectArg(project);
  if (projectId !== ctx.projectId) enforce(ctx, 'get_quota', { project_id: ctx.projectId, tenant_id: ctx.projectId });
  const out: Record<string, number> = {};
  for (const q of NEUTRON_QUOTAS) out[q.name] = quotas.defaultLimit(ctx.s.quota, `network.${q.name}`);
  return out as NeutronQuotaView;
}

/** `GET /v2.0/quotas` (`get_quota`, admin): the projects with limits of their own, each with every limit and its `project_id` / `tenant_id`. */
export function listQuotas(ctx: Ctx, quotas: QuotaRegistry): (NeutronQuotaView & { readonly project_id: string; readonly tenant_id: string })[] {
  enforce(ctx, 'get_quota', { project_id: ctx.projectId, tenant_id: ctx.projectId });
  return quotas.projectsWithLimits(ctx.s.quota, 'network').map((projectId) => ({ ...quotaLimits(ctx.s, quotas, projectId), project_id: projectId, tenant_id: projectId }));
}

function quotaLimits(s: CloudState, quotas: QuotaRegistry, projectId: string): NeutronQuotaView {
  const out: Record<string, number> = {};
  for (const q of NEUTRON_QUOTAS) out[q.name] = quotas.limit(s.quota, projectId, `network.${q.name}`);
  return out as NeutronQuotaView;
}

/** `GET /v2.0/quotas/{project_id}/details`: limit, use and reservations (always 0: usage is counted exactly). */
export type NeutronQuotaDetailView = Readonly<Record<NeutronQuotaResource, { readonly limit: number; readonly used: number; readonly reserved: number }>>;

function projectArg(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) throw new InvalidInput('project_id', `expected a project id, got ${describeValue(value)}.`, 'network.quota.invalid');
  return value;
}

/** `GET /v2.0/quotas/{project_id}`: a project's own quotas, or `get_quota` (admin) for another's (`quotasv2.QuotaSetsController.show`). */
export function showQuota(ctx: Ctx, quotas: QuotaRegistry, project: unknown): NeutronQuotaView {
  const projectId = projectArg(project);
  if (projectId !== ctx.projectId) enforce(ctx, 'get_quota', { project_id: ctx.projectId, tenant_id: ctx.projectId });
  return quotaLimits(ctx.s, quotas, projectId);
}

/** `GET /v2.0/quotas/{project_id}/details`: a project's own, or any for an admin (`AdminRequired` 403 otherwise). */
export function showQuotaDetails(ctx: Ctx, quotas: QuotaRegistry, project: unknown): NeutronQuotaDetailView {
  const projectId = projectArg(project);
  if (projectId !== ctx.projectId && !ctx.isAdmin) throw new NeutronError(403, 'network.quota.admin_required', 'AdminRequired', 'User does not have admin privileges: Only admin is authorized to access quotas for another project.', { project_id: projectId });
  return quotaDetails(ctx.s, quotas, projectId);
}

function quotaDetails(s: CloudState, quotas: QuotaRegistry, projectId: string): NeutronQuotaDetailView {
  const out: Record<string, { limit: number; used: number; reserved: number }> = {};
  for (const q of NEUTRON_QUOTAS) {
    const key = `network.${q.name}`;
    out[q.name] = { limit: quotas.limit(s.quota, projectId, key), used: quotas.inUse(s.quota, projectId, key), reserved: 0 };
  }
  return out as NeutronQuotaDetailView;
}

/**
 * `PUT /v2.0/quotas/{project_id}` (`update_quota`, admin): limits of -1 (unlimited) or more,
 * Neutron's resource names; with `check_limit` a limit below the project's use is refused.
 */
export function updateQuota(tx: Tx, ctx: Ctx, project: unknown, input: unknown): NeutronQuotaView {
  const projectId = projectArg(project);
  enforce(ctx, 'update_quota', { project_id: ctx.projectId, tenant_id: ctx.projectId });
  const body = bodyOf(input, 'quota', [...NEUTRON_QUOTAS.map((q) => q.name), 'force', 'check_limit']);
  const checkLimit = body.check_limit === true || body.check_limit === 'True' || body.check_limit === 'true';
  delete body.force;
  delete body.check_limit;
  const limits: Record<string, number> = {};
  const used = quotaDetails(tx.draft as CloudState, tx.quotas, projectId);
  for (const [name, value] of Object.entries(body)) {
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < -1) throw new NeutronError(400, 'network.quota.invalid', 'HTTPBadRequest', `Invalid input for ${name}. Reason: '${describeValue(value)}' is not an integer greater or equal to -1.`, { field: name });
    const inUse = used[name as NeutronQuotaResource].used;
    if (checkLimit && n !== -1 && n < inUse) throw new NeutronError(400, 'network.quota.below_usage', 'BadRequest', `Bad quota request: Quota limit ${n} for ${name} must be greater than or equal to already used ${inUse}.`, { field: name });
    limits[`network.${name}`] = n;
  }
  for (const [key, limit] of Object.entries(limits)) tx.quotas.setLimit(tx.draft.quota, projectId, key, limit);
  return showQuota({ ...ctx, s: tx.draft as CloudState }, tx.quotas, projectId);
}

/** `DELETE /v2.0/quotas/{project_id}` (admin): the project's Neutron limits return to the defaults. */
export function resetQuota(tx: Tx, ctx: Ctx, project: unknown): void {
  const projectId = projectArg(project);
  enforce(ctx, 'delete_quota', { project_id: ctx.projectId, tenant_id: ctx.projectId });
  tx.quotas.clearLimits(tx.draft.quota, projectId, 'network');
}
