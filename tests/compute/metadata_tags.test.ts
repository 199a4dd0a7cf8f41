/**
 * Server metadata (src/compute/server_metadata.ts) and server tags (src/compute/server_tags.ts)
 * against nova Zed: each call's answer, nova's 400 / 403 / 404 / 409 with their messages and
 * nothing changed, the state guards in every reachable pair, the metadata_items quota, the
 * 50-tag limit, policy (reader reads, does not write; another project 404).
 */
import { describe, expect, it } from 'vitest';
import { CloudError } from '../../src/core/index.js';
import type { Cloud, Session } from '../../src/index.js';
import { REACHABLE_STATES, invalidStateConflictMessage, stateAllows, type ComputeAction } from '../../src/compute/vm_states.js';
import { boot, computeWorld, errorOf, force, rowOf } from './support.js';

const circular: Record<string, unknown> = {};
circular.self = circular;
const HOSTILE: unknown[] = [null, 5, NaN, 'x', 'x'.repeat(100_000), true, [], [1], circular, JSON.parse('{"__proto__": {"a": "b"}}')];

describe('metadata', () => {
  it('list, show, update (merge), replace, set one item, delete one item', () => {
    const { demo, cloud } = computeWorld();
    const s = boot(demo, 'vm', { metadata: { a: '1', b: '2' } });
    const c = demo.compute;
    expect(c.listServerMetadata(s.id)).toEqual({ a: '1', b: '2' });
    expect(c.getServerMetadataItem(s.id, 'a')).toEqual({ a: '1' });
    expect(c.updateServerMetadata(s.id, { metadata: { b: '20', c: '3' } })).toEqual({ a: '1', b: '20', c: '3' });
    expect(c.replaceServerMetadata(s.id, { metadata: { z: '26' } })).toEqual({ z: '26' });
    expect(c.setServerMetadataItem(s.id, 'y', { meta: { y: '25' } })).toEqual({ y: '25' });
    expect(c.listServerMetadata(s.id)).toEqual({ z: '26', y: '25' });
    c.deleteServerMetadataItem(s.id, 'z');
    expect(c.getServer(s.id).metadata).toEqual({ y: '25' });
    expect(rowOf(cloud, s.id).task_state).toBeNull();
  });

  it('keys such as __proto__ and constructor are ordinary keys', () => {
    const { demo } = computeWorld();
    const s = boot(demo, 'vm');
    const body = JSON.parse('{"metadata": {"__proto__": "p", "constructor": "c"}}') as { metadata: Record<string, string> };
    const out = demo.compute.updateServerMetadata(s.id, body);
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'constructor']);
    expect(demo.compute.getServerMetadataItem(s.id, '__proto__')).toEqual(JSON.parse('{"__proto__": "p"}'));
    expect(errorOf(() => demo.compute.getServerMetadataItem(s.id, 'toString')).status).toBe(404);
    demo.compute.deleteServerMetadataItem(s.id, '__proto__');
    expect(Object.keys(demo.compute.listServerMetadata(s.id))).toEqual(['constructor']);
  });

  it("nova's refusals: 404 for a missing item, 400 'Request body and URI mismatch', too many items in meta, 403 over metadata_items", () => {
    const { demo, cloud } = computeWorld();
    const s = boot(demo, 'vm', { metadata: { a: '1' } });
    cloud.quotas.setLimit(rowOf(cloud, s.id).project_id, 'compute.metadata_items', 2);
    const before = cloud.state;
    const cases: [() => unknown, number, string][] = [
      [() => demo.compute.getServerMetadataItem(s.id, 'nope'), 404, 'Metadata item was not found'],
      [() => demo.compute.deleteServerMetadataItem(s.id, 'nope'), 404, 'Metadata item was not found'],
      [() => demo.compute.setServerMetadataItem(s.id, 'k', { meta: { other: 'v' } }), 400, 'Request body and URI mismatch'],
      [() => demo.compute.setServerMetadataItem(s.id, 'k', { meta: { k: 'v', l: 'w' } }), 400, "Invalid input for field/attribute meta. Value: an object. an object has too many properties"],
      [() => demo.compute.setServerMetadataItem(s.id, 'k', { meta: {} }), 400, 'Invalid input for field/attribute meta. Value: an object. {} does not have enough properties'],
      [() => demo.compute.updateServerMetadata(s.id, { metadata: { b: '2', c: '3' } }), 403, 'Maximum number of metadata items exceeds 2'],
      [() => demo.compute.replaceServerMetadata(s.id, { metadata: { x: '1', y: '2', z: '3' } }), 403, 'Maximum number of metadata items exceeds 2'],
    ];
    for (const [call, status, message] of cases) {
      const e = errorOf(call);
      expect([e.status, e.message]).toEqual([status, message]);
    }
    expect(cloud.state).toBe(before);
    demo.compute.replaceServerMetadata(s.id, { metadata: { x: '1', y: '2' } });
    expect(demo.compute.listServerMetadata(s.id)).toEqual({ x: '1', y: '2' });
  });

  it('bad input of every shape: 400 naming the field, nothing changed', () => {
    const { demo, cloud } = computeWorld();
    const s = boot(demo, 'vm', { metadata: { a: '1' } });
    const before = cloud.state;
    const calls: ((h: unknown) => unknown)[] = [
      (h) => demo.compute.updateServerMetadata(s.id, h as never),
      (h) => demo.compute.updateServerMetadata(s.id, { metadata: h } as never),
      (h) => demo.compute.replaceServerMetadata(s.id, { metadata: { k: h } } as never),
      (h) => demo.compute.setServerMetadataItem(s.id, 'k', { meta: h } as never),
      (h) => demo.compute.setServerMetadataItem(s.id, 'k', h as never),
    ];
    for (const [i, call] of calls.entries()) {
      for (const h of HOSTILE) {
        if (i === 1 && typeof h === 'object' && h !== null && !Array.isArray(h) && h !== circular) continue; // a valid metadata object
        if (i === 2 && h === 'x') continue; // a valid value
        let e: CloudError;
        try {
          e = errorOf(() => call(h));
        } catch {
          throw new Error(`call ${i} accepted ${String(h).slice(0, 30)}`);
        }
        expect([i, e.status, typeof e.details.field]).toEqual([i, 400, 'string']);
      }
    }
    for (const key of [5, null, {}, circular]) {
      expect(errorOf(() => demo.compute.getServerMetadataItem(s.id, key as never)).status).toBe(400);
      expect(errorOf(() => demo.compute.deleteServerMetadataItem(s.id, key as never)).status).toBe(400);
    }
    const long = errorOf(() => demo.compute.updateServerMetadata(s.id, { metadata: { ['k'.repeat(256)]: 'v' } }));
    expect(long.status).toBe(400);
    const value = errorOf(() => demo.compute.updateServerMetadata(s.id, { metadata: { k: 'v'.repeat(256) } }));
    expect(value.status).toBe(400);
    expect(cloud.state).toBe(before);
  });

  it('policy: the reader lists and shows but may not write (403); another project gets 404', () => {
    const { demo, reader, alt, cloud } = computeWorld();
    const s = boot(demo, 'vm', { metadata: { a: '1' } });
    expect(reader.compute.listServerMetadata(s.id)).toEqual({ a: '1' });
    expect(reader.compute.getServerMetadataItem(s.id, 'a')).toEqual({ a: '1' });
    const before = cloud.state;
    const writes: ((x: Session) => unknown)[] = [
      (x) => x.compute.updateServerMetadata(s.id, { metadata: { b: '2' } }),
      (x) => x.compute.replaceServerMetadata(s.id, { metadata: {} }),
      (x) => x.compute.setServerMetadataItem(s.id, 'a', { meta: { a: '2' } }),
      (x) => x.compute.deleteServerMetadataItem(s.id, 'a'),
    ];
    for (const w of writes) {
      expect(errorOf(() => w(reader)).status).toBe(403);
      expect(errorOf(() => w(alt)).status).toBe(404);
    }
    expect(errorOf(() => alt.compute.listServerMetadata(s.id)).status).toBe(404);
    expect(errorOf(() => alt.compute.getServerMetadataItem(s.id, 'a')).status).toBe(404);
    expect(cloud.state).toBe(before);
  });

  it('a locked server refuses the owner (409) and lets an admin change its metadata', () => {
    const { demo, admin, cloud } = computeWorld();
    const s = boot(demo, 'vm', { metadata: { a: '1' } });
    demo.compute.lockServer(s.id);
    const before = cloud.state;
    expect(errorOf(() => demo.compute.updateServerMetadata(s.id, { metadata: { b: '2' } })).message).toBe(`Instance ${s.id} is locked`);
    expect(errorOf(() => demo.compute.deleteServerMetadataItem(s.id, 'a')).status).toBe(409);
    expect(cloud.state).toBe(before);
    admin.compute.updateServerMetadata(s.id, { metadata: { b: '2' } });
    expect(demo.compute.listServerMetadata(s.id)).toEqual({ a: '1', b: '2' });
  });
});

