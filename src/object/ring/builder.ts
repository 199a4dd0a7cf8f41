/**
 * The ring builder as pure functions over {@link RingBuilderData}: what `swift-ring-builder`
 * does to an `object.builder` file (`create`, `add`, `remove`, `set_weight`, `set_overload`,
 * `rebalance`, `dispersion`), after Swift Zed's `swift/common/ring/builder.py`. Every function
 * returns a new, deeply frozen builder and leaves its input untouched.
 */
import { InvalidInput, InvalidState, check } from '../../core/index.js';
import { runRebalance } from './rebalance.js';
import { buildTiers, compareTiers, maxReplicasByTier, requireEnoughDevices, requiredOverload, tierName, wantedReplicasByTier, weightedReplicasByTier } from './tiers.js';
import { MAX_BALANCE, MAX_DEVICE_ID, type RingBuilderData, type RingDevice, type RingDeviceInput } from './types.js';
import {
  checkBuilder,
  checkDeviceId,
  checkDeviceInput,
  checkMinPartHours,
  checkOverload,
  checkPartPower,
  checkRebalanceOptions,
  checkReplicas,
  checkWeight,
  trust,
} from './validate.js';

function freezeBuilder(b: RingBuilderData): RingBuilderData {
  for (const d of b.devs) if (d !== null) Object.freeze(d);
  Object.freeze(b.devs);
  if (b.replica2part2dev !== null) {
    for (const row of b.replica2part2dev) Object.freeze(row);
    Object.freeze(b.replica2part2dev);
  }
  Object.freeze(b.last_part_moves);
  Object.freeze(b.remove_devs);
  return trust(Object.freeze(b));
}

/**
 * A new, empty builder: `swift-ring-builder object.builder create <part_power> <replicas>
 * <min_part_hours>` (`RingBuilder.__init__`). `overload` (a fraction, default 0) is what
 * `set_overload` would set.
 *
 * Not simulated: `part_power` above 24 (Swift allows 32; the arrays would not fit a JavaScript
 * heap), fractional `replicas`, partition power increase (`next_part_power`).
 */
export function createRingBuilder(options: { part_power: number; replicas: number; min_part_hours: number; overload?: number }): RingBuilderData {
  const o = check.record(options, 'options');
  check.onlyKeys(o, ['part_power', 'replicas', 'min_part_hours', 'overload'], 'options');
  const part_power = checkPartPower(o.part_power);
  const replicas = checkReplicas(o.replicas);
  const min_part_hours = checkMinPartHours(o.min_part_hours);
  const overload = o.overload === undefined ? 0 : checkOverload(o.overload);
  const parts = 2 ** part_power;
  return freezeBuilder({
    part_power,
    replicas,
    min_part_hours,
    parts,
    overload,
    devs: [],
    devs_changed: false,
    version: 0,
    replica2part2dev: null,
    last_part_moves: new Array<number>(parts).fill(0),
    last_part_moves_epoch: 0,
    last_part_gather_start: 0,
    remove_devs: [],
    dispersion: 0,
  });
}

/** The id `addDevice` gives a device without one: the first hole left by a removed device, else the next id. */
export function nextDeviceId(builder: RingBuilderData): number {
  const b = checkBuilder(builder);
  const hole = b.devs.indexOf(null);
  return hole >= 0 ? hole : b.devs.length;
}

/**
 * Adds a device: `swift-ring-builder object.builder add r1z1-10.0.0.1:6200/sdb 100`
 * (`RingBuilder.add_dev`). Nothing moves until the next {@link rebalance}. The address is
 * checked and normalised as the CLI does, and, as the CLI does, a disk (address and device name)
 * another device already uses is refused; `id` defaults to {@link nextDeviceId}.
 *
 * Not simulated: the CLI's search-value syntax (give the fields instead).
 */
