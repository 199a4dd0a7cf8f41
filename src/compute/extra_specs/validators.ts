/**
 * Nova's flavor extra spec validation since microversion 2.86 (`nova/api/validation/extra_specs/
 * validators.py` `validate`, `base.py` `ExtraSpecValidator`), over the registry of
 * `registry.ts`:
 *
 * 1. a validator whose name is exactly the key validates the value;
 * 2. else the first validator (in registry order) whose name regex fully matches the key does;
 * 3. else a key without `:` passes (nova cannot tell), and so does a key whose namespace (the text
 *    before the first `:`) matches none of the registry's namespaces (`hw`, `hw_rng`, `os`,
 *    `quota`, `resources<group>`, `trait<group>`, `capabilities`, `aggregate_instance_extra_specs`,
 *    `pci_passthrough`, `accel`, `vmware`, `hw_video`): a third party's spec;
 * 4. else a key in a known namespace that no validator knows is refused: "Validation failed;
 *    extra spec 'hw:foo' does not appear to be a valid extra spec.".
 *
 * A value is checked by type: `int` as Python's `int(value)` (spaces, a sign and `_` between
 * digits allowed; Unicode decimal digits too) then `min` / `max`; `bool` as oslo's
 * `bool_from_string(strict=True)`; `str` by its `pattern` (fully matched) or `enum`. Messages are
 * nova's text. Python's `\d` is Unicode (here `\p{Nd}`).
 *
 * One difference, on purpose: three of nova's value patterns backtrack exponentially on a failing
 * value (the CPU masks of `hw:cpu_realtime_mask`, `hw:cpu_dedicated_mask`, `hw:numa_cpus.{num}`,
 * and `hw:pmem`: 255 characters would hang nova's API worker too). They are matched with
 * equivalent linear patterns (same language, shown equal by a property test); messages still quote
 * nova's pattern.
 */
import { PARAMETER_SETS, VALIDATOR_ROWS, VALUE_SPECS, type ExtraSpecValueSpec } from './registry.js';

/** Why a value or key was refused: nova's `ValidationError` text. */
export type ExtraSpecVerdict = string | null;

/** A Python `re` pattern as a JavaScript one (`(?P<n>` named groups, Unicode `\d` and `\w`). */
export function pythonPattern(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      const n = pattern[++i]!;
      if (n === 'd') out += '\\p{Nd}';
      else if (n === 'w') out += inClass ? '\\p{L}\\p{N}_' : '[\\p{L}\\p{N}_]';
      else out += `\\${n}`;
    } else if (c === '(' && !inClass && pattern.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else {
      if (c === '[' && !inClass) inClass = true;
      else if (c === ']' && inClass) inClass = false;
      out += c;
    }
  }
  return out;
}

/** Nova's value patterns that backtrack exponentially, and their linear equivalents (Python syntax). */
export const LINEAR_EQUIVALENTS: Readonly<Record<string, string>> = {
  '(\\^)?\\d+((-\\d+)?(,\\^?\\d+(-\\d+)?)?)*': '\\^?\\d+(?:-\\d+|,\\^?\\d+)*',
  '\\^?\\d+((-\\d+)?(,\\^?\\d+(-\\d+)?)?)*': '\\^?\\d+(?:-\\d+|,\\^?\\d+)*',
  '([a-zA-Z0-9_]+(,)?)+': '[a-zA-Z0-9_]+(?:,[a-zA-Z0-9_]+)*,?',
};

/** `re.fullmatch(pattern, …)` as a RegExp. */
export function fullMatcher(pattern: string): RegExp {
  return new RegExp(`^(?:${pythonPattern(pattern)})$`, 'u');
}

interface Validator {
  readonly name: string;
  readonly nameRegex: RegExp;
  readonly value: ExtraSpecValueSpec;
  readonly valueRegex: RegExp | null;
}

/** `base.ExtraSpecValidator.__post_init__`: `{param}` in the name becomes `(?P<param>pattern)`. */
function nameRegexOf(name: string, params: readonly (readonly [string, string])[]): string {
  let regex = name;
  for (const [p, pattern] of params) regex = regex.split(`{${p}}`).join(`(?P<${p}>${pattern})`);
  return regex;
}

