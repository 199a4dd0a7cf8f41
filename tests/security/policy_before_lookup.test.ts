/**
 * Policy is decided before any lookup that could reveal whether something exists (DESIGN.md §5
 * and §10): a caller without the right — a member of another project (alt_demo), a reader of
 * another project, demo's own expired token, demo's own revoked token, and (for Swift) an
 * anonymous request — gets the SAME answer (status, code, and message with the reference text
 * replaced) for a reference to a resource that exists and for a made-up reference of the same
 * shape, for every reference argument of every session operation; and never a 2xx on another
 * project's resource (nor any write through such a reference). An expired or revoked token is a
 * 401 on every session operation, and a refused call commits nothing.
 *
 * A reference is given by id and, where the resource has one, by name (names resolve only among
 * what the caller may see). The made-up references come from fast-check with a fixed seed:
 * every (operation, caller, reference) combination runs once as an example, then random ones run
 * with fresh shapes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, type Session } from '../../src/index.js';
import { OPERATIONS, argsOf, attempt, buildFixture, describeError, invoke, isSessionOp, reshape, type Env, type Operation, type Outcome, type SessionName } from './operations.js';

const SEED = 20_221_005;
const EXTRA_RUNS = 200;

/** The callers that must not learn anything: sessions, or `anonymous` (cloud.anonymous, for Swift's operations). */
type Prober = Exclude<SessionName, 'admin' | 'systemAdmin' | 'demo' | 'demoReader'> | 'anonymous';
const PROBERS: readonly Prober[] = ['altDemo', 'altReader', 'domainReader', 'unscoped', 'expired', 'revoked', 'anonymous'];
const TOKENLESS = new Set<Prober>(['expired', 'revoked']);

interface Combo {
  readonly op: Operation;
  readonly caller: Prober;
  readonly slot: string;
  /** The reference given by name (the slot's first alias) rather than by id. */
  readonly byName: boolean;
}

/** Runs the operation as a prober (the anonymous API for `anonymous`), with the state restored first. */
function probe(env: Env, op: Operation, caller: Prober, refs: Record<string, unknown>): Outcome & { readonly committed: boolean } {
  env.cloud.restore(env.base);
  const before = env.cloud.state;
  const args = (op.probeArgs ?? op.args)({ ...refs, base: env.base });
  const out =
    caller === 'anonymous'
      ? attempt(() => (env.cloud.anonymous.object as unknown as Record<string, (...a: unknown[]) => unknown>)[op.method]?.(...args))
      : attempt(() => invoke(op, env, caller, args));
  return { ...out, committed: env.cloud.state !== before };
}

/** The answer with every text naming the reference replaced (a success with its value). */
function answer(out: Outcome, texts: readonly string[]): string {
  const hide = (text: string): string => {
    let t = text;
    for (const x of [...texts].filter((y) => y.length > 0).sort((a, b) => b.length - a.length)) t = t.split(x).join('<ref>');
    return t;
  };
  if (out.ok) {
    const json = JSON.stringify(out.value ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? `<${v.length} bytes>` : v));
    return `a success: ${hide(json)}`;
  }
  if (!(out.error instanceof CloudError)) return describeError(out.error);
  return `${out.error.status} ${out.error.code}: ${hide(out.error.message)}`;
}

const tag = (op: Operation, what: string): string => `[${op.module}] ${op.name}: ${what}`;

/** A refusal that commits by design: a wrong original password in a password change records the failure (DESIGN.md §10). */
function commitsByDesign(out: Outcome): boolean {
  return !out.ok && out.error instanceof CloudError && out.error.status === 401 && /password/.test(out.error.code);
}

