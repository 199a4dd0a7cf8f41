/**
 * Role assignments ("grants") on projects, domains and the system, for users and groups, with
 * OS-INHERIT inheritance, and `GET /v3/role_assignments` (`listRoleAssignments`) with its
 * filters, `effective`, `include_names` and `include_subtree`. Reference: Keystone Zed's
 * keystone/assignment/core.py and keystone/api/role_assignments.py.
 */
import { describe, it, expect } from 'vitest';
import type { Cloud } from '../../src/index.js';
import { caught, devstack, refused, roleNames } from './helpers.js';

const setup = (seed: number) => {
  const cloud = devstack(seed);
  const sa = cloud.systemAdmin.identity;
  return { cloud, sa };
};

/** Roles a user's token carries on a scope, or 401 as `null`. */
function tokenRoles(cloud: Cloud, username: string, password: string, scope: { project?: string; project_domain?: string; domain?: string; system?: 'all' }): string[] | null {
  try {
    return roleNames(cloud.login({ username, password, ...scope }).tokenInfo().roles);
  } catch (e) {
    if ((e as { status?: number }).status === 401) return null;
    throw e;
  }
}

/** A tree top → kid → grandkid in Default, plus a user `uma` (password `pw`) with no roles. */
function tree(seed: number) {
  const { cloud, sa } = setup(seed);
  const top = sa.createProject({ name: 'top' });
  const kid = sa.createProject({ name: 'kid', parent_id: top.id });
  const grandkid = sa.createProject({ name: 'grandkid', parent_id: kid.id });
  const uma = sa.createUser({ name: 'uma', password: 'pw' });
  return { cloud, sa, top, kid, grandkid, uma };
}

