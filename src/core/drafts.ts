/**
 * Reading through an immer draft without drafting: the one place that knows immer's draft state.
 *
 * Reading `draft.x` makes a draft of `x` (a proxy now, work at the commit) that only a write
 * needs, and immer's public ways around that (`original`, `current`, a property descriptor) each
 * allocate or copy. A boot reads a few hundred properties that way, so the kernel's `peek` and the
 * tables' roots read the draft's state instead: the object a draft stands for right now is its
 * copy once written, else its base (immer's `latest`, `immer.mjs`), found under immer's own key
 * `Symbol.for("immer-state")` (which `isDraft` also reads). tests/core/drafts.test.ts pins this
 * to the installed immer.
 */

/** immer's `DRAFT_STATE` key (immer.mjs: `Symbol.for("immer-state")`). */
const DRAFT_STATE = Symbol.for('immer-state');

/** The part of immer's draft state read here. */
interface DraftState {
  readonly base_: object;
  readonly copy_: object | null | undefined;
}

/**
 * The object `value` stands for now: a draft's copy once written, else its base; anything else
 * as it is. Its properties may be drafts of their own (children read or written through the
 * draft). Read from it, never write through it.
 */
export function latest<T>(value: T): T {
  const state = value !== null && typeof value === 'object' ? ((value as Record<symbol, unknown>)[DRAFT_STATE] as DraftState | undefined) : undefined;
  if (state === undefined) return value;
  return (state.copy_ ?? state.base_) as T;
}

/** The object a draft was made from (immer's `original`), or `value` itself when it is no draft. */
export function baseOf<T>(value: T): T {
  const state = value !== null && typeof value === 'object' ? ((value as Record<symbol, unknown>)[DRAFT_STATE] as DraftState | undefined) : undefined;
  return state === undefined ? value : (state.base_ as T);
}

/**
 * `obj[key]` — or `obj[a][b]` — for reading, without making a draft of it: reading a property
 * through a draft makes a draft of its value (a proxy now, work at the commit; ~1.3 µs measured),
 * which only a write needs. Gives the current value: the committed object, or the draft a write
 * already made. Read from it (`getRow(peek(s, 'compute', 'flavors'), id)`), never write through it.
 */
export function peek<T extends object, K extends keyof T>(obj: T, key: K): T[K];
export function peek<T extends object, A extends keyof T, B extends keyof T[A]>(obj: T, a: A, b: B): T[A][B];
export function peek(obj: object, a: PropertyKey, b?: PropertyKey): unknown {
  const first = (latest(obj) as Record<PropertyKey, unknown>)[a];
  return b === undefined ? first : (latest(first) as Record<PropertyKey, unknown>)[b];
}
