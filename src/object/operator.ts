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
  type RingBuilderData,
  type RingDeviceInput,
} from './ring/index.js';
import * as servers from './servers.js';

/** A ring as `swift-ring-builder <ring>.builder` prints it. */
export interface RingSummary {
  readonly name: string;
  readonly part_power: number;
  readonly replicas: number;
  readonly min_part_hours: number;
  readonly overload: number;
  /** Whether it was rebalanced at least once (a proxy can use it). */
  readonly built: boolean;
  readonly balance: number;
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

/** 409: a storage host still holds object copies. */
class HostHoldsData extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'HostHoldsData';
  constructor(host: string, objects: number) {
    super('object.host.holds_data', `Host '${host}' holds ${objects} object cop${objects === 1 ? 'y' : 'ies'}: remove its devices from the rings, rebalance and replicate first.`, { host, objects });
  }
}

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
        balance: built ? getBalance(b) : 0,
        required_overload: built ? getRequiredOverload(b) : 0,
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
      servers.requestReplication(tx);
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
    const a = check.text(account, 'account', 256);
    const c = container === undefined ? undefined : check.text(container, 'container', 256);
    const o = object === undefined ? undefined : check.text(object, 'object', 1024);
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
    const row = servers.getObject(s, check.text(account, 'account', 256), check.text(container, 'container', 256), check.text(object, 'object', 1024));
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
      const lost = servers.failDisk(tx, h.name, disk);
      tx.trace('swift-object-server', `disk ${h.name}/${disk} failed: ${lost} object cop${lost === 1 ? 'y' : 'ies'} lost`);
      return lost;
    });
  }

  /** The failed disk is replaced by an empty one; the replicator refills it. */
  replaceDisk(host: string, disk: string): void {
    this.kernel.transact('object.disk.replace', (tx) => {
      const h = this.disk(tx.draft as CloudState, host, disk);
      if (!servers.replaceDisk(tx, h.name, disk)) throw new InvalidInput('disk', `disk '${disk}' of '${h.name}' has not failed.`);
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

  /** One pass of the object-replicator now (it also runs by itself 30 s after something left copies out of place). */
  replicate(): servers.ReplicationReport {
    return this.kernel.transact('object.replicate', (tx) => servers.replicate(tx));
  }
}

/**
 * Swift's cross-module effects: a storage host's disks become ring devices when it is added
 * (placed at the next rebalance); a host holding object copies cannot be removed.
 */
export const OBJECT_HOOKS: ServiceHooks = {
  'hardware.host.added': (tx, host) => addHostDevices(tx, host),
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
  'object.expire': (tx, args) => servers.expireObject(tx, args as { account: string; container: string; object: string; timestamp: number }),
  [servers.REPLICATE_TASK]: (tx) => servers.scheduledReplication(tx),
};
