import { calculateVirtualFreeCapacity, wantsThin } from '../capacity.js';
import type { BackendWeigher } from '../types.js';

/**
 * CapacityWeigher (`cinder/scheduler/weights/capacity.py`): more virtual free capacity weighs more,
 * so volumes spread; a negative `capacity_weight_multiplier` stacks them. The raw weight is
 * `calculate_virtual_free_capacity` (cinder/utils.py): thin (a pool with thin support and a type
 * whose `provisioning:type` is not `thick`) `(total − floor(total × reserved%)) ×
 * max_over_subscription_ratio − provisioned`, else the smaller of the reported free capacity and
 * `total − reserved − provisioned`, rounded to 2 digits.
 *
 * Not simulated: a pool reporting `infinite` / `unknown` capacity, which Cinder weighs −1 (or
 * +∞ with a negative multiplier, replaced in `weigh_objects` by the largest finite weight plus an
 * offset): stacksim's pools always report numbers.
 */
export const CapacityWeigher: BackendWeigher = {
  name: 'CapacityWeigher',
  multiplier: (config) => config.capacity_weight_multiplier,
  weigh: (pool, spec) =>
    calculateVirtualFreeCapacity(
      pool.total_capacity_gb,
      pool.free_capacity_gb,
      pool.provisioned_capacity_gb,
      pool.thin_provisioning_support,
      pool.max_over_subscription_ratio,
      pool.reserved_percentage,
      wantsThin(spec.volume_type?.extra_specs),
    ),
};
