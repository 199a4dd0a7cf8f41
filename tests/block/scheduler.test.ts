/**
 * Cinder's volume scheduler (src/block/scheduler) against Cinder's own code: every case
 * `make_scheduler_golden.py` recorded by running Zed's filters, weighers, handlers and
 * `extra_specs_ops.match` (where Cinder raises, the pool fails instead); then each filter and
 * weigher on the cases of Cinder's own unit tests, the decision and its explanation, and a property.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/core/index.js';
import {
  AllocatedCapacityWeigher,
  AvailabilityZoneFilter,
  BACKEND_FILTERS,
  CapabilitiesFilter,
  CapacityFilter,
  CapacityWeigher,
  NO_WEIGHED_BACKENDS,
  PythonRaised,
  backendFilterByName,
  backendPassesFilters,
  backendWeigherByName,
  calculateCapacityFactors,
  checkFilterNames,
  checkWeigherNames,
  filterPools,
  findRetypeBackend,
  formatVolumeExplanation,
  matchCapability,
  poolCapabilities,
  pyRound2,
  scheduleVolume,
  weighPools,
  type PoolState,
  type VolumeRequestSpec,
} from '../../src/block/scheduler/index.js';
import type { BlockConfig, DriverName, PoolRow } from '../../src/block/types.js';

// ------------------------------------------------------------------------------ fixtures

const CONFIG: BlockConfig = {
  backends: [],
  default_volume_type: '__DEFAULT__',
  storage_availability_zone: 'nova',
  default_availability_zone: null,
  allow_availability_zone_fallback: false,
  scheduler_default_filters: ['AvailabilityZoneFilter', 'CapacityFilter', 'CapabilitiesFilter'],
  scheduler_default_weighers: ['CapacityWeigher'],
  capacity_weight_multiplier: 1,
  allocated_capacity_weight_multiplier: -1,
  service_down_time: 60,
  backup_swift_container: 'volumebackups',
  backup_swift_object_size: 52_428_800,
  backup_swift_block_size: 32_768,
  backup_enabled: true,
};
const cfg = (o: Partial<BlockConfig> = {}): BlockConfig => ({ ...CONFIG, ...o });

const DRIVER: Record<string, DriverName> = { 'lvmdriver-1': 'lvm', ceph: 'rbd', 'nfs-1': 'nfs' };

interface PoolInput {
  name?: string;
  az?: string;
  total?: number;
  free?: number;
  allocated?: number;
  provisioned?: number;
  reserved?: number;
  mosr?: number;
  thin?: boolean;
  thick?: boolean;
  multiattach?: boolean;
  backend?: string;
  protocol?: string;
  version?: string;
  extra?: Record<string, unknown>;
}

/** A pool state as the block service builds it: the row, its free capacity, its capabilities. */
function pool(p: PoolInput): PoolState {
  const name = p.name ?? 'host1@lvmdriver-1#lvmdriver-1';
  const backend = p.backend ?? 'lvmdriver-1';
  const row: PoolRow = {
    name,
    backend: name.split('#')[0] as string,
    pool_name: name.split('#')[1] ?? backend,
    hardware_host: name.split('@')[0] as string,
    backend_name: backend,
    driver: DRIVER[backend] ?? 'lvm',
    volume_backend_name: backend,
    storage_protocol: p.protocol ?? 'iSCSI',
    vendor_name: 'Open Source',
    driver_version: p.version ?? '3.0.0',
    availability_zone: p.az ?? 'nova',
    total_capacity_gb: p.total ?? 1000,
    reserved_percentage: p.reserved ?? 0,
    max_over_subscription_ratio: p.mosr ?? 20,
    thin_provisioning_support: p.thin ?? true,
    thick_provisioning_support: p.thick ?? false,
    multiattach: p.multiattach ?? true,
    allocated_capacity_gb: p.allocated ?? 0,
    provisioned_capacity_gb: p.provisioned ?? p.allocated ?? 0,
    written_blocks: 0,
  };
  const free = p.free ?? row.total_capacity_gb - row.allocated_capacity_gb;
  return { ...row, free_capacity_gb: free, capabilities: { ...poolCapabilities(row, free), ...p.extra } };
}

