/**
 * Subnet pools (`/v2.0/subnetpools`) and subnet allocation from them, as Zed does it:
 * - the pool's attributes as the API layer takes them (`neutron_lib/api/definitions/subnetpool.py`
 *   and the `address-scope` extension's `address_scope_id`: converters and validators in the
 *   definition's order), then `neutron/ipam/subnet_alloc.py` `SubnetPoolReader` (one IP version
 *   for every prefix, prefixes compacted as `netaddr.IPSet(...).iter_cidrs()`, the prefix-length
 *   bounds with `SubnetPoolHelper`'s defaults — min 8 / 64, max 32 / 128, default = min — and its
 *   `IllegalSubnetPoolPrefixBounds` checks);
 * - `neutron/db/db_base_plugin_v2.py` `create_subnetpool`, `update_subnetpool` (with
 *   `_update_subnetpool_dict`: prefixes may only grow), `delete_subnetpool` (refused while a
 *   subnet was allocated from the pool), `_check_default_subnetpool_exists` (one default per IP
 *   family among the pools the caller sees), `_make_subnetpool_dict` (the prefix lengths shown
 *   as strings);
 * - `shared` through RBAC, as Zed's `neutron/objects/subnetpool.py` (a `NeutronRbacObject`):
 *   creating a shared pool adds an `access_as_shared` entry to `*` owned by the pool's project,
 *   and `shared` is shown per caller (an entry to `*` or to the caller's project), as
 *   `rbac_db._to_dict_hook` computes it; a project sees its own pools, the pools RBAC shares with
 *   it, and an admin every pool;
 * - the subnet side, for `subnets.ts`: which pool a subnet request uses
 *   (`_create_subnet_precommit`, `_get_subnetpool_id`, `validate_pools_with_subnetpool`,
 *   `_validate_ip_version_with_subnetpool`) and the cidr it gets (`SubnetRequestFactory`,
 *   `SubnetAllocator.allocate_subnet`, `_allocate_any_subnet`, `_allocate_specific_subnet`,
 *   `_get_available_prefix_list`, `_check_subnetpool_tenant_quota`).
 *
 * Policies: `create_subnetpool` (with `create_subnetpool:shared` and
 * `create_subnetpool:is_default` when set), `get_subnetpool` (which passes shared pools through
 * `shared_subnetpools`), `update_subnetpool` (`update_subnetpool:is_default`),
 * `delete_subnetpool`. Notifications `subnetpool.create.end` / `.update.end`
 * (`{ subnetpool }`) and `subnetpool.delete.end` (`{ subnetpool_id, subnetpool }`).
 *
 * Differences from Zed, each a refusal or a status where Zed fails worse:
 * - `SubnetAllocationError` (no room left in the pool, or a requested cidr outside its free
 *   space) is a plain `NeutronException` that Zed's API answers with a 500; here it is a 409
 *   with `details.neutron` `SubnetAllocationError` and Neutron's message;
 * - a pool created with `min_prefixlen` 0 and no `default_prefixlen` makes Zed's reader fail
 *   with an `AttributeError` (its default is the minimum only when the minimum is truthy); here
 *   a 400 with `details.neutron` `AttributeError`;
 * - values Python would take but no database could hold (integers beyond 2^53, prefix lists
 *   longer than {@link MAX_PREFIXES}, texts over 4096 characters) are 400s naming the field.
 *
 * Not simulated: address scopes (`address_scope_id` must be null: 400 otherwise), IPv6 prefix
 * delegation (`subnetpool_id` `prefix_delegation`: 400), the `add_prefixes` /
 * `remove_prefixes` / `onboard_network_subnets` actions.
 */
