/**
 * The kernel every module runs on: the committed state, atomic calls, the seeded generator,
 * the virtual clock and its task queue, synchronous cross-module hooks, the event bus, quotas
 * and the request trace log.
 *
 * A public call is `kernel.transact(operation, tx => …)`: it opens an immer draft, runs the
 * command against it, drains immediate work, commits with one `finishDraft`, and only then
 * delivers the notifications it queued. If anything throws, the draft is dropped and
 * `kernel.state` is the very object it was before. A call made while another is open (a nested
 * call or `batch`) joins that draft, so the whole batch commits or nothing does.
 */
import { createDraft, finishDraft, current, isDraft, freeze, type Draft } from 'immer';
import { CloudError, BadRequest, InvalidInput } from './errors.js';
import { SCHEMA_VERSION, type CloudState, type PolicyConfig, type Progression, type TaskRecord } from './state.js';
import { randomOver, rngNextU32, type Random, type RngState } from './rng.js';
import { formatUuid, idSource, type IdSource } from './ids.js';
import { createBus, deliver, type CloudEventMap, type EventBus, type Notification } from './bus.js';
import { QuotaRegistry } from './quota.js';
import { deleteRow, emptyTable, firstEntry, setRow } from './table.js';
import { peek } from './drafts.js';
export { peek } from './drafts.js';
import { TraceLog, type TraceStep } from './trace.js';
import { Memo, memoSlot } from './memo.js';
import { deepFreeze, freezeView } from './freeze.js';
import * as v from './validate.js';

/** Synchronous cross-module hooks by name. Modules merge their hook points in. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface CloudHooks {}

/** A handler for a scheduled task kind. Runs inside a transaction; must not throw for expected failures. */
export type TaskHandler = (tx: Tx, args: unknown) => void;

/** What a command sees while it runs: the draft and the services of the kernel. */
export interface Tx {
  /** The mutable draft of the whole state. */
  readonly draft: Draft<CloudState>;
  /** The request this work belongs to (a task's original request while a task runs). */
  readonly requestId: string;
  /** The seeded generator (its words live in the draft). */
  readonly random: Random;
  /** Ids drawn from the seeded generator. */
  readonly ids: IdSource;
  /** The quota registry; its methods take `draft.quota`. */
  readonly quotas: QuotaRegistry;
  /** Virtual time now, in seconds since the epoch. */
  now(): number;
  /** ISO-8601 timestamp of a virtual time (default: now), as OpenStack's `created_at`. */
  iso(time?: number): string;
  /**
   * Queues a notification, delivered after the commit. Pass a function to build the payload only
   * when someone listens (to the event or to `'*'`); with no listener nothing is built or queued.
   */
  emit<K extends keyof CloudEventMap & string>(event: K, payload: CloudEventMap[K] | (() => CloudEventMap[K]), options?: EmitOptions): void;
  /** Records a step of this request's trace (`cloud.trace(requestId)`). */
  trace(service: string, action: string, detail?: Readonly<Record<string, unknown>>): void;
  /** Schedules asynchronous work `delay` seconds after the current step. */
  schedule(kind: string, args: unknown, delay: number): void;
  /** Schedules a timer at an absolute virtual time; it runs only when the clock reaches it. */
  scheduleAt(kind: string, args: unknown, at: number): void;
  /** Runs every handler registered for a hook, in registration order, inside this transaction. */
  hook<K extends keyof CloudHooks & string>(name: K, ...args: HookArgs<K>): void;
  /** The next value of a named counter in `state.meta.counters` (starts at 1). */
  counter(name: string): number;
  /** The kernel's derived data ({@link Kernel.memo}). */
  readonly memo: Memo;
}

/** Options of {@link Tx.emit}. */
export interface EmitOptions {
  /** `publisher_id`, e.g. `compute.compute-1`; defaults to the event's service prefix. */
  readonly publisher?: string;
  readonly priority?: Notification['priority'];
}

type HookFn<K extends keyof CloudHooks> = CloudHooks[K] extends (tx: Tx, ...args: infer A) => void ? (tx: Tx, ...args: A) => void : never;
type HookArgs<K extends keyof CloudHooks> = CloudHooks[K] extends (tx: Tx, ...args: infer A) => void ? A : never;

