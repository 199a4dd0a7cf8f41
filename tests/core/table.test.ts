import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { produce, freeze } from 'immer';
import {
  emptyTable,
  setRow,
  deleteRow,
  getRow,
  hasRow,
  tableEntries,
  tableToArray,
  firstEntry,
  FANOUT,
  type Table,
} from '../../src/core/index.js';

type Model = Map<string, number>;
interface Real {
  table: Table<number>;
  snapshots: { table: Table<number>; entries: [string, number][] }[];
}

const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('a', 'b', 'c', 'aa', ''), fc.integer({ min: 0, max: 300 }).map(String));

class SetCommand implements fc.Command<Model, Real> {
  constructor(readonly k: string, readonly v: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    r.table = produce(r.table, (d) => setRow(d as Table<number>, this.k, this.v));
    m.set(this.k, this.v);
  }
  toString(): string {
    return `set(${JSON.stringify(this.k)}, ${this.v})`;
  }
}

class DeleteCommand implements fc.Command<Model, Real> {
  constructor(readonly k: string) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    let removed = false;
    const before = r.table;
    r.table = produce(r.table, (d) => {
      removed = deleteRow(d as Table<number>, this.k);
    });
    expect(removed).toBe(m.delete(this.k));
    if (!removed) expect(r.table).toBe(before); // a no-op returns the same state object
  }
  toString(): string {
    return `delete(${JSON.stringify(this.k)})`;
  }
}

class SnapshotCommand implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(_m: Model, r: Real): void {
    r.snapshots.push({ table: r.table, entries: [...tableEntries(r.table)] });
  }
  toString(): string {
    return 'snapshot';
  }
}

function sorted(m: Model): [string, number][] {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('table (B+tree of plain objects)', () => {
  it('agrees with a Map model under any sequence of sets and deletes, and old snapshots never change (seed 20261126)', () => {
    fc.assert(
      fc.property(
        fc.commands(
          [
            fc.tuple(key, fc.integer()).map(([k, v]) => new SetCommand(k, v)),
            key.map((k) => new DeleteCommand(k)),
            fc.constant(new SnapshotCommand()),
          ],
          { size: '+1' },
        ),
        (cmds) => {
          const model: Model = new Map();
          const real: Real = { table: freeze(emptyTable<number>(), true), snapshots: [] };
          fc.modelRun(() => ({ model, real }), cmds);
          expect([...tableEntries(real.table)]).toEqual(sorted(model));
          expect(real.table.size).toBe(model.size);
          for (const [k, v] of model) expect(getRow(real.table, k)).toBe(v);
          for (const s of real.snapshots) expect([...tableEntries(s.table)]).toEqual(s.entries);
        },
      ),
      { seed: 20261126, numRuns: 300 },
    );
  });

  it('splits into a multi-level tree and stays sorted at 5000 keys, with range iteration from a key', () => {
    let t = emptyTable<number>();
    const keys = Array.from({ length: 5000 }, (_, i) => `k${(i * 7919) % 5000}`);
    t = produce(t, (d) => {
      for (const [i, k] of keys.entries()) setRow(d as Table<number>, k, i);
    });
    expect(t.size).toBe(5000);
    expect((t.root as { c?: unknown[] }).c).toBeDefined();
    const all = [...tableEntries(t)].map(([k]) => k);
    expect(all).toEqual([...keys].sort());
    expect([...tableEntries(t, 'k4999')].map(([k]) => k)).toEqual(all.filter((k) => k >= 'k4999'));
    expect(firstEntry(t)?.[0]).toBe(all[0]);
    expect(hasRow(t, 'k123')).toBe(true);
    expect(hasRow(t, 'nope')).toBe(false);
    // deleting everything leaves an empty leaf root
    t = produce(t, (d) => {
      for (const k of keys) deleteRow(d as Table<number>, k);
    });
    expect(t.size).toBe(0);
    expect(tableToArray(t)).toEqual([]);
    expect(firstEntry(t)).toBeUndefined();
  });

  it('one insert into a large table copies one root-to-leaf path and shares every other node', () => {
    let t = emptyTable<number>();
    t = produce(t, (d) => {
      for (let i = 0; i < 20_000; i++) setRow(d as Table<number>, `id-${i}`, i);
    });
    const next = produce(t, (d) => setRow(d as Table<number>, 'id-5000x', 1));
    const kids = (n: Table<number>['root']) => (n as { c: Table<number>['root'][] }).c;
    const before = kids(t.root);
    const after = kids(next.root);
    const changed = after.filter((c, i) => c !== before[i]).length;
    expect(changed).toBeLessThanOrEqual(2); // the path (plus a split sibling at most)
    expect(after.length).toBeLessThanOrEqual(FANOUT + 1);
  });
});
