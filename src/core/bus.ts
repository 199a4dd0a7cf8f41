/**
 * The one event bus (eventemitter3), for observers only: no state change ever depends on a
 * listener. Event names are OpenStack notification `event_type`s; each module adds its events to
 * {@link CloudEventMap} by interface merging. Every notification is frozen and emitted after the
 * commit of the call that caused it. A listener that throws never breaks a call: its error goes
 * to the `'error'` event.
 */
import { EventEmitter } from 'eventemitter3';

/** Payload types by event name. Modules merge their events in. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface CloudEventMap {}

/** An oslo.messaging-style notification envelope. */
export interface Notification<P = unknown, N extends string = string> {
  readonly event_type: N;
  /** `<service>.<host>`, e.g. `compute.compute-1` or `hardware.controller`. */
  readonly publisher_id: string;
  readonly priority: 'INFO' | 'WARN' | 'ERROR';
  /** Virtual time of the event, ISO-8601. */
  readonly timestamp: string;
  /** Virtual time in seconds since the cloud's epoch. */
  readonly time: number;
  readonly request_id: string;
  readonly payload: P;
}

/** What a listener failure reports. */
export interface ListenerError {
  readonly error: unknown;
  readonly event: Notification;
}

/** Listener signatures: one per event, plus `'*'` for every notification and `'error'`. */
export type CloudEventListeners = {
  [K in keyof CloudEventMap & string]: (n: Notification<CloudEventMap[K], K>) => void;
} & {
  '*': (n: Notification) => void;
  error: (e: ListenerError) => void;
};

type AnyListener = (...args: unknown[]) => void;
type Names = EventEmitter.EventNames<CloudEventListeners>;
type Listener<T extends Names> = EventEmitter.EventListener<CloudEventListeners, T>;
type Guarded = AnyListener & { original?: AnyListener };

/**
 * The typed bus: `cloud.events.on('hardware.host.failed', n => …)`. An eventemitter3 emitter
 * whose listeners are guarded: one that throws is reported on `'error'` and the others still run.
 */
export class EventBus extends EventEmitter<CloudEventListeners> {
  private guard(event: unknown, fn: AnyListener): Guarded {
    if (event === 'error') return fn;
    const guarded: Guarded = (...args: unknown[]) => {
      try {
        fn(...args);
      } catch (error) {
        this.reportListenerError(error, args[0] as Notification);
      }
    };
    guarded.original = fn;
    return guarded;
  }

  private reportListenerError(error: unknown, event: Notification): void {
    for (const onError of (this as EventEmitter<string>).listeners('error')) {
      try {
        (onError as (x: ListenerError) => void)({ error, event });
      } catch {
        // an error listener that throws is ignored: nothing may break a committed call
      }
    }
  }

  override on<T extends Names>(event: T, fn: Listener<T>, context?: unknown): this {
    return super.on(event, this.guard(event, fn as AnyListener) as Listener<T>, context);
  }

  override addListener<T extends Names>(event: T, fn: Listener<T>, context?: unknown): this {
    return this.on(event, fn, context);
  }

  override once<T extends Names>(event: T, fn: Listener<T>, context?: unknown): this {
    return super.once(event, this.guard(event, fn as AnyListener) as Listener<T>, context);
  }

  override off<T extends Names>(event: T, fn?: Listener<T>, context?: unknown, once?: boolean): this {
    if (fn === undefined) return super.off(event, undefined, context, once);
    for (const l of super.listeners(event) as Guarded[]) {
      if (l.original === (fn as unknown) || l === (fn as unknown)) super.off(event, l as Listener<T>, context, once);
    }
    return this;
  }

  override removeListener<T extends Names>(event: T, fn?: Listener<T>, context?: unknown, once?: boolean): this {
    return this.off(event, fn, context, once);
  }
}

/** A new bus. */
export function createBus(): EventBus {
  return new EventBus();
}

/** Delivers a notification to its listeners, then to `'*'` listeners. Never throws. */
export function deliver(bus: EventBus, n: Notification): void {
  const untyped = bus as unknown as EventEmitter<string>;
  untyped.emit(n.event_type, n);
  untyped.emit('*', n);
}
