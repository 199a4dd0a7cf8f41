/**
 * Placement's objects as draft mutators and guarded getters: resource providers (with
 * generations), inventories, traits, aggregates, consumers and allocations, usages and the
 * capacity rule `int((total − reserved) × allocation_ratio)` (placement/objects/*.py).
 */
import {
  BadRequest,
  CloudError,
  Conflict,
  InvalidInput,
  NotFound,
  check, isIdRef, refId,
  deleteRow,
  emptyTable,
  getRow,
  idRecord,
  namedTable,
  setRow,
  tableEntries,
  tablePrefix,
  tableValues,
  type CloudState,
  type Table,
  type Tx,
} from '../../core/index.js';
import type {} from './augment.js';
import { capacityOf } from './capacity.js';
import { STANDARD_RESOURCE_CLASSES, STANDARD_TRAITS } from './standards.js';
import type { AllocationMap, ConsumerRow, InventoryRow, PlacementState, ResourceProviderRow } from './types.js';

export type { AllocationMap };

type S = CloudState;

/** Placement's error codes (placement/errors.py), never renamed. */
export const PLACEMENT_ERRORS = {
  DEFAULT: 'placement.undefined_code',
  INVENTORY_INUSE: 'placement.inventory.inuse',
  CONCURRENT_UPDATE: 'placement.concurrent_update',
  DUPLICATE_NAME: 'placement.duplicate_name',
  PROVIDER_IN_USE: 'placement.resource_provider.inuse',
  PROVIDER_CANNOT_DELETE_PARENT: 'placement.resource_provider.cannot_delete_parent',
  RESOURCE_PROVIDER_NOT_FOUND: 'placement.resource_provider.not_found',
} as const;

/** 409 `placement.concurrent_update`: the generation given is not the provider's (or consumer's) current one. */
export class ConcurrentUpdate extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ConcurrentUpdate';
  constructor(what: string, expected: number | null, actual: number | null) {
    super(PLACEMENT_ERRORS.CONCURRENT_UPDATE, `${what} generation conflict: expected ${expected}, the current generation is ${actual}. Please update the generation and try again.`, { expected, actual });
  }
}

/** 409: an allocation would exceed the capacity or violate min_unit / max_unit / step_size. */
export class CapacityExceeded extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'CapacityExceeded';
  constructor(resourceClass: string, provider: string, constraint: boolean) {
    super(
      409,
      PLACEMENT_ERRORS.DEFAULT,
      `Unable to allocate inventory: Unable to create allocation for '${resourceClass}' on resource provider '${provider}'. The requested amount would ${constraint ? 'violate inventory constraints' : 'exceed the capacity'}.`,
      { resource_class: resourceClass, resource_provider: provider },
    );
  }
}

/** An empty placement slice. */
export function initialPlacementState(): PlacementState {
  return {
    providers: emptyTable(),
    provider_names: emptyTable(),
    custom_traits: emptyTable(),
    custom_resource_classes: emptyTable(),
    consumers: emptyTable(),
    allocations: emptyTable(),
    provider_consumers: emptyTable(),
  };
}

const key = (...parts: string[]): string => parts.join('|');

/** Rows under `prefix|`, in key order. */
export function under<T>(table: Table<T>, prefix: string): [string, T][] {
  return tablePrefix(table, `${prefix}|`);
}

// ---------------------------------------------------------------- getters

/** Providers by name, unique across the cloud (`provider_names`). */
const namedProviders = namedTable({
  rows: (s: S) => s.placement.providers,
  names: (s: S) => s.placement.provider_names,
  id: (rp: ResourceProviderRow) => rp.uuid,
  duplicate: (name) => new Conflict(PLACEMENT_ERRORS.DUPLICATE_NAME, `Conflicting resource provider name: ${name} already exists.`, { name }),
});

/** A provider by uuid or name (404 `placement.resource_provider.not_found`). */
export function getProvider(s: S, ref: unknown, field = 'resource_provider'): ResourceProviderRow {
  const p = s.placement.providers;
  if (isIdRef(ref)) {
    // a URL path's provider: its uuid only, as Placement looks it up (handlers/resource_provider.py)
    const uuid = refId(ref, field);
    const row = getRow(p, uuid);
    if (row) return row;
    throw new NotFound(PLACEMENT_ERRORS.RESOURCE_PROVIDER_NOT_FOUND, `No resource provider with uuid ${uuid} found`, { field, ref: uuid });
  }
  const r = check.name(ref, field, 255);
  const byId = getRow(p, r);
  if (byId) return byId;
  const byName = namedProviders.find(s, null, r);
  if (byName) return byName;
  throw new NotFound(PLACEMENT_ERRORS.RESOURCE_PROVIDER_NOT_FOUND, `No resource provider with uuid or name '${r}' found.`, { field, ref: r });
}

