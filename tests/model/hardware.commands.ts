/** The hardware module's commands for the shared model-based suite. */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { HostRole } from '../../src/index.js';
import { registerCommands, expectRefused, copyModel, type CloudCommand, type CloudModel, type CloudReal } from './harness.js';

const NAMES = ['h1', 'h2', 'h3', 'h4', 'h5'];
const hostName = fc.constantFrom(...NAMES);
const HW = { cpu: { sockets: 2, cores_per_socket: 8, threads_per_core: 2 } };

class AddHost implements CloudCommand {
  constructor(readonly name: string, readonly memory_mb: number, readonly roles: HostRole[]) {}
  check(): boolean {
    return true;
  }
  run(m: CloudModel, r: CloudReal): void {
    if (this.memory_mb <= 0 && this.roles.includes('compute')) {
      // a compute host with no RAM is refused before anything else
      expectRefused(r, () => r.cloud.hardware.addHost({ name: this.name, ...HW, memory_mb: this.memory_mb, roles: this.roles }), 400);
      return;
    }
    if (m.hosts.has(this.name)) {
      expectRefused(r, () => r.cloud.hardware.addHost({ name: this.name, ...HW, memory_mb: this.memory_mb, roles: this.roles }), 409);
      return;
    }
    const h = r.cloud.hardware.addHost({ name: this.name, ...HW, memory_mb: this.memory_mb, roles: this.roles });
    expect(h.logical_cpus).toBe(32);
    m.hosts.set(this.name, { state: 'up', memory_mb: this.memory_mb, roles: this.roles });
  }
  toString(): string {
    return `addHost(${this.name}, ${this.memory_mb}, ${this.roles.join('+')})`;
  }
}

class AddBadHost implements CloudCommand {
  constructor(readonly input: unknown) {}
  check(): boolean {
    return true;
  }
  run(_m: CloudModel, r: CloudReal): void {
    expectRefused(r, () => r.cloud.hardware.addHost(this.input as never), 400);
  }
  toString(): string {
    return `addHost(bad ${JSON.stringify(this.input)})`;
  }
}

class RemoveHost implements CloudCommand {
  constructor(readonly name: string) {}
  check(): boolean {
    return true;
  }
  run(m: CloudModel, r: CloudReal): void {
    if (!m.hosts.has(this.name)) {
      expectRefused(r, () => r.cloud.hardware.removeHost(this.name), 404);
      return;
    }
    if ([...m.instances.values()].some((i) => i.host === this.name)) {
      // nova-compute refuses through the hook while the host's provider holds allocations
      expectRefused(r, () => r.cloud.hardware.removeHost(this.name), 409);
      return;
    }
    r.cloud.hardware.removeHost(this.name);
    m.hosts.delete(this.name);
  }
  toString(): string {
    return `removeHost(${this.name})`;
  }
}

class SetState implements CloudCommand {
  constructor(readonly name: string, readonly target: 'up' | 'down' | 'maintenance') {}
  check(): boolean {
    return true;
  }
  run(m: CloudModel, r: CloudReal): void {
    const host = m.hosts.get(this.name);
    const call = () =>
      this.target === 'down' ? r.cloud.hardware.failHost(this.name) : this.target === 'up' ? r.cloud.hardware.recoverHost(this.name) : r.cloud.hardware.startMaintenance(this.name);
    if (!host) {
      expectRefused(r, call, 404);
      return;
    }
    if (host.state === this.target) {
      expectRefused(r, call, 409);
      return;
    }
    expect(call().state).toBe(this.target);
    host.state = this.target;
  }
  toString(): string {
    return `setState(${this.name}, ${this.target})`;
  }
}

class UpdateMemory implements CloudCommand {
  constructor(readonly name: string, readonly memory_mb: number) {}
  check(): boolean {
    return true;
  }
  run(m: CloudModel, r: CloudReal): void {
    const host = m.hosts.get(this.name);
    if (!host) {
      expectRefused(r, () => r.cloud.hardware.updateHost(this.name, { memory_mb: this.memory_mb }), 404);
      return;
    }
    if (this.memory_mb <= 0 && host.roles.includes('compute')) {
      expectRefused(r, () => r.cloud.hardware.updateHost(this.name, { memory_mb: this.memory_mb }), 400);
      return;
    }
    r.cloud.hardware.updateHost(this.name, { memory_mb: this.memory_mb });
    host.memory_mb = this.memory_mb;
  }
  toString(): string {
    return `updateHost(${this.name}, memory_mb=${this.memory_mb})`;
  }
}

