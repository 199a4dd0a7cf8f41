/**
 * `cloud.object`: Swift as its operator sees it — the rings (`swift-ring-builder`), where a path
 * lives (`swift-get-nodes`), disk usage (`swift-recon --diskusage`), disk failures and
 * replacements, and the object-replicator.
 */
import { Conflict, InvalidInput, check, deleteRow, getRow, plain, type CloudState, type Kernel, type ServiceHooks, type TaskHandler, type Tx } from '../core/index.js';
import { findHost, listHosts, type Host } from '../hardware/index.js';
import { addHostDevices, setRingBuilder, diskKey, diskReachable, objectRing, rebalanceRing, reachable, ringNames, ringOf, ACCOUNT_RING, CONTAINER_RING } from './rings.js';
import {
  addDevice,
  getBalance,
  getMoreNodes,
  getNodes,
  getRequiredOverload,
  removeDevice,
  setDeviceWeight,
  setOverload,
  setReplicas,
  type RingBuilderData,
  type RingDeviceInput,
} from './ring/index.js';
import * as servers from './servers.js';
import * as replicator from './replicator.js';
import { checkText } from './headers.js';

/** A ring as `swift-ring-builder <ring>.builder` prints it. */
export interface RingSummary {
  readonly name: string;
  readonly part_power: number;
  readonly replicas: number;
  readonly min_part_hours: number;
  readonly overload: number;
  /** Whether it was rebalanced at least once (a proxy can use it). */
  readonly built: boolean;
  /** `get_balance` (0 when no device has weight). */
  readonly balance: number;
  /** `get_required_overload` (0 when fewer devices have weight than the ring has replicas). */
  readonly required_overload: number;
  readonly dispersion: number;
  readonly devices: readonly { readonly id: number; readonly region: number; readonly zone: number; readonly ip: string; readonly port: number; readonly device: string; readonly weight: number; readonly parts: number }[];
}

/** One node of {@link ObjectOperatorApi.getNodes}. */
export interface NodeView {
  readonly id: number;
  readonly host: string;
  readonly disk: string;
  readonly region: number;
  readonly zone: number;
  readonly reachable: boolean;
}

/** Disk usage of one storage disk. */
export interface DiskUsage {
  readonly host: string;
  readonly disk: string;
  readonly size_gb: number;
  readonly bytes: number;
  readonly objects: number;
  readonly failed: boolean;
}

const copiesText = (n: number): string => `${n} object cop${n === 1 ? 'y' : 'ies'}`;

/** 409: a storage host (or the disks a hardware change would take from it) still holds object copies. */
class HostHoldsData extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'HostHoldsData';
  constructor(host: string, objects: number, change?: { readonly disks: readonly string[]; readonly what: string }) {
    super(
      'object.host.holds_data',
      change === undefined
        ? `Host '${host}' holds ${copiesText(objects)}: remove its devices from the rings, rebalance and replicate first.`
        : `Cannot ${change.what}: disk(s) ${change.disks.join(', ')} of host '${host}' hold ${copiesText(objects)}. Remove their devices from the rings (cloud.object.removeDevice), rebalance, and let the replicator move the copies off (cloud.object.replicate) first.`,
      { host, objects, ...(change === undefined ? {} : { disks: [...change.disks] }) },
    );
  }
}

/** 409: a hardware change would take away a disk that is still a device of a ring. */
class DeviceInRing extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'DeviceInRing';
  constructor(host: string, what: string, devices: readonly { readonly ring: string; readonly id: number; readonly disk: string }[]) {
    super(
      'object.device.in_ring',
      `Cannot ${what}: ${devices.map((d) => `${d.disk} is device d${d.id} of ring '${d.ring}'`).join('; ')}. Remove those devices from the rings (cloud.object.removeDevice) and rebalance first.`,
      { host, devices: devices.map((d) => ({ ...d })) },
    );
  }
}

/** The disks of `host` that serve as Swift devices: every disk of a storage host (the rings decide which are devices). */
const storageDisks = (host: Host): readonly string[] => (host.roles.includes('storage') ? host.disks.map((d) => d.name) : []);

/**
 * `hardware.host.updated`: a change may not take a disk from under Swift. A disk that leaves the
 * host (removed or renamed), or every disk when the host loses the storage role, must hold no
 * object copy (409 `object.host.holds_data`) and be no ring's device (409
 * `object.device.in_ring`): the data would stay readable from a disk that no longer exists and
 * the ring would keep placing partitions on it. A disk that newly serves (the storage role
 * gained, a disk added) becomes a device of every ring, as a new host's disks do; nothing moves
 * until the next rebalance.
 *
 * Not refused: a rack or availability-zone move (the devices keep the zone they were added
 * with: Swift's `set_info` cannot change a device's zone either), NIC changes (a device's address
 * is its host's name here, not an interface's address), a disk's size (its weight stays what the
 * ring says).
 */
