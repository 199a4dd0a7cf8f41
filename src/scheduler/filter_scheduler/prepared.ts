/**
 * What the filters and weighers that look at the host alone (`hostOnly`) say about a list of
 * hosts, kept between requests and brought up to date host by host — the cloud's host index
 * keeps one per candidate list and configuration, as nova's HostManager keeps host states.
 *
 * For the first instance of a request whose other filters pass every host (`passesAll`) and
 * whose other weighers weigh every host the same (`uniformWeight`), it ranks the hosts exactly as
 * filtering and weighing them afresh does: the same verdicts, the same clamped raw weights, the
 * same normalisation bounds over the hosts that pass, each total by the same formula in the same
 * weigher order (so the very same number), and the same order (highest total first, ties in list
 * order). A request it cannot rank that way (a group, a hint, a forced host, a weigher that
 * throws, a total that is NaN) gets null, and the scheduler filters and weighs as usual.
 */
import type { HostFilter, HostState, HostWeigher, RequestSpec, SchedulerConfig } from './types.js';
import { uniformRange, weighted, type RankedHosts } from './weigh.js';

/** More changed hosts than this share of the list (and than REBUILD_MIN): compute everything again. */
const REBUILD_SHARE = 8;
const REBUILD_MIN = 16;

/** Whether `changed` positions of `n` are too many to follow one by one (rebuilding is cheaper). */
const tooMany = (changed: number, n: number): boolean => changed > REBUILD_MIN && changed * REBUILD_SHARE > n;

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The ranking of the hosts that pass, read from the kept order (valid until the next request). */
class PreparedRanking<H> implements RankedHosts<H> {
  constructor(
    private readonly hosts: readonly H[],
    private readonly order: Int32Array,
    private readonly totals: Float64Array,
    readonly length: number,
  ) {}

  at(k: number): H {
    if (!(k >= 0 && k < this.length)) throw new RangeError(`no host ranked ${k} of ${this.length}`);
    return this.hosts[this.order[k] as number] as H;
  }

  weightAt(k: number): number {
    this.at(k);
    return this.totals[this.order[k] as number] as number;
  }
}

/** The host-only filters and weighers of one configuration over one list of hosts (see the module comment). */
export class PreparedHosts {
  /** The host states the columns were computed from, by position (own copy: the caller's list may change in place). */
  #seen: HostState[] = [];
  /** Which filters and weighers are active. */
  #filters: readonly HostFilter[] = [];
  #weighers: readonly HostWeigher[] = [];
  /** Per host: 1 when it passes every active filter. */
  #kept = new Uint8Array(0);
  #keptCount = 0;
  /** Per active weigher: the clamped raw weight and the multiplier of each host. */
  #raw: Float64Array[] = [];
  #multiplier: Float64Array[] = [];
  /** Per active weigher, over the kept hosts: the minimum and maximum weight and how many hosts have each. */
  #lo = new Float64Array(0);
  #hi = new Float64Array(0);
  #atLo = new Int32Array(0);
  #atHi = new Int32Array(0);
  /** Per active weigher: nova's low end and range of the normalisation. */
  #low = new Float64Array(0);
  #range = new Float64Array(0);
  #totals = new Float64Array(0);
  /** A changed host's weights before the change, one per active weigher (reused: no array per host). */
  #old = new Float64Array(0);
  /** The kept hosts' positions, best first (the first `#keptCount` entries). */
  #order = new Int32Array(0);
  /** A weigher threw, or a total is NaN: no ranking until the hosts change. */
  #broken = false;
  /** Positions the owner of the list said changed ({@link note}), and the list they are of. */
  #noted: number[] = [];
  #notedIn: readonly HostState[] | null = null;

  /** @param config the configuration every ranking is for (its filters, weighers and options). */
  constructor(readonly config: SchedulerConfig) {}

  /**
   * Says which positions of the list changed, and what the list now is (the host index, which
   * replaces the host states it follows, calls it): a ranking of that very list then looks at
   * those positions only, not at every host state.
   */
  note(hosts: readonly HostState[], changed: readonly number[]): void {
    for (const i of changed) this.#noted.push(i);
    this.#notedIn = hosts;
  }

