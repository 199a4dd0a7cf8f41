/**
 * The Block Storage API v3 (Cinder, microversions up to 3.70) for a session: `session.block`.
 * Every call validates the token (401), looks rows up as Cinder's database layer would for this
 * caller (another project's volume is a 404 unless the caller is an admin), asks Cinder's Zed
 * policy (403), and changes state in one atomic commit whose answer is built before the commit.
 * Asynchronous work (the scheduler, the volume manager, the backup service) runs as tasks: with
 * `progression: 'immediate'` it is done when the call returns, but the answer is what Cinder's API
 * answers at once (a new volume is `creating`).
 *
 * Not simulated: consistency groups and generic groups, replication, manage / unmanage, volume
 * encryption, the messages API, clusters, `os-reimage`.
 */
import type { Tx } from '../core/index.js';
import type { RequestPipeline } from '../identity/index.js';
import { makeCtx, type Ctx } from './context.js';
import * as volumes from './volumes.js';
import * as volumeCreate from './volume_create.js';
import * as volumeDelete from './volume_delete.js';
import * as volumeExtend from './volume_extend.js';
import * as volumeData from './volume_data.js';
import * as backups from './backups.js';
import * as snapshots from './snapshots.js';
import * as snapshotViews from './snapshot_views.js';
import * as snapshotMetadata from './snapshot_metadata.js';
import * as revert from './revert.js';
import * as attachments from './attachments.js';
import * as attachmentInput from './attachment_input.js';
import * as attachmentViews from './attachment_views.js';
import * as retype from './retype.js';
import * as migration from './migration.js';
import * as upload from './upload.js';
import * as adminActions from './admin_actions.js';
import * as volumeMetadata from './volume_metadata.js';
import * as types from './volume_types.js';
import * as typeExtraSpecs from './type_extra_specs.js';
import * as typeAccess from './type_access.js';
import * as qos from './qos_specs.js';
import * as transfers from './transfers.js';
import * as quotaSets from './quota_sets.js';
import * as schedulerStats from './scheduler_stats.js';
import * as cinderServices from './cinder_services.js';
import { listVolumeAvailabilityZones, type VolumeAvailabilityZoneView } from './availability_zones.js';
import { volumeSummary, volumeView, type VolumeSummary, type VolumeView } from './views.js';
import { explainCreate, type VolumeExplanationRequest } from './explain.js';
import type { VolumeExplanation } from './scheduler/index.js';

/** Cinder for one session. Creates take the request body's object (the `volume` of `POST /volumes`). */
export class BlockApi {
  /** @internal built by the session from its request pipeline. */
  constructor(private readonly requests: RequestPipeline) {}

  private read(): Ctx {
    const r = this.requests.read();
    return makeCtx(r.s, r.policy, r.creds);
  }

  private write<R>(operation: string, fn: (tx: Tx, ctx: Ctx) => R): R {
    return this.requests.write(`block.${operation}`, (tx, r) => {
      const ctx = makeCtx(r.s, r.policy, r.creds);
      tx.trace('cinder-api', `${operation} (project ${ctx.projectId ?? 'none'})`);
      return fn(tx, ctx);
    });
  }

  // ------------------------------------------------------------------------------ volumes

  /** `POST /v3/{project_id}/volumes`: blank, or from `snapshot_id`, `source_volid`, `imageRef` or `backup_id`; answers `creating`. */
  createVolume(body: volumeCreate.VolumeCreateRequest): VolumeView {
    return this.write('create_volume', (tx, ctx) => volumeCreate.createVolume(tx, ctx, body));
  }

  /** `GET /v3/{project_id}/volumes/{id}`. */
  getVolume(ref: volumes.VolumeRef): VolumeView {
    return volumes.showVolume(this.read(), ref);
  }

  /** `GET /v3/{project_id}/volumes/detail`. */
  listVolumes(query: volumes.VolumeListQuery = {}): VolumeView[] {
    const ctx = this.read();
    return volumes.listVolumeRows(ctx, query).map((v) => volumeView(ctx, v));
  }

  /** `GET /v3/{project_id}/volumes`: id, name and links only. */
  listVolumeSummaries(query: volumes.VolumeListQuery = {}): VolumeSummary[] {
    return volumes.listVolumeRows(this.read(), query).map(volumeSummary);
  }

  /** `PUT /v3/{project_id}/volumes/{id}`: `name`, `description`, `metadata`. */
  updateVolume(ref: volumes.VolumeRef, body: volumes.VolumeUpdateRequest): VolumeView {
    return this.write('update_volume', (tx, ctx) => volumes.updateVolume(tx, ctx, ref, body));
  }

