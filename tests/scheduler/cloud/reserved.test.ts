/**
 * issue 10 #17: nova's host states keep the reserved amounts as nova's resource tracker does
 * (totals are the physical amounts, the used amounts start at `reserved_host_*`), and the
 * modelled Placement checks a flavor against `max_unit` = the physical total and the capacity
 * `int((total − reserved) × ratio)`, as the libvirt driver reports them
 * (virt/libvirt/driver.py `update_provider_tree`) and Placement checks them
 * (placement/objects/allocation.py `_check_capacity_exceeded`). So the cloud, the pure
 * `schedule()` over the cloud's host states and Placement agree on every host, and every
 * weigher's raw value is nova's (nova/scheduler/host_manager.py `_update_from_compute_node`,
 * nova/scheduler/weights/{ram,cpu,disk}.py).
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud, type Cloud } from '../../../src/index.js';
import { NoValidHost, hostStates, schedule, type HostState } from '../../../src/scheduler/index.js';
import { hostIndexOf } from '../../../src/scheduler/host_index.js';

/** One compute host of `vcpus` logical CPUs, `memory_mb` and `disk_gb`. */
function oneHost(seed: number, vcpus: number, memory_mb: number, disk_gb: number): Cloud {
  return createCloud({
    seed,
    preset: 'empty',
    identity: { password_hash_rounds: 1 },
    topology: { hosts: [{ name: 'h1', roles: ['compute'], cpu: { sockets: 1, cores_per_socket: vcpus, threads_per_core: 1 }, memory_mb, disks: [{ name: 'sda', size_gb: disk_gb }] }] },
  });
}

const flavor = (vcpus: number, memory_mb: number, root_gb: number) => ({ name: 'f', vcpus, memory_mb, root_gb });

/** The host states of every compute host of a cloud, as its scheduler sees them. */
function statesOf(cloud: Cloud): HostState[] {
  return hostStates(cloud.state, cloud.scheduler.usage().map((u) => cloud.hardware.getHost(u.host).id));
}

describe('max_unit is the physical total, not total − reserved', () => {
  it('an 8000 MB flavor goes on an 8192 MB host with 512 MB reserved, in the cloud and in schedule() over its host states', () => {
    const cloud = oneHost(1701, 4, 8192, 100);
    const p = cloud.systemAdmin.placement;
    const rp = p.getResourceProvider('h1').uuid;
    expect(p.getInventory(rp, 'MEMORY_MB')).toMatchObject({ total: 8192, reserved: 512, max_unit: 8192 });
    // Placement offers the host
    expect(Object.keys(p.getAllocationCandidates({ resources: { VCPU: 1, MEMORY_MB: 8000, DISK_GB: 1 } }).provider_summaries)).toEqual([rp]);
    // the pure scheduler over the cloud's own host states places it
    expect(schedule({ hosts: statesOf(cloud), request: { flavor: flavor(1, 8000, 1) } }).selections[0]?.host).toBe('h1');
    // and so does nova's scheduler in the cloud, which claims it
    const r = cloud.scheduler.selectDestinations({ flavor: flavor(1, 8000, 1) });
    expect(r.selections[0]?.host).toBe('h1');
    expect(p.getProviderUsages(rp).usages.MEMORY_MB).toBe(8000);
  });

  it('a flavor above the physical total is refused by max_unit, one within it but above the free capacity by capacity', () => {
    const cloud = oneHost(1702, 4, 8192, 100);
    cloud.scheduler.setComputeConfig(null, { ram_allocation_ratio: 1.0 });
    const hosts = statesOf(cloud);
    const why = (memory_mb: number) => {
      try {
        schedule({ hosts, request: { flavor: flavor(1, memory_mb, 1) } });
        return null;
      } catch (e) {
        return (e as NoValidHost).explanation.prefilters.find((t) => t.name === 'placement (allocation candidates)')?.removed[0]?.reason;
      }
    };
    expect(why(8193)).toBe('MEMORY_MB 8193 requested exceeds max_unit 8192');
    expect(why(7681)).toBe('insufficient MEMORY_MB: 0 used of capacity 7680 ((8192 − 512 reserved) × 1), 7681 requested');
    expect(why(7680)).toBeNull();
  });
});

