/**
 * nova's HostManager for a cloud: the `HostState` of each compute host, built from the
 * datacenter model and its Placement provider (what nova reads from the compute node record and
 * the aggregates). Availability zones of the topology are nova host aggregates with
 * `availability_zone` metadata, mirrored into Placement as provider aggregates.
 */
import { formatUuid, getRow, plain, tableChanges, tableToArray, type CloudState, type Table } from '../core/index.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Host } from '../hardware/index.js';
import type { Aggregate, HostState } from './filter_scheduler/index.js';
import { trustHostState } from './filter_scheduler/validate.js';
import type { ResourceProviderRow } from './placement/types.js';
import { under } from './placement/store.js';
import { candidateProviders, providerFits, providerOrder, type ParsedQuery } from './placement/candidates.js';

/** nova's `[DEFAULT] default_availability_zone` (Zed: `nova`). */
export const DEFAULT_AVAILABILITY_ZONE = 'nova';

/** The uuid of the host aggregate standing for a topology availability zone (derived from its name). */
export function azAggregateUuid(az: string): string {
  let uuid = azUuids.get(az);
  if (uuid === undefined) {
    uuid = formatUuid(bytesToHex(sha256(utf8ToBytes(`stacksim:availability_zone:${az}`))));
    azUuids.set(az, uuid);
  }
  return uuid;
}

/** A pure function's memo (the uuid depends on the name only). */
const azUuids = new Map<string, string>();

/** Aggregates per (immutable) hosts table, and host states per (immutable) provider row. */
const aggregatesCache = new WeakMap<object, { zones: object; aggregates: Aggregate[] }>();
const stateCache = new WeakMap<ResourceProviderRow, { host: Host; aggregates: readonly Aggregate[]; state: HostState }>();

/** The nova aggregates: one per topology AZ, holding its compute hosts, with `availability_zone` metadata. */
export function aggregatesOf(s: CloudState): Aggregate[] {
  const hosts = plain(s.hardware.hosts);
  const zones = plain(s.hardware.availability_zones);
  const cached = aggregatesCache.get(hosts);
  if (cached && cached.zones === zones) return cached.aggregates;
  const aggregates = computeAggregates(s);
  aggregatesCache.set(hosts, { zones, aggregates });
  return aggregates;
}

function computeAggregates(s: CloudState): Aggregate[] {
  const byAz = new Map<string, string[]>();
  for (const h of tableToArray(s.hardware.hosts)) {
    if (h.availability_zone === null || !h.roles.includes('compute')) continue;
    const list = byAz.get(h.availability_zone) ?? [];
    list.push(h.name);
    byAz.set(h.availability_zone, list);
  }
  return tableToArray(s.hardware.availability_zones).map((az, i) => ({
    id: i + 1,
    uuid: azAggregateUuid(az.name),
    name: az.name,
    hosts: (byAz.get(az.name) ?? []).sort(),
    metadata: { availability_zone: az.name },
  }));
}

function vendorOf(model: string): string {
  if (/intel/i.test(model)) return 'Intel';
  if (/amd|epyc/i.test(model)) return 'AMD';
  if (/ampere|arm/i.test(model)) return 'ARM';
  return 'Unknown';
}

/** The parts of a host state that come from the host row and the aggregates alone. */
interface HostParts {
  readonly aggregates: readonly Aggregate[];
  readonly ofHost: readonly Aggregate[];
  readonly cpu_info: NonNullable<HostState['cpu_info']>;
  readonly supported_instances: HostState['supported_instances'];
  readonly service: HostState['service'];
}

/** The metrics and stats of every host the cloud builds (none are modelled): shared, frozen. */
const NO_METRICS: HostState['metrics'] = Object.freeze([]);
const NO_STATS: HostState['stats'] = Object.freeze({});

/** Per (immutable) host row: its parts, rebuilt only when the row or the aggregates change. */
const partsCache = new WeakMap<Host, HostParts>();

/** Per aggregates list: one shared array per distinct membership (hosts of one AZ share theirs). */
const memberships = new WeakMap<readonly Aggregate[], Map<string, readonly Aggregate[]>>();

function interned(all: readonly Aggregate[], mine: readonly Aggregate[]): readonly Aggregate[] {
  let byKey = memberships.get(all);
  if (byKey === undefined) memberships.set(all, (byKey = new Map()));
  const key = mine.map((a) => a.id).join(',');
  const known = byKey.get(key);
  if (known !== undefined) return known;
  byKey.set(key, mine);
  return mine;
}

