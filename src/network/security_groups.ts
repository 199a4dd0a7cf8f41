/**
 * Security groups (`/v2.0/security-groups`), as Zed's `neutron/db/securitygroups_db.py`
 * (`SecurityGroupDbMixin`) and `neutron/extensions/securitygroup.py` define them, with the
 * `stateful-security-group`, `rbac-security-groups` / `security-groups-shared-filtering`
 * (`shared`, per caller, from RBAC `access_as_shared`), `standard-attr-*` and tag extensions:
 * - a project's `default` group (`_ensure_default_security_group` /
 *   `create_security_group(default_sg=True)`): created when the project first lists its groups
 *   or rules, creates a group, a network or a port, with ingress IPv4 and IPv6 from the group
 *   itself and egress IPv4 and IPv6 to anywhere; its four rules are checked against the
 *   `security_group_rule` quota (`quota_limit_check`, 409 `OverQuota`) and count toward it, the
 *   group counts toward `security_group` without being checked against it (Zed reserves only
 *   what the API is asked to create);
 * - a new group gets the two egress rules (checked against `security_group_rule` as well);
 *   `name` `default` (any case) is `SecurityGroupDefaultAlreadyExists` (409), on create and on
 *   update; the default group may not be renamed (`SecurityGroupCannotUpdateDefault`, 409) and
 *   only an admin may delete it (`SecurityGroupCannotRemoveDefault`, 409); a group a port uses is
 *   `SecurityGroupInUse` (409) on delete, and on an update that changes `stateful`;
 * - deleting a group deletes its rules, the rules of other groups that name it as their remote
 *   group (the foreign key's `ON DELETE CASCADE`; those groups' revisions go up), its RBAC
 *   entries and the project's default-group record, and gives their quota back;
 * - visibility (`query_with_hooks`): an admin sees every group; anyone else the project's own and
 *   those RBAC shares with it; then the policies `get_security_group` & co. decide, in the pecan
 *   hooks' order (body, quota, policy, plugin);
 * - notifications `security_group.create.end` / `.update.end` / `.delete.end` as the API's
 *   notifier hook sends them (none for a default group the server creates by itself).
 *
 * Rules live in `security_group_rules.ts` (re-exported here). Not simulated: bulk creation,
 * tags set on creation (Zed refuses them too: `Attribute 'tags' not allowed in POST`), the
 * `revision_number` `If-Match` constraint, `standard_attr_id`.
 */
