/**
 * What nova-compute's resource tracker reports to Placement for each compute host of the
 * datacenter (`nova/compute/resource_tracker.py`, the libvirt driver's `update_provider_tree`):
 * a resource provider named after the host, with `VCPU`, `MEMORY_MB` and `DISK_GB` inventories
 * from the hardware and nova.conf's allocation ratios and reservations, and traits from the CPU
 * flags and the driver's capabilities. Runs inside the hardware calls through their hooks.
 */
import { Conflict, check, getRow, plain, setRow, emptyTable, type CloudState, type ServiceHooks, type Table, type Tx } from '../core/index.js';
import { listAvailabilityZones, logicalCpus, type Host } from '../hardware/index.js';
import { CPU_TRAITS_MAPPING, STANDARD_TRAITS, deleteProvider, insertProvider, under, type InventoryRow, type ResourceProviderRow } from './placement/index.js';
import { azUuidIn } from './host_states.js';

/** nova.conf options of a compute host that shape its inventory (Zed's defaults). */
export interface ComputeConfig {
  /** `cpu_allocation_ratio`: unset (null) ⇒ `initial_cpu_allocation_ratio`. */
  readonly cpu_allocation_ratio: number | null;
  readonly ram_allocation_ratio: number | null;
  readonly disk_allocation_ratio: number | null;
  /** Zed: 16.0. */
  readonly initial_cpu_allocation_ratio: number;
  /** Zed: 1.5. */
  readonly initial_ram_allocation_ratio: number;
  /** Zed: 1.0. */
  readonly initial_disk_allocation_ratio: number;
  /** Zed: 512. */
  readonly reserved_host_memory_mb: number;
  /** Zed: 0 (placement reserves it rounded up to whole GB). */
  readonly reserved_host_disk_mb: number;
  /** Zed: 0. */
  readonly reserved_host_cpus: number;
}

/** Zed's defaults (`nova/conf/compute.py`). */
export const COMPUTE_DEFAULTS: ComputeConfig = Object.freeze({
  cpu_allocation_ratio: null,
  ram_allocation_ratio: null,
  disk_allocation_ratio: null,
  initial_cpu_allocation_ratio: 16.0,
  initial_ram_allocation_ratio: 1.5,
  initial_disk_allocation_ratio: 1.0,
  reserved_host_memory_mb: 512,
  reserved_host_disk_mb: 0,
  reserved_host_cpus: 0,
});