function checkHostUpdate(tx: Tx, before: Host, after: Host): void {
  const s = tx.draft as CloudState;
  const dropsRole = before.roles.includes('storage') && !after.roles.includes('storage');
  const gone = before.disks.map((d) => d.name).filter((d) => dropsRole || !after.disks.some((a) => a.name === d));
  if (gone.length > 0) {
    const what = dropsRole ? `take the storage role from host '${before.name}'` : `remove disk(s) ${gone.join(', ')} from host '${before.name}'`;
    const holding = gone.filter((d) => (getRow(s.object.usage, diskKey(before.name, d))?.objects ?? 0) > 0);
    if (holding.length > 0) {
      const objects = holding.reduce((n, d) => n + (getRow(s.object.usage, diskKey(before.name, d))?.objects ?? 0), 0);
      throw new HostHoldsData(before.name, objects, { disks: holding, what });
    }
    const inRings: { ring: string; id: number; disk: string }[] = [];
    for (const name of ringNames(s)) {
      const b = s.object.rings[name];
      if (b === undefined) continue;
      for (const d of plain(b).devs) if (d !== null && d.ip === before.name && gone.includes(d.device)) inRings.push({ ring: name, id: d.id, disk: d.device });
    }
    if (inRings.length > 0) throw new DeviceInRing(before.name, what, inRings);
    // a failed disk that leaves the host is no longer on record
    for (const d of gone) if (!after.disks.some((a) => a.name === d)) deleteRow(tx.draft.object.failed, diskKey(before.name, d));
  }
  const served = storageDisks(before);
  const fresh = storageDisks(after).filter((d) => !served.includes(d));
  if (fresh.length > 0) addHostDevices(tx, after, fresh);
}

/** Whether at least `n` devices have weight (what balance and the replica plan need). */
const placeable = (b: RingBuilderData, n: number): boolean => b.devs.filter((d) => d !== null && d.weight > 0).length >= n;

/** The operator's Swift. */
export class ObjectOperatorApi {
  constructor(private readonly kernel: Kernel) {}

  private ringName(s: CloudState, ring: unknown): string {
    const name = check.text(ring, 'ring', 64);
    if (!ringNames(s).includes(name)) throw new InvalidInput('ring', `no ring '${name}'; rings: ${ringNames(s).join(', ')}.`);
    return name;
  }

  private builder(s: CloudState, name: string): RingBuilderData {
    return plain(s.object.rings[name] as RingBuilderData);
  }

  private setBuilder(tx: Tx, name: string, b: RingBuilderData): void {
    setRingBuilder(tx, name, b);
  }

  /** Every ring (`account`, `container`, `object-<policy index>`) with its devices and balance. */
  rings(): RingSummary[] {
    const s = this.kernel.view();
    return ringNames(s).map((name) => {
      const b = this.builder(s, name);
      const built = b.replica2part2dev !== null;
      return Object.freeze({
        name,
        part_power: b.part_power,
        replicas: b.replicas,
        min_part_hours: b.min_part_hours,
        overload: b.overload,
        built,
        // as the CLI's listing: 0 where the figure cannot be computed (no weight, or fewer weighted
        // devices than replicas after a `set_weight` / `remove` / `set_replicas`), never a refusal
        balance: built && placeable(b, 1) ? getBalance(b) : 0,
        required_overload: built && placeable(b, b.replicas) ? getRequiredOverload(b) : 0,
        dispersion: b.dispersion,
        devices: Object.freeze(b.devs.filter((d) => d !== null).map((d) => Object.freeze({ id: d.id, region: d.region, zone: d.zone, ip: d.ip, port: d.port, device: d.device, weight: d.weight, parts: d.parts }))),
      });
    });
  }

  /** The builder itself (plain frozen data, for the pure functions of the ring module). */
  builderOf(ring: string): RingBuilderData {
    const s = this.kernel.view();
    return this.builder(s, this.ringName(s, ring));
  }

  /** `swift-ring-builder <ring>.builder add …`; nothing moves until {@link rebalance}. */
  addDevice(ring: string, device: RingDeviceInput): void {
    this.kernel.transact('object.ring.add', (tx) => {
      const s = tx.draft as CloudState;
      const name = this.ringName(s, ring);
      this.setBuilder(tx, name, addDevice(this.builder(s, name), device));
    });
  }

  /** `swift-ring-builder <ring>.builder remove d<id>`: its partitions move at the next rebalance. */
  removeDevice(ring: string, id: number): void {
    this.kernel.transact('object.ring.remove', (tx) => {
      const s = tx.draft as CloudState;
      const name = this.ringName(s, ring);
      this.setBuilder(tx, name, removeDevice(this.builder(s, name), id));
    });
  }