/** The inventories of a provider by class. */
export function inventoriesOf(s: S, uuid: string): Map<string, InventoryRow> {
  return new Map(Object.entries(getRow(s.placement.providers, uuid)?.inventories ?? {}));
}

/** Amount of `rc` allocated on a provider. */
export function usageOf(s: S, uuid: string, rc: string): number {
  const usages = getRow(s.placement.providers, uuid)?.usages;
  return usages !== undefined && Object.hasOwn(usages, rc) ? (usages[rc] as number) : 0;
}

/** The traits of a provider, sorted. */
export function traitsOf(s: S, uuid: string): readonly string[] {
  return getRow(s.placement.providers, uuid)?.traits ?? [];
}

/** The aggregates of a provider, sorted. */
export function aggregatesOf(s: S, uuid: string): readonly string[] {
  return getRow(s.placement.providers, uuid)?.aggregates ?? [];
}

/** Whether a resource class exists (standard or custom). */
export function isResourceClass(s: S, rc: string): boolean {
  return STANDARD_RESOURCE_CLASSES.includes(rc) || getRow(s.placement.custom_resource_classes, rc) !== undefined;
}

/** Whether a trait exists (standard or custom). */
export function isTrait(s: S, trait: string): boolean {
  return STANDARD_TRAIT_SET.has(trait) || getRow(s.placement.custom_traits, trait) !== undefined;
}

const STANDARD_TRAIT_SET = new Set(STANDARD_TRAITS);

// ---------------------------------------------------------------- providers

/** Writes a provider with `changes`, one generation on. */
function bump(tx: Tx, rp: ResourceProviderRow, changes: Partial<ResourceProviderRow> = {}): ResourceProviderRow {
  const next = { ...rp, ...changes, generation: rp.generation + 1 };
  setRow(tx.draft.placement.providers, rp.uuid, next);
  return next;
}

function checkGeneration(rp: ResourceProviderRow, generation: unknown, field: string): void {
  if (generation === undefined) return;
  const g = check.integer(generation, field, 0);
  if (g !== rp.generation) throw new ConcurrentUpdate(`resource provider ${rp.uuid}`, g, rp.generation);
}

/**
 * Writes a whole new provider row with its name (409 `placement.duplicate_name` when the name is
 * taken): what nova-compute's create, PUT inventories and PUT traits of a new compute node
 * amount to, written as one row.
 */
export function insertProvider(tx: Tx, row: ResourceProviderRow): void {
  namedProviders.insert(tx.draft as S, row);
}

/** `POST /resource_providers`. */
export function createProvider(tx: Tx, input: unknown): ResourceProviderRow {
  const s = tx.draft as S;
  const r = check.record(input, 'resource_provider');
  check.onlyKeys(r, ['name', 'uuid', 'parent_provider_uuid'], 'resource_provider');
  const name = check.name(r.name, 'resource_provider.name', 200);
  const uuid = r.uuid === undefined ? tx.ids.uuid() : checkUuid(r.uuid, 'resource_provider.uuid');
  namedProviders.assertFree(s, null, name);
  if (getRow(s.placement.providers, uuid) !== undefined) throw new Conflict(PLACEMENT_ERRORS.DUPLICATE_NAME, `Conflicting resource provider uuid: ${uuid} already exists.`, { uuid });
  let root = uuid;
  let parent: string | null = null;
  if (r.parent_provider_uuid !== undefined && r.parent_provider_uuid !== null) {
    const p = getRow(s.placement.providers, checkUuid(r.parent_provider_uuid, 'resource_provider.parent_provider_uuid'));
    if (!p) throw new InvalidInput('resource_provider.parent_provider_uuid', `parent provider UUID does not exist: ${String(r.parent_provider_uuid)}.`);
    parent = p.uuid;
    root = p.root_provider_uuid;
  }
  const row: ResourceProviderRow = { uuid, id: tx.counter('placement.provider'), name, generation: 0, parent_provider_uuid: parent, root_provider_uuid: root, inventories: {}, usages: {}, traits: [], aggregates: [] };
  namedProviders.insert(s, row);
  tx.trace('placement', 'resource provider created', { uuid, name });
  return row;
}

