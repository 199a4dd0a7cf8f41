/**
 * What nova-scheduler reads of the compute hosts, and Placement's side of what their resource
 * tracker reports: the nova.conf options that shape each host's inventory (the
 * `compute_config` slice, read by the scheduler for the host states' reservations), the host
 * aggregates of the nova API database (`host_aggregates.ts` keeps them), what the scheduler
 * reads of each host's nova-compute service and compute node stats (disabled, forced down,
 * `failed_builds`), and the Placement writes nova's report client makes for a compute node.
 *
 * nova-compute's resource tracker itself (what a host reports: inventories from the hardware and
 * nova.conf, traits from the CPU flags and the driver) is nova's, in `src/compute`
 * (`resource_tracker.ts`); it reacts to the hardware's hooks and to
 * `scheduler.compute_config.changed`, which {@link setComputeConfig} fires so the new inventory
 * is reported at once.
 */
import { Conflict, check, deleteRow, getRow, plain, setRow, emptyTable, type CloudState, type Table, type Tx } from '../core/index.js';
import type { Host } from '../hardware/index.js';
import { deleteProvider, insertProvider, under, type InventoryRow, type ResourceProviderRow } from './placement/index.js';
import type {} from './events.js';

/** nova.conf options of a compute host that shape its inventory (Zed's defaults). */
export interface ComputeConfig {
  /** `cpu_allocation_ratio`: unset (null) ⇒ `initial_cpu_allocation_ratio`. */
  readonly cpu_allocation_ratio: number | null;
  readonly ram_allocation_ratio: number | null;
  readonly disk_allocation_ratio: number | null;
  /** Zed: 16.0. */
  readonly initial_cpu_allocation_ratio: number;
  /** Zed: 1.5. */
  readonly initial_ram_allocation_ratio: number;
  /** Zed: 1.0. */
  readonly initial_disk_allocation_ratio: number;
  /** Zed: 512. */
  readonly reserved_host_memory_mb: number;
  /** Zed: 0 (placement reserves it rounded up to whole GB). */
  readonly reserved_host_disk_mb: number;
  /** Zed: 0. */
  readonly reserved_host_cpus: number;
}

/** Zed's defaults (`nova/conf/compute.py`). */
export const COMPUTE_DEFAULTS: ComputeConfig = Object.freeze({
  cpu_allocation_ratio: null,
  ram_allocation_ratio: null,
  disk_allocation_ratio: null,
  initial_cpu_allocation_ratio: 16.0,
  initial_ram_allocation_ratio: 1.5,
  initial_disk_allocation_ratio: 1.0,
  reserved_host_memory_mb: 512,
  reserved_host_disk_mb: 0,
  reserved_host_cpus: 0,
});

/**
 * A host aggregate of the nova API database (`nova/db/api/models.py` `Aggregate`,
 * `AggregateHost`, `AggregateMetadata`) created through the compute API. The aggregates of the
 * topology's availability zones are not rows: the scheduler derives them (`host_states.ts`).
 */
export interface HostAggregateRow {
  /** The database id (the API's `id` before and after 2.41). */
  readonly id: number;
  readonly uuid: string;
  /** Unique among aggregates. */
  readonly name: string;
  /** Member hosts (compute hostnames), in the order they were added. */
  readonly hosts: readonly string[];
  /** `availability_zone` among them makes the aggregate a zone. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Virtual seconds. */
  readonly created_at: number;
  readonly updated_at: number | null;
}

/**
 * What nova-scheduler's HostManager reads of a host's nova-compute service and compute node
 * besides Placement (`nova/scheduler/host_manager.py`: `service`, `stats['failed_builds']`).
 * A host without a row has Zed's defaults: enabled, not forced down, no failed builds.
 */
export interface ComputeNodeStatus {
  readonly disabled: boolean;
  readonly disabled_reason: string | null;
  readonly forced_down: boolean;
  /** Consecutive failed builds since the last success (`nova/compute/stats.py`). */
  readonly failed_builds: number;
}

