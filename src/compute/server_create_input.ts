/**
 * The body of `POST /servers` as nova's schema checks it (`nova/api/openstack/compute/schemas/servers.py`
 * `create_v290` with `parameter_types` at 2.93; `block_device_mapping_v2` items as its
 * `block_device_mapping_v2_new_item` and `nova/block_device.py` `BlockDeviceDict` read them;
 * `os:scheduler_hints` as its `_hints`), with nova's defaults: anything else is a 400 naming the
 * field, before any policy or lookup. Also `utils.sanitize_hostname` and 2.90's hostname pattern,
 * which `createServer` and `PUT /servers/{id}` use.
 *
 * Not simulated: keys of the 2.93 schema for what stacksim does not model
 * (`trusted_image_certificates`, `host`, `hypervisor_hostname`, …) are refused as unknown keys
 * (400); `max_count` stops at {@link MAX_COUNT} (nova's schema has no limit: its quota stops it).
 */
import { badRequest } from './errors.js';
import { describeValue, fieldError, metadataArg, optionalText, tagsArg } from './input.js';
import type { BdmRow } from './types.js';

/** One `block_device_mapping_v2` item. */
export interface BlockDeviceMappingRequest {
  readonly uuid?: string;
  readonly source_type: 'image' | 'volume' | 'snapshot' | 'blank';
  readonly destination_type?: 'volume' | 'local';
  readonly boot_index?: number | string | null;
  readonly volume_size?: number | string;
  readonly delete_on_termination?: boolean;
  readonly device_name?: string;
  readonly volume_type?: string;
  readonly tag?: string;
}

/** One item of `networks`. */
export interface ServerNetworkRequest {
  readonly uuid?: string;
  readonly port?: string;
  readonly fixed_ip?: string;
  readonly tag?: string;
}

/** The `server` object of `POST /servers` (2.93), and `os:scheduler_hints` beside it. */
export interface ServerCreateRequest {
  readonly name: string;
  readonly flavorRef: string | number;
  readonly imageRef?: string;
  /** Required since 2.37: `'auto'`, `'none'`, or a list. */
  readonly networks: 'auto' | 'none' | readonly ServerNetworkRequest[];
  readonly security_groups?: readonly { readonly name: string }[];
  readonly metadata?: Readonly<Record<string, string>>;
  readonly key_name?: string;
  readonly availability_zone?: string;
  readonly block_device_mapping_v2?: readonly BlockDeviceMappingRequest[];
  readonly min_count?: number | string;
  readonly max_count?: number | string;
  readonly return_reservation_id?: boolean;
  readonly user_data?: string;
  readonly accessIPv4?: string;
  readonly accessIPv6?: string;
  readonly adminPass?: string;
  readonly config_drive?: boolean;
  readonly description?: string | null;
  readonly tags?: readonly string[];
  readonly hostname?: string;
  readonly 'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL';
  readonly 'os:scheduler_hints'?: Readonly<Record<string, unknown>>;
}


const KEYS = [
  'name', 'flavorRef', 'imageRef', 'networks', 'security_groups', 'metadata', 'key_name', 'availability_zone', 'block_device_mapping_v2',
  'min_count', 'max_count', 'return_reservation_id', 'user_data', 'accessIPv4', 'accessIPv6', 'adminPass', 'config_drive', 'description',
  'tags', 'hostname', 'OS-DCF:diskConfig', 'os:scheduler_hints',
] as const;

const HINT_KEYS = ['group', 'different_host', 'same_host', 'query', 'target_cell', 'different_cell', 'build_near_host_ip', 'cidr'] as const;

/** The largest `max_count` stacksim accepts in one request (nova's schema allows any; its quota stops it). */
export const MAX_COUNT = 10_000;

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** The body as the schema checks it, with nova's defaults. */
export interface CreateBody {
  readonly name: string;
  readonly flavorRef: string;
  readonly imageRef: string;
  readonly networks: 'auto' | 'none' | readonly ServerNetworkRequest[];
  readonly securityGroups: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly keyName: string | null;
  readonly availabilityZone: string | null;
  readonly bdms: readonly CheckedBdm[];
  readonly minCount: number;
  readonly maxCount: number;
  readonly returnReservationId: boolean;
  readonly userData: string | null;
  readonly accessIPv4: string;
  readonly accessIPv6: string;
  readonly adminPass: string | null;
  readonly configDrive: boolean;
  readonly description: string | null;
  readonly tags: readonly string[];
  readonly hostname: string | null;
  readonly hints: Readonly<Record<string, string | readonly string[]>>;
}

