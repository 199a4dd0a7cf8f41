/**
 * RBAC policies (`/v2.0/rbac-policies`, `neutron/db/rbac_db_mixin.py`): entries that share an
 * object with a project or with every project (`*`): `access_as_shared` for networks, security
 * groups and subnet pools, `access_as_external` for networks. A network's `shared` and
 * `router:external` attributes are such entries to `*`. Removing or narrowing access a project
 * still uses (its ports on the network) is 409 `RbacPolicyInUse`
 * (`db_base_plugin_v2._validate_network_rbac_policy_change`, `ensure_no_tenant_ports_on_network`);
 * only an admin may add entries on a network it does not own ("Only admins can manipulate
 * policies on networks they do not own").
 *
 * Not simulated: object types `qos_policy`, `address_scope`, `address_group` (400).
 */
import { NEUTRON_PUBLISHER } from './events.js';
import { InvalidInput, deleteRow, describeValue, getRow, setRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { enforce, enforceOn, enforceShow, indexed, projectScoped, rbacEntries, resolveRow, showable, type Ctx } from './context.js';
import { bodyOf, listViews } from './controller.js';
import { NeutronError, invalidInput, requiredAttribute } from './errors.js';
import { checkQuota, countQuota, releaseQuota } from './quota.js';
import { ownerOf } from './networks.js';
import { revised } from './standard.js';
import type { RbacPolicyRow } from './types.js';

/** An RBAC policy as the API shows it (`_make_rbac_policy_dict`). */
export interface RbacPolicyView {
  readonly id: string;
  readonly project_id: string;
  readonly tenant_id: string;
  readonly object_type: RbacPolicyRow['object_type'];
  readonly object_id: string;
  readonly action: RbacPolicyRow['action'];
  readonly target_tenant: string;
  readonly target_project: string;
}

const ATTRIBUTES = ['id', 'project_id', 'tenant_id', 'object_type', 'object_id', 'action', 'target_tenant', 'target_project'] as const;
const OBJECT_TYPES: readonly RbacPolicyRow['object_type'][] = ['network', 'security_group', 'subnetpool'];

/** Adds an RBAC entry (inside a command); every entry counts toward its project's `rbac_policy` usage, as Neutron counts rows. */
export function addRbacEntry(tx: Tx, projectId: string, objectType: RbacPolicyRow['object_type'], objectId: string, action: RbacPolicyRow['action'], target: string): RbacPolicyRow {
  const row: RbacPolicyRow = { id: tx.ids.uuid(), project_id: projectId, object_type: objectType, object_id: objectId, action, target_tenant: target };
  setRow(tx.draft.network.rbac_policies, row.id, row);
  setRow(tx.draft.network.object_rbac, `${objectType}/${objectId}/${row.id}`, row.id);
  countQuota(tx, projectId, { rbac_policy: 1 });
  return row;
}

/** Removes an RBAC entry (inside a command), giving its `rbac_policy` usage back. */
export function removeRbacEntry(tx: Tx, row: RbacPolicyRow): void {
  releaseQuota(tx, row.project_id, { rbac_policy: 1 });
  deleteRow(tx.draft.network.rbac_policies, row.id);
  deleteRow(tx.draft.network.object_rbac, `${row.object_type}/${row.object_id}/${row.id}`);
}

/** The view of an entry. */
export function rbacPolicyView(row: RbacPolicyRow): RbacPolicyView {
  return { id: row.id, project_id: row.project_id, tenant_id: row.project_id, object_type: row.object_type, object_id: row.object_id, action: row.action, target_tenant: row.target_tenant, target_project: row.target_tenant };
}

function visible(ctx: Ctx, row: RbacPolicyRow): boolean {
  return !projectScoped(ctx) || row.project_id === ctx.projectId;
}

function target(row: RbacPolicyRow): Record<string, unknown> {
  return { ...rbacPolicyView(row) };
}

/**
 * `ensure_no_tenant_ports_on_network`: 409 when `tenant` (a project or `*`) would lose access to
 * a network its ports still use, once `dropping` is gone.
 */
export function ensureNoTenantPorts(s: CloudState, networkId: string, networkOwner: string, tenant: string, dropping: RbacPolicyRow | null): void {
  const others = rbacEntries(s, 'network', networkId).filter((r) => r.action === 'access_as_shared' && r.id !== dropping?.id);
  if (tenant !== '*' && others.some((r) => r.target_tenant === '*')) return;
  const allowedProjects = new Set([networkOwner, ...others.map((r) => r.target_tenant)]);
  for (const portId of indexed(s.network.network_ports, networkId)) {
    const port = getRow(s.network.ports, portId);
    if (port === undefined) continue;
    const affected = tenant === '*' ? !allowedProjects.has(port.project_id) : port.project_id === tenant;
    if (affected) {
      throw new NeutronError(409, 'network.rbac_policy.in_use', 'RbacPolicyInUse', `RBAC policy on object ${networkId} cannot be removed because other objects depend on it.\nDetails: Callback neutron.plugins.ml2.plugin.Ml2Plugin.validate_network_rbac_policy_change failed with "Unable to reconfigure sharing settings for network ${networkId}. Multiple tenants are using it."`, { object_id: networkId });
    }
  }
}

/**
 * `_validate_ext_not_in_use_by_tenant`: 409 when routers with their gateway on the network depend
 * on an `access_as_external` entry that goes (or moves to `next`): the project's own entry while
 * no `*` entry remains; for `*`, routers of projects without their own entry, or a default
 * external network ("Default external networks must be shared to everyone.").
 */
function ensureExternalNotInUse(s: CloudState, entry: RbacPolicyRow, next?: string): void {
  if (entry.object_type !== 'network' || entry.action !== 'access_as_external' || next === entry.target_tenant) return;
  const network = getRow(s.network.networks, entry.object_id);
  if (network === undefined) return;
  const refuse = (details: string): never => {
    throw new NeutronError(409, 'network.rbac_policy.in_use', 'RbacPolicyInUse', `RBAC policy on object ${network.id} cannot be removed because other objects depend on it.\nDetails: ${details}`, { object_id: network.id });
  };
  const others = rbacEntries(s, 'network', network.id).filter((r) => r.action === 'access_as_external' && r.id !== entry.id);
  const gatewayRouters = indexed(s.network.network_ports, network.id)
    .map((id) => getRow(s.network.ports, id))
    .filter((p) => p !== undefined && p.device_owner === 'network:router_gateway')
    .map((p) => getRow(s.network.routers, p!.device_id))
    .filter((r) => r !== undefined);
  let dependent: boolean;
  if (entry.target_tenant !== '*') {
    if (others.some((r) => r.target_tenant === '*')) return;
    dependent = gatewayRouters.some((r) => r!.project_id === entry.target_tenant);
  } else {
    if (network.is_default) refuse('Default external networks must be shared to everyone.');
    const withEntries = new Set([...others.map((r) => r.target_tenant), ...(next === undefined ? [] : [next])]);
    dependent = gatewayRouters.some((r) => !withEntries.has(r!.project_id));
  }
  if (dependent) refuse('There are routers attached to this network that depend on this policy for access.');
}

/** `_process_ext_policy_create` / `_process_ext_policy_delete`: a network is external while it has an `access_as_external` entry. */
function syncExternal(tx: Tx, networkId: string): void {
  const s = tx.draft as CloudState;
  const network = getRow(s.network.networks, networkId);
  if (network === undefined) return;
  const external = rbacEntries(s, 'network', networkId).some((r) => r.action === 'access_as_external');
  if (external !== network.external) setRow(tx.draft.network.networks, networkId, revised(tx, network, { external, ...(external ? {} : { is_default: false }) }));
}

/** The object an entry names, and its owner; 404 when the caller may not see it. */
function objectOwner(ctx: Ctx, type: RbacPolicyRow['object_type'], id: string): string {
  const s = ctx.s;
  const row = type === 'network' ? getRow(s.network.networks, id) : type === 'security_group' ? getRow(s.network.security_groups, id) : getRow(s.network.subnetpools, id);
  // the plugin's `_get_network` (or its sibling) sees what the model query shows the caller: own or shared with it
  const mayUse = row !== undefined && (!projectScoped(ctx) || row.project_id === ctx.projectId || rbacEntries(s, type, id).some((r) => r.target_tenant === '*' || r.target_tenant === ctx.projectId));
  if (!mayUse) throw new NeutronError(404, 'network.rbac_policy.object_not_found', 'NotFound', `${type === 'network' ? 'Network' : type === 'security_group' ? 'Security group' : 'Subnet pool'} ${id} could not be found.`, { field: 'object_id' });
  return row!.project_id;
}

/** `POST /v2.0/rbac-policies`. */
export function createRbacPolicy(tx: Tx, ctx: Ctx, input: unknown): RbacPolicyView {
  const body = bodyOf(input, 'rbac_policy', ['object_type', 'object_id', 'action', 'target_tenant', 'target_project', 'project_id', 'tenant_id']);
  const text = (k: string): string => {
    const v = body[k];
    if (v === undefined) throw requiredAttribute(k);
    if (typeof v !== 'string' || v.length === 0 || v.length > 255) throw new InvalidInput(k, `expected a string, got ${describeValue(v)}.`, 'network.rbac_policy.invalid');
    return v;
  };
  const objectType = text('object_type');
  if (!(OBJECT_TYPES as readonly string[]).includes(objectType)) throw new NeutronError(400, 'network.rbac_policy.invalid_object_type', 'HTTPBadRequest', `Invalid input for object_type. Reason: '${objectType}' is not in ${JSON.stringify(OBJECT_TYPES)}.`, { field: 'object_type' });
  const type = objectType as RbacPolicyRow['object_type'];
  const objectId = text('object_id');
  const action = text('action');
  if (action !== 'access_as_shared' && action !== 'access_as_external') throw new NeutronError(400, 'network.rbac_policy.invalid_action', 'HTTPBadRequest', `Invalid input for action. Reason: '${action}' is not in ['access_as_external', 'access_as_shared'].`, { field: 'action' });
  if (action === 'access_as_external' && type !== 'network') throw invalidInput('network.rbac_policy.invalid_action', `Action '${action}' for object type '${type}' is not supported. Allowed actions: ['access_as_shared']`, 'action');
  const targetTenant = body.target_tenant !== undefined ? text('target_tenant') : text('target_project');
  const project = ownerOf(ctx, body);
  const policyTarget = { object_type: type, object_id: objectId, action, target_tenant: targetTenant, target_project: targetTenant, project_id: project, tenant_id: project };
  enforce(ctx, 'create_rbac_policy', policyTarget, targetTenant === '*' ? ['target_tenant', 'target_project'] : []);
  const s = tx.draft as CloudState;
  const owner = objectOwner({ ...ctx, s }, type, objectId);
  if (!ctx.isAdmin && owner !== ctx.projectId) throw invalidInput('network.rbac_policy.not_owner', 'Only admins can manipulate policies on networks they do not own', 'object_id');
  if (rbacEntries(s, type, objectId).some((r) => r.action === action && r.target_tenant === targetTenant)) throw new NeutronError(409, 'network.rbac_policy.duplicate', 'DuplicateRbacPolicy', 'An RBAC policy already exists with those values.');
  checkQuota(tx, project, { rbac_policy: 1 });
  const row = addRbacEntry(tx, project, type, objectId, action, targetTenant);
  if (type === 'network' && action === 'access_as_external') syncExternal(tx, objectId);
  const view = rbacPolicyView(row);
  tx.emit('rbac_policy.create.end', () => ({ rbac_policy: view }), NEUTRON_PUBLISHER);
  return view;
}

/** The RBAC policy a reference names (ids only: RBAC policies have no name). */
export function getRbacPolicy(ctx: Ctx, ref: unknown): RbacPolicyRow {
  return resolveRow(ctx, 'rbac_policy', ctx.s.network.rbac_policies as never, (r: RbacPolicyRow) => visible(ctx, r), ref, 'rbac_policy') as RbacPolicyRow;
}

/** `GET /v2.0/rbac-policies/{id}`. */
export function showRbacPolicy(ctx: Ctx, ref: unknown): RbacPolicyView {
  const row = getRbacPolicy(ctx, ref);
  enforceShow(ctx, 'rbac_policy', row.id, target(row));
  return showable(ctx, 'rbac_policy', rbacPolicyView(row) as unknown as Record<string, unknown>, target(row)) as unknown as RbacPolicyView;
}

/** `GET /v2.0/rbac-policies`. */
export function listRbacPolicies(ctx: Ctx, query: unknown = {}): RbacPolicyView[] {
  const rows = [...tableValues(ctx.s.network.rbac_policies)].filter((r) => visible(ctx, r));
  return listViews(ctx, { resource: 'rbac_policy', rows, attributes: ATTRIBUTES, target, view: (r) => rbacPolicyView(r) as unknown as Record<string, unknown> }, query) as unknown as RbacPolicyView[];
}

/** `PUT /v2.0/rbac-policies/{id}`: only `target_tenant` changes. */
export function updateRbacPolicy(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): RbacPolicyView {
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const row = getRbacPolicy(c, ref);
  const body = bodyOf(input, 'rbac_policy', ['target_tenant', 'target_project'], ['object_type', 'object_id', 'action', 'project_id', 'tenant_id']);
  const next = body.target_tenant ?? body.target_project;
  if (typeof next !== 'string' || next.length === 0 || next.length > 255) throw new InvalidInput('target_tenant', `expected a project id or '*', got ${describeValue(next)}.`, 'network.rbac_policy.invalid');
  enforceOn(c, 'rbac_policy', 'update_rbac_policy', row.id, { ...target(row), target_tenant: next, target_project: next }, next === '*' ? ['target_tenant', 'target_project'] : []);
  if (row.object_type === 'network' && row.action === 'access_as_shared' && next !== row.target_tenant) {
    const network = getRow(s.network.networks, row.object_id);
    if (network !== undefined && row.target_tenant !== network.project_id) ensureNoTenantPorts(s, network.id, network.project_id, row.target_tenant, row);
  }
  ensureExternalNotInUse(s, row, next);
  if (next !== row.target_tenant && rbacEntries(s, row.object_type, row.object_id).some((r) => r.action === row.action && r.target_tenant === next)) throw new NeutronError(409, 'network.rbac_policy.duplicate', 'DuplicateRbacPolicy', 'An RBAC policy already exists with those values.');
  const updated: RbacPolicyRow = { ...row, target_tenant: next };
  setRow(tx.draft.network.rbac_policies, row.id, updated);
  const view = rbacPolicyView(updated);
  tx.emit('rbac_policy.update.end', () => ({ rbac_policy: view }), NEUTRON_PUBLISHER);
  return view;
}

/** `DELETE /v2.0/rbac-policies/{id}`. */
export function deleteRbacPolicy(tx: Tx, ctx: Ctx, ref: unknown): void {
  const s = tx.draft as CloudState;
  const c = { ...ctx, s };
  const row = getRbacPolicy(c, ref);
  enforceOn(c, 'rbac_policy', 'delete_rbac_policy', row.id, target(row));
  if (row.object_type === 'network' && row.action === 'access_as_shared') {
    const network = getRow(s.network.networks, row.object_id);
    if (network !== undefined && row.target_tenant !== network.project_id) ensureNoTenantPorts(s, network.id, network.project_id, row.target_tenant, row);
  }
  ensureExternalNotInUse(s, row);
  removeRbacEntry(tx, row);
  if (row.object_type === 'network' && row.action === 'access_as_external') syncExternal(tx, row.object_id);
  const view = rbacPolicyView(row);
  tx.emit('rbac_policy.delete.end', () => ({ rbac_policy_id: row.id, rbac_policy: view }), NEUTRON_PUBLISHER);
}
