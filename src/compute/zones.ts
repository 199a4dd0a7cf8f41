/**
 * Which availability zone a host and a service are in (`nova/availability_zones.py`
 * `set_availability_zones`, `get_host_availability_zone`): a host is in the zones of its
 * aggregates with `availability_zone` metadata (the topology's zones, which the scheduler keeps as
 * aggregates of their compute hosts, first; then those an admin made), else in
 * `[DEFAULT] default_availability_zone` (`nova`); a service other than `nova-compute` is in
 * `[DEFAULT] internal_service_availability_zone` (`internal`). Read by the services' views
 * (`nova_services.ts`), the zones' listing (`availability_zones.ts`) and the conductor, which puts
 * an instance in its host's zone (`conductor.ts`).
 */
import { peek, type CloudState } from '../core/index.js';
import { findHost } from '../hardware/index.js';
import { hostAggregateRows, novaAggregates } from '../scheduler/index.js';
import type { NovaServiceRow } from './types.js';

/**
 * `availability_zones.set_availability_zones`, for every host at once: each host's zones from
 * the aggregates with `availability_zone` metadata (the topology zones' included), in
 * aggregate order.
 */
export function zonesByHost(s: CloudState): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of novaAggregates(s)) {
    const zone = a.metadata.availability_zone;
    if (zone === undefined) continue;
    for (const h of a.hosts) {
      const list = out.get(h) ?? [];
      if (!list.includes(zone)) list.push(zone);
      out.set(h, list);
    }
  }
  return out;
}

/** `get_host_availability_zone`: the zone of the host's first aggregate that names one, else `default_availability_zone` (the conductor's one-host path: {@link zoneOfHost}). */
export function hostAvailabilityZone(s: CloudState, hostName: string): string {
  return zonesByHost(s).get(hostName)?.[0] ?? peek(s, 'compute', 'config').default_availability_zone;
}

/** A service's `zone`: a compute service's host's zones (`,`-joined), else `internal_service_availability_zone`. */
export function serviceZone(s: CloudState, row: NovaServiceRow, byHost: Map<string, string[]>): string {
  if (row.topic !== 'compute') return peek(s, 'compute', 'config').internal_service_availability_zone;
  return byHost.get(row.host)?.join(',') ?? peek(s, 'compute', 'config').default_availability_zone;
}

/**
 * `get_host_availability_zone` for one host: the zone of its first aggregate that names one (the
 * topology's zone aggregates come first, then the compute API's), else `default_availability_zone`.
 * Reads the host and the API's aggregates only, not every host (a boot is on the hot path).
 */
export function zoneOfHost(s: CloudState, hostName: string): string {
  const host = findHost(s, hostName);
  if (host !== undefined && host.availability_zone !== null && host.roles.includes('compute')) return host.availability_zone;
  for (const a of hostAggregateRows(s)) {
    const zone = a.metadata.availability_zone;
    if (zone !== undefined && a.hosts.includes(hostName)) return zone;
  }
  return peek(s, 'compute', 'config').default_availability_zone;
}
