/**
 * Server groups as nova-api serves them at microversion 2.64 and later
 * (`nova/api/openstack/compute/server_groups.py`, `schemas/server_groups.py`,
 * `nova/objects/instance_group.py`): `POST /os-server-groups` with one `policy` (`affinity`,
 * `anti-affinity`, `soft-affinity`, `soft-anti-affinity`) and, for `anti-affinity` only, the rule
 * `max_server_per_host`; `GET /os-server-groups` (the caller's project, or every project for an
 * admin asking `all_projects`; `limit` / `offset`), `GET` and `DELETE /os-server-groups/{id}`.
 * As nova's database layer does, a non-admin caller sees only its project's groups (another
 * project's group is a 404 before any policy runs). The view is 2.64's: `id`, `name`, `policy`,
 * `rules`, `members` (the members not deleted), `project_id`, `user_id`.
 *
 * Membership is written by the boot (`os:scheduler_hints.group`, `server_create.ts`) and the
 * delete (`server_delete.ts`); the scheduler's `ServerGroupAffinityFilter`,
 * `ServerGroupAntiAffinityFilter` and the soft weighers read the group from the request spec.
 *
 * Not simulated: the pre-2.64 `policies` list and `metadata`, `CONF.quota.recheck_quota`'s second
 * count (one transaction has no race), unified limits (`nova.limit.local`), user-level quotas, and
 * the `servergroup.create` / `servergroup.delete` notifications (not yet declared in `events.ts`).
 */
import { getRow, setRow, deleteRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { enforce, ownTarget, resolveRow, type Ctx } from './context.js';
import { badRequest, overQuota } from './errors.js';
import { describeValue, fieldError } from './input.js';
import { NOVA_RULES } from './policies.js';
import { QUOTA_SERVICE, limitOf } from './quota.js';
import type { ServerGroupRow } from './types.js';

/** A server group's policy (2.64's `policy`; 2.15 added the soft ones). */
export type ServerGroupPolicy = ServerGroupRow['policy'];

/** The policies `POST /os-server-groups` accepts, in the schema's order (`create_v264`). */
export const SERVER_GROUP_POLICIES: readonly ServerGroupPolicy[] = ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity'];

/** A server group as `GET /os-server-groups/{id}` shows it (2.64+). */
export interface ServerGroupView {
  readonly id: string;
  readonly name: string;
  readonly policy: ServerGroupPolicy;
  /** `{ max_server_per_host }` for an anti-affinity group given one, else `{}`. */
  readonly rules: Readonly<{ max_server_per_host?: number }>;
  /** The uuids of the member servers not deleted. */
  readonly members: readonly string[];
  readonly project_id: string;
  readonly user_id: string;
}

/** The body of `POST /os-server-groups` (the `server_group` object). */
export interface ServerGroupCreateRequest {
  readonly name: string;
  readonly policy: ServerGroupPolicy;
  readonly rules?: { readonly max_server_per_host?: number | string };
}

/** The query of `GET /os-server-groups` (2.75: no other parameter is allowed). */
export interface ServerGroupListQuery {
  /** An admin's request for every project's groups: present (any string, as nova tests `'all_projects' in req.GET`) or `true`. */
  readonly all_projects?: string | boolean;
  readonly limit?: number | string;
  readonly offset?: number | string;
}

const QUOTA_KEY = `${QUOTA_SERVICE}.server_groups`;
const MAX_QUERY_VALUE = 255;

/** `parameter_types.valid_name_regex`: printable characters of the BMP, none at either end a space. */
const PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}]*$/u;
const EDGE = /[\p{C}\p{Z}]/u;

/** 2.64's view of a group row: the members not deleted (`_get_not_deleted`). */
export function serverGroupView(s: CloudState, row: ServerGroupRow): ServerGroupView {
  const members = row.members.filter((uuid) => {
    const server = getRow(s.compute.servers, uuid);
    return server !== undefined && !server.deleted;
  });
  const rules: { max_server_per_host?: number } = {};
  if (row.rules.max_server_per_host !== undefined) rules.max_server_per_host = row.rules.max_server_per_host;
  return { id: row.id, name: row.name, policy: row.policy, rules, members, project_id: row.project_id, user_id: row.user_id };
}

