/**
 * The Networking API v2.0 for a session: `session.network`. Every call validates the token
 * (401), looks resources up as Neutron's database layer would for this caller (404 for what
 * it may not see), asks Neutron's Zed policy with Neutron's targets (403, or 404 when the caller
 * may not even `get_` the resource), and changes state in one atomic commit whose answer is
 * built before the commit. Method names follow the API operations; references take an id (or a
 * name among what the caller may see), or `{ id }` for an id alone.
 *
 * Not simulated: QoS, trunks, BGP, VPN / FWaaS / LBaaS, DVR and HA routers (the attributes are
 * stored and shown), port forwarding, address scopes and groups, network segment ranges,
 * routed networks, tags as a separate API, `extra_dhcp_opts`, DNS integration, metering.
 */
import { getRow, type Tx } from '../core/index.js';
import type { RequestPipeline } from '../identity/index.js';
import { makeCtx, type Ctx } from './context.js';
import type { ListQuery } from './controller.js';
import * as agents from './agents.js';
import * as floatingips from './floatingips.js';
import * as networks from './networks.js';
import * as ports from './ports.js';
import * as quota from './quota.js';
import * as rbac from './rbac.js';
import * as reachability from './reachability.js';
import * as routers from './routers.js';
import * as interfaces from './router_interfaces.js';
import * as sg from './security_groups.js';
import * as subnetpools from './subnetpools.js';
import * as subnets from './subnets.js';

/**
 * Neutron for one session. Each create takes the request body's attributes (the `network`,
 * `subnet`, … object of the REST body); each list takes Neutron's filters and `fields`,
 * `sort_key` / `sort_dir`, `limit` / `marker` / `page_reverse` ({@link ListQuery}).
 */
export class NetworkApi {
  /** @internal built by the session from its request pipeline. */
  constructor(private readonly requests: RequestPipeline) {}

  private read(): Ctx {
    const r = this.requests.read();
    return makeCtx(r.s, r.policy, r.creds);
  }

  private write<R>(operation: string, fn: (tx: Tx, ctx: Ctx) => R): R {
    return this.requests.write(`network.${operation}`, (tx, r) => {
      const ctx = makeCtx(r.s, r.policy, r.creds);
      tx.trace('neutron-server', `${operation} (project ${ctx.projectId ?? 'none'})`);
      return fn(tx, ctx);
    });
  }

  // ------------------------------------------------------------------------------ networks

  /** `POST /v2.0/networks`: a tenant network takes a segment from ML2's ranges; admins may give provider attributes. */
  createNetwork(body: networks.NetworkCreateRequest = {}): networks.NetworkView {
    return this.write('create_network', (tx, ctx) => networks.createNetwork(tx, ctx, body));
  }

  /** `GET /v2.0/networks/{id}`. */
  getNetwork(ref: networks.NetworkRef): networks.NetworkView {
    return networks.showNetwork(this.read(), ref);
  }

  /** `GET /v2.0/networks`. */
  listNetworks(query: ListQuery = {}): networks.NetworkView[] {
    return networks.listNetworks(this.read(), query);
  }

  /** `PUT /v2.0/networks/{id}`. */
  updateNetwork(ref: networks.NetworkRef, body: networks.NetworkUpdateRequest): networks.NetworkView {
    return this.write('update_network', (tx, ctx) => networks.updateNetwork(tx, ctx, ref, body));
  }

  /** `DELETE /v2.0/networks/{id}`: its subnets and DHCP ports go with it; 409 while other ports remain. */
  deleteNetwork(ref: networks.NetworkRef): void {
    this.write('delete_network', (tx, ctx) => networks.deleteNetwork(tx, ctx, ref));
  }

  // ------------------------------------------------------------------------------ subnets

  /** `POST /v2.0/subnets`: from a `cidr` or a subnet pool; IPAM exactly as Neutron's. */
  createSubnet(body: subnets.SubnetCreateRequest): subnets.SubnetView {
    return this.write('create_subnet', (tx, ctx) => subnets.createSubnet(tx, ctx, body));
  }

