/**
 * What nova-api checks of a `POST /servers` against the other services and its own tables before
 * it writes anything (`nova/compute/api.py` `_validate_and_build_base_options`, `_get_image`,
 * `_validate_flavor_image` / `_validate_flavor_image_nostatus`, `_validate_bdm`,
 * `_check_requested_networks` with `nova/network/neutron.py` `validate_networks`,
 * `_get_requested_instance_group`; `nova/availability_zones.py` `get_availability_zones`): the
 * Glance image as the user reads it, a root volume's image, the networks and ports as Neutron
 * shows them to the user and Neutron's port quota, the block device mappings' volumes, snapshots
 * and images as Cinder and Glance show them, the server group and its member quota, the zone.
 * Each refusal is nova's (400 / 403 / 404 / 409 with its message and class).
 */
import { getRow, type CloudState, type Tx } from '../core/index.js';
import { imageFor } from '../image/index.js';
import { availableNetworksFor, fixedIpInUse, networkForServer, portForServer, subnetsOfNetwork } from '../network/index.js';
import { snapshotForServer, volumeForServer } from '../block/index.js';
import { availableZones } from './availability_zones.js';
import type { RequestedNetwork } from './conductor.js';
import { ownTarget, type Ctx } from './context.js';
import { NovaError, badRequest, conflict, invalid, overQuota } from './errors.js';
import { NOVA_RULES } from './policies.js';
import { limitOf } from './quota.js';
import type { CheckedBdm, CreateBody } from './server_create_input.js';
import type { FlavorRow, ServerGroupRow } from './types.js';

const GIB = 1024 ** 3;

/** `get_availability_zones(get_only_available=True)`: the zones of the enabled services (asked only when a zone is requested). */
export function knownZones(s: CloudState): Set<string> {
  return new Set(availableZones(s));
}

/** The image of a request as nova checks it (undefined: a boot from volume). */
export function checkImage(ctx: Ctx, ref: string, flavor: FlavorRow, bootFromVolume: boolean): { id: string; size: number; disk_format: string | null; properties: Record<string, string>; min_disk: number; min_ram: number; name: string | null } | undefined {
  if (ref === '') return undefined;
  let image;
  try {
    image = imageFor(ctx.s, ctx.policy, ctx.creds, ref.includes('/') ? { id: ref.split('/').pop() ?? ref } : ref, 'imageRef');
  } catch (e) {
    if (e instanceof Error && 'status' in e && ((e as { status: number }).status === 404 || (e as { status: number }).status === 403)) throw invalid('compute.image.not_found', 'ImageNotFound', 'Can not find requested image', { field: 'imageRef', image_id: ref });
    throw e;
  }
  if (image.status !== 'active') throw invalid('compute.image.not_active', 'ImageNotActive', `Image ${image.id} is not active.`, { field: 'imageRef', image_id: image.id });
  // _validate_flavor_image_nostatus
  if (image.min_ram > flavor.memory_mb) throw invalid('compute.flavor.memory_too_small', 'FlavorMemoryTooSmall', "Flavor's memory is too small for requested image.", { field: 'flavorRef' });
  if (!bootFromVolume) {
    const root = flavor.root_gb * GIB;
    if (flavor.root_gb > 0) {
      if ((image.size ?? 0) > root) throw invalid('compute.flavor.disk_smaller_than_image', 'FlavorDiskSmallerThanImage', `Flavor's disk is too small for requested image. Flavor disk is ${root} bytes, image is ${image.size ?? 0} bytes.`, { field: 'flavorRef' });
      if (image.min_disk * GIB > root) throw invalid('compute.flavor.disk_smaller_than_min_disk', 'FlavorDiskSmallerThanMinDisk', `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${root} bytes, minimum size is ${image.min_disk * GIB} bytes.`, { field: 'flavorRef' });
    } else if (!(ctx.policy.authorize(NOVA_RULES.servers.createZeroDiskFlavor, ctx.creds, ownTarget(ctx)))) {
      throw new NovaError(403, 'compute.flavor.zero_disk', 'BootFromVolumeRequiredForZeroDiskFlavor', 'Only volume-backed servers are allowed for flavors with zero disk.', { field: 'flavorRef' });
    }
  }
  return { id: image.id, size: image.size ?? 0, disk_format: image.disk_format, properties: { ...image.properties }, min_disk: image.min_disk, min_ram: image.min_ram, name: image.name };
}

