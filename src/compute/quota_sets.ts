/**
 * Nova's quota sets and limits at microversion 2.93 (`nova/api/openstack/compute/quota_sets.py`,
 * `schemas/quota_sets.py`, `limits.py`, `views/limits.py`, `nova/quota.py` `DbQuotaDriver`,
 * `nova/policies/quota_sets.py`, `limits.py`).
 *
 * A quota set shows, as 2.57+ does, `cores`, `instances`, `key_pairs`, `metadata_items`, `ram`,
 * `server_group_members`, `server_groups` (the network and file injection quotas are gone), and
 * the project's `id`. With `detail` each is `{ in_use, limit, reserved }` (`reserved` is always 0:
 * nova counts, it reserves nothing); `in_use` counts the project's live instances, their cores and
 * RAM, and its server groups — nova shows 0 for `key_pairs`, `server_group_members` and
 * `metadata_items`, which it counts per user or per request. With `user_id`, instances and server
 * groups are counted for that user of the project. Limits and their defaults live in core's quota
 * registry (`compute.<resource>`).
 *
 * - Show (`os-quota-sets:show`, `:detail`: the project's readers, or an admin) and defaults
 *   (`:defaults`, anyone) ask Keystone about the project first (`verify_project_id`: an unknown
 *   one is 400 for an admin).
 * - Update (`:update`, admin): integers (or strings of digits) from -1 (unlimited) to 2147483647,
 *   `force` as nova's booleans; no other key (2.57's schema). Unless `force`, a limit below what
 *   is in use is 400 "Quota limit 1 for instances must be greater than or equal to already used
 *   and reserved 2." Nothing is set unless every value passes. Answers the quota set without `id`.
 * - Delete (`:delete`, admin): the project's limits go back to the defaults.
 * - Limits (`GET /limits`, anyone; `tenant_id` needs `limits:other_project`): the absolute limits
 *   2.57+ shows and what the project uses.
 *
 * Not simulated: per-user quotas (`PUT` / `DELETE` with `user_id`), quota classes, unified limits.
 */
import { getRow, type QuotaRegistry, tablePrefix, tableValues, type CloudState, type Tx } from '../core/index.js';
import { enforce, type Ctx } from './context.js';
import { badRequest } from './errors.js';
import { describeValue, fieldError, objectArg, onlyKeys, queryArg, queryString, schemaBoolean, verifyProjectId } from './input.js';
import { NOVA_RULES } from './policies.js';
import { QUOTA_SERVICE, type NovaQuotaResource } from './quota.js';

/** The resources a quota set shows at 2.57+ (`QUOTAS.resources`, sorted, less `FILTERED_QUOTAS_2_57`). */
export const QUOTA_SET_RESOURCES = ['cores', 'instances', 'key_pairs', 'metadata_items', 'ram', 'server_group_members', 'server_groups'] as const;

/** A resource of a 2.57+ quota set. */
export type ComputeQuotaResource = (typeof QUOTA_SET_RESOURCES)[number];

/** One resource of a detailed quota set (`GET /os-quota-sets/{id}/detail`). */
export interface ComputeQuotaSetUsage {
  readonly in_use: number;
  readonly limit: number;
  readonly reserved: number;
}

/**
 * `quota_set`: each resource's limit (a number), or with `detail` its `{ in_use, limit, reserved }`;
 * `id` (the project) except in an update's answer.
 */
export type ComputeQuotaSetView = { readonly id?: string } & { readonly [R in ComputeQuotaResource]: number | ComputeQuotaSetUsage };

/** `limits` of `GET /limits`: `rate` (always empty) and `absolute`. */
export interface ComputeLimitsView {
  readonly rate: readonly never[];
  readonly absolute: Readonly<Record<string, number>>;
}

/** The read side of core's quota registry that the quota API needs. */
export type QuotaLookup = Pick<QuotaRegistry, 'limit' | 'inUse' | 'defaultLimit'>;

const key = (resource: string): string => `${QUOTA_SERVICE}.${resource}`;

/** A project id as a path holds it. */
function projectArg(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) throw badRequest('project_id', `Invalid input for field/attribute project_id. Value: ${describeValue(value)}. expected a project id of 1 to 255 characters`, 'compute.quota.invalid_project');
  return value;
}

/** The live servers of a project (and user). */
function liveServers(s: CloudState, projectId: string, userId: string | null): { instances: number; cores: number; ram: number } {
  const out = { instances: 0, cores: 0, ram: 0 };
  for (const [, uuid] of tablePrefix(s.compute.project_servers, `${projectId}/`)) {
    const row = getRow(s.compute.servers, uuid);
    if (row === undefined || row.deleted || row.project_id !== projectId || (userId !== null && row.user_id !== userId)) continue;
    out.instances++;
    out.cores += row.flavor.vcpus;
    out.ram += row.flavor.memory_mb;
  }
  return out;
}

