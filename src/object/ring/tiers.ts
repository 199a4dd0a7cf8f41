/**
 * Swift's failure-domain tiers and the replica plan built over them (builder.py
 * `_build_weighted_replicas_by_tier`, `_build_max_replicas_by_tier`,
 * `_build_wanted_replicas_by_tier`, `get_required_overload`, `_build_target_replicas_by_tier`,
 * `_build_replica_plan`, `_set_parts_wanted`).
 *
 * A tier is a tuple: `()` the cluster, `(region,)`, `(region, zone)`, `(region, zone, ip)` and
 * `(region, zone, ip, id)` a device (ring/utils.py `tiers_for_dev`). Here each tier gets an
 * integer index so the rebalance can keep per-tier counters in typed arrays. Sums run in the
 * same order as Swift's, so the floating-point figures match its own.
 */
import { CloudError, InvalidInput } from '../../core/index.js';
import type { RingBuilderData, RingDevice } from './types.js';

/** Tolerance Swift uses when it compares replicanths. */
const EPS = 1e-10;

/** Per-tier structure of a builder's devices (all non-removed entries of `devs`). */
export interface TierTable {
  /** Number of tiers; tier 0 is the cluster `()`. */
  readonly count: number;
  /** 0 for the cluster, 1 region, 2 zone, 3 server (ip), 4 device. */
  readonly depth: Int8Array;
  readonly parent: Int32Array;
  /** The tier tuple, for sorting and names. */
  readonly key: readonly (readonly (number | string)[])[];
  /** Weighted devices under each tier (`num_devices` in `_build_wanted_replicas_by_tier`). */
  readonly numDevices: Int32Array;
  /** Children with weighted devices below them, sorted as Python sorts the tuples (`sorted(tier2children[t])`). */
  readonly children: readonly (readonly number[])[];
  /** `devTier[id * 4 + k]`: the tier of depth k + 1 of device `id` (−1 for a hole). */
  readonly devTier: Int32Array;
  /** The device id of a depth-4 tier (−1 otherwise). */
  readonly tierDev: Int32Array;
}

