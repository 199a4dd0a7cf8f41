/**
 * Glance's rows and vocabulary (Zed, API 2.16): image statuses and their transitions
 * (`glance/domain/__init__.py` `Image.valid_state_targets`), visibilities, member statuses,
 * and the options of `glance-api.conf` that shape what the API accepts.
 */
import type { Table } from '../core/index.js';

/** Every image status (`glance/db/sqlalchemy/models.py` STATUSES; the `image` schema's enum). */
export const IMAGE_STATUSES = ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing', 'pending_delete', 'deactivated'] as const;
/** An image status. */
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

/** Allowed status transitions, verbatim from `Image.valid_state_targets`. */
export const VALID_STATE_TARGETS: Readonly<Record<ImageStatus, readonly ImageStatus[]>> = {
  queued: ['saving', 'uploading', 'importing', 'active', 'deleted'],
  saving: ['active', 'killed', 'deleted', 'queued'],
  uploading: ['importing', 'queued', 'deleted'],
  importing: ['active', 'deleted', 'queued'],
  active: ['pending_delete', 'deleted', 'deactivated'],
  killed: ['deleted'],
  pending_delete: ['deleted', 'active'],
  deleted: [],
  deactivated: ['active', 'deleted'],
};

/** Image visibilities (Glance 2.5+). */
export const VISIBILITIES = ['community', 'public', 'private', 'shared'] as const;
/** An image visibility. */
export type Visibility = (typeof VISIBILITIES)[number];

/** Member statuses (`ImageMembership.status`). */
export const MEMBER_STATUSES = ['pending', 'accepted', 'rejected'] as const;
/** A member status. */
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** `[image_format] container_formats` default in Zed. */
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'] as const;
/** `[image_format] disk_formats` default in Zed. */
export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'] as const;

/** `glance-api.conf` options the simulation reads (Zed's defaults in {@link IMAGE_DEFAULTS}). */
export interface ImageConfig {
  /** `[DEFAULT] limit_param_default`. */
  readonly limit_param_default: number;
  /** `[DEFAULT] api_limit_max`. */
  readonly api_limit_max: number;
  /** `[DEFAULT] image_member_quota`. */
  readonly image_member_quota: number;
  /** `[DEFAULT] image_property_quota`. */
  readonly image_property_quota: number;
  /** `[DEFAULT] image_tag_quota`. */
  readonly image_tag_quota: number;
  /** `[DEFAULT] image_size_cap` in bytes. */
  readonly image_size_cap: number;
  /** `[DEFAULT] enabled_import_methods`. */
  readonly enabled_import_methods: readonly string[];
  /** `[DEFAULT] hashing_algorithm`. */
  readonly hashing_algorithm: 'sha512';
  /** `[glance_store] swift_store_container`. */
  readonly swift_store_container: string;
  /**
   * The Swift account glance_store writes to with `swift_store_multi_tenant = False`: the
   * account of the project of `swift_store_user` (DevStack's `service:glance`), `AUTH_<id>`.
   */
  readonly swift_store_account: string;
}

/** Zed's defaults (`glance/common/config.py`); the store account is set when the cloud is made. */
export const IMAGE_DEFAULTS: Omit<ImageConfig, 'swift_store_account'> = {
  limit_param_default: 25,
  api_limit_max: 1000,
  image_member_quota: 128,
  image_property_quota: 128,
  image_tag_quota: 128,
  image_size_cap: 1099511627776,
  enabled_import_methods: ['glance-direct', 'web-download', 'copy-image'],
  hashing_algorithm: 'sha512',
  swift_store_container: 'glance',
};

/** Where an image's data lives in Swift (glance_store's single location). */
export interface ImageLocation {
  readonly account: string;
  readonly container: string;
  readonly object: string;
}

/** One image as stored (times are virtual seconds). */
export interface ImageRow {
  readonly id: string;
  readonly name: string | null;
  readonly status: ImageStatus;
  readonly visibility: Visibility;
  readonly protected: boolean;
  readonly os_hidden: boolean;
  readonly owner: string | null;
  readonly disk_format: string | null;
  readonly container_format: string | null;
  readonly min_disk: number;
  readonly min_ram: number;
  readonly size: number | null;
  readonly virtual_size: number | null;
  readonly checksum: string | null;
  readonly os_hash_algo: string | null;
  readonly os_hash_value: string | null;
  /** Free-form properties (`hw_architecture`, `os_distro`, …): string values. */
  readonly properties: Readonly<Record<string, string>>;
  /** Sorted, unique. */
  readonly tags: readonly string[];
  readonly created_at: number;
  readonly updated_at: number;
  /** The data in the store, once uploaded or imported. */
  readonly location: ImageLocation | null;
  /** Blob id of data staged for `glance-direct` (`node_staging_uri`), while staged. */
  readonly staged: string | null;
}

/** One membership (`image_members` row). */
export interface MemberRow {
  readonly image_id: string;
  /** The project the image is shared with. */
  readonly member_id: string;
  readonly status: MemberStatus;
  readonly created_at: number;
  readonly updated_at: number;
}

/** An image task (`api_image_import`), as `GET /v2/images/{id}/tasks` shows it. */
export interface TaskRow {
  readonly id: string;
  readonly type: 'api_image_import';
  readonly status: 'pending' | 'processing' | 'success' | 'failure';
  readonly owner: string | null;
  readonly image_id: string;
  readonly user_id: string;
  readonly request_id: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly result: Readonly<Record<string, unknown>> | null;
  readonly message: string;
  readonly created_at: number;
  readonly updated_at: number;
  /** `task_time_to_live` (48 h) after success or failure. */
  readonly expires_at: number | null;
}

/** Glance's slice of the state. */
export interface ImageState {
  readonly config: ImageConfig;
  readonly images: Table<ImageRow>;
  /** Keyed `<image_id>/<member_id>`. */
  readonly members: Table<MemberRow>;
  readonly tasks: Table<TaskRow>;
}
