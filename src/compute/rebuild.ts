/**
 * `rebuild` (`POST /servers/{id}/action`): the server re-made from an image on the same host,
 * keeping its host, its Placement allocation, its ports and its volumes.
 *
 * Followed, Zed: `nova/api/openstack/compute/servers.py` `_action_rebuild` and the `rebuild_v290`
 * schema (`imageRef` required; `name`, `adminPass`, `metadata`, `preserve_ephemeral`,
 * `OS-DCF:diskConfig`, `accessIPv4`, `accessIPv6`, `description` 2.19, `key_name` 2.54,
 * `user_data` 2.57, `trusted_image_certificates` 2.63, `hostname` 2.90);
 * `nova/compute/api.py` `rebuild` (the lock and the states `ACTIVE`, `SHUTOFF`, `ERROR`; the key
 * pair of the caller; `_get_image`; a volume-backed server keeps its image;
 * `_checks_for_create_and_rebuild`: metadata quota, `_detect_nonbootable_image_from_properties`,
 * `_validate_flavor_image` — image `active`, `min_ram`, size and `min_disk` against the flavor's
 * root disk or the root volume —; `_check_volume_status`; task `rebuilding`, progress 0, the
 * new `image_ref`); `nova/compute/manager.py` `rebuild_instance`, `_do_rebuild_instance`,
 * `_rebuild_default_impl` (`compute.instance.exists` for the old image, `rebuild.start`, power
 * off, the volumes' attachments renewed with Cinder's attachment API,
 * `rebuild_block_device_mapping`, `rebuild_spawning`, the image into the host's image cache as a
 * boot fetches it, spawn, `ACTIVE`; a server that was `SHUTOFF` is stopped again through
 * `stop_instance`; `rebuild.end`). `preserve_ephemeral: true` fails on the host as the libvirt
 * driver fails (`PreserveEphemeralNotSupported`): the server ends `ERROR` with that fault.
 *
 * The answer is the server's full view (2.75+) as nova-api re-reads it (`REBUILD`), with
 * `adminPass` (the one given, else generated) when `enable_instance_password` is on, and
 * `user_data` (2.57).
 *
 * The same task is the destination's `rebuild_instance` of an evacuation (`recreate=True`, its
 * {@link EvacuationArgs}; the API and the conductor are `evacuate.ts`): `rebuild_claim` moves the
 * migration to `pre-migrating` with the destination's fields; `_do_rebuild_instance`'s evacuate
 * branch refuses an `on_shared_storage` the libvirt driver contradicts (local disks: never shared),
 * then `exists` and `rebuild.start` (with `image_name` `''`), power `NOSTATE` (no guest here yet),
 * every port bound to the destination (`setup_instance_network_on_host`, `device_owner`
 * `compute:<new zone>`), every volume (the root one too) given a new attachment connected on the
 * destination and its old one deleted, the original image spawned (the root disk's content is
 * lost), then `finish_evacuation`: the server's `host` and `node` become the destination's and the
 * migration `done` — after `rebuild.end`, so the server shows its source host until then. A
 * failure on the destination marks the migration `failed`, removes the destination's part of the
 * allocation (`delete_allocation_for_evacuated_instance`), sends `compute.instance.rebuild.error`
 * and leaves the server `ERROR` with its fault. A destination that is down when the cast arrives
 * never receives it: the server stays `rebuilding` and the migration where it was (as in nova).
 * A stage of an evacuation that is no longer the server's newest (another evacuation of it was
 * asked meanwhile) ends as nova's `except Exception` path does ({@link endSupersededEvacuation}).
 *
 * A host that failed makes no progress (`boot.ts` `hostIsDown`): a stage of a rebuild, or the
 * spawn of an evacuation on its destination, finds the host down and does nothing — the server
 * keeps its task_state (`rebuilding`, `rebuild_spawning`) as nova shows it when nova-compute dies
 * mid-operation, and an evacuation's migration stays `pre-migrating`.
 *
 * Not simulated: `trusted_image_certificates` (accepted, checked by policy, not verified),
 * `hw_architecture` canonicalisation, NUMA re-validation, `OS-DCF:diskConfig` (accepted),
 * re-imaging a volume-backed server's root volume (Cinder's `os-reimage` is not simulated: its
 * image must stay the same, as before 2.93), the `compute.instance.rebuild.error` notification of
 * a same-host rebuild (an evacuation's failure sends it), the late server-group check and the
 * resource claim of an evacuation's destination (nova's claim tests only NUMA and PCI, neither
 * simulated).
 */
