import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud, OverLimit, type Cloud } from '../../src/index.js';
import { putBlob, readBlob, releaseBlob, blobBytes, getRow, toBase64, fromBase64 } from '../../src/core/index.js';

function cloudWithQuotas(): Cloud {
  const c = createCloud({ seed: 1, preset: 'empty' });
  // nova instances 10 / cores 20 (403), neutron port 500 (409), cinder gigabytes 1000 (413): Zed's
  // defaults, registered by the compute, network and block services themselves
  return c;
}

const consume = (c: Cloud, project: string, deltas: Record<string, number>) =>
  c.kernel.transact('test.consume', (tx) => tx.quotas.consume(tx.draft.quota, project, deltas));
const release = (c: Cloud, project: string, deltas: Record<string, number>) =>
  c.kernel.transact('test.release', (tx) => tx.quotas.release(tx.draft.quota, project, deltas));

describe('quotas', () => {
  it('answers over-quota with the status of the registering service and changes nothing', () => {
    const c = cloudWithQuotas();
    consume(c, 'p1', { 'compute.cores': 18 });
    const before = c.state;
    expect(() => consume(c, 'p1', { 'compute.cores': 4, 'compute.instances': 1 })).toThrow(
      expect.objectContaining({ status: 403, code: 'compute.quota.exceeded', message: expect.stringContaining('requested 4, but already used 18 of 20 cores') }),
    );
    expect(c.state).toBe(before);
    c.quotas.setLimit('p1', 'network.port', 1);
    consume(c, 'p1', { 'network.port': 1 });
    expect(() => consume(c, 'p1', { 'network.port': 1 })).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => consume(c, 'p1', { 'volume.gigabytes': 1001 })).toThrow(OverLimit);
    expect(() => consume(c, 'p1', { 'volume.gigabytes': 1001 })).toThrow(expect.objectContaining({ status: 413 }));
    expect(c.quotas.show('p1', 'compute')).toMatchObject({ instances: { limit: 10, in_use: 0, reserved: 0 }, cores: { limit: 20, in_use: 18, reserved: 0 } });
  });

  it('-1 is unlimited; changed defaults apply to projects without an explicit limit', () => {
    const c = cloudWithQuotas();
    c.quotas.setLimit('p1', 'compute.cores', -1);
    consume(c, 'p1', { 'compute.cores': 100_000 });
    c.quotas.setDefault('compute.instances', 2);
    consume(c, 'p2', { 'compute.instances': 2 });
    expect(() => consume(c, 'p2', { 'compute.instances': 1 })).toThrow(expect.objectContaining({ status: 403 }));
    expect(c.quotas.show('p3', 'compute').instances?.limit).toBe(2);
  });

  it('refuses bad input: unknown resources, non-integer or < -1 limits, and keeps the state', () => {
    const c = cloudWithQuotas();
    const before = c.state;
    expect(() => c.quotas.setLimit('p1', 'compute.gpus', 1)).toThrow(expect.objectContaining({ status: 400, message: expect.stringContaining('compute.gpus') }));
    expect(() => c.quotas.setLimit('p1', 'compute.cores', -2)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => c.quotas.setLimit('p1', 'compute.cores', 1.5)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => c.quotas.setLimit('', 'compute.cores', 1)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => c.quotas.setDefault('nope', 1)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => c.kernel.quotas.register({ service: 'compute', name: 'cores', default: 1, overLimitStatus: 403 })).toThrow(expect.objectContaining({ status: 400 }));
    expect(c.state).toBe(before);
  });

  it('usage always equals accepted consumption minus releases, never exceeds the limit, and never goes negative (seed 8080)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('consume' as const), project: fc.constantFrom('a', 'b'), amount: fc.integer({ min: 0, max: 8 }) }),
      fc.record({ kind: fc.constant('release' as const), project: fc.constantFrom('a', 'b'), amount: fc.integer({ min: 0, max: 8 }) }),
      fc.record({ kind: fc.constant('limit' as const), project: fc.constantFrom('a', 'b'), amount: fc.integer({ min: -1, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const c = cloudWithQuotas();
        const used = new Map<string, number>();
        const limit = new Map<string, number>();
        for (const o of ops) {
          const u = used.get(o.project) ?? 0;
          const l = limit.get(o.project) ?? 20;
          if (o.kind === 'consume') {
            const before = c.state;
            const fits = l < 0 || o.amount === 0 || u + o.amount <= l;
            if (fits) {
              consume(c, o.project, { 'compute.cores': o.amount });
              used.set(o.project, u + o.amount);
            } else {
              expect(() => consume(c, o.project, { 'compute.cores': o.amount })).toThrow(OverLimit);
              expect(c.state).toBe(before);
            }
          } else if (o.kind === 'release') {
            release(c, o.project, { 'compute.cores': o.amount });
            used.set(o.project, Math.max(0, u - o.amount));
          } else {
            c.quotas.setLimit(o.project, 'compute.cores', o.amount);
            limit.set(o.project, o.amount);
          }
          expect(c.quotas.show(o.project, 'compute').cores).toEqual({ limit: limit.get(o.project) ?? 20, in_use: used.get(o.project) ?? 0, reserved: 0 });
        }
      }),
      { seed: 8080, numRuns: 150 },
    );
  });
});

