/** Clouds the Swift tests share: storage hosts in three racks, 3 replicas, part power 6. */
import { createCloud, type Cloud } from '../../src/index.js';

/** Options of {@link storageCloud}. */
export interface StorageCloudOptions {
  readonly seed: number;
  /** Data disks after the system disk `sda` (default: `sdb`, `sdc`). */
  readonly dataDisks?: readonly string[];
  /** Host names, spread over racks r1..r3 in turn (default: two per rack, `st1a`-style names from the topology). */
  readonly hosts?: readonly string[];
  readonly replicas?: number;
}

/** An empty cloud of storage hosts: 8 GiB, a 100 GB system disk and 1 TB data disks each. */
export function storageCloud({ seed, dataDisks = ['sdb', 'sdc'], hosts, replicas = 3 }: StorageCloudOptions): Cloud {
  const model = {
    cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 },
    memory_mb: 8192,
    disks: [{ name: 'sda', size_gb: 100 }, ...dataDisks.map((name) => ({ name, size_gb: 1000 }))],
  };
  return createCloud({
    seed,
    preset: 'empty',
    identity: { password_hash_rounds: 1 },
    topology: {
      racks: [{ name: 'r1' }, { name: 'r2' }, { name: 'r3' }],
      models: { s: model },
      hosts:
        hosts === undefined
          ? [1, 2, 3].map((r) => ({ name: `st${r}{n}`, count: 2, model: 's', roles: ['storage' as const], rack: `r${r}` }))
          : hosts.map((name, i) => ({ name, model: 's', roles: ['storage' as const], rack: `r${(i % 3) + 1}` })),
    },
    object: { ring: { part_power: 6, replicas, min_part_hours: 1 } },
  });
}
