/**
 * The Placement API (1.39) for a session: `session.placement`. Every call validates the token,
 * asks Placement's Zed policy (every rule is system-scoped: use `cloud.systemAdmin`), then acts
 * in one atomic commit. Generations guard concurrent updates (`placement.concurrent_update`).
 */
import { InvalidInput, NotFound, check, getRow, tableToArray, tableValues, type CloudState, type Tx , type Ref } from '../../core/index.js';
import type { RequestPipeline } from '../../identity/index.js';
import { capacity } from './capacity.js';
import { allocationCandidates, parseQuery, type AllocationCandidates, type CandidateQuery } from './candidates.js';
import * as store from './store.js';
import { STANDARD_RESOURCE_CLASSES, STANDARD_TRAITS } from './standards.js';
import type { AllocationMap, ConsumerRow, InventoryRow, ResourceProviderRow } from './types.js';

type S = CloudState;

/** `GET /resource_providers/{uuid}`. */
export interface ResourceProviderView {
  readonly uuid: string;
  readonly name: string;
  readonly generation: number;
  readonly parent_provider_uuid: string | null;
  readonly root_provider_uuid: string;
}

/** `GET /resource_providers/{uuid}/inventories`. */
export interface InventoriesView {
  readonly resource_provider_generation: number;
  readonly inventories: Readonly<Record<string, Omit<InventoryRow, 'resource_provider_uuid' | 'resource_class'>>>;
}

/** One inventory as a request body: `total` and Placement's optional fields. */
export type InventoryBody = Partial<Omit<InventoryRow, 'resource_provider_uuid' | 'resource_class'>> & { total: number };

/** `GET /resource_providers/{uuid}/inventories/{rc}`: one inventory with the provider generation. */
export type InventoryView = Readonly<Omit<InventoryRow, 'resource_provider_uuid' | 'resource_class'>> & { readonly resource_provider_generation: number };

/** Body of `PUT /allocations/{consumer_uuid}` (1.38). */
export interface AllocationsRequest {
  readonly allocations: Readonly<Record<string, { readonly resources: Readonly<Record<string, number>> }>>;
  readonly project_id: string;
  readonly user_id: string;
  readonly consumer_generation: number | null;
  readonly consumer_type?: 'INSTANCE' | 'MIGRATION';
}

/** One inventory of a provider row as the API shows it (the row is the committed one, or the one a write just made). */
function inventoryView(rp: ResourceProviderRow, rc: string): InventoryView {
  const { resource_provider_uuid: _u, resource_class: _c, ...inv } = rp.inventories[rc] as InventoryRow;
  return Object.freeze({ ...inv, resource_provider_generation: rp.generation });
}

/** Every inventory of a provider row as the API shows it. */
function inventoriesView(rp: ResourceProviderRow): InventoriesView {
  const inventories: Record<string, Omit<InventoryRow, 'resource_provider_uuid' | 'resource_class'>> = {};
  for (const [rc, { resource_provider_uuid: _u, resource_class: _c, ...inv }] of Object.entries(rp.inventories)) inventories[rc] = inv;
  return Object.freeze({ resource_provider_generation: rp.generation, inventories });
}

function providerView(rp: ResourceProviderRow): ResourceProviderView {
  return Object.freeze({ uuid: rp.uuid, name: rp.name, generation: rp.generation, parent_provider_uuid: rp.parent_provider_uuid, root_provider_uuid: rp.root_provider_uuid });
}

/**
 * Placement for one session. Not simulated: reshaper, nested candidates across a tree,
 * `resource_providers` filters other than `name`, `uuid`, `member_of`, `in_tree`, `required`,
 * `resources`.
 */
export class PlacementApi {
  /** @internal built by the session from its request pipeline. */
  constructor(private readonly requests: RequestPipeline) {}

  private read(rule: string, target: Record<string, unknown> = {}): S {
    const r = this.requests.read();
    r.enforce(rule, target);
    return r.s;
  }

  private write<R>(operation: string, rule: string, fn: (tx: Tx, s: S) => R): R {
    return this.requests.write(`placement.${operation}`, (tx, r) => {
      r.enforce(rule, {});
      tx.trace('placement', `${operation} authorised`);
      return fn(tx, r.s);
    });
  }

