/**
 * What nova-compute's resource tracker reports to Placement for each compute host: inventories
 * from the hardware and nova.conf (`cloud.scheduler.setComputeConfig`), traits from the CPU flags
 * and the libvirt driver, and the provider following the host's compute role.
 */
import { describe, it, expect } from 'vitest';
import { claim, computeHost, devstack, fleet, generation, refused, uuid } from './helpers.js';

describe('inventories from the hardware (DevStack)', () => {
  it('VCPU = logical CPUs, MEMORY_MB = RAM with 512 MB reserved, DISK_GB = the sum of the disks; Zed\'s ratios 16 / 1.5 / 1.0', () => {
    const cloud = devstack(8501);
    const p = cloud.systemAdmin.placement;
    const controller = p.getInventories('controller');
    expect(controller).toEqual({
      resource_provider_generation: 2,
      inventories: {
        VCPU: { total: 56, reserved: 0, min_unit: 1, max_unit: 56, step_size: 1, allocation_ratio: 16 },
        MEMORY_MB: { total: 131072, reserved: 512, min_unit: 1, max_unit: 131072, step_size: 1, allocation_ratio: 1.5 },
        DISK_GB: { total: 960 + 1920, reserved: 0, min_unit: 1, max_unit: 2880, step_size: 1, allocation_ratio: 1 },
      },
    });
    expect(p.getInventories('compute1').inventories.DISK_GB?.total).toBe(960);
    // 2 sockets × 14 cores × 2 threads
    const host = cloud.hardware.getHost('compute2');
    expect(p.getInventories('compute2').inventories.VCPU?.total).toBe(host.cpu.sockets * host.cpu.cores_per_socket * host.cpu.threads_per_core);
  });

  it('a host without disks has no DISK_GB; a host without the compute role has no provider', () => {
    const cloud = fleet(8502, { hosts: [computeHost('diskless', 4, 8192, 0), { name: 'store1', roles: ['storage'], cpu: { sockets: 1, cores_per_socket: 4 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 4000 }] }] });
    const p = cloud.systemAdmin.placement;
    expect(p.listResourceProviders().map((rp) => rp.name)).toEqual(['diskless']);
    expect(Object.keys(p.getInventories('diskless').inventories).sort()).toEqual(['MEMORY_MB', 'VCPU']);
  });

  it('scheduler.usage() shows the same picture per host: physical, reserved, ratio, capacity, used, free', () => {
    const cloud = fleet(8503, { hosts: [computeHost('cn1', 4, 4096, 40)] });
    const p = cloud.systemAdmin.placement;
    claim(p, uuid('c', 1), { [p.getResourceProvider('cn1').uuid]: { VCPU: 3, MEMORY_MB: 1024 } });
    expect(cloud.scheduler.usage()).toEqual([{
      host: 'cn1',
      state: 'up',
      resources: {
        VCPU: { total: 4, reserved: 0, allocation_ratio: 16, capacity: 64, used: 3, free: 61 },
        MEMORY_MB: { total: 4096, reserved: 512, allocation_ratio: 1.5, capacity: 5376, used: 1024, free: 4352 },
        DISK_GB: { total: 40, reserved: 0, allocation_ratio: 1, capacity: 40, used: 0, free: 40 },
      },
    }]);
  });
});

