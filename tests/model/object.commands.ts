/**
 * Swift's commands for the shared model-based suite: the admin creates and deletes containers
 * (public to every authenticated user, or private), puts and deletes objects, POSTs metadata to
 * the account, a container or an object (each a write with its ring's quorum); the operator fails
 * and replaces storage disks, fails, recovers, adds and removes storage hosts, rebalances the
 * rings and runs the replicator; identity's sessions try the admin's account. Each command
 * predicts its outcome — writes from the answering primaries and handoffs `getNodes` shows (503
 * below the quorum, nothing changed), 404 / 409 from the model, host removal refused (409
 * `object.host.holds_data`) while its disks hold copies, 401 / 403 from the session's validity.
 *
 * Invariants after every step of every module (`registerInvariants`): each object row's copies
 * sit on distinct disks that have not failed; per-disk usage (the state's table and
 * `cloud.object.usage()`) is exactly the sum of the copies on each disk; every object of the
 * model reads back byte-identical when a copy answers, 503 when none does, 404 once every copy
 * is lost, and HEAD answers as GET does; container listings and totals are the model's, and the
 * account's totals are the sum of its containers'.
 *
 * Disk and host failures never take away the last answering copy (or the last answering copy on
 * a primary) of another module's object (Glance's images share the rings and the admin account).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { tableToArray, type CloudState } from '../../src/core/index.js';
import { expectRefused, registerCommands, registerInvariants, registerSetup, statusOf, type CloudCommand, type CloudModel, type CloudReal } from './harness.js';
import { sessionValid } from './identity.commands.js';

/** What the object commands believe. */
interface ObjectModel {
  /** The admin project's account (`AUTH_<id>`), where the containers live. */
  account: string;
  /** This module's containers: public (`X-Container-Read: *:*`) or not, and their objects' bytes. */
  containers: Map<string, { public: boolean; objects: Map<string, Uint8Array> }>;
  /** Failed storage disks, `<host>/<disk>`. */
  failed: Set<string>;
}

declare module './harness.js' {
  interface CloudModel {
    object?: ObjectModel;
  }
}

const CONTAINERS = ['c1', 'c2'];
const OBJECTS = ['o1', 'o2', 'dir/o3'];
/** Storage hosts: sw1–sw4 at the start; sw5 can join. Each has an OS disk and one storage disk. */
const STORAGE = ['sw1', 'sw2', 'sw3', 'sw4', 'sw5'];
const DISK = 'sdb';
const HOST_SPEC = { cpu: { sockets: 1, cores_per_socket: 2, threads_per_core: 1 }, memory_mb: 4096, roles: ['storage' as const], disks: [{ name: 'sda', size_gb: 100 }, { name: DISK, size_gb: 1000 }] };

const om = (m: Readonly<CloudModel>): ObjectModel => {
  if (m.object === undefined) throw new Error('the object setup did not run');
  return m.object;
};
const key = (host: string, disk: string): string => `${host}/${disk}`;
const isMine = (o: ObjectModel, account: string, container: string): boolean => account === o.account && CONTAINERS.includes(container);
const quorum = (replicas: number): number => Math.floor(replicas / 2) + 1;
const bytesOf = (size: number, salt: number): Uint8Array => new Uint8Array(size).map((_, i) => (i * 31 + salt * 7 + 1) & 0xff);

/** The devices a write of a path reaches: answering primaries, then one answering handoff per silent primary. */
function writeTargets(r: CloudReal, account: string, container?: string, object?: string): { targets: string[]; replicas: number } {
  const { primaries, handoffs } = r.cloud.object.getNodes(account, container, object);
  const up = primaries.filter((n) => n.reachable);
  const stand = handoffs.filter((n) => n.reachable).slice(0, primaries.length - up.length);
  return { targets: [...up, ...stand].map((n) => key(n.host, n.disk)).sort(), replicas: primaries.length };
}

/** A refusal whose code is known too; the admin re-authenticates first, outside the call. */
function refusedWith(r: CloudReal, call: () => unknown, status: number, code: string): void {
  void r.cloud.admin.token;
  expect(expectRefused(r, call, status).code).toBe(code);
}