  /** `swift-ring-builder <ring>.builder set_weight d<id> <weight>`. */
  setDeviceWeight(ring: string, id: number, weight: number): void {
    this.kernel.transact('object.ring.set_weight', (tx) => {
      const s = tx.draft as CloudState;
      const name = this.ringName(s, ring);
      this.setBuilder(tx, name, setDeviceWeight(this.builder(s, name), id, weight));
    });
  }

  /** `swift-ring-builder <ring>.builder set_overload <fraction>`. */
  setOverload(ring: string, overload: number): void {
    this.kernel.transact('object.ring.set_overload', (tx) => {
      const s = tx.draft as CloudState;
      const name = this.ringName(s, ring);
      this.setBuilder(tx, name, setOverload(this.builder(s, name), overload));
    });
  }

  /**
   * `swift-ring-builder <ring>.builder set_replicas <n>` (a whole number here): takes effect at
   * the next {@link rebalance}, after which the replicator adds or removes copies.
   */
  setReplicas(ring: string, replicas: number): void {
    this.kernel.transact('object.ring.set_replicas', (tx) => {
      const s = tx.draft as CloudState;
      const name = this.ringName(s, ring);
      this.setBuilder(tx, name, setReplicas(this.builder(s, name), replicas));
    });
  }

  /**
   * `swift-ring-builder <ring>.builder rebalance` (every ring without a name), seeded from the
   * cloud's generator, at virtual time now (`min_part_hours` counts in it). Data moves to the new
   * primaries at the next replication pass (scheduled, or {@link replicate}).
   */
  rebalance(ring?: string): Record<string, { parts_moved: number; balance: number; dispersion: number }> {
    return this.kernel.transact('object.ring.rebalance', (tx) => {
      const s = tx.draft as CloudState;
      const names = ring === undefined ? ringNames(s) : [this.ringName(s, ring)];
      const out: Record<string, { parts_moved: number; balance: number; dispersion: number }> = {};
      for (const name of names) out[name] = rebalanceRing(tx, name);
      // the object rings' primaries moved: the next pass walks every object (the account and
      // container rings place rows, not copies)
      replicator.ringsChanged(tx, names.filter((n) => n !== ACCOUNT_RING && n !== CONTAINER_RING).reduce((sum, n) => sum + (out[n]?.parts_moved ?? 0), 0));
      return Object.freeze(out);
    });
  }

  /**
   * `swift-get-nodes`: the partition of a path and its primary nodes, then the first handoffs,
   * each with whether it answers now. An object path uses its container's policy ring (the
   * default policy's ring when the container does not exist).
   */
  getNodes(account: string, container?: string, object?: string): { readonly ring: string; readonly partition: number; readonly primaries: readonly NodeView[]; readonly handoffs: readonly NodeView[] } {
    const s = this.kernel.view();
    const a = checkText(account, 'account', 256);
    const c = container === undefined ? undefined : checkText(container, 'container', 256);
    const o = object === undefined ? undefined : checkText(object, 'object', 1024);
    if (o !== undefined && c === undefined) throw new InvalidInput('container', 'an object path needs its container.');
    const name = o !== undefined ? objectRing(servers.findContainer(s, a, c as string)?.storage_policy_index ?? servers.defaultPolicy(s)) : c !== undefined ? CONTAINER_RING : ACCOUNT_RING;
    const ring = ringOf(s, name);
    if (ring === null) throw new InvalidInput('ring', `the ${name} ring has not been rebalanced yet.`);
    const { partition, nodes } = getNodes(ring, a, c, o, { hash_path_prefix: s.object.config.hash_path_prefix, hash_path_suffix: s.object.config.hash_path_suffix });
    const view = (n: { id: number; ip: string; device: string; region: number; zone: number }): NodeView => Object.freeze({ id: n.id, host: n.ip, disk: n.device, region: n.region, zone: n.zone, reachable: reachable(s, n as never) });
    const handoffs: NodeView[] = [];
    for (const h of getMoreNodes(ring, partition)) {
      if (handoffs.length >= nodes.length) break;
      handoffs.push(view(h));
    }
    return Object.freeze({ ring: name, partition, primaries: Object.freeze(nodes.map(view)), handoffs: Object.freeze(handoffs) });
  }

  /** Where an object's copies are now (host, disk, ring device), with whether each answers. */
  locate(account: string, container: string, object: string): readonly (NodeView & { readonly primary: boolean })[] {
    const s = this.kernel.view();
    const row = servers.getObject(s, checkText(account, 'account', 256), checkText(container, 'container', 256), checkText(object, 'object', 1024));
    const { ring: ringName, primaries: nodes } = this.getNodes(account, container, object);
    const ring = ringOf(s, ringName);
    return Object.freeze(
      row.copies.map((c) => {
        const dev = ring?.devs[c.device];
        return Object.freeze({ id: c.device, host: c.host, disk: c.disk, region: dev?.region ?? 0, zone: dev?.zone ?? 0, reachable: diskReachable(s, c.host, c.disk), primary: nodes.some((n) => n.host === c.host && n.disk === c.disk) });
      }),
    );
  }

