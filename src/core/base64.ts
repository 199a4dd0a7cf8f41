/**
 * Base64 (RFC 4648 §4, with padding) without Node's `Buffer`, so it runs in browsers as well.
 *
 * Linear in time and bounded in memory: encoding writes four ASCII bytes per three input bytes
 * into one `Uint8Array` through a 4 096-entry table of character pairs, then turns that buffer
 * into a string with one `TextDecoder` call (pure ASCII, so V8 makes a one-byte string: one byte
 * per character); decoding reads the string's code units through a table of character pairs
 * straight into the output bytes. Peak memory is the input, the output and (encoding) one
 * buffer of the output's length. Measured in `bench/bytes.bench.ts` against the alternatives
 * (chunked `String.fromCharCode` + `btoa`, `atob` + `charCodeAt`): this was the fastest.
 *
 * A JavaScript string holds at most about 2^29 characters in V8, so one base64 string holds at
 * most {@link BASE64_MAX_BYTES} bytes; larger data is kept as several strings (`src/core/blobs.ts`).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 61; // '='

/** The most bytes one base64 string may encode: 2^29 − 24 characters (V8's limit), rounded down to whole quanta. */
export const BASE64_MAX_BYTES = Math.floor((2 ** 29 - 24) / 4) * 3;

/** The standard `TextDecoder` (every browser, Node ≥ 11), declared here because src/ builds without the DOM library. */
declare const TextDecoder: new (label: string) => { decode(bytes: Uint8Array): string };

// Constant tables, built once at load from the alphabet and never written again: the same in
// every cloud and every run (no state is derived here, so nothing belongs in a memo).
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** 12 bits → their two characters, as the two bytes of one Uint16 in the platform's byte order. */
const PAIRS = new Uint16Array(4096);
/** Two characters (`c0 << 8 | c1`, each below 256) → their 12 bits, or −1 when either is not in the alphabet. */
const UNPAIRS = new Int16Array(65536).fill(-1);
for (let i = 0; i < 4096; i++) {
  const a = ALPHABET.charCodeAt(i >> 6);
  const b = ALPHABET.charCodeAt(i & 63);
  PAIRS[i] = LITTLE_ENDIAN ? a | (b << 8) : (a << 8) | b;
  UNPAIRS[(a << 8) | b] = i;
}
/** The text of pure ASCII bytes (UTF-8's fast path: a one-byte string, one byte per character). */
const ASCII = new TextDecoder('utf-8');

/** The length of the base64 text of `n` bytes. */
export function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

/**
 * Encodes bytes as base64. Throws a `RangeError` past {@link BASE64_MAX_BYTES} bytes (the text
 * would not fit in one string): use {@link toBase64Chunks} for such data.
 */
export function toBase64(bytes: Uint8Array): string {
  if (bytes.length > BASE64_MAX_BYTES) throw new RangeError(`toBase64: ${bytes.length} bytes exceed one string's ${BASE64_MAX_BYTES}; use toBase64Chunks.`);
  return bytes.length === 0 ? '' : encodeWith(bytes, new Uint8Array(base64Length(bytes.length)));
}

/**
 * Encodes bytes as base64 strings of `chunkBytes` bytes each (the last one shorter), a
 * multiple of 3 so that only the last is padded: their concatenation is {@link toBase64} of
 * the whole. One scratch buffer serves every chunk, so encoding holds one chunk's text beyond
 * the strings it returns.
 */
export function toBase64Chunks(bytes: Uint8Array, chunkBytes: number): string[] {
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0 || chunkBytes % 3 !== 0 || chunkBytes > BASE64_MAX_BYTES) throw new RangeError(`toBase64Chunks: chunkBytes must be a positive multiple of 3 up to ${BASE64_MAX_BYTES}, got ${chunkBytes}.`);
  if (bytes.length === 0) return [''];
  const scratch = new Uint8Array(base64Length(Math.min(bytes.length, chunkBytes)));
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) out.push(encodeWith(bytes.subarray(at, at + chunkBytes), scratch));
  return out;
}

/** Writes the base64 of `bytes` (not empty) into the start of `scratch` and returns it as a string. */
function encodeWith(bytes: Uint8Array, scratch: Uint8Array): string {
  const n = bytes.length;
  const length = base64Length(n);
  const words = new Uint16Array(scratch.buffer, scratch.byteOffset, length >> 1);
  const full = n - (n % 3);
  let w = 0;
  for (let i = 0; i < full; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    words[w++] = PAIRS[v >>> 12] as number;
    words[w++] = PAIRS[v & 4095] as number;
  }
  if (full < n) {
    const two = n - full === 2;
    const v = ((bytes[full] as number) << 16) | (two ? (bytes[full + 1] as number) << 8 : 0);
    let o = w * 2;
    scratch[o++] = ALPHABET.charCodeAt(v >>> 18);
    scratch[o++] = ALPHABET.charCodeAt((v >>> 12) & 63);
    scratch[o++] = two ? ALPHABET.charCodeAt((v >>> 6) & 63) : PAD;
    scratch[o] = PAD;
  }
  // the decoder copies: the scratch may be written again at once
  return ASCII.decode(length === scratch.length ? scratch : scratch.subarray(0, length));
}

/** How many bytes `text` decodes to, or undefined when its length or padding is not base64's. */
export function base64DecodedLength(text: string): number | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - pad;
}

/**
 * Decodes `text` into `out` from `offset` (which must leave room for
 * {@link base64DecodedLength} bytes); returns the number of bytes written, or undefined when
 * the text is not base64 (a character outside the alphabet, a misplaced `=`), in which case
 * `out` may hold part of the bytes.
 */
export function decodeBase64Into(text: string, out: Uint8Array, offset = 0): number | undefined {
  const length = base64DecodedLength(text);
  if (length === undefined || offset < 0 || offset + length > out.length) return undefined;
  if (length === 0) return 0;
  const pad = (text.length / 4) * 3 - length;
  const body = pad === 0 ? text.length : text.length - 4;
  let o = offset;
  let bad = 0;
  let wide = 0;
  for (let i = 0; i < body; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    wide |= c0 | c1 | c2 | c3;
    // masked to stay inside the table; a code unit above 255 is caught through `wide`
    const v = ((UNPAIRS[((c0 << 8) | c1) & 0xffff] as number) << 12) | (UNPAIRS[((c2 << 8) | c3) & 0xffff] as number);
    bad |= v;
    out[o] = v >> 16;
    out[o + 1] = v >> 8;
    out[o + 2] = v;
    o += 3;
  }
  if (bad < 0 || wide > 255) return undefined;
  if (pad !== 0) {
    // the last quantum: `xx==` (one byte) or `xxx=` (two bytes)
    const hi = UNPAIRS[((text.charCodeAt(body) << 8) | text.charCodeAt(body + 1)) & 0xffff] as number;
    const c2 = text.charCodeAt(body + 2);
    const lo = pad === 1 ? ALPHABET.indexOf(text[body + 2] as string) : 0;
    if (hi < 0 || lo < 0 || text.charCodeAt(body) > 255 || text.charCodeAt(body + 1) > 255 || (pad === 2 && c2 !== PAD)) return undefined;
    const v = (hi << 12) | (lo << 6);
    out[o++] = v >> 16;
    if (pad === 1) out[o++] = (v >> 8) & 255;
  }
  return o - offset;
}

/** Decodes base64; returns undefined when the text is not valid base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  const length = base64DecodedLength(text);
  if (length === undefined) return undefined;
  const out = new Uint8Array(length);
  return decodeBase64Into(text, out) === undefined ? undefined : out;
}
