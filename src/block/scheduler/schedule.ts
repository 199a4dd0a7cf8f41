/**
 * Cinder's filter scheduler for one volume as pure functions (`cinder/scheduler/filter_scheduler.py`):
 * {@link scheduleVolume} (`schedule_create_volume` → `_schedule` → `_get_weighted_candidates` →
 * `_choose_top_backend`), {@link backendPassesFilters} (an extend: `backend_passes_filters`) and
 * {@link findRetypeBackend} (a retype: `find_retype_backend`).
 *
 * The pools given are those of the volume services that are up and enabled: the caller leaves the
 * others out, as host_manager's `get_all_backend_states` does (`service_is_up`, `disabled`).
 * Choosing a pool does not consume it: the caller adds the volume to the pool's counters
 * (`consume_from_volume`), as the volume manager reports it afterwards.
 * Not simulated: retries (`scheduler_max_attempts`, RetryFilter), groups, scheduler hints.
 */
import type { BlockConfig } from '../types.js';
import type { VolumeExplanation, VolumeFilterTrace, VolumePoolTotal, VolumeWeigherTrace } from './explain.js';
import { checkFilterNames } from './filters/index.js';
import type { BackendFilter, PoolState, VolumeRequestSpec } from './types.js';
import { weighPools, type WeighedPool } from './weigh.js';
import { checkWeigherNames } from './weighers/index.js';

/** Cinder's `NoValidBackend` message prefix (`cinder/exception.py`: "No valid backend was found. %(reason)s"). */
export const NO_VALID_BACKEND = 'No valid backend was found.';

/** What `schedule_create_volume` raises when nothing is left: `NoValidBackend(reason=_("No weighed backends available"))`. */
export const NO_WEIGHED_BACKENDS = `${NO_VALID_BACKEND} No weighed backends available`;

/** A decision: the pool chosen (null when none) and why. */
export interface VolumeScheduleResult {
  readonly pool: PoolState | null;
  readonly explanation: VolumeExplanation;
}

/** The pools passing every filter in order (`BaseFilterHandler.get_filtered_objects`: every filter runs, even on an empty list). */
export function filterPools(
  filters: readonly BackendFilter[],
  pools: readonly PoolState[],
  spec: VolumeRequestSpec,
  config: BlockConfig,
): { readonly passing: readonly PoolState[]; readonly steps: readonly VolumeFilterTrace[] } {
  let current: readonly PoolState[] = pools;
  const steps: VolumeFilterTrace[] = [];
  for (const filter of filters) {
    const kept: PoolState[] = [];
    const removed: { pool: string; reason: string }[] = [];
    for (const pool of current) {
      const verdict = filter.backendPasses(pool, spec, config);
      if (verdict === true) kept.push(pool);
      else removed.push({ pool: pool.name, reason: verdict });
    }
    steps.push({ name: filter.name, start: current.length, end: kept.length, removed });
    current = kept;
  }
  return { passing: current, steps };
}

/** `volume_utils.extract_host(host, 'backend')`: `host@backend` of `host@backend#pool`. */
export function extractBackend(host: string): string {
  const i = host.indexOf('#');
  return i < 0 ? host : host.slice(0, i);
}

interface Candidates {
  readonly weighed: readonly WeighedPool[];
  readonly filters: readonly VolumeFilterTrace[];
  readonly weighers: readonly VolumeWeigherTrace[];
}

/** `_get_weighted_candidates`: filter, then weigh what is left (nothing is weighed when nothing is left). */
function weightedCandidates(pools: readonly PoolState[], spec: VolumeRequestSpec, config: BlockConfig): Candidates {
  const filters = checkFilterNames(config.scheduler_default_filters);
  const weighers = checkWeigherNames(config.scheduler_default_weighers);
  const { passing, steps } = filterPools(filters, pools, spec, config);
  if (passing.length === 0) return { weighed: [], filters: steps, weighers: [] };
  const weighing = weighPools(weighers, passing, spec, config);
  return { weighed: weighing.weighed, filters: steps, weighers: weighing.steps };
}

function explain(
  spec: VolumeRequestSpec,
  c: Candidates,
  chosen: PoolState | null,
  reason: string | null,
  resourceBackend: VolumeFilterTrace | null = null,
): VolumeScheduleResult {
  const totals: VolumePoolTotal[] = c.weighed.map((w) => ({ pool: w.pool.name, total: w.weight }));
  return {
    pool: chosen,
    explanation: {
      outcome: chosen === null ? 'no_valid_backend' : 'scheduled',
      reason: chosen === null ? reason : null,
      request: {
        volume_id: spec.volume_id,
        size: spec.size,
        new_size: spec.new_size ?? null,
        volume_type: spec.volume_type?.name ?? null,
        availability_zone: spec.availability_zone,
      },
      filters: c.filters,
      weighers: c.weighers,
      totals,
      resource_backend: resourceBackend,
      chosen: chosen?.name ?? null,
    },
  };
}

