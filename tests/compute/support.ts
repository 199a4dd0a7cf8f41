/**
 * Test support for nova: the DevStack world every compute test starts from (admin, demo,
 * alt_demo and demo_reader sessions), a fleet of compute hosts in zones for the scheduler's and
 * the operator's tests, a one-call boot of a server for a session, and the assertions and
 * shortcuts the compute tests share (a refusal with nothing changed, a server's row, a state
 * forced on a server, the notifications of a call). Every task kind is the service's own
 * (`src/compute/service.ts`): a world needs no registration.
 */
import { expect } from 'vitest';
import { produce } from 'immer';
import { CloudError, createCloud, type Cloud, type Session } from '../../src/index.js';
import { getRow, setRow, type CloudState } from '../../src/core/index.js';
import { CIRROS_IMAGE_NAME } from '../../src/image/index.js';
import type { ServerCreateRequest, ServerRow, ServerView } from '../../src/compute/index.js';
import { invalidStateConflictMessage, isReachable, stateAllows, type ComputeAction, type ReachablePair } from '../../src/compute/vm_states.js';
import { caught } from '../support/refusal.js';

/** A DevStack cloud with admin, demo, alt_demo and demo_reader sessions. */
export interface ComputeWorld {
  readonly cloud: Cloud;
  readonly admin: Session;
  readonly demo: Session;
  readonly alt: Session;
  readonly reader: Session;
}

/** The devstack preset and its sessions; `options` are merged into createCloud's. */
export function computeWorld(seed = 1, options: Record<string, unknown> = {}): ComputeWorld {
  const cloud = createCloud({ seed, preset: 'devstack', ...options });
  return {
    cloud,
    admin: cloud.admin,
    demo: cloud.login({ username: 'demo', password: 'secret', project: 'demo' }),
    alt: cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' }),
    reader: cloud.login({ username: 'demo_reader', password: 'secret', project: 'demo' }),
  };
}

/** The ids the tests name: demo's and alt_demo's projects and users, admin's project. */
export interface WorldIds {
  readonly demoId: string;
  readonly altId: string;
  readonly adminId: string;
  readonly demoUser: string;
  readonly altUser: string;
}

/** A world with {@link WorldIds}, looked up (as the system admin) when the world is made. */
export function withIds(w: ComputeWorld): ComputeWorld & WorldIds {
  const ids = w.cloud.systemAdmin.identity;
  return {
    ...w,
    demoId: ids.getProject('demo').id,
    altId: ids.getProject('alt_demo').id,
    adminId: ids.getProject('admin').id,
    demoUser: ids.getUser('demo').id,
    altUser: ids.getUser('alt_demo').id,
  };
}

/** The hosts of a {@link fleet}: 4 cores × 2 threads, 16 GB, 200 GB, a 10 Gbit NIC. */
function fleetModel(flags: readonly string[]): Record<string, unknown> {
  return {
    cpu: { model: 'Intel Xeon Silver 4210', sockets: 1, cores_per_socket: 4, threads_per_core: 2, flags: [...flags] },
    memory_mb: 16384,
    disks: [{ name: 'sda', size_gb: 200 }],
    nics: [{ name: 'eno1', speed_mbps: 10000, network: 'management' }],
  };
}

/** What makes one fleet differ from another. */
export interface FleetOptions {
  /** The hosts' CPU flags (default `['vmx']`). */
  readonly flags?: readonly string[];
  /** Adds zone `az3` (rack `r3`) holding only a storage host, `s1`: a zone without compute. */
  readonly storageZone?: boolean;
}

/**
 * DevStack's services on a controller (controller, network and storage roles; no compute) and
 * compute hosts a1, a2 (az1, rack r1), b1 (az2, rack r2), c1 (no zone).
 */
export function fleet(seed: number, options: FleetOptions = {}): Cloud {
  const zones = options.storageZone === true ? ['az1', 'az2', 'az3'] : ['az1', 'az2'];
  return createCloud({
    seed,
    preset: 'devstack',
    topology: {
      availability_zones: zones.map((name) => ({ name })),
      racks: zones.map((zone, i) => ({ name: `r${i + 1}`, availability_zone: zone })),
      models: { node: fleetModel(options.flags ?? ['vmx']) },
      hosts: [
        { name: 'controller', model: 'node', roles: ['controller', 'network', 'storage'] },
        { name: 'a{n}', count: 2, model: 'node', rack: 'r1' },
        { name: 'b1', model: 'node', rack: 'r2' },
        { name: 'c1', model: 'node' },
        ...(options.storageZone === true ? [{ name: 's1', model: 'node', rack: 'r3', roles: ['storage'] }] : []),
      ],
    } as never,
  });
}

/** Boots a cirros server (`m1.tiny`, `networks: 'auto'`) and answers its view once the boot ran. */
export function boot(session: Session, name = 'vm', extra: Partial<ServerCreateRequest> = {}): ServerView {
  const created = session.compute.createServer({ name, flavorRef: 'm1.tiny', imageRef: CIRROS_IMAGE_NAME, networks: 'auto', ...extra });
  if (!('id' in created)) throw new Error('expected one server');
  return session.compute.getServer(created.id);
}

