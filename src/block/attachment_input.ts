/**
 * The attachments API's microversions and request bodies (`cinder/api/v3/attachments.py` `AttachmentsController`,
 * `cinder/api/schemas/attachments.py` `create` / `create_v354` / `update`,
 * `cinder/api/microversions.py`): the body checks in jsonschema's order with Cinder's
 * `ValidationError` texts, the connector copied as the plain JSON Cinder stores
 * (`jsonutils.dumps(connector)`).
 *
 * Not simulated: connectors past stacksim's bounds ({@link https://docs.openstack.org/os-brick/ os-brick}
 * sends a few dozen values; more than 512 values, 8 levels or 4096-character strings are a 400).
 */
import { describeValue } from '../core/index.js';
import { CinderError, invalidInput } from './errors.js';
import { isObject, isUuidLike, put } from './input.js';

// ------------------------------------------------------------------------------ microversions

/** `cinder/api/microversions.py`: the versions this API's behaviour turns on. */
export const ATTACHMENT_MICROVERSIONS = {
  /** `NEW_ATTACH`: the attachments API. */
  NEW_ATTACH: '3.27',
  /** `RESOURCE_FILTER`: unknown list filters are refused (non-admins) instead of dropped. */
  RESOURCE_FILTER: '3.33',
  /** `NEW_ATTACH_COMPLETION`: `os-complete`. */
  NEW_ATTACH_COMPLETION: '3.44',
  /** `ATTACHMENT_CREATE_MODE_ARG`: `mode` in the create body. */
  ATTACHMENT_CREATE_MODE_ARG: '3.54',
} as const;

const MAX_MINOR = 70;

/** How a call was made: the negotiated microversion (`OpenStack-API-Version: volume 3.x`; default 3.70). */
export interface AttachmentCallOptions {
  readonly microversion?: string;
}

export function minorOf(options: unknown): number {
  if (options === undefined) return MAX_MINOR;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidInput('options', `options must be an object such as { microversion: '3.44' }, got ${describeValue(options)}`, 'block.input.invalid_options');
  for (const k of Object.keys(options)) if (k !== 'microversion') throw invalidInput(`options.${k}`, `options.${k} is not an option (known: microversion)`, 'block.input.invalid_options');
  const v = (options as { microversion?: unknown }).microversion;
  if (v === undefined || v === 'latest') return MAX_MINOR;
  const m = typeof v === 'string' ? /^3\.(0|[1-9][0-9]{0,3})$/.exec(v) : null;
  if (m === null) throw invalidInput('microversion', `expected a Block Storage microversion '3.<n>' or 'latest', got ${describeValue(v)}`, 'block.input.invalid_microversion');
  const minor = Number(m[1]);
  if (minor > MAX_MINOR) throw new CinderError(406, 'block.api.version_not_supported', 'InvalidGlobalAPIVersion', `Version ${v} is not supported by the API. Minimum is 3.0 and maximum is 3.${MAX_MINOR}.`, { field: 'microversion' });
  return minor;
}

export const minorOfLiteral = (v: string): number => Number(v.split('.')[1]);

/** `wsgi.Controller.api_version`: a method older than the request's version is a bare 404. */
export function requireVersion(minor: number, since: string): void {
  if (minor < minorOfLiteral(since)) throw new CinderError(404, 'block.api.version_not_found', 'VersionNotFoundForAPIMethod', 'The resource could not be found.', { microversion: `3.${minor}`, since });
}

// ------------------------------------------------------------------------------ request bodies

/** A host connector (`os-brick`'s `get_connector_properties`), as Nova sends it. Any further key is kept. */
export interface AttachmentConnector {
  readonly initiator?: string;
  readonly ip?: string;
  readonly platform?: string;
  /** The compute host: becomes the attachment's `attached_host` (required by update). */
  readonly host?: string;
  readonly os_type?: string;
  readonly multipath?: boolean;
  /** The guest device (`/dev/vdb`): the attachment's `mountpoint` (`na` when absent). */
  readonly mountpoint?: string;
  /** `rw` (default) or `ro`; create's `mode` wins over it. */
  readonly mode?: string | null;
  readonly [key: string]: unknown;
}

