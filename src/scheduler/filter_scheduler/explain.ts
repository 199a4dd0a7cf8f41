/**
 * A scheduling decision explained: per instance, each filter's "start N, end M" and the reason
 * each host was removed (nova's filter trace), each weigher's raw, normalised, multiplier and
 * score per host, the totals, the subset the host was drawn from, Placement's claims, and the
 * alternates — as kube-scheduler-simulator does for Kubernetes.
 */

/** A host as a trace names it. */
export interface HostRef {
  readonly host: string;
  readonly nodename: string;
  readonly uuid: string;
}

/** A host removed by a step, and why. */
export interface RemovedHost {
  readonly host: string;
  readonly nodename: string;
  readonly reason: string;
}

/** One filtering step: a filter, a request pre-filter, Placement, or `ignore_hosts` / `force_hosts`. */
export interface FilterTrace {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly removed: readonly RemovedHost[];
}

/** One weigher's contribution for one host: `score = multiplier × normalised`. */
export interface WeigherScore {
  readonly host: string;
  readonly nodename: string;
  readonly raw: number;
  readonly normalised: number;
  readonly multiplier: number;
  readonly score: number;
}

/** One weigher over all hosts. */
export interface WeigherTrace {
  readonly name: string;
  readonly minval: number | null;
  readonly maxval: number | null;
  readonly hosts: readonly WeigherScore[];
}

/** A host's total weight. */
export interface HostTotal extends HostRef {
  readonly total: number;
}

/** One of nova's `_get_sorted_hosts` rounds: filter, weigh, draw from the best subset. */
export interface SortTrace {
  /** The instance's index in the request. */
  readonly index: number;
  readonly instance_uuid: string;
  /** `requested_destination`, `ignore_hosts`, `force_hosts`, `force_nodes`, when they applied. */
  readonly destination: readonly FilterTrace[];
  /** True when `force_hosts` / `force_nodes` bypassed the filters, as nova does. */
  readonly forced: boolean;
  readonly filters: readonly FilterTrace[];
  /** Filters not run for this instance (nova's `run_filter_once_per_request`, index > 0). */
  readonly skipped_filters: readonly string[];
  /** Empty when one host or none was left: nova weighs nothing then and every weight is 0. */
  readonly weighers: readonly WeigherTrace[];
  /** Hosts in the order nova ranks them (total descending, ties in input order). */
  readonly totals: readonly HostTotal[];
  /** Whether `shuffle_best_same_weighed_hosts` shuffled the best ties. */
  readonly shuffled_best: boolean;
  /** The best `host_subset_size` hosts, the pick is drawn from. */
  readonly subset: readonly HostRef[];
  readonly chosen: HostRef | null;
}

/** A Placement claim attempted for an instance. */
export interface ClaimTrace extends HostRef {
  readonly ok: boolean;
  readonly reason: string | null;
}

/** Everything that happened for one instance. */
export interface InstanceExplanation extends SortTrace {
  /** Claims tried in ranked order, the chosen host first, until one succeeds. */
  readonly claims: readonly ClaimTrace[];
  /** The host the instance got, or null when it got none. */
  readonly selected: HostRef | null;
}

/** A host chosen for an instance and its alternates (nova's `Selection` list). */
export interface Selection extends HostRef {
  readonly instance_uuid: string;
  readonly cell_uuid: string | null;
  /** Further hosts of the same cell the conductor may retry on, up to `max_attempts − 1`. */
  readonly alternates: readonly (HostRef & { readonly cell_uuid: string | null })[];
}

/** The whole decision. */
export interface Explanation {
  readonly outcome: 'scheduled' | 'no_valid_host';
  /** Why not, when `outcome` is `no_valid_host`. */
  readonly reason: string | null;
  readonly num_instances: number;
  /** Request pre-filters and Placement's allocation candidates, before any filter. */
  readonly prefilters: readonly FilterTrace[];
  readonly instances: readonly InstanceExplanation[];
  /** For multi-instance requests, the re-sort nova does before picking alternates. */
  readonly alternates_round: SortTrace | null;
  readonly selections: readonly Selection[];
}

const label = (h: { host: string; nodename: string }): string => (h.host === h.nodename ? h.host : `${h.host} (${h.nodename})`);
const num = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6))));

function formatSteps(steps: readonly FilterTrace[], indent: string, out: string[]): void {
  for (const step of steps) {
    out.push(`${indent}${step.name}: (start: ${step.start}, end: ${step.end})`);
    for (const r of step.removed) out.push(`${indent}  - ${label(r)}: ${r.reason}`);
  }
}

function formatSort(trace: SortTrace, indent: string, out: string[]): void {
  formatSteps(trace.destination, indent, out);
  if (trace.forced) out.push(`${indent}(forced host/node: filters bypassed)`);
  if (trace.skipped_filters.length > 0) out.push(`${indent}(run once per request, skipped: ${trace.skipped_filters.join(', ')})`);
  formatSteps(trace.filters, indent, out);
  for (const w of trace.weighers) {
    out.push(`${indent}${w.name}:`);
    for (const s of w.hosts) {
      out.push(`${indent}  ${label(s)}: raw ${num(s.raw)} → normalised ${num(s.normalised)} × ${num(s.multiplier)} = ${num(s.score)}`);
    }
  }
  if (trace.totals.length > 0) {
    out.push(`${indent}weights: ${trace.totals.map((t) => `${label(t)} ${num(t.total)}`).join(', ')}${trace.shuffled_best ? ' (best ties shuffled)' : ''}`);
  }
  if (trace.chosen !== null) {
    out.push(`${indent}picked ${label(trace.chosen)} from the best ${trace.subset.length}: ${trace.subset.map(label).join(', ')}`);
  }
}

/** The explanation as readable lines, one step per line (for notebooks, logs and error reports). */
export function formatExplanation(explanation: Explanation): string[] {
  const out: string[] = [];
  out.push(
    explanation.outcome === 'scheduled'
      ? `scheduled ${explanation.num_instances} instance(s)`
      : `no valid host: ${explanation.reason ?? ''}`,
  );
  if (explanation.prefilters.length > 0) {
    out.push('before filtering:');
    formatSteps(explanation.prefilters, '  ', out);
  }
  for (const inst of explanation.instances) {
    out.push(`instance ${inst.index} (${inst.instance_uuid}):`);
    formatSort(inst, '  ', out);
    for (const c of inst.claims) out.push(`  claim on ${label(c)}: ${c.ok ? 'ok' : `failed, ${c.reason ?? ''}`}`);
    out.push(inst.selected === null ? '  no host' : `  → ${label(inst.selected)}`);
  }
  if (explanation.alternates_round !== null) {
    out.push('re-sort for alternates:');
    formatSort(explanation.alternates_round, '  ', out);
  }
  for (const s of explanation.selections) {
    out.push(
      `selection ${s.instance_uuid}: ${label(s)}; alternates: ${s.alternates.length === 0 ? 'none' : s.alternates.map(label).join(', ')}`,
    );
  }
  return out;
}
