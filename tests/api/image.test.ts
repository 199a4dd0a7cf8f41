/**
 * Glance v2 over REST (`/image`), through `createApiHandler` with no sockets: version
 * discovery, schemas (what glanceclient validates against), images with their filters, sort
 * and paging links, JSON-patch media types, data upload / download (Content-MD5, Range, 204),
 * stage + import, actions, tags, members, image tasks and discovery, and Glance's faults
 * (webob's JSON body, keystonemiddleware's 401). Every refusal leaves `cloud.state` the very
 * same object. One cloud for the file, restored to the same snapshot before each test.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type CloudSnapshot } from '../../src/index.js';
import { createApiHandler, type ApiHandler, type FetchResponse } from '../../src/api/index.js';
import { CONTAINER_FORMATS, DISK_FORMATS } from '../../src/image/index.js';

let cloud: Cloud;
let api: ApiHandler;
let start: CloudSnapshot;
const T = { admin: '', demo: '', alt: '', reader: '' };
let altProject = '';
let cirros = '';

beforeAll(() => {
  cloud = createCloud({ seed: 11, identity: { password_hash_rounds: 1 } });
  api = createApiHandler(cloud);
  T.admin = cloud.admin.token;
  T.demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' }).token;
  T.alt = cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' }).token;
  T.reader = cloud.login({ username: 'demo_reader', password: 'secret', project: 'demo' }).token;
  altProject = cloud.systemAdmin.identity.getProject('alt_demo').id;
  cirros = cloud.admin.image.listImages({ name: 'cirros-0.5.2-x86_64-disk' }).images[0]?.id as string;
  start = cloud.snapshot();
});

beforeEach(() => cloud.restore(start));

interface Sent {
  readonly res: FetchResponse;
  readonly status: number;
  readonly body: unknown;
  readonly bytes: Uint8Array;
  header(name: string): string | null;
}

async function send(method: string, path: string, init: { token?: string | null; json?: unknown; body?: string | Uint8Array; type?: string; headers?: Record<string, string> } = {}): Promise<Sent> {
  // webob renders faults by Accept: JSON here (the format tests below ask for the others)
  const headers = new Headers({ Accept: 'application/json', ...init.headers });
  const token = init.token === undefined ? T.demo : init.token;
  if (token !== null) headers.set('X-Auth-Token', token);
  let body: string | Uint8Array | undefined = init.body;
  if (init.json !== undefined) body = JSON.stringify(init.json);
  if (init.type !== undefined) headers.set('Content-Type', init.type);
  else if (init.json !== undefined) headers.set('Content-Type', 'application/json');
  const res = await api(new Request(`http://127.0.0.1:9292${path}`, { method, headers, body }));
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let parsed: unknown = text;
  if ((res.headers.get('Content-Type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
  return { res, status: res.status, body: parsed, bytes, header: (n) => res.headers.get(n) };
}

/** A request that must be refused: status, webob's JSON fault, and `cloud.state` unchanged. */
async function refused(method: string, path: string, status: number, init: Parameters<typeof send>[2] = {}, message?: string | RegExp): Promise<Sent> {
  const before = cloud.state;
  const r = await send(method, path, init);
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(cloud.state).toBe(before);
  if (status !== 401) {
    const fault = r.body as { message: string; code: string; title: string };
    expect(fault.code).toMatch(new RegExp(`^${status} `));
    expect(fault.title).toBe(fault.code.slice(4));
    expect(fault.message).toContain('<br /><br />');
    if (message instanceof RegExp) expect(fault.message).toMatch(message);
    else if (message !== undefined) expect(fault.message).toContain(message);
  }
  return r;
}

/** A refusal in whatever format the Accept header asks for (state unchanged). */
async function refusedRaw(method: string, path: string, status: number, headers: Record<string, string>): Promise<Sent> {
  const before = cloud.state;
  const r = await send(method, path, { headers });
  expect(r.status).toBe(status);
  expect(cloud.state).toBe(before);
  return r;
}

type ImageBody = Record<string, unknown> & { id: string; status: string };

