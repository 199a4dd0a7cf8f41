/**
 * Small helpers shared by the benchmarks: timing, medians, garbage collection, formatting, and
 * the host specs the benchmarks feed to `cloud.hardware`.
 *
 * bench/ may use `node:` modules (src/ may not).
 */
import { createCloud, type Cloud, type HostPatch, type HostSpec, type Session } from '../src/index.js';
import { CIRROS_IMAGE_NAME } from '../src/image/index.js';

/** Milliseconds, sub-microsecond resolution. */
export const now = (): number => performance.now();

/**
 * Process CPU time in ms (user + system, all threads). The machine this runs on may be shared:
 * when other processes compete for the cores, wall time grows and CPU time mostly does not,
 * so CPU / wall during a timed section says how much a wall figure is inflated.
 */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >>> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

type GcFn = () => void;

const gcFn = (globalThis as { gc?: GcFn }).gc;

/** Whether `global.gc` is there (node --expose-gc); `npm run bench` runs without it. */
export const gcAvailable = typeof gcFn === 'function';

/**
 * A full GC, when `global.gc` is available; call it only BETWEEN measured sections that are
 * followed by a warm-up. Measured here: a forced GC right before a timed section makes that
 * section ~1.5× slower (V8 shrinks the young generation after it, so the section then pays
 * for many more scavenges), which is worse than the garbage it clears.
 */
export function collectGarbage(): void {
  if (gcFn) gcFn();
}

/** Runs `fn` once and returns its duration in ms. */
export function time(fn: () => void): number {
  const t0 = now();
  fn();
  return now() - t0;
}

/**
 * Average duration of one `fn()` in µs, over enough calls (at least `minCalls`) to fill
 * `minMs` of wall time: for operations too fast for one `performance.now()` pair.
 */
export function microsPerCall(fn: () => unknown, minMs = 20, minCalls = 1000): number {
  let calls = 0;
  let sink: unknown;
  const t0 = now();
  let t = t0;
  while (calls < minCalls || t - t0 < minMs) {
    for (let i = 0; i < 100; i++) sink = fn();
    calls += 100;
    t = now();
  }
  blackhole(sink);
  return ((t - t0) * 1000) / calls;
}

let hole: unknown;
/** Keeps a value alive so the JIT cannot drop the work that produced it. */
export function blackhole(x: unknown): void {
  hole = x;
}
export function lastBlackhole(): unknown {
  return hole;
}

/** `host-000042`: zero-padded so names sort in insertion order. */
export function hostName(i: number): string {
  return `host-${String(i).padStart(6, '0')}`;
}

/** The host spec the task names: 2 sockets × 8 cores × 2 threads, 64 GiB (a storage node). */
export function hostSpec(i: number): HostSpec {
  // storage nodes: the call exercises the kernel, the tables and the hardware module; a compute
  // host also makes nova-compute report to Placement (measured in scheduler.bench.ts)
  return { name: hostName(i), cpu: { sockets: 2, cores_per_socket: 8, threads_per_core: 2 }, memory_mb: 65536, roles: ['storage'] };
}

/** The update patch the task names. */
export const UPDATE_PATCH: HostPatch = Object.freeze({ memory_mb: 131072 });

// ---------------------------------------------------------------- formatting

/** A number with `digits` decimals, or '-' when not a number. */
export function fmt(x: number | undefined, digits = 1): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  return x.toFixed(digits);
}

/** `12 345` style thousands. */
export function fmtInt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** Renders rows as a fixed-width text table (first column left-aligned, others right-aligned). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join(' | ');
  const sep = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(header), sep, ...rows.map(line)].join('\n');
}

/** The compute benches' NICs: management and tenant, 10 Gbit/s each. */
const COMPUTE_NICS = [
  { name: 'eno1', speed_mbps: 10000, network: 'management' as const },
  { name: 'eno2', speed_mbps: 10000, network: 'tenant' as const },
];

/**
 * The compute benches' datacenter (bench/compute*.bench.ts): the `devstack` preset's accounts,
 * flavors and images on one controller (controller, network, storage; an external NIC) and
 * `hosts` compute hosts (2 × 16 × 2 CPUs, 256 GiB, 2 TB), `progression: 'immediate'`.
 */
export function computeBenchCloud(hosts: number, seed: number): Cloud {
  return createCloud({
    seed,
    preset: 'devstack',
    progression: 'immediate',
    topology: {
      racks: [{ name: 'rack1' }],
      models: { std: { cpu: { sockets: 2, cores_per_socket: 16, threads_per_core: 2 }, memory_mb: 262144, disks: [{ name: 'sda', size_gb: 2000 }], nics: COMPUTE_NICS } },
      hosts: [
        { name: 'controller', model: 'std', rack: 'rack1', roles: ['controller', 'network', 'storage'], nics: [...COMPUTE_NICS, { name: 'eno3', speed_mbps: 10000, network: 'external' }] },
        { name: 'cmp-{n}', count: hosts, model: 'std', rack: 'rack1', roles: ['compute'] },
      ],
    },
  });
}

/** The compute benches' demo world on {@link computeBenchCloud}: quota raised, a network with a /8 subnet. */
export interface ComputeBenchWorld {
  readonly cloud: Cloud;
  readonly projectId: string;
  readonly networkId: string;
  readonly imageId: string;
  /** How the quota was raised. */
  readonly quotaBy: string;
}

/**
 * The admin raises the demo project's quota as an operator would (nova's `instances`, `cores`
 * and `ram` — the defaults allow 10 instances — and Neutron's `port`: unlimited); the demo user
 * makes a network with a /8 subnet (50 000 ports do not fit DevStack's private subnet).
 */
export function computeBenchWorld(hosts: number, seed = 14): ComputeBenchWorld {
  const cloud = computeBenchCloud(hosts, seed);
  const admin = cloud.admin;
  const projectId = admin.identity.listProjects({ name: 'demo' })[0]!.id;
  // nova's os-quota-sets when it is there, else the operator's quota API (the same limits)
  let quotaBy = 'admin.compute.updateQuotaSet';
  try {
    admin.compute.updateQuotaSet(projectId, { instances: -1, cores: -1, ram: -1 });
  } catch {
    quotaBy = 'cloud.quotas.setLimit';
    for (const r of ['instances', 'cores', 'ram']) cloud.quotas.setLimit(projectId, `compute.${r}`, -1);
  }
  admin.network.updateQuota(projectId, { port: -1 });
  const demo = demoLogin(cloud);
  const net = demo.network.createNetwork({ name: 'bench' });
  demo.network.createSubnet({ network_id: net.id, name: 'bench-v4', ip_version: 4, cidr: '10.0.0.0/8' });
  return { cloud, projectId, networkId: net.id, imageId: demo.image.getImage(CIRROS_IMAGE_NAME).id, quotaBy };
}

/** DevStack's demo user, scoped to the demo project. */
export function demoLogin(cloud: Cloud): Session {
  return cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
}
