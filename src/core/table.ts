/**
 * Tables: the persistent, sorted map every module keeps its rows in.
 *
 * Why not a `Record`: immer copies every object it touches, so one insert into a `Record` with
 * n keys copies n keys (DESIGN.md §2 measured 87 s for 20 000 inserts). A table is a B+tree of
 * plain objects with at most {@link FANOUT} keys per node; an update copies one root-to-leaf
 * path, O(log n), and old snapshots share every untouched node.
 *
 * Nodes and rows are frozen and never change: a write builds new nodes for one path and assigns
 * the table's `root` and `size`. So the functions that change a table work on an immer draft
 * (inside a command) or on a fresh, unfrozen table object, and immer never proxies the tree.
 * Reads work on anything. Keys are strings in UTF-16 code-unit order (JavaScript's `<`), which
 * is also the order of iteration.
 */
import { isDraft } from 'immer';
import { baseOf, latest } from './drafts.js';
import { InvalidInput } from './errors.js';
import { deepFreeze } from './freeze.js';

/** Most keys a node holds before it splits. */
export const FANOUT = 32;

/** A leaf: sorted keys and their values. */
export interface TableLeaf<T> {
  k: string[];
  v: T[];
}

/** A branch: `k[i]` is a lower bound of every key under `c[i]`, and above every key under `c[i-1]`. */
export interface TableBranch<T> {
  k: string[];
  c: TableNode<T>[];
}

/** A node of the tree. */
export type TableNode<T> = TableLeaf<T> | TableBranch<T>;

/** A sorted map from string keys to rows, serialisable as plain JSON. */
export interface Table<T> {
  size: number;
  root: TableNode<T>;
}

/** A new, empty table. */
export function emptyTable<T>(): Table<T> {
  return { size: 0, root: { k: [], v: [] } };
}

function isBranch<T>(node: TableNode<T>): node is TableBranch<T> {
  return (node as TableBranch<T>).c !== undefined;
}

/** Index of the first key >= `key` in a sorted array. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the child of a branch that may hold `key`. */
function childIndex(keys: readonly string[], key: string): number {
  // the last child whose lower bound is <= key; keys below every bound go to the first child
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : lo - 1;
}

/**
 * The tree's root as plain frozen nodes, never an immer proxy. A draft of a table that no write
 * touched yet is read through its committed object, and one that a write touched holds the plain
 * node that write stored, so reading the root makes no draft of it (a draft made per read costs a
 * proxy now and work at the commit). Should a draft of the root exist anyway, its `original` is
 * the same node, since nodes are only ever replaced, never changed in place.
 */
function rootOf<T>(table: Table<T>): TableNode<T> {
  return baseOf(latest(table).root);
}

function frozenNode<T>(node: TableNode<T>): TableNode<T> {
  Object.freeze(node.k);
  Object.freeze(isBranch(node) ? node.c : node.v);
  return Object.freeze(node);
}

/** Copies an array; `[...a]` stays on V8's fast path for frozen arrays, where `slice` does not. */
function copy<X>(a: readonly X[]): X[] {
  return [...a];
}

/** A copy of `a` with `x` at index `i`, allocated once at its final size (`splice` on a copy grows it a second time). */
function inserted<X>(a: readonly X[], i: number, x: X): X[] {
  const n = a.length;
  const out = new Array<X>(n + 1);
  for (let j = 0; j < i; j++) out[j] = a[j] as X;
  out[i] = x;
  for (let j = i; j < n; j++) out[j + 1] = a[j] as X;
  return out;
}

/**
 * What identifies a version of a table: its root node (nodes never change, so two versions with
 * the same root hold the same rows), read without drafting anything. O(1).
 */
export function tableVersion<T>(table: Table<T>): object {
  return rootOf(table);
}

/** The row stored under `key`, or undefined. O(log n). */
export function getRow<T>(table: Table<T>, key: string): T | undefined {
  let node = rootOf(table);
  while (isBranch(node)) node = node.c[childIndex(node.k, key)] as TableNode<T>;
  const i = lowerBound(node.k, key);
  return node.k[i] === key ? node.v[i] : undefined;
}

/** Whether `key` is in the table. */
export function hasRow<T>(table: Table<T>, key: string): boolean {
  let node = rootOf(table);
  while (isBranch(node)) node = node.c[childIndex(node.k, key)] as TableNode<T>;
  return node.k[lowerBound(node.k, key)] === key;
}

interface Inserted<T> {
  node: TableNode<T>;
  /** The new right sibling when the node split. */
  split: TableNode<T> | undefined;
  added: boolean;
}

