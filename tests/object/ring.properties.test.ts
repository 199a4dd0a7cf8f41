/**
 * Properties of the Swift rings on random clusters and random histories of builder commands,
 * each with a fixed fast-check seed (in the title) so a failure replays: distinct devices per
 * partition, dispersion over zones and regions once the overload allows it, balance on large
 * rings, near-minimal movement when a device is added, determinism and purity, and `getNodes` /
 * `getMoreNodes` against independent computations (node:crypto's MD5, plain scans).
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { CloudError, createCloud, type Cloud } from '../../src/index.js';
import {
  MAX_WEIGHT,
  MIN_WEIGHT,
  addDevice,
  createRingBuilder,
  getBalance,
  getMoreNodes,
  getNodes,
  getRequiredOverload,
  getRing,
  rebalance,
  removeDevice,
  setDeviceWeight,
  setOverload,
  setReplicas,
  type RingBuilderData,
  type RingDeviceInput,
} from '../../src/object/ring/index.js';

const HOUR = 3600;

interface DevSpec {
  region: number;
  zone: number;
  server: number;
  weight: number;
}

const devSpecArb = (regions: number, zones: number): fc.Arbitrary<DevSpec> =>
  fc.record({
    region: fc.integer({ min: 1, max: regions }),
    zone: fc.integer({ min: 1, max: zones }),
    server: fc.integer({ min: 0, max: 2 }),
    weight: fc.constantFrom(50, 100, 100, 200, 400),
  });

function input(d: DevSpec, i: number): RingDeviceInput {
  return { region: d.region, zone: d.zone, ip: `10.${d.region}.${d.zone}.${d.server}`, port: 6200, device: `sd${i}`, weight: d.weight };
}

function build(part_power: number, replicas: number, specs: readonly DevSpec[], min_part_hours = 1, overload = 0): RingBuilderData {
  let b = createRingBuilder({ part_power, replicas, min_part_hours, overload });
  specs.forEach((d, i) => (b = addDevice(b, input(d, i))));
  return b;
}

/** Per partition, the device ids of its replicas. */
function partDevices(b: RingBuilderData, p: number): number[] {
  return b.replica2part2dev!.map((row) => row[p] as number);
}

/** A symmetric cluster: `zones` × `servers` × `disks` in region 1, equal weights. */
function symmetric(part_power: number, replicas: number, zones: number, servers: number, disks: number, min_part_hours = 1): RingBuilderData {
  let b = createRingBuilder({ part_power, replicas, min_part_hours });
  for (let z = 1; z <= zones; z++) for (let s = 0; s < servers; s++) for (let d = 0; d < disks; d++) b = addDevice(b, { region: 1, zone: z, ip: `10.1.${z}.${s}`, port: 6200, device: `sd${d}`, weight: 100 });
  return b;
}

/** Checks the invariants every rebalanced builder keeps. */
function expectConsistent(b: RingBuilderData): void {
  const counts = new Map<number, number>();
  for (let p = 0; p < b.parts; p++) {
    const ids = partDevices(b, p);
    // 1. every partition has `replicas` distinct devices, all present in devs
    expect(new Set(ids).size).toBe(b.replicas);
    for (const id of ids) {
      expect(b.devs[id]).not.toBeNull();
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  for (const d of b.devs) if (d !== null) expect(d.parts).toBe(counts.get(d.id) ?? 0);
  expect(b.remove_devs).toEqual([]);
}

type Op =
  | { kind: 'add'; dev: DevSpec }
  | { kind: 'remove'; pick: number }
  | { kind: 'weight'; pick: number; weight: number }
  | { kind: 'overload'; overload: number }
  | { kind: 'replicas'; replicas: number }
  | { kind: 'rebalance'; seed: number; hours: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), dev: devSpecArb(2, 4) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('weight' as const), pick: fc.nat(), weight: fc.constantFrom(0, 25, 100, 300) }),
  fc.record({ kind: fc.constant('overload' as const), overload: fc.constantFrom(0, 0.1, 1) }),
  fc.record({ kind: fc.constant('replicas' as const), replicas: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('rebalance' as const), seed: fc.nat(), hours: fc.constantFrom(0, 0, 1, 24) }),
);

