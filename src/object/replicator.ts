/**
 * Swift's background daemons over the object rows of servers.ts: the object-expirer, disk
 * failures and replacements, and the object-replicator that puts copies back where the ring
 * wants them. Internal: the operator API, the hooks and the task kinds call these inside their
 * transactions.
 *
 * The replicator's work follows what is out of place, not the number of objects: the slice keeps
 * `out_of_place` (an O(log n) table of the objects whose copies are not exactly on their
 * primaries), a scheduled pass walks only that table, and a pass is scheduled only when one could
 * change something — a write that left copies out of place, a disk failure, a disk replaced, a
 * host back up, a rebalance that moved partitions. A pass does all it can at once, so it never
 * schedules the next one itself: with nothing changing, virtual time passes at no cost.
 */
import { isDraft, original } from 'immer';
import { deleteRow, getRow, plain, setRow, tableChanges, tablePrefix, type CloudState, type Memo, type Table, type Tx } from '../core/index.js';
import { diskAnswer, diskKey, objectRing, ringOf, type DiskAnswer } from './rings.js';
import { getMoreNodes, getNodes, type RingData, type RingDeviceView } from './ring/index.js';
import { addUsage, dropObject, findContainer, findObject, hashOptions, isExpired, objectKey } from './servers.js';
import type { ObjectCopy, ObjectRow } from './types.js';

type S = CloudState;

/** The object-expirer for one object: deletes it if it still is the version that was to expire. */
export function expireObject(tx: Tx, args: { account: string; container: string; object: string; timestamp: number }): void {
  const s = tx.draft as S;
  const row = findObject(s, args.account, args.container, args.object);
  if (!row || row.timestamp !== args.timestamp || !isExpired(row, tx.now())) return;
  dropObject(tx, row);
  deleteRow(tx.draft.object.out_of_place, objectKey(args.account, args.container, args.object));
  tx.trace('swift-object-expirer', `deleted expired ${args.account}/${args.container}/${args.object}`);
}

/**
 * A disk fails: every copy on it is gone, and it answers nothing (507 while its host is up)
 * until replaced. The objects that lost a copy are out of place; a pass is scheduled (the
 * replicator pushes their copies to handoffs). Returns how many objects lost a copy.
 */
export function failDisk(tx: Tx, host: string, disk: string): number {
  const key = diskKey(host, disk);
  setRow(tx.draft.object.failed, key, { key, since: tx.now() });
  let lost = 0;
  for (const [k, row] of tablePrefix(plain((tx.draft as S).object.objects), '')) {
    const kept = row.copies.filter((c) => c.host !== host || c.disk !== disk);
    if (kept.length === row.copies.length) continue;
    lost++;
    setRow(tx.draft.object.objects, k, { ...row, copies: kept });
    markOutOfPlace(tx, k);
  }
  deleteRow(tx.draft.object.usage, key);
  wakeReplicator(tx);
  return lost;
}

/** A failed disk is replaced by an empty one: it answers again and the replicator refills it. */
export function replaceDisk(tx: Tx, host: string, disk: string): boolean {
  const removed = deleteRow(tx.draft.object.failed, diskKey(host, disk));
  if (removed) wakeReplicator(tx);
  return removed;
}

/** Seconds from something left out of place to the replicator's pass (object-replicator's `interval`, 30). */
export const REPLICATOR_INTERVAL = 30;

/** The task kind of a scheduled replication pass. */
export const REPLICATE_TASK = 'object.replicate';

function markOutOfPlace(tx: Tx, key: string): void {
  if (getRow((tx.draft as S).object.out_of_place, key) === undefined) setRow(tx.draft.object.out_of_place, key, { key, since: tx.now() });
}

/** Whether a pass has anything to look at. */
function hasWork(s: S): boolean {
  return s.object.replication_scan || s.object.out_of_place.size > 0;
}

function schedulePass(tx: Tx): void {
  if ((tx.draft as S).object.replication_due !== null) return;
  const due = tx.now() + REPLICATOR_INTERVAL;
  tx.draft.object.replication_due = due;
  tx.scheduleAt(REPLICATE_TASK, {}, due);
}

/** How many object rows a call may have written for {@link requestReplication} to find them by diffing; beyond, the next pass walks every object. */
const WRITTEN_LIMIT = 64;

/**
 * The keys of the object rows this call wrote so far (the draft's table against the one the call
 * started from: O(writes × log n)), or null when there are more than {@link WRITTEN_LIMIT}.
 */
function writtenKeys(tx: Tx): string[] | null {
  const draft = tx.draft.object.objects;
  if (!isDraft(draft)) return null;
  return tableChanges(original(draft) as Table<ObjectRow>, plain(draft), WRITTEN_LIMIT);
}

