/**
 * The cloud's rings: an account ring, a container ring and one object ring per storage policy,
 * kept as builders in the state, with devices made from the storage hosts' disks — what an
 * operator does with `swift-ring-builder … add` and `rebalance` on a new cluster.
 */
import { InvalidInput, getRow, memoSlot, plain, type CloudState, type Memo, type Tx } from '../core/index.js';
import { findHost, listHosts, listRacks, type Host } from '../hardware/index.js';
import { addDevice, createRingBuilder, getRing, rebalance, type RingBuilderData, type RingData, type RingDeviceInput, type RingDeviceView } from './ring/index.js';
import { checkAddress } from './ring/validate.js';

/** The account ring's key in `state.object.rings`. */
export const ACCOUNT_RING = 'account';
/** The container ring's key. */
export const CONTAINER_RING = 'container';
/** An object ring's key: `object-<policy index>` (Swift's `object.ring.gz`, `object-1.ring.gz`…). */
export const objectRing = (policyIndex: number): string => `object-${policyIndex}`;

/** The default ports of the three servers in Zed (`bind_port`). */
export const SERVER_PORTS: Readonly<Record<'object' | 'container' | 'account', number>> = { object: 6200, container: 6201, account: 6202 };

/** How a ring is created: `swift-ring-builder <ring>.builder create <part_power> <replicas> <min_part_hours>`. */
export interface RingShape {
  readonly part_power: number;
  readonly replicas: number;
  readonly min_part_hours: number;
}

/**
 * The Zed install guide's rings (`create 10 3 1`): 2^10 partitions, 3 replicas, 1 hour; fewer
 * replicas when there are fewer devices (Swift cannot place 3 distinct copies on 2 disks).
 */
export const INSTALL_GUIDE_RING: RingShape = { part_power: 10, replicas: 3, min_part_hours: 1 };

/** DevStack's rings (`SWIFT_PARTITION_POWER_SIZE` 9, `SWIFT_REPLICAS` 1, min_part_hours 1). */
export const DEVSTACK_RING: RingShape = { part_power: 9, replicas: 1, min_part_hours: 1 };

/** Stores a ring's new builder (builders are frozen plain data, assigned whole). */
export function setRingBuilder(tx: Tx, name: string, builder: RingBuilderData): void {
  const rings = { ...plain((tx.draft as CloudState).object.rings), [name]: builder };
  (tx.draft.object as { rings: unknown }).rings = rings;
}

/** The ring loaded from each (frozen) builder. */
const RINGS = memoSlot<RingBuilderData, RingData | null>('object.ring');

const loadRing = (b: RingBuilderData): RingData | null => (b.replica2part2dev === null ? null : getRing(b));

/**
 * The ring a proxy loads for a builder, or null before its first rebalance. With a kernel's
 * `memo`, loaded once per builder (a ring shares the builder's assignment table, so loading
 * copies only the device list).
 */
export function ringOf(s: CloudState, name: string, memo?: Memo): RingData | null {
  const builder = s.object.rings[name];
  if (builder === undefined) return null;
  const b = plain(builder);
  return memo === undefined ? loadRing(b) : memo.of(RINGS, b, loadRing);
}

/**
 * The devices a storage host gives a ring: every disk but the first (which holds the
 * operating system), or its only disk; weight = size in GB; region = 1; zone = the host's rack
 * (in rack order, 1 without one); `ip` = the host name (Swift accepts host names in rings).
 */
export function storageDevices(s: CloudState, host: Host, port: number): RingDeviceInput[] {
  if (!host.roles.includes('storage')) return [];
  checkStorageHostName(host.name);
  const disks = host.disks.length > 1 ? host.disks.slice(1) : host.disks;
  if (disks.length === 0) return [];
  const racks = listRacks(s).map((r) => r.name);
  const zone = host.rack === null ? 1 : racks.indexOf(host.rack) + 1;
  return disks.map((d) => ({ region: 1, zone: Math.max(zone, 1), ip: host.name, port, device: d.name, weight: d.size_gb }));
}

/**
 * A storage host's name is its address in the rings, which Swift normalises (lower case, host
 * name labels of letters, digits and '-'): a name that normalises to something else would give
 * devices no host answers for (`StoreA` becomes `storea`), so it is refused (400 `name`).
 */
export function checkStorageHostName(name: string): void {
  let address: string | undefined;
  try {
    address = checkAddress(name, 'name');
  } catch {
    address = undefined;
  }
  if (address !== name) {
    throw new InvalidInput('name', `'${name}' cannot be a storage host's name: the Swift rings address a storage host by its name, which must be a lower-case host name (letters, digits, '-' and '.') or an IP address; rename the host, or leave out the storage role.`);
  }
}

/** The ring names of the cloud: account, container, and one object ring per policy. */
export function ringNames(s: CloudState): string[] {
  return [ACCOUNT_RING, CONTAINER_RING, ...s.object.config.policies.map((p) => objectRing(p.index))];
}