/** Tasks one call may run before the kernel decides a task loops forever. */
export const MAX_TASKS_PER_CALL = 1_000_000;

/** 400: an attempt to move the virtual clock backwards. */
export class ClockWentBackwards extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ClockWentBackwards';
  constructor(requested: number) {
    super('core.clock.backwards', `The virtual clock never goes backwards: cannot advance by ${requested} seconds; give a duration >= 0.`, { requested });
  }
}

/**
 * The last instant the virtual clock reaches: Python's `datetime.max` (9999-12-31T23:59:59Z),
 * beyond which no OpenStack service could print a timestamp (and JavaScript's Date would fail).
 */
export const LAST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/** 400: a virtual time past {@link LAST_INSTANT_MS}. */
export class ClockOutOfRange extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ClockOutOfRange';
  constructor(field: string, requested: number, latest: number) {
    super('core.clock.out_of_range', `${field}: the virtual clock ends at 9999-12-31T23:59:59Z (Python's datetime.max), ${latest} seconds after the cloud's epoch; got ${requested}.`, { field, requested, latest });
  }
}

/** The last virtual second a cloud whose clock starts at `epoch` can reach. */
export function latestTime(epoch: string): number {
  return Math.floor((LAST_INSTANT_MS - Date.parse(epoch)) / 1000);
}

/** 500: a task kind with no registered handler, or tasks that never stop scheduling tasks. */
export class TaskFailure extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'TaskFailure';
  constructor(code: string, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(500, code, message, details);
  }
}

interface OpenTx {
  tx: TxImpl;
  events: Notification[];
  /** Set when a nested call threw: the batch must not commit, even if the error was caught. */
  failed?: { error: unknown };
}

/** Encodes (due, seq) as a key whose string order is the queue order. */
function taskKey(due: number, seq: number): string {
  return `${Math.round(due * 1e6).toString().padStart(17, '0')}:${seq.toString().padStart(12, '0')}`;
}

/** Returns a copy of `value` with no immer drafts inside, deeply frozen. */
export function detach<T>(value: T): T {
  return deepFreeze(detached(value)) as T;
}

/** {@link detach}'s copy, before the freeze (one function, not one made per call). */
function detached(x: unknown): unknown {
  if (x === null || typeof x !== 'object' || Object.isFrozen(x)) return x; // frozen: committed, share it
  if (isDraft(x)) return current(x);
  if (Array.isArray(x)) return x.map(detachedItem);
  if (Object.getPrototypeOf(x) !== Object.prototype) return x;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(x)) out[k] = detached((x as Record<string, unknown>)[k]);
  return out;
}

/** {@link detached} for `Array.prototype.map`, which passes the index and the array too. */
function detachedItem(x: unknown): unknown {
  return detached(x);
}

/** A row read during a call may be a draft: `plain` gives the committed or current value. */
export function plain<T>(value: T): T {
  return isDraft(value) ? (current(value as object) as T) : value;
}

class TxImpl implements Tx {
  private ownId: string | undefined;
  private taskId: string | undefined;
  /** Time that children of the running step count from (a task's due time while it runs). */
  stepTime: number;
  /** The generator's words for this call: a plain copy, written back to the draft once at commit. */
  private readonly words: RngState;
  /** The committed words this call started from. */
  private readonly base: RngState;
  private randomSource: Random | undefined;
  private idGenerators: IdSource | undefined;
  /**
   * Work tasks this call scheduled, in queue order, not yet in `meta.tasks`: most run in this
   * same call (`immediate` mode), so they never touch the table — a boot schedules four. What is
   * left goes into the table at the commit ({@link flushTasks}); {@link Kernel.drain} takes from
   * both in (due, seq) order.
   */
  readonly scheduled: TaskRecord[] = [];

  constructor(
    readonly draft: Draft<CloudState>,
    private readonly kernel: Kernel,
    private readonly open: OpenTx,
    private readonly operation: string,
  ) {
    // read the committed state, not the draft: they are equal here, and no proxy gets made
    const base = kernel.state.meta;
    const [a, b, c, d] = base.rng;
    this.words = [a, b, c, d];
    this.base = base.rng;
    this.stepTime = base.clock.now;
  }

