/**
 * Cinder's configuration (`cinder.conf`) with Zed's defaults (`cinder/common/config.py`,
 * `cinder/volume/driver.py`, `cinder/scheduler/host_manager.py`, `cinder/scheduler/weights/capacity.py`,
 * `cinder/backup/drivers/swift.py`), and the backends DevStack configures (`lib/cinder_backends/lvm`:
 * `[lvmdriver-1]`, `volume_driver = LVMVolumeDriver`, `lvm_type = auto` — thin where LVM supports
 * it —, a `stack-volumes-lvmdriver-1` volume group on a 24 GB loop file, `VOLUME_BACKING_FILE_SIZE`).
 */
import { InvalidInput, check, emptyTable } from '../core/index.js';
import { checkFilterNames } from './scheduler/filters/index.js';
import { checkWeigherNames } from './scheduler/weighers/index.js';
import { DRIVERS, type BackendSpec, type BlockConfig, type BlockState, type DriverName } from './types.js';

/** One backend as `createCloud({ block: { backends } })` takes it; only `name` is required. */
export interface BackendOptions {
  readonly name: string;
  /** `lvm` (default), `rbd` or `nfs`. */
  readonly driver?: DriverName;
  readonly volume_backend_name?: string;
  /** Storage hosts that run it (default: every host with the `storage` role). */
  readonly hosts?: readonly string[];
  /** Capacity per host in GB (default 24, DevStack's loop file). */
  readonly size_gb?: number;
  /** Thin provisioning (default true: `lvm_type = auto`, RBD, `nfs_sparsed_volumes`). */
  readonly thin?: boolean;
  /** `max_over_subscription_ratio` (20.0). */
  readonly max_over_subscription_ratio?: number;
  /** `reserved_percentage` (0). */
  readonly reserved_percentage?: number;
  /** Pools (default: one, named after the backend; RBD: `volumes`). */
  readonly pools?: readonly string[];
}

/** What `createCloud({ block })` accepts. */
export interface BlockOptions {
  /** `enabled_backends` and their sections (default: DevStack's `lvmdriver-1`). */
  readonly backends?: readonly BackendOptions[];
  readonly default_volume_type?: string;
  readonly storage_availability_zone?: string;
  readonly default_availability_zone?: string | null;
  readonly allow_availability_zone_fallback?: boolean;
  readonly scheduler_default_filters?: readonly string[];
  readonly scheduler_default_weighers?: readonly string[];
  readonly capacity_weight_multiplier?: number;
  readonly allocated_capacity_weight_multiplier?: number;
  readonly service_down_time?: number;
  readonly backup_enabled?: boolean;
}

/** The filters and weighers of the volume scheduler stacksim simulates. */
export const BLOCK_FILTERS = ['AvailabilityZoneFilter', 'CapacityFilter', 'CapabilitiesFilter'] as const;
export const BLOCK_WEIGHERS = ['CapacityWeigher', 'AllocatedCapacityWeigher'] as const;

/** DevStack's LVM backend: `[lvmdriver-1]`, thin, 24 GB. */
export const DEVSTACK_BACKEND: BackendSpec = Object.freeze({
  name: 'lvmdriver-1',
  driver: 'lvm',
  volume_backend_name: 'lvmdriver-1',
  hosts: null,
  size_gb: 24,
  thin: true,
  max_over_subscription_ratio: 20,
  reserved_percentage: 0,
  pools: Object.freeze(['lvmdriver-1']),
});

function checkBackend(value: unknown, field: string): BackendSpec {
  const o = check.record(value, field);
  check.onlyKeys(o, ['name', 'driver', 'volume_backend_name', 'hosts', 'size_gb', 'thin', 'max_over_subscription_ratio', 'reserved_percentage', 'pools'], field);
  const name = check.name(o.name, `${field}.name`);
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new InvalidInput(`${field}.name`, `a backend name is a cinder.conf section name (letters, digits, '_', '.', '-'), got '${name}'.`, 'block.config.invalid');
  const driver = o.driver === undefined ? 'lvm' : check.oneOf(o.driver, DRIVERS, `${field}.driver`);
  const pools = check.optional(o.pools, `${field}.pools`, (v, f) => check.array(v, f, (p, pf) => check.name(p, pf), 16), [driver === 'rbd' ? 'volumes' : name]);
  if (pools.length === 0) throw new InvalidInput(`${field}.pools`, 'a backend reports at least one pool.', 'block.config.invalid');
  return Object.freeze({
    name,
    driver,
    volume_backend_name: o.volume_backend_name === undefined ? name : check.name(o.volume_backend_name, `${field}.volume_backend_name`),
    hosts: o.hosts === undefined ? null : Object.freeze(check.array(o.hosts, `${field}.hosts`, (h, hf) => check.name(h, hf), 10_000)),
    size_gb: o.size_gb === undefined ? 24 : check.number(o.size_gb, `${field}.size_gb`, 1, 1e9),
    thin: o.thin === undefined ? true : check.boolean(o.thin, `${field}.thin`),
    max_over_subscription_ratio: o.max_over_subscription_ratio === undefined ? 20 : check.number(o.max_over_subscription_ratio, `${field}.max_over_subscription_ratio`, 1, 1e6),
    reserved_percentage: o.reserved_percentage === undefined ? 0 : check.integer(o.reserved_percentage, `${field}.reserved_percentage`, 0, 100),
    pools: Object.freeze(pools),
  });
}

