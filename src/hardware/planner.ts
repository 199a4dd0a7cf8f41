/**
 * The lecture's capacity planner: "how many compute hosts does this workload need?", answered
 * with the OpenStack Operations Guide / Architecture Design Guide method (logical CPUs,
 * overcommit ratios, a RAM check with the host overhead, tenant-network bandwidth) and
 * placement's capacity formula `int((total − reserved) × allocation_ratio)`. A pure function:
 * no Cloud, no clock, no randomness; every number comes with the arithmetic that produced it.
 */
import { BadRequest, check, detach, InvalidInput } from '../core/index.js';
import { logicalCpus, type HostModel } from './types.js';
import { checkHostModel } from './spec.js';

// ---------------------------------------------------------------- public types

/**
 * One flavor of the workload's mix and the fraction of VMs that use it.
 * Not simulated: extra specs, swap and `OS-FLV-EXT-DATA:ephemeral` disks, PCI / NUMA requests.
 */
export interface PlannerFlavor {
  /** Flavor name, unique in the mix (e.g. `m1.small`). */
  readonly name: string;
  /** vCPUs per VM (nova's `vcpus`), at least 1. */
  readonly vcpus: number;
  /** RAM per VM in MB (nova's `ram`), at least 1. */
  readonly ram_mb: number;
  /** Root disk per VM in GB (nova's `disk`); 0 for boot-from-volume flavors. */
  readonly disk_gb: number;
  /** Fraction of the VMs using this flavor, in (0, 1]; the shares sum to 1 (within 1e-9). */
  readonly share: number;
}

/**
 * The workload to plan for.
 * Not simulated: time-varying load, per-project quotas, anti-affinity server groups.
 */
export interface PlannerWorkload {
  /** VMs running today, at least 1. */
  readonly vms: number;
  /**
   * The flavor mix. Default: the Operations Guide's worked example, all `m1.small`
   * (1 vCPU, 2048 MB, 20 GB) — see {@link DEFAULT_PLANNER_FLAVORS}.
   */
  readonly flavors?: readonly PlannerFlavor[];
  /** Expected growth as a fraction (0.2 = 20 %); the plan is for `ceil(vms × (1 + growth))` VMs. Default 0. */
  readonly growth?: number;
  /** Tenant-network bandwidth each VM needs, in Mbit/s. Default 0. */
  readonly bandwidth_mbps_per_vm?: number;
  /** Share of VMs that need a floating (public) IP, in [0, 1]. Default 0. */
  readonly floating_ip_fraction?: number;
  /** Average persistent (Cinder volume) storage per VM in GB. Default 0. */
  readonly persistent_gb_per_vm?: number;
}

/**
 * The planner's input: a workload, the compute host model to buy, and nova's allocation
 * ratio and reservation options (same names, Zed's defaults).
 * Not simulated: per-aggregate ratios (`AggregateCoreFilter` is gone since Train), `cpu_dedicated_set`
 * / `cpu_shared_set` pinning, huge pages, `reserved_huge_pages`.
 */
export interface CapacityPlanInput {
  readonly workload: PlannerWorkload;
  /** The compute host model every planned host is built from. */
  readonly host: HostModel;
  /** nova `cpu_allocation_ratio` (Zed's `initial_cpu_allocation_ratio` 16.0). */
  readonly cpu_allocation_ratio?: number;
  /** nova `ram_allocation_ratio` (Zed's `initial_ram_allocation_ratio` 1.5). */
  readonly ram_allocation_ratio?: number;
  /** nova `disk_allocation_ratio` (Zed's `initial_disk_allocation_ratio` 1.0). */
  readonly disk_allocation_ratio?: number;
  /** nova `reserved_host_memory_mb`, the host overhead (Zed default 512). */
  readonly reserved_host_memory_mb?: number;
  /** nova `reserved_host_cpus` (Zed default 0). */
  readonly reserved_host_cpus?: number;
  /** nova `reserved_host_disk_mb` (Zed default 0); placement reserves it rounded up to whole GB. */
  readonly reserved_host_disk_mb?: number;
  /** Extra hosts for redundancy (N+1 is `spare_hosts: 1`). Default 0. */
  readonly spare_hosts?: number;
}

