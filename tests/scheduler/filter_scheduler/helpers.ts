/**
 * Shared helpers of the filter-scheduler tests: `fakeHost({...})` (nova's `FakeHostState`),
 * `fakeSpec({...})`, `cfg({...})` and `agg(...)`, all built through the public checks so every
 * test also exercises them.
 */
import { expect } from 'vitest';
import {
  CloudError,
} from '../../../src/core/index.js';
import {
  checkHostState,
  checkRequestSpec,
  checkSchedulerConfig,
  type Aggregate,
  type HostFilter,
  type HostState,
  type RequestSpec,
  type SchedulerConfig,
} from '../../../src/scheduler/filter_scheduler/index.js';

/** A libvirt/KVM compute node with 8 vCPUs, 16 GiB, 200 GB, enabled and up; `attrs` override. */
export function fakeHost(attrs: Record<string, unknown> = {}): HostState {
  return checkHostState({
    host: 'host1',
    vcpus_total: 8,
    total_usable_ram_mb: 16384,
    total_usable_disk_gb: 200,
    hypervisor_type: 'QEMU',
    hypervisor_version: 7002000,
    supported_instances: [
      ['x86_64', 'kvm', 'hvm'],
      ['x86_64', 'qemu', 'hvm'],
    ],
    ...attrs,
  });
}

/** A request for one m1.small (1 vCPU, 2 GiB, 20 GB) from project `p1`; `attrs` override. */
export function fakeSpec(attrs: Record<string, unknown> = {}): RequestSpec {
  return checkRequestSpec({
    flavor: { name: 'm1.small', vcpus: 1, memory_mb: 2048, root_gb: 20 },
    project_id: 'p1',
    user_id: 'u1',
    ...attrs,
  });
}

/** A flavor with extra specs, for `fakeSpec({ flavor: flavor({...}) })`. */
export function flavor(extra_specs: Record<string, string> = {}, name = 'm1.small'): Record<string, unknown> {
  return { name, vcpus: 1, memory_mb: 2048, root_gb: 20, extra_specs };
}

/** A configuration: Zed's defaults with `groups` merged over them. */
export function cfg(groups: Record<string, Record<string, unknown>> = {}): SchedulerConfig {
  return checkSchedulerConfig(groups);
}

let aggId = 0;
/** An aggregate with metadata. */
export function agg(metadata: Record<string, string>, hosts: string[] = ['host1']): Aggregate {
  aggId += 1;
  return { id: aggId, uuid: null, name: `agg${aggId}`, hosts, metadata };
}

/** Whether the host passes the filter (a reason string counts as failing). */
export function passes(filter: HostFilter, host: HostState, spec: RequestSpec = fakeSpec(), config: SchedulerConfig = cfg()): boolean {
  const verdict = filter.hostPasses(host, spec, config);
  if (verdict !== true) expect(typeof verdict === 'string' && verdict.length > 0).toBe(true);
  return verdict === true;
}

export { caught } from '../../support/refusal.js';