const req = (o: Partial<VolumeRequestSpec> & { specs?: Record<string, string> } = {}): VolumeRequestSpec => {
  const { specs, ...rest } = o;
  return {
    volume_id: 'vol-1',
    size: 1,
    volume_type: specs === undefined ? null : { id: 't1', name: 'type1', extra_specs: specs },
    availability_zone: null,
    ...rest,
  };
};

// ------------------------------------------------------------------------------ golden

type PoolArray = [string, string, string, string, string, string, number, number, number, number, number, number, boolean, boolean, boolean, Record<string, unknown>];
interface Golden {
  base_keys: string[];
  pool_fields: string[];
  match: { v: unknown; req: string; r: boolean | string }[];
  factors: { args: [number, number, number, boolean, number, number, boolean]; r: Record<string, unknown> }[];
  round: { x: number; r: number }[];
  schedule: {
    pools: PoolArray[];
    spec: VolumeRequestSpec;
    config: { scheduler_default_filters: string[]; scheduler_default_weighers: string[]; capacity_weight_multiplier: number; allocated_capacity_weight_multiplier: number };
    filters: Record<string, string[]>;
    passing: string[];
    weights: Record<string, { raw: number[]; minval: number; maxval: number }>;
    ranked: [string, number][];
    chosen: string | null;
  }[];
}

const golden = JSON.parse(readFileSync(new URL('./scheduler_golden.json', import.meta.url), 'utf8')) as Golden;

const goldenPool = (a: PoolArray): PoolState => {
  const [name, , az, backend, protocol, version, total, free, allocated, provisioned, reserved, mosr, thin, thick, multiattach, extra] = a;
  return pool({ name, az, backend, protocol, version, total, free, allocated, provisioned, reserved, mosr, thin, thick, multiattach, extra });
};

/** What the Python side recorded for one verdict: pass, fail, or the exception Cinder raised. */
const verdictOf = (v: true | string): string => (v === true ? 'pass' : /^cinder raises (\w+)/.exec(v)?.[1] !== undefined ? `raise:${/^cinder raises (\w+)/.exec(v)?.[1]}` : 'fail');

describe('Cinder golden cases', () => {
  it('has the cases it should', () => {
    expect(golden.match.length).toBeGreaterThan(500);
    expect(golden.schedule.length).toBeGreaterThanOrEqual(300);
    expect(golden.pool_fields[0]).toBe('name');
  });

  it('poolCapabilities reports the keys the Python side built', () => {
    expect(Object.keys(poolCapabilities(pool({}), 1)).sort()).toEqual(golden.base_keys);
    expect(pool({ protocol: 'iSCSI' }).capabilities.storage_protocol).toEqual(['iSCSI', 'iscsi']);
    expect(pool({ protocol: 'ceph' }).capabilities.storage_protocol).toBe('ceph');
  });

  it('extra_specs_ops.match', () => {
    for (const { v, req: r, r: expected } of golden.match) {
      let got: boolean | string;
      try {
        got = matchCapability(v, r);
      } catch (e) {
        if (!(e instanceof PythonRaised)) throw e;
        got = `raise:${e.pyType}`;
      }
      expect(got, `${JSON.stringify(v)} against ${JSON.stringify(r)}`).toBe(expected);
    }
  });

  it('calculate_capacity_factors and round(x, 2)', () => {
    for (const { args, r } of golden.factors) expect(calculateCapacityFactors(...args), JSON.stringify(args)).toEqual(r);
    for (const { x, r } of golden.round) expect(pyRound2(x), String(x)).toBe(r);
    // ties at two digits go to the even neighbour, as Python's round does (toFixed would go up)
    expect([0.125, 0.375, -0.625, 2.875, 1.005].map(pyRound2)).toEqual([0.12, 0.38, -0.62, 2.88, 1]);
  });

  it('every filter on every pool, the pipeline, the weights and the choice', () => {
    for (const [i, c] of golden.schedule.entries()) {
      const label = `case ${i}`;
      const pools = c.pools.map(goldenPool);
      const config = cfg(c.config);
      for (const [name, verdicts] of Object.entries(c.filters)) {
        const filter = backendFilterByName(name)!;
        expect(pools.map((p) => verdictOf(filter.backendPasses(p, c.spec, config))), `${label} ${name}`).toEqual(verdicts);
      }
      const { passing } = filterPools(checkFilterNames(c.config.scheduler_default_filters), pools, c.spec, config);
      expect(passing.map((p) => p.name), label).toEqual(c.passing);
      const weighing = weighPools(checkWeigherNames(c.config.scheduler_default_weighers), passing, c.spec, config);
      for (const step of weighing.steps) {
        const w = c.weights[step.name]!;
        expect(step.pools.map((s) => s.raw), `${label} ${step.name}`).toEqual(w.raw);
        expect([step.minval, step.maxval], `${label} ${step.name}`).toEqual([w.minval, w.maxval]);
      }
      expect(weighing.weighed.map((w) => [w.pool.name, w.weight]), label).toEqual(c.ranked);
      const { pool: chosen, explanation } = scheduleVolume(pools, c.spec, config);
      expect(chosen?.name ?? null, label).toBe(c.chosen);
      expect(explanation.reason, label).toBe(c.chosen === null ? NO_WEIGHED_BACKENDS : null);
    }
  });
});

