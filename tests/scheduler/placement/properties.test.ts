/**
 * Placement's invariants under random use, with fixed seeds printed in the titles:
 *
 * (a) no provider ever exceeds its capacity through allocations, whatever the sequence of claims,
 *     frees, moves to migration consumers, inventory changes (Placement API) and ratio / RAM
 *     changes (nova-compute re-reporting); a claim that would exceed is refused and changes
 *     nothing (model-based, `fc.commands`);
 * (b) accounting: per provider and class, usage is the sum of the live allocations, per project
 *     too, and freeing everything brings it all back to zero;
 * (c) allocation candidates equal a brute-force enumeration written here, in the same order;
 * (d) the same seed and the same calls give the same state.
 */
import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { CloudError, type Cloud } from '../../../src/index.js';
import { bare, computeHost, fleet, uuid, type InventoryBody, type Placement } from './helpers.js';

// ================================================================== the fleet model (a, b, d)

type RC = 'VCPU' | 'MEMORY_MB' | 'DISK_GB';
const RCS: readonly RC[] = ['VCPU', 'MEMORY_MB', 'DISK_GB'];

interface Inv {
  total: number;
  reserved: number;
  min_unit: number;
  max_unit: number;
  step_size: number;
  allocation_ratio: number;
}

/** The nova.conf options the commands change. */
interface Config {
  cpu_allocation_ratio: number | null;
  ram_allocation_ratio: number | null;
  disk_allocation_ratio: number | null;
  reserved_host_memory_mb: number;
}

interface HostModel {
  name: string;
  uuid: string;
  vcpus: number;
  memory_mb: number;
  disk_gb: number;
  own: Partial<Config>;
}

/** What the test believes. `inv` and `consumers` are keyed by provider / consumer uuid. */
interface Model {
  hosts: HostModel[];
  defaults: Config;
  inv: Map<string, Map<RC, Inv>>;
  consumers: Map<string, { project: string; allocs: Map<string, Map<RC, number>> }>;
}

interface Real {
  cloud: Cloud;
  p: Placement;
}

const TOPOLOGY = { hosts: [computeHost('cn1', 4, 4096, 40), computeHost('cn2', 2, 2048, 20), computeHost('cn3', 8, 8192, 100)] };
const HOSTS: readonly { name: string; vcpus: number; memory_mb: number; disk_gb: number }[] = [
  { name: 'cn1', vcpus: 4, memory_mb: 4096, disk_gb: 40 },
  { name: 'cn2', vcpus: 2, memory_mb: 2048, disk_gb: 20 },
  { name: 'cn3', vcpus: 8, memory_mb: 8192, disk_gb: 100 },
];
const INSTANCES = [0, 1, 2, 3].map((i) => uuid('c', i));
const MIGRATIONS = [0, 1].map((i) => uuid('d', i));
const PROJECTS = ['p1', 'p2'] as const;
/**
 * The fleet runs with the ratios *set* in nova.conf (Zed's values), so that nova's precedence is
 * simple and stacksim follows it: a set `*_allocation_ratio` overrides whatever is in Placement at
 * every report. (With ratios unset, nova keeps the ratio found in Placement, which stacksim does
 * not: see the it.fails in compute-reporting.test.ts.)
 */
const ZED: Config = { cpu_allocation_ratio: 16, ram_allocation_ratio: 1.5, disk_allocation_ratio: 1, reserved_host_memory_mb: 512 };

/** Placement's capacity, written out independently of the code under test. */
const cap = (inv: Inv): number => Math.trunc((inv.total - inv.reserved) * inv.allocation_ratio);

/** What nova-compute reports for a host whose ratios are set in nova.conf (the fall-backs are Zed's initial ratios). */
function reported(h: HostModel, defaults: Config): Map<RC, Inv> {
  const c = { ...defaults, ...h.own };
  const out = new Map<RC, Inv>();
  out.set('MEMORY_MB', { total: h.memory_mb, reserved: Math.min(c.reserved_host_memory_mb, h.memory_mb), min_unit: 1, max_unit: h.memory_mb, step_size: 1, allocation_ratio: c.ram_allocation_ratio ?? 1.5 });
  out.set('VCPU', { total: h.vcpus, reserved: 0, min_unit: 1, max_unit: h.vcpus, step_size: 1, allocation_ratio: c.cpu_allocation_ratio ?? 16 });
  if (h.disk_gb > 0) out.set('DISK_GB', { total: h.disk_gb, reserved: 0, min_unit: 1, max_unit: h.disk_gb, step_size: 1, allocation_ratio: c.disk_allocation_ratio ?? 1 });
  return out;
}

