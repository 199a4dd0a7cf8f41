/**
 * Tables: the persistent, sorted map every module keeps its rows in.
 *
 * Why not a `Record`: immer copies every object it touches, so one insert into a `Record` with
 * n keys copies n keys (DESIGN.md §2 measured 87 s for 20 000 inserts). A table is a B+tree of
 * plain objects with at most {@link FANOUT} keys per node; an update copies one root-to-leaf
 * path, O(log n), and old snapshots share every untouched node.
 *
 * The functions that change a table mutate it in place; call them on an immer draft (inside a
 * command) or on a fresh object that is not frozen yet. Reads work on anything. Keys are
 * strings in UTF-16 code-unit order (JavaScript's `<`), which is also the order of iteration.
 */

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

/** The row stored under `key`, or undefined. O(log n). */
export function getRow<T>(table: Table<T>, key: string): T | undefined {
  let node = table.root;
  while (isBranch(node)) node = node.c[childIndex(node.k, key)] as TableNode<T>;
  const i = lowerBound(node.k, key);
  return node.k[i] === key ? node.v[i] : undefined;
}

/** Whether `key` is in the table. */
export function hasRow<T>(table: Table<T>, key: string): boolean {
  let node = table.root;
  while (isBranch(node)) node = node.c[childIndex(node.k, key)] as TableNode<T>;
  return node.k[lowerBound(node.k, key)] === key;
}

/** Inserts or replaces; returns a new right sibling when `node` split. */
function insertInto<T>(node: TableNode<T>, key: string, value: T, added: { yes: boolean }): TableNode<T> | undefined {
  if (!isBranch(node)) {
    const i = lowerBound(node.k, key);
    if (node.k[i] === key) {
      node.v[i] = value;
      return undefined;
    }
    node.k.splice(i, 0, key);
    node.v.splice(i, 0, value);
    added.yes = true;
    if (node.k.length <= FANOUT) return undefined;
    const half = node.k.length >>> 1;
    return { k: node.k.splice(half), v: node.v.splice(half) };
  }
  const i = childIndex(node.k, key);
  if (key < (node.k[i] as string)) node.k[i] = key;
  const split = insertInto(node.c[i] as TableNode<T>, key, value, added);
  if (split === undefined) return undefined;
  node.k.splice(i + 1, 0, split.k[0] as string);
  node.c.splice(i + 1, 0, split);
  if (node.k.length <= FANOUT) return undefined;
  const half = node.k.length >>> 1;
  return { k: node.k.splice(half), c: node.c.splice(half) };
}

/** Sets `key` to `value` (insert or replace). Mutates: use on a draft. O(log n). */
export function setRow<T>(table: Table<T>, key: string, value: T): void {
  const added = { yes: false };
  const split = insertInto(table.root, key, value, added);
  if (split !== undefined) {
    const left = table.root;
    table.root = { k: [left.k[0] as string, split.k[0] as string], c: [left, split] };
  }
  if (added.yes) table.size += 1;
}

/** Removes `key`; returns whether it was there. Empty nodes are unlinked. Mutates. O(log n). */
export function deleteRow<T>(table: Table<T>, key: string): boolean {
  const removed = removeFrom(table.root, key);
  if (!removed) return false;
  table.size -= 1;
  // collapse a root branch left with one child, so height follows size down
  let root = table.root;
  while (isBranch(root) && root.c.length === 1) root = root.c[0] as TableNode<T>;
  if (isBranch(root) && root.c.length === 0) root = { k: [], v: [] };
  if (root !== table.root) table.root = root;
  return true;
}

function removeFrom<T>(node: TableNode<T>, key: string): boolean {
  if (!isBranch(node)) {
    const i = lowerBound(node.k, key);
    if (node.k[i] !== key) return false;
    node.k.splice(i, 1);
    node.v.splice(i, 1);
    return true;
  }
  const i = childIndex(node.k, key);
  const child = node.c[i] as TableNode<T>;
  if (!removeFrom(child, key)) return false;
  if (child.k.length === 0) {
    node.k.splice(i, 1);
    node.c.splice(i, 1);
  }
  return true;
}

/** Every [key, row] pair in key order, starting at the first key >= `from` when given. */
export function* tableEntries<T>(table: Table<T>, from?: string): Generator<[string, T]> {
  yield* walk(table.root, from);
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

/** Every row in key order. */
export function* tableValues<T>(table: Table<T>, from?: string): Generator<T> {
  for (const [, v] of tableEntries(table, from)) yield v;
}

/** All rows as an array, in key order. O(n). */
export function tableToArray<T>(table: Table<T>): T[] {
  const out: T[] = [];
  collect(table.root, out);
  return out;
}

function collect<T>(node: TableNode<T>, out: T[]): void {
  if (!isBranch(node)) {
    for (const v of node.v) out.push(v);
    return;
  }
  for (const c of node.c) collect(c, out);
}

/** The entry with the smallest key, or undefined when empty. O(log n). */
export function firstEntry<T>(table: Table<T>): [string, T] | undefined {
  let node = table.root;
  while (isBranch(node)) node = node.c[0] as TableNode<T>;
  return node.k.length === 0 ? undefined : [node.k[0] as string, node.v[0] as T];
}

/** Builds a table from entries (keys need not be sorted; a later duplicate wins). */
export function tableFrom<T>(entries: Iterable<readonly [string, T]>): Table<T> {
  const t = emptyTable<T>();
  for (const [k, v] of entries) setRow(t, k, v);
  return t;
}
