/**
 * The host index (nova's HostManager, kept in the kernel's memo and updated from the table
 * changes) answers what a fresh computation answers: after any sequence of placements, deleted
 * allocations, host failures, recoveries and maintenance, hosts added, moved and removed, compute
 * and scheduler configuration changes, trait changes, restores and forks, the host states, the
 * aggregates, Placement's candidates and the decision taken from the kept verdicts and weights
 * are those of a new memo's index and of the memo-less functions over `cloud.state`.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud, CloudError, type Cloud } from '../../../src/index.js';
import { Memo, type CloudState } from '../../../src/core/index.js';
import { ALL_WEIGHERS, WEIGHERS, checkRequestSpec, checkSchedulerConfig, filterByName, scheduleChecked, weighHosts, weigherByName, type HostFilter, type HostWeigher } from '../../../src/scheduler/index.js';
import { aggregatesOf, hostStates } from '../../../src/scheduler/host_states.js';
import { hostIndexOf } from '../../../src/scheduler/host_index.js';
import { candidateProviders, parseQuery } from '../../../src/scheduler/placement/index.js';

const MODEL = { cpu: { sockets: 1, cores_per_socket: 2, threads_per_core: 1 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 50 }] };

function fleet(): Cloud {
  const cloud = createCloud({
    seed: 11,
    preset: 'empty',
    topology: {
      availability_zones: [{ name: 'az1' }, { name: 'az2' }],
      racks: [{ name: 'r1', availability_zone: 'az1' }, { name: 'r2', availability_zone: 'az2' }],
      models: { m: MODEL, small: { ...MODEL, memory_mb: 4096 } },
      hosts: [
        { name: 'a{n}', count: 3, model: 'm', rack: 'r1' },
        { name: 'b{n}', count: 3, model: 'm', rack: 'r2' },
        { name: 'c{n}', count: 2, model: 'small' },
      ],
    },
  });
  // a small max_placement_results, so candidates are cut and changes beyond the cut happen (and
  // lists that are not full, which a new provider can join)
  cloud.scheduler.setSchedulerConfig({ scheduler: { max_placement_results: 6 } });
  return cloud;
}

const HOSTS = ['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1', 'c2', 'x1', 'x2'];

type Op =
  | { kind: 'boot'; vcpus: number; memory_mb: number; n: number; az: string | null }
  | { kind: 'delete'; pick: number }
  | { kind: 'fail' | 'recover' | 'maintenance' | 'remove'; host: string }
  | { kind: 'add'; host: string; az: string | null; memory_mb: number }
  | { kind: 'move'; host: string; az: string | null }
  | { kind: 'memory'; host: string; memory_mb: number }
  | { kind: 'ratio'; host: string | null; ram: number | null; reserved: number; disk_mb: number; cpus: number }
  | { kind: 'weights'; ram: number; filters: 'default' | 'num_instances'; subset: number }
  | { kind: 'trait'; host: string; on: boolean }
  | { kind: 'snapshot' | 'restore' | 'fork' | 'switch' };

const host = fc.constantFrom(...HOSTS);
const az = fc.constantFrom(null, 'az1', 'az2');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('boot' as const), vcpus: fc.constantFrom(1, 2), memory_mb: fc.constantFrom(1024, 4096, 8192), n: fc.integer({ min: 1, max: 3 }), az }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(50) }) },
  fc.record({ kind: fc.constantFrom('fail' as const, 'recover' as const, 'maintenance' as const, 'remove' as const), host }),
  fc.record({ kind: fc.constant('add' as const), host: fc.constantFrom('x1', 'x2'), az, memory_mb: fc.constantFrom(4096, 16384) }),
  fc.record({ kind: fc.constant('move' as const), host, az }),
  fc.record({ kind: fc.constant('memory' as const), host, memory_mb: fc.constantFrom(4096, 8192, 16384) }),
  fc.record({ kind: fc.constant('ratio' as const), host: fc.option(host, { nil: null }), ram: fc.option(fc.constantFrom(1.0, 2.0), { nil: null }), reserved: fc.constantFrom(0, 512, 2048), disk_mb: fc.constantFrom(0, 1000, 1023, 1024, 1500), cpus: fc.constantFrom(0, 1) }),
  fc.record({ kind: fc.constant('weights' as const), ram: fc.constantFrom(1.0, -1.0, 2.5), filters: fc.constantFrom('default' as const, 'num_instances' as const), subset: fc.constantFrom(1, 2) }),
  fc.record({ kind: fc.constant('trait' as const), host, on: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('snapshot' as const, 'restore' as const, 'fork' as const, 'switch' as const) }),
);

/** Requests and the candidate queries selectDestinations asks for them (as it keys them). */
const REQUESTS = [...[1, 2].flatMap((vcpus) => [1024, 4096].map((memory_mb) => ({ vcpus, memory_mb }))), { vcpus: 2, memory_mb: 8192 }];