function usage(m: Model, rp: string, rc: RC): number {
  let n = 0;
  for (const c of m.consumers.values()) n += c.allocs.get(rp)?.get(rc) ?? 0;
  return n;
}

type Amounts = Partial<Record<RC, number>>;

/** The commands, as plain data (so that (d) can replay them on two clouds). */
type Op =
  | { kind: 'claim'; consumer: number; host: number; amounts: Amounts; project: number }
  | { kind: 'free'; consumer: number }
  | { kind: 'move'; consumer: number; migration: number; dest: number | null; amounts: Amounts }
  | { kind: 'inventory'; host: number; rc: RC; inv: (Omit<Inv, 'reserved' | 'min_unit'> & { reservedPct: number }) | null }
  | { kind: 'stale'; host: number }
  | { kind: 'ratio'; host: number | null; patch: Partial<Config> }
  | { kind: 'ram'; host: number; memory_mb: number };

const amountsArb: fc.Arbitrary<Amounts> = fc
  .record({
    VCPU: fc.option(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }) }), { nil: undefined }),
    MEMORY_MB: fc.option(fc.constantFrom(256, 512, 1024, 2048, 3072, 4096, 6144), { nil: undefined }),
    DISK_GB: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  })
  .map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Amounts)
  .filter((a) => Object.keys(a).length > 0);

/** What a migration asks of its destination: within every host's max_unit, so that capacity decides. */
const smallAmountsArb: fc.Arbitrary<Amounts> = fc
  .record({
    VCPU: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
    MEMORY_MB: fc.option(fc.constantFrom(256, 512, 1024), { nil: undefined }),
    DISK_GB: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  })
  .map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Amounts)
  .filter((a) => Object.keys(a).length > 0);

const hostArb = fc.integer({ min: 0, max: HOSTS.length - 1 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('claim' as const), consumer: fc.integer({ min: 0, max: 3 }), host: hostArb, amounts: amountsArb, project: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('free' as const), consumer: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), consumer: fc.integer({ min: 0, max: 3 }), migration: fc.integer({ min: 0, max: 1 }), dest: fc.option(hostArb, { nil: null }), amounts: smallAmountsArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('inventory' as const),
      host: hostArb,
      rc: fc.constantFrom<RC>(...RCS),
      inv: fc.option(
        fc.record({ total: fc.integer({ min: 1, max: 64 }), reservedPct: fc.integer({ min: 0, max: 100 }), max_unit: fc.integer({ min: 1, max: 64 }), step_size: fc.constantFrom(1, 1, 2, 4), allocation_ratio: fc.constantFrom(0.5, 1, 1.5, 2, 16) }),
        { freq: 5, nil: null },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale' as const), host: hostArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('ratio' as const),
      host: fc.option(hostArb, { nil: null }),
      patch: fc.record(
        {
          cpu_allocation_ratio: fc.constantFrom(0.5, 1, 2, 4, 16),
          ram_allocation_ratio: fc.constantFrom(0.8, 1, 1.5, 2),
          disk_allocation_ratio: fc.constantFrom(0.5, 1, 2),
          reserved_host_memory_mb: fc.constantFrom(0, 512, 1024),
        },
        { requiredKeys: [] },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ram' as const), host: hostArb, memory_mb: fc.constantFrom(1024, 2048, 4096, 8192) }) },
);

const resources = (a: Amounts): Record<string, number> => ({ ...a }) as Record<string, number>;

/** The allocations a consumer holds, as Placement shows them (class → amount per provider). */
function shown(p: Placement, consumer: string): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(p.getAllocations(consumer).allocations).map(([rp, a]) => [rp, a.resources]));
}

function invBody(invs: Map<RC, Inv>): Record<string, InventoryBody> {
  return Object.fromEntries([...invs].map(([rc, inv]) => [rc, { ...inv }]));
}

/** The inventory an `inventory` op writes: the host's current set with one class replaced or dropped. */
function nextInventories(current: Map<RC, Inv>, op: Extract<Op, { kind: 'inventory' }>): Map<RC, Inv> {
  const next = new Map(current);
  if (op.inv === null) next.delete(op.rc);
  else {
    const { reservedPct, ...rest } = op.inv;
    next.set(op.rc, { ...rest, reserved: Math.floor((op.inv.total * reservedPct) / 100), min_unit: 1 });
  }
  return next;
}

