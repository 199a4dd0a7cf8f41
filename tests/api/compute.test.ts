/**
 * Nova's Compute API v2.1 over REST (`/compute`), through `createApiHandler` with no sockets:
 * the version documents (`/` public 200, other public paths 300, `/v2.1/` public and
 * microversioned), keystonemiddleware's 401, microversion negotiation (`OpenStack-API-Version` and
 * the legacy `X-OpenStack-Nova-API-Version`, 2.1 by default, `latest`, nova's 400 and 406, both
 * headers and `Vary` echoed, the server view cut to the version asked, methods a version lacks),
 * servers (create 202 with `Location`, list, detail, show, update, delete 204; `networks` required
 * from 2.37), an action dispatched by its key (and nova's refusals of action bodies), nova's fault
 * bodies (`itemNotFound`, `badRequest`, `forbidden`, `conflictingRequest`, `badMediaType`,
 * `computeFault`), webob's 404 for unknown paths and methods, the request ids. Every refusal
 * leaves `cloud.state` the very same object. One cloud for the file, restored before each test.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Cloud } from '../../src/index.js';
import { BASE, ORIGIN, novaCall, novaRefused, novaRest, type NovaInit, type NovaRest } from './nova.js';
import type { Answer } from './helpers.js';

let w: NovaRest;
let cloud: Cloud;
let image = '';
let T: NovaRest['T'];

beforeAll(() => {
  w = novaRest(14);
  ({ cloud, image, T } = w);
});

beforeEach(() => cloud.restore(w.start));

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Init = NovaInit;

/** A request below `/compute` (demo's token unless told). */
function call(method: string, path: string, init: Init = {}): Promise<Answer> {
  return novaCall(w, method, path, init);
}

/** A call that must succeed with `status`; every answer carries both request id headers, the same id. */
async function ok(method: string, path: string, status: number, init: Init = {}): Promise<Answer> {
  const a = await call(method, path, init);
  expect(a.status, `${method} ${path}: ${a.text}`).toBe(status);
  expect(a.headers.get('X-Openstack-Request-Id')).toMatch(/^req-/);
  expect(a.headers.get('X-Compute-Request-Id')).toBe(a.headers.get('X-Openstack-Request-Id'));
  return a;
}

/** A refused call: its status, nova's fault (name, message), and `cloud.state` the very same object (tests/api/nova.ts). */
function refused(method: string, path: string, status: number, init: Init = {}, name?: string, message?: string | RegExp): Promise<Answer> {
  return novaRefused(w, method, path, status, init, name, message);
}

/** Boots a server over REST (2.93 unless told) and answers the create body's `server`. */
async function createServer(extra: Row = {}, init: Init = { version: '2.93' }): Promise<Row> {
  const a = await ok('POST', '/v2.1/servers', 202, { ...init, body: { server: { name: 'vm', flavorRef: '1', imageRef: image, networks: 'auto', ...extra } } });
  return a.body.server as Row;
}

const WEBOB_404_TEXT = '404 Not Found\n\nThe resource could not be found.\n\n   ';

