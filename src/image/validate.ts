/**
 * Request deserialisation of Glance v2 (`glance/api/v2/images.py` `RequestDeserializer` and the
 * `image` JSON schema of `get_base_properties`, with `allow_additional_image_properties`: extra
 * properties are strings). Shape errors are 400 naming the field; read-only and reserved
 * attributes are 403, as Glance answers them. Runs before any state is touched.
 */
import { InvalidInput, describeValue } from '../core/index.js';
import { ImageForbidden } from './errors.js';
import { CONTAINER_FORMATS, DISK_FORMATS, VISIBILITIES } from './types.js';

/** Attributes that are refused in a create body (`_disallowed_properties`). */
const DISALLOWED = ['direct_url', 'self', 'file', 'schema', 'stores'];
/** `RequestDeserializer._readonly_properties` (PATCH). */
export const READONLY = ['created_at', 'updated_at', 'status', 'checksum', 'size', 'virtual_size', 'direct_url', 'self', 'file', 'schema', 'id', 'os_hash_algo', 'os_hash_value'];
/** `RequestDeserializer._reserved_properties`. */
const RESERVED = ['location', 'deleted', 'deleted_at'];
/** `ImageFactory._readonly_properties` (create). */
const FACTORY_READONLY = ['created_at', 'updated_at', 'status', 'checksum', 'os_hash_algo', 'os_hash_value', 'size', 'virtual_size'];
/** `ImageFactory._reserved_properties` (extra properties of a create). */
const FACTORY_RESERVED = ['owner', 'locations', 'deleted', 'deleted_at', 'direct_url', 'self', 'file', 'schema'];
/** `RequestDeserializer._base_properties`: popped from a create body into image attributes. */
const BASE = ['checksum', 'created_at', 'container_format', 'disk_format', 'id', 'min_disk', 'min_ram', 'name', 'size', 'virtual_size', 'status', 'tags', 'owner', 'updated_at', 'visibility', 'protected', 'os_hidden'];
/** `common.GLANCE_RESERVED_NS`. */
export const RESERVED_NS = 'os_glance';
/** Image attributes a PATCH sets directly (the domain `Image`'s settable attributes). */
export const SETTABLE = ['name', 'visibility', 'protected', 'os_hidden', 'min_disk', 'min_ram', 'owner', 'disk_format', 'container_format', 'tags'] as const;
/** The largest value of a MySQL INT column (`validate_mysql_int`). */
export const MYSQL_INT_MAX = 2 ** 31 - 1;

/**
 * The most bytes a free-form property value holds: `image_properties.value` is a `Text` column
 * (`glance/db/sqlalchemy/models.py`), 65 535 bytes in MySQL. The schema sets no `maxLength`;
 * Glance on MySQL fails such a write with a database error, stacksim answers 400.
 */
export const PROPERTY_VALUE_MAX = 65_535;

/** UTF-8 length of `s`, counted only until it passes `cap` (a huge string costs nothing more). */
function utf8Length(s: string, cap: number): number {
  if (s.length > cap) return s.length; // at least one byte per UTF-16 unit
  let n = 0;
  for (let i = 0; i < s.length && n <= cap; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      n += 4; // a surrogate pair: one code point beyond the BMP
      i++;
    } else {
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3; // a lone surrogate is written as U+FFFD, 3 bytes
    }
  }
  return n;
}

const UUID = /^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$/;

function str(v: unknown, f: string, max: number, nullable: boolean): void {
  if (v === null && nullable) return;
  if (typeof v !== 'string') throw new InvalidInput(f, `expected ${nullable ? 'null or ' : ''}a string, got ${describeValue(v)}.`);
  if (v.length > max) throw new InvalidInput(f, `must be at most ${max} characters, got ${v.length}.`);
}

function int(v: unknown, f: string, nullable: boolean): void {
  if (v === null && nullable) return;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new InvalidInput(f, `expected ${nullable ? 'null or ' : ''}an integer, got ${describeValue(v)}.`);
}

function enumOf(v: unknown, f: string, allowed: readonly string[], nullable: boolean): void {
  if (v === null && nullable) return;
  if (typeof v !== 'string' || !allowed.includes(v)) throw new InvalidInput(f, `expected ${nullable ? 'null or ' : ''}one of ${allowed.join(', ')}, got ${describeValue(v)}.`);
}