/** Runs an op against the cloud as a client would (reading generations first); a CloudError is the outcome, anything else a test failure. `currentInv` is the inventory the client believes a host has. */
function apply(r: Real, hosts: readonly { name: string; uuid: string }[], currentInv: (rp: string) => Map<RC, Inv>, op: Op): CloudError | undefined {
  const { cloud, p } = r;
  const host = (i: number) => hosts[i] as { name: string; uuid: string };
  const gen = (c: string) => p.getAllocations(c).consumer_generation ?? null;
  try {
    switch (op.kind) {
      case 'claim': {
        const c = INSTANCES[op.consumer] as string;
        p.putAllocations(c, { allocations: { [host(op.host).uuid]: { resources: resources(op.amounts) } }, project_id: PROJECTS[op.project] as string, user_id: 'u', consumer_generation: gen(c) });
        break;
      }
      case 'free':
        p.deleteAllocations(INSTANCES[op.consumer] as string);
        break;
      case 'move': {
        const c = INSTANCES[op.consumer] as string;
        const mig = MIGRATIONS[op.migration] as string;
        const held = p.getAllocations(c);
        const project = held.project_id ?? 'p1';
        p.postAllocations({
          [mig]: { allocations: Object.fromEntries(Object.entries(held.allocations).map(([rp, a]) => [rp, { resources: a.resources }])), project_id: project, user_id: 'u', consumer_generation: gen(mig), consumer_type: 'MIGRATION' },
          [c]: { allocations: op.dest === null ? {} : { [host(op.dest).uuid]: { resources: resources(op.amounts) } }, project_id: project, user_id: 'u', consumer_generation: gen(c) },
        });
        break;
      }
      case 'inventory': {
        const rp = host(op.host).uuid;
        p.setInventories(rp, { resource_provider_generation: p.getResourceProvider(rp).generation, inventories: invBody(nextInventories(currentInv(rp), op)) });
        break;
      }
      case 'stale': {
        const rp = host(op.host).uuid;
        p.setInventories(rp, { resource_provider_generation: p.getResourceProvider(rp).generation - 1, inventories: invBody(currentInv(rp)) });
        break;
      }
      case 'ratio':
        cloud.scheduler.setComputeConfig(op.host === null ? null : host(op.host).name, op.patch);
        break;
      case 'ram':
        cloud.hardware.updateHost(host(op.host).name, { memory_mb: op.memory_mb });
        break;
    }
    return undefined;
  } catch (e) {
    if (e instanceof CloudError) return e;
    throw e;
  }
}

/**
 * Why the model expects a set of consumer replacements to be refused ([] = accepted): the one
 * reason Placement gives (objects/allocation.py _check_capacity_exceeded), after freeing what the
 * consumers hold: a provider with no inventory of any class asked anywhere; then each allocation
 * in request order, its inventory, its limits, then capacity counting what the request asked of
 * that class on that provider so far (issue 10 #18).
 */
function violations(m: Model, requests: { consumer: string; allocs: Map<string, Map<RC, number>> }[]): ('invalid' | 'constraint' | 'capacity')[] {
  const freed = new Map<string, number>();
  for (const req of requests) {
    for (const [rp, classes] of m.consumers.get(req.consumer)?.allocs ?? []) for (const [rc, n] of classes) freed.set(`${rp}|${rc}`, (freed.get(`${rp}|${rc}`) ?? 0) + n);
  }
  const asked = new Set<RC>();
  for (const req of requests) for (const classes of req.allocs.values()) for (const rc of classes.keys()) asked.add(rc);
  for (const req of requests) for (const rp of req.allocs.keys()) if (![...asked].some((rc) => m.inv.get(rp)?.has(rc))) return ['invalid'];
  const asking = new Map<string, number>();
  for (const req of requests) {
    for (const [rp, classes] of req.allocs) {
      for (const [rc, n] of classes) {
        const inv = m.inv.get(rp)?.get(rc);
        if (!inv) return ['invalid'];
        if (n < inv.min_unit || n > inv.max_unit || n % inv.step_size !== 0) return ['constraint'];
        const k = `${rp}|${rc}`;
        asking.set(k, (asking.get(k) ?? 0) + n);
        if (usage(m, rp, rc) - (freed.get(k) ?? 0) + (asking.get(k) as number) > cap(inv)) return ['capacity'];
      }
    }
  }
  return [];
}

const MESSAGES = { invalid: 'invalid', constraint: 'violate inventory constraints', capacity: 'exceed the capacity' } as const;

const single = (rp: string, a: Amounts) => new Map([[rp, new Map(Object.entries(a) as [RC, number][])]]);

