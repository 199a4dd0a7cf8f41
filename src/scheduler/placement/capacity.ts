/**
 * Placement's capacity arithmetic, the one line every scheduling decision rests on
 * (`placement/objects/inventory.py`): capacity = int((total − reserved) × allocation_ratio).
 */
import { check } from '../../core/index.js';

/** An inventory of one resource class on one resource provider, as Placement stores it. */
export interface InventoryRecord {
  readonly total: number;
  readonly reserved: number;
  readonly min_unit: number;
  readonly max_unit: number;
  readonly step_size: number;
  readonly allocation_ratio: number;
}

/** How much of an inventory can be allocated: `int((total − reserved) × allocation_ratio)`. */
export function capacity(inventory: Pick<InventoryRecord, 'total' | 'reserved' | 'allocation_ratio'>): number {
  check.integer(inventory.total, 'inventory.total', 0);
  check.integer(inventory.reserved, 'inventory.reserved', 0);
  check.number(inventory.allocation_ratio, 'inventory.allocation_ratio', 0);
  return capacityOf(inventory);
}

/** {@link capacity} without the input checks, for rows Placement already checked (the hot path). */
export function capacityOf(inventory: Pick<InventoryRecord, 'total' | 'reserved' | 'allocation_ratio'>): number {
  return Math.max(0, Math.trunc((inventory.total - inventory.reserved) * inventory.allocation_ratio));
}

/**
 * Whether `amount` more fits on an inventory already using `used`: within capacity and
 * respecting `min_unit`, `max_unit` and `step_size`, as Placement checks a claim.
 */
export function fits(inventory: InventoryRecord, used: number, amount: number): boolean {
  if (amount < inventory.min_unit || amount > inventory.max_unit) return false;
  if (amount % inventory.step_size !== 0) return false;
  return used + amount <= capacityOf(inventory);
}
