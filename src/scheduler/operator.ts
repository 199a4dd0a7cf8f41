/**
 * `cloud.scheduler`: the operator's side of nova scheduling — the nova.conf options that shape
 * each compute host's Placement inventory, and a per-host view of physical capacity,
 * overcommitted capacity and usage.
 */
import { getRow, tableToArray, type CloudState, type Kernel } from '../core/index.js';
import { getHost, type Host } from '../hardware/index.js';
import { capacity } from './capacity.js';
import { computeConfigOf, setComputeConfig, type ComputeConfig } from './compute_nodes.js';
import { inventoriesOf, usageOf } from './placement/store.js';

/** One resource class of a host in {@link SchedulerApi.usage}. */
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
export class SchedulerApi {
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
      setComputeConfig(tx, host, patch, tableToArray(s.hardware.hosts));
    });
  }

  /** Per compute host and class: physical, reserved, ratio, overcommitted capacity, used, free. */
  usage(): HostUsage[] {
    const s = this.kernel.view();
    const out: HostUsage[] = [];
    for (const id of tableToArray(s.hardware.host_names)) {
      const host = getRow(s.hardware.hosts, id);
      if (!host || !getRow(s.placement.providers, host.id)) continue;
      const resources: Record<string, ResourceUsage> = {};
      for (const [rc, inv] of inventoriesOf(s, host.id)) {
        const cap = capacity(inv);
        const used = usageOf(s, host.id, rc);
        resources[rc] = Object.freeze({ total: inv.total, reserved: inv.reserved, allocation_ratio: inv.allocation_ratio, capacity: cap, used, free: cap - used });
      }
      out.push(Object.freeze({ host: host.name, state: host.state, resources: Object.freeze(resources) }));
    }
    return out;
  }
}
