/**
 * Networks through `session.network` (Zed's `neutron/plugins/ml2/plugin.py` `create_network` /
 * `update_network` / `delete_network`, `neutron/db/db_base_plugin_v2.py`, ML2's type drivers and
 * `Ml2Plugin._get_network_mtu`, `neutron/db/rbac_db_mixin.py` for `shared`,
 * `neutron/db/external_net_db.py` for `router:external`, and the Zed policies of
 * `neutron/conf/policies/network.py`): tenant networks on DevStack's VXLAN range, admins' provider
 * networks and their MTUs, exhaustion, sharing through RBAC, external networks, deletion with the
 * network's own DHCP port, isolation between projects and a reader's refusals — each refusal with
 * Neutron's status and message, leaving `cloud.state` the very same object.
 */
import { deepFrozen, recordEvents } from './helpers.js';
import { describe, it, expect } from 'vitest';
import { createCloud, type Cloud, type Session } from '../../src/index.js';
import { refused } from '../support/refusal.js';

const PW = 'secret';

/** DevStack's ML2 options (`lib/neutron_plugins/ml2`), with a VNI range of our own. */
function devstackMl2(vni: string): Record<string, unknown> {
  return {
    ml2: { tenant_network_types: ['vxlan'] },
    ml2_type_flat: { flat_networks: ['public', 'physnet2'] },
    ml2_type_vlan: { network_vlan_ranges: ['public'] },
    ml2_type_vxlan: { vni_ranges: [vni] },
    ml2_type_geneve: { vni_ranges: ['1:1000'] },
    ml2_type_gre: { tunnel_id_ranges: ['1:1000'] },
  };
}

interface World {
  cloud: Cloud;
  admin: Session;
  demo: Session;
  alt: Session;
  reader: Session;
  demoId: string;
  altId: string;
}

function world(seed: number, network?: Record<string, unknown>): World {
  const cloud = createCloud({ seed, preset: 'devstack', identity: { password_hash_rounds: 1 }, ...(network === undefined ? {} : { network: network as never }) });
  return {
    cloud,
    admin: cloud.admin,
    demo: cloud.login({ username: 'demo', password: PW, project: 'demo' }),
    alt: cloud.login({ username: 'alt_demo', password: PW, project: 'alt_demo' }),
    reader: cloud.login({ username: 'demo_reader', password: PW, project: 'demo' }),
    demoId: cloud.systemAdmin.identity.getProject('demo').id,
    altId: cloud.systemAdmin.identity.getProject('alt_demo').id,
  };
}

const PROVIDER = ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'];

// ------------------------------------------------------------------------------ tenant networks

