/**
 * A volume's content as its guest writes and reads it: stacksim's own calls (Cinder has no data
 * API; the content is what `cinder/volume/drivers/lvm.py` would hold in the logical volume, in
 * 32 KiB blocks, `blocks.ts`), checked as `cinder/volume/api.py` checks a volume's status.
 *
 * Not simulated: I/O throttling (front-end QoS), encryption.
 */
import { InvalidInput, blobBytes, describeValue, setRow, type Tx } from '../core/index.js';
import { adjustPool } from './backends.js';
import { checkRange, readBytes, writeBytes } from './blocks.js';
import { enforce, targetOf, type Ctx } from './context.js';
import { invalidVolume } from './errors.js';
import { CINDER_RULES } from './policies.js';
import { getVolume } from './volumes.js';


/**
 * Writes bytes into a volume as its guest would (stacksim's own call: Cinder has no data API):
 * the volume is looked up (404) and the policy asked (403) before `data` is read (a Uint8Array or
 * a string, else 400); the volume must be `available` or `in-use`; the pool counts the blocks
 * written.
 */
export function writeVolumeData(tx: Tx, ctx: Ctx, ref: unknown, offset: unknown, data: unknown): void {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.update, targetOf(volume));
  const bytes = blobBytes(data, 'data');
  if (volume.status !== 'available' && volume.status !== 'in-use') throw invalidVolume(`data can be written only to an 'available' or 'in-use' volume, this one is '${volume.status}'.`, { volume_id: volume.id, status: volume.status }, 'block.data.invalid_status');
  const at = checkRange(offset, bytes.length, volume.size);
  const blocks = writeBytes(tx, volume.id, at, bytes);
  adjustPool(tx, volume.host, 0, blocks);
  setRow(tx.draft.block.volumes, volume.id, { ...volume, updated_at: tx.now() });
}

/** Reads bytes from a volume (zeros where nothing was written); stacksim's own call. */
export function readVolumeData(ctx: Ctx, ref: unknown, offset: unknown, length: unknown): Uint8Array {
  const volume = getVolume(ctx, ref);
  enforce(ctx, CINDER_RULES.volume.get, targetOf(volume));
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) throw new InvalidInput('length', `expected a byte count (an integer ≥ 0), got ${describeValue(length)}.`, 'block.data.invalid_length');
  const at = checkRange(offset, length, volume.size);
  return readBytes(ctx.s, volume.id, at, length);
}
