/**
 * ML2's configuration as its type drivers read it (`ml2_conf.ini`: `network_vlan_ranges`,
 * `vni_ranges`, `tunnel_id_ranges`, MTUs; `neutron_lib/plugins/utils.py`, `type_*.py`), and the MTU
 * each network type gets (`get_mtu`, `Ml2Plugin._get_network_mtu`). Part of the segment logic
 * (see `segments.ts`); judged by the same tests.
 */
import { BadRequest, CloudError, Conflict, InvalidInput, describeValue } from '../../core/index.js';
import { pyInt, pyRepr, pyStr, pyStrip } from '../ipam/addresses.js';
import { IpamInputUnsupported, NeutronInvalidInput } from '../ipam/errors.js';
import { isDict, own } from '../ipam/subnets.js';

// ------------------------------------------------------------------------------ constants

/** The network types ML2 knows (`neutron_lib/constants.py` TYPE_*). */
export const NETWORK_TYPES = Object.freeze(['local', 'flat', 'vlan', 'gre', 'vxlan', 'geneve'] as const);
export type NetworkType = (typeof NETWORK_TYPES)[number];
export type TunnelType = 'vxlan' | 'geneve' | 'gre';

/** neutron-lib's identifier bounds and encapsulation overheads. */
export const SEGMENT_LIMITS = Object.freeze({
  MIN_VLAN_TAG: 1,
  MAX_VLAN_TAG: 4094,
  MIN_VXLAN_VNI: 1,
  MAX_VXLAN_VNI: 2 ** 24 - 1,
  MIN_GENEVE_VNI: 1,
  MAX_GENEVE_VNI: 2 ** 24 - 1,
  MIN_GRE_ID: 1,
  MAX_GRE_ID: 2 ** 32 - 1,
  VXLAN_ENCAP_OVERHEAD: 30,
  GRE_ENCAP_OVERHEAD: 22,
  GENEVE_ENCAP_MIN_OVERHEAD: 30,
  IP_HEADER_LENGTH: Object.freeze({ 4: 20, 6: 40 }),
});

const TUNNEL_BOUNDS: Readonly<Record<TunnelType, readonly [number, number]>> = {
  vxlan: [SEGMENT_LIMITS.MIN_VXLAN_VNI, SEGMENT_LIMITS.MAX_VXLAN_VNI],
  geneve: [SEGMENT_LIMITS.MIN_GENEVE_VNI, SEGMENT_LIMITS.MAX_GENEVE_VNI],
  gre: [SEGMENT_LIMITS.MIN_GRE_ID, SEGMENT_LIMITS.MAX_GRE_ID],
};

const TUNNEL_OPTION: Readonly<Record<TunnelType, string>> = {
  vxlan: 'ml2_type_vxlan.vni_ranges',
  geneve: 'ml2_type_geneve.vni_ranges',
  gre: 'ml2_type_gre.tunnel_id_ranges',
};

export const isTunnel = (t: string): t is TunnelType => t === 'vxlan' || t === 'geneve' || t === 'gre';

// ---------------------------------------------------------------------------------- errors

/**
 * 400, a configuration neutron-server refuses at startup (`NetworkVlanRangeError`,
 * `PhysicalNetworkNameError`, `NetworkTunnelRangeError`, "No type driver for tenant
 * network_type"): Neutron logs it and exits; stacksim refuses the option.
 */
export class Ml2ConfigError extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'Ml2ConfigError';
  constructor(code: string, message: string, neutron: string, field: string) {
    super(code, message, { neutron, field });
  }
}

/** 503 (`ServiceUnavailable` via `ResourceExhausted`), `NoNetworkAvailable`: every segment id is taken. */
export class NoNetworkAvailable extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'NoNetworkAvailable';
  constructor(field = 'provider:segmentation_id') {
    super(503, 'network.segment.no_network_available', 'Unable to create the network. No tenant network is available for allocation.', { neutron: 'NoNetworkAvailable', field });
  }
}