function queryOf(s: CloudState, vcpus: number, memory_mb: number) {
  const raw = { resources: { VCPU: vcpus, MEMORY_MB: memory_mb }, required: ['!COMPUTE_STATUS_DISABLED'], member_of: [], limit: checkSchedulerConfig(s.compute_config.scheduler).scheduler.max_placement_results };
  return { raw, key: JSON.stringify(raw), query: parseQuery(s, raw) };
}

/** The cloud's kept answers against fresh ones over the same state. */
function expectFresh(cloud: Cloud): void {
  const s = cloud.state;
  const index = hostIndexOf(cloud.kernel.memo);
  index.sync(s);
  const fresh = hostIndexOf(new Memo());
  fresh.sync(s);
  // every host state, the aggregates
  expect(new Map(index.allStates())).toEqual(new Map(fresh.allStates()));
  // …down to the order of keys (the instances, as the links list them)
  expect(JSON.stringify([...index.allStates()].sort())).toBe(JSON.stringify([...fresh.allStates()].sort()));
  expect(index.aggregates).toEqual(aggregatesOf(s));
  const uuids = [...fresh.allStates().keys()];
  expect(index.statesOf(uuids)).toEqual(hostStates(s, uuids));
  // Placement's candidates, their host states, and the decision from the kept verdicts and weights
  // (under the cloud's own checked options, the very object selectDestinations keeps them for)
  const config = cloud.scheduler.schedulerConfig();
  expect(config).toEqual(checkSchedulerConfig(s.compute_config.scheduler));
  for (const { vcpus, memory_mb } of REQUESTS) {
    const { key, query } = queryOf(s, vcpus, memory_mb);
    const kept = index.candidates(s, query, key, config);
    const candidates = candidateProviders(s, query).map((rp) => rp.uuid);
    expect(kept.uuids).toEqual(candidates);
    const states = hostStates(s, candidates);
    expect(kept.states).toEqual(states);
    for (const n of [1, 2]) {
      const spec = checkRequestSpec({ flavor: { name: 'f', vcpus, memory_mb, root_gb: 0 }, num_instances: n, project_id: 'p' });
      const decide = (run: () => ReturnType<typeof scheduleChecked>) => {
        try {
          return run().selections;
        } catch (e) {
          return (e as Error).message;
        }
      };
      // the ranking from the kept verdicts and weights is the ranking filtering and weighing afresh
      // gives, host by host and weight by weight (to the bit)
      const filters = config.filter_scheduler.enabled_filters.map((f) => filterByName(f) as HostFilter);
      const weighers = config.filter_scheduler.weight_classes.flatMap((w) => (w === ALL_WEIGHERS ? WEIGHERS : [weigherByName(w) as HostWeigher]));
      const ranked = kept.prepared?.rankingFor(kept.states, spec, filters, weighers) ?? null;
      if (ranked !== null) {
        const passing = states.filter((h) => filters.every((f) => f.passesAll?.(spec, config) || f.hostPasses(h, spec, config) === true));
        const afresh = weighHosts(weighers, passing, spec, config, false).weighed.map((w) => [w.host.host, w.weight]);
        expect(Array.from({ length: ranked.length }, (_, k) => [ranked.at(k).host, ranked.weightAt(k)])).toEqual(afresh);
      }
      expect(decide(() => scheduleChecked(kept.states, spec, config, 7, 'candidates', kept.prepared))).toEqual(decide(() => scheduleChecked(states, spec, config, 7, 'candidates')));
    }
  }
}

