/**
 * Flavor extra specs (`nova/api/openstack/compute/flavors_extraspecs.py`,
 * `schemas/flavors_extraspecs.py`, `parameter_types.metadata`), validated as nova validates them
 * since microversion 2.86 (`nova/api/validation/extra_specs/`: `extra_specs/validators.ts`).
 *
 * - Keys match `^[a-zA-Z0-9-_:. ]{1,255}$` (else "Additional properties are not allowed"); values
 *   are strings of at most 255 characters or numbers (stored as Python's `str()` of them).
 * - Create (`os-flavor-extra-specs:create`, admin) merges `{ extra_specs }` into the flavor's;
 *   update (`…:update`) sets the one key of its body, which must be the key of the path (400
 *   "Request body and URI mismatch"); delete (`…:delete`) removes one (404 when absent).
 * - Every key and value is checked by nova's registry: a known key with a bad value, or an
 *   unknown key in a namespace nova owns (`hw:`, `hw_rng:`, `os:`, `quota:`, `trait:`,
 *   `resources:`, …) is a 400 with nova's "Validation failed; …" text; keys of other namespaces
 *   and keys without one pass.
 * - List and show (`…:index`, `…:show`: the project's readers) need a visible flavor.
 *
 * Order of checks, nova's: schema, policy, values, the flavor (404). Answers hold the stored
 * strings (nova echoes a number as it was sent). stacksim refuses NaN and infinities (JSON cannot
 * carry them) and more than 10 000 keys in one body (nova has no limit). Not simulated: the
 * versioned `flavor.update` notification.
 */
import { setRow, type Tx } from '../core/index.js';
import { enforce, type Ctx } from './context.js';
import { badRequest, NovaError } from './errors.js';
import { validateExtraSpec } from './extra_specs/validators.js';
import { getFlavor } from './flavors.js';
import { describeValue, fieldError, objectArg, onlyKeys, pyLength, pyNumberText, requireKeys } from './input.js';
import { NOVA_RULES } from './policies.js';
import type { FlavorRow } from './types.js';

/** `parameter_types.metadata`'s key pattern (Python's `$` lets one final newline through). */
const KEY = /^[a-zA-Z0-9\-_:. ]{1,255}\n?$/;
/** The most keys one request may set (stacksim's bound; nova has none). */
const MAX_KEYS = 10_000;

/**
 * The `metadata` schema with string-or-number values: each value checked in key order, then the
 * keys; answers the values as nova stores them (strings).
 */
function specsArg(value: unknown, field: string): Record<string, string> {
  const o = objectArg(value, field);
  const entries = Object.entries(o);
  if (entries.length > MAX_KEYS) throw fieldError(field, value, `more than ${MAX_KEYS} extra specs in one request`);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (!KEY.test(k)) continue;
    let text: string;
    if (typeof v === 'string') {
      if (pyLength(v) > 255) throw fieldError(k, v, `${describeValue(v)} is too long`);
      text = v;
    } else if (typeof v === 'number') {
      const t = pyNumberText(v);
      if (t === null) throw fieldError(k, v, `${describeValue(v)} is not a number nova can store`);
      text = t;
    } else throw fieldError(k, v, `${describeValue(v)} is not of type 'string', 'number'`);
    Object.defineProperty(out, k, { value: text, enumerable: true, writable: true, configurable: true });
  }
  const bad = Object.keys(o).filter((k) => !KEY.test(k));
  if (bad.length > 0) {
    const listed = bad.slice(0, 5).map((k) => `'${k.length > 40 ? `${k.slice(0, 40)}…` : k}'`).join(', ');
    throw badRequest(bad[0]!.slice(0, 255) || field, `Invalid input for field/attribute ${field}. Value: ${describeValue(o)}. Additional properties are not allowed (${listed} ${bad.length === 1 ? 'was' : 'were'} unexpected)`);
  }
  return out;
}

/** `_check_extra_specs_value` at 2.86+: every pair through nova's validators (400 with nova's text). */
function checkValues(specs: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(specs)) {
    const verdict = validateExtraSpec(name, value);
    if (verdict !== null) throw new NovaError(400, 'compute.flavor.invalid_extra_spec', 'ValidationError', verdict, { field: name, value });
  }
}

/** A key of the path: a string. */
function keyArg(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 65_535) throw badRequest('key', `Invalid input for field/attribute key. Value: ${describeValue(value)}. expected an extra spec key`);
  return value;
}