describe('grants', () => {
  it('user grants on a project, a domain and the system: create, check, revoke; names work as ids', () => {
    const { cloud, sa, uma } = tree(701);
    sa.createGrant({ role: 'member', user: 'uma', project: 'top' });
    sa.createGrant({ role: 'Reader', user: uma.id, domain: 'Default' });
    sa.createGrant({ role: 'admin', user: 'uma', system: 'all' });
    expect(sa.checkGrant({ role: 'member', user: 'uma', project: 'top' })).toBe(true);
    expect(sa.checkGrant({ role: 'reader', user: 'uma', domain: 'default' })).toBe(true);
    expect(sa.checkGrant({ role: 'admin', user: 'uma', system: 'all' })).toBe(true);
    expect(sa.checkGrant({ role: 'admin', user: 'uma', project: 'top' })).toBe(false);
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'top' })).toEqual(['member', 'reader']);
    expect(tokenRoles(cloud, 'uma', 'pw', { domain: 'Default' })).toEqual(['reader']);
    expect(tokenRoles(cloud, 'uma', 'pw', { system: 'all' })).toEqual(['admin', 'member', 'reader']);
    sa.deleteGrant({ role: 'member', user: 'uma', project: 'top' });
    expect(sa.checkGrant({ role: 'member', user: 'uma', project: 'top' })).toBe(false);
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'top' })).toBeNull();
  });

  it('granting twice is idempotent; revoking a grant that does not exist is a 404 and changes nothing', () => {
    const { cloud, sa } = tree(702);
    sa.createGrant({ role: 'member', user: 'uma', project: 'top' });
    sa.createGrant({ role: 'member', user: 'uma', project: 'top' });
    expect(sa.listRoleAssignments({ user: 'uma' })).toHaveLength(1);
    refused(cloud, () => sa.deleteGrant({ role: 'reader', user: 'uma', project: 'top' }), { status: 404, code: 'identity.role_assignment.not_found' });
    // an inherited grant and a direct one are different grants
    refused(cloud, () => sa.deleteGrant({ role: 'member', user: 'uma', project: 'top', inherited: true }), { status: 404 });
  });

  it('a group grant gives its role to every member, and only while they are members', () => {
    const { cloud, sa } = tree(703);
    const g = sa.createGroup({ name: 'team' });
    sa.createGrant({ role: 'member', group: 'team', project: 'top' });
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'top' })).toBeNull();
    sa.addUserToGroup(g.id, 'uma');
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'top' })).toEqual(['member', 'reader']);
    sa.removeUserFromGroup('team', 'uma');
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'top' })).toBeNull();
  });

  it('an inherited project grant applies to the whole subtree but not to the project itself', () => {
    const { cloud, sa } = tree(704);
    sa.createGrant({ role: 'member', user: 'uma', project: 'top', inherited: true });
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'top' })).toBeNull();
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'kid' })).toEqual(['member', 'reader']);
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'grandkid' })).toEqual(['member', 'reader']);
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'demo' })).toBeNull();
    expect(sa.checkGrant({ role: 'member', user: 'uma', project: 'top', inherited: true })).toBe(true);
    expect(sa.checkGrant({ role: 'member', user: 'uma', project: 'top' })).toBe(false);
  });

  it('an inherited domain grant applies to every project of the domain, not to the domain itself', () => {
    const { cloud, sa } = tree(705);
    const d = sa.createDomain({ name: 'corp' });
    const ctop = sa.createProject({ name: 'ctop', domain_id: d.id });
    sa.createProject({ name: 'ckid', parent_id: ctop.id, domain_id: d.id });
    sa.createGrant({ role: 'reader', user: 'uma', domain: 'corp', inherited: true });
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'ctop', project_domain: 'corp' })).toEqual(['reader']);
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'ckid', project_domain: 'corp' })).toEqual(['reader']);
    expect(tokenRoles(cloud, 'uma', 'pw', { domain: 'corp' })).toBeNull();
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'top' })).toBeNull();
  });

  it('a system grant cannot be inherited (400 naming inherited) and changes nothing', () => {
    const { cloud, sa } = tree(706);
    refused(cloud, () => sa.createGrant({ role: 'reader', user: 'uma', system: 'all', inherited: true }), { status: 400, field: 'inherited' });
  });

  it('deleting a project or a user removes the assignments on / of it', () => {
    const { sa, kid, grandkid, uma } = tree(707);
    sa.createGrant({ role: 'member', user: 'uma', project: grandkid.id });
    sa.createGrant({ role: 'member', user: 'uma', project: kid.id });
    sa.deleteProject(grandkid.id);
    expect(sa.listRoleAssignments({ user: 'uma' }).map((a) => a.scope.project?.id)).toEqual([kid.id]);
    sa.deleteUser(uma.id);
    expect(sa.listRoleAssignments({ project: kid.id })).toEqual([]);
  });

  it('emits identity.role_assignment.created / deleted with the role, actor and target', () => {
    const { cloud, sa, top, uma } = tree(708);
    const seen: unknown[] = [];
    cloud.events.on('identity.role_assignment.created', (n) => seen.push(n.payload));
    cloud.events.on('identity.role_assignment.deleted', (n) => seen.push(n.payload));
    const member = sa.getRole('member');
    sa.createGrant({ role: 'member', user: 'uma', project: 'top', inherited: true });
    sa.deleteGrant({ role: 'member', user: 'uma', project: 'top', inherited: true });
    expect(seen).toEqual([
      expect.objectContaining({ action: 'created', role: member.id, user: uma.id, project: top.id, inherited_to_projects: true }),
      expect.objectContaining({ action: 'deleted', role: member.id, user: uma.id, project: top.id, inherited_to_projects: true }),
    ]);
  });

  it('a domain-specific role expands into the global roles it implies, and never shows in a token itself', () => {
    const { cloud, sa } = tree(709);
    const d = sa.createDomain({ name: 'corp' });
    const p = sa.createProject({ name: 'cp', domain_id: d.id });
    const dr = sa.createRole({ name: 'corp_editor', domain_id: d.id });
    sa.createImpliedRole(dr.id, 'member');
    sa.createGrant({ role: dr.id, user: 'uma', project: p.id });
    expect(tokenRoles(cloud, 'uma', 'pw', { project: 'cp', project_domain: 'corp' })).toEqual(['member', 'reader']);
  });

  // Fixed (was a bug found by this suite): Keystone refuses a domain-specific role on a project of another domain with 403
  // DomainSpecificRoleMismatch (keystone/assignment/core.py create_grant); stacksim creates it.
  // Repro: d = createDomain({name:'corp'}); r = createRole({name:'x', domain_id:d.id});
  //        createGrant({role:r.id, user:'demo', project:'demo'}) -> succeeds (Keystone 403).
  it('Keystone: a domain-specific role cannot be granted on a project of another domain (403)', () => {
    const { cloud, sa } = tree(710);
    const d = sa.createDomain({ name: 'corp' });
    const dr = sa.createRole({ name: 'corp_editor', domain_id: d.id });
    refused(cloud, () => sa.createGrant({ role: dr.id, user: 'uma', project: 'top' }), { status: 403 });
  });

  // Fixed (was a bug found by this suite): Keystone refuses a domain-specific role in a system assignment with a 400
  // ValidationError (keystone/assignment/core.py create_system_grant_for_user/_group);
  // stacksim creates it.
  // Repro: createGrant({role: <domain role id>, user:'demo', system:'all'}) -> succeeds (Keystone 400).
  it('Keystone: a domain-specific role cannot be granted on the system (400)', () => {
    const { cloud, sa } = tree(711);
    const d = sa.createDomain({ name: 'corp' });
    const dr = sa.createRole({ name: 'corp_editor', domain_id: d.id });
    refused(cloud, () => sa.createGrant({ role: dr.id, user: 'uma', system: 'all' }), { status: 400 });
  });
});