  /** `GET /resource_providers` (filters `name`, `uuid`, `member_of`, `in_tree`, `required`, `resources`). */
  listResourceProviders(filter: { name?: string; uuid?: string; member_of?: string[]; in_tree?: string; required?: string[] | string; resources?: Record<string, number> | string } = {}): ResourceProviderView[] {
    const s = this.read('placement:resource_providers:list');
    const f = check.record(filter, 'filter');
    check.onlyKeys(f, ['name', 'uuid', 'member_of', 'in_tree', 'required', 'resources'], 'filter');
    // the same checks as allocation candidates: types, known traits, UUIDs (400 naming the filter)
    try {
      parseQuery(s, { resources: f.resources ?? { VCPU: 1 }, ...(f.required !== undefined ? { required: f.required } : {}), ...(f.member_of !== undefined ? { member_of: f.member_of } : {}), ...(f.in_tree !== undefined ? { in_tree: f.in_tree } : {}) });
    } catch (e) {
      if (e instanceof InvalidInput) throw new InvalidInput(String(e.details.field).replace(/^query\./, 'filter.'), e.message.replace(/^query\.[^:]*: /, ''));
      throw e;
    }
    const name = f.name === undefined ? undefined : check.name(f.name, 'filter.name', 200);
    let rows = tableToArray(s.placement.providers).sort((a, b) => a.id - b.id);
    if (name !== undefined) rows = rows.filter((rp) => rp.name === name);
    if (f.uuid !== undefined) {
      const uuid = store.checkUuid(f.uuid, 'filter.uuid').replace(/-/g, '');
      rows = rows.filter((rp) => rp.uuid.replace(/-/g, '') === uuid);
    }
    if (f.required !== undefined || f.member_of !== undefined || f.in_tree !== undefined) {
      const matching = providersMatching(s, f);
      rows = rows.filter((rp) => matching.has(rp.uuid));
    }
    if (f.resources !== undefined) {
      const withRoom = new Set(Object.keys(allocationCandidates(s, { resources: f.resources as CandidateQuery['resources'] }).provider_summaries));
      rows = rows.filter((rp) => withRoom.has(rp.uuid));
    }
    return rows.map(providerView);
  }

  /** `POST /resource_providers`. */
  createResourceProvider(input: { name: string; uuid?: string; parent_provider_uuid?: string }): ResourceProviderView {
    return this.write('create_resource_provider', 'placement:resource_providers:create', (tx) => providerView(store.createProvider(tx, input)));
  }

  /** `GET /resource_providers/{uuid}` (by uuid or name). */
  getResourceProvider(ref: Ref): ResourceProviderView {
    const s = this.read('placement:resource_providers:show');
    return providerView(store.getProvider(s, ref));
  }

  /** `PUT /resource_providers/{uuid}`. */
  updateResourceProvider(ref: Ref, input: { name: string; parent_provider_uuid?: string | null }): ResourceProviderView {
    return this.write('update_resource_provider', 'placement:resource_providers:update', (tx, s) => providerView(store.updateProvider(tx, store.getProvider(s, ref), input)));
  }

  /** `DELETE /resource_providers/{uuid}`: 409 while it has allocations or children. */
  deleteResourceProvider(ref: Ref): void {
    this.write('delete_resource_provider', 'placement:resource_providers:delete', (tx, s) => store.deleteProvider(tx, store.getProvider(s, ref)));
  }

  /** `GET /resource_providers/{uuid}/inventories`. */
  getInventories(ref: Ref): InventoriesView {
    const s = this.read('placement:resource_providers:inventories:list');
    return inventoriesView(store.getProvider(s, ref));
  }

  /**
   * `PUT /resource_providers/{uuid}/inventories` (stale generation: `placement.concurrent_update`).
   * Answers the inventories as written, under the update rule alone, as Placement's
   * `set_inventories` does (handlers/inventory.py): the answer is built before the commit.
   */
  setInventories(ref: Ref, body: { resource_provider_generation: number; inventories: Record<string, InventoryBody> }): InventoriesView {
    return this.write('set_inventories', 'placement:resource_providers:inventories:update', (tx, s) => inventoriesView(store.setInventories(tx, store.getProvider(s, ref), body)));
  }