const historyArb = fc.record({
  part_power: fc.integer({ min: 4, max: 7 }),
  replicas: fc.integer({ min: 1, max: 4 }),
  min_part_hours: fc.constantFrom(0, 1, 24),
  devs: fc.array(devSpecArb(2, 4), { minLength: 1, maxLength: 12 }),
  ops: fc.array(opArb, { maxLength: 8 }),
  seed: fc.nat(),
});

type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

interface Run {
  builders: RingBuilderData[];
  inputs: [RingBuilderData, string][];
}

/** Plays a history; commands that would be refused (too few devices, a removed id) are skipped. */
function play(h: History): Run {
  const inputs: [RingBuilderData, string][] = [];
  const builders: RingBuilderData[] = [];
  let b = build(h.part_power, h.replicas, h.devs, h.min_part_hours);
  let now = 0;
  const weighted = (x: RingBuilderData) => x.devs.filter((d) => d !== null && d.weight > 0).length;
  const live = (x: RingBuilderData) => x.devs.filter((d) => d !== null && !x.remove_devs.includes(d.id)).map((d) => d!.id);
  const step = (x: RingBuilderData, seed: number): RingBuilderData => {
    if (weighted(x) < x.replicas) return x;
    inputs.push([x, JSON.stringify(x)]);
    const r = rebalance(x, { seed, now });
    builders.push(r.builder);
    return r.builder;
  };
  b = step(b, h.seed);
  for (const op of h.ops) {
    const ids = live(b);
    inputs.push([b, JSON.stringify(b)]);
    if (op.kind === 'add') b = addDevice(b, input(op.dev, b.devs.length));
    else if (op.kind === 'remove' && ids.length > 0) b = removeDevice(b, ids[op.pick % ids.length]!);
    else if (op.kind === 'weight' && ids.length > 0) b = setDeviceWeight(b, ids[op.pick % ids.length]!, op.weight);
    else if (op.kind === 'overload') b = setOverload(b, op.overload);
    else if (op.kind === 'replicas') b = setReplicas(b, op.replicas);
    else if (op.kind === 'rebalance') {
      now += op.hours * HOUR;
      b = step(b, op.seed);
    }
  }
  return { builders, inputs };
}

