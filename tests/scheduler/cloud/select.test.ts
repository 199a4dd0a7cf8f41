/** `cloud.scheduler.selectDestinations`: Placement's candidates, the filter scheduler, the claim. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud, CloudError, NoValidHost, type Cloud } from '../../../src/index.js';
import { refused } from '../../support/refusal.js';

const MODEL = { cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 2, flags: ['avx2', 'sse4_2'] }, memory_mb: 16384, disks: [{ name: 'sda', size_gb: 100 }] };

function fleet(seed = 1): Cloud {
  return createCloud({
    seed,
    preset: 'empty',
    topology: {
      availability_zones: [{ name: 'az1' }, { name: 'az2' }],
      racks: [{ name: 'r1', availability_zone: 'az1' }, { name: 'r2', availability_zone: 'az2' }],
      models: { small: MODEL as never, plain: { ...MODEL, cpu: { ...MODEL.cpu, flags: [] } } as never },
      hosts: [
        { name: 'a{n}', count: 3, model: 'small', rack: 'r1' },
        { name: 'b{n}', count: 2, model: 'plain', rack: 'r2' },
      ],
    },
  });
}

/** nova's RequestSpec for one m1.small from p1; omitted fields take nova's defaults. */
function request(overrides: Record<string, unknown> = {}, flavor: Record<string, unknown> = {}) {
  return { flavor: { name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 10, ...flavor }, project_id: 'p1', user_id: 'u1', ...overrides };
}

const used = (cloud: Cloud, host: string, rc: string) => cloud.scheduler.usage().find((u) => u.host === host)?.resources[rc]?.used ?? 0;

