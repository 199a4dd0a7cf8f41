/**
 * `createCloud({ topology })`: a datacenter from a declarative description — regions,
 * availability zones, racks, host models and groups of hosts (model × count × roles) — the
 * project's answer to an Ansible inventory. A bad description is refused as a whole with a
 * `BadRequest` naming the field (`topology.hosts[2].cpu.cores_per_socket`).
 */
import { check, InvalidInput, type Tx } from '../core/index.js';
import { addAvailabilityZone, addHost, addHostModel, addRack, addRegion, DEFAULT_REGION } from './hosts.js';
import { MODEL_KEYS } from './spec.js';
import type { HostModelSpec, HostSpec } from './types.js';

/** A group of identical hosts: a {@link HostSpec} whose name may be a pattern, times `count`. */
export interface HostGroup extends HostSpec {
  /**
   * A hostname, or a pattern for `count` hosts: `{n}` is the 1-based index, `{nn}` / `{nnn}`
   * the index zero-padded to 2 / 3 digits (`compute-{nn}` → compute-01, compute-02, …).
   */
  readonly name: string;
  /** How many hosts (default 1); above 1 the name must hold `{n}`, `{nn}` or `{nnn}`. */
  readonly count?: number;
  /** First index (default 1). */
  readonly start?: number;
}

/** A datacenter description. `RegionOne` always exists; list others to add them. */
export interface Topology {
  readonly regions?: readonly (string | { readonly name: string; readonly description?: string })[];
  readonly availability_zones?: readonly { readonly name: string; readonly region?: string }[];
  readonly racks?: readonly { readonly name: string; readonly availability_zone?: string; readonly region?: string }[];
  /** Host models by name (SKUs). */
  readonly models?: Readonly<Record<string, HostModelSpec>>;
  readonly hosts?: readonly HostGroup[];
}

/** Most hosts one topology may describe. */
export const MAX_TOPOLOGY_HOSTS = 200_000;

const PATTERN = /\{(n{1,3})\}/g;

/** Expands a group's hostnames. */
export function expandNames(pattern: string, count: number, start: number, field: string): string[] {
  const hasIndex = /\{n{1,3}\}/.test(pattern);
  if (count > 1 && !hasIndex) throw new InvalidInput(`${field}.name`, `count is ${count}, so the name needs an index placeholder: '{n}', '{nn}' or '{nnn}' (e.g. 'compute-{nn}').`);
  const names: string[] = [];
  for (let i = start; i < start + count; i++) names.push(pattern.replace(PATTERN, (_m, ns: string) => String(i).padStart(ns.length, '0')));
  return names;
}

/** Refuses two entries of one list with the same name, naming the second. */
function uniqueNames(list: unknown, field: string): void {
  if (!Array.isArray(list)) return; // the list's own check reports its shape
  const seen = new Set<unknown>();
  list.forEach((item: unknown, i) => {
    const name = typeof item === 'string' ? item : (item as { name?: unknown } | null)?.name;
    if (seen.has(name)) throw new InvalidInput(`${field}[${i}].name`, `duplicate name '${String(name)}'.`, 'hardware.topology.duplicate_name');
    seen.add(name);
  });
}

/** Builds the whole topology inside `tx`. */
export function applyTopology(tx: Tx, input: unknown, field = 'topology'): void {
  const t = check.record(input, field);
  check.onlyKeys(t, ['regions', 'availability_zones', 'racks', 'models', 'hosts'], field);
  for (const list of ['regions', 'availability_zones', 'racks'] as const) uniqueNames(t[list], `${field}.${list}`);
  check.optional(t.regions, `${field}.regions`, (x, f) =>
    check.array(x, f, (r, rf) => {
      const region = typeof r === 'string' ? { name: r } : r;
      if (check.record(region, rf).name === DEFAULT_REGION) return;
      addRegion(tx, region, rf);
    }), []);
  check.optional(t.availability_zones, `${field}.availability_zones`, (x, f) => check.array(x, f, (a, af) => addAvailabilityZone(tx, a, af)), []);
  check.optional(t.racks, `${field}.racks`, (x, f) => check.array(x, f, (r, rf) => addRack(tx, r, rf)), []);
  if (t.models !== undefined) {
    const models = check.record(t.models, `${field}.models`);
    for (const [name, model] of Object.entries(models)) {
      addHostModel(tx, { ...check.record(model, `${field}.models.${name}`), name }, `${field}.models.${name}`);
    }
  }
  const groups = check.optional(t.hosts, `${field}.hosts`, (x, f) => check.array(x, f, (g) => g), []);
  const seen = new Map<string, string>();
  let total = 0;
  groups.forEach((g, i) => {
    const gf = `${field}.hosts[${i}]`;
    const group = check.record(g, gf);
    check.onlyKeys(group, ['name', 'count', 'start', 'model', 'roles', 'region', 'availability_zone', 'rack', ...MODEL_KEYS], gf);
    const count = check.optional(group.count, `${gf}.count`, (x, f) => check.integer(x, f, 1, MAX_TOPOLOGY_HOSTS), 1);
    const start = check.optional(group.start, `${gf}.start`, (x, f) => check.integer(x, f, 0), 1);
    total += count;
    if (total > MAX_TOPOLOGY_HOSTS) throw new InvalidInput(`${gf}.count`, `a topology may hold at most ${MAX_TOPOLOGY_HOSTS} hosts.`);
    const names = expandNames(check.name(group.name, `${gf}.name`), count, start, gf);
    const { count: _c, start: _s, ...spec } = group;
    for (const name of names) {
      const first = seen.get(name);
      if (first !== undefined) throw new InvalidInput(`${gf}.name`, `duplicate hostname '${name}' (also made by ${first}).`, 'hardware.topology.duplicate_host');
      seen.set(name, gf);
      addHost(tx, { ...spec, name }, gf);
    }
  });
}