// ------------------------------------------------------------------------------ filters

describe('AvailabilityZoneFilter', () => {
  const p = pool({ az: 'az1' });
  it('passes any pool without a zone asked, the zone asked, or one of the zones asked', () => {
    expect(AvailabilityZoneFilter.backendPasses(p, req(), CONFIG)).toBe(true);
    expect(AvailabilityZoneFilter.backendPasses(p, req({ availability_zone: 'az1' }), CONFIG)).toBe(true);
    expect(AvailabilityZoneFilter.backendPasses(p, req({ availability_zone: 'nova' }), CONFIG)).toBe("availability zone 'nova' requested; the pool is in 'az1'");
    expect(AvailabilityZoneFilter.backendPasses(p, req({ availability_zone: 'nova', availability_zones: ['az2', 'az1'] }), CONFIG)).toBe(true);
    expect(AvailabilityZoneFilter.backendPasses(p, req({ availability_zones: ['az2'] }), CONFIG)).toMatch(/'az2' requested/);
  });
});

describe('CapacityFilter (cinder/tests/unit/scheduler/test_host_filters.py)', () => {
  // [test, size, total, free, provisioned, ratio, reserved %, thin support, thick support, passes]
  const CASES: [string, number, number, number, number, number, number, boolean, boolean, boolean][] = [
    ['thin_true_passes', 100, 500, 200, 500, 2.0, 5, true, false, true],
    ['thin_true_passes2', 2400, 500, 200, 7000, 20, 5, true, false, true],
    ['thin_false_passes', 100, 500, 200, 300, 1.0, 5, false, true, true],
    ['over_subscription_less_than_1', 200, 500, 100, 400, 0.8, 0, true, false, false],
    ['over_subscription_equal_to_1', 150, 500, 200, 400, 1.0, 0, true, false, false],
    ['over_subscription_fails', 100, 500, 200, 700, 1.5, 5, true, false, false],
    ['over_subscription_fails2', 2000, 500, 30, 9000, 20, 0, true, false, false],
    ['reserved_thin_true_fails', 100, 500, 100, 1000, 2.0, 5, true, false, false],
    ['reserved_thin_false_fails', 100, 500, 100, 400, 1.0, 5, false, true, false],
    ['reserved_thin_thick_true_fails', 151, 500, 0, 800, 2.0, 5, true, true, false],
    ['reserved_thin_thick_true_passes', 100, 500, 125, 400, 2.0, 5, true, true, true],
    ['reserved_thin_true_passes', 100, 500, 80, 600, 2.0, 5, true, false, true],
    ['reserved_thin_thick_true_fails2', 100, 500, 99, 1000, 2.0, 5, true, true, false],
    ['reserved_thin_thick_true_passes2', 100, 500, 100, 400, 2.0, 0, true, true, true],
  ];
  it.each(CASES)('%s', (_, size, total, free, provisioned, mosr, reserved, thin, thick, passes) => {
    const verdict = CapacityFilter.backendPasses(pool({ total, free, provisioned, mosr, reserved, thin, thick }), req({ size }), CONFIG);
    expect(verdict === true).toBe(passes);
  });

  it('passes a manage request (0 GB), the pool a retyped volume is on, and asks only the growth of an extend', () => {
    const full = pool({ total: 10, free: 0, provisioned: 10, thin: false, thick: true });
    expect(CapacityFilter.backendPasses(full, req({ size: 0 }), CONFIG)).toBe(true);
    expect(CapacityFilter.backendPasses(full, req({ size: 5, vol_exists_on: full.name }), CONFIG)).toBe(true);
    const roomy = pool({ total: 100, free: 20, provisioned: 80, thin: false, thick: true });
    expect(CapacityFilter.backendPasses(roomy, req({ size: 50, new_size: 70 }), CONFIG)).toBe(true);
    expect(CapacityFilter.backendPasses(roomy, req({ size: 50, new_size: 71 }), CONFIG)).toMatch(/Insufficient free space/);
  });

  it('a thick type on a thin pool is judged on free space, without over-subscription', () => {
    const p = pool({ total: 100, free: 10, provisioned: 500, mosr: 20 });
    expect(CapacityFilter.backendPasses(p, req({ size: 50 }), CONFIG)).toBe(true);
    expect(CapacityFilter.backendPasses(p, req({ size: 50, specs: { 'provisioning:type': 'thick' } }), CONFIG)).toMatch(/requested \/ avail/);
  });

  it('fails a pool without total capacity, and one whose reserve leaves nothing to over-subscribe', () => {
    expect(CapacityFilter.backendPasses(pool({ total: 0 }), req(), CONFIG)).toMatch(/Total capacity is 0.00/);
    expect(CapacityFilter.backendPasses(pool({ total: 10, reserved: 100 }), req(), CONFIG)).toMatch(/^cinder raises ZeroDivisionError/);
  });
});

