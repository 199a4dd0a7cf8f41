/**
 * Tenant isolation in Neutron, on the devstack cloud: alt_demo builds the same address space as
 * demo's `private` (10.0.0.0/26) and then reaches for demo's resources through its own — a
 * subnet on demo's network, its router on demo's subnet or port, its floating IP on demo's port,
 * its port in demo's security group, its rule naming demo's group as remote, an RBAC policy on
 * demo's network, reachability to demo's port. Each is a 404 that reads exactly as the answer for
 * an id that does not exist (nothing tells alt_demo that demo's resource is there), and leaves
 * `cloud.state` the very same object. A reader of demo's project sees demo's resources and
 * changes none of them (403). The cross-module suites (tests/security, tests/model) try every
 * operation this way one reference at a time; this file tries the combinations of one project's
 * own resources with another's.
 *
 * Not here: a reader's subnet writes. Zed's `create_subnet` / `update_subnet` / `delete_subnet`
 * end in `rule:network_owner` (`tenant_id:%(network:tenant_id)s`, no role), which a reader of
 * the network's project passes (tests/security/policy_before_lookup reports it).
 */
import { describe, expect, it } from 'vitest';
import { CloudError, createCloud, type Session } from '../../src/index.js';

const MADE_UP = '0f0e0d0c-0b0a-4909-8807-060504030201';

function setup() {
  const cloud = createCloud({ seed: 12 });
  const login = (username: string, project: string): Session => cloud.login({ username, password: 'secret', project });
  const demo = login('demo', 'demo');
  const alt = login('alt_demo', 'alt_demo');
  const reader = login('demo_reader', 'demo');
  const d = demo.network;
  const a = alt.network;
  const pub = cloud.admin.network.getNetwork('public');
  // demo's: its private network, subnet, default group, a port with a floating IP
  const demoNet = d.getNetwork('private');
  const demoSubnet = d.getSubnet('private-subnet');
  const demoPort = d.createPort({ network_id: demoNet.id, fixed_ips: [{ subnet_id: demoSubnet.id, ip_address: '10.0.0.10' }] });
  const demoGroup = d.listSecurityGroups({ name: 'default' })[0]!;
  const demoRule = demoGroup.security_group_rules[0]!;
  const demoRouter = d.getRouter('router1');
  const demoFip = d.createFloatingIp({ floating_network_id: pub.id, port_id: demoPort.id });
  // alt_demo's: the same addresses, its own router, group and floating IP
  const altNet = a.createNetwork({ name: 'alt-private' });
  const altSubnet = a.createSubnet({ network_id: altNet.id, ip_version: 4, cidr: '10.0.0.0/26' });
  const altPort = a.createPort({ network_id: altNet.id, fixed_ips: [{ subnet_id: altSubnet.id, ip_address: '10.0.0.10' }] });
  const altRouter = a.createRouter({ name: 'alt-router', external_gateway_info: { network_id: pub.id } });
  a.addRouterInterface(altRouter.id, { subnet_id: altSubnet.id });
  const altGroup = a.createSecurityGroup({ name: 'alt-sg' });
  const altFip = a.createFloatingIp({ floating_network_id: pub.id });
  return { cloud, demo, alt, reader, pub, demoNet, demoSubnet, demoPort, demoGroup, demoRule, demoRouter, demoFip, altNet, altSubnet, altPort, altRouter, altGroup, altFip };
}

type Env = ReturnType<typeof setup>;

/** The answer of a call that must be refused, with `ref` replaced, and the state checked unchanged. */
function refusal(env: Env, call: () => unknown, ref: string): string {
  const before = env.cloud.state;
  let error: unknown;
  try {
    call();
  } catch (e) {
    error = e;
  }
  expect(error, 'refused').toBeInstanceOf(CloudError);
  expect(env.cloud.state, 'a refused call commits nothing').toBe(before);
  const e = error as CloudError;
  return `${e.status} ${e.code}: ${ref === '' ? e.message : e.message.split(ref).join('<ref>')}`;
}

/** alt_demo's attempts with one of demo's ids (`ref`): each a function of the id. */
const ATTEMPTS: readonly (readonly [string, (env: Env) => string, (env: Env, id: string) => unknown])[] = [
  ['a subnet on demo\'s network', (e) => e.demoNet.id, (e, id) => e.alt.network.createSubnet({ network_id: id, ip_version: 4, cidr: '10.9.0.0/24' })],
  ['a port on demo\'s network', (e) => e.demoNet.id, (e, id) => e.alt.network.createPort({ network_id: id })],
  ['a port on its network in demo\'s security group', (e) => e.demoGroup.id, (e, id) => e.alt.network.createPort({ network_id: e.altNet.id, security_groups: [id] })],
  ['its router on demo\'s subnet', (e) => e.demoSubnet.id, (e, id) => e.alt.network.addRouterInterface(e.altRouter.id, { subnet_id: id })],
  ['its router on demo\'s port', (e) => e.demoPort.id, (e, id) => e.alt.network.addRouterInterface(e.altRouter.id, { port_id: id })],
  ['demo\'s router on its subnet', (e) => e.demoRouter.id, (e, id) => e.alt.network.addRouterInterface(id, { subnet_id: e.altSubnet.id })],
  ['a floating IP for demo\'s port', (e) => e.demoPort.id, (e, id) => e.alt.network.createFloatingIp({ floating_network_id: e.pub.id, port_id: id })],
  ['its floating IP moved to demo\'s port', (e) => e.demoPort.id, (e, id) => e.alt.network.updateFloatingIp(e.altFip.id, { port_id: id })],
  ['demo\'s floating IP moved to its port', (e) => e.demoFip.id, (e, id) => e.alt.network.updateFloatingIp(id, { port_id: e.altPort.id })],
  ['a rule in demo\'s group', (e) => e.demoGroup.id, (e, id) => e.alt.network.createSecurityGroupRule({ security_group_id: id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22 })],
  ['a rule in its group from demo\'s group', (e) => e.demoGroup.id, (e, id) => e.alt.network.createSecurityGroupRule({ security_group_id: e.altGroup.id, direction: 'ingress', ethertype: 'IPv4', remote_group_id: id })],
  ['demo\'s rule deleted', (e) => e.demoRule.id, (e, id) => e.alt.network.deleteSecurityGroupRule(id)],
  ['demo\'s network shared with itself', (e) => e.demoNet.id, (e, id) => e.alt.network.createRbacPolicy({ object_type: 'network', object_id: id, action: 'access_as_shared', target_tenant: e.altNet.project_id })],
  ['demo\'s port renamed', (e) => e.demoPort.id, (e, id) => e.alt.network.updatePort(id, { name: 'mine' })],
  ['demo\'s subnet deleted', (e) => e.demoSubnet.id, (e, id) => e.alt.network.deleteSubnet(id)],
  ['the way from its port to demo\'s port', (e) => e.demoPort.id, (e, id) => e.alt.network.explainReachability({ from: e.altPort.id, to: id })],
];

