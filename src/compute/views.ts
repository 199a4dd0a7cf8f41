/**
 * The Compute API's views, built from rows at query time as nova's view builders do
 * (`nova/api/openstack/compute/views/servers.py` `show` at microversion 2.93, `views/flavors.py`,
 * `views/keypairs.py`): `status` from vm_state and task_state, `hostId`, `addresses` from the
 * server's ports, `OS-EXT-SRV-ATTR:*` only when `os_compute_api:os-extended-server-attributes`
 * allows, `host_status` under its two rules, `fault` for `ERROR` / `DELETED` servers (details for
 * admins or when the code is not 500). And the legacy notification payload
 * (`nova/compute/utils.py` `info_from_instance`).
 *
 * Not shown: `trusted_image_certificates` is always null; `OS-DCF:diskConfig` is `MANUAL`;
 * `kernel_id` / `ramdisk_id` are ''.
 */
import { getRow, isoAt, type CloudState } from '../core/index.js';
import { sha224 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { addressesOfPorts, type ServerAddress } from '../network/index.js';
import { allowed, type Ctx } from './context.js';
import { NOVA_RULES } from './policies.js';
import { hostStatusOf, type HostStatusValue } from './host_status.js';
import type { BdmRow, ServerRow } from './types.js';
import { bdmEntries } from './block_device.js';
import { serverStatus } from './vm_states.js';

/** The compute endpoint DevStack registers (`http://controller/compute/v2.1`). */
export const COMPUTE_URL = 'http://controller/compute/v2.1';

/** A link of nova's views. */
export interface Link {
  readonly rel: string;
  readonly href: string;
}

/** `self` and `bookmark` links of a resource, as nova's `_get_links`. */
export function links(collection: string, id: string): Link[] {
  return [
    { rel: 'self', href: `${COMPUTE_URL}/${collection}/${id}` },
    { rel: 'bookmark', href: `http://controller/compute/${collection}/${id}` },
  ];
}

/** nova's `utils.isotime`: `2026-12-05T06:20:59Z`. */
export function isotime(s: CloudState, t: number): string {
  return isoAt(s.meta.clock.epoch, t);
}

/** `str(datetime)` of a naive timestamp, as `OS-SRV-USG:launched_at` shows it: `2026-12-05T06:20:59.000000`. */
export function usgTime(s: CloudState, t: number | null): string | null {
  return t === null ? null : isoAt(s.meta.clock.epoch, t, true).replace(/Z$/, '');
}

/** `utils.generate_hostid`: sha224 of project id and host, '' without a host. */
export function hostId(host: string | null, projectId: string): string {
  if (!host) return '';
  return bytesToHex(sha224(utf8ToBytes(projectId + host)));
}

/** A server's flavor as 2.47+ shows it. */
export interface ServerFlavorView {
  readonly vcpus: number;
  readonly ram: number;
  readonly disk: number;
  readonly ephemeral: number;
  readonly swap: number;
  readonly original_name: string;
  readonly extra_specs?: Readonly<Record<string, string>>;
}

/** A server's fault (`ERROR` / `DELETED` servers). */
export interface ServerFaultView {
  readonly code: number;
  readonly created: string;
  readonly message: string;
  readonly details?: string;
}

/** `GET /servers/{id}` at 2.93: the server's detailed view. */
export interface ServerView {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly tenant_id: string;
  readonly user_id: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly hostId: string;
  readonly image: '' | { readonly id: string; readonly links: readonly Link[] };
  readonly flavor: ServerFlavorView;
  readonly created: string;
  readonly updated: string;
  readonly addresses: Readonly<Record<string, readonly ServerAddress[]>>;
  readonly accessIPv4: string;
  readonly accessIPv6: string;
  readonly links: readonly Link[];
  readonly 'OS-DCF:diskConfig': 'MANUAL' | 'AUTO';
  readonly fault?: ServerFaultView;
  readonly progress?: number;
  readonly 'OS-EXT-AZ:availability_zone': string;
  readonly config_drive: string;
  readonly key_name: string | null;
  readonly 'OS-SRV-USG:launched_at': string | null;
  readonly 'OS-SRV-USG:terminated_at': string | null;
  readonly security_groups?: readonly { readonly name: string }[];
  readonly 'OS-EXT-SRV-ATTR:host'?: string | null;
  readonly 'OS-EXT-SRV-ATTR:instance_name'?: string;
  readonly 'OS-EXT-SRV-ATTR:hypervisor_hostname'?: string | null;
  readonly 'OS-EXT-SRV-ATTR:reservation_id'?: string;
  readonly 'OS-EXT-SRV-ATTR:launch_index'?: number;
  readonly 'OS-EXT-SRV-ATTR:hostname'?: string;
  readonly 'OS-EXT-SRV-ATTR:kernel_id'?: string;
  readonly 'OS-EXT-SRV-ATTR:ramdisk_id'?: string;
  readonly 'OS-EXT-SRV-ATTR:root_device_name'?: string | null;
  readonly 'OS-EXT-SRV-ATTR:user_data'?: string | null;
  readonly 'OS-EXT-STS:task_state': string | null;
  readonly 'OS-EXT-STS:vm_state': string;
  readonly 'OS-EXT-STS:power_state': number;
  readonly 'os-extended-volumes:volumes_attached': readonly { readonly id: string; readonly delete_on_termination: boolean }[];
  readonly host_status?: HostStatusValue;
  readonly locked: boolean;
  readonly locked_reason: string | null;
  readonly description: string | null;
  readonly tags: readonly string[];
  readonly trusted_image_certificates: null;
}

/** `GET /servers`: id, name, links. */
export interface ServerSummary {
  readonly id: string;
  readonly name: string;
  readonly links: readonly Link[];
}

const PROGRESS_STATUSES = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);
const FAULT_STATUSES = new Set(['ERROR', 'DELETED']);

