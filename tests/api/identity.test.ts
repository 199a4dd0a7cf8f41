/**
 * Keystone v3 over REST (`/identity`), through `createApiHandler` with no sockets: version
 * discovery, token issue / validation / revocation with Keystone's bodies and headers, every
 * resource route with its status codes, filters and links, Keystone's fault body for every error,
 * and refusals that leave `cloud.state` the very same object. One cloud; each test starts from
 * the same snapshot.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type CloudSnapshot } from '../../src/index.js';
import { createApiHandler, type ApiHandler } from '../../src/api/index.js';
import { send, type Answer, type Send } from './helpers.js';

const ORIGIN = 'http://127.0.0.1:5000';
const BASE = `${ORIGIN}/identity`;

let cloud: Cloud;
let api: ApiHandler;
let snap: CloudSnapshot;
/** Tokens: project admin (admin project), system admin, demo member (demo project). */
let admin: string;
let sys: string;
let demo: string;

beforeAll(() => {
  cloud = createCloud({ seed: 11, identity: { password_hash_rounds: 1 } });
  api = createApiHandler(cloud);
  admin = cloud.admin.token;
  sys = cloud.systemAdmin.token;
  demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' }).token;
  snap = cloud.snapshot();
});

afterEach(() => cloud.restore(snap));

function call(method: string, path: string, init: Send = {}): Promise<Answer> {
  return send(api, method, `${BASE}${path}`, init);
}

const passwordAuth = (user: Record<string, unknown>, scope?: unknown) => ({ auth: { identity: { methods: ['password'], password: { user } }, ...(scope !== undefined ? { scope } : {}) } });
const demoByName = { name: 'demo', domain: { id: 'default' }, password: 'secret' };

/** Keystone's fault body, with the status as code and the reason phrase as title. */
function expectFault(a: Answer, status: number, message?: string | RegExp): void {
  expect(a.status).toBe(status);
  expect(Object.keys(a.body)).toEqual(['error']);
  expect(a.body.error.code).toBe(status);
  expect(typeof a.body.error.title).toBe('string');
  if (message !== undefined) expect(a.body.error.message).toMatch(message);
}

describe('version discovery', () => {
  it('GET /identity answers 300 with the v3.14 version list; /identity/v3 answers the version', async () => {
    for (const path of ['', '/']) {
      const a = await call('GET', path);
      expect(a.status).toBe(300);
      expect(a.headers.get('Location')).toBe(`${BASE}/v3/`);
      expect(a.body).toEqual({
        versions: {
          values: [
            {
              id: 'v3.14',
              status: 'stable',
              updated: '2020-04-07T00:00:00Z',
              links: [{ rel: 'self', href: `${BASE}/v3/` }],
              'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
            },
          ],
        },
      });
    }
    const v3 = await call('GET', '/v3/');
    expect(v3.status).toBe(200);
    expect(v3.body.version.id).toBe('v3.14');
    expect(v3.body.version.links[0].href).toBe(`${BASE}/v3/`);
  });
});

