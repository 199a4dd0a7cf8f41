/**
 * A volume scheduling decision explained, in the shape of nova's (`src/scheduler/filter_scheduler/explain.ts`):
 * each filter's "start N, end M" and the reason each pool was removed (Cinder's filtration log,
 * `base_filter.py` `_log_filtration`), each weigher's raw, normalised, multiplier and score per
 * pool, the totals in ranked order, the `resource_backend` restriction, and the pool chosen.
 */

/** What was asked, as the explanation shows it. */
export interface VolumeRequestSummary {
  readonly volume_id: string;
  readonly size: number;
  /** The size an extend asks for, else null. */
  readonly new_size: number | null;
  /** The volume type's name, or null without a type. */
  readonly volume_type: string | null;
  readonly availability_zone: string | null;
}

/** A pool removed by a step, and why. */
export interface RemovedPool {
  readonly pool: string;
  readonly reason: string;
}

/** One filtering step (a filter, or the `resource_backend` restriction). */
export interface VolumeFilterTrace {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly removed: readonly RemovedPool[];
}

/** One weigher's contribution for one pool: `score = multiplier × normalised`. */
export interface VolumeWeigherScore {
  readonly pool: string;
  readonly raw: number;
  readonly normalised: number;
  readonly multiplier: number;
  readonly score: number;
}

/** One weigher over all pools; `minval` / `maxval` are the bounds it normalised with (Cinder's `weigher.minval` / `maxval` after `weigh_objects`). */
export interface VolumeWeigherTrace {
  readonly name: string;
  readonly minval: number | null;
  readonly maxval: number | null;
  readonly pools: readonly VolumeWeigherScore[];
}

/** A pool's total weight. */
export interface VolumePoolTotal {
  readonly pool: string;
  readonly total: number;
}

/** The whole decision. */
export interface VolumeExplanation {
  readonly outcome: 'scheduled' | 'no_valid_backend';
  /** Cinder's `NoValidBackend` message when `outcome` is `no_valid_backend`, else null. */
  readonly reason: string | null;
  readonly request: VolumeRequestSummary;
  /** Every configured filter in order; Cinder runs them all, even once no pool is left. */
  readonly filters: readonly VolumeFilterTrace[];
  /** Empty when the filters left no pool (Cinder then weighs nothing). */
  readonly weighers: readonly VolumeWeigherTrace[];
  /** Pools in the order Cinder ranks them: total descending, ties in input order. */
  readonly totals: readonly VolumePoolTotal[];
  /** `_schedule`'s removal of weighed pools outside the request's `resource_backend`, when it has one. */
  readonly resource_backend: VolumeFilterTrace | null;
  /** The pool (`host@backend#pool`) chosen, or null. */
  readonly chosen: string | null;
}

const num = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6))));

function formatStep(step: VolumeFilterTrace, out: string[]): void {
  out.push(`  ${step.name}: (start: ${step.start}, end: ${step.end})`);
  for (const r of step.removed) out.push(`    - ${r.pool}: ${r.reason}`);
}

/** The explanation as readable lines, one step per line (for notebooks, logs and error reports), like nova's `formatExplanation`. */
export function formatVolumeExplanation(e: VolumeExplanation): string[] {
  const r = e.request;
  const what =
    `volume ${r.volume_id} (${r.new_size === null ? `${r.size} GB` : `extend ${r.size} → ${r.new_size} GB`}, ` +
    `type ${r.volume_type ?? 'none'}, availability zone ${r.availability_zone ?? 'any'})`;
  const out: string[] = [e.outcome === 'scheduled' ? `scheduled ${what}` : `no valid backend for ${what}: ${e.reason ?? ''}`];
  for (const step of e.filters) formatStep(step, out);
  for (const w of e.weighers) {
    out.push(`  ${w.name}: (min: ${w.minval === null ? '-' : num(w.minval)}, max: ${w.maxval === null ? '-' : num(w.maxval)})`);
    for (const s of w.pools) out.push(`    ${s.pool}: raw ${num(s.raw)} → normalised ${num(s.normalised)} × ${num(s.multiplier)} = ${num(s.score)}`);
  }
  if (e.totals.length > 0) out.push(`  weights: ${e.totals.map((t) => `${t.pool} ${num(t.total)}`).join(', ')}`);
  if (e.resource_backend !== null) formatStep(e.resource_backend, out);
  out.push(e.chosen === null ? '  no pool' : `  → ${e.chosen}`);
  return out;
}
