import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { produce } from 'immer';
import { Conflict, Duplicate, emptyTable, getRow, namedTable, tableEntries, type NamedTable, type Table } from '../../src/core/index.js';

interface Row {
  readonly id: string;
  readonly scope: string | null;
  readonly name: string;
  readonly note: string;
}
interface State {
  readonly rows: Table<Row>;
  readonly names: Table<string>;
}

const empty = (): State => ({ rows: emptyTable(), names: emptyTable() });
const spec = {
  rows: (s: State) => s.rows,
  names: (s: State) => s.names,
  id: (r: Row) => r.id,
  scope: (r: Row) => r.scope,
  duplicate: (name: string) => new Duplicate('test.widget', name),
};
/** Names unique per scope, as projects in a domain (default key `${scope}/${name}`). */
const scopedWidgets = namedTable<State, Row>(spec);
/** Case-insensitive names, global or per scope, as Keystone's roles. */
const foldedKey = (scope: string | null, name: string): string => `${scope ?? ''}/${name.toLowerCase()}`;
const foldedWidgets = namedTable<State, Row>({ ...spec, key: foldedKey });

const row = (id: string, scope: string | null, name: string, note = ''): Row => ({ id, scope, name, note });

/** Runs `op` in immer's produce; returns the next state and what `op` threw, if anything. */
function attempt(state: State, op: (d: State) => void): { next: State; error: unknown } {
  let error: unknown;
  const next = produce(state, (d) => {
    try {
      op(d as State);
    } catch (e) {
      error = e;
    }
  });
  return { next, error };
}

function run(state: State, op: (d: State) => void): State {
  const { next, error } = attempt(state, op);
  if (error !== undefined) throw error;
  return next;
}