  /** `DELETE /v3/{project_id}/volumes/{id}` (`cascade`: its snapshots too). */
  deleteVolume(ref: volumes.VolumeRef, options: { readonly cascade?: boolean } = {}): void {
    this.write('delete_volume', (tx, ctx) => volumeDelete.deleteVolume(tx, ctx, ref, volumeDelete.deleteOptions(options)));
  }

  /** `POST /v3/{project_id}/volumes/{id}/action` `os-force_delete` (admin): any status but attached or migrating. */
  forceDeleteVolume(ref: volumes.VolumeRef): void {
    this.write('force_delete_volume', (tx, ctx) => volumeDelete.deleteVolume(tx, ctx, ref, { force: true }));
  }

  /** `os-extend` `{ new_size }`: larger only; `in-use` volumes since 3.42. */
  extendVolume(ref: volumes.VolumeRef, body: { readonly new_size: number }): void {
    this.write('extend_volume', (tx, ctx) => volumeExtend.extendVolume(tx, ctx, ref, body));
  }

  /** Writes bytes at a byte offset, as the volume's guest would (stacksim's own call; at most 64 MiB per call); `data` is read after the token, the lookup and the policy. */
  writeVolumeData(ref: volumes.VolumeRef, offset: number, data: Uint8Array | string): void {
    this.write('write_volume_data', (tx, ctx) => volumeData.writeVolumeData(tx, ctx, ref, offset, data));
  }

  /** Reads `length` bytes at a byte offset (zeros where nothing was written; stacksim's own call). */
  readVolumeData(ref: volumes.VolumeRef, offset: number, length: number): Uint8Array {
    return volumeData.readVolumeData(this.read(), ref, offset, length);
  }

  /**
   * What the volume scheduler would decide for a volume of this size, type and zone right now,
   * filter by filter and weigher by weigher (nothing is created; stacksim's own call, admin only as
   * `scheduler_stats` is).
   */
  explainVolumeScheduling(request: VolumeExplanationRequest): VolumeExplanation {
    return explainCreate(this.read(), request);
  }

  // ------------------------------------------------------------------------------ backups

  /** `POST /v3/{project_id}/backups`: full or `incremental`, into Swift's `volumebackups` container of the project's account. */
  createBackup(body: backups.BackupCreateRequest): backups.BackupSummary {
    return this.write('create_backup', (tx, ctx) => backups.createBackup(tx, ctx, body));
  }

  /** `GET /v3/{project_id}/backups/{id}`. */
  getBackup(ref: backups.BackupRef): backups.BackupView {
    return backups.showBackup(this.read(), ref);
  }

  /** `GET /v3/{project_id}/backups/detail`. */
  listBackups(query: backups.BackupListQuery = {}): backups.BackupView[] {
    const ctx = this.read();
    return backups.listBackupRows(ctx, query).map((b) => backups.backupView(ctx, b));
  }

  /** `GET /v3/{project_id}/backups`: id, name and links only. */
  listBackupSummaries(query: backups.BackupListQuery = {}): backups.BackupSummary[] {
    return backups.listBackupRows(this.read(), query).map(backups.backupSummary);
  }

  /** `PUT /v3/{project_id}/backups/{id}` (3.9): `name`, `description`, `metadata` (3.43). */
  updateBackup(ref: backups.BackupRef, body: backups.BackupUpdateRequest): backups.BackupSummary {
    return this.write('update_backup', (tx, ctx) => backups.updateBackup(tx, ctx, ref, body));
  }

  /** `DELETE /v3/{project_id}/backups/{id}`: refused while incremental backups depend on it; its objects leave Swift. */
  deleteBackup(ref: backups.BackupRef): void {
    this.write('delete_backup', (tx, ctx) => backups.deleteBackup(tx, ctx, ref));
  }

  /** `POST /v3/{project_id}/backups/{id}/restore`: into `volume_id` (size ≥ the backup's) or a new volume. */
  restoreBackup(ref: backups.BackupRef, body: backups.BackupRestoreRequest | null = {}): backups.BackupRestoreView {
    return this.write('restore_backup', (tx, ctx) => backups.restoreBackup(tx, ctx, ref, body));
  }

  // ------------------------------------------------------------------------------ quotas and limits

  /** `GET /v3/{project_id}/os-quota-sets/{target}[?usage=True]`. */
  getQuotaSet(projectId: string, query: quotaSets.VolumeQuotaSetQuery = {}): quotaSets.VolumeQuotaSetView | quotaSets.VolumeQuotaSetUsageView {
    return quotaSets.showQuotaSet(this.read(), this.requests.quotas(), projectId, query);
  }

