/**
 * The data nova's filter scheduler works on: a {@link HostState} per compute node, the
 * {@link RequestSpec} of a boot, and the scheduler's configuration with nova.conf's option names
 * and Zed's defaults ({@link SCHEDULER_DEFAULTS}).
 *
 * Field names are nova's own (`nova/scheduler/host_manager.py` `HostState`,
 * `nova/objects/request_spec.py` `RequestSpec`, `nova/conf/scheduler.py`), so a student who knows
 * nova recognises every one.
 */

/** A host aggregate as the scheduler sees it (`nova/objects/aggregate.py`). Metadata values are strings. */
export interface Aggregate {
  readonly id: number;
  readonly uuid: string | null;
  readonly name: string;
  readonly hosts: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
}

/** The hypervisor's CPU description (`cpu_info` of a compute node; nova keeps it as a JSON string). */
export interface CpuInfo {
  readonly arch: string;
  readonly model: string;
  readonly vendor: string;
  readonly topology: { readonly sockets: number; readonly cores: number; readonly threads: number };
  readonly features: readonly string[];
}

/** The compute service of a host: what ComputeFilter and the `compute_status_filter` read. */
export interface HostService {
  readonly disabled: boolean;
  readonly disabled_reason: string | null;
  /** Whether the servicegroup API considers the service up (heartbeat within `service_down_time`). */
  readonly up: boolean;
  readonly forced_down: boolean;
}

/** One monitor metric of a host (`nova/objects/monitor_metric.py`). */
export interface MonitorMetric {
  readonly name: string;
  readonly value: number;
  readonly source: string | null;
}

/** What the scheduler knows of an instance on a host: its uuid (the filters only read the keys). */
export interface InstanceInfo {
  readonly uuid: string;
  readonly project_id: string | null;
}

/** A `supported_instances` entry: `[architecture, hypervisor type, vm mode]` (nova's HVSpec.to_list()). */
export type SupportedInstance = readonly [arch: string, hv_type: string, vm_mode: string];

/**
 * nova's `HostState`: one compute node as the scheduler sees it.
 * Mirrors `nova/scheduler/host_manager.py` `HostState`.
 * Not simulated: NUMA topology, PCI device pools, `limits`, `host_ip`, `updated`.
 */
export interface HostState {
  readonly host: string;
  readonly nodename: string;
  /** The compute node's uuid (its resource provider in Placement). */
  readonly uuid: string;
  readonly cell_uuid: string | null;
  /** Informational: the filters and pre-filters read the AZ from `aggregates` metadata, as nova does. */
  readonly availability_zone: string | null;
  readonly aggregates: readonly Aggregate[];
  readonly hypervisor_type: string;
  /** nova's integer form: 7.2.0 → 7002000 (`oslo_utils.versionutils.convert_version_to_int`). */
  readonly hypervisor_version: number | null;
  readonly cpu_info: CpuInfo | null;
  readonly supported_instances: readonly SupportedInstance[];
  /** The host's logical CPUs, all of them (the compute node's `vcpus`; Placement's `max_unit`). */
  readonly vcpus_total: number;
  /** `reserved_host_cpus` plus what the instances use, as nova's resource tracker counts them. */
  readonly vcpus_used: number;
  /** The host's memory, all of it (the compute node's `memory_mb`; Placement's `max_unit`). */
  readonly total_usable_ram_mb: number;
  /**
   * `total_usable_ram_mb − reserved_host_memory_mb −` what the instances use, as nova's resource
   * tracker counts it. May go negative with RAM overcommit, as in nova.
   */
  readonly free_ram_mb: number;
  /** The host's local disk, all of it (the compute node's `local_gb`; Placement's `max_unit`). */
  readonly total_usable_disk_gb: number;
  /** `(total_usable_disk_gb − reserved_host_disk_mb / 1024 (whole GB, rounded down) −` what the instances use`) × 1024`. */
  readonly free_disk_mb: number;
  /**
   * nova.conf's `reserved_host_cpus` on this host, which `vcpus_used` includes (default 0). Not
   * part of nova's HostState (nova folds it into the used amount, as this one does): the modelled
   * Placement needs it to compute the VCPU capacity `int((vcpus_total − reserved) × ratio)`.
   */
  readonly reserved_host_cpus: number;
  /** nova.conf's `reserved_host_memory_mb` on this host, which `free_ram_mb` leaves out (default 0); see `reserved_host_cpus`. */
  readonly reserved_host_memory_mb: number;
  /**
   * nova.conf's `reserved_host_disk_mb` on this host (default 0): `free_disk_mb` leaves out its
   * whole GB (rounded down, as the resource tracker's integer `local_gb_used`), Placement reserves
   * it rounded up to whole GB (the libvirt driver's `convert_mb_to_ceil_gb`); see `reserved_host_cpus`.
   */
  readonly reserved_host_disk_mb: number;
  readonly ram_allocation_ratio: number;
  readonly cpu_allocation_ratio: number;
  readonly disk_allocation_ratio: number;
  readonly num_instances: number;
  readonly num_io_ops: number;
  readonly failed_builds: number;
  /** Instances on the host keyed by uuid (nova's `HostState.instances`). */
  readonly instances: Readonly<Record<string, InstanceInfo>>;
  readonly service: HostService;
  readonly metrics: readonly MonitorMetric[];
  /** The compute node's `stats` dict, where ComputeCapabilitiesFilter also looks. */
  readonly stats: Readonly<Record<string, string | number>>;
  /**
   * Its resource provider's traits in Placement (CPU flags as `HW_CPU_X86_*`, the driver's
   * `COMPUTE_*` capabilities…): what the modelled Placement query matches required and
   * forbidden traits against. Not part of nova's HostState; default none.
   */
  readonly traits: readonly string[];
}

