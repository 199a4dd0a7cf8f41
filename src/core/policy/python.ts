/**
 * The few Python behaviours oslo.policy's checks rely on: `str()` of credential and target values
 * (a check compares strings), `ast.literal_eval` of a check's left side, and dictionary lookups
 * that never reach into a JavaScript prototype. Nothing here throws, whatever the value.
 */

/** What a lookup answers when the key is absent (or its value `undefined`, which JSON drops). */
export const MISSING: unique symbol = Symbol('missing');

/** `obj[key]` for an own property of a non-array object, else {@link MISSING}. Never throws. */
export function ownValue(obj: unknown, key: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return MISSING;
  try {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) return MISSING;
    const value = (obj as Record<string, unknown>)[key];
    return value === undefined ? MISSING : value;
  } catch {
    return MISSING; // a throwing getter or proxy trap counts as absent
  }
}

/** A dict in Python's eyes: any non-null, non-array object. */
export function isMapping(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's truthiness: `None`, `False`, `0`, `''`, `[]` and `{}` are false. */
export function pyTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return ownKeys(value).length > 0;
  return Boolean(value);
}

/** Own enumerable string keys, or none if the object refuses to list them. */
export function ownKeys(obj: object): string[] {
  try {
    return Object.keys(obj);
  } catch {
    return [];
  }
}

/**
 * Python's `str(value)` for a JSON-like value: `True`/`False`/`None`, ints in decimal, floats as
 * `repr(float)`, lists and dicts as their Python repr. A JavaScript number without a fractional
 * part is read as a Python int (JSON cannot tell `1` from `1.0`).
 */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value, []);
}

function pyRepr(value: unknown, seen: unknown[]): string {
  switch (typeof value) {
    case 'string':
      return pyStrRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'number':
      return Number.isInteger(value) ? pyIntStr(value) : pyFloatRepr(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
      return 'None';
    case 'object': {
      if (value === null) return 'None';
      if (seen.includes(value)) return Array.isArray(value) ? '[...]' : '{...}';
      const inner = [...seen, value];
      if (Array.isArray(value)) {
        const items: string[] = [];
        for (let i = 0; i < value.length; i++) items.push(pyRepr(safeIndex(value, i), inner));
        return `[${items.join(', ')}]`;
      }
      const entries = ownKeys(value)
        .map((k) => [k, ownValue(value, k)] as const)
        .filter(([, v]) => v !== MISSING)
        .map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v, inner)}`);
      return `{${entries.join(', ')}}`;
    }
    default:
      return `<${typeof value}>`;
  }
}

function safeIndex(list: readonly unknown[], i: number): unknown {
  try {
    return list[i];
  } catch {
    return undefined;
  }
}

function pyIntStr(n: number): string {
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
}

/** Python's `repr(float)`: shortest round-trip digits, `1e+16` from 16 digits up, `1e-05` below 1e-4. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa = '', expText = '0'] = x.toExponential().split('e');
  const exp = Number(expText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${sign}${whole}.${digits.slice(exp + 1) || '0'}`;
}

function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** How oslo's `GenericCheck` reads the left side of `<kind>:<match>`. */
export type KindReading =
  | { readonly type: 'constant'; readonly value: string }
  | { readonly type: 'path' }
  | { readonly type: 'invalid'; readonly reason: string };

const INT = /^[+-]?(?:0|[1-9][0-9]*)$/;
const FLOAT = /^[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][+-]?[0-9]+)?$/;
const NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;
/** Python keywords: inside a dotted key they are a `SyntaxError` in `literal_eval` (alone, `True`/`False`/`None` are constants). */
const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);
const isName = (part: string): boolean => NAME.test(part) && !KEYWORDS.has(part);

/**
 * Reads a check's left side as oslo does (`ast.literal_eval(kind)`, `_checks.py` GenericCheck):
 * a Python literal is a constant compared by its `str()`; anything else is a dotted path into the
 * credentials. Text Python would fail to read (a `SyntaxError` that oslo lets escape at
 * enforcement time) is reported as invalid so the rule is refused when parsed instead.
 */
export function readKind(kind: string): KindReading {
  if (kind === 'True' || kind === 'False' || kind === 'None') return { type: 'constant', value: kind };
  const quoted = /^(['"])(.*)\1$/s.exec(kind);
  if (quoted) {
    const inner = quoted[2] ?? '';
    if (inner.includes('\\') || inner.includes(quoted[1] ?? '')) {
      return { type: 'invalid', reason: 'escape sequences and inner quotes are not supported in a quoted constant' };
    }
    return { type: 'constant', value: inner };
  }
  if (INT.test(kind)) return { type: 'constant', value: BigInt(kind).toString() };
  if (FLOAT.test(kind)) return { type: 'constant', value: pyFloatRepr(Number(kind)) };
  if (/^[+\-.0-9'"]/.test(kind)) {
    return {
      type: 'invalid',
      reason: `'${kind}' is not a constant oslo can read; use a quoted string, an integer, a decimal number, True, False or None`,
    };
  }
  if (!kind.split('.').every((segment) => segment.split('-').every(isName))) {
    return {
      type: 'invalid',
      reason: `'${kind}' is not a credential key; use a dotted path of names (letters, digits, '_', inner '-'; not a Python keyword)`,
    };
  }
  return { type: 'path' };
}
