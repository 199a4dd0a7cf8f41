/**
 * The data Cinder's filter scheduler works on: a {@link PoolState} per pool of an up volume
 * service, the {@link VolumeRequestSpec} of a create / extend / retype, and the filter and weigher
 * shapes ({@link BackendFilter}, {@link BackendWeigher}) — the block twins of nova's `HostState`,
 * `RequestSpec`, `HostFilter` and `HostWeigher` in `src/scheduler/filter_scheduler/types.ts`.
 *
 * Field names are Cinder's own (`cinder/scheduler/host_manager.py` `BackendState` / `PoolState`,
 * `cinder/objects/request_spec.py`).
 */
import type { BlockConfig, PoolRow } from '../types.js';

/**
 * Cinder's `PoolState`: one pool as the scheduler sees it. The numbers are the pool's row (what the
 * driver and the volume manager report); `free_capacity_gb` is the driver's free space (thick:
 * total less allocated; thin: total less the blocks written), computed by the caller;
 * `capabilities` is the whole dict the pool reported, which CapabilitiesFilter matches extra specs
 * against (build it with {@link poolCapabilities}).
 *
 * `max_over_subscription_ratio` is read as the effective ratio host_manager computes
 * (`cinder/utils.py` `calculate_max_over_subscription_ratio`): drivers refuse a ratio below 1
 * (`volume_utils.get_max_over_subscription_ratio`), `auto` is not simulated.
 * Not simulated: `infinite` / `unknown` capacities (our pools always report numbers),
 * `filter_function` / `goodness_function`, clusters (`backend_id` is always `host@backend#pool`).
 */
export interface PoolState extends PoolRow {
  readonly free_capacity_gb: number;
  readonly capabilities: Readonly<Record<string, unknown>>;
}

/**
 * host_manager's `get_storage_protocol_variants`: a protocol with spellings is reported as all of
 * them (`cinder/common/constants.py` `ISCSI_VARIANTS`, `FC_VARIANTS`, `NFS_VARIANTS`,
 * `NVMEOF_VARIANTS`), so `storage_protocol=iscsi` and `iSCSI` both match an LVM pool.
 */
export function storageProtocolVariants(protocol: string): string | readonly string[] {
  for (const variants of PROTOCOL_VARIANTS) if (variants.includes(protocol)) return variants;
  return protocol;
}

const PROTOCOL_VARIANTS: readonly (readonly string[])[] = Object.freeze([
  Object.freeze(['iSCSI', 'iscsi']),
  Object.freeze(['FC', 'fibre_channel', 'fc']),
  Object.freeze(['NFS', 'nfs']),
  Object.freeze(['NVMe-oF', 'NVMeOF', 'nvmeof']),
]);

/**
 * What a pool reports to the scheduler (`PoolState.capabilities`): the driver's pool stats
 * (`cinder/volume/drivers/lvm.py` `_update_volume_stats`: `pool_name`, capacities,
 * `reserved_percentage`, `QoS_support`, `provisioned_capacity_gb`, `max_over_subscription_ratio`,
 * `thin_provisioning_support`, `thick_provisioning_support`, `multiattach`, `backend_state`,
 * `filter_function`, `goodness_function`), the volume manager's `allocated_capacity_gb`
 * (`_append_volume_stats`), and the backend-level facts host_manager copies into each pool
 * (`_append_backend_info`: `volume_backend_name`, `vendor_name`, `driver_version`, and
 * `storage_protocol` as all its variants). `free` is the pool's `free_capacity_gb`.
 * Not reported here: `location_info`, `total_volumes`, `timestamp`.
 */
export function poolCapabilities(pool: PoolRow, free: number): Record<string, unknown> {
  return {
    pool_name: pool.pool_name,
    total_capacity_gb: pool.total_capacity_gb,
    free_capacity_gb: free,
    reserved_percentage: pool.reserved_percentage,
    QoS_support: false,
    provisioned_capacity_gb: pool.provisioned_capacity_gb,
    max_over_subscription_ratio: pool.max_over_subscription_ratio,
    thin_provisioning_support: pool.thin_provisioning_support,
    thick_provisioning_support: pool.thick_provisioning_support,
    multiattach: pool.multiattach,
    backend_state: 'up',
    filter_function: null,
    goodness_function: null,
    allocated_capacity_gb: pool.allocated_capacity_gb,
    volume_backend_name: pool.volume_backend_name,
    vendor_name: pool.vendor_name,
    driver_version: pool.driver_version,
    storage_protocol: storageProtocolVariants(pool.storage_protocol),
  };
}

