/**
 * ML2's type drivers' segment logic as pure functions (this file: provider segments and
 * allocation; `config.ts`: the configuration, its ranges and MTUs) (`neutron/plugins/ml2/drivers/type_*.py`,
 * `helpers.py`, `neutron_lib/plugins/utils.py`): the `ml2_conf.ini` ranges (`network_vlan_ranges`,
 * `vni_ranges`, `tunnel_id_ranges`), the MTU each network type gets, provider-segment
 * validation, and the free-id arithmetic and choice behind tenant segment allocation.
 *
 * No state, no memo: every function takes plain values (the configuration as `ml2_conf.ini`'s
 * sections, {@link Ml2Config}) and returns frozen plain values. Each error is a
 * {@link CloudError} with Neutron's status and message text; `details.neutron` names the
 * Neutron exception class (or the Python exception where Neutron itself fails with a 500, and
 * stacksim answers 400), `details.field` the attribute or option at fault. Configuration errors,
 * which stop neutron-server at startup, are 400s naming the option (`ml2_type_vlan.network_vlan_ranges`).
 *
 * Judged against Neutron Zed (python3-neutron 21.0.0, neutron-lib 3.1.0) by
 * `tests/network/segments.test.ts` on the cases `tests/network/make_segments_golden.py` records.
 */
import { CloudError, InvalidInput, describeValue } from '../../core/index.js';
import { pyStr } from '../ipam/addresses.js';
import { IpamInputUnsupported, NeutronAttributeInvalid, NeutronInvalidInput } from '../ipam/errors.js';
import { isDict, own } from '../ipam/subnets.js';
import { type NetworkType, NoNetworkAvailable, type Options, type PhysnetVlanRanges, SEGMENT_LIMITS, SegmentInUse, type SegmentRange, type TunnelType, checkMl2Config, isTunnel, loadedTypes, options, physnetArg, pyIntText, pyLen, segmentMtuOf, typeArg, typeRanges } from './config.js';

// ------------------------------------------------------------------------ provider segments

/** An ML2 segment (`neutron_lib/plugins/ml2/api.py` keys). */
export interface Segment {
  readonly network_type: NetworkType;
  readonly physical_network: string | null;
  readonly segmentation_id: number | null;
}

/** A segment with the MTU its driver gives it (what `reserve_provider_segment` / `allocate_tenant_segment` return). */
export interface ReservedSegment extends Segment {
  readonly mtu: number | null;
}

const NT = 'provider:network_type';
const PN = 'provider:physical_network';
const SI = 'provider:segmentation_id';

/** neutron-lib `validate_string(data, max_len)`: the reason, or undefined. */
function stringReason(data: unknown, maxLen: number): string | undefined {
  if (typeof data !== 'string') return `'${pyStr(data)}' is not a valid string`;
  if (pyLen(data) > maxLen) return `'${data}' exceeds maximum length of ${maxLen}`;
  return undefined;
}

/** neutron-lib `convert_to_int` (Python `int()`: bools and floats convert, strings as `int(str)`). */
function convertToInt(data: unknown): number {
  const fail = (): never => {
    throw new NeutronInvalidInput('network.segment.invalid_segmentation_id', `'${pyStr(data)}' is not an integer`, SI);
  };
  let v: bigint | undefined;
  if (typeof data === 'boolean') v = data ? 1n : 0n;
  else if (typeof data === 'number') v = Number.isFinite(data) ? BigInt(Math.trunc(data)) : undefined;
  else if (typeof data === 'bigint') v = data;
  else if (typeof data === 'string' && data.length <= 4096) v = pyIntText(data);
  if (v === undefined) return fail();
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
    // Neutron accepts it here and fails in the database (a 500): refused
    throw new IpamInputUnsupported('network.segment.invalid_segmentation_id', `Invalid input for operation: segmentation_id ${v} is out of the database's integer range.`, 'DBDataError', SI);
  }
  return Number(v);
}

export const invalid = (reason: string, field: string): never => {
  throw new NeutronInvalidInput('network.segment.invalid_provider_segment', reason, field);
};