describe('ring properties', () => {
  it('every partition has `replicas` distinct devices after any history of adds, removals, weight and replica-count changes and rebalances (seed 4201)', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        for (const b of play(h).builders) expectConsistent(b);
      }),
      { seed: 4201, numRuns: 60 },
    );
  });

  it('with overload ≥ the required overload, partitions spread over min(replicas, #zones) zones and min(replicas, #regions) regions (seed 4202)', () => {
    // Swift's plan lets a tier hold at most ⌈share⌉ replicas: with 4 replicas over 3 zones each
    // zone may hold 2, so 2 + 2 + 0 is as dispersed as Swift asks; the bound is
    // ⌈replicas / ⌈replicas / n⌉⌉, which is min(replicas, n) whenever n ≥ replicas or replicas ≤ 3.
    const spread = (replicas: number, n: number) => Math.ceil(replicas / Math.ceil(replicas / n));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(devSpecArb(1, 6), { minLength: 4, maxLength: 16 }),
        fc.array(devSpecArb(3, 3), { minLength: 4, maxLength: 16 }),
        fc.constantFrom(0, 0.5),
        fc.nat(),
        (replicas, extraHours, oneRegion, manyRegions, extra, seed) => {
          for (const specs of [oneRegion, manyRegions]) {
            let b = build(7, replicas, specs, 1);
            if (b.devs.length < replicas) continue;
            b = setOverload(b, getRequiredOverload(b) + extra);
            const first = rebalance(b, { seed, now: 0 });
            // and again after a change, once min_part_hours have passed
            const changed = setDeviceWeight(first.builder, seed % b.devs.length, 300);
            const again = rebalance(setOverload(changed, getRequiredOverload(changed) + extra), { seed: seed + 1, now: (1 + extraHours) * HOUR });
            // Swift's dispersion figure is 0 unless a failure domain has fewer devices than its
            // even share of replicas (then the others must take more than ⌈share⌉, which Swift
            // counts as at risk): it is when every server holds at least `replicas` devices
            const perServer = new Map<string, number>();
            for (const d of specs) perServer.set(`${d.region}/${d.zone}/${d.server}`, (perServer.get(`${d.region}/${d.zone}/${d.server}`) ?? 0) + 1);
            const roomy = [...perServer.values()].every((n) => n >= replicas);
            for (const r of [first, again]) {
              const rb = r.builder;
              if (roomy) expect(r.dispersion).toBe(0);
              const zones = new Set(specs.map((d) => `${d.region}/${d.zone}`)).size;
              const regions = new Set(specs.map((d) => d.region)).size;
              const singleRegion = regions === 1;
              for (let p = 0; p < rb.parts; p++) {
                const devs = partDevices(rb, p).map((id) => rb.devs[id]!);
                expect(new Set(devs.map((d) => d.region)).size).toBeGreaterThanOrEqual(spread(replicas, regions));
                if (singleRegion) expect(new Set(devs.map((d) => d.zone)).size).toBeGreaterThanOrEqual(spread(replicas, zones));
              }
            }
          }
        },
      ),
      { seed: 4202, numRuns: 40 },
    );
  });

  it('parts per device track the weight share on large rings: |balance| within one part of the share (seed 4203)', () => {
    // With equal weights in a symmetric cluster every device wants ⌊share⌋ or ⌈share⌉
    // part-replicas (the plan splits each tier's parts by floor and deals the remainder one by
    // one), so Swift's balance is at most 100 / share %: under 3 % here, where share ≥ 37.
    fc.assert(
      fc.property(
        fc.integer({ min: 11, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        (part_power, replicas, zones, servers, disks, seed) => {
          const b = symmetric(part_power, replicas, zones, servers, disks);
          if (b.devs.length < replicas) return;
          const share = (b.parts * replicas) / b.devs.length;
          const r = rebalance(b, { seed, now: 0 });
          expect(r.balance).toBe(getBalance(r.builder));
          expect(r.balance).toBeLessThanOrEqual(100 / share + 1e-9);
          expect(r.balance).toBeLessThan(3);
          for (const d of r.builder.devs) expect(Math.abs(d!.parts - share)).toBeLessThan(1 + 1e-9);
        },
      ),
      { seed: 4203, numRuns: 40 },
    );
  });

  it('adding one device moves close to the minimum number of part-replicas (seed 4204)', () => {
    // The minimum is the new device's share, ideal = parts × replicas × w / W. Swift gathers only
    // the old devices' excess (which sums to that share, give or take one part per device from
    // rounding), so when the new device opens a new zone — a zone holding no replica of any
    // partition, so every gathered replica may go there — the moves are the ideal within 5 % + 2.
    // Into an existing zone, a gathered replica whose partition already has a replica in that
    // zone cannot go there and lands on another device instead, which is then overweight and may
    // be gathered from in the next round: each of the three gather rounds takes at most the excess
    // left, so the first rebalance moves under 3× the ideal; Swift's own builder moves 1.3–1.8×
    // (Zed's RingBuilder on these clusters), we bound it by 2.5×. The new device then gets at
    // least half its share (Swift: 0.63–0.9) and converges over later rebalances, slowly on
    // small rings (Swift too: 0.85–0.95 after five).
    fc.assert(
      fc.property(
        fc.integer({ min: 9, max: 10 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('new zone', 'existing zone'),
        fc.nat(),
        (part_power, replicas, zones, servers, disks, where, seed) => {
          let b = symmetric(part_power, replicas, zones, servers, disks);
          if (b.devs.length < replicas) return;
          b = rebalance(b, { seed, now: 0 }).builder;
          const id = b.devs.length;
          const zone = where === 'new zone' ? zones + 1 : 1;
          b = addDevice(b, { region: 1, zone, ip: `10.1.${zone}.9`, port: 6200, device: 'new', weight: 100 });
          const ideal = (b.parts * replicas) / b.devs.length;
          const r = rebalance(b, { seed: seed + 1, now: 2 * HOUR });
          expectConsistent(r.builder);
          const got = r.builder.devs[id]!.parts;
          expect(r.parts_moved).toBeGreaterThanOrEqual(got);
          if (where === 'new zone') {
            expect(r.parts_moved).toBeLessThanOrEqual(1.05 * ideal + 2);
            expect(got).toBeGreaterThanOrEqual(0.95 * ideal - 2);
          } else {
            expect(r.parts_moved).toBeLessThanOrEqual(2.5 * ideal);
            expect(got).toBeGreaterThanOrEqual(0.5 * ideal);
            // later rebalances, min_part_hours apart, only add to it: a device below its share is
            // neither overweight nor (the plan being unchanged) holding undispersed replicas, so
            // nothing is gathered from it
            let next = r.builder;
            for (let pass = 2; pass <= 3; pass++) {
              const before = next.devs[id]!.parts;
              next = rebalance(next, { seed: seed + pass, now: 2 * pass * HOUR }).builder;
              expect(next.devs[id]!.parts).toBeGreaterThanOrEqual(before);
            }
          }
        },
      ),
      { seed: 4204, numRuns: 40 },
    );
  });

  it('same seed ⇒ same ring, and no call mutates its input (seed 4205)', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const a = play(h);
        const b = play(h);
        expect(b.builders).toEqual(a.builders);
        for (const [x, json] of [...a.inputs, ...b.inputs]) expect(JSON.stringify(x)).toBe(json);
        for (const x of a.builders) {
          expect(Object.isFrozen(x) && Object.isFrozen(x.devs) && Object.isFrozen(x.replica2part2dev![0])).toBe(true);
          expect(JSON.parse(JSON.stringify(x))).toEqual(x);
        }
      }),
      { seed: 4205, numRuns: 40 },
    );
  });

  const pathArb = fc.tuple(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), { nil: undefined }),
    fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), { nil: undefined }),
    fc.string({ maxLength: 8 }),
    fc.string({ maxLength: 8 }),
  );

  const ringArb = fc
    .record({ part_power: fc.integer({ min: 0, max: 8 }), replicas: fc.integer({ min: 1, max: 3 }), devs: fc.array(devSpecArb(3, 3), { minLength: 3, maxLength: 12 }), seed: fc.nat() })
    .map(({ part_power, replicas, devs, seed }) => getRing(rebalance(build(part_power, replicas, devs), { seed, now: 0 }).builder));

  it('getNodes is a pure function of ring and path; the partition matches MD5 computed independently; the nodes are its replicas (seed 4206)', () => {
    fc.assert(
      fc.property(ringArb, pathArb, (ring, [account, c, o, hash_path_prefix, hash_path_suffix]) => {
        const container = c ?? (o !== undefined ? 'c' : undefined);
        const opts = { hash_path_prefix, hash_path_suffix };
        const before = JSON.stringify(ring);
        const first = getNodes(ring, account, container, o, opts);
        expect(getNodes(JSON.parse(before), account, container, o, opts)).toEqual(first);
        expect(JSON.stringify(ring)).toBe(before);
        const path = [account, container, o].filter((x) => x !== undefined).join('/');
        const digest = createHash('md5').update(`${hash_path_prefix}/${path}${hash_path_suffix}`, 'utf8').digest();
        const expected = ring.part_power === 0 ? 0 : Math.floor(digest.readUInt32BE(0) / 2 ** (32 - ring.part_power));
        expect(first.partition).toBe(expected);
        const ids = [...new Set(ring.replica2part2dev_id.map((row) => row[expected]!))];
        expect(first.nodes.map((n) => n.id)).toEqual(ids);
        expect(first.nodes.map((n) => n.index)).toEqual(ids.map((_, i) => i));
        for (const n of first.nodes) expect(n).toEqual({ ...ring.devs[n.id], index: n.index });
      }),
      { seed: 4206, numRuns: 100 },
    );
  });

  it('getMoreNodes never repeats a primary and yields every other device of the scanned partitions exactly once, unused regions first (seed 4207)', () => {
    fc.assert(
      fc.property(ringArb, fc.nat(), (ring, pick) => {
        const parts = ring.replica2part2dev_id[0]!.length;
        const partition = pick % parts;
        const primaries = new Set(ring.replica2part2dev_id.map((row) => row[partition]!));
        const assigned = new Set(ring.replica2part2dev_id.flat());
        // Swift scans partitions from start = md5(str(partition)) >> part_shift, wrapping to
        // `inc - ((parts - start) % inc)`: with inc = 1 (under 2^17 partitions) that is 1, so
        // partition 0 is scanned only when the scan starts there (ring.py's own arithmetic).
        const digest = createHash('md5').update(String(partition)).digest();
        const start = ring.part_power === 0 ? 0 : Math.floor(digest.readUInt32BE(0) / 2 ** (32 - ring.part_power));
        const scanned = new Set<number>();
        for (let p = 0; p < parts; p++) if (p !== 0 || start === 0) for (const row of ring.replica2part2dev_id) scanned.add(row[p]!);
        const handoffs = [...getMoreNodes(ring, partition)];
        const ids = handoffs.map((n) => n.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) expect(primaries.has(id)).toBe(false);
        expect(new Set(ids)).toEqual(new Set([...scanned].filter((id) => !primaries.has(id))));
        // so a device is left out only when partition 0 is the one partition it holds
        for (const id of assigned) {
          if (primaries.has(id) || ids.includes(id)) continue;
          expect(ring.replica2part2dev_id.every((row) => row.every((d, p) => d !== id || p === 0))).toBe(true);
        }
        expect(handoffs.map((n) => n.handoff_index)).toEqual(ids.map((_, i) => i));
        // Swift looks for regions the primaries do not use before anything else
        const usedRegions = new Set([...primaries].map((id) => ring.devs[id]!.region));
        const freshRegions = new Set([...scanned].map((id) => ring.devs[id]!.region).filter((r) => !usedRegions.has(r)));
        if (freshRegions.size > 0) expect(freshRegions.has(handoffs[0]!.region)).toBe(true);
        const leadingRegions = handoffs.slice(0, freshRegions.size).map((n) => n.region);
        expect(new Set(leadingRegions)).toEqual(freshRegions);
      }),
      { seed: 4207, numRuns: 100 },
    );
  });
});

