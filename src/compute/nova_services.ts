/**
 * nova's services (`nova/objects/service.py`, `nova/servicegroup/`) and the Compute API's
 * `os-services` at 2.53+ (`nova/api/openstack/compute/services.py`, its schemas,
 * `nova/compute/api.py` `HostAPI.service_update` / `_update_compute_provider_status`).
 *
 * Rows: `nova-compute` on every host with the `compute` role, `nova-scheduler` and
 * `nova-conductor` on every `controller` (DevStack's `n-cpu`, `n-sch`, `n-cond`), made and
 * dropped through the hardware's hooks as the host's roles come and go (`resource_tracker.ts`
 * calls {@link syncNovaServices}). `nova-api` is a WSGI application: no row, as Zed's list
 * filters `nova-osapi_compute` and `nova-metadata` out.
 *
 * Liveness (`servicegroup/drivers/db.py`): a running service reports every `report_interval`
 * (10 s); it is `up` while its last heartbeat is at most `service_down_time` (60 s) old, and
 * never when `forced_down`. A host that fails (`cloud.hardware.failHost`) stops reporting at once,
 * so its services go `down` once `service_down_time` has passed on the virtual clock; a host that
 * recovers reports again at once. (nova-scheduler's host state reads the host as down at once:
 * see `src/scheduler/host_states.ts`.)
 *
 * Disabling `nova-compute` sets `COMPUTE_STATUS_DISABLED` on its provider when the service is up
 * (else the trait follows when the host comes back, as nova-compute syncs it on start), and the
 * scheduler reads `disabled` and `forced_down` (`src/scheduler` `setComputeNodeStatus`):
 * compute_status_filter and ComputeFilter skip the host. A host in the hardware's maintenance
 * state has its `nova-compute` disabled (reason: the maintenance's), enabled again when it ends.
 * A service's `zone` is `zones.ts`'s; the count of failed builds the scheduler weighs is kept by
 * nova-compute's build (`boot.ts`). `[compute] consecutive_build_service_disable_threshold` (10)
 * never disables a service in Zed (it did before Stein): a non-zero value only turns that counting
 * on, and the BuildFailureWeigher (`-failed_builds × build_failure_weight_multiplier`) steers
 * boots away from the host; the number itself is compared with nothing.
 *
 * Evacuations (`evacuate.ts`) leave their source's part in the instance's allocation and their
 * migration `done` until the source's nova-compute starts again: a host that comes back up
 * (`cloud.hardware.recoverHost` after a failure) runs nova-compute's `init_host`, whose first step
 * is {@link destroyEvacuatedInstances}. Until then `forced_down: false` is refused
 * (`_check_for_evacuations`). A host only forced down (its hardware never failed) has no restart
 * to simulate: fail and recover it (a power cycle) to restart its nova-compute.
 *
 * The pre-2.53 API (integer ids, `PUT /os-services/{enable|disable|disable-log-reason|force-down}`
 * with `host` and `binary`) is the REST layer's (`rest_contrib.ts`), mapped onto these functions.
 * Not simulated: cells that are down (2.69's partial records), service versions, `report_count`.
 */
import { formatUuid, getRow, deleteRow, setRow, tableToArray, type CloudState, type Tx } from '../core/index.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { findHost, type Host } from '../hardware/index.js';
import {
  allocationsOf,
  computeProviderOf,
  forgetComputeNodeStatus,
  providerConsumers,
  removeComputeProvider,
  removeHostFromAggregates,
  replaceAllocations,
  saveComputeProvider,
  setComputeNodeStatus,
} from '../scheduler/index.js';
import { enforce, indexed, type Ctx } from './context.js';
import { NovaError, badRequest, notFound } from './errors.js';
import { describeValue, fieldError, schemaBoolean } from './input.js';
import { NOVA_RULES } from './policies.js';
import { allMigrations, saveMigration } from './migrations.js';
import type { MigrationRow, MigrationStatus, NovaBinary, NovaServiceRow, ServerRow } from './types.js';
import { usgTime } from './views.js';
import { serviceZone, zonesByHost } from './zones.js';

