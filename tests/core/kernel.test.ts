import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCloud, CloudError, Conflict, type Cloud, type Notification } from '../../src/index.js';
import { SCHEMA_VERSION, type Tx } from '../../src/core/index.js';

declare module '../../src/core/bus.js' {
  interface CloudEventMap {
    'test.step': { readonly label: string };
  }
}

const HOST = { cpu: { sockets: 2, cores_per_socket: 8, threads_per_core: 2 }, memory_mb: 65536 };

function empty(seed: number | string = 1, progression: 'immediate' | 'clock' = 'immediate'): Cloud {
  return createCloud({ seed, preset: 'empty', progression });
}

/** A task tree: each node emits `test.step` with its label, then schedules its children. */
interface TaskNode {
  label: string;
  delay: number;
  children: TaskNode[];
}

function installTreeTasks(cloud: Cloud): void {
  cloud.kernel.defineTask('test.node', (tx: Tx, args) => {
    const node = args as TaskNode;
    tx.emit('test.step', { label: node.label });
    for (const child of node.children) tx.schedule('test.node', child, child.delay);
  });
}

function events(cloud: Cloud): Notification[] {
  const out: Notification[] = [];
  cloud.events.on('*', (n) => out.push(n));
  return out;
}

describe('determinism', () => {
  it('same seed and same calls give the same state, ids and events; another seed gives other ids (seed 2718)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), name: fc.constantFrom('a', 'b', 'c', 'd') }),
      fc.record({ kind: fc.constant('fail' as const), name: fc.constantFrom('a', 'b', 'c', 'd') }),
      fc.record({ kind: fc.constant('remove' as const), name: fc.constantFrom('a', 'b', 'c', 'd') }),
      fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 0, max: 100 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.array(op, { maxLength: 25 }), (seed, ops) => {
        const run = (s: number) => {
          const c = empty(s);
          const seen = events(c);
          const outcomes = ops.map((o) => {
            try {
              if (o.kind === 'add') return c.hardware.addHost({ name: o.name, ...HOST }).id;
              if (o.kind === 'fail') return c.hardware.failHost(o.name).state;
              if (o.kind === 'remove') return c.hardware.removeHost(o.name);
              return c.clock.advance(o.seconds);
            } catch (e) {
              return (e as CloudError).code;
            }
          });
          return { state: JSON.stringify(c.state), outcomes, events: JSON.stringify(seen) };
        };
        const a = run(seed);
        expect(run(seed)).toEqual(a);
        const ids = a.outcomes.filter((x): x is string => typeof x === 'string' && x.length === 36);
        if (ids.length > 0) expect(run(seed + 1).outcomes).not.toEqual(a.outcomes);
      }),
      { seed: 2718, numRuns: 60 },
    );
  });

  it('ids are UUID v4 shaped, request ids are req-<uuid>', () => {
    const c = empty(3);
    const h = c.hardware.addHost({ name: 'h', ...HOST });
    expect(h.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c.lastRequestId).toMatch(/^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const macs = c.kernel.transact('test.macs', (tx) => [tx.ids.mac(), tx.ids.mac()]);
    for (const m of macs) expect(m).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    expect(macs[0]).not.toBe(macs[1]);
  });
});

