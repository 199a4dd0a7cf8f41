/**
 * Inventories (`/resource_providers/{uuid}/inventories`): Placement's defaults, validation,
 * replacement of the whole set, and the deliberate pair of rules around usage — shrinking an
 * inventory below what is allocated is allowed (Placement logs "over capacity"), removing a class
 * that is allocated is `placement.inventory.inuse`.
 */
import { describe, it, expect } from 'vitest';
import { MAX_INT, bare, claim, generation, provider, refused, setInventories, used, uuid } from './helpers.js';

describe('defaults and replacement', () => {
  it('only total is required: reserved 0, min_unit 1, max_unit MAX_INT, step_size 1, allocation_ratio 1.0', () => {
    const cloud = bare(8101);
    const p = cloud.systemAdmin.placement;
    const rp = p.createResourceProvider({ name: 'rp' });
    const answer = p.setInventories(rp.uuid, { resource_provider_generation: 0, inventories: { VCPU: { total: 8 } } });
    expect(answer).toEqual({
      resource_provider_generation: 1,
      inventories: { VCPU: { total: 8, reserved: 0, min_unit: 1, max_unit: MAX_INT, step_size: 1, allocation_ratio: 1.0 } },
    });
    expect(p.getInventories(rp.uuid)).toEqual(answer);
  });

  it('every given field is kept as given', () => {
    const cloud = bare(8102);
    const p = cloud.systemAdmin.placement;
    const inv = { total: 1024, reserved: 128, min_unit: 64, max_unit: 512, step_size: 64, allocation_ratio: 1.25 };
    const rp = provider(p, 'rp', { MEMORY_MB: inv });
    expect(p.getInventories(rp).inventories).toEqual({ MEMORY_MB: inv });
  });

  it('PUT replaces the whole set: classes left out disappear, new ones appear', () => {
    const cloud = bare(8103);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 }, MEMORY_MB: { total: 4096 } });
    setInventories(p, rp, { VCPU: { total: 16 }, DISK_GB: { total: 100 } });
    const invs = p.getInventories(rp).inventories;
    expect(Object.keys(invs).sort()).toEqual(['DISK_GB', 'VCPU']);
    expect(invs.VCPU?.total).toBe(16);
    expect(p.getProviderUsages(rp).usages).toEqual({ VCPU: 0, DISK_GB: 0 });
    setInventories(p, rp, {});
    expect(p.getInventories(rp).inventories).toEqual({});
  });

  it('reserved may equal total (microversion 1.26): capacity 0, nothing can be allocated', () => {
    const cloud = bare(8104);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 4, reserved: 4 } });
    expect(p.capacityOf(rp, 'VCPU')).toEqual({ capacity: 0, used: 0 });
    refused(cloud, () => claim(p, uuid('c', 1), { [rp]: { VCPU: 1 } }), { status: 409, message: 'exceed the capacity' });
  });

  it('a custom resource class can be inventoried once created', () => {
    const cloud = bare(8105);
    const p = cloud.systemAdmin.placement;
    const rp = p.createResourceProvider({ name: 'fpga-host' });
    refused(cloud, () => p.setInventories(rp.uuid, { resource_provider_generation: 0, inventories: { CUSTOM_FPGA_XILINX: { total: 2 } } }), { status: 400, field: 'body.inventories.CUSTOM_FPGA_XILINX' });
    p.createResourceClass('CUSTOM_FPGA_XILINX');
    p.setInventories(rp.uuid, { resource_provider_generation: 0, inventories: { CUSTOM_FPGA_XILINX: { total: 2 } } });
    expect(p.getInventories(rp.uuid).inventories.CUSTOM_FPGA_XILINX?.total).toBe(2);
  });
});