import { CloudError, detach, getRow, policyEngineOf, setRow, type CloudState, type PolicyCredentials, type Tx } from '../core/index.js';
import { findHost, type Host } from '../hardware/index.js';
import { bindServerPort } from '../network/index.js';
import { imageFor, type ImageRow } from '../image/index.js';
import { connectVolumeForServer, releaseVolumeForServer, reserveVolumeForServer, volumeRow, volumeServiceReachable } from '../block/index.js';
import { finishEvent, startAction, startEvent } from './actions.js';
import { SPAWN_SECONDS, hostIsDown, nicMbps, saveServer } from './boot.js';
import { bdmsOf, saveBdm } from './block_device.js';
import { allowed, enforce, ownTarget, targetOf, type Ctx } from './context.js';
import { NovaError, badRequest, invalid } from './errors.js';
import { checkAction } from './guards.js';
import { booleanArg, describeValue, fieldError, generatePassword, metadataArg, optionalText } from './input.js';
import { NOVA_RULES } from './policies.js';
import { checkMetadataQuota } from './quota.js';
import { credsOf, hostRow, isVolumeBacked, preempted, publisherOf } from './server_actions.js';
import { getServer } from './servers.js';
import { FINISHED_MIGRATION_STATUSES, migrationById, migrationsOfServer, saveMigration } from './migrations.js';
import { removeProviderFromAllocation } from './nova_services.js';
import type { BdmRow, MigrationRow, MigrationStatus, ServerRow } from './types.js';
import { hostIp } from './hypervisors.js';
import { instanceUsage, serverView, type ServerView } from './views.js';
import type { TaskState, VmState } from './vm_states.js';

/** nova-compute's task: `rebuild_instance`, in stages. */
export const REBUILD_TASK = 'compute.rebuild_instance';

/** What `rebuild` answers: the server's view, its `adminPass` (when `enable_instance_password`) and `user_data` (2.57). */
export type RebuiltServerView = ServerView & { readonly adminPass?: string; readonly user_data?: string | null };

const KEYS = ['name', 'imageRef', 'adminPass', 'metadata', 'preserve_ephemeral', 'OS-DCF:diskConfig', 'accessIPv4', 'accessIPv6', 'description', 'key_name', 'user_data', 'trusted_image_certificates', 'hostname'];
const GIB = 1024 ** 3;

/** The rebuild body as the schema checks it (absent fields stay absent: they keep the server's values). */
interface RebuildBody {
  readonly imageRef: string;
  readonly name?: string;
  readonly adminPass?: string;
  readonly metadata?: Record<string, string>;
  readonly preserveEphemeral: boolean;
  readonly accessIPv4?: string;
  readonly accessIPv6?: string;
  readonly description?: string | null;
  readonly keyName?: string | null;
  readonly userData?: string | null;
  readonly trustedCerts?: readonly string[] | null;
  readonly hostname?: string;
}

function has(o: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** `rebuild_v290`: every field checked before the server is looked up (400 naming the field). */
function checkBody(input: unknown): RebuildBody {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw fieldError('rebuild', input, `${describeValue(input)} is not of type 'object'`);
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) throw badRequest(`rebuild.${k}`, `Invalid input for field/attribute rebuild. Value: ${describeValue(o)}. Additional properties are not allowed ('${k}' was unexpected)`);
  if (!has(o, 'imageRef')) throw badRequest('imageRef', "Invalid input for field/attribute rebuild. Value: {}. 'imageRef' is a required property", 'compute.server.image_required');
  const out: { -readonly [K in keyof RebuildBody]: RebuildBody[K] } = { imageRef: optionalText(o.imageRef, 'imageRef', 255, 1), preserveEphemeral: false };
  if (has(o, 'name')) {
    const name = optionalText(o.name, 'name', 255, 1);
    if (name.trim().length !== name.length || name.trim().length === 0) throw fieldError('name', name, `'${name.slice(0, 40)}' is not a valid name: no leading or trailing whitespace`);
    out.name = name;
  }
  if (has(o, 'adminPass')) out.adminPass = optionalText(o.adminPass, 'adminPass', 65_535);
  if (has(o, 'metadata')) out.metadata = metadataArg(o.metadata, 'metadata');
  if (has(o, 'preserve_ephemeral')) out.preserveEphemeral = booleanArg(o.preserve_ephemeral, 'preserve_ephemeral');
  if (has(o, 'OS-DCF:diskConfig') && o['OS-DCF:diskConfig'] !== 'AUTO' && o['OS-DCF:diskConfig'] !== 'MANUAL') throw fieldError('OS-DCF:diskConfig', o['OS-DCF:diskConfig'], `${describeValue(o['OS-DCF:diskConfig'])} is not one of ['AUTO', 'MANUAL']`);
  const ip = (k: 'accessIPv4' | 'accessIPv6', v4: boolean): string | undefined => {
    if (!has(o, k)) return undefined;
    if (o[k] === null || o[k] === '') return '';
    const v = optionalText(o[k], k, 64, 1);
    if (v4 ? !/^(\d{1,3}\.){3}\d{1,3}$/.test(v) : !/^[0-9a-fA-F:.]+$/.test(v) || !v.includes(':')) throw fieldError(k, v, `'${v.slice(0, 40)}' is not a '${v4 ? 'ipv4' : 'ipv6'}'`);
    return v;
  };
  const v4 = ip('accessIPv4', true);
  const v6 = ip('accessIPv6', false);
  if (v4 !== undefined) out.accessIPv4 = v4;
  if (v6 !== undefined) out.accessIPv6 = v6;
  if (has(o, 'description')) out.description = o.description === null ? null : optionalText(o.description, 'description', 255);
  if (has(o, 'key_name')) out.keyName = o.key_name === null ? null : optionalText(o.key_name, 'key_name', 255, 1);
  if (has(o, 'user_data')) {
    if (o.user_data === null) out.userData = null;
    else {
      const u = optionalText(o.user_data, 'user_data', 65_535);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(u) || u.length % 4 !== 0) throw fieldError('user_data', u, `'${u.slice(0, 20)}' is not a 'base64'`);
      out.userData = u;
    }
  }
  if (has(o, 'trusted_image_certificates')) {
    const t = o.trusted_image_certificates;
    if (t === null) out.trustedCerts = null;
    else {
      if (!Array.isArray(t)) throw fieldError('trusted_image_certificates', t, `${describeValue(t)} is not of type 'array', 'null'`);
      if (t.length < 1) throw fieldError('trusted_image_certificates', t, '[] is too short');
      if (t.length > 50) throw fieldError('trusted_image_certificates', t, `${describeValue(t)} is too long`);
      const certs = t.map((c: unknown, i) => optionalText(c, `trusted_image_certificates[${i}]`, 255, 1));
      if (new Set(certs).size !== certs.length) throw fieldError('trusted_image_certificates', t, `${describeValue(t)} has non-unique elements`);
      out.trustedCerts = certs;
    }
  }
  if (has(o, 'hostname')) {
    const h = optionalText(o.hostname, 'hostname', 63, 2);
    if (!/^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$/.test(h)) throw fieldError('hostname', h, `'${h}' does not match '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$'`);
    out.hostname = h;
  }
  return out;
}