describe('CapabilitiesFilter', () => {
  const p = pool({ extra: { tier: 'gold', nested: { level: 'platinum' }, dedup: ['a', 'b'], iops: 500 } });
  const passes = (specs: Record<string, string>, extra: Partial<VolumeRequestSpec> = {}, on = p): boolean | string =>
    CapabilitiesFilter.backendPasses(on, req({ specs, ...extra }), CONFIG);
  it('matches plain, capabilities-scoped and nested keys, ignores other scopes', () => {
    expect(passes({})).toBe(true);
    expect(passes({ volume_backend_name: 'lvmdriver-1' })).toBe(true);
    expect(passes({ volume_backend_name: 'ceph' })).toMatch(/does not match reported capability "lvmdriver-1"/);
    expect(passes({ 'capabilities:volume_backend_name': 's== lvmdriver-1', 'provisioning:type': 'thick', 'vendor:x': 'y' })).toBe(true);
    expect(passes({ 'capabilities:nested:level': '<in> plat' })).toBe(true);
    expect(passes({ 'capabilities:nested:missing': 'x' })).toBe("Backend doesn't provide capability 'missing'");
    expect(passes({ 'capabilities:tier:sub': 'x' })).toBe("Backend doesn't provide capability 'sub'");
  });
  it('matches booleans with <is>, lists item by item, numbers as floats', () => {
    expect(passes({ multiattach: '<is> True' })).toBe(true);
    expect(passes({ multiattach: 'True' })).toMatch(/does not match/); // True == 'True' is false in Python
    expect(passes({ multiattach: '<is> True' }, {}, pool({ multiattach: false }))).toMatch(/does not match/);
    expect(passes({ storage_protocol: 'iscsi' })).toBe(true);
    expect(passes({ dedup: '<or> c <or> b' })).toBe(true);
    expect(passes({ iops: '>= 400', tier: '<or> silver <or> gold' })).toBe(true);
  });
  it('fails the pool where Cinder raises', () => {
    expect(passes({ iops: '<in> 5' })).toMatch(/^cinder raises TypeError: argument of type 'int' is not iterable/);
    expect(passes({ tier: '<or>' })).toMatch(/^cinder raises IndexError/);
  });
  it('refuses extending an attached volume on a pool without online extend', () => {
    const offline = pool({ extra: { online_extend_support: false } });
    expect(passes({}, { new_size: 2, attach_status: 'attached' }, offline)).toBe("Backend doesn't support attached volume extend");
    expect(passes({}, { new_size: 2, attach_status: 'detached' }, offline)).toBe(true);
    expect(passes({}, { new_size: 2, attach_status: 'attached' })).toBe(true);
  });
});