describe('POST /v3/auth/tokens', () => {
  it('password by name and domain, project scope by name and domain: 201, X-Subject-Token, Keystone token body', async () => {
    const a = await call('POST', '/v3/auth/tokens', { body: passwordAuth(demoByName, { project: { name: 'demo', domain: { name: 'Default' } } }) });
    expect(a.status).toBe(201);
    const id = a.headers.get('X-Subject-Token');
    expect(id).toMatch(/^gAAAAAB/);
    const t = a.body.token;
    expect(t.methods).toEqual(['password']);
    expect(t.user).toMatchObject({ name: 'demo', domain: { id: 'default', name: 'Default' }, password_expires_at: null });
    expect(t.project).toMatchObject({ name: 'demo', domain: { id: 'default', name: 'Default' } });
    expect(t.is_domain).toBe(false);
    expect(t.audit_ids).toHaveLength(1);
    expect(t.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(t.roles.map((r: { name: string }) => r.name).sort()).toEqual(['anotherrole', 'member', 'reader']);
    const urls: string[] = t.catalog.flatMap((s: { endpoints: { url: string }[] }) => s.endpoints.map((e) => e.url));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url.startsWith(ORIGIN)).toBe(true);
    const swift = t.catalog.find((s: { type: string }) => s.type === 'object-store');
    expect(swift.endpoints[0].url).toBe(`${ORIGIN}/v1/AUTH_${t.project.id}`);
    // the token works as X-Auth-Token
    expect((await call('GET', '/v3/auth/projects', { token: id as string })).status).toBe(200);
  });

  it('password by user id, project by id; domain, system and explicit unscoped scopes; ?nocatalog', async () => {
    const demoId = cloud.admin.identity.getUser('demo').id;
    const projectId = cloud.admin.identity.listProjects({ name: 'demo' })[0]!.id;
    const byId = await call('POST', '/v3/auth/tokens?nocatalog', { body: passwordAuth({ id: demoId, password: 'secret' }, { project: { id: projectId } }) });
    expect(byId.status).toBe(201);
    expect(byId.body.token.project.id).toBe(projectId);
    expect(byId.body.token.catalog).toBeUndefined();
    const adminUser = { name: 'admin', domain: { id: 'default' }, password: 'secret' };
    const domain = await call('POST', '/v3/auth/tokens', { body: passwordAuth(adminUser, { domain: { id: 'default' } }) });
    expect(domain.status).toBe(201);
    expect(domain.body.token.domain).toEqual({ id: 'default', name: 'Default' });
    // no project: the swift endpoint (it needs %(project_id)s) is left out, as Keystone does
    expect(domain.body.token.catalog.find((s: { type: string }) => s.type === 'object-store')?.endpoints ?? []).toEqual([]);
    const system = await call('POST', '/v3/auth/tokens', { body: passwordAuth(adminUser, { system: { all: true } }) });
    expect(system.body.token.system).toEqual({ all: true });
    const unscoped = await call('POST', '/v3/auth/tokens', { body: passwordAuth(demoByName, 'unscoped') });
    expect(unscoped.status).toBe(201);
    expect(unscoped.body.token.project).toBeUndefined();
    expect(unscoped.body.token.roles).toBeUndefined();
  });

  it('token method rescopes; application credentials by id and by name + user', async () => {
    const unscoped = await call('POST', '/v3/auth/tokens', { body: passwordAuth(demoByName) });
    const t = unscoped.headers.get('X-Subject-Token') as string;
    const rescoped = await call('POST', '/v3/auth/tokens', { body: { auth: { identity: { methods: ['token'], token: { id: t } }, scope: { project: { name: 'demo', domain: { id: 'default' } } } } } });
    expect(rescoped.status).toBe(201);
    expect(rescoped.body.token.methods).toEqual(['password', 'token']);
    const demoUser = cloud.admin.identity.getUser('demo').id;
    const created = await call('POST', `/v3/users/${demoUser}/application_credentials`, { token: demo, body: { application_credential: { name: 'ac1', secret: 'shh', roles: [{ name: 'member' }] } } });
    expect(created.status).toBe(201);
    const ac = created.body.application_credential;
    expect(ac).toMatchObject({ name: 'ac1', secret: 'shh', unrestricted: false, roles: [{ name: 'member' }], access_rules: [] });
    expect(ac.links.self).toBe(`${BASE}/v3/users/${demoUser}/application_credentials/${ac.id}`);
    const byId = await call('POST', '/v3/auth/tokens', { body: { auth: { identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: 'shh' } } } } });
    expect(byId.status).toBe(201);
    expect(byId.body.token.application_credential).toEqual({ id: ac.id, name: 'ac1', restricted: true });
    expect(byId.body.token.roles.map((r: { name: string }) => r.name)).toEqual(['member']);
    const byName = await call('POST', '/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['application_credential'], application_credential: { name: 'ac1', secret: 'shh', user: { name: 'demo', domain: { name: 'Default' } } } } } },
    });
    expect(byName.status).toBe(201);
    const scoped = await call('POST', '/v3/auth/tokens', { body: { auth: { identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: 'shh' } }, scope: { project: { id: 'x' } } } } });
    expectFault(scoped, 401, /Application credentials cannot request a scope/);
    const wrong = await call('POST', '/v3/auth/tokens', { body: { auth: { identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: 'nope' } } } } });
    expectFault(wrong, 401);
  });

  it("malformed bodies get Keystone's 400s; wrong credentials and unsupported methods its 401, changing nothing", async () => {
    const before = cloud.state;
    const cases: [unknown, number, RegExp][] = [
      [{}, 400, /Expecting to find auth in request body/],
      [{ auth: 'x' }, 400, /is not of type 'object'/],
      [{ auth: {} }, 400, /'identity' is a required property/],
      [{ auth: { identity: {} } }, 400, /'methods' is a required property/],
      [{ auth: { identity: { methods: 'password' } } }, 400, /identity\/methods/],
      [{ auth: { identity: { methods: [1] } } }, 400, /identity\/methods\/0/],
      [{ auth: { identity: { methods: ['password'] } } }, 400, /Expecting to find password in identity/],
      [{ auth: { identity: { methods: ['password'], password: {} } } }, 400, /Expecting to find user in password/],
      [passwordAuth({ password: 'x' }), 400, /id or name must be present/],
      [passwordAuth({ name: 'demo', password: 'x' }), 400, /Expecting to find domain in user/],
      [passwordAuth({ name: 'demo', domain: {}, password: 'x' }), 400, /id or name must be present/],
      [passwordAuth({ name: 5, domain: { id: 'default' } }), 400, /identity\/password\/user\/name/],
      [passwordAuth(demoByName, { project: { name: 'demo' } }), 400, /Expecting to find domain in project/],
      [passwordAuth(demoByName, { project: { id: 'a' }, domain: { id: 'default' } }), 400, /Expecting to find system, project, domain/],
      [passwordAuth(demoByName, 5), 400, /scope/],
      [{ auth: { identity: { methods: ['totp'], totp: {} } } }, 401, /unsupported method/],
      [{ auth: { identity: { methods: ['token'], token: {} } } }, 400, /'id' is a required property/],
      [passwordAuth({ ...demoByName, password: 'wrong' }), 401, /requires authentication/],
      [passwordAuth({ name: 'nobody', domain: { id: 'default' }, password: 'x' }), 401, /requires authentication/],
      [passwordAuth(demoByName, { project: { name: 'admin', domain: { id: 'default' } } }), 401, /Cannot scope/],
    ];
    for (const [body, status, message] of cases) {
      const a = await call('POST', '/v3/auth/tokens', { body });
      expectFault(a, status, message);
      if (status === 401) expect(a.headers.get('WWW-Authenticate')).toBe(`Keystone uri="${BASE}"`);
    }
    expectFault(await call('POST', '/v3/auth/tokens', { raw: '{"auth": ' }), 400, /body/);
    expectFault(await call('POST', '/v3/auth/tokens'), 400, /Expecting to find auth/);
    expect(cloud.state).toBe(before);
  });
});