/** The nova-side slice: cloud-wide compute options, per-host overrides (by hostname), scheduler options. */
export interface ComputeConfigState {
  readonly defaults: ComputeConfig;
  readonly hosts: Table<Partial<ComputeConfig>>;
  /** nova-scheduler's nova.conf sections (`[filter_scheduler]`, `[scheduler]`, …) over Zed's defaults. */
  readonly scheduler: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

declare module '../core/state.js' {
  interface CloudState {
    /** nova.conf of the compute hosts (the options that shape their Placement inventory). */
    readonly compute_config: ComputeConfigState;
  }
}

/** An empty compute-config slice. */
export function initialComputeConfig(defaults: ComputeConfig = COMPUTE_DEFAULTS): ComputeConfigState {
  return { defaults, hosts: emptyTable(), scheduler: {} };
}

/** Placement's largest integer (db MAX_INT). */
const PLACEMENT_MAX_INT = 2_147_483_647;

const RATIO_KEYS = ['cpu_allocation_ratio', 'ram_allocation_ratio', 'disk_allocation_ratio', 'initial_cpu_allocation_ratio', 'initial_ram_allocation_ratio', 'initial_disk_allocation_ratio'] as const;
const RESERVED_KEYS = ['reserved_host_memory_mb', 'reserved_host_disk_mb', 'reserved_host_cpus'] as const;

/** Checks a (partial) compute config, naming the field. */
export function checkComputeConfig(input: unknown, field: string): Partial<ComputeConfig> {
  const o = check.record(input, field);
  check.onlyKeys(o, [...RATIO_KEYS, ...RESERVED_KEYS], field);
  const out: Record<string, number | null> = {};
  for (const k of RATIO_KEYS) {
    if (o[k] === undefined) continue;
    out[k] = o[k] === null && !k.startsWith('initial') ? null : check.number(o[k], `${field}.${k}`, 0.0001, 10_000);
  }
  // nova reports each reservation as its inventory's `reserved`, which Placement's schema caps at
  // its MAX_INT (placement/schemas/inventory.py; DISK_GB in whole GB): a larger one would be refused
  for (const k of RESERVED_KEYS) if (o[k] !== undefined) out[k] = check.integer(o[k], `${field}.${k}`, 0, k === 'reserved_host_disk_mb' ? PLACEMENT_MAX_INT * 1024 : PLACEMENT_MAX_INT);
  return out as Partial<ComputeConfig>;
}

/** The options in force on a host: its overrides over the cloud-wide values. */
export function computeConfigOf(s: CloudState, host: string): ComputeConfig {
  const cc = plain(s.compute_config); // the committed (or current) object: no proxies on this hot path
  const own = getRow(cc.hosts, host);
  return own === undefined ? cc.defaults : { ...cc.defaults, ...own };
}

/** The traits the libvirt driver reports for a QEMU/KVM host (CAPABILITY_TRAITS_MAP of its capabilities). */
const LIBVIRT_CAPABILITY_TRAITS = [
  'COMPUTE_ACCELERATORS',
  'COMPUTE_DEVICE_TAGGING',
  'COMPUTE_IMAGE_TYPE_AKI',
  'COMPUTE_IMAGE_TYPE_AMI',
  'COMPUTE_IMAGE_TYPE_ARI',
  'COMPUTE_IMAGE_TYPE_ISO',
  'COMPUTE_IMAGE_TYPE_QCOW2',
  'COMPUTE_IMAGE_TYPE_RAW',
  'COMPUTE_NET_ATTACH_INTERFACE',
  'COMPUTE_NET_ATTACH_INTERFACE_WITH_TAG',
  'COMPUTE_RESCUE_BFV',
  'COMPUTE_SOCKET_PCI_NUMA_AFFINITY',
  'COMPUTE_TRUSTED_CERTS',
  'COMPUTE_VOLUME_ATTACH_WITH_TAG',
  'COMPUTE_VOLUME_EXTEND',
  'COMPUTE_VOLUME_MULTI_ATTACH',
];

/**
 * The device traits the libvirt driver reports for QEMU/KVM (`_get_storage_bus_traits`,
 * `_get_video_model_traits`, `_get_vif_model_traits`): the disk buses of
 * `blockinfo.SUPPORTED_DEVICE_BUSES['kvm']`, the video models an x86_64 QEMU 7's domain
 * capabilities list, and `vif.SUPPORTED_VIF_MODELS['kvm']` — those os-traits knows.
 */
const LIBVIRT_DEVICE_TRAITS = [
  ...['virtio', 'scsi', 'ide', 'usb', 'fdc', 'sata'].map((bus) => `COMPUTE_STORAGE_BUS_${bus.toUpperCase()}`),
  ...['vga', 'cirrus', 'vmvga', 'qxl', 'virtio', 'none', 'bochs'].map((m) => `COMPUTE_GRAPHICS_MODEL_${m.toUpperCase()}`),
  ...['virtio', 'ne2k_pci', 'pcnet', 'rtl8139', 'e1000', 'e1000e', 'spapr-vlan', 'vmxnet3'].map((m) => `COMPUTE_NET_VIF_MODEL_${m.replace(/-/g, '_').toUpperCase()}`),
].filter((t) => STANDARD_TRAITS.includes(t));

/** The inventories a host reports, as the libvirt driver computes them. */
export function computeInventories(host: Host, config: ComputeConfig, current: Readonly<Record<string, InventoryRow>> = {}): Record<string, Omit<InventoryRow, 'resource_provider_uuid' | 'resource_class'>> {
  // nova's _get_allocation_ratios: the *_allocation_ratio option if set, else what Placement
  // already holds for the class, else initial_*_allocation_ratio
  const ratio = (option: number | null, rc: string, initial: number) => option ?? current[rc]?.allocation_ratio ?? initial;
  const vcpus = logicalCpus(host.cpu);
  const disk = host.disks.reduce((n, d) => n + d.size_gb, 0);
  const out: Record<string, Omit<InventoryRow, 'resource_provider_uuid' | 'resource_class'>> = {};
  if (host.memory_mb > 0) out.MEMORY_MB = { total: host.memory_mb, reserved: Math.min(config.reserved_host_memory_mb, host.memory_mb), min_unit: 1, max_unit: host.memory_mb, step_size: 1, allocation_ratio: ratio(config.ram_allocation_ratio, 'MEMORY_MB', config.initial_ram_allocation_ratio) };
  if (vcpus > 0) out.VCPU = { total: vcpus, reserved: Math.min(config.reserved_host_cpus, vcpus), min_unit: 1, max_unit: vcpus, step_size: 1, allocation_ratio: ratio(config.cpu_allocation_ratio, 'VCPU', config.initial_cpu_allocation_ratio) };
  if (disk > 0) out.DISK_GB = { total: disk, reserved: Math.min(Math.ceil(config.reserved_host_disk_mb / 1024), disk), min_unit: 1, max_unit: disk, step_size: 1, allocation_ratio: ratio(config.disk_allocation_ratio, 'DISK_GB', config.initial_disk_allocation_ratio) };
  return out;
}

/** `/proc/cpuinfo` flag names that libvirt (and so nova's mapping) spells differently. */
const CPUINFO_TO_LIBVIRT: Readonly<Record<string, string>> = {
  sse4_1: 'sse4.1',
  sse4_2: 'sse4.2',
  sha_ni: 'sha-ni',
  pclmulqdq: 'pclmuldq',
  avx512_vpopcntdq: 'avx512-vpopcntdq',
  avx512_vnni: 'avx512vnni',
  avx512_vbmi2: 'avx512vbmi2',
  avx512_bitalg: 'avx512bitalg',
};

/** The traits a host reports: its CPU flags through nova's mapping, the driver's capabilities and device models, COMPUTE_NODE. */
export function computeTraits(host: Host): string[] {
  const traits = new Set<string>(['COMPUTE_NODE']);
  for (const flag of host.cpu.flags) for (const t of CPU_TRAITS_MAPPING[CPUINFO_TO_LIBVIRT[flag] ?? flag] ?? []) traits.add(t);
  if (host.hypervisor_type === 'QEMU') for (const t of [...LIBVIRT_CAPABILITY_TRAITS, ...LIBVIRT_DEVICE_TRAITS]) traits.add(t);
  return [...traits].sort();
}

/**
 * Creates or refreshes the compute host's resource provider (uuid = the host's id), writing only
 * what changed, with one generation step per change as Placement counts them (a new provider
 * with its inventory and traits is at generation 2, as after nova's create, PUT inventories, PUT
 * traits). Removing a class that is allocated is `placement.inventory.inuse`, as in Placement.
 */
export function reportComputeNode(tx: Tx, host: Host): void {
  const s = tx.draft as CloudState;
  const existing = getRow(s.placement.providers, host.id);
  const wanted = computeInventories(host, computeConfigOf(s, host.name), existing?.inventories);
  const inventories: Record<string, InventoryRow> = {};
  for (const [rc, inv] of Object.entries(wanted)) inventories[rc] = { resource_provider_uuid: host.id, resource_class: rc, ...inv };
  if (!existing) {
    // create + PUT inventories + PUT traits, written as one row (generation 2, as after those three calls)
    const aggregates = host.availability_zone === null ? [] : [azUuidIn(tx.memo, host.availability_zone)];
    const rp: ResourceProviderRow = { uuid: host.id, id: tx.counter('placement.provider'), name: host.name, generation: aggregates.length > 0 ? 3 : 2, parent_provider_uuid: null, root_provider_uuid: host.id, inventories, usages: {}, traits: computeTraits(host), aggregates };
    insertProvider(tx, rp);
    tx.trace('nova-compute', `resource tracker reported ${host.name} to placement`, { vcpus: wanted.VCPU?.total ?? 0, memory_mb: wanted.MEMORY_MB?.total ?? 0, disk_gb: wanted.DISK_GB?.total ?? 0 });
    return;
  }
  let generation = existing.generation;
  let next: ResourceProviderRow = existing;
  if (!sameInventories(existing.inventories, inventories)) {
    const inUse = Object.keys(existing.inventories).filter((rc) => inventories[rc] === undefined && (existing.usages[rc] ?? 0) > 0);
    if (inUse.length > 0) throw new Conflict('placement.inventory.inuse', `update conflict: Inventory for '${inUse.join(', ')}' on resource provider '${host.id}' in use.`, { resource_classes: inUse });
    next = { ...next, inventories };
    generation += 1;
  }
  // keep traits someone else set (custom ones, COMPUTE_STATUS_DISABLED), replace the host's own
  const kept = existing.traits.filter((t) => !t.startsWith('HW_CPU_') && !(t.startsWith('COMPUTE_') && t !== 'COMPUTE_STATUS_DISABLED'));
  const traits = [...new Set([...computeTraits(host), ...kept])].sort();
  if (traits.length !== existing.traits.length || traits.some((t, i) => t !== existing.traits[i])) {
    next = { ...next, traits };
    generation += 1;
  }
  // the host's AZ aggregate (nova mirrors aggregate membership into placement); others stay
  const azs = new Set(listAvailabilityZones(s).map((a) => azUuidIn(tx.memo, a.name)));
  const aggregates = [...new Set([...existing.aggregates.filter((a) => !azs.has(a)), ...(host.availability_zone === null ? [] : [azUuidIn(tx.memo, host.availability_zone)])])].sort();
  if (aggregates.length !== existing.aggregates.length || aggregates.some((a, i) => a !== existing.aggregates[i])) {
    next = { ...next, aggregates };
    generation += 1;
  }
  if (generation !== existing.generation || existing.name !== host.name) {
    setRow(tx.draft.placement.providers, host.id, { ...next, generation });
    tx.trace('nova-compute', `resource tracker updated ${host.name} in placement`, { generation });
  }
}

function sameInventories(a: Readonly<Record<string, InventoryRow>>, b: Readonly<Record<string, InventoryRow>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const rc of ka) {
    const x = a[rc] as InventoryRow;
    const y = b[rc];
    if (!y || x.total !== y.total || x.reserved !== y.reserved || x.min_unit !== y.min_unit || x.max_unit !== y.max_unit || x.step_size !== y.step_size || x.allocation_ratio !== y.allocation_ratio) return false;
  }
  return true;
}

