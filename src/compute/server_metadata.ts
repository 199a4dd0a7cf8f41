/**
 * Server metadata (`/servers/{id}/metadata`): list, show one item, replace all (`PUT`), merge
 * (`POST`), set one item (`PUT /metadata/{key}` with `{ meta: { key: value } }`), delete one.
 *
 * Followed, Zed: `nova/api/openstack/compute/server_metadata.py` and its schemas (`metadata`:
 * keys of 1..255 characters, string values of at most 255; `meta`: exactly one item), and
 * `nova/compute/api.py` `update_instance_metadata` / `delete_instance_metadata` (the lock and the
 * states `ACTIVE`, `PAUSED`, `SUSPENDED`, `SHUTOFF` with any task: 409 "Cannot 'update
 * metadata' …" / "Cannot 'delete metadata' …"; `_check_metadata_properties_quota` on the
 * resulting metadata: 403 "Maximum number of metadata items exceeds <n>").
 *
 * Order as nova's: the schema (400), the server (404), the policy on its project (403), then for
 * `PUT /metadata/{key}` the key (400 "Request body and URI mismatch"), for `DELETE` the item
 * (404 "Metadata item was not found"), then the guards (409), then the quota (403). Metadata
 * sets no task_state and sends no notification.
 */
import { detach, type Tx } from '../core/index.js';
import { saveServer } from './boot.js';
import { enforce, type Ctx } from './context.js';
import { badRequest, notFound } from './errors.js';
import { checkAction } from './guards.js';
import { describeValue, fieldError, metadataArg, optionalText } from './input.js';
import { NOVA_RULES } from './policies.js';
import { checkMetadataQuota } from './quota.js';
import { getServer } from './servers.js';
import type { ServerRow } from './types.js';

/** The body `{ <field>: {...} }` of a metadata call, checked as nova's schema (400 naming the field). */
function metadataBody(input: unknown, field: 'metadata' | 'meta'): Record<string, string> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw fieldError('body', input, `${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== field) throw badRequest(k, `Invalid input for field/attribute body. Additional properties are not allowed ('${k}' was unexpected)`);
  if (!Object.prototype.hasOwnProperty.call(o, field)) throw badRequest(field, `Invalid input for field/attribute body. '${field}' is a required property`, `compute.metadata.${field}_required`);
  const meta = metadataArg(o[field], field);
  if (field === 'meta') {
    const n = Object.keys(meta).length;
    // metadata_update: minProperties 1, maxProperties 1
    if (n < 1) throw fieldError('meta', o[field], '{} does not have enough properties');
    if (n > 1) throw fieldError('meta', o[field], `${describeValue(o[field])} has too many properties`);
  }
  return meta;
}

/** A metadata key from the URL (a string; at most 255 characters can exist). */
function keyArg(value: unknown): string {
  return optionalText(value, 'key', 1024);
}

function own(meta: Readonly<Record<string, string>>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(meta, key);
}

/** `API.update_instance_metadata`: the guards, the quota on what the metadata becomes, the row. */
function update(tx: Tx, ctx: Ctx, row: ServerRow, metadata: Readonly<Record<string, string>>, replace: boolean): Record<string, string> {
  checkAction(ctx, row, 'update_instance_metadata');
  const next: Record<string, string> = replace ? { ...metadata } : { ...row.metadata };
  if (!replace) for (const [k, v] of Object.entries(metadata)) Object.defineProperty(next, k, { value: v, enumerable: true, writable: true, configurable: true });
  checkMetadataQuota(tx, ctx.s, row.project_id, Object.keys(next).length);
  saveServer(tx, row, { metadata: next });
  tx.trace('nova-api', `metadata of ${row.uuid} ${replace ? 'replaced' : 'updated'}: ${Object.keys(next).length} item(s)`);
  return detach(next);
}

/** `GET /servers/{id}/metadata`. */
export function listServerMetadata(ctx: Ctx, ref: unknown): Record<string, string> {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMetadata.index, { project_id: row.project_id });
  return { ...row.metadata };
}

/** `GET /servers/{id}/metadata/{key}`: `{ key: value }` (404 "Metadata item was not found"). */
export function showServerMetadataItem(ctx: Ctx, ref: unknown, key: unknown): Record<string, string> {
  const k = keyArg(key);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMetadata.show, { project_id: row.project_id });
  if (!own(row.metadata, k)) throw notFound('metadata', k, 'Metadata item was not found');
  return Object.defineProperty({}, k, { value: row.metadata[k] as string, enumerable: true, writable: true, configurable: true }) as Record<string, string>;
}

/** `PUT /servers/{id}/metadata` `{ metadata }`: replaces every item; answers the new metadata. */
export function replaceServerMetadata(tx: Tx, ctx: Ctx, ref: unknown, body: unknown): Record<string, string> {
  const metadata = metadataBody(body, 'metadata');
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMetadata.updateAll, { project_id: row.project_id });
  return update(tx, ctx, row, metadata, true);
}

/** `POST /servers/{id}/metadata` `{ metadata }`: merged into the server's; answers the whole metadata. */
export function updateServerMetadata(tx: Tx, ctx: Ctx, ref: unknown, body: unknown): Record<string, string> {
  const metadata = metadataBody(body, 'metadata');
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMetadata.create, { project_id: row.project_id });
  return update(tx, ctx, row, metadata, false);
}

/** `PUT /servers/{id}/metadata/{key}` `{ meta: { key: value } }`: answers the item. */
export function setServerMetadataItem(tx: Tx, ctx: Ctx, ref: unknown, key: unknown, body: unknown): Record<string, string> {
  const meta = metadataBody(body, 'meta');
  const k = keyArg(key);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMetadata.update, { project_id: row.project_id });
  if (!own(meta, k)) throw badRequest('key', 'Request body and URI mismatch', 'compute.metadata.uri_mismatch');
  update(tx, ctx, row, meta, false);
  return detach({ ...meta });
}

/** `DELETE /servers/{id}/metadata/{key}` (404 when the server has no such item). */
export function deleteServerMetadataItem(tx: Tx, ctx: Ctx, ref: unknown, key: unknown): void {
  const k = keyArg(key);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverMetadata.delete, { project_id: row.project_id });
  if (!own(row.metadata, k)) throw notFound('metadata', k, 'Metadata item was not found');
  checkAction(ctx, row, 'delete_instance_metadata');
  const next: Record<string, string> = { ...row.metadata };
  delete next[k];
  saveServer(tx, row, { metadata: next });
  tx.trace('nova-api', `metadata item ${k} of ${row.uuid} deleted`);
}