/** The nova-side slice: compute options, per-host overrides (by hostname), scheduler options, aggregates, compute node status. */
export interface ComputeConfigState {
  readonly defaults: ComputeConfig;
  readonly hosts: Table<Partial<ComputeConfig>>;
  /** nova-scheduler's nova.conf sections (`[filter_scheduler]`, `[scheduler]`, …) over Zed's defaults. */
  readonly scheduler: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Host aggregates made through the compute API, by {@link aggregateKey} (id order). */
  readonly aggregates: Table<HostAggregateRow>;
  /** The next aggregate's id (the database's autoincrement). */
  readonly next_aggregate_id: number;
  /** {@link ComputeNodeStatus} of compute hosts that differ from the defaults, by hostname. */
  readonly nodes: Table<ComputeNodeStatus>;
}

declare module '../core/state.js' {
  interface CloudState {
    /** nova.conf of the compute hosts (the options that shape their Placement inventory), nova's host aggregates, what the scheduler reads of the compute services. */
    readonly compute_config: ComputeConfigState;
  }
}

/** An empty compute-config slice. */
export function initialComputeConfig(defaults: ComputeConfig = COMPUTE_DEFAULTS): ComputeConfigState {
  return { defaults, hosts: emptyTable(), scheduler: {}, aggregates: emptyTable(), next_aggregate_id: 1, nodes: emptyTable() };
}

/** The key of aggregate `id` in its table (zero-padded: the table's order is the ids'). */
export function aggregateKey(id: number): string {
  return String(id).padStart(10, '0');
}

/** Placement's largest integer (db MAX_INT). */
const PLACEMENT_MAX_INT = 2_147_483_647;

const RATIO_KEYS = ['cpu_allocation_ratio', 'ram_allocation_ratio', 'disk_allocation_ratio', 'initial_cpu_allocation_ratio', 'initial_ram_allocation_ratio', 'initial_disk_allocation_ratio'] as const;
const RESERVED_KEYS = ['reserved_host_memory_mb', 'reserved_host_disk_mb', 'reserved_host_cpus'] as const;

/** Checks a (partial) compute config, naming the field. */
export function checkComputeConfig(input: unknown, field: string): Partial<ComputeConfig> {
  const o = check.record(input, field);
  check.onlyKeys(o, [...RATIO_KEYS, ...RESERVED_KEYS], field);
  const out: Record<string, number | null> = {};
  for (const k of RATIO_KEYS) {
    if (o[k] === undefined) continue;
    out[k] = o[k] === null && !k.startsWith('initial') ? null : check.number(o[k], `${field}.${k}`, 0.0001, 10_000);
  }
  // nova reports each reservation as its inventory's `reserved`, which Placement's schema caps at
  // its MAX_INT (placement/schemas/inventory.py; DISK_GB in whole GB): a larger one would be refused
  for (const k of RESERVED_KEYS) if (o[k] !== undefined) out[k] = check.integer(o[k], `${field}.${k}`, 0, k === 'reserved_host_disk_mb' ? PLACEMENT_MAX_INT * 1024 : PLACEMENT_MAX_INT);
  return out as Partial<ComputeConfig>;
}

/** The options in force on a host: its overrides over the cloud-wide values. */
export function computeConfigOf(s: CloudState, host: string): ComputeConfig {
  const cc = plain(s.compute_config); // the committed (or current) object: no proxies on this hot path
  const own = getRow(cc.hosts, host);
  return own === undefined ? cc.defaults : { ...cc.defaults, ...own };
}

/**
 * Sets nova.conf options on one compute host (or, without a host, cloud-wide), then fires
 * `scheduler.compute_config.changed` with the hosts they apply to: nova-compute's resource
 * tracker (`src/compute`) reports their new inventory in the same commit.
 */
export function setComputeConfig(tx: Tx, host: Host | undefined, patch: unknown, hosts: readonly Host[]): void {
  const p = checkComputeConfig(patch, 'config');
  const s = tx.draft as CloudState;
  if (host) setRow(tx.draft.compute_config.hosts, host.name, { ...(getRow(s.compute_config.hosts, host.name) ?? {}), ...p });
  else tx.draft.compute_config.defaults = { ...s.compute_config.defaults, ...p };
  tx.hook('scheduler.compute_config.changed', host ? [host] : hosts);
}

// ------------------------------------------------------------------ compute node status

