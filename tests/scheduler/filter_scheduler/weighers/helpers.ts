/** Weighing a few hosts with one weigher, nova's `_get_weighed_host` in the weigher tests. */
import {
  weighHosts,
  type HostState,
  type HostWeigher,
  type RequestSpec,
  type SchedulerConfig,
} from '../../../../src/scheduler/filter_scheduler/index.js';
import { cfg, fakeSpec } from '../helpers.js';

/** The hosts weighed by `weigher` alone, best first: `[host, weight]`. */
export function weighed(weigher: HostWeigher, hosts: HostState[], config: SchedulerConfig = cfg(), spec: RequestSpec = fakeSpec()): [string, number][] {
  return weighHosts([weigher], hosts, spec, config).weighed.map((w) => [w.host.host, w.weight]);
}
