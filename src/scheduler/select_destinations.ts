/**
 * nova-scheduler's `select_destinations` inside a transaction (`nova/scheduler/manager.py`):
 * Placement's allocation candidates for the request (with the request pre-filters:
 * `compute_status_filter`, the AZ as a placement aggregate, required and forbidden traits from
 * `trait:` extra specs), then the enabled filters and weighers over those hosts, then the claim —
 * the instances' allocations in Placement. `NoValidHost` (with the explanation) claims nothing.
 * `cloud.scheduler.selectDestinations` runs it as a call of its own; nova's conductor runs it
 * inside a boot. Also: the conductor's claim on an alternate host, and the deletion of an
 * instance's allocations (`delete_allocation_for_instance`).
 */
import { InvalidInput, detach, idRecord, memoSlot, peek, plain, tableVersion, type CloudState, type Memo, type Tx } from '../core/index.js';
import { allocationsOf, parseQuery, writeAllocations, type ParsedQuery } from './placement/index.js';
import { azUuidIn } from './host_states.js';
import { hostIndexOf, type HostIndex } from './host_index.js';
import { noCandidates } from './no_candidates.js';
import { isolatedAggregates, traitTerms } from './filter_scheduler/request_filters.js';
import { NoValidHost, checkSchedulerConfig, requestedResources, scheduleChecked, type Aggregate, type ScheduleResult, type SchedulerConfig, type Selection } from './filter_scheduler/index.js';
import { checkOwnRequestSpec } from './filter_scheduler/validate.js';

/** The checked form of each (frozen) `compute_config.scheduler` the cloud has had. */
const SCHEDULER_CONFIG = memoSlot<object, SchedulerConfig>('scheduler.config');

/** The scheduler options in force in `s`, checked once per version of them. */
export function schedulerConfigOf(s: CloudState, memo: Memo): SchedulerConfig {
  return memo.of(SCHEDULER_CONFIG, plain(peek(s, 'compute_config', 'scheduler')), checkConfig);
}

function checkConfig(raw: object): SchedulerConfig {
  return checkSchedulerConfig(raw);
}

/** Where a {@link plainSlices} view keeps its draft, and the slices it made plain. */
const DRAFT = Symbol('draft');
const SLICES = Symbol('slices');
/** The class of the {@link plainSlices} views (a getter per slice of the state on its prototype), one per kernel. */
const SLICE_VIEW = memoSlot<void, new (draft: CloudState) => CloudState>('scheduler.slice_view');

function sliceViewClass(keys: readonly string[]): new (draft: CloudState) => CloudState {
  class SliceView {
    readonly [DRAFT]: CloudState;
    readonly [SLICES]: Record<string, unknown> = {};
    constructor(draft: CloudState) {
      this[DRAFT] = draft;
    }
  }
  for (const key of keys) {
    Object.defineProperty(SliceView.prototype, key, {
      enumerable: true,
      get(this: SliceView): unknown {
        const made = this[SLICES];
        let value = made[key];
        if (value === undefined) {
          // the draft's descriptor holds the slice itself (the committed one, or the draft a
          // write made), without making a draft of it as reading `draft[key]` would
          value = plain(Reflect.getOwnPropertyDescriptor(this[DRAFT], key)?.value);
          made[key] = value;
        }
        return value;
      },
    });
  }
  return SliceView as unknown as new (draft: CloudState) => CloudState;
}

/**
 * The call's state as `plain(draft)` gives it, one slice at a time: a slice is made plain when
 * first read. `plain` of the whole draft copies every slice the call has written (a boot's
 * servers, ports, quota, actions: ~60 µs of a boot), which the scheduler never reads; it reads
 * Placement, the hosts and nova.conf. Read only before the claim (the claim writes Placement).
 */
function plainSlices(tx: Tx): CloudState {
  const draft = tx.draft as CloudState;
  // the state's slices are the same for every state of a kernel (restore checks the outline)
  const View = tx.memo.cell(SLICE_VIEW, () => sliceViewClass(Reflect.ownKeys(draft).filter((k): k is string => typeof k === 'string')));
  return new View(draft);
}

