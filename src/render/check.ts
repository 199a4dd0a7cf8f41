/**
 * How every renderer reads what it is handed: the arguments and options may come from anywhere
 * (JSON a student pasted, a Proxy, a revoked Proxy, a sparse list `[, x]`, an object whose getter
 * throws), so each value is read once, through these helpers, into plain data; anything wrong is a
 * 400 `InvalidInput` (`render.input.invalid`) naming the field and saying what to fix — never a
 * `TypeError` later while drawing.
 * @internal shared by the renderers of this folder; not exported by `stacksim/render`.
 */
import { InvalidInput } from '../core/index.js';
import { clip, oneLine } from './svg.js';

/** The code of every refusal a renderer gives. */
export const INPUT_CODE = 'render.input.invalid';
/** Longest title kept (characters). */
const MAX_TITLE = 200;
/** Longest list read item by item (a `new Array(2 ** 32 - 1)` is refused, not walked). */
const MAX_ITEMS = 1_000_000;

/** A renderer's refusal: a 400 naming `field`. */
export function bad(field: string, message: string): InvalidInput {
  return new InvalidInput(field, message, INPUT_CODE);
}

/** `Array.isArray` that answers false for a revoked Proxy instead of throwing. */
export function isList(v: unknown): v is readonly unknown[] {
  try {
    return Array.isArray(v);
  } catch {
    return false;
  }
}

/**
 * Whether `v` looks like a Cloud (an object with `fork()`, which only a Cloud has), answering
 * false rather than throwing for a revoked Proxy or a getter that throws. Reading one is
 * {@link lookInto}'s job (read.ts): it forks, and refuses what does not fork into a Cloud.
 */
export function isCloudLike(v: unknown): boolean {
  try {
    return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { fork?: unknown }).fork === 'function';
  } catch {
    return false;
  }
}

/** A short description of a value's kind for error messages (never throws). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (isList(value)) return 'an array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : `the number ${String(value)}`;
  if (typeof value === 'string') return `the string '${clip(oneLine(value), 30)}'`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** `o[key]`; a getter or a Proxy trap that throws (a revoked Proxy) is a 400 naming `field`. */
export function member(o: object, key: string | number, field: string): unknown {
  try {
    return (o as Record<string | number, unknown>)[key];
  } catch {
    throw bad(field, 'could not be read (its getter threw, or it is a revoked Proxy)');
  }
}

/** `key in o`, false when a Proxy trap throws. */
export function has(o: object, key: string): boolean {
  try {
    return key in o;
  } catch {
    return false;
  }
}

/** An object (not null, not a list), or a 400 naming `field` that says what was expected. */
export function record(v: unknown, field: string, expected = 'an object'): object {
  if (typeof v !== 'object' || v === null || isList(v)) throw bad(field, `expected ${expected}, got ${describe(v)}`);
  try {
    Object.getPrototypeOf(v);
  } catch {
    throw bad(field, 'could not be read (a revoked Proxy?)');
  }
  return v;
}

/**
 * A list read item by item into a dense copy: a hole of a sparse list (`[, x]`) is `undefined`
 * there (so its check names `field[i]`), an item whose read throws is a 400 naming it.
 */
export function list(v: unknown, field: string, max = MAX_ITEMS, expected = 'a list'): unknown[] {
  if (!isList(v)) throw bad(field, `expected ${expected}, got ${describe(v)}`);
  const n = member(v, 'length', field);
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw bad(field, `expected ${expected}, got a list whose length is ${describe(n)}`);
  if (n > max) throw bad(field, `at most ${max.toLocaleString('en-US')} items can be drawn, got ${n.toLocaleString('en-US')}`);
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = member(v, i, `${field}[${i}]`);
  return out;
}

/** A string, or a 400 naming `field`. */
export function text(v: unknown, field: string): string {
  if (typeof v !== 'string') throw bad(field, `expected a string, got ${describe(v)}`);
  return v;
}

/** A finite number ≥ `min`, or a 400 naming `field`. */
export function finite(v: unknown, field: string, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw bad(field, `expected a finite number${min > -Infinity ? ` ≥ ${min}` : ''}, got ${describe(v)}`);
  return v;
}