// ------------------------------------------------------------------ hostile numbers (issue 10 #8)

/**
 * Numbers an attacker or a careless script sends: denormals, overflow, −0, NaN, infinities,
 * fractions where integers are due, the bounds and just past them, huge part powers and ids.
 */
const HOSTILE: readonly unknown[] = [
  5e-324, -5e-324, 1e-320, 1e-7, 0.001, MIN_WEIGHT, MIN_WEIGHT / 2, 0.5, 1, 2, 3, 4, 100, 1e12, MAX_WEIGHT, MAX_WEIGHT + 2, 1e308, -1e308, Number.MAX_VALUE,
  -0, 0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, 2.5, 24, 25, 32, 33, 64, 65, 65534, 65535, 2 ** 31, -1,
  '3', null, undefined, {}, [],
];
const hostile = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 1, arbitrary: fc.double() }, { weight: 2, arbitrary: fc.integer({ min: -2, max: 12 }) });
const RINGS = ['account', 'container', 'object-0'];

type RingOp =
  | { op: 'setDeviceWeight'; ring: string; id: unknown; weight: unknown }
  | { op: 'addDevice'; ring: string; dev: Record<string, unknown> }
  | { op: 'removeDevice'; ring: string; id: unknown }
  | { op: 'setOverload'; ring: string; overload: unknown }
  | { op: 'setReplicas'; ring: string; replicas: unknown }
  | { op: 'rebalance'; ring: string | undefined }
  | { op: 'advance'; hours: number };

