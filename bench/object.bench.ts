/**
 * `npm run bench` (fourth part): Swift's rings as pure functions, then the object service's PUT / GET
 * of 1 KiB objects up to 100 000 objects (at the end of the file). The rings — `rebalance` at part_power 14,
 * 16 and 18 (3 replicas: up to 786 432 part-replicas) with 100 and 1 000 devices, the first
 * build and a rebalance after adding 1 % more devices (a new server of disks in zone 1, its
 * min_part_hours later), with the part-replicas moved against the ideal (the new devices' share);
 * then `getNodes` and the first three `getMoreNodes` handoffs per second on the largest ring.
 *
 * Cluster: one region, 5 zones, servers of 10 disks (100 devices: 2 servers per zone; 1 000: 20),
 * weight 100 each. Times are one run each (the first build is itself the warm-up of the next
 * sizes); the machine may be shared, so compare within one run.
 */
import {
  addDevice,
  createRingBuilder,
  getMoreNodes,
  getNodes,
  getRing,
  rebalance,
  type RingBuilderData,
  type RingDeviceInput,
} from '../src/object/ring/index.js';
import { md5 } from '@noble/hashes/legacy.js';
import { createCloud, type Cloud } from '../src/index.js';
import { blackhole, fmt, fmtInt, median, microsPerCall, now, renderTable } from './lib.js';

const ZONES = 5;
const DISKS_PER_SERVER = 10;
const REPLICAS = 3;
const HOUR = 3600;

/** Device `i` of the cluster: zones round-robin by server, 10 disks per server. */
function device(i: number): RingDeviceInput {
  const server = Math.floor(i / DISKS_PER_SERVER);
  const zone = 1 + (server % ZONES);
  return { region: 1, zone, ip: `10.0.${zone}.${Math.floor(server / ZONES)}`, port: 6200, device: `sd${String.fromCharCode(97 + (i % DISKS_PER_SERVER))}`, weight: 100 };
}

/** Disk `j` of the 1 % added: new servers of 10 disks in `zone` (one disk on a new server for 100 devices). */
function extra(zone: number, j: number): RingDeviceInput {
  return { region: 1, zone, ip: `10.9.${zone}.${Math.floor(j / DISKS_PER_SERVER)}`, port: 6200, device: `sd${String.fromCharCode(97 + (j % DISKS_PER_SERVER))}`, weight: 100 };
}

function cluster(part_power: number, n: number): RingBuilderData {
  let b = createRingBuilder({ part_power, replicas: REPLICAS, min_part_hours: 1 });
  for (let i = 0; i < n; i++) b = addDevice(b, device(i));
  return b;
}

console.log('\nstacksim object benchmark: Swift ring rebalance (3 replicas; one region, 5 zones, 10 disks per server)');
const rows: string[][] = [];
let largest: RingBuilderData | undefined;
for (const part_power of [14, 16, 18]) {
  for (const n of [100, 1_000]) {
    const built = cluster(part_power, n);
    let t = now();
    const first = rebalance(built, { seed: 1, now: 0 });
    const firstMs = now() - t;
    const added = Math.max(1, Math.round(n / 100));
    let b = first.builder;
    for (let j = 0; j < added; j++) b = addDevice(b, extra(1, j));
    t = now();
    const second = rebalance(b, { seed: 2, now: 2 * HOUR });
    const secondMs = now() - t;
    const ideal = (b.parts * REPLICAS * added) / (n + added);
    // the same devices as a new zone 6: no partition has a replica there yet
    let z = first.builder;
    for (let j = 0; j < added; j++) z = addDevice(z, extra(ZONES + 1, j));
    const newZone = rebalance(z, { seed: 2, now: 2 * HOUR });
    rows.push([
      `2^${part_power} × ${fmtInt(n)} devs`,
      fmt(firstMs, 0),
      fmtInt(first.parts_moved),
      fmt(first.balance, 2),
      `+${added}`,
      fmt(secondMs, 0),
      fmtInt(second.parts_moved),
      fmtInt(Math.round(ideal)),
      fmt(second.parts_moved / ideal, 2),
      fmt(second.balance, 2),
      fmt(second.dispersion, 2),
      fmt(newZone.parts_moved / ideal, 2),
    ]);
    if (part_power === 18 && n === 1_000) largest = second.builder;
  }
}
console.log(
  renderTable(
    ['ring', 'build ms', 'moved', 'balance %', 'add', 'rebalance ms', 'moved', 'ideal', 'moved/ideal', 'balance %', 'dispersion %', 'new zone: moved/ideal'],
    rows,
  ),
);
console.log('  add: 1 % more devices in zone 1, rebalanced min_part_hours later. ideal: parts × replicas × added / devices, the new');
console.log('  devices\' share. A gathered replica whose partition already has one in zone 1 cannot go there and moves elsewhere,');
console.log('  so Swift moves more than the ideal (its own builder: 1.3–1.8×) and fills the new devices over later rebalances;');
console.log('  added as a new zone, where every gathered replica may go, the moves are the ideal.');

