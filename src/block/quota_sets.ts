/**
 * Cinder's quota API and limits (Zed): `GET /os-quota-sets/{project_id}[?usage=True]`,
 * `GET /os-quota-sets/{project_id}/defaults`, `PUT` and `DELETE /os-quota-sets/{project_id}`
 * (`cinder/api/contrib/quotas.py` `QuotaSetsController`, `cinder/api/schemas/quotas.py` and the
 * `quota_set` format checker of `cinder/api/validation/validators.py`, `cinder/quota.py`
 * `VolumeTypeQuotaEngine` / `GroupQuotaEngine` / `DbQuotaDriver`, `cinder/policies/quotas.py`), and
 * `GET /limits` (`cinder/api/v3/limits.py`, `cinder/api/views/limits.py`,
 * `cinder/api/contrib/used_limits.py`, `cinder/policies/limits.py`).
 *
 * The resources a quota set shows are `VolumeTypeQuotaEngine.resources` then `GROUP_QUOTAS`:
 * `volumes`, `per_volume_gigabytes`, `snapshots`, `gigabytes`, `backups`, `backup_gigabytes`,
 * then `volumes_<type>`, `gigabytes_<type>`, `snapshots_<type>` for every volume type (public or
 * not; newest type first, as `volume_type_get_all` sorts by `created_at`, `id` descending), then
 * `groups`; the view adds `id` (the project id). Limits and usage live in core's quota registry
 * under `volume.<resource>`; usage is counted exactly, so `reserved` is always 0.
 *
 * Not simulated: quota classes (`os-quota-class-sets`), nested (hierarchical) quotas — Zed's
 * `DbQuotaDriver` has no `allocated` either —, reservations with expiry, rate limits (`rate` is
 * always `[]`: Cinder's rate limiting middleware is gone since Queens).
 *
 * One difference from Zed, on purpose: a `PUT` refuses a limit below the project's use for every
 * resource (but `per_volume_gigabytes`, and -1). Zed's `_validate_existing_resource` reads the
 * project's quotas with `defaults=False`, so it only compares resources that already have an
 * explicit project limit: lowering a default limit below the use is let through there.
 */
import { describeValue, tableToArray, type CloudState, type QuotaRegistry, type Tx } from '../core/index.js';
import { allowed, enforce, ownTarget, type Ctx } from './context.js';
import { CinderError, invalidInput } from './errors.js';
import { boolText, isObject } from './input.js';
import { CINDER_RULES } from './policies.js';
import { QUOTA_SERVICE } from './quota.js';

/** `cinder.db` `MAX_INT`: the largest quota limit. */
export const MAX_QUOTA_LIMIT = 0x7fffffff;

/** `VolumeTypeQuotaEngine`'s fixed resources, in its order. */
const BASE_RESOURCES = ['volumes', 'per_volume_gigabytes', 'snapshots', 'gigabytes', 'backups', 'backup_gigabytes'] as const;
/** `GroupQuotaEngine`'s. */
const GROUP_RESOURCES = ['groups'] as const;
/** `quota.NON_QUOTA_KEYS`: accepted in a `PUT` body and ignored. */
const NON_QUOTA_KEYS = ['tenant_id', 'id'];

/** One resource of a quota set shown with `usage=True`. */
export interface VolumeQuotaSetUsage {
  readonly limit: number;
  readonly in_use: number;
  readonly reserved: number;
}

/** `quota_set` of `GET /os-quota-sets/{project_id}`: every resource's limit, and `id`. */
export type VolumeQuotaSetView = { readonly id: string } & { readonly [resource: string]: number | string };

/** `quota_set` of `GET /os-quota-sets/{project_id}?usage=True`: every resource's limit and use, and `id`. */
export type VolumeQuotaSetUsageView = { readonly id: string } & { readonly [resource: string]: VolumeQuotaSetUsage | string };

/** `limits` of `GET /limits`: `rate` (always empty) and `absolute` (the project's limits, and its use when `limits_extension:used_limits` allows). */
export interface VolumeLimitsView {
  readonly rate: readonly never[];
  readonly absolute: Readonly<Record<string, number>>;
}