  /** `POST /resource_providers/{uuid}/inventories`: adds one inventory (`resource_class` in the body); answers it under the create rule alone. */
  createInventory(ref: Ref, body: InventoryBody & { resource_class: string; resource_provider_generation?: number }): InventoryView {
    return this.write('create_inventory', 'placement:resource_providers:inventories:create', (tx, s) => {
      const { row, rc } = store.createInventory(tx, store.getProvider(s, ref), body);
      return inventoryView(row, rc);
    });
  }

  /** `GET /resource_providers/{uuid}/inventories/{rc}`: one inventory and the provider generation (404 when absent). */
  getInventory(ref: Ref, resourceClass: string): InventoryView {
    const s = this.read('placement:resource_providers:inventories:show');
    const rp = store.getProvider(s, ref);
    const rc = check.name(resourceClass, 'resource_class');
    if (!Object.hasOwn(rp.inventories, rc)) throw new NotFound(store.PLACEMENT_ERRORS.DEFAULT, `No inventory of class ${rc} for ${rp.uuid}.`);
    return inventoryView(rp, rc);
  }

  /**
   * `PUT /resource_providers/{uuid}/inventories/{rc}`: replaces one existing inventory (stale
   * generation: `placement.concurrent_update`); answers it under the update rule alone, as
   * Placement's `update_inventory` does.
   */
  setInventory(ref: Ref, resourceClass: string, body: InventoryBody & { resource_provider_generation: number }): InventoryView {
    return this.write('set_inventory', 'placement:resource_providers:inventories:update', (tx, s) => {
      const rc = check.name(resourceClass, 'resource_class');
      return inventoryView(store.setInventory(tx, store.getProvider(s, ref), rc, body), rc);
    });
  }

  /** `DELETE /resource_providers/{uuid}/inventories` (1.5): every inventory (`placement.inventory.inuse` while any is allocated). */
  deleteInventories(ref: Ref): void {
    this.write('delete_inventories', 'placement:resource_providers:inventories:delete', (tx, s) => store.deleteInventories(tx, store.getProvider(s, ref)));
  }

  /** `DELETE /resource_providers/{uuid}/inventories/{rc}` (`placement.inventory.inuse` while allocated). */
  deleteInventory(ref: Ref, resourceClass: string, generation?: number): void {
    this.write('delete_inventory', 'placement:resource_providers:inventories:delete', (tx, s) => store.deleteInventory(tx, store.getProvider(s, ref), check.name(resourceClass, 'resource_class'), generation));
  }

  /** `GET /resource_providers/{uuid}/usages`. */
  getProviderUsages(ref: Ref): { resource_provider_generation: number; usages: Record<string, number> } {
    const s = this.read('placement:resource_providers:usages');
    const rp = store.getProvider(s, ref);
    const usages: Record<string, number> = {};
    for (const rc of store.inventoriesOf(s, rp.uuid).keys()) usages[rc] = store.usageOf(s, rp.uuid, rc);
    return Object.freeze({ resource_provider_generation: rp.generation, usages });
  }

  /** `GET /usages?project_id=&user_id=` (before 1.38): what a project's (or one user's) consumers hold, by class. */
  getUsages(projectId: string, filter: { user_id?: string } = {}): { usages: Record<string, number> } {
    const usages: Record<string, number> = {};
    for (const { classes } of this.projectAllocations(projectId, filter)) {
      for (const [rc, n] of classes) usages[rc] = (usages[rc] ?? 0) + n;
    }
    return Object.freeze({ usages });
  }

