/**
 * Cinder's rows and the block storage slice (`cinder/objects/`, `cinder/db/sqlalchemy/models.py`):
 * services, backends and their pools, volume types with extra specs and access, QoS specs,
 * volumes, attachments, snapshots, backups, transfers, and the blocks that hold volume content.
 * Rows are normalised; the API views are built from them at query time.
 */
import type { Table } from '../core/index.js';

/** `cinder.objects.fields.VolumeStatus`, and `reverting`, which `revert_to_snapshot` sets (`cinder/volume/api.py`) though the enum omits it. */
export const VOLUME_STATUSES = [
  'creating', 'available', 'deleting', 'error', 'error_deleting', 'error_managing', 'managing', 'attaching', 'in-use', 'detaching', 'maintenance',
  'restoring-backup', 'error_restoring', 'reserved', 'awaiting-transfer', 'backing-up', 'error_backing-up', 'error_extending', 'downloading', 'uploading',
  'retyping', 'extending', 'reverting',
] as const;
/** A volume's `status`. */
export type VolumeStatus = (typeof VOLUME_STATUSES)[number];

/** `VolumeAttachStatus`: an attachment's `attach_status`, and a volume's (`attached` / `detached`). */
export const ATTACH_STATUSES = ['attached', 'attaching', 'detached', 'error_attaching', 'error_detaching', 'reserved', 'deleted'] as const;
/** An attachment's or a volume's `attach_status`. */
export type AttachStatus = (typeof ATTACH_STATUSES)[number];

/** `VolumeMigrationStatus` (null when the volume never migrated). */
export const MIGRATION_STATUSES = ['migrating', 'error', 'success', 'completing', 'none', 'starting'] as const;
/** A volume's `migration_status`. */
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

/** `SnapshotStatus`. */
export const SNAPSHOT_STATUSES = ['error', 'available', 'creating', 'deleting', 'deleted', 'updating', 'error_deleting', 'unmanaging', 'backing-up', 'restoring'] as const;
/** A snapshot's `status`. */
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

/** `BackupStatus`. */
export const BACKUP_STATUSES = ['error', 'error_deleting', 'creating', 'available', 'deleting', 'deleted', 'restoring'] as const;
/** A backup's `status`. */
export type BackupStatus = (typeof BACKUP_STATUSES)[number];

/** The volume drivers stacksim models, by their usual names. */
export const DRIVERS = ['lvm', 'rbd', 'nfs'] as const;
/** A backend's driver: LVM (iSCSI), Ceph RBD, NFS. */
export type DriverName = (typeof DRIVERS)[number];

/** A `cinder-volume` backend as configured (`[lvmdriver-1]` in cinder.conf). */
export interface BackendSpec {
  /** The section name (`enabled_backends` entry), e.g. `lvmdriver-1`. */
  readonly name: string;
  readonly driver: DriverName;
  /** `volume_backend_name` (defaults to `name`). */
  readonly volume_backend_name: string;
  /** Storage hosts that run this backend (default: every host with the `storage` role). */
  readonly hosts: readonly string[] | null;
  /** Capacity per host in GB (LVM: the volume group, DevStack's `VOLUME_BACKING_FILE_SIZE` 24 GB). */
  readonly size_gb: number;
  /** `lvm_type = thin` (LVM), always thin for RBD, `nfs_sparsed_volumes` for NFS. */
  readonly thin: boolean;
  readonly max_over_subscription_ratio: number;
  readonly reserved_percentage: number;
  /** Pools the backend reports (LVM and NFS: one, named after the backend; RBD: the Ceph pool `volumes`). */
  readonly pools: readonly string[];
}

/** The block service's configuration (`cinder.conf`), Zed's defaults. */
export interface BlockConfig {
  readonly backends: readonly BackendSpec[];
  /** `[DEFAULT] default_volume_type`: `__DEFAULT__`. */
  readonly default_volume_type: string;
  /** `[DEFAULT] storage_availability_zone`: `nova`. */
  readonly storage_availability_zone: string;
  /** `[DEFAULT] default_availability_zone`: unset, then `storage_availability_zone`. */
  readonly default_availability_zone: string | null;
  /** `[DEFAULT] allow_availability_zone_fallback`: false. */
  readonly allow_availability_zone_fallback: boolean;
  /** `[DEFAULT] scheduler_default_filters`: AvailabilityZoneFilter, CapacityFilter, CapabilitiesFilter. */
  readonly scheduler_default_filters: readonly string[];
  /** `[DEFAULT] scheduler_default_weighers`: CapacityWeigher. */
  readonly scheduler_default_weighers: readonly string[];
  /** `capacity_weight_multiplier` 1.0. */
  readonly capacity_weight_multiplier: number;
  /** `allocated_capacity_weight_multiplier` -1.0. */
  readonly allocated_capacity_weight_multiplier: number;
  /** `[DEFAULT] service_down_time`: 60 s. */
  readonly service_down_time: number;
  /** `backup_swift_container`: `volumebackups`. */
  readonly backup_swift_container: string;
  /** `backup_swift_object_size`: 52428800 bytes. */
  readonly backup_swift_object_size: number;
  /** `backup_swift_block_size`: 32768 bytes (also the granularity of volume content here). */
  readonly backup_swift_block_size: number;
  /** Whether `cinder-backup` runs (DevStack enables `c-bak` with Swift). */
  readonly backup_enabled: boolean;
}

