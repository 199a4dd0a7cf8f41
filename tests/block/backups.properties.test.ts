/**
 * A backup restores byte for byte what was backed up: random writes (some of zeros, some across
 * 50 MiB chunk boundaries) between a full backup and a chain of incrementals; every backup of the
 * chain, restored to a new volume, equals the volume as it was when that backup was taken (its
 * written blocks by SHA-256, and the bytes of every range written). Also: the objects a backup
 * stores hold exactly the blocks it lists, and the quota in use equals the live backups.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getRow, tablePrefix, tableToArray } from '../../src/core/index.js';
import type { Session } from '../../src/index.js';
import { blockRead, blockWorld, blockWrite, type BlockWorld } from './support.js';
import * as backups from '../../src/block/backups.js';
import * as driver from '../../src/block/backup_driver.js';
import { BLOCK_SIZE } from '../../src/block/blocks.js';
import type { BackupRow } from '../../src/block/types.js';

const CHUNK = 52_428_800;

function world(seed: number): BlockWorld {
  const w = blockWorld(seed);
  for (const [kind, fn] of Object.entries(driver.BACKUP_TASKS)) if (!w.cloud.kernel.hasTask(kind)) w.cloud.kernel.defineTask(kind, fn);
  return w;
}

const create = (s: Session, body: unknown) => blockWrite(s, 'create_backup', (tx, ctx) => backups.createBackup(tx, ctx, body));
const restore = (s: Session, id: string, body?: unknown) => blockWrite(s, 'restore_backup', (tx, ctx) => backups.restoreBackup(tx, ctx, id, body));
const remove = (s: Session, id: string) => blockWrite(s, 'delete_backup', (tx, ctx) => backups.deleteBackup(tx, ctx, id));
const blocksOf = (w: BlockWorld, owner: string): [number, string][] => tablePrefix(w.cloud.state.block.blocks, `${owner}/`).map(([k, b]) => [parseInt(k.slice(owner.length + 1), 36), b]);

/** Byte equality without vitest's element-by-element diff machinery (ranges are up to 64 KiB). */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

/** A write: where (near a few interesting places of a 1 GiB volume), how long, and whether zeros. */
const writeArb = fc.record({
  base: fc.constantFrom(0, CHUNK - 3 * BLOCK_SIZE, 2 * CHUNK, 2 ** 30 - 8 * BLOCK_SIZE),
  delta: fc.integer({ min: 0, max: 6 * BLOCK_SIZE }),
  length: fc.integer({ min: 1, max: 2 * BLOCK_SIZE }),
  zeros: fc.boolean(),
  fill: fc.integer({ min: 1, max: 250 }),
});
type Write = { base: number; delta: number; length: number; zeros: boolean; fill: number };

/** Rounds: each some writes, then a backup (the first full, later ones incremental with a chance of full). */
const scenarioArb = fc.array(fc.record({ writes: fc.array(writeArb, { minLength: 0, maxLength: 6 }), incremental: fc.boolean() }), { minLength: 1, maxLength: 5 });

function apply(w: BlockWorld, volume: string, write: Write): [number, Uint8Array] {
  const at = Math.min(write.base + write.delta, 2 ** 30 - write.length);
  const data = write.zeros ? new Uint8Array(write.length) : Uint8Array.from({ length: write.length }, (_, i) => ((i * 13 + write.fill) % 255) + 1);
  w.demo.block.writeVolumeData(volume, at, data);
  return [at, data];
}

describe('backup round trip', () => {
  it('every backup of a chain restores the volume as it was (seed 4242)', () => {
    fc.assert(
      fc.property(scenarioArb, (rounds) => {
        const w = world(7);
        const volume = w.demo.block.createVolume({ size: 1 }).id;
        const taken: { id: string; blocks: [number, string][]; ranges: [number, Uint8Array][] }[] = [];
        const ranges: [number, number][] = [];
        rounds.forEach((round, i) => {
          for (const write of round.writes) {
            const [at, data] = apply(w, volume, write);
            ranges.push([at, data.length]);
          }
          const b = create(w.demo, { volume_id: volume, incremental: i > 0 && round.incremental });
          const row = getRow(w.cloud.state.block.backups, b.id) as BackupRow;
          expect(row.status).toBe('available');
          // the objects hold exactly the blocks they list, in order
          for (const o of row.objects) {
            const body = w.demo.object.getObject(row.container, o.name).data;
            expect(body.length).toBe(o.blocks.length * BLOCK_SIZE);
            expect(o.blocks.every((x) => Math.floor((x * BLOCK_SIZE) / CHUNK) * CHUNK === o.offset)).toBe(true);
          }
          taken.push({ id: b.id, blocks: blocksOf(w, volume), ranges: ranges.map(([at, n]) => [at, w.demo.block.readVolumeData(volume, at, n)]) });
        });
        for (const t of taken) {
          const r = restore(w.demo, t.id);
          expect(blocksOf(w, r.volume_id)).toEqual(t.blocks);
          for (const [at, data] of t.ranges) expect(sameBytes(w.demo.block.readVolumeData(r.volume_id, at, data.length), data), `bytes at ${at}`).toBe(true);
          w.demo.block.deleteVolume(r.volume_id);
        }
        // the latest backup restored over the (changed) volume itself
        w.demo.block.writeVolumeData(volume, 12_345, new Uint8Array([9, 9, 9]));
        restore(w.demo, taken.at(-1)!.id, { volume_id: volume });
        expect(blocksOf(w, volume)).toEqual(taken.at(-1)!.blocks);
        // the pool's written blocks are the live volumes' blocks
        const pool = tableToArray(w.cloud.state.block.pools)[0]!;
        const live = tableToArray(w.cloud.state.block.volumes).reduce((n, v) => n + blocksOf(w, v.id).length, 0);
        expect(pool.written_blocks).toBe(live);
        // deleting newest first always succeeds; quota in use follows the live backups
        const project = blockRead(w.demo).projectId as string;
        for (const t of [...taken].reverse()) {
          remove(w.demo, t.id);
          const left = tableToArray(w.cloud.state.block.backups).length;
          expect(w.cloud.quotas.show(project, 'volume')).toMatchObject({ backups: { in_use: left }, backup_gigabytes: { in_use: left } });
        }
        expect(w.demo.object.getContainer('volumebackups').objects).toEqual([]);
      }),
      { seed: 4242, numRuns: 12 },
    );
  });
});
