/** The scheduling arbitraries of `stacksim/testing`, used the way a user's property would. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as arb from '../../src/testing/index.js';
import { schedule, checkSchedulerConfig, FILTERS, NoValidHost } from '../../src/scheduler/index.js';

describe('stacksim/testing scheduling arbitraries', () => {
  it('the chosen host passes every enabled filter, and affinity / anti-affinity hold (seed 9201)', () => {
    fc.assert(
      fc.property(arb.fleet({ max: 12 }), arb.requestSpec(), arb.schedulerConfig(), fc.nat(), (hosts, request, config, seed) => {
        const cfg = checkSchedulerConfig(config);
        let result;
        try {
          result = schedule({ hosts, request, config, seed });
        } catch (e) {
          expect(e).toBeInstanceOf(NoValidHost);
          return;
        }
        expect(result.selections).toHaveLength(request.num_instances);
        const chosen = result.selections.map((s) => hosts.find((h) => h.host === s.host)!);
        const first = chosen[0]!;
        for (const name of cfg.filter_scheduler.enabled_filters) {
          const filter = FILTERS.find((f) => f.name === name)!;
          // the first instance is filtered on the hosts as given
          expect(filter.hostPasses(first, { ...request, instance_uuid: result.selections[0]!.instance_uuid }, cfg), `${name} on ${first.host}`).toBe(true);
        }
        const hostsUsed = new Set(result.selections.map((s) => s.host));
        if (request.instance_group?.policy === 'affinity' && cfg.filter_scheduler.enabled_filters.includes('ServerGroupAffinityFilter')) expect(hostsUsed.size).toBe(1);
        if (request.instance_group?.policy === 'anti-affinity' && cfg.filter_scheduler.enabled_filters.includes('ServerGroupAntiAffinityFilter')) expect(hostsUsed.size).toBe(request.num_instances);
      }),
      { seed: 9201, numRuns: 150 },
    );
  });

  it('with host_subset_size 1 the chosen host has the highest total weight; same seed, same result (seed 9202)', () => {
    fc.assert(
      fc.property(arb.fleet({ min: 2, max: 10 }), arb.flavor(), fc.nat(), (hosts, flavor, seed) => {
        const request = { flavor, project_id: 'p1', user_id: 'u1' };
        let a;
        try {
          a = schedule({ hosts, request, seed });
        } catch (e) {
          expect(e).toBeInstanceOf(NoValidHost);
          return;
        }
        expect(schedule({ hosts, request, seed })).toEqual(a);
        const totals = a.explanation.instances[0]!.totals;
        const best = Math.max(...totals.map((t) => t.total));
        expect(totals.find((t) => t.host === a.selections[0]!.host)?.total).toBe(best);
      }),
      { seed: 9202, numRuns: 150 },
    );
  });
});

describe('allocationSequence', () => {
  it('drives session.placement: per provider and class, usage always equals the sum of live allocations (seed 9203)', async () => {
    const { createCloud, CloudError } = await import('../../src/index.js');
    fc.assert(
      fc.property(arb.allocationSequence({ providers: 2, consumers: 4, maxLength: 20 }), (ops) => {
        const cloud = createCloud({ seed: 1, preset: 'empty', topology: { hosts: [{ name: 'h{n}', count: 2, cpu: { sockets: 1, cores_per_socket: 4 }, memory_mb: 16384, disks: [{ name: 'sda', size_gb: 100 }] }] } });
        const p = cloud.systemAdmin.placement;
        const rps = p.listResourceProviders().map((r) => r.uuid);
        const uuid = (i: number, kind = 'c') => `${kind === 'c' ? 'c' : 'd'}0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
        for (const o of ops) {
          try {
            if (o.op === 'claim') p.putAllocations(uuid(o.consumer), { allocations: { [rps[o.provider]!]: { resources: o.resources } }, project_id: 'p', user_id: 'u', consumer_generation: p.getAllocations(uuid(o.consumer)).consumer_generation ?? null });
            else if (o.op === 'free') p.deleteAllocations(uuid(o.consumer));
            else if (o.op === 'set_ratio') cloud.scheduler.setComputeConfig(cloud.hardware.listHosts()[o.provider]!.name, { cpu_allocation_ratio: o.cpu_allocation_ratio });
            else {
              const held = p.getAllocations(uuid(o.consumer));
              const [[, mine] = []] = Object.entries(held.allocations);
              if (!mine) continue;
              p.postAllocations({
                [uuid(o.consumer)]: { allocations: {}, project_id: 'p', user_id: 'u', consumer_generation: held.consumer_generation ?? null },
                [uuid(o.consumer, 'd')]: { allocations: { [rps[o.provider]!]: { resources: mine.resources } }, project_id: 'p', user_id: 'u', consumer_generation: p.getAllocations(uuid(o.consumer, 'd')).consumer_generation ?? null, consumer_type: 'MIGRATION' },
              });
            }
          } catch (e) {
            expect(e).toBeInstanceOf(CloudError);
          }
        }
        for (const rp of rps) {
          const usages = p.getProviderUsages(rp).usages;
          const sum: Record<string, number> = {};
          for (const [c, a] of Object.entries(p.getProviderAllocations(rp).allocations)) {
            void c;
            for (const [rc, n] of Object.entries(a.resources)) sum[rc] = (sum[rc] ?? 0) + n;
          }
          for (const [rc, n] of Object.entries(usages)) expect(n).toBe(sum[rc] ?? 0);
        }
      }),
      { seed: 9203, numRuns: 60 },
    );
  });
});