/** 409 (`InUse`): `VlanIdInUse`, `TunnelIdInUse`, `FlatNetworkInUse`. */
export class SegmentInUse extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'SegmentInUse';
  constructor(neutron: 'VlanIdInUse' | 'TunnelIdInUse' | 'FlatNetworkInUse', message: string, field: string) {
    super('network.segment.in_use', message, { neutron, field });
  }
}

// ------------------------------------------------------------------------ Python helpers


const ND = /\p{Nd}/u;

/** Python's `int(str)`: Unicode decimal digits (every `Nd` run is 0–9 in order) read as ASCII first. */
export function pyIntText(s: string): bigint | undefined {
  let ascii = '';
  for (const ch of s) {
    if (ch >= '0' && ch <= '9') ascii += ch;
    else if (ND.test(ch)) {
      let cp = ch.codePointAt(0)!;
      let k = 0;
      while (k < 9 && ND.test(String.fromCodePoint(cp - 1))) {
        cp -= 1;
        k += 1;
      }
      ascii += String(k);
    } else ascii += ch;
  }
  return pyInt(ascii);
}

/** Python's `ValueError` text for `int(s)` (its `%.200R`). */
const intLiteralError = (s: string): string => `invalid literal for int() with base 10: ${Array.from(pyRepr(s)).slice(0, 200).join('')}`;

export const pyLen = (s: string): number => Array.from(s).length;

/** A list option (oslo `ListOpt`, given as an array of strings). */
function listArg(value: unknown, field: string): readonly string[] {
  if (!Array.isArray(value)) throw new InvalidInput(field, `expected an array of strings, got ${describeValue(value)}.`, 'network.segment.invalid_config');
  if (value.length > 4096) throw new InvalidInput(field, `must hold at most 4096 entries, got ${value.length}.`, 'network.segment.invalid_config');
  value.forEach((v: unknown, i) => {
    if (typeof v !== 'string') throw new InvalidInput(`${field}[${i}]`, `expected a string, got ${describeValue(v)}.`, 'network.segment.invalid_config');
    if (v.length > 4096) throw new InvalidInput(`${field}[${i}]`, `must be at most 4096 characters, got ${v.length}.`, 'network.segment.invalid_config');
  });
  return value as readonly string[];
}

// ------------------------------------------------------------------------- configuration

/** `ml2_conf.ini` (and `neutron.conf`'s `global_physnet_mtu`), every option optional with Neutron's default. */
export interface Ml2Config {
  /** `[DEFAULT] global_physnet_mtu`, 1500. */
  readonly global_physnet_mtu?: number;
  readonly ml2?: {
    /** `local, flat, vlan, gre, vxlan, geneve`. */
    readonly type_drivers?: readonly string[];
    /** `local` (DevStack sets `vxlan`). */
    readonly tenant_network_types?: readonly string[];
    /** 0 (unset). */
    readonly path_mtu?: number;
    /** `<physnet>:<mtu>` entries, none. */
    readonly physical_network_mtus?: readonly string[];
    /** 4. */
    readonly overlay_ip_version?: number;
  };
  /** `*` (any physical network). */
  readonly ml2_type_flat?: { readonly flat_networks?: readonly string[] };
  readonly ml2_type_vlan?: { readonly network_vlan_ranges?: readonly string[] };
  readonly ml2_type_vxlan?: { readonly vni_ranges?: readonly string[] };
  /** `max_header_size` 30 (`GENEVE_ENCAP_MIN_OVERHEAD`). */
  readonly ml2_type_geneve?: { readonly vni_ranges?: readonly string[]; readonly max_header_size?: number };
  readonly ml2_type_gre?: { readonly tunnel_id_ranges?: readonly string[] };
}

const CONFIG_KEYS: Readonly<Record<string, readonly string[]>> = {
  ml2: ['type_drivers', 'tenant_network_types', 'path_mtu', 'physical_network_mtus', 'overlay_ip_version'],
  ml2_type_flat: ['flat_networks'],
  ml2_type_vlan: ['network_vlan_ranges'],
  ml2_type_vxlan: ['vni_ranges'],
  ml2_type_geneve: ['vni_ranges', 'max_header_size'],
  ml2_type_gre: ['tunnel_id_ranges'],
};