/**
 * `_validate_flavor_image` for a volume made from an image (the boot metadata of
 * `get_bdm_image_metadata`): the image `active`, `min_ram` within the flavor, `min_disk` within
 * the volume (nova's `VolumeSmallerThanMinDisk`). An image the caller cannot read is left to the
 * block device check (`failed to get image`).
 */
export function checkVolumeRootImage(ctx: Ctx, ref: string, flavor: FlavorRow, size: number | null): void {
  let image;
  try {
    image = imageFor(ctx.s, ctx.policy, ctx.creds, { id: ref }, 'block_device_mapping_v2[0].uuid');
  } catch {
    return;
  }
  if (image.status !== 'active') throw invalid('compute.image.not_active', 'ImageNotActive', `Image ${image.id} is not active.`, { field: 'block_device_mapping_v2' });
  if (image.min_ram > flavor.memory_mb) throw invalid('compute.flavor.memory_too_small', 'FlavorMemoryTooSmall', "Flavor's memory is too small for requested image.", { field: 'flavorRef' });
  if (size !== null && image.min_disk > size) throw invalid('compute.volume.smaller_than_min_disk', 'VolumeSmallerThanMinDisk', `Volume is smaller than the minimum size specified in image metadata. Volume size is ${size * GIB} bytes, minimum size is ${image.min_disk * GIB} bytes.`, { field: 'block_device_mapping_v2' });
}

/**
 * `validate_networks`' port quota: the instances Neutron's `port` quota leaves room for (each
 * needs `perInstance` new ports): fewer than `min_count` is 403 `PortLimitExceeded`, else
 * `max_count` comes down to it.
 */
export function checkPortQuota(tx: Tx, s: CloudState, projectId: string, perInstance: number, minCount: number, maxCount: number): number {
  if (perInstance === 0) return maxCount;
  const limit = tx.quotas.limit(s.quota, projectId, 'network.port');
  if (limit < 0) return maxCount;
  const free = limit - tx.quotas.inUse(s.quota, projectId, 'network.port');
  const fits = free < 0 ? 0 : Math.floor(free / perInstance);
  if (fits < minCount) throw overQuota('compute.quota.ports', 'PortLimitExceeded', 'Maximum number of ports exceeded', { allowed: fits });
  return Math.min(maxCount, fits);
}

