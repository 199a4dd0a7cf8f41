/**
 * Request traces: the inter-service steps one request actually ran (`cloud.trace(requestId)`),
 * kept in a bounded side log outside the state so snapshots stay small. The oldest request is
 * dropped first once the log holds `limit` requests.
 */
import { freezeView } from './freeze.js';
import { CloudError } from './errors.js';

/** One step of a request: which service did what, at which virtual time. */
export interface TraceStep {
  readonly time: number;
  /** `keystone`, `nova-api`, `nova-scheduler`, `placement`, `hardware`, … */
  readonly service: string;
  readonly action: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** The trace of one request. */
export interface Trace {
  readonly request_id: string;
  /** The public call that started it, e.g. `hardware.addHost`. */
  readonly operation: string;
  readonly started_at: number;
  readonly status: 'ok' | 'error';
  readonly error?: { readonly status: number; readonly code: string; readonly message: string };
  readonly steps: readonly TraceStep[];
}

interface MutableTrace {
  request_id: string;
  operation: string;
  started_at: number;
  status: 'ok' | 'error';
  error?: { status: number; code: string; message: string };
  steps: TraceStep[];
}

/** The side log of request traces, oldest dropped first. */
export class TraceLog {
  private readonly log = new Map<string, MutableTrace>();
  /**
   * The request ids in the order they entered the log (the map's order), oldest from `head` on,
   * so the oldest is found at once: asking the map for its first key walks over the slots its
   * deletions left, which grow with every request the log drops. An entry is current while `at`
   * holds its number for its id; one whose id left the log or entered it again is skipped.
   */
  private order: { readonly id: string; readonly n: number }[] = [];
  private head = 0;
  private readonly at = new Map<string, number>();
  private entered = 0;

  constructor(readonly limit: number) {}

  begin(requestId: string, operation: string, time: number): void {
    this.log.delete(requestId);
    this.enter(requestId, { request_id: requestId, operation, started_at: time, status: 'ok', steps: [] });
  }

  /** Moves a request's trace to another id (a failed call's id is only known once it fails). */
  rename(from: string, to: string): void {
    const t = this.log.get(from);
    if (!t) return;
    this.log.delete(from);
    this.at.delete(from);
    t.request_id = to;
    this.log.delete(to);
    this.enter(to, t);
  }

  /** Puts a trace last in the log (as `Map.set` after a delete does) and drops the oldest beyond the limit. */
  private enter(requestId: string, t: MutableTrace): void {
    this.log.set(requestId, t);
    const n = ++this.entered;
    this.at.set(requestId, n);
    this.order.push({ id: requestId, n });
    while (this.log.size > this.limit) {
      const oldest = this.order[this.head++] as { id: string; n: number };
      if (this.at.get(oldest.id) !== oldest.n) continue;
      this.at.delete(oldest.id);
      this.log.delete(oldest.id);
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  step(requestId: string, step: TraceStep): void {
    this.log.get(requestId)?.steps.push(Object.freeze(step));
  }

  fail(requestId: string, error: unknown): void {
    const t = this.log.get(requestId);
    if (!t) return;
    t.status = 'error';
    t.error = error instanceof CloudError
      ? { status: error.status, code: error.code, message: error.message }
      : { status: 500, code: 'core.internal', message: error instanceof Error ? error.message : String(error) };
  }

  /** A frozen copy of a request's trace, or undefined when unknown or dropped. */
  get(requestId: string): Trace | undefined {
    const t = this.log.get(requestId);
    if (!t) return undefined;
    return freezeView({ ...t, steps: [...t.steps], ...(t.error ? { error: { ...t.error } } : {}) }) as Trace;
  }

  /** Request ids in the log, oldest first. */
  ids(): string[] {
    return [...this.log.keys()];
  }
}