/** `PUT /resource_providers/{uuid}`: rename (the parent may only be set, not changed, as in Zed). */
export function updateProvider(tx: Tx, rp: ResourceProviderRow, input: unknown): ResourceProviderRow {
  const s = tx.draft as S;
  const r = check.record(input, 'resource_provider');
  check.onlyKeys(r, ['name', 'parent_provider_uuid'], 'resource_provider');
  const name = check.name(r.name, 'resource_provider.name', 200);
  let parentChanges: Partial<ResourceProviderRow> = {};
  if (r.parent_provider_uuid !== undefined && (r.parent_provider_uuid ?? null) !== rp.parent_provider_uuid) {
    // 1.14: a root provider may be given a parent; changing or removing one needs 1.37, not simulated
    if (rp.parent_provider_uuid !== null || r.parent_provider_uuid === null) {
      throw new BadRequest(PLACEMENT_ERRORS.DEFAULT, 'Changing the parent of a resource provider is not supported here (re-parenting needs microversion 1.37 semantics).', { field: 'resource_provider.parent_provider_uuid' });
    }
    const parent = getRow(s.placement.providers, checkUuid(r.parent_provider_uuid, 'resource_provider.parent_provider_uuid'));
    if (!parent) throw new InvalidInput('resource_provider.parent_provider_uuid', `parent provider UUID does not exist: ${String(r.parent_provider_uuid)}.`);
    if (parent.root_provider_uuid === rp.uuid) throw new InvalidInput('resource_provider.parent_provider_uuid', 'creating a loop in the provider tree is not allowed.');
    for (const [, child] of tableEntries(s.placement.providers)) {
      if (child.root_provider_uuid === rp.uuid && child.uuid !== rp.uuid) setRow(tx.draft.placement.providers, child.uuid, { ...child, root_provider_uuid: parent.root_provider_uuid });
    }
    parentChanges = { parent_provider_uuid: parent.uuid, root_provider_uuid: parent.root_provider_uuid };
  }
  const next: ResourceProviderRow = { ...rp, name, ...parentChanges, generation: rp.generation + 1 };
  namedProviders.update(s, rp, next);
  return next;
}

/** `DELETE /resource_providers/{uuid}`: refused while it has allocations or children. */
export function deleteProvider(tx: Tx, rp: ResourceProviderRow): void {
  const s = tx.draft as S;
  if ([...under(s.placement.provider_consumers, rp.uuid)].length > 0) {
    throw new Conflict(PLACEMENT_ERRORS.PROVIDER_IN_USE, `Unable to delete resource provider ${rp.uuid}: Resource provider has allocations.`, { uuid: rp.uuid });
  }
  for (const [, p] of tableEntries(s.placement.providers)) {
    if (p.parent_provider_uuid === rp.uuid) throw new Conflict(PLACEMENT_ERRORS.PROVIDER_CANNOT_DELETE_PARENT, `Unable to delete parent resource provider ${rp.uuid}: It has child resource providers.`, { uuid: rp.uuid });
  }
  namedProviders.remove(s, rp);
  tx.trace('placement', 'resource provider deleted', { uuid: rp.uuid });
}

/** A UUID (with or without dashes), lowercased; 400 naming the field otherwise. */
export function checkUuid(x: unknown, field: string): string {
  const u = check.name(x, field, 36);
  if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(u)) throw new InvalidInput(field, `'${u}' is not a UUID.`);
  return u.toLowerCase();
}

// ---------------------------------------------------------------- inventories

const INVENTORY_KEYS = ['total', 'reserved', 'min_unit', 'max_unit', 'step_size', 'allocation_ratio'];
/** Placement's limit on integer fields (db MAX_INT). */
const MAX_INT = 2_147_483_647;

/**
 * Checks one inventory body with Placement's defaults (reserved 0, min_unit 1, max_unit = MAX_INT,
 * step 1, ratio 1.0). As Placement's schema (placement/schemas/inventory.py) each limit is checked
 * on its own (≥ 1): an inventory with `min_unit > max_unit` is stored, and every claim on it is then
 * a 409 "violate inventory constraints", as in Placement.
 */
export function checkInventory(rp: string, rc: string, input: unknown, field: string): InventoryRow {
  const i = check.record(input, field);
  check.onlyKeys(i, INVENTORY_KEYS, field);
  const total = check.integer(i.total, `${field}.total`, 1, MAX_INT);
  const inv: InventoryRow = {
    resource_provider_uuid: rp,
    resource_class: rc,
    total,
    reserved: check.optional(i.reserved, `${field}.reserved`, (x, f) => check.integer(x, f, 0, MAX_INT), 0),
    min_unit: check.optional(i.min_unit, `${field}.min_unit`, (x, f) => check.integer(x, f, 1, MAX_INT), 1),
    max_unit: check.optional(i.max_unit, `${field}.max_unit`, (x, f) => check.integer(x, f, 1, MAX_INT), MAX_INT),
    step_size: check.optional(i.step_size, `${field}.step_size`, (x, f) => check.integer(x, f, 1, MAX_INT), 1),
    allocation_ratio: check.optional(i.allocation_ratio, `${field}.allocation_ratio`, (x, f) => check.number(x, f, 0.0001, 3.40282e38), 1.0),
  };
  if (inv.reserved > inv.total) throw new InvalidInput(`${field}.reserved`, `Unable to update inventory for resource provider ${rp}: reserved (${inv.reserved}) must not exceed total (${inv.total}).`);
  return inv;
}