describe('extra_specs_ops (cinder/tests/unit/scheduler/test_host_filters.py ExtraSpecsOpsTestCase)', () => {
  const CASES: [unknown, string, boolean][] = [
    ['4', '> 2', false], ['1', '1', true], ['', '1', false], ['3', '1', false], ['222', '2', false],
    ['123', '= 123', true], ['124', '= 123', true], ['34', '= 234', false], ['34', '=', false],
    ['2', '<= 10', true], ['3', '<= 2', false], ['3', '>= 1', true], ['2', '>= 3', false],
    ['123', 's== 123', true], ['1234', 's== 123', false], ['1234', 's!= 123', true], ['123', 's!= 123', false],
    ['1000', 's>= 234', false], ['1234', 's<= 1000', false], ['2', 's< 12', false], ['12', 's> 2', false],
    ['12311321', '<in> 11', true], ['12311321', '<in> 12311321', true], ['12311321', '<in> 12311321 <in>', true],
    ['12310321', '<in> 11', false], ['12310321', '<in> 11 <in>', false],
    [true, '<is> True', true], [false, '<is> False', true], [false, '<is> Nonsense', true], [true, '<is> False', false], [false, '<is> True', false],
    ['12', '<or> 11 <or> 12', true], ['12', '<or> 11 <or> 12 <or>', true], ['13', '<or> 11 <or> 12', false], ['13', '<or> 11 <or> 12 <or>', false],
  ];
  it.each(CASES)('%j against %j → %j', (value, r, matches) => expect(matchCapability(value, r)).toBe(matches));
});

// ------------------------------------------------------------------------------ weighers

