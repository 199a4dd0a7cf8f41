/**
 * The neutrondb IPAM driver's state (`neutron/ipam/drivers/neutrondb_ipam/driver.py`): which
 * addresses of a subnet are handed out (`ip_allocations`, `${subnet}/${ip}` → port) and which
 * of its pools are still free (`ip_free`, per pool a sorted list of free ranges). An allocation
 * takes from the free ranges, never scans the used addresses: `AnyAddressRequest` picks at
 * random (seeded) among the first min(free, 1000) free addresses of the first pool with room
 * (`_generate_ips`, `MAX_WIN`), `PreferNextAddressRequest` (DHCP ports) the first free one, a
 * `SpecificAddressRequest` takes its address when it is inside the subnet and not allocated
 * (`_verify_ip`; an address outside the pools is allowed, as Neutron allows it).
 */
import { deleteRow, getRow, setRow, tablePrefix, type CloudState, type Tx } from '../core/index.js';
import { formatAddress, netaddrAddress, type AllocationPool, type IpVersion } from './ipam/addresses.js';
import { ALLOCATION_WINDOW } from './ipam/allocation.js';
import type { FreeRange, SubnetRow } from './types.js';

type Range = { first: bigint; last: bigint };

const value = (text: string): bigint => netaddrAddress(text)!.value;

/** Most addresses a range's `count` says (a v6 /64 holds more than a JavaScript number counts exactly). */
const COUNT_CAP = Number.MAX_SAFE_INTEGER;
const countOf = (first: bigint, last: bigint): number => {
  const n = last - first + 1n;
  return n > BigInt(COUNT_CAP) ? COUNT_CAP : Number(n);
};

function toRanges(pool: readonly AllocationPool[]): Range[] {
  return pool.map((p) => ({ first: value(p.start), last: value(p.end) }));
}

function freeRange(first: bigint, last: bigint, version: IpVersion): FreeRange {
  return Object.freeze({ start: formatAddress(first, version), end: formatAddress(last, version), count: countOf(first, last) });
}

/**
 * Stores a subnet's free ranges. The new lists and ranges are frozen here (the untouched ones
 * are frozen already), so `setRow`'s deep freeze stops at the top instead of walking every
 * range of a fragmented pool on each allocation.
 */
function storeFree(tx: Tx, subnetId: string, pools: (readonly FreeRange[])[]): void {
  setRow(tx.draft.network.ip_free, subnetId, Object.freeze(pools) as (readonly FreeRange[])[]);
}

/** The free ranges of each pool of a subnet. */
export function freeOf(s: CloudState, subnetId: string): readonly (readonly FreeRange[])[] {
  return getRow(s.network.ip_free, subnetId) ?? [];
}

/** Whether `ip` is handed out on the subnet, and to which port. */
export function allocationOf(s: CloudState, subnetId: string, ip: string): string | undefined {
  return getRow(s.network.ip_allocations, `${subnetId}/${ip}`);
}

/** The addresses handed out on a subnet with their ports (O(log n + k)). */
export function allocationsOf(s: CloudState, subnetId: string): [string, string][] {
  const prefix = `${subnetId}/`;
  const out: [string, string][] = [];
  for (const [key, port] of tablePrefix(s.network.ip_allocations, prefix)) out.push([key.slice(prefix.length), port]);
  return out;
}

/**
 * Rebuilds a subnet's free ranges from its pools minus its allocations (a new subnet, or pools
 * that changed on update).
 */
