/**
 * QoS specs (`cinder/api/contrib/qos_specs_manage.py`, `cinder/volume/qos_specs.py`,
 * `cinder/objects/qos_specs.py`, `cinder/api/views/qos_specs.py`, `cinder/api/schemas/qos_specs.py`,
 * `cinder/db/sqlalchemy/api.py` `qos_specs_*`, policies `cinder/policies/qos_specs.py`): named sets
 * of key/values with a consumer (`front-end`: the hypervisor applies them, `back-end`: the volume
 * driver, `both`; default `back-end`), associated with volume types (a type has at most one). All
 * of it is admin-only (`rule:admin_api`); the policy is asked before any lookup.
 *
 * Not simulated: the `qos_specs.*` notifications (not declared in events.ts); `links` in the views;
 * spec values of `null` (refused: a row holds strings). Two departures from Zed, both where Zed's
 * code cannot have meant what it does: the list filters `name` and `consumer` match (Zed's
 * `is_valid_model_filters` finds no such column and answers an empty list), and `delete_keys` with
 * a missing key changes nothing (Zed deletes the keys before it and saves them in a `finally`).
 */
import { describeValue, getRow, setRow, deleteRow, tableToArray, type Tx } from '../core/index.js';
import { enforce, ownTarget, type Ctx } from './context.js';
import { CinderError, duplicate, invalidVolumeType, notFound } from './errors.js';
import { badField, boolText, copy, objectArg, own, put } from './input.js';
import { OSAPI_MAX_LIMIT, compareBy, pageAfterMarker, pagingArg, sortArgs, sortRows } from './listing.js';
import { CINDER_RULES } from './policies.js';
import type { QosSpecsRow, VolumeTypeRow } from './types.js';
import { specsArg } from './volume_types.js';

/** `QoSConsumerValues.ALL`. */
export const QOS_CONSUMERS = Object.freeze(['back-end', 'front-end', 'both'] as const);
/** A QoS specs' consumer. */
export type QosConsumer = (typeof QOS_CONSUMERS)[number];

/** The `qos_specs` object of `GET /v3/{project_id}/qos-specs/{id}` (`ViewBuilder.detail`). */
export interface QosSpecsView {
  readonly id: string;
  readonly name: string;
  readonly consumer: QosConsumer;
  readonly specs: Readonly<Record<string, string>>;
}

/** One entry of `GET /qos-specs/{id}/associations`. */
export interface QosAssociationView {
  readonly association_type: 'volume_type';
  readonly name: string;
  readonly id: string;
}

/** The view of a row. */
export function qosSpecsView(row: QosSpecsRow): QosSpecsView {
  return { id: row.id, name: row.name, consumer: row.consumer, specs: copy(row.specs) };
}

// ------------------------------------------------------------------------------ helpers

/** 400 `InvalidQoSSpecs` for a consumer outside `QOS_CONSUMERS`, with the message the versioned object's field gives. */
function consumerArg(value: unknown, field = 'consumer'): QosConsumer {
  if (typeof value === 'string' && (QOS_CONSUMERS as readonly string[]).includes(value)) return value as QosConsumer;
  throw new CinderError(400, 'block.qos_specs.invalid_consumer', 'InvalidQoSSpecs', "Invalid qos specs: Valid consumer of QoS specs are: QoSConsumerValues(default=<class 'oslo_versionedobjects.fields.UnspecifiedDefault'>,nullable=False,valid_values=('back-end', 'front-end', 'both'))", { field, consumer: describeValue(value) });
}

/** The QoS specs a reference names: an id, a name, or `{ id }` (404 "No such QoS spec …"). */
export function getQosSpecs(ctx: Pick<Ctx, 's'>, ref: unknown, field = 'qos_specs'): QosSpecsRow {
  const byId = typeof ref === 'object' && ref !== null && !Array.isArray(ref);
  const id = byId ? (ref as { id?: unknown }).id : ref;
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) throw badField(byId ? `${field}.id` : field, `expected a QoS specs id${byId ? '' : ' or name'}, got ${describeValue(id)}`, 'block.qos_specs.invalid_ref');
  const row = getRow(ctx.s.block.qos_specs, id);
  if (row !== undefined) return row;
  if (!byId) {
    const named = tableToArray(ctx.s.block.qos_specs).find((r) => r.name === id);
    if (named !== undefined) return named;
  }
  throw notFound('qos_specs', id);
}

