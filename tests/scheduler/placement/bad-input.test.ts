/**
 * Bad input for every Placement operation: wrong types, unknown fields, malformed UUIDs, negative
 * amounts, unknown classes, traits and providers. Each is a typed CloudError with Placement's
 * status (400 for the request, 404 for what is not there, 409 for a conflict), naming the field,
 * and the state is the very same object afterwards.
 */
import { describe, it, expect } from 'vitest';
import type { Cloud } from '../../../src/index.js';
import { bare, caught, claim, provider, refused, uuid, type Placement, type Refusal } from './helpers.js';

const C1 = uuid('c', 1);
const C2 = uuid('c', 2);
const NOBODY = uuid('b', 99);
const RP = uuid('b', 1);

interface World {
  cloud: Cloud;
  p: Placement;
  /** A provider with VCPU and MEMORY_MB, C1 holding 1 VCPU on it. */
  rp: string;
}

let built: { w: World; snapshot: ReturnType<Cloud['snapshot']> } | undefined;

/** A bare cloud with one provider `rp` (generation 2) and C1 holding 1 VCPU on it; each call starts again from the same snapshot. */
function world(): World {
  if (!built) {
    const cloud = bare(8701);
    const p = cloud.systemAdmin.placement;
    const rp = provider(p, 'rp', { VCPU: { total: 8 }, MEMORY_MB: { total: 4096 } }, { uuid: RP });
    claim(p, C1, { [rp]: { VCPU: 1 } });
    built = { w: { cloud, p, rp }, snapshot: cloud.snapshot() };
  }
  built.w.cloud.restore(built.snapshot);
  return built.w;
}

const bad400 = (field: string): Refusal => ({ status: 400, code: 'core.input.invalid', field });
const notFound: Refusal = { status: 404, code: 'placement.resource_provider.not_found' };