export interface Options {
  global_physnet_mtu: number;
  type_drivers: readonly string[];
  tenant_network_types: readonly string[];
  path_mtu: number;
  physical_network_mtus: readonly string[];
  overlay_ip_version: number;
  flat_networks: readonly string[];
  network_vlan_ranges: readonly string[];
  vxlan_vni_ranges: readonly string[];
  geneve_vni_ranges: readonly string[];
  max_header_size: number;
  tunnel_id_ranges: readonly string[];
}

function intOpt(value: unknown, field: string, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new InvalidInput(field, `expected an integer, got ${describeValue(value)}.`, 'network.segment.invalid_config');
  return value;
}

/** The options of a configuration, with Neutron's defaults; unknown sections or options are refused. */
export function options(config: unknown): Options {
  const c = config === undefined ? {} : config;
  if (!isDict(c)) throw new InvalidInput('config', `expected an object, got ${describeValue(c)}.`, 'network.segment.invalid_config');
  for (const k of Object.keys(c)) {
    if (k === 'global_physnet_mtu') continue;
    const keys = CONFIG_KEYS[k];
    if (keys === undefined || !Object.prototype.hasOwnProperty.call(CONFIG_KEYS, k)) throw new InvalidInput(`config.${k}`, 'is not an ML2 option or section.', 'network.segment.invalid_config');
    const section = c[k];
    if (!isDict(section)) throw new InvalidInput(`config.${k}`, `expected an object, got ${describeValue(section)}.`, 'network.segment.invalid_config');
    for (const o of Object.keys(section)) if (!keys.includes(o)) throw new InvalidInput(`${k}.${o}`, `is not an option of [${k}].`, 'network.segment.invalid_config');
  }
  const sec = (name: string): Record<string, unknown> => {
    const s = own(c, name);
    return isDict(s) ? s : {};
  };
  const list = (s: string, o: string, dflt: readonly string[]): readonly string[] => {
    const v = own(sec(s), o);
    return v === undefined ? dflt : listArg(v, `${s}.${o}`);
  };
  return {
    global_physnet_mtu: intOpt(own(c, 'global_physnet_mtu'), 'global_physnet_mtu', 1500),
    type_drivers: list('ml2', 'type_drivers', NETWORK_TYPES),
    tenant_network_types: list('ml2', 'tenant_network_types', ['local']),
    path_mtu: intOpt(own(sec('ml2'), 'path_mtu'), 'ml2.path_mtu', 0),
    physical_network_mtus: list('ml2', 'physical_network_mtus', []),
    overlay_ip_version: intOpt(own(sec('ml2'), 'overlay_ip_version'), 'ml2.overlay_ip_version', 4),
    flat_networks: list('ml2_type_flat', 'flat_networks', ['*']),
    network_vlan_ranges: list('ml2_type_vlan', 'network_vlan_ranges', []),
    vxlan_vni_ranges: list('ml2_type_vxlan', 'vni_ranges', []),
    geneve_vni_ranges: list('ml2_type_geneve', 'vni_ranges', []),
    max_header_size: intOpt(own(sec('ml2_type_geneve'), 'max_header_size'), 'ml2_type_geneve.max_header_size', SEGMENT_LIMITS.GENEVE_ENCAP_MIN_OVERHEAD),
    tunnel_id_ranges: list('ml2_type_gre', 'tunnel_id_ranges', []),
  };
}

/** The loaded drivers (`TypeManager._register_types`): the known types named in `type_drivers`. */
export function loadedTypes(o: Options): ReadonlySet<NetworkType> {
  return new Set(NETWORK_TYPES.filter((t) => o.type_drivers.includes(t)));
}

// ---------------------------------------------------------------------------------- ranges

/** An inclusive range of segment ids, `[min, max]` (Neutron's tuples). */
export type SegmentRange = readonly [number, number];

/** A physical network's VLAN ranges, in `network_vlan_ranges` order. */
export interface PhysnetVlanRanges {
  readonly physical_network: string;
  readonly ranges: readonly SegmentRange[];
}

const rangeText = (lo: bigint, hi: bigint): string => `${lo}:${hi}`;
const VLAN_FIELD = 'ml2_type_vlan.network_vlan_ranges';

