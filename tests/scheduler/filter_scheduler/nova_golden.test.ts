/**
 * Golden cases produced by running nova's own scheduler code (nova 26.2.2, Zed, as Debian
 * bookworm packages it) on random inputs: `SchedulerManager._legacy_find_hosts` (filters, weighers,
 * consumption between instances, alternates), `HostWeightHandler.get_weighed_objects`,
 * `JsonFilter.host_passes`, `ImagePropertiesFilter.host_passes` (with `ImageMeta.from_dict`'s
 * refusals) and `extra_specs_ops.match`. stacksim must give the same answers;
 * where nova raised (a type clash in a query, a bad operand), the host fails instead.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  BuildFailureWeigher,
  CPUWeigher,
  DiskWeigher,
  IoOpsWeigher,
  ImagePropertiesFilter,
  JsonFilter,
  NoValidHost,
  RAMWeigher,
  ServerGroupSoftAffinityWeigher,
  ServerGroupSoftAntiAffinityWeigher,
  checkHosts,
  checkRequestSpec,
  matchExtraSpec,
  schedule,
  weighHosts,
} from '../../../src/scheduler/filter_scheduler/index.js';
import { caught, cfg, fakeHost, fakeSpec } from './helpers.js';

interface Golden {
  schedule: { hosts: Record<string, unknown>[]; request: Record<string, unknown>; config: Record<string, unknown>; result: string[][] | 'NoValidHost' }[];
  json_filter: { q: unknown; r: boolean | 'error' }[];
  extra_specs_ops: { v: string; req: string; r: boolean | 'error' }[];
  image_properties: { props: Record<string, string>; supp: string[][]; hv: number | null; default: string | null; r: boolean | 'invalid' }[];
  weighing: { hosts: Record<string, unknown>[]; config: Record<string, unknown>; policy: string | null; members: string[]; result: [string, number][] }[];
}

const golden = JSON.parse(readFileSync(new URL('./nova_golden.json', import.meta.url), 'utf8')) as Golden;

describe('nova golden cases', () => {
  it.each(golden.schedule.map((c, i) => [i, c] as const))('schedule #%i matches _legacy_find_hosts (host, then alternates)', (_i, c) => {
    let got: unknown;
    try {
      const r = schedule({ hosts: c.hosts, request: c.request, config: c.config, placement: false });
      got = r.selections.map((s) => [s.host, ...s.alternates.map((a) => a.host)]);
    } catch (e) {
      if (!(e instanceof NoValidHost)) throw e;
      got = 'NoValidHost';
    }
    expect(got).toEqual(c.result);
  });

  it('weighing matches get_weighed_objects, order and float totals', () => {
    const weighers = [RAMWeigher, CPUWeigher, DiskWeigher, IoOpsWeigher, ServerGroupSoftAffinityWeigher, ServerGroupSoftAntiAffinityWeigher, BuildFailureWeigher];
    for (const c of golden.weighing) {
      const hosts = checkHosts(c.hosts);
      const spec = fakeSpec({ instance_group: c.policy === null ? null : { policy: c.policy, members: c.members } });
      const got = weighHosts(weighers, hosts, spec, cfg({ filter_scheduler: c.config })).weighed.map((w) => [w.host.host, w.weight]);
      expect(got).toEqual(c.result);
    }
  });

  it('JsonFilter matches host_passes', () => {
    const host = fakeHost({ host: 'h1', nodename: 'n1', free_ram_mb: 1024, free_disk_mb: 300, num_instances: 3, stats: { a: 'x', n: 5 } });
    for (const c of golden.json_filter) {
      const verdict = JsonFilter.hostPasses(host, fakeSpec({ scheduler_hints: { query: JSON.stringify(c.q) } }), cfg());
      expect([c.q, verdict === true]).toEqual([c.q, c.r === 'error' ? false : c.r]);
    }
  });

  it('ImagePropertiesFilter matches host_passes, and refuses what ImageMeta refuses', () => {
    for (const c of golden.image_properties) {
      const request = { flavor: { name: 'f', vcpus: 1, memory_mb: 1, root_gb: 0 }, image: { properties: c.props } };
      if (c.r === 'invalid') {
        expect(caught(() => checkRequestSpec(request)).details.field).toMatch(/^request\.image\.properties\./);
        continue;
      }
      const host = fakeHost({ supported_instances: c.supp, hypervisor_version: c.hv });
      const config = cfg({ filter_scheduler: { image_properties_default_architecture: c.default } });
      expect([c, ImagePropertiesFilter.hostPasses(host, checkRequestSpec(request), config) === true]).toEqual([c, c.r]);
    }
  });

  it('matchExtraSpec matches extra_specs_ops.match', () => {
    for (const c of golden.extra_specs_ops) {
      expect([c.v, c.req, matchExtraSpec(c.v, c.req)]).toEqual([c.v, c.req, c.r === 'error' ? false : c.r]);
    }
  });
});
