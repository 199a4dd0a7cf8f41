import type { HostFilter } from '../types.js';

/** AllHostsFilter: lets every host through (`nova/scheduler/filters/all_hosts_filter.py`). */
export const AllHostsFilter: HostFilter = {
  name: 'AllHostsFilter',
  runFilterForEachInstance: false,
  passesAll: () => true,
  hostPasses: () => true,
};