/**
 * Whether failing what `failing` names leaves every object of other modules an answering copy
 * (and an answering copy on a primary, when it has one now).
 */
function sparesOthers(r: CloudReal, o: ObjectModel, failing: (host: string, disk: string) => boolean): boolean {
  for (const row of tableToArray(r.cloud.state.object.objects)) {
    if (isMine(o, row.account, row.container)) continue;
    const copies = r.cloud.object.locate(row.account, row.container, row.name);
    const after = copies.filter((c) => c.reachable && !failing(c.host, c.disk));
    if (copies.some((c) => c.reachable) && after.length === 0) return false;
    if (copies.some((c) => c.reachable && c.primary) && !after.some((c) => c.primary)) return false;
  }
  return true;
}

/** Copies on each disk, from every object row of the state. */
function copiesPerDisk(s: CloudState): Map<string, { bytes: number; objects: number }> {
  const out = new Map<string, { bytes: number; objects: number }>();
  for (const row of tableToArray(s.object.objects)) {
    for (const c of row.copies) {
      const u = out.get(key(c.host, c.disk)) ?? { bytes: 0, objects: 0 };
      out.set(key(c.host, c.disk), { bytes: u.bytes + row.bytes, objects: u.objects + 1 });
    }
  }
  return out;
}

// ------------------------------------------------------------------ containers and objects

/** The admin creates a container (public: `X-Container-Read: *:*`, or private) or deletes it. */
class SwiftContainer implements CloudCommand {
  constructor(readonly container: string, readonly action: 'create public' | 'create private' | 'delete') {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    if (this.action === 'delete') this.delete(om(m), r);
    else this.create(om(m), r, this.action === 'create public');
  }
  private create(o: ObjectModel, r: CloudReal, isPublic: boolean): void {
    const call = () => r.cloud.admin.object.putContainer(this.container, { 'X-Container-Read': isPublic ? '*:*' : '' });
    const existing = o.containers.get(this.container);
    // a PUT is a write to the container ring, new container or not (and to the account ring for a new account)
    const c = writeTargets(r, o.account, this.container);
    const accountMissing = !tableToArray(r.cloud.state.object.accounts).some((a) => a.name === o.account);
    const a = writeTargets(r, o.account);
    if (c.targets.length < quorum(c.replicas) || (accountMissing && a.targets.length < quorum(a.replicas))) return refusedWith(r, call, 503, 'object.unavailable');
    expect(call().created).toBe(existing === undefined);
    o.containers.set(this.container, { public: isPublic, objects: existing?.objects ?? new Map() });
  }
  private delete(o: ObjectModel, r: CloudReal): void {
    const call = () => r.cloud.admin.object.deleteContainer(this.container);
    const existing = o.containers.get(this.container);
    if (existing === undefined) return refusedWith(r, call, 404, 'object.container.not_found');
    if (existing.objects.size > 0) return refusedWith(r, call, 409, 'object.container.not_empty');
    const c = writeTargets(r, o.account, this.container);
    if (c.targets.length < quorum(c.replicas)) return refusedWith(r, call, 503, 'object.unavailable');
    call();
    o.containers.delete(this.container);
  }
  toString = () => `swift.${this.action === 'delete' ? 'deleteContainer' : 'putContainer'}(${this.container}${this.action === 'create public' ? ', read *:*' : ''})`;
}

