/**
 * `DELETE /servers/{id}` (`nova/api/openstack/compute/servers.py` `delete`, `nova/compute/api.py`
 * `delete`, `_delete`, `_local_delete`; `nova/compute/manager.py` `terminate_instance`,
 * `_shutdown_instance`, `_cleanup_volumes`). `reclaim_instance_interval` is 0, so a delete is hard:
 * the `delete` policy, the lock (409 for a non-admin), then `task_state` `deleting`, and — on the
 * server's compute host, or in the API when it has none or its host is down (`_local_delete`) —
 * the instance shut down, its ports deleted (those nova made) or unbound (those the user passed),
 * its volumes detached with Cinder's attachment API and deleted when `delete_on_termination`, its
 * allocation removed from Placement, its quota given back, its server group membership dropped;
 * the row stays as nova's soft-deleted record (`deleted`, `vm_state` `deleted`).
 *
 * Moves (issue 15): a server in `VERIFY_RESIZE` is confirmed first (`_confirm_resize_on_deleting`:
 * the source's allocation, held by the migration, is freed; stacksim records no separate
 * `confirmResize` action, as the delete's request has one action: the confirm's event
 * `compute_confirm_resize` is an event of the `delete` action); a migration still in flight
 * when the instance goes ends in `error` and its allocation is deleted with the instance's, so
 * no consumer is left. A `SHELVED` / `SHELVED_OFFLOADED` server's snapshot
 * (`shelved_image_id`) is deleted from Glance as the user, a refusal logged and ignored as nova
 * does (`_delete`).
 */
import { CloudError, deleteRow, getRow, policyEngineOf, setRow, type CloudState, type PolicyCredentials, type Tx } from '../core/index.js';
import { findHost } from '../hardware/index.js';
import { deleteInstanceAllocations } from '../scheduler/index.js';
import { bindServerPort, deleteServerPort } from '../network/index.js';
import { deleteVolumeForServer, releaseVolumeForServer } from '../block/index.js';
import { deleteImageFor } from '../image/index.js';
import { finishEvent, startAction, startEvent } from './actions.js';
import { bestEffort, saveServer } from './boot.js';
import { bdmEntries, bdmsOf } from './block_device.js';
import { enforce, targetOf, type Ctx } from './context.js';
import { checkAction } from './guards.js';
import { NOVA_RULES } from './policies.js';
import { FINISHED_MIGRATION_STATUSES, dropMigrationAllocation, latestMigration, migrationsOfServer, saveMigration } from './migrations.js';
import { releaseInstance } from './quota.js';
import { confirmOnSource } from './resize_tasks.js';
import { getServer } from './servers.js';
import type { ServerRow } from './types.js';
import { instanceUsage } from './views.js';

/** nova-compute's `terminate_instance`. */
export const TERMINATE_TASK = 'compute.terminate_instance';

interface TerminateArgs {
  readonly uuid: string;
  readonly creds: PolicyCredentials;
}

/** `DELETE /servers/{id}`: 204; the work happens on the host (at once with `progression: 'immediate'`). */
export function deleteServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  let row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.servers.delete, targetOf(row));
  checkAction(ctx, row, 'delete');
  if ((row.vm_state === 'shelved' || row.vm_state === 'shelved_offloaded') && row.shelved_image_id !== null) deleteShelvedImage(tx, ctx, row.shelved_image_id, row.uuid);
  startAction(tx, row, 'delete', ctx);
  if (row.vm_state === 'resized') {
    // _confirm_resize_on_deleting: a finished (or confirming) migration is confirmed on the source
    // first; its event compute_confirm_resize is recorded in this delete's action
    const migration = latestMigration(tx.draft as CloudState, row.uuid, ['finished', 'confirming'], ['resize', 'migration']);
    if (migration !== undefined) {
      tx.trace('nova-api', `unconfirmed migration ${migration.id} found during the delete of ${row.uuid}: confirming it`);
      row = confirmOnSource(tx, row, migration);
    }
  }
  const s = tx.draft as CloudState;
  const host = row.host === null ? undefined : findHost(s, row.host);
  const next = saveServer(tx, row, { task_state: 'deleting' });
  tx.trace('nova-api', `delete server ${row.uuid}${row.host === null ? ' (no host: local delete)' : ` on ${row.host}`}`);
  if (host === undefined || host.state !== 'up') {
    // _local_delete: the API cleans up itself (no host, or its nova-compute is down)
    terminate(tx, next, { ...ctx.creds }, row.host === null ? null : row.host);
    return;
  }
  tx.schedule(TERMINATE_TASK, { uuid: row.uuid, creds: { ...ctx.creds } } satisfies TerminateArgs, 0);
}

