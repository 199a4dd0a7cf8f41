/**
 * The hardware module's door: the datacenter an operator models (regions → availability zones
 * → racks → hosts), host failures, and the capacity planner. Operator view: no Keystone token
 * is needed; the OpenStack services built on top derive their own views from it.
 */
import type {} from './state.js';
import type {} from './events.js';
import { check, getRow, tableToArray, type Kernel } from '../core/index.js';
import * as cmd from './hosts.js';
import { hostView, type HostView } from './views.js';
import { getHost } from './queries.js';
import { HOST_ROLES, type AvailabilityZone, type HostModelSpec, type HostPatch, type HostRole, type HostSpec, type HostStatus, type NamedHostModel, type Rack, type Region } from './types.js';
import { planCapacity, type CapacityPlan } from './planner.js';

export * from './types.js';
export { hostView, type HostView } from './views.js';
export { applyTopology, expandNames, MAX_TOPOLOGY_HOSTS, type Topology, type HostGroup } from './topology.js';
export { DEVSTACK_TOPOLOGY } from './presets.js';
export { hardwareService, type HardwareOperator } from './service.js';
export { initialHardwareState, DEFAULT_REGION } from './hosts.js';
export { getHost, findHost, listHosts, getRegion, listRegions, getAvailabilityZone, listAvailabilityZones, getRack, listRacks, getHostModel, listHostsByName, hostTable, availabilityZoneTable } from './queries.js';
export * from './planner.js';

/** Filters of {@link HardwareApi.listHosts}; every given field must match. */
export interface HostQuery {
  readonly role?: HostRole;
  readonly region?: string;
  /** An AZ name, or null for hosts in no AZ. */
  readonly availability_zone?: string | null;
  readonly rack?: string;
  readonly state?: HostStatus;
  readonly hypervisor_type?: string;
  readonly model?: string;
}

/** One line of the host inventory table (`cloud.hardware.inventory()`). */
export interface HostInventoryRow {
  readonly host: string;
  readonly region: string;
  readonly availability_zone: string;
  readonly rack: string;
  readonly roles: string;
  /** e.g. `2×14×2 = 56` */
  readonly cpus: string;
  readonly ram_gb: number;
  readonly disk_gb: number;
  readonly nics: string;
  readonly hypervisor_type: string;
  readonly state: string;
}

/**
 * The operator's hardware API: `cloud.hardware`. Every change is one atomic call (it joins an
 * open `batch`), emits `hardware.*` notifications after the commit, and runs the hooks through
 * which later modules react in the same commit.
 *
 * Not simulated: power draw, cabling, switches and BMCs; NUMA layout inside a host.
 */
export class HardwareApi {
  constructor(private readonly kernel: Kernel) {}

  private get epoch(): string {
    return this.kernel.view().meta.clock.epoch;
  }

  /** Adds a region (`{ name, description? }`). */
  addRegion(input: { name: string; description?: string }): Region {
    return this.kernel.transact('hardware.addRegion', (tx) => cmd.addRegion(tx, input));
  }

  /** Adds an availability zone (`{ name, region? }`); it becomes a nova aggregate later. */
  addAvailabilityZone(input: { name: string; region?: string }): AvailabilityZone {
    return this.kernel.transact('hardware.addAvailabilityZone', (tx) => cmd.addAvailabilityZone(tx, input));
  }

  /** Adds a rack (`{ name, availability_zone?, region? }`). */
  addRack(input: { name: string; availability_zone?: string; region?: string }): Rack {
    return this.kernel.transact('hardware.addRack', (tx) => cmd.addRack(tx, input));
  }

  /** Stores a host model (SKU) so hosts can be added with `{ model: name }`. */
  addHostModel(input: { readonly name: string } & HostModelSpec): NamedHostModel {
    return this.kernel.transact('hardware.addHostModel', (tx) => cmd.addHostModel(tx, input));
  }

  /**
   * Racks and powers on a host: `{ name, model? | cpu, memory_mb, disks?, nics?, hypervisor_type?,
   * roles? (default ['compute']), region?, availability_zone?, rack? }`.
   */
  addHost(spec: HostSpec): HostView {
    return this.kernel.transact('hardware.addHost', (tx) => hostView(cmd.addHost(tx, spec), tx.draft.meta.clock.epoch));
  }

