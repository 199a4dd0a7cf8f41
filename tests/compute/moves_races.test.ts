/**
 * Moves cut short (issue 15 review): in `progression: 'clock'`, a server with a volume attached is
 * deleted in the middle of a resize or a live migration (at every stage), its source or
 * destination host fails mid-move, it is evacuated after its source failed (refused while the
 * move is unfinished, or accepted once it rolled back), a live migration is aborted then the server
 * deleted. After each: Placement usage = the sum of the allocations, each server at most two
 * consumers and exactly one (its own, on its host) once no move is unfinished, no finished
 * migration holds an allocation, every attachment in use belongs to a live server, the ports of a
 * server at rest bound to its host — and `moveProblems` (tests/model/compute.commands.ts).
 * Then a fast-check property mixing the same operations with clock advances.
 *
 * Zed: nova/compute/manager.py (`_do_live_migration`, `_rollback_live_migration`,
 * `finish_resize`, `_error_out_instance_on_exception`, `errors_out_migration`), nova/compute/api.py
 * (`_confirm_resize_on_deleting`).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, createCloud, type Cloud } from '../../src/index.js';
import { getRow, tableToArray } from '../../src/core/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { allocationsOf } from '../../src/scheduler/index.js';
import { FINISHED_MIGRATION_STATUSES, migrationsOfServer } from '../../src/compute/migrations.js';
import { actionsOf } from '../../src/compute/actions.js';
import { moveProblems } from '../model/compute.commands.js';

const model = { cpu: { model: 'X', sockets: 1, cores_per_socket: 8, threads_per_core: 2, flags: ['vmx'] }, memory_mb: 32768, disks: [{ name: 'sda', size_gb: 400 }], nics: [{ name: 'eno1', speed_mbps: 1000, network: 'management' }] };

function world(seed = 5) {
  const cloud = createCloud({
    seed,
    preset: 'devstack',
    progression: 'clock',
    topology: {
      availability_zones: [{ name: 'az1' }],
      racks: [{ name: 'r1', availability_zone: 'az1' }],
      models: { node: model },
      hosts: [{ name: 'controller', model: 'node', roles: ['controller', 'network', 'storage'] }, { name: 'a{n}', count: 3, model: 'node', rack: 'r1' }],
    },
  } as never);
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  return { cloud, admin: cloud.admin, demo };
}
type World = ReturnType<typeof world>;

/** A server of demo's (a port on its network) with a volume attached, at rest; its host, and the two other hosts. */
function bootWithVolume(w: World, name = 'vm'): { id: string; source: string; dest: string; other: string } {
  const c = w.demo.compute.createServer({ name, flavorRef: 'm1.small', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string };
  w.cloud.run();
  const vol = w.demo.block.createVolume({ size: 1, name: `${name}-d` } as never).id;
  w.cloud.run();
  w.demo.compute.attachVolume(c.id, { volumeId: vol });
  w.cloud.run();
  expect(w.demo.block.getVolume(vol).status).toBe('in-use');
  const source = getRow(w.cloud.state.compute.servers, c.id)!.host!;
  const [dest, other] = HOSTS.filter((h) => h !== source) as [string, string];
  return { id: c.id, source, dest, other };
}

const HOSTS = ['a1', 'a2', 'a3'];
const FINISHED = FINISHED_MIGRATION_STATUSES as readonly string[];

/** The checks of the review (each a line), plus moveProblems. */
function problems(cloud: Cloud): string[] {
  const s = cloud.state;
  const out = [...moveProblems(cloud)];
  const hostIds = new Map(tableToArray(s.hardware.hosts).map((h) => [h.id, h.name]));
  for (const row of tableToArray(s.compute.servers)) {
    const migrations = migrationsOfServer(s, row.uuid);
    const holding = migrations.filter((m) => Object.keys(allocationsOf(s, m.uuid)).length > 0);
    for (const m of holding) {
      if (row.deleted) out.push(`migration ${m.id} of deleted ${row.uuid} holds an allocation`);
      else if (FINISHED.includes(m.status) && !(m.status === 'reverted' && row.task_state === 'resize_reverting')) out.push(`finished migration ${m.id} (${m.status}) of ${row.uuid} holds an allocation`);
    }
    if (row.deleted) {
      if (Object.keys(allocationsOf(s, row.uuid)).length > 0) out.push(`deleted ${row.uuid} holds an allocation`);
      continue;
    }
    const own = Object.keys(allocationsOf(s, row.uuid)).map((rp) => hostIds.get(rp) ?? rp);
    const consumers = (own.length > 0 ? 1 : 0) + holding.length;
    if (consumers > 2) out.push(`${row.uuid}: ${consumers} consumers`);
    const unfinished = migrations.filter((m) => !FINISHED.includes(m.status));
    if (unfinished.length === 0 && row.task_state === null && row.vm_state !== 'shelved_offloaded') {
      if (holding.length > 0) out.push(`${row.uuid} at rest (${row.vm_state}) with a migration consumer`);
      // its own claim: on its host, plus an evacuation's source until that nova-compute is back
      const allowed = new Set<string | null>([row.host, ...migrations.filter((m) => m.migration_type === 'evacuation' && m.status === 'done').map((m) => m.source_compute)]);
      for (const h of own) if (!allowed.has(h)) out.push(`${row.uuid} on ${row.host} (${row.vm_state}) still holds ${h}`);
      if (row.host !== null && own.length === 0) out.push(`${row.uuid} on ${row.host} (${row.vm_state}) holds nothing`);
      if (row.host !== null && row.vm_state !== 'error') {
        for (const vif of row.vifs) {
          const port = getRow(s.network.ports, vif.port_id);
          if (port !== undefined && port.binding_host_id !== row.host) out.push(`${row.uuid} on ${row.host}: port ${vif.port_id} bound to ${port.binding_host_id}`);
          if (port !== undefined && 'migrating_to' in port.binding_profile) out.push(`${row.uuid} at rest: port ${vif.port_id} still migrating_to`);
        }
      }
    }
  }
  for (const a of tableToArray(s.block.attachments)) {
    const owner = a.instance_uuid === null ? undefined : getRow(s.compute.servers, a.instance_uuid);
    if (a.instance_uuid !== null && (owner === undefined || owner.deleted)) out.push(`attachment ${a.id} (${a.attach_status}) of volume ${a.volume_id} belongs to deleted ${a.instance_uuid}`);
  }
  for (const v of tableToArray(s.block.volumes)) {
    if (v.status === 'in-use' && !tableToArray(s.block.attachments).some((a) => a.volume_id === v.id)) out.push(`volume ${v.id} in-use without an attachment`);
  }
  return out;
}

/** Virtual times after the move's request: every stage of a resize and of a live migration falls between two of them. */
const STAGES = [0.2, 0.6, 1.1, 1.6, 2.1, 3, 10, 40, 120];

describe('a server deleted in the middle of a move', () => {
  for (const t of STAGES) {
    it(`resize, deleted ${t} s after the request`, () => {
      const w = world();
      const { id, source, dest, other } = bootWithVolume(w);
      w.admin.compute.resizeServer(id, { flavorRef: 'm1.medium' });
      w.cloud.clock.advance(t);
      expect(problems(w.cloud)).toEqual([]);
      w.admin.compute.deleteServer(id);
      w.cloud.run();
      expect(problems(w.cloud)).toEqual([]);
      for (const v of tableToArray(w.cloud.state.block.volumes)) expect(v.status).toBe('available');
    });
    it(`live migration, deleted ${t} s after the request`, () => {
      const w = world();
      const { id, source, dest, other } = bootWithVolume(w);
      w.admin.compute.liveMigrateServer(id, { host: null, block_migration: 'auto' });
      w.cloud.clock.advance(t);
      expect(problems(w.cloud)).toEqual([]);
      w.admin.compute.deleteServer(id);
      w.cloud.run();
      expect(problems(w.cloud)).toEqual([]);
      for (const v of tableToArray(w.cloud.state.block.volumes)) expect(v.status).toBe('available');
      const m = migrationsOfServer(w.cloud.state, id).at(-1);
      if (m !== undefined) expect(['error', 'completed', 'cancelled']).toContain(m.status);
    });
  }

  it('a VERIFY_RESIZE server deleted: the confirm is an event of the delete action', () => {
    const w = world();
    const { id, source, dest, other } = bootWithVolume(w);
    w.admin.compute.resizeServer(id, { flavorRef: 'm1.medium' });
    w.cloud.run();
    expect(w.admin.compute.getServer(id).status).toBe('VERIFY_RESIZE');
    w.admin.compute.deleteServer(id);
    w.cloud.run();
    const del = actionsOf(w.cloud.state, id).find((a) => a.action === 'delete');
    expect(del?.events.map((e) => e.event)).toContain('compute_confirm_resize');
    expect(problems(w.cloud)).toEqual([]);
  });

  it('a live migration aborted, then the server deleted', () => {
    for (const t of [1.1, 2.1, 10]) {
      const w = world();
      const { id, source, dest, other } = bootWithVolume(w);
      w.admin.compute.liveMigrateServer(id, { host: dest, block_migration: 'auto' });
      w.cloud.clock.advance(t);
      const m = migrationsOfServer(w.cloud.state, id).at(-1)!;
      try {
        w.admin.compute.abortMigration(id, m.id);
      } catch (e) {
        if (!(e instanceof CloudError) || e.status >= 500) throw e;
      }
      w.cloud.clock.advance(0.6);
      expect(problems(w.cloud)).toEqual([]);
      w.admin.compute.deleteServer(id);
      w.cloud.run();
      expect(problems(w.cloud)).toEqual([]);
      for (const v of tableToArray(w.cloud.state.block.volumes)) expect(v.status).toBe('available');
    }
  });
});

describe('a host failing in the middle of a move', () => {
  for (const which of ['source', 'destination'] as const) {
    for (const t of [1.1, 2.1, 10]) {
      it(`live migration, its ${which} fails ${t} s in: rolled back with error`, () => {
        const w = world();
        const { id, source, dest } = bootWithVolume(w);
        const failed = which === 'source' ? source : dest;
        w.admin.compute.liveMigrateServer(id, { host: dest, block_migration: 'auto' });
        w.cloud.clock.advance(t);
        w.cloud.hardware.failHost(failed);
        w.cloud.clock.advance(600);
        expect(problems(w.cloud)).toEqual([]);
        const row = getRow(w.cloud.state.compute.servers, id)!;
        const m = migrationsOfServer(w.cloud.state, id).at(-1)!;
        expect(row.host).toBe(source);
        expect(row.task_state).toBeNull();
        expect(m.status).toBe('error');
        w.cloud.hardware.recoverHost(failed);
        w.cloud.clock.advance(200);
        expect(problems(w.cloud)).toEqual([]);
      });
      it(`resize, its ${which} fails ${t} s in`, () => {
        const w = world();
        const { id, source } = bootWithVolume(w);
        w.admin.compute.resizeServer(id, { flavorRef: 'm1.medium' });
        w.cloud.clock.advance(t);
        const dest = migrationsOfServer(w.cloud.state, id).at(-1)!.dest_compute!;
        const failed = which === 'source' ? source : dest;
        w.cloud.hardware.failHost(failed);
        w.cloud.clock.advance(3000);
        expect(problems(w.cloud)).toEqual([]);
        const row = getRow(w.cloud.state.compute.servers, id)!;
        const m = migrationsOfServer(w.cloud.state, id).at(-1)!;
        // the source down before the hand-over: rolled back; the destination down after it: ERROR there
        if (row.host === source) expect([row.vm_state, row.task_state, m.status]).toEqual(['active', null, 'error']);
        else expect([row.host, row.vm_state, m.status]).toEqual([dest, 'error', 'error']);
        w.cloud.hardware.recoverHost(failed);
        w.cloud.clock.advance(200);
        expect(problems(w.cloud)).toEqual([]);
      });
    }
  }

  for (const kind of ['live', 'resize'] as const) {
    it(`${kind}: evacuate after the source failed (past service_down_time)`, () => {
      const w = world();
      const { id, source, dest, other } = bootWithVolume(w);
      if (kind === 'live') w.admin.compute.liveMigrateServer(id, { host: dest, block_migration: 'auto' });
      else w.admin.compute.resizeServer(id, { flavorRef: 'm1.medium' });
      w.cloud.clock.advance(2.1);
      w.cloud.hardware.failHost(source);
      w.cloud.clock.advance(80);
      expect(problems(w.cloud)).toEqual([]);
      for (let i = 0; i < 3; i++) {
        try {
          w.admin.compute.evacuateServer(id, { host: other, force: true } as never);
          break;
        } catch (e) {
          if (!(e instanceof CloudError) || e.status >= 500) throw e;
          w.cloud.clock.advance(3000); // the move rolls back at its next step
        }
      }
      w.cloud.clock.advance(3000);
      expect(problems(w.cloud)).toEqual([]);
      w.cloud.hardware.recoverHost(source);
      w.cloud.clock.advance(200);
      expect(problems(w.cloud)).toEqual([]);
      expect(Object.keys(allocationsOf(w.cloud.state, id))).toHaveLength(1);
    });
  }
});

type Op =
  | { readonly kind: 'live' | 'resize' | 'migrate' | 'confirm' | 'revert' | 'delete' | 'abort' | 'forceComplete' | 'evacuate'; readonly pick: number; readonly host: number }
  | { readonly kind: 'fail' | 'recover'; readonly host: number }
  | { readonly kind: 'advance'; readonly seconds: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constantFrom('live' as const, 'resize' as const, 'migrate' as const, 'confirm' as const, 'revert' as const, 'delete' as const, 'abort' as const, 'forceComplete' as const, 'evacuate' as const), pick: fc.nat(3), host: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('fail' as const, 'recover' as const), host: fc.nat(2) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.constantFrom(0.3, 0.6, 1, 5, 30, 75, 400) }) },
);


