import type { HostState } from '../types.js';
import { aggregateOverride } from '../filters/utils.js';

/**
 * A weigher's multiplier for a host: the aggregates' `<name>` metadata overrides the option (the
 * minimum when several aggregates set it; the option when a value is not a number), as nova's
 * `nova/scheduler/utils.py` `get_weight_multiplier` does.
 */
export function getWeightMultiplier(host: HostState, name: string, configured: number): number {
  return aggregateOverride(host, name, configured, 'float');
}