/** The admin puts an object (`size` bytes) or deletes it. */
class SwiftObject implements CloudCommand {
  constructor(readonly container: string, readonly object: string, readonly put: { size: number; salt: number } | null) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const o = om(m);
    const api = r.cloud.admin.object;
    const data = this.put === null ? null : bytesOf(this.put.size, this.put.salt);
    const call = () => (data === null ? api.deleteObject(this.container, this.object) : api.putObject(this.container, this.object, data));
    const c = o.containers.get(this.container);
    if (c === undefined) return refusedWith(r, call, 404, 'object.container.not_found');
    if (data === null && !c.objects.has(this.object)) return refusedWith(r, call, 404, 'object.object.not_found');
    const w = writeTargets(r, o.account, this.container, this.object);
    if (w.targets.length < quorum(w.replicas)) return refusedWith(r, call, 503, 'object.unavailable');
    call();
    if (data === null) {
      c.objects.delete(this.object);
      return;
    }
    c.objects.set(this.object, data);
    // the copies are exactly where the write went
    expect(r.cloud.object.locate(o.account, this.container, this.object).map((x) => key(x.host, x.disk)).sort()).toEqual(w.targets);
  }
  toString = () => (this.put === null ? `swift.deleteObject(${this.container}/${this.object})` : `swift.putObject(${this.container}/${this.object}, ${this.put.size} B)`);
}

/**
 * The admin POSTs metadata to its account, a container or an object: a write to that ring, so
 * 503 below its quorum (a container or object POST exactly when a PUT there would be); then a
 * missing container or object is a 404, and an object is found as a GET finds it (404 when no
 * copy is left, 503 when none answers). A POST that succeeds shows in the next HEAD.
 */
class SwiftMetadata implements CloudCommand {
  constructor(readonly target: 'account' | 'container' | 'object', readonly container: string, readonly object: string, readonly value: number) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const o = om(m);
    const api = r.cloud.admin.object;
    const value = String(this.value);
    const short = (container?: string, object?: string): boolean => {
      const w = writeTargets(r, o.account, container, object);
      return w.targets.length < quorum(w.replicas);
    };
    if (this.target === 'account') {
      const call = () => api.postAccount({ 'X-Account-Meta-Note': value });
      if (short()) return refusedWith(r, call, 503, 'object.unavailable');
      call();
      expect(api.headAccount().metadata.note).toBe(value);
      return;
    }
    const c = o.containers.get(this.container);
    if (this.target === 'container') {
      const call = () => api.postContainer(this.container, { 'X-Container-Meta-Note': value });
      if (short(this.container)) return refusedWith(r, call, 503, 'object.unavailable');
      if (c === undefined) return refusedWith(r, call, 404, 'object.container.not_found');
      call();
      expect(api.headContainer(this.container).metadata.note).toBe(value);
      return;
    }
    const call = () => api.postObject(this.container, this.object, { 'X-Object-Meta-Note': value });
    if (c === undefined) return refusedWith(r, call, 404, 'object.object.not_found');
    if (short(this.container, this.object)) return refusedWith(r, call, 503, 'object.unavailable');
    if (!c.objects.has(this.object)) return refusedWith(r, call, 404, 'object.object.not_found');
    const copies = r.cloud.object.locate(o.account, this.container, this.object);
    if (copies.length === 0) return refusedWith(r, call, 404, 'object.object.not_found');
    if (!copies.some((x) => x.reachable)) return refusedWith(r, call, 503, 'object.unavailable');
    call();
    expect(api.headObject(this.container, this.object).metadata).toEqual({ note: value });
  }
  toString = () => `swift.post${this.target === 'account' ? 'Account()' : this.target === 'container' ? `Container(${this.container})` : `Object(${this.container}/${this.object})`}`;
}

// ------------------------------------------------------------------ the operator

/** A storage disk fails (its copies are gone), or the failed disk is replaced by an empty one. */
class SwiftDisk implements CloudCommand {
  constructor(readonly host: string, readonly action: 'fail' | 'replace') {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const o = om(m);
    const k = key(this.host, DISK);
    if (this.action === 'replace') {
      const call = () => r.cloud.object.replaceDisk(this.host, DISK);
      if (!m.hosts.has(this.host) || !o.failed.has(k)) {
        expect(expectRefused(r, call, 400).details.field).toBe(m.hosts.has(this.host) ? 'disk' : 'host');
        return;
      }
      call();
      o.failed.delete(k);
      return;
    }
    if (!m.hosts.has(this.host)) {
      expect(expectRefused(r, () => r.cloud.object.failDisk(this.host, DISK), 400).details.field).toBe('host');
      return;
    }
    if (!o.failed.has(k) && !sparesOthers(r, o, (h, d) => h === this.host && d === DISK)) return;
    // every object with a copy there loses it (none when the disk has already failed)
    const holders = tableToArray(r.cloud.state.object.objects).filter((row) => row.copies.some((c) => c.host === this.host && c.disk === DISK)).length;
    expect(r.cloud.object.failDisk(this.host, DISK)).toBe(holders);
    o.failed.add(k);
  }
  toString = () => `swift.${this.action}Disk(${this.host}/${DISK})`;
}