/** `[DEFAULT] report_interval`: a running service writes its heartbeat every 10 s. */
export const REPORT_INTERVAL = 10;

/** The trait nova mirrors a disabled compute service into (`os_traits.COMPUTE_STATUS_DISABLED`). */
const DISABLED_TRAIT = 'COMPUTE_STATUS_DISABLED';

/** One service of `GET /os-services` (2.53+: `id` is the uuid; 2.11+: `forced_down`). */
export interface ComputeServiceView {
  readonly binary: NovaBinary;
  readonly host: string;
  readonly id: string;
  readonly zone: string;
  readonly status: 'enabled' | 'disabled';
  readonly state: 'up' | 'down';
  /** The last heartbeat or API update (`str(datetime)` without a zone). */
  readonly updated_at: string | null;
  readonly disabled_reason: string | null;
  readonly forced_down: boolean;
}

/** `GET /os-services` filters. */
export interface ComputeServiceQuery {
  readonly binary?: string;
  readonly host?: string;
}

/** `PUT /os-services/{service_id}` at 2.53. */
export interface ComputeServiceUpdate {
  readonly status?: 'enabled' | 'disabled';
  readonly disabled_reason?: string;
  readonly forced_down?: boolean | string;
}

const TOPICS: Readonly<Record<NovaBinary, NovaServiceRow['topic']>> = { 'nova-compute': 'compute', 'nova-scheduler': 'scheduler', 'nova-conductor': 'conductor' };

const serviceKey = (binary: NovaBinary, host: string): string => `${binary}/${host}`;

/** The service uuid: derived from its database id, binary and host (drawing none from the generator while hosts are racked). */
function serviceUuid(id: number, binary: string, host: string): string {
  return formatUuid(bytesToHex(sha256(utf8ToBytes(`stacksim:nova-service:${id}:${binary}:${host}`))));
}

// ------------------------------------------------------------------ rows

/** Every service row, in id order (the database's). */
export function novaServiceRows(s: CloudState): NovaServiceRow[] {
  return tableToArray(s.compute.services).sort((a, b) => a.id - b.id);
}

/** A host's `nova-compute` service, or undefined (`Service.get_by_compute_host`). */
export function computeServiceOf(s: CloudState, hostName: string): NovaServiceRow | undefined {
  return getRow(s.compute.services, serviceKey('nova-compute', hostName));
}

const BINARIES: readonly NovaBinary[] = ['nova-compute', 'nova-scheduler', 'nova-conductor'];

/** The services on one host (by key: no scan of the table). */
export function servicesOn(s: CloudState, hostName: string): NovaServiceRow[] {
  return BINARIES.flatMap((b) => {
    const row = getRow(s.compute.services, serviceKey(b, hostName));
    return row === undefined ? [] : [row];
  });
}

/** The services a host's roles call for. */
function wantedBinaries(host: Host): NovaBinary[] {
  const out: NovaBinary[] = [];
  if (host.roles.includes('compute')) out.push('nova-compute');
  if (host.roles.includes('controller')) out.push('nova-scheduler', 'nova-conductor');
  return out;
}

/**
 * Starts the services a host's roles call for and drops those it no longer runs (a dropped
 * `nova-compute` leaves its aggregates, as `DELETE /os-services` does). A new service is
 * disabled while its host is in maintenance, and reports unless the host is down.
 */
