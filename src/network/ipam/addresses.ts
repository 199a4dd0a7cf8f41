/**
 * Addresses and CIDRs as Neutron's API layer reads them (neutron-lib's converters and validators
 * over netaddr 0.8, libc's inet_pton / inet_aton), printed as netaddr prints them; v6 in BigInt.
 * Part of the IPAM core (see `subnets.ts`).
 */
import { InvalidInput, describeValue, pyRepr } from '../../core/index.js';

export { pyRepr };
import { IpamInputUnsupported, NeutronAttributeInvalid, NeutronInvalidInput } from './errors.js';

// ------------------------------------------------------------------------------------- types

/** An IP version, as Neutron's `ip_version` attribute. */
export type IpVersion = 4 | 6;

/** A parsed address: its version, its integer value and its canonical text (v6 compact, as netaddr prints it). */
export interface IpAddressValue {
  readonly version: IpVersion;
  readonly value: bigint;
  readonly address: string;
}

/**
 * A parsed subnet CIDR: `cidr` is Neutron's normalised `network/prefixlen` text (host bits
 * cleared, v6 compact); `first` and `last` bound the whole block.
 */
export interface IpNetworkValue {
  readonly version: IpVersion;
  readonly prefixlen: number;
  readonly first: bigint;
  readonly last: bigint;
  readonly cidr: string;
}

/** An allocation pool as the API shows it: `{ start, end }`, both canonical addresses, inclusive. */
export interface AllocationPool {
  readonly start: string;
  readonly end: string;
}

/** An inclusive range of addresses of one version (a pool, or a free range within one). */
export interface IpRangeValue {
  readonly version: IpVersion;
  readonly first: bigint;
  readonly last: bigint;
}

// --------------------------------------------------------------------- Python-like helpers

const MAX_TEXT = 4096;
export const V4_MAX = (1n << 32n) - 1n;
export const V6_MAX = (1n << 128n) - 1n;
const maxOf = (v: IpVersion): bigint => (v === 4 ? V4_MAX : V6_MAX);
const widthOf = (v: IpVersion): number => (v === 4 ? 32 : 128);

/** Python's `\s` (re, str.strip): ASCII whitespace, the separators \x1c-\x1f, and Unicode spaces. */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
export const PY_WS = new RegExp(`[${PY_SPACE}]`);
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

/** Python's `str.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, '');
}

/**
 * oslo_utils `bool_from_string(str(value), strict=True)`, what neutron-lib's `convert_to_boolean`
 * asks (`TRUE_STRINGS` / `FALSE_STRINGS` after strip and lower): the boolean, or undefined where
 * Neutron raises.
 */
export function pyBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined; // str() of a list, a dict or None is never a boolean word
  const lowered = pyStrip(pyStr(value)).toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(lowered)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(lowered)) return false;
  return undefined;
}
const PY_INT = new RegExp(`^[${PY_SPACE}]*([+-]?)([0-9](?:_?[0-9])*)[${PY_SPACE}]*$`);

/** Python's `int(str)` for ASCII digits (sign, surrounding whitespace, `_` between digits); undefined when it raises. */
export function pyInt(text: string): bigint | undefined {
  const m = PY_INT.exec(text);
  if (m === null) return undefined;
  const n = BigInt(m[2]!.replace(/_/g, ''));
  return m[1] === '-' ? -n : n;
}

/** How many characters a repr in a message may take: a hostile value (huge, deep, circular) stops there with `...`. */

/** Python's `'%s' % value`: a string as itself, anything else as its repr. */
export const pyStr = (value: unknown): string => (typeof value === 'string' ? value : pyRepr(value));

/** A string argument, or a 400 naming the field (never a TypeError). */
export function textArg(value: unknown, field: string, code: string): string {
  if (typeof value !== 'string') throw new InvalidInput(field, `expected a string, got ${describeValue(value)}.`, code);
  if (value.length > MAX_TEXT) throw new InvalidInput(field, `must be at most ${MAX_TEXT} characters, got ${value.length}.`, code);
  return value;
}

