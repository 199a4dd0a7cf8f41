/**
 * Issue 10 (hardening), identity: what an attacker learns from Keystone's answers. A password
 * change counts toward lockout and answers an unknown user as a wrong password; a login checks
 * the password before it tells anything about the account; policy is decided before any lookup
 * that could tell whether something exists; a bare project name never lists candidates.
 * Reference: Keystone Zed — keystone/identity/backends/sql.py `authenticate`,
 * keystone/identity/core.py `change_password`, keystone/auth/plugins/core.py, keystone/auth/core.py,
 * keystone/api/roles.py.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CloudError, type Session } from '../../src/index.js';
import { PW, caught, devstack, refused } from './helpers.js';

type Api = Session['identity'];

// ------------------------------------------------------------------ item 1: changePassword

describe('changePassword checks the original password as a login does', () => {
  // Fixed (issue 10, item 1): a wrong original password threw inside the call, so the failure was
  // rolled back and never counted; the right one then succeeded even on a locked account; and an
  // unknown user answered 404 where a real one answered 401. Keystone's change_password calls
  // authenticate (keystone/identity/core.py), which refuses a locked account, records the
  // failure, and answers an unknown user as a wrong password.
  // Repro: lockout_failure_attempts 3; ten changePassword(demo, {original_password: 'guessN'})
  //        -> each 401, state unchanged; then the right original password -> the password changed.
  it('wrong original passwords are recorded (committed, then 401) and lock the account; the right one is then refused', () => {
    const cloud = devstack(1001, { identity: { lockout_failure_attempts: 3, lockout_duration: 600 } });
    const alt = cloud.login({ username: 'alt_demo', password: PW, project: 'alt_demo' }).identity;
    const demoId = cloud.systemAdmin.identity.getUser('demo').id;
    alt.getToken();
    for (let i = 0; i < 10; i++) {
      const before = cloud.state;
      const e = caught(() => alt.changePassword(demoId, { original_password: `guess${i}`, password: 'pwned' }));
      expect(e.status).toBe(401);
      if (i < 3) {
        expect(e.code).toBe('identity.user.wrong_password');
        expect(cloud.state).not.toBe(before); // the failure is committed
        expect(e.requestId).toBeDefined();
      } else {
        // Keystone's AccountLocked: the one state told before the password is checked
        expect(e.code).toBe('identity.auth.locked');
        expect(cloud.state).toBe(before);
      }
    }
    refused(cloud, () => alt.changePassword(demoId, { original_password: PW, password: 'pwned' }), { status: 401, code: 'identity.auth.locked' });
    refused(cloud, () => cloud.login({ username: 'demo', password: PW, project: 'demo' }), { status: 401, code: 'identity.auth.locked' });
    cloud.clock.advance(600);
    // the lock ran out; the password was never changed
    expect(cloud.login({ username: 'demo', password: PW, project: 'demo' }).tokenInfo().user.name).toBe('demo');
    expect(caught(() => cloud.login({ username: 'demo', password: 'pwned', project: 'demo' })).status).toBe(401);
  });

  it('login failures and password-change failures count together', () => {
    const cloud = devstack(1002, { identity: { lockout_failure_attempts: 3, lockout_duration: 600 } });
    const demo = cloud.login({ username: 'demo', password: PW, project: 'demo' });
    caught(() => cloud.login({ username: 'demo', password: 'wrong', project: 'demo' }));
    caught(() => demo.identity.changePassword('demo', { original_password: 'wrong', password: 'x' }));
    caught(() => cloud.login({ username: 'demo', password: 'wrong', project: 'demo' }));
    refused(cloud, () => cloud.login({ username: 'demo', password: PW, project: 'demo' }), { status: 401, code: 'identity.auth.locked' });
  });

  it('an unknown user (by name or id) gets exactly the answer of a wrong original password, never a 404', () => {
    const cloud = devstack(1003);
    const demo = cloud.login({ username: 'demo', password: PW, project: 'demo' }).identity;
    demo.getToken();
    const wrong = refused(cloud, () => demo.changePassword('alt_demo', { original_password: 'nope', password: 'x' }), { status: 401 });
    for (const ref of ['no_such_user', 'f'.repeat(32), 'demo_reader']) {
      const original = ref === 'demo_reader' ? 'also wrong' : PW;
      const e = refused(cloud, () => demo.changePassword(ref, { original_password: original, password: 'x' }), { status: 401 });
      expect([e.code, e.message]).toEqual([wrong.code, wrong.message]);
    }
    expect(wrong.message).not.toMatch(/alt_demo/);
  });

  it('Keystone: a disabled user is refused once the original password is right; an expired password may be changed', () => {
    const cloud = devstack(1004, { identity: { password_expires_days: 1, token_expiration: 5 * 86_400 } });
    const sa = cloud.systemAdmin.identity;
    sa.getToken();
    const off = sa.createUser({ name: 'off', password: 'pw', enabled: false });
    const old = sa.createUser({ name: 'old', password: 'pw' });
    const demo = cloud.login({ username: 'demo', password: PW, project: 'demo' }).identity;
    demo.getToken();
    const wrong = refused(cloud, () => demo.changePassword(off.id, { original_password: 'nope', password: 'x' }), { status: 401 });
    expect(wrong.code).toBe('identity.user.wrong_password');
    refused(cloud, () => demo.changePassword(off.id, { original_password: 'pw', password: 'x' }), { status: 401, code: 'identity.auth.user_disabled' });
    cloud.clock.advance(2 * 86_400);
    refused(cloud, () => cloud.login({ username: 'old', password: 'pw' }), { status: 401, code: 'identity.auth.password_expired' });
    demo.changePassword(old.id, { original_password: 'pw', password: 'renewed' });
    expect(cloud.login({ username: 'old', password: 'renewed' }).tokenInfo().user.id).toBe(old.id);
  });
});

// ------------------------------------------------------------ item 2: the password comes first

describe('a login checks the password before it tells anything about the account', () => {
  /** Users in every state, with a long token lifetime so the system admin outlives the password expiry. */
  function accounts(seed: number, identity: Record<string, unknown> = {}) {
    const cloud = devstack(seed, { identity: { password_expires_days: 1, token_expiration: 5 * 86_400, ...identity } });
    const sa = cloud.systemAdmin.identity;
    sa.getToken();
    sa.createUser({ name: 'old', password: 'pw' });
    sa.createUser({ name: 'off', password: 'pw', enabled: false });
    const corp = sa.createDomain({ name: 'corp' });
    sa.createUser({ name: 'cu', password: 'pw', domain_id: corp.id });
    cloud.clock.advance(2 * 86_400); // old's password (and every DevStack user's) expired
    sa.updateDomain('corp', { enabled: false });
    sa.createUser({ name: 'fresh', password: 'pw' });
    return { cloud, sa };
  }

  // Fixed (issue 10, item 2): the account's state was checked before the password, so a wrong
  // password told a disabled user's id ("The account is disabled for user: <id>") and an expired
  // password's. Keystone Zed (keystone/auth/plugins/core.py BaseUserInfo, then
  // keystone/identity/backends/sql.py authenticate): an unknown user, a disabled user and a user
  // of a disabled domain get a bare Unauthorized before the password is looked at; the expiry
  // is told only once the password is right.
  // Repro: updateUser('alt_demo', {enabled: false}); login({username: 'alt_demo', password: 'wrong'})
  //        -> 401 identity.auth.user_disabled naming alt_demo's id.
  it('a wrong password: one answer (status, code, message) for an unknown, disabled, expired, domain-disabled and ordinary user', () => {
    const { cloud } = accounts(1011);
    const answers = [['nobody'], ['off'], ['old'], ['fresh'], ['cu', 'corp'], ['cu', 'nowhere']].map(([username, user_domain]) => {
      const e = refused(cloud, () => cloud.login({ username: username as string, password: 'wrong', ...(user_domain ? { user_domain } : {}) }), { status: 401 });
      return [e.status, e.code, e.message];
    });
    for (const a of answers) expect(a).toEqual(answers[0]);
  });

  it('the right password: a disabled user or domain still gets the bare 401 (Keystone BaseUserInfo); an expired password is told', () => {
    const { cloud } = accounts(1012);
    const bare = caught(() => cloud.login({ username: 'nobody', password: 'pw' }));
    for (const [username, user_domain] of [['off'], ['cu', 'corp']]) {
      const e = refused(cloud, () => cloud.login({ username: username as string, password: 'pw', ...(user_domain ? { user_domain } : {}) }), { status: 401 });
      expect([e.code, e.message]).toEqual([bare.code, bare.message]);
    }
    refused(cloud, () => cloud.login({ username: 'old', password: 'pw' }), { status: 401, code: 'identity.auth.password_expired', message: 'expired' });
  });

  it('Keystone: a locked account is told before the password (AccountLocked, even for a wrong password) — the one exception', () => {
    const cloud = devstack(1013, { identity: { lockout_failure_attempts: 2 } });
    for (let i = 0; i < 2; i++) caught(() => cloud.login({ username: 'demo', password: 'wrong' }));
    refused(cloud, () => cloud.login({ username: 'demo', password: 'wrong' }), { status: 401, code: 'identity.auth.locked', message: 'locked' });
  });

  // Keystone only resets the count of a lock that ran out (_is_account_locked); failures spread
  // over a long time still add up to a lock.
  it('Keystone: failures below the threshold are not forgotten with time', () => {
    const cloud = devstack(1014, { identity: { lockout_failure_attempts: 3, lockout_duration: 60 } });
    for (let i = 0; i < 2; i++) caught(() => cloud.login({ username: 'demo', password: 'wrong' }));
    cloud.clock.advance(3600);
    caught(() => cloud.login({ username: 'demo', password: 'wrong' }));
    refused(cloud, () => cloud.login({ username: 'demo', password: PW }), { status: 401, code: 'identity.auth.locked' });
  });

  it('an application credential of a user whose password expired still authenticates (no password is used)', () => {
    const cloud = devstack(1015, { identity: { password_expires_days: 1 } });
    const demo = cloud.login({ username: 'demo', password: PW, project: 'demo' });
    const cred = demo.identity.createApplicationCredential('demo', { name: 'ci' });
    cloud.clock.advance(2 * 86_400);
    expect(cloud.login({ application_credential: { id: cred.id, secret: cred.secret } }).tokenInfo().user.name).toBe('demo');
  });
});

