/**
 * Volume transfers (`cinder/transfer/api.py`, `cinder/api/v3/volume_transfer.py`): create
 * (`awaiting-transfer`, the auth key shown once, kept as salt + HMAC-SHA1), show / list (the
 * project's own), delete (back to `available`), accept by another project with the key (the volume
 * and its snapshots change hands, the quota moves exactly), notifications, and bad input refused
 * with the state unchanged.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getRow, tableToArray, type CloudState, type TaskHandler } from '../../src/core/index.js';
import { CloudError, type Notification, type Session } from '../../src/index.js';
import * as S from '../../src/block/snapshots.js';
import * as T from '../../src/block/transfers.js';
import * as vt from '../../src/block/volume_types.js';
import { refused } from '../support/refusal.js';
import { blockRead, blockWorld, blockWrite, type BlockWorld } from './support.js';

/** The world, with the snapshot task kinds registered until service.ts does. */
function world(seed: number): BlockWorld {
  const w = blockWorld(seed, { identity: { password_hash_rounds: 1 } });
  const tasks: [string, TaskHandler][] = [
    [S.SNAPSHOT_CREATE_TASK, S.runCreateSnapshot],
    [S.SNAPSHOT_DELETE_TASK, S.runDeleteSnapshot],
  ];
  for (const [kind, handler] of tasks) if (!w.cloud.kernel.hasTask(kind)) w.cloud.kernel.defineTask(kind, handler);
  return w;
}

/** What `session.block` gains for transfers (until api.ts has the methods). */
function transfers(session: Session) {
  return {
    create: (body: unknown) => blockWrite(session, 'create_volume_transfer', (tx, ctx) => T.createTransfer(tx, ctx, body)),
    show: (ref: unknown) => T.showTransfer(blockRead(session), ref),
    list: (q: unknown = {}) => {
      const ctx = blockRead(session);
      return T.listTransferRows(ctx, q).map((t) => T.transferView(ctx.s, t));
    },
    summaries: (q: unknown = {}) => T.listTransferRows(blockRead(session), q).map(T.transferSummary),
    remove: (ref: unknown) => blockWrite(session, 'delete_volume_transfer', (tx, ctx) => T.deleteTransfer(tx, ctx, ref)),
    accept: (ref: unknown, body: unknown) => blockWrite(session, 'accept_volume_transfer', (tx, ctx) => T.acceptTransfer(tx, ctx, ref, body)),
  };
}

const snapshot = (s: Session, volumeId: string) => blockWrite(s, 'create_snapshot', (tx, ctx) => S.createSnapshot(tx, ctx, { volume_id: volumeId }));
const projectId = (s: Session): string => s.tokenInfo().project?.id as string;
const userId = (s: Session): string => s.tokenInfo().user.id;

/** The quota usage Cinder keeps for a project (`volume.*` keys, zeros dropped). */
function usage(state: CloudState, project: string): Record<string, number> {
  const rec = getRow(state.quota.usage, project) ?? {};
  return Object.fromEntries(Object.entries(rec).filter(([k, v]) => k.startsWith('volume.') && k !== 'volume.backups' && k !== 'volume.backup_gigabytes' && v !== 0));
}

/** What the live volumes and snapshots of a project take, as Cinder counts it. */
function live(state: CloudState, project: string): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (k: string, n: number) => {
    if (n !== 0) out[`volume.${k}`] = (out[`volume.${k}`] ?? 0) + n;
  };
  const typeName = (id: string) => getRow(state.block.volume_types, id)?.name ?? id;
  for (const v of tableToArray(state.block.volumes)) {
    if (v.project_id !== project || !v.consumes_quota) continue;
    add('volumes', 1);
    add('gigabytes', v.size);
    add(`volumes_${typeName(v.volume_type_id)}`, 1);
    add(`gigabytes_${typeName(v.volume_type_id)}`, v.size);
  }
  for (const s of tableToArray(state.block.snapshots)) {
    if (s.project_id !== project) continue;
    add('snapshots', 1);
    add('gigabytes', s.volume_size);
    add(`snapshots_${typeName(s.volume_type_id)}`, 1);
    add(`gigabytes_${typeName(s.volume_type_id)}`, s.volume_size);
  }
  return out;
}

