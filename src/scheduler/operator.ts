/**
 * `cloud.scheduler`: the operator's side of nova scheduling — the nova.conf options that shape
 * each compute host's Placement inventory, and a per-host view of physical capacity,
 * overcommitted capacity and usage.
 */
import { InvalidInput, check, detach, getRow, memoSlot, plain, tableVersion, type CloudState, type Kernel, type Memo } from '../core/index.js';
import { getHost, listHosts, listHostsByName, type Host } from '../hardware/index.js';
import { computeConfigOf, setComputeConfig, type ComputeConfig } from './compute_nodes.js';
import { capacityOf, inventoriesOf, parseQuery, usageOf, writeAllocations } from './placement/index.js';
import { azUuidIn } from './host_states.js';
import { hostIndexOf } from './host_index.js';
import { noCandidates } from './no_candidates.js';
import { isolatedAggregates, traitTerms } from './filter_scheduler/request_filters.js';
import { NoValidHost, checkRequestSpec, checkSchedulerConfig, requestedResources, scheduleChecked, type ScheduleResult, type SchedulerConfig, type SchedulerConfigInput } from './filter_scheduler/index.js';

/** The checked form of each (frozen) `compute_config.scheduler` the cloud has had. */
const SCHEDULER_CONFIG = memoSlot<object, SchedulerConfig>('scheduler.config');

/** The scheduler options in force in `s`, checked once per version of them. */
function schedulerConfigOf(s: CloudState, memo: Memo): SchedulerConfig {
  return memo.of(SCHEDULER_CONFIG, plain(s.compute_config).scheduler, checkConfig);
}

function checkConfig(raw: object): SchedulerConfig {
  return checkSchedulerConfig(raw);
}

/** One resource class of a host in {@link SchedulerOperatorApi.usage}. */
export interface ResourceUsage {
  /** Physical amount (logical CPUs, MB, GB). */
  readonly total: number;
  readonly reserved: number;
  readonly allocation_ratio: number;
  /** `int((total − reserved) × allocation_ratio)`: what Placement lets be allocated. */
  readonly capacity: number;
  readonly used: number;
  readonly free: number;
}

/** A compute host's Placement picture. */
export interface HostUsage {
  readonly host: string;
  readonly state: Host['state'];
  readonly resources: Readonly<Record<string, ResourceUsage>>;
}

/** Operator view of scheduling-related configuration and usage. */
export class SchedulerOperatorApi {
  constructor(private readonly kernel: Kernel) {}

  /** The nova.conf options in force on a compute host (its overrides over the cloud-wide values). */
  computeConfig(hostRef: string): ComputeConfig {
    const s = this.kernel.view();
    return Object.freeze(computeConfigOf(s, getHost(s, hostRef).name));
  }

  /**
   * Sets nova.conf options (`cpu_allocation_ratio`, `reserved_host_memory_mb`, …) on one host, or
   * cloud-wide with `host` null; the resource tracker reports the new inventory at once.
   */
  setComputeConfig(hostRef: string | null, patch: Partial<ComputeConfig>): void {
    this.kernel.transact('scheduler.setComputeConfig', (tx) => {
      const s = tx.draft as CloudState;
      const host = hostRef === null ? undefined : getHost(s, hostRef);
      setComputeConfig(tx, host, patch, listHosts(s));
    });
  }

  /** nova-scheduler's options in force (`[filter_scheduler]`, `[scheduler]`, `[metrics]`, `[DEFAULT]`). */
  schedulerConfig(): ReturnType<typeof checkSchedulerConfig> {
    return schedulerConfigOf(this.kernel.view(), this.kernel.memo);
  }

  /** Changes nova-scheduler's options (e.g. `{ filter_scheduler: { enabled_filters: [...], host_subset_size: 3 } }`). */
  setSchedulerConfig(patch: SchedulerConfigInput): void {
    this.kernel.transact('scheduler.setSchedulerConfig', (tx) => {
      const current = plain(tx.draft.compute_config.scheduler) as Readonly<Record<string, Readonly<Record<string, unknown>>>>;
      const given = check.record(patch, 'config');
      // own data properties only (a key `__proto__` is a group like any other, refused as unknown)
      const merged: [string, Record<string, unknown>][] = Object.entries(current).filter(([group]) => !Object.hasOwn(given, group)).map(([group, values]) => [group, { ...values }]);
      for (const group of Object.keys(given)) {
        const values = check.record(given[group], `config.${group}`);
        const before = Object.hasOwn(current, group) ? current[group] : undefined;
        merged.push([group, Object.fromEntries([...Object.entries(before ?? {}).filter(([option]) => !Object.hasOwn(values, option)), ...Object.entries(values)])]);
      }
      const next = Object.fromEntries(merged);
      checkSchedulerConfig(next); // refuses unknown groups, options and values before the commit
      tx.draft.compute_config.scheduler = detach(next);
    });
  }

