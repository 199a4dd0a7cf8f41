/**
 * `npm run bench` (compute part), issue 14's benchmark: servers booted through a demo session as
 * the cloud fills, against the scheduler alone on the same cloud in the same run.
 *
 * The world: the `devstack` preset's accounts, flavors and images on a topology of one controller
 * (controller, network, storage) and N compute hosts (2 × 16 × 2 CPUs, 256 GiB, 2 TB: each runs
 * nova-compute, reports to Placement and runs the Open vSwitch agent that binds ports). The admin
 * raises the demo project's quota as an operator would (nova's `instances`, `cores` and `ram` —
 * the defaults allow 10 instances — and Neutron's `port`: unlimited); the demo user makes a
 * network with a /8 subnet (50 000 ports do not fit DevStack's private subnet).
 *
 * 1. Boots: `demo.compute.createServer({ flavorRef: '1' (m1.tiny), imageRef: <cirros id>,
 *    networks: [{ uuid }] })` with `progression: 'immediate'` — the token check, nova-api's
 *    checks and policy, the quota, the conductor, the scheduler with Placement's candidates and
 *    the claim, nova-compute (a port created with the user's token and bound to the host, the
 *    image cache, spawn, ACTIVE), the instance actions, the traces and the notifications (built
 *    only when someone listens: `BENCH_EVENTS=1` subscribes a `'*'` listener): one call and one
 *    commit per server. Ids, not names, as the openstack CLI sends them (it resolves names first).
 * 2. Scheduler only: `cloud.scheduler.selectDestinations` with the request spec the conductor
 *    builds for such a boot (m1.tiny with its extra specs, the cirros image, the demo project, the
 *    instance's uuid), one commit per placement, as many placements on a copy of the world taken
 *    before the boots.
 *
 * Both are warmed up first on throw-away copies (V8's tiers). Printed: boots and placements per
 * second, their ratio, and the time per boot and per placement as the cloud fills (per 10 %
 * slice: means, wall and CPU — the machine may be shared: CPU / wall ≈ 1 means nothing
 * competed), the time per boot around 1 000 servers and over the last 1 000 (medians of 100-boot
 * slices), and the issue's goals as PASS / FAIL (exit code 0 either way).
 *
 * Where the time of a boot goes: `bench/compute_profile.ts`.
 *
 * Usage: `npx tsx bench/compute.bench.ts [hosts:servers …]` (default `1000:10000 5000:50000`,
 * several minutes); `npx tsx bench/compute.bench.ts 100:2000` for a quick look.
 */
import { core, type Cloud } from '../src/index.js';
import type { FlavorRow } from '../src/compute/index.js';
import { computeBenchWorld as world, cpuNow, demoLogin as login, fmtInt, median, now, renderTable, type ComputeBenchWorld as World } from './lib.js';

const SIZES = (process.argv.length > 2 ? process.argv.slice(2) : ['1000:10000', '5000:50000']).map((arg) => {
  const [h, m] = arg.split(':').map(Number);
  if (!Number.isSafeInteger(h) || !Number.isSafeInteger(m) || (h as number) < 1 || (m as number) < 1000 || (m as number) % 1000 !== 0) throw new Error(`size: hosts:servers, servers a multiple of 1 000; got ${arg}`);
  return { hosts: h as number, servers: m as number };
});
/** Boots (and placements) on a throw-away copy before each timed run. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2000);
/** Subscribe a `'*'` listener to the cloud's events during the boots (every notification built). */
const LISTEN = process.env.BENCH_EVENTS === '1';
/** Boots per slice for the medians. */
const SLICE = 100;
/** DevStack's m1.tiny. */
const FLAVOR_ID = '1';


/** The request spec nova's conductor builds for one such boot (`RequestSpec.from_components`). */
function requestSpec(w: World): Record<string, unknown> {
  const f = core.getRow(w.cloud.state.compute.flavors, FLAVOR_ID) as FlavorRow;
  const demo = login(w.cloud);
  const image = demo.image.getImage(w.imageId);
  return {
    flavor: { name: f.name, vcpus: f.vcpus, memory_mb: f.memory_mb, root_gb: f.root_gb, ephemeral_gb: f.ephemeral_gb, swap: f.swap, extra_specs: f.extra_specs },
    image: { id: image.id, disk_format: image.disk_format, properties: {} },
    project_id: w.projectId,
    user_id: demo.tokenInfo().user.id,
  };
}

