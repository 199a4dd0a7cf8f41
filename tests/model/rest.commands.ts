/**
 * The REST API's commands for the shared model-based suite: logins through `POST
 * /identity/v3/auth/tokens`, an admin creating projects over REST, and sessions whose tokens
 * travel as `X-Auth-Token` to Keystone, Placement, Glance and Swift routes. The identity model
 * predicts each answer — 401 once the token stopped validating, 403 where policy refuses, 200 /
 * 201 / 204 otherwise — and a refused request must leave `cloud.state` the very same object. A
 * session logged in over REST joins the identity model's sessions, so the harness's validity
 * check covers tokens issued over HTTP too; the invariant compares the REST project list with
 * the library's, and so are Glance's images and Placement's providers (with their generations).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Cloud } from '../../src/index.js';
import { restDispatcher, type RestReply } from '../../src/api/handler.js';
import { SERVICES } from '../../src/services.js';
import type { AnyServiceDescriptor, RestService } from '../../src/core/index.js';
import { registerCommands, registerInvariants, type CloudCommand, type CloudModel, type CloudReal } from './harness.js';
import { sessionValid } from './identity.commands.js';

const PROJECTS = ['pa', 'pb', 'pc', 'rest-p'];
const USERS = ['ua', 'ub', 'uc'];
const PASSWORD = (version: number) => `pw-${version}`;

const REST = (SERVICES as readonly AnyServiceDescriptor[]).flatMap((d) => (d.rest ? [d.rest as RestService<object, object>] : []));
const dispatchers = new WeakMap<Cloud, ReturnType<typeof restDispatcher>>();

/** One request through the handler's synchronous core (the model's steps are synchronous). */
function send(cloud: Cloud, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): RestReply & { json: () => unknown } {
  let dispatch = dispatchers.get(cloud);
  if (dispatch === undefined) dispatchers.set(cloud, (dispatch = restDispatcher(cloud, REST)));
  const h = new Headers(headers);
  if (body !== undefined) h.set('Content-Type', 'application/json');
  const bytes = body === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(body));
  const reply = dispatch({ method, url: `http://127.0.0.1:5000${path}`, headers: h, body: bytes });
  return { ...reply, json: () => JSON.parse(new TextDecoder().decode(reply.body ?? new Uint8Array(0))) as unknown };
}

/** Sends a request that the model says must be refused with `status`: the state stays the same object. */
function refused(r: CloudReal, status: number, what: string, request: () => RestReply): void {
  void r.cloud.admin.token; // the admin session (re)authenticates first, outside the request under test
  const before = r.cloud.state;
  const reply = request();
  expect(reply.status, what).toBe(status);
  expect(r.cloud.state, what).toBe(before);
  expect(reply.headers['X-Openstack-Request-Id'], what).toMatch(/^req-/);
}

const passwordAuth = (user: string, password: string, project: string) => ({
  auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } }, scope: { project: { name: project, domain: { id: 'default' } } } },
});

class RestLogin implements CloudCommand {
  constructor(readonly user: string, readonly project: string, readonly wrongPassword: boolean) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const u = m.identity.users.get(this.user);
    const p = m.identity.projects.get(this.project);
    const roles = ['member', 'reader'].some((role) => m.identity.grants.has(`${this.user}|${this.project}|${role}`));
    const ok = !this.wrongPassword && !!u && u.enabled && !!p && p.enabled && roles;
    const body = passwordAuth(this.user, this.wrongPassword ? 'wrong' : PASSWORD(u?.passwordVersion ?? 0), this.project);
    if (!ok) return refused(r, 401, this.toString(), () => send(r.cloud, 'POST', '/identity/v3/auth/tokens', {}, body));
    const reply = send(r.cloud, 'POST', '/identity/v3/auth/tokens', {}, body);
    expect(reply.status, this.toString()).toBe(201);
    const token = reply.headers['X-Subject-Token'] as string;
    const view = (reply.json() as { token: { project: { name: string }; user: { name: string }; catalog: { endpoints: { url: string }[] }[] } }).token;
    expect(view.project.name).toBe(this.project);
    expect(view.user.name).toBe(this.user);
    // the catalog points at the server that answered
    for (const entry of view.catalog) for (const e of entry.endpoints) expect(e.url.startsWith('http://127.0.0.1:5000/')).toBe(true);
    const label = `rest:${this.user}@${this.project}#${m.identity.opened}`;
    m.identity.opened += 1;
    m.identity.sessions.set(label, { user: this.user, project: this.project, issuedAt: m.now, passwordVersion: (u as { passwordVersion: number }).passwordVersion, revoked: false });
    r.sessions.set(label, r.cloud.session(token));
  }
  toString = () => `REST login(${this.user}, ${this.project}${this.wrongPassword ? ', wrong password' : ''})`;
}

