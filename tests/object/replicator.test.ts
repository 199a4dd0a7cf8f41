/**
 * The object-replicator and the hardware under it (issue 10 #14, #15), on six storage hosts in
 * three racks with two storage disks each (three replicas):
 *
 * - a pass is scheduled only when one could change something, and walks only what is out of
 *   place: with copies stuck on handoffs and nothing changing, a year of virtual time runs no
 *   pass at all;
 * - a primary disk that fails (507 from its object server) gets a stand-in copy on a handoff,
 *   as Swift's `update` does; an unreachable host gets none;
 * - a hardware change that would take a disk from under the rings or the data (a disk removed
 *   or renamed, the storage role dropped) is refused with 409, as `removeHost` is.
 */
import { describe, it, expect } from 'vitest';
import { createCloud, type Cloud } from '../../src/index.js';
import { tableToArray } from '../../src/core/index.js';
import { refused } from '../support/refusal.js';
import { storageCloud as sharedStorageCloud } from './helpers.js';

const HOSTS = ['st11', 'st12', 'st21', 'st22', 'st31', 'st32'];
const DAY = 86400;

function storageCloud(seed = 2024): Cloud {
  return sharedStorageCloud({ seed });
}

const key = (c: { host: string; disk: string }): string => `${c.host}/${c.disk}`;

/** Replication passes pending in the timer queue. */
const pendingPasses = (cloud: Cloud): number => tableToArray(cloud.state.meta.timers).filter((t) => t.kind === 'object.replicate').length;

/** Puts `n` objects named `<prefix><i>` into container `c` (one call). */
function putMany(cloud: Cloud, n: number, prefix = 'o'): void {
  const api = cloud.admin.object;
  cloud.batch(() => {
    for (let i = 0; i < n; i++) api.putObject('c', `${prefix}${i}`, `data ${prefix}${i}`);
  });
}

function setup(seed?: number): { cloud: Cloud; account: string } {
  const cloud = storageCloud(seed);
  const api = cloud.admin.object;
  api.putContainer('c');
  return { cloud, account: api.headAccount().account };
}

/** The request id of the last call (its trace holds the steps of the timers it scheduled). */
const lastRequest = (cloud: Cloud): string => cloud.trace()!.request_id;

const replicatorSteps = (cloud: Cloud, requestId: string) => (cloud.trace(requestId)?.steps ?? []).filter((s) => s.service === 'swift-object-replicator');

