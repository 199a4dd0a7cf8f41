/**
 * Security groups and their rules through `session.network` (Neutron Zed's
 * `neutron/db/securitygroups_db.py` and `neutron/extensions/securitygroup.py`): the `default`
 * group (its four rules, created lazily, counted toward quota), a new group's two egress rules,
 * rule validation with Neutron's messages (the cases below were recorded by running Zed's own
 * converters and `SecurityGroupDbMixin` validators on each body), duplicates, groups in use,
 * quotas, isolation between projects, policy, notifications, and refusals that change nothing.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CloudError, createCloud, type Cloud, type Notification, type Session } from '../../src/index.js';
import { caught, refused } from '../support/refusal.js';

const PW = 'secret';

/** A DevStack cloud with cheap password hashing. */
function devstack(seed: number): Cloud {
  return createCloud({ seed, preset: 'devstack', identity: { password_hash_rounds: 1 } });
}

/** DevStack's users, each scoped to its project. */
function sessions(cloud: Cloud): { admin: Session; demo: Session; alt: Session; reader: Session } {
  return {
    admin: cloud.admin,
    demo: cloud.login({ username: 'demo', password: PW, project: 'demo' }),
    alt: cloud.login({ username: 'alt_demo', password: PW, project: 'alt_demo' }),
    reader: cloud.login({ username: 'demo_reader', password: PW, project: 'demo' }),
  };
}

function projectId(cloud: Cloud, name: string): string {
  return cloud.systemAdmin.identity.getProject(name).id;
}

/** A member of a brand-new project `name` (no security group yet). */
function newProject(cloud: Cloud, name: string): { session: Session; id: string } {
  const sa = cloud.systemAdmin.identity;
  const p = sa.createProject({ name });
  const u = sa.createUser({ name: `${name}-user`, password: 'pw' });
  sa.createGrant({ role: 'member', user: u.id, project: p.id });
  return { session: cloud.login({ username: `${name}-user`, password: 'pw', project: name }), id: p.id };
}

