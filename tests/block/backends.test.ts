/**
 * Pool accounting under random volume traffic (issue 13's property): on a cloud with a thin LVM
 * backend (24 GB, 95 % of it usable, `max_over_subscription_ratio` 1.5) and a thick one (40 GB,
 * `reserved_percentage` 10), any sequence of creates (1–8 GB, either backend's type), extends and
 * deletes keeps each pool's `provisioned_capacity_gb` = `allocated_capacity_gb` = the sum of the
 * sizes of the live volumes on it — as `get_pools?detail=true` reports it too —; a thick pool
 * never holds more than `total − floor(total × reserved%)`, a thin one more than
 * `(total − floor(total × reserved%)) × max_over_subscription_ratio` (`cinder/utils.py`
 * `calculate_capacity_factors`, `cinder/scheduler/filters/capacity_filter.py`); a volume the
 * scheduler finds no room for (`error` for a create; an extend returns the volume to `available` at its old size) or a refused call leaves every pool as
 * it was.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';

import { getRow, tableToArray } from '../../src/core/index.js';
import type { CloudState } from '../../src/index.js';
import type { PoolRow } from '../../src/block/types.js';
import { updateQuotaSet } from '../../src/block/quota_sets.js';
import { listPools } from '../../src/block/scheduler_stats.js';
import { blockRead, blockWorld, blockWrite } from './support.js';

type Op = { kind: 'create'; size: number; type: 'thin' | 'thick' } | { kind: 'extend'; pick: number; by: number } | { kind: 'delete'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('create' as const), size: fc.integer({ min: 1, max: 8 }), type: fc.constantFrom('thin' as const, 'thick' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('extend' as const), pick: fc.nat(), by: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
);

const BACKENDS = [
  { name: 'thin', size_gb: 24, thin: true, max_over_subscription_ratio: 1.5 },
  { name: 'thick', size_gb: 40, thin: false, reserved_percentage: 10 },
];

function pools(s: CloudState): PoolRow[] {
  return tableToArray(s.block.pools).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** `total − floor(total × reserved%)`, times the ratio on a thin pool. */
function ceiling(p: PoolRow): number {
  const reservedAvailable = p.total_capacity_gb - Math.floor((p.total_capacity_gb * p.reserved_percentage) / 100);
  return p.thin_provisioning_support ? reservedAvailable * p.max_over_subscription_ratio : reservedAvailable;
}

function checkPools(s: CloudState, adminPools: () => { name: string; capabilities?: Readonly<Record<string, unknown>> }[]): void {
  const volumes = tableToArray(s.block.volumes);
  for (const p of pools(s)) {
    const live = volumes.filter((v) => v.host === p.name).reduce((sum, v) => sum + v.size, 0);
    expect(p.allocated_capacity_gb, p.name).toBe(live);
    expect(p.provisioned_capacity_gb, p.name).toBe(live);
    expect(p.provisioned_capacity_gb, p.name).toBeLessThanOrEqual(ceiling(p) + 1e-9);
  }
  for (const view of adminPools()) {
    const row = pools(s).find((p) => p.name === view.name) as PoolRow;
    expect(view.capabilities).toMatchObject({ allocated_capacity_gb: row.allocated_capacity_gb, provisioned_capacity_gb: row.provisioned_capacity_gb, total_capacity_gb: row.total_capacity_gb });
  }
}

describe('pool accounting', () => {
  it('provisioned = allocated = the live volumes on the pool, thick within total − reserved, thin within the over-subscribed limit; no room leaves the pools as they were (seed 13601)', () => {
    const filled = { thin: 0, thick: 0, errors: 0, extendErrors: 0 };
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60, size: 'max' }), (ops) => {
        const w = blockWorld(13601, { identity: { password_hash_rounds: 1 }, block: { backends: BACKENDS } });
        const { cloud, admin, demo } = w;
        const demoId = cloud.systemAdmin.identity.getProject('demo').id;
        blockWrite(admin, 'update_quota_set', (tx, ctx) => updateQuotaSet(tx, ctx, demoId, { volumes: -1, gigabytes: -1 }));
        const adminPools = () => listPools(blockRead(admin), { detail: true });
        const [thinPool, thickPool] = pools(cloud.state).sort((a) => (a.thin_provisioning_support ? -1 : 1));
        expect(thinPool?.total_capacity_gb).toBe(22.8);
        expect(ceiling(thinPool as PoolRow)).toBeCloseTo(34.2);
        expect(ceiling(thickPool as PoolRow)).toBe(36);
        for (const o of ops) {
          const before = cloud.state;
          const live = tableToArray(before.block.volumes).filter((v) => v.project_id === demoId);
          if (o.kind === 'create') {
            const v = demo.block.createVolume({ size: o.size, volume_type: o.type });
            const after = demo.block.getVolume(v.id);
            if (after.status === 'error') {
              filled.errors++;
              expect(pools(cloud.state)).toEqual(pools(before));
              expect(getRow(cloud.state.block.volumes, v.id)?.host).toBeNull();
            } else {
              expect(after.status).toBe('available');
              expect(getRow(cloud.state.block.volumes, v.id)?.host).toBe(o.type === 'thin' ? 'controller@thin#thin' : 'controller@thick#thick');
            }
          } else if (o.kind === 'extend') {
            const candidates = live.filter((v) => v.status === 'available');
            const v = candidates[o.pick % Math.max(1, candidates.length)];
            if (v === undefined) continue;
            demo.block.extendVolume(v.id, { new_size: v.size + o.by });
            const after = demo.block.getVolume(v.id);
            if (after.size === v.size) {
              expect(after.status).toBe('available');
              filled.extendErrors++;
              expect(pools(cloud.state)).toEqual(pools(before));
            } else expect(after.size).toBe(v.size + o.by);
          } else {
            const v = live[o.pick % Math.max(1, live.length)];
            if (v === undefined) continue;
            demo.block.deleteVolume(v.id);
            expect(tableToArray(cloud.state.block.volumes).some((x) => x.id === v.id)).toBe(false);
          }
          checkPools(cloud.state, adminPools);
          for (const p of pools(cloud.state)) {
            const ratio = p.provisioned_capacity_gb / ceiling(p);
            if (p.thin_provisioning_support) filled.thin = Math.max(filled.thin, ratio);
            else filled.thick = Math.max(filled.thick, ratio);
          }
          // a refused call changes nothing
          const still = cloud.state;
          expect(() => demo.block.extendVolume(live[0]?.id ?? 'none', { new_size: 0 })).toThrow();
          expect(cloud.state).toBe(still);
        }
      }),
      { seed: 13601, numRuns: 30 },
    );
    // the sequences reached the limits: pools filled past 95 %, creates and extends refused for room
    expect(filled.thin).toBeGreaterThan(0.95);
    expect(filled.thick).toBeGreaterThan(0.95);
    expect(filled.errors).toBeGreaterThan(0);
    expect(filled.extendErrors).toBeGreaterThan(0);
  });
});
