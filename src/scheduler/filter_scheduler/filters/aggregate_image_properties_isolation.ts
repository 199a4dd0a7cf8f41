import type { FilterVerdict, HostFilter, HostState, RequestSpec, SchedulerConfig } from '../types.js';
import { imageMetaProps, isImageProperty } from '../image_meta.js';
import { pyStr, pyTruthy } from '../py.js';
import { aggregateMetadataGetByHost, showSet } from './utils.js';

/**
 * AggregateImagePropertiesIsolation: for each metadata key of the host's aggregates that names an
 * image property (within `[filter_scheduler] aggregate_image_properties_isolation_namespace` and
 * `_separator` when set), an image that sets the property must have one of the aggregate's values
 * (`nova/scheduler/filters/aggregate_image_properties_isolation.py`). Images without the
 * property pass; keys that are not nova image properties are ignored.
 */
export const AggregateImagePropertiesIsolation: HostFilter = {
  name: 'AggregateImagePropertiesIsolation',
  runFilterForEachInstance: false,
  hostPasses: (host, spec, config) => verdictFor(spec, config)(host),
  verdictFor,
};

function verdictFor(spec: RequestSpec, config: SchedulerConfig): (host: HostState) => FilterVerdict {
  const namespace = config.filter_scheduler.aggregate_image_properties_isolation_namespace;
  const separator = config.filter_scheduler.aggregate_image_properties_isolation_separator;
  const props = imageMetaProps(spec.image);
  return (host) => {
    for (const [key, options] of aggregateMetadataGetByHost(host)) {
      if (namespace && !key.startsWith(namespace + separator)) continue;
      if (!isImageProperty(key)) continue;
      const prop = props.get(key);
      if (pyTruthy(prop) && !options.has(pyStr(prop))) {
        return `image property ${key}='${pyStr(prop)}' is not in the aggregate values ${showSet(options)}`;
      }
    }
    return true;
  };
}
