/**
 * `stacksim/testing`: fast-check arbitraries for users' own properties. Needs `fast-check` 4
 * (an optional peer dependency). Every arbitrary produces input that `createCloud`, the
 * hardware API and the scheduler accept: datacenters (`topology`, `hostModel`, `cpuSpec`, …)
 * and scheduling inputs (`hostState`, `fleet`, `flavor`, `requestSpec`, `schedulerConfig`).
 *
 * ```ts
 * import fc from 'fast-check';
 * import { createCloud } from 'stacksim';
 * import * as arb from 'stacksim/testing';
 * fc.assert(fc.property(arb.topology(), (topology) => {
 *   const cloud = createCloud({ topology });
 *   return cloud.hardware.listHosts().length === arb.hostCount(topology);
 * }));
 * ```
 */
import fc from 'fast-check';
import type { CpuSpec, DiskSpec, HostRole, NicSpec, Topology, HostGroup } from '../hardware/index.js';
import { checkHostState, checkRequestSpec, FILTERS, type HostState, type RequestSpec, type SchedulerConfigInput } from '../scheduler/index.js';

/** CPU topologies seen in real servers: 1–4 sockets, 4–64 cores, SMT on or off. */
export function cpuSpec(): fc.Arbitrary<CpuSpec> {
  return fc.record({
    model: fc.constantFrom('Intel Xeon Gold 6230', 'Intel Xeon E5-2680 v4', 'AMD EPYC 7543', 'Ampere Altra Q80-30'),
    sockets: fc.constantFrom(1, 2, 2, 4),
    cores_per_socket: fc.constantFrom(4, 8, 10, 14, 16, 20, 24, 28, 32, 64),
    threads_per_core: fc.constantFrom(1, 2),
    mhz: fc.integer({ min: 1800, max: 3800 }),
    flags: fc.subarray(['aes', 'avx', 'avx2', 'avx512f', 'sse4_1', 'sse4_2', 'ssse3', 'vmx', 'svm']).map((f) => [...f].sort()),
  });
}

/** 1–4 local disks with distinct names. */
export function disks(): fc.Arbitrary<DiskSpec[]> {
  return fc.array(fc.record({ size_gb: fc.constantFrom(240, 480, 960, 1920, 3840, 7680), type: fc.constantFrom('hdd' as const, 'ssd' as const, 'nvme' as const) }), { minLength: 1, maxLength: 4 })
    .map((ds) => ds.map((d, i) => ({ name: `sd${String.fromCharCode(97 + i)}`, ...d })));
}

/** A management NIC plus optional tenant / storage / external NICs. */
export function nics(): fc.Arbitrary<NicSpec[]> {
  const speed = fc.constantFrom(1000, 10000, 25000, 40000, 100000);
  return fc
    .tuple(speed, fc.subarray(['tenant', 'storage', 'external'] as const), speed)
    .map(([mgmt, others, s]) => [{ name: 'eno1', speed_mbps: mgmt, network: 'management' as const }, ...others.map((network, i) => ({ name: `eno${i + 2}`, speed_mbps: s, network }))]);
}

/** Host roles: mostly plain compute nodes. */
export function roles(): fc.Arbitrary<HostRole[]> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant<HostRole[]>(['compute']) },
    { weight: 1, arbitrary: fc.constant<HostRole[]>(['controller', 'network']) },
    { weight: 1, arbitrary: fc.constant<HostRole[]>(['storage']) },
    { weight: 1, arbitrary: fc.constant<HostRole[]>(['controller', 'network', 'storage', 'compute']) },
  );
}

/** A host model: CPU, 16 GiB – 2 TiB of RAM, disks, NICs, hypervisor `QEMU`. */
export function hostModel(): fc.Arbitrary<{ cpu: CpuSpec; memory_mb: number; disks: DiskSpec[]; nics: NicSpec[]; hypervisor_type: 'QEMU' }> {
  return fc.record({
    cpu: cpuSpec(),
    memory_mb: fc.constantFrom(16, 32, 64, 128, 256, 384, 512, 768, 1024, 2048).map((g) => g * 1024),
    disks: disks(),
    nics: nics(),
    hypervisor_type: fc.constant('QEMU' as const),
  });
}