describe('the replicator works on what is out of place (issue 10 #15)', () => {
  it('with copies stuck on handoffs and nothing changing, no pass stays scheduled: a year of virtual time is cheap', () => {
    const { cloud, account } = setup();
    cloud.hardware.failHost('st11');
    putMany(cloud, 10);
    const stuck = Array.from({ length: 10 }, (_, i) => cloud.object.locate(account, 'c', `o${i}`)).filter((copies) => copies.some((c) => !c.primary));
    expect(stuck.length).toBeGreaterThan(0);
    expect(pendingPasses(cloud)).toBe(1);
    cloud.clock.advance(60);
    // the pass ran, could not bring the copies home (their primary is down) and scheduled nothing;
    // before the fix it rescheduled itself every 30 s (and a year ended in 500 core.task.runaway)
    expect({ due: cloud.state.object.replication_due, pending: pendingPasses(cloud) }).toEqual({ due: null, pending: 0 });
    expect(cloud.state.object.out_of_place.size).toBe(stuck.length);
    const started = performance.now();
    cloud.clock.advance(365 * DAY);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(pendingPasses(cloud)).toBe(0);
    // when the host comes back, one pass brings every copy home
    cloud.hardware.recoverHost('st11');
    expect(pendingPasses(cloud)).toBe(1);
    cloud.clock.advance(30);
    for (let i = 0; i < 10; i++) expect(cloud.object.locate(account, 'c', `o${i}`).every((c) => c.primary)).toBe(true);
    expect({ out_of_place: cloud.state.object.out_of_place.size, pending: pendingPasses(cloud) }).toEqual({ out_of_place: 0, pending: 0 });
  });

  it('a scheduled pass examines the objects out of place, not every object', () => {
    const { cloud } = setup();
    putMany(cloud, 300, 'home');
    cloud.clock.advance(60);
    cloud.hardware.failHost('st21');
    putMany(cloud, 12, 'away');
    const written = lastRequest(cloud);
    cloud.clock.advance(60);
    // the pass after the writes looks at what they wrote, not at the 300 objects already home
    const steps = replicatorSteps(cloud, written);
    expect(steps).toHaveLength(1);
    const away = cloud.state.object.out_of_place.size;
    expect(steps[0]!.detail!.examined).toBeGreaterThanOrEqual(away);
    expect(steps[0]!.detail!.examined).toBeLessThanOrEqual(12);
    expect(away).toBeGreaterThan(0);
    expect(away).toBeLessThanOrEqual(12);
    cloud.hardware.recoverHost('st21');
    const recovered = lastRequest(cloud);
    cloud.clock.advance(60);
    const pass = replicatorSteps(cloud, recovered);
    expect(pass).toHaveLength(1);
    expect(pass[0]!.detail).toMatchObject({ examined: away, degraded: 0, lost: 0 });
    // a pass by hand walks everything and finds nothing to do
    expect(cloud.object.replicate()).toMatchObject({ examined: 312, copied: 0, reverted: 0, degraded: 0 });
  });

  it('host failures and recoveries with nothing out of place schedule nothing', () => {
    const { cloud } = setup();
    putMany(cloud, 20);
    cloud.clock.advance(60);
    for (const h of HOSTS) {
      cloud.hardware.failHost(h);
      cloud.hardware.recoverHost(h);
    }
    expect(pendingPasses(cloud)).toBe(0);
  });

  it('after a rebalance that moved partitions one pass walks every object and brings them to the new primaries', () => {
    const { cloud, account } = setup();
    putMany(cloud, 40);
    cloud.clock.advance(2 * 3600);
    const ring = cloud.object.rings().find((r) => r.name === 'object-0')!;
    cloud.object.setDeviceWeight('object-0', ring.devices[0]!.id, 3000);
    const moved = cloud.object.rebalance('object-0')['object-0']!.parts_moved;
    expect(moved).toBeGreaterThan(0);
    expect(cloud.state.object.replication_scan).toBe(true);
    const rebalanced = lastRequest(cloud);
    cloud.clock.advance(30);
    expect(replicatorSteps(cloud, rebalanced)[0]!.detail).toMatchObject({ examined: 40 });
    expect(cloud.state.object.replication_scan).toBe(false);
    for (let i = 0; i < 40; i++) {
      const where = cloud.object.locate(account, 'c', `o${i}`);
      expect(where.map(key).sort()).toEqual(cloud.object.getNodes(account, 'c', `o${i}`).primaries.map(key).sort());
    }
    // a rebalance that moves nothing schedules nothing
    cloud.clock.advance(2 * 3600);
    expect(cloud.object.rebalance('object-0')['object-0']!.parts_moved).toBe(0);
    expect(pendingPasses(cloud)).toBe(0);
  });

  it('keeps its schedule across snapshot, restore and fork', () => {
    const { cloud, account } = setup();
    cloud.hardware.failHost('st31');
    putMany(cloud, 8);
    const snap = cloud.snapshot();
    const json = JSON.stringify(cloud);
    cloud.clock.advance(60);
    cloud.restore(snap);
    expect(pendingPasses(cloud)).toBe(1);
    const again = createCloud({ state: json });
    for (const c of [cloud, again, cloud.fork()]) {
      c.clock.advance(60);
      c.hardware.recoverHost('st31');
      c.clock.advance(60);
      for (let i = 0; i < 8; i++) expect(c.object.locate(account, 'c', `o${i}`).every((x) => x.primary)).toBe(true);
      expect(c.state.object.out_of_place.size).toBe(0);
    }
  });
});