/** Compares tier tuples as Python compares tuples of ints and strings. */
export function compareTiers(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number | string;
    const y = b[i] as number | string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Builds the tier table over `devs` (holes skipped); the weighted tree counts only weight > 0. */
export function buildTiers(devs: readonly (RingDevice | null)[]): TierTable {
  const index = new Map<string, number>();
  const depth: number[] = [0];
  const parent: number[] = [-1];
  const key: (number | string)[][] = [[]];
  const tierDev: number[] = [-1];
  const devTier = new Int32Array(devs.length * 4).fill(-1);
  const get = (k: string, tuple: (number | string)[], par: number, id: number): number => {
    let t = index.get(k);
    if (t === undefined) {
      t = key.length;
      index.set(k, t);
      depth.push(tuple.length);
      parent.push(par);
      key.push(tuple);
      tierDev.push(id);
    }
    return t;
  };
  for (const d of devs) {
    if (d === null) continue;
    const r = get(`${d.region}`, [d.region], 0, -1);
    const z = get(`${d.region}\u0000${d.zone}`, [d.region, d.zone], r, -1);
    const s = get(`${d.region}\u0000${d.zone}\u0000${d.ip}`, [d.region, d.zone, d.ip], z, -1);
    const v = get(`#${d.id}`, [d.region, d.zone, d.ip, d.id], s, d.id);
    devTier.set([r, z, s, v], d.id * 4);
  }
  const count = key.length;
  const numDevices = new Int32Array(count);
  const childSets: Set<number>[] = Array.from({ length: count }, () => new Set<number>());
  for (const d of devs) {
    if (d === null || !(d.weight > 0)) continue;
    numDevices[0]!++;
    let par = 0;
    for (let k = 0; k < 4; k++) {
      const t = devTier[d.id * 4 + k] as number;
      numDevices[t]!++;
      childSets[par]!.add(t);
      par = t;
    }
  }
  const children = childSets.map((s) => [...s].sort((a, b) => compareTiers(key[a] as (number | string)[], key[b] as (number | string)[])));
  return {
    count,
    depth: Int8Array.from(depth),
    parent: Int32Array.from(parent),
    key,
    numDevices,
    children,
    devTier,
    tierDev: Int32Array.from(tierDev),
  };
}

/** Devices with weight, counted; throws what Swift's rebalance raises when there are too few. */
export function requireEnoughDevices(b: RingBuilderData, action: string): void {
  let weighted = 0;
  let total = 0;
  for (const d of b.devs) {
    if (d === null) continue;
    total += d.weight;
    if (d.weight > 0) weighted++;
  }
  if (weighted === 0 || !(total > 0)) {
    throw new InvalidInput('builder.devs', `cannot ${action}: there are no devices with weight > 0 in this ring (EmptyRingError); add devices or give them weight.`, 'object.ring.empty');
  }
  if (weighted < b.replicas) {
    throw new InvalidInput(
      'builder.devs',
      `cannot ${action}: a replica count of ${b.replicas} requires at least ${b.replicas} devices with weight > 0, found ${weighted}; add devices or lower the replica count.`,
      'object.ring.too_few_devices',
    );
  }
}

/** Per-tier replicanths by weight alone, each device capped at one replica (`_build_weighted_replicas_by_tier`). */
export function weightedReplicasByTier(b: RingBuilderData, tt: TierTable): Float64Array {
  let totalWeight = 0;
  for (const d of b.devs) if (d !== null) totalWeight += d.weight;
  const weightOfOnePart = (b.parts * b.replicas) / totalWeight;
  const forDev = new Map<number, number>();
  let room: number[] = [];
  for (const d of b.devs) {
    if (d === null || !(d.weight > 0)) continue;
    let w = (d.weight * weightOfOnePart) / b.parts;
    if (w < 1) room.push(d.id);
    else w = 1;
    forDev.set(d.id, w);
  }
  for (let guard = 0; ; guard++) {
    let sum = 0;
    for (const w of forDev.values()) sum += w;
    const remaining = b.replicas - sum;
    if (remaining < EPS) break;
    room = room.filter((id) => (forDev.get(id) as number) < 1);
    let roomSum = 0;
    for (const id of room) roomSum += forDev.get(id) as number;
    if (room.length === 0 || guard > 10_000) throw internal('weighted replicas do not converge');
    const rel = remaining / roomSum;
    for (const id of room) forDev.set(id, Math.min(1, (forDev.get(id) as number) * (rel + 1)));
  }
  const out = new Float64Array(tt.count);
  for (const d of b.devs) {
    if (d === null || !(d.weight > 0)) continue;
    const w = forDev.get(d.id) as number;
    out[0]! += w;
    for (let k = 0; k < 4; k++) out[tt.devTier[d.id * 4 + k] as number]! += w;
  }
  return out;
}

/**
 * The most replicas a tier may hold for the most even spread (`_build_max_replicas_by_tier`):
 * a tier's share split evenly among its children, rounded by `bound` (`Math.ceil`, or the
 * identity for the float version); a device holds at most 1. Tiers without weight stay 0.
 */
export function maxReplicasByTier(b: RingBuilderData, tt: TierTable, bound: (x: number) => number): Float64Array {
  const out = new Float64Array(tt.count);
  const walk = (tier: number, count: number): void => {
    const v = tt.depth[tier] === 4 ? Math.min(1, count) : count;
    out[tier] = v;
    const kids = tt.children[tier] as readonly number[];
    for (const c of kids) walk(c, bound(v / kids.length));
  };
  walk(0, b.replicas);
  return out;
}

/**
 * Replicanths per tier for the most unique placement the device counts allow, as close to the
 * weights as that permits (`_build_wanted_replicas_by_tier`).
 */
export function wantedReplicasByTier(b: RingBuilderData, tt: TierTable, weighted: Float64Array): Float64Array {
  const dispersed = maxReplicasByTier(b, tt, (x) => x);
  const out = new Float64Array(tt.count);
  const place = (tier: number, replicanths: number): void => {
    if (replicanths > (tt.numDevices[tier] as number)) {
      throw new InvalidInput('builder.devs', `more replicanths (${replicanths}) than devices (${tt.numDevices[tier]}) in tier ${tierName(tt, tier)}; add devices.`, 'object.ring.too_few_devices');
    }
    out[tier] = replicanths;
    const subs = tt.children[tier] as readonly number[];
    if (subs.length === 0) return;
    const toPlace = new Map<number, number>(subs.map((t) => [t, 0]));
    const min = (t: number): number => Math.floor(dispersed[t] as number);
    const max = (t: number): number => Math.ceil(dispersed[t] as number);
    let remaining = replicanths;
    let spread: readonly number[] = subs;
    let deviceLimited = false;
    for (let guard = 0; ; guard++) {
      if (guard > 10_000 || spread.length === 0) throw internal(`cannot spread ${replicanths} replicanths under tier ${tierName(tt, tier)}`);
      let wsum = 0;
      for (const t of spread) wsum += weighted[t] as number;
      const rel = remaining / wsum;
      for (const t of spread) {
        let r = (toPlace.get(t) as number) + (weighted[t] as number) * rel;
        if (r < min(t)) r = min(t);
        else if (r > max(t) && !deviceLimited) r = max(t);
        if (r > (tt.numDevices[t] as number)) r = tt.numDevices[t] as number;
        toPlace.set(t, r);
      }
      let placed = 0;
      for (const v of toPlace.values()) placed += v;
      remaining = replicanths - placed;
      if (remaining < -EPS) {
        spread = subs.filter((t) => (toPlace.get(t) as number) > min(t));
      } else if (remaining > EPS) {
        spread = subs.filter((t) => (tt.numDevices[t] as number) > (toPlace.get(t) as number) && (toPlace.get(t) as number) < max(t));
        if (spread.length === 0) {
          deviceLimited = true;
          spread = subs.filter((t) => (toPlace.get(t) as number) < (tt.numDevices[t] as number));
        }
      } else {
        break;
      }
    }
    for (const t of subs) place(t, toPlace.get(t) as number);
  };
  place(0, b.replicas);
  return out;
}

/**
 * The overload the most dispersed placement needs: the largest relative excess of a device's
 * wanted replicanths over its weighted ones (`get_required_overload`).
 */
export function requiredOverload(b: RingBuilderData, tt: TierTable, weighted: Float64Array, wanted: Float64Array): number {
  let max = 0;
  for (const d of b.devs) {
    if (d === null || !(d.weight > 0)) continue;
    const t = tt.devTier[d.id * 4 + 3] as number;
    const required = ((wanted[t] as number) - (weighted[t] as number)) / (weighted[t] as number);
    if (required > max) max = required;
  }
  return max;
}

/** Per-tier replica plan: target replicanths between weighted and wanted by the overload, with floor / ceil. */
export interface ReplicaPlan {
  readonly min: Int32Array;
  readonly target: Float64Array;
  readonly max: Int32Array;
}

/** `_build_target_replicas_by_tier` + `_build_replica_plan`. Tiers without weight plan 0. */
export function replicaPlan(b: RingBuilderData, tt: TierTable): ReplicaPlan {
  const weighted = weightedReplicasByTier(b, tt);
  const wanted = wantedReplicasByTier(b, tt, weighted);
  const maxOverload = requiredOverload(b, tt, weighted, wanted);
  let target = wanted;
  if (maxOverload > 0) {
    const overload = Math.min(b.overload, maxOverload);
    target = new Float64Array(tt.count);
    for (let t = 0; t < tt.count; t++) {
      if (t !== 0 && !((tt.numDevices[t] as number) > 0)) continue;
      const w = weighted[t] as number;
      const m = ((wanted[t] as number) - w) / maxOverload;
      target[t] = m * overload + w;
    }
  }
  const min = new Int32Array(tt.count);
  const max = new Int32Array(tt.count);
  for (let t = 0; t < tt.count; t++) {
    const r = target[t] as number;
    min[t] = Math.floor(r + EPS);
    max[t] = Math.ceil(r - EPS);
  }
  // A tier may hold no more than its children together may: with ordinary weights ceil is
  // subadditive and this changes nothing, but a device whose share is below EPS (weights some
  // 1e10 apart) plans 0 while its parent, summing such shares, plans 1 — and the placement would
  // descend into a tier with room where no device has any (Swift's "no home" for a part).
  const byDepth = [...Array(tt.count).keys()].sort((x, y) => (tt.depth[y] as number) - (tt.depth[x] as number));
  for (const t of byDepth) {
    const kids = tt.children[t] as readonly number[];
    if (kids.length === 0) continue;
    let room = 0;
    for (const c of kids) room += max[c] as number;
    if (room < (max[t] as number)) max[t] = room;
    if ((min[t] as number) > (max[t] as number)) min[t] = max[t] as number;
  }
  if ((max[0] as number) < b.replicas) {
    throw new InvalidInput(
      'builder.devs',
      `cannot place ${b.replicas} replicas: only ${max[0]} of the devices with weight have a usable share of it (a weight below about 1e-10 of the total holds nothing); give those devices more weight, or weight 0.`,
      'object.ring.too_few_devices',
    );
  }
  return { min, target, max };
}

/**
 * Part-replicas each weighted device should hold under the plan (`_set_parts_wanted`): each
 * tier's parts split among its children by `floor(target × parts)`, the remainder dealt one by
 * one to the children with the smallest target first. Returns the parts per device tier.
 */
export function partsByTier(b: RingBuilderData, tt: TierTable, plan: ReplicaPlan): Float64Array {
  const out = new Float64Array(tt.count);
  const place = (tier: number, parts: number): void => {
    out[tier] = parts;
    const subs = tt.children[tier] as readonly number[];
    if (subs.length === 0) return;
    const toPlace = new Map<number, number>();
    for (const t of subs) {
      const n = Math.min(parts, Math.floor((plan.target[t] as number) * b.parts));
      toPlace.set(t, n);
      parts -= n;
    }
    const cycle = [...subs].sort((x, y) => (plan.target[x] as number) - (plan.target[y] as number));
    for (let i = 0; parts > 0; i = (i + 1) % cycle.length) {
      const t = cycle[i] as number;
      toPlace.set(t, (toPlace.get(t) as number) + 1);
      parts--;
    }
    for (const [t, n] of toPlace) place(t, n);
  };
  place(0, Math.trunc(b.replicas * b.parts));
  return out;
}

/** Swift's tier name (ring/utils.py `get_tier_name`): `r1`, `r1z2`, `r1z2-10.0.0.1`, `r1z2-10.0.0.1/sdb`. */
export function tierName(tt: TierTable, tier: number, devs?: readonly (RingDevice | null)[]): string {
  const k = tt.key[tier] as readonly (number | string)[];
  switch (k.length) {
    case 0:
      return '()';
    case 1:
      return `r${k[0]}`;
    case 2:
      return `r${k[0]}z${k[1]}`;
    case 3:
      return `r${k[0]}z${k[1]}-${k[2]}`;
    default: {
      const dev = devs?.[k[3] as number];
      return `r${k[0]}z${k[1]}-${k[2]}/${dev ? dev.device : `IDd${k[3]}`}`;
    }
  }
}

function internal(what: string): CloudError {
  return new CloudError(500, 'object.ring.internal', `ring builder: ${what}; please report this with the builder's data.`);
}
