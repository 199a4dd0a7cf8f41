/**
 * Placement's vocabulary: traits (os-traits 2.9.0 plus `CUSTOM_*`), resource classes
 * (os-resource-classes 1.1.0 plus `CUSTOM_*`), and what a provider carries of them: its traits
 * and its aggregates.
 */
import { describe, it, expect } from 'vitest';
import { bare, generation, provider, refused, uuid } from './helpers.js';

describe('traits', () => {
  it('the standard traits of os-traits 2.9.0 (345) are there from the start, sorted', () => {
    const p = bare(8201).systemAdmin.placement;
    const traits = p.listTraits();
    expect(traits).toHaveLength(345);
    expect(traits).toEqual([...traits].sort());
    for (const t of ['COMPUTE_NODE', 'HW_CPU_X86_AVX2', 'HW_CPU_X86_AESNI', 'COMPUTE_STATUS_DISABLED', 'STORAGE_DISK_SSD']) expect(traits).toContain(t);
    expect(traits.filter((t) => t.startsWith('CUSTOM_'))).toEqual([]);
    expect(p.listTraits({ startswith: 'HW_CPU_X86_AVX512' }).every((t) => t.startsWith('HW_CPU_X86_AVX512'))).toBe(true);
    expect(p.listTraits({ startswith: 'HW_CPU_X86_AVX512' }).length).toBeGreaterThan(5);
  });

  it('a CUSTOM_ trait is created once; creating it again is accepted and changes nothing visible', () => {
    const p = bare(8202).systemAdmin.placement;
    p.createTrait('CUSTOM_GOLD');
    p.createTrait('CUSTOM_GOLD');
    p.createTrait('CUSTOM_RACK_7');
    expect(p.listTraits({ startswith: 'CUSTOM_' })).toEqual(['CUSTOM_GOLD', 'CUSTOM_RACK_7']);
    expect(p.listTraits()).toHaveLength(347);
  });

  for (const bad of ['CUSTOM_gold', 'GOLD', 'CUSTOM_', 'CUSTOM_A-B', 'CUSTOM_A B', 'custom_gold', `CUSTOM_${'X'.repeat(249)}`]) {
    it(`'${bad.length > 40 ? `${bad.slice(0, 12)}… (${bad.length} chars)` : bad}' is not a valid custom trait: 400 naming 'name', nothing changes`, () => {
      const cloud = bare(8203);
      const p = cloud.systemAdmin.placement;
      refused(cloud, () => p.createTrait(bad), { status: 400, field: 'name' });
      expect(p.listTraits({ startswith: 'CUSTOM_' })).toEqual([]);
    });
  }

  it('a 255-character custom trait is fine', () => {
    const p = bare(8204).systemAdmin.placement;
    const name = `CUSTOM_${'X'.repeat(248)}`;
    expect(name).toHaveLength(255);
    p.createTrait(name);
    expect(p.listTraits({ startswith: 'CUSTOM_' })).toEqual([name]);
  });

  // Fixed (was a bug found by this suite): PUT /traits/{name} validates the name against CUSTOM_TRAIT's pattern before anything
  // else (handlers/trait.py put_trait), so a standard trait's name is a 400 ("The trait is invalid…
  // start with the prefix CUSTOM_"; verified against Debian's placement 8.0.0: PUT
  // /traits/HW_CPU_X86_AVX2 → 400). store.createTrait returns early for standard names and the
  // call succeeds.
  it('creating a standard trait is refused with 400 like any name without CUSTOM_', () => {
    const cloud = bare(8205);
    const p = cloud.systemAdmin.placement;
    refused(cloud, () => p.createTrait('HW_CPU_X86_AVX2'), { status: 400, field: 'name' });
  });

  it('a provider\'s traits are replaced as a set: de-duplicated, sorted, standard and custom, and can be emptied', () => {
    const cloud = bare(8206);
    const p = cloud.systemAdmin.placement;
    p.createTrait('CUSTOM_GOLD');
    const rp = provider(p, 'rp');
    const answer = p.setProviderTraits(rp, { resource_provider_generation: 0, traits: ['HW_CPU_X86_SSE', 'CUSTOM_GOLD', 'COMPUTE_NODE', 'CUSTOM_GOLD'] });
    expect(answer).toEqual({ resource_provider_generation: 1, traits: ['COMPUTE_NODE', 'CUSTOM_GOLD', 'HW_CPU_X86_SSE'] });
    expect(p.getProviderTraits(rp)).toEqual(answer);
    p.setProviderTraits(rp, { resource_provider_generation: 1, traits: ['HW_CPU_X86_AVX2'] });
    expect(p.getProviderTraits(rp).traits).toEqual(['HW_CPU_X86_AVX2']);
    p.setProviderTraits(rp, { resource_provider_generation: 2, traits: [] });
    expect(p.getProviderTraits(rp)).toEqual({ resource_provider_generation: 3, traits: [] });
  });

  it('a trait that does not exist is 400 naming it, and none of the list is set', () => {
    const cloud = bare(8207);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp');
    refused(cloud, () => p.setProviderTraits(rp, { resource_provider_generation: 0, traits: ['COMPUTE_NODE', 'CUSTOM_NOPE'] }), { status: 400, field: 'traits[1]', message: 'CUSTOM_NOPE' });
    refused(cloud, () => p.setProviderTraits(rp, { resource_provider_generation: 0, traits: ['HW_CPU_X86_AVX9'] }), { status: 400, message: 'HW_CPU_X86_AVX9' });
    expect(p.getProviderTraits(rp)).toEqual({ resource_provider_generation: 0, traits: [] });
  });
});