  /** `GET /v3/{project_id}/os-quota-sets/{target}/defaults`. */
  getQuotaSetDefaults(projectId: string): quotaSets.VolumeQuotaSetView {
    return quotaSets.showQuotaSetDefaults(this.read(), this.requests.quotas(), projectId);
  }

  /** `PUT /v3/{project_id}/os-quota-sets/{target}` (admin). */
  updateQuotaSet(projectId: string, quotaSet: Readonly<Record<string, number | string>>): quotaSets.VolumeQuotaSetView {
    return this.write('update_quota_set', (tx, ctx) => quotaSets.updateQuotaSet(tx, ctx, projectId, quotaSet));
  }

  /** `DELETE /v3/{project_id}/os-quota-sets/{target}` (admin): back to the defaults. */
  deleteQuotaSet(projectId: string): void {
    this.write('delete_quota_set', (tx, ctx) => quotaSets.deleteQuotaSet(tx, ctx, projectId));
  }

  /** `GET /v3/{project_id}/limits`: absolute limits and usage. */
  getLimits(query: quotaSets.VolumeLimitsQuery = {}): quotaSets.VolumeLimitsView {
    return quotaSets.showLimits(this.read(), this.requests.quotas(), query);
  }

  // ------------------------------------------------------------------------------ pools, services, zones

  /** `GET /v3/{project_id}/scheduler-stats/get_pools[?detail=True]` (admin): every pool and what its driver reports. */
  listPools(query: schedulerStats.VolumePoolQuery = {}): schedulerStats.VolumePoolView[] {
    return schedulerStats.listPools(this.read(), query);
  }

  /** `GET /v3/{project_id}/os-services` (admin): `cinder-scheduler`, `cinder-volume` per backend, `cinder-backup`. */
  listServices(query: cinderServices.CinderServiceQuery = {}): cinderServices.CinderServiceView[] {
    return cinderServices.listCinderServices(this.read(), query);
  }

  /** `PUT /v3/{project_id}/os-services/{enable|disable|disable-log-reason|freeze|thaw}` (admin). */
  updateService(action: cinderServices.CinderServiceAction, body: Readonly<Record<string, unknown>>): cinderServices.CinderServiceUpdate | null {
    return this.write('update_service', (tx, ctx) => cinderServices.updateCinderService(tx, ctx, action, body));
  }

  /** `GET /v3/{project_id}/os-availability-zone`. */
  listAvailabilityZones(): VolumeAvailabilityZoneView[] {
    return listVolumeAvailabilityZones(this.read());
  }

  // ------------------------------------------------------------------------------ snapshots

  /** `POST /v3/{project_id}/snapshots`: of an `available` or `in-use` volume (3.66: `force: false` is refused); answers `creating`. */
  createSnapshot(body: snapshots.SnapshotCreateRequest): snapshotViews.VolumeSnapshotView {
    return this.write('create_snapshot', (tx, ctx) => snapshots.createSnapshot(tx, ctx, body));
  }

  /** `GET /v3/{project_id}/snapshots/{id}` (with `os-extended-snapshot-attributes:*` as the policy allows). */
  getSnapshot(ref: snapshots.SnapshotRef): snapshotViews.VolumeSnapshotView {
    return snapshots.showSnapshot(this.read(), ref);
  }

  /** `GET /v3/{project_id}/snapshots/detail`: `name`, `status`, `volume_id`, `metadata`, `all_tenants` (admins), paging. */
  listSnapshots(query: snapshotViews.SnapshotListQuery = {}): snapshotViews.VolumeSnapshotView[] {
    return snapshotViews.listSnapshots(this.read(), query);
  }

  /** `GET /v3/{project_id}/snapshots`: summaries. */
  listSnapshotSummaries(query: snapshotViews.SnapshotListQuery = {}): snapshotViews.VolumeSnapshotSummary[] {
    return snapshotViews.listSnapshotSummaries(this.read(), query);
  }

  /** `PUT /v3/{project_id}/snapshots/{id}`: `name`, `description` (or their `display_` spellings). */
  updateSnapshot(ref: snapshots.SnapshotRef, body: snapshots.SnapshotUpdateRequest): snapshotViews.VolumeSnapshotView {
    return this.write('update_snapshot', (tx, ctx) => snapshots.updateSnapshot(tx, ctx, ref, body));
  }

