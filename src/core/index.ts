/**
 * The kernel's door: store, tables, seeded ids, clock and tasks, event bus, hooks, quotas,
 * errors, the resolver and traces. Every other module imports core only from here.
 */
export * from './errors.js';
export * as check from './validate.js';
export { describe as describeValue } from './validate.js';
export * from './table.js';
export { pyRepr } from './python.js';
export { namedTable, type NamedTable, type NamedTableSpec } from './named.js';
export { rngInit, rngNextU32, randomOver, seedToNumber, type RngState, type Random } from './rng.js';
export { idSource, formatUuid, type IdSource } from './ids.js';
export { SCHEMA_VERSION, type CloudState, type MetaState, type PolicyConfig, type Progression, type TaskRecord } from './state.js';
export { createBus, deliver, EventBus, type CloudEventMap, type CloudEventListeners, type Notification, type ListenerError } from './bus.js';
export { QuotaRegistry, initialQuotaState, type QuotaResource, type QuotaState, type QuotaDetail } from './quota.js';
export { putBlob, readBlob, releaseBlob, retainBlob, blobBytes, type BlobRow, type BlobInput } from './blobs.js';
export { toBase64, fromBase64 } from './base64.js';
export { resolveRef, resolveTableRow, isIdRef, refId, type Resolver, type Ref, type IdRef } from './resolve.js';
export { TraceLog, type Trace, type TraceStep } from './trace.js';
export { Memo, memoSlot, MEMO_VALUE_LIMIT, type MemoSlot } from './memo.js';
export {
  Kernel,
  ClockWentBackwards,
  ClockOutOfRange,
  LAST_INSTANT_MS,
  latestTime,
  TaskFailure,
  MAX_TASKS_PER_CALL,
  detach,
  plain,
  peek,
  isoAt,
  notificationTimestamp,
  initialMeta,
  type CloudHooks,
  type Tx,
  type TaskHandler,
  type EmitOptions,
  type KernelOptions,
} from './kernel.js';
export * from './policy.js';
export { PolicyService, policyEngineOf, type CloudPolicy } from './policy/service.js';
export { freezeView } from './freeze.js';
export { installService, serviceInstall, defineParts, publicApi, type ServiceInstall, type ServiceDescriptor, type AnyServiceDescriptor, type PartsOf, type Preset, type OptionContext, type BootstrapContext, type CatalogSpec, type ServiceHooks } from './service.js';
export { json, empty, reasonPhrase, parseMicroversion, microversion, isCloudError, jsonText, type RestResponse, type RestCall, type RestRoute, type RestService, type RestQuery, type RestFaultContext, type Microversion } from './rest.js';