/** A resource the planner sizes hosts for. */
export type PlannedResource = 'vcpu' | 'ram' | 'disk' | 'network';
/** Every planned resource, in the order that also breaks ties for the binding resource. */
export const PLANNED_RESOURCES: readonly PlannedResource[] = ['vcpu', 'ram', 'disk', 'network'];

/**
 * How many hosts one resource needs, with the arithmetic.
 * Not simulated: bin packing — demand is pooled across hosts (only RAM gets a worst-case check),
 * so a real scheduler with fragmentation may need more.
 */
export interface ResourcePlan {
  readonly resource: PlannedResource;
  /** Total demand of the planned VMs (vCPUs, MB, GB or Mbit/s). */
  readonly demand: number;
  /**
   * What one host offers: placement's `int((total − reserved) × allocation_ratio)` for vCPU, RAM
   * and disk; the tenant NICs' summed speed for the network (which must stay strictly above the load).
   */
  readonly per_host_capacity: number;
  /** Hosts this resource alone needs (0 when the demand is 0). */
  readonly hosts: number;
  /** `vCPU`, `MB`, `GB` or `Mbps`. */
  readonly unit: string;
  /** The computation, one human-readable line per step. */
  readonly arithmetic: readonly string[];
}

/** A flavor of the plan with its apportioned VM count. */
export interface PlannedFlavor {
  readonly name: string;
  /** VMs of this flavor (largest remainder apportionment of the planned VMs). */
  readonly count: number;
  readonly vcpus: number;
  readonly ram_mb: number;
  readonly disk_gb: number;
}

/**
 * The planner's answer (deeply frozen).
 * Not simulated: controller, network and storage nodes (only compute hosts are counted; the
 * persistent storage total is for sizing Cinder backends separately), rack power and cooling.
 */
export interface CapacityPlan {
  /** `ceil(vms × (1 + growth))`. */
  readonly planned_vms: number;
  readonly flavors: readonly PlannedFlavor[];
  /** sockets × cores_per_socket × threads_per_core of the host model. */
  readonly logical_cpus_per_host: number;
  /** One plan per resource, in the order vcpu, ram, disk, network. */
  readonly resources: readonly ResourcePlan[];
  /** The resource needing the most hosts (ties: vcpu, ram, disk, network). */
  readonly binding: PlannedResource;
  /** Compute hosts to buy: the most any resource needs, plus `spare_hosts`. */
  readonly hosts: number;
  /** `ceil(planned_vms / (hosts − spare_hosts))`: VMs per host with every spare idle. */
  readonly vms_per_host: number;
  /** Floating IPs needed: `ceil(planned_vms × floating_ip_fraction)` (a count, not hosts). */
  readonly public_ips: number;
  /** Local (ephemeral) disk of all planned VMs in GB; lives on the compute hosts. */
  readonly ephemeral_gb: number;
  /** Persistent (Cinder) storage in GB, `ceil(planned_vms × persistent_gb_per_vm)`; lives on storage nodes. */
  readonly persistent_gb: number;
  /** The whole arithmetic in order, human readable. */
  readonly steps: readonly string[];
}

/**
 * The flavor mix used when `workload.flavors` is omitted: the Operations Guide's capacity
 * example counts `m1.small` instances (nova's legacy default flavor: 1 vCPU, 2048 MB, 20 GB).
 */
export const DEFAULT_PLANNER_FLAVORS: readonly PlannerFlavor[] = Object.freeze([
  Object.freeze({ name: 'm1.small', vcpus: 1, ram_mb: 2048, disk_gb: 20, share: 1 }),
]);

/** nova's Zed defaults for the options the planner reads. */
export const PLANNER_DEFAULTS = Object.freeze({
  cpu_allocation_ratio: 16.0,
  ram_allocation_ratio: 1.5,
  disk_allocation_ratio: 1.0,
  reserved_host_memory_mb: 512,
  reserved_host_cpus: 0,
  reserved_host_disk_mb: 0,
  spare_hosts: 0,
});

// ---------------------------------------------------------------- errors

/**
 * 400: a flavor can never fit on the host model, whatever the host count (nova would answer
 * "No valid host was found"): more vCPUs than logical CPUs, more RAM or disk than the host has
 * after its reservation, or more than the overcommitted capacity.
 */