describe('namedTable', () => {
  it('files a new row under its name in its scope, and finds it by (scope, name)', () => {
    const s = run(empty(), (d) => scopedWidgets.insert(d, row('w1', 'a', 'web')));
    expect(scopedWidgets.find(s, 'a', 'web')).toEqual(row('w1', 'a', 'web'));
    expect(scopedWidgets.idOf(s, 'a', 'web')).toBe('w1');
    expect(scopedWidgets.find(s, 'b', 'web')).toBeUndefined();
    expect([...tableEntries(s.names)]).toEqual([['a/web', 'w1']]);
  });

  it('lets the same name live in two scopes', () => {
    let s = run(empty(), (d) => scopedWidgets.insert(d, row('w1', 'a', 'web')));
    s = run(s, (d) => scopedWidgets.insert(d, row('w2', 'b', 'web')));
    expect(scopedWidgets.idOf(s, 'a', 'web')).toBe('w1');
    expect(scopedWidgets.idOf(s, 'b', 'web')).toBe('w2');
  });

  it('refuses a taken name with the spec\'s own error and leaves the state object as it was', () => {
    const s = run(empty(), (d) => scopedWidgets.insert(d, row('w1', 'a', 'web')));
    const { next, error } = attempt(s, (d) => scopedWidgets.insert(d, row('w2', 'a', 'web')));
    expect(error).toBeInstanceOf(Duplicate);
    expect((error as Duplicate).code).toBe('test.widget.duplicate');
    expect((error as Duplicate).message).toBe("A widget named 'web' already exists; pick another name.");
    expect(next).toBe(s);
    expect(() => scopedWidgets.assertFree(s, 'a', 'web')).toThrow(Duplicate);
    expect(() => scopedWidgets.assertFree(s, 'b', 'web')).not.toThrow();
  });

  it('raises whatever error the spec builds (a Placement-style Conflict)', () => {
    const providers = namedTable<State, Row>({ ...spec, duplicate: (name) => new Conflict('placement.duplicate_name', `Conflicting resource provider name: ${name} already exists.`, { name }) });
    const s = run(empty(), (d) => providers.insert(d, row('p1', null, 'cn1')));
    expect([...tableEntries(s.names)]).toEqual([['cn1', 'p1']]); // global scope: the name alone
    const { error } = attempt(s, (d) => providers.insert(d, row('p2', null, 'cn1')));
    expect(error).toBeInstanceOf(Conflict);
    expect(error).not.toBeInstanceOf(Duplicate);
    expect((error as Conflict).message).toBe('Conflicting resource provider name: cn1 already exists.');
  });

  it('renames: the old name is free, the new one finds the row', () => {
    let s = run(empty(), (d) => scopedWidgets.insert(d, row('w1', 'a', 'web')));
    s = run(s, (d) => scopedWidgets.update(d, row('w1', 'a', 'web'), row('w1', 'a', 'www')));
    expect(scopedWidgets.find(s, 'a', 'www')?.id).toBe('w1');
    expect(scopedWidgets.find(s, 'a', 'web')).toBeUndefined();
    expect(s.names.size).toBe(1);
    s = run(s, (d) => scopedWidgets.insert(d, row('w2', 'a', 'web')));
    expect(scopedWidgets.idOf(s, 'a', 'web')).toBe('w2');
  });

  it('refuses a rename to a taken name, changing nothing', () => {
    let s = run(empty(), (d) => scopedWidgets.insert(d, row('w1', 'a', 'web')));
    s = run(s, (d) => scopedWidgets.insert(d, row('w2', 'a', 'db')));
    const { next, error } = attempt(s, (d) => scopedWidgets.update(d, row('w2', 'a', 'db'), row('w2', 'a', 'web', 'changed')));
    expect(error).toBeInstanceOf(Duplicate);
    expect((error as Duplicate).message).toContain("'web'");
    expect(next).toBe(s);
  });

  it('an update under the same name replaces the row, does not throw, and leaves the index object untouched', () => {
    const s = run(empty(), (d) => scopedWidgets.insert(d, row('w1', 'a', 'web')));
    const next = run(s, (d) => scopedWidgets.update(d, row('w1', 'a', 'web'), row('w1', 'a', 'web', 'new note')));
    expect(next.names).toBe(s.names);
    expect(getRow(next.rows, 'w1')?.note).toBe('new note');
  });

  it('a case-only rename under a case-insensitive key keeps the index, as Keystone\'s role names', () => {
    const s = run(empty(), (d) => foldedWidgets.insert(d, row('r1', null, 'Admin')));
    expect(() => foldedWidgets.assertFree(s, null, 'ADMIN')).toThrow(Duplicate);
    const next = run(s, (d) => foldedWidgets.update(d, row('r1', null, 'Admin'), row('r1', null, 'admin')));
    expect(next.names).toBe(s.names);
    expect(foldedWidgets.find(next, null, 'ADMIN')?.name).toBe('admin');
  });

  it('refuses an update that changes the id (the index would point nowhere)', () => {
    const s = run(empty(), (d) => scopedWidgets.insert(d, row('w1', 'a', 'web')));
    const { next, error } = attempt(s, (d) => scopedWidgets.update(d, row('w1', 'a', 'web'), row('w9', 'a', 'web')));
    expect(error).toBeInstanceOf(TypeError);
    expect(next).toBe(s);
  });

  it('removes a row and the name it is filed under now, even when given an older version of it', () => {
    let s = run(empty(), (d) => scopedWidgets.insert(d, row('w1', 'a', 'web')));
    s = run(s, (d) => scopedWidgets.update(d, row('w1', 'a', 'web'), row('w1', 'a', 'www')));
    let removed = false;
    s = run(s, (d) => {
      removed = scopedWidgets.remove(d, row('w1', 'a', 'web'));
    });
    expect(removed).toBe(true);
    expect(s.rows.size).toBe(0);
    expect(s.names.size).toBe(0);
    const again = run(s, (d) => {
      removed = scopedWidgets.remove(d, row('w1', 'a', 'www'));
    });
    expect(removed).toBe(false);
    expect(again).toBe(s);
  });
});

