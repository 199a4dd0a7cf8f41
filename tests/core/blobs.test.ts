/**
 * The blob table (src/core/blobs.ts): bytes kept as base64, one string up to BLOB_CHUNK_BYTES
 * and chunks beyond (V8 holds at most ~2^29 characters in one string, so a 1 GiB image cannot
 * be one string). Reads accept any split into chunks and the single strings states were written
 * with before chunks existed; a corrupted row is a CloudError naming the blob, never a
 * RangeError or TypeError.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createCloud, CloudError, type Cloud } from '../../src/index.js';
import { getRow, setRow, putBlob, readBlob, releaseBlob, toBase64, type BlobRow } from '../../src/core/index.js';
import { BLOB_CHUNK_BYTES } from '../../src/core/blobs.js';

const put = (c: Cloud, bytes: Uint8Array) => c.kernel.transact('test.put', (tx) => putBlob(tx.draft.blobs, bytes));
/** Writes a row as a state from elsewhere (an older stacksim, a hand-edited JSON) might hold it. */
const plant = (c: Cloud, row: unknown) => c.kernel.transact('test.plant', (tx) => setRow(tx.draft.blobs, (row as BlobRow).id, row as BlobRow));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function pattern(n: number, salt = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((i + salt) * 2654435761) >>> 24;
  return out;
}

const SEED_SPLIT = 6501;
describe('blob rows', () => {
  it('small blobs are one base64 string, exactly as states were written before chunks', () => {
    const c = createCloud({ seed: 1, preset: 'empty' });
    const bytes = pattern(1000);
    const id = put(c, bytes);
    expect(getRow(c.state.blobs, id)).toEqual({ id: sha(bytes), size: 1000, refs: 1, data: Buffer.from(bytes).toString('base64') });
  });

  it(`any split into base64 chunks reads back the same bytes; a single string too (seed ${SEED_SPLIT})`, () => {
    const c = createCloud({ seed: 1, preset: 'empty' });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat({ max: 40 }), { maxLength: 6 }), (bytes, cuts) => {
        // chunks of whole 3-byte groups (each but the last unpadded), as BLOB_CHUNK_BYTES makes them
        const chunks: string[] = [];
        let at = 0;
        for (const cut of cuts) {
          const next = Math.min(bytes.length, at + cut * 3);
          chunks.push(toBase64(bytes.subarray(at, next)));
          at = next;
        }
        chunks.push(toBase64(bytes.subarray(at)));
        const id = sha(bytes);
        plant(c, { id, size: bytes.length, refs: 1, data: chunks });
        expect(readBlob(c.state.blobs, id)).toEqual(bytes);
        plant(c, { id, size: bytes.length, refs: 1, data: toBase64(bytes) });
        expect(readBlob(c.state.blobs, id)).toEqual(bytes);
      }),
      { seed: SEED_SPLIT, numRuns: 200 },
    );
  });

  it('a corrupted row is a 400 naming the blob (never a RangeError / TypeError), before anything is allocated', () => {
    const c = createCloud({ seed: 1, preset: 'empty' });
    const good = toBase64(pattern(9));
    const rows: unknown[] = [
      { size: 9, data: 'not base64!' },
      { size: 10, data: good },
      { size: -1, data: good },
      { size: 2 ** 53, data: good },
      { size: Number.NaN, data: good },
      { size: 9, data: [good, 42] },
      { size: 9, data: null },
      { size: 9, data: { 0: good } },
      { size: 9, data: [good.slice(0, 6), good.slice(6)] }, // split inside a quantum
      { size: 1e15, data: [good] },
    ];
    for (const [i, row] of rows.entries()) {
      const id = `bad${i}`;
      plant(c, { id, refs: 1, ...(row as object) });
      let thrown: unknown;
      try {
        readBlob(c.state.blobs, id);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, JSON.stringify(row)).toBeInstanceOf(CloudError);
      expect((thrown as CloudError).status).toBe(400);
      expect((thrown as CloudError).details.field).toBe(`blobs.${id}`);
    }
  });

  it('a blob larger than one chunk (48 MiB) is kept in chunks of BLOB_CHUNK_BYTES and reads back byte-identical', () => {
    const c = createCloud({ seed: 1, preset: 'empty' });
    const n = BLOB_CHUNK_BYTES + 1000;
    const bytes = pattern(n, 7);
    const id = put(c, bytes);
    const row = getRow(c.state.blobs, id) as BlobRow;
    expect(Array.isArray(row.data)).toBe(true);
    expect((row.data as string[]).map((s) => s.length)).toEqual([(BLOB_CHUNK_BYTES / 3) * 4, Math.ceil(1000 / 3) * 4]);
    const back = readBlob(c.state.blobs, id);
    expect(back.length).toBe(n);
    expect(Buffer.compare(back, bytes)).toBe(0);
    c.kernel.transact('test.release', (tx) => releaseBlob(tx.draft.blobs, id));
    expect(getRow(c.state.blobs, id)).toBeUndefined();
  }, 20_000);
});