// ------------------------------------------------------------- item 7b: scoping by a bare name

describe('login: a project named without its domain is looked up in Default, never across domains', () => {
  function twins(seed: number) {
    const cloud = devstack(seed);
    const sa = cloud.systemAdmin.identity;
    const corp = sa.createDomain({ name: 'corp' });
    const here = sa.createProject({ name: 'x' });
    const there = sa.createProject({ name: 'x', domain_id: corp.id });
    const only = sa.createProject({ name: 'only_in_corp', domain_id: corp.id });
    for (const p of [here, there, only]) sa.createGrant({ role: 'member', user: 'demo', project: p.id });
    return { cloud, sa, corp, here, there, only };
  }

  // Fixed (issue 10, item 7b): a bare project name was resolved across every domain, and two
  // projects of that name answered 409 listing both ids. Keystone requires the domain of a
  // project named by name (keystone/auth/core.py _lookup_project, 400 project.domain); stacksim
  // takes Default when none is given, as DevStack's openrc (OS_PROJECT_DOMAIN_ID=default).
  // Repro: projects 'x' in Default and in corp; login({username:'demo', password, project:'x'}) -> 409 listing both ids.
  it('a name shared by two domains scopes to Default’s; project_domain picks the other; ids work in any domain', () => {
    const { cloud, here, there, only } = twins(1021);
    expect(cloud.login({ username: 'demo', password: PW, project: 'x' }).tokenInfo().project?.id).toBe(here.id);
    expect(cloud.login({ username: 'demo', password: PW, project: 'x', project_domain: 'corp' }).tokenInfo().project?.id).toBe(there.id);
    expect(cloud.login({ username: 'demo', password: PW, project: there.id }).tokenInfo().project?.id).toBe(there.id);
    expect(cloud.login({ username: 'demo', password: PW, project: 'only_in_corp', project_domain: 'corp' }).tokenInfo().project?.id).toBe(only.id);
    const e = refused(cloud, () => cloud.login({ username: 'demo', password: PW, project: 'only_in_corp' }), { status: 401, code: 'identity.auth.scope_not_found' });
    expect(e.message).not.toContain(only.id);
  });

  it('no candidate list and no 409 anywhere on the way in, wrong password or not', () => {
    const { cloud, sa, corp } = twins(1022);
    sa.createUser({ name: 'demo', password: PW, domain_id: corp.id }); // a second 'demo', in corp
    for (const password of [PW, 'wrong']) {
      const e = caught(() => cloud.login({ username: 'demo', password, project: 'x', project_domain: 'nowhere' }));
      expect(e.status).toBe(401);
      expect(JSON.stringify(e.details)).not.toMatch(/candidates/);
    }
    // the bare user name is Default's demo, never an ambiguity
    expect(cloud.login({ username: 'demo', password: PW, project: 'x' }).tokenInfo().user.domain.id).toBe('default');
  });

  it('user_id takes an id, not a name', () => {
    const { cloud } = twins(1023);
    const bare = caught(() => cloud.login({ username: 'nobody', password: PW }));
    const e = refused(cloud, () => cloud.login({ user_id: 'demo', password: PW }), { status: 401 });
    expect([e.code, e.message]).toEqual([bare.code, bare.message]);
  });

  // Keystone answers every scope it refuses with a bare Unauthorized (keystone/auth/core.py
  // _lookup_project / _lookup_domain, the token provider's "no access"); stacksim names what was
  // asked and why it may fail, but not which: an authenticated user learns nothing about
  // projects and domains it may not use (before, "has no access to project <id>" told the id).
  it('an unknown, a disabled and a role-less project (or domain) get one answer', () => {
    const { cloud, sa, corp } = twins(1024);
    const disabled = sa.createProject({ name: 'dis', enabled: false });
    sa.createGrant({ role: 'member', user: 'demo', project: disabled.id });
    const norole = sa.createProject({ name: 'norole' });
    const answer = (scope: Record<string, string>, ref: string) => {
      const e = refused(cloud, () => cloud.login({ username: 'demo', password: PW, ...scope }), { status: 401 });
      return [e.code, e.message.split(`'${ref}'`).join("'<ref>'")];
    };
    const projects = [answer({ project: 'no_such' }, 'no_such'), answer({ project: 'dis' }, 'dis'), answer({ project: 'norole' }, 'norole'), answer({ project: norole.id }, norole.id)];
    for (const a of projects) expect(a).toEqual(projects[0]);
    sa.createDomain({ name: 'off', enabled: false });
    const domains = [answer({ domain: 'no_such' }, 'no_such'), answer({ domain: 'off' }, 'off'), answer({ domain: 'corp' }, 'corp'), answer({ domain: corp.id }, corp.id)];
    for (const a of domains) expect(a).toEqual(domains[0]);
  });
});