function apply(cloud: Cloud, o: Op, instances: string[]): void {
  const placement = cloud.systemAdmin.placement;
  switch (o.kind) {
    case 'boot': {
      const r = cloud.scheduler.selectDestinations({ flavor: { name: 'f', vcpus: o.vcpus, memory_mb: o.memory_mb, root_gb: 0 }, num_instances: o.n, project_id: 'p', user_id: 'u', ...(o.az === null ? {} : { availability_zone: o.az }) });
      instances.push(...r.selections.map((x) => x.instance_uuid));
      return;
    }
    case 'delete':
      if (instances.length > 0) placement.deleteAllocations(instances.splice(o.pick % instances.length, 1)[0] as string);
      return;
    case 'fail':
      cloud.hardware.failHost(o.host);
      return;
    case 'recover':
      cloud.hardware.recoverHost(o.host);
      return;
    case 'maintenance':
      cloud.hardware.startMaintenance(o.host);
      return;
    case 'remove':
      cloud.hardware.removeHost(o.host); // refused (409) while it holds allocations
      return;
    case 'add':
      cloud.hardware.addHost({ name: o.host, cpu: MODEL.cpu, memory_mb: o.memory_mb, disks: MODEL.disks, ...(o.az === null ? {} : { availability_zone: o.az }) });
      return;
    case 'move':
      cloud.hardware.updateHost(o.host, { availability_zone: o.az ?? 'az1' });
      return;
    case 'memory':
      cloud.hardware.updateHost(o.host, { memory_mb: o.memory_mb });
      return;
    case 'ratio':
      // the disk reservations 1023 and 1024 MB are the same whole GB for Placement, not for nova's host state
      cloud.scheduler.setComputeConfig(o.host, { ram_allocation_ratio: o.ram, reserved_host_memory_mb: o.reserved, reserved_host_disk_mb: o.disk_mb, reserved_host_cpus: o.cpus });
      return;
    case 'weights':
      cloud.scheduler.setSchedulerConfig({
        filter_scheduler: {
          ram_weight_multiplier: o.ram,
          host_subset_size: o.subset,
          enabled_filters: o.filters === 'default' ? checkSchedulerConfig(undefined).filter_scheduler.enabled_filters : ['ComputeFilter', 'NumInstancesFilter'],
        },
      });
      return;
    case 'trait': {
      const rp = placement.getResourceProvider(o.host);
      const traits = placement.getProviderTraits(rp.uuid).traits.filter((t) => t !== 'CUSTOM_SLOW');
      placement.createTrait('CUSTOM_SLOW');
      placement.setProviderTraits(rp.uuid, { traits: o.on ? [...traits, 'CUSTOM_SLOW'] : traits, resource_provider_generation: rp.generation });
      return;
    }
    default:
      return;
  }
}

describe('the host index (nova HostManager in the kernel memo)', () => {
  it('answers as a fresh computation after any sequence of calls, restores and forks (seed 4242)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(op, fc.boolean()), { minLength: 1, maxLength: 30 }), (ops) => {
        let cloud = fleet();
        let other = cloud;
        let instances: string[] = [];
        let otherInstances = instances;
        let snap = { cloud: cloud.snapshot(), instances: [...instances] };
        expectFresh(cloud);
        for (const [o, check] of ops) {
          try {
            if (o.kind === 'snapshot') snap = { cloud: cloud.snapshot(), instances: [...instances] };
            else if (o.kind === 'restore') {
              cloud.restore(snap.cloud);
              instances = [...snap.instances];
            } else if (o.kind === 'fork') {
              // go on in the fork (a new kernel, so its own memo); the original stays one 'switch' away
              other = cloud;
              otherInstances = instances;
              cloud = cloud.fork();
              instances = [...instances];
            } else if (o.kind === 'switch') {
              [cloud, other] = [other, cloud];
              [instances, otherInstances] = [otherInstances, instances];
            } else apply(cloud, o, instances);
          } catch (e) {
            if (!(e instanceof CloudError)) throw e;
          }
          // checking syncs the index: skip some checks, so it also catches up over several changes
          if (check) expectFresh(cloud);
        }
        expectFresh(cloud);
        if (other !== cloud) expectFresh(other);
      }),
      { seed: 4242, numRuns: 80 },
    );
  });

  it('is the kernel\'s own: a fork gets a new memo and index; the checked scheduler options are kept per version; nothing shows in the state', () => {
    const cloud = fleet();
    cloud.scheduler.selectDestinations({ flavor: { name: 'f', vcpus: 1, memory_mb: 1024, root_gb: 0 }, project_id: 'p', user_id: 'u' });
    const fork = cloud.fork();
    expect(fork.kernel.memo).not.toBe(cloud.kernel.memo);
    expect(hostIndexOf(fork.kernel.memo)).not.toBe(hostIndexOf(cloud.kernel.memo));
    // the checked form of the options is derived once per version of them
    expect(cloud.scheduler.schedulerConfig()).toBe(cloud.scheduler.schedulerConfig());
    const before = cloud.scheduler.schedulerConfig();
    cloud.scheduler.setSchedulerConfig({ filter_scheduler: { host_subset_size: 2 } });
    expect(cloud.scheduler.schedulerConfig()).not.toBe(before);
    expect(cloud.scheduler.schedulerConfig().filter_scheduler.host_subset_size).toBe(2);
    // nothing derived is in the state: a read that fills the memo leaves the very same state object
    const state = cloud.state;
    const json = JSON.stringify(state);
    const memo = new Memo();
    hostStates(state, [...hostIndexOf(cloud.kernel.memo).allStates().keys()], memo);
    expect(cloud.state).toBe(state);
    expect(JSON.stringify(cloud.state)).toBe(json);
  });
});