/** Removes a compute host's provider; refused (409) while it holds allocations. */
export function removeComputeNode(tx: Tx, host: Host): void {
  const s = tx.draft as CloudState;
  const rp = getRow(s.placement.providers, host.id);
  if (!rp) return;
  const consumers = [...under(s.placement.provider_consumers, rp.uuid)].map(([, c]) => c);
  if (consumers.length > 0) throw new Conflict('scheduler.host.in_use', `Host '${host.name}' still holds allocations of ${consumers.length} consumer(s) in placement (${consumers.slice(0, 3).join(', ')}${consumers.length > 3 ? ', …' : ''}); move or delete them first.`, { host: host.name, consumers });
  deleteProvider(tx, rp);
}

/** The resource tracker's reactions to the hardware (nova-compute reporting to Placement). */
export const COMPUTE_REPORTING_HOOKS: ServiceHooks = {
  'hardware.host.added': (tx, host) => {
    if (host.roles.includes('compute')) reportComputeNode(tx, host);
  },
  'hardware.host.updated': (tx, before, after) => {
    if (after.roles.includes('compute')) reportComputeNode(tx, after);
    else if (before.roles.includes('compute')) removeComputeNode(tx, before);
  },
  'hardware.host.removing': (tx, host) => removeComputeNode(tx, host),
  // maintenance disables the host's nova-compute service, and nova mirrors a disabled service
  // into Placement as the COMPUTE_STATUS_DISABLED trait (so compute_status_filter skips it)
  'hardware.host.state_changed': (tx, before, after) => {
    if ((before.state === 'maintenance') === (after.state === 'maintenance')) return;
    const rp = getRow((tx.draft as CloudState).placement.providers, after.id);
    if (!rp) return;
    const traits = after.state === 'maintenance' ? [...new Set([...rp.traits, 'COMPUTE_STATUS_DISABLED'])].sort() : rp.traits.filter((t) => t !== 'COMPUTE_STATUS_DISABLED');
    setRow(tx.draft.placement.providers, rp.uuid, { ...rp, traits, generation: rp.generation + 1 });
    tx.trace('nova-compute', `${after.state === 'maintenance' ? 'set' : 'removed'} COMPUTE_STATUS_DISABLED on ${after.name}`);
  },
};

/** Sets nova.conf options on one compute host (or, without a host, cloud-wide) and re-reports the affected hosts. */
export function setComputeConfig(tx: Tx, host: Host | undefined, patch: unknown, hosts: readonly Host[]): void {
  const p = checkComputeConfig(patch, 'config');
  const s = tx.draft as CloudState;
  if (host) setRow(tx.draft.compute_config.hosts, host.name, { ...(getRow(s.compute_config.hosts, host.name) ?? {}), ...p });
  else tx.draft.compute_config.defaults = { ...s.compute_config.defaults, ...p };
  for (const h of host ? [host] : hosts) if (h.roles.includes('compute')) reportComputeNode(tx, h);
}