export class FlavorTooLarge extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'FlavorTooLarge';
  constructor(field: string, message: string, flavor: string) {
    super('hardware.planner.flavor_too_large', `${field}: ${message}`, { field, flavor });
  }
}

/** 400: the VMs need tenant bandwidth but the host model has no NIC on the tenant network. */
export class NoTenantNic extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'NoTenantNic';
  constructor(field: string, message: string) {
    super('hardware.planner.no_tenant_nic', `${field}: ${message}`, { field });
  }
}

/** 400: one VM alone needs as much tenant bandwidth as a host's tenant NICs carry, or more. */
export class BandwidthTooLarge extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'BandwidthTooLarge';
  constructor(field: string, message: string) {
    super('hardware.planner.bandwidth_too_large', `${field}: ${message}`, { field });
  }
}

// ---------------------------------------------------------------- the planner

/**
 * Plans the compute hosts a workload needs (the lecture's "how many hosts for 200 VMs?").
 *
 * 1. Planned VMs = `ceil(vms × (1 + growth))`, apportioned to the flavors by the largest
 *    remainder method (ties go to the earlier flavor), so the counts sum to the planned VMs.
 * 2. Logical CPUs = sockets × cores × threads. Per host, placement's capacity
 *    `int((total − reserved) × allocation_ratio)` for VCPU (total = logical CPUs, reserved =
 *    `reserved_host_cpus`), MEMORY_MB (`reserved_host_memory_mb`) and DISK_GB (the sum of the
 *    host's disks, `reserved_host_disk_mb` rounded up to GB). Hosts per resource =
 *    `ceil(demand / capacity)`. A flavor larger than a host's raw resources (after reservation)
 *    or its capacity throws {@link FlavorTooLarge}: overcommit never lets one VM exceed a host.
 * 3. Network: a host's tenant NICs (summed speed) must carry strictly more than
 *    `bandwidth_mbps_per_vm × VMs per host`; hosts = `ceil(planned / n)` with `n` the most VMs
 *    that stay strictly below.
 * 4. The lecture's RAM check, "RAM per host = VMs per host × max flavor RAM + host overhead",
 *    is made at the host count the resources give (VMs per host = `ceil(planned / hosts)`, host
 *    overhead = `reserved_host_memory_mb`, compared with the overcommitted RAM plus that
 *    overhead). It assumes the worst case, every VM on a host being of the largest flavor of the
 *    mix; if it fails, the RAM plan is raised to the fewest hosts for which it holds,
 *    `ceil(planned / floor(RAM capacity / max flavor RAM))`, and RAM becomes the binding resource.
 * 5. Hosts = the most any resource needs + `spare_hosts`.
 *
 * Input may be of any shape; bad input throws `InvalidInput` (400) naming the field.
 * Fractional products (growth, floating IPs, persistent GB) are rounded up after forgiving a
 * relative 1e-9 of floating-point noise, so `100 × 1.1` plans 110 VMs, not 111.
 *
 * Beware the Alabama paradox of largest-remainder apportionment: with three or more flavors,
 * one more VM can take a VM away from one flavor, so the host count is guaranteed not to drop
 * as `vms` grows only for mixes of one or two flavors.
 *
 * Not simulated: bin packing and fragmentation, NUMA, CPU pinning, live-migration headroom,
 * ironic hosts (one instance per node), controller / network / storage nodes.
 */