// ------------------------------------------------------------ item 6: policy before lookups

/**
 * DevStack plus a domain `corp` (a project, a user, a group, a domain role) and an application
 * credential of alt_demo's; callers who may act on none of it: demo (member of demo),
 * demo_reader (reader of demo), loner (member of a project of its own) and outsider (reader of
 * another domain, with a domain-scoped token).
 */
function guarded(seed: number) {
  const cloud = devstack(seed);
  const sa = cloud.systemAdmin.identity;
  const corp = sa.createDomain({ name: 'corp' });
  const corpProject = sa.createProject({ name: 'corp_project', domain_id: corp.id });
  const corpUser = sa.createUser({ name: 'corp_user', domain_id: corp.id, password: PW });
  const corpGroup = sa.createGroup({ name: 'corp_group', domain_id: corp.id });
  const corpRole = sa.createRole({ name: 'corp_role', domain_id: corp.id });
  sa.createProject({ name: 'lonely' });
  sa.createUser({ name: 'loner', password: PW });
  sa.createGrant({ role: 'member', user: 'loner', project: 'lonely' });
  const elsewhere = sa.createDomain({ name: 'elsewhere' });
  sa.createUser({ name: 'outsider', password: PW, domain_id: elsewhere.id });
  sa.createGrant({ role: 'reader', user: 'outsider', domain: elsewhere.id });
  const alt = cloud.login({ username: 'alt_demo', password: PW, project: 'alt_demo' });
  const altCred = alt.identity.createApplicationCredential('alt_demo', { name: 'alt_cred' });
  const adminToken = cloud.admin.token;
  const service = sa.listServices()[0]!;
  const endpoint = sa.listEndpoints()[0]!;
  const callers: [string, Api][] = [
    ['demo', cloud.login({ username: 'demo', password: PW, project: 'demo' }).identity],
    ['demo_reader', cloud.login({ username: 'demo_reader', password: PW, project: 'demo' }).identity],
    ['loner', cloud.login({ username: 'loner', password: PW, project: 'lonely' }).identity],
    ['outsider', cloud.login({ username: 'outsider', user_domain: 'elsewhere', password: PW, domain: 'elsewhere' }).identity],
  ];
  for (const [, api] of callers) api.getToken();
  const existing = {
    domain: ['corp', corp.id],
    project: ['alt_demo', corpProject.id, 'invisible_to_admin'],
    user: ['alt_demo', corpUser.id, 'admin'],
    group: ['admins', corpGroup.id],
    role: ['admin', 'service', corpRole.id, 'corp_role'],
    region: ['RegionOne'],
    service: [service.id],
    endpoint: [endpoint.id],
    token: [adminToken],
    application_credential: [altCred.id, 'alt_cred'],
  };
  return { cloud, callers, existing };
}

