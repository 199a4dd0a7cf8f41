/**
 * Unit tests of the Swift rings: the builder functions one by one, figures cross-checked against
 * Swift Zed's own `RingBuilder` / `Ring` / `hash_path` (values pasted below, with how they were
 * computed), and bad input of every shape refused with an InvalidInput naming the field while
 * the (frozen) input stays as it was.
 */
import { describe, it, expect } from 'vitest';
import { InvalidInput, InvalidState } from '../../src/core/index.js';
import { caught } from '../support/refusal.js';
import { createCloud } from '../../src/index.js';
import {
  MAX_BALANCE,
  addDevice,
  createRingBuilder,
  getBalance,
  getDispersion,
  getMoreNodes,
  getNodes,
  getPartNodes,
  getPartition,
  getRequiredOverload,
  getRing,
  hashPath,
  minPartSecondsLeft,
  nextDeviceId,
  pretendMinPartHoursPassed,
  rebalance,
  removeDevice,
  setDeviceWeight,
  setMinPartHours,
  setOverload,
  setReplicas,
  MAX_WEIGHT,
  MIN_WEIGHT,
  type RingBuilderData,
  type RingData,
  type RingDeviceInput,
} from '../../src/object/ring/index.js';

const HOUR = 3600;

function dev(region: number, zone: number, server: number, device: string, weight = 100): RingDeviceInput {
  return { region, zone, ip: `10.${region}.${zone}.${server}`, port: 6200, device, weight };
}

/** `zones` zones × `servers` servers × `disks` disks in region 1, weight 100. */
function cluster(part_power: number, replicas: number, zones: number, servers: number, disks: number, min_part_hours = 1): RingBuilderData {
  let b = createRingBuilder({ part_power, replicas, min_part_hours });
  for (let z = 1; z <= zones; z++) for (let s = 0; s < servers; s++) for (let d = 0; d < disks; d++) b = addDevice(b, dev(1, z, s, `sd${'abcdefgh'[d]}`));
  return b;
}

/** Part-replicas per device id, counted from the assignment. */
function partsPerDevice(b: RingBuilderData): Map<number, number> {
  const out = new Map<number, number>();
  for (const row of b.replica2part2dev ?? []) for (const id of row) out.set(id, (out.get(id) ?? 0) + 1);
  return out;
}


describe('createRingBuilder (swift-ring-builder create)', () => {
  it('makes an empty, frozen builder that round-trips through JSON', () => {
    const b = createRingBuilder({ part_power: 4, replicas: 3, min_part_hours: 24 });
    expect(b).toMatchObject({ part_power: 4, parts: 16, replicas: 3, min_part_hours: 24, overload: 0, devs: [], replica2part2dev: null, version: 0, dispersion: 0 });
    expect(b.last_part_moves).toEqual(new Array(16).fill(0));
    expect(Object.isFrozen(b) && Object.isFrozen(b.devs) && Object.isFrozen(b.last_part_moves)).toBe(true);
    expect(JSON.parse(JSON.stringify(b))).toEqual(b);
    expect(createRingBuilder({ part_power: 4, replicas: 3, min_part_hours: 0, overload: 0.1 }).overload).toBe(0.1);
  });
});

describe('addDevice (swift-ring-builder add)', () => {
  it('takes the next id, reuses the first hole after a removal, and bumps version', () => {
    let b = cluster(4, 1, 1, 1, 3);
    expect(b.devs.map((d) => d?.id)).toEqual([0, 1, 2]);
    expect(b.version).toBe(3);
    expect(b.devs_changed).toBe(true);
    b = rebalance(removeDevice(b, 1), { seed: 1, now: 0 }).builder;
    expect(b.devs[1]).toBeNull();
    expect(nextDeviceId(b)).toBe(1);
    b = addDevice(b, dev(1, 1, 0, 'sdz'));
    expect(b.devs[1]?.device).toBe('sdz');
    expect(nextDeviceId(b)).toBe(3);
    b = addDevice(b, { ...dev(1, 1, 0, 'sdy'), id: 7 });
    expect(b.devs.length).toBe(8);
    expect(b.devs.slice(3, 7)).toEqual([null, null, null, null]);
  });

  it('normalises addresses as the CLI does and defaults the replication address and meta', () => {
    let b = createRingBuilder({ part_power: 2, replicas: 1, min_part_hours: 0 });
    b = addDevice(b, { region: 1, zone: 1, ip: '[FE80:0000:0:0:0:0:0:0001]', port: 6200, device: 'sdb', weight: 1 });
    b = addDevice(b, { region: 1, zone: 1, ip: 'Storage-1.Example.COM', port: 6200, device: 'sdb', weight: 1, replication_ip: '192.168.0.1', replication_port: 6300, meta: 'rack 3' });
    expect(b.devs[0]).toMatchObject({ ip: 'fe80::1', replication_ip: 'fe80::1', replication_port: 6200, meta: '', parts: 0 });
    expect(b.devs[1]).toMatchObject({ ip: 'storage-1.example.com', replication_ip: '192.168.0.1', replication_port: 6300, meta: 'rack 3' });
  });
});