/**
 * `PUT /resource_providers/{uuid}/inventories`: replaces every inventory. Removing a class that
 * has allocations is `placement.inventory.inuse` (409). Shrinking a class below its usage is
 * allowed, as Placement does (it logs "over capacity"); later claims then fail.
 */
export function setInventories(tx: Tx, rp: ResourceProviderRow, input: unknown): ResourceProviderRow {
  const s = tx.draft as S;
  const r = check.record(input, 'body');
  check.onlyKeys(r, ['resource_provider_generation', 'inventories'], 'body');
  checkGeneration(rp, check.integer(r.resource_provider_generation, 'body.resource_provider_generation', 0), 'body.resource_provider_generation');
  const invs = check.record(r.inventories, 'body.inventories');
  const next = new Map<string, InventoryRow>();
  for (const [rc, body] of Object.entries(invs)) {
    if (!isResourceClass(s, rc)) throw new InvalidInput(`body.inventories.${rc}`, `Unknown resource class in inventory for resource provider ${rp.uuid}: ${rc}.`);
    next.set(rc, checkInventory(rp.uuid, rc, body, `body.inventories.${rc}`));
  }
  return replaceInventories(tx, rp, next);
}

/** `DELETE /resource_providers/{uuid}/inventories` (1.5): removes every inventory; inuse while any class is allocated. */
export function deleteInventories(tx: Tx, rp: ResourceProviderRow): ResourceProviderRow {
  return replaceInventories(tx, rp, new Map());
}

/** Placement's `set_inventory`: the provider's inventories become `next`; a removed class still allocated is inuse. */
function replaceInventories(tx: Tx, rp: ResourceProviderRow, next: ReadonlyMap<string, InventoryRow>): ResourceProviderRow {
  const s = tx.draft as S;
  const inUse = Object.keys(rp.inventories).filter((rc) => !next.has(rc) && usageOf(s, rp.uuid, rc) > 0);
  if (inUse.length > 0) throw new Conflict(PLACEMENT_ERRORS.INVENTORY_INUSE, `update conflict: Inventory for '${inUse.join(', ')}' on resource provider '${rp.uuid}' in use.`, { resource_classes: inUse });
  tx.trace('placement', 'inventories set', { uuid: rp.uuid, classes: [...next.keys()] });
  return bump(tx, rp, { inventories: Object.fromEntries(next) });
}

/**
 * `POST /resource_providers/{uuid}/inventories`: adds one inventory (`resource_class` in the body,
 * no generation). An unknown class is 400; a class the provider already has is a 409
 * `placement.concurrent_update`, as Placement's duplicate-row error is.
 */
export function createInventory(tx: Tx, rp: ResourceProviderRow, input: unknown): { readonly row: ResourceProviderRow; readonly rc: string } {
  const s = tx.draft as S;
  const { resource_class: rawClass, resource_provider_generation: generation, ...body } = check.record(input, 'body');
  const rc = check.name(rawClass, 'body.resource_class', 255);
  // the schema allows a generation here; Placement does not compare it
  if (generation !== undefined) check.integer(generation, 'body.resource_provider_generation', 0);
  if (!isResourceClass(s, rc)) throw new InvalidInput('body.resource_class', `Unable to create inventory for resource provider ${rp.uuid}: No such resource class ${rc}.`);
  if (Object.hasOwn(rp.inventories, rc)) throw new Conflict(PLACEMENT_ERRORS.CONCURRENT_UPDATE, `Update conflict: resource provider ${rp.uuid} already has an inventory of ${rc}.`, { resource_class: rc });
  const inv = checkInventory(rp.uuid, rc, body, 'body');
  tx.trace('placement', 'inventory created', { uuid: rp.uuid, resource_class: rc });
  return { row: bump(tx, rp, { inventories: { ...rp.inventories, [rc]: inv } }), rc };
}

/**
 * `PUT /resource_providers/{uuid}/inventories/{rc}`: replaces one inventory the provider already
 * has (a class it lacks is 400, as Placement answers); `resource_provider_generation` is required.
 * Shrinking below usage is allowed, as in {@link setInventories}.
 */
export function setInventory(tx: Tx, rp: ResourceProviderRow, rc: string, input: unknown): ResourceProviderRow {
  const { resource_provider_generation: generation, ...body } = check.record(input, 'body');
  if (generation === undefined) throw new InvalidInput('body.resource_provider_generation', 'is required: give the provider generation you last read.');
  const inv = checkInventory(rp.uuid, rc, body, 'body');
  checkGeneration(rp, generation, 'body.resource_provider_generation');
  if (!Object.hasOwn(rp.inventories, rc)) throw new InvalidInput('resource_class', `No inventory record with resource class for resource provider ${rp.uuid}: no inventory of ${rc}; create it with POST or PUT all inventories.`);
  tx.trace('placement', 'inventory updated', { uuid: rp.uuid, resource_class: rc });
  return bump(tx, rp, { inventories: { ...rp.inventories, [rc]: inv } });
}

