/**
 * The scheduler's HostManager (the host index in the kernel's memo): Placement's candidates and their host
 * states are kept between requests and brought up to date from the providers that changed. Under
 * any sequence of claims, deletions, host failures, maintenance, trait and inventory changes and
 * snapshot restores, it must answer exactly what a fresh computation answers.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud, CloudError, type Cloud } from '../../../src/index.js';
import { hostStates } from '../../../src/scheduler/host_states.js';
import { hostIndexOf } from '../../../src/scheduler/host_index.js';
import { candidateProviders, parseQuery } from '../../../src/scheduler/placement/candidates.js';
import { checkRequestSpec, checkSchedulerConfig, scheduleChecked } from '../../../src/scheduler/filter_scheduler/index.js';

const HOSTS = 8;

function fleet(): Cloud {
  const cloud = createCloud({
    seed: 3,
    preset: 'empty',
    topology: {
      models: { m: { cpu: { sockets: 1, cores_per_socket: 2, threads_per_core: 1 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 50 }] } },
      hosts: [{ name: 'h{n}', count: HOSTS, model: 'm' }],
    },
  });
  // a small max_placement_results, so candidates are cut and changes beyond the cut happen
  cloud.scheduler.setSchedulerConfig({ scheduler: { max_placement_results: 3 } });
  return cloud;
}

type Op =
  | { kind: 'boot'; vcpus: number; memory_mb: number; n: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'fail' | 'recover' | 'maintenance'; host: number }
  | { kind: 'trait'; host: number; on: boolean }
  | { kind: 'reserve'; host: number; mb: number }
  | { kind: 'snapshot' }
  | { kind: 'restore' };

const host = fc.integer({ min: 1, max: HOSTS });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('boot' as const), vcpus: fc.constantFrom(1, 2), memory_mb: fc.constantFrom(1024, 4096), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(50) }) },
  fc.record({ kind: fc.constantFrom('fail' as const, 'recover' as const, 'maintenance' as const), host }),
  fc.record({ kind: fc.constant('trait' as const), host, on: fc.boolean() }),
  fc.record({ kind: fc.constant('reserve' as const), host, mb: fc.constantFrom(512, 4096, 8192) }),
  fc.record({ kind: fc.constant('snapshot' as const) }),
  fc.record({ kind: fc.constant('restore' as const) }),
);

/** The two queries selectDestinations asks for these flavors, keyed as it keys them. */
function queries(): { raw: Record<string, unknown> }[] {
  return [1, 2].flatMap((vcpus) =>
    [1024, 4096].map((memory_mb) => ({ raw: { resources: { VCPU: vcpus, MEMORY_MB: memory_mb }, required: ['!COMPUTE_STATUS_DISABLED'], member_of: [], limit: 3 } })),
  );
}

function expectFresh(cloud: Cloud): void {
  const s = cloud.state;
  for (const { raw } of queries()) {
    const q = parseQuery(s, raw);
    const cached = hostIndexOf(cloud.kernel.memo).candidates(s, q, JSON.stringify(raw));
    const uuids = candidateProviders(s, q).map((rp) => rp.uuid);
    expect(cached.uuids).toEqual(uuids);
    expect(cached.states).toEqual(hostStates(s, uuids));
    // over Placement's candidates, skipping the pre-filter steps Placement applied decides the same
    const resources = raw.resources as { VCPU: number; MEMORY_MB: number };
    const spec = checkRequestSpec({ flavor: { name: 'f', vcpus: resources.VCPU, memory_mb: resources.MEMORY_MB, root_gb: 0 }, num_instances: 2 });
    const config = checkSchedulerConfig(s.compute_config.scheduler);
    const decide = (mode: true | 'candidates') => {
      try {
        return scheduleChecked(cached.states, spec, config, 5, mode).selections;
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(decide('candidates')).toEqual(decide(true));
  }
}

describe('the HostManager cache of candidates and host states', () => {
  it('answers as a fresh computation after any sequence of changes (seed 7117)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const cloud = fleet();
        const placement = cloud.systemAdmin.placement;
        const instances: string[] = [];
        let snap = cloud.snapshot();
        expectFresh(cloud);
        for (const o of ops) {
          const name = `h${'host' in o ? o.host : 1}`;
          const rp = () => placement.getResourceProvider(name);
          try {
            switch (o.kind) {
              case 'boot': {
                const r = cloud.scheduler.selectDestinations({ flavor: { name: 'f', vcpus: o.vcpus, memory_mb: o.memory_mb, root_gb: 0 }, num_instances: o.n, project_id: 'p', user_id: 'u' });
                instances.push(...r.selections.map((x) => x.instance_uuid));
                break;
              }
              case 'delete':
                if (instances.length > 0) placement.deleteAllocations(instances.splice(o.pick % instances.length, 1)[0] as string);
                break;
              case 'fail':
                cloud.hardware.failHost(name);
                break;
              case 'recover':
                cloud.hardware.recoverHost(name);
                break;
              case 'maintenance':
                cloud.hardware.startMaintenance(name);
                break;
              case 'trait': {
                const traits = placement.getProviderTraits(rp().uuid).traits.filter((t) => t !== 'CUSTOM_SLOW');
                if (o.on) placement.createTrait('CUSTOM_SLOW');
                placement.setProviderTraits(rp().uuid, { traits: o.on ? [...traits, 'CUSTOM_SLOW'] : traits, resource_provider_generation: rp().generation });
                break;
              }
              case 'reserve':
                placement.setInventory(rp().uuid, 'MEMORY_MB', { ...placement.getInventory(rp().uuid, 'MEMORY_MB'), reserved: o.mb, resource_provider_generation: rp().generation });
                break;
              case 'snapshot':
                snap = cloud.snapshot();
                break;
              case 'restore':
                cloud.restore(snap);
                instances.splice(0, instances.length, ...instances.filter((u) => Object.keys(placement.getAllocations(u).allocations).length > 0));
                break;
            }
          } catch (e) {
            if (!(e instanceof CloudError)) throw e;
          }
          expectFresh(cloud);
        }
      }),
      { seed: 7117, numRuns: 60 },
    );
  });
});