const DEFAULT_STATUS: ComputeNodeStatus = Object.freeze({ disabled: false, disabled_reason: null, forced_down: false, failed_builds: 0 });

/** What the scheduler reads of a host's nova-compute service and compute node (the defaults when nothing was set). */
export function computeNodeStatusOf(s: CloudState, hostName: string): ComputeNodeStatus {
  return getRow(plain(s.compute_config).nodes, hostName) ?? DEFAULT_STATUS;
}

/**
 * Changes what the scheduler reads of a host's nova-compute service and compute node (the
 * service's `disabled`, `disabled_reason`, `forced_down`; the node's `failed_builds`). Writes
 * only a change; a status back at the defaults leaves no row.
 */
export function setComputeNodeStatus(tx: Tx, hostName: string, patch: Partial<ComputeNodeStatus>): void {
  const before = computeNodeStatusOf(tx.draft as CloudState, hostName);
  const next: ComputeNodeStatus = { ...before, ...patch };
  if (next.disabled === before.disabled && next.disabled_reason === before.disabled_reason && next.forced_down === before.forced_down && next.failed_builds === before.failed_builds) return;
  const isDefault = !next.disabled && next.disabled_reason === null && !next.forced_down && next.failed_builds === 0;
  if (isDefault) deleteRow(tx.draft.compute_config.nodes, hostName);
  else setRow(tx.draft.compute_config.nodes, hostName, next);
}

/** Forgets what the scheduler read of a host's compute service (the service or the host is gone). */
export function forgetComputeNodeStatus(tx: Tx, hostName: string): void {
  if (getRow((tx.draft as CloudState).compute_config.nodes, hostName) !== undefined) deleteRow(tx.draft.compute_config.nodes, hostName);
}

// ------------------------------------------------------------------ the report client's Placement writes

/** A compute node's resource provider (uuid = the host's id), or undefined. */
export function computeProviderOf(s: CloudState, uuid: string): ResourceProviderRow | undefined {
  return getRow(s.placement.providers, uuid);
}

/** What a new compute node's provider holds (nova's create, then PUT inventories, traits and aggregates). */
export interface ComputeProviderInit {
  readonly uuid: string;
  readonly name: string;
  readonly inventories: Readonly<Record<string, InventoryRow>>;
  readonly traits: readonly string[];
  readonly aggregates: readonly string[];
}

/**
 * Creates a compute node's provider with its inventories, traits and aggregates, written as one
 * row at the generation those calls leave it (2 after create + inventories + traits, 3 with
 * aggregates).
 */
export function createComputeProvider(tx: Tx, init: ComputeProviderInit): ResourceProviderRow {
  const rp: ResourceProviderRow = {
    uuid: init.uuid,
    id: tx.counter('placement.provider'),
    name: init.name,
    generation: init.aggregates.length > 0 ? 3 : 2,
    parent_provider_uuid: null,
    root_provider_uuid: init.uuid,
    inventories: init.inventories,
    usages: {},
    traits: [...init.traits],
    aggregates: [...init.aggregates],
  };
  insertProvider(tx, rp);
  return rp;
}

/** Writes a compute node's provider row as the report client's PUTs leave it (same uuid and name; the caller moves the generation). */
export function saveComputeProvider(tx: Tx, rp: ResourceProviderRow): void {
  setRow(tx.draft.placement.providers, rp.uuid, rp);
}

/** The consumers holding allocations on a provider. */
export function providerConsumers(s: CloudState, uuid: string): string[] {
  return under(s.placement.provider_consumers, uuid).map(([, c]) => c);
}

/** Removes a compute host's provider; refused (409 `scheduler.host.in_use`) while it holds allocations. */
export function removeComputeProvider(tx: Tx, uuid: string, hostName: string): void {
  const s = tx.draft as CloudState;
  const rp = getRow(s.placement.providers, uuid);
  if (!rp) return;
  const consumers = providerConsumers(s, rp.uuid);
  if (consumers.length > 0) throw new Conflict('scheduler.host.in_use', `Host '${hostName}' still holds allocations of ${consumers.length} consumer(s) in placement (${consumers.slice(0, 3).join(', ')}${consumers.length > 3 ? ', …' : ''}); move or delete them first.`, { host: hostName, consumers });
  deleteProvider(tx, rp);
}
