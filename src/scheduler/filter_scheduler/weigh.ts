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
 * The total weight of each host (nova's `get_weighed_objects` without the sort), and with
 * `traced` what each weigher contributed.
 */
export function weighTotals<H extends HostState>(
  weighers: readonly HostWeigher[],
  hosts: readonly H[],
  spec: RequestSpec,
  config: SchedulerConfig,
  traced: boolean,
): { totals: Float64Array; steps: WeigherTrace[] } {
  const n = hosts.length;
  const totals = new Float64Array(n);
  const steps: WeigherTrace[] = [];
  if (n <= 1) return { totals, steps };
  let raw: Float64Array | null = null;
  for (const weigher of weighers) {
    const uniform = weigher.uniformWeight?.(spec, config) ?? null;
    // every host weighs the same: normalised to 0 unless minval / maxval set a range
    if (uniform !== null && !traced && uniformRange(weigher, uniform) === 0) continue;
    raw ??= new Float64Array(n);
    rawWeights(weigher, hosts, spec, config, uniform, raw);
    const [low, range] = clampedRange(weigher, raw, n);
    if (traced) steps.push(tracedStep(weigher, hosts, config, raw, low, range, totals));
    // every normalised weight is 0 when the range is empty: nothing to add
    else if (range !== 0) addWeights(weigher, hosts, config, raw, low, range, totals);
  }
  return { totals, steps };
}

/** The normalisation range of a weigher whose every host weighs `uniform`. */
export function uniformRange(weigher: HostWeigher, uniform: number): number {
  const { minval, maxval } = weigher;
  const u = minval !== null && uniform < minval ? minval : maxval !== null && uniform > maxval ? maxval : uniform;
  return (maxval ?? u) - (minval ?? u);
}

// the loops below are kept small and free of closures: they run for every host of every request

function rawWeights<H extends HostState>(weigher: HostWeigher, hosts: readonly H[], spec: RequestSpec, config: SchedulerConfig, uniform: number | null, raw: Float64Array): void {
  if (uniform !== null) raw.fill(uniform, 0, hosts.length);
  else for (let i = 0; i < hosts.length; i++) raw[i] = weigher.weigh(hosts[i] as H, spec, config);
}

/**
 * Clamps raw weights to the weigher's `[minval, maxval]` in place and gives nova's normalisation
 * bounds: the low end (`minval`, else the minimum) and the range (`maxval`, else the maximum, minus it).
 */
export function clampedRange(weigher: HostWeigher, raw: Float64Array, n: number): [low: number, range: number] {
  const { minval, maxval } = weigher;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    let w = raw[i] as number;
    if (minval !== null && w < minval) raw[i] = w = minval;
    if (maxval !== null && w > maxval) raw[i] = w = maxval;
    if (w < lo) lo = w;
    if (w > hi) hi = w;
  }
  const low = minval ?? lo;
  return [low, (maxval ?? hi) - low];
}

/** Adds `multiplier × (raw − low) / range` to each host's total (the multiplier asked once per distinct aggregates list). */
function addWeights<H extends HostState>(weigher: HostWeigher, hosts: readonly H[], config: SchedulerConfig, raw: Float64Array, low: number, range: number, totals: Float64Array): void {
  let lastAggregates: HostState['aggregates'] | null = null;
  let emptyMultiplier: number | null = null;
  let multiplier = 0;
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i] as H;
    if (h.aggregates !== lastAggregates) {
      lastAggregates = h.aggregates;
      multiplier = h.aggregates.length === 0 && emptyMultiplier !== null ? emptyMultiplier : weigher.multiplier(config, h);
      if (h.aggregates.length === 0) emptyMultiplier = multiplier;
    }
    totals[i] = weighted(totals[i] as number, multiplier, raw[i] as number, low, range);
  }
}

/** One weigher's share added to a total: the one formula, so a total kept between requests is the very number computed afresh. */
export function weighted(total: number, multiplier: number, raw: number, low: number, range: number): number {
  return total + (multiplier * (raw - low)) / range;
}

function tracedStep<H extends HostState>(weigher: HostWeigher, hosts: readonly H[], config: SchedulerConfig, raw: Float64Array, low: number, range: number, totals: Float64Array): WeigherTrace {
  return {
    name: weigher.name,
    minval: weigher.minval,
    maxval: weigher.maxval,
    hosts: hosts.map((h, i) => {
      const multiplier = weigher.multiplier(config, h);
      const normalised = range === 0 ? 0 : ((raw[i] as number) - low) / range;
      const score = multiplier * normalised;
      totals[i] = (totals[i] as number) + score;
      return { host: h.host, nodename: h.nodename, raw: raw[i] as number, normalised, multiplier, score };
    }),
  };
}

/** Hosts best first, read one at a time: what a decision needs of a ranking. */
export interface RankedHosts<H> {
  /** How many hosts are ranked. */
  readonly length: number;
  /** The k-th best host (0 is the best). */
  at(k: number): H;
  /** The total weight of the k-th best host. */
  weightAt(k: number): number;
}

/**
 * Hosts best first — highest total weight, equal weights in input order (Python's stable sort) —
 * ordered lazily: a heap gives the k-th best in O(log n) each, so a request that needs only the
 * best few hosts (one instance, its alternates) does not pay for sorting them all.
 */
export class Ranking<H> implements RankedHosts<H> {
  readonly #hosts: readonly H[];
  readonly #totals: Float64Array;
  readonly #heap: Int32Array;
  #size: number;
  readonly #done: number[] = [];

  constructor(hosts: readonly H[], totals: Float64Array) {
    this.#hosts = hosts;
    this.#totals = totals;
    const n = hosts.length;
    this.#heap = new Int32Array(n);
    for (let i = 0; i < n; i++) this.#heap[i] = i;
    this.#size = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  /** How many hosts there are. */
  get length(): number {
    return this.#hosts.length;
  }

  /** The k-th best host (0 is the best). */
  at(k: number): H {
    if (!(k >= 0 && k < this.#hosts.length)) throw new RangeError(`no host ranked ${k} of ${this.#hosts.length}`);
    while (this.#done.length <= k) this.#pop();
    return this.#hosts[this.#done[k] as number] as H;
  }

  /** The total weight of the k-th best host. */
  weightAt(k: number): number {
    this.at(k);
    return this.#totals[this.#done[k] as number] as number;
  }

  /** All hosts, best first. */
  toArray(): H[] {
    const out: H[] = [];
    for (let k = 0; k < this.length; k++) out.push(this.at(k));
    return out;
  }

  #before(a: number, b: number): boolean {
    const ta = this.#totals[a] as number;
    const tb = this.#totals[b] as number;
    return ta > tb || (ta === tb && a < b);
  }

  #down(i: number): void {
    const heap = this.#heap;
    const size = this.#size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) return;
      const r = l + 1;
      const c = r < size && this.#before(heap[r] as number, heap[l] as number) ? r : l;
      if (!this.#before(heap[c] as number, heap[i] as number)) return;
      const t = heap[i] as number;
      heap[i] = heap[c] as number;
      heap[c] = t;
      i = c;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    this.#done.push(heap[0] as number);
    this.#size -= 1;
    heap[0] = heap[this.#size] as number;
    this.#down(0);
  }
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
  const { totals, steps } = weighTotals(weighers, hosts, spec, config, traced);
  const ranking = new Ranking(hosts, totals);
  return { weighed: Array.from({ length: hosts.length }, (_, k) => ({ host: ranking.at(k), weight: ranking.weightAt(k) })), steps };
}
