/**
 * Nova's rows and the compute slice (`nova/objects/`, `nova/db/main/models.py`,
 * `nova/db/api/models.py`): flavors and their access, keypairs, instances with their block device
 * mappings, network info and faults, instance actions and their events, server groups, the host
 * image cache, the cell mappings. Rows are normalised; the API views (`views.ts`) are built from
 * them at query time as nova's `views/servers.py` does.
 */
import type { Table } from '../core/index.js';
import type { PowerState, TaskState, VmState } from './vm_states.js';

/** A flavor (`nova/objects/flavor.py`); `flavorid` is the API's `id`. */
export interface FlavorRow {
  /** The API id (`flavorid`: DevStack's `1`…`5`, `c1`, `d1`…, or a UUID). */
  readonly flavorid: string;
  /** The database id (`id`), increasing. */
  readonly id: number;
  readonly name: string;
  readonly vcpus: number;
  /** `memory_mb`. */
  readonly memory_mb: number;
  /** `root_gb`. */
  readonly root_gb: number;
  readonly ephemeral_gb: number;
  /** MB; 0 is shown as `""`. */
  readonly swap: number;
  readonly rxtx_factor: number;
  readonly vcpu_weight: number | null;
  readonly is_public: boolean;
  readonly disabled: boolean;
  /** Since 2.55. */
  readonly description: string | null;
  readonly extra_specs: Readonly<Record<string, string>>;
  readonly created_at: number;
  readonly updated_at: number | null;
}

/** What an instance keeps of its flavor (`instance.flavor`, shown whole since 2.47). */
export interface InstanceFlavor {
  readonly flavorid: string;
  readonly name: string;
  readonly vcpus: number;
  readonly memory_mb: number;
  readonly root_gb: number;
  readonly ephemeral_gb: number;
  readonly swap: number;
  readonly extra_specs: Readonly<Record<string, string>>;
}

/** A keypair (`nova/objects/keypair.py`), per user. */
export interface KeypairRow {
  readonly id: number;
  readonly name: string;
  readonly user_id: string;
  /** `ssh` or `x509` (2.2). */
  readonly type: 'ssh' | 'x509';
  readonly public_key: string;
  readonly fingerprint: string;
  readonly created_at: number;
}

/** An instance fault (`instance_faults`): the latest is the server's `fault`. */
export interface InstanceFault {
  readonly code: number;
  readonly message: string;
  readonly details: string;
  readonly created: number;
}

/** A block device mapping (`nova/objects/block_device.py`). */
export interface BdmRow {
  readonly id: string;
  readonly instance_uuid: string;
  readonly source_type: 'image' | 'volume' | 'snapshot' | 'blank';
  readonly destination_type: 'volume' | 'local';
  readonly boot_index: number | null;
  readonly device_name: string;
  readonly volume_id: string | null;
  readonly image_id: string | null;
  readonly snapshot_id: string | null;
  readonly volume_size: number | null;
  readonly volume_type: string | null;
  readonly delete_on_termination: boolean;
  /** The Cinder attachment (the new attach flow), once made. */
  readonly attachment_id: string | null;
  readonly tag: string | null;
}

/** One VIF of an instance's network info (`instance_info_caches`). */
export interface VifRow {
  readonly port_id: string;
  readonly network_id: string;
  /** False for a port nova created (deleted with the server); true for one the user passed. */
  readonly preserve_on_delete: boolean;
  readonly tag: string | null;
}