/** The flavor of a request (`nova/objects/flavor.py`). */
export interface Flavor {
  readonly name: string;
  readonly vcpus: number;
  readonly memory_mb: number;
  readonly root_gb: number;
  readonly ephemeral_gb: number;
  /** Swap in MB. */
  readonly swap: number;
  readonly extra_specs: Readonly<Record<string, string>>;
}

/** The image of a request: its id and Glance properties (`nova/objects/image_meta.py`). */
export interface ImageMeta {
  readonly id: string | null;
  /** Glance's `disk_format` (`qcow2`, `raw`, …), read by `require_image_type_support`; null when unknown. */
  readonly disk_format: string | null;
  readonly properties: Readonly<Record<string, string | number | boolean>>;
}

/** The server-group policies nova knows (API microversion 2.64+). */
export const GROUP_POLICIES = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const;
/** A server group policy. */
export type GroupPolicy = (typeof GROUP_POLICIES)[number];

/** The server group of a request (`nova/objects/instance_group.py`). */
export interface InstanceGroup {
  readonly uuid: string | null;
  readonly policy: GroupPolicy;
  /** Hosts already used by the group's members. */
  readonly hosts: readonly string[];
  /** Uuids of the group's members (including the instances being scheduled, as nova's API adds them first). */
  readonly members: readonly string[];
  readonly rules: { readonly max_server_per_host?: number };
}

/** Where a request is asked to go (`nova/objects/request_spec.py` `Destination`). */
export interface Destination {
  readonly host: string | null;
  readonly node: string | null;
  /** The instance's current cell, for CrossCellWeigher during a move. */
  readonly cell_uuid: string | null;
  readonly allow_cross_cell_move: boolean;
}

/** A hint value: nova hydrates every hint into a list; one-item lists read back as the item. */
export type HintValue = string | readonly string[];

/**
 * nova's `RequestSpec`: what the conductor asks the scheduler to place.
 * Mirrors `nova/objects/request_spec.py`.
 * Not simulated: NUMA topology, PCI requests, requested resources of ports, rebuild checks.
 */
export interface RequestSpec {
  readonly flavor: Flavor;
  readonly image: ImageMeta | null;
  readonly availability_zone: string | null;
  readonly project_id: string | null;
  readonly user_id: string | null;
  /** `group`, `same_host`, `different_host`, `query` and any other hint, as the API received them. */
  readonly scheduler_hints: Readonly<Record<string, HintValue>>;
  readonly instance_group: InstanceGroup | null;
  readonly num_instances: number;
  /** The uuids of the instances to place; generated from the seed when absent. */
  readonly instance_uuids: readonly string[] | null;
  /** The instance being placed right now (set by the scheduler for each instance). */
  readonly instance_uuid: string | null;
  readonly ignore_hosts: readonly string[];
  readonly force_hosts: readonly string[];
  readonly force_nodes: readonly string[];
  readonly requested_destination: Destination | null;
  /** Boot from volume: the root disk is not asked of Placement. */
  readonly is_bfv: boolean;
}

/** `[DEFAULT]` options the scheduler reads (`nova/conf/availability_zone.py`). */
export interface DefaultOptions {
  readonly default_availability_zone: string;
}

