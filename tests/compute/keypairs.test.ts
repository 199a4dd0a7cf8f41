/**
 * Key pairs at compute API 2.93 (Zed: nova/api/openstack/compute/keypairs.py, views/keypairs.py,
 * schemas/keypairs.py, nova/compute/api.py KeypairAPI, nova/objects/keypair.py, nova/crypto.py):
 * import with nova's checks of SSH keys and X.509 certificates and nova's fingerprints (judged
 * against a golden file of nova's own verdicts), per-user namespaces and the admin's `user_id`,
 * the `key_pairs` quota, list paging, delete, stacksim's `generateKeypair` helper; policy
 * refusals and bad input with `cloud.state` the same object; a property with a fixed seed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import golden from './keypairs_golden.json' with { type: 'json' };
import { sshFingerprint, x509Fingerprint } from '../../src/compute/keypair_keys.js';
import { refused } from '../support/refusal.js';
import { boot, computeWorld, withIds } from './support.js';

type Golden = [type: 'ssh' | 'x509', key: string, fingerprint: string | null, message: string | null];
const CASES = golden as Golden[];
const ED25519 = CASES.find(([t, k, fp]) => t === 'ssh' && k.startsWith('ssh-ed25519 ') && fp !== null)![1];
const RSA = CASES.find(([t, k, fp]) => t === 'ssh' && k.startsWith('ssh-rsa ') && fp !== null)![1];
const CERT = CASES.find(([t, , fp]) => t === 'x509' && fp !== null)![1];

const world = (seed = 1) => withIds(computeWorld(seed));

describe('keypairs: import, show, list, delete', () => {
  it(`fingerprints and refuses keys as nova does (${CASES.length} cases of tests/compute/make_keypairs_golden.py)`, () => {
    for (const [type, key, fingerprint, message] of CASES) {
      if (type === 'ssh') {
        expect(sshFingerprint(key), key).toBe(fingerprint);
        if (message !== null) expect(message).toBe('Keypair data is invalid: failed to generate fingerprint');
      } else {
        const r = x509Fingerprint(key);
        if (fingerprint !== null) expect(r, key).toEqual({ fingerprint });
        else {
          expect(r, key).toHaveProperty('error');
          const mine = `Keypair data is invalid: ${(r as { error: string }).error}`;
          // python-cryptography's Rust ASN.1 errors are matched by kind, its PEM errors exactly
          if (message!.includes('error parsing asn1 value')) expect(mine).toMatch(/error parsing asn1 value: ParseError \{ kind: /);
          else expect(mine).toBe(message);
        }
      }
    }
  });

  it('imports through the API with the same verdicts', () => {
    const { cloud, admin } = world(14101);
    CASES.forEach(([type, key, fingerprint, message], i) => {
      if (fingerprint !== null) expect(admin.compute.importKeypair({ name: `k${i}`, public_key: key, type }).fingerprint).toBe(fingerprint);
      else refused(cloud, () => admin.compute.importKeypair({ name: `k${i}`, public_key: key, type }), { status: 400, code: 'compute.keypair.invalid', message: message!.includes('asn1') ? 'error parsing asn1 value' : message! });
    });
  });

  it("answers nova's views: create, list (by name), show with its database fields", () => {
    const { cloud, demo, demoUser } = world(14102);
    const created = demo.compute.importKeypair({ name: 'b-key', public_key: ED25519 });
    const fp = sshFingerprint(ED25519)!;
    expect(created).toEqual({ type: 'ssh', name: 'b-key', public_key: ED25519, fingerprint: fp, user_id: demoUser });
    demo.compute.importKeypair({ name: 'a@key.1', public_key: CERT, type: 'x509' });
    demo.compute.importKeypair({ name: 'c key', public_key: RSA, type: 'ssh' });
    const list = demo.compute.listKeypairs();
    expect(list.map((k) => k.name)).toEqual(['a@key.1', 'b-key', 'c key']);
    expect(list[1]).toEqual({ name: 'b-key', public_key: ED25519, fingerprint: fp, type: 'ssh' });
    const shown = demo.compute.getKeypair('b-key');
    expect(shown).toEqual({ ...created, created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/), deleted: false, deleted_at: null, id: expect.any(Number), updated_at: null });
    expect(demo.compute.listKeypairs({ limit: '1', marker: 'a@key.1' }).map((k) => k.name)).toEqual(['b-key']);
    expect(demo.compute.listKeypairs({ limit: 2 }).map((k) => k.name)).toEqual(['a@key.1', 'b-key']);
    refused(cloud, () => demo.compute.listKeypairs({ marker: 'zzz' }), { status: 400, code: 'compute.keypair.marker_not_found', message: 'Marker zzz could not be found.' });
    // a server boots with it
    expect(boot(demo, 'with-key', { key_name: 'b-key' } as never).key_name).toBe('b-key');
    demo.compute.deleteKeypair('b-key');
    refused(cloud, () => demo.compute.getKeypair('b-key'), { status: 404, code: 'compute.keypair.not_found', message: `Keypair b-key not found for user ${demoUser}` });
    refused(cloud, () => demo.compute.deleteKeypair('b-key'), { status: 404, code: 'compute.keypair.not_found' });
  });

  it('keeps key pairs per user: another user neither sees them nor may name them; an admin may, with user_id', () => {
    const { cloud, admin, demo, alt, reader, demoUser, altUser } = world(14103);
    demo.compute.importKeypair({ name: 'mine', public_key: ED25519 });
    // the same name for another user is fine
    alt.compute.importKeypair({ name: 'mine', public_key: RSA });
    expect(alt.compute.getKeypair('mine').public_key).toBe(RSA);
    expect(alt.compute.listKeypairs().map((k) => k.public_key)).toEqual([RSA]);
    for (const call of [
      () => alt.compute.getKeypair('mine', { user_id: demoUser }),
      () => alt.compute.listKeypairs({ user_id: demoUser }),
      () => alt.compute.deleteKeypair('mine', { user_id: demoUser }),
      () => alt.compute.importKeypair({ name: 'planted', public_key: RSA, user_id: demoUser }),
    ]) {
      refused(cloud, call, { status: 403, code: 'compute.policy.forbidden' });
    }
    // a reader is a user too: its own key pairs are its own
    expect(reader.compute.importKeypair({ name: 'readers', public_key: RSA }).name).toBe('readers');
    expect(admin.compute.getKeypair('mine', { user_id: demoUser }).public_key).toBe(ED25519);
    expect(admin.compute.listKeypairs({ user_id: altUser }).map((k) => k.name)).toEqual(['mine']);
    expect(admin.compute.importKeypair({ name: 'given', public_key: CERT, type: 'x509', user_id: demoUser })).toMatchObject({ user_id: demoUser });
    expect(demo.compute.listKeypairs().map((k) => k.name)).toEqual(['given', 'mine']);
    admin.compute.deleteKeypair('given', { user_id: demoUser });
    expect(demo.compute.listKeypairs().map((k) => k.name)).toEqual(['mine']);
    // an empty user_id is the caller's (nova's `user_id or context.user_id`)
    expect(demo.compute.getKeypair('mine', { user_id: '' }).name).toBe('mine');
  });

  it("refuses a duplicate (409) and goes over quota with nova's 403, the quota checked first", () => {
    const { cloud, admin, demo, demoId } = world(14104);
    demo.compute.importKeypair({ name: 'one', public_key: ED25519 });
    refused(cloud, () => demo.compute.importKeypair({ name: 'one', public_key: RSA }), { status: 409, code: 'compute.keypair.exists', message: "Key pair 'one' already exists." });
    admin.compute.updateQuotaSet(demoId, { key_pairs: 2 });
    demo.compute.importKeypair({ name: 'two', public_key: RSA });
    refused(cloud, () => demo.compute.importKeypair({ name: 'three', public_key: RSA }), { status: 403, code: 'compute.quota.key_pairs', message: 'Quota exceeded, too many key pairs.' });
    refused(cloud, () => demo.compute.importKeypair({ name: 'one', public_key: RSA }), { status: 403, code: 'compute.quota.key_pairs' });
    refused(cloud, () => demo.compute.generateKeypair({ name: 'gen' }), { status: 403, code: 'compute.quota.key_pairs' });
    admin.compute.updateQuotaSet(demoId, { key_pairs: -1 });
    for (let i = 0; i < 5; i++) demo.compute.importKeypair({ name: `many-${i}`, public_key: RSA });
    expect(demo.compute.listKeypairs()).toHaveLength(7);
  });

  it('refuses bad bodies and parameters of every shape, naming the field', () => {
    const { cloud, demo } = world(14105);
    const ok = { name: 'k', public_key: ED25519 };
    const circular: Record<string, unknown> = { ...ok };
    circular.loop = circular;
    const cases: [unknown, string, string?][] = [
      [{ ...ok, name: '' }, 'name'],
      [{ ...ok, name: 'x'.repeat(256) }, 'name'],
      [{ ...ok, name: ' lead' }, 'name', 'printable characters. Can not start or end with whitespace.'],
      [{ ...ok, name: 'a/b' }, 'name', 'Only expected characters: [@._- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ]'],
      [{ ...ok, name: 'é' }, 'name'],
      [{ ...ok, name: 'new\n' }, 'name'],
      [{ ...ok, name: 7 }, 'name'],
      [{ ...ok, type: 'pgp' }, 'type', "is not one of ['ssh', 'x509']"],
      [{ ...ok, type: 1 }, 'type'],
      [{ ...ok, public_key: 5 }, 'public_key'],
      [{ ...ok, public_key: 'x'.repeat(70_000) }, 'public_key'],
      [{ ...ok, user_id: 5 }, 'user_id'],
      [{ name: 'k' }, 'public_key', "'public_key' is a required property"],
      [{ public_key: ED25519 }, 'name'],
      [{ ...ok, private_key: 'x' }, 'private_key', "Additional properties are not allowed ('private_key' was unexpected)"],
      [JSON.parse(`{"name":"k","public_key":"x","__proto__":{}}`), '__proto__'],
      [circular, 'loop'],
      [null, 'keypair'],
      [[ok], 'keypair'],
    ];
    for (const [body, field, message] of cases) refused(cloud, () => demo.compute.importKeypair(body as never), { status: 400, field, ...(message === undefined ? {} : { message }) });
    refused(cloud, () => demo.compute.listKeypairs({ limit: '-1' }), { status: 400, field: 'limit' });
    refused(cloud, () => demo.compute.listKeypairs({ limit: 'x' }), { status: 400, field: 'limit' });
    refused(cloud, () => demo.compute.listKeypairs({ sort: 'name' }), { status: 400, field: 'sort' });
    refused(cloud, () => demo.compute.listKeypairs({ user_id: 5 }), { status: 400, field: 'user_id' });
    refused(cloud, () => demo.compute.getKeypair('k', { user_id: [] as never }), { status: 400, field: 'user_id' });
    refused(cloud, () => demo.compute.getKeypair('k', { other: 1 } as never), { status: 400, field: 'other' });
    refused(cloud, () => demo.compute.getKeypair(5 as never), { status: 400, field: 'name' });
    refused(cloud, () => demo.compute.deleteKeypair(null as never), { status: 400, field: 'name' });
  });
});

describe('keypairs: generateKeypair (stacksim helper for nova before 2.92)', () => {
  it("generates a well-formed ed25519 OpenSSH pair from the cloud's seed, imports it and answers the private key once", () => {
    const { cloud, demo, demoUser } = world(14110);
    const g = demo.compute.generateKeypair({ name: 'gen' });
    expect(g.public_key).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} Generated-by-Nova$/);
    expect(g.private_key).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
    expect(g).toMatchObject({ type: 'ssh', name: 'gen', user_id: demoUser, fingerprint: sshFingerprint(g.public_key) });
    expect(demo.compute.getKeypair('gen')).not.toHaveProperty('private_key');
    // the same seed, the same pair
    expect(world(14110).demo.compute.generateKeypair({ name: 'gen' })).toEqual(g);
    const x = demo.compute.generateKeypair({ name: 'cert', type: 'x509' });
    expect(x.public_key).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(x.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI/);
    expect(x509Fingerprint(x.public_key)).toEqual({ fingerprint: x.fingerprint });
    expect(x.fingerprint).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    // 2.91's names: no '@' or '.'
    refused(cloud, () => demo.compute.generateKeypair({ name: 'a@b' }), { status: 400, field: 'name', message: 'Only expected characters: [_- ' });
    refused(cloud, () => demo.compute.generateKeypair({ name: 'gen' }), { status: 409, code: 'compute.keypair.exists' });
    refused(cloud, () => demo.compute.generateKeypair({ name: 'pk', public_key: ED25519 } as never), { status: 400, field: 'public_key' });
  });
});

describe('keypairs: properties', () => {
  it('a user holds exactly the pairs imported and not deleted, never more than its quota (seed 14120)', () => {
    const { cloud, admin, demo, demoId } = world(14120);
    admin.compute.updateQuotaSet(demoId, { key_pairs: 3 });
    const op = fc.record({ del: fc.boolean(), name: fc.constantFrom('a', 'b', 'c', 'd', 'e') });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 20 }), (ops) => {
        const start = cloud.snapshot();
        try {
          const held = new Set<string>();
          for (const o of ops) {
            const before = cloud.state;
            try {
              if (o.del) demo.compute.deleteKeypair(o.name);
              else demo.compute.importKeypair({ name: o.name, public_key: ED25519 });
              if (o.del) held.delete(o.name);
              else held.add(o.name);
            } catch (e) {
              expect(cloud.state).toBe(before);
              const status = (e as { status: number }).status;
              if (o.del) expect(status).toBe(404);
              else expect(status).toBe(held.size >= 3 ? 403 : 409);
            }
            expect(held.size).toBeLessThanOrEqual(3);
          }
          expect(demo.compute.listKeypairs().map((k) => k.name)).toEqual([...held].sort());
        } finally {
          cloud.restore(start);
        }
      }),
      { seed: 14120, numRuns: 40 },
    );
  });
});
