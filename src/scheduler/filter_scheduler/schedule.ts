/**
 * `schedule()`: nova's filter scheduler as one pure function (`nova/scheduler/manager.py`
 * `select_destinations` → `_schedule`), seeded, explaining itself.
 */
import { check, detach, formatUuid, rngInit, rngNextU32, type Memo, type RngState } from '../../core/index.js';
import { NoValidHost } from './errors.js';
import { NO_COMPUTE_HOSTS, emptiedReason, isolatedAggregateReason, notEnoughHosts, shortfallOf, shortfallReason, traitReason, type Shortfall } from './why.js';
import type {
  ClaimTrace,
  Explanation,
  FilterTrace,
  HostRef,
  InstanceExplanation,
  RemovedHost,
  Selection,
  SortTrace,
} from './explain.js';
import { filterByName } from './filters/index.js';
import type { HostFilter, HostState, HostWeigher, InstanceGroup, InstanceInfo, RequestSpec, SchedulerConfig } from './types.js';
import { ALL_WEIGHERS, checkSchedulerConfig } from './config.js';
import { checkHosts, checkRequestSpec, setOwn } from './validate.js';
import { Ranking, weighTotals, type RankedHosts } from './weigh.js';
import type { PreparedHosts } from './prepared.js';
import { isolatedAggregates, traitTerms } from './request_filters.js';
import { WEIGHERS, weigherByName } from './weighers/index.js';

/** What {@link schedule} takes. Every field is checked: bad input of any shape is an InvalidInput. */
export interface ScheduleInput {
  /** The compute nodes to choose from (see {@link HostState}); checked by `checkHostState`. */
  readonly hosts: unknown;
  /** The request spec (see {@link RequestSpec}); checked by `checkRequestSpec`. */
  readonly request: unknown;
  /** A partial configuration with nova.conf's option names; Zed's defaults fill the rest. */
  readonly config?: unknown;
  /** The seed of the `host_subset_size` draw, the tie shuffle and generated instance uuids (default 0). */
  readonly seed?: number | string;
  /**
   * Whether to model what Placement and the request pre-filters do before the filters (default
   * true): `require_tenant_aggregate`, `map_az_to_placement_aggregate`, `compute_status_filter`,
   * allocation candidates that fit one instance (capped by `max_placement_results`) and a claim per
   * instance. Set it to false when the hosts already are Placement's candidates and the caller
   * claims.
   */
  readonly placement?: boolean;
}

