import type { HostFilter } from '../types.js';

/**
 * IsolatedHostsFilter: images listed in `[filter_scheduler] isolated_images` run only on
 * `isolated_hosts`; with `restrict_isolated_hosts_to_isolated_images` (default true) isolated
 * hosts run only those images (`nova/scheduler/filters/isolated_hosts_filter.py`).
 */
export const IsolatedHostsFilter: HostFilter = {
  name: 'IsolatedHostsFilter',
  runFilterForEachInstance: false,
  hostPasses(host, spec, config) {
    const { isolated_hosts, isolated_images, restrict_isolated_hosts_to_isolated_images: restrict } = config.filter_scheduler;
    const hostIsolated = isolated_hosts.includes(host.host);
    if (isolated_images.length === 0) {
      if (!restrict || !hostIsolated) return true;
      return 'the host is isolated and no image is isolated';
    }
    const imageRef = spec.image?.id ?? null;
    const imageIsolated = imageRef !== null && isolated_images.includes(imageRef);
    if (restrict ? imageIsolated === hostIsolated : !imageIsolated || hostIsolated) return true;
    return imageIsolated ? `image ${imageRef ?? ''} is isolated and the host is not an isolated host` : 'the host is isolated and the image is not';
  },
};
