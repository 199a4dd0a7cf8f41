/** Swift over REST (`/v1/AUTH_…`, `GET /info`): the object service's routes through `createApiHandler`, no sockets. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type CloudSnapshot } from '../../src/index.js';
import { createApiHandler, type ApiHandler } from '../../src/api/index.js';

let cloud: Cloud;
let api: ApiHandler;
let fresh: CloudSnapshot;
let demoToken: string;
let altToken: string;
let account: string;
let altAccount: string;

beforeAll(() => {
  cloud = createCloud({ seed: 11 });
  api = createApiHandler(cloud);
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  const alt = cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' });
  demoToken = demo.token;
  altToken = alt.token;
  account = `AUTH_${demo.tokenInfo().project!.id}`;
  altAccount = `AUTH_${alt.tokenInfo().project!.id}`;
  fresh = cloud.snapshot();
});

beforeEach(() => cloud.restore(fresh));

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  text: string;
}

async function call(method: string, path: string, options: { token?: string | null; headers?: Record<string, string>; body?: string | Uint8Array } = {}): Promise<Answer> {
  const token = options.token === undefined ? demoToken : options.token;
  const headers: Record<string, string> = { ...(token !== null ? { 'X-Auth-Token': token } : {}), ...options.headers };
  const res = await api(new Request(`http://localhost${path}`, { method, headers, body: options.body }));
  const h: Record<string, string> = {};
  res.headers.forEach((v, k) => (h[k] = v));
  const body = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: h, body, text: new TextDecoder().decode(body) };
}

const v1 = (...parts: string[]): string => ['/v1', account, ...parts.map((p) => p.split('/').map(encodeURIComponent).join('/'))].join('/');
const NOT_FOUND = '<html><h1>Not Found</h1><p>The resource could not be found.</p></html>';

async function seed(): Promise<void> {
  expect((await call('PUT', v1('photos'))).status).toBe(201);
  for (const name of ['a.txt', 'dir/b.txt', 'dir/c.txt', 'e.txt']) {
    expect((await call('PUT', v1('photos', name), { body: `data of ${name}`, headers: { 'Content-Type': 'text/plain' } })).status).toBe(201);
  }
  expect((await call('PUT', v1('empty'))).status).toBe(201);
}

describe('GET /info', () => {
  it("answers Swift's capabilities without a token: the constraints enforced, the policies, the middleware simulated", async () => {
    const r = await call('GET', '/info', { token: null });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=UTF-8');
    const info = JSON.parse(r.text);
    expect(info.swift).toMatchObject({
      max_file_size: 5368709122,
      max_meta_name_length: 128,
      max_meta_value_length: 256,
      max_meta_count: 90,
      max_meta_overall_size: 4096,
      max_header_size: 8192,
      max_object_name_length: 1024,
      max_container_name_length: 256,
      max_account_name_length: 256,
      container_listing_limit: 10000,
      account_listing_limit: 10000,
      valid_api_versions: ['v1', 'v1.0'],
      policies: [{ name: 'Policy-0', aliases: 'Policy-0', default: true }],
    });
    expect(info.slo).toMatchObject({ max_manifest_segments: 1000, min_segment_size: 1 });
    expect(Object.keys(info).sort()).toEqual(['container_quotas', 'slo', 'swift', 'versioned_writes']);
    expect((await call('HEAD', '/info', { token: null })).status).toBe(200);
  });
});

describe('accounts', () => {
  it('GET lists containers as plain text by default, JSON with ?format=json or Accept, XML with ?format=xml', async () => {
    await seed();
    const plain = await call('GET', `/v1/${account}`);
    expect(plain.status).toBe(200);
    expect(plain.text).toBe('empty\nphotos\n');
    expect(plain.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8', 'x-account-container-count': '2', 'x-account-object-count': '4', 'accept-ranges': 'bytes', vary: 'Accept' });
    expect(plain.headers['x-timestamp']).toMatch(/^\d{10}\.\d{5}$/);
    expect(plain.headers['x-trans-id']).toBe(plain.headers['x-openstack-request-id']);
    const json = await call('GET', `/v1/${account}?format=json`);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(json.text)).toEqual([
      { name: 'empty', count: 0, bytes: 0, last_modified: '2022-10-05T00:00:00.000000' },
      { name: 'photos', count: 4, bytes: Number(json.headers['x-account-bytes-used']), last_modified: '2022-10-05T00:00:00.000000' },
    ]);
    expect(JSON.parse((await call('GET', `/v1/${account}`, { headers: { Accept: 'application/json' } })).text)).toHaveLength(2);
    const xml = await call('GET', `/v1/${account}?format=xml`);
    expect(xml.text).toContain(`<account name="${account}">`);
    expect(xml.text).toContain('<container><name>empty</name><count>0</count>');
    expect((await call('GET', `/v1/${account}`, { headers: { Accept: 'image/png' } })).status).toBe(406);
  });

  it('an unused account lists as 204 in plain text and [] in JSON; HEAD is 204 with the totals', async () => {
    expect((await call('GET', `/v1/${account}`)).status).toBe(204);
    const json = await call('GET', `/v1/${account}?format=json`);
    expect([json.status, json.text]).toEqual([200, '[]']);
    const head = await call('HEAD', `/v1/${account}`);
    expect(head.status).toBe(204);
    expect(head.headers).toMatchObject({ 'x-account-container-count': '0', 'x-account-object-count': '0', 'x-account-bytes-used': '0' });
  });

  it('honours limit, marker, end_marker, prefix, delimiter and reverse; limit above 10000 is 412', async () => {
    await seed();
    for (const name of ['logs-1', 'logs-2', 'logs-3']) await call('PUT', v1(name));
    const names = async (q: string): Promise<string> => (await call('GET', `/v1/${account}?${q}`)).text.trim().split('\n').join(',');
    expect(await names('limit=2')).toBe('empty,logs-1');
    expect(await names('marker=logs-1&end_marker=photos')).toBe('logs-2,logs-3');
    expect(await names('prefix=logs-')).toBe('logs-1,logs-2,logs-3');
    expect(await names('delimiter=-')).toBe('empty,logs-,photos');
    expect(await names('reverse=true&limit=2')).toBe('photos,logs-3');
    expect(await names('limit=abc')).toBe('empty,logs-1,logs-2,logs-3,photos');
    const over = await call('GET', `/v1/${account}?limit=10001`);
    expect([over.status, over.text]).toEqual([412, 'Maximum limit is 10000']);
    expect((await call('GET', `/v1/${account}?delimiter=ab`)).status).toBe(412);
  });

  it('POST sets X-Account-Meta-* (204); PUT and DELETE are 405 with Allow', async () => {
    const post = await call('POST', `/v1/${account}`, { headers: { 'X-Account-Meta-Owner': 'team-a' } });
    expect(post.status).toBe(204);
    expect((await call('HEAD', `/v1/${account}`)).headers['x-account-meta-owner']).toBe('team-a');
    const put = await call('PUT', `/v1/${account}`);
    expect(put.status).toBe(405);
    expect(put.headers.allow).toContain('POST');
    expect(put.text).toBe('<html><h1>Method Not Allowed</h1><p>The method is not allowed for this resource.</p></html>');
  });

  it("another project's account is 403 with Swift's page, and nothing changes", async () => {
    const before = cloud.state;
    const r = await call('POST', `/v1/${account}`, { token: altToken, headers: { 'X-Account-Meta-X': '1' } });
    expect([r.status, r.text]).toEqual([403, '<html><h1>Forbidden</h1><p>Access was denied to this resource.</p></html>']);
    expect(r.headers['content-type']).toBe('text/html; charset=UTF-8');
    expect(cloud.state).toBe(before);
  });

  it('a missing, expired or revoked token is 401; with no token at all too', async () => {
    for (const token of [null, 'not-a-token']) {
      const r = await call('GET', `/v1/${account}`, { token });
      expect(r.status).toBe(401);
      expect(r.text).toContain('<h1>Unauthorized</h1>');
      expect(r.headers['www-authenticate']).toBeDefined();
    }
    const s = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
    const token = s.token;
    s.logout();
    expect((await call('HEAD', `/v1/${account}`, { token })).status).toBe(401);
    cloud.clock.advance(2 * 24 * 3600);
    expect((await call('HEAD', `/v1/${account}`)).status).toBe(401);
  });
});

describe('containers', () => {
  it('PUT is 201 then 202 (Accepted page); HEAD is 204 with counts, policy, timestamps', async () => {
    const put = await call('PUT', v1('c'), { headers: { 'X-Container-Meta-Color': 'red' } });
    expect([put.status, put.text]).toEqual([201, '']);
    const again = await call('PUT', v1('c'));
    expect([again.status, again.text]).toEqual([202, '<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>']);
    const head = await call('HEAD', v1('c'));
    expect(head.status).toBe(204);
    expect(head.headers).toMatchObject({
      'x-container-object-count': '0',
      'x-container-bytes-used': '0',
      'x-storage-policy': 'Policy-0',
      'x-container-meta-color': 'red',
      'last-modified': 'Wed, 05 Oct 2022 00:00:00 GMT',
      'accept-ranges': 'bytes',
    });
    expect(head.headers['x-put-timestamp']).toBe('1664928000.00000');
  });

  it('GET lists objects (plain, JSON with subdir entries for a delimiter); an empty container is 204 in plain text', async () => {
    await seed();
    expect((await call('GET', v1('photos'))).text).toBe('a.txt\ndir/b.txt\ndir/c.txt\ne.txt\n');
    const json = JSON.parse((await call('GET', `${v1('photos')}?format=json&delimiter=/`)).text);
    expect(json).toEqual([
      { name: 'a.txt', hash: expect.stringMatching(/^[0-9a-f]{32}$/), bytes: 13, content_type: 'text/plain', last_modified: '2022-10-05T00:00:00.000000' },
      { subdir: 'dir/' },
      expect.objectContaining({ name: 'e.txt' }),
    ]);
    expect((await call('GET', `${v1('photos')}?prefix=dir/&format=json`)).text).toContain('dir/c.txt');
    expect((await call('GET', v1('empty'))).status).toBe(204);
    expect((await call('GET', `${v1('empty')}?format=json`)).text).toBe('[]');
    const missing = await call('GET', v1('nope'));
    expect([missing.status, missing.text]).toEqual([404, NOT_FOUND]);
  });

  it('POST sets metadata and ACLs (204), shown to the owner; a bad ACL or policy is 400 in Swift words', async () => {
    await call('PUT', v1('c'));
    expect((await call('POST', v1('c'), { headers: { 'X-Container-Read': 'p1:*', 'X-Container-Write': 'p1:u1', 'X-Container-Meta-Tier': 'gold' } })).status).toBe(204);
    const head = await call('HEAD', v1('c'));
    expect(head.headers).toMatchObject({ 'x-container-read': 'p1:*', 'x-container-write': 'p1:u1', 'x-container-meta-tier': 'gold' });
    // keystoneauth lets a referrer ACL decide before the operator roles: the owner is then not swift_owner
    await call('POST', v1('c'), { headers: { 'X-Container-Read': '.r:*,.rlistings' } });
    expect((await call('HEAD', v1('c'))).headers['x-container-read']).toBeUndefined();
    const before = cloud.state;
    const bad = await call('POST', v1('c'), { headers: { 'X-Container-Write': '.r:*' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Referrers not allowed in write ACL');
    const policy = await call('PUT', v1('d'), { headers: { 'X-Storage-Policy': 'gold' } });
    expect(policy.status).toBe(400);
    expect(policy.text).toContain('X-Storage-Policy');
    expect(cloud.state).toBe(before);
    expect((await call('POST', v1('nope'), { headers: { 'X-Container-Meta-A': 'b' } })).status).toBe(404);
  });

  it('DELETE is 409 while objects remain, 204 once empty, then 404', async () => {
    await seed();
    const before = cloud.state;
    const conflict = await call('DELETE', v1('photos'));
    expect([conflict.status, conflict.text]).toEqual([409, '<html><h1>Conflict</h1><p>There was a conflict when trying to complete your request.</p></html>']);
    expect(cloud.state).toBe(before);
    expect((await call('DELETE', v1('empty'))).status).toBe(204);
    expect((await call('DELETE', v1('empty'))).status).toBe(404);
  });

  it('a container name too long is 400 naming it', async () => {
    const r = await call('PUT', v1('x'.repeat(257)));
    expect(r.status).toBe(400);
    expect(r.text).toContain('container');
  });
});

describe('objects', () => {
  it('PUT is 201 with the MD5 Etag; GET returns the bytes, the Etag (unquoted, as the proxy sends it), metadata; HEAD the length', async () => {
    await call('PUT', v1('c'));
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252]);
    const put = await call('PUT', v1('c', 'bin/blob.dat'), { body: bytes, headers: { 'X-Object-Meta-Color': 'blue', 'Content-Type': 'application/x-thing' } });
    expect(put.status).toBe(201);
    expect(put.headers.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(put.headers['last-modified']).toBe('Wed, 05 Oct 2022 00:00:00 GMT');
    const get = await call('GET', v1('c', 'bin/blob.dat'));
    expect(get.status).toBe(200);
    expect([...get.body]).toEqual([...bytes]);
    expect(get.headers).toMatchObject({ etag: put.headers.etag, 'content-type': 'application/x-thing', 'x-object-meta-color': 'blue', 'accept-ranges': 'bytes', 'content-length': '6' });
    expect(get.headers['x-timestamp']).toBe('1664928000.00000');
    const head = await call('HEAD', v1('c', 'bin/blob.dat'));
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '6', 0]);
    // the container and account count it
    expect((await call('HEAD', v1('c'))).headers).toMatchObject({ 'x-container-object-count': '1', 'x-container-bytes-used': '6' });
  });

  it('Range: one range is 206 with Content-Range, several are multipart/byteranges, none satisfiable 416', async () => {
    await call('PUT', v1('c'));
    await call('PUT', v1('c', 'o'), { body: '0123456789' });
    const one = await call('GET', v1('c', 'o'), { headers: { Range: 'bytes=2-4' } });
    expect([one.status, one.text, one.headers['content-range'], one.headers['content-length']]).toEqual([206, '234', 'bytes 2-4/10', '3']);
    expect((await call('GET', v1('c', 'o'), { headers: { Range: 'bytes=-3' } })).text).toBe('789');
    expect((await call('GET', v1('c', 'o'), { headers: { Range: 'bytes=7-' } })).text).toBe('789');
    const many = await call('GET', v1('c', 'o'), { headers: { Range: 'bytes=0-1,8-9' } });
    expect(many.status).toBe(206);
    const boundary = /boundary=(\w+)/.exec(many.headers['content-type']!)![1];
    expect(many.text).toBe(`--${boundary}\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Range: bytes 0-1/10\r\n\r\n01\r\n--${boundary}\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Range: bytes 8-9/10\r\n\r\n89\r\n--${boundary}--`);
    const none = await call('GET', v1('c', 'o'), { headers: { Range: 'bytes=20-30' } });
    expect([none.status, none.headers['content-range']]).toEqual([416, 'bytes */10']);
    expect(none.text).toBe('<html><h1>Requested Range Not Satisfiable</h1><p>The Range requested is not available.</p></html>');
    // a malformed Range is ignored, as swob does
    expect((await call('GET', v1('c', 'o'), { headers: { Range: 'pages=1' } })).status).toBe(200);
    expect((await call('GET', v1('c', 'o'), { headers: { Range: 'bytes=5-2' } })).text).toBe('0123456789');
  });

  it('conditional GET: If-None-Match 304, If-Match 412 (also on a missing object), If-Modified-Since 304', async () => {
    await call('PUT', v1('c'));
    const { headers } = await call('PUT', v1('c', 'o'), { body: 'x' });
    expect((await call('GET', v1('c', 'o'), { headers: { 'If-None-Match': `"${headers.etag}"` } })).status).toBe(304);
    expect((await call('GET', v1('c', 'o'), { headers: { 'If-Match': '"nope"' } })).status).toBe(412);
    expect((await call('GET', v1('c', 'o'), { headers: { 'If-Match': headers.etag! } })).status).toBe(200);
    expect((await call('GET', v1('c', 'missing'), { headers: { 'If-Match': '*' } })).status).toBe(412);
    expect((await call('HEAD', v1('c', 'o'), { headers: { 'If-Modified-Since': 'Thu, 06 Oct 2022 00:00:00 GMT' } })).status).toBe(304);
    expect((await call('GET', v1('c', 'o'), { headers: { 'If-Unmodified-Since': 'Tue, 04 Oct 2022 00:00:00 GMT' } })).status).toBe(412);
  });

  it('PUT checks: If-None-Match: * on an existing object 412, a wrong ETag 422, a missing container 404; nothing changes', async () => {
    await call('PUT', v1('c'));
    await call('PUT', v1('c', 'o'), { body: 'x' });
    const before = cloud.state;
    expect((await call('PUT', v1('c', 'o'), { body: 'y', headers: { 'If-None-Match': '*' } })).status).toBe(412);
    expect((await call('PUT', v1('c', 'o'), { body: 'y', headers: { 'If-None-Match': 'abc' } })).status).toBe(400);
    const mismatch = await call('PUT', v1('c', 'o'), { body: 'y', headers: { ETag: '0'.repeat(32) } });
    expect([mismatch.status, mismatch.text]).toEqual([422, '<html><h1>Unprocessable Entity</h1><p>Unable to process the contained instructions</p></html>']);
    expect((await call('PUT', v1('nope', 'o'), { body: 'y' })).status).toBe(404);
    const meta = await call('PUT', v1('c', 'o'), { body: 'y', headers: { 'X-Object-Meta-A': 'v'.repeat(257) } });
    expect([meta.status, meta.text]).toEqual([400, 'headers.X-Object-Meta-A: Metadata value longer than 256: X-Object-Meta-A.']);
    const long = await call('PUT', v1('c', 'n'.repeat(1025)), { body: 'y' });
    expect(long.status).toBe(400);
    expect(long.text).toContain('Object name length of 1025 longer than 1024');
    expect(cloud.state).toBe(before);
  });

  it('POST replaces metadata (202); DELETE is 204 then 404', async () => {
    await call('PUT', v1('c'));
    await call('PUT', v1('c', 'o'), { body: 'x', headers: { 'X-Object-Meta-A': '1' } });
    const post = await call('POST', v1('c', 'o'), { headers: { 'X-Object-Meta-B': '2' } });
    expect(post.status).toBe(202);
    const head = await call('HEAD', v1('c', 'o'));
    expect(head.headers['x-object-meta-b']).toBe('2');
    expect(head.headers['x-object-meta-a']).toBeUndefined();
    expect((await call('DELETE', v1('c', 'o'))).status).toBe(204);
    const gone = await call('DELETE', v1('c', 'o'));
    expect([gone.status, gone.text]).toEqual([404, NOT_FOUND]);
    expect((await call('GET', v1('c', 'o'))).status).toBe(404);
  });

  it('COPY with Destination and PUT with X-Copy-From copy bytes and metadata (201, X-Copied-From)', async () => {
    await call('PUT', v1('c'));
    await call('PUT', v1('d'));
    await call('PUT', v1('c', 'src'), { body: 'payload', headers: { 'X-Object-Meta-K': 'v' } });
    const copied = await call('COPY', v1('c', 'src'), { headers: { Destination: '/d/copy 1' } });
    expect(copied.status).toBe(201);
    expect(copied.headers['x-copied-from']).toBe('c/src');
    expect(copied.headers['x-copied-from-last-modified']).toBe('Wed, 05 Oct 2022 00:00:00 GMT');
    const got = await call('GET', v1('d', 'copy 1'));
    expect([got.text, got.headers['x-object-meta-k']]).toEqual(['payload', 'v']);
    const put = await call('PUT', v1('d', 'copy2'), { headers: { 'X-Copy-From': 'c/src', 'X-Object-Meta-New': 'n' } });
    expect(put.status).toBe(201);
    expect((await call('HEAD', v1('d', 'copy2'))).headers).toMatchObject({ 'x-object-meta-k': 'v', 'x-object-meta-new': 'n' });
    expect((await call('COPY', v1('c', 'src'))).status).toBe(412);
    expect((await call('COPY', v1('c', 'src'), { headers: { Destination: 'nocontainer' } })).status).toBe(412);
    expect((await call('PUT', v1('d', 'x'), { headers: { 'X-Copy-From': 'c/src' }, body: 'body' })).status).toBe(400);
    expect((await call('COPY', v1('c', 'missing'), { headers: { Destination: 'd/x' } })).status).toBe(404);
  });

  it('static large objects: manifest PUT, GET concatenates, ?multipart-manifest=get and =delete', async () => {
    await call('PUT', v1('c'));
    await call('PUT', v1('c', 'seg/1'), { body: 'hello ' });
    await call('PUT', v1('c', 'seg/2'), { body: 'world' });
    const manifest = JSON.stringify([{ path: '/c/seg/1' }, { path: 'c/seg/2' }]);
    const put = await call('PUT', `${v1('c', 'big')}?multipart-manifest=put`, { body: manifest });
    expect(put.status).toBe(201);
    const get = await call('GET', v1('c', 'big'));
    expect([get.text, get.headers['x-static-large-object']]).toEqual(['hello world', 'True']);
    expect(get.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(JSON.parse((await call('GET', `${v1('c', 'big')}?multipart-manifest=get`)).text)).toHaveLength(2);
    expect((await call('PUT', `${v1('c', 'bad')}?multipart-manifest=put`, { body: '{not json' })).status).toBe(400);
    const del = await call('DELETE', `${v1('c', 'big')}?multipart-manifest=delete`);
    expect(del.status).toBe(200);
    expect(del.text).toContain('Number Deleted: 3');
    expect((await call('GET', `${v1('c')}?format=json`)).text).toBe('[]');
  });
});