  /**
   * The request id, drawn from the generator on first use: a call that only reads (an empty
   * batch) draws nothing and so leaves the state the same object.
   */
  get requestId(): string {
    if (this.taskId !== undefined) return this.taskId;
    if (this.ownId === undefined) {
      this.ownId = this.ids.requestId();
      this.kernel.began(this.ownId, this.operation, this.stepTime);
    }
    return this.ownId;
  }

  get random(): Random {
    return (this.randomSource ??= randomOver(() => this.words));
  }

  get ids(): IdSource {
    return (this.idGenerators ??= idSource(this.random));
  }

  /** Writes the generator's words back to the draft if this call drew anything. */
  flushRandom(): void {
    const w = this.words;
    const b = this.base;
    if (w[0] !== b[0] || w[1] !== b[1] || w[2] !== b[2] || w[3] !== b[3]) this.draft.meta.rng = [w[0], w[1], w[2], w[3]];
  }

  /** The call's own request id, if one was drawn. */
  get drawnId(): string | undefined {
    return this.ownId;
  }

  /** While a task runs, its work belongs to the request that scheduled it. */
  actFor(requestId: string | undefined): void {
    this.taskId = requestId;
  }

  get quotas(): QuotaRegistry {
    return this.kernel.quotas;
  }

  get memo(): Memo {
    return this.kernel.memo;
  }

  now(): number {
    return peek(this.draft.meta, 'clock').now;
  }

  iso(time = this.now()): string {
    return isoFrom(instantIn(this.kernel.memo, peek(this.draft.meta, 'clock').epoch, time));
  }

  emit<K extends keyof CloudEventMap & string>(event: K, payload: CloudEventMap[K] | (() => CloudEventMap[K]), options: EmitOptions = {}): void {
    if (!this.kernel.isObserved(event)) return; // nobody listens: build nothing
    const time = this.now();
    this.open.events.push({
      event_type: event,
      publisher_id: options.publisher ?? (event as string).split('.')[0] ?? event,
      priority: options.priority ?? 'INFO',
      timestamp: timestampFrom(instantIn(this.kernel.memo, peek(this.draft.meta, 'clock').epoch, time)),
      time,
      request_id: this.requestId,
      payload: detach(typeof payload === 'function' ? (payload as () => CloudEventMap[K])() : payload),
    });
  }

  trace(service: string, action: string, detail?: Readonly<Record<string, unknown>>): void {
    this.kernel.traces.step(this.requestId, { time: this.now(), service, action, ...(detail ? { detail: detach(detail) } : {}) });
  }

  schedule(kind: string, args: unknown, delay: number): void {
    v.number(delay, 'delay', 0);
    const record = this.record(kind, args, this.stepTime + delay);
    // keys grow with seq, so a task lands last unless an earlier-due one follows a later one
    const queue = this.scheduled;
    let i = queue.length;
    while (i > 0 && (queue[i - 1] as TaskRecord).key > record.key) i--;
    queue.splice(i, 0, record);
  }

  scheduleAt(kind: string, args: unknown, at: number): void {
    v.number(at, 'at', 0);
    const record = this.record(kind, args, at);
    setRow(this.draft.meta.timers, record.key, record);
  }

  private record(kind: string, args: unknown, due: number): TaskRecord {
    if (!this.kernel.hasTask(kind)) throw new TaskFailure('core.task.unknown_kind', `No handler is registered for task kind '${kind}'.`, { kind });
    const seq = this.counter('task');
    return Object.freeze({ key: taskKey(due, seq), seq, due, kind, args: detach(args), request_id: this.requestId });
  }

  /** Moves the work tasks still pending in {@link scheduled} into `meta.tasks` (before the commit). */
  flushTasks(): void {
    if (this.scheduled.length === 0) return;
    const table = this.draft.meta.tasks;
    for (const record of this.scheduled) setRow(table, record.key, record);
    this.scheduled.length = 0;
  }

  hook<K extends keyof CloudHooks & string>(name: K, ...args: HookArgs<K>): void {
    for (const fn of this.kernel.hookHandlers(name)) (fn as (tx: Tx, ...a: unknown[]) => void)(this, ...(args as unknown[]));
  }