/** A server's row in the state. */
export const rowOf = (cloud: Cloud, id: string): ServerRow => getRow(cloud.state.compute.servers, id) as ServerRow;

/** Puts a server into a state directly (a test's shortcut: `base` restored with the row patched). */
export function force(cloud: Cloud, base: CloudState, id: string, patch: Partial<ServerRow>): void {
  const next = produce(base, (d) => {
    const r = getRow(d.compute.servers, id) as ServerRow;
    setRow(d.compute.servers, id, { ...r, ...patch } as never);
  });
  cloud.restore(next as never);
}

/** The CloudError a call throws (fails the test when it returns or throws anything else). */
export const errorOf: (fn: () => unknown) => CloudError = caught;

/** Every event type whose name starts with `prefix` emitted while `fn` runs, in order. */
export function eventsDuring(cloud: Cloud, fn: () => void, prefix = 'compute.'): string[] {
  const seen: string[] = [];
  const listener = (n: { event_type: string }) => {
    if (n.event_type.startsWith(prefix)) seen.push(n.event_type);
  };
  cloud.events.on('*', listener);
  try {
    fn();
  } finally {
    cloud.events.off('*', listener);
  }
  return seen;
}

/** What a refused call must show besides its status. */
export interface Expected {
  /** `details.field`. */
  readonly field?: string;
  /** The stable code. */
  readonly code?: string;
  /** The whole message (a string), or a pattern it matches. */
  readonly message?: string | RegExp;
}

/**
 * Runs a call that must be refused: a CloudError with the status (and field, code, message: a
 * string is the whole message), and `cloud.state` the very same object afterwards. Takes the
 * status and the rest as one object, or the status first, then the rest or only the message.
 */
export function refused(cloud: Cloud, fn: () => unknown, want: Expected & { readonly status: number }): CloudError;
export function refused(cloud: Cloud, fn: () => unknown, status: number, match?: Expected | string | RegExp): CloudError;
export function refused(cloud: Cloud, fn: () => unknown, want: number | (Expected & { readonly status: number }), match: Expected | string | RegExp = {}): CloudError {
  const before = cloud.state;
  const e = caught(fn);
  const status = typeof want === 'number' ? want : want.status;
  const expected: Expected = typeof want !== 'number' ? want : typeof match === 'string' || match instanceof RegExp ? { message: match } : match;
  expect(e.status, e.message).toBe(status);
  if (expected.field !== undefined) expect(e.details.field).toBe(expected.field);
  if (expected.code !== undefined) expect(e.code).toBe(expected.code);
  if (typeof expected.message === 'string') expect(e.message).toBe(expected.message);
  else if (expected.message !== undefined) expect(e.message).toMatch(expected.message);
  expect(cloud.state).toBe(before);
  return e;
}

/**
 * Forces a booted server into each (vm_state, task_state) of `pairs` and calls each action there
 * as `session`: refused with nova's 409 exactly where `ACTION_STATES` refuses it, with the state
 * untouched; else past the state check — it must succeed, or (with `laterChecks`) may stop at a
 * later check of nova's (a CloudError that is not the state's 409, the state untouched) — and what
 * it leaves is a reachable pair. Answers how many calls were tried and how many the states allowed.
 */
export function everyActionInEveryState(w: ComputeWorld, pairs: readonly ReachablePair[], calls: Partial<Record<ComputeAction, (s: Session, id: string) => unknown>>, session: Session, laterChecks = false): { tried: number; allowed: number } {
  const s = boot(w.demo, 'vm');
  const base = w.cloud.state;
  let tried = 0;
  let allowed = 0;
  for (const pair of pairs) {
    if (pair.vm_state === 'deleted') continue; // a deleted server is a 404
    const launched = pair.vm_state !== 'building';
    for (const [action, call] of Object.entries(calls) as [ComputeAction, (s: Session, id: string) => unknown][]) {
      force(w.cloud, base, s.id, { vm_state: pair.vm_state, task_state: pair.task_state, power_state: pair.power_states[0]!, launched_at: launched ? 1 : null });
      const before = w.cloud.state;
      const refused = stateAllows(action, pair.vm_state, pair.task_state, launched);
      const label = `${action} in ${pair.vm_state}/${pair.task_state ?? 'None'}`;
      let error: unknown = null;
      try {
        call(session, s.id);
      } catch (e) {
        error = e;
      }
      tried++;
      if (refused !== null) {
        expect(error, label).toBeInstanceOf(CloudError);
        const e = error as CloudError;
        expect([label, e.status, e.message]).toEqual([label, 409, invalidStateConflictMessage(refused.action, s.id, refused.attr, refused.state)]);
        expect(w.cloud.state, label).toBe(before);
        continue;
      }
      allowed++;
      if (error !== null && laterChecks) {
        expect(error, label).toBeInstanceOf(CloudError);
        expect((error as CloudError).message, label).not.toMatch(/while it is in (vm_state|task_state)|in an invalid state for/);
        expect(w.cloud.state, label).toBe(before);
        continue;
      }
      expect(error, label).toBeNull();
      const r = rowOf(w.cloud, s.id);
      expect(isReachable(r.vm_state, r.task_state, r.power_state), `${label} → ${r.vm_state}/${r.task_state}/${r.power_state}`).toBe(true);
    }
  }
  return { tried, allowed };
}