describe('atomic calls', () => {
  it('a call that throws leaves cloud.state the same object and emits nothing', () => {
    const c = empty();
    c.hardware.addHost({ name: 'h1', ...HOST });
    const seen = events(c);
    const before = c.state;
    expect(() => c.hardware.addHost({ name: 'h1', ...HOST })).toThrow(CloudError);
    expect(() => c.hardware.addHost({ name: 'h2', ...HOST, memory_mb: -1 })).toThrow(/memory_mb/);
    expect(c.state).toBe(before);
    expect(seen).toEqual([]);
  });

  it('a batch commits all or nothing: a failure late in the batch undoes the earlier calls', () => {
    const c = empty();
    const before = c.state;
    const seen = events(c);
    expect(() =>
      c.batch(() => {
        c.hardware.addHost({ name: 'a', ...HOST });
        c.hardware.addHost({ name: 'b', ...HOST });
        expect(c.hardware.listHosts().map((h) => h.name)).toEqual(['a', 'b']); // reads see the open batch
        c.hardware.addHost({ name: 'a', ...HOST }); // duplicate
      }),
    ).toThrow(/already exists/);
    expect(c.state).toBe(before);
    expect(seen).toEqual([]);
    c.batch(() => {
      c.hardware.addHost({ name: 'a', ...HOST });
      c.hardware.addHost({ name: 'b', ...HOST });
    });
    expect(seen.map((n) => n.event_type)).toEqual(['hardware.host.create', 'hardware.host.create']);
    expect(seen[0]?.request_id).toBe(seen[1]?.request_id); // one batch, one request
    expect(seen[0]?.timestamp).toBe('2022-10-05 00:00:00'); // oslo.messaging's str(datetime)
  });

  it('a batch whose inner call failed never commits, even when the caller caught the error', () => {
    const c = empty();
    c.kernel.hook('hardware.host.added', (_tx, host) => {
      if (host.name === 'bad') throw new Error('hook refuses after the row was written');
    });
    const before = c.state;
    expect(() =>
      c.batch(() => {
        c.hardware.addHost({ name: 'a', ...HOST });
        try {
          c.hardware.addHost({ name: 'bad', ...HOST }); // half-applied in the draft when it throws
        } catch {
          // swallowed by the caller
        }
        c.hardware.addHost({ name: 'b', ...HOST });
      }),
    ).toThrow('hook refuses');
    expect(c.state).toBe(before);
  });

  it('events are delivered after the commit: a listener already sees the new state', () => {
    const c = empty();
    let seenInListener: string | undefined;
    c.events.on('hardware.host.create', (n) => {
      expect(c.kernel.busy).toBe(false);
      seenInListener = c.hardware.getHost(n.payload.host.name).name;
    });
    c.hardware.addHost({ name: 'h1', ...HOST });
    expect(seenInListener).toBe('h1');
  });

  it("a listener that throws never breaks the call; its error goes to 'error' and other listeners still run", () => {
    const c = empty();
    const errors: unknown[] = [];
    let second = 0;
    const boom = () => {
      throw new Error('listener bug');
    };
    c.events.on('error', (e) => errors.push(e.error));
    c.events.on('hardware.host.create', boom);
    c.events.on('hardware.host.create', () => second++);
    const h = c.hardware.addHost({ name: 'h1', ...HOST });
    expect(h.name).toBe('h1');
    expect(second).toBe(1);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('listener bug');
    c.events.off('hardware.host.create', boom); // removal works with the original function
    c.hardware.addHost({ name: 'h2', ...HOST });
    expect(errors).toHaveLength(1);
    expect(second).toBe(2);
  });

  it('a call that changes nothing returns the same state object (no request id is drawn)', () => {
    const c = empty();
    c.hardware.addHost({ name: 'h1', ...HOST });
    const before = c.state;
    const last = c.lastRequestId;
    const names = c.batch(() => c.hardware.listHosts().map((h) => h.name));
    expect(names).toEqual(['h1']);
    expect(c.state).toBe(before);
    expect(c.lastRequestId).toBe(last);
  });
});

