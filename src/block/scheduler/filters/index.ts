/**
 * The volume filter registry: every backend filter stacksim simulates, in one explicit array, as
 * Cinder's `cinder.scheduler.filters` entry points list the classes of `cinder/scheduler/filters/`.
 */
import { BadRequest, describeValue } from '../../../core/index.js';
import { CinderError } from '../../errors.js';
import type { BackendFilter } from '../types.js';
import { AvailabilityZoneFilter } from './availability_zone_filter.js';
import { CapabilitiesFilter } from './capabilities_filter.js';
import { CapacityFilter } from './capacity_filter.js';

/** Every simulated filter. */
export const BACKEND_FILTERS: readonly BackendFilter[] = Object.freeze([AvailabilityZoneFilter, CapacityFilter, CapabilitiesFilter]);

/**
 * Filters Cinder Zed ships that stacksim does not simulate, with what they would need; naming one
 * in `scheduler_default_filters` is refused with a `block.scheduler.filter_not_simulated` 400.
 * (`RetryFilter` is only an entry point name: its class is `IgnoreAttemptedHostsFilter`, and
 * Cinder looks filters up by class name, so `RetryFilter` is not found in Cinder either.)
 */
export const NOT_SIMULATED_BACKEND_FILTERS: Readonly<Record<string, string>> = Object.freeze({
  DriverFilter: "pools report no filter_function (the driver's evaluator language is not simulated)",
  JsonFilter: 'scheduler hints are not simulated for volumes',
  DifferentBackendFilter: 'scheduler hints are not simulated for volumes',
  SameBackendFilter: 'scheduler hints are not simulated for volumes',
  InstanceLocalityFilter: 'scheduler hints are not simulated for volumes',
  IgnoreAttemptedHostsFilter: 'rescheduling is not simulated (a volume is created on the pool chosen)',
});

const BY_NAME: ReadonlyMap<string, BackendFilter> = new Map(BACKEND_FILTERS.map((f) => [f.name, f]));

/** The filter named `name` (Cinder's class name), or undefined. */
export function backendFilterByName(name: string): BackendFilter | undefined {
  return BY_NAME.get(name);
}

/**
 * Checks a `scheduler_default_filters` list (host_manager's `_choose_backend_filters`): an array
 * of class names, each simulated. Unknown names are Cinder's `SchedulerHostFilterNotFound`
 * ("Scheduler Host Filter A, B could not be found.", every bad name at once), as a 400 since it
 * is bad configuration; a filter Cinder has and stacksim does not simulate is a 400 saying so.
 */
export function checkFilterNames(value: unknown, field = 'scheduler_default_filters'): readonly BackendFilter[] {
  if (!Array.isArray(value)) throw new BadRequest('block.config.invalid', `${field}: expected an array of filter class names, got ${describeValue(value)}.`, { field });
  if (value.length > 64) throw new BadRequest('block.config.invalid', `${field}: must have at most 64 items, got ${value.length}.`, { field });
  const out: BackendFilter[] = [];
  const bad: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const name: unknown = value[i];
    if (typeof name !== 'string') throw new BadRequest('block.config.invalid', `${field}[${i}]: expected a filter class name, got ${describeValue(name)}.`, { field: `${field}[${i}]` });
    const filter = BY_NAME.get(name);
    if (filter !== undefined) out.push(filter);
    else if (Object.hasOwn(NOT_SIMULATED_BACKEND_FILTERS, name)) {
      throw new BadRequest('block.scheduler.filter_not_simulated', `${field}: ${name} is not simulated (${NOT_SIMULATED_BACKEND_FILTERS[name]}); remove it from the list.`, { field, name });
    } else bad.push(name);
  }
  if (bad.length > 0) {
    throw new CinderError(400, 'block.scheduler.filter_not_found', 'SchedulerHostFilterNotFound', `Scheduler Host Filter ${bad.join(', ')} could not be found.`, { field, names: bad });
  }
  return out;
}

export { AvailabilityZoneFilter, CapabilitiesFilter, CapacityFilter };
