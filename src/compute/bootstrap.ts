/**
 * What DevStack's deployment adds to nova (`devstack/lib/nova`): its flavors (`create_flavors`)
 * and the scheduler filters it enables on top of nova's defaults (`FILTERS`: `SameHostFilter`,
 * `DifferentHostFilter`).
 */
import type { Tx } from '../core/index.js';
import { setSchedulerOptions } from '../scheduler/index.js';
import { devstackFlavors } from './flavors.js';

/** DevStack's `[filter_scheduler] enabled_filters`. */
export const DEVSTACK_FILTERS: readonly string[] = ['ComputeFilter', 'ComputeCapabilitiesFilter', 'ImagePropertiesFilter', 'ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter', 'SameHostFilter', 'DifferentHostFilter'];

/** DevStack's part: its flavors and its filters. */
export function deployDevstack(tx: Tx): void {
  devstackFlavors(tx);
  // lib/nova: `iniset $NOVA_CONF DEFAULT allow_resize_to_same_host True` (unless the option was given)
  if (tx.draft.compute.config.allow_resize_to_same_host === null) {
    tx.draft.compute.config = { ...tx.draft.compute.config, allow_resize_to_same_host: true };
    tx.trace('devstack', 'nova.conf [DEFAULT] allow_resize_to_same_host = True');
  }
  setSchedulerOptions(tx, { filter_scheduler: { enabled_filters: [...DEVSTACK_FILTERS] } });
  tx.trace('devstack', `nova.conf [filter_scheduler] enabled_filters = ${DEVSTACK_FILTERS.join(',')}`);
}
