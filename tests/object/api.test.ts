/** `session.object`: Swift's accounts, containers and objects behind keystoneauth. */
import { describe, it, expect } from 'vitest';
import { createCloud, type Cloud, type Session } from '../../src/index.js';
import { caught, expectRefusal } from '../support/refusal.js';

const text = (d: Uint8Array): string => new TextDecoder().decode(d);

/** Storage hosts in three racks (`perRack` each), 3 replicas (the install guide's rings, smaller). */
function cluster(extra: Record<string, unknown> = {}, perRack = 1): Cloud {
  return createCloud({
    seed: 7,
    topology: {
      racks: [{ name: 'r1' }, { name: 'r2' }, { name: 'r3' }],
      models: { s: { cpu: { sockets: 1, cores_per_socket: 4, threads_per_core: 1 }, memory_mb: 8192, disks: [{ name: 'sda', size_gb: 100 }, { name: 'sdb', size_gb: 1000 }] } },
      // st1, st2, st3 in r1, r2, r3; then st4, st5, st6 …
      hosts: Array.from({ length: 3 * perRack }, (_, i) => ({ name: `st${i + 1}`, model: 's', roles: ['storage'], rack: `r${(i % 3) + 1}` })),
    },
    object: { ring: { part_power: 6 } },
    ...extra,
  });
}

function demo(cloud: Cloud): Session {
  return cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
}

describe('accounts', () => {
  it('is AUTH_<project_id>, empty until used, and counts containers, objects and bytes', () => {
    const cloud = cluster();
    const s = demo(cloud);
    const project = s.tokenInfo().project!.id;
    expect(s.object.headAccount()).toMatchObject({ account: `AUTH_${project}`, container_count: 0, object_count: 0, bytes_used: 0 });
    s.object.putContainer('a');
    s.object.putContainer('b');
    s.object.putObject('a', 'x', 'hello');
    s.object.putObject('b', 'y', 'hi');
    const info = s.object.getAccount();
    expect(info).toMatchObject({ container_count: 2, object_count: 2, bytes_used: 7 });
    expect(info.headers).toMatchObject({ 'X-Account-Container-Count': '2', 'X-Account-Object-Count': '2', 'X-Account-Bytes-Used': '7' });
    expect(info.containers.map((c) => ('name' in c ? [c.name, c.count, c.bytes] : c))).toEqual([
      ['a', 1, 5],
      ['b', 1, 2],
    ]);
  });

  it('keeps account metadata; an empty value or X-Remove-Account-Meta-* removes it', () => {
    const s = demo(cluster());
    s.object.postAccount({ 'X-Account-Meta-Owner': 'team-a', 'X-Account-Meta-Tier': 'gold' });
    s.object.postAccount({ 'X-Account-Meta-Tier': '', 'X-Remove-Account-Meta-Owner': 'x', 'X-Account-Meta-New': '1' });
    expect(s.object.headAccount().metadata).toEqual({ new: '1' });
    expect(s.object.headAccount().headers['X-Account-Meta-New']).toBe('1');
  });

  it("refuses another project's account (403) unless a container ACL grants it", () => {
    const cloud = cluster();
    const d = demo(cloud);
    const alt = cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' });
    const account = d.object.headAccount().account;
    expectRefusal(caught(() => alt.object.headAccount({ account })), { status: 403, code: 'object.forbidden' });
    // the reseller admin (DevStack's admin has the admin role, an operator role on its own account only)
    expectRefusal(caught(() => cloud.admin.object.headAccount({ account })), { status: 403 });
  });
});

