/**
 * Swift's rings as pure functions over plain, frozen, JSON-serialisable data: the builder
 * (`swift-ring-builder`: create, add, remove, set_weight, set_overload, rebalance, dispersion)
 * and the ring a proxy reads (`get_nodes`, `get_more_nodes`, `hash_path`). Behaviour follows
 * Swift Zed (2.30) `swift/common/ring/`.
 */
export {
  createRingBuilder,
  addDevice,
  removeDevice,
  setDeviceWeight,
  setOverload,
  setReplicas,
  setMinPartHours,
  pretendMinPartHoursPassed,
  minPartSecondsLeft,
  nextDeviceId,
  rebalance,
  getBalance,
  getRequiredOverload,
  getDispersion,
  type RebalanceResult,
  type DispersionReport,
  type TierDispersion,
} from './builder.js';
export { getRing, hashPath, getPartition, getNodes, getPartNodes, getMoreNodes } from './ring.js';
export {
  NONE_DEV,
  MAX_BALANCE,
  MAX_BALANCE_GATHER_COUNT,
  MAX_PART_POWER,
  MAX_REPLICAS,
  MAX_DEVICE_ID,
  MIN_WEIGHT,
  MAX_WEIGHT,
  type RingBuilderData,
  type RingDevice,
  type RingDeviceInput,
  type RingDeviceView,
  type RingData,
  type RingNode,
  type HandoffNode,
  type HashPathOptions,
} from './types.js';
