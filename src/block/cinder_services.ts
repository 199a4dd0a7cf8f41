/**
 * Cinder's services API (Zed, 3.70): `GET /os-services` and `PUT /os-services/{action}` for
 * `enable`, `disable`, `disable-log-reason`, `freeze` and `thaw` (`cinder/api/contrib/services.py`
 * `ServiceController`, `cinder/api/schemas/services.py`, `cinder/api/common.py`
 * `get_cluster_host`, `cinder/volume/api.py` `freeze_host` / `thaw_host` /
 * `_replication_db_change`, `cinder/volume/manager.py` `freeze_host` / `thaw_host`,
 * `cinder/db/sqlalchemy/api.py` `_filter_host`, `cinder/policies/services.py`).
 *
 * A service is `up` while its host runs, and for `service_down_time` after its last heartbeat
 * (`serviceUp`); its `updated_at` is that heartbeat, every `report_interval` (10 s) while it
 * runs. A disabled, frozen or down volume service's pools are not scheduled (the scheduler and
 * `get_pools` see only active backends). A volume service shows `backend_state` (3.49: `up` when
 * the scheduler has its pools, else null), `replication_status` (`disabled`: no driver here
 * replicates), `active_backend_id` (null) and `frozen`; `cluster` is null (no clusters).
 *
 * Not simulated: clusters (`cluster` in a body finds no service), `failover_host` / `failover`
 * (replication), `set-log` / `get-log` (log levels), `modified_at` (Zed shows the time of the
 * last enable / disable as `updated_at` when it is more recent than the last heartbeat; here
 * `updated_at` is always the heartbeat), a `freeze` of a service that is down (Zed's RPC call
 * times out after the flag is set; here the freeze is done).
 */
import { describeValue, getRow, setRow, tableToArray, type CloudState, type Tx } from '../core/index.js';
import { poolActive, serviceUp } from './backends.js';
import { enforce, ownTarget, type Ctx } from './context.js';
import { CinderError, invalidInput } from './errors.js';
import { onlyKeys } from './input.js';
import { CINDER_RULES } from './policies.js';
import type { ServiceRow } from './types.js';
import { objectArg } from './quota_sets.js';
import { timestamp } from './views.js';

/** `[DEFAULT] report_interval`: a running service writes its heartbeat every 10 s. */
export const REPORT_INTERVAL = 10;

/** One service of `GET /os-services` at 3.70 (with the `os-extended-services` fields). */
export interface CinderServiceView {
  readonly binary: ServiceRow['binary'];
  readonly host: string;
  readonly zone: string;
  /** `enabled` / `disabled`. */
  readonly status: 'enabled' | 'disabled';
  /** `up` / `down` (`service_down_time`). */
  readonly state: 'up' | 'down';
  readonly updated_at: string | null;
  /** Volume services (3.49): `up` when the scheduler has the backend's pools, else null. */
  readonly backend_state?: string | null;
  /** Always null: clusters are not simulated. */
  readonly cluster: string | null;
  readonly disabled_reason: string | null;
  readonly replication_status?: string;
  readonly active_backend_id?: string | null;
  readonly frozen?: boolean;
}

/** What `PUT /os-services/enable|disable|disable-log-reason` answers. */
export interface CinderServiceUpdate {
  readonly disabled_reason?: string | null;
  readonly disabled: boolean;
  readonly host: string;
  /** The deprecated `service` key as given ('' when not). */
  readonly service: string;
  /** `binary` as given ('' when not). */
  readonly binary: string;
  readonly status: 'enabled' | 'disabled';
}

/** What `GET /os-services` filters on. */
export interface CinderServiceQuery {
  /** `host`, `host@backend` or `host@backend#pool` (`_filter_host`: `controller` matches `controller@lvmdriver-1`). */
  readonly host?: string;
  readonly binary?: string;
}