/** The image nova-compute spawns from (plain data for the task). */
interface RebuildImage {
  readonly id: string;
  readonly size: number;
  readonly name: string | null;
}

/**
 * An evacuation's part of the destination's task (`rebuild_instance(recreate=True, …)`): the
 * task's `host` is the destination, the server is still on `source` until the end.
 */
export interface EvacuationArgs {
  /** The evacuation's migration record (its database id). */
  readonly migration_id: number;
  readonly source: string;
  /** The destination's node (the scheduler's `nodename`, or the forced host's first node). */
  readonly node: string;
  /** `onSharedStorage` as given before 2.14; null lets the driver decide (local disks: not shared). */
  readonly on_shared_storage: boolean | null;
  /** Whether an admin password is set on the rebuilt guest (`new_pass` not None). */
  readonly admin_password: boolean;
}

/** The task's arguments (exported for `evacuate.ts`, which casts the destination's rebuild). */
export interface RebuildArgs {
  readonly uuid: string;
  readonly host: string | null;
  readonly stage: 'begin' | 'spawn';
  readonly expect: TaskState;
  readonly creds: PolicyCredentials;
  /** null for a volume-backed server (its root volume keeps its image). */
  readonly image: RebuildImage | null;
  readonly orig_image_ref: string;
  readonly orig_vm_state: VmState;
  readonly preserve_ephemeral: boolean;
  /** Set for an evacuation's destination (nova's `recreate`). */
  readonly evacuation?: EvacuationArgs;
}

/** `_get_image` and `_validate_flavor_image` for the rebuild's image (400s as nova's controller answers them). */
function checkImage(ctx: Ctx, ref: string): ImageRow {
  let image: ImageRow;
  try {
    image = imageFor(ctx.s, ctx.policy, ctx.creds, ref.includes('/') ? { id: ref.split('/').pop() ?? ref } : ref, 'imageRef');
  } catch (e) {
    if (e instanceof CloudError && [403, 404, 409].includes(e.status)) throw invalid('compute.image.not_found', 'ImageNotFound', 'Cannot find image for rebuild', { field: 'imageRef', image_id: ref });
    throw e;
  }
  return image;
}