/** `[scheduler]` options (`nova/conf/scheduler.py`). */
export interface SchedulerOptions {
  readonly max_attempts: number;
  readonly max_placement_results: number;
  readonly limit_tenants_to_placement_aggregate: boolean;
  readonly placement_aggregate_required_for_tenants: boolean;
  readonly query_placement_for_availability_zone: boolean;
  /** `isolate_aggregates`: hosts in aggregates with `trait:X=required` metadata only for requests that require X. */
  readonly enable_isolated_aggregate_filtering: boolean;
  /** `require_image_type_support`: Placement is asked for `COMPUTE_IMAGE_TYPE_<disk_format>`. */
  readonly query_placement_for_image_type_support: boolean;
  /** `transform_image_metadata`: image properties (`hw_disk_bus`, `hw_vif_model`…) become required traits. */
  readonly image_metadata_prefilter: boolean;
}

/** `[filter_scheduler]` options (`nova/conf/scheduler.py`). */
export interface FilterSchedulerOptions {
  readonly host_subset_size: number;
  readonly max_io_ops_per_host: number;
  readonly max_instances_per_host: number;
  readonly enabled_filters: readonly string[];
  readonly weight_classes: readonly string[];
  readonly ram_weight_multiplier: number;
  readonly cpu_weight_multiplier: number;
  readonly disk_weight_multiplier: number;
  readonly io_ops_weight_multiplier: number;
  /** Accepted for fidelity; PCIWeigher is not simulated, so it has no effect. */
  readonly pci_weight_multiplier: number;
  readonly soft_affinity_weight_multiplier: number;
  readonly soft_anti_affinity_weight_multiplier: number;
  readonly build_failure_weight_multiplier: number;
  readonly cross_cell_move_weight_multiplier: number;
  readonly shuffle_best_same_weighed_hosts: boolean;
  readonly image_properties_default_architecture: string | null;
  readonly isolated_images: readonly string[];
  readonly isolated_hosts: readonly string[];
  readonly restrict_isolated_hosts_to_isolated_images: boolean;
  readonly aggregate_image_properties_isolation_namespace: string | null;
  readonly aggregate_image_properties_isolation_separator: string;
}

/** `[metrics]` options (`nova/conf/scheduler.py`). */
export interface MetricsOptions {
  readonly weight_multiplier: number;
  readonly weight_setting: readonly string[];
  readonly required: boolean;
  readonly weight_of_unavailable: number;
}

/** The scheduler's configuration, grouped as nova.conf is. */
export interface SchedulerConfig {
  readonly DEFAULT: DefaultOptions;
  readonly scheduler: SchedulerOptions;
  readonly filter_scheduler: FilterSchedulerOptions;
  readonly metrics: MetricsOptions;
}

/** A partial configuration: any option left out takes Zed's default. */
export type SchedulerConfigInput = {
  readonly [G in keyof SchedulerConfig]?: Partial<SchedulerConfig[G]>;
};

const freezeDeep = <T>(value: T): T => {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) freezeDeep(v);
    Object.freeze(value);
  }
  return value;
};

/**
 * Zed's defaults (nova 26.x), option by option, from `nova/conf/scheduler.py` and
 * `nova/conf/availability_zone.py`.
 */
export const SCHEDULER_DEFAULTS: SchedulerConfig = freezeDeep({
  DEFAULT: {
    default_availability_zone: 'nova',
  },
  scheduler: {
    max_attempts: 3,
    max_placement_results: 1000,
    limit_tenants_to_placement_aggregate: false,
    placement_aggregate_required_for_tenants: false,
    query_placement_for_availability_zone: true,
    enable_isolated_aggregate_filtering: false,
    query_placement_for_image_type_support: false,
    image_metadata_prefilter: false,
  },
  filter_scheduler: {
    host_subset_size: 1,
    max_io_ops_per_host: 8,
    max_instances_per_host: 50,
    enabled_filters: [
      'ComputeFilter',
      'ComputeCapabilitiesFilter',
      'ImagePropertiesFilter',
      'ServerGroupAntiAffinityFilter',
      'ServerGroupAffinityFilter',
    ],
    weight_classes: ['nova.scheduler.weights.all_weighers'],
    ram_weight_multiplier: 1.0,
    cpu_weight_multiplier: 1.0,
    disk_weight_multiplier: 1.0,
    io_ops_weight_multiplier: -1.0,
    pci_weight_multiplier: 1.0,
    soft_affinity_weight_multiplier: 1.0,
    soft_anti_affinity_weight_multiplier: 1.0,
    build_failure_weight_multiplier: 1000000.0,
    cross_cell_move_weight_multiplier: 1000000.0,
    shuffle_best_same_weighed_hosts: false,
    image_properties_default_architecture: null,
    isolated_images: [],
    isolated_hosts: [],
    restrict_isolated_hosts_to_isolated_images: true,
    aggregate_image_properties_isolation_namespace: null,
    aggregate_image_properties_isolation_separator: '.',
  },
  metrics: {
    weight_multiplier: 1.0,
    weight_setting: [],
    required: true,
    weight_of_unavailable: -10000.0,
  },
});