describe('aggregates', () => {
  it('a provider\'s aggregates are replaced as a set of UUIDs and can be emptied; each change moves the generation', () => {
    const cloud = bare(8210);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp');
    const answer = p.setProviderAggregates(rp, { resource_provider_generation: 0, aggregates: [uuid('a', 2), uuid('a', 1), uuid('a', 2)] });
    expect(answer.resource_provider_generation).toBe(1);
    expect([...answer.aggregates].sort()).toEqual([uuid('a', 1), uuid('a', 2)]);
    expect(p.getProviderAggregates(rp)).toEqual(answer);
    p.setProviderAggregates(rp, { resource_provider_generation: 1, aggregates: [] });
    expect(p.getProviderAggregates(rp)).toEqual({ resource_provider_generation: 2, aggregates: [] });
  });

  it('an aggregate that is not a UUID is 400 naming it; nothing changes', () => {
    const cloud = bare(8211);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp');
    refused(cloud, () => p.setProviderAggregates(rp, { resource_provider_generation: 0, aggregates: [uuid('a', 1), 'rack-1'] }), { status: 400, field: 'aggregates[1]' });
    refused(cloud, () => p.setProviderAggregates(rp, { resource_provider_generation: 0, aggregates: uuid('a', 1) as never }), { status: 400, field: 'aggregates' });
    expect(p.getProviderAggregates(rp).aggregates).toEqual([]);
  });

  it('two providers in one aggregate are both found by member_of', () => {
    const cloud = bare(8212);
    const p = cloud.systemAdmin.placement;
    const a = provider(p, 'a');
    const b = provider(p, 'b');
    provider(p, 'c');
    for (const rp of [a, b]) p.setProviderAggregates(rp, { resource_provider_generation: generation(p, rp), aggregates: [uuid('a', 9)] });
    expect(p.listResourceProviders({ member_of: [uuid('a', 9)] }).map((rp) => rp.name)).toEqual(['a', 'b']);
  });
});

describe('resource classes', () => {
  it('the 21 standard classes of os-resource-classes 1.1.0 come first, in their order', () => {
    const p = bare(8220).systemAdmin.placement;
    const classes = p.listResourceClasses();
    expect(classes).toHaveLength(21);
    expect(classes.slice(0, 3)).toEqual(['VCPU', 'MEMORY_MB', 'DISK_GB']);
    for (const rc of ['PCPU', 'VGPU', 'SRIOV_NET_VF', 'NET_BW_EGR_KILOBIT_PER_SEC', 'MEM_ENCRYPTION_CONTEXT']) expect(classes).toContain(rc);
  });

  it('a CUSTOM_ class is created and listed; a second create is 409 and changes nothing', () => {
    const cloud = bare(8221);
    const p = cloud.systemAdmin.placement;
    p.createResourceClass('CUSTOM_BAREMETAL_GOLD');
    expect(p.listResourceClasses()).toContain('CUSTOM_BAREMETAL_GOLD');
    expect(p.listResourceClasses()).toHaveLength(22);
    refused(cloud, () => p.createResourceClass('CUSTOM_BAREMETAL_GOLD'), { status: 409, message: 'CUSTOM_BAREMETAL_GOLD' });
  });

  // Fixed (was a bug found by this suite): Placement's 409 for an existing resource class carries no error code
  // (handlers/resource_class.py create_resource_class raises HTTPConflict without comment=, so the
  // code is placement.undefined_code; verified against Debian's placement 8.0.0); stacksim uses
  // placement.duplicate_name, which Placement reserves for provider names/uuids.
  it('an existing resource class is 409 with Placement\'s code placement.undefined_code', () => {
    const cloud = bare(8222);
    const p = cloud.systemAdmin.placement;
    p.createResourceClass('CUSTOM_X');
    refused(cloud, () => p.createResourceClass('CUSTOM_X'), { status: 409, code: 'placement.undefined_code' });
  });

  for (const bad of ['VCPU', 'MY_CLASS', 'CUSTOM_lower', 'CUSTOM_', 'CUSTOM_A-B']) {
    it(`'${bad}' is not a valid custom class: 400 naming 'name', nothing changes`, () => {
      const cloud = bare(8223);
      const p = cloud.systemAdmin.placement;
      refused(cloud, () => p.createResourceClass(bad), { status: 400, field: 'name' });
      expect(p.listResourceClasses()).toHaveLength(21);
    });
  }
});

