/**
 * Weighing, as `nova/weights.py` does it: each weigher gives every host a raw weight (clamped to
 * the weigher's `minval` / `maxval`), the weights are min–max normalised to [0, 1], multiplied by
 * the host's multiplier and summed; hosts are sorted by total, highest first, ties keeping their
 * input order (Python's stable sort).
 */
import type { HostState, HostWeigher, RequestSpec, SchedulerConfig } from './types.js';
import type { WeigherTrace } from './explain.js';

/**
 * nova's `normalize`: maps values onto [0, 1] between `minval` and `maxval` (the list's own
 * minimum and maximum when not given). When the two are equal every value becomes 0.
 */
export function normalize(values: readonly number[], minval: number | null = null, maxval: number | null = null): number[] {
  if (values.length === 0) return [];
  const hi = maxval ?? Math.max(...values);
  const lo = minval ?? Math.min(...values);
  if (lo === hi) return values.map(() => 0);
  const range = hi - lo;
  return values.map((v) => (v - lo) / range);
}

/** A host with its total weight. */
export interface WeighedHost<H extends HostState = HostState> {
  readonly host: H;
  readonly weight: number;
}

/** The weighed hosts, best first, and what each weigher contributed. */
export interface Weighing<H extends HostState = HostState> {
  readonly weighed: readonly WeighedHost<H>[];
  readonly steps: readonly WeigherTrace[];
}

/**
 * Weighs `hosts` with `weighers` (nova's `get_weighed_objects`). With one host or none nothing
 * is weighed and every weight is 0, as in nova.
 */
export function weighHosts<H extends HostState>(
  weighers: readonly HostWeigher[],
  hosts: readonly H[],
  spec: RequestSpec,
  config: SchedulerConfig,
  traced = true,
): Weighing<H> {
  const totals = hosts.map(() => 0.0);
  const steps: WeigherTrace[] = [];
  if (hosts.length > 1) {
    for (const weigher of weighers) {
      const raw = hosts.map((h) => {
        let w = weigher.weigh(h, spec, config);
        if (weigher.minval !== null) w = Math.max(w, weigher.minval);
        if (weigher.maxval !== null) w = Math.min(w, weigher.maxval);
        return w;
      });
      const normalised = normalize(raw, weigher.minval, weigher.maxval);
      if (!traced) {
        // the same arithmetic, without the per-host trace objects
        for (let i = 0; i < hosts.length; i++) totals[i] = (totals[i] as number) + weigher.multiplier(config, hosts[i] as H) * (normalised[i] as number);
        continue;
      }
      steps.push({
        name: weigher.name,
        minval: weigher.minval,
        maxval: weigher.maxval,
        hosts: hosts.map((h, i) => {
          const multiplier = weigher.multiplier(config, h);
          const score = multiplier * (normalised[i] as number);
          totals[i] = (totals[i] as number) + score;
          return { host: h.host, nodename: h.nodename, raw: raw[i] as number, normalised: normalised[i] as number, multiplier, score };
        }),
      });
    }
  }
  const weighed = hosts.map((host, i) => ({ host, weight: totals[i] as number }));
  weighed.sort((a, b) => b.weight - a.weight);
  return { weighed, steps };
}