/** What {@link schedule} returns: one selection per instance and the explanation. Frozen. */
export interface ScheduleResult {
  readonly selections: readonly Selection[];
  readonly explanation: Explanation;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type WorkHost = Mutable<HostState> & { instances: Record<string, InstanceInfo> };
type WorkGroup = Mutable<InstanceGroup> & { hosts: string[]; members: string[] };
type WorkSpec = Mutable<RequestSpec> & { instance_group: WorkGroup | null };

type ResourceClass = 'VCPU' | 'MEMORY_MB' | 'DISK_GB';
type Resources = Partial<Record<ResourceClass, number>>;
const ref = (h: HostState): HostRef => ({ host: h.host, nodename: h.nodename, uuid: h.uuid });
const removed = (h: HostState, reason: string): RemovedHost => ({ host: h.host, nodename: h.nodename, reason });

/** The resources Placement is asked for (`ResourceRequest.from_request_spec`, flavor part). */
export function requestedResources(spec: RequestSpec): Resources {
  const out: Resources = { VCPU: spec.flavor.vcpus, MEMORY_MB: spec.flavor.memory_mb };
  const disk = spec.flavor.ephemeral_gb + Math.ceil(spec.flavor.swap / 1024) + (spec.is_bfv ? 0 : spec.flavor.root_gb);
  if (disk > 0) out.DISK_GB = disk;
  return out;
}

/**
 * Why `amount` of one class does not fit on the inventory nova-compute reports for it, or null:
 * Placement's checks, `max_unit` (the physical total, as the libvirt driver's
 * `update_provider_tree` reports it), then `used + amount ≤ int((total − reserved) × ratio)`
 * (placement/objects/allocation.py `_check_capacity_exceeded`).
 */
function classFault(rc: ResourceClass, amount: number, total: number, reserved: number, inUse: number, ratio: number): string | null {
  if (total === 0) return `no ${rc} inventory`;
  if (amount > total) return `${rc} ${amount} requested exceeds max_unit ${total}`;
  const capacity = Math.max(0, Math.trunc((total - reserved) * ratio));
  if (inUse + amount > capacity) return `insufficient ${rc}: ${Number(inUse.toFixed(3))} used of capacity ${capacity} (${reserved > 0 ? `(${total} − ${reserved} reserved)` : total} × ${ratio}), ${amount} requested`;
  return null;
}

const NOTHING_CLAIMED: Resources = Object.freeze({});

/**
 * {@link classFault} for one class of a host, with `claimed` more already taken by this request.
 * The class's inventory is the one nova-compute reports (resource tracker, libvirt driver), read
 * from the host state: `total` (also `max_unit`), Placement's `reserved` (at most the total; for
 * disk rounded up to whole GB) and what Placement counts as used — nova's used amount without the
 * reservation nova folds into it (`reserved_host_*`). No object is built: it runs per candidate.
 */
function hostClassFault(h: HostState, rc: ResourceClass, amount: number, claimed: number): string | null {
  if (rc === 'VCPU') {
    const total = h.vcpus_total;
    return classFault(rc, amount, total, Math.min(h.reserved_host_cpus, total), h.vcpus_used - h.reserved_host_cpus + claimed, h.cpu_allocation_ratio);
  }
  if (rc === 'MEMORY_MB') {
    const total = h.total_usable_ram_mb;
    return classFault(rc, amount, total, Math.min(h.reserved_host_memory_mb, total), total - h.free_ram_mb - h.reserved_host_memory_mb + claimed, h.ram_allocation_ratio);
  }
  const total = h.total_usable_disk_gb;
  const reservedMb = h.reserved_host_disk_mb;
  return classFault(rc, amount, total, Math.min(Math.ceil(reservedMb / 1024), total), total - h.free_disk_mb / 1024 - Math.floor(reservedMb / 1024) + claimed, h.disk_allocation_ratio);
}

/**
 * The most of one class a single allocation could take on a host now, with `claimed` more taken
 * by this request: `min(max_unit, capacity − used)`, at least 0 (for the explanation of a refusal).
 */
function freeOn(h: HostState, rc: ResourceClass, claimed: number): number {
  let total: number;
  let reserved: number;
  let used: number;
  let ratio: number;
  if (rc === 'VCPU') [total, reserved, used, ratio] = [h.vcpus_total, Math.min(h.reserved_host_cpus, h.vcpus_total), h.vcpus_used - h.reserved_host_cpus, h.cpu_allocation_ratio];
  else if (rc === 'MEMORY_MB') [total, reserved, used, ratio] = [h.total_usable_ram_mb, Math.min(h.reserved_host_memory_mb, h.total_usable_ram_mb), h.total_usable_ram_mb - h.free_ram_mb - h.reserved_host_memory_mb, h.ram_allocation_ratio];
  else {
    total = h.total_usable_disk_gb;
    reserved = Math.min(Math.ceil(h.reserved_host_disk_mb / 1024), total);
    used = total - h.free_disk_mb / 1024 - Math.floor(h.reserved_host_disk_mb / 1024);
    ratio = h.disk_allocation_ratio;
  }
  return Math.max(0, Math.min(total, Math.max(0, Math.trunc((total - reserved) * ratio)) - used - claimed));
}

/** The classes of `want` in request order (VCPU, MEMORY_MB, DISK_GB), with their amounts. */
function wantList(want: Resources): [ResourceClass, number][] {
  const out: [ResourceClass, number][] = [];
  for (const rc of ['VCPU', 'MEMORY_MB', 'DISK_GB'] as const) if (want[rc] !== undefined) out.push([rc, want[rc] as number]);
  return out;
}

/** The first class of `want` no host of `hosts` has room for (after what this request `claimed` on each), as {@link shortfallOf}. */
function shortfallOn(hosts: readonly HostState[], want: Resources, claimedOn: (h: HostState) => Resources = () => NOTHING_CLAIMED): Shortfall | null {
  return shortfallOf(
    hosts,
    wantList(want),
    (h, rc, amount) => hostClassFault(h, rc as ResourceClass, amount, claimedOn(h)[rc as ResourceClass] ?? 0) === null,
    (h, rc) => freeOn(h, rc as ResourceClass, claimedOn(h)[rc as ResourceClass] ?? 0),
    (h) => h.host,
  );
}

/** What a NoValidHost's details say of a shortfall. */
const shortfallDetails = (s: Shortfall): Record<string, unknown> => ({ resource_class: s.resource_class, requested: s.requested, largest_free: s.largest_free, largest_free_host: s.largest_free_host });

/** The name of Placement's allocation-candidates step in an explanation. */
const CANDIDATES_STEP = 'placement (allocation candidates)';

/**
 * Why `want` does not fit on top of `claimed` on the host's inventories as its resource provider
 * reports them, or null. Allocates nothing unless it fails (it runs for every candidate).
 */
function fitFault(h: HostState, claimed: Resources, want: Resources): string | null {
  const vcpu = want.VCPU;
  const ram = want.MEMORY_MB;
  const disk = want.DISK_GB;
  return (
    (vcpu === undefined ? null : hostClassFault(h, 'VCPU', vcpu, claimed.VCPU ?? 0)) ??
    (ram === undefined ? null : hostClassFault(h, 'MEMORY_MB', ram, claimed.MEMORY_MB ?? 0)) ??
    (disk === undefined ? null : hostClassFault(h, 'DISK_GB', disk, claimed.DISK_GB ?? 0))
  );
}

/** Uuid-shaped instance ids from the seed, on their own stream so they never shift host draws. */
function generatedUuids(seed: number | string, n: number): string[] {
  const words = rngInit(`instance-uuids:${String(seed)}`);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    // 16 bytes as `randomOver(…).bytes(16)` draws them: four words, each low byte first
    let hex = '';
    for (let k = 0; k < 4; k++) {
      const w = rngNextU32(words);
      hex += (HEX[w & 0xff] as string) + (HEX[(w >>> 8) & 0xff] as string) + (HEX[(w >>> 16) & 0xff] as string) + (HEX[w >>> 24] as string);
    }
    out.push(formatUuid(hex));
  }
  return out;
}

