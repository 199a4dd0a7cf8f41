/**
 * The rebalance engine: Swift's `RingBuilder.rebalance` (builder.py) over typed arrays.
 *
 * Steps, in Swift's order: age `last_part_moves` by the hours since `last_part_moves_epoch`;
 * build the replica plan and each device's `parts_wanted`; gather the part-replicas to place
 * (new replicas, those of removed devices, those placed less dispersed than the plan allows);
 * then up to three rounds of gathering parts from overweight devices (first only where that
 * improves dispersion, then forced), shuffling them and placing each replica on the roomiest
 * tier, level by level, that still has room in the plan. A partition moved in this rebalance, or
 * less than `min_part_hours` ago, is not gathered again (removed devices excepted).
 */
import { randomOver, rngInit, CloudError, type Random } from '../../core/index.js';
import { buildTiers, maxReplicasByTier, partsByTier, replicaPlan, requireEnoughDevices, type TierTable } from './tiers.js';
import { MAX_BALANCE_GATHER_COUNT, NONE_DEV, type RingBuilderData, type RingDevice } from './types.js';

/** What one run of the engine produces, before it is frozen into a builder. */
export interface EngineResult {
  readonly devs: (RingDevice | null)[];
  readonly replica2part2dev: number[][];
  readonly last_part_moves: number[];
  readonly last_part_moves_epoch: number;
  readonly last_part_gather_start: number;
  readonly dispersion: number;
  readonly parts_moved: number;
  readonly removed_devices: number;
}

