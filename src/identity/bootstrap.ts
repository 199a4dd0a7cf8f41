/**
 * The identity slice of a new cloud: what `keystone-manage bootstrap` creates (the `Default`
 * domain, the `reader` ⇐ `member` ⇐ `admin` roles, the `admin` project and user with admin on the
 * project and on the system, `RegionOne` and the identity endpoints), and DevStack's accounts
 * (`create_keystone_accounts` in DevStack's lib/keystone).
 */
import { emptyTable, getRow, type CloudState, type Tx } from '../core/index.js';
import { grant } from './assignments.js';
import { IDENTITY_DEFAULTS, type IdentityConfig } from './config.js';
import * as res from './resources.js';
import { DEFAULT_DOMAIN_ID, namedProjects, namedRoles, namedUsers } from './queries.js';
import type { IdentityState } from './types.js';

/** An empty identity slice with its configuration. */
export function initialIdentityState(config: IdentityConfig = IDENTITY_DEFAULTS): IdentityState & { config: IdentityConfig } {
  return {
    config,
    domains: emptyTable(),
    domain_names: emptyTable(),
    projects: emptyTable(),
    project_names: emptyTable(),
    project_children: emptyTable(),
    users: emptyTable(),
    user_names: emptyTable(),
    groups: emptyTable(),
    group_names: emptyTable(),
    group_users: emptyTable(),
    user_groups: emptyTable(),
    roles: emptyTable(),
    role_names: emptyTable(),
    implied_roles: emptyTable(),
    assignments: emptyTable(),
    application_credentials: emptyTable(),
    tokens: emptyTable(),
    revocations: emptyTable(),
    token_flush_at: null,
    regions: emptyTable(),
    services: emptyTable(),
    endpoints: emptyTable(),
  };
}

/** The public URL prefix of the controller, as DevStack serves every API under it. */
export const CONTROLLER_URL = 'http://controller';

function role(tx: Tx, name: string): string {
  const s = tx.draft as CloudState;
  return namedRoles.idOf(s, null, name) ?? res.createRole(tx, { name }).id;
}

/** `keystone-manage bootstrap`: Default domain, roles, admin project and user (RegionOne and the identity endpoints come from the descriptor's catalog). */
export function bootstrap(tx: Tx, adminPassword: string): void {
  res.createDomain(tx, { name: 'Default', description: 'The default domain' }, DEFAULT_DOMAIN_ID);
  const reader = role(tx, 'reader');
  const member = role(tx, 'member');
  const admin = role(tx, 'admin');
  const s = tx.draft as CloudState;
  const byId = (id: string) => getRow(s.identity.roles, id)!;
  res.createImpliedRole(tx, byId(member), byId(reader));
  res.createImpliedRole(tx, byId(admin), byId(member));
  const project = res.createProject(tx, { name: 'admin', description: 'Bootstrap project for initializing the cloud.' }, DEFAULT_DOMAIN_ID);
  const user = res.createUser(tx, { name: 'admin', password: adminPassword }, DEFAULT_DOMAIN_ID);
  grant(tx, { actor_type: 'user', actor_id: user.id, target_type: 'project', target_id: project.id, role_id: admin, inherited: false });
  grant(tx, { actor_type: 'user', actor_id: user.id, target_type: 'system', target_id: 'all', role_id: admin, inherited: false });
  tx.trace('keystone', 'bootstrap: Default domain, admin project and user, reader/member/admin roles, RegionOne');
}

/**
 * DevStack's accounts: the `service` project and role, `ResellerAdmin` and `anotherrole`,
 * projects `demo`, `alt_demo` and `invisible_to_admin`, users `demo`, `alt_demo` and
 * `demo_reader` (password as admin's), groups `admins` and `nonadmins`, and admin's roles on
 * `demo` and `alt_demo`.
 */
export function devstackAccounts(tx: Tx, password: string): void {
  const s = tx.draft as CloudState;
  const admin = role(tx, 'admin');
  const member = role(tx, 'member');
  const reader = role(tx, 'reader');
  role(tx, 'service');
  role(tx, 'ResellerAdmin');
  const another = role(tx, 'anotherrole');
  res.createProject(tx, { name: 'service', description: 'Service project (DevStack SERVICE_PROJECT_NAME)' }, DEFAULT_DOMAIN_ID);
  const invisible = res.createProject(tx, { name: 'invisible_to_admin' }, DEFAULT_DOMAIN_ID).id;
  const demo = res.createProject(tx, { name: 'demo' }, DEFAULT_DOMAIN_ID).id;
  const altDemo = res.createProject(tx, { name: 'alt_demo' }, DEFAULT_DOMAIN_ID).id;
  const adminUser = namedUsers.idOf(s, DEFAULT_DOMAIN_ID, 'admin')!;
  const adminProject = namedProjects.idOf(s, DEFAULT_DOMAIN_ID, 'admin')!;
  const demoUser = res.createUser(tx, { name: 'demo', password, email: 'demo@example.com' }, DEFAULT_DOMAIN_ID).id;
  const altUser = res.createUser(tx, { name: 'alt_demo', password, email: 'alt_demo@example.com' }, DEFAULT_DOMAIN_ID).id;
  const readerUser = res.createUser(tx, { name: 'demo_reader', password, email: 'demo_reader@example.com' }, DEFAULT_DOMAIN_ID).id;
  const g = (actor: string, target: string, role_id: string, actor_type: 'user' | 'group' = 'user', target_type: 'project' | 'domain' = 'project') =>
    grant(tx, { actor_type, actor_id: actor, target_type, target_id: target, role_id, inherited: false });
  g(adminUser, DEFAULT_DOMAIN_ID, admin, 'user', 'domain');
  g(demoUser, demo, member);
  g(adminUser, demo, admin);
  g(demoUser, demo, another);
  g(demoUser, invisible, member);
  g(altUser, altDemo, member);
  g(adminUser, altDemo, admin);
  g(altUser, altDemo, another);
  g(readerUser, demo, reader);
  const admins = res.createGroup(tx, { name: 'admins', description: 'openstack admin group' }, DEFAULT_DOMAIN_ID).id;
  const nonAdmins = res.createGroup(tx, { name: 'nonadmins', description: 'non-admin group' }, DEFAULT_DOMAIN_ID).id;
  g(nonAdmins, demo, member, 'group');
  g(nonAdmins, demo, another, 'group');
  g(nonAdmins, altDemo, member, 'group');
  g(nonAdmins, altDemo, another, 'group');
  g(admins, adminProject, admin, 'group');
  tx.trace('keystone', 'DevStack accounts: demo, alt_demo, demo_reader, invisible_to_admin, service');
}
