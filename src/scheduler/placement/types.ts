/** Placement's resources as the state stores them (placement/objects/*). */
import type { Table } from '../../core/index.js';
import type { InventoryRecord } from './capacity.js';

/**
 * A resource provider with everything Placement keeps per provider: inventories by class, usage
 * by class, traits and aggregates. One row, so any change to a provider (which bumps its
 * generation anyway) writes one row. `id` is Placement's internal id: the creation order, which
 * orders candidates.
 */
export interface ResourceProviderRow {
  readonly uuid: string;
  readonly id: number;
  readonly name: string;
  readonly generation: number;
  readonly parent_provider_uuid: string | null;
  readonly root_provider_uuid: string;
  readonly inventories: Readonly<Record<string, InventoryRow>>;
  /** Amount allocated by class (kept with every allocation change). */
  readonly usages: Readonly<Record<string, number>>;
  /** Sorted. */
  readonly traits: readonly string[];
  /** Sorted aggregate uuids. */
  readonly aggregates: readonly string[];
}

/** One resource class's inventory on a provider. */
export interface InventoryRow extends InventoryRecord {
  readonly resource_provider_uuid: string;
  readonly resource_class: string;
}

/** A consumer: an instance or a migration holding allocations. */
export interface ConsumerRow {
  readonly uuid: string;
  readonly project_id: string;
  readonly user_id: string;
  readonly generation: number;
  /** Placement 1.38's consumer types. */
  readonly consumer_type: 'INSTANCE' | 'MIGRATION' | 'unknown';
}

/** What a consumer holds: provider uuid → class → amount. */
export type AllocationMap = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** The placement slice. */
export interface PlacementState {
  readonly providers: Table<ResourceProviderRow>;
  /** name → uuid (names are unique) */
  readonly provider_names: Table<string>;
  /** custom trait names (`CUSTOM_*`) */
  readonly custom_traits: Table<string>;
  /** custom resource class names (`CUSTOM_*`) */
  readonly custom_resource_classes: Table<string>;
  readonly consumers: Table<ConsumerRow>;
  /** consumer → its allocations */
  readonly allocations: Table<AllocationMap>;
  /** `<rp>|<consumer>` → consumer uuid: who holds something on a provider */
  readonly provider_consumers: Table<string>;
}