  /** `DELETE /v3/{project_id}/snapshots/{id}`: `available` or `error` only. */
  deleteSnapshot(ref: snapshots.SnapshotRef): void {
    this.write('delete_snapshot', (tx, ctx) => snapshots.deleteSnapshot(tx, ctx, ref));
  }

  /** `os-force_delete` (admin): any status. */
  forceDeleteSnapshot(ref: snapshots.SnapshotRef): void {
    this.write('force_delete_snapshot', (tx, ctx) => snapshots.deleteSnapshot(tx, ctx, ref, { force: true }));
  }

  /** `os-reset_status` (admin) `{ status }`: any of Cinder's snapshot statuses. */
  resetSnapshotStatus(ref: snapshots.SnapshotRef, body: { readonly status: string }): void {
    this.write('reset_snapshot_status', (tx, ctx) => snapshots.resetSnapshotStatus(tx, ctx, ref, body));
  }

  /** `GET /v3/{project_id}/snapshots/{id}/metadata`. */
  getSnapshotMetadata(ref: snapshots.SnapshotRef): Readonly<Record<string, string>> {
    return snapshotMetadata.getSnapshotMetadata(this.read(), ref);
  }

  /** `GET /v3/{project_id}/snapshots/{id}/metadata/{key}`: `{ [key]: value }`. */
  getSnapshotMetadataItem(ref: snapshots.SnapshotRef, key: string): Readonly<Record<string, string>> {
    return snapshotMetadata.showSnapshotMetadataItem(this.read(), ref, key);
  }

  /** `POST /v3/{project_id}/snapshots/{id}/metadata` `{ metadata }`: merged in; the whole metadata after. */
  createSnapshotMetadata(ref: snapshots.SnapshotRef, body: { readonly metadata: Readonly<Record<string, string>> }): Readonly<Record<string, string>> {
    return this.write('create_snapshot_metadata', (tx, ctx) => snapshotMetadata.createSnapshotMetadata(tx, ctx, ref, body));
  }

  /** `PUT /v3/{project_id}/snapshots/{id}/metadata` `{ metadata }`: replaces it all. */
  replaceSnapshotMetadata(ref: snapshots.SnapshotRef, body: { readonly metadata: Readonly<Record<string, string>> }): Readonly<Record<string, string>> {
    return this.write('replace_snapshot_metadata', (tx, ctx) => snapshotMetadata.replaceSnapshotMetadata(tx, ctx, ref, body));
  }

  /** `PUT /v3/{project_id}/snapshots/{id}/metadata/{key}` `{ meta: { [key]: value } }`. */
  updateSnapshotMetadataItem(ref: snapshots.SnapshotRef, key: string, body: { readonly meta: Readonly<Record<string, string>> }): Readonly<Record<string, string>> {
    return this.write('update_snapshot_metadata_item', (tx, ctx) => snapshotMetadata.updateSnapshotMetadataItem(tx, ctx, ref, key, body));
  }

  /** `DELETE /v3/{project_id}/snapshots/{id}/metadata/{key}`. */
  deleteSnapshotMetadataItem(ref: snapshots.SnapshotRef, key: string): void {
    this.write('delete_snapshot_metadata_item', (tx, ctx) => snapshotMetadata.deleteSnapshotMetadataItem(tx, ctx, ref, key));
  }

  /** `POST /v3/{project_id}/volumes/{id}/action` `revert` (3.40): to the volume's latest snapshot, same size, both `available`. */
  revertVolumeToSnapshot(ref: volumes.VolumeRef, body: { readonly snapshot_id: string }): void {
    this.write('revert_volume_to_snapshot', (tx, ctx) => revert.revertVolumeToSnapshot(tx, ctx, ref, body));
  }

  // ------------------------------------------------------------------------------ attachments

  /** `POST /v3/{project_id}/attachments` (3.27; `mode` since 3.54): reserves the volume (`reserved`); with a `connector`, also connects it (`attaching`). */
  createAttachment(body: attachmentInput.AttachmentCreateRequest, options: attachmentInput.AttachmentCallOptions = {}): attachmentViews.AttachmentView {
    return this.write('create_attachment', (tx, ctx) => attachments.createAttachment(tx, ctx, body, options));
  }

  /** `GET /v3/{project_id}/attachments/{id}`. */
  getAttachment(ref: attachments.AttachmentRef, options: attachmentInput.AttachmentCallOptions = {}): attachmentViews.AttachmentView {
    return attachments.showAttachment(this.read(), ref, options);
  }