/** `DELETE /resource_providers/{uuid}/inventories/{rc}`: refused while allocated (inuse). */
export function deleteInventory(tx: Tx, rp: ResourceProviderRow, rc: string, generation?: number): ResourceProviderRow {
  const s = tx.draft as S;
  checkGeneration(rp, generation, 'resource_provider_generation');
  if (!Object.hasOwn(rp.inventories, rc)) throw new NotFound(PLACEMENT_ERRORS.DEFAULT, `No inventory of class ${rc} found for resource provider ${rp.uuid}.`);
  if (usageOf(s, rp.uuid, rc) > 0) throw new Conflict(PLACEMENT_ERRORS.INVENTORY_INUSE, `Inventory for '${rc}' on resource provider '${rp.uuid}' in use.`, { resource_classes: [rc] });
  const { [rc]: _gone, ...rest } = rp.inventories;
  return bump(tx, rp, { inventories: rest });
}

// ---------------------------------------------------------------- traits and aggregates

/** `PUT /resource_providers/{uuid}/traits`: replaces the provider's traits (all must exist). */
export function setTraits(tx: Tx, rp: ResourceProviderRow, traits: unknown, generation: unknown): ResourceProviderRow {
  const s = tx.draft as S;
  checkGeneration(rp, check.integer(generation, 'resource_provider_generation', 0), 'resource_provider_generation');
  const list = check.array(traits, 'traits', (t, f) => {
    const name = check.name(t, f, 255);
    if (!isTrait(s, name)) throw new InvalidInput(f, `No such trait(s): ${name}.`);
    return name;
  }, 10_000);
  return bump(tx, rp, { traits: [...new Set(list)].sort() });
}

/**
 * `PUT /resource_providers/{uuid}/aggregates`: replaces the provider's aggregates. With a
 * generation (1.19) it is checked and the provider's generation moves on; without one (1.1 – 1.18)
 * neither happens, as Placement's `set_aggregates(increment_generation=False)`.
 */
export function setAggregates(tx: Tx, rp: ResourceProviderRow, aggregates: unknown, generation: unknown): ResourceProviderRow {
  const checked = generation === undefined ? undefined : check.integer(generation, 'resource_provider_generation', 0);
  checkGeneration(rp, checked, 'resource_provider_generation');
  const list = check.array(aggregates, 'aggregates', (a, f) => checkUuid(a, f), 10_000);
  const changes = { aggregates: [...new Set(list)].sort() };
  if (checked !== undefined) return bump(tx, rp, changes);
  const next = { ...rp, ...changes };
  setRow(tx.draft.placement.providers, rp.uuid, next);
  return next;
}

/** A custom name (`CUSTOM_` + uppercase letters, digits, `_`), as the trait and resource class schemas require. */
function customName(name: unknown, what: 'trait' | 'resource class'): string {
  const n = check.name(name, 'name', 255);
  if (/^CUSTOM_[A-Z0-9_]+$/.test(n)) return n;
  throw new InvalidInput(
    'name',
    what === 'trait'
      ? 'The trait is invalid. A valid trait must be no longer than 255 characters, start with the prefix "CUSTOM_" and use following characters: "A"-"Z", "0"-"9" and "_".'
      : `'${n}' is not a valid custom resource class: use CUSTOM_ followed by A-Z, 0-9 and _.`,
  );
}

/** Whether some provider matches (a scan: deleting vocabulary is a rare operator call, not a hot path). */
function anyProvider(s: S, pick: (rp: ResourceProviderRow) => boolean): boolean {
  for (const rp of tableValues(s.placement.providers)) if (pick(rp)) return true;
  return false;
}

/** `PUT /traits/{name}`: creates a custom trait; true when created (201), false when it existed (204). */
export function createTrait(tx: Tx, name: unknown): boolean {
  const n = customName(name, 'trait');
  if (getRow(tx.draft.placement.custom_traits, n) !== undefined) return false;
  setRow(tx.draft.placement.custom_traits, n, n);
  return true;
}

