/**
 * Neutron as the cloud assembles it: its slice and options (`ml2_conf.ini`, agent options), Zed's
 * policy defaults with Neutron's `field:` check, its quotas, its catalog entry, its agents on the
 * hardware's hosts (through the hardware hooks), DevStack's initial networks, and
 * `session.network`.
 */
import type { ServiceDescriptor } from '../core/index.js';
import { CONTROLLER_URL, type RequestPipeline } from '../identity/index.js';
import { hostStateChanged, removeHostAgents, syncHostAgents } from './agents.js';
import { NetworkApi } from './api.js';
import { devstackNetworks } from './bootstrap.js';
import { checkNetworkOptions, initialNetworkState } from './config.js';
import { NEUTRON_POLICIES, NEUTRON_POLICY_CHECKS } from './policies.js';
import { NEUTRON_QUOTAS } from './quota.js';
import { networkRest } from './rest.js';
import type { NeutronConfig } from './types.js';

/** What Neutron adds to a session. */
export interface NetworkSession {
  /** Networking (Neutron v2.0, ML2 with Open vSwitch): networks, subnets, ports, routers, floating IPs, security groups, RBAC, agents. */
  readonly network: NetworkApi;
}

/**
 * The network service (Neutron). Option `network`: `ml2` (`ml2_conf.ini`; DevStack's VXLAN
 * tenant networks with the devstack preset), `agent_down_time`, `dhcp_agents_per_network`,
 * `default_availability_zones`.
 */
export const networkService: ServiceDescriptor<NeutronConfig, NetworkSession, object, object, RequestPipeline> = {
  name: 'network',
  slices: ['network'],
  option: { key: 'network', check: (input, context) => checkNetworkOptions(input, context.preset === 'devstack') },
  initialState: (config) => ({ network: initialNetworkState(config) }),
  policies: NEUTRON_POLICIES,
  policyChecks: NEUTRON_POLICY_CHECKS,
  quotas: NEUTRON_QUOTAS,
  catalog: [{ type: 'network', name: 'neutron', description: 'Neutron Service', url: `${CONTROLLER_URL}/networking` }],
  hooks: {
    'hardware.host.added': (tx, host) => syncHostAgents(tx, host),
    'hardware.host.updated': (tx, _before, after) => syncHostAgents(tx, after),
    'hardware.host.state_changed': (tx, before, after) => hostStateChanged(tx, before, after),
    'hardware.host.removing': (tx, host) => removeHostAgents(tx, host),
  },
  deploy: (tx, context) => {
    if (context.preset === 'devstack') devstackNetworks(tx);
  },
  session: (requests) => ({ network: new NetworkApi(requests) }),
  rest: networkRest,
};