describe('a failed primary disk gets a stand-in on a handoff (issue 10 #15)', () => {
  it('507 from a primary: the replicator pushes the copy to the next handoff that answers; an unreachable host gets none', () => {
    const { cloud, account } = setup();
    cloud.admin.object.putObject('c', 'o', 'payload');
    const { primaries, handoffs } = cloud.object.getNodes(account, 'c', 'o');
    const failed = primaries[0]!;
    expect(cloud.object.failDisk(failed.host, failed.disk)).toBeGreaterThan(0);
    cloud.clock.advance(60);
    const where = cloud.object.locate(account, 'c', 'o');
    // the first handoff, unless it is also on the failed disk's host (which is up: it answers)
    expect(where.map(key).sort()).toEqual([...primaries.slice(1), handoffs[0]!].map(key).sort());
    // the disk is replaced: the primary is refilled and the stand-in removed
    cloud.object.replaceDisk(failed.host, failed.disk);
    cloud.clock.advance(60);
    expect(cloud.object.locate(account, 'c', 'o').map(key).sort()).toEqual(primaries.map(key).sort());
    // a primary host down is no 507: Swift cannot tell a reboot from a loss, and waits
    cloud.hardware.failHost(primaries[1]!.host);
    cloud.clock.advance(3600);
    expect(cloud.object.locate(account, 'c', 'o').map(key).sort()).toEqual(primaries.map(key).sort());
  });

  /** An object name whose first handoff is on a host holding none of its primaries. */
  function apart(cloud: Cloud, account: string): string {
    for (let i = 0; ; i++) {
      const { primaries, handoffs } = cloud.object.getNodes(account, 'c', `o${i}`);
      if (!primaries.some((p) => p.host === handoffs[0]!.host)) return `o${i}`;
    }
  }

  it('a 507 from a handoff moves on to the next handoff', () => {
    const { cloud, account } = setup();
    const o = apart(cloud, account);
    cloud.admin.object.putObject('c', o, 'payload');
    const { primaries, handoffs } = cloud.object.getNodes(account, 'c', o);
    cloud.object.failDisk(handoffs[0]!.host, handoffs[0]!.disk);
    cloud.object.failDisk(primaries[0]!.host, primaries[0]!.disk);
    cloud.clock.advance(60);
    expect(cloud.object.locate(account, 'c', o).map(key).sort()).toEqual([primaries[1]!, primaries[2]!, handoffs[1]!].map(key).sort());
  });

  it('a handoff that does not answer at all spends the attempt: no stand-in', () => {
    const { cloud, account } = setup();
    const o = apart(cloud, account);
    cloud.admin.object.putObject('c', o, 'payload');
    const { primaries, handoffs } = cloud.object.getNodes(account, 'c', o);
    cloud.hardware.failHost(handoffs[0]!.host);
    cloud.object.failDisk(primaries[0]!.host, primaries[0]!.disk);
    cloud.clock.advance(60);
    expect(cloud.object.locate(account, 'c', o).map(key).sort()).toEqual([primaries[1]!, primaries[2]!].map(key).sort());
    // the handoff's host back: the pass it wakes places the stand-in there
    cloud.hardware.recoverHost(handoffs[0]!.host);
    cloud.clock.advance(60);
    expect(cloud.object.locate(account, 'c', o).map(key).sort()).toEqual([primaries[1]!, primaries[2]!, handoffs[0]!].map(key).sort());
  });

  it('six disk failures one after another: every object with a primary that answers keeps three copies', () => {
    const { cloud, account } = setup();
    putMany(cloud, 100);
    cloud.clock.advance(60);
    for (const h of HOSTS) {
      cloud.object.failDisk(h, 'sdb');
      cloud.clock.advance(60);
    }
    let full = 0;
    for (let i = 0; i < 100; i++) {
      const answering = cloud.object.locate(account, 'c', `o${i}`).filter((c) => c.reachable).length;
      if (cloud.object.getNodes(account, 'c', `o${i}`).primaries.some((p) => p.reachable)) {
        // a primary holding the object runs `update`: one stand-in per unmounted primary
        expect(answering, `o${i}`).toBe(3);
        full++;
      } else {
        // every primary unmounted: only the handoffs' `update_deleted` runs, and it pushes to
        // primaries only: the stand-ins made while a primary answered are what is left
        expect(answering, `o${i}`).toBeGreaterThanOrEqual(1);
      }
    }
    expect(full).toBeGreaterThan(50); // before the fix: none (every object that lost a copy stayed short of it)
    // every disk replaced: exactly the primaries again
    for (const h of HOSTS) cloud.object.replaceDisk(h, 'sdb');
    cloud.clock.advance(60);
    for (let i = 0; i < 100; i++) expect(cloud.object.locate(account, 'c', `o${i}`).every((c) => c.primary && c.reachable)).toBe(true);
    expect(cloud.state.object.out_of_place.size).toBe(0);
  });
});