export function addDevice(builder: RingBuilderData, dev: RingDeviceInput): RingBuilderData {
  const b = checkBuilder(builder);
  const d = checkDeviceInput(dev);
  const id = d.id ?? nextDeviceId(b);
  if (id > MAX_DEVICE_ID) throw new InvalidInput('dev.id', `this ring already has ${MAX_DEVICE_ID + 1} device ids; remove devices and rebalance first.`);
  if (id < b.devs.length && b.devs[id] !== null) {
    throw new InvalidInput('dev.id', `device id ${id} is already in use (DuplicateDeviceError); omit id to take the next free one (${nextDeviceId(b)}).`, 'object.ring.duplicate_device');
  }
  // the CLI's `add` refuses an address a device already uses ("Device 3 already uses …"). Here a
  // disk is its address and device name (copies are kept per host and disk; per-disk ports are
  // not simulated), so the port is not compared; a device marked for removal leaves at the next
  // rebalance and holds no new partition, so its disk may come back (a host removed and re-added)
  const same = b.devs.find((x) => x !== null && x.ip === d.ip && x.device === d.device && !b.remove_devs.includes(x.id));
  if (same) {
    throw new InvalidInput('dev.device', `device ${same.id} already uses ${same.ip}:${same.port}/${same.device}; one disk is one device (set its weight instead).`, 'object.ring.duplicate_address');
  }
  const devs = [...b.devs];
  while (devs.length <= id) devs.push(null);
  devs[id] = { ...d, id, parts: 0, parts_wanted: 0 };
  return freezeBuilder({ ...b, devs, devs_changed: true, version: b.version + 1 });
}

function existing(b: RingBuilderData, id: unknown, action: string): RingDevice {
  const devId = checkDeviceId(id, 'id');
  const dev = b.devs[devId];
  if (dev === undefined || dev === null) {
    const known = b.devs.filter((d) => d !== null).map((d) => (d as RingDevice).id);
    throw new InvalidInput('id', `no device ${devId} in this ring to ${action}; known ids: ${known.length > 0 ? known.join(', ') : 'none'}.`, 'object.ring.device_not_found');
  }
  if (b.remove_devs.includes(devId)) {
    throw new InvalidState('object.ring.device_removed', `Can not ${action} dev_id ${devId} because it is marked for removal; rebalance first.`, { id: devId });
  }
  return dev;
}

/**
 * Marks a device for removal: `swift-ring-builder object.builder remove d3`
 * (`RingBuilder.remove_dev`). Its weight becomes 0; the next {@link rebalance} reassigns all
 * its part-replicas (ignoring `min_part_hours`, as for a failed disk) and drops it, leaving
 * `null` at its id.
 */
export function removeDevice(builder: RingBuilderData, id: number): RingBuilderData {
  const b = checkBuilder(builder);
  const dev = existing(b, id, 'remove');
  const devs = [...b.devs];
  devs[dev.id] = { ...dev, weight: 0 };
  return freezeBuilder({ ...b, devs, remove_devs: [...b.remove_devs, dev.id], devs_changed: true, version: b.version + 1 });
}

/**
 * Sets a device's weight: `swift-ring-builder object.builder set_weight d3 200`
 * (`RingBuilder.set_dev_weight`). Weight 0 drains the device over the next rebalances while
 * keeping it in the ring.
 */
export function setDeviceWeight(builder: RingBuilderData, id: number, weight: number): RingBuilderData {
  const b = checkBuilder(builder);
  const dev = existing(b, id, 'set weight of');
  const w = checkWeight(weight);
  const devs = [...b.devs];
  devs[dev.id] = { ...dev, weight: w };
  return freezeBuilder({ ...b, devs, devs_changed: true, version: b.version + 1 });
}

/**
 * Sets the overload: `swift-ring-builder object.builder set_overload 0.1` (the CLI also takes `10%`; give the fraction here)
 * (`RingBuilder.set_overload`). A fraction ≥ 0: how much more than its weight share a device may
 * take so that replicas spread over more failure domains.
 */
export function setOverload(builder: RingBuilderData, overload: number): RingBuilderData {
  const b = checkBuilder(builder);
  return freezeBuilder({ ...b, overload: checkOverload(overload) });
}

/**
 * Sets the replica count: `swift-ring-builder object.builder set_replicas 4`
 * (`RingBuilder.set_replicas`). It takes effect at the next {@link rebalance}, which assigns the
 * new replicas' part-replicas (or drops the surplus rows); until then the ring keeps the replica
 * count of the last rebalance. Marks the devices changed when the count changes.
 *
 * Not simulated: fractional replica counts (Swift's CLI takes e.g. 2.5).
 */
export function setReplicas(builder: RingBuilderData, replicas: number): RingBuilderData {
  const b = checkBuilder(builder);
  const r = checkReplicas(replicas);
  if (r === b.replicas) return b;
  return freezeBuilder({ ...b, replicas: r, devs_changed: true });
}

/** Sets `min_part_hours`: `swift-ring-builder object.builder set_min_part_hours 24` (`change_min_part_hours`). */
export function setMinPartHours(builder: RingBuilderData, min_part_hours: number): RingBuilderData {
  const b = checkBuilder(builder);
  return freezeBuilder({ ...b, min_part_hours: checkMinPartHours(min_part_hours) });
}

