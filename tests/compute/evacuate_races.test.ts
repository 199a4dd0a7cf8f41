/**
 * Evacuations and shelves that race with host failures (issue 15 review): two evacuations of one
 * server, a destination that dies mid-evacuation, shelve with Swift's only copy of the image on a
 * failed host, shelve on a failed compute, evacuate of a server without a host, evacuate during a
 * resize (stacksim's 409), and a property mixing all of it in `progression: 'clock'`.
 *
 * Zed sources: nova/compute/api.py (`evacuate`), nova/api/openstack/compute/evacuate.py,
 * nova/compute/manager.py (`rebuild_instance`'s `except Exception`, `_destroy_evacuated_instances`),
 * nova/conductor/manager.py (`rebuild_instance`).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, type Cloud, type Session } from '../../src/index.js';
import { getRow, tableToArray, tableValues } from '../../src/core/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import { allocationsOf } from '../../src/scheduler/index.js';
import type { MigrationRow, ServerRow } from '../../src/compute/types.js';
import { computeWorld, refused, rowOf, type ComputeWorld } from './support.js';

const DOWN = 71; // service_down_time (60) and a heartbeat

function serviceId(w: ComputeWorld, host: string): string {
  return w.admin.compute.listComputeServices({ binary: 'nova-compute', host })[0]!.id;
}

/** Boots a server on `host` (the other hosts disabled meanwhile) and lets it become ACTIVE. */
function bootOn(w: ComputeWorld, host: string, session: Session = w.demo): string {
  const others = w.admin.compute.listComputeServices({ binary: 'nova-compute' }).filter((s) => s.host !== host);
  for (const s of others) w.admin.compute.updateComputeService(s.id, { status: 'disabled' });
  const id = (session.compute.createServer({ name: 'vm', flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string }).id;
  w.cloud.clock.advance(120);
  for (const s of others) w.admin.compute.updateComputeService(s.id, { status: 'enabled' });
  expect([rowOf(w.cloud, id).host, rowOf(w.cloud, id).vm_state]).toEqual([host, 'active']);
  return id;
}

function hostsOf(cloud: Cloud, consumer: string): string[] {
  const names = new Map(cloud.hardware.listHosts().map((h) => [h.id, h.name]));
  return Object.keys(allocationsOf(cloud.state, consumer)).map((k) => names.get(k) ?? k).sort();
}

function migrationsOf(cloud: Cloud, id: string): MigrationRow[] {
  return tableToArray(cloud.state.compute.migrations).filter((m) => m.instance_uuid === id).sort((a, b) => a.id - b.id);
}

function portHosts(cloud: Cloud, id: string): (string | null)[] {
  return rowOf(cloud, id).vifs.map((v) => [...tableValues(cloud.state.network.ports)].find((p) => p.id === v.port_id)?.binding_host_id ?? null);
}

/** Advances in small steps until the server reaches `task` (or fails the test). */
function until(w: ComputeWorld, id: string, task: string): void {
  for (let i = 0; i < 2000; i++) {
    if (rowOf(w.cloud, id).task_state === task) return;
    w.cloud.clock.advance(0.05);
  }
  throw new Error(`${id} never reached ${task}`);
}

describe('evacuations that cross', () => {
  it('a second evacuation while the first spawns: only the newest goes on; the first ends failed with its destination freed', () => {
    const w = computeWorld(3, { progression: 'clock' });
    const id = bootOn(w, 'compute1');
    w.cloud.hardware.failHost('compute1');
    w.cloud.clock.advance(DOWN);
    w.admin.compute.evacuateServer(id, { host: 'controller' });
    until(w, id, 'rebuild_spawning');
    expect(hostsOf(w.cloud, id)).toEqual(['compute1', 'controller']);
    w.admin.compute.evacuateServer(id, { host: 'compute2' });
    w.cloud.clock.advance(300);
    const row = rowOf(w.cloud, id);
    expect([row.vm_state, row.task_state, row.host]).toEqual(['active', null, 'compute2']);
    expect(migrationsOf(w.cloud, id).map((m) => [m.status, m.dest_compute])).toEqual([['failed', 'controller'], ['done', 'compute2']]);
    expect(hostsOf(w.cloud, id)).toEqual(['compute1', 'compute2']);
    expect(portHosts(w.cloud, id).every((h) => h === 'compute2')).toBe(true);
    // the first evacuation's action shows its destination's event in Error
    const actions = w.admin.compute.listInstanceActions(id).filter((a) => a.action === 'evacuate');
    expect(actions).toHaveLength(2);
    w.cloud.hardware.recoverHost('compute1');
    w.cloud.clock.advance(5);
    expect(hostsOf(w.cloud, id)).toEqual(['compute2']);
    expect(migrationsOf(w.cloud, id).map((m) => m.status)).toEqual(['failed', 'completed']);
  });

  it('a second evacuation before the first reaches its destination: the first never starts there', () => {
    const w = computeWorld(3, { progression: 'clock' });
    const id = bootOn(w, 'compute1');
    w.cloud.hardware.failHost('compute1');
    w.cloud.clock.advance(DOWN);
    w.admin.compute.evacuateServer(id, { host: 'controller', force: true });
    w.admin.compute.evacuateServer(id, { host: 'compute2' });
    w.cloud.clock.advance(300);
    const row = rowOf(w.cloud, id);
    expect([row.vm_state, row.task_state, row.host]).toEqual(['active', null, 'compute2']);
    expect(migrationsOf(w.cloud, id).map((m) => m.status)).toEqual(['failed', 'done']);
    expect(hostsOf(w.cloud, id)).toEqual(['compute1', 'compute2']);
  });

  it('the destination fails mid-evacuation: nothing progresses, the server keeps rebuild_spawning and the migration pre-migrating', () => {
    const w = computeWorld(3, { progression: 'clock' });
    const id = bootOn(w, 'compute1');
    w.cloud.hardware.failHost('compute1');
    w.cloud.clock.advance(DOWN);
    w.admin.compute.evacuateServer(id, { host: 'compute2' });
    until(w, id, 'rebuild_spawning');
    w.cloud.hardware.failHost('compute2');
    w.cloud.clock.advance(300);
    const row = rowOf(w.cloud, id);
    expect([row.vm_state, row.task_state, row.host]).toEqual(['active', 'rebuild_spawning', 'compute1']);
    expect(migrationsOf(w.cloud, id).map((m) => m.status)).toEqual(['pre-migrating']);
    expect(hostsOf(w.cloud, id)).toEqual(['compute1', 'compute2']);
  });
});

describe('shelve with failures', () => {
  it("Swift's only copy of the image on a failed host: the shelve's upload fails, the server stays ACTIVE with no task (clock and immediate)", () => {
    for (const progression of ['clock', 'immediate'] as const) {
      const w = computeWorld(3, { progression });
      const id = bootOn(w, 'compute1');
      w.cloud.hardware.failHost('controller');
      w.demo.compute.shelveServer(id);
      w.cloud.clock.advance(30);
      const row = rowOf(w.cloud, id);
      expect([progression, row.vm_state, row.task_state, row.host]).toEqual([progression, 'active', null, 'compute1']);
      expect(hostsOf(w.cloud, id)).toEqual(['compute1']);
    }
  });

  it('shelve on a failed compute: the server keeps shelving, its host and its allocation', () => {
    const w = computeWorld(3, { progression: 'clock' });
    const id = bootOn(w, 'compute1');
    w.cloud.hardware.failHost('compute1');
    w.demo.compute.shelveServer(id);
    w.cloud.clock.advance(300);
    const row = rowOf(w.cloud, id);
    expect([row.vm_state, row.task_state, row.host]).toEqual(['active', 'shelving', 'compute1']);
    expect(hostsOf(w.cloud, id)).toEqual(['compute1']);
  });

  it('unshelve whose host fails mid-spawn: the server keeps spawning, not ACTIVE', () => {
    const w = computeWorld(3, { progression: 'clock' });
    const id = bootOn(w, 'compute1');
    w.demo.compute.shelveServer(id);
    w.cloud.clock.advance(300);
    expect(rowOf(w.cloud, id).vm_state).toBe('shelved_offloaded');
    w.demo.compute.unshelveServer(id, null);
    until(w, id, 'spawning');
    const host = rowOf(w.cloud, id).host!;
    w.cloud.hardware.failHost(host);
    w.cloud.clock.advance(300);
    const row = rowOf(w.cloud, id);
    expect([row.vm_state, row.task_state, row.host]).toEqual(['shelved_offloaded', 'spawning', host]);
  });
});

describe('evacuate refusals', () => {
  it('a server without a host (an unshelve whose image was deleted): 404 ComputeHostNotFound, nothing changes', () => {
    const w = computeWorld(3);
    const id = bootOn(w, 'compute1');
    w.demo.compute.shelveServer(id);
    const image = rowOf(w.cloud, id).shelved_image_id!;
    w.admin.image.deleteImage(image);
    w.demo.compute.unshelveServer(id, null);
    expect([rowOf(w.cloud, id).vm_state, rowOf(w.cloud, id).host]).toEqual(['error', null]);
    refused(w.cloud, () => w.admin.compute.evacuateServer(id, { host: 'compute2' }), 404, 'Compute host None could not be found.');
    refused(w.cloud, () => w.admin.compute.evacuateServer(id, { host: 'compute2', force: true }), 404, 'Compute host None could not be found.');
    // no host given: nova's "same one" check compares None with None first
    refused(w.cloud, () => w.admin.compute.evacuateServer(id), 400, "The target host can't be the same one.");
  });

  it('during a resize whose source is forced down: 409 naming the unfinished migration, nothing changes', () => {
    const w = computeWorld(3, { progression: 'clock' });
    const id = bootOn(w, 'compute1');
    w.demo.compute.resizeServer(id, { flavorRef: 'm1.small' });
    until(w, id, 'resize_migrating');
    w.admin.compute.updateComputeService(serviceId(w, 'compute1'), { forced_down: true });
    const m = migrationsOf(w.cloud, id)[0]!;
    const e = refused(w.cloud, () => w.admin.compute.evacuateServer(id), 409, /unfinished resize migration/);
    expect(e.message).toContain(`migration ${m.id}`);
  });
});

// ------------------------------------------------------------------ the property

type Step =
  | { readonly kind: 'fail' | 'recover'; readonly host: number }
  | { readonly kind: 'evacuate' | 'evacuateTwice' | 'shelve' | 'unshelve' | 'delete'; readonly pick: number; readonly host: number | null }
  | { readonly kind: 'boot' }
  | { readonly kind: 'advance'; readonly seconds: number };

const HOSTS = ['controller', 'compute1', 'compute2'] as const;
const FAILABLE = ['compute1', 'compute2'] as const;

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('fail' as const, 'recover' as const), host: fc.nat(1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('evacuate' as const, 'evacuateTwice' as const, 'shelve' as const, 'unshelve' as const, 'delete' as const), pick: fc.nat(10), host: fc.option(fc.nat(2), { nil: null }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'boot' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.constantFrom(0.5, 2, 10, 75) }) },
);

