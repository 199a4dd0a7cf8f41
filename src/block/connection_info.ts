/**
 * The volume manager's side of an attachment (`cinder/volume/manager.py` `attachment_update` /
 * `_connection_create` / `_parse_connection_options`, the drivers' `initialize_connection`:
 * `cinder/volume/targets/lio.py` + `iscsi.py` for LVM, `cinder/volume/drivers/rbd.py`,
 * `cinder/volume/drivers/nfs.py` / `remotefs.py`): the connection info Nova gets, the front-end
 * QoS specs, the RPC call to the volume's `cinder-volume`.
 *
 * Not simulated: targets, exports and initiator ACLs; Ceph monitors (an RBD connection names the
 * pool's storage host, port 6789, user `cinder`); CHAP credentials and the RBD secret uuid are
 * derived from the volume id and the backend name; an NFS share is
 * `<storage host>:/srv/nfs/<backend>`; a volume service that is down makes the RPC time out at
 * once (500, Zed's message).
 */
import { formatUuid, getRow, rngInit, rngNextU32, setRow, type CloudState, type Tx } from '../core/index.js';
import { backendOf, findService } from './backends.js';
import { CinderError } from './errors.js';
import { publisher } from './events.js';
import { connectorText, given, truthy, type Connector } from './attachment_input.js';
import { moveVolume } from './statuses.js';
import type { AttachStatus, AttachmentRow, VolumeRow } from './types.js';
import { volumeUsage } from './views.js';

/** A volume's `attach_status` as Zed writes it (`attaching`, `reserved` as well as `attached` / `detached`). */
export function volumeAttachStatus(status: AttachStatus): Pick<VolumeRow, 'attach_status'> {
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
    if (!given(specs, perGb)) continue;
    // Zed's int() of a non-integer spec is a ValueError (500); such a spec is left as it is here.
    const minimum = given(specs, `${option}_per_gb_min`) ? pyInt(specs[`${option}_per_gb_min`]) : 0;
    const rate = pyInt(specs[perGb]);
    if (minimum === null || rate === null) continue;
    const perGbValue = Math.max(minimum, rate * volume.size);
    const maximum = given(specs, `${option}_max`) ? pyInt(specs[`${option}_max`]) : perGbValue;
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
export function connectionInfo(s: CloudState, volume: VolumeRow, connector: Connector, attachmentId: string, call: 'create' | 'update'): Record<string, unknown> {
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

/** Zed's messages when the RPC call to the volume service fails (create, update, delete). */
export const RPC_FAILURE = {
  create: 'Unable to create attachment for volume.',
  update: 'Unable to update the attachment.',
  delete: 'The server has either erred or is incapable of performing the requested operation.',
} as const;

/** An RPC `call` to the volume's `cinder-volume`: a service whose host is down never answers (Zed: MessagingTimeout, 500). */
export function requireVolumeService(s: CloudState, volume: VolumeRow, call: keyof typeof RPC_FAILURE): string {
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
export function managerAttachmentUpdate(tx: Tx, vref: VolumeRow, connectorIn: Connector, attachmentId: string, call: 'create' | 'update'): Record<string, unknown> {
  const backend = requireVolumeService(tx.draft, vref, call);
  const connector: Connector = { ...connectorIn };
  let mode: unknown = given(connector, 'mode') ? connector.mode : 'rw';
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