describe('listRoleAssignments', () => {
  it('lists direct assignments with ids only, or with names under include_names', () => {
    const { sa, top, uma } = tree(721);
    sa.createGrant({ role: 'member', user: 'uma', project: 'top' });
    const member = sa.getRole('member');
    const links = { assignment: `/projects/${top.id}/users/${uma.id}/roles/${member.id}` };
    expect(sa.listRoleAssignments({ user: 'uma' })).toEqual([{ role: { id: member.id }, user: { id: uma.id }, scope: { project: { id: top.id } }, links }]);
    expect(sa.listRoleAssignments({ user: 'uma', include_names: true })).toEqual([
      {
        role: { id: member.id, name: 'member' },
        user: { id: uma.id, name: 'uma', domain: { id: 'default', name: 'Default' } },
        scope: { project: { id: top.id, name: 'top', domain: { id: 'default', name: 'Default' } } },
        links,
      },
    ]);
  });

  it('filters by user, group, project, domain, system, role and inherited', () => {
    const { sa, top, kid, uma } = tree(722);
    const g = sa.createGroup({ name: 'team' });
    sa.createGrant({ role: 'member', user: 'uma', project: 'top' });
    sa.createGrant({ role: 'reader', user: 'uma', project: 'top', inherited: true });
    sa.createGrant({ role: 'reader', group: 'team', project: 'kid' });
    sa.createGrant({ role: 'reader', user: 'uma', domain: 'Default' });
    sa.createGrant({ role: 'reader', user: 'uma', system: 'all' });
    const summary = (f: Parameters<typeof sa.listRoleAssignments>[0]) =>
      sa.listRoleAssignments({ ...f, include_names: true }).map((a) => `${a.user?.name ?? a.group?.name}:${a.role.name}@${a.scope.project?.name ?? a.scope.domain?.name ?? 'system'}${a.scope['OS-INHERIT:inherited_to'] ? '+inherited' : ''}`).sort();
    expect(summary({ user: uma.id })).toEqual(['uma:member@top', 'uma:reader@Default', 'uma:reader@system', 'uma:reader@top+inherited']);
    expect(summary({ group: g.id })).toEqual(['team:reader@kid']);
    expect(summary({ project: top.id })).toEqual(['uma:member@top', 'uma:reader@top+inherited']);
    expect(summary({ project: 'kid' })).toEqual(['team:reader@kid']);
    expect(summary({ domain: 'Default', user: 'uma' })).toEqual(['uma:reader@Default']);
    expect(summary({ system: 'all', user: 'uma' })).toEqual(['uma:reader@system']);
    expect(summary({ role: 'member', user: 'uma' })).toEqual(['uma:member@top']);
    expect(summary({ user: 'uma', inherited: true })).toEqual(['uma:reader@top+inherited']);
    expect(summary({ user: 'uma', inherited: false })).toEqual(['uma:member@top', 'uma:reader@Default', 'uma:reader@system']);
    void kid;
  });

  it('effective: groups become their members, inheritance lands on the projects below, implied roles are added', () => {
    const { sa, top, kid, grandkid, uma } = tree(723);
    sa.createGroup({ name: 'team' });
    sa.addUserToGroup('team', 'uma');
    sa.createGrant({ role: 'admin', group: 'team', project: 'top' });
    sa.createGrant({ role: 'anotherrole', user: 'uma', project: 'kid', inherited: true });
    const rows = sa.listRoleAssignments({ user: 'uma', effective: true, include_names: true });
    for (const a of rows) {
      expect(a.group).toBeUndefined();
      expect(a.user?.id).toBe(uma.id);
      expect(a.scope['OS-INHERIT:inherited_to']).toBeUndefined();
    }
    const got = rows.map((a) => `${a.role.name}@${a.scope.project?.name}`).sort();
    expect(got).toEqual(['admin@top', 'anotherrole@grandkid', 'member@top', 'reader@top']);
    // the role filter applies after the expansion: uma is an effective reader of top through admin
    expect(sa.listRoleAssignments({ effective: true, role: 'reader', project: top.id }).map((a) => a.user?.id)).toEqual([uma.id]);
    expect(sa.listRoleAssignments({ effective: true, project: kid.id, user: 'uma' })).toEqual([]);
    expect(sa.listRoleAssignments({ effective: true, project: grandkid.id }).map((a) => a.role.id)).toEqual([sa.getRole('anotherrole').id]);
  });

  it('include_subtree lists the assignments on a project and every project below it', () => {
    const { sa, top, kid, grandkid } = tree(724);
    sa.createGrant({ role: 'member', user: 'uma', project: top.id });
    sa.createGrant({ role: 'member', user: 'uma', project: kid.id });
    sa.createGrant({ role: 'reader', user: 'uma', project: grandkid.id });
    sa.createGrant({ role: 'reader', user: 'uma', project: 'demo' });
    const scopes = (id: string) => sa.listRoleAssignments({ project: id, include_subtree: true }).map((a) => a.scope.project?.id).sort();
    expect(scopes(top.id)).toEqual([top.id, kid.id, grandkid.id].sort());
    expect(scopes(kid.id)).toEqual([kid.id, grandkid.id].sort());
  });

  it('effective together with a group filter is a 400 (it would always be empty)', () => {
    const { cloud, sa } = tree(725);
    refused(cloud, () => sa.listRoleAssignments({ effective: true, group: 'admins' }), { status: 400 });
  });

  // Fixed (was a bug found by this suite): Keystone strips domain-specific roles from effective listings (they only serve to imply
  // other roles and never reach a token: keystone/assignment/core.py _strip_domain_roles);
  // stacksim lists them.
  // Repro: domain role dr implies member, granted to a user on a project of its domain;
  //        listRoleAssignments({effective:true, user}) -> includes dr (Keystone: member, reader only).
  it('Keystone: effective listings never show a domain-specific role', () => {
    const { sa } = tree(726);
    const d = sa.createDomain({ name: 'corp' });
    const p = sa.createProject({ name: 'cp', domain_id: d.id });
    const dr = sa.createRole({ name: 'corp_editor', domain_id: d.id });
    sa.createImpliedRole(dr.id, 'member');
    sa.createGrant({ role: dr.id, user: 'uma', project: p.id });
    expect(sa.listRoleAssignments({ user: 'uma', effective: true, include_names: true }).map((a) => a.role.name).sort()).toEqual(['member', 'reader']);
  });

  // Fixed (was a bug found by this suite): Keystone refuses filter combinations that make no sense with a 400 ValidationError
  // (keystone/api/role_assignments.py _assert_user_nand_group, _assert_domain_nand_project,
  // _assert_system_nand_project, _assert_system_nand_domain, _assert_effective_filters_if_needed);
  // stacksim answers an empty list.
  // Repro: cloud.systemAdmin.identity.listRoleAssignments({ user: 'demo', group: 'admins' }) -> [].
  it('Keystone: user+group, domain+project, system+project, system+domain and effective+inherited+domain are 400s', () => {
    const { cloud, sa } = tree(727);
    refused(cloud, () => sa.listRoleAssignments({ user: 'demo', group: 'admins' }), { status: 400 });
    refused(cloud, () => sa.listRoleAssignments({ domain: 'default', project: 'demo' }), { status: 400 });
    refused(cloud, () => sa.listRoleAssignments({ system: 'all', project: 'demo' }), { status: 400 });
    refused(cloud, () => sa.listRoleAssignments({ system: 'all', domain: 'default' }), { status: 400 });
    refused(cloud, () => sa.listRoleAssignments({ effective: true, inherited: true, domain: 'default' }), { status: 400 });
  });

  it('include_subtree without a project is a 400 naming the field', () => {
    const { cloud, sa } = tree(728);
    const e = refused(cloud, () => sa.listRoleAssignments({ include_subtree: true }), { status: 400 });
    expect(e.message).toContain('include_subtree');
    // as Keystone, a filter naming nothing matches nothing (and discloses nothing)
    for (const key of ['user', 'group', 'project', 'domain', 'role'] as const) expect(sa.listRoleAssignments({ [key]: 'nowhere' })).toEqual([]);
  });
});