type Kind = keyof ReturnType<typeof guarded>['existing'];

/** Every identity operation that takes a reference, with the reference in each place it can go. `me` is the caller's user name. */
const REFERENCE_OPS: readonly [Kind, string, (api: Api, ref: string, me: string) => unknown][] = [
  ['domain', 'getDomain', (a, r) => a.getDomain(r)],
  ['domain', 'updateDomain', (a, r) => a.updateDomain(r, { description: 'x' })],
  ['domain', 'deleteDomain', (a, r) => a.deleteDomain(r)],
  ['domain', 'createProject domain_id', (a, r) => a.createProject({ name: 'p', domain_id: r })],
  ['domain', 'createUser domain_id', (a, r) => a.createUser({ name: 'u', domain_id: r })],
  ['domain', 'createGroup domain_id', (a, r) => a.createGroup({ name: 'g', domain_id: r })],
  ['domain', 'createRole domain_id', (a, r) => a.createRole({ name: 'r', domain_id: r })],
  ['domain', 'getProject {domain}', (a, r) => a.getProject('demo', { domain: r })],
  ['domain', 'getUser {domain}', (a, r, me) => a.getUser(me, { domain: r })],
  ['domain', 'createGrant domain', (a, r, me) => a.createGrant({ role: 'member', user: me, domain: r })],
  ['domain', 'checkGrant domain', (a, r, me) => a.checkGrant({ role: 'member', user: me, domain: r })],
  ['domain', 'deleteGrant domain', (a, r, me) => a.deleteGrant({ role: 'member', user: me, domain: r })],
  ['domain', 'listRoleAssignments domain', (a, r) => a.listRoleAssignments({ domain: r })],
  ['domain', 'listProjects domain_id', (a, r) => a.listProjects({ domain_id: r })],
  ['domain', 'listUsers domain_id', (a, r) => a.listUsers({ domain_id: r })],
  ['domain', 'listGroups domain_id', (a, r) => a.listGroups({ domain_id: r })],
  ['domain', 'listRoles domain_id', (a, r) => a.listRoles({ domain_id: r })],
  ['project', 'getProject', (a, r) => a.getProject(r)],
  ['project', 'updateProject', (a, r) => a.updateProject(r, { description: 'x' })],
  ['project', 'deleteProject', (a, r) => a.deleteProject(r)],
  ['project', 'createProject parent_id', (a, r) => a.createProject({ name: 'p', parent_id: r })],
  ['project', 'createUser default_project_id', (a, r) => a.createUser({ name: 'u', default_project_id: r })],
  ['project', 'updateUser default_project_id', (a, r, me) => a.updateUser(me, { default_project_id: r })],
  ['project', 'createGrant project', (a, r, me) => a.createGrant({ role: 'member', user: me, project: r })],
  ['project', 'checkGrant project', (a, r, me) => a.checkGrant({ role: 'member', user: me, project: r })],
  ['project', 'deleteGrant project', (a, r, me) => a.deleteGrant({ role: 'member', user: me, project: r })],
  ['project', 'listRoleAssignments project', (a, r) => a.listRoleAssignments({ project: r })],
  ['project', 'listRoleAssignments subtree', (a, r) => a.listRoleAssignments({ project: r, include_subtree: true })],
  ['project', 'listProjects parent_id', (a, r) => a.listProjects({ parent_id: r })],
  ['user', 'getUser', (a, r) => a.getUser(r)],
  ['user', 'updateUser', (a, r) => a.updateUser(r, { description: 'x' })],
  ['user', 'deleteUser', (a, r) => a.deleteUser(r)],
  ['user', 'changePassword', (a, r) => a.changePassword(r, { original_password: 'wrong', password: 'x' })],
  ['user', 'listUserProjects', (a, r) => a.listUserProjects(r)],
  ['user', 'listGroupsForUser', (a, r) => a.listGroupsForUser(r)],
  ['user', 'addUserToGroup user', (a, r) => a.addUserToGroup('nonadmins', r)],
  ['user', 'removeUserFromGroup user', (a, r) => a.removeUserFromGroup('nonadmins', r)],
  ['user', 'checkUserInGroup user', (a, r) => a.checkUserInGroup('nonadmins', r)],
  ['user', 'createGrant user', (a, r) => a.createGrant({ role: 'member', user: r, project: 'demo' })],
  ['user', 'checkGrant user', (a, r) => a.checkGrant({ role: 'member', user: r, project: 'demo' })],
  ['user', 'listRoleAssignments user', (a, r) => a.listRoleAssignments({ user: r })],
  ['user', 'createApplicationCredential', (a, r) => a.createApplicationCredential(r, { name: 'c' })],
  ['user', 'listApplicationCredentials', (a, r) => a.listApplicationCredentials(r)],
  ['user', 'getApplicationCredential user', (a, r) => a.getApplicationCredential(r, 'alt_cred')],
  ['user', 'deleteApplicationCredential user', (a, r) => a.deleteApplicationCredential(r, 'alt_cred')],
  ['group', 'getGroup', (a, r) => a.getGroup(r)],
  ['group', 'updateGroup', (a, r) => a.updateGroup(r, { description: 'x' })],
  ['group', 'deleteGroup', (a, r) => a.deleteGroup(r)],
  ['group', 'addUserToGroup group', (a, r, me) => a.addUserToGroup(r, me)],
  ['group', 'removeUserFromGroup group', (a, r, me) => a.removeUserFromGroup(r, me)],
  ['group', 'checkUserInGroup group', (a, r, me) => a.checkUserInGroup(r, me)],
  ['group', 'listUsersInGroup', (a, r) => a.listUsersInGroup(r)],
  ['group', 'createGrant group', (a, r) => a.createGrant({ role: 'member', group: r, project: 'demo' })],
  ['group', 'listRoleAssignments group', (a, r) => a.listRoleAssignments({ group: r })],
  ['role', 'getRole', (a, r) => a.getRole(r)],
  ['role', 'updateRole', (a, r) => a.updateRole(r, { description: 'x' })],
  ['role', 'deleteRole', (a, r) => a.deleteRole(r)],
  ['role', 'createImpliedRole prior', (a, r) => a.createImpliedRole(r, 'reader')],
  ['role', 'createImpliedRole implied', (a, r) => a.createImpliedRole('member', r)],
  ['role', 'deleteImpliedRole prior', (a, r) => a.deleteImpliedRole(r, 'reader')],
  ['role', 'deleteImpliedRole implied', (a, r) => a.deleteImpliedRole('member', r)],
  ['role', 'listImpliedRoles', (a, r) => a.listImpliedRoles(r)],
  ['role', 'createGrant role', (a, r, me) => a.createGrant({ role: r, user: me, project: 'demo' })],
  ['role', 'checkGrant role', (a, r, me) => a.checkGrant({ role: r, user: me, project: 'demo' })],
  ['role', 'deleteGrant role', (a, r, me) => a.deleteGrant({ role: r, user: me, project: 'demo' })],
  ['role', 'createGrant role (system)', (a, r, me) => a.createGrant({ role: r, user: me, system: 'all' })],
  ['role', 'listRoleAssignments role', (a, r) => a.listRoleAssignments({ role: r })],
  ['role', 'listRoles name', (a, r) => a.listRoles({ name: r })],
  ['role', 'createApplicationCredential roles', (a, r, me) => a.createApplicationCredential(me, { name: 'c', roles: [r] })],
  ['region', 'deleteRegion', (a, r) => a.deleteRegion(r)],
  ['region', 'createRegion parent_region_id', (a, r) => a.createRegion({ id: 'R9', parent_region_id: r })],
  ['region', 'createEndpoint region_id', (a, r) => a.createEndpoint({ service_id: 'x', interface: 'public', region_id: r, url: 'http://x' })],
  ['region', 'listEndpoints region_id', (a, r) => a.listEndpoints({ region_id: r })],
  ['service', 'deleteService', (a, r) => a.deleteService(r)],
  ['service', 'createEndpoint service_id', (a, r) => a.createEndpoint({ service_id: r, interface: 'public', region_id: 'RegionOne', url: 'http://x' })],
  ['service', 'listEndpoints service_id', (a, r) => a.listEndpoints({ service_id: r })],
  ['endpoint', 'deleteEndpoint', (a, r) => a.deleteEndpoint(r)],
  ['token', 'validateToken', (a, r) => a.validateToken(r)],
  ['token', 'checkToken', (a, r) => a.checkToken(r)],
  ['token', 'revokeToken', (a, r) => a.revokeToken(r)],
  ['application_credential', 'getApplicationCredential', (a, r, me) => a.getApplicationCredential(me, r)],
  ['application_credential', 'deleteApplicationCredential', (a, r, me) => a.deleteApplicationCredential(me, r)],
];

