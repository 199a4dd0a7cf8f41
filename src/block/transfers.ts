/**
 * Volume transfers (`cinder/transfer/api.py`, `cinder/api/v3/volume_transfer.py`,
 * `cinder/api/contrib/volume_transfer.py`, `cinder/api/views/transfers.py`,
 * `cinder/api/schemas/volume_transfer.py`, `cinder/db/sqlalchemy/api.py` `transfer_*`, policies
 * `cinder/policies/volume_transfer.py`): a project offers an `available` volume (it becomes
 * `awaiting-transfer`), gets an auth key once, and another project accepts it with that key: the
 * volume (and, unless `no_snapshots` (3.55), its snapshots) change project and user, and the
 * quota moves from the donor to the recipient, as `QUOTAS.reserve` / `commit` of both do.
 *
 * The key: `_get_random_string` draws hex characters (8 for the salt, `volume_transfer_salt_length`;
 * 16 for the key, `volume_transfer_key_length`) — here from the cloud's seeded generator — and only
 * `salt` and `crypt_hash` = HMAC-SHA1(salt, key) (`_get_crypt_hash`) are stored; the create answer
 * is the only place the key appears. Views as API 3.70 (`no_snapshots` 3.55, the history fields
 * 3.57). An accepted or deleted transfer is gone (Cinder soft-deletes it, and no API reads it back).
 *
 * Not simulated: encrypted volumes (none exist here), transfer expiry (Cinder has none either),
 * `links`. Notifications: Cinder sends `volume.transfer.{create,delete,accept}.{start,end}` with the
 * volume's usage; events.ts declares `transfer.*` with the transfer's, which is what is sent.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describeValue, deleteRow, getRow, setRow, tableToArray, type CloudState, type Tx } from '../core/index.js';
import { enforce, ownTarget, targetOf, type Ctx } from './context.js';
import { CinderError, invalidSnapshot, invalidVolume, notFound } from './errors.js';
import { publisher } from './events.js';
import { badField, isUuidLike, objectArg, own, put, typeName } from './input.js';
import { OSAPI_MAX_LIMIT, pagingArg, sortArgs, sortRows } from './listing.js';
import { CINDER_RULES } from './policies.js';
import { checkPerVolumeSize, releaseQuota, snapshotDeltas, useQuota, volumeDeltas, type CinderDeltas } from './quota.js';
import { moveSnapshot, moveVolume } from './statuses.js';
import type { SnapshotRow, TransferRow, VolumeRow } from './types.js';
import { timestamp, volumeUsage } from './views.js';
import { boolArg } from './volume_types.js';
import { getVolume, snapshotsOf } from './volumes.js';

/** `[DEFAULT] volume_transfer_salt_length`. */
export const TRANSFER_SALT_LENGTH = 8;
/** `[DEFAULT] volume_transfer_key_length`. */
export const TRANSFER_KEY_LENGTH = 16;

// ------------------------------------------------------------------------------ views

/** `GET /v3/{project_id}/volume-transfers/{id}` at 3.70 (the `transfer` object). */
export interface TransferView {
  readonly id: string;
  readonly created_at: string;
  readonly name: string | null;
  readonly volume_id: string;
  readonly no_snapshots: boolean;
  readonly destination_project_id: string | null;
  readonly source_project_id: string;
  readonly accepted: boolean;
}

/** `POST /v3/{project_id}/volume-transfers`'s answer: the view with the `auth_key`, shown this once. */
export interface TransferCreatedView extends TransferView {
  readonly auth_key: string;
}

/** A transfer in a summary list (`GET /volume-transfers`) and the answer of an accept. */
export interface TransferSummary {
  readonly id: string;
  readonly volume_id: string;
  readonly name: string | null;
}

/** The detailed view (`ViewBuilder.detail` at 3.70). */
export function transferView(s: CloudState, t: TransferRow): TransferView {
  return { id: t.id, created_at: timestamp(s, t.created_at), name: t.display_name, volume_id: t.volume_id, no_snapshots: t.no_snapshots, destination_project_id: t.destination_project_id, source_project_id: t.source_project_id, accepted: t.accepted };
}

/** The summary view (`ViewBuilder.summary`). */
export function transferSummary(t: Pick<TransferRow, 'id' | 'volume_id' | 'display_name'>): TransferSummary {
  return { id: t.id, volume_id: t.volume_id, name: t.display_name };
}

// ------------------------------------------------------------------------------ the key

/** `_get_crypt_hash`: HMAC-SHA1 of the auth key keyed by the salt, in hex. */
export function transferCryptHash(salt: string, authKey: string): string {
  return bytesToHex(hmac(sha1, utf8ToBytes(salt), utf8ToBytes(authKey)));
}

