/**
 * Compute (nova, API 2.93): flavors, keypairs, servers with nova's vm_state / task_state /
 * power_state, the boot sequence across every service (Glance, Neutron, the scheduler and
 * Placement, Cinder, a compute host), server actions, instance actions, quotas and
 * notifications. The module's only door.
 */
import type {} from './state.js';
import type {} from './events.js';

export { ComputeApi } from './api.js';
export { computeService, type ComputeSession } from './service.js';
export { NOVA_DEFAULTS, checkNovaOptions, initialComputeState, type NovaOptions } from './config.js';
export { NOVA_POLICIES, NOVA_RULES, NOVA_POLICY_CHECKS } from './policies.js';
export { NOVA_QUOTAS } from './quota.js';
export { NovaError } from './errors.js';
export { DEVSTACK_FLAVORS } from './flavors.js';
export type { FlavorView } from './flavors.js';
export type { FlavorSummary, FlavorCreateRequest, FlavorListQuery } from './flavor_manage.js';
export type { FlavorAccessView } from './flavor_access.js';
export type { KeypairView, KeypairCreatedView, KeypairDetailView, GeneratedKeypairView } from './keypairs.js';
export type { ComputeQuotaSetView, ComputeQuotaSetUsage, ComputeQuotaResource, ComputeQuotaSetQuery, ComputeLimitsView, ComputeLimitsQuery } from './quota_sets.js';
export { DEVSTACK_FILTERS } from './bootstrap.js';
export * from './vm_states.js';
export type { ServerView, ServerSummary, ServerFlavorView, ServerFaultView, InstanceUsage, Link } from './views.js';
export type { ServerCreatedView, ServerReservationView } from './server_create.js';
export type { ServerCreateRequest, BlockDeviceMappingRequest, ServerNetworkRequest } from './server_create_input.js';
export type { ServerListQuery, ServerRef, ServerUpdateRequest } from './servers.js';
export type { HostStatusValue } from './host_status.js';
export type { AggregateView } from './aggregates.js';
export type { ComputeServiceView } from './nova_services.js';
export type { ServerGroupView, ServerGroupCreateRequest, ServerGroupListQuery } from './server_groups.js';
export type { ComputeAvailabilityZoneView, ZoneServiceView } from './availability_zones.js';
export { HYPERVISOR_VERSIONS, CELL0_UUID, type HypervisorSummary, type HypervisorView, type HypervisorListQuery, type HypervisorStatisticsView, type CellView, type HypervisorServerView } from './hypervisors.js';
export type * from './types.js';
export type { MigrationView, ServerMigrationView } from './server_migrations.js';
export type { EvacuateView } from './evacuate.js';
export { FINISHED_MIGRATION_STATUSES, LIVE_IN_PROGRESS } from './migrations.js';