describe('showing and deleting vocabulary', () => {
  it('createTrait says whether it created (201) or found (204) the trait; getTrait finds standard and custom traits, 404 otherwise', () => {
    const cloud = bare(8231);
    const p = cloud.systemAdmin.placement;
    expect(p.createTrait('CUSTOM_GOLD')).toBe(true);
    expect(p.createTrait('CUSTOM_GOLD')).toBe(false);
    expect(() => p.getTrait('CUSTOM_GOLD')).not.toThrow();
    expect(() => p.getTrait('COMPUTE_NODE')).not.toThrow();
    refused(cloud, () => p.getTrait('CUSTOM_SILVER'), { status: 404, message: 'CUSTOM_SILVER' });
  });

  it('DELETE /traits/{name}: a free custom trait goes; a standard one is 400, one a provider holds 409, an unknown one 404', () => {
    const cloud = bare(8232);
    const p = cloud.systemAdmin.placement;
    p.createTrait('CUSTOM_GOLD');
    p.createTrait('CUSTOM_FREE');
    const rp = provider(p, 'rp');
    p.setProviderTraits(rp, { resource_provider_generation: generation(p, rp), traits: ['CUSTOM_GOLD'] });
    refused(cloud, () => p.deleteTrait('COMPUTE_NODE'), { status: 400, field: 'name', message: 'standard trait COMPUTE_NODE' });
    refused(cloud, () => p.deleteTrait('CUSTOM_GOLD'), { status: 409, message: 'CUSTOM_GOLD is in use' });
    refused(cloud, () => p.deleteTrait('CUSTOM_NONE'), { status: 404, message: 'CUSTOM_NONE' });
    p.deleteTrait('CUSTOM_FREE');
    expect(p.listTraits({ startswith: 'CUSTOM_' })).toEqual(['CUSTOM_GOLD']);
    p.deleteProviderTraits(rp);
    p.deleteTrait('CUSTOM_GOLD');
    expect(p.listTraits({ startswith: 'CUSTOM_' })).toEqual([]);
  });

  it('DELETE /resource_providers/{uuid}/traits empties the provider\'s traits and bumps its generation', () => {
    const cloud = bare(8233);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp');
    p.setProviderTraits(rp, { resource_provider_generation: generation(p, rp), traits: ['COMPUTE_NODE', 'HW_CPU_X86_AVX2'] });
    const g = generation(p, rp);
    p.deleteProviderTraits(rp);
    expect(p.getProviderTraits(rp)).toEqual({ resource_provider_generation: g + 1, traits: [] });
  });

  it('resource classes: GET shows one, PUT (1.7) creates a missing custom class or finds it, DELETE refuses standard (400) and inventoried (409) classes', () => {
    const cloud = bare(8234);
    const p = cloud.systemAdmin.placement;
    expect(p.getResourceClass('VCPU')).toEqual({ name: 'VCPU' });
    refused(cloud, () => p.getResourceClass('CUSTOM_FPGA'), { status: 404, message: 'CUSTOM_FPGA' });
    expect(p.ensureResourceClass('CUSTOM_FPGA')).toBe(true);
    expect(p.ensureResourceClass('CUSTOM_FPGA')).toBe(false);
    refused(cloud, () => p.ensureResourceClass('VCPU'), { status: 400, field: 'name' });
    expect(p.getResourceClass('CUSTOM_FPGA')).toEqual({ name: 'CUSTOM_FPGA' });
    const rp = provider(p, 'rp', { CUSTOM_FPGA: { total: 2 } });
    refused(cloud, () => p.deleteResourceClass('CUSTOM_FPGA'), { status: 409, message: 'in use in inventory' });
    refused(cloud, () => p.deleteResourceClass('VCPU'), { status: 400, field: 'name', message: 'standard resource class VCPU' });
    refused(cloud, () => p.deleteResourceClass('CUSTOM_NONE'), { status: 404, message: 'CUSTOM_NONE' });
    p.deleteInventories(rp);
    p.deleteResourceClass('CUSTOM_FPGA');
    expect(p.listResourceClasses()).not.toContain('CUSTOM_FPGA');
  });
});
