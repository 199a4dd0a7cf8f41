/**
 * What a fresh Neutron install holds, and what DevStack's `create_neutron_initial_network`
 * (`lib/neutron_plugins/services/l3`) adds with the devstack preset:
 * - every preset: the agents of the hosts (Open vSwitch on compute and network hosts, DHCP, L3
 *   and metadata on network hosts), started by the hardware hooks as hosts appear;
 * - devstack: as `admin`, the external network `public` (flat on the physical network `public`)
 *   with `public-subnet` 172.24.4.0/24 (gateway 172.24.4.1, no DHCP) and `ipv6-public-subnet`
 *   2001:db8::/64 (gateway 2001:db8::2, no DHCP), the shared default subnet pools
 *   `shared-default-subnetpool-v4` 10.0.0.0/22 (/26) and `shared-default-subnetpool-v6`
 *   2001:db8:8000::/48 (/64); as `demo`, the network `private` (a VXLAN tenant network) with
 *   `private-subnet` (a /26 from the v4 pool: 10.0.0.0/26) and `ipv6-private-subnet` (SLAAC, a
 *   /64 from the v6 pool), and `router1` with its gateway on `public` (SNAT) and both private
 *   subnets as interfaces; every DevStack project's `default` security group.
 *
 * Commands run here with an elevated context (`context.get_admin_context()`): DevStack's
 * `openstack` calls are authorised, so the preset does not re-check their policy.
 */
import { ResourceNotFound, type CloudState, type PolicyCredentials, type PolicyEngine, type Tx } from '../core/index.js';
import { DEFAULT_DOMAIN_ID, getProject } from '../identity/index.js';
import type { Ctx } from './context.js';
import { createNetwork } from './networks.js';
import { createSubnet } from './subnets.js';
import { createSubnetPool } from './subnetpools.js';
import { createRouter } from './routers.js';
import { addRouterInterface } from './router_interfaces.js';
import { ensureDefaultSecurityGroup } from './security_groups.js';

/** A policy engine that allows everything: the elevated context's. */
const ELEVATED: PolicyEngine = { authorize: () => true, enforce: () => undefined, hasRule: () => false, attributeRules: () => new Set<string>() } as unknown as PolicyEngine;

/** `get_admin_context()` acting for a project: sees everything, every rule allows. */
export function elevatedCtx(s: CloudState, projectId: string | null): Ctx {
  const creds = { project_id: projectId, tenant_id: projectId, roles: ['admin'], is_admin: true } as unknown as PolicyCredentials;
  return { s, creds, policy: ELEVATED, userId: '', projectId, isAdmin: true, isAdvsvc: false };
}

function projectId(s: CloudState, name: string): string | undefined {
  try {
    return getProject(s, name, undefined, DEFAULT_DOMAIN_ID).id;
  } catch (e) {
    if (e instanceof ResourceNotFound) return undefined;
    throw e;
  }
}

/** DevStack's initial networks, pools, router and default security groups. */
export function devstackNetworks(tx: Tx): void {
  const s = (): CloudState => tx.draft as CloudState;
  const admin = projectId(s(), 'admin');
  const demo = projectId(s(), 'demo');
  if (admin === undefined || demo === undefined) return;
  const asAdmin = (): Ctx => elevatedCtx(s(), admin);
  const asDemo = (): Ctx => elevatedCtx(s(), demo);

  const v4pool = createSubnetPool(tx, asAdmin(), { name: 'shared-default-subnetpool-v4', prefixes: ['10.0.0.0/22'], default_prefixlen: 26, shared: true, is_default: true, project_id: admin });
  const v6pool = createSubnetPool(tx, asAdmin(), { name: 'shared-default-subnetpool-v6', prefixes: ['2001:db8:8000::/48'], default_prefixlen: 64, shared: true, is_default: true, project_id: admin });

  const privateNet = createNetwork(tx, asDemo(), { name: 'private', project_id: demo });
  const privateSubnet = createSubnet(tx, asDemo(), { name: 'private-subnet', network_id: privateNet.id, ip_version: 4, subnetpool_id: v4pool.id, project_id: demo });
  const privateV6 = createSubnet(tx, asDemo(), { name: 'ipv6-private-subnet', network_id: privateNet.id, ip_version: 6, subnetpool_id: v6pool.id, ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac', project_id: demo });

  const publicNet = createNetwork(tx, asAdmin(), { name: 'public', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'public', project_id: admin });
  createSubnet(tx, asAdmin(), { name: 'public-subnet', network_id: publicNet.id, ip_version: 4, cidr: '172.24.4.0/24', gateway_ip: '172.24.4.1', enable_dhcp: false, project_id: admin });
  createSubnet(tx, asAdmin(), { name: 'ipv6-public-subnet', network_id: publicNet.id, ip_version: 6, cidr: '2001:db8::/64', gateway_ip: '2001:db8::2', enable_dhcp: false, project_id: admin });

  const router = createRouter(tx, asDemo(), { name: 'router1', project_id: demo, external_gateway_info: { network_id: publicNet.id } });
  addRouterInterface(tx, asDemo(), router.id, { subnet_id: privateSubnet.id });
  addRouterInterface(tx, asDemo(), router.id, { subnet_id: privateV6.id });

  for (const name of ['admin', 'demo', 'alt_demo']) {
    const p = projectId(s(), name);
    if (p !== undefined) ensureDefaultSecurityGroup(tx, p);
  }
}