/** `_delete`: the shelved snapshot deleted with the caller's token; Glance's refusal (not found, forbidden, …) is logged and ignored. */
function deleteShelvedImage(tx: Tx, ctx: Ctx, imageId: string, uuid: string): void {
  try {
    deleteImageFor(tx, ctx.policy, ctx.creds, imageId);
    tx.trace('nova-api', `snapshot ${imageId} of shelved instance ${uuid} deleted from Glance`);
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    tx.trace('nova-api', `Failed to delete snapshot from shelved instance (${e.message}).`);
  }
}

/**
 * The migrations of a deleted instance: one in flight ends in `error` (its steps find the
 * instance gone, `errors_out_migration`), and every migration consumer's allocation is deleted
 * with the instance's own.
 */
function cleanMigrations(tx: Tx, row: ServerRow): void {
  for (const migration of migrationsOfServer(tx.draft as CloudState, row.uuid)) {
    dropMigrationAllocation(tx, row, migration);
    if (!FINISHED_MIGRATION_STATUSES.includes(migration.status)) saveMigration(tx, migration, { status: 'error' });
  }
}

/** nova-compute's task. */
export function runTerminate(tx: Tx, raw: unknown): void {
  const args = raw as TerminateArgs;
  const row = getRow((tx.draft as CloudState).compute.servers, args.uuid);
  if (row === undefined || row.deleted) return;
  terminate(tx, row, args.creds, row.host);
}

/** Shuts the instance down and releases everything it holds. */
export function terminate(tx: Tx, row: ServerRow, creds: PolicyCredentials, host: string | null): void {
  const policy = policyEngineOf(tx.memo);
  const publisher = { publisher: `compute.${host ?? 'controller'}` };
  startEvent(tx, row.uuid, 'compute_terminate_instance', host);
  // _delete_instance: notify_usage_exists, then delete.start
  tx.emit('compute.instance.exists', () => instanceUsage(tx.draft as CloudState, row), publisher);
  tx.emit('compute.instance.delete.start', () => instanceUsage(tx.draft as CloudState, row), publisher);
  if (row.power_state !== 0) tx.trace('nova-compute', `instance ${row.uuid} powered off on ${host ?? '?'}`);
  // _shutdown_instance → deallocate_for_instance: nova's ports deleted, the user's unbound
  for (const vif of row.vifs) {
    if (vif.preserve_on_delete) bindServerPort(tx, vif.port_id, { device_id: '', device_owner: '', host: '' });
    else deleteServerPort(tx, vif.port_id);
  }
  // volumes: detach (attachment_delete), then delete those with delete_on_termination
  // _cleanup_volumes(raise_exc=False): a volume Cinder refuses to delete stays, the server goes
  for (const bdm of bdmsOf(tx.draft as CloudState, row.uuid)) {
    if (bdm.attachment_id !== null) bestEffort(tx, `detach volume ${bdm.volume_id}`, () => releaseVolumeForServer(tx, policy, creds, bdm.attachment_id as string));
    if (bdm.delete_on_termination && bdm.volume_id !== null && bdm.destination_type === 'volume') bestEffort(tx, `delete volume ${bdm.volume_id}`, () => deleteVolumeForServer(tx, policy, creds, bdm.volume_id as string));
  }
  for (const [key] of bdmEntries(tx.draft as CloudState, row.uuid)) deleteRow(tx.draft.compute.bdms, key);
  deleteInstanceAllocations(tx, row.uuid, row.project_id, row.user_id);
  cleanMigrations(tx, row);
  releaseInstance(tx, row.project_id, row.flavor);
  if (row.server_group !== null) {
    const group = getRow((tx.draft as CloudState).compute.server_groups, row.server_group);
    if (group !== undefined) setRow(tx.draft.compute.server_groups, group.id, { ...group, members: group.members.filter((m) => m !== row.uuid) });
  }
  const now = tx.now();
  const done = saveServer(tx, row, { vm_state: 'deleted', task_state: null, power_state: 0, vifs: [], deleted: true, deleted_at: now, terminated_at: now, host: null, server_group: null });
  finishEvent(tx, row.uuid, 'compute_terminate_instance');
  tx.trace('nova-compute', `instance ${row.uuid} deleted: ports, volumes and allocation released`);
  const usage = instanceUsage(tx.draft as CloudState, { ...done, host: row.host, node: row.node });
  tx.emit('compute.instance.delete.end', () => usage, publisher);
}