describe('selectDestinations', () => {
  it('claims the chosen hosts in Placement, one INSTANCE consumer per instance, in one commit', () => {
    const cloud = fleet();
    const r = cloud.scheduler.selectDestinations(request({ num_instances: 3 }));
    const requestId = cloud.lastRequestId;
    expect(r.selections).toHaveLength(3);
    for (const sel of r.selections) {
      const alloc = cloud.systemAdmin.placement.getAllocations(sel.instance_uuid);
      expect(alloc.allocations[sel.uuid]?.resources).toEqual({ VCPU: 1, MEMORY_MB: 2048, DISK_GB: 10 });
      expect(alloc.project_id).toBe('p1');
    }
    const total = cloud.scheduler.usage().reduce((n, u) => n + (u.resources.VCPU?.used ?? 0), 0);
    expect(total).toBe(3);
    expect(r.explanation.outcome).toBe('scheduled');
    expect(cloud.trace(requestId)?.steps.some((s) => s.service === 'placement' && s.action.startsWith('allocation candidates'))).toBe(true);
  });

  it('the availability zone becomes a Placement aggregate: only that zone\'s hosts are candidates', () => {
    const cloud = fleet();
    const r = cloud.scheduler.selectDestinations(request({ availability_zone: 'az2', num_instances: 2 }));
    expect(r.selections.map((s) => s.host).sort()).toEqual(['b1', 'b2']);
  });

  it('trait:…=required and =forbidden extra specs narrow the candidates', () => {
    const cloud = fleet();
    const avx = cloud.scheduler.selectDestinations(request({ num_instances: 3 }, { extra_specs: { 'trait:HW_CPU_X86_AVX2': 'required' } }));
    expect(avx.selections.every((s) => s.host.startsWith('a'))).toBe(true);
    const noAvx = cloud.scheduler.selectDestinations(request({ num_instances: 2 }, { extra_specs: { 'trait:HW_CPU_X86_AVX2': 'forbidden' } }));
    expect(noAvx.selections.every((s) => s.host.startsWith('b'))).toBe(true);
  });

  it('NoValidHost claims nothing: the state is the same object, and the error explains', () => {
    const cloud = fleet();
    const e = refused(cloud, () => cloud.scheduler.selectDestinations(request({}, { vcpus: 200 })), { status: 400, code: 'scheduler.no_valid_host' });
    expect(e.message).toContain('No valid host was found');
    expect((e as CloudError & { explanation?: unknown }).explanation).toBeDefined();
    // all or nothing: 6 instances of a flavor two hosts can take three of each is refused as a whole
    refused(cloud, () => cloud.scheduler.selectDestinations(request({ availability_zone: 'az2', num_instances: 7 }, { vcpus: 16, memory_mb: 2048 })), { status: 400, code: 'scheduler.no_valid_host' });
  });

  // issue 10 #19: every cause gave "There are not enough hosts available." and an explanation of
  // "placement (allocation candidates): start 0, end 0"; the cloud now walks Placement's query over
  // the compute hosts' providers and names the step, the class and the largest free amount
  describe('NoValidHost says why (issue 10 #19)', () => {
    const nvh = (cloud: Cloud, fn: () => unknown) => {
      const e = refused(cloud, fn, { status: 400, code: 'scheduler.no_valid_host' }) as NoValidHost;
      expect(e.message).toBe(`No valid host was found. ${e.details.reason as string}`);
      expect(e.explanation.reason).toBe(e.details.reason);
      return e;
    };
    it('no compute host at all', () => {
      const cloud = createCloud({ seed: 1, preset: 'empty' });
      const e = nvh(cloud, () => cloud.scheduler.selectDestinations(request()));
      expect(e.message).toBe('No valid host was found. There are not enough hosts available. There are no compute hosts.');
      expect(e.details).toMatchObject({ stage: 'placement', no_compute_hosts: true });
    });
    it('a flavor larger than every host: the class, the largest free amount on one host, and each host\'s reason', () => {
      const cloud = fleet();
      cloud.scheduler.selectDestinations(request({}, { vcpus: 1, memory_mb: 8192 }));
      const e = nvh(cloud, () => cloud.scheduler.selectDestinations(request({}, { memory_mb: 20000 })));
      // max_unit is the physical 16384 on every host
      expect(e.message).toContain('No host can take MEMORY_MB 20000: the largest free amount of MEMORY_MB on one host is 16384');
      expect(e.details).toMatchObject({ stage: 'placement', filter: 'placement (allocation candidates)', resource_class: 'MEMORY_MB', requested: 20000, largest_free: 16384 });
      const step = e.explanation.prefilters.find((t) => t.name === 'placement (allocation candidates)');
      expect(step).toMatchObject({ start: 5, end: 0 });
      expect(step?.removed.map((r) => r.reason)).toContain('MEMORY_MB 20000 requested exceeds max_unit 16384');
      // over capacity rather than max_unit: the free amount counts the reservation and the usage
      const full = nvh(cloud, () => cloud.scheduler.selectDestinations(request({ availability_zone: 'az2', num_instances: 1 }, { vcpus: 129 })));
      expect(full.details).toMatchObject({ resource_class: 'VCPU', requested: 129, largest_free: 8 });
    });
    it('the step that removed the last hosts: the availability zone, the disabled compute service, a trait', () => {
      const cloud = fleet();
      cloud.hardware.startMaintenance('b1');
      cloud.hardware.startMaintenance('b2');
      const off = nvh(cloud, () => cloud.scheduler.selectDestinations(request({ availability_zone: 'az2' })));
      expect(off.details).toMatchObject({ filter: 'compute_status_filter' });
      expect(off.message).toContain('compute_status_filter removed the last 2 hosts (b1: compute service is disabled (COMPUTE_STATUS_DISABLED)).');
      expect(off.explanation.prefilters.map((t) => [t.name, t.start, t.end])).toEqual([
        ['map_az_to_placement_aggregate', 5, 2],
        ['compute_status_filter', 2, 0],
      ]);
      const trait = nvh(cloud, () => cloud.scheduler.selectDestinations(request({ availability_zone: 'az1' }, { extra_specs: { 'trait:HW_CPU_X86_AVX512F': 'required' } })));
      expect(trait.details).toMatchObject({ filter: 'placement (required and forbidden traits)' });
      expect(trait.message).toContain('lacks required trait HW_CPU_X86_AVX512F (flavor extra spec trait:HW_CPU_X86_AVX512F=required)');
    });
    it('claims that fail for a later instance of a request name the class', () => {
      const cloud = fleet();
      // two 8192 MB instances fit on each az2 host (capacity int((16384 − 512) × 1.5) = 23808): the fifth does not
      const e = nvh(cloud, () => cloud.scheduler.selectDestinations(request({ availability_zone: 'az2', num_instances: 5 }, { vcpus: 1, memory_mb: 8192, root_gb: 1 })));
      expect(e.details).toMatchObject({ stage: 'claim', instance_index: 4, resource_class: 'MEMORY_MB', requested: 8192, largest_free: 23808 - 2 * 8192 });
      expect(e.message).toContain('Placement could not claim instance 5 of 5 on any host left. No host can take MEMORY_MB 8192: the largest free amount of MEMORY_MB on one host is 7424 (b1).');
    });
  });

  it('a host in maintenance is not chosen (its compute service is disabled); a failed host is not either', () => {
    const cloud = fleet();
    cloud.hardware.startMaintenance('a1');
    // nova mirrors the disabled service into Placement, and takes it back on recovery
    expect(cloud.systemAdmin.placement.getProviderTraits('a1').traits).toContain('COMPUTE_STATUS_DISABLED');
    expect(cloud.systemAdmin.placement.getAllocationCandidates({ resources: { VCPU: 1 }, required: '!COMPUTE_STATUS_DISABLED' }).provider_summaries).not.toHaveProperty(cloud.hardware.getHost('a1').id);
    cloud.hardware.failHost('a2');
    const r = cloud.scheduler.selectDestinations(request({ availability_zone: 'az1' }));
    expect(r.selections[0]?.host).toBe('a3');
    cloud.hardware.recoverHost('a1');
    expect(cloud.systemAdmin.placement.getProviderTraits('a1').traits).not.toContain('COMPUTE_STATUS_DISABLED');
  });

  it('bad input of any shape is a 400 naming the field and changes nothing', () => {
    const cloud = fleet();
    refused(cloud, () => cloud.scheduler.selectDestinations(null), { status: 400 });
    refused(cloud, () => cloud.scheduler.selectDestinations(request({ num_instances: 0 })), { status: 400, field: 'request.num_instances' });
    refused(cloud, () => cloud.scheduler.selectDestinations(request({}, { vcpus: -1 })), { status: 400, field: 'request.flavor.vcpus' });
    refused(cloud, () => cloud.scheduler.setSchedulerConfig({ filter_scheduler: { enabled_filters: ['NoSuchFilter'] } }), { status: 400 });
  });

  it('enabled filters come from the cloud\'s scheduler config', () => {
    const cloud = fleet();
    cloud.scheduler.setSchedulerConfig({ filter_scheduler: { enabled_filters: ['ComputeFilter', 'NumInstancesFilter'], max_instances_per_host: 1 } });
    const r = cloud.scheduler.selectDestinations(request({ availability_zone: 'az2', num_instances: 2 }));
    expect(new Set(r.selections.map((s) => s.host)).size).toBe(2);
    expect(() => cloud.scheduler.selectDestinations(request({ availability_zone: 'az2' }))).toThrow(/No valid host/);
  });

  it('never over-commits: random bursts keep every provider within capacity, and usage equals the claims (seed 9101)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ vcpus: fc.integer({ min: 1, max: 8 }), memory_mb: fc.constantFrom(512, 2048, 8192), n: fc.integer({ min: 1, max: 4 }) }), { maxLength: 12 }), (bursts) => {
        const cloud = fleet(3);
        let placed = 0;
        for (const b of bursts) {
          try {
            placed += cloud.scheduler.selectDestinations(request({ num_instances: b.n }, { vcpus: b.vcpus, memory_mb: b.memory_mb })).selections.length;
          } catch (e) {
            expect((e as CloudError).code).toBe('scheduler.no_valid_host');
          }
        }
        for (const u of cloud.scheduler.usage()) for (const r of Object.values(u.resources)) expect(r.used).toBeLessThanOrEqual(r.capacity);
        expect(cloud.state.placement.consumers.size).toBe(placed);
      }),
      { seed: 9101, numRuns: 40 },
    );
  });

  it('the explanation is computed when first read, not when the answer is handed out (deep-freezing the answer does not read it)', () => {
    const cloud = fleet();
    const r = cloud.scheduler.selectDestinations(request({ num_instances: 2 }));
    // a frozen answer whose explanation is a getter of its class, not an own property a deep freeze would read
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(r, 'explanation')).toBeUndefined();
    expect(Object.keys(r)).toEqual(['selections']);
    // read later, after more claims, it still explains this decision; JSON carries it
    cloud.scheduler.selectDestinations(request({ num_instances: 3 }));
    expect(r.explanation.selections).toEqual(r.selections);
    expect(Object.isFrozen(r.explanation)).toBe(true);
    expect(JSON.parse(JSON.stringify(r)).explanation.outcome).toBe('scheduled');
  });

  it('same seed and calls give the same choices and explanations (seed 9102)', () => {
    const run = () => {
      const cloud = fleet(7);
      cloud.scheduler.setSchedulerConfig({ filter_scheduler: { host_subset_size: 3 } });
      return [1, 2, 3].map(() => cloud.scheduler.selectDestinations(request({ num_instances: 2 })));
    };
    expect(JSON.stringify(run())).toBe(JSON.stringify(run()));
    void used;
  });
});