// The registry's compiled form: constants derived from constants, built once at load.
const VALIDATORS: readonly Validator[] = VALIDATOR_ROWS.map(([name, paramSet, spec]) => {
  const value = VALUE_SPECS[spec]!;
  const pattern = value.type === 'str' && value.pattern !== undefined ? value.pattern : null;
  return {
    name,
    nameRegex: fullMatcher(nameRegexOf(name, PARAMETER_SETS[paramSet]!)),
    value,
    valueRegex: pattern === null ? null : fullMatcher(LINEAR_EQUIVALENTS[pattern] ?? pattern),
  };
});
const BY_NAME: ReadonlyMap<string, Validator> = new Map(VALIDATORS.map((v) => [v.name, v]));
const NAMESPACES: readonly RegExp[] = [
  ...new Set(
    VALIDATOR_ROWS.map(([name, paramSet]) => nameRegexOf(name, PARAMETER_SETS[paramSet]!))
      .filter((r) => r.includes(':'))
      .map((r) => r.slice(0, r.indexOf(':'))),
  ),
].map(fullMatcher);

/** How many validators nova's registry holds (Zed with os-traits 2.9.0: 490). */
export const VALIDATOR_COUNT = VALIDATORS.length;

/** Python's `str.strip()` (Unicode whitespace). */
function pyStrip(s: string): string {
  return s.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/gu, '');
}

/** A Unicode decimal digit's value (decimal digits come in runs of ten from a zero). */
function digitValue(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  let start = cp;
  while (start > 0 && /\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** Python's `int(text)`: the value, or null where Python raises `ValueError`. */
export function pythonInt(text: string): bigint | null {
  const m = /^([+-]?)(\p{Nd}+(?:_\p{Nd}+)*)$/u.exec(pyStrip(text));
  if (m === null) return null;
  let n = 0n;
  for (const ch of m[2]!.replace(/_/g, '')) n = n * 10n + BigInt(digitValue(ch));
  return m[1] === '-' ? -n : n;
}

/** oslo's `strutils.bool_from_string(value, strict=True)`: the value, or null where it raises. */
export function strictBool(text: string): boolean | null {
  const lowered = pyStrip(text).toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(lowered)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(lowered)) return false;
  return null;
}

/** `ExtraSpecValidator.validate`'s value checks. */
function validateValue(v: Validator, value: string): ExtraSpecVerdict {
  const spec = v.value;
  if (spec.type === 'int') {
    const n = pythonInt(value);
    if (n === null) return `Validation failed; '${value}' is not a valid integer value.`;
    if (spec.max !== undefined && BigInt(spec.max) < n) return `Validation failed; '${n}' is greater than the max value of '${spec.max}'.`;
    if (spec.min !== undefined && BigInt(spec.min) > n) return `Validation failed; '${n}' is less than the min value of '${spec.min}'.`;
    return null;
  }
  if (spec.type === 'bool') return strictBool(value) === null ? `Validation failed; '${value}' is not a valid boolean-like value.` : null;
  if (spec.pattern !== undefined) return v.valueRegex!.test(value) ? null : `Validation failed; '${value}' is not of the format '${spec.pattern}'.`;
  if (spec.enum !== undefined && !spec.enum.includes(value)) return `Validation failed; '${value}' is not one of: ${spec.enum.join(', ')}.`;
  return null;
}

/**
 * `validators.validate(name, value)`: null when nova accepts the extra spec, else nova's
 * `ValidationError` message.
 */
export function validateExtraSpec(name: string, value: string): ExtraSpecVerdict {
  const exact = BY_NAME.get(name);
  if (exact !== undefined) {
    if (!exact.nameRegex.test(name)) return `Validation failed; expected a name of format '${exact.name}' but got '${name}'.`;
    return validateValue(exact, value);
  }
  for (const v of VALIDATORS) if (v.nameRegex.test(name)) return validateValue(v, value);
  const colon = name.indexOf(':');
  if (colon < 0) return null;
  const namespace = name.slice(0, colon);
  if (!NAMESPACES.some((ns) => ns.test(namespace))) return null;
  return `Validation failed; extra spec '${name}' does not appear to be a valid extra spec.`;
}