export function planCapacity(input: unknown): CapacityPlan {
  const p = checkInput(input);
  const steps: string[] = [];
  const w = p.workload;

  // 1. planned VMs and the flavor mix
  const planned = ceilTolerant(w.vms * (1 + w.growth));
  steps.push(
    w.growth === 0
      ? `planned VMs = ${w.vms} (no growth)`
      : `planned VMs = ceil(${w.vms} × (1 + ${w.growth})) = ${planned}`,
  );
  const counts = apportion(planned, w.flavors.map((f) => f.share));
  const flavors: PlannedFlavor[] = w.flavors.map((f, i) => ({ name: f.name, count: counts[i] ?? 0, vcpus: f.vcpus, ram_mb: f.ram_mb, disk_gb: f.disk_gb }));
  steps.push(`flavor mix (largest remainder) = ${flavors.map((f, i) => `${f.name} ${f.count} (${Number((w.flavors[i]?.share ?? 0).toPrecision(6))} × ${planned})`).join(', ')}`);

  // 2. host resources and flavor fit
  const host = p.host;
  const logical = logicalCpus(host.cpu);
  steps.push(
    `logical CPUs per host = ${host.cpu.sockets} sockets × ${host.cpu.cores_per_socket} cores × ${host.cpu.threads_per_core} threads = ${logical}`,
  );
  const localGb = host.disks.reduce((sum, d) => sum + d.size_gb, 0);
  const reservedDiskGb = Math.ceil(p.reserved_host_disk_mb / 1024);
  const vcpuCap = placementCapacity(logical, p.reserved_host_cpus, p.cpu_allocation_ratio);
  const ramCap = placementCapacity(host.memory_mb, p.reserved_host_memory_mb, p.ram_allocation_ratio);
  const diskCap = placementCapacity(localGb, reservedDiskGb, p.disk_allocation_ratio);
  w.flavors.forEach((f, i) => checkFits(f, `workload.flavors[${i}]`, { logical, vcpuCap, ram: host.memory_mb - p.reserved_host_memory_mb, ramCap, disk: localGb - reservedDiskGb, diskCap, localGb }, p));

  // vCPU
  const vcpuDemand = safeSum(flavors.map((f) => f.count * f.vcpus), 'vCPU');
  const vcpuHosts = ceilDiv(vcpuDemand, vcpuCap);
  const vcpuLines = [
    `vCPU demand = ${sumLine(flavors, (f) => `${f.count} × ${f.vcpus}`)} = ${vcpuDemand} vCPUs`,
    `vCPU capacity per host = int((${logical} − ${p.reserved_host_cpus} reserved_host_cpus) × ${p.cpu_allocation_ratio} cpu_allocation_ratio) = ${vcpuCap}`,
    `hosts for vCPU = ceil(${vcpuDemand} / ${vcpuCap}) = ${vcpuHosts}`,
  ];

  // RAM (the worst-case check comes after the other resources)
  const ramDemand = safeSum(flavors.map((f) => f.count * f.ram_mb), 'RAM');
  let ramHosts = ceilDiv(ramDemand, ramCap);
  const ramLines = [
    `RAM demand = ${sumLine(flavors, (f) => `${f.count} × ${f.ram_mb} MB`)} = ${ramDemand} MB`,
    `RAM capacity per host = int((${host.memory_mb} MB − ${p.reserved_host_memory_mb} MB reserved_host_memory_mb) × ${p.ram_allocation_ratio} ram_allocation_ratio) = ${ramCap} MB`,
    `hosts for RAM = ceil(${ramDemand} / ${ramCap}) = ${ramHosts}`,
  ];

  // disk
  const diskDemand = safeSum(flavors.map((f) => f.count * f.disk_gb), 'disk');
  const diskHosts = diskDemand === 0 ? 0 : ceilDiv(diskDemand, diskCap);
  const diskLines = [
    `local disk per host = ${host.disks.length === 0 ? 'no disks' : host.disks.map((d) => `${d.name} ${d.size_gb}`).join(' + ')} = ${localGb} GB`,
    `ephemeral disk demand = ${sumLine(flavors, (f) => `${f.count} × ${f.disk_gb} GB`)} = ${diskDemand} GB`,
    `disk capacity per host = int((${localGb} GB − ${reservedDiskGb} GB reserved, reserved_host_disk_mb ${p.reserved_host_disk_mb} MB rounded up) × ${p.disk_allocation_ratio} disk_allocation_ratio) = ${diskCap} GB`,
    diskDemand === 0 ? 'hosts for disk = 0 (no ephemeral disk)' : `hosts for disk = ceil(${diskDemand} / ${diskCap}) = ${diskHosts}`,
  ];

  // network
  const tenantNics = host.nics.filter((n) => n.network === 'tenant');
  const tenantMbps = tenantNics.reduce((sum, n) => sum + n.speed_mbps, 0);
  const bw = w.bandwidth_mbps_per_vm;
  const netDemand = planned * bw;
  const netLines: string[] = [];
  let netHosts = 0;
  let netVmsPerHost = Infinity;
  if (bw === 0) {
    netLines.push('bandwidth per VM = 0 Mbps: the tenant network needs no hosts');
  } else {
    if (tenantNics.length === 0) {
      throw new NoTenantNic('host.nics', `the VMs need ${bw} Mbps each on the tenant network, but no NIC of the host model has network 'tenant'; add one or set workload.bandwidth_mbps_per_vm to 0.`);
    }
    netVmsPerHost = mostBelow(bw, tenantMbps, planned);
    if (netVmsPerHost === 0) {
      throw new BandwidthTooLarge('workload.bandwidth_mbps_per_vm', `one VM needs ${bw} Mbps but a host's tenant NICs carry ${tenantMbps} Mbps, which must be strictly more; use faster or more tenant NICs.`);
    }
    netHosts = ceilDiv(planned, netVmsPerHost);
    netLines.push(
      `tenant NIC bandwidth per host = ${tenantNics.map((n) => `${n.name} ${n.speed_mbps}`).join(' + ')} = ${tenantMbps} Mbps`,
      `network demand = ${planned} VMs × ${bw} Mbps = ${netDemand} Mbps`,
      netVmsPerHost === planned && planned * bw < tenantMbps
        ? `VMs per host the tenant NICs carry: all ${planned} (${planned} × ${bw} Mbps = ${planned * bw} Mbps < ${tenantMbps} Mbps)`
        : `VMs per host the tenant NICs carry = largest n with n × ${bw} Mbps < ${tenantMbps} Mbps = ${netVmsPerHost}`,
      `hosts for network = ceil(${planned} / ${netVmsPerHost}) = ${netHosts}`,
    );
  }

  // 4. the lecture's RAM check at the host count the resources give
  const maxRamFlavor = w.flavors.reduce((a, b) => (b.ram_mb > a.ram_mb ? b : a));
  const maxRam = maxRamFlavor.ram_mb;
  const allowed = ramCap + p.reserved_host_memory_mb;
  const ramCheck = (hosts: number): { line: string; ok: boolean } => {
    const perHost = ceilDiv(planned, hosts);
    const need = perHost * maxRam + p.reserved_host_memory_mb;
    const ok = perHost * maxRam <= ramCap;
    return {
      ok,
      line: `RAM check at ${hosts} hosts: VMs per host = ceil(${planned} / ${hosts}) = ${perHost}; RAM per host = ${perHost} × ${maxRam} MB (largest flavor ${maxRamFlavor.name}) + ${p.reserved_host_memory_mb} MB host overhead = ${need} MB ${ok ? '≤' : '>'} ${allowed} MB allowed (${ramCap} MB + ${p.reserved_host_memory_mb} MB) → ${ok ? 'holds' : 'fails'}`,
    };
  };
  const chosen = Math.max(vcpuHosts, ramHosts, diskHosts, netHosts);
  const chosenLine = `hosts before the RAM check = max(vCPU ${vcpuHosts}, RAM ${ramHosts}, disk ${diskHosts}, network ${netHosts}) = ${chosen}`;
  const checkLines: string[] = [];
  const first = ramCheck(chosen);
  checkLines.push(first.line);
  if (!first.ok) {
    const perHostMax = Math.floor(ramCap / maxRam);
    ramHosts = ceilDiv(planned, perHostMax);
    checkLines.push(
      `largest-flavor VMs per host = floor(${ramCap} / ${maxRam}) = ${perHostMax}; hosts for RAM = ceil(${planned} / ${perHostMax}) = ${ramHosts}`,
      ramCheck(ramHosts).line,
    );
  }
  ramLines.push(chosenLine, ...checkLines);

  // 5. hosts
  const plans: ResourcePlan[] = [
    { resource: 'vcpu', demand: vcpuDemand, per_host_capacity: vcpuCap, hosts: vcpuHosts, unit: 'vCPU', arithmetic: vcpuLines },
    { resource: 'ram', demand: ramDemand, per_host_capacity: ramCap, hosts: ramHosts, unit: 'MB', arithmetic: ramLines },
    { resource: 'disk', demand: diskDemand, per_host_capacity: diskCap, hosts: diskHosts, unit: 'GB', arithmetic: diskLines },
    { resource: 'network', demand: netDemand, per_host_capacity: tenantMbps, hosts: netHosts, unit: 'Mbps', arithmetic: netLines },
  ];
  let binding = plans[0] as ResourcePlan;
  for (const r of plans) if (r.hosts > binding.hosts) binding = r;
  const working = binding.hosts;
  const hosts = working + p.spare_hosts;
  const vmsPerHost = ceilDiv(planned, working);
  const netCheck = `network check at ${working} hosts: ${vmsPerHost} VMs × ${bw} Mbps = ${vmsPerHost * bw} Mbps < ${tenantMbps} Mbps tenant bandwidth`;
  if (bw > 0) netLines.push(netCheck);
  // steps: each resource's own arithmetic, then the checks that need the host count
  steps.push(...vcpuLines, ...ramLines.slice(0, 3), ...diskLines, ...(bw > 0 ? netLines.slice(0, -1) : netLines), chosenLine, ...checkLines);
  if (bw > 0) steps.push(netCheck);
  steps.push(
    `hosts = max(vCPU ${vcpuHosts}, RAM ${ramHosts}, disk ${diskHosts}, network ${netHosts}) + ${p.spare_hosts} spare_hosts = ${hosts} (binding: ${binding.resource})`,
    `VMs per host = ceil(${planned} / ${working}) = ${vmsPerHost}`,
  );

  // IPs and storage
  const publicIps = ceilTolerant(planned * w.floating_ip_fraction);
  const persistentGb = ceilTolerant(planned * w.persistent_gb_per_vm);
  steps.push(
    `public IPs = ceil(${planned} × ${w.floating_ip_fraction}) = ${publicIps}`,
    `ephemeral storage (on compute hosts) = ${diskDemand} GB`,
    `persistent storage (Cinder, on storage nodes) = ceil(${planned} × ${w.persistent_gb_per_vm} GB) = ${persistentGb} GB`,
  );

  return detach({
    planned_vms: planned,
    flavors,
    logical_cpus_per_host: logical,
    resources: plans,
    binding: binding.resource,
    hosts,
    vms_per_host: vmsPerHost,
    public_ips: publicIps,
    ephemeral_gb: diskDemand,
    persistent_gb: persistentGb,
    steps,
  });
}