describe('containers', () => {
  it('PUT creates (201) then updates (202); HEAD shows counts and the policy', () => {
    const s = demo(cluster());
    expect(s.object.putContainer('c')).toEqual({ created: true });
    expect(s.object.putContainer('c', { 'X-Container-Meta-Color': 'red' })).toEqual({ created: false });
    const h = s.object.headContainer('c');
    expect(h).toMatchObject({ container: 'c', object_count: 0, bytes_used: 0, storage_policy: 'Policy-0', metadata: { color: 'red' } });
    expect(h.headers['X-Container-Meta-Color']).toBe('red');
  });

  it('DELETE refuses a container with objects (409) and deletes an empty one', () => {
    const cloud = cluster();
    const s = demo(cloud);
    s.object.putContainer('c');
    s.object.putObject('c', 'o', 'x');
    const before = cloud.state;
    expectRefusal(caught(() => s.object.deleteContainer('c')), { status: 409, code: 'object.container.not_empty' });
    expect(cloud.state).toBe(before);
    s.object.deleteObject('c', 'o');
    s.object.deleteContainer('c');
    expectRefusal(caught(() => s.object.headContainer('c')), { status: 404, code: 'object.container.not_found' });
    expect(s.object.headAccount().container_count).toBe(0);
  });

  it('a storage policy is chosen at creation and never changes (409)', () => {
    const cloud = cluster({ object: { ring: { part_power: 6 }, policies: [{ name: 'gold', index: 0, default: true }, { name: 'silver', index: 1 }] } });
    const s = demo(cloud);
    expect(cloud.object.rings().map((r) => r.name)).toEqual(['account', 'container', 'object-0', 'object-1']);
    s.object.putContainer('g');
    s.object.putContainer('sv', { 'X-Storage-Policy': 'silver' });
    expect(s.object.headContainer('sv').storage_policy).toBe('silver');
    expect(s.object.headContainer('g').storage_policy).toBe('gold');
    expectRefusal(caught(() => s.object.putContainer('sv', { 'X-Storage-Policy': 'gold' })), { status: 409, code: 'object.container.policy_conflict' });
    expectRefusal(caught(() => s.object.putContainer('x', { 'X-Storage-Policy': 'bronze' })), { status: 400, field: 'headers.X-Storage-Policy' });
    // the object lands on the silver ring
    s.object.putObject('sv', 'o', 'data');
    expect(cloud.object.getNodes(s.object.headAccount().account, 'sv', 'o').ring).toBe('object-1');
  });

  it('lists objects with prefix, delimiter, markers, limit and reverse', () => {
    const s = demo(cluster());
    s.object.putContainer('c');
    for (const n of ['a', 'b/1', 'b/2', 'c', 'd/x/y']) s.object.putObject('c', n, n);
    const names = (q: object) => s.object.getContainer('c', q).objects.map((o) => ('name' in o ? o.name : `${o.subdir}*`));
    expect(names({})).toEqual(['a', 'b/1', 'b/2', 'c', 'd/x/y']);
    expect(names({ delimiter: '/' })).toEqual(['a', 'b/*', 'c', 'd/*']);
    expect(names({ prefix: 'b/' })).toEqual(['b/1', 'b/2']);
    expect(names({ marker: 'b/1', limit: 2 })).toEqual(['b/2', 'c']);
    expect(names({ end_marker: 'c' })).toEqual(['a', 'b/1', 'b/2']);
    expect(names({ reverse: true, limit: 2 })).toEqual(['d/x/y', 'c']);
    expect(names({ reverse: true, delimiter: '/' })).toEqual(['d/*', 'c', 'b/*', 'a']);
    const entry = s.object.getContainer('c', { prefix: 'a' }).objects[0];
    expect(entry).toEqual({ name: 'a', hash: '0cc175b9c0f1b6a831c399e269772661', bytes: 1, content_type: 'application/octet-stream', last_modified: '2022-10-05T00:00:00.000000' });
  });
});

