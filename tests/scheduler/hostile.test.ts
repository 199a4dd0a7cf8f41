/**
 * issue 10 #8: every method of `session.placement` (PlacementApi) and `cloud.scheduler`
 * (SchedulerOperatorApi), given a hostile value (null, undefined, NaN, 1e308, 5e-324, a cycle, a
 * 20 000-deep object, Object.create(null), an own `__proto__` key, 'constructor'…) at each argument
 * and at each place inside one, answers or refuses with a CloudError 4xx naming the field, and a
 * refusal leaves the state the same object: never a TypeError, never a half-made change.
 */
import { describe, it, expect } from 'vitest';
import { createCloud, type Cloud } from '../../src/index.js';
import { PlacementApi, SchedulerOperatorApi } from '../../src/scheduler/index.js';
import { expectHostileHandled, variants } from './hostile.js';

const C1 = 'c0000000-0000-4000-8000-000000000001';
const C2 = 'c0000000-0000-4000-8000-000000000002';
const AGG = 'a0000000-0000-4000-8000-000000000001';

interface World {
  readonly cloud: Cloud;
  readonly rp: string;
  readonly spare: string;
  readonly gen: number;
}

let built: { w: World; snapshot: ReturnType<Cloud['snapshot']> } | undefined;

function world(): World {
  if (!built) {
    const cloud = createCloud({
      seed: 808,
      preset: 'empty',
      identity: { password_hash_rounds: 1 },
      topology: {
        availability_zones: [{ name: 'az1' }],
        racks: [{ name: 'r1', availability_zone: 'az1' }],
        hosts: [{ name: 'h{n}', count: 2, roles: ['compute'], rack: 'r1', cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 100 }] }],
      },
    });
    const p = cloud.systemAdmin.placement;
    const rp = p.getResourceProvider('h1').uuid;
    p.putAllocations(C1, { allocations: { [rp]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u', consumer_generation: null });
    const spare = p.createResourceProvider({ name: 'spare' }).uuid;
    p.setInventories(spare, { resource_provider_generation: 0, inventories: { VCPU: { total: 4 } } });
    p.createTrait('CUSTOM_T');
    p.createResourceClass('CUSTOM_R');
    built = { w: { cloud, rp, spare, gen: p.getResourceProvider(spare).generation }, snapshot: cloud.snapshot() };
  }
  built.w.cloud.restore(built.snapshot);
  return built.w;
}

const alloc = (rp: string) => ({ allocations: { [rp]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u', consumer_generation: null });
const request = { flavor: { name: 'f', vcpus: 1, memory_mb: 512, root_gb: 1, extra_specs: { 'trait:COMPUTE_NODE': 'required' } }, availability_zone: 'az1', project_id: 'p', user_id: 'u', num_instances: 1, scheduler_hints: { same_host: [] } };

/** Each PlacementApi method with valid arguments. */
const PLACEMENT: readonly (readonly [string, (w: World) => unknown[]])[] = [
  ['listResourceProviders', () => [{ name: 'h1', member_of: [AGG], required: ['COMPUTE_NODE'], resources: { VCPU: 1 } }]],
  ['createResourceProvider', () => [{ name: 'new', uuid: 'b0000000-0000-4000-8000-000000000009' }]],
  ['getResourceProvider', (w) => [w.rp]],
  ['updateResourceProvider', (w) => [w.spare, { name: 'renamed' }]],
  ['deleteResourceProvider', (w) => [w.spare]],
  ['getInventories', (w) => [w.rp]],
  ['setInventories', (w) => [w.spare, { resource_provider_generation: w.gen, inventories: { VCPU: { total: 8, reserved: 1, min_unit: 1, max_unit: 4, step_size: 1, allocation_ratio: 2 } } }]],
  ['createInventory', (w) => [w.spare, { resource_class: 'DISK_GB', total: 10, reserved: 0 }]],
  ['getInventory', (w) => [w.rp, 'VCPU']],
  ['setInventory', (w) => [w.spare, 'VCPU', { resource_provider_generation: w.gen, total: 16, max_unit: 8 }]],
  ['deleteInventories', (w) => [w.spare]],
  ['deleteInventory', (w) => [w.spare, 'VCPU', w.gen]],
  ['getProviderUsages', (w) => [w.rp]],
  ['getUsages', () => ['p', { user_id: 'u' }]],
  ['getUsagesByConsumerType', () => ['p', { user_id: 'u', consumer_type: 'INSTANCE' }]],
  ['getProviderTraits', (w) => [w.rp]],
  ['setProviderTraits', (w) => [w.spare, { resource_provider_generation: w.gen, traits: ['COMPUTE_NODE', 'CUSTOM_T'] }]],
  ['deleteProviderTraits', (w) => [w.spare]],
  ['getProviderAggregates', (w) => [w.rp]],
  ['setProviderAggregates', (w) => [w.spare, { resource_provider_generation: w.gen, aggregates: [AGG] }]],
  ['listTraits', () => [{ startswith: 'CUSTOM_' }]],
  ['createTrait', () => ['CUSTOM_NEW']],
  ['getTrait', () => ['CUSTOM_T']],
  ['deleteTrait', () => ['CUSTOM_T']],
  ['listResourceClasses', () => []],
  ['createResourceClass', () => ['CUSTOM_NEW']],
  ['getResourceClass', () => ['CUSTOM_R']],
  ['ensureResourceClass', () => ['CUSTOM_NEW']],
  ['deleteResourceClass', () => ['CUSTOM_R']],
  ['getAllocations', () => [C1]],
  ['putAllocations', (w) => [C2, alloc(w.rp)]],
  ['postAllocations', (w) => [{ [C2]: alloc(w.rp) }]],
  ['deleteAllocations', () => [C1]],
  ['getProviderAllocations', (w) => [w.rp]],
  ['getAllocationCandidates', () => [{ resources: { VCPU: 1, MEMORY_MB: 512 }, required: ['COMPUTE_NODE', '!CUSTOM_T'], member_of: [`in:${AGG}`], limit: 5 }]],
  ['capacityOf', (w) => [w.rp, 'VCPU']],
];

/** Each SchedulerOperatorApi method with valid arguments. */
const OPERATOR: readonly (readonly [string, (w: World) => unknown[]])[] = [
  ['computeConfig', () => ['h1']],
  ['setComputeConfig', () => ['h1', { cpu_allocation_ratio: 4, ram_allocation_ratio: null, reserved_host_memory_mb: 1024, reserved_host_disk_mb: 100, reserved_host_cpus: 1 }]],
  ['schedulerConfig', () => []],
  ['setSchedulerConfig', () => [{ filter_scheduler: { host_subset_size: 2, enabled_filters: ['ComputeFilter'], ram_weight_multiplier: 2 }, scheduler: { max_attempts: 2 } }]],
  ['selectDestinations', () => [request]],
  ['usage', () => []],
];

const methodsOf = (proto: object): string[] => Object.getOwnPropertyNames(proto).filter((m) => m !== 'constructor' && typeof (proto as Record<string, unknown>)[m] === 'function');

describe('every method is in the tables', () => {
  it('PlacementApi and SchedulerOperatorApi', () => {
    // private helpers of PlacementApi (read, write, projectAllocations) are not API
    expect(methodsOf(PlacementApi.prototype).filter((m) => !['read', 'write', 'projectAllocations'].includes(m)).sort()).toEqual(PLACEMENT.map(([m]) => m).sort());
    expect(methodsOf(SchedulerOperatorApi.prototype).sort()).toEqual(OPERATOR.map(([m]) => m).sort());
  });
});

describe('hostile values anywhere: a CloudError 4xx naming the field, or an answer; a refusal changes nothing', () => {
  const run = (api: (w: World) => Record<string, (...a: unknown[]) => unknown>, name: string, args: (w: World) => unknown[]) => () => {
    const w = world();
    // the valid call itself is answered
    expect(expectHostileHandled(w.cloud, `${name}(valid)`, () => api(w)[name]?.(...args(w)))).toBe('answered');
    for (const v of variants(args(w))) {
      const again = world();
      const outcome = expectHostileHandled(again.cloud, `${name}: ${v.what}`, () => api(again)[name]?.(...v.args));
      // no key of Placement's bodies and queries, nor of nova.conf, may be called __proto__ (the
      // request spec's free-form maps, extra specs and hints, may hold one)
      if (v.protoKey && name !== 'selectDestinations') expect(outcome, `${name}: ${v.what} was answered`).not.toBe('answered');
    }
  };
  for (const [name, args] of PLACEMENT) it(`session.placement.${name}`, run((w) => w.cloud.systemAdmin.placement as never, name, args));
  for (const [name, args] of OPERATOR) it(`cloud.scheduler.${name}`, run((w) => w.cloud.scheduler as never, name, args));
});

describe('instances found by this suite', () => {
  it('setSchedulerConfig(null) is a 400 naming config, not a TypeError', () => {
    const { cloud } = world();
    const before = cloud.state;
    for (const bad of [null, undefined, 5, 'x', []]) {
      expect(expectHostileHandled(cloud, String(bad), () => cloud.scheduler.setSchedulerConfig(bad as never))).toBe(400);
    }
    expect(cloud.state).toBe(before);
  });

  it('a reservation Placement could not store (above its MAX_INT) is a 400 naming the option, so host states stay exact', () => {
    const { cloud } = world();
    for (const k of ['reserved_host_cpus', 'reserved_host_memory_mb', 'reserved_host_disk_mb'] as const) {
      for (const bad of [1e308, 2 ** 53]) {
        const e = expectHostileHandled(cloud, `${k} = ${bad}`, () => cloud.scheduler.setComputeConfig(null, { [k]: bad }));
        expect(e, `${k} = ${bad}`).toBe(400);
      }
    }
    cloud.scheduler.setComputeConfig('h1', { reserved_host_memory_mb: 2_147_483_647 });
    expect(cloud.systemAdmin.placement.getInventory('h1', 'MEMORY_MB').reserved).toBe(8192);
  });

  it('a group or option named __proto__ is an unknown field, not a prototype', () => {
    const { cloud } = world();
    expect(expectHostileHandled(cloud, '__proto__ group', () => cloud.scheduler.setSchedulerConfig(JSON.parse('{"__proto__": {"host_subset_size": 2}}') as never))).toBe(400);
    expect(expectHostileHandled(cloud, '__proto__ option', () => cloud.scheduler.setSchedulerConfig(JSON.parse('{"filter_scheduler": {"__proto__": {"host_subset_size": 2}}}') as never))).toBe(400);
  });

  it('Object.prototype names are not inventories: getInventory, setInventory and deleteInventory of "constructor" are refused', () => {
    const w = world();
    const p = w.cloud.systemAdmin.placement;
    expect(expectHostileHandled(w.cloud, 'getInventory constructor', () => p.getInventory(w.rp, 'constructor'))).toBe(404);
    expect(expectHostileHandled(w.cloud, 'setInventory constructor', () => p.setInventory(w.spare, 'constructor', { resource_provider_generation: w.gen, total: 1 }))).toBe(400);
    expect(expectHostileHandled(w.cloud, 'deleteInventory constructor', () => p.deleteInventory(w.spare, 'constructor'))).toBe(404);
    expect(expectHostileHandled(w.cloud, 'deleteInventory toString', () => p.deleteInventory(w.spare, 'toString'))).toBe(404);
  });
});
