/**
 * A volume type's extra specs (`cinder/api/contrib/types_extra_specs.py`
 * `VolumeTypeExtraSpecsController`, the policies `cinder/policies/type_extra_specs.py`,
 * `cinder/volume/volume_types.py` `get_volume_type_extra_specs`): admins add, replace and delete
 * specs (keys without spaces, `extra_specs_with_no_spaces_key`) while no volume has the type;
 * everyone reads them without the sensitive ones unless `read_sensitive` allows.
 *
 * Not simulated: the `volume_type_extra_specs.*` notifications (not declared in events.ts), spec
 * values of `null`.
 */
import { setRow, type Tx } from '../core/index.js';
import { enforce, ownTarget, type Ctx } from './context.js';
import { CinderError } from './errors.js';
import { badField, copy, objectArg, own, ownValue, put } from './input.js';
import { CINDER_RULES } from './policies.js';
import { SPEC_KEY_NO_SPACES, inUseForSpecs, resolveVolumeType, specKeyArg, specNotFound, specsArg, typeBodyKeys, visibleExtraSpecs } from './volume_types.js';

/** `GET /v3/{project_id}/types/{id}/extra_specs`: the specs the caller may read. */
export function listTypeExtraSpecs(ctx: Ctx, ref: unknown): Record<string, string> {
  enforce(ctx, CINDER_RULES.type.extraSpecsIndex, ownTarget(ctx));
  const type = resolveVolumeType(ctx, ref, 'id');
  return visibleExtraSpecs(ctx, type.extra_specs);
}

/** `GET /v3/{project_id}/types/{id}/extra_specs/{key}`: `{ key: value }`, 404 `VolumeTypeExtraSpecsNotFound` for a key absent or hidden. */
export function showTypeExtraSpec(ctx: Ctx, ref: unknown, key: unknown): Record<string, string> {
  enforce(ctx, CINDER_RULES.type.extraSpecsShow, ownTarget(ctx));
  const type = resolveVolumeType(ctx, ref, 'id');
  const k = specKeyArg(key);
  const specs = visibleExtraSpecs(ctx, type.extra_specs);
  const v = ownValue(specs, k);
  if (v === undefined) throw specNotFound(type.id, k);
  const out: Record<string, string> = {};
  put(out, k, v);
  return out;
}

/**
 * `POST /v3/{project_id}/types/{id}/extra_specs` (admin) `{ extra_specs }`: adds or replaces specs
 * (keys without spaces); refused while any volume has the type ("Volume Type is currently in
 * use."), and `cacheable` with `multiattach` (both `<is> True`). Answers the request body's specs.
 */
export function createTypeExtraSpecs(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): Record<string, string> {
  enforce(ctx, CINDER_RULES.type.extraSpecsCreate, ownTarget(ctx));
  const type = resolveVolumeType(ctx, ref, 'id');
  const b = objectArg(input, 'body');
  typeBodyKeys(b, ['extra_specs'], 'body');
  if (!own(b, 'extra_specs')) throw badField('extra_specs', "Invalid input for field/attribute body. 'extra_specs' is a required property", 'block.input.missing_specs');
  const specs = specsArg(b.extra_specs, 'extra_specs', SPEC_KEY_NO_SPACES);
  inUseForSpecs(tx.draft, type.id);
  const isTrue = '<is> True';
  const current = (k: string): string | undefined => ownValue(type.extra_specs, k);
  const given = (k: string): string | undefined => ownValue(specs, k);
  if ((given('multiattach') === isTrue && current('cacheable') === isTrue) || (given('cacheable') === isTrue && current('multiattach') === isTrue) || (given('cacheable') === isTrue && given('multiattach') === isTrue)) {
    throw new CinderError(400, 'block.volume_type.cacheable_multiattach', 'HTTPBadRequest', 'cacheable cannot be set with multiattach.', { volume_type_id: type.id });
  }
  const next = copy(type.extra_specs);
  for (const [k, v] of Object.entries(specs)) put(next, k, v);
  setRow(tx.draft.block.volume_types, type.id, { ...type, extra_specs: next });
  return specs;
}

/**
 * `PUT /v3/{project_id}/types/{id}/extra_specs/{key}` (admin) `{ <key>: value }`: exactly one
 * spec, named as in the URL (else "Request body and URI mismatch"); refused while volumes use the type.
 */
export function updateTypeExtraSpec(tx: Tx, ctx: Ctx, ref: unknown, key: unknown, input: unknown): Record<string, string> {
  enforce(ctx, CINDER_RULES.type.extraSpecsUpdate, ownTarget(ctx));
  const type = resolveVolumeType(ctx, ref, 'id');
  const k = specKeyArg(key);
  const b = objectArg(input, 'body');
  const n = Object.keys(b).length;
  if (n !== 1) throw badField('body', `Invalid input for field/attribute body. ${n === 0 ? '{} does not have enough properties' : 'the body has too many properties'} (give exactly one spec)`, 'block.input.invalid_specs');
  const specs = specsArg(b, 'body', SPEC_KEY_NO_SPACES);
  inUseForSpecs(tx.draft, type.id);
  const v = ownValue(specs, k);
  if (v === undefined) throw badField('body', 'Request body and URI mismatch', 'block.volume_type.spec_uri_mismatch');
  const next = copy(type.extra_specs);
  put(next, k, v);
  setRow(tx.draft.block.volume_types, type.id, { ...type, extra_specs: next });
  return specs;
}

/** `DELETE /v3/{project_id}/types/{id}/extra_specs/{key}` (admin): the type is looked up before the policy, as Cinder does; refused while volumes use the type. */
export function deleteTypeExtraSpec(tx: Tx, ctx: Ctx, ref: unknown, key: unknown): void {
  const type = resolveVolumeType(ctx, ref, 'id');
  enforce(ctx, CINDER_RULES.type.extraSpecsDelete, ownTarget(ctx));
  const k = specKeyArg(key);
  inUseForSpecs(tx.draft, type.id);
  if (!own(type.extra_specs, k)) throw specNotFound(type.id, k);
  const next = copy(type.extra_specs);
  delete next[k];
  setRow(tx.draft.block.volume_types, type.id, { ...type, extra_specs: next });
}