import { NEUTRON_PUBLISHER } from './events.js';
import { InvalidInput, describeValue, deleteRow, getRow, setRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { enforce, enforceOn, enforceShow, projectScoped, rbacAllows, rbacEntries, resolveRow, showable, type Ctx } from './context.js';
import { bodyOf, listViews } from './controller.js';
import { NeutronError, attributeInvalid, invalidInput, notFound, requiredAttribute } from './errors.js';
import { PY_WS, formatAddress, netaddrNetwork, networkOf, parseAddress, parseCidr, pyInt, pyStr, type IpNetworkValue, type IpVersion } from './ipam/addresses.js';
import { IpamInputUnsupported, IpamValueInvalid } from './ipam/errors.js';
import { checkGatewayInvalidInSubnet } from './ipam/subnets.js';
import { explicitlySet, ownerOf } from './networks.js';
import { addRbacEntry, removeRbacEntry } from './rbac.js';
import { booleanArg, descriptionArg, revised, standardAttrs, standardView, isUuidLike, type Changes } from './standard.js';
import type { SubnetPoolRow } from './types.js';

/**
 * A subnet pool as `GET /v2.0/subnetpools/{id}` shows it (`_make_subnetpool_dict` with the
 * standard attributes).
 *
 * The three prefix lengths are strings, as `_make_subnetpool_dict` makes them (`"26"`), in the
 * answers of create, show and list. `PUT` answers them as numbers: Zed's `update_subnetpool`
 * returns its merged dict, where it meant to stringify them but wrote `updated['key'] = ...`.
 */
export interface SubnetPoolView {
  readonly id: string;
  readonly name: string;
  readonly tenant_id: string;
  readonly project_id: string;
  /** The pool's prefixes, compacted (`netaddr.IPSet(...).iter_cidrs()`). */
  readonly prefixes: readonly string[];
  readonly default_prefixlen: string | number;
  readonly min_prefixlen: string | number;
  readonly max_prefixlen: string | number;
  /** Whether RBAC shares the pool with the caller's project (an `access_as_shared` entry to `*` or to it). */
  readonly shared: boolean;
  readonly is_default: boolean;
  /** Per-project quota in /32 (v4) or /64 (v6) units; null (or 0) for none. */
  readonly default_quota: number | null;
  /** Always null: address scopes are not simulated. */
  readonly address_scope_id: string | null;
  readonly ip_version: IpVersion;
  readonly description: string;
  readonly tags: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly revision_number: number;
}

/** Every attribute of a pool's view (filters and sort keys). */
const ATTRIBUTES = [
  'id', 'name', 'tenant_id', 'project_id', 'prefixes', 'default_prefixlen', 'min_prefixlen', 'max_prefixlen', 'shared', 'is_default',
  'default_quota', 'address_scope_id', 'ip_version', 'description', 'tags', 'created_at', 'updated_at', 'revision_number',
] as const;
/** `prefixes` has no `is_filter` in the definition: filtering on it is a 400 (`filter_validation`). */
const NOT_FILTERABLE = ['prefixes'];
/** What a POST may name (`id` and `ip_version` only to be refused as Neutron refuses them). */
const CREATE_ATTRIBUTES = ['id', 'name', 'tenant_id', 'project_id', 'prefixes', 'default_quota', 'ip_version', 'default_prefixlen', 'min_prefixlen', 'max_prefixlen', 'is_default', 'shared', 'address_scope_id', 'description'];
const UPDATE_ATTRIBUTES = ['name', 'prefixes', 'default_quota', 'default_prefixlen', 'min_prefixlen', 'max_prefixlen', 'is_default', 'address_scope_id', 'description'];
/** `allow_put: False` in the definition. */
const READ_ONLY = ['id', 'tenant_id', 'project_id', 'ip_version', 'shared'];
const DEFAULTS: Readonly<Record<string, unknown>> = { is_default: false, shared: false };
const PREFIXLEN_FIELDS = ['default_prefixlen', 'min_prefixlen', 'max_prefixlen'] as const;

/** The longest `prefixes` list taken (Neutron has no limit; every prefix is a database row). */
export const MAX_PREFIXES = 1000;
const MAX_TEXT = 4096;

/** `SubnetPoolHelper._PREFIX_VERSION_INFO`. */
const VERSION_INFO: Readonly<Record<IpVersion, { readonly max: number; readonly wildcard: string; readonly defaultMin: number; readonly quotaUnits: number }>> = {
  4: { max: 32, wildcard: '0.0.0.0', defaultMin: 8, quotaUnits: 32 },
  6: { max: 128, wildcard: '::', defaultMin: 64, quotaUnits: 64 },
};

// ------------------------------------------------------------------------------- errors

function badRequest(code: string, neutron: string, message: string, field?: string): NeutronError {
  return new NeutronError(400, code, neutron, message, field === undefined ? {} : { field });
}

/** neutron-lib's `BadRequest(resource='subnets', msg=…)`: "Bad subnets request: <msg>." */
function subnetsBadRequest(code: string, msg: string, field: string): NeutronError {
  return badRequest(code, 'BadRequest', `Bad subnets request: ${msg}.`, field);
}

function illegalBounds(type: string, prefixlen: number, baseType: string, basePrefixlen: number): NeutronError {
  return badRequest('network.subnetpool.illegal_prefix_bounds', 'IllegalSubnetPoolPrefixBounds', `Illegal prefix bounds: ${type}=${prefixlen}, ${baseType}=${basePrefixlen}.`, type === 'ip_version_max' ? 'max_prefixlen' : type);
}

/** `SubnetAllocationError`: a 500 in Zed (a plain NeutronException), a 409 here. */
function allocationError(reason: string, field: string): NeutronError {
  return new NeutronError(409, 'network.subnetpool.allocation_failed', 'SubnetAllocationError', `Failed to allocate subnet: ${reason}.`, { field });
}

/** netaddr's `AddrFormatError` (400 through neutron-lib's FAULT_MAP). */
function addrFormatError(text: string, field: string): NeutronError {
  return badRequest('network.subnet.invalid_prefixlen', 'AddrFormatError', `invalid IPNetwork ${text}`, field);
}

// --------------------------------------------------------------------------- converters

const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const own = (body: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(body, key) ? body[key] : undefined);

/** Python's `int(value)` (bool, int, float truncated, decimal text); undefined where it raises. */
function pyIntOf(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === 'string' && value.length <= MAX_TEXT) {
    const n = pyInt(value);
    return n === undefined ? undefined : Number(n);
  }
  return undefined;
}

/**
 * neutron-lib's `convert_to_int` then `validate_non_negative` (the API layer for
 * `default_prefixlen`, `min_prefixlen`, `max_prefixlen`, `default_quota` and a subnet's
 * `prefixlen`): "Invalid input for operation: 'x' is not an integer." /
 * "Invalid input for <field>. Reason: '-1' should be non-negative."
 */
function nonNegativeArg(value: unknown, field: string, code: string): number {
  const n = pyIntOf(value);
  if (n === undefined) throw invalidInput(code, `'${pyStr(value).slice(0, 256)}' is not an integer`, field);
  if (!Number.isSafeInteger(n)) throw new InvalidInput(field, `'${pyStr(value).slice(0, 64)}' is too large.`, code);
  if (n < 0) throw attributeInvalid(field, `'${n}' should be non-negative`, code);
  return n;
}


/** neutron-lib's `validate_uuid_or_none`. */
function uuidOrNoneArg(value: unknown, field: string, code: string): string | null {
  if (value === null) return null;
  if (!isUuidLike(value)) throw attributeInvalid(field, `'${pyStr(value).slice(0, 256)}' is not a valid UUID`, code);
  return value;
}

/** A pool's `name`: `validate_not_empty_string` (no length limit in Neutron; 255 here, the column's size). */
function poolNameArg(value: unknown): string {
  if (typeof value !== 'string') throw attributeInvalid('name', `'${pyStr(value).slice(0, 256)}' is not a valid string`, 'network.subnetpool.invalid_name');
  if (value.length > 255) throw new InvalidInput('name', `'${value.slice(0, 32)}…' exceeds maximum length of 255.`, 'network.subnetpool.invalid_name');
  if ([...value].every((ch) => PY_WS.test(ch))) throw attributeInvalid('name', `'${value}' Blank strings are not permitted`, 'network.subnetpool.invalid_name');
  return value;
}

