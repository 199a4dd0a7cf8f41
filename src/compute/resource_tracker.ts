/**
 * nova-compute's resource tracker (`nova/compute/resource_tracker.py`, the libvirt driver's
 * `update_provider_tree`): what each compute host reports to Placement — a resource provider
 * named after the host (uuid = the host's id), with `VCPU`, `MEMORY_MB` and `DISK_GB`
 * inventories from the hardware and nova.conf's allocation ratios and reservations, traits from
 * the CPU flags and the driver's capabilities, and the aggregates the host is in — and the
 * hardware's hooks through which nova-compute follows the datacenter: a host racked, changed,
 * failed, maintained or removed starts, re-reports, stops or drops its nova services
 * (`nova_services.ts`) and its provider, in the hardware call's commit. A change of nova.conf
 * (`cloud.scheduler.setComputeConfig`) re-reports the hosts it applies to at once
 * (`scheduler.compute_config.changed`).
 *
 * Placement's rows are written through the scheduler's door (`createComputeProvider`,
 * `saveComputeProvider`, `removeComputeProvider`), as nova's report client calls Placement.
 */
import { Conflict, type CloudState, type ServiceHooks, type Tx } from '../core/index.js';
import { logicalCpus, type Host } from '../hardware/index.js';
import {
  CPU_TRAITS_MAPPING,
  STANDARD_TRAITS,
  computeConfigOf,
  computeProviderOf,
  createComputeProvider,
  hostAggregateRows,
  providerAggregatesFor,
  removeComputeProvider,
  saveComputeProvider,
  type ComputeConfig,
  type InventoryRow,
  type ResourceProviderRow,
} from '../scheduler/index.js';
import { conflict } from './errors.js';
import { novaServicesStateChanged, removeNovaServices, syncNovaServices } from './nova_services.js';

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
 * traits; 3 with its aggregates). Removing a class that is allocated is
 * `placement.inventory.inuse`, as in Placement.
 */
export function reportComputeNode(tx: Tx, host: Host): void {
  const s = tx.draft as CloudState;
  const existing = computeProviderOf(s, host.id);
  const wanted = computeInventories(host, computeConfigOf(s, host.name), existing?.inventories);
  const inventories: Record<string, InventoryRow> = {};
  for (const [rc, inv] of Object.entries(wanted)) inventories[rc] = { resource_provider_uuid: host.id, resource_class: rc, ...inv };
  if (!existing) {
    // create + PUT inventories + PUT traits (+ aggregates), written as one row
    createComputeProvider(tx, { uuid: host.id, name: host.name, inventories, traits: computeTraits(host), aggregates: providerAggregatesFor(s, tx.memo, host, []) });
    tx.trace('nova-compute', `resource tracker reported ${host.name} to placement`, { vcpus: wanted.VCPU?.total ?? 0, memory_mb: wanted.MEMORY_MB?.total ?? 0, disk_gb: wanted.DISK_GB?.total ?? 0 });
    return;
  }
  let generation = existing.generation;
  let next: ResourceProviderRow = existing;
  if (!sameInventories(existing.inventories, inventories)) {
    const inUse = Object.keys(existing.inventories).filter((rc) => inventories[rc] === undefined && (existing.usages[rc] ?? 0) > 0);
    if (inUse.length > 0) throw conflictInUse(host.id, inUse);
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
  // the host's aggregates (nova mirrors aggregate membership into placement); others stay
  const aggregates = providerAggregatesFor(s, tx.memo, host, existing.aggregates);
  if (aggregates.length !== existing.aggregates.length || aggregates.some((a, i) => a !== existing.aggregates[i])) {
    next = { ...next, aggregates };
    generation += 1;
  }
  if (generation !== existing.generation || existing.name !== host.name) {
    saveComputeProvider(tx, { ...next, generation });
    tx.trace('nova-compute', `resource tracker updated ${host.name} in placement`, { generation });
  }
}

/** Placement's 409 for an inventory class removed while allocated (`placement.inventory.inuse`). */
function conflictInUse(uuid: string, classes: string[]): Error {
  return new Conflict('placement.inventory.inuse', `update conflict: Inventory for '${classes.join(', ')}' on resource provider '${uuid}' in use.`, { resource_classes: classes });
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

/** Removes a compute host's provider; refused (409 `scheduler.host.in_use`) while it holds allocations. */
export function removeComputeNode(tx: Tx, host: Host): void {
  removeComputeProvider(tx, host.id, host.name);
}

/**
 * A compute host moved to another topology zone while an aggregate of the compute API gives it
 * another zone: refused (409), as nova refuses a host in two zones (`is_safe_to_update_az`).
 */
function checkZoneMove(tx: Tx, before: Host, after: Host): void {
  if (after.availability_zone === null || after.availability_zone === before.availability_zone) return;
  const others = hostAggregateRows(tx.draft as CloudState)
    .filter((r) => r.hosts.includes(after.name) && r.metadata.availability_zone !== undefined && r.metadata.availability_zone !== after.availability_zone)
    .map((r) => r.metadata.availability_zone as string);
  if (others.length > 0) {
    throw conflict('compute.aggregate.zone_conflict', 'InvalidAggregateActionAdd', `Host ${after.name} cannot move to availability zone ${after.availability_zone}: one or more of its aggregates are in availability zone(s) ['${[...new Set(others)].join("', '")}']; remove it from them first.`, { host: after.name, availability_zones: [...new Set(others)] });
  }
}

/** nova-compute's reactions to the hardware and to nova.conf changes (registered by the compute service). */
export const COMPUTE_REPORTING_HOOKS: ServiceHooks = {
  'hardware.host.added': (tx, host) => {
    syncNovaServices(tx, host);
    if (host.roles.includes('compute')) reportComputeNode(tx, host);
  },
  'hardware.host.updated': (tx, before, after) => {
    if (after.roles.includes('compute')) {
      checkZoneMove(tx, before, after);
      syncNovaServices(tx, after);
      reportComputeNode(tx, after);
      return;
    }
    if (before.roles.includes('compute')) removeComputeNode(tx, before);
    syncNovaServices(tx, after);
  },
  'hardware.host.removing': (tx, host) => {
    removeComputeNode(tx, host);
    removeNovaServices(tx, host);
  },
  // services stop and start reporting; maintenance disables nova-compute (COMPUTE_STATUS_DISABLED)
  'hardware.host.state_changed': (tx, before, after) => novaServicesStateChanged(tx, before, after),
  'scheduler.compute_config.changed': (tx, hosts) => {
    for (const h of hosts) if (h.roles.includes('compute')) reportComputeNode(tx, h);
  },
};