export function syncNovaServices(tx: Tx, host: Host): void {
  const s = tx.draft as CloudState;
  const wanted = wantedBinaries(host);
  for (const row of servicesOn(s, host.name)) if (!wanted.includes(row.binary)) dropService(tx, row);
  for (const binary of wanted) {
    if (getRow(s.compute.services, serviceKey(binary, host.name)) !== undefined) continue;
    const id = s.compute.next_service_id;
    tx.draft.compute.next_service_id = id + 1;
    const maintenance = host.state === 'maintenance' && binary === 'nova-compute';
    const now = tx.now();
    const row: NovaServiceRow = {
      id,
      uuid: serviceUuid(id, binary, host.name),
      binary,
      host: host.name,
      topic: TOPICS[binary],
      disabled: maintenance,
      disabled_reason: maintenance ? host.state_reason : null,
      forced_down: false,
      reporting: host.state !== 'down',
      heartbeat_at: now,
      created_at: now,
      saved_at: null,
    };
    setRow(tx.draft.compute.services, serviceKey(binary, host.name), row);
    if (binary === 'nova-compute') setComputeNodeStatus(tx, host.name, { disabled: row.disabled, disabled_reason: row.disabled_reason, forced_down: false });
    tx.trace(binary, `service ${binary} started on ${host.name}`, { id: row.uuid });
  }
}

/** A host is being removed: its services go, and it leaves its aggregates. */
export function removeNovaServices(tx: Tx, host: Host): void {
  for (const row of servicesOn(tx.draft as CloudState, host.name)) dropService(tx, row);
}

function dropService(tx: Tx, row: NovaServiceRow): void {
  deleteRow(tx.draft.compute.services, serviceKey(row.binary, row.host));
  if (row.binary === 'nova-compute') {
    removeHostFromAggregates(tx, row.host);
    forgetComputeNodeStatus(tx, row.host);
  }
}

/**
 * A host changed state: its services stop reporting when it goes down (their last heartbeat the
 * last `report_interval` tick) and report again when it comes back; maintenance disables its
 * `nova-compute` (with the maintenance's reason) and its end enables it, both mirrored into
 * Placement as `COMPUTE_STATUS_DISABLED`; a compute service coming back up syncs the trait with
 * its `disabled` (nova-compute's start does).
 */
export function novaServicesStateChanged(tx: Tx, before: Host, after: Host): void {
  const s = tx.draft as CloudState;
  const down = after.state === 'down';
  const wasDown = before.state === 'down';
  const now = tx.now();
  if (down !== wasDown) {
    for (const row of servicesOn(s, after.name)) {
      const next: NovaServiceRow = down ? { ...row, reporting: false, heartbeat_at: lastHeartbeat(s, row) } : { ...row, reporting: true, heartbeat_at: now };
      setRow(tx.draft.compute.services, serviceKey(row.binary, row.host), next);
    }
  }
  const maintenance = after.state === 'maintenance';
  if (maintenance !== (before.state === 'maintenance')) {
    const row = computeServiceOf(s, after.name);
    if (row !== undefined) writeComputeService(tx, row, { disabled: maintenance, disabled_reason: maintenance ? after.state_reason : null });
    // the operator's maintenance: mirrored into Placement whatever the service's heartbeat says
    setDisabledTrait(tx, after, maintenance);
  } else if (wasDown && !down) {
    const row = computeServiceOf(s, after.name);
    if (row !== undefined) {
      // nova-compute starts again: init_host cleans what was evacuated away first
      destroyEvacuatedInstances(tx, after);
      setDisabledTrait(tx, after, row.disabled);
    }
  }
}

// ------------------------------------------------------------------ evacuations

/** The statuses `_destroy_evacuated_instances` looks for: started, in progress or finished on the destination. */
const UNCLEANED_EVACUATION: readonly MigrationStatus[] = ['accepted', 'pre-migrating', 'done'];

/** Evacuations from `hostName` with one of `statuses`, oldest first (`MigrationList.get_by_filters`). */
export function evacuationsFrom(s: CloudState, hostName: string, statuses: readonly MigrationStatus[]): MigrationRow[] {
  return allMigrations(s).filter((m) => m.migration_type === 'evacuation' && m.source_compute === hostName && statuses.includes(m.status));
}

/**
 * `SchedulerReportClient.remove_provider_tree_from_instance_allocation`: the instance's consumer
 * keeps its allocations on every provider but `providerUuid` (stacksim's compute nodes have no
 * nested providers: the tree is the one provider). False when it held nothing there.
 */
