import type { FilterVerdict, HostFilter, HostState, RequestSpec, SchedulerConfig } from '../types.js';
import { canonicalArch, imageMetaProps, parseVersionPredicate, versionToString } from '../image_meta.js';

/**
 * ImagePropertiesFilter: the image's `hw_architecture`, `img_hv_type` and `hw_vm_mode` (or their
 * legacy names `architecture`, `hypervisor_type`, `vm_mode`) must appear together in one of the
 * host's `supported_instances`, and its `img_hv_requested_version` must accept the host's
 * `hypervisor_version` (`nova/scheduler/filters/image_props_filter.py`). An image without such
 * properties falls back to `[filter_scheduler] image_properties_default_architecture`.
 */
/** What the image asks of the host: architecture, hypervisor type, VM mode (those set). */
function wantedOf(spec: RequestSpec, config: SchedulerConfig): { props: ReadonlyMap<string, string | number | boolean>; wanted: string[] } {
  const fallbackArch = config.filter_scheduler.image_properties_default_architecture;
  const props = imageMetaProps(spec.image);
  const arch = props.get('hw_architecture') ?? (fallbackArch === null ? undefined : canonicalArch(fallbackArch) ?? undefined);
  const wanted: string[] = [];
  for (const p of [arch, props.get('img_hv_type'), props.get('hw_vm_mode')]) if (p !== undefined && p !== '') wanted.push(p as string);
  return { props, wanted };
}

export const ImagePropertiesFilter: HostFilter = {
  name: 'ImagePropertiesFilter',
  runFilterForEachInstance: false,
  passesAll: (spec, config) => wantedOf(spec, config).wanted.length === 0,
  hostPasses: (host, spec, config) => verdictFor(spec, config)(host),
  verdictFor,
};

function verdictFor(spec: RequestSpec, config: SchedulerConfig): (host: HostState) => FilterVerdict {
  const { props, wanted } = wantedOf(spec, config);
  if (wanted.length === 0) return () => true;
  return (host) => {
    const shown = `(${wanted.join(', ')})`;
    if (host.supported_instances.length === 0) return `image requires ${shown} but the host advertises no supported_instances`;
    const required = props.get('img_hv_requested_version');
    const versionOk = (): boolean => {
      if (!host.hypervisor_version || !required) return true;
      const predicate = parseVersionPredicate(String(required));
      return predicate !== null && predicate(versionToString(host.hypervisor_version));
    };
    for (const supported of host.supported_instances) {
      if (wanted.every((p) => supported.includes(p)) && versionOk()) return true;
    }
    const version = host.hypervisor_version ? ` hypervisor version ${versionToString(host.hypervisor_version)}` : '';
    return `image requires ${shown}${required ? ` and hypervisor version '${String(required)}'` : ''}; the host supports ${host.supported_instances
      .map((s) => `(${s.join(', ')})`)
      .join(', ')}${version}`;
  };
}
