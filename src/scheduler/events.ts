/**
 * What the scheduler adds to the kernel's open interfaces: its hook points (how the modules to
 * its right react inside the same commit). nova-compute's resource tracker lives in
 * `src/compute`; when the operator changes the nova.conf options that shape a compute host's
 * inventory (`cloud.scheduler.setComputeConfig`), the scheduler fires this hook and the tracker
 * reports the new inventory at once, as a restarted nova-compute would.
 */
import type { Tx } from '../core/index.js';
import type { Host } from '../hardware/index.js';

declare module '../core/kernel.js' {
  interface CloudHooks {
    /**
     * nova.conf options of compute hosts changed (`cpu_allocation_ratio`, `reserved_host_*`, …):
     * `hosts` are the hosts they apply to (one host, or every host for a cloud-wide change),
     * in name order. Throw to refuse (e.g. an inventory class removed while allocated).
     */
    'scheduler.compute_config.changed': (tx: Tx, hosts: readonly Host[]) => void;
  }
}

export {};