export function removeProviderFromAllocation(tx: Tx, server: Pick<ServerRow, 'uuid' | 'project_id' | 'user_id'>, providerUuid: string): boolean {
  const held = allocationsOf(tx.draft as CloudState, server.uuid);
  if (!Object.hasOwn(held, providerUuid)) return false;
  const rest: Record<string, Readonly<Record<string, number>>> = {};
  for (const [rp, resources] of Object.entries(held)) if (rp !== providerUuid) rest[rp] = resources;
  replaceAllocations(tx, [{ consumer_uuid: server.uuid, allocations: rest, project_id: server.project_id, user_id: server.user_id }]);
  return true;
}

/**
 * nova-compute's `_destroy_evacuated_instances` (`nova/compute/manager.py`, the first step of
 * `init_host`) on a host whose nova-compute starts again: for every evacuation from this host
 * still `accepted`, `pre-migrating` or `done`, the guest left on the hypervisor is destroyed (a
 * trace: stacksim keeps no hypervisor state apart from the server row), the instance's allocation
 * loses this host's provider (the destination's part stays), and the migration becomes
 * `completed` — even one still running on its destination, as Zed does. A migration whose server
 * was deleted meanwhile is left as it is (nova soft-deleted it with the instance); one whose
 * `source_node` is not this host's node is logged and skipped.
 */
export function destroyEvacuatedInstances(tx: Tx, host: Pick<Host, 'id' | 'name'>): void {
  const s = tx.draft as CloudState;
  const evacuations = evacuationsFrom(s, host.name, UNCLEANED_EVACUATION);
  if (evacuations.length === 0) return;
  // one migration per instance (a dict by instance uuid: the newest wins)
  const byInstance = new Map<string, MigrationRow>();
  for (const m of evacuations) byInstance.set(m.instance_uuid, m);
  for (const m of byInstance.values()) {
    tx.trace('nova-compute', `Destroying instance ${m.instance_uuid} as it has been evacuated from ${host.name} but still exists in the hypervisor`);
  }
  for (const m of byInstance.values()) {
    const server = getRow(s.compute.servers, m.instance_uuid);
    if (server === undefined || server.deleted) continue;
    if (m.source_node !== host.name || computeProviderOf(s, host.id) === undefined) {
      tx.trace('nova-compute', `Failed to clean allocation of evacuated instance ${m.instance_uuid} as the source node ${m.source_node ?? 'None'} is not found`);
      continue;
    }
    if (removeProviderFromAllocation(tx, server, host.id)) tx.trace('placement', `allocation of ${server.uuid} on ${host.name} removed: the instance was evacuated from this host`);
    saveMigration(tx, m, { status: 'completed' });
  }
}

/**
 * `_check_for_evacuations` (`nova/api/openstack/compute/services.py`), run when `forced_down` is
 * set false: an evacuation from the host still `done` (its nova-compute has not started again
 * since) refuses it with nova's 400. Evacuations of deleted servers do not count (nova
 * soft-deletes them with the instance).
 */
function checkForEvacuations(s: CloudState, hostName: string): void {
  const done = evacuationsFrom(s, hostName, ['done']).filter((m) => {
    const server = getRow(s.compute.servers, m.instance_uuid);
    return server !== undefined && !server.deleted;
  });
  if (done.length === 0) return;
  throw badRequest(
    'forced_down',
    `Unable to force up host ${hostName} as \`done\` evacuation migration records remain associated with the host. Ensure the compute service has been restarted, allowing these records to move to \`completed\` before retrying this request.`,
    'compute.service.evacuations_remain',
  );
}

/** Writes a compute service's fields the scheduler reads, and tells the scheduler. */
function writeComputeService(tx: Tx, row: NovaServiceRow, patch: Partial<Pick<NovaServiceRow, 'disabled' | 'disabled_reason' | 'forced_down' | 'saved_at'>>): NovaServiceRow {
  const next: NovaServiceRow = { ...row, ...patch };
  setRow(tx.draft.compute.services, serviceKey(row.binary, row.host), next);
  if (row.binary === 'nova-compute') setComputeNodeStatus(tx, row.host, { disabled: next.disabled, disabled_reason: next.disabled_reason, forced_down: next.forced_down });
  return next;
}