describe('create', () => {
  it('offers an available volume: awaiting-transfer, a 16-hex auth key shown once, salt + HMAC-SHA1 stored', () => {
    const { cloud, demo } = world(1501);
    const v = demo.block.createVolume({ size: 1, name: 'gift' });
    const t = transfers(demo).create({ volume_id: v.id, name: '  present  ' });
    expect(t).toEqual({
      id: expect.any(String),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/),
      name: 'present',
      volume_id: v.id,
      auth_key: expect.stringMatching(/^[0-9a-f]{16}$/),
      no_snapshots: false,
      destination_project_id: null,
      source_project_id: projectId(demo),
      accepted: false,
    });
    expect(demo.block.getVolume(v.id).status).toBe('awaiting-transfer');
    const row = getRow(cloud.state.block.transfers, t.id)!;
    expect(row.salt).toMatch(/^[0-9a-f]{8}$/);
    expect(row.crypt_hash).toBe(T.transferCryptHash(row.salt, t.auth_key));
    expect(JSON.stringify(cloud.state)).not.toContain(t.auth_key);
    const shown = transfers(demo).show(t.id);
    expect(shown).not.toHaveProperty('auth_key');
    expect(transfers(demo).list()).toEqual([shown]);
    expect(transfers(demo).summaries()).toEqual([{ id: t.id, volume_id: v.id, name: 'present' }]);
    expect(transfers(demo).show('present').id).toBe(t.id);
  });

  it('the key is HMAC-SHA1 as Cinder’s _get_crypt_hash computes it', () => {
    // /usr/bin/python3: hmac.new(b'abcdefgh', b'0123456789abcdef', hashlib.sha1).hexdigest()
    expect(T.transferCryptHash('abcdefgh', '0123456789abcdef')).toBe('0feb67b812f4329474b62e12fc86653fc09140e4');
  });

  it('the same seed gives the same key', () => {
    const key = (seed: number) => {
      const { demo } = world(seed);
      const v = demo.block.createVolume({ size: 1 });
      return transfers(demo).create({ volume_id: v.id }).auth_key;
    };
    expect(key(1502)).toBe(key(1502));
    expect(key(1502)).not.toBe(key(1503));
  });

  it('refused: a volume not available, one with snapshots not available (unless no_snapshots), another project’s, a reader', () => {
    const { cloud, admin, demo, alt, reader } = world(1504);
    const v = demo.block.createVolume({ size: 1 });
    transfers(demo).create({ volume_id: v.id });
    refused(cloud, () => transfers(demo).create({ volume_id: v.id }), { status: 400, code: 'block.volume.invalid_status', message: 'Invalid volume: status must be available' });
    const w = demo.block.createVolume({ size: 1 });
    refused(cloud, () => transfers(alt).create({ volume_id: w.id }), { status: 404, code: 'block.volume.not_found' });
    refused(cloud, () => transfers(reader).create({ volume_id: w.id }), { status: 403, code: 'block.policy.forbidden' });
    refused(cloud, () => transfers(demo).create({ volume_id: 'not-a-uuid' }), { status: 400, field: 'volume_id' });
    refused(cloud, () => transfers(demo).create({ volume_id: w.id, no_snapshots: 'perhaps' }), { status: 400, field: 'no_snapshots' });
    refused(cloud, () => transfers(demo).create({ volume_id: w.id, name: '   ' }), { status: 400, message: "The 'name' can not be empty." });
    refused(cloud, () => transfers(demo).create({ volume_id: w.id, extra: 1 }), { status: 400, field: 'transfer.extra' });
    // a snapshot in error must stay with the volume, so it blocks the transfer; without its snapshots the volume may go
    const snap = snapshot(demo, w.id);
    blockWrite(admin, 'reset_snapshot_status', (tx, ctx) => S.resetSnapshotStatus(tx, ctx, snap.id, { status: 'error' }));
    refused(cloud, () => transfers(demo).create({ volume_id: w.id }), { status: 400, code: 'block.snapshot.invalid_status', message: `Invalid snapshot: snapshot: ${snap.id} status must be available` });
    expect(transfers(demo).create({ volume_id: w.id, no_snapshots: true }).no_snapshots).toBe(true);
  });
});