/** Everything Placement shows must match the model; usage is the sum of live allocations (b). */
function checkAgainstModel(m: Model, p: Placement): void {
  for (const h of m.hosts) {
    const invs = m.inv.get(h.uuid) ?? new Map<RC, Inv>();
    expect(p.getInventories(h.uuid).inventories, `${h.name} inventories`).toEqual(invBody(invs));
    const expected = Object.fromEntries([...invs.keys()].map((rc) => [rc, usage(m, h.uuid, rc)]));
    expect(p.getProviderUsages(h.uuid).usages, `${h.name} usages`).toEqual(expected);
    for (const rc of RCS) if (!invs.has(rc)) expect(usage(m, h.uuid, rc), `${h.name} ${rc} allocated without inventory`).toBe(0);
    const sum: Record<string, number> = Object.fromEntries([...invs.keys()].map((rc) => [rc, 0]));
    for (const a of Object.values(p.getProviderAllocations(h.uuid).allocations)) for (const [rc, n] of Object.entries(a.resources)) sum[rc] = (sum[rc] ?? 0) + n;
    expect(sum, `${h.name}: usage = sum of its consumers' allocations`).toEqual(expected);
  }
  for (const project of PROJECTS) {
    const want: Record<string, number> = {};
    for (const c of m.consumers.values()) if (c.project === project) for (const classes of c.allocs.values()) for (const [rc, n] of classes) want[rc] = (want[rc] ?? 0) + n;
    expect(p.getUsages(project).usages, `usages of ${project}`).toEqual(want);
  }
  for (const c of [...INSTANCES, ...MIGRATIONS]) {
    const want = Object.fromEntries([...(m.consumers.get(c)?.allocs ?? [])].map(([rp, classes]) => [rp, Object.fromEntries(classes)]));
    expect(shown(p, c), `allocations of ${c}`).toEqual(want);
  }
}

/** Which branches the commands reached (for the vacuity check), and how a refusal is recognised. */
const reached = new Set<string>();
const REASONS: [string, RegExp][] = [
  ['capacity', /exceed the capacity/],
  ['constraint', /violate inventory constraints/],
  ['no inventory', /Inventory for .* invalid/],
  ['in use', /^placement\.inventory\.inuse/],
  ['stale', /^placement\.concurrent_update/],
  ['nothing to free', /No resource provider inventory or allocations found/],
];

/** A fast-check command wrapping one op: predicts from the model, runs, checks, then updates the model. */
class OpCommand implements fc.Command<Model, Real> {
  /** How the last run ended: `ok`, or the error's code and message. */
  outcome = '';

  constructor(readonly op: Op) {}

  check(m: Readonly<Model>): boolean {
    // a move needs an instance that holds something (nova only migrates running instances)
    return this.op.kind !== 'move' || m.consumers.has(INSTANCES[this.op.consumer] as string);
  }