/**
 * The provider attributes of a network create request, as Neutron checks them: the API layer
 * (`provider:network_type` a string of at most 32, `provider:physical_network` of at most 64,
 * `provider:segmentation_id` through `convert_to_int`), then `TypeManager._process_provider_create`
 * and the type driver's `validate_provider_segment`. Returns the segment, or `null` when no
 * provider attribute is given (a tenant network: see {@link allocateTenantSegment}). Not
 * simulated: multi-provider `segments`.
 *
 * Neutron's answers (400 `InvalidInput` unless noted; `details.field` the provider attribute):
 * "network_type required", "network_type value 'x' not supported" (a type not in
 * `ml2.type_drivers`), flat "physical_network required for flat provider network", "Flat
 * provider networks are disabled", "physical_network 'x' unknown for flat provider network",
 * "segmentation_id prohibited for flat provider network"; vlan "physical_network 'x' unknown for
 * VLAN provider network", "segmentation_id out of range (1 through 4094)", "segmentation_id
 * requires physical_network for VLAN provider network"; vxlan / geneve / gre
 * "provider:physical_network specified for vxlan network" (a tunnel's segmentation_id is not
 * range-checked in Zed: any integer passes, as there); local "physical_network prohibited for
 * local provider network"; the API's "Invalid input for provider:physical_network. Reason:
 * 'None' is not a valid string." (`HTTPBadRequest`) and "'abc' is not an integer".
 */
export function validateProviderSegment(body: unknown, config?: unknown): Segment | null {
  if (!isDict(body)) throw new InvalidInput('network', `expected an object, got ${describeValue(body)}.`, 'network.segment.invalid_provider_segment');
  const o = options(config);
  const has = (k: string): boolean => own(body, k) !== undefined;
  // API layer: convert_values over the provider attributes, in their definition order
  for (const [k, max] of [[NT, 32], [PN, 64]] as const) {
    if (!has(k)) continue;
    const reason = stringReason(own(body, k), max);
    if (reason !== undefined) throw new NeutronAttributeInvalid('network.segment.invalid_provider_attribute', k, reason);
  }
  const segId = has(SI) ? convertToInt(own(body, SI)) : null;
  if (!has(NT) && !has(PN) && !has(SI)) return null;
  if (!has(NT)) return invalid('network_type required', NT);
  const type = own(body, NT) as string;
  const physnet = has(PN) ? (own(body, PN) as string) : null;
  if (!loadedTypes(o).has(type as NetworkType)) return invalid(`network_type value '${type}' not supported`, NT);
  const segment: Segment = Object.freeze({ network_type: type as NetworkType, physical_network: physnet, segmentation_id: segId });
  if (type === 'flat') {
    if (!physnet) return invalid('physical_network required for flat provider network', PN);
    const flat = o.flat_networks.includes('*') ? null : o.flat_networks;
    if (flat !== null && flat.length === 0) return invalid('Flat provider networks are disabled', PN);
    if (flat !== null && !flat.includes(physnet)) return invalid(`physical_network '${physnet}' unknown for flat provider network`, PN);
    if (segId) return invalid('segmentation_id prohibited for flat provider network', SI);
  } else if (type === 'vlan') {
    const ranges = typeRanges('vlan', o) as readonly PhysnetVlanRanges[];
    if (physnet) {
      if (!ranges.some((r) => r.physical_network === physnet)) return invalid(`physical_network '${physnet}' unknown for VLAN provider network`, PN);
      if (segId !== null && (segId < SEGMENT_LIMITS.MIN_VLAN_TAG || segId > SEGMENT_LIMITS.MAX_VLAN_TAG)) {
        return invalid(`segmentation_id out of range (${SEGMENT_LIMITS.MIN_VLAN_TAG} through ${SEGMENT_LIMITS.MAX_VLAN_TAG})`, SI);
      }
    } else if (segId !== null) return invalid('segmentation_id requires physical_network for VLAN provider network', PN);
  } else if (isTunnel(type)) {
    if (physnet) return invalid(`provider:physical_network specified for ${type} network`, PN);
  } else if (physnet) return invalid('physical_network prohibited for local provider network', PN);
  else if (segId) return invalid('segmentation_id prohibited for local provider network', SI);
  return segment;
}

// ------------------------------------------------------------------------------ allocation

/** A segment already in use somewhere in the cloud (a network's segment row). */
export interface SegmentInUseRef {
  readonly network_type: string;
  readonly physical_network?: string | null;
  readonly segmentation_id?: number | null;
}

