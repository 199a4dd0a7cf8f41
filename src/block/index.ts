/**
 * Block storage (Cinder v3, API 3.70): backends and pools on the storage hosts, volume types, the
 * volume scheduler, volumes with Cinder's statuses, attachments, snapshots, backups into Swift,
 * transfers, quotas and notifications. The module's only door.
 */
import type {} from './state.js';
import type {} from './events.js';

export { BlockApi } from './api.js';
export { blockService, type BlockSession } from './service.js';
export { checkBlockOptions, initialBlockState, DEVSTACK_BACKEND, BLOCK_FILTERS, BLOCK_WEIGHERS, type BlockOptions, type BackendOptions } from './config.js';
export { CINDER_POLICIES, CINDER_RULES } from './policies.js';
export { CINDER_QUOTAS, CINDER_QUOTA_FAMILIES } from './quota.js';
export { CinderError } from './errors.js';
export { BLOCK_SIZE, MAX_IO_BYTES } from './blocks.js';
export { VOLUME_TRANSITIONS, SNAPSHOT_TRANSITIONS, volumeMoveAllowed } from './statuses.js';
export { freeCapacityGb, serviceUp } from './backends.js';
export { formatVolumeExplanation, type VolumeExplanation } from './scheduler/index.js';
export type { VolumeView, VolumeSummary, VolumeAttachmentEntry, VolumeUsage, SnapshotUsage, BackupUsage } from './views.js';
export type { VolumeListQuery, VolumeRef } from './volumes.js';
export type { VolumeCreateRequest } from './volume_create.js';
export type { VolumeExplanationRequest } from './explain.js';
export * from './types.js';
export type { SnapshotCreateRequest, SnapshotUpdateRequest, SnapshotRef } from './snapshots.js';
export type { VolumeSnapshotView, VolumeSnapshotSummary, SnapshotListQuery } from './snapshot_views.js';
export type { BackupView, BackupSummary, BackupRestoreView, BackupCreateRequest, BackupRestoreRequest, BackupUpdateRequest, BackupListQuery, BackupRef } from './backups.js';
export type { VolumeQuotaSetView, VolumeQuotaSetUsageView, VolumeQuotaSetQuery, VolumeLimitsView, VolumeLimitsQuery } from './quota_sets.js';
export type { VolumePoolView, VolumePoolQuery } from './scheduler_stats.js';
export type { CinderServiceView, CinderServiceQuery, CinderServiceAction, CinderServiceUpdate } from './cinder_services.js';
export type { VolumeAvailabilityZoneView } from './availability_zones.js';
export type { VolumeRetypeRequest } from './retype.js';
export type { VolumeMigrateRequest } from './migration.js';
export type { VolumeUploadImageRequest, VolumeUploadImageView, UploadVolumeTypeView } from './upload.js';
export type { VolumeResetStatusRequest } from './admin_actions.js';
export type { SchedulerErrorPayload } from './volume_actions.js';
export type { VolumeMetadataView, VolumeMetadataItemView, MetadataWriteOptions } from './volume_metadata.js';
export type { AttachmentRef } from './attachments.js';
export type { AttachmentCreateRequest, AttachmentUpdateRequest, AttachmentConnector, AttachmentCallOptions } from './attachment_input.js';
export type { AttachmentView, AttachmentSummary, AttachmentListQuery } from './attachment_views.js';
export { ATTACHMENT_MICROVERSIONS } from './attachment_input.js';
export type { VolumeTypeView, VolumeTypeCreateRequest, VolumeTypeUpdateRequest, VolumeTypeListQuery } from './volume_types.js';
export type { VolumeTypeAccessView, TypeAccessRequest } from './type_access.js';
export type { QosSpecsView, QosAssociationView, QosSpecsCreateRequest, QosSpecsListQuery, QosConsumer } from './qos_specs.js';
export type { TransferView, TransferCreatedView, TransferSummary, TransferCreateRequest, TransferListQuery, TransferAcceptRequest } from './transfers.js';
export * from './client.js';
