/**
 * The Compute API (nova, microversions up to 2.93) for a session: `session.compute`. Every call
 * validates the token (401), looks rows up as nova's database layer would for this caller
 * (another project's server is a 404 unless the caller is an admin), asks nova's Zed policy
 * (403), runs nova's state guards (409), and changes state in one atomic commit whose answer is
 * built before the commit. The conductor's and nova-compute's work runs as tasks: with
 * `progression: 'immediate'` a boot is `ACTIVE` (or `ERROR`) when `createServer` returns, though
 * the answer is nova-api's 202.
 *
 * Not simulated: consoles, diagnostics, the metadata service and config drive contents,
 * `os-server-external-events` from outside, personality files, PCI / vTPM / accelerators.
 */
import type { Tx } from '../core/index.js';
import type { RequestPipeline } from '../identity/index.js';
import { makeCtx, type Ctx } from './context.js';
import * as create from './server_create.js';
import type { ServerCreateRequest } from './server_create_input.js';
import * as servers from './servers.js';
import * as serverDelete from './server_delete.js';
import type { ServerSummary, ServerView } from './views.js';
import type { FlavorView } from './flavors.js';
import * as flavorManage from './flavor_manage.js';
import * as flavorAccess from './flavor_access.js';
import * as flavorExtraSpecs from './flavor_extra_specs.js';
import * as keypairs from './keypairs.js';
import * as quotaSets from './quota_sets.js';
import * as serverActions from './server_actions.js';
import * as rebuild from './rebuild.js';
import * as snapshot from './snapshot.js';
import * as serverMetadata from './server_metadata.js';
import * as serverTags from './server_tags.js';
import * as instanceActions from './instance_actions.js';
import * as volumeAttachments from './volume_attachments.js';
import * as interfaces from './interfaces.js';
import * as serverGroups from './server_groups.js';
import * as availabilityZones from './availability_zones.js';
import * as hypervisors from './hypervisors.js';
import * as aggregates from './aggregates.js';
import * as novaServices from './nova_services.js';
import * as resize from './resize.js';
import * as liveMigration from './live_migration.js';
import * as serverMigrations from './server_migrations.js';
import * as shelve from './shelve.js';
import * as evacuate from './evacuate.js';

/** Nova for one session. Creates take the request body's object (the `server` of `POST /servers`). */
export class ComputeApi {
  /** @internal built by the session from its request pipeline. */
  constructor(private readonly requests: RequestPipeline) {}

  private read(): Ctx {
    const r = this.requests.read();
    return makeCtx(r.s, r.policy, r.creds);
  }

  private write<R>(operation: string, fn: (tx: Tx, ctx: Ctx) => R): R {
    return this.requests.write(`compute.${operation}`, (tx, r) => {
      const ctx = makeCtx(r.s, r.policy, r.creds);
      // keystonemiddleware in front of nova-api: the token was validated before the call opened
      tx.trace('keystone', `token of user ${ctx.userId} validated for nova-api (project ${ctx.projectId ?? 'none'}, roles ${ctx.roles.join(', ') || 'none'})`);
      tx.trace('nova-api', `${operation} (project ${ctx.projectId ?? 'none'})`);
      return fn(tx, ctx);
    });
  }

  // ------------------------------------------------------------------------------ servers

  /**
   * `POST /servers`: checks the request as nova-api does (flavor, Glance image, networks, security
   * groups, key pair, block devices, server group, quota), files the instances and runs the boot
   * (conductor, scheduler and Placement, nova-compute). Answers nova's 202: the first server's id,
   * links and `adminPass` (or `{ reservation_id }` with `return_reservation_id`).
   */
  createServer(body: ServerCreateRequest): create.ServerCreatedView | create.ServerReservationView {
    return this.write('create_server', (tx, ctx) => create.createServer(tx, ctx, body));
  }

  /** `GET /servers/{id}`. */
  getServer(ref: servers.ServerRef): ServerView {
    return servers.showServer(this.read(), ref);
  }

  /** `GET /servers/detail` with nova's filters, sort and paging. */
  listServers(query: servers.ServerListQuery = {}): ServerView[] {
    return servers.listServers(this.read(), query);
  }

  /** `GET /servers`: id, name and links. */
  listServerSummaries(query: servers.ServerListQuery = {}): ServerSummary[] {
    return servers.listServerSummaries(this.read(), query);
  }

  /** `PUT /servers/{id}`: `name`, `description`, `hostname`, access IPs. */
  updateServer(ref: servers.ServerRef, body: servers.ServerUpdateRequest): ServerView {
    return this.write('update_server', (tx, ctx) => servers.updateServer(tx, ctx, ref, body));
  }

