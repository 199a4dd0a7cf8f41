/** ImagePropertiesFilter, after nova's test_image_props_filters.py. */
import { describe, it, expect } from 'vitest';
import { ImagePropertiesFilter } from '../../../../src/scheduler/filter_scheduler/index.js';
import { cfg, fakeHost, fakeSpec, passes } from '../helpers.js';

const V6 = 6000000;
function check(props: Record<string, unknown> | null, host: Record<string, unknown>, config = cfg()): boolean {
  const spec = fakeSpec({ image: props === null ? null : { id: 'img', properties: props } });
  return passes(ImagePropertiesFilter, fakeHost(host), spec, config);
}
const kvm = { supported_instances: [['x86_64', 'kvm', 'hvm']], hypervisor_version: V6 };

describe('ImagePropertiesFilter', () => {
  it('passes the same architecture, hypervisor type, vm mode and version', () => {
    expect(check({ hw_architecture: 'x86_64', img_hv_type: 'kvm', hw_vm_mode: 'hvm', img_hv_requested_version: '>=6.0,<6.2' }, kvm)).toBe(true);
  });
  it('uses image_properties_default_architecture when the image names none', () => {
    const config = cfg({ filter_scheduler: { image_properties_default_architecture: 'x86_64' } });
    expect(check({}, { ...kvm, supported_instances: [['aarch64', 'kvm', 'hvm']] }, config)).toBe(false);
    expect(check({}, kvm, config)).toBe(true);
  });
  it('fails different properties', () => {
    expect(check({ hw_architecture: 'armv7l', img_hv_type: 'qemu', hw_vm_mode: 'hvm' }, kvm)).toBe(false);
  });
  it('fails a hypervisor version outside the requested range', () => {
    expect(check({ hw_architecture: 'x86_64', img_hv_type: 'kvm', hw_vm_mode: 'hvm', img_hv_requested_version: '>=6.2' }, kvm)).toBe(false);
    expect(check({ hw_architecture: 'x86_64', img_hv_requested_version: '>=6.0' }, { ...kvm, hypervisor_version: 5000 })).toBe(false);
  });
  it('passes partial properties that match, fails those that do not', () => {
    expect(check({ hw_architecture: 'x86_64', hw_vm_mode: 'hvm' }, kvm)).toBe(true);
    expect(check({ hw_architecture: 'x86_64', hw_vm_mode: 'hvm' }, { ...kvm, supported_instances: [['x86_64', 'xen', 'xen']] })).toBe(false);
  });
  it('passes without an image or without properties', () => {
    expect(check(null, kvm)).toBe(true);
    expect(check({}, kvm)).toBe(true);
  });
  it('fails when the host advertises no supported_instances', () => {
    expect(check({ hw_architecture: 'x86_64' }, { supported_instances: [] })).toBe(false);
  });
  it('passes when the host reports no hypervisor version', () => {
    expect(check({ hw_architecture: 'x86_64', img_hv_requested_version: '>=6.0' }, { ...kvm, hypervisor_version: null })).toBe(true);
  });
  it('canonicalises old names: pv → xen, hv and baremetal → hvm, x86_32 → i686, xapi → xen', () => {
    expect(check({ hw_vm_mode: 'pv' }, { supported_instances: [['x86_64', 'xen', 'xen']] })).toBe(true);
    expect(check({ hw_vm_mode: 'hv' }, kvm)).toBe(true);
    expect(check({ hw_architecture: 'x86_32' }, { supported_instances: [['i686', 'kvm', 'hvm']] })).toBe(true);
    expect(check({ img_hv_type: 'xapi' }, { supported_instances: [['i686', 'xen', 'hvm']] })).toBe(true);
    expect(check({ hw_vm_mode: 'baremetal' }, { supported_instances: [['i686', 'baremetal', 'hvm']] })).toBe(true);
  });
  it('reads the legacy names architecture, hypervisor_type and vm_mode; the current name wins', () => {
    expect(check({ architecture: 'aarch64' }, kvm)).toBe(false);
    expect(check({ architecture: 'aarch64', hw_architecture: 'x86_64' }, kvm)).toBe(true);
    expect(check({ hypervisor_type: 'xen' }, kvm)).toBe(false);
    expect(check({ vm_mode: 'hvm', hypervisor_version_requires: '>=7.0' }, kvm)).toBe(false);
  });
});
