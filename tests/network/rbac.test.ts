/**
 * RBAC policies on networks through `session.network` (Zed's `neutron/db/rbac_db_mixin.py`,
 * `neutron/extensions/rbac.py`, `db_base_plugin_v2._validate_network_rbac_policy_change` and
 * `ensure_no_tenant_ports_on_network`, `neutron/conf/policies/rbac.py`): sharing a network with
 * one project, listing, retargeting and removing the entry, who may do so, duplicates, the
 * `rbac_policy` quota, and the 409 while the project that would lose access still has ports there.
 */
import { describe, it, expect } from 'vitest';
import { type Notification } from '../../src/index.js';
import { deepFrozen, networkWorld, type NetworkWorld } from './helpers.js';
import { caught, refused } from '../support/refusal.js';

const world = networkWorld;
type World = NetworkWorld;

/** A network of demo's with a subnet. */
function demoNet(w: World, name = 'n', cidr = '10.1.0.0/24'): string {
  const n = w.demo.network.createNetwork({ name }).id;
  w.demo.network.createSubnet({ network_id: n, cidr, ip_version: 4 });
  return n;
}

describe('RBAC policies on networks', () => {
  it("the owner shares a network with one project: it sees the network (shared for it only) and may use it", () => {
    const w = world(12601);
    const { cloud, demo, alt, admin, demoId, altId } = w;
    const n = demoNet(w);
    const created: Notification[] = [];
    cloud.events.on('rbac_policy.create.end', (e) => created.push(e));
    const pol = demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId });
    expect(pol).toEqual({ id: pol.id, project_id: demoId, tenant_id: demoId, object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId, target_project: altId });
    expect(deepFrozen(pol)).toBe(true);
    expect(created.map((e) => e.payload)).toEqual([{ rbac_policy: pol }]);
    // `target_project` is the new name of `target_tenant`
    const other = cloud.systemAdmin.identity.createProject({ name: 'third' }).id;
    expect(demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_project: other }).target_tenant).toBe(other);

    expect(alt.network.getNetwork(n).shared).toBe(true);
    expect(demo.network.getNetwork(n).shared).toBe(false);
    expect(admin.network.getNetwork(n).shared).toBe(false);
    expect(alt.network.createPort({ network_id: n }).network_id).toBe(n);

    expect(demo.network.listRbacPolicies({ object_id: n }).map((r) => r.target_tenant).sort()).toEqual([altId, other].sort());
    expect(admin.network.listRbacPolicies({ object_id: n, target_tenant: altId }).map((r) => r.id)).toEqual([pol.id]);
    expect(demo.network.getRbacPolicy(pol.id)).toEqual(pol);
    // the project it targets does not see the entry itself (it is demo's)
    refused(cloud, () => alt.network.getRbacPolicy(pol.id), { status: 404, code: 'network.rbac_policy.not_found' });
    expect(alt.network.listRbacPolicies()).toEqual([]);
  });

  it('a duplicate is 409 DuplicateRbacPolicy; a wildcard from a member is 403; bad bodies are 400s', () => {
    const w = world(12602);
    const { cloud, demo, admin, altId } = w;
    const n = demoNet(w);
    demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId });
    const dup = refused(cloud, () => demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId }), { status: 409, code: 'network.rbac_policy.duplicate', message: 'An RBAC policy already exists with those values.' });
    expect(dup.details.neutron).toBe('DuplicateRbacPolicy');
    refused(cloud, () => demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: '*' }), { status: 403, message: '(rule:create_rbac_policy and rule:create_rbac_policy:target_tenant) is disallowed by policy' });
    // an admin may share it with everyone; that is the network's `shared`
    admin.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: '*' });
    expect(demo.network.getNetwork(n).shared).toBe(true);
    for (const [body, field] of [
      [{ object_type: 'network', object_id: n, action: 'access_as_shared' }, 'target_project'],
      [{ object_type: 'router', object_id: n, action: 'access_as_shared', target_tenant: altId }, 'object_type'],
      [{ object_type: 'network', object_id: n, action: 'access_as_owner', target_tenant: altId }, 'action'],
      [{ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId, colour: 'red' }, 'colour'],
      [{ object_type: 'network', action: 'access_as_shared', target_tenant: altId }, 'object_id'],
    ] as const) {
      refused(cloud, () => demo.network.createRbacPolicy(body), { status: 400, field });
    }
  });

  it('only the owner or an admin: a project that cannot see the network is refused, nothing changes', () => {
    const w = world(12603);
    const { cloud, alt, admin, altId, adminProject } = w;
    const n = demoNet(w);
    // alt_demo cannot see demo's network at all: src answers 404 NotFound; Zed's callback raises
    // NetworkNotFound, which create_rbac_policy wraps as InvalidInput (400): either names the network
    const before = cloud.state;
    const e = caught(() => alt.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId }));
    expect([400, 404]).toContain(e.status);
    expect(e.message).toContain(`Network ${n} could not be found.`);
    expect(cloud.state).toBe(before);
    // an admin may share any network, and the entry is the admin project's unless told otherwise
    const pol = admin.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId });
    expect(pol.project_id).toBe(adminProject);
    expect(alt.network.getNetwork(n).shared).toBe(true);
  });

  // Zed: _validate_network_rbac_policy_change (BEFORE_CREATE) finds the network through the caller's
  // context (it is shared with alt_demo, so found) and raises InvalidInput "Only admins can
  // manipulate policies on networks they do not own"; rbac_db_mixin.create_rbac_policy turns the
  // CallbackFailure into InvalidInput: a 400. src/network/rbac.ts objectOwner answers 404 first.
  it("a project the network is shared with may not share it further: 400 'Only admins can manipulate policies on networks they do not own'", () => {
    const w = world(12604);
    const { cloud, demo, alt, altId } = w;
    const n = demoNet(w);
    demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId });
    const third = cloud.systemAdmin.identity.createProject({ name: 'third' }).id;
    refused(cloud, () => alt.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: third }), { status: 400, message: 'Only admins can manipulate policies on networks they do not own' });
  });

  it('delete while the target project has ports is 409 RbacPolicyInUse; once they are gone it goes, and so does the access', () => {
    const w = world(12605);
    const { cloud, demo, alt, altId } = w;
    const n = demoNet(w);
    const pol = demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId });
    const p = alt.network.createPort({ network_id: n });
    const e = refused(cloud, () => demo.network.deleteRbacPolicy(pol.id), { status: 409, code: 'network.rbac_policy.in_use', message: `RBAC policy on object ${n} cannot be removed because other objects depend on it.` });
    expect(e.details.neutron).toBe('RbacPolicyInUse');
    expect(e.message).toContain(`Unable to reconfigure sharing settings for network ${n}. Multiple tenants are using it.`);
    // demo's own ports never block it
    demo.network.createPort({ network_id: n });
    alt.network.deletePort(p.id);
    const deleted: Notification[] = [];
    cloud.events.on('rbac_policy.delete.end', (x) => deleted.push(x));
    demo.network.deleteRbacPolicy(pol.id);
    expect(deleted.map((x) => (x.payload as { rbac_policy_id: string }).rbac_policy_id)).toEqual([pol.id]);
    refused(cloud, () => demo.network.getRbacPolicy(pol.id), { status: 404 });
    refused(cloud, () => alt.network.getNetwork(n), { status: 404, code: 'network.network.not_found' });
  });

  it("a wildcard entry covers the project's ports: removing the specific entry is then allowed", () => {
    const w = world(12606);
    const { demo, alt, admin, altId } = w;
    const n = demoNet(w);
    const pol = demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId });
    alt.network.createPort({ network_id: n });
    admin.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: '*' });
    demo.network.deleteRbacPolicy(pol.id);
    expect(alt.network.getNetwork(n).shared).toBe(true);
  });

  it('update: a new target while the old one has ports is 409; without ports it moves the access', () => {
    const w = world(12607);
    const { cloud, demo, alt, altId } = w;
    const n = demoNet(w);
    const third = cloud.systemAdmin.identity.createProject({ name: 'third' }).id;
    const pol = demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId });
    const p = alt.network.createPort({ network_id: n });
    refused(cloud, () => demo.network.updateRbacPolicy(pol.id, { target_tenant: third }), { status: 409, code: 'network.rbac_policy.in_use' });
    alt.network.deletePort(p.id);
    const moved = demo.network.updateRbacPolicy(pol.id, { target_tenant: third });
    expect(moved).toMatchObject({ id: pol.id, target_tenant: third, target_project: third });
    refused(cloud, () => alt.network.getNetwork(n), { status: 404 });
    for (const attr of ['object_id', 'object_type', 'action']) {
      refused(cloud, () => demo.network.updateRbacPolicy(pol.id, { [attr]: 'x' }), { status: 400, message: `Cannot update read-only attribute ${attr}` });
    }
    refused(cloud, () => demo.network.updateRbacPolicy(pol.id, { target_tenant: '*' }), { status: 403 });
  });

  it("another project's entries are 404; a reader may look but not write (403)", () => {
    const w = world(12608);
    const { cloud, demo, alt, reader, altId } = w;
    const n = demoNet(w);
    const pol = demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: altId });
    for (const f of [() => alt.network.updateRbacPolicy(pol.id, { target_tenant: altId }), () => alt.network.deleteRbacPolicy(pol.id)]) {
      refused(cloud, f, { status: 404, code: 'network.rbac_policy.not_found' });
    }
    expect(reader.network.getRbacPolicy(pol.id).id).toBe(pol.id);
    refused(cloud, () => reader.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: cloud.systemAdmin.identity.getProject('admin').id }), { status: 403, message: 'rule:create_rbac_policy is disallowed by policy' });
    refused(cloud, () => reader.network.deleteRbacPolicy(pol.id), { status: 403 });
    refused(cloud, () => reader.network.updateRbacPolicy(pol.id, { target_tenant: altId }), { status: 403 });
  });

  it('the rbac_policy quota (10) counts the entries a project creates; the 11th is 409', () => {
    const w = world(12609);
    const { cloud, demo, demoId } = w;
    const n = demoNet(w);
    const sa = cloud.systemAdmin.identity;
    const targets = Array.from({ length: 11 }, (_, i) => sa.createProject({ name: `p${i}` }).id);
    for (const t of targets.slice(0, 10)) demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: t });
    expect(demo.network.getQuotaDetails(demoId).rbac_policy).toMatchObject({ limit: 10, used: 10 });
    refused(cloud, () => demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: targets[10]! }), { status: 409, message: "Quota exceeded for resources: ['rbac_policy']." });
    const one = demo.network.listRbacPolicies({ target_tenant: targets[0]! })[0]!;
    demo.network.deleteRbacPolicy(one.id);
    expect(demo.network.getQuotaDetails(demoId).rbac_policy.used).toBe(9);
    demo.network.createRbacPolicy({ object_type: 'network', object_id: n, action: 'access_as_shared', target_tenant: targets[10]! });
  });
});