const ring = getRing(largest as RingBuilderData);
const paths = Array.from({ length: 4096 }, (_, i) => [`AUTH_${i % 97}`, `container-${i % 31}`, `object/${i}.jpg`] as const);
let k = 0;
const getNodesUs = microsPerCall(() => {
  const [a, c, o] = paths[k++ & 4095]!;
  return getNodes(ring, a, c, o, { hash_path_suffix: 'changeme' });
}, 200);
let q = 0;
const handoffUs = microsPerCall(() => {
  const it = getMoreNodes(ring, q++ & (ring.replica2part2dev_id[0]!.length - 1));
  const out = [it.next().value, it.next().value, it.next().value];
  blackhole(out);
  return out;
}, 200);
console.log(`\n  getNodes on the 2^18 × 1 010-device ring: ${fmtInt(Math.round(1e6 / getNodesUs))} per second (${fmt(getNodesUs, 2)} µs each)`);
console.log(`  first 3 getMoreNodes handoffs on that ring: ${fmtInt(Math.round(1e6 / handoffUs))} per second (${fmt(handoffUs, 2)} µs each)`);

// ------------------------------------------------------------------ the object service: PUT / GET of 1 KiB objects

/**
 * PUT and GET of 1 KiB objects through `session.object` into one container growing to 100 000
 * objects, on six storage hosts (three racks, 3 replicas, part_power 10): µs per call over the
 * last 1 000 calls at each size, against a mutable Map doing the same bookkeeping (MD5 and a
 * copy of the bytes) in the same run. The bar: per-call time does not grow with the count.
 */
const storage = createCloud({
  seed: 5,
  topology: {
    racks: [{ name: 'r1' }, { name: 'r2' }, { name: 'r3' }],
    models: { s: { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2 }, memory_mb: 65536, disks: [{ name: 'sda', size_gb: 480 }, { name: 'sdb', size_gb: 8000 }, { name: 'sdc', size_gb: 8000 }] } },
    hosts: [
      { name: 'st{n}', count: 2, model: 's', roles: ['storage'], rack: 'r1' },
      { name: 'su{n}', count: 2, model: 's', roles: ['storage'], rack: 'r2' },
      { name: 'sv{n}', count: 2, model: 's', roles: ['storage'], rack: 'r3' },
    ],
  },
});
const swift = storage.login({ username: 'demo', password: 'secret', project: 'demo' }).object;
swift.putContainer('bench');
const payload = new Uint8Array(1024).map((_, i) => i & 0xff);
const sizes = [1_000, 10_000, 100_000];
const baseline = new Map<string, { etag: Uint8Array; data: Uint8Array }>();
let stored = 0;
const objRows: string[][] = [];
for (const size of sizes) {
  // fill up to size − 1 000 untimed, then time the last 1 000 PUTs and 1 000 GETs
  const t0 = now();
  while (stored < size - 1000) {
    payload[0] = stored & 0xff;
    payload[1] = (stored >> 8) & 0xff;
    swift.putObject('bench', `obj-${String(stored).padStart(7, '0')}`, payload);
    stored++;
  }
  const fillS = (now() - t0) / 1000;
  let t = now();
  for (let i = 0; i < 1000; i++, stored++) {
    payload[0] = stored & 0xff;
    payload[1] = (stored >> 8) & 0xff;
    swift.putObject('bench', `obj-${String(stored).padStart(7, '0')}`, payload);
  }
  const putUs = ((now() - t) * 1000) / 1000;
  t = now();
  for (let i = 0; i < 1000; i++) blackhole(swift.getObject('bench', `obj-${String((i * 7919) % stored).padStart(7, '0')}`).data);
  const getUs = ((now() - t) * 1000) / 1000;
  t = now();
  for (let i = 0; i < 1000; i++) baseline.set(`obj-${size}-${i}`, { etag: md5(payload), data: payload.slice() });
  const mapUs = ((now() - t) * 1000) / 1000;
  objRows.push([fmtInt(size), fmt(putUs), fmt(getUs), fmt(mapUs, 2), fmt(fillS)]);
}
console.log('\nstacksim object service: 1 KiB objects into one container (6 storage hosts, 3 replicas), µs per call over the last 1 000');
console.log(renderTable(['objects', 'PUT µs', 'GET µs', 'Map+MD5 µs', 'fill s'], objRows));
const first = Number(objRows[0]![1]);
const last = Number(objRows[objRows.length - 1]![1]);
console.log(`  PUT at 100k / PUT at 1k: ${fmt(last / first, 2)}× (${last / first <= 1.5 ? 'PASS' : 'FAIL'}: per-call time must not grow with the object count)`);

