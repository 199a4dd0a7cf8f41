/**
 * stacksim: a whole OpenStack cloud simulated in one process, on modelled physical hosts,
 * with immutable state and every run reproducible from a seed.
 *
 * ```ts
 * import { createCloud } from 'stacksim';
 * const cloud = createCloud({ seed: 42 });          // DevStack's multi-node cloud
 * cloud.hardware.inventory();                         // the hosts, as table rows
 * const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
 * demo.tokenInfo().roles;                             // Keystone token, checked by policy on every call
 * ```
 */
export { createCloud, Cloud, type CloudOptions, type CloudClock, type CloudQuotas, type Snapshot, type Preset } from './cloud.js';
export { Session, type ScopeRequest } from './session.js';
export {
  CloudError,
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  Conflict,
  OverLimit,
  InvalidInput,
  InvalidState,
  ResourceNotFound,
  AmbiguousName,
  Duplicate,
  ClockWentBackwards,
  TaskFailure,
  SCHEMA_VERSION,
  type CloudState,
  type CloudEventMap,
  type Notification,
  type ListenerError,
  type Trace,
  type TraceStep,
  type QuotaResource,
  type QuotaDetail,
  type Progression,
  type Table,
  type Tx,
  type Kernel,
  type CloudHooks,
} from './core/index.js';
export * as core from './core/index.js';
export {
  HardwareApi,
  planCapacity,
  logicalCpus,
  HOST_ROLES,
  HYPERVISOR_TYPES,
  NIC_NETWORKS,
  DISK_TYPES,
  DEVSTACK_TOPOLOGY,
  type Topology,
  type HostGroup,
  type HostSpec,
  type HostModelSpec,
  type HostPatch,
  type Host,
  type HostView,
  type HostModel,
  type HostRole,
  type HostState,
  type HypervisorType,
  type CpuSpec,
  type DiskSpec,
  type NicSpec,
  type NicNetwork,
  type Region,
  type AvailabilityZone,
  type Rack,
  type HostFilter,
  type InventoryRow,
  type CapacityPlan,
  type CapacityPlanInput,
} from './hardware/index.js';
export {
  IdentityApi,
  AuthenticationFailed,
  KEYSTONE_POLICIES,
  DEFAULT_DOMAIN_ID,
  type LoginRequest,
  type TokenView,
  type DomainView,
  type ProjectView,
  type UserView,
  type GroupView,
  type RoleView,
  type ApplicationCredentialView,
  type RoleAssignmentView,
  type CatalogEntry,
  type GrantRequest,
  type IdentityConfig,
} from './identity/index.js';
export {
  PlacementApi,
  type ResourceProviderView,
  type InventoriesView,
  type InventoryBody,
  type InventoryView,
  type AllocationsRequest,
  SchedulerApi,
  NoValidHost,
  type HostUsage,
  type ResourceUsage,
  type ComputeConfig,
  type ScheduleResult,
  type RequestSpec,
  type HostState as SchedulerHostState,
  type SchedulerConfig,
  type SchedulerConfigInput,
} from './scheduler/index.js';
export { PolicyService, PolicyEngine, PolicyNotAuthorized, InvalidScope, PolicySyntaxError, type PolicyCredentials, type PolicyDefault } from './core/index.js';
