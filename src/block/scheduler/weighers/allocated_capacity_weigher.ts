import type { BackendWeigher } from '../types.js';

/**
 * AllocatedCapacityWeigher (`cinder/scheduler/weights/capacity.py`): the raw weight is the pool's
 * `allocated_capacity_gb` (the sizes of the volumes Cinder put there); with the default
 * `allocated_capacity_weight_multiplier` of −1.0 the pool with the least allocated wins (the old
 * SimpleScheduler's spreading), a positive multiplier stacks.
 */
export const AllocatedCapacityWeigher: BackendWeigher = {
  name: 'AllocatedCapacityWeigher',
  multiplier: (config) => config.allocated_capacity_weight_multiplier,
  weigh: (pool) => pool.allocated_capacity_gb,
};
