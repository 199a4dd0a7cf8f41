/**
 * Container and account listings as Swift's container and account servers make them
 * (`swift/container/backend.py` `list_objects_iter`): names in order after `marker` and before
 * `end_marker`, starting with `prefix`, rolled up into `subdir` entries at `delimiter`, at most
 * `limit`, optionally in reverse (`reverse=true` swaps the markers' roles, as Swift does).
 *
 * Names sort by UTF-16 code unit (JavaScript's string order), where Swift's SQLite sorts UTF-8
 * bytes: the two differ only between characters above U+FFFF and U+E000–U+FFFF.
 */
import { check, tableEntries, tablePrefix, type Table } from '../core/index.js';
import { PreconditionFailed } from './errors.js';
import { CONSTRAINTS, checkText } from './headers.js';

/** The query of a `GET` on a container (or an account): Swift's parameters. */
export interface ListingQuery {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly marker?: string;
  readonly end_marker?: string;
  /** At most this many entries (default and maximum 10 000: `container_listing_limit`). */
  readonly limit?: number;
  readonly reverse?: boolean;
}

/** Swift's `CONTAINER_LISTING_LIMIT` / `ACCOUNT_LISTING_LIMIT`. */
export const LISTING_LIMIT = 10_000;

/** A listing entry: a row, or a pseudo-folder (`{"subdir": "photos/"}`). */
export type ListingEntry<T> = { readonly name: string; readonly row: T } | { readonly subdir: string };

interface Checked {
  prefix: string | null;
  delimiter: string | null;
  marker: string;
  end_marker: string;
  limit: number;
  reverse: boolean;
}

/** Checks a listing query (400 naming the parameter; 412 above the listing limit). */
export function checkListingQuery(query: unknown, field = 'query'): Checked {
  const q = query === undefined ? {} : check.record(query, field);
  check.onlyKeys(q, ['prefix', 'delimiter', 'marker', 'end_marker', 'limit', 'reverse'], field);
  // 1 024 UTF-8 bytes: an object name's limit (Swift has none of its own; the request line bounds it)
  const text = (k: string): string => check.optional(q[k], `${field}.${k}`, (v, f) => checkText(v, f, CONSTRAINTS.max_object_name_length), '');
  const limit = check.optional(q.limit, `${field}.limit`, (v, f) => check.integer(v, f, 0), LISTING_LIMIT);
  if (limit > LISTING_LIMIT) throw new PreconditionFailed(`Maximum limit is ${LISTING_LIMIT}.`, { limit });
  const delimiter = text('delimiter');
  const prefix = text('prefix');
  return {
    // a delimiter without a prefix lists from the top (`prefix = ''`)
    prefix: prefix !== '' ? prefix : delimiter !== '' ? '' : null,
    delimiter: delimiter === '' ? null : delimiter,
    marker: text('marker'),
    end_marker: text('end_marker'),
    limit,
    reverse: check.optional(q.reverse, `${field}.reverse`, check.boolean, false),
  };
}

const after = (s: string): string => s.slice(0, -1) + String.fromCharCode(s.charCodeAt(s.length - 1) + 1);

/**
 * The listing of the rows of `table` whose keys start with `base` (a container's
 * `<account>/<container>/`, an account's `<account>/`), named by the rest of their key.
 */
export function listing<T>(table: Table<T>, base: string, query: unknown): ListingEntry<T>[] {
  const q = checkListingQuery(query);
  let marker = q.marker;
  let endMarker = q.end_marker;
  if (q.reverse) [marker, endMarker] = [endMarker, marker];
  // a pseudo-folder equal to the marker (in reverse: the end_marker) was listed on the previous page
  const origMarker = marker;
  const prefix = q.prefix;
  const endPrefix = prefix ? after(prefix) : null;
  // the bounds as Swift's query sets them
  const upper = endMarker && (!prefix || endMarker < (endPrefix as string)) ? endMarker : endPrefix;
  const lowerExclusive = marker && (!prefix || marker >= prefix) ? marker : null;
  const lowerInclusive = lowerExclusive === null ? (prefix ?? '') : null;
  const out: ListingEntry<T>[] = [];
  if (q.limit === 0) return out;
  const inRange = (name: string): boolean =>
    (upper === null || name < upper) && (lowerExclusive === null ? name >= (lowerInclusive as string) : name > lowerExclusive);
  const dirOf = (name: string): string | null => {
    if (q.delimiter === null || prefix === null) return null;
    const end = name.indexOf(q.delimiter, prefix.length);
    return end < 0 ? null : name.slice(0, end + q.delimiter.length);
  };

  if (!q.reverse) {
    let from = base + (lowerExclusive ?? lowerInclusive ?? '');
    for (;;) {
      let restart: string | null = null;
      for (const [key, row] of tableEntries(table, from)) {
        if (!key.startsWith(base)) return out;
        const name = key.slice(base.length);
        if (!inRange(name)) {
          if (upper !== null && name >= upper) return out;
          continue;
        }
        const dir = dirOf(name);
        if (dir === null) {
          out.push({ name, row });
          if (out.length >= q.limit) return out;
          continue;
        }
        if (dir !== origMarker) {
          out.push({ subdir: dir });
          if (out.length >= q.limit) return out;
        }
        // skip every name under this pseudo-folder
        restart = base + after(dir);
        break;
      }
      if (restart === null) return out;
      from = restart;
    }
  }

  // reverse: Swift walks names downwards; the range is read once and walked from its end
  const names = tablePrefix(table, base + (prefix ?? '')).map(([key, row]) => [key.slice(base.length), row] as const);
  let ceiling = upper;
  for (let i = names.length - 1; i >= 0; i--) {
    const [name, row] = names[i] as readonly [string, T];
    if ((ceiling !== null && name >= ceiling) || !inRange(name)) continue;
    const dir = dirOf(name);
    if (dir === null) out.push({ name, row });
    else {
      if (dir !== origMarker) out.push({ subdir: dir });
      ceiling = dir;
    }
    if (out.length >= q.limit) break;
  }
  return out;
}
