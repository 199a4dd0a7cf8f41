/**
 * Cinder's Block Storage API v3 over REST (`/volume`), through `createApiHandler` with no
 * sockets: the version documents (`/` public and 300, `/v3/` behind the token, `/v3` a
 * redirect), keystonemiddleware's 401, microversion negotiation (the header echoed, Cinder's
 * 400 and 406, views cut to the version), both URL forms (`/v3/{project_id}/…` and `/v3/…`) and
 * the project id check, webob's 404 for unknown paths and methods (no 405), Cinder's fault
 * bodies (`itemNotFound`, `badRequest`, `forbidden`, `overLimit` with `retryAfter`, …), request
 * bodies (415, malformed JSON, the schema's words), volumes (create 202, show, list, detail,
 * summary, update, delete with `cascade` / `force`, `os-extend`, `os-force_delete`), list
 * filters and paging. Every refusal leaves `cloud.state` the very same object. One cloud for
 * the file, restored to the same snapshot before each test.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCloud, type Cloud, type CloudSnapshot } from '../../src/index.js';
import { createApiHandler, type ApiHandler } from '../../src/api/index.js';
import { blockRest } from '../../src/block/rest.js';
import { refusedCall, send, type Answer, type Send } from './helpers.js';

const ORIGIN = 'http://127.0.0.1:8776';
const BASE = `${ORIGIN}/volume`;

let cloud: Cloud;
let api: ApiHandler;
let start: CloudSnapshot;
const T = { admin: '', demo: '', alt: '', reader: '' };
const ID = { demo: '', alt: '', admin: '' };

beforeAll(() => {
  cloud = createCloud({ seed: 13, identity: { password_hash_rounds: 1 } });
  api = createApiHandler(cloud);
  T.admin = cloud.admin.token;
  T.demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' }).token;
  T.alt = cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' }).token;
  T.reader = cloud.login({ username: 'demo_reader', password: 'secret', project: 'demo' }).token;
  ID.demo = cloud.systemAdmin.identity.getProject('demo').id;
  ID.alt = cloud.systemAdmin.identity.getProject('alt_demo').id;
  ID.admin = cloud.systemAdmin.identity.getProject('admin').id;
  start = cloud.snapshot();
});

beforeEach(() => cloud.restore(start));

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A request below `/volume` (demo's token unless told; `version` sets `OpenStack-API-Version: volume <version>`). */
function call(method: string, path: string, init: Send & { version?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.version !== undefined) headers['OpenStack-API-Version'] = `volume ${init.version}`;
  return send(api, method, `${BASE}${path}`, { ...init, headers, token: init.token === undefined ? T.demo : init.token });
}

/** `/v3/{project_id}` of the token's project (demo unless told). */
const v3 = (project = ID.demo): string => `/v3/${project}`;

/** A call that must succeed with `status`. */
async function ok(method: string, path: string, status: number, init: Send & { version?: string } = {}): Promise<Answer> {
  const a = await call(method, path, init);
  expect(a.status, `${method} ${path}: ${a.text}`).toBe(status);
  expect(a.headers.get('X-Openstack-Request-Id')).toMatch(/^req-/);
  return a;
}

/** A refused call: its status, Cinder's fault (name, message), and `cloud.state` the very same object. */
function refused(method: string, path: string, status: number, init: Send & { version?: string } = {}, name?: string, message?: string | RegExp): Promise<Answer> {
  return refusedCall(cloud, () => call(method, path, init), `${method} ${path}`, status, name, message);
}

async function createVolume(extra: Row = {}, token = T.demo, project = ID.demo, version?: string): Promise<Row> {
  const a = await ok('POST', `${v3(project)}/volumes`, 202, { token, body: { volume: { size: 1, ...extra } }, ...(version === undefined ? {} : { version }) });
  return a.body.volume as Row;
}

const WEBOB_404_JSON = { message: 'The resource could not be found.<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' };

