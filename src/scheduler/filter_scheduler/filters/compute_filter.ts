import type { HostFilter } from '../types.js';

/**
 * ComputeFilter: only hosts whose compute service is enabled and up
 * (`nova/scheduler/filters/compute_filter.py`). A forced-down service is down.
 */
export const ComputeFilter: HostFilter = {
  name: 'ComputeFilter',
  runFilterForEachInstance: false,
  hostOnly: true,
  hostPasses(host) {
    const { service } = host;
    if (service.disabled) {
      return `compute service is disabled${service.disabled_reason ? ` (reason: ${service.disabled_reason})` : ''}`;
    }
    if (service.forced_down) return 'compute service is forced down';
    if (!service.up) return 'compute service has not been heard from in a while (down)';
    return true;
  },
};