/** The volume types associated with QoS specs (`volume_type_qos_associations_get`). */
export function typesOfQos(ctx: Pick<Ctx, 's'>, qosId: string): VolumeTypeRow[] {
  return tableToArray(ctx.s.block.volume_types).filter((t) => t.qos_specs_id === qosId);
}

// ------------------------------------------------------------------------------ create / list / show

/** `POST /v3/{project_id}/qos-specs`: `name`, optional `consumer`, and any other key as a spec. */
export interface QosSpecsCreateRequest {
  readonly name: string;
  readonly consumer?: QosConsumer;
  readonly [spec: string]: string | undefined;
}

/**
 * `POST /v3/{project_id}/qos-specs` (admin): the name (trimmed, 1–255 characters, unique: 409
 * `QoSSpecsExists`), the consumer (default `back-end`; another value is 400 `InvalidQoSSpecs`), and
 * the other keys as specs (`validate_dictionary_string_length`: keys 1–255, string values ≤ 255).
 */
export function createQosSpecs(tx: Tx, ctx: Ctx, input: unknown): QosSpecsView {
  enforce(ctx, CINDER_RULES.qos.create, ownTarget(ctx));
  const b = objectArg(input, 'qos_specs');
  if (!own(b, 'name')) throw badField('name', "Invalid input for field/attribute qos_specs. 'name' is a required property", 'block.input.missing_name');
  if (typeof b.name !== 'string') throw badField('name', `Invalid input for field/attribute name. Value: ${describeValue(b.name)}. ${describeValue(b.name)} is not of type 'string'`, 'block.input.invalid_name');
  const name = b.name.trim();
  if (name.length === 0) throw new CinderError(400, 'block.input.invalid_name', 'InvalidName', "An invalid 'name' value was provided. The 'name' can not be empty.", { field: 'name' });
  if (name.length > 255) throw new CinderError(400, 'block.input.invalid_name', 'InvalidName', "An invalid 'name' value was provided. The 'name' can not be greater than 255 characters.", { field: 'name' });
  const keys = Object.keys(b).filter((k) => k !== 'name');
  if (keys.length > 1024) throw badField('qos_specs', `at most 1024 specs, got ${keys.length}`, 'block.qos_specs.invalid_specs');
  const specs: Record<string, string> = {};
  let consumer: QosConsumer = 'back-end';
  for (const k of keys) {
    const v = b[k];
    if (k.length > 255) throw badField(`qos_specs.${k.slice(0, 64)}`, `Key "${k.slice(0, 64)}…" has ${k.length} characters, more than 255.`, 'block.qos_specs.invalid_specs');
    if (k.length === 0) throw badField('qos_specs.', 'Key "" has 0 characters, less than 1.', 'block.qos_specs.invalid_specs');
    if (v === null || v === undefined) throw badField(`qos_specs.${k}`, `Value for key "${k}": null spec values are not simulated (give a string)`, 'block.qos_specs.invalid_specs');
    if (typeof v !== 'string') throw badField(`qos_specs.${k}`, `Value for key "${k}" is not a string or unicode`, 'block.qos_specs.invalid_specs');
    if (v.length > 255) throw badField(`qos_specs.${k}`, `Value for key "${k}" has ${v.length} characters, more than 255.`, 'block.qos_specs.invalid_specs');
    if (k === 'consumer') {
      if (v !== '') consumer = consumerArg(v);
      continue;
    }
    put(specs, k, v);
  }
  if (tableToArray(tx.draft.block.qos_specs).some((r) => r.name === name)) throw duplicate('block.qos_specs.exists', 'QoSSpecsExists', `QoS Specs ${name} already exists.`, { name });
  const row: QosSpecsRow = { id: tx.ids.uuid(), name, consumer, specs, created_at: tx.now() };
  setRow(tx.draft.block.qos_specs, row.id, row);
  tx.trace('cinder-api', `QoS specs ${name} (${row.id}) created, consumer ${consumer}`);
  return qosSpecsView(row);
}

