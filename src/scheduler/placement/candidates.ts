/**
 * `GET /allocation_candidates` (placement/objects/allocation_candidate.py) for single
 * providers: every provider with inventory and free capacity for all requested classes, the
 * required traits and none of the forbidden ones, in the requested aggregates and tree; in
 * provider order (`randomize_allocation_candidates` false), at most `limit`.
 *
 * Not simulated: candidates spanning a provider tree or sharing providers, granular request
 * groups (`resources1=…`, `group_policy`), `root_required`, `same_subtree`.
 */
import { InvalidInput, check, getRow, memoSlot, plain, tableToArray, type CloudState, type Memo, type Table } from '../../core/index.js';
import { capacityOf } from './capacity.js';
import { checkUuid, isResourceClass, isTrait } from './store.js';
import type { ResourceProviderRow } from './types.js';

type S = CloudState;

/** A candidate query, as the query string of `GET /allocation_candidates` says it. */
export interface CandidateQuery {
  /** `resources=VCPU:1,MEMORY_MB:512`, as an object or that string. */
  readonly resources: Readonly<Record<string, number>> | string;
  /**
   * `required=HW_CPU_X86_AVX2,!CUSTOM_SLOW`: traits the provider must (or, with `!`, must not) have.
   * As an array, each entry is one trait, `!trait`, or (1.39) `in:A,B`: at least one of A and B.
   */
  readonly required?: readonly string[] | string;
  /** `member_of`: each entry `agg`, `in:a,b` (any of), `!agg` or `!in:a,b` (none of); all entries must hold. */
  readonly member_of?: readonly string[];
  /** `in_tree=<uuid>`: only providers in that provider's tree. */
  readonly in_tree?: string;
  /** At most this many candidates (nova asks for `max_placement_results`, 1000). */
  readonly limit?: number;
}

/** A checked query. */
export interface ParsedQuery {
  readonly resources: Map<string, number>;
  readonly required: Set<string>;
  readonly forbidden: Set<string>;
  /** `required=in:A,B` groups (1.39): the provider must have at least one trait of each group. */
  readonly anyOf: readonly (readonly string[])[];
  readonly memberOf: { readonly any: readonly string[]; readonly none: boolean }[];
  readonly inTree: string | undefined;
  readonly limit: number | undefined;
}

/** One candidate's provider summary. */
export interface ProviderSummary {
  readonly resources: Readonly<Record<string, { readonly capacity: number; readonly used: number }>>;
  readonly traits: readonly string[];
  readonly parent_provider_uuid: string | null;
  readonly root_provider_uuid: string;
}

/** What `GET /allocation_candidates` returns (microversion 1.36 shape). */
export interface AllocationCandidates {
  readonly allocation_requests: readonly { readonly allocations: Readonly<Record<string, { readonly resources: Readonly<Record<string, number>> }>>; readonly mappings: Readonly<Record<string, readonly string[]>> }[];
  readonly provider_summaries: Readonly<Record<string, ProviderSummary>>;
}

