/**
 * The Block Storage API's views of volumes (`cinder/api/v2/views/volumes.py`,
 * `cinder/api/v3/views/volumes.py` at 3.70) and the extension attributes Cinder adds under their
 * policies (`cinder/api/contrib/volume_host_attribute.py` `os-vol-host-attr:host`,
 * `volume_tenant_attribute.py`, `volume_mig_status_attribute.py`, `volume_image_metadata.py`), and
 * the usage payloads of Cinder's notifications (`cinder/volume/volume_utils.py` `_usage_from_*`).
 * Not shown: `links` point at `http://controller/volume/v3/…`; `provider_id`, `cluster_name`,
 * `service_uuid` are null (no clusters, no driver provider ids).
 */
import { getRow, isoAt, type CloudState } from '../core/index.js';
import { allowed, indexed, type Ctx } from './context.js';
import { CINDER_RULES } from './policies.js';
import type { AttachmentRow, BackupRow, PoolRow, SnapshotRow, VolumeRow } from './types.js';

/** One entry of a volume's `attachments`. */
export interface VolumeAttachmentEntry {
  readonly server_id: string | null;
  readonly attachment_id: string;
  readonly attached_at: string | null;
  readonly host_name: string | null;
  readonly volume_id: string;
  readonly device: string | null;
  readonly id: string;
}

/** `GET /v3/{project_id}/volumes/{id}` at 3.70 (the `volume` object). */
export interface VolumeView {
  readonly id: string;
  readonly status: string;
  readonly size: number;
  readonly availability_zone: string;
  readonly created_at: string;
  readonly updated_at: string | null;
  readonly name: string | null;
  readonly description: string | null;
  readonly volume_type: string | null;
  readonly snapshot_id: string | null;
  readonly source_volid: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly links: readonly { readonly href: string; readonly rel: string }[];
  readonly user_id: string;
  /** `"true"` / `"false"`: a string, as Cinder shows it. */
  readonly bootable: 'true' | 'false';
  readonly encrypted: boolean;
  readonly replication_status: string | null;
  readonly consistencygroup_id: string | null;
  readonly multiattach: boolean;
  readonly attachments: readonly VolumeAttachmentEntry[];
  readonly migration_status?: string | null;
  readonly group_id: string | null;
  readonly provider_id?: string | null;
  readonly shared_targets: boolean | null;
  readonly service_uuid: string | null;
  readonly cluster_name?: string | null;
  readonly volume_type_id: string;
  readonly consumes_quota: boolean;
  readonly 'os-vol-host-attr:host'?: string | null;
  readonly 'os-vol-tenant-attr:tenant_id'?: string;
  readonly 'os-vol-mig-status-attr:migstat'?: string | null;
  readonly 'os-vol-mig-status-attr:name_id'?: string | null;
  readonly volume_image_metadata?: Readonly<Record<string, string>>;
}

/** `GET /v3/{project_id}/volumes` (no `detail`): id, name, links. */
export interface VolumeSummary {
  readonly id: string;
  readonly name: string | null;
  readonly links: readonly { readonly href: string; readonly rel: string }[];
}

const iso = (s: CloudState, t: number | null): string | null => (t === null ? null : isoAt(s.meta.clock.epoch, t, true).replace(/Z$/, ''));

/** Cinder's `created_at` format (`2026-12-05T03:34:19.000000`). */
export function timestamp(s: CloudState, t: number): string {
  return iso(s, t) as string;
}

function links(kind: string, projectId: string, id: string): { href: string; rel: string }[] {
  return [
    { href: `http://controller/volume/v3/${projectId}/${kind}/${id}`, rel: 'self' },
    { href: `http://controller/volume/${projectId}/${kind}/${id}`, rel: 'bookmark' },
  ];
}

/** The completed attachments of a volume, as the view lists them (`_get_attachments`: attached only; `host_name` for admins). */
export function attachmentEntries(ctx: Ctx, volume: VolumeRow): VolumeAttachmentEntry[] {
  const out: VolumeAttachmentEntry[] = [];
  for (const id of indexed(ctx.s.block.volume_attachments, volume.id)) {
    const a: AttachmentRow | undefined = getRow(ctx.s.block.attachments, id);
    if (a === undefined || a.attach_status !== 'attached') continue;
    out.push({ server_id: a.instance_uuid, attachment_id: a.id, attached_at: iso(ctx.s, a.attach_time), host_name: ctx.isAdmin ? a.attached_host : null, volume_id: volume.id, device: a.mountpoint, id: volume.id });
  }
  return out;
}

