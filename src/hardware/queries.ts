/**
 * How other modules read the datacenter: the only way into the `hardware` slice from outside
 * `src/hardware` (the doors test refuses `s.hardware.…` elsewhere). One verb, one meaning:
 * - `getX(state, ref)`: by id or name; throws hardware's 404 (`hardware.<kind>.not_found`), or a
 *   400 naming the field for a region, zone, rack or model (they are given by name in input).
 * - `findX(state, ref)`: the same lookup; undefined when absent (for hot paths and checks).
 * - `listX(state)`: every row, as a new array, in the table's key order (stated per getter).
 *
 * Each works on committed state and on a command's draft (rows are frozen either way).
 */
import { Duplicate, InvalidInput, check, getRow, namedTable, peek, plain, resolveRef, tableToArray, type CloudState, type NamedTable, type Table } from '../core/index.js';
import type { AvailabilityZone, HardwareState, Host, NamedHostModel, Rack, Region } from './types.js';

/** Hosts by hostname, unique across the cloud (`host_names`). Internal: for the host commands. */
export const namedHosts: NamedTable<CloudState, Host> = namedTable({
  rows: (s: CloudState) => s.hardware.hosts,
  names: (s: CloudState) => s.hardware.host_names,
  id: (h: Host) => h.id,
  duplicate: (name) => new Duplicate('hardware.host', name),
});

/** The host with this id or hostname, or 404 `hardware.host.not_found`. */
export function getHost(state: CloudState, ref: unknown, field = 'host'): Host {
  return plain(
    resolveRef<Host>(ref, {
      kind: 'hardware.host',
      byId: (id) => getRow(state.hardware.hosts, id),
      byName: (name) => {
        const host = namedHosts.find(state, null, name);
        return host ? [host] : [];
      },
      idOf: (h) => h.id,
    }, field),
  );
}

/** The host with this id or hostname (as {@link getHost} resolves it), or undefined. O(log n). */
export function findHost(state: CloudState, ref: string): Host | undefined {
  // read without drafting (a boot looks its host up at every stage)
  const hosts = peek(state, 'hardware', 'hosts');
  const byId = getRow(hosts, ref);
  if (byId !== undefined) return byId;
  const id = getRow(peek(state, 'hardware', 'host_names'), namedHosts.key(null, ref));
  return id === undefined ? undefined : getRow(hosts, id);
}

/** Every host, in id order (the table's order; `cloud.hardware.listHosts()` sorts by hostname). */
export function listHosts(state: CloudState): Host[] {
  return tableToArray(state.hardware.hosts);
}

function getNamed<T>(table: HardwareState['regions'] | HardwareState['availability_zones'] | HardwareState['racks'] | HardwareState['models'], ref: unknown, field: string, kind: string): T {
  const name = check.name(ref, field);
  const row = getRow(table as HardwareState['regions'], name);
  if (row === undefined) {
    const known = tableToArray(table as HardwareState['regions']).map((r) => r.name);
    throw new InvalidInput(field, `unknown ${kind} '${name}'; known: ${known.join(', ') || 'none'}.`, `hardware.${kind.replace(/ /g, '_')}.unknown`);
  }
  return plain(row) as T;
}

/** A region by name, or 400 naming the field. */
export function getRegion(state: CloudState, ref: unknown, field = 'region'): Region {
  return getNamed<Region>(state.hardware.regions, ref, field, 'region');
}

/** An availability zone by name, or 400 naming the field. */
export function getAvailabilityZone(state: CloudState, ref: unknown, field = 'availability_zone'): AvailabilityZone {
  return getNamed<AvailabilityZone>(state.hardware.availability_zones, ref, field, 'availability zone');
}

/** A rack by name, or 400 naming the field. */
export function getRack(state: CloudState, ref: unknown, field = 'rack'): Rack {
  return getNamed<Rack>(state.hardware.racks, ref, field, 'rack');
}

/** A host model by name, or 400 naming the field. */
export function getHostModel(state: CloudState, ref: unknown, field = 'model'): NamedHostModel {
  return getNamed<NamedHostModel>(state.hardware.models, ref, field, 'host model');
}

/** Every region, in name order. */
export function listRegions(state: CloudState): Region[] {
  return tableToArray(state.hardware.regions);
}

/** Every topology availability zone, in name order. */
export function listAvailabilityZones(state: CloudState): AvailabilityZone[] {
  return tableToArray(state.hardware.availability_zones);
}

/** Every rack, in name order. */
export function listRacks(state: CloudState): Rack[] {
  return tableToArray(state.hardware.racks);
}

/** Every host, in hostname order (as `cloud.hardware.listHosts()` lists them). */
export function listHostsByName(state: CloudState): Host[] {
  const out: Host[] = [];
  for (const id of tableToArray(state.hardware.host_names)) {
    const host = getRow(state.hardware.hosts, id);
    if (host !== undefined) out.push(host);
  }
  return out;
}

/**
 * The hosts table itself (keyed by host id; rows frozen): for derived data kept outside the state
 * — a memo keyed by this version of the table, or an index that follows its versions with
 * `tableChanges` (the scheduler's host index). Read it only.
 */
export function hostTable(state: CloudState): Table<Host> {
  return state.hardware.hosts;
}

/** The topology availability zones table itself (keyed by name): like {@link hostTable}, for derived data. */
export function availabilityZoneTable(state: CloudState): Table<AvailabilityZone> {
  return state.hardware.availability_zones;
}