describe('traits from the CPU flags and the driver', () => {
  it('DevStack\'s Xeon: aes → HW_CPU_X86_AESNI, avx2 → HW_CPU_X86_AVX2, vmx → VMX and INTEL_VMX; plus COMPUTE_NODE and libvirt\'s capabilities', () => {
    const p = devstack(8510).systemAdmin.placement;
    const traits = p.getProviderTraits('compute1').traits;
    for (const t of ['COMPUTE_NODE', 'HW_CPU_X86_AESNI', 'HW_CPU_X86_AVX', 'HW_CPU_X86_AVX2', 'HW_CPU_X86_FMA3', 'HW_CPU_X86_SSSE3', 'HW_CPU_X86_VMX', 'HW_CPU_X86_INTEL_VMX', 'COMPUTE_IMAGE_TYPE_QCOW2', 'COMPUTE_VOLUME_MULTI_ATTACH']) expect(traits).toContain(t);
    expect(traits).not.toContain('HW_CPU_X86_AVX512F');
    expect(traits).not.toContain('HW_CPU_X86_SVM');
    expect(traits).toEqual([...traits].sort());
  });

  it('the flags a host has, and only those: svm gives both SVM traits; a flag nova does not map gives none', () => {
    const cloud = fleet(8511, { hosts: [computeHost('amd', 8, 8192, 10, { cpu: { sockets: 1, cores_per_socket: 8, flags: ['svm', 'avx512f', 'x2apic'] } })] });
    const hw = cloud.systemAdmin.placement.getProviderTraits('amd').traits.filter((t) => t.startsWith('HW_'));
    expect(hw).toEqual(['HW_CPU_X86_AMD_SVM', 'HW_CPU_X86_AVX512F', 'HW_CPU_X86_SVM']);
  });

  it('a non-libvirt hypervisor reports COMPUTE_NODE and its CPU traits but not libvirt\'s capabilities', () => {
    const cloud = fleet(8512, { hosts: [computeHost('bm', 8, 8192, 10, { hypervisor_type: 'ironic', cpu: { sockets: 1, cores_per_socket: 8, flags: ['avx2'] } })] });
    expect(cloud.systemAdmin.placement.getProviderTraits('bm').traits).toEqual(['COMPUTE_NODE', 'HW_CPU_X86_AVX2']);
  });

  // Fixed (was a bug found by this suite): hosts carry /proc/cpuinfo flag names (types.ts: "Linux /proc/cpuinfo flags (avx2, sse4_2,
  // vmx)"; DevStack's preset and stacksim/testing's cpuSpec use sse4_1 / sse4_2), but
  // CPU_TRAITS_MAPPING is keyed by libvirt's feature names (sse4.1, sse4.2, pclmuldq, sha-ni …).
  // A real libvirt host whose cpuinfo shows sse4_2 reports sse4.2 to nova, hence
  // HW_CPU_X86_SSE42; here the trait is lost (DevStack's hosts lack SSE41/SSE42).
  it('a host whose /proc/cpuinfo has sse4_1 and sse4_2 reports HW_CPU_X86_SSE41 and HW_CPU_X86_SSE42', () => {
    const p = devstack(8513).systemAdmin.placement;
    expect(p.getProviderTraits('compute1').traits).toEqual(expect.arrayContaining(['HW_CPU_X86_SSE41', 'HW_CPU_X86_SSE42']));
  });

  it('a CPU change re-reports the traits; traits an operator set (custom, COMPUTE_STATUS_DISABLED) survive', () => {
    const cloud = fleet(8514, { hosts: [computeHost('cn1', 4, 8192, 10, { cpu: { sockets: 1, cores_per_socket: 4, flags: ['avx2'] } })] });
    const p = cloud.systemAdmin.placement;
    p.createTrait('CUSTOM_RACK_A');
    const rp = p.getResourceProvider('cn1').uuid;
    p.setProviderTraits(rp, { resource_provider_generation: generation(p, rp), traits: [...p.getProviderTraits(rp).traits, 'CUSTOM_RACK_A', 'COMPUTE_STATUS_DISABLED'] });
    const g = generation(p, rp);
    cloud.hardware.updateHost('cn1', { cpu: { sockets: 1, cores_per_socket: 4, flags: ['aes'] } });
    const traits = p.getProviderTraits(rp).traits;
    expect(traits).toContain('HW_CPU_X86_AESNI');
    expect(traits).not.toContain('HW_CPU_X86_AVX2');
    expect(traits).toEqual(expect.arrayContaining(['CUSTOM_RACK_A', 'COMPUTE_STATUS_DISABLED', 'COMPUTE_NODE']));
    expect(generation(p, rp)).toBe(g + 1);
  });
});

