/**
 * The instance actions API (`/servers/{id}/os-instance-actions`): what was done to a server, by
 * whom, with each service's events.
 *
 * Followed, Zed: `nova/api/openstack/compute/instance_actions.py` (2.21+: a deleted server's
 * actions stay readable, `read_deleted='yes'`; 2.58+: `updated_at`, paging with `limit` and
 * `marker` (a request id; unknown: 400 "Marker <m> could not be found."), `changes-since`;
 * 2.66+: `changes-before` (400 when before `changes-since`); events shown to everyone since
 * 2.51, their `traceback` and (2.62) `host` under `os-instance-actions:events`, the hashed
 * `hostId` (2.62) for all, `details` (2.84) under `events:details`), its schemas, and
 * `nova/db/main/api.py` `actions_get` (newest first by `created_at` then id; `changes-since` /
 * `changes-before` on `updated_at`, inclusive; `limit` at most `[api] max_limit`).
 *
 * The lookup finds the caller's own servers (an admin's: any), deleted or not, by id (a name
 * finds live servers only); another project's server is a 404 before the policy. The answer is
 * the list itself: nova's `links` (the next page when `limit` is reached) are not part of it.
 */
import { getRow, type CloudState } from '../core/index.js';
import { findAction, actionsOf } from './actions.js';
import { allowed, enforce, visible, type Ctx } from './context.js';
import { NovaError, badRequest, notFound } from './errors.js';
import { describeValue, fieldError, optionalText } from './input.js';
import { NOVA_RULES } from './policies.js';
import { getServer } from './servers.js';
import type { ActionEventRow, ActionRow, ServerRow } from './types.js';
import { hostId, usgTime } from './views.js';

/** One event of an action (`EVENT_KEYS`, and `traceback` / `host` / `hostId` / `details` as allowed). */
export interface InstanceActionEventView {
  readonly event: string;
  readonly start_time: string;
  readonly finish_time: string | null;
  readonly result: 'Success' | 'Error' | null;
  readonly traceback?: string | null;
  readonly host?: string | null;
  readonly hostId?: string;
  readonly details?: string | null;
}

/** An instance action (`ACTION_KEYS_V258`); `events` only in `GET …/os-instance-actions/{request_id}`. */
export interface InstanceActionView {
  readonly action: string;
  readonly instance_uuid: string;
  readonly request_id: string;
  readonly user_id: string;
  readonly project_id: string;
  readonly start_time: string;
  readonly message: string | null;
  readonly updated_at: string;
  readonly events?: readonly InstanceActionEventView[];
}

/** `_get_instance` with `read_deleted='yes'`: the caller's servers, deleted ones included. */
function instanceOf(ctx: Ctx, ref: unknown): ServerRow {
  try {
    return getServer(ctx, ref);
  } catch (e) {
    if (!(e instanceof NovaError) || e.status !== 404) throw e;
    const id = typeof ref === 'string' ? ref : typeof ref === 'object' && ref !== null && typeof (ref as { id?: unknown }).id === 'string' ? (ref as { id: string }).id : undefined;
    const row = id === undefined ? undefined : getRow(ctx.s.compute.servers, id);
    if (row !== undefined && row.deleted && visible(ctx, row)) return row;
    throw e;
  }
}

/** An action's `updated_at` (nova sets it at the action's start). */
function updatedAt(a: ActionRow): number {
  return a.updated_at ?? a.start_time;
}

function actionView(s: CloudState, a: ActionRow): InstanceActionView {
  return {
    action: a.action,
    instance_uuid: a.instance_uuid,
    request_id: a.request_id,
    user_id: a.user_id,
    project_id: a.project_id,
    start_time: usgTime(s, a.start_time) as string,
    message: a.message,
    updated_at: usgTime(s, updatedAt(a)) as string,
  };
}

/** The `date-time` of `changes-since` / `changes-before`, as virtual seconds of the cloud's clock. */
function timeArg(s: CloudState, value: unknown, field: string): number {
  const text = optionalText(value, field, 64, 1);
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})?$/.test(text)) throw fieldError(field, value, `${describeValue(value)} is not a 'date-time'`);
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw fieldError(field, value, `${describeValue(value)} is not a 'date-time'`);
  return (ms - Date.parse(s.meta.clock.epoch)) / 1000;
}

const QUERY_KEYS = ['limit', 'marker', 'changes-since', 'changes-before'];

