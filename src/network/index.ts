/**
 * The network module's door (Neutron). For now it holds the IPAM core only: pure functions over
 * CIDRs, addresses and allocation pools, judged against Neutron's own code. The descriptor,
 * state and API come later; other modules import from here, never from a file behind it.
 */
export * from './ipam_errors.js';
export { formatAddress, parseAddress, parseCidr, type IpVersion, type IpAddressValue, type IpNetworkValue, type AllocationPool, type IpRangeValue } from './addresses.js';
export * from './subnets.js';
export * from './allocation.js';
export * from './segments.js';
export * from './ml2_config.js';
