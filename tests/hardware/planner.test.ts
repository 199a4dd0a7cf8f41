import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BadRequest, InvalidInput } from '../../src/core/index.js';
import { caught } from '../support/refusal.js';
import { FlavorTooLarge, planCapacity, type CapacityPlan, type PlannedResource, type ResourcePlan } from '../../src/hardware/planner.js';

// ---------------------------------------------------------------- helpers

/** The lecture's compute host: 2 sockets × 10 cores × 2 threads, 256 GB RAM, 8160 GB local disk, 2 × 10 GbE tenant. */
function lectureHost(): Record<string, unknown> {
  return {
    cpu: { model: 'Intel Xeon Silver 4114', sockets: 2, cores_per_socket: 10, threads_per_core: 2, mhz: 2200, flags: ['vmx', 'avx2'] },
    memory_mb: 262_144,
    disks: [
      { name: 'sda', size_gb: 480, type: 'ssd' },
      { name: 'nvme0n1', size_gb: 3840, type: 'nvme' },
      { name: 'nvme1n1', size_gb: 3840, type: 'nvme' },
    ],
    nics: [
      { name: 'eno1', speed_mbps: 1000, network: 'management' },
      { name: 'ens1f0', speed_mbps: 10_000, network: 'tenant' },
      { name: 'ens1f1', speed_mbps: 10_000, network: 'tenant' },
      { name: 'ens2f0', speed_mbps: 10_000, network: 'storage' },
    ],
  };
}

const M1_MIX = [
  { name: 'm1.small', vcpus: 1, ram_mb: 2048, disk_gb: 20, share: 0.5 },
  { name: 'm1.medium', vcpus: 2, ram_mb: 4096, disk_gb: 40, share: 0.3 },
  { name: 'm1.large', vcpus: 4, ram_mb: 8192, disk_gb: 80, share: 0.2 },
];

function lectureInput(): Record<string, unknown> {
  return {
    workload: { vms: 200, growth: 0.2, flavors: M1_MIX, bandwidth_mbps_per_vm: 100, floating_ip_fraction: 0.25, persistent_gb_per_vm: 50 },
    host: lectureHost(),
    cpu_allocation_ratio: 16,
    ram_allocation_ratio: 1.5,
  };
}

function resource(plan: CapacityPlan, name: PlannedResource): ResourcePlan {
  const r = plan.resources.find((x) => x.resource === name);
  if (r === undefined) throw new Error(`no ${name} plan`);
  return r;
}

function hostsByResource(plan: CapacityPlan): Record<PlannedResource, number> {
  return Object.fromEntries(plan.resources.map((r) => [r.resource, r.hosts])) as Record<PlannedResource, number>;
}

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

// ---------------------------------------------------------------- hand-computed cases