describe('rebalance (swift-ring-builder rebalance)', () => {
  it('places every replica of every partition on distinct devices and counts parts per device', () => {
    const r = rebalance(cluster(8, 3, 4, 2, 2), { seed: 1, now: 0 });
    const b = r.builder;
    expect(r.parts_moved).toBe(256 * 3);
    for (let p = 0; p < 256; p++) expect(new Set(b.replica2part2dev!.map((row) => row[p])).size).toBe(3);
    const counted = partsPerDevice(b);
    for (const d of b.devs) expect(d!.parts).toBe(counted.get(d!.id) ?? 0);
    expect(b.version).toBe(17);
    expect(b.devs_changed).toBe(false);
  });

  // Swift Zed, /usr/bin/python3: RingBuilder(10, 3, 1); for z in 1..4, s in 0..1, d in sda..sdc:
  // add_dev(region 1, zone z, ip 10.0.z.s, weight 150 in zone 1 else 100); rebalance(seed=1)
  // → (3072, 0.68359375, 0), dispersion 0.0; get_required_overload() → 2.498001805406602e-16.
  // Then add_dev(zone 5, weight 100), pretend_min_part_hours_passed(), rebalance(seed=2) →
  // (110, 0.6510416666666714, 0). The plan decides these figures, not the random draws.
  it("matches Swift's builder figures on a 4-zone ring and after adding a zone", () => {
    let b = createRingBuilder({ part_power: 10, replicas: 3, min_part_hours: 1 });
    for (let z = 1; z <= 4; z++) for (let s = 0; s < 2; s++) for (const d of ['sda', 'sdb', 'sdc']) b = addDevice(b, { region: 1, zone: z, ip: `10.0.${z}.${s}`, port: 6200, device: d, weight: z === 1 ? 150 : 100 });
    expect(getRequiredOverload(b)).toBe(2.498001805406602e-16);
    const first = rebalance(b, { seed: 1, now: 0 });
    expect([first.parts_moved, first.balance, first.dispersion]).toEqual([3072, 0.68359375, 0]);
    b = addDevice(first.builder, { region: 1, zone: 5, ip: '10.0.5.0', port: 6200, device: 'sda', weight: 100 });
    const second = rebalance(pretendMinPartHoursPassed(b), { seed: 2, now: 0 });
    expect([second.parts_moved, second.balance, second.dispersion]).toEqual([110, 0.6510416666666714, 0]);
  });

  // Swift Zed: RingBuilder(10, 3, 1); add_dev (zone, ip, weight) (1,10.1.1.0,100) twice,
  // (2,10.1.2.0,100), (3,10.1.3.0,400), (3,10.1.3.1,400): get_required_overload() →
  // 2.000000000000001; rebalance(seed=1) → (3072, 22.460937499999986, 0), dispersion
  // 33.333333333333336; dispersion_report(b) → worst_tier 'r1z3', max_dispersion 50.0.
  it('needs overload to disperse over under-weighted zones, as Swift computes it', () => {
    let b = createRingBuilder({ part_power: 10, replicas: 3, min_part_hours: 1 });
    for (const [z, s, w] of [[1, 0, 100], [1, 0, 100], [2, 0, 100], [3, 0, 400], [3, 1, 400]] as const) b = addDevice(b, dev(1, z, s, `d${b.devs.length}`, w));
    expect(getRequiredOverload(b)).toBe(2.000000000000001);
    const r = rebalance(b, { seed: 1, now: 0 });
    expect([r.parts_moved, r.balance, r.dispersion]).toEqual([3072, 22.460937499999986, 33.333333333333336]);
    expect(getDispersion(r.builder)).toEqual({ max_dispersion: 50, worst_tier: 'r1z3', graph: [] });
    const full = rebalance(setOverload(r.builder, 2), { seed: 2, now: 2 * HOUR });
    const again = rebalance(full.builder, { seed: 3, now: 4 * HOUR });
    expect(again.dispersion).toBe(0);
    expect(getDispersion(again.builder)).toEqual({ max_dispersion: 0, worst_tier: null, graph: [] });
  });

  it('respects min_part_hours in virtual time and ages last_part_moves', () => {
    let b = rebalance(cluster(8, 3, 4, 2, 2, 24), { seed: 1, now: 1000 * HOUR }).builder;
    expect(b.last_part_moves_epoch).toBe(1000 * HOUR);
    expect(minPartSecondsLeft(b, 1010 * HOUR)).toBe(14 * HOUR);
    b = setDeviceWeight(b, 0, 300);
    const early = rebalance(b, { seed: 2, now: 1010 * HOUR });
    expect(early.parts_moved).toBe(0);
    expect(early.builder.last_part_moves.every((h) => h === 10)).toBe(true);
    const later = rebalance(early.builder, { seed: 2, now: 1030 * HOUR });
    expect(later.parts_moved).toBeGreaterThan(0);
    expect(later.builder.devs[0]!.parts).toBeGreaterThan(b.devs[0]!.parts);
    expect(minPartSecondsLeft(later.builder, 1030 * HOUR)).toBe(24 * HOUR);
    expect(minPartSecondsLeft(pretendMinPartHoursPassed(later.builder), 1030 * HOUR)).toBe(0);
  });

  it('reassigns a removed device at once, whatever min_part_hours says, and drops it', () => {
    let b = rebalance(cluster(8, 3, 4, 2, 2, 24), { seed: 1, now: 0 }).builder;
    const held = b.devs[5]!.parts;
    b = removeDevice(b, 5);
    expect(b.devs[5]!.weight).toBe(0);
    expect(b.remove_devs).toEqual([5]);
    const r = rebalance(b, { seed: 2, now: 0 });
    expect(r.removed_devices).toBe(1);
    expect(r.parts_moved).toBe(held);
    expect(r.builder.devs[5]).toBeNull();
    expect(partsPerDevice(r.builder).has(5)).toBe(false);
    expect(r.builder.remove_devs).toEqual([]);
  });

  it('drains a device of weight 0 and reports MAX_BALANCE while it still holds parts', () => {
    let b = rebalance(cluster(8, 3, 4, 2, 2, 24), { seed: 1, now: 0 }).builder;
    b = setDeviceWeight(b, 3, 0);
    expect(getBalance(b)).toBe(MAX_BALANCE);
    const drained = rebalance(b, { seed: 2, now: 48 * HOUR }).builder;
    expect(drained.devs[3]!.parts).toBe(0);
    expect(getBalance(drained)).toBeLessThan(5);
  });

  it('reports balance 100 before the first rebalance, as Swift does', () => {
    expect(getBalance(cluster(4, 3, 3, 1, 1))).toBe(100);
  });
});

