/** ComputeCapabilitiesFilter, after nova's test_compute_capabilities_filters.py. */
import { describe, it, expect } from 'vitest';
import { ComputeCapabilitiesFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { fakeHost, fakeSpec, flavor, passes } from '../helpers.js';

const CPU = { vendor: 'Intel', model: 'core2duo', arch: 'i686', features: ['lahf_lm', 'rdtscp'], topology: { cores: 1, threads: 1, sockets: 1 } };

function check(host: Record<string, unknown>, especs: Record<string, string>): boolean {
  return passes(ComputeCapabilitiesFilter, fakeHost({ free_ram_mb: 1024, ...host }), fakeSpec({ flavor: flavor(especs) }));
}

describe('ComputeCapabilitiesFilter', () => {
  it('passes without extra specs', () => {
    expect(check({}, {})).toBe(true);
  });
  it('reads nested cpu_info with the capabilities: scope', () => {
    expect(check({ cpu_info: CPU }, { 'capabilities:cpu_info:vendor': 'Intel' })).toBe(true);
    expect(check({ cpu_info: CPU }, { 'capabilities:cpu_info:vendor': 'AMD' })).toBe(false);
    expect(check({ cpu_info: JSON.stringify(CPU) }, { 'capabilities:cpu_info:vendor': 'Intel' })).toBe(true);
  });
  it('fails when the capability is missing', () => {
    expect(check({ cpu_info: { features: [] } }, { 'capabilities:cpu_info:vendor': 'Intel' })).toBe(false);
    expect(check({}, { 'capabilities:no_such': '1' })).toBe(false);
  });
  it('matches lists with <all-in> on their Python string form', () => {
    expect(check({ cpu_info: CPU }, { 'capabilities:cpu_info:features': '<all-in> lahf_lm rdtscp' })).toBe(true);
    expect(check({ cpu_info: CPU }, { 'capabilities:cpu_info:features': '<all-in> lahf_lm aes' })).toBe(false);
  });
  it('looks in stats for simple keys, scoped or not', () => {
    expect(check({ stats: { opt1: 1, opt2: 2 } }, { opt1: '1', opt2: '2' })).toBe(true);
    expect(check({ stats: { opt1: 1, opt2: 2 } }, { opt1: '1', opt2: '222' })).toBe(false);
    expect(check({ stats: { opt1: 1, opt2: 2 } }, { 'capabilities:opt1': '1' })).toBe(true);
  });
  it('ignores self-defined keys and other scopes', () => {
    expect(check({}, { XXYY: '1' })).toBe(true);
    expect(check({}, { 'wrong_scope:opt1': '1', 'hw:cpu_policy': 'dedicated', 'aggregate_instance_extra_specs:x': 'y' })).toBe(true);
  });
  it('compares host attributes with operators (backward compatibility)', () => {
    expect(check({}, { free_ram_mb: '>= 300' })).toBe(true);
    expect(check({}, { free_ram_mb: '<= 300' })).toBe(false);
    expect(check({ vcpus_used: 2 }, { vcpus_used: '<= 20' })).toBe(true);
    expect(check({ vcpus_used: 2 }, { vcpus_used: '>= 20' })).toBe(false);
    expect(check({ free_disk_mb: 0 }, { free_disk_mb: '0' })).toBe(true);
    expect(check({ free_disk_mb: 0 }, { free_disk_mb: '1' })).toBe(false);
  });
  it('prints float options as Python does (16.0)', () => {
    expect(check({ cpu_allocation_ratio: 16 }, { 'capabilities:cpu_allocation_ratio': 's== 16.0' })).toBe(true);
    expect(check({ hypervisor_type: 'QEMU' }, { hypervisor_type: 's== QEMU' })).toBe(true);
  });
});