function rangesArg(ranges: unknown, field: string): SegmentRange[] {
  if (!Array.isArray(ranges)) throw new InvalidInput(field, `expected an array of [min, max] pairs, got ${describeValue(ranges)}.`, 'network.segment.invalid_ranges');
  return ranges.map((r: unknown, i) => {
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'number' && Number.isSafeInteger(x)) || (r[0] as number) > (r[1] as number)) {
      throw new InvalidInput(`${field}[${i}]`, `expected [min, max] integers with min <= max, got ${describeValue(r)}.`, 'network.segment.invalid_ranges');
    }
    return [r[0] as number, r[1] as number] as const;
  });
}

function idsArg(ids: unknown, field: string): number[] {
  if (ids === null || typeof ids !== 'object' || !(Symbol.iterator in ids)) throw new InvalidInput(field, `expected an iterable of integers, got ${describeValue(ids)}.`, 'network.segment.invalid_allocated');
  const out: number[] = [];
  let i = 0;
  for (const v of ids as Iterable<unknown>) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new InvalidInput(`${field}[${i}]`, `expected an integer, got ${describeValue(v)}.`, 'network.segment.invalid_allocated');
    out.push(v);
    i++;
  }
  return out;
}

function freeOf(ranges: readonly SegmentRange[], allocated: readonly number[]): SegmentRange[] {
  const merged: [number, number][] = [];
  for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  const used = [...new Set(allocated)].sort((a, b) => a - b);
  const out: SegmentRange[] = [];
  let k = 0;
  for (const [lo, hi] of merged) {
    while (k < used.length && used[k]! < lo) k++;
    let next = lo;
    for (; k < used.length && used[k]! <= hi; k++) {
      if (used[k]! > next) out.push(Object.freeze([next, used[k]! - 1] as const));
      next = used[k]! + 1;
    }
    if (next <= hi) out.push(Object.freeze([next, hi] as const));
  }
  return out;
}

/**
 * The free ids of a type (or of one physical network): the configured ranges' ids (their union;
 * ranges may overlap) minus the allocated ones, as sorted disjoint ranges — the rows with
 * `allocated = false` after `sync_allocations` (`type_tunnel.py`; `type_vlan.py`
 * `_sync_vlan_allocations`). An allocated id outside the ranges (an admin's provider choice)
 * takes nothing from them; releasing it frees nothing (Neutron deletes its row).
 */
export function freeSegmentRanges(ranges: readonly SegmentRange[], allocated: Iterable<number>): readonly SegmentRange[] {
  return Object.freeze(freeOf(rangesArg(ranges, 'ranges'), idsArg(allocated, 'allocated')));
}

function chooseIn(count: number, choose: unknown): number {
  if (typeof choose !== 'function') throw new InvalidInput('choose', `expected a function, got ${describeValue(choose)}.`, 'network.segment.invalid_choice');
  const k: unknown = (choose as (n: number) => unknown)(count);
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= count) throw new InvalidInput('choose', `must return an integer in [0, ${count}), got ${describeValue(k)}.`, 'network.segment.invalid_choice');
  return k;
}

/** The k-th id of sorted free ranges. */
function nth(free: readonly SegmentRange[], k: number): number {
  let left = k;
  for (const [lo, hi] of free) {
    const n = hi - lo + 1;
    if (left < n) return lo + left;
    left -= n;
  }
  throw new InvalidInput('choose', 'chose past the free ids.', 'network.segment.invalid_choice');
}

const countOf = (free: readonly SegmentRange[]): number => free.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);

/**
 * One free id, chosen as Neutron chooses it, deterministically. Neutron (without the
 * `network_segment_range` service plugin, as DevStack runs) asks
 * `SegmentAllocation.get_random_unallocated_segment` (`neutron/objects/plugins/ml2/base.py`, called
 * from `helpers.py` `SegmentTypeDriver.allocate_partially_specified_segment`), i.e. `SELECT … WHERE
 * allocated = false ORDER BY random() LIMIT 1` — one row uniformly at random among every free row
 * matching the filters — then marks it allocated (retrying on a concurrent allocation). stacksim
 * lists the free ids in ascending order and takes the one at `choose(count)`, an integer in
 * [0, count) the caller draws from the cloud's seeded generator (`random.int(count)`): the same
 * uniform choice, reproducible from the seed.
 *
 * Errors: no free id — 503 {@link NoNetworkAvailable} ("Unable to create the network. No tenant
 * network is available for allocation."); a `choose` returning anything else — 400 naming `choose`.
 */
