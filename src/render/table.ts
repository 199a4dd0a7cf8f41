/**
 * Tables of any list of views — what `openstack server list` / `openstack host list` print —
 * as aligned text and as an HTML table. A view is whatever a call returns (a server, a port, a
 * quota row): its fields become columns in the order they are first seen, nested values are
 * shown compactly (`vcpus=1, ram=512`), lists of resources by their names.
 *
 * Defensive by design: the rows may come from anywhere (JSON a student pasted, a Proxy, a
 * circular object), so every value is read through its own property descriptor (a key
 * `__proto__` is a field like any other), walked to a bounded depth and width, and cut to a
 * bounded length; nothing a row holds can make the table throw or run away.
 */
import { alignColumns, clip, el, escapeXml, htmlTable, oneLine } from './svg.js';
import { Picture } from './picture.js';
import { bad, describe, list, optionsOf, record, titleOf } from './check.js';

/** Options of {@link table}. */
export interface TableOptions {
  /** The columns, in order (default: every row's fields in first-seen order, nova's `links` left out). */
  readonly columns?: readonly string[];
  /** A title printed above the table (default `Table (N rows)`, not printed). */
  readonly title?: string;
  /** At most this many rows are shown, then `… N more rows` (default 50; `Infinity` for all). */
  readonly maxRows?: number;
}

/** How much of anything a table shows: its bounds, so no row can make it throw or run away. */
const LIMITS = {
  /** Longest cell in the text form, in characters. */
  textCell: 40,
  /** Longest cell shown in the HTML form (the full value, up to `fullCell`, is in its `title`). */
  htmlCell: 80,
  /** Longest rendering of a value kept at all. */
  fullCell: 2000,
  /** Items of a list / fields of an object shown before `… +N`. */
  items: 20,
  /** Nesting shown before `…`. */
  depth: 3,
  /** Rows a table reads at most (it shows `maxRows` of them). */
  rows: 1_000_000,
  /** Columns a table finds by itself before it says `… N more columns` (ask for others with `columns`). */
  columns: 40,
} as const;

// ------------------------------------------------------------------ values

/** An own field's value, read through its descriptor (so `__proto__` is a field); a throwing getter is reported. */
function readField(object: object, key: string, field: string): unknown {
  try {
    const d = Object.getOwnPropertyDescriptor(object, key);
    if (d === undefined) return undefined;
    return 'value' in d ? d.value : d.get?.call(object);
  } catch {
    throw bad(field, 'could not be read (its getter threw)');
  }
}

/** A field's value for a cell: an unreadable one shows as `(unreadable)`. */
function peek(object: object, key: string): unknown {
  try {
    return readField(object, key, key);
  } catch {
    return UNREADABLE;
  }
}

const UNREADABLE = Symbol('unreadable');

function scalar(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v.length > LIMITS.fullCell ? v.slice(0, LIMITS.fullCell + 1) : v;
    case 'number':
      return Object.is(v, -0) ? '0' : String(v);
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'undefined':
      return '';
    case 'symbol':
      return v === UNREADABLE ? '(unreadable)' : `Symbol(${oneLine(v.description ?? '')})`;
    case 'function':
      return 'ƒ';
    default:
      return v === null ? '' : undefined;
  }
}

/** A value inside a list: its `name`, else its `id`, else compact JSON. */
function item(v: unknown, depth: number, seen: Set<object>): string {
  const s = scalar(v);
  if (s !== undefined) return s;
  const o = v as object;
  if (!Array.isArray(o) && !(o instanceof Date)) {
    for (const key of ['name', 'id']) {
      const named = peek(o, key);
      if (typeof named === 'string' || typeof named === 'number') return String(named);
    }
  }
  return json(o, depth, seen);
}

/** Compact JSON-like text of an object, bounded in depth and width, circular references shown as such. */
function json(v: unknown, depth: number, seen: Set<object>): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 200 ? `${v.slice(0, 199)}…` : v);
  const s = scalar(v);
  if (s !== undefined) return typeof v === 'undefined' || v === null ? 'null' : s;
  const o = v as object;
  return within(o, depth, seen, () => {
    const { keys: shown, size } = listing(o);
    const more = size > shown.length ? [`… +${size - shown.length}`] : [];
    if (Array.isArray(o)) return `[${[...shown.map((k) => json(peek(o, k), depth + 1, seen)), ...more].join(',')}]`;
    return `{${[...shown.map((k) => `${JSON.stringify(clip(k, 60))}:${json(peek(o, k), depth + 1, seen)}`), ...more].join(',')}}`;
  });
}

/**
 * `inside()` for an object met while walking a value, with the object on the walk's path
 * meanwhile: a Date is its ISO time, an object already on the path `[circular]`, one past
 * `LIMITS.depth` `[…]` / `{…}`.
 */
