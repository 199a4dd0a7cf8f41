/**
 * `host_status` of a server (`nova/compute/api.py` `get_instance_host_status`, 2.16): from the
 * `nova-compute` service of its host (`nova_services.ts`) — `DOWN` when forced down,
 * `MAINTENANCE` when disabled, `UP` while it reports (`service_is_up`: a heartbeat within
 * `service_down_time`), else `UNKNOWN`; `''` (`NONE`) without a host or without a `nova-compute`
 * service there.
 */
import type { CloudState } from '../core/index.js';
import { computeServiceOf, serviceUp } from './nova_services.js';
import type { ServerRow } from './types.js';

/** `fields.HostStatus` (`NONE` is `''`). */
export type HostStatusValue = 'UP' | 'DOWN' | 'MAINTENANCE' | 'UNKNOWN' | 'NONE' | '';

/** The host status nova shows for a server. */
export function hostStatusOf(s: CloudState, row: ServerRow): HostStatusValue {
  if (!row.host) return '';
  const service = computeServiceOf(s, row.host);
  if (service === undefined) return '';
  if (service.forced_down) return 'DOWN';
  if (service.disabled) return 'MAINTENANCE';
  return serviceUp(s, service) ? 'UP' : 'UNKNOWN';
}