  /**
   * `GET /usages?project_id=&user_id=&consumer_type=` (1.38): usages grouped by consumer type, each
   * group with its `consumer_count` (distinct consumers holding something). `consumer_type` keeps one
   * type; `all` folds every consumer into one group `all`, `unknown` keeps the consumers of unknown type.
   */
  getUsagesByConsumerType(projectId: string, filter: { user_id?: string; consumer_type?: string } = {}): { usages: Record<string, Record<string, number>> } {
    const f = check.record(filter, 'filter');
    const wanted = f.consumer_type === undefined ? undefined : check.name(f.consumer_type, 'filter.consumer_type');
    if (wanted !== undefined && !/^[A-Z0-9_]+$|^all$|^unknown$/.test(wanted)) throw new InvalidInput('filter.consumer_type', `'${wanted}' is not a consumer type: use upper-case letters, digits and _, or all, or unknown.`);
    const { consumer_type: _t, ...rest } = f;
    const groups = new Map<string, { consumers: Set<string>; usage: Record<string, number> }>();
    for (const { consumer, classes } of this.projectAllocations(projectId, rest)) {
      if (wanted !== undefined && wanted !== 'all' && consumer.consumer_type !== wanted) continue;
      const key = wanted === 'all' ? 'all' : consumer.consumer_type;
      const group = groups.get(key) ?? { consumers: new Set<string>(), usage: {} };
      groups.set(key, group);
      for (const [rc, n] of classes) {
        group.usage[rc] = (group.usage[rc] ?? 0) + n;
        group.consumers.add(consumer.uuid);
      }
    }
    const usages: Record<string, Record<string, number>> = {};
    for (const [key, g] of groups) if (g.consumers.size > 0) usages[key] = { ...g.usage, consumer_count: g.consumers.size };
    return Object.freeze({ usages });
  }

  /** The allocations (class → amount, summed over providers) of a project's consumers, optionally one user's; policy `placement:usages`. */
  private *projectAllocations(projectId: string, filter: unknown): Generator<{ consumer: ConsumerRow; classes: Map<string, number> }> {
    const pid = check.name(projectId, 'project_id');
    const f = check.record(filter, 'filter');
    check.onlyKeys(f, ['user_id'], 'filter');
    const uid = f.user_id === undefined ? undefined : check.name(f.user_id, 'filter.user_id');
    const s = this.read('placement:usages', { project_id: pid });
    for (const consumer of tableValues(s.placement.consumers)) {
      if (consumer.project_id !== pid || (uid !== undefined && consumer.user_id !== uid)) continue;
      const classes = new Map<string, number>();
      for (const held of Object.values(store.allocationsOf(s, consumer.uuid))) for (const [rc, n] of Object.entries(held)) classes.set(rc, (classes.get(rc) ?? 0) + n);
      yield { consumer, classes };
    }
  }

  /** `GET /resource_providers/{uuid}/traits`. */
  getProviderTraits(ref: Ref): { resource_provider_generation: number; traits: readonly string[] } {
    const s = this.read('placement:resource_providers:traits:list');
    const rp = store.getProvider(s, ref);
    return Object.freeze({ resource_provider_generation: rp.generation, traits: store.traitsOf(s, rp.uuid) });
  }

  /** `PUT /resource_providers/{uuid}/traits`: answers the traits as written, under the update rule alone (as Placement does). */
  setProviderTraits(ref: Ref, body: { resource_provider_generation: number; traits: string[] }): { resource_provider_generation: number; traits: readonly string[] } {
    return this.write('set_traits', 'placement:resource_providers:traits:update', (tx, s) => {
      const b = check.record(body, 'body');
      check.onlyKeys(b, ['resource_provider_generation', 'traits'], 'body');
      const rp = store.setTraits(tx, store.getProvider(s, ref), b.traits, b.resource_provider_generation);
      return Object.freeze({ resource_provider_generation: rp.generation, traits: Object.freeze([...rp.traits]) });
    });
  }

  /** `DELETE /resource_providers/{uuid}/traits`: removes every trait of the provider (no generation is checked, as in Placement). */
  deleteProviderTraits(ref: Ref): void {
    this.write('delete_provider_traits', 'placement:resource_providers:traits:delete', (tx, s) => {
      const rp = store.getProvider(s, ref);
      store.setTraits(tx, rp, [], rp.generation);
    });
  }

  /** `GET /resource_providers/{uuid}/aggregates`. */
  getProviderAggregates(ref: Ref): { resource_provider_generation: number; aggregates: readonly string[] } {
    const s = this.read('placement:resource_providers:aggregates:list');
    const rp = store.getProvider(s, ref);
    return Object.freeze({ resource_provider_generation: rp.generation, aggregates: store.aggregatesOf(s, rp.uuid) });
  }

