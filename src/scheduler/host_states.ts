/**
 * nova's HostManager for a cloud: the `HostState` of each compute host, built from the
 * datacenter model and its Placement provider (what nova reads from the compute node record and
 * the aggregates). Availability zones of the topology are nova host aggregates with
 * `availability_zone` metadata, mirrored into Placement as provider aggregates; the aggregates
 * made through the compute API (`compute_config.aggregates`) follow them, and what the
 * scheduler reads of each host's nova-compute service (disabled, forced down, failed builds)
 * comes from `compute_config.nodes`.
 *
 * This file computes them afresh; the host index (`host_index.ts`) keeps them in a kernel's memo
 * and brings them up to date from the tables that changed, built from the same functions here.
 */
import { emptyTable, formatUuid, getRow, idRecord, memoSlot, peek, plain, tableToArray, type CloudState, type Memo, type Table } from '../core/index.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { availabilityZoneTable, hostTable, type AvailabilityZone, type Host } from '../hardware/index.js';
import type { Aggregate, HostState } from './filter_scheduler/index.js';
import { trustHostState } from './filter_scheduler/validate.js';
import { under, type ConsumerRow, type ResourceProviderRow } from './placement/index.js';
import { hostIndexOf } from './host_index.js';
import type { ComputeConfigState, ComputeNodeStatus, HostAggregateRow } from './compute_nodes.js';

/** nova's `[DEFAULT] default_availability_zone` (Zed: `nova`). */
export const DEFAULT_AVAILABILITY_ZONE = 'nova';

/** The uuid of the host aggregate standing for a topology availability zone (derived from its name). */
export function azAggregateUuid(az: string): string {
  return formatUuid(bytesToHex(sha256(utf8ToBytes(`stacksim:availability_zone:${az}`))));
}

const AZ_UUIDS = memoSlot<string, string>('scheduler.azAggregateUuid');

/** {@link azAggregateUuid}, hashed once per name in a kernel's memo. */
export function azUuidIn(memo: Memo | undefined, az: string): string {
  return memo === undefined ? azAggregateUuid(az) : memo.byValue(AZ_UUIDS, az, azAggregateUuid);
}

/**
 * The nova aggregates: one per topology AZ, holding its compute hosts, with `availability_zone`
 * metadata, then those made through the compute API (`user`, in id order). A topology AZ's
 * aggregate takes the smallest id no aggregate of the API holds (1, 2, … in zone-name order
 * while the zones are those the cloud was built with).
 */
export function computeAggregates(hosts: Table<Host>, zones: Table<AvailabilityZone>, user: Table<HostAggregateRow> = emptyTable(), memo?: Memo): Aggregate[] {
  const byAz = new Map<string, string[]>();
  for (const h of tableToArray(hosts)) {
    if (h.availability_zone === null || !h.roles.includes('compute')) continue;
    const list = byAz.get(h.availability_zone) ?? [];
    list.push(h.name);
    byAz.set(h.availability_zone, list);
  }
  const rows = tableToArray(user);
  const taken = new Set(rows.map((r) => r.id));
  let next = 1;
  const out: Aggregate[] = tableToArray(zones).map((az) => {
    while (taken.has(next)) next++;
    return { id: next++, uuid: azUuidIn(memo, az.name), name: az.name, hosts: (byAz.get(az.name) ?? []).sort(), metadata: { availability_zone: az.name } };
  });
  for (const r of rows) out.push({ id: r.id, uuid: r.uuid, name: r.name, hosts: r.hosts, metadata: r.metadata });
  return out;
}

/** The aggregates of a cloud's state, computed afresh (the host index keeps them). */
export function aggregatesOf(s: CloudState, memo?: Memo): Aggregate[] {
  return computeAggregates(plain(hostTable(s)), plain(availabilityZoneTable(s)), plain(peek(s, 'compute_config', 'aggregates')), memo);
}

/** Where a host is a member (a compute host in an AZ): what the aggregates are computed from. */
export function membershipOf(host: Host | undefined): string {
  return host === undefined || host.availability_zone === null || !host.roles.includes('compute') ? '' : `${host.availability_zone}\u0000${host.name}`;
}

const NO_AGGREGATES: readonly Aggregate[] = Object.freeze([]);

/**
 * Each host's aggregates (nova's `host_state.aggregates`), by host name: one shared array per
 * distinct membership, so hosts of one AZ share theirs (the weighers ask once per distinct list).
 */
export function membershipsOf(aggregates: readonly Aggregate[]): (hostName: string) => readonly Aggregate[] {
  const byHost = new Map<string, Aggregate[]>();
  for (const a of aggregates) {
    for (const name of a.hosts) {
      const list = byHost.get(name) ?? [];
      if (!list.includes(a)) list.push(a);
      byHost.set(name, list);
    }
  }
  const interned = new Map<string, readonly Aggregate[]>();
  const byName = new Map<string, readonly Aggregate[]>();
  for (const [name, mine] of byHost) {
    mine.sort((x, y) => aggregates.indexOf(x) - aggregates.indexOf(y));
    const key = mine.map((a) => a.id).join(',');
    const known = interned.get(key);
    if (known !== undefined) byName.set(name, known);
    else {
      interned.set(key, mine);
      byName.set(name, mine);
    }
  }
  return (hostName) => byName.get(hostName) ?? NO_AGGREGATES;
}