/**
 * A storage host fails or recovers, joins (its disk joins the rings at the next rebalance), or
 * leaves — refused (409 `object.host.holds_data`) while any of its disks holds a copy.
 */
class SwiftHost implements CloudCommand {
  constructor(readonly host: string, readonly action: 'down' | 'up' | 'add' | 'remove') {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const h = m.hosts.get(this.host);
    const hw = r.cloud.hardware;
    if (this.action === 'add') {
      const call = () => hw.addHost({ name: this.host, ...HOST_SPEC });
      if (h) return void expectRefused(r, call, 409);
      call();
      m.hosts.set(this.host, { state: 'up', memory_mb: HOST_SPEC.memory_mb, roles: [...HOST_SPEC.roles] });
      return;
    }
    if (this.action === 'remove') {
      const call = () => hw.removeHost(this.host);
      if (!h) return void expectRefused(r, call, 404);
      const held = tableToArray(r.cloud.state.object.objects).reduce((n, row) => n + row.copies.filter((c) => c.host === this.host).length, 0);
      if (held > 0) {
        const e = expectRefused(r, call, 409);
        expect({ code: e.code, objects: e.details.objects }).toEqual({ code: 'object.host.holds_data', objects: held });
        return;
      }
      call();
      m.hosts.delete(this.host);
      // its disks leave with it: a failed one is no longer on record
      om(m).failed.delete(key(this.host, DISK));
      return;
    }
    const call = () => (this.action === 'down' ? hw.failHost(this.host) : hw.recoverHost(this.host));
    if (!h) return void expectRefused(r, call, 404);
    if (h.state === this.action) return void expectRefused(r, call, 409);
    if (this.action === 'down' && !sparesOthers(r, om(m), (host) => host === this.host)) return;
    expect(call().state).toBe(this.action);
    h.state = this.action;
  }
  toString = () => `swift.${{ down: 'failHost', up: 'recoverHost', add: 'addHost', remove: 'removeHost' }[this.action]}(${this.host})`;
}

/** The operator rebalances every ring, or runs one replication pass. */
class SwiftRing implements CloudCommand {
  constructor(readonly action: 'rebalance' | 'replicate') {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    if (this.action === 'rebalance') this.rebalance(r);
    else this.replicate(om(m), r);
  }
  private rebalance(r: CloudReal): void {
    // a storage host gives the rings every disk but its first (or its only disk)
    const devices = r.cloud.hardware.listHosts().reduce((n, h) => n + (h.roles.includes('storage') ? (h.disks.length > 1 ? h.disks.length - 1 : h.disks.length) : 0), 0);
    const replicas = Math.max(...r.cloud.object.rings().map((ring) => ring.replicas));
    if (devices < replicas) return void refusedWith(r, () => r.cloud.object.rebalance(), 400, 'object.ring.too_few_devices');
    expect(Object.keys(r.cloud.object.rebalance()).sort()).toEqual(['account', 'container', 'object-0']);
    // devices of removed hosts have left every ring
    for (const ring of r.cloud.object.rings()) for (const d of ring.devices) expect(r.cloud.hardware.listHosts().some((h) => h.name === d.ip), `${ring.name}: ${d.ip}`).toBe(true);
  }
  private replicate(o: ObjectModel, r: CloudReal): void {
    const mine = [...o.containers].flatMap(([c, { objects }]) => [...objects.keys()].map((name) => [c, name] as const));
    const before = new Map(mine.map(([c, name]) => [`${c}/${name}`, r.cloud.object.locate(o.account, c, name)]));
    r.cloud.object.replicate();
    for (const [c, name] of mine) {
      const copies = r.cloud.object.locate(o.account, c, name);
      const held = new Set(copies.map((x) => key(x.host, x.disk)));
      const primaries = r.cloud.object.getNodes(o.account, c, name).primaries;
      // a copy leaves a device off the primaries only once every primary holds the object
      for (const x of before.get(`${c}/${name}`) ?? []) {
        if (held.has(key(x.host, x.disk))) continue;
        expect(x.primary, `${c}/${name}: the pass removed the copy on primary ${x.host}/${x.disk}`).toBe(false);
        expect(primaries.every((n) => held.has(key(n.host, n.disk))), `${c}/${name}: ${x.host}/${x.disk} removed early`).toBe(true);
      }
      // every answering primary of an object with an answering copy holds one
      if (copies.some((x) => x.reachable)) for (const n of primaries) if (n.reachable) expect(held.has(key(n.host, n.disk)), `${c}/${name} on ${n.host}/${n.disk}`).toBe(true);
    }
  }
  toString = () => `swift.${this.action}()`;
}