/** Each byte as two hex digits (a constant table). */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, x) => x.toString(16).padStart(2, '0'));

/** A filtering step over `hosts`, recorded as nova's filter trace records it. */
function step(name: string, hosts: readonly WorkHost[], verdict: (h: WorkHost) => true | string, traced = true): [readonly WorkHost[], FilterTrace] {
  // the kept list is built only from the first host removed: a step that keeps all returns its input
  let kept: WorkHost[] | null = null;
  const out: RemovedHost[] = [];
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i] as WorkHost;
    const v = verdict(h);
    if (v === true) {
      if (kept !== null) kept.push(h);
      continue;
    }
    kept ??= hosts.slice(0, i);
    if (traced) out.push(removed(h, v));
  }
  const list = kept ?? hosts;
  return [list, { name, start: hosts.length, end: list.length, removed: out }];
}

interface Context {
  /** Whether to record the explanation (off on the fast path; it is recomputed when asked for). */
  readonly traced: boolean;
  readonly config: SchedulerConfig;
  readonly spec: WorkSpec;
  readonly filters: readonly HostFilter[];
  readonly weighers: readonly HostWeigher[];
  readonly rng: Draws;
  /** The host-only verdicts and weights kept for these hosts and this configuration (the cloud's host index). */
  readonly prepared: PreparedHosts | undefined;
}

/** nova's `_get_sorted_hosts`: filter (`get_filtered_hosts`), weigh, draw the first from the best subset. */
function sortedHosts(ctx: Context, hosts: readonly WorkHost[], index: number): [HostOrder<WorkHost>, SortTrace] {
  const { spec, config } = ctx;
  const destination: FilterTrace[] = [];
  const filters: FilterTrace[] = [];
  const skipped: string[] = [];
  let list: readonly WorkHost[] = hosts;
  let forced = false;
  // (the steps and the trace are module functions, not closures made per call: this runs per
  // instance of every request)
  const dest = spec.requested_destination;
  if (dest !== null && dest.host !== null) {
    const verdict = (h: WorkHost): true | string => (h.host === dest.host && (dest.node === null || h.nodename === dest.node) ? true : `not the requested destination ${dest.host}${dest.node === null ? '' : ` (${dest.node})`}`);
    list = applyStep(destination, 'requested_destination', list, verdict, ctx.traced);
  }
  if (spec.ignore_hosts.length > 0) {
    const ignored = spec.ignore_hosts.map((x) => x.toLowerCase());
    list = applyStep(destination, 'ignore_hosts', list, (h) => (ignored.includes(h.host.toLowerCase()) ? 'in ignore_hosts' : true), ctx.traced);
    if (list.length === 0) return [NO_HOSTS, sortTrace(index, spec, destination, forced, filters, skipped)];
  }
  if (spec.force_hosts.length > 0) {
    const wanted = spec.force_hosts.map((x) => x.toLowerCase());
    list = applyStep(destination, 'force_hosts', list, (h) => (wanted.includes(h.host.toLowerCase()) ? true : 'not in force_hosts'), ctx.traced);
  }
  if (spec.force_nodes.length > 0) {
    list = applyStep(destination, 'force_nodes', list, (h) => (spec.force_nodes.includes(h.nodename) ? true : 'not in force_nodes'), ctx.traced);
  }
  forced = spec.force_hosts.length > 0 || spec.force_nodes.length > 0;

  // the first instance of an untraced decision over hosts the index keeps verdicts and weights for:
  // the same ranking, without filtering and weighing every host again
  const kept = index === 0 && !forced && !ctx.traced && destination.length === 0 ? (ctx.prepared?.rankingFor(list, spec, ctx.filters, ctx.weighers) ?? null) : null;
  let ranking: RankedHosts<WorkHost>;
  let steps: SortTrace['weighers'] = [];
  if (kept !== null) {
    ranking = kept;
  } else {
    if (!forced) {
      for (const filter of ctx.filters) {
        if (index > 0 && !filter.runFilterForEachInstance) {
          skipped.push(filter.name);
          continue;
        }
        const [passed, t] = filter.passesAll?.(spec, config)
          ? [list, { name: filter.name, start: list.length, end: list.length, removed: [] }]
          : step(filter.name, list, filter.verdictFor?.(spec, config) ?? ((h) => filter.hostPasses(h, spec, config)), ctx.traced);
        list = passed;
        filters.push(t);
        if (list.length === 0) break;
      }
    }
    if (list.length === 0) return [NO_HOSTS, sortTrace(index, spec, destination, forced, filters, skipped)];
    const weighed = weighTotals(ctx.weighers, list, spec, config, ctx.traced);
    steps = weighed.steps;
    ranking = new Ranking(list, weighed.totals);
  }
  // the best hosts the draw needs: the host_subset_size first, and every host of the best weight when shuffled
  const size = config.filter_scheduler.host_subset_size;
  const shuffle = config.filter_scheduler.shuffle_best_same_weighed_hosts;
  let m = Math.min(size, ranking.length);
  if (shuffle) while (m < ranking.length && ranking.weightAt(m) === ranking.weightAt(0)) m++;
  const head: WorkHost[] = [];
  for (let k = 0; k < m; k++) head.push(ranking.at(k));
  let shuffled = false;
  if (shuffle) {
    let best = 1;
    while (best < m && ranking.weightAt(best) === ranking.weightAt(0)) best++;
    for (let i = best - 1; i > 0; i--) {
      const j = ctx.rng.int(i + 1);
      [head[i], head[j]] = [head[j] as WorkHost, head[i] as WorkHost];
    }
    shuffled = best > 1;
  }
  const subset = head.slice(0, Math.min(size, ranking.length));
  const chosen = subset[ctx.rng.int(subset.length)] as WorkHost;
  const first: WorkHost[] = [chosen];
  for (const h of head) if (h !== chosen) first.push(h);
  const order = new HostOrder(first, ranking);
  // an untraced decision never reads the trace of a sort that found hosts (see `run`)
  if (!ctx.traced) return [order, UNTRACED_SORT];
  const weightOf = new Map<WorkHost, number>();
  for (let k = 0; k < ranking.length; k++) weightOf.set(ranking.at(k), ranking.weightAt(k));
  return [order, sortTrace(index, spec, destination, forced, filters, skipped, {
    weighers: steps,
    // the shuffled order: best-weighed hosts first in their drawn order, then the rest best first
    totals: [...head, ...Array.from({ length: ranking.length - m }, (_, k) => ranking.at(m + k))].map((h) => ({ ...ref(h), total: weightOf.get(h) as number })),
    shuffled_best: shuffled,
    subset: subset.map(ref),
    chosen: ref(chosen),
  })];
}