export function pickFreeSegmentId(ranges: readonly SegmentRange[], allocated: Iterable<number>, choose: (count: number) => number): number {
  const free = freeOf(rangesArg(ranges, 'ranges'), idsArg(allocated, 'allocated'));
  const count = countOf(free);
  if (count === 0) throw new NoNetworkAvailable();
  return nth(free, chooseIn(count, choose));
}

function inUseArg(allocated: unknown): SegmentInUseRef[] {
  if (!Array.isArray(allocated)) throw new InvalidInput('allocated', `expected an array of segments, got ${describeValue(allocated)}.`, 'network.segment.invalid_allocated');
  return allocated.map((s: unknown, i) => {
    if (!isDict(s) || typeof own(s, 'network_type') !== 'string') throw new InvalidInput(`allocated[${i}]`, `expected a segment with a network_type, got ${describeValue(s)}.`, 'network.segment.invalid_allocated');
    const p = own(s, 'physical_network');
    const id = own(s, 'segmentation_id');
    if (p !== undefined && p !== null && typeof p !== 'string') throw new InvalidInput(`allocated[${i}].physical_network`, `expected a string or null, got ${describeValue(p)}.`, 'network.segment.invalid_allocated');
    if (id !== undefined && id !== null && !(typeof id === 'number' && Number.isSafeInteger(id))) throw new InvalidInput(`allocated[${i}].segmentation_id`, `expected an integer or null, got ${describeValue(id)}.`, 'network.segment.invalid_allocated');
    return s as unknown as SegmentInUseRef;
  });
}

const idsOf = (used: readonly SegmentInUseRef[], type: string, physnet?: string): number[] =>
  used.filter((s) => s.network_type === type && (physnet === undefined || s.physical_network === physnet) && typeof s.segmentation_id === 'number').map((s) => s.segmentation_id as number);

/** A free segment of a segmented type, optionally on one physical network (VLAN); undefined when none. */
function pickOf(type: 'vlan' | TunnelType, o: Options, used: readonly SegmentInUseRef[], choose: unknown, physnet?: string): ReservedSegment | undefined {
  const candidates: { physnet: string | null; free: SegmentRange[] }[] = [];
  if (type === 'vlan') {
    for (const r of typeRanges('vlan', o) as readonly PhysnetVlanRanges[]) {
      if (physnet === undefined || r.physical_network === physnet) candidates.push({ physnet: r.physical_network, free: freeOf(r.ranges, idsOf(used, 'vlan', r.physical_network)) });
    }
  } else candidates.push({ physnet: null, free: freeOf(typeRanges(type, o) as readonly SegmentRange[], idsOf(used, type)) });
  const count = candidates.reduce((n, c) => n + countOf(c.free), 0);
  if (count === 0) return undefined;
  let k = chooseIn(count, choose);
  for (const c of candidates) {
    const n = countOf(c.free);
    if (k < n) {
      const id = nth(c.free, k);
      return Object.freeze({ network_type: type, physical_network: c.physnet, segmentation_id: id, mtu: segmentMtuOf(type, o, c.physnet) });
    }
    k -= n;
  }
  return undefined;
}

/**
 * A tenant network's segment, as `TypeManager._allocate_tenant_net_segment`: each type of
 * `ml2.tenant_network_types` in order — local always answers (no id), flat never (tenant flat
 * networks are not supported), vlan tries each physical network in `network_vlan_ranges` order
 * and takes a free VLAN of the first with one, a tunnel type takes a free id of its ranges — each
 * choice as {@link pickFreeSegmentId}. Returns the segment with its driver's MTU.
 *
 * Errors: every type exhausted — 503 {@link NoNetworkAvailable}; configuration errors as
 * {@link checkMl2Config}.
 */
