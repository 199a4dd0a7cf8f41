/**
 * Input checks for the ring functions. They take `unknown` (notebooks call them untyped) and
 * return checked values or throw InvalidInput naming the field; none of them mutates its input.
 */
import { InvalidInput, check, describeValue } from '../../core/index.js';
import {
  MAX_DEVICE_ID,
  MAX_PART_POWER,
  MAX_REPLICAS,
  MAX_WEIGHT,
  MIN_WEIGHT,
  type RingBuilderData,
  type RingDevice,
} from './types.js';

const DEVICE_KEYS = ['id', 'region', 'zone', 'ip', 'port', 'device', 'weight', 'meta', 'replication_ip', 'replication_port'] as const;

/** `part_power`: an integer in [0, MAX_PART_POWER] (Swift: at most 32). */
export function checkPartPower(value: unknown, field = 'part_power'): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 32) {
    throw new InvalidInput(field, `must be at most 32 (Swift's limit), got ${value}.`);
  }
  if (typeof value === 'number' && Number.isInteger(value) && value > MAX_PART_POWER) {
    throw new InvalidInput(field, `must be at most ${MAX_PART_POWER} in stacksim (2^${value} partitions do not fit a JavaScript heap), got ${value}.`);
  }
  return positiveZero(check.integer(value, field, 0, MAX_PART_POWER));
}

/** `replicas`: an integer in [1, MAX_REPLICAS]. */
export function checkReplicas(value: unknown, field = 'replicas'): number {
  if (typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value) && value >= 1) {
    throw new InvalidInput(field, `must be a whole number in stacksim (Swift's fractional replica counts are not simulated), got ${value}.`);
  }
  return check.integer(value, field, 1, MAX_REPLICAS);
}

/** `x + 0` is `x`, except that −0 becomes 0 (JSON has no −0, so state would not round-trip). */
const positiveZero = (x: number): number => x + 0;

/** `min_part_hours`: a non-negative integer. */
export function checkMinPartHours(value: unknown, field = 'min_part_hours'): number {
  return positiveZero(check.integer(value, field, 0));
}

/** `overload`: a finite, non-negative fraction (0.1 = 10 %); −0 is 0. */
export function checkOverload(value: unknown, field = 'overload'): number {
  return positiveZero(check.number(value, field, 0));
}

/**
 * `weight`: 0 (drain the device) or a finite number in [{@link MIN_WEIGHT}, {@link MAX_WEIGHT}];
 * −0 is 0. Swift's CLI refuses only negative weights; denormal and near-overflow weights break
 * the builder's arithmetic (see MIN_WEIGHT), so they are refused here with the range to use.
 */
export function checkWeight(value: unknown, field = 'weight'): number {
  const w = positiveZero(check.number(value, field, 0));
  if (w === 0) return 0;
  if (w < MIN_WEIGHT || w > MAX_WEIGHT) {
    throw new InvalidInput(field, `must be 0 (to drain the device) or between ${MIN_WEIGHT} and ${MAX_WEIGHT}, got ${w}; weights are relative, so scale them all (e.g. the disks' sizes in GB).`);
  }
  return w;
}

/** A device id: an integer in [0, 65534]. */
export function checkDeviceId(value: unknown, field = 'id'): number {
  return positiveZero(check.integer(value, field, 0, MAX_DEVICE_ID));
}

/** A port: an integer in [1, 65535]. */
export function checkPort(value: unknown, field: string): number {
  return check.integer(value, field, 1, 65535);
}

/**
 * An address as the CLI's `validate_and_normalize_address` takes it: an IPv4 address, an IPv6
 * address (optionally in brackets; compressed to its canonical form, as `inet_ntop` does) or a
 * host name; lower-cased.
 */
export function checkAddress(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new InvalidInput(field, `expected an IP address or host name, got ${describeValue(value)}.`);
  const bracketed = value.startsWith('[') && value.endsWith(']');
  const bare = (bracketed ? value.slice(1, -1) : value).toLowerCase();
  if (isIpv4(bare)) return bare;
  const v6 = parseIpv6(bare);
  if (v6 !== undefined) return formatIpv6(v6);
  if (!bracketed && isHostname(bare)) return bare;
  throw new InvalidInput(field, `${describeValue(value)} is not a valid IPv4 address, IPv6 address or host name.`);
}

function isIpv4(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return false;
  // inet_pton refuses octets over 255 and octets with a leading zero
  return m.slice(1).every((o) => Number(o) <= 255 && !(o.length > 1 && o.startsWith('0')));
}