/** A volume type as the scheduler gets it (`request_spec['volume_type']`). */
export interface RequestVolumeType {
  readonly id: string;
  readonly name: string;
  readonly extra_specs: Readonly<Record<string, string>>;
}

/**
 * What the scheduler is asked to place: the parts of Cinder's `RequestSpec` and
 * `filter_properties` the simulated filters and weighers read (`cinder/objects/request_spec.py`,
 * `cinder/scheduler/filter_scheduler.py` `_get_weighted_candidates` /
 * `populate_filter_properties`). The caller validates it (sizes are whole GB, `new_size` above
 * `size`).
 */
export interface VolumeRequestSpec {
  readonly volume_id: string;
  /** `volume_properties.size` (GB); 0 is a manage request, which CapacityFilter lets through. */
  readonly size: number;
  /** `filter_properties['new_size']` of an extend: CapacityFilter then asks for `new_size − size`. */
  readonly new_size?: number;
  /** `request_spec['volume_type']` (null: `{}`, as `_get_weighted_candidates` substitutes). */
  readonly volume_type: RequestVolumeType | null;
  /** `volume_properties.availability_zone` (AvailabilityZoneFilter). */
  readonly availability_zone: string | null;
  /**
   * `request_spec['availability_zones']`, from the type's `RESKEY:availability_zones`: when set,
   * AvailabilityZoneFilter accepts a pool in any of them and ignores `availability_zone`.
   */
  readonly availability_zones?: readonly string[] | null;
  /**
   * The volume's multiattach flag. Informational: Cinder schedules it through the type's
   * `multiattach: <is> True` extra spec, which CapabilitiesFilter matches.
   */
  readonly multiattach?: boolean;
  /**
   * `volume_properties.attach_status` of an extend (default `detached`): CapabilitiesFilter
   * refuses a pool reporting `online_extend_support: false` for an attached volume.
   */
  readonly attach_status?: 'attached' | 'detached';
  /** `filter_properties['vol_exists_on']` of a retype: the pool the volume is on passes CapacityFilter. */
  readonly vol_exists_on?: string | null;
  /**
   * `request_spec['resource_backend']` (a volume from a snapshot, a clone, a group): after
   * weighing, only pools of that backend (`host@backend`) or that pool (`host@backend#pool`) remain.
   */
  readonly resource_backend?: string | null;
}

/** A filter's verdict on one pool: `true`, or the reason it fails. */
export type BackendVerdict = true | string;

/** A backend filter: a small pure object (one per file under `filters/`), as Cinder's `BaseBackendFilter` subclasses. */
export interface BackendFilter {
  /** Cinder's class name, as written in `scheduler_default_filters`. */
  readonly name: string;
  /**
   * Whether the filter runs for every volume of a group request; `false` is Cinder's
   * `run_filter_once_per_request = True` (AvailabilityZoneFilter). Single volumes run every filter.
   */
  readonly runFilterForEachInstance: boolean;
  /** Whether the pool passes (`backend_passes`), or why not. */
  backendPasses(pool: PoolState, spec: VolumeRequestSpec, config: BlockConfig): BackendVerdict;
}

/**
 * A backend weigher: a small pure object (one per file under `weighers/`), as Cinder's
 * `BaseHostWeigher` subclasses. Raw weights are min–max normalised over the pools
 * (`cinder/scheduler/base_weight.py`) and multiplied by the weigher's multiplier.
 */
export interface BackendWeigher {
  /** Cinder's class name, as written in `scheduler_default_weighers`. */
  readonly name: string;
  /** Cinder's `weight_multiplier()`: the `cinder.conf` option. */
  multiplier(config: BlockConfig): number;
  /** The raw weight of a pool (`_weigh_object`; higher wins before the multiplier). */
  weigh(pool: PoolState, spec: VolumeRequestSpec, config: BlockConfig): number;
}