/** The actions of `PUT /os-services/{action}` stacksim simulates. */
export const SERVICE_ACTIONS = ['enable', 'disable', 'disable-log-reason', 'freeze', 'thaw'] as const;
/** One of {@link SERVICE_ACTIONS}. */
export type CinderServiceAction = (typeof SERVICE_ACTIONS)[number];

/** Actions Cinder has that are not simulated, with why. */
const NOT_SIMULATED: Readonly<Record<string, string>> = {
  failover_host: 'replication is not simulated',
  failover: 'replication is not simulated',
  'set-log': 'log levels are not simulated',
  'get-log': 'log levels are not simulated',
};

/**
 * `_filter_host(field, value)` with no match level: `host#pool` matches exactly; `host@backend`
 * that or `host@backend#…`; a bare host that, `host#…` or `host@…`.
 */
export function hostMatches(serviceHost: string, value: string): boolean {
  if (serviceHost === value) return true;
  if (value.includes('#')) return false;
  if (serviceHost.startsWith(`${value}#`)) return true;
  return !value.includes('@') && serviceHost.startsWith(`${value}@`);
}

/** The last heartbeat of a service: every `report_interval` while it runs, else when it stopped. */
export function lastHeartbeat(s: CloudState, row: ServiceRow): number {
  if (!row.reporting) return row.updated_at;
  const since = Math.max(0, s.meta.clock.now - row.updated_at);
  return row.updated_at + Math.floor(since / REPORT_INTERVAL) * REPORT_INTERVAL;
}

/** Every service row, in id order (the database's). */
export function serviceRows(s: CloudState): ServiceRow[] {
  return tableToArray(s.block.services).sort((a, b) => a.id - b.id);
}

/** A service's view (`ServiceController.index`). */
export function serviceView(s: CloudState, row: ServiceRow): CinderServiceView {
  const volume = row.binary === 'cinder-volume';
  const view: Record<string, unknown> = {
    binary: row.binary,
    host: row.host,
    zone: row.zone,
    status: row.disabled ? 'disabled' : 'enabled',
    state: serviceUp(s, row) ? 'up' : 'down',
    updated_at: timestamp(s, lastHeartbeat(s, row)),
  };
  if (volume) view.backend_state = backendState(s, row);
  view.cluster = null;
  view.disabled_reason = row.disabled_reason;
  if (volume) {
    view.replication_status = 'disabled';
    view.active_backend_id = null;
    view.frozen = row.frozen;
  }
  return view as unknown as CinderServiceView;
}

/** The scheduler's `backend_state` for a volume service: `up` when its pools are active (the capability the drivers report), else absent from the map: null. */
function backendState(s: CloudState, row: ServiceRow): string | null {
  const pool = tableToArray(s.block.pools).find((p) => p.backend === row.host);
  return pool !== undefined && poolActive(s, pool) && !row.frozen ? 'up' : null;
}

function stringArg(value: unknown, field: string, min: number, max = 255): string {
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw new CinderError(400, 'block.service.invalid', 'ValidationError', `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. expected a string of ${min} to ${max} characters`, { field });
  }
  return value;
}

