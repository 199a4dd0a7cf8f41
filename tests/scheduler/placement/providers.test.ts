/**
 * Resource providers (`/resource_providers`): creation, unique names, generations that move on
 * every change and guard every write (`placement.concurrent_update`), deletion refused while a
 * provider holds allocations or children, provider trees, and the list filters.
 */
import { describe, it, expect } from 'vitest';
import { bare, claim, devstack, generation, provider, refused, uuid } from './helpers.js';

describe('DevStack reports one resource provider per compute host', () => {
  it('uuid = host id, name = hostname, roots of their own trees, listed in creation order', () => {
    const cloud = devstack(8001);
    const p = cloud.systemAdmin.placement;
    const hosts = cloud.hardware.listHosts();
    const rps = p.listResourceProviders();
    expect(rps.map((rp) => rp.name)).toEqual(['controller', 'compute1', 'compute2']);
    for (const rp of rps) {
      const host = hosts.find((h) => h.name === rp.name);
      expect(rp.uuid).toBe(host?.id);
      expect(rp.parent_provider_uuid).toBeNull();
      expect(rp.root_provider_uuid).toBe(rp.uuid);
      // nova's create, PUT inventories, PUT traits: three writes, generation 2
      expect(rp.generation).toBe(2);
    }
  });
});

