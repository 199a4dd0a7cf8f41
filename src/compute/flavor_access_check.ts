/**
 * Which flavors a caller may see (`nova/db/api` `_flavor_get_query`): an admin every flavor, anyone
 * else the public ones and the private ones its project was given access to (`flavor_projects`).
 */
import { getRow } from '../core/index.js';
import type { Ctx } from './context.js';
import type { FlavorRow } from './types.js';

/** Whether the caller's queries return the flavor. */
export function visibleFlavor(ctx: Ctx, row: FlavorRow): boolean {
  return ctx.isAdmin || row.is_public || (ctx.projectId !== null && getRow(ctx.s.compute.flavor_access, `${row.flavorid}/${ctx.projectId}`) !== undefined);
}