describe('getDispersion (swift-ring-builder dispersion -v)', () => {
  it('counts partitions by replicas per tier with Swift tier names', () => {
    const b = rebalance(cluster(6, 3, 3, 1, 2), { seed: 1, now: 0 }).builder;
    const report = getDispersion(b, { verbose: true });
    const names = report.graph.map(([n]) => n);
    expect(names.slice(0, 4)).toEqual(['r1', 'r1z1', 'r1z1-10.1.1.0', 'r1z1-10.1.1.0/sda']);
    const r1 = report.graph[0]![1];
    expect(r1).toEqual({ max_replicas: 3, placed_parts: 64 * 3, dispersion: 0, replicas: [0, 0, 0, 64] });
    const z1 = report.graph[1]![1];
    expect(z1.replicas).toEqual([0, 64, 0, 0]);
  });
});

// A hand-made ring (16 partitions, 3 replicas, 12 devices: regions 1–2, zones, two disks per
// server) saved with Swift Zed's RingData and read back by its Ring (/usr/bin/python3):
// ring.get_part_nodes(p) / list(ring.get_more_nodes(p)) gave the ids below.
const HAND_R2P = [
  [3, 2, 7, 1, 7, 3, 8, 6, 3, 8, 10, 9, 0, 9, 6, 2],
  [9, 5, 10, 9, 4, 11, 11, 10, 10, 6, 1, 0, 4, 6, 9, 5],
  [8, 9, 9, 0, 8, 7, 7, 2, 2, 0, 2, 4, 7, 10, 7, 1],
];
const SWIFT_HANDOFFS: Record<number, { primaries: number[]; handoffs: number[] }> = {
  0: { primaries: [3, 9, 8], handoffs: [4, 7, 10, 0, 6, 2, 5, 1, 11] },
  5: { primaries: [3, 11, 7], handoffs: [9, 5, 1, 6, 2, 10, 0, 4, 8] },
  11: { primaries: [9, 0, 4], handoffs: [11, 7, 2, 8, 6, 10, 3, 1, 5] },
  15: { primaries: [2, 5, 1], handoffs: [8, 6, 10, 0, 9, 4, 7, 3, 11] },
};