/** Runs Swift's rebalance on a checked builder. Pure: reads `b`, returns new arrays. */
export function runRebalance(b: RingBuilderData, seed: number | string, now: number): EngineResult {
  requireEnoughDevices(b, 'rebalance');
  const words = rngInit(seed);
  const rng = randomOver(() => words);
  const P = b.parts;
  const R = b.replicas;
  const nIds = b.devs.length;
  const tt = buildTiers(b.devs);
  const devTier = tt.devTier;

  // working copies
  const alive = new Uint8Array(nIds);
  const weight = new Float64Array(nIds);
  for (const d of b.devs) {
    if (d === null) continue;
    alive[d.id] = 1;
    weight[d.id] = d.weight;
  }
  const old = b.replica2part2dev;
  // rows the last rebalance made; a `set_replicas` since then adds rows to fill or drops rows
  const oldRows = old === null ? 0 : old.length;
  const r2p: Int32Array[] = [];
  const parts = new Int32Array(nIds);
  for (let r = 0; r < R; r++) {
    const row = new Int32Array(P);
    if (old === null || r >= oldRows) row.fill(NONE_DEV);
    else {
      const src = old[r] as readonly number[];
      for (let p = 0; p < P; p++) {
        const id = src[p] as number;
        row[p] = id;
        parts[id]!++;
      }
    }
    r2p.push(row);
  }

  // _update_last_part_moves
  const lastMoves = Uint8Array.from(b.last_part_moves);
  const moved = new Uint8Array(P);
  let epoch = b.last_part_moves_epoch;
  const elapsedHours = Math.floor(Math.trunc(now - epoch) / 3600);
  if (elapsedHours > 0) {
    for (let p = 0; p < P; p++) lastMoves[p] = Math.min((lastMoves[p] as number) + elapsedHours, 0xff);
    epoch = Math.trunc(now);
  }
  const minHours = b.min_part_hours;
  const canMove = (p: number): boolean => (lastMoves[p] as number) >= minHours && moved[p] === 0;
  const setMoved = (p: number): void => {
    lastMoves[p] = 0;
    moved[p] = 1;
  };

  // _build_replica_plan + _set_parts_wanted
  const plan = replicaPlan(b, tt);
  const planMin = plan.min;
  const planMax = plan.max;
  const byTier = partsByTier(b, tt, plan);
  const wanted = new Int32Array(nIds);
  for (let id = 0; id < nIds; id++) {
    if (!alive[id]) continue;
    wanted[id] = weight[id]! > 0 ? (byTier[devTier[id * 4 + 3] as number] as number) - (parts[id] as number) : -P * R;
  }

  // the part-replicas gathered for (re)assignment, in first-gathered order
  const assignLen = new Uint8Array(P);
  const assignRep = new Uint8Array(P * R);
  const assignOrder = new Int32Array(P);
  let assignCount = 0;
  const gather = (p: number, r: number, dev: number): void => {
    if (assignLen[p] === 0) assignOrder[assignCount++] = p;
    assignRep[p * R + assignLen[p]!++] = r;
    (r2p[r] as Int32Array)[p] = NONE_DEV;
    if (dev !== NONE_DEV) {
      wanted[dev]!++;
      parts[dev]!--;
    }
  };

  // _adjust_replica2part2dev_size: a first build assigns every replica of every part, a raised
  // replica count the new rows (rows beyond a lowered count were dropped above, with their parts)
  if (oldRows < R) {
    for (let p = 0; p < P; p++) {
      assignOrder[assignCount++] = p;
      for (let r = oldRows; r < R; r++) assignRep[p * R + r - oldRows] = r;
      assignLen[p] = R - oldRows;
    }
  }

  // _gather_parts_from_failed_devices
  let removedDevices = 0;
  if (b.remove_devs.length > 0) {
    const removing = new Uint8Array(nIds);
    let any = false;
    for (const id of b.remove_devs) {
      if ((parts[id] as number) > 0) {
        removing[id] = 1;
        any = true;
      }
    }
    if (any && old !== null) {
      for (let r = 0; r < R; r++) {
        const row = r2p[r] as Int32Array;
        for (let p = 0; p < P; p++) {
          const id = row[p] as number;
          if (id !== NONE_DEV && removing[id]) {
            if (assignLen[p] === 0) assignOrder[assignCount++] = p;
            assignRep[p * R + assignLen[p]!++] = r;
            row[p] = NONE_DEV;
            setMoved(p);
          }
        }
      }
    }
    for (const id of b.remove_devs) {
      alive[id] = 0;
      removedDevices++;
    }
  }

  const rat = new Int32Array(tt.count); // replicas_at_tier of the part at hand
  const partDevs = new Int32Array(R);
  /** Counts the part's replicas per tier into `rat`; returns how many devices it found. */
  const countPart = (p: number): number => {
    let n = 0;
    for (let r = 0; r < R; r++) {
      const id = (r2p[r] as Int32Array)[p] as number;
      if (id === NONE_DEV) continue;
      partDevs[n++] = id;
      for (let k = 0; k < 4; k++) rat[devTier[id * 4 + k] as number]!++;
    }
    return n;
  };
  const clearPart = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const id = partDevs[i] as number;
      for (let k = 0; k < 4; k++) rat[devTier[id * 4 + k] as number] = 0;
    }
  };
  const candidates: { dev: number; replica: number }[] = [];
  const byWanted = (x: { dev: number }, y: { dev: number }): number => (wanted[x.dev] as number) - (wanted[y.dev] as number);

  // _gather_parts_for_dispersion
  if (old !== null) {
    for (let p = 0; p < P; p++) {
      if (!canMove(p)) continue;
      const n = countPart(p);
      candidates.length = 0;
      for (let r = 0; r < R; r++) {
        const id = (r2p[r] as Int32Array)[p] as number;
        if (id === NONE_DEV) continue;
        let dispersed = true;
        for (let k = 0; k < 4; k++) {
          const t = devTier[id * 4 + k] as number;
          if ((rat[t] as number) > (planMax[t] as number)) dispersed = false;
        }
        if (!dispersed) candidates.push({ dev: id, replica: r });
      }
      if (candidates.length > 1) candidates.sort(byWanted);
      for (const { dev, replica } of candidates) {
        // a part that already moved is taken again only off a device holding two of its replicas
        if (!canMove(p) && !((rat[devTier[dev * 4 + 3] as number] as number) > 1)) continue;
        gather(p, replica, dev);
        for (let k = 0; k < 4; k++) rat[devTier[dev * 4 + k] as number]!--;
        setMoved(p);
      }
      clearPart(n);
    }
  }

  let gatherStart = b.last_part_gather_start;
  const maxDepth = 4;
  for (let round = 0; round < MAX_BALANCE_GATHER_COUNT; round++) {
    // _gather_parts_for_balance: start a quarter turn plus a random half away from the last start
    const start = (gatherStart + Math.floor(P / 4) + rng.int(Math.floor(P / 2) + 1)) % P;
    gatherStart = start;
    if (old !== null || round > 0) {
      if (round === 0) gatherCanDisperse(start);
      gatherForced(start);
    }
    if (assignCount === 0) break;
    const order = assignOrder.subarray(0, assignCount);
    shuffle(order, rng);
    reassign(order);
    for (const p of order) assignLen[p] = 0;
    assignCount = 0;
    let overweight = false;
    for (let id = 0; id < nIds; id++) if (alive[id] && (wanted[id] as number) < 0) overweight = true;
    if (!overweight) break;
  }

  function gatherCanDisperse(start: number): void {
    const wantedInTier = new Float64Array(tt.count);
    for (let id = 0; id < nIds; id++) {
      if (!alive[id]) continue;
      const w = Math.max(wanted[id] as number, 0);
      for (let k = 0; k < 4; k++) wantedInTier[devTier[id * 4 + k] as number]! += w;
    }
    for (let offset = 0; offset < P; offset++) {
      const p = (start + offset) % P;
      if (!canMove(p)) continue;
      const n = countPart(p);
      candidates.length = 0;
      for (let r = 0; r < R; r++) {
        const id = (r2p[r] as Int32Array)[p] as number;
        if (id !== NONE_DEV && (wanted[id] as number) < 0) candidates.push({ dev: id, replica: r });
      }
      if (candidates.length > 1) candidates.sort(byWanted);
      for (const { dev, replica } of candidates) {
        let stuckByPlan = false;
        for (let k = 0; k < 4; k++) {
          const t = devTier[dev * 4 + k] as number;
          if ((planMin[t] as number) <= (rat[t] as number) && (rat[t] as number) < (planMax[t] as number)) stuckByPlan = true;
        }
        if (stuckByPlan) continue;
        // the lowest tier the replica cannot leave, or its region
        let k = 3;
        for (; k > 0; k--) {
          const t = devTier[dev * 4 + k] as number;
          if ((rat[t] as number) - 1 < (planMin[t] as number)) break;
        }
        const stuck = devTier[dev * 4 + k] as number;
        const own = k < 3 ? (devTier[dev * 4 + k + 1] as number) : -1;
        let room = 0;
        for (const c of tt.children[stuck] as readonly number[]) if (c !== own) room += wantedInTier[c] as number;
        if (room <= 0) continue;
        gather(p, replica, dev);
        for (let j = 0; j < 4; j++) {
          const t = devTier[dev * 4 + j] as number;
          rat[t]!--;
          wantedInTier[t]!--;
        }
        setMoved(p);
        break;
      }
      clearPart(n);
    }
  }

  function gatherForced(start: number): void {
    for (let offset = 0; offset < P; offset++) {
      const p = (start + offset) % P;
      if (!canMove(p)) continue;
      let best = -1;
      let bestReplica = -1;
      for (let r = 0; r < R; r++) {
        const id = (r2p[r] as Int32Array)[p] as number;
        // the first most overweight device (Python's stable sort by parts_wanted)
        if (id !== NONE_DEV && (wanted[id] as number) < 0 && (best < 0 || (wanted[id] as number) < (wanted[best] as number))) {
          best = id;
          bestReplica = r;
        }
      }
      if (best < 0) continue;
      gather(p, bestReplica, best);
      setMoved(p);
    }
  }

  function reassign(order: Int32Array): void {
    // parts_available_in_tier: what each tier may still take, from its devices' parts_wanted
    const available = new Float64Array(tt.count);
    for (let id = 0; id < nIds; id++) {
      if (!alive[id]) continue;
      const w = Math.max(wanted[id] as number, 0);
      for (let k = 0; k < 4; k++) available[devTier[id * 4 + k] as number]! += w;
    }
    // _sort_key_for: (parts_wanted, random 16 bits, id), drawn for every device in id order
    const keys: { id: number; wanted: number; rand: number }[] = [];
    for (let id = 0; id < nIds; id++) {
      if (!alive[id]) continue;
      keys.push({ id, wanted: wanted[id] as number, rand: rng.int(0x10000) });
    }
    const sorted = keys.filter((k) => weight[k.id]! > 0).sort((x, y) => x.wanted - y.wanted || x.rand - y.rand || x.id - y.id);
    // a tier sorts by the key of its last (greatest) device
    const rank = new Int32Array(tt.count).fill(-1);
    sorted.forEach((k, i) => {
      for (let j = 0; j < 4; j++) rank[devTier[k.id * 4 + j] as number] = i;
    });
    const childStart = new Int32Array(tt.count + 1);
    for (let t = 0; t < tt.count; t++) childStart[t + 1] = (childStart[t] as number) + (tt.children[t] as readonly number[]).length;
    const childList = new Int32Array(childStart[tt.count] as number);
    for (let t = 0; t < tt.count; t++) {
      const kids = [...(tt.children[t] as readonly number[])].sort((x, y) => (rank[x] as number) - (rank[y] as number));
      childList.set(kids, childStart[t] as number);
    }

    for (const p of order) {
      lastMoves[p] = 0;
      countPart(p);
      const base = p * R;
      const len = assignLen[p] as number;
      for (let i = 0; i < len; i++) {
        const replica = assignRep[base + i] as number;
        let tier = 0;
        for (let depth = 1; depth <= maxDepth; depth++) {
          let best = -1;
          let bestRoom = 0;
          const end = childStart[tier + 1] as number;
          for (let c = childStart[tier] as number; c < end; c++) {
            const t = childList[c] as number;
            if ((rat[t] as number) >= (planMax[t] as number)) continue;
            const room = available[t] as number;
            if (best < 0 || room > bestRoom) {
              best = t;
              bestRoom = room;
            }
          }
          if (best < 0) throw new CloudError(500, 'object.ring.no_home', `ring builder: no home for partition ${p} replica ${replica}; please report this with the builder's data.`);
          tier = best;
        }
        const dev = tt.tierDev[tier] as number;
        wanted[dev]!--;
        parts[dev]!++;
        for (let k = 0; k < 4; k++) {
          const t = devTier[dev * 4 + k] as number;
          available[t]!--;
          rat[t]!++;
        }
        (r2p[replica] as Int32Array)[p] = dev;
      }
      // every device of the part is in r2p now: clear their tiers
      for (let r = 0; r < R; r++) {
        const id = (r2p[r] as Int32Array)[p] as number;
        if (id !== NONE_DEV) for (let k = 0; k < 4; k++) rat[devTier[id * 4 + k] as number] = 0;
      }
    }
  }

  // _build_dispersion_graph: moved part-replicas and the dispersion figure
  const { atRisk, changed } = riskAndChanges(b, tt, r2p, old);

  const devs: (RingDevice | null)[] = b.devs.map((d) => (d === null || !alive[d.id] ? null : { ...d, parts: parts[d.id] as number, parts_wanted: wanted[d.id] as number }));
  return {
    devs,
    replica2part2dev: r2p.map((row) => Array.from(row)),
    last_part_moves: Array.from(lastMoves),
    last_part_moves_epoch: epoch,
    last_part_gather_start: gatherStart,
    dispersion: (100 * atRisk) / (P * R),
    parts_moved: changed,
    removed_devices: removedDevices,
  };
}