  /**
   * `PUT /resource_providers/{uuid}/aggregates`: answers the aggregates as written, under the update
   * rule alone (as Placement does). With `resource_provider_generation` (1.19) the generation is
   * checked and moves on; without it (1.1 – 1.18) neither happens.
   */
  setProviderAggregates(ref: Ref, body: { resource_provider_generation?: number; aggregates: string[] }): { resource_provider_generation: number; aggregates: readonly string[] } {
    return this.write('set_aggregates', 'placement:resource_providers:aggregates:update', (tx, s) => {
      const b = check.record(body, 'body');
      check.onlyKeys(b, ['resource_provider_generation', 'aggregates'], 'body');
      const rp = store.setAggregates(tx, store.getProvider(s, ref), b.aggregates, b.resource_provider_generation);
      return Object.freeze({ resource_provider_generation: rp.generation, aggregates: Object.freeze([...rp.aggregates]) });
    });
  }

  /**
   * `GET /traits` (standard and custom): `startswith` (`name=startswith:CUSTOM_`), `name_in`
   * (`name=in:A,B`), `associated` (true: only traits some provider has; false: only traits none has).
   */
  listTraits(filter: { startswith?: string; name_in?: readonly string[]; associated?: boolean } = {}): string[] {
    const s = this.read('placement:traits:list');
    const f = check.record(filter, 'filter');
    check.onlyKeys(f, ['startswith', 'name_in', 'associated'], 'filter');
    const prefix = f.startswith === undefined ? '' : check.text(f.startswith, 'filter.startswith');
    const names = f.name_in === undefined ? undefined : new Set(check.array(f.name_in, 'filter.name_in', (t, field) => check.text(t, field, 255), 10_000));
    const associated = f.associated === undefined ? undefined : check.boolean(f.associated, 'filter.associated');
    let held: Set<string> | undefined;
    if (associated !== undefined) {
      held = new Set();
      for (const rp of tableValues(s.placement.providers)) for (const t of rp.traits) held.add(t);
    }
    return [...STANDARD_TRAITS, ...tableToArray(s.placement.custom_traits)]
      .filter((t) => t.startsWith(prefix) && (names === undefined || names.has(t)) && (held === undefined || held.has(t) === associated))
      .sort();
  }

  /** `PUT /traits/{name}`: creates a `CUSTOM_` trait (idempotent); true when created (201), false when it existed (204). */
  createTrait(name: string): boolean {
    return this.write('create_trait', 'placement:traits:update', (tx) => store.createTrait(tx, name));
  }

  /** `GET /traits/{name}`: succeeds (204) when the trait exists, standard or custom; 404 otherwise. */
  getTrait(name: string): void {
    const s = this.read('placement:traits:show');
    const n = check.name(name, 'name');
    if (!store.isTrait(s, n)) throw new NotFound(store.PLACEMENT_ERRORS.DEFAULT, `No such trait(s): ${n}.`);
  }

  /** `DELETE /traits/{name}`: a custom trait no provider holds (standard: 400, held: 409, unknown: 404). */
  deleteTrait(name: string): void {
    this.write('delete_trait', 'placement:traits:delete', (tx) => store.deleteTrait(tx, name));
  }

  /** `GET /resource_classes`. */
  listResourceClasses(): string[] {
    const s = this.read('placement:resource_classes:list');
    return [...STANDARD_RESOURCE_CLASSES, ...tableToArray(s.placement.custom_resource_classes)];
  }

  /** `POST /resource_classes`: creates a `CUSTOM_` resource class. */
  createResourceClass(name: string): void {
    this.write('create_resource_class', 'placement:resource_classes:create', (tx) => store.createResourceClass(tx, name));
  }

  /** `GET /resource_classes/{name}` (without `links`): 404 for an unknown class. */
  getResourceClass(name: string): { name: string } {
    const s = this.read('placement:resource_classes:show');
    const n = check.name(name, 'name');
    if (!store.isResourceClass(s, n)) throw new NotFound(store.PLACEMENT_ERRORS.DEFAULT, `No such resource class ${n}.`);
    return Object.freeze({ name: n });
  }