describe('version documents', () => {
  it('/ is the versions app: 200 with v2.0 and v2.1, without a token; another public path is 300 with the choices', async () => {
    const a = await ok('GET', '/', 200, { token: null });
    expect(a.body).toEqual({
      versions: [
        { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z', links: [{ rel: 'self', href: `${BASE}/v2/` }] },
        { id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1', updated: '2013-07-23T11:33:21Z', links: [{ rel: 'self', href: `${BASE}/v2.1/` }] },
      ],
    });
    const choices = await ok('GET', '/servers', 300, { token: null });
    expect(choices.body.choices.map((c: Row) => c.links[0].href)).toEqual([`${BASE}/v2/servers`, `${BASE}/v2.1/servers`]);
  });

  it('/v2.1/ is the v2.1 document, public, with the microversion headers; /v2/ the legacy v2.0 one', async () => {
    for (const path of ['/v2.1', '/v2.1/']) {
      const a = await ok('GET', path, 200, { token: null });
      expect(a.body).toEqual({
        version: {
          id: 'v2.1',
          status: 'CURRENT',
          version: '2.93',
          min_version: '2.1',
          updated: '2013-07-23T11:33:21Z',
          links: [{ rel: 'self', href: `${BASE}/v2.1/` }, { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }],
          'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
        },
      });
      expect(a.headers.get('OpenStack-API-Version')).toBe('compute 2.1');
    }
    expect((await ok('GET', '/v2/', 200, { token: null })).body.version.id).toBe('v2.0');
  });
});

describe('authentication and routing', () => {
  it("no token or a bad one: keystonemiddleware's 401 before anything else, unknown paths too", async () => {
    await refused('GET', '/v2.1/servers', 401, { token: null });
    await refused('POST', '/v2.1/servers', 401, { token: 'not-a-token', body: { server: {} } });
    await refused('GET', '/v2.1/nothing/here', 401, { token: null });
  });

  it("a path or method the router lacks is webob's 404 (no 405), rendered by Accept", async () => {
    const a = await refused('GET', '/v2.1/nothing/here', 404);
    expect(a.text).toBe(WEBOB_404_TEXT);
    expect((await refused('PATCH', '/v2.1/servers', 404)).text).toBe(WEBOB_404_TEXT);
    const j = await refused('DELETE', '/v2.1/servers', 404, { headers: { Accept: 'application/json' } });
    expect(j.body).toEqual({ message: 'The resource could not be found.<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' });
  });

  it('GET /extensions lists nova\'s fixed extensions; one by alias, an unknown alias 404', async () => {
    const a = await ok('GET', '/v2.1/extensions', 200);
    expect(a.body.extensions).toHaveLength(99);
    expect(a.body.extensions[0]).toEqual({ alias: 'NMN', description: 'Multiple network support.', links: [], name: 'Multinic', namespace: 'http://docs.openstack.org/compute/ext/fake_xml', updated: '2014-12-03T00:00:00Z' });
    expect((await ok('GET', '/v2.1/extensions/os-keypairs', 200)).body.extension.name).toBe('Keypairs');
    await refused('GET', '/v2.1/extensions/nope', 404, {}, 'itemNotFound', 'The resource could not be found.');
  });
});

describe('microversions', () => {
  it('none asked is 2.1 (nova\'s default); both headers and Vary are echoed', async () => {
    const a = await ok('GET', '/v2.1/servers', 200);
    expect(a.headers.get('OpenStack-API-Version')).toBe('compute 2.1');
    expect(a.headers.get('X-OpenStack-Nova-API-Version')).toBe('2.1');
    expect(a.headers.get('Vary')).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
  });

  it('the legacy header counts without the standard one; the standard one wins; latest is 2.93', async () => {
    expect((await ok('GET', '/v2.1/servers', 200, { legacy: '2.50' })).headers.get('OpenStack-API-Version')).toBe('compute 2.50');
    expect((await ok('GET', '/v2.1/servers', 200, { legacy: '2.50', version: '2.60' })).headers.get('X-OpenStack-Nova-API-Version')).toBe('2.60');
    expect((await ok('GET', '/v2.1/servers', 200, { version: 'latest' })).headers.get('OpenStack-API-Version')).toBe('compute 2.93');
    // another service's entry is not nova's
    expect((await ok('GET', '/v2.1/servers', 200, { headers: { 'OpenStack-API-Version': 'volume 3.50' } })).headers.get('OpenStack-API-Version')).toBe('compute 2.1');
  });

  it('out of range is 406 (computeFault); a malformed version 400', async () => {
    await refused('GET', '/v2.1/servers', 406, { version: '2.94' }, 'computeFault', 'Version 2.94 is not supported by the API. Minimum is 2.1 and maximum is 2.93.');
    await refused('GET', '/v2.1/servers', 406, { legacy: '3.0' }, 'computeFault', 'Version 3.0 is not supported by the API. Minimum is 2.1 and maximum is 2.93.');
    await refused('GET', '/v2.1/servers', 400, { legacy: '2.01' }, 'badRequest', 'API Version String 2.01 is of invalid format. Must be of format MajorNum.MinorNum.');
    await refused('GET', '/v2.1/servers', 400, { legacy: 'two' }, 'badRequest', /^API Version String two is of invalid format/);
  });

  it('a version nova accepts answers 200 with it; one it refuses 400 or 406, whatever the numbers (seed 1414)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.tuple(fc.nat(4), fc.nat(120)).map(([a, b]) => `${a}.${b}`), fc.constantFrom('2.01', '02.1', '2', '2.1.1', ' 2.5', 'latest', '')), async (text) => {
        const a = await call('GET', '/v2.1/servers', { legacy: text });
        // header values reach nova stripped (microversion_parse strips them too)
        const m = /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(text.trim());
        if (text === 'latest') expect(a.headers.get('X-OpenStack-Nova-API-Version')).toBe('2.93');
        else if (m === null) expect(a.status).toBe(400);
        else if (m[1] !== '2' || Number(m[2]) < 1 || Number(m[2]) > 93) expect(a.status).toBe(406);
        else {
          expect(a.status).toBe(200);
          expect(a.headers.get('X-OpenStack-Nova-API-Version')).toBe(text.trim());
        }
      }),
      { seed: 1414, numRuns: 60 },
    );
  });

  it('the server view is cut to the version: 2.1 has none of the later fields and the flavor as {id, links}', async () => {
    const { id } = await createServer();
    const full = (await ok('GET', `/v2.1/servers/${id}`, 200, { version: '2.93' })).body.server as Row;
    for (const key of ['locked', 'locked_reason', 'description', 'tags', 'trusted_image_certificates', 'OS-EXT-SRV-ATTR:hostname']) expect(full).toHaveProperty([key]);
    expect(full.flavor).toMatchObject({ original_name: 'm1.tiny', vcpus: 1, ram: 512 });
    expect(full.server_groups).toEqual([]);
    const old = (await ok('GET', `/v2.1/servers/${id}`, 200)).body.server as Row;
    for (const key of ['locked', 'locked_reason', 'description', 'tags', 'trusted_image_certificates', 'OS-EXT-SRV-ATTR:hostname', 'host_status', 'server_groups']) expect(old).not.toHaveProperty([key]);
    expect(old.flavor).toEqual({ id: '1', links: [{ rel: 'bookmark', href: `${BASE}/flavors/1` }] });
    expect(old.status).toBe('ACTIVE');
    expect(old.links).toEqual([
      { rel: 'self', href: `${BASE}/v2.1/servers/${id}` },
      { rel: 'bookmark', href: `${BASE}/servers/${id}` },
    ]);
    const mid = (await ok('GET', `/v2.1/servers/${id}`, 200, { version: '2.26' })).body.server as Row;
    expect(mid).toHaveProperty(['locked']);
    expect(mid).toHaveProperty(['description']);
    expect(mid.tags).toEqual([]);
    expect(mid).not.toHaveProperty(['locked_reason']);
    // an admin sees the extended attributes; the 2.3 ones only from 2.3
    const admin21 = (await ok('GET', `/v2.1/servers/${id}`, 200, { token: T.admin })).body.server as Row;
    expect(admin21).toHaveProperty(['OS-EXT-SRV-ATTR:host']);
    expect(admin21).not.toHaveProperty(['OS-EXT-SRV-ATTR:reservation_id']);
    expect(admin21['os-extended-volumes:volumes_attached']).toEqual([]);
    expect((await ok('GET', `/v2.1/servers/${id}`, 200, { token: T.admin, version: '2.3' })).body.server).toHaveProperty(['OS-EXT-SRV-ATTR:reservation_id']);
  });

  it('a method a version lacks is a bare 404 fault (statistics from 2.88, tags below 2.26)', async () => {
    await refused('GET', '/v2.1/os-hypervisors/statistics', 404, { token: T.admin, version: '2.88' }, 'itemNotFound', 'The resource could not be found.');
    const { id } = await createServer();
    await refused('GET', `/v2.1/servers/${id}/tags`, 404, { version: '2.25' }, 'itemNotFound', 'The resource could not be found.');
  });
});