  /** `GET /v3/{project_id}/attachments/detail`: `volume_id`, `instance_id`, `attach_status` (admins: `all_tenants`, any column), sorting, paging. */
  listAttachments(query: attachmentViews.AttachmentListQuery = {}, options: attachmentInput.AttachmentCallOptions = {}): attachmentViews.AttachmentView[] {
    const ctx = this.read();
    return attachmentViews.listAttachmentRows(ctx, query, options).map((r) => attachmentViews.attachmentView(ctx.s, r));
  }

  /** `GET /v3/{project_id}/attachments`: id, status, instance, volume_id. */
  listAttachmentSummaries(query: attachmentViews.AttachmentListQuery = {}, options: attachmentInput.AttachmentCallOptions = {}): attachmentViews.AttachmentSummary[] {
    return attachmentViews.listAttachmentRows(this.read(), query, options).map(attachmentViews.attachmentSummary);
  }

  /** `PUT /v3/{project_id}/attachments/{id}` `{ connector }`: the driver's `connection_info`; attachment and volume `attaching`. */
  updateAttachment(ref: attachments.AttachmentRef, body: attachmentInput.AttachmentUpdateRequest, options: attachmentInput.AttachmentCallOptions = {}): attachmentViews.AttachmentView {
    return this.write('update_attachment', (tx, ctx) => attachments.updateAttachment(tx, ctx, ref, body, options));
  }

  /** `POST /v3/{project_id}/attachments/{id}/action` `os-complete` (3.44): attachment `attached`, volume `in-use`. */
  completeAttachment(ref: attachments.AttachmentRef, options: attachmentInput.AttachmentCallOptions = {}): void {
    this.write('complete_attachment', (tx, ctx) => attachments.completeAttachment(tx, ctx, ref, options));
  }

  /** `DELETE /v3/{project_id}/attachments/{id}`: the volume follows the attachments left; answers them (summaries). */
  deleteAttachment(ref: attachments.AttachmentRef, options: attachmentInput.AttachmentCallOptions = {}): attachmentViews.AttachmentSummary[] {
    return this.write('delete_attachment', (tx, ctx) => attachments.deleteAttachment(tx, ctx, ref, options));
  }
  // ------------------------------------------------------------------------------ volume actions

  /** `os-retype` `{ new_type, migration_policy }` (202): `never` (default) keeps the volume on its pool or refuses; `on-demand` may migrate it to the backend the type needs. */
  retypeVolume(ref: volumes.VolumeRef, body: retype.VolumeRetypeRequest): void {
    this.write('retype_volume', (tx, ctx) => retype.retypeVolume(tx, ctx, ref, body));
  }

  /** `os-migrate_volume` `{ host, force_host_copy, lock_volume }` (admin; 202): to another pool (`host@backend#pool`) or backend (`host@backend`); the blocks move. */
  migrateVolume(ref: volumes.VolumeRef, body: migration.VolumeMigrateRequest): void {
    this.write('migrate_volume', (tx, ctx) => migration.migrateVolume(tx, ctx, ref, body));
  }

  /** `os-volume_upload_image` (202): a new Glance image for the caller with the volume's written bytes; the volume is `uploading` meanwhile. */
  uploadVolumeToImage(ref: volumes.VolumeRef, body: upload.VolumeUploadImageRequest): upload.VolumeUploadImageView {
    return this.write('upload_volume_to_image', (tx, ctx) => upload.uploadVolumeToImage(tx, ctx, ref, body));
  }

  /** `os-reset_status` `{ status, attach_status, migration_status }` (admin; 202): writes the row directly, outside the transition graph. */
  resetVolumeStatus(ref: volumes.VolumeRef, body: adminActions.VolumeResetStatusRequest): void {
    this.write('reset_volume_status', (tx, ctx) => adminActions.resetVolumeStatus(tx, ctx, ref, body));
  }

  /** `os-update_readonly_flag` `{ readonly }` (202): an `available` volume's `readonly` admin metadata. */
  updateVolumeReadonlyFlag(ref: volumes.VolumeRef, body: { readonly readonly: boolean | string }): void {
    this.write('update_volume_readonly_flag', (tx, ctx) => adminActions.updateReadonlyFlag(tx, ctx, ref, body));
  }

  /** `os-set_bootable` `{ bootable }` (200): refused in `maintenance`. */
  setVolumeBootable(ref: volumes.VolumeRef, body: { readonly bootable: boolean | string }): void {
    this.write('set_volume_bootable', (tx, ctx) => adminActions.setVolumeBootable(tx, ctx, ref, body));
  }

  // ------------------------------------------------------------------------------ volume metadata

