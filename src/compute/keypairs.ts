/**
 * Key pairs (`nova/api/openstack/compute/keypairs.py`, `views/keypairs.py`, `schemas/keypairs.py`,
 * `nova/compute/api.py` `KeypairAPI`, `nova/objects/keypair.py`, `nova/crypto.py`), as nova Zed
 * answers them at microversion 2.93: since 2.92 nova only imports public keys; generating a pair
 * is stacksim's named helper ({@link generateKeypair}).
 *
 * - Key pairs belong to a user (`<user_id>/<name>`); `user_id` (a parameter, or in the body) lets
 *   an admin act on another user's (`os-keypairs:*`: `context_is_admin or user_id:%(user_id)s`,
 *   so anyone else naming another user gets 403).
 * - Import: nova's 2.92 schema (`name` 1 to 255 characters of `@._- `, letters and digits, not
 *   starting or ending with a space; `public_key` required; `type` `ssh` or `x509`), the policy,
 *   the `key_pairs` quota (the user's pairs against the caller's project's limit: 403
 *   `KeypairLimitExceeded` "Quota exceeded, too many key pairs."), the key (400 `InvalidKeypair`),
 *   then the name (409 `KeyPairExists` "Key pair 'x' already exists.").
 * - The key and its fingerprint are nova's `crypto.py` (`keypair_keys.ts`): an `ssh` key checked as
 *   python-cryptography loads it, fingerprinted with MD5; an `x509` PEM certificate, with SHA-1.
 * - List: by name, `limit` (at most `[api] max_limit`) and `marker` (a name of the user's: 400
 *   "Marker x could not be found." otherwise).
 *
 * Not simulated: the `keypair.import.*` / `keypair.delete.*` notifications, user quotas.
 */
import { deleteRow, getRow, setRow, tablePrefix, type CloudState, type Tx } from '../core/index.js';
import { enforce, type Ctx } from './context.js';
import { badRequest, NovaError, notFound, overQuota } from './errors.js';
import { fingerprintOf, madeUpKeypair } from './keypair_keys.js';
import { describeValue, fieldError, limitParam, objectArg, onlyKeys, pyLength, pyStrip, queryArg, queryString, requireKeys, schemaName } from './input.js';
import { NOVA_RULES } from './policies.js';
import { limitOf, QUOTA_SERVICE } from './quota.js';
import type { KeypairRow } from './types.js';
import { usgTime } from './views.js';

/** `GET /os-keypairs` items (`_index_params_v2_2`): name, public key, fingerprint, type. */
export interface KeypairView {
  readonly name: string;
  readonly public_key: string;
  readonly fingerprint: string;
  readonly type: 'ssh' | 'x509';
}

/** `POST /os-keypairs` (`_create_params` and `type`): the list's fields and `user_id`. */
export interface KeypairCreatedView extends KeypairView {
  readonly user_id: string;
}

/** `GET /os-keypairs/{name}` (`_show_params_v2_2`). */
export interface KeypairDetailView extends KeypairCreatedView {
  /** `str(datetime)` of the creation: `2026-12-05T06:20:59.000000`. */
  readonly created_at: string;
  readonly deleted: false;
  readonly deleted_at: null;
  readonly id: number;
  readonly updated_at: null;
}

/** What {@link generateKeypair} answers: the created key pair and its private key (shown once). */
export interface GeneratedKeypairView extends KeypairCreatedView {
  readonly private_key: string;
}

// ------------------------------------------------------------------------------ arguments

/** `parameter_types.keypair_name_special_chars_292` (and `_20`, 2.91's, for generation). */
function keypairName(value: unknown, safe: string): string {
  const name = schemaName(value, 'name');
  for (const ch of name) if (!safe.includes(ch)) throw badRequest('name', `An invalid 'name' value was provided. The name must be: Only expected characters: [${safe}]`, 'compute.input.invalid_name');
  return name;
}
const DIGITS_LETTERS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SAFE_292 = `@._- ${DIGITS_LETTERS}`;
const SAFE_20 = `_- ${DIGITS_LETTERS}`;

/** A `{'type': 'string'}` field of bounded length (the database's column). */
function stringField(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw fieldError(field, value, `${describeValue(value)} is not of type 'string'`);
  if (pyLength(value) > max) throw fieldError(field, value, `${describeValue(value)} is longer than the ${max} characters nova's database column holds`);
  return value;
}

/** The checked body of a create: name, type, public key (absent for a generation), user id. */
interface CreateArgs {
  readonly name: string;
  readonly type: 'ssh' | 'x509';
  readonly publicKey: string | undefined;
  readonly userId: string;
}