/** `true` or `false`, or a 400 naming `field`. */
export function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw bad(field, `expected true or false, got ${describe(v)}`);
  return v;
}

/**
 * An object handed over by a caller, read field by field: `fields.text('name')` reads
 * `object.name` once and checks it, and any refusal names `where.name`.
 */
export class Fields {
  readonly #object: object;
  /** The field this object is, as refusals name it (`explanation.instances[0]`). */
  readonly where: string;

  constructor(object: object, where: string) {
    this.#object = object;
    this.where = where;
  }

  /** The name of one of its fields, as a refusal names it. */
  at(key: string): string {
    return `${this.where}.${key}`;
  }

  get(key: string): unknown {
    return member(this.#object, key, this.at(key));
  }

  has(key: string): boolean {
    return has(this.#object, key);
  }

  /** Its own enumerable keys. */
  keys(): string[] {
    try {
      return Object.keys(this.#object);
    } catch {
      throw bad(this.where, 'its fields could not be listed (a revoked Proxy?)');
    }
  }

  text(key: string): string {
    return text(this.get(key), this.at(key));
  }

  /** A string, or null when the field is null or absent. */
  maybeText(key: string): string | null {
    const v = this.get(key);
    return v === null || v === undefined ? null : text(v, this.at(key));
  }

  finite(key: string, min = -Infinity): number {
    return finite(this.get(key), this.at(key), min);
  }

  bool(key: string): boolean {
    return bool(this.get(key), this.at(key));
  }

  list(key: string, max = MAX_ITEMS): unknown[] {
    return list(this.get(key), this.at(key), max);
  }

  /** A list of objects, each read as {@link Fields} named by its index. */
  records(key: string, expected = 'an object'): Fields[] {
    const where = this.at(key);
    return this.list(key).map((x, i) => fieldsOf(x, `${where}[${i}]`, expected));
  }
}

/** `v` as {@link Fields} named `where`, or a 400 naming it when it is no object. */
export function fieldsOf(v: unknown, where: string, expected = 'an object'): Fields {
  return new Fields(record(v, where, expected), where);
}

/** The largest of `floor` and `f` over `xs` (a loop: spreading 100 000 values into Math.max overflows the stack). */
export function most<T>(xs: readonly T[], f: (x: T) => number, floor: number): number {
  let m = floor;
  for (const x of xs) {
    const v = f(x);
    if (v > m) m = v;
  }
  return m;
}

/**
 * Checks a renderer's options: `undefined` or an object with only `allowed` keys, read once into
 * a plain record; refuses anything else (a list, a revoked Proxy, a misspelt key such as
 * `instanse`) with a 400 naming `options` or the unknown key.
 */
export function optionsOf(options: unknown, allowed: readonly string[]): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  const o = record(options, 'options', `an object with any of ${allowed.join(', ')}`);
  let keys: string[];
  try {
    keys = Object.keys(o);
  } catch {
    throw bad('options', 'could not be read (a revoked Proxy?)');
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of keys) {
    if (!allowed.includes(key)) throw bad(`options.${clip(oneLine(key), 40)}`, `unknown option; the options are ${allowed.join(', ')}`);
    out[key] = member(o, key, `options.${key}`);
  }
  return out;
}

/**
 * A picture's title: `value` (the `title` option) when it is a non-empty string, else `fallback`;
 * either made one line ({@link oneLine}: control characters and bidi overrides go) and cut to
 * 200 characters. Every title of every renderer goes through here, so none can be a megabyte.
 */
export function titleOf(value: unknown, fallback: string): string {
  if (value !== undefined && typeof value !== 'string') throw bad('options.title', `expected a string, got ${describe(value)}`);
  const given = value === undefined ? '' : cleanTitle(value);
  return given === '' ? cleanTitle(fallback) : given;
}

function cleanTitle(s: string): string {
  return clip(oneLine(s.slice(0, MAX_TITLE * 4)).trim(), MAX_TITLE);
}