function vlanRangeError(range: string, error: string): never {
  throw new Ml2ConfigError('network.segment.invalid_vlan_range', `Invalid network VLAN range: '${range}' - '${error}'.`, 'NetworkVlanRangeError', VLAN_FIELD);
}

/**
 * neutron-lib `parse_network_vlan_ranges`: each entry `physnet` (every VLAN, 1–4094) or
 * `physnet:min:max`, stripped; a physical network listed bare takes every VLAN and later ranges
 * for it are ignored (as are ranges after one equal to 1:4094, a quirk kept); the result keeps
 * the order in which physical networks first appear.
 *
 * Errors (400 {@link Ml2ConfigError}, field `ml2_type_vlan.network_vlan_ranges`):
 * `NetworkVlanRangeError` ("Invalid network VLAN range: 'public:1' - 'Need exactly two values for
 * VLAN range'.", "'1:4095' - '4095 is not a valid VLAN tag'", "End of VLAN range is less than
 * start of VLAN range"), `PhysicalNetworkNameError` ("Empty physical network name.").
 */
export function parseNetworkVlanRanges(entries: unknown): readonly PhysnetVlanRanges[] {
  const list = listArg(entries, VLAN_FIELD);
  const nets = new Map<string, SegmentRange[]>();
  const full: SegmentRange = [SEGMENT_LIMITS.MIN_VLAN_TAG, SEGMENT_LIMITS.MAX_VLAN_TAG];
  const isFull = (rs: readonly SegmentRange[] | undefined): boolean => rs !== undefined && rs.length === 1 && rs[0]![0] === full[0] && rs[0]![1] === full[1];
  for (const raw of list) {
    const entry = pyStrip(raw);
    if (!entry.includes(':')) {
      nets.set(entry, [full]);
      continue;
    }
    const parts = entry.split(':');
    if (parts.length !== 3) vlanRangeError(entry, 'Need exactly two values for VLAN range');
    const [network, a, b] = parts as [string, string, string];
    if (network === '') throw new Ml2ConfigError('network.segment.empty_physical_network', 'Empty physical network name.', 'PhysicalNetworkNameError', VLAN_FIELD);
    const lo = pyIntText(a) ?? vlanRangeError(entry, `${a} is not a valid VLAN tag`);
    const hi = pyIntText(b) ?? vlanRangeError(entry, `${b} is not a valid VLAN tag`);
    for (const tag of [lo, hi]) if (tag < SEGMENT_LIMITS.MIN_VLAN_TAG || tag > SEGMENT_LIMITS.MAX_VLAN_TAG) vlanRangeError(rangeText(lo, hi), `${tag} is not a valid VLAN tag`);
    if (hi < lo) vlanRangeError(rangeText(lo, hi), 'End of VLAN range is less than start of VLAN range');
    if (isFull(nets.get(network))) continue;
    nets.set(network, [...(nets.get(network) ?? []), [Number(lo), Number(hi)]]);
  }
  return Object.freeze([...nets].map(([physical_network, ranges]) => Object.freeze({ physical_network, ranges: Object.freeze(ranges.map((r) => Object.freeze(r))) })));
}

/**
 * A tunnel driver's `_parse_tunnel_ranges` with neutron-lib `verify_tunnel_range`: each entry
 * `min:max` (stripped, Python `int()` on each side) within the type's identifiers (vxlan and
 * geneve 1–2^24-1, gre 1–2^32-1).
 *
 * Errors (400 {@link Ml2ConfigError} `NetworkTunnelRangeError`, field `ml2_type_vxlan.vni_ranges`,
 * `ml2_type_geneve.vni_ranges` or `ml2_type_gre.tunnel_id_ranges`): "Invalid network tunnel range:
 * '1' - not enough values to unpack (expected 2, got 1).", "… too many values to unpack (expected
 * 2).", "… invalid literal for int() with base 10: 'a'.", "'0:1' - 0 is not a valid vxlan
 * identifier.", "… End of tunnel range is less than start of tunnel range."
 */