describe('creating and reading providers', () => {
  it('a new provider has generation 0, no parent, is its own root; it is found by uuid and by name', () => {
    const cloud = bare(8002);
    const p = cloud.systemAdmin.placement;
    const rp = p.createResourceProvider({ name: 'rack1-gpu' });
    expect(rp).toMatchObject({ name: 'rack1-gpu', generation: 0, parent_provider_uuid: null, root_provider_uuid: rp.uuid });
    expect(rp.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(p.getResourceProvider(rp.uuid)).toEqual(rp);
    expect(p.getResourceProvider('rack1-gpu')).toEqual(rp);
    expect(p.listResourceProviders()).toEqual([rp]);
  });

  it('a given uuid is kept (lower-cased)', () => {
    const cloud = bare(8003);
    const p = cloud.systemAdmin.placement;
    const rp = p.createResourceProvider({ name: 'x', uuid: 'ABCDEF00-0000-4000-8000-000000000001' });
    expect(rp.uuid).toBe('abcdef00-0000-4000-8000-000000000001');
    expect(p.getResourceProvider('abcdef00-0000-4000-8000-000000000001').name).toBe('x');
  });

  it('an unknown provider is 404 placement.resource_provider.not_found', () => {
    const cloud = bare(8004);
    const p = cloud.systemAdmin.placement;
    refused(cloud, () => p.getResourceProvider(uuid('b', 1)), { status: 404, code: 'placement.resource_provider.not_found', message: uuid('b', 1) });
    refused(cloud, () => p.deleteResourceProvider('nobody'), { status: 404, code: 'placement.resource_provider.not_found' });
  });

  it('names are unique: a second provider with a taken name is 409 placement.duplicate_name, nothing changes', () => {
    const cloud = bare(8005);
    const p = cloud.systemAdmin.placement;
    p.createResourceProvider({ name: 'a' });
    refused(cloud, () => p.createResourceProvider({ name: 'a' }), { status: 409, code: 'placement.duplicate_name', message: 'a already exists' });
    expect(p.listResourceProviders()).toHaveLength(1);
  });

  it('a second provider with a taken uuid is refused with 409, nothing changes', () => {
    const cloud = bare(8006);
    const p = cloud.systemAdmin.placement;
    p.createResourceProvider({ name: 'a', uuid: uuid('b', 1) });
    refused(cloud, () => p.createResourceProvider({ name: 'b', uuid: uuid('b', 1) }), { status: 409, message: uuid('b', 1) });
  });

  // Fixed (was a bug found by this suite): Placement answers a duplicate uuid with code placement.duplicate_name
  // (handlers/resource_provider.py create_resource_provider: comment=errors.DUPLICATE_NAME for both
  // the uuid and the name constraint; checked against Debian's placement 8.0.0: 409
  // "Conflicting resource provider uuid: … already exists.", code placement.duplicate_name);
  // store.createProvider uses placement.undefined_code.
  it('a duplicate uuid carries Placement\'s code placement.duplicate_name', () => {
    const cloud = bare(8007);
    const p = cloud.systemAdmin.placement;
    p.createResourceProvider({ name: 'a', uuid: uuid('b', 1) });
    refused(cloud, () => p.createResourceProvider({ name: 'b', uuid: uuid('b', 1) }), { status: 409, code: 'placement.duplicate_name' });
  });
});

describe('renaming', () => {
  it('a provider can be renamed; its old name is free again and the new one resolves', () => {
    const cloud = bare(8010);
    const p = cloud.systemAdmin.placement;
    const rp = p.createResourceProvider({ name: 'old' });
    const renamed = p.updateResourceProvider(rp.uuid, { name: 'new' });
    expect(renamed).toMatchObject({ uuid: rp.uuid, name: 'new' });
    expect(p.getResourceProvider('new').uuid).toBe(rp.uuid);
    refused(cloud, () => p.getResourceProvider('old'), { status: 404 });
    expect(p.createResourceProvider({ name: 'old' }).uuid).not.toBe(rp.uuid);
  });

  it('renaming to a taken name is 409 placement.duplicate_name, nothing changes', () => {
    const cloud = bare(8011);
    const p = cloud.systemAdmin.placement;
    p.createResourceProvider({ name: 'a' });
    const b = p.createResourceProvider({ name: 'b' });
    refused(cloud, () => p.updateResourceProvider(b.uuid, { name: 'a' }), { status: 409, code: 'placement.duplicate_name' });
  });

  it('changing or removing the parent of a child (re-parenting, microversion 1.37) is refused with 400, as documented', () => {
    const cloud = bare(8012);
    const p = cloud.systemAdmin.placement;
    const a = p.createResourceProvider({ name: 'a' });
    const b = p.createResourceProvider({ name: 'b' });
    const child = p.createResourceProvider({ name: 'child', parent_provider_uuid: a.uuid });
    const reparent = refused(cloud, () => p.updateResourceProvider(child.uuid, { name: 'child', parent_provider_uuid: b.uuid }), { status: 400, message: 'parent' });
    const unparent = refused(cloud, () => p.updateResourceProvider(child.uuid, { name: 'child', parent_provider_uuid: null }), { status: 400, message: 'parent' });
    for (const e of [reparent, unparent]) expect(e.details.field).toBe('resource_provider.parent_provider_uuid');
    expect(p.getResourceProvider(child.uuid).parent_provider_uuid).toBe(a.uuid);
    // naming the parent it already has is fine
    expect(p.updateResourceProvider(child.uuid, { name: 'kid', parent_provider_uuid: a.uuid }).parent_provider_uuid).toBe(a.uuid);
  });

  // Fixed (was a bug found by this suite): setting a parent on a provider that has none is allowed since microversion 1.14
  // (objects/resource_provider.py _update_in_db only refuses *changing* an existing parent before
  // 1.37; verified against Debian's placement 8.0.0: PUT {name, parent_provider_uuid} on a root → 200)
  // and store.updateProvider's own TSDoc says "the parent may only be set, not changed", but it
  // refuses any parent_provider_uuid that differs from the current one, null included.
  it('a root provider can be given a parent (1.14); its root becomes the parent\'s root', () => {
    const cloud = bare(8013);
    const p = cloud.systemAdmin.placement;
    const a = p.createResourceProvider({ name: 'a' });
    const b = p.createResourceProvider({ name: 'b' });
    const moved = p.updateResourceProvider(b.uuid, { name: 'b', parent_provider_uuid: a.uuid });
    expect(moved).toMatchObject({ parent_provider_uuid: a.uuid, root_provider_uuid: a.uuid });
  });
});

describe('generations', () => {
  it('every change to a provider moves its generation on by one, and the answers report the new one', () => {
    const cloud = bare(8020);
    const p = cloud.systemAdmin.placement;
    const rp = p.createResourceProvider({ name: 'rp' });
    expect(rp.generation).toBe(0);
    const inv = p.setInventories(rp.uuid, { resource_provider_generation: 0, inventories: { VCPU: { total: 8 }, DISK_GB: { total: 100 } } });
    expect(inv.resource_provider_generation).toBe(1);
    p.createTrait('CUSTOM_FAST');
    expect(p.setProviderTraits(rp.uuid, { resource_provider_generation: 1, traits: ['CUSTOM_FAST'] }).resource_provider_generation).toBe(2);
    expect(p.setProviderAggregates(rp.uuid, { resource_provider_generation: 2, aggregates: [uuid('a', 1)] }).resource_provider_generation).toBe(3);
    claim(p, uuid('c', 1), { [rp.uuid]: { VCPU: 2 } });
    expect(generation(p, rp.uuid)).toBe(4);
    expect(p.getAllocations(uuid('c', 1)).allocations[rp.uuid]?.generation).toBe(4);
    p.deleteInventory(rp.uuid, 'DISK_GB', 4);
    expect(generation(p, rp.uuid)).toBe(5);
    expect(p.getInventories(rp.uuid).resource_provider_generation).toBe(5);
    expect(p.getProviderUsages(rp.uuid).resource_provider_generation).toBe(5);
    expect(p.getProviderTraits(rp.uuid).resource_provider_generation).toBe(5);
    expect(p.getProviderAggregates(rp.uuid).resource_provider_generation).toBe(5);
    expect(p.getProviderAllocations(rp.uuid).resource_provider_generation).toBe(5);
  });

  it('a write at a stale generation is 409 placement.concurrent_update and changes nothing', () => {
    const cloud = bare(8021);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 }, DISK_GB: { total: 10 } });
    const g = generation(p, rp);
    expect(g).toBe(1);
    const stale = { status: 409, code: 'placement.concurrent_update' } as const;
    refused(cloud, () => p.setInventories(rp, { resource_provider_generation: g - 1, inventories: { VCPU: { total: 4 } } }), stale);
    refused(cloud, () => p.setInventories(rp, { resource_provider_generation: g + 1, inventories: { VCPU: { total: 4 } } }), stale);
    refused(cloud, () => p.setProviderTraits(rp, { resource_provider_generation: g - 1, traits: ['COMPUTE_NODE'] }), stale);
    refused(cloud, () => p.setProviderAggregates(rp, { resource_provider_generation: g - 1, aggregates: [uuid('a', 1)] }), stale);
    refused(cloud, () => p.deleteInventory(rp, 'DISK_GB', g - 1), stale);
    // the same calls at the current generation go through
    p.setProviderTraits(rp, { resource_provider_generation: g, traits: ['COMPUTE_NODE'] });
    expect(p.getProviderTraits(rp).traits).toEqual(['COMPUTE_NODE']);
  });

  it('two clients that read the same generation: the first write wins, the second gets 409', () => {
    const cloud = bare(8022);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    const seen = p.getInventories(rp).resource_provider_generation;
    p.setInventories(rp, { resource_provider_generation: seen, inventories: { VCPU: { total: 16 } } });
    refused(cloud, () => p.setInventories(rp, { resource_provider_generation: seen, inventories: { VCPU: { total: 4 } } }), { status: 409, code: 'placement.concurrent_update' });
    expect(p.getInventories(rp).inventories.VCPU?.total).toBe(16);
  });
});

