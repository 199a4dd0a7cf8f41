import type { HostWeigher } from '../types.js';
import { getWeightMultiplier } from './utils.js';

/**
 * DiskWeigher: more free disk (`free_disk_mb`) weighs more (`nova/scheduler/weights/disk.py`).
 * Raw weights below 0 count as 0. Aggregate metadata `disk_weight_multiplier` overrides the option.
 */
export const DiskWeigher: HostWeigher = {
  name: 'DiskWeigher',
  minval: 0,
  maxval: null,
  hostOnly: true,
  multiplier: (config, host) => getWeightMultiplier(host, 'disk_weight_multiplier', config.filter_scheduler.disk_weight_multiplier),
  weigh: (host) => host.free_disk_mb,
};