function portOf(name: string): number {
  return name === ACCOUNT_RING ? SERVER_PORTS.account : name === CONTAINER_RING ? SERVER_PORTS.container : SERVER_PORTS.object;
}

/**
 * Adds a host's storage devices to every ring (no rebalance: the operator's next one places
 * them), but for disks a ring device already names; with `disks`, only those disks'.
 */
export function addHostDevices(tx: Tx, host: Host, disks?: readonly string[]): void {
  const s = tx.draft as CloudState;
  if (!host.roles.includes('storage')) return;
  if (host.disks.length === 0) {
    checkStorageHostName(host.name); // no device to add, but the name must still be an address
    return;
  }
  for (const name of ringNames(s)) {
    const current = s.object.rings[name];
    if (current === undefined) continue; // not built yet: ensureRings takes every host's devices
    let b = plain(current);
    // a disk that already is a device (not marked for removal) stays the one device it is
    const known = (device: string) => b.devs.some((d) => d !== null && d.ip === host.name && d.device === device && !b.remove_devs.includes(d.id));
    for (const dev of storageDevices(s, host, portOf(name))) if ((disks === undefined || disks.includes(dev.device)) && !known(dev.device)) b = addDevice(b, dev);
    if (b !== plain(s.object.rings[name])) setRingBuilder(tx, name, b);
  }
}

/** Creates empty builders for the rings that have none yet (a new policy's ring, a new cloud). */
export function ensureRings(tx: Tx, shape: RingShape): void {
  const s = tx.draft as CloudState;
  const rings = { ...plain(s.object.rings) };
  let changed = false;
  for (const name of ringNames(s)) {
    if (rings[name] !== undefined) continue;
    let b = createRingBuilder(shape);
    for (const host of listHosts(s)) for (const dev of storageDevices(s, host, portOf(name))) b = addDevice(b, dev);
    rings[name] = b;
    changed = true;
  }
  if (changed) (tx.draft.object as { rings: unknown }).rings = rings;
}

/**
 * Rebalances a ring with a seed drawn from the cloud's generator at virtual time now: what
 * `swift-ring-builder <ring>.builder rebalance` does; a ring with fewer devices than replicas
 * lowers its replica count to what the devices can hold (as an operator must).
 */
export function rebalanceRing(tx: Tx, name: string): { parts_moved: number; balance: number; dispersion: number } {
  const s = tx.draft as CloudState;
  let b = plain(s.object.rings[name]);
  if (b === undefined) throw new InvalidInput('ring', `no ring '${name}'; rings: ${ringNames(s).join(', ')}.`);
  const devices = b.devs.filter((d): d is NonNullable<typeof d> => d !== null && d.weight > 0);
  if (b.replica2part2dev === null && devices.length > 0 && devices.length < b.replicas) {
    // before its first rebalance, a ring with fewer devices than replicas is created again with
    // as many replicas as devices (an operator would `create` it so)
    let smaller = createRingBuilder({ part_power: b.part_power, replicas: devices.length, min_part_hours: b.min_part_hours, overload: b.overload });
    for (const d of devices) smaller = addDevice(smaller, { id: d.id, region: d.region, zone: d.zone, ip: d.ip, port: d.port, device: d.device, weight: d.weight, meta: d.meta, replication_ip: d.replication_ip, replication_port: d.replication_port });
    b = smaller;
  }
  const r = rebalance(b, { seed: tx.random.int(2 ** 31), now: tx.now() });
  setRingBuilder(tx, name, r.builder);
  return { parts_moved: r.parts_moved, balance: r.balance, dispersion: r.dispersion };
}


/** `<host>/<disk>`: a physical disk's key (usage and failures are per disk, across rings). */
export const diskKey = (host: string, disk: string): string => `${host}/${disk}`;

/** Whether a disk answers: its host is up and the disk has not failed. */
export function diskReachable(s: CloudState, host: string, disk: string): boolean {
  return findHost(s, host)?.state === 'up' && getRow(s.object.failed, diskKey(host, disk)) === undefined;
}

/**
 * What a request to a disk gets: `ok`; `unmounted` when its host is up but the disk failed (the
 * object server answers 507 Insufficient Storage); `unreachable` when the host is down, in
 * maintenance or gone (the connection fails).
 */
export type DiskAnswer = 'ok' | 'unmounted' | 'unreachable';

/** What a request to a disk gets (see {@link DiskAnswer}). */
export function diskAnswer(s: CloudState, host: string, disk: string): DiskAnswer {
  if (findHost(s, host)?.state !== 'up') return 'unreachable';
  return getRow(s.object.failed, diskKey(host, disk)) === undefined ? 'ok' : 'unmounted';
}

/** Whether a ring device answers (its `ip` is the host, its `device` the disk). */
export const reachable = (s: CloudState, dev: RingDeviceView): boolean => diskReachable(s, dev.ip, dev.device);