describe('show, list, delete', () => {
  it('another project sees none of them (404 / empty list); an admin sees all with all_tenants', () => {
    const { cloud, admin, demo, alt, reader } = world(1511);
    const v = demo.block.createVolume({ size: 1 });
    const t = transfers(demo).create({ volume_id: v.id, name: 'mine' });
    refused(cloud, () => transfers(alt).show(t.id), { status: 404, code: 'block.transfer.not_found', message: `Transfer ${t.id} could not be found.` });
    refused(cloud, () => transfers(alt).show('mine'), { status: 404 });
    expect(transfers(alt).list()).toEqual([]);
    expect(transfers(reader).show(t.id).id).toBe(t.id);
    expect(transfers(admin).list()).toEqual([]);
    expect(transfers(admin).list({ all_tenants: 'true' }).map((x) => x.id)).toEqual([t.id]);
    refused(cloud, () => transfers(alt).remove(t.id), { status: 404 });
    refused(cloud, () => transfers(reader).remove(t.id), { status: 403 });
    refused(cloud, () => transfers(demo).list({ colour: 'red' }), { status: 400, field: 'colour' });
    refused(cloud, () => transfers(demo).list({ marker: 'nope' }), { status: 404, code: 'block.transfer.not_found' });
  });

  it('delete: the transfer goes, the volume is available again', () => {
    const { cloud, demo } = world(1512);
    const v = demo.block.createVolume({ size: 1 });
    const t = transfers(demo).create({ volume_id: v.id });
    const seen: Notification[] = [];
    cloud.events.on('*', (n) => seen.push(n));
    transfers(demo).remove(t.id);
    expect(demo.block.getVolume(v.id).status).toBe('available');
    refused(cloud, () => transfers(demo).show(t.id), { status: 404 });
    expect(seen.map((n) => n.event_type).filter((e) => e.startsWith('volume.transfer.'))).toEqual(['volume.transfer.delete.start', 'volume.transfer.delete.end']);
  });
});