/** neutron-lib's `validate_subnet`: the reason an item is refused, or undefined. */
function subnetReason(data: unknown): string | undefined {
  if (typeof data !== 'string' || PY_WS.test(data)) return `'${pyStr(data).slice(0, 256)}' is not a valid IP subnet`;
  const n = netaddrNetwork(data);
  if (!n.ok) return `'${data}' is not a valid IP subnet`;
  const shown = `${formatAddress(n.value, n.version)}/${n.prefixlen}`;
  if (!data.includes('/') || (n.version === 4 && shown !== data)) return `'${data}' isn't a recognized IP subnet cidr, '${networkOf(n.version, n.value, n.prefixlen).cidr}' is recommended`;
  return undefined;
}

/** Python's `==` between two list items as `_collect_duplicates` compares them (primitives; `1 == True`). */
function pyEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined);
  const x = num(a);
  const y = num(b);
  return x !== undefined && y !== undefined && x === y;
}

/** `prefixes`: `validate_subnet_list` (a list, no duplicates, each a subnet cidr). */
function prefixesArg(value: unknown): string[] {
  const code = 'network.subnetpool.invalid_prefixes';
  if (!Array.isArray(value)) throw attributeInvalid('prefixes', `'${pyStr(value).slice(0, 256)}' is not a list`, code);
  if (value.length > MAX_PREFIXES) throw new InvalidInput('prefixes', `at most ${MAX_PREFIXES} prefixes, got ${value.length}.`, code);
  value.forEach((v: unknown, i) => {
    if (typeof v === 'string' && v.length > MAX_TEXT) throw new InvalidInput(`prefixes[${i}]`, `must be at most ${MAX_TEXT} characters, got ${v.length}.`, code);
  });
  const seen: unknown[] = [];
  const dups: unknown[] = [];
  for (const v of value as unknown[]) {
    if (seen.some((s) => pyEq(s, v))) dups.push(v);
    else seen.push(v);
  }
  if (dups.length > 0) throw attributeInvalid('prefixes', `Duplicate items in the list: '${dups.map((d) => pyStr(d).slice(0, 256)).join(', ')}'`, code);
  for (const v of value as unknown[]) {
    const reason = subnetReason(v);
    if (reason !== undefined) throw attributeInvalid('prefixes', reason, code);
  }
  return value as string[];
}

// ------------------------------------------------------------------------ IP set arithmetic

/** An inclusive span of addresses of one version. */
interface Span {
  readonly first: bigint;
  readonly last: bigint;
}

const widthOf = (v: IpVersion): number => (v === 4 ? 32 : 128);

/** Sorted, disjoint, non-adjacent spans covering the same addresses (what `IPSet` holds). */
function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: { first: bigint; last: bigint }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.first <= last.last + 1n) {
      if (s.last > last.last) last.last = s.last;
    } else out.push({ first: s.first, last: s.last });
  }
  return out;
}

/** `a − b` of two merged span lists. */
function subtractSpans(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const span of a) {
    let first = span.first;
    while (j < b.length && b[j]!.last < first) j++;
    let k = j;
    while (first <= span.last) {
      const cut = b[k];
      if (cut === undefined || cut.first > span.last) {
        out.push({ first, last: span.last });
        break;
      }
      if (cut.first > first) out.push({ first, last: cut.first - 1n });
      first = cut.last + 1n;
      k++;
    }
  }
  return out;
}

/** The fewest CIDRs covering a span, in address order (`iprange_to_cidrs`, what `compact()` leaves). */
function spanToNets(version: IpVersion, span: Span): IpNetworkValue[] {
  const width = widthOf(version);
  const out: IpNetworkValue[] = [];
  let cur = span.first;
  while (cur <= span.last) {
    let host = 0;
    while (host < width && ((cur >> BigInt(host)) & 1n) === 0n) host++;
    while (cur + (1n << BigInt(host)) - 1n > span.last) host--;
    out.push(networkOf(version, cur, width - host));
    cur += 1n << BigInt(host);
  }
  return out;
}

const spanOf = (n: IpNetworkValue): Span => ({ first: n.first, last: n.last });

/** A cidr the state holds (always valid there). */
function netOf(cidr: string): IpNetworkValue {
  const n = netaddrNetwork(cidr);
  if (!n.ok) throw new InvalidInput('cidr', `stored cidr '${cidr}' is not a CIDR.`, 'network.subnetpool.corrupt');
  return networkOf(n.version, n.value, n.prefixlen);
}

/** `IPSet(prefixes)` compacted, per version (v4 first), as `iter_cidrs()` lists it. */
function compactNets(nets: readonly IpNetworkValue[]): IpNetworkValue[] {
  const out: IpNetworkValue[] = [];
  for (const version of [4, 6] as const) {
    for (const span of mergeSpans(nets.filter((n) => n.version === version).map(spanOf))) out.push(...spanToNets(version, span));
  }
  return out;
}

