/**
 * Neutron's agents through `session.network` (Zed's `neutron/db/agents_db.py`, the agent
 * extension's standard controller `neutron/api/v2/base.py`, `neutron/conf/policies/agent.py`,
 * `[DEFAULT] agent_down_time` 75 s, the DHCP scheduler's choice of live, enabled agents):
 * DevStack's Open vSwitch agents on every compute and network host, DHCP / L3 / metadata agents on
 * the network host, `alive` as hosts fail and recover on the virtual clock, and `admin_state_up`.
 */
import { deepFrozen } from './helpers.js';
import { describe, it, expect } from 'vitest';
import { createCloud, type Cloud, type Session } from '../../src/index.js';
import { refused } from '../support/refusal.js';

const PW = 'secret';

function world(seed: number): { cloud: Cloud; admin: Session; demo: Session } {
  const cloud = createCloud({ seed, preset: 'devstack', identity: { password_hash_rounds: 1 } });
  return { cloud, admin: cloud.admin, demo: cloud.login({ username: 'demo', password: PW, project: 'demo' }) };
}

describe('agents', () => {
  it('DevStack runs Open vSwitch on every compute and network host, DHCP, L3 and metadata on the network host', () => {
    const { cloud, admin } = world(12401);
    const hosts = cloud.hardware.listHosts();
    const agents = admin.network.listAgents();
    expect(deepFrozen(agents)).toBe(true);
    const byHost = (name: string): string[] => agents.filter((a) => a.host === name).map((a) => a.agent_type).sort();
    for (const h of hosts) {
      const want: string[] = [];
      if (h.roles.includes('compute') || h.roles.includes('network')) want.push('Open vSwitch agent');
      if (h.roles.includes('network')) want.push('DHCP agent', 'L3 agent', 'Metadata agent');
      expect([h.name, byHost(h.name)]).toEqual([h.name, want.sort()]);
    }
    expect(byHost('controller')).toEqual(['DHCP agent', 'L3 agent', 'Metadata agent', 'Open vSwitch agent']);
    expect(byHost('compute1')).toEqual(['Open vSwitch agent']);
    for (const a of agents) expect(a).toMatchObject({ alive: true, admin_state_up: true, description: null });
    const binaries = Object.fromEntries(agents.filter((a) => a.host === 'controller').map((a) => [a.agent_type, [a.binary, a.topic, a.availability_zone]]));
    expect(binaries).toEqual({
      'Open vSwitch agent': ['neutron-openvswitch-agent', 'N/A', null],
      'DHCP agent': ['neutron-dhcp-agent', 'dhcp_agent', 'nova'],
      'L3 agent': ['neutron-l3-agent', 'l3_agent', 'nova'],
      'Metadata agent': ['neutron-metadata-agent', 'N/A', null],
    });
    const ovs = agents.find((a) => a.host === 'controller' && a.agent_type === 'Open vSwitch agent')!;
    expect(ovs.configurations).toMatchObject({ bridge_mappings: { public: 'br-ex' }, tunnel_types: ['vxlan'], integration_bridge: 'br-int' });
    // filters and show
    expect(admin.network.listAgents({ agent_type: 'L3 agent' }).map((a) => a.host)).toEqual(['controller']);
    expect(admin.network.listAgents({ host: 'compute2' }).map((a) => a.agent_type)).toEqual(['Open vSwitch agent']);
    expect(admin.network.getAgent(ovs.id)).toEqual(ovs);
    refused(cloud, () => admin.network.getAgent('3f0b8f5e-9d2b-4b52-bb7f-2d4e8f1d6c55'), { status: 404, message: 'Agent 3f0b8f5e-9d2b-4b52-bb7f-2d4e8f1d6c55 could not be found.' });
  });

  it('a new compute host gets its Open vSwitch agent', () => {
    const { cloud, admin } = world(12402);
    cloud.hardware.addHost({ name: 'compute9', roles: ['compute'], cpu: { sockets: 1, cores_per_socket: 8 }, memory_mb: 16384, disks: [{ name: 'sda', size_gb: 200 }] });
    expect(admin.network.listAgents({ host: 'compute9' }).map((a) => [a.agent_type, a.alive])).toEqual([['Open vSwitch agent', true]]);
  });

  // Zed: Controller.index → _items(do_authz=True) keeps only the agents `policy.check(get_agent)`
  // lets through (neutron/api/v2/base.py), so a member's list is an empty 200, not a 403.
  it("a member's agent list is empty, as Zed's controller filters it by get_agent", () => {
    const { cloud, demo } = world(12404);
    const before = cloud.state;
    expect(demo.network.listAgents()).toEqual([]);
    expect(demo.network.listAgents({ agent_type: 'L3 agent' })).toEqual([]);
    expect(cloud.state).toBe(before);
  });

  // Zed: Controller.show turns PolicyNotAuthorized into HTTPNotFound ("The resource could not be
  // found."), and Controller._update / _delete do too when the caller may not get_agent the agent.
  it("a member's show, update or delete of an agent is 404, as Zed's controller hides what get_agent refuses", () => {
    const { cloud, admin, demo } = world(12405);
    const id = admin.network.listAgents()[0]!.id;
    for (const f of [() => demo.network.getAgent(id), () => demo.network.updateAgent(id, { admin_state_up: false }), () => demo.network.deleteAgent(id)]) {
      refused(cloud, f, { status: 404, code: 'network.agent.not_found' });
    }
    expect(admin.network.getAgent(id).admin_state_up).toBe(true);
  });

  it('alive turns false once agent_down_time (75 s) has passed after its host fails, and true again on recovery', () => {
    const { cloud, admin } = world(12406);
    const start = cloud.clock.now();
    cloud.hardware.failHost('compute1');
    const on = (): { alive: boolean; heartbeat_timestamp: string }[] => admin.network.listAgents({ host: 'compute1' });
    expect(on().map((a) => a.alive)).toEqual([true]);
    const beat = on()[0]!.heartbeat_timestamp;
    cloud.clock.advance(75);
    expect(on().map((a) => a.alive)).toEqual([true]);
    cloud.clock.advance(1);
    expect(on().map((a) => a.alive)).toEqual([false]);
    expect(on()[0]!.heartbeat_timestamp).toBe(beat);
    expect(admin.network.listAgents({ alive: false }).map((a) => a.host)).toEqual(['compute1']);
    // the others still report
    expect(admin.network.listAgents({ host: 'compute2' }).map((a) => a.alive)).toEqual([true]);
    cloud.hardware.recoverHost('compute1');
    expect(on().map((a) => a.alive)).toEqual([true]);
    expect(on()[0]!.heartbeat_timestamp).not.toBe(beat);
    expect(cloud.clock.now()).toBe(start + 76);
  });

  it('the network host failing takes its DHCP agent down: a new network is not served until it recovers', () => {
    const { cloud, admin, demo } = world(12407);
    cloud.hardware.failHost('controller');
    cloud.clock.advance(76);
    expect(admin.network.listAgents({ host: 'controller' }).every((a) => !a.alive)).toBe(true);
    const n = demo.network.createNetwork({ name: 'late' });
    demo.network.createSubnet({ network_id: n.id, cidr: '10.40.0.0/24', ip_version: 4 });
    expect(admin.network.listPorts({ network_id: n.id })).toEqual([]);
    expect(admin.network.listDhcpAgentsHostingNetwork(n.id)).toEqual([]);
  });

  it('admin_state_up and description may be updated; other attributes are read-only; the DHCP scheduler skips a disabled agent', () => {
    const { cloud, admin, demo } = world(12408);
    const dhcp = admin.network.listAgents({ agent_type: 'DHCP agent' })[0]!;
    const off = admin.network.updateAgent(dhcp.id, { admin_state_up: false, description: 'draining' });
    expect(off).toMatchObject({ id: dhcp.id, admin_state_up: false, description: 'draining', alive: true });
    expect(admin.network.getAgent(dhcp.id).admin_state_up).toBe(false);
    for (const attr of ['host', 'agent_type', 'alive', 'binary', 'topic']) {
      refused(cloud, () => admin.network.updateAgent(dhcp.id, { [attr]: 'x' }), { status: 400, message: `Cannot update read-only attribute ${attr}` });
    }
    refused(cloud, () => admin.network.updateAgent(dhcp.id, { admin_state_up: 'sometimes' }), { status: 400, field: 'admin_state_up' });
    const n = demo.network.createNetwork({ name: 'unserved' });
    demo.network.createSubnet({ network_id: n.id, cidr: '10.41.0.0/24', ip_version: 4 });
    expect(admin.network.listPorts({ network_id: n.id, device_owner: 'network:dhcp' })).toEqual([]);
    admin.network.updateAgent(dhcp.id, { admin_state_up: true });
    const m = demo.network.createNetwork({ name: 'served' });
    demo.network.createSubnet({ network_id: m.id, cidr: '10.42.0.0/24', ip_version: 4 });
    expect(admin.network.listPorts({ network_id: m.id, device_owner: 'network:dhcp' })).toHaveLength(1);
  });

  // Zed: mech_agent.AgentMechanismDriverBase.bind_port binds to any *alive* agent of the host
  // (`if agent['alive']`); admin_state_up only steers the DHCP and L3 schedulers.
  it('an Open vSwitch agent set admin_state_up false still binds ports (ML2 looks at alive only)', () => {
    const { admin, demo } = world(12409);
    const ovs = admin.network.listAgents({ host: 'compute2', agent_type: 'Open vSwitch agent' })[0]!;
    admin.network.updateAgent(ovs.id, { admin_state_up: false });
    const n = demo.network.createNetwork({ name: 'x' });
    demo.network.createSubnet({ network_id: n.id, cidr: '10.43.0.0/24', ip_version: 4 });
    expect(admin.network.createPort({ network_id: n.id, 'binding:host_id': 'compute2' })).toMatchObject({ status: 'ACTIVE', 'binding:vif_type': 'ovs' });
  });
});