/** An instance (`nova/objects/instance.py`); `cell` is where its record lives (cell0 when it never scheduled). */
export interface ServerRow {
  readonly uuid: string;
  /** The database id (`instance.id`), which `instance_name_template` formats. */
  readonly db_id: number;
  readonly name: string;
  readonly project_id: string;
  readonly user_id: string;
  readonly flavor: InstanceFlavor;
  /** The image it booted from; '' when booted from a volume. */
  readonly image_ref: string;
  readonly key_name: string | null;
  readonly key_data: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
  readonly vm_state: VmState;
  readonly task_state: TaskState | null;
  readonly power_state: PowerState;
  /** The availability zone asked for at create (null: any). */
  readonly requested_availability_zone: string | null;
  /** The zone of its host once scheduled (`instance.availability_zone`). */
  readonly availability_zone: string | null;
  /** The compute host's name (`instance.host`), null until scheduled. */
  readonly host: string | null;
  readonly node: string | null;
  readonly cell: 'cell0' | 'cell1' | null;
  readonly launch_index: number;
  readonly reservation_id: string;
  readonly security_groups: readonly string[];
  readonly vifs: readonly VifRow[];
  readonly access_ip_v4: string;
  readonly access_ip_v6: string;
  readonly config_drive: string;
  readonly user_data: string | null;
  readonly description: string | null;
  /** `hostname` (2.90: settable). */
  readonly hostname: string;
  readonly root_device_name: string | null;
  readonly locked: boolean;
  readonly locked_by: 'admin' | 'owner' | null;
  readonly locked_reason: string | null;
  readonly fault: InstanceFault | null;
  readonly progress: number;
  readonly created_at: number;
  readonly updated_at: number | null;
  readonly launched_at: number | null;
  readonly terminated_at: number | null;
  readonly deleted_at: number | null;
  readonly deleted: boolean;
  /** The server group it was booted into (nova keeps membership in the group). */
  readonly server_group: string | null;
  /** The scheduler hints of its request spec. */
  readonly scheduler_hints: Readonly<Record<string, unknown>>;
  /** The admin password last set (never shown; stacksim keeps only whether one was set). */
  readonly password_set: boolean;
  /** The host's previous vm_state while rescued / stopped etc. (`instance.system_metadata['old_vm_state']`). */
  readonly old_vm_state: VmState | null;
  /** While resized (VERIFY_RESIZE) or reverting: the flavor before the resize (`instance.old_flavor`). */
  readonly old_flavor: InstanceFlavor | null;
  /** While a resize is in progress: the flavor asked for (`instance.new_flavor`). */
  readonly new_flavor: InstanceFlavor | null;
  /** While shelved: the snapshot image made at shelve (`system_metadata['shelved_image_id']`), null for a volume-backed server. */
  readonly shelved_image_id: string | null;
  /** While shelved: when (`system_metadata['shelved_at']`). */
  readonly shelved_at: number | null;
  /** While shelved: the host it was shelved on (`system_metadata['shelved_host']`). */
  readonly shelved_host: string | null;
}

/** `fields.MigrationType`. */
export type MigrationType = 'migration' | 'resize' | 'live-migration' | 'evacuation';

/**
 * A migration's status (`nova/objects/migration.py`, set along `nova/conductor/tasks/*.py` and
 * `nova/compute/manager.py`): resize / migration `pre-migrating` → `migrating` → `post-migrating` →
 * `finished` → `confirming` → `confirmed` (or `reverting` → `reverted`); live-migration
 * `accepted` → `queued` → `preparing` → `running` → `completed` (or `failed` / `cancelled`);
 * evacuation `accepted` → `pre-migrating` → `done` → `completed`; `error` when a step fails.
 */
export type MigrationStatus =
  | 'pre-migrating'
  | 'migrating'
  | 'post-migrating'
  | 'finished'
  | 'confirming'
  | 'confirmed'
  | 'reverting'
  | 'reverted'
  | 'accepted'
  | 'queued'
  | 'preparing'
  | 'running'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'done'
  | 'error';

