/**
 * What the REST handler owns, whatever the service: URL layout, route matching (404, 405 with
 * `Allow`, HEAD from GET), `X-Auth-Token`, microversion negotiation, bodies (malformed JSON, wrong
 * content type, too large), request ids, faults without stack traces, nothing changed on refusal,
 * and the `/stacksim` harness. A made-up service stands in for the real ones.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type Session } from '../../src/index.js';
import { createApiHandler, type ApiHandler } from '../../src/api/index.js';
import { restHandler, type AnyRest } from '../../src/api/handler.js';
import { json, type RestCall } from '../../src/core/index.js';

type Parts = { identity: Session['identity'] };
const session = (call: RestCall): Parts => call.session() as Parts;

const FAKE: AnyRest = {
  mount: '/fake',
  microversion: { service: 'fake', min: '1.0', max: '1.5' },
  routes: [
    { method: 'GET', path: '/', handle: (call) => json(200, { version: call.microversion ? `${call.microversion.major}.${call.microversion.minor}` : null, base: call.base }) },
    { method: 'GET', path: '/things', handle: (call) => json(200, { user: session(call).identity.getToken().user.name, a: call.query.getAll('a'), b: call.query.get('b') ?? null }) },
    { method: 'POST', path: '/things', handle: (call) => json(200, { echo: call.json() ?? null }) },
    { method: 'GET', path: '/things/{id}', handle: (call) => json(200, { id: call.params.id }) },
    { method: 'DELETE', path: '/things/{id}', handle: () => ({ status: 204 }) },
    { method: 'GET', path: '/things/special', handle: () => json(200, { special: true }) },
    { method: 'GET', path: '/files/{path+}', handle: (call) => json(200, { path: call.params.path }) },
    { method: 'GET', path: '/boom', handle: () => { throw new TypeError('secret internals'); } },
    { method: 'GET', path: '/url', handle: (call) => json(200, { url: call.endpointUrl('http://controller:8080/v1/AUTH_x'), image: call.endpointUrl('http://controller/image') }) },
    {
      method: 'POST',
      path: '/projects',
      handle: (call) => {
        const project = session(call).identity.createProject(call.json() as { name: string });
        return json(201, { project }, { Location: `${call.base}/projects/${project.id}` });
      },
    },
  ],
  fault: (error, context) => json(error.status, { fault: { code: error.code, message: error.message, request_id: context.requestId ?? null } }),
};

/** A service behind keystonemiddleware: its token is checked before microversions, bodies and routes. */
const GUARDED: AnyRest = {
  mount: '/guarded',
  auth: 'token',
  microversion: { service: 'guarded', min: '1.0', max: '1.2' },
  routes: [
    { method: 'GET', path: '/', public: true, handle: () => json(200, { versions: [] }) },
    { method: 'POST', path: '/things', handle: (call) => json(200, { echo: call.json() ?? null }) },
  ],
  fault: (error) => json(error.status, { fault: { code: error.code } }),
};

let cloud: Cloud;
let api: ApiHandler;
let admin: string;
let demo: string;

beforeAll(() => {
  cloud = createCloud({ seed: 5, identity: { password_hash_rounds: 1 } });
  api = restHandler(cloud, [FAKE, GUARDED], { maxJsonBytes: 1024 });
  admin = cloud.admin.token;
  demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' }).token;
});

const call = (path: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('X-Auth-Token', init.token);
  return api(new Request(`http://127.0.0.1:5000${path}`, { ...init, headers }));
};