export function resetFree(tx: Tx, subnet: SubnetRow): void {
  const used = allocationsOf(tx.draft as CloudState, subnet.id).map(([ip]) => value(ip)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const perPool = toRanges(subnet.allocation_pools).map((pool) => {
    const out: FreeRange[] = [];
    let next = pool.first;
    for (const u of used) {
      if (u < next || u > pool.last) continue;
      if (u > next) out.push(freeRange(next, u - 1n, subnet.ip_version));
      next = u + 1n;
    }
    if (next <= pool.last) out.push(freeRange(next, pool.last, subnet.ip_version));
    return Object.freeze(out);
  });
  storeFree(tx, subnet.id, perPool);
}

/** Forgets a subnet's IPAM state (its allocations must be gone). */
export function dropSubnetIpam(tx: Tx, subnetId: string): void {
  deleteRow(tx.draft.network.ip_free, subnetId);
}

/**
 * The `count`s of a pool's free ranges, one array of numbers per (frozen, never changed) list.
 * An allocation walks the counts of the window's ranges (~250 of ~500 in the boot bench): read
 * from one contiguous array instead of from as many range objects spread over the heap, the
 * walk costs a fraction (measured: allocateAny 3.5-4.1 % of a boot's profile before, 2.9-3.0 %
 * after). {@link take} derives the new list's counts from the old list's (a copy with one entry
 * replaced), so only a list not seen before (a new subnet, a released address, a state read
 * back) is counted from its objects. Keyed weakly by the list: it lives as long as a state holds it.
 */
const COUNTS = new WeakMap<readonly FreeRange[], number[]>();

function countsOf(ranges: readonly FreeRange[]): number[] {
  let counts = COUNTS.get(ranges);
  if (counts === undefined) {
    counts = ranges.map((r) => r.count);
    COUNTS.set(ranges, counts);
  }
  return counts;
}

function record(tx: Tx, subnetId: string, ip: string, portId: string): void {
  setRow(tx.draft.network.ip_allocations, `${subnetId}/${ip}`, portId);
}

/** The pool's free ranges without address `v`, which lies `offset` addresses into range `k`. */
function take(ranges: readonly FreeRange[], k: number, v: bigint, offset: number, version: IpVersion): FreeRange[] {
  const r = ranges[k]!;
  const mid: FreeRange[] = [];
  if (offset > 0) mid.push(Object.freeze({ start: r.start, end: formatAddress(v - 1n, version), count: offset }));
  if (r.count === COUNT_CAP || offset < r.count - 1) {
    const tail = r.count === COUNT_CAP ? countOf(v + 1n, value(r.end)) : r.count - offset - 1;
    if (tail > 0) mid.push(Object.freeze({ start: formatAddress(v + 1n, version), end: r.end, count: tail }));
  }
  // a pool fragments over its first ALLOCATION_WINDOW free addresses (~500 ranges in the boot
  // bench): one spread copy (V8's fast path for a frozen array) and an in-place splice cost ~1 µs
  // there, where slice + splice + concat of the frozen list cost ~24 µs
  const out = [...ranges];
  out.splice(k, 1, ...mid);
  Object.freeze(out);
  const counts = COUNTS.get(ranges);
  if (counts !== undefined) {
    const next = [...counts];
    if (mid.length === 0) next.splice(k, 1);
    else if (mid.length === 1) next.splice(k, 1, mid[0]!.count);
    else next.splice(k, 1, mid[0]!.count, mid[1]!.count);
    COUNTS.set(out, next);
  }
  return out;
}

/**
 * An address for a port from the subnet's pools, or undefined when they are full. `preferNext`
 * takes the first free address (DHCP ports); otherwise `choose(window)` picks among the first
 * free ones, as the neutrondb driver does. Only the chosen range's bounds are parsed: the window
 * is walked by the ranges' counts.
 */
export function allocateAny(tx: Tx, subnet: SubnetRow, portId: string, preferNext: boolean, choose: (n: number) => number): string | undefined {
  const pools = freeOf(tx.draft as CloudState, subnet.id);
  for (let p = 0; p < pools.length; p++) {
    const ranges = pools[p]!;
    if (ranges.length === 0) continue;
    const counts = countsOf(ranges);
    // the window is min(free, ALLOCATION_WINDOW): a range that alone fills it (the pool's
    // untouched tail, usually the last one) answers without walking the fragmented ones before it
    let window = counts[counts.length - 1]! >= ALLOCATION_WINDOW ? ALLOCATION_WINDOW : 0;
    if (window === 0) {
      for (let k = 0; k < counts.length; k++) {
        window += counts[k]!;
        if (window >= ALLOCATION_WINDOW) break;
      }
    }
    let left = preferNext ? 0 : choose(Math.min(window, ALLOCATION_WINDOW));
    for (let k = 0; k < counts.length; k++) {
      const count = counts[k]!;
      if (left < count) {
        const r = ranges[k]!;
        const v = value(r.start) + BigInt(left);
        const ip = formatAddress(v, subnet.ip_version);
        const next = pools.slice() as (readonly FreeRange[])[];
        next[p] = take(ranges, k, v, left, subnet.ip_version);
        storeFree(tx, subnet.id, next);
        record(tx, subnet.id, ip, portId);
        return ip;
      }
      left -= count;
    }
  }
  return undefined;
}

/**
 * Takes a specific address for a port. The caller checked that it lies in the subnet and is not
 * allocated; an address outside the pools is recorded without touching the free ranges.
 */
export function allocateSpecific(tx: Tx, subnet: SubnetRow, ip: string, portId: string): void {
  const v = value(ip);
  const pools = freeOf(tx.draft as CloudState, subnet.id);
  for (let p = 0; p < pools.length; p++) {
    const ranges = pools[p]!;
    const k = findRange(ranges, v);
    if (k < 0) continue;
    const offset = v - value(ranges[k]!.start);
    const next = pools.slice() as (readonly FreeRange[])[];
    next[p] = take(ranges, k, v, offset > BigInt(COUNT_CAP) ? COUNT_CAP : Number(offset), subnet.ip_version);
    storeFree(tx, subnet.id, next);
    break;
  }
  record(tx, subnet.id, ip, portId);
}

/** Index of the free range holding `v` (binary search, parsing O(log n) bounds), or -1. */
function findRange(ranges: readonly FreeRange[], v: bigint): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (v < value(r.start)) hi = mid - 1;
    else if (v > value(r.end)) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Index of the first range starting above `v` (binary search). */
function firstAbove(ranges: readonly FreeRange[], v: bigint): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value(ranges[mid]!.start) > v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Gives an address back: it leaves the allocations and, when inside a pool, rejoins its free ranges. */
export function releaseAddress(tx: Tx, subnet: SubnetRow, ip: string): void {
  deleteRow(tx.draft.network.ip_allocations, `${subnet.id}/${ip}`);
  const v = value(ip);
  const poolIndex = toRanges(subnet.allocation_pools).findIndex((r) => r.first <= v && v <= r.last);
  if (poolIndex < 0) return;
  const pools = freeOf(tx.draft as CloudState, subnet.id);
  const ranges = pools[poolIndex] ?? [];
  const at = firstAbove(ranges, v);
  const before = ranges[at - 1];
  const after = ranges[at];
  const beforeEnd = before === undefined ? undefined : value(before.end);
  if (beforeEnd !== undefined && beforeEnd >= v) return; // already free
  const joinBefore = beforeEnd !== undefined && beforeEnd + 1n === v;
  const joinAfter = after !== undefined && value(after.start) - 1n === v;
  const first = joinBefore ? value(before!.start) : v;
  const last = joinAfter ? value(after!.end) : v;
  const merged = freeRange(first, last, subnet.ip_version);
  const out = ranges.slice(0, joinBefore ? at - 1 : at) as FreeRange[];
  out.push(merged);
  for (let i = joinAfter ? at + 1 : at; i < ranges.length; i++) out.push(ranges[i]!);
  const next = pools.slice() as (readonly FreeRange[])[];
  next[poolIndex] = Object.freeze(out);
  storeFree(tx, subnet.id, next);
}
