/**
 * Base64 (src/core/base64.ts): RFC 4648 with padding, byte-identical to Node's encoder on any
 * bytes, strict on the way back (any text that is not base64 is `undefined`, never a throw), and
 * linear: a large payload encodes and decodes at memory speed, not a character at a time.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Buffer } from 'node:buffer';
import { core } from '../../src/index.js';
import { toBase64Chunks } from '../../src/core/base64.js';

const { toBase64, fromBase64 } = core;

const SEED_RT = 6401;
describe('base64', () => {
  it(`round-trips any bytes and matches Node's encoder (seed ${SEED_RT})`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const text = toBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(fromBase64(text)).toEqual(bytes);
      }),
      { seed: SEED_RT, numRuns: 500 },
    );
  });

  it(`chunks of a multiple of 3 bytes concatenate to the whole text, each chunk valid on its own (seed ${SEED_RT + 1})`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.integer({ min: 1, max: 40 }), (bytes, k) => {
        const chunks = toBase64Chunks(bytes, 3 * k);
        expect(chunks.join('')).toBe(toBase64(bytes));
        expect(chunks).toHaveLength(Math.max(1, Math.ceil(bytes.length / (3 * k))));
        for (const c of chunks.slice(0, -1)) expect(c.endsWith('=')).toBe(false);
        expect(chunks.map((c) => [...(fromBase64(c) as Uint8Array)]).flat()).toEqual([...bytes]);
      }),
      { seed: SEED_RT + 1, numRuns: 300 },
    );
    for (const bad of [0, -3, 4, 1.5, Number.NaN]) expect(() => toBase64Chunks(new Uint8Array(3), bad)).toThrow(RangeError);
  });

  it('known vectors (RFC 4648 §10)', () => {
    const vectors: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [plain, encoded] of vectors) {
      expect(toBase64(new TextEncoder().encode(plain))).toBe(encoded);
      expect(new TextDecoder().decode(fromBase64(encoded))).toBe(plain);
    }
    expect(toBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('+/+/');
  });

  it('anything that is not base64 is undefined (length, alphabet, padding, wide characters)', () => {
    const bad = ['a', 'abc', 'abcde', 'ab!=', 'ab=c', 'a===', '====', '=abc', 'ab c', 'ab\ncd==', 'Zg=\u0000', 'Zm9\u0176', '\u0141\u0141\u0141\u0141', 'Zm9v\u5a6dYmFy'.slice(0, 8), 'Zm==Zm9v', `${'A'.repeat(400)}\u0100AAA`];
    for (const text of bad) expect(fromBase64(text), JSON.stringify(text)).toBeUndefined();
    // code units that alias an alphabet character modulo 256 ('Z' + 256) are refused too
    expect(fromBase64(`Zm9v${String.fromCharCode(0x5a + 256)}m9v`)).toBeUndefined();
    expect(fromBase64(`Zm${String.fromCharCode(0x39 + 256)}=`)).toBeUndefined();
  });

  // the encoder this replaced took 15–36 s and ~3.8 GB for 64 MiB (a character at a time); throughput is in bench/bytes.bench.ts
  it('encodes and decodes 64 MiB and a padded tail: byte-identical to Node', () => {
    const n = 64 * 2 ** 20 + 1; // a padded tail too
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = (i * 2654435761) >>> 24;
    const text = toBase64(bytes);
    expect(text.length).toBe(Math.ceil(n / 3) * 4);
    expect(text === Buffer.from(bytes.buffer, 0, n).toString('base64')).toBe(true);
    const back = fromBase64(text) as Uint8Array;
    expect(back.length).toBe(n);
    expect(Buffer.compare(back, bytes)).toBe(0);
  }, 30_000);
});