describe('planCapacity: the lecture\'s 200-VM example', () => {
  // 200 VMs, 20 % growth → planned = ceil(200 × 1.2) = 240
  // mix 50/30/20 % of 240 → m1.small 120, m1.medium 72, m1.large 48 (quotas are whole numbers)
  // logical CPUs = 2 × 10 × 2 = 40
  // vCPU: demand 120×1 + 72×2 + 48×4 = 120 + 144 + 192 = 456; capacity int((40 − 0) × 16) = 640
  //       hosts = ceil(456 / 640) = 1
  // RAM:  demand 120×2048 + 72×4096 + 48×8192 = 245760 + 294912 + 393216 = 933888 MB
  //       capacity int((262144 − 512) × 1.5) = int(261632 × 1.5) = 392448 MB
  //       hosts = ceil(933888 / 392448) = ceil(2.38) = 3
  // disk: 480 + 3840 + 3840 = 8160 GB local; demand 120×20 + 72×40 + 48×80 = 2400 + 2880 + 3840 = 9120 GB
  //       capacity int(8160 × 1.0) = 8160; hosts = ceil(9120 / 8160) = 2
  // net:  tenant 10000 + 10000 = 20000 Mbps; largest n with n × 100 < 20000 is 199 → ceil(240 / 199) = 2
  // max so far = 3 (RAM). Lecture check at 3 hosts: 80 VMs/host × 8192 MB + 512 = 655872 MB
  //       > 392448 + 512 = 392960 MB → fails. floor(392448 / 8192) = 47 m1.large per host
  //       → RAM hosts = ceil(240 / 47) = 6; check at 6: 40 × 8192 + 512 = 328192 ≤ 392960 → holds
  // hosts = 6 (RAM binds), 40 VMs per host; public IPs ceil(240 × 0.25) = 60;
  // ephemeral 9120 GB; persistent 240 × 50 = 12000 GB
  const plan = planCapacity(lectureInput());

  it('plans 240 VMs apportioned 120 / 72 / 48', () => {
    expect(plan.planned_vms).toBe(240);
    expect(plan.flavors.map((f) => [f.name, f.count])).toEqual([['m1.small', 120], ['m1.medium', 72], ['m1.large', 48]]);
    expect(plan.logical_cpus_per_host).toBe(40);
  });

  it('sizes every resource as computed by hand', () => {
    expect(hostsByResource(plan)).toEqual({ vcpu: 1, ram: 6, disk: 2, network: 2 });
    expect(resource(plan, 'vcpu')).toMatchObject({ demand: 456, per_host_capacity: 640, unit: 'vCPU' });
    expect(resource(plan, 'ram')).toMatchObject({ demand: 933_888, per_host_capacity: 392_448, unit: 'MB' });
    expect(resource(plan, 'disk')).toMatchObject({ demand: 9120, per_host_capacity: 8160, unit: 'GB' });
    expect(resource(plan, 'network')).toMatchObject({ demand: 24_000, per_host_capacity: 20_000, unit: 'Mbps' });
  });

  it('needs 6 hosts with RAM binding after the worst-case RAM check', () => {
    expect(plan.binding).toBe('ram');
    expect(plan.hosts).toBe(6);
    expect(plan.vms_per_host).toBe(40);
    expect(plan.public_ips).toBe(60);
    expect(plan.ephemeral_gb).toBe(9120);
    expect(plan.persistent_gb).toBe(12_000);
  });

  it('shows the arithmetic', () => {
    expect(plan.steps).toContain('planned VMs = ceil(200 × (1 + 0.2)) = 240');
    expect(plan.steps).toContain('logical CPUs per host = 2 sockets × 10 cores × 2 threads = 40');
    expect(plan.steps).toContain('vCPU capacity per host = int((40 − 0 reserved_host_cpus) × 16 cpu_allocation_ratio) = 640');
    expect(plan.steps).toContain('hosts for RAM = ceil(933888 / 392448) = 3');
    expect(plan.steps).toContain('VMs per host the tenant NICs carry = largest n with n × 100 Mbps < 20000 Mbps = 199');
    const ram = resource(plan, 'ram').arithmetic;
    expect(ram).toContain(
      'RAM check at 3 hosts: VMs per host = ceil(240 / 3) = 80; RAM per host = 80 × 8192 MB (largest flavor m1.large) + 512 MB host overhead = 655872 MB > 392960 MB allowed (392448 MB + 512 MB) → fails',
    );
    expect(ram).toContain('largest-flavor VMs per host = floor(392448 / 8192) = 47; hosts for RAM = ceil(240 / 47) = 6');
    expect(ram.at(-1)).toMatch(/^RAM check at 6 hosts: .* = 328192 MB ≤ 392960 MB .* → holds$/);
    expect(plan.steps).toContain('hosts = max(vCPU 1, RAM 6, disk 2, network 2) + 0 spare_hosts = 6 (binding: ram)');
    // every resource's arithmetic is part of the whole, in order
    const at = (line: string): number => plan.steps.indexOf(line);
    expect(at('hosts for vCPU = ceil(456 / 640) = 1')).toBeLessThan(at('hosts for RAM = ceil(933888 / 392448) = 3'));
    for (const r of plan.resources) for (const line of r.arithmetic) expect(plan.steps).toContain(line);
  });

  it('is deterministic: the same input gives an equal plan', () => {
    expect(planCapacity(lectureInput())).toEqual(plan);
  });
});

