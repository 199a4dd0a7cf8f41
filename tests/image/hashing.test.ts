/**
 * Each byte of an image upload is hashed once per algorithm, as glance_store's one read loop
 * does: MD5 once (Swift's ETag, which is also Glance's `checksum`), SHA-512 once
 * (`os_hash_value`, Glance's default `hashing_algorithm`) and SHA-256 once (the blob table's
 * content address). The hash functions are wrapped to count the bytes each one reads.
 */
import { describe, it, expect, vi, beforeEach } from 'vitest';
import { createHash } from 'node:crypto';
import { bytes, devstack, queued, sessions } from './helpers.js';

const counted = vi.hoisted(() => ({ md5: 0, sha256: 0, sha512: 0 }));

/** `fn` with a byte counter on its one-shot call (the incremental `create()` is counted through `update`). */
function counting<F extends ((data: Uint8Array) => Uint8Array) & { create: () => { update(d: Uint8Array): unknown } }>(fn: F, key: keyof typeof counted): F {
  const wrapped = ((data: Uint8Array) => {
    counted[key] += data.length;
    return fn(data);
  }) as F;
  Object.assign(wrapped, fn);
  wrapped.create = () => {
    const h = fn.create();
    const update = h.update.bind(h);
    h.update = (d: Uint8Array) => {
      counted[key] += d.length;
      update(d);
      return h;
    };
    return h;
  };
  return wrapped;
}

vi.mock('@noble/hashes/legacy.js', async (original) => {
  const mod = await original<typeof import('@noble/hashes/legacy.js')>();
  return { ...mod, md5: counting(mod.md5 as never, 'md5') };
});
vi.mock('@noble/hashes/sha2.js', async (original) => {
  const mod = await original<typeof import('@noble/hashes/sha2.js')>();
  return { ...mod, sha256: counting(mod.sha256 as never, 'sha256'), sha512: counting(mod.sha512 as never, 'sha512') };
});

beforeEach(() => {
  counted.md5 = 0;
  counted.sha256 = 0;
  counted.sha512 = 0;
});

describe('hashing an upload', () => {
  it('PUT /file reads every byte once per algorithm: md5, sha512, sha256', () => {
    const cloud = devstack(9080);
    const { demo } = sessions(cloud);
    const id = queued(demo);
    const data = bytes(3 * 1024 * 1024 + 7, 3); // larger than anything else the call hashes
    counted.md5 = counted.sha256 = counted.sha512 = 0;
    demo.image.uploadImageData(id, data);
    // a token or a request id may hash a few bytes; the payload is read exactly once each
    for (const key of ['md5', 'sha256', 'sha512'] as const) {
      expect(counted[key], key).toBeGreaterThanOrEqual(data.length);
      expect(counted[key], key).toBeLessThan(2 * data.length);
    }
    const img = demo.image.getImage(id);
    expect(img.checksum).toBe(createHash('md5').update(data).digest('hex'));
    expect(img.os_hash_value).toBe(createHash('sha512').update(data).digest('hex'));
  });
});