// ------------------------------------------------------------------ identity × Swift

class SwiftSessionTries implements CloudCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<CloudModel>) => m.identity.sessions.size > 0;
  run(m: CloudModel, r: CloudReal): void {
    const o = om(m);
    const labels = [...r.sessions.keys()];
    const label = labels[this.pick % labels.length];
    const session = label === undefined ? undefined : r.sessions.get(label);
    if (label === undefined || session === undefined) return;
    const valid = sessionValid(m, label);
    const before = r.cloud.state;
    // its own account: member and reader are not operator roles, so not even a HEAD
    expectRefused(r, () => session.object.headAccount(), valid ? 403 : 401);
    // the admin's containers: a valid token lists a public one (ACL *:*), nothing else
    for (const name of CONTAINERS) {
      const c = o.containers.get(name);
      const list = () => session.object.getContainer(name, undefined, { account: o.account });
      if (valid && c?.public) expect(list().objects.map((e) => ('name' in e ? e.name : e.subdir))).toEqual([...c.objects.keys()].sort());
      else expectRefused(r, list, valid ? 403 : 401);
      // and writes nothing: a read ACL grants no write
      expectRefused(r, () => session.object.putObject(name, 'intruder', 'x', undefined, { account: o.account }), valid ? 403 : 401);
    }
    expect(r.cloud.state).toBe(before);
  }
  toString = () => `swift.sessionTries(#${this.pick})`;
}

// ------------------------------------------------------------------ invariants

