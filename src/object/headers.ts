/**
 * Request headers as Swift's proxy reads them: case-insensitive names, user metadata
 * (`X-<Type>-Meta-*`), removal headers, and the limits of `swift/common/constraints.py`.
 */
import { InvalidInput, check } from '../core/index.js';
import type { Metadata } from './types.js';

/**
 * `swift/common/constraints.py` defaults (Zed). Every length is in UTF-8 bytes, as Swift counts
 * them (the proxy sees names and header values as WSGI strings, one character per byte): a name of
 * 1 024 `é` is 2 048 bytes, over `max_object_name_length`.
 */
export const CONSTRAINTS = Object.freeze({
  max_file_size: 5_368_709_122,
  max_meta_name_length: 128,
  max_meta_value_length: 256,
  max_meta_count: 90,
  max_meta_overall_size: 4096,
  max_header_size: 8192,
  max_object_name_length: 1024,
  max_container_name_length: 256,
  max_account_name_length: 256,
});

/** Headers of a request: name → value (names case-insensitive, as in HTTP). */
export type Headers = Readonly<Record<string, string>>;

/** Checked headers: lower-case name → value. */
export type HeaderMap = ReadonlyMap<string, string>;

/**
 * The length of a string in UTF-8 bytes, which is how Swift measures every limit (a lone surrogate
 * counts as the 3 bytes of its replacement; `check_utf8` refuses it anyway).
 */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * A string of at most `maxBytes` UTF-8 bytes (possibly empty): 400 naming the field otherwise.
 * The object service's version of `check.text`, whose limit counts characters.
 */
export function checkText(value: unknown, field: string, maxBytes: number): string {
  if (typeof value !== 'string') throw new InvalidInput(field, `expected a string, got ${value === null ? 'null' : typeof value}.`);
  // a character is at most 3 bytes per UTF-16 unit: short strings need no count
  if (value.length * 3 > maxBytes) {
    const bytes = utf8Length(value);
    if (bytes > maxBytes) throw new InvalidInput(field, `must be at most ${maxBytes} bytes in UTF-8, got ${bytes}.`);
  }
  return value;
}

/** Whether `text` is longer than `max` UTF-8 bytes (without counting a string that cannot be). */
const overBytes = (text: string, max: number): boolean => text.length > max || (text.length * 3 > max && utf8Length(text) > max);