export function allocateTenantSegment(config: unknown, allocated: readonly SegmentInUseRef[], choose: (count: number) => number): ReservedSegment {
  const o = options(config);
  checkMl2Config(config);
  const used = inUseArg(allocated);
  for (const t of o.tenant_network_types) {
    if (t === 'local') return Object.freeze({ network_type: 'local', physical_network: null, segmentation_id: null, mtu: null });
    if (t === 'flat') continue;
    if (t === 'vlan') {
      for (const r of typeRanges('vlan', o) as readonly PhysnetVlanRanges[]) {
        const s = pickOf('vlan', o, used, choose, r.physical_network);
        if (s !== undefined) return s;
      }
      continue;
    }
    if (isTunnel(t)) {
      const s = pickOf(t, o, used, choose);
      if (s !== undefined) return s;
    }
  }
  throw new NoNetworkAvailable('provider:network_type');
}

/**
 * The driver's `reserve_provider_segment` for a segment {@link validateProviderSegment} accepted:
 * flat reserves its physical network (409 `FlatNetworkInUse` "Unable to create the flat network.
 * Physical network public is in use."); a fully specified vlan or tunnel segment takes its id,
 * inside the ranges or not (409 `VlanIdInUse` "Unable to create the network. The VLAN 5 on
 * physical network public is in use.", `TunnelIdInUse` "Unable to create the network. The tunnel
 * ID 7 is in use."); a partial one takes a free id as {@link pickFreeSegmentId} — for vlan
 * without a physical network, uniformly among the free VLANs of every physical network — or 503
 * {@link NoNetworkAvailable}. local reserves nothing. Returns the segment with its driver's MTU.
 */
export function reserveProviderSegment(segment: Segment, config: unknown, allocated: readonly SegmentInUseRef[], choose: (count: number) => number): ReservedSegment {
  if (!isDict(segment)) throw new InvalidInput('segment', `expected a segment, got ${describeValue(segment)}.`, 'network.segment.invalid_provider_segment');
  const o = options(config);
  const used = inUseArg(allocated);
  const type = typeArg(own(segment, 'network_type'), 'segment.network_type');
  const physnet = physnetArg(own(segment, 'physical_network'), 'segment.physical_network');
  const rawId = own(segment, 'segmentation_id');
  if (rawId !== undefined && rawId !== null && !(typeof rawId === 'number' && Number.isSafeInteger(rawId))) throw new InvalidInput('segment.segmentation_id', `expected an integer or null, got ${describeValue(rawId)}.`, 'network.segment.invalid_provider_segment');
  const id = typeof rawId === 'number' ? rawId : null;
  const done = (s: Segment): ReservedSegment => Object.freeze({ ...s, mtu: segmentMtuOf(type, o, s.physical_network) });
  if (type === 'local') return done({ network_type: type, physical_network: physnet, segmentation_id: id });
  if (type === 'flat') {
    if (physnet === null) return invalid('physical_network required for flat provider network', PN);
    if (used.some((s) => s.network_type === 'flat' && s.physical_network === physnet)) {
      throw new SegmentInUse('FlatNetworkInUse', `Unable to create the flat network. Physical network ${physnet} is in use.`, PN);
    }
    return done({ network_type: type, physical_network: physnet, segmentation_id: id });
  }
  if (id === null) {
    const s = pickOf(type, o, used, choose, type === 'vlan' && physnet !== null ? physnet : undefined);
    if (s === undefined) throw new NoNetworkAvailable();
    return s;
  }
  if (type === 'vlan') {
    if (physnet === null) return invalid('segmentation_id requires physical_network for VLAN provider network', PN);
    if (idsOf(used, 'vlan', physnet).includes(id)) throw new SegmentInUse('VlanIdInUse', `Unable to create the network. The VLAN ${id} on physical network ${physnet} is in use.`, SI);
    return done({ network_type: type, physical_network: physnet, segmentation_id: id });
  }
  if (idsOf(used, type).includes(id)) throw new SegmentInUse('TunnelIdInUse', `Unable to create the network. The tunnel ID ${id} is in use.`, SI);
  return done({ network_type: type, physical_network: null, segmentation_id: id });
}

/** Whether a value is one of the errors this module throws (any {@link CloudError} with a `network.segment.` code). */
export function isSegmentError(e: unknown): e is CloudError {
  return e instanceof CloudError && e.code.startsWith('network.segment.');
}