  counter(name: string): number {
    const next = (this.draft.meta.counters[name] ?? 0) + 1;
    this.draft.meta.counters[name] = next;
    return next;
  }
}

/** A request id from the stream outside the state: the generator at `words`, four draws, shaped as `req-<uuid4>`. */
function streamId(words: RngState): string {
  let hex = '';
  rngNextU32(words); // xoshiro's first output reads one word only: let the others mix in first
  for (let i = 0; i < 4; i++) hex += rngNextU32(words).toString(16).padStart(8, '0');
  return `req-${formatUuid(hex)}`;
}

/** Objects a kernel already froze deeply or found frozen deeply when handing them out ({@link freezeView}). */
const FROZEN = memoSlot<void, WeakSet<object>>('core.frozenViews');

/** The instant `time` virtual seconds after `epoch`, as UTC parts with microseconds. */
interface Instant {
  readonly date: string;
  readonly time: string;
  readonly micros: number;
}

function computeInstant(epochMs: number, time: number): Instant {
  const totalMicros = Math.round(epochMs * 1000 + time * 1e6);
  if (!(totalMicros <= LAST_INSTANT_MS * 1000 + 999_999)) throw new ClockOutOfRange('time', time, Math.floor((LAST_INSTANT_MS - epochMs) / 1000));
  const iso = new Date(Math.floor(totalMicros / 1000)).toISOString(); // deterministic: built from virtual time, never from the wall clock
  return { date: iso.slice(0, 10), time: iso.slice(11, 19), micros: totalMicros - Math.floor(totalMicros / 1e6) * 1e6 };
}

/** A kernel's last instant: the clock stands still between advances, so calls mostly ask for the same one. */
const LAST_INSTANT = memoSlot<void, { epoch: string; epochMs: number; at: number; instant: Instant | undefined }>('core.lastInstant');

function instantIn(memo: Memo, epoch: string, time: number): Instant {
  const last = memo.cell(LAST_INSTANT, () => ({ epoch: '', epochMs: 0, at: 0, instant: undefined }));
  if (last.instant !== undefined && last.epoch === epoch && last.at === time) return last.instant;
  if (last.epoch !== epoch || last.instant === undefined) {
    last.epoch = epoch;
    last.epochMs = Date.parse(epoch);
  }
  last.at = time;
  last.instant = computeInstant(last.epochMs, time);
  return last.instant;
}

function isoFrom(t: Instant, subsecond = false): string {
  return `${t.date}T${t.time}${t.micros || subsecond ? `.${String(t.micros).padStart(6, '0')}` : ''}Z`;
}

function timestampFrom(t: Instant): string {
  return `${t.date} ${t.time}${t.micros ? `.${String(t.micros).padStart(6, '0')}` : ''}`;
}

/**
 * ISO-8601 UTC timestamp of virtual second `time` after `epoch`, as OpenStack APIs print
 * `created_at`: `2022-10-05T00:00:10Z`, with microseconds only when there are any, or always
 * with `subsecond` (Keystone's `isotime(subsecond=True)`: `2022-10-05T00:00:10.000000Z`). With a
 * kernel's `memo`, the last instant asked for is kept there (the clock mostly stands still).
 */
export function isoAt(epoch: string, time: number, subsecond = false, memo?: Memo): string {
  return isoFrom(memo === undefined ? computeInstant(Date.parse(epoch), time) : instantIn(memo, epoch, time), subsecond);
}

/** A notification's `timestamp` as oslo.messaging writes it (`str(datetime)`): `2022-10-05 00:00:10.250000`. */
export function notificationTimestamp(epoch: string, time: number, memo?: Memo): string {
  return timestampFrom(memo === undefined ? computeInstant(Date.parse(epoch), time) : instantIn(memo, epoch, time));
}

/** Options of {@link Kernel}. */
export interface KernelOptions {
  /** How many requests' traces the side log keeps (oldest dropped first). Default 1000. */
  readonly traceLimit?: number;
}

