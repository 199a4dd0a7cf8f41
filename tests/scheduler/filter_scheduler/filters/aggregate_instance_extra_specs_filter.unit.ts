/** AggregateInstanceExtraSpecsFilter, after nova's test_aggregate_instance_extra_specs_filters.py. */
import { describe, it, expect } from 'vitest';
import { AggregateInstanceExtraSpecsFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, fakeHost, fakeSpec, flavor, passes } from '../helpers.js';

function check(metadata: Record<string, string>[], especs: Record<string, string>): boolean {
  return passes(AggregateInstanceExtraSpecsFilter, fakeHost({ aggregates: metadata.map((m) => agg(m)) }), fakeSpec({ flavor: flavor(especs) }));
}

describe('AggregateInstanceExtraSpecsFilter', () => {
  it('passes a flavor without extra specs, even on a host in no aggregate', () => {
    expect(check([], {})).toBe(true);
  });
  it('matches unscoped and aggregate_instance_extra_specs: keys', () => {
    expect(check([{ opt1: '1', opt2: '2' }], { opt1: '1', 'aggregate_instance_extra_specs:opt2': '2' })).toBe(true);
  });
  it('reads comma lists and any of several aggregates', () => {
    expect(check([{ opt1: '1,3', opt2: '2' }], { opt1: '1', 'aggregate_instance_extra_specs:opt1': '3' })).toBe(true);
    expect(check([{ ssd: 'false' }, { ssd: 'true' }], { 'aggregate_instance_extra_specs:ssd': 'true' })).toBe(true);
  });
  it('copes with a key equal to the scope', () => {
    expect(check([{ aggregate_instance_extra_specs: '1' }], { aggregate_instance_extra_specs: '1' })).toBe(true);
  });
  it('fails a value that does not match', () => {
    expect(check([{ opt1: '1', opt2: '2' }], { opt1: '1', opt2: '222' })).toBe(false);
  });
  it('fails when no aggregate carries the key, including for unscoped keys', () => {
    expect(check([], { 'aggregate_instance_extra_specs:ssd': 'true' })).toBe(false);
    expect(check([{ other: 'x' }], { ssd: 'true' })).toBe(false);
  });
  it('ignores other scopes', () => {
    expect(check([], { 'hw:cpu_policy': 'dedicated', 'capabilities:x': '1', 'trait:CUSTOM_X': 'required' })).toBe(true);
  });
  it('uses the extra-specs operators', () => {
    expect(check([{ cpus: '16' }], { 'aggregate_instance_extra_specs:cpus': '>= 8' })).toBe(true);
    expect(check([{ cpus: '4' }], { 'aggregate_instance_extra_specs:cpus': '>= 8' })).toBe(false);
    expect(check([{ gpu: 'nvidia' }], { 'aggregate_instance_extra_specs:gpu': '<or> amd <or> nvidia' })).toBe(true);
  });
});