/** The caller's `default` group. */
function defaultGroup(s: Session): ReturnType<Session['network']['getSecurityGroup']> {
  const found = s.network.listSecurityGroups({ name: 'default' });
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The rules of a group as comparable tuples. */
function shape(rules: readonly { direction: string; ethertype: string; protocol: string | null; remote_group_id: string | null; remote_ip_prefix: string | null }[]): string[] {
  return rules.map((r) => `${r.direction} ${r.ethertype} ${r.protocol ?? 'any'} ${r.remote_group_id === null ? (r.remote_ip_prefix ?? 'anywhere') : 'group'}`).sort();
}

function quota(cloud: Cloud, project: string): { groups: number; rules: number } {
  const q = cloud.quotas.show(project, 'network');
  return { groups: q.security_group!.in_use, rules: q.security_group_rule!.in_use };
}

// ----------------------------------------------------------------------------- default group

describe('the default group', () => {
  it('every DevStack project has one: ingress v4/v6 from itself, egress v4/v6 anywhere, counted toward quota', () => {
    const cloud = devstack(12001);
    const { demo } = sessions(cloud);
    const before = cloud.state;
    const g = defaultGroup(demo);
    expect(cloud.state).toBe(before); // it already exists: the list is a pure read
    expect(g).toMatchObject({ name: 'default', description: 'Default security group', stateful: true, shared: false, tags: [], revision_number: 1, project_id: projectId(cloud, 'demo'), tenant_id: projectId(cloud, 'demo') });
    expect(shape(g.security_group_rules)).toEqual(['egress IPv4 any anywhere', 'egress IPv6 any anywhere', 'ingress IPv4 any group', 'ingress IPv6 any group']);
    for (const r of g.security_group_rules) {
      if (r.direction === 'ingress') expect(r.remote_group_id).toBe(g.id);
      expect(r).toMatchObject({ security_group_id: g.id, port_range_min: null, port_range_max: null, normalized_cidr: null, remote_address_group_id: null, revision_number: 0, tags: [] });
    }
    expect(quota(cloud, projectId(cloud, 'demo'))).toEqual({ groups: 1, rules: 4 });
  });

  it('a new project gets it on its first list of groups, once; of rules too', () => {
    const cloud = devstack(12002);
    const { session, id } = newProject(cloud, 'fresh');
    expect(quota(cloud, id)).toEqual({ groups: 0, rules: 0 });
    const first = session.network.listSecurityGroups();
    expect(first.map((g) => g.name)).toEqual(['default']);
    expect(first[0]!.security_group_rules).toHaveLength(4);
    expect(quota(cloud, id)).toEqual({ groups: 1, rules: 4 });
    const before = cloud.state;
    expect(session.network.listSecurityGroups()[0]!.id).toBe(first[0]!.id);
    expect(cloud.state).toBe(before);

    const other = newProject(cloud, 'fresh2');
    const rules = other.session.network.listSecurityGroupRules();
    expect(rules).toHaveLength(4);
    expect(new Set(rules.map((r) => r.security_group_id)).size).toBe(1);
  });

  it('its rules count toward security_group_rule: four that do not fit are a 409 on the list itself', () => {
    const cloud = devstack(12003);
    const { session, id } = newProject(cloud, 'tight');
    cloud.quotas.setLimit(id, 'network.security_group_rule', 3);
    refused(cloud, () => session.network.listSecurityGroups(), { status: 409, code: 'network.quota.exceeded', message: "Quota exceeded for resources: ['security_group_rule']." });
    cloud.quotas.setLimit(id, 'network.security_group_rule', 4);
    expect(session.network.listSecurityGroups()).toHaveLength(1);
    // the group itself is counted but not checked (Zed reserves only what the API is asked for)
    const zero = newProject(cloud, 'zero');
    cloud.quotas.setLimit(zero.id, 'network.security_group', 0);
    expect(zero.session.network.listSecurityGroups()).toHaveLength(1);
    expect(quota(cloud, zero.id)).toEqual({ groups: 1, rules: 4 });
  });

  it('an admin listing with a project filter creates that project\'s default group; a member may not (Bug 1987410)', () => {
    const cloud = devstack(12004);
    const { demo } = sessions(cloud);
    const p = newProject(cloud, 'later');
    const before = cloud.state;
    expect(demo.network.listSecurityGroups({ project_id: p.id })).toEqual([]);
    expect(cloud.state).toBe(before);
    cloud.admin.network.listSecurityGroups({ project_id: p.id });
    expect(quota(cloud, p.id)).toEqual({ groups: 1, rules: 4 });
  });

  it('may not be named, renamed to or deleted by a member; description changes are allowed; an admin may delete its own', () => {
    const cloud = devstack(12005);
    const { demo, admin } = sessions(cloud);
    const g = defaultGroup(demo);
    for (const name of ['default', 'Default', 'DEFAULT']) {
      const e = refused(cloud, () => demo.network.createSecurityGroup({ name }), { status: 409, code: 'network.security_group.default_exists', message: 'Default security group already exists.' });
      expect(e.details.neutron).toBe('SecurityGroupDefaultAlreadyExists');
    }
    refused(cloud, () => demo.network.updateSecurityGroup(g.id, { name: 'other' }), { status: 409, code: 'network.security_group.cannot_update_default', message: 'Updating default security group not allowed.' });
    refused(cloud, () => demo.network.deleteSecurityGroup(g.id), { status: 409, code: 'network.security_group.cannot_remove_default', message: 'Insufficient rights for removing default security group.' });
    expect(demo.network.updateSecurityGroup(g.id, { description: 'mine' })).toMatchObject({ name: 'default', description: 'mine', revision_number: 2 });

    const web = demo.network.createSecurityGroup({ name: 'web' });
    refused(cloud, () => demo.network.updateSecurityGroup(web.id, { name: 'default' }), { status: 409, code: 'network.security_group.default_exists' });

    const mine = defaultGroup(admin);
    admin.network.deleteSecurityGroup(mine.id);
    const again = defaultGroup(admin);
    expect(again.id).not.toBe(mine.id);
  });
});

// ------------------------------------------------------------------------------------ groups

describe('groups', () => {
  it('a new group has its two egress rules, revision 1, and sends security_group.create.end', () => {
    const cloud = devstack(12010);
    const { demo } = sessions(cloud);
    const seen: Notification[] = [];
    cloud.events.on('security_group.create.end', (n) => seen.push(n));
    const g = demo.network.createSecurityGroup({ name: 'web', description: 'http', stateful: 'false' });
    expect(g).toMatchObject({ name: 'web', description: 'http', stateful: false, shared: false, revision_number: 1, tags: [] });
    expect(shape(g.security_group_rules)).toEqual(['egress IPv4 any anywhere', 'egress IPv6 any anywhere']);
    expect(Object.isFrozen(g)).toBe(true);
    expect(Object.isFrozen(g.security_group_rules)).toBe(true);
    expect(Object.isFrozen(g.security_group_rules[0])).toBe(true);
    expect(seen.map((n) => n.payload)).toEqual([{ security_group: g }]);
    expect(quota(cloud, projectId(cloud, 'demo'))).toEqual({ groups: 2, rules: 6 });
    expect(demo.network.getSecurityGroup(g.id)).toEqual(g);
    expect(demo.network.getSecurityGroup('web').id).toBe(g.id);
  });

  it('creating a group in a project without a default group creates the default first', () => {
    const cloud = devstack(12011);
    const { session, id } = newProject(cloud, 'p1');
    session.network.createSecurityGroup({ name: 'x' });
    expect(session.network.listSecurityGroups({ sort_key: 'name' }).map((g) => g.name)).toEqual(['default', 'x']);
    expect(quota(cloud, id)).toEqual({ groups: 2, rules: 6 });
  });

  it('quota: the 11th group and rules that do not fit are Neutron 409s', () => {
    const cloud = devstack(12012);
    const { demo } = sessions(cloud);
    for (let i = 1; i < 10; i++) demo.network.createSecurityGroup({ name: `g${i}` });
    refused(cloud, () => demo.network.createSecurityGroup({ name: 'g10' }), { status: 409, code: 'network.quota.exceeded', message: "Quota exceeded for resources: ['security_group']." });
    const demoId = projectId(cloud, 'demo');
    cloud.quotas.setLimit(demoId, 'network.security_group', 20);
    cloud.quotas.setLimit(demoId, 'network.security_group_rule', quota(cloud, demoId).rules + 1);
    refused(cloud, () => demo.network.createSecurityGroup({ name: 'needs-two' }), { status: 409, message: "Quota exceeded for resources: ['security_group_rule']." });
    const g = defaultGroup(demo);
    demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22 });
    refused(cloud, () => demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress', protocol: 'tcp', port_range_min: 80, port_range_max: 80 }), { status: 409, code: 'network.quota.exceeded', message: "Quota exceeded for resources: ['security_group_rule']." });
  });

  it('update: name, description, stateful; read-only and unknown attributes are 400s; every update bumps the revision', () => {
    const cloud = devstack(12013);
    const { demo } = sessions(cloud);
    const g = demo.network.createSecurityGroup({ name: 'a' });
    const seen: Notification[] = [];
    cloud.events.on('security_group.update.end', (n) => seen.push(n));
    const u = demo.network.updateSecurityGroup(g.id, { name: 'a', stateful: 'no' });
    expect(u).toMatchObject({ name: 'a', stateful: false, revision_number: 2 });
    expect(seen.map((n) => n.payload)).toEqual([{ security_group: u }]);
    for (const [body, message] of [
      [{ tenant_id: projectId(cloud, 'demo') }, 'Cannot update read-only attribute tenant_id'],
      [{ tenant_id: 'other' }, "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges"],
      [{ id: 'x' }, 'Cannot update read-only attribute id'],
      [{ security_group_rules: [] }, 'Cannot update read-only attribute security_group_rules'],
      [{ shared: true }, 'Cannot update read-only attribute shared'],
      [{ foo: 1 }, "Unrecognized attribute(s) 'foo'"],
      [{ name: 5 }, "Invalid input for name. Reason: '5' is not a valid string."],
      [{ name: 'n'.repeat(256) }, 'exceeds maximum length of 255'],
      [{ description: null }, "Invalid input for description. Reason: 'None' is not a valid string."],
      [{ stateful: 'maybe' }, "Invalid input for stateful. Reason: 'maybe' cannot be converted to boolean."],
    ] as const) {
      const e = refused(cloud, () => demo.network.updateSecurityGroup(g.id, body as never), { status: 400, message });
      expect(typeof e.details.field).toBe('string');
    }
  });

  it('create: attributes Zed does not take on POST are 400s naming them', () => {
    const cloud = devstack(12014);
    const { demo } = sessions(cloud);
    for (const [body, message] of [
      [{ name: 'x', tags: ['a'] }, "Attribute 'tags' not allowed in POST"],
      [{ name: 'x', shared: true }, "Attribute 'shared' not allowed in POST"],
      [{ name: 'x', id: 'abc' }, "Attribute 'id' not allowed in POST"],
      [{ name: 'x', security_group_rules: [] }, "Attribute 'security_group_rules' not allowed in POST"],
      [{ name: 'x', foo: true }, "Unrecognized attribute(s) 'foo'"],
      [{ name: 'x', project_id: 'other' }, "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges"],
      [{ name: 'x', project_id: 'a', tenant_id: 'b' }, "'project_id' and 'tenant_id' do not match"],
    ] as const) {
      const e = refused(cloud, () => demo.network.createSecurityGroup(body as never), { status: 400, message });
      expect(e.details.neutron).toBe('HTTPBadRequest');
    }
    for (const bad of [null, 42, 'x', [], [{}]]) refused(cloud, () => demo.network.createSecurityGroup(bad as never), { status: 400 });
  });

  it('another project\'s group is a 404 to show, change, delete or add rules to; RBAC sharing lets it be a remote group', () => {
    const cloud = devstack(12015);
    const { demo, alt } = sessions(cloud);
    const g = demo.network.createSecurityGroup({ name: 'private-web' });
    refused(cloud, () => alt.network.getSecurityGroup(g.id), { status: 404, code: 'network.security_group.not_found' });
    refused(cloud, () => alt.network.getSecurityGroup('private-web'), { status: 404 });
    refused(cloud, () => alt.network.updateSecurityGroup(g.id, { description: 'x' }), { status: 404 });
    refused(cloud, () => alt.network.deleteSecurityGroup(g.id), { status: 404 });
    const e = refused(cloud, () => alt.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress' }), { status: 404, message: `Security group ${g.id} does not exist` });
    expect(e.details.neutron).toBe('SecurityGroupNotFound');
    expect(alt.network.listSecurityGroups().map((x) => x.id)).not.toContain(g.id);
    const altDefault = defaultGroup(alt);
    refused(cloud, () => alt.network.createSecurityGroupRule({ security_group_id: altDefault.id, direction: 'ingress', remote_group_id: g.id }), { status: 404 });
    const rule = g.security_group_rules[0]!;
    refused(cloud, () => alt.network.getSecurityGroupRule(rule.id), { status: 404, code: 'network.security_group_rule.not_found' });
    refused(cloud, () => alt.network.deleteSecurityGroupRule(rule.id), { status: 404 });

    demo.network.createRbacPolicy({ object_type: 'security_group', object_id: g.id, action: 'access_as_shared', target_tenant: projectId(cloud, 'alt_demo') });
    const r = alt.network.createSecurityGroupRule({ security_group_id: altDefault.id, direction: 'ingress', remote_group_id: g.id });
    expect(r.remote_group_id).toBe(g.id);
  });

  it('a reader may look but not create, change or delete (403)', () => {
    const cloud = devstack(12016);
    const { demo, reader } = sessions(cloud);
    const g = demo.network.createSecurityGroup({ name: 'r' });
    expect(reader.network.getSecurityGroup(g.id).id).toBe(g.id);
    refused(cloud, () => reader.network.createSecurityGroup({ name: 'mine' }), { status: 403, code: 'network.policy.forbidden' });
    refused(cloud, () => reader.network.updateSecurityGroup(g.id, { description: 'x' }), { status: 403 });
    refused(cloud, () => reader.network.deleteSecurityGroup(g.id), { status: 403 });
    refused(cloud, () => reader.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress' }), { status: 403 });
    refused(cloud, () => reader.network.deleteSecurityGroupRule(g.security_group_rules[0]!.id), { status: 403 });
  });

  it('a group a port uses may not be deleted nor change stateful (409 SecurityGroupInUse)', () => {
    const cloud = devstack(12017);
    const { demo } = sessions(cloud);
    const g = demo.network.createSecurityGroup({ name: 'used' });
    const net = demo.network.listNetworks({ name: 'private' })[0]!;
    const port = demo.network.createPort({ network_id: net.id, security_groups: [g.id] });
    const e = refused(cloud, () => demo.network.deleteSecurityGroup(g.id), { status: 409, code: 'network.security_group.in_use', message: `Security Group ${g.id} in use.` });
    expect(e.details.neutron).toBe('SecurityGroupInUse');
    refused(cloud, () => demo.network.updateSecurityGroup(g.id, { stateful: false }), { status: 409, code: 'network.security_group.in_use' });
    expect(demo.network.updateSecurityGroup(g.id, { stateful: true }).stateful).toBe(true);
    demo.network.deletePort(port.id);
    demo.network.deleteSecurityGroup(g.id);
    refused(cloud, () => demo.network.getSecurityGroup(g.id), { status: 404 });
  });

  it('deleting a group deletes its rules and other groups\' rules naming it, gives quota back, sends delete.end', () => {
    const cloud = devstack(12018);
    const { demo } = sessions(cloud);
    const demoId = projectId(cloud, 'demo');
    const a = demo.network.createSecurityGroup({ name: 'a' });
    const b = demo.network.createSecurityGroup({ name: 'b' });
    demo.network.createSecurityGroupRule({ security_group_id: b.id, direction: 'ingress', remote_group_id: a.id });
    expect(demo.network.getSecurityGroup(b.id).revision_number).toBe(2);
    expect(quota(cloud, demoId)).toEqual({ groups: 3, rules: 9 });
    const seen: Notification[] = [];
    cloud.events.on('security_group.delete.end', (n) => seen.push(n));
    const view = demo.network.getSecurityGroup(a.id);
    demo.network.deleteSecurityGroup(a.id);
    expect(seen.map((n) => n.payload)).toEqual([{ security_group_id: a.id, security_group: view }]);
    const after = demo.network.getSecurityGroup(b.id);
    expect(shape(after.security_group_rules)).toEqual(['egress IPv4 any anywhere', 'egress IPv6 any anywhere']);
    expect(after.revision_number).toBe(3);
    expect(quota(cloud, demoId)).toEqual({ groups: 2, rules: 6 });
    expect(demo.network.listSecurityGroupRules({ security_group_id: a.id })).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------- rules

/**
 * Bodies and what Zed answers, recorded by running Neutron's own code (the attribute converters
 * of `neutron/extensions/securitygroup.py`, then `SecurityGroupDbMixin._validate_security_group_rule`,
 * then `AuthenticIPNetwork` and the `IpProtocolEnum` field). `python`: Zed fails with that
 * Python exception (a 500); stacksim answers 400 naming it in `details.neutron`.
 */
const ZED: readonly { body: Record<string, unknown>; ok?: Record<string, unknown>; error?: { type: string; message: string; python?: boolean } }[] = [
  { body: { direction: 'ingress', protocol: 'TCP', port_range_min: '22', port_range_max: 22 }, ok: { protocol: 'tcp', port_range_min: 22, port_range_max: 22, ethertype: 'IPv4', remote_ip_prefix: null, normalized_cidr: null } },
  { body: { direction: 'ingress', protocol: 'tcp', port_range_min: 1, port_range_max: 65535 }, ok: { protocol: 'tcp', port_range_min: null, port_range_max: null, ethertype: 'IPv4', remote_ip_prefix: null, normalized_cidr: null } },
  { body: { direction: 'egress', protocol: 'icmp', ethertype: 'IPv6' }, ok: { protocol: 'ipv6-icmp', port_range_min: null, port_range_max: null, ethertype: 'IPv6', remote_ip_prefix: null, normalized_cidr: null } },
  { body: { direction: 'ingress', protocol: '1', ethertype: 'ipv6' }, ok: { protocol: '58', port_range_min: null, port_range_max: null, ethertype: 'IPv6', remote_ip_prefix: null, normalized_cidr: null } },
  { body: { direction: 'ingress', protocol: 'icmp', port_range_min: 8, port_range_max: 0 }, ok: { protocol: 'icmp', port_range_min: 8, port_range_max: 0, ethertype: 'IPv4', remote_ip_prefix: null, normalized_cidr: null } },
  { body: { direction: 'ingress', protocol: 17, remote_ip_prefix: '10.0.0.1/24' }, ok: { protocol: '17', port_range_min: null, port_range_max: null, ethertype: 'IPv4', remote_ip_prefix: '10.0.0.1/24', normalized_cidr: '10.0.0.0/24' } },
  { body: { direction: 'ingress', remote_ip_prefix: '10/8' }, ok: { protocol: null, port_range_min: null, port_range_max: null, ethertype: 'IPv4', remote_ip_prefix: '10.0.0.0/8', normalized_cidr: '10.0.0.0/8' } },
  { body: { direction: 'ingress', remote_ip_prefix: '2001:DB8::1/64', ethertype: 'IPv6' }, ok: { protocol: null, port_range_min: null, port_range_max: null, ethertype: 'IPv6', remote_ip_prefix: '2001:db8::1/64', normalized_cidr: '2001:db8::/64' } },
  { body: { direction: 'ingress', remote_ip_prefix: '192.168.0.0/255.255.0.0' }, ok: { protocol: null, port_range_min: null, port_range_max: null, ethertype: 'IPv4', remote_ip_prefix: '192.168.0.0/16', normalized_cidr: '192.168.0.0/16' } },
  { body: { direction: 'ingress', remote_ip_prefix: '' }, ok: { protocol: null, port_range_min: null, port_range_max: null, ethertype: 'IPv4', remote_ip_prefix: null, normalized_cidr: null } },
  { body: { direction: 'ingress', protocol: 'vrrp' }, ok: { protocol: 'vrrp', port_range_min: null, port_range_max: null, ethertype: 'IPv4', remote_ip_prefix: null, normalized_cidr: null } },
  { body: { direction: 'up' }, error: { type: 'HTTPBadRequest', message: 'Invalid input for direction. Reason: up is not in valid_values.' } },
  { body: { direction: null }, error: { type: 'HTTPBadRequest', message: 'Invalid input for direction. Reason: None is not in valid_values.' } },
  { body: { direction: 'ingress', protocol: 'foo' }, error: { type: 'SecurityGroupRuleInvalidProtocol', message: "Security group rule protocol foo not supported. Only protocol values [None, 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ip', 'ipip', 'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp', 'udp', 'udplite', 'vrrp'] and integer representations [0 to 255] are supported." } },
  { body: { direction: 'ingress', protocol: 256 }, error: { type: 'SecurityGroupRuleInvalidProtocol', message: "Security group rule protocol 256 not supported. Only protocol values [None, 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ip', 'ipip', 'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp', 'udp', 'udplite', 'vrrp'] and integer representations [0 to 255] are supported." } },
  { body: { direction: 'ingress', protocol: '' }, error: { type: 'SecurityGroupRuleInvalidProtocol', message: "Security group rule protocol  not supported. Only protocol values [None, 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ip', 'ipip', 'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp', 'udp', 'udplite', 'vrrp'] and integer representations [0 to 255] are supported." } },
  { body: { direction: 'ingress', port_range_min: 'x', protocol: 'tcp' }, error: { type: 'SecurityGroupInvalidPortValue', message: 'Invalid value for port x' } },
  { body: { direction: 'ingress', port_range_min: 65536, protocol: 'tcp' }, error: { type: 'SecurityGroupInvalidPortValue', message: 'Invalid value for port 65536' } },
  { body: { direction: 'ingress', port_range_min: -1, protocol: 'tcp' }, error: { type: 'SecurityGroupInvalidPortValue', message: 'Invalid value for port -1' } },
  { body: { direction: 'ingress', port_range_min: [80], protocol: 'tcp' }, error: { type: 'SecurityGroupInvalidPortValue', message: 'Invalid value for port [80]' } },
  { body: { direction: 'ingress', ethertype: 'IPv5' }, error: { type: 'SecurityGroupRuleInvalidEtherType', message: "Security group rule for ethertype 'IPv5' not supported. Allowed values are ['IPv4', 'IPv6']." } },
  { body: { direction: 'ingress', ethertype: null }, error: { type: 'SecurityGroupRuleInvalidEtherType', message: "Security group rule for ethertype 'None' not supported. Allowed values are ['IPv4', 'IPv6']." } },
  { body: { direction: 'ingress', remote_ip_prefix: '10.0.0.0/33' }, error: { type: 'InvalidCIDR', message: 'Invalid CIDR 10.0.0.0/33 given as IP prefix.' } },
  { body: { direction: 'ingress', remote_ip_prefix: 'foo' }, error: { type: 'InvalidCIDR', message: 'Invalid CIDR foo given as IP prefix.' } },
  { body: { direction: 'ingress', remote_ip_prefix: '10.0.0.0/24/24' }, error: { type: 'InvalidCIDR', message: 'Invalid CIDR 10.0.0.0/24/24 given as IP prefix.' } },
  { body: { direction: 'ingress', remote_ip_prefix: 42 }, error: { type: 'InvalidCIDR', message: 'Invalid CIDR 42 given as IP prefix.' } },
  { body: { direction: 'ingress', port_range_min: 22, port_range_max: 22 }, error: { type: 'SecurityGroupProtocolRequiredWithPorts', message: 'Must also specify protocol if port range is given.' } },
  { body: { direction: 'ingress', protocol: 'udp', port_range_min: 0, port_range_max: 10 }, error: { type: 'SecurityGroupInvalidPortValue', message: 'Invalid value for port 0' } },
  { body: { direction: 'ingress', protocol: 'udp', port_range_min: 100, port_range_max: 10 }, error: { type: 'SecurityGroupInvalidPortRange', message: 'For TCP/UDP protocols, port_range_min must be <= port_range_max' } },
  { body: { direction: 'ingress', protocol: 'sctp', port_range_min: 100 }, error: { type: 'SecurityGroupInvalidPortRange', message: 'For TCP/UDP protocols, port_range_min must be <= port_range_max' } },
  { body: { direction: 'ingress', protocol: 'icmp', port_range_min: 256 }, error: { type: 'SecurityGroupInvalidIcmpValue', message: 'Invalid value for ICMP type (port_range_min) 256. It must be 0 to 255.' } },
  { body: { direction: 'ingress', protocol: 'icmp', port_range_min: 0, port_range_max: 300 }, error: { type: 'SecurityGroupInvalidIcmpValue', message: 'Invalid value for ICMP code (port_range_max) 300. It must be 0 to 255.' } },
  { body: { direction: 'ingress', protocol: 'icmp', port_range_max: 0 }, error: { type: 'SecurityGroupMissingIcmpType', message: 'ICMP code (port-range-max) 0 is provided but ICMP type (port-range-min) is missing.' } },
  { body: { direction: 'ingress', protocol: 'gre', port_range_min: 1, port_range_max: 2 }, error: { type: 'SecurityGroupInvalidProtocolForPort', message: 'Ports cannot be specified for protocol 47. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE.' } },
  { body: { direction: 'ingress', protocol: 'tcp', port_range_min: 80, remote_ip_prefix: '::/0' }, error: { type: 'SecurityGroupInvalidPortRange', message: 'For TCP/UDP protocols, port_range_min must be <= port_range_max' } },
  { body: { direction: 'ingress', protocol: 'tcp', remote_ip_prefix: '::/0' }, error: { type: 'SecurityGroupRuleParameterConflict', message: 'Conflicting value ethertype IPv4 for CIDR ::/0' } },
  { body: { direction: 'ingress', protocol: 'ipv6-icmp' }, error: { type: 'SecurityGroupEthertypeConflictWithProtocol', message: 'Invalid ethertype IPv4 for protocol ipv6-icmp.' } },
  { body: { direction: 'ingress', protocol: '58', ethertype: 'IPv4' }, error: { type: 'SecurityGroupEthertypeConflictWithProtocol', message: 'Invalid ethertype IPv4 for protocol 58.' } },
  { body: { direction: 'ingress', protocol: 'icmpv6' }, error: { type: 'SecurityGroupEthertypeConflictWithProtocol', message: 'Invalid ethertype IPv4 for protocol icmpv6.' } },
  { body: { direction: 'ingress', remote_ip_prefix: '10.0.0.0/8', remote_group_id: 'GROUP' }, error: { type: 'SecurityGroupMultipleRemoteEntites', message: 'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.' } },
  { body: { direction: 'ingress', protocol: '06' }, error: { type: 'ValueError', message: 'Field value 06 is invalid', python: true } },
  { body: { direction: 'ingress', protocol: true }, error: { type: 'ValueError', message: 'Field value True is invalid', python: true } },
  { body: { direction: 'ingress', protocol: { p: 6 } }, error: { type: 'AttributeError', message: "'dict' object has no attribute 'lower'", python: true } },
  { body: { direction: 'ingress', protocol: 'tcp', port_range_min: Infinity }, error: { type: 'OverflowError', message: 'cannot convert float infinity to integer', python: true } },
];

describe('rules', () => {
  it(`${ZED.length} bodies answer as Zed's own code does: the stored rule, or the error with Neutron's class and message`, () => {
    const cloud = devstack(12020);
    const { demo } = sessions(cloud);
    const demoId = projectId(cloud, 'demo');
    cloud.quotas.setLimit(demoId, 'network.security_group', -1);
    cloud.quotas.setLimit(demoId, 'network.security_group_rule', -1);
    const mismatches: unknown[] = [];
    for (const c of ZED) {
      const g = demo.network.createSecurityGroup({ name: 'case' });
      const body = { ...c.body, security_group_id: g.id, ...(c.body.remote_group_id === 'GROUP' ? { remote_group_id: g.id } : {}) };
      const before = cloud.state;
      try {
        const r = demo.network.createSecurityGroupRule(body);
        const got = { protocol: r.protocol, port_range_min: r.port_range_min, port_range_max: r.port_range_max, ethertype: r.ethertype, remote_ip_prefix: r.remote_ip_prefix, normalized_cidr: r.normalized_cidr };
        if (c.ok === undefined || JSON.stringify(got) !== JSON.stringify(c.ok)) mismatches.push({ body: c.body, want: c.error ?? c.ok, got });
      } catch (e) {
        if (!(e instanceof CloudError)) throw e;
        const want = c.error;
        const same = want !== undefined && cloud.state === before && e.status === 400 && e.details.neutron === want.type && (want.python === true || e.message === want.message) && typeof e.details.field === 'string';
        if (!same) mismatches.push({ body: c.body, want: want ?? c.ok, got: { status: e.status, neutron: e.details.neutron, message: e.message, field: e.details.field } });
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('a rule shows Zed\'s attributes, bumps its group\'s revision, and notifies on create and delete', () => {
    const cloud = devstack(12021);
    const { demo } = sessions(cloud);
    const g = demo.network.createSecurityGroup({ name: 'web' });
    const events: string[] = [];
    cloud.events.on('*', (n) => { if (n.event_type.startsWith('security_group_rule.')) events.push(n.event_type); });
    const r = demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress', protocol: 'tcp', port_range_min: 80, port_range_max: 80, remote_ip_prefix: '0.0.0.0/0', description: 'http' });
    expect(Object.keys(r).sort()).toEqual(['created_at', 'description', 'direction', 'ethertype', 'id', 'normalized_cidr', 'port_range_max', 'port_range_min', 'project_id', 'protocol', 'remote_address_group_id', 'remote_group_id', 'remote_ip_prefix', 'revision_number', 'security_group_id', 'tenant_id', 'updated_at']);
    expect(r).toMatchObject({ description: 'http', revision_number: 0, remote_ip_prefix: '0.0.0.0/0', normalized_cidr: '0.0.0.0/0' });
    expect(Object.isFrozen(r)).toBe(true);
    expect(demo.network.getSecurityGroupRule(r.id)).toEqual(r);
    expect(demo.network.getSecurityGroup(g.id).revision_number).toBe(2);
    expect(demo.network.listSecurityGroupRules({ security_group_id: g.id, protocol: 'TCP' }).map((x) => x.id)).toEqual([r.id]);
    demo.network.deleteSecurityGroupRule(r.id);
    expect(demo.network.getSecurityGroup(g.id).revision_number).toBe(3);
    refused(cloud, () => demo.network.getSecurityGroupRule(r.id), { status: 404, code: 'network.security_group_rule.not_found' });
    expect(events).toEqual(['security_group_rule.create.end', 'security_group_rule.delete.end']);
  });

  it('duplicates are 409 SecurityGroupRuleExists naming the rule: protocol by name or number, any address as none', () => {
    const cloud = devstack(12022);
    const { demo } = sessions(cloud);
    const g = demo.network.createSecurityGroup({ name: 'dup' });
    const egress4 = g.security_group_rules.find((r) => r.ethertype === 'IPv4')!;
    const exists = (id: string): { status: number; code: string; message: string } => ({ status: 409, code: 'network.security_group_rule.exists', message: `Security group rule already exists. Rule id is ${id}.` });
    refused(cloud, () => demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'egress' }), exists(egress4.id));
    refused(cloud, () => demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'egress', remote_ip_prefix: '0.0.0.0/0' }), exists(egress4.id));
    refused(cloud, () => demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'egress', ethertype: 'ipv4', port_range_min: 1, port_range_max: 65535, protocol: null }), exists(egress4.id));
    const ssh = demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22 });
    refused(cloud, () => demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress', protocol: '6', port_range_min: '22', port_range_max: 22 }), exists(ssh.id));
    const ping6 = demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress', ethertype: 'IPv6', protocol: 'icmpv6' });
    expect(ping6.protocol).toBe('ipv6-icmp');
    refused(cloud, () => demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress', ethertype: 'IPv6', protocol: '58' }), exists(ping6.id));
    // a prefix with host bits is its own rule, as Zed compares the prefix as given
    demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress', remote_ip_prefix: '10.0.0.0/24' });
    expect(demo.network.createSecurityGroupRule({ security_group_id: g.id, direction: 'ingress', remote_ip_prefix: '10.0.0.1/24' }).normalized_cidr).toBe('10.0.0.0/24');
  });

  it('body checks: required, not-POSTable and unknown attributes, remote ids, project', () => {
    const cloud = devstack(12023);
    const { demo, admin } = sessions(cloud);
    const g = defaultGroup(demo);
    for (const [body, status, message] of [
      [{ direction: 'ingress' }, 400, "Failed to parse request. Required attribute 'security_group_id' not specified"],
      [{ security_group_id: g.id }, 400, "Failed to parse request. Required attribute 'direction' not specified"],
      [{ security_group_id: g.id, direction: 'ingress', tags: [] }, 400, "Unrecognized attribute(s) 'tags'"],
      [{ security_group_id: g.id, direction: 'ingress', normalized_cidr: '10.0.0.0/8' }, 400, "Attribute 'normalized_cidr' not allowed in POST"],
      [{ security_group_id: g.id, direction: 'ingress', id: 'x' }, 400, "Attribute 'id' not allowed in POST"],
      [{ security_group_id: 5, direction: 'ingress' }, 400, "Invalid input for security_group_id. Reason: '5' is not a valid string."],
      [{ security_group_id: 'x'.repeat(37), direction: 'ingress' }, 400, 'exceeds maximum length of 36'],
      [{ security_group_id: 'nope', direction: 'ingress' }, 404, 'Security group nope does not exist'],
      [{ security_group_id: g.id, direction: 'ingress', remote_group_id: 'nope' }, 404, 'Security group nope does not exist'],
      [{ security_group_id: g.id, direction: 'ingress', remote_address_group_id: 'nope' }, 404, 'Address group nope could not be found.'],
      [{ security_group_id: g.id, direction: 'ingress', remote_group_id: ['x'] }, 400, 'remote_group_id'],
      [{ security_group_id: g.id, direction: 'ingress', tenant_id: 'other' }, 400, "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges"],
      [{ security_group_id: g.id, direction: 'ingress', description: 7 }, 400, "Invalid input for description. Reason: '7' is not a valid string."],
    ] as const) {
      refused(cloud, () => demo.network.createSecurityGroupRule(body as never), { status, message });
    }
    // an admin may add a rule to a group it can see: the rule is the admin's project's
    const adminDefault = defaultGroup(admin);
    const r = admin.network.createSecurityGroupRule({ security_group_id: adminDefault.id, direction: 'ingress', protocol: 'udp' });
    expect(r.project_id).toBe(projectId(cloud, 'admin'));
  });

  it('a rule of the group owner\'s project: the member may see and delete it; another project\'s rule in its group is 403 to delete', () => {
    const cloud = devstack(12024);
    const { demo, alt } = sessions(cloud);
    const altId = projectId(cloud, 'alt_demo');
    const shared = alt.network.createSecurityGroup({ name: 'shared' });
    alt.network.createRbacPolicy({ object_type: 'security_group', object_id: shared.id, action: 'access_as_shared', target_tenant: projectId(cloud, 'demo') });
    // Zed lets a project whose queries see the group (RBAC) add a rule of its own to it
    const rule = demo.network.createSecurityGroupRule({ security_group_id: shared.id, direction: 'ingress', protocol: 'tcp', port_range_min: 1, port_range_max: 2 });
    expect(rule.project_id).toBe(projectId(cloud, 'demo'));
    expect(alt.network.getSecurityGroupRule(rule.id).id).toBe(rule.id); // sg_owner
    refused(cloud, () => alt.network.deleteSecurityGroupRule(rule.id), { status: 403 });
    expect(quota(cloud, altId).rules).toBe(6);
    demo.network.deleteSecurityGroupRule(rule.id);
    expect(quota(cloud, projectId(cloud, 'demo')).rules).toBe(4);
  });

  it(`random rule bodies: only 4xx CloudErrors, a refused call changes nothing, no two rules of a group alike (seed 1212)`, () => {
    const cloud = devstack(12025);
    const { demo } = sessions(cloud);
    const demoId = projectId(cloud, 'demo');
    cloud.quotas.setLimit(demoId, 'network.security_group', -1);
    cloud.quotas.setLimit(demoId, 'network.security_group_rule', -1);
    const pick = (...xs: unknown[]): fc.Arbitrary<unknown> => fc.constantFrom(...xs);
    const anything = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer({ min: -3, max: 70000 }), fc.double(), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant([]), fc.constant({ a: 1 }));
    const mostly = (good: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: anything, weight: 1 });
    const body = fc.record({
      direction: mostly(pick('ingress', 'egress')),
      protocol: mostly(pick(undefined, undefined, null, 'tcp', 'TCP', 'udp', 'icmp', 'icmpv6', 'ipv6-icmp', '6', '17', '1', '58', 'gre', '0', 'sctp', 6, 1, 58)),
      port_range_min: mostly(pick(undefined, undefined, undefined, null, 0, 1, 22, 80, 255, 65535, '22')),
      port_range_max: mostly(pick(undefined, undefined, undefined, null, 0, 22, 80, 255, 65535, '80')),
      ethertype: mostly(pick(undefined, 'IPv4', 'IPv6', 'ipv6')),
      remote_ip_prefix: mostly(pick(undefined, undefined, null, '0.0.0.0/0', '::/0', '10.0.0.0/8', '10.0.0.1/8', '2001:db8::/64', '10/8')),
      remote_group_id: mostly(pick(undefined, undefined, undefined, 'SELF', 'nope')),
    }, { requiredKeys: ['direction'] });
    const protoNumber: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', 'ipv6-icmp': '58', gre: '47', sctp: '132', ip: '0' };
    const keyOf = (r: { direction: string; ethertype: string; protocol: string | null; port_range_min: number | null; port_range_max: number | null; remote_group_id: string | null; remote_ip_prefix: string | null }): string =>
      JSON.stringify([r.direction, r.ethertype, r.protocol === null ? null : protoNumber[r.protocol] ?? r.protocol, r.port_range_min, r.port_range_max, r.remote_group_id, r.remote_ip_prefix === '0.0.0.0/0' || r.remote_ip_prefix === '::/0' ? null : r.remote_ip_prefix]);
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 12 }), (bodies) => {
        const g = demo.network.createSecurityGroup({ name: 'prop' });
        for (const b of bodies) {
          const input = { ...b, security_group_id: g.id, ...(b.remote_group_id === 'SELF' ? { remote_group_id: g.id } : {}) };
          const before = cloud.state;
          try {
            demo.network.createSecurityGroupRule(input as never);
          } catch (e) {
            expect(e).toBeInstanceOf(CloudError);
            const c = e as CloudError;
            expect(c.status >= 400 && c.status < 500, `${c.status} ${c.message}`).toBe(true);
            expect(cloud.state).toBe(before);
          }
        }
        const keys = demo.network.getSecurityGroup(g.id).security_group_rules.map(keyOf);
        accepted += keys.length - 2;
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { seed: 1212, numRuns: 60 },
    );
    expect(accepted).toBeGreaterThan(20); // the generator does reach the duplicate check
  });
});

