/**
 * `GET /v2/images`: Glance's filters (name / status / formats with `in:`, owner, tag, size
 * ranges, protected, os_hidden, properties, created_at operators), sort keys and directions
 * (classic and `sort=`), `limit` / `marker` pagination with `next`, and the 400s of the
 * deserialiser — each refusal leaves the state unchanged.
 */
import { describe, it, expect } from 'vitest';
import { active, bytes, devstack, queued, refused, sessions } from './helpers.js';

function world(seed: number) {
  const cloud = devstack(seed);
  const s = sessions(cloud);
  cloud.clock.advance(10);
  const a = active(s.demo, bytes(10), { name: 'alpha', disk_format: 'raw', tags: ['x', 'y'], hw_architecture: 'x86_64' });
  cloud.clock.advance(10);
  const b = active(s.demo, bytes(30), { name: 'beta', protected: true, tags: ['x'] });
  cloud.clock.advance(10);
  const c = queued(s.demo, { name: 'gamma', container_format: 'ovf', hw_architecture: 'aarch64' });
  cloud.clock.advance(10);
  const h = queued(s.demo, { name: 'hidden', os_hidden: true });
  const ids = (q: Parameters<typeof s.demo.image.listImages>[0] = {}) => s.demo.image.listImages(q).images.map((i) => i.name);
  return { cloud, ...s, a, b, c, h, ids };
}

describe('filters', () => {
  it('name, status, formats (eq and in:), owner, tags, sizes, protected, os_hidden, properties', () => {
    const { ids } = world(9201);
    expect(ids()).toEqual(['gamma', 'beta', 'alpha', 'cirros-0.5.2-x86_64-disk']);
    expect(ids({ name: 'beta' })).toEqual(['beta']);
    expect(ids({ name: 'in:alpha,"gamma"' })).toEqual(['gamma', 'alpha']);
    expect(ids({ status: 'queued' })).toEqual(['gamma']);
    expect(ids({ disk_format: 'raw' })).toEqual(['alpha']);
    expect(ids({ container_format: 'in:ovf,docker' })).toEqual(['gamma']);
    expect(ids({ tag: 'x' })).toEqual(['beta', 'alpha']);
    expect(ids({ tag: ['x', 'y'] })).toEqual(['alpha']);
    expect(ids({ size_min: 20 })).toEqual(['beta', 'cirros-0.5.2-x86_64-disk']);
    expect(ids({ size_min: '20', size_max: '100' })).toEqual(['beta']);
    expect(ids({ protected: true })).toEqual(['beta']);
    expect(ids({ protected: 'false' })).toEqual(['gamma', 'alpha', 'cirros-0.5.2-x86_64-disk']);
    expect(ids({ os_hidden: true })).toEqual(['hidden']);
    expect(ids({ properties: { hw_architecture: 'x86_64' } })).toEqual(['alpha']);
    expect(ids({ visibility: 'public' })).toEqual(['cirros-0.5.2-x86_64-disk']);
    expect(ids({ created_at: 'gte:2022-10-05T00:00:20Z' })).toEqual(['gamma', 'beta']);
    expect(ids({ created_at: 'lt:2022-10-05T00:00:20Z' })).toEqual(['alpha', 'cirros-0.5.2-x86_64-disk']);
  });

  it('bad queries are 400 naming the parameter', () => {
    const { cloud, demo } = world(9202);
    const bad: [Record<string, unknown>, string][] = [
      [{ sort_key: 'owner' }, 'query.sort_key'],
      [{ sort_dir: 'up' }, 'query.sort_dir'],
      [{ sort: 'name:asc', sort_key: 'name' }, 'query.sort'],
      [{ sort_key: ['name', 'size'], sort_dir: ['asc', 'desc', 'asc'] }, 'query.sort_dir'],
      [{ limit: -1 }, 'query.limit'],
      [{ limit: 'ten' }, 'query.limit'],
      [{ member_status: 'maybe' }, 'query.member_status'],
      [{ visibility: 'everyone' }, 'query.visibility'],
      [{ os_hidden: 'yes' }, 'query.os_hidden'],
      [{ protected: 1 }, 'query.protected'],
      [{ size_min: 'big' }, 'query.size_min'],
      [{ name: 'like:a' }, 'query.name'],
      [{ created_at: 'gt:yesterday' }, 'query.created_at'],
      [{ marker: '11111111-2222-4333-8444-555555555555' }, 'query.marker'],
      [{ 'changes-since': '2022-10-05T00:00:00Z' }, 'query.changes-since'],
      [{ hw_architecture: 'x86_64' }, 'query.hw_architecture'],
      [{ properties: 'x' }, 'query.properties'],
    ];
    for (const [q, field] of bad) refused(cloud, () => demo.image.listImages(q as never), { status: 400, field });
  });
});

describe('sorting and pagination', () => {
  it('default created_at desc; sort_key / sort_dir; sort=key:dir; id breaks ties', () => {
    const { ids } = world(9210);
    expect(ids({ sort_key: 'name', sort_dir: 'asc' })).toEqual(['alpha', 'beta', 'cirros-0.5.2-x86_64-disk', 'gamma']);
    expect(ids({ sort: 'size:asc,name' })).toEqual(['gamma', 'alpha', 'beta', 'cirros-0.5.2-x86_64-disk']);
    expect(ids({ sort_key: ['status', 'name'], sort_dir: ['asc', 'desc'] })).toEqual(['cirros-0.5.2-x86_64-disk', 'beta', 'alpha', 'gamma']);
  });

  it('limit and marker walk every page exactly once; next carries the marker', () => {
    const cloud = devstack(9211);
    const { demo } = sessions(cloud);
    const made = Array.from({ length: 7 }, (_, i) => queued(demo, { name: `n${i}` }));
    const seen: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = demo.image.listImages({ limit: 3, sort_key: 'name', sort_dir: 'asc', ...(marker ? { marker } : {}) });
      seen.push(...res.images.map((i) => i.id));
      if (!res.next) break;
      marker = new URLSearchParams(res.next.split('?')[1]).get('marker') ?? undefined;
      expect(marker).toBe(res.images[res.images.length - 1]?.id);
    }
    expect(seen.sort()).toEqual([...made, demo.image.getImage('cirros-0.5.2-x86_64-disk').id].sort());
    expect(demo.image.listImages({ limit: 0 }).images).toEqual([]);
    expect(demo.image.listImages().images.length).toBe(8);
  });
});
