/**
 * EUI-64 (SLAAC) addresses and the free-address helpers the allocator builds on: free ranges of
 * allocation pools, the first free address (a DHCP port), Neutron's random pick in a window of free
 * addresses with a seeded chooser. Part of the IPAM core (see `subnets.ts`).
 */
import { CloudError, InvalidInput, describeValue } from '../../core/index.js';
import { type AllocationPool, type IpRangeValue, type IpVersion, V6_MAX, addressArg, cmpKey, formatAddress, inetAton, inetPton4, inferVersion, netaddrNetwork, networkOf, pyRepr, textArg } from './addresses.js';
import { InvalidAllocationPool, IpamInputUnsupported } from './errors.js';
import { isDict, own, toPool } from './subnets.js';

// ------------------------------------------------------------------------------- EUI-64

const MAC_FORMATS: readonly RegExp[] = [
  /^([0-9A-F]{1,2}):([0-9A-F]{1,2}):([0-9A-F]{1,2}):([0-9A-F]{1,2}):([0-9A-F]{1,2}):([0-9A-F]{1,2})\n?$/i,
  /^([0-9A-F]{1,2})-([0-9A-F]{1,2})-([0-9A-F]{1,2})-([0-9A-F]{1,2})-([0-9A-F]{1,2})-([0-9A-F]{1,2})\n?$/i,
  /^([0-9A-F]{1,4}):([0-9A-F]{1,4}):([0-9A-F]{1,4})\n?$/i,
  /^([0-9A-F]{1,4})-([0-9A-F]{1,4})-([0-9A-F]{1,4})\n?$/i,
  /^([0-9A-F]{1,4})\.([0-9A-F]{1,4})\.([0-9A-F]{1,4})\n?$/i,
  /^([0-9A-F]{5,6})-([0-9A-F]{5,6})\n?$/i,
  /^([0-9A-F]{5,6}):([0-9A-F]{5,6})\n?$/i,
  /^([0-9A-F]{12})\n?$/i,
  /^([0-9A-F]{11})\n?$/i,
];

/** netaddr 0.8 EUI-48 parsing (every format it reads, Python's `$` taking a final newline). */
function parseMac(mac: string): bigint | undefined {
  for (const re of MAC_FORMATS) {
    const m = re.exec(mac);
    if (m === null) continue;
    const words = m.slice(1);
    const bits = words.length === 6 ? 8n : words.length === 3 ? 16n : words.length === 2 ? 24n : 48n;
    return words.reduce((acc, w) => (acc << bits) | BigInt(`0x${w}`), 0n);
  }
  return undefined;
}

/**
 * The SLAAC address of a MAC on a prefix, as Neutron asks oslo.utils
 * (`netutils.get_ipv6_addr_by_EUI64`, via `AutomaticAddressRequest`): the MAC as EUI-64
 * (ff:fe in the middle) with the universal/local bit flipped, added to the prefix's first
 * address — `(first + eui64) ^ (1 << 57)`, as oslo computes it, so a prefix longer than /64
 * with host bits carries into the prefix. MACs in every netaddr EUI-48 notation are read.
 *
 * Errors (`network.ip.eui64_failed`, 400; `ValueError` in oslo): an IPv4 prefix ("Unable to
 * generate IP address by EUI64 for IPv4 prefix"), a bad prefix or MAC ("Bad prefix or mac
 * format for generating IPv6 address by EUI-64: <prefix>, <mac>:"). Not simulated: EUI-64
 * (8-byte) identifiers in place of a MAC (netaddr reads them; ports never carry one).
 */
export function eui64Address(prefix: unknown, mac: unknown): string {
  const p = textArg(prefix, 'prefix', 'network.ip.eui64_failed');
  const m = textArg(mac, 'mac_address', 'network.ip.eui64_failed');
  const fail = (shown: string): never => {
    throw new IpamInputUnsupported('network.ip.eui64_failed', `Bad prefix or mac format for generating IPv6 address by EUI-64: ${shown}, ${m}:`, 'ValueError', 'mac_address');
  };
  if (p !== '' && (inetPton4(p) !== undefined || inetAton(p) !== undefined)) {
    throw new IpamInputUnsupported('network.ip.eui64_failed', 'Unable to generate IP address by EUI64 for IPv4 prefix', 'ValueError', 'prefix');
  }
  const eui48 = parseMac(m);
  if (eui48 === undefined) return fail(p);
  const eui64 = ((eui48 >> 24n) << 40n) | 0xfffe000000n | (eui48 & 0xffffffn);
  const n = netaddrNetwork(p);
  if (!n.ok) return fail(p);
  const value = (networkOf(n.version, n.value, n.prefixlen).first + eui64) ^ (1n << 57n);
  if (value > V6_MAX) return fail(`${formatAddress(n.value, n.version)}/${n.prefixlen}`);
  return formatAddress(value, inferVersion(value));
}

// ------------------------------------------------------------------ ordering and freedom

/**
 * An address's integer value and version (netaddr `IPAddress(text)`), for ordering and
 * arithmetic. Errors: a 400 naming `field` for text that is no address.
 */
export function addressValue(text: unknown, field = 'ip_address'): { readonly version: IpVersion; readonly value: bigint } {
  return Object.freeze(addressArg(text, field));
}

/** Orders two addresses as netaddr does: every v4 before every v6, then by value. Usable as a sort comparator. */
export function compareAddresses(a: unknown, b: unknown): number {
  const x = addressArg(a, 'a');
  const y = addressArg(b, 'b');
  return cmpKey(x.version, x.value, y.version, y.value);
}