  /** `DELETE /servers/{id}`: hard delete (`reclaim_instance_interval` 0). */
  deleteServer(ref: servers.ServerRef): void {
    this.write('delete_server', (tx, ctx) => serverDelete.deleteServer(tx, ctx, ref));
  }

  // ------------------------------------------------------------------------------ flavors
  /** `GET /flavors/detail` (`is_public`, `minRam`, `minDisk`, `sort_key`, `sort_dir`, `limit`, `marker`). */
  listFlavors(query: Readonly<Record<string, unknown>> = {}): FlavorView[] {
    return flavorManage.listFlavors(this.read(), query);
  }
  /** `GET /flavors`: id, name, description, links. */
  listFlavorSummaries(query: Readonly<Record<string, unknown>> = {}): flavorManage.FlavorSummary[] {
    return flavorManage.listFlavorSummaries(this.read(), query);
  }
  /** `GET /flavors/{flavor_id}`. */
  getFlavor(ref: string): FlavorView {
    return flavorManage.showFlavor(this.read(), ref);
  }
  /** `POST /flavors` (admin): `name`, `ram`, `vcpus`, `disk`, `id`, `OS-FLV-EXT-DATA:ephemeral`, `swap`, `rxtx_factor`, `os-flavor-access:is_public`, `description`. */
  createFlavor(body: Readonly<Record<string, unknown>>): FlavorView {
    return this.write('create_flavor', (tx, ctx) => flavorManage.createFlavor(tx, ctx, body));
  }
  /** `PUT /flavors/{flavor_id}` (2.55, admin): the description only. */
  updateFlavor(ref: string, body: { readonly description: string | null }): FlavorView {
    return this.write('update_flavor', (tx, ctx) => flavorManage.updateFlavor(tx, ctx, ref, body));
  }
  /** `DELETE /flavors/{flavor_id}` (admin). */
  deleteFlavor(ref: string): void {
    this.write('delete_flavor', (tx, ctx) => flavorManage.deleteFlavor(tx, ctx, ref));
  }

  // ------------------------------------------------------------------------------ flavor access
  /** `GET /flavors/{flavor_id}/os-flavor-access` (private flavors). */
  listFlavorAccess(ref: string): flavorAccess.FlavorAccessView[] {
    return flavorAccess.listFlavorAccess(this.read(), ref);
  }
  /** `POST /flavors/{flavor_id}/action` `addTenantAccess` (admin). */
  addFlavorAccess(ref: string, body: { readonly tenant: string }): flavorAccess.FlavorAccessView[] {
    return this.write('add_flavor_access', (tx, ctx) => flavorAccess.addFlavorAccess(tx, ctx, ref, body));
  }
  /** `POST /flavors/{flavor_id}/action` `removeTenantAccess` (admin). */
  removeFlavorAccess(ref: string, body: { readonly tenant: string }): flavorAccess.FlavorAccessView[] {
    return this.write('remove_flavor_access', (tx, ctx) => flavorAccess.removeFlavorAccess(tx, ctx, ref, body));
  }

  // ------------------------------------------------------------------------------ flavor extra specs
  /** `GET /flavors/{flavor_id}/os-extra_specs`. */
  listFlavorExtraSpecs(ref: string): Record<string, string> {
    return flavorExtraSpecs.listFlavorExtraSpecs(this.read(), ref);
  }
  /** `GET /flavors/{flavor_id}/os-extra_specs/{key}`. */
  getFlavorExtraSpec(ref: string, key: string): Record<string, string> {
    return flavorExtraSpecs.showFlavorExtraSpec(this.read(), ref, key);
  }
  /** `POST /flavors/{flavor_id}/os-extra_specs` (admin; validated as nova validates them). */
  createFlavorExtraSpecs(ref: string, body: { readonly extra_specs: Readonly<Record<string, string>> }): Record<string, string> {
    return this.write('create_flavor_extra_specs', (tx, ctx) => flavorExtraSpecs.createFlavorExtraSpecs(tx, ctx, ref, body));
  }
  /** `PUT /flavors/{flavor_id}/os-extra_specs/{key}` (admin). */
  updateFlavorExtraSpec(ref: string, key: string, body: Readonly<Record<string, string>>): Record<string, string> {
    return this.write('update_flavor_extra_spec', (tx, ctx) => flavorExtraSpecs.updateFlavorExtraSpec(tx, ctx, ref, key, body));
  }
  /** `DELETE /flavors/{flavor_id}/os-extra_specs/{key}` (admin). */
  deleteFlavorExtraSpec(ref: string, key: string): void {
    this.write('delete_flavor_extra_spec', (tx, ctx) => flavorExtraSpecs.deleteFlavorExtraSpec(tx, ctx, ref, key));
  }