/** Python's `random.shuffle`: Fisher–Yates from the end. */
function shuffle(a: Int32Array, rng: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
}

/**
 * Part-replicas at risk (placed beyond a tier's `max_replicas`, each counted once at the tier
 * where dispersion is worst) and part-replicas whose device changed since `old`.
 */
export function riskAndChanges(
  b: RingBuilderData,
  tt: TierTable,
  r2p: readonly ArrayLike<number>[],
  old: readonly (readonly number[])[] | null,
): { atRisk: number; changed: number } {
  const P = b.parts;
  const R = r2p.length;
  const devTier = tt.devTier;
  const maxAllowed = maxReplicasByTier(b, tt, Math.ceil);
  const rat = new Int32Array(tt.count);
  const risk = new Float64Array(5);
  let atRisk = 0;
  let changed = 0;
  for (let p = 0; p < P; p++) {
    for (let r = 0; r < R; r++) {
      const id = r2p[r]![p] as number;
      for (let k = 0; k < 4; k++) rat[devTier[id * 4 + k] as number]!++;
      if (old === null || old[r] === undefined) changed++;
      else if ((old[r] as readonly number[])[p] !== id) changed++;
    }
    risk.fill(0);
    for (let r = 0; r < R; r++) {
      const id = r2p[r]![p] as number;
      for (let k = 0; k < 4; k++) {
        const t = devTier[id * 4 + k] as number;
        const n = rat[t] as number;
        if (n === 0) continue; // counted already
        rat[t] = 0;
        if (n > (maxAllowed[t] as number)) risk[k + 1]! += n - (maxAllowed[t] as number);
      }
    }
    let worst = 0;
    for (let k = 1; k <= 4; k++) if ((risk[k] as number) > worst) worst = risk[k] as number;
    atRisk += worst;
  }
  return { atRisk, changed };
}
