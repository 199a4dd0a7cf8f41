/**
 * Argument checks shared by the Compute API's operations, with the messages nova's JSON-schema
 * validator gives (`nova/api/validation/validators.py`: "Invalid input for field/attribute
 * <field>. Value: <value>. <reason>", and "Invalid input for query parameters <name>. …" for a
 * query), each a 400 naming the field: bodies and queries (`additionalProperties`, `required`,
 * `limit`), nova's `parameter_types` (`name`, `description`, `boolean`, `metadata`, `tag`, uuids),
 * Python's `str` arithmetic those checks rely on (`len`, `strip`, `str()` of a number), path
 * segments, `identity.verify_project_id` (`nova/api/openstack/identity.py`), and the random
 * strings nova draws (`utils.generate_password`) from the cloud's seeded generator.
 */
import { peek, type CloudState, type Tx } from '../core/index.js';
import { getProject } from '../identity/index.js';
import type { Ctx } from './context.js';
import { badRequest } from './errors.js';


// ------------------------------------------------------------------------------ messages

/** A short description of a value for a message (never the whole of a huge one). */
export function describeValue(value: unknown): string {
  if (value === null) return 'None';
  if (value === undefined) return 'None';
  if (typeof value === 'string') return value.length > 40 ? `'${value.slice(0, 40)}…'` : `'${value}'`;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** nova's schema error: "Invalid input for field/attribute <field>. Value: <value>. <reason>". */
export function fieldError(field: string, value: unknown, reason: string): Error {
  return badRequest(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${reason}`);
}

/** A query parameter's schema error: "Invalid input for query parameters <name>. Value: <v>. <reason>". */
export function queryError(field: string, value: unknown, reason: string): Error {
  return badRequest(field, `Invalid input for query parameters ${field}. Value: ${describeValue(value)}. ${reason}`);
}

// ------------------------------------------------------------------------------ bodies and queries

/** A request body or query: a plain object, else nova's schema 400 naming `field`. */
export function objectArg(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fieldError(field, value, `${describeValue(value)} is not of type 'object'`);
  return value as Record<string, unknown>;
}

/** `additionalProperties: False`: "Additional properties are not allowed ('x' was unexpected)". */
export function onlyKeys(o: Record<string, unknown>, known: readonly string[], field: string): void {
  const extras = Object.keys(o).filter((k) => !known.includes(k));
  if (extras.length === 0) return;
  const listed = extras.map((k) => `'${k.length > 40 ? `${k.slice(0, 40)}…` : k}'`).join(', ');
  throw badRequest(extras[0]!, `Invalid input for field/attribute ${field}. Value: ${describeValue(o)}. Additional properties are not allowed (${listed} ${extras.length === 1 ? 'was' : 'were'} unexpected)`);
}

/** `required`: "'name' is a required property" (400 naming the missing field). */
export function requireKeys(o: Record<string, unknown>, required: readonly string[], field: string): void {
  for (const k of required) if (!Object.hasOwn(o, k)) throw badRequest(k, `Invalid input for field/attribute ${field}. Value: ${describeValue(o)}. '${k}' is a required property`);
}

/** A query object (absent: none); names outside `known` are refused, as nova's schemas do since 2.75. */
export function queryArg(value: unknown, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  const q = objectArg(value, 'query');
  const extras = Object.keys(q).filter((k) => !known.includes(k));
  if (extras.length > 0) throw badRequest(extras[0]!, `Additional properties are not allowed (${extras.map((k) => `'${k.slice(0, 40)}'`).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`);
  return q;
}

/** A string query parameter (`multi_params({'type': 'string'})`; absent: undefined). */
export function queryString(q: Record<string, unknown>, name: string, max = 65_535): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw queryError(name, v, `${describeValue(v)} is not of type 'string'`);
  if (v.length > max) throw queryError(name, v, `${describeValue(v)} is too long`);
  return v;
}

/**
 * A limit (`parameter_types.non_negative_integer`, then `utils.validate_integer(min_value=0)`),
 * capped at `[api] max_limit` (`common.get_limit_and_marker`); absent: `max_limit`.
 */
export function limitParam(q: Record<string, unknown>, maxLimit: number): number {
  const v = q.limit;
  if (v === undefined) return maxLimit;
  let n: number;
  if (typeof v === 'number' && Number.isInteger(v)) {
    if (v < 0) throw queryError('limit', v, `${v} is less than the minimum of 0`);
    n = v;
  } else if (typeof v === 'string') {
    if (v.length === 0) throw queryError('limit', v, `'' is too short`);
    if (!/^[0-9]*\n?$/.test(v)) throw queryError('limit', v, `${describeValue(v)} does not match '^[0-9]*$'`);
    n = Number(v.trim());
  } else throw queryError('limit', v, `${describeValue(v)} is not of type 'integer', 'string'`);
  return Math.min(maxLimit, n);
}

// ------------------------------------------------------------------------------ Python's str

/** `len()` of a Python str: code points. */
export function pyLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Python's `str.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/gu, '');
}

/**
 * Python's `str()` of a JSON number: integers as digits, other floats as `repr` does (`1.5`,
 * `1e+16`). Not finite: null (stacksim refuses NaN and infinities, which JSON cannot carry).
 */
export function pyNumberText(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  if (Number.isSafeInteger(n)) return String(n);
  const [mantissa, e] = n.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const fixed = String(n);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

// ------------------------------------------------------------------------------ parameter types

/** A string of `min`..`max` characters. */
export function optionalText(value: unknown, field: string, max: number, min = 0): string {
  if (typeof value !== 'string') throw fieldError(field, value, `${describeValue(value)} is not of type 'string'`);
  if (value.length < min) throw fieldError(field, value, `${describeValue(value)} is too short`);
  if (value.length > max) throw fieldError(field, value, `${describeValue(value)} is too long`);
  return value;
}

// Python's `re` `$` also matches before one final newline: nova's patterns let it through.
const PRINTABLE = '\\p{C}\\p{Zl}\\p{Zp}\\u{FFFF}-\\u{10FFFF}';
/** `valid_name_regex`: printable characters (the BMP's, as nova builds its ranges), no leading or trailing whitespace. */
const VALID_NAME = new RegExp(`^(?:[^${PRINTABLE}\\p{Zs}](?:[^${PRINTABLE}]*[^${PRINTABLE}\\p{Zs}])?\\n?)?$`, 'u');
/** `valid_description_regex`: printable characters, spaces included. */
const VALID_DESCRIPTION = new RegExp(`^[^${PRINTABLE}]*\\n?$`, 'u');

/**
 * `parameter_types.name` (1 to 255 characters, format `name`): nova's `InvalidName` "An invalid
 * 'name' value was provided. The name must be: printable characters. Can not start or end with
 * whitespace." for a name the format refuses.
 */
export function schemaName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw fieldError(field, value, `${describeValue(value)} is not of type 'string'`);
  const n = pyLength(value);
  if (n < 1) throw fieldError(field, value, `${describeValue(value)} is too short`);
  if (n > 255) throw fieldError(field, value, `${describeValue(value)} is too long`);
  if (!VALID_NAME.test(value)) throw badRequest(field, `An invalid '${field}' value was provided. The name must be: printable characters. Can not start or end with whitespace.`, 'compute.input.invalid_name');
  return value;
}

/** A description (`['string', 'null']`, at most `max` printable characters). */
export function schemaDescription(value: unknown, field: string, max: number): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw fieldError(field, value, `${describeValue(value)} is not of type 'string', 'null'`);
  if (pyLength(value) > max) throw fieldError(field, value, `${describeValue(value)} is too long`);
  if (!VALID_DESCRIPTION.test(value)) throw fieldError(field, value, `${describeValue(value)} does not match '^[<printable characters>]*$'`);
  return value;
}

/** `parameter_types.boolean`'s enum. */
const BOOLEAN_ENUM: Readonly<Record<string, boolean>> = Object.freeze({
  True: true, TRUE: true, true: true, '1': true, ON: true, On: true, on: true, YES: true, Yes: true, yes: true,
  False: false, FALSE: false, false: false, '0': false, OFF: false, Off: false, off: false, NO: false, No: false, no: false,
});

/**
 * `parameter_types.boolean` (`{'type': ['boolean', 'string'], 'enum': […]}`): true / false, or one of
 * its twenty spellings (`'True'`, `'on'`, `'No'`, …), as `strutils.bool_from_string(strict=True)`
 * reads them. jsonschema checks the type before the enum, so a value of another type is "not of
 * type 'boolean', 'string'". `error` words the 400 (a query parameter's: {@link queryError}).
 */
export function schemaBoolean(value: unknown, field: string, error: (field: string, value: unknown, reason: string) => Error = fieldError): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') throw error(field, value, `${describeValue(value)} is not of type 'boolean', 'string'`);
  if (!Object.hasOwn(BOOLEAN_ENUM, value)) throw error(field, value, `${describeValue(value)} is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']`);
  return BOOLEAN_ENUM[value]!;
}

/** Nova's optional booleans (`parameter_types.boolean`: true / false and their string spellings). */
export function booleanArg(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'yes', '1', 'on', 't', 'y'].includes(value.toLowerCase())) return true;
  if (typeof value === 'string' && ['false', 'no', '0', 'off', 'f', 'n'].includes(value.toLowerCase())) return false;
  throw fieldError(field, value, `${describeValue(value)} is not of type 'boolean'`);
}