  /** `GET /v3/{project_id}/volumes/{id}/metadata`. */
  getVolumeMetadata(ref: volumes.VolumeRef): volumeMetadata.VolumeMetadataView {
    return volumeMetadata.showVolumeMetadata(this.read(), ref);
  }

  /** The `Etag` of `GET …/metadata` (3.26): give it as `ifMatch` to a replace or an item update. */
  getVolumeMetadataEtag(ref: volumes.VolumeRef): string {
    return volumeMetadata.volumeMetadataEtag(this.read(), ref);
  }

  /** `POST …/metadata` `{ metadata }`: merged into the volume's; answers the whole metadata. */
  createVolumeMetadata(ref: volumes.VolumeRef, body: { readonly metadata: Readonly<Record<string, string>> }): volumeMetadata.VolumeMetadataView {
    return this.write('create_volume_metadata', (tx, ctx) => volumeMetadata.createVolumeMetadata(tx, ctx, ref, body));
  }

  /** `PUT …/metadata` `{ metadata }`: replaces it (with `ifMatch`, 412 when it changed since). */
  replaceVolumeMetadata(ref: volumes.VolumeRef, body: { readonly metadata: Readonly<Record<string, string>> }, options: volumeMetadata.MetadataWriteOptions = {}): volumeMetadata.VolumeMetadataView {
    return this.write('update_volume_metadata', (tx, ctx) => volumeMetadata.replaceVolumeMetadata(tx, ctx, ref, body, options));
  }

  /** `GET …/metadata/{key}`: `{ meta: { key: value } }`, 404 `VolumeMetadataNotFound`. */
  getVolumeMetadataItem(ref: volumes.VolumeRef, key: string): volumeMetadata.VolumeMetadataItemView {
    return volumeMetadata.showVolumeMetadataItem(this.read(), ref, key);
  }

  /** `PUT …/metadata/{key}` `{ meta: { key: value } }`: that key only. */
  updateVolumeMetadataItem(ref: volumes.VolumeRef, key: string, body: { readonly meta: Readonly<Record<string, string>> }, options: volumeMetadata.MetadataWriteOptions = {}): volumeMetadata.VolumeMetadataItemView {
    return this.write('update_volume_metadata_item', (tx, ctx) => volumeMetadata.updateVolumeMetadataItem(tx, ctx, ref, key, body, options));
  }

  /** `DELETE …/metadata/{key}`: 404 `VolumeMetadataNotFound` when absent. */
  deleteVolumeMetadataItem(ref: volumes.VolumeRef, key: string): void {
    this.write('delete_volume_metadata_item', (tx, ctx) => volumeMetadata.deleteVolumeMetadataItem(tx, ctx, ref, key));
  }

  /** `os-show_image_metadata`: the volume image metadata (404 `GlanceMetadataNotFound` when none). */
  getVolumeImageMetadata(ref: volumes.VolumeRef): volumeMetadata.VolumeMetadataView {
    return volumeMetadata.showVolumeImageMetadata(this.read(), ref);
  }

  /** `os-set_image_metadata` `{ metadata }`: keys added to or changed in the volume image metadata. */
  setVolumeImageMetadata(ref: volumes.VolumeRef, body: { readonly metadata: Readonly<Record<string, string>> }): volumeMetadata.VolumeMetadataView {
    return this.write('set_volume_image_metadata', (tx, ctx) => volumeMetadata.setVolumeImageMetadata(tx, ctx, ref, body));
  }

  /** `os-unset_image_metadata` `{ key }`: 404 `GlanceMetadataNotFound` when absent. */
  unsetVolumeImageMetadata(ref: volumes.VolumeRef, body: { readonly key: string }): void {
    this.write('unset_volume_image_metadata', (tx, ctx) => volumeMetadata.unsetVolumeImageMetadata(tx, ctx, ref, body));
  }
  // ------------------------------------------------------------------------------ volume types

  /** `POST /v3/{project_id}/types` (admin): `name`, `description`, `extra_specs`, `os-volume-type-access:is_public`. */
  createVolumeType(body: types.VolumeTypeCreateRequest): types.VolumeTypeView {
    return this.write('create_volume_type', (tx, ctx) => types.createVolumeType(tx, ctx, body));
  }

  /** `GET /v3/{project_id}/types/{id}`: public types, private ones the project may use (any, for an admin); `default` is the default type. */
  getVolumeType(ref: volumes.VolumeRef): types.VolumeTypeView {
    return types.showVolumeType(this.read(), ref);
  }

  /** `GET /v3/{project_id}/types/default`. */
  getDefaultVolumeType(): types.VolumeTypeView {
    return types.showDefaultVolumeType(this.read());
  }

