/**
 * The object API under faults, with a fixed fast-check seed (in the title): random sequences of
 * PUT / GET / HEAD / POST / DELETE of objects, PUT / POST / DELETE of containers and POST of the
 * account's metadata, interleaved with disk failures and replacements and host failures and
 * recoveries (`cloud.object.failDisk` / `replaceDisk`, `cloud.hardware.failHost` /
 * `recoverHost`), on five storage hosts in three racks with one storage disk each and three
 * replicas; two directed faults make the rare cases common: every disk holding an object's
 * copies is swapped for an empty one (the object is lost, the disks answer), or every host
 * holding one goes down (no copy answers, the handoffs do). Disks fail even under the last copy of an object: losing data is part of it. No clock
 * advance, so the replicator never runs: copies stay where the writes put them.
 *
 * A simple model predicts every answer, and after every step:
 *
 * - HEAD agrees with GET about every object name (existing or not, container or not): 404 when
 *   the container or the object is missing or every copy is lost, 503 when copies exist but none
 *   answers, 200 otherwise — with the same ETag, length and metadata;
 * - an object with a copy left is never reported missing (its copies may not answer: 503);
 * - a write (object PUT, POST, DELETE; container PUT, POST, DELETE; account POST) is refused with
 *   503 for want of a quorum exactly when fewer of its ring's nodes answer than a majority — for a
 *   POST, exactly when a PUT of the same path would be (tried on a fork of the cloud);
 * - a refused call leaves `cloud.state` the very same object;
 * - the copies `locate` reports are the model's, and listings, container and account metadata are
 *   the model's.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CloudError, type Cloud } from '../../src/index.js';
import { refused } from '../support/refusal.js';
import { storageCloud as sharedStorageCloud } from './helpers.js';

const REPLICAS = 3;
const QUORUM = 2;
const HOSTS = ['st1', 'st2', 'st3', 'st4', 'st5'];
const DISKS = ['sdb'];
const CONTAINERS = ['c1', 'c2'];
const NAMES = ['o1', 'dir/o2'];

function storageCloud(): Cloud {
  return sharedStorageCloud({ seed: 4242, dataDisks: ['sdb'], hosts: HOSTS, replicas: REPLICAS });
}

type Op =
  | { readonly op: 'putObject'; readonly container: string; readonly name: string; readonly data: Uint8Array; readonly meta: number }
  | { readonly op: 'postObject' | 'deleteObject'; readonly container: string; readonly name: string; readonly meta: number }
  | { readonly op: 'putContainer' | 'postContainer' | 'deleteContainer'; readonly container: string; readonly meta: number }
  | { readonly op: 'postAccount'; readonly meta: number }
  | { readonly op: 'failHost' | 'recoverHost'; readonly host: string }
  | { readonly op: 'failDisk' | 'replaceDisk'; readonly host: string; readonly disk: string }
  /** Every disk holding a copy of the object fails and is replaced by an empty one: the object is lost, the disks answer. */
  | { readonly op: 'swapCopyDisks'; readonly container: string; readonly name: string }
  /** Every host holding a copy of the object goes down (one `failHost` each). */
  | { readonly op: 'downCopyHosts'; readonly container: string; readonly name: string };

const container = fc.oneof({ weight: 3, arbitrary: fc.constant(CONTAINERS[0]!) }, { weight: 1, arbitrary: fc.constantFrom(...CONTAINERS) });
const name = fc.constantFrom(...NAMES);
const meta = fc.nat(9);
const host = fc.constantFrom(...HOSTS);
const disk = fc.constantFrom(...DISKS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('putObject' as const), container, name, data: fc.uint8Array({ maxLength: 16 }), meta }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('postObject' as const), container, name, meta }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteObject' as const), container, name, meta }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('putContainer' as const), container, meta }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('postContainer' as const), container, meta }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteContainer' as const), container, meta }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('postAccount' as const), meta }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('failHost' as const), host }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('recoverHost' as const), host }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('failDisk' as const), host, disk }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replaceDisk' as const), host, disk }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('swapCopyDisks' as const), container, name }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('downCopyHosts' as const), container, name }) },
);

interface ObjectModel {
  data: Uint8Array;
  metadata: Record<string, string>;
  /** `<host>/<disk>` of each copy. */
  copies: Set<string>;
}

/** What the test believes. */
interface Model {
  down: Set<string>;
  failed: Set<string>;
  account: Record<string, string>;
  containers: Map<string, { metadata: Record<string, string>; objects: Map<string, ObjectModel> }>;
}

