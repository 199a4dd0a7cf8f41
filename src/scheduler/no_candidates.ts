/**
 * Why Placement offered nova's scheduler no compute host (`GET /allocation_candidates` answered
 * none): nova says only "No valid host was found. There are not enough hosts available."
 * (nova/scheduler/manager.py `select_destinations`, `raise exception.NoValidHost(reason="")` and
 * `_ensure_sufficient_hosts`); stacksim also walks the query's terms over the compute hosts'
 * providers, one step at a time as the pure scheduler's explanation does (the AZ aggregate,
 * the isolated aggregates, `COMPUTE_STATUS_DISABLED`, required and forbidden traits, then the
 * resources), and names the step that removed the last hosts — for the resources, the class no
 * host had room for and the largest free amount of it on one host — or says there are no
 * compute hosts.
 */
import { detach, getRow, type CloudState } from '../core/index.js';
import { NoValidHost, type Aggregate, type Explanation, type FilterTrace, type HostState, type RemovedHost } from './filter_scheduler/index.js';
import { NO_COMPUTE_HOSTS, emptiedReason, isolatedAggregateReason, notEnoughHosts, shortfallOf, shortfallReason, traitReason } from './filter_scheduler/why.js';
import { classFaultOn, freeOf, type ResourceProviderRow } from './placement/index.js';

/** The terms of the query `selectDestinations` asked Placement, as it built them. */
export interface QueryTerms {
  readonly resources: Readonly<Record<string, number>>;
  /** Required traits and why each is asked (flavor extra spec, image property…). */
  readonly required: readonly string[];
  /** Forbidden traits other than COMPUTE_STATUS_DISABLED. */
  readonly forbidden: readonly string[];
  readonly why: Readonly<Record<string, string>>;
  /** The aggregates isolated by trait metadata the request does not require. */
  readonly isolated: readonly Aggregate[];
  /** The availability zone asked for as a Placement aggregate, or null. */
  readonly az: { readonly name: string; readonly uuid: string } | null;
  readonly num_instances: number;
}

/** A compute host's provider, with the names its explanation uses. */
interface Candidate {
  readonly rp: ResourceProviderRow;
  readonly state: HostState;
}

/**
 * The NoValidHost for a request Placement found no compute host for: `states` are every compute
 * host's state (by provider uuid), `s` the state they were read from.
 */
export function noCandidates(s: CloudState, states: ReadonlyMap<string, HostState>, terms: QueryTerms): NoValidHost {
  const hosts: Candidate[] = [];
  for (const [uuid, state] of states) {
    const rp = getRow(s.placement.providers, uuid);
    if (rp !== undefined) hosts.push({ rp, state });
  }
  hosts.sort((a, b) => a.rp.id - b.rp.id); // Placement's order: creation
  const prefilters: FilterTrace[] = [];
  const explanation = (reason: string): Explanation => detach({ outcome: 'no_valid_host', reason, num_instances: terms.num_instances, prefilters, instances: [], alternates_round: null, selections: [] });
  if (hosts.length === 0) {
    const reason = notEnoughHosts(NO_COMPUTE_HOSTS);
    return new NoValidHost(reason, explanation(reason), { stage: 'placement', eliminated_by: null, filter: null, no_compute_hosts: true });
  }
  let list = hosts;
  let fitting = hosts;
  const apply = (name: string, verdict: (rp: ResourceProviderRow) => true | string): void => {
    if (list.length === 0) return;
    const kept: Candidate[] = [];
    const removed: RemovedHost[] = [];
    for (const c of list) {
      const v = verdict(c.rp);
      if (v === true) kept.push(c);
      else removed.push({ host: c.state.host, nodename: c.state.nodename, reason: v });
    }
    prefilters.push({ name, start: list.length, end: kept.length, removed });
    list = kept;
  };
  const az = terms.az;
  if (az !== null) apply('map_az_to_placement_aggregate', (rp) => (rp.aggregates.includes(az.uuid) ? true : `not in availability zone '${az.name}'`));
  if (terms.isolated.length > 0) {
    apply('isolate_aggregates', (rp) => {
      const agg = terms.isolated.find((a) => a.uuid !== null && rp.aggregates.includes(a.uuid));
      return agg === undefined ? true : isolatedAggregateReason(agg);
    });
  }
  apply('compute_status_filter', (rp) => (rp.traits.includes('COMPUTE_STATUS_DISABLED') ? 'compute service is disabled (COMPUTE_STATUS_DISABLED)' : true));
  if (terms.required.length > 0 || terms.forbidden.length > 0) {
    apply('placement (required and forbidden traits)', (rp) => traitReason(rp.traits, terms));
  }
  const want = Object.entries(terms.resources);
  fitting = list;
  apply('placement (allocation candidates)', (rp) => {
    for (const [rc, amount] of want) {
      const fault = classFaultOn(rp, rc, amount);
      if (fault !== null) return fault;
    }
    return true;
  });
  const emptied = [...prefilters].reverse().find((t) => t.end === 0 && t.start > 0) ?? null;
  if (emptied?.name === 'placement (allocation candidates)') {
    const short = shortfallOf(fitting, want, (c, rc, amount) => classFaultOn(c.rp, rc, amount) === null, (c, rc) => freeOf(c.rp, rc), (c) => c.state.host);
    if (short !== null) {
      const reason = notEnoughHosts(shortfallReason(short));
      return new NoValidHost(reason, explanation(reason), { stage: 'placement', eliminated_by: emptied, filter: emptied.name, resource_class: short.resource_class, requested: short.requested, largest_free: short.largest_free, largest_free_host: short.largest_free_host });
    }
  }
  // every compute host fits each term: Placement's answer was cut (its limit) before them
  const reason = notEnoughHosts(emptied === null ? 'Placement offered no compute host.' : emptiedReason(emptied));
  return new NoValidHost(reason, explanation(reason), { stage: 'placement', eliminated_by: emptied, filter: emptied?.name ?? null });
}