const ringArb = fc.constantFrom(...RINGS);
const idArb = fc.oneof(fc.integer({ min: 0, max: 14 }), hostile);
const ringOpArb: fc.Arbitrary<RingOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('setDeviceWeight' as const), ring: ringArb, id: idArb, weight: hostile }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('addDevice' as const),
      ring: ringArb,
      dev: fc.record(
        {
          id: hostile,
          region: fc.oneof(fc.constant(1), hostile),
          zone: fc.oneof(fc.integer({ min: 1, max: 4 }), hostile),
          ip: fc.constantFrom('st11', 'st21', 'st31', '10.9.9.9', 'ghost.example'),
          port: fc.oneof(fc.constant(6200), hostile),
          device: fc.constantFrom('sdb', 'sdc', 'sdx', 'sdy'),
          weight: hostile,
        },
        { requiredKeys: ['region', 'zone', 'ip', 'port', 'device', 'weight'] },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('removeDevice' as const), ring: ringArb, id: idArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setOverload' as const), ring: ringArb, overload: hostile }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setReplicas' as const), ring: ringArb, replicas: hostile }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('rebalance' as const), ring: fc.option(ringArb, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('advance' as const), hours: fc.constantFrom(1, 24) }) },
);

/** Six storage hosts in three racks, two storage disks each, 2^5 partitions, three objects stored. */
function fuzzCloud(): { cloud: Cloud; account: string } {
  const model = { cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 100 }, { name: 'sdb', size_gb: 1000 }, { name: 'sdc', size_gb: 1000 }] };
  const cloud = createCloud({
    seed: 808,
    preset: 'empty',
    identity: { password_hash_rounds: 1 },
    topology: { racks: [{ name: 'r1' }, { name: 'r2' }, { name: 'r3' }], models: { s: model }, hosts: [1, 2, 3].map((r) => ({ name: `st${r}{n}`, count: 2, model: 's', roles: ['storage' as const], rack: `r${r}` })) },
    object: { ring: { part_power: 5, replicas: 3, min_part_hours: 1 } },
  });
  const api = cloud.admin.object;
  api.putContainer('c');
  for (const o of ['a', 'b', 'c']) api.putObject('c', o, `bytes of ${o}`);
  return { cloud, account: api.headAccount().account };
}

