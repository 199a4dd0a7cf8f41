/**
 * The content-addressed blob table: object data, image data and volume blocks live here as
 * base64 strings keyed by their SHA-256, with a reference count. Immer neither drafts nor freezes
 * typed arrays and JSON mangles them, so bytes never sit in the state as `Uint8Array`; every
 * read returns a fresh copy the caller may mutate freely.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { toBase64, fromBase64 } from './base64.js';
import { deleteRow, getRow, setRow, type Table } from './table.js';
import { InvalidInput, NotFound } from './errors.js';

/** One stored blob. */
export interface BlobRow {
  /** Lowercase hex SHA-256 of the bytes: the blob's key. */
  readonly id: string;
  readonly size: number;
  /** How many holders (objects, images, volumes) refer to it; it is dropped at zero. */
  readonly refs: number;
  readonly data: string;
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
  else setRow(blobs, id, { id, size: bytes.length, refs: 1, data: toBase64(bytes) });
  return id;
}

/** Drops one reference; the blob disappears with the last one. Mutates. */
export function releaseBlob(blobs: Table<BlobRow>, id: string): void {
  const existing = getRow(blobs, id);
  if (!existing) throw new NotFound('core.blob.not_found', `No blob '${id}'.`, { id });
  if (existing.refs <= 1) deleteRow(blobs, id);
  else setRow(blobs, id, { ...existing, refs: existing.refs - 1 });
}

/** A fresh copy of a blob's bytes. */
export function readBlob(blobs: Table<BlobRow>, id: string): Uint8Array {
  const row = getRow(blobs, id);
  if (!row) throw new NotFound('core.blob.not_found', `No blob '${id}'.`, { id });
  const bytes = fromBase64(row.data);
  if (!bytes) throw new InvalidInput(`blobs.${id}`, 'the stored data is not valid base64 (corrupted state).');
  return bytes;
}
