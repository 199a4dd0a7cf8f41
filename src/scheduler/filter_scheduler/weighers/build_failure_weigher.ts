import type { HostWeigher } from '../types.js';
import { getWeightMultiplier } from './utils.js';

/**
 * BuildFailureWeigher: hosts with recent build failures (`failed_builds`) weigh less; the
 * multiplier is the negated `build_failure_weight_multiplier` (1000000.0), large enough to
 * outweigh the others (`nova/scheduler/weights/compute.py`). Aggregate metadata
 * `build_failure_weight_multiplier` overrides the option.
 */
export const BuildFailureWeigher: HostWeigher = {
  name: 'BuildFailureWeigher',
  minval: null,
  maxval: null,
  hostOnly: true,
  multiplier: (config, host) =>
    -1 * getWeightMultiplier(host, 'build_failure_weight_multiplier', config.filter_scheduler.build_failure_weight_multiplier),
  weigh: (host) => host.failed_builds,
};
