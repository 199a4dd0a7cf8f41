/**
 * Neutron's API exceptions as stacksim errors: Neutron's HTTP status and message text
 * (`neutron_lib/exceptions/__init__.py`, `l3.py`, `securitygroup.py`, `rbac.py`), with
 * `details.neutron` naming the Neutron class — the `type` of the REST fault body
 * (`{"NeutronError": {"type", "message", "detail"}}`). Codes are `network.<resource>.<condition>`.
 */
import { CloudError, type ErrorDetails } from '../core/index.js';

/** One Neutron exception: status, stable code, Neutron's class name and message. */
export class NeutronError extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'NeutronError';
  constructor(status: number, code: string, neutron: string, message: string, details: ErrorDetails = {}) {
    super(status, code, message, { neutron, ...details });
  }
}

/** The singular resource names of the API, as Neutron's controllers name them. */
export type NeutronResource = 'network' | 'subnet' | 'subnetpool' | 'port' | 'router' | 'floatingip' | 'security_group' | 'security_group_rule' | 'rbac_policy' | 'agent';

const NOT_FOUND: Readonly<Record<NeutronResource, readonly [string, (id: string) => string]>> = {
  network: ['NetworkNotFound', (id) => `Network ${id} could not be found.`],
  subnet: ['SubnetNotFound', (id) => `Subnet ${id} could not be found.`],
  subnetpool: ['SubnetPoolNotFound', (id) => `Subnet pool ${id} could not be found.`],
  port: ['PortNotFound', (id) => `Port ${id} could not be found.`],
  router: ['RouterNotFound', (id) => `Router ${id} could not be found`],
  floatingip: ['FloatingIPNotFound', (id) => `Floating IP ${id} could not be found`],
  security_group: ['SecurityGroupNotFound', (id) => `Security group ${id} does not exist`],
  security_group_rule: ['SecurityGroupRuleNotFound', (id) => `Security group rule ${id} does not exist`],
  rbac_policy: ['RbacPolicyNotFound', (id) => `RBAC policy of type network with ID ${id} not found`],
  agent: ['AgentNotFound', (id) => `Agent ${id} could not be found.`],
};

/** 404: `<Resource>NotFound` with Neutron's message. */
export function notFound(resource: NeutronResource, id: string): NeutronError {
  const [neutron, message] = NOT_FOUND[resource];
  return new NeutronError(404, `network.${resource}.not_found`, neutron, message(id), { id });
}

/** 409 `InUse` family: a resource still used by another. */
export function inUse(code: string, neutron: string, message: string, details: ErrorDetails = {}): NeutronError {
  return new NeutronError(409, code, neutron, message, details);
}

/** 400 `BadRequest` / `InvalidInput`: "Invalid input for operation: <reason>." unless `plain`. */
export function invalidInput(code: string, reason: string, field?: string, neutron = 'InvalidInput'): NeutronError {
  return new NeutronError(400, code, neutron, `Invalid input for operation: ${reason}.`, field === undefined ? {} : { field });
}

/** 400: the API layer's refusal of one attribute ("Invalid input for <attr>. Reason: <why>."). */
export function attributeInvalid(field: string, reason: string, code = 'network.input.invalid'): NeutronError {
  return new NeutronError(400, code, 'HTTPBadRequest', `Invalid input for ${field}. Reason: ${reason}.`, { field });
}

/** 400: a required attribute missing from a create (`Failed to parse request. Required attribute 'x' not specified`). */
export function requiredAttribute(field: string): NeutronError {
  return new NeutronError(400, 'network.input.required', 'HTTPBadRequest', `Failed to parse request. Required attribute '${field}' not specified`, { field });
}

/** 400: an attribute that does not exist on the resource (`Unrecognized attribute(s) 'x'`). */
export function unrecognized(fields: readonly string[]): NeutronError {
  return new NeutronError(400, 'network.input.unrecognized_attribute', 'HTTPBadRequest', `Unrecognized attribute(s) '${fields.join(', ')}'`, { field: fields[0] ?? '' });
}

/** 400: an attribute given that may not be changed after creation ("Cannot update read-only attribute x"). */
export function readOnly(field: string): NeutronError {
  return new NeutronError(400, 'network.input.read_only_attribute', 'HTTPBadRequest', `Cannot update read-only attribute ${field}`, { field });
}

/** 409 `IpAddressGenerationFailure`: a subnet (or every subnet) of the network is full. */
export function ipAddressGenerationFailure(networkId: string): NeutronError {
  return new NeutronError(409, 'network.ip.generation_failure', 'IpAddressGenerationFailure', `No more IP addresses available on network ${networkId}.`, { network_id: networkId });
}

/** 409 `IpAddressInUse`. */
export function ipAddressInUse(networkId: string, ip: string): NeutronError {
  return new NeutronError(409, 'network.ip.in_use', 'IpAddressInUse', `Unable to complete operation for network ${networkId}. The IP address ${ip} is in use.`, { network_id: networkId, ip_address: ip, field: 'fixed_ips' });
}

/** 409 `MacAddressInUse`. */
export function macAddressInUse(networkId: string, mac: string): NeutronError {
  return new NeutronError(409, 'network.port.mac_in_use', 'MacAddressInUse', `Unable to complete operation for network ${networkId}. The mac address ${mac} is in use.`, { network_id: networkId, mac_address: mac, field: 'mac_address' });
}

/** 409 `NetworkInUse`: ports other than the network's own (DHCP) ports remain. */
export function networkInUse(networkId: string): NeutronError {
  return inUse('network.network.in_use', 'NetworkInUse', `Unable to complete operation on network ${networkId}. There are one or more ports still in use on the network.`, { network_id: networkId });
}

/** 409 `SubnetInUse`. */
export function subnetInUse(subnetId: string, reason = 'One or more ports have an IP allocation from this subnet.'): NeutronError {
  return inUse('network.subnet.in_use', 'SubnetInUse', `Unable to complete operation on subnet ${subnetId}: ${reason}`, { subnet_id: subnetId });
}

/**
 * 403 `PolicyNotAuthorized`, as oslo.policy words it for Neutron's match rule: `rule:<action>` alone,
 * or `(rule:<action> and rule:<action>:<attr>)` when an attribute rule refused.
 */
export function policyNotAuthorized(action: string, attribute?: string): NeutronError {
  const rule = attribute === undefined ? `rule:${action}` : `(rule:${action} and rule:${action}:${attribute})`;
  return new NeutronError(403, 'network.policy.forbidden', 'PolicyNotAuthorized', `${rule} is disallowed by policy`, { rule: attribute === undefined ? action : `${action}:${attribute}` });
}
