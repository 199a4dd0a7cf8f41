/**
 * Allocations and consumers (`/allocations/{consumer}`, `POST /allocations`): the capacity rule
 * `int((total − reserved) × allocation_ratio)`, min_unit / max_unit / step_size, consumer
 * generations, replacement semantics, the atomic move of an instance's allocation to a
 * migration consumer, and usages per provider and per project.
 */
import { describe, it, expect } from 'vitest';
import { bare, claim, consumerGeneration, devstack, generation, provider, refused, used, uuid } from './helpers.js';

const C1 = uuid('c', 1);
const C2 = uuid('c', 2);
const MIG = uuid('d', 1);

describe('capacity = int((total − reserved) × allocation_ratio)', () => {
  const cases: [string, { total: number; reserved?: number; allocation_ratio?: number }, number][] = [
    ['plain', { total: 10 }, 10],
    ['reserved', { total: 10, reserved: 3 }, 7],
    ['overcommit 16', { total: 8, allocation_ratio: 16 }, 128],
    ['reserved and ratio 1.5', { total: 10, reserved: 2, allocation_ratio: 1.5 }, 12],
    ['fraction truncated (3 × 1.5 = 4.5)', { total: 3, allocation_ratio: 1.5 }, 4],
    ['under-commit 0.9', { total: 10, allocation_ratio: 0.9 }, 9],
    ['nova memory (131072 − 512) × 1.5', { total: 131072, reserved: 512, allocation_ratio: 1.5 }, 195840],
  ];
  for (const [name, inv, cap] of cases) {
    it(`${name}: ${cap} fits, ${cap + 1} is 409 "would exceed the capacity" and changes nothing`, () => {
      const cloud = bare(8301);
      const p = cloud.systemAdmin.placement;
      const rp = provider(p, 'rp', { VCPU: inv });
      expect(p.capacityOf(rp, 'VCPU')).toEqual({ capacity: cap, used: 0 });
      refused(cloud, () => claim(p, C1, { [rp]: { VCPU: cap + 1 } }), { status: 409, code: 'placement.undefined_code', message: /Unable to allocate inventory.*'VCPU'.*would exceed the capacity/ });
      claim(p, C1, { [rp]: { VCPU: cap } });
      expect(p.capacityOf(rp, 'VCPU')).toEqual({ capacity: cap, used: cap });
      refused(cloud, () => claim(p, C2, { [rp]: { VCPU: 1 } }), { status: 409, message: 'exceed the capacity' });
    });
  }

  it('DevStack compute1: 56 logical CPUs × 16 = 896 VCPU, (131072 − 512) × 1.5 = 195840 MB, 960 GB', () => {
    const cloud = devstack(8302);
    const p = cloud.systemAdmin.placement;
    const cn = p.getResourceProvider('compute1').uuid;
    expect(p.capacityOf(cn, 'VCPU').capacity).toBe(896);
    expect(p.capacityOf(cn, 'MEMORY_MB').capacity).toBe(195840);
    expect(p.capacityOf(cn, 'DISK_GB').capacity).toBe(960);
    // max_unit is the physical amount: one claim of 57 VCPU is a constraint violation, not a capacity one
    refused(cloud, () => claim(p, C1, { [cn]: { VCPU: 57 } }), { status: 409, message: 'violate inventory constraints' });
    for (let i = 1; i <= 16; i++) claim(p, uuid('c', i), { [cn]: { VCPU: 56 } });
    claim(p, uuid('c', 17), { [cn]: { MEMORY_MB: 131072, DISK_GB: 960 } });
    claim(p, uuid('c', 18), { [cn]: { MEMORY_MB: 195840 - 131072 } });
    expect(p.getProviderUsages(cn).usages).toEqual({ VCPU: 896, MEMORY_MB: 195840, DISK_GB: 960 });
    for (const rc of ['VCPU', 'MEMORY_MB', 'DISK_GB']) refused(cloud, () => claim(p, uuid('c', 19), { [cn]: { [rc]: 1 } }), { status: 409, message: 'exceed the capacity' });
  });

  it('claims of several consumers add up; the last one that does not fit is refused', () => {
    const cloud = bare(8303);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 4, allocation_ratio: 2 } });
    for (let i = 1; i <= 4; i++) claim(p, uuid('c', i), { [rp]: { VCPU: 2 } });
    refused(cloud, () => claim(p, uuid('c', 5), { [rp]: { VCPU: 1 } }), { status: 409, message: 'exceed the capacity' });
    expect(used(p, rp, 'VCPU')).toBe(8);
  });

  it('one class that does not fit refuses the whole claim, on every provider of it', () => {
    const cloud = bare(8304);
    const p = cloud.systemAdmin.placement;
    const cn = provider(p, 'cn', { VCPU: { total: 8 }, MEMORY_MB: { total: 1024 } });
    const share = provider(p, 'share', { DISK_GB: { total: 10 } });
    refused(cloud, () => claim(p, C1, { [cn]: { VCPU: 1, MEMORY_MB: 512 }, [share]: { DISK_GB: 11 } }), { status: 409, message: 'DISK_GB' });
    expect(p.getProviderUsages(cn).usages).toEqual({ VCPU: 0, MEMORY_MB: 0 });
    expect(p.getAllocations(C1)).toEqual({ allocations: {} });
  });
});