/** 404: "Flavor x has no extra specs with key y." */
function noSuchKey(row: FlavorRow, key: string): NovaError {
  return new NovaError(404, 'compute.flavor.extra_spec_not_found', 'FlavorExtraSpecsNotFound', `Flavor ${row.flavorid} has no extra specs with key ${key}.`, { id: row.flavorid, key });
}

/** Stores the merged extra specs of a flavor. */
function saveSpecs(tx: Tx, row: FlavorRow, specs: Readonly<Record<string, string>>): void {
  setRow(tx.draft.compute.flavors, row.flavorid, { ...row, extra_specs: specs, updated_at: tx.now() });
}

/** `GET /flavors/{flavor_id}/os-extra_specs`: every extra spec of a visible flavor. */
export function listFlavorExtraSpecs(ctx: Ctx, ref: unknown): Record<string, string> {
  enforce(ctx, NOVA_RULES.flavors.extraSpecsIndex, { project_id: ctx.projectId });
  return { ...getFlavor(ctx, ref, 'flavor_id').extra_specs };
}

/** `GET /flavors/{flavor_id}/os-extra_specs/{key}`: `{ key: value }` (404 when the flavor has no such key). */
export function showFlavorExtraSpec(ctx: Ctx, ref: unknown, key: unknown): Record<string, string> {
  const k = keyArg(key);
  enforce(ctx, NOVA_RULES.flavors.extraSpecsShow, { project_id: ctx.projectId });
  const row = getFlavor(ctx, ref, 'flavor_id');
  if (!Object.hasOwn(row.extra_specs, k)) throw noSuchKey(row, k);
  return { [k]: row.extra_specs[k]! };
}

/** `POST /flavors/{flavor_id}/os-extra_specs` `{ extra_specs }`: merges them in; answers what was set. */
export function createFlavorExtraSpecs(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): Record<string, string> {
  const body = objectArg(input, 'body');
  const specs = Object.hasOwn(body, 'extra_specs') ? specsArg(body.extra_specs, 'extra_specs') : {};
  requireKeys(body, ['extra_specs'], 'body');
  onlyKeys(body, ['extra_specs'], 'body');
  enforce(ctx, NOVA_RULES.flavors.extraSpecsCreate, {});
  checkValues(specs);
  const row = getFlavor(ctx, ref, 'flavor_id');
  saveSpecs(tx, row, { ...row.extra_specs, ...specs });
  tx.trace('nova-api', `flavor ${row.name} (${row.flavorid}) extra specs set: ${Object.keys(specs).join(', ') || 'none'}`);
  return specs;
}

/** `PUT /flavors/{flavor_id}/os-extra_specs/{key}` `{ key: value }`: exactly the path's key. */
export function updateFlavorExtraSpec(tx: Tx, ctx: Ctx, ref: unknown, key: unknown, input: unknown): Record<string, string> {
  const k = keyArg(key);
  const specs = specsArg(input, 'body');
  const n = Object.keys(specs).length;
  if (n < 1) throw badRequest(k, `${describeValue(input)} does not have enough properties`);
  if (n > 1) throw badRequest(k, `${describeValue(input)} has too many properties`);
  enforce(ctx, NOVA_RULES.flavors.extraSpecsUpdate, {});
  checkValues(specs);
  if (!Object.hasOwn(specs, k)) throw badRequest(k, 'Request body and URI mismatch', 'compute.flavor.extra_spec_mismatch');
  const row = getFlavor(ctx, ref, 'flavor_id');
  saveSpecs(tx, row, { ...row.extra_specs, ...specs });
  tx.trace('nova-api', `flavor ${row.name} (${row.flavorid}) extra spec ${k} set`);
  return specs;
}

/** `DELETE /flavors/{flavor_id}/os-extra_specs/{key}` (404 when the flavor has no such key). */
export function deleteFlavorExtraSpec(tx: Tx, ctx: Ctx, ref: unknown, key: unknown): void {
  const k = keyArg(key);
  enforce(ctx, NOVA_RULES.flavors.extraSpecsDelete, {});
  const row = getFlavor(ctx, ref, 'flavor_id');
  if (!Object.hasOwn(row.extra_specs, k)) throw noSuchKey(row, k);
  const rest: Record<string, string> = {};
  for (const [name, value] of Object.entries(row.extra_specs)) {
    if (name !== k) Object.defineProperty(rest, name, { value, enumerable: true, writable: true, configurable: true });
  }
  saveSpecs(tx, row, rest);
  tx.trace('nova-api', `flavor ${row.name} (${row.flavorid}) extra spec ${k} deleted`);
}
