/**
 * The ring as a proxy server reads it (Swift Zed `swift/common/ring/ring.py` and
 * `swift/common/utils.py` `hash_path`): which partition a path hashes to, its primary nodes and
 * its handoffs.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidInput, Memo, check, describeValue, memoSlot } from '../../core/index.js';
import { checkBuilder } from './validate.js';
import type { HandoffNode, HashPathOptions, RingBuilderData, RingData, RingDeviceView, RingNode } from './types.js';

/**
 * The ring data of a builder: `swift-ring-builder object.builder write_ring`
 * (`RingBuilder.get_ring`): the assignments, the devices without the builder's `parts` /
 * `parts_wanted`, `part_shift` and `version`. Shares the builder's (frozen) assignment arrays.
 * A never-rebalanced builder gives a ring with no assignments, as Swift's does.
 *
 * Not simulated: the gzip file format (`RingData.save`) and `next_part_power`.
 */
export function getRing(builder: RingBuilderData): RingData {
  const b = checkBuilder(builder);
  const devs = b.devs.map((d) => {
    if (d === null) return null;
    const { parts: _p, parts_wanted: _w, ...view } = d;
    return Object.freeze(view);
  });
  return Object.freeze({
    part_power: b.part_power,
    part_shift: 32 - b.part_power,
    replica2part2dev_id: b.replica2part2dev ?? Object.freeze([]),
    devs: Object.freeze(devs),
    version: b.version,
  });
}

function checkHashOptions(value: unknown): { prefix: string; suffix: string } {
  const o = check.record(value, 'options');
  check.onlyKeys(o, ['hash_path_prefix', 'hash_path_suffix'], 'options');
  return {
    prefix: o.hash_path_prefix === undefined ? '' : check.text(o.hash_path_prefix, 'options.hash_path_prefix', 4096),
    suffix: o.hash_path_suffix === undefined ? '' : check.text(o.hash_path_suffix, 'options.hash_path_suffix', 4096),
  };
}

function pathBytes(account: unknown, container: unknown, object: unknown, options: unknown): Uint8Array {
  const a = check.text(account, 'account', 1 << 20);
  const c = container === undefined || container === null ? '' : check.text(container, 'container', 1 << 20);
  const o = object === undefined || object === null ? '' : check.text(object, 'object', 1 << 20);
  if (o !== '' && c === '') throw new InvalidInput('container', 'container is required if object is provided.');
  const { prefix, suffix } = checkHashOptions(options);
  const parts = [a];
  if (c !== '') parts.push(c);
  if (o !== '') parts.push(o);
  return utf8ToBytes(`${prefix}/${parts.join('/')}${suffix}`);
}

/**
 * Swift's canonical hash of `/account[/container[/object]]`: the hex MD5 of
 * `hash_path_prefix + '/a/c/o' + hash_path_suffix` (`swift.common.utils.hash_path`). Empty
 * container / object names count as absent, as in Swift.
 */
export function hashPath(account: string, container?: string, object?: string, options: HashPathOptions = {}): string {
  return bytesToHex(md5(pathBytes(account, container, object, options)));
}

function partitionOf(digest: Uint8Array, partShift: number): number {
  const top = (((digest[0] as number) << 24) | ((digest[1] as number) << 16) | ((digest[2] as number) << 8) | (digest[3] as number)) >>> 0;
  // JavaScript shifts count modulo 32: a shift of 32 (part_power 0) must give partition 0
  return partShift >= 32 ? 0 : top >>> partShift;
}