describe('min_unit, max_unit and step_size', () => {
  const inv = { total: 4096, min_unit: 256, max_unit: 2048, step_size: 256 };
  for (const amount of [128, 300, 2304, 4096]) {
    it(`${amount} MB violates the constraints (min 256, max 2048, step 256): 409, nothing changes`, () => {
      const cloud = bare(8310);
      const p = cloud.systemAdmin.placement;
      const rp = provider(p, 'rp', { MEMORY_MB: inv });
      refused(cloud, () => claim(p, C1, { [rp]: { MEMORY_MB: amount } }), { status: 409, code: 'placement.undefined_code', message: 'violate inventory constraints' });
    });
  }
  for (const amount of [256, 512, 2048]) {
    it(`${amount} MB respects them`, () => {
      const p = bare(8311).systemAdmin.placement;
      const rp = provider(p, 'rp', { MEMORY_MB: inv });
      claim(p, C1, { [rp]: { MEMORY_MB: amount } });
      expect(used(p, rp, 'MEMORY_MB')).toBe(amount);
    });
  }

  it('the constraints hold per claim, not on the provider\'s total usage', () => {
    const p = bare(8312).systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 16, max_unit: 4 } });
    for (let i = 1; i <= 4; i++) claim(p, uuid('c', i), { [rp]: { VCPU: 4 } });
    expect(used(p, rp, 'VCPU')).toBe(16);
  });

  // issue 10 #18: Placement's _check_capacity_exceeded (objects/allocation.py) walks the
  // allocations in request order and checks, per class, the limits and then the capacity: the
  // first class that fails is the one named, with its own reason (not every class's limits first)
  it('a failing claim names the first class that fails in request order, limits then capacity per class', () => {
    const cloud = bare(8314);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 4 }, MEMORY_MB: { total: 4096, max_unit: 1024 } });
    const put = (resources: Record<string, number>) => () => p.putAllocations(C1, { allocations: { [rp]: { resources } }, project_id: 'p', user_id: 'u', consumer_generation: null });
    const text = (rc: string, why: string) => `Unable to allocate inventory: Unable to create allocation for '${rc}' on resource provider '${rp}'. The requested amount would ${why}.`;
    // VCPU first: within its limits but over capacity; MEMORY_MB after it breaks max_unit
    let e = refused(cloud, put({ VCPU: 5, MEMORY_MB: 2048 }), { status: 409, code: 'placement.undefined_code', message: text('VCPU', 'exceed the capacity') });
    expect(e.details).toMatchObject({ resource_class: 'VCPU', resource_provider: rp });
    // the other way round, MEMORY_MB's limits fail first
    e = refused(cloud, put({ MEMORY_MB: 2048, VCPU: 5 }), { status: 409, message: text('MEMORY_MB', 'violate inventory constraints') });
    expect(e.details).toMatchObject({ resource_class: 'MEMORY_MB' });
  });

  it('what one POST asks of a class on a provider adds up across its consumers, and the consumer whose share overflows is refused', () => {
    const cloud = bare(8315);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 4, max_unit: 3 }, MEMORY_MB: { total: 1024 } });
    const body = (resources: Record<string, number>) => ({ allocations: { [rp]: { resources } }, project_id: 'p', user_id: 'u', consumer_generation: null });
    // C1's 3 VCPU fit; C2's 2 more do not (capacity 4), before C2's MEMORY_MB is looked at
    refused(cloud, () => p.postAllocations({ [C1]: body({ VCPU: 3 }), [C2]: body({ VCPU: 2, MEMORY_MB: 4096 }) }), { status: 409, message: `'VCPU' on resource provider '${rp}'. The requested amount would exceed the capacity` });
  });

  it('a provider with no inventory of any class the request asks for is refused first, naming every class asked', () => {
    const cloud = bare(8316);
    const p = cloud.systemAdmin.placement;
    const cn = provider(p, 'cn', { VCPU: { total: 4 } });
    const empty = provider(p, 'empty', { MEMORY_MB: { total: 1024 } });
    // cn's VCPU would exceed its capacity, but Placement first finds that `empty` has none of VCPU, DISK_GB
    const e = refused(cloud, () => claim(p, C1, { [cn]: { VCPU: 9 }, [empty]: { DISK_GB: 1 } }), { status: 409, message: `Unable to allocate inventory: Inventory for 'VCPU, DISK_GB' on resource provider '${empty}' invalid.` });
    expect(e.details).toMatchObject({ resource_provider: empty });
  });

  it('a class the provider has no inventory of is 409 and changes nothing', () => {
    const cloud = bare(8313);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    refused(cloud, () => claim(p, C1, { [rp]: { VCPU: 1, VGPU: 1 } }), { status: 409, message: 'VGPU' });
  });
});

