/**
 * `cloud.scheduler`: the operator's side of nova scheduling — the nova.conf options that shape
 * each compute host's Placement inventory, and a per-host view of physical capacity,
 * overcommitted capacity and usage.
 */
import { check, detach, getRow, plain, type CloudState, type Kernel, type Tx } from '../core/index.js';
import { getHost, listHosts, listHostsByName, type Host } from '../hardware/index.js';
import { computeConfigOf, setComputeConfig, type ComputeConfig } from './compute_nodes.js';
import { capacityOf, inventoriesOf, usageOf } from './placement/index.js';
import { schedulerConfigOf, selectDestinations } from './select_destinations.js';
import { checkSchedulerConfig, type ScheduleResult, type SchedulerConfigInput } from './filter_scheduler/index.js';


/** One resource class of a host in {@link SchedulerOperatorApi.usage}. */
export interface ResourceUsage {
  /** Physical amount (logical CPUs, MB, GB). */
  readonly total: number;
  readonly reserved: number;
  readonly allocation_ratio: number;
  /** `int((total − reserved) × allocation_ratio)`: what Placement lets be allocated. */
  readonly capacity: number;
  readonly used: number;
  readonly free: number;
}

/** A compute host's Placement picture. */
export interface HostUsage {
  readonly host: string;
  readonly state: Host['state'];
  readonly resources: Readonly<Record<string, ResourceUsage>>;
}

/** Operator view of scheduling-related configuration and usage. */
export class SchedulerOperatorApi {
  constructor(private readonly kernel: Kernel) {}

  /** The nova.conf options in force on a compute host (its overrides over the cloud-wide values). */
  computeConfig(hostRef: string): ComputeConfig {
    const s = this.kernel.view();
    return Object.freeze(computeConfigOf(s, getHost(s, hostRef).name));
  }

  /**
   * Sets nova.conf options (`cpu_allocation_ratio`, `reserved_host_memory_mb`, …) on one host, or
   * cloud-wide with `host` null; the resource tracker reports the new inventory at once.
   */
  setComputeConfig(hostRef: string | null, patch: Partial<ComputeConfig>): void {
    this.kernel.transact('scheduler.setComputeConfig', (tx) => {
      const s = tx.draft as CloudState;
      const host = hostRef === null ? undefined : getHost(s, hostRef);
      setComputeConfig(tx, host, patch, listHosts(s));
    });
  }

  /** nova-scheduler's options in force (`[filter_scheduler]`, `[scheduler]`, `[metrics]`, `[DEFAULT]`). */
  schedulerConfig(): ReturnType<typeof checkSchedulerConfig> {
    return schedulerConfigOf(this.kernel.view(), this.kernel.memo);
  }

  /** Changes nova-scheduler's options (e.g. `{ filter_scheduler: { enabled_filters: [...], host_subset_size: 3 } }`). */
  setSchedulerConfig(patch: SchedulerConfigInput): void {
    this.kernel.transact('scheduler.setSchedulerConfig', (tx) => setSchedulerOptions(tx, patch));
  }

  /**
   * nova-scheduler's `select_destinations`: Placement's allocation candidates for the request
   * (with the request pre-filters: `compute_status_filter`, the AZ as a placement aggregate,
   * required and forbidden traits from `trait:` extra specs), then the enabled filters and
   * weighers over those hosts, then the claim — the instances' allocations in Placement — all in
   * one commit. `NoValidHost` (with the explanation) claims nothing.
   */
  selectDestinations(request: unknown): ScheduleResult {
    return this.kernel.transact('scheduler.select_destinations', (tx) => selectDestinations(tx, request));
  }

  /** Per compute host and class: physical, reserved, ratio, overcommitted capacity, used, free. */
  usage(): HostUsage[] {
    const s = this.kernel.view();
    const out: HostUsage[] = [];
    for (const host of listHostsByName(s)) {
      if (!getRow(s.placement.providers, host.id)) continue;
      const resources: Record<string, ResourceUsage> = {};
      for (const [rc, inv] of inventoriesOf(s, host.id)) {
        const cap = capacityOf(inv);
        const used = usageOf(s, host.id, rc);
        resources[rc] = Object.freeze({ total: inv.total, reserved: inv.reserved, allocation_ratio: inv.allocation_ratio, capacity: cap, used, free: cap - used });
      }
      out.push(Object.freeze({ host: host.name, state: host.state, resources: Object.freeze(resources) }));
    }
    return out;
  }
}

/**
 * Merges nova-scheduler options into those in force (a group at a time, an option at a time),
 * refusing unknown groups, options and values before anything changes; inside a transaction
 * (DevStack's deployment sets its filters with it).
 */
export function setSchedulerOptions(tx: Tx, patch: unknown): void {
  const current = plain(tx.draft.compute_config.scheduler) as Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  const given = check.record(patch, 'config');
  // own data properties only (a key `__proto__` is a group like any other, refused as unknown)
  const merged: [string, Record<string, unknown>][] = Object.entries(current).filter(([group]) => !Object.hasOwn(given, group)).map(([group, values]) => [group, { ...values }]);
  for (const group of Object.keys(given)) {
    const values = check.record(given[group], `config.${group}`);
    const before = Object.hasOwn(current, group) ? current[group] : undefined;
    merged.push([group, Object.fromEntries([...Object.entries(before ?? {}).filter(([option]) => !Object.hasOwn(values, option)), ...Object.entries(values)])]);
  }
  const next = Object.fromEntries(merged);
  checkSchedulerConfig(next); // refuses unknown groups, options and values before the commit
  tx.draft.compute_config.scheduler = detach(next);
}
