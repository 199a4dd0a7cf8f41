/**
 * What every public call hands back is frozen all the way down (DESIGN §2: views are frozen), so
 * a caller can never edit a view it was given, nor anything the cloud keeps.
 */

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
