/**
 * Host aggregates (`os-aggregates`: `nova/api/openstack/compute/aggregates.py`, its schemas
 * `schemas/aggregates.py`, `nova/compute/api.py` `AggregateAPI`, `nova/objects/aggregate.py`):
 * admin CRUD, hosts, metadata; an `availability_zone` key makes the aggregate a zone.
 *
 * The aggregates are the scheduler's (`src/scheduler/host_aggregates.ts`, in the
 * `compute_config` slice): the API checks a request as nova-api does and writes through the
 * scheduler's door, so the scheduler's host states, its AZ pre-filter and Placement's provider
 * aggregates follow every change in the same commit. The topology's availability zones are
 * aggregates too (listed first, ids 1, 2, … while the zones are those the cloud was built with;
 * hosts are their compute hosts): they are read-only here, as the datacenter model places hosts
 * in them (`cloud.hardware.updateHost`), and a host of one may join only aggregates of the same
 * zone or of none.
 *
 * Not simulated: `POST /os-aggregates/{id}/images` (2.81 image pre-caching), the legacy and
 * versioned `aggregate.*` notifications (not declared in `events.ts`), the 2.0 API's
 * leading/trailing-space names. Refused calls change nothing (nova saves a new name before it
 * checks the zone of `PUT /os-aggregates/{id}`).
 */
import { getRow, type CloudState, type Tx } from '../core/index.js';
import { createHostAggregate, deleteHostAggregate, findHostAggregate, novaAggregates, saveHostAggregate, type Aggregate, type HostAggregateRow } from '../scheduler/index.js';
import { enforce, indexed, type Ctx } from './context.js';
import { NovaError, badRequest, conflict, notFound } from './errors.js';
import { describeValue, fieldError } from './input.js';
import { computeServiceOf } from './nova_services.js';
import { NOVA_RULES } from './policies.js';
import { usgTime } from './views.js';