/** `validate_networks`: each request resolved to a network or a port (nova's 400 / 409s). */
export function checkNetworks(ctx: Ctx, networks: CreateBody['networks'], projectId: string, count: number): RequestedNetwork[] {
  if (networks === 'none') return [];
  if (networks === 'auto') {
    const available = availableNetworksFor(ctx.s, ctx.policy, ctx.creds, projectId);
    if (available.length > 1) throw conflict('compute.network.ambiguous', 'NetworkAmbiguous', 'Multiple possible networks found, use a Network ID to be more specific.');
    if (available.length === 0) throw invalid('compute.network.auto_allocate', 'UnableToAutoAllocateNetwork', `Unable to automatically allocate a network for project ${projectId}`);
    return [{ network_id: available[0]!.id, port_id: null, fixed_ip: null, tag: null }];
  }
  const out: RequestedNetwork[] = [];
  for (const [i, n] of networks.entries()) {
    if (n.port !== undefined) {
      const port = portForServer(ctx.s, ctx.policy, ctx.creds, n.port);
      if (port === undefined) throw invalid('compute.port.not_found', 'PortNotFound', `Port id ${n.port} could not be found.`, { field: `networks[${i}].port` });
      if (port.device_id !== '') throw conflict('compute.port.in_use', 'PortInUse', `Port ${port.id} is still in use.`, { field: `networks[${i}].port` });
      if (count > 1) throw badRequest('max_count', 'Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.', 'compute.port.multiple_instances');
      out.push({ network_id: port.network_id, port_id: port.id, fixed_ip: null, tag: n.tag ?? null });
      continue;
    }
    const network = networkForServer(ctx.s, ctx.policy, ctx.creds, n.uuid as string);
    if (network === undefined) throw invalid('compute.network.not_found', 'NetworkNotFound', `Network ${n.uuid} could not be found.`, { field: `networks[${i}].uuid` });
    if (network.external && !ctx.policy.authorize(NOVA_RULES.servers.attachExternalNetwork, ctx.creds, ownTarget(ctx)) && network.project_id !== projectId) {
      throw new NovaError(403, 'compute.network.external_forbidden', 'ExternalNetworkAttachForbidden', `It is not allowed to create an interface on external network ${network.id}`, { field: `networks[${i}].uuid` });
    }
    if (subnetsOfNetwork(ctx.s, network.id).length === 0) throw invalid('compute.network.requires_subnet', 'NetworkRequiresSubnet', `Network ${network.id} requires a subnet in order to boot instances on.`, { field: `networks[${i}].uuid` });
    if (n.fixed_ip !== undefined) {
      if (count > 1) throw badRequest('max_count', 'max_count cannot be greater than 1 if an fixed_ip is specified.', 'compute.server.fixed_ip_multiple');
      if (fixedIpInUse(ctx.s, network.id, n.fixed_ip)) throw invalid('compute.network.fixed_ip_in_use', 'FixedIpAlreadyInUse', `Fixed IP address ${n.fixed_ip} is already in use on instance None.`, { field: `networks[${i}].fixed_ip` });
    }
    out.push({ network_id: network.id, port_id: null, fixed_ip: n.fixed_ip ?? null, tag: n.tag ?? null });
  }
  return out;
}

/** The server group a `group` hint names, among those the project may see (400 otherwise). */
export function checkGroup(tx: Tx, ctx: Ctx, hints: CreateBody['hints'], count: number, projectId: string): ServerGroupRow | null {
  const ref = hints.group;
  if (ref === undefined) return null;
  const id = Array.isArray(ref) ? ref[0] : (ref as string);
  const group = id === undefined ? undefined : getRow(ctx.s.compute.server_groups, id);
  if (group === undefined || !(ctx.isAdmin || group.project_id === projectId)) throw badRequest('os:scheduler_hints.group', `Invalid server group ${id ?? ''}`, 'compute.server_group.not_found');
  const limit = limitOf(tx, ctx.s, projectId, 'server_group_members');
  if (limit >= 0 && group.members.length + count > limit) throw overQuota('compute.quota.server_group_members', 'QuotaError', 'Quota exceeded, too many servers in group', { group: group.id });
  return group;
}