describe('planCapacity: which resource binds', () => {
  it('the Operations Guide host with m1.small by default: RAM binds without the worst-case raise', () => {
    // 1000 × m1.small (default mix): vCPU 1000 / 640 → 2; RAM 1000 × 2048 = 2048000 / 392448 → 6 (5.22);
    // disk 20000 / 8160 → 3; network 0. Check at 6: ceil(1000/6) = 167 × 2048 = 342016 ≤ 392448 → holds.
    const plan = planCapacity({ workload: { vms: 1000 }, host: lectureHost() });
    expect(plan.flavors).toEqual([{ name: 'm1.small', count: 1000, vcpus: 1, ram_mb: 2048, disk_gb: 20 }]);
    expect(hostsByResource(plan)).toEqual({ vcpu: 2, ram: 6, disk: 3, network: 0 });
    expect(plan.binding).toBe('ram');
    expect(plan.hosts).toBe(6);
    expect(plan.vms_per_host).toBe(167);
    expect(resource(plan, 'ram').arithmetic).toHaveLength(5); // 3 lines + the host count + one check that holds
    expect(plan.steps).toContain('bandwidth per VM = 0 Mbps: the tenant network needs no hosts');
  });

  const small = {
    cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 },
    memory_mb: 16_384,
    disks: [{ name: 'sda', size_gb: 500 }],
  };
  const cpuHeavy = { workload: { vms: 20, flavors: [{ name: 'c1.medium', vcpus: 2, ram_mb: 512, disk_gb: 10, share: 1 }] }, host: small, cpu_allocation_ratio: 1.0 };

  it('CPU binds without overcommit', () => {
    // vCPU: 20 × 2 = 40, capacity int(4 × 1.0) = 4 → 10 hosts. RAM: 10240 MB vs int(15872 × 1.5) = 23808 → 1.
    // disk: 200 GB vs 500 → 1. Check at 10 hosts: 2 × 512 ≤ 23808 → holds.
    const plan = planCapacity(cpuHeavy);
    expect(hostsByResource(plan)).toEqual({ vcpu: 10, ram: 1, disk: 1, network: 0 });
    expect(plan.binding).toBe('vcpu');
    expect(plan.hosts).toBe(10);
    expect(plan.vms_per_host).toBe(2);
  });

  it('spare_hosts are added on top and do not dilute VMs per host (N+2)', () => {
    const plan = planCapacity({ ...cpuHeavy, spare_hosts: 2 });
    expect(plan.hosts).toBe(12);
    expect(plan.vms_per_host).toBe(2);
    expect(plan.binding).toBe('vcpu');
    expect(plan.steps).toContain('hosts = max(vCPU 10, RAM 1, disk 1, network 0) + 2 spare_hosts = 12 (binding: vcpu)');
  });

  it('the network binds, and the tenant NICs must carry strictly more than the load', () => {
    // 32 logical CPUs; 100 VMs × 1000 Mbps on one 10 GbE tenant NIC: 9 × 1000 < 10000 but 10 × 1000 is not
    // → ceil(100 / 9) = 12 hosts; 100 / 12 → 9 VMs per host = 9000 Mbps < 10000.
    const plan = planCapacity({
      workload: { vms: 100, bandwidth_mbps_per_vm: 1000, flavors: [{ name: 'n1', vcpus: 1, ram_mb: 1024, disk_gb: 10, share: 1 }] },
      host: {
        cpu: { sockets: 2, cores_per_socket: 8, threads_per_core: 2 },
        memory_mb: 131_072,
        disks: [{ name: 'sda', size_gb: 2000 }],
        nics: [{ name: 'eno1', speed_mbps: 1000, network: 'management' }, { name: 'eno2', speed_mbps: 10_000, network: 'tenant' }],
      },
    });
    expect(hostsByResource(plan)).toEqual({ vcpu: 1, ram: 1, disk: 1, network: 12 });
    expect(plan.binding).toBe('network');
    expect(plan.hosts).toBe(12);
    expect(plan.vms_per_host).toBe(9);
    expect(plan.steps).toContain('network check at 12 hosts: 9 VMs × 1000 Mbps = 9000 Mbps < 10000 Mbps tenant bandwidth');
  });

  it('ties go to the earlier resource (vcpu before ram), and no ephemeral disk needs no hosts', () => {
    // 2 logical CPUs at 1:1 → 2 vCPUs; RAM int((2560 − 512) × 1) = 2048 MB. 4 VMs of 1 vCPU, 1024 MB, 0 GB:
    // vCPU 4 / 2 = 2, RAM 4096 / 2048 = 2, disk 0. Check at 2 hosts: 2 × 1024 = 2048 ≤ 2048 → holds.
    const plan = planCapacity({
      workload: { vms: 4, flavors: [{ name: 'bfv', vcpus: 1, ram_mb: 1024, disk_gb: 0, share: 1 }] },
      host: { cpu: { sockets: 1, cores_per_socket: 2 }, memory_mb: 2560 },
      cpu_allocation_ratio: 1,
      ram_allocation_ratio: 1,
    });
    expect(hostsByResource(plan)).toEqual({ vcpu: 2, ram: 2, disk: 0, network: 0 });
    expect(plan.binding).toBe('vcpu');
    expect(plan.hosts).toBe(2);
    expect(plan.steps).toContain('hosts for disk = 0 (no ephemeral disk)');
  });

  it('raises the RAM plan when whole VMs do not fit the pooled count', () => {
    // 10 VMs × 1000 MB on 2500 MB hosts (ratio 1, no reservation): ceil(10000 / 2500) = 4 hosts,
    // but 4 hosts mean 3 VMs on some host = 3000 MB > 2500 → floor(2500 / 1000) = 2 per host → 5 hosts.
    const plan = planCapacity({
      workload: { vms: 10, flavors: [{ name: 'r1', vcpus: 1, ram_mb: 1000, disk_gb: 0, share: 1 }] },
      host: { cpu: { sockets: 1, cores_per_socket: 8 }, memory_mb: 2500 },
      ram_allocation_ratio: 1,
      reserved_host_memory_mb: 0,
    });
    expect(resource(plan, 'ram').hosts).toBe(5);
    expect(resource(plan, 'ram').arithmetic).toContain('hosts for RAM = ceil(10000 / 2500) = 4');
    expect(plan.hosts).toBe(5);
    expect(plan.vms_per_host).toBe(2);
  });

  it('reserved_host_cpus and reserved_host_disk_mb shrink the capacity as placement computes it', () => {
    // VCPU int((40 − 4) × 2) = 72; DISK_GB int((8160 − ceil(1500 / 1024) = 2) × 1) = 8158
    const plan = planCapacity({ ...lectureInput(), cpu_allocation_ratio: 2, reserved_host_cpus: 4, reserved_host_disk_mb: 1500 });
    expect(resource(plan, 'vcpu').per_host_capacity).toBe(72);
    expect(resource(plan, 'vcpu').hosts).toBe(7); // ceil(456 / 72)
    expect(resource(plan, 'disk').per_host_capacity).toBe(8158);
    expect(plan.binding).toBe('vcpu');
    expect(plan.hosts).toBe(7);
  });
});

