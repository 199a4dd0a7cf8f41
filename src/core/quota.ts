/**
 * Quotas, shared by every service. A service registers its resources with Zed's names and
 * defaults (`compute.instances` = 10, `network.port` = 500, `volume.gigabytes` = 1000, …) and the
 * status it answers when a request goes over (nova 403, neutron 409, cinder 413). Limits and
 * usage are kept per project in the state; the check runs before any change. A limit of -1
 * means unlimited, as in every OpenStack quota API.
 *
 * Not simulated: unified limits in Keystone (`[quota]driver = UnifiedLimitsDriver`), reservations
 * with expiry (usage is counted exactly, as nova's counting driver does).
 */
import { OverLimit, InvalidInput, BadRequest } from './errors.js';
import { peek } from './drafts.js';
import { deleteRow, getRow, setRow, emptyTable, tableEntries, type Table } from './table.js';
import * as v from './validate.js';

/** A quota-limited resource as a service registers it. */
export interface QuotaResource {
  /** `<service>.<resource>`, e.g. `compute.cores`. */
  readonly key: string;
  /** The registering service: `compute`, `network`, `volume`, … */
  readonly service: string;
  /** The resource's name in that service's quota API (`cores`, `port`, `gigabytes`). */
  readonly name: string;
  /** The Zed default limit; -1 is unlimited. */
  readonly default: number;
  /** HTTP status when a request goes over: nova 403, neutron 409, cinder 413. */
  readonly overLimitStatus: number;
  /** Stable error code for going over. */
  readonly code: string;
}

/** Quota limits and usage per project. */
export interface QuotaState {
  /** Changed defaults (nova's `quota-class-set default`); registered defaults apply otherwise. */
  readonly defaults: Record<string, number>;
  /** Explicit limits per project id: resource key → limit. */
  readonly limits: Table<Record<string, number>>;
  /** Usage per project id: resource key → amount in use. */
  readonly usage: Table<Record<string, number>>;
}

/** One row of a project's quota report, as nova's `os-quota-sets/{id}/detail`. */
export interface QuotaDetail {
  readonly limit: number;
  readonly in_use: number;
  readonly reserved: number;
}

/** An empty quota slice. */
export function initialQuotaState(): QuotaState {
  return { defaults: {}, limits: emptyTable(), usage: emptyTable() };
}

/** The resources services have registered, by key. One per Cloud, never global. */
export class QuotaRegistry {
  private readonly resources = new Map<string, QuotaResource>();

  /** Registers a resource; registering the same key twice is a programming error. */
  register(input: Omit<QuotaResource, 'key' | 'code'> & { code?: string }): QuotaResource {
    const key = `${input.service}.${input.name}`;
    if (this.resources.has(key)) throw new BadRequest('core.quota.duplicate_resource', `Quota resource '${key}' is already registered.`, { key });
    const resource: QuotaResource = Object.freeze({ ...input, key, code: input.code ?? `${input.service}.quota.exceeded` });
    this.resources.set(key, resource);
    return resource;
  }

  /**
   * Registers a family of resources named at run time: every `<service>.<prefix><suffix>` is a
   * resource with the family's default and status (Cinder's per-volume-type `volumes_<type>`,
   * `gigabytes_<type>`, `snapshots_<type>`, default -1). The suffix is any non-empty text.
   */
  registerFamily(input: Omit<QuotaResource, 'key' | 'code' | 'name'> & { readonly prefix: string; readonly code?: string }): void {
    const key = `${input.service}.${input.prefix}`;
    if (this.families.some((f) => f.key === key)) throw new BadRequest('core.quota.duplicate_resource', `Quota resource family '${key}*' is already registered.`, { key });
    this.families.push(Object.freeze({ ...input, key, code: input.code ?? `${input.service}.quota.exceeded` }));
  }

  private readonly families: (Omit<QuotaResource, 'name'> & { readonly prefix: string })[] = [];

  /** The registered resource (or a member of a registered family), or a 400 naming the known ones. */
  get(key: unknown, field = 'resource'): QuotaResource {
    const r = typeof key === 'string' ? (this.resources.get(key) ?? this.familyMember(key)) : undefined;
    if (!r) throw new InvalidInput(field, `unknown quota resource ${v.describe(key)}; known: ${[...this.resources.keys()].join(', ') || 'none yet'}.`);
    return r;
  }

  private familyMember(key: string): QuotaResource | undefined {
    const family = this.families.find((f) => key.length > f.key.length && key.startsWith(f.key));
    if (family === undefined) return undefined;
    const { prefix: _p, ...rest } = family;
    return Object.freeze({ ...rest, key, name: key.slice(family.service.length + 1) });
  }

  /** Every registered resource, in registration order. */
  list(): QuotaResource[] {
    return [...this.resources.values()];
  }

  /** The limit in force for a project: explicit, else changed default, else registered default. */
  limit(state: QuotaState, projectId: string, key: string): number {
    // read without drafting: every quota check of a call reads these (see peek)
    const explicit = getRow(peek(state, 'limits'), projectId)?.[key];
    if (explicit !== undefined) return explicit;
    return peek(state, 'defaults')[key] ?? this.get(key).default;
  }

