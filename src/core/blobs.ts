/**
 * The content-addressed blob table: object data, image data and volume blocks live here as
 * base64 text keyed by their SHA-256, with a reference count. Immer neither drafts nor freezes
 * typed arrays and JSON mangles them, so bytes never sit in the state as `Uint8Array`; every
 * read returns a fresh copy the caller may mutate freely.
 *
 * A JavaScript string holds at most about 2^29 characters (V8), so a blob larger than
 * {@link BLOB_CHUNK_BYTES} is kept as several base64 strings of that many bytes each (a 1 GiB
 * cloud image is 22 of them). Every step is linear in the size and copies the bytes once:
 * SHA-256 once, then base64 (src/core/base64.ts) per chunk; a read decodes each chunk straight
 * into the one output array.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { base64DecodedLength, decodeBase64Into, toBase64, toBase64Chunks } from './base64.js';
import { deleteRow, getRow, setRow, type Table } from './table.js';
import { InvalidInput, NotFound } from './errors.js';

/**
 * Bytes per chunk of a large blob: 48 MiB, 64 Mi characters of base64 (a multiple of 3 bytes,
 * so only the last chunk is padded). Blobs up to this size are one string.
 */
export const BLOB_CHUNK_BYTES = 48 * 2 ** 20;

/** One stored blob. */
export interface BlobRow {
  /** Lowercase hex SHA-256 of the bytes: the blob's key. */
  readonly id: string;
  readonly size: number;
  /** How many holders (objects, images, volumes) refer to it; it is dropped at zero. */
  readonly refs: number;
  /**
   * The bytes as base64: one string up to {@link BLOB_CHUNK_BYTES} bytes, else the chunks in
   * order, each of {@link BLOB_CHUNK_BYTES} bytes but the last (any split reads back the same).
   */
  readonly data: string | readonly string[];
}

/** Bytes or a string (taken as UTF-8). */
export type BlobInput = Uint8Array | string;

/** The bytes of a blob input: a string is UTF-8 encoded; anything else is refused. */
export function blobBytes(input: unknown, field = 'data'): Uint8Array {
  if (typeof input === 'string') return utf8ToBytes(input);
  if (input instanceof Uint8Array) return input;
  throw new InvalidInput(field, 'expected a Uint8Array or a string.');
}

/** Stores bytes (or adds a reference to identical bytes) and returns the blob id. Mutates. */
export function putBlob(blobs: Table<BlobRow>, bytes: Uint8Array): string {
  const id = bytesToHex(sha256(bytes));
  const existing = getRow(blobs, id);
  if (existing) setRow(blobs, id, { ...existing, refs: existing.refs + 1 });
  else setRow(blobs, id, { id, size: bytes.length, refs: 1, data: encodeBlob(bytes) });
  return id;
}

/** The base64 of a blob's bytes: one string, or chunks of {@link BLOB_CHUNK_BYTES} bytes. */
function encodeBlob(bytes: Uint8Array): string | string[] {
  return bytes.length <= BLOB_CHUNK_BYTES ? toBase64(bytes) : toBase64Chunks(bytes, BLOB_CHUNK_BYTES);
}

/** Adds a reference to a stored blob (a clone sharing its bytes), without reading them. Mutates. */
export function retainBlob(blobs: Table<BlobRow>, id: string): void {
  const existing = getRow(blobs, id);
  if (!existing) throw new NotFound('core.blob.not_found', `No blob '${id}'.`, { id });
  setRow(blobs, id, { ...existing, refs: existing.refs + 1 });
}

/** Drops one reference; the blob disappears with the last one. Mutates. */
export function releaseBlob(blobs: Table<BlobRow>, id: string): void {
  const existing = getRow(blobs, id);
  if (!existing) throw new NotFound('core.blob.not_found', `No blob '${id}'.`, { id });
  if (existing.refs <= 1) deleteRow(blobs, id);
  else setRow(blobs, id, { ...existing, refs: existing.refs - 1 });
}

/** A fresh copy of a blob's bytes (a state written before chunks, one string per blob, reads the same). */
export function readBlob(blobs: Table<BlobRow>, id: string): Uint8Array {
  const row = getRow(blobs, id);
  if (!row) throw new NotFound('core.blob.not_found', `No blob '${id}'.`, { id });
  const corrupted = (why: string) => new InvalidInput(`blobs.${id}`, `the stored data ${why} (corrupted state).`);
  const data: unknown = row.data;
  const chunks: readonly unknown[] = typeof data === 'string' ? [data] : Array.isArray(data) ? data : [];
  if (chunks.length === 0 && row.size !== 0) throw corrupted('is neither a base64 string nor an array of them');
  // the size the text holds, checked before anything is allocated
  let size = 0;
  for (const chunk of chunks) {
    const n = typeof chunk === 'string' ? base64DecodedLength(chunk) : undefined;
    if (n === undefined) throw corrupted('is not valid base64');
    size += n;
  }
  if (size !== row.size) throw corrupted(`holds ${size} bytes, but the blob's size is ${String(row.size)}`);
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    const n = decodeBase64Into(chunk as string, out, at);
    if (n === undefined) throw corrupted('is not valid base64');
    at += n;
  }
  return out;
}