describe('planCapacity: rounding and apportionment', () => {
  const host = { cpu: { sockets: 2, cores_per_socket: 16, threads_per_core: 2 }, memory_mb: 524_288, disks: [{ name: 'sda', size_gb: 10_000 }] };
  const plan = (workload: Record<string, unknown>): CapacityPlan => planCapacity({ workload, host });

  it('growth is rounded up, forgiving floating-point noise (100 × 1.1 is 110)', () => {
    expect(plan({ vms: 100, growth: 0.1 }).planned_vms).toBe(110);
    expect(plan({ vms: 3, growth: 0.5 }).planned_vms).toBe(5);
    expect(plan({ vms: 7 }).planned_vms).toBe(7);
  });

  it('largest remainder: counts sum exactly, ties go to the earlier flavor', () => {
    const thirds = [1, 2, 3].map((i) => ({ name: `f${i}`, vcpus: 1, ram_mb: 512, disk_gb: 1, share: 1 / 3 }));
    expect(plan({ vms: 10, flavors: thirds }).flavors.map((f) => f.count)).toEqual([4, 3, 3]);
    // quotas 3.5, 1.75, 1.75 → floors 3, 1, 1; the two spare seats go to the .75 remainders
    const mix = [0.5, 0.25, 0.25].map((share, i) => ({ name: `g${i}`, vcpus: 1, ram_mb: 512, disk_gb: 1, share }));
    expect(plan({ vms: 7, flavors: mix }).flavors.map((f) => f.count)).toEqual([3, 2, 2]);
  });

  it('documents the Alabama paradox of largest remainder with three flavors', () => {
    // shares 5 / 15 / 80 %: 10 VMs → quotas 0.5, 1.5, 8 → [1, 1, 8]; 11 VMs → 0.55, 1.65, 8.8 → [0, 2, 9]
    const mix = [
      { name: 'big', vcpus: 4, ram_mb: 512, disk_gb: 1, share: 0.05 },
      { name: 's1', vcpus: 1, ram_mb: 512, disk_gb: 1, share: 0.15 },
      { name: 's2', vcpus: 1, ram_mb: 512, disk_gb: 1, share: 0.8 },
    ];
    expect(plan({ vms: 10, flavors: mix }).flavors.map((f) => f.count)).toEqual([1, 1, 8]);
    expect(plan({ vms: 11, flavors: mix }).flavors.map((f) => f.count)).toEqual([0, 2, 9]);
  });

  it('public IPs and persistent storage are rounded up counts', () => {
    const p = plan({ vms: 10, floating_ip_fraction: 0.15, persistent_gb_per_vm: 2.5 });
    expect(p.public_ips).toBe(2); // ceil(1.5)
    expect(p.persistent_gb).toBe(25);
    expect(plan({ vms: 240, floating_ip_fraction: 0.1 }).public_ips).toBe(24); // 24.000000000000004 is noise
  });
});

