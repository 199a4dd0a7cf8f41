import type { HostWeigher } from '../types.js';
import { ComputeHostMetricNotFound } from '../errors.js';
import { parseWeightSetting } from '../filters/utils.js';
import { getWeightMultiplier } from './utils.js';

/**
 * MetricsWeigher: the sum of the host's metrics times their ratios in `[metrics] weight_setting`
 * (`name=ratio, …`) (`nova/scheduler/weights/metrics.py`). A missing metric raises
 * {@link ComputeHostMetricNotFound} when `[metrics] required` (default), else gives the host
 * `weight_of_unavailable` (−10000.0) unless that metric's ratio or the multiplier is 0.
 * Aggregate metadata `metrics_weight_multiplier` overrides `[metrics] weight_multiplier`.
 */
export const MetricsWeigher: HostWeigher = {
  name: 'MetricsWeigher',
  minval: null,
  maxval: null,
  hostOnly: true,
  multiplier: (config, host) => getWeightMultiplier(host, 'metrics_weight_multiplier', config.metrics.weight_multiplier),
  uniformWeight: (_spec, config) => (config.metrics.weight_setting.length === 0 ? 0.0 : null),
  weigh(host, _spec, config) {
    if (config.metrics.weight_setting.length === 0) return 0.0;
    const byName = new Map(host.metrics.map((m) => [m.name, m.value]));
    let value = 0.0;
    for (const [name, ratio] of parseWeightSetting(config.metrics.weight_setting)) {
      const metric = byName.get(name);
      if (metric !== undefined) {
        value += metric * ratio;
        continue;
      }
      if (config.metrics.required) throw new ComputeHostMetricNotFound(host.host, host.nodename, name);
      if (ratio * MetricsWeigher.multiplier(config, host) !== 0) return config.metrics.weight_of_unavailable;
    }
    return value;
  },
};
