/**
 * The answer of a call is decided before its commit (DESIGN.md §10, "the answer (including any
 * read-back) is decided before the commit"): for every operation of the catalog and every policy
 * rule it consults, with that rule overridden to `'!'` (never), the call is either allowed or
 * refused with a `CloudError` — and when refused, `cloud.state` is the very same object as before
 * the call. An operation that writes, then reads its result back through a second policy check
 * after the commit, fails here: the write is committed, the caller is told 403.
 *
 * Which rules an operation consults is recorded by running it once successfully with the
 * engine's decision method wrapped (this file only). One cloud is used throughout: each rule is
 * overridden once (`cloud.policy.setRule`), and every call starts from a restored snapshot.
 */
import { describe, expect, it } from 'vitest';
import { CloudError, core } from '../../src/index.js';
import { OPERATIONS, argsOf, attempt, buildFixture, describeError, invoke, succeed, type Operation, type SessionName } from './operations.js';

type Decide = (name: string, ...rest: unknown[]) => unknown;
const proto = core.PolicyEngine.prototype as unknown as { decide: Decide };
const original = proto.decide;
let recording: Set<string> | undefined;
proto.decide = function (this: unknown, name: string, ...rest: unknown[]): unknown {
  recording?.add(name);
  return original.call(this, name, ...rest);
};

const tag = (op: Operation, what: string): string => `[${op.module}] ${op.name}: ${what}`;

describe('a refused call commits nothing, whichever rule refuses it', () => {
  it("every operation × every rule it consults set to '!': allowed, or refused with the state untouched", () => {
    const started = performance.now();
    const env = buildFixture();
    const { cloud } = env;
    const findings: string[] = [];
    // the rules each operation consults on its successful path
    const plan: { op: Operation; caller: SessionName | undefined; rules: string[] }[] = [];
    for (const op of OPERATIONS) {
      if (op.neverSucceeds !== undefined) continue;
      const found = succeed(op, env);
      if (!found.ok) continue; // frozen_views reports operations that do not succeed
      recording = new Set();
      cloud.restore(env.base);
      attempt(() => invoke(op, env, found.caller, argsOf(op, env)));
      const rules = [...recording];
      recording = undefined;
      if (rules.length > 0) plan.push({ op, caller: found.caller, rules });
    }
    const byRule = new Map<string, typeof plan>();
    for (const p of plan) for (const r of p.rules) byRule.set(r, [...(byRule.get(r) ?? []), p]);
    let tried = 0;
    for (const [rule, entries] of byRule) {
      cloud.restore(env.base);
      cloud.policy.setRule(rule, '!');
      const denied = cloud.state;
      for (const { op, caller } of entries) {
        cloud.restore(denied);
        const before = cloud.state;
        tried++;
        const out = attempt(() => invoke(op, env, caller, argsOf(op, env)));
        if (out.ok) continue;
        if (!(out.error instanceof CloudError)) findings.push(tag(op, `with ${rule} = '!': ${describeError(out.error)}`));
        else if (cloud.state !== before) findings.push(tag(op, `with ${rule} = '!': answered ${out.error.status} ${out.error.code} but committed a new state`));
      }
    }
    cloud.restore(env.base);
    const seconds = (performance.now() - started) / 1000;
    console.info(`commit_after_answer: ${plan.length} operations consult ${byRule.size} rules; ${tried} calls tried in ${seconds.toFixed(1)} s`);
    expect(findings.sort()).toEqual([]);
    expect(seconds).toBeLessThan(20);
  }, 60_000);
});