function vendorOf(model: string): string {
  if (/intel/i.test(model)) return 'Intel';
  if (/amd|epyc/i.test(model)) return 'AMD';
  if (/ampere|arm/i.test(model)) return 'ARM';
  return 'Unknown';
}

/** The parts of a host state that come from the host row and its aggregates alone (shared while the row stays). */
export interface HostParts {
  readonly ofHost: readonly Aggregate[];
  /** `availability_zones.get_host_availability_zone`: its first aggregate's zone, else the topology's, else the default. */
  readonly availability_zone: string;
  /** The compute node's `stats['failed_builds']`. */
  readonly failed_builds: number;
  readonly cpu_info: NonNullable<HostState['cpu_info']>;
  readonly supported_instances: HostState['supported_instances'];
  readonly service: HostState['service'];
}

/** The metrics and stats of every host the cloud builds (none are modelled): shared, frozen. */
const NO_METRICS: HostState['metrics'] = Object.freeze([]);
const NO_STATS: HostState['stats'] = Object.freeze({});

/**
 * A host's parts, given its aggregates and what the scheduler reads of its nova-compute service
 * (`node`; none: enabled, not forced down). A host in maintenance has its service disabled; a
 * host that is not up does not report (the servicegroup sees it down).
 */
export function hostParts(host: Host, ofHost: readonly Aggregate[], node?: ComputeNodeStatus): HostParts {
  const arch = /ampere|arm/i.test(host.cpu.model) ? 'aarch64' : 'x86_64';
  const hvTypes = host.hypervisor_type === 'QEMU' ? ['kvm', 'qemu'] : [host.hypervisor_type.toLowerCase()];
  const maintenance = host.state === 'maintenance';
  const disabled = maintenance || node?.disabled === true;
  const zone = ofHost.find((a) => a.metadata.availability_zone !== undefined)?.metadata.availability_zone;
  return {
    ofHost,
    availability_zone: zone ?? host.availability_zone ?? DEFAULT_AVAILABILITY_ZONE,
    failed_builds: node?.failed_builds ?? 0,
    cpu_info: { arch, model: host.cpu.model, vendor: vendorOf(host.cpu.model), topology: { sockets: host.cpu.sockets, cores: host.cpu.cores_per_socket, threads: host.cpu.threads_per_core }, features: host.cpu.flags },
    supported_instances: hvTypes.map((hv) => [arch, hv, 'hvm'] as const),
    service: { disabled, disabled_reason: node?.disabled === true ? node.disabled_reason : maintenance ? host.state_reason : null, up: host.state === 'up', forced_down: node?.forced_down === true },
  };
}

function instancesOf(consumers: readonly { uuid: string; project_id: string }[]): HostState['instances'] {
  const out = idRecord<{ uuid: string; project_id: string }>();
  for (const c of consumers) out[c.uuid] = { uuid: c.uuid, project_id: c.project_id };
  return out;
}

/** The INSTANCE consumers holding allocations on a provider (nova's instances on the host), in key order. */
export function instanceConsumers(links: Table<string>, consumers: Table<ConsumerRow>, uuid: string): { uuid: string; project_id: string }[] {
  const out: { uuid: string; project_id: string }[] = [];
  for (const [, c] of under(links, uuid)) {
    const row = getRow(consumers, c);
    if (row && row.consumer_type === 'INSTANCE') out.push({ uuid: row.uuid, project_id: row.project_id });
  }
  return out;
}

/**
 * What nova-compute's resource tracker reserves for the host itself (nova.conf's
 * `reserved_host_cpus`, `reserved_host_memory_mb`, `reserved_host_disk_mb` in force on the host)
 * and counts into the compute node's used amounts (`_update_usage_from_instances` starts
 * `vcpus_used`, `memory_mb_used` and `local_gb_used` at them).
 */
export interface HostReservation {
  readonly reserved_host_cpus: number;
  readonly reserved_host_memory_mb: number;
  readonly reserved_host_disk_mb: number;
}

/** The reservation in force on host `hostName`: its nova.conf overrides over the cloud-wide values. */
export function reservationOf(config: Pick<ComputeConfigState, 'defaults' | 'hosts'>, hostName: string): HostReservation {
  const own = getRow(config.hosts, hostName);
  const all = config.defaults;
  return {
    reserved_host_cpus: own?.reserved_host_cpus ?? all.reserved_host_cpus,
    reserved_host_memory_mb: own?.reserved_host_memory_mb ?? all.reserved_host_memory_mb,
    reserved_host_disk_mb: own?.reserved_host_disk_mb ?? all.reserved_host_disk_mb,
  };
}

/** The reservation a provider's inventories imply when nova.conf is not at hand (`reserved` of VCPU, MEMORY_MB, DISK_GB in MB). */
function reservationFromInventories(rp: ResourceProviderRow): HostReservation {
  const inv = rp.inventories;
  return { reserved_host_cpus: inv.VCPU?.reserved ?? 0, reserved_host_memory_mb: inv.MEMORY_MB?.reserved ?? 0, reserved_host_disk_mb: (inv.DISK_GB?.reserved ?? 0) * 1024 };
}