  /**
   * The ranking of `hosts` for the first instance of `spec`, as filtering them with `filters` and
   * weighing them with `weighers` (the configuration's, in its order) would give it, or null when
   * the request needs more than the host-only ones (or when fewer than two hosts pass, which
   * the scheduler decides without weighing). `hosts` is the list as it is now: the positions
   * whose host state changed since the last call are brought up to date.
   */
  rankingFor<H extends HostState>(hosts: readonly H[], spec: RequestSpec, filters: readonly HostFilter[], weighers: readonly HostWeigher[]): RankedHosts<H> | null {
    const config = this.config;
    const activeFilters: HostFilter[] = [];
    for (const f of filters) {
      if (f.passesAll?.(spec, config)) continue;
      if (f.hostOnly !== true) return null;
      activeFilters.push(f);
    }
    const activeWeighers: HostWeigher[] = [];
    for (const w of weighers) {
      const uniform = w.uniformWeight?.(spec, config) ?? null;
      if (uniform !== null) {
        if (uniformRange(w, uniform) === 0) continue; // every host's share is 0
        return null;
      }
      if (w.hostOnly !== true) return null;
      activeWeighers.push(w);
    }
    if (!sameList(activeFilters, this.#filters) || !sameList(activeWeighers, this.#weighers) || this.#seen.length === 0 || hosts.length !== this.#seen.length) this.#rebuild(hosts, spec, activeFilters, activeWeighers);
    else this.#update(hosts, spec);
    if (this.#broken || this.#keptCount <= 1) return null;
    return new PreparedRanking(hosts, this.#order, this.#totals, this.#keptCount);
  }

  #rebuild(hosts: readonly HostState[], spec: RequestSpec, filters: readonly HostFilter[], weighers: readonly HostWeigher[]): void {
    const n = hosts.length;
    const w = weighers.length;
    this.#filters = filters;
    this.#weighers = weighers;
    this.#seen = [...hosts]; // not `slice`: V8's slow path for a frozen list
    this.#kept = new Uint8Array(n);
    this.#raw = weighers.map(() => new Float64Array(n));
    this.#multiplier = weighers.map(() => new Float64Array(n));
    this.#lo = new Float64Array(w);
    this.#hi = new Float64Array(w);
    this.#atLo = new Int32Array(w);
    this.#atHi = new Int32Array(w);
    this.#low = new Float64Array(w);
    this.#range = new Float64Array(w);
    this.#totals = new Float64Array(n);
    this.#order = new Int32Array(n);
    this.#broken = false;
    this.#noted = [];
    this.#notedIn = null;
    for (let i = 0; i < n; i++) if (!this.#read(i, hosts[i] as HostState, spec)) return;
    this.#rank();
  }

  /** Brings the columns to `hosts` (same length and active set), position by position. */
  #update(hosts: readonly HostState[], spec: RequestSpec): void {
    const n = hosts.length;
    const seen = this.#seen;
    // the positions that changed since the last ranking: the ones noted when this very list was
    // noted (the index changes its list only where it notes), else every position is compared
    const noted = hosts === this.#notedIn ? this.#noted : null;
    this.#noted = [];
    this.#notedIn = null;
    let changed: number[] = [];
    if (noted !== null && !tooMany(noted.length, n)) {
      for (const i of noted) if (hosts[i] !== seen[i]) changed.push(i);
      if (changed.length > 1) changed = [...new Set(changed)];
    } else {
      for (let i = 0; i < n; i++) if (hosts[i] !== seen[i]) changed.push(i);
    }
    if (changed.length === 0) return;
    if (tooMany(changed.length, n) || this.#broken) return this.#rebuild(hosts, spec, this.#filters, this.#weighers);
    const w = this.#weighers.length;
    const old = this.#old.length === w ? this.#old : (this.#old = new Float64Array(w));
    let moved = false;
    for (const i of changed) {
      const wasKept = this.#kept[i] === 1;
      for (let j = 0; j < w; j++) old[j] = (this.#raw[j] as Float64Array)[i] as number;
      seen[i] = hosts[i] as HostState;
      if (!this.#read(i, seen[i], spec)) return;
      if ((this.#kept[i] === 1) !== wasKept) {
        moved = true; // a host passes now or no longer does: rank again
        continue;
      }
      if (!wasKept || moved) continue;
      for (let j = 0; j < w; j++) if (!this.#follow(j, old[j] as number, (this.#raw[j] as Float64Array)[i] as number)) moved = true;
    }
    if (moved) return this.#rank();
    // the same bounds: only the changed hosts' totals and places move
    for (const i of changed) {
      if (this.#kept[i] === 0) continue;
      this.#remove(i);
      if (!this.#total(i)) return;
      this.#insert(i);
    }
  }

  /**
   * Follows one kept host's weight for weigher j going from `old` to `now`: the minimum and
   * maximum and how many hosts have them. False when the normalisation bounds moved.
   */
  #follow(j: number, old: number, now: number): boolean {
    if (old === now) return true;
    const lo = this.#lo[j] as number;
    const hi = this.#hi[j] as number;
    if (old === lo) this.#atLo[j] = (this.#atLo[j] as number) - 1;
    if (old === hi) this.#atHi[j] = (this.#atHi[j] as number) - 1;
    if (now < lo) {
      this.#lo[j] = now;
      this.#atLo[j] = 1;
    } else if (now === lo) this.#atLo[j] = (this.#atLo[j] as number) + 1;
    if (now > hi) {
      this.#hi[j] = now;
      this.#atHi[j] = 1;
    } else if (now === hi) this.#atHi[j] = (this.#atHi[j] as number) + 1;
    if (this.#atLo[j] === 0 || this.#atHi[j] === 0) this.#bounds(j); // the last host at a bound left it
    const low = this.#low[j];
    const range = this.#range[j];
    this.#normalisation(j);
    return this.#low[j] === low && this.#range[j] === range;
  }

  /** Reads host i's verdicts, clamped weights and multipliers; false (and broken) when a weigher throws. */
  #read(i: number, host: HostState, spec: RequestSpec): boolean {
    const config = this.config;
    let pass = 1;
    for (const f of this.#filters) {
      if (f.hostPasses(host, spec, config) !== true) {
        pass = 0;
        break;
      }
    }
    this.#kept[i] = pass;
    for (let j = 0; j < this.#weighers.length; j++) {
      const weigher = this.#weighers[j] as HostWeigher;
      let raw: number;
      try {
        raw = weigher.weigh(host, spec, config);
      } catch {
        this.#broken = true; // the scheduler weighs afresh, and the weigher's error reaches the caller
        return false;
      }
      if (weigher.minval !== null && raw < weigher.minval) raw = weigher.minval;
      if (weigher.maxval !== null && raw > weigher.maxval) raw = weigher.maxval;
      (this.#raw[j] as Float64Array)[i] = raw;
      (this.#multiplier[j] as Float64Array)[i] = weigher.multiplier(config, host);
    }
    return true;
  }

  /** Weigher j's minimum and maximum over the kept hosts, and how many hosts have each. */
  #bounds(j: number): void {
    const raw = this.#raw[j] as Float64Array;
    const kept = this.#kept;
    let lo = Infinity;
    let hi = -Infinity;
    let atLo = 0;
    let atHi = 0;
    for (let i = 0; i < raw.length; i++) {
      if (kept[i] === 0) continue;
      const v = raw[i] as number;
      if (v < lo) {
        lo = v;
        atLo = 1;
      } else if (v === lo) atLo++;
      if (v > hi) {
        hi = v;
        atHi = 1;
      } else if (v === hi) atHi++;
    }
    this.#lo[j] = lo;
    this.#hi[j] = hi;
    this.#atLo[j] = atLo;
    this.#atHi[j] = atHi;
  }

  /** nova's normalisation bounds of weigher j: `minval` else the minimum, and the range to `maxval` else the maximum. */
  #normalisation(j: number): void {
    const weigher = this.#weighers[j] as HostWeigher;
    const low = weigher.minval ?? (this.#lo[j] as number);
    this.#low[j] = low;
    this.#range[j] = (weigher.maxval ?? (this.#hi[j] as number)) - low;
  }

  /** Host i's total: each weigher's share in weigher order, as the scheduler adds them; false (and broken) on NaN. */
  #total(i: number): boolean {
    let total = 0;
    for (let j = 0; j < this.#weighers.length; j++) {
      const range = this.#range[j] as number;
      if (range === 0) continue; // every normalised weight is 0: the scheduler adds nothing
      total = weighted(total, (this.#multiplier[j] as Float64Array)[i] as number, (this.#raw[j] as Float64Array)[i] as number, this.#low[j] as number, range);
    }
    if (Number.isNaN(total)) {
      this.#broken = true;
      return false;
    }
    this.#totals[i] = total;
    return true;
  }

  /** The kept hosts, the bounds, every total, and the order, from scratch. */
  #rank(): void {
    const n = this.#seen.length;
    let k = 0;
    for (let i = 0; i < n; i++) if (this.#kept[i] === 1) this.#order[k++] = i;
    this.#keptCount = k;
    for (let j = 0; j < this.#weighers.length; j++) {
      this.#bounds(j);
      this.#normalisation(j);
    }
    for (let p = 0; p < k; p++) if (!this.#total(this.#order[p] as number)) return;
    const totals = this.#totals;
    const sorted = Array.from(this.#order.subarray(0, k)).sort((a, b) => {
      const ta = totals[a] as number;
      const tb = totals[b] as number;
      return ta > tb ? -1 : ta < tb ? 1 : a - b;
    });
    this.#order.set(sorted);
  }

  /** Whether host a ranks before host b: higher total, or the same total and earlier in the list. */
  #before(a: number, b: number): boolean {
    const ta = this.#totals[a] as number;
    const tb = this.#totals[b] as number;
    return ta > tb || (ta === tb && a < b);
  }

  /** Where host i goes in the order (of the first `count` entries) by its total now: binary search. */
  #placeOf(i: number, count: number): number {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#before(this.#order[mid] as number, i)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Takes kept host i out of the order (found by its total, still the one it is placed by). */
  #remove(i: number): void {
    const p = this.#placeOf(i, this.#keptCount);
    this.#order.copyWithin(p, p + 1, this.#keptCount);
  }

  /** Puts kept host i back at its place by its new total. */
  #insert(i: number): void {
    const count = this.#keptCount - 1;
    const p = this.#placeOf(i, count);
    this.#order.copyWithin(p + 1, p, count);
    this.#order[p] = i;
  }
}