/** A call's answer with the (quoted) reference it was given blanked out, so two references can be compared. */
function answerOf(call: () => unknown, ref: string): { status: number; code: string; message: string } | 'returned' {
  try {
    call();
    return 'returned';
  } catch (e) {
    expect(e).toBeInstanceOf(CloudError);
    const err = e as CloudError;
    return { status: err.status, code: err.code, message: err.message.split(`'${ref}'`).join("'<ref>'") };
  }
}

describe('policy is decided before any lookup that could tell whether something exists', () => {
  // Fixed (issue 10, item 6): createProject / createUser / createGroup looked their domain_id up
  // before policy (403 for an existing domain, 404 identity.domain.not_found for a made-up one);
  // getProject / getUser with { domain } did the same; a role answered 403 when it existed and
  // 404 when it did not (getRole, updateRole, deleteRole, implied roles, a grant's role,
  // an application credential's roles); getApplicationCredential / deleteApplicationCredential
  // looked the credential up before policy. Keystone enforces first (keystone/api/roles.py:
  // "we raise out after enforcement, this ensures we do not leak role existence").
  // Repro: demo.identity.createProject({name:'p', domain_id:'corp'}) -> 403;
  //        demo.identity.createProject({name:'p', domain_id:'nope'}) -> 404 identity.domain.not_found;
  //        demo.identity.getRole('admin') -> 403; demo.identity.getRole('nope') -> 404.
  const w = guarded(1031);
  const start = w.cloud.snapshot();
  const taken = new Set<string>();
  for (const s of [JSON.stringify(start.identity)]) for (const m of s.matchAll(/"([^"\\]{1,255})"/g)) taken.add(m[1] as string);
  const madeUp = fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[a-z][a-z0-9_]{0,30}$/), fc.stringMatching(/^gAAAAAB[0-9a-f]{20}$/)).filter((x) => !taken.has(x));
  it('an unauthorised caller gets the same answer for an existing and a made-up reference, and nothing changes (seed 4242)', () => {
    fc.assert(
      fc.property(fc.nat(w.callers.length - 1), fc.nat(REFERENCE_OPS.length - 1), fc.nat(), madeUp, (who, which, pick, ghost) => {
        w.cloud.restore(start);
        const [me, api] = w.callers[who]!;
        const [kind, name, op] = REFERENCE_OPS[which]!;
        const refs = w.existing[kind];
        const real = refs[pick % refs.length] as string;
        const a = answerOf(() => op(api, real, me), real);
        const after = w.cloud.state;
        const b = answerOf(() => op(api, ghost, me), ghost);
        expect({ who: me, op: name, real: a }).toEqual({ who: me, op: name, real: b });
        expect(w.cloud.state).toBe(after);
        if (a !== 'returned') expect(w.cloud.state).toBe(start);
      }),
      { seed: 4242, numRuns: 300 },
    );
  });

  it('every operation of the list is refused to every caller for every existing reference (a 4xx, nothing changes)', () => {
    for (const [me, api] of w.callers) {
      for (const [kind, name, op] of REFERENCE_OPS) {
        for (const ref of w.existing[kind]) {
          w.cloud.restore(start);
          const a = answerOf(() => op(api, ref, me), ref);
          if (a === 'returned') {
            // only reads that filter a list may answer (an empty or own list): nothing else may succeed
            expect({ me, name, ref }).toMatchObject({ name: expect.stringMatching(/^list(Projects|Users|Groups|Roles|Endpoints|RoleAssignments) |^checkUserInGroup/) });
          } else expect({ me, name, ref, refused: [401, 403, 404].includes(a.status) }).toEqual({ me, name, ref, refused: true });
          expect(w.cloud.state).toBe(start);
        }
      }
    }
  });

  it('the admin still gets the 404s (policy first does not hide what an allowed caller asks for)', () => {
    w.cloud.restore(start);
    const sa = w.cloud.systemAdmin.identity;
    refused(w.cloud, () => sa.createProject({ name: 'p', domain_id: 'nope' }), { status: 404, code: 'identity.domain.not_found' });
    refused(w.cloud, () => sa.getRole('nope'), { status: 404, code: 'identity.role.not_found' });
    refused(w.cloud, () => sa.createGrant({ role: 'nope', user: 'demo', project: 'demo' }), { status: 404, code: 'identity.role.not_found' });
    refused(w.cloud, () => sa.createImpliedRole('member', 'nope'), { status: 404, code: 'identity.role.not_found' });
    refused(w.cloud, () => sa.getProject('demo', { domain: 'nope' }), { status: 404, code: 'identity.domain.not_found' });
  });
});

