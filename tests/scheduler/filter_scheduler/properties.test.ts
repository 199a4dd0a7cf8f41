/**
 * Properties of `schedule()` on random clouds, requests and configurations, each with a fixed
 * fast-check seed (in the title) so a failure replays: chosen hosts pass every enabled filter
 * (checked against an independent replay of nova's consumption), the best weighed host wins with
 * host_subset_size 1, server-group policies hold across a multi-create, same seed ⇒ same result,
 * and all or nothing.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  FILTERS,
  WEIGHERS,
  NoValidHost,
  checkHosts,
  checkRequestSpec,
  checkSchedulerConfig,
  filterByName,
  schedule,
  type HostState,
  type RequestSpec,
  type ScheduleInput,
  type ScheduleResult,
} from '../../../src/scheduler/filter_scheduler/index.js';

const FLAVORS = [
  { name: 'm1.small', vcpus: 1, memory_mb: 1024, root_gb: 10 },
  { name: 'm1.large', vcpus: 2, memory_mb: 4096, root_gb: 20, ephemeral_gb: 5 },
];
const EXISTING = ['e1', 'e2', 'e3'];

const metadataArb = fc.record(
  {
    availability_zone: fc.constantFrom('az1', 'az2'),
    instance_type: fc.constantFrom('m1.small', 'm1.large', 'm1.small,m1.large'),
    max_instances_per_host: fc.constantFrom('1', '2', '3', 'x'),
    max_io_ops_per_host: fc.constantFrom('1', '3'),
    filter_tenant_id: fc.constantFrom('p1', 'p2', 'p1,p2'),
    ram_weight_multiplier: fc.constantFrom('-1', '2'),
    ssd: fc.constantFrom('true', 'false'),
  },
  { requiredKeys: [] },
);

const hostArb = fc.record({
  vcpus_total: fc.integer({ min: 1, max: 16 }),
  vcpus_used: fc.integer({ min: 0, max: 12 }),
  cpu_allocation_ratio: fc.constantFrom(1, 4, 16),
  total_usable_ram_mb: fc.constantFrom(4096, 8192, 16384),
  ram_used: fc.integer({ min: 0, max: 6000 }),
  total_usable_disk_gb: fc.constantFrom(40, 100, 400),
  num_instances: fc.integer({ min: 0, max: 4 }),
  num_io_ops: fc.integer({ min: 0, max: 4 }),
  failed_builds: fc.constantFrom(0, 0, 0, 1),
  disabled: fc.constantFrom(false, false, false, true),
  up: fc.constantFrom(true, true, true, false),
  instances: fc.subarray(EXISTING),
  cell_uuid: fc.constantFrom('c1', 'c1', 'c2'),
  aggregates: fc.array(metadataArb, { maxLength: 2 }),
  metrics: fc.constantFrom([], [{ name: 'cpu.frequency', value: 2000 }], [{ name: 'cpu.frequency', value: 3000 }]),
});

const hostsArb = fc.array(hostArb, { minLength: 1, maxLength: 7 }).map((hs) =>
  hs.map((h, i) => ({
    host: `host${i}`,
    uuid: `uuid-${i}`,
    cell_uuid: h.cell_uuid,
    vcpus_total: h.vcpus_total,
    vcpus_used: h.vcpus_used,
    cpu_allocation_ratio: h.cpu_allocation_ratio,
    total_usable_ram_mb: h.total_usable_ram_mb,
    free_ram_mb: h.total_usable_ram_mb - h.ram_used,
    total_usable_disk_gb: h.total_usable_disk_gb,
    num_instances: h.num_instances,
    num_io_ops: h.num_io_ops,
    failed_builds: h.failed_builds,
    service: { disabled: h.disabled, up: h.up },
    instances: h.instances,
    metrics: h.metrics,
    supported_instances: [['x86_64', 'kvm', 'hvm']],
    aggregates: h.aggregates.map((metadata, j) => ({ id: i * 10 + j, name: `agg-${i}-${j}`, hosts: [`host${i}`], metadata })),
  })),
);

const groupArb = fc.oneof(
  fc.constant(null),
  fc.record({
    policy: fc.constantFrom('affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'),
    members: fc.subarray(EXISTING),
    hosts: fc.subarray(['host0', 'host1']),
  }),
  fc.record({ policy: fc.constant('anti-affinity'), members: fc.subarray(EXISTING), rules: fc.record({ max_server_per_host: fc.integer({ min: 1, max: 3 }) }) }),
);

const requestArb = fc.record({
  flavor: fc.constantFrom(...FLAVORS),
  num_instances: fc.integer({ min: 1, max: 4 }),
  project_id: fc.constantFrom('p1', 'p2'),
  availability_zone: fc.constantFrom(null, null, 'az1', 'nova'),
  instance_group: groupArb,
  scheduler_hints: fc.constantFrom({}, {}, { different_host: ['e1'] }, { same_host: 'e2' }, { query: '[">=", "$free_ram_mb", 4096]' }),
  image: fc.constantFrom(null, { id: 'img', properties: { hw_architecture: 'x86_64' } }, { id: 'img2', properties: { hw_architecture: 'aarch64' } }),
});

const filterNames = FILTERS.map((f) => f.name);
const configArb = fc.record({
  scheduler: fc.record({ max_attempts: fc.integer({ min: 1, max: 4 }), query_placement_for_availability_zone: fc.boolean() }),
  filter_scheduler: fc.record({
    enabled_filters: fc.shuffledSubarray(filterNames, { maxLength: 8 }),
    host_subset_size: fc.integer({ min: 1, max: 3 }),
    shuffle_best_same_weighed_hosts: fc.boolean(),
    ram_weight_multiplier: fc.constantFrom(1, -1, 0),
    max_instances_per_host: fc.integer({ min: 1, max: 6 }),
    max_io_ops_per_host: fc.integer({ min: 1, max: 6 }),
  }),
  metrics: fc.constant({ weight_setting: ['cpu.frequency=1'], required: false }),
});

const inputArb = fc.record({ hosts: hostsArb, request: requestArb, config: configArb, seed: fc.integer(), placement: fc.boolean() });
type Input = typeof inputArb extends fc.Arbitrary<infer T> ? T : never;

/** Runs schedule; returns the result or the NoValidHost. */
function run(input: ScheduleInput): ScheduleResult | NoValidHost {
  try {
    return schedule(input);
  } catch (e) {
    if (e instanceof NoValidHost) return e;
    throw e;
  }
}