/** Path copy: returns new frozen nodes for the path to `key`; the old ones are untouched. */
function insertInto<T>(node: TableNode<T>, key: string, value: T): Inserted<T> {
  if (!isBranch(node)) {
    const i = lowerBound(node.k, key);
    if (node.k[i] === key) {
      const v = copy(node.v);
      v[i] = value;
      return { node: frozenNode({ k: node.k, v }), split: undefined, added: false };
    }
    const k = inserted(node.k, i, key);
    const v = inserted(node.v, i, value);
    if (k.length <= FANOUT) return { node: frozenNode({ k, v }), split: undefined, added: true };
    const half = k.length >>> 1;
    return { node: frozenNode({ k: k.slice(0, half), v: v.slice(0, half) }), split: frozenNode({ k: k.slice(half), v: v.slice(half) }), added: true };
  }
  const i = childIndex(node.k, key);
  const below = insertInto(node.c[i] as TableNode<T>, key, value);
  // the bounds change only for a new smallest key or a split: otherwise the node keeps its keys array
  const lower = key < (node.k[i] as string);
  const k = lower || below.split !== undefined ? copy(node.k) : (node.k as string[]);
  const c = copy(node.c);
  if (lower) k[i] = key;
  c[i] = below.node;
  if (below.split === undefined) return { node: frozenNode({ k, c }), split: undefined, added: below.added };
  const k2 = inserted(k, i + 1, below.split.k[0] as string);
  const c2 = inserted(c, i + 1, below.split);
  if (k2.length <= FANOUT) return { node: frozenNode({ k: k2, c: c2 }), split: undefined, added: below.added };
  const half = k2.length >>> 1;
  return { node: frozenNode({ k: k2.slice(0, half), c: c2.slice(0, half) }), split: frozenNode({ k: k2.slice(half), c: c2.slice(half) }), added: below.added };
}

/**
 * Sets `key` to `value` (insert or replace). O(log n): copies one root-to-leaf path and writes
 * only `root` and `size` on the table, so inside a draft immer copies nothing else. The value is
 * deep-frozen; it must not contain immer drafts (build rows from `plain(...)` values).
 */
export function setRow<T>(table: Table<T>, key: string, value: T): void {
  if (isDraft(value)) throw new TypeError(`setRow('${key}'): the value is an immer draft; store a plain object (use plain()).`);
  const { node, split, added } = insertInto(rootOf(table), key, deepFreeze(value));
  table.root = split === undefined ? node : frozenNode({ k: [node.k[0] as string, split.k[0] as string], c: [node, split] });
  if (added) table.size += 1;
}

/** Removes `key`; returns whether it was there. Empty nodes are unlinked. O(log n). */
export function deleteRow<T>(table: Table<T>, key: string): boolean {
  let root = removeFrom(rootOf(table), key);
  if (root === undefined) return false;
  // collapse a root branch left with one child, so height follows size down
  while (isBranch(root) && root.c.length === 1) root = root.c[0] as TableNode<T>;
  if (isBranch(root) && root.c.length === 0) root = frozenNode<T>({ k: [], v: [] });
  table.root = root;
  table.size -= 1;
  return true;
}

/** The node without `key` (new frozen nodes on the path), or undefined when `key` is absent. */
function removeFrom<T>(node: TableNode<T>, key: string): TableNode<T> | undefined {
  if (!isBranch(node)) {
    const i = lowerBound(node.k, key);
    if (node.k[i] !== key) return undefined;
    const k = copy(node.k);
    const v = copy(node.v);
    k.splice(i, 1);
    v.splice(i, 1);
    return frozenNode({ k, v });
  }
  const i = childIndex(node.k, key);
  const child = removeFrom(node.c[i] as TableNode<T>, key);
  if (child === undefined) return undefined;
  const c = copy(node.c);
  if (child.k.length === 0) {
    const k = copy(node.k);
    k.splice(i, 1);
    c.splice(i, 1);
    return frozenNode({ k, c });
  }
  c[i] = child;
  return frozenNode({ k: node.k as string[], c });
}

/** Every [key, row] pair in key order, starting at the first key >= `from` when given. */
export function* tableEntries<T>(table: Table<T>, from?: string): Generator<[string, T]> {
  yield* walk(rootOf(table), from);
}