function within(o: object, depth: number, seen: Set<object>, inside: () => string): string {
  if (o instanceof Date) return Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString();
  if (seen.has(o)) return '[circular]';
  if (depth >= LIMITS.depth) return Array.isArray(o) ? '[…]' : '{…}';
  seen.add(o);
  try {
    return inside();
  } finally {
    seen.delete(o);
  }
}

function ownKeys(o: object): string[] {
  try {
    return Object.keys(o);
  } catch {
    return []; // a Proxy whose ownKeys trap throws
  }
}

/** The first `LIMITS.items` keys of a list or an object, and how many it has (a huge list is not walked). */
function listing(o: object): { keys: string[]; size: number } {
  if (Array.isArray(o)) {
    const size = o.length;
    return { keys: Array.from({ length: Math.min(size, LIMITS.items) }, (_, i) => String(i)), size };
  }
  const keys = ownKeys(o);
  return { keys: keys.slice(0, LIMITS.items), size: keys.length };
}

/**
 * A cell's full text (at most about `LIMITS.fullCell` characters): scalars as they are, null empty,
 * lists joined by `, ` (resources by name), nested objects as `k=v` pairs.
 */
function cell(v: unknown, depth = 0, seen: Set<object> = new Set()): string {
  const s = scalar(v);
  if (s !== undefined) return s;
  const o = v as object;
  return within(o, depth, seen, () => {
    let entries: [string | undefined, unknown][];
    let size: number;
    if (o instanceof Map || o instanceof Set) {
      size = o.size;
      entries = [];
      for (const e of o instanceof Map ? o.entries() : o.values()) {
        if (entries.length >= LIMITS.items) break;
        entries.push(o instanceof Map ? [String(scalar((e as [unknown, unknown])[0]) ?? '{…}'), (e as [unknown, unknown])[1]] : [undefined, e]);
      }
    } else {
      const l = listing(o);
      size = l.size;
      entries = l.keys.map((k) => [Array.isArray(o) ? undefined : k, peek(o, k)]);
    }
    const parts: string[] = [];
    let total = 0;
    for (const [key, x] of entries) {
      const text = key === undefined ? item(x, depth + 1, seen) : `${clip(key, 60)}=${nested(x, depth + 1, seen)}`;
      parts.push(text);
      total += text.length + 2;
      if (total > LIMITS.fullCell) break;
    }
    if (size > parts.length) parts.push(`… +${size - parts.length}`);
    return parts.join(', ');
  });
}

/** A value inside `k=v`: an object in braces, a list in brackets (circular and too deep ones marked). */
function nested(x: unknown, depth: number, seen: Set<object>): string {
  if (!isObjectLike(x)) return cell(x, depth, seen);
  const bracketed = Array.isArray(x) || x instanceof Set;
  if (seen.has(x)) return '[circular]';
  if (depth >= LIMITS.depth) return bracketed ? '[…]' : '{…}';
  return bracketed ? `[${cell(x, depth, seen)}]` : `{${cell(x, depth, seen)}}`;
}

function isObjectLike(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !(v instanceof Date);
}

// ------------------------------------------------------------------ the table

/** The rows, read once into a dense list of objects (a hole of `[, x]` is refused as `rows[0]`). */
function checkRows(rows: unknown): readonly object[] {
  return list(rows, 'rows', LIMITS.rows, 'a list of views (objects)').map((row, i) => record(row, `rows[${i}]`, 'a view (an object with fields)'));
}

function keysOf(row: object, i: number): string[] {
  try {
    return Object.keys(row);
  } catch {
    throw bad(`rows[${i}]`, 'its fields could not be listed (a revoked Proxy?)');
  }
}

function columnsOf(value: unknown, rows: readonly object[], seen: ReadonlySet<string>): string[] {
  const out: string[] = [];
  list(value, 'options.columns', LIMITS.rows, 'a list of field names').forEach((c, i) => {
    if (typeof c !== 'string' || c === '') throw bad(`options.columns[${i}]`, `expected a field name (a non-empty string), got ${describe(c)}`);
    if (rows.length > 0 && !seen.has(c)) {
      const known = [...seen].slice(0, 30).map((k) => clip(oneLine(k), 40));
      throw bad(`options.columns[${i}]`, `no row has a field '${clip(oneLine(c), 40)}'; the fields are ${known.join(', ') || '(none)'}`);
    }
    if (!out.includes(c)) out.push(c);
  });
  if (out.length === 0) throw bad('options.columns', 'name at least one column');
  return out;
}