  // ------------------------------------------------------------------------------ keypairs
  /** `GET /os-keypairs` (`user_id` for admins, `limit`, `marker`). */
  listKeypairs(query: Readonly<Record<string, unknown>> = {}): keypairs.KeypairView[] {
    return keypairs.listKeypairs(this.read(), query);
  }
  /** `GET /os-keypairs/{name}`. */
  getKeypair(name: string, query: { readonly user_id?: string } = {}): keypairs.KeypairDetailView {
    return keypairs.showKeypair(this.read(), name, query);
  }
  /** `POST /os-keypairs` with `public_key` (since 2.92 nova generates none). */
  importKeypair(body: { readonly name: string; readonly public_key: string; readonly type?: 'ssh' | 'x509'; readonly user_id?: string }): keypairs.KeypairCreatedView {
    return this.write('import_keypair', (tx, ctx) => keypairs.importKeypair(tx, ctx, body));
  }
  /** stacksim's named helper for what nova did before 2.92: generates a key pair from the cloud's seed, imports its public key, answers the private key once. */
  generateKeypair(body: { readonly name: string; readonly type?: 'ssh' | 'x509'; readonly user_id?: string }): keypairs.GeneratedKeypairView {
    return this.write('generate_keypair', (tx, ctx) => keypairs.generateKeypair(tx, ctx, body));
  }
  /** `DELETE /os-keypairs/{name}`. */
  deleteKeypair(name: string, query: { readonly user_id?: string } = {}): void {
    this.write('delete_keypair', (tx, ctx) => keypairs.deleteKeypair(tx, ctx, name, query));
  }

  // ------------------------------------------------------------------------------ quotas
  /** `GET /os-quota-sets/{project_id}` (and `/detail`). */
  getQuotaSet(projectId: string, query: { readonly user_id?: string; readonly detail?: boolean } = {}): quotaSets.ComputeQuotaSetView {
    return quotaSets.showQuotaSet(this.read(), projectId, query, this.requests.quotas());
  }
  /** `GET /os-quota-sets/{project_id}/defaults`. */
  getDefaultQuotaSet(projectId: string): quotaSets.ComputeQuotaSetView {
    return quotaSets.showDefaultQuotaSet(this.read(), projectId, this.requests.quotas());
  }
  /** `PUT /os-quota-sets/{project_id}` (admin). */
  updateQuotaSet(projectId: string, body: Readonly<Record<string, unknown>>): quotaSets.ComputeQuotaSetView {
    return this.write('update_quota_set', (tx, ctx) => quotaSets.updateQuotaSet(tx, ctx, projectId, body));
  }
  /** `DELETE /os-quota-sets/{project_id}` (admin): back to the defaults. */
  deleteQuotaSet(projectId: string): void {
    this.write('delete_quota_set', (tx, ctx) => quotaSets.deleteQuotaSet(tx, ctx, projectId));
  }
  /** `GET /limits`: absolute limits and usage. */
  getLimits(query: { readonly tenant_id?: string } = {}): quotaSets.ComputeLimitsView {
    return quotaSets.showLimits(this.read(), query, this.requests.quotas());
  }