async function create(extra: Record<string, unknown> = {}, token = T.demo): Promise<ImageBody> {
  const r = await send('POST', '/image/v2/images', { token, json: { name: 'rest-img', disk_format: 'raw', container_format: 'bare', ...extra } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as ImageBody;
}

const DATA = new Uint8Array(Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 0xff));

async function upload(id: string, data: Uint8Array = DATA, token = T.demo): Promise<void> {
  const r = await send('PUT', `/image/v2/images/${id}/file`, { token, body: data, type: 'application/octet-stream' });
  expect(r.status, JSON.stringify(r.body)).toBe(204);
}

const patch = (id: string, ops: unknown, token = T.demo, type = 'application/openstack-images-v2.1-json-patch') =>
  send('PATCH', `/image/v2/images/${id}`, { token, body: JSON.stringify(ops), type });

describe('version discovery', () => {
  it('GET /image is the 300 version list, /image/versions the same with 200', async () => {
    const root = await send('GET', '/image', { token: null });
    expect(root.status).toBe(300);
    const versions = (root.body as { versions: { id: string; status: string; links: { rel: string; href: string }[] }[] }).versions;
    expect(versions.map((v) => v.id)).toEqual(['v2.16', 'v2.15', 'v2.14', 'v2.9', 'v2.7', 'v2.6', 'v2.5', 'v2.4', 'v2.3', 'v2.2', 'v2.1', 'v2.0']);
    expect(versions.filter((v) => v.status === 'CURRENT').map((v) => v.id)).toEqual(['v2.16']);
    for (const v of versions) expect(v.links).toEqual([{ rel: 'self', href: 'http://127.0.0.1:9292/image/v2/' }]);
    const explicit = await send('GET', '/image/versions', { token: null });
    expect(explicit.status).toBe(200);
    expect(explicit.body).toEqual(root.body);
    expect((await send('GET', '/image/', { token: null })).status).toBe(300);
  });

  it('an unknown path is the version choice (any method); /image/v2 and unknown v2 paths are 404', async () => {
    expect((await send('GET', '/image/v1/images', { token: null })).status).toBe(300);
    expect((await send('POST', '/image/whatever', { token: null })).status).toBe(300);
    await refused('GET', '/image/v2', 404, { token: null }, 'The resource could not be found.');
    await refused('GET', '/image/v2/nothing/here', 404, {}, 'The resource could not be found.');
  });
});

describe('schemas', () => {
  it('/v2/schemas/image is the permissive image schema glanceclient validates against', async () => {
    const r = await send('GET', '/image/v2/schemas/image');
    expect(r.status).toBe(200);
    const s = r.body as { name: string; additionalProperties: unknown; links: unknown; properties: Record<string, { enum?: unknown[]; type?: unknown }> };
    expect(s.name).toBe('image');
    expect(s.additionalProperties).toEqual({ type: 'string' });
    expect(s.links).toEqual([{ rel: 'self', href: '{self}' }, { rel: 'enclosure', href: '{file}' }, { rel: 'describedby', href: '{schema}' }]);
    expect(Object.keys(s.properties)).toEqual(['id', 'name', 'status', 'visibility', 'protected', 'os_hidden', 'checksum', 'os_hash_algo', 'os_hash_value', 'owner', 'size', 'virtual_size', 'container_format', 'disk_format', 'created_at', 'updated_at', 'tags', 'direct_url', 'min_ram', 'min_disk', 'self', 'file', 'stores', 'schema', 'locations']);
    expect(s.properties.disk_format?.enum).toEqual([null, ...DISK_FORMATS]);
    expect(s.properties.container_format?.enum).toEqual([null, ...CONTAINER_FORMATS]);
    expect(s.properties.name?.type).toEqual(['null', 'string']);
    // every field of an image view is described by the schema (base ones) or is a string (additional)
    const view = (await send('GET', `/image/v2/images/${cirros}`)).body as Record<string, unknown>;
    for (const [k, v] of Object.entries(view)) if (!(k in s.properties)) expect(typeof v, k).toBe('string');
  });

  it('images, member and members schemas; HEAD answers without a body; other methods are 405', async () => {
    const images = (await send('GET', '/image/v2/schemas/images')).body as { name: string; properties: Record<string, unknown>; links: unknown[] };
    expect(images.name).toBe('images');
    expect(Object.keys(images.properties)).toEqual(['images', 'first', 'next', 'schema']);
    expect(images.links).toHaveLength(3);
    const member = (await send('GET', '/image/v2/schemas/member')).body as { name: string; properties: Record<string, unknown> };
    expect(member.name).toBe('member');
    expect(Object.keys(member.properties)).toEqual(['member_id', 'image_id', 'created_at', 'updated_at', 'status', 'schema']);
    const members = (await send('GET', '/image/v2/schemas/members')).body as { name: string; links: unknown };
    expect(members.name).toBe('members');
    expect(members.links).toEqual([{ rel: 'describedby', href: '{schema}' }]);
    const head = await send('HEAD', '/image/v2/schemas/image');
    expect(head.status).toBe(200);
    expect(head.bytes.byteLength).toBe(0);
    const r = await refused('POST', '/image/v2/schemas/image', 405, { json: {} }, 'The method POST is not allowed for this resource.');
    expect(r.header('Allow')).toContain('GET');
  });
});

describe('fault formats', () => {
  it("webob's body by Accept: JSON, an HTML page for */*, plain text without Accept; the handler's 405 too", async () => {
    const path = '/image/v2/images/no<such>';
    const html = await refusedRaw('GET', path, 404, { 'Accept': '*/*' });
    expect(html.header('Content-Type')).toBe('text/html; charset=UTF-8');
    expect(new TextDecoder().decode(html.bytes)).toBe('<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID no&lt;such&gt;<br /><br />\n\n\n\n </body>\n</html>');
    const plain = await refusedRaw('GET', path, 404, { 'Accept': '' });
    expect(plain.header('Content-Type')).toBe('text/plain; charset=UTF-8');
    expect(new TextDecoder().decode(plain.bytes)).toBe('404 Not Found\n\nNo image found with ID no\n\n   ');
    const json = await refusedRaw('GET', path, 404, { 'Accept': 'text/html;q=0.1, application/json;q=0.5' });
    expect(JSON.parse(new TextDecoder().decode(json.bytes))).toEqual({ message: 'No image found with ID no<such><br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' });
    const tie = await refusedRaw('GET', path, 404, { 'Accept': 'application/json, */*' });
    expect(tie.header('Content-Type')).toBe('text/html; charset=UTF-8');
    const unparsable = await refusedRaw('GET', path, 404, { 'Accept': 'garbage;;' });
    expect(unparsable.header('Content-Type')).toBe('text/html; charset=UTF-8');
    const method = await refusedRaw('PUT', '/image/v2/images', 405, { 'Accept': 'application/json' });
    expect(JSON.parse(new TextDecoder().decode(method.bytes))).toEqual({ message: 'The method PUT is not allowed for this resource. <br /><br />\n', code: '405 Method Not Allowed', title: 'Method Not Allowed' });
    const page = await refusedRaw('PUT', '/image/v2/images', 405, { 'Accept': '*/*' });
    expect(new TextDecoder().decode(page.bytes)).toContain('<h1>405 Method Not Allowed</h1>');
  });
});

describe('authentication', () => {
  it("no token, a bad token: keystonemiddleware's 401 body with WWW-Authenticate, nothing changed", async () => {
    for (const token of [null, 'not-a-token']) {
      const r = await refused('POST', '/image/v2/images', 401, { token, json: { name: 'x' } });
      expect(r.body).toEqual({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
      expect(r.header('WWW-Authenticate')).toMatch(/^Keystone uri=/);
    }
    await refused('GET', '/image/v2/schemas/image', 401, { token: null });
  });
});

describe('images', () => {
  it('POST /v2/images: 201, the image view, Location and the import methods', async () => {
    const r = await send('POST', '/image/v2/images', { json: { name: 'made', disk_format: 'qcow2', container_format: 'bare', hw_disk_bus: 'scsi', tags: ['b', 'a'] } });
    expect(r.status).toBe(201);
    const img = r.body as ImageBody;
    expect(img).toMatchObject({ name: 'made', status: 'queued', visibility: 'shared', disk_format: 'qcow2', container_format: 'bare', hw_disk_bus: 'scsi', tags: ['a', 'b'], size: null, checksum: null, protected: false, os_hidden: false, min_ram: 0, min_disk: 0 });
    expect(img.self).toBe(`/v2/images/${img.id}`);
    expect(img.file).toBe(`/v2/images/${img.id}/file`);
    expect(img.schema).toBe('/v2/schemas/image');
    expect(img.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(r.header('Location')).toBe(`http://127.0.0.1:9292/image/v2/images/${img.id}`);
    expect(r.header('OpenStack-image-import-methods')).toBe('glance-direct,web-download,copy-image');
    expect(r.header('X-Openstack-Request-Id')).toMatch(/^req-/);
    expect((await send('GET', `/image/v2/images/${img.id}`)).body).toEqual(img);
  });

  it('bad create bodies: 400 naming the problem, 403 for read-only and reserved attributes', async () => {
    await refused('POST', '/image/v2/images', 400, {}, 'Body expected in request.');
    await refused('POST', '/image/v2/images', 400, { body: '{"name": ', type: 'application/json' }, 'Malformed JSON in request body.');
    await refused('POST', '/image/v2/images', 400, { body: '"x"', type: 'application/json' }, 'Unexpected body type. Expected list/dict.');
    await refused('POST', '/image/v2/images', 400, { json: ['x'] }, 'image');
    await refused('POST', '/image/v2/images', 400, { json: { name: 42 } }, 'image.name');
    await refused('POST', '/image/v2/images', 400, { json: { disk_format: 'floppy' } }, 'image.disk_format');
    await refused('POST', '/image/v2/images', 400, { json: { min_ram: '1' } }, 'image.min_ram');
    await refused('POST', '/image/v2/images', 400, { json: { custom: 5 } }, 'image.custom');
    await refused('POST', '/image/v2/images', 403, { json: { self: '/x' } }, "Attribute 'self' is read-only.");
    await refused('POST', '/image/v2/images', 403, { json: { status: 'active' } }, "Attribute 'status' is read-only.");
    await refused('POST', '/image/v2/images', 403, { json: { os_glance_x: 'y' } }, "Attribute 'os_glance_x' is reserved.");
    await refused('POST', '/image/v2/images', 409, { json: { id: cirros } }, 'already exists');
  });

  it('policy: a reader may not create (403); public visibility needs admin (403)', async () => {
    await refused('POST', '/image/v2/images', 403, { token: T.reader, json: { name: 'x' } });
    await refused('POST', '/image/v2/images', 403, { json: { name: 'x', visibility: 'public' } });
  });

  it('GET /v2/images/{id}: ids only (a name is 404), another project\'s private image is 404', async () => {
    const img = await create({ visibility: 'private' });
    expect((await send('GET', `/image/v2/images/${img.id}`)).status).toBe(200);
    await refused('GET', '/image/v2/images/rest-img', 404, {}, 'No image found with ID rest-img');
    await refused('GET', `/image/v2/images/${img.id}`, 404, { token: T.alt }, `No image found with ID ${img.id}`);
    await refused('DELETE', `/image/v2/images/${img.id}`, 404, { token: T.alt });
    await refused('PATCH', `/image/v2/images/${img.id}`, 404, { token: T.alt, body: '[]', type: 'application/openstack-images-v2.1-json-patch' });
    const head = await send('HEAD', `/image/v2/images/${img.id}`);
    expect(head.status).toBe(200);
    expect(head.bytes.byteLength).toBe(0);
  });

  it('PATCH: the v2.1 JSON patch, the v2.0 (draft 4) form, 415 with Accept-Patch for other types', async () => {
    const img = await create();
    const r = await patch(img.id, [{ op: 'replace', path: '/name', value: 'renamed' }, { op: 'add', path: '/hw_x', value: 'y' }, { op: 'add', path: '/tags', value: ['t'] }]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: img.id, name: 'renamed', hw_x: 'y', tags: ['t'] });
    const d4 = await patch(img.id, [{ remove: '/hw_x' }, { replace: '/min_ram', value: 512 }], T.demo, 'application/openstack-images-v2.0-json-patch');
    expect(d4.status, JSON.stringify(d4.body)).toBe(200);
    expect(d4.body).toMatchObject({ min_ram: 512 });
    expect('hw_x' in (d4.body as object)).toBe(false);
    for (const type of ['application/json', 'text/plain']) {
      const bad = await refused('PATCH', `/image/v2/images/${img.id}`, 415, { body: '[]', type }, `The request media type ${type} is not supported by this server.`);
      expect(bad.header('Accept-Patch')).toBe('application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch');
    }
    await refused('PATCH', `/image/v2/images/${img.id}`, 415, { body: '[]' });
  });

  it('bad patches: 400 naming the operation, 403 read-only, 409 missing property, nothing changed', async () => {
    const img = await create();
    const path = `/image/v2/images/${img.id}`;
    const type = 'application/openstack-images-v2.1-json-patch';
    await refused('PATCH', path, 400, { type }, 'Body expected in request.');
    await refused('PATCH', path, 400, { body: '[{', type }, 'Malformed JSON');
    await refused('PATCH', path, 400, { body: '{"op": "add"}', type }, 'JSON array of operation objects');
    await refused('PATCH', path, 400, { body: '[{"op": "move", "path": "/name"}]', type }, 'changes[0].op');
    await refused('PATCH', path, 400, { body: '[{"op": "add", "path": "/name"}]', type }, 'changes[0].value');
    await refused('PATCH', path, 400, { body: '[{"op": "add", "path": "/min_ram", "value": "x"}]', type }, 'changes[0].value');
    await refused('PATCH', path, 400, { body: '[{"add": "/a", "remove": "/b"}]', type: 'application/openstack-images-v2.0-json-patch' }, 'only one member');
    await refused('PATCH', path, 400, { body: '[{"value": 1}]', type: 'application/openstack-images-v2.0-json-patch' }, 'exactly one member');
    await refused('PATCH', path, 403, { body: '[{"op": "replace", "path": "/status", "value": "active"}]', type }, "Attribute 'status' is read-only.");
    await refused('PATCH', path, 409, { body: '[{"op": "remove", "path": "/nope"}]', type }, 'Property nope does not exist.');
    await refused('PATCH', path, 404, { token: T.alt, body: '[{"op": "add", "path": "/x", "value": "y"}]', type }, `No image found with ID ${img.id}`);
    await refused('PATCH', `/image/v2/images/${cirros}`, 403, { body: '[{"op": "add", "path": "/x", "value": "y"}]', type });
  });

  it('DELETE: 204 then 404; a protected image is 403; a body is 400', async () => {
    const img = await create();
    await refused('DELETE', `/image/v2/images/${img.id}`, 400, { body: 'x', type: 'text/plain' }, 'A body is not expected with this request.');
    const r = await send('DELETE', `/image/v2/images/${img.id}`);
    expect(r.status).toBe(204);
    expect(r.bytes.byteLength).toBe(0);
    await refused('GET', `/image/v2/images/${img.id}`, 404);
    const prot = await create({ protected: true });
    await refused('DELETE', `/image/v2/images/${prot.id}`, 403, {}, 'is protected');
  });

  it('an unsupported method on an image is 405 with Allow', async () => {
    const r = await refused('PUT', `/image/v2/images/${cirros}`, 405, { json: {} });
    expect(r.header('Allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH']);
  });
});

describe('GET /v2/images', () => {
  it('lists what the caller sees with the first / schema links; filters by name, visibility, tag, property, os_hidden', async () => {
    const a = await create({ name: 'alpha', tags: ['x'], hw_arch: 'arm' });
    const b = await create({ name: 'beta', visibility: 'private', os_hidden: true });
    const all = (await send('GET', '/image/v2/images')).body as { images: ImageBody[]; first: string; schema: string; next?: string };
    expect(all.first).toBe('/v2/images');
    expect(all.schema).toBe('/v2/schemas/images');
    expect(all.next).toBeUndefined();
    expect(all.images.map((i) => i.id).sort()).toEqual([a.id, cirros].sort());
    const ids = async (q: string, token = T.demo) => ((await send('GET', `/image/v2/images?${q}`, { token })).body as { images: ImageBody[] }).images.map((i) => i.id);
    expect(await ids('name=alpha')).toEqual([a.id]);
    expect(await ids('name=in:alpha,beta&os_hidden=true')).toEqual([b.id]);
    expect(await ids('os_hidden=True')).toEqual([b.id]);
    expect(await ids('visibility=public')).toEqual([cirros]);
    expect(await ids('tag=x')).toEqual([a.id]);
    expect(await ids('tag=x&tag=y')).toEqual([]);
    expect(await ids('hw_arch=arm')).toEqual([a.id]);
    expect(await ids('status=queued&disk_format=raw')).toEqual([a.id]);
    expect(await ids('', T.alt)).toEqual([cirros]);
    const r = (await send('GET', '/image/v2/images?name=alpha&hw_arch=arm')).body as { first: string };
    expect(r.first).toBe('/v2/images?name=alpha&hw_arch=arm');
  });

  it('sorts and pages: limit, marker, the next link (without the old marker)', async () => {
    const made: string[] = [];
    for (const name of ['c', 'a', 'b']) made.push((await create({ name })).id);
    const page1 = (await send('GET', '/image/v2/images?sort=name:asc&limit=2')).body as { images: ImageBody[]; next: string; first: string };
    expect(page1.images.map((i) => i.name)).toEqual(['a', 'b']);
    expect(page1.first).toBe('/v2/images?sort=name%3Aasc&limit=2');
    expect(page1.next).toBe(`/v2/images?sort=name%3Aasc&limit=2&marker=${page1.images[1]?.id}`);
    const page2 = (await send('GET', `/image${page1.next}`)).body as { images: ImageBody[]; next?: string };
    expect(page2.images.map((i) => i.name)).toEqual(['c', 'cirros-0.5.2-x86_64-disk']);
    expect(page2.next).toBeDefined();
    const page3 = (await send('GET', `/image${page2.next}`)).body as { images: ImageBody[]; next?: string };
    expect(page3.images).toEqual([]);
    expect(page3.next).toBeUndefined();
    const old = (await send('GET', '/image/v2/images?sort_key=name&sort_dir=desc&limit=1')).body as { images: ImageBody[] };
    expect(old.images.map((i) => i.name)).toEqual(['cirros-0.5.2-x86_64-disk']);
  });

  it('bad list queries are 400 naming the parameter', async () => {
    await refused('GET', '/image/v2/images?limit=x', 400, {}, 'limit param must be an integer');
    await refused('GET', '/image/v2/images?limit=-1', 400, {}, 'limit param must be positive');
    await refused('GET', '/image/v2/images?sort_key=owner', 400, {}, 'Invalid sort key: owner');
    await refused('GET', '/image/v2/images?sort_dir=up', 400, {}, 'Invalid sort direction: up');
    await refused('GET', '/image/v2/images?sort=name&sort_key=name', 400, {}, 'Old and new sorting syntax cannot be combined');
    await refused('GET', '/image/v2/images?visibility=everyone', 400, {}, 'Invalid visibility value: everyone');
    await refused('GET', '/image/v2/images?member_status=maybe', 400, {}, 'Invalid status: maybe');
    await refused('GET', '/image/v2/images?os_hidden=yes', 400, {}, "Invalid value 'yes' for 'os_hidden' filter.");
    await refused('GET', '/image/v2/images?marker=00000000-0000-4000-8000-000000000000', 400, {}, 'query.marker');
    await refused('GET', '/image/v2/images?changes-since=2020-01-01', 400, {}, 'no longer available on v2');
    await refused('GET', '/image/v2/images?created_at=gt:yesterday', 400, {}, 'ISO 8601');
  });
});

describe('image data', () => {
  it('PUT /file (204) then GET /file: the bytes, Content-MD5 (the md5 hex checksum), Content-Length', async () => {
    const img = await create();
    await upload(img.id);
    const shown = (await send('GET', `/image/v2/images/${img.id}`)).body as ImageBody;
    expect(shown).toMatchObject({ status: 'active', size: DATA.byteLength, os_hash_algo: 'sha512' });
    const r = await send('GET', `/image/v2/images/${img.id}/file`);
    expect(r.status).toBe(200);
    expect(r.bytes).toEqual(DATA);
    expect(r.header('Content-Type')).toBe('application/octet-stream');
    expect(r.header('Content-MD5')).toBe(shown.checksum);
    expect(r.header('Content-MD5')).toMatch(/^[0-9a-f]{32}$/);
    expect(r.header('Content-Length')).toBe(String(DATA.byteLength));
    const head = await send('HEAD', `/image/v2/images/${img.id}/file`);
    expect(head.status).toBe(200);
    expect(head.bytes.byteLength).toBe(0);
  });

  it('an image without data downloads as 204; an upload needs application/octet-stream (415)', async () => {
    const img = await create();
    const r = await send('GET', `/image/v2/images/${img.id}/file`);
    expect(r.status).toBe(204);
    expect(r.bytes.byteLength).toBe(0);
    await refused('PUT', `/image/v2/images/${img.id}/file`, 415, { body: 'x', type: 'application/json' }, 'The request media type application/json is not supported');
    await refused('PUT', `/image/v2/images/${img.id}/file`, 415, { body: 'x' });
    await refused('PUT', `/image/v2/images/${cirros}/file`, 403, { body: 'x', type: 'application/octet-stream' });
    await refused('PUT', '/image/v2/images/00000000-0000-4000-8000-000000000000/file', 404, { body: 'x', type: 'application/octet-stream' });
  });

  it('Range downloads: 206 with Content-Range, suffix and open ranges, 416 and 400 as Glance answers', async () => {
    const img = await create();
    await upload(img.id);
    const range = async (value: string) => send('GET', `/image/v2/images/${img.id}/file`, { headers: { Range: value } });
    let r = await range('bytes=0-4');
    expect(r.status).toBe(206);
    expect(r.bytes).toEqual(DATA.subarray(0, 5));
    expect(r.header('Content-Range')).toBe('bytes 0-4/1000');
    r = await range('bytes=-10');
    expect(r.bytes).toEqual(DATA.subarray(990));
    expect(r.header('Content-Range')).toBe('bytes 990-999/1000');
    r = await range('bytes=995-');
    expect(r.bytes).toEqual(DATA.subarray(995));
    r = await range('bytes=990-5000');
    expect(r.bytes).toEqual(DATA.subarray(990));
    expect(r.header('Content-Range')).toBe('bytes 990-999/1000');
    await refused('GET', `/image/v2/images/${img.id}/file`, 416, { headers: { Range: 'bytes=1000-' } }, 'Start position MUST be in the inclusive range [0, 999]');
    await refused('GET', `/image/v2/images/${img.id}/file`, 416, { headers: { Range: 'bytes=5-1' } }, 'Invalid Range header.');
    await refused('GET', `/image/v2/images/${img.id}/file`, 416, { headers: { Range: 'pages=1' } }, 'Invalid Range header.');
    await refused('GET', `/image/v2/images/${img.id}/file`, 400, { headers: { Range: 'bytes=0-1,5-6' } }, 'multiple ranges');
  });

  it('stage (204) and import (202) with glance-direct; /v2/info/import lists the methods, /v2/info/stores is 404', async () => {
    const img = await create();
    expect((await send('PUT', `/image/v2/images/${img.id}/stage`, { body: DATA, type: 'application/octet-stream' })).status).toBe(204);
    expect(((await send('GET', `/image/v2/images/${img.id}`)).body as ImageBody).status).toBe('uploading');
    await refused('POST', `/image/v2/images/${img.id}/import`, 400, { json: { method: { name: 'nope' } } }, 'nope');
    await refused('POST', `/image/v2/images/${img.id}/import`, 400, {}, 'Body expected in request.');
    const r = await send('POST', `/image/v2/images/${img.id}/import`, { json: { method: { name: 'glance-direct' } } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.bytes.byteLength).toBe(0);
    cloud.clock.advance(1);
    const done = (await send('GET', `/image/v2/images/${img.id}`)).body as ImageBody;
    expect(done.status).toBe('active');
    expect((await send('GET', `/image/v2/images/${img.id}/file`)).bytes).toEqual(DATA);
    const tasks = (await send('GET', `/image/v2/images/${img.id}/tasks`)).body as { tasks: { type: string; status: string; image_id: string }[] };
    expect(tasks.tasks).toMatchObject([{ type: 'api_image_import', status: 'success', image_id: img.id }]);
    await refused('PUT', `/image/v2/images/${img.id}/stage`, 415, { body: 'x', type: 'text/plain' });
    const info = await send('GET', '/image/v2/info/import');
    expect(info.body).toEqual({ 'import-methods': { description: 'Import methods available.', type: 'array', value: ['glance-direct', 'web-download', 'copy-image'] } });
    await refused('GET', '/image/v2/info/stores', 404, {}, 'Multi backend is not supported at this site.');
    await refused('GET', '/image/v2/info/import', 401, { token: null });
  });

  it('deactivate / reactivate (204); a deactivated image downloads only for an admin (403)', async () => {
    const img = await create();
    await upload(img.id);
    expect((await send('POST', `/image/v2/images/${img.id}/actions/deactivate`)).status).toBe(204);
    await refused('GET', `/image/v2/images/${img.id}/file`, 403, {}, 'The requested image has been deactivated.');
    expect((await send('GET', `/image/v2/images/${img.id}/file`, { token: T.admin })).bytes).toEqual(DATA);
    await refused('POST', `/image/v2/images/${img.id}/actions/deactivate`, 400, { json: {} }, 'A body is not expected');
    expect((await send('POST', `/image/v2/images/${img.id}/actions/reactivate`)).status).toBe(204);
    expect(((await send('GET', `/image/v2/images/${img.id}`)).body as ImageBody).status).toBe('active');
    await refused('POST', `/image/v2/images/${cirros}/actions/deactivate`, 403);
    await refused('GET', `/image/v2/images/${img.id}/actions/deactivate`, 405);
  });
});

describe('tags and members', () => {
  it('PUT / DELETE /tags/{tag}: 204; deleting a tag the image lacks is 404', async () => {
    const img = await create();
    expect((await send('PUT', `/image/v2/images/${img.id}/tags/blue%20sky`)).status).toBe(204);
    expect(((await send('GET', `/image/v2/images/${img.id}`)).body as ImageBody).tags).toEqual(['blue sky']);
    expect((await send('DELETE', `/image/v2/images/${img.id}/tags/blue%20sky`)).status).toBe(204);
    await refused('DELETE', `/image/v2/images/${img.id}/tags/blue%20sky`, 404);
    await refused('PUT', `/image/v2/images/${img.id}/tags/${'t'.repeat(256)}`, 400, {}, 'tag');
    await refused('PUT', `/image/v2/images/${img.id}/tags/x`, 404, { token: T.alt });
  });

  it('members: the owner adds (200, pending), the member accepts, both list, the owner removes (204)', async () => {
    const img = await create();
    const m = await send('POST', `/image/v2/images/${img.id}/members`, { json: { member: altProject } });
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ member_id: altProject, image_id: img.id, status: 'pending', schema: '/v2/schemas/member' });
    const list = (await send('GET', `/image/v2/images/${img.id}/members`)).body as { members: { member_id: string }[]; schema: string };
    expect(list.members.map((x) => x.member_id)).toEqual([altProject]);
    expect(list.schema).toBe('/v2/schemas/members');
    const accepted = await send('PUT', `/image/v2/images/${img.id}/members/${altProject}`, { token: T.alt, json: { status: 'accepted' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted' });
    expect((await send('GET', `/image/v2/images/${img.id}/members/${altProject}`, { token: T.alt })).body).toMatchObject({ status: 'accepted' });
    const altList = (await send('GET', '/image/v2/images', { token: T.alt })).body as { images: ImageBody[] };
    expect(altList.images.map((i) => i.id)).toContain(img.id);
    expect((await send('DELETE', `/image/v2/images/${img.id}/members/${altProject}`)).status).toBe(204);
    await refused('GET', `/image/v2/images/${img.id}/members/${altProject}`, 404);
    await refused('GET', `/image/v2/images/${img.id}`, 404, { token: T.alt });
  });

  it('bad member requests: 400 bodies, 403 for non-shared images and non-owners, 409 twice', async () => {
    const img = await create();
    const path = `/image/v2/images/${img.id}/members`;
    await refused('POST', path, 400, {}, 'Body expected in request.');
    await refused('POST', path, 400, { json: {} }, 'Member to be added not specified');
    await refused('POST', path, 400, { json: { member: '' } }, "Member can't be empty");
    await refused('POST', path, 400, { json: { member: 'alt_demo' } }, 'is not a project ID');
    await refused('POST', path, 400, { json: [] }, 'member');
    const priv = await create({ visibility: 'private' });
    await refused('POST', `/image/v2/images/${priv.id}/members`, 403, { json: { member: altProject } }, 'Only shared images have members.');
    expect((await send('POST', path, { json: { member: altProject } })).status).toBe(200);
    await refused('POST', path, 409, { json: { member: altProject } }, 'is duplicated');
    await refused('PUT', `${path}/${altProject}`, 400, { token: T.alt, json: { status: 'maybe' } }, 'Status must be');
    await refused('PUT', `${path}/${altProject}`, 400, { token: T.alt, json: {} }, 'Status not specified');
    await refused('PUT', `${path}/${altProject}`, 403, { json: { status: 'accepted' } });
    await refused('DELETE', `${path}/${altProject}`, 403, { token: T.alt });
    await refused('GET', `${path}/nobody`, 404);
  });
});

describe('session API additions the routes use', () => {
  it('{ id } references resolve ids only: a name is 404, a bad id 400 naming image.id', () => {
    const demo = cloud.session(T.demo);
    expect(demo.image.getImage({ id: cirros }).id).toBe(cirros);
    expect(demo.image.getImage('cirros-0.5.2-x86_64-disk').id).toBe(cirros);
    const before = cloud.state;
    expect(() => demo.image.getImage({ id: 'cirros-0.5.2-x86_64-disk' })).toThrow(expect.objectContaining({ status: 404, code: 'image.image.not_found' }));
    expect(() => demo.image.deleteImage({ id: '' })).toThrow(expect.objectContaining({ status: 400, details: { field: 'image.id' } }));
    expect(() => demo.image.getImage({ id: 42 } as never)).toThrow(expect.objectContaining({ status: 400, details: { field: 'image.id' } }));
    expect(cloud.state).toBe(before);
  });

  it('downloadImageFile: the bytes with the recorded checksum and size, or null', () => {
    const demo = cloud.session(T.demo);
    const id = demo.image.createImage({ name: 'dl', disk_format: 'raw', container_format: 'bare' }).id;
    expect(demo.image.downloadImageFile({ id })).toBeNull();
    demo.image.uploadImageData(id, DATA);
    const got = demo.image.downloadImageFile(id);
    const view = demo.image.getImage(id);
    expect(got?.data).toEqual(DATA);
    expect(got?.checksum).toBe(view.checksum);
    expect(got?.size).toBe(DATA.byteLength);
    expect(() => cloud.session(T.alt).image.downloadImageFile(id)).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('getImportInfo, listStores and getSchema need a valid token; an unknown schema is 404', () => {
    const demo = cloud.session(T.demo);
    expect(demo.image.getImportInfo()['import-methods'].value).toEqual(['glance-direct', 'web-download', 'copy-image']);
    expect(() => demo.image.listStores()).toThrow(expect.objectContaining({ status: 404, code: 'image.stores.not_supported' }));
    expect(demo.image.getSchema('member').name).toBe('member');
    expect(() => demo.image.getSchema('task' as never)).toThrow(expect.objectContaining({ status: 404, code: 'image.schema.not_found' }));
    const bad = cloud.session('no-such-token');
    for (const fn of [() => bad.image.getImportInfo(), () => bad.image.listStores(), () => bad.image.getSchema('image')]) expect(fn).toThrow(expect.objectContaining({ status: 401 }));
  });

  it("listImages takes os_hidden in any case (openstacksdk sends 'True'), protected only lowercase", () => {
    const demo = cloud.session(T.demo);
    const id = demo.image.createImage({ name: 'hidden', os_hidden: true }).id;
    expect(demo.image.listImages({ os_hidden: 'True' as never }).images.map((i) => i.id)).toEqual([id]);
    expect(() => demo.image.listImages({ protected: 'True' as never })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
