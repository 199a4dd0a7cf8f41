/**
 * The argument helpers the Cinder files share: the body checks of `cinder/api/validation/`
 * (`parameter_types.py`: `boolean`, `name`, `metadata_allows_null`, `uuid`; the schemas'
 * `additionalProperties: False`), `cinder/utils.py` `get_bool_param` / `oslo_utils.strutils`
 * (`bool_from_string`, `TRUE_STRINGS` / `FALSE_STRINGS`) and `oslo_utils.uuidutils.is_uuid_like`.
 *
 * Each caller keeps its own error (message, code, Cinder class): these helpers decide, the caller
 * words the refusal, so moving a check here changes no answer. Not simulated: jsonschema's full
 * error texts (each caller gives the part of them it shows).
 */
import { describeValue, getRow, type CloudState } from '../core/index.js';
import { CinderError, invalidInput } from './errors.js';

// ------------------------------------------------------------------------------ own properties

/** `o` has `k` as an own property (never through the prototype: `__proto__`, `toString`). */
export const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** `o[k]` when `k` is an own property of `o`, else undefined. */
export function ownValue<T>(o: Readonly<Record<string, T>>, k: string): T | undefined {
  return own(o, k) ? o[k] : undefined;
}

/** Sets a key as an own data property (a key may be `__proto__`). */
export function put<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** A fresh copy of a string map, every key an own data property. */
export function copy(source: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) put(out, k, v);
  return out;
}

/** A plain object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ------------------------------------------------------------------------------ errors

/**
 * A 400 `InvalidInput` whose message names the field at fault: Cinder's text when it does, else
 * prefixed as Cinder's `ValidationError` words it ("Invalid input for field/attribute <field>.").
 */
export function badField(field: string, reason: string, code = 'block.input.invalid'): CinderError {
  return invalidInput(field, reason.includes(field) ? reason : `Invalid input for field/attribute ${field}. ${reason}`, code);
}

// ------------------------------------------------------------------------------ objects and keys

/** An object body (a request's `volume`, `snapshot`, …, or a list's query): anything else is a 400 naming it. */
export function bodyArg(value: unknown, field: string): Record<string, unknown> {
  if (!isObject(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. expected an object, got ${describeValue(value)}`, 'block.input.invalid_body');
  return value;
}

/** The schema's `'type': 'object'` as jsonschema words it ("… is not of type 'object'"). */
export function objectArg(value: unknown, field: string): Record<string, unknown> {
  if (!isObject(value)) throw badField(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is not of type 'object'`, 'block.input.invalid_body');
  return value;
}

/** The keys of `body` outside `known`, in order. */
export function unknownKeys(body: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(body).filter((k) => !known.includes(k));
}

/**
 * The schema's `additionalProperties: False`: the first key outside `known` is refused with the
 * caller's error (`refuse(key, allUnknown)`).
 */
export function onlyKeys(body: Record<string, unknown>, known: readonly string[], refuse: (key: string, extra: readonly string[]) => CinderError): void {
  const extra = unknownKeys(body, known);
  if (extra.length > 0) throw refuse(extra[0] as string, extra);
}

// ------------------------------------------------------------------------------ booleans

/** `strutils.TRUE_STRINGS` with their spellings (`parameter_types.boolean`). */
export const BOOL_TRUE: readonly string[] = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't'];
/** `strutils.FALSE_STRINGS` with their spellings. */
export const BOOL_FALSE: readonly string[] = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f'];

/**
 * `parameter_types.boolean` read with `bool_from_string(strict=True)`: a boolean or one of its
 * exact spellings; undefined for anything else (the caller refuses it in its own words).
 */
export function strictBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && BOOL_TRUE.includes(value)) return true;
  if (typeof value === 'string' && BOOL_FALSE.includes(value)) return false;
  return undefined;
}

/** `strutils.is_valid_boolstr` on a lower-cased text: true, false, or undefined when it is neither. */
export function boolText(text: string | null): boolean | undefined {
  if (text !== null && ['1', 't', 'true', 'on', 'y', 'yes'].includes(text)) return true;
  if (text !== null && ['0', 'f', 'false', 'off', 'n', 'no'].includes(text)) return false;
  return undefined;
}

/** A query flag read loosely (`all_tenants`, `bootable`): true, 1 or a true word (any case); anything else is false. */
export const truthy = (v: unknown): boolean => v === true || v === 1 || (typeof v === 'string' && ['1', 'true', 't', 'yes', 'y', 'on'].includes(v.toLowerCase()));

// ------------------------------------------------------------------------------ text, UUIDs, metadata

/** A `name` / `description`: null or a string of at most 255 characters. */
export function textArg(value: unknown, field: string, max = 255): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected a string of at most ${max} characters`, 'block.input.invalid_text');
  return value;
}

/** jsonschema's `format: uuid` as the create schemas check it: 8-4-4-4-12 hex digits, or 32. */
export const UUID_RE = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;

/** oslo.utils `uuidutils.is_uuid_like` (`urn:`, `uuid:`, braces and hyphens anywhere allowed). */
export function isUuidLike(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 255) return false;
  const hex = value.replace(/urn:/g, '').replace(/uuid:/g, '').replace(/^[{}]+|[{}]+$/g, '').replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex);
}

/**
 * `parameter_types.extra_specs` / `metadata_allows_null` keys: `^[a-zA-Z0-9-_:. /]{1,255}$`
 * (`cinder/api/validation/parameter_types.py:150`), matched as jsonschema does with Python's
 * `re.search`, whose `$` also matches before one final newline.
 */
export const METADATA_KEY = /^[A-Za-z0-9\-_:. /]{1,255}\n?$/;

/**
 * An object of string keys (1–255) to strings (≤ 255): `parameter_types.metadata_allows_null` (null
 * is `{}`). With `keys` (a create's or an update's body) the keys must also match
 * {@link METADATA_KEY}, as the schema's `patternProperties` with `additionalProperties: False`
 * requires; a list's `metadata` filter takes any key.
 */
export function metadataArg(value: unknown, field = 'metadata', keys: RegExp | null = null): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidInput(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected an object of strings`, 'block.input.invalid_metadata');
  const out: Record<string, string> = {};
  const names = Object.keys(value);
  if (names.length > 1024) throw invalidInput(field, `at most 1024 metadata items, got ${names.length}`, 'block.input.invalid_metadata');
  for (const k of names) {
    const v = (value as Record<string, unknown>)[k];
    const shown = k.slice(0, 64);
    if (k.length === 0 || k.length > 255) throw invalidInput(`${field}.${shown}`, `Invalid input for field/attribute ${field}.${shown}. metadata keys have 1 to 255 characters`, 'block.input.invalid_metadata');
    if (keys !== null && !keys.test(k)) throw invalidInput(`${field}.${shown}`, `Invalid input for field/attribute ${field}.${shown}. Additional properties are not allowed ('${shown}' was unexpected): keys match ${keys.source}`, 'block.input.invalid_metadata');
    if (typeof v !== 'string' || v.length > 255) throw invalidInput(`${field}.${shown}`, `Invalid input for field/attribute ${field}.${shown}. Value: ${describeValue(v)}. metadata values are strings of at most 255 characters`, 'block.input.invalid_metadata');
    put(out, k, v);
  }
  return out;
}

// ------------------------------------------------------------------------------ lookups

/** A volume type's name for the quota's per-type resources (`gigabytes_<name>`), its id if it is gone. */
export function typeName(s: CloudState, typeId: string): string {
  return getRow(s.block.volume_types, typeId)?.name ?? typeId;
}
