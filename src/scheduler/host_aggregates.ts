/**
 * nova's host aggregates as the scheduler keeps them (the nova API database's `aggregates`,
 * `aggregate_hosts` and `aggregate_metadata` tables, `nova/objects/aggregate.py`), and their
 * mirror in Placement (`nova/scheduler/client/report.py` `aggregate_add_host` /
 * `aggregate_remove_host`, which `nova/compute/api.py` `AggregateAPI` calls).
 *
 * The compute API (`src/compute/aggregates.ts`) checks a request as nova-api does and writes
 * through these mutators; the scheduler reads the rows (merged after the topology zones'
 * aggregates in `host_states.ts` `computeAggregates`) and the host index follows them.
 *
 * Placement mirror: a compute host's provider is in the Placement aggregate of each nova
 * aggregate it belongs to (the aggregate's uuid), as nova mirrors them. stacksim also puts it in
 * its zone's Placement aggregate (`azAggregateUuid(zone)`, the uuid the scheduler's
 * `map_az_to_placement_aggregate` asks for), for every zone it is in — the topology's or one an
 * aggregate's `availability_zone` metadata names — which answers as nova's request filter does
 * (`member_of=in:` the uuids of every aggregate with that zone). For a topology zone the two are
 * the same uuid. Other aggregates on the provider (set through the Placement API) are kept.
 */
import { deleteRow, getRow, peek, setRow, tableToArray, type CloudState, type Memo, type Tx } from '../core/index.js';
import { findHost, listAvailabilityZones, type Host } from '../hardware/index.js';
import { aggregateKey, computeProviderOf, saveComputeProvider, type HostAggregateRow } from './compute_nodes.js';
import { aggregatesOf, azUuidIn } from './host_states.js';
import type { Aggregate } from './filter_scheduler/index.js';

/** Every nova aggregate: the topology zones' (derived), then the compute API's in id order (what the scheduler sees). */
export function novaAggregates(s: CloudState, memo?: Memo): Aggregate[] {
  return aggregatesOf(s, memo);
}

/** The aggregates made through the compute API, in id order. */
export function hostAggregateRows(s: CloudState): HostAggregateRow[] {
  return tableToArray(peek(s, 'compute_config', 'aggregates'));
}

/** The compute API's aggregate `id`, or undefined (a topology zone's aggregate is not a row). */
export function findHostAggregate(s: CloudState, id: number): HostAggregateRow | undefined {
  return getRow(peek(s, 'compute_config', 'aggregates'), aggregateKey(id));
}

/** What a new aggregate holds (`Aggregate.create`: no hosts yet). */
export interface HostAggregateInit {
  readonly uuid: string;
  readonly name: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Files a new aggregate (`_aggregate_create_in_db`): the next id — above every id in use, the
 * topology zones' included, and never one used before — with no hosts. The caller checked the
 * name is free.
 */
export function createHostAggregate(tx: Tx, init: HostAggregateInit): HostAggregateRow {
  const s = tx.draft as CloudState;
  const inUse = aggregatesOf(s, tx.memo).reduce((m, a) => Math.max(m, a.id), 0);
  const id = Math.max(s.compute_config.next_aggregate_id, inUse + 1);
  tx.draft.compute_config.next_aggregate_id = id + 1;
  const row: HostAggregateRow = { id, uuid: init.uuid, name: init.name, hosts: [], metadata: { ...init.metadata }, created_at: tx.now(), updated_at: null };
  setRow(tx.draft.compute_config.aggregates, aggregateKey(id), row);
  return row;
}

/**
 * Writes an aggregate's new name, metadata or hosts, and brings the Placement aggregates of every
 * host it held or holds to the new membership (one generation step per provider that changed).
 */
export function saveHostAggregate(tx: Tx, before: HostAggregateRow, after: HostAggregateRow): void {
  setRow(tx.draft.compute_config.aggregates, aggregateKey(before.id), after);
  const zones = [before.metadata.availability_zone, after.metadata.availability_zone].filter((z): z is string => z !== undefined);
  syncProviderAggregates(tx, [...new Set([...before.hosts, ...after.hosts])], { uuids: [before.uuid], zones });
}

/** Deletes an aggregate (the caller checked it holds no host), with its metadata (`_aggregate_delete_from_db`). */
export function deleteHostAggregate(tx: Tx, row: HostAggregateRow): void {
  deleteRow(tx.draft.compute_config.aggregates, aggregateKey(row.id));
  const zone = row.metadata.availability_zone;
  syncProviderAggregates(tx, row.hosts, { uuids: [row.uuid], zones: zone === undefined ? [] : [zone] });
}

/** Takes a host out of every aggregate of the compute API (its nova-compute service or the host itself is gone). */
export function removeHostFromAggregates(tx: Tx, hostName: string): void {
  for (const row of hostAggregateRows(tx.draft as CloudState)) {
    if (!row.hosts.includes(hostName)) continue;
    saveHostAggregate(tx, row, { ...row, hosts: row.hosts.filter((h) => h !== hostName) });
  }
}

/** Aggregate uuids and zone names no longer in any row that a provider may still hold (from the change being written). */
export interface StaleAggregates {
  readonly uuids?: readonly string[];
  readonly zones?: readonly string[];
}

/**
 * The Placement aggregates a compute host's provider holds: `existing` without those nova
 * manages (every nova aggregate's uuid and every zone's, and the `stale` ones), plus the host's
 * own — its aggregates' uuids and its zones' (see the module comment). Sorted.
 */
export function providerAggregatesFor(s: CloudState, memo: Memo | undefined, host: Host, existing: readonly string[], stale: StaleAggregates = {}): string[] {
  const rows = hostAggregateRows(s);
  const managed = new Set<string>(stale.uuids ?? []);
  for (const z of stale.zones ?? []) managed.add(azUuidIn(memo, z));
  for (const az of listAvailabilityZones(s)) managed.add(azUuidIn(memo, az.name));
  const wanted = new Set<string>();
  if (host.availability_zone !== null && host.roles.includes('compute')) wanted.add(azUuidIn(memo, host.availability_zone));
  for (const row of rows) {
    managed.add(row.uuid);
    const zone = row.metadata.availability_zone;
    if (zone !== undefined) managed.add(azUuidIn(memo, zone));
    if (!row.hosts.includes(host.name)) continue;
    wanted.add(row.uuid);
    if (zone !== undefined) wanted.add(azUuidIn(memo, zone));
  }
  return [...new Set([...existing.filter((a) => !managed.has(a)), ...wanted])].sort();
}

/** Brings the Placement aggregates of these hosts' providers to their membership (a host with no provider is skipped). */
export function syncProviderAggregates(tx: Tx, hostNames: Iterable<string>, stale: StaleAggregates = {}): void {
  const s = tx.draft as CloudState;
  for (const name of hostNames) {
    const host = findHost(s, name);
    if (host === undefined) continue;
    const rp = computeProviderOf(s, host.id);
    if (rp === undefined) continue;
    const aggregates = providerAggregatesFor(s, tx.memo, host, rp.aggregates, stale);
    if (aggregates.length === rp.aggregates.length && aggregates.every((a, i) => a === rp.aggregates[i])) continue;
    saveComputeProvider(tx, { ...rp, aggregates, generation: rp.generation + 1 });
    tx.trace('placement', `provider aggregates of ${host.name} set`, { aggregates: Object.freeze([...aggregates]), generation: rp.generation + 1 });
  }
}