/** `GET /v3/{project_id}/qos-specs`: filters and paging. */
export interface QosSpecsListQuery {
  readonly id?: string;
  readonly name?: string;
  readonly consumer?: string;
  /** `created_at` (default), `id`, `name`, `consumer`. */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  readonly limit?: number | string;
  readonly marker?: string;
  readonly offset?: number | string;
}

const QOS_SORT_KEYS = ['created_at', 'id', 'name', 'consumer'] as const;
const QOS_LIST_KEYS = ['id', 'name', 'consumer', 'sort_key', 'sort_dir', 'limit', 'marker', 'offset'];

/**
 * `GET /v3/{project_id}/qos-specs` (admin; `qos_specs_get_all` → `_generate_paginate_query`): newest
 * first; an unknown marker is 404 (`_qos_specs_get`), a marker the filters leave out pages on from
 * its sort values; `offset` rows skipped after it, at most `limit`.
 */
export function listQosSpecs(ctx: Ctx, query: unknown = {}): QosSpecsView[] {
  enforce(ctx, CINDER_RULES.qos.getAll, ownTarget(ctx));
  const q = objectArg(query, 'query');
  for (const k of Object.keys(q)) if (!QOS_LIST_KEYS.includes(k)) throw badField(k.slice(0, 64), `'${k.slice(0, 64)}' is not a filter of GET /qos-specs (known: ${QOS_LIST_KEYS.join(', ')})`, 'block.list.unknown_filter');
  for (const k of ['id', 'name', 'consumer'] as const) {
    if (q[k] !== undefined && (typeof q[k] !== 'string' || (q[k] as string).length > 255)) throw badField(k, `expected a string of at most 255 characters, got ${describeValue(q[k])}`, 'block.list.invalid_filter');
  }
  const { key, dir } = sortArgs(q, QOS_SORT_KEYS);
  const limit = q.limit === undefined ? OSAPI_MAX_LIMIT : Math.min(pagingArg(q.limit, 'limit'), OSAPI_MAX_LIMIT);
  const offset = q.offset === undefined ? 0 : pagingArg(q.offset, 'offset');
  const rows = sortRows(
    tableToArray(ctx.s.block.qos_specs).filter((r) => (q.id === undefined || r.id === q.id) && (q.name === undefined || r.name === q.name) && (q.consumer === undefined || r.consumer === q.consumer)),
    key,
    dir,
  );
  let start = 0;
  if (q.marker !== undefined) {
    if (typeof q.marker !== 'string' || q.marker.length === 0 || q.marker.length > 255) throw badField('marker', `expected a QoS specs id, got ${describeValue(q.marker)}`, 'block.list.invalid_marker');
    const marker = getRow(ctx.s.block.qos_specs, q.marker);
    if (marker === undefined) throw notFound('qos_specs', q.marker);
    // `paginate_query` goes on after the marker's sort values, whether the filters keep it or not
    start = pageAfterMarker(rows, marker, compareBy((r) => r[key], dir));
  }
  return rows.slice(start + offset, start + offset + limit).map(qosSpecsView);
}

/** `GET /v3/{project_id}/qos-specs/{id}` (admin). */
export function showQosSpecs(ctx: Ctx, ref: unknown): QosSpecsView {
  enforce(ctx, CINDER_RULES.qos.get, ownTarget(ctx));
  return qosSpecsView(getQosSpecs(ctx, ref));
}

// ------------------------------------------------------------------------------ set / unset / delete

/**
 * `PUT /v3/{project_id}/qos-specs/{id}` (admin) `{ qos_specs: {...} }`: sets keys (`consumer`
 * changes the consumer); answers the specs given. Keys as `extra_specs` (`[a-zA-Z0-9-_:. /]`).
 */
export function setQosSpecsKeys(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): Record<string, string> {
  enforce(ctx, CINDER_RULES.qos.update, ownTarget(ctx));
  const given = specsArg(input, 'qos_specs');
  const row = getQosSpecs({ s: tx.draft }, ref);
  const consumer = own(given, 'consumer') ? consumerArg(given.consumer) : row.consumer;
  const specs = copy(row.specs);
  for (const [k, v] of Object.entries(given)) if (k !== 'consumer') put(specs, k, v);
  setRow(tx.draft.block.qos_specs, row.id, { ...row, consumer, specs });
  return given;
}

