/**
 * Views are frozen (DESIGN.md §2, "Views are frozen"): every operation of the catalog, called
 * successfully on the fixture, returns a value in which every plain object and array reachable
 * is frozen — so a caller cannot change what another caller (or the state) sees. Class
 * instances (a Session, a Cloud, a policy engine, an event bus, a `Uint8Array` of returned
 * bytes, which is a fresh copy by design) are not descended into.
 *
 * Also reported: an operation that does not succeed with its fixture arguments for any of its
 * callers (the catalog's promise; usually a defect of the operation itself).
 */
import { describe, expect, it } from 'vitest';
import { OPERATIONS, buildFixture, succeed, type Operation } from './operations.js';

/** Paths of the plain objects and arrays reachable from `value` that are not frozen. */
export function unfrozenPaths(value: unknown, path = '$', out: string[] = [], seen = new WeakSet<object>()): string[] {
  if (value === null || typeof value !== 'object') return out;
  if (seen.has(value)) return out;
  seen.add(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  const plain = Array.isArray(value) || proto === Object.prototype || proto === null;
  if (!plain) return out; // a class instance: its own business (Session, Cloud, Uint8Array, Map, …)
  if (!Object.isFrozen(value)) out.push(path);
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key);
    if (d !== undefined && 'value' in d) unfrozenPaths(d.value, Array.isArray(value) ? `${path}[${String(key)}]` : `${path}.${String(key)}`, out, seen);
  }
  return out;
}

const tag = (op: Operation, what: string): string => `[${op.module}] ${op.name}: ${what}`;

describe('every view is frozen, all the way down', () => {
  it('every successful call of the catalog returns only frozen plain objects and arrays', () => {
    const env = buildFixture();
    const findings: string[] = [];
    let tried = 0;
    for (const op of OPERATIONS) {
      if (op.neverSucceeds !== undefined) continue;
      tried++;
      const out = succeed(op, env);
      if (!out.ok) {
        findings.push(tag(op, `does not succeed on the fixture (${out.error})`));
        continue;
      }
      const paths = unfrozenPaths(out.value);
      if (paths.length > 0) findings.push(tag(op, `${paths.length} unfrozen object(s)/array(s), e.g. ${paths.slice(0, 3).join(', ')}`));
    }
    console.info(`frozen_views: ${tried} operations called`);
    expect(findings.sort()).toEqual([]);
  });
});
