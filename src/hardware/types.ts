/**
 * The datacenter model (operator view): regions → availability zones → racks → hosts, each host
 * with its CPU topology, RAM, disks, NICs, roles and hypervisor type. Later modules derive
 * OpenStack's view from it: placement inventories, nova services and hypervisors, Swift devices.
 */

/** What a host does in the cloud (the lecture's node roles). */
export type HostRole = 'controller' | 'compute' | 'network' | 'storage';
/** Every host role, in the order the lecture introduces them. */
export const HOST_ROLES: readonly HostRole[] = ['controller', 'compute', 'network', 'storage'];

/**
 * The `hypervisor_type` a compute host reports, as Zed's drivers do: `QEMU` for libvirt with KVM
 * or QEMU, `ironic`, `VMware vCenter Server`, `hyperv`, `zvm`. `xen` and `docker` are the
 * lecture's extra types (drivers Zed no longer ships).
 */
export type HypervisorType = 'QEMU' | 'ironic' | 'VMware vCenter Server' | 'hyperv' | 'zvm' | 'xen' | 'docker';
/** Every hypervisor type stacksim knows. */
export const HYPERVISOR_TYPES: readonly HypervisorType[] = ['QEMU', 'ironic', 'VMware vCenter Server', 'hyperv', 'zvm', 'xen', 'docker'];

/** The network a NIC serves (the lecture's management / tenant / storage / external networks). */
export type NicNetwork = 'management' | 'tenant' | 'storage' | 'external';
/** Every NIC network role. */
export const NIC_NETWORKS: readonly NicNetwork[] = ['management', 'tenant', 'storage', 'external'];

/** Kind of disk. */
export type DiskType = 'hdd' | 'ssd' | 'nvme';
/** Every disk type. */
export const DISK_TYPES: readonly DiskType[] = ['hdd', 'ssd', 'nvme'];

/**
 * Operational status of a physical host (its `state` field). Named apart from the scheduler's
 * `HostState`, nova's view of a compute node.
 */
export type HostStatus = 'up' | 'down' | 'maintenance';

/** A CPU package description; logical CPUs = sockets × cores_per_socket × threads_per_core. */
export interface CpuSpec {
  /** Marketing name, e.g. `Intel Xeon Gold 6230`. */
  readonly model: string;
  readonly sockets: number;
  readonly cores_per_socket: number;
  /** 2 with hyper-threading / SMT, else 1. */
  readonly threads_per_core: number;
  readonly mhz: number;
  /** Linux `/proc/cpuinfo` flags (`avx2`, `sse4_2`, `vmx`); placement traits are derived later. */
  readonly flags: readonly string[];
}

/** A local disk. */
export interface DiskSpec {
  /** Device name, e.g. `sda`, `nvme0n1`. */
  readonly name: string;
  readonly size_gb: number;
  readonly type: DiskType;
}

/** A network interface. */
export interface NicSpec {
  /** Interface name, e.g. `eno1`. */
  readonly name: string;
  /** Link speed in Mbit/s (10 GbE = 10000). */
  readonly speed_mbps: number;
  readonly network: NicNetwork;
}

/** A host model: the hardware shared by every host bought as the same SKU. */
export interface HostModel {
  readonly cpu: CpuSpec;
  readonly memory_mb: number;
  readonly disks: readonly DiskSpec[];
  readonly nics: readonly NicSpec[];
  /** Default `QEMU`. */
  readonly hypervisor_type?: HypervisorType;
}

/** A stored host model (a named SKU that hosts can be built from). */
export interface NamedHostModel extends HostModel {
  readonly name: string;
}

/** A physical host as the state stores it. */
export interface Host {
  /** UUID (becomes the compute node's and resource provider's uuid). */
  readonly id: string;
  /** Hostname, unique in the cloud (nova's `host`). */
  readonly name: string;
  readonly region: string;
  /** Topology AZ, or null when the host is in none (nova then shows `nova` or `internal`). */
  readonly availability_zone: string | null;
  readonly rack: string | null;
  /** Name of the topology model it was built from, when any. */
  readonly model: string | null;
  readonly cpu: CpuSpec;
  readonly memory_mb: number;
  readonly disks: readonly DiskSpec[];
  readonly nics: readonly NicSpec[];
  readonly roles: readonly HostRole[];
  readonly hypervisor_type: HypervisorType;
  readonly state: HostStatus;
  /** Why the host is down or in maintenance (operator's words), else null. */
  readonly state_reason: string | null;
  /** Virtual seconds. */
  readonly created_at: number;
  readonly updated_at: number;
}

/** A region (Keystone's region id is its name, e.g. `RegionOne`). */
export interface Region {
  readonly name: string;
  readonly description: string;
}

/** A topology availability zone. */
export interface AvailabilityZone {
  readonly name: string;
  readonly region: string;
}

/** A rack: a failure domain inside an AZ (Swift zones map to racks later). */
export interface Rack {
  readonly name: string;
  readonly region: string;
  readonly availability_zone: string | null;
}

/** The hardware slice of the state. */
export interface HardwareState {
  readonly regions: import('../core/index.js').Table<Region>;
  readonly availability_zones: import('../core/index.js').Table<AvailabilityZone>;
  readonly racks: import('../core/index.js').Table<Rack>;
  /** Named host models (SKUs) hosts can be built from. */
  readonly models: import('../core/index.js').Table<HostModel & { readonly name: string }>;
  /** Hosts by id. */
  readonly hosts: import('../core/index.js').Table<Host>;
  /** Host ids by hostname (hostnames are unique). */
  readonly host_names: import('../core/index.js').Table<string>;
}

/** Logical CPUs of a CPU spec: sockets × cores per socket × threads per core. */
export function logicalCpus(cpu: Pick<CpuSpec, 'sockets' | 'cores_per_socket' | 'threads_per_core'>): number {
  return cpu.sockets * cpu.cores_per_socket * cpu.threads_per_core;
}

/**
 * What `cloud.hardware.addHost` takes: a hostname, a stored model and/or inline hardware
 * (inline fields override the model's), roles and a location. Omitted: `threads_per_core` 1,
 * `mhz` 2400, no flags, no disks or NICs, disk type `ssd`, `hypervisor_type` `QEMU`, roles
 * `['compute']`, region `RegionOne`, no AZ, no rack.
 */
export interface HostSpec {
  readonly name: string;
  /** A model stored with `addHostModel` or listed in `topology.models`. */
  readonly model?: string;
  readonly roles?: readonly HostRole[];
  readonly region?: string;
  readonly availability_zone?: string;
  readonly rack?: string;
  readonly cpu?: Partial<CpuSpec> & Pick<CpuSpec, 'sockets' | 'cores_per_socket'>;
  readonly memory_mb?: number;
  readonly disks?: readonly (Pick<DiskSpec, 'name' | 'size_gb'> & Partial<DiskSpec>)[];
  readonly nics?: readonly NicSpec[];
  readonly hypervisor_type?: HypervisorType;
}

/** What `cloud.hardware.updateHost` may change: hardware, roles and location within the region. */
export type HostPatch = Partial<Pick<HostSpec, 'cpu' | 'memory_mb' | 'disks' | 'nics' | 'hypervisor_type' | 'roles' | 'availability_zone' | 'rack'>>;

/** A host model as given in a topology or to `addHostModel`: CPU and RAM required, the rest defaulted. */
export type HostModelSpec = Required<Pick<HostSpec, 'cpu' | 'memory_mb'>> & Pick<HostSpec, 'disks' | 'nics' | 'hypervisor_type'>;
