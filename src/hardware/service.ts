/**
 * The datacenter as the cloud assembles it: its slice, the hosts of a `topology` (DevStack's
 * multi-node layout with the devstack preset), and `cloud.hardware`.
 */
import type { ServiceDescriptor } from '../core/index.js';
import { initialHardwareState } from './hosts.js';
import { DEVSTACK_TOPOLOGY } from './presets.js';
import { applyTopology, type Topology } from './topology.js';
import { HardwareApi } from './index.js';

/** What hardware adds to the cloud. */
export interface HardwareOperator {
  /** The datacenter (operator view): regions, AZs, racks, hosts, failures, the capacity planner. */
  readonly hardware: HardwareApi;
}

/**
 * The hardware module (no OpenStack API: the physical datacenter under the cloud). Option
 * `topology`: a datacenter description, checked as it is applied (errors name `topology.…`).
 */
export const hardwareService: ServiceDescriptor<Topology | undefined, object, HardwareOperator> = {
  name: 'hardware',
  slices: ['hardware'],
  option: { key: 'topology', check: (input) => input as Topology | undefined },
  initialState: () => ({ hardware: initialHardwareState() }),
  bootstrap: (tx, context) => {
    if (context.options !== undefined) applyTopology(tx, context.options, 'topology');
    else if (context.preset === 'devstack') applyTopology(tx, DEVSTACK_TOPOLOGY, 'preset');
  },
  operator: (kernel) => ({ hardware: new HardwareApi(kernel) }),
};