/** Checks `createCloud`'s `block` option; every default is Zed's, the backend DevStack's. */
export function checkBlockOptions(value: unknown, field = 'options.block'): BlockConfig {
  const o = value === undefined ? {} : check.record(value, field);
  check.onlyKeys(o, ['backends', 'default_volume_type', 'storage_availability_zone', 'default_availability_zone', 'allow_availability_zone_fallback', 'scheduler_default_filters', 'scheduler_default_weighers', 'capacity_weight_multiplier', 'allocated_capacity_weight_multiplier', 'service_down_time', 'backup_enabled'], field);
  const backends = o.backends === undefined ? [DEVSTACK_BACKEND] : check.array(o.backends, `${field}.backends`, checkBackend, 64);
  const seen = new Set<string>();
  backends.forEach((b, i) => {
    if (seen.has(b.name)) throw new InvalidInput(`${field}.backends[${i}].name`, `backend '${b.name}' is configured twice.`, 'block.config.invalid');
    seen.add(b.name);
  });
  const filters = o.scheduler_default_filters === undefined ? [...BLOCK_FILTERS] : checkFilterNames(o.scheduler_default_filters, `${field}.scheduler_default_filters`).map((f) => f.name);
  const weighers = o.scheduler_default_weighers === undefined ? ['CapacityWeigher'] : checkWeigherNames(o.scheduler_default_weighers, `${field}.scheduler_default_weighers`).map((w) => w.name);
  return Object.freeze({
    backends: Object.freeze(backends),
    default_volume_type: o.default_volume_type === undefined ? '__DEFAULT__' : check.name(o.default_volume_type, `${field}.default_volume_type`),
    storage_availability_zone: o.storage_availability_zone === undefined ? 'nova' : check.name(o.storage_availability_zone, `${field}.storage_availability_zone`),
    default_availability_zone: o.default_availability_zone === undefined || o.default_availability_zone === null ? null : check.name(o.default_availability_zone, `${field}.default_availability_zone`),
    allow_availability_zone_fallback: o.allow_availability_zone_fallback === undefined ? false : check.boolean(o.allow_availability_zone_fallback, `${field}.allow_availability_zone_fallback`),
    scheduler_default_filters: Object.freeze(filters),
    scheduler_default_weighers: Object.freeze(weighers),
    capacity_weight_multiplier: o.capacity_weight_multiplier === undefined ? 1 : check.number(o.capacity_weight_multiplier, `${field}.capacity_weight_multiplier`, -1e6, 1e6),
    allocated_capacity_weight_multiplier: o.allocated_capacity_weight_multiplier === undefined ? -1 : check.number(o.allocated_capacity_weight_multiplier, `${field}.allocated_capacity_weight_multiplier`, -1e6, 1e6),
    service_down_time: o.service_down_time === undefined ? 60 : check.integer(o.service_down_time, `${field}.service_down_time`, 1, 86_400),
    backup_swift_container: 'volumebackups',
    backup_swift_object_size: 52_428_800,
    backup_swift_block_size: 32_768,
    backup_enabled: o.backup_enabled === undefined ? true : check.boolean(o.backup_enabled, `${field}.backup_enabled`),
  });
}

/** An empty `block` slice with its configuration. */
export function initialBlockState(config: BlockConfig): BlockState {
  return {
    config,
    services: emptyTable(),
    next_service_id: 1,
    pools: emptyTable(),
    volume_types: emptyTable(),
    type_access: emptyTable(),
    qos_specs: emptyTable(),
    volumes: emptyTable(),
    attachments: emptyTable(),
    volume_attachments: emptyTable(),
    snapshots: emptyTable(),
    volume_snapshots: emptyTable(),
    backups: emptyTable(),
    transfers: emptyTable(),
    volume_transfers: emptyTable(),
    volume_backups: emptyTable(),
    backup_children: emptyTable(),
    blocks: emptyTable(),
  };
}