describe('anonymous access by ACL', () => {
  it('without a token: 401 on a private container; .r:* lets objects be read, .rlistings the listing', async () => {
    await call('PUT', v1('pub'), { headers: { 'X-Container-Read': '.r:*' } });
    await call('PUT', v1('pub', 'index.html'), { body: '<p>hi</p>', headers: { 'Content-Type': 'text/html' } });
    await call('PUT', v1('priv'));
    await call('PUT', v1('priv', 'secret'), { body: 's' });
    const read = await call('GET', v1('pub', 'index.html'), { token: null });
    expect([read.status, read.text, read.headers['content-type']]).toEqual([200, '<p>hi</p>', 'text/html']);
    // an invalid token is treated as none (keystonemiddleware's delay_auth_decision)
    expect((await call('GET', v1('pub', 'index.html'), { token: 'garbage' })).status).toBe(200);
    expect((await call('GET', v1('pub'), { token: null })).status).toBe(401);
    const before = cloud.state;
    expect((await call('PUT', v1('pub', 'x'), { token: null, body: 'x' })).status).toBe(401);
    expect((await call('GET', v1('priv', 'secret'), { token: null })).status).toBe(401);
    expect(cloud.state).toBe(before);
    await call('POST', v1('pub'), { headers: { 'X-Container-Read': '.r:*,.rlistings' } });
    const listing = await call('GET', v1('pub'), { token: null });
    expect([listing.status, listing.text]).toEqual([200, 'index.html\n']);
    // ACLs are shown to the owner only
    expect((await call('HEAD', v1('pub'), { token: null })).headers['x-container-read']).toBeUndefined();
  });

  it("another project's user reaches a container its ACL names, and is 403 elsewhere", async () => {
    await call('PUT', v1('shared'), { headers: { 'X-Container-Read': `${altAccount.slice(5)}:*` } });
    await call('PUT', v1('shared', 'o'), { body: 'shared data' });
    expect((await call('GET', v1('shared', 'o'), { token: altToken })).text).toBe('shared data');
    expect((await call('PUT', v1('shared', 'o'), { token: altToken, body: 'no' })).status).toBe(403);
  });
});
