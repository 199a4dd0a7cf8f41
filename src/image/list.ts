/**
 * `GET /v2/images`: the deserialiser's checks (`RequestDeserializer.index`), the database
 * query (`glance/db/sqlalchemy/api.py` `image_get_all`: who sees which images, filters,
 * sort keys with `created_at` and `id` appended, marker pagination) and the per-image
 * `get_image` policy check of `ImagesController.index`.
 */
import { InvalidInput, describeValue, tableToArray } from '../core/index.js';
import { ImageNotFound } from './errors.js';
import { allowed, dbVisible, findMember, type Ctx } from './context.js';
import { imageView, type ImageList } from './views.js';
import type { ImageRow } from './types.js';

/** Query parameters of `GET /v2/images` (values as in the query string, or typed). */
export interface ImageListQuery {
  readonly name?: string;
  readonly id?: string;
  readonly status?: string;
  readonly visibility?: 'public' | 'private' | 'shared' | 'community' | 'all';
  readonly owner?: string;
  /** Which memberships bring shared images in: `accepted` (default), `pending`, `rejected`, `all`. */
  readonly member_status?: 'pending' | 'accepted' | 'rejected' | 'all';
  /** One tag or several (`?tag=a&tag=b`: images with all of them). */
  readonly tag?: string | readonly string[];
  readonly size_min?: number | string;
  readonly size_max?: number | string;
  readonly disk_format?: string;
  readonly container_format?: string;
  readonly protected?: boolean | 'true' | 'false';
  /** Default false: hidden images are listed only with `os_hidden: true` (and then only they). */
  readonly os_hidden?: boolean | 'true' | 'false';
  /** `gt:`, `gte:`, `lt:`, `lte:`, `neq:`, `eq:` followed by an ISO 8601 time. */
  readonly created_at?: string;
  readonly updated_at?: string;
  /** Free-form property filters (`?hw_architecture=x86_64`): exact string match. */
  readonly properties?: Readonly<Record<string, string>>;
  readonly sort_key?: string | readonly string[];
  readonly sort_dir?: string | readonly string[];
  /** `name:asc,size:desc` (cannot be combined with `sort_key` / `sort_dir`). */
  readonly sort?: string;
  readonly limit?: number | string;
  readonly marker?: string;
}

const KEYS = ['name', 'id', 'status', 'visibility', 'owner', 'member_status', 'tag', 'size_min', 'size_max', 'disk_format', 'container_format', 'protected', 'os_hidden', 'created_at', 'updated_at', 'properties', 'sort_key', 'sort_dir', 'sort', 'limit', 'marker', 'changes-since'];
/** `_available_sort_keys`. */
export const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'] as const;
type SortKey = (typeof SORT_KEYS)[number];
type Dir = 'asc' | 'desc';

const f = (k: string) => `query.${k}`;

function text(v: unknown, k: string): string {
  if (typeof v !== 'string') throw new InvalidInput(f(k), `expected a string, got ${describeValue(v)}.`);
  return v;
}

function list(v: unknown, k: string): string[] {
  if (Array.isArray(v)) return v.map((x, i) => text(x, `${k}[${i}]`));
  return [text(v, k)];
}

function bool(v: unknown, k: string): boolean {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new InvalidInput(f(k), `Invalid value ${describeValue(v)} for '${k}' filter. Valid values are 'true' or 'false'.`);
}

function intOf(v: unknown, k: string, message: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidInput(f(k), message);
  return n;
}

/** `split_filter_op` for the `in:` / `eq:` filters of name, id, status and the formats. */
function valueFilter(v: unknown, k: string): (x: string | null) => boolean {
  const expr = text(v, k);
  const i = expr.indexOf(':');
  const [op, value] = i < 0 ? ['eq', expr] : [expr.slice(0, i), expr.slice(i + 1)];
  if (op === 'eq') return (x) => x === value;
  if (op === 'in') {
    const set = new Set(value.split(',').map((p) => p.trim().replace(/^"(.*)"$/, '$1')));
    return (x) => x !== null && set.has(x);
  }
  throw new InvalidInput(f(k), `Unable to filter by unknown operator '${op}'.`);
}

/** `created_at` / `updated_at` filters: an operator and an ISO 8601 time. */
function timeFilter(v: unknown, k: string, epochMs: number): (t: number) => boolean {
  const expr = text(v, k);
  const m = /^(gt|gte|lt|lte|neq|eq):(.*)$/.exec(expr);
  const [op, iso] = m ? [m[1] as string, m[2] as string] : ['eq', expr];
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(iso) ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) throw new InvalidInput(f(k), `Bad "${k}" query filter format. Use ISO 8601 DateTime notation.`);
  const at = Math.floor((ms - epochMs) / 1000);
  const cmp: Record<string, (t: number) => boolean> = { gt: (t) => t > at, gte: (t) => t >= at, lt: (t) => t < at, lte: (t) => t <= at, neq: (t) => t !== at, eq: (t) => t === at };
  return cmp[op] as (t: number) => boolean;
}

