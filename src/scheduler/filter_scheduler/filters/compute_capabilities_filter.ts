import type { HostFilter, HostState } from '../types.js';
import { pyFloatStr, pyStr } from '../py.js';
import { matchExtraSpec } from './extra_specs_ops.js';

const FLOAT_FIELDS = new Set(['ram_allocation_ratio', 'cpu_allocation_ratio', 'disk_allocation_ratio']);

/** A HostState attribute, falling back to its `stats` as nova does; `undefined` when neither has it. */
function attribute(host: HostState, key: string): unknown {
  const value = Object.hasOwn(host, key) ? (host as unknown as Record<string, unknown>)[key] : undefined;
  if (value !== undefined && value !== null) return value;
  return Object.hasOwn(host.stats, key) ? host.stats[key] : undefined;
}

/** Walks `scope` down from the host (`_get_capabilities`); JSON strings are parsed on the way. */
function capability(host: HostState, scope: readonly string[]): unknown {
  let cap: unknown = host;
  let top = true;
  for (const key of scope) {
    if (typeof cap === 'string') {
      try {
        cap = JSON.parse(cap);
      } catch {
        return undefined;
      }
    }
    if (top) cap = attribute(host, key);
    else if (cap !== null && typeof cap === 'object' && !Array.isArray(cap)) cap = (cap as Record<string, unknown>)[key];
    else return undefined;
    top = false;
    if (cap === undefined || cap === null) return undefined;
  }
  return cap;
}

/**
 * ComputeCapabilitiesFilter: the flavor's `capabilities:<attr>[:<key>…]` extra specs (and
 * unscoped keys that name a host attribute or stat) must match the host's value, in the
 * extra-specs operator language (`nova/scheduler/filters/compute_capabilities_filter.py`).
 * Keys in other scopes (`hw:`, `aggregate_instance_extra_specs:`, `trait:`…) are ignored.
 */
export const ComputeCapabilitiesFilter: HostFilter = {
  name: 'ComputeCapabilitiesFilter',
  runFilterForEachInstance: false,
  // only unscoped keys and the `capabilities:` scope are checked: a flavor with other scopes only
  // (`hw:`, `hw_rng:`, `trait:` …, as DevStack's) passes every host, as hostPasses would say
  passesAll: (spec) => Object.keys(spec.flavor.extra_specs).every((key) => key.includes(':') && key.slice(0, key.indexOf(':')) !== 'capabilities'),
  hostPasses(host, spec) {
    for (const [key, req] of Object.entries(spec.flavor.extra_specs)) {
      let scope = key.split(':');
      if (scope.length === 1) {
        if (!Object.hasOwn(host, key) && !Object.hasOwn(host.stats, key)) continue;
      } else if (scope[0] !== 'capabilities') {
        continue;
      } else {
        scope = scope.slice(1);
      }
      const cap = capability(host, scope);
      if (cap === undefined) return `extra spec '${key}': the host has no capability '${scope.join(':')}'`;
      const text = typeof cap === 'number' && scope.length === 1 && FLOAT_FIELDS.has(scope[0] as string) ? pyFloatStr(cap) : pyStr(cap);
      if (!matchExtraSpec(text, req)) return `extra spec '${key}': '${req}' does not match the host's '${text}'`;
    }
    return true;
  },
};
