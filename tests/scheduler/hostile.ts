/**
 * Hostile values for the scheduler's bad-input suites (issue 10 #8): what an attacker or a
 * careless notebook passes where a field is expected — null, undefined, NaN, infinities, the
 * extremes of doubles, cycles, 20 000-deep objects and arrays, null-prototype objects, `__proto__`
 * and other Object.prototype names as keys or strings, boxed values, functions — and the variants
 * of a valid call that put one of them at each argument and at each leaf of each argument.
 */
import { expect } from 'vitest';
import { CloudError, type Cloud } from '../../src/index.js';

function deepObject(depth: number): unknown {
  let v: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function deepArray(depth: number): unknown {
  let v: unknown[] = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const cycle = (): unknown => {
  const o: Record<string, unknown> = { name: 'x' };
  o.self = o;
  o.resources = o;
  return o;
};

const cyclicArray = (): unknown => {
  const a: unknown[] = ['x'];
  a.push(a);
  return a;
};

// built once: nothing under test writes into its input
const DEEP_OBJECT = deepObject(20_000);
const DEEP_ARRAY = deepArray(20_000);
const LONG_STRING = 'x'.repeat(1_000_000);

/** Each hostile value, named (a fresh one per call where it is cheap). */
export const HOSTILE: readonly (readonly [string, () => unknown])[] = [
  ['null', () => null],
  ['undefined', () => undefined],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['-Infinity', () => Number.NEGATIVE_INFINITY],
  ['1e308', () => 1e308],
  ['-1e308', () => -1e308],
  ['5e-324', () => 5e-324],
  ['-0', () => -0],
  ['2**53', () => 2 ** 53],
  ['a circular object', cycle],
  ['a circular array', cyclicArray],
  ['a 20 000-deep object', () => DEEP_OBJECT],
  ['a 20 000-deep array', () => DEEP_ARRAY],
  ['Object.create(null)', () => Object.create(null) as unknown],
  ['Object.create(null) with a key', () => Object.assign(Object.create(null) as object, { name: 'x', total: 1 })],
  ['an own __proto__ key', () => JSON.parse('{"__proto__": {"polluted": true}, "name": "x"}') as unknown],
  ["'__proto__'", () => '__proto__'],
  ["'constructor'", () => 'constructor'],
  ["'toString'", () => 'toString'],
  ["'hasOwnProperty'", () => 'hasOwnProperty'],
  ['a 1 000 000-character string', () => LONG_STRING],
  ['an empty string', () => ''],
  ['a BigInt', () => 10n],
  ['a symbol', () => Symbol('s')],
  ['a function', () => () => 1],
  ['a boxed number', () => new Number(1)],
  ['a boxed string', () => new String('x')],
  ['a Date', () => new Date(0)],
  ['a Map', () => new Map([['name', 'x']])],
  ['an array with a hole', () => [, 'x'] as unknown], // eslint-disable-line no-sparse-arrays
];

/** The ones tried at every place inside an argument (each argument itself gets them all). */
const INNER = new Set(['null', 'undefined', 'NaN', '1e308', '-1e308', '5e-324', 'a circular object', 'a 20 000-deep object', 'a 20 000-deep array', 'Object.create(null)', "'__proto__'", "'constructor'", 'a BigInt', 'a boxed number']);
const HOSTILE_INNER = HOSTILE.filter(([name]) => INNER.has(name));

type Path = readonly (string | number)[];

/** Every path of a value's leaves and inner nodes (own enumerable keys), not the root. */
function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [];
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = [...at, Array.isArray(value) ? Number(k) : k];
      out.push(p, ...paths(v, p));
    }
  }
  return out;
}

/** A copy of `value` (plain JSON data) with `replacement` at `path`. */
function replaced(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaced(v, rest, replacement) : v));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = k === String(head) ? replaced(v, rest, replacement) : v;
  return out;
}

/** One variant of a call: a description and its arguments. */
export interface Variant {
  readonly what: string;
  readonly args: unknown[];
  /** An own `__proto__` key added next to a valid key, with a copy of that key's value: a key no API of Placement or nova.conf accepts. */
  readonly protoKey?: true;
}

/**
 * The variants of a valid call: each hostile value as each argument, and most of them at each
 * path inside each argument; then each object argument (and each object inside one) with an own
 * `__proto__` key added, and as a null-prototype copy.
 */
export function variants(args: readonly unknown[]): Variant[] {
  const out: Variant[] = [];
  args.forEach((arg, i) => {
    for (const [name, make] of HOSTILE) out.push({ what: `argument ${i} = ${name}`, args: args.map((a, j) => (j === i ? make() : a)) });
    for (const path of paths(arg)) {
      for (const [name, make] of HOSTILE_INNER) out.push({ what: `argument ${i} at ${path.join('.')} = ${name}`, args: args.map((a, j) => (j === i ? replaced(a, path, make()) : a)) });
    }
    for (const path of [[], ...paths(arg)]) {
      const node = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], arg);
      if (node === null || typeof node !== 'object' || Array.isArray(node)) continue;
      const polluted = JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(node).slice(1)}`.replace(/, }$/, '}')) as unknown;
      out.push({ what: `argument ${i} at ${path.join('.') || '(root)'} with an own __proto__ key`, args: args.map((a, j) => (j === i ? replaced(a, path, polluted) : a)) });
      out.push({ what: `argument ${i} at ${path.join('.') || '(root)'} as Object.create(null)`, args: args.map((a, j) => (j === i ? replaced(a, path, Object.assign(Object.create(null) as object, node)) : a)) });
      const [first] = Object.keys(node);
      if (first !== undefined) {
        // the value of a valid key under the key `__proto__`: only the key itself is wrong
        const valid = JSON.stringify((node as Record<string, unknown>)[first]) ?? 'null';
        const twin = JSON.parse(`{"__proto__": ${valid}, ${JSON.stringify(node).slice(1)}`) as unknown;
        out.push({ what: `argument ${i} at ${path.join('.') || '(root)'} with an own __proto__ key holding a valid value`, args: args.map((a, j) => (j === i ? replaced(a, path, twin) : a)), protoKey: true });
      }
    }
  });
  return out;
}

/**
 * Runs one hostile call on a cloud: it either answers, or throws a CloudError with a 4xx status
 * (a 400 names its field in `details.field` and in the message) and leaves `cloud.state` the very
 * same object. Never a TypeError, a RangeError or a 5xx. Nothing leaks onto Object.prototype.
 */
export function expectHostileHandled(cloud: Cloud, what: string, call: () => unknown): 'answered' | number {
  const before = cloud.state;
  let outcome: 'answered' | number = 'answered';
  try {
    call();
  } catch (e) {
    expect(e, `${what}: ${(e as Error)?.stack ?? String(e)}`).toBeInstanceOf(CloudError);
    const err = e as CloudError;
    expect(err.status, `${what}: ${err.message}`).toBeGreaterThanOrEqual(400);
    expect(err.status, `${what}: ${err.message}`).toBeLessThan(500);
    if (err.status === 400 && err.code === 'core.input.invalid') {
      expect(typeof err.details.field, `${what}: a 400 names its field (${err.message})`).toBe('string');
      expect(err.message, what).toContain(err.details.field as string);
    }
    expect(cloud.state, `${what}: refused, yet the state changed`).toBe(before);
    outcome = err.status;
  }
  expect(({} as Record<string, unknown>).polluted, `${what}: Object.prototype was polluted`).toBeUndefined();
  // whatever was committed is still plain JSON data
  if (cloud.state !== before) expect(() => JSON.stringify(cloud.state), what).not.toThrow();
  return outcome;
}
