/**
 * Glance v2 API views (`glance/api/v2/images.py` `ResponseSerializer._format_image`,
 * `image_members.py` `_format_image_member`) and notification payloads (`glance/notifier.py`).
 * Timestamps are `timeutils.isotime`: whole seconds, `Z`.
 */
import { isoAt, type CloudState } from '../core/index.js';
import type { ImageMemberNotification, ImageNotification } from './events.js';
import type { ImageRow, MemberRow, TaskRow } from './types.js';

type S = CloudState;

/** The base attributes a view shows as the row holds them. */
type BaseAttributes = Omit<ImageRow, 'properties' | 'created_at' | 'updated_at' | 'location' | 'staged'>;

/** `GET /v2/images/{id}`: the base attributes, every free-form property, and the links. */
export interface ImageView extends BaseAttributes {
  readonly created_at: string;
  readonly updated_at: string;
  /** `/v2/images/{id}`. */
  readonly self: string;
  /** `/v2/images/{id}/file`. */
  readonly file: string;
  readonly schema: '/v2/schemas/image';
  /** Free-form properties (`hw_architecture`, `os_distro`, `os_glance_import_task`, …). */
  readonly [property: string]: unknown;
}

/** `GET /v2/images`: one page. `next` is present when the page is full (`limit` images). */
export interface ImageList {
  readonly images: readonly ImageView[];
  readonly first: string;
  readonly schema: '/v2/schemas/images';
  /** `/v2/images?…&marker=<last id>` for the next page. */
  readonly next?: string;
}

/** `GET /v2/images/{id}/members/{member_id}`. */
export interface MemberView {
  readonly member_id: string;
  readonly image_id: string;
  readonly status: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly schema: '/v2/schemas/member';
}

/** `GET /v2/images/{id}/members`. */
export interface MemberList {
  readonly members: readonly MemberView[];
  readonly schema: '/v2/schemas/members';
}

/** One task of `GET /v2/images/{id}/tasks` (2.12): the row with ISO-8601 times. */
export interface TaskView extends Omit<TaskRow, 'type' | 'status' | 'created_at' | 'updated_at' | 'expires_at'> {
  readonly type: string;
  readonly status: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly expires_at: string | null;
}

/** `timeutils.isotime`: `2022-10-05T00:00:10Z` (seconds, no fraction). */
export function isotime(s: S, time: number): string {
  return isoAt(s.meta.clock.epoch, Math.floor(time));
}

/** Properties Glance never shows (`ResponseSerializer._hidden_properties`). */
const HIDDEN = new Set(['os_glance_stage_host']);

/** Builds the API view of an image. */
export function imageView(s: S, i: ImageRow): ImageView {
  const view: Record<string, unknown> = {};
  // defined, not assigned: a property named `__proto__` is an ordinary key here, as in Glance's JSON
  for (const [k, v] of Object.entries(i.properties)) if (!HIDDEN.has(k)) Object.defineProperty(view, k, { value: v, enumerable: true, writable: true, configurable: true });
  Object.assign(view, {
    name: i.name,
    disk_format: i.disk_format,
    container_format: i.container_format,
    visibility: i.visibility,
    size: i.size,
    virtual_size: i.virtual_size,
    status: i.status,
    checksum: i.checksum,
    protected: i.protected,
    min_ram: i.min_ram,
    min_disk: i.min_disk,
    owner: i.owner,
    os_hidden: i.os_hidden,
    os_hash_algo: i.os_hash_algo,
    os_hash_value: i.os_hash_value,
    id: i.id,
    created_at: isotime(s, i.created_at),
    updated_at: isotime(s, i.updated_at),
    tags: Object.freeze([...i.tags]),
    self: `/v2/images/${i.id}`,
    file: `/v2/images/${i.id}/file`,
    schema: '/v2/schemas/image',
  });
  return Object.freeze(view) as ImageView;
}

/** Builds the API view of a membership. */
export function memberView(s: S, m: MemberRow): MemberView {
  return Object.freeze({ member_id: m.member_id, image_id: m.image_id, status: m.status, created_at: isotime(s, m.created_at), updated_at: isotime(s, m.updated_at), schema: '/v2/schemas/member' as const });
}

/** Builds the API view of a task. */
export function taskView(s: S, t: TaskRow): TaskView {
  return Object.freeze({
    id: t.id,
    type: t.type,
    status: t.status,
    owner: t.owner,
    image_id: t.image_id,
    user_id: t.user_id,
    request_id: t.request_id,
    input: t.input,
    result: t.result,
    message: t.message,
    created_at: isotime(s, t.created_at),
    updated_at: isotime(s, t.updated_at),
    expires_at: t.expires_at === null ? null : isotime(s, t.expires_at),
  });
}

/** `format_image_notification` (with `deleted` / `deleted_at` as `image.delete` sets them). */
export function imageNotification(s: S, i: ImageRow, deletedAt: number | null = null): ImageNotification {
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    created_at: isotime(s, i.created_at),
    updated_at: isotime(s, i.updated_at),
    min_disk: i.min_disk,
    min_ram: i.min_ram,
    protected: i.protected,
    checksum: i.checksum,
    owner: i.owner,
    disk_format: i.disk_format,
    container_format: i.container_format,
    size: i.size,
    virtual_size: i.virtual_size,
    is_public: i.visibility === 'public',
    visibility: i.visibility,
    properties: { ...i.properties },
    tags: [...i.tags],
    deleted: deletedAt !== null,
    deleted_at: deletedAt === null ? null : isotime(s, deletedAt),
  };
}

/** `format_image_member_notification`. */
export function memberNotification(s: S, m: MemberRow, deletedAt: number | null = null): ImageMemberNotification {
  return {
    image_id: m.image_id,
    member_id: m.member_id,
    status: m.status,
    created_at: isotime(s, m.created_at),
    updated_at: isotime(s, m.updated_at),
    deleted: deletedAt !== null,
    deleted_at: deletedAt === null ? null : isotime(s, deletedAt),
  };
}
