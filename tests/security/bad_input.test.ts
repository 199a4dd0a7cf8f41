/**
 * Bad input of any shape is a 4xx, never a crash (DESIGN.md §6; docs/ARCHITECTURE.md, Errors):
 * for every operation of the catalog and every argument position — and every top-level field of
 * an argument that is a plain object (a request body, a filter, options) — hostile values
 * (null, undefined, NaN, -0, 1e308, 5e-324, Infinity, '', a 1 MiB string, [], {},
 * Object.create(null), a circular object, a 20 000-deep nested object, a JSON `__proto__` key, a
 * function, a Symbol, a BigInt) either succeed or throw a `CloudError` with a 4xx status (never a
 * TypeError, a RangeError or a 500), and a refused call leaves `cloud.state` the very same
 * object. Nothing pollutes `Object.prototype`.
 */
import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/index.js';
import { OPERATIONS, argsOf, attempt, buildFixture, describeError, invoke, succeed, type Operation } from './operations.js';

const MIB = 'x'.repeat(1 << 20);
let DEEP: Record<string, unknown> = {};
for (let i = 0; i < 20_000; i++) DEEP = { a: DEEP };
const CIRCULAR: Record<string, unknown> = { name: 'circular' };
CIRCULAR.self = CIRCULAR;

/** The hostile values, each made fresh for every call. */
export const HOSTILE: readonly (readonly [string, () => unknown])[] = [
  ['null', () => null],
  ['undefined', () => undefined],
  ['NaN', () => NaN],
  ['-0', () => -0],
  ['1e308', () => 1e308],
  ['5e-324', () => 5e-324],
  ['Infinity', () => Infinity],
  ["''", () => ''],
  ['a 1 MiB string', () => MIB],
  ['[]', () => []],
  ['{}', () => ({})],
  ['Object.create(null)', () => Object.create(null) as unknown],
  ['a circular object', () => CIRCULAR],
  ['a 20 000-deep object', () => DEEP],
  ['{"__proto__": {"polluted": 1}}', () => JSON.parse('{"__proto__": {"polluted": 1}}') as unknown],
  ['a function', () => () => 1],
  ['a Symbol', () => Symbol('hostile')],
  ['a BigInt', () => 10n],
];

/** Where a hostile value goes: an argument, or one top-level field of a plain-object argument. */
interface Position {
  readonly label: string;
  put(args: readonly unknown[], value: unknown): unknown[];
}

function isPlain(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
}

function positions(args: readonly unknown[]): Position[] {
  const out: Position[] = [];
  args.forEach((arg, i) => {
    out.push({ label: `arg ${i}`, put: (a, v) => a.map((x, j) => (j === i ? v : x)) });
    if (isPlain(arg)) {
      for (const key of Object.keys(arg)) out.push({ label: `arg ${i}.${key}`, put: (a, v) => a.map((x, j) => (j === i ? { ...(x as object), [key]: v } : x)) });
    }
  });
  return out;
}

const tag = (op: Operation, what: string): string => `[${op.module}] ${op.name} ${what}`;

describe('hostile input gets a 4xx and changes nothing', () => {
  it('every operation, every argument position and body field, every hostile value', () => {
    const env = buildFixture();
    const { cloud } = env;
    const findings: string[] = [];
    let tried = 0;
    for (const op of OPERATIONS) {
      if (op.kind === 'getter') continue;
      const found = succeed(op, env);
      const caller = found.ok ? found.caller : op.callers[0];
      const args = argsOf(op, env);
      for (const pos of positions(args)) {
        for (const [label, make] of HOSTILE) {
          cloud.restore(env.base);
          const before = cloud.state;
          tried++;
          const out = attempt(() => invoke(op, env, caller, pos.put(args, make())));
          const where = `${pos.label} = ${label}`;
          if (!out.ok) {
            const e = out.error;
            if (!(e instanceof CloudError) || e.status < 400 || e.status >= 500) findings.push(tag(op, `${where}: ${describeError(e, 120)}`));
            else if (cloud.state !== before) findings.push(tag(op, `${where}: refused (${e.status} ${e.code}) but the state changed`));
          }
          if (({} as Record<string, unknown>).polluted !== undefined) {
            findings.push(tag(op, `${where}: Object.prototype was polluted`));
            delete (Object.prototype as Record<string, unknown>).polluted;
          }
        }
      }
    }
    cloud.restore(env.base);
    console.info(`bad_input: ${tried} calls tried`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(findings.sort()).toEqual([]);
  }, 120_000);
});