/** `create_v292` (import) or `create_v210` (2.91's, for a generation), in the schema's order. */
function createArgs(ctx: Ctx, input: unknown, generate: boolean): CreateArgs {
  const body = objectArg(input, 'keypair');
  const name = Object.hasOwn(body, 'name') ? keypairName(body.name, generate ? SAFE_20 : SAFE_292) : '';
  let type: 'ssh' | 'x509' = 'ssh';
  if (Object.hasOwn(body, 'type')) {
    const t = body.type;
    if (typeof t !== 'string') throw fieldError('type', t, `${describeValue(t)} is not of type 'string'`);
    if (t !== 'ssh' && t !== 'x509') throw fieldError('type', t, `${describeValue(t)} is not one of ['ssh', 'x509']`);
    type = t;
  }
  const publicKey = Object.hasOwn(body, 'public_key') && !generate ? stringField(body.public_key, 'public_key', 65_535) : undefined;
  const userId = Object.hasOwn(body, 'user_id') ? stringField(body.user_id, 'user_id', 255) : '';
  requireKeys(body, generate ? ['name'] : ['name', 'public_key'], 'keypair');
  onlyKeys(body, generate ? ['name', 'type', 'user_id'] : ['name', 'type', 'public_key', 'user_id'], 'keypair');
  // `user_id or context.user_id`: an empty one is the caller's
  return { name: pyStrip(name), type, publicKey, userId: userId || ctx.userId };
}

/** The `user_id` query parameter of show, delete and list (`''` or absent: the caller). */
function queryUser(ctx: Ctx, q: Record<string, unknown>): string {
  const u = queryString(q, 'user_id', 255);
  return u || ctx.userId;
}

/** A key pair name of a path. */
function nameArg(value: unknown): string {
  if (typeof value !== 'string' || value.length > 65_535) throw badRequest('name', `Invalid input for field/attribute name. Value: ${describeValue(value)}. expected a key pair name`);
  return value;
}

// ------------------------------------------------------------------------------ rows and views

const keyOf = (userId: string, name: string): string => `${userId}/${name}`;

/** 404 `KeypairNotFound`: "Keypair x not found for user y". */
function keypairNotFound(name: string, userId: string): NovaError {
  return notFound('keypair', name, `Keypair ${name} not found for user ${userId}`);
}

/** The user's key pairs, by name. */
function keypairsOf(s: CloudState, userId: string): KeypairRow[] {
  return tablePrefix(s.compute.keypairs, `${userId}/`)
    .map(([, row]) => row)
    .filter((row) => row.user_id === userId);
}

function summary(row: KeypairRow): KeypairView {
  return { name: row.name, public_key: row.public_key, fingerprint: row.fingerprint, type: row.type };
}

function created(row: KeypairRow): KeypairCreatedView {
  return { type: row.type, name: row.name, public_key: row.public_key, fingerprint: row.fingerprint, user_id: row.user_id };
}

function detail(s: CloudState, row: KeypairRow): KeypairDetailView {
  return { ...created(row), created_at: usgTime(s, row.created_at)!, deleted: false, deleted_at: null, id: row.id, updated_at: null };
}

// ------------------------------------------------------------------------------ operations

/** `GET /os-keypairs` (`user_id` for admins, `limit`, `marker`): the user's key pairs by name. */
export function listKeypairs(ctx: Ctx, query: unknown): KeypairView[] {
  const q = queryArg(query, ['user_id', 'limit', 'marker']);
  const userId = queryUser(ctx, q);
  const limit = limitParam(q, ctx.s.compute.config.max_limit);
  const marker = queryString(q, 'marker');
  enforce(ctx, NOVA_RULES.keypairs.index, { user_id: userId });
  let rows = keypairsOf(ctx.s, userId).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (marker !== undefined) {
    if (getRow(ctx.s.compute.keypairs, keyOf(userId, marker)) === undefined) throw badRequest('marker', `Marker ${marker.slice(0, 255)} could not be found.`, 'compute.keypair.marker_not_found');
    rows = rows.filter((r) => r.name > marker);
  }
  return rows.slice(0, limit).map(summary);
}

/** `GET /os-keypairs/{name}` (`user_id` for admins): 404 `KeypairNotFound` when the user has none of that name. */
export function showKeypair(ctx: Ctx, name: unknown, query: unknown): KeypairDetailView {
  const n = nameArg(name);
  const userId = queryUser(ctx, queryArg(query, ['user_id']));
  enforce(ctx, NOVA_RULES.keypairs.show, { user_id: userId });
  const row = getRow(ctx.s.compute.keypairs, keyOf(userId, n));
  if (row === undefined) throw keypairNotFound(n, userId);
  return detail(ctx.s, row);
}

/** `_check_key_pair_quotas`: the user's pairs plus one against `key_pairs` of the caller's project. */
function checkKeypairQuota(tx: Tx, ctx: Ctx, userId: string): void {
  const s = tx.draft as CloudState;
  const limit = ctx.projectId === null ? tx.quotas.defaultLimit(s.quota, `${QUOTA_SERVICE}.key_pairs`) : limitOf(tx, s, ctx.projectId, 'key_pairs');
  if (limit >= 0 && keypairsOf(s, userId).length + 1 > limit) {
    throw overQuota('compute.quota.key_pairs', 'KeypairLimitExceeded', 'Quota exceeded, too many key pairs.', { allowed: limit, user_id: userId });
  }
}