/**
 * `DbQuotaDriver._get_usages`: what the project uses of each resource (core's counters, which the
 * quota checks read), or one of its users (counted from the rows, as nova counts).
 */
function usages(s: CloudState, quotas: QuotaLookup, projectId: string | null, userId: string | null): Record<ComputeQuotaResource, number> {
  const zero = { cores: 0, instances: 0, key_pairs: 0, metadata_items: 0, ram: 0, server_group_members: 0, server_groups: 0 };
  if (projectId === null) return zero;
  const servers = userId === null ? null : liveServers(s, projectId, userId);
  let groups = 0;
  if (userId === null) groups = quotas.inUse(s.quota, projectId, key('server_groups'));
  else for (const g of tableValues(s.compute.server_groups)) if (g.project_id === projectId && g.user_id === userId) groups++;
  const counted = (r: 'instances' | 'cores' | 'ram') => (servers === null ? quotas.inUse(s.quota, projectId, key(r)) : servers[r]);
  return { ...zero, cores: counted('cores'), instances: counted('instances'), ram: counted('ram'), server_groups: groups };
}

/** Each resource's limit for a project (its own, else the default). */
function limits(s: CloudState, quotas: QuotaLookup, projectId: string | null): Record<ComputeQuotaResource, number> {
  const out = {} as Record<ComputeQuotaResource, number>;
  for (const r of QUOTA_SET_RESOURCES) out[r] = projectId === null ? quotas.defaultLimit(s.quota, key(r)) : quotas.limit(s.quota, projectId, key(r));
  return out;
}

/** What `GET /os-quota-sets/{project_id}[/detail]` takes. */
export interface ComputeQuotaSetQuery {
  /** Whose usage `detail` counts (the project's limits apply: stacksim has no user quotas). */
  readonly user_id?: string;
  /** `/detail`: each resource as `{ in_use, limit, reserved }`. */
  readonly detail?: boolean;
}

/** `GET /os-quota-sets/{project_id}` (`:show`) or `/detail` (`:detail`). */
export function showQuotaSet(ctx: Ctx, project: unknown, query: unknown, quotas: QuotaLookup): ComputeQuotaSetView {
  const projectId = projectArg(project);
  const q = queryArg(query, ['user_id', 'detail']);
  const userId = queryString(q, 'user_id', 255) || null;
  const detail = q.detail === undefined ? false : schemaBoolean(q.detail, 'detail');
  enforce(ctx, detail ? NOVA_RULES.quotas.detail : NOVA_RULES.quotas.show, { project_id: projectId });
  verifyProjectId(ctx, projectId, 'project_id');
  const lim = limits(ctx.s, quotas, projectId);
  if (!detail) return { id: projectId, ...lim };
  const used = usages(ctx.s, quotas, projectId, userId);
  const out: Record<string, ComputeQuotaSetUsage | string> = { id: projectId };
  for (const r of QUOTA_SET_RESOURCES) out[r] = { in_use: used[r], limit: lim[r], reserved: 0 };
  return out as unknown as ComputeQuotaSetView;
}

/** `GET /os-quota-sets/{project_id}/defaults` (`:defaults`, anyone): the default limits and the project id. */
export function showDefaultQuotaSet(ctx: Ctx, project: unknown, quotas: QuotaLookup): ComputeQuotaSetView {
  const projectId = projectArg(project);
  enforce(ctx, NOVA_RULES.quotas.defaults, { project_id: projectId });
  verifyProjectId(ctx, projectId, 'project_id');
  return { id: projectId, ...limits(ctx.s, quotas, null) };
}

/** `update_quota_set_v257`'s keys, in its order. */
const UPDATE_KEYS = ['instances', 'cores', 'ram', 'metadata_items', 'key_pairs', 'server_groups', 'server_group_members', 'force'] as const;
/** `db.MAX_INT`. */
export const MAX_QUOTA_LIMIT = 0x7fffffff;

/** `common_quota`: an integer or a string of one, from -1 to 2147483647. */
function quotaValue(value: unknown, field: string): number {
  let n: number;
  if (typeof value === 'number' && Number.isInteger(value)) n = value;
  else if (typeof value === 'string') {
    if (value.length > 100 || !/^-?[0-9]+\n?$/.test(value)) throw fieldError(field, value, `${describeValue(value)} does not match '^-?[0-9]+$'`);
    n = Number(value.trim());
  } else throw fieldError(field, value, `${describeValue(value)} is not of type 'integer', 'string'`);
  if (n < -1) throw fieldError(field, value, `${n} is less than the minimum of -1`);
  if (n > MAX_QUOTA_LIMIT) throw fieldError(field, value, `${value === n ? n : describeValue(value)} is greater than the maximum of ${MAX_QUOTA_LIMIT}`);
  return n === 0 ? 0 : n;
}

