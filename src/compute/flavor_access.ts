/**
 * Flavor access (`nova/api/openstack/compute/flavor_access.py`, `schemas/flavor_access.py`,
 * `nova/objects/flavor.py` `_flavor_add_project` / `_flavor_del_project`,
 * `nova/api/openstack/identity.py` `verify_project_id`): which projects may use a private
 * flavor. A project given access sees the flavor in its lists and may boot from it.
 *
 * - `GET /flavors/{id}/os-flavor-access` (`os-flavor-access`, admin): the flavor must be visible
 *   (404), and private (404 "Access list not available for public flavors.").
 * - `addTenantAccess` (`os-flavor-access:add_tenant_access`, admin): `tenant` (1 to 255
 *   characters), the policy, Keystone's word on the project (400 "Project ID x is not a valid
 *   project."), the flavor (404), 409 "Can not add access to a public flavor." (2.7+), 409
 *   `FlavorAccessExists`.
 * - `removeTenantAccess` (`…:remove_tenant_access`): the same, but a project Keystone does not
 *   know is fine (it may have been deleted), and 404 `FlavorAccessNotFound` when the project has
 *   no access (a public flavor has none).
 *
 * The list is in project id order (nova's follows the database's). Not simulated: the versioned
 * `flavor.update` notification.
 */
import { deleteRow, getRow, setRow, tablePrefix, type Tx } from '../core/index.js';
import { enforce, type Ctx } from './context.js';
import { conflict, NovaError } from './errors.js';
import { getFlavor } from './flavors.js';
import { describeValue, fieldError, objectArg, onlyKeys, pyLength, requireKeys, verifyProjectId } from './input.js';
import { NOVA_RULES } from './policies.js';
import type { FlavorRow } from './types.js';

/** One entry of `flavor_access`. */
export interface FlavorAccessView {
  readonly flavor_id: string;
  readonly tenant_id: string;
}

/** `_marshall_flavor_access`: the projects given access to a flavor. */
function accessList(ctx: Ctx, row: FlavorRow): FlavorAccessView[] {
  return tablePrefix(ctx.s.compute.flavor_access, `${row.flavorid}/`).map(([, project]) => ({ flavor_id: row.flavorid, tenant_id: project }));
}

/** `GET /flavors/{flavor_id}/os-flavor-access`: the projects a private flavor is shared with. */
export function listFlavorAccess(ctx: Ctx, ref: unknown): FlavorAccessView[] {
  enforce(ctx, NOVA_RULES.flavors.accessIndex, { project_id: ctx.projectId, user_id: ctx.userId });
  const row = getFlavor(ctx, ref, 'flavor_id');
  if (row.is_public) throw new NovaError(404, 'compute.flavor.access_public', 'HTTPNotFound', 'Access list not available for public flavors.', { id: row.flavorid });
  return accessList(ctx, row);
}

/** The `{ tenant }` of an access action (`'type': 'string', 'minLength': 1, 'maxLength': 255`). */
function tenantArg(input: unknown, action: string): string {
  const body = objectArg(input, action);
  if (Object.hasOwn(body, 'tenant')) {
    const t = body.tenant;
    if (typeof t !== 'string') throw fieldError('tenant', t, `${describeValue(t)} is not of type 'string'`);
    if (t.length === 0) throw fieldError('tenant', t, `'' is too short`);
    if (pyLength(t) > 255) throw fieldError('tenant', t, `${describeValue(t)} is too long`);
  }
  requireKeys(body, ['tenant'], action);
  onlyKeys(body, ['tenant'], action);
  return body.tenant as string;
}

/** `addTenantAccess`: gives a project access to a private flavor; answers the flavor's access list. */
export function addFlavorAccess(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): FlavorAccessView[] {
  const tenant = tenantArg(input, 'addTenantAccess');
  enforce(ctx, NOVA_RULES.flavors.addTenantAccess, {});
  verifyProjectId(ctx, tenant);
  const row = getFlavor(ctx, ref, 'flavor_id');
  if (row.is_public) throw conflict('compute.flavor.access_public', 'HTTPConflict', 'Can not add access to a public flavor.', { id: row.flavorid });
  const key = `${row.flavorid}/${tenant}`;
  if (getRow(ctx.s.compute.flavor_access, key) !== undefined) {
    throw conflict('compute.flavor.access_exists', 'FlavorAccessExists', `Flavor access already exists for flavor ${row.id} and project ${tenant} combination.`, { id: row.flavorid, project_id: tenant });
  }
  setRow(tx.draft.compute.flavor_access, key, tenant);
  tx.trace('nova-api', `flavor ${row.name} (${row.flavorid}) shared with project ${tenant}`);
  return accessList(ctx, row);
}

/** `removeTenantAccess`: takes a project's access away; answers the flavor's access list. */
export function removeFlavorAccess(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): FlavorAccessView[] {
  const tenant = tenantArg(input, 'removeTenantAccess');
  enforce(ctx, NOVA_RULES.flavors.removeTenantAccess, {});
  try {
    verifyProjectId(ctx, tenant);
  } catch (e) {
    // "It doesn't really matter if project exists or not: we can delete it from flavor's access list in both cases."
    if ((e as { code?: unknown }).code !== 'compute.project.invalid') throw e;
  }
  const row = getFlavor(ctx, ref, 'flavor_id');
  const key = `${row.flavorid}/${tenant}`;
  if (getRow(ctx.s.compute.flavor_access, key) === undefined) {
    throw new NovaError(404, 'compute.flavor.access_not_found', 'FlavorAccessNotFound', `Flavor access not found for ${row.id} / ${tenant} combination.`, { id: row.flavorid, project_id: tenant });
  }
  deleteRow(tx.draft.compute.flavor_access, key);
  tx.trace('nova-api', `flavor ${row.name} (${row.flavorid}) no longer shared with project ${tenant}`);
  return accessList(ctx, row);
}