/**
 * The trace an untraced decision gets for a sort that found hosts: never read (only a traced
 * decision records its instances; its explanation is the traced decision's, made when asked for).
 */
const UNTRACED_SORT: SortTrace = Object.freeze({ index: 0, instance_uuid: '', destination: [], forced: false, filters: [], skipped_filters: [], weighers: [], totals: [], shuffled_best: false, subset: [], chosen: null });

/** One selection per selected host, each with up to `numAlts` alternates from `pool` (same cell, not selected); fresh, frozen as built. */
function selectionsOf(selected: readonly WorkHost[], uuids: readonly string[], pool: HostOrder<WorkHost>, numAlts: number): Selection[] {
  const chosenUuids = new Set<string>();
  for (const h of selected) chosenUuids.add(h.uuid);
  const selections: Selection[] = [];
  for (let i = 0; i < selected.length; i++) {
    const h = selected[i] as WorkHost;
    const alternates: Selection['alternates'][number][] = [];
    for (let k = 0; k < pool.length && alternates.length < numAlts; k++) {
      const a = pool.at(k);
      if (a.cell_uuid === h.cell_uuid && !chosenUuids.has(a.uuid)) alternates.push(Object.freeze({ host: a.host, nodename: a.nodename, uuid: a.uuid, cell_uuid: a.cell_uuid }));
    }
    selections.push(
      Object.freeze({
        instance_uuid: uuids[i] as string,
        host: h.host,
        nodename: h.nodename,
        uuid: h.uuid,
        cell_uuid: h.cell_uuid,
        alternates: Object.freeze(alternates),
      }),
    );
  }
  return selections;
}

/** A filtering step recorded into `into`: the hosts of `list` it keeps. */
function applyStep(into: FilterTrace[], name: string, list: readonly WorkHost[], verdict: (h: WorkHost) => true | string, traced: boolean): readonly WorkHost[] {
  const [kept, t] = step(name, list, verdict, traced);
  into.push(t);
  return kept;
}

/** The trace of one instance's sorting (`extra` fills in what the sort found). */
function sortTrace(index: number, spec: WorkSpec, destination: FilterTrace[], forced: boolean, filters: FilterTrace[], skipped: string[], extra?: Partial<SortTrace>): SortTrace {
  const out: SortTrace = {
    index,
    instance_uuid: spec.instance_uuid as string,
    destination,
    forced,
    filters,
    skipped_filters: skipped,
    weighers: [],
    totals: [],
    shuffled_best: false,
    subset: [],
    chosen: null,
  };
  return extra === undefined ? out : { ...out, ...extra };
}

/** A decision's draws: `randomOver(…).int` over the seed's generator (the same formula), as one object, not closures made per decision. */
class Draws {
  constructor(private readonly words: RngState) {}

  int(n: number): number {
    return Math.floor((rngNextU32(this.words) / 0x100000000) * n);
  }
}

