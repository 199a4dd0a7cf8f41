/**
 * `npm run bench` (render part), issue 16's measurement: the pictures of a big cloud, each against
 * the query it draws from, at 100 and 1 000 compute hosts, in the same run.
 *
 * The world: the `devstack` preset's accounts, flavors and cirros on a topology of one controller
 * (controller, network, storage), N compute hosts (2 × 16 × 2 CPUs, 256 GiB, 2 TB) over two
 * availability zones of five racks each, and N / 20 storage hosts (3 racks, two 8 TB devices
 * each: the Swift rings), filled with 2 servers per compute host booted by the demo user (m1.tiny,
 * cirros, one port each on a /8).
 *
 * Timed (median of several runs after warm-up; ms, wall):
 *  - `render.utilisation(usage)` against its baseline `cloud.scheduler.usage()` (the query that
 *    builds the rows it draws) — the issue's "1 000-host utilisation picture, well under a second";
 *  - `render.utilisation(cloud)` (reads through a fork itself) and `render.datacenter(cloud)`;
 *  - `render.explanationGrid(explanation)` of one placement against `formatExplanation` of the
 *    same explanation (the text lines nova-style), the explanation computed beforehand;
 *  - `render.ring(cloud)` against `cloud.object.rings()`.
 * Printed: per size the medians and picture / baseline ratios, then growth 100 → 1 000 hosts
 * (×10 hosts: ≈ ×10 is linear), and the goal as PASS / FAIL (exit code 0 either way).
 *
 * Usage: `npx tsx bench/render.bench.ts [hosts …]` (default `100 1000`).
 */
import { createCloud, type Cloud } from '../src/index.js';
import { formatExplanation, type Explanation } from '../src/scheduler/index.js';
import { CIRROS_IMAGE_NAME } from '../src/image/index.js';
import * as render from '../src/render/index.js';
import { blackhole, cpuNow, fmtInt, median, now, renderTable } from './lib.js';

const SIZES = (process.argv.length > 2 ? process.argv.slice(2) : ['100', '1000']).map((a) => {
  const n = Number(a);
  if (!Number.isSafeInteger(n) || n < 20) throw new Error(`hosts: a whole number ≥ 20, got ${a}`);
  return n;
});
const SERVERS_PER_HOST = 2;
/** The goal: the 1 000-host utilisation picture well under a second. */
const GOAL_MS = 1000;

const NICS = [
  { name: 'eno1', speed_mbps: 10000, network: 'management' as const },
  { name: 'eno2', speed_mbps: 10000, network: 'tenant' as const },
];

function world(hosts: number): { cloud: Cloud; explanation: Explanation; servers: number } {
  const racks = Array.from({ length: 10 }, (_, i) => ({ name: `rack${i + 1}`, availability_zone: i < 5 ? 'az1' : 'az2' }));
  const cloud = createCloud({
    seed: 16,
    preset: 'devstack',
    topology: {
      availability_zones: [{ name: 'az1' }, { name: 'az2' }],
      racks: [...racks, { name: 'srack1' }, { name: 'srack2' }, { name: 'srack3' }],
      models: {
        std: { cpu: { sockets: 2, cores_per_socket: 16, threads_per_core: 2 }, memory_mb: 262144, disks: [{ name: 'sda', size_gb: 2000 }], nics: NICS },
        storage: { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2 }, memory_mb: 65536, disks: [{ name: 'sda', size_gb: 480 }, { name: 'sdb', size_gb: 8000 }, { name: 'sdc', size_gb: 8000 }], nics: NICS },
      },
      hosts: [
        { name: 'controller', model: 'std', rack: 'rack1', roles: ['controller', 'network', 'storage'], nics: [...NICS, { name: 'eno3', speed_mbps: 10000, network: 'external' }] },
        ...racks.map((r, i) => ({ name: `cmp-${i + 1}-{nnn}`, count: hosts / 10, model: 'std', rack: r.name, roles: ['compute' as const] })),
        ...[1, 2, 3].map((k) => ({ name: `swift-${k}-{nn}`, count: Math.max(1, Math.round(hosts / 60)), model: 'storage', rack: `srack${k}`, roles: ['storage' as const] })),
      ],
    },
  });
  const admin = cloud.admin;
  const projectId = admin.identity.listProjects({ name: 'demo' })[0]!.id;
  for (const r of ['instances', 'cores', 'ram']) cloud.quotas.setLimit(projectId, `compute.${r}`, -1);
  admin.network.updateQuota(projectId, { port: -1 });
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  const net = demo.network.createNetwork({ name: 'bench' });
  demo.network.createSubnet({ network_id: net.id, name: 'bench-v4', ip_version: 4, cidr: '10.0.0.0/8' });
  const imageRef = demo.image.getImage(CIRROS_IMAGE_NAME).id;
  const servers = hosts * SERVERS_PER_HOST;
  for (let i = 0; i < servers; i++) demo.compute.createServer({ name: `vm-${i}`, flavorRef: '1', imageRef, networks: [{ uuid: net.id }] });
  // one more placement, explained: the grid has a row per compute host
  const result = cloud.scheduler.selectDestinations({ flavor: { name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 20 }, project_id: projectId, user_id: 'bench' });
  return { cloud, explanation: result.explanation, servers };
}

