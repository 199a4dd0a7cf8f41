/**
 * How other modules read the datacenter: the only way into the `hardware` slice from outside
 * `src/hardware` (the doors test refuses `s.hardware.…` elsewhere). One verb, one meaning:
 * - `getX(state, ref)`: by id or name; throws hardware's 404 (`hardware.<kind>.not_found`).
 * - `findX(state, ref)`: the same lookup; undefined when absent (for hot paths and checks).
 * - `listX(state)`: every row, as a new array, in the table's key order (stated per getter).
 *
 * Each works on committed state and on a command's draft (rows are frozen either way).
 */
import { getRow, tableToArray, type CloudState } from '../core/index.js';
import { hostNamed } from './hosts.js';
import type { AvailabilityZone, Host, Rack, Region } from './types.js';

export { getHost, getRegion, getAvailabilityZone, getRack, getHostModel } from './hosts.js';

/** The host with this id or hostname (as {@link getHost} resolves it), or undefined. O(log n). */
export function findHost(state: CloudState, ref: string): Host | undefined {
  return getRow(state.hardware.hosts, ref) ?? hostNamed(state, ref);
}

/** Every host, in id order (the table's order; `cloud.hardware.listHosts()` sorts by hostname). */
export function listHosts(state: CloudState): Host[] {
  return tableToArray(state.hardware.hosts);
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