describe('host states count the reservation as nova\'s resource tracker does', () => {
  it('totals are physical, used amounts include reserved_host_*, and the weighers see nova\'s raw values', () => {
    const cloud = oneHost(1703, 8, 16384, 100);
    cloud.scheduler.setComputeConfig(null, { reserved_host_cpus: 2, reserved_host_memory_mb: 1024, reserved_host_disk_mb: 1536 });
    cloud.scheduler.selectDestinations({ flavor: flavor(3, 2048, 10), project_id: 'p', user_id: 'u' });
    const [h] = statesOf(cloud);
    expect(h).toMatchObject({
      vcpus_total: 8,
      vcpus_used: 2 + 3,
      total_usable_ram_mb: 16384,
      free_ram_mb: 16384 - 1024 - 2048,
      total_usable_disk_gb: 100,
      // local_gb_used = int(1536 / 1024) + 10 (an integer field: the reservation rounds down)
      free_disk_mb: (100 - 1 - 10) * 1024,
      reserved_host_cpus: 2,
      reserved_host_memory_mb: 1024,
      reserved_host_disk_mb: 1536,
    });
    // Placement reserves the disk rounded up to whole GB (convert_mb_to_ceil_gb)
    expect(cloud.systemAdmin.placement.getInventory('h1', 'DISK_GB')).toMatchObject({ total: 100, reserved: 2, max_unit: 100 });
    // RAMWeigher: free_ram_mb; CPUWeigher: vcpus_total × cpu_allocation_ratio − vcpus_used; DiskWeigher: free_disk_mb
    const r = schedule({ hosts: [h as HostState, { ...(h as HostState), host: 'twin', nodename: 'twin', uuid: 'twin' }], request: { flavor: flavor(1, 512, 1) } });
    const raw = (name: string) => r.explanation.instances[0]?.weighers.find((w) => w.name === name)?.hosts[0]?.raw;
    expect(raw('RAMWeigher')).toBe(16384 - 1024 - 2048);
    expect(raw('CPUWeigher')).toBe(8 * 16 - 5);
    expect(raw('DiskWeigher')).toBe((100 - 1 - 10) * 1024);
  });

  it('a caller\'s host state with reserved_host_* gets Placement\'s capacity int((total − reserved) × ratio) and max_unit = total', () => {
    const base = { host: 'h', vcpus_total: 4, cpu_allocation_ratio: 1, total_usable_ram_mb: 8192, ram_allocation_ratio: 1, total_usable_disk_gb: 10, disk_allocation_ratio: 1 };
    // nothing used: free is total less what is reserved (used = what is reserved)
    const reserved = schedule({ hosts: [{ ...base, reserved_host_cpus: 1, reserved_host_memory_mb: 512, reserved_host_disk_mb: 1 }], request: { flavor: flavor(3, 7680, 9) } });
    expect(reserved.selections[0]?.host).toBe('h');
    // one more of any class is over capacity: VCPU 4 > (4 − 1) × 1, MEMORY_MB 7681 > 8192 − 512, DISK_GB 10 > 10 − ceil(1 MB)
    for (const [f, rc] of [[flavor(4, 512, 1), 'VCPU'], [flavor(1, 7681, 1), 'MEMORY_MB'], [flavor(1, 512, 10), 'DISK_GB']] as const) {
      try {
        schedule({ hosts: [{ ...base, reserved_host_cpus: 1, reserved_host_memory_mb: 512, reserved_host_disk_mb: 1 }], request: { flavor: f } });
        expect.unreachable(`${rc} should not fit`);
      } catch (e) {
        expect((e as Error).message).toContain(rc);
      }
    }
  });
});

describe('the host index (nova\'s HostManager) follows nova.conf', () => {
  it('a reservation change Placement does not see (1023 → 1024 MB of disk: 1 GB reserved either way) still reaches the host states', () => {
    const cloud = oneHost(1704, 4, 8192, 100);
    cloud.scheduler.setComputeConfig(null, { reserved_host_disk_mb: 1023 });
    const index = hostIndexOf(cloud.kernel.memo);
    index.sync(cloud.state);
    const uuid = cloud.hardware.getHost('h1').id;
    expect(index.statesOf([uuid])[0]?.free_disk_mb).toBe(100 * 1024);
    const generation = cloud.systemAdmin.placement.getResourceProvider(uuid).generation;
    cloud.scheduler.setComputeConfig(null, { reserved_host_disk_mb: 1024 });
    expect(cloud.systemAdmin.placement.getResourceProvider(uuid).generation).toBe(generation); // Placement's row is the same
    index.sync(cloud.state);
    expect(index.statesOf([uuid])).toEqual(hostStates(cloud.state, [uuid]));
    expect(index.statesOf([uuid])[0]?.free_disk_mb).toBe(99 * 1024);
    // and back, to a row the index saw before
    cloud.scheduler.setComputeConfig(null, { reserved_host_disk_mb: 1023 });
    index.sync(cloud.state);
    expect(index.statesOf([uuid])[0]?.free_disk_mb).toBe(100 * 1024);
  });
});

