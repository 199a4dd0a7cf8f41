/**
 * nova's request filters that add Placement terms (`nova/scheduler/request_filter.py`):
 * `require_image_type_support`, `transform_image_metadata`, `isolate_aggregates`, and the
 * flavor's and image's required / forbidden traits — in the pure `schedule()` and in a cloud.
 */
import { describe, it, expect } from 'vitest';
import { createCloud, NoValidHost } from '../../../src/index.js';
import { checkRequestSpec, checkSchedulerConfig, schedule, type Aggregate } from '../../../src/scheduler/filter_scheduler/index.js';
import { isolatedAggregates, traitTerms } from '../../../src/scheduler/filter_scheduler/request_filters.js';
import { caught } from '../../support/refusal.js';

const FLAVOR = { name: 'f', vcpus: 1, memory_mb: 512, root_gb: 1 };
const spec = (extra: Record<string, unknown> = {}, flavor: Record<string, unknown> = {}) => checkRequestSpec({ flavor: { ...FLAVOR, ...flavor }, ...extra });
const config = (scheduler: Record<string, unknown> = {}) => checkSchedulerConfig({ scheduler });

describe('traitTerms', () => {
  it("takes the flavor's trait:X=required|forbidden and the image's trait:X=required", () => {
    const t = traitTerms(spec({ image: { id: 'i', properties: { 'trait:CUSTOM_GPU': 'required', 'trait:CUSTOM_X': 'preferred' } } }, { extra_specs: { 'trait:HW_CPU_X86_AVX2': 'required', 'trait:CUSTOM_SLOW': 'forbidden', 'trait:CUSTOM_Y': 'maybe' } }), config());
    expect(t.required).toEqual(['CUSTOM_GPU', 'HW_CPU_X86_AVX2']);
    expect(t.forbidden).toEqual(['CUSTOM_SLOW']);
    expect(t.why.CUSTOM_GPU).toBe('image property trait:CUSTOM_GPU=required');
  });

  it('require_image_type_support asks for COMPUTE_IMAGE_TYPE_<disk_format> when enabled, not for boot from volume or an unknown format', () => {
    const image = { id: 'i', disk_format: 'qcow2', properties: {} };
    expect(traitTerms(spec({ image }), config()).required).toEqual([]);
    expect(traitTerms(spec({ image }), config({ query_placement_for_image_type_support: true })).required).toEqual(['COMPUTE_IMAGE_TYPE_QCOW2']);
    expect(traitTerms(spec({ image, is_bfv: true }), config({ query_placement_for_image_type_support: true })).required).toEqual([]);
    expect(traitTerms(spec({ image: { ...image, disk_format: 'weird' } }), config({ query_placement_for_image_type_support: true })).required).toEqual([]);
  });

  it('transform_image_metadata turns hw_* properties into traits, and adds none when one is not a known trait', () => {
    const on = config({ image_metadata_prefilter: true });
    const props = { hw_disk_bus: 'virtio', hw_vif_model: 'e1000e', hw_video_model: 'qxl', hw_architecture: 'x86_64' };
    expect(traitTerms(spec({ image: { id: 'i', properties: props } }), on).required).toEqual([
      'COMPUTE_GRAPHICS_MODEL_QXL',
      'COMPUTE_NET_VIF_MODEL_E1000E',
      'COMPUTE_STORAGE_BUS_VIRTIO',
      'HW_ARCH_X86_64',
    ]);
    expect(traitTerms(spec({ image: { id: 'i', properties: props } }), config()).required).toEqual([]);
    expect(traitTerms(spec({ image: { id: 'i', properties: { hw_disk_bus: 'virtio', hw_vif_model: 'nonsense' } } }), on).required).toEqual([]);
  });
});

describe('isolatedAggregates', () => {
  const aggs: Aggregate[] = [
    { id: 1, uuid: 'a1', name: 'agg1', hosts: [], metadata: { 'trait:HW_CPU_X86_MMX': 'required' } },
    { id: 2, uuid: 'a2', name: 'agg2', hosts: [], metadata: { 'trait:HW_CPU_X86_SGX': 'required' } },
    { id: 3, uuid: 'a3', name: 'agg3', hosts: [], metadata: { 'trait:HW_CPU_X86_MMX': 'required', 'trait:HW_CPU_X86_SGX': 'required' } },
    { id: 4, uuid: 'a4', name: 'agg4', hosts: [], metadata: { 'trait:HW_CPU_X86_SGX': 'preferred', ssd: 'true' } },
  ];
  it("is nova's get_non_matching_by_metadata_keys example: a request for MMX isolates agg2 and agg3", () => {
    const terms = traitTerms(spec({}, { extra_specs: { 'trait:HW_CPU_X86_MMX': 'required' } }), config());
    expect(isolatedAggregates(aggs, terms, config({ enable_isolated_aggregate_filtering: true })).map((a) => a.name)).toEqual(['agg2', 'agg3']);
    expect(isolatedAggregates(aggs, terms, config())).toEqual([]);
  });
});