export function parseTunnelRanges(networkType: unknown, entries: unknown): readonly SegmentRange[] {
  if (typeof networkType !== 'string' || !isTunnel(networkType)) throw new InvalidInput('network_type', `expected one of vxlan, geneve, gre, got ${describeValue(networkType)}.`, 'network.segment.invalid_network_type');
  const field = TUNNEL_OPTION[networkType];
  const list = listArg(entries, field);
  const fail = (range: string, error: string): never => {
    throw new Ml2ConfigError('network.segment.invalid_tunnel_range', `Invalid network tunnel range: '${range}' - ${error}.`, 'NetworkTunnelRangeError', field);
  };
  const [min, max] = TUNNEL_BOUNDS[networkType];
  const out: SegmentRange[] = [];
  for (const raw of list) {
    const entry = pyStrip(raw);
    const parts = entry.split(':');
    if (parts.length < 2) fail(entry, `not enough values to unpack (expected 2, got ${parts.length})`);
    if (parts.length > 2) fail(entry, 'too many values to unpack (expected 2)');
    const a = pyStrip(parts[0]!);
    const b = pyStrip(parts[1]!);
    const lo = pyIntText(a) ?? fail(entry, intLiteralError(a));
    const hi = pyIntText(b) ?? fail(entry, intLiteralError(b));
    for (const id of [lo, hi]) if (id < BigInt(min) || id > BigInt(max)) fail(rangeText(lo, hi), `${id} is not a valid ${networkType} identifier`);
    if (hi < lo) fail(rangeText(lo, hi), 'End of tunnel range is less than start of tunnel range');
    out.push(Object.freeze([Number(lo), Number(hi)] as const));
  }
  return Object.freeze(out);
}

/** The configured ranges of a segmented type: VLAN per physical network, tunnels under one key (`null`). */
export function typeRanges(type: 'vlan' | TunnelType, o: Options): readonly PhysnetVlanRanges[] | readonly SegmentRange[] {
  if (type === 'vlan') return parseNetworkVlanRanges(o.network_vlan_ranges);
  return parseTunnelRanges(type, type === 'vxlan' ? o.vxlan_vni_ranges : type === 'geneve' ? o.geneve_vni_ranges : o.tunnel_id_ranges);
}

/**
 * Every range option of a configuration checked as neutron-server checks it at startup (the
 * drivers' range parsing, `TypeManager._check_tenant_network_types`). Returns the configuration;
 * errors as {@link parseNetworkVlanRanges} and {@link parseTunnelRanges}, and a 400
 * {@link Ml2ConfigError} "No type driver for tenant network_type: <type>. Service terminated!"
 */
export function checkMl2Config(config: unknown): Ml2Config {
  const o = options(config);
  const loaded = loadedTypes(o);
  for (const t of ['vlan', 'vxlan', 'geneve', 'gre'] as const) if (loaded.has(t)) typeRanges(t, o);
  for (const t of o.tenant_network_types) {
    if (!loaded.has(t as NetworkType)) throw new Ml2ConfigError('network.segment.no_tenant_type_driver', `No type driver for tenant network_type: ${t}. Service terminated!`, 'SystemExit', 'ml2.tenant_network_types');
  }
  return config as Ml2Config;
}

// ------------------------------------------------------------------------------------- MTU

/** neutron-lib `parse_mappings(physical_network_mtus, unique_values=False)`; Neutron ignores the whole option when it fails (it logs the error). */
function physnetMtus(entries: readonly string[]): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const raw of entries) {
    const m = pyStrip(raw);
    if (m === '') continue;
    const parts = m.split(':');
    if (parts.length !== 2) return new Map();
    const key = pyStrip(parts[0]!);
    const value = pyStrip(parts[1]!);
    if (key === '' || value === '' || out.has(key)) return new Map();
    out.set(key, value);
  }
  return out;
}

export function typeArg(value: unknown, field = 'network_type'): NetworkType {
  if (typeof value !== 'string' || !(NETWORK_TYPES as readonly string[]).includes(value)) {
    throw new NeutronInvalidInput('network.segment.unsupported_network_type', `network_type value '${pyStr(value)}' not supported`, field);
  }
  return value as NetworkType;
}

export function physnetArg(value: unknown, field = 'physical_network'): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InvalidInput(field, `expected a string or null, got ${describeValue(value)}.`, 'network.segment.invalid_physical_network');
  return value;
}

