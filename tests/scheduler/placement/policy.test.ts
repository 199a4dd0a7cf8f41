/**
 * Placement's Zed policy (placement/policies/*.py, every rule system-scoped but `placement:usages`)
 * as `session.placement` enforces it: a project-scoped admin and a project member are refused
 * every operation with 403 naming the rule, a system admin may do everything, a system reader
 * may read, and `placement:usages` also lets a project reader see its own project.
 */
import { describe, it, expect } from 'vitest';
import { CloudError, createCloud, type Cloud, type CloudSnapshot } from '../../../src/index.js';
import { PLACEMENT_POLICIES } from '../../../src/scheduler/index.js';
import { PW, caught, claim, devstack, generation, provider, refused, uuid, type Placement } from './helpers.js';

const C1 = uuid('c', 1);
const C2 = uuid('c', 2);

interface World {
  cloud: Cloud;
  sys: Placement;
  /** compute1's provider, holding C1's allocation. */
  rp: string;
  /** A provider with a VCPU inventory and nothing allocated. */
  spare: string;
  /** Its generation (every call starts from the same snapshot, so it is this one). */
  gen: number;
}

interface Callers {
  admin: Placement;
  demo: Placement;
  /** A system-scoped reader (`auditor`). */
  reader: Placement;
}

let built: { w: World; callers: Callers; snapshot: ReturnType<Cloud['snapshot']> } | undefined;

/** DevStack with C1's allocation, a spare provider and every caller logged in; each call starts again from the same snapshot. */
function world(): World & Callers {
  if (!built) {
    const cloud = devstack(8601);
    const sys = cloud.systemAdmin.placement;
    const rp = sys.getResourceProvider('compute1').uuid;
    claim(sys, C1, { [rp]: { VCPU: 1 } }, { project_id: 'some-project' });
    const spare = provider(sys, 'spare', { VCPU: { total: 4 } });
    sys.createTrait('CUSTOM_POLICY_DELETE');
    sys.createResourceClass('CUSTOM_POLICY_DELETE');
    cloud.systemAdmin.identity.createUser({ name: 'auditor', password: PW });
    cloud.systemAdmin.identity.createGrant({ role: 'reader', user: 'auditor', system: 'all' });
    const callers = {
      admin: cloud.admin.placement,
      demo: cloud.login({ username: 'demo', password: PW, project: 'demo' }).placement,
      reader: cloud.login({ username: 'auditor', password: PW, system: 'all' }).placement,
    };
    built = { w: { cloud, sys, rp, spare, gen: generation(sys, spare) }, callers, snapshot: cloud.snapshot() };
  }
  built.w.cloud.restore(built.snapshot);
  return { ...built.w, ...built.callers };
}