  /** Changes a host's hardware, roles or location (not its name or region). */
  updateHost(ref: string, patch: HostPatch): HostView {
    return this.kernel.transact('hardware.updateHost', (tx) => hostView(cmd.updateHost(tx, ref, patch), tx.draft.meta.clock.epoch));
  }

  /** Removes a host; refused (409) when a service on it still holds work. */
  removeHost(ref: string): void {
    this.kernel.transact('hardware.removeHost', (tx) => {
      cmd.removeHost(tx, ref);
    });
  }

  /** Fails a host (power or network loss): state `down`; services on it go down with it. */
  failHost(ref: string, reason?: string): HostView {
    return this.kernel.transact('hardware.failHost', (tx) => hostView(cmd.setHostState(tx, ref, 'down', reason ?? 'failure injected'), tx.draft.meta.clock.epoch));
  }

  /** Brings a failed or maintained host back `up`. */
  recoverHost(ref: string): HostView {
    return this.kernel.transact('hardware.recoverHost', (tx) => hostView(cmd.setHostState(tx, ref, 'up', null), tx.draft.meta.clock.epoch));
  }

  /** Takes a host out for maintenance (state `maintenance`). */
  startMaintenance(ref: string, reason?: string): HostView {
    return this.kernel.transact('hardware.startMaintenance', (tx) => hostView(cmd.setHostState(tx, ref, 'maintenance', reason ?? null), tx.draft.meta.clock.epoch));
  }

  /** One host by id or hostname (404 `hardware.host.not_found`). */
  getHost(ref: string): HostView {
    return hostView(getHost(this.kernel.view(), ref), this.epoch);
  }

  /** Hosts in hostname order, optionally filtered. */
  listHosts(filter: HostQuery = {}): HostView[] {
    const state = this.kernel.view();
    const f = check.record(filter, 'filter');
    check.onlyKeys(f, ['role', 'region', 'availability_zone', 'rack', 'state', 'hypervisor_type', 'model'], 'filter');
    if (f.role !== undefined) check.oneOf(f.role, HOST_ROLES, 'filter.role');
    const out: HostView[] = [];
    for (const id of tableToArray(state.hardware.host_names)) {
      const h = getRow(state.hardware.hosts, id);
      if (!h) continue;
      if (f.role !== undefined && !h.roles.includes(f.role as HostRole)) continue;
      if (f.region !== undefined && h.region !== f.region) continue;
      if (f.availability_zone !== undefined && h.availability_zone !== f.availability_zone) continue;
      if (f.rack !== undefined && h.rack !== f.rack) continue;
      if (f.state !== undefined && h.state !== f.state) continue;
      if (f.hypervisor_type !== undefined && h.hypervisor_type !== f.hypervisor_type) continue;
      if (f.model !== undefined && h.model !== f.model) continue;
      out.push(hostView(h, state.meta.clock.epoch));
    }
    return out;
  }

  /** Regions in name order. */
  listRegions(): Region[] {
    return tableToArray(this.kernel.view().hardware.regions);
  }

  /** Topology availability zones in name order. */
  listAvailabilityZones(): AvailabilityZone[] {
    return tableToArray(this.kernel.view().hardware.availability_zones);
  }

  /** Racks in name order. */
  listRacks(): Rack[] {
    return tableToArray(this.kernel.view().hardware.racks);
  }

  /** The host inventory as table rows (what the demo prints). */
  inventory(filter: HostQuery = {}): HostInventoryRow[] {
    return this.listHosts(filter).map((h) => Object.freeze({
      host: h.name,
      region: h.region,
      availability_zone: h.availability_zone ?? '-',
      rack: h.rack ?? '-',
      roles: h.roles.join(','),
      cpus: `${h.cpu.sockets}×${h.cpu.cores_per_socket}×${h.cpu.threads_per_core} = ${h.logical_cpus}`,
      ram_gb: Math.round((h.memory_mb / 1024) * 10) / 10,
      disk_gb: h.disk_gb,
      nics: h.nics.map((n) => `${n.network} ${n.speed_mbps / 1000}G`).join(', '),
      hypervisor_type: h.hypervisor_type,
      state: h.state,
    }));
  }

  /** The lecture's capacity planner (a pure function; see {@link planCapacity}). */
  plan(input: unknown): CapacityPlan {
    return planCapacity(input);
  }
}