describe('the modelled Placement agrees with Placement on every host (seed 1717)', () => {
  it('schedule() over the cloud\'s host states keeps a host exactly when Placement offers it, whatever the reservations, ratios and usage', () => {
    let offeredNearTotal = 0;
    fc.assert(
      fc.property(
        fc.record({
          vcpus: fc.integer({ min: 1, max: 16 }),
          memory_mb: fc.constantFrom(2048, 4096, 8192, 8193),
          disk_gb: fc.integer({ min: 1, max: 40 }),
          reserved_host_cpus: fc.constantFrom(0, 0, 1, 2, 20),
          reserved_host_memory_mb: fc.constantFrom(0, 512, 512, 1000, 4096, 9000),
          reserved_host_disk_mb: fc.constantFrom(0, 1, 1023, 1024, 1025, 5000),
          cpu_allocation_ratio: fc.constantFrom(0.5, 1, 1.5, 16, 16),
          ram_allocation_ratio: fc.constantFrom(0.5, 1, 1.5, 1.5),
          disk_allocation_ratio: fc.constantFrom(1, 1.3),
          fill: fc.array(fc.record({ vcpus: fc.integer({ min: 1, max: 8 }), memory_mb: fc.integer({ min: 1, max: 6000 }), root_gb: fc.integer({ min: 0, max: 20 }) }), { maxLength: 4 }),
          wide: fc.record({ vcpus: fc.integer({ min: 1, max: 24 }), memory_mb: fc.integer({ min: 1, max: 12000 }), root_gb: fc.integer({ min: 0, max: 45 }) }),
          // or close to the host's physical totals, where max_unit and total − reserved part
          near: fc.option(fc.record({ vcpus: fc.integer({ min: -3, max: 1 }), memory_mb: fc.integer({ min: -1200, max: 1 }), root_gb: fc.integer({ min: -3, max: 1 }) }), { nil: null }),
        }),
        (c) => {
          const cloud = oneHost(1717, c.vcpus, c.memory_mb, c.disk_gb);
          const { vcpus: _v, memory_mb: _m, disk_gb: _d, fill, wide, near, ...config } = c;
          const ask = near === null ? wide : { vcpus: Math.max(1, c.vcpus + near.vcpus), memory_mb: Math.max(1, c.memory_mb + near.memory_mb), root_gb: Math.max(0, c.disk_gb + near.root_gb) };
          cloud.scheduler.setComputeConfig(null, config);
          for (const f of fill) {
            try {
              cloud.scheduler.selectDestinations({ flavor: flavor(f.vcpus, f.memory_mb, f.root_gb), project_id: 'p', user_id: 'u' });
            } catch {
              // a fill that does not fit is left out
            }
          }
          const resources: Record<string, number> = { VCPU: ask.vcpus, MEMORY_MB: ask.memory_mb };
          if (ask.root_gb > 0) resources.DISK_GB = ask.root_gb;
          const offered = Object.keys(cloud.systemAdmin.placement.getAllocationCandidates({ resources }).provider_summaries).length > 0;
          let modelled: boolean;
          try {
            schedule({ hosts: statesOf(cloud), request: { flavor: flavor(ask.vcpus, ask.memory_mb, ask.root_gb) } });
            modelled = true;
          } catch {
            modelled = false;
          }
          expect(modelled).toBe(offered);
          // offered though more than total − reserved of a class: max_unit is the total
          if (offered && (ask.memory_mb > c.memory_mb - config.reserved_host_memory_mb || ask.vcpus > c.vcpus - config.reserved_host_cpus)) offeredNearTotal++;
          // and the cloud's own scheduler decides as Placement offers
          let placed: boolean;
          try {
            cloud.scheduler.selectDestinations({ flavor: flavor(ask.vcpus, ask.memory_mb, ask.root_gb) });
            placed = true;
          } catch {
            placed = false;
          }
          expect(placed).toBe(offered);
        },
      ),
      { seed: 1717, numRuns: 60 },
    );
    expect(offeredNearTotal, 'runs that ask more than total − reserved and are offered').toBeGreaterThanOrEqual(3);
  });
});
