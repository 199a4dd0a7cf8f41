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
  tableChanges,
  tablePrefix,
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

describe('tableChanges', () => {
  /** The keys whose values differ between two plain maps, sorted as the table sorts keys. */
  const brute = (a: Map<string, number>, b: Map<string, number>): string[] =>
    [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k) || a.has(k) !== b.has(k)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

  it('lists exactly the keys added, removed or changed between two versions (seed 6060)', () => {
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 2000 }).map((n) => `k${n}`), v: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ del: fc.integer({ min: 0, max: 2000 }).map((n) => `k${n}`) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.array(op, { maxLength: 60 }), (first, second) => {
        const apply = (t: Table<number>, m: Map<string, number>, ops: typeof first): Table<number> =>
          produce(t, (d) => {
            for (const o of ops) {
              if ('set' in o) {
                setRow(d as Table<number>, o.set, o.v);
                m.set(o.set, o.v);
              } else {
                deleteRow(d as Table<number>, o.del);
                m.delete(o.del);
              }
            }
          });
        const m1 = new Map<string, number>();
        const t1 = apply(emptyTable<number>(), m1, first);
        const m2 = new Map(m1);
        const t2 = apply(t1, m2, second);
        expect(tableChanges(t1, t2)).toEqual(brute(m1, m2));
        expect(tableChanges(t2, t1)).toEqual(brute(m1, m2));
        expect(tableChanges(t1, t1)).toEqual([]);
      }),
      { seed: 6060, numRuns: 150 },
    );
  });

  it('gives up with null past the limit', () => {
    let t = emptyTable<number>();
    t = produce(t, (d) => {
      for (let i = 0; i < 100; i++) setRow(d as Table<number>, `k${i}`, i);
    });
    const u = produce(t, (d) => {
      for (let i = 0; i < 10; i++) setRow(d as Table<number>, `k${i * 7}`, -1);
    });
    expect(tableChanges(t, u, 10)).toHaveLength(10);
    expect(tableChanges(t, u, 9)).toBeNull();
  });
});

describe('tablePrefix', () => {
  it('returns the entries whose key starts with the prefix, in key order, as a filter of all entries would (seed 6161)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: fc.constantFrom('a', 'b', '|', 'c'), maxLength: 5 }), { maxLength: 300 }), fc.string({ unit: fc.constantFrom('a', 'b', '|'), maxLength: 3 }), (keys, prefix) => {
        const t = produce(emptyTable<number>(), (d) => {
          keys.forEach((k, i) => setRow(d as Table<number>, k, i));
        });
        expect(tablePrefix(t, prefix)).toEqual([...tableEntries(t)].filter(([k]) => k.startsWith(prefix)));
      }),
      { seed: 6161, numRuns: 300 },
    );
  });
});