describe('min_unit > max_unit (issue 10 #18)', () => {
  // Placement's schema checks each limit on its own (placement/schemas/inventory.py, minimum 1);
  // nothing compares them, so such an inventory is stored and every claim on it is a 409
  // "violate inventory constraints" (objects/allocation.py _check_capacity_exceeded).
  it('is stored as Placement stores it, by each of PUT all, POST and PUT one; every claim on it is then 409 naming the class', () => {
    const cloud = bare(8112);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8, min_unit: 5, max_unit: 4 } });
    expect(p.getInventory(rp, 'VCPU')).toMatchObject({ min_unit: 5, max_unit: 4 });
    expect(p.createInventory(rp, { resource_class: 'MEMORY_MB', total: 1024, min_unit: 512, max_unit: 256 })).toMatchObject({ min_unit: 512, max_unit: 256 });
    expect(p.setInventory(rp, 'MEMORY_MB', { resource_provider_generation: generation(p, rp), total: 1024, min_unit: 300, max_unit: 200 })).toMatchObject({ min_unit: 300, max_unit: 200 });
    for (const amount of [3, 4, 5, 6]) {
      refused(cloud, () => p.putAllocations(uuid('c', amount), { allocations: { [rp]: { resources: { VCPU: amount } } }, project_id: 'p', user_id: 'u', consumer_generation: null }), {
        status: 409,
        code: 'placement.undefined_code',
        message: `Unable to allocate inventory: Unable to create allocation for 'VCPU' on resource provider '${rp}'. The requested amount would violate inventory constraints.`,
      });
    }
    // Placement offers no candidate for it either
    expect(p.getAllocationCandidates({ resources: { VCPU: 4 } }).allocation_requests).toEqual([]);
  });
});

describe('validation (400 naming the field, nothing changes)', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['reserved > total', { VCPU: { total: 4, reserved: 5 } }, 'body.inventories.VCPU.reserved'],
    ['unknown resource class', { CUSTOM_NOPE: { total: 4 } }, 'body.inventories.CUSTOM_NOPE'],
    ['lower-case class', { vcpu: { total: 4 } }, 'body.inventories.vcpu'],
    ['total 0', { VCPU: { total: 0 } }, 'body.inventories.VCPU.total'],
    ['total negative', { VCPU: { total: -1 } }, 'body.inventories.VCPU.total'],
    ['total above MAX_INT', { VCPU: { total: MAX_INT + 1 } }, 'body.inventories.VCPU.total'],
    ['total missing', { VCPU: { reserved: 0 } }, 'body.inventories.VCPU.total'],
    ['total not an integer', { VCPU: { total: 1.5 } }, 'body.inventories.VCPU.total'],
    ['total a string', { VCPU: { total: '8' } }, 'body.inventories.VCPU.total'],
    ['reserved negative', { VCPU: { total: 8, reserved: -1 } }, 'body.inventories.VCPU.reserved'],
    ['min_unit 0', { VCPU: { total: 8, min_unit: 0 } }, 'body.inventories.VCPU.min_unit'],
    ['max_unit 0', { VCPU: { total: 8, max_unit: 0 } }, 'body.inventories.VCPU.max_unit'],
    ['step_size 0', { VCPU: { total: 8, step_size: 0 } }, 'body.inventories.VCPU.step_size'],
    ['allocation_ratio a string', { VCPU: { total: 8, allocation_ratio: '16' } }, 'body.inventories.VCPU.allocation_ratio'],
    ['allocation_ratio NaN', { VCPU: { total: 8, allocation_ratio: Number.NaN } }, 'body.inventories.VCPU.allocation_ratio'],
    ['unknown field', { VCPU: { total: 8, overcommit: 2 } }, 'body.inventories.VCPU.overcommit'],
    ['inventory not an object', { VCPU: 8 }, 'body.inventories.VCPU'],
  ];
  for (const [name, inventories, field] of cases) {
    it(name, () => {
      const cloud = bare(8110);
      const p = cloud.systemAdmin.placement;
      const rp = provider(p, 'rp', { VCPU: { total: 2 } });
      refused(cloud, () => p.setInventories(rp, { resource_provider_generation: 1, inventories: inventories as never }), { status: 400, field });
      expect(p.getInventories(rp)).toEqual({ resource_provider_generation: 1, inventories: { VCPU: { total: 2, reserved: 0, min_unit: 1, max_unit: MAX_INT, step_size: 1, allocation_ratio: 1 } } });
    });
  }

  it('one bad class refuses the whole body: the good classes are not written either', () => {
    const cloud = bare(8111);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 2 } });
    refused(cloud, () => p.setInventories(rp, { resource_provider_generation: 1, inventories: { VCPU: { total: 64 }, MEMORY_MB: { total: 1024, reserved: 2048 } } }), { status: 400, field: 'body.inventories.MEMORY_MB.reserved' });
    expect(p.getInventories(rp).inventories.VCPU?.total).toBe(2);
  });

  it('the body needs resource_provider_generation and inventories, and nothing else', () => {
    const cloud = bare(8112);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 2 } });
    refused(cloud, () => p.setInventories(rp, { inventories: { VCPU: { total: 4 } } } as never), { status: 400, field: 'body.resource_provider_generation' });
    refused(cloud, () => p.setInventories(rp, { resource_provider_generation: 1 } as never), { status: 400, field: 'body.inventories' });
    refused(cloud, () => p.setInventories(rp, { resource_provider_generation: 1, inventories: {}, force: true } as never), { status: 400, field: 'body.force' });
    refused(cloud, () => p.setInventories(rp, { resource_provider_generation: '1', inventories: {} } as never), { status: 400, field: 'body.resource_provider_generation' });
  });
});

