/** The configuration: Zed's defaults, option by option, and what is refused. */
import { describe, it, expect } from 'vitest';
import { BadRequest, InvalidInput } from '../../../src/core/index.js';
import { SCHEDULER_DEFAULTS, INITIAL_ALLOCATION_RATIOS, checkSchedulerConfig } from '../../../src/scheduler/filter_scheduler/index.js';
import { caught, fakeHost } from './helpers.js';

describe('SCHEDULER_DEFAULTS', () => {
  it("holds Zed's defaults (nova/conf/scheduler.py, nova/conf/availability_zone.py)", () => {
    expect(SCHEDULER_DEFAULTS).toEqual({
      DEFAULT: { default_availability_zone: 'nova' },
      scheduler: {
        max_attempts: 3,
        max_placement_results: 1000,
        limit_tenants_to_placement_aggregate: false,
        placement_aggregate_required_for_tenants: false,
        query_placement_for_availability_zone: true,
        enable_isolated_aggregate_filtering: false,
        query_placement_for_image_type_support: false,
        image_metadata_prefilter: false,
      },
      filter_scheduler: {
        host_subset_size: 1,
        max_io_ops_per_host: 8,
        max_instances_per_host: 50,
        enabled_filters: ['ComputeFilter', 'ComputeCapabilitiesFilter', 'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter'],
        weight_classes: ['nova.scheduler.weights.all_weighers'],
        ram_weight_multiplier: 1.0,
        cpu_weight_multiplier: 1.0,
        disk_weight_multiplier: 1.0,
        io_ops_weight_multiplier: -1.0,
        pci_weight_multiplier: 1.0,
        soft_affinity_weight_multiplier: 1.0,
        soft_anti_affinity_weight_multiplier: 1.0,
        build_failure_weight_multiplier: 1000000.0,
        cross_cell_move_weight_multiplier: 1000000.0,
        shuffle_best_same_weighed_hosts: false,
        image_properties_default_architecture: null,
        isolated_images: [],
        isolated_hosts: [],
        restrict_isolated_hosts_to_isolated_images: true,
        aggregate_image_properties_isolation_namespace: null,
        aggregate_image_properties_isolation_separator: '.',
      },
      metrics: { weight_multiplier: 1.0, weight_setting: [], required: true, weight_of_unavailable: -10000.0 },
    });
    expect(Object.isFrozen(SCHEDULER_DEFAULTS.filter_scheduler.enabled_filters)).toBe(true);
  });
  it("gives hosts Zed's initial allocation ratios (cpu 16.0, ram 1.5, disk 1.0)", () => {
    expect(INITIAL_ALLOCATION_RATIOS).toEqual({ cpu: 16.0, ram: 1.5, disk: 1.0 });
    const h = fakeHost();
    expect([h.cpu_allocation_ratio, h.ram_allocation_ratio, h.disk_allocation_ratio]).toEqual([16, 1.5, 1]);
  });
});

