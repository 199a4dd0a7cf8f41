/**
 * A reference model of Swift's container and account listings, written from the documented
 * semantics (Swift's API reference, "Pseudo-hierarchical folders and directories", and the
 * docstring of `list_objects_iter`), on a plain sorted array — no ranges, cursors or restarts:
 *
 * 1. `reverse` swaps the roles of `marker` and `end_marker` (a reversed listing starts below
 *    `marker` and stops above `end_marker`).
 * 2. Keep the names that start with `prefix`, are above the lower marker and below the upper one.
 * 3. With a delimiter (and `prefix` '' when none was given), a name holding the delimiter after
 *    the prefix becomes its pseudo-folder `subdir`: the name up to and including the first
 *    delimiter after the prefix. A folder is listed once, in the place of its first name, and
 *    not at all when it equals the (lower, after the swap) marker: a client paging with the
 *    last entry of the previous page must not get that folder twice.
 * 4. At most `limit` entries, in ascending order (descending with `reverse`).
 */

export interface RefQuery {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly marker?: string;
  readonly end_marker?: string;
  readonly limit?: number;
  readonly reverse?: boolean;
}

export type RefEntry = { readonly name: string } | { readonly subdir: string };

/** The listing of `names` (any order; duplicates ignored) for a query, as Swift answers it. */
export function referenceListing(names: readonly string[], q: RefQuery): RefEntry[] {
  const reverse = q.reverse ?? false;
  const lower = (reverse ? q.end_marker : q.marker) ?? '';
  const upper = (reverse ? q.marker : q.end_marker) ?? '';
  const prefix = q.prefix ?? '';
  const delimiter = q.delimiter ?? '';
  const limit = q.limit ?? 10_000;

  const sorted = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const kept = sorted.filter((n) => n.startsWith(prefix) && (lower === '' || n > lower) && (upper === '' || n < upper));
  if (reverse) kept.reverse();

  const out: RefEntry[] = [];
  const seen = new Set<string>();
  for (const name of kept) {
    if (out.length >= limit) break;
    const at = delimiter === '' ? -1 : name.indexOf(delimiter, prefix.length);
    if (at < 0) {
      out.push({ name });
      continue;
    }
    const subdir = name.slice(0, at + delimiter.length);
    if (seen.has(subdir)) continue;
    seen.add(subdir);
    if (subdir !== lower) out.push({ subdir });
  }
  return out;
}