describe('nova.conf options (cloud.scheduler.setComputeConfig)', () => {
  const topology = { hosts: [computeHost('cn1', 4, 8192, 100), computeHost('cn2', 8, 16384, 200)] };

  it('a per-host ratio changes that host\'s inventory only, one generation on', () => {
    const cloud = fleet(8520, topology);
    const p = cloud.systemAdmin.placement;
    const [g1, g2] = [generation(p, 'cn1'), generation(p, 'cn2')];
    cloud.scheduler.setComputeConfig('cn1', { cpu_allocation_ratio: 4 });
    expect(p.getInventories('cn1').inventories.VCPU?.allocation_ratio).toBe(4);
    expect(p.capacityOf('cn1', 'VCPU').capacity).toBe(16);
    expect(p.getInventories('cn2').inventories.VCPU?.allocation_ratio).toBe(16);
    expect([generation(p, 'cn1'), generation(p, 'cn2')]).toEqual([g1 + 1, g2]);
    expect(cloud.scheduler.computeConfig('cn1').cpu_allocation_ratio).toBe(4);
    expect(cloud.scheduler.computeConfig('cn2').cpu_allocation_ratio).toBeNull();
  });

  it('a cloud-wide change re-reports every compute host; per-host overrides still win', () => {
    const cloud = fleet(8521, topology);
    const p = cloud.systemAdmin.placement;
    cloud.scheduler.setComputeConfig('cn1', { cpu_allocation_ratio: 4 });
    cloud.scheduler.setComputeConfig(null, { cpu_allocation_ratio: 2, ram_allocation_ratio: 1.0, reserved_host_memory_mb: 2048 });
    const [cn1, cn2] = [p.getInventories('cn1').inventories, p.getInventories('cn2').inventories];
    expect(cn1.VCPU?.allocation_ratio).toBe(4);
    expect(cn2.VCPU?.allocation_ratio).toBe(2);
    for (const inv of [cn1, cn2]) expect(inv.MEMORY_MB).toMatchObject({ reserved: 2048, allocation_ratio: 1 });
    expect(p.capacityOf('cn2', 'MEMORY_MB').capacity).toBe(16384 - 2048);
  });

  it('initial_*_allocation_ratio is what a host reported for the first time gets when *_allocation_ratio is unset', () => {
    const cloud = fleet(8522, topology);
    const p = cloud.systemAdmin.placement;
    cloud.scheduler.setComputeConfig(null, { initial_cpu_allocation_ratio: 3, initial_disk_allocation_ratio: 1.5 });
    cloud.hardware.addHost(computeHost('cn3', 4, 8192, 100));
    expect(p.getInventories('cn3').inventories.VCPU?.allocation_ratio).toBe(3);
    expect(p.capacityOf('cn3', 'DISK_GB').capacity).toBe(150);
  });

  it('a set *_allocation_ratio overrides whatever an operator put in Placement', () => {
    const cloud = fleet(8523, topology);
    const p = cloud.systemAdmin.placement;
    const invs = p.getInventories('cn1').inventories;
    p.setInventories('cn1', { resource_provider_generation: generation(p, 'cn1'), inventories: { ...invs, VCPU: { ...(invs.VCPU as NonNullable<typeof invs.VCPU>), allocation_ratio: 4 } } });
    expect(p.getInventories('cn1').inventories.VCPU?.allocation_ratio).toBe(4);
    cloud.scheduler.setComputeConfig('cn1', { cpu_allocation_ratio: 2 });
    expect(p.getInventories('cn1').inventories.VCPU?.allocation_ratio).toBe(2);
  });

  // Fixed (was a bug found by this suite): with *_allocation_ratio unset (Zed's default), nova keeps the ratio already in Placement
  // and uses initial_*_allocation_ratio only for a class the provider does not have yet
  // (nova/virt/driver.py ComputeDriver._get_allocation_ratios, nova 26.2.2: "Use what is already
  // in the inventory dict … if the above conditions are false"). computeInventories always falls
  // back to initial_*: an operator's ratio set through the Placement API is overwritten at the
  // next report, and changing initial_* rewrites every existing provider.
  it('with cpu_allocation_ratio unset, a ratio set in Placement survives the next report, and initial_* leaves existing providers alone', () => {
    const cloud = fleet(8524, topology);
    const p = cloud.systemAdmin.placement;
    const invs = p.getInventories('cn1').inventories;
    p.setInventories('cn1', { resource_provider_generation: generation(p, 'cn1'), inventories: { ...invs, VCPU: { ...(invs.VCPU as NonNullable<typeof invs.VCPU>), allocation_ratio: 4 } } });
    cloud.hardware.updateHost('cn1', { memory_mb: 16384 }); // nova-compute reports again
    expect(p.getInventories('cn1').inventories.VCPU?.allocation_ratio).toBe(4);
    cloud.scheduler.setComputeConfig(null, { initial_cpu_allocation_ratio: 3 });
    expect(p.getInventories('cn2').inventories.VCPU?.allocation_ratio).toBe(16);
  });

  it('reservations: reserved_host_cpus → VCPU reserved, reserved_host_disk_mb → DISK_GB reserved rounded up to GB', () => {
    const cloud = fleet(8525, topology);
    const p = cloud.systemAdmin.placement;
    cloud.scheduler.setComputeConfig('cn2', { reserved_host_cpus: 2, reserved_host_disk_mb: 1500 });
    expect(p.getInventories('cn2').inventories.VCPU?.reserved).toBe(2);
    expect(p.getInventories('cn2').inventories.DISK_GB?.reserved).toBe(2);
    expect(p.capacityOf('cn2', 'VCPU').capacity).toBe((8 - 2) * 16);
  });

  it('setting what is already in force writes nothing to the provider (no generation step)', () => {
    const cloud = fleet(8526, topology);
    const p = cloud.systemAdmin.placement;
    const g = generation(p, 'cn1');
    cloud.scheduler.setComputeConfig(null, { cpu_allocation_ratio: 16, reserved_host_memory_mb: 512 });
    expect(generation(p, 'cn1')).toBe(g);
  });

  it('a lower ratio under existing allocations is reported anyway (over capacity); new claims are refused', () => {
    const cloud = fleet(8527, topology);
    const p = cloud.systemAdmin.placement;
    const cn1 = p.getResourceProvider('cn1').uuid;
    for (let i = 1; i <= 4; i++) claim(p, uuid('c', i), { [cn1]: { VCPU: 4 } });
    cloud.scheduler.setComputeConfig('cn1', { cpu_allocation_ratio: 2 });
    expect(p.capacityOf(cn1, 'VCPU')).toEqual({ capacity: 8, used: 16 });
    expect(cloud.scheduler.usage().find((u) => u.host === 'cn1')?.resources.VCPU?.free).toBe(-8);
    refused(cloud, () => claim(p, uuid('c', 9), { [cn1]: { VCPU: 1 } }), { status: 409, message: 'exceed the capacity' });
  });

  it('bad options are 400 naming the field, an unknown host 404; nothing changes', () => {
    const cloud = fleet(8528, topology);
    refused(cloud, () => cloud.scheduler.setComputeConfig(null, { cpu_allocation_ratio: 0 }), { status: 400, field: 'config.cpu_allocation_ratio' });
    refused(cloud, () => cloud.scheduler.setComputeConfig(null, { ram_allocation_ratio: '1.5' as never }), { status: 400, field: 'config.ram_allocation_ratio' });
    refused(cloud, () => cloud.scheduler.setComputeConfig(null, { reserved_host_memory_mb: -1 }), { status: 400, field: 'config.reserved_host_memory_mb' });
    refused(cloud, () => cloud.scheduler.setComputeConfig(null, { initial_cpu_allocation_ratio: null as never }), { status: 400, field: 'config.initial_cpu_allocation_ratio' });
    refused(cloud, () => cloud.scheduler.setComputeConfig('cn1', { cpu_ratio: 2 } as never), { status: 400, field: 'config.cpu_ratio' });
    refused(cloud, () => cloud.scheduler.setComputeConfig('cn9', { cpu_allocation_ratio: 2 }), { status: 404 });
  });
});