/** The per-type resources of one volume type, in `VolumeTypeResource`'s order. */
export function typeQuotaResources(typeName: string): string[] {
  return [`volumes_${typeName}`, `gigabytes_${typeName}`, `snapshots_${typeName}`];
}

/**
 * Every resource a quota set shows, in Cinder's order: the fixed ones, the three of each volume
 * type (newest type first), then `groups`.
 */
export function quotaResourceNames(s: CloudState): string[] {
  const types = tableToArray(s.block.volume_types).sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return [...BASE_RESOURCES, ...types.flatMap((t) => typeQuotaResources(t.name)), ...GROUP_RESOURCES];
}

const key = (resource: string): string => `${QUOTA_SERVICE}.${resource}`;

/** A project id as a URL path carries it: a string of 1 to 255 characters. */
function projectArg(value: unknown, field = 'project_id'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) throw invalidInput(field, `${field} must be a string of 1 to 255 characters, got ${describeValue(value)}`, 'block.quota.invalid_project');
  return value;
}

/** `strutils.is_valid_boolstr` / `bool_from_string(strict=True)` (`utils.get_bool_param`): 400 `InvalidParameterValue` otherwise. */
export function boolParam(value: unknown, name: string): boolean {
  const text = typeof value === 'boolean' ? (value ? 'true' : 'false') : typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : null;
  const b = boolText(text);
  if (b !== undefined) return b;
  throw new CinderError(400, 'block.input.invalid_boolean', 'InvalidParameterValue', `Value '${typeof value === 'string' ? value : describeValue(value)}' for '${name}' is not a boolean.`, { field: name });
}

/** A request body or query object; anything else is a 400 naming `field` (the schema's `'type': 'object'`). */
export function objectArg(value: unknown, field: string): Record<string, unknown> {
  if (!isObject(value)) throw new CinderError(400, 'block.input.invalid_body', 'ValidationError', `Invalid input for field/attribute ${field}. Value: ${describeValue(value)}. ${field} is not of type 'object'`, { field });
  return value;
}

/** A query object (`{ usage }`, `{ project_id }`): an object whose keys are among `known`. */
function queryArg(value: unknown, known: readonly string[], what: string): Record<string, unknown> {
  if (value === undefined) return {};
  const q = objectArg(value, 'query');
  for (const k of Object.keys(q)) if (!known.includes(k)) throw invalidInput(k, `'${k}' is not a parameter of ${what} (known: ${known.join(', ')})`, 'block.list.unknown_filter');
  return q;
}

function limitsOf(s: CloudState, quotas: QuotaRegistry, projectId: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of quotaResourceNames(s)) out[r] = quotas.limit(s.quota, projectId, key(r));
  return out;
}

// ------------------------------------------------------------------------------ show

/** What `GET /os-quota-sets/{project_id}` takes in its query string. */
export interface VolumeQuotaSetQuery {
  /** `usage=True`: each resource as `{ limit, in_use, reserved }`. */
  readonly usage?: boolean | string;
}

/**
 * `GET /os-quota-sets/{project_id}[?usage=True]` (`volume_extension:quotas:show` on
 * `{project_id}`: the project's readers, or an admin). Any project id is answered, as Cinder
 * does (it does not ask Keystone): an unknown project has the defaults.
 */
export function showQuotaSet(ctx: Ctx, quotas: QuotaRegistry, project: unknown, query: unknown = {}): VolumeQuotaSetView | VolumeQuotaSetUsageView {
  const projectId = projectArg(project);
  enforce(ctx, CINDER_RULES.quota.show, { project_id: projectId });
  const q = queryArg(query, ['usage'], 'GET /os-quota-sets/{project_id}');
  const usage = q.usage === undefined ? false : boolParam(q.usage, 'usage');
  if (!usage) return { ...limitsOf(ctx.s, quotas, projectId), id: projectId };
  const out: Record<string, VolumeQuotaSetUsage | string> = {};
  for (const r of quotaResourceNames(ctx.s)) out[r] = { limit: quotas.limit(ctx.s.quota, projectId, key(r)), in_use: quotas.inUse(ctx.s.quota, projectId, key(r)), reserved: 0 };
  out.id = projectId;
  return out as VolumeQuotaSetUsageView;
}