function* walk<T>(node: TableNode<T>, from: string | undefined): Generator<[string, T]> {
  if (!isBranch(node)) {
    for (let i = from === undefined ? 0 : lowerBound(node.k, from); i < node.k.length; i++) {
      yield [node.k[i] as string, node.v[i] as T];
    }
    return;
  }
  const start = from === undefined ? 0 : childIndex(node.k, from);
  for (let i = start; i < node.c.length; i++) {
    yield* walk(node.c[i] as TableNode<T>, i === start ? from : undefined);
  }
}

/**
 * The ids a prefix index holds under `${key}/` (an index is a table of `<owner>/<id>` → id, as
 * Neutron's `network_ports`, Cinder's `volume_attachments`, nova's `project_servers`), in key order.
 */
export function indexed(table: Table<string>, key: string): string[] {
  return tablePrefix(table, `${key}/`).map(([, id]) => id);
}

/** The [key, row] pairs whose key starts with `prefix`, in key order. O(log n + k), no generators. */
export function tablePrefix<T>(table: Table<T>, prefix: string): [string, T][] {
  const out: [string, T][] = [];
  collectPrefix(rootOf(table), prefix, out);
  return out;
}

/** Collects under `node`; false once a key past the prefix was seen (nothing later can match). */
function collectPrefix<T>(node: TableNode<T>, prefix: string, out: [string, T][]): boolean {
  if (!isBranch(node)) {
    for (let i = lowerBound(node.k, prefix); i < node.k.length; i++) {
      const k = node.k[i] as string;
      if (!k.startsWith(prefix)) return false;
      out.push([k, node.v[i] as T]);
    }
    return true;
  }
  for (let i = childIndex(node.k, prefix); i < node.c.length; i++) {
    if (!collectPrefix(node.c[i] as TableNode<T>, prefix, out)) return false;
  }
  return true;
}

/** Every row in key order. */
export function* tableValues<T>(table: Table<T>, from?: string): Generator<T> {
  for (const [, v] of tableEntries(table, from)) yield v;
}

/** All rows as an array, in key order. O(n). */
export function tableToArray<T>(table: Table<T>): T[] {
  const out: T[] = [];
  collect(rootOf(table), out);
  return out;
}

function collect<T>(node: TableNode<T>, out: T[]): void {
  if (!isBranch(node)) {
    for (const v of node.v) out.push(v);
    return;
  }
  for (const c of node.c) collect(c, out);
}

/**
 * The keys whose rows differ between two versions of a table (added, removed, or replaced by
 * another object), in key order, or null when there are more than `limit`. Versions share every
 * node a write did not copy, so this descends only into the copied paths: O(changes × log n)
 * between a table and its next versions.
 */