describe('tags', () => {
  it('list, check, add (twice is once), delete one, replace all, delete all', () => {
    const { demo, cloud } = computeWorld();
    const s = boot(demo, 'vm', { tags: ['a'] });
    const c = demo.compute;
    expect(c.listServerTags(s.id)).toEqual(['a']);
    c.addServerTag(s.id, 'b');
    const once = cloud.state;
    c.addServerTag(s.id, 'b');
    expect(rowOf(cloud, s.id).tags).toEqual(rowOf({ state: once } as Cloud, s.id).tags);
    expect(c.listServerTags(s.id)).toEqual(['a', 'b']);
    expect([c.checkServerTag(s.id, 'b'), c.checkServerTag(s.id, 'zz')]).toEqual([true, false]);
    c.deleteServerTag(s.id, 'a');
    expect(c.getServer(s.id).tags).toEqual(['b']);
    expect(c.replaceServerTags(s.id, { tags: ['x', 'y', 'x'] })).toEqual(['x', 'y']);
    c.deleteServerTags(s.id);
    expect(c.listServerTags(s.id)).toEqual([]);
  });

  it('each change sends compute.instance.update', () => {
    const { demo, cloud } = computeWorld();
    const s = boot(demo, 'vm');
    const seen: string[] = [];
    cloud.events.on('compute.instance.update', (n) => seen.push(n.publisher_id));
    demo.compute.addServerTag(s.id, 't');
    demo.compute.replaceServerTags(s.id, { tags: ['u'] });
    demo.compute.deleteServerTag(s.id, 'u');
    demo.compute.deleteServerTags(s.id);
    expect(seen).toEqual(['nova-api.controller', 'nova-api.controller', 'nova-api.controller', 'nova-api.controller']);
  });

  it("nova's refusals: 50 tags at most, an invalid tag, a missing tag", () => {
    const { demo, cloud } = computeWorld();
    const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
    const s = boot(demo, 'vm', { tags: fifty });
    const before = cloud.state;
    const cases: [() => unknown, number, string][] = [
      [() => demo.compute.addServerTag(s.id, 'new'), 400, 'The number of tags exceeded the per-server limit 50'],
      [() => demo.compute.addServerTag(s.id, 't0'), 400, 'The number of tags exceeded the per-server limit 50'],
      [() => demo.compute.addServerTag(s.id, 'a,b'), 400, "Tag 'a,b' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: 'a,b' does not match '^[^,/]*$'"],
      [() => demo.compute.deleteServerTag(s.id, 'nope'), 404, `Instance ${s.id} has no tag 'nope'`],
      [() => demo.compute.replaceServerTags(s.id, { tags: [...fifty, 'x'] }), 400, 'Invalid input for field/attribute tags. Value: a list. a list is too long'],
    ];
    for (const [call, status, message] of cases) {
      const e = errorOf(call);
      expect([e.status, e.message]).toEqual([status, message]);
    }
    expect(cloud.state).toBe(before);
  });

  it('bad input of every shape: a 4xx naming the field, nothing changed', () => {
    const { demo, cloud } = computeWorld();
    const s = boot(demo, 'vm', { tags: ['a'] });
    const before = cloud.state;
    for (const h of [...HOSTILE, { tags: 5 }, { tags: [5] }, { tags: [''] }, { tags: ['x'.repeat(61)] }, { tags: ['a/b'] }, { tags: [], extra: 1 }, {}]) {
      const e = errorOf(() => demo.compute.replaceServerTags(s.id, h as never));
      expect([e.status, typeof e.details.field]).toEqual([400, 'string']);
    }
    for (const t of [5, null, {}, circular, NaN, '', 'x'.repeat(100_000)]) {
      const add = errorOf(() => demo.compute.addServerTag(s.id, t as never));
      expect(add.status).toBe(400);
    }
    for (const t of [5, null, {}, circular, NaN]) {
      expect(errorOf(() => demo.compute.deleteServerTag(s.id, t as never)).status).toBe(400);
      expect(errorOf(() => demo.compute.checkServerTag(s.id, t as never)).status).toBe(400);
    }
    expect(cloud.state).toBe(before);
  });

  it('policy: the reader lists and checks, may not change (403); another project 404; a lock does not stop tags', () => {
    const { demo, reader, alt, cloud } = computeWorld();
    const s = boot(demo, 'vm', { tags: ['a'] });
    expect(reader.compute.listServerTags(s.id)).toEqual(['a']);
    expect(reader.compute.checkServerTag(s.id, 'a')).toBe(true);
    const before = cloud.state;
    const writes: ((x: Session) => unknown)[] = [
      (x) => x.compute.addServerTag(s.id, 'b'),
      (x) => x.compute.replaceServerTags(s.id, { tags: [] }),
      (x) => x.compute.deleteServerTag(s.id, 'a'),
      (x) => x.compute.deleteServerTags(s.id),
    ];
    for (const w of writes) {
      expect(errorOf(() => w(reader)).status).toBe(403);
      expect(errorOf(() => w(alt)).status).toBe(404);
    }
    expect(errorOf(() => alt.compute.listServerTags(s.id)).status).toBe(404);
    expect(errorOf(() => alt.compute.checkServerTag(s.id, 'a')).status).toBe(404);
    expect(cloud.state).toBe(before);
    demo.compute.lockServer(s.id);
    demo.compute.addServerTag(s.id, 'while-locked');
    expect(demo.compute.listServerTags(s.id)).toEqual(['a', 'while-locked']);
  });
});

