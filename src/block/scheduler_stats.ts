/**
 * `GET /scheduler-stats/get_pools[?detail=true]` (Zed, 3.70): the pools the volume scheduler knows
 * (`cinder/api/contrib/scheduler_stats.py`, `cinder/api/views/scheduler_stats.py`,
 * `cinder/scheduler/host_manager.py` `get_pools` / `_update_backend_state_map` /
 * `_filter_pools_by_volume_type`, `cinder/policies/scheduler_stats.py`): only the pools of volume
 * services that are up, enabled and not frozen; `{ name }` each, or `{ name, capabilities }` with
 * `detail` — the capabilities the driver reports (`poolCapabilities`: capacities, `reserved_percentage`,
 * `max_over_subscription_ratio`, thin / thick support, `multiattach`, `backend_state`, the
 * backend's `volume_backend_name`, `vendor_name`, `driver_version`, `storage_protocol` as its
 * first spelling), the volume manager's `allocated_capacity_gb`, and the scheduler's `timestamp`
 * of the last report; LVM pools add `location_info` and `total_volumes` (volumes and snapshots,
 * its logical volumes), as `cinder/volume/drivers/lvm.py` `_update_volume_stats` does.
 *
 * Filters are those `etc/cinder/resource_filters.json` allows for `pool` at 3.70 (`name`,
 * `volume_type`); any other is Cinder's 400 "Invalid filters … are found in query options.".
 * `volume_type` keeps the pools the scheduler's filters (`scheduler_default_filters`) let through
 * for that type with no size: Zed passes no `size` there and CapacityFilter then raises a Python
 * `TypeError` (a 500); stacksim asks for 0 GB, which CapacityFilter lets through, so the type's
 * extra specs and zones decide.
 */
import { describeValue, tableToArray, type CloudState } from '../core/index.js';
import { findService, freeCapacityGb, poolActive } from './backends.js';
import { lastHeartbeat } from './cinder_services.js';
import { enforce, ownTarget, type Ctx } from './context.js';
import { CinderError } from './errors.js';
import { CINDER_RULES } from './policies.js';
import { boolParam, objectArg } from './quota_sets.js';
import { checkFilterNames, filterPools, poolCapabilities, type PoolState } from './scheduler/index.js';
import type { PoolRow } from './types.js';
import { timestamp } from './views.js';
import { resolveVolumeType, typeSpec } from './volume_types.js';

/** One pool of `get_pools` (`capabilities` with `detail` only). */
export interface VolumePoolView {
  /** `host@backend#pool`. */
  readonly name: string;
  readonly capabilities?: Readonly<Record<string, unknown>>;
}

/** What `GET /scheduler-stats/get_pools` takes in its query string. */
export interface VolumePoolQuery {
  /** `detail=true`: each pool's capabilities. */
  readonly detail?: boolean | string;
  /** A pool name (`host@backend#pool`), exactly. */
  readonly name?: string;
  /** A volume type (name or id): the pools its extra specs fit (3.35). */
  readonly volume_type?: string;
}

/** `etc/cinder/resource_filters.json` `pool`. */
const POOL_FILTERS = ['name', 'volume_type'];

/** DevStack's volume group for an LVM backend (`VOLUME_GROUP_NAME`-`<backend>`). */
const volumeGroup = (pool: PoolRow): string => `stack-volumes-${pool.backend_name}`;

/**
 * The logical volumes of every pool: its volumes and their snapshots, counted in one pass over the
 * volumes and one over the snapshots (pool name → count; a pool without any is absent).
 */
export function logicalVolumeCounts(s: CloudState): Map<string, number> {
  const counts = new Map<string, number>();
  const hostOf = new Map<string, string>();
  for (const v of tableToArray(s.block.volumes)) {
    if (v.host === null) continue;
    hostOf.set(v.id, v.host);
    counts.set(v.host, (counts.get(v.host) ?? 0) + 1);
  }
  for (const snap of tableToArray(s.block.snapshots)) {
    const host = hostOf.get(snap.volume_id);
    if (host !== undefined) counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  return counts;
}

/**
 * A pool's `capabilities` as `get_pools?detail=true` shows them; `lvCounts` is
 * {@link logicalVolumeCounts} (counted here when not given: pass it when showing several pools).
 */
export function poolStats(s: CloudState, pool: PoolRow, lvCounts: ReadonlyMap<string, number> = logicalVolumeCounts(s)): Record<string, unknown> {
  const caps = poolCapabilities(pool, freeCapacityGb(pool));
  const protocol = caps.storage_protocol;
  const out: Record<string, unknown> = { ...caps, storage_protocol: Array.isArray(protocol) ? protocol[0] : protocol };
  if (pool.driver === 'lvm') {
    out.location_info = `LVMVolumeDriver:${pool.hardware_host}:${volumeGroup(pool)}:${pool.thin_provisioning_support ? 'thin' : 'default'}:0`;
    out.total_volumes = lvCounts.get(pool.name) ?? 0;
  }
  const service = findService(s, 'cinder-volume', pool.backend);
  out.timestamp = timestamp(s, service === undefined ? s.meta.clock.now : lastHeartbeat(s, service));
  return out;
}

/**
 * `GET /scheduler-stats/get_pools` (`scheduler_extension:scheduler_stats:get_pools`, admin): the
 * active pools in name order, filtered by `name` and `volume_type`; `detail` adds capabilities.
 */
export function listPools(ctx: Ctx, query: unknown = {}): VolumePoolView[] {
  enforce(ctx, CINDER_RULES.admin.getPools, ownTarget(ctx));
  const q = query === undefined ? {} : objectArg(query, 'query');
  const detail = q.detail === undefined ? false : boolParam(q.detail, 'detail');
  const invalid = Object.keys(q).filter((k) => k !== 'detail' && !POOL_FILTERS.includes(k));
  if (invalid.length > 0) throw new CinderError(400, 'block.list.unknown_filter', 'HTTPBadRequest', `Invalid filters ${invalid.join(',')} are found in query options.`, { field: invalid[0] as string, filters: invalid });
  let name: string | null = null;
  if (q.name !== undefined) {
    if (typeof q.name !== 'string' || q.name.length > 255) throw new CinderError(400, 'block.list.invalid_filter', 'InvalidInput', `Invalid input received: name must be a string of at most 255 characters, got ${describeValue(q.name)}`, { field: 'name' });
    name = q.name;
  }
  const type = q.volume_type === undefined || q.volume_type === '' ? null : resolveVolumeType(ctx, q.volume_type);
  let pools = tableToArray(ctx.s.block.pools)
    .filter((p) => poolActive(ctx.s, p) && findService(ctx.s, 'cinder-volume', p.backend)?.frozen !== true)
    .filter((p) => name === null || name === '' || p.name === name)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (type !== null) {
    const states: PoolState[] = pools.map((p) => {
      const free = freeCapacityGb(p);
      return { ...p, free_capacity_gb: free, capabilities: poolCapabilities(p, free) };
    });
    const filters = checkFilterNames(ctx.s.block.config.scheduler_default_filters);
    const { passing } = filterPools(filters, states, { volume_id: '', size: 0, volume_type: typeSpec(type), availability_zone: null }, ctx.s.block.config);
    const kept = new Set(passing.map((p) => p.name));
    pools = pools.filter((p) => kept.has(p.name));
  }
  if (!detail) return pools.map((p) => ({ name: p.name }));
  const lvCounts = logicalVolumeCounts(ctx.s);
  return pools.map((p) => ({ name: p.name, capabilities: poolStats(ctx.s, p, lvCounts) }));
}