/** `PUT /v3/{project_id}/qos-specs/{id}/delete_keys` (admin) `{ keys: [...] }`: unique keys; a key not set is 404 `QoSSpecsKeyNotFound` and nothing changes. */
export function unsetQosSpecsKeys(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  enforce(ctx, CINDER_RULES.qos.delete, ownTarget(ctx));
  const b = objectArg(input, 'body');
  for (const k of Object.keys(b)) if (k !== 'keys') throw badField(`body.${k.slice(0, 64)}`, `Invalid input for field/attribute body. Additional properties are not allowed ('${k.slice(0, 64)}' was unexpected)`, 'block.input.unexpected_field');
  if (!Array.isArray(b.keys)) throw badField('keys', `Invalid input for field/attribute keys. Value: ${describeValue(b.keys)}. ${describeValue(b.keys)} is not of type 'array'`, 'block.qos_specs.invalid_keys');
  const keys = b.keys as unknown[];
  if (keys.length > 1024) throw badField('keys', `at most 1024 keys, got ${keys.length}`, 'block.qos_specs.invalid_keys');
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (typeof k !== 'string' || k.length < 1 || k.length > 255) throw badField(`keys[${i}]`, `Invalid input for field/attribute keys[${i}]. Value: ${describeValue(k)}. expected a string of 1 to 255 characters`, 'block.qos_specs.invalid_keys');
    if (seen.has(k)) throw badField('keys', `Invalid input for field/attribute keys. has non-unique elements ('${k.slice(0, 64)}')`, 'block.qos_specs.invalid_keys');
    seen.add(k);
  });
  const row = getQosSpecs({ s: tx.draft }, ref);
  const specs = copy(row.specs);
  for (const k of seen) {
    if (!own(specs, k)) throw new CinderError(404, 'block.qos_specs.key_not_found', 'QoSSpecsKeyNotFound', `QoS spec ${row.id} has no spec with key ${k}.`, { qos_specs_id: row.id, key: k });
    delete specs[k];
  }
  setRow(tx.draft.block.qos_specs, row.id, { ...row, specs });
}

/**
 * `DELETE /v3/{project_id}/qos-specs/{id}[?force=true]` (admin): refused while associated with a
 * type ("Qos specs still in use.", 400) unless `force`, which disassociates every type first.
 */
export function deleteQosSpecs(tx: Tx, ctx: Ctx, ref: unknown, options: { readonly force?: unknown } = {}): void {
  enforce(ctx, CINDER_RULES.qos.delete, ownTarget(ctx));
  const o = objectArg(options, 'options');
  const force = o.force === undefined ? false : forceArg(o.force);
  const row = getQosSpecs({ s: tx.draft }, ref);
  const types = typesOfQos({ s: tx.draft }, row.id);
  if (types.length > 0 && !force) throw new CinderError(400, 'block.qos_specs.in_use', 'QoSSpecsInUse', 'Qos specs still in use.', { qos_specs_id: row.id, volume_types: types.map((t) => t.id) });
  for (const t of types) setRow(tx.draft.block.volume_types, t.id, { ...t, qos_specs_id: null, updated_at: tx.now() });
  deleteRow(tx.draft.block.qos_specs, row.id);
  tx.trace('cinder-api', `QoS specs ${row.name} (${row.id}) deleted${types.length > 0 ? `, ${types.length} type(s) disassociated` : ''}`);
}

/** `utils.get_bool_param('force')`: a boolean or oslo's boolean strings, else 400 `InvalidParameterValue`. */
function forceArg(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const b = boolText(typeof value === 'string' ? value.toLowerCase() : null);
  if (b !== undefined) return b;
  throw new CinderError(400, 'block.input.invalid_force', 'InvalidParameterValue', `Value '${typeof value === 'string' ? value.slice(0, 64) : describeValue(value)}' for 'force' is not a boolean.`, { field: 'force' });
}

// ------------------------------------------------------------------------------ associations

