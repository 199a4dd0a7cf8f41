/**
 * Nova's exceptions as stacksim errors (`nova/exception.py`, and the API's translations in
 * `nova/api/openstack/compute/*.py`): nova's HTTP status and message text, with `details.nova`
 * naming the nova class. The REST fault body is nova's (`nova/api/openstack/wsgi.py` `Fault`):
 * `{"itemNotFound": {"code": 404, "message": …}}`, `badRequest`, `forbidden`,
 * `conflictingRequest`, `overLimit`. Codes are `compute.<resource>.<condition>`, never renamed.
 */
import { CloudError, type ErrorDetails } from '../core/index.js';
import { invalidStateConflictMessage } from './vm_states.js';

/** One nova exception: status, stable code, nova's class name and message. */
export class NovaError extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'NovaError';
  constructor(status: number, code: string, nova: string, message: string, details: ErrorDetails = {}) {
    super(status, code, message, { nova, ...details });
  }
}

/** The resources of the Compute API, as stacksim's codes name them. */
export type NovaResource = 'server' | 'flavor' | 'keypair' | 'server_group' | 'image' | 'network' | 'port' | 'volume' | 'attachment' | 'interface' | 'action' | 'aggregate' | 'service' | 'hypervisor' | 'tag' | 'metadata';

const NOT_FOUND: Readonly<Record<NovaResource, readonly [string, (id: string) => string]>> = {
  server: ['InstanceNotFound', (id) => `Instance ${id} could not be found.`],
  flavor: ['FlavorNotFound', (id) => `Flavor ${id} could not be found.`],
  keypair: ['KeypairNotFound', (id) => `Keypair ${id} not found`],
  server_group: ['InstanceGroupNotFound', (id) => `Instance group ${id} could not be found.`],
  image: ['ImageNotFound', (id) => `Image ${id} could not be found.`],
  network: ['NetworkNotFound', (id) => `Network ${id} could not be found.`],
  port: ['PortNotFound', (id) => `Port id ${id} could not be found.`],
  volume: ['VolumeNotFound', (id) => `Volume ${id} could not be found.`],
  attachment: ['VolumeBDMNotFound', (id) => `No volume Block Device Mapping with id ${id}.`],
  interface: ['PortNotFound', (id) => `Port id ${id} could not be found.`],
  action: ['InstanceActionNotFound', (id) => `Action for request_id ${id} not found`],
  aggregate: ['AggregateNotFound', (id) => `Aggregate ${id} could not be found.`],
  service: ['ServiceNotFound', (id) => `Service ${id} could not be found.`],
  hypervisor: ['ComputeHostNotFound', (id) => `Compute host ${id} could not be found.`],
  tag: ['TagNotFound', (id) => `Tag ${id} not found.`],
  metadata: ['MetadataNotFound', (id) => `Metadata item was not found`],
};

/** 404 with nova's class and message. */
export function notFound(resource: NovaResource, id: string, message?: string): NovaError {
  const [nova, text] = NOT_FOUND[resource];
  return new NovaError(404, `compute.${resource}.not_found`, nova, message ?? text(id), { id });
}

/** 400 `HTTPBadRequest` with the API's explanation (request validation: names the field). */
export function badRequest(field: string, message: string, code = 'compute.input.invalid'): NovaError {
  return new NovaError(400, code, 'ValidationError', message, { field });
}

/** 400 with a named nova class (`ImageNotActive`, `FlavorMemoryTooSmall`, `NetworkNotFound` at create, …). */
export function invalid(code: string, nova: string, message: string, details: ErrorDetails = {}): NovaError {
  return new NovaError(400, code, nova, message, details);
}

/** 409 with a named nova class (`NetworkAmbiguous`, `PortInUse`, `InstanceIsLocked`, …). */
export function conflict(code: string, nova: string, message: string, details: ErrorDetails = {}): NovaError {
  return new NovaError(409, code, nova, message, details);
}

/**
 * 409 from `common.raise_http_conflict_for_instance_invalid_state`: "Cannot '<action>' instance
 * <uuid> while it is in <attr> <state>".
 */
export function invalidState(action: string, uuid: string, attr: string | null, state: string | null): NovaError {
  return new NovaError(409, 'compute.server.invalid_state', 'InstanceInvalidState', invalidStateConflictMessage(action, uuid, attr, state), { action, attr, state });
}

/** 409 `InstanceIsLocked`: "Instance <uuid> is locked". */
export function locked(uuid: string): NovaError {
  return new NovaError(409, 'compute.server.locked', 'InstanceIsLocked', `Instance ${uuid} is locked`, { id: uuid });
}

/** 403 `PolicyNotAuthorized`: "Policy doesn't allow <rule> to be performed.". */
export function policyNotAuthorized(rule: string): NovaError {
  return new NovaError(403, 'compute.policy.forbidden', 'PolicyNotAuthorized', `Policy doesn't allow ${rule} to be performed.`, { action: rule });
}

/** 403 over quota (nova's `OverQuota` family answered as `HTTPForbidden` by the API). */
export function overQuota(code: string, nova: string, message: string, details: ErrorDetails = {}): NovaError {
  return new NovaError(403, code, nova, message, details);
}