/** Files a key pair after the checks (409 `KeyPairExists`). */
function fileKeypair(tx: Tx, ctx: Ctx, args: CreateArgs, publicKey: string, fingerprint: string): KeypairRow {
  const s = tx.draft as CloudState;
  const key = keyOf(args.userId, args.name);
  if (getRow(s.compute.keypairs, key) !== undefined) throw new NovaError(409, 'compute.keypair.exists', 'KeyPairExists', `Key pair '${args.name}' already exists.`, { name: args.name, user_id: args.userId });
  const row: KeypairRow = { id: tx.counter('compute.keypair'), name: args.name, user_id: args.userId, type: args.type, public_key: publicKey, fingerprint, created_at: tx.now() };
  // compute/api.py KeypairAPI._notify: keypair.import (or create) .start / .end
  const payload = { tenant_id: ctx.projectId ?? '', user_id: args.userId, key_name: args.name };
  const event = args.publicKey === undefined ? 'keypair.create' : 'keypair.import';
  tx.emit(`${event}.start`, payload, { publisher: 'api.controller' });
  setRow(tx.draft.compute.keypairs, key, row);
  tx.emit(`${event}.end`, payload, { publisher: 'api.controller' });
  return row;
}

/**
 * `POST /os-keypairs` with a `public_key` (2.92): schema (400), policy on the target user (403),
 * quota (403), the key (400), the name (409). Answers the created pair.
 */
export function importKeypair(tx: Tx, ctx: Ctx, input: unknown): KeypairCreatedView {
  const args = createArgs(ctx, input, false);
  enforce(ctx, NOVA_RULES.keypairs.create, { user_id: args.userId });
  checkKeypairQuota(tx, ctx, args.userId);
  const publicKey = args.publicKey!;
  const row = fileKeypair(tx, ctx, args, publicKey, fingerprintOf(args.type, publicKey));
  tx.trace('nova-api', `key pair ${row.name} (${row.type}, ${row.fingerprint}) imported for user ${row.user_id}`);
  return created(row);
}

// ------------------------------------------------------------------------------ generation (stacksim's helper)

/**
 * stacksim's named helper for what nova did before 2.92 (`POST /os-keypairs` without
 * `public_key`, 2.91's schema: `name` of `_- `, letters and digits): the same policy, quota and
 * name checks as an import, then a key pair drawn from the cloud's seeded generator is imported
 * and its private key answered once (nova keeps none).
 *
 * The keys are well-formed but not real cryptography: the public key is 32 random bytes, not
 * derived from the private one (which no one could use anyway). For `ssh`: an OpenSSH
 * `ssh-ed25519 … Generated-by-Nova` line and an `OPENSSH PRIVATE KEY` (openssh-key-v1, not
 * encrypted); for `x509`: a self-signed v3 certificate for `CN=<user_id>` with an ed25519 key
 * (nova made an RSA one with openssl) and a PKCS#8 `PRIVATE KEY` (nova answered a PKCS#12 file).
 */
export function generateKeypair(tx: Tx, ctx: Ctx, input: unknown): GeneratedKeypairView {
  const args = createArgs(ctx, input, true);
  enforce(ctx, NOVA_RULES.keypairs.create, { user_id: args.userId });
  checkKeypairQuota(tx, ctx, args.userId);
  const { publicKey, privateKey } = madeUpKeypair(tx, args.userId, args.type);
  const row = fileKeypair(tx, ctx, args, publicKey, fingerprintOf(args.type, publicKey));
  tx.trace('nova-api', `key pair ${row.name} (${row.type}, ${row.fingerprint}) generated for user ${row.user_id}`);
  return { private_key: privateKey, ...created(row) };
}

/** `DELETE /os-keypairs/{name}` (`user_id` for admins): 404 `KeypairNotFound` when the user has none of that name. */
export function deleteKeypair(tx: Tx, ctx: Ctx, name: unknown, query: unknown): void {
  const n = nameArg(name);
  const userId = queryUser(ctx, queryArg(query, ['user_id']));
  enforce(ctx, NOVA_RULES.keypairs.delete, { user_id: userId });
  const key = keyOf(userId, n);
  const row = getRow(ctx.s.compute.keypairs, key);
  if (row === undefined) throw keypairNotFound(n, userId);
  const payload = { tenant_id: ctx.projectId ?? '', user_id: userId, key_name: n };
  tx.emit('keypair.delete.start', payload, { publisher: 'api.controller' });
  deleteRow(tx.draft.compute.keypairs, key);
  tx.emit('keypair.delete.end', payload, { publisher: 'api.controller' });
  tx.trace('nova-api', `key pair ${n} of user ${userId} deleted`);
}
