/**
 * Shared helpers of the image tests: clouds with cheap password hashing, sessions for DevStack's
 * accounts, and images made through the public API only.
 */
import { createCloud, type Cloud, type CloudOptions, type Session } from '../../src/index.js';

export { caught, expectRefusal, refused, type Refusal } from '../support/refusal.js';

/** DevStack's password for every account. */
export const PW = 'secret';

/** A DevStack cloud (cirros, demo, alt_demo, …) with a cheap password hash. */
export function devstack(seed: number, options: Omit<CloudOptions, 'seed'> = {}): Cloud {
  return createCloud({ ...options, seed, identity: { password_hash_rounds: 1, ...options.identity } });
}

/** DevStack's users, each scoped to its project. */
export function sessions(cloud: Cloud): { admin: Session; demo: Session; alt: Session; reader: Session } {
  return {
    admin: cloud.admin,
    demo: cloud.login({ username: 'demo', password: PW, project: 'demo' }),
    alt: cloud.login({ username: 'alt_demo', password: PW, project: 'alt_demo' }),
    reader: cloud.login({ username: 'demo_reader', password: PW, project: 'demo' }),
  };
}

/** The id of a project by name. */
export function projectId(cloud: Cloud, name: string): string {
  return cloud.systemAdmin.identity.getProject(name).id;
}

/** Deterministic bytes of a given length. */
export function bytes(n: number, salt = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 37 + salt * 11) & 0xff;
  return out;
}

/** A queued qcow2 / bare image of the session's project. */
export function queued(s: Session, extra: Record<string, unknown> = {}): string {
  return s.image.createImage({ name: 'img', disk_format: 'qcow2', container_format: 'bare', ...extra }).id;
}

/** An active image with `data`. */
export function active(s: Session, data: Uint8Array = bytes(100), extra: Record<string, unknown> = {}): string {
  const id = queued(s, extra);
  s.image.uploadImageData(id, data);
  return id;
}