// ------------------------------------------------------------------- address text (libc)

const DIGIT = /^[0-9]$/;
const XDIGIT = /^[0-9a-fA-F]$/;
const C_SPACE = /^[ \t\n\v\f\r]$/;

/** glibc `inet_pton(AF_INET)`: exactly a.b.c.d, decimal, no leading zeros, each 0..255. */
export function inetPton4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

/** glibc `inet_aton`: 1..4 parts, each decimal, octal (0…) or hex (0x…), stops at whitespace. */
export function inetAton(s: string): bigint | undefined {
  const parts: bigint[] = [];
  let i = 0;
  let val = 0n;
  let digit = false;
  const at = (k: number): string => s[k] ?? '';
  for (;;) {
    if (!DIGIT.test(at(i))) return undefined;
    val = 0n;
    let base = 10n;
    digit = false;
    if (at(i) === '0') {
      i++;
      if (at(i) === 'x' || at(i) === 'X') {
        base = 16n;
        i++;
      } else {
        base = 8n;
        digit = true;
      }
    }
    for (;;) {
      const c = at(i);
      if (DIGIT.test(c)) {
        if (base === 8n && (c === '8' || c === '9')) return undefined;
        val = val * base + BigInt(c.charCodeAt(0) - 48);
      } else if (base === 16n && XDIGIT.test(c)) {
        val = (val << 4n) | BigInt(parseInt(c, 16));
      } else break;
      if (val > V4_MAX) return undefined;
      digit = true;
      i++;
    }
    if (at(i) === '.') {
      if (parts.length > 2 || val > 0xffn) return undefined;
      parts.push(val);
      i++;
    } else break;
  }
  if (!digit) return undefined;
  if (i < s.length && !C_SPACE.test(at(i))) return undefined;
  const limits = [V4_MAX, 0xffffffn, 0xffffn, 0xffn];
  if (val > limits[parts.length]!) return undefined;
  let out = val;
  parts.forEach((p, k) => {
    out |= p << BigInt(24 - 8 * k);
  });
  return out;
}

