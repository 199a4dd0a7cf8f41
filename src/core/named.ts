/**
 * Tables with unique names: a rows table keyed by id beside an index from (scope, name) to id,
 * kept consistent by one set of draft mutators instead of by hand at every call site.
 *
 * Keystone's domains, projects, users, groups and roles, the hardware's hosts and Placement's
 * resource providers each keep such a pair (`*_names` beside the rows). The state shape is the
 * pair of plain tables; a {@link NamedTable} only knows where they are, how a row's index key is
 * made, and which error a taken name raises, so each service keeps its own error class, code and
 * message. The mutators work on an immer draft (or a fresh table), as `setRow` does; a refused
 * write throws before touching anything, so the draft stays as it was.
 */
import { deleteRow, getRow, setRow, type Table } from './table.js';

/** Where a named table lives and what its names mean. */
export interface NamedTableSpec<S, Row extends { readonly name: string }> {
  /** The rows table, keyed by {@link NamedTableSpec.id}. */
  readonly rows: (s: S) => Table<Row>;
  /** The unique-name index: index key → row id. */
  readonly names: (s: S) => Table<string>;
  /** A row's id: its key in `rows`. */
  readonly id: (row: Row) => string;
  /** The scope a row's name is unique within (e.g. its domain id), or null for one global scope. Default: null. */
  readonly scope?: (row: Row) => string | null;
  /** The index key of a name in a scope. Default: the name in the global scope, `${scope}/${name}` otherwise. */
  readonly key?: (scope: string | null, name: string) => string;
  /** The error a taken name raises: the service's own class, code and message. */
  readonly duplicate: (name: string, scope: string | null) => Error;
}

/** The operations of one named table; every `s` may be committed state (reads) or a draft (all). */
export interface NamedTable<S, Row extends { readonly name: string }> {
  /** The index key of `name` in `scope`. */
  key(scope: string | null, name: string): string;
  /** The index key a row is filed under. */
  keyOf(row: Row): string;
  /** The id of the row named `name` in `scope`, or undefined. O(log n). */
  idOf(s: S, scope: string | null, name: string): string | undefined;
  /** The row named `name` in `scope`, or undefined. O(log n). */
  find(s: S, scope: string | null, name: string): Row | undefined;
  /** Throws the table's duplicate error when `name` is taken in `scope`: for commands that refuse a taken name before checking the rest of their input. */
  assertFree(s: S, scope: string | null, name: string): void;
  /** Adds a row with a new id and files its name; throws the duplicate error (changing nothing) when the name is taken. */
  insert(s: S, row: Row): void;
  /**
   * Replaces a row with a new version of it (same id). When its index key changes, the new key
   * must be free (else the duplicate error, changing nothing); the old key is dropped and the new
   * one filed. A version under the same key (same name, or a case-only change where the key
   * ignores case) only replaces the row.
   */
  update(s: S, before: Row, after: Row): void;
  /** Removes the row with this row's id and its name (as currently stored); returns whether it was there. */
  remove(s: S, row: Row): boolean;
}

const defaultKey = (scope: string | null, name: string): string => (scope === null ? name : `${scope}/${name}`);
const globalScope = (): null => null;

/** Builds the operations of a named table from where it lives. */
export function namedTable<S, Row extends { readonly name: string }>(spec: NamedTableSpec<S, Row>): NamedTable<S, Row> {
  const key = spec.key ?? defaultKey;
  const scopeOf = spec.scope ?? globalScope;
  const keyOf = (row: Row): string => key(scopeOf(row), row.name);
  const assertFree = (s: S, scope: string | null, name: string): void => {
    if (getRow(spec.names(s), key(scope, name)) !== undefined) throw spec.duplicate(name, scope);
  };
  return {
    key,
    keyOf,
    idOf: (s, scope, name) => getRow(spec.names(s), key(scope, name)),
    find(s, scope, name) {
      const id = getRow(spec.names(s), key(scope, name));
      return id === undefined ? undefined : getRow(spec.rows(s), id);
    },
    assertFree,
    insert(s, row) {
      assertFree(s, scopeOf(row), row.name);
      const id = spec.id(row);
      setRow(spec.rows(s), id, row);
      setRow(spec.names(s), keyOf(row), id);
    },
    update(s, before, after) {
      const id = spec.id(after);
      if (spec.id(before) !== id) throw new TypeError(`NamedTable.update: a row keeps its id ('${spec.id(before)}' became '${id}').`);
      const from = keyOf(before);
      const to = keyOf(after);
      if (from !== to) {
        assertFree(s, scopeOf(after), after.name);
        deleteRow(spec.names(s), from);
        setRow(spec.names(s), to, id);
      }
      setRow(spec.rows(s), id, after);
    },
    remove(s, row) {
      const id = spec.id(row);
      const current = getRow(spec.rows(s), id);
      if (current === undefined) return false;
      const k = keyOf(current);
      if (getRow(spec.names(s), k) === id) deleteRow(spec.names(s), k);
      deleteRow(spec.rows(s), id);
      return true;
    },
  };
}