const key = (h: string, d: string): string => `${h}/${d}`;

/** How often each outcome happened (the property must show it exercised each). */
const seen = new Map<string, number>();
const count = (what: string): void => void seen.set(what, (seen.get(what) ?? 0) + 1);

/** The status a call answers (0 when it returns), and its error. */
function outcome(call: () => unknown): { status: number; error: CloudError | null; value: unknown } {
  try {
    return { status: 0, error: null, value: call() };
  } catch (e) {
    expect(e).toBeInstanceOf(CloudError);
    return { status: (e as CloudError).status, error: e as CloudError, value: undefined };
  }
}

/** A 503 for want of a quorum (not for copies that do not answer). */
const quorumRefusal = (e: CloudError | null): boolean => e !== null && e.status === 503 && e.details.quorum !== undefined;

class Run {
  readonly cloud = storageCloud();
  readonly api = this.cloud.admin.object;
  readonly account = this.api.headAccount().account;
  readonly m: Model = { down: new Set(), failed: new Set(), account: {}, containers: new Map() };

  /** Starts with c1 holding every name (three copies each, all hosts up) and c2 missing. */
  constructor() {
    this.api.putContainer('c1');
    this.m.containers.set('c1', { metadata: {}, objects: new Map() });
    for (const name of NAMES) this.apply({ op: 'putObject', container: 'c1', name, data: new Uint8Array([1, 2, 3]), meta: 0 });
  }

  answers(k: string): boolean {
    const [h = '', d = ''] = k.split('/');
    return !this.m.down.has(h) && !this.m.failed.has(key(h, d));
  }

  /** Where a write of a path goes (answering primaries, then a handoff per silent one), checked against the model. */
  targets(container?: string, object?: string): string[] {
    const { primaries, handoffs } = this.cloud.object.getNodes(this.account, container, object);
    expect(primaries).toHaveLength(REPLICAS);
    for (const n of [...primaries, ...handoffs]) expect(n.reachable, `${n.host}/${n.disk}`).toBe(this.answers(key(n.host, n.disk)));
    const up = primaries.filter((n) => n.reachable);
    const stand = handoffs.filter((n) => n.reachable).slice(0, REPLICAS - up.length);
    return [...up, ...stand].map((n) => key(n.host, n.disk)).sort();
  }

  /** A call the model says is refused: its status (and code), and the same state object afterwards. */
  refuse(call: () => unknown, status: number, code: string): CloudError {
    void this.cloud.admin.token; // re-authentication, if due, happens outside the call under test
    return refused(this.cloud, call, { status, code });
  }

  /** Whether a PUT of the path would be refused for want of a quorum, tried on a fork (the cloud itself does not change). */
  putRefusedForQuorum(container: string, object?: string): boolean {
    const fork = this.cloud.fork();
    const api = fork.admin.object;
    const put = outcome(() => (object === undefined ? api.putContainer(container) : api.putObject(container, object, 'probe')));
    return quorumRefusal(put.error);
  }