/**
 * Something left copies out of place: the object at `key` (`<account>/<container>/<object>`),
 * or, without a key, what this call wrote (found by diffing the objects table against the one
 * the call started from; a call that wrote more than {@link WRITTEN_LIMIT} objects, a large
 * batch, makes the next pass walk every object instead). Schedules a pass
 * {@link REPLICATOR_INTERVAL} seconds from now unless one is due.
 */
export function requestReplication(tx: Tx, key?: string): void {
  const s = tx.draft as S;
  if (key !== undefined) markOutOfPlace(tx, key);
  else if (!s.object.replication_scan) {
    const written = writtenKeys(tx);
    if (written === null) tx.draft.object.replication_scan = true;
    // rows written in place are recorded too: the pass drops them at once
    else for (const k of written) if (getRow(s.object.objects, k) !== undefined) markOutOfPlace(tx, k);
  }
  schedulePass(tx);
}

/**
 * A rebalance moved partitions: every object's primaries may have changed, so the next pass
 * walks every object. A rebalance that moved nothing schedules nothing.
 */
export function ringsChanged(tx: Tx, partsMoved: number): void {
  if (partsMoved === 0) return;
  if (!(tx.draft as S).object.replication_scan) tx.draft.object.replication_scan = true;
  schedulePass(tx);
}

/**
 * Something that answered nothing answers again (a host back up, a disk replaced): schedules a
 * pass if anything is out of place (a pass could now copy or revert); otherwise nothing.
 */
export function wakeReplicator(tx: Tx): void {
  if (hasWork(tx.draft as S)) schedulePass(tx);
}

/** The scheduled pass: walks what is out of place (every object after a rebalance); schedules nothing. */
export function scheduledReplication(tx: Tx): void {
  tx.draft.object.replication_due = null;
  replicate(tx, (tx.draft as S).object.replication_scan ? 'all' : 'out_of_place');
}

/** What one replication pass did. */
export interface ReplicationReport {
  /** Objects the pass looked at: every object (a pass by hand, or after a rebalance), else those out of place. */
  readonly examined: number;
  /** Copies made: on primaries that lacked one, and on handoffs standing in for unmounted (failed) primary disks. */
  readonly copied: number;
  /** Copies removed from handoffs (or from devices the ring no longer has) once the primaries hold the object. */
  readonly reverted: number;
  /** Objects examined still short of a primary copy (a primary does not answer, or no copy answers). */
  readonly degraded: number;
  /** Objects examined with no copy left anywhere. */
  readonly lost: number;
  /** Copies left off their primaries because their disk does not answer (removed once it does). */
  readonly misplaced: number;
}

/** What the replicators of an object's devices make of its copies in one pass. */
interface ObjectPass {
  readonly copies: readonly ObjectCopy[];
  readonly added: readonly ObjectCopy[];
  readonly dropped: readonly ObjectCopy[];
  readonly complete: boolean;
  /** Copies off the primaries whose disk does not answer (they stay). */
  readonly stranded: number;
  /** Exactly one copy on each primary and nowhere else. */
  readonly inPlace: boolean;
}

const copyOf = (n: RingDeviceView): ObjectCopy => ({ device: n.id, host: n.ip, disk: n.device });

/**
 * One object under the replicators (swift/obj/replicator.py), in one step:
 *
 * - every primary that answers and lacks a copy gets one from a copy that answers (`update` on
 *   the primaries, `update_deleted` on handoffs, both push to the primaries);
 * - a primary holding the object runs `update`: a primary that answers 507 (its host is up, the
 *   disk failed: unmounted) makes it try one more node from `get_more_nodes` — the handoffs in
 *   order — so a handoff stands in for the failed disk; a 507 from a handoff moves on to the next,
 *   a node that does not answer at all (host down) spends the attempt. An unreachable primary
 *   gets no stand-in (Swift cannot tell a reboot from a loss);
 * - once every primary answers and holds the object, copies elsewhere are removed — each by its
 *   own replicator, so only where the disk answers (`update_deleted` deletes a handoff only when
 *   the sync to every primary succeeded).
 *
 * Not simulated: `handoff_delete`, `handoffs_first`, `sync_method` and regions synced once per pass.
 */