/** The number of addresses in pools (BigInt: a v6 pool may hold 2^64 and more). */
export function poolSize(pools: readonly AllocationPool[]): bigint {
  return poolRanges(pools).reduce((acc, r) => acc + (r.last - r.first + 1n), 0n);
}

function poolRanges(pools: unknown): IpRangeValue[] {
  if (!Array.isArray(pools)) throw new InvalidInput('allocation_pools', `expected an array, got ${describeValue(pools)}.`, 'network.subnet.invalid_allocation_pools');
  return pools.map((p: unknown, i) => {
    if (!isDict(p)) throw new InvalidInput(`allocation_pools[${i}]`, `expected an object, got ${describeValue(p)}.`, 'network.subnet.invalid_allocation_pools');
    const s = addressArg(own(p, 'start'), `allocation_pools[${i}].start`);
    const e = addressArg(own(p, 'end'), `allocation_pools[${i}].end`);
    if (s.version !== e.version || s.value > e.value) throw new InvalidAllocationPool(pyRepr(p));
    return { version: s.version, first: s.value, last: e.value };
  });
}

function usedValues(used: unknown): Map<IpVersion, bigint[]> {
  if (used === null || typeof used !== 'object' || !(Symbol.iterator in used)) throw new InvalidInput('used', `expected an iterable of addresses, got ${describeValue(used)}.`, 'network.ip.invalid_address');
  const out = new Map<IpVersion, bigint[]>([[4, []], [6, []]]);
  let i = 0;
  for (const u of used as Iterable<unknown>) {
    const a = addressArg(u, `used[${i++}]`);
    out.get(a.version)!.push(a.value);
  }
  for (const list of out.values()) list.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return out;
}

/** The free ranges of one pool given the sorted used values of its version. */
function freeInPool(pool: IpRangeValue, sortedUsed: readonly bigint[]): IpRangeValue[] {
  let lo = 0;
  let hi = sortedUsed.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedUsed[mid]! < pool.first) lo = mid + 1;
    else hi = mid;
  }
  const out: IpRangeValue[] = [];
  let next = pool.first;
  for (let k = lo; k < sortedUsed.length && sortedUsed[k]! <= pool.last; k++) {
    const u = sortedUsed[k]!;
    if (u > next) out.push({ version: pool.version, first: next, last: u - 1n });
    if (u >= next) next = u + 1n;
  }
  if (next <= pool.last) out.push({ version: pool.version, first: next, last: pool.last });
  return out;
}

/**
 * The free addresses of each pool, as ranges: the pools (in their order) minus the used
 * addresses — what the neutrondb IPAM driver computes per pool (`IPSet(pool) - allocations`)
 * before it chooses. Returned per pool, so the caller keeps Neutron's pool-by-pool choice.
 */
export function freeRanges(pools: readonly AllocationPool[], used: Iterable<string>): readonly (readonly AllocationPool[])[] {
  const byVersion = usedValues(used);
  return Object.freeze(poolRanges(pools).map((p) => Object.freeze(freeInPool(p, byVersion.get(p.version)!).map(toPool))));
}

/**
 * The first free address of the pools in order (the neutrondb driver's `PreferNextAddressRequest`,
 * used for DHCP ports), or undefined when every pool is full.
 */
export function firstFreeAddress(pools: readonly AllocationPool[], used: Iterable<string>): string | undefined {
  const byVersion = usedValues(used);
  for (const p of poolRanges(pools)) {
    const free = freeInPool(p, byVersion.get(p.version)!);
    if (free.length > 0) return formatAddress(free[0]!.first, p.version);
  }
  return undefined;
}

/** The neutrondb driver's window: a random address among the first `MAX_WIN` free ones of the first pool with room. */
export const ALLOCATION_WINDOW = 1000;

/**
 * An address for an `AnyAddressRequest`, as the neutrondb IPAM driver chooses it
 * (`_generate_ips`): the first pool with a free address, a window of its first
 * min(free, {@link ALLOCATION_WINDOW}) free addresses, one picked by `choose(window)` — an
 * integer in [0, window) the caller draws from the cloud's seeded generator, so the choice is
 * deterministic. Undefined when every pool is full (Neutron's `IpAddressGenerationFailure`).
 * Not simulated: bulk requests (several addresses at once).
 */
export function pickFreeAddress(pools: readonly AllocationPool[], used: Iterable<string>, choose: (window: number) => number): string | undefined {
  if (typeof choose !== 'function') throw new InvalidInput('choose', `expected a function, got ${describeValue(choose)}.`, 'network.ip.invalid_choice');
  const byVersion = usedValues(used);
  for (const p of poolRanges(pools)) {
    const free = freeInPool(p, byVersion.get(p.version)!);
    if (free.length === 0) continue;
    let size = 0n;
    for (const r of free) {
      size += r.last - r.first + 1n;
      if (size >= BigInt(ALLOCATION_WINDOW)) break;
    }
    const window = Number(size < BigInt(ALLOCATION_WINDOW) ? size : BigInt(ALLOCATION_WINDOW));
    const k = choose(window);
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= window) throw new InvalidInput('choose', `must return an integer in [0, ${window}), got ${describeValue(k)}.`, 'network.ip.invalid_choice');
    let left = BigInt(k);
    for (const r of free) {
      const n = r.last - r.first + 1n;
      if (left < n) return formatAddress(r.first + left, p.version);
      left -= n;
    }
  }
  return undefined;
}

/** Whether a value is one of the errors this module throws (any {@link CloudError} with a `network.` code). */
export function isIpamError(e: unknown): e is CloudError {
  return e instanceof CloudError && e.code.startsWith('network.');
}