describe('in schedule()', () => {
  const host = (name: string, traits: string[], aggregates: unknown[] = []) => ({ host: name, vcpus_total: 8, total_usable_ram_mb: 8192, total_usable_disk_gb: 100, traits, aggregates });
  const hosts = [
    host('plain', ['COMPUTE_IMAGE_TYPE_RAW']),
    host('qcow', ['COMPUTE_IMAGE_TYPE_QCOW2', 'COMPUTE_STORAGE_BUS_VIRTIO']),
    host('sgx', ['COMPUTE_IMAGE_TYPE_QCOW2', 'COMPUTE_STORAGE_BUS_VIRTIO', 'HW_CPU_X86_SGX'], [{ id: 1, name: 'sgx-hosts', metadata: { 'trait:HW_CPU_X86_SGX': 'required' } }]),
  ];
  const image = { id: 'i', disk_format: 'qcow2', properties: { hw_disk_bus: 'virtio' } };

  it('leaves out the hosts without the required traits, saying which trait and why', () => {
    const r = schedule({ hosts, request: { flavor: FLAVOR, image }, config: { scheduler: { query_placement_for_image_type_support: true, image_metadata_prefilter: true } } });
    const step = r.explanation.prefilters.find((p) => p.name === 'placement (required and forbidden traits)')!;
    expect(step.removed).toEqual([{ host: 'plain', nodename: 'plain', reason: 'lacks required trait COMPUTE_IMAGE_TYPE_QCOW2 (require_image_type_support (disk_format qcow2))' }]);
    expect(['qcow', 'sgx']).toContain(r.selections[0]!.host);
  });

  it('isolates the SGX aggregate from requests that do not require SGX, and admits those that do', () => {
    const cfg = { scheduler: { enable_isolated_aggregate_filtering: true } };
    const r = schedule({ hosts, request: { flavor: FLAVOR }, config: cfg });
    expect(r.explanation.prefilters.find((p) => p.name === 'isolate_aggregates')?.removed.map((x) => x.host)).toEqual(['sgx']);
    const sgx = schedule({ hosts, request: { flavor: { ...FLAVOR, extra_specs: { 'trait:HW_CPU_X86_SGX': 'required' } } }, config: cfg });
    expect(sgx.selections[0]!.host).toBe('sgx');
    expect(sgx.explanation.prefilters.some((p) => p.name === 'isolate_aggregates')).toBe(false);
  });

  it('forbids hosts with a forbidden trait; with no trait terms there is no trait step', () => {
    const r = schedule({ hosts, request: { flavor: { ...FLAVOR, extra_specs: { 'trait:COMPUTE_IMAGE_TYPE_QCOW2': 'forbidden' } } } });
    expect(r.selections[0]!.host).toBe('plain');
    expect(schedule({ hosts, request: { flavor: FLAVOR } }).explanation.prefilters.map((p) => p.name)).not.toContain('placement (required and forbidden traits)');
  });
});

describe('in a cloud (selectDestinations)', () => {
  it('asks Placement for the image type and the image metadata traits the libvirt hosts report', () => {
    const cloud = createCloud({ seed: 2 });
    cloud.scheduler.setSchedulerConfig({ scheduler: { query_placement_for_image_type_support: true, image_metadata_prefilter: true } });
    const ok = cloud.scheduler.selectDestinations({ flavor: FLAVOR, image: { id: 'i', disk_format: 'qcow2', properties: { hw_disk_bus: 'virtio', hw_vif_model: 'virtio', hw_video_model: 'qxl' } } });
    expect(ok.selections).toHaveLength(1);
    const before = cloud.state;
    const vhdx = caught(() => cloud.scheduler.selectDestinations({ flavor: FLAVOR, image: { id: 'i', disk_format: 'vhdx', properties: {} } }));
    expect(vhdx).toBeInstanceOf(NoValidHost);
    expect(cloud.state).toBe(before);
    // Zed: no virt driver reports HW_ARCH_* traits, so hw_architecture with the prefilter finds no host
    expect(caught(() => cloud.scheduler.selectDestinations({ flavor: FLAVOR, image: { id: 'i', disk_format: 'raw', properties: { hw_architecture: 'x86_64' } } }))).toBeInstanceOf(NoValidHost);
  });

  it('answers a trait Placement does not know with NoValidHost, as nova does when Placement says 400', () => {
    const cloud = createCloud({ seed: 2 });
    const e = caught(() => cloud.scheduler.selectDestinations({ flavor: { ...FLAVOR, extra_specs: { 'trait:CUSTOM_NOPE': 'required' } } }));
    expect(e).toBeInstanceOf(NoValidHost);
    expect(e.message).toContain('No such trait(s): CUSTOM_NOPE');
    expect(e.details.stage).toBe('placement');
  });
});
