/**
 * What the network suites share: DevStack's cloud with its sessions ({@link networkWorld}), and judging a pure function of src/network against the cases a Python generator recorded by calling
 * Neutron's own code (`make_*_golden.py`): each case's result, or its exception class and
 * message. Where Neutron itself fails with a Python exception (a 500), stacksim answers 400 and
 * names that exception in `details.neutron`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/core/index.js';
import { createCloud, type Cloud, type Notification, type Session } from '../../src/index.js';

interface GoldenCase {
  fn: string;
  args: unknown[];
  ok?: unknown;
  error?: { type: string; message: string };
}

export interface GoldenSpec {
  /** What is judged, for the titles (`IPAM`, `ML2 segments`). */
  readonly label: string;
  /** The golden file, next to this one. */
  readonly file: string;
  /** Each recorded function, as the TypeScript functions answer it (in the recorded shape). */
  readonly fns: Record<string, (...args: unknown[]) => unknown>;
  /** Python exceptions that are a 500 in Neutron (a 400 here). */
  readonly pythonErrors: ReadonlySet<string>;
  /** Whether a Python exception's message is compared too (not only its name and the 400). */
  readonly pythonMessages: boolean;
  /** The HTTP status of each Neutron exception class recorded. */
  readonly statusOf: Readonly<Record<string, number>>;
  /** At least this many cases. */
  readonly minCases: number;
}

type Outcome = { ok?: unknown; error?: { type: string; message: string }; status?: number };

/** Registers the golden tests of one spec. */
export function judgeAgainstNeutron(spec: GoldenSpec): void {
  const golden = JSON.parse(readFileSync(join(import.meta.dirname, spec.file), 'utf8')) as { seed: number; cases: GoldenCase[] };
  const outcome = (fn: string, args: unknown[]): Outcome => {
    try {
      return { ok: spec.fns[fn]!(...args) };
    } catch (e) {
      if (!(e instanceof CloudError)) throw e;
      return { error: { type: String(e.details['neutron']), message: e.message }, status: e.status };
    }
  };

  describe(`${spec.label} against Neutron Zed (${golden.cases.length} golden cases, generator seed ${golden.seed})`, () => {
    const byFn = new Map<string, GoldenCase[]>();
    for (const c of golden.cases) byFn.set(c.fn, [...(byFn.get(c.fn) ?? []), c]);

    it('covers every function', () => {
      expect(golden.cases.length).toBeGreaterThan(spec.minCases);
      expect([...byFn.keys()].sort()).toEqual(Object.keys(spec.fns).sort());
    });

    for (const [fn, cases] of byFn) {
      it(`${fn}: ${cases.length} cases answer as Neutron does`, () => {
        const mismatches: unknown[] = [];
        for (const c of cases) {
          const got = outcome(fn, c.args);
          if (c.error !== undefined && spec.pythonErrors.has(c.error.type)) {
            const same = got.error?.type === c.error.type && got.status === 400 && (!spec.pythonMessages || got.error.message === c.error.message);
            if (!same) mismatches.push({ args: c.args, want: c.error, got });
            continue;
          }
          const want = c.error !== undefined ? { error: c.error } : { ok: c.ok };
          const have = got.error !== undefined ? { error: got.error } : { ok: JSON.parse(JSON.stringify(got.ok ?? null)) as unknown };
          try {
            expect(have).toEqual(want);
          } catch {
            mismatches.push({ args: c.args, want, have });
          }
        }
        expect(mismatches.slice(0, 5)).toEqual([]);
      });
    }

    it("maps Neutron's exception classes to their HTTP status", () => {
      for (const c of golden.cases) {
        if (c.error === undefined || spec.pythonErrors.has(c.error.type)) continue;
        expect([c.error.type, outcome(c.fn, c.args).status]).toEqual([c.error.type, spec.statusOf[c.error.type]]);
      }
    });
  });
}

/** Runs `f`, which must refuse: a CloudError with a status from 400 up to `upTo` (inclusive). */
export function refusal(f: () => unknown, upTo = 499): CloudError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CloudError);
    const c = e as CloudError;
    expect(c.status >= 400 && c.status <= upTo, `status ${c.status}`).toBe(true);
    return c;
  }
  throw new Error('expected a refusal');
}

/** DevStack's cloud with the sessions and ids the network tests use (one password-hash round). */
export interface NetworkWorld {
  readonly cloud: Cloud;
  readonly admin: Session;
  readonly demo: Session;
  readonly alt: Session;
  readonly reader: Session;
  readonly demoId: string;
  readonly altId: string;
  readonly adminProject: string;
  readonly publicId: string;
  readonly privateId: string;
  readonly routerId: string;
}

/** {@link NetworkWorld} from a seed: admin, demo, alt_demo and demo_reader, DevStack's networks and router1. */
export function networkWorld(seed: number): NetworkWorld {
  const cloud = createCloud({ seed, preset: 'devstack', identity: { password_hash_rounds: 1 } });
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  const projects = cloud.systemAdmin.identity;
  return {
    cloud,
    admin: cloud.admin,
    demo,
    alt: cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' }),
    reader: cloud.login({ username: 'demo_reader', password: 'secret', project: 'demo' }),
    demoId: projects.getProject('demo').id,
    altId: projects.getProject('alt_demo').id,
    adminProject: projects.getProject('admin').id,
    publicId: cloud.admin.network.getNetwork('public').id,
    privateId: demo.network.getNetwork('private').id,
    routerId: demo.network.getRouter('router1').id,
  };
}

/** Whether every object and array reachable from `x` is frozen (the public API's views are). */
export function deepFrozen(x: unknown): boolean {
  if (x === null || typeof x !== 'object') return true;
  return Object.isFrozen(x) && Object.values(x).every(deepFrozen);
}

/** The notifications of one event type the cloud sends from now on, collected in order. */
export function recordEvents(cloud: Cloud, name: string): Notification[] {
  const seen: Notification[] = [];
  cloud.events.on(name as never, (n: Notification) => seen.push(n));
  return seen;
}