/** `_checks_for_create_and_rebuild` after the metadata quota: the image's bootability and its fit to the flavor or the root volume. */
function checkFit(ctx: Ctx, row: ServerRow, image: ImageRow, root: BdmRow | undefined): void {
  if (image.properties.cinder_encryption_key_id !== undefined) throw invalid('compute.image.unacceptable', 'ImageUnacceptable', `Image ${image.id} is unacceptable: Direct booting of an image uploaded from an encrypted volume is unsupported.`, { field: 'imageRef', image_id: image.id });
  if (image.status !== 'active') throw invalid('compute.image.not_active', 'ImageNotActive', `Image ${image.id} is not active.`, { field: 'imageRef', image_id: image.id });
  const f = row.flavor;
  if (image.min_ram > f.memory_mb) throw invalid('compute.flavor.memory_too_small', 'FlavorMemoryTooSmall', "Flavor's memory is too small for requested image.", { field: 'imageRef' });
  const minDisk = image.min_disk * GIB;
  if (root !== undefined && root.destination_type === 'volume') {
    const size = root.volume_size ?? (root.volume_id !== null ? (volumeRow(ctx.s, root.volume_id)?.size ?? null) : null);
    if (size !== null && minDisk > size * GIB) throw invalid('compute.volume.smaller_than_min_disk', 'VolumeSmallerThanMinDisk', `Volume is smaller than the minimum size specified in image metadata. Volume size is ${size * GIB} bytes, minimum size is ${minDisk} bytes.`, { field: 'imageRef' });
    return;
  }
  const disk = f.root_gb * GIB;
  if (disk !== 0) {
    if ((image.size ?? 0) > disk) throw invalid('compute.flavor.disk_smaller_than_image', 'FlavorDiskSmallerThanImage', `Flavor's disk is too small for requested image. Flavor disk is ${disk} bytes, image is ${image.size ?? 0} bytes.`, { field: 'imageRef' });
    if (minDisk > disk) throw invalid('compute.flavor.disk_smaller_than_min_disk', 'FlavorDiskSmallerThanMinDisk', `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${disk} bytes, minimum size is ${minDisk} bytes.`, { field: 'imageRef' });
  } else if (!allowed(ctx, NOVA_RULES.servers.createZeroDiskFlavor, ownTarget(ctx))) {
    throw new NovaError(403, 'compute.flavor.zero_disk', 'BootFromVolumeRequiredForZeroDiskFlavor', 'Only volume-backed servers are allowed for flavors with zero disk.', { field: 'imageRef' });
  }
}

/**
 * `POST /servers/{id}/action` `rebuild`: checks as nova-api does, sets task `rebuilding` with the
 * new image and attributes, records the `rebuild` action and casts `rebuild_instance` to the
 * server's host. Answers the server's view (202).
 */
export function rebuildServer(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): RebuiltServerView {
  const body = checkBody(input);
  const row = getServer(ctx, ref);
  const target = targetOf(row);
  enforce(ctx, NOVA_RULES.servers.rebuild, target);
  if (body.trustedCerts !== undefined) enforce(ctx, NOVA_RULES.servers.rebuildTrustedCerts, target);
  const password = body.adminPass ?? generatePassword(tx);
  checkAction(ctx, row, 'rebuild');
  const s = tx.draft as CloudState;
  const patch: { -readonly [K in keyof ServerRow]?: ServerRow[K] } = {};
  if (body.keyName !== undefined) {
    if (body.keyName === null) Object.assign(patch, { key_name: null, key_data: null });
    else {
      // the caller's key pair (users own keys, projects own servers)
      const kp = getRow(s.compute.keypairs, `${ctx.userId}/${body.keyName}`);
      if (kp === undefined) throw invalid('compute.keypair.invalid_ref', 'KeypairNotFound', 'Invalid key_name provided.', { field: 'key_name' });
      Object.assign(patch, { key_name: kp.name, key_data: kp.public_key });
    }
  }
  if (body.hostname !== undefined) patch.hostname = body.hostname;
  const image = checkImage(ctx, body.imageRef);
  const bdms = bdmsOf(s, row.uuid);
  const root = bdms.find((b) => b.boot_index === 0);
  const volumeBacked = isVolumeBacked(s, row);
  let origImageRef = row.image_ref;
  if (volumeBacked) {
    if (body.trustedCerts) throw invalid('compute.image.certificate_validation', 'CertificateValidationFailed', 'Image certificate validation is not supported for volume-backed servers.', { field: 'trusted_image_certificates' });
    const volume = root?.volume_id ? volumeRow(s, root.volume_id) : undefined;
    origImageRef = volume?.glance_metadata?.image_id ?? root?.image_id ?? '';
    // 2.93 would re-image the root volume (Cinder's os-reimage, not simulated): the image must stay the same
    if (origImageRef !== image.id) throw invalid('compute.image.unacceptable', 'ImageUnacceptable', `Image ${image.id} is unacceptable: Unable to rebuild with a different image for a volume-backed server.`, { field: 'imageRef', image_id: image.id });
  }
  if (body.metadata !== undefined && Object.keys(body.metadata).length > 0) checkMetadataQuota(tx, s, row.project_id, Object.keys(body.metadata).length);
  checkFit(ctx, row, image, root);
  // _check_volume_status: every attached volume must be in-use
  for (const b of bdms) {
    if (b.volume_id === null) continue;
    const v = volumeRow(s, b.volume_id);
    if (v !== undefined && v.status !== 'in-use') throw invalid('compute.volume.invalid', 'InvalidVolume', `Invalid volume: volume '${v.id}' status must be 'in-use'. Currently in '${v.status}' status`, { volume_id: v.id });
  }
  if (body.name !== undefined) patch.name = body.name;
  if (body.description !== undefined) patch.description = body.description;
  if (body.metadata !== undefined) patch.metadata = body.metadata;
  if (body.accessIPv4 !== undefined) patch.access_ip_v4 = body.accessIPv4;
  if (body.accessIPv6 !== undefined) patch.access_ip_v6 = body.accessIPv6;
  if (body.userData !== undefined) patch.user_data = body.userData;
  const next = saveServer(tx, row, { ...patch, task_state: 'rebuilding', progress: 0, password_set: true, ...(volumeBacked ? {} : { image_ref: image.id }) });
  startAction(tx, next, 'rebuild', ctx);
  tx.trace('nova-api', `rebuild server ${row.uuid} with image ${image.id} on ${row.host ?? '(no host)'}: task_state rebuilding`);
  const args: RebuildArgs = {
    uuid: row.uuid,
    host: row.host,
    stage: 'begin',
    expect: 'rebuilding',
    creds: credsOf(ctx),
    image: volumeBacked ? null : { id: image.id, size: image.size ?? 0, name: image.name },
    orig_image_ref: origImageRef,
    orig_vm_state: row.vm_state,
    preserve_ephemeral: body.preserveEphemeral,
  };
  tx.schedule(REBUILD_TASK, args, 0);
  const view: Record<string, unknown> = { ...serverView(ctx, next) };
  if (s.compute.config.enable_instance_password) view.adminPass = password;
  view.user_data = next.user_data;
  return detach(view) as unknown as RebuiltServerView;
}