describe('consumers and their generations', () => {
  it('a new consumer is claimed with consumer_generation null; GET shows its allocations, project, user and generation', () => {
    const cloud = bare(8320);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 }, MEMORY_MB: { total: 4096 } });
    expect(p.getAllocations(C1)).toEqual({ allocations: {} });
    p.putAllocations(C1, { allocations: { [rp]: { resources: { VCPU: 2, MEMORY_MB: 1024 } } }, project_id: 'proj', user_id: 'usr', consumer_generation: null });
    const got = p.getAllocations(C1);
    expect(got).toMatchObject({ project_id: 'proj', user_id: 'usr', allocations: { [rp]: { resources: { VCPU: 2, MEMORY_MB: 1024 }, generation: generation(p, rp) } } });
    expect(typeof got.consumer_generation).toBe('number');
  });

  it('every change moves the consumer generation on by one; the current one is required', () => {
    const cloud = bare(8321);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    const body = (vcpu: number, consumer_generation: number | null) => ({ allocations: { [rp]: { resources: { VCPU: vcpu } } }, project_id: 'proj', user_id: 'usr', consumer_generation });
    p.putAllocations(C1, body(1, null));
    const g0 = consumerGeneration(p, C1) as number;
    p.putAllocations(C1, body(2, g0));
    expect(consumerGeneration(p, C1)).toBe(g0 + 1);
    refused(cloud, () => p.putAllocations(C1, body(3, g0)), { status: 409, code: 'placement.concurrent_update', message: 'consumer' });
    refused(cloud, () => p.putAllocations(C1, body(3, g0 + 2)), { status: 409, code: 'placement.concurrent_update' });
    refused(cloud, () => p.putAllocations(C1, body(3, null)), { status: 409, code: 'placement.concurrent_update' });
    // a generation for a consumer that does not exist yet is a conflict too
    refused(cloud, () => p.putAllocations(C2, body(1, 0)), { status: 409, code: 'placement.concurrent_update' });
    expect(used(p, rp, 'VCPU')).toBe(2);
  });

  // Fixed (was a bug found by this suite): Placement creates a consumer at generation 0 and _set_allocations increments it in the
  // same transaction, so after its first allocation a consumer is at generation 1
  // (objects/allocation.py _set_allocations → consumer.increment_generation(); verified against
  // Debian's placement 8.0.0: GET /allocations/{c} after the first PUT shows consumer_generation 1).
  // store.replaceAllocations writes 0 for a new consumer.
  it('after its first allocation a consumer is at generation 1, as in Placement', () => {
    const p = bare(8322).systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    claim(p, C1, { [rp]: { VCPU: 1 } });
    expect(consumerGeneration(p, C1)).toBe(1);
  });

  it('PUT replaces all of a consumer\'s allocations: moving to another provider frees the first', () => {
    const p = bare(8323).systemAdmin.placement;
    const a = provider(p, 'a', { VCPU: { total: 8 } });
    const b = provider(p, 'b', { VCPU: { total: 8 } });
    claim(p, C1, { [a]: { VCPU: 4 } });
    claim(p, C1, { [b]: { VCPU: 3 } });
    expect(p.getAllocations(C1).allocations).toEqual({ [b]: { resources: { VCPU: 3 }, generation: generation(p, b) } });
    expect(used(p, a, 'VCPU')).toBe(0);
    expect(used(p, b, 'VCPU')).toBe(3);
    expect(p.getProviderAllocations(a).allocations).toEqual({});
  });

  it('what the consumer holds is freed before the check: growing into the room it already has fits', () => {
    const cloud = bare(8324);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 10 } });
    claim(p, C1, { [rp]: { VCPU: 8 } });
    claim(p, C1, { [rp]: { VCPU: 10 } });
    expect(used(p, rp, 'VCPU')).toBe(10);
    refused(cloud, () => claim(p, C1, { [rp]: { VCPU: 11 } }), { status: 409, message: 'exceed the capacity' });
  });

  it('empty allocations delete the consumer: GET shows nothing, and it starts again at null', () => {
    const cloud = bare(8325);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    claim(p, C1, { [rp]: { VCPU: 2 } });
    p.putAllocations(C1, { allocations: {}, project_id: 'project-a', user_id: 'user-a', consumer_generation: consumerGeneration(p, C1) });
    expect(p.getAllocations(C1)).toEqual({ allocations: {} });
    expect(used(p, rp, 'VCPU')).toBe(0);
    expect(p.getUsages('project-a').usages).toEqual({});
    refused(cloud, () => p.deleteAllocations(C1), { status: 404 });
    p.putAllocations(C1, { allocations: { [rp]: { resources: { VCPU: 1 } } }, project_id: 'project-a', user_id: 'user-a', consumer_generation: null });
    expect(used(p, rp, 'VCPU')).toBe(1);
  });

  it('DELETE frees everything a consumer holds on every provider; a consumer that holds nothing is 404', () => {
    const cloud = bare(8326);
    const p = cloud.systemAdmin.placement;
    const a = provider(p, 'a', { VCPU: { total: 8 } });
    const b = provider(p, 'b', { DISK_GB: { total: 100 } });
    claim(p, C1, { [a]: { VCPU: 2 }, [b]: { DISK_GB: 20 } });
    p.deleteAllocations(C1);
    expect(p.getProviderUsages(a).usages).toEqual({ VCPU: 0 });
    expect(p.getProviderUsages(b).usages).toEqual({ DISK_GB: 0 });
    expect(p.getAllocations(C1)).toEqual({ allocations: {} });
    refused(cloud, () => p.deleteAllocations(C1), { status: 404, message: C1 });
    refused(cloud, () => p.deleteAllocations(C2), { status: 404 });
  });

  it('a provider\'s allocations list each consumer\'s share of it', () => {
    const p = bare(8327).systemAdmin.placement;
    const a = provider(p, 'a', { VCPU: { total: 8 }, MEMORY_MB: { total: 4096 } });
    const b = provider(p, 'b', { VCPU: { total: 8 } });
    claim(p, C1, { [a]: { VCPU: 2, MEMORY_MB: 512 }, [b]: { VCPU: 1 } });
    claim(p, C2, { [a]: { VCPU: 1 } });
    const allocs = p.getProviderAllocations(a);
    expect(allocs.resource_provider_generation).toBe(generation(p, a));
    // with each consumer's generation, as Placement 1.28 shows it
    expect(allocs.allocations).toEqual({ [C1]: { resources: { VCPU: 2, MEMORY_MB: 512 }, consumer_generation: 1 }, [C2]: { resources: { VCPU: 1 }, consumer_generation: 1 } });
    expect(p.getProviderAllocations(b).allocations).toEqual({ [C1]: { resources: { VCPU: 1 }, consumer_generation: 1 } });
  });
});