describe('the state guards in every reachable pair', () => {
  const calls: [ComputeAction, (x: Session, id: string) => unknown][] = [
    ['update_instance_metadata', (x, id) => x.compute.updateServerMetadata(id, { metadata: { n: '1' } })],
    ['update_instance_metadata', (x, id) => x.compute.replaceServerMetadata(id, { metadata: { n: '1' } })],
    ['update_instance_metadata', (x, id) => x.compute.setServerMetadataItem(id, 'n', { meta: { n: '1' } })],
    ['delete_instance_metadata', (x, id) => x.compute.deleteServerMetadataItem(id, 'k')],
    ['update_tag', (x, id) => x.compute.addServerTag(id, 'n')],
    ['update_tags', (x, id) => x.compute.replaceServerTags(id, { tags: ['n'] })],
    ['delete_tag', (x, id) => x.compute.deleteServerTag(id, 't')],
    ['delete_tags', (x, id) => x.compute.deleteServerTags(id)],
  ];

  it('409 exactly where ACTION_STATES refuses (metadata: nova\'s lock and launched_at too; tags: the vm_state only)', () => {
    const { demo, cloud } = computeWorld();
    const s = boot(demo, 'vm', { metadata: { k: 'v' }, tags: ['t'] });
    const base = cloud.state;
    for (const pair of REACHABLE_STATES) {
      if (pair.vm_state === 'deleted') continue;
      for (const launched of [true, false]) {
        for (const [action, call] of calls) {
          force(cloud, base, s.id, { vm_state: pair.vm_state, task_state: pair.task_state, power_state: pair.power_states[0]!, launched_at: launched ? 1 : null });
          const before = cloud.state;
          const refused = stateAllows(action, pair.vm_state, pair.task_state, launched);
          const label = `${action} in ${pair.vm_state}/${pair.task_state ?? 'None'} launched ${launched}`;
          let error: unknown = null;
          try {
            call(demo, s.id);
          } catch (e) {
            error = e;
          }
          if (refused === null) expect(error, label).toBeNull();
          else {
            expect(error, label).toBeInstanceOf(CloudError);
            expect([label, (error as CloudError).status, (error as CloudError).message]).toEqual([label, 409, invalidStateConflictMessage(refused.action, s.id, refused.attr, refused.state)]);
            expect(cloud.state, label).toBe(before);
          }
        }
      }
    }
  });
});