/** Whether every address of `inner` is in `outer` (`IPSet.issubset`). */
function isSubset(inner: readonly IpNetworkValue[], outer: readonly IpNetworkValue[]): boolean {
  for (const version of [4, 6] as const) {
    const a = mergeSpans(inner.filter((n) => n.version === version).map(spanOf));
    const b = mergeSpans(outer.filter((n) => n.version === version).map(spanOf));
    if (subtractSpans(a, b).length > 0) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------- the reader

/** What `SubnetPoolReader` reads of a pool. */
interface ReadPool {
  readonly ip_version: IpVersion;
  readonly prefixes: readonly string[];
  readonly min_prefixlen: number;
  readonly max_prefixlen: number;
  readonly default_prefixlen: number;
}

/**
 * `SubnetPoolReader`: `_read_prefix_info` (`EmptySubnetPoolPrefixList`, `PrefixVersionMismatch`,
 * the prefixes compacted), then `_read_prefix_bounds` with `SubnetPoolHelper`'s defaults and
 * checks, in Neutron's order.
 */
function readSubnetPool(prefixes: readonly string[], bounds: { min?: number; max?: number; default?: number }): ReadPool {
  if (prefixes.length === 0) throw badRequest('network.subnetpool.empty_prefixes', 'EmptySubnetPoolPrefixList', 'Empty subnet pool prefix list.', 'prefixes');
  const nets = prefixes.map(netOf);
  const version = nets[0]!.version;
  if (nets.some((n) => n.version !== version)) throw badRequest('network.subnetpool.prefix_version_mismatch', 'PrefixVersionMismatch', 'Cannot mix IPv4 and IPv6 prefixes in a subnet pool.', 'prefixes');
  const compacted = compactNets(nets).map((n) => n.cidr);
  const info = VERSION_INFO[version];
  const min = bounds.min ?? info.defaultMin;
  const max = bounds.max ?? info.max;
  // `if prefixlen is ATTR_NOT_SPECIFIED and default_bound`: a minimum of 0 gives no default
  const def = bounds.default ?? (min !== 0 ? min : undefined);
  if (min > max) throw illegalBounds('min_prefixlen', min, 'max_prefixlen', max);
  if (max > info.max) throw illegalBounds('max_prefixlen', max, 'ip_version_max', info.max);
  if (def === undefined) throw new IpamInputUnsupported('network.subnetpool.no_default_prefixlen', "'SubnetPoolReader' object has no attribute 'default_prefixlen' (give default_prefixlen when min_prefixlen is 0)", 'AttributeError', 'default_prefixlen');
  if (def < min) throw illegalBounds('default_prefixlen', def, 'min_prefixlen', min);
  if (def > max) throw illegalBounds('default_prefixlen', def, 'max_prefixlen', max);
  return { ip_version: version, prefixes: compacted, min_prefixlen: min, max_prefixlen: max, default_prefixlen: def };
}

// ----------------------------------------------------------------- visibility and views

/**
 * Whether the caller sees a pool (the model query of a `NeutronRbacObject`): an admin (or
 * advsvc) every pool, a project its own and those an `access_as_shared` RBAC entry gives it
 * or every project (`*`).
 */
export function subnetPoolVisible(ctx: Ctx, row: SubnetPoolRow): boolean {
  if (!projectScoped(ctx) || row.project_id === ctx.projectId) return true;
  return rbacAllows(ctx.s, 'subnetpool', row.id, 'access_as_shared', ctx.projectId);
}

/** `shared` as the caller sees it (`is_shared_with_project(context, id, context.project_id)`). */
function sharedFor(ctx: Ctx, row: SubnetPoolRow): boolean {
  return rbacEntries(ctx.s, 'subnetpool', row.id).some((r) => r.action === 'access_as_shared' && (r.target_tenant === '*' || (ctx.projectId !== null && r.target_tenant === ctx.projectId)));
}

/** The view with numeric prefix lengths (what update answers; list sorts and filters on it). */
function numericView(ctx: Ctx, row: SubnetPoolRow): SubnetPoolView {
  const std = standardView(ctx.s, row) as Pick<SubnetPoolView, 'tenant_id' | 'project_id' | 'description' | 'tags' | 'created_at' | 'updated_at' | 'revision_number'>;
  return {
    id: row.id,
    name: row.name,
    tenant_id: std.tenant_id,
    project_id: std.project_id,
    prefixes: [...row.prefixes],
    default_prefixlen: row.default_prefixlen,
    min_prefixlen: row.min_prefixlen,
    max_prefixlen: row.max_prefixlen,
    shared: sharedFor(ctx, row),
    is_default: row.is_default,
    default_quota: row.default_quota,
    address_scope_id: row.address_scope_id,
    ip_version: row.ip_version,
    description: std.description,
    tags: std.tags,
    created_at: std.created_at,
    updated_at: std.updated_at,
    revision_number: std.revision_number,
  };
}

/** The prefix lengths as `_make_subnetpool_dict` shows them (`str(...)`), on whichever of them a view holds. */
function stringified<V extends Record<string, unknown>>(view: V): V {
  const out: Record<string, unknown> = { ...view };
  for (const k of PREFIXLEN_FIELDS) if (typeof out[k] === 'number') out[k] = String(out[k]);
  return out as V;
}

/**
 * The full view of a pool for a caller (`_make_subnetpool_dict` and the standard attributes):
 * the prefix lengths as strings, `shared` as RBAC gives the pool to the caller's project.
 * (`SubnetPoolRow.shared` records what was asked at creation; the view reads RBAC.)
 */
export function subnetPoolView(ctx: Ctx, row: SubnetPoolRow): SubnetPoolView {
  return stringified(numericView(ctx, row) as unknown as Record<string, unknown>) as unknown as SubnetPoolView;
}

/** The policy target of a pool: its view (`shared` is what `field:subnetpools:shared=True` reads). */
function poolTarget(ctx: Ctx, row: SubnetPoolRow): Record<string, unknown> {
  return { ...subnetPoolView(ctx, row) };
}

/** The pool a reference names among those the caller sees (404 `SubnetPoolNotFound`). */
function getPool(ctx: Ctx, ref: unknown): SubnetPoolRow {
  return resolveRow(ctx, 'subnetpool', ctx.s.network.subnetpools, (p) => subnetPoolVisible(ctx, p), ref, 'subnetpool');
}

/** The subnets allocated from a pool (`Subnet.subnetpool_id`). */
function poolSubnets(s: CloudState, poolId: string): { cidr: string; project_id: string }[] {
  const out: { cidr: string; project_id: string }[] = [];
  for (const subnet of tableValues(s.network.subnets)) if (subnet.subnetpool_id === poolId) out.push(subnet);
  return out;
}

/** `get_default_subnetpool(context, ip_version)`: the first pool the caller sees with `is_default` of the version. */
function defaultPool(ctx: Ctx, version: IpVersion): SubnetPoolRow | undefined {
  for (const p of tableValues(ctx.s.network.subnetpools)) if (p.is_default && p.ip_version === version && subnetPoolVisible(ctx, p)) return p;
  return undefined;
}

/** `_check_default_subnetpool_exists`. */
function checkNoDefault(ctx: Ctx, version: IpVersion): void {
  if (defaultPool(ctx, version) !== undefined) {
    throw invalidInput('network.subnetpool.default_exists', 'A default subnetpool for this IP family has already been set. Only one default may exist per IP family', 'is_default');
  }
}

/** `_validate_address_scope_id`: address scopes are not simulated. */
function refuseAddressScope(id: string | null | undefined): void {
  if (id !== undefined && id !== null) throw badRequest('network.subnetpool.address_scopes_not_simulated', 'InvalidInput', `Invalid input for operation: address_scope_id: address scopes are not simulated (got ${id}); it must be null.`, 'address_scope_id');
}

// -------------------------------------------------------------------------------- body

interface PoolArgs {
  name?: string;
  prefixes?: string[];
  default_quota?: number;
  default_prefixlen?: number;
  min_prefixlen?: number;
  max_prefixlen?: number;
  is_default?: boolean;
  shared?: boolean;
  address_scope_id?: string | null;
  description?: string;
}

/** `convert_values` on a pool body, in the definition's order. */
function convertPool(body: Record<string, unknown>): PoolArgs {
  const code = 'network.subnetpool.invalid';
  const out: PoolArgs = {};
  if (body.name !== undefined) out.name = poolNameArg(body.name);
  if (body.prefixes !== undefined) out.prefixes = prefixesArg(body.prefixes);
  if (body.default_quota !== undefined) out.default_quota = nonNegativeArg(body.default_quota, 'default_quota', code);
  for (const k of PREFIXLEN_FIELDS) if (body[k] !== undefined) out[k] = nonNegativeArg(body[k], k, code);
  if (body.is_default !== undefined) out.is_default = booleanArg(body.is_default, 'is_default');
  if (body.shared !== undefined) out.shared = booleanArg(body.shared, 'shared');
  if (body.address_scope_id !== undefined) out.address_scope_id = uuidOrNoneArg(body.address_scope_id, 'address_scope_id', code);
  if (body.description !== undefined) out.description = descriptionArg(body.description);
  return out;
}

// ------------------------------------------------------------------------------- CRUD

/**
 * `POST /v2.0/subnetpools`: `name` and `prefixes` are required; `ip_version` comes from the
 * prefixes. A `shared` pool (admin only by policy) gets an RBAC `access_as_shared` entry to `*`;
 * `is_default` (admin only) is refused when the caller already sees a default pool of the
 * version.
 */
export function createSubnetPool(tx: Tx, ctx: Ctx, input: unknown): SubnetPoolView {
  const body = bodyOf(input, 'subnetpool', CREATE_ATTRIBUTES);
  const owner = ownerOf(ctx, body);
  // fill_post_defaults, in the definition's order
  const required = (k: string): void => {
    if (body[k] === undefined) throw requiredAttribute(k);
  };
  const notAllowed = (k: string): void => {
    if (body[k] !== undefined) throw new NeutronError(400, 'network.input.not_allowed', 'HTTPBadRequest', `Attribute '${k}' not allowed in POST`, { field: k });
  };
  notAllowed('id');
  required('name');
  required('prefixes');
  notAllowed('ip_version');
  const args = convertPool(body);
  const isDefault = args.is_default ?? false;
  const shared = args.shared ?? false;
  const converted = { ...body, ...args, is_default: isDefault, shared };
  enforce(ctx, 'create_subnetpool', { ...converted, project_id: owner, tenant_id: owner }, explicitlySet(converted, DEFAULTS, false));

  const s = tx.draft as CloudState;
  const c: Ctx = { ...ctx, s };
  const read = readSubnetPool(args.prefixes!, { min: args.min_prefixlen, max: args.max_prefixlen, default: args.default_prefixlen });
  if (isDefault) checkNoDefault(c, read.ip_version);
  refuseAddressScope(args.address_scope_id);

  const id = tx.ids.uuid();
  const row: SubnetPoolRow = {
    ...standardAttrs(tx, id, owner, args.description),
    name: args.name!,
    ip_version: read.ip_version,
    prefixes: read.prefixes,
    default_prefixlen: read.default_prefixlen,
    min_prefixlen: read.min_prefixlen,
    max_prefixlen: read.max_prefixlen,
    shared,
    is_default: isDefault,
    default_quota: args.default_quota ?? null,
    address_scope_id: null,
  };
  setRow(tx.draft.network.subnetpools, id, row);
  if (shared) addRbacEntry(tx, owner, 'subnetpool', id, 'access_as_shared', '*');
  tx.trace('neutron-server', `create_subnetpool ${id} ${read.prefixes.join(', ')} (IPv${read.ip_version}, /${read.min_prefixlen}–/${read.max_prefixlen}, default /${read.default_prefixlen})`);
  const view = subnetPoolView(c, row);
  tx.emit('subnetpool.create.end', () => ({ subnetpool: view }), NEUTRON_PUBLISHER);
  return showable(ctx, 'subnetpool', view, { ...view });
}

/** `GET /v2.0/subnetpools/{id}`. */
export function showSubnetPool(ctx: Ctx, ref: unknown): SubnetPoolView {
  const row = getPool(ctx, ref);
  const target = poolTarget(ctx, row);
  enforceShow(ctx, 'subnetpool', row.id, target);
  return showable(ctx, 'subnetpool', subnetPoolView(ctx, row), target);
}

/** `GET /v2.0/subnetpools`: filters on any attribute but `prefixes`; prefix lengths sort as numbers (database columns). */
export function listSubnetPools(ctx: Ctx, query: unknown = {}): SubnetPoolView[] {
  const rows = [...tableValues(ctx.s.network.subnetpools)].filter((p) => subnetPoolVisible(ctx, p));
  const items = listViews(ctx, {
    resource: 'subnetpool',
    rows,
    attributes: ATTRIBUTES,
    notFilterable: NOT_FILTERABLE,
    target: (p) => poolTarget(ctx, p),
    view: (p) => numericView(ctx, p) as unknown as Record<string, unknown>,
  }, query);
  return items.map((v) => stringified(v)) as unknown as SubnetPoolView[];
}

/**
 * `PUT /v2.0/subnetpools/{id}`: `name`, `description`, `prefixes` (the old ones must stay
 * covered: `IllegalSubnetPoolPrefixUpdate`), the prefix-length bounds (checked again as a
 * whole), `default_quota`, `is_default` (admin only; one default per IP family).
 * The answer shows the prefix lengths as numbers, as Zed's does (see {@link SubnetPoolView}).
 */
export function updateSubnetPool(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): SubnetPoolView {
  const s = tx.draft as CloudState;
  const c: Ctx = { ...ctx, s };
  const pool = getPool(c, ref);
  const body = bodyOf(input, 'subnetpool', UPDATE_ATTRIBUTES, READ_ONLY);
  const args = convertPool(body);
  enforceOn(c, 'subnetpool', 'update_subnetpool', pool.id, { ...poolTarget(c, pool), ...body, ...args }, Object.keys(body));

  // _update_subnetpool_dict
  let prefixes: readonly string[] = pool.prefixes;
  if (args.prefixes !== undefined) {
    const next = args.prefixes.map(netOf);
    if (!isSubset(pool.prefixes.map(netOf), next)) {
      throw badRequest('network.subnetpool.illegal_prefix_update', 'IllegalSubnetPoolPrefixUpdate', 'Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.', 'prefixes');
    }
    prefixes = compactNets(next).map((n) => n.cidr);
  }
  const read = readSubnetPool(prefixes, {
    min: args.min_prefixlen ?? pool.min_prefixlen,
    max: args.max_prefixlen ?? pool.max_prefixlen,
    default: args.default_prefixlen ?? pool.default_prefixlen,
  });
  const isDefault = args.is_default ?? pool.is_default;
  if (isDefault && !pool.is_default) checkNoDefault(c, read.ip_version);
  refuseAddressScope(args.address_scope_id);

  const changes: Changes<SubnetPoolRow> = {
    prefixes: read.prefixes,
    min_prefixlen: read.min_prefixlen,
    max_prefixlen: read.max_prefixlen,
    default_prefixlen: read.default_prefixlen,
    is_default: isDefault,
  };
  if (args.name !== undefined) changes.name = args.name;
  if (args.description !== undefined) changes.description = args.description;
  if (args.default_quota !== undefined) changes.default_quota = args.default_quota;
  const row = revised(tx, pool, changes);
  setRow(tx.draft.network.subnetpools, pool.id, row);
  tx.trace('neutron-server', `update_subnetpool ${pool.id} ${row.prefixes.join(', ')}`);
  const view = numericView(c, row);
  tx.emit('subnetpool.update.end', () => ({ subnetpool: view }), NEUTRON_PUBLISHER);
  return showable(ctx, 'subnetpool', view, poolTarget(c, row));
}

/**
 * `DELETE /v2.0/subnetpools/{id}`: refused while any subnet was allocated from it — Zed's
 * `SubnetPoolDeleteError`, a 400 "Unable to delete subnet pool: Subnet pool has existing
 * allocations." Its RBAC entries go with it (the `subnetpoolrbacs` cascade).
 */
export function deleteSubnetPool(tx: Tx, ctx: Ctx, ref: unknown): void {
  const s = tx.draft as CloudState;
  const c: Ctx = { ...ctx, s };
  const pool = getPool(c, ref);
  enforceOn(c, 'subnetpool', 'delete_subnetpool', pool.id, poolTarget(c, pool));
  if (poolSubnets(s, pool.id).length > 0) {
    throw badRequest('network.subnetpool.in_use', 'SubnetPoolDeleteError', 'Unable to delete subnet pool: Subnet pool has existing allocations.', 'subnetpool');
  }
  const view = subnetPoolView(c, pool);
  for (const r of rbacEntries(s, 'subnetpool', pool.id)) removeRbacEntry(tx, r);
  deleteRow(tx.draft.network.subnetpools, pool.id);
  tx.trace('neutron-server', `delete_subnetpool ${pool.id}`);
  tx.emit('subnetpool.delete.end', () => ({ subnetpool_id: pool.id, subnetpool: view }), NEUTRON_PUBLISHER);
}

// ------------------------------------------------------------------- subnets from pools

/** The subnet request's attributes this file reads, as the API layer converts them. */
interface SubnetPoolRequest {
  readonly ip_version: IpVersion | undefined;
  readonly subnetpool_id: string | null | undefined;
  readonly prefixlen: number | undefined;
  readonly cidr: IpNetworkValue | undefined;
  /** As given (checked only where it chooses the cidr, in {@link allocateSubnetFromPool}). */
  readonly gateway_ip: unknown;
  readonly allocation_pools_set: boolean;
  readonly use_default_subnetpool: boolean;
}

/** `convert_values` on the subnet attributes pools involve, in the subnet definition's order. */
function subnetRequest(input: unknown): SubnetPoolRequest {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new InvalidInput('subnet', `expected an object of subnet attributes, got ${describeValue(input)}.`, 'network.subnet.invalid');
  const body = input as Record<string, unknown>;
  let ipVersion: IpVersion | undefined;
  const rawVersion = own(body, 'ip_version');
  if (rawVersion !== undefined) {
    const v = pyIntOf(rawVersion);
    if (v === undefined) throw invalidInput('network.subnet.invalid_ip_version', `'${pyStr(rawVersion).slice(0, 256)}' is not an integer`, 'ip_version');
    if (v !== 4 && v !== 6) throw attributeInvalid('ip_version', `${v} is not in valid_values`, 'network.subnet.invalid_ip_version');
    ipVersion = v;
  }
  const rawPool = own(body, 'subnetpool_id');
  let poolId: string | null | undefined;
  if (rawPool !== undefined) poolId = rawPool === 'prefix_delegation' ? rawPool : uuidOrNoneArg(rawPool, 'subnetpool_id', 'network.subnet.invalid_subnetpool_id');
  const rawPrefixlen = own(body, 'prefixlen');
  const prefixlen = rawPrefixlen === undefined ? undefined : nonNegativeArg(rawPrefixlen, 'prefixlen', 'network.subnet.invalid_prefixlen');
  const rawCidr = own(body, 'cidr');
  // _create_subnet_precommit: "turn the CIDR into a proper subnet"
  const cidr = isSet(rawCidr) ? parseCidr(rawCidr, 'cidr') : undefined;
  const rawGateway = own(body, 'gateway_ip');
  const gateway = isSet(rawGateway) ? rawGateway : undefined;
  const rawDefault = own(body, 'use_default_subnetpool');
  const useDefault = rawDefault === undefined ? false : booleanArg(rawDefault, 'use_default_subnetpool');
  return { ip_version: ipVersion, subnetpool_id: poolId, prefixlen, cidr, gateway_ip: gateway, allocation_pools_set: isSet(own(body, 'allocation_pools')), use_default_subnetpool: useDefault };
}

/**
 * The pool a subnet create request allocates from, as Zed decides (`_create_subnet_precommit`
 * up to `ipam_pluggable_backend.allocate_subnet`'s pool checks), or undefined for a subnet
 * given by its `cidr` alone:
 * - a `cidr` and a `prefixlen` together: 400 "Bad subnets request: cidr and prefixlen must not
 *   be supplied together.";
 * - `subnetpool_id` and `use_default_subnetpool` together: 400;
 * - neither, without a `cidr`: 400 "Bad subnets request: a subnetpool must be specified in the
 *   absence of a cidr.";
 * - `use_default_subnetpool`: the default pool (among those the caller sees) of the `cidr`'s
 *   version, else of `ip_version` ("ip_version must be specified in the absence of cidr and
 *   subnetpool_id" without either; "No default subnetpool found for IPv4" when none);
 * - `allocation_pools` without a `cidr`: "allocation_pools allowed only for specific subnet
 *   requests." (Neutron's doubled period included);
 * - `subnetpool_id`: the pool among those the caller sees (own, shared through RBAC, any for an
 *   admin), else 404 "Subnet pool <id> could not be found.";
 * - an `ip_version` other than the pool's: 400 "Bad subnets request: Cannot allocate IPv4
 *   subnet from IPv6 subnet pool."
 * The attributes read (`ip_version`, `subnetpool_id`, `prefixlen`, `cidr`,
 * `use_default_subnetpool`) are checked as the API layer converts them first. Not simulated:
 * IPv6 prefix delegation (`subnetpool_id` `prefix_delegation`: 400).
 */
export function getSubnetPoolForSubnet(ctx: Ctx, body: Record<string, unknown>): SubnetPoolRow | undefined {
  const req = subnetRequest(body);
  if (req.cidr !== undefined && req.prefixlen !== undefined) throw subnetsBadRequest('network.subnet.cidr_and_prefixlen', 'cidr and prefixlen must not be supplied together', 'prefixlen');
  // _get_subnetpool_id
  if (req.use_default_subnetpool && isSet(req.subnetpool_id)) throw subnetsBadRequest('network.subnet.pool_and_default', 'subnetpool_id and use_default_subnetpool cannot both be specified', 'subnetpool_id');
  let poolId: string;
  if (isSet(req.subnetpool_id)) poolId = req.subnetpool_id!;
  else if (!req.use_default_subnetpool) {
    if (req.cidr === undefined) throw subnetsBadRequest('network.subnet.pool_or_cidr_required', 'a subnetpool must be specified in the absence of a cidr', 'cidr');
    return undefined;
  } else {
    const version = req.cidr?.version ?? req.ip_version;
    if (version === undefined) throw subnetsBadRequest('network.subnet.ip_version_required', 'ip_version must be specified in the absence of cidr and subnetpool_id', 'ip_version');
    const found = defaultPool(ctx, version);
    if (found === undefined) throw subnetsBadRequest('network.subnet.no_default_subnetpool', `No default subnetpool found for IPv${version}`, 'use_default_subnetpool');
    poolId = found.id;
  }
  if (poolId === 'prefix_delegation') throw badRequest('network.subnet.prefix_delegation_not_simulated', 'InvalidInput', 'Invalid input for operation: subnetpool_id: IPv6 prefix delegation is not simulated.', 'subnetpool_id');
  // validate_pools_with_subnetpool
  if (req.cidr === undefined && req.allocation_pools_set) throw subnetsBadRequest('network.subnet.pools_need_cidr', 'allocation_pools allowed only for specific subnet requests.', 'allocation_pools');
  // allocate_subnet: _get_subnetpool, _validate_ip_version_with_subnetpool
  const pool = getRow(ctx.s.network.subnetpools, poolId);
  if (pool === undefined || !subnetPoolVisible(ctx, pool)) {
    const e = notFound('subnetpool', poolId);
    throw new NeutronError(404, e.code, 'SubnetPoolNotFound', e.message, { id: poolId, field: req.use_default_subnetpool ? 'use_default_subnetpool' : 'subnetpool_id' });
  }
  if (req.ip_version !== undefined && req.ip_version !== pool.ip_version) {
    throw subnetsBadRequest('network.subnet.pool_version_mismatch', `Cannot allocate IPv${req.ip_version} subnet from IPv${pool.ip_version} subnet pool`, 'ip_version');
  }
  return pool;
}

/** `_get_available_prefix_list`: the pool's free space as CIDRs, largest prefix length first (address order among equals). */
function availablePrefixes(s: CloudState, pool: SubnetPoolRow): IpNetworkValue[] {
  const version = pool.ip_version;
  const prefixSpans = mergeSpans(pool.prefixes.map(netOf).filter((n) => n.version === version).map(spanOf));
  const allocated = mergeSpans(poolSubnets(s, pool.id).map((x) => netOf(x.cidr)).filter((n) => n.version === version).map(spanOf));
  const nets = subtractSpans(prefixSpans, allocated).flatMap((span) => spanToNets(version, span));
  // Python's sorted(key=prefixlen, reverse=True) is stable: address order stays among equals
  return nets.map((n, i) => ({ n, i })).sort((a, b) => b.n.prefixlen - a.n.prefixlen || a.i - b.i).map((x) => x.n);
}

/**
 * `_check_subnetpool_tenant_quota`: with a `default_quota` (neither null nor 0), the pool
 * owner's allocations from it plus the request, in /32 (v4) or /64 (v6) units, may not exceed
 * it. As in Zed, the usage counted is that of the pool's own project (`self._subnetpool['tenant_id']`),
 * whoever asks. Over: 409 `SubnetPoolQuotaExceeded`.
 */
function checkPoolQuota(s: CloudState, pool: SubnetPoolRow, prefixlen: number): void {
  const quota = pool.default_quota;
  if (!quota) return;
  const unit = VERSION_INFO[pool.ip_version].quotaUnits;
  let used = 0;
  for (const x of poolSubnets(s, pool.id)) if (x.project_id === pool.project_id) used += Math.pow(2, unit - netOf(x.cidr).prefixlen);
  if (used + Math.pow(2, unit - prefixlen) > quota) {
    throw new NeutronError(409, 'network.subnetpool.quota_exceeded', 'SubnetPoolQuotaExceeded', 'Per-tenant subnet pool prefix quota exceeded.', { subnetpool_id: pool.id, field: 'prefixlen' });
  }
}

/**
 * The cidr a subnet request gets from `pool` (read only: the subnet row that names the pool is
 * the allocation; what is allocated is the cidrs of the subnets whose `subnetpool_id` is the
 * pool), as Zed's `SubnetRequestFactory` and `SubnetAllocator.allocate_subnet` compute it:
 * - neither `cidr` nor `gateway_ip`: any subnet of `prefixlen` (default the pool's
 *   `default_prefixlen`; beyond the version's width netaddr's 400 "invalid IPNetwork
 *   0.0.0.0/33") — of the pool's free space (its prefixes less the allocated cidrs, compacted),
 *   the block with the largest prefix length that still holds the request, the lowest address
 *   among equals, and its first subnet (`_allocate_any_subnet`);
 * - a `gateway_ip` without `cidr`: the `prefixlen` block holding the gateway (a v4 gateway that
 *   is its network or broadcast address: 409 `IpamValueInvalid` "Gateway IP … cannot be
 *   allocated in CIDR …"), then as a requested cidr;
 * - a `cidr`: that cidr (host bits cleared), which must lie in the free space
 *   (`_allocate_specific_subnet`);
 * then, in Zed's order: the prefix length within the pool's bounds (400
 * `MaxPrefixSubnetAllocationError` / `MinPrefixSubnetAllocationError` "Unable to allocate
 * subnet with prefix length 33, maximum allowed prefix is 32."), the pool's `default_quota`
 * (409 `SubnetPoolQuotaExceeded`), the allocation. No room, or a cidr outside the free space:
 * `SubnetAllocationError` "Failed to allocate subnet: Insufficient prefix space to allocate
 * subnet size /26." (resp. "Cannot allocate requested subnet from the available set of
 * prefixes.") — a 500 in Zed (a plain NeutronException), a 409 here with `details.neutron`
 * `SubnetAllocationError`.
 */
export function allocateSubnetFromPool(ctx: Ctx, pool: SubnetPoolRow, body: Record<string, unknown>): string {
  const req = subnetRequest(body);
  if (req.cidr !== undefined && req.prefixlen !== undefined) throw subnetsBadRequest('network.subnet.cidr_and_prefixlen', 'cidr and prefixlen must not be supplied together', 'prefixlen');
  const version = pool.ip_version;
  const width = widthOf(version);

  // SubnetRequestFactory.get_request
  let wanted: IpNetworkValue | undefined;
  let prefixlen: number;
  if (req.cidr === undefined && req.gateway_ip === undefined) {
    prefixlen = req.prefixlen ?? pool.default_prefixlen;
    if (prefixlen > width) throw addrFormatError(`${VERSION_INFO[version].wildcard}/${prefixlen}`, 'prefixlen');
  } else if (req.cidr === undefined) {
    const gateway = parseAddress(req.gateway_ip, 'gateway_ip');
    const len = req.prefixlen ?? pool.default_prefixlen;
    if (len > widthOf(gateway.version)) throw addrFormatError(`${gateway.address}/${len}`, 'prefixlen');
    wanted = networkOf(gateway.version, gateway.value, len);
    if (checkGatewayInvalidInSubnet(wanted.cidr, gateway.address)) {
      throw new IpamValueInvalid('network.subnet.gateway_invalid', `Gateway IP ${gateway.address} cannot be allocated in CIDR ${wanted.cidr}`, 'gateway_ip');
    }
    prefixlen = len;
  } else {
    wanted = req.cidr;
    prefixlen = wanted.prefixlen;
  }

  // SubnetAllocator.allocate_subnet
  const field = req.cidr !== undefined ? 'cidr' : req.prefixlen !== undefined || req.gateway_ip === undefined ? 'prefixlen' : 'gateway_ip';
  if (prefixlen > pool.max_prefixlen) {
    throw badRequest('network.subnetpool.max_prefix', 'MaxPrefixSubnetAllocationError', `Unable to allocate subnet with prefix length ${prefixlen}, maximum allowed prefix is ${pool.max_prefixlen}.`, field);
  }
  if (prefixlen < pool.min_prefixlen) {
    throw badRequest('network.subnetpool.min_prefix', 'MinPrefixSubnetAllocationError', `Unable to allocate subnet with prefix length ${prefixlen}, minimum allowed prefix is ${pool.min_prefixlen}.`, field);
  }
  const s = ctx.s;
  checkPoolQuota(s, pool, prefixlen);
  const available = availablePrefixes(s, pool);
  if (wanted === undefined) {
    const block = available.find((p) => prefixlen >= p.prefixlen);
    if (block === undefined) throw allocationError(`Insufficient prefix space to allocate subnet size /${prefixlen}`, 'prefixlen');
    return networkOf(version, block.first, prefixlen).cidr;
  }
  // all_matching_cidrs(cidr, available): the free block holding the cidr's network address, at least as large
  const w = wanted;
  const holder = available.find((p) => p.version === w.version && p.first <= w.first && w.first <= p.last);
  if (holder === undefined || holder.prefixlen > w.prefixlen) throw allocationError('Cannot allocate requested subnet from the available set of prefixes', req.cidr !== undefined ? 'cidr' : 'gateway_ip');
  return w.cidr;
}