describe('POST /allocations: several consumers at once (nova moving an instance to a migration consumer)', () => {
  function world(seed: number) {
    const cloud = bare(seed);
    const p = cloud.systemAdmin.placement;
    const source = provider(p, 'source', { VCPU: { total: 8 }, MEMORY_MB: { total: 4096 } });
    const dest = provider(p, 'dest', { VCPU: { total: 4 }, MEMORY_MB: { total: 4096 } });
    claim(p, C1, { [source]: { VCPU: 4, MEMORY_MB: 2048 } }, { project_id: 'proj', user_id: 'usr' });
    return { cloud, p, source, dest };
  }

  it('the migration takes over the source allocation and the instance claims the destination, in one step', () => {
    const { p, source, dest } = world(8330);
    const g = consumerGeneration(p, C1);
    p.postAllocations({
      [MIG]: { allocations: { [source]: { resources: { VCPU: 4, MEMORY_MB: 2048 } } }, project_id: 'proj', user_id: 'usr', consumer_generation: null, consumer_type: 'MIGRATION' },
      [C1]: { allocations: { [dest]: { resources: { VCPU: 4, MEMORY_MB: 2048 } } }, project_id: 'proj', user_id: 'usr', consumer_generation: g },
    });
    expect(p.getAllocations(MIG).allocations).toEqual({ [source]: { resources: { VCPU: 4, MEMORY_MB: 2048 }, generation: generation(p, source) } });
    expect(p.getAllocations(C1).allocations).toEqual({ [dest]: { resources: { VCPU: 4, MEMORY_MB: 2048 }, generation: generation(p, dest) } });
    expect(consumerGeneration(p, C1)).toBe((g as number) + 1);
    expect(p.getProviderUsages(source).usages).toEqual({ VCPU: 4, MEMORY_MB: 2048 });
    expect(p.getProviderUsages(dest).usages).toEqual({ VCPU: 4, MEMORY_MB: 2048 });
    expect(p.getUsages('proj').usages).toEqual({ VCPU: 8, MEMORY_MB: 4096 });
    // confirming the migration drops the source allocation
    p.deleteAllocations(MIG);
    expect(p.getProviderUsages(source).usages).toEqual({ VCPU: 0, MEMORY_MB: 0 });
    expect(p.getUsages('proj').usages).toEqual({ VCPU: 4, MEMORY_MB: 2048 });
  });

  it('moving the allocation as is (the instance keeps nothing) always fits, even on a full provider', () => {
    const { p, source } = world(8331);
    claim(p, C2, { [source]: { VCPU: 4 } });
    expect(p.capacityOf(source, 'VCPU')).toEqual({ capacity: 8, used: 8 });
    p.postAllocations({
      [MIG]: { allocations: { [source]: { resources: { VCPU: 4, MEMORY_MB: 2048 } } }, project_id: 'proj', user_id: 'usr', consumer_generation: null, consumer_type: 'MIGRATION' },
      [C1]: { allocations: {}, project_id: 'proj', user_id: 'usr', consumer_generation: consumerGeneration(p, C1) },
    });
    expect(p.getAllocations(C1)).toEqual({ allocations: {} });
    expect(p.capacityOf(source, 'VCPU')).toEqual({ capacity: 8, used: 8 });
  });

  it('when the destination claim does not fit nothing happens: no migration consumer, the instance keeps its source allocation', () => {
    const { cloud, p, source, dest } = world(8332);
    refused(cloud, () => p.postAllocations({
      [MIG]: { allocations: { [source]: { resources: { VCPU: 4, MEMORY_MB: 2048 } } }, project_id: 'proj', user_id: 'usr', consumer_generation: null, consumer_type: 'MIGRATION' },
      [C1]: { allocations: { [dest]: { resources: { VCPU: 5, MEMORY_MB: 2048 } } }, project_id: 'proj', user_id: 'usr', consumer_generation: consumerGeneration(p, C1) },
    }), { status: 409, code: 'placement.undefined_code', message: 'exceed the capacity' });
    expect(p.getAllocations(MIG)).toEqual({ allocations: {} });
    expect(p.getAllocations(C1).allocations).toEqual({ [source]: { resources: { VCPU: 4, MEMORY_MB: 2048 }, generation: generation(p, source) } });
  });

  it('a stale generation on one consumer refuses the whole request', () => {
    const { cloud, p, source, dest } = world(8333);
    refused(cloud, () => p.postAllocations({
      [MIG]: { allocations: { [source]: { resources: { VCPU: 4, MEMORY_MB: 2048 } } }, project_id: 'proj', user_id: 'usr', consumer_generation: null, consumer_type: 'MIGRATION' },
      [C1]: { allocations: { [dest]: { resources: { VCPU: 1 } } }, project_id: 'proj', user_id: 'usr', consumer_generation: null },
    }), { status: 409, code: 'placement.concurrent_update' });
  });

  it('two consumers together must fit: what each frees counts, what each claims adds up', () => {
    const { cloud, p, dest } = world(8334);
    const body = (c: string, vcpu: number) => ({ allocations: { [dest]: { resources: { VCPU: vcpu } } }, project_id: 'proj', user_id: 'usr', consumer_generation: consumerGeneration(p, c) });
    refused(cloud, () => p.postAllocations({ [C2]: body(C2, 3), [uuid('c', 3)]: body(uuid('c', 3), 2) }), { status: 409, message: 'exceed the capacity' });
    p.postAllocations({ [C2]: body(C2, 2), [uuid('c', 3)]: body(uuid('c', 3), 2) });
    expect(used(p, dest, 'VCPU')).toBe(4);
  });
});

