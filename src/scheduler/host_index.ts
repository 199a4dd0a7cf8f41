/**
 * The host index: nova's HostManager kept in a kernel's memo. It holds the HostState of every
 * compute host, the aggregates, the providers in creation order, and per allocation-candidates
 * query the candidates with their host states and the host-only verdicts and weights of the
 * filters and weighers (`PreparedHosts`). It is mutable and lives outside the state: each time it
 * is read, it brings itself from the tables it last saw to the current ones with `tableChanges`
 * (a claim changes one provider row), rebuilding only what the changed rows feed.
 *
 * Why it stays equal to a fresh computation: a host state is a function of the host row, its
 * provider row, the aggregates (from the hosts and zones tables and the compute API's
 * aggregates), what the scheduler reads of the host's nova-compute service (its
 * `compute_config.nodes` row), the host's `reserved_host_*` options (nova.conf: any change
 * rebuilds the index) and the INSTANCE consumers holding allocations on the provider. The index
 * follows the hosts, zones, aggregates, node status, providers and provider names tables and
 * nova.conf; the consumers on a provider it does not diff, because Placement moves a
 * provider's generation — so writes its row — whenever an allocation on it is written or
 * deleted (that is what the generation is for), and a consumer's row is written only with its
 * allocations. So a host whose host and provider rows are the very same objects has the same
 * state (kept per provider row, which also makes a restore to a version seen before cheap). A
 * change it cannot follow cheaply (too many rows, new aggregates) rebuilds it from scratch;
 * providers created or deleted redraw the candidates. Restores and forks need nothing special:
 * a restore is one more jump between two versions of the tables, and a fork has a new kernel,
 * so a new memo and a new index. `tests/scheduler/cloud/host_index.properties.test.ts` checks it
 * against a fresh computation after any sequence of calls, restores and forks.
 */
import { getRow, idRecord, memoSlot, plain, tableChanges, tableToArray, tableVersion, type CloudState, type Memo, type Table } from '../core/index.js';
import { availabilityZoneTable, findHost, hostTable, type AvailabilityZone, type Host } from '../hardware/index.js';
import type { Aggregate, HostState, SchedulerConfig } from './filter_scheduler/index.js';
import { PreparedHosts } from './filter_scheduler/prepared.js';
import { trustHostPart, trustHostState } from './filter_scheduler/validate.js';
import { providerFits, type ConsumerRow, type ParsedQuery, type ResourceProviderRow } from './placement/index.js';
import { computeAggregates, hostParts, hostStateFrom, hostStateWith, instanceConsumers, membershipOf, membershipsOf, reservationOf, type HostParts, type HostReservation } from './host_states.js';
import type { ComputeConfig, ComputeNodeStatus, HostAggregateRow } from './compute_nodes.js';

/** The versions of the tables the index follows. */
interface Tables {
  readonly hosts: Table<Host>;
  readonly zones: Table<AvailabilityZone>;
  readonly providers: Table<ResourceProviderRow>;
  readonly names: Table<string>;
  /** nova.conf of the compute hosts (cloud-wide, per host): the reservations a host state counts in. */
  readonly defaults: ComputeConfig;
  readonly overrides: Table<Partial<ComputeConfig>>;
  /** The aggregates made through the compute API. */
  readonly aggregates: Table<HostAggregateRow>;
  /** What the scheduler reads of each host's nova-compute service, by hostname. */
  readonly nodes: Table<ComputeNodeStatus>;
}

/** Placement's candidates for one query, their host states, and what the filters and weighers keep about them. */
interface CandidateEntry {
  readonly query: ParsedQuery;
  /** The candidates' uuids, in creation order. */
  readonly uuids: readonly string[];
  /** Their host states (a provider of no compute host has none), in the same order; changed in place as they change. */
  readonly states: HostState[];
  /**
   * What {@link Candidates.kept} lists are read from: a copy of `states` taken when one was first
   * asked for, and every change to `states` since (position, new state), in order. A list kept
   * by a decision (its lazy explanation) is that copy with the first changes the log had when it
   * was kept; after {@link REDO_LIMIT} changes the next list kept starts a new copy. So a
   * claim changes one position of `states` instead of copying the whole list, which the decision
   * before it may still explain.
   */
  base: readonly HostState[] | null;
  redo: { readonly at: number; readonly state: HostState }[];
  readonly candidates: ReadonlySet<string>;
  /** Where each candidate's host state is in `states`. */
  readonly index: ReadonlyMap<string, number>;
  /** How many providers (in creation order) the candidates were drawn from: later ones cannot matter. */
  readonly scanned: number;
  prepared: PreparedHosts | null;
}