/**
 * The allocation ratios a compute node starts with in Zed when none is configured
 * (`[DEFAULT] initial_cpu_allocation_ratio` 16.0, `initial_ram_allocation_ratio` 1.5,
 * `initial_disk_allocation_ratio` 1.0 in `nova/conf/compute.py`); {@link checkHostState} uses them
 * for a host that gives none.
 */
export const INITIAL_ALLOCATION_RATIOS = Object.freeze({ cpu: 16.0, ram: 1.5, disk: 1.0 });

/** A filter's verdict on one host: `true`, or the reason it fails. */
export type FilterVerdict = true | string;

/**
 * A host filter: a small pure object (one per file under `filters/`), as nova's
 * `BaseHostFilter` subclasses are.
 */
export interface HostFilter {
  /** nova's class name, as written in `[filter_scheduler] enabled_filters`. */
  readonly name: string;
  /**
   * Whether the filter runs for every instance of a multi-instance request; `false` is nova's
   * `run_filter_once_per_request = True` (only the first instance is filtered by it).
   */
  readonly runFilterForEachInstance: boolean;
  /** Whether the host passes, or why not. */
  hostPasses(host: HostState, spec: RequestSpec, config: SchedulerConfig): FilterVerdict;
  /**
   * True when, for this request, every host passes whatever it is (nova's filters return True
   * first thing in these cases: no group, no hint, no extra specs…); the scheduler then skips
   * the per-host calls. Agrees with `hostPasses`; absent means "ask every host".
   */
  passesAll?(spec: RequestSpec, config: SchedulerConfig): boolean;
  /**
   * The verdict function for one request, when the filter has work that depends on the request
   * alone (reading the image's properties): the scheduler asks for it once per request and then
   * calls it per host. Agrees with `hostPasses`.
   */
  verdictFor?(spec: RequestSpec, config: SchedulerConfig): (host: HostState) => FilterVerdict;
  /**
   * True when `hostPasses` looks at the host and the configuration only, never the request: a
   * host's verdict can then be kept with its host state between requests (the cloud's host index
   * keeps it, as nova's HostManager keeps host states).
   */
  readonly hostOnly?: boolean;
}

/**
 * A host weigher: a small pure object (one per file under `weighers/`), as nova's
 * `BaseHostWeigher` subclasses are. Raw weights are clamped to `[minval, maxval]` and then
 * min–max normalised over the hosts (`nova/weights.py`).
 */
export interface HostWeigher {
  /** nova's class name, as written in `[filter_scheduler] weight_classes`. */
  readonly name: string;
  /** nova's `minval`: the floor of raw weights and of the normalisation range (`null`: the minimum seen). */
  readonly minval: number | null;
  /** nova's `maxval` (`null`: the maximum seen). */
  readonly maxval: number | null;
  /**
   * The multiplier for a host: the config option, overridden by aggregate metadata where nova
   * allows (`get_weight_multiplier`). It must depend on the config and `host.aggregates` only:
   * the scheduler asks once per distinct aggregates list.
   */
  multiplier(config: SchedulerConfig, host: HostState): number;
  /** The raw weight of a host (higher wins before the multiplier). */
  weigh(host: HostState, spec: RequestSpec, config: SchedulerConfig): number;
  /**
   * The raw weight every host gets for this request when it does not depend on the host (no
   * group for the soft-affinity weighers, no `weight_setting` for metrics…), else null; the
   * scheduler then skips the per-host calls. Agrees with `weigh`; absent means "weigh every host".
   */
  uniformWeight?(spec: RequestSpec, config: SchedulerConfig): number | null;
  /**
   * True when `weigh` looks at the host and the configuration only, never the request: a host's
   * raw weight can then be kept with its host state between requests (the cloud's host index
   * keeps it).
   */
  readonly hostOnly?: boolean;
}
