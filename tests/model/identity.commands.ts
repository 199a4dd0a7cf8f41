/**
 * Identity's commands for the shared model-based suite: an admin creates projects and users and
 * grants roles; users log in and try to read and change projects. The model predicts, for every
 * session, whether its token is valid (expiry by the clock, disabled user or project, lost role,
 * changed password, revocation) and what each attempt must answer: 401, 403, 404 or success.
 * Isolation: a member of project A never reads or changes B, and B's name never resolves for them.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { predictSessions, registerCommands, registerSetup, statusOf, type CloudCommand, type CloudModel, type CloudReal, type IdentityModel } from './harness.js';

const PROJECTS = ['pa', 'pb', 'pc'];
const USERS = ['ua', 'ub', 'uc'];
const ROLES = ['member', 'reader'];
const PASSWORD = (version: number) => `pw-${version}`;
/** Zed's `[token] expiration`. */
const TOKEN_LIFETIME = 3600;

const project = fc.constantFrom(...PROJECTS);
const user = fc.constantFrom(...USERS);
const role = fc.constantFrom(...ROLES);


/** Runs a call expected to fail with `status`, asserting the state did not change. */
function expectStatus(r: CloudReal, status: number, call: () => unknown, what: string): void {
  void r.cloud.admin.token; // the admin session (re)authenticates first, outside the call under test
  const before = r.cloud.state;
  const got = statusOf(call);
  expect(got, what).toBe(status);
  if (status !== 0 && status !== 401) expect(r.cloud.state, what).toBe(before);
}

function hasRole(id: IdentityModel, u: string, p: string): boolean {
  return ROLES.some((r) => id.grants.has(`${u}|${p}|${r}`));
}

/** Whether the model says a session's token validates now. */
export function sessionValid(m: CloudModel, label: string): boolean {
  const s = m.identity.sessions.get(label);
  if (!s || s.revoked) return false;
  const u = m.identity.users.get(s.user);
  const p = m.identity.projects.get(s.project);
  return m.now < s.issuedAt + TOKEN_LIFETIME && !!u && u.enabled && u.passwordVersion === s.passwordVersion && !!p && p.enabled && hasRole(m.identity, s.user, s.project);
}

class CreateProject implements CloudCommand {
  constructor(readonly name: string) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    if (m.identity.projects.has(this.name)) return expectStatus(r, 409, () => r.cloud.admin.identity.createProject({ name: this.name }), this.toString());
    r.cloud.admin.identity.createProject({ name: this.name });
    m.identity.projects.set(this.name, { enabled: true });
  }
  toString = () => `createProject(${this.name})`;
}

class CreateUser implements CloudCommand {
  constructor(readonly name: string) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    if (m.identity.users.has(this.name)) return expectStatus(r, 409, () => r.cloud.admin.identity.createUser({ name: this.name, password: PASSWORD(0) }), this.toString());
    const view = r.cloud.admin.identity.createUser({ name: this.name, password: PASSWORD(0) });
    expect(JSON.stringify(view)).not.toContain(PASSWORD(0));
    m.identity.users.set(this.name, { enabled: true, passwordVersion: 0 });
  }
  toString = () => `createUser(${this.name})`;
}

class Grant implements CloudCommand {
  constructor(readonly user: string, readonly project: string, readonly role: string, readonly add: boolean) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const g = { role: this.role, user: this.user, project: this.project };
    const call = () => (this.add ? r.cloud.admin.identity.createGrant(g) : r.cloud.admin.identity.deleteGrant(g));
    if (!m.identity.users.has(this.user) || !m.identity.projects.has(this.project)) return expectStatus(r, 404, call, this.toString());
    const key = `${this.user}|${this.project}|${this.role}`;
    if (!this.add && !m.identity.grants.has(key)) return expectStatus(r, 404, call, this.toString());
    call();
    if (this.add) m.identity.grants.add(key);
    else m.identity.grants.delete(key);
  }
  toString = () => `${this.add ? 'grant' : 'revokeGrant'}(${this.role}, ${this.user}, ${this.project})`;
}

class SetEnabled implements CloudCommand {
  constructor(readonly kind: 'user' | 'project', readonly name: string, readonly enabled: boolean) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const table = this.kind === 'user' ? m.identity.users : m.identity.projects;
    const call = () => (this.kind === 'user' ? r.cloud.admin.identity.updateUser(this.name, { enabled: this.enabled }) : r.cloud.admin.identity.updateProject(this.name, { enabled: this.enabled }));
    const row = table.get(this.name);
    if (!row) return expectStatus(r, 404, call, this.toString());
    call();
    if (row.enabled && !this.enabled) {
      // disabling revokes the tokens issued so far: they stay invalid after re-enabling
      for (const s of m.identity.sessions.values()) if ((this.kind === 'user' ? s.user : s.project) === this.name) s.revoked = true;
    }
    row.enabled = this.enabled;
  }
  toString = () => `set${this.kind === 'user' ? 'User' : 'Project'}Enabled(${this.name}, ${this.enabled})`;
}

class ChangePassword implements CloudCommand {
  constructor(readonly user: string) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const u = m.identity.users.get(this.user);
    if (!u) return expectStatus(r, 404, () => r.cloud.admin.identity.updateUser(this.user, { password: 'x' }), this.toString());
    r.cloud.admin.identity.updateUser(this.user, { password: PASSWORD(u.passwordVersion + 1) });
    u.passwordVersion += 1;
  }
  toString = () => `changePassword(${this.user})`;
}

