/**
 * Request traces: the inter-service steps one request actually ran (`cloud.trace(requestId)`),
 * kept in a bounded side log outside the state so snapshots stay small. The oldest request is
 * dropped first once the log holds `limit` requests.
 */
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

  constructor(readonly limit: number) {}

  begin(requestId: string, operation: string, time: number): void {
    this.log.delete(requestId);
    this.log.set(requestId, { request_id: requestId, operation, started_at: time, status: 'ok', steps: [] });
    while (this.log.size > this.limit) {
      const oldest = this.log.keys().next().value as string;
      this.log.delete(oldest);
    }
  }

  /** Moves a request's trace to another id (a failed call's id is only known once it fails). */
  rename(from: string, to: string): void {
    const t = this.log.get(from);
    if (!t) return;
    this.log.delete(from);
    t.request_id = to;
    this.log.set(to, t);
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
    return Object.freeze({ ...t, steps: Object.freeze([...t.steps]), ...(t.error ? { error: Object.freeze({ ...t.error }) } : {}) });
  }

  /** Request ids in the log, oldest first. */
  ids(): string[] {
    return [...this.log.keys()];
  }
}