describe('version documents', () => {
  const versions = (self: string): Row => ({
    versions: [
      {
        id: 'v3.0',
        status: 'CURRENT',
        version: '3.70',
        min_version: '3.0',
        updated: '2022-08-31T00:00:00Z',
        links: [
          { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
          { rel: 'self', href: self },
        ],
        'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
      },
    ],
  });

  it('/ is the versions app: 300 with the version list, without a token, for any method', async () => {
    for (const path of ['', '/']) {
      const a = await ok('GET', path, 300, { token: null });
      expect(a.body).toEqual(versions(`${BASE}/v3/`));
      expect(a.headers.get('OpenStack-API-Version')).toBe('volume 3.0');
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) expect((await ok(method, '/', 300, { token: null })).body).toEqual(versions(`${BASE}/v3/`));
    expect((await ok('HEAD', '/', 300, { token: null })).text).toBe('');
  });

  it('/v3/ is the v3 router\'s index (200) behind keystonemiddleware; /v3 redirects to it', async () => {
    await refused('GET', '/v3/', 401, { token: null });
    expect((await ok('GET', '/v3/', 200)).body).toEqual(versions(`${BASE}/v3/`));
    const redirect = await ok('GET', '/v3', 302);
    expect(redirect.headers.get('Location')).toBe('/volume/v3/');
  });

  it('the version documents echo the microversion asked', async () => {
    const a = await ok('GET', '/', 300, { token: null, version: '3.59' });
    expect(a.headers.get('OpenStack-API-Version')).toBe('volume 3.59');
    expect(a.headers.get('Vary')).toMatch(/openstack-api-version/i);
  });
});

describe('authentication, routing and the project id', () => {
  it("no token or a bad one: keystonemiddleware's 401 before anything else, unknown paths too", async () => {
    await refused('GET', `${v3()}/volumes`, 401, { token: null });
    await refused('POST', `${v3()}/volumes`, 401, { token: 'not-a-token', body: { volume: { size: 1 } } });
    await refused('GET', '/v3/nothing/here', 401, { token: null });
  });

  it('a path no route answers is webob\'s 404 (JSON for an Accept of JSON, text without); outside /v3 without a token', async () => {
    const json = await refused('GET', `${v3()}/nothing`, 404, { headers: { Accept: 'application/json' } });
    expect(json.body).toEqual(WEBOB_404_JSON);
    const text = await refused('GET', `${v3()}/nothing`, 404);
    expect(text.text).toBe('404 Not Found\n\nThe resource could not be found.\n\n   ');
    const html = await refused('GET', '/elsewhere', 404, { token: null, headers: { Accept: '*/*' } });
    expect(html.text).toContain('<h1>404 Not Found</h1>');
  });

  it('a method a path lacks is 404, never 405 (Cinder\'s router matches no route); HEAD is no GET', async () => {
    const vol = await createVolume();
    for (const [method, path] of [['PATCH', `${v3()}/volumes/${vol.id}`], ['PUT', `${v3()}/volumes`], ['DELETE', `${v3()}/volumes`], ['GET', `${v3()}/volumes/${vol.id}/action`], ['HEAD', `${v3()}/volumes`]] as const) {
      const a = await refused(method, path, 404, { headers: { Accept: 'application/json' } });
      expect(a.headers.get('Allow')).toBeNull();
      if (method !== 'HEAD') expect(a.body).toEqual(WEBOB_404_JSON);
    }
  });

  it('every route answers with and without the project id; links carry it only when the URL does', async () => {
    const vol = await createVolume({ name: 'both' });
    const withId = (await ok('GET', `${v3()}/volumes/${vol.id}`, 200)).body.volume as Row;
    const without = (await ok('GET', `/v3/volumes/${vol.id}`, 200)).body.volume as Row;
    expect(withId.links).toEqual([
      { rel: 'self', href: `${BASE}/v3/${ID.demo}/volumes/${vol.id}` },
      { rel: 'bookmark', href: `${BASE}/${ID.demo}/volumes/${vol.id}` },
    ]);
    expect(without.links).toEqual([
      { rel: 'self', href: `${BASE}/v3/volumes/${vol.id}` },
      { rel: 'bookmark', href: `${BASE}/volumes/${vol.id}` },
    ]);
    expect({ ...without, links: [] }).toEqual({ ...withId, links: [] });
    expect((await ok('GET', '/v3/volumes', 200)).body.volumes.map((v: Row) => v.id)).toEqual([vol.id]);
  });

  it("another project's id in the URL is 400 \"Malformed request url\", for admins too; a segment outside [0-9a-f-] is no route", async () => {
    await refused('GET', `${v3(ID.alt)}/volumes`, 400, {}, 'badRequest', 'Malformed request url');
    await refused('POST', `${v3(ID.alt)}/volumes`, 400, { body: { volume: { size: 1 } } }, 'badRequest', 'Malformed request url');
    await refused('GET', `${v3(ID.demo)}/volumes`, 400, { token: T.admin }, 'badRequest', 'Malformed request url');
    await ok('GET', `${v3(ID.admin)}/volumes`, 200, { token: T.admin });
    const a = await refused('GET', '/v3/not-hex!/volumes', 404, { headers: { Accept: 'application/json' } });
    expect(a.body).toEqual(WEBOB_404_JSON);
  });
});

describe('microversions', () => {
  it('no header is 3.0; `volume 3.x` and `latest` are echoed; other services\' entries are skipped', async () => {
    expect((await ok('GET', `${v3()}/volumes`, 200)).headers.get('OpenStack-API-Version')).toBe('volume 3.0');
    expect((await ok('GET', `${v3()}/volumes`, 200, { version: '3.27' })).headers.get('OpenStack-API-Version')).toBe('volume 3.27');
    expect((await ok('GET', `${v3()}/volumes`, 200, { version: 'latest' })).headers.get('OpenStack-API-Version')).toBe('volume 3.70');
    const both = await ok('GET', `${v3()}/volumes`, 200, { headers: { 'OpenStack-API-Version': 'compute 2.1, volume 3.44' } });
    expect(both.headers.get('OpenStack-API-Version')).toBe('volume 3.44');
  });

  it("outside 3.0–3.70 is 406 (computeFault), a malformed version 400, a header without a volume entry webob's bare 400", async () => {
    await refused('GET', `${v3()}/volumes`, 406, { version: '3.71' }, 'computeFault', 'Version 3.71 is not supported by the API. Minimum is 3.0 and maximum is 3.70.');
    await refused('GET', `${v3()}/volumes`, 406, { version: '2.0' }, 'computeFault', 'Version 2.0 is not supported by the API. Minimum is 3.0 and maximum is 3.70.');
    await refused('GET', `${v3()}/volumes`, 400, { version: '3.x' }, 'badRequest', 'API Version String 3.x is of invalid format. Must be of format MajorNum.MinorNum.');
    await refused('GET', `${v3()}/volumes`, 400, { version: '3.01' }, 'badRequest', 'API Version String 3.01 is of invalid format. Must be of format MajorNum.MinorNum.');
    await refused('GET', `${v3()}/volumes`, 400, { headers: { 'OpenStack-API-Version': 'compute 2.1' } }, 'badRequest', 'The server could not comply with the request since it is either malformed or otherwise incorrect.');
  });

  it('a volume\'s view is cut to the microversion (group_id 3.13, shared_targets 3.48, volume_type_id 3.63, consumes_quota 3.65)', async () => {
    const vol = await createVolume();
    const at = async (version: string): Promise<Row> => (await ok('GET', `${v3()}/volumes/${vol.id}`, 200, { version })).body.volume as Row;
    const base = await at('3.0');
    for (const key of ['group_id', 'shared_targets', 'service_uuid', 'volume_type_id', 'consumes_quota', 'provider_id', 'cluster_name']) expect(base, key).not.toHaveProperty(key);
    expect(base).toMatchObject({ id: vol.id, status: 'available', size: 1, volume_type: 'lvmdriver-1', bootable: 'false', multiattach: false, attachments: [] });
    expect(await at('3.13')).toHaveProperty('group_id', null);
    const at348 = await at('3.48');
    expect(typeof at348.shared_targets).toBe('boolean'); // a null one is true before 3.69
    expect(at348).toHaveProperty('service_uuid');
    const latest = await at('3.70');
    expect(latest).toMatchObject({ group_id: null, consumes_quota: true });
    expect(latest.volume_type_id).toMatch(/^[0-9a-f-]{36}$/);
    const admin = (await ok('GET', `${v3(ID.admin)}/volumes/${vol.id}`, 200, { token: T.admin, version: '3.70' })).body.volume as Row;
    expect(admin).toMatchObject({ provider_id: null, cluster_name: null, migration_status: null });
    expect(admin['os-vol-host-attr:host']).toMatch(/@lvmdriver-1#lvmdriver-1$/);
  });

  it('summary exists from 3.12 (404 below, as a method without that version), metadata from 3.36', async () => {
    await createVolume({ size: 2, metadata: { tier: 'gold' } });
    await createVolume({ size: 3, metadata: { tier: 'silver' } });
    await refused('GET', `${v3()}/volumes/summary`, 404, { version: '3.11' }, 'itemNotFound', 'The resource could not be found.');
    expect((await ok('GET', `${v3()}/volumes/summary`, 200, { version: '3.12' })).body).toEqual({ 'volume-summary': { total_count: 2, total_size: 5 } });
    const s = (await ok('GET', `${v3()}/volumes/summary`, 200, { version: '3.36' })).body['volume-summary'] as Row;
    // in the list's order (created_at, then id, both descending): the ids decide between equal times
    expect(Object.keys(s.metadata as object)).toEqual(['tier']);
    expect([...((s.metadata as Record<string, string[]>).tier ?? [])].sort()).toEqual(['gold', 'silver']);
  });
});

describe('volumes', () => {
  it('create 202 (creating), show (available), list, detail, update 200, delete 202, then itemNotFound', async () => {
    const vol = await createVolume({ name: 'rest-vol', description: 'd', metadata: { a: 'b' } });
    expect(vol).toMatchObject({ name: 'rest-vol', description: 'd', status: 'creating', size: 1, metadata: { a: 'b' }, availability_zone: 'nova' });
    const shown = (await ok('GET', `${v3()}/volumes/${vol.id}`, 200)).body.volume as Row;
    expect(shown.status).toBe('available');
    const list = await ok('GET', `${v3()}/volumes`, 200);
    expect(list.body).toEqual({ volumes: [{ id: vol.id, name: 'rest-vol', links: shown.links }] });
    const detail = await ok('GET', `${v3()}/volumes/detail`, 200);
    expect(detail.body).toEqual({ volumes: [shown] });
    const updated = await ok('PUT', `${v3()}/volumes/${vol.id}`, 200, { body: { volume: { name: '  renamed  ', description: 'e' } } });
    expect(updated.body.volume).toMatchObject({ id: vol.id, name: 'renamed', description: 'e' });
    const del = await ok('DELETE', `${v3()}/volumes/${vol.id}`, 202);
    expect(del.text).toBe('');
    await refused('GET', `${v3()}/volumes/${vol.id}`, 404, {}, 'itemNotFound', `Volume ${vol.id} could not be found.`);
  });

  it('display_name, display_description and image_id are the controller\'s aliases', async () => {
    const vol = await createVolume({ display_name: 'old-style', display_description: 'dd' });
    expect(vol).toMatchObject({ name: 'old-style', description: 'dd' });
    const both = await createVolume({ name: 'wins', display_name: 'loses' });
    expect(both.name).toBe('wins');
  });

  it("another project's volume is itemNotFound; the reader may look but not create (forbidden)", async () => {
    const vol = await createVolume();
    await refused('GET', `${v3(ID.alt)}/volumes/${vol.id}`, 404, { token: T.alt }, 'itemNotFound', `Volume ${vol.id} could not be found.`);
    await refused('DELETE', `${v3(ID.alt)}/volumes/${vol.id}`, 404, { token: T.alt }, 'itemNotFound');
    await ok('GET', `${v3()}/volumes/${vol.id}`, 200, { token: T.reader });
    await refused('POST', `${v3()}/volumes`, 403, { token: T.reader, body: { volume: { size: 1 } } }, 'forbidden', "Policy doesn't allow volume:create to be performed.");
  });

  it('create bodies as the schema reads them: each malformed shape is its 400, nothing changes', async () => {
    const path = `${v3()}/volumes`;
    await refused('POST', path, 400, {}, 'badRequest', "None is not of type 'object'");
    await refused('POST', path, 400, { body: {} }, 'badRequest', "'volume' is a required property");
    await refused('POST', path, 400, { body: [] }, 'badRequest', "[] is not of type 'object'");
    await refused('POST', path, 400, { body: { volume: 5 } }, 'badRequest', "Invalid input for field/attribute volume. Value: 5. 5 is not of type 'object'");
    await refused('POST', path, 400, { body: { volume: { size: 1 }, colour: 'red' } }, 'badRequest', "Additional properties are not allowed ('colour' was unexpected)");
    await refused('POST', path, 400, { body: { volume: { size: 1 }, 'OS-SCH-HNT:scheduler_hints': 'x' } }, 'badRequest', "Invalid input for field/attribute OS-SCH-HNT:scheduler_hints. Value: 'x'. 'x' is not of type 'object', 'null'");
    await refused('POST', path, 400, { body: { volume: { size: 1, colour: 'red' } }, version: '3.53' }, 'badRequest', "Invalid input for field/attribute volume. Value: {'size': 1, 'colour': 'red'}. Additional properties are not allowed ('colour' was unexpected)");
    await refused('POST', path, 400, { body: { volume: { size: 1, multiattach: true } } }, 'badRequest', /^multiattach parameter has been removed/);
    await refused('POST', path, 400, { body: { volume: { size: 1, multiattach: 'maybe' } } }, 'badRequest', "Value 'maybe' for 'multiattach' is not a boolean.");
    await refused('POST', path, 404, { body: { volume: { size: 1, group_id: 'g1' } } }, 'itemNotFound', 'Group g1 could not be found.');
    await refused('POST', path, 400, { body: { volume: { size: 0 } } }, 'badRequest', /size/);
    // before 3.53 a property the schema does not name is ignored
    await createVolume({ colour: 'red' });
  });

  it('bodies: malformed JSON is 400, another Content-Type 415, a body without one is no body', async () => {
    const path = `${v3()}/volumes`;
    await refused('POST', path, 400, { raw: '{"volume": ' }, 'badRequest', 'Malformed request body');
    await refused('POST', path, 415, { raw: 'size=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 'badMediaType', 'Unsupported Content-Type');
    await refused('POST', path, 415, { raw: '{}', headers: { 'Content-Type': 'text/json' } }, 'badMediaType', 'Unsupported Content-Type');
    const vnd = await ok('POST', path, 202, { raw: JSON.stringify({ volume: { size: 1 } }), headers: { 'Content-Type': 'application/vnd.openstack.volume+json' } });
    expect(vnd.body.volume.size).toBe(1);
    // no Content-Type: get_body ignores it, so the schema sees None
    const h = new Headers({ 'X-Auth-Token': T.demo });
    const before = cloud.state;
    const res = (await api(new Request(`${BASE}${path}`, { method: 'POST', headers: h, body: new TextEncoder().encode('{"volume": {"size": 1}}') }))) as unknown as Response;
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ badRequest: { code: 400, message: "None is not of type 'object'" } });
    expect(cloud.state).toBe(before);
  });

  it("a body sent to a method that takes none is the controller's TypeError: webob's 400", async () => {
    const vol = await createVolume();
    await refused('DELETE', `${v3()}/volumes/${vol.id}`, 400, { body: { volume: {} } }, 'badRequest', 'The server could not comply with the request since it is either malformed or otherwise incorrect.');
  });

  it('update bodies: only name, description (or display_), metadata; from 3.53 at least one', async () => {
    const vol = await createVolume({ name: 'u' });
    const path = `${v3()}/volumes/${vol.id}`;
    await refused('PUT', path, 400, { body: { volume: { size: 5 } } }, 'badRequest', "Invalid input for field/attribute volume. Value: {'size': 5}. Additional properties are not allowed ('size' was unexpected)");
    await refused('PUT', path, 400, { body: { name: 'x' } }, 'badRequest', "'volume' is a required property");
    await refused('PUT', path, 400, { body: { volume: {} }, version: '3.53' }, 'badRequest', 'Invalid input for field/attribute volume. Value: {}. {} is not valid under any of the given schemas');
    expect((await ok('PUT', path, 200, { body: { volume: {} } })).body.volume.name).toBe('u');
    expect((await ok('PUT', path, 200, { body: { volume: { display_name: 'dn', metadata: { k: 'v' } } } })).body.volume).toMatchObject({ name: 'dn', metadata: { k: 'v' } });
  });

  it('delete: cascade and force are booleans (400 otherwise); force needs 3.23 and the admin', async () => {
    const vol = await createVolume();
    const path = `${v3()}/volumes/${vol.id}`;
    await refused('DELETE', `${path}?cascade=maybe`, 400, {}, 'badRequest', "Value 'maybe' for 'cascade' is not a boolean.");
    await refused('DELETE', `${path}?force=true`, 403, { version: '3.23' }, 'forbidden', "Policy doesn't allow volume:force_delete to be performed.");
    await ok('DELETE', `/v3/volumes/${vol.id}?force=true`, 202, { token: T.admin, version: '3.23' });
    await refused('GET', path, 404, {}, 'itemNotFound');
    const other = await createVolume();
    await ok('DELETE', `${v3()}/volumes/${other.id}?cascade=True`, 202);
  });

  it('over quota is 413 overLimit through FaultWrapper: "<Class>: <message>", retryAfter "0", Retry-After: 0', async () => {
    cloud.quotas.setLimit(ID.demo, 'volume.volumes', 0);
    const a = await refused('POST', `${v3()}/volumes`, 413, { body: { volume: { size: 1 } } }, 'overLimit', "VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota 'volumes'.");
    expect(a.body.overLimit.retryAfter).toBe('0');
    expect(a.headers.get('Retry-After')).toBe('0');
  });
});

describe('volume actions', () => {
  it('os-extend: 202 and the new size; the schema\'s words for a bad new_size; smaller is badRequest', async () => {
    const vol = await createVolume();
    const path = `${v3()}/volumes/${vol.id}/action`;
    const a = await ok('POST', path, 202, { body: { 'os-extend': { new_size: 3 } } });
    expect(a.text).toBe('');
    expect((await ok('GET', `${v3()}/volumes/${vol.id}`, 200)).body.volume.size).toBe(3);
    await refused('POST', path, 400, { body: { 'os-extend': { new_size: 'x' } } }, 'badRequest', "Invalid input for field/attribute new_size. Value: 'x'. 'x' does not match '^[0-9]+$'");
    await refused('POST', path, 400, { body: { 'os-extend': { new_size: 1.5 } } }, 'badRequest', "Invalid input for field/attribute new_size. Value: 1.5. 1.5 is not of type 'integer', 'string'");
    await refused('POST', path, 400, { body: { 'os-extend': { new_size: 0 } } }, 'badRequest', 'Invalid input for field/attribute new_size. Value: 0. 0 is less than the minimum of 1');
    await refused('POST', path, 400, { body: { 'os-extend': {} } }, 'badRequest', "Invalid input for field/attribute os-extend. Value: {}. 'new_size' is a required property");
    await refused('POST', path, 400, { body: { 'os-extend': { new_size: 4, x: 1 } } }, 'badRequest', "Invalid input for field/attribute os-extend. Value: {'new_size': 4, 'x': 1}. Additional properties are not allowed ('x' was unexpected)");
    await refused('POST', path, 400, { body: { 'os-extend': { new_size: 2 } } }, 'badRequest', /New size for extend must be greater than current size/);
    await refused('POST', `${v3(ID.alt)}/volumes/${vol.id}/action`, 404, { token: T.alt, body: { 'os-extend': { new_size: 5 } } }, 'itemNotFound');
  });

  it('the action is the body\'s one key: none, several, unknown, or a body that is no object', async () => {
    const vol = await createVolume();
    const path = `${v3()}/volumes/${vol.id}/action`;
    await refused('POST', path, 400, {}, 'badRequest', 'There is no such action: None. Verify the request body and Content-Type header and try again.');
    await refused('POST', path, 400, { body: { 'os-foo': {} } }, 'badRequest', 'There is no such action: os-foo. Verify the request body and Content-Type header and try again.');
    await refused('POST', path, 400, { body: { 'os-extend': { new_size: 2 }, 'os-force_delete': {} } }, 'badRequest', 'Malformed request body');
    await refused('POST', path, 400, { body: {} }, 'badRequest', 'Malformed request body');
    await refused('POST', path, 404, { body: [1] }, 'itemNotFound', 'The resource could not be found.');
    await refused('POST', path, 404, { body: 5 }, 'itemNotFound', 'The resource could not be found.');
    await refused('POST', path, 400, { raw: '{"os-extend": ' }, 'badRequest', 'Malformed request body');
  });

  it('os-force_delete: forbidden for demo, 202 for the admin', async () => {
    const vol = await createVolume();
    await refused('POST', `${v3()}/volumes/${vol.id}/action`, 403, { body: { 'os-force_delete': {} } }, 'forbidden', /^Policy doesn't allow .*force_delete to be performed\.$/);
    await ok('POST', `${v3(ID.admin)}/volumes/${vol.id}/action`, 202, { token: T.admin, body: { 'os-force_delete': null } });
    await refused('GET', `${v3()}/volumes/${vol.id}`, 404, {}, 'itemNotFound');
  });
});

describe('lists', () => {
  it('limit gives volumes_links next with the request\'s query and the marker; pages walk the list', async () => {
    const ids = [];
    for (const name of ['l-a', 'l-b', 'l-c']) ids.push((await createVolume({ name })).id as string);
    const first = await ok('GET', `${v3()}/volumes?sort=name:asc&limit=2`, 200);
    expect(first.body.volumes.map((v: Row) => v.name)).toEqual(['l-a', 'l-b']);
    expect(first.body.volumes_links).toEqual([{ rel: 'next', href: `${BASE}/v3/${ID.demo}/volumes?sort=name%3Aasc&limit=2&marker=${ids[1]}` }]);
    const next = await send(api, 'GET', first.body.volumes_links[0].href, { token: T.demo });
    expect(next.body).toEqual({ volumes: [expect.objectContaining({ name: 'l-c' })] });
    const detail = await ok('GET', '/v3/volumes/detail?sort_key=name&sort_dir=desc&limit=1&offset=1', 200);
    expect(detail.body.volumes.map((v: Row) => v.name)).toEqual(['l-b']);
    expect(detail.body.volumes_links[0].href).toBe(`${BASE}/v3/volumes/detail?sort_key=name&sort_dir=desc&limit=1&offset=1&marker=${ids[1]}`);
    await refused('GET', `${v3()}/volumes?limit=x`, 400, {}, 'badRequest', 'limit param must be an integer');
    await refused('GET', `${v3()}/volumes?limit=-1`, 400, {}, 'badRequest', 'limit param must be positive');
    await refused('GET', `${v3()}/volumes?sort=name&sort_key=size`, 400, {}, 'badRequest', "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
  });

  it('filters: name, status, metadata, size; with_count from 3.45', async () => {
    await createVolume({ name: 'f-1', metadata: { env: 'prod' } });
    await createVolume({ name: 'f-2', size: 2 });
    const names = async (query: string, version?: string): Promise<string[]> => ((await ok('GET', `${v3()}/volumes/detail?${query}`, 200, version === undefined ? {} : { version })).body.volumes as Row[]).map((v) => v.name as string).sort();
    expect(await names('name=f-1')).toEqual(['f-1']);
    expect(await names('status=available')).toEqual(['f-1', 'f-2']);
    expect(await names(`metadata=${encodeURIComponent("{'env': 'prod'}")}`)).toEqual(['f-1']);
    expect(await names('size=2')).toEqual(['f-2']);
    const counted = await ok('GET', `${v3()}/volumes?with_count=true&limit=1`, 200, { version: '3.45' });
    expect(counted.body.count).toBe(2);
    expect(counted.body.volumes).toHaveLength(1);
    expect((await ok('GET', `${v3()}/volumes?with_count=true`, 200)).body).not.toHaveProperty('count');
  });

  it("a non-admin's filter outside resource_filters.json: dropped before 3.31, 400 from 3.31; all_tenants always dropped", async () => {
    await createVolume({ name: 'mine' });
    await createVolume({ name: 'theirs' }, T.alt, ID.alt);
    expect((await ok('GET', `${v3()}/volumes?host=x`, 200)).body.volumes).toHaveLength(1);
    await refused('GET', `${v3()}/volumes?host=x&colour=red`, 400, { version: '3.31' }, 'badRequest', 'Invalid filters host,colour are found in query options.');
    expect((await ok('GET', `${v3()}/volumes?all_tenants=1`, 200, { version: '3.31' })).body.volumes.map((v: Row) => v.name)).toEqual(['mine']);
    const all = await ok('GET', `${v3(ID.admin)}/volumes?all_tenants=1`, 200, { token: T.admin, version: '3.31' });
    expect(all.body.volumes.map((v: Row) => v.name).sort()).toEqual(['mine', 'theirs']);
    const one = await ok('GET', `${v3(ID.admin)}/volumes?all_tenants=1&project_id=${ID.alt}`, 200, { token: T.admin });
    expect(one.body.volumes.map((v: Row) => v.name)).toEqual(['theirs']);
  });
});

describe('snapshots', () => {
  it('create 202 (creating), show, list (summaries), detail, update, metadata, delete 202', async () => {
    const vol = await createVolume();
    const made = await ok('POST', `${v3()}/snapshots`, 202, { body: { snapshot: { volume_id: vol.id, name: ' s1 ', metadata: { a: 'b' } } } });
    const snap = made.body.snapshot as Row;
    expect(snap).toMatchObject({ volume_id: vol.id, name: 's1', status: 'creating', size: 1, metadata: { a: 'b' } });
    expect(snap).not.toHaveProperty('user_id'); // 3.41
    const shown = (await ok('GET', `${v3()}/snapshots/${snap.id}`, 200, { version: '3.65' })).body.snapshot as Row;
    expect(shown).toMatchObject({ status: 'available', group_snapshot_id: null, consumes_quota: true });
    expect(shown.user_id).toMatch(/^[0-9a-f]{32}$/);
    const list = (await ok('GET', `${v3()}/snapshots`, 200)).body.snapshots as Row[];
    expect(list.map((s) => Object.keys(s).sort())).toEqual([['created_at', 'description', 'id', 'metadata', 'name', 'size', 'status', 'updated_at', 'volume_id']]);
    expect(((await ok('GET', `${v3()}/snapshots/detail?volume_id=${vol.id}`, 200)).body.snapshots as Row[]).map((s) => s.id)).toEqual([snap.id]);
    expect((await ok('PUT', `${v3()}/snapshots/${snap.id}`, 200, { body: { snapshot: { description: 'dd' } } })).body.snapshot.description).toBe('dd');
    await refused('PUT', `${v3()}/snapshots/${snap.id}`, 400, { body: { snapshot: {} } }, 'badRequest', 'Invalid input for field/attribute snapshot. Value: {}. {} is not valid under any of the given schemas');
    expect((await ok('POST', `${v3()}/snapshots/${snap.id}/metadata`, 200, { body: { metadata: { c: 'd' } } })).body).toEqual({ metadata: { a: 'b', c: 'd' } });
    expect((await ok('GET', `${v3()}/snapshots/${snap.id}/metadata/c`, 200)).body).toEqual({ meta: { c: 'd' } });
    expect((await ok('PUT', `${v3()}/snapshots/${snap.id}/metadata/c`, 200, { body: { meta: { c: 'e' } } })).body).toEqual({ meta: { c: 'e' } });
    await ok('DELETE', `${v3()}/snapshots/${snap.id}/metadata/c`, 200);
    expect((await ok('PUT', `${v3()}/snapshots/${snap.id}/metadata`, 200, { body: { metadata: { z: '1' } } })).body).toEqual({ metadata: { z: '1' } });
    await refused('DELETE', `${v3()}/volumes/${vol.id}`, 400, {}, 'badRequest', /snapshots/);
    await ok('DELETE', `${v3()}/snapshots/${snap.id}`, 202);
    await refused('GET', `${v3()}/snapshots/${snap.id}`, 404, {}, 'itemNotFound', `Snapshot ${snap.id} could not be found.`);
  });

  it('create bodies: the envelope, volume_id required; force by microversion', async () => {
    const vol = await createVolume();
    await refused('POST', `${v3()}/snapshots`, 400, { body: { snap: {} } }, 'badRequest', "'snapshot' is a required property");
    await refused('POST', `${v3()}/snapshots`, 400, { body: { snapshot: {} } }, 'badRequest', "Invalid input for field/attribute snapshot. Value: {}. 'volume_id' is a required property");
    await refused('POST', `${v3()}/snapshots`, 400, { body: { snapshot: { volume_id: vol.id, force: false } }, version: '3.66' }, 'badRequest', /^Since microversion 3.66 the 'force' flag is invalid/);
    // before 3.66, force false is the default
    await ok('POST', `${v3()}/snapshots`, 202, { body: { snapshot: { volume_id: vol.id, force: false } }, version: '3.65' });
  });

  it('actions: os-reset_status and os-force_delete are the admin\'s', async () => {
    const vol = await createVolume();
    const snap = (await ok('POST', `${v3()}/snapshots`, 202, { body: { snapshot: { volume_id: vol.id } } })).body.snapshot as Row;
    await refused('POST', `${v3()}/snapshots/${snap.id}/action`, 403, { body: { 'os-reset_status': { status: 'error' } } }, 'forbidden');
    await ok('POST', `/v3/snapshots/${snap.id}/action`, 202, { token: T.admin, body: { 'os-reset_status': { status: 'error' } } });
    expect((await ok('GET', `${v3()}/snapshots/${snap.id}`, 200)).body.snapshot.status).toBe('error');
    await ok('POST', `/v3/snapshots/${snap.id}/action`, 202, { token: T.admin, body: { 'os-force_delete': {} } });
    await refused('POST', `${v3()}/snapshots/${snap.id}/action`, 400, { body: { 'os-unmanage': {} } }, 'badRequest', /^There is no such action: os-unmanage/);
  });

  it('revert (3.40): 404 below, 202 to the latest snapshot', async () => {
    const vol = await createVolume();
    const snap = (await ok('POST', `${v3()}/snapshots`, 202, { body: { snapshot: { volume_id: vol.id } } })).body.snapshot as Row;
    await refused('POST', `${v3()}/volumes/${vol.id}/action`, 404, { body: { revert: { snapshot_id: snap.id } }, version: '3.39' }, 'itemNotFound', 'The resource could not be found.');
    await ok('POST', `${v3()}/volumes/${vol.id}/action`, 202, { body: { revert: { snapshot_id: snap.id } }, version: '3.40' });
  });
});

describe('backups', () => {
  it('create 202 (the summary), show, list, detail by microversion, update (3.9), restore, delete', async () => {
    const vol = await createVolume();
    const made = (await ok('POST', `${v3()}/backups`, 202, { body: { backup: { volume_id: vol.id, name: 'b1' } } })).body.backup as Row;
    expect(Object.keys(made)).toEqual(['id', 'name', 'links']);
    expect(made.links[0].href).toBe(`${BASE}/v3/${ID.demo}/backups/${made.id}`);
    const shown = (await ok('GET', `${v3()}/backups/${made.id}`, 200)).body.backup as Row;
    expect(shown).toMatchObject({ id: made.id, status: 'available', volume_id: vol.id, size: 1, is_incremental: false, container: 'volumebackups' });
    expect(shown).not.toHaveProperty('metadata'); // 3.43
    expect((await ok('GET', `${v3()}/backups/${made.id}`, 200, { version: '3.43' })).body.backup.metadata).toEqual({});
    expect((await ok('GET', `${v3()}/backups`, 200)).body.backups).toEqual([{ id: made.id, name: 'b1', links: made.links }]);
    expect(((await ok('GET', `${v3()}/backups/detail?volume_id=${vol.id}`, 200)).body.backups as Row[]).map((b) => b.id)).toEqual([made.id]);
    await refused('PUT', `${v3()}/backups/${made.id}`, 404, { body: { backup: { name: 'b2' } } }, 'itemNotFound', 'The resource could not be found.');
    expect((await ok('PUT', `${v3()}/backups/${made.id}`, 200, { body: { backup: { name: 'b2' } }, version: '3.9' })).body.backup.name).toBe('b2');
    await refused('PUT', `${v3()}/backups/${made.id}`, 400, { body: { backup: { metadata: {} } }, version: '3.9' }, 'badRequest', "Invalid input for field/attribute backup. Value: {'metadata': {}}. Additional properties are not allowed ('metadata' was unexpected)");
    const restored = (await ok('POST', `${v3()}/backups/${made.id}/restore`, 202, { body: { restore: null } })).body.restore as Row;
    expect(restored.backup_id).toBe(made.id);
    expect(restored.volume_name).toBe(`restore_backup_${made.id}`);
    await ok('DELETE', `${v3()}/backups/${made.id}`, 202);
  });

  it('create bodies: backup and volume_id required, metadata from 3.43, availability_zone from 3.51', async () => {
    const vol = await createVolume();
    await refused('POST', `${v3()}/backups`, 400, { body: {} }, 'badRequest', "'backup' is a required property");
    await refused('POST', `${v3()}/backups`, 400, { body: { backup: { name: 'x' } } }, 'badRequest', "Invalid input for field/attribute backup. Value: {'name': 'x'}. 'volume_id' is a required property");
    await refused('POST', `${v3()}/backups`, 400, { body: { backup: { volume_id: vol.id, metadata: { a: 'b' } } }, version: '3.42' }, 'badRequest', /Additional properties are not allowed \('metadata' was unexpected\)/);
    await ok('POST', `${v3()}/backups`, 202, { body: { backup: { volume_id: vol.id, metadata: { a: 'b' } } }, version: '3.43' });
  });
});

describe('quota sets, limits, pools, services, zones', () => {
  it('quota sets: show (usage), defaults, update and delete by the admin', async () => {
    await createVolume({ size: 2 });
    const q = (await ok('GET', `${v3()}/os-quota-sets/${ID.demo}`, 200)).body.quota_set as Row;
    expect(q).toMatchObject({ id: ID.demo, volumes: 10, gigabytes: 1000, snapshots: 10, backups: 10 });
    const used = (await ok('GET', `${v3()}/os-quota-sets/${ID.demo}?usage=True`, 200)).body.quota_set as Row;
    expect(used.volumes).toEqual({ limit: 10, in_use: 1, reserved: 0 });
    await refused('GET', `${v3()}/os-quota-sets/${ID.demo}?usage=maybe`, 400, {}, 'badRequest', "Value 'maybe' for 'usage' is not a boolean.");
    expect((await ok('GET', `${v3()}/os-quota-sets/${ID.demo}/defaults`, 200)).body.quota_set.volumes).toBe(10);
    await refused('PUT', `${v3()}/os-quota-sets/${ID.demo}`, 403, { body: { quota_set: { volumes: 5 } } }, 'forbidden');
    await refused('PUT', `${v3(ID.admin)}/os-quota-sets/${ID.demo}`, 400, { token: T.admin, body: { volumes: 5 } }, 'badRequest', "'quota_set' is a required property");
    expect((await ok('PUT', `${v3(ID.admin)}/os-quota-sets/${ID.demo}`, 200, { token: T.admin, body: { quota_set: { volumes: 5 } } })).body.quota_set.volumes).toBe(5);
    const del = await ok('DELETE', `${v3(ID.admin)}/os-quota-sets/${ID.demo}`, 200, { token: T.admin });
    expect(del.text).toBe('');
    expect((await ok('GET', `${v3()}/os-quota-sets/${ID.demo}`, 200)).body.quota_set.volumes).toBe(10);
  });

  it('limits: the caller\'s; an admin asks for another project\'s from 3.39', async () => {
    await createVolume();
    const mine = (await ok('GET', `${v3()}/limits`, 200)).body.limits as Row;
    expect(mine.rate).toEqual([]);
    expect(mine.absolute).toMatchObject({ maxTotalVolumes: 10, totalVolumesUsed: 1 });
    cloud.quotas.setLimit(ID.demo, 'volume.volumes', 7);
    expect((await ok('GET', `${v3(ID.admin)}/limits?project_id=${ID.demo}`, 200, { token: T.admin })).body.limits.absolute.maxTotalVolumes).toBe(10);
    expect((await ok('GET', `${v3(ID.admin)}/limits?project_id=${ID.demo}`, 200, { token: T.admin, version: '3.39' })).body.limits.absolute.maxTotalVolumes).toBe(7);
  });

  it('pools, services and zones', async () => {
    const pools = (await ok('GET', `${v3(ID.admin)}/scheduler-stats/get_pools`, 200, { token: T.admin })).body.pools as Row[];
    expect(pools).toEqual([{ name: expect.stringMatching(/@lvmdriver-1#lvmdriver-1$/) }]);
    const detailed = (await ok('GET', `${v3(ID.admin)}/scheduler-stats/get_pools?detail=True`, 200, { token: T.admin })).body.pools as Row[];
    expect(detailed[0]!.capabilities).toMatchObject({ pool_name: 'lvmdriver-1' });
    await refused('GET', `${v3()}/scheduler-stats/get_pools`, 403, {}, 'forbidden');
    const services = (await ok('GET', `${v3(ID.admin)}/os-services`, 200, { token: T.admin })).body.services as Row[];
    expect(services.map((s) => s.binary).sort()).toEqual(['cinder-backup', 'cinder-scheduler', 'cinder-volume']);
    expect(services[0]).not.toHaveProperty('cluster'); // 3.7
    const at349 = (await ok('GET', `${v3(ID.admin)}/os-services?binary=cinder-volume`, 200, { token: T.admin, version: '3.49' })).body.services as Row[];
    expect(at349).toEqual([expect.objectContaining({ binary: 'cinder-volume', state: 'up', status: 'enabled', backend_state: 'up', cluster: null })]);
    const host = at349[0]!.host as string;
    const disabled = await ok('PUT', `${v3(ID.admin)}/os-services/disable`, 200, { token: T.admin, body: { host, binary: 'cinder-volume' } });
    expect(disabled.body).toMatchObject({ host, binary: 'cinder-volume', status: 'disabled', disabled: true });
    expect((await ok('GET', `${v3()}/os-availability-zone`, 200)).body).toEqual({ availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: false } }] });
    await ok('PUT', `${v3(ID.admin)}/os-services/enable`, 200, { token: T.admin, body: { host, binary: 'cinder-volume' } });
    expect((await ok('GET', `${v3()}/os-availability-zone`, 200)).body).toEqual({ availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }] });
  });
});

describe('volume metadata and the other volume actions', () => {
  it('metadata: list (Etag from 3.15), create, replace (If-Match: 412 when stale), item show / update / delete', async () => {
    const vol = await createVolume({ metadata: { a: '1' } });
    const path = `${v3()}/volumes/${vol.id}/metadata`;
    const plain = await ok('GET', path, 200);
    expect(plain.body).toEqual({ metadata: { a: '1' } });
    expect(plain.headers.get('Etag')).toBeNull();
    const tagged = await ok('GET', path, 200, { version: '3.15' });
    const etag = tagged.headers.get('Etag') as string;
    expect(etag).toMatch(/^[0-9a-f]{32}$/);
    expect((await ok('POST', path, 200, { body: { metadata: { b: '2' } } })).body).toEqual({ metadata: { a: '1', b: '2' } });
    const stale = await call('PUT', path, { body: { metadata: { c: '3' } }, version: '3.15', headers: { 'If-Match': `"${etag}"` } });
    expect(stale.status).toBe(412);
    expect(stale.text).toBe('');
    expect((await ok('PUT', path, 200, { body: { metadata: { c: '3' } }, version: '3.15', headers: { 'If-Match': '*' } })).body).toEqual({ metadata: { c: '3' } });
    expect((await ok('GET', `${path}/c`, 200)).body).toEqual({ meta: { c: '3' } });
    expect((await ok('PUT', `${path}/c`, 200, { body: { meta: { c: '4' } } })).body).toEqual({ meta: { c: '4' } });
    await refused('PUT', `${path}/c`, 400, { body: { meta: { d: '4' } } }, 'badRequest', /Request body and URI mismatch$/);
    await ok('DELETE', `${path}/c`, 200);
    await refused('GET', `${path}/c`, 404, {}, 'itemNotFound');
  });

  it('os-set_bootable (200), os-update_readonly_flag (202), os-reset_status (admin, 202), unknown actions 400', async () => {
    const vol = await createVolume();
    const path = `${v3()}/volumes/${vol.id}/action`;
    await ok('POST', path, 200, { body: { 'os-set_bootable': { bootable: true } } });
    expect((await ok('GET', `${v3()}/volumes/${vol.id}`, 200)).body.volume.bootable).toBe('true');
    await ok('POST', path, 202, { body: { 'os-update_readonly_flag': { readonly: true } } });
    await refused('POST', path, 403, { body: { 'os-reset_status': { status: 'error' } } }, 'forbidden');
    await ok('POST', `/v3/volumes/${vol.id}/action`, 202, { token: T.admin, body: { 'os-reset_status': { status: 'error' } } });
    expect((await ok('GET', `${v3()}/volumes/${vol.id}`, 200)).body.volume.status).toBe('error');
    await refused('POST', path, 400, { body: { 'os-attach': { mountpoint: '/dev/vdb' } } }, 'badRequest', /^There is no such action: os-attach/);
  });
});

describe('attachments (3.27) and transfers', () => {
  it('attachments: 404 below 3.27; create, update (connector), complete (3.44), list, delete', async () => {
    const vol = await createVolume();
    await refused('GET', `${v3()}/attachments`, 404, {}, 'itemNotFound', 'The resource could not be found.');
    const made = (await ok('POST', `${v3()}/attachments`, 200, { version: '3.44', body: { attachment: { volume_uuid: vol.id, instance_uuid: '11111111-2222-4333-8444-555555555555' } } })).body.attachment as Row;
    expect(made).toMatchObject({ volume_id: vol.id, status: 'reserved', instance: '11111111-2222-4333-8444-555555555555' });
    const connector = { host: 'compute1', ip: '10.0.0.11', initiator: 'iqn.2004-10.com.ubuntu:01:abc', platform: 'x86_64', os_type: 'linux', multipath: false };
    const updated = (await ok('PUT', `${v3()}/attachments/${made.id}`, 200, { version: '3.44', body: { attachment: { connector } } })).body.attachment as Row;
    expect(updated.connection_info).toMatchObject({ driver_volume_type: 'iscsi' });
    await refused('POST', `${v3()}/attachments/${made.id}/action`, 404, { version: '3.43', body: { 'os-complete': {} } }, 'itemNotFound');
    const done = await ok('POST', `${v3()}/attachments/${made.id}/action`, 204, { version: '3.44', body: { 'os-complete': {} } });
    expect(done.text).toBe('');
    expect((await ok('GET', `${v3()}/volumes/${vol.id}`, 200)).body.volume.status).toBe('in-use');
    expect((await ok('GET', `${v3()}/attachments`, 200, { version: '3.27' })).body.attachments).toEqual([{ id: made.id, status: 'attached', instance: made.instance, volume_id: vol.id }]);
    await refused('POST', `${v3()}/attachments`, 400, { version: '3.27', body: { volume_uuid: vol.id } }, 'badRequest', "'attachment' is a required property");
    expect((await ok('DELETE', `${v3()}/attachments/${made.id}`, 200, { version: '3.27' })).body).toEqual({ attachments: [] });
    expect((await ok('GET', `${v3()}/volumes/${vol.id}`, 200)).body.volume.status).toBe('available');
  });

  it('transfers: create (the auth_key), list, show, accept by alt_demo, on both collections', async () => {
    const vol = await createVolume({ name: 'to-give' });
    const made = (await ok('POST', `${v3()}/os-volume-transfer`, 202, { body: { transfer: { volume_id: vol.id, name: ' gift ' } } })).body.transfer as Row;
    expect(made).toMatchObject({ volume_id: vol.id, name: 'gift' });
    expect(made.auth_key).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(made)).toEqual(['id', 'created_at', 'name', 'volume_id', 'auth_key', 'links']);
    expect((await ok('GET', `${v3()}/os-volume-transfer`, 200)).body.transfers).toEqual([{ id: made.id, volume_id: vol.id, name: 'gift', links: made.links }]);
    const shown = (await ok('GET', `${v3()}/volume-transfers/${made.id}`, 200, { version: '3.57' })).body.transfer as Row;
    expect(shown).toMatchObject({ id: made.id, no_snapshots: false, accepted: false, source_project_id: ID.demo, destination_project_id: null });
    await refused('POST', `${v3()}/os-volume-transfer`, 400, { body: { transfer: { volume_id: vol.id, no_snapshots: true } } }, 'badRequest', /Additional properties are not allowed \('no_snapshots' was unexpected\)/);
    const accepted = (await ok('POST', `${v3(ID.alt)}/os-volume-transfer/${made.id}/accept`, 202, { token: T.alt, body: { accept: { auth_key: made.auth_key } } })).body.transfer as Row;
    expect(accepted).toMatchObject({ id: made.id, volume_id: vol.id });
    expect((await ok('GET', `${v3(ID.alt)}/volumes/${vol.id}`, 200, { token: T.alt })).body.volume.name).toBe('to-give');
    await refused('GET', `${v3()}/volumes/${vol.id}`, 404, {}, 'itemNotFound');
  });
});

describe('volume types and QoS specs', () => {
  it('types: list, show, default, create / update / delete (admin), extra specs, private access', async () => {
    const names = ((await ok('GET', `${v3()}/types`, 200)).body.volume_types as Row[]).map((t) => t.name);
    expect(names).toContain('lvmdriver-1');
    expect((await ok('GET', `${v3()}/types/default`, 200)).body.volume_type.name).toBe('lvmdriver-1');
    await refused('GET', `${v3()}/types?colour=red`, 400, { version: '3.52' }, 'badRequest', 'Invalid filters colour are found in query options.');
    await refused('POST', `${v3()}/types`, 403, { body: { volume_type: { name: 'gold' } } }, 'forbidden');
    const admin = { token: T.admin };
    const gold = (await ok('POST', `${v3(ID.admin)}/types`, 200, { ...admin, body: { volume_type: { name: 'gold', extra_specs: { tier: 'gold' }, 'os-volume-type-access:is_public': false } } })).body.volume_type as Row;
    expect(gold).toMatchObject({ name: 'gold', is_public: false });
    expect((await ok('GET', `${v3(ID.admin)}/types/${gold.id}/extra_specs`, 200, admin)).body).toEqual({ extra_specs: { tier: 'gold' } });
    expect((await ok('PUT', `${v3(ID.admin)}/types/${gold.id}/extra_specs/tier`, 200, { ...admin, body: { tier: 'platinum' } })).body).toEqual({ tier: 'platinum' });
    expect((await ok('GET', `${v3(ID.admin)}/types/${gold.id}/extra_specs/tier`, 200, admin)).body).toEqual({ tier: 'platinum' });
    await ok('DELETE', `${v3(ID.admin)}/types/${gold.id}/extra_specs/tier`, 202, admin);
    await refused('GET', `${v3()}/types/${gold.id}`, 404, {}, 'itemNotFound');
    await ok('POST', `${v3(ID.admin)}/types/${gold.id}/action`, 202, { ...admin, body: { addProjectAccess: { project: ID.demo } } });
    expect((await ok('GET', `${v3(ID.admin)}/types/${gold.id}/os-volume-type-access`, 200, admin)).body).toEqual({ volume_type_access: [{ volume_type_id: gold.id, project_id: ID.demo }] });
    expect((await ok('GET', `${v3()}/types/${gold.id}`, 200)).body.volume_type.name).toBe('gold');
    expect((await ok('PUT', `${v3(ID.admin)}/types/${gold.id}`, 200, { ...admin, body: { volume_type: { description: 'shiny' } } })).body.volume_type.description).toBe('shiny');
    await ok('DELETE', `${v3(ID.admin)}/types/${gold.id}`, 202, admin);
  });

  it('QoS specs: create (links beside), show, set keys, associate, associations, delete_keys, delete', async () => {
    const admin = { token: T.admin };
    const base = `${v3(ID.admin)}/qos-specs`;
    const made = (await ok('POST', base, 200, { ...admin, body: { qos_specs: { name: 'fast', read_iops_sec: '1000' } } })).body as Row;
    expect(made.qos_specs).toMatchObject({ name: 'fast', consumer: 'back-end', specs: { read_iops_sec: '1000' } });
    expect(made.links[0]).toEqual({ rel: 'self', href: `${BASE}/v3/${ID.admin}/qos-specs/${made.qos_specs.id}` });
    const id = made.qos_specs.id as string;
    expect((await ok('GET', `${base}/${id}`, 200, admin)).body.qos_specs.name).toBe('fast');
    expect((await ok('PUT', `${base}/${id}`, 200, { ...admin, body: { qos_specs: { write_iops_sec: '500' } } })).body).toEqual({ qos_specs: { write_iops_sec: '500' } });
    const type = ((await ok('GET', `${v3(ID.admin)}/types`, 200, admin)).body.volume_types as Row[]).find((t) => t.name === 'lvmdriver-1')!;
    await refused('GET', `${base}/${id}/associate`, 400, admin, 'badRequest', 'Volume Type id must not be None.');
    await ok('GET', `${base}/${id}/associate?vol_type_id=${type.id}`, 202, admin);
    expect((await ok('GET', `${base}/${id}/associations`, 200, admin)).body).toEqual({ qos_associations: [{ association_type: 'volume_type', name: 'lvmdriver-1', id: type.id }] });
    await ok('GET', `${base}/${id}/disassociate_all`, 202, admin);
    await ok('PUT', `${base}/${id}/delete_keys`, 202, { ...admin, body: { keys: ['write_iops_sec'] } });
    expect((await ok('GET', base, 200, admin)).body.qos_specs.map((q: Row) => q.name)).toEqual(['fast']);
    await ok('DELETE', `${base}/${id}`, 202, admin);
    await refused('GET', `${base}/${id}`, 404, admin, 'itemNotFound');
  });
});

describe('hostile requests', () => {
  it('every block route, any caller, body, microversion and id: never a 5xx, always a request id, a refusal changes nothing (seed 1313)', async () => {
    const vol = await createVolume({ name: 'fuzzed', metadata: { k: 'v' } });
    const snap = (await ok('POST', `${v3()}/snapshots`, 202, { body: { snapshot: { volume_id: vol.id } } })).body.snapshot as Row;
    const fixture = cloud.snapshot();
    const routes = blockRest.routes.map((r) => ({ method: r.method, path: r.path }));
    const ids = [vol.id, snap.id, ID.demo, ID.alt, ID.admin, 'default', 'k', 'deadbeef', 'not-hex!', '%2e%2e', 'a'.repeat(300)];
    const bodies: (Send & { raw?: string })[] = [
      {},
      { body: {} },
      { body: { volume: { size: 1 } } },
      { body: { volume: { size: 'x', name: 5, metadata: [] } } },
      { body: { 'os-extend': { new_size: 2 } } },
      { body: { 'os-force_delete': {} } },
      { body: { snapshot: { volume_id: vol.id, force: 'maybe' } } },
      { body: { metadata: { a: 'b' } } },
      { body: { meta: { k: 'w' } } },
      { body: [1] },
      { body: 5 },
      { body: null },
      { raw: '{"volume": ' },
      { raw: '{"__proto__": {"polluted": true}, "volume": {"size": 1}}' },
      { raw: JSON.stringify(Array.from({ length: 200 }).reduce((acc) => ({ volume: acc }), { size: 1 })) },
      { raw: 'size=1', headers: { 'Content-Type': 'text/plain' } },
    ];
    const versions = [undefined, '3.0', '3.27', '3.44', '3.59', '3.70', 'latest', '3.x', '4.0', '3.71'];
    const tokenNames = ['admin', 'demo', 'alt', 'reader', 'none', 'garbage'] as const;
    const queries = ['', '?limit=1', '?limit=-1', '?all_tenants=1', '?cascade=maybe', '?force=true', '?sort=name:asc', '?marker=x', '?usage=True', '?detail=true', '?vol_type_id=x', '?with_count=true'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(fc.constantFrom(...ids), { minLength: 3, maxLength: 3 }),
        fc.constantFrom(...bodies),
        fc.constantFrom(...versions),
        fc.constantFrom(...tokenNames),
        fc.constantFrom(...queries),
        async (route, picks, body, version, who, query) => {
          cloud.restore(fixture);
          let i = 0;
          const path = route.path.replace(/\{(\w+)\+?\}/g, (_m, name: string) => (name === 'project_id' && i === 0 ? (i++, ID.demo) : encodeURIComponent(picks[i++ % 3] as string))).replace(/^\/$/, '');
          const token = who === 'none' ? null : who === 'garbage' ? 'gAAAA-garbage' : T[who];
          const before = cloud.state;
          const sent = route.method === 'GET' || route.method === 'HEAD' ? {} : body;
          const a = await call(route.method, `${path}${query}`, { ...sent, token, ...(version === undefined ? {} : { version }) });
          expect(a.status, `${route.method} ${path}${query}: ${a.text}`).toBeLessThan(500);
          expect(a.headers.get('X-Openstack-Request-Id')).toMatch(/^req-/);
          if (a.status >= 400) expect(cloud.state).toBe(before);
          if (a.text !== '' && (a.headers.get('Content-Type') ?? '').startsWith('application/json')) expect(() => JSON.parse(a.text)).not.toThrow();
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { seed: 1313, numRuns: 500 },
    );
  });
});