/**
 * An independent replay of nova's consumption: the host states and request spec as they were
 * when instance `index` was placed, given the hosts chosen for the instances before it.
 */
function replay(input: Input, result: ScheduleResult, index: number): { hosts: Map<string, HostState>; spec: RequestSpec } {
  const spec0 = checkRequestSpec(input.request);
  const uuids = result.selections.map((s) => s.instance_uuid);
  const hosts = new Map(checkHosts(input.hosts).map((h) => [h.host, { ...h, instances: { ...h.instances } }]));
  const group = spec0.instance_group;
  const groupHosts = group === null ? [] : [...group.hosts];
  for (let i = 0; i < index; i++) {
    const h = hosts.get(result.selections[i]!.host)!;
    const f = spec0.flavor;
    Object.assign(h, {
      free_ram_mb: h.free_ram_mb - f.memory_mb,
      free_disk_mb: h.free_disk_mb - (f.root_gb + f.ephemeral_gb) * 1024,
      vcpus_used: h.vcpus_used + f.vcpus,
      num_instances: h.num_instances + 1,
      num_io_ops: h.num_io_ops + 1,
    });
    if (group !== null) {
      groupHosts.push(h.host);
      h.instances[uuids[i]!] = { uuid: uuids[i]!, project_id: spec0.project_id };
    }
  }
  const spec: RequestSpec = {
    ...spec0,
    instance_uuid: uuids[index]!,
    instance_group: group === null ? null : { ...group, hosts: groupHosts, members: [...group.members, ...uuids] },
  };
  return { hosts, spec };
}

