/**
 * Neutron's IPAM exceptions as stacksim errors: each with Neutron's HTTP status and message text,
 * `details.neutron` naming the Neutron class (`neutron_lib/exceptions`, `neutron/ipam/exceptions.py`).
 */
import { BadRequest, Conflict, type ErrorDetails } from '../../core/index.js';

// ------------------------------------------------------------------------------------ errors

/** Codes every IPAM error carries (`network.subnet.*` for subnet checks, `network.ip.*` for addresses). */
function neutronDetails(neutron: string, field?: string, extra: ErrorDetails = {}): ErrorDetails {
  return { neutron, ...(field !== undefined ? { field } : {}), ...extra };
}

/**
 * 400, neutron-lib's `InvalidInput`: "Invalid input for operation: <reason>." Raised by
 * converters and by the plugin's `_validate_subnet` / `_validate_subnet_cidr`.
 */
export class NeutronInvalidInput extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'NeutronInvalidInput';
  constructor(code: string, reason: string, field?: string, neutron = 'InvalidInput') {
    super(code, `Invalid input for operation: ${reason}.`, neutronDetails(neutron, field));
  }
}

/**
 * 400, the API layer's refusal of one attribute (`convert_values` with `webob.exc.HTTPBadRequest`):
 * "Invalid input for <attr>. Reason: <validator message>."
 */
export class NeutronAttributeInvalid extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'NeutronAttributeInvalid';
  constructor(code: string, field: string, reason: string) {
    super(code, `Invalid input for ${field}. Reason: ${reason}.`, neutronDetails('HTTPBadRequest', field));
  }
}

/** 400, `InvalidAllocationPool`: a pool whose bounds do not make a range of the subnet's version. */
export class InvalidAllocationPool extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'InvalidAllocationPool';
  constructor(pool: string) {
    super('network.subnet.invalid_allocation_pool', `The allocation pool ${pool} is not valid.`, neutronDetails('InvalidAllocationPool', 'allocation_pools'));
  }
}

/** 400, `OutOfBoundsAllocationPool`: a pool reaching outside the subnet's usable addresses. */
export class OutOfBoundsAllocationPool extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'OutOfBoundsAllocationPool';
  constructor(pool: string, cidr: string) {
    super('network.subnet.allocation_pool_out_of_bounds', `The allocation pool ${pool} spans beyond the subnet cidr ${cidr}.`, neutronDetails('OutOfBoundsAllocationPool', 'allocation_pools'));
  }
}

/** 409, `OverlappingAllocationPools`: two pools share an address. */
export class OverlappingAllocationPools extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'OverlappingAllocationPools';
  constructor(pool1: string, pool2: string, cidr: string) {
    super('network.subnet.overlapping_allocation_pools', `Found overlapping allocation pools: ${pool1} ${pool2} for subnet ${cidr}.`, neutronDetails('OverlappingAllocationPools', 'allocation_pools'));
  }
}

/** 409 (Neutron's `InUse`), `GatewayConflictWithAllocationPools`: the gateway lies in a pool. */
export class GatewayConflictWithAllocationPools extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'GatewayConflictWithAllocationPools';
  constructor(ip: string, pool: string) {
    super('network.subnet.gateway_conflicts_with_allocation_pool', `Gateway ip ${ip} conflicts with allocation pool ${pool}.`, neutronDetails('GatewayConflictWithAllocationPools', 'gateway_ip'));
  }
}

/** 400, `DNSNameServersExhausted`: more than `max_dns_nameservers` (5). */
export class DnsNameserversExhausted extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'DnsNameserversExhausted';
  constructor(subnetId: string, quota: number) {
    super('network.subnet.dns_nameservers_exhausted', `Unable to complete operation for ${subnetId}. The number of DNS nameservers exceeds the limit ${quota}.`, neutronDetails('DNSNameServersExhausted', 'dns_nameservers'));
  }
}

/** 400, `HostRoutesExhausted`: more than `max_subnet_host_routes` (20). */
export class HostRoutesExhausted extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'HostRoutesExhausted';
  constructor(subnetId: string, quota: number) {
    super('network.subnet.host_routes_exhausted', `Unable to complete operation for ${subnetId}. The number of host routes exceeds the limit ${quota}.`, neutronDetails('HostRoutesExhausted', 'host_routes'));
  }
}

/** 409, the IPAM driver's `IpamValueInvalid` (a subnet request it cannot satisfy). */
export class IpamValueInvalid extends Conflict {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'IpamValueInvalid';
  constructor(code: string, message: string, field?: string) {
    super(code, message, neutronDetails('IpamValueInvalid', field));
  }
}

/**
 * 400 where Neutron itself fails with a Python exception (a 500 there: `ValueError`,
 * `IndexError`, `TypeError`); `details.neutron` names it. stacksim refuses the input instead.
 */
export class IpamInputUnsupported extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'IpamInputUnsupported';
  constructor(code: string, message: string, python: string, field?: string) {
    super(code, message, neutronDetails(python, field));
  }
}
