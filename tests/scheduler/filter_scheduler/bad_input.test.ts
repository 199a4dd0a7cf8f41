/**
 * Bad input of any shape: every field of the hosts, the request and the config, given a value of
 * the wrong kind, is refused with an InvalidInput (400) naming that field; random garbage
 * anywhere gives a CloudError, never a TypeError.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CloudError, InvalidInput } from '../../../src/core/index.js';
import { checkHostState, checkHosts, checkRequestSpec, schedule } from '../../../src/scheduler/filter_scheduler/index.js';
import { caught } from './helpers.js';
import { HOSTILE, variants } from '../hostile.js';

const valid = () => ({
  hosts: [
    {
      host: 'h1',
      nodename: 'n1',
      uuid: 'u1',
      cell_uuid: 'c1',
      availability_zone: 'az1',
      aggregates: [{ id: 1, uuid: 'a1', name: 'agg', hosts: ['h1'], metadata: { availability_zone: 'az1' } }],
      hypervisor_type: 'QEMU',
      hypervisor_version: 7002000,
      cpu_info: { arch: 'x86_64', model: 'Haswell', vendor: 'Intel', topology: { sockets: 1, cores: 4, threads: 2 }, features: ['aes'] },
      supported_instances: [['x86_64', 'kvm', 'hvm']],
      vcpus_total: 8,
      vcpus_used: 0,
      total_usable_ram_mb: 16384,
      free_ram_mb: 16384,
      total_usable_disk_gb: 200,
      free_disk_mb: 204800,
      reserved_host_cpus: 0,
      reserved_host_memory_mb: 0,
      reserved_host_disk_mb: 0,
      ram_allocation_ratio: 1.5,
      cpu_allocation_ratio: 16,
      disk_allocation_ratio: 1,
      num_instances: 1,
      num_io_ops: 0,
      failed_builds: 0,
      instances: { i1: { uuid: 'i1', project_id: 'p1' } },
      service: { disabled: false, disabled_reason: null, up: true, forced_down: false },
      metrics: [{ name: 'cpu.frequency', value: 2000, source: 'libvirt' }],
      stats: { opt: 1 },
      traits: ['HW_CPU_X86_AVX2', 'COMPUTE_IMAGE_TYPE_QCOW2'],
    },
  ],
  request: {
    flavor: { name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 20, ephemeral_gb: 0, swap: 0, extra_specs: { 'hw:cpu_policy': 'shared' } },
    image: { id: 'img', disk_format: 'qcow2', properties: { hw_architecture: 'x86_64' } },
    availability_zone: 'az1',
    project_id: 'p1',
    user_id: 'u1',
    scheduler_hints: { same_host: ['i1'], query: '[">=", "$free_ram_mb", 1]' },
    instance_group: { uuid: 'g', policy: 'anti-affinity', hosts: [], members: [], rules: { max_server_per_host: 2 } },
    num_instances: 1,
    instance_uuids: ['new'],
    instance_uuid: null,
    ignore_hosts: [],
    force_hosts: [],
    force_nodes: [],
    requested_destination: { host: 'h1', node: null, cell_uuid: null, allow_cross_cell_move: false },
    is_bfv: false,
  },
  config: { filter_scheduler: { host_subset_size: 1, enabled_filters: ['ComputeFilter', 'JsonFilter', 'SameHostFilter'] }, scheduler: { max_attempts: 3 } },
  seed: 1,
});

/** Every leaf path of the valid input with a value of the wrong kind for it. */
function wrongKinds(): [path: (string | number)[], bad: unknown][] {
  const out: [(string | number)[], unknown][] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (path.length > 0) {
      const bad = path.includes('stats')
        ? []
        : typeof value === 'string' ? 42 : typeof value === 'number' ? 'lots' : typeof value === 'boolean' ? 'yes' : Array.isArray(value) ? { not: 'a list' } : value === null ? [] : 'not an object';
      out.push([path, bad]);
    }
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
    }
  };
  walk(valid(), []);
  // Values whose key is free-form (metadata, extra specs, stats, hints) are refused at the key.
  return out.filter(([p]) => !(p[0] === 'seed'));
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let obj = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) obj = obj[key] as Record<string | number, unknown>;
  obj[path[path.length - 1]!] = value;
}

/** How a path is named in `details.field`: `hosts[0].service.up`, `config.filter_scheduler.host_subset_size`. */
const fieldOf = (path: (string | number)[]): string =>
  path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