describe('usages per project (GET /usages?project_id=)', () => {
  it('sums what every consumer of the project holds on every provider, and only that project', () => {
    const p = bare(8340).systemAdmin.placement;
    const a = provider(p, 'a', { VCPU: { total: 32 }, MEMORY_MB: { total: 65536 } });
    const b = provider(p, 'b', { VCPU: { total: 32 }, DISK_GB: { total: 1000 } });
    claim(p, C1, { [a]: { VCPU: 2, MEMORY_MB: 2048 }, [b]: { DISK_GB: 20 } }, { project_id: 'alpha' });
    claim(p, C2, { [b]: { VCPU: 4, DISK_GB: 40 } }, { project_id: 'alpha' });
    claim(p, uuid('c', 3), { [a]: { VCPU: 8 } }, { project_id: 'beta' });
    expect(p.getUsages('alpha').usages).toEqual({ VCPU: 6, MEMORY_MB: 2048, DISK_GB: 60 });
    expect(p.getUsages('beta').usages).toEqual({ VCPU: 8 });
    expect(p.getUsages('gamma').usages).toEqual({});
    // a consumer that changes project moves its usage with it
    claim(p, C2, { [b]: { VCPU: 4, DISK_GB: 40 } }, { project_id: 'beta' });
    expect(p.getUsages('alpha').usages).toEqual({ VCPU: 2, MEMORY_MB: 2048, DISK_GB: 20 });
    expect(p.getUsages('beta').usages).toEqual({ VCPU: 12, DISK_GB: 40 });
  });
});