function partsOf(host: Host, aggregates: readonly Aggregate[]): HostParts {
  const known = partsCache.get(host);
  if (known !== undefined && known.aggregates === aggregates) return known;
  const arch = /ampere|arm/i.test(host.cpu.model) ? 'aarch64' : 'x86_64';
  const hvTypes = host.hypervisor_type === 'QEMU' ? ['kvm', 'qemu'] : [host.hypervisor_type.toLowerCase()];
  const parts: HostParts = {
    aggregates,
    ofHost: interned(aggregates, aggregates.filter((a) => a.hosts.includes(host.name))),
    cpu_info: { arch, model: host.cpu.model, vendor: vendorOf(host.cpu.model), topology: { sockets: host.cpu.sockets, cores: host.cpu.cores_per_socket, threads: host.cpu.threads_per_core }, features: host.cpu.flags },
    supported_instances: hvTypes.map((hv) => [arch, hv, 'hvm'] as const),
    service: { disabled: host.state === 'maintenance', disabled_reason: host.state === 'maintenance' ? host.state_reason : null, up: host.state === 'up', forced_down: false },
  };
  partsCache.set(host, parts);
  return parts;
}

function instancesOf(consumers: readonly { uuid: string; project_id: string }[]): HostState['instances'] {
  const out: Record<string, { uuid: string; project_id: string }> = {};
  for (const c of consumers) out[c.uuid] = { uuid: c.uuid, project_id: c.project_id };
  return out;
}

/** The HostState nova's scheduler sees for a compute host and its provider. */
export function hostStateOf(host: Host, rp: ResourceProviderRow, aggregates: readonly Aggregate[], consumers: readonly { uuid: string; project_id: string }[]): HostState {
  const inv = rp.inventories;
  const used = rp.usages;
  const mem = inv.MEMORY_MB;
  const disk = inv.DISK_GB;
  const vcpu = inv.VCPU;
  const parts = partsOf(host, aggregates);
  return {
    host: host.name,
    nodename: host.name,
    uuid: rp.uuid,
    cell_uuid: null,
    availability_zone: host.availability_zone ?? DEFAULT_AVAILABILITY_ZONE,
    aggregates: parts.ofHost,
    hypervisor_type: host.hypervisor_type,
    hypervisor_version: null,
    cpu_info: parts.cpu_info,
    supported_instances: parts.supported_instances,
    // totals net of the reservation, so that `int(total × ratio)` is Placement's capacity
    // `int((total − reserved) × ratio)` wherever the scheduler models a claim
    vcpus_total: (vcpu?.total ?? 0) - (vcpu?.reserved ?? 0),
    vcpus_used: used.VCPU ?? 0,
    total_usable_ram_mb: (mem?.total ?? 0) - (mem?.reserved ?? 0),
    free_ram_mb: (mem?.total ?? 0) - (mem?.reserved ?? 0) - (used.MEMORY_MB ?? 0),
    total_usable_disk_gb: (disk?.total ?? 0) - (disk?.reserved ?? 0),
    free_disk_mb: ((disk?.total ?? 0) - (disk?.reserved ?? 0) - (used.DISK_GB ?? 0)) * 1024,
    ram_allocation_ratio: mem?.allocation_ratio ?? 1,
    cpu_allocation_ratio: vcpu?.allocation_ratio ?? 1,
    disk_allocation_ratio: disk?.allocation_ratio ?? 1,
    num_instances: consumers.length,
    num_io_ops: 0,
    failed_builds: 0,
    instances: instancesOf(consumers),
    service: parts.service,
    metrics: NO_METRICS,
    stats: NO_STATS,
    traits: rp.traits,
  };
}

/** HostStates of the compute hosts whose providers are in `uuids` (Placement's candidates), in that order. */
export function hostStates(s: CloudState, uuids: readonly string[]): HostState[] {
  const aggregates = aggregatesOf(s);
  // read the tables themselves, not through the transaction's draft (one unwrap, not one per row)
  const hosts = plain(s.hardware.hosts);
  const providers = plain(s.placement.providers);
  const links = plain(s.placement.provider_consumers);
  const consumerRows = plain(s.placement.consumers);
  const out: HostState[] = [];
  for (const uuid of uuids) {
    const host = getRow(hosts, uuid);
    const rp = getRow(providers, uuid);
    if (!host || !rp) continue;
    // rows are immutable: an unchanged provider and host give the same state (allocations bump the provider)
    const hit = stateCache.get(rp);
    if (hit && hit.host === host && hit.aggregates === aggregates) {
      out.push(hit.state);
      continue;
    }
    const consumers: { uuid: string; project_id: string }[] = [];
    for (const [, c] of under(links, uuid)) {
      const row = getRow(consumerRows, c);
      if (row && row.consumer_type === 'INSTANCE') consumers.push({ uuid: row.uuid, project_id: row.project_id });
    }
    const state = trustHostState(hostStateOf(host, rp, aggregates, consumers));
    stateCache.set(rp, { host, aggregates, state });
    out.push(state);
  }
  return out;
}