function applyRingOp(cloud: Cloud, op: RingOp): void {
  const o = cloud.object as unknown as Record<string, (...a: unknown[]) => unknown>;
  switch (op.op) {
    case 'setDeviceWeight':
      return void o.setDeviceWeight!(op.ring, op.id, op.weight);
    case 'addDevice':
      return void o.addDevice!(op.ring, op.dev);
    case 'removeDevice':
      return void o.removeDevice!(op.ring, op.id);
    case 'setOverload':
      return void o.setOverload!(op.ring, op.overload);
    case 'setReplicas':
      return void o.setReplicas!(op.ring, op.replicas);
    case 'rebalance':
      return void cloud.object.rebalance(op.ring);
    case 'advance':
      return void cloud.clock.advance(op.hours * HOUR);
  }
}

/** What every ring must be after any accepted command: JSON-exact, consistent, and usable. */
function expectValidRings(cloud: Cloud, account: string): void {
  const summaries = cloud.object.rings();
  // no NaN, no infinity, no −0: what JSON would not give back
  expect(JSON.parse(JSON.stringify(summaries))).toEqual(summaries);
  for (const summary of summaries) {
    const b = cloud.object.builderOf(summary.name);
    const revived = JSON.parse(JSON.stringify(b)) as RingBuilderData;
    expect(revived).toEqual(b);
    setOverload(revived, revived.overload); // a full check of a builder from JSON
    for (const d of b.devs) if (d !== null) expect(d.weight === 0 || (d.weight >= MIN_WEIGHT && d.weight <= MAX_WEIGHT), `${summary.name} d${d.id} weight ${d.weight}`).toBe(true);
    const rows = b.replica2part2dev;
    if (rows === null) continue;
    for (let p = 0; p < b.parts; p++) expect(new Set(rows.map((row) => row[p])).size, `${summary.name} partition ${p}`).toBe(rows.length);
  }
  const nodes = cloud.object.getNodes(account, 'c', 'a');
  expect(nodes.primaries.length).toBe(cloud.object.builderOf('object-0').replica2part2dev!.length);
}