describe('inventories and usage', () => {
  it('shrinking an inventory below what is allocated is allowed: usage stays, capacity drops, new claims are refused', () => {
    const cloud = bare(8120);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 }, MEMORY_MB: { total: 4096 } });
    claim(p, uuid('c', 1), { [rp]: { VCPU: 6, MEMORY_MB: 2048 } });
    setInventories(p, rp, { VCPU: { total: 4 }, MEMORY_MB: { total: 4096 } });
    expect(p.capacityOf(rp, 'VCPU')).toEqual({ capacity: 4, used: 6 });
    expect(p.getProviderUsages(rp).usages).toEqual({ VCPU: 6, MEMORY_MB: 2048 });
    refused(cloud, () => claim(p, uuid('c', 2), { [rp]: { VCPU: 1 } }), { status: 409, code: 'placement.undefined_code', message: 'exceed the capacity' });
    // as in Placement, even the holder cannot re-claim an amount that still does not fit
    refused(cloud, () => claim(p, uuid('c', 1), { [rp]: { VCPU: 5, MEMORY_MB: 2048 } }), { status: 409, message: 'exceed the capacity' });
    // but shrinking its claim to what fits is fine, and classes with room are still claimable
    claim(p, uuid('c', 1), { [rp]: { VCPU: 4, MEMORY_MB: 2048 } });
    claim(p, uuid('c', 2), { [rp]: { MEMORY_MB: 2048 } });
    expect(p.capacityOf(rp, 'VCPU')).toEqual({ capacity: 4, used: 4 });
  });

  it('a lower allocation_ratio or a higher reserved on an allocated class is allowed too', () => {
    const cloud = bare(8121);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8, allocation_ratio: 4 } });
    claim(p, uuid('c', 1), { [rp]: { VCPU: 30 } });
    setInventories(p, rp, { VCPU: { total: 8, reserved: 2, allocation_ratio: 1 } });
    expect(p.capacityOf(rp, 'VCPU')).toEqual({ capacity: 6, used: 30 });
  });

  it('removing an allocated class with PUT is 409 placement.inventory.inuse and changes nothing', () => {
    const cloud = bare(8122);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 }, DISK_GB: { total: 100 } });
    claim(p, uuid('c', 1), { [rp]: { DISK_GB: 10 } });
    const g = generation(p, rp);
    refused(cloud, () => p.setInventories(rp, { resource_provider_generation: g, inventories: { VCPU: { total: 8 } } }), { status: 409, code: 'placement.inventory.inuse', message: 'DISK_GB' });
    // the class that is not allocated can go
    p.setInventories(rp, { resource_provider_generation: g, inventories: { DISK_GB: { total: 100 } } });
    expect(Object.keys(p.getInventories(rp).inventories)).toEqual(['DISK_GB']);
  });

  it('DELETE of an allocated class is 409 placement.inventory.inuse; once freed it is deleted', () => {
    // NOTE: Placement 8.0.0's DELETE /inventories/{rc} answers this 409 with code
    // placement.concurrent_update (handlers/inventory.py delete_inventory); stacksim uses
    // placement.inventory.inuse for both paths, as the PUT path and errors.py's docstring do.
    const cloud = bare(8123);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 }, DISK_GB: { total: 100 } });
    claim(p, uuid('c', 1), { [rp]: { DISK_GB: 10 } });
    refused(cloud, () => p.deleteInventory(rp, 'DISK_GB'), { status: 409, code: 'placement.inventory.inuse', message: 'DISK_GB' });
    p.deleteAllocations(uuid('c', 1));
    p.deleteInventory(rp, 'DISK_GB');
    expect(Object.keys(p.getInventories(rp).inventories)).toEqual(['VCPU']);
  });

  it('DELETE of a class the provider has no inventory of is 404', () => {
    const cloud = bare(8124);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    refused(cloud, () => p.deleteInventory(rp, 'DISK_GB'), { status: 404, message: 'DISK_GB' });
    refused(cloud, () => p.deleteInventory(rp, 'CUSTOM_NOPE'), { status: 404 });
  });

  it('usages list every inventoried class, 0 when nothing is allocated', () => {
    const cloud = bare(8125);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 }, MEMORY_MB: { total: 4096 }, DISK_GB: { total: 10 } });
    expect(p.getProviderUsages(rp).usages).toEqual({ VCPU: 0, MEMORY_MB: 0, DISK_GB: 0 });
    claim(p, uuid('c', 1), { [rp]: { MEMORY_MB: 512 } });
    expect(used(p, rp, 'MEMORY_MB')).toBe(512);
    expect(p.getProviderUsages(rp).usages).toEqual({ VCPU: 0, MEMORY_MB: 512, DISK_GB: 0 });
  });
});