/** `oslo_utils.uuidutils.is_uuid_like`, the schema's `format: uuid`. */
export function isUuidLike(value: string): boolean {
  const t = value.toLowerCase().replace(/^urn:/, '').replace(/^uuid:/, '').replace(/^\{/, '').replace(/\}$/, '').replace(/-/g, '');
  return /^[0-9a-f]{32}$/.test(t) && value.length <= 45;
}

/** A `format: uuid` string (`parameter_types.volume_id`, `server_id`, `attachment_id`, `network_id`, `port_id`). */
export function uuidArg(value: unknown, field: string): string {
  if (typeof value !== 'string') throw fieldError(field, value, `${describeValue(value)} is not of type 'string'`);
  if (!isUuidLike(value)) throw fieldError(field, value, `${describeValue(value)} is not a 'uuid'`);
  return value;
}

/** `parameter_types.metadata`'s key pattern. */
const METADATA_KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;

/** `metadata`: keys of 1..255 characters, string values of at most 255 (`parameter_types.metadata`). */
export function metadataArg(value: unknown, field: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fieldError(field, value, `${describeValue(value)} is not of type 'object'`);
  const out: Record<string, string> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 10_000) throw fieldError(field, value, 'too many metadata items');
  for (const [k, v] of entries) {
    if (!METADATA_KEY.test(k)) throw fieldError(field, k, `'${k.slice(0, 40)}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (typeof v !== 'string') throw fieldError(`${field}.${k}`, v, `${describeValue(v)} is not of type 'string'`);
    if (v.length > 255) throw fieldError(`${field}.${k}`, v, `${describeValue(v)} is too long`);
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A server tag (`parameter_types.tag`: 1..60 characters, no `/` or `,`). */
export function tagArg(value: unknown, field: string): string {
  const t = optionalText(value, field, 60, 1);
  if (t.includes('/') || t.includes(',')) throw fieldError(field, t, `'${t}' does not match '^[^,/]*$'`);
  return t;
}

/** The most tags a server may have (`instance.MAX_TAG_COUNT`). */
export const MAX_TAG_COUNT = 50;

/** A list of tags (at most 50, no duplicates kept). */
export function tagsArg(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw fieldError(field, value, `${describeValue(value)} is not of type 'array'`);
  if (value.length > MAX_TAG_COUNT) throw fieldError(field, value, `${describeValue(value)} is too long`);
  return [...new Set(value.map((t: unknown, i) => tagArg(t, `${field}[${i}]`)))];
}

// ------------------------------------------------------------------------------ paths and projects

/**
 * A path segment naming a resource (any string of 1..255 characters; the lookup decides):
 * "… is not a valid <what>" otherwise (`what`: the field's name unless given).
 */
export function pathArg(value: unknown, field: string, what: string = field): string {
  if (typeof value !== 'string') throw fieldError(field, value, `${describeValue(value)} is not of type 'string'`);
  if (value.length === 0 || value.length > 255) throw fieldError(field, value, `${describeValue(value)} is not a valid ${what}`);
  return value;
}

/**
 * `identity.verify_project_id`: nova asks Keystone for the project with the caller's token. A
 * project that exists passes; one that does not is 400 "Project ID x is not a valid project."
 * when Keystone would answer the caller 404 (an admin), and passes when Keystone would answer 403
 * (anyone else may not read other projects, so nova lets it through).
 */
export function verifyProjectId(ctx: Ctx, projectId: string, field = 'tenant'): void {
  try {
    getProject(ctx.s, { id: projectId });
    return;
  } catch (e) {
    // not there (404), or not even the shape of a Keystone id (400): Keystone would answer 404
    const status = (e as { status?: unknown }).status;
    if (status !== 404 && status !== 400) throw e;
  }
  if (ctx.isAdmin) throw badRequest(field, `Project ID ${projectId} is not a valid project.`, 'compute.project.invalid');
}

// ------------------------------------------------------------------------------ random strings

/** A string of `length` characters from `alphabet`, drawn from the cloud's seeded generator. */
export function randomString(tx: Pick<Tx, 'random'>, length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[tx.random.int(alphabet.length)];
  return out;
}

/** The alphabet of `utils.generate_password` (nova's default symbol groups, without look-alikes). */
export const PASSWORD_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** nova's `utils.generate_password` from the cloud's seeded generator (`[DEFAULT] password_length`). */
export function generatePassword(tx: Tx): string {
  return randomString(tx, peek(tx.draft as CloudState, 'compute', 'config').password_length, PASSWORD_ALPHABET);
}

/**
 * `parameter_types.fqdn` (a host name in `migrate` 2.56, `os-migrateLive`, `evacuate`,
 * `unshelve` 2.91): null or absent is null; else a string of 1–255 characters of
 * `^[a-zA-Z0-9-._]*$`, or nova's schema 400 naming `field`.
 */
export function hostArg(value: unknown, field = 'host'): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw fieldError(field, value, `${describeValue(value)} is not of type 'string', 'null'`);
  if (value.length < 1) throw fieldError(field, value, "'' is too short");
  if (value.length > 255) throw fieldError(field, value, `${describeValue(value)} is too long`);
  if (!/^[a-zA-Z0-9-._]*$/.test(value)) throw fieldError(field, value, `${describeValue(value)} does not match '^[a-zA-Z0-9-._]*$'`);
  return value;
}

/** A migration id of a URL (`/servers/{id}/migrations/{migration_id}`): a number or a numeric string (another string names no migration: `id` null). */
export function migrationIdArg(value: unknown): { readonly id: number | null; readonly text: string } {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw fieldError('migration_id', value, `${describeValue(value)} is not a valid migration id`);
    return { id: value, text: String(value) };
  }
  if (typeof value !== 'string') throw fieldError('migration_id', value, `${describeValue(value)} is not of type 'string', 'integer'`);
  if (value.length === 0 || value.length > 255) throw fieldError('migration_id', value, `${describeValue(value)} is not a valid migration id`);
  return { id: /^[0-9]{1,15}$/.test(value) ? Number(value) : null, text: value };
}