describe('an unauthorised caller learns nothing from a reference', () => {
  const env = buildFixture();
  const sessionOps = OPERATIONS.filter((o) => isSessionOp(o) && o.kind === 'method');
  // Swift's operations are also tried without a token; demo's unscoped token is demo: its own token, user and credentials are its own
  const appliesTo = (op: Operation, caller: Prober): boolean =>
    (caller !== 'anonymous' || op.api === 'session.object') && (caller !== 'unscoped' || !op.refs.some((r) => env.slots[r]?.ownUser));

  it(`existing and made-up references get the same answer, never a 2xx on another project's resource (seed ${SEED})`, () => {
    const combos: Combo[] = [];
    for (const op of sessionOps) {
      for (const caller of PROBERS) {
        if (!appliesTo(op, caller)) continue;
        for (const slot of op.refs) {
          combos.push({ op, caller, slot, byName: false });
          if ((env.slots[slot]?.aliases.length ?? 0) > 0) combos.push({ op, caller, slot, byName: true });
        }
      }
    }
    const findings = new Set<string>();
    const existing = new Map<string, Outcome & { committed: boolean }>();
    const drawsArb = fc.array(fc.nat({ max: 1_000_000 }), { minLength: 64, maxLength: 64 });
    const exampleDraws = fc.sample(drawsArb, { seed: SEED, numRuns: combos.length });
    let tried = 0;
    const check = (c: Combo, draws: readonly number[]): void => {
      const { op, caller, slot, byName } = c;
      const s = env.slots[slot];
      if (s === undefined) throw new Error(`${op.name}: no slot ${slot}`);
      const real = byName ? (s.aliases[0] ?? s.value) : s.value;
      const refs = { ...env.refs, [slot]: real };
      const key = `${op.name}|${caller}|${byName ? slot : ''}`;
      let ex = existing.get(key);
      if (ex === undefined) {
        ex = probe(env, op, caller, refs);
        tried++;
        existing.set(key, ex);
      }
      let fake = reshape(real, byName ? 0 : s.keep, draws);
      if (fake === real) fake = `${real.slice(0, -1)}${real.endsWith('0') ? '1' : '0'}`;
      const made = probe(env, op, caller, { ...refs, [slot]: fake });
      tried++;
      const ref = byName ? `${slot} (by name)` : slot;
      if (made.committed && !made.ok && !commitsByDesign(made)) findings.add(tag(op, `${caller}, made-up ${ref}: refused but committed a new state`));
      const texts = [s.value, ...s.aliases, fake];
      const a = answer(ex, texts);
      const b = answer(made, texts);
      if (ex.ok) {
        const secret = op.refs.some((r) => env.slots[r]?.secret);
        const via = byName ? ` (${slot} by name)` : '';
        if (TOKENLESS.has(caller)) findings.add(tag(op, `${caller} token: a success (expected 401)${via}`));
        else if (op.writes) findings.add(tag(op, `${caller}: wrote through another project's ${op.refs.join('/')}${via}`));
        else if ((secret || caller === 'anonymous') && a !== b) findings.add(tag(op, `${caller}: a 2xx on another project's ${op.refs.join('/')}${via} (${a.slice(0, 120)}) | made-up → ${b.slice(0, 120)}`));
        return; // the same answer as for nothing, or a public thing this caller may read
      }
      if (a !== b) findings.add(tag(op, `${caller}, ${ref}: existing → ${a} | made-up → ${b}`));
    };
    // fast-check counts the examples in numRuns: every combination once, then EXTRA_RUNS random ones
    fc.assert(
      fc.property(fc.nat({ max: combos.length - 1 }), drawsArb, (i, draws) => {
        const c = combos[i];
        if (c !== undefined) check(c, draws);
        return true; // findings are collected, not shrunk: the list is the to-do list
      }),
      { seed: SEED, numRuns: combos.length + EXTRA_RUNS, examples: combos.map((_, i) => [i, exampleDraws[i] ?? []] as [number, number[]]) },
    );
    // the existing-reference calls refused with a commit
    for (const [key, ex] of existing) {
      const [name, caller] = key.split('|');
      if (ex.committed && !ex.ok && !commitsByDesign(ex)) findings.add(tag(OPERATIONS.find((o) => o.name === name) as Operation, `${caller}: refused but committed a new state`));
    }
    env.cloud.restore(env.base);
    console.info(`policy_before_lookup: ${combos.length} (operation, caller, reference) combinations + ${EXTRA_RUNS} random runs, ${tried} calls`);
    expect([...findings].sort()).toEqual([]);
  }, 60_000);

  /**
   * Writes Zed's own default rules let a reader of the owner project make, kept as Zed has them
   * (the rules are copied verbatim): Neutron's `create_subnet`, `update_subnet` and
   * `delete_subnet` end in `or rule:network_owner` (`tenant_id:%(network:tenant_id)s`, no role),
   * so any token of the network's project passes on a real Zed install.
   */
  const READER_WRITES_ZED_ALLOWS = new Set(['session.network.createSubnet', 'session.network.updateSubnet', 'session.network.deleteSubnet']);

  it('an expired or revoked token is a 401 on every session operation; a reader of the owner project never writes', () => {
    const findings: string[] = [];
    let tried = 0;
    for (const op of OPERATIONS.filter((o) => isSessionOp(o) && o.kind === 'method')) {
      for (const caller of ['expired', 'revoked'] as const) {
        env.cloud.restore(env.base);
        const before = env.cloud.state;
        const out = attempt(() => invoke(op, env, caller, argsOf(op, env)));
        tried++;
        if (out.ok) findings.push(tag(op, `${caller} token: a success (expected 401)`));
        else if (!(out.error instanceof CloudError) || out.error.status !== 401) findings.push(tag(op, `${caller} token: ${describeError(out.error)} (expected 401)`));
        else if (env.cloud.state !== before) findings.push(tag(op, `${caller} token: 401 but committed a new state`));
      }
      if (op.writes && op.kind === 'method') {
        // demo_reader reads demo's resources, but writes none of them (nor anyone else's)
        const reader: Session = env.sessions.demoReader;
        env.cloud.restore(env.base);
        const out = attempt(() => invoke(op, env, reader, (op.probeArgs ?? op.args)({ ...env.refs, base: env.base })));
        tried++;
        if (out.ok && op.refs.length > 0 && !READER_WRITES_ZED_ALLOWS.has(op.name)) findings.push(tag(op, `demo_reader (reader of demo): a write succeeded`));
      }
    }
    env.cloud.restore(env.base);
    console.info(`policy_before_lookup (tokens, reader writes): ${tried} calls`);
    expect(findings.sort()).toEqual([]);
  });
});
