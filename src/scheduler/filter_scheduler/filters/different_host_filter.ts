import type { HostFilter } from '../types.js';
import { getSchedulerHint, instanceUuidsOverlap } from './utils.js';

/**
 * DifferentHostFilter: with the `different_host` hint (an instance uuid or a list), hosts running
 * one of those instances fail (`nova/scheduler/filters/affinity_filter.py`).
 */
export const DifferentHostFilter: HostFilter = {
  name: 'DifferentHostFilter',
  runFilterForEachInstance: false,
  passesAll(spec) {
    const uuids = getSchedulerHint(spec, 'different_host');
    return !uuids || uuids.length === 0;
  },
  hostPasses(host, spec) {
    const uuids = getSchedulerHint(spec, 'different_host');
    if (!uuids || uuids.length === 0) return true;
    const list = typeof uuids === 'string' ? [uuids] : uuids;
    const here = list.filter((u) => instanceUuidsOverlap(host, u));
    return here.length === 0 ? true : `runs different_host instance(s) ${here.join(', ')}`;
  },
};