/**
 * nova-compute's `_update_compute_provider_status` (`set_host_enabled`): `COMPUTE_STATUS_DISABLED`
 * on the host's provider when disabled, off when enabled; one generation step when it changes.
 */
export function setDisabledTrait(tx: Tx, host: Pick<Host, 'id' | 'name'>, disabled: boolean): void {
  const rp = computeProviderOf(tx.draft as CloudState, host.id);
  if (rp === undefined) return;
  const has = rp.traits.includes(DISABLED_TRAIT);
  if (has === disabled) return;
  const traits = disabled ? [...rp.traits, DISABLED_TRAIT].sort() : rp.traits.filter((t) => t !== DISABLED_TRAIT);
  saveComputeProvider(tx, { ...rp, traits, generation: rp.generation + 1 });
  tx.trace('nova-compute', `${disabled ? 'set' : 'removed'} ${DISABLED_TRAIT} on ${host.name}`);
}

// ------------------------------------------------------------------ liveness

/** The last heartbeat: every `report_interval` since it started while it reports, else when it stopped. */
export function lastHeartbeat(s: CloudState, row: NovaServiceRow): number {
  if (!row.reporting) return row.heartbeat_at;
  const since = Math.max(0, s.meta.clock.now - row.heartbeat_at);
  return row.heartbeat_at + Math.floor(since / REPORT_INTERVAL) * REPORT_INTERVAL;
}

/** Whether `host` has a nova-compute that is up (`service_is_up` of `Service.get_by_compute_host`); false without a host. */
export function computeUp(s: CloudState, host: string | null): boolean {
  const service = host === null ? undefined : computeServiceOf(s, host);
  return service !== undefined && serviceUp(s, service);
}

/** `servicegroup.API.service_is_up`: never when forced down; else the last heartbeat is at most `service_down_time` old. */
export function serviceUp(s: CloudState, row: NovaServiceRow): boolean {
  if (row.forced_down) return false;
  return Math.abs(s.meta.clock.now - lastHeartbeat(s, row)) <= s.compute.config.service_down_time;
}

/** `updated_at`: the last save, a heartbeat's or the API's. */
function updatedAt(s: CloudState, row: NovaServiceRow): number {
  return Math.max(lastHeartbeat(s, row), row.saved_at ?? 0);
}

// ------------------------------------------------------------------ views

/** `_get_service_detail` at 2.53+ with `forced_down`. */
export function serviceView(s: CloudState, row: NovaServiceRow, byHost: Map<string, string[]> = zonesByHost(s)): ComputeServiceView {
  return {
    binary: row.binary,
    host: row.host,
    id: row.uuid,
    zone: serviceZone(s, row, byHost),
    status: row.disabled ? 'disabled' : 'enabled',
    state: serviceUp(s, row) ? 'up' : 'down',
    updated_at: usgTime(s, updatedAt(s, row)),
    disabled_reason: row.disabled_reason,
    forced_down: row.forced_down,
  };
}

// ------------------------------------------------------------------ the API

const UUID_LIKE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** `uuidutils.is_uuid_like`, else 400 "Invalid uuid <id>". */
function serviceIdArg(ref: unknown): string {
  if (typeof ref !== 'string' || !UUID_LIKE.test(ref)) throw badRequest('service_id', `Invalid uuid ${typeof ref === 'string' ? ref.slice(0, 64) : describeValue(ref)}`, 'compute.service.invalid_id');
  return ref.toLowerCase().replace(/^(.{8})-?(.{4})-?(.{4})-?(.{4})-?(.{12})$/, '$1-$2-$3-$4-$5');
}

/** `service_get_by_id`: the service with that uuid, else 404 `ServiceNotFound`. */
function serviceByUuid(s: CloudState, uuid: string, message?: string): NovaServiceRow {
  const row = novaServiceRows(s).find((r) => r.uuid === uuid);
  if (row === undefined) throw notFound('service', uuid, message);
  return row;
}