describe('objects', () => {
  it('PUT stores bytes with the MD5 as ETag; GET returns a fresh copy; HEAD the headers', () => {
    const s = demo(cluster());
    s.object.putContainer('c');
    const put = s.object.putObject('c', 'notes.txt', 'hello', { 'X-Object-Meta-Color': 'blue' });
    expect(put.etag).toBe('5d41402abc4b2a76b9719d911017c592');
    const got = s.object.getObject('c', 'notes.txt');
    expect(text(got.data)).toBe('hello');
    got.data[0] = 0;
    expect(text(s.object.getObject('c', 'notes.txt').data)).toBe('hello');
    expect(s.object.headObject('c', 'notes.txt')).toMatchObject({ etag: put.etag, content_length: 5, content_type: 'text/plain', metadata: { color: 'blue' } });
    expect(s.object.headObject('c', 'notes.txt').headers).toMatchObject({ 'X-Object-Meta-Color': 'blue', 'Last-Modified': 'Wed, 05 Oct 2022 00:00:00 GMT', ETag: put.etag });
  });

  it('refuses an ETag that is not the MD5 of the data (422) and If-None-Match: * over an existing object (412)', () => {
    const cloud = cluster();
    const s = demo(cloud);
    s.object.putContainer('c');
    const before = cloud.state;
    expectRefusal(caught(() => s.object.putObject('c', 'o', 'abc', { ETag: '0'.repeat(32) })), { status: 422, code: 'object.etag_mismatch' });
    expect(cloud.state).toBe(before);
    s.object.putObject('c', 'o', 'abc', { ETag: '900150983cd24fb0d6963f7d28e17f72' });
    expectRefusal(caught(() => s.object.putObject('c', 'o', 'new', { 'If-None-Match': '*' })), { status: 412 });
  });

  it('answers ranges with 206 and Content-Range, and 416 past the end', () => {
    const s = demo(cluster());
    s.object.putContainer('c');
    s.object.putObject('c', 'o', '0123456789');
    const r = (range: string) => s.object.getObject('c', 'o', { Range: range });
    expect([r('bytes=2-4').status, text(r('bytes=2-4').data), r('bytes=2-4').content_range]).toEqual([206, '234', 'bytes 2-4/10']);
    expect(text(r('bytes=-3').data)).toBe('789');
    expect(text(r('bytes=7-').data)).toBe('789');
    expect(text(r('bytes=8-100').data)).toBe('89');
    expect(r('bytes=5-2').status).toBe(200); // an invalid range is ignored
    expectRefusal(caught(() => r('bytes=10-12')), { status: 416, code: 'object.range_not_satisfiable' });
  });

  it('POST replaces the metadata (fast-post) and keeps the data', () => {
    const s = demo(cluster());
    s.object.putContainer('c');
    s.object.putObject('c', 'o', 'x', { 'X-Object-Meta-A': '1', 'X-Object-Meta-B': '2' });
    s.object.postObject('c', 'o', { 'X-Object-Meta-C': '3', 'Content-Type': 'text/csv' });
    expect(s.object.headObject('c', 'o')).toMatchObject({ metadata: { c: '3' }, content_type: 'text/csv' });
    expect(text(s.object.getObject('c', 'o').data)).toBe('x');
  });

  it('COPY copies data and metadata, with the request metadata on top (or fresh)', () => {
    const s = demo(cluster());
    s.object.putContainer('c');
    s.object.putContainer('d');
    s.object.putObject('c', 'o', 'payload', { 'X-Object-Meta-A': '1' });
    s.object.copyObject('c', 'o', 'd/copy', { 'X-Object-Meta-B': '2' });
    expect(s.object.headObject('d', 'copy').metadata).toEqual({ a: '1', b: '2' });
    s.object.copyObject('c', 'o', '/d/fresh', { 'X-Fresh-Metadata': 'true' });
    expect(s.object.headObject('d', 'fresh').metadata).toEqual({});
    expect(text(s.object.getObject('d', 'fresh').data)).toBe('payload');
    expectRefusal(caught(() => s.object.copyObject('c', 'o', 'nodest')), { status: 400, field: 'destination' });
  });

  it('expires at X-Delete-At / X-Delete-After on the virtual clock: hidden at once, removed by the expirer', () => {
    const cloud = cluster();
    const s = demo(cloud);
    s.object.putContainer('c');
    s.object.putObject('c', 'tmp', 'bye', { 'X-Delete-After': '60' });
    const at = s.object.headObject('c', 'tmp').delete_at;
    expect(at).toBe(Date.parse('2022-10-05T00:00:00Z') / 1000 + 60);
    cloud.clock.advance(59);
    expect(text(s.object.getObject('c', 'tmp').data)).toBe('bye');
    cloud.clock.advance(1);
    expectRefusal(caught(() => s.object.getObject('c', 'tmp')), { status: 404, code: 'object.object.not_found' });
    expect(s.object.headContainer('c').object_count).toBe(0);
    expectRefusal(caught(() => s.object.putObject('c', 'o', 'x', { 'X-Delete-At': String(at! - 3600) })), { status: 400, field: 'headers.X-Delete-At', message: 'in past' });
    expectRefusal(caught(() => s.object.putObject('c', 'o', 'x', { 'X-Delete-After': 'soon' })), { status: 400, field: 'headers.X-Delete-After' });
  });

  it('a replaced object does not expire with its predecessor', () => {
    const cloud = cluster();
    const s = demo(cloud);
    s.object.putContainer('c');
    s.object.putObject('c', 'o', 'old', { 'X-Delete-After': '10' });
    s.object.putObject('c', 'o', 'new');
    cloud.clock.advance(20);
    expect(text(s.object.getObject('c', 'o').data)).toBe('new');
  });
});