/** `POST /v3/{project_id}/attachments`: the `attachment` object. */
export interface AttachmentCreateRequest {
  readonly volume_uuid: string;
  /** The server (Nova's instance uuid); optional. */
  readonly instance_uuid?: string;
  /** With a connector the attachment is also updated (connected) at once. */
  readonly connector?: AttachmentConnector | null;
  /** `rw` / `ro`, since 3.54. */
  readonly mode?: 'rw' | 'ro';
}

/** `PUT /v3/{project_id}/attachments/{id}`: the `attachment` object. */
export interface AttachmentUpdateRequest {
  readonly connector: AttachmentConnector;
}

/** `k` is an own property of `o` and not undefined (a JSON body's key as Python's `in` sees it). */
export const given = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k) && (o as Record<string, unknown>)[k] !== undefined;

/** Python's `str()` (`quote` false) or `repr()` of a JSON-like value, bounded, for Cinder's validation messages. */
function py(value: unknown, quote: boolean, depth = 0): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : '-inf';
  if (typeof value === 'string') {
    const s = value.length > 64 ? `${value.slice(0, 64)}...` : value;
    return quote ? `'${s}'` : s;
  }
  if (typeof value !== 'object') return typeof value;
  if (depth >= 2) return Array.isArray(value) ? '[...]' : '{...}';
  if (Array.isArray(value)) return `[${value.slice(0, 8).map((v) => py(v, true, depth + 1)).join(', ')}${value.length > 8 ? ', ...' : ''}]`;
  const keys = Object.keys(value);
  const items = keys.slice(0, 8).map((k) => `'${k.length > 64 ? `${k.slice(0, 64)}...` : k}': ${py((value as Record<string, unknown>)[k], true, depth + 1)}`);
  return `{${items.join(', ')}${keys.length > 8 ? ', ...' : ''}}`;
}

/** Cinder's `ValidationError` (400): "Invalid input for field/attribute <name>. Value: <str>. <jsonschema message>". */
function schemaError(name: string, value: unknown, message: string, field: string = name): CinderError {
  return new CinderError(400, 'block.attachment.invalid_body', 'ValidationError', `Invalid input for field/attribute ${name}. Value: ${py(value, false)}. ${message}`, { field });
}

function uuidProperty(value: unknown, name: string): string {
  if (typeof value !== 'string') throw schemaError(name, value, `${py(value, true)} is not of type 'string'`);
  if (!isUuidLike(value)) throw schemaError(name, value, `${py(value, true)} is not a 'uuid'`);
  return value;
}

function extraProperties(o: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw schemaError('attachment', o, `Additional properties are not allowed (${extra.map((k) => py(k, true)).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`, extra[0]);
}

const CONNECTOR_VALUES = 512;
const CONNECTOR_DEPTH = 8;
const CONNECTOR_STRING = 4096;

/** A connector as plain JSON (Cinder stores `jsonutils.dumps(connector)`): finite numbers, bounded size and depth. */
function jsonCopy(value: unknown, field: string, budget: { n: number }, depth: number): unknown {
  if (--budget.n < 0) throw invalidInput('connector', `the connector is too large (at most ${CONNECTOR_VALUES} values)`, 'block.attachment.invalid_connector');
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidInput(field, `${field} must be a finite number, got ${describeValue(value)}`, 'block.attachment.invalid_connector');
    return value;
  }
  if (typeof value === 'string') {
    if (value.length > CONNECTOR_STRING) throw invalidInput(field, `${field} is longer than ${CONNECTOR_STRING} characters`, 'block.attachment.invalid_connector');
    return value;
  }
  if (typeof value !== 'object') throw invalidInput(field, `${field} is not JSON: got ${describeValue(value)}`, 'block.attachment.invalid_connector');
  if (depth >= CONNECTOR_DEPTH) throw invalidInput('connector', `the connector nests deeper than ${CONNECTOR_DEPTH} levels (at ${field.slice(0, 120)})`, 'block.attachment.invalid_connector');
  if (Array.isArray(value)) return value.map((v, i) => jsonCopy(v, `${field}[${i}]`, budget, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    put(out, k, jsonCopy(v, `${field}.${k}`, budget, depth + 1));
  }
  return out;
}