/** The machinery under a Cloud. Modules receive it at install time; users meet it through `Cloud`. */
export class Kernel {
  private committed: CloudState;
  private open: OpenTx | undefined;
  private readonly hooks = new Map<string, ((tx: Tx, ...args: never[]) => void)[]>();
  private readonly tasks = new Map<string, TaskHandler>();
  /** The one event bus. */
  readonly bus: EventBus = createBus();
  /** Quota resources registered by the services. */
  readonly quotas = new QuotaRegistry();
  /** The bounded side log of request traces (outside the state). */
  readonly traces: TraceLog;
  /**
   * Derived data (parsed rules, checked configurations, the scheduler's host index…): never
   * serialised, never observable, this kernel's own (a fork's kernel has a new one).
   */
  readonly memo = new Memo();
  /** Request id of the last top-level call (committed, failed, or a read: see {@link call}). */
  get lastRequestId(): string | undefined {
    const read = this.pendingRead;
    if (read !== undefined) {
      this.pendingRead = undefined;
      this.lastId = streamId(read.words);
      this.traces.begin(this.lastId, read.operation, read.time);
    }
    return this.lastId;
  }

  set lastRequestId(id: string | undefined) {
    this.pendingRead = undefined;
    this.lastId = id;
  }

  private lastId: string | undefined;
  /**
   * The last call when it was a read that nobody asked the id of yet: its id is made when asked
   * (most reads are never asked), from the words it would have been made from then.
   */
  private pendingRead: { readonly operation: string; readonly words: RngState; readonly time: number } | undefined;
  /** Request ids taken from the stream outside the state so far (failed calls, reads; see {@link failureId}). */
  private failures = 0;
  /** Request ids given so far, in a call or outside the state: how {@link call} tells whether a call got one. */
  private issued = 0;
  /** Whether a public call (see {@link call}) is running. */
  private inCall = false;
  /**
   * What a top-level call's result is handed to before it is frozen; the call returns what this
   * returns. The Cloud sets it to `stacksim/render`'s `presentable`, which gives lists, traces,
   * scheduling results and rings a non-enumerable way to draw themselves in notebooks (the kernel
   * knows nothing of pictures).
   */
  present: (<R>(result: R) => R) | undefined;

  constructor(state: CloudState, options: KernelOptions = {}) {
    this.committed = freeze(state, true);
    this.traces = new TraceLog(v.optional(options.traceLimit, 'traceLimit', (x, f) => v.integer(x, f, 1), 1000));
  }

  /** The committed state: frozen, shared with every snapshot taken of it. */
  get state(): CloudState {
    return this.committed;
  }

  /** What queries read: the open draft during a call or batch, else the committed state. */
  view(): CloudState {
    return this.open ? (this.open.tx.draft as CloudState) : this.committed;
  }

  /** Whether a call or batch is open. */
  get busy(): boolean {
    return this.open !== undefined;
  }

  /** Registers a handler for a hook point (called by the module that reacts). */
  hook<K extends keyof CloudHooks & string>(name: K, fn: HookFn<K>): void {
    const list = this.hooks.get(name) ?? [];
    list.push(fn as (tx: Tx, ...args: never[]) => void);
    this.hooks.set(name, list);
  }

  /** The handlers of a hook, in registration order. */
  hookHandlers(name: string): readonly ((tx: Tx, ...args: never[]) => void)[] {
    return this.hooks.get(name) ?? [];
  }

  /** Registers the handler of a task kind (a module does this once at install). */
  defineTask(kind: string, handler: TaskHandler): void {
    if (this.tasks.has(kind)) throw new BadRequest('core.task.duplicate_kind', `Task kind '${kind}' is already defined.`, { kind });
    this.tasks.set(kind, handler);
  }

  /** Whether a task kind has a handler. */
  hasTask(kind: string): boolean {
    return this.tasks.has(kind);
  }