  // ------------------------------------------------------------------------------ server actions
  /** `os-start`: `SHUTOFF` → `ACTIVE`. */
  startServer(ref: servers.ServerRef): void {
    this.write('start_server', (tx, ctx) => serverActions.startServer(tx, ctx, ref));
  }
  /** `os-stop`: `ACTIVE` / `ERROR` → `SHUTOFF` (the allocation stays). */
  stopServer(ref: servers.ServerRef): void {
    this.write('stop_server', (tx, ctx) => serverActions.stopServer(tx, ctx, ref));
  }
  /** `reboot` `{ type: 'SOFT' | 'HARD' }`. */
  rebootServer(ref: servers.ServerRef, body: { readonly type: 'SOFT' | 'HARD' }): void {
    this.write('reboot_server', (tx, ctx) => serverActions.rebootServer(tx, ctx, ref, body));
  }
  /** `pause`. */
  pauseServer(ref: servers.ServerRef): void {
    this.write('pause_server', (tx, ctx) => serverActions.pauseServer(tx, ctx, ref));
  }
  /** `unpause`. */
  unpauseServer(ref: servers.ServerRef): void {
    this.write('unpause_server', (tx, ctx) => serverActions.unpauseServer(tx, ctx, ref));
  }
  /** `suspend`. */
  suspendServer(ref: servers.ServerRef): void {
    this.write('suspend_server', (tx, ctx) => serverActions.suspendServer(tx, ctx, ref));
  }
  /** `resume`. */
  resumeServer(ref: servers.ServerRef): void {
    this.write('resume_server', (tx, ctx) => serverActions.resumeServer(tx, ctx, ref));
  }
  /** `lock` (2.73 `locked_reason`): a locked server refuses non-admin actions. */
  lockServer(ref: servers.ServerRef, body: { readonly locked_reason?: string } = {}): void {
    this.write('lock_server', (tx, ctx) => serverActions.lockServer(tx, ctx, ref, body));
  }
  /** `unlock` (someone else's lock needs `unlock:unlock_override`). */
  unlockServer(ref: servers.ServerRef): void {
    this.write('unlock_server', (tx, ctx) => serverActions.unlockServer(tx, ctx, ref));
  }
  /** `rescue`: answers `adminPass`. */
  rescueServer(ref: servers.ServerRef, body: { readonly adminPass?: string; readonly rescue_image_ref?: string } = {}): serverActions.RescueView {
    return this.write('rescue_server', (tx, ctx) => serverActions.rescueServer(tx, ctx, ref, body));
  }
  /** `unrescue`. */
  unrescueServer(ref: servers.ServerRef): void {
    this.write('unrescue_server', (tx, ctx) => serverActions.unrescueServer(tx, ctx, ref));
  }
  /** `changePassword`. */
  changePassword(ref: servers.ServerRef, body: { readonly adminPass: string }): void {
    this.write('change_password', (tx, ctx) => serverActions.changePassword(tx, ctx, ref, body));
  }

  // ------------------------------------------------------------------------------ rebuild
  /** `rebuild` `{ imageRef, name?, metadata?, adminPass?, key_name?, description? }`: same host, new image. */
  rebuildServer(ref: servers.ServerRef, body: Readonly<Record<string, unknown>>): ServerView {
    return this.write('rebuild_server', (tx, ctx) => rebuild.rebuildServer(tx, ctx, ref, body));
  }

  // ------------------------------------------------------------------------------ images of servers
  /** `createImage`: a Glance image of the server's disk (`{ image_id }`, 2.45). */
  createServerImage(ref: servers.ServerRef, body: { readonly name: string; readonly metadata?: Readonly<Record<string, string>> }): snapshot.ServerImageView {
    return this.write('create_server_image', (tx, ctx) => snapshot.createServerImage(tx, ctx, ref, body));
  }
  /** `createBackup` with rotation: older backups of the type beyond `rotation` are deleted. */
  createServerBackup(ref: servers.ServerRef, body: { readonly name: string; readonly backup_type: string; readonly rotation: number; readonly metadata?: Readonly<Record<string, string>> }): snapshot.ServerImageView {
    return this.write('create_server_backup', (tx, ctx) => snapshot.createServerBackup(tx, ctx, ref, body));
  }

  // ------------------------------------------------------------------------------ server metadata
  /** `GET /servers/{id}/metadata`. */
  listServerMetadata(ref: servers.ServerRef): Record<string, string> {
    return serverMetadata.listServerMetadata(this.read(), ref);
  }
  /** `GET /servers/{id}/metadata/{key}`. */
  getServerMetadataItem(ref: servers.ServerRef, key: string): Record<string, string> {
    return serverMetadata.showServerMetadataItem(this.read(), ref, key);
  }
  /** `PUT /servers/{id}/metadata`: replaces all. */
  replaceServerMetadata(ref: servers.ServerRef, body: { readonly metadata: Readonly<Record<string, string>> }): Record<string, string> {
    return this.write('replace_server_metadata', (tx, ctx) => serverMetadata.replaceServerMetadata(tx, ctx, ref, body));
  }
  /** `POST /servers/{id}/metadata`: merges. */
  updateServerMetadata(ref: servers.ServerRef, body: { readonly metadata: Readonly<Record<string, string>> }): Record<string, string> {
    return this.write('update_server_metadata', (tx, ctx) => serverMetadata.updateServerMetadata(tx, ctx, ref, body));
  }
  /** `PUT /servers/{id}/metadata/{key}` `{ meta: { key: value } }`. */
  setServerMetadataItem(ref: servers.ServerRef, key: string, body: { readonly meta: Readonly<Record<string, string>> }): Record<string, string> {
    return this.write('set_server_metadata_item', (tx, ctx) => serverMetadata.setServerMetadataItem(tx, ctx, ref, key, body));
  }
  /** `DELETE /servers/{id}/metadata/{key}`. */
  deleteServerMetadataItem(ref: servers.ServerRef, key: string): void {
    this.write('delete_server_metadata_item', (tx, ctx) => serverMetadata.deleteServerMetadataItem(tx, ctx, ref, key));
  }