  /** `GET /v2.0/subnets/{id}`. */
  getSubnet(ref: networks.NetworkRef): subnets.SubnetView {
    return subnets.showSubnet(this.read(), ref);
  }

  /** `GET /v2.0/subnets`. */
  listSubnets(query: ListQuery = {}): subnets.SubnetView[] {
    return subnets.listSubnets(this.read(), query);
  }

  /** `PUT /v2.0/subnets/{id}`. */
  updateSubnet(ref: networks.NetworkRef, body: subnets.SubnetUpdateRequest): subnets.SubnetView {
    return this.write('update_subnet', (tx, ctx) => subnets.updateSubnet(tx, ctx, ref, body));
  }

  /** `DELETE /v2.0/subnets/{id}`: 409 `SubnetInUse` while ports hold addresses on it. */
  deleteSubnet(ref: networks.NetworkRef): void {
    this.write('delete_subnet', (tx, ctx) => subnets.deleteSubnet(tx, ctx, ref));
  }

  // -------------------------------------------------------------------------- subnet pools

  /** `POST /v2.0/subnetpools`. */
  createSubnetPool(body: Record<string, unknown>): subnetpools.SubnetPoolView {
    return this.write('create_subnetpool', (tx, ctx) => subnetpools.createSubnetPool(tx, ctx, body));
  }

  /** `GET /v2.0/subnetpools/{id}`. */
  getSubnetPool(ref: networks.NetworkRef): subnetpools.SubnetPoolView {
    return subnetpools.showSubnetPool(this.read(), ref);
  }

  /** `GET /v2.0/subnetpools`. */
  listSubnetPools(query: ListQuery = {}): subnetpools.SubnetPoolView[] {
    return subnetpools.listSubnetPools(this.read(), query);
  }

  /** `PUT /v2.0/subnetpools/{id}`. */
  updateSubnetPool(ref: networks.NetworkRef, body: Record<string, unknown>): subnetpools.SubnetPoolView {
    return this.write('update_subnetpool', (tx, ctx) => subnetpools.updateSubnetPool(tx, ctx, ref, body));
  }

  /** `DELETE /v2.0/subnetpools/{id}`. */
  deleteSubnetPool(ref: networks.NetworkRef): void {
    this.write('delete_subnetpool', (tx, ctx) => subnetpools.deleteSubnetPool(tx, ctx, ref));
  }

  // --------------------------------------------------------------------------------- ports

  /**
   * `POST /v2.0/ports`: a MAC from `fa:16:3e`, addresses from IPAM (or as requested), the
   * project's `default` security group unless told otherwise; with `binding:host_id` it is bound
   * at once (what nova does when it plugs a VIF).
   */
  createPort(body: ports.PortCreateRequest): ports.PortView {
    return this.write('create_port', (tx, ctx) => ports.createPort(tx, ctx, body));
  }

  /** `GET /v2.0/ports/{id}`. */
  getPort(ref: networks.NetworkRef): ports.PortView {
    return ports.showPort(this.read(), ref);
  }

  /** `GET /v2.0/ports` (`device_id`, `network_id`, `fixed_ips=ip_address=…`, …). */
  listPorts(query: ListQuery = {}): ports.PortView[] {
    return ports.listPorts(this.read(), query);
  }

  /** `PUT /v2.0/ports/{id}`: `binding:host_id` binds the port to a host (`''` unbinds), `device_id` / `device_owner` attach it. */
  updatePort(ref: networks.NetworkRef, body: ports.PortUpdateRequest): ports.PortView {
    return this.write('update_port', (tx, ctx) => ports.updatePort(tx, ctx, ref, body));
  }

  /** `DELETE /v2.0/ports/{id}`: its addresses are free again; router and floating IP ports are refused. */
  deletePort(ref: networks.NetworkRef): void {
    this.write('delete_port', (tx, ctx) => ports.deletePort(tx, ctx, ref));
  }

  // ------------------------------------------------------------------------------- routers

  /** `POST /v2.0/routers`: scheduled on an L3 agent; `external_gateway_info` gives it a gateway (SNAT on by default). */
  createRouter(body: Record<string, unknown> = {}): routers.RouterView {
    return this.write('create_router', (tx, ctx) => routers.createRouter(tx, ctx, body));
  }