// ---------------------------------------------------------------- arithmetic helpers

/** Placement's capacity `int((total − reserved) × allocation_ratio)`, never below 0. */
function placementCapacity(total: number, reserved: number, ratio: number): number {
  return Math.max(0, Math.floor((total - reserved) * ratio));
}

/** `ceil(a / b)` for non-negative integers, exact even where the float quotient rounds. */
function ceilDiv(a: number, b: number): number {
  let q = Math.ceil(a / b);
  while (q > 0 && (q - 1) * b >= a) q -= 1;
  while (q * b < a) q += 1;
  return q;
}

/** `ceil(x)` forgiving a relative 1e-9 of floating-point noise (`100 × 1.1` is 110). */
function ceilTolerant(x: number): number {
  return Math.max(0, Math.ceil(x - 1e-9 * Math.max(1, Math.abs(x))));
}

/** The largest n in [0, cap] with n × per < limit (per > 0). */
function mostBelow(per: number, limit: number, cap: number): number {
  if (cap * per < limit) return cap;
  // Here limit / per ≤ cap, so the float quotient is finite and off by at most a step.
  let n = Math.min(cap, Math.max(0, Math.floor(limit / per)));
  while (n > 0 && n * per >= limit) n -= 1;
  while (n < cap && (n + 1) * per < limit) n += 1;
  return n;
}