describe('bad input of any shape', () => {
  it('references and queries: 4xx naming the field, never a TypeError, state unchanged', () => {
    const cloud = devstack(12030);
    const { demo } = sessions(cloud);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const values: unknown[] = [undefined, null, 42, NaN, '', 'x'.repeat(300), {}, [], cyclic, Object.create(null), JSON.parse('{"__proto__": {"x": 1}}'), 10n];
    for (const v of values) {
      for (const call of [
        () => demo.network.getSecurityGroup(v as never),
        () => demo.network.updateSecurityGroup(v as never, { description: 'x' }),
        () => demo.network.deleteSecurityGroup(v as never),
        () => demo.network.getSecurityGroupRule(v as never),
        () => demo.network.deleteSecurityGroupRule(v as never),
        () => demo.network.createSecurityGroup(v as never),
        () => demo.network.createSecurityGroupRule(v as never),
        () => demo.network.createSecurityGroup({ name: v, description: v } as never),
        () => demo.network.createSecurityGroupRule({ security_group_id: defaultGroup(demo).id, direction: 'ingress', protocol: v, port_range_min: v, remote_ip_prefix: v, ethertype: v } as never),
      ]) {
        const before = cloud.state;
        let e: CloudError | undefined;
        try {
          call();
        } catch (x) {
          e = caught(() => { throw x; });
        }
        if (e !== undefined) {
          expect(e.status >= 400 && e.status < 500, `${e.status} ${e.message}`).toBe(true);
          expect(cloud.state).toBe(before);
        }
      }
    }
    for (const q of [null, 5, 'x', { protocol: 'bogus' }, { stateful: 'true' }, { sort_key: 'nope' }]) {
      const e = caught(() => (q !== null && typeof q === 'object' && 'protocol' in q ? demo.network.listSecurityGroupRules(q as never) : demo.network.listSecurityGroups(q as never)));
      expect(e.status).toBe(400);
    }
  });
});