  /** `swift-recon --diskusage`: bytes and object copies per storage disk. */
  usage(): DiskUsage[] {
    const s = this.kernel.view();
    const out: DiskUsage[] = [];
    for (const host of listHosts(s)) {
      if (!host.roles.includes('storage')) continue;
      for (const disk of host.disks) {
        const key = diskKey(host.name, disk.name);
        const u = getRow(s.object.usage, key);
        out.push(Object.freeze({ host: host.name, disk: disk.name, size_gb: disk.size_gb, bytes: u?.bytes ?? 0, objects: u?.objects ?? 0, failed: getRow(s.object.failed, key) !== undefined }));
      }
    }
    return out;
  }

  /** A disk fails: every copy on it is gone (replication restores them elsewhere). Returns how many objects lost a copy. */
  failDisk(host: string, disk: string): number {
    return this.kernel.transact('object.disk.fail', (tx) => {
      const h = this.disk(tx.draft as CloudState, host, disk);
      const lost = replicator.failDisk(tx, h.name, disk);
      tx.trace('swift-object-server', `disk ${h.name}/${disk} failed: ${lost} object cop${lost === 1 ? 'y' : 'ies'} lost`);
      return lost;
    });
  }

  /** The failed disk is replaced by an empty one; the replicator refills it. */
  replaceDisk(host: string, disk: string): void {
    this.kernel.transact('object.disk.replace', (tx) => {
      const h = this.disk(tx.draft as CloudState, host, disk);
      if (!replicator.replaceDisk(tx, h.name, disk)) throw new InvalidInput('disk', `disk '${disk}' of '${h.name}' has not failed.`);
    });
  }

  private disk(s: CloudState, host: string, disk: string): Host {
    const name = check.name(host, 'host');
    const h = findHost(s, name);
    if (!h) throw new InvalidInput('host', `no host '${name}'.`);
    check.name(disk, 'disk');
    if (!h.disks.some((d) => d.name === disk)) throw new InvalidInput('disk', `host '${name}' has no disk '${disk}'; disks: ${h.disks.map((d) => d.name).join(', ')}.`);
    return h;
  }

  /**
   * One pass of the object-replicator over every object now (`swift-object-replicator --once`).
   * It also runs by itself, 30 s after something left copies out of place or made a pass able to
   * do more (a disk failed or was replaced, a host came back, a rebalance moved partitions); that
   * pass looks only at the objects out of place.
   */
  replicate(): replicator.ReplicationReport {
    return this.kernel.transact('object.replicate', (tx) => replicator.replicate(tx, 'all'));
  }
}

/**
 * Swift's cross-module effects: a storage host's disks become ring devices when it is added
 * (placed at the next rebalance); a host holding object copies cannot be removed, nor lose a
 * disk or the storage role that holds copies or serves a ring; a host back up wakes the
 * replicator.
 */
export const OBJECT_HOOKS: ServiceHooks = {
  'hardware.host.added': (tx, host) => addHostDevices(tx, host),
  'hardware.host.updated': (tx, before, after) => checkHostUpdate(tx, before, after),
  // a host back up answers again: the replicator can copy to it, from it, or revert handoffs
  'hardware.host.state_changed': (tx, before, after) => {
    if (after.state === 'up' && before.state !== 'up') replicator.wakeReplicator(tx);
  },
  'hardware.host.removing': (tx, host) => {
    const s = tx.draft as CloudState;
    const held = host.disks.reduce((n, d) => n + (getRow(s.object.usage, diskKey(host.name, d.name))?.objects ?? 0), 0);
    if (held > 0) throw new HostHoldsData(host.name, held);
    // its disks leave with it: a failed one is no longer on record
    for (const d of host.disks) deleteRow(tx.draft.object.failed, diskKey(host.name, d.name));
    // its devices leave every ring (an operator would `remove` them and rebalance)
    for (const name of ringNames(s)) {
      let b = plain(s.object.rings[name] as RingBuilderData);
      for (const d of b.devs) if (d !== null && d.ip === host.name && !b.remove_devs.includes(d.id)) b = removeDevice(b, d.id);
      if (b !== plain(s.object.rings[name])) setRingBuilder(tx, name, b);
    }
  },
};

/** The object expirer and the replicator, as timers. */
export const OBJECT_TASKS: Readonly<Record<string, TaskHandler>> = {
  'object.expire': (tx, args) => replicator.expireObject(tx, args as { account: string; container: string; object: string; timestamp: number }),
  [replicator.REPLICATE_TASK]: (tx) => replicator.scheduledReplication(tx),
};
