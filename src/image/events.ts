/** What Glance adds to the kernel's open interfaces: its notifications and their payloads. */

/** An image notification payload (`glance/notifier.py` `format_image_notification`). */
export interface ImageNotification {
  readonly id: string;
  readonly name: string | null;
  readonly status: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly min_disk: number;
  readonly min_ram: number;
  readonly protected: boolean;
  readonly checksum: string | null;
  readonly owner: string | null;
  readonly disk_format: string | null;
  readonly container_format: string | null;
  readonly size: number | null;
  readonly virtual_size: number | null;
  readonly is_public: boolean;
  readonly visibility: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
  readonly deleted: boolean;
  readonly deleted_at: string | null;
}

/** An image member notification payload (`format_image_member_notification`). */
export interface ImageMemberNotification {
  readonly image_id: string;
  readonly member_id: string;
  readonly status: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly deleted: boolean;
  readonly deleted_at: string | null;
}

declare module '../core/bus.js' {
  interface CloudEventMap {
    'image.create': ImageNotification;
    'image.update': ImageNotification;
    /** Before data is written to the store (with the import progress properties). */
    'image.prepare': ImageNotification & { readonly os_glance_importing_to_stores: readonly string[]; readonly os_glance_failed_import: readonly string[] };
    'image.upload': ImageNotification;
    'image.activate': ImageNotification;
    'image.delete': ImageNotification;
    'image.member.create': ImageMemberNotification;
    'image.member.update': ImageMemberNotification;
    'image.member.delete': ImageMemberNotification;
  }
}