export type Connector = Record<string, unknown>;

function connectorCopy(value: Record<string, unknown>): Connector {
  return jsonCopy(value, 'connector', { n: CONNECTOR_VALUES }, 0) as Connector;
}

/** Python truthiness of a JSON value (`if connector:`, `if multipath:`). */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

interface CreateBody {
  readonly volume_uuid: string;
  readonly instance_uuid: string | null;
  readonly connector: Connector | null;
  readonly mode: 'rw' | 'ro' | null;
}

/** `attachment.create` (3.27–3.53) / `create_v354` (3.54+), checked in jsonschema's order. */
export function createBody(input: unknown, minor: number): CreateBody {
  if (!isObject(input)) throw schemaError('attachment', input, `${py(input, true)} is not of type 'object'`);
  const withMode = minor >= minorOfLiteral(ATTACHMENT_MICROVERSIONS.ATTACHMENT_CREATE_MODE_ARG);
  const instance = given(input, 'instance_uuid') ? uuidProperty(input.instance_uuid, 'instance_uuid') : null;
  let connector: Connector | null = null;
  if (given(input, 'connector')) {
    const c = input.connector;
    if (c !== null && !isObject(c)) throw schemaError('connector', c, `${py(c, true)} is not of type 'object', 'null'`);
    connector = c === null ? null : connectorCopy(c);
  }
  const volume = given(input, 'volume_uuid') ? uuidProperty(input.volume_uuid, 'volume_uuid') : null;
  let mode: 'rw' | 'ro' | null = null;
  if (withMode && given(input, 'mode')) {
    const m = input.mode;
    if (typeof m !== 'string') throw schemaError('mode', m, `${py(m, true)} is not of type 'string'`);
    if (m !== 'rw' && m !== 'ro') throw schemaError('mode', m, `${py(m, true)} is not one of ['rw', 'ro']`);
    mode = m;
  }
  if (volume === null) throw schemaError('attachment', input, "'volume_uuid' is a required property", 'volume_uuid');
  extraProperties(input, withMode ? ['instance_uuid', 'connector', 'volume_uuid', 'mode'] : ['instance_uuid', 'connector', 'volume_uuid']);
  return { volume_uuid: volume, instance_uuid: instance, connector, mode };
}

/** `attachment.update`: `connector`, an object with at least one key, nothing else. */
export function updateBody(input: unknown): Connector {
  if (!isObject(input)) throw schemaError('attachment', input, `${py(input, true)} is not of type 'object'`);
  let connector: Connector | null = null;
  if (given(input, 'connector')) {
    const c = input.connector;
    if (!isObject(c)) throw schemaError('connector', c, `${py(c, true)} is not of type 'object'`);
    if (Object.keys(c).length < 1) throw schemaError('connector', c, `${py(c, true)} does not have enough properties`);
    connector = connectorCopy(c);
  }
  if (connector === null) throw schemaError('attachment', input, "'connector' is a required property", 'connector');
  extraProperties(input, ['connector']);
  return connector;
}

/** A connector string field the attachment row keeps (`attached_host`, `mountpoint` String(255); `attach_mode` String(36)). */
export function connectorText(connector: Connector, key: string, fallback: string, max: number): string | null {
  if (!given(connector, key)) return fallback;
  const v = connector[key];
  if (v === null) return null;
  if (typeof v !== 'string' || v.length > max) throw invalidInput(`connector.${key}`, `connector.${key} must be a string of at most ${max} characters or null, got ${describeValue(v)}`, 'block.attachment.invalid_connector');
  return v;
}