  run(m: Model, r: Real): void {
    const { op } = this;
    const p = r.p;
    const before = r.cloud.state;
    const host = (i: number) => m.hosts[i] as HostModel;
    let requests: { consumer: string; allocs: Map<string, Map<RC, number>>; project: string }[] = [];
    let expectRefusal: { status: number; code: string; message?: readonly string[] } | undefined;
    let onAccept: () => void = () => {};
    switch (op.kind) {
      case 'claim':
      case 'move': {
        const c = INSTANCES[op.consumer] as string;
        if (op.kind === 'claim') requests = [{ consumer: c, allocs: single(host(op.host).uuid, op.amounts), project: PROJECTS[op.project] as string }];
        else {
          const held = m.consumers.get(c) as { project: string; allocs: Map<string, Map<RC, number>> };
          requests = [
            { consumer: MIGRATIONS[op.migration] as string, allocs: held.allocs, project: held.project },
            { consumer: c, allocs: op.dest === null ? new Map() : single(host(op.dest).uuid, op.amounts), project: held.project },
          ];
        }
        const why = violations(m, requests);
        if (why.length > 0) expectRefusal = { status: 409, code: 'placement.undefined_code', message: why.map((w) => MESSAGES[w]) };
        onAccept = () => {
          for (const req of requests) {
            if (req.allocs.size === 0) m.consumers.delete(req.consumer);
            else m.consumers.set(req.consumer, { project: req.project, allocs: req.allocs });
          }
        };
        break;
      }
      case 'free': {
        const c = INSTANCES[op.consumer] as string;
        if (!m.consumers.has(c)) expectRefusal = { status: 404, code: 'placement.undefined_code' };
        onAccept = () => m.consumers.delete(c);
        break;
      }
      case 'inventory': {
        const rp = host(op.host).uuid;
        const next = nextInventories(m.inv.get(rp) ?? new Map(), op);
        // replacing a class is always accepted, even below its usage; dropping one is refused while it is allocated
        if (op.inv === null && usage(m, rp, op.rc) > 0) expectRefusal = { status: 409, code: 'placement.inventory.inuse' };
        onAccept = () => m.inv.set(rp, next);
        break;
      }
      case 'stale':
        expectRefusal = { status: 409, code: 'placement.concurrent_update' };
        break;
      case 'ratio': {
        onAccept = () => {
          if (op.host === null) m.defaults = { ...m.defaults, ...op.patch };
          else host(op.host).own = { ...host(op.host).own, ...op.patch };
          for (const h of m.hosts) if (op.host === null || h === host(op.host)) m.inv.set(h.uuid, reported(h, m.defaults));
        };
        break;
      }
      case 'ram': {
        onAccept = () => {
          host(op.host).memory_mb = op.memory_mb;
          m.inv.set(host(op.host).uuid, reported(host(op.host), m.defaults));
        };
        break;
      }
    }

    const generations = new Map(requests.map((req) => [req.consumer, p.getAllocations(req.consumer).consumer_generation]));
    const error = apply(r, m.hosts, (rp) => m.inv.get(rp) ?? new Map(), op);
    this.outcome = error === undefined ? 'ok' : `${error.code}: ${error.message}`;
    if (error === undefined) reached.add(`${op.kind} accepted`);
    for (const [reason, re] of REASONS) if (re.test(this.outcome)) reached.add(`${op.kind}: ${reason}`);
    if (expectRefusal) {
      expect(error, `${this.toString()} should be refused`).toBeInstanceOf(CloudError);
      const e = error as CloudError;
      expect({ status: e.status, code: e.code }).toEqual({ status: expectRefusal.status, code: expectRefusal.code });
      if (expectRefusal.message) expect(expectRefusal.message.some((text) => e.message.includes(text)), `${e.message} is one of ${expectRefusal.message.join(' / ')}`).toBe(true);
      // (a) a refused call changes nothing at all
      expect(r.cloud.state).toBe(before);
    } else {
      expect(error, `${this.toString()} should be accepted`).toBeUndefined();
      onAccept();
      // (a) an accepted claim leaves every class it touched within capacity, as Placement computes it and as the model does
      for (const req of requests) {
        for (const [rp, classes] of req.allocs) {
          for (const rc of classes.keys()) {
            const { capacity, used } = p.capacityOf(rp, rc);
            expect(used, `${rp} ${rc} after ${this.toString()}`).toBeLessThanOrEqual(capacity);
            expect(capacity).toBe(cap(m.inv.get(rp)?.get(rc) as Inv));
          }
        }
        // consumer generations: one step per change, nothing left for an emptied consumer
        const g = p.getAllocations(req.consumer).consumer_generation;
        const was = generations.get(req.consumer);
        if (req.allocs.size === 0) expect(g).toBeUndefined();
        else if (was !== undefined) expect(g).toBe(was + 1);
        else expect(typeof g).toBe('number');
      }
    }
    checkAgainstModel(m, p);
    for (const h of m.hosts) for (const [rc, inv] of m.inv.get(h.uuid) ?? []) if (usage(m, h.uuid, rc) > cap(inv)) reached.add('over capacity');
  }

  toString(): string {
    return JSON.stringify(this.op);
  }
}

let base: { cloud: Cloud; snapshot: ReturnType<Cloud['snapshot']>; hosts: HostModel[] } | undefined;

/** A fresh copy of the fleet (restored from one snapshot: O(1)) and its model. */
function setup(): { model: Model; real: Real } {
  if (!base) {
    const cloud = fleet(8801, TOPOLOGY);
    cloud.scheduler.setComputeConfig(null, { cpu_allocation_ratio: ZED.cpu_allocation_ratio, ram_allocation_ratio: ZED.ram_allocation_ratio, disk_allocation_ratio: ZED.disk_allocation_ratio });
    cloud.systemAdmin.placement.listTraits(); // log the system admin in before the snapshot
    base = { cloud, snapshot: cloud.snapshot(), hosts: HOSTS.map((h) => ({ ...h, uuid: cloud.hardware.getHost(h.name).id, own: {} })) };
  }
  base.cloud.restore(base.snapshot);
  const hosts = base.hosts.map((h) => ({ ...h, own: {} }));
  const model: Model = { hosts, defaults: { ...ZED }, inv: new Map(hosts.map((h) => [h.uuid, reported(h, ZED)])), consumers: new Map() };
  return { model, real: { cloud: base.cloud, p: base.cloud.systemAdmin.placement } };
}

