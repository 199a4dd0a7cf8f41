/**
 * The name-or-id resolver: anywhere a reference is taken, a name works as well as an id (as in
 * the openstack CLI). Names resolve only among what the caller may see; an ambiguous name is a
 * Conflict listing only the visible candidates.
 */
import { AmbiguousName, InvalidInput, ResourceNotFound } from './errors.js';
import { describe } from './validate.js';
import { getRow, tableToArray, type Table } from './table.js';

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
  /** The service's own 404 for a reference nothing visible matches (Neutron's `NetworkNotFound`, Cinder's `VolumeNotFound`); default a `ResourceNotFound`. */
  notFound?(ref: string, field: string): Error;
  /** The service's own 400 for a reference of the wrong shape (`field` is `<field>.id` for an id alone); default an `InvalidInput`. */
  invalid?(field: string, value: unknown): Error;
  /** The longest name or id a reference may have: longer is a 400 (default: no limit for names, 255 for `{ id }`). */
  readonly maxLength?: number;
}

/**
 * An id alone, as a URL path holds it (`GET /v3/projects/{project_id}`): no name is resolved, and
 * anything that is no visible resource's id is a 404, as the REST APIs answer.
 */
export interface IdRef {
  readonly id: string;
}

/** A reference: a name or an id (the library's convenience, as the openstack CLI's), or {@link IdRef} for an id alone. */
export type Ref = string | IdRef;

/** Whether `ref` is an {@link IdRef}: a plain object with an own `id` (its value is checked where it is used). */
export function isIdRef(ref: unknown): ref is { readonly id: unknown } {
  if (typeof ref !== 'object' || ref === null || Array.isArray(ref) || !Object.hasOwn(ref, 'id')) return false;
  const proto = Object.getPrototypeOf(ref) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The id of an {@link IdRef}: a string of 1..255 characters, else a 400 naming `<field>.id`. */
export function refId(ref: { readonly id: unknown }, field: string): string {
  const id = ref.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) throw new InvalidInput(`${field}.id`, `expected an id of 1 to 255 characters, got ${describe(id)}.`);
  return id;
}

/** Resolves `ref` (an id, a name, or `{ id }` for an id alone) to one visible resource, or throws 400 / 404 / 409. */
export function resolveRef<T>(ref: unknown, resolver: Resolver<T>, field = resolver.kind.split('.').pop() ?? 'ref'): T {
  const missing = (key: string): Error => resolver.notFound?.(key, field) ?? new ResourceNotFound(resolver.kind, key, resolver.notFoundCode, field);
  if (isIdRef(ref)) {
    if (resolver.invalid !== undefined && (typeof ref.id !== 'string' || ref.id.length === 0 || ref.id.length > (resolver.maxLength ?? 255))) throw resolver.invalid(`${field}.id`, ref.id);
    const id = refId(ref, field);
    const hit = resolver.byId(id);
    if (hit === undefined) throw missing(id);
    return hit;
  }
  if (typeof ref !== 'string' || ref.length === 0 || (resolver.maxLength !== undefined && ref.length > resolver.maxLength)) {
    throw resolver.invalid?.(field, ref) ?? new InvalidInput(field, `expected the name or id of a ${resolver.kind.split('.').pop()}, got ${describe(ref)}.`);
  }
  const hit = resolver.byId(ref);
  if (hit !== undefined) return hit;
  const named = resolver.byName(ref);
  if (named.length === 1) return named[0] as T;
  if (named.length === 0) throw missing(ref);
  throw new AmbiguousName(resolver.kind, ref, named.map((x) => resolver.idOf(x)));
}

/**
 * {@link resolveRef} over a table of rows with `id` and `name`: the row a reference names among
 * those `visible` lets through, the service's own 404 (`notFound`) when none does, a 400
 * `<service>.<resource>.invalid_ref` for a reference of the wrong shape (ids and names of at most
 * 255 characters). What Neutron's and Cinder's database layers answer for a lookup.
 */
export function resolveTableRow<Row extends { readonly id: string; readonly name?: string | null }>(
  kind: string,
  table: Table<Row>,
  visible: (row: Row) => boolean,
  ref: unknown,
  field: string,
  notFound: (ref: string) => Error,
): Row {
  const label = (kind.split('.').pop() ?? kind).replace(/_/g, ' ');
  return resolveRef<Row>(
    ref,
    {
      kind,
      byId: (id) => {
        const row = getRow(table, id);
        return row !== undefined && visible(row) ? row : undefined;
      },
      byName: (name) => tableToArray(table).filter((r) => r.name === name && visible(r)),
      idOf: (r) => r.id,
      notFound,
      invalid: (f, value) => new InvalidInput(f, `expected a ${label} ${f.endsWith('.id') ? 'id' : 'id or name'}, got ${describe(value)}.`, `${kind}.invalid_ref`),
      maxLength: 255,
    },
    field,
  );
}