describe('weighers (cinder/tests/unit/scheduler/test_capacity_weigher.py, fakes.py hosts 1–4)', () => {
  const hosts = [
    pool({ name: 'host1@lvm#p', total: 1024, free: 1024, allocated: 0, provisioned: 0, mosr: 1.0, thin: false, thick: true, reserved: 10 }),
    pool({ name: 'host2@lvm#p', total: 2048, free: 300, allocated: 1748, provisioned: 1748, mosr: 1.5, thin: true, reserved: 10 }),
    pool({ name: 'host3@lvm#p', total: 512, free: 256, allocated: 256, provisioned: 256, mosr: 2.0, thin: false, thick: true, reserved: 0 }),
    pool({ name: 'host4@lvm#p', total: 2048, free: 200, allocated: 1848, provisioned: 2047, mosr: 1.0, thin: true, reserved: 5 }),
  ];
  const top = (spec: VolumeRequestSpec, config: BlockConfig, weigher = CapacityWeigher) => weighPools([weigher], hosts, spec, config).weighed[0]!;
  it('spreads by virtual free capacity: thin → host2, thick → host1, weight 1', () => {
    // (2048 − floor(2048 × 10%)) × 1.5 − 1748 (Cinder's test comment still says 1120, the pre-Queens formula)
    expect(CapacityWeigher.weigh(hosts[1]!, req(), CONFIG)).toBe(1018);
    expect(CapacityWeigher.weigh(hosts[3]!, req(), CONFIG)).toBe(-101);
    expect(top(req(), CONFIG)).toMatchObject({ weight: 1, pool: { name: 'host2@lvm#p' } });
    expect(top(req({ specs: { 'provisioning:type': 'thick' } }), CONFIG).pool.name).toBe('host1@lvm#p');
  });
  it('stacks with a negative multiplier', () => {
    expect(top(req(), cfg({ capacity_weight_multiplier: -1 })).pool.name).toBe('host4@lvm#p');
  });
  it('AllocatedCapacityWeigher: least allocated wins by default, most with a positive multiplier', () => {
    expect(top(req(), CONFIG, AllocatedCapacityWeigher)).toMatchObject({ weight: 0, pool: { name: 'host1@lvm#p' } });
    expect(top(req(), cfg({ allocated_capacity_weight_multiplier: 1 }), AllocatedCapacityWeigher).pool.name).toBe('host4@lvm#p');
  });
  it('weighs a single pool to 0 and keeps input order among equals', () => {
    expect(weighPools([CapacityWeigher], [hosts[0]!], req(), CONFIG).weighed).toEqual([{ pool: hosts[0], weight: 0 }]);
    const same = [pool({ name: 'a@b#1' }), pool({ name: 'a@b#2' }), pool({ name: 'a@b#3' })];
    expect(weighPools([CapacityWeigher], same, req(), CONFIG).weighed.map((w) => w.pool.name)).toEqual(['a@b#1', 'a@b#2', 'a@b#3']);
  });
});

// ------------------------------------------------------------------------------ decisions

describe('scheduleVolume', () => {
  const a = pool({ name: 'node1@lvmdriver-1#lvmdriver-1', total: 100, allocated: 10 });
  const b = pool({ name: 'node2@lvmdriver-1#lvmdriver-1', total: 100, allocated: 50 });
  const c = pool({ name: 'node3@ceph#volumes', backend: 'ceph', protocol: 'ceph', total: 100, allocated: 90, az: 'az1' });

  it('chooses the best pool and explains each step', () => {
    const { pool: chosen, explanation } = scheduleVolume([a, b, c], req({ size: 5, availability_zone: 'nova', specs: { volume_backend_name: 'lvmdriver-1' } }), CONFIG);
    expect(chosen?.name).toBe(a.name);
    expect(explanation.filters.map((f) => [f.name, f.start, f.end])).toEqual([['AvailabilityZoneFilter', 3, 2], ['CapacityFilter', 2, 2], ['CapabilitiesFilter', 2, 2]]);
    expect(explanation.totals.map((t) => t.pool)).toEqual([a.name, b.name]);
    const lines = formatVolumeExplanation(explanation);
    expect(lines[0]).toBe('scheduled volume vol-1 (5 GB, type type1, availability zone nova)');
    expect(lines).toContain(`    - ${c.name}: availability zone 'nova' requested; the pool is in 'az1'`);
    expect(lines.at(-1)).toBe(`  → ${a.name}`);
  });

  it('no pool left: Cinder NoValidBackend text, every filter still listed, nothing weighed', () => {
    const { pool: chosen, explanation } = scheduleVolume([a, b], req({ size: 5000 }), cfg({ scheduler_default_filters: ['CapacityFilter', 'AvailabilityZoneFilter'] }));
    expect(chosen).toBeNull();
    expect(explanation.reason).toBe('No valid backend was found. No weighed backends available');
    expect(explanation.filters.map((f) => [f.start, f.end])).toEqual([[2, 0], [0, 0]]);
    expect(explanation.weighers).toEqual([]);
    expect(formatVolumeExplanation(explanation)[0]).toMatch(/^no valid backend for volume vol-1 .*: No valid backend was found/);
    expect(scheduleVolume([], req(), CONFIG).explanation.outcome).toBe('no_valid_backend');
  });

  it('keeps only the source backend with resource_backend, after weighing', () => {
    const r = scheduleVolume([a, b, c], req({ resource_backend: 'node2@lvmdriver-1' }), cfg({ scheduler_default_filters: [] }));
    expect(r.pool?.name).toBe(b.name);
    expect(r.explanation.resource_backend).toMatchObject({ start: 3, end: 1 });
    expect(scheduleVolume([a], req({ resource_backend: 'node2@lvmdriver-1#lvmdriver-1' }), CONFIG).pool).toBeNull();
  });

  it('extend: backendPassesFilters answers for the volume’s own pool', () => {
    expect(backendPassesFilters([a, b], b.name, req({ size: 10, new_size: 40 }), CONFIG).pool?.name).toBe(b.name);
    const thick = pool({ name: 'node4@nfs-1#nfs-1', backend: 'nfs-1', total: 100, allocated: 50, thin: false, thick: true });
    expect(backendPassesFilters([a, thick], 'node4@nfs-1', req({ size: 10, new_size: 60 }), CONFIG).pool?.name).toBe(thick.name);
    const r = backendPassesFilters([a, thick], thick.name, req({ size: 10, new_size: 61 }), cfg({ scheduler_default_filters: ['CapacityFilter'] }));
    expect(r.pool).toBeNull();
    expect(r.explanation.reason).toBe(`No valid backend was found. Cannot place volume vol-1 on ${thick.name}.`);
  });

  it('retype: stays on the current pool when it passes, migrates only on demand', () => {
    const thick = { 'provisioning:type': 'thick' };
    const full = pool({ name: 'node9@lvmdriver-1#lvmdriver-1', total: 10, allocated: 10, thin: false, thick: true });
    expect(findRetypeBackend([a, full], full.name, req({ size: 10, specs: thick }), CONFIG, 'never').pool?.name).toBe(full.name);
    const gold = { volume_backend_name: 'ceph' };
    expect(findRetypeBackend([a, c], a.name, req({ specs: gold }), CONFIG, 'never').explanation.reason).toMatch(/Current backend not valid for volume vol-1 with type type1, migration not allowed$/);
    expect(findRetypeBackend([a, c], a.name, req({ specs: gold }), CONFIG, 'on-demand').pool?.name).toBe(c.name);
    expect(findRetypeBackend([a], a.name, req({ specs: gold }), CONFIG, 'on-demand').explanation.reason).toMatch(/No valid backends for volume vol-1 with type type1$/);
  });
});