/** A migration record (`nova/objects/migration.py`, Migration 1.7): one per move of a server. */
export interface MigrationRow {
  /** The database id: the API's migration id. */
  readonly id: number;
  /** The Placement consumer that holds the source's resources during a resize, migration or live migration. */
  readonly uuid: string;
  readonly instance_uuid: string;
  readonly migration_type: MigrationType;
  readonly status: MigrationStatus;
  readonly source_compute: string | null;
  readonly source_node: string | null;
  readonly dest_compute: string | null;
  readonly dest_node: string | null;
  /** The destination host's address, set when the destination claims (resize, migration, evacuation); null for a live migration. */
  readonly dest_host: string | null;
  /** The flavors' database ids (flavorid here): the old and the new one (the same for a cold migration; null for live migration and evacuation). */
  readonly old_instance_type_id: string | null;
  readonly new_instance_type_id: string | null;
  /** Live migration progress in bytes (null otherwise). */
  readonly memory_total: number | null;
  readonly memory_processed: number | null;
  readonly memory_remaining: number | null;
  readonly disk_total: number | null;
  readonly disk_processed: number | null;
  readonly disk_remaining: number | null;
  /** The requester (`context.user_id`, `context.project_id` at create: 2.80). */
  readonly user_id: string;
  readonly project_id: string;
  readonly created_at: number;
  readonly updated_at: number | null;
}

/** One event of an instance action (`instance_actions_events`). */
export interface ActionEventRow {
  readonly event: string;
  readonly start_time: number;
  readonly finish_time: number | null;
  /** `Success` / `Error` / null while running. */
  readonly result: 'Success' | 'Error' | null;
  readonly traceback: string | null;
  readonly host: string | null;
  readonly details: string | null;
}

/** An instance action (`instance_actions`): one per API request that acted on the server. */
export interface ActionRow {
  /** The database id (increasing): orders actions started at the same instant, as nova's auto-increment does. */
  readonly id: number;
  readonly instance_uuid: string;
  readonly action: string;
  readonly request_id: string;
  readonly user_id: string;
  readonly project_id: string;
  readonly start_time: number;
  readonly finish_time: number | null;
  readonly message: string | null;
  readonly updated_at: number | null;
  readonly events: readonly ActionEventRow[];
}

/** A server group (`nova/objects/instance_group.py`). */
export interface ServerGroupRow {
  readonly id: string;
  /** The database id (`instance_groups.id`, `tx.counter('compute.server_group')`): the order nova lists groups in. */
  readonly db_id: number;
  readonly name: string;
  readonly project_id: string;
  readonly user_id: string;
  readonly policy: 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';
  readonly rules: Readonly<{ max_server_per_host?: number }>;
  readonly members: readonly string[];
  readonly created_at: number;
}

/** An image in a compute host's image cache (`[image_cache]`; the libvirt driver's `_base`). */
export interface ImageCacheRow {
  readonly host: string;
  readonly image_id: string;
  readonly size: number;
  readonly fetched_at: number;
}

/** The binaries of nova's `services` table stacksim runs (`nova-api` is a WSGI application, not a service row). */
export type NovaBinary = 'nova-compute' | 'nova-scheduler' | 'nova-conductor';

/**
 * A nova service (`nova/objects/service.py`, the cell database's `services` table):
 * `nova-compute` on each compute host, `nova-scheduler` and `nova-conductor` on each controller.
 * Its heartbeat (`report_interval`, 10 s) is derived from `reporting` and `heartbeat_at`, not
 * written every 10 s.
 */
export interface NovaServiceRow {
  /** The database id. */
  readonly id: number;
  /** The API's `id` since 2.53. */
  readonly uuid: string;
  readonly binary: NovaBinary;
  /** The hostname. */
  readonly host: string;
  /** `compute`, `scheduler`, `conductor`. */
  readonly topic: 'compute' | 'scheduler' | 'conductor';
  readonly disabled: boolean;
  readonly disabled_reason: string | null;
  readonly forced_down: boolean;
  /** Whether the service runs and heartbeats (its host is not down). */
  readonly reporting: boolean;
  /** While reporting: when it started (heartbeats every `report_interval` since); else its last heartbeat. */
  readonly heartbeat_at: number;
  readonly created_at: number;
  /** The last write through the API (enable, disable, forced down), else null. */
  readonly saved_at: number | null;
}

