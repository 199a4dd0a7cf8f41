/**
 * Hardware of the built-in presets. `devstack` is a multi-node DevStack: one all-in-one
 * `controller` (controller + network + storage + compute, as `stack.sh` sets up a single node)
 * and two extra compute nodes, all in nova's default zone.
 */
import type { Topology } from './topology.js';

/** The server model DevStack's nodes are built from in the preset. */
const DEVSTACK_NODE = {
  cpu: {
    model: 'Intel Xeon E5-2680 v4',
    sockets: 2,
    cores_per_socket: 14,
    threads_per_core: 2,
    mhz: 2400,
    flags: ['aes', 'avx', 'avx2', 'fma', 'mmx', 'sse', 'sse2', 'sse4_1', 'sse4_2', 'ssse3', 'vmx', 'x2apic'],
  },
  memory_mb: 131072,
  disks: [{ name: 'sda', size_gb: 960, type: 'ssd' as const }],
  nics: [
    { name: 'eno1', speed_mbps: 10000, network: 'management' as const },
    { name: 'eno2', speed_mbps: 10000, network: 'tenant' as const },
  ],
  hypervisor_type: 'QEMU' as const,
};

/** The `devstack` preset's datacenter. */
export const DEVSTACK_TOPOLOGY: Topology = {
  racks: [{ name: 'rack1' }],
  models: { 'devstack-node': DEVSTACK_NODE },
  hosts: [
    {
      name: 'controller',
      model: 'devstack-node',
      rack: 'rack1',
      roles: ['controller', 'network', 'storage', 'compute'],
      nics: [...DEVSTACK_NODE.nics, { name: 'eno3', speed_mbps: 10000, network: 'external' }],
      disks: [...DEVSTACK_NODE.disks, { name: 'sdb', size_gb: 1920, type: 'hdd' }],
    },
    { name: 'compute{n}', count: 2, model: 'devstack-node', rack: 'rack1', roles: ['compute'] },
  ],
};