/** Checks a candidate query (400 naming the parameter for anything malformed). */
export function parseQuery(s: S, input: unknown): ParsedQuery {
  const q = check.record(input, 'query');
  check.onlyKeys(q, ['resources', 'required', 'member_of', 'in_tree', 'limit'], 'query');
  const resources = new Map<string, number>();
  const entries: [string, unknown][] = typeof q.resources === 'string'
    ? q.resources.split(',').map((part) => {
        const [rc, amount] = part.split(':');
        if (rc === undefined || amount === undefined || !/^\d+$/.test(amount)) throw new InvalidInput('query.resources', `Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: ${String(q.resources)}.`);
        return [rc.trim(), Number(amount)];
      })
    : Object.entries(check.record(q.resources, 'query.resources'));
  for (const [rc, amount] of entries) {
    if (!isResourceClass(s, rc)) throw new InvalidInput(`query.resources.${rc}`, `Invalid resource class in resources parameter: ${rc}.`);
    const n = check.integer(amount, `query.resources.${rc}`, 1);
    resources.set(rc, (resources.get(rc) ?? 0) + n);
  }
  if (resources.size === 0) throw new InvalidInput('query.resources', 'give at least one resource class and amount.');
  const required = new Set<string>();
  const forbidden = new Set<string>();
  const anyOf: string[][] = [];
  const traits = q.required === undefined ? [] : typeof q.required === 'string' ? (q.required.startsWith('in:') ? [q.required] : q.required.split(',')) : check.array(q.required, 'query.required', (t, f) => check.name(t, f, 10_000));
  for (const raw of traits) {
    const t = raw.trim();
    if (t.startsWith('in:')) {
      const group = t.slice(3).split(',').map((x) => x.trim());
      for (const name of group) if (!isTrait(s, name)) throw new InvalidInput('query.required', `No such trait(s): ${name}.`);
      anyOf.push(group);
      continue;
    }
    const name = t.startsWith('!') ? t.slice(1) : t;
    if (!isTrait(s, name)) throw new InvalidInput('query.required', `No such trait(s): ${name}.`);
    (t.startsWith('!') ? forbidden : required).add(name);
  }
  const both = [...required].filter((t) => forbidden.has(t));
  if (both.length > 0) throw new InvalidInput('query.required', `Conflicting required and forbidden traits found: ${both.join(', ')}.`);
  const memberOf = (q.member_of === undefined ? [] : check.array(q.member_of, 'query.member_of', (m, f) => check.name(m, f, 10_000))).map((m) => {
    const none = m.startsWith('!');
    const body = none ? m.slice(1) : m;
    const list = (body.startsWith('in:') ? body.slice(3) : body).split(',').map((x) => x.trim());
    if (list.some((x) => !/^[0-9a-f-]{32,36}$/i.test(x))) throw new InvalidInput('query.member_of', `Invalid query string parameters: Expected 'member_of' parameter to contain valid UUID(s). Got: ${m}.`);
    return { any: list.map((x) => x.toLowerCase()), none };
  });
  return {
    resources,
    required,
    forbidden,
    anyOf,
    memberOf,
    inTree: q.in_tree === undefined ? undefined : checkUuid(q.in_tree, 'query.in_tree'),
    limit: q.limit === undefined ? undefined : check.integer(q.limit, 'query.limit', 1),
  };
}

/** Whether `rp` can take the whole query by itself, and its inventories if so. */
export function providerFits(s: S, rp: ResourceProviderRow, q: ParsedQuery): boolean {
  if (q.inTree !== undefined) {
    const tree = getRow(s.placement.providers, q.inTree);
    if (!tree || tree.root_provider_uuid !== rp.root_provider_uuid) return false;
  }
  // straight from the provider row: this runs for every provider on every request
  for (const [rc, amount] of q.resources) {
    const inv = rp.inventories[rc];
    if (!inv) return false;
    if (amount < inv.min_unit || amount > inv.max_unit || amount % inv.step_size !== 0) return false;
    if ((rp.usages[rc] ?? 0) + amount > capacityOf(inv)) return false;
  }
  for (const t of q.required) if (!rp.traits.includes(t)) return false;
  for (const t of q.forbidden) if (rp.traits.includes(t)) return false;
  for (const group of q.anyOf) if (!group.some((t) => rp.traits.includes(t))) return false;
  for (const m of q.memberOf) {
    const inAny = m.any.some((a) => rp.aggregates.includes(a));
    if (m.none ? inAny : !inAny) return false;
  }
  return true;
}

/**
 * Why a provider cannot take `amount` of class `rc` by itself, in Placement's order (inventory,
 * min_unit / max_unit / step_size, then capacity: placement/objects/allocation.py
 * `_check_capacity_exceeded`), or null. For explanations: {@link providerFits} is the hot path.
 */