// ---------------------------------------------------------------- property

type Op =
  | { op: 'create'; scope: string | null; name: string }
  | { op: 'rename'; pick: number; name: string }
  | { op: 'move'; pick: number; scope: string | null }
  | { op: 'touch'; pick: number }
  | { op: 'delete'; pick: number };

const names = fc.constantFrom('web', 'Web', 'db', 'DB', 'x', 'admin', 'ADMIN');
const scopes = fc.constantFrom<string | null>(null, 'a', 'b');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), scope: scopes, name: names }),
  fc.record({ op: fc.constant('rename' as const), pick: fc.nat(), name: names }),
  fc.record({ op: fc.constant('move' as const), pick: fc.nat(), scope: scopes }),
  fc.record({ op: fc.constant('touch' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
);

/** The index a model of rows implies: exactly one entry per row. */
const expectedIndex = (model: Map<string, Row>, key: (scope: string | null, name: string) => string): [string, string][] =>
  [...model.values()].map((r): [string, string] => [key(r.scope, r.name), r.id]).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));

function checkSequence(named: NamedTable<State, Row>, key: (scope: string | null, name: string) => string, ops: Op[]): void {
  const model = new Map<string, Row>();
  let state = empty();
  let counter = 0;
  const taken = (scope: string | null, name: string, except?: string) => [...model.values()].some((r) => r.id !== except && key(r.scope, r.name) === key(scope, name));
  for (const o of ops) {
    const ids = [...model.keys()];
    const picked = o.op === 'create' || ids.length === 0 ? undefined : model.get(ids[o.pick % ids.length] as string);
    let after: Row | undefined;
    let op: (d: State) => void;
    if (o.op === 'create') {
      after = row(`w${counter++}`, o.scope, o.name);
      const r = after;
      op = (d) => named.insert(d, r);
    } else if (picked === undefined) {
      continue;
    } else if (o.op === 'delete') {
      op = (d) => expect(named.remove(d, picked)).toBe(true);
    } else {
      after = o.op === 'rename' ? { ...picked, name: o.name } : o.op === 'move' ? { ...picked, scope: o.scope } : { ...picked, note: `${picked.note}+` };
      const r = after;
      op = (d) => named.update(d, picked, r);
    }
    const refused = after !== undefined && taken(after.scope, after.name, after.id);
    const before = state;
    const { next, error } = attempt(state, op);
    if (refused) {
      expect(error).toBeInstanceOf(Duplicate);
      expect(next).toBe(before);
      expect(next.rows).toBe(before.rows);
      expect(next.names).toBe(before.names);
      continue;
    }
    if (error !== undefined) throw error;
    if (o.op === 'delete') model.delete((picked as Row).id);
    else model.set((after as Row).id, after as Row);
    state = next;
    if (after !== undefined && picked !== undefined && key(picked.scope, picked.name) === key(after.scope, after.name)) expect(state.names).toBe(before.names);
    expect([...tableEntries(state.names)]).toEqual(expectedIndex(model, key));
    expect(new Map(tableEntries(state.rows))).toEqual(model);
    for (const r of model.values()) expect(named.find(state, r.scope, r.name)).toEqual(r);
  }
}

describe('namedTable invariants', () => {
  it('after any sequence of creates, renames, moves and deletes over a few scopes, the index maps exactly each row\'s (scope, name) to its id, and a refused write leaves the state object unchanged (seed 9001)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => checkSequence(scopedWidgets, (scope, name) => (scope === null ? name : `${scope}/${name}`), ops)),
      { seed: 9001, numRuns: 300 },
    );
  });

  it('the same holds with a case-insensitive key, as Keystone\'s role names (seed 9002)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => checkSequence(foldedWidgets, foldedKey, ops)),
      { seed: 9002, numRuns: 300 },
    );
  });
});
