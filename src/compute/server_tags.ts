/**
 * Server tags (`/servers/{id}/tags`, 2.26): list, check one (`GET /tags/{tag}`: 204 or 404),
 * replace all (`PUT`), add one (`PUT /tags/{tag}`), delete one, delete all.
 *
 * Followed, Zed: `nova/api/openstack/compute/server_tags.py` and its schema (`tags`: at most 50
 * tags of 1..60 characters without `/` or `,`), `_check_instance_in_valid_state` (`ACTIVE`,
 * `PAUSED`, `SUSPENDED`, `SHUTOFF`, any task, no lock check: 409 "Cannot 'update tag' …",
 * "'update tags'", "'delete tag'", "'delete tags'"), `nova/objects/instance.py` `MAX_TAG_COUNT`.
 * Adding a tag checks, after the state, the tag (400 "Tag '<t>' is invalid. …") and the count
 * (400 "The number of tags exceeded the per-server limit 50", even for a tag the server has);
 * adding a tag the server has changes nothing. Each change sends the legacy
 * `compute.instance.update` notification from nova-api (`send_instance_update_notification`).
 *
 * One deviation: nova finds the server through its instance mapping, which is not filtered by
 * project, so another project's member gets the policy's 403 where stacksim's lookup, as every
 * other server call here, answers 404 (an unauthorised caller learns nothing from a reference).
 */
import type { CloudState, Tx } from '../core/index.js';
import { saveServer } from './boot.js';
import { enforce, type Ctx } from './context.js';
import { badRequest, notFound } from './errors.js';
import { checkAction } from './guards.js';
import { MAX_TAG_COUNT, describeValue, fieldError, optionalText, tagsArg } from './input.js';
import { NOVA_RULES } from './policies.js';
import { API_HOST } from './server_actions.js';
import { getServer } from './servers.js';
import type { ServerRow } from './types.js';
import { instanceUsage } from './views.js';

/** A tag from the URL: a string (any, for a lookup). */
function tagRef(value: unknown): string {
  return optionalText(value, 'tag', 1024);
}

function saveTags(tx: Tx, row: ServerRow, tags: readonly string[], what: string): void {
  const next = saveServer(tx, row, { tags: [...tags] });
  tx.emit('compute.instance.update', () => instanceUsage(tx.draft as CloudState, next), { publisher: `nova-api.${API_HOST}` });
  tx.trace('nova-api', `tags of ${row.uuid}: ${what}`);
}

/** `GET /servers/{id}/tags`. */
export function listServerTags(ctx: Ctx, ref: unknown): string[] {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverTags.index, { project_id: row.project_id });
  return [...row.tags];
}

/** `GET /servers/{id}/tags/{tag}`: whether the server has the tag (nova's 204, or 404 "Server <id> has no tag '<tag>'"). */
export function checkServerTag(ctx: Ctx, ref: unknown, tag: unknown): boolean {
  const t = tagRef(tag);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverTags.show, { project_id: row.project_id });
  return row.tags.includes(t);
}

/** `PUT /servers/{id}/tags` `{ tags }`: the server's tags become these (duplicates once); answers them. */
export function replaceServerTags(tx: Tx, ctx: Ctx, ref: unknown, body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fieldError('body', body, `${describeValue(body)} is not of type 'object'`);
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'tags') throw badRequest(k, `Invalid input for field/attribute body. Additional properties are not allowed ('${k}' was unexpected)`);
  if (!Object.prototype.hasOwnProperty.call(o, 'tags')) throw badRequest('tags', "Invalid input for field/attribute body. 'tags' is a required property", 'compute.tags.required');
  const tags = tagsArg(o.tags, 'tags');
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverTags.updateAll, { project_id: row.project_id });
  checkAction(ctx, row, 'update_tags');
  saveTags(tx, row, tags, `replaced by ${tags.length} tag(s)`);
  return tags;
}

/** `PUT /servers/{id}/tags/{tag}`: adds the tag (nova's 201; 204 when the server has it already). */
export function addServerTag(tx: Tx, ctx: Ctx, ref: unknown, tag: unknown): void {
  const t = tagRef(tag);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverTags.update, { project_id: row.project_id });
  checkAction(ctx, row, 'update_tag');
  // jsonschema.validate(id, parameter_types.tag)
  const why = t.length === 0 ? `'' is too short` : t.length > 60 ? `'${t.slice(0, 40)}…' is too long` : /[/,]/.test(t) ? `'${t}' does not match '^[^,/]*$'` : null;
  if (why !== null) throw badRequest('tag', `Tag '${t.slice(0, 80)}' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: ${why}`, 'compute.tag.invalid');
  if (row.tags.length >= MAX_TAG_COUNT) throw badRequest('tag', `The number of tags exceeded the per-server limit ${MAX_TAG_COUNT}`, 'compute.tag.too_many');
  if (row.tags.includes(t)) return;
  saveTags(tx, row, [...row.tags, t], `added ${t}`);
}

/** `DELETE /servers/{id}/tags/{tag}` (404 "Instance <id> has no tag '<tag>'"). */
export function deleteServerTag(tx: Tx, ctx: Ctx, ref: unknown, tag: unknown): void {
  const t = tagRef(tag);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverTags.delete, { project_id: row.project_id });
  checkAction(ctx, row, 'delete_tag');
  if (!row.tags.includes(t)) throw notFound('tag', t, `Instance ${row.uuid} has no tag '${t}'`);
  saveTags(tx, row, row.tags.filter((x) => x !== t), `deleted ${t}`);
}

/** `DELETE /servers/{id}/tags`. */
export function deleteServerTags(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverTags.deleteAll, { project_id: row.project_id });
  checkAction(ctx, row, 'delete_tags');
  saveTags(tx, row, [], 'all deleted');
}