  /** `GET /v2.0/routers/{id}`. */
  getRouter(ref: networks.NetworkRef): routers.RouterView {
    return routers.showRouter(this.read(), ref);
  }

  /** `GET /v2.0/routers`. */
  listRouters(query: ListQuery = {}): routers.RouterView[] {
    return routers.listRouters(this.read(), query);
  }

  /** `PUT /v2.0/routers/{id}`: name, gateway (set, change, clear), static `routes`, … */
  updateRouter(ref: networks.NetworkRef, body: Record<string, unknown>): routers.RouterView {
    return this.write('update_router', (tx, ctx) => routers.updateRouter(tx, ctx, ref, body));
  }

  /** `DELETE /v2.0/routers/{id}`: 409 while it has interfaces. */
  deleteRouter(ref: networks.NetworkRef): void {
    this.write('delete_router', (tx, ctx) => routers.deleteRouter(tx, ctx, ref));
  }

  /** `PUT /v2.0/routers/{id}/add_router_interface` with `{ subnet_id }` or `{ port_id }`. */
  addRouterInterface(ref: networks.NetworkRef, body: Record<string, unknown>): routers.RouterInterfaceInfo {
    return this.write('add_router_interface', (tx, ctx) => interfaces.addRouterInterface(tx, ctx, ref, body));
  }

  /** `PUT /v2.0/routers/{id}/remove_router_interface` with `{ subnet_id }` or `{ port_id }`. */
  removeRouterInterface(ref: networks.NetworkRef, body: Record<string, unknown>): routers.RouterInterfaceInfo {
    return this.write('remove_router_interface', (tx, ctx) => interfaces.removeRouterInterface(tx, ctx, ref, body));
  }

  /** `GET /v2.0/routers/{id}/l3-agents` (admin). */
  listL3AgentsHostingRouter(ref: networks.NetworkRef): agents.AgentView[] {
    return routers.listL3AgentsHostingRouter(this.read(), ref);
  }

  // --------------------------------------------------------------------------- floating IPs

  /** `POST /v2.0/floatingips`: an address of an external network, associated with `port_id` when given. */
  createFloatingIp(body: Record<string, unknown>): floatingips.FloatingIpView {
    return this.write('create_floatingip', (tx, ctx) => floatingips.createFloatingIp(tx, ctx, body));
  }

  /** `GET /v2.0/floatingips/{id}`. */
  getFloatingIp(ref: networks.NetworkRef): floatingips.FloatingIpView {
    return floatingips.showFloatingIp(this.read(), ref);
  }

  /** `GET /v2.0/floatingips`. */
  listFloatingIps(query: ListQuery = {}): floatingips.FloatingIpView[] {
    return floatingips.listFloatingIps(this.read(), query);
  }

  /** `PUT /v2.0/floatingips/{id}`: associate (`port_id`, `fixed_ip_address`) or disassociate (`port_id: null`). */
  updateFloatingIp(ref: networks.NetworkRef, body: Record<string, unknown>): floatingips.FloatingIpView {
    return this.write('update_floatingip', (tx, ctx) => floatingips.updateFloatingIp(tx, ctx, ref, body));
  }

  /** `DELETE /v2.0/floatingips/{id}`. */
  deleteFloatingIp(ref: networks.NetworkRef): void {
    this.write('delete_floatingip', (tx, ctx) => floatingips.deleteFloatingIp(tx, ctx, ref));
  }

  // ------------------------------------------------------------------------ security groups

  /** `POST /v2.0/security-groups`: a group with its two default egress rules. */
  createSecurityGroup(body: Record<string, unknown>): sg.SecurityGroupView {
    return this.write('create_security_group', (tx, ctx) => sg.createSecurityGroup(tx, ctx, body));
  }

  /** `GET /v2.0/security-groups/{id}`. */
  getSecurityGroup(ref: networks.NetworkRef): sg.SecurityGroupView {
    return sg.showSecurityGroup(this.read(), ref);
  }