/** An aggregate as the API shows it (`_marshall_aggregate`, with `uuid` since 2.41). */
export interface AggregateView {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
  /** Its `availability_zone` metadata, else null. */
  readonly availability_zone: string | null;
  /** Absent from the create answer, as nova deletes it there. */
  readonly hosts?: readonly string[];
  /** Absent from the create answer. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly created_at: string;
  readonly updated_at: string | null;
  readonly deleted: false;
  readonly deleted_at: null;
}

/** `POST /os-aggregates` body (the `aggregate` object). */
export interface AggregateCreateRequest {
  readonly name: string;
  readonly availability_zone?: string | null;
}

/** `PUT /os-aggregates/{id}` body (the `aggregate` object): a name, a zone, or both. */
export interface AggregateUpdateRequest {
  readonly name?: string;
  readonly availability_zone?: string | null;
}

const AZ = 'availability_zone';

/** Every zone an aggregate names (the topology's and those of `availability_zone` metadata), sorted. */
export function availabilityZoneNames(s: CloudState): string[] {
  const zones = new Set<string>();
  for (const a of novaAggregates(s)) if (a.metadata[AZ] !== undefined) zones.add(a.metadata[AZ] as string);
  return [...zones].sort();
}

// ------------------------------------------------------------------ views

function view(s: CloudState, a: Aggregate): AggregateView {
  const row = findHostAggregate(s, a.id);
  const own = row !== undefined && row.uuid === a.uuid ? row : undefined;
  return {
    id: a.id,
    uuid: a.uuid ?? '',
    name: a.name,
    availability_zone: a.metadata[AZ] ?? null,
    hosts: [...a.hosts],
    metadata: { ...a.metadata },
    created_at: usgTime(s, own?.created_at ?? 0) as string,
    updated_at: usgTime(s, own?.updated_at ?? null),
    deleted: false,
    deleted_at: null,
  };
}

function rowView(s: CloudState, row: HostAggregateRow): AggregateView {
  return view(s, { id: row.id, uuid: row.uuid, name: row.name, hosts: row.hosts, metadata: row.metadata });
}

// ------------------------------------------------------------------ input (nova's schemas)

/** Characters `parameter_types` counts printable: not `C*`, not `Z*` but `Zs`, in the BMP. */
function printable(ch: string): boolean {
  return (ch.codePointAt(0) as number) < 0xffff && !/[\p{C}\p{Zl}\p{Zp}]/u.test(ch);
}

const NAME_REASON = 'printable characters. Can not start or end with whitespace.';
const AZ_REASON = 'printable characters except :.Can not start or end with whitespace.';
const SPACES_REASON = 'printable characters with at least one non space character';

function invalidName(field: string, reason: string): NovaError {
  return new NovaError(400, 'compute.input.invalid_name', 'InvalidName', `An invalid 'name' value was provided. The name must be: ${reason}`, { field });
}

/** A string of 1..255 characters (code points), else nova's schema message. */
function text255(value: unknown, field: string): string {
  if (typeof value !== 'string') throw fieldError(field, value, `${describeValue(value)} is not of type 'string'`);
  const n = [...value].length;
  if (n < 1) throw fieldError(field, value, `${describeValue(value)} is too short`);
  if (n > 255) throw fieldError(field, value, `${describeValue(value)} is too long`);
  return value;
}

/** `parameter_types.name` (no leading or trailing whitespace) or `az_name` (also no `:`). */
function nameArg(value: unknown, field: string, az: boolean): string {
  const v = text255(value, field);
  const chars = [...v];
  const edge = (ch: string) => printable(ch) && !/\p{Zs}/u.test(ch);
  if (!chars.every((ch) => printable(ch) && !(az && ch === ':')) || !edge(chars[0] as string) || !edge(chars[chars.length - 1] as string)) throw invalidName(field, az ? AZ_REASON : NAME_REASON);
  return v;
}

/** `parameter_types.name_with_leading_trailing_spaces`, then `normalize_name` (stripped). */
function spacedNameArg(value: unknown, field: string): string {
  const v = text255(value, field);
  const chars = [...v];
  if (!chars.every(printable) || chars.every((ch) => /\p{Zs}/u.test(ch))) throw invalidName(field, SPACES_REASON);
  return v.trim();
}

/** The body object, with only `keys` (nova's `additionalProperties: False`). */
function bodyArg(input: unknown, field: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw fieldError(field, input, `${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length > 0) throw badRequest(extra[0] as string, `Invalid input for field/attribute ${field}. Value: ${describeValue(input)}. Additional properties are not allowed (${extra.slice(0, 5).map((k) => `'${k.slice(0, 64)}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
  return o;
}

function required(o: Record<string, unknown>, key: string, field: string): void {
  if (o[key] === undefined) throw badRequest(key, `Invalid input for field/attribute ${field}. Value: ${describeValue(o)}. '${key}' is a required property`);
}

/** `availability_zone`: an `az_name` or null. */
function zoneArg(value: unknown): string | null {
  return value === null ? null : nameArg(value, AZ, true);
}

/** `parameter_types.fqdn`: 1..255 of `[a-zA-Z0-9-._]`. */
function hostArg(value: unknown): string {
  const v = text255(value, 'host');
  if (!/^[a-zA-Z0-9._-]*$/.test(v)) throw fieldError('host', v, `${describeValue(v)} does not match '^[a-zA-Z0-9-._]*$'`);
  return v;
}

const META_KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;

/** `parameter_types.metadata_with_null`: keys of 1..255 of `[a-zA-Z0-9-_:. ]`, values strings of at most 255 or null. */
function metadataArg(value: unknown): Record<string, string | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fieldError('metadata', value, `${describeValue(value)} is not of type 'object'`);
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (!META_KEY.test(k)) throw badRequest('metadata', `Invalid input for field/attribute metadata. Value: ${describeValue(value)}. '${k.slice(0, 64)}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (v === null) continue;
    if (typeof v !== 'string') throw fieldError(`metadata.${k}`, v, `${describeValue(v)} is not of type 'string', 'null'`);
    if ([...v].length > 255) throw fieldError(`metadata.${k}`, v, `${describeValue(v)} is too long`);
  }
  return Object.fromEntries(entries) as Record<string, string | null>;
}

/** `utils.validate_integer(id, 'id')`: 400 "Invalid input received: id must be an integer". */
function idArg(ref: unknown): number {
  const text = typeof ref === 'number' ? String(ref) : typeof ref === 'string' ? ref : null;
  if (text === null || !/^\s*[+-]?\d+\s*$/.test(text)) throw new NovaError(400, 'compute.aggregate.invalid_id', 'InvalidInput', 'Invalid input received: id must be an integer', { field: 'id', value: describeValue(ref) });
  const n = Number(text.trim());
  // an integer no aggregate can have (beyond the database's): not found, named as given
  if (!Number.isSafeInteger(n)) throw notFound('aggregate', text.trim().length > 40 ? `${text.trim().slice(0, 40)}…` : BigInt(text.trim()).toString());
  return n;
}

/** The aggregate with that id (the topology zones' included), else 404 `AggregateNotFound` (or `message`). */
function aggregateOf(s: CloudState, id: number, message?: string): Aggregate {
  const a = novaAggregates(s).find((x) => x.id === id);
  if (a === undefined) throw notFound('aggregate', String(id), message);
  return a;
}

/** The API's row of an aggregate, else (a topology zone's aggregate) the refusal `refuse` gives. */
function ownRow(s: CloudState, a: Aggregate, refuse: (reason: string) => NovaError): HostAggregateRow {
  const row = findHostAggregate(s, a.id);
  if (row === undefined || row.uuid !== a.uuid) throw refuse(`it is the topology's availability zone ${a.name}; its hosts are those the datacenter model puts in that zone (cloud.hardware.updateHost)`);
  return row;
}

/** A Python list of strings as `%s` prints it (`['az1', 'az2']`). */
function pyList(items: readonly string[]): string {
  return `[${items.map((x) => (x.includes("'") && !x.includes('"') ? `"${x}"` : `'${x.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`)).join(', ')}]`;
}

type Action = 'add' | 'update' | 'update_meta' | 'delete';

const ACTION_CLASS: Readonly<Record<Action, [string, (id: number, reason: string) => string]>> = {
  add: ['InvalidAggregateActionAdd', (id, reason) => `Cannot add host to aggregate ${id}. Reason: ${reason}.`],
  update: ['InvalidAggregateActionUpdate', (id, reason) => `Cannot update aggregate ${id}. Reason: ${reason}.`],
  update_meta: ['InvalidAggregateActionUpdateMeta', (id, reason) => `Cannot update metadata of aggregate ${id}. Reason: ${reason}.`],
  delete: ['InvalidAggregateActionDelete', (id, reason) => `Cannot remove host from aggregate ${id}. Reason: ${reason}.`],
};

/**
 * `_raise_invalid_aggregate_exc`: the class of the action, 400 (`add_host` answers it as 409,
 * as the API does for `InvalidAggregateAction`).
 */
function invalidAction(action: Action, id: number, reason: string): NovaError {
  const [cls, text] = ACTION_CLASS[action];
  const status = action === 'add' ? 409 : 400;
  return new NovaError(status, `compute.aggregate.invalid_action`, cls, text(id, reason), { id, action });
}

/**
 * `AggregateAPI.is_safe_to_update_az`: with an `availability_zone` in `metadata`, an empty one is
 * refused; so is one that differs from the zone another aggregate of these hosts (`hosts`, else
 * the aggregate's) gives them ("One or more hosts already in availability zone(s) […]"), and, when
 * `checkInstances` and the zone changes, one whose hosts hold instances.
 */
function checkZone(s: CloudState, a: Aggregate, metadata: Readonly<Record<string, string | null>>, action: Action, hosts: readonly string[] | null, checkInstances: boolean): void {
  if (!Object.hasOwn(metadata, AZ)) return;
  const zone = metadata[AZ];
  if (!zone) throw invalidAction(action, a.id, `Aggregate ${a.name} does not support empty named availability zone`);
  const mine = hosts !== null && hosts.length > 0 ? hosts : a.hosts;
  const conflicting = novaAggregates(s)
    .filter((x) => x.id !== a.id && x.metadata[AZ] !== undefined && x.metadata[AZ] !== zone && x.hosts.some((h) => mine.includes(h)))
    .map((x) => x.metadata[AZ] as string);
  if (conflicting.length > 0) throw invalidAction(action, a.id, `One or more hosts already in availability zone(s) ${pyList(conflicting)}`);
  if (checkInstances && (a.metadata[AZ] ?? null) !== zone && liveInstancesOn(s, mine) > 0) throw invalidAction(action, a.id, 'One or more hosts contain instances in this zone');
}

/** Live instances on `hosts` (`InstanceList.get_count_by_hosts`). */
function liveInstancesOn(s: CloudState, hosts: readonly string[]): number {
  let n = 0;
  for (const h of hosts) {
    for (const uuid of indexed(s.compute.host_servers, h)) {
      const server = getRow(s.compute.servers, uuid);
      if (server !== undefined && !server.deleted) n += 1;
    }
  }
  return n;
}

// ------------------------------------------------------------------ the API

/** `GET /os-aggregates` (`os_compute_api:os-aggregates:index`, admin): every aggregate, the topology zones' first. */
export function listAggregates(ctx: Ctx): AggregateView[] {
  enforce(ctx, NOVA_RULES.aggregates.index, {});
  return novaAggregates(ctx.s).map((a) => view(ctx.s, a));
}

/** `GET /os-aggregates/{id}` (admin): policy, then the id an integer (400), then the aggregate (404). */
export function showAggregate(ctx: Ctx, ref: unknown): AggregateView {
  enforce(ctx, NOVA_RULES.aggregates.show, {});
  return view(ctx.s, aggregateOf(ctx.s, idArg(ref)));
}

/**
 * `POST /os-aggregates` (admin): `name` (unique: 409 `AggregateNameExists`), optional
 * `availability_zone` (its metadata). Answers the aggregate without `hosts` and `metadata`, as
 * nova does.
 */
export function createAggregate(tx: Tx, ctx: Ctx, input: unknown): AggregateView {
  const o = bodyArg(input, 'aggregate', ['name', AZ]);
  required(o, 'name', 'aggregate');
  const name = nameArg(o.name, 'name', false);
  const zone = o[AZ] === undefined ? null : zoneArg(o[AZ]);
  enforce(ctx, NOVA_RULES.aggregates.create, {});
  const s = tx.draft as CloudState;
  if (novaAggregates(s, tx.memo).some((a) => a.name === name)) throw conflict('compute.aggregate.name_exists', 'AggregateNameExists', `Aggregate ${name} already exists.`, { name });
  const row = createHostAggregate(tx, { uuid: tx.ids.uuid(), name, metadata: zone ? { [AZ]: zone } : {} });
  tx.trace('nova-api', `aggregate ${row.id} (${name}) created${zone ? ` in availability zone ${zone}` : ''}`, { uuid: row.uuid });
  const { hosts: _hosts, metadata: _metadata, ...rest } = rowView(s, row);
  return rest;
}

/**
 * `PUT /os-aggregates/{id}` (admin): a new `name` (409 when another aggregate has it) and/or
 * `availability_zone` (null or empty: 400 "does not support empty named availability zone"; one
 * that differs from another aggregate's zone for its hosts, or a change while they hold
 * instances: 400 `InvalidAggregateActionUpdate`).
 */
export function updateAggregate(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): AggregateView {
  const o = bodyArg(input, 'aggregate', ['name', AZ]);
  if (o.name === undefined && o[AZ] === undefined) throw badRequest('aggregate', `Invalid input for field/attribute aggregate. Value: ${describeValue(o)}. ${describeValue(o)} is not valid under any of the given schemas`);
  const name = o.name === undefined ? undefined : spacedNameArg(o.name, 'name');
  const zone = o[AZ] === undefined ? undefined : zoneArg(o[AZ]);
  enforce(ctx, NOVA_RULES.aggregates.update, {});
  const id = idArg(ref);
  const s = tx.draft as CloudState;
  const a = aggregateOf(s, id);
  const row = ownRow(s, a, (reason) => invalidAction('update', id, reason));
  if (name !== undefined && name !== row.name && novaAggregates(s, tx.memo).some((x) => x.id !== id && x.name === name)) throw conflict('compute.aggregate.name_exists', 'AggregateNameExists', `Aggregate ${name} already exists.`, { name });
  const values: Record<string, string | null> = zone === undefined ? {} : { [AZ]: zone };
  checkZone(s, a, values, 'update', null, true);
  const next: HostAggregateRow = { ...row, name: name ?? row.name, metadata: zone === undefined ? row.metadata : { ...row.metadata, [AZ]: zone as string }, updated_at: tx.now() };
  saveHostAggregate(tx, row, next);
  tx.trace('nova-api', `aggregate ${id} updated`, { name: next.name, availability_zone: next.metadata[AZ] ?? null });
  return rowView(s, next);
}

/** `DELETE /os-aggregates/{id}` (admin): refused while it holds hosts (400 `InvalidAggregateActionDelete` "Host aggregate is not empty"). */
export function deleteAggregate(tx: Tx, ctx: Ctx, ref: unknown): void {
  enforce(ctx, NOVA_RULES.aggregates.delete, {});
  const id = idArg(ref);
  const s = tx.draft as CloudState;
  const a = aggregateOf(s, id);
  const row = ownRow(s, a, (reason) => invalidAction('delete', id, reason));
  if (row.hosts.length > 0) throw invalidAction('delete', id, 'Host aggregate is not empty');
  deleteHostAggregate(tx, row);
  tx.trace('nova-api', `aggregate ${id} (${row.name}) deleted`);
}

/**
 * `add_host` (admin), in nova's order: the host must run `nova-compute` (404
 * `ComputeHostNotFound`), the aggregate exist (404), the aggregate's zone agree with the zones
 * the host's other aggregates give it (409 `InvalidAggregateActionAdd` "One or more hosts
 * already in availability zone(s) […]"), the host not be a member yet (409
 * `AggregateHostExists`). The host's provider joins the aggregate in Placement.
 */
export function addAggregateHost(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): AggregateView {
  const o = bodyArg(input, 'add_host', ['host']);
  required(o, 'host', 'add_host');
  const host = hostArg(o.host);
  enforce(ctx, NOVA_RULES.aggregates.addHost, {});
  const id = idArg(ref);
  const s = tx.draft as CloudState;
  if (computeServiceOf(s, host) === undefined) throw new NovaError(404, 'compute.host.not_found', 'ComputeHostNotFound', `Compute host ${host} could not be found.`, { host });
  const a = aggregateOf(s, id);
  const row = ownRow(s, a, (reason) => invalidAction('add', id, reason));
  checkZone(s, a, row.metadata, 'add', [host], false);
  if (row.hosts.includes(host)) throw conflict('compute.aggregate.host_exists', 'AggregateHostExists', `Aggregate ${id} already has host ${host}.`, { id, host });
  const next: HostAggregateRow = { ...row, hosts: [...row.hosts, host] };
  saveHostAggregate(tx, row, next);
  tx.trace('nova-api', `host ${host} added to aggregate ${id} (${row.name})`);
  return rowView(s, next);
}

/**
 * `remove_host` (admin): a host without `nova-compute`, an unknown aggregate or a host that is
 * not a member is 404 "Cannot remove host <host> in aggregate <id>"; a topology zone's aggregate
 * 409 with the same words. The host's provider leaves the aggregate in Placement first.
 */
export function removeAggregateHost(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): AggregateView {
  const o = bodyArg(input, 'remove_host', ['host']);
  required(o, 'host', 'remove_host');
  const host = hostArg(o.host);
  enforce(ctx, NOVA_RULES.aggregates.removeHost, {});
  const id = idArg(ref);
  const s = tx.draft as CloudState;
  const message = `Cannot remove host ${host} in aggregate ${id}`;
  if (computeServiceOf(s, host) === undefined) throw notFound('aggregate', String(id), message);
  const a = aggregateOf(s, id, message);
  const row = ownRow(s, a, () => conflict('compute.aggregate.invalid_action', 'InvalidAggregateAction', message, { id, host }));
  if (!row.hosts.includes(host)) throw notFound('aggregate', String(id), message);
  const next: HostAggregateRow = { ...row, hosts: row.hosts.filter((h) => h !== host) };
  saveHostAggregate(tx, row, next);
  tx.trace('nova-api', `host ${host} removed from aggregate ${id} (${row.name})`);
  return rowView(s, next);
}

/**
 * `set_metadata` (admin): keys set, a null value removes its key; an `availability_zone` is
 * checked as `PUT` checks it (400 `InvalidAggregateActionUpdateMeta`).
 */
export function setAggregateMetadata(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): AggregateView {
  const o = bodyArg(input, 'set_metadata', ['metadata']);
  required(o, 'metadata', 'set_metadata');
  const metadata = metadataArg(o.metadata);
  enforce(ctx, NOVA_RULES.aggregates.setMetadata, {});
  const id = idArg(ref);
  const s = tx.draft as CloudState;
  const a = aggregateOf(s, id);
  const row = ownRow(s, a, (reason) => invalidAction('update_meta', id, reason));
  checkZone(s, a, metadata, 'update_meta', null, true);
  const kept = Object.entries(row.metadata).filter(([k]) => !Object.hasOwn(metadata, k));
  const added = Object.entries(metadata).filter((e): e is [string, string] => e[1] !== null);
  const next: HostAggregateRow = { ...row, metadata: Object.fromEntries([...kept, ...added]), updated_at: tx.now() };
  saveHostAggregate(tx, row, next);
  tx.trace('nova-api', `metadata of aggregate ${id} set`, { keys: Object.freeze(Object.keys(metadata).slice(0, 20)) });
  return rowView(s, next);
}