describe('deleting providers', () => {
  it('a provider with allocations is 409 placement.resource_provider.inuse; once freed it can be deleted and its name reused', () => {
    const cloud = bare(8030);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    claim(p, uuid('c', 1), { [rp]: { VCPU: 1 } });
    refused(cloud, () => p.deleteResourceProvider(rp), { status: 409, code: 'placement.resource_provider.inuse', message: rp });
    p.deleteAllocations(uuid('c', 1));
    p.deleteResourceProvider(rp);
    refused(cloud, () => p.getResourceProvider(rp), { status: 404, code: 'placement.resource_provider.not_found' });
    expect(p.listResourceProviders()).toEqual([]);
    expect(p.createResourceProvider({ name: 'rp' }).name).toBe('rp');
  });

  it('a provider with inventories, traits and aggregates but no allocations is deleted with all of them', () => {
    const cloud = bare(8031);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 } });
    p.setProviderAggregates(rp, { resource_provider_generation: generation(p, rp), aggregates: [uuid('a', 1)] });
    p.deleteResourceProvider(rp);
    expect(p.listResourceProviders({ member_of: [uuid('a', 1)] })).toEqual([]);
    expect(p.getAllocationCandidates({ resources: { VCPU: 1 } }).allocation_requests).toEqual([]);
  });
});