class Login implements CloudCommand {
  constructor(readonly user: string, readonly project: string, readonly wrongPassword: boolean) {}
  check = () => true;
  run(m: CloudModel, r: CloudReal): void {
    const u = m.identity.users.get(this.user);
    const p = m.identity.projects.get(this.project);
    const ok = !this.wrongPassword && !!u && u.enabled && !!p && p.enabled && hasRole(m.identity, this.user, this.project);
    const password = this.wrongPassword ? 'wrong' : PASSWORD(u?.passwordVersion ?? 0);
    const call = () => r.cloud.login({ username: this.user, password, project: this.project });
    if (!ok) {
      // a failed login records nothing here (no lockout configured), so the state is unchanged
      return expectStatus(r, 401, call, this.toString());
    }
    const session = call();
    const label = `${this.user}@${this.project}#${m.identity.opened}`;
    m.identity.opened += 1;
    m.identity.sessions.set(label, { user: this.user, project: this.project, issuedAt: m.now, passwordVersion: u.passwordVersion, revoked: false });
    r.sessions.set(label, session);
  }
  toString = () => `login(${this.user}, ${this.project}${this.wrongPassword ? ', wrong password' : ''})`;
}

/** What a session tries. */
type Action = 'get' | 'update' | 'list' | 'logout' | 'getUser' | 'updateUser' | 'grantSelf' | 'listAssignments' | 'createProject';

/**
 * A session acts on a project or a user: success only on what its token's project and user
 * allow; 403 for what it may see but not change; 404 for what it may not see, so names of other
 * projects and users never resolve; 401 once its token is invalid.
 */
class SessionActs implements CloudCommand {
  constructor(readonly pick: number, readonly target: string, readonly targetUser: string, readonly action: Action) {}
  check = (m: Readonly<CloudModel>) => m.identity.sessions.size > 0;
  run(m: CloudModel, r: CloudReal): void {
    const labels = [...m.identity.sessions.keys()];
    const label = labels[this.pick % labels.length] as string;
    const s = m.identity.sessions.get(label)!;
    const id = r.sessions.get(label)!.identity;
    const valid = sessionValid(m, label);
    const what = `${this.toString()} as ${label}`;
    if (this.action === 'logout') {
      expectStatus(r, valid ? 0 : 401, () => r.sessions.get(label)!.logout(), what);
      if (valid) s.revoked = true;
      return;
    }
    if (!valid) return expectStatus(r, 401, () => id.getProject(this.target), what);
    // a member or reader sees only the project its token is scoped to (identity:get_project) and itself (identity:get_user)
    const projectVisible = m.identity.projects.has(this.target) && this.target === s.project;
    const userVisible = this.targetUser === s.user;
    switch (this.action) {
      case 'list':
        return expectStatus(r, 403, () => id.listProjects(), what);
      case 'listAssignments':
        return expectStatus(r, 403, () => id.listRoleAssignments({ project: this.target }), what);
      case 'createProject':
        return expectStatus(r, 403, () => id.createProject({ name: `${this.target}-child`, parent_id: s.project }), what);
      case 'get':
        if (!projectVisible) return expectStatus(r, 404, () => id.getProject(this.target), what);
        expect(id.getProject(this.target).name).toBe(this.target);
        return;
      case 'update':
        return expectStatus(r, projectVisible ? 403 : 404, () => id.updateProject(this.target, { description: 'mine now' }), what);
      case 'getUser':
        if (!userVisible) return expectStatus(r, 404, () => id.getUser(this.targetUser), what);
        expect(id.getUser(this.targetUser).name).toBe(this.targetUser);
        return;
      case 'updateUser':
        return expectStatus(r, userVisible ? 403 : 404, () => id.updateUser(this.targetUser, { description: 'x' }), what);
      case 'grantSelf':
        return expectStatus(r, projectVisible ? 403 : 404, () => id.createGrant({ role: 'member', user: s.user, project: this.target }), what);
    }
  }
  toString = () => `session#${this.pick}.${this.action}(${this.action.includes('User') ? this.targetUser : this.target})`;
}

predictSessions(sessionValid);

// every run starts with two projects, each with one user who can log in to it
registerSetup((m, r) => {
  for (const [u, p, ro] of [['ua', 'pa', 'member'], ['ub', 'pb', 'reader']] as const) {
    new CreateProject(p).run(m, r);
    new CreateUser(u).run(m, r);
    new Grant(u, p, ro, true).run(m, r);
    new Login(u, p, false).run(m, r);
  }
});

registerCommands('identity', [
  project.map((p) => new CreateProject(p)),
  user.map((u) => new CreateUser(u)),
  fc.tuple(user, project, role, fc.boolean()).map(([u, p, ro, add]) => new Grant(u, p, ro, add)),
  fc.tuple(fc.constantFrom('user' as const, 'project' as const), fc.constantFrom(...USERS, ...PROJECTS), fc.boolean()).map(([k, n, e]) => new SetEnabled(k, n, e)),
  user.map((u) => new ChangePassword(u)),
  fc.tuple(user, project, fc.boolean()).map(([u, p, w]) => new Login(u, p, w)),
  fc.tuple(fc.nat(20), project, user, fc.constantFrom<Action>('get', 'get', 'update', 'list', 'logout', 'getUser', 'getUser', 'updateUser', 'grantSelf', 'listAssignments', 'createProject')).map(([i, p, u, a]) => new SessionActs(i, p, u, a)),
]);