describe('(a, b) capacity and accounting under random claims, frees, moves, inventory and ratio changes (model-based)', () => {
  it('(seed 8101) every accepted allocation fits, every refused one changes nothing, usage = live allocations, freeing all returns to zero', () => {
    fc.assert(
      fc.property(fc.commands([opArb.map((op) => new OpCommand(op))], { maxCommands: 30, size: 'max' }), (cmds) => {
        const { model, real } = setup();
        checkAgainstModel(model, real.p);
        fc.modelRun(() => ({ model, real }), cmds);
        // (b) freeing everything returns every usage to zero
        for (const c of [...model.consumers.keys()]) real.p.deleteAllocations(c);
        for (const h of model.hosts) for (const n of Object.values(real.p.getProviderUsages(h.uuid).usages)) expect(n).toBe(0);
        for (const project of PROJECTS) expect(real.p.getUsages(project).usages).toEqual({});
        for (const h of model.hosts) expect(real.p.getProviderAllocations(h.uuid).allocations).toEqual({});
      }),
      { seed: 8101, numRuns: 30 },
    );
    // not vacuous: the commands reached every branch
    expect([...reached].sort()).toEqual(expect.arrayContaining([
      'claim accepted', 'claim: capacity', 'claim: constraint', 'claim: no inventory',
      'move accepted', 'move: capacity',
      'free accepted', 'free: nothing to free',
      'inventory accepted', 'inventory: in use', 'stale: stale',
      'ratio accepted', 'ram accepted', 'over capacity',
    ]));
  });
});

// ================================================================== (c) candidates vs brute force

const TRAITS = ['HW_CPU_X86_AVX2', 'HW_CPU_X86_SSE', 'CUSTOM_A', 'CUSTOM_B'] as const;
const AGGS = [1, 2, 3].map((i) => uuid('a', i));
const CLASSES = ['VCPU', 'MEMORY_MB', 'DISK_GB', 'CUSTOM_MAGIC'] as const;
type Cls = (typeof CLASSES)[number];

interface InvSpec {
  total: number;
  reservedPct: number;
  allocation_ratio: number;
  min_unit: number;
  /** max_unit − min_unit, or undefined for Placement's default. */
  extraMax: number | undefined;
  step_size: number;
  used: number;
}
interface ProviderSpec {
  invs: Partial<Record<Cls, InvSpec>>;
  traits: string[];
  aggs: string[];
}

/** `arb` one time in four, else undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

// biased towards providers that can answer: most classes present, mostly plain constraints, small usage
const invSpecArb: fc.Arbitrary<InvSpec> = fc.record({
  total: fc.integer({ min: 1, max: 24 }),
  reservedPct: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100 })),
  allocation_ratio: fc.constantFrom(0.5, 1, 1, 1.5, 2, 3),
  min_unit: fc.constantFrom(1, 1, 1, 2, 3),
  extraMax: sometimes(fc.integer({ min: 0, max: 12 })),
  step_size: fc.constantFrom(1, 1, 1, 2, 3),
  used: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
});

const providerSpecArb: fc.Arbitrary<ProviderSpec> = fc
  .record({
    VCPU: fc.option(invSpecArb, { nil: undefined, freq: 6 }),
    MEMORY_MB: fc.option(invSpecArb, { nil: undefined, freq: 3 }),
    DISK_GB: fc.option(invSpecArb, { nil: undefined, freq: 3 }),
    CUSTOM_MAGIC: fc.option(invSpecArb, { nil: undefined, freq: 2 }),
    traits: fc.subarray([...TRAITS]),
    aggs: fc.subarray(AGGS),
  })
  .map(({ traits, aggs, ...invs }) => ({ traits, aggs, invs: Object.fromEntries(Object.entries(invs).filter(([, v]) => v !== undefined)) as Partial<Record<Cls, InvSpec>> }));

interface QuerySpec {
  resources: Partial<Record<Cls, number>>;
  asString: boolean;
  required: string[];
  forbidden: string[];
  requiredAsString: boolean;
  memberOf: { aggs: string[]; none: boolean; useIn: boolean }[];
  /** Index of the provider whose tree is asked for; past the fleet: a provider that does not exist. */
  inTree: number | undefined;
  limit: number | undefined;
}

/** Mostly no trait clause; else one or two of the traits. */
const traitsArb: fc.Arbitrary<string[]> = fc.oneof({ weight: 2, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.subarray<string>([...TRAITS], { maxLength: 2 }) });
const amountArb = fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 12 }));
const querySpecArb: fc.Arbitrary<QuerySpec> = fc.record({
  resources: fc
    .oneof({ weight: 3, arbitrary: fc.constant<Cls[]>(['VCPU']) }, { weight: 2, arbitrary: fc.subarray([...CLASSES], { minLength: 1, maxLength: 3 }) })
    .chain((classes) => fc.tuple(...classes.map(() => amountArb)).map((amounts) => Object.fromEntries(classes.map((rc, i) => [rc, amounts[i]])) as Partial<Record<Cls, number>>)),
  asString: fc.boolean(),
  required: traitsArb,
  forbidden: traitsArb,
  requiredAsString: fc.boolean(),
  memberOf: fc.oneof(
    { weight: 2, arbitrary: fc.constant<QuerySpec['memberOf']>([]) },
    { weight: 1, arbitrary: fc.array(fc.record({ aggs: fc.subarray(AGGS, { minLength: 1 }), none: fc.boolean(), useIn: fc.boolean() }), { maxLength: 2 }) },
  ),
  inTree: sometimes(fc.integer({ min: 0, max: 5 })),
  limit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
}).map((q) => ({ ...q, forbidden: q.forbidden.filter((t) => !q.required.includes(t)) }));