function handRing(): RingData {
  const devs = [
    [1, 1, '10.0.0.1'],
    [1, 1, '10.0.0.2'],
    [1, 2, '10.0.1.1'],
    [1, 3, '10.0.2.1'],
    [2, 1, '10.1.0.1'],
    [2, 2, '10.1.1.1'],
  ].flatMap(([region, zone, ip], i) =>
    ['sda', 'sdb'].map((device, j) => ({ id: i * 2 + j, region: region as number, zone: zone as number, ip: ip as string, port: 6200, replication_ip: ip as string, replication_port: 6200, device, weight: 100, meta: '' })),
  );
  return { part_power: 4, part_shift: 28, replica2part2dev_id: HAND_R2P, devs, version: 1 };
}

describe('the ring (ring.py)', () => {
  // Swift Zed swift.common.utils.hash_path with HASH_PATH_PREFIX / HASH_PATH_SUFFIX set as
  // shown (/usr/bin/python3); the partition is `struct.unpack_from('>I', raw)[0] >> (32 - 10)`.
  const SWIFT_HASHES: [string, string, string[], string, number][] = [
    ['', '', ['AUTH_test'], '50556319ff183c6ba65df78853cf2eca', 321],
    ['', '', ['AUTH_test', 'c'], '01157aa5908b49b4fb4b1238265443d1', 4],
    ['', '', ['AUTH_test', 'c', 'o'], '55f2182e9b0819d00895c2e4f33a8fcb', 343],
    ['', 'changeme', ['AUTH_test', 'c', 'o'], '7363996f2cfb95eaa18df19ccc31aece', 461],
    ['startcap', 'endcap', ['AUTH_test', 'photos', '2024/cat.jpg'], 'ac702ab694014c7033a1e22d5bc48a33', 689],
    ['', '', ['ü', 'é', 'ø'], '212d5f593d37ea69ed3e9f49475e9437', 132],
  ];

  it("hashPath and the partition match Swift's hash_path", () => {
    const ring = getRing(rebalance(cluster(10, 3, 3, 1, 1), { seed: 1, now: 0 }).builder);
    for (const [hash_path_prefix, hash_path_suffix, [a, c, o], hex, part] of SWIFT_HASHES) {
      const opts = { hash_path_prefix, hash_path_suffix };
      expect(hashPath(a!, c, o, opts)).toBe(hex);
      expect(getPartition(ring, a!, c, o, opts)).toBe(part);
      expect(getNodes(ring, a!, c, o, opts).partition).toBe(part);
    }
    // empty names count as absent, as in Swift
    expect(hashPath('AUTH_test', '', '')).toBe('50556319ff183c6ba65df78853cf2eca');
  });

  it("getMoreNodes gives Swift's handoff order on a hand-made ring", () => {
    const ring = handRing();
    for (const [p, { primaries, handoffs }] of Object.entries(SWIFT_HANDOFFS)) {
      expect(getPartNodes(ring, Number(p)).map((n) => n.id)).toEqual(primaries);
      const more = [...getMoreNodes(ring, Number(p))];
      expect(more.map((n) => n.id)).toEqual(handoffs);
      expect(more.map((n) => n.handoff_index)).toEqual(handoffs.map((_, i) => i));
    }
  });

  it('getRing drops the builder-only fields and getNodes lists each device once with its index', () => {
    const b = rebalance(cluster(6, 3, 3, 1, 1), { seed: 1, now: 0 }).builder;
    const ring = getRing(b);
    expect(ring.devs[0]).not.toHaveProperty('parts');
    expect(ring.devs[0]).not.toHaveProperty('parts_wanted');
    expect(ring.part_shift).toBe(26);
    expect(ring.replica2part2dev_id).toBe(b.replica2part2dev);
    const { partition, nodes } = getNodes(ring, 'AUTH_test', 'c', 'o');
    expect(nodes.map((n) => n.index)).toEqual([0, 1, 2]);
    expect(nodes.map((n) => n.id)).toEqual(b.replica2part2dev!.map((row) => row[partition]));
    expect(JSON.parse(JSON.stringify(ring))).toEqual(ring);
  });

  it('a never-rebalanced ring has no nodes, as Swift', () => {
    const ring = getRing(cluster(4, 3, 3, 1, 1));
    expect(getNodes(ring, 'a').nodes).toEqual([]);
    expect([...getMoreNodes(ring, 0)]).toEqual([]);
  });

  it('part_power 0 puts every path in partition 0', () => {
    const ring = getRing(rebalance(cluster(0, 1, 1, 1, 2), { seed: 1, now: 0 }).builder);
    expect(getNodes(ring, 'AUTH_test', 'c', 'o').partition).toBe(0);
  });
});