function checkRing(value: unknown): RingData {
  const r = check.record(value, 'ring');
  const shift = check.integer(r.part_shift, 'ring.part_shift', 0, 32);
  if (!Array.isArray(r.replica2part2dev_id)) throw new InvalidInput('ring.replica2part2dev_id', `expected an array of per-replica assignments, got ${describeValue(r.replica2part2dev_id)}.`);
  if (!Array.isArray(r.devs)) throw new InvalidInput('ring.devs', `expected an array of devices, got ${describeValue(r.devs)}.`);
  const parts = 2 ** (32 - shift);
  for (const [i, row] of (r.replica2part2dev_id as unknown[]).entries()) {
    if (!Array.isArray(row) || row.length !== parts) throw new InvalidInput(`ring.replica2part2dev_id[${i}]`, `expected ${parts} device ids (2 ** (32 - part_shift)).`);
  }
  return r as unknown as RingData;
}

/** The partition of a path (`Ring.get_part`): the top `part_power` bits of its hash, big-endian. */
export function getPartition(ring: RingData, account: string, container?: string, object?: string, options: HashPathOptions = {}): number {
  const r = checkRing(ring);
  return partitionOf(md5(pathBytes(account, container, object, options)), r.part_shift);
}

function checkPartition(r: RingData, partition: unknown): number {
  return check.integer(partition, 'partition', 0, 2 ** (32 - r.part_shift) - 1);
}

function deviceOf(r: RingData, id: number): RingDeviceView {
  const d = r.devs[id];
  if (d === undefined || d === null) throw new InvalidInput('ring.devs', `the ring assigns device ${id}, which is not in its devs.`);
  return d;
}

function partNodes(r: RingData, part: number): RingNode[] {
  const nodes: RingNode[] = [];
  const seen = new Set<number>();
  for (const row of r.replica2part2dev_id) {
    if (part >= row.length) continue;
    const id = row[part] as number;
    if (seen.has(id)) continue;
    seen.add(id);
    nodes.push(Object.freeze({ ...deviceOf(r, id), index: nodes.length }));
  }
  return nodes;
}

/**
 * The nodes of a partition (`Ring.get_part_nodes`): its replicas' devices in replica order, each
 * once, with `index` (the position in the primary list).
 */
export function getPartNodes(ring: RingData, partition: number): readonly RingNode[] {
  const r = checkRing(ring);
  return Object.freeze(partNodes(r, checkPartition(r, partition)));
}

/**
 * Where a path lives: `swift-get-nodes object.ring.gz AUTH_test c o` (`Ring.get_nodes`): its
 * partition and primary nodes. The salts are swift.conf's `swift_hash_path_prefix` /
 * `swift_hash_path_suffix` (default empty).
 *
 * Not simulated: storage policies' per-policy rings (pass the policy's ring).
 */
export function getNodes(
  ring: RingData,
  account: string,
  container?: string,
  object?: string,
  options: HashPathOptions = {},
): { readonly partition: number; readonly nodes: readonly RingNode[] } {
  const r = checkRing(ring);
  const partition = partitionOf(md5(pathBytes(account, container, object, options)), r.part_shift);
  return Object.freeze({ partition, nodes: Object.freeze(partNodes(r, partition)) });
}

interface Bookkeeping {
  readonly numRegions: number;
  readonly numZones: number;
  readonly numIps: number;
  readonly numAssignedDevs: number;
}

/** A ring's bookkeeping, once per (frozen) ring with a kernel's memo. */
const BOOKKEEPING = memoSlot<RingData, Bookkeeping>('object.ring.bookkeeping');

/**
 * `Ring._update_bookkeeping`: computed by each handoff walk when it first needs a handoff
 * (O(partitions × replicas)), or once per ring with a memo.
 */
function bookkeepingOf(r: RingData): Bookkeeping {
  const withParts = new Set<number>();
  for (const row of r.replica2part2dev_id) for (const id of row) withParts.add(id);
  const regions = new Set<string>();
  const zones = new Set<string>();
  const ips = new Set<string>();
  let numAssignedDevs = 0;
  for (const d of r.devs) {
    if (d === null || !withParts.has(d.id)) continue;
    regions.add(`${d.region}`);
    zones.add(`${d.region}\u0000${d.zone}`);
    ips.add(`${d.region}\u0000${d.zone}\u0000${d.ip}`);
    numAssignedDevs++;
  }
  return { numRegions: regions.size, numZones: zones.size, numIps: ips.size, numAssignedDevs };
}

