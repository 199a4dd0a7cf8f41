/** AggregateImagePropertiesIsolation, after nova's test_aggregate_image_properties_isolation_filters.py. */
import { describe, it, expect } from 'vitest';
import { AggregateImagePropertiesIsolation } from '../../../../src/scheduler/filter_scheduler/index.js';
import { agg, cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

function check(metadata: Record<string, string>, props: Record<string, unknown>, config = cfg()): boolean {
  return passes(AggregateImagePropertiesIsolation, fakeHost({ aggregates: [agg(metadata)] }), fakeSpec({ image: { id: 'i', properties: props } }), config);
}

describe('AggregateImagePropertiesIsolation', () => {
  it('passes a matching property, also in a comma list', () => {
    expect(check({ hw_vm_mode: 'hvm' }, { hw_vm_mode: 'hvm' })).toBe(true);
    expect(check({ hw_vm_mode: 'hvm,xen' }, { hw_vm_mode: 'hvm' })).toBe(true);
  });
  it('does not split the image value on commas', () => {
    expect(check({ os_distro: 'windows,linux' }, { os_distro: 'windows,' })).toBe(false);
  });
  it('compares integers as Python strings', () => {
    expect(check({ hw_vm_mode: 'hvm', hw_cpu_cores: '2' }, { hw_vm_mode: 'hvm', hw_cpu_cores: 2 })).toBe(true);
    expect(check({ hw_vm_mode: 'hvm', hw_cpu_cores: '1' }, { hw_vm_mode: 'hvm', hw_cpu_cores: '2' })).toBe(false);
  });
  it('passes an image without the property, and a host without metadata', () => {
    expect(check({ hw_vm_mode: 'hvm' }, {})).toBe(true);
    expect(passes(AggregateImagePropertiesIsolation, fakeHost(), fakeSpec({ image: { properties: { hw_vm_mode: 'hvm' } } }))).toBe(true);
  });
  it('fails a property that does not match', () => {
    expect(check({ hw_vm_mode: 'hvm' }, { hw_vm_mode: 'xen' })).toBe(false);
    expect(check({ os_type: 'windows' }, { os_type: 'linux' })).toBe(false);
    expect(check({ os_type: 'linux' }, { os_type: 'linux' })).toBe(true);
  });
  it('only checks keys within the configured namespace', () => {
    const config = cfg({ filter_scheduler: { aggregate_image_properties_isolation_namespace: 'hw', aggregate_image_properties_isolation_separator: '_' } });
    expect(check({ hw_vm_mode: 'hvm', img_owner_id: 'foo' }, { hw_vm_mode: 'hvm', img_owner_id: 'wrong' }, config)).toBe(true);
    expect(check({ hw_vm_mode: 'hvm', img_owner_id: 'foo' }, { hw_vm_mode: 'hvm', img_owner_id: 'wrong' })).toBe(false);
  });
  it('ignores metadata keys that are not nova image properties', () => {
    expect(check({ os: 'linux' }, { os_type: 'linux' })).toBe(true);
    expect(check({ my_custom: 'a' }, { my_custom: 'b' })).toBe(true);
  });
});