/**
 * The group a reference names among those the caller's database query returns
 * (`_instance_group_get_query`: a non-admin's own project only): 404 `InstanceGroupNotFound`.
 */
export function getServerGroup(ctx: Ctx, ref: unknown, field = 'server_group'): ServerGroupRow {
  const see = (row: ServerGroupRow): boolean => ctx.isAdmin || row.project_id === ctx.projectId;
  return resolveRow('server_group', ctx.s.compute.server_groups, see, ref, field);
}

/** `GET /os-server-groups/{id}`: 404 for another project's group, then the `show` policy with the group's project. */
export function showServerGroup(ctx: Ctx, ref: unknown): ServerGroupView {
  const row = getServerGroup(ctx, ref);
  enforce(ctx, NOVA_RULES.serverGroups.show, { project_id: row.project_id });
  return serverGroupView(ctx.s, row);
}

/** The groups in nova's database order (`instance_groups.id`). */
function groupsOf(s: CloudState, projectId: string | null): ServerGroupRow[] {
  const out: ServerGroupRow[] = [];
  for (const row of tableValues(s.compute.server_groups)) if (projectId === null || row.project_id === projectId) out.push(row);
  return out.sort((a, b) => a.db_id - b.db_id);
}

/** One value of a query parameter (`multi_params`: a list's last value, as webob's `GET[key]`). */
function single(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** `parameter_types.non_negative_integer` in a query (an integer or a string of digits), as a number. */
function nonNegativeQueryInt(raw: unknown, field: string): number {
  const value = single(raw);
  const bad = (reason: string): Error => badRequest(field, `Invalid input for query parameters ${field}. Value: ${describeValue(value)}. ${reason}`);
  if (typeof value === 'string') {
    if (value.length === 0) throw bad("'' is too short");
    if (!/^[0-9]*$/.test(value)) throw bad(`${describeValue(value)} does not match '^[0-9]*$'`);
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw bad(`${describeValue(value)} is too large`);
    return n;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throw bad(`${describeValue(value)} is not of type 'integer', 'string'`);
  if (value < 0) throw bad(`${value} is less than the minimum of 0`);
  if (!Number.isSafeInteger(value)) throw bad(`${value} is too large`);
  return value;
}

/**
 * `GET /os-server-groups`: the `index` policy with the caller's project; with `all_projects` an
 * admin (`context.is_admin`) is checked against `index:all_projects` and sees every project's
 * groups (a non-admin asking for them gets its own, as nova keeps the old behaviour); then
 * `common.limited`: `offset`, and `limit` capped at `[api] max_limit` (0: the cap).
 */
export function listServerGroups(ctx: Ctx, query: unknown = {}): ServerGroupView[] {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw badRequest('query', `Invalid input for query parameters. Value: ${describeValue(query)}. ${describeValue(query)} is not of type 'object'`);
  const q = query as Record<string, unknown>;
  for (const k of Object.keys(q)) {
    if (k !== 'all_projects' && k !== 'limit' && k !== 'offset') throw badRequest(`query.${k}`, `Additional properties are not allowed ('${k.slice(0, 60)}' was unexpected)`);
  }
  let allProjects = false;
  if (q.all_projects !== undefined) {
    const v = single(q.all_projects);
    if (typeof v === 'boolean') allProjects = v;
    else if (typeof v === 'string' && v.length <= MAX_QUERY_VALUE) allProjects = true;
    else throw badRequest('all_projects', `Invalid input for query parameters all_projects. Value: ${describeValue(v)}. ${describeValue(v)} is not of type 'string'`);
  }
  const limit = q.limit === undefined ? undefined : nonNegativeQueryInt(q.limit, 'limit');
  const offset = q.offset === undefined ? 0 : nonNegativeQueryInt(q.offset, 'offset');
  enforce(ctx, NOVA_RULES.serverGroups.index, { project_id: ctx.projectId });
  let rows: ServerGroupRow[];
  if (allProjects && ctx.isAdmin) {
    enforce(ctx, NOVA_RULES.serverGroups.indexAllProjects, { project_id: ctx.projectId });
    rows = groupsOf(ctx.s, null);
  } else {
    rows = ctx.projectId === null ? [] : groupsOf(ctx.s, ctx.projectId);
  }
  const max = ctx.s.compute.config.max_limit;
  const take = Math.min(max, limit === undefined || limit === 0 ? max : limit);
  return rows.slice(offset, offset + take).map((row) => serverGroupView(ctx.s, row));
}

/** `parameter_types.name` with the `name` format (`_validate_name`). */
function nameArg(value: unknown): string {
  if (typeof value !== 'string') throw fieldError('name', value, `${describeValue(value)} is not of type 'string'`);
  if (value.length < 1) throw fieldError('name', value, `${describeValue(value)} is too short`);
  if (value.length > 255) throw fieldError('name', value, `${describeValue(value)} is too long`);
  // Python's ranges stop at U+FFFE: a character outside the BMP is not "printable" to nova
  const bmp = [...value].every((c) => (c.codePointAt(0) as number) < 0xffff);
  if (!bmp || !PRINTABLE.test(value) || EDGE.test(value[0] as string) || EDGE.test(value[value.length - 1] as string)) {
    throw badRequest('name', "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.", 'compute.server_group.invalid_name');
  }
  return value;
}

/** `parameter_types.positive_integer` (`rules.max_server_per_host`): an integer or digit string of at least 1. */
function maxServerPerHostArg(value: unknown): number {
  const field = 'rules.max_server_per_host';
  const bad = (reason: string): Error => badRequest(field, `Invalid input for field/attribute max_server_per_host. Value: ${describeValue(value)}. ${reason}`);
  let n: number;
  if (typeof value === 'string') {
    if (!/^[0-9]*$/.test(value)) throw bad(`${describeValue(value)} does not match '^[0-9]*$'`);
    if (value.length < 1) throw bad("'' is too short");
    n = Number(value);
  } else if (typeof value === 'number' && Number.isInteger(value)) {
    n = value;
  } else {
    throw bad(`${describeValue(value)} is not of type 'integer', 'string'`);
  }
  if (n < 1) throw bad(`${n} is less than the minimum of 1`);
  if (!Number.isSafeInteger(n)) throw bad(`${describeValue(value)} is greater than the maximum of ${Number.MAX_SAFE_INTEGER}`);
  return n;
}

/** The checked body: `create_v264` (`additionalProperties: false` at both levels). */
function checkCreateBody(input: unknown): { name: string; policy: ServerGroupPolicy; rules: { max_server_per_host?: number }; rulesGiven: boolean } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('server_group', `Invalid input for field/attribute server_group. Value: ${describeValue(input)}. ${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'name' && k !== 'policy' && k !== 'rules') throw badRequest(`server_group.${k}`, `Invalid input for field/attribute server_group. Value: an object. Additional properties are not allowed ('${k.slice(0, 60)}' was unexpected)`);
  }
  if (o.name === undefined) throw badRequest('name', "Invalid input for field/attribute server_group. Value: an object. 'name' is a required property", 'compute.server_group.name_required');
  if (o.policy === undefined) throw badRequest('policy', "Invalid input for field/attribute server_group. Value: an object. 'policy' is a required property", 'compute.server_group.policy_required');
  const name = nameArg(o.name);
  if (typeof o.policy !== 'string' || !(SERVER_GROUP_POLICIES as readonly string[]).includes(o.policy)) {
    throw fieldError('policy', o.policy, `${describeValue(o.policy)} is not one of ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']`);
  }
  const policy = o.policy as ServerGroupPolicy;
  const rules: { max_server_per_host?: number } = {};
  let rulesGiven = false;
  if (o.rules !== undefined) {
    if (typeof o.rules !== 'object' || o.rules === null || Array.isArray(o.rules)) throw fieldError('rules', o.rules, `${describeValue(o.rules)} is not of type 'object'`);
    const r = o.rules as Record<string, unknown>;
    for (const k of Object.keys(r)) {
      if (k !== 'max_server_per_host') throw badRequest(`rules.${k}`, `Invalid input for field/attribute rules. Value: an object. Additional properties are not allowed ('${k.slice(0, 60)}' was unexpected)`);
    }
    if (r.max_server_per_host !== undefined) {
      rules.max_server_per_host = maxServerPerHostArg(r.max_server_per_host);
      rulesGiven = true;
    }
  }
  return { name, policy, rules, rulesGiven };
}

/**
 * `POST /os-server-groups` (2.64): the body as `create_v264` checks it (400 naming the field),
 * the `create` policy with the caller's project, the `server_groups` quota (403 "Quota
 * exceeded, too many server groups."), then "Only anti-affinity policy supports rules." (400) —
 * nova's order — and the new group, counted in the project's usage.
 */
export function createServerGroup(tx: Tx, ctx: Ctx, body: unknown): ServerGroupView {
  const checked = checkCreateBody(body);
  enforce(ctx, NOVA_RULES.serverGroups.create, ownTarget(ctx));
  const projectId = ctx.projectId;
  if (projectId === null) throw badRequest('project', 'A server group belongs to a project: use a project-scoped token.', 'compute.server_group.no_project');
  const s = tx.draft as CloudState;
  const limit = limitOf(tx, s, projectId, 'server_groups');
  const used = tx.quotas.inUse(s.quota, projectId, QUOTA_KEY);
  if (limit >= 0 && used + 1 > limit) throw overQuota('compute.quota.server_groups', 'ServerGroupLimitExceeded', 'Quota exceeded, too many server groups.', { project_id: projectId, limit, used });
  if (checked.policy !== 'anti-affinity' && checked.rulesGiven) throw badRequest('rules', 'Only anti-affinity policy supports rules.', 'compute.server_group.rules_unsupported');
  const row: ServerGroupRow = {
    id: tx.ids.uuid(),
    db_id: tx.counter('compute.server_group'),
    name: checked.name,
    project_id: projectId,
    user_id: ctx.userId,
    policy: checked.policy,
    rules: checked.rules,
    members: [],
    created_at: tx.now(),
  };
  setRow(tx.draft.compute.server_groups, row.id, row);
  tx.quotas.count(tx.draft.quota, projectId, { [QUOTA_KEY]: 1 });
  tx.emit('servergroup.create', { server_group_id: row.id, name: row.name, policy: row.policy, rules: row.rules, project_id: row.project_id, user_id: row.user_id }, { publisher: 'servergroup.controller' });
  tx.trace('nova-api', `server group ${row.id} (${row.name}) created: policy ${row.policy}${row.rules.max_server_per_host !== undefined ? `, max_server_per_host ${row.rules.max_server_per_host}` : ''}`);
  return serverGroupView(tx.draft as CloudState, row);
}

/**
 * `DELETE /os-server-groups/{id}`: 404 for a group the caller cannot see, the `delete` policy
 * with the group's project, then the group and its member records go (`InstanceGroup.destroy`);
 * the servers stay, and the project's `server_groups` usage goes down.
 */
export function deleteServerGroup(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServerGroup(ctx, ref);
  enforce(ctx, NOVA_RULES.serverGroups.delete, { project_id: row.project_id });
  deleteRow(tx.draft.compute.server_groups, row.id);
  tx.quotas.release(tx.draft.quota, row.project_id, { [QUOTA_KEY]: 1 });
  tx.emit('servergroup.delete', { server_group_id: row.id, name: row.name, project_id: row.project_id }, { publisher: 'servergroup.controller' });
  tx.trace('nova-api', `server group ${row.id} (${row.name}) deleted with its ${row.members.length} member record(s)`);
}