/** `parameter_types.cinder_host`: null, or 1–255 characters of a host name, `@`, `#`, `:`, `/`, `+`, brackets. */
function hostArg(value: unknown, field = 'host'): string | null {
  if (value === null || value === undefined) return null;
  const host = stringArg(value, field, 1);
  if (!/^[a-zA-Z0-9-._#@:/+[\]]*$/.test(host)) throw new CinderError(400, 'block.service.invalid', 'ValidationError', `Invalid input for field/attribute ${field}. Value: ${host}. '${host}' does not match '^[a-zA-Z0-9-._#@:/+\\[\\]]*$'`, { field });
  return host;
}

/** `parameter_types.nullable_string`. */
function nullableString(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  return stringArg(value, field, 0);
}

function serviceKeys(body: Record<string, unknown>, keys: readonly string[], action: string): void {
  onlyKeys(body, keys, (k) => new CinderError(400, 'block.service.invalid', 'ValidationError', `Invalid input for field/attribute ${action}. Additional properties are not allowed ('${k}' was unexpected)`, { field: k }));
}

// ------------------------------------------------------------------------------ list

/** `GET /os-services` (`volume_extension:services:index`, admin): every service, or those of a `host` / `binary`. */
export function listCinderServices(ctx: Ctx, query: unknown = {}): CinderServiceView[] {
  enforce(ctx, CINDER_RULES.admin.servicesIndex, ownTarget(ctx));
  const q = query === undefined ? {} : objectArg(query, 'query');
  for (const k of Object.keys(q)) if (k !== 'host' && k !== 'binary') throw invalidInput(k, `'${k}' is not a filter of GET /os-services (known: host, binary)`, 'block.list.unknown_filter');
  const host = q.host === undefined ? null : stringArg(q.host, 'host', 0);
  const binary = q.binary === undefined ? null : stringArg(q.binary, 'binary', 0);
  return serviceRows(ctx.s)
    .filter((r) => (host === null || host === '' || hostMatches(r.host, host)) && (binary === null || r.binary === binary))
    .map((r) => serviceView(ctx.s, r));
}

// ------------------------------------------------------------------------------ update

const serviceKey = (row: ServiceRow): string => `${row.binary}/${row.host}`;

/**
 * `PUT /os-services/{action}` (`volume_extension:services:update`, admin, first of all):
 * - `enable` / `disable` `{ host, binary }` (or the deprecated `service` for `binary`): the first
 *   service of that binary whose host matches (`service_get`: `controller` finds
 *   `controller@lvmdriver-1`), 404 "Service <binary> could not be found on host <host>.";
 *   `disable-log-reason` also takes `disabled_reason` (1–255 characters, not only spaces). The
 *   answer: `{ disabled, host, service, binary, status }` (and `disabled_reason` first).
 *   `enable` keeps the old `disabled_reason`, as Zed does.
 * - `freeze` / `thaw` `{ host }` (`volume:freeze_host` / `volume:thaw_host`): the volume services
 *   of that host (one backend: every match must be the same `host@backend`, else 400 "Services
 *   from different clusters found."), frozen (disabled, reason `frozen`) or thawed (enabled,
 *   reason ''); one already so is 400 "No service could be changed: frozen in [...] must be False
 *   to failover." Answers nothing.
 * - anything else: 400 "Unknown action" (Cinder's other actions are named as not simulated).
 */
export function updateCinderService(tx: Tx, ctx: Ctx, action: unknown, input: unknown): CinderServiceUpdate | null {
  enforce(ctx, CINDER_RULES.admin.servicesUpdate, ownTarget(ctx));
  if (typeof action === 'string' && Object.hasOwn(NOT_SIMULATED, action)) {
    throw new CinderError(400, 'block.service.action_not_simulated', 'InvalidInput', `Invalid input received: the action ${action} is not simulated (${NOT_SIMULATED[action]}).`, { field: 'action', action });
  }
  if (typeof action !== 'string' || !(SERVICE_ACTIONS as readonly string[]).includes(action)) {
    throw new CinderError(400, 'block.service.unknown_action', 'InvalidInput', 'Invalid input received: Unknown action', { field: 'action', action: describeValue(action) });
  }
  const body = objectArg(input, action);
  if (action === 'freeze' || action === 'thaw') {
    freezeOrThaw(tx, ctx, action, body);
    return null;
  }
  const keys = action === 'disable-log-reason' ? ['binary', 'host', 'cluster', 'service', 'disabled_reason'] : ['binary', 'host', 'cluster', 'service'];
  serviceKeys(body, keys, action);
  const binary = body.binary === undefined ? undefined : stringArg(body.binary, 'binary', 1);
  const host = hostArg(body.host);
  nullableString(body.cluster, 'cluster');
  const service = body.service === undefined ? undefined : stringArg(body.service, 'service', 1);
  if (binary === undefined && service === undefined) {
    throw new CinderError(400, 'block.service.invalid', 'ValidationError', `Invalid input for field/attribute ${action}. Value: ${describeValue(body)}. 'binary' is a required property`, { field: 'binary' });
  }
  // disable-log-reason: `disabled_reason` is optional (null then), 1–255 characters, not only spaces
  let reason: string | null | undefined;
  if (action === 'disable-log-reason') {
    reason = body.disabled_reason === undefined ? null : stringArg(body.disabled_reason, 'disabled_reason', 1);
    if (reason !== null && reason.trim().length === 0) throw invalidInput('disabled_reason', 'disabled_reason has 0 characters, less than 1.', 'block.service.invalid');
  }
  if (host === null || host === '') throw invalidInput('host', 'Host field is missing.', 'block.service.host_missing');
  const binaryKey = binary ?? service ?? '';
  const row = serviceRows(tx.draft as CloudState).find((r) => r.binary === binaryKey && hostMatches(r.host, host));
  if (row === undefined) throw new CinderError(404, 'block.service.not_found', 'ServiceNotFound', `Service ${binaryKey} could not be found on host ${host}.`, { binary: binaryKey, host });
  const disabled = action !== 'enable';
  setRow(tx.draft.block.services, serviceKey(row), { ...row, disabled, ...(reason !== undefined ? { disabled_reason: reason } : {}) });
  tx.trace('cinder-api', `service ${row.binary} on ${row.host} ${disabled ? 'disabled' : 'enabled'}${typeof reason === 'string' ? ` (${reason})` : ''}`);
  const status = disabled ? 'disabled' : 'enabled';
  return { ...(reason !== undefined ? { disabled_reason: reason } : {}), disabled, host, service: service ?? '', binary: binary ?? '', status };
}

function freezeOrThaw(tx: Tx, ctx: Ctx, action: 'freeze' | 'thaw', body: Record<string, unknown>): void {
  serviceKeys(body, ['cluster', 'host'], action);
  const cluster = nullableString(body.cluster, 'cluster');
  const host = hostArg(body.host);
  if (Boolean(cluster) === Boolean(host)) throw invalidInput('host', 'One and only one of cluster and host must be set.', 'block.service.host_missing');
  enforce(ctx, action === 'freeze' ? CINDER_RULES.admin.freezeHost : CINDER_RULES.admin.thawHost, ownTarget(ctx));
  if (cluster) throw invalidInput('cluster', `No service found with cluster=${cluster}`, 'block.service.not_found');
  const wanted = host as string;
  const services = serviceRows(tx.draft as CloudState).filter((r) => r.binary === 'cinder-volume' && hostMatches(r.host, wanted));
  if (services.length === 0) throw invalidInput('host', `No service found with host=${wanted}`, 'block.service.not_found');
  const first = services[0] as ServiceRow;
  if (services.some((r) => r.host !== first.host)) throw new CinderError(400, 'block.service.ambiguous_host', 'InvalidParameterValue', 'Services from different clusters found.', { field: 'host', hosts: services.map((r) => r.host) });
  const freeze = action === 'freeze';
  const changed = services.filter((r) => r.frozen !== freeze);
  const notChanged = services.filter((r) => r.frozen === freeze);
  if (changed.length === 0) {
    const list = `[${notChanged.map((r) => `'${r.host}'`).join(', ')}]`;
    throw invalidInput('host', `No service could be changed: frozen in ${list} must be ${freeze ? 'False' : 'True'} to failover.`, 'block.service.already_frozen');
  }
  for (const row of changed) {
    const current = getRow(tx.draft.block.services, serviceKey(row)) as ServiceRow;
    // the volume manager's freeze_host / thaw_host (an RPC call to the first service)
    setRow(tx.draft.block.services, serviceKey(row), { ...current, frozen: freeze, disabled: freeze, disabled_reason: freeze ? 'frozen' : '' });
  }
  tx.trace('cinder-api', `${action} ${first.host}`);
}