  /** The default limit of a resource: a changed default, else the registered one. */
  defaultLimit(state: QuotaState, key: string): number {
    return state.defaults[key] ?? this.get(key).default;
  }

  /** The projects with an explicit limit on one of `service`'s resources, in id order. */
  projectsWithLimits(state: QuotaState, service: string): string[] {
    const out: string[] = [];
    for (const [projectId, limits] of tableEntries(state.limits)) if (Object.keys(limits).some((k) => k.startsWith(`${service}.`))) out.push(projectId);
    return out;
  }

  /** Amount in use by a project. */
  inUse(state: QuotaState, projectId: string, key: string): number {
    return getRow(peek(state, 'usage'), projectId)?.[key] ?? 0;
  }

  /** The quota report for a project: every resource of `service` (or all) with limit and usage. */
  detail(state: QuotaState, projectId: string, service?: string): Record<string, QuotaDetail> {
    const out: Record<string, QuotaDetail> = {};
    for (const r of this.resources.values()) {
      if (service !== undefined && r.service !== service) continue;
      out[service === undefined ? r.key : r.name] = Object.freeze({ limit: this.limit(state, projectId, r.key), in_use: this.inUse(state, projectId, r.key), reserved: 0 });
    }
    return Object.freeze(out);
  }

  /**
   * Throws {@link OverLimit} (with the service's status) when adding `deltas` would take any
   * resource past its limit. Negative deltas (releases) always pass. Reads only.
   */
  check(state: QuotaState, projectId: string, deltas: Readonly<Record<string, number>>): void {
    const overs: { name: string; requested: number; used: number; limit: number; resource: QuotaResource }[] = [];
    for (const [key, delta] of Object.entries(deltas)) {
      const r = this.get(key, `quota.${key}`);
      if (delta <= 0) continue;
      const limit = this.limit(state, projectId, key);
      if (limit < 0) continue;
      const used = this.inUse(state, projectId, key);
      if (used + delta > limit) overs.push({ name: r.name, requested: delta, used, limit, resource: r });
    }
    const first = overs[0];
    if (first === undefined) return;
    const names = overs.map((o) => o.name).join(', ');
    throw new OverLimit(
      first.resource.overLimitStatus,
      first.resource.code,
      `Quota exceeded for ${names}: ` +
        overs.map((o) => `requested ${o.requested}, but already used ${o.used} of ${o.limit} ${o.name}`).join('; ') + '.',
      { project_id: projectId, overs: overs.map(({ resource, ...rest }) => ({ ...rest, resource: resource.key })) },
    );
  }

  /** Checks, then adds `deltas` to the project's usage. Mutates `state` (a draft). */
  consume(state: QuotaState, projectId: string, deltas: Readonly<Record<string, number>>): void {
    this.check(state, projectId, deltas);
    this.adjust(state, projectId, deltas);
  }

  /**
   * Adds `deltas` to the project's usage without checking the limits: resources a service makes
   * on its own count, but no request asked for them (Neutron's internal ports, a default security
   * group). Mutates.
   */
  count(state: QuotaState, projectId: string, deltas: Readonly<Record<string, number>>): void {
    this.adjust(state, projectId, deltas);
  }

  /** Returns resources (usage goes down by `amounts`, never below zero). Mutates. */
  release(state: QuotaState, projectId: string, amounts: Readonly<Record<string, number>>): void {
    const negated: Record<string, number> = {};
    for (const [k, a] of Object.entries(amounts)) negated[k] = -a;
    this.adjust(state, projectId, negated);
  }

  private adjust(state: QuotaState, projectId: string, deltas: Readonly<Record<string, number>>): void {
    const current = getRow(peek(state, 'usage'), projectId) ?? {};
    const next: Record<string, number> = { ...current };
    for (const [key, delta] of Object.entries(deltas)) {
      this.get(key, `quota.${key}`);
      next[key] = Math.max(0, (next[key] ?? 0) + delta);
    }
    setRow(state.usage as Table<Record<string, number>>, projectId, next);
  }

  /** Sets a project's limit for one resource (-1 = unlimited). Mutates. */
  setLimit(state: QuotaState, projectId: string, key: unknown, limit: unknown): void {
    const r = this.get(key);
    const value = v.integer(limit, `quota.${r.key}`, -1);
    const current = getRow(state.limits, projectId) ?? {};
    setRow(state.limits as Table<Record<string, number>>, projectId, { ...current, [r.key]: value });
  }

  /** Drops a project's explicit limits of one service's resources: they return to the defaults. Mutates. */
  clearLimits(state: QuotaState, projectId: string, service: string): void {
    const current = getRow(state.limits, projectId);
    if (current === undefined) return;
    const rest: Record<string, number> = {};
    for (const [k, limit] of Object.entries(current)) if (!k.startsWith(`${service}.`)) rest[k] = limit;
    if (Object.keys(rest).length === 0) deleteRow(state.limits as Table<Record<string, number>>, projectId);
    else setRow(state.limits as Table<Record<string, number>>, projectId, rest);
  }

  /** Changes the default limit every project without an explicit limit gets. Mutates. */
  setDefault(state: QuotaState, key: unknown, limit: unknown): void {
    const r = this.get(key);
    (state.defaults as Record<string, number>)[r.key] = v.integer(limit, `quota.${r.key}`, -1);
  }
}
