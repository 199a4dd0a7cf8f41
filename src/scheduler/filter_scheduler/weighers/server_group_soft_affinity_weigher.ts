import type { HostWeigher } from '../types.js';
import { membersOnHost } from './soft_affinity.js';
import { getWeightMultiplier } from './utils.js';

/**
 * ServerGroupSoftAffinityWeigher: for a `soft-affinity` group, hosts running more of the group's
 * members weigh more (`nova/scheduler/weights/affinity.py`). Aggregate metadata
 * `soft_affinity_weight_multiplier` overrides the option.
 */
export const ServerGroupSoftAffinityWeigher: HostWeigher = {
  name: 'ServerGroupSoftAffinityWeigher',
  minval: null,
  maxval: null,
  multiplier: (config, host) =>
    getWeightMultiplier(host, 'soft_affinity_weight_multiplier', config.filter_scheduler.soft_affinity_weight_multiplier),
  weigh: (host, spec) => membersOnHost(host, spec, 'soft-affinity'),
  uniformWeight: (spec) => (spec.instance_group === null || spec.instance_group.policy !== 'soft-affinity' ? 0 : null),
};