/** The filters `enabled_filters` names, in its order. */
function filtersNamed(names: readonly string[]): HostFilter[] {
  const out: HostFilter[] = [];
  for (const n of names) out.push(filterByName(n) as HostFilter);
  return out;
}

/** The last step that removed every host it was given. */
function lastEmptied(steps: readonly FilterTrace[]): FilterTrace | undefined {
  for (let i = steps.length - 1; i >= 0; i--) {
    const t = steps[i] as FilterTrace;
    if (t.end === 0 && t.start > 0) return t;
  }
  return undefined;
}

/** What a decision records for its explanation (when traced), and its refusal. */
class Outcome {
  readonly prefilters: FilterTrace[] = [];
  readonly instances: InstanceExplanation[] = [];
  constructor(private readonly numInstances: number) {}

  explain(extra: Partial<Explanation>): Explanation {
    return { outcome: 'scheduled', reason: null, num_instances: this.numInstances, prefilters: this.prefilters, instances: this.instances, alternates_round: null, selections: [], ...extra };
  }

  /** NoValidHost with the explanation so far. */
  fail(reason: string, details: Record<string, unknown>): never {
    const explanation = detach(this.explain({ outcome: 'no_valid_host', reason }));
    throw new NoValidHost(reason, explanation, details);
  }
}

/**
 * The hosts in the order the scheduler tries them: the drawn host first, then the best-ranked
 * rest, read lazily from the ranking (`head` holds the first `head.length` ranked hosts, reordered).
 */
class HostOrder<H> {
  constructor(
    private readonly head: readonly H[],
    private readonly ranking: RankedHosts<H> | null,
  ) {}

  get length(): number {
    return this.ranking === null ? this.head.length : this.ranking.length;
  }

  at(k: number): H {
    return k < this.head.length ? (this.head[k] as H) : (this.ranking as RankedHosts<H>).at(k);
  }

  toArray(): H[] {
    return Array.from({ length: this.length }, (_, k) => this.at(k));
  }
}

const NO_HOSTS = new HostOrder<never>([], null);

/** The weighers `weight_classes` names, in its order (`all_weighers`: every one). */
function weighersOf(names: readonly string[]): readonly HostWeigher[] {
  if (names.length === 1 && names[0] === ALL_WEIGHERS) return WEIGHERS;
  return names.flatMap((n) => (n === ALL_WEIGHERS ? WEIGHERS : [weigherByName(n) as HostWeigher]));
}

/** nova's `consume_from_request` plus what `_consume_selected_host` records for server groups. */
function consume(host: WorkHost, spec: WorkSpec): void {
  host.free_ram_mb -= spec.flavor.memory_mb;
  host.free_disk_mb -= (spec.flavor.root_gb + spec.flavor.ephemeral_gb) * 1024;
  host.vcpus_used += spec.flavor.vcpus;
  host.num_instances += 1;
  host.num_io_ops += 1;
  if (spec.instance_group !== null) {
    spec.instance_group.hosts.push(host.host);
    const uuid = spec.instance_uuid;
    if (uuid !== null && !Object.hasOwn(host.instances, uuid)) setOwn(host.instances, uuid, { uuid, project_id: spec.project_id });
  }
}