describe('servers', () => {
  it('create is 202 with Location, the admin password and the security groups; list, detail, show, delete', async () => {
    const a = await ok('POST', '/v2.1/servers', 202, { version: '2.93', body: { server: { name: 'web', flavorRef: '1', imageRef: image, networks: 'auto' } } });
    const server = a.body.server as Row;
    expect(Object.keys(server).sort()).toEqual(['OS-DCF:diskConfig', 'adminPass', 'id', 'links', 'security_groups']);
    expect(server.security_groups).toEqual([{ name: 'default' }]);
    expect(a.headers.get('Location')).toBe(`${BASE}/v2.1/servers/${server.id}`);
    const list = await ok('GET', '/v2.1/servers', 200);
    expect(list.body.servers).toEqual([{ id: server.id, name: 'web', links: [{ rel: 'self', href: `${BASE}/v2.1/servers/${server.id}` }, { rel: 'bookmark', href: `${BASE}/servers/${server.id}` }] }]);
    const detail = (await ok('GET', '/v2.1/servers/detail', 200, { version: '2.93' })).body.servers as Row[];
    expect(detail.map((s) => [s.id, s.status])).toEqual([[server.id, 'ACTIVE']]);
    expect(Object.keys(detail[0]?.addresses ?? {})).toHaveLength(1);
    const shown = (await ok('GET', `/v2.1/servers/${server.id}`, 200, { version: '2.93' })).body.server as Row;
    expect(shown.name).toBe('web');
    await refused('GET', `/v2.1/servers/${server.id}`, 404, { token: T.alt }, 'itemNotFound', `Instance ${server.id} could not be found.`);
    const del = await ok('DELETE', `/v2.1/servers/${server.id}`, 204);
    expect(del.text).toBe('');
    await refused('GET', `/v2.1/servers/${server.id}`, 404, {}, 'itemNotFound', `Instance ${server.id} could not be found.`);
    expect((await ok('GET', '/v2.1/servers', 200)).body.servers).toEqual([]);
  });

  it('an unknown status lists nothing before 2.38 and is a 400 from it', async () => {
    await createServer();
    expect((await ok('GET', '/v2.1/servers?status=SLEEPING', 200)).body).toEqual({ servers: [] });
    await refused('GET', '/v2.1/servers/detail?status=SLEEPING', 400, { version: '2.38' }, 'badRequest', 'Invalid status value');
    expect((await ok('GET', '/v2.1/servers?status=active', 200)).body.servers).toHaveLength(1);
  });

  it('paging: a page as long as the limit has servers_links with the last id as marker', async () => {
    await createServer({ name: 'a' });
    await createServer({ name: 'b' });
    const page = await ok('GET', '/v2.1/servers?limit=1', 200);
    expect(page.body.servers).toHaveLength(1);
    const next = page.body.servers_links[0] as Row;
    expect(next.rel).toBe('next');
    expect(next.href).toBe(`${BASE}/v2.1/servers?limit=1&marker=${page.body.servers[0].id}`);
    const rest = await ok('GET', `/v2.1/servers?limit=1&marker=${page.body.servers[0].id}`, 200);
    expect(rest.body.servers.map((s: Row) => s.name)).not.toContain(page.body.servers[0].name);
  });

  it('networks: required from 2.37; before it, none is every network the project may use', async () => {
    await refused('POST', '/v2.1/servers', 400, { version: '2.37', body: { server: { name: 'x', flavorRef: '1', imageRef: image } } }, 'badRequest', /'networks' is a required property/);
    await refused('POST', '/v2.1/servers', 400, { version: '2.36', body: { server: { name: 'x', flavorRef: '1', imageRef: image, networks: 'auto' } } }, 'badRequest', /'auto' is not of type 'array'/);
    const a = await ok('POST', '/v2.1/servers', 202, { body: { server: { name: 'legacy', flavorRef: '1', imageRef: image } } });
    expect((await ok('GET', `/v2.1/servers/${a.body.server.id}`, 200)).body.server.status).toBe('ACTIVE');
  });

  it("keys a version's create schema lacks are refused; before 2.19 the description is the name", async () => {
    await refused('POST', '/v2.1/servers', 400, { version: '2.18', body: { server: { name: 'x', flavorRef: '1', imageRef: image, description: 'd' } } }, 'badRequest', /Additional properties are not allowed \('description' was unexpected\)/);
    const { id } = await createServer({ name: 'named', networks: undefined }, {});
    expect((await ok('GET', `/v2.1/servers/${id}`, 200, { version: '2.19' })).body.server.description).toBe('named');
  });

  it('PUT answers the short view below 2.75 and the whole one from it', async () => {
    const { id } = await createServer();
    const short = (await ok('PUT', `/v2.1/servers/${id}`, 200, { version: '2.74', body: { server: { name: 'renamed' } } })).body.server as Row;
    expect(short.name).toBe('renamed');
    expect(short).not.toHaveProperty(['OS-EXT-STS:vm_state']);
    expect(short).not.toHaveProperty(['key_name']);
    expect(Object.values(short.addresses as Row).flat()[0]).toEqual({ version: 4, addr: expect.any(String) });
    const whole = (await ok('PUT', `/v2.1/servers/${id}`, 200, { version: '2.75', body: { server: { description: 'web tier' } } })).body.server as Row;
    expect(whole['OS-EXT-STS:vm_state']).toBe('active');
    expect(whole.description).toBe('web tier');
  });
});