function safeSum(parts: readonly number[], what: string): number {
  const total = parts.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(total)) {
    throw new InvalidInput('workload.vms', `the ${what} demand (${total}) is too large to compute exactly; plan for fewer VMs.`);
  }
  return total;
}

function sumLine(flavors: readonly PlannedFlavor[], term: (f: PlannedFlavor) => string): string {
  return flavors.map((f) => `${term(f)} (${f.name})`).join(' + ');
}

/**
 * Largest remainder (Hamilton) apportionment of `total` seats to `shares`: floors of the
 * quotas, then one more seat each to the largest remainders, ties to the earlier share.
 */
function apportion(total: number, shares: readonly number[]): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  const quotas = shares.map((s) => (total * s) / sum);
  // Forgive float noise so that 240 × 0.3 is a whole 72, not 71.999….
  const counts = quotas.map((q) => Math.floor(q + 1e-9 * Math.max(1, q)));
  const remainders = quotas.map((q, i) => q - (counts[i] ?? 0));
  const order = shares.map((_, i) => i).sort((a, b) => (remainders[b] ?? 0) - (remainders[a] ?? 0) || a - b);
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left -= 1) {
    const i = order[k] as number;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  // Only reachable through float noise: take back from the smallest remainders.
  for (let k = order.length - 1; left < 0; k = (k - 1 + order.length) % order.length) {
    const i = order[k] as number;
    if ((counts[i] ?? 0) > 0) {
      counts[i] = (counts[i] ?? 0) - 1;
      left += 1;
    }
  }
  return counts;
}