  /** `GET /v2.0/security-groups`: the caller's project gets its `default` group first if it has none, as Neutron does. */
  listSecurityGroups(query: ListQuery = {}): sg.SecurityGroupView[] {
    const ctx = this.read();
    if (!sg.needsDefaultSecurityGroup(ctx, query)) return sg.listSecurityGroups(ctx, query);
    return this.write('list_security_groups', (tx, c) => {
      const project = sg.defaultSecurityGroupProject(c, query);
      if (project !== null) sg.ensureDefaultSecurityGroup(tx, project);
      return sg.listSecurityGroups({ ...c, s: tx.draft as typeof c.s }, query);
    });
  }

  /** `PUT /v2.0/security-groups/{id}`. */
  updateSecurityGroup(ref: networks.NetworkRef, body: Record<string, unknown>): sg.SecurityGroupView {
    return this.write('update_security_group', (tx, ctx) => sg.updateSecurityGroup(tx, ctx, ref, body));
  }

  /** `DELETE /v2.0/security-groups/{id}`: 409 while ports use it. */
  deleteSecurityGroup(ref: networks.NetworkRef): void {
    this.write('delete_security_group', (tx, ctx) => sg.deleteSecurityGroup(tx, ctx, ref));
  }

  /** `POST /v2.0/security-group-rules`: 409 for a duplicate. */
  createSecurityGroupRule(body: Record<string, unknown>): sg.SecurityGroupRuleView {
    return this.write('create_security_group_rule', (tx, ctx) => sg.createSecurityGroupRule(tx, ctx, body));
  }

  /** `GET /v2.0/security-group-rules/{id}`. */
  getSecurityGroupRule(ref: networks.NetworkRef): sg.SecurityGroupRuleView {
    return sg.showSecurityGroupRule(this.read(), ref);
  }

  /** `GET /v2.0/security-group-rules`. */
  listSecurityGroupRules(query: ListQuery = {}): sg.SecurityGroupRuleView[] {
    const ctx = this.read();
    if (!sg.needsDefaultSecurityGroup(ctx, query, 'security_group_rule')) return sg.listSecurityGroupRules(ctx, query);
    return this.write('list_security_group_rules', (tx, c) => {
      const project = sg.defaultSecurityGroupProject(c, query, 'security_group_rule');
      if (project !== null) sg.ensureDefaultSecurityGroup(tx, project);
      return sg.listSecurityGroupRules({ ...c, s: tx.draft as typeof c.s }, query);
    });
  }

  /** `DELETE /v2.0/security-group-rules/{id}`. */
  deleteSecurityGroupRule(ref: networks.NetworkRef): void {
    this.write('delete_security_group_rule', (tx, ctx) => sg.deleteSecurityGroupRule(tx, ctx, ref));
  }

  // ---------------------------------------------------------------------------------- RBAC

  /** `POST /v2.0/rbac-policies`: share a network (`access_as_shared`) or make it external to a project (`access_as_external`). */
  createRbacPolicy(body: Record<string, unknown>): rbac.RbacPolicyView {
    return this.write('create_rbac_policy', (tx, ctx) => rbac.createRbacPolicy(tx, ctx, body));
  }

  /** `GET /v2.0/rbac-policies/{id}`. */
  getRbacPolicy(ref: networks.NetworkRef): rbac.RbacPolicyView {
    return rbac.showRbacPolicy(this.read(), ref);
  }

  /** `GET /v2.0/rbac-policies`. */
  listRbacPolicies(query: ListQuery = {}): rbac.RbacPolicyView[] {
    return rbac.listRbacPolicies(this.read(), query);
  }

  /** `PUT /v2.0/rbac-policies/{id}` (`target_tenant`). */
  updateRbacPolicy(ref: networks.NetworkRef, body: Record<string, unknown>): rbac.RbacPolicyView {
    return this.write('update_rbac_policy', (tx, ctx) => rbac.updateRbacPolicy(tx, ctx, ref, body));
  }