  // ------------------------------------------------------------------------------ server tags
  /** `GET /servers/{id}/tags`. */
  listServerTags(ref: servers.ServerRef): string[] {
    return serverTags.listServerTags(this.read(), ref);
  }
  /** `GET /servers/{id}/tags/{tag}`: whether the server has it (204 / 404). */
  checkServerTag(ref: servers.ServerRef, tag: string): boolean {
    return serverTags.checkServerTag(this.read(), ref, tag);
  }
  /** `PUT /servers/{id}/tags`. */
  replaceServerTags(ref: servers.ServerRef, body: { readonly tags: readonly string[] }): string[] {
    return this.write('replace_server_tags', (tx, ctx) => serverTags.replaceServerTags(tx, ctx, ref, body));
  }
  /** `PUT /servers/{id}/tags/{tag}`. */
  addServerTag(ref: servers.ServerRef, tag: string): void {
    this.write('add_server_tag', (tx, ctx) => serverTags.addServerTag(tx, ctx, ref, tag));
  }
  /** `DELETE /servers/{id}/tags/{tag}`. */
  deleteServerTag(ref: servers.ServerRef, tag: string): void {
    this.write('delete_server_tag', (tx, ctx) => serverTags.deleteServerTag(tx, ctx, ref, tag));
  }
  /** `DELETE /servers/{id}/tags`. */
  deleteServerTags(ref: servers.ServerRef): void {
    this.write('delete_server_tags', (tx, ctx) => serverTags.deleteServerTags(tx, ctx, ref));
  }

  // ------------------------------------------------------------------------------ instance actions
  /** `GET /servers/{id}/os-instance-actions`, newest first. */
  listInstanceActions(ref: servers.ServerRef, query: Readonly<Record<string, unknown>> = {}): instanceActions.InstanceActionView[] {
    return instanceActions.listInstanceActions(this.read(), ref, query);
  }
  /** `GET /servers/{id}/os-instance-actions/{request_id}` with its events (their `host` / `hostId` under `events:details`). */
  getInstanceAction(ref: servers.ServerRef, requestId: string): instanceActions.InstanceActionView {
    return instanceActions.showInstanceAction(this.read(), ref, requestId);
  }

  // ------------------------------------------------------------------------------ volume attachments
  /** `GET /servers/{id}/os-volume_attachments`. */
  listVolumeAttachments(ref: servers.ServerRef): volumeAttachments.VolumeAttachmentView[] {
    return volumeAttachments.listVolumeAttachments(this.read(), ref);
  }
  /** `GET /servers/{id}/os-volume_attachments/{volume_id}`. */
  getVolumeAttachment(ref: servers.ServerRef, volumeId: string): volumeAttachments.VolumeAttachmentView {
    return volumeAttachments.showVolumeAttachment(this.read(), ref, volumeId);
  }
  /** `POST /servers/{id}/os-volume_attachments`: Cinder's attachment API; the volume `in-use`. */
  attachVolume(ref: servers.ServerRef, body: { readonly volumeId: string; readonly device?: string | null; readonly tag?: string; readonly delete_on_termination?: boolean }): volumeAttachments.VolumeAttachmentView {
    return this.write('attach_volume', (tx, ctx) => volumeAttachments.attachVolume(tx, ctx, ref, body));
  }
  /** `PUT /servers/{id}/os-volume_attachments/{volume_id}` (2.85 `delete_on_termination`; swapping to another volume is not simulated). */
  updateVolumeAttachment(ref: servers.ServerRef, volumeId: string, body: { readonly volumeId: string; readonly delete_on_termination?: boolean }): void {
    this.write('update_volume_attachment', (tx, ctx) => volumeAttachments.updateVolumeAttachment(tx, ctx, ref, volumeId, body));
  }
  /** `DELETE /servers/{id}/os-volume_attachments/{volume_id}`. */
  detachVolume(ref: servers.ServerRef, volumeId: string): void {
    this.write('detach_volume', (tx, ctx) => volumeAttachments.detachVolume(tx, ctx, ref, volumeId));
  }