describe('tenant networks', () => {
  it('take a VXLAN id from DevStack\'s 1..1000 and MTU 1450; the provider attributes are shown to admins only', () => {
    const { cloud, admin, demo, demoId } = world(12101);
    const created = recordEvents(cloud, 'network.create.end');
    const n = demo.network.createNetwork({ name: 'mine' });
    expect(n).toMatchObject({ name: 'mine', project_id: demoId, tenant_id: demoId, admin_state_up: true, status: 'ACTIVE', mtu: 1450, shared: false, 'router:external': false, port_security_enabled: true, subnets: [], description: '', tags: [] });
    for (const k of PROVIDER) expect(k in n).toBe(false);
    expect(deepFrozen(n)).toBe(true);
    expect(created).toHaveLength(1);
    expect((created[0]!.payload as { network: { id: string; 'provider:network_type': string } }).network).toMatchObject({ id: n.id, 'provider:network_type': 'vxlan' });

    const seen = admin.network.getNetwork(n.id);
    expect(seen['provider:network_type']).toBe('vxlan');
    expect(seen['provider:physical_network']).toBeNull();
    const vni = seen['provider:segmentation_id']!;
    expect(Number.isInteger(vni) && vni >= 1 && vni <= 1000).toBe(true);

    // DevStack's own `private` is such a network too, and ids never repeat
    const ids = new Set([admin.network.getNetwork('private')['provider:segmentation_id'], vni]);
    for (let i = 0; i < 20; i++) ids.add(admin.network.getNetwork(demo.network.createNetwork({ name: `n${i}` }).id)['provider:segmentation_id']);
    expect(ids.size).toBe(22);
    for (const id of ids) expect(id! >= 1 && id! <= 1000).toBe(true);

    for (const k of PROVIDER) {
      expect(k in demo.network.getNetwork(n.id)).toBe(false);
      expect(demo.network.listNetworks().every((x) => !(k in x))).toBe(true);
    }
  });

  it('the VNI is the seed\'s: two clouds of one seed give the same ids', () => {
    const vnis = (seed: number): (number | null | undefined)[] => {
      const { admin, demo } = world(seed);
      return [0, 1, 2].map((i) => admin.network.getNetwork(demo.network.createNetwork({ name: `n${i}` }).id)['provider:segmentation_id']);
    };
    expect(vnis(12102)).toEqual(vnis(12102));
  });

  it('a small VNI range runs out: 503 NoNetworkAvailable, nothing changed; a deleted network gives its id back', () => {
    const { cloud, admin, demo } = world(12103, { ml2: devstackMl2('1:3') });
    expect(admin.network.getNetwork('private')['provider:segmentation_id']).toBeGreaterThanOrEqual(1);
    const a = demo.network.createNetwork({ name: 'a' });
    const b = demo.network.createNetwork({ name: 'b' });
    const used = ['private', a.id, b.id].map((r) => admin.network.getNetwork(r)['provider:segmentation_id']).sort();
    expect(used).toEqual([1, 2, 3]);
    const e = refused(cloud, () => demo.network.createNetwork({ name: 'c' }), { status: 503, code: 'network.segment.no_network_available', message: 'Unable to create the network. No tenant network is available for allocation.' });
    expect(e.details.neutron).toBe('NoNetworkAvailable');
    // an admin's tenant network runs out alike; a provider VXLAN outside the range does not
    refused(cloud, () => admin.network.createNetwork({ name: 'c' }), { status: 503 });
    expect(admin.network.createNetwork({ 'provider:network_type': 'vxlan', 'provider:segmentation_id': 4000 })['provider:segmentation_id']).toBe(4000);

    const freed = admin.network.getNetwork(a.id)['provider:segmentation_id'];
    demo.network.deleteNetwork(a.id);
    expect(admin.network.getNetwork(demo.network.createNetwork({ name: 'c' }).id)['provider:segmentation_id']).toBe(freed);
  });
});

// ---------------------------------------------------------------------------- provider networks