describe('hardware changes', () => {
  it('more RAM or another disk is reported at once', () => {
    const cloud = fleet(8530, { hosts: [computeHost('cn1', 4, 8192, 100)] });
    const p = cloud.systemAdmin.placement;
    cloud.hardware.updateHost('cn1', { memory_mb: 16384, disks: [{ name: 'sda', size_gb: 100 }, { name: 'sdb', size_gb: 50 }] });
    const invs = p.getInventories('cn1').inventories;
    expect(invs.MEMORY_MB).toMatchObject({ total: 16384, max_unit: 16384 });
    expect(invs.DISK_GB).toMatchObject({ total: 150, max_unit: 150 });
  });

  it('removing the disks while DISK_GB is allocated is 409 placement.inventory.inuse, nothing changes', () => {
    const cloud = fleet(8531, { hosts: [computeHost('cn1', 4, 8192, 100)] });
    const p = cloud.systemAdmin.placement;
    claim(p, uuid('c', 1), { [p.getResourceProvider('cn1').uuid]: { DISK_GB: 10 } });
    refused(cloud, () => cloud.hardware.updateHost('cn1', { disks: [] }), { status: 409, code: 'placement.inventory.inuse', message: 'DISK_GB' });
    expect(cloud.hardware.getHost('cn1').disks).toHaveLength(1);
  });

  it('shrinking RAM below what is allocated is reported (over capacity), as Placement allows', () => {
    const cloud = fleet(8532, { hosts: [computeHost('cn1', 4, 8192, 100)] });
    const p = cloud.systemAdmin.placement;
    const rp = p.getResourceProvider('cn1').uuid;
    claim(p, uuid('c', 1), { [rp]: { MEMORY_MB: 8000 } });
    cloud.hardware.updateHost('cn1', { memory_mb: 4096 });
    expect(p.capacityOf(rp, 'MEMORY_MB')).toEqual({ capacity: Math.trunc((4096 - 512) * 1.5), used: 8000 });
  });
});