/** Checks a headers object: every value a string no longer than `max_header_size` bytes. */
export function checkHeaders(value: unknown, field = 'headers'): HeaderMap {
  const out = new Map<string, string>();
  if (value === undefined) return out;
  const rec = check.record(value, field);
  for (const [name, v] of Object.entries(rec)) {
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new InvalidInput(`${field}.${name}`, `expected a string header value, got ${typeof v}.`);
    if (overBytes(v, CONSTRAINTS.max_header_size)) throw new InvalidInput(`${field}.${name}`, `Header value too long: ${name.slice(0, CONSTRAINTS.max_meta_name_length)} (more than ${CONSTRAINTS.max_header_size} bytes in UTF-8).`);
    if (name === '' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new InvalidInput(`${field}.${name}`, 'is not a valid HTTP header name.');
    out.set(name.toLowerCase(), v);
  }
  return out;
}

/** Swift's `check_utf8`: refuses NUL and text that is not valid UTF-8 (a lone surrogate). */
export function validUtf8(text: string): boolean {
  return !text.includes('\u0000') && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** Checks a container name (400 as Swift's `check_container_format` and the proxy's length check, in UTF-8 bytes). */
export function checkContainerName(value: unknown, field = 'container'): string {
  if (typeof value !== 'string' || value === '') throw new InvalidInput(field, 'a container name is a non-empty string.');
  if (overBytes(value, CONSTRAINTS.max_container_name_length)) throw new InvalidInput(field, `Container name length of ${utf8Length(value)} longer than ${CONSTRAINTS.max_container_name_length} (bytes in UTF-8).`);
  if (value.includes('/')) throw new InvalidInput(field, "a container name cannot contain '/'.");
  if (!validUtf8(value)) throw new InvalidInput(field, 'Invalid UTF8 or contains NULL.');
  return value;
}

/** Checks an object name (400 as `check_object_creation`, its length in UTF-8 bytes). */
export function checkObjectName(value: unknown, field = 'object'): string {
  if (typeof value !== 'string' || value === '') throw new InvalidInput(field, 'an object name is a non-empty string.');
  if (overBytes(value, CONSTRAINTS.max_object_name_length)) throw new InvalidInput(field, `Object name length of ${utf8Length(value)} longer than ${CONSTRAINTS.max_object_name_length} (bytes in UTF-8).`);
  if (!validUtf8(value)) throw new InvalidInput(field, 'Invalid UTF8 or contains NULL.');
  return value;
}

/**
 * The user metadata a request sets for a target (`account`, `container`, `object`): the
 * `X-<Target>-Meta-<Name>` headers, with the case the client gave (Swift title-cases names).
 * Removals: `X-Remove-<Target>-Meta-<Name>` or an empty value.
 */
export function metadataOf(headers: HeaderMap, target: 'account' | 'container' | 'object'): { set: Map<string, string>; remove: Set<string> } {
  const prefix = `x-${target}-meta-`;
  const removePrefix = `x-remove-${target}-meta-`;
  const set = new Map<string, string>();
  const remove = new Set<string>();
  for (const [name, value] of headers) {
    if (name.startsWith(removePrefix)) {
      const key = name.slice(removePrefix.length);
      if (key !== '') remove.add(key);
      continue;
    }
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    if (key === '') throw new InvalidInput(`headers.X-${title(target)}-Meta-`, 'Metadata name cannot be empty.');
    if (!validUtf8(key) || !validUtf8(value)) throw new InvalidInput(`headers.${headerName(target, key)}`, 'Metadata must be valid UTF-8.');
    if (value === '') remove.add(key);
    else set.set(key, value);
  }
  return { set, remove };
}

const title = (s: string): string => s.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

/** `X-Object-Meta-Color` from (`object`, `color`): the name as Swift returns it. */
export const headerName = (target: string, key: string): string => `X-${title(target)}-Meta-${title(key)}`;

/**
 * Checks a metadata set against Swift's limits (count, name and value lengths, overall size, all
 * in UTF-8 bytes as `check_metadata` and the servers' `validate_metadata` count them); 400 naming
 * the header. Keys are the lower-case names after the prefix.
 */
export function checkMetadataLimits(metadata: Metadata, target: 'account' | 'container' | 'object'): void {
  let count = 0;
  let size = 0;
  for (const [key, value] of Object.entries(metadata)) {
    const name = headerName(target, key);
    const keyBytes = utf8Length(key);
    const valueBytes = utf8Length(value);
    count++;
    size += keyBytes + valueBytes;
    if (keyBytes > CONSTRAINTS.max_meta_name_length) throw new InvalidInput(`headers.${name}`, `Metadata name too long: ${name} (max ${CONSTRAINTS.max_meta_name_length}).`);
    if (valueBytes > CONSTRAINTS.max_meta_value_length) throw new InvalidInput(`headers.${name}`, `Metadata value longer than ${CONSTRAINTS.max_meta_value_length}: ${name}.`);
    if (count > CONSTRAINTS.max_meta_count) throw new InvalidInput(`headers.${name}`, `Too many metadata items; max ${CONSTRAINTS.max_meta_count}.`);
    if (size > CONSTRAINTS.max_meta_overall_size) throw new InvalidInput(`headers.${name}`, `Total metadata too large; max ${CONSTRAINTS.max_meta_overall_size}.`);
  }
}

/** Applies a request's metadata to what is stored: sets, then removals (POST to an account or container). */
export function mergeMetadata(stored: Metadata, change: { set: Map<string, string>; remove: Set<string> }): Metadata {
  const out: Record<string, string> = { ...stored };
  for (const [k, v] of change.set) out[k] = v;
  for (const k of change.remove) delete out[k];
  return out;
}

/** Metadata as response headers (`X-Container-Meta-Color: blue`). */
export function metadataHeaders(metadata: Metadata, target: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) out[headerName(target, k)] = v;
  return out;
}

/** A non-negative integer header (`X-Container-Meta-Quota-Bytes`, `X-Delete-After`…), or 400. */
export function integerHeader(headers: HeaderMap, name: string, what: string): number | undefined {
  const raw = headers.get(name.toLowerCase());
  if (raw === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(raw)) throw new InvalidInput(`headers.${name}`, `${what}: expected a non-negative integer, got '${raw}'.`);
  return Number(raw.trim());
}

/** A `Range: bytes=…` header with one range, as offsets into `size` bytes; null when absent or not a byte range (Swift then sends the whole object). */
export function parseRange(value: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (value === undefined) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value);
  if (m === null) {
    if (/^\s*bytes\s*=.*,/.test(value)) throw new InvalidInput('headers.Range', 'multiple byte ranges (multipart/byteranges) are not simulated; ask for one range.');
    return null;
  }
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(size - n, 0), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== '' && Number(b) < start) return null; // an invalid range is ignored (RFC 7233), as Swift does
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