// ---------------------------------------------------------------- refusals

describe('planCapacity: flavors that can never fit', () => {
  const withFlavor = (flavor: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    ...lectureInput(),
    workload: { vms: 10, flavors: [{ name: 'm1.small', vcpus: 1, ram_mb: 2048, disk_gb: 20, share: 0.5 }, { ...flavor, share: 0.5 }] },
    ...extra,
  });

  it('more vCPUs than logical CPUs → hardware.planner.flavor_too_large, whatever the ratio', () => {
    const e = caught(() => planCapacity(withFlavor({ name: 'x1.huge', vcpus: 64, ram_mb: 4096, disk_gb: 20 })));
    expect(e).toBeInstanceOf(BadRequest);
    expect(e).toBeInstanceOf(FlavorTooLarge);
    expect(e.status).toBe(400);
    expect(e.code).toBe('hardware.planner.flavor_too_large');
    expect(e.message).toMatch(/^workload\.flavors\[1\]: flavor 'x1\.huge' .*64 vCPUs.*40 logical CPUs/);
    expect(e.details).toMatchObject({ field: 'workload.flavors[1]', flavor: 'x1.huge' });
  });

  it('exactly the logical CPUs fits', () => {
    expect(planCapacity(withFlavor({ name: 'x1.full', vcpus: 40, ram_mb: 4096, disk_gb: 20 })).hosts).toBeGreaterThan(0);
  });

  it('more RAM than the host has after reserved_host_memory_mb → flavor_too_large', () => {
    // 262144 − 512 = 261632 MB usable, even though 1.5 × overcommit would admit more in total
    const e = caught(() => planCapacity(withFlavor({ name: 'r1.huge', vcpus: 4, ram_mb: 261_633, disk_gb: 20 })));
    expect(e.code).toBe('hardware.planner.flavor_too_large');
    expect(e.message).toMatch(/^workload\.flavors\[1\]: .*261633 MB.*261632 MB/);
    expect(planCapacity(withFlavor({ name: 'r1.max', vcpus: 4, ram_mb: 261_632, disk_gb: 20 })).binding).toBe('ram');
  });

  it('more disk than the host has → flavor_too_large', () => {
    const e = caught(() => planCapacity(withFlavor({ name: 'd1.huge', vcpus: 1, ram_mb: 2048, disk_gb: 8161 })));
    expect(e.code).toBe('hardware.planner.flavor_too_large');
    expect(e.message).toContain("'d1.huge'");
  });

  it('a tenant bandwidth with no tenant NIC → hardware.planner.no_tenant_nic naming host.nics', () => {
    const input = lectureInput();
    const host = { ...lectureHost(), nics: [{ name: 'eno1', speed_mbps: 1000, network: 'management' }] };
    const e = caught(() => planCapacity({ ...input, host }));
    expect(e.status).toBe(400);
    expect(e.code).toBe('hardware.planner.no_tenant_nic');
    expect(e.message).toMatch(/^host\.nics: /);
    // without bandwidth the same host is fine
    const workload = { ...(input.workload as object), bandwidth_mbps_per_vm: 0 };
    expect(planCapacity({ ...input, host, workload }).hosts).toBe(6);
  });

  it('one VM needing all the tenant bandwidth → hardware.planner.bandwidth_too_large', () => {
    const input = lectureInput();
    const e = caught(() => planCapacity({ ...input, workload: { ...(input.workload as object), bandwidth_mbps_per_vm: 20_000 } }));
    expect(e.code).toBe('hardware.planner.bandwidth_too_large');
    expect(e.message).toMatch(/^workload\.bandwidth_mbps_per_vm: /);
  });
});

