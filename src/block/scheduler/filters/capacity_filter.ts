import { calculateCapacityFactors, wantsThin } from '../capacity.js';
import type { BackendFilter, PoolState, VolumeRequestSpec } from '../types.js';

/** Python's `%.2f`. */
const f2 = (n: number): string => n.toFixed(2);

/**
 * The size a request needs on a pool: `new_size − size` for an extend (`filter_properties['new_size']`
 * set and not 0), else `size`.
 */
export function requestedSize(spec: VolumeRequestSpec): number {
  return spec.new_size !== undefined && spec.new_size !== 0 ? spec.new_size - spec.size : spec.size;
}

/**
 * CapacityFilter (`cinder/scheduler/filters/capacity_filter.py`), step for step:
 * the pool the volume already lives on passes (retype's `vol_exists_on`); a request of 0 GB
 * (manage) passes; a pool with no total capacity fails; then, with cinder/utils.py's factors —
 * `total_reserved_available = total − floor(total × reserved%)`, thin: `total_available =
 * total_reserved_available × max_over_subscription_ratio` and `virtual_free = total_available −
 * provisioned`, thick: `virtual_free = min(free, total_reserved_available − provisioned)`, each
 * rounded to 2 digits — a thin volume (`provisioning:type` not `thick`) on a thin pool needs
 * `(provisioned + requested) / total_available ≤ max_over_subscription_ratio` and
 * `virtual_free ≥ requested`, and a ratio below 1 fails the pool; otherwise
 * `virtual_free ≥ requested`.
 *
 * Where Cinder divides by a zero `total_available_capacity` (a thin pool whose reserved
 * percentage leaves nothing, e.g. 100 %) it raises ZeroDivisionError and the request fails; here
 * the pool fails. `infinite` / `unknown` capacities are not simulated (the pools report numbers).
 */
export const CapacityFilter: BackendFilter = {
  name: 'CapacityFilter',
  runFilterForEachInstance: true,
  backendPasses: capacityPasses,
};

function capacityPasses(pool: PoolState, spec: VolumeRequestSpec): true | string {
  // the volume already exists on this pool (retyping): no capacity check
  if (spec.vol_exists_on !== undefined && spec.vol_exists_on !== null && pool.name === spec.vol_exists_on) return true;
  const requested = requestedSize(spec);
  if (requested === 0) return true; // a manage request
  const total = pool.total_capacity_gb;
  if (total <= 0) return `Insufficient free space for volume creation. Total capacity is ${f2(total)} on host ${pool.name}.`;
  const thin = wantsThin(spec.volume_type?.extra_specs);
  const thinSupport = pool.thin_provisioning_support;
  const ratio = pool.max_over_subscription_ratio;
  const factors = calculateCapacityFactors(total, pool.free_capacity_gb, pool.provisioned_capacity_gb, thinSupport, thinSupport ? ratio : 1, pool.reserved_percentage, thin);
  const available = factors.virtual_free_capacity;
  if (thin && thinSupport && ratio >= 1) {
    if (factors.total_available_capacity === 0) {
      return `cinder raises ZeroDivisionError here (no capacity left after reserving ${pool.reserved_percentage}% on host ${pool.name}); stacksim filters the pool out`;
    }
    const provisionedRatio = (pool.provisioned_capacity_gb + requested) / factors.total_available_capacity;
    if (provisionedRatio > ratio) {
      return (
        `Insufficient free space for thin provisioning. The ratio of provisioned capacity over total capacity ${f2(provisionedRatio)} ` +
        `has exceeded the maximum over subscription ratio ${f2(ratio)} on host ${pool.name}.`
      );
    }
    return available >= requested ? true : `Insufficient free virtual space (${available}GB) to accommodate thin provisioned ${requested}GB volume on host ${pool.name}.`;
  }
  if (thin && thinSupport) {
    return `Filtering out host ${pool.name} with an invalid maximum over subscription ratio of ${f2(ratio)}. The ratio should be a minimum of 1.0.`;
  }
  if (available < requested) return `Insufficient free space for volume creation on host ${pool.name} (requested / avail): ${requested}/${available}`;
  return true;
}
