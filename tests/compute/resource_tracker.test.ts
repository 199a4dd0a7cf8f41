/**
 * nova-compute's resource tracker in `src/compute` (issue 14): registered through the compute
 * service's hooks, it reports every compute host to Placement as the hardware changes, and
 * re-reports at once when the scheduler's nova.conf changes (`scheduler.compute_config.changed`,
 * fired by the scheduler, handled by compute). The scheduler keeps what nova-scheduler reads.
 */
import { describe, expect, it } from 'vitest';
import { CloudError, createCloud, type Cloud } from '../../src/index.js';
import { schedulerService } from '../../src/scheduler/index.js';
import { computeService } from '../../src/compute/index.js';
import { computeInventories, computeTraits, COMPUTE_REPORTING_HOOKS } from '../../src/compute/resource_tracker.js';
import { COMPUTE_DEFAULTS } from '../../src/scheduler/index.js';

const MODEL = { cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 2 }, memory_mb: 16384, disks: [{ name: 'sda', size_gb: 200 }] };

function small(seed: number): Cloud {
  return createCloud({
    seed,
    preset: 'empty',
    topology: {
      availability_zones: [{ name: 'az1' }, { name: 'az2' }],
      racks: [{ name: 'r1', availability_zone: 'az1' }, { name: 'r2', availability_zone: 'az2' }],
      hosts: [
        { name: 'a1', ...MODEL, rack: 'r1' },
        { name: 'b1', ...MODEL, rack: 'r2' },
      ],
    },
  });
}

function steps(cloud: Cloud): string[] {
  return (cloud.trace()?.steps ?? []).map((s) => `${s.service}: ${s.action}`);
}

describe('where the resource tracker lives', () => {
  it('compute registers the hardware hooks and the scheduler\'s compute_config hook; the scheduler registers none', () => {
    expect(schedulerService.hooks).toBeUndefined();
    expect(computeService.hooks).toBe(COMPUTE_REPORTING_HOOKS);
    expect(Object.keys(COMPUTE_REPORTING_HOOKS).sort()).toEqual(['hardware.host.added', 'hardware.host.removing', 'hardware.host.state_changed', 'hardware.host.updated', 'scheduler.compute_config.changed']);
    const cloud = small(1);
    expect(cloud.kernel.hookHandlers('scheduler.compute_config.changed')).toHaveLength(1);
  });

  it('computes the libvirt driver\'s inventories and traits', () => {
    const cloud = small(2);
    const a1 = { ...cloud.hardware.getHost('a1') };
    const inv = computeInventories(a1 as never, COMPUTE_DEFAULTS);
    expect(inv.VCPU).toEqual({ total: 8, reserved: 0, min_unit: 1, max_unit: 8, step_size: 1, allocation_ratio: 16 });
    expect(inv.MEMORY_MB?.reserved).toBe(512);
    expect(computeTraits(a1 as never)).toContain('COMPUTE_NODE');
  });
});

describe('reporting to Placement', () => {
  it('a racked compute host is a provider in its zone\'s aggregate, reported by nova-compute in the hardware call', () => {
    const cloud = small(3);
    cloud.hardware.addHost({ name: 'a2', ...MODEL, rack: 'r1' });
    expect(steps(cloud)).toEqual(expect.arrayContaining(['nova-compute: service nova-compute started on a2', 'nova-compute: resource tracker reported a2 to placement']));
    const p = cloud.systemAdmin.placement;
    const rp = p.getResourceProvider('a2');
    expect(rp.generation).toBe(3);
    expect(p.getProviderAggregates(rp.uuid).aggregates).toEqual(p.getProviderAggregates(p.getResourceProvider('a1').uuid).aggregates);
    // moving it to az2 moves its Placement aggregate
    cloud.hardware.updateHost('a2', { availability_zone: 'az2' });
    expect(p.getProviderAggregates(rp.uuid).aggregates).toEqual(p.getProviderAggregates(p.getResourceProvider('b1').uuid).aggregates);
  });

  it('cloud.scheduler.setComputeConfig re-reports at once through the hook compute handles, in the same commit', () => {
    const cloud = small(4);
    const p = cloud.systemAdmin.placement;
    cloud.scheduler.setComputeConfig('a1', { cpu_allocation_ratio: 4, reserved_host_memory_mb: 1024 });
    expect(steps(cloud)).toContain('nova-compute: resource tracker updated a1 in placement');
    expect(p.getInventories('a1').inventories.VCPU?.allocation_ratio).toBe(4);
    expect(p.getInventories('a1').inventories.MEMORY_MB?.reserved).toBe(1024);
    expect(p.getInventories('b1').inventories.VCPU?.allocation_ratio).toBe(16);
    cloud.scheduler.setComputeConfig(null, { ram_allocation_ratio: 1.0 });
    for (const h of ['a1', 'b1']) expect(p.getInventories(h).inventories.MEMORY_MB?.allocation_ratio).toBe(1);
  });

  it('a refused report (a class in use removed) refuses the whole call; removing a host with allocations is 409', () => {
    const cloud = small(5);
    const p = cloud.systemAdmin.placement;
    cloud.scheduler.selectDestinations({ flavor: { name: 'f', vcpus: 1, memory_mb: 512, root_gb: 10 }, project_id: 'p', user_id: 'u', availability_zone: 'az1' });
    let before = cloud.state;
    expect(() => cloud.hardware.updateHost('a1', { disks: [] })).toThrow(expect.objectContaining({ status: 409, code: 'placement.inventory.inuse' }));
    expect(cloud.state).toBe(before);
    before = cloud.state;
    let caught: unknown;
    try {
      cloud.hardware.removeHost('a1');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CloudError);
    expect((caught as CloudError).code).toBe('scheduler.host.in_use');
    expect(cloud.state).toBe(before);
    // an empty host goes with its provider and its nova-compute service
    cloud.hardware.removeHost('b1');
    expect(p.listResourceProviders().map((rp) => rp.name)).toEqual(['a1']);
  });

  it('a host losing the compute role loses its provider; gaining it back reports a new one', () => {
    const cloud = small(6);
    const p = cloud.systemAdmin.placement;
    const roles = cloud.hardware.getHost('b1').roles;
    cloud.hardware.updateHost('b1', { roles: [...roles.filter((r) => r !== 'compute'), 'network'] });
    expect(p.listResourceProviders().map((rp) => rp.name)).toEqual(['a1']);
    cloud.hardware.updateHost('b1', { roles: [...roles] });
    expect(p.listResourceProviders().map((rp) => rp.name).sort()).toEqual(['a1', 'b1']);
  });
});