export function classFaultOn(rp: ResourceProviderRow, rc: string, amount: number): string | null {
  const inv = Object.hasOwn(rp.inventories, rc) ? rp.inventories[rc] : undefined;
  if (inv === undefined) return `no ${rc} inventory`;
  if (amount > inv.max_unit) return `${rc} ${amount} requested exceeds max_unit ${inv.max_unit}`;
  if (amount < inv.min_unit) return `${rc} ${amount} requested is below min_unit ${inv.min_unit}`;
  if (amount % inv.step_size !== 0) return `${rc} ${amount} requested is not a multiple of step_size ${inv.step_size}`;
  const used = Object.hasOwn(rp.usages, rc) ? (rp.usages[rc] as number) : 0;
  const cap = capacityOf(inv);
  if (used + amount > cap) return `insufficient ${rc}: ${used} used of capacity ${cap} (${inv.reserved > 0 ? `(${inv.total} − ${inv.reserved} reserved)` : inv.total} × ${inv.allocation_ratio}), ${amount} requested`;
  return null;
}

/** The most of class `rc` one allocation could take on a provider now: `min(max_unit, capacity − used)`, at least 0 (0 without inventory). */
export function freeOf(rp: ResourceProviderRow, rc: string): number {
  const inv = Object.hasOwn(rp.inventories, rc) ? rp.inventories[rc] : undefined;
  if (inv === undefined) return 0;
  const used = Object.hasOwn(rp.usages, rc) ? (rp.usages[rc] as number) : 0;
  return Math.max(0, Math.min(inv.max_unit, capacityOf(inv) - used));
}

/**
 * Provider uuids in creation order, per (frozen) name index: it changes only when a provider is
 * created, renamed or deleted, not on every allocation as the providers table does.
 */
const BY_CREATION = memoSlot<Table<string>, readonly string[]>('placement.providerOrder');

/** Provider uuids in creation order (the order candidates come in); kept in a kernel's `memo` when given. */
export function providerOrder(s: S, memo?: Memo): readonly string[] {
  const names = plain(s.placement.provider_names);
  const order = (): readonly string[] => Object.freeze(tableToArray(plain(s.placement.providers)).sort((a, b) => a.id - b.id).map((rp) => rp.uuid));
  return memo === undefined ? order() : memo.of(BY_CREATION, names, order);
}

/** The providers that can take a parsed query, in creation order, at most `limit` (no summaries built). */
export function candidateProviders(s: S, q: ParsedQuery, memo?: Memo): ResourceProviderRow[] {
  const out: ResourceProviderRow[] = [];
  const providers = plain(s.placement.providers);
  for (const uuid of providerOrder(s, memo)) {
    if (q.limit !== undefined && out.length >= q.limit) break;
    const rp = getRow(providers, uuid);
    if (rp && providerFits(s, rp, q)) out.push(rp);
  }
  return out;
}

/** The candidates for a query, in provider order (creation order), at most `limit`. */
export function allocationCandidates(s: S, query: unknown, memo?: Memo): AllocationCandidates {
  const q = parseQuery(s, query);
  const requests: AllocationCandidates['allocation_requests'][number][] = [];
  const summaries: Record<string, ProviderSummary> = {};
  const wanted = Object.fromEntries(q.resources);
  for (const rp of candidateProviders(s, q, memo)) {
    requests.push({ allocations: { [rp.uuid]: { resources: wanted } }, mappings: { '': [rp.uuid] } });
    const resources: Record<string, { capacity: number; used: number }> = {};
    for (const [rc, inv] of Object.entries(rp.inventories)) resources[rc] = { capacity: capacityOf(inv), used: rp.usages[rc] ?? 0 };
    summaries[rp.uuid] = { resources, traits: rp.traits, parent_provider_uuid: rp.parent_provider_uuid, root_provider_uuid: rp.root_provider_uuid };
  }
  return Object.freeze({ allocation_requests: requests, provider_summaries: summaries });
}

