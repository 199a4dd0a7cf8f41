/**
 * The v3 attachments API Nova uses (`cinder/api/v3/attachments.py`, `cinder/api/v3/views/attachments.py`,
 * `cinder/api/schemas/attachments.py`, `cinder/volume/api.py` `attachment_create` /
 * `_attachment_reserve` / `attachment_update` / `attachment_delete`, `cinder/volume/manager.py`
 * `attachment_update` / `_connection_create` / `_parse_connection_options` / `attachment_delete`,
 * `cinder/db/sqlalchemy/api.py` `volume_attached` / `volume_detached` /
 * `_get_statuses_from_attachments`, `cinder/objects/volume_attachment.py`,
 * `cinder/policies/attachments.py`), Zed, microversions 3.27 (attachments), 3.44 (`os-complete`),
 * 3.54 (`mode` in the create body).
 *
 * The flow, as Zed runs it:
 * - **create** reserves the volume (`available` / `downloading`, or `in-use` too for a multiattach
 *   volume → `reserved`; an attachment for the same server on an `in-use` / `reserved` volume is
 *   allowed without a status change, LP 1694530, for Nova's live migration) and stores an
 *   attachment `reserved`; with a connector it also runs the volume manager's update;
 * - **update** (the volume manager, an RPC call): the driver's `connection_info`, attachment and
 *   volume `attaching` (`volume_attached(mark_attached=False)`);
 * - **complete** (`os-complete`): attachment `attached`, volume `in-use`, `attach_status` attached,
 *   `volume.attach.end`; Zed checks no status;
 * - **delete**: the attachment goes, the volume's status and `attach_status` are recomputed from the
 *   attachments left (`attached` → `in-use`, `attaching`, `reserved`, none → `available`), with
 *   `volume.detach.start` / `.end`.
 *
 * Zed's quirks kept: the answers of create and update are built from the attachment as the API
 * loaded it before the volume manager wrote its part (create answers `reserved` even with a
 * connector; update answers the status it had), with only `connection_info` (and create's
 * `attach_mode`) new; `attach_mode` is the string `'null'` when create got no mode; a list
 * filtered by `status` (not a column of `volume_attachment`) finds nothing; `attached_mode` admin
 * metadata is not written by this flow (only the old `os-attach` does), `finish_detach` removes it.
 *
 * Where stacksim differs, on purpose:
 * - another project's attachment is a 404 (Zed's `_attachment_get` ignores `project_only`, so
 *   show answers any attachment by id; update, delete and complete are then 403);
 * - Zed's API wraps the volume manager's refusals of create / update (a connector without
 *   `initiator` for iSCSI; update's error-status and duplicate-connector checks) in a 500
 *   "Unable to … attachment …"; stacksim answers the inner 400 and keeps Zed's status and message
 *   in `details.zed_status` / `details.zed_message`. A connector without `host` (a KeyError in
 *   update's lock name, a 500 in Zed) is a 400 too. Refused calls change nothing (Zed leaves a
 *   create's reservation behind);
 * - a delete of an `attached` attachment of an `in-use` volume passes through `detaching` in the same
 *   transaction, as Nova's `os-begin_detaching` does just before (Zed's `attachment_delete` alone
 *   moves `in-use` → `available` directly).
 *
 * Not simulated: the Nova check of `attachment_deletion_allowed` (Bug #2004555: no Nova here, so
 * every server lookup answers NotFound and the delete is allowed, as Zed does then); targets,
 * exports and initiator ACLs (nothing is stored but the attachment); `discard` reporting
 * (`report_discard_supported` is off); Ceph monitors (an RBD connection names the pool's storage
 * host, port 6789, user `cinder`); CHAP credentials and the RBD secret uuid are derived from the
 * volume id and the backend name (stable, as Cinder keeps them in `provider_auth` / cinder.conf);
 * an NFS share is `<storage host>:/srv/nfs/<backend>`; a volume service that is down makes the RPC
 * time out at once (500, Zed's message) instead of after `rpc_response_timeout`.
 */
import { describeValue, deleteRow, formatUuid, getRow, isIdRef, rngInit, rngNextU32, setRow, tableToArray, type CloudState, type Tx } from '../core/index.js';
import { backendOf, findService } from './backends.js';
import { enforce, indexed, ownTarget, targetOf, type Ctx } from './context.js';
import { CinderError, invalidInput, invalidVolume, notFound } from './errors.js';
import { publisher } from './events.js';
import { CINDER_RULES } from './policies.js';
import { moveVolume } from './statuses.js';
import type { AttachStatus, AttachmentRow, VolumeRow, VolumeStatus } from './types.js';
import { timestamp, volumeUsage } from './views.js';
import { getVolume } from './volumes.js';
import { isUuidLike, pagingArg, sortArgs, sortRows, typeMultiattach } from './volume_types.js';

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

