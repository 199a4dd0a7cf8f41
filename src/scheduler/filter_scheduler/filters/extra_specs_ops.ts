/**
 * The little matching language of flavor extra specs (`nova/scheduler/filters/extra_specs_ops.py`),
 * shared by ComputeCapabilitiesFilter and AggregateInstanceExtraSpecsFilter:
 * `= 4` (at least, as floats), `== 4`, `!= 4`, `>= 4`, `<= 4`, `s== abc`, `s!=`, `s<`, `s<=`, `s>`, `s>=`,
 * `<in> sub`, `<all-in> a b`, `<or> a <or> b`; anything else is compared as a plain string.
 */
import { pyFloat } from '../py.js';

type Op = (value: string, operand: string) => boolean;

const asFloat = (text: string): number => {
  const n = pyFloat(text);
  if (n === undefined) throw new RangeError(`could not convert string to float: '${text}'`);
  return n;
};

const OPS: Readonly<Record<string, Op>> = {
  '=': (x, y) => asFloat(x) >= asFloat(y),
  '<in>': (x, y) => x.includes(y),
  '<all-in>': (x, y) => x.includes(y), // applied to every operand below
  '==': (x, y) => asFloat(x) === asFloat(y),
  '!=': (x, y) => asFloat(x) !== asFloat(y),
  '>=': (x, y) => asFloat(x) >= asFloat(y),
  '<=': (x, y) => asFloat(x) <= asFloat(y),
  's==': (x, y) => x === y,
  's!=': (x, y) => x !== y,
  's<': (x, y) => x < y,
  's<=': (x, y) => x <= y,
  's>': (x, y) => x > y,
  's>=': (x, y) => x >= y,
};

/**
 * Whether `value` satisfies the requirement `req`.
 * Where nova raises (a numeric operator on a value that is not a number, a bare `<or>`), this
 * answers `false`: the host fails instead of the whole scheduling request crashing.
 */
export function matchExtraSpec(value: string | null, req: string): boolean {
  const words = req.split(/\s+/).filter((w) => w.length > 0);
  const op = words.shift();
  const method = op === undefined ? undefined : OPS[op];
  if (op !== '<or>' && method === undefined) return value === req;
  if (value === null) return false;
  if (op === '<or>') {
    // `<or> v1 <or> v2 <or> v3`: the value must equal one of the alternatives.
    for (;;) {
      const alternative = words.shift();
      if (alternative === undefined) return false;
      if (alternative === value) return true;
      if (words.length === 0) return false;
      words.shift(); // the next `<or>`
      if (words.length === 0) return false;
    }
  }
  if (words.length === 0) return false;
  try {
    if (op === '<all-in>') return words.every((w) => value.includes(w));
    return (method as Op)(value, words[0] as string);
  } catch {
    return false;
  }
}