describe('GET / HEAD / DELETE /v3/auth/tokens and /v3/auth/*', () => {
  it('validates, checks and revokes a subject token; 404 once it is invalid; 401 without a token', async () => {
    const issued = await call('POST', '/v3/auth/tokens', { body: passwordAuth(demoByName, { project: { name: 'demo', domain: { id: 'default' } } }) });
    const subject = issued.headers.get('X-Subject-Token') as string;
    const got = await call('GET', '/v3/auth/tokens', { token: admin, headers: { 'X-Subject-Token': subject } });
    expect(got.status).toBe(200);
    expect(got.headers.get('X-Subject-Token')).toBe(subject);
    expect(got.body.token.user.name).toBe('demo');
    expect(got.body.token.catalog[0].endpoints[0].url.startsWith(ORIGIN)).toBe(true);
    const nocat = await call('GET', '/v3/auth/tokens?nocatalog', { token: subject, headers: { 'X-Subject-Token': subject } });
    expect(nocat.body.token.catalog).toBeUndefined();
    const head = await call('HEAD', '/v3/auth/tokens', { token: admin, headers: { 'X-Subject-Token': subject } });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expectFault(await call('GET', '/v3/auth/tokens', { token: admin, headers: { 'X-Subject-Token': 'gAAAAABnope' } }), 404);
    expectFault(await call('GET', '/v3/auth/tokens', { token: admin }), 404);
    expect((await call('HEAD', '/v3/auth/tokens', { token: admin, headers: { 'X-Subject-Token': 'gAAAAABnope' } })).status).toBe(404);
    const del = await call('DELETE', '/v3/auth/tokens', { token: subject, headers: { 'X-Subject-Token': subject } });
    expect(del.status).toBe(204);
    expectFault(await call('GET', '/v3/auth/tokens', { token: admin, headers: { 'X-Subject-Token': subject } }), 404);
    const revoked = await call('GET', '/v3/projects', { token: subject });
    expectFault(revoked, 401, /revoked/);
    expect(revoked.headers.get('WWW-Authenticate')).toBe(`Keystone uri="${BASE}"`);
    expectFault(await call('GET', '/v3/projects'), 401, 'The request you have made requires authentication.');
  });

  it('/v3/auth/catalog, /v3/auth/projects, /v3/auth/domains and /v3/auth/system', async () => {
    const cat = await call('GET', '/v3/auth/catalog', { token: demo });
    expect(cat.status).toBe(200);
    expect(cat.body.links.self).toBe(`${BASE}/v3/auth/catalog`);
    expect(cat.body.catalog.map((s: { type: string }) => s.type)).toContain('identity');
    for (const s of cat.body.catalog) for (const e of s.endpoints) expect(e.url).not.toMatch(/controller|%\(/);
    const projects = await call('GET', '/v3/auth/projects', { token: demo });
    expect(projects.body.projects.map((p: { name: string }) => p.name).sort()).toEqual(['demo', 'invisible_to_admin']);
    expect(projects.body.links).toEqual({ self: `${BASE}/v3/auth/projects`, previous: null, next: null });
    expect(projects.body.projects[0].links.self).toMatch(new RegExp(`^${BASE}/v3/projects/[0-9a-f]{32}$`));
    expect((await call('GET', '/v3/auth/domains', { token: admin })).body.domains.map((d: { id: string }) => d.id)).toEqual(['default']);
    expect((await call('GET', '/v3/auth/system', { token: admin })).body).toEqual({ system: [{ all: true }], links: { self: `${BASE}/v3/auth/system` } });
    expect((await call('GET', '/v3/auth/system', { token: demo })).body.system).toEqual([]);
  });
});

describe('resources', () => {
  it('projects: create 201, list with filters and links, show, update, delete 204, then 404', async () => {
    const created = await call('POST', '/v3/projects', { token: admin, body: { project: { name: 'p1', description: 'd', domain_id: 'default', is_domain: false, options: {} } } });
    expect(created.status).toBe(201);
    const p = created.body.project;
    expect(p).toMatchObject({ name: 'p1', description: 'd', domain_id: 'default', parent_id: 'default', enabled: true, is_domain: false, tags: [] });
    expect(p.links.self).toBe(`${BASE}/v3/projects/${p.id}`);
    const list = await call('GET', '/v3/projects?name=p1&enabled=true&unknown=1', { token: admin });
    expect(list.body.projects.map((x: { id: string }) => x.id)).toEqual([p.id]);
    expect(list.body.links).toEqual({ self: `${BASE}/v3/projects?name=p1&enabled=true&unknown=1`, previous: null, next: null });
    expect((await call('GET', '/v3/projects?enabled=false', { token: admin })).body.projects).toEqual([]);
    expect((await call('GET', '/v3/projects?is_domain=true', { token: admin })).body.projects).toEqual([]);
    expect((await call('GET', `/v3/projects/${p.id}`, { token: sys })).body.project.name).toBe('p1');
    const patched = await call('PATCH', `/v3/projects/${p.id}`, { token: admin, body: { project: { description: 'e', enabled: false } } });
    expect(patched.status).toBe(200);
    expect(patched.body.project).toMatchObject({ description: 'e', enabled: false });
    expect((await call('DELETE', `/v3/projects/${p.id}`, { token: admin })).status).toBe(204);
    expectFault(await call('GET', `/v3/projects/${p.id}`, { token: sys }), 404, `Could not find project: ${p.id}.`);
  });

  it('domains, users (password change, groups, projects), groups and membership', async () => {
    const d = (await call('POST', '/v3/domains', { token: admin, body: { domain: { name: 'dom1' } } })).body.domain;
    expect(d.links.self).toBe(`${BASE}/v3/domains/${d.id}`);
    expect((await call('GET', '/v3/domains?name=dom1', { token: admin })).body.domains.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expectFault(await call('DELETE', `/v3/domains/${d.id}`, { token: admin }), 403, /disable it first/);
    expect((await call('PATCH', `/v3/domains/${d.id}`, { token: admin, body: { domain: { enabled: false } } })).body.domain.enabled).toBe(false);
    expect((await call('DELETE', `/v3/domains/${d.id}`, { token: admin })).status).toBe(204);

    const u = await call('POST', '/v3/users', { token: admin, body: { user: { name: 'uu', password: 'pw1', email: 'u@x' } } });
    expect(u.status).toBe(201);
    const user = u.body.user;
    expect(user).toMatchObject({ name: 'uu', domain_id: 'default', enabled: true, email: 'u@x', password_expires_at: null, options: {} });
    expect(user.password).toBeUndefined();
    expect((await call('GET', '/v3/users?name=uu', { token: admin })).body.users.map((x: { id: string }) => x.id)).toEqual([user.id]);
    expect((await call('PATCH', `/v3/users/${user.id}`, { token: admin, body: { user: { description: 'hi' } } })).body.user.description).toBe('hi');
    const g = (await call('POST', '/v3/groups', { token: admin, body: { group: { name: 'g1', description: 'gd' } } })).body.group;
    expect(g).toMatchObject({ name: 'g1', domain_id: 'default', description: 'gd' });
    expect((await call('PUT', `/v3/groups/${g.id}/users/${user.id}`, { token: admin })).status).toBe(204);
    expect((await call('HEAD', `/v3/groups/${g.id}/users/${user.id}`, { token: admin })).status).toBe(204);
    expect((await call('GET', `/v3/groups/${g.id}/users`, { token: admin })).body.users.map((x: { id: string }) => x.id)).toEqual([user.id]);
    expect((await call('GET', `/v3/users/${user.id}/groups`, { token: admin })).body.groups.map((x: { id: string }) => x.id)).toEqual([g.id]);
    expect((await call('DELETE', `/v3/groups/${g.id}/users/${user.id}`, { token: admin })).status).toBe(204);
    const gone = await call('GET', `/v3/groups/${g.id}/users/${user.id}`, { token: admin });
    expectFault(gone, 404, `User '${user.id}' not found in group '${g.id}'`);
    expect((await call('HEAD', `/v3/groups/${g.id}/users/${user.id}`, { token: admin })).status).toBe(404);

    const demoId = cloud.admin.identity.getUser('demo').id;
    expect((await call('GET', `/v3/users/${demoId}/projects`, { token: demo })).body.projects.map((x: { name: string }) => x.name).sort()).toEqual(['demo', 'invisible_to_admin']);
    const pw = await call('POST', `/v3/users/${demoId}/password`, { token: demo, body: { user: { original_password: 'secret', password: 'new-pw' } } });
    expect(pw.status).toBe(204);
    expectFault(await call('GET', '/v3/auth/projects', { token: demo }), 401);
    expect((await call('POST', '/v3/auth/tokens', { body: passwordAuth({ ...demoByName, password: 'new-pw' }) })).status).toBe(201);
    expect((await call('DELETE', `/v3/groups/${g.id}`, { token: admin })).status).toBe(204);
    expect((await call('DELETE', `/v3/users/${user.id}`, { token: admin })).status).toBe(204);
    expectFault(await call('GET', `/v3/users/${user.id}`, { token: admin }), 404, `Could not find user: ${user.id}.`);
  });

  it('roles, implied roles and role inferences', async () => {
    const r = await call('POST', '/v3/roles', { token: admin, body: { role: { name: 'r1', options: {} } } });
    expect(r.status).toBe(201);
    const role = r.body.role;
    expect(role).toMatchObject({ name: 'r1', domain_id: null });
    expect((await call('GET', '/v3/roles?name=r1', { token: admin })).body.roles.map((x: { id: string }) => x.id)).toEqual([role.id]);
    const reader = (await call('GET', '/v3/roles?name=reader', { token: admin })).body.roles[0];
    const put = await call('PUT', `/v3/roles/${role.id}/implies/${reader.id}`, { token: admin });
    expect(put.status).toBe(201);
    expect(put.body.role_inference).toEqual({
      prior_role: { id: role.id, name: 'r1', links: { self: `${BASE}/v3/roles/${role.id}` } },
      implies: { id: reader.id, name: 'reader', links: { self: `${BASE}/v3/roles/${reader.id}` } },
    });
    expect(put.body.links.self).toBe(`${BASE}/v3/roles/${role.id}/implies/${reader.id}`);
    expect((await call('GET', `/v3/roles/${role.id}/implies/${reader.id}`, { token: admin })).status).toBe(200);
    expect((await call('HEAD', `/v3/roles/${role.id}/implies/${reader.id}`, { token: admin })).status).toBe(204);
    expect((await call('GET', `/v3/roles/${role.id}/implies`, { token: admin })).body.role_inference.implies.map((x: { name: string }) => x.name)).toEqual(['reader']);
    const inferences = (await call('GET', '/v3/role_inferences', { token: admin })).body.role_inferences;
    expect(inferences.map((x: { prior_role: { name: string } }) => x.prior_role.name).sort()).toEqual(['admin', 'member', 'r1']);
    expect((await call('DELETE', `/v3/roles/${role.id}/implies/${reader.id}`, { token: admin })).status).toBe(204);
    expectFault(await call('GET', `/v3/roles/${role.id}/implies/${reader.id}`, { token: admin }), 404, `${role.id} does not imply ${reader.id}.`);
    expect((await call('PATCH', `/v3/roles/${role.id}`, { token: admin, body: { role: { description: 'x' } } })).body.role.description).toBe('x');
    expect((await call('DELETE', `/v3/roles/${role.id}`, { token: admin })).status).toBe(204);
    expectFault(await call('GET', `/v3/roles/${role.id}`, { token: admin }), 404, `Could not find role: ${role.id}.`);
  });

  it('grants on projects, domains and the system, OS-INHERIT, and role assignments with their filters and links', async () => {
    const ids = cloud.admin.identity;
    const user = ids.createUser({ name: 'gu', password: 'pw' }).id;
    const project = ids.createProject({ name: 'gp' }).id;
    const member = ids.getRole('member').id;
    const path = `/v3/projects/${project}/users/${user}/roles/${member}`;
    expect((await call('HEAD', path, { token: admin })).status).toBe(404);
    expect((await call('PUT', path, { token: admin })).status).toBe(204);
    expect((await call('HEAD', path, { token: admin })).status).toBe(204);
    expect((await call('GET', path, { token: admin })).status).toBe(204);
    const effective = await call('GET', `/v3/role_assignments?effective&include_names&user.id=${user}`, { token: admin });
    expect(effective.status).toBe(200);
    const rows = effective.body.role_assignments;
    expect(rows.map((a: { role: { name: string } }) => a.role.name).sort()).toEqual(['member', 'reader']);
    expect(rows[0].user).toEqual({ id: user, name: 'gu', domain: { id: 'default', name: 'Default' } });
    expect(rows[0].scope.project).toEqual({ id: project, name: 'gp', domain: { id: 'default', name: 'Default' } });
    for (const a of rows) expect(a.links.assignment).toBe(`${BASE}${path}`);
    expect(effective.body.links.previous).toBeNull();
    const plain = (await call('GET', `/v3/role_assignments?user.id=${user}&effective=0`, { token: admin })).body.role_assignments;
    expect(plain).toEqual([{ role: { id: member }, user: { id: user }, scope: { project: { id: project } }, links: { assignment: `${BASE}${path}` } }]);
    expect((await call('DELETE', path, { token: admin })).status).toBe(204);
    expectFault(await call('DELETE', path, { token: admin }), 404);

    const inherit = `/v3/OS-INHERIT/domains/default/users/${user}/roles/${member}/inherited_to_projects`;
    expect((await call('PUT', inherit, { token: admin })).status).toBe(204);
    const inh = (await call('GET', `/v3/role_assignments?scope.OS-INHERIT:inherited_to=projects&user.id=${user}`, { token: admin })).body.role_assignments;
    expect(inh).toEqual([{ role: { id: member }, user: { id: user }, scope: { domain: { id: 'default' }, 'OS-INHERIT:inherited_to': 'projects' }, links: { assignment: `${BASE}${inherit}` } }]);
    expect((await call('DELETE', inherit, { token: admin })).status).toBe(204);

    const reader = ids.getRole('reader').id;
    const system = `/v3/system/users/${user}/roles/${reader}`;
    expect((await call('PUT', system, { token: admin })).status).toBe(204);
    expect((await call('GET', `/v3/role_assignments?scope.system=all&user.id=${user}`, { token: admin })).body.role_assignments[0].scope).toEqual({ system: { all: true } });
    expect((await call('DELETE', system, { token: admin })).status).toBe(204);

    for (const [query, message] of [
      ['scope.domain.id=a&scope.project.id=b', 'Specify a domain or project, not both'],
      ['user.id=a&group.id=b', 'Specify a user or group, not both'],
      ['effective&group.id=b', 'Combining effective and group filter will always result in an empty list.'],
      ['include_subtree', 'scope.project.id must be specified if include_subtree is also specified'],
    ] as const) {
      expectFault(await call('GET', `/v3/role_assignments?${query}`, { token: admin }), 400, message);
    }
  });

  it('application credentials: create with expires_at, list with name filter, show, delete', async () => {
    const demoId = cloud.admin.identity.getUser('demo').id;
    const base = `/v3/users/${demoId}/application_credentials`;
    const created = await call('POST', base, { token: demo, body: { application_credential: { name: 'ac2', expires_at: '2030-01-01T00:00:00.000000', access_rules: null } } });
    expect(created.status).toBe(201);
    const ac = created.body.application_credential;
    expect(ac.expires_at).toBe('2030-01-01T00:00:00.000000Z');
    expect(typeof ac.secret).toBe('string');
    expect((await call('GET', `${base}?name=ac2`, { token: demo })).body.application_credentials.map((x: { id: string }) => x.id)).toEqual([ac.id]);
    expect((await call('GET', `${base}?name=other`, { token: demo })).body.application_credentials).toEqual([]);
    const shown = (await call('GET', `${base}/${ac.id}`, { token: demo })).body.application_credential;
    expect(shown.secret).toBeUndefined();
    expect(shown.links.self).toBe(`${BASE}${base}/${ac.id}`);
    expectFault(await call('POST', base, { token: demo, body: { application_credential: { name: 'ac3', expires_at: 'soon' } } }), 400, /expires_at/);
    expectFault(await call('POST', base, { token: demo, body: { application_credential: { name: 'ac3', access_rules: [{ path: '/x' }] } } }), 400, /access_rules/);
    expect((await call('DELETE', `${base}/${ac.id}`, { token: demo })).status).toBe(204);
    expectFault(await call('GET', `${base}/${ac.id}`, { token: demo }), 404);
  });

  it('regions, services and endpoints: endpoint URLs served at the origin', async () => {
    const region = await call('POST', '/v3/regions', { token: admin, body: { region: { id: 'RegionTwo', description: 'two' } } });
    expect(region.status).toBe(201);
    expect(region.body.region).toMatchObject({ id: 'RegionTwo', description: 'two', parent_region_id: null, links: { self: `${BASE}/v3/regions/RegionTwo` } });
    expect((await call('GET', '/v3/regions/RegionTwo', { token: demo })).body.region.id).toBe('RegionTwo');
    const svc = (await call('POST', '/v3/services', { token: admin, body: { service: { type: 'thing', name: 'thingy' } } })).body.service;
    expect((await call('GET', '/v3/services?type=thing', { token: admin })).body.services.map((x: { id: string }) => x.id)).toEqual([svc.id]);
    expect((await call('GET', `/v3/services/${svc.id}`, { token: admin })).body.service.name).toBe('thingy');
    const ep = await call('POST', '/v3/endpoints', { token: admin, body: { endpoint: { service_id: svc.id, interface: 'public', region: 'RegionTwo', url: 'http://controller:9999/thing' } } });
    expect(ep.status).toBe(201);
    expect(ep.body.endpoint).toMatchObject({ region_id: 'RegionTwo', region: 'RegionTwo', url: `${ORIGIN}/thing`, enabled: true });
    const listed = (await call('GET', '/v3/endpoints?interface=public', { token: admin })).body.endpoints;
    for (const e of listed) expect(e.url.startsWith(ORIGIN)).toBe(true);
    expect((await call('GET', `/v3/endpoints/${ep.body.endpoint.id}`, { token: admin })).body.endpoint.url).toBe(`${ORIGIN}/thing`);
    expectFault(await call('DELETE', '/v3/regions/RegionTwo', { token: admin }), 409);
    expect((await call('DELETE', `/v3/endpoints/${ep.body.endpoint.id}`, { token: admin })).status).toBe(204);
    expect((await call('DELETE', `/v3/services/${svc.id}`, { token: admin })).status).toBe(204);
    expect((await call('DELETE', '/v3/regions/RegionTwo', { token: admin })).status).toBe(204);
    expectFault(await call('GET', '/v3/regions/RegionTwo', { token: admin }), 404, 'Could not find region: RegionTwo.');
  });
});

describe('ids in paths', () => {
  it('looks a path up by id only, as Keystone: a name is a 404 and a write by name changes nothing', async () => {
    const demoProject = cloud.systemAdmin.identity.getProject('demo');
    expect((await call('GET', `/v3/projects/${demoProject.id}`, { token: sys })).status).toBe(200);
    for (const [method, path] of [['GET', '/v3/projects/demo'], ['PATCH', '/v3/projects/demo'], ['DELETE', '/v3/projects/demo'], ['GET', '/v3/users/demo'], ['GET', '/v3/roles/member'], ['GET', '/v3/domains/Default'], ['PUT', `/v3/projects/${demoProject.id}/users/demo/roles/member`]] as const) {
      const before = cloud.state;
      const a = await call(method, path, { token: sys, ...(method === 'PATCH' ? { body: { project: { description: 'x' } } } : {}) });
      expectFault(a, 404);
      expect(cloud.state, `${method} ${path}`).toBe(before);
    }
    // the library keeps resolving names (the openstack CLI's convenience)
    expect(cloud.systemAdmin.identity.getProject('demo').id).toBe(demoProject.id);
  });
});

describe('faults', () => {
  it("policy refusals are Keystone's 403 and change nothing; bad bodies are 400s naming the field", async () => {
    const before = cloud.state;
    const denied = await call('POST', '/v3/users', { token: demo, body: { user: { name: 'nope' } } });
    expectFault(denied, 403, 'You are not authorized to perform the requested action: identity:create_user.');
    expect(denied.body.error.title).toBe('Forbidden');
    expectFault(await call('POST', '/v3/projects', { token: admin, body: { name: 'x' } }), 400, /Expecting to find project in request body/);
    expectFault(await call('POST', '/v3/projects', { token: admin, body: { project: 'x' } }), 400, /'project'/);
    expectFault(await call('POST', '/v3/projects', { token: admin, body: [] }), 400);
    expectFault(await call('POST', '/v3/projects', { token: admin, body: { project: { name: 5 } } }), 400, /project\.name/);
    expectFault(await call('POST', '/v3/projects', { token: admin, body: { project: { name: 'x', is_domain: true } } }), 400, /is_domain/);
    expectFault(await call('POST', '/v3/projects', { token: admin, raw: '{"project": {' }), 400, /JSON/);
    expectFault(await call('PATCH', '/v3/users/nobody', { token: admin, body: { user: { enabled: 'yes' } } }), 404);
    expectFault(await call('POST', '/v3/users/nobody/password', { token: demo, body: { user: { original_password: 'a', password: 'b' } } }), 401);
    expectFault(await call('PUT', '/v3/projects/nope/users/nope/roles/nope', { token: admin }), 404);
    expectFault(await call('GET', '/v3/nothing', { token: admin }), 404);
    const wrongMethod = await call('PUT', '/v3/projects', { token: admin });
    expectFault(wrongMethod, 405);
    expect(wrongMethod.headers.get('Allow')).toContain('POST');
    expect(cloud.state).toBe(before);
  });
});