/** The request pre-filters that narrow Placement's query, and Placement's allocation candidates. */
function placementCandidates(
  hosts: readonly WorkHost[],
  spec: WorkSpec,
  config: SchedulerConfig,
  want: Resources,
  prefilters: FilterTrace[],
  traced = true,
  covered = false,
  entering: { fitting?: readonly WorkHost[] } = {},
): readonly WorkHost[] | { reason: string } {
  let list = hosts;
  const aggregates = new Map<number, HostState['aggregates'][number]>();
  if (config.scheduler.limit_tenants_to_placement_aggregate || (config.scheduler.query_placement_for_availability_zone && spec.availability_zone)) {
    for (const h of hosts) for (const a of h.aggregates) if (!aggregates.has(a.id)) aggregates.set(a.id, a);
  }

  if (config.scheduler.limit_tenants_to_placement_aggregate) {
    const project = spec.project_id;
    const ids = new Set<number>();
    for (const a of aggregates.values()) {
      const values = Object.values(a.metadata);
      if (project !== null && values.includes(project) && Object.keys(a.metadata).some((k) => k.startsWith('filter_tenant_id'))) ids.add(a.id);
    }
    if (ids.size > 0) {
      list = applyStep(prefilters, 'require_tenant_aggregate', list, (h) => (inAnyOf(h, ids) ? true : `in no aggregate of project '${project ?? ''}' (filter_tenant_id*)`), traced);
    } else if (config.scheduler.placement_aggregate_required_for_tenants) {
      list = applyStep(prefilters, 'require_tenant_aggregate', list, () => `project '${project ?? ''}' has no aggregate (filter_tenant_id*)`, traced);
      return { reason: 'No hosts available for tenant' };
    }
  }
  // hosts that are Placement's candidates for this very query pass every step below: when only
  // the decision is wanted, they are not asked again (the explanation still records each step)
  if (covered && !traced) return list;
  const az = spec.availability_zone;
  if (config.scheduler.query_placement_for_availability_zone && az) {
    const ids = new Set([...aggregates.values()].filter((a) => a.metadata.availability_zone === az).map((a) => a.id));
    if (ids.size > 0) list = applyStep(prefilters, 'map_az_to_placement_aggregate', list, (h) => (inAnyOf(h, ids) ? true : `not in availability zone '${az}'`), traced);
  }
  list = applyStep(prefilters, 'compute_status_filter', list, (h) => (h.service.disabled ? 'compute service is disabled (COMPUTE_STATUS_DISABLED)' : true), traced);
  const terms = traitTerms(spec, config);
  const seen = new Map<number, HostState['aggregates'][number]>();
  if (config.scheduler.enable_isolated_aggregate_filtering) for (const h of list) for (const a of h.aggregates) if (!seen.has(a.id)) seen.set(a.id, a);
  const isolated = new Set(isolatedAggregates(seen.values(), terms, config).map((a) => a.id));
  if (isolated.size > 0) {
    list = applyStep(prefilters, 'isolate_aggregates', list, (h) => {
      const agg = h.aggregates.find((a) => isolated.has(a.id));
      return agg === undefined ? true : isolatedAggregateReason(agg);
    }, traced);
  }
  if (terms.required.length > 0 || terms.forbidden.length > 0) {
    list = applyStep(prefilters, 'placement (required and forbidden traits)', list, (h) => traitReason(h.traits, terms), traced);
  }
  entering.fitting = list;
  list = applyStep(prefilters, CANDIDATES_STEP, list, (h) => fitFault(h, NOTHING_CLAIMED, want) ?? true, traced);
  const cap = config.scheduler.max_placement_results;
  if (list.length > cap) {
    const first = new Set(list.slice(0, cap));
    list = applyStep(prefilters, 'max_placement_results', list, (h) => (first.has(h) ? true : `beyond the first max_placement_results (${cap}) candidates`), traced);
  }
  return list;
}

/** Whether the host is in one of the aggregates `ids`. */
function inAnyOf(h: HostState, ids: ReadonlySet<number>): boolean {
  for (const a of h.aggregates) if (ids.has(a.id)) return true;
  return false;
}

/**
 * Places `request.num_instances` instances on `hosts`, all or nothing, as nova's filter scheduler
 * does: (Placement pre-filtering), then for each instance the enabled filters in config order, the
 * weighers, a seeded draw among the best `host_subset_size` hosts, a claim, and consumption of
 * the request from the chosen host so the next instance sees it; then up to `max_attempts − 1`
 * alternates per instance from the same cell. Same seed and inputs give the same result.
 *
 * Mirrors `nova/scheduler/manager.py` `SchedulerManager._schedule` / `_get_sorted_hosts` /
 * `_get_alternate_hosts` and `nova/scheduler/host_manager.py` `get_filtered_hosts`.
 * Throws {@link NoValidHost} (with the explanation) when some instance finds no host,
 * InvalidInput for bad input, and ComputeHostMetricNotFound as MetricsWeigher does.
 * Not simulated: NUMA, PCI, rebuild checks (`_nova_check_type`), granular resource requests.
 *
 * `memo`: a {@link Memo} the caller keeps between calls (`new Memo()`), where what the checks
 * derive is kept — a caller that schedules again over the same hosts with a few replaced has
 * only those checked again. Without one, every call checks its whole input.
 */
export function schedule(input: ScheduleInput, memo?: Memo): ScheduleResult {
  const rec = check.record(input, 'input');
  check.onlyKeys(rec, ['hosts', 'request', 'config', 'seed', 'placement'], 'input');
  const config = checkSchedulerConfig(rec.config, 'config');
  const request = checkRequestSpec(rec.request, 'request');
  const hosts = checkHosts(rec.hosts, 'hosts', memo);
  const seed = rec.seed === undefined ? 0 : typeof rec.seed === 'string' ? check.text(rec.seed, 'seed', 1000) : check.number(rec.seed, 'seed');
  const placement = check.optional(rec.placement, 'placement', check.boolean, true);
  // decide without tracing; the explanation is recomputed, traced, when it is read (DESIGN §4)
  return scheduleChecked(hosts, request, config, seed, placement);
}

/**
 * The fast path for callers that built their inputs with the module's own checks (the cloud's
 * `selectDestinations`): no re-validation and no trace while deciding. The explanation is lazy
 * (DESIGN §4): reading it recomputes the same decision with tracing on — pure and seeded, so it
 * explains exactly the selections returned. `placement: 'candidates'` says the hosts are
 * Placement's allocation candidates for this very request (the cloud's query already applied
 * the AZ, status, trait, isolation and capacity terms): the decision skips those steps, which
 * could remove no host, and models the claims as `true` does. `prepared`: the host-only verdicts
 * and weights the caller keeps for these hosts and `config` (the cloud's host index): the first
 * instance is then ranked from them, which ranks exactly as filtering and weighing afresh.
 * The explanation reads `hosts` when it is read; a caller that changes its list later passes
 * `kept`, which gives the list as it is now (the cloud's host index changes its lists in place).
 */