describe('bad input', () => {
  const base = rebalance(cluster(4, 2, 2, 1, 2), { seed: 1, now: 0 }).builder;
  const marked = removeDevice(base, 0);
  const empty = createRingBuilder({ part_power: 4, replicas: 3, min_part_hours: 1 });
  const good = dev(1, 3, 0, 'sdc');
  const cases: [string, () => unknown, string, string?][] = [
    ['non-integer part_power', () => createRingBuilder({ part_power: 2.5, replicas: 3, min_part_hours: 1 }), 'part_power'],
    ['part_power above Swift’s 32', () => createRingBuilder({ part_power: 33, replicas: 3, min_part_hours: 1 }), 'part_power', '32'],
    ['part_power above what fits', () => createRingBuilder({ part_power: 30, replicas: 3, min_part_hours: 1 }), 'part_power', '24'],
    ['negative part_power', () => createRingBuilder({ part_power: -1, replicas: 3, min_part_hours: 1 }), 'part_power'],
    ['replicas < 1', () => createRingBuilder({ part_power: 4, replicas: 0, min_part_hours: 1 }), 'replicas'],
    ['fractional replicas', () => createRingBuilder({ part_power: 4, replicas: 2.5, min_part_hours: 1 }), 'replicas', 'fractional'],
    ['negative min_part_hours', () => createRingBuilder({ part_power: 4, replicas: 3, min_part_hours: -1 }), 'min_part_hours'],
    ['negative overload', () => createRingBuilder({ part_power: 4, replicas: 3, min_part_hours: 1, overload: -0.1 }), 'overload'],
    ['unknown option', () => createRingBuilder({ part_power: 4, replicas: 3, min_part_hours: 1, weight: 1 } as never), 'options.weight'],
    ['negative weight', () => addDevice(base, { ...good, weight: -1 }), 'dev.weight'],
    ['NaN weight', () => addDevice(base, { ...good, weight: Number.NaN }), 'dev.weight'],
    ['duplicate id', () => addDevice(base, { ...good, id: 1 }), 'dev.id', 'already in use'],
    ['id too large', () => addDevice(base, { ...good, id: 65535 }), 'dev.id'],
    ['ip not a string', () => addDevice(base, { ...good, ip: 10 as never }), 'dev.ip'],
    ['ip not an address', () => addDevice(base, { ...good, ip: 'storage node 1' }), 'dev.ip'],
    ['host name with a leading dash', () => addDevice(base, { ...good, ip: '-storage1' }), 'dev.ip'],
    ['bad IPv6', () => addDevice(base, { ...good, ip: '[fe80::1::2]' }), 'dev.ip'],
    ['port a string', () => addDevice(base, { ...good, port: '6200' as never }), 'dev.port'],
    ['port out of range', () => addDevice(base, { ...good, port: 70000 }), 'dev.port'],
    ['empty device name', () => addDevice(base, { ...good, device: '' }), 'dev.device', 'empty'],
    ['device name with a trailing space', () => addDevice(base, { ...good, device: 'sdb ' }), 'dev.device'],
    ['missing zone', () => addDevice(base, { ...good, zone: undefined as never }), 'dev.zone', 'required'],
    ['unknown device field', () => addDevice(base, { ...good, rack: 3 } as never), 'dev.rack'],
    ['device not an object', () => addDevice(base, 'sdb' as never), 'dev'],
    ['unknown id to remove', () => removeDevice(base, 42), 'id', 'known ids'],
    ['unknown id to weigh', () => setDeviceWeight(base, 42, 1), 'id'],
    ['negative weight to set', () => setDeviceWeight(base, 1, -5), 'weight'],
    // issue 10 #8: denormal and near-overflow weights broke the builder's arithmetic (a 500 at rebalance)
    ['denormal weight to set', () => setDeviceWeight(base, 1, 5e-324), 'weight', String(MIN_WEIGHT)],
    ['weight below the smallest one to set', () => setDeviceWeight(base, 1, MIN_WEIGHT / 2), 'weight'],
    ['huge weight to set', () => setDeviceWeight(base, 1, 1e308), 'weight', String(MAX_WEIGHT)],
    ['infinite weight to set', () => setDeviceWeight(base, 1, Number.POSITIVE_INFINITY), 'weight'],
    ['denormal weight to add', () => addDevice(base, { ...good, weight: 5e-324 }), 'dev.weight'],
    ['huge weight to add', () => addDevice(base, { ...good, weight: 1e308 }), 'dev.weight'],
    ['infinite overload to set', () => setOverload(base, Number.POSITIVE_INFINITY), 'overload'],
    ['replicas < 1 to set', () => setReplicas(base, 0), 'replicas'],
    ['fractional replicas to set', () => setReplicas(base, 2.5), 'replicas', 'fractional'],
    ['NaN replicas to set', () => setReplicas(base, Number.NaN), 'replicas'],
    ['negative overload to set', () => setOverload(base, -1), 'overload'],
    ['overload not a number', () => setOverload(base, '10%' as never), 'overload'],
    ['negative min_part_hours to set', () => setMinPartHours(base, -2), 'min_part_hours'],
    ['rebalance with no devices', () => rebalance(empty, { seed: 1, now: 0 }), 'builder.devs', 'no devices'],
    ['rebalance with zero total weight', () => rebalance(addDevice(addDevice(empty, { ...good, weight: 0 }), { ...good, device: 'sdd', weight: 0 }), { seed: 1, now: 0 }), 'builder.devs', 'weight > 0'],
    ['rebalance with fewer devices than replicas', () => rebalance(addDevice(empty, good), { seed: 1, now: 0 }), 'builder.devs', 'replica count of 3'],
    ['rebalance without a seed', () => rebalance(base, { now: 0 } as never), 'options.seed'],
    ['rebalance with negative time', () => rebalance(base, { seed: 1, now: -1 }), 'options.now'],
    ['required overload of an empty ring', () => getRequiredOverload(empty), 'builder.devs'],
    ['balance of an empty ring', () => getBalance(empty), 'builder.devs'],
    ['builder not an object', () => addDevice(null as never, good), 'builder'],
    ['builder with a bad part_power', () => rebalance({ ...base, part_power: 'x' } as never, { seed: 1, now: 0 }), 'builder.part_power'],
    ['builder assigning an unknown device', () => getRing({ ...base, replica2part2dev: [base.replica2part2dev![0]!, base.replica2part2dev![1]!.map(() => 99)] }), 'builder.replica2part2dev[1][0]'],
    ['object without container', () => hashPath('a', undefined, 'o'), 'container', 'required'],
    ['account not a string', () => hashPath(5 as never), 'account'],
    ['unknown hash option', () => hashPath('a', 'c', 'o', { salt: 'x' } as never), 'options.salt'],
    ['partition out of range (checked before the first handoff is taken)', () => getMoreNodes(getRing(base), 16), 'partition'],
    ['partition not an integer', () => getPartNodes(getRing(base), 1.5), 'partition'],
    ['ring not an object', () => getNodes(undefined as never, 'a'), 'ring'],
  ];

  it.each(cases)('%s is refused with InvalidInput naming the field', (_name, fn, field, text) => {
    const e = caught(fn);
    expect(e).toBeInstanceOf(InvalidInput);
    expect(e.status).toBe(400);
    expect(e.details.field).toBe(field);
    expect(e.message).toContain(field);
    if (text !== undefined) expect(e.message).toContain(text);
  });

  it('denormal and near-overflow weights are refused; before, they made rebalance answer 500 (issue 10 #8)', () => {
    // six devices over three zones; both devices of zone 1 weighed 5e-324: weight × parts-per-weight
    // underflowed to 0, the replica plan gave weighted devices no share, and rebalance threw a 500
    // (object.ring.no_home); weighed 1e308, the total weight overflowed (object.ring.internal)
    const six = rebalance(cluster(6, 3, 3, 2, 1), { seed: 1, now: 0 }).builder;
    for (const w of [5e-324, 1e-320, 1e308, Number.MAX_VALUE]) {
      let b = six;
      const e = caught(() => {
        for (const id of [0, 1]) b = setDeviceWeight(b, id, w);
        return rebalance(b, { seed: 2, now: 0 });
      });
      expect({ w, status: e.status, field: e.details.field }).toEqual({ w, status: 400, field: 'weight' });
    }
    // the bounds themselves are weights like any other, even side by side
    let b = six;
    for (const [id, w] of [[0, MIN_WEIGHT], [2, MAX_WEIGHT], [4, MIN_WEIGHT]] as const) b = setDeviceWeight(b, id, w);
    const r = rebalance(b, { seed: 2, now: 0 });
    expect(Number.isFinite(r.balance)).toBe(true);
    for (let p = 0; p < r.builder.parts; p++) expect(new Set(r.builder.replica2part2dev!.map((row) => row[p])).size).toBe(3);
    // −0 is stored as 0 (JSON has no −0: a snapshot would not round-trip)
    expect(Object.is(setDeviceWeight(six, 1, -0).devs[1]!.weight, 0)).toBe(true);
    expect(Object.is(setOverload(six, -0).overload, 0)).toBe(true);
  });

  it('weights some 1e10 apart: the light devices hold nothing and the rebalance places every replica (was 500 object.ring.no_home)', () => {
    // two devices of weight 0.7 in region 2, one of 1e10 in region 1, 2 replicas: each light
    // device's share (7e-11) is below the plan's tolerance (1e-10), so it plans 0 replicas while
    // region 2, summing them, planned 1 — and the placement went into a region with no room
    let b = createRingBuilder({ part_power: 6, replicas: 2, min_part_hours: 0 });
    b = addDevice(b, { region: 2, zone: 1, ip: '10.2.1.0', port: 6200, device: 'sd0', weight: 0.7 });
    b = addDevice(b, { region: 2, zone: 1, ip: '10.2.1.0', port: 6200, device: 'sd1', weight: 0.7 });
    b = addDevice(b, { region: 1, zone: 1, ip: '10.1.1.0', port: 6200, device: 'sd2', weight: 1e10 });
    b = addDevice(b, { region: 1, zone: 1, ip: '10.1.1.0', port: 6200, device: 'sd3', weight: 0 });
    const first = rebalance(b, { seed: 0, now: 0 }).builder;
    const r = rebalance(setDeviceWeight(first, 3, 1e10), { seed: 0, now: 0 }).builder;
    for (let p = 0; p < r.parts; p++) expect(new Set(r.replica2part2dev!.map((row) => row[p])).size).toBe(2);
    expect(r.devs[2]!.parts + r.devs[3]!.parts).toBeGreaterThanOrEqual(r.parts);
  });

  it('the operator lists a ring whose weighted devices are fewer than its replicas (balance and required overload 0), as the CLI does', () => {
    // before: cloud.object.rings() — a read — threw 400 object.ring.too_few_devices
    const cloud = createCloud({ seed: 3, preset: 'empty', identity: { password_hash_rounds: 1 }, topology: { hosts: ['s1', 's2', 's3'].map((name) => ({ name, cpu: { sockets: 1, cores_per_socket: 2 }, memory_mb: 4096, roles: ['storage' as const], disks: [{ name: 'sda', size_gb: 10 }, { name: 'sdb', size_gb: 100 }] })) }, object: { ring: { part_power: 4 } } });
    const [a, b] = cloud.object.rings().find((r) => r.name === 'object-0')!.devices;
    cloud.object.setDeviceWeight('object-0', a!.id, 0);
    cloud.object.setDeviceWeight('object-0', b!.id, 0);
    expect(cloud.object.rings().find((r) => r.name === 'object-0')).toMatchObject({ built: true, required_overload: 0 });
    cloud.object.setReplicas('container', 5);
    expect(cloud.object.rings().find((r) => r.name === 'container')).toMatchObject({ replicas: 5, required_overload: 0 });
    expect(caught(() => cloud.object.rebalance('container'))).toMatchObject({ status: 400, code: 'object.ring.too_few_devices' });
  });

  it('set_replicas takes effect at the next rebalance: rows added and filled, or dropped', () => {
    const six = rebalance(cluster(6, 3, 3, 2, 1), { seed: 1, now: 0 }).builder;
    const four = setReplicas(six, 4);
    expect({ replicas: four.replicas, rows: four.replica2part2dev!.length, devs_changed: four.devs_changed }).toEqual({ replicas: 4, rows: 3, devs_changed: true });
    expect(getRing(four).replica2part2dev_id).toHaveLength(3); // the proxy keeps the last rebalanced ring
    expect(getDispersion(four).max_dispersion).toBe(getDispersion(six).max_dispersion);
    const up = rebalance(four, { seed: 2, now: 0 });
    expect(up.builder.replica2part2dev).toHaveLength(4);
    for (let p = 0; p < up.builder.parts; p++) {
      expect(new Set(up.builder.replica2part2dev!.map((row) => row[p])).size).toBe(4);
      for (let r = 0; r < 3; r++) expect(up.builder.replica2part2dev![r]![p]).toBe(six.replica2part2dev![r]![p]); // the old replicas stay
    }
    expect(up.builder.devs.reduce((n, d) => n + (d?.parts ?? 0), 0)).toBe(4 * up.builder.parts);
    const down = rebalance(setReplicas(up.builder, 2), { seed: 3, now: 0 });
    expect(down.builder.replica2part2dev).toHaveLength(2);
    expect(down.builder.devs.reduce((n, d) => n + (d?.parts ?? 0), 0)).toBe(2 * down.builder.parts);
    expect(setReplicas(six, 3)).toBe(six);
  });

  it('a device marked for removal cannot be weighed or removed again (409)', () => {
    for (const fn of [() => setDeviceWeight(marked, 0, 5), () => removeDevice(marked, 0)]) {
      const e = caught(fn);
      expect(e).toBeInstanceOf(InvalidState);
      expect(e.code).toBe('object.ring.device_removed');
      expect(e.message).toContain('marked for removal');
    }
  });

  it('the dispersion report of a never-rebalanced builder asks for a rebalance', () => {
    expect(caught(() => getDispersion(cluster(4, 3, 3, 1, 1))).code).toBe('object.ring.not_rebalanced');
  });

  it('refused calls leave their frozen input exactly as it was', () => {
    const before = JSON.stringify(base);
    for (const [, fn] of cases) caught(fn);
    expect(JSON.stringify(base)).toBe(before);
    expect(Object.isFrozen(base) && Object.isFrozen(base.replica2part2dev![0])).toBe(true);
  });

  it('a builder revived from JSON is checked and then works like the original', () => {
    const revived = JSON.parse(JSON.stringify(base)) as RingBuilderData;
    const a = rebalance(setDeviceWeight(base, 1, 500), { seed: 4, now: 5 * HOUR });
    const b = rebalance(setDeviceWeight(revived, 1, 500), { seed: 4, now: 5 * HOUR });
    expect(b).toEqual(a);
    const broken = { ...revived, last_part_moves: revived.last_part_moves.slice(1) };
    expect(caught(() => rebalance(broken, { seed: 1, now: 0 })).details.field).toBe('builder.last_part_moves');
  });
});