/** A Cinder service row (`cinder service-list`): `cinder-scheduler`, `cinder-volume` per backend, `cinder-backup`. */
export interface ServiceRow {
  readonly id: number;
  readonly binary: 'cinder-scheduler' | 'cinder-volume' | 'cinder-backup';
  /** `controller` or, for a volume service, `controller@lvmdriver-1`. */
  readonly host: string;
  /** The hardware host it runs on. */
  readonly hardware_host: string;
  readonly zone: string;
  readonly disabled: boolean;
  readonly disabled_reason: string | null;
  readonly frozen: boolean;
  /** Whether its host runs (heartbeats now); a stopped service's `updated_at` is its last heartbeat. */
  readonly reporting: boolean;
  readonly created_at: number;
  readonly updated_at: number;
}

/** A storage pool a volume backend reports (`get_volume_stats()['pools'][i]`). */
export interface PoolRow {
  /** `host@backend#pool`: what a volume's `os-vol-host-attr:host` holds. */
  readonly name: string;
  /** `host@backend`. */
  readonly backend: string;
  readonly pool_name: string;
  readonly hardware_host: string;
  readonly backend_name: string;
  readonly driver: DriverName;
  readonly volume_backend_name: string;
  readonly storage_protocol: string;
  readonly vendor_name: string;
  readonly driver_version: string;
  readonly availability_zone: string;
  readonly total_capacity_gb: number;
  readonly reserved_percentage: number;
  readonly max_over_subscription_ratio: number;
  readonly thin_provisioning_support: boolean;
  readonly thick_provisioning_support: boolean;
  readonly multiattach: boolean;
  /** Sum of the sizes of the volumes on the pool (what the volume manager counts). */
  readonly allocated_capacity_gb: number;
  /** Sum of the sizes of the volumes on the pool (`provisioned_capacity_gb`). */
  readonly provisioned_capacity_gb: number;
  /** Blocks physically written on the pool by its volumes (a snapshot shares its volume's blocks and is not counted), for a thin pool's free space. */
  readonly written_blocks: number;
}