describe('checkFilterNames / checkWeigherNames', () => {
  const refused = (fn: () => unknown): CloudError => {
    try {
      fn();
    } catch (e) {
      if (e instanceof CloudError) return e;
      throw e;
    }
    throw new Error('not refused');
  };
  it('accepts the simulated names in any order and refuses the rest with a 400', () => {
    expect(checkFilterNames(['CapabilitiesFilter', 'AvailabilityZoneFilter']).map((f) => f.name)).toEqual(['CapabilitiesFilter', 'AvailabilityZoneFilter']);
    expect(BACKEND_FILTERS.map((f) => f.name)).toEqual(CONFIG.scheduler_default_filters);
    expect(backendWeigherByName('AllocatedCapacityWeigher')).toBe(AllocatedCapacityWeigher);
    const unknown = refused(() => checkFilterNames(['CapacityFilter', 'NopeFilter', 'RetryFilter']));
    expect([unknown.status, unknown.code, unknown.message]).toEqual([400, 'block.scheduler.filter_not_found', 'Scheduler Host Filter NopeFilter, RetryFilter could not be found.']);
    expect(refused(() => checkFilterNames(['DriverFilter'])).code).toBe('block.scheduler.filter_not_simulated');
    expect(refused(() => checkWeigherNames(['Bogus'])).message).toBe('Scheduler Host Weigher Bogus could not be found.');
    expect(refused(() => checkWeigherNames(['GoodnessWeigher'])).code).toBe('block.scheduler.weigher_not_simulated');
    for (const bad of ['CapacityFilter', null, [1], { 0: 'x' }, Array(65).fill('CapacityFilter')]) expect(refused(() => checkFilterNames(bad)).status).toBe(400);
    expect(refused(() => scheduleVolume([], req(), cfg({ scheduler_default_weighers: ['ChanceWeigher'] }))).status).toBe(400);
  });
});