class Advance implements CloudCommand {
  constructor(readonly seconds: number) {}
  check(): boolean {
    return true;
  }
  run(m: CloudModel, r: CloudReal): void {
    if (this.seconds < 0) {
      expectRefused(r, () => r.cloud.clock.advance(this.seconds), 400);
      return;
    }
    r.cloud.clock.advance(this.seconds);
    m.now += this.seconds;
  }
  toString(): string {
    return `advance(${this.seconds})`;
  }
}

class Snapshot implements CloudCommand {
  check(): boolean {
    return true;
  }
  run(m: CloudModel, r: CloudReal): void {
    m.snapshots.push({ label: `s${m.snapshots.length}`, json: JSON.stringify(r.cloud.snapshot()), model: copyModel(m) });
  }
  toString(): string {
    return 'snapshot()';
  }
}

class Restore implements CloudCommand {
  constructor(readonly pick: number) {}
  check(m: Readonly<CloudModel>): boolean {
    return m.snapshots.length > 0;
  }
  run(m: CloudModel, r: CloudReal): void {
    const entry = m.snapshots[this.pick % m.snapshots.length];
    if (!entry) return;
    r.cloud.restore(JSON.parse(entry.json));
    expect(JSON.stringify(r.cloud.state)).toBe(entry.json);
    // every module's part of the model goes back to the snapshot's (the snapshot list stays)
    Object.assign(m, copyModel({ ...entry.model, snapshots: [] }));
    // sessions opened after the snapshot hold tokens the restored state never issued
    for (const label of [...r.sessions.keys()]) if (!m.identity.sessions.has(label)) r.sessions.delete(label);
  }
  toString(): string {
    return `restore(#${this.pick})`;
  }
}

class FailingBatch implements CloudCommand {
  constructor(readonly name: string) {}
  check(): boolean {
    return true;
  }
  run(_m: CloudModel, r: CloudReal): void {
    // adds a host, then fails: nothing of the batch may remain
    expectRefused(r, () =>
      r.cloud.batch(() => {
        r.cloud.hardware.addHost({ name: `${this.name}-tmp`, ...HW, memory_mb: 1024 });
        r.cloud.hardware.getHost('no-such-host');
      }), 404);
  }
  toString(): string {
    return `failingBatch(${this.name})`;
  }
}

const badHost = fc.oneof(
  fc.constant(null),
  fc.constant('h1'),
  fc.record({ name: fc.constantFrom("", " ", "a b", "x".repeat(300)), cpu: fc.constant(HW.cpu), memory_mb: fc.constant(1024) }),
  fc.record({ name: hostName, cpu: fc.record({ sockets: fc.constantFrom(0, -1, 1.5, '2'), cores_per_socket: fc.constant(4) }), memory_mb: fc.constant(1024) }),
  fc.record({ name: hostName, cpu: fc.constant(HW.cpu), memory_mb: fc.constantFrom(-1, Number.NaN, Infinity, "1024") }),
);

registerCommands('hardware', [
  fc.tuple(hostName, fc.constantFrom(0, 1024, 65536), fc.constantFrom(['compute'], ['storage'], ['controller', 'network'])).map(([n, mem, roles]) => new AddHost(n, mem, [...roles])),
  badHost.map((input) => new AddBadHost(input)),
  hostName.map((n) => new RemoveHost(n)),
  fc.tuple(hostName, fc.constantFrom('up' as const, 'down' as const, 'maintenance' as const)).map(([n, s]) => new SetState(n, s)),
  fc.tuple(hostName, fc.constantFrom(0, 2048, 131072)).map(([n, mem]) => new UpdateMemory(n, mem)),
  fc.constantFrom(-5, 0, 1, 60, 3600).map((s) => new Advance(s)),
  fc.constant(new Snapshot()),
  fc.nat(10).map((p) => new Restore(p)),
  hostName.map((n) => new FailingBatch(n)),
]);