function maxRowsOf(value: unknown): number {
  if (value === undefined) return 50;
  if (value === Infinity) return Infinity;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw bad('options.maxRows', `expected a whole number of rows ≥ 1 (or Infinity), got ${describe(value)}`);
  }
  return value;
}

/**
 * Any list of views as a table: aligned text (header, underline, one line per row) and an HTML
 * `<table>`. Columns are `options.columns`, else every row's fields in the order first seen, with
 * nova's `links` left out. Cells show strings, numbers and booleans as they are, null and
 * undefined as empty, lists joined by `, ` (a resource in a list by its `name`, else its `id`),
 * nested objects as `k=v` pairs; a long cell is cut with `…` in the text (the HTML keeps the whole
 * value in the cell's `title`). At most `maxRows` rows (default 50), then `… N more rows`.
 *
 * Mirrors the table the `openstack` CLI (cliff) prints for a list call. Not drawn: sorting and
 * filtering (do them on the list first), cliff's column name prettifying.
 *
 * @throws InvalidInput (400, `render.input.invalid`) naming `rows`, `rows[i]` or the option that is wrong.
 */
export function table(rows: readonly object[], options: TableOptions = {}): Picture {
  const views = checkRows(rows);
  const o = optionsOf(options, ['columns', 'title', 'maxRows']);
  const maxRows = maxRowsOf(o.maxRows);
  const given = titleOf(o.title, '');
  const showTitle = given !== '';
  const title = showTitle ? given : `Table (${views.length} ${views.length === 1 ? 'row' : 'rows'})`;
  const seen = new Set<string>();
  views.forEach((row, i) => { for (const k of keysOf(row, i)) seen.add(k); });
  const found = [...seen].filter((k) => k !== 'links');
  const columns = o.columns !== undefined ? columnsOf(o.columns, views, seen) : found.slice(0, LIMITS.columns);
  const extraColumns = o.columns !== undefined ? 0 : found.length - columns.length;
  const shown = views.slice(0, Math.min(views.length, maxRows));
  const full = shown.map((row) => columns.map((c) => oneLine(safeCell(peek(row, c)))));
  const numeric = columns.map((c) => shown.some((r) => isNumber(peek(r, c))) && shown.every((r) => { const v = peek(r, c); return v === undefined || v === null || isNumber(v); }));
  const hidden = views.length - shown.length;
  const notes = [
    ...(hidden > 0 ? [`… ${hidden} more ${hidden === 1 ? 'row' : 'rows'}`] : []),
    ...(extraColumns > 0 ? [`… ${extraColumns} more columns (name them in options.columns)`] : []),
  ];
  const more = notes.length > 0 ? notes.join('; ') : undefined;
  const header = columns.map((c) => clip(oneLine(c), LIMITS.textCell));

  const lines: string[] = showTitle ? [title] : [];
  if (views.length === 0 || columns.length === 0) {
    if (columns.length > 0) lines.push(...alignColumns(header, []));
    lines.push(views.length === 0 ? '(no rows)' : `(${views.length} ${views.length === 1 ? 'row' : 'rows'} with no fields)`);
  } else {
    lines.push(...alignColumns(header, full.map((r) => r.map((c) => clip(c, LIMITS.textCell))), numeric));
    if (more !== undefined) lines.push(more);
  }

  const htmlCell = (text: string, i: number): string => {
    const cut = clip(text, LIMITS.htmlCell);
    const style = numeric[i] === true ? 'text-align:right' : undefined;
    return cut === text && style === undefined ? escapeXml(text) : el('span', { title: cut === text ? undefined : clip(text, LIMITS.fullCell), style }, escapeXml(cut));
  };
  const parts: string[] = [];
  if (showTitle) parts.push(el('div', { style: 'font-weight:600;margin:4px 0' }, escapeXml(title)));
  if (views.length === 0 || columns.length === 0) {
    if (columns.length > 0) parts.push(htmlTable(header.map((h) => escapeXml(h)), []));
    parts.push(el('p', { style: 'color:#616e7c;margin:4px 0' }, escapeXml(lines[lines.length - 1] as string)));
  } else {
    parts.push(htmlTable(columns.map((c) => escapeXml(clip(oneLine(c), LIMITS.htmlCell))), full.map((r) => r.map(htmlCell)), { 'data-stacksim': 'table' }));
    if (more !== undefined) parts.push(el('p', { style: 'color:#616e7c;margin:4px 0' }, escapeXml(more)));
  }
  return new Picture({ title, text: lines.join('\n'), html: el('div', { class: 'stacksim-table' }, ...parts) });
}

/** A cell, or `(unreadable)` when a value fights back (a revoked Proxy deep inside). */
function safeCell(v: unknown): string {
  try {
    return cell(v);
  } catch {
    return '(unreadable)';
  }
}

function isNumber(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint';
}
