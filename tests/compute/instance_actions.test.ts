/**
 * The instance actions API (src/compute/instance_actions.ts) against nova Zed: the list (newest
 * first, 2.58 fields, `limit` / `marker` / `changes-since` / `changes-before`), one action with
 * its events (traceback and host for admins, `hostId` for all, `details` under
 * `events:details`), a deleted server's actions (2.21), and who may read them.
 */
import { describe, expect, it } from 'vitest';
import { hostId } from '../../src/compute/views.js';
import { boot, computeWorld, errorOf, rowOf, type ComputeWorld } from './support.js';

/** A server with create, stop, start, pause, each 10 s after the last. */
function history(w: ComputeWorld): string {
  const s = boot(w.demo, 'vm');
  for (const act of [() => w.demo.compute.stopServer(s.id), () => w.demo.compute.startServer(s.id), () => w.demo.compute.pauseServer(s.id)]) {
    w.cloud.clock.advance(10);
    act();
  }
  return s.id;
}

describe('list', () => {
  it('newest first, with the 2.58 fields', () => {
    const w = computeWorld();
    const id = history(w);
    const list = w.demo.compute.listInstanceActions(id);
    expect(list.map((a) => a.action)).toEqual(['pause', 'start', 'stop', 'create']);
    const row = rowOf(w.cloud, id);
    for (const a of list) {
      expect(Object.keys(a)).toEqual(['action', 'instance_uuid', 'request_id', 'user_id', 'project_id', 'start_time', 'message', 'updated_at']);
      expect([a.instance_uuid, a.project_id, a.message]).toEqual([id, row.project_id, null]);
      expect(a.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    }
    expect('events' in list[0]!).toBe(false);
  });

  it('pages with limit and marker; limit 0 is empty; an unknown marker is 400', () => {
    const w = computeWorld();
    const id = history(w);
    const all = w.demo.compute.listInstanceActions(id);
    const first = w.demo.compute.listInstanceActions(id, { limit: 2 });
    expect(first.map((a) => a.action)).toEqual(['pause', 'start']);
    const next = w.demo.compute.listInstanceActions(id, { limit: '2', marker: first[1]!.request_id });
    expect(next.map((a) => a.action)).toEqual(['stop', 'create']);
    expect(w.demo.compute.listInstanceActions(id, { marker: all[3]!.request_id })).toEqual([]);
    expect(w.demo.compute.listInstanceActions(id, { limit: 0 })).toEqual([]);
    const e = errorOf(() => w.demo.compute.listInstanceActions(id, { marker: 'req-nope' }));
    expect([e.status, e.message]).toEqual([400, 'Marker req-nope could not be found.']);
  });

  it('filters on updated_at with changes-since and changes-before (inclusive); before < since is 400', () => {
    const w = computeWorld();
    const id = history(w);
    const iso = (t: number) => w.cloud.clock.iso(t);
    const now = w.cloud.clock.now();
    expect(w.demo.compute.listInstanceActions(id, { 'changes-since': iso(now - 10) }).map((a) => a.action)).toEqual(['pause', 'start']);
    expect(w.demo.compute.listInstanceActions(id, { 'changes-before': iso(now - 20) }).map((a) => a.action)).toEqual(['stop', 'create']);
    expect(w.demo.compute.listInstanceActions(id, { 'changes-since': iso(now - 20), 'changes-before': iso(now - 10) }).map((a) => a.action)).toEqual(['start', 'stop']);
    const e = errorOf(() => w.demo.compute.listInstanceActions(id, { 'changes-since': iso(now), 'changes-before': iso(now - 1) }));
    expect([e.status, e.message]).toEqual([400, 'The value of changes-since must be less than or equal to changes-before.']);
  });

  it('bad query parameters are 400 naming the parameter', () => {
    const w = computeWorld();
    const id = history(w);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const q of [5, 'x', [], { limit: -1 }, { limit: 'x' }, { limit: NaN }, { limit: 1.5 }, { marker: 5 }, { 'changes-since': 'yesterday' }, { 'changes-before': 5 }, { other: 1 }, circular]) {
      const e = errorOf(() => w.demo.compute.listInstanceActions(id, q as never));
      expect([e.status, typeof e.details.field]).toEqual([400, 'string']);
    }
  });
});

describe('show', () => {
  it('a member sees the events without traceback or host, with hostId; an admin sees host, traceback and details', () => {
    const w = computeWorld();
    const id = history(w);
    const stop = w.demo.compute.listInstanceActions(id).find((a) => a.action === 'stop')!;
    const row = rowOf(w.cloud, id);
    const mine = w.demo.compute.getInstanceAction(id, stop.request_id);
    expect(mine.events).toEqual([{ event: 'compute_stop_instance', start_time: stop.start_time, finish_time: expect.any(String), result: 'Success', hostId: hostId(row.host, row.project_id) }]);
    const ops = w.admin.compute.getInstanceAction(id, stop.request_id);
    expect(ops.events?.[0]).toEqual({ event: 'compute_stop_instance', start_time: stop.start_time, finish_time: expect.any(String), result: 'Success', traceback: null, host: row.host, hostId: hostId(row.host, row.project_id), details: null });
    expect(w.reader.compute.getInstanceAction(id, stop.request_id).events).toHaveLength(1);
  });

  it('an unknown request id is 404 "Action <id> not found"', () => {
    const w = computeWorld();
    const id = history(w);
    const e = errorOf(() => w.demo.compute.getInstanceAction(id, 'req-unknown'));
    expect([e.status, e.message]).toEqual([404, 'Action req-unknown not found']);
    for (const bad of [5, null, {}, 'x'.repeat(300)]) expect(errorOf(() => w.demo.compute.getInstanceAction(id, bad as never)).status).toBe(400);
  });
});

describe('who may read', () => {
  it('a deleted server\'s actions stay readable by its project (2.21), not by another', () => {
    const w = computeWorld();
    const id = history(w);
    w.cloud.clock.advance(10);
    w.demo.compute.deleteServer(id);
    expect(errorOf(() => w.demo.compute.getServer(id)).status).toBe(404);
    const list = w.demo.compute.listInstanceActions(id);
    expect(list.map((a) => a.action)).toEqual(['delete', 'pause', 'start', 'stop', 'create']);
    expect(w.demo.compute.getInstanceAction(id, list[0]!.request_id).events?.map((e) => e.event)).toEqual(['compute_terminate_instance']);
    expect(w.admin.compute.listInstanceActions(id)).toHaveLength(5);
    expect(errorOf(() => w.alt.compute.listInstanceActions(id)).status).toBe(404);
    expect(errorOf(() => w.alt.compute.getInstanceAction(id, list[0]!.request_id)).status).toBe(404);
  });

  it('the reader lists (project_reader_or_admin); another project gets 404 for list and show', () => {
    const w = computeWorld();
    const id = history(w);
    const list = w.reader.compute.listInstanceActions(id);
    expect(list).toHaveLength(4);
    expect(errorOf(() => w.alt.compute.listInstanceActions(id)).message).toBe(`Instance ${id} could not be found.`);
    expect(errorOf(() => w.alt.compute.getInstanceAction(id, list[0]!.request_id)).status).toBe(404);
    expect(errorOf(() => w.alt.compute.listInstanceActions('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('reads change nothing', () => {
    const w = computeWorld();
    const id = history(w);
    const before = w.cloud.state;
    w.demo.compute.listInstanceActions(id);
    w.admin.compute.getInstanceAction(id, w.demo.compute.listInstanceActions(id)[0]!.request_id);
    expect(w.cloud.state).toBe(before);
  });
});
