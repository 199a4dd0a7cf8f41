import type { BackendFilter } from '../types.js';

/**
 * AvailabilityZoneFilter: the pool's service must be in the requested availability zone
 * (`cinder/scheduler/filters/availability_zone_filter.py`). When the request carries
 * `availability_zones` (the type's `RESKEY:availability_zones`), any of them will do and the
 * volume's own zone is not looked at; with neither, every pool passes. Runs once per request
 * (`run_filter_once_per_request = True`: zones do not change within a group request).
 */
export const AvailabilityZoneFilter: BackendFilter = {
  name: 'AvailabilityZoneFilter',
  runFilterForEachInstance: false,
  backendPasses(pool, spec) {
    const zones = spec.availability_zones;
    if (zones !== undefined && zones !== null && zones.length > 0) {
      return zones.includes(pool.availability_zone)
        ? true
        : `availability zones ${zones.map((z) => `'${z}'`).join(', ')} requested; the pool is in '${pool.availability_zone}'`;
    }
    const wanted = spec.availability_zone;
    if (wanted === null || wanted === '') return true;
    return wanted === pool.availability_zone ? true : `availability zone '${wanted}' requested; the pool is in '${pool.availability_zone}'`;
  },
};
