/**
 * Cinder's extra-specs matching language (`cinder/scheduler/filters/extra_specs_ops.py`), which
 * CapabilitiesFilter applies to each reported capability: `= 4` (at least, as floats), `== 4`,
 * `!= 4`, `>= 4`, `<= 4`, `s== abc`, `s!=`, `s<`, `s<=`, `s>`, `s>=`, `<in> sub`, `<is> True`,
 * `<or> a <or> b`; a requirement whose first word is none of these is compared whole with `==`.
 *
 * Cinder's differs from nova's (`src/scheduler`'s `matchExtraSpec`): it has `<is>` (oslo's
 * `bool_from_string` on both sides) and no `<all-in>`, and its values are whatever the driver
 * reported — booleans, numbers, strings — compared with Python's rules (`True == 'True'` is false;
 * a JS integer is taken as a Python `int`, so `str(1)` is `'1'`). Where Cinder raises past its
 * `except ValueError` (a TypeError such as `<in>` on a number, `s<` on a boolean, an IndexError
 * from a bare `<or>`), {@link PythonRaised} is thrown and the filter fails the pool.
 */

/** Python raised where Cinder does not catch it (the whole scheduling request would fail in Cinder). */
export class PythonRaised extends Error {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PythonRaised';
  constructor(
    /** The Python exception class, e.g. `TypeError`. */
    readonly pyType: string,
    message: string,
  ) {
    super(`${pyType}: ${message}`);
  }
}

/** Python's ValueError, which `match` catches (a string that is not a number). */
class PyValueError extends Error {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PyValueError';
}

function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  return Array.isArray(v) ? 'list' : 'dict';
}

// Python's float() grammar: sign, digits with single underscores between them, a fraction, an
// exponent; or inf / infinity / nan in any case
const FLOAT_RE = /^[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)$/i;

/** Python's `float(x)`: ValueError for a string that is not a number, TypeError for a list or dict. */
function pyFloat(x: unknown): number {
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'number') return x;
  if (typeof x === 'string') {
    const t = x.trim();
    if (!FLOAT_RE.test(t)) throw new PyValueError(`could not convert string to float: '${x}'`);
    const lower = t.toLowerCase().replace(/_/g, '');
    if (lower.endsWith('nan')) return NaN;
    if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
    return Number(lower);
  }
  throw new PythonRaised('TypeError', `float() argument must be a string or a real number, not '${pyType(x)}'`);
}

/**
 * Python's `str(x)` as far as `<is>` can tell: only `'0'` and `'1'` (an integer) of the non-strings
 * are boolean words; lists, dicts, None and other numbers never are.
 */
function pyStr(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' && Number.isInteger(x)) return String(x);
  return '';
}

const TRUE_STRINGS = ['1', 't', 'true', 'on', 'y', 'yes'];

/** oslo's `strutils.bool_from_string(subject)` (not strict, default false). */
export function boolFromString(subject: unknown): boolean {
  if (typeof subject === 'boolean') return subject;
  return TRUE_STRINGS.includes(pyStr(subject).trim().toLowerCase());
}

/** Python's `str < str`: code point order (JS `<` compares UTF-16 units). */
function codePointCompare(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function strOrder(x: unknown, y: string, op: string, test: (c: number) => boolean): boolean {
  if (typeof x !== 'string') throw new PythonRaised('TypeError', `'${op}' not supported between instances of '${pyType(x)}' and 'str'`);
  return test(codePointCompare(x, y));
}

/** Python's `y in x` for a string `y`. */
function pyIn(x: unknown, y: string): boolean {
  if (typeof x === 'string') return x.includes(y);
  if (Array.isArray(x)) return x.some((e) => e === y);
  if (x !== null && typeof x === 'object') return Object.hasOwn(x, y);
  throw new PythonRaised('TypeError', `argument of type '${pyType(x)}' is not iterable`);
}

type Op = (x: unknown, y: string) => boolean;

const OPS: ReadonlyMap<string, Op> = new Map<string, Op>([
  ['=', (x, y) => pyFloat(x) >= pyFloat(y)],
  ['<in>', (x, y) => pyIn(x, y)],
  ['<is>', (x, y) => boolFromString(x) === boolFromString(y)],
  ['==', (x, y) => pyFloat(x) === pyFloat(y)],
  ['!=', (x, y) => pyFloat(x) !== pyFloat(y)],
  ['>=', (x, y) => pyFloat(x) >= pyFloat(y)],
  ['<=', (x, y) => pyFloat(x) <= pyFloat(y)],
  ['s==', (x, y) => x === y],
  ['s!=', (x, y) => x !== y],
  ['s<', (x, y) => strOrder(x, y, '<', (c) => c < 0)],
  ['s<=', (x, y) => strOrder(x, y, '<=', (c) => c <= 0)],
  ['s>', (x, y) => strOrder(x, y, '>', (c) => c > 0)],
  ['s>=', (x, y) => strOrder(x, y, '>=', (c) => c >= 0)],
]);

// Python's str.split() with no argument: runs of whitespace, no empty words
const splitWords = (req: string): string[] => req.split(/[\s\u001c-\u001f\u0085]+/).filter((w) => w.length > 0);

/**
 * `extra_specs_ops.match(value, req)`: whether the reported capability `value` satisfies the
 * requirement `req`. Throws {@link PythonRaised} where Cinder's code raises.
 */
export function matchCapability(value: unknown, req: string): boolean {
  const words = splitWords(req);
  const op = words.shift();
  const method = op === undefined ? undefined : OPS.get(op);
  if (op !== '<or>' && method === undefined) return value === req;
  if (value === null || value === undefined) return false;
  if (op === '<or>') {
    // Ex: <or> v1 <or> v2 <or> v3
    for (;;) {
      const alternative = words.shift();
      if (alternative === undefined) throw new PythonRaised('IndexError', 'pop from empty list');
      if (alternative === value) return true;
      if (words.length === 0) return false;
      words.shift(); // remove a keyword <or>
      if (words.length === 0) return false;
    }
  }
  const operand = words[0];
  if (operand === undefined) return false;
  try {
    return (method as Op)(value, operand);
  } catch (e) {
    if (e instanceof PyValueError) return false;
    throw e;
  }
}
