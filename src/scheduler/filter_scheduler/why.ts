/**
 * Why a request found no valid host, in words: what stacksim adds to nova's own reason ("There
 * are not enough hosts available.", nova/scheduler/manager.py `_ensure_sufficient_hosts`; nova
 * says nothing more, and logs the filter that returned no host). The resource class no host had
 * enough of and the largest free amount of it on one host, or "there are no compute hosts", or
 * the step (request filter, Placement, filter) that removed the last hosts.
 */
import { NOT_ENOUGH_HOSTS } from './errors.js';
import type { FilterTrace } from './explain.js';

/** The resource class no host had enough of, and the most of it one allocation could take on one host. */
export interface Shortfall {
  readonly resource_class: string;
  readonly requested: number;
  /** The most of the class one allocation could take on one host: `min(max_unit, capacity − used)`, at least 0. */
  readonly largest_free: number;
  /** The (first) host with that much free; null when no host has any free. */
  readonly largest_free_host: string | null;
  /** The classes asked before it that some hosts had no room for (the hosts looked at are those with room for them). */
  readonly after: readonly string[];
}

/**
 * The first class of `want` (in request order) that no host of `hosts` has room for, counting only
 * the hosts with room for the classes before it; null when some host has room for all of them.
 */
export function shortfallOf<H>(hosts: readonly H[], want: readonly (readonly [string, number])[], fits: (h: H, rc: string, amount: number) => boolean, free: (h: H, rc: string) => number, name: (h: H) => string): Shortfall | null {
  let left = hosts;
  const after: string[] = [];
  for (const [rc, amount] of want) {
    const keep = left.filter((h) => fits(h, rc, amount));
    if (keep.length === 0) {
      let largest = 0;
      let host: string | null = null;
      for (const h of left) {
        const f = free(h, rc);
        if (f > largest) {
          largest = f;
          host = name(h);
        }
      }
      return { resource_class: rc, requested: amount, largest_free: largest, largest_free_host: host, after };
    }
    if (keep.length < left.length) after.push(rc);
    left = keep;
  }
  return null;
}

const num = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3))));

/** nova's reason with stacksim's explanation after it. */
export function notEnoughHosts(why: string): string {
  return `${NOT_ENOUGH_HOSTS} ${why}`;
}

/** The words for a {@link Shortfall}. */
export function shortfallReason(s: Shortfall): string {
  const who = s.after.length === 0 ? 'No host' : `No host with room for ${s.after.join(' and ')}`;
  const where = s.largest_free_host === null ? '' : ` (${s.largest_free_host})`;
  return `${who} can take ${s.resource_class} ${num(s.requested)}: the largest free amount of ${s.resource_class} on one ${s.after.length === 0 ? 'host' : 'such host'} is ${num(s.largest_free)}${where}.`;
}

/** The words for a step that removed the last hosts, with the first host it removed and why. */
export function emptiedReason(step: FilterTrace): string {
  const first = step.removed[0];
  const example = first === undefined ? '' : ` (${first.host === first.nodename ? first.host : `${first.host} (${first.nodename})`}: ${first.reason})`;
  return `${step.name} removed the last ${step.start === 1 ? 'host' : `${step.start} hosts`}${example}.`;
}

/** The words when there is no compute host to choose from. */
export const NO_COMPUTE_HOSTS = 'There are no compute hosts.';

/** Why an aggregate isolated by its trait metadata (`isolate_aggregates`) keeps a host out. */
export function isolatedAggregateReason(agg: { readonly name: string; readonly metadata: Readonly<Record<string, string>> }): string {
  return `in aggregate '${agg.name}' isolated by its trait metadata (${Object.keys(agg.metadata).filter((k) => k.startsWith('trait:')).join(', ')}) the request does not require`;
}

/** Why a host's traits keep it out of Placement's answer (required and forbidden traits), or true. */
export function traitReason(traits: readonly string[], terms: { readonly required: readonly string[]; readonly forbidden: readonly string[]; readonly why: Readonly<Record<string, string>> }): string | true {
  const missing = terms.required.find((t) => !traits.includes(t));
  if (missing !== undefined) return `lacks required trait ${missing} (${terms.why[missing] ?? 'requested'})`;
  const present = terms.forbidden.find((t) => traits.includes(t));
  return present === undefined ? true : `has forbidden trait ${present} (${terms.why[present] ?? 'requested'})`;
}