/** Per-call wall times (ms), and CPU per SLICE calls. */
interface Run {
  readonly wall: Float64Array;
  /** CPU ms of each SLICE calls. */
  readonly cpu: readonly number[];
  readonly totalMs: number;
  readonly totalCpuMs: number;
}

function timed(count: number, call: (i: number) => void): Run {
  const wall = new Float64Array(count);
  const cpu: number[] = [];
  const t0 = now();
  const c0 = cpuNow();
  let c = c0;
  for (let i = 0; i < count; i++) {
    const t = now();
    call(i);
    wall[i] = now() - t;
    if ((i + 1) % SLICE === 0) {
      const c2 = cpuNow();
      cpu.push(c2 - c);
      c = c2;
    }
  }
  return { wall, cpu, totalMs: now() - t0, totalCpuMs: cpuNow() - c0 };
}

function boots(cloud: Cloud, w: World, count: number, prefix: string): Run {
  const compute = login(cloud).compute;
  const networks = [{ uuid: w.networkId }];
  let events = 0;
  const listener = (): void => {
    events++;
  };
  if (LISTEN) cloud.events.on('*', listener);
  const run = timed(count, (i) => {
    compute.createServer({ name: `${prefix}-${i}`, flavorRef: FLAVOR_ID, imageRef: w.imageId, networks });
  });
  if (LISTEN) {
    cloud.events.off('*', listener);
    if (events === 0) throw new Error('BENCH_EVENTS=1: no event heard');
  }
  return run;
}

/**
 * The instance's uuid goes in the spec as the conductor sends it: without one the scheduler
 * makes it from a 31-bit seed, and two of 50 000 placements likely collide (a 409 from Placement).
 */
function placements(cloud: Cloud, spec: Record<string, unknown>, count: number): Run {
  return timed(count, (i) => {
    cloud.scheduler.selectDestinations({ ...spec, instance_uuids: [`00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`] });
  });
}

/** µs per call: the mean of calls [from, to). */
function meanUs(r: Run, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += r.wall[i] as number;
  return (sum / (to - from)) * 1000;
}

/** CPU µs per call over the slices in [from, to). */
function cpuUs(r: Run, from: number, to: number): number {
  const xs = r.cpu.slice(Math.floor(from / SLICE), Math.floor(to / SLICE));
  return (xs.reduce((a, b) => a + b, 0) / (xs.length * SLICE)) * 1000;
}