import { NEUTRON_PUBLISHER } from './events.js';
import { getRow, peek, setRow, deleteRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { enforce, enforceOn, enforceShow, indexed, rbacEntries, resolveRow, showable, type Ctx } from './context.js';
import { bodyOf, listViews } from './controller.js';
import { NeutronError, inUse } from './errors.js';

import { countQuota, releaseQuota, useQuota } from './quota.js';
import { removeRbacEntry } from './rbac.js';
import { booleanArg, revised, standardAttrs, standardView, stringArg } from './standard.js';
import {
  bumpSecurityGroup,
  checkPost,
  checkPut,
  insertRuleRow,
  projectArg,
  removeRuleRow,
  rulesOfGroup,
  securityGroupRuleView,
  securityGroupVisible,
  serverRules,
  type PostRule,
  type SecurityGroupRuleView,
} from './security_group_rules.js';
import type { SecurityGroupRow, SecurityGroupRuleRow } from './types.js';

export {
  SECURITY_GROUP_RULE_ATTRIBUTES,
  convertDirection,
  convertEthertype,
  convertIpPrefix,
  convertPort,
  convertProtocol,
  convertRuleAttributes,
  createSecurityGroupRule,
  deleteSecurityGroupRule,
  listSecurityGroupRules,
  ruleKey,
  rulesOfGroup,
  securityGroupRuleTarget,
  securityGroupRuleView,
  securityGroupUsableBy,
  securityGroupVisible,
  securityGroupVisibleTo,
  showSecurityGroupRule,
  validateRuleSpec,
  type RuleSpec,
  type SecurityGroupRuleView,
} from './security_group_rules.js';

type S = CloudState;

/** `DEFAULT_SG_DESCRIPTION`. */
export const DEFAULT_SECURITY_GROUP_DESCRIPTION = 'Default security group';

/** A group as `GET /v2.0/security-groups/{id}` shows it (Zed, with DevStack's extensions). */
export interface SecurityGroupView {
  readonly id: string;
  readonly name: string;
  readonly stateful: boolean;
  readonly tenant_id: string;
  readonly description: string;
  /** Whether RBAC shares the group with the caller's project or with every project. */
  readonly shared: boolean;
  /** Every rule of the group, whoever owns it (each with `tags`, as Zed's nested rules have). */
  readonly security_group_rules: readonly SecurityGroupRuleView[];
  readonly revision_number: number;
  readonly created_at: string;
  readonly updated_at: string;
  readonly tags: readonly string[];
  readonly project_id: string;
}

/** Every attribute of a group (filters and sort keys). */
export const SECURITY_GROUP_ATTRIBUTES = [
  'id', 'name', 'stateful', 'tenant_id', 'description', 'shared', 'security_group_rules', 'revision_number', 'created_at', 'updated_at', 'tags', 'project_id',
] as const;

/** `shared` for a caller: an `access_as_shared` entry to `*` or to the caller's project (`is_network_shared`). */
function sharedFor(s: S, groupId: string, projectId: string | null): boolean {
  return rbacEntries(s, 'security_group', groupId).some((r) => r.action === 'access_as_shared' && (r.target_tenant === '*' || (projectId !== null && r.target_tenant === projectId)));
}

/** `_make_security_group_dict` with its rules and the standard attributes; `shared` as `projectId` sees it. */
export function securityGroupView(s: S, row: SecurityGroupRow, projectId: string | null = null): SecurityGroupView {
  const std = standardView(s, row);
  return {
    id: row.id,
    name: row.name,
    stateful: row.stateful,
    tenant_id: row.project_id,
    description: row.description,
    shared: sharedFor(s, row.id, projectId),
    security_group_rules: rulesOfGroup(s, row.id).map((r) => securityGroupRuleView(s, r, true)),
    revision_number: row.revision_number,
    created_at: std.created_at as string,
    updated_at: std.updated_at as string,
    tags: [...row.tags],
    project_id: row.project_id,
  };
}

/** A group's policy target: its attributes (without the rules), `shared` as the caller sees it. */
export function securityGroupTarget(s: S, row: SecurityGroupRow, projectId: string | null = null): Record<string, unknown> {
  return { id: row.id, name: row.name, stateful: row.stateful, tenant_id: row.project_id, project_id: row.project_id, description: row.description, shared: sharedFor(s, row.id, projectId), tags: [...row.tags] };
}

/** The group a reference (id or name) names among those the caller may see; 404 otherwise. */
export function getSecurityGroup(ctx: Ctx, ref: unknown, field = 'security_group'): SecurityGroupRow {
  return resolveRow(ctx, 'security_group', ctx.s.network.security_groups, (g) => securityGroupVisible(ctx, g), ref, field);
}

// --------------------------------------------------------------------------------- the default

/** `create_security_group`'s database part: the group and the rules the server gives it (the rules' quota checked first). */
function createGroupRow(tx: Tx, projectId: string, name: string, description: string, stateful: boolean, isDefault: boolean): SecurityGroupRow {
  const rules = serverRules('', isDefault).length;
  useQuota(tx, projectId, { security_group_rule: rules });
  if (isDefault) countQuota(tx, projectId, { security_group: 1 });
  const id = tx.ids.uuid();
  // the rules created in the same transaction bump the new group once (revision 0 → 1)
  const row: SecurityGroupRow = { ...standardAttrs(tx, id, projectId, description), name, stateful, revision_number: 1 };
  setRow(tx.draft.network.security_groups, id, row);
  if (isDefault) setRow(tx.draft.network.default_security_groups, projectId, id);
  for (const spec of serverRules(id, isDefault)) insertRuleRow(tx, projectId, id, spec, '');
  return row;
}

/**
 * `_ensure_default_security_group`: the project's `default` group id, created with its four
 * rules when the project has none (409 `OverQuota` "Quota exceeded for resources:
 * ['security_group_rule']." when four more rules do not fit). Callers act only for projects they
 * may act for (the API refuses another project to a non-admin before; the list's Bug-1987410
 * guard is {@link defaultSecurityGroupProject}'s).
 */
export function ensureDefaultSecurityGroup(tx: Tx, projectId: string): string {
  const existing = getRow(peek(tx.draft, 'network', 'default_security_groups'), projectId);
  if (existing !== undefined) return existing;
  const row = createGroupRow(tx, projectId, 'default', DEFAULT_SECURITY_GROUP_DESCRIPTION, true, true);
  tx.trace('neutron-server', `created the default security group ${row.id} of project ${projectId}`);
  return row.id;
}

/** The first value of a list query's filter (a string or a list of them), '' when absent. */
function firstFilter(query: Record<string, unknown>, key: string): string | undefined {
  const v = query[key];
  const first: unknown = Array.isArray(v) ? v.find((x: unknown) => x !== '') : v;
  if (first === undefined || first === '') return '';
  return typeof first === 'string' && first.length <= 255 ? first : undefined;
}

/**
 * The project whose `default` group a list would create now, or null: `get_security_groups`
 * (when the token has a project) and `get_security_group_rules` ensure the default group of
 * the `project_id` / `tenant_id` filter's first value, else of the caller's project —
 * unless a non-admin asks for another project (Bug 1987410) or the group exists.
 */
export function defaultSecurityGroupProject(ctx: Ctx, query: unknown = {}, resource: 'security_group' | 'security_group_rule' = 'security_group'): string | null {
  if (resource === 'security_group' && ctx.projectId === null) return null;
  const q = query !== null && typeof query === 'object' && !Array.isArray(query) ? (query as Record<string, unknown>) : {};
  const p = firstFilter(q, 'project_id');
  const t = p === '' ? firstFilter(q, 'tenant_id') : p;
  if (t === undefined) return null;
  const project = t === '' ? ctx.projectId : t;
  if (project === null) return null;
  if (project !== ctx.projectId && !ctx.isAdmin) return null;
  return getRow(ctx.s.network.default_security_groups, project) === undefined ? project : null;
}

/** Whether listing groups (or rules, with `resource`) must first create a default group: see {@link defaultSecurityGroupProject}. */
export function needsDefaultSecurityGroup(ctx: Ctx, query: unknown = {}, resource: 'security_group' | 'security_group_rule' = 'security_group'): boolean {
  return defaultSecurityGroupProject(ctx, query, resource) !== null;
}

// ------------------------------------------------------------------------------ the body

/** `type:name_not_default` (`_validate_name_not_default`): a string of at most 255 characters, not `default` in any case (409). */
function groupNameAttr(value: unknown): string {
  const name = stringArg(value, 'name', 255);
  if (name.toLowerCase() === 'default') throw inUse('network.security_group.default_exists', 'SecurityGroupDefaultAlreadyExists', 'Default security group already exists.', { field: 'name' });
  return name;
}

/** `fill_post_defaults` over a group's attribute map, in its order. */
const GROUP_POST: readonly (readonly [string, PostRule])[] = [
  ['id', 'no-post'], ['name', 'optional'], ['tenant_id', 'optional'], ['security_group_rules', 'no-post'], ['description', 'optional'],
  ['stateful', 'optional'], ['shared', 'no-post'], ['tags', 'no-post'], ['tags-any', 'no-post'], ['not-tags', 'no-post'], ['not-tags-any', 'no-post'],
  ['revision_number', 'no-post'], ['created_at', 'no-post'], ['updated_at', 'no-post'], ['project_id', 'optional'],
];
const GROUP_BODY_ATTRIBUTES = GROUP_POST.map(([n]) => n);
const GROUP_READ_ONLY = GROUP_POST.filter(([n]) => !['name', 'description', 'stateful'].includes(n)).map(([n]) => n);

// ------------------------------------------------------------------------------- the API

/**
 * `POST /v2.0/security-groups`. In Zed's order: the body (unknown and not-POSTable attributes,
 * the project, `name` — `default` is a 409 —, `description`, `stateful`), the `security_group`
 * quota (409), `create_security_group` (403), the project's default group (created if missing),
 * the two egress rules' quota (409). Sends `security_group.create.end`.
 */
export function createSecurityGroup(tx: Tx, ctx: Ctx, input: unknown): SecurityGroupView {
  const s = tx.draft as CloudState;
  const c: Ctx = { ...ctx, s };
  const body = bodyOf(input, 'security_group', GROUP_BODY_ATTRIBUTES);
  const owner = projectArg(c, body, true)!;
  checkPost(body, GROUP_POST);
  const name = body.name === undefined ? '' : groupNameAttr(body.name);
  const description = body.description === undefined ? '' : stringArg(body.description, 'description', 255);
  const stateful = body.stateful === undefined ? true : booleanArg(body.stateful, 'stateful', 'network.security_group.invalid_stateful');

  useQuota(tx, owner, { security_group: 1 });
  enforce(c, 'create_security_group', { name, description, stateful, tenant_id: owner, project_id: owner }, Object.keys(body));
  ensureDefaultSecurityGroup(tx, owner);
  const row = createGroupRow(tx, owner, name, description, stateful, false);
  tx.trace('neutron-server', `create_security_group ${row.id} (${name === '' ? 'no name' : name}, project ${owner})`);
  const view = securityGroupView(s, row, c.projectId);
  tx.emit('security_group.create.end', () => ({ security_group: view }), NEUTRON_PUBLISHER);
  return showable(c, 'security_group', view, securityGroupTarget(s, row, c.projectId));
}

/** `GET /v2.0/security-groups/{id}`: a group the caller sees and may `get_security_group` (404 otherwise). */
export function showSecurityGroup(ctx: Ctx, ref: unknown): SecurityGroupView {
  const row = getSecurityGroup(ctx, ref);
  const target = securityGroupTarget(ctx.s, row, ctx.projectId);
  enforceShow(ctx, 'security_group', row.id, target);
  return showable(ctx, 'security_group', securityGroupView(ctx.s, row, ctx.projectId), target);
}

/**
 * `GET /v2.0/security-groups`: the groups the caller sees and may `get_security_group`,
 * filtered, sorted and paged as Neutron's controller does. A pure read: the caller's default
 * group, which Zed creates first, is the API's to ensure ({@link needsDefaultSecurityGroup}).
 */
export function listSecurityGroups(ctx: Ctx, query: unknown = {}): SecurityGroupView[] {
  const s = ctx.s;
  const rows = [...tableValues(s.network.security_groups)].filter((g) => securityGroupVisible(ctx, g));
  return listViews(ctx, {
    resource: 'security_group',
    rows,
    attributes: SECURITY_GROUP_ATTRIBUTES,
    notFilterable: ['security_group_rules', 'stateful', 'created_at', 'updated_at'],
    target: (g) => securityGroupTarget(s, g, ctx.projectId),
    view: (g) => securityGroupView(s, g, ctx.projectId) as unknown as Record<string, unknown>,
  }, query) as unknown as SecurityGroupView[];
}

/** 409 `SecurityGroupInUse`: "Security Group <id> in use." */
function groupInUse(id: string): NeutronError {
  return inUse('network.security_group.in_use', 'SecurityGroupInUse', `Security Group ${id} in use.`, { id });
}

/**
 * `PUT /v2.0/security-groups/{id}`: `name`, `description`, `stateful`. The body first (read-only
 * attributes, `default` as a name: 409), then the group (404), `update_security_group`, then a
 * `stateful` change on a group ports use (409 `SecurityGroupInUse`), a new name for the default
 * group (409 `SecurityGroupCannotUpdateDefault`). The revision goes up once any attribute is given,
 * even with the value it had (the object writes what it is given).
 */
export function updateSecurityGroup(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): SecurityGroupView {
  const s = tx.draft as CloudState;
  const c: Ctx = { ...ctx, s };
  const body = bodyOf(input, 'security_group', GROUP_BODY_ATTRIBUTES);
  projectArg(c, body, false);
  checkPut(body, GROUP_READ_ONLY);
  const changes: { name?: string; description?: string; stateful?: boolean } = {};
  if (body.name !== undefined) changes.name = groupNameAttr(body.name);
  if (body.description !== undefined) changes.description = stringArg(body.description, 'description', 255);
  if (body.stateful !== undefined) changes.stateful = booleanArg(body.stateful, 'stateful', 'network.security_group.invalid_stateful');

  const group = getSecurityGroup(c, ref);
  enforceOn(c, 'security_group', 'update_security_group', group.id, { ...securityGroupTarget(s, group, c.projectId), ...changes }, Object.keys(body));
  if (changes.stateful !== undefined && changes.stateful !== group.stateful && indexed(s.network.group_ports, group.id).length > 0) throw groupInUse(group.id);
  if (group.name === 'default' && changes.name !== undefined) throw inUse('network.security_group.cannot_update_default', 'SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.', { id: group.id, field: 'name' });

  // the object's update writes every attribute given, changed or not: the revision goes up
  const changed = Object.keys(changes).length > 0;
  const row = changed ? revised(tx, group, changes) : group;
  if (changed) setRow(tx.draft.network.security_groups, group.id, row);
  tx.trace('neutron-server', `update_security_group ${group.id}${changed ? '' : ' (nothing given)'}`);
  const view = securityGroupView(s, row, c.projectId);
  tx.emit('security_group.update.end', () => ({ security_group: view }), NEUTRON_PUBLISHER);
  return showable(c, 'security_group', view, securityGroupTarget(s, row, c.projectId));
}

/**
 * `DELETE /v2.0/security-groups/{id}`: the group (404), `delete_security_group` (404 when the
 * caller may not even see it, else 403), then 409 `SecurityGroupInUse` while ports use it and
 * 409 `SecurityGroupCannotRemoveDefault` for a group named `default` unless the caller is an
 * admin. Deletes its rules, other groups' rules naming it as remote group, its RBAC entries;
 * gives the quota back. Sends `security_group.delete.end`.
 */
export function deleteSecurityGroup(tx: Tx, ctx: Ctx, ref: unknown): void {
  const s = tx.draft as CloudState;
  const c: Ctx = { ...ctx, s };
  const group = getSecurityGroup(c, ref);
  enforceOn(c, 'security_group', 'delete_security_group', group.id, securityGroupTarget(s, group, c.projectId));
  if (indexed(s.network.group_ports, group.id).length > 0) throw groupInUse(group.id);
  if (group.name === 'default' && !c.isAdmin) throw inUse('network.security_group.cannot_remove_default', 'SecurityGroupCannotRemoveDefault', 'Insufficient rights for removing default security group.', { id: group.id });

  const view = securityGroupView(s, group, c.projectId);
  for (const rule of rulesOfGroup(s, group.id)) removeRuleRow(tx, rule);
  const remoteOf: SecurityGroupRuleRow[] = [];
  for (const rule of tableValues(s.network.security_group_rules)) if (rule.remote_group_id === group.id) remoteOf.push(rule);
  const touched = new Set<string>();
  for (const rule of remoteOf) {
    removeRuleRow(tx, rule);
    touched.add(rule.security_group_id);
  }
  for (const other of touched) bumpSecurityGroup(tx, other);
  for (const entry of rbacEntries(s, 'security_group', group.id)) {
    removeRbacEntry(tx, entry);
  }
  if (getRow(s.network.default_security_groups, group.project_id) === group.id) deleteRow(tx.draft.network.default_security_groups, group.project_id);
  deleteRow(tx.draft.network.security_groups, group.id);
  releaseQuota(tx, group.project_id, { security_group: 1 });
  tx.trace('neutron-server', `delete_security_group ${group.id}${remoteOf.length > 0 ? ` (and ${remoteOf.length} rules of other groups naming it as remote group)` : ''}`);
  tx.emit('security_group.delete.end', () => ({ security_group_id: group.id, security_group: view }), NEUTRON_PUBLISHER);
}