const inventoryOf = (s: InvSpec) => ({
  total: s.total,
  reserved: Math.floor((s.total * s.reservedPct) / 100),
  min_unit: s.min_unit,
  max_unit: s.extraMax === undefined ? 2_147_483_647 : s.min_unit + s.extraMax,
  step_size: s.step_size,
  allocation_ratio: s.allocation_ratio,
});

let candidatesBase: { cloud: Cloud; snapshot: ReturnType<Cloud['snapshot']> } | undefined;

/** Builds the fleet through the API: uuids descend while creation order ascends. Usage is claimed on a roomy inventory, then the real inventory is set (possibly below usage). */
function buildFleet(specs: ProviderSpec[]): { p: Placement; uuids: string[] } {
  if (!candidatesBase) {
    const cloud = bare(8803);
    const p0 = cloud.systemAdmin.placement;
    p0.createTrait('CUSTOM_A');
    p0.createTrait('CUSTOM_B');
    p0.createResourceClass('CUSTOM_MAGIC');
    candidatesBase = { cloud, snapshot: cloud.snapshot() };
  }
  candidatesBase.cloud.restore(candidatesBase.snapshot);
  const p = candidatesBase.cloud.systemAdmin.placement;
  const uuids = specs.map((spec, i) => {
    const rp = uuid('b', 100 - i);
    p.createResourceProvider({ name: `rp-${i}`, uuid: rp });
    const classes = Object.entries(spec.invs) as [Cls, InvSpec][];
    if (classes.length > 0) {
      p.setInventories(rp, { resource_provider_generation: 0, inventories: Object.fromEntries(classes.map(([rc]) => [rc, { total: 10_000 }])) });
      const used = Object.fromEntries(classes.filter(([, s]) => s.used > 0).map(([rc, s]) => [rc, s.used]));
      if (Object.keys(used).length > 0) p.putAllocations(uuid('c', i), { allocations: { [rp]: { resources: used } }, project_id: 'p', user_id: 'u', consumer_generation: null });
      p.setInventories(rp, { resource_provider_generation: p.getResourceProvider(rp).generation, inventories: Object.fromEntries(classes.map(([rc, s]) => [rc, inventoryOf(s)])) });
    }
    p.setProviderTraits(rp, { resource_provider_generation: p.getResourceProvider(rp).generation, traits: spec.traits });
    p.setProviderAggregates(rp, { resource_provider_generation: p.getResourceProvider(rp).generation, aggregates: spec.aggs });
    return rp;
  });
  return { p, uuids };
}

/** The brute-force answer: every provider, in creation order, checked against every clause. */
function bruteForce(specs: ProviderSpec[], uuids: string[], q: QuerySpec) {
  const tree = q.inTree === undefined ? undefined : (uuids[q.inTree] ?? uuid('b', 999));
  const hits: number[] = [];
  specs.forEach((spec, i) => {
    if (tree !== undefined && uuids[i] !== tree) return;
    for (const [rc, amount] of Object.entries(q.resources) as [Cls, number][]) {
      const s = spec.invs[rc];
      if (!s) return;
      const inv = inventoryOf(s);
      if (amount < inv.min_unit || amount > inv.max_unit || amount % inv.step_size !== 0) return;
      if (s.used + amount > Math.trunc((inv.total - inv.reserved) * inv.allocation_ratio)) return;
    }
    if (!q.required.every((t) => spec.traits.includes(t))) return;
    if (q.forbidden.some((t) => spec.traits.includes(t))) return;
    for (const m of q.memberOf) {
      const hit = m.aggs.some((a) => spec.aggs.includes(a));
      if (m.none ? hit : !hit) return;
    }
    hits.push(i);
  });
  const kept = q.limit === undefined ? hits : hits.slice(0, q.limit);
  return {
    allocation_requests: kept.map((i) => ({ allocations: { [uuids[i] as string]: { resources: q.resources } }, mappings: { '': [uuids[i]] } })),
    provider_summaries: Object.fromEntries(kept.map((i) => {
      const spec = specs[i] as ProviderSpec;
      const resources = Object.fromEntries((Object.entries(spec.invs) as [Cls, InvSpec][]).map(([rc, s]) => {
        const inv = inventoryOf(s);
        return [rc, { capacity: Math.trunc((inv.total - inv.reserved) * inv.allocation_ratio), used: s.used }];
      }));
      return [uuids[i], { resources, traits: [...spec.traits].sort(), parent_provider_uuid: null, root_provider_uuid: uuids[i] }];
    })),
  };
}