/** `GET /os-quota-sets/{project_id}/defaults` (`volume_extension:quotas:show`): the default limits (`get_defaults`), and `id`. */
export function showQuotaSetDefaults(ctx: Ctx, quotas: QuotaRegistry, project: unknown): VolumeQuotaSetView {
  const projectId = projectArg(project);
  enforce(ctx, CINDER_RULES.quota.show, { project_id: projectId });
  const out: Record<string, number | string> = {};
  for (const r of quotaResourceNames(ctx.s)) out[r] = quotas.defaultLimit(ctx.s.quota, key(r));
  out.id = projectId;
  return out as VolumeQuotaSetView;
}

// ------------------------------------------------------------------------------ update

/**
 * `api_utils.validate_integer(value, key, min_value=-1, max_value=db.MAX_INT)`: Python's
 * `int(str(value))` — an integer, or a string of one (spaces, a sign and `_` between digits
 * allowed); `True`, `5.5`, `null` are not. Cinder's `HTTPBadRequest` text.
 */
function quotaValue(value: unknown, name: string): number {
  let n: number | null = null;
  if (typeof value === 'number' && Number.isInteger(value)) n = value;
  else if (typeof value === 'string' && /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(value)) n = Number(value.replace(/[\s_]/g, ''));
  const bad = (reason: string): CinderError => new CinderError(400, 'block.quota.invalid_value', 'HTTPBadRequest', `${name} ${reason}`, { field: name, value: describeValue(value) });
  if (n === null || Number.isNaN(n)) throw bad('must be an integer');
  if (n < -1) throw bad('must be >= -1');
  if (n > MAX_QUOTA_LIMIT) throw bad(`must be <= ${MAX_QUOTA_LIMIT}`);
  return n === 0 ? 0 : n; // no -0
}

/**
 * `PUT /os-quota-sets/{project_id}` with the `quota_set` object (`volume_extension:quotas:update`,
 * admin): every key a resource of the quota set (`volumes_<type>` for an existing type) or `id` /
 * `tenant_id` (ignored), every value an integer from -1 to 2147483647; the first bad value is
 * Cinder's 400 ("volumes must be an integer"), unknown keys one 400 naming them all ("Bad key(s)
 * in quota set: …"); a limit below the project's use is 400 "Quota volumes limit must be equal or
 * greater than existing resources. …" (never for -1 or `per_volume_gigabytes`). Nothing is set
 * unless every key passes. Answers the project's quota set.
 */
export function updateQuotaSet(tx: Tx, ctx: Ctx, project: unknown, input: unknown): VolumeQuotaSetView {
  const projectId = projectArg(project);
  enforce(ctx, CINDER_RULES.quota.update, { project_id: projectId });
  const body = objectArg(input, 'quota_set');
  const keys = Object.keys(body);
  if (keys.length === 0) throw new CinderError(400, 'block.quota.empty', 'ValidationError', 'Invalid input for field/attribute quota_set. Value: {}. {} does not have enough properties', { field: 'quota_set' });
  const s = tx.draft as CloudState;
  const known = new Set(quotaResourceNames(s));
  const bad: string[] = [];
  const values: [string, number][] = [];
  for (const k of keys) {
    if (!known.has(k) && !NON_QUOTA_KEYS.includes(k)) {
      bad.push(k);
      continue;
    }
    if (NON_QUOTA_KEYS.includes(k)) continue;
    values.push([k, quotaValue(body[k], k)]);
  }
  if (bad.length > 0) throw new CinderError(400, 'block.quota.bad_keys', 'InvalidInput', `Invalid input received: Bad key(s) in quota set: ${bad.join(', ')}`, { field: bad[0] as string, keys: bad });
  for (const [k, value] of values) {
    if (k === 'per_volume_gigabytes' || value === -1) continue;
    const used = tx.quotas.inUse(s.quota, projectId, key(k));
    if (value < used) {
      throw new CinderError(400, 'block.quota.below_usage', 'HTTPBadRequest', `Quota ${k} limit must be equal or greater than existing resources. Current usage is ${used} and the requested limit is ${value}.`, { field: k, usage: used, limit: value });
    }
  }
  for (const [k, value] of values) tx.quotas.setLimit(tx.draft.quota, projectId, key(k), value);
  tx.trace('cinder-api', `quota set of ${projectId}: ${values.map(([k, v]) => `${k}=${v}`).join(', ') || 'nothing'}`);
  return { ...limitsOf(tx.draft as CloudState, tx.quotas, projectId), id: projectId };
}