describe('hardware changes under the data (issue 10 #14)', () => {
  it('dropping a disk that holds copies is refused (409 object.host.holds_data), like removing the host', () => {
    const { cloud, account } = setup();
    cloud.admin.object.putObject('c', 'o', 'only copy');
    const holder = cloud.object.locate(account, 'c', 'o')[0]!;
    const disks = cloud.hardware.getHost(holder.host).disks.filter((d) => d.name !== holder.disk).map((d) => ({ name: d.name, size_gb: d.size_gb }));
    const e = refused(cloud, () => cloud.hardware.updateHost(holder.host, { disks }), { status: 409, code: 'object.host.holds_data', message: 'cloud.object.removeDevice' });
    expect(e.details).toMatchObject({ host: holder.host, disks: [holder.disk] });
    refused(cloud, () => cloud.hardware.updateHost(holder.host, { roles: ['network'] }), { status: 409, code: 'object.host.holds_data', message: 'storage role' });
    // renaming the disk takes it away too
    const renamed = cloud.hardware.getHost(holder.host).disks.map((d) => ({ name: d.name === holder.disk ? 'sdz' : d.name, size_gb: d.size_gb }));
    refused(cloud, () => cloud.hardware.updateHost(holder.host, { disks: renamed }), { status: 409, code: 'object.host.holds_data' });
    refused(cloud, () => cloud.hardware.removeHost(holder.host), { status: 409, code: 'object.host.holds_data' });
    expect(cloud.admin.object.getObject('c', 'o').data).toEqual(new TextEncoder().encode('only copy'));
  });

  it('dropping a disk or the role of a host whose disks are ring devices is refused (409 object.device.in_ring) until they leave the rings', () => {
    const { cloud } = setup();
    const host = 'st32';
    const only = [{ name: 'sda', size_gb: 100 }, { name: 'sdb', size_gb: 1000 }];
    const e = refused(cloud, () => cloud.hardware.updateHost(host, { disks: only }), { status: 409, code: 'object.device.in_ring', message: 'sdc is device d' });
    expect((e.details.devices as { ring: string }[]).map((d) => d.ring).sort()).toEqual(['account', 'container', 'object-0']);
    refused(cloud, () => cloud.hardware.updateHost(host, { roles: ['network'] }), { status: 409, code: 'object.device.in_ring' });
    // what the message says: remove the devices from the rings and rebalance; then the change is taken
    for (const ring of cloud.object.rings()) {
      const d = ring.devices.find((x) => x.ip === host && x.device === 'sdc')!;
      cloud.object.removeDevice(ring.name, d.id);
    }
    refused(cloud, () => cloud.hardware.updateHost(host, { disks: only }), { status: 409, code: 'object.device.in_ring' }); // still placed until the rebalance
    cloud.object.rebalance();
    expect(cloud.hardware.updateHost(host, { disks: only }).disks.map((d) => d.name)).toEqual(['sda', 'sdb']);
    expect(cloud.object.usage().filter((u) => u.host === host).map((u) => u.disk)).toEqual(['sda', 'sdb']);
  });

  it('a storage host whose name is no ring address is refused (400 name): its devices would answer for no host', () => {
    // Swift lower-cases a host name in a ring: 'StoreA' became 'storea', which no host is, so
    // every write to its devices went to handoffs or failed (503); 'Store_B' is no host name at all
    const model = { cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 100 }, { name: 'sdb', size_gb: 1000 }] };
    for (const name of ['StoreA', 'Store_B', 'store..c']) {
      let error: unknown;
      try {
        createCloud({ seed: 1, preset: 'empty', identity: { password_hash_rounds: 1 }, topology: { models: { s: model }, hosts: [{ name, model: 's', roles: ['storage'] }] } });
      } catch (e) {
        error = e;
      }
      expect(error, name).toMatchObject({ status: 400, details: { field: 'name' } });
    }
    const { cloud } = setup();
    refused(cloud, () => cloud.hardware.addHost({ name: 'StoreA', cpu: { sockets: 1, cores_per_socket: 4 }, memory_mb: 8192, disks: model.disks, roles: ['storage'] }), { status: 400, field: 'name' });
    cloud.hardware.addHost({ name: 'Compute_1', cpu: { sockets: 1, cores_per_socket: 4 }, memory_mb: 8192, disks: model.disks, roles: ['compute'] });
    refused(cloud, () => cloud.hardware.updateHost('Compute_1', { roles: ['compute', 'storage'] }), { status: 400, field: 'name' });
  });

  it('changes that take no disk away are accepted; a disk that newly serves joins the rings (placed at the next rebalance)', () => {
    const { cloud } = setup();
    const host = 'st12';
    cloud.hardware.updateHost(host, { memory_mb: 16384 });
    const disks = [...cloud.hardware.getHost(host).disks.map((d) => ({ name: d.name, size_gb: d.size_gb })), { name: 'sdd', size_gb: 2000 }];
    cloud.hardware.updateHost(host, { disks });
    for (const ring of cloud.object.rings()) expect(ring.devices.filter((d) => d.ip === host).map((d) => [d.device, d.weight])).toEqual([['sdb', 1000], ['sdc', 1000], ['sdd', 2000]]);
    // a host that gains the storage role offers its disks (all but the first) too
    cloud.hardware.addHost({ name: 'cn1', cpu: { sockets: 1, cores_per_socket: 4 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 100 }, { name: 'sdb', size_gb: 500 }], roles: ['compute'] });
    expect(cloud.object.rings()[0]!.devices.some((d) => d.ip === 'cn1')).toBe(false);
    cloud.hardware.updateHost('cn1', { roles: ['compute', 'storage'] });
    expect(cloud.object.rings().every((r) => r.devices.filter((d) => d.ip === 'cn1').map((d) => d.device).join() === 'sdb')).toBe(true);
  });
});