describe('checkSchedulerConfig', () => {
  it('merges a partial configuration over the defaults', () => {
    const c = checkSchedulerConfig({ filter_scheduler: { host_subset_size: 3 }, metrics: { weight_setting: 'a=1, b=2' } });
    expect(c.filter_scheduler.host_subset_size).toBe(3);
    expect(c.filter_scheduler.max_io_ops_per_host).toBe(8);
    expect(c.metrics.weight_setting).toEqual(['a=1', 'b=2']);
    expect(checkSchedulerConfig(undefined)).toBe(SCHEDULER_DEFAULTS);
  });
  it('accepts full weigher class paths and all_weighers', () => {
    expect(checkSchedulerConfig({ filter_scheduler: { weight_classes: ['nova.scheduler.weights.ram.RAMWeigher', 'CPUWeigher'] } }).filter_scheduler.weight_classes).toHaveLength(2);
  });
  it.each([
    [{ filter_scheduler: { host_subset_size: 0 } }, 'config.filter_scheduler.host_subset_size'],
    [{ filter_scheduler: { max_instances_per_host: 0 } }, 'config.filter_scheduler.max_instances_per_host'],
    [{ filter_scheduler: { max_io_ops_per_host: -1 } }, 'config.filter_scheduler.max_io_ops_per_host'],
    [{ filter_scheduler: { soft_affinity_weight_multiplier: -1 } }, 'config.filter_scheduler.soft_affinity_weight_multiplier'],
    [{ filter_scheduler: { ram_weight_multiplier: 'big' } }, 'config.filter_scheduler.ram_weight_multiplier'],
    [{ filter_scheduler: { ram_weight_multiplier: Infinity } }, 'config.filter_scheduler.ram_weight_multiplier'],
    [{ filter_scheduler: { shuffle_best_same_weighed_hosts: 'yes' } }, 'config.filter_scheduler.shuffle_best_same_weighed_hosts'],
    [{ filter_scheduler: { image_properties_default_architecture: 'x86' } }, 'config.filter_scheduler.image_properties_default_architecture'],
    [{ filter_scheduler: { enabled_filters: ['ComputeFilter', 'RamFilter'] } }, 'config.filter_scheduler.enabled_filters[1]'],
    [{ filter_scheduler: { enabled_filters: [42] } }, 'config.filter_scheduler.enabled_filters[0]'],
    [{ filter_scheduler: { weight_classes: ['FooWeigher'] } }, 'config.filter_scheduler.weight_classes[0]'],
    [{ filter_scheduler: { no_such_option: 1 } }, 'config.filter_scheduler.no_such_option'],
    [{ scheduler: { max_attempts: 0 } }, 'config.scheduler.max_attempts'],
    [{ filter: {} }, 'config.filter'],
    [{ metrics: [] }, 'config.metrics'],
    [[], 'config'],
  ])('refuses %j naming %s', (input, field) => {
    const e = caught(() => checkSchedulerConfig(input));
    expect(e).toBeInstanceOf(InvalidInput);
    expect(e.details.field).toBe(field);
    expect(e.message).toContain(field);
  });
  it('refuses NUMATopologyFilter, PciPassthroughFilter and PCIWeigher as not simulated', () => {
    for (const [input, code] of [
      [{ filter_scheduler: { enabled_filters: ['NUMATopologyFilter'] } }, 'scheduler.filter.not_simulated'],
      [{ filter_scheduler: { enabled_filters: ['ComputeFilter', 'PciPassthroughFilter'] } }, 'scheduler.filter.not_simulated'],
      [{ filter_scheduler: { weight_classes: ['PCIWeigher'] } }, 'scheduler.weigher.not_simulated'],
      [{ filter_scheduler: { weight_classes: ['nova.scheduler.weights.pci.PCIWeigher'] } }, 'scheduler.weigher.not_simulated'],
    ] as const) {
      const e = caught(() => checkSchedulerConfig(input));
      expect(e).toBeInstanceOf(BadRequest);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(/not simulated/);
    }
  });
  it('names an unknown filter with its own code', () => {
    expect(caught(() => checkSchedulerConfig({ filter_scheduler: { enabled_filters: ['CoreFilter'] } })).code).toBe('scheduler.filter.not_found');
  });

  it('answers a frozen configuration that, given back, is taken as it is; keeps nothing about its input', () => {
    const given = { filter_scheduler: { host_subset_size: 2, enabled_filters: ['ComputeFilter'] }, scheduler: { max_attempts: 2 } };
    const fresh = checkSchedulerConfig(given);
    expect(checkSchedulerConfig(given)).not.toBe(fresh);
    expect(Object.isFrozen(fresh.filter_scheduler.enabled_filters)).toBe(true);
    expect(Object.isFrozen(given.filter_scheduler.enabled_filters)).toBe(false); // the caller's objects are left alone
    expect(checkSchedulerConfig(fresh)).toBe(fresh);
    // no process-wide memory: a frozen input is checked each time (a cloud keeps its own in its kernel's memo)
    const frozen = Object.freeze({ filter_scheduler: Object.freeze({ host_subset_size: 2, enabled_filters: Object.freeze(['ComputeFilter']) }), scheduler: Object.freeze({ max_attempts: 2 }) });
    const once = checkSchedulerConfig(frozen);
    expect(once).toEqual(fresh);
    expect(checkSchedulerConfig(frozen)).not.toBe(once);
    // a bad frozen configuration is refused every time, never kept
    const bad = Object.freeze({ scheduler: Object.freeze({ max_attempts: 0 }) });
    expect(() => checkSchedulerConfig(bad)).toThrow();
    expect(() => checkSchedulerConfig(bad)).toThrow();
  });
});