/** What {@link HostIndex.candidates} answers. */
export interface Candidates {
  /** Placement's allocation candidates, in creation order. */
  readonly uuids: readonly string[];
  /** Their HostStates, in the same order: the index's own list, as it is until the index next syncs. */
  readonly states: readonly HostState[];
  /** `states` as they are now, for keeping: the list, built when called, stays as it was now. */
  readonly kept: () => readonly HostState[];
  /** The host-only verdicts and weights kept for these hosts under `config` (when asked with one). */
  readonly prepared: PreparedHosts | undefined;
}

/** An instance on a host, as the index builds host states from Placement's INSTANCE consumers. */
interface Instance {
  readonly uuid: string;
  readonly project_id: string;
}

/** Changes of a candidate list logged before the next list kept starts from a new copy ({@link CandidateEntry.base}). */
const REDO_LIMIT = 256;

/** More rows changed in one table than this share of it: build the index again. */
const REBUILD_SHARE = 2;
/** Distinct queries remembered (a query is a flavor's resources and traits). */
const MAX_QUERIES = 32;

const HOST_INDEX = memoSlot<void, HostIndex>('scheduler.hostIndex');

/** The host index of a kernel's memo (one per memo, so one per cloud and per fork). */
export function hostIndexOf(memo: Memo): HostIndex {
  return memo.cell(HOST_INDEX, () => new HostIndex(memo));
}

/** nova's HostManager (see the module comment). */
export class HostIndex {
  #seen: Tables | null = null;
  #aggregates: readonly Aggregate[] = [];
  #ofHost: (name: string) => readonly Aggregate[] = () => [];
  /**
   * Each host's parts (marked as checked when made: {@link trustParts}), with the rows they were
   * built from, and the host's reservation (nova.conf: a change of it rebuilds the index, which
   * forgets these).
   */
  #parts = new Map<string, { readonly host: Host; readonly node: ComputeNodeStatus | undefined; readonly parts: HostParts; readonly reservation: HostReservation }>();
  #states = new Map<string, HostState>();
  /** The state computed for each provider row (with the host row and parts it was computed with). */
  #byProvider = new WeakMap<ResourceProviderRow, { readonly host: Host; readonly parts: HostParts; readonly reservation: HostReservation; readonly state: HostState }>();
  /** Claims the scheduler made since the last sync, by provider ({@link claimed}). */
  #claims = new Map<string, { readonly before: ResourceProviderRow; readonly after: ResourceProviderRow; readonly consumer: Instance }>();
  /**
   * The providers table's versions the claims since the last sync went through, when they were
   * consecutive: from `from` to `to`, exactly the rows of `uuids` changed ({@link claimed}).
   */
  #written: { readonly from: object; to: object; readonly uuids: string[] } | null = null;
  #order: readonly string[] = [];
  #positions = new Map<string, number>();
  #entries = new Map<string, CandidateEntry>();

  constructor(private readonly memo: Memo) {}

  /** The nova aggregates (one per topology AZ, then the compute API's), as of the last {@link sync}. */
  get aggregates(): readonly Aggregate[] {
    return this.#aggregates;
  }

  /**
   * The HostStates of the providers in `uuids` that are compute hosts, in that order, as of the
   * last {@link sync}; each marked as checked (`checkHostState` takes it as it is), as they leave
   * the index here (the states it builds per claim are frozen, not marked, until then).
   */
  statesOf(uuids: readonly string[]): HostState[] {
    const out = this.#statesOf(uuids);
    for (const state of out) trustHostState(state);
    return out;
  }

