/**
 * Input checks shared by every module. Each takes `unknown` (callers may pass anything: the
 * library is used from untyped notebooks) and either returns the typed value or throws
 * {@link InvalidInput} naming the field, so a bad call never reaches the state.
 */
import { InvalidInput } from './errors.js';

/** Describes a value for an error message without dumping large structures. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return value.length > 40 ? `a ${value.length}-character string` : `'${value}'`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** A plain object (not null, not an array). */
export function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInput(field, `expected an object, got ${describe(value)}.`);
  }
  return value as Record<string, unknown>;
}

/** Refuses keys outside `allowed`, as OpenStack's JSON schemas do with additionalProperties: false. */
export function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new InvalidInput(`${field}.${key}`, `unknown field; allowed fields are ${allowed.join(', ')}.`);
    }
  }
}

/**
 * The body of a PATCH: a plain object with only `allowed` keys and at least one of them
 * (Keystone's update schemas set `minProperties: 1`). Keystone keeps unknown keys as free-form
 * "extra" attributes; those are not simulated, so unknown keys are refused with the allowed list.
 */
export function patch(value: unknown, allowed: readonly string[], field: string): Record<string, unknown> {
  const p = record(value, field);
  onlyKeys(p, allowed, field);
  if (Object.keys(p).length === 0) throw new InvalidInput(field, 'give at least one field to change.');
  return p;
}

/** A string of 1..max characters (OpenStack names are 1..255). */
export function name(value: unknown, field: string, max = 255): string {
  if (typeof value !== 'string') throw new InvalidInput(field, `expected a string, got ${describe(value)}.`);
  if (value.trim().length === 0) throw new InvalidInput(field, 'must not be empty or only spaces.');
  if (value.length > max) throw new InvalidInput(field, `must be at most ${max} characters, got ${value.length}.`);
  return value;
}

/** Any string (possibly empty) up to `max` characters. */
export function text(value: unknown, field: string, max = 255): string {
  if (typeof value !== 'string') throw new InvalidInput(field, `expected a string, got ${describe(value)}.`);
  if (value.length > max) throw new InvalidInput(field, `must be at most ${max} characters, got ${value.length}.`);
  return value;
}

/** A finite integer within [min, max]. */
export function integer(value: unknown, field: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidInput(field, `expected an integer, got ${describe(value)}.`);
  }
  if (value < min) throw new InvalidInput(field, `must be at least ${min}, got ${value}.`);
  if (value > max) throw new InvalidInput(field, `must be at most ${max}, got ${value}.`);
  return value;
}

/** A finite number within [min, max]. */
export function number(value: unknown, field: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidInput(field, `expected a finite number, got ${describe(value)}.`);
  }
  if (value < min) throw new InvalidInput(field, `must be at least ${min}, got ${value}.`);
  if (value > max) throw new InvalidInput(field, `must be at most ${max}, got ${value}.`);
  return value;
}

/** A boolean. */
export function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidInput(field, `expected true or false, got ${describe(value)}.`);
  return value;
}

/** One of a fixed list of strings. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidInput(field, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}.`);
  }
  return value as T;
}

/** An array whose items are checked by `item` (field paths get `[i]`). */
export function array<T>(value: unknown, field: string, item: (v: unknown, f: string) => T, maxLength = 100_000): T[] {
  if (!Array.isArray(value)) throw new InvalidInput(field, `expected an array, got ${describe(value)}.`);
  if (value.length > maxLength) throw new InvalidInput(field, `must have at most ${maxLength} items, got ${value.length}.`);
  // an index loop, not map: map skips the holes of a sparse array ([, 1]) and would let them through
  const out: T[] = [];
  for (let i = 0; i < value.length; i++) out.push(item(value[i], `${field}[${i}]`));
  return out;
}

/** Calls `check` when the value is present (not undefined), else returns the fallback. */
export function optional<T>(value: unknown, field: string, check: (v: unknown, f: string) => T, fallback: T): T {
  return value === undefined ? fallback : check(value, field);
}