/** `DELETE /os-quota-sets/{project_id}` (`volume_extension:quotas:delete`, admin): the project's limits go back to the defaults (`quota_destroy_by_project`; usage stays). */
export function deleteQuotaSet(tx: Tx, ctx: Ctx, project: unknown): void {
  const projectId = projectArg(project);
  enforce(ctx, CINDER_RULES.quota.delete, { project_id: projectId });
  tx.quotas.clearLimits(tx.draft.quota, projectId, QUOTA_SERVICE);
  tx.trace('cinder-api', `quota set of ${projectId} back to the defaults`);
}

// ------------------------------------------------------------------------------ limits

/** `views/limits.py` `limit_names`, in `VolumeTypeQuotaEngine`'s resource order. */
const ABSOLUTE_NAMES: readonly (readonly [string, string])[] = [
  ['volumes', 'maxTotalVolumes'],
  ['snapshots', 'maxTotalSnapshots'],
  ['gigabytes', 'maxTotalVolumeGigabytes'],
  ['backups', 'maxTotalBackups'],
  ['backup_gigabytes', 'maxTotalBackupGigabytes'],
];

/** `used_limits.py` `quota_map`. */
const USED_NAMES: readonly (readonly [string, string])[] = [
  ['totalVolumesUsed', 'volumes'],
  ['totalGigabytesUsed', 'gigabytes'],
  ['totalSnapshotsUsed', 'snapshots'],
  ['totalBackupsUsed', 'backups'],
  ['totalBackupGigabytesUsed', 'backup_gigabytes'],
];

/** What `GET /limits` takes in its query string (admins, 3.39: another project's). */
export interface VolumeLimitsQuery {
  readonly project_id?: string;
  /** The older spelling of `project_id`. */
  readonly tenant_id?: string;
}

/**
 * `GET /limits`: the caller's project's absolute limits (`maxTotalVolumes`, …), and its use
 * (`totalVolumesUsed`, …) when `limits_extension:used_limits` allows (`fatal=False`: otherwise
 * the use is left out, no error). An admin may name another project with `project_id` (or
 * `tenant_id`); anyone else's is ignored, as Cinder pops it. No project (a system-scoped token):
 * the defaults, nothing used.
 */
export function showLimits(ctx: Ctx, quotas: QuotaRegistry, query: unknown = {}): VolumeLimitsView {
  const q = queryArg(query, ['project_id', 'tenant_id'], 'GET /limits');
  let projectId = ctx.projectId;
  if (ctx.isAdmin) {
    const given = q.project_id ?? q.tenant_id;
    if (given !== undefined) projectId = projectArg(given, q.project_id !== undefined ? 'project_id' : 'tenant_id');
  } else {
    // still typed: a hostile value is a 400, not ignored silently
    if (q.project_id !== undefined) projectArg(q.project_id, 'project_id');
    if (q.tenant_id !== undefined) projectArg(q.tenant_id, 'tenant_id');
  }
  const absolute: Record<string, number> = {};
  const limit = (r: string): number => (projectId === null ? quotas.defaultLimit(ctx.s.quota, key(r)) : quotas.limit(ctx.s.quota, projectId, key(r)));
  for (const [r, name] of ABSOLUTE_NAMES) absolute[name] = limit(r);
  if (allowed(ctx, CINDER_RULES.quota.usedLimits, ownTarget(ctx))) {
    for (const [name, r] of USED_NAMES) absolute[name] = projectId === null ? 0 : quotas.inUse(ctx.s.quota, projectId, key(r));
  }
  return { rate: [], absolute };
}