/** glibc `inet_pton(AF_INET6)`. */
export function inetPton6(s: string): bigint | undefined {
  const bytes = new Array<number>(16).fill(0);
  let tp = 0;
  let colonp = -1;
  let i = 0;
  if (s[0] === ':') {
    if (s[1] !== ':') return undefined;
    i = 1;
  }
  let curtok = i;
  let sawXdigit = false;
  let xdigits = 0;
  let val = 0;
  while (i < s.length) {
    const ch = s[i++]!;
    if (XDIGIT.test(ch)) {
      if (xdigits === 4) return undefined;
      val = (val << 4) | parseInt(ch, 16);
      xdigits++;
      sawXdigit = true;
      continue;
    }
    if (ch === ':') {
      curtok = i;
      if (!sawXdigit) {
        if (colonp !== -1) return undefined;
        colonp = tp;
        continue;
      } else if (i >= s.length) return undefined;
      if (tp + 2 > 16) return undefined;
      bytes[tp++] = (val >> 8) & 0xff;
      bytes[tp++] = val & 0xff;
      sawXdigit = false;
      xdigits = 0;
      val = 0;
      continue;
    }
    if (ch === '.' && tp + 4 <= 16) {
      const v4 = inetPton4(s.slice(curtok));
      if (v4 === undefined) return undefined;
      for (let k = 3; k >= 0; k--) bytes[tp++] = Number((v4 >> BigInt(8 * k)) & 0xffn);
      sawXdigit = false;
      i = s.length;
      break;
    }
    return undefined;
  }
  if (sawXdigit) {
    if (tp + 2 > 16) return undefined;
    bytes[tp++] = (val >> 8) & 0xff;
    bytes[tp++] = val & 0xff;
  }
  if (colonp !== -1) {
    if (tp === 16) return undefined;
    const n = tp - colonp;
    for (let k = 1; k <= n; k++) {
      bytes[16 - k] = bytes[colonp + n - k]!;
      bytes[colonp + n - k] = 0;
    }
    tp = 16;
  }
  if (tp !== 16) return undefined;
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/** A v4 value as a dotted quad (a value outside 0..2^32-1 prints its low 32 bits, through BigInt shifts as before). */
export function formatV4(v: bigint): string {
  // the common case through one Number: four BigInt shifts and masks cost ~10x more (every
  // allocation formats two or three addresses)
  if (v >= 0n && v <= V4_MAX) {
    const n = Number(v);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
}

/** glibc `inet_ntop(AF_INET6)` (netaddr's `ipv6_compact`): longest zero run of 2+ words, embedded v4 for ::a.b.c.d and ::ffff:a.b.c.d. */
export function formatV6(v: bigint): string {
  const words: number[] = [];
  for (let k = 7; k >= 0; k--) words.push(Number((v >> BigInt(16 * k)) & 0xffffn));
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let k = 0; k < 8; k++) {
    if (words[k] === 0) {
      if (curBase === -1) {
        curBase = k;
        curLen = 1;
      } else curLen++;
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase !== -1 && bestLen < 2) bestBase = -1;
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (bestBase !== -1 && k >= bestBase && k < bestBase + bestLen) {
      if (k === bestBase) out += ':';
      continue;
    }
    if (k !== 0) out += ':';
    if (k === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += formatV4(v & V4_MAX);
      break;
    }
    out += words[k]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** The canonical text of an address (dotted quad; v6 compact as netaddr prints it). */
export function formatAddress(value: bigint, version: IpVersion): string {
  return version === 4 ? formatV4(value) : formatV6(value);
}

/**
 * The value of a canonical dotted quad (four decimal parts of at most 255, no leading zeros,
 * nothing around them: what the allocator and the API store), which is what `inetAton` gives
 * for it, read in one pass over its characters; undefined for any other text (the full parse
 * decides). Every allocation reads one such address.
 */
function plainQuadValue(text: string): bigint | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return undefined; // a leading zero (octal to inet_aton)
      part = part * 10 + (c - 48);
      if (part > 255) return undefined;
      digits++;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return undefined;
  }
  if (digits === 0 || dots !== 3) return undefined;
  return BigInt(value * 256 + part);
}

/** netaddr 0.8 `IPAddress(text)` without flags (v4 through inet_aton, then v6 through inet_pton). */
export function netaddrAddress(text: string): { version: IpVersion; value: bigint } | undefined {
  const quad = plainQuadValue(text);
  if (quad !== undefined) return { version: 4, value: quad };
  if (text.includes('/')) return undefined; // netaddr raises ValueError; every caller treats it as a bad address
  const v4 = inetAton(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = inetPton6(text);
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

/** netaddr's `IPAddress(int)` without a version: v4 up to 2^32-1, else v6. */
export const inferVersion = (value: bigint): IpVersion => (value <= V4_MAX ? 4 : 6);

/** Python's comparison of two netaddr IPAddress objects: by (version, value). */
export function cmpKey(av: IpVersion, a: bigint, bv: IpVersion, b: bigint): number {
  if (av !== bv) return av - bv;
  return a < b ? -1 : a > b ? 1 : 0;
}

type NetParse = { ok: true; version: IpVersion; value: bigint; prefixlen: number } | { ok: false; python: 'AddrFormatError' | 'ValueError' };

function isNetmask(v: bigint, version: IpVersion): number | undefined {
  const w = widthOf(version);
  const inv = (v ^ maxOf(version)) + 1n;
  if ((inv & (inv - 1n)) === 0n) return w - (inv.toString(2).length - 1);
  return undefined;
}

function isHostmask(v: bigint, version: IpVersion): number | undefined {
  const n = v + 1n;
  if ((n & (n - 1n)) === 0n) return widthOf(version) - (n.toString(2).length - 1);
  return undefined;
}

/** netaddr 0.8 `parse_ip_network` for one version (INET_PTON for the address, partial v4 allowed). */
function parseNetworkAs(version: IpVersion, text: string): NetParse {
  const slash = text.indexOf('/');
  const val1 = slash === -1 ? text : text.slice(0, slash);
  const val2 = slash === -1 ? undefined : text.slice(slash + 1);
  let value: bigint | undefined;
  if (version === 4) {
    value = inetPton4(val1);
    if (value === undefined) {
      // _ipv4.expand_partial_address: int() of every dotted token, padded to four
      if (val1.includes(':')) return { ok: false, python: 'AddrFormatError' };
      const tokens = val1.split('.').map(pyInt);
      if (tokens.length < 1 || tokens.length > 4 || tokens.some((t) => t === undefined || t < 0n || t > 255n)) return { ok: false, python: 'AddrFormatError' };
      value = (tokens as bigint[]).concat([0n, 0n, 0n]).slice(0, 4).reduce((acc, t) => (acc << 8n) | t, 0n);
    }
  } else {
    value = inetPton6(val1);
    if (value === undefined) return { ok: false, python: 'AddrFormatError' };
  }
  const width = widthOf(version);
  let prefixlen: number;
  if (val2 === undefined) prefixlen = width;
  else {
    const n = pyInt(val2);
    if (n !== undefined) {
      if (n < 0n || n > BigInt(width)) return { ok: false, python: 'AddrFormatError' };
      prefixlen = Number(n);
    } else {
      if (val2.includes('/')) return { ok: false, python: 'ValueError' };
      const mask = version === 4 ? inetPton4(val2) : inetPton6(val2);
      if (mask === undefined) return { ok: false, python: 'AddrFormatError' };
      const p = isNetmask(mask, version) ?? isHostmask(mask, version);
      if (p === undefined) return { ok: false, python: 'AddrFormatError' };
      prefixlen = p;
    }
  }
  return { ok: true, version, value, prefixlen };
}

/** netaddr 0.8 `IPNetwork(text)`: v4 first, then v6 (only after an AddrFormatError). */
export function netaddrNetwork(text: string): NetParse {
  const v4 = parseNetworkAs(4, text);
  if (v4.ok || v4.python === 'ValueError') return v4;
  const v6 = parseNetworkAs(6, text);
  return v6.ok || v6.python === 'ValueError' ? v6 : { ok: false, python: 'AddrFormatError' };
}

export function networkOf(version: IpVersion, value: bigint, prefixlen: number): IpNetworkValue {
  const host = (1n << BigInt(widthOf(version) - prefixlen)) - 1n;
  const first = value & ~host & maxOf(version);
  return Object.freeze({ version, prefixlen, first, last: first | host, cidr: `${formatAddress(first, version)}/${prefixlen}` });
}

/** A CIDR the caller already holds in Neutron's form (internal: 400 naming the field when it is not one). */
export function cidrArg(value: unknown, field = 'cidr'): IpNetworkValue {
  const text = textArg(value, field, 'network.subnet.invalid_cidr');
  const n = netaddrNetwork(text);
  if (!n.ok) throw new NeutronInvalidInput('network.subnet.invalid_cidr', `${text} is not in a CIDR format`, field);
  return networkOf(n.version, n.value, n.prefixlen);
}

/** An address the caller already holds (internal: netaddr `IPAddress(text)`; 400 naming the field). */
export function addressArg(value: unknown, field: string): { version: IpVersion; value: bigint } {
  const text = textArg(value, field, 'network.ip.invalid_address');
  const a = netaddrAddress(text);
  if (a === undefined) throw new NeutronAttributeInvalid('network.ip.invalid_address', field, `'${text}' is not a valid IP address`);
  return a;
}

// ------------------------------------------------------------------- API-layer parsing

/**
 * A subnet's `cidr` as Neutron takes it: neutron-lib's `convert_cidr_to_canonical_format`, the
 * `type:subnet_or_none` validator, then `_create_subnet_precommit`'s "turn the CIDR into a
 * proper subnet" (host bits are cleared, not refused: `10.0.0.1/24` becomes `10.0.0.0/24`).
 * netaddr 0.8's leniency is kept: `10/8`, `10.1/16`, a netmask or hostmask after the slash,
 * leading zeros and surrounding whitespace in v4, a missing prefix (a /32 or /128).
 * A /0 passes here; `validateSubnetCidr` (subnets.ts) refuses it later, as Neutron does.
 *
 * Errors: `network.subnet.invalid_cidr` 400 "Invalid input for operation: X is not in a CIDR
 * format."; text netaddr fails on with a `ValueError` (a 500 in Neutron, e.g. `10.0.0.0/24/24`)
 * is an {@link IpamInputUnsupported} with the same message. Not simulated: Unicode digits
 * in the prefix (Python's `int()` takes them), non-string values (a 500 in Neutron; a 400 here).
 */
export function parseCidr(text: unknown, field = 'cidr'): IpNetworkValue {
  const t = textArg(text, field, 'network.subnet.invalid_cidr');
  const n = netaddrNetwork(t);
  if (!n.ok) {
    if (n.python === 'ValueError') throw new IpamInputUnsupported('network.subnet.invalid_cidr', `Invalid input for operation: ${t} is not in a CIDR format.`, 'ValueError', field);
    throw new NeutronInvalidInput('network.subnet.invalid_cidr', `${t} is not in a CIDR format`, field);
  }
  return networkOf(n.version, n.value, n.prefixlen);
}

/** neutron-lib `validate_ip_address` on a value (after `convert_ip_to_canonical_format`): the reason, or undefined. */
export function ipAddressReason(data: unknown): string | undefined {
  if (typeof data !== 'string' || PY_WS.test(data)) return `'${pyStr(data)}' is not a valid IP address`;
  const a = netaddrAddressZerofill(data);
  if (a === undefined) return `'${data}' is not a valid IP address`;
  if (!data.includes(':') && data.split('.').length - 1 !== 3) return `'${data}' is not a valid IP address`;
  if (a.version === 4 && formatV4(a.value) !== data) return `'${data}' is not an accepted IP address, '${formatV4(a.value)}' is recommended`;
  return undefined;
}

/** netaddr `IPAddress(text, flags=ZEROFILL)`: v4 tokens through int() and '%d' first, then inet_aton. */
function netaddrAddressZerofill(text: string): { version: IpVersion; value: bigint } | undefined {
  if (text.includes('/')) return undefined;
  const tokens = text.split('.').map(pyInt);
  if (tokens.every((t) => t !== undefined)) {
    const v4 = inetAton((tokens as bigint[]).map(String).join('.'));
    if (v4 !== undefined) return { version: 4, value: v4 };
  }
  const v6 = inetPton6(text);
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

/** neutron-lib `convert_ip_to_canonical_format`: a v6 address in compact form, anything else unchanged. */
export function canonicalIp(data: string): string {
  const a = netaddrAddress(data);
  return a !== undefined && a.version === 6 ? formatV6(a.value) : data;
}

/**
 * An address attribute (`gateway_ip`, a pool's `start`/`end`, a nameserver) as the API layer
 * takes it: `convert_ip_to_canonical_format` then `validate_ip_address`. A v4 address must be
 * a plain dotted quad (`010.0.0.1` is refused with "'010.0.0.1' is not an accepted IP address,
 * '10.0.0.1' is recommended"); a v6 address is returned compact.
 *
 * Errors: `network.ip.invalid_address` 400 "Invalid input for <field>. Reason: 'x' is not a
 * valid IP address." Not simulated: Neutron's message for a non-string (it prints the value);
 * here any non-string is refused naming the field.
 */
export function parseAddress(text: unknown, field = 'ip_address'): IpAddressValue {
  const t = textArg(text, field, 'network.ip.invalid_address');
  const converted = canonicalIp(t);
  const reason = ipAddressReason(converted);
  if (reason !== undefined) throw new NeutronAttributeInvalid('network.ip.invalid_address', field, reason);
  const a = netaddrAddress(converted)!;
  return Object.freeze({ version: a.version, value: a.value, address: formatAddress(a.value, a.version) });
}