/**
 * Marks every partition as moved 255 hours ago, so the next rebalance may move any of them:
 * `swift-ring-builder object.builder pretend_min_part_hours_passed`.
 */
export function pretendMinPartHoursPassed(builder: RingBuilderData): RingBuilderData {
  const b = checkBuilder(builder);
  return freezeBuilder({ ...b, last_part_moves: new Array<number>(b.parts).fill(0xff), last_part_moves_epoch: 0 });
}

/** Seconds of virtual time until `min_part_hours` have passed since the last rebalance (`min_part_seconds_left`). */
export function minPartSecondsLeft(builder: RingBuilderData, now: number): number {
  const b = checkBuilder(builder);
  const t = check.number(now, 'now', 0);
  return Math.max(b.min_part_hours * 3600 - Math.trunc(t - b.last_part_moves_epoch), 0);
}

/** What {@link rebalance} returns: the new builder and what `swift-ring-builder ... rebalance` prints. */
export interface RebalanceResult {
  readonly builder: RingBuilderData;
  /** Part-replicas whose device changed ("Reassigned N partitions"; every one on a first build). */
  readonly parts_moved: number;
  /** {@link getBalance} of the new builder. */
  readonly balance: number;
  /** The new builder's `dispersion`. */
  readonly dispersion: number;
  /** Devices dropped because they were marked for removal. */
  readonly removed_devices: number;
}

/**
 * Rebalances: `swift-ring-builder object.builder rebalance --seed <seed>`
 * (`RingBuilder.rebalance`). Places every part-replica as uniquely as possible over regions,
 * zones, servers (ip) and devices, in proportion to weight within the overload, reassigning
 * removed devices' parts, and moving no partition that moved less than `min_part_hours` ago
 * (`now` is virtual time in seconds; Swift reads the wall clock). The seeded shuffles use
 * stacksim's generator, so the same seed gives the same ring here, though not the ring Swift's
 * Python `random` would give.
 *
 * Not simulated: the CLI's "cowardly refusing to save" check (a rebalance that changed less than
 * 1 % is returned all the same), partition power increase, fractional replicas.
 */
export function rebalance(builder: RingBuilderData, options: { seed: number | string; now: number }): RebalanceResult {
  const b = checkBuilder(builder);
  const { seed, now } = checkRebalanceOptions(options);
  const r = runRebalance(b, seed, now);
  const next = freezeBuilder({
    ...b,
    devs: r.devs,
    replica2part2dev: r.replica2part2dev,
    last_part_moves: r.last_part_moves,
    last_part_moves_epoch: r.last_part_moves_epoch,
    last_part_gather_start: r.last_part_gather_start,
    remove_devs: [],
    devs_changed: false,
    version: b.version + 1,
    dispersion: r.dispersion,
  });
  return Object.freeze({ builder: next, parts_moved: r.parts_moved, balance: balanceOf(next), dispersion: r.dispersion, removed_devices: r.removed_devices });
}

function balanceOf(b: RingBuilderData): number {
  let total = 0;
  for (const d of b.devs) if (d !== null) total += d.weight;
  if (!(total > 0)) {
    throw new InvalidInput('builder.devs', 'there are no devices in this ring, or all devices have been deleted (EmptyRingError); add devices with weight > 0.', 'object.ring.empty');
  }
  const weightOfOnePart = (b.parts * b.replicas) / total;
  let worst = 0;
  for (const d of b.devs) {
    if (d === null) continue;
    const balance = d.weight > 0 ? (100 * d.parts) / (d.weight * weightOfOnePart) - 100 : d.parts > 0 ? MAX_BALANCE : 0;
    if (Math.abs(balance) > worst) worst = Math.abs(balance);
  }
  return worst;
}

/**
 * The ring's balance (`RingBuilder.get_balance`, "Balance" in `swift-ring-builder object.builder`):
 * the largest percentage by which a device's part-replicas differ from its weight share;
 * 999.99 when a device of weight 0 still holds parts. A never-rebalanced ring reports 100.
 */
export function getBalance(builder: RingBuilderData): number {
  return balanceOf(checkBuilder(builder));
}

/**
 * The smallest overload with which the ring can be fully dispersed
 * (`RingBuilder.get_required_overload`; the CLI prints it as "Required overload is N%").
 * A fraction, like `overload`.
 */