  // ------------------------------------------------------------------------------ interfaces and addresses
  /** `GET /servers/{id}/os-interface`. */
  listInterfaces(ref: servers.ServerRef): interfaces.InterfaceAttachmentView[] {
    return interfaces.listInterfaces(this.read(), ref);
  }
  /** `GET /servers/{id}/os-interface/{port_id}`. */
  getInterface(ref: servers.ServerRef, portId: string): interfaces.InterfaceAttachmentView {
    return interfaces.showInterface(this.read(), ref, portId);
  }
  /** `POST /servers/{id}/os-interface`: a new port on a network, or a port of the user's. */
  attachInterface(ref: servers.ServerRef, body: { readonly net_id?: string; readonly port_id?: string; readonly fixed_ips?: readonly { readonly ip_address: string }[]; readonly tag?: string }): interfaces.InterfaceAttachmentView {
    return this.write('attach_interface', (tx, ctx) => interfaces.attachInterface(tx, ctx, ref, body));
  }
  /** `DELETE /servers/{id}/os-interface/{port_id}`. */
  detachInterface(ref: servers.ServerRef, portId: string): void {
    this.write('detach_interface', (tx, ctx) => interfaces.detachInterface(tx, ctx, ref, portId));
  }
  /** `GET /servers/{id}/ips`. */
  listServerAddresses(ref: servers.ServerRef): Record<string, unknown[]> {
    return interfaces.listServerAddresses(this.read(), ref);
  }
  /** `GET /servers/{id}/ips/{network_label}`. */
  getServerAddresses(ref: servers.ServerRef, network: string): Record<string, unknown[]> {
    return interfaces.showServerAddresses(this.read(), ref, network);
  }

