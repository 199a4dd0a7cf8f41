import type { HostFilter } from '../types.js';
import { getSchedulerHint, instanceUuidsOverlap } from './utils.js';

/**
 * SameHostFilter: with the `same_host` hint (an instance uuid or a list), only hosts running one
 * of those instances pass (`nova/scheduler/filters/affinity_filter.py`).
 */
export const SameHostFilter: HostFilter = {
  name: 'SameHostFilter',
  runFilterForEachInstance: false,
  passesAll(spec) {
    const uuids = getSchedulerHint(spec, 'same_host');
    return !uuids || uuids.length === 0;
  },
  hostPasses(host, spec) {
    const uuids = getSchedulerHint(spec, 'same_host');
    if (!uuids || uuids.length === 0) return true;
    if (instanceUuidsOverlap(host, uuids)) return true;
    return `runs none of the same_host instances ${typeof uuids === 'string' ? uuids : uuids.join(', ')}`;
  },
};
