/**
 * What Neutron's API controller (`neutron/api/v2/base.py` `Controller`) does for every resource,
 * shared here so each resource only says what is its own:
 * - list queries: equality filters on the resource's attributes (several values of one filter
 *   match any of them; booleans and integers read as Neutron's converters read them), the tag
 *   filters `tags`, `tags-any`, `not-tags`, `not-tags-any` (comma-separated, as the `tag`
 *   extension), `fields`, `sort_key` / `sort_dir`, `limit` / `marker` / `page_reverse`
 *   (`neutron/api/api_common.py`). A filter on an attribute the resource does not have is a 400
 *   (`[DEFAULT] filter_validation`, on by default since Stein);
 * - per-row policy: a listed row the caller may not `get_` is left out (`_filter_attributes` /
 *   `policy.check` in `_items`), attributes whose `get_<resource>:<attr>` rule refuses are
 *   removed (`_exclude_attributes_by_policy`);
 * - request bodies: unknown attributes are a 400 ("Unrecognized attribute(s)"), attributes
 *   that cannot be set on update are a 400 ("Cannot update read-only attribute").
 *
 * Not simulated: `fields` on a single show changing the policy checks, `sort_key` on
 * attributes without a database column, pagination links (`networks_links`; the REST layer
 * adds them).
 */
import { InvalidInput, describeValue } from '../core/index.js';
import { allowed, showable, type Ctx } from './context.js';
import { pyBool } from './ipam/addresses.js';
import { NeutronError, attributeInvalid, notFound, readOnly, unrecognized, type NeutronResource } from './errors.js';

/** A list query as the API takes it: filters by attribute, and the controller's own parameters. */
export interface ListQuery {
  /** Only these attributes in each item (`id` is always kept for paging). */
  readonly fields?: string | readonly string[];
  readonly sort_key?: string | readonly string[];
  readonly sort_dir?: 'asc' | 'desc' | readonly ('asc' | 'desc')[];
  readonly limit?: number | string;
  readonly marker?: string;
  readonly page_reverse?: boolean | string;
  readonly tags?: string | readonly string[];
  readonly 'tags-any'?: string | readonly string[];
  readonly 'not-tags'?: string | readonly string[];
  readonly 'not-tags-any'?: string | readonly string[];
  /** Equality filters: `name`, `status`, `network_id`, `router:external`, … (a list matches any value). */
  readonly [filter: string]: unknown;
}

/** How one resource is listed. */
export interface ListSpec<Row> {
  readonly resource: NeutronResource;
  /** Rows the database layer returns to this caller (already filtered by visibility). */
  readonly rows: Iterable<Row>;
  /** The policy target of a row. */
  readonly target: (row: Row) => Record<string, unknown>;
  /** The full view of a row (before attribute policy). */
  readonly view: (row: Row) => Record<string, unknown>;
  /** Every attribute of the resource's view (what may be filtered and sorted on). */
  readonly attributes: readonly string[];
  /** Filters the resource takes beyond its view's attributes (`fixed_ips`, `device_id`…); each returns whether a row matches. */
  readonly extraFilters?: Readonly<Record<string, (row: Row, values: readonly string[]) => boolean>>;
  /** Attributes that are not filters even though shown (default none). */
  readonly notFilterable?: readonly string[];
}

const CONTROL = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse', 'tags', 'tags-any', 'not-tags', 'not-tags-any']);
const MAX_VALUES = 1000;

/** A query value as a list of strings (REST gives strings, the library may give lists, booleans, numbers). */
function values(value: unknown, field: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_VALUES) throw new InvalidInput(field, `at most ${MAX_VALUES} values, got ${list.length}.`, 'network.query.invalid');
  return list.map((v: unknown, i) => {
    if (typeof v === 'string') {
      if (v.length > 1024) throw new InvalidInput(field, 'a value is longer than 1024 characters.', 'network.query.invalid');
      return v;
    }
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (v === null) return 'None';
    throw new InvalidInput(Array.isArray(value) ? `${field}[${i}]` : field, `expected a string, got ${describeValue(v)}.`, 'network.query.invalid');
  });
}

/** Whether a view's attribute value equals one of the filter's values, compared as Neutron's converters would. */
function matches(actual: unknown, wanted: readonly string[], field: string): boolean {
  return wanted.some((w) => {
    if (typeof actual === 'boolean') {
      const b = pyBool(w);
      if (b === undefined) throw attributeInvalid(field, `'${w}' cannot be converted to boolean`, 'network.query.invalid');
      return b === actual;
    }
    if (typeof actual === 'number') return Number(w) === actual;
    if (actual === null) return w === '' || w === 'None';
    if (Array.isArray(actual)) return actual.some((a) => String(a) === w);
    return String(actual) === w;
  });
}