/**
 * nova-compute's `rebuild_instance`: `begin` (the old image's `exists`, `rebuild.start`, power
 * off, volumes detached and attached again, `rebuild_block_device_mapping` →
 * `rebuild_spawning`, the image fetched unless cached) and `spawn` (after the download and the
 * spawn's time: `ACTIVE`, or stopped again for a server that was `SHUTOFF`; `rebuild.end`).
 */
export function runRebuild(tx: Tx, raw: unknown): void {
  const args = raw as RebuildArgs;
  const event = 'compute_rebuild_instance';
  const evacuation = args.evacuation ?? null;
  if (evacuation !== null && args.stage === 'begin') {
    const dest = args.host === null ? undefined : findHost(tx.draft as CloudState, args.host);
    if (dest === undefined || dest.state !== 'up') {
      tx.trace('nova-conductor', `rebuild_instance cast to ${args.host ?? '?'} lost: its nova-compute is not running; ${args.uuid} stays rebuilding`);
      return;
    }
  } else if (hostIsDown(tx, args.host, `rebuild_instance (${args.stage}) of ${args.uuid}`)) return;
  // an evacuated server stays on its source host until finish_evacuation
  let row = hostRow(tx, args.uuid, evacuation?.source ?? args.host);
  if (row === undefined) {
    if (evacuation !== null) evacuationLost(tx, args, evacuation);
    return;
  }
  if (evacuation !== null && !ownsEvacuation(tx.draft as CloudState, row.uuid, evacuation.migration_id, args.stage === 'begin' ? ['accepted'] : ['pre-migrating'])) {
    if (args.stage === 'begin') startEvent(tx, row.uuid, event, args.host);
    endSupersededEvacuation(tx, row.uuid, evacuation.migration_id, args.host, event, args.host);
    return;
  }
  if (row.task_state !== args.expect) {
    if (args.stage !== 'begin') preempted(tx, row, event, args.expect);
    else tx.trace('nova-compute', `rebuild_instance on ${row.uuid} skipped: task_state is ${row.task_state ?? 'None'}`);
    return;
  }
  const host = args.host;
  const publisher = publisherOf(host);
  const imageName = args.image?.name ?? '';
  if (args.stage === 'begin') {
    if (evacuation !== null) {
      const claimed = claimEvacuation(tx, row, args, evacuation);
      if (claimed === undefined) return;
      row = claimed;
    } else startEvent(tx, row.uuid, event, host);
    const notified = row;
    // notify_usage_exists with the original image, then rebuild.start with the new image's name
    tx.emit('compute.instance.exists', () => ({ ...instanceUsage(tx.draft as CloudState, notified), image_ref_url: args.orig_image_ref === '' ? '' : `http://controller/image/v2/images/${args.orig_image_ref}` }), publisher);
    tx.emit('compute.instance.rebuild.start', () => ({ ...instanceUsage(tx.draft as CloudState, notified), image_name: imageName }), publisher);
    tx.trace('nova-compute', `${evacuation !== null ? `evacuating instance ${row.uuid} from ${evacuation.source} to` : `rebuild_instance ${row.uuid} on`} ${host ?? '?'}${args.image ? ` from image ${args.image.id}` : ' (volume-backed)'}`);
    if (evacuation !== null) {
      // instance.power_state = _get_power_state (no guest on the destination yet), task REBUILDING
      row = saveServer(tx, row, { power_state: 0, task_state: 'rebuilding' });
      moveNetworks(tx, row, host as string);
    }
    if (args.preserve_ephemeral) {
      // _rebuild_default_impl: the libvirt driver cannot preserve ephemeral partitions
      const message = 'The current driver does not support preserving ephemeral partitions.';
      saveServer(tx, row, { vm_state: 'error', task_state: null, fault: { code: 400, message, details: `nova.exception.PreserveEphemeralNotSupported: ${message}`, created: tx.now() } });
      finishEvent(tx, row.uuid, event, { message, details: `nova.exception.PreserveEphemeralNotSupported: ${message}` });
      tx.trace('nova-compute', `rebuild of ${row.uuid} failed: ${message}`);
      return;
    }
    if (row.power_state === 1 && evacuation === null) tx.trace('nova-compute', `instance ${row.uuid} powered off and destroyed for the rebuild`);
    // detach_block_devices: a new attachment reserved for each volume, the old one deleted (the
    // root volume of a volume-backed server stays attached on a rebuild: reimage_boot_volume; an
    // evacuation moves it too)
    const policy = policyEngineOf(tx.memo);
    const volumes = bdmsOf(tx.draft as CloudState, row.uuid).filter((b) => b.destination_type === 'volume' && b.volume_id !== null && b.attachment_id !== null && (evacuation !== null || !(args.image === null && b.boot_index === 0)));
    const unreachable = volumes.find((b) => !volumeServiceReachable(tx.draft as CloudState, b.volume_id as string));
    if (unreachable !== undefined) {
      // _error_out_instance_on_exception: the rebuild fails before touching any attachment
      const message = `Timed out waiting for a reply from the volume service of volume ${unreachable.volume_id}`;
      const details = `oslo_messaging.exceptions.MessagingTimeout: ${message}`;
      if (evacuation !== null) {
        failEvacuation(tx, row, args, evacuation, message, details, true);
        return;
      }
      saveServer(tx, row, { vm_state: 'error', task_state: null, fault: { code: 500, message, details, created: tx.now() } });
      finishEvent(tx, row.uuid, event, { message });
      tx.trace('nova-compute', `rebuild of ${row.uuid} failed: ${message}`);
      return;
    }
    const renewed: BdmRow[] = [];
    for (const b of volumes) {
      const attachment = reserveVolumeForServer(tx, policy, args.creds, b.volume_id as string, row.uuid);
      releaseVolumeForServer(tx, policy, args.creds, b.attachment_id as string);
      renewed.push(saveBdm(tx, b, { attachment_id: attachment }));
    }
    let current = saveServer(tx, row, { task_state: 'rebuild_block_device_mapping' });
    // attach_block_devices (_prep_block_device): the new attachments connected on this host
    for (const b of renewed) {
      connectVolumeForServer(tx, policy, args.creds, b.attachment_id as string, { host: host ?? '', mountpoint: b.device_name });
      tx.trace('nova-compute', `volume ${b.volume_id} attached again to ${row.uuid} at ${b.device_name}`);
    }
    current = saveServer(tx, current, { task_state: 'rebuild_spawning' });
    let seconds = SPAWN_SECONDS;
    if (args.image !== null && host !== null) {
      const cached = getRow((tx.draft as CloudState).compute.image_cache, `${host}/${args.image.id}`);
      if (cached !== undefined) tx.trace('nova-compute', `image ${args.image.id} found in ${host}'s image cache: no download`);
      else {
        const mbps = nicMbps(findHost(tx.draft as CloudState, host));
        const download = (args.image.size * 8) / (mbps * 1e6);
        seconds += download;
        tx.trace('nova-compute', `image ${args.image.id} (${args.image.size} bytes) downloaded from Glance into ${host}'s image cache (${download.toFixed(3)} s at ${mbps} Mbit/s)`);
      }
    }
    tx.schedule(REBUILD_TASK, { ...args, stage: 'spawn', expect: 'rebuild_spawning' } satisfies RebuildArgs, seconds);
    return;
  }
  // spawn: the image is in the cache now
  if (args.image !== null && host !== null && getRow((tx.draft as CloudState).compute.image_cache, `${host}/${args.image.id}`) === undefined) {
    setRow(tx.draft.compute.image_cache, `${host}/${args.image.id}`, { host, image_id: args.image.id, size: args.image.size, fetched_at: tx.now() });
  }
  tx.trace('nova-compute', `spawn ${row.uuid} on ${host ?? '?'} (libvirt)`);
  // _update_instance_after_spawn
  let current = saveServer(tx, row, { vm_state: 'active', task_state: null, power_state: 1, launched_at: tx.now(), ...(evacuation?.admin_password ? { password_set: true } : {}) });
  if (args.orig_vm_state === 'stopped') {
    // bring the instance back to its original state: stop_instance
    current = saveServer(tx, current, { vm_state: 'active', task_state: 'powering-off', progress: 0 });
    startEvent(tx, row.uuid, 'compute_stop_instance', host);
    const before = current;
    tx.emit('compute.instance.power_off.start', () => instanceUsage(tx.draft as CloudState, before), publisher);
    current = saveServer(tx, current, { vm_state: 'stopped', task_state: null, power_state: 4 });
    const after = current;
    tx.emit('compute.instance.power_off.end', () => instanceUsage(tx.draft as CloudState, after), publisher);
    finishEvent(tx, row.uuid, 'compute_stop_instance');
  }
  const done = current;
  tx.emit('compute.instance.rebuild.end', () => ({ ...instanceUsage(tx.draft as CloudState, done), image_name: imageName }), publisher);
  if (evacuation !== null) finishEvacuation(tx, done, host as string, evacuation);
  finishEvent(tx, row.uuid, event);
  tx.trace('nova-compute', `instance ${row.uuid} rebuilt: ${done.vm_state.toUpperCase()} on ${host ?? '?'}`);
}