/**
 * The HostState nova's scheduler sees for a compute host and its provider. `reservation`: the
 * host's `reserved_host_*` options (default: what its inventories reserve, the disk's whole GB
 * taken as MB); `node`: what the scheduler reads of its nova-compute service (default: enabled).
 */
export function hostStateOf(host: Host, rp: ResourceProviderRow, aggregates: readonly Aggregate[], consumers: readonly { uuid: string; project_id: string }[], reservation: HostReservation = reservationFromInventories(rp), node?: ComputeNodeStatus): HostState {
  return hostStateFrom(host, rp, hostParts(host, aggregates.filter((a) => a.hosts.includes(host.name)), node), consumers, reservation);
}

/** {@link hostStateOf} from the host's parts. */
export function hostStateFrom(host: Host, rp: ResourceProviderRow, parts: HostParts, consumers: readonly { uuid: string; project_id: string }[], reservation: HostReservation): HostState {
  return hostStateWith(host, rp, parts, instancesOf(consumers), consumers.length, reservation);
}

/**
 * {@link hostStateFrom} with the instances record built already, from `count` consumers. The
 * resources are the compute node's as nova's resource tracker keeps them and HostState's
 * `_update_from_compute_node` reads them (nova/scheduler/host_manager.py): the totals are the
 * physical amounts (what the libvirt driver also reports as Placement's `total` and `max_unit`,
 * virt/libvirt/driver.py `update_provider_tree`), the used amounts start at the reservation
 * (compute/resource_tracker.py `_update_usage_from_instances`) and add what the instances hold
 * (here: their allocations in Placement). So every weigher sees nova's raw values.
 */
export function hostStateWith(host: Host, rp: ResourceProviderRow, parts: HostParts, instances: HostState['instances'], count: number, reservation: HostReservation): HostState {
  const inv = rp.inventories;
  const used = rp.usages;
  const mem = inv.MEMORY_MB;
  const disk = inv.DISK_GB;
  const vcpu = inv.VCPU;
  const { reserved_host_cpus: cpus, reserved_host_memory_mb: ram, reserved_host_disk_mb: diskMb } = reservation;
  return {
    host: host.name,
    nodename: host.name,
    uuid: rp.uuid,
    cell_uuid: null,
    availability_zone: parts.availability_zone,
    aggregates: parts.ofHost,
    hypervisor_type: host.hypervisor_type,
    hypervisor_version: null,
    cpu_info: parts.cpu_info,
    supported_instances: parts.supported_instances,
    vcpus_total: vcpu?.total ?? 0,
    vcpus_used: cpus + (used.VCPU ?? 0),
    total_usable_ram_mb: mem?.total ?? 0,
    free_ram_mb: (mem?.total ?? 0) - ram - (used.MEMORY_MB ?? 0),
    total_usable_disk_gb: disk?.total ?? 0,
    // local_gb_used is an integer field: the reservation's whole GB, rounded down
    free_disk_mb: ((disk?.total ?? 0) - Math.floor(diskMb / 1024) - (used.DISK_GB ?? 0)) * 1024,
    reserved_host_cpus: cpus,
    reserved_host_memory_mb: ram,
    reserved_host_disk_mb: diskMb,
    ram_allocation_ratio: mem?.allocation_ratio ?? 1,
    cpu_allocation_ratio: vcpu?.allocation_ratio ?? 1,
    disk_allocation_ratio: disk?.allocation_ratio ?? 1,
    num_instances: count,
    num_io_ops: 0,
    failed_builds: parts.failed_builds,
    instances,
    service: parts.service,
    metrics: NO_METRICS,
    stats: NO_STATS,
    traits: rp.traits,
  };
}

/**
 * HostStates of the compute hosts whose providers are in `uuids` (Placement's candidates), in
 * that order; a uuid with no compute host or no provider is left out. With a kernel's `memo`
 * they come from its host index (kept between calls); without, they are computed afresh.
 */
export function hostStates(s: CloudState, uuids: readonly string[], memo?: Memo): HostState[] {
  if (memo !== undefined) {
    const index = hostIndexOf(memo);
    index.sync(s);
    return index.statesOf(uuids);
  }
  const hosts = plain(hostTable(s));
  const providers = plain(s.placement.providers);
  const links = plain(s.placement.provider_consumers);
  const consumers = plain(s.placement.consumers);
  const config = plain(peek(s, 'compute_config'));
  const ofHost = membershipsOf(aggregatesOf(s));
  const out: HostState[] = [];
  for (const uuid of uuids) {
    const host = getRow(hosts, uuid);
    const rp = getRow(providers, uuid);
    if (!host || !rp) continue;
    out.push(trustHostState(hostStateFrom(host, rp, hostParts(host, ofHost(host.name), getRow(config.nodes, host.name)), instanceConsumers(links, consumers, uuid), reservationOf(config, host.name))));
  }
  return out;
}
