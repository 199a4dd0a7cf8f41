/**
 * `schedule()` end to end: Placement's pre-filtering and claims, the filters in order, weighing,
 * host_subset_size, alternates, consumption between instances, forced hosts, NoValidHost.
 */
import { describe, it, expect } from 'vitest';
import { InvalidInput } from '../../../src/core/index.js';
import {
  NoValidHost,
  formatExplanation,
  schedule,
  type ScheduleResult,
} from '../../../src/scheduler/filter_scheduler/index.js';
import { caught } from './helpers.js';

const small = { name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 20 };
const host = (name: string, extra: Record<string, unknown> = {}) => ({
  host: name,
  vcpus_total: 8,
  total_usable_ram_mb: 16384,
  total_usable_disk_gb: 200,
  supported_instances: [['x86_64', 'kvm', 'hvm']],
  ...extra,
});
/** host1..host3 with 8, 12 and 4 GiB free: host2 has the most RAM. */
const three = () => [host('host1', { free_ram_mb: 8192 }), host('host2', { free_ram_mb: 12288 }), host('host3', { free_ram_mb: 4096 })];
const hostsOf = (r: ScheduleResult) => r.selections.map((s) => s.host);
const noValidHost = (fn: () => unknown): NoValidHost => {
  const e = caught(fn);
  expect(e).toBeInstanceOf(NoValidHost);
  return e as NoValidHost;
};