describe('bad input', () => {
  it('accepts the valid input', () => {
    expect(schedule(valid()).selections[0]?.host).toBe('h1');
  });

  it.each(wrongKinds().map(([p, bad]) => [fieldOf(p), p, bad] as const))('refuses a wrong kind at %s', (field, path, bad) => {
    const input = valid();
    setAt(input, path, bad);
    const e = caught(() => schedule(input));
    expect(e).toBeInstanceOf(InvalidInput);
    expect(e.status).toBe(400);
    expect(e.details.field).toBe(field);
    expect(e.message).toContain(field);
  });

  it.each([
    [['request', 'flavor', 'vcpus'], 0],
    [['request', 'flavor', 'memory_mb'], -1],
    [['request', 'flavor', 'root_gb'], 1.5],
    [['request', 'num_instances'], 0],
    [['request', 'image', 'properties', 'hw_architecture'], 'x86'],
    [['request', 'image', 'properties', 'img_hv_type'], 'docker-ish'],
    [['request', 'image', 'properties', 'hw_vm_mode'], 'paravirt'],
    [['request', 'image', 'properties', 'img_hv_requested_version'], 'newer than 6'],
    [['request', 'instance_group', 'policy'], 'together'],
    [['request', 'instance_group', 'rules', 'max_server_per_host'], 0],
    [['request', 'scheduler_hints', 'query'], '["!=", 1, 2]'],
    [['request', 'scheduler_hints', 'query'], '{"and": 1}'],
    [['request', 'instance_uuids'], ['a', 'a']],
    [['hosts', 0, 'vcpus_total'], -1],
    [['hosts', 0, 'cpu_allocation_ratio'], -1],
    [['hosts', 0, 'host'], ''],
    [['hosts', 0, 'supported_instances', 0], ['x86_64', 'kvm']],
    [['hosts', 0, 'cpu_info'], '{not json'],
    [['hosts', 0, 'instances', 'i1', 'uuid'], 'i2'],
    [['hosts', 0, 'service', 'colour'], 'blue'],
    [['config', 'filter_scheduler', 'host_subset_size'], 0],
    [['config', 'filter_scheduler', 'enabled_filters', 1], 'NoSuchFilter'],
    [['config', 'scheduler', 'max_attempts'], 0],
  ] as const)('refuses %j = %j', (path, bad) => {
    const input = valid();
    setAt(input, [...path], bad);
    const e = caught(() => schedule(input));
    expect(e).toBeInstanceOf(InvalidInput);
    expect(e.details.field).toBe(fieldOf([...path]));
  });

  it('refuses instance_uuids that do not give one uuid per instance', () => {
    const input = valid();
    input.request.num_instances = 2;
    expect(caught(() => schedule(input)).details.field).toBe('request.instance_uuids');
  });

  it('refuses max_server_per_host on a policy other than anti-affinity', () => {
    const input = valid();
    input.request.instance_group.policy = 'affinity';
    expect(caught(() => schedule(input)).details.field).toBe('request.instance_group.rules.max_server_per_host');
  });

  it('refuses duplicate hosts and uuids', () => {
    const input = valid();
    input.hosts.push({ ...input.hosts[0]!, uuid: 'u2' });
    expect(caught(() => schedule(input)).details.field).toBe('hosts[1].nodename');
    input.hosts[1] = { ...input.hosts[0]!, nodename: 'n2' };
    expect(caught(() => schedule(input)).details.field).toBe('hosts[1].uuid');
  });

  it('refuses a query that is not JSON at all (a BigInt, a cycle)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const query of [10n, cyclic, undefined]) {
      const input = valid() as unknown as { request: { scheduler_hints: Record<string, unknown> } };
      input.request.scheduler_hints.query = query;
      expect(caught(() => schedule(input as never)).details.field).toBe('request.scheduler_hints.query');
    }
  });

  it('refuses the holes of sparse arrays', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(caught(() => schedule({ ...valid(), hosts: [, valid().hosts[0]] })).details.field).toBe('hosts[0]');
    const input = valid();
    // eslint-disable-next-line no-sparse-arrays
    input.request.ignore_hosts = [, 'x'] as never;
    expect(caught(() => schedule(input)).details.field).toBe('request.ignore_hosts[0]');
  });

  it('refuses unknown fields everywhere', () => {
    for (const path of [['x'], ['request', 'x'], ['request', 'flavor', 'x'], ['request', 'image', 'x'], ['hosts', 0, 'x'], ['hosts', 0, 'aggregates', 0, 'x'], ['config', 'x'], ['config', 'scheduler', 'x']]) {
      const input = valid() as unknown as Record<string, unknown>;
      setAt(input, path, 1);
      const e = caught(() => schedule(input as never));
      expect(e).toBeInstanceOf(InvalidInput);
      expect(e.details.field).toBe(path[0] === 'x' ? 'input.x' : fieldOf(path));
    }
  });

  it('answers any garbage anywhere with a CloudError, never a crash (seed 8080)', () => {
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]): void => {
      paths.push(path);
      if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
    };
    walk(valid(), []);
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }), (path, garbage) => {
        const input = valid();
        setAt(input, path, garbage);
        try {
          schedule(input);
        } catch (e) {
          expect(e).toBeInstanceOf(CloudError);
          expect((e as CloudError).status).toBe(400);
        }
      }),
      { seed: 8080, numRuns: 600 },
    );
  });

  // issue 10 #8: the values an attacker or a careless notebook passes, at every place of the input
  it('hostile values anywhere (null, NaN, 1e308, 5e-324, cycles, 20 000-deep objects, Object.create(null), __proto__ keys…) are a 400 naming the field, or an answer', () => {
    let refusedCount = 0;
    for (const v of variants([valid()])) {
      let error: unknown;
      try {
        schedule(v.args[0] as never);
      } catch (e) {
        error = e;
      }
      if (error === undefined) continue;
      refusedCount++;
      expect(error, `${v.what}: ${(error as Error)?.stack ?? String(error)}`).toBeInstanceOf(CloudError);
      const e = error as CloudError;
      expect(e.status, `${v.what}: ${e.message}`).toBe(400);
      if (e instanceof InvalidInput) {
        expect(typeof e.details.field, v.what).toBe('string');
        expect(e.message, v.what).toContain(e.details.field as string);
      }
      expect(({} as Record<string, unknown>).polluted, v.what).toBeUndefined();
    }
    expect(refusedCount).toBeGreaterThan(500);
  });

  it('hostile values as the seed, the memo-less and memo calls alike', () => {
    for (const [name, make] of HOSTILE) {
      try {
        schedule({ ...valid(), seed: make() as never });
      } catch (e) {
        expect(e, name).toBeInstanceOf(InvalidInput);
        expect((e as InvalidInput).details.field, name).toBe('seed');
      }
    }
  });

  describe('the same host twice', () => {
    const base = (name: string, extra: Record<string, unknown> = {}) => checkHostState({ host: name, uuid: `uuid-${name}`, vcpus_total: 4, total_usable_ram_mb: 4096, total_usable_disk_gb: 10, ...extra });
    const list = () => ['a', 'b', 'c', 'd'].map((n) => base(n));

    it('refuses a (host, nodename) pair or a uuid given twice, naming the second', () => {
      expect(caught(() => checkHosts([base('a'), base('b'), base('a', { uuid: 'other' })])).details.field).toBe('hosts[2].nodename');
      expect(caught(() => checkHosts([base('a'), base('b', { uuid: 'uuid-a' })])).details.field).toBe('hosts[1].uuid');
      // the same host with two nodes is two compute nodes, not a duplicate
      expect(checkHosts([base('a', { nodename: 'n1', uuid: 'x1' }), base('a', { nodename: 'n2', uuid: 'x2' }), base('n1', { uuid: 'x3' })])).toHaveLength(3);
    });

    it('refuses a replaced entry that clashes with one that stayed, after the list was found unique', () => {
      const hosts = list();
      checkHosts(hosts);
      const clash = [...hosts];
      clash[1] = base('d', { uuid: 'fresh' });
      expect(caught(() => checkHosts(clash)).details.field).toBe('hosts[3].nodename');
      const twoNew = [...hosts];
      twoNew[0] = base('z', { uuid: 'u-z1' });
      twoNew[2] = base('y', { uuid: 'u-z1' });
      expect(caught(() => checkHosts(twoNew)).details.field).toBe('hosts[2].uuid');
      // a replacement that swaps names between two replaced entries is fine
      const swapped = [...hosts];
      swapped[0] = hosts[1] as never;
      swapped[1] = hosts[0] as never;
      expect(checkHosts(swapped).map((h) => h.host)).toEqual(['b', 'a', 'c', 'd']);
    });

    it('checks again an array the caller changed after checkHosts returned it', () => {
      const checked = checkHosts(list());
      checked[0] = checked[3] as never;
      expect(caught(() => checkHosts(checked)).details.field).toBe('hosts[3].nodename');
    });
  });

  it('takes a checked part of a host state only for the field it was checked as', () => {
    const h = checkHostState(valid().hosts[0]);
    // a checked aggregates array is not a metrics array, nor checked instances a service
    expect(caught(() => checkHostState({ host: 'x', metrics: h.aggregates })).details.field).toBe('host.metrics[0].id');
    expect(caught(() => checkHostState({ host: 'x', service: h.instances, instances: h.service })).details.field).toMatch(/^host\.(service|instances)/);
    // and a checked request spec is not a host state
    const spec = checkRequestSpec({ flavor: { name: 'f', vcpus: 1, memory_mb: 1, root_gb: 0 } });
    expect(checkRequestSpec(spec)).toBe(spec);
    expect(caught(() => checkHostState(spec))).toBeInstanceOf(InvalidInput);
  });
});
