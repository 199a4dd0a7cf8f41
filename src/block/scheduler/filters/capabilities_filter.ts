import type { BackendFilter, PoolState, VolumeRequestSpec } from '../types.js';
import { PythonRaised, matchCapability } from './extra_specs_ops.js';

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** A capability by its scope path (`capabilities:a:b` → `caps.a.b`), or why it is missing. */
function lookup(capabilities: unknown, scope: readonly string[]): { value: unknown } | { missing: string } {
  let cap = capabilities;
  for (const key of scope) {
    // dict lookup; anything else (a string, a number, a list indexed by a name) is Python's TypeError, caught
    if (cap === null || typeof cap !== 'object' || Array.isArray(cap) || !Object.hasOwn(cap, key)) return { missing: key };
    cap = (cap as Record<string, unknown>)[key];
  }
  return { value: cap };
}

/**
 * Whether a pool's capabilities satisfy the volume type's extra specs, or why not
 * (`CapabilitiesFilter._satisfies_extra_specs`). An extend of an attached volume needs the pool
 * not to report `online_extend_support: false`. Then for each extra spec: a key scoped with
 * anything but `capabilities:` (`provisioning:type`, `RESKEY:availability_zones`, vendor keys) is
 * ignored; `capabilities:` is stripped; the remaining `:`-separated path names the capability
 * (missing: the pool fails); a list capability passes when any of its items matches
 * ({@link matchCapability}).
 */
export function satisfiesExtraSpecs(capabilities: Readonly<Record<string, unknown>>, spec: VolumeRequestSpec): true | string {
  if (spec.new_size !== undefined && capabilities.online_extend_support === false && (spec.attach_status ?? 'detached') !== 'detached') {
    return "Backend doesn't support attached volume extend";
  }
  const extraSpecs = spec.volume_type?.extra_specs;
  if (extraSpecs === undefined) return true;
  for (const [key, req] of Object.entries(extraSpecs)) {
    const scope = key.split(':');
    // ignore scoped (such as vendor-specific) capabilities
    if (scope.length > 1 && scope[0] !== 'capabilities') continue;
    if (scope[0] === 'capabilities') scope.shift();
    const found = lookup(capabilities, scope);
    if ('missing' in found) return `Backend doesn't provide capability '${found.missing}'`;
    const cap = found.value;
    const capList: readonly unknown[] = Array.isArray(cap) ? cap : [cap];
    let matched = false;
    for (const capValue of capList) {
      try {
        matched = matchCapability(capValue, req);
      } catch (e) {
        if (!(e instanceof PythonRaised)) throw e;
        return `cinder raises ${e.message} matching "${key}=${req}" against "${show(capValue)}"; stacksim filters the pool out`;
      }
      if (matched) break;
    }
    if (!matched) return `Volume type extra spec requirement "${key}=${req}" does not match reported capability "${show(cap)}"`;
  }
  return true;
}

/**
 * CapabilitiesFilter (`cinder/scheduler/filters/capabilities_filter.py`): the pool's reported
 * capabilities must satisfy the volume type's extra specs ({@link satisfiesExtraSpecs}). A request
 * without a type, or a type without extra specs, passes everywhere.
 */
export const CapabilitiesFilter: BackendFilter = {
  name: 'CapabilitiesFilter',
  runFilterForEachInstance: true,
  backendPasses: (pool: PoolState, spec: VolumeRequestSpec) => satisfiesExtraSpecs(pool.capabilities, spec),
};