describe('actions', () => {
  it('lock (2.73 with a reason) and unlock: 202 with no body; a locked server refuses its owner\'s delete (409)', async () => {
    const { id } = await createServer();
    const a = await ok('POST', `/v2.1/servers/${id}/action`, 202, { version: '2.73', body: { lock: { locked_reason: 'maintenance' } } });
    expect(a.text).toBe('');
    const shown = (await ok('GET', `/v2.1/servers/${id}`, 200, { version: '2.73' })).body.server as Row;
    expect([shown.locked, shown.locked_reason]).toEqual([true, 'maintenance']);
    await refused('DELETE', `/v2.1/servers/${id}`, 409, {}, 'conflictingRequest', `Instance ${id} is locked`);
    await ok('POST', `/v2.1/servers/${id}/action`, 202, { body: { unlock: null } });
    expect((await ok('GET', `/v2.1/servers/${id}`, 200, { version: '2.9' })).body.server.locked).toBe(false);
  });

  it('os-stop / os-start / reboot: 202, the states nova-compute leaves, 409 for a state the action refuses', async () => {
    const { id } = await createServer();
    await ok('POST', `/v2.1/servers/${id}/action`, 202, { body: { 'os-stop': null } });
    expect((await ok('GET', `/v2.1/servers/${id}`, 200)).body.server['OS-EXT-STS:power_state']).toBe(4);
    expect((await ok('GET', `/v2.1/servers/${id}`, 200)).body.server.status).toBe('SHUTOFF');
    await refused('POST', `/v2.1/servers/${id}/action`, 409, { body: { 'os-stop': null } }, 'conflictingRequest', `Cannot 'stop' instance ${id} while it is in vm_state stopped`);
    await ok('POST', `/v2.1/servers/${id}/action`, 202, { body: { 'os-start': null } });
    await ok('POST', `/v2.1/servers/${id}/action`, 202, { body: { reboot: { type: 'HARD' } } });
    expect((await ok('GET', `/v2.1/servers/${id}`, 200)).body.server.status).toBe('ACTIVE');
    const actions = (await ok('GET', `/v2.1/servers/${id}/os-instance-actions`, 200)).body.instanceActions.map((a: Row) => a.action);
    expect(actions).toEqual(['reboot', 'start', 'stop', 'create']);
  });

  it('createImage: {image_id} from 2.45, before it an empty 202 with the image\'s Location; rebuild 202 with the server and Location', async () => {
    const { id } = await createServer();
    const old = await ok('POST', `/v2.1/servers/${id}/action`, 202, { body: { createImage: { name: 'snap-1' } } });
    expect([old.text, old.headers.get('Location')]).toEqual(['', expect.stringMatching(new RegExp(`^${ORIGIN}/image/images/[0-9a-f-]{36}$`))]);
    const now = await ok('POST', `/v2.1/servers/${id}/action`, 202, { version: '2.45', body: { createImage: { name: 'snap-2' } } });
    expect(now.body).toEqual({ image_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const rebuilt = await ok('POST', `/v2.1/servers/${id}/action`, 202, { body: { rebuild: { imageRef: image } } });
    expect(rebuilt.headers.get('Location')).toBe(`${BASE}/v2.1/servers/${id}`);
    expect(rebuilt.body.server.adminPass).toEqual(expect.any(String));
    expect(rebuilt.body.server).not.toHaveProperty(['OS-EXT-STS:vm_state']);
    await refused('POST', `/v2.1/servers/${id}/action`, 400, { body: { rebuild: { imageRef: image, description: 'd' } } }, 'badRequest', /\('description' was unexpected\)/);
  });

  it('the action is the body\'s one key: unknown 400, another count of keys or no JSON 400, a body that is no dict 404', async () => {
    const { id } = await createServer();
    await refused('POST', `/v2.1/servers/${id}/action`, 400, { body: { frobnicate: null } }, 'badRequest', 'There is no such action: frobnicate');
    await refused('POST', `/v2.1/servers/${id}/action`, 400, { body: { lock: null, unlock: null } }, 'badRequest', 'Malformed request body');
    await refused('POST', `/v2.1/servers/${id}/action`, 400, { raw: '{"lock": ' }, 'badRequest', 'Malformed request body');
    await refused('POST', `/v2.1/servers/${id}/action`, 400, { raw: '' }, 'badRequest', 'Malformed request body');
    await refused('POST', `/v2.1/servers/${id}/action`, 404, { body: [1] }, 'itemNotFound', 'The resource could not be found.');
    await refused('POST', `/v2.1/servers/${id}/action`, 404, { body: 5 }, 'itemNotFound', 'The resource could not be found.');
    await refused('POST', '/v2.1/servers/00000000-0000-0000-0000-000000000000/action', 404, { body: { lock: null } }, 'itemNotFound', 'Instance 00000000-0000-0000-0000-000000000000 could not be found.');
  });
});

describe('faults', () => {
  it('each kind has nova\'s body, with the version headers', async () => {
    const { id } = await createServer();
    const nf = await refused('GET', '/v2.1/servers/missing', 404, { version: '2.60' }, 'itemNotFound', 'Instance missing could not be found.');
    expect(nf.headers.get('OpenStack-API-Version')).toBe('compute 2.60');
    expect(nf.headers.get('X-OpenStack-Nova-API-Version')).toBe('2.60');
    await refused('PUT', `/v2.1/servers/${id}`, 400, { body: { server: { name: 'x' }, extra: 1 } }, 'badRequest', "Additional properties are not allowed ('extra' was unexpected)");
    await refused('PUT', `/v2.1/servers/${id}`, 400, { raw: 'null' }, 'badRequest', "None is not of type 'object'");
    await refused('DELETE', `/v2.1/servers/${id}`, 403, { token: T.reader }, 'forbidden', /^Policy doesn't allow os_compute_api:servers:delete to be performed\.$/);
    await refused('POST', '/v2.1/servers', 415, { raw: '<server/>', headers: { 'Content-Type': 'application/xml' } }, 'badMediaType', 'Unsupported Content-Type');
    const big = await refused('POST', '/v2.1/servers', 413, { raw: JSON.stringify({ server: { name: 'x'.repeat(200_000) } }) });
    expect(big.text).toMatch(/^413 Request Entity Too Large/);
  });

  it('a body without a Content-Type, or text/plain, is still JSON to nova', async () => {
    const a = await ok('POST', '/v2.1/servers', 202, { version: '2.93', raw: JSON.stringify({ server: { name: 'plain', flavorRef: '1', imageRef: image, networks: 'auto' } }), headers: { 'Content-Type': 'text/plain' } });
    expect(a.body.server.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('what hangs below a server', () => {
  it('tags (2.26): 201 with Location for a new one, 204 for one it has, 404 for one it lacks', async () => {
    const { id } = await createServer();
    const added = await ok('PUT', `/v2.1/servers/${id}/tags/web`, 201, { version: '2.26' });
    expect(added.headers.get('Location')).toBe(`${BASE}/v2.1/servers/${id}/tags/web`);
    await ok('PUT', `/v2.1/servers/${id}/tags/web`, 204, { version: '2.26' });
    await ok('GET', `/v2.1/servers/${id}/tags/web`, 204, { version: '2.26' });
    await refused('GET', `/v2.1/servers/${id}/tags/db`, 404, { version: '2.26' }, 'itemNotFound', `Server ${id} has no tag 'db'`);
    expect((await ok('PUT', `/v2.1/servers/${id}/tags`, 200, { version: '2.26', body: { tags: ['a', 'b'] } })).body).toEqual({ tags: ['a', 'b'] });
    expect((await ok('GET', `/v2.1/servers/${id}`, 200, { version: '2.26' })).body.server.tags).toEqual(['a', 'b']);
    await ok('DELETE', `/v2.1/servers/${id}/tags`, 204, { version: '2.26' });
  });

  it('metadata: {metadata} and {meta}, delete 204', async () => {
    const { id } = await createServer();
    expect((await ok('POST', `/v2.1/servers/${id}/metadata`, 200, { body: { metadata: { a: '1' } } })).body).toEqual({ metadata: { a: '1' } });
    expect((await ok('PUT', `/v2.1/servers/${id}/metadata/b`, 200, { body: { meta: { b: '2' } } })).body).toEqual({ meta: { b: '2' } });
    expect((await ok('GET', `/v2.1/servers/${id}/metadata/b`, 200)).body).toEqual({ meta: { b: '2' } });
    await ok('DELETE', `/v2.1/servers/${id}/metadata/b`, 204);
    expect((await ok('GET', `/v2.1/servers/${id}/metadata`, 200)).body).toEqual({ metadata: { a: '1' } });
    await refused('POST', `/v2.1/servers/${id}/metadata`, 400, { body: { meta: {} } }, 'badRequest', "'metadata' is a required property");
  });

  it('instance actions: updated_at and links from 2.58; a non-admin sees events from 2.51, hostId from 2.62', async () => {
    const { id } = await createServer();
    const old = (await ok('GET', `/v2.1/servers/${id}/os-instance-actions`, 200)).body as Row;
    expect(old.instanceActions.map((a: Row) => a.action)).toEqual(['create']);
    expect(old.instanceActions[0]).not.toHaveProperty(['updated_at']);
    const paged = (await ok('GET', `/v2.1/servers/${id}/os-instance-actions?limit=1`, 200, { version: '2.58' })).body as Row;
    expect(paged.instanceActions[0]).toHaveProperty(['updated_at']);
    const requestId = paged.instanceActions[0].request_id as string;
    expect(paged.links[0].href).toBe(`${BASE}/v2.1/servers/${id}/os-instance-actions?limit=1&marker=${requestId}`);
    expect((await ok('GET', `/v2.1/servers/${id}/os-instance-actions/${requestId}`, 200)).body.instanceAction).not.toHaveProperty(['events']);
    const events = (await ok('GET', `/v2.1/servers/${id}/os-instance-actions/${requestId}`, 200, { version: '2.51' })).body.instanceAction.events as Row[];
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]).not.toHaveProperty(['hostId']);
    expect((await ok('GET', `/v2.1/servers/${id}/os-instance-actions/${requestId}`, 200, { version: '2.62' })).body.instanceAction.events[0]).toHaveProperty(['hostId']);
  });

  it('ips: the addresses without the extended fields; by network', async () => {
    const { id } = await createServer();
    const all = (await ok('GET', `/v2.1/servers/${id}/ips`, 200)).body.addresses as Record<string, Row[]>;
    expect(Object.keys(all)).toEqual(['private']);
    for (const a of all.private ?? []) expect(Object.keys(a).sort()).toEqual(['addr', 'version']);
    expect((await ok('GET', `/v2.1/servers/${id}/ips/private`, 200)).body).toEqual({ private: all.private });
  });
});

describe('flavors', () => {
  it('lists and shows with the fields of the version; a path holds an id, not a name', async () => {
    const list = (await ok('GET', '/v2.1/flavors', 200)).body.flavors as Row[];
    expect(list[0]).toEqual({ id: '1', name: 'm1.tiny', links: [{ rel: 'self', href: `${BASE}/v2.1/flavors/1` }, { rel: 'bookmark', href: `${BASE}/flavors/1` }] });
    expect((await ok('GET', '/v2.1/flavors', 200, { version: '2.55' })).body.flavors[0]).toHaveProperty(['description']);
    const old = (await ok('GET', '/v2.1/flavors/1', 200)).body.flavor as Row;
    expect([old.swap, old.ram, old]).toEqual(['', 512, expect.not.objectContaining({ description: expect.anything() })]);
    expect(old).not.toHaveProperty(['extra_specs']);
    const now = (await ok('GET', '/v2.1/flavors/1', 200, { version: '2.93' })).body.flavor as Row;
    expect([now.swap, now.description, now.extra_specs]).toEqual([0, null, { 'hw_rng:allowed': 'True' }]);
    await refused('GET', '/v2.1/flavors/m1.tiny', 404, {}, 'itemNotFound', 'Flavor m1.tiny could not be found.');
    const page = (await ok('GET', '/v2.1/flavors/detail?limit=2', 200)).body as Row;
    expect(page.flavors_links[0].href).toBe(`${BASE}/v2.1/flavors/detail?limit=2&marker=2`);
  });
});

describe('the other resources', () => {
  const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIpavcZAsQVbBFiSzJsDjEBWEr6Wewk5zfYhFB/DQVFD stacksim-e2e';

  it('key pairs: 200 / 202 at 2.1 and 201 / 204 from 2.2, type from 2.2, generated without a public key before 2.92', async () => {
    const imported = await ok('POST', '/v2.1/os-keypairs', 200, { body: { keypair: { name: 'k1', public_key: PUBLIC_KEY } } });
    expect(Object.keys(imported.body.keypair).sort()).toEqual(['fingerprint', 'name', 'public_key', 'user_id']);
    await refused('POST', '/v2.1/os-keypairs', 400, { body: { keypair: { name: 'k9', public_key: PUBLIC_KEY, type: 'ssh' } } }, 'badRequest', /Additional properties are not allowed \('type' was unexpected\)/);
    const generated = await ok('POST', '/v2.1/os-keypairs', 201, { version: '2.2', body: { keypair: { name: 'k2' } } });
    expect(generated.body.keypair.private_key).toMatch(/PRIVATE KEY/);
    expect(generated.body.keypair.type).toBe('ssh');
    await refused('POST', '/v2.1/os-keypairs', 400, { version: '2.92', body: { keypair: { name: 'k3' } } }, 'badRequest', /'public_key' is a required property/);
    const list = (await ok('GET', '/v2.1/os-keypairs', 200)).body as Row;
    expect(list.keypairs.map((k: Row) => Object.keys(k.keypair).sort())).toEqual([['fingerprint', 'name', 'public_key'], ['fingerprint', 'name', 'public_key']]);
    const paged = (await ok('GET', '/v2.1/os-keypairs?limit=1', 200, { version: '2.35' })).body as Row;
    expect(paged.keypairs_links[0].href).toBe(`${BASE}/v2.1/os-keypairs?limit=1&marker=${paged.keypairs[0].keypair.name}`);
    expect((await ok('GET', '/v2.1/os-keypairs/k1', 200, { version: '2.2' })).body.keypair).toMatchObject({ name: 'k1', type: 'ssh', deleted: false });
    await ok('DELETE', '/v2.1/os-keypairs/k1', 202);
    await ok('DELETE', '/v2.1/os-keypairs/k2', 204, { version: '2.2' });
    await refused('GET', '/v2.1/os-keypairs/k1', 404, {}, 'itemNotFound');
  });

  it('quota sets and limits: {quota_set} with the id, {limits: {rate, absolute}}', async () => {
    const project = cloud.systemAdmin.identity.getProject('demo').id;
    const q = (await ok('GET', `/v2.1/os-quota-sets/${project}`, 200)).body.quota_set as Row;
    expect([q.id, q.instances, q.cores, q.ram]).toEqual([project, 10, 20, 51200]);
    expect((await ok('GET', `/v2.1/os-quota-sets/${project}/detail`, 200)).body.quota_set.instances).toEqual({ in_use: 0, limit: 10, reserved: 0 });
    const updated = (await ok('PUT', `/v2.1/os-quota-sets/${project}`, 200, { token: T.admin, body: { quota_set: { instances: 20 } } })).body.quota_set as Row;
    expect([updated.id, updated.instances]).toEqual([undefined, 20]);
    const limits = (await ok('GET', '/v2.1/limits', 200)).body.limits as Row;
    expect([limits.rate, limits.absolute.maxTotalInstances]).toEqual([[], 20]);
    await ok('DELETE', `/v2.1/os-quota-sets/${project}`, 202, { token: T.admin });
  });

  it('server groups: policies and metadata before 2.64, policy and rules from it; project and user from 2.13', async () => {
    const created = (await ok('POST', '/v2.1/os-server-groups', 200, { body: { server_group: { name: 'g', policies: ['affinity'] } } })).body.server_group as Row;
    expect(created).toEqual({ id: expect.any(String), name: 'g', policies: ['affinity'], metadata: {}, members: [] });
    await refused('POST', '/v2.1/os-server-groups', 400, { body: { server_group: { name: 'g', policies: ['soft-affinity'] } } }, 'badRequest', /is not one of \['anti-affinity', 'affinity'\]/);
    const shown = (await ok('GET', `/v2.1/os-server-groups/${created.id}`, 200, { version: '2.64' })).body.server_group as Row;
    expect([shown.policy, shown.rules, typeof shown.project_id]).toEqual(['affinity', {}, 'string']);
    await ok('DELETE', `/v2.1/os-server-groups/${created.id}`, 204);
    await refused('GET', `/v2.1/os-server-groups/${created.id}`, 404, {}, 'itemNotFound');
  });

  it('hypervisors (admin): integer ids before 2.53, uuids from it; statistics before 2.88', async () => {
    const old = (await ok('GET', '/v2.1/os-hypervisors', 200, { token: T.admin })).body.hypervisors as Row[];
    expect(old.map((h) => h.id)).toEqual(old.map((_, i) => i + 1));
    const shown = (await ok('GET', '/v2.1/os-hypervisors/1', 200, { token: T.admin })).body.hypervisor as Row;
    expect([shown.id, shown.hypervisor_hostname, typeof shown.service.id]).toEqual([1, old[0]?.hypervisor_hostname, 'number']);
    await refused('GET', '/v2.1/os-hypervisors/abc', 404, { token: T.admin }, 'itemNotFound', "Hypervisor with ID 'abc' could not be found.");
    const now = (await ok('GET', '/v2.1/os-hypervisors/detail', 200, { token: T.admin, version: '2.53' })).body.hypervisors as Row[];
    expect(now[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    await refused('GET', '/v2.1/os-hypervisors/1', 400, { token: T.admin, version: '2.53' }, 'badRequest', 'Invalid uuid 1');
    expect((await ok('GET', '/v2.1/os-hypervisors/statistics', 200, { token: T.admin })).body.hypervisor_statistics.count).toBe(old.length);
    await refused('GET', '/v2.1/os-hypervisors', 403, {}, 'forbidden', /^Policy doesn't allow/);
  });

  it('services (admin): PUT /os-services/disable-log-reason with host and binary before 2.53, by uuid from it', async () => {
    const services = (await ok('GET', '/v2.1/os-services', 200, { token: T.admin })).body.services as Row[];
    const compute = services.find((s) => s.binary === 'nova-compute') as Row;
    expect(typeof compute.id).toBe('number');
    expect(compute).not.toHaveProperty(['forced_down']);
    const a = await ok('PUT', '/v2.1/os-services/disable-log-reason', 200, { token: T.admin, body: { host: compute.host, binary: 'nova-compute', disabled_reason: 'maintenance' } });
    expect(a.body).toEqual({ service: { host: compute.host, binary: 'nova-compute', status: 'disabled', disabled_reason: 'maintenance' } });
    await refused('PUT', '/v2.1/os-services/reboot', 404, { token: T.admin, body: { host: compute.host, binary: 'nova-compute' } }, 'itemNotFound', 'Unknown action');
    const now = (await ok('GET', '/v2.1/os-services?binary=nova-compute', 200, { token: T.admin, version: '2.53' })).body.services as Row[];
    const same = now.find((s) => s.host === compute.host) as Row;
    expect([same.status, same.disabled_reason, same.forced_down]).toEqual(['disabled', 'maintenance', false]);
    const enabled = (await ok('PUT', `/v2.1/os-services/${same.id}`, 200, { token: T.admin, version: '2.53', body: { status: 'enabled' } })).body.service as Row;
    expect(enabled.status).toBe('enabled');
  });

  it('aggregates (admin): create 200 without hosts and metadata, uuid from 2.41, add_host, delete 200', async () => {
    const created = (await ok('POST', '/v2.1/os-aggregates', 200, { token: T.admin, body: { aggregate: { name: 'agg', availability_zone: 'z1' } } })).body.aggregate as Row;
    expect(created).not.toHaveProperty(['hosts']);
    expect(created).not.toHaveProperty(['uuid']);
    const host = ((await ok('GET', '/v2.1/os-hypervisors', 200, { token: T.admin })).body.hypervisors[0] as Row).hypervisor_hostname as string;
    const added = (await ok('POST', `/v2.1/os-aggregates/${created.id}/action`, 200, { token: T.admin, version: '2.41', body: { add_host: { host } } })).body.aggregate as Row;
    expect([added.hosts, typeof added.uuid]).toEqual([[host], 'string']);
    await refused('POST', `/v2.1/os-aggregates/${created.id}/action`, 400, { token: T.admin, body: { add_hosts: { host } } }, 'badRequest', 'There is no such action: add_hosts');
    await ok('POST', `/v2.1/os-aggregates/${created.id}/action`, 200, { token: T.admin, body: { remove_host: { host } } });
    expect((await ok('DELETE', `/v2.1/os-aggregates/${created.id}`, 200, { token: T.admin })).text).toBe('');
  });

  it('availability zones: {availabilityZoneInfo}', async () => {
    expect((await ok('GET', '/v2.1/os-availability-zone', 200)).body).toEqual({ availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true }, hosts: null }] });
  });
});