interface HostLimits {
  logical: number;
  vcpuCap: number;
  /** RAM after `reserved_host_memory_mb`. */
  ram: number;
  ramCap: number;
  /** Local disk after `reserved_host_disk_mb`. */
  disk: number;
  diskCap: number;
  localGb: number;
}

function checkFits(f: PlannerFlavor, field: string, h: HostLimits, p: CheckedInput): void {
  const refuse = (why: string): never => {
    throw new FlavorTooLarge(field, `flavor '${f.name}' can never fit on the host model: ${why}; nova would answer "No valid host was found".`, f.name);
  };
  if (f.vcpus > h.logical) refuse(`it has ${f.vcpus} vCPUs but a host has only ${h.logical} logical CPUs (overcommit never splits one VM across hosts)`);
  if (f.vcpus > h.vcpuCap) refuse(`it has ${f.vcpus} vCPUs but a host's vCPU capacity is ${h.vcpuCap} (reserved_host_cpus ${p.reserved_host_cpus}, cpu_allocation_ratio ${p.cpu_allocation_ratio})`);
  if (f.ram_mb > h.ram) refuse(`it needs ${f.ram_mb} MB of RAM but a host has ${Math.max(0, h.ram)} MB after reserved_host_memory_mb ${p.reserved_host_memory_mb}`);
  if (f.ram_mb > h.ramCap) refuse(`it needs ${f.ram_mb} MB of RAM but a host's RAM capacity is ${h.ramCap} MB (ram_allocation_ratio ${p.ram_allocation_ratio})`);
  if (f.disk_gb > 0 && f.disk_gb > h.disk) refuse(`it needs ${f.disk_gb} GB of disk but a host has ${Math.max(0, h.disk)} GB of local disk after reserved_host_disk_mb (${h.localGb} GB in all)`);
  if (f.disk_gb > h.diskCap) refuse(`it needs ${f.disk_gb} GB of disk but a host's disk capacity is ${h.diskCap} GB (disk_allocation_ratio ${p.disk_allocation_ratio})`);
}


// ---------------------------------------------------------------- input checks

interface CheckedInput {
  workload: {
    vms: number;
    flavors: PlannerFlavor[];
    growth: number;
    bandwidth_mbps_per_vm: number;
    floating_ip_fraction: number;
    persistent_gb_per_vm: number;
  };
  host: HostModel;
  cpu_allocation_ratio: number;
  ram_allocation_ratio: number;
  disk_allocation_ratio: number;
  reserved_host_memory_mb: number;
  reserved_host_cpus: number;
  reserved_host_disk_mb: number;
  spare_hosts: number;
}

const INPUT_KEYS = ['workload', 'host', 'cpu_allocation_ratio', 'ram_allocation_ratio', 'disk_allocation_ratio', 'reserved_host_memory_mb', 'reserved_host_cpus', 'reserved_host_disk_mb', 'spare_hosts'] as const;
const WORKLOAD_KEYS = ['vms', 'flavors', 'growth', 'bandwidth_mbps_per_vm', 'floating_ip_fraction', 'persistent_gb_per_vm'] as const;
/** nova's flavor limits (`db.MAX_INT`). */
const MAX_INT = 2_147_483_647;
/** Keeps every product exact; a planner for more VMs than this is not a lecture question. */
const MAX_VMS = 10_000_000;
const MAX_RATIO = 10_000;