/**
 * Handoff nodes of a partition, lazily, in Swift's order (`Ring.get_more_nodes`): walking the
 * partitions from a start given by the MD5 of the partition number, first devices in regions
 * the primaries do not use, then in unused zones, then on unused servers (ip), then any unused
 * device; each with its `handoff_index`. Only devices that hold some partition are handed off,
 * each at most once and never a primary. The walk wraps as ring.py's
 * `range(inc - ((parts - start) % inc), start, inc)` does: under 2^17 partitions (inc = 1) it
 * resumes at partition 1, so partition 0 is visited only when the walk starts there, and a
 * device whose only part-replicas are in partition 0 is then never handed off (as in Swift).
 * The arguments are checked at once; the handoffs are computed as they are taken.
 *
 * With a kernel's `memo` (as a proxy keeps it in its loaded ring), the ring's bookkeeping —
 * which devices hold partitions, in how many regions, zones and servers — is computed once per
 * ring instead of at every walk.
 *
 * Not simulated: ring reloading (`reload_time`); storage policies' per-policy rings (pass the
 * policy's ring).
 */
export function getMoreNodes(ring: RingData, partition: number, memo?: Memo): Generator<HandoffNode, void, undefined> {
  const r = checkRing(ring);
  const part = checkPartition(r, partition);
  return handoffs(r, part, memo instanceof Memo ? memo : undefined);
}

function* handoffs(r: RingData, part: number, memo: Memo | undefined): Generator<HandoffNode, void, undefined> {
  if (r.replica2part2dev_id.length === 0) return;
  const book = memo === undefined ? bookkeepingOf(r) : memo.of(BOOKKEEPING, r, bookkeepingOf);
  const primaries = partNodes(r, part);
  const used = new Set(primaries.map((d) => d.id));
  // Swift's passes: devices in unused regions first, then unused zones, then unused servers,
  // then any device; a device handed off counts as used in its own tier and the ones below
  const tierKeys = [
    (d: RingDeviceView) => `${d.region}`,
    (d: RingDeviceView) => `${d.region}\u0000${d.zone}`,
    (d: RingDeviceView) => `${d.region}\u0000${d.zone}\u0000${d.ip}`,
  ];
  const seen = tierKeys.map((key) => new Set(primaries.map(key)));
  const tierTotals = [book.numRegions, book.numZones, book.numIps];
  const parts = (r.replica2part2dev_id[0] as readonly number[]).length;
  const start = partitionOf(md5(utf8ToBytes(String(part))), r.part_shift);
  const inc = Math.trunc(parts / 65536) || 1;
  let index = 0;
  function* handoffParts(): Generator<number> {
    for (let p = start; p < parts; p += inc) yield p;
    for (let p = inc - ((parts - start) % inc); p < start; p += inc) yield p;
  }
  const emit = (d: RingDeviceView): HandoffNode => Object.freeze({ ...d, handoff_index: index++ });

  for (let tier = 0; tier <= tierKeys.length; tier++) {
    const done = (): boolean => (tier < tierKeys.length ? (seen[tier] as Set<string>).size === tierTotals[tier] : used.size === book.numAssignedDevs);
    if (done()) continue;
    passes: for (const p of handoffParts()) {
      for (const row of r.replica2part2dev_id) {
        if (p >= row.length) continue;
        const id = row[p] as number;
        if (used.has(id)) continue;
        const d = deviceOf(r, id);
        if (tier < tierKeys.length && (seen[tier] as Set<string>).has((tierKeys[tier] as (d: RingDeviceView) => string)(d))) continue;
        yield emit(d);
        used.add(id);
        for (let below = tier; below < tierKeys.length; below++) (seen[below] as Set<string>).add((tierKeys[below] as (d: RingDeviceView) => string)(d));
        if (done()) break passes;
      }
    }
  }
}