/** The query as `GET /allocation_candidates` takes it. */
function queryOf(q: QuerySpec, uuids: string[]) {
  const traits = [...q.required, ...q.forbidden.map((t) => `!${t}`)];
  const memberOf = q.memberOf.map((m) => `${m.none ? '!' : ''}${m.aggs.length === 1 && !m.useIn ? m.aggs[0] : `in:${m.aggs.join(',')}`}`);
  return {
    resources: q.asString ? Object.entries(q.resources).map(([rc, n]) => `${rc}:${n}`).join(',') : q.resources,
    ...(traits.length > 0 ? { required: q.requiredAsString ? traits.join(',') : traits } : {}),
    ...(memberOf.length > 0 ? { member_of: memberOf } : {}),
    ...(q.inTree !== undefined ? { in_tree: uuids[q.inTree] ?? uuid('b', 999) } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
  };
}

describe('(c) allocation candidates = brute force', () => {
  it('(seed 8103) on small random fleets with random inventories, usages, traits and aggregates, for random queries, in the same order', () => {
    let nonEmpty = 0;
    let filtered = 0;
    let limited = 0;
    fc.assert(
      fc.property(fc.array(providerSpecArb, { maxLength: 6 }), fc.array(querySpecArb, { minLength: 1, maxLength: 8 }), (specs, queries) => {
        const { p, uuids } = buildFleet(specs);
        for (const q of queries) {
          const want = bruteForce(specs, uuids, q);
          const got = p.getAllocationCandidates(queryOf(q, uuids) as Parameters<Placement['getAllocationCandidates']>[0]);
          expect(got.allocation_requests).toEqual(want.allocation_requests);
          expect(got.provider_summaries).toEqual(want.provider_summaries);
          if (want.allocation_requests.length > 0) nonEmpty++;
          if (want.allocation_requests.length > 0 && q.required.length + q.forbidden.length + q.memberOf.length > 0) filtered++;
          if (q.limit !== undefined && want.allocation_requests.length === q.limit) limited++;
        }
      }),
      { seed: 8103, numRuns: 45 },
    );
    // the generators are not vacuous: queries do find candidates, with trait and aggregate clauses too, and limits do cut
    expect(nonEmpty).toBeGreaterThan(30);
    expect(filtered).toBeGreaterThan(5);
    expect(limited).toBeGreaterThan(5);
  });
});

// ================================================================== (d) determinism

/** Runs ops on a fresh fleet cloud built with `seed`; returns the cloud and each op's outcome. */
function replay(seed: number, ops: Op[]): { cloud: Cloud; outcomes: string[] } {
  const cloud = fleet(seed, TOPOLOGY);
  const p = cloud.systemAdmin.placement;
  // a provider and a custom class created without ids: their uuids come from the seed
  p.createResourceProvider({ name: 'extra' });
  const hosts = HOSTS.map((h) => ({ name: h.name, uuid: cloud.hardware.getHost(h.name).id }));
  const current = (rp: string) => new Map(Object.entries(p.getInventories(rp).inventories) as [RC, Inv][]);
  const outcomes = ops.map((op) => {
    const e = apply({ cloud, p }, hosts, current, op);
    return e === undefined ? 'ok' : `${e.status} ${e.code}`;
  });
  return { cloud, outcomes };
}

describe('(d) reproducibility', () => {
  it('(seed 8104) the same seed and the same calls give the same state, outcome by outcome', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(opArb, { maxLength: 25 }), (seed, ops) => {
        const a = replay(seed, ops);
        const b = replay(seed, ops);
        expect(b.outcomes).toEqual(a.outcomes);
        expect(JSON.stringify(b.cloud.state)).toBe(JSON.stringify(a.cloud.state));
        expect(b.cloud.systemAdmin.placement.listResourceProviders()).toEqual(a.cloud.systemAdmin.placement.listResourceProviders());
      }),
      { seed: 8104, numRuns: 12 },
    );
  });

  it('(seed 8105) a different seed gives different provider uuids (so the comparison above is not vacuous)', () => {
    const a = replay(8105, []).cloud.systemAdmin.placement.listResourceProviders().map((rp) => rp.uuid);
    const b = replay(8106, []).cloud.systemAdmin.placement.listResourceProviders().map((rp) => rp.uuid);
    expect(a).toHaveLength(4);
    for (const id of a) expect(b).not.toContain(id);
  });
});