/** The `image` schema for one property (base ones typed; any other must be a string). */
export function checkProperty(key: string, v: unknown, f: string): void {
  switch (key) {
    case 'id':
      if (typeof v !== 'string' || !UUID.test(v)) throw new InvalidInput(f, `expected a UUID like 8c1ce4a6-3f4e-4e0b-9a53-7a3b5a0c2f11, got ${describeValue(v)}.`);
      return;
    case 'name': case 'owner':
      return str(v, f, 255, true);
    case 'checksum':
      return str(v, f, 32, true);
    case 'os_hash_algo':
      return str(v, f, 64, true);
    case 'os_hash_value':
      return str(v, f, 128, true);
    case 'status':
      return enumOf(v, f, ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing', 'pending_delete', 'deactivated'], false);
    case 'visibility':
      return enumOf(v, f, VISIBILITIES, false);
    case 'protected': case 'os_hidden':
      if (typeof v !== 'boolean') throw new InvalidInput(f, `expected true or false, got ${describeValue(v)}.`);
      return;
    case 'size': case 'virtual_size':
      return int(v, f, true);
    case 'min_ram': case 'min_disk':
      return int(v, f, false);
    case 'container_format':
      return enumOf(v, f, CONTAINER_FORMATS, true);
    case 'disk_format':
      return enumOf(v, f, DISK_FORMATS, true);
    case 'tags':
      if (!Array.isArray(v)) throw new InvalidInput(f, `expected an array of strings, got ${describeValue(v)}.`);
      for (let i = 0; i < v.length; i++) str(v[i], `${f}[${i}]`, 255, false);
      return;
    case 'created_at': case 'updated_at': case 'direct_url': case 'self': case 'file': case 'stores': case 'schema':
      return str(v, f, Number.MAX_SAFE_INTEGER, false);
    case 'locations':
      if (!Array.isArray(v)) throw new InvalidInput(f, `expected an array of locations, got ${describeValue(v)}.`);
      return;
    default:
      str(v, f, Number.MAX_SAFE_INTEGER, false);
      if (utf8Length(v as string, PROPERTY_VALUE_MAX) > PROPERTY_VALUE_MAX) throw new InvalidInput(f, `a property value holds at most ${PROPERTY_VALUE_MAX} bytes of UTF-8 (the \`image_properties.value\` TEXT column), got ${(v as string).length} characters.`);
      return;
  }
}

/** What a create body becomes: image attributes, free-form properties, tags. */
export interface CreateBody {
  readonly image: Readonly<Record<string, unknown>>;
  readonly properties: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
}

/** `RequestDeserializer.create` and `ImageFactory.new_image`'s checks. */
export function checkCreateBody(input: unknown): CreateBody {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidInput('image', `expected an object, got ${describeValue(input)}.`);
  const body = { ...(input as Record<string, unknown>) };
  for (const key of DISALLOWED) if (Object.hasOwn(body, key)) throw new ImageForbidden('image.attribute.read_only', `Attribute '${key}' is read-only.`, { field: `image.${key}` });
  for (const [k, v] of Object.entries(body)) checkProperty(k, v, `image.${k}`);
  const tags = (body.tags ?? []) as string[];
  delete body.tags;
  const image: Record<string, unknown> = {};
  for (const key of BASE) {
    if (Object.hasOwn(body, key) && key !== 'tags') {
      image[key] = body[key];
      delete body[key];
    }
  }
  for (const key of Object.keys(body)) {
    if (key.length > 255) throw new InvalidInput(`image.${key.slice(0, 40)}…`, 'Custom property should not be greater than 255 characters.');
    if (RESERVED.includes(key) || key.startsWith(RESERVED_NS)) throw new ImageForbidden('image.attribute.reserved', `Attribute '${key}' is reserved.`, { field: `image.${key}` });
  }
  // os_hash_algo / os_hash_value are not base properties of a create body: Glance would keep them as a
  // free-form property its own attribute then hides; stacksim refuses them as the schema marks them read-only
  for (const key of ['os_hash_algo', 'os_hash_value']) if (Object.hasOwn(body, key)) throw new ImageForbidden('image.attribute.read_only', `Attribute '${key}' is read-only.`, { field: `image.${key}` });
  for (const key of FACTORY_READONLY) if (Object.hasOwn(image, key)) throw new ImageForbidden('image.attribute.read_only', `Attribute '${key}' is read-only.`, { field: `image.${key}` });
  for (const key of FACTORY_RESERVED) if (Object.hasOwn(body, key)) throw new ImageForbidden('image.attribute.reserved', `Attribute '${key}' is reserved.`, { field: `image.${key}` });
  for (const key of ['min_disk', 'min_ram']) {
    const v = image[key] as number | undefined;
    if (v !== undefined && v < 0) throw new InvalidInput(`image.${key}`, `Invalid value '${v}' for parameter '${key}': Cannot be a negative value.`);
    if (v !== undefined && v > MYSQL_INT_MAX) throw new InvalidInput(`image.${key}`, `'${v}' value out of range, must not exceed ${MYSQL_INT_MAX}.`);
  }
  return { image, properties: body as Record<string, string>, tags: [...new Set(tags)].sort() };
}

/** One decoded JSON-patch operation. */
export interface Change {
  readonly op: 'add' | 'remove' | 'replace';
  /** Decoded pointer parts (`/tags` → `['tags']`; locations take two). */
  readonly path: readonly string[];
  readonly value?: unknown;
}

/** An own member of a JSON object, or undefined (inherited names such as `toString` are no members). */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** `_validate_json_pointer` + `_decode_json_pointer`. */
function decodePointer(pointer: string, f: string): string[] {
  const bad = (why: string) => new InvalidInput(f, `Pointer \`${pointer}\` ${why}.`);
  if (!pointer.startsWith('/')) throw bad('does not start with "/"');
  if (/\/\s*?\//.test(pointer.slice(1))) throw bad('contains adjacent "/"');
  if (pointer.length > 1 && pointer.endsWith('/')) throw bad('end with "/"');
  if (pointer.slice(1).trim() === '/') throw bad('does not contains valid token');
  if (/~[^01]/.test(pointer) || pointer.endsWith('~')) throw bad('contains "~" not part of a recognized escape sequence');
  return pointer.replace(/^\/+/, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~').trim());
}

/**
 * `RequestDeserializer.update` for `application/openstack-images-v2.1-json-patch` (JSON Schema
 * draft 10 operations: `{op, path, value}`).
 */
export function checkPatch(input: unknown): Change[] {
  if (!Array.isArray(input)) throw new InvalidInput('changes', `Request body must be a JSON array of operation objects, got ${describeValue(input)}.`);
  const out: Change[] = [];
  for (let i = 0; i < input.length; i++) {
    const f = `changes[${i}]`;
    const raw = input[i] as unknown;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidInput(f, 'Operations must be JSON objects.');
    // an operation is a JSON object: only its own members count (never `op` or `value` from a prototype)
    const r = raw as Record<string, unknown>;
    const op = own(r, 'op');
    const pointer = own(r, 'path');
    if (op === undefined) throw new InvalidInput(`${f}.op`, 'Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace.');
    if (op !== 'add' && op !== 'remove' && op !== 'replace') throw new InvalidInput(`${f}.op`, `Invalid operation: ${describeValue(op)}. It must be one of the following: add, remove, replace.`);
    if (pointer === undefined) throw new InvalidInput(`${f}.path`, "Unable to find 'path' in JSON Schema change");
    if (typeof pointer !== 'string') throw new InvalidInput(`${f}.path`, `expected a JSON pointer string, got ${describeValue(pointer)}.`);
    const path = decodePointer(pointer, `${f}.path`);
    const root = path[0] as string;
    const depth = root === 'locations' ? (op === 'replace' ? 1 : 2) : 1;
    if (path.length !== depth) throw new InvalidInput(`${f}.path`, `Invalid JSON pointer for this resource: '/${path.join('/')}'`);
    const value = own(r, 'value');
    if (op !== 'remove' && !Object.hasOwn(r, 'value')) throw new InvalidInput(`${f}.value`, `Operation "${op}" requires a member named "value".`);
    if (READONLY.includes(root)) throw new ImageForbidden('image.attribute.read_only', `Attribute '${root}' is read-only.`, { field: `${f}.path` });
    if (RESERVED.includes(root) || root.startsWith(RESERVED_NS)) throw new ImageForbidden('image.attribute.reserved', `Attribute '${root}' is reserved.`, { field: `${f}.path` });
    if (root.length > 255) throw new InvalidInput(`${f}.path`, 'Custom property should not be greater than 255 characters.');
    if (op !== 'remove') {
      if (path.length === 1) checkProperty(root, value, `${f}.value`);
      else if (root === 'locations' && (typeof value !== 'object' || value === null)) throw new InvalidInput(`${f}.value`, `expected a location object, got ${describeValue(value)}.`);
    }
    out.push(op === 'remove' ? { op, path } : { op, path, value });
  }
  return out;
}
