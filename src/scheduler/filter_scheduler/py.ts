/**
 * The few Python behaviours nova's filters lean on, so string matching gives the same answers:
 * `int()` / `float()` parsing, `str()` of values, truthiness and `==`.
 */

/** Python's `int(text)` for a string: an integer, or `undefined` where Python raises ValueError. */
export function pyInt(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) return undefined;
  const n = Number(t.replace(/_/g, ''));
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Python's `float(text)` for a string: a finite number, or `undefined` where Python raises
 * ValueError. `inf` and `nan` (which Python accepts) are refused too: they would poison weights.
 */
export function pyFloat(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?((\d+(_\d+)*)(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t.replace(/_/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

function pyRepr(value: unknown): string {
  if (typeof value === 'string') {
    if (value.includes("'") && !value.includes('"')) return `"${value}"`;
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  return pyStr(value);
}

/** Python's `str(value)` for JSON-like values: `True`, `None`, `['a', 'b']`, `{'k': 1}`. */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** Python's `str()` of a float: `16.0`, not `16`. */
export function pyFloatStr(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Python's truthiness: `0`, `''`, `[]`, `{}`, `None` and `False` are false. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

const numeric = (v: unknown): v is number | boolean => typeof v === 'number' || typeof v === 'boolean';

/** Python's `==` on JSON-like values (`True == 1`, lists and dicts compared deeply). */
export function pyEq(a: unknown, b: unknown): boolean {
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a === null || b === null || a === undefined || b === undefined) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => pyEq(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && pyEq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** Thrown where Python would raise TypeError comparing values of different kinds. */
export class PyTypeError extends Error {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PyTypeError';}

/** Python's ordering (`<`): numbers with numbers, strings with strings, lists element-wise. */
export function pyCompare(a: unknown, b: unknown): number {
  if (numeric(a) && numeric(b)) return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i], b[i])) return pyCompare(a[i], b[i]);
    }
    return a.length - b.length;
  }
  throw new PyTypeError(`'<' not supported between ${pyKind(a)} and ${pyKind(b)}`);
}

function pyKind(v: unknown): string {
  if (v === null || v === undefined) return "'NoneType'";
  if (typeof v === 'boolean') return "'bool'";
  if (typeof v === 'number') return Number.isInteger(v) ? "'int'" : "'float'";
  if (typeof v === 'string') return "'str'";
  if (Array.isArray(v)) return "'list'";
  return "'dict'";
}