describe('provider networks (admin)', () => {
  it('flat, vlan, vxlan, gre, geneve and local, each with its MTU: 1500, 1500, 1450, 1458, 1450, 1500', () => {
    const { admin } = world(12110, { ml2: devstackMl2('1:1000') });
    const cases: [Record<string, unknown>, number, string | null, (id: number | null | undefined) => boolean][] = [
      [{ 'provider:network_type': 'flat', 'provider:physical_network': 'physnet2' }, 1500, 'physnet2', (id) => id === null],
      [{ 'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 100 }, 1500, 'public', (id) => id === 100],
      [{ 'provider:network_type': 'vlan', 'provider:physical_network': 'public' }, 1500, 'public', (id) => id! >= 1 && id! <= 4094],
      [{ 'provider:network_type': 'vxlan' }, 1450, null, (id) => id! >= 1 && id! <= 1000],
      [{ 'provider:network_type': 'vxlan', 'provider:segmentation_id': 70000 }, 1450, null, (id) => id === 70000],
      [{ 'provider:network_type': 'gre' }, 1458, null, (id) => id! >= 1 && id! <= 1000],
      [{ 'provider:network_type': 'gre', 'provider:segmentation_id': 5 }, 1458, null, (id) => id === 5],
      [{ 'provider:network_type': 'geneve' }, 1450, null, (id) => id! >= 1 && id! <= 1000],
      [{ 'provider:network_type': 'local' }, 1500, null, (id) => id === null],
    ];
    for (const [body, mtu, physnet, idOk] of cases) {
      const n = admin.network.createNetwork(body);
      expect({ body, mtu: n.mtu, type: n['provider:network_type'], physnet: n['provider:physical_network'] }).toEqual({ body, mtu, type: body['provider:network_type'], physnet });
      expect(idOk(n['provider:segmentation_id']), JSON.stringify([body, n['provider:segmentation_id']])).toBe(true);
    }
    // DevStack's `public` is flat on `public`, 1500
    expect(admin.network.getNetwork('public')).toMatchObject({ 'provider:network_type': 'flat', 'provider:physical_network': 'public', 'provider:segmentation_id': null, mtu: 1500, 'router:external': true });
  });

  it('an admin may create a provider network for a project; its members see it without the provider attributes', () => {
    const { admin, demo, demoId } = world(12111);
    const n = admin.network.createNetwork({ name: 'given', project_id: demoId, 'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 42 });
    expect(n).toMatchObject({ project_id: demoId, 'provider:segmentation_id': 42, mtu: 1500 });
    const seen = demo.network.getNetwork('given');
    expect(seen.id).toBe(n.id);
    for (const k of PROVIDER) expect(k in seen).toBe(false);
  });

  it('a member giving any provider attribute (or shared, or router:external) is 403 PolicyNotAuthorized', () => {
    const { cloud, demo } = world(12112);
    for (const [body, attr] of [
      [{ 'provider:network_type': 'vxlan' }, 'provider:network_type'],
      [{ 'provider:physical_network': 'public' }, 'provider:physical_network'],
      [{ 'provider:segmentation_id': 7 }, 'provider:segmentation_id'],
      [{ shared: true }, 'shared'],
      [{ 'router:external': true }, 'router:external'],
    ] as const) {
      const e = refused(cloud, () => demo.network.createNetwork(body as never), { status: 403, code: 'network.policy.forbidden', message: `(rule:create_network and rule:create_network:${attr}) is disallowed by policy` });
      expect(e.details.neutron).toBe('PolicyNotAuthorized');
    }
    // the defaults given explicitly are not "set": shared false and router:external false pass
    expect(demo.network.createNetwork({ name: 'x', shared: false, 'router:external': false }).shared).toBe(false);
  });

  it('a flat physical network in use is 409 FlatNetworkInUse; a VLAN or tunnel id in use is 409 too', () => {
    const { cloud, admin } = world(12113);
    const flat = refused(cloud, () => admin.network.createNetwork({ 'provider:network_type': 'flat', 'provider:physical_network': 'public' }), { status: 409, message: 'Unable to create the flat network. Physical network public is in use.' });
    expect(flat.details.neutron).toBe('FlatNetworkInUse');

    admin.network.createNetwork({ 'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 100 });
    const vlan = refused(cloud, () => admin.network.createNetwork({ 'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 100 }), { status: 409, message: 'Unable to create the network. The VLAN 100 on physical network public is in use.' });
    expect(vlan.details.neutron).toBe('VlanIdInUse');

    const vni = admin.network.getNetwork('private')['provider:segmentation_id']!;
    const tun = refused(cloud, () => admin.network.createNetwork({ 'provider:network_type': 'vxlan', 'provider:segmentation_id': vni }), { status: 409, message: `Unable to create the network. The tunnel ID ${vni} is in use.` });
    expect(tun.details.neutron).toBe('TunnelIdInUse');
    // the same id in another tunnel type is free
    expect(admin.network.createNetwork({ 'provider:network_type': 'gre', 'provider:segmentation_id': vni })['provider:segmentation_id']).toBe(vni);
  });

  it('provider values out of range or on unknown physical networks are 400s', () => {
    const { cloud, admin } = world(12114);
    refused(cloud, () => admin.network.createNetwork({ 'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 4095 }), { status: 400, message: 'segmentation_id out of range (1 through 4094)' });
    refused(cloud, () => admin.network.createNetwork({ 'provider:network_type': 'flat', 'provider:physical_network': 'nowhere' }), { status: 400, message: "physical_network 'nowhere' unknown for flat provider network" });
    refused(cloud, () => admin.network.createNetwork({ 'provider:network_type': 'token-ring' }), { status: 400 });
  });
});

// ------------------------------------------------------------------------------------- sharing

describe('shared networks', () => {
  it("`shared` is an RBAC entry to '*': every project sees the network (shared: true) and may put ports on it", () => {
    const { admin, demo, alt, demoId } = world(12120);
    const n = admin.network.createNetwork({ name: 'shared-net', shared: true, project_id: demoId });
    expect(n.shared).toBe(true);
    const entries = admin.network.listRbacPolicies({ object_id: n.id });
    expect(entries).toEqual([expect.objectContaining({ object_type: 'network', object_id: n.id, action: 'access_as_shared', target_tenant: '*', target_project: '*', project_id: demoId })]);
    expect(demo.network.listRbacPolicies({ object_id: n.id }).map((r) => r.id)).toEqual([entries[0]!.id]);

    const sub = demo.network.createSubnet({ network_id: n.id, cidr: '10.50.0.0/24', ip_version: 4 });
    expect(alt.network.getNetwork(n.id)).toMatchObject({ id: n.id, shared: true, subnets: [sub.id] });
    expect(alt.network.listNetworks({ shared: true }).map((x) => x.name)).toEqual(['shared-net']);
    const p = alt.network.createPort({ network_id: n.id });
    expect(p.fixed_ips).toEqual([{ subnet_id: sub.id, ip_address: expect.stringMatching(/^10\.50\.0\./) }]);
    // the owner cannot see the other project's port (get_port is the port's project's), the admin can
    expect(admin.network.getPort(p.id).network_id).toBe(n.id);
  });

  // Zed: `get_subnet` is "... or rule:shared" (neutron/conf/policies/subnet.py), and neutron/policy.py
  // FieldCheck reads `networks:shared` of the subnet's network through its network_id; a subnet's
  // policy target here has no `shared` (src/network/subnets.ts subnetTarget), so the check fails.
  it("a shared network's subnets are visible to every project (get_subnet: rule:shared)", () => {
    const { admin, demo, alt, demoId } = world(12121);
    const n = admin.network.createNetwork({ name: 'shared-net', shared: true, project_id: demoId });
    const sub = demo.network.createSubnet({ network_id: n.id, cidr: '10.51.0.0/24', ip_version: 4 });
    expect(alt.network.listSubnets({ network_id: n.id }).map((s) => s.id)).toEqual([sub.id]);
    expect(alt.network.getSubnet(sub.id).cidr).toBe('10.51.0.0/24');
  });

  it('unsharing while alt_demo has a port is 409 InvalidSharedSetting; once the port is gone it unshares and alt_demo loses sight', () => {
    const { cloud, admin, demo, alt, demoId } = world(12122);
    const n = admin.network.createNetwork({ name: 'shared-net', shared: true, project_id: demoId });
    demo.network.createSubnet({ network_id: n.id, cidr: '10.52.0.0/24', ip_version: 4 });
    const p = alt.network.createPort({ network_id: n.id });
    // the owner may not change `shared` at all (update_network:shared is admin only)
    refused(cloud, () => demo.network.updateNetwork(n.id, { shared: false }), { status: 403, message: '(rule:update_network and rule:update_network:shared) is disallowed by policy' });
    const e = refused(cloud, () => admin.network.updateNetwork(n.id, { shared: false }), { status: 409, code: 'network.network.shared_in_use', message: 'Multiple tenants are using it.' });
    expect(e.details.neutron).toBe('InvalidSharedSetting');
    // the owner's own ports and the network's DHCP port do not count
    demo.network.createPort({ network_id: n.id });
    alt.network.deletePort(p.id);
    const updated = recordEvents(cloud, 'network.update.end');
    expect(admin.network.updateNetwork(n.id, { shared: false }).shared).toBe(false);
    expect(updated).toHaveLength(1);
    expect(admin.network.listRbacPolicies({ object_id: n.id })).toEqual([]);
    refused(cloud, () => alt.network.getNetwork(n.id), { status: 404, code: 'network.network.not_found' });
    // and back
    expect(admin.network.updateNetwork(n.id, { shared: true }).shared).toBe(true);
    expect(alt.network.getNetwork(n.id).shared).toBe(true);
  });

  // Zed: db_base_plugin_v2._validate_projects_have_access_to_network raises
  // InvalidSharedSetting(network=network.name): the message names the network by its name.
  it("InvalidSharedSetting names the network by its name, as Zed's update_network does", () => {
    const { cloud, admin, demo, alt, demoId } = world(12123);
    const n = admin.network.createNetwork({ name: 'shared-net', shared: true, project_id: demoId });
    demo.network.createSubnet({ network_id: n.id, cidr: '10.53.0.0/24', ip_version: 4 });
    alt.network.createPort({ network_id: n.id });
    refused(cloud, () => admin.network.updateNetwork(n.id, { shared: false }), { status: 409, message: 'Unable to reconfigure sharing settings for network shared-net. Multiple tenants are using it.' });
  });
});

// ----------------------------------------------------------------------------- external networks

describe('external networks', () => {
  it('`router:external` networks are visible to every project, not shared, and not theirs to change', () => {
    const { cloud, admin, demo, alt } = world(12130);
    const pub = admin.network.getNetwork('public');
    expect(pub['router:external']).toBe(true);
    for (const s of [demo, alt]) {
      const seen = s.network.getNetwork('public');
      expect(seen).toMatchObject({ id: pub.id, shared: false, name: 'public' });
      // the attribute itself is Zed's `get_network:router:external` (admin, or a reader of the
      // network's project: the new defaults stacksim enforces), so other projects do not see it
      expect('router:external' in seen).toBe(false);
      for (const k of PROVIDER) expect(k in seen).toBe(false);
      expect(s.network.listNetworks({ 'router:external': true }).map((n) => n.name)).toEqual(['public']);
      expect(s.network.listNetworks({ 'router:external': false }).map((n) => n.name)).not.toContain('public');
    }
    expect(demo.network.getNetwork('private')['router:external']).toBe(false);
    expect(admin.network.listRbacPolicies({ object_id: pub.id }).map((r) => [r.action, r.target_tenant])).toEqual([['access_as_external', '*']]);
    // alt_demo may see it (rule:external) but not change it: 403, not 404
    refused(cloud, () => alt.network.updateNetwork(pub.id, { name: 'mine' }), { status: 403, message: 'rule:update_network is disallowed by policy' });
    refused(cloud, () => alt.network.deleteNetwork(pub.id), { status: 403, message: 'rule:delete_network is disallowed by policy' });
    // its subnets are not shared: get_subnet has no external rule in Zed
    expect(alt.network.listSubnets({ network_id: pub.id })).toEqual([]);
    // an admin makes a network external: an access_as_external entry to '*'
    const n = admin.network.createNetwork({ name: 'ext2' });
    expect(admin.network.updateNetwork(n.id, { 'router:external': true })['router:external']).toBe(true);
    expect(alt.network.getNetwork(n.id).id).toBe(n.id);
    expect(alt.network.listNetworks({ 'router:external': true }).map((x) => x.name).sort()).toEqual(['ext2', 'public']);
  });
});

// ---------------------------------------------------------------------------------- update

describe('update', () => {
  it('name, admin_state_up and an MTU up to the segment\'s maximum; over it is 400', () => {
    const { cloud, demo } = world(12140);
    const n = demo.network.createNetwork({ name: 'a' });
    const u = demo.network.updateNetwork(n.id, { name: 'b', admin_state_up: false, mtu: 1400, description: 'd' });
    expect(u).toMatchObject({ name: 'b', admin_state_up: false, mtu: 1400, description: 'd' });
    expect(u.revision_number).toBeGreaterThan(n.revision_number);
    expect(deepFrozen(u)).toBe(true);
    const e = refused(cloud, () => demo.network.updateNetwork(n.id, { mtu: 1451 }), { status: 400, message: 'Invalid input for operation: Requested MTU is too big, maximum is 1450.' });
    expect(e.details.neutron).toBe('InvalidInput');
    refused(cloud, () => demo.network.createNetwork({ mtu: 1451 }), { status: 400, message: 'Requested MTU is too big, maximum is 1450.' });
    refused(cloud, () => demo.network.updateNetwork(n.id, { status: 'DOWN' } as never), { status: 400 });
    refused(cloud, () => demo.network.updateNetwork(n.id, { admin_state_up: 'maybe' as never }), { status: 400, message: "'maybe' cannot be converted to boolean" });
  });
});

// ---------------------------------------------------------------------------------- delete

describe('delete', () => {
  it('is refused while a non-DHCP port remains (409 NetworkInUse); its DHCP port and subnets go with it', () => {
    const { cloud, admin, demo, demoId } = world(12150);
    const n = demo.network.createNetwork({ name: 'doomed' });
    const s4 = demo.network.createSubnet({ network_id: n.id, cidr: '10.60.0.0/24', ip_version: 4 });
    const s6 = demo.network.createSubnet({ network_id: n.id, cidr: 'fd00:60::/64', ip_version: 6, ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' });
    const dhcp = admin.network.listPorts({ network_id: n.id });
    expect(dhcp.map((p) => p.device_owner)).toEqual(['network:dhcp']);
    const p = demo.network.createPort({ network_id: n.id });
    const e = refused(cloud, () => demo.network.deleteNetwork(n.id), { status: 409, code: 'network.network.in_use', message: `Unable to complete operation on network ${n.id}. There are one or more ports still in use on the network.` });
    expect(e.details.neutron).toBe('NetworkInUse');

    const before = demo.network.getQuotaDetails(demoId);
    demo.network.deletePort(p.id);
    const deleted = recordEvents(cloud, 'network.delete.end');
    demo.network.deleteNetwork(n.id);
    expect(deleted.map((x) => (x.payload as { network_id: string }).network_id)).toEqual([n.id]);
    refused(cloud, () => admin.network.getNetwork(n.id), { status: 404, message: `Network ${n.id} could not be found.` });
    for (const s of [s4, s6]) refused(cloud, () => admin.network.getSubnet(s.id), { status: 404, code: 'network.subnet.not_found' });
    refused(cloud, () => admin.network.getPort(dhcp[0]!.id), { status: 404, code: 'network.port.not_found' });
    expect(admin.network.listPorts({ network_id: n.id })).toEqual([]);
    const after = demo.network.getQuotaDetails(demoId);
    expect([after.network.used, after.subnet.used, after.port.used]).toEqual([before.network.used - 1, before.subnet.used - 2, before.port.used - 2]);
  });

  it("another project's port blocks it as well, and an admin may not force it", () => {
    const { cloud, admin, demo, alt, demoId } = world(12151);
    const n = admin.network.createNetwork({ name: 'shared-net', shared: true, project_id: demoId });
    demo.network.createSubnet({ network_id: n.id, cidr: '10.61.0.0/24', ip_version: 4 });
    alt.network.createPort({ network_id: n.id });
    refused(cloud, () => admin.network.deleteNetwork(n.id), { status: 409, code: 'network.network.in_use' });
  });
});

// ------------------------------------------------------------------------------- isolation

describe('isolation and policy', () => {
  it("another project's private network is 404 for get, update and delete, and absent from its lists", () => {
    const { cloud, demo, alt } = world(12160);
    const priv = demo.network.getNetwork('private');
    for (const f of [() => alt.network.getNetwork(priv.id), () => alt.network.getNetwork('private'), () => alt.network.getNetwork({ id: priv.id }), () => alt.network.updateNetwork(priv.id, { name: 'mine' }), () => alt.network.deleteNetwork(priv.id)]) {
      const e = refused(cloud, f, { status: 404, code: 'network.network.not_found', message: 'could not be found.' });
      expect(e.details.neutron).toBe('NetworkNotFound');
    }
    expect(alt.network.listNetworks().map((n) => n.id)).not.toContain(priv.id);
    expect(alt.network.listNetworks({ id: priv.id })).toEqual([]);
  });

  it("a reader sees the project's networks, but create, update and delete are 403", () => {
    const { cloud, demo, reader } = world(12161);
    const n = demo.network.createNetwork({ name: 'r' });
    expect(reader.network.getNetwork('private').name).toBe('private');
    expect(reader.network.listNetworks().map((x) => x.name).sort()).toEqual(['private', 'public', 'r']);
    for (const [f, rule] of [
      [() => reader.network.createNetwork({ name: 'mine' }), 'create_network'],
      [() => reader.network.updateNetwork(n.id, { name: 'x' }), 'update_network'],
      [() => reader.network.deleteNetwork(n.id), 'delete_network'],
    ] as const) {
      const e = refused(cloud, f, { status: 403, code: 'network.policy.forbidden', message: `rule:${rule} is disallowed by policy` });
      expect(e.details.neutron).toBe('PolicyNotAuthorized');
    }
  });

  it('bad bodies are 400s naming the field, never TypeErrors', () => {
    const { cloud, demo } = world(12162);
    for (const [body, field] of [
      [{ name: 5 }, 'name'],
      [{ admin_state_up: 'perhaps' }, 'admin_state_up'],
      [{ foo: 1 }, 'foo'],
      [{ mtu: 'big' }, 'mtu'],
      [{ availability_zone_hints: 'nova' }, 'availability_zone_hints'],
    ] as const) {
      refused(cloud, () => demo.network.createNetwork(body as never), { status: 400, field });
    }
    for (const bad of [null, 42, 'x', []]) refused(cloud, () => demo.network.createNetwork(bad as never), { status: 400 });
    for (const ref of [null, 42, '', { id: 7 }]) refused(cloud, () => demo.network.getNetwork(ref as never), { status: 400 });
  });
});