/**
 * `GET /servers/{id}/os-instance-actions`: the server's actions, newest first (2.58+ fields),
 * filtered by `changes-since` / `changes-before`, paged by `limit` and `marker`.
 */
export function listInstanceActions(ctx: Ctx, ref: unknown, query: unknown): InstanceActionView[] {
  const q = query === undefined ? {} : query;
  if (typeof q !== 'object' || q === null || Array.isArray(q)) throw fieldError('query', q, `${describeValue(q)} is not of type 'object'`);
  const o = q as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!QUERY_KEYS.includes(k) && o[k] !== undefined) throw badRequest(k, `Invalid input for query parameters ${k}. Value: ${describeValue(o[k])}. Additional properties are not allowed ('${k}' was unexpected)`);
  const s = ctx.s;
  let limit = s.compute.config.max_limit;
  if (o.limit !== undefined) {
    const l = o.limit;
    const n = typeof l === 'number' && Number.isSafeInteger(l) && l >= 0 ? l : typeof l === 'string' && /^[0-9]{1,15}$/.test(l) ? Number(l) : NaN;
    if (Number.isNaN(n)) throw badRequest('limit', `Invalid input for query parameters limit. Value: ${describeValue(l)}. ${describeValue(l)} does not match '^[0-9]*$'`);
    limit = Math.min(limit, n);
  }
  const marker = o.marker === undefined ? undefined : optionalText(o.marker, 'marker', 255);
  const since = o['changes-since'] === undefined ? undefined : timeArg(s, o['changes-since'], 'changes-since');
  const before = o['changes-before'] === undefined ? undefined : timeArg(s, o['changes-before'], 'changes-before');
  const row = instanceOf(ctx, ref);
  enforce(ctx, NOVA_RULES.instanceActions.list, { project_id: row.project_id });
  if (since !== undefined && before !== undefined && before < since) throw badRequest('changes-before', 'The value of changes-since must be less than or equal to changes-before.', 'compute.action.changes_before');
  if (limit === 0) return [];
  let actions = actionsOf(s, row.uuid);
  if (since !== undefined) actions = actions.filter((a) => updatedAt(a) >= since);
  if (before !== undefined) actions = actions.filter((a) => updatedAt(a) <= before);
  if (marker !== undefined) {
    if (findAction(s, row.uuid, marker) === undefined) throw badRequest('marker', `Marker ${marker} could not be found.`, 'compute.action.marker_not_found');
    // paginate_query: the rows after the marker's place in the sort order (created_at, id: newest first)
    const order = new Map(actionsOf(s, row.uuid).map((a, i) => [a.request_id, i]));
    const at = order.get(marker) as number;
    actions = actions.filter((a) => (order.get(a.request_id) as number) > at);
  }
  return actions.slice(0, limit).map((a) => actionView(s, a));
}

function eventView(s: CloudState, e: ActionEventRow, projectId: string, show: { traceback: boolean; host: boolean; details: boolean }): InstanceActionEventView {
  const view: Record<string, unknown> = {
    event: e.event,
    start_time: usgTime(s, e.start_time),
    finish_time: usgTime(s, e.finish_time),
    result: e.result,
  };
  if (show.traceback) view.traceback = e.traceback;
  if (show.host) view.host = e.host;
  view.hostId = hostId(e.host, projectId);
  if (show.details) view.details = e.details;
  return view as unknown as InstanceActionEventView;
}

/**
 * `GET /servers/{id}/os-instance-actions/{request_id}`: the action with its events (404 "Action
 * <request_id> not found").
 */
export function showInstanceAction(ctx: Ctx, ref: unknown, requestId: unknown): InstanceActionView {
  const id = optionalText(requestId, 'request_id', 255);
  const row = instanceOf(ctx, ref);
  const target = { project_id: row.project_id };
  enforce(ctx, NOVA_RULES.instanceActions.show, target);
  const action = findAction(ctx.s, row.uuid, id);
  if (action === undefined) throw notFound('action', id, `Action ${id} not found`);
  const full = allowed(ctx, NOVA_RULES.instanceActions.events, target);
  const details = allowed(ctx, NOVA_RULES.instanceActions.eventsDetails, target);
  const projectId = action.project_id || row.project_id;
  return { ...actionView(ctx.s, action), events: action.events.map((e) => eventView(ctx.s, e, projectId, { traceback: full, host: full, details })) };
}