  /** `GET /v3/{project_id}/types`: `is_public` (admins: true, false or 'none'), admins' filters, paging. */
  listVolumeTypes(query: types.VolumeTypeListQuery = {}): types.VolumeTypeView[] {
    return types.listVolumeTypes(this.read(), query);
  }

  /** `PUT /v3/{project_id}/types/{id}` (admin): `name`, `description`, `is_public`. */
  updateVolumeType(ref: volumes.VolumeRef, body: types.VolumeTypeUpdateRequest): types.VolumeTypeView {
    return this.write('update_volume_type', (tx, ctx) => types.updateVolumeType(tx, ctx, ref, body));
  }

  /** `DELETE /v3/{project_id}/types/{id}` (admin): not the default type, not a type in use. */
  deleteVolumeType(ref: volumes.VolumeRef): void {
    this.write('delete_volume_type', (tx, ctx) => types.deleteVolumeType(tx, ctx, ref));
  }

  /** `GET /v3/{project_id}/types/{id}/extra_specs` (sensitive specs for admins only). */
  listVolumeTypeExtraSpecs(ref: volumes.VolumeRef): Record<string, string> {
    return typeExtraSpecs.listTypeExtraSpecs(this.read(), ref);
  }

  /** `GET /v3/{project_id}/types/{id}/extra_specs/{key}`. */
  getVolumeTypeExtraSpec(ref: volumes.VolumeRef, key: string): Record<string, string> {
    return typeExtraSpecs.showTypeExtraSpec(this.read(), ref, key);
  }

  /** `POST /v3/{project_id}/types/{id}/extra_specs` (admin) `{ extra_specs }`: refused while volumes use the type. */
  createVolumeTypeExtraSpecs(ref: volumes.VolumeRef, body: { readonly extra_specs: Readonly<Record<string, string>> }): Record<string, string> {
    return this.write('create_volume_type_extra_specs', (tx, ctx) => typeExtraSpecs.createTypeExtraSpecs(tx, ctx, ref, body));
  }

  /** `PUT /v3/{project_id}/types/{id}/extra_specs/{key}` (admin) `{ <key>: value }`. */
  updateVolumeTypeExtraSpec(ref: volumes.VolumeRef, key: string, body: Readonly<Record<string, string>>): Record<string, string> {
    return this.write('update_volume_type_extra_spec', (tx, ctx) => typeExtraSpecs.updateTypeExtraSpec(tx, ctx, ref, key, body));
  }

  /** `DELETE /v3/{project_id}/types/{id}/extra_specs/{key}` (admin). */
  deleteVolumeTypeExtraSpec(ref: volumes.VolumeRef, key: string): void {
    this.write('delete_volume_type_extra_spec', (tx, ctx) => typeExtraSpecs.deleteTypeExtraSpec(tx, ctx, ref, key));
  }

  /** `GET /v3/{project_id}/types/{id}/os-volume-type-access` (admin, private types). */
  listVolumeTypeAccess(ref: volumes.VolumeRef): typeAccess.VolumeTypeAccessView[] {
    return typeAccess.listTypeAccess(this.read(), ref);
  }

  /** `POST /v3/{project_id}/types/{id}/action` `addProjectAccess` (admin) `{ project }`. */
  addVolumeTypeAccess(ref: volumes.VolumeRef, body: typeAccess.TypeAccessRequest): void {
    this.write('add_volume_type_access', (tx, ctx) => typeAccess.addTypeAccess(tx, ctx, ref, body));
  }

  /** `POST /v3/{project_id}/types/{id}/action` `removeProjectAccess` (admin) `{ project }`. */
  removeVolumeTypeAccess(ref: volumes.VolumeRef, body: typeAccess.TypeAccessRequest): void {
    this.write('remove_volume_type_access', (tx, ctx) => typeAccess.removeTypeAccess(tx, ctx, ref, body));
  }

  // ------------------------------------------------------------------------------ QoS specs (admin)

  /** `POST /v3/{project_id}/qos-specs`: `name`, `consumer` (default `back-end`), the specs. */
  createQosSpecs(body: qos.QosSpecsCreateRequest): qos.QosSpecsView {
    return this.write('create_qos_specs', (tx, ctx) => qos.createQosSpecs(tx, ctx, body));
  }

  /** `GET /v3/{project_id}/qos-specs/{id}`. */
  getQosSpecs(ref: volumes.VolumeRef): qos.QosSpecsView {
    return qos.showQosSpecs(this.read(), ref);
  }