  /** `PUT /resource_classes/{name}` (1.7): creates a `CUSTOM_` class if missing; true when created (201), false when it existed (204). */
  ensureResourceClass(name: string): boolean {
    return this.write('ensure_resource_class', 'placement:resource_classes:update', (tx) => store.ensureResourceClass(tx, name));
  }

  /** `DELETE /resource_classes/{name}`: a custom class no provider has inventory of (standard: 400, in use: 409, unknown: 404). */
  deleteResourceClass(name: string): void {
    this.write('delete_resource_class', 'placement:resource_classes:delete', (tx) => store.deleteResourceClass(tx, name));
  }

  /** `GET /allocations/{consumer_uuid}`. */
  getAllocations(consumerUuid: string): { allocations: Record<string, { resources: Record<string, number>; generation: number }>; project_id?: string; user_id?: string; consumer_generation?: number; consumer_type?: ConsumerRow['consumer_type'] } {
    const s = this.read('placement:allocations:list');
    const id = check.name(consumerUuid, 'consumer_uuid', 36);
    const c = getRow(s.placement.consumers, id);
    const allocations: Record<string, { resources: Record<string, number>; generation: number }> = {};
    for (const [rp, classes] of Object.entries(store.allocationsOf(s, id))) allocations[rp] = { resources: { ...classes }, generation: getRow(s.placement.providers, rp)?.generation ?? 0 };
    return Object.freeze(c ? { allocations, project_id: c.project_id, user_id: c.user_id, consumer_generation: c.generation, consumer_type: c.consumer_type } : { allocations });
  }

  /** `PUT /allocations/{consumer_uuid}`: replaces a consumer's allocations (capacity exceeded: 409). */
  putAllocations(consumerUuid: string, body: AllocationsRequest): void {
    this.write('put_allocations', 'placement:allocations:update', (tx) => {
      const b = check.record(body, 'body');
      check.onlyKeys(b, ['allocations', 'project_id', 'user_id', 'consumer_generation', 'consumer_type'], 'body');
      store.replaceAllocations(tx, [{
        consumer_uuid: store.checkUuid(consumerUuid, 'consumer_uuid'),
        allocations: store.checkAllocationMap(b.allocations, 'body.allocations'),
        project_id: check.name(b.project_id, 'body.project_id'),
        user_id: check.name(b.user_id, 'body.user_id'),
        consumer_generation: b.consumer_generation === null ? null : check.integer(b.consumer_generation, 'body.consumer_generation', 0),
        consumer_type: check.optional(b.consumer_type, 'body.consumer_type', (x, f) => check.oneOf(x, ['INSTANCE', 'MIGRATION'] as const, f), 'INSTANCE'),
      }]);
    });
  }

  /** `POST /allocations`: several consumers at once, all or nothing (how nova moves an instance's allocation to a migration). */
  postAllocations(body: Record<string, AllocationsRequest>): void {
    this.write('post_allocations', 'placement:allocations:manage', (tx) => {
      const b = check.record(body, 'body');
      if (Object.keys(b).length === 0) throw new InvalidInput('body', 'give the allocations of at least one consumer.');
      store.replaceAllocations(tx, Object.entries(b).map(([consumer, req]) => {
        const r = check.record(req, `body.${consumer}`);
        check.onlyKeys(r, ['allocations', 'project_id', 'user_id', 'consumer_generation', 'consumer_type'], `body.${consumer}`);
        return {
          consumer_uuid: store.checkUuid(consumer, `body.${consumer}`),
          allocations: store.checkAllocationMap(r.allocations, `body.${consumer}.allocations`),
          project_id: check.name(r.project_id, `body.${consumer}.project_id`),
          user_id: check.name(r.user_id, `body.${consumer}.user_id`),
          consumer_generation: r.consumer_generation === null ? null : check.integer(r.consumer_generation, `body.${consumer}.consumer_generation`, 0),
          consumer_type: check.optional(r.consumer_type, `body.${consumer}.consumer_type`, (x, f) => check.oneOf(x, ['INSTANCE', 'MIGRATION'] as const, f), 'INSTANCE'),
        };
      }));
    });
  }