function parseIpv6(s: string): number[] | undefined {
  if (!/^[0-9a-f:.]+$/.test(s) || s.length < 2) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string, allowV4: boolean): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] as string;
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        if (!isIpv4(g)) return undefined;
        const o = g.split('.').map(Number) as [number, number, number, number];
        out.push((o[0] << 8) | o[1], (o[2] << 8) | o[3]);
      } else if (/^[0-9a-f]{1,4}$/.test(g)) {
        out.push(parseInt(g, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  if (halves.length === 1) {
    const all = parse(s, true);
    return all !== undefined && all.length === 8 ? all : undefined;
  }
  const head = parse(halves[0] as string, false);
  const tail = parse(halves[1] as string, true);
  if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** RFC 5952: the longest run of two or more zero groups (the first on a tie) becomes `::`. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function isHostname(s: string): boolean {
  if (s.length < 1 || s.length > 255) return false;
  const h = s.endsWith('.') ? s.slice(0, -1) : s;
  return h.split('.').every((label) => /^(?!-)[a-z\d-]{1,63}$/.test(label) && !label.endsWith('-'));
}

/** A device name as the CLI's `validate_device_name`: non-empty, no leading or trailing space. */
export function checkDeviceName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new InvalidInput(field, `expected a device name such as 'sdb1', got ${describeValue(value)}.`);
  if (value.length === 0) throw new InvalidInput(field, "must not be empty; give the device's name on disk, such as 'sdb1'.");
  if (value.startsWith(' ') || value.endsWith(' ')) throw new InvalidInput(field, 'must not start or end with a space.');
  if (value.length > 255) throw new InvalidInput(field, `must be at most 255 characters, got ${value.length}.`);
  return value;
}

/** A checked device input, before its id is decided. */
export type CheckedDevice = Omit<RingDevice, 'id' | 'parts' | 'parts_wanted'> & { readonly id: number | undefined };

/** Checks one `add_dev` input. */
export function checkDeviceInput(value: unknown, field = 'dev'): CheckedDevice {
  const d = check.record(value, field);
  check.onlyKeys(d, DEVICE_KEYS, field);
  for (const key of ['region', 'zone', 'ip', 'port', 'device', 'weight'] as const) {
    if (d[key] === undefined) throw new InvalidInput(`${field}.${key}`, `is required (a device needs region, zone, ip, port, device and weight).`);
  }
  const ip = checkAddress(d.ip, `${field}.ip`);
  const port = checkPort(d.port, `${field}.port`);
  return {
    id: d.id === undefined ? undefined : checkDeviceId(d.id, `${field}.id`),
    region: positiveZero(check.integer(d.region, `${field}.region`, 0)),
    zone: positiveZero(check.integer(d.zone, `${field}.zone`, 0)),
    ip,
    port,
    replication_ip: d.replication_ip === undefined ? ip : checkAddress(d.replication_ip, `${field}.replication_ip`),
    replication_port: d.replication_port === undefined ? port : checkPort(d.replication_port, `${field}.replication_port`),
    device: checkDeviceName(d.device, `${field}.device`),
    weight: checkWeight(d.weight, `${field}.weight`),
    meta: d.meta === undefined ? '' : check.text(d.meta, `${field}.meta`, 65535),
  };
}

/**
 * A brand, not a cache: the builders this module itself produced, frozen and consistent, so they
 * skip the full check. Nothing derived from a builder is kept (derived data lives in a kernel's memo).
 */
const trusted = new WeakSet<object>();

/** Marks a builder this module produced (and froze) as consistent. */
export function trust<T extends object>(b: T): T {
  trusted.add(b);
  return b;
}

/**
 * Checks a builder given by a caller: the shape of {@link RingBuilderData} and its internal
 * consistency (device ids, assignment lengths and ids). Builders this module returned are
 * trusted; a builder revived from JSON is checked in full (O(partitions × replicas)).
 */
export function checkBuilder(value: unknown, field = 'builder'): RingBuilderData {
  if (typeof value === 'object' && value !== null && trusted.has(value)) return value as RingBuilderData;
  const b = check.record(value, field);
  const partPower = checkPartPower(b.part_power, `${field}.part_power`);
  const replicas = checkReplicas(b.replicas, `${field}.replicas`);
  checkMinPartHours(b.min_part_hours, `${field}.min_part_hours`);
  checkOverload(b.overload, `${field}.overload`);
  const parts = 2 ** partPower;
  if (b.parts !== parts) throw new InvalidInput(`${field}.parts`, `must be 2 ** part_power = ${parts}, got ${describeValue(b.parts)}.`);
  check.boolean(b.devs_changed, `${field}.devs_changed`);
  check.integer(b.version, `${field}.version`, 0);
  check.number(b.last_part_moves_epoch, `${field}.last_part_moves_epoch`, 0);
  check.integer(b.last_part_gather_start, `${field}.last_part_gather_start`, 0, parts - 1);
  check.number(b.dispersion, `${field}.dispersion`, 0);
  if (!Array.isArray(b.devs)) throw new InvalidInput(`${field}.devs`, `expected an array of devices (null for removed ids), got ${describeValue(b.devs)}.`);
  if (b.devs.length > MAX_DEVICE_ID + 1) throw new InvalidInput(`${field}.devs`, `must have at most ${MAX_DEVICE_ID + 1} entries.`);
  for (let i = 0; i < b.devs.length; i++) {
    const raw: unknown = b.devs[i];
    if (raw === null) continue;
    const f = `${field}.devs[${i}]`;
    const d = check.record(raw, f);
    if (d.id !== i) throw new InvalidInput(`${f}.id`, `must equal the device's index ${i}, got ${describeValue(d.id)}.`);
    const { parts: p, parts_wanted: w, ...rest } = d;
    const c = checkDeviceInput(rest, f);
    if (c.ip !== d.ip) throw new InvalidInput(`${f}.ip`, `must be normalised ('${c.ip}').`);
    check.integer(p, `${f}.parts`, 0);
    check.integer(w, `${f}.parts_wanted`);
  }
  if (!Array.isArray(b.remove_devs)) throw new InvalidInput(`${field}.remove_devs`, `expected an array of device ids, got ${describeValue(b.remove_devs)}.`);
  for (let i = 0; i < b.remove_devs.length; i++) {
    const id = checkDeviceId(b.remove_devs[i], `${field}.remove_devs[${i}]`);
    const dev = b.devs[id] as RingDevice | null | undefined;
    if (!dev || dev.weight !== 0) throw new InvalidInput(`${field}.remove_devs[${i}]`, `device ${id} is not a device of weight 0 in devs.`);
  }
  if (!Array.isArray(b.last_part_moves) || b.last_part_moves.length !== parts) {
    throw new InvalidInput(`${field}.last_part_moves`, `expected an array of ${parts} hours.`);
  }
  for (let i = 0; i < parts; i++) {
    const h: unknown = b.last_part_moves[i];
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h > 0xff) {
      throw new InvalidInput(`${field}.last_part_moves[${i}]`, `expected an integer in [0, 255], got ${describeValue(h)}.`);
    }
  }
  const r2p = b.replica2part2dev;
  if (r2p !== null) {
    // as many rows as the replica count of the last rebalance (`set_replicas` takes effect at the next)
    if (!Array.isArray(r2p) || r2p.length < 1 || r2p.length > MAX_REPLICAS) {
      throw new InvalidInput(`${field}.replica2part2dev`, `expected null or 1 to ${MAX_REPLICAS} arrays of ${parts} device ids.`);
    }
    for (let r = 0; r < r2p.length; r++) {
      const row: unknown = r2p[r];
      if (!Array.isArray(row) || row.length !== parts) throw new InvalidInput(`${field}.replica2part2dev[${r}]`, `expected an array of ${parts} device ids.`);
      for (let p = 0; p < parts; p++) {
        const id: unknown = row[p];
        if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= b.devs.length || b.devs[id] === null) {
          throw new InvalidInput(`${field}.replica2part2dev[${r}][${p}]`, `expected the id of a device in devs, got ${describeValue(id)}.`);
        }
      }
    }
  }
  // a deeply frozen builder cannot change any more: check it once
  if (Object.isFrozen(b) && Object.isFrozen(b.devs) && b.devs.every((d) => d === null || Object.isFrozen(d)) && Object.isFrozen(b.last_part_moves) && Object.isFrozen(b.remove_devs) && (r2p === null || (Object.isFrozen(r2p) && (r2p as unknown[]).every((row) => Object.isFrozen(row))))) {
    trusted.add(b);
  }
  return b as unknown as RingBuilderData;
}

/** Checked `{ seed, now }` of a rebalance. */
export function checkRebalanceOptions(value: unknown, field = 'options'): { seed: number | string; now: number } {
  const o = check.record(value, field);
  check.onlyKeys(o, ['seed', 'now'], field);
  const seed = o.seed;
  if (typeof seed === 'string') check.text(seed, `${field}.seed`, 1000);
  else check.number(seed, `${field}.seed`);
  return { seed: seed as number | string, now: check.number(o.now, `${field}.now`, 0) };
}

