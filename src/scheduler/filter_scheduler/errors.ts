/**
 * The scheduler's own errors, with stable dotted codes that are never renamed.
 */
import { BadRequest, CloudError, NotFound } from '../../core/index.js';
import type { Explanation } from './explain.js';

/** What nova answers when placement finds no host: `There are not enough hosts available.` */
export const NOT_ENOUGH_HOSTS = 'There are not enough hosts available.';

/**
 * nova's `NoValidHost` ("No valid host was found. …"): some instance of the request found no host
 * (all or nothing), so nothing was placed. The message is nova's, "No valid host was found. There
 * are not enough hosts available.", then why (nova only logs it): there are no compute hosts
 * (`details.no_compute_hosts`), or no host can take a resource class (`details.resource_class`,
 * `requested`, `largest_free` — the most one allocation could take on one host — and
 * `largest_free_host`), or a step removed the last hosts (`details.filter`, and
 * `details.eliminated_by` with the hosts it removed and why). `details.stage` says where:
 * `prefilter`, `placement`, `filter` or `claim`. Carries the {@link Explanation} (not in
 * `details`, to keep the error body small). Status 400, what nova's API answers when it surfaces
 * the error synchronously (a live migration); a boot instead ends in ERROR with a fault whose
 * code is `details.fault_code` (500, `NovaException`'s code).
 */
export class NoValidHost extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'NoValidHost';
  /** The decision, step by step. */
  readonly explanation: Explanation;

  constructor(reason: string, explanation: Explanation, details: Readonly<Record<string, unknown>> = {}) {
    super(400, 'scheduler.no_valid_host', `No valid host was found. ${reason}`, {
      reason,
      fault_code: 500,
      ...details,
    });
    this.explanation = explanation;
  }
}

/**
 * nova's `ComputeHostMetricNotFound` (404): MetricsWeigher needs a metric a host does not
 * report while `[metrics] required` is true. Enable MetricsFilter to remove such hosts first.
 */
export class ComputeHostMetricNotFound extends NotFound {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'ComputeHostMetricNotFound';
  constructor(host: string, nodename: string, metric: string) {
    super('scheduler.metric_not_found', `Metric ${metric} could not be found on the compute host node ${host}.${nodename}.`, {
      host,
      nodename,
      metric,
    });
  }
}

/** A nova filter or weigher stacksim does not simulate (400, `scheduler.<kind>.not_simulated`). */
export class NotSimulated extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'NotSimulated';
  constructor(kind: 'filter' | 'weigher', name: string, why: string, field: string) {
    super(`scheduler.${kind}.not_simulated`, `${field}: ${name} is not simulated (${why}); remove it from the list.`, {
      field,
      name,
    });
  }
}