  #statesOf(uuids: readonly string[]): HostState[] {
    const out: HostState[] = [];
    for (const uuid of uuids) {
      const state = this.#states.get(uuid);
      if (state !== undefined) out.push(state);
    }
    return out;
  }

  /**
   * nova's `consume_from_request`: the scheduler claimed for a new INSTANCE consumer on one
   * provider, a write that turned the provider's row `before` into `after`. When the index next
   * sees `after` as the provider's row, the host's instances are those it had with `before` plus
   * this one: that write is the only change between the two rows (a row is written by one write),
   * so the links need not be read. Any other row falls back to reading them.
   *
   * With `write`, the claim also took the providers table from version `from` to version `to`
   * ({@link tableVersion}) by writing this provider's row and no other: when the index next syncs
   * from `from` to `to` through such claims only, the rows changed are those, and the table is
   * not diffed. Any other version falls back to diffing it.
   */
  claimed(before: ResourceProviderRow, after: ResourceProviderRow, consumer: Instance, write?: { readonly from: object; readonly to: object }): void {
    this.#claims.set(after.uuid, { before, after, consumer });
    const w = this.#written;
    if (write === undefined) this.#written = null;
    else if (w !== null && w.to === write.from) {
      w.to = write.to;
      w.uuids.push(after.uuid);
    } else this.#written = { from: write.from, to: write.to, uuids: [after.uuid] };
  }

  /**
   * Every HostState the index holds, by provider uuid (for the explanation of a request no host
   * fits, and checks against a fresh index). Deeply frozen; not all marked as checked ({@link statesOf}).
   */
  allStates(): ReadonlyMap<string, HostState> {
    return this.#states;
  }

  /** Brings the index to the state `s` (committed, or a call's draft). */
  sync(s: CloudState): void {
    const now: Tables = {
      hosts: plain(hostTable(s)),
      zones: plain(availabilityZoneTable(s)),
      providers: plain(s.placement.providers),
      names: plain(s.placement.provider_names),
      defaults: plain(s.compute_config.defaults),
      overrides: plain(s.compute_config.hosts),
      aggregates: plain(s.compute_config.aggregates),
      nodes: plain(s.compute_config.nodes),
    };
    const seen = this.#seen;
    if (seen === null) return this.#rebuild(s, now);
    if (seen.hosts === now.hosts && seen.zones === now.zones && seen.providers === now.providers && seen.names === now.names && seen.defaults === now.defaults && seen.overrides === now.overrides && seen.aggregates === now.aggregates && seen.nodes === now.nodes) return;
    // nova.conf changed (a rare operator call): every host's reservation may have
    if (seen.defaults !== now.defaults || seen.overrides !== now.overrides) return this.#rebuild(s, now);
    const hosts = changes(seen.hosts, now.hosts);
    const zones = changes(seen.zones, now.zones);
    const providers = this.#writtenChanges(seen.providers, now.providers) ?? changes(seen.providers, now.providers);
    const names = changes(seen.names, now.names);
    const nodes = changes(seen.nodes, now.nodes);
    if (hosts === null || zones === null || providers === null || names === null || nodes === null) return this.#rebuild(s, now);
    // the aggregates come from the zones, from where compute hosts are and from the compute API's
    if (zones.length > 0 || seen.aggregates !== now.aggregates || (hosts.length > 0 && membershipMoved(seen.hosts, now.hosts, hosts))) {
      if (!sameAggregates(computeAggregates(now.hosts, now.zones, now.aggregates, this.memo), this.#aggregates)) return this.#rebuild(s, now);
    }
    // a provider created, renamed or deleted: a new creation order, and candidates drawn again
    if (names.length > 0) {
      this.#setOrder(now.providers);
      this.#entries.clear();
    }
    // a compute service's status changed: its host's state (the node table is by hostname)
    const ofNodes: string[] = [];
    for (const name of nodes) {
      const host = findHost(s, name);
      if (host !== undefined) ofNodes.push(host.id);
    }
    const affected = hosts.length === 0 && ofNodes.length === 0 ? providers : [...new Set([...providers, ...hosts, ...ofNodes])];
    const consumers = new LazyConsumers(s);
    // each affected provider's row, read once: the candidate lists follow them too
    const rows: (ResourceProviderRow | undefined)[] = [];
    for (const uuid of affected) rows.push(this.#refresh(now, consumers, uuid));
    this.#seen = now;
    this.#claims.clear();
    this.#written = null;
    for (const [key, entry] of this.#entries) if (!this.#follow(s, entry, affected, rows)) this.#entries.delete(key);
  }

  /**
   * Placement's allocation candidates for `query` (`key` identifies it) and their HostStates, as
   * of `s`; with `config`, also the verdicts and weights kept for them under that configuration.
   */
  candidates(s: CloudState, query: ParsedQuery, key: string, config?: SchedulerConfig): Candidates {
    this.sync(s);
    return this.syncedCandidates(s, query, key, config);
  }

  /**
   * {@link candidates} for a caller that synced the index to `s` itself, with nothing written
   * since (`selectDestinations`, which reads the aggregates first): no second look at the tables.
   */
  syncedCandidates(s: CloudState, query: ParsedQuery, key: string, config?: SchedulerConfig): Candidates {
    const cacheable = query.inTree === undefined; // in_tree reads another provider's row: not followed
    let entry = cacheable ? this.#entries.get(key) : undefined;
    if (entry === undefined) {
      entry = this.#draw(s, query);
      if (cacheable) {
        if (this.#entries.size >= MAX_QUERIES) this.#entries.delete(this.#entries.keys().next().value as string);
        this.#entries.set(key, entry);
      }
    }
    if (entry.base === null) {
      entry.base = [...entry.states];
      entry.redo = [];
    }
    let prepared: PreparedHosts | undefined;
    if (config !== undefined) {
      if (entry.prepared?.config !== config) entry.prepared = new PreparedHosts(config);
      prepared = entry.prepared;
    }
    return { uuids: entry.uuids, states: entry.states, kept: keptList(entry.base, entry.redo, entry.redo.length), prepared };
  }

  #rebuild(s: CloudState, now: Tables): void {
    this.#aggregates = computeAggregates(now.hosts, now.zones, now.aggregates, this.memo);
    this.#ofHost = membershipsOf(this.#aggregates);
    this.#parts.clear();
    this.#states.clear();
    this.#entries.clear();
    const consumers = new LazyConsumers(s);
    for (const rp of tableToArray(now.providers)) this.#refresh(now, consumers, rp.uuid);
    this.#setOrder(now.providers);
    this.#seen = now;
    this.#claims.clear();
    this.#written = null;
  }

  /**
   * The keys changed between two versions of the providers table when the claims recorded since
   * the last sync took the one to the other ({@link claimed}), as {@link changes} would list
   * them (in key order); undefined when they did not.
   */
  #writtenChanges(before: Table<ResourceProviderRow>, after: Table<ResourceProviderRow>): string[] | null | undefined {
    const w = this.#written;
    if (w === null || tableVersion(before) !== w.from || tableVersion(after) !== w.to) return undefined;
    const keys = w.uuids.length === 1 ? w.uuids : [...new Set(w.uuids)].sort();
    return keys.length > changeLimit(before, after) ? null : keys;
  }

  #setOrder(providers: Table<ResourceProviderRow>): void {
    this.#order = tableToArray(providers).sort((a, b) => a.id - b.id).map((rp) => rp.uuid);
    this.#positions = new Map(this.#order.map((u, i) => [u, i]));
  }

  /** Host state `uuid` brought to the rows it comes from (or dropped with them); the provider's row (undefined: none). */
  #refresh(now: Tables, consumers: LazyConsumers, uuid: string): ResourceProviderRow | undefined {
    const host = getRow(now.hosts, uuid);
    const rp = getRow(now.providers, uuid);
    if (host === undefined) this.#parts.delete(uuid);
    if (host === undefined || rp === undefined) {
      this.#states.delete(uuid);
      return rp;
    }
    let known = this.#parts.get(uuid);
    const node = getRow(now.nodes, host.name);
    if (known === undefined || known.host !== host || known.node !== node) {
      known = { host, node, parts: trustParts(hostParts(host, this.#ofHost(host.name), node)), reservation: reservationOf({ defaults: now.defaults, hosts: now.overrides }, host.name) };
      this.#parts.set(uuid, known);
    }
    const { parts, reservation } = known;
    const hit = this.#byProvider.get(rp);
    if (hit !== undefined && hit.host === host && hit.parts === parts && (hit.reservation === reservation || sameReservation(hit.reservation, reservation))) {
      this.#states.set(uuid, hit.state);
      return rp;
    }
    const claimed = this.#claimedOn(uuid, rp);
    // a claim's state is the earlier one's parts (marked), frozen instances and the provider row's
    // traits (a table row: deeply frozen): freezing it is all it needs; it is marked when given out
    const state =
      claimed !== undefined
        ? frozenState(hostStateWith(host, rp, parts, claimed.instances, claimed.count, reservation))
        : trustHostState(hostStateFrom(host, rp, parts, instanceConsumers(consumers.tables.links, consumers.tables.consumers, uuid), reservation));
    this.#byProvider.set(rp, { host, parts, reservation, state });
    this.#states.set(uuid, state);
    return rp;
  }

  /** The instances on provider `uuid` at row `rp` from a claim that wrote that row, if there is one. */
  #claimedOn(uuid: string, rp: ResourceProviderRow): { readonly instances: HostState['instances']; readonly count: number } | undefined {
    const claim = this.#claims.get(uuid);
    if (claim === undefined) return undefined;
    this.#claims.delete(uuid);
    const prior = claim.after === rp ? this.#byProvider.get(claim.before) : undefined;
    if (prior === undefined) return undefined;
    const before = prior.state.instances as Readonly<Record<string, Instance>>;
    const id = claim.consumer.uuid;
    if (Object.hasOwn(before, id)) return undefined; // not a new consumer: read the links
    // in key order, as the links list them (`<rp>|<consumer>`); the earlier (frozen) records are shared
    const ids = Object.keys(before);
    let at = ids.length;
    while (at > 0 && id < (ids[at - 1] as string)) at--;
    const out = idRecord<Instance>();
    for (let k = 0; k < at; k++) out[ids[k] as string] = before[ids[k] as string] as Instance;
    out[id] = Object.freeze({ uuid: id, project_id: claim.consumer.project_id });
    for (let k = at; k < ids.length; k++) out[ids[k] as string] = before[ids[k] as string] as Instance;
    return { instances: Object.freeze(out), count: ids.length + 1 };
  }

  /** The first `limit` providers that fit the query, in creation order, and their host states. */
  #draw(s: CloudState, query: ParsedQuery): CandidateEntry {
    const providers = (this.#seen as Tables).providers;
    const uuids: string[] = [];
    let scanned = 0;
    for (; scanned < this.#order.length; scanned++) {
      if (query.limit !== undefined && uuids.length >= query.limit) break;
      const uuid = this.#order[scanned] as string;
      const rp = getRow(providers, uuid);
      if (rp !== undefined && providerFits(s, rp, query)) uuids.push(uuid);
    }
    const states = this.#statesOf(uuids);
    return {
      query,
      uuids: Object.freeze(uuids),
      states,
      base: null,
      redo: [],
      candidates: new Set(uuids),
      index: new Map(states.map((st, i) => [st.uuid, i])),
      scanned,
      prepared: null,
    };
  }

  /**
   * Brings a candidate entry to the current tables after the rows of `affected` providers
   * changed (`rows`: their rows now, in the same order); false when it must be drawn again (a
   * provider entered or left the candidates, or gained or lost its compute host).
   */
  #follow(s: CloudState, entry: CandidateEntry, affected: readonly string[], rows: readonly (ResourceProviderRow | undefined)[]): boolean {
    const moved: number[] = [];
    for (let k = 0; k < affected.length; k++) {
      const uuid = affected[k] as string;
      const at = this.#positions.get(uuid);
      if (at === undefined) continue; // no such provider (its deletion redrew every entry)
      if (at >= entry.scanned) continue; // beyond the candidates that were drawn
      const rp = rows[k];
      const fits = rp !== undefined && providerFits(s, rp, entry.query);
      if (fits !== entry.candidates.has(uuid)) return false;
      if (!fits) continue;
      const i = entry.index.get(uuid);
      const state = this.#states.get(uuid);
      if (i === undefined || state === undefined) {
        if ((i === undefined) !== (state === undefined)) return false; // it gained or lost its compute host
        continue;
      }
      if (entry.states[i] === state) continue;
      entry.states[i] = state;
      if (entry.base !== null) {
        entry.redo.push({ at: i, state });
        if (entry.redo.length >= REDO_LIMIT) entry.base = null; // the lists kept so far keep theirs
      }
      moved.push(i);
    }
    if (moved.length > 0) entry.prepared?.note(entry.states, moved);
    return true;
  }
}

/** The list `base` with the first `n` changes of `redo` applied, built when asked for (`redo` only grows). */
function keptList(base: readonly HostState[], redo: readonly { readonly at: number; readonly state: HostState }[], n: number): () => readonly HostState[] {
  return () => {
    const out = [...base];
    for (let k = 0; k < n; k++) {
      const change = redo[k] as { at: number; state: HostState };
      out[change.at] = change.state;
    }
    return out;
  };
}

/** The keys that changed between two versions of a table, or null when too many did to follow them. */
function changes<T>(before: Table<T>, after: Table<T>): string[] | null {
  return before === after ? [] : tableChanges(before, after, changeLimit(before, after));
}

/** More changed rows than this between two versions of a table: build the index again. */
function changeLimit<T>(before: Table<T>, after: Table<T>): number {
  return Math.max(64, Math.floor(Math.max(before.size, after.size) / REBUILD_SHARE));
}

/** The tables a host's instances are read from (read once per sync). */
interface ConsumerTables {
  readonly links: Table<string>;
  readonly consumers: Table<ConsumerRow>;
}

/** The consumer tables of a state, read on first use. */
class LazyConsumers {
  #tables: ConsumerTables | undefined;
  constructor(private readonly s: CloudState) {}
  get tables(): ConsumerTables {
    return (this.#tables ??= { links: plain(this.s.placement.provider_consumers), consumers: plain(this.s.placement.consumers) });
  }
}

/** A host's parts, each marked as the host-state field it becomes (deeply frozen), once per part. */
function trustParts(parts: HostParts): HostParts {
  trustHostPart(parts.ofHost, 'aggregates');
  trustHostPart(parts.cpu_info, 'cpu_info');
  trustHostPart(parts.supported_instances, 'supported_instances');
  trustHostPart(parts.service, 'service');
  return Object.freeze(parts);
}

/**
 * A host state built by a claim, frozen: its object fields are a host's parts (marked, so deeply
 * frozen: {@link trustParts}), its instances (frozen records in a frozen record), the provider
 * row's traits (a table row's, deeply frozen) and the shared, frozen metrics and stats.
 */
function frozenState(state: HostState): HostState {
  if (!Object.isFrozen(state.traits)) trustHostPart(state.traits, 'traits');
  return Object.freeze(state);
}

/** Whether a changed host row moved the host into or out of an aggregate (`ids`: the changed rows). */
function membershipMoved(before: Table<Host>, after: Table<Host>, ids: readonly string[]): boolean {
  for (const id of ids) if (membershipOf(getRow(before, id)) !== membershipOf(getRow(after, id))) return true;
  return false;
}

function sameReservation(a: HostReservation, b: HostReservation): boolean {
  return a.reserved_host_cpus === b.reserved_host_cpus && a.reserved_host_memory_mb === b.reserved_host_memory_mb && a.reserved_host_disk_mb === b.reserved_host_disk_mb;
}

function sameAggregates(a: readonly Aggregate[], b: readonly Aggregate[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i] as Aggregate;
    return x.id === y.id && x.uuid === y.uuid && x.name === y.name && x.hosts.length === y.hosts.length && x.hosts.every((h, j) => h === y.hosts[j]) && JSON.stringify(x.metadata) === JSON.stringify(y.metadata);
  });
}