registerInvariants('object', (m, r) => {
  const o = m.object;
  if (o === undefined) return;
  const { cloud } = r;
  const s = cloud.state;
  // copies: distinct disks, none on a failed disk; usage is exactly their sum, disk by disk
  const failed = new Set(tableToArray(s.object.failed).map((f) => f.key));
  for (const row of tableToArray(s.object.objects)) {
    const where = row.copies.map((c) => key(c.host, c.disk));
    expect(new Set(where).size, `${row.container}/${row.name}: copies on distinct disks`).toBe(where.length);
    for (const w of where) expect(failed.has(w), `${row.container}/${row.name}: a copy on failed disk ${w}`).toBe(false);
  }
  const perDisk = copiesPerDisk(s);
  expect(new Map(tableToArray(s.object.usage).map((u) => [u.key, { bytes: u.bytes, objects: u.objects }]))).toEqual(perDisk);
  for (const u of cloud.object.usage()) {
    expect({ bytes: u.bytes, objects: u.objects }, `usage of ${u.host}/${u.disk}`).toEqual(perDisk.get(key(u.host, u.disk)) ?? { bytes: 0, objects: 0 });
    if (STORAGE.includes(u.host) && u.disk === DISK) expect(u.failed, `${u.host}/${u.disk} failed`).toBe(o.failed.has(key(u.host, u.disk)));
  }
  // this module's objects: where the copies are, and what a GET answers
  const api = cloud.admin.object;
  for (const name of CONTAINERS) {
    const c = o.containers.get(name);
    if (c === undefined) {
      expect(statusOf(() => api.headContainer(name)), `${name} does not exist`).toBe(404);
      continue;
    }
    const listing = api.getContainer(name);
    expect(listing.objects.map((e) => ('name' in e ? e.name : e.subdir))).toEqual([...c.objects.keys()].sort());
    expect({ objects: listing.object_count, bytes: listing.bytes_used }).toEqual({ objects: c.objects.size, bytes: [...c.objects.values()].reduce((n, d) => n + d.length, 0) });
    // keystoneauth lets a matching cross-tenant ACL (`*:*`) through before it looks at operator
    // roles, so even the owner is then no `swift_owner` and is not shown the ACL
    expect(listing.read_acl).toBe(c.public ? null : '');
    for (const [object, data] of c.objects) {
      const copies = cloud.object.locate(o.account, name, object);
      for (const x of copies) {
        if (!STORAGE.includes(x.host)) continue;
        const h = m.hosts.get(x.host);
        expect(x.reachable, `${x.host}/${x.disk} answers`).toBe(h?.state === 'up' && !o.failed.has(key(x.host, x.disk)));
      }
      const status = statusOf(() => expect(api.getObject(name, object).data, `${name}/${object} reads back`).toEqual(data));
      expect(status, `GET ${name}/${object} with ${copies.length} cop(ies), ${copies.filter((x) => x.reachable).length} answering`).toBe(copies.length === 0 ? 404 : copies.some((x) => x.reachable) ? 0 : 503);
      // HEAD reads the copies as GET does
      expect(statusOf(() => api.headObject(name, object)), `HEAD ${name}/${object}`).toBe(status);
    }
  }
  // the account's totals are its containers' (other modules' containers included)
  const account = api.getAccount();
  const listed = account.containers.flatMap((e) => ('name' in e ? [e] : []));
  expect(listed.map((e) => e.name).filter((n) => CONTAINERS.includes(n))).toEqual([...o.containers.keys()].sort());
  expect({ containers: account.container_count, objects: account.object_count, bytes: account.bytes_used }).toEqual({
    containers: listed.length,
    objects: listed.reduce((n, e) => n + e.count, 0),
    bytes: listed.reduce((n, e) => n + e.bytes, 0),
  });
});


// four storage hosts, one storage disk each, rebalanced before any data exists
registerSetup((m, r) => {
  for (const name of STORAGE.slice(0, 4)) {
    r.cloud.hardware.addHost({ name, ...HOST_SPEC });
    m.hosts.set(name, { state: 'up', memory_mb: HOST_SPEC.memory_mb, roles: [...HOST_SPEC.roles] });
  }
  r.cloud.object.rebalance();
  m.object = { account: r.cloud.admin.object.headAccount().account, containers: new Map(), failed: new Set() };
});

const container = fc.constantFrom(...CONTAINERS);
const storageHost = fc.constantFrom(...STORAGE);
registerCommands('object', [
  fc.tuple(container, fc.constantFrom('create public' as const, 'create private' as const, 'delete' as const)).map(([c, a]) => new SwiftContainer(c, a)),
  fc.tuple(container, fc.constantFrom(...OBJECTS), fc.option(fc.record({ size: fc.integer({ min: 0, max: 48 }), salt: fc.nat(255) }), { freq: 3 })).map(([c, n, put]) => new SwiftObject(c, n, put)),
  fc.tuple(fc.constantFrom('account' as const, 'container' as const, 'object' as const), container, fc.constantFrom(...OBJECTS), fc.nat(9)).map(([t, c, n, v]) => new SwiftMetadata(t, c, n, v)),
  fc.tuple(storageHost, fc.constantFrom('fail' as const, 'replace' as const)).map(([h, a]) => new SwiftDisk(h, a)),
  fc.tuple(storageHost, fc.constantFrom('down' as const, 'up' as const, 'add' as const, 'remove' as const)).map(([h, a]) => new SwiftHost(h, a)),
  fc.constantFrom('rebalance' as const, 'replicate' as const).map((a) => new SwiftRing(a)),
  fc.nat(20).map((p) => new SwiftSessionTries(p)),
]);