describe('GET /usages by user and by consumer type (1.38)', () => {
  /** project-a: an INSTANCE of user-a on two providers, an INSTANCE of user-b, a MIGRATION of user-a; project-b: one INSTANCE. */
  function usageWorld(seed: number) {
    const cloud = bare(seed);
    const p = cloud.systemAdmin.placement;
    const r1 = provider(p, 'r1', { VCPU: { total: 32 }, MEMORY_MB: { total: 65_536 } });
    const r2 = provider(p, 'r2', { VCPU: { total: 32 }, MEMORY_MB: { total: 65_536 } });
    claim(p, uuid('c', 1), { [r1]: { VCPU: 2, MEMORY_MB: 2048 }, [r2]: { VCPU: 1 } });
    claim(p, uuid('c', 2), { [r1]: { VCPU: 4 } }, { user_id: 'user-b' });
    claim(p, uuid('c', 3), { [r2]: { VCPU: 8, MEMORY_MB: 4096 } }, { consumer_type: 'MIGRATION' });
    claim(p, uuid('c', 4), { [r2]: { VCPU: 16 } }, { project_id: 'project-b' });
    return { cloud, p };
  }

  it('user_id narrows the project total to that user\'s consumers', () => {
    const { p } = usageWorld(8341);
    expect(p.getUsages('project-a').usages).toEqual({ VCPU: 15, MEMORY_MB: 6144 });
    expect(p.getUsages('project-a', { user_id: 'user-b' }).usages).toEqual({ VCPU: 4 });
    expect(p.getUsages('project-a', { user_id: 'nobody' }).usages).toEqual({});
  });

  it('grouped by consumer type, each group counts its distinct consumers once however many classes and providers they hold', () => {
    const { p } = usageWorld(8342);
    expect(p.getUsagesByConsumerType('project-a').usages).toEqual({
      INSTANCE: { VCPU: 7, MEMORY_MB: 2048, consumer_count: 2 },
      MIGRATION: { VCPU: 8, MEMORY_MB: 4096, consumer_count: 1 },
    });
    expect(p.getUsagesByConsumerType('project-a', { consumer_type: 'MIGRATION' }).usages).toEqual({ MIGRATION: { VCPU: 8, MEMORY_MB: 4096, consumer_count: 1 } });
    expect(p.getUsagesByConsumerType('project-a', { consumer_type: 'all' }).usages).toEqual({ all: { VCPU: 15, MEMORY_MB: 6144, consumer_count: 3 } });
    expect(p.getUsagesByConsumerType('project-a', { consumer_type: 'all', user_id: 'user-a' }).usages).toEqual({ all: { VCPU: 11, MEMORY_MB: 6144, consumer_count: 2 } });
    expect(p.getUsagesByConsumerType('project-a', { consumer_type: 'unknown' }).usages).toEqual({});
    expect(p.getUsagesByConsumerType('project-b', { consumer_type: 'CUSTOM_THING' }).usages).toEqual({});
  });

  it('bad filters are 400 naming the field, and change nothing', () => {
    const { cloud, p } = usageWorld(8343);
    refused(cloud, () => p.getUsagesByConsumerType('project-a', { consumer_type: 'instance' }), { status: 400, field: 'filter.consumer_type' });
    refused(cloud, () => p.getUsagesByConsumerType('project-a', { consumer_type: 7 } as never), { status: 400, field: 'filter.consumer_type' });
    refused(cloud, () => p.getUsagesByConsumerType('project-a', { colour: 'red' } as never), { status: 400, field: 'filter.colour' });
    refused(cloud, () => p.getUsages('project-a', { user_id: '' }), { status: 400, field: 'filter.user_id' });
    refused(cloud, () => p.getUsages('project-a', null as never), { status: 400, field: 'filter' });
    refused(cloud, () => p.getUsagesByConsumerType('', {}), { status: 400, field: 'project_id' });
  });
});
