/**
 * Derived data owned by a kernel (DESIGN §10): caches of what can be computed again from the
 * state — parsed policy rules, checked configurations, host states, indexes — kept outside the
 * state, never serialised and never observable (an answer from the memo is the answer a fresh
 * computation gives). Each Kernel owns one {@link Memo}; a forked cloud gets a new kernel and so
 * a new memo. Nothing derived lives in module-level variables.
 *
 * Three kinds of entry, each named by a {@link MemoSlot} (a typed key a module declares once):
 * - {@link Memo.of}: derived from one frozen object (a row, a table, a committed slice), held
 *   weakly, so it goes when that version of the state goes;
 * - {@link Memo.byValue}: derived from a primitive (a check string, a name), bounded;
 * - {@link Memo.cell}: one mutable value per memo — an incremental index such as the scheduler's
 *   host index, which brings itself up to date from the table changes between the state it last
 *   saw and the current one. Such an index must answer exactly what a fresh one would.
 */

/** Names one kind of memo entry: `K` is what it is derived from, `V` the derived value. */
export interface MemoSlot<K, V> {
  /** For messages and debugging only; slots are told apart by identity. */
  readonly name: string;
  /** Phantom: carries the key and value types. */
  readonly __types?: (key: K) => V;
}

/** Declares a slot (once, at module level: a slot is a constant key, it holds nothing). */
export function memoSlot<K, V>(name: string): MemoSlot<K, V> {
  return Object.freeze({ name });
}

/** How many values {@link Memo.byValue} keeps per slot before it starts again. */
export const MEMO_VALUE_LIMIT = 10_000;

/** A kernel's derived data. */
export class Memo {
  readonly #byObject = new Map<MemoSlot<never, unknown>, WeakMap<object, unknown>>();
  readonly #byValue = new Map<MemoSlot<never, unknown>, Map<unknown, unknown>>();
  readonly #cells = new Map<MemoSlot<never, unknown>, unknown>();

  /**
   * `derive(key)`, computed once per key for this memo. The key must be frozen (committed state
   * never changes); an unfrozen key — a draft's current copy during a call — is derived afresh
   * every time and never kept, since it could still change.
   */
  of<K extends object, V>(slot: MemoSlot<K, V>, key: K, derive: (key: K) => V): V {
    if (!Object.isFrozen(key)) return derive(key);
    let map = this.#byObject.get(slot as MemoSlot<never, unknown>);
    if (map === undefined) this.#byObject.set(slot as MemoSlot<never, unknown>, (map = new WeakMap()));
    if (map.has(key)) return map.get(key) as V;
    const value = derive(key);
    map.set(key, value);
    return value;
  }

  /** `derive(key)` for a primitive key, computed once per key (at most {@link MEMO_VALUE_LIMIT} kept per slot). */
  byValue<K extends string | number, V>(slot: MemoSlot<K, V>, key: K, derive: (key: K) => V): V {
    let map = this.#byValue.get(slot as MemoSlot<never, unknown>);
    if (map === undefined) this.#byValue.set(slot as MemoSlot<never, unknown>, (map = new Map()));
    if (map.has(key)) return map.get(key) as V;
    const value = derive(key);
    if (map.size >= MEMO_VALUE_LIMIT) map.clear();
    map.set(key, value);
    return value;
  }

  /** The one value of `slot` in this memo (a mutable index), created by `create` on first use. */
  cell<V>(slot: MemoSlot<void, V>, create: () => V): V {
    const known = this.#cells.get(slot as MemoSlot<never, unknown>);
    if (known !== undefined) return known as V;
    const value = create();
    this.#cells.set(slot as MemoSlot<never, unknown>, value);
    return value;
  }

  /** Forgets everything (answers stay the same; they are computed again). */
  clear(): void {
    this.#byObject.clear();
    this.#byValue.clear();
    this.#cells.clear();
  }
}
