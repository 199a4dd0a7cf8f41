/**
 * Private volume types' access lists (`cinder/api/contrib/volume_type_access.py`
 * `VolumeTypeAccessController` / `VolumeTypeActionController`, `cinder/policies/volume_access.py`,
 * `cinder/db/sqlalchemy/api.py` `volume_type_access_add` / `_remove`): admins list, add and remove
 * the projects that may use a private type; a public type has no list.
 *
 * Not simulated: checking the project against Keystone (Cinder does not either), the
 * `volume_type_project.*` notifications.
 */
import { deleteRow, describeValue, getRow, setRow, tablePrefix, type Tx } from '../core/index.js';
import { enforce, ownTarget, type Ctx } from './context.js';
import { CinderError, duplicate, invalidVolumeType } from './errors.js';
import { badField, isUuidLike, objectArg } from './input.js';
import { CINDER_RULES } from './policies.js';
import type { VolumeTypeRow } from './types.js';
import { resolveVolumeType, typeBodyKeys } from './volume_types.js';

/** One entry of `GET /types/{id}/os-volume-type-access`. */
export interface VolumeTypeAccessView {
  readonly volume_type_id: string;
  readonly project_id: string;
}

/** The projects on a private type's access list (admin); a public type's is a 404 ("Access list not available for public volume types."). */
export function listTypeAccess(ctx: Ctx, ref: unknown): VolumeTypeAccessView[] {
  enforce(ctx, CINDER_RULES.type.listProjectAccess, ownTarget(ctx));
  const type = resolveVolumeType(ctx, ref, 'id');
  if (type.is_public) throw new CinderError(404, 'block.volume_type.access_not_found', 'VolumeTypeAccessNotFound', 'Access list not available for public volume types.', { volume_type_id: type.id });
  return tablePrefix(ctx.s.block.type_access, `${type.id}/`).map(([, project]) => ({ volume_type_id: type.id, project_id: project }));
}

/** `addProjectAccess` / `removeProjectAccess`: `{ project }`, a UUID-like project id (not checked against Keystone, as Cinder does not). */
export interface TypeAccessRequest {
  readonly project: string;
}

function accessArgs(ctx: Ctx, rule: string, ref: unknown, input: unknown): { type: VolumeTypeRow; project: string } {
  enforce(ctx, rule, ownTarget(ctx));
  const b = objectArg(input, 'body');
  typeBodyKeys(b, ['project'], 'body');
  if (!isUuidLike(b.project)) throw badField('project', `Invalid input for field/attribute project. Value: ${describeValue(b.project)}. ${describeValue(b.project)} is not a 'uuid'`, 'block.input.invalid_project');
  const type = resolveVolumeType(ctx, ref, 'id');
  if (type.is_public) throw invalidVolumeType('Type access modification is not applicable to public volume type.', { volume_type_id: type.id }, 'block.volume_type.public');
  return { type, project: b.project };
}

/** `POST /v3/{project_id}/types/{id}/action` `addProjectAccess` (admin, private types only; 409 `VolumeTypeAccessExists`). */
export function addTypeAccess(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const { type, project } = accessArgs(ctx, CINDER_RULES.type.addProjectAccess, ref, input);
  const key = `${type.id}/${project}`;
  if (getRow(tx.draft.block.type_access, key) !== undefined) throw duplicate('block.volume_type.access_exists', 'VolumeTypeAccessExists', `Volume type access for ${type.id} / ${project} combination already exists.`, { volume_type_id: type.id, project_id: project });
  setRow(tx.draft.block.type_access, key, project);
  tx.trace('cinder-api', `volume type ${type.name}: access for project ${project}`);
}

/** `POST /v3/{project_id}/types/{id}/action` `removeProjectAccess` (admin; 404 `VolumeTypeAccessNotFound`). */
export function removeTypeAccess(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const { type, project } = accessArgs(ctx, CINDER_RULES.type.removeProjectAccess, ref, input);
  const key = `${type.id}/${project}`;
  if (!deleteRow(tx.draft.block.type_access, key)) throw new CinderError(404, 'block.volume_type.access_not_found', 'VolumeTypeAccessNotFound', `Volume type access not found for ${type.id} / ${project} combination.`, { volume_type_id: type.id, project_id: project });
  tx.trace('cinder-api', `volume type ${type.name}: access of project ${project} removed`);
}