export function scheduleChecked(hosts: readonly HostState[], request: RequestSpec, config: SchedulerConfig, seed: number | string, placement: boolean | 'candidates' = true, prepared?: PreparedHosts, kept?: () => readonly HostState[]): ScheduleResult {
  let fast: ScheduleResult;
  try {
    fast = run(hosts, request, config, seed, placement, false, prepared?.config === config ? prepared : undefined);
  } catch (e) {
    // a refusal carries the whole explanation: decide again with tracing on, which throws it
    if (e instanceof NoValidHost) run(hosts, request, config, seed, placement, true);
    throw e;
  }
  return new LazyResult(fast.selections, { hosts, kept, request, config, seed, placement });
}

/** What a lazy explanation is decided again from (an object, not a closure made per decision). */
interface Rerun {
  readonly hosts: readonly HostState[];
  readonly kept: (() => readonly HostState[]) | undefined;
  readonly request: RequestSpec;
  readonly config: SchedulerConfig;
  readonly seed: number | string;
  readonly placement: boolean | 'candidates';
}

/**
 * A decision whose explanation is computed when first read (DESIGN §4). A frozen class instance,
 * with the getter on its prototype: what freezes a call's answer deeply (the kernel's
 * `freezeView`) leaves it as it is instead of reading, so computing, the explanation; the
 * selections are frozen already and the explanation is frozen when made. `toJSON` gives both.
 */
class LazyResult implements ScheduleResult {
  readonly selections: readonly Selection[];
  #explanation: Explanation | undefined;
  #rerun: Rerun | undefined;

  constructor(selections: readonly Selection[], rerun: Rerun) {
    this.selections = selections;
    this.#rerun = rerun;
    Object.freeze(this);
  }

  get explanation(): Explanation {
    if (this.#explanation === undefined) {
      const r = this.#rerun as Rerun;
      this.#explanation = run(r.kept === undefined ? r.hosts : r.kept(), r.request, r.config, r.seed, r.placement, true).explanation;
      this.#rerun = undefined; // the inputs it kept are no longer needed
    }
    return this.#explanation;
  }

  toJSON(): { selections: readonly Selection[]; explanation: Explanation } {
    return { selections: this.selections, explanation: this.explanation };
  }
}