class RestCreateProject implements CloudCommand {
  constructor(readonly name: string) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const token = r.cloud.admin.token;
    const call = () => send(r.cloud, 'POST', '/identity/v3/projects', { 'X-Auth-Token': token }, { project: { name: this.name } });
    if (m.identity.projects.has(this.name)) return refused(r, 409, this.toString(), call);
    const reply = call();
    expect(reply.status, this.toString()).toBe(201);
    expect((reply.json() as { project: { name: string } }).project.name).toBe(this.name);
    m.identity.projects.set(this.name, { enabled: true });
  }
  toString = () => `REST createProject(${this.name})`;
}

type Action = 'validate' | 'ownProject' | 'listProjects' | 'images' | 'providers' | 'account' | 'logout';

class RestSessionActs implements CloudCommand {
  constructor(readonly pick: number, readonly action: Action) {}
  check = (m: Readonly<CloudModel>) => m.identity.sessions.size > 0;
  run(m: CloudModel, r: CloudReal): void {
    const labels = [...m.identity.sessions.keys()];
    const label = labels[this.pick % labels.length] as string;
    const s = m.identity.sessions.get(label) as { project: string; revoked: boolean };
    const session = r.sessions.get(label);
    if (session === undefined) return;
    const token = session.token;
    const valid = sessionValid(m, label);
    const what = `${this.toString()} as ${label} (${valid ? 'valid' : 'invalid'})`;
    const auth = { 'X-Auth-Token': token };
    const projectId = r.cloud.systemAdmin.identity.getProject(s.project).id;
    const requests: Record<Action, () => RestReply> = {
      validate: () => send(r.cloud, 'GET', '/identity/v3/auth/tokens', { ...auth, 'X-Subject-Token': token }),
      ownProject: () => send(r.cloud, 'GET', `/identity/v3/projects/${projectId}`, auth),
      listProjects: () => send(r.cloud, 'GET', '/identity/v3/projects', auth),
      images: () => send(r.cloud, 'GET', '/image/v2/images', auth),
      providers: () => send(r.cloud, 'GET', '/placement/resource_providers', { ...auth, 'OpenStack-API-Version': 'placement latest' }),
      account: () => send(r.cloud, 'HEAD', `/v1/AUTH_${projectId}`, auth),
      logout: () => send(r.cloud, 'DELETE', '/identity/v3/auth/tokens', { ...auth, 'X-Subject-Token': token }),
    };
    if (!valid) return refused(r, 401, what, requests[this.action]);
    // a project member or reader: listing every project, Placement (system-scoped) and the Swift
    // account (not an operator role: the empty preset's `admin, swiftoperator`) are refused
    const expected: Record<Action, number> = { validate: 200, ownProject: 200, listProjects: 403, images: 200, providers: 403, account: 403, logout: 204 };
    const status = expected[this.action];
    if (status >= 400) return refused(r, status, what, requests[this.action]);
    const reply = requests[this.action]();
    expect(reply.status, what).toBe(status);
    if (this.action === 'logout') s.revoked = true;
  }
  toString = () => `REST ${this.action}`;
}

registerInvariants('rest', (m, r) => {
  // the REST project list is the library's, for the admin
  const reply = send(r.cloud, 'GET', '/identity/v3/projects', { 'X-Auth-Token': r.cloud.systemAdmin.token });
  expect(reply.status).toBe(200);
  const names = (reply.json() as { projects: { name: string }[] }).projects.map((p) => p.name).sort();
  expect(names).toEqual(r.cloud.systemAdmin.identity.listProjects().map((p) => p.name).sort());
  for (const name of m.identity.projects.keys()) expect(names).toContain(name);
  // Glance's and Placement's lists over REST are the library's (the image and scheduler commands change them)
  const images = send(r.cloud, 'GET', '/image/v2/images?limit=1000', { 'X-Auth-Token': r.cloud.admin.token });
  expect(images.status).toBe(200);
  expect((images.json() as { images: { id: string }[] }).images.map((i) => i.id).sort()).toEqual(r.cloud.admin.image.listImages({ limit: 1000 }).images.map((i) => i.id).sort());
  const providers = send(r.cloud, 'GET', '/placement/resource_providers', { 'X-Auth-Token': r.cloud.systemAdmin.token, 'OpenStack-API-Version': 'placement latest' });
  expect(providers.status).toBe(200);
  const rest = (providers.json() as { resource_providers: { uuid: string; generation: number }[] }).resource_providers.map((p) => `${p.uuid}@${p.generation}`).sort();
  expect(rest).toEqual(r.cloud.systemAdmin.placement.listResourceProviders().map((p) => `${p.uuid}@${p.generation}`).sort());
});

registerCommands('rest', [
  fc.tuple(fc.constantFrom(...USERS), fc.constantFrom(...PROJECTS), fc.boolean()).map(([u, p, wrong]) => new RestLogin(u, p, wrong)),
  fc.constantFrom(...PROJECTS).map((p) => new RestCreateProject(p)),
  fc.tuple(fc.nat(), fc.constantFrom<Action>('validate', 'ownProject', 'listProjects', 'images', 'providers', 'account', 'logout')).map(([i, a]) => new RestSessionActs(i, a)),
]);