// ------------------------------------------------------------------ evacuation (recreate=True)

/**
 * The destination receives the cast: `rebuild_claim` (`_move_claim(move_type='evacuation')` →
 * `_claim_existing_migration`: the migration `pre-migrating` with the destination's fields), then
 * `_do_rebuild_instance`'s evacuate checks. Undefined when the evacuation stops here (the
 * destination is down: the cast is lost; or it failed).
 */
function claimEvacuation(tx: Tx, row: ServerRow, args: RebuildArgs, evacuation: EvacuationArgs): ServerRow | undefined {
  const s = tx.draft as CloudState;
  const dest = findHost(s, args.host as string) as Host;
  startEvent(tx, row.uuid, 'compute_rebuild_instance', dest.name);
  const migration = migrationById(s, evacuation.migration_id);
  if (migration !== undefined) saveMigration(tx, migration, { dest_compute: dest.name, dest_node: evacuation.node, dest_host: hostIp(dest), status: 'pre-migrating' });
  tx.trace('nova-compute', `rebuild_claim on ${dest.name} for ${row.uuid} (evacuation, migration ${evacuation.migration_id})`);
  if (evacuation.on_shared_storage === true) {
    // the libvirt driver's instance_on_disk: local instance disks are not on shared storage
    const message = 'Invalid state of instance files on shared storage';
    failEvacuation(tx, row, args, evacuation, message, `nova.exception.InvalidSharedStorage: ${message}`, true);
    return undefined;
  }
  return row;
}