// ------------------------------------------------------------------ the replicator: virtual time with copies out of place

/**
 * The object-replicator under `cloud.clock.advance` (issue 10 #15). Six storage hosts (three
 * racks, two storage disks each, 3 replicas, part_power 10); one host is down while N objects
 * are written, so the objects with a primary on it keep a copy on a handoff; the first pass runs
 * (and can do nothing more), then the clock is advanced by one day and by 365 days with nothing
 * changing. Baseline in the same run: the same cloud with no object. Then the pass a recovery
 * wakes (it brings the handoff copies home): its time against the objects it moved.
 * Before the fix the replicator walked every object every 30 s while anything was out of place:
 * 1 000 objects took 55 s per virtual day, and 10 objects ran into `core.task.runaway` within a year.
 */
function replicationBench(): void {
  const DAY = 86400;
  const model = { cpu: { sockets: 1, cores_per_socket: 8, threads_per_core: 2 }, memory_mb: 65536, disks: [{ name: 'sda', size_gb: 480 }, { name: 'sdb', size_gb: 8000 }, { name: 'sdc', size_gb: 8000 }] };
  const make = (): Cloud =>
    createCloud({
      seed: 11,
      preset: 'empty',
      identity: { password_hash_rounds: 1 },
      topology: { racks: [{ name: 'r1' }, { name: 'r2' }, { name: 'r3' }], models: { s: model }, hosts: [1, 2, 3].map((r) => ({ name: `st${r}{n}`, count: 2, model: 's', roles: ['storage' as const], rack: `r${r}` })) },
      object: { ring: { part_power: 10, replicas: 3, min_part_hours: 1 } },
    });
  /** Median ms of `advance(seconds)` over `runs` forks of the same state (each fork advances once). */
  const advanceMs = (cloud: Cloud, seconds: number, runs = 5): number => {
    const times: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      const f = cloud.fork();
      const t = now();
      f.clock.advance(seconds);
      if (i > 0) times.push(now() - t); // the first is the warm-up
    }
    return median(times);
  };
  const setup = (n: number): { cloud: Cloud; outOfPlace: number } => {
    const cloud = make();
    const api = cloud.admin.object;
    api.putContainer('c');
    cloud.hardware.failHost('st11');
    cloud.batch(() => {
      for (let i = 0; i < n; i++) api.putObject('c', `o${i}`, `object ${i}`);
    });
    cloud.clock.advance(60); // the first pass: walks every object once, brings nothing home
    return { cloud, outOfPlace: cloud.state.object.out_of_place.size };
  };
  // warm-up: one whole round on a small cloud, so the baseline is not the first thing measured
  advanceMs(setup(100).cloud, 365 * DAY, 3);
  const empty = make();
  empty.admin.object.putContainer('c');
  empty.clock.advance(60);
  const baseDay = advanceMs(empty, DAY);
  const baseYear = advanceMs(empty, 365 * DAY);
  const rows: string[][] = [['0 (baseline)', '0', fmt(baseDay, 3), fmt(baseYear, 3), '1.0', '1.0', '-', '-']];
  const results: { n: number; day: number; year: number }[] = [];
  for (const n of [10, 1_000, 10_000]) {
    const { cloud, outOfPlace } = setup(n);
    const day = advanceMs(cloud, DAY);
    const year = advanceMs(cloud, 365 * DAY);
    // the host back: one pass walks the objects out of place and brings them home
    const back = cloud.fork();
    back.hardware.recoverHost('st11');
    const t = now();
    back.clock.advance(60);
    const passMs = now() - t;
    const after = back.state.object.out_of_place.size;
    results.push({ n, day, year });
    rows.push([fmtInt(n), fmtInt(outOfPlace), fmt(day, 3), fmt(year, 3), fmt(day / baseDay, 1), fmt(year / baseYear, 1), fmt(passMs, 1), fmt((passMs * 1000) / Math.max(outOfPlace, 1), 1)]);
    if (after !== 0) console.log(`  WARNING: ${after} objects still out of place after the recovery pass`);
  }
  console.log('\nstacksim object replicator: cloud.clock.advance with copies out of place and nothing changing (ms, median of 5 forks)');
  console.log(renderTable(['objects', 'out of place', '1 day ms', '365 days ms', 'day / base', 'year / base', 'recovery pass ms', 'µs / moved object'], rows));
  const small = results[0]!;
  const large = results[results.length - 1]!;
  const growth = large.year / small.year;
  console.log(`  365 days at 10 000 objects / at 10 objects: ${fmt(growth, 2)}× (${growth <= 3 ? 'PASS' : 'FAIL'}: advancing time with nothing changing must not grow with the object count)`);
}

replicationBench();
