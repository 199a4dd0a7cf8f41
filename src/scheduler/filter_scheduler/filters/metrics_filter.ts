import type { HostFilter } from '../types.js';
import { parseWeightSetting } from './utils.js';

/**
 * MetricsFilter: hosts that report every metric named in `[metrics] weight_setting`, so that
 * MetricsWeigher can weigh them (`nova/scheduler/filters/metrics_filter.py`).
 */
export const MetricsFilter: HostFilter = {
  name: 'MetricsFilter',
  runFilterForEachInstance: true,
  hostOnly: true,
  hostPasses(host, _spec, config) {
    const present = new Set(host.metrics.map((m) => m.name));
    const missing = [...new Set(parseWeightSetting(config.metrics.weight_setting).map(([name]) => name))].filter((n) => !present.has(n));
    return missing.length === 0 ? true : `the host does not report metric(s) ${missing.join(', ')}`;
  },
};