describe('routing', () => {
  it('finds the route by mount and pattern, literal segments before parameters', async () => {
    expect(await (await call('/fake/things/abc')).json()).toEqual({ id: 'abc' });
    expect(await (await call('/fake/things/special')).json()).toEqual({ special: true });
    expect(await (await call('/fake/')).json()).toEqual({ version: '1.0', base: 'http://127.0.0.1:5000/fake' });
  });

  it('decodes parameters; a rest parameter takes slashes; a malformed escape matches nothing', async () => {
    expect(await (await call('/fake/files/a%2Fb/c%20d')).json()).toEqual({ path: 'a/b/c d' });
    expect((await call('/fake/things/%E0%A4%A')).status).toBe(404);
  });

  it('parses the query string as a form (repeated names, + as space)', async () => {
    const res = await call('/fake/things?a=1&a=2&b=x+y%21', { token: admin });
    expect(await res.json()).toMatchObject({ a: ['1', '2'], b: 'x y!' });
  });

  it('answers 404 in the service fault for an unknown path below a mount, and a Keystone-shaped 404 elsewhere', async () => {
    const below = await call('/fake/nothing/here');
    expect(below.status).toBe(404);
    expect(await below.json()).toMatchObject({ fault: { code: 'api.route.not_found' } });
    const outside = await call('/nowhere');
    expect(outside.status).toBe(404);
    expect(await outside.json()).toMatchObject({ error: { code: 404, title: 'Not Found' } });
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const res = await call('/fake/things', { method: 'PUT', body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET, POST, HEAD');
    expect(await res.json()).toMatchObject({ fault: { code: 'api.method.not_allowed' } });
  });

  it('answers HEAD from the GET route, headers and no body', async () => {
    const get = await call('/fake/things/abc');
    const head = await call('/fake/things/abc', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('Content-Length')).toBe(get.headers.get('Content-Length'));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('maps catalog URLs to the server the client reached', async () => {
    expect(await (await call('/fake/url')).json()).toEqual({ url: 'http://127.0.0.1:5000/v1/AUTH_x', image: 'http://127.0.0.1:5000/image' });
  });
});

describe('tokens', () => {
  it('answers 401 with WWW-Authenticate without a token, with a bad one and with a revoked one', async () => {
    for (const token of [undefined, 'gAAAAAnot-a-token', 'g'.repeat(5000)]) {
      const res = await call('/fake/things', token === undefined ? {} : { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toBe('Keystone uri="http://127.0.0.1:5000/identity"');
    }
    const s = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
    const token = s.token;
    expect((await call('/fake/things', { token })).status).toBe(200);
    s.logout();
    expect((await call('/fake/things', { token })).status).toBe(401);
  });
});

describe('a service behind auth_token', () => {
  it('refuses a missing, unknown, revoked or expired token with 401 before the microversion, the body and the route', async () => {
    const c = createCloud({ seed: 8, identity: { password_hash_rounds: 1 } });
    const h = restHandler(c, [GUARDED]);
    const expired = c.login({ username: 'demo', password: 'secret', project: 'demo' }).token;
    c.clock.advance(7200);
    const s = c.login({ username: 'demo', password: 'secret', project: 'demo' });
    const revoked = s.token;
    s.logout();
    const good = c.login({ username: 'demo', password: 'secret', project: 'demo' }).token;
    const post = (token: string | undefined, path = '/guarded/things') =>
      h(new Request(`http://localhost${path}`, { method: 'POST', body: '{', headers: { 'Content-Type': 'application/json', 'OpenStack-API-Version': 'guarded 9.9', ...(token === undefined ? {} : { 'X-Auth-Token': token }) } }));
    for (const token of [undefined, '', 'gAAAAAnope', revoked, expired]) {
      const res = await post(token);
      expect(res.status, String(token)).toBe(401);
      expect((await post(token, '/guarded/nowhere')).status).toBe(401);
    }
    expect((await post(good)).status).toBe(406);
    expect((await h(new Request('http://localhost/guarded/'))).status).toBe(200);
  });
});

describe('bodies', () => {
  it('refuses malformed JSON with a 400 naming the body, and changes nothing', async () => {
    const before = cloud.state;
    const res = await call('/fake/projects', { method: 'POST', token: admin, body: '{"name": ', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ fault: { code: 'api.body.invalid_json' } });
    expect(cloud.state).toBe(before);
  });

  it('refuses a body that is not JSON where JSON is read (415)', async () => {
    const res = await call('/fake/things', { method: 'POST', body: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
  });

  it('refuses a JSON body larger than max_request_body_size (413), by its Content-Length and by its bytes', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2000) });
    const res = await call('/fake/things', { method: 'POST', body: big, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(413);
  });

  it('treats an empty body as no JSON', async () => {
    expect(await (await call('/fake/things', { method: 'POST' })).json()).toEqual({ echo: null });
  });
});

describe('answers', () => {
  it('gives a write the request id of its commit (X-Openstack-Request-Id), whose trace the cloud keeps', async () => {
    const res = await call('/fake/projects', { method: 'POST', token: admin, body: JSON.stringify({ name: 'rest-handler-1' }), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(201);
    const id = res.headers.get('X-Openstack-Request-Id');
    expect(id).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(id).toBe(cloud.lastRequestId);
    expect(cloud.trace(id as string)).toBeDefined();
    const body = (await res.json()) as { project: { id: string } };
    expect(res.headers.get('Location')).toBe(`http://127.0.0.1:5000/fake/projects/${body.project.id}`);
  });

  it('refuses a forbidden write with the policy answer, a request id, and the very same state', async () => {
    const before = cloud.state;
    const res = await call('/fake/projects', { method: 'POST', token: demo, body: JSON.stringify({ name: 'rest-handler-2' }), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { fault: { request_id: string } };
    expect(body.fault.request_id).toBe(res.headers.get('X-Openstack-Request-Id'));
    expect(cloud.state).toBe(before);
  });

  it('turns a programming error into a 500 without its message or stack', async () => {
    const res = await call('/fake/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internals');
    expect(text).not.toMatch(/\bat \w/);
  });
});

describe('microversions', () => {
  const version = async (header?: string) => {
    const res = await call('/fake/', header === undefined ? {} : { headers: { 'OpenStack-API-Version': header } });
    return { status: res.status, header: res.headers.get('OpenStack-API-Version'), vary: res.headers.get('Vary'), body: (await res.json()) as Record<string, unknown> };
  };
  it('negotiates: none is the minimum, latest the maximum, another service entry is ignored', async () => {
    expect(await version()).toMatchObject({ status: 200, header: 'fake 1.0', vary: 'openstack-api-version', body: { version: '1.0' } });
    expect(await version('fake latest')).toMatchObject({ header: 'fake 1.5', body: { version: '1.5' } });
    expect(await version('compute 2.90, fake 1.3')).toMatchObject({ header: 'fake 1.3' });
    expect(await version('compute 2.90')).toMatchObject({ header: 'fake 1.0' });
  });
  it('refuses a version outside the range (406) and one that is not a version (400)', async () => {
    expect(await version('fake 1.6')).toMatchObject({ status: 406, body: { fault: { code: 'api.microversion.unsupported' } } });
    expect(await version('fake 0.9')).toMatchObject({ status: 406 });
    expect(await version('fake one')).toMatchObject({ status: 400, body: { fault: { code: 'api.microversion.invalid' } } });
  });
});

describe('the harness', () => {
  it('is off by default', async () => {
    const plain = createApiHandler(cloud);
    expect((await plain(new Request('http://localhost/stacksim/reset', { method: 'POST' }))).status).toBe(404);
  });

  it('snapshots, restores, resets, advances the clock and shows the state', async () => {
    const c = createCloud({ seed: 6, preset: 'empty', identity: { password_hash_rounds: 1 } });
    const h = restHandler(c, [FAKE], { harness: true });
    const post = (path: string, body?: unknown) => h(new Request(`http://localhost/stacksim${path}`, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
    const initial = c.state;
    const snap = (await (await post('/snapshot')).json()) as { snapshot: string };
    c.admin.identity.createProject({ name: 'harness-p' });
    const changed = c.state;
    expect(await (await post('/clock/advance', { seconds: 30 })).json()).toEqual({ now: 30, iso: '2022-10-05T00:00:30Z' });
    expect((await post('/restore', { snapshot: snap.snapshot })).status).toBe(204);
    expect(c.clock.now()).toBe(0);
    expect((await post('/restore', { snapshot: 'nope' })).status).toBe(404);
    expect((await post('/restore', { state: 12 })).status).toBe(400);
    expect((await post('/clock/advance', { seconds: -1 })).status).toBe(400);
    expect((await post('/clock/advance', { seconds: 'x' })).status).toBe(400);
    c.restore(changed);
    expect((await post('/reset')).status).toBe(204);
    expect(c.state).toBe(initial);
    const state = await (await h(new Request('http://localhost/stacksim/state'))).json();
    expect(createCloud({ state: state as object }).state.meta.clock.now).toBe(0);
    expect((await h(new Request('http://localhost/stacksim/state', { method: 'DELETE' }))).status).toBe(405);
  });
});
