/**
 * Neutron's quotas through `session.network` (Zed's `neutron/conf/quota.py` defaults,
 * `neutron/extensions/quotasv2.py` `QuotaSetsController` show / update / delete with its
 * `get_quota` / `update_quota` / `delete_quota` policies, `neutron/extensions/quotasv2_detail.py`
 * details with `AdminRequired`, and `OverQuota` "Quota exceeded for resources: ['port']."):
 * defaults, usage counted as resources come and go, limits changed and reset by an admin, every
 * refusal leaving `cloud.state` the very same object.
 */
import { describe, it, expect } from 'vitest';

import { deepFrozen, networkWorld } from './helpers.js';
import { refused } from '../support/refusal.js';

const world = networkWorld;

/** Zed's `[quotas]` defaults (neutron/conf/quota.py). */
const DEFAULTS = { network: 100, subnet: 100, port: 500, router: 10, floatingip: 50, security_group: 10, security_group_rule: 100, rbac_policy: 10 };

describe('quotas', () => {
  it("are Neutron's defaults, for a project's own member and for an admin", () => {
    const { admin, demo, reader, demoId, altId } = world(12501);
    const q = demo.network.getQuota(demoId);
    expect(q).toEqual(DEFAULTS);
    expect(deepFrozen(q)).toBe(true);
    expect(reader.network.getQuota(demoId)).toEqual(DEFAULTS);
    expect(admin.network.getQuota(altId)).toEqual(DEFAULTS);
  });

  it('details: limit, used and reserved; use follows what the project creates and deletes', () => {
    const { demo, demoId } = world(12502);
    const d0 = demo.network.getQuotaDetails(demoId);
    expect(Object.keys(d0).sort()).toEqual(Object.keys(DEFAULTS).sort());
    for (const [k, limit] of Object.entries(DEFAULTS)) expect(d0[k as keyof typeof DEFAULTS]).toMatchObject({ limit, reserved: 0 });
    // DevStack gave demo `private`, its two subnets, router1 and its default group with four rules
    expect(d0.network.used).toBe(1);
    expect(d0.subnet.used).toBe(2);
    expect(d0.router.used).toBe(1);
    expect(d0.security_group.used).toBe(1);
    expect(d0.security_group_rule.used).toBe(4);

    const n = demo.network.createNetwork({ name: 'q' });
    const s = demo.network.createSubnet({ network_id: n.id, cidr: '10.9.0.0/24', ip_version: 4, enable_dhcp: false });
    const p = demo.network.createPort({ network_id: n.id });
    const d1 = demo.network.getQuotaDetails(demoId);
    expect([d1.network.used, d1.subnet.used, d1.port.used]).toEqual([d0.network.used + 1, d0.subnet.used + 1, d0.port.used + 1]);
    demo.network.deletePort(p.id);
    demo.network.deleteSubnet(s.id);
    demo.network.deleteNetwork(n.id);
    expect(demo.network.getQuotaDetails(demoId)).toEqual(d0);
  });

  it("over quota is 409 \"Quota exceeded for resources: ['port'].\" and changes nothing; a reset gives the defaults back", () => {
    const { cloud, admin, demo, demoId } = world(12503);
    const n = demo.network.createNetwork({ name: 'q' });
    demo.network.createSubnet({ network_id: n.id, cidr: '10.10.0.0/24', ip_version: 4 });
    const used = demo.network.getQuotaDetails(demoId).port.used;
    const set = admin.network.updateQuota(demoId, { port: used + 1 });
    expect(set).toEqual({ ...DEFAULTS, port: used + 1 });
    demo.network.createPort({ network_id: n.id });
    const e = refused(cloud, () => demo.network.createPort({ network_id: n.id }), { status: 409, code: 'network.quota.exceeded', message: "Quota exceeded for resources: ['port']." });
    expect(e.details.neutron).toBe('OverQuota');
    // the same for networks and subnets
    admin.network.updateQuota(demoId, { network: demo.network.getQuotaDetails(demoId).network.used, subnet: demo.network.getQuotaDetails(demoId).subnet.used });
    refused(cloud, () => demo.network.createNetwork({ name: 'one-more' }), { status: 409, message: "Quota exceeded for resources: ['network']." });
    refused(cloud, () => demo.network.createSubnet({ network_id: n.id, cidr: '10.11.0.0/24', ip_version: 4 }), { status: 409, message: "Quota exceeded for resources: ['subnet']." });
    // a limit of 0 and -1 (unlimited)
    admin.network.updateQuota(demoId, { router: 0, port: -1 });
    refused(cloud, () => demo.network.createRouter({ name: 'r' }), { status: 409, message: "Quota exceeded for resources: ['router']." });
    demo.network.createPort({ network_id: n.id });
    expect(demo.network.getQuota(demoId)).toMatchObject({ router: 0, port: -1 });

    admin.network.resetQuota(demoId);
    expect(demo.network.getQuota(demoId)).toEqual(DEFAULTS);
    expect(demo.network.createNetwork({ name: 'now-fits' }).name).toBe('now-fits');
  });

  it('a create refused after its quota was counted takes none: usage stays as it was', () => {
    const { cloud, admin, demo, demoId } = world(12504);
    const n = demo.network.createNetwork({ name: 'q' });
    demo.network.createSubnet({ network_id: n.id, cidr: '10.12.0.0/30', ip_version: 4, enable_dhcp: false });
    demo.network.createPort({ network_id: n.id });
    const before = demo.network.getQuotaDetails(demoId).port.used;
    // the subnet is full: the port is refused after its quota was counted, and the count is undone
    refused(cloud, () => demo.network.createPort({ network_id: n.id }), { status: 409, code: 'network.ip.generation_failure' });
    expect(demo.network.getQuotaDetails(demoId).port.used).toBe(before);
    expect(admin.network.getQuotaDetails(demoId).port.used).toBe(before);
  });

  it('check_limit refuses a limit below the use (400); bad values and unknown resources are 400s', () => {
    const { cloud, admin, demoId } = world(12505);
    refused(cloud, () => admin.network.updateQuota(demoId, { subnet: 1, check_limit: true }), { status: 400, message: 'Quota limit 1 for subnet must be greater than or equal to already used 2' });
    // without it (Zed's default), the limit is taken as given
    expect(admin.network.updateQuota(demoId, { subnet: 1 }).subnet).toBe(1);
    for (const body of [{ port: -2 }, { port: 'lots' }, { port: 1.5 }, { colour: 3 }, { port: null }]) {
      refused(cloud, () => admin.network.updateQuota(demoId, body), { status: 400 });
    }
    refused(cloud, () => admin.network.updateQuota(demoId, null as never), { status: 400 });
    refused(cloud, () => admin.network.getQuota(42 as never), { status: 400, field: 'project_id' });
  });

  it("a member may not read another project's quotas (403) nor change or reset any (403)", () => {
    const { cloud, demo, reader, alt, demoId, altId } = world(12506);
    const forbidden = refused(cloud, () => demo.network.getQuota(altId), { status: 403, code: 'network.policy.forbidden', message: 'rule:get_quota is disallowed by policy' });
    expect(forbidden.details.neutron).toBe('PolicyNotAuthorized');
    const details = refused(cloud, () => demo.network.getQuotaDetails(altId), { status: 403, message: 'Only admin is authorized to access quotas for another project' });
    expect(details.details.neutron).toBe('AdminRequired');
    refused(cloud, () => alt.network.getQuota(demoId), { status: 403 });
    for (const s of [demo, reader]) {
      refused(cloud, () => s.network.updateQuota(demoId, { port: 1000 }), { status: 403, message: 'rule:update_quota is disallowed by policy' });
      refused(cloud, () => s.network.resetQuota(demoId), { status: 403, message: 'rule:delete_quota is disallowed by policy' });
    }
  });
});