/** µs per call, wall and CPU: the medians of the SLICE-call slices in [from, to). */
function sliceMedians(r: Run, from: number, to: number): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let s = Math.floor(from / SLICE); (s + 1) * SLICE <= to; s++) {
    wall.push(meanUs(r, s * SLICE, (s + 1) * SLICE));
    cpu.push(((r.cpu[s] as number) / SLICE) * 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** The end state: every server counted and ACTIVE on a host, one port each, spread over the hosts. */
function check(w: World, servers: number): string {
  const q = w.cloud.quotas.show(w.projectId);
  const instances = q['compute.instances']?.in_use ?? 0;
  const ports = q['network.port']?.in_use ?? 0;
  if (instances !== servers) throw new Error(`expected ${servers} instances in the quota usage, found ${instances}`);
  if (ports < servers) throw new Error(`expected ≥ ${servers} ports, found ${ports}`);
  const used = w.cloud.scheduler.usage().filter((u) => (u.resources.VCPU?.used ?? 0) > 0).length;
  const demo = login(w.cloud);
  const last = demo.compute.listServers({ limit: 1 })[0];
  const view = last === undefined ? undefined : demo.compute.getServer(last.id);
  if (view?.status !== 'ACTIVE' || Object.keys(view.addresses).length !== 1) throw new Error(`the last server is ${view?.status ?? 'missing'}`);
  return `${fmtInt(instances)} instances and ${fmtInt(ports)} ports in the demo project's quota usage, servers on ${fmtInt(used)} hosts, the last one ACTIVE`;
}

interface Result {
  readonly hosts: number;
  readonly servers: number;
  readonly bootsPerS: number;
  readonly placementsPerS: number;
  readonly cpuRatio: number;
  /** µs per boot around 1k servers and over the last 1k: wall and CPU. */
  readonly early: { wall: number; cpu: number };
  readonly late: { wall: number; cpu: number };
}

const started = now();
const results: Result[] = [];
console.log(
  `\nstacksim compute benchmark: createServer through a demo session (m1.tiny, cirros, one port on a /8; progression immediate${LISTEN ? `; a '*' event listener` : ''})` +
    `\nagainst the scheduler alone (cloud.scheduler.selectDestinations, the same request spec), on the same world in the same run`,
);
for (const { hosts, servers } of SIZES) {
  const t0 = now();
  const w = world(hosts);
  const spec = requestSpec(w);
  console.log(`\n${fmtInt(hosts)} compute hosts, ${fmtInt(servers)} servers: world built in ${((now() - t0) / 1000).toFixed(1)} s (quota raised with ${w.quotaBy})`);
  boots(w.cloud.fork(), w, WARMUP, 'warm');
  placements(w.cloud.fork(), spec, WARMUP);
  const sched = placements(w.cloud.fork(), spec, servers);
  const boot = boots(w.cloud, w, servers, 'vm');
  console.log(`  end state: ${check(w, servers)}`);
  const rows: string[][] = [];
  for (let k = 0; k < 10; k++) {
    const from = (k * servers) / 10;
    const to = ((k + 1) * servers) / 10;
    const b = meanUs(boot, from, to);
    const p = meanUs(sched, from, to);
    const bc = cpuUs(boot, from, to);
    const pc = cpuUs(sched, from, to);
    rows.push([`${fmtInt(from)}–${fmtInt(to)}`, b.toFixed(0), bc.toFixed(0), p.toFixed(0), pc.toFixed(0), `×${(b / p).toFixed(2)}`, `×${(bc / pc).toFixed(2)}`]);
  }
  console.log(renderTable(['servers', 'µs/boot', 'cpu µs/boot', 'µs/placement', 'cpu µs/placement', 'boot/placement', 'cpu'], rows));
  const early = Math.min(1500, servers / 2);
  const r: Result = {
    hosts,
    servers,
    bootsPerS: servers / (boot.totalMs / 1000),
    placementsPerS: servers / (sched.totalMs / 1000),
    cpuRatio: boot.totalCpuMs / sched.totalCpuMs,
    early: sliceMedians(boot, early - 1000 < 0 ? 0 : early - 1000, early),
    late: sliceMedians(boot, servers - 1000, servers),
  };
  results.push(r);
  console.log(
    `  boots ${fmtInt(Math.round(r.bootsPerS))}/s (cpu/wall ${(boot.totalCpuMs / boot.totalMs).toFixed(2)}), scheduler only ${fmtInt(Math.round(r.placementsPerS))}/s (cpu/wall ${(sched.totalCpuMs / sched.totalMs).toFixed(2)}): ` +
      `a boot costs ×${(r.placementsPerS / r.bootsPerS).toFixed(2)} a placement (cpu ×${r.cpuRatio.toFixed(2)})`,
  );
  console.log(
    `  per boot: ${r.early.wall.toFixed(0)} µs (cpu ${r.early.cpu.toFixed(0)}) around 1k servers, ${r.late.wall.toFixed(0)} µs (cpu ${r.late.cpu.toFixed(0)}) over the last 1k: ` +
      `×${(r.late.wall / r.early.wall).toFixed(2)} (cpu ×${(r.late.cpu / r.early.cpu).toFixed(2)})`,
  );
}

const big = results.find((r) => r.hosts === 5000) ?? (results[results.length - 1] as Result);
const goal = (ok: boolean, text: string): void => console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
console.log(`\ngoals (issue 14), at ${fmtInt(big.hosts)} hosts and ${fmtInt(big.servers)} servers:`);
goal(big.bootsPerS >= 1500, `≥ 1 500 boots/s through a demo session: ${fmtInt(Math.round(big.bootsPerS))}/s`);
goal(big.placementsPerS / big.bootsPerS <= 2, `within 2× of the scheduler only: ×${(big.placementsPerS / big.bootsPerS).toFixed(2)} (cpu ×${big.cpuRatio.toFixed(2)})`);
goal(big.late.wall / big.early.wall <= 1.5, `per boot at ${fmtInt(big.servers)} servers within 1.5× of that at 1k: ×${(big.late.wall / big.early.wall).toFixed(2)} (cpu ×${(big.late.cpu / big.early.cpu).toFixed(2)})`);
console.log(`(whole compute bench: ${((now() - started) / 1000).toFixed(1)} s)`);
