/**
 * The object service's configuration: `swift.conf` (`[swift-hash]`, storage policies), the
 * rings' shape, and the proxy's keystoneauth options, with Zed's (or DevStack's) defaults.
 */
import { InvalidInput, check, emptyTable } from '../core/index.js';
import type { ObjectConfig, ObjectState, StoragePolicy } from './types.js';
import { DEVSTACK_RING, INSTALL_GUIDE_RING, type RingShape } from './rings.js';

/** What `createCloud({ object })` accepts. */
export interface ObjectOptions {
  /** `[swift-hash] swift_hash_path_prefix` (default ''). */
  readonly hash_path_prefix?: string;
  /** `[swift-hash] swift_hash_path_suffix` (default 'stacksim'; DevStack draws a random one). */
  readonly hash_path_suffix?: string;
  /** `[storage-policy:N]` sections (default: `Policy-0`, index 0, the default). */
  readonly policies?: readonly { readonly name: string; readonly index: number; readonly default?: boolean }[];
  /** Every ring's `create <part_power> <replicas> <min_part_hours>` (default: the install guide's 10 3 1; DevStack's 9 1 1 with the devstack preset). */
  readonly ring?: Partial<RingShape>;
  /** keystoneauth `operator_roles` (Swift's default `admin, swiftoperator`; DevStack sets `member, admin`). */
  readonly operator_roles?: readonly string[];
  /** keystoneauth `reseller_admin_role` (default `ResellerAdmin`). */
  readonly reseller_admin_role?: string;
}

/** Swift's own `operator_roles` default. */
export const SWIFT_OPERATOR_ROLES = ['admin', 'swiftoperator'] as const;
/** DevStack's `operator_roles` (lib/swift: `member, admin`). */
export const DEVSTACK_OPERATOR_ROLES = ['member', 'admin'] as const;

/**
 * Checks `createCloud`'s `object` option. With DevStack's accounts (`devstack`) the operator roles
 * are DevStack's; on DevStack's own hosts (`devstackRings`) the rings are DevStack's `9 1 1`.
 */
export function checkObjectOptions(value: unknown, devstack: boolean, devstackRings: boolean, field = 'options.object'): { config: ObjectConfig; ring: RingShape } {
  const o = value === undefined ? {} : check.record(value, field);
  check.onlyKeys(o, ['hash_path_prefix', 'hash_path_suffix', 'policies', 'ring', 'operator_roles', 'reseller_admin_role'], field);
  const text = (v: unknown, f: string): string => (v === '' ? '' : check.text(v, f, 256));
  const policies: StoragePolicy[] = check.optional(
    o.policies,
    `${field}.policies`,
    (v, f) =>
      check.array(v, f, (p, g) => {
        const r = check.record(p, g);
        check.onlyKeys(r, ['name', 'index', 'default'], g);
        const name = check.name(r.name, `${g}.name`, 64);
        if (!/^[A-Za-z0-9-]+$/.test(name)) throw new InvalidInput(`${g}.name`, `Names may only contain letters, digits and '-': '${name}'.`);
        return { name, index: check.integer(r.index, `${g}.index`, 0, 1000), default: check.optional(r.default, `${g}.default`, check.boolean, false) };
      }),
    [{ name: 'Policy-0', index: 0, default: true }],
  );
  if (policies.length === 0) throw new InvalidInput(`${field}.policies`, 'at least one storage policy is needed.');
  const dupIndex = policies.find((p, i) => policies.findIndex((q) => q.index === p.index) !== i);
  if (dupIndex) throw new InvalidInput(`${field}.policies`, `policy index ${dupIndex.index} appears twice.`);
  const dupName = policies.find((p, i) => policies.findIndex((q) => q.name.toLowerCase() === p.name.toLowerCase()) !== i);
  if (dupName) throw new InvalidInput(`${field}.policies`, `policy name '${dupName.name}' appears twice.`);
  const defaults = policies.filter((p) => p.default);
  if (defaults.length > 1) throw new InvalidInput(`${field}.policies`, 'only one policy may be the default.');
  // swift.conf: with no default named, policy 0 is the default (Swift requires index 0 then)
  const withDefault = defaults.length === 1 ? policies : policies.map((p) => ({ ...p, default: p.index === 0 }));
  if (!withDefault.some((p) => p.default)) throw new InvalidInput(`${field}.policies`, 'name a default policy (or define index 0).');
  const base = devstackRings ? DEVSTACK_RING : INSTALL_GUIDE_RING;
  const r = o.ring === undefined ? {} : check.record(o.ring, `${field}.ring`);
  check.onlyKeys(r, ['part_power', 'replicas', 'min_part_hours'], `${field}.ring`);
  // `+ 0`: −0 is 0 (JSON has no −0)
  const ring: RingShape = {
    part_power: check.optional(r.part_power, `${field}.ring.part_power`, (v, f) => check.integer(v, f, 0, 24) + 0, base.part_power),
    replicas: check.optional(r.replicas, `${field}.ring.replicas`, (v, f) => check.integer(v, f, 1, 64), base.replicas),
    min_part_hours: check.optional(r.min_part_hours, `${field}.ring.min_part_hours`, (v, f) => check.integer(v, f, 0, 255) + 0, base.min_part_hours),
  };
  return {
    ring,
    config: {
      hash_path_prefix: check.optional(o.hash_path_prefix, `${field}.hash_path_prefix`, text, ''),
      hash_path_suffix: check.optional(o.hash_path_suffix, `${field}.hash_path_suffix`, text, 'stacksim'),
      policies: withDefault,
      operator_roles: check.optional(o.operator_roles, `${field}.operator_roles`, (v, f) => check.array(v, f, (x, g) => check.name(x, g, 255)), devstack ? [...DEVSTACK_OPERATOR_ROLES] : [...SWIFT_OPERATOR_ROLES]),
      reseller_admin_role: check.optional(o.reseller_admin_role, `${field}.reseller_admin_role`, (v, f) => check.name(v, f, 255), 'ResellerAdmin'),
    },
  };
}

/** The object slice of a new cloud (rings are made by `buildRings` once the hosts exist). */
export function initialObjectState(config: ObjectConfig): ObjectState {
  return { config, rings: {}, accounts: emptyTable(), containers: emptyTable(), objects: emptyTable(), usage: emptyTable(), failed: emptyTable(), replication_due: null, out_of_place: emptyTable(), replication_scan: false };
}
