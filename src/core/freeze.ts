/**
 * What every public call hands back is frozen all the way down (DESIGN §2: views are frozen), so
 * a caller can never edit a view it was given, nor anything the cloud keeps.
 */

import { freeze, isDraft } from 'immer';

/**
 * Freezes a value the cloud keeps (a row, a task's arguments) deeply, as immer's
 * `freeze(value, true)` does, in one tight walk: it stops at anything already frozen (committed
 * parts of a row are), leaves drafts alone and hands anything that is not a plain object or an
 * array (a `Map`, a `Set`, an immerable class) to immer's own rules. Measured: rows stored during
 * a boot spent ~7 % of it in immer's freeze, whose walk calls a closure and several type checks
 * per key.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    if (isDraft(value)) return value;
    Object.freeze(value);
    for (let i = 0; i < value.length; i++) deepFreeze(value[i] as unknown);
    return value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if ((proto !== Object.prototype && proto !== null) || isDraft(value)) return freeze(value, true);
  Object.freeze(value);
  for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}

/** Deeper than any view: a view that refers to itself is frozen by then, and the walk stops there. */
const MAX_DEPTH = 64;

/**
 * Freezes a returned view in place, deeply: every plain object (prototype `Object.prototype` or
 * `null`) and every array reachable from it. Class instances are not views and are left alone
 * (a `Session`, a `Uint8Array` of freshly copied bytes, a result whose lazy parts are getters on
 * its class, which are therefore not run).
 *
 * `known` holds objects that were frozen before a walk reached them and have been walked since
 * (a kernel keeps one in its memo): state rows, handed out call after call, are walked once. A
 * frozen object is still entered the first time, since a module may have frozen a view
 * shallowly. Objects this walk freezes are new views: they are not remembered.
 */
export function freezeView<T>(value: T, known: WeakSet<object> = new WeakSet()): T {
  walk(value, known, 0);
  return value;
}

function walk(value: unknown, known: WeakSet<object>, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return;
  const array = Array.isArray(value);
  if (!array) {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return;
  }
  if (Object.isFrozen(value)) {
    if (known.has(value)) return;
    known.add(value);
  } else Object.freeze(value);
  if (array) {
    for (let i = 0; i < (value as unknown[]).length; i++) walk((value as unknown[])[i], known, depth + 1);
    return;
  }
  // reading each value is 3x cheaper than asking for its descriptor (the per-call cost of every
  // view): a plain object's getter would run here, so a result with lazy parts keeps them on a
  // class instance (as selectDestinations' explanation), which is not walked
  for (const key in value) walk((value as Record<string, unknown>)[key], known, depth + 1);
}
