/**
 * Cinder's quotas (`cinder/quota.py`, `cinder/quota_utils.py`): `volumes` 10, `snapshots` 10,
 * `gigabytes` 1000, `backups` 10, `backup_gigabytes` 1000, `groups` 10, `per_volume_gigabytes` -1,
 * and per volume type `volumes_<type>`, `gigabytes_<type>`, `snapshots_<type>` (-1: unlimited until
 * an admin sets them). Checked before anything changes; over quota is Cinder's 413 with the
 * exception `process_reserve_over_quota` raises: `VolumeSizeExceedsAvailableQuota` for any
 * `*gigabytes*` resource (`VolumeBackupSizeExceedsAvailableQuota` for backups), else
 * `VolumeLimitExceeded` / `SnapshotLimitExceeded` / `BackupLimitExceeded`.
 *
 * Snapshots count toward `gigabytes` (their volume's size), as `[DEFAULT] no_snapshot_gb_quota`
 * (False) makes Cinder do.
 */
import { OverLimit, type Tx } from '../core/index.js';
import { quotaError } from './errors.js';

/** The quota service name Cinder's resources are registered under (`volume.<resource>`). */
export const QUOTA_SERVICE = 'volume';

/** Cinder's quota resources and their Zed defaults (`[DEFAULT] quota_volumes`, …). */
export const CINDER_QUOTAS = Object.freeze([
  { service: QUOTA_SERVICE, name: 'volumes', default: 10, overLimitStatus: 413 },
  { service: QUOTA_SERVICE, name: 'snapshots', default: 10, overLimitStatus: 413 },
  { service: QUOTA_SERVICE, name: 'gigabytes', default: 1000, overLimitStatus: 413 },
  { service: QUOTA_SERVICE, name: 'backups', default: 10, overLimitStatus: 413 },
  { service: QUOTA_SERVICE, name: 'backup_gigabytes', default: 1000, overLimitStatus: 413 },
  { service: QUOTA_SERVICE, name: 'groups', default: 10, overLimitStatus: 413 },
  { service: QUOTA_SERVICE, name: 'per_volume_gigabytes', default: -1, overLimitStatus: 413 },
] as const);

/** The per-volume-type families (`cinder/quota.py` `VolumeTypeResource`), default -1. */
export const CINDER_QUOTA_FAMILIES = Object.freeze([
  { service: QUOTA_SERVICE, prefix: 'volumes_', default: -1, overLimitStatus: 413 },
  { service: QUOTA_SERVICE, prefix: 'gigabytes_', default: -1, overLimitStatus: 413 },
  { service: QUOTA_SERVICE, prefix: 'snapshots_', default: -1, overLimitStatus: 413 },
] as const);

/** What a request takes: resource name (`volumes`, `gigabytes_lvmdriver-1`, …) → amount. */
export type CinderDeltas = Readonly<Record<string, number>>;

const keyed = (deltas: CinderDeltas): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(deltas)) if (v !== 0) out[`${QUOTA_SERVICE}.${k}`] = v;
  return out;
};

/** What a volume of `size` GB and type `typeName` takes. */
export function volumeDeltas(typeName: string, size: number): CinderDeltas {
  return { volumes: 1, gigabytes: size, [`volumes_${typeName}`]: 1, [`gigabytes_${typeName}`]: size };
}

/** What a snapshot of a `size` GB volume of type `typeName` takes. */
export function snapshotDeltas(typeName: string, size: number): CinderDeltas {
  return { snapshots: 1, gigabytes: size, [`snapshots_${typeName}`]: 1, [`gigabytes_${typeName}`]: size };
}

/** What a backup of `size` GB takes. */
export function backupDeltas(size: number): CinderDeltas {
  return { backups: 1, backup_gigabytes: size };
}

/**
 * `QUOTAS.reserve` + `commit`: takes `deltas` of a project's quota, or throws the 413 Cinder's
 * `process_reserve_over_quota` raises for the first resource over (`resource` is what the
 * request creates: `volumes`, `snapshots` or `backups`); nothing is taken then.
 */
export function useQuota(tx: Tx, projectId: string, resource: 'volumes' | 'snapshots' | 'backups', deltas: CinderDeltas): void {
  const keys = keyed(deltas);
  try {
    tx.quotas.check(tx.draft.quota, projectId, keys);
  } catch (e) {
    if (!(e instanceof OverLimit)) throw e;
    throw overQuota(tx, projectId, resource, deltas, e);
  }
  tx.quotas.count(tx.draft.quota, projectId, keys);
}

/** Gives back what {@link useQuota} took (a deleted resource). */
export function releaseQuota(tx: Tx, projectId: string, deltas: CinderDeltas): void {
  tx.quotas.release(tx.draft.quota, projectId, keyed(deltas));
}

/** `per_volume_gigabytes`: a volume larger than the project's limit is a 413 `VolumeSizeExceedsLimit`. */
export function checkPerVolumeSize(tx: Tx, projectId: string, size: number): void {
  const limit = tx.quotas.limit(tx.draft.quota, projectId, `${QUOTA_SERVICE}.per_volume_gigabytes`);
  if (limit >= 0 && size > limit) {
    throw quotaError('block.quota.volume_size_exceeds_limit', 'VolumeSizeExceedsLimit', `Requested volume size ${size}G is larger than maximum allowed limit ${limit}G.`, { size, limit, field: 'size' });
  }
}

function overQuota(tx: Tx, projectId: string, resource: 'volumes' | 'snapshots' | 'backups', deltas: CinderDeltas, e: OverLimit): Error {
  const overs = ((e.details.overs ?? []) as { name: string; used: number; limit: number }[]).map((o) => o.name);
  for (const over of overs) {
    const size = deltas[over] ?? deltas.gigabytes ?? deltas.backup_gigabytes ?? 0;
    const limit = tx.quotas.limit(tx.draft.quota, projectId, `${QUOTA_SERVICE}.${over}`);
    const consumed = tx.quotas.inUse(tx.draft.quota, projectId, `${QUOTA_SERVICE}.${over}`);
    const details = { project_id: projectId, resource: over, limit, consumed, requested: size, overs };
    if (over.includes('gigabytes')) {
      if (resource === 'backups') {
        return quotaError('block.quota.backup_gigabytes_exceeded', 'VolumeBackupSizeExceedsAvailableQuota', `Requested backup exceeds allowed Backup gigabytes quota. Requested ${size}G, quota is ${limit}G and ${consumed}G has been consumed.`, details);
      }
      return quotaError('block.quota.gigabytes_exceeded', 'VolumeSizeExceedsAvailableQuota', `Requested volume or snapshot exceeds allowed ${over} quota. Requested ${size}G, quota is ${limit}G and ${consumed}G has been consumed.`, details);
    }
    if (over.startsWith(resource)) {
      if (resource === 'volumes') return quotaError('block.quota.volumes_exceeded', 'VolumeLimitExceeded', `Maximum number of volumes allowed (${limit}) exceeded for quota '${over}'.`, details);
      if (resource === 'snapshots') return quotaError('block.quota.snapshots_exceeded', 'SnapshotLimitExceeded', `Maximum number of snapshots allowed (${limit}) exceeded`, details);
      return quotaError('block.quota.backups_exceeded', 'BackupLimitExceeded', `Maximum number of backups allowed (${limit}) exceeded`, details);
    }
  }
  return quotaError('block.quota.exceeded', 'QuotaError', `Quota exceeded: code=${overs.join(', ')}`, { project_id: projectId, overs });
}
