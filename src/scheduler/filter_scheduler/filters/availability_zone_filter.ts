import type { HostFilter } from '../types.js';
import { aggregateMetadataGetByHost, showSet } from './utils.js';

/**
 * AvailabilityZoneFilter: the host's availability zone — the `availability_zone` metadata of its
 * aggregates, else `[DEFAULT] default_availability_zone` (`nova`) — must be the requested one
 * (`nova/scheduler/filters/availability_zone_filter.py`). Deprecated since Xena in favour of the
 * `map_az_to_placement_aggregate` pre-filter (`[scheduler] query_placement_for_availability_zone`).
 */
export const AvailabilityZoneFilter: HostFilter = {
  name: 'AvailabilityZoneFilter',
  runFilterForEachInstance: false,
  passesAll: (spec) => !spec.availability_zone,
  hostPasses(host, spec, config) {
    const wanted = spec.availability_zone;
    if (!wanted) return true;
    const zones = aggregateMetadataGetByHost(host, 'availability_zone').get('availability_zone');
    if (zones !== undefined) {
      return zones.has(wanted) ? true : `availability zone '${wanted}' requested; the host is in ${showSet(zones)}`;
    }
    const fallback = config.DEFAULT.default_availability_zone;
    return wanted === fallback ? true : `availability zone '${wanted}' requested; the host is in the default zone '${fallback}'`;
  },
};