function queryString(value: unknown, field: string): string {
  const v = Array.isArray(value) && value.length > 0 ? value[value.length - 1] : value;
  if (typeof v !== 'string') throw badRequest(field, `Invalid input for query parameters ${field}. Value: ${describeValue(value)}. ${describeValue(value)} is not of type 'string'`);
  return v;
}

/**
 * `GET /os-services` (`os_compute_api:os-services:list`, admin): every service but the API's,
 * by database id, or those of a `host` / `binary` (exact; an empty value filters nothing). Since
 * 2.75 any other query parameter is a 400.
 */
export function listComputeServices(ctx: Ctx, query: unknown = {}): ComputeServiceView[] {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw badRequest('query', `Invalid input for query parameters. Value: ${describeValue(query)}. ${describeValue(query)} is not of type 'object'`);
  const q = query as Record<string, unknown>;
  const extra = Object.keys(q).filter((k) => k !== 'host' && k !== 'binary');
  if (extra.length > 0) throw badRequest(extra[0] as string, `Additional properties are not allowed (${extra.map((k) => `'${k.slice(0, 64)}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
  const host = q.host === undefined ? '' : queryString(q.host, 'host');
  const binary = q.binary === undefined ? '' : queryString(q.binary, 'binary');
  enforce(ctx, NOVA_RULES.services.list, {});
  const byHost = zonesByHost(ctx.s);
  return novaServiceRows(ctx.s)
    .filter((r) => (host === '' || r.host === host) && (binary === '' || r.binary === binary))
    .map((r) => serviceView(ctx.s, r, byHost));
}

/** `service_update_v2_53`: `status`, `disabled_reason`, `forced_down`, nothing else. */
function updateBody(input: unknown): { status?: 'enabled' | 'disabled'; disabled_reason?: string; forced_down?: boolean } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('service', `Invalid input for field/attribute service. Value: ${describeValue(input)}. ${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'status' && k !== 'disabled_reason' && k !== 'forced_down');
  if (extra.length > 0) throw badRequest(extra[0] as string, `Additional properties are not allowed (${extra.map((k) => `'${k.slice(0, 64)}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
  const out: { status?: 'enabled' | 'disabled'; disabled_reason?: string; forced_down?: boolean } = {};
  if (o.status !== undefined) {
    if (o.status !== 'enabled' && o.status !== 'disabled') throw fieldError('status', o.status, `${describeValue(o.status)} is not one of ['enabled', 'disabled']`);
    out.status = o.status;
  }
  if (o.disabled_reason !== undefined) {
    const r = o.disabled_reason;
    if (typeof r !== 'string') throw fieldError('disabled_reason', r, `${describeValue(r)} is not of type 'string'`);
    if (r.length < 1) throw fieldError('disabled_reason', r, `${describeValue(r)} is too short`);
    if (r.length > 255) throw fieldError('disabled_reason', r, `${describeValue(r)} is too long`);
    out.disabled_reason = r;
  }
  if (o.forced_down !== undefined) out.forced_down = schemaBoolean(o.forced_down, 'forced_down');
  return out;
}

/**
 * `PUT /os-services/{service_id}` (2.53; `os_compute_api:os-services:update`, admin), in nova's
 * order: the body (400), the id a uuid (400 "Invalid uuid …"), the policy (403), the service
 * (404 `ServiceNotFound`), `nova-compute` only (400 "Updating a <binary> service is not
 * supported…"), `status` `enabled` with a `disabled_reason` (400), nothing asked (400 "No updates
 * were requested…"). `status` enables (reason cleared) or disables (with the optional reason);
 * `forced_down` marks the service down whatever its heartbeat; `forced_down: false` is refused
 * (400) while evacuations from the host are still `done` (`_check_for_evacuations`). A `status` given syncs
 * `COMPUTE_STATUS_DISABLED` when the service is up. Answers the service's view.
 */
export function updateComputeService(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): ComputeServiceView {
  const body = updateBody(input);
  const uuid = serviceIdArg(ref);
  enforce(ctx, NOVA_RULES.services.update, {});
  const s = tx.draft as CloudState;
  const row = serviceByUuid(s, uuid);
  if (row.binary !== 'nova-compute') throw badRequest('service_id', `Updating a ${row.binary} service is not supported. Only nova-compute services can be updated.`, 'compute.service.not_compute');
  const patch: { disabled?: boolean; disabled_reason?: string | null; forced_down?: boolean } = {};
  if (body.status === 'enabled') {
    if (body.disabled_reason) throw badRequest('disabled_reason', "Specifying 'disabled_reason' with status 'enabled' is invalid.", 'compute.service.reason_with_enabled');
    patch.disabled = false;
    patch.disabled_reason = null;
  } else if (body.status === 'disabled') {
    patch.disabled = true;
    patch.disabled_reason = body.disabled_reason ?? null;
  }
  if (body.forced_down !== undefined) {
    patch.forced_down = body.forced_down;
    if (!body.forced_down) checkForEvacuations(s, row.host);
  }
  if (Object.keys(patch).length === 0) throw badRequest('service', "No updates were requested. Fields 'status' or 'forced_down' should be specified.", 'compute.service.no_update');
  const next = writeComputeService(tx, row, { ...patch, saved_at: tx.now() });
  // HostAPI.service_update: a change of `disabled` asks the compute service (when up) to sync the trait
  if (patch.disabled !== undefined && serviceUp(s, next)) {
    const id = hostIdOf(s, row.host);
    if (id !== undefined) setDisabledTrait(tx, { id, name: row.host }, next.disabled);
  }
  tx.trace('nova-api', `service ${row.binary} on ${row.host}: ${next.disabled ? `disabled${next.disabled_reason ? ` (${next.disabled_reason})` : ''}` : 'enabled'}${next.forced_down ? ', forced down' : ''}`);
  return serviceView(s, next);
}

/** The provider uuid of a compute host (the host's id), through the hardware's getter. */
function hostIdOf(s: CloudState, hostName: string): string | undefined {
  return findHost(s, hostName)?.id;
}

/**
 * `DELETE /os-services/{service_id}` (`os_compute_api:os-services:delete`, admin): policy first,
 * then the id a uuid (400), the service (404 "Service <id> not found."). A `nova-compute` service
 * whose host has instances is refused (409 "Unable to delete compute service that is hosting
 * instances. Migrate or delete the instances first."); else its host leaves its aggregates
 * (mirrored in Placement), its resource provider is deleted (kept, as nova logs and goes on, when
 * Placement refuses because allocations remain), and the row goes. The host's nova-compute
 * starts again (a new service and provider) when the hardware next reports the host (an update).
 */
export function deleteComputeService(tx: Tx, ctx: Ctx, ref: unknown): void {
  enforce(ctx, NOVA_RULES.services.delete, {});
  const uuid = serviceIdArg(ref);
  const s = tx.draft as CloudState;
  const row = serviceByUuid(s, uuid, `Service ${uuid} not found.`);
  if (row.binary === 'nova-compute') {
    const live = indexed(s.compute.host_servers, row.host).filter((id) => {
      const server = getRow(s.compute.servers, id);
      return server !== undefined && !server.deleted;
    });
    if (live.length > 0) throw new NovaError(409, 'compute.service.hosting_instances', 'HTTPConflict', 'Unable to delete compute service that is hosting instances. Migrate or delete the instances first.', { id: uuid, host: row.host, instances: live.length });
    removeHostFromAggregates(tx, row.host);
    const id = hostIdOf(s, row.host);
    if (id !== undefined) {
      if (providerConsumers(s, id).length === 0) removeComputeProvider(tx, id, row.host);
      else tx.trace('nova-api', `resource provider of ${row.host} kept: Placement refuses to delete a provider with allocations`);
    }
    forgetComputeNodeStatus(tx, row.host);
  }
  deleteRow(tx.draft.compute.services, serviceKey(row.binary, row.host));
  tx.trace('nova-api', `service ${row.binary} on ${row.host} deleted`, { id: uuid });
}