/** One `block_device_mapping_v2` item as the schema checks it (`volume_id` / `snapshot_id` / `image_id` read as `uuid`). */
export interface CheckedBdm {
  readonly uuid: string | null;
  readonly source_type: BdmRow['source_type'];
  readonly destination_type: BdmRow['destination_type'];
  readonly boot_index: number | null;
  readonly volume_size: number | null;
  readonly delete_on_termination: boolean;
  readonly device_name: string | null;
  readonly volume_type: string | null;
  readonly tag: string | null;
}

function countArg(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw fieldError(field, value, `${describeValue(value)} is not a positive integer`);
  if (n > MAX_COUNT) throw fieldError(field, value, `${n} is greater than the maximum of ${MAX_COUNT}`);
  return n;
}

function bdmArg(value: unknown, i: number): CheckedBdm {
  const f = `block_device_mapping_v2[${i}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fieldError(f, value, `${describeValue(value)} is not of type 'object'`);
  const o = value as Record<string, unknown>;
  const allowedKeys = ['uuid', 'source_type', 'destination_type', 'boot_index', 'volume_size', 'delete_on_termination', 'device_name', 'volume_type', 'tag', 'disk_bus', 'device_type', 'guest_format', 'no_device', 'volume_id', 'snapshot_id', 'image_id'];
  for (const k of Object.keys(o)) if (!allowedKeys.includes(k)) throw badRequest(`${f}.${k}`, `Invalid input for field/attribute ${f}. Additional properties are not allowed ('${k}' was unexpected)`);
  const source = o.source_type;
  if (source !== 'image' && source !== 'volume' && source !== 'snapshot' && source !== 'blank') throw fieldError(`${f}.source_type`, source, `${describeValue(source)} is not one of ['volume', 'image', 'snapshot', 'blank']`);
  const dest = o.destination_type ?? (source === 'blank' || source === 'image' ? 'local' : 'volume');
  if (dest !== 'volume' && dest !== 'local') throw fieldError(`${f}.destination_type`, dest, `${describeValue(dest)} is not one of ['local', 'volume']`);
  const uuid = o.uuid ?? o.volume_id ?? o.snapshot_id ?? o.image_id;
  if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length === 0 || uuid.length > 255)) throw fieldError(`${f}.uuid`, uuid, `${describeValue(uuid)} is not a valid uuid`);
  if (source !== 'blank' && uuid === undefined) throw badRequest(`${f}.uuid`, `Block Device Mapping is Invalid: Missing device UUID.`, 'compute.bdm.invalid');
  let bootIndex: number | null = null;
  if (o.boot_index !== undefined && o.boot_index !== null && o.boot_index !== 'none') {
    const b = typeof o.boot_index === 'string' && /^-?[0-9]+$/.test(o.boot_index) ? Number(o.boot_index) : o.boot_index;
    if (typeof b !== 'number' || !Number.isInteger(b) || Math.abs(b) > 1000) throw fieldError(`${f}.boot_index`, o.boot_index, `${describeValue(o.boot_index)} is not a valid boot index`);
    bootIndex = b;
  }
  let size: number | null = null;
  if (o.volume_size !== undefined && o.volume_size !== null) {
    const v = typeof o.volume_size === 'string' && /^[0-9]+$/.test(o.volume_size) ? Number(o.volume_size) : o.volume_size;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw fieldError(`${f}.volume_size`, o.volume_size, `${describeValue(o.volume_size)} is not a valid volume size`);
    size = v;
  }
  const del = o.delete_on_termination ?? false;
  if (typeof del !== 'boolean') throw fieldError(`${f}.delete_on_termination`, del, `${describeValue(del)} is not of type 'boolean'`);
  const device = o.device_name === undefined || o.device_name === null ? null : optionalText(o.device_name, `${f}.device_name`, 255);
  const type = o.volume_type === undefined || o.volume_type === null ? null : optionalText(o.volume_type, `${f}.volume_type`, 255);
  const tag = o.tag === undefined || o.tag === null ? null : optionalText(o.tag, `${f}.tag`, 60);
  return { uuid: (uuid as string | undefined) ?? null, source_type: source, destination_type: dest, boot_index: bootIndex, volume_size: size, delete_on_termination: del, device_name: device, volume_type: type, tag };
}

function networksArg(value: unknown): CreateBody['networks'] {
  if (value === undefined) throw badRequest('networks', "Invalid input for field/attribute server. Value: {}. 'networks' is a required property", 'compute.server.networks_required');
  if (value === 'auto' || value === 'none') return value;
  if (!Array.isArray(value)) throw fieldError('networks', value, `${describeValue(value)} is not valid under any of the given schemas`);
  if (value.length > 1000) throw fieldError('networks', value, 'too many networks');
  return value.map((n: unknown, i) => {
    const f = `networks[${i}]`;
    if (typeof n !== 'object' || n === null || Array.isArray(n)) throw fieldError(f, n, `${describeValue(n)} is not of type 'object'`);
    const o = n as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!['uuid', 'port', 'fixed_ip', 'tag'].includes(k)) throw badRequest(`${f}.${k}`, `Invalid input for field/attribute networks. Additional properties are not allowed ('${k}' was unexpected)`);
    const out: { uuid?: string; port?: string; fixed_ip?: string; tag?: string } = {};
    if (o.uuid !== undefined) out.uuid = optionalText(o.uuid, `${f}.uuid`, 255, 1);
    if (o.port !== undefined && o.port !== null) out.port = optionalText(o.port, `${f}.port`, 255, 1);
    if (o.fixed_ip !== undefined) {
      const ip = optionalText(o.fixed_ip, `${f}.fixed_ip`, 64, 1);
      if (!/^[0-9.]+$/.test(ip) && !/^[0-9a-fA-F:]+$/.test(ip)) throw fieldError(`${f}.fixed_ip`, ip, `'${ip}' is not a 'ip-address'`);
      out.fixed_ip = ip;
    }
    if (o.tag !== undefined) out.tag = optionalText(o.tag, `${f}.tag`, 60, 1);
    if (out.uuid === undefined && out.port === undefined) throw badRequest(f, 'Bad networks format: network uuid is not in proper format ()', 'compute.server.bad_network');
    return out;
  });
}

function hintsArg(value: unknown): CreateBody['hints'] {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw fieldError('os:scheduler_hints', value, `${describeValue(value)} is not of type 'object'`);
  const out: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(HINT_KEYS as readonly string[]).includes(k)) throw badRequest(`os:scheduler_hints.${k}`, `Invalid input for field/attribute os:scheduler_hints. Additional properties are not allowed ('${k}' was unexpected)`);
    if (typeof v === 'string' && v.length <= 255) out[k] = v;
    else if (Array.isArray(v) && v.length <= 1000 && v.every((x) => typeof x === 'string' && x.length <= 255)) out[k] = [...(v as string[])];
    else throw fieldError(`os:scheduler_hints.${k}`, v, `${describeValue(v)} is not a string or a list of strings`);
  }
  if (typeof out.group === 'string' && !UUID.test(out.group)) throw fieldError('os:scheduler_hints.group', out.group, `'${out.group}' is not a 'uuid'`);
  return out;
}

/** Checks the request body as nova's schema does (`additionalProperties: false`: unknown keys are a 400). */
export function checkCreateBody(input: unknown): CreateBody {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('server', `Invalid input for field/attribute server. Value: ${describeValue(input)}. ${describeValue(input)} is not of type 'object'`, 'compute.server.invalid');
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(KEYS as readonly string[]).includes(k)) throw badRequest(`server.${k}`, `Invalid input for field/attribute server. Additional properties are not allowed ('${k}' was unexpected)`);
  if (o.name === undefined) throw badRequest('name', "Invalid input for field/attribute server. 'name' is a required property", 'compute.server.name_required');
  const name = optionalText(o.name, 'name', 255, 1);
  if (name.trim().length !== name.length || name.trim().length === 0) throw fieldError('name', name, `'${name}' is not a valid name: no leading or trailing whitespace`);
  if (o.flavorRef === undefined) throw badRequest('flavorRef', "Invalid input for field/attribute server. 'flavorRef' is a required property", 'compute.server.flavor_required');
  const flavorRef = typeof o.flavorRef === 'number' && Number.isInteger(o.flavorRef) && o.flavorRef >= 0 ? String(o.flavorRef) : optionalText(o.flavorRef, 'flavorRef', 255, 1);
  const imageRef = o.imageRef === undefined || o.imageRef === '' ? '' : optionalText(o.imageRef, 'imageRef', 255, 1);
  const networks = networksArg(o.networks);
  let securityGroups: string[] = [];
  if (o.security_groups !== undefined) {
    if (!Array.isArray(o.security_groups) || o.security_groups.length > 1000) throw fieldError('security_groups', o.security_groups, `${describeValue(o.security_groups)} is not of type 'array'`);
    securityGroups = o.security_groups.map((g: unknown, i) => {
      if (typeof g !== 'object' || g === null || Array.isArray(g) || Object.keys(g).some((k) => k !== 'name')) throw fieldError(`security_groups[${i}]`, g, `${describeValue(g)} is not an object with a name`);
      return optionalText((g as { name: unknown }).name, `security_groups[${i}].name`, 255, 1);
    });
    securityGroups = [...new Set(securityGroups)];
  }
  const metadata = o.metadata === undefined ? {} : metadataArg(o.metadata, 'metadata');
  const keyName = o.key_name === undefined || o.key_name === null ? null : optionalText(o.key_name, 'key_name', 255, 1);
  let availabilityZone: string | null = null;
  if (o.availability_zone !== undefined && o.availability_zone !== null) availabilityZone = optionalText(o.availability_zone, 'availability_zone', 255, 1);
  let bdms: CheckedBdm[] = [];
  if (o.block_device_mapping_v2 !== undefined) {
    if (!Array.isArray(o.block_device_mapping_v2) || o.block_device_mapping_v2.length > 256) throw fieldError('block_device_mapping_v2', o.block_device_mapping_v2, `${describeValue(o.block_device_mapping_v2)} is not of type 'array'`);
    bdms = o.block_device_mapping_v2.map((b: unknown, i) => bdmArg(b, i));
  }
  const minCount = o.min_count === undefined ? 1 : countArg(o.min_count, 'min_count');
  const maxCount = o.max_count === undefined ? minCount : countArg(o.max_count, 'max_count');
  if (minCount > maxCount) throw badRequest('min_count', 'min_count must be <= max_count', 'compute.server.min_count');
  const returnReservationId = o.return_reservation_id === undefined ? false : typeof o.return_reservation_id === 'boolean' ? o.return_reservation_id : (() => { throw fieldError('return_reservation_id', o.return_reservation_id, `${describeValue(o.return_reservation_id)} is not of type 'boolean'`); })();
  let userData: string | null = null;
  if (o.user_data !== undefined && o.user_data !== null) {
    const u = optionalText(o.user_data, 'user_data', 65535);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(u) || u.length % 4 !== 0) throw fieldError('user_data', u, `'${u.slice(0, 20)}' is not a 'base64'`);
    userData = u;
  }
  const ip = (k: 'accessIPv4' | 'accessIPv6', v4: boolean): string => {
    if (o[k] === undefined || o[k] === null || o[k] === '') return '';
    const v = optionalText(o[k], k, 64, 1);
    if (v4 ? !/^(\d{1,3}\.){3}\d{1,3}$/.test(v) : !/^[0-9a-fA-F:]+$/.test(v)) throw fieldError(k, v, `'${v}' is not a '${v4 ? 'ipv4' : 'ipv6'}'`);
    return v;
  };
  const adminPass = o.adminPass === undefined ? null : optionalText(o.adminPass, 'adminPass', 255);
  const configDrive = o.config_drive === undefined ? false : typeof o.config_drive === 'boolean' ? o.config_drive : (() => { throw fieldError('config_drive', o.config_drive, `${describeValue(o.config_drive)} is not of type 'boolean'`); })();
  const description = o.description === undefined || o.description === null ? null : optionalText(o.description, 'description', 255);
  const tags = o.tags === undefined ? [] : tagsArg(o.tags, 'tags');
  let hostname: string | null = null;
  if (o.hostname !== undefined) {
    const h = optionalText(o.hostname, 'hostname', 63, 2);
    if (!HOSTNAME_PATTERN.test(h)) throw fieldError('hostname', h, `'${h}' does not match '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$'`);
    hostname = h;
  }
  if (o['OS-DCF:diskConfig'] !== undefined && o['OS-DCF:diskConfig'] !== 'AUTO' && o['OS-DCF:diskConfig'] !== 'MANUAL') throw fieldError('OS-DCF:diskConfig', o['OS-DCF:diskConfig'], `${describeValue(o['OS-DCF:diskConfig'])} is not one of ['AUTO', 'MANUAL']`);
  return { name, flavorRef, imageRef, networks, securityGroups, metadata, keyName, availabilityZone, bdms, minCount, maxCount, returnReservationId, userData, accessIPv4: ip('accessIPv4', true), accessIPv6: ip('accessIPv6', false), adminPass, configDrive, description, tags, hostname, hints: hintsArg(o['os:scheduler_hints']) };
}

/** `utils.sanitize_hostname`: latin-1 only, 63 characters, `[ _.]` → `-`, other non-word characters dropped, lower case, no leading or trailing `.` / `-`. */
export function sanitizeHostname(name: string): string {
  const latin = [...name].filter((c) => (c.codePointAt(0) as number) < 256).join('').slice(0, 63);
  return latin.replace(/[ _.]/g, '-').replace(/[^\p{L}\p{N}_.-]+/gu, '').toLowerCase().replace(/^[.-]+|[.-]+$/g, '');
}

/** `parameter_types.hostname` (2.90): 2..63 characters, letters, digits and inner `-`. */
export const HOSTNAME_PATTERN = /^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$/;