/**
 * `PUT /os-quota-sets/{project_id}` (`:update`, admin) with the `quota_set` object: schema (400),
 * policy (403), Keystone's word on the project (400), then each limit against the use unless
 * `force` (400). Answers the project's quota set (without `id`).
 */
export function updateQuotaSet(tx: Tx, ctx: Ctx, project: unknown, input: unknown): ComputeQuotaSetView {
  const projectId = projectArg(project);
  const body = objectArg(input, 'quota_set');
  const checked = new Map<string, number>();
  let force = false;
  for (const k of UPDATE_KEYS) {
    if (!Object.hasOwn(body, k)) continue;
    if (k === 'force') force = schemaBoolean(body.force, 'force');
    else checked.set(k, quotaValue(body[k], k));
  }
  onlyKeys(body, UPDATE_KEYS, 'quota_set');
  // nova's passes go through the body in its order
  const values = Object.keys(body).flatMap((k): [NovaQuotaResource, number][] => (checked.has(k) ? [[k as NovaQuotaResource, checked.get(k)!]] : []));
  enforce(ctx, NOVA_RULES.quotas.update, { project_id: projectId });
  verifyProjectId(ctx, projectId, 'project_id');
  const s = tx.draft as CloudState;
  if (!force) {
    const used = usages(s, tx.quotas, projectId, null);
    for (const [r, limit] of values) {
      const minimum = used[r as ComputeQuotaResource];
      if (limit !== -1 && limit < minimum) {
        throw badRequest(r, `Quota limit ${limit} for ${r} must be greater than or equal to already used and reserved ${minimum}.`, 'compute.quota.below_usage');
      }
    }
  }
  for (const [r, limit] of values) tx.quotas.setLimit(tx.draft.quota, projectId, key(r), limit);
  tx.trace('nova-api', `quota set of ${projectId}: ${values.map(([r, v]) => `${r}=${v}`).join(', ') || 'nothing'}${force ? ' (forced)' : ''}`);
  return { ...limits(s, tx.quotas, projectId) };
}

/** `DELETE /os-quota-sets/{project_id}` (`:delete`, admin): the project's limits go back to the defaults (usage stays). */
export function deleteQuotaSet(tx: Tx, ctx: Ctx, project: unknown): void {
  const projectId = projectArg(project);
  enforce(ctx, NOVA_RULES.quotas.delete, { project_id: projectId });
  tx.quotas.clearLimits(tx.draft.quota, projectId, QUOTA_SERVICE);
  tx.trace('nova-api', `quota set of ${projectId} back to the defaults`);
}

/** `views/limits.py` `limit_names` at 2.57+, in `QUOTAS`' resource order. */
const ABSOLUTE: readonly (readonly [ComputeQuotaResource, string])[] = [
  ['instances', 'maxTotalInstances'],
  ['cores', 'maxTotalCores'],
  ['ram', 'maxTotalRAMSize'],
  ['metadata_items', 'maxServerMeta'],
  ['key_pairs', 'maxTotalKeypairs'],
  ['server_groups', 'maxServerGroups'],
  ['server_group_members', 'maxServerGroupMembers'],
];
/** `_build_used_limits`' `quota_map` at 2.57+. */
const USED: readonly (readonly [string, ComputeQuotaResource])[] = [
  ['totalRAMUsed', 'ram'],
  ['totalCoresUsed', 'cores'],
  ['totalInstancesUsed', 'instances'],
  ['totalServerGroupsUsed', 'server_groups'],
];

/** What `GET /limits` takes. */
export interface ComputeLimitsQuery {
  /** Another project's limits (`os_compute_api:limits:other_project`, admin). */
  readonly tenant_id?: string;
}

/** `GET /limits`: the absolute limits of the caller's project (or `tenant_id`'s) and what it uses. */
export function showLimits(ctx: Ctx, query: unknown, quotas: QuotaLookup): ComputeLimitsView {
  const q = queryArg(query, ['tenant_id']);
  const tenant = queryString(q, 'tenant_id', 255);
  enforce(ctx, NOVA_RULES.quotas.limits, {});
  let projectId = ctx.projectId;
  if (tenant !== undefined) {
    enforce(ctx, NOVA_RULES.quotas.limitsOtherProject, { project_id: ctx.projectId, user_id: ctx.userId });
    projectId = tenant;
  }
  const lim = limits(ctx.s, quotas, projectId);
  const used = usages(ctx.s, quotas, projectId, null);
  const absolute: Record<string, number> = {};
  for (const [r, name] of ABSOLUTE) absolute[name] = lim[r];
  for (const [name, r] of USED) absolute[name] = used[r];
  return { rate: [], absolute };
}