/**
 * Placement's checked form of each query the scheduler asked (by its key), per version of the
 * custom traits (the outer key) and custom resource classes (the inner one): all that checking a
 * query reads of the state, so a query checked once against those tables is checked.
 */
const PARSED = memoSlot<object, WeakMap<object, Map<string, ParsedQuery>>>('scheduler.parsed_queries');
/** Distinct queries kept per version of those tables (a query is a flavor's resources and traits). */
const MAX_PARSED = 64;

function byClasses(): WeakMap<object, Map<string, ParsedQuery>> {
  return new WeakMap();
}

/** `parseQuery(s, raw)` (`key` identifies `raw`), once per query and version of the tables it reads; a refusal is thrown each time. */
function parsedQuery(s: CloudState, memo: Memo, raw: object, key: string): ParsedQuery {
  const classes = tableVersion(s.placement.custom_resource_classes);
  const tables = memo.of(PARSED, tableVersion(s.placement.custom_traits), byClasses);
  let known = tables.get(classes);
  if (known === undefined) tables.set(classes, (known = new Map()));
  let query = known.get(key);
  if (query === undefined) {
    query = parseQuery(s, raw);
    if (known.size >= MAX_PARSED) known.clear();
    known.set(key, query);
  }
  return query;
}

const hasUuid = (a: Aggregate): boolean => a.uuid !== null;

/** A claim's allocations: `resources` on one provider (an id-keyed record: V8 makes no hidden class per provider uuid). */
function onProvider(uuid: string, resources: Readonly<Record<string, number>>): Record<string, Readonly<Record<string, number>>> {
  const out = idRecord<Readonly<Record<string, number>>>();
  out[uuid] = resources;
  return out;
}

/** `VCPU:1,MEMORY_MB:512,DISK_GB:1`, as the claim's trace says the resources. */
function amountsText(resources: Readonly<Record<string, number>>): string {
  let out = '';
  for (const rc of Object.keys(resources)) out += `${out === '' ? '' : ','}${rc}:${resources[rc] as number}`;
  return out;
}

/** The hosts of `choices`, in order. */
function hostsOf(choices: readonly { readonly host: string }[]): string[] {
  const out: string[] = [];
  for (const c of choices) out.push(c.host);
  return out;
}

/** `select_destinations` with the claim, in the caller's transaction. */
export function selectDestinations(tx: Tx, request: unknown): ScheduleResult {
  // nothing is written before the claim: read the state itself, not through the draft's proxies
  const s = plainSlices(tx);
  const config = schedulerConfigOf(s, tx.memo);
  // checked as ever; the checked spec is this call's own (never returned nor kept): not frozen
  const spec = checkOwnRequestSpec(request);
  // nova's HostManager: the host states kept in the kernel's memo, brought up to date
  const index = hostIndexOf(tx.memo);
  index.sync(s);
  const resources: Record<string, number> = { ...requestedResources(spec) };
  // the request filters' traits (flavor, image, image type, image metadata) and compute_status_filter
  const terms = traitTerms(spec, config);
  const forbidden = new Set([...terms.forbidden, 'COMPUTE_STATUS_DISABLED']);
  const required: string[] = [...terms.required];
  for (const t of forbidden) required.push(`!${t}`);
  const memberOf: string[] = [];
  const isolated = isolatedAggregates(index.aggregates, terms, config).filter(hasUuid);
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
  // the query's identity (for the parsed queries and the index's candidates): its classes and
  // amounts, its limit and its two lists, each list as JSON (which delimits its own strings)
  const amounts = amountsText(resources);
  const key = `${amounts}|${raw.limit}|${JSON.stringify(required)}${JSON.stringify(memberOf)}`;
  let query: ParsedQuery;
  try {
    query = parsedQuery(s, tx.memo, raw, key);
  } catch (e) {
    // Placement answers 400 (an unknown trait): nova logs it and finds no valid host
    if (!(e instanceof InvalidInput)) throw e;
    const reason = `Placement refused the allocation candidates query: ${e.message}`;
    throw new NoValidHost(reason, detach({ outcome: 'no_valid_host' as const, reason, num_instances: spec.num_instances, prefilters: [], instances: [], alternates_round: null, selections: [] }), { stage: 'placement' });
  }
  // the index was synced to `s` above, and nothing was written since
  const { uuids, states, kept, prepared } = index.syncedCandidates(s, query, key, config);
  tx.trace('placement', `allocation candidates: ${uuids.length}`, Object.freeze({ resources: Object.freeze(resources), required: Object.freeze(required), member_of: Object.freeze(memberOf) }));
  // no compute host among Placement's candidates: say why, from every compute host's provider
  if (states.length === 0) throw noCandidates(s, index.allStates(), { resources, required: terms.required, forbidden: terms.forbidden.filter((t) => t !== 'COMPUTE_STATUS_DISABLED'), why: terms.why, isolated, az, num_instances: spec.num_instances });
  // 'candidates': the hosts are Placement's candidates for this query (its pre-filter terms are
  // not asked again), and nova's claim loop is modelled: an instance whose best host cannot take
  // the claim (after earlier instances of the request) goes to the next host, as _claim_resources does
  // the host states are the index's (built by the cloud, frozen); the explanation is recomputed when read (lazy)
  const result = scheduleChecked(states, spec, config, tx.random.int(2 ** 31), 'candidates', prepared, kept);
  tx.trace('nova-scheduler', `filters (${config.filter_scheduler.enabled_filters.join(', ')}) and weighers over ${states.length} host(s): ${hostsOf(result.selections).join(', ')} chosen`);
  for (const sel of result.selections) claimFor(tx, index, sel, resources, spec.project_id ?? '', spec.user_id ?? '', amounts);
  return result;
}

