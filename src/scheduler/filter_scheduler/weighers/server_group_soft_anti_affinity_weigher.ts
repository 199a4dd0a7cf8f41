import type { HostWeigher } from '../types.js';
import { membersOnHost } from './soft_affinity.js';
import { getWeightMultiplier } from './utils.js';

/**
 * ServerGroupSoftAntiAffinityWeigher: for a `soft-anti-affinity` group, hosts running fewer of
 * the group's members weigh more (raw weight −members) (`nova/scheduler/weights/affinity.py`).
 * Aggregate metadata `soft_anti_affinity_weight_multiplier` overrides the option.
 */
export const ServerGroupSoftAntiAffinityWeigher: HostWeigher = {
  name: 'ServerGroupSoftAntiAffinityWeigher',
  minval: null,
  maxval: null,
  multiplier: (config, host) =>
    getWeightMultiplier(host, 'soft_anti_affinity_weight_multiplier', config.filter_scheduler.soft_anti_affinity_weight_multiplier),
  weigh: (host, spec) => -membersOnHost(host, spec, 'soft-anti-affinity'),
  // -0, as weigh gives (−0 members): the explanation shows the same raw weight either way
  uniformWeight: (spec) => (spec.instance_group === null || spec.instance_group.policy !== 'soft-anti-affinity' ? -0 : null),
};