  apply(op: Op): void {
    const { api, m } = this;
    switch (op.op) {
      case 'putObject': {
        const c = m.containers.get(op.container);
        const call = () => api.putObject(op.container, op.name, op.data, { 'X-Object-Meta-V': String(op.meta) });
        if (!c) return void this.refuse(call, 404, 'object.container.not_found');
        const targets = this.targets(op.container, op.name);
        if (targets.length < QUORUM) {
          expect(quorumRefusal(this.refuse(call, 503, 'object.unavailable'))).toBe(true);
          return count('put object refused (quorum)');
        }
        call();
        c.objects.set(op.name, { data: op.data.slice(), metadata: { v: String(op.meta) }, copies: new Set(targets) });
        return count('put object');
      }
      case 'postObject': {
        const c = m.containers.get(op.container);
        const call = () => api.postObject(op.container, op.name, { 'X-Object-Meta-P': String(op.meta) });
        if (!c) return void this.refuse(call, 404, 'object.object.not_found');
        const short = this.targets(op.container, op.name).length < QUORUM;
        // refused for want of a quorum exactly when a PUT of the same object would be
        expect(this.putRefusedForQuorum(op.container, op.name), 'a PUT of the object is refused for its quorum').toBe(short);
        if (short) {
          expect(quorumRefusal(this.refuse(call, 503, 'object.unavailable'))).toBe(true);
          return count('post object refused (quorum)');
        }
        const o = c.objects.get(op.name);
        if (!o) return void this.refuse(call, 404, 'object.object.not_found');
        if (o.copies.size === 0) {
          this.refuse(call, 404, 'object.object.not_found');
          return count('post object refused (every copy lost)');
        }
        if (![...o.copies].some((k) => this.answers(k))) {
          expect(quorumRefusal(this.refuse(call, 503, 'object.unavailable'))).toBe(false);
          return count('post object refused (no copy answers)');
        }
        call();
        o.metadata = { p: String(op.meta) };
        return count('post object');
      }
      case 'deleteObject': {
        const c = m.containers.get(op.container);
        const call = () => api.deleteObject(op.container, op.name);
        if (!c) return void this.refuse(call, 404, 'object.container.not_found');
        if (!c.objects.has(op.name)) return void this.refuse(call, 404, 'object.object.not_found');
        if (this.targets(op.container, op.name).length < QUORUM) {
          this.refuse(call, 503, 'object.unavailable');
          return count('delete object refused (quorum)');
        }
        call();
        c.objects.delete(op.name);
        return count('delete object');
      }
      case 'putContainer': {
        const c = m.containers.get(op.container);
        const call = () => api.putContainer(op.container, { 'X-Container-Meta-V': String(op.meta) });
        if (this.targets(op.container).length < QUORUM) {
          this.refuse(call, 503, 'object.unavailable');
          return count(c ? 'put existing container refused (quorum)' : 'put new container refused (quorum)');
        }
        expect(call()).toEqual({ created: c === undefined });
        if (c) c.metadata = { ...c.metadata, v: String(op.meta) };
        else m.containers.set(op.container, { metadata: { v: String(op.meta) }, objects: new Map() });
        return count('put container');
      }
      case 'postContainer': {
        const c = m.containers.get(op.container);
        const call = () => api.postContainer(op.container, { 'X-Container-Meta-P': String(op.meta) });
        const short = this.targets(op.container).length < QUORUM;
        expect(this.putRefusedForQuorum(op.container), 'a PUT of the container is refused for its quorum').toBe(short);
        if (short) {
          expect(quorumRefusal(this.refuse(call, 503, 'object.unavailable'))).toBe(true);
          return count('post container refused (quorum)');
        }
        if (!c) return void this.refuse(call, 404, 'object.container.not_found');
        call();
        c.metadata = { ...c.metadata, p: String(op.meta) };
        return count('post container');
      }
      case 'deleteContainer': {
        const c = m.containers.get(op.container);
        const call = () => api.deleteContainer(op.container);
        if (!c) return void this.refuse(call, 404, 'object.container.not_found');
        if (c.objects.size > 0) return void this.refuse(call, 409, 'object.container.not_empty');
        if (this.targets(op.container).length < QUORUM) {
          this.refuse(call, 503, 'object.unavailable');
          return count('delete container refused (quorum)');
        }
        call();
        m.containers.delete(op.container);
        return count('delete container');
      }
      case 'postAccount': {
        const call = () => api.postAccount({ 'X-Account-Meta-P': String(op.meta) });
        if (this.targets().length < QUORUM) {
          expect(quorumRefusal(this.refuse(call, 503, 'object.unavailable'))).toBe(true);
          return count('post account refused (quorum)');
        }
        call();
        m.account = { ...m.account, p: String(op.meta) };
        return count('post account');
      }
      case 'failHost':
      case 'recoverHost': {
        const wantDown = op.op === 'failHost';
        const call = () => (wantDown ? this.cloud.hardware.failHost(op.host) : this.cloud.hardware.recoverHost(op.host));
        if (m.down.has(op.host) === wantDown) return void refused(this.cloud, call, { status: 409 });
        call();
        if (wantDown) m.down.add(op.host);
        else m.down.delete(op.host);
        return;
      }
      case 'swapCopyDisks': {
        const o = m.containers.get(op.container)?.objects.get(op.name);
        for (const k of [...(o?.copies ?? [])]) {
          const [h = '', d = ''] = k.split('/');
          this.apply({ op: 'failDisk', host: h, disk: d });
          this.apply({ op: 'replaceDisk', host: h, disk: d });
        }
        return;
      }
      case 'downCopyHosts': {
        const o = m.containers.get(op.container)?.objects.get(op.name);
        for (const h of new Set([...(o?.copies ?? [])].map((k) => k.split('/')[0] ?? ''))) this.apply({ op: 'failHost', host: h });
        return;
      }
      case 'failDisk': {
        const k = key(op.host, op.disk);
        if (m.failed.has(k)) return;
        const holders = [...m.containers.values()].flatMap((c) => [...c.objects.values()]).filter((o) => o.copies.has(k));
        expect(this.cloud.object.failDisk(op.host, op.disk)).toBe(holders.length);
        for (const o of holders) o.copies.delete(k);
        m.failed.add(k);
        return count('disk failed');
      }
      case 'replaceDisk': {
        const call = () => this.cloud.object.replaceDisk(op.host, op.disk);
        if (!m.failed.has(key(op.host, op.disk))) return void refused(this.cloud, call, { status: 400, field: 'disk' });
        call();
        m.failed.delete(key(op.host, op.disk));
        return;
      }
    }
  }

