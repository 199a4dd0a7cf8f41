/**
 * `npm run bench` (network part): creating ports with IP allocation on one /16 as it fills to
 * 60 000 ports, through the public API (`cloud.admin.network.createPort`: token check, policy,
 * IPAM, one commit each). Issue 12 asks that a port at 60k cost within 2× of a port at 1k:
 * allocation takes from the subnet's free ranges (the neutrondb driver's window of the first
 * 1 000 free addresses), never scans the used ones, and every table is an O(log n) tree.
 *
 * Baseline, measured in the same run: the same loop over plain mutable structures (a Map of
 * port objects, a Set of used addresses, a free list), the least any simulator could do.
 * Figures: µs per port around 1k and around 60k, their ratio, the ratio to the baseline, and
 * the heap held per port.
 */
import { createCloud } from '../src/index.js';
import { median, now } from './lib.js';

const TOTAL = Number(process.argv[2] ?? 60_000);
const WINDOW = 1_000;

function heapMb(): number {
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** The plain baseline: a port is a Map entry; an address comes from a random pick in the first 1 000 free ones. */
function baseline(total: number): { at1k: number; atEnd: number; bytesPerPort: number } {
  const ports = new Map<string, { id: string; mac: string; ip: string }>();
  const free: number[] = [];
  for (let v = 2; v < 65_535; v++) free.push(v);
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const per: number[] = [];
  const h0 = heapMb();
  let t0 = now();
  for (let i = 0; i < total; i++) {
    const k = rand(Math.min(WINDOW, free.length));
    const v = free[k]!;
    free[k] = free[free.length - 1]!;
    free.pop();
    const id = `p${i}`;
    ports.set(id, { id, mac: `fa:16:3e:${(i >> 16) & 255}:${(i >> 8) & 255}:${i & 255}`, ip: `10.1.${v >> 8}.${v & 255}` });
    if ((i + 1) % 500 === 0) {
      per.push(((now() - t0) / 500) * 1000);
      t0 = now();
    }
  }
  const bytesPerPort = ((heapMb() - h0) * 2 ** 20) / total;
  return { at1k: median(per.slice(1, 4)), atEnd: median(per.slice(-3)), bytesPerPort };
}

function stacksim(total: number): { at1k: number; atEnd: number; bytesPerPort: number } {
  const cloud = createCloud({ seed: 1, preset: 'devstack' });
  const admin = cloud.admin.network;
  const project = cloud.admin.identity.listProjects({ name: 'admin' })[0]!.id;
  admin.updateQuota(project, { port: -1 });
  const net = admin.createNetwork({ name: 'bench' });
  admin.createSubnet({ network_id: net.id, ip_version: 4, cidr: '10.1.0.0/16', enable_dhcp: false });
  const per: number[] = [];
  const h0 = heapMb();
  let t0 = now();
  for (let i = 0; i < total; i++) {
    admin.createPort({ network_id: net.id, device_owner: 'compute:nova', device_id: `vm-${i}` });
    if ((i + 1) % 500 === 0) {
      per.push(((now() - t0) / 500) * 1000);
      t0 = now();
    }
  }
  const bytesPerPort = ((heapMb() - h0) * 2 ** 20) / total;
  const ports = admin.listPorts({ network_id: net.id, fields: ['id'] }).length;
  if (ports !== total) throw new Error(`expected ${total} ports, found ${ports}`);
  return { at1k: median(per.slice(1, 4)), atEnd: median(per.slice(-3)), bytesPerPort };
}

console.log(`\nstacksim network benchmark: ${TOTAL.toLocaleString('en')} ports on one /16 (µs per port, medians of 500-port slices)`);
const b = baseline(TOTAL);
const s = stacksim(TOTAL);
const row = (label: string, x: { at1k: number; atEnd: number; bytesPerPort: number }): void =>
  console.log(`${label.padEnd(34)} ${x.at1k.toFixed(1).padStart(8)} µs @1k ${x.atEnd.toFixed(1).padStart(8)} µs @${(TOTAL / 1000).toFixed(0)}k  growth ×${(x.atEnd / x.at1k).toFixed(2)}  ${(x.bytesPerPort / 1024).toFixed(1).padStart(6)} KiB/port`);
row('plain mutable baseline', b);
row('stacksim admin.network.createPort', s);
console.log(`${'stacksim / baseline'.padEnd(34)} ×${(s.at1k / b.at1k).toFixed(0)} @1k, ×${(s.atEnd / b.atEnd).toFixed(0)} @${(TOTAL / 1000).toFixed(0)}k; memory ×${(s.bytesPerPort / Math.max(1, b.bytesPerPort)).toFixed(1)}`);
console.log(`goal: growth 1k → ${(TOTAL / 1000).toFixed(0)}k within ×2: ${s.atEnd / s.at1k <= 2 ? 'met' : 'NOT met'}`);