/** Median ms of `fn` over `runs` runs after `warm` untimed ones: wall, and CPU (the machine may be shared: CPU ≈ wall means nothing competed). */
function ms(fn: () => unknown, runs: number, warm = 5): Timing {
  for (let i = 0; i < warm; i++) blackhole(fn());
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = cpuNow();
    const t = now();
    blackhole(fn());
    wall.push(now() - t);
    cpu.push(cpuNow() - c);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}
interface Measure {
  readonly name: string;
  readonly baseline: string;
  readonly picture: Timing;
  readonly base: Timing;
}
const fmtMs = (t: Timing, digits: number): string => `${t.wall.toFixed(digits)} (${t.cpu.toFixed(digits)})`;

const started = now();
console.log('\nstacksim render benchmark: pictures of a filled cloud against the queries they draw from (median ms: wall, and CPU in brackets)');
const bySize = new Map<number, Measure[]>();
for (const hosts of SIZES) {
  const t0 = now();
  const { cloud, explanation, servers } = world(hosts);
  const runs = hosts >= 1000 ? 5 : 9;
  const usage = cloud.scheduler.usage();
  const picture = render.utilisation(usage);
  const svg = picture.toSVG();
  const rows = explanation.instances[0]?.totals.length ?? 0;
  console.log(
    `\n${fmtInt(hosts)} compute hosts, ${fmtInt(servers)} servers, ${cloud.object.rings()[2]?.devices.length ?? 0} Swift devices: world built in ${((now() - t0) / 1000).toFixed(1)} s; ` +
      `utilisation SVG ${fmtInt(Math.round(svg.length / 1024))} KiB for ${usage.length} hosts, explanation grid of ${rows} ranked hosts`,
  );
  const measures: Measure[] = [
    { name: 'render.utilisation(usage)', baseline: 'cloud.scheduler.usage()', picture: ms(() => render.utilisation(usage), runs), base: ms(() => cloud.scheduler.usage(), runs) },
    { name: 'render.utilisation(cloud)', baseline: 'cloud.scheduler.usage()', picture: ms(() => render.utilisation(cloud), runs), base: ms(() => cloud.scheduler.usage(), runs) },
    { name: 'render.datacenter(cloud)', baseline: 'cloud.hardware.listHosts()', picture: ms(() => render.datacenter(cloud), runs), base: ms(() => cloud.hardware.listHosts(), runs) },
    { name: 'render.explanationGrid(explanation)', baseline: 'formatExplanation(explanation)', picture: ms(() => render.explanationGrid(explanation), runs), base: ms(() => formatExplanation(explanation), runs) },
    { name: 'render.ring(cloud)', baseline: 'cloud.object.rings()', picture: ms(() => render.ring(cloud), runs), base: ms(() => cloud.object.rings(), runs) },
  ];
  bySize.set(hosts, measures);
  console.log(renderTable(['picture', 'ms (cpu)', 'baseline', 'ms (cpu)', 'picture / baseline (cpu)'], measures.map((m) => [m.name, fmtMs(m.picture, 1), m.baseline, fmtMs(m.base, 2), `×${(m.picture.wall / m.base.wall).toFixed(1)} (×${(m.picture.cpu / m.base.cpu).toFixed(1)})`])));
}

const small = bySize.get(SIZES[0] as number) as Measure[];
const large = bySize.get(SIZES[SIZES.length - 1] as number) as Measure[];
const growth = (SIZES[SIZES.length - 1] as number) / (SIZES[0] as number);
if (SIZES.length > 1) {
  console.log(`\ngrowth ${fmtInt(SIZES[0] as number)} → ${fmtInt(SIZES[SIZES.length - 1] as number)} hosts (×${growth} hosts; ×${growth} is linear):`);
  const grown = (a: Timing, b: Timing): string => `×${(a.wall / b.wall).toFixed(1)} (×${(a.cpu / b.cpu).toFixed(1)})`;
  console.log(renderTable(['picture', 'picture growth (cpu)', 'baseline growth (cpu)'], large.map((m, i) => [m.name, grown(m.picture, (small[i] as Measure).picture), grown(m.base, (small[i] as Measure).base)])));
}
const u = large[0] as Measure;
const goal = (ok: boolean, text: string): void => console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
console.log(`\ngoal (issue 16), at ${fmtInt(SIZES[SIZES.length - 1] as number)} hosts:`);
goal(u.picture.wall < GOAL_MS, `the utilisation picture well under a second: ${u.picture.wall.toFixed(1)} ms wall, ${u.picture.cpu.toFixed(1)} ms CPU (×${(u.picture.cpu / u.base.cpu).toFixed(1)} its usage() query in CPU)`);
console.log(`(whole render bench: ${((now() - started) / 1000).toFixed(1)} s)`);
