/**
 * `npm run bench`: the store benchmark (DESIGN.md §2, "the measured Record/Map trap").
 *
 * The hosts are storage nodes, so a call exercises the kernel, the tables and the hardware model:
 * the store. (A compute host also has nova-compute report it to Placement, two more rows per
 * call; `bench/scheduler.bench.ts` prints that cost.)
 *
 * For n = 1 000, 10 000, 100 000 hosts it measures, through the public API of a
 * `createCloud({ seed: 1, preset: 'empty' })` cloud (one call = one immer commit):
 *
 *  - inserting n hosts (`cloud.hardware.addHost`), per-op = total / n, and the per-op cost of the
 *    LAST 1 000 inserts into a table already holding n − 1 000 rows ("per-op at n");
 *  - updating hosts (`cloud.hardware.updateHost(name, { memory_mb })`): all n (per-op = total / n),
 *    and 1 000 updates spread over a table of n rows ("per-op at n");
 *  - baselines in the same process: the same inserts / updates of equivalent rows into plain
 *    mutable `Map`s, and the raw B+tree (`setRow`) inside one `produce` and one `produce` per insert;
 *  - `cloud.snapshot()` and `cloud.fork()` (must be O(1), flat in n) and `JSON.stringify(cloud)`.
 *
 * Every figure is the median of 5 runs, except whole 100k builds through the public API, which
 * run as often as the time budget allows (BENCH_BUDGET_S, default 170 s) and say so. "Per-op at n"
 * always has 5 runs: each starts from the same O(1) snapshot taken at n − 1 000.
 *
 * Times are wall-clock (`performance.now()`); the process CPU time of the same sections is shown
 * next to the bar's figures, because the machine may be shared (CPU / wall < 1 means other
 * processes took the cores and the wall figures are inflated).
 *
 * It ends with the bar of the issue: per-op at 100k ≤ 3× per-op at 1k and ≤ 50 µs; snapshot cost
 * flat in n. The exit code is 0 either way: this is a report, and FAIL is printed plainly.
 */
import { cpus, loadavg } from 'node:os';
import { createDraft, finishDraft, produce } from 'immer';
import { createCloud, core, type Cloud, type CloudState } from '../src/index.js';
import {
  collectGarbage,
  cpuNow,
  fmt,
  fmtInt,
  gcAvailable,
  hostName,
  hostSpec,
  median,
  microsPerCall,
  now,
  renderTable,
  UPDATE_PATCH,
} from './lib.js';

const N_SMALL = 1_000;
const N_LARGE = 100_000;
const SIZES: readonly number[] = [N_SMALL, 10_000, N_LARGE];
const RUNS = 5;
const LAST = 1_000;
const BUDGET_MS = Number(process.env.BENCH_BUDGET_S ?? 170) * 1000;
const BAR_GROWTH = 3;
const BAR_ABS_US = 50;

const started = now();
const cpuStarted = cpuNow();
const load0 = loadavg();
const log = (msg: string): void => console.log(`  … ${msg} (${((now() - started) / 1000).toFixed(1)} s)`);

/** A timed section: wall and process-CPU milliseconds. */
interface Span {
  wall: number;
  cpu: number;
}
function span(fn: () => void): Span {
  const c0 = cpuNow();
  const t0 = now();
  fn();
  return { wall: now() - t0, cpu: cpuNow() - c0 };
}
/** µs per op of a span over `ops` operations. */
const perOpWall = (s: Span, ops: number): number => (s.wall * 1000) / ops;
const perOpCpu = (s: Span, ops: number): number => (s.cpu * 1000) / ops;

// ---------------------------------------------------------------- rows for the baselines

interface Row {
  id: string;
  name: string;
  region: string;
  availability_zone: string | null;
  rack: string | null;
  model: string | null;
  cpu: { model: string; sockets: number; cores_per_socket: number; threads_per_core: number; mhz: number; flags: string[] };
  memory_mb: number;
  disks: unknown[];
  nics: unknown[];
  roles: string[];
  hypervisor_type: string;
  state: string;
  state_reason: string | null;
  created_at: number;
  updated_at: number;
}

