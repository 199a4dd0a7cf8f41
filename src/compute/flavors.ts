/**
 * Flavors (`nova/api/openstack/compute/flavors.py`, `flavor_manage.py`, `views/flavors.py`,
 * `nova/objects/flavor.py`): the lookup every boot makes (`flavorRef`: an id, a link whose last
 * segment is the id, or — stacksim's convenience — a name), the row writer, the view, and
 * DevStack's flavors (`lib/nova` `create_flavors`).
 *
 * A non-admin sees the public flavors and the private ones its project has access to
 * (`_flavor_get_query`); anything else is a 404 `FlavorNotFound`.
 */
import { getRow, peek, setRow, tableValues, type CloudState, type Tx } from '../core/index.js';
import { visibleFlavor } from './flavor_access_check.js';
import type { Ctx } from './context.js';
import { badRequest, notFound } from './errors.js';
import { describeValue } from './input.js';
import type { FlavorRow, InstanceFlavor } from './types.js';
import { links, type Link } from './views.js';

/** `GET /flavors/{id}` at 2.93. */
export interface FlavorView {
  readonly id: string;
  readonly name: string;
  readonly ram: number;
  readonly disk: number;
  /** MB; 0 without swap (2.75+: nova's `flavor["swap"] or 0`, `""` before 2.75). */
  readonly swap: number;
  readonly vcpus: number;
  readonly 'OS-FLV-EXT-DATA:ephemeral': number;
  readonly 'OS-FLV-DISABLED:disabled': boolean;
  readonly 'os-flavor-access:is_public': boolean;
  readonly rxtx_factor: number;
  readonly description: string | null;
  readonly extra_specs?: Readonly<Record<string, string>>;
  readonly links: readonly Link[];
}

/**
 * The view of a flavor at 2.93 (`views/flavors.py` `show`): `description` (2.55+), `extra_specs`
 * (2.61+, when `os-flavor-extra-specs:index` allows), `swap` a number (2.75+: 0, not `""`).
 */
export function flavorView(row: FlavorRow, showExtraSpecs: boolean): FlavorView {
  return {
    id: row.flavorid,
    name: row.name,
    ram: row.memory_mb,
    disk: row.root_gb,
    swap: row.swap,
    vcpus: row.vcpus,
    'OS-FLV-EXT-DATA:ephemeral': row.ephemeral_gb,
    'OS-FLV-DISABLED:disabled': row.disabled,
    'os-flavor-access:is_public': row.is_public,
    rxtx_factor: row.rxtx_factor,
    description: row.description,
    ...(showExtraSpecs ? { extra_specs: { ...row.extra_specs } } : {}),
    links: links('flavors', row.flavorid),
  };
}

/** `common.get_id_from_href`: the last path segment of a link, or the reference itself. */
export function idFromHref(ref: string): string {
  // a bare id (what the clients send) is its own answer: no split, no regular expression per boot
  if (!ref.includes('/') && !ref.includes('?')) return ref;
  const clean = ref.split('?')[0]!.replace(/\/+$/, '');
  const slash = clean.lastIndexOf('/');
  return slash < 0 ? clean : clean.slice(slash + 1);
}

/**
 * The flavor a reference names among those the caller may see (404 `FlavorNotFound`): an id, a
 * link whose last segment is the id, or a name (stacksim's convenience); `{ id }` names it by id
 * only, as a URL path does.
 */
export function getFlavor(ctx: Ctx, ref: unknown, field = 'flavorRef'): FlavorRow {
  let byIdOnly = false;
  if (typeof ref === 'object' && ref !== null && !Array.isArray(ref) && Object.hasOwn(ref, 'id')) {
    ref = (ref as { id: unknown }).id;
    byIdOnly = true;
  }
  if (typeof ref === 'number' && Number.isInteger(ref)) ref = String(ref);
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > 255) throw badRequest(field, `Invalid input for field/attribute ${field}. Value: ${describeValue(ref)}. expected a flavor id`, 'compute.flavor.invalid_ref');
  const id = idFromHref(ref);
  const row = getRow(peek(ctx.s, 'compute', 'flavors'), id);
  if (row !== undefined && visibleFlavor(ctx, row)) return row;
  if (!byIdOnly) {
    const named = [...tableValues(peek(ctx.s, 'compute', 'flavors'))].filter((f) => f.name === ref && visibleFlavor(ctx, f));
    if (named.length === 1) return named[0]!;
  }
  throw notFound('flavor', id);
}

/** What a new flavor is made of (checked by the caller). */
export interface FlavorSpec {
  readonly flavorid: string;
  readonly name: string;
  readonly vcpus: number;
  readonly memory_mb: number;
  readonly root_gb: number;
  readonly ephemeral_gb?: number;
  readonly swap?: number;
  readonly rxtx_factor?: number;
  readonly is_public?: boolean;
  readonly description?: string | null;
  readonly extra_specs?: Readonly<Record<string, string>>;
}

/** Files a new flavor row. */
export function createFlavorRow(tx: Tx, spec: FlavorSpec): FlavorRow {
  const row: FlavorRow = {
    flavorid: spec.flavorid,
    id: tx.counter('compute.flavor'),
    name: spec.name,
    vcpus: spec.vcpus,
    memory_mb: spec.memory_mb,
    root_gb: spec.root_gb,
    ephemeral_gb: spec.ephemeral_gb ?? 0,
    swap: spec.swap ?? 0,
    rxtx_factor: spec.rxtx_factor ?? 1.0,
    vcpu_weight: null,
    is_public: spec.is_public ?? true,
    disabled: false,
    description: spec.description ?? null,
    extra_specs: spec.extra_specs ?? {},
    created_at: tx.now(),
    updated_at: null,
  };
  setRow(tx.draft.compute.flavors, row.flavorid, row);
  return row;
}

/** What an instance keeps of its flavor. */
export function instanceFlavor(row: FlavorRow): InstanceFlavor {
  return { flavorid: row.flavorid, name: row.name, vcpus: row.vcpus, memory_mb: row.memory_mb, root_gb: row.root_gb, ephemeral_gb: row.ephemeral_gb, swap: row.swap, extra_specs: row.extra_specs };
}

/** DevStack's flavors (`lib/nova` `create_flavors`: id, name, RAM MB, disk GB, vCPUs; each with `hw_rng:allowed=True`). */
export const DEVSTACK_FLAVORS: readonly (readonly [string, string, number, number, number])[] = [
  ['1', 'm1.tiny', 512, 1, 1],
  ['2', 'm1.small', 2048, 20, 1],
  ['3', 'm1.medium', 4096, 40, 2],
  ['4', 'm1.large', 8192, 80, 4],
  ['5', 'm1.xlarge', 16384, 160, 8],
  ['c1', 'cirros256', 256, 1, 1],
  ['d1', 'ds512M', 512, 5, 1],
  ['d2', 'ds1G', 1024, 10, 1],
  ['d3', 'ds2G', 2048, 10, 2],
  ['d4', 'ds4G', 4096, 20, 4],
];

/** Creates DevStack's flavors. */
export function devstackFlavors(tx: Tx): void {
  for (const [flavorid, name, memory_mb, root_gb, vcpus] of DEVSTACK_FLAVORS) {
    if (getRow((tx.draft as CloudState).compute.flavors, flavorid) !== undefined) continue;
    createFlavorRow(tx, { flavorid, name, memory_mb, root_gb, vcpus, extra_specs: { 'hw_rng:allowed': 'True' } });
  }
  tx.trace('nova-manage', `DevStack flavors created (${DEVSTACK_FLAVORS.map(([, n]) => n).join(', ')})`);
}
