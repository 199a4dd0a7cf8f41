/**
 * The plain, serialisable shapes of Swift's rings: the builder's data (what
 * `swift-ring-builder object.builder` pickles) and the ring a proxy reads (`object.ring.gz`).
 * Everything here round-trips through JSON: no classes, Maps or typed arrays.
 */

/**
 * The sentinel Swift's builder stores in `_replica2part2dev` for "not assigned to any device"
 * (`NONE_DEV = 2 ** 16 - 1`): it also caps device ids at 65 534.
 */
export const NONE_DEV = 0xffff;

/** What `get_balance` reports for a device with weight 0 that still holds parts (`MAX_BALANCE`). */
export const MAX_BALANCE = 999.99;

/** How many gather / reassign rounds one rebalance makes at most (`MAX_BALANCE_GATHER_COUNT`). */
export const MAX_BALANCE_GATHER_COUNT = 3;

/**
 * Largest `part_power` simulated. Swift accepts up to 32; 2^24 partitions is already 16 M
 * entries per replica in a plain array, and 2^32 does not fit a JavaScript heap.
 */
export const MAX_PART_POWER = 24;

/** Largest replica count accepted (Swift has no fixed limit; EC policies use up to ~20 fragments). */
export const MAX_REPLICAS = 64;

/** Largest device id: below {@link NONE_DEV}, as in Swift's `array('H')` assignments. */
export const MAX_DEVICE_ID = NONE_DEV - 1;

/**
 * Smallest positive device weight: `swift-ring-builder` prints weights to two decimals, so a
 * smaller one reads as 0.00; far smaller ones (down to denormals such as 5e-324) vanish in the
 * builder's arithmetic (a weight × parts-per-weight that underflows to 0 leaves a weighted
 * device with no share, and the replica plan cannot place its parts). Weight 0 drains a device.
 */
export const MIN_WEIGHT = 0.01;

/**
 * Largest device weight: 2^53 − 1, the largest integer a double holds exactly (a disk's size in
 * GB, the usual weight, is at most that). With it the sum of every device's weight stays finite
 * and every share of a weight of at least {@link MIN_WEIGHT} stays a normal number.
 */
export const MAX_WEIGHT = Number.MAX_SAFE_INTEGER;

/**
 * A device as `swift-ring-builder <builder> add` takes it (`RingBuilder.add_dev`'s dict).
 * `id` defaults to the first free id (the first hole left by a removed device, else the next
 * id); `meta` to `''`; `replication_ip` / `replication_port` to `ip` / `port` as the CLI does.
 */
export interface RingDeviceInput {
  readonly id?: number;
  readonly region: number;
  readonly zone: number;
  readonly ip: string;
  readonly port: number;
  readonly device: string;
  readonly weight: number;
  readonly meta?: string;
  readonly replication_ip?: string;
  readonly replication_port?: number;
}

/**
 * A device in the builder: Swift's device dict, with `parts` (part-replicas assigned) and
 * `parts_wanted` (what the last rebalance's plan still wanted; negative when overweight) as the
 * builder keeps them. `ip` is normalised as the CLI does (lower case, IPv6 compressed).
 */
export interface RingDevice {
  readonly id: number;
  readonly region: number;
  readonly zone: number;
  readonly ip: string;
  readonly port: number;
  readonly replication_ip: string;
  readonly replication_port: number;
  readonly device: string;
  readonly weight: number;
  readonly meta: string;
  readonly parts: number;
  readonly parts_wanted: number;
}

/**
 * The builder: Swift's `RingBuilder.to_dict()` with the leading underscores dropped.
 *
 * - `devs` is indexed by device id, `null` where a device was removed;
 * - `replica2part2dev[replica][partition]` is a device id, `null` before the first rebalance;
 * - `last_part_moves[partition]` is the hours (0–255) since the partition last moved, counted
 *   from `last_part_moves_epoch` (seconds of virtual time);
 * - `remove_devs` lists devices marked for removal (weight 0) that the next rebalance drops.
 */
export interface RingBuilderData {
  readonly part_power: number;
  /** Integer replica count. Not simulated: Swift's fractional replica counts (e.g. 2.5). */
  readonly replicas: number;
  readonly min_part_hours: number;
  /** `2 ** part_power`. */
  readonly parts: number;
  /** A fraction: 0.1 lets a device take 10 % more parts than its weight for dispersion. */
  readonly overload: number;
  readonly devs: readonly (RingDevice | null)[];
  readonly devs_changed: boolean;
  readonly version: number;
  readonly replica2part2dev: readonly (readonly number[])[] | null;
  readonly last_part_moves: readonly number[];
  readonly last_part_moves_epoch: number;
  readonly last_part_gather_start: number;
  readonly remove_devs: readonly number[];
  /** Percentage of part-replicas placed worse than the most dispersed placement (`builder.dispersion`). */
  readonly dispersion: number;
}

/**
 * A device as the ring (`RingData`) keeps it: the builder's device without `parts` and
 * `parts_wanted`.
 */
export type RingDeviceView = Omit<RingDevice, 'parts' | 'parts_wanted'>;

/** A primary node from `getNodes`: the device plus its `index` in the primary list (ring.py). */
export type RingNode = RingDeviceView & { readonly index: number };

/** A handoff node from `getMoreNodes`: the device plus its `handoff_index` (ring.py). */
export type HandoffNode = RingDeviceView & { readonly handoff_index: number };

/**
 * The ring a proxy or replicator loads: Swift's `RingData.to_dict()` —
 * `replica2part2dev_id`, `devs` (with holes), `part_shift` (`32 - part_power`), `version`.
 * `part_power` is there too for readability (ring.py derives it from `part_shift`).
 */
export interface RingData {
  readonly part_power: number;
  readonly part_shift: number;
  readonly replica2part2dev_id: readonly (readonly number[])[];
  readonly devs: readonly (RingDeviceView | null)[];
  readonly version: number;
}

/** The salts of `hash_path` (`[swift-hash] swift_hash_path_prefix / swift_hash_path_suffix` in swift.conf). */
export interface HashPathOptions {
  readonly hash_path_prefix?: string;
  readonly hash_path_suffix?: string;
}