export function segmentMtuOf(type: NetworkType, o: Options, physnet: string | null): number | null {
  const g = o.global_physnet_mtu;
  if (type === 'local') return null;
  if (type === 'flat' || type === 'vlan') {
    const mtus: number[] = [];
    if (g > 0) mtus.push(g);
    const mapped = physnet === null ? undefined : physnetMtus(o.physical_network_mtus).get(physnet);
    if (mapped !== undefined) {
      const v = pyIntText(mapped);
      if (v === undefined) throw new IpamInputUnsupported('network.segment.invalid_physnet_mtu', intLiteralError(mapped), 'ValueError', 'ml2.physical_network_mtus');
      mtus.push(Number(v));
    }
    return mtus.length > 0 ? Math.min(...mtus) : 0;
  }
  // _TunnelTypeDriverBase.get_mtu
  const mtus: number[] = [];
  if (g > 0) mtus.push(g);
  if (o.path_mtu > 0) mtus.push(o.path_mtu);
  const header = o.overlay_ip_version === 4 ? 20 : o.overlay_ip_version === 6 ? 40 : undefined;
  if (header === undefined) throw new IpamInputUnsupported('network.segment.invalid_overlay_ip_version', String(o.overlay_ip_version), 'KeyError', 'ml2.overlay_ip_version');
  const base = mtus.length > 0 ? Math.min(...mtus) - header : 0;
  const overhead = type === 'vxlan' ? SEGMENT_LIMITS.VXLAN_ENCAP_OVERHEAD : type === 'gre' ? SEGMENT_LIMITS.GRE_ENCAP_OVERHEAD : o.max_header_size;
  return base !== 0 ? base - overhead : 0;
}

/**
 * A type driver's `get_mtu(physical_network)`: flat and vlan the smaller of `global_physnet_mtu`
 * and the physical network's `physical_network_mtus` entry (1500 by default); tunnels the smaller
 * of `global_physnet_mtu` and `path_mtu` (each only when positive) minus the overlay IP header
 * (20 for `overlay_ip_version` 4, 40 for 6) minus the encapsulation (vxlan 30, gre 22, geneve
 * `max_header_size` 30): vxlan / geneve 1450, gre 1458 by default; 0 when nothing is set; `null`
 * for local (the driver returns None). Values Neutron computes are returned as they are (a
 * `global_physnet_mtu` of 10 gives vxlan -40).
 *
 * Errors: a type that is no ML2 type (400 `InvalidInput`); an `overlay_ip_version` other than 4
 * or 6 (Neutron's `KeyError`, 400 here) for tunnels; a `physical_network_mtus` value that is no
 * integer (Neutron's `ValueError`, 400 here). A malformed `physical_network_mtus` is ignored, as
 * Neutron ignores it.
 */
export function segmentMtu(networkType: unknown, config?: unknown, physicalNetwork?: unknown): number | null {
  return segmentMtuOf(typeArg(networkType), options(config), physnetArg(physicalNetwork));
}

/**
 * The MTU of a network with one segment, as `Ml2Plugin._get_network_mtu` computes it (no
 * requested `mtu`): the driver's {@link segmentMtu} when its type is loaded (`ml2.type_drivers`)
 * and it answers a non-zero value, else `global_physnet_mtu` (so local gets 1500). Errors as
 * {@link segmentMtu}.
 */
export function networkMtu(networkType: unknown, config?: unknown, physicalNetwork?: unknown): number {
  const o = options(config);
  const physnet = physnetArg(physicalNetwork);
  if (networkType === null || networkType === undefined) return o.global_physnet_mtu;
  if (typeof networkType !== 'string') throw new InvalidInput('network_type', `expected a string, got ${describeValue(networkType)}.`, 'network.segment.unsupported_network_type');
  const mtus: number[] = [];
  if (loadedTypes(o).has(networkType as NetworkType)) {
    const m = segmentMtuOf(networkType as NetworkType, o, physnet);
    if (m) mtus.push(m);
  }
  return mtus.length > 0 ? Math.min(...mtus) : o.global_physnet_mtu;
}
