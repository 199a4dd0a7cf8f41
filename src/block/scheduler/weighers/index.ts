/**
 * The volume weigher registry: every backend weigher stacksim simulates, as Cinder's
 * `cinder.scheduler.weights` entry points list them.
 */
import { BadRequest, describeValue } from '../../../core/index.js';
import { CinderError } from '../../errors.js';
import type { BackendWeigher } from '../types.js';
import { AllocatedCapacityWeigher } from './allocated_capacity_weigher.js';
import { CapacityWeigher } from './capacity_weigher.js';

/** Every simulated weigher. */
export const BACKEND_WEIGHERS: readonly BackendWeigher[] = Object.freeze([CapacityWeigher, AllocatedCapacityWeigher]);

/**
 * Weighers Cinder Zed ships that stacksim does not simulate; naming one in
 * `scheduler_default_weighers` is refused with a `block.scheduler.weigher_not_simulated` 400.
 */
export const NOT_SIMULATED_BACKEND_WEIGHERS: Readonly<Record<string, string>> = Object.freeze({
  ChanceWeigher: 'it draws with Python’s random, outside the seeded cloud',
  GoodnessWeigher: "pools report no goodness_function (the driver's evaluator language is not simulated)",
  VolumeNumberWeigher: 'it counts volumes per backend through the database, which the pool rows do not carry',
});

const BY_NAME: ReadonlyMap<string, BackendWeigher> = new Map(BACKEND_WEIGHERS.map((w) => [w.name, w]));

/** The weigher named `name` (Cinder's class name), or undefined. */
export function backendWeigherByName(name: string): BackendWeigher | undefined {
  return BY_NAME.get(name);
}

/**
 * Checks a `scheduler_default_weighers` list (host_manager's `_choose_backend_weighers`): unknown
 * names are Cinder's `SchedulerHostWeigherNotFound` ("Scheduler Host Weigher A could not be
 * found."), as a 400; a weigher Cinder has and stacksim does not simulate is a 400 saying so.
 */
export function checkWeigherNames(value: unknown, field = 'scheduler_default_weighers'): readonly BackendWeigher[] {
  if (!Array.isArray(value)) throw new BadRequest('block.config.invalid', `${field}: expected an array of weigher class names, got ${describeValue(value)}.`, { field });
  if (value.length > 64) throw new BadRequest('block.config.invalid', `${field}: must have at most 64 items, got ${value.length}.`, { field });
  const out: BackendWeigher[] = [];
  const bad: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const name: unknown = value[i];
    if (typeof name !== 'string') throw new BadRequest('block.config.invalid', `${field}[${i}]: expected a weigher class name, got ${describeValue(name)}.`, { field: `${field}[${i}]` });
    const weigher = BY_NAME.get(name);
    if (weigher !== undefined) out.push(weigher);
    else if (Object.hasOwn(NOT_SIMULATED_BACKEND_WEIGHERS, name)) {
      throw new BadRequest('block.scheduler.weigher_not_simulated', `${field}: ${name} is not simulated (${NOT_SIMULATED_BACKEND_WEIGHERS[name]}); remove it from the list.`, { field, name });
    } else bad.push(name);
  }
  if (bad.length > 0) {
    throw new CinderError(400, 'block.scheduler.weigher_not_found', 'SchedulerHostWeigherNotFound', `Scheduler Host Weigher ${bad.join(', ')} could not be found.`, { field, names: bad });
  }
  return out;
}

export { AllocatedCapacityWeigher, CapacityWeigher };