function minorOf(options: unknown): number {
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

const minorOfLiteral = (v: string): number => Number(v.split('.')[1]);

/** `wsgi.Controller.api_version`: a method older than the request's version is a bare 404. */
function requireVersion(minor: number, since: string): void {
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

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k) && (o as Record<string, unknown>)[k] !== undefined;

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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
    Object.defineProperty(out, k, { value: jsonCopy(v, `${field}.${k}`, budget, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

type Connector = Record<string, unknown>;

function connectorCopy(value: Record<string, unknown>): Connector {
  return jsonCopy(value, 'connector', { n: CONNECTOR_VALUES }, 0) as Connector;
}

/** Python truthiness of a JSON value (`if connector:`, `if multipath:`). */
function truthy(v: unknown): boolean {
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
function createBody(input: unknown, minor: number): CreateBody {
  if (!isObject(input)) throw schemaError('attachment', input, `${py(input, true)} is not of type 'object'`);
  const withMode = minor >= minorOfLiteral(ATTACHMENT_MICROVERSIONS.ATTACHMENT_CREATE_MODE_ARG);
  const instance = own(input, 'instance_uuid') ? uuidProperty(input.instance_uuid, 'instance_uuid') : null;
  let connector: Connector | null = null;
  if (own(input, 'connector')) {
    const c = input.connector;
    if (c !== null && !isObject(c)) throw schemaError('connector', c, `${py(c, true)} is not of type 'object', 'null'`);
    connector = c === null ? null : connectorCopy(c);
  }
  const volume = own(input, 'volume_uuid') ? uuidProperty(input.volume_uuid, 'volume_uuid') : null;
  let mode: 'rw' | 'ro' | null = null;
  if (withMode && own(input, 'mode')) {
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
function updateBody(input: unknown): Connector {
  if (!isObject(input)) throw schemaError('attachment', input, `${py(input, true)} is not of type 'object'`);
  let connector: Connector | null = null;
  if (own(input, 'connector')) {
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
function connectorText(connector: Connector, key: string, fallback: string, max: number): string | null {
  if (!own(connector, key)) return fallback;
  const v = connector[key];
  if (v === null) return null;
  if (typeof v !== 'string' || v.length > max) throw invalidInput(`connector.${key}`, `connector.${key} must be a string of at most ${max} characters or null, got ${describeValue(v)}`, 'block.attachment.invalid_connector');
  return v;
}

// ------------------------------------------------------------------------------ views

/** `GET /v3/{project_id}/attachments/{id}` (the `attachment` object, `ViewBuilder.detail`). */
export interface AttachmentView {
  readonly id: string;
  /** The attachment's `attach_status`: `reserved`, `attaching`, `attached`. */
  readonly status: AttachStatus;
  /** The server (`instance_uuid`). */
  readonly instance: string | null;
  readonly volume_id: string;
  /** `''` until connected (`_normalize`). */
  readonly attached_at: string;
  readonly detached_at: string;
  /** `rw`, `ro`, or `'null'` when create got no mode and no connector set one yet. */
  readonly attach_mode: string | null;
  /** What the driver returned (flattened, with `driver_volume_type` and `attachment_id`); `{}` until connected. */
  readonly connection_info: Readonly<Record<string, unknown>> | null;
}

/** `GET /v3/{project_id}/attachments` (`ViewBuilder.summary`). */
export interface AttachmentSummary {
  readonly id: string;
  readonly status: AttachStatus;
  readonly instance: string | null;
  readonly volume_id: string;
}

/** An attachment's summary view. */
export function attachmentSummary(row: AttachmentRow): AttachmentSummary {
  return { id: row.id, status: row.attach_status, instance: row.instance_uuid, volume_id: row.volume_id };
}

/** An attachment's detailed view. */
export function attachmentView(s: CloudState, row: AttachmentRow): AttachmentView {
  return {
    ...attachmentSummary(row),
    attached_at: row.attach_time === null ? '' : timestamp(s, row.attach_time),
    detached_at: row.detach_time === null ? '' : timestamp(s, row.detach_time),
    attach_mode: row.attach_mode,
    connection_info: row.connection_info,
  };
}

// ------------------------------------------------------------------------------ lookups

/** An attachment reference: its id, or `{ id }`. */
export type AttachmentRef = string | { readonly id: string };

/** The attachment an id names, among those the caller may see (its volume's project; admins all). */
export function getAttachment(ctx: Ctx, ref: unknown, field = 'attachment'): AttachmentRow {
  const id = isIdRef(ref) ? ref.id : ref;
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) {
    const f = isIdRef(ref) ? `${field}.id` : field;
    throw invalidInput(f, `${f} must be an attachment id, got ${describeValue(id)}`, 'block.attachment.invalid_ref');
  }
  const row = getRow(ctx.s.block.attachments, id);
  if (row === undefined || !(ctx.isAdmin || row.project_id === ctx.projectId)) throw notFound('attachment', id);
  return row;
}

/** The attachments of a volume (every status). */
export function attachmentsOf(s: CloudState, volumeId: string): AttachmentRow[] {
  return indexed(s.block.volume_attachments, volumeId)
    .map((id) => getRow(s.block.attachments, id))
    .filter((a): a is AttachmentRow => a !== undefined);
}

/** `context.authorize(…, target_obj=attachment)`: the default target with the attachment's (its volume's) `project_id`. */
function attachmentTarget(ctx: Ctx, row: AttachmentRow): Record<string, unknown> {
  return { project_id: row.project_id, user_id: ctx.userId };
}

/** A volume's `attach_status` as Zed writes it (`attaching`, `reserved` as well as `attached` / `detached`). */
function volumeAttachStatus(status: AttachStatus): Pick<VolumeRow, 'attach_status'> {
  return { attach_status: status };
}

// ------------------------------------------------------------------------------ the driver's connection

const CHAP_SYMBOLS = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A string drawn from a stream seeded by `seed` (`volume_utils.generate_username` / `generate_password`'s alphabet). */
function derivedString(seed: string, length: number): string {
  const st = rngInit(seed);
  let out = '';
  for (let i = 0; i < length; i++) out += CHAP_SYMBOLS[rngNextU32(st) % CHAP_SYMBOLS.length] as string;
  return out;
}

function derivedUuid(seed: string): string {
  const st = rngInit(seed);
  let hex = '';
  for (let i = 0; i < 4; i++) hex += rngNextU32(st).toString(16).padStart(8, '0');
  return formatUuid(hex);
}

const TUNE_OPTS = ['read_iops_sec', 'read_bytes_sec', 'write_iops_sec', 'write_bytes_sec', 'total_iops_sec', 'total_bytes_sec'];
const pyInt = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'string' && /^\s*[-+]?[0-9]{1,15}\s*$/.test(v) ? Number(v) : null);

/** `_parse_connection_options`' `qos_specs`: the type's front-end (or both) QoS specs, per-GB values computed; else null. */
function frontEndQos(s: CloudState, volume: VolumeRow): Record<string, unknown> | null {
  const type = getRow(s.block.volume_types, volume.volume_type_id);
  const qos = type?.qos_specs_id ? getRow(s.block.qos_specs, type.qos_specs_id) : undefined;
  if (qos === undefined || (qos.consumer !== 'front-end' && qos.consumer !== 'both')) return null;
  const specs: Record<string, unknown> = { ...qos.specs };
  for (const option of TUNE_OPTS) {
    const perGb = `${option}_per_gb`;
    if (!own(specs, perGb)) continue;
    // Zed's int() of a non-integer spec is a ValueError (500); such a spec is left as it is here.
    const minimum = own(specs, `${option}_per_gb_min`) ? pyInt(specs[`${option}_per_gb_min`]) : 0;
    const rate = pyInt(specs[perGb]);
    if (minimum === null || rate === null) continue;
    const perGbValue = Math.max(minimum, rate * volume.size);
    const maximum = own(specs, `${option}_max`) ? pyInt(specs[`${option}_max`]) : perGbValue;
    if (maximum === null) continue;
    delete specs[`${option}_per_gb_min`];
    delete specs[`${option}_max`];
    specs[option] = Math.min(perGbValue, maximum);
    delete specs[perGb];
  }
  return specs;
}

/** `[DEFAULT] state_path` in DevStack plus the NFS driver's `nfs_mount_point_base` (`$state_path/mnt`). */
const NFS_MOUNT_POINT_BASE = '/opt/stack/data/cinder/mnt';

/**
 * The connection `_connection_create` returns: the driver's `initialize_connection` (LVM through the
 * LIO iSCSI target, RBD, NFS), `_parse_connection_options` (`qos_specs`, `access_mode`, `encrypted`,
 * `cacheable`), flattened (`data` merged with the top level), with `attachment_id`.
 * The iSCSI connector must carry `initiator` (`ISCSITarget.validate_connector`).
 */
function connectionInfo(s: CloudState, volume: VolumeRow, connector: Connector, attachmentId: string, call: 'create' | 'update'): Record<string, unknown> {
  const pool = volume.host === null ? undefined : getRow(s.block.pools, volume.host);
  const driver = pool?.driver ?? 'lvm';
  const storageHost = pool?.hardware_host ?? (volume.host ?? 'controller').split('@')[0] ?? 'controller';
  const name = `volume-${volume.id}`;
  let data: Record<string, unknown>;
  let top: Record<string, unknown>;
  if (driver === 'lvm') {
    if (!Object.prototype.hasOwnProperty.call(connector, 'initiator')) {
      const inner = "Invalid input received: Connector doesn't have required information: initiator";
      throw new CinderError(400, 'block.attachment.invalid_connector', 'InvalidInput', inner, {
        field: 'connector.initiator',
        zed_status: 500,
        zed_message: call === 'create' ? `Unable to create attachment for volume (${inner}).` : `Unable to update attachment.(${inner}).`,
      });
    }
    const portal = `${storageHost}:3260`;
    const iqn = `iqn.2010-10.org.openstack:${name}`;
    data = { target_discovered: false };
    if (truthy(connector.multipath)) Object.assign(data, { target_portals: [portal], target_iqns: [iqn], target_luns: [0] });
    Object.assign(data, {
      target_portal: portal,
      target_iqn: iqn,
      target_lun: 0,
      volume_id: volume.id,
      auth_method: 'CHAP',
      auth_username: derivedString(`chap-user/${volume.id}`, 20),
      auth_password: derivedString(`chap-password/${volume.id}`, 16),
      encrypted: volume.encrypted,
    });
    top = { driver_volume_type: 'iscsi' };
  } else if (driver === 'rbd') {
    data = {
      name: `${pool?.pool_name ?? 'volumes'}/${name}`,
      hosts: [storageHost],
      ports: ['6789'],
      cluster_name: 'ceph',
      auth_enabled: true,
      auth_username: 'cinder',
      secret_type: 'ceph',
      secret_uuid: derivedUuid(`rbd_secret_uuid/${pool?.backend_name ?? ''}`),
      volume_id: volume.id,
      discard: true,
    };
    top = { driver_volume_type: 'rbd' };
  } else {
    data = { export: `${storageHost}:/srv/nfs/${pool?.backend_name ?? 'nfs'}`, name, format: 'raw' };
    top = { driver_volume_type: 'nfs', mount_point_base: NFS_MOUNT_POINT_BASE };
  }
  data.qos_specs = frontEndQos(s, volume);
  const mode = volume.admin_metadata.attached_mode;
  data.access_mode = mode ?? (volume.admin_metadata.readonly === 'True' ? 'ro' : 'rw');
  if (data.encrypted === undefined) data.encrypted = volume.encrypted;
  const type = getRow(s.block.volume_types, volume.volume_type_id);
  data.cacheable = type?.extra_specs.cacheable === '<is> True';
  return { ...data, ...top, attachment_id: attachmentId };
}

const RPC_FAILURE = {
  create: 'Unable to create attachment for volume.',
  update: 'Unable to update the attachment.',
  delete: 'The server has either erred or is incapable of performing the requested operation.',
} as const;

/** An RPC `call` to the volume's `cinder-volume`: a service whose host is down never answers (Zed: MessagingTimeout, 500). */
function requireVolumeService(s: CloudState, volume: VolumeRow, call: keyof typeof RPC_FAILURE): string {
  const backend = volume.host === null ? null : backendOf(volume.host);
  const service = backend === null ? undefined : findService(s, 'cinder-volume', backend);
  if (backend === null || service === undefined || !service.reporting) {
    throw new CinderError(500, 'block.attachment.volume_service_down', 'MessagingTimeout', RPC_FAILURE[call], { volume_id: volume.id, host: volume.host });
  }
  return backend;
}

/**
 * The volume manager's `attachment_update` (an RPC call from the API): `volume.attach.start`, the
 * mode (the connector's, `rw` by default, unless the attachment holds one other than `'null'`),
 * the driver's connection, then `volume_attached(mark_attached=False)`: attachment `attaching`
 * with host, mountpoint, time and mode; volume `attaching`. Returns the connection info. Mutates.
 */
function managerAttachmentUpdate(tx: Tx, vref: VolumeRow, connectorIn: Connector, attachmentId: string, call: 'create' | 'update'): Record<string, unknown> {
  const backend = requireVolumeService(tx.draft, vref, call);
  const connector: Connector = { ...connectorIn };
  let mode: unknown = own(connector, 'mode') ? connector.mode : 'rw';
  tx.emit('volume.attach.start', () => volumeUsage(tx.draft, vref), publisher(backend));
  const attachment = getRow(tx.draft.block.attachments, attachmentId) as AttachmentRow;
  if (attachment.attach_mode !== 'null') {
    mode = attachment.attach_mode;
    connector.mode = mode;
  }
  const info = connectionInfo(tx.draft, vref, connector, attachmentId, call);
  const attachMode = mode === null ? null : connectorText({ mode }, 'mode', 'rw', 36);
  const host = connectorText(connector, 'host', '', 255);
  const mountpoint = connectorText(connector, 'mountpoint', 'na', 255);
  const now = tx.now();
  setRow(tx.draft.block.attachments, attachmentId, { ...attachment, attach_status: 'attaching', connector, attached_host: host, mountpoint, attach_time: now, attach_mode: attachMode, updated_at: now });
  const volume = getRow(tx.draft.block.volumes, vref.id) as VolumeRow;
  moveVolume(tx, volume, 'attaching', volumeAttachStatus('attaching'));
  tx.trace('cinder-volume', `attachment ${attachmentId}: ${String(info.driver_volume_type)} connection for ${host ?? 'no host'} (volume ${vref.id} attaching)`);
  return info;
}

// ------------------------------------------------------------------------------ create

const RESERVABLE: readonly VolumeStatus[] = ['available', 'downloading'];
const RESERVABLE_MULTIATTACH: readonly VolumeStatus[] = ['available', 'in-use', 'downloading'];

/**
 * `POST /v3/{project_id}/attachments` (3.27; `mode` since 3.54): reserves the volume and answers
 * the new attachment (`reserved`). With a connector the volume manager connects it at once
 * (attachment and volume `attaching`), though the answer still says `reserved`, as Zed's does.
 * Refused: a volume in an error status, or in a status it cannot be reserved from ("Volume … status
 * must be available or downloading to reserve, but the current status is in-use."), unless it is
 * `in-use` / `reserved` with an attachment for the same `instance_uuid`.
 */
export function createAttachment(tx: Tx, ctx: Ctx, input: unknown, options?: AttachmentCallOptions): AttachmentView {
  const minor = minorOf(options);
  requireVersion(minor, ATTACHMENT_MICROVERSIONS.NEW_ATTACH);
  enforce(ctx, CINDER_RULES.attachment.create, ownTarget(ctx));
  const body = createBody(input, minor);
  const volume = getVolume(ctx, { id: body.volume_uuid }, 'volume_uuid');
  enforce(ctx, CINDER_RULES.attachment.create, targetOf(volume));
  if (volume.status.includes('error')) {
    throw invalidVolume(`Volume attachments can not be created if the volume is in an error state. The Volume ${volume.id} currently has a status of: ${volume.status} `, { volume_id: volume.id, status: volume.status });
  }
  // _attachment_reserve
  if (volume.multiattach && volume.status === 'in-use' && volume.bootable) enforce(ctx, CINDER_RULES.attachment.multiattachBootable, targetOf(volume));
  const expected = volume.multiattach ? RESERVABLE_MULTIATTACH : RESERVABLE;
  let vref = volume;
  if (expected.includes(volume.status)) vref = moveVolume(tx, volume, 'reserved');
  else {
    const sameServer = body.instance_uuid !== null && (volume.status === 'in-use' || volume.status === 'reserved') && attachmentsOf(ctx.s, volume.id).some((a) => a.instance_uuid === body.instance_uuid);
    if (!sameServer) throw invalidVolume(`Volume ${volume.id} status must be ${expected.join(' or ')} to reserve, but the current status is ${volume.status}.`, { volume_id: volume.id, status: volume.status });
  }
  const now = tx.now();
  const row: AttachmentRow = {
    id: tx.ids.uuid(),
    volume_id: volume.id,
    project_id: volume.project_id,
    instance_uuid: body.instance_uuid,
    attached_host: null,
    mountpoint: null,
    attach_status: 'reserved',
    attach_mode: null,
    connector: null,
    connection_info: null,
    attach_time: null,
    detach_time: null,
    created_at: now,
    updated_at: now,
  };
  setRow(tx.draft.block.attachments, row.id, row);
  setRow(tx.draft.block.volume_attachments, `${volume.id}/${row.id}`, row.id);
  tx.trace('cinder-api', `attachment ${row.id} reserves volume ${volume.id}${body.instance_uuid === null ? '' : ` for server ${body.instance_uuid}`}`);
  const connection_info = body.connector !== null && truthy(body.connector) ? managerAttachmentUpdate(tx, vref, body.connector, row.id, 'create') : {};
  // "Use of admin_metadata for RO settings is deprecated": any `readonly` value makes it ro
  const attach_mode = truthy(volume.admin_metadata.readonly) ? 'ro' : (body.mode ?? 'null');
  const stored = getRow(tx.draft.block.attachments, row.id) as AttachmentRow;
  setRow(tx.draft.block.attachments, row.id, { ...stored, connection_info, attach_mode });
  return attachmentView(tx.draft, { ...row, connection_info, attach_mode });
}

// ------------------------------------------------------------------------------ update

/**
 * `PUT /v3/{project_id}/attachments/{id}` `{ connector }`: the volume manager connects the
 * attachment (`connection_info` as the driver returns it; attachment and volume `attaching`).
 * Refused (Zed: a 500 "Unable to update attachment.(…)"; here the inner 400): a volume in an
 * error status; a second connection to a volume that is not multiattach ("duplicate connectors
 * detected on volume …"); an iSCSI connector without `initiator`. The answer is the attachment as
 * the API loaded it, with the new `connection_info`.
 */
export function updateAttachment(tx: Tx, ctx: Ctx, ref: unknown, input: unknown, options?: AttachmentCallOptions): AttachmentView {
  const minor = minorOf(options);
  requireVersion(minor, ATTACHMENT_MICROVERSIONS.NEW_ATTACH);
  const attachment = getAttachment(ctx, ref);
  enforce(ctx, CINDER_RULES.attachment.update, attachmentTarget(ctx, attachment));
  const connector = updateBody(input);
  if (!Object.prototype.hasOwnProperty.call(connector, 'host')) {
    throw new CinderError(400, 'block.attachment.invalid_connector', 'InvalidInput', "Invalid input received: Connector doesn't have required information: host", { field: 'connector.host', zed_status: 500, zed_message: RPC_FAILURE.update });
  }
  const volume = getVolume(ctx, { id: attachment.volume_id }, 'volume_id');
  const wrapped = (reason: string, code: string): CinderError =>
    new CinderError(400, code, 'InvalidVolume', `Invalid volume: ${reason}`, { volume_id: volume.id, status: volume.status, zed_status: 500, zed_message: `Unable to update attachment.(Invalid volume: ${reason}).` });
  if (volume.status.includes('error')) {
    throw wrapped(`Volume attachments can not be updated if the volume is in an error state. The Volume ${volume.id} currently has a status of: ${volume.status} `, 'block.volume.invalid_status');
  }
  const all = attachmentsOf(ctx.s, volume.id);
  const type = getRow(ctx.s.block.volume_types, volume.volume_type_id);
  if (all.length > 1 && !(volume.multiattach || (type !== undefined && typeMultiattach(type)))) {
    if (all.some((a) => truthy(a.connection_info))) throw wrapped(`duplicate connectors detected on volume ${volume.id}`, 'block.attachment.duplicate_connectors');
  }
  const connection_info = managerAttachmentUpdate(tx, volume, connector, attachment.id, 'update');
  const stored = getRow(tx.draft.block.attachments, attachment.id) as AttachmentRow;
  setRow(tx.draft.block.attachments, attachment.id, { ...stored, connection_info });
  return attachmentView(tx.draft, { ...attachment, connection_info });
}

// ------------------------------------------------------------------------------ complete

/**
 * `POST /v3/{project_id}/attachments/{id}/action` `os-complete` (3.44): attachment `attached`,
 * volume `in-use` with `attach_status` attached, `volume.attach.end`. Zed checks no status (a
 * reserved attachment may be completed without a connection, as Nova does for a shelved server).
 */
export function completeAttachment(tx: Tx, ctx: Ctx, ref: unknown, options?: AttachmentCallOptions): void {
  const minor = minorOf(options);
  requireVersion(minor, ATTACHMENT_MICROVERSIONS.NEW_ATTACH_COMPLETION);
  const attachment = getAttachment(ctx, ref);
  const volume = getVolume(ctx, { id: attachment.volume_id }, 'volume_id');
  enforce(ctx, CINDER_RULES.attachment.complete, attachmentTarget(ctx, attachment));
  setRow(tx.draft.block.attachments, attachment.id, { ...attachment, attach_status: 'attached', updated_at: tx.now() });
  const next = moveVolume(tx, volume, 'in-use', volumeAttachStatus('attached'));
  tx.trace('cinder-api', `attachment ${attachment.id} complete: volume ${volume.id} in-use`);
  tx.emit('volume.attach.end', () => volumeUsage(tx.draft, next), publisher('controller'));
}

// ------------------------------------------------------------------------------ delete

/** `_get_statuses_from_attachments`: the first non-error attach status in alphabetical order decides. */
function statusesFromAttachments(rows: readonly AttachmentRow[]): { status: VolumeStatus; attach_status: AttachStatus } {
  const first = rows
    .map((a) => a.attach_status)
    .filter((st) => !st.startsWith('error_'))
    .sort()[0];
  const attach_status: AttachStatus = first ?? 'detached';
  const status = attach_status === 'attached' ? 'in-use' : attach_status === 'detached' ? 'available' : (attach_status as VolumeStatus);
  return { status, attach_status };
}

/**
 * `DELETE /v3/{project_id}/attachments/{id}`: a reserved attachment is dropped by the API
 * (`volume.detach.start` from it); a connected one through the volume manager (its
 * `detach.start`, the connection terminated); then `finish_detach`: the volume's status and
 * `attach_status` from the attachments left (`available` when none; Zed keeps `uploading` and a
 * migrating volume's status), `attached_mode` admin metadata removed, `volume.detach.end`.
 * Answers the volume's remaining attachments (summaries).
 */
export function deleteAttachment(tx: Tx, ctx: Ctx, ref: unknown, options?: AttachmentCallOptions): AttachmentSummary[] {
  const minor = minorOf(options);
  requireVersion(minor, ATTACHMENT_MICROVERSIONS.NEW_ATTACH);
  const attachment = getAttachment(ctx, ref);
  enforce(ctx, CINDER_RULES.attachment.delete, attachmentTarget(ctx, attachment));
  const volume = getRow(ctx.s.block.volumes, attachment.volume_id);
  if (volume === undefined) throw notFound('volume', attachment.volume_id);
  if (attachment.attach_status === 'reserved') {
    tx.emit('volume.detach.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
  } else {
    const backend = requireVolumeService(ctx.s, volume, 'delete');
    tx.emit('volume.detach.start', () => volumeUsage(tx.draft, volume), publisher(backend));
    tx.trace('cinder-volume', `attachment ${attachment.id}: connection ${attachment.connector === null ? 'never made' : 'terminated'}`);
  }
  // finish_detach → volume_detached
  deleteRow(tx.draft.block.attachments, attachment.id);
  deleteRow(tx.draft.block.volume_attachments, `${volume.id}/${attachment.id}`);
  const remaining = attachmentsOf(tx.draft, volume.id);
  const { status, attach_status } = statusesFromAttachments(remaining);
  const keepStatus = attach_status === 'detached' && !(!volume.migration_status && volume.status !== 'uploading') && !(volume.migration_status === 'success' || volume.migration_status === 'error');
  const target = keepStatus ? volume.status : status;
  const admin_metadata = { ...volume.admin_metadata };
  delete admin_metadata.attached_mode;
  let next = volume;
  if (volume.status === 'in-use' && attachment.attach_status === 'attached' && (target === 'available' || target === 'in-use')) next = moveVolume(tx, next, 'detaching');
  next = moveVolume(tx, next, target, { ...volumeAttachStatus(attach_status), admin_metadata });
  tx.trace('cinder-api', `attachment ${attachment.id} deleted: volume ${volume.id} ${next.status}`);
  const ended = next;
  tx.emit('volume.detach.end', () => volumeUsage(tx.draft, ended), publisher('controller'));
  return remaining.map(attachmentSummary);
}

// ------------------------------------------------------------------------------ show, list

/**
 * `GET /v3/{project_id}/attachments/{id}` (3.27): the detailed view; `connection_info.format` is
 * the volume's `format` admin metadata when it has one.
 */
export function showAttachment(ctx: Ctx, ref: unknown, options?: AttachmentCallOptions): AttachmentView {
  requireVersion(minorOf(options), ATTACHMENT_MICROVERSIONS.NEW_ATTACH);
  const attachment = getAttachment(ctx, ref);
  const view = attachmentView(ctx.s, attachment);
  const format = getRow(ctx.s.block.volumes, attachment.volume_id)?.admin_metadata.format;
  if (format !== undefined && view.connection_info !== null) return { ...view, connection_info: { ...view.connection_info, format } };
  return view;
}

/** `GET /v3/{project_id}/attachments[/detail]`: filters, sorting and paging. */
export interface AttachmentListQuery {
  readonly volume_id?: string;
  /** The server: `instance_uuid`. */
  readonly instance_id?: string;
  /** Accepted, but `status` is no column of `volume_attachment`: Zed then finds nothing (use `attach_status`). */
  readonly status?: string;
  readonly attach_status?: string;
  /** Admins: every project's attachments (others: ignored). */
  readonly all_tenants?: boolean | string | number;
  /** Admins with `all_tenants`: one project's. */
  readonly project_id?: string;
  /** A column (default `created_at`). */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  /** `<key>[:<dir>]`, the newer form of `sort_key` / `sort_dir`. */
  readonly sort?: string;
  readonly limit?: number | string;
  readonly marker?: string;
  readonly offset?: number | string;
  /** Admins: any column of `volume_attachment` (`instance_uuid`, `attached_host`, …), `<column>~` for a substring. */
  readonly [filter: string]: unknown;
}

/** `resource_filters.json` (Zed): what a non-admin may filter attachments by. */
const USER_FILTERS = ['volume_id', 'status', 'instance_id', 'attach_status'];
const PAGING_KEYS = ['sort_key', 'sort_dir', 'sort', 'limit', 'marker', 'offset'];
const COLUMNS = ['id', 'volume_id', 'instance_uuid', 'attached_host', 'mountpoint', 'attach_time', 'detach_time', 'attach_status', 'attach_mode', 'connection_info', 'connector', 'created_at', 'updated_at', 'deleted_at', 'deleted'] as const;
type Column = (typeof COLUMNS)[number];
const SORT_COLUMNS = ['id', 'volume_id', 'instance_uuid', 'attached_host', 'mountpoint', 'attach_time', 'detach_time', 'attach_status', 'attach_mode', 'created_at', 'updated_at'] as const;
const OSAPI_MAX_LIMIT = 1000;
const allTenants = (v: unknown): boolean => v !== undefined;

function columnText(s: CloudState, row: AttachmentRow, column: Column): string | null {
  switch (column) {
    case 'attach_time':
    case 'detach_time':
    case 'created_at':
    case 'updated_at': {
      const t = row[column];
      return t === null ? null : timestamp(s, t);
    }
    case 'connection_info':
    case 'connector':
      return row[column] === null ? null : JSON.stringify(row[column]);
    case 'deleted':
      return 'False';
    case 'deleted_at':
      return null;
    default:
      return row[column];
  }
}

/** The attachments a list answers, in order (rows; map them with {@link attachmentView} or {@link attachmentSummary}). */
export function listAttachmentRows(ctx: Ctx, query: unknown = {}, options?: AttachmentCallOptions): AttachmentRow[] {
  const minor = minorOf(options);
  requireVersion(minor, ATTACHMENT_MICROVERSIONS.NEW_ATTACH);
  if (!isObject(query)) throw invalidInput('query', `query must be an object of filters, got ${describeValue(query)}`, 'block.list.invalid_query');
  const filters: Record<string, string> = {};
  for (const k of Object.keys(query)) {
    const v = query[k];
    if (v === undefined || PAGING_KEYS.includes(k)) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw invalidInput(k, `filter '${k}' must be a string, got ${describeValue(v)}`, 'block.list.invalid_filter');
    if (typeof v === 'string' && v.length > 255) throw invalidInput(k, `filter '${k}' is longer than 255 characters`, 'block.list.invalid_filter');
    if (k.length > 255) throw invalidInput('query', 'a filter name is longer than 255 characters', 'block.list.invalid_filter');
    Object.defineProperty(filters, k, { value: typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v), enumerable: true, writable: true, configurable: true });
  }
  if (!ctx.isAdmin) {
    const invalid = Object.keys(filters).filter((k) => !USER_FILTERS.includes(k));
    if (minor >= minorOfLiteral(ATTACHMENT_MICROVERSIONS.RESOURCE_FILTER)) {
      // reject_invalid_filters: all_tenants is silently dropped (Bug #1917574)
      const refused = invalid.filter((k) => k !== 'all_tenants');
      if (refused.length > 0) throw invalidInput(refused[0] as string, `Invalid filters ${refused.join(',')} are found in query options.`, 'block.list.unknown_filter');
    }
    for (const k of invalid) delete filters[k];
  }
  if (own(filters, 'instance_id')) {
    filters.instance_uuid = filters.instance_id as string;
    delete filters.instance_id;
  }
  const all = ctx.isAdmin && allTenants(filters.all_tenants);
  delete filters.all_tenants;
  let project: string | null = ctx.projectId;
  if (all) project = own(filters, 'project_id') ? (filters.project_id as string) : null;
  delete filters.project_id;
  const { key, dir } = sortOf(query);
  const limit = query.limit === undefined ? OSAPI_MAX_LIMIT : Math.min(pagingArg(query.limit, 'limit'), OSAPI_MAX_LIMIT);
  const offset = query.offset === undefined ? 0 : pagingArg(query.offset, 'offset');
  let marker: AttachmentRow | undefined;
  if (query.marker !== undefined) {
    if (typeof query.marker !== 'string' || query.marker.length === 0 || query.marker.length > 255) throw invalidInput('marker', `marker must be an attachment id, got ${describeValue(query.marker)}`, 'block.list.invalid_marker');
    marker = getRow(ctx.s.block.attachments, query.marker);
    if (marker === undefined) throw notFound('attachment', query.marker);
  }
  // is_valid_model_filters: a key that is no column finds nothing
  const checks = Object.entries(filters).map(([k, v]) => ({ column: k.replace(/~+$/, '') as Column, like: k.endsWith('~'), value: v }));
  if (checks.some((c) => !(COLUMNS as readonly string[]).includes(c.column))) return [];
  const rows = tableToArray(ctx.s.block.attachments).filter((a) => {
    if (project !== null && a.project_id !== project) return false;
    for (const c of checks) {
      const text = columnText(ctx.s, a, c.column);
      if (text === null || (c.like ? !text.includes(c.value) : text !== c.value)) return false;
    }
    return true;
  });
  if (marker !== undefined && !rows.includes(marker)) rows.push(marker);
  sortRows(rows, key, dir);
  const start = marker === undefined ? 0 : rows.indexOf(marker) + 1;
  return rows.slice(start + offset, start + offset + limit);
}

function sortOf(query: Record<string, unknown>): { key: (typeof SORT_COLUMNS)[number]; dir: 'asc' | 'desc' } {
  if (query.sort !== undefined) {
    if (query.sort_key !== undefined || query.sort_dir !== undefined) throw invalidInput('sort', "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.", 'block.list.invalid_sort');
    if (typeof query.sort !== 'string') throw invalidInput('sort', `sort must be '<key>[:<dir>]', got ${describeValue(query.sort)}`, 'block.list.invalid_sort');
    const [k, d] = (query.sort.split(',')[0] ?? '').split(':');
    return sortArgs({ sort_key: k?.trim(), sort_dir: d === undefined ? undefined : d.trim() }, SORT_COLUMNS);
  }
  return sortArgs(query, SORT_COLUMNS);
}