/** nova's `instance.name`: `instance_name_template` over the database id. */
export function instanceName(template: string, id: number): string {
  return template.replace(/%(0(\d+))?([xd])/, (_m, _p, width: string | undefined, kind: string) => {
    const text = kind === 'x' ? id.toString(16) : String(id);
    return width === undefined ? text : text.padStart(Number(width), '0');
  });
}

/** The volumes attached to a server (its volume BDMs), in device order. */
export function volumeBdms(s: CloudState, uuid: string): BdmRow[] {
  const out: BdmRow[] = [];
  for (const [, b] of bdmEntries(s, uuid)) if (b.destination_type === 'volume' && b.volume_id !== null) out.push(b);
  return out.sort((a, b) => (a.boot_index ?? 1e9) - (b.boot_index ?? 1e9) || (a.device_name < b.device_name ? -1 : a.device_name > b.device_name ? 1 : 0));
}

/** The server's detailed view for the caller (nova's `ViewBuilder.show`). */
export function serverView(ctx: Ctx, row: ServerRow): ServerView {
  const s = ctx.s;
  const status = serverStatus(row.vm_state, row.task_state);
  const target = { project_id: row.project_id };
  const showExtraSpecs = allowed(ctx, NOVA_RULES.servers.showFlavorExtraSpecs, target);
  const showExtended = allowed(ctx, NOVA_RULES.servers.extendedAttributes, target);
  const f = row.flavor;
  const flavor: ServerFlavorView = { vcpus: f.vcpus, ram: f.memory_mb, disk: f.root_gb, ephemeral: f.ephemeral_gb, swap: f.swap, original_name: f.name, ...(showExtraSpecs ? { extra_specs: { ...f.extra_specs } } : {}) };
  const view: Record<string, unknown> = {
    id: row.uuid,
    name: row.name,
    status,
    tenant_id: row.project_id,
    user_id: row.user_id,
    metadata: { ...row.metadata },
    hostId: hostId(row.host, row.project_id),
    image: row.image_ref === '' ? '' : { id: row.image_ref, links: [{ rel: 'bookmark', href: `http://controller/compute/images/${row.image_ref}` }] },
    flavor,
    created: isotime(s, row.created_at),
    updated: isotime(s, row.updated_at ?? row.created_at),
    // _get_addresses: hidden while the server is building
    addresses: row.vm_state === 'building' ? {} : addressesOfPorts(s, row.vifs.map((v) => v.port_id)),
    accessIPv4: row.access_ip_v4,
    accessIPv6: row.access_ip_v6,
    links: links('servers', row.uuid),
    'OS-DCF:diskConfig': 'MANUAL',
  };
  if (FAULT_STATUSES.has(status) && row.fault !== null) {
    const fault: Record<string, unknown> = { code: row.fault.code, created: isotime(s, row.fault.created), message: row.fault.message };
    if (row.fault.details && (ctx.isAdmin || row.fault.code !== 500)) fault.details = row.fault.details;
    view.fault = fault;
  }
  if (PROGRESS_STATUSES.has(status)) view.progress = row.progress;
  view['OS-EXT-AZ:availability_zone'] = availabilityZoneOf(row);
  view.config_drive = row.config_drive;
  view.key_name = row.key_name;
  view['OS-SRV-USG:launched_at'] = usgTime(s, row.launched_at);
  view['OS-SRV-USG:terminated_at'] = usgTime(s, row.terminated_at);
  // _add_security_grps: only for servers with network info (not while building in cell0)
  if (row.vifs.length > 0 || row.security_groups.length > 0) view.security_groups = row.security_groups.map((name) => ({ name }));
  if (showExtended) {
    view['OS-EXT-SRV-ATTR:host'] = row.host;
    view['OS-EXT-SRV-ATTR:instance_name'] = instanceName(s.compute.config.instance_name_template, row.db_id);
    view['OS-EXT-SRV-ATTR:hypervisor_hostname'] = row.node;
    view['OS-EXT-SRV-ATTR:reservation_id'] = row.reservation_id;
    view['OS-EXT-SRV-ATTR:launch_index'] = row.launch_index;
    view['OS-EXT-SRV-ATTR:hostname'] = row.hostname;
    view['OS-EXT-SRV-ATTR:kernel_id'] = '';
    view['OS-EXT-SRV-ATTR:ramdisk_id'] = '';
    view['OS-EXT-SRV-ATTR:root_device_name'] = row.root_device_name;
    view['OS-EXT-SRV-ATTR:user_data'] = row.user_data;
  }
  view['OS-EXT-STS:task_state'] = row.task_state;
  view['OS-EXT-STS:vm_state'] = row.vm_state;
  view['OS-EXT-STS:power_state'] = row.power_state;
  view['os-extended-volumes:volumes_attached'] = volumeBdms(s, row.uuid).map((b) => ({ id: b.volume_id as string, delete_on_termination: b.delete_on_termination }));
  // 2.16: host_status when `show:host_status` allows, or only UNKNOWN under `show:host_status:unknown-only`
  const full = allowed(ctx, NOVA_RULES.servers.showHostStatus, target);
  const unknownOnly = !full && allowed(ctx, NOVA_RULES.servers.showHostStatusUnknownOnly, target);
  if (full || unknownOnly) {
    const hs = hostStatusOf(s, row);
    if (full || hs === 'UNKNOWN') view.host_status = hs;
  }
  view.locked = row.locked;
  view.locked_reason = row.locked_reason;
  view.description = row.description;
  view.tags = [...row.tags];
  view.trusted_image_certificates = null;
  if (!showExtended) view['OS-EXT-SRV-ATTR:hostname'] = row.hostname;
  return view as unknown as ServerView;
}