describe('schedule', () => {
  it('picks the best weighed host and up to max_attempts − 1 alternates, best first', () => {
    const r = schedule({ hosts: three(), request: { flavor: small } });
    expect(r.selections).toHaveLength(1);
    expect(r.selections[0]).toMatchObject({ host: 'host2', nodename: 'host2', uuid: 'host2' });
    expect(r.selections[0]?.alternates.map((a) => a.host)).toEqual(['host1', 'host3']);
    expect(r.explanation.outcome).toBe('scheduled');
    expect(r.explanation.instances[0]?.filters.map((f) => f.name)).toEqual([
      'ComputeFilter',
      'ComputeCapabilitiesFilter',
      'ImagePropertiesFilter',
      'ServerGroupAntiAffinityFilter',
      'ServerGroupAffinityFilter',
    ]);
  });

  it('takes alternates only from the chosen host’s cell, and none with max_attempts 1', () => {
    const hosts = [host('a', { cell_uuid: 'c1', free_ram_mb: 9000 }), host('b', { cell_uuid: 'c2', free_ram_mb: 8000 }), host('c', { cell_uuid: 'c1' })];
    expect(schedule({ hosts, request: { flavor: small } }).selections[0]?.alternates.map((a) => [a.host, a.cell_uuid])).toEqual([['a', 'c1']]);
    expect(schedule({ hosts, request: { flavor: small }, config: { scheduler: { max_attempts: 1 } } }).selections[0]?.alternates).toEqual([]);
  });

  it('consumes each instance from its host, so identical hosts take turns (RAM spreading)', () => {
    const hosts = [host('a'), host('b')];
    const r = schedule({ hosts, request: { flavor: small, num_instances: 4 } });
    // After a and b both took one, they tie again; ties keep the previous ranking, where b was first.
    expect(hostsOf(r)).toEqual(['a', 'b', 'b', 'a']);
    // alternates exclude every chosen host
    expect(r.selections.every((s) => s.alternates.length === 0)).toBe(true);
    expect(r.explanation.alternates_round).not.toBeNull();
  });

  it('stacks with a negative RAM multiplier', () => {
    const r = schedule({
      hosts: [host('a'), host('b')],
      request: { flavor: small, num_instances: 3 },
      config: { filter_scheduler: { ram_weight_multiplier: -1, weight_classes: ['RAMWeigher'] } },
    });
    expect(new Set(hostsOf(r)).size).toBe(1);
  });

  it('draws among the best host_subset_size hosts with the seed', () => {
    const config = { filter_scheduler: { host_subset_size: 2 } };
    const picked = new Set(Array.from({ length: 40 }, (_, seed) => hostsOf(schedule({ hosts: three(), request: { flavor: small }, config, seed }))[0]));
    expect(picked).toEqual(new Set(['host2', 'host1']));
    expect(schedule({ hosts: three(), request: { flavor: small }, config, seed: 'x' })).toEqual(schedule({ hosts: three(), request: { flavor: small }, config, seed: 'x' }));
  });

  it('shuffles only the best ties when shuffle_best_same_weighed_hosts is set', () => {
    const hosts = [host('a'), host('b'), host('c'), host('worse', { free_ram_mb: 100 })];
    const pick = (shuffle: boolean, seed: number) =>
      hostsOf(schedule({ hosts, request: { flavor: small }, seed, config: { filter_scheduler: { shuffle_best_same_weighed_hosts: shuffle } } }))[0];
    expect(new Set(Array.from({ length: 20 }, (_, s) => pick(false, s)))).toEqual(new Set(['a']));
    expect(new Set(Array.from({ length: 40 }, (_, s) => pick(true, s)))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('keeps a host filtered out for one instance out for the next ones, as nova does', () => {
    const hosts = [host('a', { num_instances: 1 }), host('b', { num_instances: 0, free_ram_mb: 4096 })];
    const config = { filter_scheduler: { enabled_filters: ['NumInstancesFilter'], max_instances_per_host: 2 } };
    const r = schedule({ hosts, request: { flavor: small, num_instances: 2 }, config });
    expect(hostsOf(r)).toEqual(['a', 'b']);
    expect(r.explanation.instances[1]?.filters[0]).toMatchObject({ name: 'NumInstancesFilter', start: 2, end: 1 });
  });

  it('runs once-per-request filters for the first instance only', () => {
    const r = schedule({ hosts: three(), request: { flavor: small, num_instances: 2 } });
    expect(r.explanation.instances[1]?.skipped_filters).toEqual(['ComputeFilter', 'ComputeCapabilitiesFilter', 'ImagePropertiesFilter']);
    expect(r.explanation.instances[1]?.filters.map((f) => f.name)).toEqual(['ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter']);
  });

  describe('Placement', () => {
    it('drops hosts that cannot fit one instance before the filters', () => {
      const hosts = [host('full', { vcpus_total: 2, vcpus_used: 2, cpu_allocation_ratio: 1 }), host('ok')];
      const r = schedule({ hosts, request: { flavor: small } });
      const candidates = r.explanation.prefilters.find((p) => p.name === 'placement (allocation candidates)');
      expect(candidates).toMatchObject({ start: 2, end: 1, removed: [{ host: 'full', reason: expect.stringMatching(/insufficient VCPU/) }] });
      expect(hostsOf(r)).toEqual(['ok']);
    });
    it('claims per instance and moves on when the best host is full', () => {
      const hosts = [host('big', { vcpus_total: 1, cpu_allocation_ratio: 1, total_usable_ram_mb: 65536 }), host('other')];
      const r = schedule({ hosts, request: { flavor: small, num_instances: 2 }, config: { filter_scheduler: { weight_classes: ['RAMWeigher'] } } });
      expect(hostsOf(r)).toEqual(['big', 'other']);
      expect(r.explanation.instances[1]?.claims.map((c) => [c.host, c.ok])).toEqual([
        ['big', false],
        ['other', true],
      ]);
      expect(r.explanation.instances[1]?.claims[0]?.reason).toMatch(/insufficient VCPU: 1 used of capacity 1/);
    });
    it('counts swap and ephemeral disk but not a volume-backed root disk', () => {
      const hosts = [host('tiny', { total_usable_disk_gb: 20, disk_allocation_ratio: 1 })];
      const flavor = { ...small, swap: 512 };
      expect(noValidHost(() => schedule({ hosts, request: { flavor } })).details.stage).toBe('placement');
      expect(hostsOf(schedule({ hosts, request: { flavor, is_bfv: true } }))).toEqual(['tiny']);
    });
    it('limits candidates to max_placement_results', () => {
      const r = schedule({ hosts: three(), request: { flavor: small }, config: { scheduler: { max_placement_results: 2 } } });
      expect(r.explanation.prefilters.at(-1)).toMatchObject({ name: 'max_placement_results', start: 3, end: 2 });
      expect(hostsOf(r)).toEqual(['host2']);
    });
    it('removes disabled hosts by the COMPUTE_STATUS_DISABLED trait (compute_status_filter)', () => {
      const hosts = [host('off', { service: { disabled: true }, free_ram_mb: 16000 }), host('on')];
      const r = schedule({ hosts, request: { flavor: small } });
      expect(r.explanation.prefilters.find((p) => p.name === 'compute_status_filter')?.removed.map((x) => x.host)).toEqual(['off']);
      expect(r.explanation.instances[0]?.filters[0]).toMatchObject({ name: 'ComputeFilter', start: 1, end: 1 });
    });
    it('maps the requested AZ to its aggregates (query_placement_for_availability_zone)', () => {
      const az1 = { id: 1, name: 'az1', metadata: { availability_zone: 'az1' } };
      const hosts = [host('in', { aggregates: [az1], free_ram_mb: 1024 }), host('out')];
      expect(hostsOf(schedule({ hosts, request: { flavor: small, availability_zone: 'az1' } }))).toEqual(['in']);
      // nova's quirk: an AZ no aggregate names (the default 'nova') restricts nothing in Placement …
      expect(hostsOf(schedule({ hosts, request: { flavor: small, availability_zone: 'nova' } }))).toEqual(['out']);
      // … so the deprecated AvailabilityZoneFilter is what keeps 'nova' requests off az1 hosts.
      const config = { scheduler: { query_placement_for_availability_zone: false }, filter_scheduler: { enabled_filters: ['AvailabilityZoneFilter'] } };
      expect(hostsOf(schedule({ hosts, request: { flavor: small, availability_zone: 'az1' }, config }))).toEqual(['in']);
    });
    it('restricts tenants to their aggregates with numbered filter_tenant_id keys (limit_tenants_to_placement_aggregate)', () => {
      const mine = { id: 1, name: 'mine', metadata: { filter_tenant_id: 'p0', filter_tenant_id2: 'p1' } };
      const hosts = [host('tenant', { aggregates: [mine], free_ram_mb: 1024 }), host('shared')];
      const config = { scheduler: { limit_tenants_to_placement_aggregate: true } };
      expect(hostsOf(schedule({ hosts, request: { flavor: small, project_id: 'p1' }, config }))).toEqual(['tenant']);
      expect(hostsOf(schedule({ hosts, request: { flavor: small, project_id: 'p2' }, config }))).toEqual(['shared']);
      const required = { scheduler: { ...config.scheduler, placement_aggregate_required_for_tenants: true } };
      const e = noValidHost(() => schedule({ hosts, request: { flavor: small, project_id: 'p2' }, config: required }));
      expect(e.message).toBe('No valid host was found. No hosts available for tenant');
    });
    it('leaves all that to the caller with placement: false', () => {
      const hosts = [host('off', { service: { disabled: true }, vcpus_total: 0 }), host('on')];
      const r = schedule({ hosts, request: { flavor: small }, placement: false });
      expect(r.explanation.prefilters).toEqual([]);
      expect(r.explanation.instances[0]?.filters[0]).toMatchObject({ name: 'ComputeFilter', start: 2, end: 1, removed: [{ host: 'off' }] });
    });
  });

  describe('destinations', () => {
    it('ignores ignore_hosts (case-insensitively)', () => {
      const r = schedule({ hosts: three(), request: { flavor: small, ignore_hosts: ['HOST2'] } });
      expect(hostsOf(r)).toEqual(['host1']);
      expect(r.explanation.instances[0]?.destination[0]).toMatchObject({ name: 'ignore_hosts', start: 3, end: 2 });
    });
    it('bypasses the filters for force_hosts and force_nodes', () => {
      const hosts = [host('down', { service: { up: false } }), host('up')];
      const r = schedule({ hosts, request: { flavor: small, force_hosts: ['down'] } });
      expect(hostsOf(r)).toEqual(['down']);
      expect(r.explanation.instances[0]?.forced).toBe(true);
      expect(r.explanation.instances[0]?.filters).toEqual([]);
      expect(hostsOf(schedule({ hosts: [host('h', { nodename: 'n1' }), host('h', { nodename: 'n2', uuid: 'u2' })], request: { flavor: small, force_nodes: ['n2'] } }))).toEqual(['h']);
    });
    it('honours requested_destination (host and node)', () => {
      expect(hostsOf(schedule({ hosts: three(), request: { flavor: small, requested_destination: { host: 'host3' } } }))).toEqual(['host3']);
    });
  });

  describe('NoValidHost', () => {
    it('fails the whole request (all or nothing) and says which filter removed the last hosts', () => {
      const request = { flavor: small, num_instances: 3, instance_group: { uuid: 'g', policy: 'anti-affinity' } };
      const hosts = [host('a'), host('b')];
      const e = noValidHost(() => schedule({ hosts, request }));
      expect(e.status).toBe(400);
      expect(e.code).toBe('scheduler.no_valid_host');
      // nova's own words, then which filter removed the last host, for which instance, and why
      expect(e.message).toBe('No valid host was found. There are not enough hosts available. Instance 3 of 3: ServerGroupAntiAffinityFilter removed the last host (b: anti-affinity group g already has 1 member(s) on this host (max_server_per_host 1)).');
      expect(e.details).toMatchObject({ stage: 'filter', instance_index: 2, fault_code: 500, filter: 'ServerGroupAntiAffinityFilter' });
      expect(e.details.eliminated_by).toMatchObject({ name: 'ServerGroupAntiAffinityFilter', start: 1, end: 0 });
      expect(e.explanation.outcome).toBe('no_valid_host');
      expect(e.explanation.selections).toEqual([]);
      expect(e.explanation.instances.map((i) => i.selected?.host ?? null)).toEqual(['a', 'b', null]);
      expect(Object.isFrozen(e.explanation.instances[0]?.filters)).toBe(true);
      // the first two instances alone fit, on the same hosts
      expect(hostsOf(schedule({ hosts, request: { ...request, num_instances: 2 } }))).toEqual(['a', 'b']);
    });
    it('fails when Placement finds no candidate', () => {
      const e = noValidHost(() => schedule({ hosts: [host('small', { total_usable_ram_mb: 1024 })], request: { flavor: small } }));
      expect(e.details).toMatchObject({ stage: 'placement', eliminated_by: { name: 'placement (allocation candidates)' } });
    });
    it('fails with no host at all', () => {
      expect(noValidHost(() => schedule({ hosts: [], request: { flavor: small } })).details.stage).toBe('placement');
      expect(noValidHost(() => schedule({ hosts: [], request: { flavor: small }, placement: false })).details.stage).toBe('filter');
    });
  });

  // issue 10 #19: no hosts, no room and a filter that removes everything gave the same sentence and
  // an explanation of "placement (allocation candidates): start 0, end 0"; each now says why
  describe('NoValidHost says why (issue 10 #19)', () => {
    const why = (fn: () => unknown) => {
      const e = noValidHost(fn);
      expect(e.code).toBe('scheduler.no_valid_host');
      expect(e.message.startsWith('No valid host was found. There are not enough hosts available. ')).toBe(true);
      expect(e.explanation.reason).toBe(e.details.reason);
      expect(e.message).toBe(`No valid host was found. ${e.details.reason as string}`);
      return e;
    };
    it('no host at all: "there are no compute hosts", with or without Placement', () => {
      for (const placement of [true, false]) {
        const e = why(() => schedule({ hosts: [], request: { flavor: small }, placement }));
        expect(e.message).toContain('There are no compute hosts.');
        expect(e.details).toMatchObject({ no_compute_hosts: true, filter: null });
      }
    });
    it('a flavor larger than every host names the class, the largest free amount and where it is', () => {
      const e = why(() => schedule({ hosts: three(), request: { flavor: { ...small, memory_mb: 40000 } } }));
      // max_unit is the physical total (16384): one allocation takes at most that much, on host1
      // (capacity 16384 × 1.5, 8192 used) as on host2; the first such host is named
      expect(e.message).toContain('No host can take MEMORY_MB 40000: the largest free amount of MEMORY_MB on one host is 16384 (host1).');
      expect(e.details).toMatchObject({ stage: 'placement', filter: 'placement (allocation candidates)', resource_class: 'MEMORY_MB', requested: 40000, largest_free: 16384, largest_free_host: 'host1' });
      const ratio1 = three().map((h) => ({ ...h, ram_allocation_ratio: 1 }));
      expect(why(() => schedule({ hosts: ratio1, request: { flavor: { ...small, memory_mb: 40000 } } })).details).toMatchObject({ largest_free: 12288, largest_free_host: 'host2' });
      expect(e.explanation.prefilters.find((t) => t.name === 'placement (allocation candidates)')).toMatchObject({ start: 3, end: 0 });
    });
    it('a class no host with room for the others has: it is named, among those hosts', () => {
      const hosts = [host('cpu', { vcpus_total: 1, cpu_allocation_ratio: 1 }), host('ram', { free_ram_mb: 1024, ram_allocation_ratio: 1 })];
      const e = why(() => schedule({ hosts, request: { flavor: { ...small, vcpus: 2, memory_mb: 4096 } } }));
      expect(e.details).toMatchObject({ resource_class: 'MEMORY_MB', requested: 4096, largest_free: 1024, largest_free_host: 'ram' });
      expect(e.message).toContain('No host with room for VCPU can take MEMORY_MB 4096');
    });
    it('different causes give different reasons', () => {
      const reasons = new Set([
        why(() => schedule({ hosts: [], request: { flavor: small } })).message,
        why(() => schedule({ hosts: three(), request: { flavor: { ...small, vcpus: 500 } } })).message,
        why(() => schedule({ hosts: [host('down', { service: { up: false } })], request: { flavor: small } })).message,
        why(() => schedule({ hosts: [host('off', { service: { disabled: true } })], request: { flavor: small } })).message,
      ]);
      expect(reasons.size).toBe(4);
    });
    it('a filter that removes every host is named, with one host it removed and why', () => {
      const e = why(() => schedule({ hosts: [host('down', { service: { up: false } })], request: { flavor: small } }));
      expect(e.message).toContain('ComputeFilter removed the last host (down: compute service has not been heard from in a while (down)).');
      expect(e.details).toMatchObject({ stage: 'filter', filter: 'ComputeFilter' });
      const off = why(() => schedule({ hosts: [host('off', { service: { disabled: true } }), host('off2', { service: { disabled: true } })], request: { flavor: small } }));
      expect(off.details).toMatchObject({ stage: 'placement', filter: 'compute_status_filter' });
      expect(off.message).toContain('compute_status_filter removed the last 2 hosts (off: compute service is disabled (COMPUTE_STATUS_DISABLED)).');
    });
    it('claims that fail for a later instance name the class and what is left', () => {
      const e = why(() => schedule({ hosts: [host('one', { vcpus_total: 2, cpu_allocation_ratio: 1 })], request: { flavor: small, num_instances: 3 } }));
      expect(e.details).toMatchObject({ stage: 'claim', instance_index: 2, resource_class: 'VCPU', requested: 1, largest_free: 0 });
      expect(e.message).toContain('Placement could not claim instance 3 of 3 on any host left. No host can take VCPU 1');
    });
  });

  it('raises ComputeHostMetricNotFound for a required metric a host lacks, unless MetricsFilter removes it first', () => {
    const hosts = [host('with', { metrics: [{ name: 'cpu.frequency', value: 2 }] }), host('without')];
    const metrics = { weight_setting: ['cpu.frequency=1'] };
    expect(caught(() => schedule({ hosts, request: { flavor: small }, config: { metrics } })).code).toBe('scheduler.metric_not_found');
    const config = { metrics, filter_scheduler: { enabled_filters: ['MetricsFilter'] } };
    expect(hostsOf(schedule({ hosts, request: { flavor: small }, config }))).toEqual(['with']);
  });

  it('uses the given instance uuids, or generates uuid-shaped ones from the seed', () => {
    const given = schedule({ hosts: three(), request: { flavor: small, num_instances: 2, instance_uuids: ['i1', 'i2'] } });
    expect(given.selections.map((s) => s.instance_uuid)).toEqual(['i1', 'i2']);
    const made = schedule({ hosts: three(), request: { flavor: small, num_instances: 2 }, seed: 7 });
    expect(made.selections[0]?.instance_uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(made).toEqual(schedule({ hosts: three(), request: { flavor: small, num_instances: 2 }, seed: 7 }));
  });

  it('returns a deeply frozen result', () => {
    const r = schedule({ hosts: three(), request: { flavor: small } });
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.selections[0]?.alternates)).toBe(true);
    expect(Object.isFrozen(r.explanation.instances[0]?.weighers[0]?.hosts[0])).toBe(true);
  });

  it('does not touch its input', () => {
    const hosts = three();
    const before = JSON.stringify(hosts);
    schedule({ hosts, request: { flavor: small, num_instances: 3, instance_group: { policy: 'affinity' } } });
    expect(JSON.stringify(hosts)).toBe(before);
  });

  it('explains itself in readable lines', () => {
    const lines = formatExplanation(schedule({ hosts: [...three(), host('down', { service: { up: false } })], request: { flavor: small } }).explanation);
    expect(lines[0]).toBe('scheduled 1 instance(s)');
    expect(lines).toContain('  ComputeFilter: (start: 4, end: 3)');
    expect(lines).toContain('    - down: compute service has not been heard from in a while (down)');
    expect(lines.some((l) => /RAMWeigher:/.test(l))).toBe(true);
    expect(lines.some((l) => /host2: raw 12288 → normalised 1 × 1 = 1/.test(l))).toBe(true);
    expect(lines).toContain('  picked host2 from the best 1: host2');
    expect(lines.at(-1)).toMatch(/^selection .*: host2; alternates: host1, host3$/);
  });

  it('refuses bad input before doing anything', () => {
    expect(caught(() => schedule(undefined as never))).toBeInstanceOf(InvalidInput);
    expect(caught(() => schedule({ hosts: [], request: { flavor: small }, extra: 1 } as never)).details.field).toBe('input.extra');
    expect(caught(() => schedule({ hosts: [], request: { flavor: small }, placement: 'yes' as never })).details.field).toBe('placement');
    expect(caught(() => schedule({ hosts: [], request: { flavor: small }, seed: {} as never })).details.field).toBe('seed');
  });
});