/** The user's metadata with the visible admin metadata `readonly` and `attached_mode` added, as `cinder/api/api_utils.py` `add_visible_admin_metadata` does before a show or list. */
function shownMetadata(v: VolumeRow): Readonly<Record<string, string>> {
  const extra: Record<string, string> = {};
  for (const k of ['readonly', 'attached_mode']) {
    const value = v.admin_metadata[k];
    if (value !== undefined) extra[k] = value;
  }
  return Object.keys(extra).length === 0 ? v.metadata : { ...v.metadata, ...extra };
}

/**
 * `shared_targets` (`volume/manager.py` `_driver_shares_targets`, set when the manager creates the
 * volume): `true` while the volume has no host (the row's default, `objects/volume.py`
 * `BooleanField(default=True)`), then what the driver of its pool says — LVM reports
 * `shared_targets = False` itself (`volume/drivers/lvm.py:288`), RBD (`ceph`) and NFS (`nfs`) are
 * no iSCSI protocol (`protocol in constants.ISCSI_VARIANTS` is False): `false` for all three.
 * A volume whose pool is gone keeps `false` (the manager had set it).
 */
export function sharedTargets(s: CloudState, v: VolumeRow): boolean | null {
  if (v.host === null) return true;
  const pool = getRow(s.block.pools, v.host);
  return pool === undefined ? false : DRIVER_SHARES_TARGETS[pool.driver];
}

/** `_driver_shares_targets` per driver stacksim models: LVM `False` by its stats, RBD and NFS by their (non-iSCSI) protocol. */
const DRIVER_SHARES_TARGETS: Readonly<Record<PoolRow['driver'], boolean | null>> = { lvm: false, rbd: false, nfs: false };

/** A volume's detailed view for the caller, with the extension attributes its policies allow. */
export function volumeView(ctx: Ctx, v: VolumeRow): VolumeView {
  const type = getRow(ctx.s.block.volume_types, v.volume_type_id);
  const target = { project_id: v.project_id };
  const status = v.status === 'managing' ? 'creating' : v.status === 'error_managing' ? 'error' : v.status;
  const view: Record<string, unknown> = {
    id: v.id,
    status,
    size: v.size,
    availability_zone: v.availability_zone,
    created_at: timestamp(ctx.s, v.created_at),
    updated_at: iso(ctx.s, v.updated_at),
    name: v.name,
    description: v.description,
    volume_type: type?.name ?? null,
    snapshot_id: v.snapshot_id,
    source_volid: v.source_volid,
    metadata: shownMetadata(v),
    links: links('volumes', v.project_id, v.id),
    user_id: v.user_id,
    bootable: v.bootable ? 'true' : 'false',
    encrypted: v.encrypted,
    replication_status: null,
    consistencygroup_id: null,
    multiattach: v.multiattach,
    attachments: attachmentEntries(ctx, v),
  };
  if (ctx.isAdmin) view.migration_status = v.migration_status;
  view.group_id = v.group_id;
  if (ctx.isAdmin) view.provider_id = null;
  view.shared_targets = sharedTargets(ctx.s, v);
  view.service_uuid = null;
  if (ctx.isAdmin) view.cluster_name = null;
  view.volume_type_id = v.volume_type_id;
  view.consumes_quota = v.consumes_quota;
  if (allowed(ctx, CINDER_RULES.volume.hostAttribute, target)) view['os-vol-host-attr:host'] = v.host;
  if (allowed(ctx, CINDER_RULES.volume.tenantAttribute, target)) view['os-vol-tenant-attr:tenant_id'] = v.project_id;
  if (allowed(ctx, CINDER_RULES.volume.migStatusAttribute, target)) {
    view['os-vol-mig-status-attr:migstat'] = v.migration_status;
    view['os-vol-mig-status-attr:name_id'] = null;
  }
  if (v.glance_metadata !== null && allowed(ctx, CINDER_RULES.volumeMetadata.imageMetadataShow, target)) view.volume_image_metadata = v.glance_metadata;
  return view as unknown as VolumeView;
}

/** A volume's summary view. */
export function volumeSummary(v: VolumeRow): VolumeSummary {
  return { id: v.id, name: v.name, links: links('volumes', v.project_id, v.id) };
}