/** `DELETE /traits/{name}`: unknown 404, standard 400, held by a provider 409. */
export function deleteTrait(tx: Tx, name: unknown): void {
  const s = tx.draft as S;
  const n = check.name(name, 'name', 255);
  if (!isTrait(s, n)) throw new NotFound(PLACEMENT_ERRORS.DEFAULT, `No such trait(s): ${n}.`);
  if (STANDARD_TRAIT_SET.has(n)) throw new InvalidInput('name', `Cannot delete standard trait ${n}.`);
  if (anyProvider(s, (rp) => rp.traits.includes(n))) throw new Conflict(PLACEMENT_ERRORS.DEFAULT, `The trait ${n} is in use by a resource provider.`, { name: n });
  deleteRow(tx.draft.placement.custom_traits, n);
}

/** `POST /resource_classes`: creates a custom resource class (409 when it exists). */
export function createResourceClass(tx: Tx, name: unknown): void {
  if (!ensureResourceClass(tx, name)) throw new Conflict(PLACEMENT_ERRORS.DEFAULT, `Conflicting resource class already exists: ${String(name)}.`, { name: String(name) });
}

/** `PUT /resource_classes/{name}` (1.7): creates a custom class; true when created (201), false when it existed (204). */
export function ensureResourceClass(tx: Tx, name: unknown): boolean {
  const n = customName(name, 'resource class');
  if (isResourceClass(tx.draft as S, n)) return false;
  setRow(tx.draft.placement.custom_resource_classes, n, n);
  return true;
}

/** `DELETE /resource_classes/{name}`: unknown 404, standard 400, inventoried by a provider 409. */
export function deleteResourceClass(tx: Tx, name: unknown): void {
  const s = tx.draft as S;
  const n = check.name(name, 'name', 255);
  if (!isResourceClass(s, n)) throw new NotFound(PLACEMENT_ERRORS.DEFAULT, `No such resource class ${n}.`);
  if (getRow(s.placement.custom_resource_classes, n) === undefined) throw new InvalidInput('name', `Error in delete resource class: Cannot delete standard resource class ${n}.`);
  if (anyProvider(s, (rp) => Object.hasOwn(rp.inventories, n))) throw new Conflict(PLACEMENT_ERRORS.DEFAULT, `Error in delete resource class: Cannot delete resource class ${n}. Class is in use in inventory.`, { name: n });
  deleteRow(tx.draft.placement.custom_resource_classes, n);
}

// ---------------------------------------------------------------- allocations

/** The allocations of a consumer, as `GET /allocations/{consumer}` shows them. */
export function allocationsOf(s: S, consumer: string): AllocationMap {
  return getRow(s.placement.allocations, consumer) ?? {};
}

