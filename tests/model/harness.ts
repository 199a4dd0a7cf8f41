/**
 * The shared model-based harness. Each module adds its commands (fast-check `Command`s over the
 * {@link CloudModel} and a real {@link Cloud}) with {@link registerCommands}; `cloud.model.test.ts`
 * runs random sequences of every registered command and checks the cross-module invariants
 * after each step. A command's `check` never mutates the model.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { CloudError, type Cloud, type Session } from '../../src/index.js';
import { getRow, tableEntries, tableToArray } from '../../src/core/index.js';

/** What the identity commands believe: projects, users, grants and the sessions opened. */
export interface IdentityModel {
  projects: Map<string, { enabled: boolean }>;
  users: Map<string, { enabled: boolean; passwordVersion: number }>;
  /** `user|project|role` */
  grants: Set<string>;
  /** Sessions by label: who, where, when, with which password version. */
  sessions: Map<string, { user: string; project: string; issuedAt: number; passwordVersion: number; revoked: boolean }>;
  /** Sessions opened so far (for unique labels). */
  opened: number;
}

/** What the model believes about the cloud. Modules extend it with their own fields. */
export interface CloudModel {
  /** Hosts by hostname. */
  hosts: Map<string, { state: 'up' | 'down' | 'maintenance'; memory_mb: number; roles: string[] }>;
  identity: IdentityModel;
  /** Instances the scheduler placed: instance uuid → host and flavor (vCPUs, MB). */
  instances: Map<string, { host: string; vcpus: number; memory_mb: number }>;
  /** Virtual time. */
  now: number;
  /** Snapshots taken so far, with the model at that moment. */
  snapshots: { label: string; json: string; model: Omit<CloudModel, 'snapshots'> }[];
}

/** The system under test. */
export interface CloudReal {
  cloud: Cloud;
  /** Sessions opened by the identity commands, by label. */
  sessions: Map<string, Session>;
}

/** A command of the shared suite. */
export type CloudCommand = fc.Command<CloudModel, CloudReal>;

const registry: { module: string; commands: fc.Arbitrary<CloudCommand>[] }[] = [];

/** Adds a module's command arbitraries to the shared suite. */
export function registerCommands(module: string, commands: fc.Arbitrary<CloudCommand>[]): void {
  registry.push({ module, commands });
}

const setups: ((model: CloudModel, real: CloudReal) => void)[] = [];

/** Adds a step that prepares a fresh cloud and its model before each run (e.g. base accounts). */
export function registerSetup(fn: (model: CloudModel, real: CloudReal) => void): void {
  setups.push(fn);
}

const invariants: { module: string; check: (model: CloudModel, real: CloudReal) => void }[] = [];

/** Adds a module's invariants, checked after every step of every module's commands. */
export function registerInvariants(module: string, check: (model: CloudModel, real: CloudReal) => void): void {
  invariants.push({ module, check });
}

/** Runs every registered setup step. */
export function runSetups(model: CloudModel, real: CloudReal): void {
  for (const fn of setups) fn(model, real);
}

/** Every registered command arbitrary. */
export function allCommands(): fc.Arbitrary<CloudCommand>[] {
  return registry.flatMap((r) => r.commands);
}

/** The modules that registered commands. */
export function registeredModules(): string[] {
  return registry.map((r) => r.module);
}

/** A fresh model of an empty cloud. */
export function emptyModel(): CloudModel {
  return { hosts: new Map(), identity: { projects: new Map(), users: new Map(), grants: new Set(), sessions: new Map(), opened: 0 }, instances: new Map(), now: 0, snapshots: [] };
}

/** A deep copy of the model without its snapshot list (for storing inside a snapshot entry). */
export function copyModel(m: CloudModel): Omit<CloudModel, 'snapshots'> {
  const { snapshots: _s, ...rest } = m;
  return structuredClone(rest);
}

/** Runs a call that must be refused: a CloudError with `status`, and the state the same object. */
export function expectRefused(real: CloudReal, call: () => unknown, status?: number): CloudError {
  const before = real.cloud.state;
  let error: unknown;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CloudError);
  if (status !== undefined) expect((error as CloudError).status).toBe(status);
  expect(real.cloud.state).toBe(before);
  return error as CloudError;
}

/** The status a call ends with: 0 when it succeeds, else its CloudError's status (anything else is rethrown). */
export function statusOf(call: () => unknown): number {
  try {
    call();
    return 0;
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    return e.status;
  }
}

/** Cross-module invariants that hold after every command. */
export function checkInvariants(model: CloudModel, real: CloudReal): void {
  const { cloud } = real;
  const state = cloud.state;
  expect(Object.isFrozen(state)).toBe(true);
  // hardware: the model's hosts, and the hostname index agrees with the host table both ways
  const listed = cloud.hardware.listHosts();
  expect(listed.map((h) => h.name)).toEqual([...model.hosts.keys()].sort());
  for (const h of listed) {
    const m = model.hosts.get(h.name);
    expect(h.state).toBe(m?.state);
    expect(h.memory_mb).toBe(m?.memory_mb);
  }
  expect(state.hardware.hosts.size).toBe(state.hardware.host_names.size);
  for (const [name, id] of tableEntries(state.hardware.host_names)) expect(getRow(state.hardware.hosts, id)?.name).toBe(name);
  for (const h of tableToArray(state.hardware.hosts)) expect(getRow(state.hardware.host_names, h.name)).toBe(h.id);
  // the clock
  expect(cloud.clock.now()).toBeCloseTo(model.now, 9);
  // no work is left pending in immediate mode
  if (state.meta.progression === 'immediate') expect(state.meta.tasks.size).toBe(0);
  // placement: each compute host's usage is exactly what the placed instances hold, and every
  // placed instance is one INSTANCE consumer
  const usage = new Map(cloud.scheduler.usage().map((u) => [u.host, u.resources]));
  for (const [name, h] of model.hosts) {
    const res = usage.get(name);
    if (!h.roles.includes('compute')) {
      expect(res, `${name} has no provider`).toBeUndefined();
      continue;
    }
    const mine = [...model.instances.values()].filter((i) => i.host === name);
    expect(res?.VCPU?.used ?? 0, `${name} VCPU`).toBe(mine.reduce((n, i) => n + i.vcpus, 0));
    expect(res?.MEMORY_MB?.used ?? 0, `${name} MEMORY_MB`).toBe(mine.reduce((n, i) => n + i.memory_mb, 0));
  }
  expect(state.placement.consumers.size).toBe(model.instances.size);
  // identity: the tokens of every open session validate exactly when the model says they do
  for (const [label, session] of real.sessions) {
    const shouldValidate = sessionValidity(model, label);
    let valid = true;
    try {
      session.tokenInfo();
    } catch (e) {
      expect(e).toBeInstanceOf(CloudError);
      expect((e as CloudError).status, label).toBe(401);
      valid = false;
    }
    expect(valid, `session ${label}`).toBe(shouldValidate);
  }
  // the modules' own invariants
  for (const inv of invariants) inv.check(model, real);
}

let sessionValidity: (m: CloudModel, label: string) => boolean = () => true;
/** The identity commands tell the harness how to predict a session's validity. */
export function predictSessions(fn: (m: CloudModel, label: string) => boolean): void {
  sessionValidity = fn;
}