describe('blobs', () => {
  it('stores bytes content-addressed with reference counts; reads return fresh copies', () => {
    const c = createCloud({ seed: 1, preset: 'empty' });
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const id = c.kernel.transact('test.put', (tx) => putBlob(tx.draft.blobs, bytes));
    expect(id).toBe(c.kernel.transact('test.put', (tx) => putBlob(tx.draft.blobs, new Uint8Array([0, 1, 2, 250, 255]))));
    expect(getRow(c.state.blobs, id)?.refs).toBe(2);
    const copy = readBlob(c.state.blobs, id);
    expect([...copy]).toEqual([...bytes]);
    copy[0] = 99;
    expect([...readBlob(c.state.blobs, id)]).toEqual([...bytes]);
    c.kernel.transact('test.release', (tx) => releaseBlob(tx.draft.blobs, id));
    expect(getRow(c.state.blobs, id)?.refs).toBe(1);
    c.kernel.transact('test.release', (tx) => releaseBlob(tx.draft.blobs, id));
    expect(getRow(c.state.blobs, id)).toBeUndefined();
    expect(() => readBlob(c.state.blobs, id)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => blobBytes(42)).toThrow(expect.objectContaining({ status: 400 }));
    expect([...blobBytes('hé')]).toEqual([104, 195, 169]);
  });

  it('base64 round-trips any bytes (seed 64)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const text = toBase64(b);
        expect(text).toBe(Buffer.from(b).toString('base64')); // Node's encoder as the oracle
        expect([...(fromBase64(text) as Uint8Array)]).toEqual([...b]);
      }),
      { seed: 64, numRuns: 300 },
    );
    expect(fromBase64('abc')).toBeUndefined();
    expect(fromBase64('ab!=')).toBeUndefined();
  });
  it('a registered family names resources at run time (Cinder per-type volumes_<type>): default -1, limits settable, unknown prefixes refused', () => {
    const c = createCloud({ seed: 1, preset: 'empty' });
    expect(c.kernel.quotas.get('volume.volumes_fast').default).toBe(-1);
    expect(c.kernel.quotas.get('volume.volumes_fast').name).toBe('volumes_fast');
    consume(c, 'p1', { 'volume.volumes_fast': 50 });
    c.quotas.setLimit('p1', 'volume.volumes_fast', 50);
    const before = c.state;
    expect(() => consume(c, 'p1', { 'volume.volumes_fast': 1 })).toThrow(expect.objectContaining({ status: 413 }));
    expect(c.state).toBe(before);
    expect(() => c.kernel.quotas.get('volume.volumes_')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => c.kernel.quotas.get('volume.nothing_fast')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => c.kernel.quotas.registerFamily({ service: 'volume', prefix: 'volumes_', default: -1, overLimitStatus: 413 })).toThrow(expect.objectContaining({ code: 'core.quota.duplicate_resource' }));
  });
});