describe('planCapacity: bad input of any shape is a 400 naming the field', () => {
  const base = lectureInput;
  const work = (patch: Record<string, unknown>): Record<string, unknown> => ({ ...base(), workload: { ...(base().workload as object), ...patch } });
  const cpu = (patch: Record<string, unknown>): Record<string, unknown> => {
    const host = lectureHost();
    return { ...base(), host: { ...host, cpu: { ...(host.cpu as object), ...patch } } };
  };
  const flavor1 = (patch: Record<string, unknown>): Record<string, unknown> => work({ flavors: [M1_MIX[0], { ...M1_MIX[1], ...patch }, M1_MIX[2]] });

  const cases: [string, unknown, string][] = [
    ['null', null, 'input: expected an object, got null.'],
    ['a string', '200 VMs please', 'input: expected an object'],
    ['an array', [lectureInput()], 'input: expected an object, got an array.'],
    ['missing workload', { host: lectureHost() }, 'workload: expected an object, got undefined.'],
    ['missing host', { workload: { vms: 1 } }, 'host: expected an object, got undefined.'],
    ['missing vms', work({ vms: undefined }), 'workload.vms: expected an integer, got undefined.'],
    ['negative vms', work({ vms: -5 }), 'workload.vms: must be at least 1, got -5.'],
    ['fractional vms', work({ vms: 2.5 }), 'workload.vms: expected an integer, got 2.5.'],
    ['vms as a string', work({ vms: '200' }), "workload.vms: expected an integer, got '200'."],
    ['NaN ratio', { ...base(), cpu_allocation_ratio: NaN }, 'cpu_allocation_ratio: expected a finite number, got NaN.'],
    ['infinite ratio', { ...base(), ram_allocation_ratio: Infinity }, 'ram_allocation_ratio: expected a finite number'],
    ['zero ratio', { ...base(), disk_allocation_ratio: 0 }, 'disk_allocation_ratio: must be greater than 0.'],
    ['negative reservation', { ...base(), reserved_host_memory_mb: -1 }, 'reserved_host_memory_mb: must be at least 0, got -1.'],
    ['fractional spare hosts', { ...base(), spare_hosts: 0.5 }, 'spare_hosts: expected an integer, got 0.5.'],
    ['shares not summing to 1', flavor1({ share: 0.2 }), 'workload.flavors: the shares must sum to 1, got 0.9'],
    ['a zero share', work({ flavors: [{ ...M1_MIX[0], share: 1 }, { ...M1_MIX[1], share: 0 }] }), 'workload.flavors[1].share: must be greater than 0'],
    ['zero vCPUs', flavor1({ vcpus: 0 }), 'workload.flavors[1].vcpus: must be at least 1, got 0.'],
    ['negative disk', flavor1({ disk_gb: -20 }), 'workload.flavors[1].disk_gb: must be at least 0, got -20.'],
    ['a flavor without a name', flavor1({ name: ' ' }), 'workload.flavors[1].name: must not be empty'],
    ['duplicate flavor names', flavor1({ name: 'm1.small' }), "workload.flavors[1].name: duplicate flavor name 'm1.small'."],
    ['no flavors', work({ flavors: [] }), 'workload.flavors: give at least one flavor'],
    ['flavors not an array', work({ flavors: { name: 'm1.small' } }), 'workload.flavors: expected an array, got an object.'],
    ['unknown top-level key', { ...base(), colour: 'blue' }, 'input.colour: unknown field'],
    ['unknown workload key', work({ flavours: [] }), 'workload.flavours: unknown field'],
    ['unknown flavor key', flavor1({ swap: 512 }), 'workload.flavors[1].swap: unknown field'],
    ['negative growth', work({ growth: -0.1 }), 'workload.growth: must be at least 0, got -0.1.'],
    ['floating IP fraction above 1', work({ floating_ip_fraction: 1.5 }), 'workload.floating_ip_fraction: must be at most 1, got 1.5.'],
    ['negative bandwidth', work({ bandwidth_mbps_per_vm: -1 }), 'workload.bandwidth_mbps_per_vm: must be at least 0, got -1.'],
    ['zero cores', cpu({ cores_per_socket: 0 }), 'host.cpu.cores_per_socket: must be at least 1, got 0.'],
    ['zero sockets', cpu({ sockets: 0 }), 'host.cpu.sockets: must be at least 1, got 0.'],
    ['threads as a string', cpu({ threads_per_core: 'two' }), "host.cpu.threads_per_core: expected an integer, got 'two'."],
    ['no cpu', { ...base(), host: { memory_mb: 1024 } }, 'host.cpu: expected an object, got undefined.'],
    ['zero memory', { ...base(), host: { ...lectureHost(), memory_mb: 0 } }, 'host.memory_mb: a compute host needs RAM: give memory_mb >= 1.'],
    ['nics not an array', { ...base(), host: { ...lectureHost(), nics: 'eth0' } }, "host.nics: expected an array, got 'eth0'."],
    ['unknown NIC network', { ...base(), host: { ...lectureHost(), nics: [{ name: 'eth0', speed_mbps: 1000, network: 'public' }] } }, "host.nics[0].network: expected one of 'management', 'tenant', 'storage', 'external', got 'public'."],
    ['a disk of 0 GB', { ...base(), host: { ...lectureHost(), disks: [{ name: 'sda', size_gb: 0 }] } }, 'host.disks[0].size_gb: must be at least 1, got 0.'],
    ['unknown host key', { ...base(), host: { ...lectureHost(), roles: ['compute'] } }, 'host.roles: unknown field'],
  ];

  it.each(cases)('%s', (_label, input, message) => {
    const e = caught(() => planCapacity(input));
    expect(e).toBeInstanceOf(InvalidInput);
    expect(e.status).toBe(400);
    expect(e.message.startsWith(message)).toBe(true);
    expect(message.startsWith(`${String(e.details.field)}:`)).toBe(true);
  });
});