describe('the provider follows the compute role', () => {
  it('a host gaining the compute role gets a provider (generation 2); losing it, the provider goes', () => {
    const cloud = fleet(8540, { hosts: [computeHost('cn1', 4, 8192, 100), { name: 'st1', roles: ['storage'], cpu: { sockets: 1, cores_per_socket: 2 }, memory_mb: 4096 }] });
    const p = cloud.systemAdmin.placement;
    const st1 = cloud.hardware.getHost('st1');
    cloud.hardware.updateHost('st1', { roles: ['storage', 'compute'] });
    expect(p.getResourceProvider(st1.id)).toMatchObject({ name: 'st1', generation: 2 });
    cloud.hardware.updateHost('cn1', { roles: ['storage'] });
    expect(p.listResourceProviders().map((rp) => rp.name)).toEqual(['st1']);
  });

  it('a host whose provider holds allocations cannot lose the role or be removed (409); once freed it can', () => {
    const cloud = fleet(8541, { hosts: [computeHost('cn1', 4, 8192, 100), computeHost('cn2', 4, 8192, 100)] });
    const p = cloud.systemAdmin.placement;
    const cn1 = p.getResourceProvider('cn1').uuid;
    claim(p, uuid('c', 1), { [cn1]: { VCPU: 1 } });
    refused(cloud, () => cloud.hardware.updateHost('cn1', { roles: ['storage'] }), { status: 409, message: uuid('c', 1) });
    refused(cloud, () => cloud.hardware.removeHost('cn1'), { status: 409, message: uuid('c', 1) });
    p.deleteAllocations(uuid('c', 1));
    cloud.hardware.removeHost('cn1');
    cloud.hardware.updateHost('cn2', { roles: ['network'] });
    expect(p.listResourceProviders()).toEqual([]);
  });

  it('a new host whose name a provider already has is refused (409 placement.duplicate_name), nothing changes', () => {
    const cloud = fleet(8542, { hosts: [] });
    cloud.systemAdmin.placement.createResourceProvider({ name: 'cn7' });
    refused(cloud, () => cloud.hardware.addHost(computeHost('cn7', 4, 8192, 10)), { status: 409, code: 'placement.duplicate_name' });
    expect(cloud.hardware.listHosts()).toEqual([]);
  });
});