/** `setup_networks_on_host` + `setup_instance_network_on_host`: every port of the server bound to the destination. */
function moveNetworks(tx: Tx, row: ServerRow, dest: string): void {
  const owner = `compute:${row.availability_zone ?? (tx.draft as CloudState).compute.config.default_availability_zone}`;
  for (const vif of row.vifs) {
    const port = bindServerPort(tx, vif.port_id, { device_id: row.uuid, device_owner: owner, host: dest });
    tx.trace('nova-compute', port === undefined ? `port ${vif.port_id} of ${row.uuid} is gone: not bound` : `port ${vif.port_id} of ${row.uuid} bound to ${dest}`);
  }
}

/**
 * A failure on the destination (`rebuild_instance`'s `except Exception`): the migration
 * `failed`, the destination's part of the allocation removed
 * (`delete_allocation_for_evacuated_instance(node_type='destination')`),
 * `compute.instance.rebuild.error`, then `_error_out_instance_on_exception`: `ERROR` (or the
 * vm_state kept, for nova's `InstanceFaultRollback`) with the fault, no task.
 */
function failEvacuation(tx: Tx, row: ServerRow, args: RebuildArgs, evacuation: EvacuationArgs, message: string, details: string, toError: boolean): void {
  const s = tx.draft as CloudState;
  const migration = migrationById(s, evacuation.migration_id);
  if (migration !== undefined) saveMigration(tx, migration, { status: 'failed' });
  const dest = args.host === null ? undefined : findHost(s, args.host);
  if (dest !== undefined && removeProviderFromAllocation(tx, row, dest.id)) tx.trace('placement', `allocation of ${row.uuid} on ${dest.name} removed: the evacuation failed`);
  tx.emit('compute.instance.rebuild.error', () => ({ ...instanceUsage(tx.draft as CloudState, row), message }), { ...publisherOf(args.host), priority: 'ERROR' });
  saveServer(tx, row, { ...(toError ? { vm_state: 'error' as const } : {}), task_state: null, fault: { code: 500, message, details, created: tx.now() } });
  finishEvent(tx, row.uuid, 'compute_rebuild_instance', { message, details });
  tx.trace('nova-compute', `evacuation of ${row.uuid} to ${args.host ?? '?'} failed: ${message}`);
}

