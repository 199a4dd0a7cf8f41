/** Views of hardware rows: what queries and notifications return (frozen, with derived fields). */
import { detach, isoAt } from '../core/index.js';
import { logicalCpus, type Host } from './types.js';

/** A host as queries return it: the row plus derived totals, timestamps in ISO-8601. */
export interface HostView extends Omit<Host, 'created_at' | 'updated_at'> {
  /** sockets × cores_per_socket × threads_per_core: what nova reports as `vcpus` before overcommit. */
  readonly logical_cpus: number;
  /** Sum of the local disks, GB. */
  readonly disk_gb: number;
  /** Sum of the NIC speeds, Mbit/s. */
  readonly nic_mbps: number;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Builds the frozen view of a host row. */
export function hostView(host: Host, epoch: string): HostView {
  return detach({
    ...host,
    logical_cpus: logicalCpus(host.cpu),
    disk_gb: host.disks.reduce((s, d) => s + d.size_gb, 0),
    nic_mbps: host.nics.reduce((s, n) => s + n.speed_mbps, 0),
    created_at: isoAt(epoch, host.created_at),
    updated_at: isoAt(epoch, host.updated_at),
  });
}