describe('schedule properties', () => {
  it('every chosen host passes every enabled filter, and fits (seed 4242)', () => {
    let scheduled = 0;
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = run(input);
        if (r instanceof NoValidHost) return;
        scheduled++;
        const config = checkSchedulerConfig(input.config);
        r.selections.forEach((sel, i) => {
          const { hosts, spec } = replay(input, r, i);
          const host = hosts.get(sel.host)!;
          for (const name of config.filter_scheduler.enabled_filters) {
            expect([i, name, filterByName(name)!.hostPasses(host, spec, config)]).toEqual([i, name, true]);
          }
        });
        if (input.placement) {
          // Placement's claims: what each host got fits its capacity int(total × allocation_ratio).
          const f = checkRequestSpec(input.request).flavor;
          for (const h of checkHosts(input.hosts)) {
            const k = r.selections.filter((sel) => sel.host === h.host).length;
            if (k === 0) continue;
            expect(h.vcpus_used + k * f.vcpus).toBeLessThanOrEqual(Math.floor(h.vcpus_total * h.cpu_allocation_ratio));
            expect(h.total_usable_ram_mb - h.free_ram_mb + k * f.memory_mb).toBeLessThanOrEqual(Math.floor(h.total_usable_ram_mb * h.ram_allocation_ratio));
            const disk = f.root_gb + f.ephemeral_gb;
            expect(h.total_usable_disk_gb - h.free_disk_mb / 1024 + k * disk).toBeLessThanOrEqual(Math.floor(h.total_usable_disk_gb * h.disk_allocation_ratio));
          }
        }
      }),
      { seed: 4242, numRuns: 250 },
    );
    expect(scheduled).toBeGreaterThan(50);
  });

  it('with host_subset_size 1 the chosen host has the highest total weight, first among ties (seed 777)', () => {
    fc.assert(
      fc.property(inputArb, (base) => {
        const input = { ...base, placement: false, config: { ...base.config, filter_scheduler: { ...base.config.filter_scheduler, host_subset_size: 1, shuffle_best_same_weighed_hosts: false } } };
        const r = run(input);
        const instances = r instanceof NoValidHost ? r.explanation.instances : r.explanation.instances;
        for (const inst of instances) {
          if (inst.selected === null) continue;
          const best = Math.max(...inst.totals.map((t) => t.total));
          expect(inst.totals[0]!.total).toBe(best);
          expect(inst.selected.host).toBe(inst.totals[0]!.host);
          for (let k = 1; k < inst.totals.length; k++) expect(inst.totals[k]!.total).toBeLessThanOrEqual(inst.totals[k - 1]!.total);
          for (const t of inst.totals) {
            const sum = inst.weighers.reduce((acc, w) => acc + w.hosts.find((h) => h.host === t.host)!.score, 0);
            expect(t.total).toBe(sum);
          }
        }
      }),
      { seed: 777, numRuns: 200 },
    );
  });

  it('affinity and anti-affinity hold across all instances of a multi-create (seed 31337)', () => {
    let checked = 0;
    const groupInput = inputArb.chain((input) =>
      fc
        .record({
          policy: fc.constantFrom('affinity', 'anti-affinity'),
          members: fc.subarray(EXISTING),
          hosts: fc.constantFrom([], [], ['host0']),
          max: fc.constantFrom(undefined, 1, 2),
        })
        .map((g) => ({
          ...input,
          request: {
            ...input.request,
            num_instances: Math.max(2, input.request.num_instances),
            instance_group: {
              policy: g.policy,
              members: g.members,
              hosts: g.policy === 'affinity' ? g.hosts : [],
              ...(g.policy === 'anti-affinity' && g.max !== undefined ? { rules: { max_server_per_host: g.max } } : {}),
            },
          },
          config: { ...input.config, filter_scheduler: { ...input.config.filter_scheduler, enabled_filters: ['ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter'] } },
        })),
    );
    fc.assert(
      fc.property(groupInput, (input) => {
        const r = run(input);
        if (r instanceof NoValidHost) return;
        checked++;
        const group = input.request.instance_group as { policy: string; members: string[]; hosts: string[]; rules?: { max_server_per_host: number } };
        const chosen = r.selections.map((s) => s.host);
        if (group.policy === 'affinity') {
          expect(new Set(chosen).size).toBe(1);
          if (group.hosts.length > 0) expect(group.hosts).toContain(chosen[0]);
        } else {
          const max = group.rules?.max_server_per_host ?? 1;
          for (const name of new Set(chosen)) {
            const existing = (input.hosts.find((h) => h.host === name)!.instances as string[]).filter((u) => group.members.includes(u)).length;
            expect(existing + chosen.filter((c) => c === name).length).toBeLessThanOrEqual(max);
          }
        }
      }),
      { seed: 31337, numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(30);
  });

  it('same seed and inputs give the same selections and explanation (seed 2024)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const a = run(input);
        const b = run(structuredClone(input));
        if (a instanceof NoValidHost || b instanceof NoValidHost) {
          expect(b).toBeInstanceOf(NoValidHost);
          expect(a).toBeInstanceOf(NoValidHost);
          expect((a as NoValidHost).explanation).toEqual((b as NoValidHost).explanation);
          expect((a as NoValidHost).details).toEqual((b as NoValidHost).details);
        } else {
          expect(a).toEqual(b);
        }
      }),
      { seed: 2024, numRuns: 150 },
    );
  });

  it('host states that went through checkHosts are deeply frozen, skip the check, and decide exactly as the raw ones (seed 5150)', () => {
    const frozenDeep = (v: unknown): boolean => typeof v !== 'object' || v === null || (Object.isFrozen(v) && Object.values(v).every(frozenDeep));
    fc.assert(
      fc.property(inputArb, (input) => {
        const checked = checkHosts(input.hosts);
        expect(checked.every(frozenDeep)).toBe(true);
        // a checked state comes back as the very same object: nothing to check again
        expect(checkHosts(checked).every((h, i) => h === checked[i])).toBe(true);
        const a = run(input);
        const b = run({ ...input, hosts: checked });
        if (a instanceof NoValidHost) {
          expect(b).toBeInstanceOf(NoValidHost);
          expect((a as NoValidHost).explanation).toEqual((b as NoValidHost).explanation);
        } else {
          expect(b).toEqual(a);
        }
      }),
      { seed: 5150, numRuns: 150 },
    );
  });

  it('all or nothing: n instances get n hosts, or none and the first failing instance is named (seed 99)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = run(input);
        if (!(r instanceof NoValidHost)) {
          expect(r.selections).toHaveLength(input.request.num_instances);
          expect(new Set(r.selections.map((s) => s.instance_uuid)).size).toBe(input.request.num_instances);
          return;
        }
        expect(r.explanation.selections).toEqual([]);
        const failed = r.details.instance_index as number | undefined;
        if (failed === undefined || failed === 0) return;
        // The instances before the failing one fit alone, on the very same hosts.
        const prefix = schedule({ ...input, request: { ...input.request, num_instances: failed } });
        expect(prefix.selections.map((s) => s.host)).toEqual(r.explanation.instances.slice(0, failed).map((i) => i.selected!.host));
      }),
      { seed: 99, numRuns: 200 },
    );
  });

  it("a filter's passesAll and a weigher's uniformWeight agree with asking every host (seed 3131)", () => {
    let shortcuts = 0;
    fc.assert(
      fc.property(
        inputArb,
        fc.option(fc.uuid(), { nil: null }),
        fc.constantFrom({}, { 'capabilities:cpu_info:arch': 'aarch64' }, { vcpus_total: '>= 8' }, { 'aggregate_instance_extra_specs:ssd': 'true' }),
        fc.constantFrom([], ['cpu.frequency=1']),
        fc.constantFrom(null, 'x86_64', 'aarch64'),
        fc.constantFrom(null, { cell_uuid: 'c2', allow_cross_cell_move: true }, { cell_uuid: 'c1', allow_cross_cell_move: false }),
        (input, uuid, extra_specs, weight_setting, arch, destination) => {
        const hosts = checkHosts(input.hosts);
        const request = { ...input.request, flavor: { ...input.request.flavor, extra_specs }, requested_destination: destination };
        const spec = { ...checkRequestSpec(request), instance_uuid: uuid };
        const config = checkSchedulerConfig({ ...input.config, metrics: { weight_setting, required: false }, filter_scheduler: { ...input.config.filter_scheduler, image_properties_default_architecture: arch } });
        for (const f of FILTERS) {
          if (f.passesAll?.(spec, config) !== true) continue;
          shortcuts++;
          for (const h of hosts) expect(f.hostPasses(h, spec, config), `${f.name} on ${h.host}`).toBe(true);
        }
        for (const w of WEIGHERS) {
          const u = w.uniformWeight?.(spec, config) ?? null;
          if (u === null) continue;
          shortcuts++;
          for (const h of hosts) expect(Object.is(w.weigh(h, spec, config), u), `${w.name} on ${h.host}`).toBe(true);
        }
      }),
      { seed: 3131, numRuns: 400 },
    );
    expect(shortcuts).toBeGreaterThan(300);
  });
});