function apply(w: World, ids: readonly string[], o: Op): void {
  if (o.kind === 'advance') return void w.cloud.clock.advance(o.seconds);
  if (!('pick' in o)) return void (o.kind === 'fail' ? w.cloud.hardware.failHost(HOSTS[o.host]!) : w.cloud.hardware.recoverHost(HOSTS[o.host]!));
  const id = ids[o.pick % ids.length]!;
  const host = o.host === 3 ? null : HOSTS[o.host]!;
  const c = w.admin.compute;
  switch (o.kind) {
    case 'live':
      return c.liveMigrateServer(id, { host, block_migration: 'auto' });
    case 'resize':
      return c.resizeServer(id, { flavorRef: getRow(w.cloud.state.compute.servers, id)?.flavor.name === 'm1.small' ? 'm1.medium' : 'm1.small' });
    case 'migrate':
      return c.migrateServer(id, host === null ? null : { host });
    case 'confirm':
      return c.confirmResize(id);
    case 'revert':
      return c.revertResize(id);
    case 'delete':
      return c.deleteServer(id);
    case 'abort':
    case 'forceComplete': {
      const m = migrationsOfServer(w.cloud.state, id).at(-1);
      if (m === undefined) return;
      return o.kind === 'abort' ? c.abortMigration(id, m.id) : c.forceCompleteMigration(id, m.id);
    }
    case 'evacuate':
      return void c.evacuateServer(id, (host === null ? {} : { host, force: true }) as never);
  }
}

describe('moves, deletes, failures and evacuations interleaved', () => {
  it('every step keeps the move invariants (seed 1515)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 5, maxLength: 25 }), (ops) => {
        const w = world(7);
        const ids = [bootWithVolume(w, 'v1').id, bootWithVolume(w, 'v2').id];
        for (const o of ops) {
          const before = w.cloud.state;
          try {
            apply(w, ids, o);
          } catch (e) {
            if (!(e instanceof CloudError) || e.status >= 500) throw e;
            expect(w.cloud.state).toBe(before);
          }
          const found = problems(w.cloud);
          if (found.length > 0) throw new Error(`after ${JSON.stringify(o)}: ${found.join('; ')}`);
        }
        // the end: every host back, everything run out
        for (const h of HOSTS) if (w.cloud.state.hardware.hosts && tableToArray(w.cloud.state.hardware.hosts).find((x) => x.name === h)?.state !== 'up') w.cloud.hardware.recoverHost(h);
        w.cloud.clock.advance(5000);
        const found = problems(w.cloud);
        if (found.length > 0) throw new Error(`at the end: ${found.join('; ')}`);
      }),
      { seed: 1515, numRuns: 50 },
    );
  });
});
