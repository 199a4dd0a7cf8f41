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
