/**
 * Nova's quotas (`nova/conf/quota.py`, `nova/quota.py`, `nova/compute/utils.py`
 * `check_num_instances_quota`): `instances` 10, `cores` 20, `ram` 51200, `metadata_items` 128,
 * `key_pairs` 100, `server_groups` 10, `server_group_members` 10, `injected_files` 5,
 * `injected_file_content_bytes` 10240, `injected_file_path_bytes` 255. Counted as nova's counting
 * driver counts (instances, cores and ram of the project's live instances; key pairs of the user;
 * members of the group), checked at the API before anything changes; over quota is nova's 403
 * (`TooManyInstances`, `KeypairLimitExceeded`, `MetadataLimitExceeded`, …).
 */
import type { CloudState, Tx } from '../core/index.js';
import { overQuota, type NovaError } from './errors.js';

/** The quota service name nova's resources are registered under (`compute.<resource>`). */
export const QUOTA_SERVICE = 'compute';

/** Nova's quota resources and their Zed defaults. */
export const NOVA_QUOTAS = Object.freeze([
  { service: QUOTA_SERVICE, name: 'instances', default: 10, overLimitStatus: 403 },
  { service: QUOTA_SERVICE, name: 'cores', default: 20, overLimitStatus: 403 },
  { service: QUOTA_SERVICE, name: 'ram', default: 51200, overLimitStatus: 403 },
  { service: QUOTA_SERVICE, name: 'metadata_items', default: 128, overLimitStatus: 403 },
  { service: QUOTA_SERVICE, name: 'injected_files', default: 5, overLimitStatus: 403 },
  { service: QUOTA_SERVICE, name: 'injected_file_content_bytes', default: 10240, overLimitStatus: 403 },
  { service: QUOTA_SERVICE, name: 'injected_file_path_bytes', default: 255, overLimitStatus: 403 },
  { service: QUOTA_SERVICE, name: 'key_pairs', default: 100, overLimitStatus: 403 },
  { service: QUOTA_SERVICE, name: 'server_groups', default: 10, overLimitStatus: 403 },
  { service: QUOTA_SERVICE, name: 'server_group_members', default: 10, overLimitStatus: 403 },
] as const);

/** A quota resource of nova. */
export type NovaQuotaResource = (typeof NOVA_QUOTAS)[number]['name'];

/** The limit in force for a project (-1: unlimited). */
export function limitOf(tx: Pick<Tx, 'quotas'>, s: CloudState, projectId: string, resource: NovaQuotaResource): number {
  return tx.quotas.limit(s.quota, projectId, `${QUOTA_SERVICE}.${resource}`);
}

/** What the project's live instances use now (`instances`, `cores`, `ram`). */
export function instanceUsage(tx: Pick<Tx, 'quotas'>, s: CloudState, projectId: string): { instances: number; cores: number; ram: number } {
  const u = (r: string) => tx.quotas.inUse(s.quota, projectId, `${QUOTA_SERVICE}.${r}`);
  return { instances: u('instances'), cores: u('cores'), ram: u('ram') };
}

/**
 * `check_num_instances_quota`: how many of `min_count`..`max_count` instances of a flavor the
 * project may still run (the most that fit), or nova's `TooManyInstances` (403): "Quota exceeded
 * for cores: Requested 4, but already used 20 of 20 cores".
 */
export function checkInstancesQuota(tx: Pick<Tx, 'quotas'>, s: CloudState, projectId: string, flavor: { readonly vcpus: number; readonly memory_mb: number }, minCount: number, maxCount: number): number {
  const used = instanceUsage(tx, s, projectId);
  const quotas = { instances: limitOf(tx, s, projectId, 'instances'), cores: limitOf(tx, s, projectId, 'cores'), ram: limitOf(tx, s, projectId, 'ram') };
  const deltas = { instances: maxCount, cores: maxCount * flavor.vcpus, ram: maxCount * flavor.memory_mb };
  const names = ['instances', 'cores', 'ram'] as const;
  const overs = names.filter((r) => quotas[r] >= 0 && used[r] + deltas[r] > quotas[r]);
  if (overs.length === 0) return maxCount;
  // get_headroom: what is left of each limited resource
  const headroom = (r: (typeof names)[number]) => (quotas[r] < 0 ? Number.MAX_SAFE_INTEGER : quotas[r] - used[r]);
  let allowed = headroom('instances');
  if (flavor.vcpus) allowed = Math.min(allowed, Math.floor(headroom('cores') / flavor.vcpus));
  if (flavor.memory_mb) allowed = Math.min(allowed, Math.floor(headroom('ram') / flavor.memory_mb));
  if (allowed > 0 && minCount <= allowed && allowed <= maxCount) return checkInstancesQuota(tx, s, projectId, flavor, minCount, allowed);
  const requested = { instances: minCount === maxCount ? String(minCount) : `${minCount}-${maxCount}`, cores: String(deltas.cores), ram: String(deltas.ram) };
  throw tooManyInstances(projectId, overs, requested, { instances: quotas.instances - headroom('instances'), cores: quotas.cores - headroom('cores'), ram: quotas.ram - headroom('ram') }, quotas, { allowed: Math.max(0, allowed) });
}

/**
 * nova's `TooManyInstances` (403) as `get_over_quota_detail` words it: "Quota exceeded for
 * cores, ram: Requested 2, 1024, but already used 20, 4096 of 20, 4096 cores, ram" — the
 * resources over their limits with what was asked, what is used and the limits.
 */
export function tooManyInstances<R extends string>(projectId: string, overs: readonly R[], requested: Readonly<Record<R, string | number>>, used: Readonly<Record<R, number>>, limits: Readonly<Record<R, number>>, details: Readonly<Record<string, unknown>> = {}): NovaError {
  const join = (f: (r: R) => string) => overs.map(f).join(', ');
  return overQuota(
    'compute.quota.too_many_instances',
    'TooManyInstances',
    `Quota exceeded for ${join((r) => r)}: Requested ${join((r) => String(requested[r]))}, but already used ${join((r) => String(used[r]))} of ${join((r) => String(limits[r]))} ${join((r) => r)}`,
    { project_id: projectId, overs, ...details },
  );
}

/** Counts what `count` instances of a flavor take (after the check): a live instance's usage. */
export function countInstances(tx: Tx, projectId: string, flavor: { readonly vcpus: number; readonly memory_mb: number }, count = 1): void {
  tx.quotas.count(tx.draft.quota, projectId, { [`${QUOTA_SERVICE}.instances`]: count, [`${QUOTA_SERVICE}.cores`]: count * flavor.vcpus, [`${QUOTA_SERVICE}.ram`]: count * flavor.memory_mb });
}

/** Gives back what a deleted instance took. */
export function releaseInstance(tx: Tx, projectId: string, flavor: { readonly vcpus: number; readonly memory_mb: number }): void {
  tx.quotas.release(tx.draft.quota, projectId, { [`${QUOTA_SERVICE}.instances`]: 1, [`${QUOTA_SERVICE}.cores`]: flavor.vcpus, [`${QUOTA_SERVICE}.ram`]: flavor.memory_mb });
}

/** `_check_metadata_properties_quota`: at most `metadata_items` keys (403 `MetadataLimitExceeded`). */
export function checkMetadataQuota(tx: Pick<Tx, 'quotas'>, s: CloudState, projectId: string, count: number): void {
  const limit = limitOf(tx, s, projectId, 'metadata_items');
  if (limit >= 0 && count > limit) throw overQuota('compute.quota.metadata_items', 'MetadataLimitExceeded', `Maximum number of metadata items exceeds ${limit}`, { allowed: limit });
}