/** A valid PUT /allocations body on `rp` with `patch` merged in. */
function body(rp: string, patch: Record<string, unknown> = {}): never {
  return { allocations: { [rp]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u', consumer_generation: null, ...patch } as never;
}

const cases: [string, string, (w: World) => unknown, Refusal][] = [
  // resource providers
  ['createResourceProvider', 'body not an object', ({ p }) => p.createResourceProvider(null as never), bad400('resource_provider')],
  ['createResourceProvider', 'name missing', ({ p }) => p.createResourceProvider({} as never), bad400('resource_provider.name')],
  ['createResourceProvider', 'name not a string', ({ p }) => p.createResourceProvider({ name: 5 } as never), bad400('resource_provider.name')],
  ['createResourceProvider', 'name over 200 characters', ({ p }) => p.createResourceProvider({ name: 'x'.repeat(201) }), bad400('resource_provider.name')],
  ['createResourceProvider', 'uuid malformed', ({ p }) => p.createResourceProvider({ name: 'x', uuid: 'not-a-uuid' }), bad400('resource_provider.uuid')],
  ['createResourceProvider', 'uuid not a string', ({ p }) => p.createResourceProvider({ name: 'x', uuid: 5 } as never), bad400('resource_provider.uuid')],
  ['createResourceProvider', 'unknown field', ({ p }) => p.createResourceProvider({ name: 'x', generation: 3 } as never), bad400('resource_provider.generation')],
  ['createResourceProvider', 'parent not a string', ({ p }) => p.createResourceProvider({ name: 'x', parent_provider_uuid: 5 } as never), bad400('resource_provider.parent_provider_uuid')],
  ['getResourceProvider', 'ref not a string', ({ p }) => p.getResourceProvider(5 as never), bad400('resource_provider')],
  ['getResourceProvider', 'unknown provider', ({ p }) => p.getResourceProvider(NOBODY), notFound],
  ['updateResourceProvider', 'unknown provider', ({ p }) => p.updateResourceProvider(NOBODY, { name: 'x' }), notFound],
  ['updateResourceProvider', 'name missing', ({ p, rp }) => p.updateResourceProvider(rp, {} as never), bad400('resource_provider.name')],
  ['updateResourceProvider', 'name not a string', ({ p, rp }) => p.updateResourceProvider(rp, { name: 7 } as never), bad400('resource_provider.name')],
  ['updateResourceProvider', 'uuid is not updatable', ({ p, rp }) => p.updateResourceProvider(rp, { name: 'rp', uuid: NOBODY } as never), bad400('resource_provider.uuid')],
  ['deleteResourceProvider', 'ref not a string', ({ p }) => p.deleteResourceProvider(null as never), bad400('resource_provider')],
  ['deleteResourceProvider', 'unknown provider', ({ p }) => p.deleteResourceProvider(NOBODY), notFound],
  // inventories
  ['getInventories', 'unknown provider', ({ p }) => p.getInventories(NOBODY), notFound],
  ['setInventories', 'unknown provider', ({ p }) => p.setInventories(NOBODY, { resource_provider_generation: 0, inventories: {} }), notFound],
  ['setInventories', 'body not an object', ({ p, rp }) => p.setInventories(rp, [] as never), bad400('body')],
  ['setInventories', 'inventories an array', ({ p, rp }) => p.setInventories(rp, { resource_provider_generation: 2, inventories: [] as never }), bad400('body.inventories')],
  ['setInventories', 'negative generation', ({ p, rp }) => p.setInventories(rp, { resource_provider_generation: -1, inventories: {} }), bad400('body.resource_provider_generation')],
  ['setInventories', 'unknown class', ({ p, rp }) => p.setInventories(rp, { resource_provider_generation: 2, inventories: { CUSTOM_NOPE: { total: 1 } } }), bad400('body.inventories.CUSTOM_NOPE')],
  ['getInventory', 'unknown provider', ({ p }) => p.getInventory(NOBODY, 'VCPU'), notFound],
  ['getInventory', 'class not a string', ({ p, rp }) => p.getInventory(rp, 5 as never), bad400('resource_class')],
  ['setInventory', 'unknown provider', ({ p }) => p.setInventory(NOBODY, 'VCPU', { resource_provider_generation: 2, total: 8 }), notFound],
  ['setInventory', 'body not an object', ({ p, rp }) => p.setInventory(rp, 'VCPU', null as never), bad400('body')],
  ['setInventory', 'generation missing', ({ p, rp }) => p.setInventory(rp, 'VCPU', { total: 8 } as never), bad400('body.resource_provider_generation')],
  ['setInventory', 'total missing', ({ p, rp }) => p.setInventory(rp, 'VCPU', { resource_provider_generation: 2 } as never), bad400('body.total')],
  ['setInventory', 'reserved over total', ({ p, rp }) => p.setInventory(rp, 'VCPU', { resource_provider_generation: 2, total: 8, reserved: 9 }), bad400('body.reserved')],
  ['setInventory', 'unknown field', ({ p, rp }) => p.setInventory(rp, 'VCPU', { resource_provider_generation: 2, total: 8, colour: 'red' } as never), bad400('body.colour')],
  ['setInventory', 'class not a string', ({ p, rp }) => p.setInventory(rp, 5 as never, { resource_provider_generation: 2, total: 8 }), bad400('resource_class')],
  ['createInventory', 'unknown provider', ({ p }) => p.createInventory(NOBODY, { resource_class: 'DISK_GB', total: 8 }), notFound],
  ['createInventory', 'body not an object', ({ p, rp }) => p.createInventory(rp, [] as never), bad400('body')],
  ['createInventory', 'resource_class missing', ({ p, rp }) => p.createInventory(rp, { total: 8 } as never), bad400('body.resource_class')],
  ['createInventory', 'total zero', ({ p, rp }) => p.createInventory(rp, { resource_class: 'DISK_GB', total: 0 }), bad400('body.total')],
  ['createInventory', 'generation not an integer', ({ p, rp }) => p.createInventory(rp, { resource_class: 'DISK_GB', total: 8, resource_provider_generation: 'x' } as never), bad400('body.resource_provider_generation')],
  ['deleteInventories', 'unknown provider', ({ p }) => p.deleteInventories(NOBODY), notFound],
  ['deleteInventories', 'ref not a string', ({ p }) => p.deleteInventories(7 as never), bad400('resource_provider')],
  ['getTrait', 'name not a string', ({ p }) => p.getTrait(5 as never), bad400('name')],
  ['deleteTrait', 'name not a string', ({ p }) => p.deleteTrait(null as never), bad400('name')],
  ['deleteTrait', 'name empty', ({ p }) => p.deleteTrait(''), bad400('name')],
  ['deleteProviderTraits', 'unknown provider', ({ p }) => p.deleteProviderTraits(NOBODY), notFound],
  ['getResourceClass', 'name not a string', ({ p }) => p.getResourceClass([] as never), bad400('name')],
  ['ensureResourceClass', 'name not a string', ({ p }) => p.ensureResourceClass(5 as never), bad400('name')],
  ['ensureResourceClass', 'lower-case name', ({ p }) => p.ensureResourceClass('CUSTOM_fpga'), bad400('name')],
  ['deleteResourceClass', 'name not a string', ({ p }) => p.deleteResourceClass({} as never), bad400('name')],
  ['deleteInventory', 'unknown provider', ({ p }) => p.deleteInventory(NOBODY, 'VCPU'), notFound],
  ['deleteInventory', 'class not a string', ({ p, rp }) => p.deleteInventory(rp, 5 as never), bad400('resource_class')],
  ['deleteInventory', 'generation not an integer', ({ p, rp }) => p.deleteInventory(rp, 'MEMORY_MB', '2' as never), bad400('resource_provider_generation')],
  ['capacityOf', 'unknown provider', ({ p }) => p.capacityOf(NOBODY, 'VCPU'), notFound],
  ['capacityOf', 'class without inventory', ({ p, rp }) => p.capacityOf(rp, 'DISK_GB'), { status: 404 }],
  ['capacityOf', 'class not a string', ({ p, rp }) => p.capacityOf(rp, 5 as never), bad400('resource_class')],
  // usages
  ['getProviderUsages', 'unknown provider', ({ p }) => p.getProviderUsages(NOBODY), notFound],
  ['getUsages', 'project_id not a string', ({ p }) => p.getUsages(5 as never), bad400('project_id')],
  ['getUsages', 'project_id empty', ({ p }) => p.getUsages(''), bad400('project_id')],
  ['getUsages', 'user_id not a string', ({ p }) => p.getUsages('p', { user_id: 5 } as never), bad400('filter.user_id')],
  ['getUsagesByConsumerType', 'project_id not a string', ({ p }) => p.getUsagesByConsumerType(null as never), bad400('project_id')],
  ['getUsagesByConsumerType', 'consumer_type lower-case', ({ p }) => p.getUsagesByConsumerType('p', { consumer_type: 'migration' }), bad400('filter.consumer_type')],
  ['getUsagesByConsumerType', 'filter not an object', ({ p }) => p.getUsagesByConsumerType('p', 'all' as never), bad400('filter')],
  // traits
  ['getProviderTraits', 'unknown provider', ({ p }) => p.getProviderTraits(NOBODY), notFound],
  ['setProviderTraits', 'unknown provider', ({ p }) => p.setProviderTraits(NOBODY, { resource_provider_generation: 0, traits: [] }), notFound],
  ['setProviderTraits', 'traits a string', ({ p, rp }) => p.setProviderTraits(rp, { resource_provider_generation: 2, traits: 'COMPUTE_NODE' as never }), bad400('traits')],
  ['setProviderTraits', 'a trait not a string', ({ p, rp }) => p.setProviderTraits(rp, { resource_provider_generation: 2, traits: [5] as never }), bad400('traits[0]')],
  ['setProviderTraits', 'unknown trait', ({ p, rp }) => p.setProviderTraits(rp, { resource_provider_generation: 2, traits: ['CUSTOM_NOPE'] }), bad400('traits[0]')],
  ['setProviderTraits', 'generation missing', ({ p, rp }) => p.setProviderTraits(rp, { traits: [] } as never), bad400('resource_provider_generation')],
  ['setProviderTraits', 'unknown field', ({ p, rp }) => p.setProviderTraits(rp, { resource_provider_generation: 2, traits: [], replace: true } as never), bad400('body.replace')],
  ['listTraits', 'filter not an object', ({ p }) => p.listTraits(null as never), bad400('filter')],
  ['listTraits', 'startswith not a string', ({ p }) => p.listTraits({ startswith: 5 } as never), bad400('filter.startswith')],
  ['listTraits', 'unknown filter', ({ p }) => p.listTraits({ name: 'CUSTOM_' } as never), bad400('filter.name')],
  ['createTrait', 'name not a string', ({ p }) => p.createTrait(5 as never), bad400('name')],
  ['createTrait', 'name lower-case', ({ p }) => p.createTrait('CUSTOM_slow'), bad400('name')],
  // aggregates
  ['getProviderAggregates', 'unknown provider', ({ p }) => p.getProviderAggregates(NOBODY), notFound],
  ['setProviderAggregates', 'unknown provider', ({ p }) => p.setProviderAggregates(NOBODY, { resource_provider_generation: 0, aggregates: [] }), notFound],
  ['setProviderAggregates', 'aggregate not a UUID', ({ p, rp }) => p.setProviderAggregates(rp, { resource_provider_generation: 2, aggregates: ['agg1'] }), bad400('aggregates[0]')],
  ['setProviderAggregates', 'aggregates an object', ({ p, rp }) => p.setProviderAggregates(rp, { resource_provider_generation: 2, aggregates: {} as never }), bad400('aggregates')],
  ['setProviderAggregates', 'generation a string', ({ p, rp }) => p.setProviderAggregates(rp, { resource_provider_generation: 'two', aggregates: [] } as never), bad400('resource_provider_generation')],
  ['setProviderAggregates', 'unknown field', ({ p, rp }) => p.setProviderAggregates(rp, { resource_provider_generation: 2, aggregates: [], traits: [] } as never), bad400('body.traits')],
  // resource classes
  ['createResourceClass', 'name not a string', ({ p }) => p.createResourceClass(null as never), bad400('name')],
  ['createResourceClass', 'standard name', ({ p }) => p.createResourceClass('DISK_GB'), bad400('name')],
  // allocations
  ['getAllocations', 'consumer not a string', ({ p }) => p.getAllocations(5 as never), bad400('consumer_uuid')],
  ['putAllocations', 'consumer not a string', ({ p, rp }) => p.putAllocations(5 as never, body(rp)), bad400('consumer_uuid')],
  ['putAllocations', 'body not an object', ({ p }) => p.putAllocations(C2, null as never), bad400('body')],
  ['putAllocations', 'allocations missing', ({ p }) => p.putAllocations(C2, { project_id: 'p', user_id: 'u', consumer_generation: null } as never), bad400('body.allocations')],
  ['putAllocations', 'allocations an array (pre-1.12 shape)', ({ p, rp }) => p.putAllocations(C2, body(rp, { allocations: [{ resource_provider: { uuid: rp }, resources: { VCPU: 1 } }] })), bad400('body.allocations')],
  ['putAllocations', 'negative amount', ({ p, rp }) => p.putAllocations(C2, body(rp, { allocations: { [rp]: { resources: { VCPU: -1 } } } })), bad400(`body.allocations.${RP}.resources.VCPU`)],
  ['putAllocations', 'zero amount', ({ p, rp }) => p.putAllocations(C2, body(rp, { allocations: { [rp]: { resources: { VCPU: 0 } } } })), bad400(`body.allocations.${RP}.resources.VCPU`)],
  ['putAllocations', 'fractional amount', ({ p, rp }) => p.putAllocations(C2, body(rp, { allocations: { [rp]: { resources: { VCPU: 0.5 } } } })), bad400(`body.allocations.${RP}.resources.VCPU`)],
  ['putAllocations', 'amount a string', ({ p, rp }) => p.putAllocations(C2, body(rp, { allocations: { [rp]: { resources: { VCPU: '1' } } } })), bad400(`body.allocations.${RP}.resources.VCPU`)],
  ['putAllocations', 'no resources', ({ p, rp }) => p.putAllocations(C2, body(rp, { allocations: { [rp]: { resources: {} } } })), bad400(`body.allocations.${RP}.resources`)],
  ['putAllocations', 'resources missing', ({ p, rp }) => p.putAllocations(C2, body(rp, { allocations: { [rp]: {} } })), bad400(`body.allocations.${RP}.resources`)],
  ['putAllocations', 'unknown field per provider', ({ p, rp }) => p.putAllocations(C2, body(rp, { allocations: { [rp]: { resources: { VCPU: 1 }, traits: [] } } })), bad400(`body.allocations.${RP}.traits`)],
  ['putAllocations', 'project_id missing', ({ p, rp }) => p.putAllocations(C2, body(rp, { project_id: undefined })), bad400('body.project_id')],
  ['putAllocations', 'user_id not a string', ({ p, rp }) => p.putAllocations(C2, body(rp, { user_id: 5 })), bad400('body.user_id')],
  ['putAllocations', 'consumer_generation missing (required since 1.28)', ({ p, rp }) => p.putAllocations(C2, body(rp, { consumer_generation: undefined })), bad400('body.consumer_generation')],
  ['putAllocations', 'consumer_generation negative', ({ p, rp }) => p.putAllocations(C2, body(rp, { consumer_generation: -1 })), bad400('body.consumer_generation')],
  ['putAllocations', 'consumer_generation a string', ({ p, rp }) => p.putAllocations(C2, body(rp, { consumer_generation: '0' })), bad400('body.consumer_generation')],
  ['putAllocations', 'consumer_type lower-case', ({ p, rp }) => p.putAllocations(C2, body(rp, { consumer_type: 'instance' })), bad400('body.consumer_type')],
  ['putAllocations', 'unknown field', ({ p, rp }) => p.putAllocations(C2, body(rp, { mappings_v2: {} })), bad400('body.mappings_v2')],
  ['putAllocations', 'class the provider has no inventory of', ({ p, rp }) => p.putAllocations(C2, body(rp, { allocations: { [rp]: { resources: { DISK_GB: 1 } } } })), { status: 409, code: 'placement.undefined_code', message: 'DISK_GB' }],
  ['postAllocations', 'body not an object', ({ p }) => p.postAllocations([] as never), bad400('body')],
  ['postAllocations', 'a consumer\'s body not an object', ({ p }) => p.postAllocations({ [C2]: null } as never), bad400(`body.${C2}`)],
  ['postAllocations', 'unknown field for a consumer', ({ p, rp }) => p.postAllocations({ [C2]: { ...(body(rp) as object), extra: 1 } } as never), bad400(`body.${C2}.extra`)],
  ['postAllocations', 'negative amount', ({ p, rp }) => p.postAllocations({ [C2]: body(rp, { allocations: { [rp]: { resources: { MEMORY_MB: -512 } } } }) }), bad400(`body.${C2}.allocations.${RP}.resources.MEMORY_MB`)],
  ['postAllocations', 'consumer_generation missing', ({ p, rp }) => p.postAllocations({ [C2]: body(rp, { consumer_generation: undefined }) }), bad400(`body.${C2}.consumer_generation`)],
  ['deleteAllocations', 'consumer not a string', ({ p }) => p.deleteAllocations({} as never), bad400('consumer_uuid')],
  ['deleteAllocations', 'consumer holding nothing', ({ p }) => p.deleteAllocations(C2), { status: 404, message: C2 }],
  ['getProviderAllocations', 'unknown provider', ({ p }) => p.getProviderAllocations(NOBODY), notFound],
  // allocation candidates
  ['getAllocationCandidates', 'query not an object', ({ p }) => p.getAllocationCandidates(null as never), bad400('query')],
  ['getAllocationCandidates', 'resources missing', ({ p }) => p.getAllocationCandidates({} as never), bad400('query.resources')],
  ['getAllocationCandidates', 'resources empty string', ({ p }) => p.getAllocationCandidates({ resources: '' }), bad400('query.resources')],
  ['getAllocationCandidates', 'resources without amount', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU' }), bad400('query.resources')],
  ['getAllocationCandidates', 'resources amount not a number', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:two' }), bad400('query.resources')],
  ['getAllocationCandidates', 'resources amount negative', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:-1' }), bad400('query.resources')],
  ['getAllocationCandidates', 'resources amount 0', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:0' }), bad400('query.resources.VCPU')],
  ['getAllocationCandidates', 'resources object amount 0', ({ p }) => p.getAllocationCandidates({ resources: { VCPU: 0 } }), bad400('query.resources.VCPU')],
  ['getAllocationCandidates', 'resources object amount a string', ({ p }) => p.getAllocationCandidates({ resources: { VCPU: '1' } as never }), bad400('query.resources.VCPU')],
  ['getAllocationCandidates', 'unknown class', ({ p }) => p.getAllocationCandidates({ resources: 'CUSTOM_NOPE:1' }), bad400('query.resources.CUSTOM_NOPE')],
  ['getAllocationCandidates', 'resources an array', ({ p }) => p.getAllocationCandidates({ resources: ['VCPU:1'] as never }), bad400('query.resources')],
  ['getAllocationCandidates', 'required a number', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:1', required: 5 as never }), bad400('query.required')],
  ['getAllocationCandidates', 'unknown required trait', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:1', required: ['CUSTOM_NOPE'] }), bad400('query.required')],
  ['getAllocationCandidates', 'member_of a string', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:1', member_of: uuid('a', 1) as never }), bad400('query.member_of')],
  ['getAllocationCandidates', 'member_of not a UUID', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:1', member_of: ['in:'] }), bad400('query.member_of')],
  ['getAllocationCandidates', 'in_tree a number', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:1', in_tree: 5 as never }), bad400('query.in_tree')],
  ['getAllocationCandidates', 'limit 0', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:1', limit: 0 }), bad400('query.limit')],
  ['getAllocationCandidates', 'limit fractional', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:1', limit: 1.5 }), bad400('query.limit')],
  ['getAllocationCandidates', 'limit a string', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:1', limit: '1' as never }), bad400('query.limit')],
  ['getAllocationCandidates', 'unknown parameter', ({ p }) => p.getAllocationCandidates({ resources: 'VCPU:1', group_policy: 'none' } as never), bad400('query.group_policy')],
  // listing providers
  ['listResourceProviders', 'filter not an object', ({ p }) => p.listResourceProviders(null as never), bad400('filter')],
  ['listResourceProviders', 'name not a string', ({ p }) => p.listResourceProviders({ name: 5 } as never), bad400('filter.name')],
  ['listResourceProviders', 'unknown filter', ({ p }) => p.listResourceProviders({ hostname: 'x' } as never), bad400('filter.hostname')],
  ['listResourceProviders', 'resources malformed', ({ p }) => p.listResourceProviders({ resources: 'VCPU=1' }), { status: 400, field: 'filter.resources' }],
];

describe('every operation refuses bad input with a typed error naming the field, and nothing changes', () => {
  for (const [op, what, call, refusal] of cases) {
    it(`${op}: ${what} → ${refusal.status}`, () => {
      const w = world();
      refused(w.cloud, () => call(w), refusal);
    });
  }

  it('covers every method of session.placement', () => {
    const { p } = world();
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(p)).filter((m) => m !== 'constructor' && typeof (p as unknown as Record<string, unknown>)[m] === 'function');
    const tested = new Set(cases.map(([op]) => op));
    // listResourceClasses takes no input
    expect(methods.filter((m) => !tested.has(m) && !['listResourceClasses', 'creds', 'read', 'write', 'projectAllocations'].includes(m))).toEqual([]);
  });
});

describe('bad input where stacksim is not (yet) Placement', () => {
  // Fixed (was a bug found by this suite): listResourceProviders casts `required` and `member_of` without checking them
  // (api.ts providersMatching: `(f.required as string[]).some`, `(f.member_of as string[]).every`),
  // so a wrong type escapes as a TypeError instead of a 400 CloudError.
  it('a required or member_of filter of the wrong type is a 400, not a TypeError', () => {
    const w = world();
    refused(w.cloud, () => w.p.listResourceProviders({ required: 5 as never }), bad400('filter.required'));
    refused(w.cloud, () => w.p.listResourceProviders({ member_of: uuid('a', 1) as never }), bad400('filter.member_of'));
  });

  // Fixed (was a bug found by this suite): GET /resource_providers validates its filters as GET /allocation_candidates does:
  // unknown traits ("No such trait(s): CUSTOM_NOPE"), member_of and in_tree that are not UUIDs are
  // 400 (verified against Debian's placement 8.0.0); listResourceProviders answers [] for all three.
  it('unknown required traits, and member_of / in_tree that are not UUIDs, are 400 for the list too', () => {
    const w = world();
    expect(caught(() => w.p.listResourceProviders({ required: ['CUSTOM_NOPE'] })).status).toBe(400);
    expect(caught(() => w.p.listResourceProviders({ member_of: ['rack-1'] })).status).toBe(400);
    expect(caught(() => w.p.listResourceProviders({ in_tree: 'rp' })).status).toBe(400);
  });

  // Fixed (was a bug found by this suite): Placement refuses a consumer uuid that is not a UUID: PUT /allocations/{consumer} → 400
  // "Malformed consumer_uuid" (handlers/allocation.py), POST /allocations → 400 (its schema only
  // allows UUID keys); verified against Debian's placement 8.0.0. stacksim stores the consumer.
  it('a consumer that is not a UUID is 400 for PUT and POST /allocations', () => {
    const w = world();
    refused(w.cloud, () => w.p.putAllocations('instance-1', body(w.rp)), { status: 400 });
    refused(w.cloud, () => w.p.postAllocations({ 'instance-1': body(w.rp) }), { status: 400 });
  });

  // Fixed (was a bug found by this suite): an allocation against a provider that does not exist is a 400 for the body in Placement
  // ("Allocation for resource provider '…' that does not exist.", handlers/allocation.py
  // _resource_providers_by_uuid; verified against Debian's placement 8.0.0); stacksim answers 404.
  it('an allocation on a provider that does not exist is 400', () => {
    const w = world();
    refused(w.cloud, () => w.p.putAllocations(C2, body(NOBODY)), { status: 400, message: NOBODY });
  });

  // Fixed (was a bug found by this suite): an allocation of a resource class that does not exist is a 400 in Placement ("Unable to
  // allocate inventory for consumer …: No such resource class CUSTOM_NOPE", ResourceClassNotFound
  // is a NotFound caught as HTTPBadRequest; verified against Debian's placement 8.0.0); stacksim
  // answers 409 as for a class the provider merely has no inventory of.
  it('an allocation of an unknown resource class is 400', () => {
    const w = world();
    refused(w.cloud, () => w.p.putAllocations(C2, body(w.rp, { allocations: { [w.rp]: { resources: { CUSTOM_NOPE: 1 } } } })), { status: 400, message: 'CUSTOM_NOPE' });
  });

  // Fixed (was a bug found by this suite): POST /allocations needs at least one consumer (schema minProperties 1 → 400; verified
  // against Debian's placement 8.0.0); stacksim accepts {} and commits a no-op.
  it('POST /allocations with no consumer is 400', () => {
    const w = world();
    refused(w.cloud, () => w.p.postAllocations({}), { status: 400, field: 'body' });
  });
});