/**
 * A datacenter: 1–3 availability zones with a rack each, one host model, and 1–`maxGroups`
 * groups of up to `maxPerGroup` hosts (distinct names `g<i>-{nn}`).
 */
export function topology(options: { maxGroups?: number; maxPerGroup?: number } = {}): fc.Arbitrary<Topology> {
  const maxGroups = options.maxGroups ?? 4;
  const maxPerGroup = options.maxPerGroup ?? 20;
  return fc.record({ azs: fc.integer({ min: 1, max: 3 }), model: hostModel(), groups: fc.array(fc.record({ count: fc.integer({ min: 1, max: maxPerGroup }), roles: roles(), az: fc.nat() }), { minLength: 1, maxLength: maxGroups }) })
    .map(({ azs, model, groups }) => {
      const zones = Array.from({ length: azs }, (_, i) => `az${i + 1}`);
      const hosts: HostGroup[] = groups.map((g, i) => ({ name: `g${i}-{nn}`, count: g.count, model: 'std', roles: g.roles, rack: `rack-${zones[g.az % azs]}` }));
      return {
        availability_zones: zones.map((name) => ({ name })),
        racks: zones.map((z) => ({ name: `rack-${z}`, availability_zone: z })),
        models: { std: model },
        hosts,
      };
    });
}

/** How many hosts a topology describes. */
export function hostCount(t: Topology): number {
  return (t.hosts ?? []).reduce((n, g) => n + (g.count ?? 1), 0);
}

// ---------------------------------------------------------------- scheduling


/**
 * A compute node as nova's scheduler sees it (for `schedule()` from `stacksim/scheduler`): a
 * realistic CPU topology, RAM and disk, allocation ratios around Zed's defaults, some of it in
 * use, an AZ out of `az1`–`az3`, and now and then a disabled or down service. Named `host-<i>`.
 */
export function hostState(index = 0): fc.Arbitrary<HostState> {
  return fc
    .record({
      cpu: cpuSpec(),
      ram_gb: fc.constantFrom(64, 128, 256, 384, 512),
      disk_gb: fc.constantFrom(480, 960, 1920, 3840),
      cpu_ratio: fc.constantFrom(1, 4, 16),
      ram_ratio: fc.constantFrom(1, 1.5),
      used: fc.double({ min: 0, max: 0.9, noNaN: true }),
      az: fc.constantFrom('az1', 'az2', 'az3'),
      up: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      instances: fc.nat(20),
    })
    .map((h) => {
      const vcpus = h.cpu.sockets * h.cpu.cores_per_socket * h.cpu.threads_per_core;
      const ram = h.ram_gb * 1024;
      return checkHostState({
        host: `host-${index}`,
        nodename: `host-${index}`,
        uuid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
        availability_zone: h.az,
        aggregates: [{ id: Number(h.az.slice(2)), uuid: null, name: h.az, hosts: [`host-${index}`], metadata: { availability_zone: h.az } }],
        hypervisor_type: 'QEMU',
        supported_instances: [['x86_64', 'kvm', 'hvm'], ['x86_64', 'qemu', 'hvm']],
        vcpus_total: vcpus,
        vcpus_used: Math.floor(vcpus * h.cpu_ratio * h.used),
        total_usable_ram_mb: ram,
        free_ram_mb: Math.floor(ram * (1 - h.used)),
        total_usable_disk_gb: h.disk_gb,
        free_disk_mb: Math.floor(h.disk_gb * (1 - h.used)) * 1024,
        cpu_allocation_ratio: h.cpu_ratio,
        ram_allocation_ratio: h.ram_ratio,
        num_instances: h.instances,
        service: { disabled: false, up: h.up },
      });
    });
}

/** 1–`max` compute nodes with distinct names (`host-0`, `host-1`, …). */
export function fleet(options: { min?: number; max?: number } = {}): fc.Arbitrary<HostState[]> {
  return fc.integer({ min: options.min ?? 1, max: options.max ?? 30 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => hostState(i))));
}

