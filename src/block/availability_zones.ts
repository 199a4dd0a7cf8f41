/**
 * `GET /os-availability-zone` (Zed): the zones of the volume services
 * (`cinder/api/contrib/availability_zones.py`, `cinder/api/views/availability_zones.py`,
 * `cinder/volume/api.py` `list_availability_zones`): one entry per zone of a `cinder-volume`
 * service, in service order, `available` unless every volume service of the zone is disabled (a
 * service that is down still counts as available, as in Cinder). No policy: any valid token.
 * Not simulated: the zone cache (`az_cache_duration`; the API lists without it).
 */
import type { Ctx } from './context.js';
import { serviceRows } from './cinder_services.js';

/** One zone of `availabilityZoneInfo`. */
export interface VolumeAvailabilityZoneView {
  readonly zoneName: string;
  readonly zoneState: { readonly available: boolean };
}

/** `GET /os-availability-zone`: `availabilityZoneInfo`. */
export function listVolumeAvailabilityZones(ctx: Pick<Ctx, 's'>): VolumeAvailabilityZoneView[] {
  const disabled = new Map<string, boolean>();
  for (const row of serviceRows(ctx.s)) {
    if (row.binary !== 'cinder-volume') continue;
    disabled.set(row.zone, (disabled.get(row.zone) ?? true) && row.disabled);
  }
  return [...disabled].map(([zoneName, off]) => ({ zoneName, zoneState: { available: !off } }));
}
