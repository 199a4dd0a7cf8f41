/**
 * Everything a call changes lives in the state (DESIGN.md §2: "one root CloudState"; §10:
 * derived data "never observable"): after any operation of the catalog, `cloud.restore(base)`
 * gives back a cloud that answers exactly as before — the policy in force (rules, overrides,
 * options), the quota resources, the clock — and a fork taken before is not touched by anything
 * done to its parent. An operation that changes behaviour outside the state (a shared, mutable
 * policy engine, a registry) fails here.
 */
import { describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/index.js';
import { OPERATIONS, buildFixture, succeed, type Operation } from './operations.js';

/** What a user can observe of a cloud that is not a resource: policy in force, quota resources, time. */
function fingerprint(cloud: Cloud): string {
  return JSON.stringify({
    rules: cloud.policy.listRules().map((r) => [r.name, r.check_str, r.default_check_str, r.overridden, r.scope_types]),
    options: (cloud.state.meta.policy as { enforce_scope: boolean; enforce_new_defaults: boolean }).enforce_scope + '/' + (cloud.state.meta.policy as { enforce_new_defaults: boolean }).enforce_new_defaults,
    quotas: cloud.quotas.resources(),
    now: cloud.clock.now(),
    epoch: cloud.clock.iso(0),
  });
}

const tag = (op: Operation, what: string): string => `[${op.module}] ${op.name}: ${what}`;

describe('restore undoes every call; a fork is independent', () => {
  it('after each operation and restore(base), the cloud answers as before; a fork taken first is untouched', () => {
    const findings: string[] = [];
    let tried = 0;
    let env = buildFixture();
    let fork = env.cloud.fork();
    const expected = fingerprint(env.cloud);
    expect(fingerprint(fork)).toBe(expected);
    for (const op of OPERATIONS) {
      if (op.neverSucceeds !== undefined) continue;
      if (!succeed(op, env).ok) continue; // runs the call, then restores the base; frozen_views reports failures
      tried++;
      const now = fingerprint(env.cloud);
      const forkNow = fingerprint(fork);
      if (now !== expected) findings.push(tag(op, 'restore(base) does not undo it (the policy in force, the quota resources or the clock differ)'));
      if (forkNow !== expected) findings.push(tag(op, 'it changed a fork taken before the call'));
      if (now !== expected || forkNow !== expected) {
        // the leak outlives restore: go on with a new fixture (same seed, same references)
        env = buildFixture();
        fork = env.cloud.fork();
      }
    }
    console.info(`restore_undoes: ${tried} operations tried`);
    expect(findings.sort()).toEqual([]);
  });
});