/** The claim of one selection (its instance's allocation on its host's provider), told to the host index, and its trace. */
function claimFor(tx: Tx, index: HostIndex, sel: Selection, resources: Readonly<Record<string, number>>, projectId: string, userId: string, amounts: string): void {
  const providers = (tx.draft as CloudState).placement.providers;
  const from = tableVersion(providers);
  const written = writeAllocations(tx, [{ consumer_uuid: sel.instance_uuid, allocations: onProvider(sel.uuid, resources), project_id: projectId, user_id: userId, consumer_generation: null, consumer_type: 'INSTANCE' }]);
  // tell the host index what the claim did (nova's HostManager consumes from the request),
  // and, when the provider's row is the only one it wrote, how the providers table moved
  const write = written.get(sel.uuid);
  if (write !== undefined) index.claimed(write.before, write.after, { uuid: sel.instance_uuid, project_id: projectId }, written.size === 1 ? { from, to: tableVersion(providers) } : undefined);
  tx.trace('nova-scheduler', `claimed ${amounts} on ${sel.host} for ${sel.instance_uuid}`, Object.freeze({ alternates: Object.freeze(hostsOf(sel.alternates)) }));
}

/**
 * The conductor's claim for an instance on one host (an alternate, after a reschedule):
 * `claim_resources` with the request's resources; false when Placement refuses it (the host filled up).
 */
export function claimOnHost(tx: Tx, instanceUuid: string, providerUuid: string, resources: Readonly<Record<string, number>>, projectId: string, userId: string): boolean {
  try {
    writeAllocations(tx, [{ consumer_uuid: instanceUuid, allocations: { [providerUuid]: { ...resources } }, project_id: projectId, user_id: userId, consumer_generation: null, consumer_type: 'INSTANCE' }]);
    return true;
  } catch (e) {
    if (e instanceof Error && 'status' in e && (e as { status: number }).status === 409) return false;
    throw e;
  }
}

/** `delete_allocation_for_instance`: the consumer's allocations go (nothing when it holds none). */
export function deleteInstanceAllocations(tx: Tx, consumerUuid: string, projectId: string, userId: string): void {
  if (Object.keys(allocationsOf(tx.draft as CloudState, consumerUuid)).length === 0) return;
  writeAllocations(tx, [{ consumer_uuid: consumerUuid, allocations: {}, project_id: projectId, user_id: userId }]);
}
