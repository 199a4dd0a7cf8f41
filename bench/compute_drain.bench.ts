/**
 * `npm run bench` (compute part, issue 15's benchmark): drain a 100-host cell by live-migrating
 * every server away, at 1 000 hosts; servers per second, against booting the same servers in the
 * same run (the baseline), and how the cost grows with the size of the cloud.
 *
 * The world: the `devstack` preset on a topology of one controller and N compute hosts (2 × 16 × 2
 * CPUs, 256 GiB, 2 TB, two 10 Gbit/s NICs), `progression: 'immediate'`. The admin boots
 * `PER_HOST` m1.tiny servers on each of the first 100 hosts (`availability_zone: 'nova:<host>'`,
 * the admin's way of choosing a host) and on nothing else — the cell to drain — then disables
 * their nova-compute services (`PUT /os-services/{id}`, as an operator does before a
 * maintenance) so the scheduler places nothing new there.
 *
 * 1. Boots (the baseline): the time of those boots, per server.
 * 2. Drain: `admin.compute.liveMigrateServer(id, { host: null, block_migration: 'auto' })` for
 *    every server of the cell, one call each: nova-api's checks, the conductor's checks with the
 *    scheduler choosing the destination among the other hosts (Placement's candidates, filters and
 *    weighers, the claim), the migration record and its consumer in Placement, pre-live-migration
 *    on the destination, the ports rebound, post-live-migration, the source's allocation freed.
 *
 * Checked at the end: the 100 hosts hold no allocation and no server, every server is ACTIVE on
 * another host with exactly one Placement consumer, every migration `completed`.
 *
 * Usage: `npx tsx bench/compute_drain.bench.ts [hosts …]` (default `200 1000`).
 */
import type { Cloud, Session } from '../src/index.js';
import { CIRROS_IMAGE_NAME } from '../src/image/index.js';
import { computeBenchCloud, cpuNow, fmtInt, now, renderTable } from './lib.js';

const SIZES = (process.argv.length > 2 ? process.argv.slice(2) : ['200', '1000']).map((arg) => {
  const h = Number(arg);
  if (!Number.isSafeInteger(h) || h < 101) throw new Error(`size: a number of hosts above 100; got ${arg}`);
  return h;
});
/** Hosts in the cell that is drained. */
const CELL = 100;
/** Servers per host of the cell. */
const PER_HOST = Number(process.env.BENCH_PER_HOST ?? 8);


function world(hosts: number): { cloud: Cloud; admin: Session; imageId: string; networkId: string } {
  const cloud = computeBenchCloud(hosts, 15);
  const admin = cloud.admin;
  const projectId = admin.tokenInfo().project?.id as string;
  admin.compute.updateQuotaSet(projectId, { instances: -1, cores: -1, ram: -1 });
  admin.network.updateQuota(projectId, { port: -1 });
  const net = admin.network.createNetwork({ name: 'bench' });
  admin.network.createSubnet({ network_id: net.id, name: 'bench-v4', ip_version: 4, cidr: '10.0.0.0/16' });
  return { cloud, admin, imageId: admin.image.getImage(CIRROS_IMAGE_NAME).id, networkId: net.id };
}

interface Timed {
  readonly ms: number;
  readonly cpuMs: number;
}

function timed(fn: () => void): Timed {
  const t = now();
  const c = cpuNow();
  fn();
  return { ms: now() - t, cpuMs: cpuNow() - c };
}

interface Result {
  readonly hosts: number;
  readonly servers: number;
  readonly boot: Timed;
  readonly drain: Timed;
}

function run(hosts: number): Result {
  const w = world(hosts);
  const { admin, cloud } = w;
  const cell = Array.from({ length: CELL }, (_, i) => `cmp-${i + 1}`);
  const ids: string[] = [];
  const networks = [{ uuid: w.networkId }];
  const boot = timed(() => {
    for (const host of cell) {
      for (let k = 0; k < PER_HOST; k++) {
        const created = admin.compute.createServer({ name: `${host}-vm${k}`, flavorRef: '1', imageRef: w.imageId, networks, availability_zone: `nova:${host}` });
        ids.push((created as { id: string }).id);
      }
    }
  });
  const services = admin.compute.listComputeServices({ binary: 'nova-compute' });
  for (const svc of services) if (cell.includes(svc.host)) admin.compute.updateComputeService(String(svc.id), { status: 'disabled', disabled_reason: 'drain for maintenance' });
  const drain = timed(() => {
    for (const id of ids) admin.compute.liveMigrateServer({ id }, { host: null, block_migration: 'auto' });
  });
  check(cloud, admin, cell, ids);
  return { hosts, servers: ids.length, boot, drain };
}

/** The cell is empty, every server ACTIVE elsewhere with one consumer, every migration completed. */
function check(cloud: Cloud, admin: Session, cell: readonly string[], ids: readonly string[]): void {
  const usage = cloud.scheduler.usage();
  for (const u of usage) if (cell.includes(u.host) && (u.resources.VCPU?.used ?? 0) > 0) throw new Error(`${u.host} still holds ${u.resources.VCPU?.used} VCPU`);
  for (const id of ids) {
    const v = admin.compute.getServer({ id }) as unknown as Record<string, unknown>;
    if (v.status !== 'ACTIVE' || cell.includes(String(v['OS-EXT-SRV-ATTR:host']))) throw new Error(`server ${id} is ${String(v.status)} on ${String(v['OS-EXT-SRV-ATTR:host'])}`);
  }
  const migrations = admin.compute.listMigrations({ migration_type: 'live-migration', limit: ids.length + 1 });
  const notDone = migrations.filter((m) => (m as unknown as { status: string }).status !== 'completed');
  if (migrations.length !== ids.length || notDone.length > 0) throw new Error(`${migrations.length} live migrations, ${notDone.length} not completed`);
}

console.log(
  `\nstacksim compute benchmark (issue 15): drain a ${CELL}-host cell (${PER_HOST} m1.tiny servers per host) by live-migrating every server away` +
    `\n(admin.compute.liveMigrateServer, the scheduler choosing; progression immediate), against booting the same servers in the same run`,
);
const results: Result[] = [];
for (const hosts of SIZES) {
  const r = run(hosts);
  results.push(r);
}
const rows = results.map((r) => [
  fmtInt(r.hosts),
  fmtInt(r.servers),
  fmtInt(Math.round(r.servers / (r.boot.ms / 1000))),
  fmtInt(Math.round(r.servers / (r.drain.ms / 1000))),
  ((r.drain.ms / r.servers) * 1000).toFixed(0),
  ((r.drain.cpuMs / r.servers) * 1000).toFixed(0),
  `×${(r.drain.ms / r.boot.ms).toFixed(2)}`,
]);
console.log(renderTable(['hosts', 'servers', 'boots/s', 'migrations/s', 'µs/migration', 'cpu µs/migration', 'migration/boot'], rows));
if (results.length > 1) {
  const a = results[0] as Result;
  const b = results[results.length - 1] as Result;
  console.log(`  growth: µs per migration ×${(b.drain.ms / b.servers / (a.drain.ms / a.servers)).toFixed(2)} from ${fmtInt(a.hosts)} to ${fmtInt(b.hosts)} hosts (×${(b.hosts / a.hosts).toFixed(0)} the hosts)`);
}