/**
 * The server is no longer on the evacuation's source when the destination gets to it. Deleted (or
 * being deleted): `InstanceNotFound` → the migration `failed`. Moved meanwhile (another evacuation
 * finished first): this one ends as superseded ({@link endSupersededEvacuation}).
 */
function evacuationLost(tx: Tx, args: RebuildArgs, evacuation: EvacuationArgs): void {
  const s = tx.draft as CloudState;
  const row = getRow(s.compute.servers, args.uuid);
  if (row !== undefined && !row.deleted && row.task_state !== 'deleting') {
    if (args.stage === 'begin') startEvent(tx, row.uuid, 'compute_rebuild_instance', args.host);
    endSupersededEvacuation(tx, row.uuid, evacuation.migration_id, args.host, 'compute_rebuild_instance', args.host);
    return;
  }
  const migration = migrationById(s, evacuation.migration_id);
  if (migration !== undefined && migration.status !== 'failed') saveMigration(tx, migration, { status: 'failed' });
  tx.trace('nova-compute', `Instance ${args.uuid} was deleted while rebuilding on ${args.host ?? '?'}`);
}

/** `RT.finish_evacuation`: the server's host and node become the destination's; the migration `done`. */
function finishEvacuation(tx: Tx, row: ServerRow, dest: string, evacuation: EvacuationArgs): void {
  saveServer(tx, row, { host: dest, node: evacuation.node });
  const migration = migrationById(tx.draft as CloudState, evacuation.migration_id);
  if (migration !== undefined) saveMigration(tx, migration, { status: 'done' });
  tx.trace('nova-compute', `finish_evacuation: ${row.uuid} now on ${dest}; migration ${evacuation.migration_id} done (the source's allocation stays until its nova-compute starts again)`);
}

// ------------------------------------------------------------------ evacuations that cross

/** The server's newest evacuation (its migration record), whatever its status. */
export function newestEvacuation(s: CloudState, uuid: string): MigrationRow | undefined {
  const rows = migrationsOfServer(s, uuid);
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.migration_type === 'evacuation') return rows[i];
  return undefined;
}

/**
 * Whether a task of evacuation `migrationId` still belongs to the server: its newest evacuation is
 * this one, with one of `statuses` (`accepted` at the conductor and when the destination receives
 * the cast, `pre-migrating` after its claim) or `completed` (the source's nova-compute restarted
 * meanwhile and marked it so, as Zed does with an evacuation still running: the destination
 * carries on). stacksim's guard: nova does not compare two evacuations of one server.
 */
export function ownsEvacuation(s: CloudState, uuid: string, migrationId: number, statuses: readonly MigrationStatus[]): boolean {
  const newest = newestEvacuation(s, uuid);
  return newest !== undefined && newest.id === migrationId && (statuses.includes(newest.status) || newest.status === 'completed');
}

/**
 * An evacuation overtaken by a newer one of the same server (evacuate takes any task_state) ends
 * as `rebuild_instance`'s `except Exception` path does (`nova/compute/manager.py`, Zed ~3779):
 * the migration `failed`, the destination's provider removed from the instance's allocation
 * (`delete_allocation_for_evacuated_instance(node_type='destination')`) unless the server is on
 * it or its current evacuation targets it, `compute.instance.rebuild.error` (when `host`, the
 * destination's nova-compute, is given) and `event` (started by the caller) in `Error`. The
 * server's own state is the newer evacuation's: untouched.
 */
export function endSupersededEvacuation(tx: Tx, uuid: string, migrationId: number, dest: string | null, event: string | null, host: string | null): void {
  const s = tx.draft as CloudState;
  const migration = migrationById(s, migrationId);
  if (migration !== undefined && migration.status !== 'failed' && migration.status !== 'error') saveMigration(tx, migration, { status: 'failed' });
  const row = getRow(s.compute.servers, uuid);
  if (row === undefined) return;
  const current = newestEvacuation(s, uuid);
  const target = current === undefined || current.id === migrationId || FINISHED_MIGRATION_STATUSES.includes(current.status) ? null : current.dest_compute;
  const destHost = dest === null ? undefined : findHost(s, dest);
  if (destHost !== undefined && dest !== row.host && dest !== target && removeProviderFromAllocation(tx, row, destHost.id)) {
    tx.trace('placement', `allocation of ${uuid} on ${dest} removed: evacuation ${migrationId} was superseded`);
  }
  const message = `Evacuation ${migrationId} of instance ${uuid} was superseded${current !== undefined && current.id !== migrationId ? ` by evacuation ${current.id}` : ''}`;
  if (host !== null) tx.emit('compute.instance.rebuild.error', () => ({ ...instanceUsage(tx.draft as CloudState, row), message }), { ...publisherOf(host), priority: 'ERROR' });
  if (event !== null) finishEvent(tx, uuid, event, { message, details: `nova.exception.MigrationError: ${message}` });
  tx.trace(host === null ? 'nova-conductor' : 'nova-compute', message);
}