/** Placement's candidates for one query and their host states, as of one version of the providers. */
interface CandidateEntry {
  readonly providers: Table<ResourceProviderRow>;
  readonly hosts: Table<Host>;
  readonly aggregates: readonly Aggregate[];
  readonly uuids: readonly string[];
  readonly states: readonly HostState[];
  /** The candidates' uuids. */
  readonly candidates: ReadonlySet<string>;
  /** Where each candidate's host state is in `states` (a provider of no compute host has none). */
  readonly index: ReadonlyMap<string, number>;
  /** How many providers (in creation order) the candidates were drawn from: later ones cannot matter. */
  readonly scanned: number;
}

/** Candidate entries per provider name index (it changes when providers come or go) and query. */
const candidateCache = new WeakMap<object, Map<string, CandidateEntry>>();
/** Each provider's place in creation order, per creation order. */
const positions = new WeakMap<readonly string[], ReadonlyMap<string, number>>();
/** More providers changed than this since the cached entry: build it again. */
const MAX_CHANGES = 64;
/** Distinct queries remembered per name index (a query is a flavor's resources and traits). */
const MAX_QUERIES = 32;

/**
 * Placement's allocation candidates for `query` (`key` identifies it) and the HostStates nova's
 * HostManager would give the scheduler for them, in candidate order. Like nova's HostManager,
 * which keeps host states between requests, the last answer for the same query is kept and
 * brought up to date from the providers that changed since (a claim changes one): only those are
 * checked again, unless one of them entered or left the candidates.
 */
export function candidateHostStates(s: CloudState, query: ParsedQuery, key: string): { uuids: readonly string[]; states: readonly HostState[] } {
  const providers = plain(s.placement.providers);
  const hosts = plain(s.hardware.hosts);
  const aggregates = aggregatesOf(s);
  const names = plain(s.placement.provider_names);
  let byQuery = candidateCache.get(names);
  if (byQuery === undefined) candidateCache.set(names, (byQuery = new Map()));
  const cached = query.inTree === undefined ? byQuery.get(key) : undefined;
  let entry = cached && cached.hosts === hosts && cached.aggregates === aggregates ? update(s, cached, query, providers) : null;
  if (entry === null) {
    const rps = candidateProviders(s, query);
    const uuids = rps.map((rp) => rp.uuid);
    const order = providerOrder(s);
    const full = query.limit !== undefined && uuids.length >= query.limit;
    const states = hostStates(s, uuids);
    entry = {
      providers,
      hosts,
      aggregates,
      uuids,
      states,
      candidates: new Set(uuids),
      index: new Map(states.map((st, i) => [st.uuid, i])),
      scanned: full && uuids.length > 0 ? (positionsOf(order).get(uuids[uuids.length - 1] as string) as number) + 1 : order.length,
    };
  }
  if (query.inTree === undefined && entry !== cached) {
    if (byQuery.size >= MAX_QUERIES && !byQuery.has(key)) byQuery.delete(byQuery.keys().next().value as string);
    byQuery.set(key, entry);
  }
  return entry;
}

function positionsOf(order: readonly string[]): ReadonlyMap<string, number> {
  let pos = positions.get(order);
  if (pos === undefined) positions.set(order, (pos = new Map(order.map((u, i) => [u, i]))));
  return pos;
}

/** The entry brought to the current providers, or null when it must be built again. */
function update(s: CloudState, entry: CandidateEntry, query: ParsedQuery, providers: Table<ResourceProviderRow>): CandidateEntry | null {
  if (entry.providers === providers) return entry;
  const changed = tableChanges(entry.providers, providers, MAX_CHANGES);
  if (changed === null) return null;
  const pos = positionsOf(providerOrder(s));
  let states: HostState[] | null = null;
  for (const uuid of changed) {
    const at = pos.get(uuid);
    if (at === undefined) return null; // a provider came or went (the name index would differ too)
    if (at >= entry.scanned) continue; // beyond the candidates that were drawn
    const rp = getRow(providers, uuid);
    const fits = rp !== undefined && providerFits(s, rp, query);
    if (fits !== entry.candidates.has(uuid)) return null; // it entered or left the candidates
    const i = entry.index.get(uuid);
    if (i === undefined) continue;
    const [state] = hostStates(s, [uuid]);
    if (state === undefined) return null;
    states ??= [...entry.states];
    states[i] = state;
  }
  return { ...entry, providers, states: states ?? entry.states };
}
