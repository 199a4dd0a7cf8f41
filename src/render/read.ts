/**
 * How a picture reads a cloud: through a {@link Cloud.fork} of it, as its admin. Reading the cloud
 * itself would make the picture's reads its latest requests (`cloud.trace()` would then answer
 * with a list call instead of the boot the student asked about) and would issue admin tokens into
 * its state; a fork shares the state (immer's structural sharing: a few milliseconds) and
 * whatever the picture does there stays there. Also the orders and the paging every picture of a
 * cloud shares.
 */
import type { Cloud } from '../cloud.js';
import type { Session } from '../session.js';
import type { ServerView } from '../compute/index.js';
import { bad, isCloudLike } from './check.js';

/** A private copy of `cloud` to read from, and its admin session. */
export interface Look {
  readonly cloud: Cloud;
  readonly admin: Session;
}

/**
 * A fork of `cloud` and its admin: what every renderer that takes a Cloud reads through, and the
 * one place that forks. Anything that does not fork into a Cloud (a revoked Proxy, a getter that
 * throws, an object with a `fork` of its own) is a 400 naming `field`.
 */
export function lookInto(cloud: Cloud, field = 'cloud'): Look {
  try {
    if (isCloudLike(cloud)) {
      const copy = cloud.fork();
      if (isCloudLike(copy) && 'admin' in copy) return { cloud: copy, admin: copy.admin };
    }
  } catch {
    // a getter or a Proxy trap that throws: not a cloud either
  }
  throw bad(field, 'expected a Cloud (what createCloud returns)');
}

/** Servers nova lists a page (`[api] max_limit` caps it whatever `limit` asks). */
const PAGE = 1000;
/** Pages read at most: a million servers, then the listing stops. */
const MAX_PAGES = 1000;

/**
 * Every server `query` selects (`GET /servers/detail?all_tenants=1&…`), page by page (`limit` /
 * `marker`) until an empty page or {@link MAX_PAGES} pages.
 */
export function allServers(admin: Session, query: { readonly project_id?: string } = {}): ServerView[] {
  const out: ServerView[] = [];
  let marker: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = admin.compute.listServers({ ...query, all_tenants: true, limit: PAGE, ...(marker === undefined ? {} : { marker }) });
    if (page.length === 0) break;
    for (const s of page) out.push(s);
    marker = (page[page.length - 1] as ServerView).id;
  }
  return out;
}

/**
 * `vm-2` before `vm-10`: runs of digits compare as numbers, the rest by code unit (the same
 * everywhere, unlike a locale's collation, so the same cloud draws the same bytes).
 */
export function natural(a: string, b: string): number {
  const xs = a.match(/\d+|\D+/g) ?? [];
  const ys = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i] as string;
    const y = ys[i] as string;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const nx = x.replace(/^0+/, '');
      const ny = y.replace(/^0+/, '');
      if (nx !== ny) return nx.length - ny.length || (nx < ny ? -1 : 1);
    }
    return x < y ? -1 : 1;
  }
  return xs.length - ys.length;
}

/** Resources by {@link natural} name, then by id (names need not be unique). */
export function byName<T extends { readonly name: string; readonly id: string }>(a: T, b: T): number {
  return natural(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
