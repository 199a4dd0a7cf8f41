/**
 * The shape of the one state tree. Each module adds its slice to {@link CloudState} by interface
 * merging (`declare module '../core/index.js'`), so core never imports a higher module.
 */
import type { RngState } from './rng.js';
import type { Table } from './table.js';
import type { QuotaState } from './quota.js';
import type { BlobRow } from './blobs.js';

/** Version of the state layout (6: Swift's out-of-place index and replication scan flag; 5: revocation events indexed by the value they name, the token flush timer). `createCloud({ state })` refuses any other. */
export const SCHEMA_VERSION = 6;

/** How asynchronous work advances: at once inside each call, or only when the clock moves. */
export type Progression = 'immediate' | 'clock';

/** A pending asynchronous step (a record, never a closure): run by the handler named `kind`. */
export interface TaskRecord {
  /** Queue key: due time and sequence number, so the queue's order is (due, seq). */
  readonly key: string;
  /** Global sequence number: ties in `due` run in the order tasks were scheduled. */
  readonly seq: number;
  /** Virtual time (seconds since the epoch) at which the task is due. */
  readonly due: number;
  /** The registered handler's name, e.g. `compute.instance.spawn`. */
  readonly kind: string;
  /** Arguments for the handler: plain JSON. */
  readonly args: unknown;
  /** Request that scheduled it (its events and trace steps belong there). */
  readonly request_id: string;
}

/** The kernel's own slice: versions, clock, generator, counters, the task queue. */
export interface MetaState {
  readonly schemaVersion: number;
  /** The seed the cloud was created with. */
  readonly seed: number | string;
  readonly progression: Progression;
  readonly clock: {
    /** Seconds since `epoch`. Never decreases. */
    readonly now: number;
    /** ISO-8601 instant that virtual time 0 stands for; timestamps in views are built from it. */
    readonly epoch: string;
  };
  readonly rng: RngState;
  /** Monotonic counters by name (task sequence, per-module serials). */
  readonly counters: Record<string, number>;
  /** Work tasks: drained at once in `immediate` mode, by time in `clock` mode. */
  readonly tasks: Table<TaskRecord>;
  /** Timers (expiry, periodic checks): run only when the clock reaches them, in both modes. */
  readonly timers: Table<TaskRecord>;
  /** `[oslo_policy]` options and policy.yaml overrides, shared by every service. */
  readonly policy: PolicyConfig;
}

/** `[oslo_policy]` options and the overrides a policy.yaml would hold. */
export interface PolicyConfig {
  /** `[oslo_policy] enforce_scope` (stacksim default true; Zed's false). */
  readonly enforce_scope: boolean;
  /** `[oslo_policy] enforce_new_defaults` (stacksim default true; Zed's false). */
  readonly enforce_new_defaults: boolean;
  /** Rule name → check string. */
  readonly rules: Readonly<Record<string, string>>;
}

/**
 * The root of the state: a plain, frozen, JSON-serialisable tree with one slice per module.
 * Modules extend it by interface merging.
 */
export interface CloudState {
  readonly meta: MetaState;
  readonly quota: QuotaState;
  readonly blobs: Table<BlobRow>;
}