/** Constant-time comparison of two hex digests. */
function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

// ------------------------------------------------------------------------------ lookups

/** `_transfer_get`: an admin sees every transfer, anyone else those of its project's volumes. */
export function transferVisible(ctx: Ctx, t: TransferRow): boolean {
  if (ctx.isAdmin) return true;
  const volume = getRow(ctx.s.block.volumes, t.volume_id);
  return volume !== undefined && volume.project_id === ctx.projectId;
}

/** The transfer a reference names (an id, a name among the visible ones, or `{ id }`); 404 `TransferNotFound` otherwise. */
export function getTransfer(ctx: Ctx, ref: unknown, field = 'transfer'): TransferRow {
  const byId = typeof ref === 'object' && ref !== null && !Array.isArray(ref);
  const id = byId ? (ref as { id?: unknown }).id : ref;
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) throw badField(byId ? `${field}.id` : field, `expected a transfer id${byId ? '' : ' or name'}, got ${describeValue(id)}`, 'block.transfer.invalid_ref');
  const row = getRow(ctx.s.block.transfers, id);
  if (row !== undefined) {
    if (!transferVisible(ctx, row)) throw notFound('transfer', id);
    return row;
  }
  if (!byId) {
    const named = tableToArray(ctx.s.block.transfers).filter((t) => t.display_name === id && transferVisible(ctx, t));
    if (named.length === 1) return named[0] as TransferRow;
    if (named.length > 1) throw new CinderError(409, 'block.transfer.ambiguous_name', 'AmbiguousName', `Multiple transfers are named ${id}: give an id (${named.map((t) => t.id).join(', ')}).`, { name: id, ids: named.map((t) => t.id) });
  }
  throw notFound('transfer', id);
}

// ------------------------------------------------------------------------------ create

/** `POST /v3/{project_id}/volume-transfers`: the `transfer` object. */
export interface TransferCreateRequest {
  readonly volume_id: string;
  readonly name?: string | null;
  /** 3.55: leave the volume's snapshots with the donor (default false: they go with it). */
  readonly no_snapshots?: boolean | string;
}

/**
 * `POST /v3/{project_id}/volume-transfers` (`transfer.api.API.create`): the volume (the caller's,
 * 404 otherwise) must be `available` (400 "status must be available"), and, unless
 * `no_snapshots`, each of its snapshots `available` too (400 `InvalidSnapshot`); it becomes
 * `awaiting-transfer`. Answers the transfer with its `auth_key`.
 */