// ------------------------------------------------------------------ notification payloads

/** `_usage_from_volume`. */
export interface VolumeUsage {
  readonly tenant_id: string;
  readonly host: string | null;
  readonly user_id: string;
  readonly availability_zone: string;
  readonly volume_id: string;
  readonly volume_type: string;
  readonly display_name: string | null;
  readonly launched_at: string;
  readonly created_at: string;
  readonly status: string;
  readonly snapshot_id: string | null;
  readonly size: number;
  readonly replication_status: string | null;
  readonly replication_extended_status: string | null;
  readonly replication_driver_data: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly volume_attachment: readonly { readonly id: string; readonly instance_uuid: string | null; readonly attach_status: string }[];
  readonly glance_metadata?: Readonly<Record<string, string>>;
}

/** The usage payload of a volume notification. */
export function volumeUsage(s: CloudState, v: VolumeRow): VolumeUsage {
  const volume_attachment = indexed(s.block.volume_attachments, v.id)
    .map((id) => getRow(s.block.attachments, id))
    .filter((a): a is AttachmentRow => a !== undefined)
    .map((a) => ({ id: a.id, instance_uuid: a.instance_uuid, attach_status: a.attach_status }));
  const usage: Record<string, unknown> = {
    tenant_id: v.project_id,
    host: v.host,
    user_id: v.user_id,
    availability_zone: v.availability_zone,
    volume_id: v.id,
    volume_type: v.volume_type_id,
    display_name: v.name,
    launched_at: timestamp(s, v.launched_at ?? s.meta.clock.now),
    created_at: timestamp(s, v.created_at),
    status: v.status,
    snapshot_id: v.snapshot_id,
    size: v.size,
    replication_status: null,
    replication_extended_status: null,
    replication_driver_data: null,
    metadata: v.metadata,
    volume_attachment,
  };
  if (v.glance_metadata !== null) usage.glance_metadata = v.glance_metadata;
  return usage as unknown as VolumeUsage;
}

/** `_usage_from_snapshot`. */
export interface SnapshotUsage {
  readonly tenant_id: string;
  readonly user_id: string;
  readonly availability_zone: string;
  readonly volume_id: string;
  readonly volume_size: number;
  readonly snapshot_id: string;
  readonly display_name: string | null;
  readonly created_at: string;
  readonly status: string;
  readonly deleted: string;
  readonly metadata: string;
}

/** The usage payload of a snapshot notification. */
export function snapshotUsage(s: CloudState, snap: SnapshotRow): SnapshotUsage {
  const volume = getRow(s.block.volumes, snap.volume_id);
  return {
    tenant_id: snap.project_id,
    user_id: snap.user_id,
    availability_zone: volume?.availability_zone ?? s.block.config.storage_availability_zone,
    volume_id: snap.volume_id,
    volume_size: snap.volume_size,
    snapshot_id: snap.id,
    display_name: snap.name,
    created_at: timestamp(s, snap.created_at),
    status: snap.status,
    deleted: String(snap.status === 'deleted'),
    metadata: JSON.stringify(snap.metadata),
  };
}

/** `_usage_from_backup`. */
export interface BackupUsage {
  readonly tenant_id: string;
  readonly user_id: string;
  readonly availability_zone: string;
  readonly backup_id: string;
  readonly host: string;
  readonly display_name: string | null;
  readonly created_at: string;
  readonly status: string;
  readonly volume_id: string;
  readonly size: number;
  readonly service_metadata: string;
  readonly service: string;
  readonly fail_reason: string | null;
  readonly parent_id: string | null;
  readonly num_dependent_backups: number;
  readonly snapshot_id: string | null;
}

/** The usage payload of a backup notification. */
export function backupUsage(s: CloudState, b: BackupRow): BackupUsage {
  return {
    tenant_id: b.project_id,
    user_id: b.user_id,
    availability_zone: b.availability_zone,
    backup_id: b.id,
    host: 'controller',
    display_name: b.name,
    created_at: timestamp(s, b.created_at),
    status: b.status,
    volume_id: b.volume_id,
    size: b.size,
    service_metadata: b.service_metadata,
    service: 'cinder.backup.drivers.swift.SwiftBackupDriver',
    fail_reason: b.fail_reason,
    parent_id: b.parent_id,
    num_dependent_backups: b.num_dependent_backups,
    snapshot_id: b.snapshot_id,
  };
}
