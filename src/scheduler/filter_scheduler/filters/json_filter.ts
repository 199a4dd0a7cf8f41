import type { HostFilter, HostState } from '../types.js';
import { PyTypeError, pyCompare, pyEq, pyTruthy } from '../py.js';
import { getSchedulerHint } from './utils.js';

type Value = unknown;

const compare =
  (ok: (a: Value, b: Value) => boolean) =>
  (args: Value[]): boolean =>
    // Every comparison is made (no short cut), so a type clash anywhere fails as it raises in nova.
    args.length >= 2 && args.slice(1).map((b) => ok(args[0], b)).every(Boolean);

/** The JsonFilter grammar's commands (`nova/scheduler/filters/json_filter.py`). */
const COMMANDS: Readonly<Record<string, (args: Value[]) => Value>> = {
  '=': compare((a, b) => pyEq(a, b)),
  '<': compare((a, b) => pyCompare(a, b) < 0),
  '>': compare((a, b) => pyCompare(a, b) > 0),
  in: (args) => args.length >= 2 && args.slice(1).some((b) => pyEq(args[0], b)),
  '<=': compare((a, b) => pyCompare(a, b) <= 0),
  '>=': compare((a, b) => pyCompare(a, b) >= 0),
  not: (args) => args.map((a) => !pyTruthy(a)),
  or: (args) => args.some(pyTruthy),
  and: (args) => args.every(pyTruthy),
};

/** The commands a JsonFilter query may use. */
export const JSON_FILTER_COMMANDS: readonly string[] = Object.keys(COMMANDS);

/**
 * Checks the shape of a parsed query: falsy (no constraint), or a list whose first item is a
 * command and whose nested lists are queries too. Returns the path of the first fault, or null.
 */
export function jsonQueryFault(query: Value, path = 'query'): string | null {
  if (!pyTruthy(query)) return null;
  if (!Array.isArray(query)) return `${path}: expected a list such as ["and", [">=", "$free_ram_mb", 1024]]`;
  const [cmd, ...args] = query as Value[];
  if (typeof cmd !== 'string' || !Object.hasOwn(COMMANDS, cmd)) {
    return `${path}[0]: unknown command ${JSON.stringify(cmd)}; use one of ${JSON_FILTER_COMMANDS.join(', ')}`;
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (Array.isArray(arg)) {
      const fault = arg.length === 0 ? null : jsonQueryFault(arg, `${path}[${i + 1}]`);
      if (fault !== null) return fault;
    }
  }
  return null;
}

/** `$free_ram_mb`, `$service.disabled`, `$stats.key`: a host attribute, or undefined. */
function lookup(text: string, host: HostState): Value {
  if (text === '') return undefined;
  if (!text.startsWith('$')) return text;
  const [first, ...rest] = text.slice(1).split('.');
  let obj: Value = Object.hasOwn(host, first as string) ? (host as unknown as Record<string, Value>)[first as string] : undefined;
  if (obj === undefined || obj === null) return undefined;
  for (const key of rest) {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
    obj = Object.hasOwn(obj, key) ? (obj as Record<string, Value>)[key] : undefined;
    if (obj === undefined || obj === null) return undefined;
  }
  return obj;
}

function evaluate(query: Value, host: HostState): Value {
  if (!pyTruthy(query)) return true;
  const [cmd, ...rawArgs] = query as Value[];
  const args: Value[] = [];
  for (const raw of rawArgs) {
    let arg = raw;
    if (Array.isArray(raw)) arg = evaluate(raw, host);
    else if (typeof raw === 'string') arg = lookup(raw, host);
    if (arg !== undefined && arg !== null) args.push(arg);
  }
  return (COMMANDS[cmd as string] as (a: Value[]) => Value)(args);
}

/** The `query` hint parsed (it arrives as a JSON string, as the API passes it). */
function parsedQuery(hint: string | readonly string[]): Value {
  if (typeof hint !== 'string') return hint;
  return JSON.parse(hint) as Value;
}

/**
 * JsonFilter: the `query` scheduler hint, a JSON expression over host attributes such as
 * `["and", [">=", "$free_ram_mb", 1024], ["not", "$service.disabled"]]`, must hold
 * (`nova/scheduler/filters/json_filter.py`). Commands: `=`, `<`, `>`, `in`, `<=`, `>=`, `not`,
 * `or`, `and`; unknown `$attributes` drop out of the argument list, as in nova.
 * Where nova would crash (comparing a number with a string), the host fails with the reason.
 */
export const JsonFilter: HostFilter = {
  name: 'JsonFilter',
  runFilterForEachInstance: true,
  hostPasses(host, spec) {
    const hint = getSchedulerHint(spec, 'query');
    if (!hint || hint.length === 0) return true;
    let result: Value;
    try {
      result = evaluate(parsedQuery(hint), host);
    } catch (e) {
      if (e instanceof PyTypeError || e instanceof SyntaxError) return `query cannot be evaluated on this host: ${e.message}`;
      throw e;
    }
    if (Array.isArray(result)) result = result.some(pyTruthy);
    return pyTruthy(result) ? true : `query ${typeof hint === 'string' ? hint : JSON.stringify(hint)} is false for this host`;
  },
};
