/**
 * Shared helpers of the identity tests. Everything goes through the public API
 * (`createCloud`, `cloud.login`, `session.identity`): no state is read or written directly,
 * except `cloud.state` to check that a refused call changed nothing.
 */
import { expect } from 'vitest';
import { createCloud, CloudError, type Cloud, type CloudOptions } from '../../src/index.js';

/** DevStack's password for every account. */
export const PW = 'secret';

/**
 * A DevStack cloud with a cheap password hash (1 PBKDF2 round) so that logins cost
 * microseconds; `identity` and `policy` options merge over that.
 */
export function devstack(seed: number, options: Omit<CloudOptions, 'seed'> = {}): Cloud {
  return createCloud({ ...options, seed, identity: { password_hash_rounds: 1, ...options.identity } });
}

/** The bare cloud (`preset: 'empty'`): only the bootstrap admin, the three default roles and the admin project. */
export function emptyCloud(seed: number, options: Omit<CloudOptions, 'seed' | 'preset'> = {}): Cloud {
  return createCloud({ ...options, seed, preset: 'empty', identity: { password_hash_rounds: 1, ...options.identity } });
}

export { caught, expectRefusal, refused, type Refusal } from '../support/refusal.js';

/** The sorted names of a token's roles. */
export function roleNames(roles: readonly { name: string }[] | undefined): string[] {
  return (roles ?? []).map((r) => r.name).sort();
}