/** A flavor: 1–16 vCPUs, 512 MB – 32 GiB, 0–160 GB root disk, no extra specs. */
export function flavor(): fc.Arbitrary<{ name: string; vcpus: number; memory_mb: number; root_gb: number; ephemeral_gb: number; swap: number; extra_specs: Record<string, string> }> {
  return fc.record({
    name: fc.constantFrom('m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge'),
    vcpus: fc.constantFrom(1, 1, 2, 4, 8, 16),
    memory_mb: fc.constantFrom(512, 2048, 4096, 8192, 16384, 32768),
    root_gb: fc.constantFrom(0, 1, 20, 40, 80, 160),
    ephemeral_gb: fc.constant(0),
    swap: fc.constant(0),
    extra_specs: fc.constant({}),
  });
}

/**
 * A request spec as nova builds it: a flavor, 1–`maxInstances` instances, sometimes an AZ,
 * sometimes a server group with one of the four policies.
 */
export function requestSpec(options: { maxInstances?: number } = {}): fc.Arbitrary<RequestSpec> {
  return fc
    .record({
      flavor: flavor(),
      num_instances: fc.integer({ min: 1, max: options.maxInstances ?? 3 }),
      availability_zone: fc.option(fc.constantFrom('az1', 'az2', 'az3'), { nil: null }),
      group: fc.option(fc.constantFrom('affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'), { nil: null }),
    })
    .map((r) =>
      checkRequestSpec({
        flavor: r.flavor,
        num_instances: r.num_instances,
        availability_zone: r.availability_zone,
        project_id: 'p1',
        user_id: 'u1',
        instance_group: r.group === null ? null : { uuid: null, policy: r.group, hosts: [], members: [], rules: {} },
      }),
    );
}

/** Scheduler options: a subset of Zed's filters, weigher multipliers, `host_subset_size`. */
export function schedulerConfig(): fc.Arbitrary<SchedulerConfigInput> {
  const simple = ['ComputeFilter', 'ComputeCapabilitiesFilter', 'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter', 'AvailabilityZoneFilter', 'NumInstancesFilter', 'IoOpsFilter', 'AllHostsFilter'].filter((n) => FILTERS.some((f) => f.name === n));
  return fc.record({
    filter_scheduler: fc.record({
      enabled_filters: fc.subarray(simple, { minLength: 1 }),
      host_subset_size: fc.integer({ min: 1, max: 3 }),
      ram_weight_multiplier: fc.constantFrom(-1, 0, 1, 2),
      cpu_weight_multiplier: fc.constantFrom(-1, 0, 1),
      disk_weight_multiplier: fc.constantFrom(0, 1),
    }),
  });
}

/** One step of an allocation sequence (see {@link allocationSequence}). */
export type AllocationOp =
  | { readonly op: 'claim'; readonly consumer: number; readonly provider: number; readonly resources: { readonly VCPU: number; readonly MEMORY_MB: number; readonly DISK_GB: number } }
  | { readonly op: 'free'; readonly consumer: number }
  | { readonly op: 'move_to_migration'; readonly consumer: number; readonly provider: number }
  | { readonly op: 'set_ratio'; readonly provider: number; readonly cpu_allocation_ratio: number };

/**
 * A sequence of Placement operations over `providers` providers and up to `consumers`
 * consumers, by index (map them to uuids yourself): claims of a flavor's worth of resources,
 * frees, moves of an instance's allocation to a MIGRATION consumer on another provider (as a
 * cold migration does), and allocation-ratio changes. Useful for "never over capacity" and
 * "usage equals the sum of allocations" properties against `session.placement`.
 */
export function allocationSequence(options: { providers?: number; consumers?: number; maxLength?: number } = {}): fc.Arbitrary<AllocationOp[]> {
  const providers = options.providers ?? 3;
  const consumers = options.consumers ?? 6;
  const provider = fc.nat(providers - 1);
  const consumer = fc.nat(consumers - 1);
  const op: fc.Arbitrary<AllocationOp> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('claim' as const), consumer, provider, resources: flavor().map((f) => ({ VCPU: f.vcpus, MEMORY_MB: f.memory_mb, DISK_GB: f.root_gb + 1 })) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('free' as const), consumer }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('move_to_migration' as const), consumer, provider }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('set_ratio' as const), provider, cpu_allocation_ratio: fc.constantFrom(1, 2, 4, 16) }) },
  );
  return fc.array(op, { maxLength: options.maxLength ?? 30 });
}