/** `get_instance_availability_zone`: the host's zone once scheduled, else the one asked for. */
export function availabilityZoneOf(row: ServerRow): string {
  return row.availability_zone ?? row.requested_availability_zone ?? '';
}


/** `GET /servers` (no detail): id, name, links. */
export function serverSummary(row: ServerRow): ServerSummary {
  return { id: row.uuid, name: row.name, links: links('servers', row.uuid) };
}

/**
 * The legacy notification payload (`info_from_instance`): `compute.instance.*` events carry it.
 */
export interface InstanceUsage {
  readonly tenant_id: string;
  readonly user_id: string;
  readonly instance_id: string;
  readonly display_name: string;
  readonly hostname: string;
  readonly host: string | null;
  readonly node: string | null;
  readonly instance_type: string;
  readonly instance_flavor_id: string;
  readonly memory_mb: number;
  readonly disk_gb: number;
  readonly root_gb: number;
  readonly ephemeral_gb: number;
  readonly vcpus: number;
  readonly state: string;
  readonly state_description: string;
  readonly image_ref_url: string;
  readonly created_at: string;
  readonly launched_at: string;
  readonly terminated_at: string;
  readonly availability_zone: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly fixed_ips: readonly { readonly address: string; readonly version: number; readonly label: string; readonly vif_mac: string; readonly type: string }[];
  readonly message?: string;
  readonly image_name?: string;
}

/** `info_from_instance` of a row. */
export function instanceUsage(s: CloudState, row: ServerRow, extra: { readonly message?: string; readonly image_name?: string } = {}): InstanceUsage {
  const f = row.flavor;
  const addresses = addressesOfPorts(s, row.vifs.map((v) => v.port_id));
  const fixed = Object.entries(addresses).flatMap(([label, list]) => list.filter((a) => a['OS-EXT-IPS:type'] === 'fixed').map((a) => ({ address: a.addr, version: a.version, label, vif_mac: a['OS-EXT-IPS-MAC:mac_addr'], type: 'fixed' })));
  const at = (t: number | null) => (t === null ? '' : usgTime(s, t)!.replace('T', ' '));
  return {
    tenant_id: row.project_id,
    user_id: row.user_id,
    instance_id: row.uuid,
    display_name: row.name,
    hostname: row.hostname,
    host: row.host,
    node: row.node,
    instance_type: f.name,
    instance_flavor_id: f.flavorid,
    memory_mb: f.memory_mb,
    disk_gb: f.root_gb + f.ephemeral_gb,
    root_gb: f.root_gb,
    ephemeral_gb: f.ephemeral_gb,
    vcpus: f.vcpus,
    state: row.vm_state,
    state_description: row.task_state ?? '',
    image_ref_url: row.image_ref === '' ? '' : `http://controller/image/v2/images/${row.image_ref}`,
    created_at: at(row.created_at),
    launched_at: at(row.launched_at),
    terminated_at: at(row.terminated_at),
    availability_zone: row.availability_zone,
    metadata: { ...row.metadata },
    fixed_ips: fixed,
    ...extra,
  };
}

/** The server row of an id (undefined when there is none). */
export function serverRow(s: CloudState, uuid: string): ServerRow | undefined {
  return getRow(s.compute.servers, uuid);
}