  /** Every object name of every container, as GET and HEAD answer it; copies, listings and metadata. */
  check(): void {
    const { api, m, cloud } = this;
    const before = cloud.state;
    for (const cname of CONTAINERS) {
      const c = m.containers.get(cname);
      for (const oname of NAMES) {
        const o = c?.objects.get(oname);
        const get = outcome(() => api.getObject(cname, oname));
        const head = outcome(() => api.headObject(cname, oname));
        const expected = o === undefined || o.copies.size === 0 ? 404 : [...o.copies].some((k) => this.answers(k)) ? 0 : 503;
        expect({ get: get.status, head: head.status }, `GET and HEAD of ${cname}/${oname}`).toEqual({ get: expected, head: expected });
        if (get.error && head.error) expect(head.error.code).toBe(get.error.code);
        // an object with a copy left is never reported missing
        if (o !== undefined && o.copies.size > 0) expect(get.status, `${cname}/${oname} keeps a copy`).not.toBe(404);
        if (o !== undefined) {
          expect(cloud.object.locate(this.account, cname, oname).map((x) => key(x.host, x.disk)).sort(), `copies of ${cname}/${oname}`).toEqual([...o.copies].sort());
        }
        count(expected === 0 ? 'read' : expected === 503 ? 'read refused (no copy answers)' : o === undefined ? 'read refused (missing)' : 'read refused (every copy lost)');
        if (expected !== 0 || o === undefined) continue;
        const data = get.value as { data: Uint8Array; etag: string; content_length: number; metadata: object };
        const info = head.value as { etag: string; content_length: number; metadata: object };
        expect(data.data).toEqual(o.data);
        expect({ etag: info.etag, length: info.content_length, metadata: info.metadata }).toEqual({ etag: data.etag, length: data.content_length, metadata: data.metadata });
        expect(info.metadata).toEqual(o.metadata);
      }
      if (c === undefined) {
        expect(outcome(() => api.headContainer(cname)).status).toBe(404);
        continue;
      }
      const listing = api.getContainer(cname);
      // a lost object keeps its listing entry (the container server keeps the row)
      expect(listing.objects.map((e) => ('name' in e ? e.name : e.subdir))).toEqual([...c.objects.keys()].sort());
      expect(listing.metadata).toEqual(c.metadata);
    }
    expect(api.headAccount().metadata).toEqual(m.account);
    expect(cloud.state, 'reads change nothing').toBe(before);
  }
}

describe('the object API under disk and host faults', () => {
  it('HEAD agrees with GET; a POST needs the quorum a PUT needs; refusals change nothing; an object with a copy is never missing (seed 20221005)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 30, size: 'max' }), (ops) => {
        const run = new Run();
        run.check();
        for (const op of ops) {
          run.apply(op);
          run.check();
        }
      }),
      { seed: 20221005, numRuns: 30 },
    );
    for (const what of [
      'put object',
      'put object refused (quorum)',
      'post object',
      'post object refused (quorum)',
      'post object refused (every copy lost)',
      'post object refused (no copy answers)',
      'delete object',
      'delete object refused (quorum)',
      'put container',
      'put existing container refused (quorum)',
      'post container',
      'post container refused (quorum)',
      'post account',
      'post account refused (quorum)',
      'read',
      'read refused (no copy answers)',
      'read refused (every copy lost)',
    ]) {
      expect(seen.get(what) ?? 0, `${what} happened (${JSON.stringify([...seen])})`).toBeGreaterThan(0);
    }
  });
});