function passObject(s: S, ring: RingData, row: ObjectRow, answer: (host: string, disk: string) => DiskAnswer, memo: Memo): ObjectPass {
  const ok = (host: string, disk: string) => answer(host, disk) === 'ok';
  const { partition, nodes: primaries } = getNodes(ring, row.account, row.container, row.name, hashOptions(s));
  const copies: ObjectCopy[] = [...row.copies];
  const holds = (n: RingDeviceView) => copies.some((c) => c.host === n.ip && c.disk === n.device);
  const added: ObjectCopy[] = [];
  const add = (n: RingDeviceView) => {
    const c = copyOf(n);
    copies.push(c);
    added.push(c);
  };
  if (copies.some((c) => ok(c.host, c.disk))) {
    for (const n of primaries) if (!holds(n) && ok(n.ip, n.device)) add(n);
    // the primaries' `update`: one more node from the handoffs for each 507
    let wanted = primaries.filter((n) => answer(n.ip, n.device) === 'unmounted').length;
    if (wanted > 0 && primaries.some((n) => holds(n) && ok(n.ip, n.device))) {
      for (const h of getMoreNodes(ring, partition, memo)) {
        if (wanted === 0) break;
        const a = answer(h.ip, h.device);
        if (a === 'unmounted') continue;
        wanted--;
        if (a === 'ok' && !holds(h)) add(h);
      }
    }
  }
  const onPrimary = (c: ObjectCopy) => primaries.some((n) => n.ip === c.host && n.device === c.disk);
  const complete = primaries.every((n) => ok(n.ip, n.device) && holds(n));
  let dropped: ObjectCopy[] = [];
  let stranded = 0;
  let kept: readonly ObjectCopy[] = copies;
  if (complete) {
    const elsewhere = copies.filter((c) => !onPrimary(c));
    dropped = elsewhere.filter((c) => ok(c.host, c.disk));
    stranded = elsewhere.length - dropped.length;
    kept = copies.filter((c) => !dropped.includes(c));
  }
  const inPlace = kept.length === primaries.length && primaries.every((n) => kept.some((c) => c.host === n.ip && c.disk === n.device));
  return { copies: kept, added, dropped, complete, stranded, inPlace };
}

/**
 * One pass of the object-replicator: over every object (`all`: a pass by hand — what
 * `swift-object-replicator --once` does — or the first pass after a rebalance), or over the
 * objects recorded out of place (`out_of_place`: a scheduled pass; an object in place has
 * nothing a pass could change). See {@link passObject} for what happens to each; `out_of_place`
 * is brought up to date with what the pass leaves. Never schedules another pass.
 */
export function replicate(tx: Tx, scope: 'all' | 'out_of_place' = 'all'): ReplicationReport {
  const s = tx.draft as S;
  let examined = 0;
  let copied = 0;
  let reverted = 0;
  let degraded = 0;
  let lost = 0;
  let misplaced = 0;
  const now = tx.now();
  const outOfPlace = tx.draft.object.out_of_place;
  // hosts and failed disks do not change during a pass: each disk's answer is looked up once
  const answers = new Map<string, DiskAnswer>();
  const answer = (host: string, disk: string): DiskAnswer => {
    const k = diskKey(host, disk);
    let a = answers.get(k);
    if (a === undefined) answers.set(k, (a = diskAnswer(s, host, disk)));
    return a;
  };
  const look = (key: string, row: ObjectRow | undefined): void => {
    if (row === undefined) {
      deleteRow(outOfPlace, key);
      return;
    }
    examined++;
    if (row.copies.length === 0) {
      lost++;
      degraded++;
      if (getRow(outOfPlace, key) === undefined) setRow(outOfPlace, key, { key, since: now });
      return;
    }
    const container = findContainer(s, row.account, row.container);
    const ring = container ? ringOf(s, objectRing(container.storage_policy_index), tx.memo) : null;
    if (ring === null) return;
    const p = passObject(s, ring, row, answer, tx.memo);
    if (!p.complete) degraded++;
    misplaced += p.stranded;
    if (p.inPlace) deleteRow(outOfPlace, key);
    else if (getRow(outOfPlace, key) === undefined) setRow(outOfPlace, key, { key, since: now });
    if (p.added.length === 0 && p.dropped.length === 0) return;
    copied += p.added.length;
    reverted += p.dropped.length;
    setRow(tx.draft.object.objects, key, { ...row, copies: p.copies });
    addUsage(tx, p.added, row.bytes, 1);
    addUsage(tx, p.dropped, row.bytes, -1);
  };
  if (scope === 'all') {
    // keys of objects that are gone leave the table; every object is looked at
    for (const [key] of tablePrefix(plain(outOfPlace), '')) if (getRow(s.object.objects, key) === undefined) deleteRow(outOfPlace, key);
    for (const [key, row] of tablePrefix(plain(s.object.objects), '')) look(key, row);
    if (s.object.replication_scan) tx.draft.object.replication_scan = false;
  } else {
    for (const [key] of tablePrefix(plain(outOfPlace), '')) look(key, getRow(s.object.objects, key));
  }
  tx.trace('swift-object-replicator', `pass over ${scope === 'all' ? 'every object' : 'the objects out of place'}: copied ${copied}, reverted ${reverted}, degraded ${degraded}, lost ${lost}`, { examined, copied, reverted, degraded, lost, misplaced });
  return Object.freeze({ examined, copied, reverted, degraded, lost, misplaced });
}