// ---------------------------------------------------------------- properties

/** A valid planner input whose flavors all fit the host (limits from placement's capacity formula). */
const validInput = (flavorCount: { minLength: number; maxLength: number }): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record({
      sockets: fc.integer({ min: 1, max: 4 }),
      cores: fc.integer({ min: 1, max: 32 }),
      threads: fc.integer({ min: 1, max: 2 }),
      memory_mb: fc.integer({ min: 2048, max: 1_048_576 }),
      disks: fc.array(fc.integer({ min: 1, max: 4000 }), { maxLength: 3 }),
      tenant: fc.array(fc.constantFrom(1000, 10_000, 25_000), { maxLength: 2 }),
      cpu_ratio: fc.double({ min: 1, max: 32, noNaN: true }),
      ram_ratio: fc.double({ min: 0.5, max: 3, noNaN: true }),
      disk_ratio: fc.double({ min: 0.5, max: 2, noNaN: true }),
      reserved_mem: fc.integer({ min: 0, max: 1024 }),
      reserved_cpu_share: fc.double({ min: 0, max: 0.99, noNaN: true }),
      reserved_disk_mb: fc.integer({ min: 0, max: 4096 }),
      spare: fc.integer({ min: 0, max: 3 }),
    })
    .chain((h) => {
      const logical = h.sockets * h.cores * h.threads;
      const reservedCpus = Math.floor(logical * h.reserved_cpu_share);
      const vcpuMax = Math.min(logical, Math.floor((logical - reservedCpus) * h.cpu_ratio));
      const ramRaw = h.memory_mb - h.reserved_mem;
      const ramMax = Math.min(ramRaw, Math.floor(ramRaw * h.ram_ratio));
      const diskRaw = h.disks.reduce((a, b) => a + b, 0) - Math.ceil(h.reserved_disk_mb / 1024);
      const diskMax = Math.max(0, Math.min(diskRaw, Math.floor(diskRaw * h.disk_ratio)));
      const tenantMbps = h.tenant.reduce((a, b) => a + b, 0);
      const flavor = fc.record({
        vcpus: fc.integer({ min: 1, max: Math.max(1, vcpuMax) }),
        ram_mb: fc.integer({ min: 1, max: ramMax }),
        disk_gb: fc.integer({ min: 0, max: diskMax }),
        weight: fc.integer({ min: 1, max: 10 }),
      });
      return fc
        .record({
          vms: fc.integer({ min: 1, max: 5000 }),
          growth: fc.oneof(fc.constantFrom(0, 0.1, 0.2, 0.5), fc.double({ min: 0, max: 2, noNaN: true })),
          flavors: fc.array(flavor, flavorCount),
          bandwidth: tenantMbps === 0 ? fc.constant(0) : fc.oneof(fc.constant(0), fc.integer({ min: 1, max: tenantMbps - 1 }), fc.double({ min: 0, max: tenantMbps - 1, noNaN: true })),
          floating: fc.double({ min: 0, max: 1, noNaN: true }),
        })
        .map((w) => {
          const total = w.flavors.reduce((a, f) => a + f.weight, 0);
          return {
            workload: {
              vms: w.vms,
              growth: w.growth,
              flavors: w.flavors.map((f, i) => ({ name: `f${i}`, vcpus: f.vcpus, ram_mb: f.ram_mb, disk_gb: f.disk_gb, share: f.weight / total })),
              bandwidth_mbps_per_vm: w.bandwidth,
              floating_ip_fraction: w.floating,
            },
            host: {
              cpu: { sockets: h.sockets, cores_per_socket: h.cores, threads_per_core: h.threads },
              memory_mb: h.memory_mb,
              disks: h.disks.map((size_gb, i) => ({ name: `sd${i}`, size_gb })),
              nics: h.tenant.map((speed_mbps, i) => ({ name: `ens${i}`, speed_mbps, network: 'tenant' })),
            },
            cpu_allocation_ratio: h.cpu_ratio,
            ram_allocation_ratio: h.ram_ratio,
            disk_allocation_ratio: h.disk_ratio,
            reserved_host_memory_mb: h.reserved_mem,
            reserved_host_cpus: reservedCpus,
            reserved_host_disk_mb: h.reserved_disk_mb,
            spare_hosts: h.spare,
          };
        });
    });

