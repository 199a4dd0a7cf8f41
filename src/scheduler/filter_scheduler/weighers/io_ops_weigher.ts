import type { HostWeigher } from '../types.js';
import { getWeightMultiplier } from './utils.js';

/**
 * IoOpsWeigher: the raw weight is `num_io_ops`; the default multiplier −1.0 prefers quieter hosts
 * (`nova/scheduler/weights/io_ops.py`). Aggregate metadata `io_ops_weight_multiplier` overrides
 * the option.
 */
export const IoOpsWeigher: HostWeigher = {
  name: 'IoOpsWeigher',
  minval: 0,
  maxval: null,
  hostOnly: true,
  multiplier: (config, host) => getWeightMultiplier(host, 'io_ops_weight_multiplier', config.filter_scheduler.io_ops_weight_multiplier),
  weigh: (host) => host.num_io_ops,
};