function tagList(value: unknown, field: string): string[] {
  return values(value, field).flatMap((v) => v.split(',')).filter((t) => t !== '');
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return (a ? 1 : 0) - (b ? 1 : 0);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * `GET /v2.0/<resources>`: the visible rows the caller may `get_`, filtered, sorted and paged as
 * Neutron's controller does, each view stripped of attributes policy hides and cut to `fields`.
 */
export function listViews<Row extends { readonly id: string }>(ctx: Ctx, spec: ListSpec<Row>, query: unknown = {}): Record<string, unknown>[] {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) throw new InvalidInput('query', `expected an object of filters, got ${describeValue(query)}.`, 'network.query.invalid');
  const q = query as Record<string, unknown>;
  const keys = Object.keys(q).filter((k) => q[k] !== undefined);
  const extra = spec.extraFilters ?? {};

  let items: { row: Row; view: Record<string, unknown>; target: Record<string, unknown> }[] = [];
  for (const row of spec.rows) {
    const target = spec.target(row);
    if (!allowed(ctx, `get_${spec.resource}`, target)) continue;
    items.push({ row, view: spec.view(row), target });
  }
  const attributes = new Set(spec.attributes);

  for (const key of keys) {
    if (CONTROL.has(key)) continue;
    if (Object.hasOwn(extra, key)) {
      const wanted = values(q[key], key);
      const test = extra[key]!;
      items = items.filter((i) => test(i.row, wanted));
      continue;
    }
    if (!attributes.has(key) || (spec.notFilterable ?? []).includes(key)) throw new NeutronQueryError(key);
    const wanted = values(q[key], key);
    items = items.filter((i) => matches(i.view[key], wanted, key));
  }
  const tagFilter = (key: string, keep: (tags: readonly string[], wanted: readonly string[]) => boolean): void => {
    if (q[key] === undefined) return;
    const wanted = tagList(q[key], key);
    items = items.filter((i) => keep((i.view.tags as readonly string[] | undefined) ?? [], wanted));
  };
  tagFilter('tags', (t, w) => w.every((x) => t.includes(x)));
  tagFilter('tags-any', (t, w) => w.some((x) => t.includes(x)));
  tagFilter('not-tags', (t, w) => !w.every((x) => t.includes(x)));
  tagFilter('not-tags-any', (t, w) => !w.some((x) => t.includes(x)));

  // sorting: (sort_key, sort_dir) pairs, then id as Neutron's pagination adds it
  const sortKeys = q.sort_key === undefined ? [] : values(q.sort_key, 'sort_key');
  const sortDirs = q.sort_dir === undefined ? [] : values(q.sort_dir, 'sort_dir');
  if (sortDirs.length > 0 && sortDirs.length !== sortKeys.length) throw new InvalidInput('sort_dir', 'The number of sort_keys and sort_dirs must be same', 'network.query.invalid');
  for (const d of sortDirs) if (d !== 'asc' && d !== 'desc') throw new InvalidInput('sort_dir', `${d} is invalid value for sort_dir, valid value is 'asc' and 'desc'`, 'network.query.invalid');
  for (const k of sortKeys) if (!attributes.has(k)) throw new InvalidInput('sort_key', `${k} is an invalid attribute for sort_key`, 'network.query.invalid');
  const order = [...sortKeys.map((k, i) => ({ k, desc: sortDirs[i] === 'desc' })), { k: 'id', desc: false }];
  items.sort((a, b) => {
    for (const { k, desc } of order) {
      const c = compare(a.view[k], b.view[k]);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });

  // paging
  // `api_common.get_page_reverse`: only 'true' (any case) pages backwards
  const reverse = q.page_reverse === undefined ? false : (values(q.page_reverse, 'page_reverse').at(-1) ?? '').toLowerCase() === 'true';
  if (q.marker !== undefined) {
    const marker = values(q.marker, 'marker')[0] ?? '';
    const at = items.findIndex((i) => i.row.id === marker);
    if (at < 0) throw notFound(spec.resource, marker);
    items = reverse ? items.slice(0, at) : items.slice(at + 1);
  }
  if (q.limit !== undefined) {
    const text = values(q.limit, 'limit')[0] ?? '';
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new NeutronError(400, 'network.query.invalid_limit', 'BadRequest', `Bad limit request: Limit must be an integer 0 or greater and not '${text}'.`, { field: 'limit' });
    if (n > 0) items = reverse ? items.slice(Math.max(0, items.length - n)) : items.slice(0, n);
  }

  const fields = q.fields === undefined ? undefined : values(q.fields, 'fields').flatMap((f) => f.split(','));
  return items.map((i) => pickFields(showable(ctx, spec.resource, i.view, i.target), fields));
}

/** A view cut to `fields` (all of it when none are asked). */
export function pickFields(view: Record<string, unknown>, fields: readonly string[] | undefined): Record<string, unknown> {
  if (fields === undefined || fields.length === 0) return view;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (Object.hasOwn(view, f)) out[f] = view[f];
  return out;
}

/** 400 for a filter on an attribute the resource does not have (`filter_validation`). */
export class NeutronQueryError extends InvalidInput {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'NeutronQueryError';
  constructor(key: string) {
    super(key, `[${key}] is invalid attribute for filtering`, 'network.query.invalid_filter');
  }
}

/**
 * A request body's attributes: an object whose keys are all `allowed` (else 400 naming the
 * unknown ones), none of `readOnlyOnUpdate` (else "Cannot update read-only attribute").
 */
export function bodyOf(value: unknown, resource: string, allowed: readonly string[], readOnlyOnUpdate: readonly string[] = []): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidInput(resource, `expected an object of ${resource} attributes, got ${describeValue(value)}.`, `network.${resource}.invalid`);
  const body = value as Record<string, unknown>;
  const keys = Object.keys(body).filter((k) => body[k] !== undefined);
  const ro = keys.find((k) => readOnlyOnUpdate.includes(k));
  if (ro !== undefined) throw readOnly(ro);
  const unknown = keys.filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw unrecognized(unknown);
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k of keys) out[k] = body[k];
  return out;
}