  // ------------------------------------------------------------------------------ server groups
  /** `GET /os-server-groups` (`all_projects` for admins). */
  listServerGroups(query: Readonly<Record<string, unknown>> = {}): serverGroups.ServerGroupView[] {
    return serverGroups.listServerGroups(this.read(), query);
  }
  /** `GET /os-server-groups/{id}`. */
  getServerGroup(ref: string): serverGroups.ServerGroupView {
    return serverGroups.showServerGroup(this.read(), ref);
  }
  /** `POST /os-server-groups` (2.64). */
  createServerGroup(body: { readonly name: string; readonly policy: 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity'; readonly rules?: { readonly max_server_per_host?: number } }): serverGroups.ServerGroupView {
    return this.write('create_server_group', (tx, ctx) => serverGroups.createServerGroup(tx, ctx, body));
  }
  /** `DELETE /os-server-groups/{id}`. */
  deleteServerGroup(ref: string): void {
    this.write('delete_server_group', (tx, ctx) => serverGroups.deleteServerGroup(tx, ctx, ref));
  }

  // ------------------------------------------------------------------------------ availability zones
  /** `GET /os-availability-zone`. */
  listAvailabilityZones(): availabilityZones.ComputeAvailabilityZoneView[] {
    return availabilityZones.listAvailabilityZones(this.read());
  }
  /** `GET /os-availability-zone/detail` (admin): hosts and their services. */
  listAvailabilityZonesDetail(): availabilityZones.ComputeAvailabilityZoneView[] {
    return availabilityZones.listAvailabilityZonesDetail(this.read());
  }

  // ------------------------------------------------------------------------------ hypervisors and cells
  /** `GET /os-hypervisors` (admin; `hypervisor_hostname_pattern`, `with_servers`). */
  listHypervisors(query: Readonly<Record<string, unknown>> = {}): hypervisors.HypervisorSummary[] {
    return hypervisors.listHypervisors(this.read(), query);
  }
  /** `GET /os-hypervisors/detail` (admin). */
  listHypervisorsDetail(query: Readonly<Record<string, unknown>> = {}): hypervisors.HypervisorView[] {
    return hypervisors.listHypervisorsDetail(this.read(), query);
  }
  /** `GET /os-hypervisors/{id}` (admin; uptime since 2.88). */
  getHypervisor(ref: string, query: { readonly with_servers?: boolean } = {}): hypervisors.HypervisorView {
    return hypervisors.showHypervisor(this.read(), ref, query);
  }
  /** stacksim's named helper for `GET /os-hypervisors/statistics`, which 2.88 removed: totals over the compute nodes. */
  getHypervisorStatistics(): hypervisors.HypervisorStatisticsView {
    return hypervisors.hypervisorStatistics(this.read());
  }
  /** stacksim's named helper for `nova-manage cell_v2 list_cells` / `list_hosts` (admin): cell0, cell1 and its hosts. */
  listCells(): hypervisors.CellView[] {
    return hypervisors.listCells(this.read());
  }

  // ------------------------------------------------------------------------------ aggregates
  /** `GET /os-aggregates` (admin). */
  listAggregates(): aggregates.AggregateView[] {
    return aggregates.listAggregates(this.read());
  }
  /** `GET /os-aggregates/{id}` (admin). */
  getAggregate(ref: string): aggregates.AggregateView {
    return aggregates.showAggregate(this.read(), ref);
  }
  /** `POST /os-aggregates` (admin). */
  createAggregate(body: { readonly name: string; readonly availability_zone?: string | null }): aggregates.AggregateView {
    return this.write('create_aggregate', (tx, ctx) => aggregates.createAggregate(tx, ctx, body));
  }
  /** `PUT /os-aggregates/{id}` (admin). */
  updateAggregate(ref: string, body: { readonly name?: string; readonly availability_zone?: string | null }): aggregates.AggregateView {
    return this.write('update_aggregate', (tx, ctx) => aggregates.updateAggregate(tx, ctx, ref, body));
  }
  /** `DELETE /os-aggregates/{id}` (admin; refused while it has hosts). */
  deleteAggregate(ref: string): void {
    this.write('delete_aggregate', (tx, ctx) => aggregates.deleteAggregate(tx, ctx, ref));
  }
  /** `add_host` (admin; mirrored into Placement). */
  addAggregateHost(ref: string, body: { readonly host: string }): aggregates.AggregateView {
    return this.write('add_aggregate_host', (tx, ctx) => aggregates.addAggregateHost(tx, ctx, ref, body));
  }
  /** `remove_host` (admin). */
  removeAggregateHost(ref: string, body: { readonly host: string }): aggregates.AggregateView {
    return this.write('remove_aggregate_host', (tx, ctx) => aggregates.removeAggregateHost(tx, ctx, ref, body));
  }
  /** `set_metadata` (admin; a null value removes a key; `availability_zone` names the zone). */
  setAggregateMetadata(ref: string, body: { readonly metadata: Readonly<Record<string, string | null>> }): aggregates.AggregateView {
    return this.write('set_aggregate_metadata', (tx, ctx) => aggregates.setAggregateMetadata(tx, ctx, ref, body));
  }

  // ------------------------------------------------------------------------------ moves (issue 15)

  /**
   * `POST /servers/{id}/action {"resize": {flavorRef}}`: the server moves to a host that fits the
   * new flavor (its own only with `allow_resize_to_same_host`), its source allocation held by the
   * migration until {@link confirmResize} or {@link revertResize}; `VERIFY_RESIZE` at the end
   * (`resize_confirm_window` 0: nothing confirms by itself). 202.
   */
  resizeServer(ref: servers.ServerRef, body: { readonly flavorRef: string | number; readonly 'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL' }): void {
    this.write('resize_server', (tx, ctx) => resize.resizeServer(tx, ctx, ref, body));
  }
  /** `POST /servers/{id}/action {"confirmResize": null}`: the source's allocation (the migration's) is freed. 204. */
  confirmResize(ref: servers.ServerRef): void {
    this.write('confirm_resize', (tx, ctx) => resize.confirmResize(tx, ctx, ref));
  }
  /** `POST /servers/{id}/action {"revertResize": null}`: back to the source host and the old flavor. 202. */
  revertResize(ref: servers.ServerRef): void {
    this.write('revert_resize', (tx, ctx) => resize.revertResize(tx, ctx, ref));
  }
  /** `POST /servers/{id}/action {"migrate": {host?}}` (admin; `host` since 2.56): a cold migration, confirmed like a resize. 202. */
  migrateServer(ref: servers.ServerRef, body: { readonly host?: string | null } | null = null): void {
    this.write('migrate_server', (tx, ctx) => resize.migrateServer(tx, ctx, ref, body));
  }
  /**
   * `POST /servers/{id}/action {"os-migrateLive": {host, block_migration}}` (admin): a live
   * migration with nova's checks (the scheduler picks when `host` is null; `force` is 2.30–2.67,
   * `disk_over_commit` before 2.25: the REST layer keeps each to its microversions). 202; a
   * failure shows as the migration's `error` status and an instance fault (2.34+).
   */
  liveMigrateServer(ref: servers.ServerRef, body: { readonly host: string | null; readonly block_migration: boolean | 'auto'; readonly force?: boolean; readonly disk_over_commit?: boolean }): void {
    this.write('live_migrate_server', (tx, ctx) => liveMigration.liveMigrateServer(tx, ctx, ref, body));
  }
  /** `POST /servers/{id}/migrations/{migration_id}/action {"force_complete": null}` (2.22, admin). 202. */
  forceCompleteMigration(ref: servers.ServerRef, migrationId: number | string): void {
    this.write('force_complete_migration', (tx, ctx) => liveMigration.forceCompleteMigration(tx, ctx, ref, migrationId));
  }
  /** `DELETE /servers/{id}/migrations/{migration_id}` (2.24, admin): abort a live migration. 202. */
  abortMigration(ref: servers.ServerRef, migrationId: number | string): void {
    this.write('abort_migration', (tx, ctx) => liveMigration.abortMigration(tx, ctx, ref, migrationId));
  }
  /** `GET /servers/{id}/migrations` (2.23, admin): the server's live migrations in progress. */
  listServerMigrations(ref: servers.ServerRef): serverMigrations.ServerMigrationView[] {
    return serverMigrations.listServerMigrations(this.read(), ref);
  }
  /** `GET /servers/{id}/migrations/{migration_id}` (2.23, admin). */
  getServerMigration(ref: servers.ServerRef, migrationId: number | string): serverMigrations.ServerMigrationView {
    return serverMigrations.getServerMigration(this.read(), ref, migrationId);
  }
  /** `GET /os-migrations` (admin) with nova's filters, as 2.80 shows them. */
  listMigrations(query: Readonly<Record<string, unknown>> = {}): serverMigrations.MigrationView[] {
    return serverMigrations.listMigrations(this.read(), query);
  }
  /**
   * `POST /servers/{id}/action {"shelve": null}`: a snapshot image `<name>-shelved` (image-backed),
   * then, with `shelved_offload_time` 0, offloaded at once: the host's resources freed. 202.
   */
  shelveServer(ref: servers.ServerRef): void {
    this.write('shelve_server', (tx, ctx) => shelve.shelveServer(tx, ctx, ref));
  }
  /** `POST /servers/{id}/action {"shelveOffload": null}` (admin): frees the host of a `SHELVED` server. 202. */
  shelveOffloadServer(ref: servers.ServerRef): void {
    this.write('shelve_offload_server', (tx, ctx) => shelve.shelveOffloadServer(tx, ctx, ref));
  }
  /**
   * `POST /servers/{id}/action {"unshelve": …}`: back to `ACTIVE`, scheduled again when offloaded
   * (`availability_zone` since 2.77, `host` and a null zone since 2.91). 202.
   */
  unshelveServer(ref: servers.ServerRef, body: { readonly availability_zone?: string | null; readonly host?: string } | null = null): void {
    this.write('unshelve_server', (tx, ctx) => shelve.unshelveServer(tx, ctx, ref, body));
  }
  /**
   * `POST /servers/{id}/action {"evacuate": …}` (admin): rebuilds a server of a host whose
   * nova-compute is down (or forced down) on another host. Answers `adminPass` as nova does
   * before 2.14 (the REST layer drops it from 2.14).
   */
  evacuateServer(ref: servers.ServerRef, body: { readonly host?: string; readonly adminPass?: string; readonly force?: boolean; readonly onSharedStorage?: boolean } = {}): evacuate.EvacuateView {
    return this.write('evacuate_server', (tx, ctx) => evacuate.evacuateServer(tx, ctx, ref, body));
  }

  // ------------------------------------------------------------------------------ services
  /** `GET /os-services` (admin). */
  listComputeServices(query: { readonly binary?: string; readonly host?: string } = {}): novaServices.ComputeServiceView[] {
    return novaServices.listComputeServices(this.read(), query);
  }
  /** `PUT /os-services/{service_id}` (2.53, admin): enable / disable with a reason (`COMPUTE_STATUS_DISABLED` in Placement), forced down. */
  updateComputeService(ref: string, body: { readonly status?: 'enabled' | 'disabled'; readonly disabled_reason?: string; readonly forced_down?: boolean }): novaServices.ComputeServiceView {
    return this.write('update_compute_service', (tx, ctx) => novaServices.updateComputeService(tx, ctx, ref, body));
  }
  /** `DELETE /os-services/{service_id}` (admin; refused while its host has servers). */
  deleteComputeService(ref: string): void {
    this.write('delete_compute_service', (tx, ctx) => novaServices.deleteComputeService(tx, ctx, ref));
  }
}
