/**
 * Cinder's capacity arithmetic (`cinder/utils.py` `calculate_capacity_factors`,
 * `calculate_virtual_free_capacity`), shared by CapacityFilter and CapacityWeigher, with Python's
 * `round(x, 2)` so every factor is the very float Cinder computes.
 */

/**
 * Python's `round(x, 2)`: the decimal with two digits nearest to the exact value of `x`, ties to
 * even (0.125 → 0.12, 0.375 → 0.38), read back as a float. `toFixed` rounds ties up instead; ties
 * at two digits happen only when `|x| × 8` is an odd integer.
 */
export function pyRound2(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  const eighths = a * 8;
  if (Number.isInteger(eighths) && eighths % 2 === 1 && eighths < 2 ** 49) {
    const lower = Math.floor(a * 100); // a × 100 is exact here: k × 12.5
    const even = lower % 2 === 0 ? lower : lower + 1;
    const text = `${Math.floor(even / 100)}.${String(even % 100).padStart(2, '0')}`;
    return x < 0 ? -Number(text) : Number(text);
  }
  return Number(x.toFixed(2));
}

/** The factors `calculate_capacity_factors` returns (`cinder-specs` queens provisioning-improvements). */
export interface CapacityFactors {
  readonly total_capacity: number;
  readonly free_capacity: number;
  /** `floor(total × reserved_percentage / 100)`. */
  readonly reserved_capacity: number;
  /** `total − reserved_capacity`, rounded to 2 digits. */
  readonly total_reserved_available_capacity: number;
  /** The ratio used (thin), else null. */
  readonly max_over_subscription_ratio: number | null;
  /** Thin: `total_reserved_available × max_over_subscription_ratio`; thick: `total_reserved_available`; rounded. */
  readonly total_available_capacity: number;
  readonly provisioned_capacity: number;
  /** `total_available − provisioned`, rounded. */
  readonly calculated_free_capacity: number;
  /** Thin: the calculated free; thick: the smaller of it and the reported free; rounded. */
  readonly virtual_free_capacity: number;
  readonly free_percent: number;
  readonly provisioned_ratio: number;
  readonly provisioned_type: 'thin' | 'thick';
}

/**
 * `calculate_capacity_factors(total, free, provisioned, thin_provisioning_support,
 * max_over_subscription_ratio, reserved_percentage, thin)`, operation for operation.
 */
export function calculateCapacityFactors(
  totalCapacity: number,
  freeCapacity: number,
  provisionedCapacity: number,
  thinProvisioningSupport: boolean,
  maxOverSubscriptionRatio: number,
  reservedPercentage: number,
  thin: boolean,
): CapacityFactors {
  const total = totalCapacity;
  const reserved = reservedPercentage / 100;
  const reservedCapacity = Math.floor(total * reserved);
  const totalReservedAvailable = total - reservedCapacity;
  const isThin = thin && thinProvisioningSupport;
  let totalAvailable: number;
  let virtualFree: number;
  let calculatedFree: number;
  if (isThin) {
    totalAvailable = totalReservedAvailable * maxOverSubscriptionRatio;
    calculatedFree = totalAvailable - provisionedCapacity;
    virtualFree = calculatedFree;
  } else {
    // how much free space is left after taking the reserved space into account
    totalAvailable = totalReservedAvailable;
    calculatedFree = totalAvailable - provisionedCapacity;
    virtualFree = freeCapacity < calculatedFree ? freeCapacity : calculatedFree;
  }
  const nonZero = totalAvailable !== 0; // Python: `if total_available_capacity:`
  return {
    total_capacity: total,
    free_capacity: freeCapacity,
    reserved_capacity: reservedCapacity,
    total_reserved_available_capacity: pyRound2(totalReservedAvailable),
    max_over_subscription_ratio: isThin ? maxOverSubscriptionRatio : null,
    total_available_capacity: pyRound2(totalAvailable),
    provisioned_capacity: provisionedCapacity,
    calculated_free_capacity: pyRound2(calculatedFree),
    virtual_free_capacity: pyRound2(virtualFree),
    free_percent: pyRound2(nonZero ? (virtualFree / totalAvailable) * 100 : 0),
    provisioned_ratio: pyRound2(nonZero ? provisionedCapacity / totalAvailable : 0),
    provisioned_type: isThin ? 'thin' : 'thick',
  };
}

/** `calculate_virtual_free_capacity`: the factors' `virtual_free_capacity`. */
export function calculateVirtualFreeCapacity(
  totalCapacity: number,
  freeCapacity: number,
  provisionedCapacity: number,
  thinProvisioningSupport: boolean,
  maxOverSubscriptionRatio: number,
  reservedPercentage: number,
  thin: boolean,
): number {
  return calculateCapacityFactors(totalCapacity, freeCapacity, provisionedCapacity, thinProvisioningSupport, maxOverSubscriptionRatio, reservedPercentage, thin)
    .virtual_free_capacity;
}

/**
 * Whether a volume of this type is to be thin: true unless its extra spec `provisioning:type` is
 * exactly `thick` (CapacityFilter and CapacityWeigher, "NOTE(xyang)").
 */
export function wantsThin(extraSpecs: Readonly<Record<string, string>> | undefined): boolean {
  return !(extraSpecs !== undefined && Object.hasOwn(extraSpecs, 'provisioning:type') && extraSpecs['provisioning:type'] === 'thick');
}