/** `GET /v3/{project_id}/qos-specs/{id}/associations` (admin, the `get_all` policy). */
export function listQosAssociations(ctx: Ctx, ref: unknown): QosAssociationView[] {
  enforce(ctx, CINDER_RULES.qos.getAll, ownTarget(ctx));
  const row = getQosSpecs(ctx, ref);
  return typesOfQos(ctx, row.id).map((t) => ({ association_type: 'volume_type', name: t.name, id: t.id }));
}

/** The `vol_type_id` query parameter: required ("Volume Type id must not be None."). */
function typeParam(value: unknown): string {
  if (value === undefined || value === null || value === '') throw badField('vol_type_id', 'Volume Type id must not be None.', 'block.qos_specs.missing_type');
  if (typeof value !== 'string' || value.length > 255) throw badField('vol_type_id', `expected a volume type id, got ${describeValue(value)}`, 'block.qos_specs.invalid_type');
  return value;
}

/** The type `vol_type_id` names (any type: the admin context sees them all), by id or, as a convenience, by name; 404 `VolumeTypeNotFound`. */
function typeById(tx: Tx, ref: string): VolumeTypeRow {
  const t = getRow(tx.draft.block.volume_types, ref) ?? tableToArray(tx.draft.block.volume_types).find((r) => r.name === ref);
  if (t === undefined) throw notFound('volume_type', ref);
  return t;
}

/**
 * `GET /v3/{project_id}/qos-specs/{id}/associate?vol_type_id=` (admin): a type has at most one QoS
 * specs (400 `InvalidVolumeType` "Type … is already associated with another qos specs: …");
 * associating again with the same is a no-op.
 */
export function associateQosSpecs(tx: Tx, ctx: Ctx, ref: unknown, volTypeId: unknown): void {
  enforce(ctx, CINDER_RULES.qos.update, ownTarget(ctx));
  const typeId = typeParam(volTypeId);
  const row = getQosSpecs({ s: tx.draft }, ref);
  const type = typeById(tx, typeId);
  if (type.qos_specs_id !== null) {
    if (type.qos_specs_id !== row.id) throw invalidVolumeType(`Type ${type.id} is already associated with another qos specs: ${type.qos_specs_id}`, { volume_type_id: type.id, qos_specs_id: type.qos_specs_id }, 'block.qos_specs.type_associated');
    return;
  }
  setRow(tx.draft.block.volume_types, type.id, { ...type, qos_specs_id: row.id, updated_at: tx.now() });
  tx.trace('cinder-api', `QoS specs ${row.name} associated with volume type ${type.name}`);
}

/** `GET /v3/{project_id}/qos-specs/{id}/disassociate?vol_type_id=` (admin): a type associated with other specs keeps them. */
export function disassociateQosSpecs(tx: Tx, ctx: Ctx, ref: unknown, volTypeId: unknown): void {
  enforce(ctx, CINDER_RULES.qos.update, ownTarget(ctx));
  const typeId = typeParam(volTypeId);
  const row = getQosSpecs({ s: tx.draft }, ref);
  const type = typeById(tx, typeId);
  if (type.qos_specs_id === row.id) setRow(tx.draft.block.volume_types, type.id, { ...type, qos_specs_id: null, updated_at: tx.now() });
}

/** `GET /v3/{project_id}/qos-specs/{id}/disassociate_all` (admin). */
export function disassociateAllQosSpecs(tx: Tx, ctx: Ctx, ref: unknown): void {
  enforce(ctx, CINDER_RULES.qos.update, ownTarget(ctx));
  const row = getQosSpecs({ s: tx.draft }, ref);
  for (const t of typesOfQos({ s: tx.draft }, row.id)) setRow(tx.draft.block.volume_types, t.id, { ...t, qos_specs_id: null, updated_at: tx.now() });
}

/** The QoS specs of a type, as `volume_types.get_volume_type_qos_specs` (`{ qos_specs: … | null }`'s inner value). */
export function qosOfType(ctx: Pick<Ctx, 's'>, type: VolumeTypeRow): QosSpecsView | null {
  if (type.qos_specs_id === null) return null;
  const row = getRow(ctx.s.block.qos_specs, type.qos_specs_id);
  return row === undefined ? null : qosSpecsView(row);
}