  /** `GET /v3/{project_id}/qos-specs`. */
  listQosSpecs(query: qos.QosSpecsListQuery = {}): qos.QosSpecsView[] {
    return qos.listQosSpecs(this.read(), query);
  }

  /** `PUT /v3/{project_id}/qos-specs/{id}` `{ qos_specs: {...} }`'s inner object: sets keys (and `consumer`). */
  setQosSpecsKeys(ref: volumes.VolumeRef, specs: Readonly<Record<string, string>>): Record<string, string> {
    return this.write('set_qos_specs_keys', (tx, ctx) => qos.setQosSpecsKeys(tx, ctx, ref, specs));
  }

  /** `PUT /v3/{project_id}/qos-specs/{id}/delete_keys` `{ keys }`. */
  unsetQosSpecsKeys(ref: volumes.VolumeRef, body: { readonly keys: readonly string[] }): void {
    this.write('unset_qos_specs_keys', (tx, ctx) => qos.unsetQosSpecsKeys(tx, ctx, ref, body));
  }

  /** `DELETE /v3/{project_id}/qos-specs/{id}[?force=true]`: refused while associated unless forced. */
  deleteQosSpecs(ref: volumes.VolumeRef, options: { readonly force?: boolean | string } = {}): void {
    this.write('delete_qos_specs', (tx, ctx) => qos.deleteQosSpecs(tx, ctx, ref, options));
  }

  /** `GET /v3/{project_id}/qos-specs/{id}/associations`. */
  listQosSpecsAssociations(ref: volumes.VolumeRef): qos.QosAssociationView[] {
    return qos.listQosAssociations(this.read(), ref);
  }

  /** `GET /v3/{project_id}/qos-specs/{id}/associate?vol_type_id=`. */
  associateQosSpecs(ref: volumes.VolumeRef, volTypeId: string): void {
    this.write('associate_qos_specs', (tx, ctx) => qos.associateQosSpecs(tx, ctx, ref, volTypeId));
  }

  /** `GET /v3/{project_id}/qos-specs/{id}/disassociate?vol_type_id=`. */
  disassociateQosSpecs(ref: volumes.VolumeRef, volTypeId: string): void {
    this.write('disassociate_qos_specs', (tx, ctx) => qos.disassociateQosSpecs(tx, ctx, ref, volTypeId));
  }

  /** `GET /v3/{project_id}/qos-specs/{id}/disassociate_all`. */
  disassociateAllQosSpecs(ref: volumes.VolumeRef): void {
    this.write('disassociate_all_qos_specs', (tx, ctx) => qos.disassociateAllQosSpecs(tx, ctx, ref));
  }

  // ------------------------------------------------------------------------------ transfers

  /** `POST /v3/{project_id}/volume-transfers` `{ volume_id, name, no_snapshots }`: the answer holds the `auth_key`, shown only here. */
  createVolumeTransfer(body: transfers.TransferCreateRequest): transfers.TransferCreatedView {
    return this.write('create_volume_transfer', (tx, ctx) => transfers.createTransfer(tx, ctx, body));
  }

  /** `GET /v3/{project_id}/volume-transfers/{id}`. */
  getVolumeTransfer(ref: volumes.VolumeRef): transfers.TransferView {
    return transfers.showTransfer(this.read(), ref);
  }

  /** `GET /v3/{project_id}/volume-transfers/detail`. */
  listVolumeTransfers(query: transfers.TransferListQuery = {}): transfers.TransferView[] {
    const ctx = this.read();
    return transfers.listTransferRows(ctx, query).map((t) => transfers.transferView(ctx.s, t));
  }

  /** `GET /v3/{project_id}/volume-transfers`: id, name, volume_id. */
  listVolumeTransferSummaries(query: transfers.TransferListQuery = {}): transfers.TransferSummary[] {
    return transfers.listTransferRows(this.read(), query).map(transfers.transferSummary);
  }

  /** `DELETE /v3/{project_id}/volume-transfers/{id}`: the volume is `available` again. */
  deleteVolumeTransfer(ref: volumes.VolumeRef): void {
    this.write('delete_volume_transfer', (tx, ctx) => transfers.deleteTransfer(tx, ctx, ref));
  }

  /** `POST /v3/{project_id}/volume-transfers/{id}/accept` `{ auth_key }`: any project holding the key takes the volume (and quota). */
  acceptVolumeTransfer(ref: volumes.VolumeRef, body: transfers.TransferAcceptRequest): transfers.TransferSummary {
    return this.write('accept_volume_transfer', (tx, ctx) => transfers.acceptTransfer(tx, ctx, ref, body));
  }
}
