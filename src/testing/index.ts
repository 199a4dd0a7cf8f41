/**
 * `stacksim/testing`: fast-check arbitraries for users' own properties. Needs `fast-check` 4
 * (an optional peer dependency). Every arbitrary produces input that `createCloud` and the
 * hardware API accept; shrinking moves toward small, simple datacenters.
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
