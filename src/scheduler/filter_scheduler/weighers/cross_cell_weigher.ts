import type { HostWeigher } from '../types.js';
import { getWeightMultiplier } from './utils.js';

/**
 * CrossCellWeigher: during a move that may cross cells (`requested_destination` with a cell and
 * `allow_cross_cell_move`), hosts in the instance's current cell weigh 1 and others −1; otherwise
 * every host weighs 0 (`nova/scheduler/weights/cross_cell.py`). Aggregate metadata
 * `cross_cell_move_weight_multiplier` overrides the option.
 */
export const CrossCellWeigher: HostWeigher = {
  name: 'CrossCellWeigher',
  minval: null,
  maxval: null,
  multiplier: (config, host) =>
    getWeightMultiplier(host, 'cross_cell_move_weight_multiplier', config.filter_scheduler.cross_cell_move_weight_multiplier),
  uniformWeight(spec) {
    const dest = spec.requested_destination;
    return dest === null || !dest.cell_uuid || !dest.allow_cross_cell_move ? 0 : null;
  },
  weigh(host, spec) {
    const dest = spec.requested_destination;
    if (dest === null || !dest.cell_uuid || !dest.allow_cross_cell_move) return 0;
    return host.cell_uuid === dest.cell_uuid ? 1 : -1;
  },
};