  /**
   * nova-scheduler's `select_destinations`: Placement's allocation candidates for the request
   * (with the request pre-filters: `compute_status_filter`, the AZ as a placement aggregate,
   * required and forbidden traits from `trait:` extra specs), then the enabled filters and
   * weighers over those hosts, then the claim — the instances' allocations in Placement — all in
   * one commit. `NoValidHost` (with the explanation) claims nothing.
   */
  selectDestinations(request: unknown): ScheduleResult {
    return this.kernel.transact('scheduler.select_destinations', (tx) => {
      // nothing is written before the claim: read the state itself, not through the draft's proxies
      const s = plain(tx.draft as CloudState);
      const config = schedulerConfigOf(s, tx.memo);
      const spec = checkRequestSpec(request);
      // nova's HostManager: the host states kept in the kernel's memo, brought up to date
      const index = hostIndexOf(tx.memo);
      index.sync(s);
      const resources: Record<string, number> = { ...requestedResources(spec) };
      // the request filters' traits (flavor, image, image type, image metadata) and compute_status_filter
      const terms = traitTerms(spec, config);
      const forbidden = new Set([...terms.forbidden, 'COMPUTE_STATUS_DISABLED']);
      const required: string[] = [...terms.required, ...[...forbidden].map((t) => `!${t}`)];
      const memberOf: string[] = [];
      const isolated = isolatedAggregates(index.aggregates, terms, config).filter((a) => a.uuid !== null);
      if (isolated.length > 0) memberOf.push(`!in:${isolated.map((a) => a.uuid).join(',')}`);
      let az: { readonly name: string; readonly uuid: string } | null = null;
      if (config.scheduler.query_placement_for_availability_zone && spec.availability_zone !== null) {
        // map_az_to_placement_aggregate; the default zone has no aggregate and so no filter
        if (spec.availability_zone !== config.DEFAULT.default_availability_zone) {
          az = { name: spec.availability_zone, uuid: azUuidIn(tx.memo, spec.availability_zone) };
          memberOf.push(`in:${az.uuid}`);
        }
      }
      const raw = { resources, required, member_of: memberOf, limit: config.scheduler.max_placement_results };
      let query: ReturnType<typeof parseQuery>;
      try {
        query = parseQuery(s, raw);
      } catch (e) {
        // Placement answers 400 (an unknown trait): nova logs it and finds no valid host
        if (!(e instanceof InvalidInput)) throw e;
        const reason = `Placement refused the allocation candidates query: ${e.message}`;
        throw new NoValidHost(reason, detach({ outcome: 'no_valid_host' as const, reason, num_instances: spec.num_instances, prefilters: [], instances: [], alternates_round: null, selections: [] }), { stage: 'placement' });
      }
      const { uuids, states, kept, prepared } = index.candidates(s, query, JSON.stringify(raw), config);
      tx.trace('placement', `allocation candidates: ${uuids.length}`, Object.freeze({ resources: Object.freeze(resources), required: Object.freeze(required), member_of: Object.freeze(memberOf) }));
      // no compute host among Placement's candidates: say why, from every compute host's provider
      if (states.length === 0) throw noCandidates(s, index.allStates(), { resources, required: terms.required, forbidden: terms.forbidden.filter((t) => t !== 'COMPUTE_STATUS_DISABLED'), why: terms.why, isolated, az, num_instances: spec.num_instances });
      // 'candidates': the hosts are Placement's candidates for this query (its pre-filter terms are
      // not asked again), and nova's claim loop is modelled: an instance whose best host cannot take
      // the claim (after earlier instances of the request) goes to the next host, as _claim_resources does
      // the host states are built here (trusted); the explanation is recomputed when read (lazy)
      const result = scheduleChecked(states, spec, config, tx.random.int(2 ** 31), 'candidates', prepared, kept);
      for (const sel of result.selections) {
        const providers = (tx.draft as CloudState).placement.providers;
        const from = tableVersion(providers);
        const written = writeAllocations(tx, [{ consumer_uuid: sel.instance_uuid, allocations: { [sel.uuid]: resources }, project_id: spec.project_id ?? '', user_id: spec.user_id ?? '', consumer_generation: null, consumer_type: 'INSTANCE' }]);
        // tell the host index what the claim did (nova's HostManager consumes from the request),
        // and, when the provider's row is the only one it wrote, how the providers table moved
        const write = written.get(sel.uuid);
        if (write !== undefined) index.claimed(write.before, write.after, { uuid: sel.instance_uuid, project_id: spec.project_id ?? '' }, written.size === 1 ? { from, to: tableVersion(providers) } : undefined);
        tx.trace('nova-scheduler', `claimed ${Object.entries(resources).map(([rc, n]) => `${rc}:${n}`).join(',')} on ${sel.host} for ${sel.instance_uuid}`, Object.freeze({ alternates: Object.freeze(sel.alternates.map((a) => a.host)) }));
      }
      return result;
    });
  }

  /** Per compute host and class: physical, reserved, ratio, overcommitted capacity, used, free. */
  usage(): HostUsage[] {
    const s = this.kernel.view();
    const out: HostUsage[] = [];
    for (const host of listHostsByName(s)) {
      if (!getRow(s.placement.providers, host.id)) continue;
      const resources: Record<string, ResourceUsage> = {};
      for (const [rc, inv] of inventoriesOf(s, host.id)) {
        const cap = capacityOf(inv);
        const used = usageOf(s, host.id, rc);
        resources[rc] = Object.freeze({ total: inv.total, reserved: inv.reserved, allocation_ratio: inv.allocation_ratio, capacity: cap, used, free: cap - used });
      }
      out.push(Object.freeze({ host: host.name, state: host.state, resources: Object.freeze(resources) }));
    }
    return out;
  }
}