  /** `DELETE /allocations/{consumer_uuid}` (404 when the consumer holds nothing). */
  deleteAllocations(consumerUuid: string): void {
    this.write('delete_allocations', 'placement:allocations:delete', (tx, s) => {
      const id = check.name(consumerUuid, 'consumer_uuid', 36);
      if (!getRow(s.placement.consumers, id)) throw new AllocationsNotFound(id);
      store.replaceAllocations(tx, [{ consumer_uuid: id, allocations: {}, project_id: '', user_id: '' }]);
    });
  }

  /** `GET /resource_providers/{uuid}/allocations`: every consumer's share of a provider, with the consumer's generation (1.28). */
  getProviderAllocations(ref: Ref): { resource_provider_generation: number; allocations: Record<string, { resources: Record<string, number>; consumer_generation: number | null }> } {
    const s = this.read('placement:resource_providers:allocations:list');
    const rp = store.getProvider(s, ref);
    const allocations: Record<string, { resources: Record<string, number>; consumer_generation: number | null }> = {};
    for (const [, consumer] of store.under(s.placement.provider_consumers, rp.uuid)) {
      const mine = store.allocationsOf(s, consumer)[rp.uuid];
      if (mine) allocations[consumer] = { resources: { ...mine }, consumer_generation: getRow(s.placement.consumers, consumer)?.generation ?? null };
    }
    return Object.freeze({ resource_provider_generation: rp.generation, allocations });
  }

  /** `GET /allocation_candidates`. */
  getAllocationCandidates(query: CandidateQuery): AllocationCandidates {
    const s = this.read('placement:allocation_candidates:list');
    return allocationCandidates(s, query);
  }

  /** Capacity of one class on one provider: `int((total − reserved) × allocation_ratio)`. */
  capacityOf(ref: Ref, resourceClass: string): { capacity: number; used: number } {
    const s = this.read('placement:resource_providers:inventories:show');
    const rp = store.getProvider(s, ref);
    const inv = store.inventoriesOf(s, rp.uuid).get(check.name(resourceClass, 'resource_class'));
    if (!inv) throw new AllocationsNotFound(`${rp.uuid}/${resourceClass}`);
    return { capacity: capacity(inv), used: store.usageOf(s, rp.uuid, inv.resource_class) };
  }
}

/** 404 for a consumer or inventory that is not there. */
class AllocationsNotFound extends NotFound {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'AllocationsNotFound';
  constructor(what: string) {
    super(store.PLACEMENT_ERRORS.DEFAULT, `No resource provider inventory or allocations found for ${what}.`, { ref: what });
  }
}

/** Providers matching the trait, aggregate and tree filters, whatever their inventory. */
function providersMatching(s: S, f: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const rp of tableToArray(s.placement.providers)) {
    const traits = new Set(store.traitsOf(s, rp.uuid));
    const required = f.required === undefined ? [] : typeof f.required === 'string' ? (f.required.startsWith('in:') ? [f.required] : f.required.split(',')) : (f.required as string[]);
    const lacks = (t: string): boolean => (t.startsWith('in:') ? !t.slice(3).split(',').some((x) => traits.has(x.trim())) : t.startsWith('!') ? traits.has(t.slice(1)) : !traits.has(t));
    if (required.some(lacks)) continue;
    if (f.in_tree !== undefined) {
      const tree = getRow(s.placement.providers, String(f.in_tree));
      if (!tree || tree.root_provider_uuid !== rp.root_provider_uuid) continue;
    }
    if (f.member_of !== undefined) {
      const aggs = new Set(store.aggregatesOf(s, rp.uuid));
      const ok = (f.member_of as string[]).every((m) => {
        const none = m.startsWith('!');
        const list = (none ? m.slice(1) : m).replace(/^in:/, '').split(',');
        const hit = list.some((a) => aggs.has(a));
        return none ? !hit : hit;
      });
      if (!ok) continue;
    }
    out.add(rp.uuid);
  }
  return out;
}

export type { AllocationMap };