  /** `DELETE /v2.0/rbac-policies/{id}`: 409 while the project it shared with still has ports on the network. */
  deleteRbacPolicy(ref: networks.NetworkRef): void {
    this.write('delete_rbac_policy', (tx, ctx) => rbac.deleteRbacPolicy(tx, ctx, ref));
  }

  // -------------------------------------------------------------------------------- quotas

  /** `GET /v2.0/quotas/{project_id}`: the caller's own project, or any for an admin. */
  getQuota(projectId: string): quota.NeutronQuotaView {
    return quota.showQuota(this.read(), this.requests.quotas(), projectId);
  }

  /** `GET /v2.0/quotas/{project_id}/default`: the default limits. */
  getQuotaDefault(projectId: string): quota.NeutronQuotaView {
    return quota.showQuotaDefault(this.read(), this.requests.quotas(), projectId);
  }

  /** `GET /v2.0/quotas` (admin): every project with limits of its own. */
  listQuotas(): (quota.NeutronQuotaView & { readonly project_id: string; readonly tenant_id: string })[] {
    return quota.listQuotas(this.read(), this.requests.quotas());
  }

  /** `GET /v2.0/quotas/{project_id}/details`: limit, used and reserved per resource. */
  getQuotaDetails(projectId: string): quota.NeutronQuotaDetailView {
    return quota.showQuotaDetails(this.read(), this.requests.quotas(), projectId);
  }

  /** `PUT /v2.0/quotas/{project_id}` (admin): `{ network: 20, port: -1, … }`, `check_limit` to refuse limits below use. */
  updateQuota(projectId: string, body: Record<string, unknown>): quota.NeutronQuotaView {
    return this.write('update_quota', (tx, ctx) => quota.updateQuota(tx, ctx, projectId, body));
  }

  /** `DELETE /v2.0/quotas/{project_id}` (admin): back to the defaults. */
  resetQuota(projectId: string): void {
    this.write('delete_quota', (tx, ctx) => quota.resetQuota(tx, ctx, projectId));
  }

  // -------------------------------------------------------------------------------- agents

  /** `GET /v2.0/agents` (admin): Open vSwitch, DHCP, L3 and metadata agents with `alive`. */
  listAgents(query: ListQuery = {}): agents.AgentView[] {
    return agents.listAgents(this.read(), query);
  }

  /** `GET /v2.0/agents/{id}` (admin). */
  getAgent(ref: networks.NetworkRef): agents.AgentView {
    return agents.showAgent(this.read(), ref);
  }

  /** `PUT /v2.0/agents/{id}` (admin): `admin_state_up`, `description`. */
  updateAgent(ref: networks.NetworkRef, body: Record<string, unknown>): agents.AgentView {
    return this.write('update_agent', (tx, ctx) => agents.updateAgent(tx, ctx, ref, body));
  }

  /** `DELETE /v2.0/agents/{id}` (admin). */
  deleteAgent(ref: networks.NetworkRef): void {
    this.write('delete_agent', (tx, ctx) => agents.deleteAgent(tx, ctx, ref));
  }

  /** `GET /v2.0/networks/{id}/dhcp-agents` (admin). */
  listDhcpAgentsHostingNetwork(ref: networks.NetworkRef): agents.AgentView[] {
    const ctx = this.read();
    // `NetworkSchedulerController.index` enforces before it looks the network up
    agents.enforceDhcpAgentsListing(ctx);
    return agents.listDhcpAgentsHostingNetwork(ctx, networks.getNetwork(ctx, ref).id);
  }

  // --------------------------------------------------------------------------- reachability

  /**
   * Whether traffic from one end reaches the other, and by which path: each end a port (id or
   * `{ port }`), an IP address (of a port the caller may see, or a floating IP) or `'internet'`.
   * Not an OpenStack API: what the lecture's three questions ask of a running cloud.
   */
  explainReachability(query: reachability.ReachabilityQuery): reachability.ReachabilityAnswer {
    const ctx = this.read();
    return reachability.explainReachability(ctx.s, query, (portId) => {
      const port = getRow(ctx.s.network.ports, portId);
      return port !== undefined && ports.portVisible(ctx, port);
    }, this.requests.memo());
  }
}