describe('accept', () => {
  it('with the key: the volume is the recipient’s (project, user), available; the quota moves exactly', () => {
    const { cloud, demo, alt } = world(1521);
    const v = demo.block.createVolume({ size: 3 });
    const t = transfers(demo).create({ volume_id: v.id });
    const before = { demo: usage(cloud.state, projectId(demo)), alt: usage(cloud.state, projectId(alt)) };
    const seen: Notification[] = [];
    cloud.events.on('*', (n) => seen.push(n));
    const answer = transfers(alt).accept(t.id, { auth_key: t.auth_key });
    expect(answer).toEqual({ id: t.id, volume_id: v.id, name: null });
    const moved = alt.block.getVolume(v.id);
    expect(moved).toMatchObject({ status: 'available', user_id: userId(alt) });
    refused(cloud, () => demo.block.getVolume(v.id), { status: 404 });
    const after = { demo: usage(cloud.state, projectId(demo)), alt: usage(cloud.state, projectId(alt)) };
    expect((before.demo['volume.gigabytes'] ?? 0) - (after.demo['volume.gigabytes'] ?? 0)).toBe(3);
    expect((after.alt['volume.gigabytes'] ?? 0) - (before.alt['volume.gigabytes'] ?? 0)).toBe(3);
    expect(after.alt['volume.volumes_lvmdriver-1']).toBe((before.alt['volume.volumes_lvmdriver-1'] ?? 0) + 1);
    for (const p of [projectId(demo), projectId(alt)]) expect(usage(cloud.state, p)).toEqual(live(cloud.state, p));
    refused(cloud, () => transfers(demo).show(t.id), { status: 404 });
    const accepted = seen.filter((n) => n.event_type === 'volume.transfer.accept.end')[0]!;
    expect(accepted.payload).toMatchObject({ volume_id: t.volume_id, tenant_id: projectId(alt), status: 'available' });
  });

  it('the snapshots go with the volume (and their quota), unless no_snapshots', () => {
    const { cloud, demo, alt } = world(1522);
    const v = demo.block.createVolume({ size: 2 });
    const s1 = snapshot(demo, v.id);
    const s2 = snapshot(demo, v.id);
    const t = transfers(demo).create({ volume_id: v.id });
    transfers(alt).accept(t.id, { auth_key: t.auth_key });
    const snaps = tableToArray(cloud.state.block.snapshots).filter((s) => s.id === s1.id || s.id === s2.id);
    expect(snaps.map((s) => [s.project_id, s.user_id])).toEqual([
      [projectId(alt), userId(alt)],
      [projectId(alt), userId(alt)],
    ]);
    for (const p of [projectId(demo), projectId(alt)]) expect(usage(cloud.state, p)).toEqual(live(cloud.state, p));

    const w = demo.block.createVolume({ size: 1 });
    const s3 = snapshot(demo, w.id);
    const u = transfers(demo).create({ volume_id: w.id, no_snapshots: true });
    transfers(alt).accept({ id: u.id }, { auth_key: u.auth_key });
    expect(getRow(cloud.state.block.snapshots, s3.id)?.project_id).toBe(projectId(demo));
    for (const p of [projectId(demo), projectId(alt)]) expect(usage(cloud.state, p)).toEqual(live(cloud.state, p));
  });

  it('a wrong key is 400 InvalidAuthKey; over the recipient’s quota is 413; a reader is 403; nothing changes', () => {
    const { cloud, admin, demo, alt } = world(1523);
    const v = demo.block.createVolume({ size: 5 });
    const t = transfers(demo).create({ volume_id: v.id });
    refused(cloud, () => transfers(alt).accept(t.id, { auth_key: '0000000000000000' }), { status: 400, code: 'block.transfer.invalid_auth_key', message: `Invalid auth key: Attempt to transfer ${t.id} with invalid auth key.` });
    refused(cloud, () => transfers(alt).accept(t.id, { auth_key: 12345 }), { status: 400, code: 'block.transfer.invalid_auth_key' });
    refused(cloud, () => transfers(alt).accept('no-such-transfer', { auth_key: t.auth_key }), { status: 404, code: 'block.transfer.not_found' });
    refused(cloud, () => transfers(alt).accept(t.id, {}), { status: 400, field: 'auth_key' });
    refused(cloud, () => transfers(alt).accept(t.id, { auth_key: t.auth_key, more: 1 }), { status: 400, field: 'accept.more' });
    const altReader = cloud.login({ username: 'demo_reader', password: 'secret', project: 'demo' });
    refused(cloud, () => transfers(altReader).accept(t.id, { auth_key: t.auth_key }), { status: 403 });
    cloud.quotas.setLimit(projectId(alt), 'volume.gigabytes', 4);
    refused(cloud, () => transfers(alt).accept(t.id, { auth_key: t.auth_key }), { status: 413, code: 'block.quota.gigabytes_exceeded' });
    cloud.quotas.setLimit(projectId(alt), 'volume.gigabytes', 1000);
    cloud.quotas.setLimit(projectId(alt), 'volume.per_volume_gigabytes', 4);
    refused(cloud, () => transfers(alt).accept(t.id, { auth_key: t.auth_key }), { status: 413, code: 'block.quota.volume_size_exceeds_limit' });
    cloud.quotas.setLimit(projectId(alt), 'volume.per_volume_gigabytes', -1);
    expect(demo.block.getVolume(v.id).status).toBe('awaiting-transfer');
    transfers(alt).accept(t.id, { auth_key: t.auth_key });
    // accepted once: gone
    refused(cloud, () => transfers(admin).accept(t.id, { auth_key: t.auth_key }), { status: 404 });
  });

  it('quota usage equals the live volumes and snapshots of each project after any sequence (seed 1530)', () => {
    type Cmd =
      | { kind: 'volume'; who: 0 | 1; size: number; type: 0 | 1 }
      | { kind: 'snapshot'; who: 0 | 1; pick: number }
      | { kind: 'transfer'; who: 0 | 1; pick: number; noSnapshots: boolean }
      | { kind: 'accept'; who: 0 | 1; pick: number; rightKey: boolean }
      | { kind: 'cancel'; who: 0 | 1; pick: number }
      | { kind: 'delete'; who: 0 | 1; pick: number };
    const who = fc.constantFrom<0 | 1>(0, 1);
    const cmd: fc.Arbitrary<Cmd> = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('volume' as const), who, size: fc.integer({ min: 1, max: 4 }), type: fc.constantFrom<0 | 1>(0, 1) }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('snapshot' as const), who, pick: fc.nat() }), weight: 2 },
      { arbitrary: fc.record({ kind: fc.constant('transfer' as const), who, pick: fc.nat(), noSnapshots: fc.boolean() }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('accept' as const), who, pick: fc.nat(), rightKey: fc.integer({ min: 0, max: 3 }).map((n) => n > 0) }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('cancel' as const), who, pick: fc.nat() }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant('delete' as const), who, pick: fc.nat() }), weight: 1 },
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 10, maxLength: 30 }), (cmds) => {
        const { cloud, admin, demo, alt } = world(1530);
        blockWrite(admin, 'create_volume_type', (tx, ctx) => vt.createVolumeType(tx, ctx, { name: 'second', extra_specs: { volume_backend_name: 'lvmdriver-1' } }));
        const sessions = [demo, alt] as const;
        const projects = sessions.map(projectId);
        const keys = new Map<string, string>();
        const pick = <X>(xs: readonly X[], n: number): X | undefined => (xs.length === 0 ? undefined : xs[n % xs.length]);
        for (const c of cmds) {
          const s = sessions[c.who];
          const mine = () => tableToArray(cloud.state.block.volumes).filter((v) => v.project_id === projects[c.who]);
          const before = cloud.state;
          try {
            if (c.kind === 'volume') s.block.createVolume({ size: c.size, volume_type: c.type === 0 ? 'lvmdriver-1' : 'second' });
            else if (c.kind === 'snapshot') {
              const v = pick(mine(), c.pick);
              if (v !== undefined) snapshot(s, v.id);
            } else if (c.kind === 'transfer') {
              const v = pick(mine(), c.pick);
              if (v !== undefined) {
                const created = transfers(s).create({ volume_id: v.id, no_snapshots: c.noSnapshots });
                keys.set(created.id, created.auth_key);
              }
            } else if (c.kind === 'accept') {
              const t = pick(tableToArray(cloud.state.block.transfers), c.pick);
              if (t !== undefined) {
                transfers(s).accept(t.id, { auth_key: c.rightKey ? (keys.get(t.id) ?? 'unknown') : 'ffffffffffffffff' });
                accepted += 1;
              }
            } else if (c.kind === 'cancel') {
              const t = pick(tableToArray(cloud.state.block.transfers), c.pick);
              if (t !== undefined) transfers(s).remove(t.id);
            } else {
              const v = pick(mine(), c.pick);
              if (v !== undefined) s.block.deleteVolume(v.id);
            }
          } catch (e) {
            expect(e).toBeInstanceOf(CloudError);
            expect((e as CloudError).status).toBeLessThan(500);
            expect(cloud.state).toBe(before);
          }
          for (const p of projects) expect(usage(cloud.state, p)).toEqual(live(cloud.state, p));
        }
      }),
      { seed: 1530, numRuns: 25 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('bad input', () => {
  it('every call answers junk with a 4xx CloudError naming the field, and changes nothing (seed 1540)', () => {
    const { cloud, demo, alt } = world(1540);
    const v = demo.block.createVolume({ size: 1 });
    const w = demo.block.createVolume({ size: 1 });
    const t = transfers(demo).create({ volume_id: v.id });
    const junk = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(Number.NaN),
      fc.constant(1e308),
      fc.constant([]),
      fc.constant(''),
      fc.constant('z'.repeat(2000)),
      fc.constant(JSON.parse('{"__proto__": {"polluted": 1}}')),
      fc.constant({ deep: { deeper: [{}] } }),
      fc.string(),
      fc.integer(),
      fc.boolean(),
    );
    const calls: ((x: unknown) => unknown)[] = [
      (x) => transfers(demo).create(x),
      (x) => transfers(demo).create({ volume_id: x }),
      (x) => transfers(demo).create({ volume_id: w.id, name: x }),
      (x) => transfers(demo).create({ volume_id: w.id, no_snapshots: x, name: 5 }),
      (x) => transfers(demo).show(x),
      (x) => transfers(demo).list(x),
      (x) => transfers(demo).list({ limit: x }),
      (x) => transfers(demo).list({ sort_key: x }),
      (x) => transfers(demo).remove(x),
      (x) => transfers(alt).accept(x, { auth_key: 'k' }),
      (x) => transfers(alt).accept(t.id, x),
      (x) => transfers(alt).accept(t.id, { auth_key: x }),
    ];
    fc.assert(
      fc.property(fc.nat(calls.length - 1), junk, (i, x) => {
        const before = cloud.state;
        try {
          calls[i]!(x);
        } catch (e) {
          expect(e).toBeInstanceOf(CloudError);
          const err = e as CloudError;
          expect(err.status).toBeGreaterThanOrEqual(400);
          expect(err.status).toBeLessThan(500);
          if (err.status === 400 && typeof err.details.field === 'string') expect(err.message).toContain(err.details.field);
          expect(cloud.state).toBe(before);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }
      }),
      { seed: 1540, numRuns: 300 },
    );
  });
});