/** A volume type (`cinder/objects/volume_type.py`). */
export interface VolumeTypeRow {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly is_public: boolean;
  readonly extra_specs: Readonly<Record<string, string>>;
  readonly qos_specs_id: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

/** QoS specs (`cinder/objects/qos_specs.py`). */
export interface QosSpecsRow {
  readonly id: string;
  readonly name: string;
  /** `front-end`, `back-end` or `both` (default `back-end`). */
  readonly consumer: 'front-end' | 'back-end' | 'both';
  readonly specs: Readonly<Record<string, string>>;
  readonly created_at: number;
}

/** A volume (`cinder/objects/volume.py`). */
export interface VolumeRow {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly project_id: string;
  readonly user_id: string;
  readonly size: number;
  readonly status: VolumeStatus;
  /** `attached` / `detached`, and `attaching` / `reserved` while an attachment is being made (Zed writes them there too). */
  readonly attach_status: AttachStatus;
  readonly migration_status: MigrationStatus | null;
  readonly availability_zone: string;
  /** `host@backend#pool`, null until scheduled (or when no backend was valid). */
  readonly host: string | null;
  readonly volume_type_id: string;
  readonly snapshot_id: string | null;
  readonly source_volid: string | null;
  readonly backup_id: string | null;
  readonly bootable: boolean;
  readonly multiattach: boolean;
  readonly encrypted: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  /** `volume_glance_metadata` (copied from the image; the view's `volume_image_metadata`). */
  readonly glance_metadata: Readonly<Record<string, string>> | null;
  /** `admin_metadata` (`readonly`, `attached_mode`). */
  readonly admin_metadata: Readonly<Record<string, string>>;
  /** The status a `backing-up` / `restoring-backup` / `uploading` volume returns to (`previous_status`). */
  readonly previous_status: VolumeStatus | null;
  readonly group_id: string | null;
  readonly consumes_quota: boolean;
  readonly created_at: number;
  readonly updated_at: number;
  readonly launched_at: number | null;
  readonly terminated_at: number | null;
}

/** A volume attachment (`cinder/objects/volume_attachment.py`). */
export interface AttachmentRow {
  readonly id: string;
  readonly volume_id: string;
  readonly project_id: string;
  /** `instance_uuid`: the server. */
  readonly instance_uuid: string | null;
  readonly attached_host: string | null;
  readonly mountpoint: string | null;
  readonly attach_status: AttachStatus;
  /**
   * `rw` or `ro`; the string `'null'` when `attachment_create` got no mode (Zed stores it so);
   * null until create stores one (any string of at most 36 characters a connector's `mode` gives).
   */
  readonly attach_mode: string | null;
  readonly connector: Readonly<Record<string, unknown>> | null;
  readonly connection_info: Readonly<Record<string, unknown>> | null;
  readonly attach_time: number | null;
  readonly detach_time: number | null;
  readonly created_at: number;
  readonly updated_at: number;
}

/** A snapshot (`cinder/objects/snapshot.py`). */
export interface SnapshotRow {
  readonly id: string;
  readonly volume_id: string;
  readonly project_id: string;
  readonly user_id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly status: SnapshotStatus;
  readonly progress: string;
  readonly volume_size: number;
  readonly volume_type_id: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly group_snapshot_id: string | null;
  /**
   * Its place among its volume's snapshots (one more than any other it has when it is made): the tie-break of `created_at`
   * when the clock did not move between two creates (Cinder's timestamps have microseconds), so
   * `revert` finds the latest snapshot as `snapshot_get_latest_for_volume` does.
   */
  readonly seq: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/** One object of a backup in Swift (the chunked driver's `_metadata` entry), with the blocks it holds. */
export interface BackupObject {
  readonly name: string;
  /** Byte offset of the chunk in the volume. */
  readonly offset: number;
  /** Chunk length in the volume (`backup_swift_object_size`, or less for the last one). */
  readonly length: number;
  /** The volume blocks (indexes) whose bytes the object holds, in order. */
  readonly blocks: readonly number[];
  readonly md5: string;
}

/** A backup (`cinder/objects/backup.py`); its data are objects in Swift. */
export interface BackupRow {
  readonly id: string;
  readonly volume_id: string;
  readonly snapshot_id: string | null;
  readonly project_id: string;
  readonly user_id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly status: BackupStatus;
  readonly fail_reason: string | null;
  readonly size: number;
  readonly object_count: number;
  readonly container: string;
  /** The object name prefix (`volume_<id>/<timestamp>/az_<az>_backup_<id>`). */
  readonly service_metadata: string;
  readonly availability_zone: string;
  readonly parent_id: string | null;
  readonly num_dependent_backups: number;
  readonly data_timestamp: number;
  readonly metadata: Readonly<Record<string, string>>;
  /** The objects written (data lives only in Swift). */
  readonly objects: readonly BackupObject[];
  /** sha256 per written block (`_sha256file`), sparse: the blocks absent are zeros. */
  readonly sha256: Readonly<Record<string, string>>;
  /** Creation order among all backups (`tx.counter('block.backup')`): the virtual clock may stand still, so this breaks `data_timestamp` ties when an incremental's parent is chosen. */
  readonly seq: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/** A volume transfer (`cinder/objects/transfer.py`); the auth key is kept as its salted hash, as Cinder does. */
export interface TransferRow {
  readonly id: string;
  readonly volume_id: string;
  readonly display_name: string | null;
  readonly salt: string;
  readonly crypt_hash: string;
  readonly source_project_id: string;
  readonly destination_project_id: string | null;
  readonly accepted: boolean;
  readonly no_snapshots: boolean;
  readonly created_at: number;
}

/** The block storage slice of the state. */
export interface BlockState {
  readonly config: BlockConfig;
  readonly services: Table<ServiceRow>;
  readonly next_service_id: number;
  readonly pools: Table<PoolRow>;
  readonly volume_types: Table<VolumeTypeRow>;
  /** `<type id>/<project id>` → project id: private types' access list. */
  readonly type_access: Table<string>;
  readonly qos_specs: Table<QosSpecsRow>;
  readonly volumes: Table<VolumeRow>;
  readonly attachments: Table<AttachmentRow>;
  /** `<volume id>/<attachment id>` → attachment id. */
  readonly volume_attachments: Table<string>;
  readonly snapshots: Table<SnapshotRow>;
  /** `<volume id>/<snapshot id>` → snapshot id. */
  readonly volume_snapshots: Table<string>;
  readonly backups: Table<BackupRow>;
  readonly transfers: Table<TransferRow>;
  /** `<volume id>/<transfer id>` → transfer id: a volume's transfers (so a volume's delete finds them without a scan). */
  readonly volume_transfers: Table<string>;
  /** `<volume id>/<backup id>` → backup id: a volume's backups (the incremental parent, the volume's delete). */
  readonly volume_backups: Table<string>;
  /** `<parent backup id>/<backup id>` → backup id: an incremental backup's children. */
  readonly backup_children: Table<string>;
  /** `<volume or snapshot id>/<block index, 8 base-36 digits>` → blob id: the written blocks (unwritten ones read as zeros). */
  readonly blocks: Table<string>;
}
