/**
 * Volume content: what a guest (or a test) writes to a volume and reads back. A volume's bytes are
 * blocks of `backup_swift_block_size` (32 KiB, the granularity Cinder's chunked backup driver
 * compares for incremental backups); only written blocks are stored, each as a content-addressed
 * blob (DESIGN §2: base64, reference-counted), indexed `<owner id>/<block index>` in the `blocks`
 * table. An unwritten block reads as zeros, and a block written with zeros is dropped again, so
 * a 1 GiB volume with 1 % of it written holds 1 % of its blocks: clones, snapshots and backups
 * cost what was written, not the volume's size. A snapshot holds its own map of the blocks
 * (sharing the blobs), as a copy-on-write snapshot shares extents.
 *
 * Not simulated: the bytes' layout on the backend (LVM extents, RBD objects, NFS files).
 */
import { InvalidInput, deleteRow, describeValue, getRow, putBlob, readBlob, releaseBlob, retainBlob, setRow, tablePrefix, type CloudState, type Tx } from '../core/index.js';

/** Bytes per block: `backup_swift_block_size`, 32 KiB. */
export const BLOCK_SIZE = 32_768;
/** The most bytes one read or write may move (64 MiB): a larger range is a 400 asking for pieces. */
export const MAX_IO_BYTES = 64 * 2 ** 20;
const GIB = 2 ** 30;

/** The `blocks` key of block `index` of `owner` (a volume or snapshot id). */
export function blockKey(owner: string, index: number): string {
  return `${owner}/${index.toString(36).padStart(8, '0')}`;
}

/** The written blocks of `owner`, in index order: `[index, blob id]`. */
export function writtenBlocks(s: CloudState, owner: string): [number, string][] {
  return tablePrefix(s.block.blocks, `${owner}/`).map(([key, blob]) => [parseInt(key.slice(owner.length + 1), 36), blob]);
}

/** How many blocks of `owner` are written. */
export function writtenCount(s: CloudState, owner: string): number {
  return tablePrefix(s.block.blocks, `${owner}/`).length;
}

/** Checks an I/O range against a volume of `sizeGb`: integers, inside the volume, at most {@link MAX_IO_BYTES}. */
export function checkRange(offset: unknown, length: number, sizeGb: number, field = 'offset'): number {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw new InvalidInput(field, `expected a byte offset (an integer ≥ 0), got ${describeValue(offset)}.`, 'block.data.invalid_offset');
  if (length > MAX_IO_BYTES) throw new InvalidInput('length', `at most ${MAX_IO_BYTES} bytes per call; got ${length}: read or write in pieces.`, 'block.data.too_large');
  if (offset + length > sizeGb * GIB) throw new InvalidInput(field, `the range ${offset}..${offset + length} ends past the volume's ${sizeGb} GiB (${sizeGb * GIB} bytes).`, 'block.data.out_of_range');
  return offset;
}

const isZero = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0);

/** The bytes of one block of `owner` (a fresh copy; zeros when unwritten). */
export function readBlock(s: CloudState, owner: string, index: number): Uint8Array {
  const blob = getRow(s.block.blocks, blockKey(owner, index));
  return blob === undefined ? new Uint8Array(BLOCK_SIZE) : readBlob(s.blobs, blob);
}

/** Sets one block (zeros drop it); returns the change in the owner's written block count. Mutates. */
export function putBlock(tx: Tx, owner: string, index: number, bytes: Uint8Array): number {
  const key = blockKey(owner, index);
  const old = getRow(tx.draft.block.blocks, key);
  if (isZero(bytes)) {
    if (old === undefined) return 0;
    releaseBlob(tx.draft.blobs, old);
    deleteRow(tx.draft.block.blocks, key);
    return -1;
  }
  const blob = putBlob(tx.draft.blobs, bytes);
  if (old !== undefined) releaseBlob(tx.draft.blobs, old);
  setRow(tx.draft.block.blocks, key, blob);
  return old === undefined ? 1 : 0;
}

/** Writes `data` at `offset` (read-modify-write of partial blocks); returns the change in written blocks. Mutates. */
export function writeBytes(tx: Tx, owner: string, offset: number, data: Uint8Array): number {
  let delta = 0;
  let at = 0;
  while (at < data.length) {
    const pos = offset + at;
    const index = Math.floor(pos / BLOCK_SIZE);
    const within = pos - index * BLOCK_SIZE;
    const n = Math.min(BLOCK_SIZE - within, data.length - at);
    const block = n === BLOCK_SIZE ? data.slice(at, at + n) : readBlock(tx.draft, owner, index);
    if (n !== BLOCK_SIZE) block.set(data.subarray(at, at + n), within);
    delta += putBlock(tx, owner, index, block);
    at += n;
  }
  return delta;
}

/**
 * `length` bytes of `owner` from `offset` (zeros where unwritten). Looks up only the blocks the range
 * covers (`first`..`last`, one `getRow` each, at most {@link MAX_IO_BYTES} / {@link BLOCK_SIZE} of
 * them), so a read costs the range, not how much of the volume is written.
 */
export function readBytes(s: CloudState, owner: string, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (length === 0) return out;
  const first = Math.floor(offset / BLOCK_SIZE);
  const last = Math.floor((offset + length - 1) / BLOCK_SIZE);
  for (let index = first; index <= last; index++) {
    const blob = getRow(s.block.blocks, blockKey(owner, index));
    if (blob === undefined) continue;
    const bytes = readBlob(s.blobs, blob);
    const start = index * BLOCK_SIZE;
    const from = Math.max(offset, start);
    const to = Math.min(offset + length, start + BLOCK_SIZE);
    out.set(bytes.subarray(from - start, to - start), from - offset);
  }
  return out;
}

/** Makes `to`'s blocks a copy of `from`'s (sharing the blobs), dropping what `to` held; returns `to`'s written count. Mutates. */
export function copyBlocks(tx: Tx, from: string, to: string): number {
  dropBlocks(tx, to);
  const source = tablePrefix(tx.draft.block.blocks, `${from}/`);
  for (const [key, blob] of source) {
    retainBlob(tx.draft.blobs, blob);
    setRow(tx.draft.block.blocks, `${to}/${key.slice(from.length + 1)}`, blob);
  }
  return source.length;
}

/** Drops every block of `owner`; returns how many there were. Mutates. */
export function dropBlocks(tx: Tx, owner: string): number {
  const held = tablePrefix(tx.draft.block.blocks, `${owner}/`);
  for (const [key, blob] of held) {
    releaseBlob(tx.draft.blobs, blob);
    deleteRow(tx.draft.block.blocks, key);
  }
  return held.length;
}