describe('container quotas', () => {
  it('refuses an upload past X-Container-Meta-Quota-Bytes or -Quota-Count with 413', () => {
    const cloud = cluster();
    const s = demo(cloud);
    s.object.putContainer('q', { 'X-Container-Meta-Quota-Bytes': '10', 'X-Container-Meta-Quota-Count': '2' });
    s.object.putObject('q', 'a', '12345');
    s.object.putObject('q', 'a', '123456789'); // a replacement counts only the difference
    const before = cloud.state;
    expectRefusal(caught(() => s.object.putObject('q', 'b', '12')), { status: 413, code: 'object.quota_exceeded', message: 'Upload exceeds quota.' });
    expect(cloud.state).toBe(before);
    s.object.putObject('q', 'b', '1');
    expectRefusal(caught(() => s.object.putObject('q', 'c', '')), { status: 413, code: 'object.quota_exceeded' });
    expectRefusal(caught(() => s.object.postContainer('q', { 'X-Container-Meta-Quota-Bytes': 'lots' })), { status: 400, field: 'headers.X-Container-Meta-Quota-Bytes' });
  });
});

describe('ACLs', () => {
  it('X-Container-Read grants project:user reads and X-Container-Write object writes; only the owner sees the ACL', () => {
    const cloud = cluster();
    const d = demo(cloud);
    const alt = cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' });
    const altToken = alt.tokenInfo();
    const account = d.object.headAccount().account;
    d.object.putContainer('shared');
    d.object.putObject('shared', 'o', 'data');
    expectRefusal(caught(() => alt.object.getObject('shared', 'o', {}, { account })), { status: 403 });
    d.object.postContainer('shared', { 'X-Container-Read': `${altToken.project!.id}:${altToken.user.id}` });
    expect(text(alt.object.getObject('shared', 'o', {}, { account }).data)).toBe('data');
    expect(alt.object.getContainer('shared', {}, { account }).objects).toHaveLength(1);
    expect(alt.object.headContainer('shared', { account }).read_acl).toBeNull();
    expect(d.object.headContainer('shared').read_acl).toBe(`${altToken.project!.id}:${altToken.user.id}`);
    expectRefusal(caught(() => alt.object.putObject('shared', 'p', 'x', {}, { account })), { status: 403 });
    d.object.postContainer('shared', { 'X-Container-Write': `*:${altToken.user.id}` });
    alt.object.putObject('shared', 'p', 'x', {}, { account });
    // writing objects is not owning the container
    expectRefusal(caught(() => alt.object.postContainer('shared', { 'X-Container-Read': '.r:*' }, { account })), { status: 403 });
  });

  it('.r:* lets anyone read objects; listings need .rlistings; anonymous otherwise 401', () => {
    const cloud = cluster();
    const d = demo(cloud);
    const account = d.object.headAccount().account;
    d.object.putContainer('www');
    d.object.putObject('www', 'index.html', '<h1>hi</h1>');
    expectRefusal(caught(() => cloud.anonymous.object.getObject('www', 'index.html', {}, { account })), { status: 401 });
    d.object.postContainer('www', { 'X-Container-Read': '.r:*' });
    expect(text(cloud.anonymous.object.getObject('www', 'index.html', {}, { account }).data)).toBe('<h1>hi</h1>');
    expectRefusal(caught(() => cloud.anonymous.object.getContainer('www', {}, { account })), { status: 401 });
    d.object.postContainer('www', { 'X-Container-Read': '.r:*,.rlistings' });
    expect(cloud.anonymous.object.getContainer('www', {}, { account }).objects).toHaveLength(1);
    expectRefusal(caught(() => cloud.anonymous.object.putObject('www', 'x', 'y', {}, { account })), { status: 401 });
    expectRefusal(caught(() => d.object.postContainer('www', { 'X-Container-Read': '.r:' })), { status: 400, field: 'headers.X-Container-Read' });
    // an unknown designator (clean_acl keeps `.bogus` without a colon as a group name, as Swift does)
    expectRefusal(caught(() => d.object.postContainer('www', { 'X-Container-Read': '.bogus:x' })), { status: 400, field: 'headers.X-Container-Read' });
  });

  it('the reseller admin role reaches every account', () => {
    const cloud = cluster();
    const d = demo(cloud);
    const account = d.object.headAccount().account;
    // DevStack creates the ResellerAdmin role (for Ceilometer); grant it to admin
    cloud.admin.identity.createGrant({ role: 'ResellerAdmin', user: 'admin', project: 'admin' });
    const admin = cloud.login({ username: 'admin', password: 'secret', project: 'admin' });
    expect(admin.object.headAccount({ account }).account).toBe(account);
  });
});

