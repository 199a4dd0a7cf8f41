/**
 * Weighing, as Cinder's `cinder/scheduler/base_weight.py` does it: each weigher gives every pool a
 * raw weight, the weights are min–max normalised to [0, 1] over the pools (all equal: all 0),
 * multiplied by the weigher's multiplier and added to the pool's total, in that order of
 * operations; pools are sorted by total, highest first, ties keeping their input order (Python's
 * `sorted(..., reverse=True)` is stable). Unlike nova, Cinder weighs a single pool too (its
 * weights are all 0).
 */
import type { BlockConfig } from '../types.js';
import type { VolumeWeigherTrace } from './explain.js';
import type { BackendWeigher, PoolState, VolumeRequestSpec } from './types.js';

/**
 * Cinder's `normalize(weight_list, minval, maxval)`: `(w − minval) / (maxval − minval)`, the
 * bounds being the list's own minimum and maximum when not given; all 0 when they are equal.
 */
export function normalizeWeights(weights: readonly number[], minval: number | null = null, maxval: number | null = null): number[] {
  if (weights.length === 0) return [];
  const hi = maxval ?? Math.max(...weights);
  const lo = minval ?? Math.min(...weights);
  if (lo === hi) return weights.map(() => 0);
  const range = hi - lo;
  return weights.map((w) => (w - lo) / range);
}

/** A pool with its total weight (Cinder's `WeighedHost`). */
export interface WeighedPool {
  readonly pool: PoolState;
  readonly weight: number;
}

/** The weighed pools, best first, and what each weigher contributed. */
export interface PoolWeighing {
  readonly weighed: readonly WeighedPool[];
  readonly steps: readonly VolumeWeigherTrace[];
}

/** Weighs `pools` with `weighers` (Cinder's `BaseWeightHandler.get_weighed_objects`). */
export function weighPools(weighers: readonly BackendWeigher[], pools: readonly PoolState[], spec: VolumeRequestSpec, config: BlockConfig): PoolWeighing {
  if (pools.length === 0) return { weighed: [], steps: [] };
  const totals = pools.map(() => 0);
  const steps: VolumeWeigherTrace[] = [];
  for (const weigher of weighers) {
    const raw = pools.map((p) => weigher.weigh(p, spec, config));
    // weigh_objects records the minimum and maximum seen as the weigher's minval / maxval
    let minval = raw[0] as number;
    let maxval = raw[0] as number;
    for (const w of raw) {
      if (w < minval) minval = w;
      else if (w > maxval) maxval = w;
    }
    const normalised = normalizeWeights(raw, minval, maxval);
    const multiplier = weigher.multiplier(config);
    steps.push({
      name: weigher.name,
      minval,
      maxval,
      pools: pools.map((p, i) => {
        const score = multiplier * (normalised[i] as number);
        totals[i] = (totals[i] as number) + score;
        return { pool: p.name, raw: raw[i] as number, normalised: normalised[i] as number, multiplier, score };
      }),
    });
  }
  const order = pools.map((_, i) => i).sort((a, b) => (totals[b] as number) - (totals[a] as number) || a - b);
  return { weighed: order.map((i) => ({ pool: pools[i] as PoolState, weight: totals[i] as number })), steps };
}