// ------------------------------------------------------------------------------ property

/** CapacityFilter's arithmetic written out plainly, from the issue and cinder/utils.py. */
function fitsPlainly(p: PoolState, size: number, thinType: boolean): boolean {
  if (p.total_capacity_gb <= 0) return false;
  const reservedAvailable = p.total_capacity_gb - Math.floor((p.total_capacity_gb * p.reserved_percentage) / 100);
  if (thinType && p.thin_provisioning_support) {
    const available = pyRound2(reservedAvailable * p.max_over_subscription_ratio);
    // Cinder's quirk, kept: the provisioned ratio is taken over the already over-subscribed capacity
    return p.max_over_subscription_ratio >= 1 && available > 0 && (p.provisioned_capacity_gb + size) / available <= p.max_over_subscription_ratio && pyRound2(available - p.provisioned_capacity_gb) >= size;
  }
  return pyRound2(Math.min(p.free_capacity_gb, reservedAvailable - p.provisioned_capacity_gb)) >= size;
}

describe('properties', () => {
  const arbPool = (i: number) =>
    fc.record({
      total: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0.5, max: 5000, noNaN: true })),
      allocated: fc.integer({ min: 0, max: 6000 }),
      reserved: fc.integer({ min: 0, max: 100 }),
      mosr: fc.constantFrom(1, 1.5, 2, 20, 0.5),
      thin: fc.boolean(),
      az: fc.constantFrom('nova', 'az1'),
    }).map((p) => pool({ ...p, name: `node${i}@lvmdriver-1#lvmdriver-1`, thick: !p.thin, free: p.total - p.allocated }));
  const arbPools = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbPool(i))));
  const arbSpec = fc.record({
    size: fc.integer({ min: 1, max: 3000 }),
    thick: fc.boolean(),
    az: fc.constantFrom(null, 'nova', 'az1'),
  });
  const arbConfig = fc.record({
    weighers: fc.constantFrom(['CapacityWeigher'], ['AllocatedCapacityWeigher'], ['CapacityWeigher', 'AllocatedCapacityWeigher']),
    cap: fc.constantFrom(1, -1, 0.5),
    alloc: fc.constantFrom(-1, 1, 0),
  });

  it('a chosen pool fits by CapacityFilter’s arithmetic, and no passing pool weighs strictly more (seed 1313)', () => {
    let chosenRuns = 0;
    fc.assert(
      fc.property(arbPools, arbSpec, arbConfig, (pools, s, k) => {
        const spec = req({ size: s.size, availability_zone: s.az, specs: s.thick ? { 'provisioning:type': 'thick' } : {} });
        const config = cfg({ scheduler_default_weighers: k.weighers, capacity_weight_multiplier: k.cap, allocated_capacity_weight_multiplier: k.alloc });
        const { pool: chosen, explanation } = scheduleVolume(pools, spec, config);
        const passing = pools.filter((p) => (s.az === null || p.availability_zone === s.az) && fitsPlainly(p, s.size, !s.thick));
        expect(chosen === null).toBe(passing.length === 0);
        if (chosen === null) return;
        chosenRuns += 1;
        expect(fitsPlainly(chosen, s.size, !s.thick)).toBe(true);
        expect(explanation.totals.map((t) => t.pool).sort()).toEqual(passing.map((p) => p.name).sort());
        const best = explanation.totals.find((t) => t.pool === chosen.name)!.total;
        for (const t of explanation.totals) expect(t.total).toBeLessThanOrEqual(best);
        // ties go to the pool given first
        const firstBest = pools.find((p) => explanation.totals.some((t) => t.pool === p.name && t.total === best));
        expect(firstBest?.name).toBe(chosen.name);
      }),
      { seed: 1313, numRuns: 400 },
    );
    expect(chosenRuns).toBeGreaterThan(100);
  });
});
