/**
 * The scheduler's commands for the shared model-based suite: bursts of instances through
 * `selectDestinations` (claimed in Placement) and their deletion. The harness checks after
 * every step that each compute host's Placement usage is exactly what the model's instances
 * hold, across host failures, memory changes, removals (refused while a host holds instances)
 * and snapshot/restore.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { CloudError } from '../../src/index.js';
import { registerCommands, registerSetup, type CloudCommand, type CloudModel, type CloudReal } from './harness.js';

class ScheduleBurst implements CloudCommand {
  constructor(readonly count: number, readonly vcpus: number, readonly memory_mb: number) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const before = r.cloud.state;
    try {
      const result = r.cloud.scheduler.selectDestinations({ flavor: { name: 'f', vcpus: this.vcpus, memory_mb: this.memory_mb, root_gb: 0 }, project_id: 'p', user_id: 'u', num_instances: this.count });
      for (const sel of result.selections) {
        const host = m.hosts.get(sel.host);
        // only compute hosts that are up and in service get instances
        expect(host?.roles.includes('compute'), sel.host).toBe(true);
        expect(host?.state, sel.host).toBe('up');
        m.instances.set(sel.instance_uuid, { host: sel.host, vcpus: this.vcpus, memory_mb: this.memory_mb });
      }
    } catch (e) {
      expect((e as CloudError).code).toBe('scheduler.no_valid_host');
      expect(r.cloud.state).toBe(before);
    }
  }
  toString = () => `scheduleBurst(${this.count} × ${this.vcpus} vCPU ${this.memory_mb} MB)`;
}

class DeleteInstance implements CloudCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<CloudModel>) => m.instances.size > 0;
  run(m: CloudModel, r: CloudReal): void {
    const ids = [...m.instances.keys()];
    const id = ids[this.pick % ids.length] as string;
    r.cloud.systemAdmin.placement.deleteAllocations(id);
    m.instances.delete(id);
  }
  toString = () => `deleteInstance(#${this.pick})`;
}

// every run starts with one compute host, so bursts have somewhere to go
registerSetup((m, r) => {
  r.cloud.hardware.addHost({ name: 'h1', cpu: { sockets: 2, cores_per_socket: 8, threads_per_core: 2 }, memory_mb: 65536, roles: ['compute'] });
  m.hosts.set('h1', { state: 'up', memory_mb: 65536, roles: ['compute'] });
});

registerCommands('scheduler', [
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom(1, 2, 8, 64), fc.constantFrom(512, 2048, 8192, 131072)).map(([n, v, mem]) => new ScheduleBurst(n, v, mem)),
  fc.nat(20).map((i) => new DeleteInstance(i)),
]);