export function createTransfer(tx: Tx, ctx: Ctx, input: unknown): TransferCreatedView {
  const b = objectArg(input, 'transfer');
  if (!Object.prototype.hasOwnProperty.call(b, 'volume_id')) throw badField('volume_id', "Invalid input for field/attribute transfer. 'volume_id' is a required property", 'block.input.missing_volume_id');
  if (!isUuidLike(b.volume_id)) throw badField('volume_id', `Invalid input for field/attribute volume_id. Value: ${describeValue(b.volume_id)}. ${describeValue(b.volume_id)} is not a 'uuid'`, 'block.input.invalid_volume_id');
  const volume = getVolume(ctx, { id: b.volume_id }, 'volume_id');
  enforce(ctx, CINDER_RULES.transfer.create, targetOf(volume));
  for (const k of Object.keys(b)) if (!['volume_id', 'name', 'no_snapshots'].includes(k)) throw badField(`transfer.${k.slice(0, 64)}`, `Invalid input for field/attribute transfer. Additional properties are not allowed ('${k.slice(0, 64)}' was unexpected)`, 'block.input.unexpected_field');
  let name: string | null = null;
  if (b.name !== undefined && b.name !== null) {
    if (typeof b.name !== 'string') throw badField('name', `Invalid input for field/attribute name. Value: ${describeValue(b.name)}. ${describeValue(b.name)} is not of type 'string'`, 'block.input.invalid_name');
    name = b.name.trim();
    if (name.length === 0) throw new CinderError(400, 'block.input.invalid_name', 'InvalidName', "An invalid 'name' value was provided. The 'name' can not be empty.", { field: 'name' });
    if (name.length > 255) throw new CinderError(400, 'block.input.invalid_name', 'InvalidName', "An invalid 'name' value was provided. The 'name' can not be greater than 255 characters.", { field: 'name' });
  }
  const noSnapshots = b.no_snapshots === undefined ? false : boolArg(b.no_snapshots, 'no_snapshots');
  if (volume.status !== 'available') throw invalidVolume('status must be available', { volume_id: volume.id, status: volume.status });
  if (!noSnapshots) {
    for (const snap of snapshotsOf(ctx, volume.id)) {
      if (snap.status !== 'available') throw invalidSnapshot(`snapshot: ${snap.id} status must be available`, { snapshot_id: snap.id, status: snap.status });
    }
  }
  const salt = tx.ids.hex(TRANSFER_SALT_LENGTH);
  const authKey = tx.ids.hex(TRANSFER_KEY_LENGTH);
  const row: TransferRow = {
    id: tx.ids.uuid(),
    volume_id: volume.id,
    display_name: name,
    salt,
    crypt_hash: transferCryptHash(salt, authKey),
    source_project_id: volume.project_id,
    destination_project_id: null,
    accepted: false,
    no_snapshots: noSnapshots,
    created_at: tx.now(),
  };
  tx.emit('volume.transfer.create.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
  const awaiting = moveVolume(tx, volume, 'awaiting-transfer');
  setRow(tx.draft.block.transfers, row.id, row);
  setRow(tx.draft.block.volume_transfers, `${row.volume_id}/${row.id}`, row.id);
  tx.trace('cinder-api', `transfer ${row.id} of volume ${volume.id} created`);
  tx.emit('volume.transfer.create.end', () => volumeUsage(tx.draft, awaiting), publisher('controller'));
  const view = transferView(tx.draft, row);
  return { id: view.id, created_at: view.created_at, name: view.name, volume_id: view.volume_id, auth_key: authKey, no_snapshots: view.no_snapshots, destination_project_id: view.destination_project_id, source_project_id: view.source_project_id, accepted: view.accepted };
}

// ------------------------------------------------------------------------------ show / list

/** `GET /v3/{project_id}/volume-transfers/{id}`: the caller's project's transfers (any, for an admin). */
export function showTransfer(ctx: Ctx, ref: unknown): TransferView {
  enforce(ctx, CINDER_RULES.transfer.get, ownTarget(ctx));
  return transferView(ctx.s, getTransfer(ctx, ref));
}

/** `GET /v3/{project_id}/volume-transfers[/detail]`: filters and paging (3.59). */
export interface TransferListQuery {
  /** Admins: every project's transfers. */
  readonly all_tenants?: boolean | string | number;
  readonly name?: string;
  readonly volume_id?: string;
  readonly source_project_id?: string;
  readonly no_snapshots?: boolean | string;
  /** `created_at` (default), `id`, `volume_id`, `display_name`. */
  readonly sort_key?: string;
  readonly sort_dir?: 'asc' | 'desc';
  readonly limit?: number | string;
  readonly marker?: string;
  readonly offset?: number | string;
}

const TRANSFER_SORT_KEYS = ['created_at', 'id', 'volume_id', 'display_name'] as const;
const TRANSFER_LIST_KEYS = ['all_tenants', 'name', 'volume_id', 'source_project_id', 'no_snapshots', 'sort_key', 'sort_dir', 'limit', 'marker', 'offset'];

/**
 * The transfers a list answers (`transfer.api.API.get_all`): the project's (an admin with
 * `all_tenants`: everyone's), newest first; an unknown marker is 404 `TransferNotFound`.
 */
export function listTransferRows(ctx: Ctx, query: unknown = {}): TransferRow[] {
  enforce(ctx, CINDER_RULES.transfer.getAll, ownTarget(ctx));
  const q = objectArg(query, 'query');
  for (const k of Object.keys(q)) if (!TRANSFER_LIST_KEYS.includes(k)) throw badField(k.slice(0, 64), `'${k.slice(0, 64)}' is not a filter of GET /volume-transfers (known: ${TRANSFER_LIST_KEYS.join(', ')})`, 'block.list.unknown_filter');
  for (const k of ['name', 'volume_id', 'source_project_id'] as const) {
    if (q[k] !== undefined && (typeof q[k] !== 'string' || (q[k] as string).length > 255)) throw badField(k, `expected a string of at most 255 characters, got ${describeValue(q[k])}`, 'block.list.invalid_filter');
  }
  // `strutils.bool_from_string` (not strict): anything but a true spelling is false
  const all = q.all_tenants === true || q.all_tenants === 1 || (typeof q.all_tenants === 'string' && ['1', 't', 'true', 'on', 'y', 'yes'].includes(q.all_tenants.trim().toLowerCase()));
  const noSnapshots = q.no_snapshots === undefined ? undefined : boolArg(q.no_snapshots, 'no_snapshots');
  const sortKeys = [...TRANSFER_SORT_KEYS, 'name'] as const;
  const { key, dir } = sortArgs(q, sortKeys);
  const limit = q.limit === undefined ? OSAPI_MAX_LIMIT : Math.min(pagingArg(q.limit, 'limit'), OSAPI_MAX_LIMIT);
  const offset = q.offset === undefined ? 0 : pagingArg(q.offset, 'offset');
  const everyone = ctx.isAdmin && all;
  const rows = tableToArray(ctx.s.block.transfers).filter((t) => {
    if (!everyone) {
      const volume = getRow(ctx.s.block.volumes, t.volume_id);
      if (volume === undefined || volume.project_id !== ctx.projectId) return false;
    }
    if (q.name !== undefined && t.display_name !== q.name) return false;
    if (q.volume_id !== undefined && t.volume_id !== q.volume_id) return false;
    if (q.source_project_id !== undefined && t.source_project_id !== q.source_project_id) return false;
    if (noSnapshots !== undefined && t.no_snapshots !== noSnapshots) return false;
    return true;
  });
  sortRows(rows, key === 'name' ? 'display_name' : key, dir);
  let start = 0;
  if (q.marker !== undefined) {
    if (typeof q.marker !== 'string' || q.marker.length === 0 || q.marker.length > 255) throw badField('marker', `expected a transfer id, got ${describeValue(q.marker)}`, 'block.list.invalid_marker');
    const i = rows.findIndex((r) => r.id === q.marker);
    const marker = getRow(ctx.s.block.transfers, q.marker);
    if (marker === undefined || !transferVisible(ctx, marker)) throw notFound('transfer', q.marker);
    start = i + 1;
  }
  return rows.slice(start + offset, start + offset + limit);
}

// ------------------------------------------------------------------------------ delete

/**
 * `DELETE /v3/{project_id}/volume-transfers/{id}` (`transfer.api.API.delete`): the transfer goes;
 * its volume returns to `available` (a volume no longer `awaiting-transfer` keeps its status, as
 * `transfer_destroy`'s conditional update leaves it).
 */
export function deleteTransfer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const transfer = getTransfer(ctx, ref);
  const volume = getRow(ctx.s.block.volumes, transfer.volume_id);
  if (volume === undefined) throw notFound('volume', transfer.volume_id);
  enforce(ctx, CINDER_RULES.transfer.delete, targetOf(volume));
  tx.emit('volume.transfer.delete.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
  const back = volume.status === 'awaiting-transfer' ? moveVolume(tx, volume, 'available') : volume;
  deleteRow(tx.draft.block.transfers, transfer.id);
  deleteRow(tx.draft.block.volume_transfers, `${transfer.volume_id}/${transfer.id}`);
  tx.trace('cinder-api', `transfer ${transfer.id} of volume ${volume.id} deleted`);
  tx.emit('volume.transfer.delete.end', () => volumeUsage(tx.draft, back), publisher('controller'));
}

// ------------------------------------------------------------------------------ accept

/** `POST /v3/{project_id}/volume-transfers/{id}/accept`: the `accept` object. */
export interface TransferAcceptRequest {
  /** A string, or an integer (the schema allows both; it is hashed as its decimal text). */
  readonly auth_key: string | number;
}

/** What an accept moves: quota deltas per project, one entry per resource family. */
function snapshotMoves(s: CloudState, snaps: readonly SnapshotRow[]): CinderDeltas {
  const deltas: Record<string, number> = {};
  const add = (k: string, n: number): void => {
    put(deltas, k, (own(deltas, k) ? (deltas[k] as number) : 0) + n);
  };
  for (const snap of snaps) for (const [k, v] of Object.entries(snapshotDeltas(typeName(s, snap.volume_type_id), snap.volume_size))) add(k, v);
  return deltas;
}

/**
 * `POST /v3/{project_id}/volume-transfers/{id}/accept` (`transfer.api.API.accept`), by any project
 * with the key, in Cinder's order: the policy; the transfer (by id, whoever owns it); the key (400
 * `InvalidAuthKey`); the recipient's `per_volume_gigabytes` (413) and quota for the volume (413),
 * then for the snapshots that go with it (413); the volume `awaiting-transfer` (400
 * `InvalidVolume`) and those snapshots `available` (400 `InvalidSnapshot`). Then the volume is the
 * recipient's (project and user), `available`; its snapshots too unless `no_snapshots`; the quota
 * leaves the donor. Answers the transfer's summary.
 *
 * The snapshots' quota moves under each snapshot's own type (Zed reserves it under the volume's
 * current type, which after a retype leaves the projects' usage unlike their snapshots).
 */
export function acceptTransfer(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): TransferSummary {
  enforce(ctx, CINDER_RULES.transfer.accept, ownTarget(ctx));
  if (ctx.projectId === null) throw new CinderError(400, 'block.transfer.no_project', 'InvalidInput', 'Invalid input received: a volume belongs to a project: use a project-scoped token to accept a transfer.');
  const b = objectArg(input, 'accept');
  for (const k of Object.keys(b)) if (k !== 'auth_key') throw badField(`accept.${k.slice(0, 64)}`, `Invalid input for field/attribute accept. Additional properties are not allowed ('${k.slice(0, 64)}' was unexpected)`, 'block.input.unexpected_field');
  if (!Object.prototype.hasOwnProperty.call(b, 'auth_key')) throw badField('auth_key', "Invalid input for field/attribute accept. 'auth_key' is a required property", 'block.input.missing_auth_key');
  const key = b.auth_key;
  if (!(typeof key === 'string' && key.length <= 1024) && !(typeof key === 'number' && Number.isSafeInteger(key))) throw badField('auth_key', `Invalid input for field/attribute auth_key. Value: ${describeValue(key)}. ${describeValue(key)} is not of type 'string', 'integer'`, 'block.input.invalid_auth_key');
  const refId = typeof ref === 'object' && ref !== null && !Array.isArray(ref) ? (ref as { id?: unknown }).id : ref;
  if (typeof refId !== 'string' || refId.length === 0 || refId.length > 255) throw badField('transfer', `expected a transfer id, got ${describeValue(refId)}`, 'block.transfer.invalid_ref');
  const transfer = getRow(tx.draft.block.transfers, refId);
  if (transfer === undefined) throw notFound('transfer', refId);
  if (!sameDigest(transferCryptHash(transfer.salt, String(key)), transfer.crypt_hash)) {
    throw new CinderError(400, 'block.transfer.invalid_auth_key', 'InvalidAuthKey', `Invalid auth key: Attempt to transfer ${transfer.id} with invalid auth key.`, { transfer_id: transfer.id });
  }
  const volume = getRow(tx.draft.block.volumes, transfer.volume_id);
  if (volume === undefined) throw notFound('volume', transfer.volume_id);
  const recipient = ctx.projectId;
  const donor = volume.project_id;
  checkPerVolumeSize(tx, recipient, volume.size);
  const volumeQuota = volumeDeltas(typeName(tx.draft, volume.volume_type_id), volume.size);
  if (volume.consumes_quota) {
    useQuota(tx, recipient, 'volumes', volumeQuota);
    releaseQuota(tx, donor, volumeQuota);
  }
  const snapshots = transfer.no_snapshots ? [] : snapshotsOf({ s: tx.draft }, volume.id);
  if (snapshots.length > 0) {
    const snapQuota = snapshotMoves(tx.draft, snapshots);
    useQuota(tx, recipient, 'snapshots', snapQuota);
    releaseQuota(tx, donor, snapQuota);
  }
  tx.emit('volume.transfer.accept.start', () => volumeUsage(tx.draft, volume), publisher('controller'));
  if (volume.status === 'maintenance') throw invalidVolume('The volume cannot accept transfer in maintenance mode.', { volume_id: volume.id, status: volume.status });
  if (volume.status !== 'awaiting-transfer') throw invalidVolume(`Transfer ${transfer.id}: Volume id ${volume.id} expected in awaiting-transfer state.`, { volume_id: volume.id, status: volume.status });
  const moved: VolumeRow = moveVolume(tx, volume, 'available', { project_id: recipient, user_id: ctx.userId });
  for (const snap of snapshots) {
    if (snap.status !== 'available') throw invalidSnapshot(`Transfer ${transfer.id}: Snapshot ${snap.id} is not in the expected available state.`, { snapshot_id: snap.id, status: snap.status });
    moveSnapshot(tx, snap, snap.status, { project_id: recipient, user_id: ctx.userId });
  }
  deleteRow(tx.draft.block.transfers, transfer.id);
  deleteRow(tx.draft.block.volume_transfers, `${transfer.volume_id}/${transfer.id}`);
  tx.trace('cinder-api', `transfer ${transfer.id}: volume ${moved.id} (${moved.size} GB${snapshots.length > 0 ? `, ${snapshots.length} snapshot(s)` : ''}) moved from project ${donor} to ${recipient}`);
  tx.emit('volume.transfer.accept.end', () => volumeUsage(tx.draft, moved), publisher('controller'));
  return transferSummary(transfer);
}
