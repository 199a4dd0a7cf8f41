/**
 * Cinder as nova calls it (`nova/volume/cinder.py`, the new attach flow nova uses since Queens):
 * with the user's token, inside nova's transaction, so Cinder's own visibility, policy, status
 * rules and quotas decide. `volumeForServer` (`GET /volumes/{id}`), `createVolumeForServer`
 * (`POST /volumes`, a boot-from-volume's image / snapshot / blank source), and the attachment
 * calls (`attachment_create` with `instance_uuid`, `attachment_update` with nova-compute's
 * connector, `attachment_complete`, `attachment_delete`), and `deleteVolumeForServer` for a
 * volume with `delete_on_termination`.
 */
import { getRow, type CloudState, type PolicyCredentials, type PolicyEngine, type Tx } from '../core/index.js';
import { completeAttachment, createAttachment, deleteAttachment, updateAttachment } from './attachments.js';
import { backendOf, findService } from './backends.js';
import { enforce, makeCtx, targetOf } from './context.js';
import { invalidVolume } from './errors.js';
import { CINDER_RULES } from './policies.js';
import { moveVolume } from './statuses.js';
import { AVAILABLE_MIGRATION } from './volume_actions.js';
import { createVolume } from './volume_create.js';
import { deleteVolume } from './volume_delete.js';
import { getVolume } from './volumes.js';
import type { SnapshotRow, VolumeRow } from './types.js';

/** The volume a server names, as the user's `GET /v3/volumes/{id}` finds it (undefined: not found for the user). */
export function volumeForServer(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, id: string): VolumeRow | undefined {
  try {
    return getVolume(makeCtx(s, policy, creds), { id });
  } catch {
    return undefined;
  }
}

/** The snapshot a boot-from-volume names, as the user's `GET /v3/snapshots/{id}` finds it (undefined: not found for the user). */
export function snapshotForServer(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, id: string): SnapshotRow | undefined {
  const ctx = makeCtx(s, policy, creds);
  const row = getRow(s.block.snapshots, id);
  return row !== undefined && (ctx.isAdmin || row.project_id === ctx.projectId) ? row : undefined;
}

/**
 * Whether the volume manager that holds a volume answers RPCs (its `cinder-volume` service is
 * reporting): nova's calls that reach it (connect, disconnect) time out otherwise.
 */
export function volumeServiceReachable(s: CloudState, volumeId: string): boolean {
  const volume = getRow(s.block.volumes, volumeId);
  if (volume === undefined || volume.host === null) return true;
  const service = findService(s, 'cinder-volume', backendOf(volume.host));
  return service !== undefined && service.reporting;
}

/** `os-roll_detaching` (nova after a failed detach): a `detaching` volume goes back to `in-use`. */
export function rollDetachingForServer(tx: Tx, volumeId: string): void {
  const volume = getRow((tx.draft as CloudState).block.volumes, volumeId);
  if (volume !== undefined && volume.status === 'detaching') moveVolume(tx, volume, 'in-use');
}

/** A volume row by id (nova's view of its attached volumes), undefined when gone. */
export function volumeRow(s: CloudState, id: string): VolumeRow | undefined {
  return getRow(s.block.volumes, id);
}

/** What a boot-from-volume asks Cinder to make (`_create_volume` of the block device driver). */
export interface ServerVolumeRequest {
  readonly size: number;
  readonly name: string;
  readonly imageRef?: string;
  readonly snapshot_id?: string;
  readonly volume_type?: string;
  readonly availability_zone?: string;
}

/** `volume_api.create` for the user: the new volume's id (it is `creating` until the volume manager's task runs). */
export function createVolumeForServer(tx: Tx, policy: PolicyEngine, creds: PolicyCredentials, request: ServerVolumeRequest): string {
  const body: Record<string, unknown> = { size: request.size, name: request.name };
  if (request.imageRef !== undefined) body.imageRef = request.imageRef;
  if (request.snapshot_id !== undefined) body.snapshot_id = request.snapshot_id;
  if (request.volume_type !== undefined) body.volume_type = request.volume_type;
  if (request.availability_zone !== undefined) body.availability_zone = request.availability_zone;
  return createVolume(tx, makeCtx(tx.draft as CloudState, policy, creds), body).id;
}

/** `attachment_create(volume, instance_uuid)`: the reserved attachment's id. */
export function reserveVolumeForServer(tx: Tx, policy: PolicyEngine, creds: PolicyCredentials, volumeId: string, instanceUuid: string): string {
  return createAttachment(tx, makeCtx(tx.draft as CloudState, policy, creds), { volume_uuid: volumeId, instance_uuid: instanceUuid }).id;
}

/** `attachment_update` with nova-compute's connector (`host`, `mountpoint`), then `attachment_complete`: the volume is `in-use`. */
export function connectVolumeForServer(tx: Tx, policy: PolicyEngine, creds: PolicyCredentials, attachmentId: string, connector: { readonly host: string; readonly mountpoint: string; readonly ip?: string }): void {
  updateAttachment(tx, makeCtx(tx.draft as CloudState, policy, creds), { id: attachmentId }, { connector: { initiator: `iqn.2004-10.com.ubuntu:01:${connector.host}`, ip: connector.ip ?? '127.0.0.1', platform: 'x86_64', os_type: 'linux', multipath: false, host: connector.host, mountpoint: connector.mountpoint } });
  completeAttachment(tx, makeCtx(tx.draft as CloudState, policy, creds), { id: attachmentId });
}

/** `attachment_delete`: the volume goes back to `available` (or stays `in-use` with other attachments). */
export function releaseVolumeForServer(tx: Tx, policy: PolicyEngine, creds: PolicyCredentials, attachmentId: string): void {
  if (getRow((tx.draft as CloudState).block.attachments, attachmentId) === undefined) return;
  deleteAttachment(tx, makeCtx(tx.draft as CloudState, policy, creds), { id: attachmentId });
}

/** `volume_api.delete` for a volume with `delete_on_termination` (after its attachment is gone). */
export function deleteVolumeForServer(tx: Tx, policy: PolicyEngine, creds: PolicyCredentials, volumeId: string): void {
  if (getRow((tx.draft as CloudState).block.volumes, volumeId) === undefined) return;
  deleteVolume(tx, makeCtx(tx.draft as CloudState, policy, creds), { id: volumeId });
}

/**
 * `volume_api.begin_detaching` (`os-begin_detaching`, `cinder/volume/api.py` `begin_detaching`),
 * which nova-api calls before it casts a detach to nova-compute: the `begin_detaching` policy on
 * the volume, then `in-use` → `detaching` when the volume is `in-use`, `attached` and not
 * migrating. Otherwise Cinder's 400 `InvalidVolume` "Unable to detach volume. Volume status must
 * be 'in-use' and attach_status must be 'attached' to detach." (a migrating volume is left as it
 * is, without an error, as Zed does).
 */
export function beginDetachingForServer(tx: Tx, policy: PolicyEngine, creds: PolicyCredentials, volumeId: string): void {
  const ctx = makeCtx(tx.draft as CloudState, policy, creds);
  const volume = getVolume(ctx, { id: volumeId });
  enforce(ctx, CINDER_RULES.volume.beginDetaching, targetOf(volume));
  const idle = AVAILABLE_MIGRATION.includes(volume.migration_status);
  if (volume.status === 'in-use' && volume.attach_status === 'attached' && idle) {
    moveVolume(tx, volume, 'detaching');
    return;
  }
  if (!idle) return;
  throw invalidVolume("Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.", { volume_id: volume.id, status: volume.status });
}
