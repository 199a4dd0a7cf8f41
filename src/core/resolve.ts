/**
 * The name-or-id resolver: anywhere a reference is taken, a name works as well as an id (as in
 * the openstack CLI). Names resolve only among what the caller may see; an ambiguous name is a
 * Conflict listing only the visible candidates.
 */
import { AmbiguousName, InvalidInput, ResourceNotFound } from './errors.js';
import { describe } from './validate.js';

/** How to look a kind of resource up. */
export interface Resolver<T> {
  /** Dotted kind used in error codes and messages, e.g. `hardware.host`. */
  readonly kind: string;
  /** The visible resource with this id, if any. */
  byId(id: string): T | undefined;
  /** The visible resources with this name. */
  byName(name: string): readonly T[];
  /** The id of a resource (for the ambiguity message). */
  idOf(item: T): string;
  /** Stable not-found code; default `<kind>.not_found`. */
  readonly notFoundCode?: string;
}

/** Resolves `ref` (an id, or a name) to one visible resource, or throws 400 / 404 / 409. */
export function resolveRef<T>(ref: unknown, resolver: Resolver<T>, field = resolver.kind.split('.').pop() ?? 'ref'): T {
  if (typeof ref !== 'string' || ref.length === 0) {
    throw new InvalidInput(field, `expected the name or id of a ${resolver.kind.split('.').pop()}, got ${describe(ref)}.`);
  }
  const hit = resolver.byId(ref);
  if (hit !== undefined) return hit;
  const named = resolver.byName(ref);
  if (named.length === 1) return named[0] as T;
  if (named.length === 0) throw new ResourceNotFound(resolver.kind, ref, resolver.notFoundCode, field);
  throw new AmbiguousName(resolver.kind, ref, named.map((x) => resolver.idOf(x)));
}