function checkInput(input: unknown): CheckedInput {
  const r = check.record(input, 'input');
  check.onlyKeys(r, INPUT_KEYS, 'input');
  const d = PLANNER_DEFAULTS;
  const ratio = (key: 'cpu_allocation_ratio' | 'ram_allocation_ratio' | 'disk_allocation_ratio'): number =>
    check.optional(r[key], key, positive, d[key]);
  const reserved = (key: 'reserved_host_memory_mb' | 'reserved_host_cpus' | 'reserved_host_disk_mb'): number =>
    check.optional(r[key], key, (x, f) => check.integer(x, f, 0), d[key]);
  return {
    workload: checkWorkload(r.workload, 'workload'),
    host: checkHost(r.host, 'host'),
    cpu_allocation_ratio: ratio('cpu_allocation_ratio'),
    ram_allocation_ratio: ratio('ram_allocation_ratio'),
    disk_allocation_ratio: ratio('disk_allocation_ratio'),
    reserved_host_memory_mb: reserved('reserved_host_memory_mb'),
    reserved_host_cpus: reserved('reserved_host_cpus'),
    reserved_host_disk_mb: reserved('reserved_host_disk_mb'),
    spare_hosts: check.optional(r.spare_hosts, 'spare_hosts', (x, f) => check.integer(x, f, 0, MAX_VMS), d.spare_hosts),
  };
}

function positive(value: unknown, field: string): number {
  const n = check.number(value, field, 0, MAX_RATIO);
  if (n === 0) throw new InvalidInput(field, 'must be greater than 0.');
  return n;
}

function checkWorkload(value: unknown, field: string): CheckedInput['workload'] {
  const w = check.record(value, field);
  check.onlyKeys(w, WORKLOAD_KEYS, field);
  const flavors = check.optional(w.flavors, `${field}.flavors`, checkFlavors, DEFAULT_PLANNER_FLAVORS.map((f) => ({ ...f })));
  return {
    vms: check.integer(w.vms, `${field}.vms`, 1, MAX_VMS),
    flavors,
    growth: check.optional(w.growth, `${field}.growth`, (x, f) => check.number(x, f, 0, 100), 0),
    bandwidth_mbps_per_vm: check.optional(w.bandwidth_mbps_per_vm, `${field}.bandwidth_mbps_per_vm`, (x, f) => check.number(x, f, 0, MAX_INT), 0),
    floating_ip_fraction: check.optional(w.floating_ip_fraction, `${field}.floating_ip_fraction`, (x, f) => check.number(x, f, 0, 1), 0),
    persistent_gb_per_vm: check.optional(w.persistent_gb_per_vm, `${field}.persistent_gb_per_vm`, (x, f) => check.number(x, f, 0, MAX_INT), 0),
  };
}

function checkFlavors(value: unknown, field: string): PlannerFlavor[] {
  const flavors = check.array(value, field, (x, f): PlannerFlavor => {
    const o = check.record(x, f);
    check.onlyKeys(o, ['name', 'vcpus', 'ram_mb', 'disk_gb', 'share'], f);
    const share = check.number(o.share, `${f}.share`, 0, 1);
    if (share === 0) throw new InvalidInput(`${f}.share`, 'must be greater than 0; leave the flavor out instead.');
    return {
      name: check.name(o.name, `${f}.name`),
      vcpus: check.integer(o.vcpus, `${f}.vcpus`, 1, MAX_INT),
      ram_mb: check.integer(o.ram_mb, `${f}.ram_mb`, 1, MAX_INT),
      disk_gb: check.integer(o.disk_gb, `${f}.disk_gb`, 0, MAX_INT),
      share,
    };
  }, 1000);
  if (flavors.length === 0) throw new InvalidInput(field, 'give at least one flavor, or leave flavors out for the m1.small default.');
  const seen = new Set<string>();
  flavors.forEach((f, i) => {
    if (seen.has(f.name)) throw new InvalidInput(`${field}[${i}].name`, `duplicate flavor name '${f.name}'.`);
    seen.add(f.name);
  });
  const total = flavors.reduce((a, f) => a + f.share, 0);
  if (Math.abs(total - 1) > 1e-9) throw new InvalidInput(field, `the shares must sum to 1, got ${Number(total.toPrecision(12))}.`);
  return flavors;
}

/** The host model, checked as the cloud checks host models; a planned compute host needs RAM. */
function checkHost(value: unknown, field: string): HostModel {
  const model = checkHostModel(value, field);
  if (model.memory_mb < 1) throw new InvalidInput(`${field}.memory_mb`, 'a compute host needs RAM: give memory_mb >= 1.');
  return model;
}