describe('a domain-scoped reader lists only its domain’s role assignments', () => {
  // Fixed (found by the cross-module security suite): identity:list_role_assignments lets a reader
  // of a domain list (its target is the caller's own domain), but every assignment of the cloud
  // came back, other domains' users and projects included. Keystone keeps, for a domain-scoped
  // token, only the assignments on that domain and on its projects
  // (keystone/api/role_assignments.py _list_role_assignments).
  // Repro: a reader of domain corp (domain-scoped) -> listRoleAssignments({user: 'demo'}) lists demo's grants in Default.
  it('assignments on its domain and its projects, nothing else', () => {
    const cloud = devstack(1041);
    const sa = cloud.systemAdmin.identity;
    const corp = sa.createDomain({ name: 'corp' });
    const cp = sa.createProject({ name: 'cp', domain_id: corp.id });
    const reader = sa.createUser({ name: 'auditor', domain_id: corp.id, password: PW });
    sa.createGrant({ role: 'reader', user: reader.id, domain: corp.id });
    sa.createGrant({ role: 'member', user: 'demo', project: cp.id });
    const r = cloud.login({ username: 'auditor', user_domain: 'corp', password: PW, domain: 'corp' }).identity;
    const scopes = r.listRoleAssignments().map((a) => a.scope.domain?.id ?? a.scope.project?.id);
    expect(new Set(scopes)).toEqual(new Set([corp.id, cp.id]));
    expect(r.listRoleAssignments({ user: 'demo' }).map((a) => a.scope.project?.id)).toEqual([cp.id]);
    expect(sa.listRoleAssignments({ user: 'demo' }).length).toBeGreaterThan(1);
  });
});

describe('a refused scope commits nothing', () => {
  // Keystone refuses an unknown or disabled scope before it authenticates
  // (keystone/auth/core.py AuthInfo.create), so the right password with a refused scope neither
  // resets nor records anything. stacksim committed the reset of the failure count, then answered 401.
  // Repro: lockout 3; 2 wrong logins; the right password with project 'no_such' -> 401, and the count is back to 0.
  it('the right password with a scope it may not have: 401, the state unchanged, the failure count kept', () => {
    const cloud = devstack(1051, { identity: { lockout_failure_attempts: 3 } });
    for (let i = 0; i < 2; i++) caught(() => cloud.login({ username: 'demo', password: 'wrong' }));
    refused(cloud, () => cloud.login({ username: 'demo', password: PW, project: 'no_such' }), { status: 401, code: 'identity.auth.scope_not_found' });
    refused(cloud, () => cloud.login({ username: 'demo', password: PW, system: 'all' }), { status: 401, code: 'identity.auth.no_roles' });
    caught(() => cloud.login({ username: 'demo', password: 'wrong' }));
    refused(cloud, () => cloud.login({ username: 'demo', password: PW }), { status: 401, code: 'identity.auth.locked' });
  });
});