/** Sort keys and directions (`_get_sorting_params`), with `created_at` and `id` appended as `image_get_all` does. */
function sorting(q: Record<string, unknown>): [SortKey, Dir][] {
  const key = (v: string, k: string): SortKey => {
    const t = v.trim();
    if (!(SORT_KEYS as readonly string[]).includes(t)) throw new InvalidInput(f(k), `Invalid sort key: ${t}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
    return t as SortKey;
  };
  const dir = (v: string, k: string): Dir => {
    const t = v.trim();
    if (t !== 'asc' && t !== 'desc') throw new InvalidInput(f(k), `Invalid sort direction: ${t}`);
    return t;
  };
  let keys: SortKey[] = [];
  let dirs: Dir[] = [];
  if (q.sort !== undefined) {
    if (q.sort_key !== undefined || q.sort_dir !== undefined) throw new InvalidInput(f('sort'), 'Old and new sorting syntax cannot be combined');
    for (const part of text(q.sort, 'sort').trim().split(',')) {
      const i = part.indexOf(':');
      keys.push(key(i < 0 ? part : part.slice(0, i), 'sort'));
      dirs.push(dir(i < 0 || part.slice(i + 1) === '' ? 'desc' : part.slice(i + 1), 'sort'));
    }
  } else {
    if (q.sort_key !== undefined) keys = list(q.sort_key, 'sort_key').map((k) => key(k, 'sort_key'));
    if (q.sort_dir !== undefined) dirs = list(q.sort_dir, 'sort_dir').map((d) => dir(d, 'sort_dir'));
    if (dirs.length > 1 && dirs.length !== keys.length) throw new InvalidInput(f('sort_dir'), 'Number of sort dirs does not match the number of sort keys');
  }
  if (keys.length === 0) keys = ['created_at'];
  if (dirs.length === 0) dirs = ['desc'];
  let fallback: Dir = 'desc';
  if (dirs.length === 1) {
    fallback = dirs[0] as Dir;
    dirs = keys.map(() => fallback);
  }
  const out: [SortKey, Dir][] = keys.map((k, i) => [k, dirs[i] as Dir]);
  for (const k of ['created_at', 'id'] as const) if (!keys.includes(k)) out.push([k, fallback]);
  return out;
}

/** A sort value: NULL compares as the column's default ('' or 0), as the marker query does. */
function sortValue(i: ImageRow, k: SortKey): string | number {
  const v = i[k];
  if (v === null) return k === 'size' ? 0 : '';
  return v;
}

function compare(a: ImageRow, b: ImageRow, order: readonly [SortKey, Dir][]): number {
  for (const [k, d] of order) {
    const x = sortValue(a, k);
    const y = sortValue(b, k);
    if (x !== y) return (x < y ? -1 : 1) * (d === 'asc' ? 1 : -1);
  }
  return 0;
}

/** Runs the list query for a caller. */
export function listImages(ctx: Ctx, query: unknown): ImageList {
  if (query !== undefined && (typeof query !== 'object' || query === null || Array.isArray(query))) throw new InvalidInput('query', `expected an object, got ${describeValue(query)}.`);
  // a copy of the caller's own, defined fields: the caller's object is never changed (it may be frozen)
  const q: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (!KEYS.includes(k)) throw new InvalidInput(f(k), `unknown filter; filter free-form properties with properties: { ${k}: … }. Allowed: ${KEYS.filter((x) => x !== 'changes-since').join(', ')}.`);
    if (v !== undefined) q[k] = v;
  }
  const s = ctx.s;
  const limitRaw = q.limit === undefined ? undefined : intOf(q.limit, 'limit', 'limit param must be an integer');
  if (limitRaw !== undefined && limitRaw < 0) throw new InvalidInput(f('limit'), 'limit param must be positive');
  const memberStatus = q.member_status === undefined ? 'accepted' : text(q.member_status, 'member_status');
  if (!['pending', 'accepted', 'rejected', 'all'].includes(memberStatus)) throw new InvalidInput(f('member_status'), `Invalid status: ${memberStatus}`);
  const tags = q.tag === undefined ? [] : list(q.tag, 'tag').map((t) => t.trim());
  const visibility = q.visibility === undefined ? undefined : text(q.visibility, 'visibility');
  if (visibility !== undefined && !['community', 'public', 'private', 'shared', 'all'].includes(visibility)) throw new InvalidInput(f('visibility'), `Invalid visibility value: ${visibility}`);
  if (q['changes-since'] !== undefined) throw new InvalidInput(f('changes-since'), 'The "changes-since" filter is no longer available on v2.');
  const order = sorting(q);
  // `ImagesController.index` lowercases os_hidden (`?os_hidden=True` is openstacksdk's spelling), not protected
  const osHidden = q.os_hidden === undefined ? false : bool(typeof q.os_hidden === 'string' ? q.os_hidden.toLowerCase() : q.os_hidden, 'os_hidden');
  const prot = q.protected === undefined ? undefined : bool(q.protected, 'protected');
  const filters: ((i: ImageRow) => boolean)[] = [(i) => i.os_hidden === osHidden, (i) => i.status !== 'killed' && i.status !== 'deleted'];
  if (prot !== undefined) filters.push((i) => i.protected === prot);
  for (const k of ['name', 'id', 'status', 'container_format', 'disk_format'] as const) {
    if (q[k] !== undefined) {
      const test = valueFilter(q[k], k);
      filters.push((i) => test(i[k]));
    }
  }
  if (q.owner !== undefined) {
    const owner = text(q.owner, 'owner');
    filters.push((i) => i.owner === owner);
  }
  for (const [k, op] of [['size_min', 1], ['size_max', -1]] as const) {
    if (q[k] === undefined) continue;
    const n = intOf(q[k], k, 'Unable to filter on a range with a non-numeric value.');
    filters.push((i) => i.size !== null && (op === 1 ? i.size >= n : i.size <= n));
  }
  const epochMs = Date.parse(s.meta.clock.epoch);
  for (const k of ['created_at', 'updated_at'] as const) {
    if (q[k] === undefined) continue;
    const test = timeFilter(q[k], k, epochMs);
    filters.push((i) => test(Math.floor(i[k])));
  }
  if (q.properties !== undefined) {
    if (typeof q.properties !== 'object' || q.properties === null || Array.isArray(q.properties)) throw new InvalidInput(f('properties'), `expected an object of property: value, got ${describeValue(q.properties)}.`);
    for (const [k, v] of Object.entries(q.properties as Record<string, unknown>)) {
      const want = text(v, `properties.${k}`);
      filters.push((i) => Object.hasOwn(i.properties, k) && i.properties[k] === want);
    }
  }
  for (const t of tags) filters.push((i) => i.tags.includes(t));
  if (visibility !== undefined && visibility !== 'all') filters.push((i) => i.visibility === visibility);
  else if (visibility === undefined) filters.push((i) => i.visibility !== 'community' || (ctx.owner !== null && i.owner === ctx.owner));

  ctx.policy.enforce('get_images', ctx.creds, { project_id: ctx.owner });
  // image_get_all: an admin sees every image; anyone else the public and community ones, their own, and shared ones by membership
  const regular = !ctx.isAdmin;
  const reachable = (i: ImageRow): boolean => {
    if (!regular || i.visibility === 'public' || i.visibility === 'community') return true;
    if (ctx.owner !== null && i.owner === ctx.owner) return true;
    if (i.visibility !== 'shared' || ctx.owner === null) return false;
    const m = findMember(s, i.id, ctx.owner);
    return m !== undefined && (memberStatus === 'all' || m.status === memberStatus);
  };
  let rows = tableToArray(s.image.images).filter((i) => reachable(i) && filters.every((t) => t(i)));
  rows.sort((a, b) => compare(a, b, order));
  if (q.marker !== undefined) {
    const markerId = text(q.marker, 'marker');
    const marker = rows.find((i) => i.id === markerId) ?? tableToArray(s.image.images).find((i) => i.id === markerId);
    if (marker === undefined || !dbVisible(ctx, marker)) throw new InvalidInput(f('marker'), new ImageNotFound(markerId).message);
    rows = rows.filter((i) => compare(i, marker, order) > 0);
  }
  const limit = Math.min(s.image.config.api_limit_max, limitRaw ?? s.image.config.limit_param_default);
  const page = rows.slice(0, limit);
  const images = page.filter((i) => allowed(ctx, 'get_image', i));
  // the query string as Python's urlencode writes it (quote_plus), without the marker
  const params: [string, string][] = [];
  for (const [k, v] of Object.entries(q)) {
    if (k === 'marker') continue;
    if (k === 'properties') for (const [pk, pv] of Object.entries(v as Record<string, string>)) params.push([pk, pv]);
    else if (Array.isArray(v)) for (const x of v) params.push([k, String(x)]);
    else params.push([k, String(v)]);
  }
  const enc = (x: string) => encodeURIComponent(x).replace(/%20/g, '+');
  const qs = (ps: [string, string][]) => ps.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const first = params.length > 0 ? `/v2/images?${qs(params)}` : '/v2/images';
  const out: { images: ImageList['images']; first: string; schema: '/v2/schemas/images'; next?: string } = { images: images.map((i) => imageView(s, i)), first, schema: '/v2/schemas/images' };
  if (images.length !== 0 && page.length === limit) out.next = `/v2/images?${qs([...params, ['marker', (images[images.length - 1] as ImageRow).id]])}`;
  return Object.freeze(out);
}