  /**
   * Runs `fn` as one atomic call named `operation`. Nested inside an open call it joins that
   * call's draft. Returns what `fn` returns; it must not return drafts (use {@link detach}).
   */
  transact<R>(operation: string, fn: (tx: Tx) => R): R {
    if (this.open) {
      const open = this.open;
      open.tx.trace('stacksim', operation);
      try {
        return fn(open.tx);
      } catch (error) {
        // the draft may hold half of this call: the enclosing batch can no longer commit
        open.failed ??= { error };
        throw error;
      }
    }
    const draft = createDraft(this.committed);
    const open: OpenTx = { tx: undefined as unknown as TxImpl, events: [] };
    const tx = new TxImpl(draft, this, open, operation);
    open.tx = tx;
    this.open = open;
    let result: R;
    let next: CloudState;
    try {
      result = fn(tx);
      // a call inside the batch failed and its error was caught: all or nothing, so nothing
      if (open.failed) throw open.failed.error;
      if (draft.meta.progression === 'immediate') this.drain(tx, 'immediate');
      tx.flushTasks();
      tx.flushRandom();
      next = finishDraft(draft) as CloudState;
    } catch (error) {
      this.open = undefined;
      const id = this.failureId(tx, operation);
      if (error instanceof CloudError && error.requestId === undefined) error.requestId = id;
      this.traces.fail(id, error);
      this.lastRequestId = id;
      throw error;
    }
    this.open = undefined;
    this.committed = next;
    for (const n of open.events) deliver(this.bus, n);
    return result;
  }

  /**
   * The request id of a failed call. The state rolls back, so the generator does too and the
   * next call would draw the id this one drew; a failed call therefore gets its id from a
   * second stream (the generator's words mixed with a count of failures, kept outside the
   * state), and its trace moves there. Deterministic for a given sequence of calls.
   */
  private failureId(tx: TxImpl, operation: string): string {
    const id = streamId(this.outsideWords(tx.draft.meta.rng as RngState));
    this.issued += 1;
    const drawn = tx.drawnId;
    if (drawn !== undefined) this.traces.rename(drawn, id);
    else this.traces.begin(id, operation, tx.stepTime);
    return id;
  }

  /**
   * Runs one public API call (a session's, the cloud's or an operator API's method; the REST
   * layer's one request): whatever it does, it gets a request id and a trace — a write has the
   * id its transaction drew; a read, or a call that fails before or without a transaction, gets
   * one from the stream outside the state (so it leaves the state the same object), and a
   * `CloudError` it throws carries it (`X-Openstack-Request-Id`). What it returns is frozen
   * deeply ({@link freezeView}). A call made inside another one, or inside a batch, is part of it.
   */
  call<R>(operation: string, fn: () => R): R {
    if (this.inCall || this.open !== undefined) return freezeView(fn(), this.memo.cell(FROZEN, () => new WeakSet()));
    this.inCall = true;
    const issued = this.issued;
    try {
      const result = fn();
      if (this.issued === issued) {
        this.issued += 1;
        this.pendingRead = { operation, words: this.outsideWords(), time: this.committed.meta.clock.now };
      }
      return freezeView(this.present === undefined ? result : this.present(result), this.memo.cell(FROZEN, () => new WeakSet()));
    } catch (error) {
      if (this.issued === issued) {
        const id = this.outsideId(operation);
        this.traces.fail(id, error);
        if (error instanceof CloudError && error.requestId === undefined) error.requestId = id;
      } else if (error instanceof CloudError && error.requestId === undefined) {
        error.requestId = this.lastRequestId;
      }
      throw error;
    } finally {
      this.inCall = false;
    }
  }

  /** A request id for a call that drew none, from the stream outside the state; opens its trace. */
  private outsideId(operation: string): string {
    const id = streamId(this.outsideWords());
    this.issued += 1;
    this.lastRequestId = id;
    this.traces.begin(id, operation, this.committed.meta.clock.now);
    return id;
  }

  /** The next words of the stream outside the state: the committed generator mixed with a count of its ids. */
  private outsideWords(rng: RngState = this.committed.meta.rng): RngState {
    this.failures += 1;
    const [a, b, c, d] = rng;
    return [(a ^ this.failures) >>> 0, (b ^ Math.imul(this.failures, 0x85ebca6b)) >>> 0, (c ^ 0x9e3779b9) >>> 0, d];
  }

  /** Whether any listener would receive `event` (directly or through `'*'`). */
  isObserved(event: string): boolean {
    const bus = this.bus as unknown as { listenerCount(e: string): number };
    return bus.listenerCount(event) > 0 || bus.listenerCount('*') > 0;
  }

  /** @internal a call drew its request id: open its trace. */
  began(requestId: string, operation: string, time: number): void {
    this.issued += 1;
    this.lastRequestId = requestId;
    this.traces.begin(requestId, operation, time);
  }

