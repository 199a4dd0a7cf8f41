/**
 * What every public call hands back is frozen all the way down (DESIGN §2: views are frozen), so
 * a caller can never edit a view it was given, nor anything the cloud keeps.
 */

/**
 * Freezes a returned view in place, deeply: every plain object (prototype `Object.prototype` or
 * `null`) and every array reachable from it. Class instances are not views and are left alone
 * (a `Session`, a `Uint8Array` of freshly copied bytes).
 *
 * `known` holds the objects already walked (a kernel keeps one in its memo): state rows handed
 * out call after call are walked once, and a view that refers to itself ends. A frozen object is
 * still entered the first time: a module may have frozen a view shallowly.
 */
export function freezeView<T>(value: T, known: WeakSet<object> = new WeakSet()): T {
  walk(value, known);
  return value;
}

function walk(value: unknown, known: WeakSet<object>): void {
  if (typeof value !== 'object' || value === null || known.has(value)) return;
  const array = Array.isArray(value);
  if (!array) {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return;
  }
  known.add(value);
  Object.freeze(value);
  if (array) for (let i = 0; i < (value as unknown[]).length; i++) walk((value as unknown[])[i], known);
  else {
    // data properties only: a getter (a lazily built explanation) is not run just to freeze it
    for (const key of Object.keys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor !== undefined && 'value' in descriptor) walk(descriptor.value, known);
    }
  }
}