describe('snapshots, restore, fork, JSON', () => {
  it('old snapshots never change and are deeply frozen', () => {
    const c = empty();
    c.hardware.addHost({ name: 'h1', ...HOST });
    const snap = c.snapshot();
    const json = JSON.stringify(snap);
    c.hardware.updateHost('h1', { memory_mb: 1024 });
    c.hardware.addHost({ name: 'h2', ...HOST });
    c.hardware.removeHost('h1');
    expect(JSON.stringify(snap)).toBe(json);
    expect(Object.isFrozen(snap)).toBe(true);
    expect(Object.isFrozen(snap.hardware.hosts.root)).toBe(true);
    expect(() => {
      (snap.meta as { progression: string }).progression = 'clock';
    }).toThrow();
  });

  it('restore followed by the same calls reproduces the same ids and state (seed 99)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('add', 'fail', 'advance'), { minLength: 1, maxLength: 12 }), (ops) => {
        const c = empty(99);
        c.hardware.addHost({ name: 'base', ...HOST });
        const snap = c.snapshot();
        const play = () => {
          ops.forEach((op, i) => {
            if (op === 'add') c.hardware.addHost({ name: `x${i}`, ...HOST });
            else if (op === 'advance') c.clock.advance(i + 1);
            else if (c.hardware.getHost('base').state === 'up') c.hardware.failHost('base');
            else c.hardware.recoverHost('base');
          });
          return JSON.stringify(c.state);
        };
        const first = play();
        c.restore(snap);
        expect(c.state).toBe(snap);
        expect(play()).toBe(first);
      }),
      { seed: 99, numRuns: 50 },
    );
  });

  it('toJSON round-trips through createCloud({ state }) and continues identically', () => {
    const a = empty(5);
    a.hardware.addHost({ name: 'h1', ...HOST });
    const json = JSON.stringify(a);
    const b = createCloud({ state: JSON.parse(json) as object });
    expect(JSON.stringify(b.state)).toBe(json);
    const fromString = createCloud({ state: json });
    expect(JSON.stringify(fromString.state)).toBe(json);
    expect(b.hardware.addHost({ name: 'h2', ...HOST }).id).toBe(a.hardware.addHost({ name: 'h2', ...HOST }).id);
  });

  it('fork gives an independent cloud sharing the state', () => {
    const a = empty(5);
    a.hardware.addHost({ name: 'h1', ...HOST });
    const b = a.fork();
    expect(b.state).toBe(a.state);
    b.hardware.addHost({ name: 'h2', ...HOST });
    expect(a.hardware.listHosts()).toHaveLength(1);
    expect(b.hardware.listHosts()).toHaveLength(2);
  });

  it('refuses an unknown schemaVersion and malformed states with a clear 400', () => {
    const a = empty(5);
    const json = JSON.parse(JSON.stringify(a)) as { meta: { schemaVersion: number } };
    json.meta.schemaVersion = 999;
    expect(() => createCloud({ state: json })).toThrow(expect.objectContaining({ status: 400, code: 'core.state.schema_version' }));
    expect(() => createCloud({ state: '{not json' })).toThrow(expect.objectContaining({ code: 'core.state.invalid' }));
    expect(() => createCloud({ state: { meta: { schemaVersion: SCHEMA_VERSION } } })).toThrow(expect.objectContaining({ status: 400, code: 'core.state.invalid', details: { field: 'state.meta.seed' } }));
    expect(() => createCloud({ state: a.state, seed: 3 })).toThrow(expect.objectContaining({ status: 400, message: expect.stringContaining('options.seed') }));
    const before = a.state;
    expect(() => a.restore(json as never)).toThrow(expect.objectContaining({ code: 'core.state.schema_version' }));
    expect(a.state).toBe(before);
  });
});

describe('virtual clock and task queue', () => {
  it('time never goes backwards: a typed error, state unchanged', () => {
    const c = empty();
    c.clock.advance(10);
    const before = c.state;
    expect(() => c.clock.advance(-1)).toThrow(expect.objectContaining({ status: 400, code: 'core.clock.backwards' }));
    expect(() => c.clock.advance(Number.NaN)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => c.clock.advance('5' as never)).toThrow(expect.objectContaining({ status: 400 }));
    expect(c.state).toBe(before);
    expect(c.clock.now()).toBe(10);
    expect(c.clock.iso()).toBe('2022-10-05T00:00:10Z');
    expect(c.clock.iso(10.25)).toBe('2022-10-05T00:00:10.250000Z');
  });

  it('clock time is the sum of the advances, whatever their sizes (seed 31337)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 5, noNaN: true })), { maxLength: 20 }), (steps) => {
        const c = empty(1, 'clock');
        let expected = 0;
        let last = 0;
        for (const s of steps) {
          expected += s;
          c.clock.advance(s);
          expect(c.clock.now()).toBeGreaterThanOrEqual(last);
          last = c.clock.now();
        }
        expect(c.clock.now()).toBeCloseTo(expected, 9);
      }),
      { seed: 31337, numRuns: 100 },
    );
  });

  const treeOf = (depth: number): fc.Arbitrary<TaskNode> =>
    fc.record({
      label: fc.string({ minLength: 1, maxLength: 3 }),
      delay: fc.constantFrom(0, 1, 2.5, 5, 10),
      children: depth === 0 ? fc.constant([]) : fc.array(treeOf(depth - 1), { maxLength: 3 }),
    });
  const tree = treeOf(3);

  it("one call then run() emits the same events in the same order in 'immediate' and 'clock' modes (seed 4242)", () => {
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 4 }), (roots) => {
        const labels = (mode: 'immediate' | 'clock') => {
          const c = empty(1, mode);
          installTreeTasks(c);
          const seen = events(c);
          c.kernel.transact('test.start', (tx) => {
            for (const r of roots) tx.schedule('test.node', r, r.delay);
          });
          if (mode === 'clock') expect(seen).toEqual([]); // nothing runs until time moves
          c.run();
          return seen.map((n) => `${n.event_type}:${(n.payload as { label: string }).label}:${n.request_id}`);
        };
        const immediate = labels('immediate');
        expect(labels('clock')).toEqual(immediate);
      }),
      { seed: 4242, numRuns: 100 },
    );
  });

  it("in 'clock' mode tasks run in (due, scheduling) order as the clock reaches them, with their request's id", () => {
    const c = empty(1, 'clock');
    installTreeTasks(c);
    const seen = events(c);
    c.kernel.transact('test.start', (tx) => {
      tx.schedule('test.node', { label: 'late', delay: 0, children: [] }, 30);
      tx.schedule('test.node', { label: 'early', delay: 0, children: [{ label: 'child', delay: 5, children: [] }] }, 10);
      tx.schedule('test.node', { label: 'early2', delay: 0, children: [] }, 10);
    });
    const origin = c.lastRequestId;
    c.clock.advance(12);
    expect(seen.map((n) => [(n.payload as { label: string }).label, n.time])).toEqual([
      ['early', 10],
      ['early2', 10],
    ]);
    expect(c.clock.now()).toBe(12);
    c.run();
    expect(seen.map((n) => [(n.payload as { label: string }).label, n.time])).toEqual([
      ['early', 10],
      ['early2', 10],
      ['child', 15],
      ['late', 30],
    ]);
    expect(new Set(seen.map((n) => n.request_id))).toEqual(new Set([origin]));
    expect(c.trace(origin)?.steps.length).toBeGreaterThanOrEqual(0);
  });

  it('timers run only when the clock reaches them, in both modes', () => {
    for (const mode of ['immediate', 'clock'] as const) {
      const c = empty(1, mode);
      installTreeTasks(c);
      const seen = events(c);
      c.kernel.transact('test.timer', (tx) => tx.scheduleAt('test.node', { label: 'expire', delay: 0, children: [] }, 100));
      c.run();
      expect(seen).toEqual([]);
      c.clock.advance(99);
      expect(seen).toEqual([]);
      c.clock.advance(1);
      expect(seen.map((n) => n.time)).toEqual([100]);
    }
  });

  it('scheduling an unknown task kind is refused inside the call', () => {
    const c = empty();
    const before = c.state;
    expect(() => c.kernel.transact('test.bad', (tx) => tx.schedule('no.such.kind', {}, 1))).toThrow(expect.objectContaining({ code: 'core.task.unknown_kind' }));
    expect(c.state).toBe(before);
  });
});