/** nova.conf options of the API and conductor that stacksim models (Zed defaults in `config.ts`). */
export interface NovaConfig {
  /** `[DEFAULT] default_availability_zone`: `nova`. */
  readonly default_availability_zone: string;
  /** `[DEFAULT] internal_service_availability_zone`: `internal`. */
  readonly internal_service_availability_zone: string;
  /** `[DEFAULT] default_schedule_zone`: unset. */
  readonly default_schedule_zone: string | null;
  /** `[DEFAULT] reclaim_instance_interval`: 0 (delete is hard). */
  readonly reclaim_instance_interval: number;
  /** `[scheduler] max_attempts`: 3 (the boot and its alternates). */
  readonly max_attempts: number;
  /** `[DEFAULT] max_local_block_devices`: 3. */
  readonly max_local_block_devices: number;
  /** `[DEFAULT] service_down_time`: 60 s. */
  readonly service_down_time: number;
  /** `[compute] consecutive_build_service_disable_threshold`: 10. */
  readonly consecutive_build_service_disable_threshold: number;
  /** `[DEFAULT] shelved_offload_time`: 0 (offload at once; -1 never; N: after N seconds). */
  readonly shelved_offload_time: number;
  /** `[DEFAULT] shelved_poll_interval`: 3600 s (when `shelved_offload_time` > 0). */
  readonly shelved_poll_interval: number;
  /** `[DEFAULT] allow_resize_to_same_host`: false; null means the deployment's default (the devstack preset sets true, as DevStack does). */
  readonly allow_resize_to_same_host: boolean | null;
  /** `[DEFAULT] resize_confirm_window`: 0 (never confirm by itself). */
  readonly resize_confirm_window: number;
  /** `[DEFAULT] migrate_max_retries`: -1 (live migration: try every candidate). */
  readonly migrate_max_retries: number;
  /** `[DEFAULT] max_concurrent_live_migrations`: 1 per source host (0: unlimited). */
  readonly max_concurrent_live_migrations: number;
  /** `[DEFAULT] instance_name_template`: `instance-%08x`. */
  readonly instance_name_template: string;
  /** `[DEFAULT] enable_instance_password`: true (the create answer carries `adminPass`). */
  readonly enable_instance_password: boolean;
  /** `[api] max_limit`: 1000. */
  readonly max_limit: number;
  /** `[DEFAULT] password_length`: 12. */
  readonly password_length: number;
}

/** The compute slice. */
export interface ComputeState {
  readonly config: NovaConfig;
  /** By `flavorid`. */
  readonly flavors: Table<FlavorRow>;
  /** `<flavorid>/<project_id>` → project id (`flavor_projects`). */
  readonly flavor_access: Table<string>;
  /** `<user_id>/<name>` → keypair. */
  readonly keypairs: Table<KeypairRow>;
  /** By uuid (deleted rows stay, `deleted: true`, as nova soft-deletes its records). */
  readonly servers: Table<ServerRow>;
  /** `<project_id>/<uuid>` → uuid: a project's servers. */
  readonly project_servers: Table<string>;
  /** `<host>/<uuid>` → uuid: the servers on a compute host. */
  readonly host_servers: Table<string>;
  /** `<uuid>/<bdm id>` → block device mapping. */
  readonly bdms: Table<BdmRow>;
  /** `<uuid>/<request id>` → instance action. */
  readonly actions: Table<ActionRow>;
  readonly server_groups: Table<ServerGroupRow>;
  /** `<host>/<image id>` → cached image. */
  readonly image_cache: Table<ImageCacheRow>;
  /** The next instance's `id` (the database id `instance_name_template` formats). */
  readonly next_instance_id: number;
  /** nova's services by `<binary>/<host>` (`nova_services.ts`). */
  readonly services: Table<NovaServiceRow>;
  /** The next service's database id. */
  readonly next_service_id: number;
  /** Migration records by id, zero-padded (`migrationKey`), in creation order. */
  readonly migrations: Table<MigrationRow>;
  /** `<instance uuid>/<migration key>` → migration id: a server's migrations. */
  readonly instance_migrations: Table<number>;
  /** The next migration's database id. */
  readonly next_migration_id: number;
}