/** usage = Σ allocations; ACTIVE servers' ports on their host (or an unfinished evacuation's destination); one host per server. */
function problems(cloud: Cloud): string[] {
  const out: string[] = [];
  const s = cloud.state;
  const sums = new Map<string, Record<string, number>>();
  for (const row of tableToArray(s.compute.servers)) {
    for (const [rp, res] of Object.entries(allocationsOf(s, row.uuid))) {
      const acc = sums.get(rp) ?? {};
      for (const [rc, n] of Object.entries(res)) acc[rc] = (acc[rc] ?? 0) + n;
      sums.set(rp, acc);
    }
  }
  for (const m of tableToArray(s.compute.migrations)) {
    for (const [rp, res] of Object.entries(allocationsOf(s, m.uuid))) {
      const acc = sums.get(rp) ?? {};
      for (const [rc, n] of Object.entries(res)) acc[rc] = (acc[rc] ?? 0) + n;
      sums.set(rp, acc);
    }
  }
  for (const p of tableToArray(s.placement.providers)) {
    const sum = sums.get(p.uuid) ?? {};
    for (const rc of new Set([...Object.keys(sum), ...Object.keys(p.usages)])) if ((sum[rc] ?? 0) !== (p.usages[rc] ?? 0)) out.push(`provider ${p.name} ${rc}: usage ${p.usages[rc] ?? 0}, allocations ${sum[rc] ?? 0}`);
  }
  for (const row of tableToArray(s.compute.servers)) {
    if (row.deleted) {
      if (Object.keys(allocationsOf(s, row.uuid)).length > 0) out.push(`deleted ${row.uuid} holds an allocation`);
      continue;
    }
    const hosts = cloud.hardware.listHosts().filter((h) => Object.hasOwn(allocationsOf(s, row.uuid), h.id)).map((h) => h.name);
    const evacuations = migrationsOf(cloud, row.uuid).filter((m) => m.migration_type === 'evacuation');
    const inFlight = evacuations.at(-1);
    const evacuating = inFlight !== undefined && (inFlight.status === 'accepted' || inFlight.status === 'pre-migrating');
    // no server on two hosts: beyond an evacuation's source (kept until it restarts) and destination, nothing
    const allowed = new Set<string>([...(row.host === null ? [] : [row.host]), ...evacuations.filter((m) => ['accepted', 'pre-migrating', 'done', 'completed'].includes(m.status)).flatMap((m) => [m.source_compute, m.dest_compute]).filter((h): h is string => h !== null)]);
    for (const h of hosts) if (!allowed.has(h)) out.push(`${row.uuid} (${row.vm_state}, ${row.task_state}) on ${row.host} holds ${h}`);
    if (hosts.length > 2) out.push(`${row.uuid} holds ${hosts.join(', ')}`);
    if (row.vm_state === 'active') {
      for (const h of portHosts(cloud, row.uuid)) {
        if (h === row.host) continue;
        if (evacuating && h === inFlight.dest_compute) continue;
        out.push(`${row.uuid} (active, ${row.task_state}) on ${row.host} has a port bound to ${h}`);
      }
    }
  }
  return out;
}