describe('planCapacity: properties', () => {
  it('property: hosts suffice for every resource (seed 424242)', () => {
    fc.assert(
      fc.property(validInput({ minLength: 1, maxLength: 4 }), (input) => {
        const plan = planCapacity(input);
        const spare = input.spare_hosts as number;
        const working = plan.hosts - spare;
        expect(plan.flavors.reduce((a, f) => a + f.count, 0)).toBe(plan.planned_vms);
        for (const r of plan.resources) {
          expect(working).toBeGreaterThanOrEqual(r.hosts);
          expect(r.demand).toBeLessThanOrEqual(r.per_host_capacity * r.hosts);
        }
        expect(working).toBe(Math.max(...plan.resources.map((r) => r.hosts)));
        expect(resource(plan, plan.binding).hosts).toBe(working);
        // the lecture's worst-case RAM check holds at the final count
        const maxRam = Math.max(...plan.flavors.map((f) => f.ram_mb));
        expect(plan.vms_per_host * maxRam).toBeLessThanOrEqual(resource(plan, 'ram').per_host_capacity);
        const bw = (input.workload as { bandwidth_mbps_per_vm: number }).bandwidth_mbps_per_vm;
        if (bw > 0) expect(plan.vms_per_host * bw).toBeLessThan(resource(plan, 'network').per_host_capacity);
      }),
      { seed: 424242, numRuns: 200 },
    );
  });

  it('property: more VMs never need fewer hosts, with one or two flavors (seed 424243)', () => {
    fc.assert(
      fc.property(validInput({ minLength: 1, maxLength: 2 }), fc.integer({ min: 1, max: 3000 }), (input, more) => {
        const workload = input.workload as Record<string, unknown>;
        const bigger = { ...input, workload: { ...workload, vms: (workload.vms as number) + more } };
        const a = planCapacity(input);
        const b = planCapacity(bigger);
        expect(b.hosts).toBeGreaterThanOrEqual(a.hosts);
        // RAM alone may drop: its worst-case raise depends on the host count the others give
        for (const name of ['vcpu', 'disk', 'network'] as const) expect(resource(b, name).hosts).toBeGreaterThanOrEqual(resource(a, name).hosts);
      }),
      { seed: 424243, numRuns: 200 },
    );
  });

  it('property: the plan is deeply frozen (seed 424244)', () => {
    fc.assert(
      fc.property(validInput({ minLength: 1, maxLength: 4 }), (input) => {
        const plan = planCapacity(input);
        expect(isDeeplyFrozen(plan)).toBe(true);
        expect(() => (plan.steps as string[]).push('x')).toThrow(TypeError);
      }),
      { seed: 424244, numRuns: 100 },
    );
  });

  it('property: any junk input is a 400 CloudError, never a crash (seed 424245)', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const e = caught(() => planCapacity(junk));
        expect(e.status).toBe(400);
      }),
      { seed: 424245, numRuns: 200 },
    );
  });
});