export function tableChanges<T>(before: Table<T>, after: Table<T>, limit = Infinity): string[] | null {
  const out: string[] = [];
  return diffNodes(rootOf(before), rootOf(after), out, limit) ? out : null;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Appends the changed keys under two nodes; false once more than `limit` are found. */
function diffNodes<T>(a: TableNode<T>, b: TableNode<T>, out: string[], limit: number): boolean {
  if (a === b) return true;
  if (sameKeys(a.k, b.k)) {
    if (isBranch(a) && isBranch(b)) {
      for (let i = 0; i < a.c.length; i++) if (!diffNodes(a.c[i] as TableNode<T>, b.c[i] as TableNode<T>, out, limit)) return false;
      return true;
    }
    if (!isBranch(a) && !isBranch(b)) {
      for (let i = 0; i < a.k.length; i++) {
        if (a.v[i] !== b.v[i]) {
          out.push(a.k[i] as string);
          if (out.length > limit) return false;
        }
      }
      return true;
    }
  }
  // the shapes differ (a split or a merge): compare the two subtrees' entries in key order —
  // except under the children both versions share (the same node holds the same entries, and a
  // key lives in one node), so a split costs the entries of the nodes it rewrote, not the subtree
  const xs: [string, T][] = [];
  const ys: [string, T][] = [];
  if (isBranch(a) && isBranch(b)) {
    const inA = new Set(a.c);
    const inB = new Set(b.c);
    for (const c of a.c) if (!inB.has(c)) collectEntries(c, xs);
    for (const c of b.c) if (!inA.has(c)) collectEntries(c, ys);
  } else {
    collectEntries(a, xs);
    collectEntries(b, ys);
  }
  let i = 0;
  let j = 0;
  while (i < xs.length || j < ys.length) {
    const x = xs[i];
    const y = ys[j];
    let key: string;
    if (y === undefined || (x !== undefined && x[0] < y[0])) {
      key = (x as [string, T])[0];
      i++;
    } else if (x === undefined || y[0] < x[0]) {
      key = y[0];
      j++;
    } else {
      i++;
      j++;
      if (x[1] === y[1]) continue;
      key = x[0];
    }
    out.push(key);
    if (out.length > limit) return false;
  }
  return true;
}

function collectEntries<T>(node: TableNode<T>, out: [string, T][]): void {
  if (!isBranch(node)) {
    for (let i = 0; i < node.k.length; i++) out.push([node.k[i] as string, node.v[i] as T]);
    return;
  }
  for (const c of node.c) collectEntries(c, out);
}

/** The entry with the smallest key, or undefined when empty. O(log n). */
export function firstEntry<T>(table: Table<T>): [string, T] | undefined {
  let node = rootOf(table);
  while (isBranch(node)) node = node.c[0] as TableNode<T>;
  return node.k.length === 0 ? undefined : [node.k[0] as string, node.v[0] as T];
}

/** Builds a table from entries (keys need not be sorted; a later duplicate wins). */
export function tableFrom<T>(entries: Iterable<readonly [string, T]>): Table<T> {
  const t = emptyTable<T>();
  for (const [k, v] of entries) setRow(t, k, v);
  return t;
}

/**
 * A new, empty plain object for a record keyed by ids (uuids): V8 gives an object a hidden class
 * per sequence of keys added to it, so records keyed by thousands of distinct ids build hidden
 * classes and transitions by the thousand (measured: ~1 µs per key). This one starts in V8's
 * dictionary mode, which builds none. It is an ordinary object all the same: `{}`'s prototype,
 * own keys in insertion order, equal and serialised as `{}` is.
 */
export function idRecord<T>(): Record<string, T> {
  const out: Record<string, T> = { a: undefined as T, b: undefined as T };
  // deleting a key that is not the last one added turns the object into a dictionary
  delete out.a;
  delete out.b;
  return out;
}

/**
 * Checks that `value` is a well-formed table (as read back from JSON): nodes of sorted unique
 * string keys, leaves with one value per key, branches with one child per key, every key within
 * its branch's bounds, and `size` equal to the number of entries. Throws {@link InvalidInput}
 * naming the path of the first fault. O(size).
 */
export function checkTable(value: unknown, field: string): void {
  const bad = (path: string, why: string): never => {
    throw new InvalidInput(path, `${why} (not a table as stacksim writes it: export the state again).`, 'core.state.invalid');
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(field, 'expected a table');
  const t = value as { size?: unknown; root?: unknown };
  if (typeof t.size !== 'number' || !Number.isInteger(t.size) || t.size < 0) bad(`${field}.size`, 'expected a count');
  let count = 0;
  const walk = (node: unknown, path: string, low: string | undefined, high: string | undefined, depth: number): void => {
    if (depth > 64) bad(path, 'nested too deep');
    if (typeof node !== 'object' || node === null || Array.isArray(node)) bad(path, 'expected a node');
    const n = node as { k?: unknown; v?: unknown; c?: unknown };
    if (!Array.isArray(n.k)) bad(`${path}.k`, 'expected an array of keys');
    const keys = n.k as unknown[];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (typeof key !== 'string') bad(`${path}.k[${i}]`, 'expected a string key');
      if (i > 0 && !((keys[i - 1] as string) < (key as string))) bad(`${path}.k[${i}]`, 'keys out of order');
      if ((low !== undefined && (key as string) < low) || (high !== undefined && (key as string) >= high)) bad(`${path}.k[${i}]`, 'key outside its branch');
    }
    if (n.c !== undefined) {
      if (!Array.isArray(n.c) || n.c.length !== keys.length) bad(`${path}.c`, 'expected one child per key');
      const children = n.c as unknown[];
      for (let i = 0; i < children.length; i++) {
        walk(children[i], `${path}.c[${i}]`, i === 0 ? low : (keys[i] as string), i + 1 < keys.length ? (keys[i + 1] as string) : high, depth + 1);
      }
    } else {
      if (!Array.isArray(n.v) || n.v.length !== keys.length) bad(`${path}.v`, 'expected one value per key');
      count += keys.length;
    }
  };
  walk(t.root, `${field}.root`, undefined, undefined, 0);
  if (count !== t.size) bad(`${field}.size`, `says ${String(t.size)} entries, the nodes hold ${count}`);
}

/** Whether `value` has a table's outline (`size` and a `root` node); {@link checkTable} checks the rest. */
export function looksLikeTable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'root' in value && 'size' in value && Object.keys(value).length === 2;
}