describe('provider trees (parent_provider_uuid)', () => {
  it('children point at their parent and share the root; a parent with children cannot be deleted', () => {
    const cloud = bare(8040);
    const p = cloud.systemAdmin.placement;
    const root = p.createResourceProvider({ name: 'cn1' });
    const numa0 = p.createResourceProvider({ name: 'cn1_numa0', parent_provider_uuid: root.uuid });
    const pf = p.createResourceProvider({ name: 'cn1_numa0_pf0', parent_provider_uuid: numa0.uuid });
    expect(numa0).toMatchObject({ parent_provider_uuid: root.uuid, root_provider_uuid: root.uuid });
    expect(pf).toMatchObject({ parent_provider_uuid: numa0.uuid, root_provider_uuid: root.uuid });
    refused(cloud, () => p.deleteResourceProvider(root.uuid), { status: 409, code: 'placement.resource_provider.cannot_delete_parent' });
    refused(cloud, () => p.deleteResourceProvider(numa0.uuid), { status: 409, code: 'placement.resource_provider.cannot_delete_parent' });
    p.deleteResourceProvider(pf.uuid);
    p.deleteResourceProvider(numa0.uuid);
    p.deleteResourceProvider(root.uuid);
    expect(p.listResourceProviders()).toEqual([]);
  });

  it('in_tree lists the whole tree of any member, in creation order, and nothing else', () => {
    const cloud = bare(8041);
    const p = cloud.systemAdmin.placement;
    const a = p.createResourceProvider({ name: 'a' });
    const other = p.createResourceProvider({ name: 'other' });
    const a1 = p.createResourceProvider({ name: 'a1', parent_provider_uuid: a.uuid });
    const a11 = p.createResourceProvider({ name: 'a11', parent_provider_uuid: a1.uuid });
    for (const member of [a, a1, a11]) expect(p.listResourceProviders({ in_tree: member.uuid }).map((rp) => rp.name)).toEqual(['a', 'a1', 'a11']);
    expect(p.listResourceProviders({ in_tree: other.uuid }).map((rp) => rp.name)).toEqual(['other']);
    expect(p.listResourceProviders({ in_tree: uuid('b', 99) })).toEqual([]);
  });

  // Fixed (was a bug found by this suite): Placement answers a parent that does not exist with 400 ("Unable to create resource
  // provider …: parent provider UUID does not exist.", objects/resource_provider.py _create_in_db →
  // ObjectActionError → HTTPBadRequest; verified against Debian's placement 8.0.0); stacksim
  // answers 404 placement.resource_provider.not_found.
  it('a parent that does not exist is a 400 for the body, not a 404', () => {
    const cloud = bare(8042);
    const p = cloud.systemAdmin.placement;
    refused(cloud, () => p.createResourceProvider({ name: 'orphan', parent_provider_uuid: uuid('b', 7) }), { status: 400 });
  });
});

describe('listing with filters (GET /resource_providers)', () => {
  function world(seed: number) {
    const cloud = bare(seed);
    const p = cloud.systemAdmin.placement;
    p.createTrait('CUSTOM_GOLD');
    const small = provider(p, 'small', { VCPU: { total: 2 }, MEMORY_MB: { total: 1024 } });
    const big = provider(p, 'big', { VCPU: { total: 64 }, MEMORY_MB: { total: 262144 } });
    const disk = provider(p, 'disk', { DISK_GB: { total: 1000 } });
    p.setProviderTraits(big, { resource_provider_generation: generation(p, big), traits: ['CUSTOM_GOLD', 'HW_CPU_X86_AVX2'] });
    p.setProviderAggregates(small, { resource_provider_generation: generation(p, small), aggregates: [uuid('a', 1)] });
    p.setProviderAggregates(disk, { resource_provider_generation: generation(p, disk), aggregates: [uuid('a', 2)] });
    return { cloud, p, small, big, disk };
  }

  it('name, required traits (with !forbidden), member_of (in:, !) and resources narrow the list', () => {
    const { p } = world(8050);
    const names = (f: Parameters<typeof p.listResourceProviders>[0]) => p.listResourceProviders(f).map((rp) => rp.name);
    expect(names({})).toEqual(['small', 'big', 'disk']);
    expect(names({ name: 'big' })).toEqual(['big']);
    expect(names({ name: 'nobody' })).toEqual([]);
    expect(names({ required: ['CUSTOM_GOLD'] })).toEqual(['big']);
    expect(names({ required: 'CUSTOM_GOLD,HW_CPU_X86_AVX2' })).toEqual(['big']);
    expect(names({ required: ['!CUSTOM_GOLD'] })).toEqual(['small', 'disk']);
    expect(names({ member_of: [uuid('a', 1)] })).toEqual(['small']);
    expect(names({ member_of: [`in:${uuid('a', 1)},${uuid('a', 2)}`] })).toEqual(['small', 'disk']);
    expect(names({ member_of: [`!${uuid('a', 1)}`] })).toEqual(['big', 'disk']);
    expect(names({ resources: { VCPU: 4 } })).toEqual(['big']);
    expect(names({ resources: 'VCPU:1,MEMORY_MB:512' })).toEqual(['small', 'big']);
    expect(names({ resources: 'DISK_GB:1000' })).toEqual(['disk']);
    expect(names({ resources: 'DISK_GB:1001' })).toEqual([]);
  });

  it('resources counts what is already allocated', () => {
    const { p, small } = world(8051);
    claim(p, uuid('c', 1), { [small]: { VCPU: 2 } });
    expect(p.listResourceProviders({ resources: 'VCPU:1' }).map((rp) => rp.name)).toEqual(['big']);
  });
});