/**
 * Chooses the pool for a new volume, as Cinder's `schedule_create_volume` does: the filters of
 * `scheduler_default_filters` in order, the weighers of `scheduler_default_weighers`, then —
 * when the request has a `resource_backend` — only the weighed pools of that backend (or that
 * pool, when it names one) remain, and the best remaining pool is chosen (`_choose_top_backend`:
 * the first after a stable sort by weight, highest first). When nothing is left the pool is null
 * and the reason is Cinder's `NoValidBackend` message, "No valid backend was found. No weighed
 * backends available": the volume then goes to `error`, as Cinder's flow sets it.
 *
 * Unknown or unsimulated filter / weigher names throw the 400 of {@link checkFilterNames} /
 * `checkWeigherNames`. See the module comment for what the caller does before and after.
 */
export function scheduleVolume(pools: readonly PoolState[], spec: VolumeRequestSpec, config: BlockConfig): VolumeScheduleResult {
  const c = weightedCandidates(pools, spec, config);
  let ranked = c.weighed;
  let step: VolumeFilterTrace | null = null;
  const wanted = spec.resource_backend;
  if (ranked.length > 0 && wanted !== undefined && wanted !== null && wanted !== '') {
    const withPool = wanted.includes('#');
    const keep = (w: WeighedPool): boolean => (withPool ? w.pool.name : extractBackend(w.pool.name)) === wanted;
    step = {
      name: 'resource_backend',
      start: ranked.length,
      end: ranked.filter(keep).length,
      removed: ranked.filter((w) => !keep(w)).map((w) => ({ pool: w.pool.name, reason: `the volume must be on ${wanted} (its source's backend)` })),
    };
    ranked = ranked.filter(keep);
  }
  const top = ranked[0];
  return explain(spec, c, top === undefined ? null : top.pool, NO_WEIGHED_BACKENDS, step);
}

/**
 * Whether `backend` (`host@backend#pool`, or `host@backend` to match any of its pools) passes the
 * filters for this request, as Cinder's `backend_passes_filters` answers an extend (with
 * `spec.new_size`): the first weighed pool that is it, else null with "No valid backend was
 * found. Cannot place volume <id> on <backend>.", after which Cinder puts the volume back to its
 * previous status (`error_extending` is not set by a scheduling failure).
 */
export function backendPassesFilters(pools: readonly PoolState[], backend: string, spec: VolumeRequestSpec, config: BlockConfig): VolumeScheduleResult {
  const c = weightedCandidates(pools, spec, config);
  const ignorePool = !backend.includes('#');
  const found = c.weighed.find((w) => (ignorePool ? extractBackend(w.pool.name) : w.pool.name) === backend);
  return explain(spec, c, found?.pool ?? null, `${NO_VALID_BACKEND} Cannot place volume ${spec.volume_id} on ${backend}.`);
}

/**
 * The pool a volume being retyped goes to (`find_retype_backend`): the request is filtered with
 * `vol_exists_on` set to the volume's current pool `current` (so CapacityFilter lets it stay);
 * the current pool wins when it passes; otherwise with `migrationPolicy` `never` there is none
 * ("Current backend not valid for volume … migration not allowed"), with `on-demand` the best
 * pool is chosen. No pool at all: "No valid backends for volume <id> with type <type>".
 * Cinder names the type by its whole dict; stacksim by its name.
 */
export function findRetypeBackend(
  pools: readonly PoolState[],
  current: string,
  spec: VolumeRequestSpec,
  config: BlockConfig,
  migrationPolicy: 'never' | 'on-demand',
): VolumeScheduleResult {
  const asked: VolumeRequestSpec = { ...spec, vol_exists_on: current };
  const c = weightedCandidates(pools, asked, config);
  const type = spec.volume_type?.name ?? 'None';
  if (c.weighed.length === 0) return explain(asked, c, null, `${NO_VALID_BACKEND} No valid backends for volume ${spec.volume_id} with type ${type}`);
  const same = c.weighed.find((w) => w.pool.name === current);
  if (same !== undefined) return explain(asked, c, same.pool, null);
  if (migrationPolicy === 'never') {
    return explain(asked, c, null, `${NO_VALID_BACKEND} Current backend not valid for volume ${spec.volume_id} with type ${type}, migration not allowed`);
  }
  return explain(asked, c, (c.weighed[0] as WeighedPool).pool, null);
}