/** `out[k] = v` as an own property, also for the key `__proto__` (which an assignment would take as the prototype). */
function setOwn<T>(out: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/** Checks an allocation body `{ <rp>: { resources: { <class>: amount } } }`. */
export function checkAllocationMap(input: unknown, field: string): AllocationMap {
  const r = check.record(input, field);
  const out: Record<string, Record<string, number>> = {};
  for (const [rp, body] of Object.entries(r)) {
    const b = check.record(body, `${field}.${rp}`);
    check.onlyKeys(b, ['resources', 'generation'], `${field}.${rp}`);
    const res = check.record(b.resources, `${field}.${rp}.resources`);
    const classes: Record<string, number> = {};
    for (const [rc, amount] of Object.entries(res)) setOwn(classes, rc, check.integer(amount, `${field}.${rp}.resources.${rc}`, 1, MAX_INT));
    if (Object.keys(classes).length === 0) throw new InvalidInput(`${field}.${rp}.resources`, 'give at least one resource class.');
    setOwn(out, rp, classes);
  }
  return out;
}

/** A consumer's new allocations with who holds them. */
export interface ConsumerAllocations {
  readonly consumer_uuid: string;
  readonly allocations: AllocationMap;
  readonly project_id: string;
  readonly user_id: string;
  /** The consumer generation the caller saw (null for a new consumer); checked when given. */
  readonly consumer_generation?: number | null;
  readonly consumer_type?: ConsumerRow['consumer_type'];
}

/**
 * Replaces the allocations of one or more consumers atomically (`PUT /allocations/{consumer}`,
 * `POST /allocations`): every new amount must fit `used + amount ≤ capacity` and the inventory's
 * min_unit / max_unit / step_size, counting what the same consumers free. Empty allocations delete
 * the consumer. Generations of touched providers and consumers move on.
 */
export function replaceAllocations(tx: Tx, requests: readonly ConsumerAllocations[]): void {
  writeAllocations(tx, requests);
}

/** A provider's row before and after {@link writeAllocations} wrote it. */
export interface ProviderWrite {
  readonly before: ResourceProviderRow;
  readonly after: ResourceProviderRow;
}

/**
 * {@link replaceAllocations}, answering the provider rows it wrote (by uuid, in the order
 * written): the only rows of the providers table it changed.
 */
export function writeAllocations(tx: Tx, requests: readonly ConsumerAllocations[]): ReadonlyMap<string, ProviderWrite> {
  const s = tx.draft as S;
  // one request: its consumer's rows, read once below, stay as read until its own writes
  const single = requests.length === 1;
  let consumerRow: ConsumerRow | undefined;
  let heldRow: AllocationMap | undefined;
  // the slice's tables, read through the call's draft (getRow reads a table draft without drafting rows)
  const pl = tx.draft.placement;
  // what the consumers hold now is freed first, so moving an amount within one request fits
  const freed = new Amounts();
  for (const req of requests) {
    const consumer = (consumerRow = getRow(pl.consumers, req.consumer_uuid));
    if (req.consumer_generation !== undefined) {
      const actual = consumer ? consumer.generation : null;
      if (req.consumer_generation !== actual) throw new ConcurrentUpdate(`consumer ${req.consumer_uuid}`, req.consumer_generation, actual);
    }
    const held = (heldRow = getRow(pl.allocations, req.consumer_uuid));
    if (held !== undefined) for (const rp of Object.keys(held)) freed.addAll(rp, held[rp] as Readonly<Record<string, number>>, 1);
  }
  // each request's providers as its allocations name them (uuid or name), resolved once; the
  // handler's own checks come first: every provider exists and every class is known (400)
  const resolved: ResourceProviderRow[][] = [];
  let lacking = false;
  for (const req of requests) {
    const rows: ResourceProviderRow[] = [];
    resolved.push(rows);
    for (const rpRef of Object.keys(req.allocations)) {
      const rp = getRow(pl.providers, rpRef) ?? namedProviders.find(s, null, rpRef);
      if (!rp) throw new InvalidInput(`allocations.${rpRef}`, `Unable to allocate inventory: resource provider ${rpRef} does not exist.`);
      rows.push(rp);
      for (const rc of Object.keys(req.allocations[rpRef] as Readonly<Record<string, number>>)) {
        if (!isResourceClass(s, rc)) throw new InvalidInput(`allocations.${rpRef}.resources.${rc}`, `Unable to allocate inventory: unknown resource class ${rc}.`);
        if (!Object.hasOwn(rp.inventories, rc)) lacking = true;
      }
    }
  }
  // then Placement's _check_capacity_exceeded (placement/objects/allocation.py): a provider with an
  // inventory of none of the classes asked anywhere in the request is refused first, naming them all
  if (lacking) missingInventories(requests, resolved);
  // then each allocation in request order (consumers, providers, classes as given): its inventory,
  // its limits (min_unit, max_unit, step_size), then capacity with what the request asked of that
  // class on that provider so far, so the 409 names the first class that fails and why
  const wanted = new Amounts();
  for (let r = 0; r < requests.length; r++) {
    const req = requests[r] as ConsumerAllocations;
    const rows = resolved[r] as ResourceProviderRow[];
    const refs = Object.keys(req.allocations);
    for (let i = 0; i < refs.length; i++) {
      const rp = rows[i] as ResourceProviderRow;
      const classes = req.allocations[refs[i] as string] as Readonly<Record<string, number>>;
      for (const rc of Object.keys(classes)) {
        const amount = classes[rc] as number;
        const inv = Object.hasOwn(rp.inventories, rc) ? rp.inventories[rc] : undefined;
        if (!inv) throw new Conflict(PLACEMENT_ERRORS.DEFAULT, `Unable to allocate inventory: Inventory for '${rc}' on resource provider '${rp.uuid}' invalid.`, { resource_class: rc, resource_provider: rp.uuid });
        if (amount < inv.min_unit || amount > inv.max_unit || amount % inv.step_size !== 0) throw new CapacityExceeded(rc, rp.uuid, true);
        wanted.add(rp.uuid, rc, amount, rp);
        // the rows resolved above are the table's: no provider is written before the checks end
        const used = (Object.hasOwn(rp.usages, rc) ? (rp.usages[rc] as number) : 0) - freed.get(rp.uuid, rc);
        if (used + wanted.get(rp.uuid, rc) > capacityOf(inv)) throw new CapacityExceeded(rc, rp.uuid, false);
      }
    }
  }
  // all checks passed: write the consumers, then each touched provider once (usage + generation)
  const deltas = new Amounts();
  for (const req of requests) {
    const held = single ? heldRow : getRow(pl.allocations, req.consumer_uuid);
    if (held === undefined) continue; // nothing held: nothing to delete
    for (const rp of Object.keys(held)) {
      deltas.addAll(rp, held[rp] as Readonly<Record<string, number>>, -1);
      deleteRow(pl.provider_consumers, key(rp, req.consumer_uuid));
    }
    deleteRow(pl.allocations, req.consumer_uuid);
  }
  for (let r = 0; r < requests.length; r++) {
    const req = requests[r] as ConsumerAllocations;
    const consumer = single ? consumerRow : getRow(pl.consumers, req.consumer_uuid);
    const refs = Object.keys(req.allocations);
    if (refs.length === 0) {
      if (consumer) deleteRow(pl.consumers, req.consumer_uuid);
      continue;
    }
    setRow(pl.consumers, req.consumer_uuid, {
      uuid: req.consumer_uuid,
      project_id: req.project_id,
      user_id: req.user_id,
      generation: consumer ? consumer.generation + 1 : 1, // created at 0, then the allocation write
      consumer_type: req.consumer_type ?? consumer?.consumer_type ?? 'INSTANCE',
    });
    const rows = resolved[r] as ResourceProviderRow[];
    // keyed by provider uuid: an id-keyed record, so V8 makes no hidden class per provider
    const stored = idRecord<Record<string, number>>();
    for (let i = 0; i < refs.length; i++) {
      const classes = req.allocations[refs[i] as string] as Readonly<Record<string, number>>;
      check.name(refs[i], 'allocations', 255); // as getProvider checks the reference
      const rp = (rows[i] as ResourceProviderRow).uuid;
      const before = stored[rp];
      stored[rp] = before === undefined ? { ...classes } : { ...before, ...classes };
      deltas.addAll(rp, classes, 1);
      setRow(pl.provider_consumers, key(rp, req.consumer_uuid), req.consumer_uuid);
    }
    setRow(pl.allocations, req.consumer_uuid, stored);
  }
  const written = new Map<string, ProviderWrite>();
  for (const [uuid, changes] of deltas.byProvider) {
    // the rows resolved above are still the table's: no provider was written before this loop
    const rp = wanted.rowOf(uuid) ?? getRow(pl.providers, uuid);
    if (!rp) continue;
    const usages: Record<string, number> = { ...rp.usages };
    for (const [rc, d] of changes) {
      const v = (usages[rc] ?? 0) + d.amount;
      if (v === 0) delete usages[rc];
      else usages[rc] = v;
    }
    written.set(uuid, { before: rp, after: bump(tx, rp, { usages }) });
  }
  return written;
}

/**
 * Placement's first refusal in `_check_capacity_exceeded`: providers (in request order) with an
 * inventory of none of the classes the request asks for anywhere, as one 409 naming every class
 * asked and every such provider (`InvalidInventory`). Returns when there is none.
 */
function missingInventories(requests: readonly ConsumerAllocations[], resolved: readonly (readonly ResourceProviderRow[])[]): void {
  const asked: string[] = [];
  for (const req of requests) for (const classes of Object.values(req.allocations)) for (const rc of Object.keys(classes)) if (!asked.includes(rc)) asked.push(rc);
  const missing: string[] = [];
  for (const rows of resolved) {
    for (const rp of rows) if (!missing.includes(rp.uuid) && !asked.some((rc) => Object.hasOwn(rp.inventories, rc))) missing.push(rp.uuid);
  }
  if (missing.length === 0) return;
  const classes = asked.join(', ');
  const providers = missing.join(', ');
  throw new Conflict(PLACEMENT_ERRORS.DEFAULT, `Unable to allocate inventory: Inventory for '${classes}' on resource provider '${providers}' invalid.`, { resource_class: classes, resource_provider: providers });
}

/** An amount of one class on one provider. */
interface Amount {
  readonly rp: string;
  readonly rc: string;
  amount: number;
  /** The provider's row, when the amount was asked for on it. */
  readonly row: ResourceProviderRow | undefined;
}

/** Amounts by provider and class, with the order they were first given in. */
class Amounts {
  readonly byProvider = new Map<string, Map<string, Amount>>();
  readonly list: Amount[] = [];

  add(rp: string, rc: string, amount: number, row?: ResourceProviderRow): void {
    let classes = this.byProvider.get(rp);
    if (classes === undefined) this.byProvider.set(rp, (classes = new Map()));
    const known = classes.get(rc);
    if (known !== undefined) known.amount += amount;
    else {
      const a: Amount = { rp, rc, amount, row };
      classes.set(rc, a);
      this.list.push(a);
    }
  }

  addAll(rp: string, classes: Readonly<Record<string, number>>, sign: 1 | -1): void {
    for (const rc of Object.keys(classes)) this.add(rp, rc, sign * (classes[rc] as number));
  }

  get(rp: string, rc: string): number {
    return this.byProvider.get(rp)?.get(rc)?.amount ?? 0;
  }

  /** The row of provider `rp` given with its first amount, if any. */
  rowOf(rp: string): ResourceProviderRow | undefined {
    const classes = this.byProvider.get(rp);
    if (classes === undefined) return undefined;
    for (const a of classes.values()) return a.row;
    return undefined;
  }
}
