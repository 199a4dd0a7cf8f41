import type { HostWeigher } from '../types.js';
import { getWeightMultiplier } from './utils.js';

/**
 * CPUWeigher: more free vCPUs (`vcpus_total × cpu_allocation_ratio − vcpus_used`) weigh more
 * (`nova/scheduler/weights/cpu.py`). Raw weights below 0 count as 0. Aggregate metadata
 * `cpu_weight_multiplier` overrides the option.
 */
export const CPUWeigher: HostWeigher = {
  name: 'CPUWeigher',
  minval: 0,
  maxval: null,
  hostOnly: true,
  multiplier: (config, host) => getWeightMultiplier(host, 'cpu_weight_multiplier', config.filter_scheduler.cpu_weight_multiplier),
  weigh: (host) => host.vcpus_total * host.cpu_allocation_ratio - host.vcpus_used,
};