describe('tenant isolation: alt_demo reaches for demo\'s resources through its own', () => {
  const env = setup();

  it('alt_demo builds demo\'s address space again: the same subnet and address, apart', () => {
    expect(env.altSubnet.cidr).toBe(env.demoSubnet.cidr);
    expect(env.altPort.fixed_ips[0]!.ip_address).toBe(env.demoPort.fixed_ips[0]!.ip_address);
    const ids = (list: readonly { id: string }[]): string[] => list.map((x) => x.id);
    expect(ids(env.alt.network.listPorts())).not.toContain(env.demoPort.id);
    expect(ids(env.alt.network.listSubnets())).not.toContain(env.demoSubnet.id);
    expect(ids(env.alt.network.listNetworks())).not.toContain(env.demoNet.id);
    expect(ids(env.alt.network.listSecurityGroups())).not.toContain(env.demoGroup.id);
    expect(ids(env.alt.network.listFloatingIps())).not.toContain(env.demoFip.id);
    // the shared address names alt_demo's own port, never demo's
    const answer = env.alt.network.explainReachability({ from: env.altPort.id, to: '10.0.0.10' });
    expect(answer.to.port_id).toBe(env.altPort.id);
  });

  for (const [what, ref, attempt] of ATTEMPTS) {
    it(`${what}: 404, as for an id that does not exist`, () => {
      const id = ref(env);
      const real = refusal(env, () => attempt(env, id), id);
      const made = refusal(env, () => attempt(env, MADE_UP), MADE_UP);
      expect(real).toMatch(/^404 /);
      expect(real).toBe(made);
    });
  }
});

describe('a reader of demo\'s project sees demo\'s resources and changes none of them', () => {
  const env = setup();
  const r = (): Session['network'] => env.reader.network;
  const WRITES: readonly (readonly [string, () => unknown])[] = [
    ['updateNetwork', () => r().updateNetwork(env.demoNet.id, { name: 'x' })],
    ['deleteNetwork', () => r().deleteNetwork(env.demoNet.id)],
    ['createNetwork', () => r().createNetwork({ name: 'x' })],
    ['createPort', () => r().createPort({ network_id: env.demoNet.id })],
    ['updatePort', () => r().updatePort(env.demoPort.id, { name: 'x' })],
    ['deletePort', () => r().deletePort(env.demoPort.id)],
    ['createRouter', () => r().createRouter({ name: 'x' })],
    ['updateRouter', () => r().updateRouter(env.demoRouter.id, { name: 'x' })],
    ['removeRouterInterface', () => r().removeRouterInterface(env.demoRouter.id, { subnet_id: env.demoSubnet.id })],
    ['deleteRouter', () => r().deleteRouter(env.demoRouter.id)],
    ['createFloatingIp', () => r().createFloatingIp({ floating_network_id: env.pub.id })],
    ['updateFloatingIp', () => r().updateFloatingIp(env.demoFip.id, { port_id: null })],
    ['deleteFloatingIp', () => r().deleteFloatingIp(env.demoFip.id)],
    ['createSecurityGroup', () => r().createSecurityGroup({ name: 'x' })],
    ['updateSecurityGroup', () => r().updateSecurityGroup(env.demoGroup.id, { description: 'x' })],
    ['createSecurityGroupRule', () => r().createSecurityGroupRule({ security_group_id: env.demoGroup.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22 })],
    ['deleteSecurityGroupRule', () => r().deleteSecurityGroupRule(env.demoRule.id)],
    ['createRbacPolicy', () => r().createRbacPolicy({ object_type: 'network', object_id: env.demoNet.id, action: 'access_as_shared', target_tenant: env.altNet.project_id })],
  ];

  it('reads them', () => {
    expect(r().getNetwork(env.demoNet.id).id).toBe(env.demoNet.id);
    expect(r().getPort(env.demoPort.id).id).toBe(env.demoPort.id);
    expect(r().getRouter(env.demoRouter.id).id).toBe(env.demoRouter.id);
    expect(r().getFloatingIp(env.demoFip.id).id).toBe(env.demoFip.id);
    expect(r().getSecurityGroup(env.demoGroup.id).id).toBe(env.demoGroup.id);
  });

  for (const [name, call] of WRITES) {
    it(`${name}: 403`, () => {
      expect(refusal(env, call, '')).toMatch(/^403 network\.policy\.forbidden/);
    });
  }
});
