/**
 * Password and secret hashing. Keystone stores bcrypt hashes; stacksim stores a salted
 * PBKDF2-HMAC-SHA256 hash (from @noble/hashes, which runs in browsers) with a configurable
 * cost, because a slow hash would make property tests crawl. The clear password never enters
 * the state, which is exportable JSON.
 */
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** Hashes `password` with `salt` (hex from the seeded generator) and `rounds` iterations. */
export function hashSecret(password: string, salt: string, rounds: number): string {
  const hash = pbkdf2(sha256, utf8ToBytes(password), utf8ToBytes(salt), { c: rounds, dkLen: 32 });
  return `pbkdf2-sha256$${rounds}$${salt}$${bytesToHex(hash)}`;
}

/** Whether `password` matches a stored hash (compares in constant time over the hash). */
export function verifySecret(password: string, stored: string | null): boolean {
  if (stored === null) return false;
  const [scheme, rounds, salt, expected] = stored.split('$');
  if (scheme !== 'pbkdf2-sha256' || rounds === undefined || salt === undefined || expected === undefined) return false;
  const actual = hashSecret(password, salt, Number(rounds)).split('$')[3] as string;
  let diff = actual.length ^ expected.length;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) diff |= actual.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}