  /** Replaces the whole state (restore). Refused while a call or batch is open. */
  replace(state: CloudState): void {
    if (this.open) throw new BadRequest('core.state.busy', 'Cannot restore a snapshot inside a call or batch; restore after it ends.');
    this.committed = freeze(state, true);
  }

  /**
   * Runs queued work in (due, seq) order inside `tx`.
   * - `immediate`: every work task, clock untouched (children count from their parent's due
   *   time, so the order is the one `clock` mode would give); timers only if already due.
   * - `{ until }`: tasks and timers due by then, moving the clock to each one's due time.
   * - `idle`: every work task, and the timers due before each, moving the clock.
   */
  drain(tx: Tx, mode: 'immediate' | 'idle' | { readonly until: number }): void {
    const impl = tx as TxImpl;
    const meta = impl.draft.meta;
    for (let count = 0; ; count++) {
      // the queues and the clock are read without drafting them: most calls leave them as they are
      const stored = firstEntry(peek(meta, 'tasks'))?.[1];
      const local = impl.scheduled[0];
      const task = local !== undefined && (stored === undefined || local.key < stored.key) ? local : stored;
      const timer = firstEntry(peek(meta, 'timers'))?.[1];
      const until = typeof mode === 'object' ? mode.until : undefined;
      const taskOk = task !== undefined && (until === undefined || task.due <= until);
      const clockNow = peek(meta, 'clock').now;
      const timerHorizon = until ?? (mode === 'idle' && task ? Math.max(clockNow, task.due) : clockNow);
      const timerOk = timer !== undefined && timer.due <= timerHorizon;
      const useTask = taskOk && (!timerOk || (task as TaskRecord).key < (timer as TaskRecord).key);
      if (!useTask && !timerOk) break;
      if (count >= MAX_TASKS_PER_CALL) throw new TaskFailure('core.task.runaway', `More than ${MAX_TASKS_PER_CALL} tasks ran in one call; a task keeps scheduling work.`);
      const record = plain((useTask ? task : timer) as TaskRecord);
      if (useTask && task === local) impl.scheduled.shift();
      else deleteRow(useTask ? meta.tasks : meta.timers, record.key);
      if (mode !== 'immediate' && record.due > peek(meta, 'clock').now) meta.clock.now = record.due;
      const handler = this.tasks.get(record.kind);
      if (!handler) throw new TaskFailure('core.task.unknown_kind', `No handler is registered for task kind '${record.kind}'.`, { kind: record.kind });
      impl.actFor(record.request_id);
      impl.stepTime = record.due;
      try {
        handler(impl, record.args);
      } finally {
        impl.actFor(undefined);
        impl.stepTime = peek(meta, 'clock').now;
      }
    }
  }

  /** Moves the clock forward by `seconds`, running what falls due on the way. One call. */
  advance(seconds: unknown): number {
    if (typeof seconds === 'number' && seconds < 0) throw new ClockWentBackwards(seconds);
    const s = v.number(seconds, 'seconds', 0);
    return this.transact('clock.advance', (tx) => {
      const target = tx.now() + s;
      const latest = latestTime(peek(tx.draft.meta, 'clock').epoch);
      if (target > latest) throw new ClockOutOfRange('seconds', s, latest - tx.now());
      this.drain(tx, { until: target });
      tx.draft.meta.clock.now = target;
      return target;
    });
  }

  /** Runs every pending work task (moving the clock in `clock` mode). One call. */
  runUntilIdle(): number {
    return this.transact('clock.run', (tx) => {
      this.drain(tx, tx.draft.meta.progression === 'clock' ? 'idle' : 'immediate');
      return tx.now();
    });
  }
}

/** The state a new cloud starts from, before any module adds its slice. */
export function initialMeta(seed: number | string, progression: Progression, epoch: string, rng: [number, number, number, number], policy: PolicyConfig = { enforce_scope: true, enforce_new_defaults: true, rules: {} }): CloudState['meta'] {
  return {
    schemaVersion: SCHEMA_VERSION,
    seed,
    progression,
    clock: { now: 0, epoch },
    rng,
    counters: {},
    tasks: emptyTable(),
    timers: emptyTable(),
    policy,
  };
}

export type { TraceStep };