/** Every operation, the Zed rule that guards it, and whether it only reads. Arguments are valid for the system admin. */
const operations: [string, string, 'read' | 'write', (p: Placement, w: World) => unknown][] = [
  ['listResourceProviders', 'placement:resource_providers:list', 'read', (p) => p.listResourceProviders()],
  ['getResourceProvider', 'placement:resource_providers:show', 'read', (p, w) => p.getResourceProvider(w.rp)],
  ['createResourceProvider', 'placement:resource_providers:create', 'write', (p) => p.createResourceProvider({ name: 'new' })],
  ['updateResourceProvider', 'placement:resource_providers:update', 'write', (p, w) => p.updateResourceProvider(w.spare, { name: 'renamed' })],
  ['deleteResourceProvider', 'placement:resource_providers:delete', 'write', (p, w) => p.deleteResourceProvider(w.spare)],
  ['getInventories', 'placement:resource_providers:inventories:list', 'read', (p, w) => p.getInventories(w.rp)],
  ['setInventories', 'placement:resource_providers:inventories:update', 'write', (p, w) => p.setInventories(w.spare, { resource_provider_generation: w.gen, inventories: { VCPU: { total: 8 } } })],
  ['getInventory', 'placement:resource_providers:inventories:show', 'read', (p, w) => p.getInventory(w.rp, 'VCPU')],
  ['setInventory', 'placement:resource_providers:inventories:update', 'write', (p, w) => p.setInventory(w.spare, 'VCPU', { resource_provider_generation: w.gen, total: 16 })],
  ['createInventory', 'placement:resource_providers:inventories:create', 'write', (p, w) => p.createInventory(w.spare, { resource_class: 'DISK_GB', total: 10 })],
  ['deleteInventories', 'placement:resource_providers:inventories:delete', 'write', (p, w) => p.deleteInventories(w.spare)],
  ['deleteInventory', 'placement:resource_providers:inventories:delete', 'write', (p, w) => p.deleteInventory(w.spare, 'VCPU')],
  ['capacityOf', 'placement:resource_providers:inventories:show', 'read', (p, w) => p.capacityOf(w.rp, 'VCPU')],
  ['getProviderUsages', 'placement:resource_providers:usages', 'read', (p, w) => p.getProviderUsages(w.rp)],
  ['getProviderTraits', 'placement:resource_providers:traits:list', 'read', (p, w) => p.getProviderTraits(w.rp)],
  ['setProviderTraits', 'placement:resource_providers:traits:update', 'write', (p, w) => p.setProviderTraits(w.spare, { resource_provider_generation: w.gen, traits: ['COMPUTE_NODE'] })],
  ['getProviderAggregates', 'placement:resource_providers:aggregates:list', 'read', (p, w) => p.getProviderAggregates(w.rp)],
  ['setProviderAggregates', 'placement:resource_providers:aggregates:update', 'write', (p, w) => p.setProviderAggregates(w.spare, { resource_provider_generation: w.gen, aggregates: [uuid('a', 1)] })],
  ['getProviderAllocations', 'placement:resource_providers:allocations:list', 'read', (p, w) => p.getProviderAllocations(w.rp)],
  ['getTrait', 'placement:traits:show', 'read', (p) => p.getTrait('COMPUTE_NODE')],
  ['deleteTrait', 'placement:traits:delete', 'write', (p) => p.deleteTrait('CUSTOM_POLICY_DELETE')],
  ['deleteProviderTraits', 'placement:resource_providers:traits:delete', 'write', (p, w) => p.deleteProviderTraits(w.spare)],
  ['getResourceClass', 'placement:resource_classes:show', 'read', (p) => p.getResourceClass('VCPU')],
  ['ensureResourceClass', 'placement:resource_classes:update', 'write', (p) => p.ensureResourceClass('CUSTOM_POLICY_ENSURE')],
  ['deleteResourceClass', 'placement:resource_classes:delete', 'write', (p) => p.deleteResourceClass('CUSTOM_POLICY_DELETE')],
  ['listTraits', 'placement:traits:list', 'read', (p) => p.listTraits()],
  ['createTrait', 'placement:traits:update', 'write', (p) => p.createTrait('CUSTOM_EVIL')],
  ['listResourceClasses', 'placement:resource_classes:list', 'read', (p) => p.listResourceClasses()],
  ['createResourceClass', 'placement:resource_classes:create', 'write', (p) => p.createResourceClass('CUSTOM_EVIL')],
  ['getAllocations', 'placement:allocations:list', 'read', (p) => p.getAllocations(C1)],
  ['putAllocations', 'placement:allocations:update', 'write', (p, w) => p.putAllocations(C2, { allocations: { [w.rp]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u', consumer_generation: null })],
  ['postAllocations', 'placement:allocations:manage', 'write', (p, w) => p.postAllocations({ [C2]: { allocations: { [w.rp]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u', consumer_generation: null } })],
  ['deleteAllocations', 'placement:allocations:delete', 'write', (p) => p.deleteAllocations(C1)],
  ['getAllocationCandidates', 'placement:allocation_candidates:list', 'read', (p) => p.getAllocationCandidates({ resources: 'VCPU:1' })],
  ['getUsages (another project)', 'placement:usages', 'read', (p) => p.getUsages('some-project')],
  ['getUsagesByConsumerType (another project)', 'placement:usages', 'read', (p) => p.getUsagesByConsumerType('some-project')],
];

describe('project-scoped callers are refused every operation with 403 naming the rule; nothing changes', () => {
  for (const [name, rule, , op] of operations) {
    it(name, () => {
      const w = world();
      for (const p of [w.admin, w.demo]) {
        // system-scoped rules refuse a project token for its scope; placement:usages accepts the scope but not the project
        const e = refused(w.cloud, () => op(p, w), { status: 403, code: rule === 'placement:usages' ? 'core.policy.forbidden' : 'core.policy.invalid_scope' });
        expect(e.details.rule).toBe(rule);
        expect(e.message).toContain(rule);
      }
    });
  }
});

describe('the system admin may do everything (so the 403s above are policy, not breakage)', () => {
  for (const [name, , kind, op] of operations) {
    it(name, () => {
      const w = world();
      const before = w.cloud.state;
      op(w.sys, w);
      // reads commit nothing; writes commit
      expect(w.cloud.state === before).toBe(kind === 'read');
    });
  }
});

describe('a system reader may read but not write', () => {
  for (const [name, rule, kind, op] of operations) {
    it(`${name} (${kind})`, () => {
      const w = world();
      if (kind === 'read') expect(() => op(w.reader, w)).not.toThrow();
      else expect(refused(w.cloud, () => op(w.reader, w), { status: 403, code: 'core.policy.forbidden' }).details.rule).toBe(rule);
    });
  }
});

/** `snapshot` with one policy.yaml override more (the state's `[oslo_policy]` section), as a restart with that policy.yaml. */
function withRule(snapshot: CloudSnapshot, rule: string, check = '!'): CloudSnapshot {
  const policy = snapshot.meta.policy;
  return Object.freeze({ ...snapshot, meta: Object.freeze({ ...snapshot.meta, policy: Object.freeze({ ...policy, rules: Object.freeze({ ...policy.rules, [rule]: check }) }) }) });
}

describe('a write is answered before its commit: a rule it consults that says no refuses it and nothing changes (issue 10 #7)', () => {
  // Placement's write handlers enforce their own rule only and answer from what they wrote
  // (handlers/inventory.py set_inventories, update_inventory, create_inventory; trait.py,
  // aggregate.py): a read-back under the list/show rule after the commit gave a 403 with the state changed.
  it('setInventories with placement:resource_providers:inventories:list set to "!" answers the inventories it wrote', () => {
    const cloud = createCloud({ seed: 8620, preset: 'empty', identity: { password_hash_rounds: 1 }, policy: { rules: { 'placement:resource_providers:inventories:list': '!' } } });
    const p = cloud.systemAdmin.placement;
    const rp = p.createResourceProvider({ name: 'rp' }).uuid;
    expect(p.setInventories(rp, { resource_provider_generation: 0, inventories: { VCPU: { total: 4 } } })).toEqual({ resource_provider_generation: 1, inventories: { VCPU: { total: 4, reserved: 0, min_unit: 1, max_unit: 2_147_483_647, step_size: 1, allocation_ratio: 1 } } });
    expect(p.createInventory(rp, { resource_class: 'DISK_GB', total: 10 })).toMatchObject({ total: 10, resource_provider_generation: 2 });
    expect(p.setProviderTraits(rp, { resource_provider_generation: 2, traits: ['COMPUTE_NODE'] })).toEqual({ resource_provider_generation: 3, traits: ['COMPUTE_NODE'] });
    // the list itself stays refused, and a refusal changes nothing
    const before = cloud.state;
    expect(refused(cloud, () => p.getInventories(rp), { status: 403 }).details.rule).toBe('placement:resource_providers:inventories:list');
    expect(cloud.state).toBe(before);
  });

  for (const [name, rule, , op] of operations.filter(([, , kind]) => kind === 'write')) {
    it(`${name}: under every Placement rule set to "!" in turn, refused (403, state the same object) or done; refused for ${rule}`, () => {
      const w = world();
      const base = w.cloud.snapshot();
      const refusedBy: string[] = [];
      for (const { name: overridden } of PLACEMENT_POLICIES) {
        w.cloud.restore(withRule(base, overridden));
        const before = w.cloud.state;
        let error: unknown;
        try {
          op(w.sys, w);
        } catch (e) {
          error = e;
        }
        if (error === undefined) {
          expect(w.cloud.state, `${name} under ${overridden}: a call that answered committed`).not.toBe(before);
          continue;
        }
        expect(error, `${name} under ${overridden}`).toBeInstanceOf(CloudError);
        expect((error as CloudError).status, `${name} under ${overridden}: ${(error as Error).message}`).toBe(403);
        expect(w.cloud.state, `${name} refused under ${overridden} changed the state`).toBe(before);
        refusedBy.push(overridden);
      }
      expect(refusedBy).toContain(rule);
      // what it consults: its own rule and the base rules that rule is made of, nothing else
      expect(refusedBy.filter((r) => r.startsWith('placement:'))).toEqual([rule]);
    });
  }
});

describe('placement:usages: rule:system_or_project_reader, for the system and for readers of the project itself', () => {
  it('its check string and scope types are Zed\'s', () => {
    const cloud = devstack(8610);
    const usages = cloud.policy.getRule('placement:usages');
    expect(usages.check_str).toBe('rule:system_or_project_reader');
    expect([...usages.scope_types].sort()).toEqual(['project', 'system']);
    expect(cloud.policy.getRule('system_or_project_reader').check_str).toBe('rule:system_reader_api or rule:project_reader_api');
    expect(cloud.policy.getRule('project_reader_api').check_str).toBe('role:reader and project_id:%(project_id)s');
    for (const [name, rule] of operations) {
      if (rule !== 'placement:usages') expect(cloud.policy.getRule(rule).scope_types, name).toEqual(['system']);
    }
  });

  it('a reader or member of a project sees its own usages, not another project\'s', () => {
    const w = world();
    const sa = w.cloud.systemAdmin.identity;
    const demo = sa.getProject('demo').id;
    const alt = sa.getProject('alt_demo').id;
    claim(w.sys, C2, { [w.rp]: { VCPU: 3, MEMORY_MB: 1024 } }, { project_id: demo });
    claim(w.sys, uuid('c', 3), { [w.rp]: { VCPU: 5 } }, { project_id: alt });
    for (const username of ['demo_reader', 'demo']) {
      const p = w.cloud.login({ username, password: PW, project: 'demo' }).placement;
      expect(p.getUsages(demo).usages).toEqual({ VCPU: 3, MEMORY_MB: 1024 });
      const e = refused(w.cloud, () => p.getUsages(alt), { status: 403, code: 'core.policy.forbidden' });
      expect(e.details.rule).toBe('placement:usages');
    }
    // a project admin is a reader of its own project only
    const admin = w.cloud.admin.placement;
    expect(admin.getUsages(sa.getProject('admin').id).usages).toEqual({});
    refused(w.cloud, () => admin.getUsages(demo), { status: 403, code: 'core.policy.forbidden' });
    // the system admin sees every project
    expect(w.sys.getUsages(alt).usages).toEqual({ VCPU: 5 });
  });

  it('with enforce_new_defaults off the deprecated rule (role:admin) lets a project admin see any project', () => {
    const cloud = devstack(8612, { policy: { enforceNewDefaults: false } });
    const demo = cloud.systemAdmin.identity.getProject('demo').id;
    expect(cloud.admin.placement.getUsages(demo).usages).toEqual({});
    // scope is still enforced for the system-scoped rules
    expect(caught(() => cloud.admin.placement.listResourceProviders()).code).toBe('core.policy.invalid_scope');
    const member = cloud.login({ username: 'demo', password: PW, project: 'demo' }).placement;
    expect(caught(() => member.getUsages('another')).status).toBe(403);
  });

  it('with both enforce_scope and enforce_new_defaults off (Zed\'s shipped defaults) a project admin may use Placement, a member still may not', () => {
    const cloud = devstack(8613, { policy: { enforceScope: false, enforceNewDefaults: false } });
    expect(cloud.admin.placement.listResourceProviders()).toHaveLength(3);
    const member = cloud.login({ username: 'demo', password: PW, project: 'demo' }).placement;
    const e = refused(cloud, () => member.listResourceProviders(), { status: 403, code: 'core.policy.forbidden' });
    expect(e.details.rule).toBe('placement:resource_providers:list');
  });
});
