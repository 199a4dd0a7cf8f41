import type { HostWeigher } from '../types.js';
import { getWeightMultiplier } from './utils.js';

/**
 * RAMWeigher: more free RAM weighs more, so instances spread; a negative
 * `ram_weight_multiplier` stacks them (`nova/scheduler/weights/ram.py`). Raw weights below 0
 * count as 0. Aggregate metadata `ram_weight_multiplier` overrides the option.
 */
export const RAMWeigher: HostWeigher = {
  name: 'RAMWeigher',
  minval: 0,
  maxval: null,
  hostOnly: true,
  multiplier: (config, host) => getWeightMultiplier(host, 'ram_weight_multiplier', config.filter_scheduler.ram_weight_multiplier),
  weigh: (host) => host.free_ram_mb,
};