describe('ring commands under hostile numbers (issue 10 #8)', () => {
  it('with weights anywhere in [MIN_WEIGHT, MAX_WEIGHT] (or 0), any history of weight and replica changes rebalances to a valid ring or is a 4xx (seed 8007)', () => {
    const weight = fc.constantFrom(0, MIN_WEIGHT, MIN_WEIGHT * 3, 0.7, 1, 1000, 1e9, 1e10, 1e11, MAX_WEIGHT / 3, MAX_WEIGHT, 12345.678);
    const device = fc.record({ region: fc.integer({ min: 1, max: 2 }), zone: fc.integer({ min: 1, max: 4 }), server: fc.integer({ min: 0, max: 2 }), weight });
    const change = fc.record({ pick: fc.nat(), weight, replicas: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(device, { minLength: 1, maxLength: 14 }), fc.constantFrom(0, 0.1, 1, 1e6), fc.array(change, { maxLength: 5 }), fc.nat(), (replicas, devs, overload, changes, seed) => {
        let b = createRingBuilder({ part_power: 6, replicas, min_part_hours: 0, overload });
        devs.forEach((d, i) => (b = addDevice(b, { ...input(d, i), device: `sd${i}` })));
        const attempt = (x: RingBuilderData): RingBuilderData | undefined => {
          try {
            return rebalance(x, { seed, now: 0 }).builder;
          } catch (e) {
            expect(e).toBeInstanceOf(CloudError);
            expect((e as CloudError).status, (e as Error).message).toBe(400);
            return undefined;
          }
        };
        let r = attempt(b);
        for (const c of changes) {
          if (r === undefined) return;
          r = setDeviceWeight(r, c.pick % devs.length, c.weight);
          if (c.replicas !== undefined) r = setReplicas(r, c.replicas);
          r = attempt(r);
        }
        if (r === undefined) return;
        expectConsistent(r);
        expect(Number.isFinite(getBalance(r))).toBe(true);
      }),
      { seed: 8007, numRuns: 400 },
    );
  });

  const base = fuzzCloud();
  it('every ring-builder command answers a 4xx CloudError leaving the state as it was, or succeeds with a valid ring; the data stays readable (seed 8008)', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(ringOpArb, { minLength: 1, maxLength: 14 }), (ops) => {
        const cloud = base.cloud.fork();
        for (const op of ops) {
          const before = cloud.state;
          let error: unknown;
          try {
            applyRingOp(cloud, op);
          } catch (e) {
            error = e;
          }
          if (error === undefined) {
            seen.set(`${op.op} ok`, (seen.get(`${op.op} ok`) ?? 0) + 1);
            expectValidRings(cloud, base.account);
            continue;
          }
          expect(error, `${op.op} threw ${String(error)}`).toBeInstanceOf(CloudError);
          const e = error as CloudError;
          expect(e.status, `${op.op}: ${e.code} ${e.message}`).toBeGreaterThanOrEqual(400);
          expect(e.status, `${op.op}: ${e.code} ${e.message}`).toBeLessThan(500);
          expect(cloud.state, `${op.op} refused but changed the state`).toBe(before);
          seen.set(`${op.op} refused`, (seen.get(`${op.op} refused`) ?? 0) + 1);
        }
        // whatever the rings became, a pass of the replicator runs and no stored object is lost
        const report = cloud.object.replicate();
        expect(report.lost).toBe(0);
        for (const o of ['a', 'b', 'c']) expect(new TextDecoder().decode(cloud.admin.object.getObject('c', o).data)).toBe(`bytes of ${o}`);
      }),
      { seed: 8008, numRuns: 120 },
    );
    for (const op of ['setDeviceWeight', 'addDevice', 'removeDevice', 'setOverload', 'setReplicas', 'rebalance']) {
      for (const outcome of ['ok', 'refused']) expect(seen.get(`${op} ${outcome}`) ?? 0, `${op} ${outcome} (${JSON.stringify([...seen])})`).toBeGreaterThan(0);
    }
  });

  it('hostile ring shapes at creation are a 400 naming the field, or a working cloud (seed 8009)', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (part_power, replicas, min_part_hours) => {
        // valid but large part powers build 2^p-entry arrays: not what this property is about
        fc.pre(!(typeof part_power === 'number' && Number.isInteger(part_power) && part_power > 10 && part_power <= 24));
        const ring = Object.fromEntries(Object.entries({ part_power, replicas, min_part_hours }).filter(([, v]) => v !== undefined));
        let made: Cloud | undefined;
        try {
          made = createCloud({ seed: 1, preset: 'empty', identity: { password_hash_rounds: 1 }, object: { ring } as never });
        } catch (e) {
          expect(e).toBeInstanceOf(CloudError);
          expect((e as CloudError).status).toBe(400);
          expect(String((e as CloudError).details.field)).toMatch(/^options\.object\.ring/);
          return;
        }
        const summaries = made.object.rings();
        expect(JSON.parse(JSON.stringify(summaries))).toEqual(summaries);
      }),
      { seed: 8009, numRuns: 150 },
    );
  });
});