export function getRequiredOverload(builder: RingBuilderData): number {
  const b = checkBuilder(builder);
  requireEnoughDevices(b, 'compute the required overload');
  const tt = buildTiers(b.devs);
  const weighted = weightedReplicasByTier(b, tt);
  return requiredOverload(b, tt, weighted, wantedReplicasByTier(b, tt, weighted));
}

/** One tier's line of the dispersion report. */
export interface TierDispersion {
  readonly max_replicas: number;
  readonly placed_parts: number;
  /** Percentage of the tier's part-replicas beyond `max_replicas`. */
  readonly dispersion: number;
  /** `replicas[n]`: partitions with n replicas in the tier. */
  readonly replicas: readonly number[];
}

/** What `swift-ring-builder object.builder dispersion [-v]` reports (ring/utils.py `dispersion_report`). */
export interface DispersionReport {
  readonly max_dispersion: number;
  /** Name of the worst tier (`r1z2`, `r1z2-10.0.0.1/sdb`, …), null when all are fully dispersed. */
  readonly worst_tier: string | null;
  /** Per tier, sorted as Swift sorts them; only when `verbose`. */
  readonly graph: readonly (readonly [string, TierDispersion])[];
}

/**
 * The dispersion report: `swift-ring-builder object.builder dispersion [--verbose]`
 * (`dispersion_report`): for each tier, how many partitions hold 0, 1, 2 … replicas there and
 * the share placed beyond what the tier may hold. The builder's own `dispersion` figure (after a
 * rebalance) counts each part-replica once, at the tier where it is worst.
 *
 * Not simulated: the search filter (a regular expression over tier names).
 */
export function getDispersion(builder: RingBuilderData, options: { verbose?: boolean } = {}): DispersionReport {
  const b = checkBuilder(builder);
  const o = check.record(options, 'options');
  check.onlyKeys(o, ['verbose'], 'options');
  const verbose = o.verbose === undefined ? false : check.boolean(o.verbose, 'options.verbose');
  const r2p = b.replica2part2dev;
  if (r2p === null) throw new InvalidState('object.ring.not_rebalanced', 'this builder was never rebalanced; rebalance it first to get a dispersion report.');
  const tt = buildTiers(b.devs);
  // the rows of the last rebalance (a `set_replicas` since then takes effect at the next one)
  const R = r2p.length;
  const counts: (Int32Array | undefined)[] = new Array(tt.count);
  const rat = new Int32Array(tt.count);
  for (let p = 0; p < b.parts; p++) {
    for (let r = 0; r < R; r++) {
      const id = (r2p[r] as readonly number[])[p] as number;
      for (let k = 0; k < 4; k++) rat[tt.devTier[id * 4 + k] as number]!++;
    }
    for (let r = 0; r < R; r++) {
      const id = (r2p[r] as readonly number[])[p] as number;
      for (let k = 0; k < 4; k++) {
        const t = tt.devTier[id * 4 + k] as number;
        const n = rat[t] as number;
        if (n === 0) continue;
        rat[t] = 0;
        let c = counts[t];
        if (c === undefined) {
          c = new Int32Array(R + 1);
          c[0] = b.parts;
          counts[t] = c;
        }
        c[0]!--;
        c[n]!++;
      }
    }
  }
  const maxAllowed = maxReplicasByTier(b, tt, Math.ceil);
  const tiers = [...counts.keys()].filter((t) => counts[t] !== undefined).sort((x, y) => compareTiers(tt.key[x] as (number | string)[], tt.key[y] as (number | string)[]));
  let max_dispersion = 0;
  let worst_tier: string | null = null;
  const graph: (readonly [string, TierDispersion])[] = [];
  for (const t of tiers) {
    const c = counts[t] as Int32Array;
    const name = tierName(tt, t, b.devs);
    const maxReplicas = Math.trunc(maxAllowed[t] as number);
    let atRisk = 0;
    let placed = 0;
    for (let i = 1; i <= R; i++) {
      placed += (c[i] as number) * i;
      if (i > maxReplicas) atRisk += (c[i] as number) * (i - maxReplicas);
    }
    const dispersion = (100 * atRisk) / placed;
    if (dispersion > max_dispersion) {
      max_dispersion = dispersion;
      worst_tier = name;
    }
    if (verbose) graph.push(Object.freeze([name, Object.freeze({ max_replicas: maxReplicas, placed_parts: placed, dispersion, replicas: Object.freeze(Array.from(c)) })] as const));
  }
  return Object.freeze({ max_dispersion, worst_tier, graph: Object.freeze(graph) });
}