describe('versioning (legacy versioned_writes)', () => {
  it('stack mode archives each overwrite and a DELETE brings the previous version back', () => {
    const cloud = cluster();
    const s = demo(cloud);
    s.object.putContainer('archive');
    s.object.putContainer('docs', { 'X-Versions-Location': 'archive' });
    s.object.putObject('docs', 'a.txt', 'v1');
    cloud.clock.advance(1);
    s.object.putObject('docs', 'a.txt', 'v2');
    cloud.clock.advance(1);
    s.object.putObject('docs', 'a.txt', 'v3');
    const archived = s.object.getContainer('archive').objects.map((o) => ('name' in o ? o.name : ''));
    expect(archived).toEqual(['005a.txt/1664928000.00000', '005a.txt/1664928001.00000']);
    s.object.deleteObject('docs', 'a.txt');
    expect(text(s.object.getObject('docs', 'a.txt').data)).toBe('v2');
    s.object.deleteObject('docs', 'a.txt');
    expect(text(s.object.getObject('docs', 'a.txt').data)).toBe('v1');
    s.object.deleteObject('docs', 'a.txt');
    expectRefusal(caught(() => s.object.getObject('docs', 'a.txt')), { status: 404 });
    expect(s.object.headContainer('docs').headers['X-Versions-Location']).toBe('archive');
  });

  it('history mode archives on overwrite and on delete; both headers at once is 400', () => {
    const s = demo(cluster());
    s.object.putContainer('hist');
    s.object.putContainer('docs', { 'X-History-Location': 'hist' });
    s.object.putObject('docs', 'a', '1');
    s.object.deleteObject('docs', 'a');
    expect(s.object.getContainer('hist').objects).toHaveLength(1);
    expectRefusal(caught(() => s.object.getObject('docs', 'a')), { status: 404 });
    expectRefusal(caught(() => s.object.putContainer('x', { 'X-History-Location': 'h', 'X-Versions-Location': 'v' })), { status: 400 });
  });
});

