/**
 * The checks every server action runs before it changes anything, in the order nova's decorators
 * run them (`nova/compute/api.py` `check_instance_lock`, `check_instance_host`,
 * `check_instance_state`): a locked server refuses a non-admin (409 `InstanceIsLocked`), an
 * action that needs a host refuses a server without one (409 `InstanceNotReady`), and the
 * allowed-state table (`vm_states.ts`) decides the rest (409 with nova's message).
 */
import type { Ctx } from './context.js';
import { conflict, invalidState, locked, type NovaError } from './errors.js';
import { computeUp } from './nova_services.js';
import type { ServerRow } from './types.js';
import { ACTION_STATES, stateAllows, type ComputeAction } from './vm_states.js';

/** 409 `ServiceUnavailable` (`nova/exception.py`): the nova-compute of `host` is down (or forced down). */
export function serviceUnavailable(host: string): NovaError {
  return conflict('compute.service.unavailable', 'ServiceUnavailable', 'Service is unavailable at this time.', { host });
}

/** Runs the guards of `action` on a server (nothing is changed; throws nova's 409). */
export function checkAction(ctx: Ctx, row: ServerRow, action: ComputeAction): void {
  const rule = ACTION_STATES[action];
  for (const guard of rule.guards) {
    if (guard === 'lock') {
      // check_instance_lock: `context.is_admin` passes a lock
      if (row.locked && !ctx.isAdmin) throw locked(row.uuid);
    } else if (guard === 'host' || guard === 'host_up') {
      if (row.host === null) throw conflict('compute.server.not_ready', 'InstanceNotReady', `Instance ${row.uuid} is not ready`, { id: row.uuid });
      if (guard === 'host_up') {
        if (!computeUp(ctx.s, row.host)) throw serviceUnavailable(row.host);
      }
    } else {
      const refused = stateAllows(action, row.vm_state, row.task_state, row.launched_at !== null);
      if (refused !== null) throw invalidState(refused.action, row.uuid, refused.attr, refused.state);
    }
  }
}