describe('one inventory: /resource_providers/{uuid}/inventories/{rc} and POST /inventories', () => {
  it('GET shows one class with the provider generation; a class the provider lacks is 404', () => {
    const cloud = bare(8131);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8, reserved: 1 } });
    expect(p.getInventory(rp, 'VCPU')).toEqual({ total: 8, reserved: 1, min_unit: 1, max_unit: MAX_INT, step_size: 1, allocation_ratio: 1.0, resource_provider_generation: generation(p, rp) });
    refused(cloud, () => p.getInventory(rp, 'DISK_GB'), { status: 404, message: 'DISK_GB' });
  });

  it('PUT replaces that class only (unset fields take the defaults again), bumps the generation, and needs the current one', () => {
    const cloud = bare(8132);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8, reserved: 2 }, MEMORY_MB: { total: 4096 } });
    const g = generation(p, rp);
    const answer = p.setInventory(rp, 'VCPU', { resource_provider_generation: g, total: 16, allocation_ratio: 4 });
    expect(answer).toEqual({ total: 16, reserved: 0, min_unit: 1, max_unit: MAX_INT, step_size: 1, allocation_ratio: 4, resource_provider_generation: g + 1 });
    expect(p.getInventories(rp).inventories.MEMORY_MB?.total).toBe(4096);
    refused(cloud, () => p.setInventory(rp, 'VCPU', { resource_provider_generation: g, total: 4 }), { status: 409, code: 'placement.concurrent_update' });
  });

  it('PUT of a class the provider has no inventory of is 400 (Placement creates only with POST or PUT of the whole set)', () => {
    const cloud = bare(8133);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    refused(cloud, () => p.setInventory(rp, 'DISK_GB', { resource_provider_generation: generation(p, rp), total: 10 }), { status: 400, field: 'resource_class', message: 'DISK_GB' });
  });

  it('PUT may shrink an allocated class below its usage, as the whole-set PUT may', () => {
    const cloud = bare(8134);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    claim(p, uuid('c', 1), { [rp]: { VCPU: 6 } });
    p.setInventory(rp, 'VCPU', { resource_provider_generation: generation(p, rp), total: 4 });
    expect(used(p, rp, 'VCPU')).toBe(6);
    expect(p.capacityOf(rp, 'VCPU')).toEqual({ capacity: 4, used: 6 });
  });

  it('POST adds one class with the defaults; the same class again is 409, an unknown class 400', () => {
    const cloud = bare(8135);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    const g = generation(p, rp);
    const answer = p.createInventory(rp, { resource_class: 'DISK_GB', total: 100 });
    expect(answer).toEqual({ total: 100, reserved: 0, min_unit: 1, max_unit: MAX_INT, step_size: 1, allocation_ratio: 1.0, resource_provider_generation: g + 1 });
    expect(Object.keys(p.getInventories(rp).inventories).sort()).toEqual(['DISK_GB', 'VCPU']);
    refused(cloud, () => p.createInventory(rp, { resource_class: 'DISK_GB', total: 5 }), { status: 409, code: 'placement.concurrent_update', message: 'DISK_GB' });
    refused(cloud, () => p.createInventory(rp, { resource_class: 'CUSTOM_NOPE', total: 5 }), { status: 400, field: 'body.resource_class', message: 'CUSTOM_NOPE' });
  });

  it('DELETE of all inventories empties the provider; 409 placement.inventory.inuse while anything is allocated', () => {
    const cloud = bare(8136);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 }, DISK_GB: { total: 100 } });
    claim(p, uuid('c', 1), { [rp]: { DISK_GB: 10 } });
    refused(cloud, () => p.deleteInventories(rp), { status: 409, code: 'placement.inventory.inuse', message: 'DISK_GB' });
    p.deleteAllocations(uuid('c', 1));
    const g = generation(p, rp);
    p.deleteInventories(rp);
    expect(p.getInventories(rp)).toEqual({ resource_provider_generation: g + 1, inventories: {} });
  });
});
