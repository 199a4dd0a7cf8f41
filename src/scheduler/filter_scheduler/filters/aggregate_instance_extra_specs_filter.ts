import type { HostFilter } from '../types.js';
import { matchExtraSpec } from './extra_specs_ops.js';
import { aggregateMetadataGetByHost, showSet } from './utils.js';

const SCOPE = 'aggregate_instance_extra_specs';

/**
 * AggregateInstanceExtraSpecsFilter: each flavor extra spec that is unscoped or in the
 * `aggregate_instance_extra_specs:` scope must match a value of that key in the host's aggregates'
 * metadata (comma lists split), in the extra-specs operator language
 * (`nova/scheduler/filters/aggregate_instance_extra_specs.py`). Keys of other scopes are ignored.
 */
export const AggregateInstanceExtraSpecsFilter: HostFilter = {
  name: 'AggregateInstanceExtraSpecsFilter',
  runFilterForEachInstance: false,
  passesAll: (spec) => Object.keys(spec.flavor.extra_specs).length === 0,
  hostPasses(host, spec) {
    const specs = Object.entries(spec.flavor.extra_specs);
    if (specs.length === 0) return true;
    const metadata = aggregateMetadataGetByHost(host);
    for (const [fullKey, req] of specs) {
      const colon = fullKey.indexOf(':');
      let key = fullKey;
      if (colon >= 0) {
        if (fullKey.slice(0, colon) !== SCOPE) continue;
        key = fullKey.slice(colon + 1);
      }
      const values = metadata.get(key);
      if (values === undefined || values.size === 0) return `extra spec '${fullKey}': no aggregate of the host has metadata '${key}'`;
      if (![...values].some((v) => matchExtraSpec(v, req))) {
        return `extra spec '${fullKey}': '${req}' matches none of the aggregate values ${showSet(values)}`;
      }
    }
    return true;
  },
};
