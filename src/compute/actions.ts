/**
 * The instance actions log (`nova/objects/instance_action.py`, `nova/compute/instance_actions.py`,
 * `nova/compute/utils.py` `EventReporter`, `nova/compute/manager.py` `wrap_instance_event`): the
 * API records one action per request that acts on a server (`create`, `stop`, `reboot`, …, with
 * the request id), and each service that works on it records an event (`schedule_instances` by the
 * conductor, `compute__do_build_and_run_instance`, `compute_stop_instance`, … by nova-compute)
 * with its start, finish, result (`Success` / `Error`) and host.
 */
import { getRow, setRow, tablePrefix, type CloudState, type Tx } from '../core/index.js';
import type { ActionEventRow, ActionRow, ServerRow } from './types.js';

/** `nova/compute/instance_actions.py`: the action names the API records. */
export type InstanceActionName =
  | 'create' | 'delete' | 'stop' | 'start' | 'reboot' | 'rebuild' | 'pause' | 'unpause' | 'suspend' | 'resume' | 'rescue' | 'unrescue'
  | 'changePassword' | 'lock' | 'unlock' | 'createBackup' | 'createImage' | 'attach_volume' | 'detach_volume' | 'swap_volume'
  | 'attach_interface' | 'detach_interface' | 'resetState' | 'trigger_crash_dump' | 'resize' | 'confirmResize' | 'revertResize'
  | 'migrate' | 'live-migration' | 'live_migration_force_complete' | 'live_migration_cancel' | 'evacuate' | 'shelve' | 'shelveOffload'
  | 'unshelve' | 'extend_volume';

/** The key of an action: the server, then the request id (one action per request). */
function actionKey(uuid: string, requestId: string): string {
  return `${uuid}/${requestId}`;
}

/** `InstanceAction.action_start`: the API records the action of this request on the server. */
export function startAction(tx: Tx, server: Pick<ServerRow, 'uuid'>, action: InstanceActionName, who: { readonly userId: string; readonly projectId: string | null }): void {
  const row: ActionRow = {
    id: tx.counter('compute.action'),
    instance_uuid: server.uuid,
    action,
    request_id: tx.requestId,
    user_id: who.userId,
    project_id: who.projectId ?? '',
    start_time: tx.now(),
    finish_time: null,
    message: null,
    updated_at: tx.now(),
    events: [],
  };
  setRow(tx.draft.compute.actions, actionKey(server.uuid, tx.requestId), row);
}

/** `EventReporter.__enter__`: a service starts an event of the request's action (nothing when the request recorded none). */
export function startEvent(tx: Tx, uuid: string, event: string, host: string | null): void {
  const key = actionKey(uuid, tx.requestId);
  const action = getRow((tx.draft as CloudState).compute.actions, key);
  if (action === undefined) return;
  const row: ActionEventRow = { event, start_time: tx.now(), finish_time: null, result: null, traceback: null, host, details: null };
  setRow(tx.draft.compute.actions, key, { ...action, events: [...action.events, row], updated_at: tx.now() });
}

/**
 * `EventReporter.__exit__`: the event finishes with `Success` or `Error` (an error also marks the
 * action's `message` `Error`, as `action_event_finish` does).
 */
export function finishEvent(tx: Tx, uuid: string, event: string, error: { readonly message: string; readonly details?: string } | null = null): void {
  const key = actionKey(uuid, tx.requestId);
  const action = getRow((tx.draft as CloudState).compute.actions, key);
  if (action === undefined) return;
  let i = -1;
  for (let k = action.events.length - 1; k >= 0; k--) if (action.events[k]!.event === event && action.events[k]!.finish_time === null) { i = k; break; }
  if (i < 0) return;
  const events = action.events.slice();
  events[i] = { ...events[i]!, finish_time: tx.now(), result: error === null ? 'Success' : 'Error', traceback: error === null ? null : error.details ?? error.message, details: error === null ? null : error.message };
  setRow(tx.draft.compute.actions, key, { ...action, events, message: error === null ? action.message : 'Error', updated_at: tx.now() });
}

/** One event from start to finish (a step with nothing asynchronous inside). */
export function recordEvent(tx: Tx, uuid: string, event: string, host: string | null, error: { readonly message: string; readonly details?: string } | null = null): void {
  // {@link startEvent} then {@link finishEvent} (which finishes the event just started) in one row write
  const key = actionKey(uuid, tx.requestId);
  const action = getRow((tx.draft as CloudState).compute.actions, key);
  if (action === undefined) return;
  const now = tx.now();
  const row: ActionEventRow = { event, start_time: now, finish_time: now, result: error === null ? 'Success' : 'Error', traceback: error === null ? null : error.details ?? error.message, host, details: error === null ? null : error.message };
  setRow(tx.draft.compute.actions, key, { ...action, events: [...action.events, row], message: error === null ? action.message : 'Error', updated_at: now });
}

/** A server's actions, newest first (`InstanceActionList.get_by_instance_uuid`: created_at desc, id desc). */
export function actionsOf(s: CloudState, uuid: string): ActionRow[] {
  return tablePrefix(s.compute.actions, `${uuid}/`).map(([, a]) => a).sort((a, b) => b.start_time - a.start_time || b.id - a.id);
}

/** The action of one request on a server. */
export function findAction(s: CloudState, uuid: string, requestId: string): ActionRow | undefined {
  return getRow(s.compute.actions, actionKey(uuid, requestId));
}
