const REPR_BUDGET = 4096;

/**
 * Python's `repr()` of a JSON-like value, for the messages OpenStack's services print with a
 * value in them (jsonschema's "Invalid input for field/attribute …", Neutron's validators):
 * `None`, `True`, quoted strings with Python's escapes, lists and dicts, cut with `...` past 8
 * levels, 50 items or 4 096 characters in all, so any value (circular included) gives a short
 * answer.
 */
export function pyRepr(value: unknown, depth = 0): string {
  return repr(value, depth, { left: REPR_BUDGET });
}

function repr(value: unknown, depth: number, budget: { left: number }): string {
  if (depth > 8 || budget.left <= 0) return '...';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    let out = '';
    for (const ch of value) {
      if (out.length >= budget.left) {
        out += '...';
        break;
      }
      const c = ch.codePointAt(0)!;
      if (ch === '\\') out += '\\\\';
      else if (ch === quote) out += `\\${quote}`;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
      else out += ch;
    }
    budget.left -= out.length + 2;
    return `${quote}${out}${quote}`;
  }
  const items = (parts: Iterable<() => string>, more: boolean): string => {
    const out: string[] = [];
    for (const part of parts) {
      if (budget.left <= 0) {
        out.push('...');
        return out.join(', ');
      }
      const r = part();
      budget.left -= r.length + 2;
      out.push(r);
    }
    if (more) out.push('...');
    return out.join(', ');
  };
  if (Array.isArray(value)) return `[${items(value.slice(0, 50).map((v) => () => repr(v, depth + 1, budget)), value.length > 50)}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return `{${items(keys.slice(0, 50).map((k) => () => `${repr(k, depth + 1, budget)}: ${repr((value as Record<string, unknown>)[k], depth + 1, budget)}`), keys.length > 50)}}`;
  }
  return typeof value;
}