/** `_validate_bdm` (after the schema): boot sequence, sources the caller may read, sizes. */
export function checkBdms(ctx: Ctx, bdms: readonly CheckedBdm[], flavor: FlavorRow, imageId: string | null, count: number): CheckedBdm[] {
  if (bdms.length === 0) return [];
  const boot = bdms.filter((b) => b.boot_index !== null && b.boot_index >= 0).map((b) => b.boot_index as number).sort((a, b) => a - b);
  if (boot.length === 0 || boot.some((v, i) => v !== i)) throw badRequest('block_device_mapping_v2', 'Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.', 'compute.bdm.boot_sequence');
  const out: CheckedBdm[] = [];
  for (const [i, b] of bdms.entries()) {
    const f = `block_device_mapping_v2[${i}]`;
    if (b.source_type === 'image') {
      if (b.uuid !== imageId) {
        try {
          imageFor(ctx.s, ctx.policy, ctx.creds, { id: b.uuid as string }, `${f}.uuid`);
        } catch {
          throw badRequest(`${f}.uuid`, `Block Device Mapping is Invalid: failed to get image ${b.uuid}.`, 'compute.bdm.invalid_image');
        }
      }
      if (b.destination_type === 'volume' && !b.volume_size) throw badRequest(`${f}.volume_size`, "Block Device Mapping is Invalid: Images with destination_type 'volume' need to have a non-zero size specified", 'compute.bdm.invalid');
      if (b.destination_type === 'local' && b.boot_index !== 0) throw badRequest(f, 'Block Device Mapping is Invalid: Mapping image to local is not supported.', 'compute.bdm.invalid');
      out.push(b);
    } else if (b.source_type === 'volume') {
      if (count > 1) throw badRequest('max_count', 'Block Device Mapping is Invalid: Multiple instances cannot share a volume.', 'compute.bdm.invalid');
      const volume = volumeForServer(ctx.s, ctx.policy, ctx.creds, b.uuid as string);
      // the root volume is read first for its image metadata (get_bdm_image_metadata), the others by _get_volumes_for_bdms
      if (volume === undefined) throw b.boot_index === 0 ? badRequest(`${f}.uuid`, `Block Device Mapping is Invalid: failed to get volume ${b.uuid}.`, 'compute.bdm.invalid_volume') : invalid('compute.volume.not_found', 'VolumeNotFound', `Volume ${b.uuid} could not be found.`, { field: `${f}.uuid` });
      if (b.boot_index === 0 && !volume.bootable) throw invalid('compute.volume.not_bootable', 'InvalidBDMVolumeNotBootable', `Block Device ${volume.id} is not bootable.`, { field: `${f}.uuid` });
      // _check_attach_and_reserve_volume: Cinder's attachment_create refusal, wrapped as nova wraps it
      const reservable = volume.multiattach ? ['available', 'in-use', 'downloading'] : ['available', 'downloading'];
      if (!reservable.includes(volume.status)) throw invalid('compute.volume.invalid', 'InvalidVolume', `Invalid volume: Invalid input received: Invalid volume: Volume ${volume.id} status must be ${reservable.join(' or ')} to reserve, but the current status is ${volume.status}. (HTTP 400)`, { field: `${f}.uuid` });
      out.push({ ...b, volume_size: volume.size });
    } else if (b.source_type === 'snapshot') {
      const snap = snapshotForServer(ctx.s, ctx.policy, ctx.creds, b.uuid as string);
      if (snap === undefined) throw b.boot_index === 0 ? invalid('compute.snapshot.not_found', 'SnapshotNotFound', `Snapshot ${b.uuid} could not be found.`, { field: `${f}.uuid` }) : badRequest(`${f}.uuid`, `Block Device Mapping is Invalid: failed to get snapshot ${b.uuid}.`, 'compute.bdm.invalid_snapshot');
      out.push({ ...b, volume_size: b.volume_size ?? snap.volume_size });
    } else {
      if (b.destination_type === 'volume' && !b.volume_size) throw badRequest(`${f}.volume_size`, "Block Device Mapping is Invalid: Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size", 'compute.bdm.invalid');
      out.push(b);
    }
  }
  const local = out.filter((b) => b.destination_type === 'local').length;
  const max = ctx.s.compute.config.max_local_block_devices;
  if (max >= 0 && local > max) throw badRequest('block_device_mapping_v2', 'Block Device Mapping is Invalid: You specified more local devices than the limit allows', 'compute.bdm.locals_limit');
  const ephemeral = out.filter((b) => b.source_type === 'blank' && b.destination_type === 'local').reduce((n, b) => n + (b.volume_size ?? flavor.ephemeral_gb), 0);
  if (ephemeral > flavor.ephemeral_gb) throw badRequest('block_device_mapping_v2', 'Ephemeral disks requested are larger than the instance type allows. If no size is given in one block device mapping, flavor ephemeral size will be used.', 'compute.bdm.ephemeral_size');
  return out;
}