/** Ids shaped like the kernel's UUIDs, made up front so the baselines do not pay for them. */
const IDS: string[] = Array.from({ length: N_LARGE }, (_, i) => `${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);

/** The row `addHost` stores for `hostSpec(i)`, built the same way (fresh objects each time). */
function makeRow(i: number): Row {
  return {
    id: IDS[i] as string,
    name: hostName(i),
    region: 'RegionOne',
    availability_zone: null,
    rack: null,
    model: null,
    cpu: { model: 'Generic x86_64', sockets: 2, cores_per_socket: 8, threads_per_core: 2, mhz: 2400, flags: [] },
    memory_mb: 65536,
    disks: [],
    nics: [],
    roles: ['storage'],
    hypervisor_type: 'QEMU',
    state: 'up',
    state_reason: null,
    created_at: 0,
    updated_at: 0,
  };
}

/** Which host the k-th of `count` spread-out updates touches in a table of n hosts. */
const spread = (k: number, count: number, n: number): number => Math.floor((k * n) / count);

// ---------------------------------------------------------------- measurements

interface PublicFigures {
  insertAll: number[]; // µs per op over a whole build of n
  updateAll: number[]; // µs per op over n updates
  insertAtN: number[]; // µs per op of the last LAST inserts (wall)
  updateAtN: number[]; // µs per op of LAST updates on n rows (wall)
  insertAtNCpu: number[];
  updateAtNCpu: number[];
  buildSeconds: number[];
  buildCpuShare: number[];
  snapshotUs: number;
  forkUs: number;
  jsonMs: number;
  jsonMB: number;
  shared: boolean;
  snapshotsIntact: boolean;
}

interface BaselineFigures {
  mapInsertAll: number[];
  mapUpdateAll: number[];
  mapInsertAtN: number[];
  mapUpdateAtN: number[];
  tableOneProduce: number[]; // µs per row, all n rows in one produce
  tableCommitAtN: number[]; // µs per insert, one produce per insert, last LAST at n
}

const newPublic = (): PublicFigures => ({
  insertAll: [], updateAll: [], insertAtN: [], updateAtN: [], insertAtNCpu: [], updateAtNCpu: [], buildSeconds: [], buildCpuShare: [],
  snapshotUs: Number.NaN, forkUs: Number.NaN, jsonMs: Number.NaN, jsonMB: Number.NaN, shared: false, snapshotsIntact: false,
});
const newBaseline = (): BaselineFigures => ({ mapInsertAll: [], mapUpdateAll: [], mapInsertAtN: [], mapUpdateAtN: [], tableOneProduce: [], tableCommitAtN: [] });

function emptyCloud(): Cloud {
  return createCloud({ seed: 1, preset: 'empty' });
}

/** One whole build through the public API: n inserts then n updates. Returns the snapshot at n − LAST. */
function publicRun(n: number, f: PublicFigures): { cloud: Cloud; before: CloudState } {
  const cloud = emptyCloud();
  let before: CloudState = cloud.snapshot();
  const ins = span(() => {
    for (let i = 0; i < n - LAST; i++) cloud.hardware.addHost(hostSpec(i));
    before = cloud.snapshot();
    for (let i = n - LAST; i < n; i++) cloud.hardware.addHost(hostSpec(i));
  });
  const upd = span(() => {
    for (let i = 0; i < n; i++) cloud.hardware.updateHost(hostName(i), UPDATE_PATCH);
  });
  f.insertAll.push(perOpWall(ins, n));
  f.updateAll.push(perOpWall(upd, n));
  f.buildSeconds.push((ins.wall + upd.wall) / 1000);
  f.buildCpuShare.push((ins.cpu + upd.cpu) / (ins.wall + upd.wall));
  return { cloud, before };
}

/** RUNS × (LAST inserts, then LAST spread updates) from the snapshot taken at n − LAST. */
function publicAtN(n: number, cloud: Cloud, before: CloudState, f: PublicFigures): void {
  const beforeSize = before.hardware.hosts.size;
  for (let r = 0; r < RUNS; r++) {
    cloud.restore(before);
    const ins = span(() => {
      for (let i = n - LAST; i < n; i++) cloud.hardware.addHost(hostSpec(i));
    });
    const upd = span(() => {
      for (let k = 0; k < LAST; k++) cloud.hardware.updateHost(hostName(spread(k, LAST, n)), UPDATE_PATCH);
    });
    f.insertAtN.push(perOpWall(ins, LAST));
    f.updateAtN.push(perOpWall(upd, LAST));
    f.insertAtNCpu.push(perOpCpu(ins, LAST));
    f.updateAtNCpu.push(perOpCpu(upd, LAST));
  }
  // immutability check: the snapshot every run started from still holds n − LAST hosts
  f.snapshotsIntact = before.hardware.hosts.size === beforeSize && beforeSize === n - LAST && cloud.state.hardware.hosts.size === n;
}

/** Snapshot, fork and JSON of a cloud of n hosts. */
function snapshotFigures(cloud: Cloud, f: PublicFigures): void {
  f.snapshotUs = median(Array.from({ length: RUNS }, () => microsPerCall(() => cloud.snapshot(), 5, 10_000)));
  f.forkUs = median(Array.from({ length: RUNS }, () => microsPerCall(() => cloud.fork(), 5, 200)));
  const fork = cloud.fork();
  f.shared = cloud.snapshot() === cloud.state && fork.state === cloud.state;
  const t0 = now();
  const json = JSON.stringify(cloud);
  f.jsonMs = now() - t0;
  f.jsonMB = json.length / 1e6;
}

function mapRuns(n: number, b: BaselineFigures): void {
  for (let r = 0; r < RUNS; r++) {
    const rows = new Map<string, Row>();
    const names = new Map<string, string>();
    const t0 = now();
    for (let i = 0; i < n - LAST; i++) {
      const row = makeRow(i);
      rows.set(row.id, row);
      names.set(row.name, row.id);
    }
    const t1 = now();
    for (let i = n - LAST; i < n; i++) {
      const row = makeRow(i);
      rows.set(row.id, row);
      names.set(row.name, row.id);
    }
    const t2 = now();
    for (let i = 0; i < n; i++) {
      const id = names.get(hostName(i)) as string;
      const row = rows.get(id) as Row;
      rows.set(id, { ...row, memory_mb: 131072, updated_at: 0 });
    }
    const t3 = now();
    for (let k = 0; k < LAST; k++) {
      const id = names.get(hostName(spread(k, LAST, n))) as string;
      const row = rows.get(id) as Row;
      rows.set(id, { ...row, memory_mb: 262144, updated_at: 0 });
    }
    const t4 = now();
    b.mapInsertAll.push(((t2 - t0) * 1000) / n);
    b.mapInsertAtN.push(((t2 - t1) * 1000) / LAST);
    b.mapUpdateAll.push(((t3 - t2) * 1000) / n);
    b.mapUpdateAtN.push(((t4 - t3) * 1000) / LAST);
  }
}

interface RawState {
  hosts: core.Table<Row>;
  names: core.Table<string>;
}

function tableRuns(n: number, b: BaselineFigures): void {
  // all n rows in one produce: the B+tree's own cost, amortised over one draft
  const onceRuns = n >= N_LARGE ? 3 : RUNS;
  for (let r = 0; r < onceRuns; r++) {
    const t0 = now();
    const all = produce(core.emptyTable<Row>(), (d) => {
      for (let i = 0; i < n; i++) core.setRow(d as core.Table<Row>, IDS[i] as string, makeRow(i));
    });
    b.tableOneProduce.push(((now() - t0) * 1000) / n);
    if (all.size !== n) throw new Error('table baseline lost rows');
  }
  // one produce per insert (hosts + host_names), at n: the table primitive per commit, no kernel
  const start: RawState = produce({ hosts: core.emptyTable<Row>(), names: core.emptyTable<string>() }, (d) => {
    for (let i = 0; i < n - LAST; i++) {
      core.setRow(d.hosts as core.Table<Row>, IDS[i] as string, makeRow(i));
      core.setRow(d.names, hostName(i), IDS[i] as string);
    }
  });
  for (let r = 0; r < RUNS; r++) {
    let state = start;
    const t0 = now();
    for (let i = n - LAST; i < n; i++) {
      const d = createDraft(state);
      core.setRow(d.hosts as core.Table<Row>, IDS[i] as string, makeRow(i));
      core.setRow(d.names, hostName(i), IDS[i] as string);
      state = finishDraft(d) as RawState;
    }
    b.tableCommitAtN.push(((now() - t0) * 1000) / LAST);
    if (state.hosts.size !== n) throw new Error('table baseline lost rows');
  }
}

/** Every measured path a few thousand times, so the JIT has settled before anything counts. */
function warmUp(): void {
  const cloud = emptyCloud();
  for (let i = 0; i < 3000; i++) cloud.hardware.addHost(hostSpec(i));
  for (let i = 0; i < 3000; i++) cloud.hardware.updateHost(hostName(i), UPDATE_PATCH);
  snapshotFigures(cloud, newPublic());
  const w = newBaseline();
  mapRuns(3000, w);
  tableRuns(3000, w);
}

// ---------------------------------------------------------------- run

console.log(`stacksim store benchmark — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), global.gc: ${gcAvailable ? 'yes (between sizes only)' : 'no'}`);
console.log(`load average at start: ${load0.map((x) => x.toFixed(2)).join(' ')}`);
warmUp();
log('warm-up done');

const pub = new Map<number, PublicFigures>();
const base = new Map<number, BaselineFigures>();

for (const n of SIZES) {
  const f = newPublic();
  const b = newBaseline();
  pub.set(n, f);
  base.set(n, b);
  collectGarbage(); // only here, between sizes (see lib.ts), and only with --expose-gc
  mapRuns(n, b);
  tableRuns(n, b);
  log(`n=${fmtInt(n)}: baselines done`);
  const first = publicRun(n, f);
  log(`n=${fmtInt(n)}: public build 1 done (${fmt(f.buildSeconds[0], 1)} s)`);
  snapshotFigures(first.cloud, f);
  publicAtN(n, first.cloud, first.before, f);
  log(`n=${fmtInt(n)}: snapshot, fork, JSON and per-op at n done`);
  if (n < N_LARGE) {
    for (let r = 1; r < RUNS; r++) publicRun(n, f);
    log(`n=${fmtInt(n)}: ${RUNS} public builds done`);
  }
}

// more whole 100k builds while the budget allows (each about as long as the first)
{
  const f = pub.get(N_LARGE) as PublicFigures;
  const oneRunMs = (f.buildSeconds[0] as number) * 1000 * 1.15;
  while (f.buildSeconds.length < RUNS && now() - started + oneRunMs < BUDGET_MS) {
    publicRun(N_LARGE, f);
    log(`n=${fmtInt(N_LARGE)}: public build ${f.buildSeconds.length} done`);
  }
}

// ---------------------------------------------------------------- report

const m = (xs: readonly number[]): number => median(xs);
const ratio = (a: number, b: number, digits = 0): string => `${fmt(a / b, digits)}×`;
const pubRows: string[][] = [];
const baseRows: string[][] = [];
const snapRows: string[][] = [];
for (const n of SIZES) {
  const f = pub.get(n) as PublicFigures;
  const b = base.get(n) as BaselineFigures;
  pubRows.push([
    fmtInt(n),
    fmt(m(f.insertAll)),
    fmt(m(f.insertAtN)),
    fmt(m(f.updateAll)),
    fmt(m(f.updateAtN)),
    fmt(m(b.mapInsertAtN), 3),
    fmt(m(b.mapUpdateAtN), 3),
    ratio(m(f.insertAtN), m(b.mapInsertAtN)),
    ratio(m(f.updateAtN), m(b.mapUpdateAtN)),
    `${f.insertAll.length} / ${f.insertAtN.length}`,
  ]);
  baseRows.push([
    fmtInt(n),
    fmt(m(b.mapInsertAll), 3),
    fmt(m(b.mapUpdateAll), 3),
    fmt(m(b.tableOneProduce), 2),
    fmt(m(b.tableCommitAtN), 1),
    ratio(m(f.insertAtN), m(b.tableCommitAtN), 1),
  ]);
  snapRows.push([
    fmtInt(n),
    fmt(f.snapshotUs, 3),
    fmt(f.forkUs, 1),
    f.shared ? 'yes' : 'NO',
    f.snapshotsIntact ? 'yes' : 'NO',
    fmt(f.jsonMs, 1),
    fmt(f.jsonMB, 1),
  ]);
}

console.log('\nPublic API, µs per op (one call = one commit); median of the runs in the last column:');
console.log(renderTable(
  ['n', 'insert avg', 'insert at n', 'update avg', 'update at n', 'Map ins at n', 'Map upd at n', 'ins vs Map', 'upd vs Map', 'runs avg / at n'],
  pubRows,
));
console.log('  avg = whole build (or whole update pass) / n; at n = the last 1 000 inserts into n − 1 000 rows, and 1 000 updates spread over n rows.');

console.log('\nBaselines, µs per op (median of 5; "1 produce for all" at 100k: of 3):');
console.log(renderTable(['n', 'Map insert avg', 'Map update avg', 'setRow, 1 produce for all', 'setRow ×2, 1 produce per insert, at n', 'public insert / that'], baseRows));

console.log('\nSnapshots (median of 5):');
console.log(renderTable(['n', 'snapshot() µs', 'fork() µs', 'state shared', 'old snapshot intact', 'JSON.stringify ms', 'JSON MB'], snapRows));
console.log('  snapshot() returns the committed frozen state (a field read): sub-ns to tens of ns, where differences are timer and JIT noise.');

const p1 = pub.get(N_SMALL) as PublicFigures;
const pN = pub.get(N_LARGE) as PublicFigures;
const b1 = base.get(N_SMALL) as BaselineFigures;
const bN = base.get(N_LARGE) as BaselineFigures;
const growth = (a: number, z: number): number => z / a;
const growthRow = (label: string, a: readonly number[], z: readonly number[], digits = 1): string[] =>
  [label, fmt(m(a), digits), fmt(m(z), digits), `${fmt(growth(m(a), m(z)), 2)}×`];
console.log('\nGrowth, per-op at 100k / per-op at 1k (µs):');
console.log(renderTable(
  ['figure', 'at 1k', 'at 100k', 'growth'],
  [
    growthRow('public insert at n (wall)', p1.insertAtN, pN.insertAtN),
    growthRow('public update at n (wall)', p1.updateAtN, pN.updateAtN),
    growthRow('public insert at n (CPU time)', p1.insertAtNCpu, pN.insertAtNCpu),
    growthRow('public update at n (CPU time)', p1.updateAtNCpu, pN.updateAtNCpu),
    growthRow('public insert avg', p1.insertAll, pN.insertAll),
    growthRow('public update avg', p1.updateAll, pN.updateAll),
    growthRow('setRow ×2, 1 produce per insert', b1.tableCommitAtN, bN.tableCommitAtN),
    growthRow('Map insert at n', b1.mapInsertAtN, bN.mapInsertAtN, 3),
    growthRow('Map update at n', b1.mapUpdateAtN, bN.mapUpdateAtN, 3),
  ],
));
const shares = [...pub.values()].flatMap((f) => f.buildCpuShare);
console.log(`  CPU / wall during the public builds: ${fmt(Math.min(...shares), 2)}–${fmt(Math.max(...shares), 2)} (≈1 on an idle machine; lower = other processes took the cores).`);

// the bar
const checks: [string, boolean, string][] = [];
const perOpCheck = (label: string, at1k: number, at100k: number): void => {
  const g = growth(at1k, at100k);
  checks.push([`${label}: per-op at 100k ≤ ${BAR_GROWTH}× per-op at 1k`, g <= BAR_GROWTH, `${fmt(at100k)} / ${fmt(at1k)} µs = ${fmt(g, 2)}×`]);
  checks.push([`${label}: per-op at 100k ≤ ${BAR_ABS_US} µs`, at100k <= BAR_ABS_US, `${fmt(at100k)} µs`]);
};
perOpCheck('insert', m(p1.insertAtN), m(pN.insertAtN));
perOpCheck('update', m(p1.updateAtN), m(pN.updateAtN));
/** Flat: within 3× of the 1k figure, or less than 1 µs apart (timer noise at sub-µs costs). */
const flat = (a: number, z: number): boolean => z <= BAR_GROWTH * a || z - a < 1;
checks.push(['snapshot() flat in n', flat(p1.snapshotUs, pN.snapshotUs) && pN.shared && pN.snapshotsIntact, `${fmt(p1.snapshotUs, 3)} → ${fmt(pN.snapshotUs, 3)} µs, state shared, old snapshot intact`]);
checks.push(['fork() flat in n', flat(p1.forkUs, pN.forkUs), `${fmt(p1.forkUs, 1)} → ${fmt(pN.forkUs, 1)} µs (${fmt(growth(p1.forkUs, pN.forkUs), 2)}×)`]);

console.log(`\nThe bar: "per-op at 100k ≤ ${BAR_GROWTH}× per-op at 1k and ≤ ${BAR_ABS_US} µs; snapshot cost flat in n" (per-op = "at n", wall):`);
for (const [label, ok, detail] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${label}: ${detail}`);
const allOk = checks.every(([, ok]) => ok);
if (pN.buildSeconds.length < RUNS) {
  console.log(`  note: whole 100k builds ran ${pN.buildSeconds.length} time(s), not ${RUNS} (each ~${fmt(m(pN.buildSeconds), 0)} s; BENCH_BUDGET_S=${BUDGET_MS / 1000}); the "at n" figures have ${RUNS} runs.`);
}
console.log(`\nRESULT: ${allOk ? 'PASS' : 'FAIL'} — ${checks.filter(([, ok]) => !ok).length} of ${checks.length} checks failed.`);
const wall = (now() - started) / 1000;
console.log(`wall time ${wall.toFixed(1)} s (CPU ${((cpuNow() - cpuStarted) / 1000).toFixed(1)} s); load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
process.exitCode = 0;
