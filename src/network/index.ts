/**
 * The network module's door (Neutron). `ipam/` holds Neutron's IPAM core (pure functions over
 * CIDRs, addresses and allocation pools, as `neutron/ipam/`), `ml2/` ML2's type drivers' segment
 * logic (as `neutron/plugins/ml2/`); both are judged against Neutron's own code. Other modules
 * import from here, never from a file behind it.
 */
export * from './ipam/errors.js';
export { formatAddress, parseAddress, parseCidr, type IpVersion, type IpAddressValue, type IpNetworkValue, type AllocationPool, type IpRangeValue } from './ipam/addresses.js';
export * from './ipam/subnets.js';
export * from './ipam/allocation.js';
export * from './ml2/segments.js';
export * from './ml2/config.js';
import type {} from './state.js';
import type {} from './events.js';
export { networkService, type NetworkSession } from './service.js';
export { NetworkApi } from './api.js';
export type { NetworkOptions } from './config.js';
export type { NetworkView, NetworkCreateRequest, NetworkUpdateRequest, NetworkRef } from './networks.js';
export type { SubnetView, SubnetCreateRequest, SubnetUpdateRequest } from './subnets.js';
export type { PortView, PortCreateRequest, PortUpdateRequest } from './ports.js';
export type { RbacPolicyView } from './rbac.js';
export type { AgentView } from './agents.js';
export type { ListQuery } from './controller.js';
export type { NetworkState, NeutronConfig } from './types.js';
export { explainReachability, type ReachabilityAnswer, type ReachabilityQuery, type ReachabilityHop, type ReachDenial, type ReachEnd, type ReachEndInput, type ReachProtocol, type ReachResource, type ReachVia, type HopKind } from './reachability.js';
export type { RouterView, RouterInterfaceInfo, RouterCreateRequest, RouterUpdateRequest, RouterInterfaceRequest, ExternalGatewayInfo, ExternalFixedIp } from './routers.js';
export type { FloatingIpView, FloatingIpCreateRequest, FloatingIpUpdateRequest, FloatingIpPortDetails } from './floatingips.js';
export type { SubnetPoolView } from './subnetpools.js';
export type { SecurityGroupView, SecurityGroupRuleView } from './security_groups.js';
export type { NeutronQuotaView, NeutronQuotaDetailView, NeutronQuotaResource } from './quota.js';
export { NEUTRON_POLICIES } from './policies.js';
export { NeutronError } from './errors.js';
export * from './client.js';
