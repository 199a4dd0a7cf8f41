/**
 * What Cinder's lists share: `osapi_max_limit`, the sort and the paging parameters
 * (`cinder/api/common.py` `get_pagination_params` / `_get_limit_param` / `_get_offset_param` /
 * `get_sort_params`, `cinder/common/config.py` `osapi_max_limit`) and the order
 * `cinder/db/sqlalchemy/api.py` `_generate_paginate_query` gives (the sort key, then `id` to break
 * ties; the page after a marker starts after the marker's sort values, `paginate_query`).
 *
 * How each list treats an unknown marker (404 as its `_get` does, 400 as `volume_get_all`'s
 * paginator words it, or no marker at all as `_volume_type_get_db_object`) stays with the list.
 * Not simulated: several sort keys (`sort=a:asc,b:desc` uses its first key only).
 */
import { describeValue } from '../core/index.js';
import { badField } from './input.js';

/** `osapi_max_limit` (Zed default 1000): no page is longer. */
export const OSAPI_MAX_LIMIT = 1000;

/** A sort direction. */
export type SortDir = 'asc' | 'desc';

/** Orders two rows by `key` (then `id`) in `dir`, as the paginated query sorts them. */
export function compareBy<R extends { readonly id: string }>(key: (r: R) => unknown, dir: SortDir): (a: R, b: R) => number {
  return (a, b) => {
    const x = key(a) as string | number;
    const y = key(b) as string | number;
    const c = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return dir === 'asc' ? c : -c;
  };
}

/** Sorts rows by the column `key` (a null sorts as `''`, then id) in `dir`; the same array. */
export function sortRows<R extends { readonly id: string }>(rows: R[], key: keyof R, dir: SortDir): R[] {
  return rows.sort(compareBy((r) => r[key] ?? '', dir));
}

/**
 * Where the page after `marker` starts in `rows` sorted by `order`: the first row that sorts
 * after the marker's sort values (the marker need not be among the rows), else `rows.length`.
 */
export function pageAfterMarker<R>(rows: readonly R[], marker: R, order: (a: R, b: R) => number): number {
  const start = rows.findIndex((r) => order(r, marker) > 0);
  return start < 0 ? rows.length : start;
}

/** A paging integer (`limit`, `offset`): ≥ 0. */
export function pagingArg(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw badField(field, `${field} param must be an integer, got ${describeValue(value)}`, 'block.list.invalid_paging');
  return n;
}

/** `sort_key` / `sort_dir` among `keys` (default `created_at` `desc`, `common.get_sort_params`). */
export function sortArgs<K extends string>(q: Record<string, unknown>, keys: readonly K[]): { key: K; dir: SortDir } {
  const key = q.sort_key === undefined ? 'created_at' : q.sort_key;
  if (typeof key !== 'string' || !(keys as readonly string[]).includes(key)) throw badField('sort_key', `Invalid input received: sort_key must be one of ${keys.join(', ')}, got ${describeValue(key)}`, 'block.list.invalid_sort');
  const dir = q.sort_dir === undefined ? 'desc' : q.sort_dir;
  if (dir !== 'asc' && dir !== 'desc') throw badField('sort_dir', `sort_dir must be 'asc' or 'desc', got ${describeValue(dir)}`, 'block.list.invalid_sort');
  return { key: key as K, dir };
}