function run(given: readonly HostState[], request: RequestSpec, config: SchedulerConfig, seed: number | string, mode: boolean | 'candidates', traced: boolean, prepared?: PreparedHosts): ScheduleResult {
  const placement = mode !== false;
  // hosts are used as given (frozen); one is copied only when an instance is consumed from it
  const hosts = given as readonly WorkHost[];
  const uuids = request.instance_uuids ?? generatedUuids(seed, request.num_instances);
  const group = request.instance_group;
  // the request as the filters see it, field by field (a literal, not a spread: it runs for every request)
  const spec: WorkSpec = {
    flavor: request.flavor,
    image: request.image,
    availability_zone: request.availability_zone,
    project_id: request.project_id,
    user_id: request.user_id,
    scheduler_hints: request.scheduler_hints,
    instance_group: group === null ? null : { ...group, hosts: [...group.hosts], members: [...group.members, ...uuids.filter((u) => !group.members.includes(u))] },
    num_instances: request.num_instances,
    instance_uuids: request.instance_uuids,
    instance_uuid: null,
    ignore_hosts: request.ignore_hosts,
    force_hosts: request.force_hosts,
    force_nodes: request.force_nodes,
    requested_destination: request.requested_destination,
    is_bfv: request.is_bfv,
  };
  const words = rngInit(seed);
  const ctx: Context = {
    traced,
    config,
    spec,
    filters: filtersNamed(config.filter_scheduler.enabled_filters),
    weighers: weighersOf(config.filter_scheduler.weight_classes),
    rng: new Draws(words),
    prepared,
  };

  const outcome: Outcome = new Outcome(request.num_instances);
  const { prefilters, instances } = outcome;

  const want = requestedResources(request);
  let candidates: readonly WorkHost[] = hosts;
  // keyed by uuid (unique in checked hosts): a host's copy after consumption is the same host
  const claimed = new Map<string, Resources>();
  if (placement) {
    const seen: { fitting?: readonly WorkHost[] } = {};
    const got = placementCandidates(hosts, spec, config, want, prefilters, traced, mode === 'candidates', seen);
    if ('reason' in got) outcome.fail(got.reason, { stage: 'prefilter', eliminated_by: lastEmptied(prefilters) ?? null });
    candidates = got as readonly WorkHost[];
    if (candidates.length === 0) {
      const emptied = lastEmptied(prefilters) ?? null;
      const short = emptied?.name === CANDIDATES_STEP && seen.fitting !== undefined ? shortfallOn(seen.fitting, want) : null;
      if (hosts.length === 0) outcome.fail(notEnoughHosts(NO_COMPUTE_HOSTS), { stage: 'placement', eliminated_by: null, filter: null, no_compute_hosts: true });
      else if (short !== null) outcome.fail(notEnoughHosts(shortfallReason(short)), { stage: 'placement', eliminated_by: emptied, filter: CANDIDATES_STEP, ...shortfallDetails(short) });
      else outcome.fail(notEnoughHosts(emptied === null ? 'Placement found no candidate.' : emptiedReason(emptied)), { stage: 'placement', eliminated_by: emptied, filter: emptied?.name ?? null });
    }
  }

  const selected: WorkHost[] = [];
  const copies = new Map<string, WorkHost>();
  const originals = new Map<string, WorkHost>();
  let list: readonly WorkHost[] = candidates;
  let order: HostOrder<WorkHost> = NO_HOSTS;
  for (let index = 0; index < request.num_instances; index++) {
    spec.instance_uuid = uuids[index] as string;
    const [sorted, trace] = sortedHosts(ctx, list, index);
    if (sorted.length === 0) {
      instances.push({ ...trace, claims: [], selected: null });
      const steps = [...trace.destination, ...trace.filters];
      const emptied = lastEmptied(steps) ?? steps[steps.length - 1] ?? null;
      const which = request.num_instances > 1 ? `Instance ${index + 1} of ${request.num_instances}: ` : '';
      if (list.length === 0) outcome.fail(notEnoughHosts(NO_COMPUTE_HOSTS), { stage: 'filter', instance_index: index, eliminated_by: null, filter: null, no_compute_hosts: true });
      outcome.fail(notEnoughHosts(`${which}${emptied === null ? 'no host is left.' : emptiedReason(emptied)}`), { stage: 'filter', instance_index: index, eliminated_by: emptied, filter: emptied?.name ?? null });
    }
    order = sorted;
    const claims: ClaimTrace[] = [];
    let chosen: WorkHost | null = null;
    if (!placement) {
      chosen = sorted.at(0);
    } else {
      for (let k = 0; k < sorted.length; k++) {
        const h = sorted.at(k);
        const already = claimed.get(h.uuid) ?? {};
        // Placement sees the host as it was before this request consumed from it
        const fault = fitFault(originals.get(h.uuid) ?? h, already, want);
        if (traced) claims.push({ host: h.host, nodename: h.nodename, uuid: h.uuid, ok: fault === null, reason: fault });
        if (fault === null) {
          claimed.set(h.uuid, { VCPU: (already.VCPU ?? 0) + (want.VCPU ?? 0), MEMORY_MB: (already.MEMORY_MB ?? 0) + (want.MEMORY_MB ?? 0), DISK_GB: (already.DISK_GB ?? 0) + (want.DISK_GB ?? 0) });
          chosen = h;
          break;
        }
      }
    }
    // the explanation is recorded when tracing only (an untraced decision's is never read)
    if (traced) instances.push({ ...trace, claims, selected: chosen === null ? null : ref(chosen) });
    if (chosen === null) {
      // every host left refused the claim, after what the earlier instances of the request claimed
      const short = shortfallOn(sorted.toArray().map((h) => originals.get(h.uuid) ?? h), want, (h) => claimed.get(h.uuid) ?? NOTHING_CLAIMED);
      const which = `Placement could not claim instance ${index + 1} of ${request.num_instances} on any host left`;
      outcome.fail(notEnoughHosts(short === null ? `${which}.` : `${which}. ${shortfallReason(short)}`), { stage: 'claim', instance_index: index, eliminated_by: null, filter: null, ...(short === null ? {} : shortfallDetails(short)) });
    }
    const host = chosen as WorkHost;
    if (request.num_instances === 1 && !traced) {
      // nothing comes after the only instance of an untraced decision that could see the consumption
      selected.push(host);
      break;
    }
    // copy on the first consumption; the copy takes the host's place for the next instances
    let work = copies.get(host.uuid);
    if (work === undefined) {
      work = { ...host, instances: { ...host.instances } };
      copies.set(host.uuid, work);
      originals.set(host.uuid, host);
    }
    selected.push(work);
    consume(work, spec);
    // one instance needs only the best few hosts of the order; more need them all, in order
    if (request.num_instances > 1) list = sorted.toArray().map((h) => copies.get(h.uuid) ?? h);
  }

  const numAlts = config.scheduler.max_attempts - 1;
  let alternatesRound: SortTrace | null = null;
  let pool = order;
  if (request.num_instances > 1 && numAlts > 0) {
    const [again, trace] = sortedHosts(ctx, list, request.num_instances - 1);
    pool = again;
    alternatesRound = trace;
  }
  const selections = selectionsOf(selected, uuids, pool, numAlts);
  if (!traced) {
    const frozen = Object.freeze(selections);
    return Object.freeze({ selections: frozen, explanation: outcome.explain({ alternates_round: alternatesRound, selections: frozen }) });
  }
  const explanation = detach(outcome.explain({ alternates_round: alternatesRound, selections }));
  return Object.freeze({ selections: explanation.selections, explanation });
}