describe('static large objects', () => {
  it('reads as the concatenation of its segments; its ETag is the MD5 of theirs', () => {
    const s = demo(cluster());
    s.object.putContainer('seg');
    s.object.putContainer('c');
    const e1 = s.object.putObject('seg', '1', 'hello ').etag;
    const e2 = s.object.putObject('seg', '2', 'world').etag;
    const put = s.object.putStaticLargeObject('c', 'big', [{ path: '/seg/1', etag: e1, size_bytes: 6 }, { path: 'seg/2' }]);
    const got = s.object.getObject('c', 'big');
    expect(text(got.data)).toBe('hello world');
    expect(got.static_large_object).toBe(true);
    expect(got.content_length).toBe(11);
    expect(put.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(text(s.object.getObject('c', 'big', { Range: 'bytes=6-' }).data)).toBe('world');
    const bad = caught(() => s.object.putStaticLargeObject('c', 'bad', [{ path: 'seg/1', size_bytes: 7 }, { path: 'seg/missing' }]));
    expectRefusal(bad, { status: 400, code: 'object.manifest.invalid', message: 'Size Mismatch' });
    expect(bad.message).toContain('seg/missing: 404 Not Found');
    s.object.deleteObject('c', 'big', { multipart_manifest: 'delete' });
    expect(s.object.getContainer('seg').objects).toHaveLength(0);
  });
});

describe('durability', () => {
  it('keeps a copy per replica on distinct racks (equal rack weights); a write with one host down goes to a handoff and replication puts it back', () => {
    const cloud = cluster({}, 2);
    const s = demo(cloud);
    const account = s.object.headAccount().account;
    s.object.putContainer('c');
    const primaries = cloud.object.getNodes(account, 'c', 'o').primaries;
    expect(new Set(primaries.map((n) => n.zone)).size).toBe(3);
    cloud.hardware.failHost(primaries[0]!.host);
    s.object.putObject('c', 'o', 'data');
    const where = cloud.object.locate(account, 'c', 'o');
    expect(where).toHaveLength(3);
    expect(where.filter((c) => !c.primary)).toHaveLength(1);
    cloud.hardware.recoverHost(primaries[0]!.host);
    cloud.clock.advance(30); // the replicator's pass
    const after = cloud.object.locate(account, 'c', 'o');
    expect(after.every((c) => c.primary)).toBe(true);
    expect(after).toHaveLength(3);
  });

  it('refuses a write below quorum (503) and changes nothing; reads from any copy that answers', () => {
    const cloud = cluster();
    const s = demo(cloud);
    s.object.putContainer('c');
    s.object.putObject('c', 'o', 'safe');
    cloud.hardware.failHost('st1');
    cloud.hardware.failHost('st2');
    const before = cloud.state;
    expectRefusal(caught(() => s.object.putObject('c', 'p', 'x')), { status: 503, code: 'object.unavailable' });
    expect(cloud.state).toBe(before);
    expect(text(s.object.getObject('c', 'o').data)).toBe('safe');
    cloud.hardware.failHost('st3');
    expectRefusal(caught(() => s.object.getObject('c', 'o')), { status: 503 });
  });

  it('a failed disk loses its copies; replacing it and replicating restores them; a host with copies cannot be removed', () => {
    const cloud = cluster();
    const s = demo(cloud);
    s.object.putContainer('c');
    s.object.putObject('c', 'o', 'data');
    const disk = () => cloud.object.usage().find((u) => u.host === 'st1' && u.disk === 'sdb')!;
    // with 3 replicas on 3 hosts every object (DevStack's cirros image among them) has a copy here
    const held = disk();
    const copies = (cloud.state.object.objects.size);
    expect(held.objects).toBe(copies);
    expect(cloud.object.failDisk('st1', 'sdb')).toBe(held.objects);
    expect(disk()).toMatchObject({ bytes: 0, objects: 0, failed: true });
    expect(cloud.object.replicate()).toMatchObject({ copied: 0, degraded: held.objects });
    cloud.object.replaceDisk('st1', 'sdb');
    expect(cloud.object.replicate()).toMatchObject({ copied: held.objects, degraded: 0, lost: 0 });
    expect(disk()).toEqual({ ...held });
    expectRefusal(caught(() => cloud.hardware.removeHost('st2')), { status: 409, code: 'object.host.holds_data' });
  });
});
