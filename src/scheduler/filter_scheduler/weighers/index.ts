/**
 * The weigher registry: every host weigher stacksim simulates, in one explicit array (the order
 * in which `nova.scheduler.weights.all_weighers` applies them; nova's own order is the order
 * the files are found on disk, so stacksim fixes one).
 */
import type { HostWeigher } from '../types.js';
import { BuildFailureWeigher } from './build_failure_weigher.js';
import { CPUWeigher } from './cpu_weigher.js';
import { CrossCellWeigher } from './cross_cell_weigher.js';
import { DiskWeigher } from './disk_weigher.js';
import { IoOpsWeigher } from './io_ops_weigher.js';
import { MetricsWeigher } from './metrics_weigher.js';
import { RAMWeigher } from './ram_weigher.js';
import { ServerGroupSoftAffinityWeigher } from './server_group_soft_affinity_weigher.js';
import { ServerGroupSoftAntiAffinityWeigher } from './server_group_soft_anti_affinity_weigher.js';

/** Every simulated weigher. */
export const WEIGHERS: readonly HostWeigher[] = Object.freeze([
  RAMWeigher,
  CPUWeigher,
  DiskWeigher,
  IoOpsWeigher,
  ServerGroupSoftAffinityWeigher,
  ServerGroupSoftAntiAffinityWeigher,
  BuildFailureWeigher,
  CrossCellWeigher,
  MetricsWeigher,
]);

/**
 * Weighers nova ships that stacksim does not simulate. Naming one in `weight_classes` is refused
 * with a `scheduler.weigher.not_simulated` BadRequest; `all_weighers` leaves it out, which changes
 * nothing: with no PCI devices every host gets the same PCIWeigher weight, normalised to 0.
 */
export const NOT_SIMULATED_WEIGHERS: Readonly<Record<string, string>> = Object.freeze({
  PCIWeigher: 'hosts carry no PCI device pools in stacksim',
});

/** The module of each weigher in nova, for full class paths in `weight_classes`. */
export const WEIGHER_MODULES: Readonly<Record<string, string>> = Object.freeze({
  RAMWeigher: 'ram',
  CPUWeigher: 'cpu',
  DiskWeigher: 'disk',
  IoOpsWeigher: 'io_ops',
  ServerGroupSoftAffinityWeigher: 'affinity',
  ServerGroupSoftAntiAffinityWeigher: 'affinity',
  BuildFailureWeigher: 'compute',
  CrossCellWeigher: 'cross_cell',
  MetricsWeigher: 'metrics',
  PCIWeigher: 'pci',
});

/** The weigher named `name` (class name or `nova.scheduler.weights.<module>.<Class>`), or undefined. */
export function weigherByName(name: string): HostWeigher | undefined {
  return WEIGHERS.find((w) => w.name === name || name === `nova.scheduler.weights.${WEIGHER_MODULES[w.name]}.${w.name}`);
}

export {
  BuildFailureWeigher,
  CPUWeigher,
  CrossCellWeigher,
  DiskWeigher,
  IoOpsWeigher,
  MetricsWeigher,
  RAMWeigher,
  ServerGroupSoftAffinityWeigher,
  ServerGroupSoftAntiAffinityWeigher,
};