describe('evacuate / shelve / host failure, as a property', () => {
  it("keeps usage = Σ allocations, ACTIVE servers' ports on their host and no server on two hosts, progression 'clock' (seed 4242)", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 5, maxLength: 30 }), (steps) => {
        const w = computeWorld(4242, { progression: 'clock' });
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) ids.push((w.demo.compute.createServer({ name: `vm${i}`, flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string }).id);
        w.cloud.clock.advance(120);
        for (const st of steps) {
          const before = w.cloud.state;
          try {
            switch (st.kind) {
              case 'fail':
                if (w.cloud.hardware.getHost(FAILABLE[st.host]!).state === 'up') w.cloud.hardware.failHost(FAILABLE[st.host]!);
                break;
              case 'recover':
                if (w.cloud.hardware.getHost(FAILABLE[st.host]!).state !== 'up') w.cloud.hardware.recoverHost(FAILABLE[st.host]!);
                break;
              case 'boot':
                ids.push((w.demo.compute.createServer({ name: `vm${ids.length}`, flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto' }) as { id: string }).id);
                break;
              case 'advance':
                w.cloud.clock.advance(st.seconds);
                break;
              default: {
                const id = ids[st.pick % ids.length]!;
                const host = st.host === null ? undefined : HOSTS[st.host];
                if (st.kind === 'evacuate') w.admin.compute.evacuateServer(id, host === undefined ? {} : { host });
                else if (st.kind === 'evacuateTwice') {
                  w.admin.compute.evacuateServer(id, host === undefined ? {} : { host });
                  w.cloud.clock.advance(1.5);
                  w.admin.compute.evacuateServer(id, {});
                } else if (st.kind === 'shelve') w.demo.compute.shelveServer(id);
                else if (st.kind === 'unshelve') w.demo.compute.unshelveServer(id, null);
                else w.demo.compute.deleteServer(id);
              }
            }
          } catch (e) {
            if (!(e instanceof CloudError)) throw e;
            expect(e.status >= 400 && e.status < 500, `${st.kind}: ${e.status} ${e.message}`).toBe(true);
            if (st.kind !== 'evacuateTwice') expect(w.cloud.state).toBe(before);
          }
          expect(problems(w.cloud), JSON.stringify(st)).toEqual([]);
        }
        w.cloud.clock.advance(600);
        expect(problems(w.cloud)).toEqual([]);
        for (const id of ids) {
          const row = getRow(w.cloud.state.compute.servers, id) as ServerRow;
          expect(row.host === null || HOSTS.includes(row.host as (typeof HOSTS)[number])).toBe(true);
        }
      }),
      { seed: 4242, numRuns: 40 },
    );
  });
});