describe('traces', () => {
  it('records the steps of each request, failed ones with their error, in a bounded side log', () => {
    const c = createCloud({ seed: 1, preset: 'empty', traceLimit: 3 });
    c.hardware.addHost({ name: 'h1', ...HOST });
    const first = c.lastRequestId as string;
    expect(c.trace(first)).toMatchObject({ operation: 'hardware.addHost', status: 'ok' });
    expect(c.trace(first)?.steps[0]).toMatchObject({ service: 'hardware', action: 'host racked and powered on' });
    let failure: CloudError | undefined;
    try {
      c.hardware.removeHost('nope');
    } catch (e) {
      failure = e as CloudError;
    }
    expect(failure?.requestId).toBe(c.lastRequestId);
    expect(failure?.requestId).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(c.trace()).toMatchObject({ status: 'error', error: { status: 404, code: 'hardware.host.not_found' } });
    c.hardware.addHost({ name: 'h2', ...HOST });
    expect(c.lastRequestId).not.toBe(failure?.requestId); // the failed call's id is never reused
    expect(c.trace(failure?.requestId)).toMatchObject({ status: 'error' });
    // a call that fails after tracing keeps its steps under its failure id
    c.kernel.hook('hardware.host.added', (_tx, host) => {
      if (host.name === 'h-refused') throw new Conflict('test.refused', 'refused by a hook');
    });
    let late: CloudError | undefined;
    try {
      c.hardware.addHost({ name: 'h-refused', ...HOST });
    } catch (e) {
      late = e as CloudError;
    }
    expect(c.trace(late?.requestId)).toMatchObject({ status: 'error', error: { code: 'test.refused' } });
    expect(c.trace(late?.requestId)?.steps[0]).toMatchObject({ service: 'hardware' });
    c.hardware.addHost({ name: 'h3', ...HOST });
    expect(c.lastRequestId).not.toBe(late?.requestId);
    c.hardware.addHost({ name: 'h4', ...HOST });
    expect(c.trace(first)).toBeUndefined(); // dropped: the log keeps 3 requests
    expect(c.kernel.traces.ids()).toHaveLength(3);
    expect(JSON.stringify(c.state)).not.toContain('racked'); // traces live outside the state
  });
});
