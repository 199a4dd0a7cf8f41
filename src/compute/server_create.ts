/**
 * `POST /servers` (`nova/api/openstack/compute/servers.py` `create`, schema
 * `schemas/servers.py` at 2.93; `nova/compute/api.py` `_create_instance`,
 * `_validate_and_build_base_options`, `_validate_bdm`, `_provision_instances`): what nova-api
 * does before it answers 202 — the body checked as the schema does, the `create` policy (and
 * `create:attach_volume`, `create:attach_network`, `create:forced_host`), the flavor, the Glance
 * image (`active`, `min_ram`, `min_disk`), the key pair, the availability zone, the networks
 * (`'auto'`: the one non-external network the project may use, else 409 `NetworkAmbiguous`;
 * `'none'`; `{ uuid }`, `{ port }`, `{ uuid, fixed_ip }`), the security groups, the block device
 * mappings (volumes reserved with Cinder's attachment API), the server group, and the quota —
 * then the instances (`BUILD` / `scheduling`) and the conductor's task. Nothing is written when
 * any check fails. The body's schema is `server_create_input.ts`; the checks that read Glance,
 * Neutron, Cinder and nova's own tables are `server_create_checks.ts`; this file runs them in
 * nova's order and files the instances.
 *
 * Not simulated: `personality` (removed in 2.57), `trusted_image_certificates`, PCI / vTPM /
 * accelerator requests, `return_reservation_id` listings by reservation, `host` /
 * `hypervisor_hostname` requested destinations (2.74; refused with a 400).
 */
import { getRow, peek, setRow, type CloudState, type Tx } from '../core/index.js';
import { findHost } from '../hardware/index.js';
import { securityGroupForServer } from '../network/index.js';
import { reserveVolumeForServer } from '../block/index.js';
import { startAction } from './actions.js';
import { enforce, ownTarget, type Ctx } from './context.js';
import { NovaError, badRequest, invalid } from './errors.js';
import { getFlavor, instanceFlavor } from './flavors.js';
import { NOVA_RULES } from './policies.js';
import { checkInstancesQuota, checkMetadataQuota, countInstances } from './quota.js';
import { RPC_SECONDS } from './boot.js';
import { SCHEDULE_AND_BUILD_TASK, type BuildArgs } from './conductor.js';
import { checkBdms, checkGroup, checkImage, checkNetworks, checkPortQuota, checkVolumeRootImage, knownZones } from './server_create_checks.js';
import { checkCreateBody, sanitizeHostname } from './server_create_input.js';
import type { BdmRow, FlavorRow, ServerRow } from './types.js';
import { links, type Link } from './views.js';
import { generatePassword, randomString } from './input.js';

/** The 202 answer: the first server's id, links and admin password (or the reservation id). */
export interface ServerCreatedView {
  readonly id: string;
  readonly links: readonly Link[];
  readonly 'OS-DCF:diskConfig': 'MANUAL' | 'AUTO';
  readonly security_groups: readonly { readonly name: string }[];
  readonly adminPass?: string;
}

/** `return_reservation_id: true`: the reservation of the request. */
export interface ServerReservationView {
  readonly reservation_id: string;
}

/**
 * `compute_api.create` for the caller: checks everything, then files the instances
 * (`BUILD`, task `scheduling`), reserves their volumes, records the `create` action, counts the
 * quota and queues the conductor's `schedule_and_build_instances`. Answers as nova's 202.
 */
export function createServer(tx: Tx, ctx: Ctx, input: unknown): ServerCreatedView | ServerReservationView {
  const body = checkCreateBody(input);
  const s = tx.draft as CloudState;
  const projectId = ctx.projectId;
  enforce(ctx, NOVA_RULES.servers.create, { ...ownTarget(ctx), availability_zone: body.availabilityZone });
  if (projectId === null) throw badRequest('project', 'A server is created in a project: use a project-scoped token.', 'compute.server.no_project');
  // availability_zone "zone:host:node" forces a host (admin)
  let zone = body.availabilityZone;
  let forcedHost: string | null = null;
  let forcedNode: string | null = null;
  if (zone !== null && zone.includes(':')) {
    // parse_availability_zone: 'az:host', 'az:host:node', 'az::node'
    const parts = zone.split(':');
    if (parts.length > 3) throw badRequest('availability_zone', 'Unable to parse availability_zone', 'compute.availability_zone.unparsable');
    enforce(ctx, NOVA_RULES.servers.createForcedHost, ownTarget(ctx));
    zone = parts[0] === '' ? null : parts[0]!;
    forcedHost = parts[1] === '' || parts[1] === undefined ? null : parts[1];
    forcedNode = parts[2] === '' || parts[2] === undefined ? null : parts[2];
    if (forcedHost === null && forcedNode !== null) forcedHost = forcedNode;
  }
  if (body.bdms.length > 0) enforce(ctx, NOVA_RULES.servers.createAttachVolume, ownTarget(ctx));
  // _process_networks_for_create: every request but 'none' attaches networks
  if (body.networks !== 'none' && !(Array.isArray(body.networks) && body.networks.length === 0)) enforce(ctx, NOVA_RULES.servers.createAttachNetwork, ownTarget(ctx));

  let flavor: FlavorRow;
  try {
    flavor = getFlavor(ctx, body.flavorRef);
  } catch (e) {
    if (e instanceof NovaError && e.status === 404) throw invalid('compute.flavor.invalid_ref', 'FlavorNotFound', 'Invalid flavorRef provided.', { field: 'flavorRef' });
    throw e;
  }
  if (flavor.disabled) throw invalid('compute.flavor.invalid_ref', 'FlavorNotFound', 'Invalid flavorRef provided.', { field: 'flavorRef' });
  tx.trace('nova-api', `flavor ${flavor.name}: ${flavor.vcpus} vCPU, ${flavor.memory_mb} MB RAM, ${flavor.root_gb} GB disk`);

  // block device mappings: a boot from volume has a volume with boot_index 0
  const root = body.bdms.find((b) => b.boot_index === 0);
  const bootFromVolume = root !== undefined && root.destination_type === 'volume';
  if (body.imageRef === '' && !bootFromVolume) throw badRequest('imageRef', 'Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.', 'compute.bdm.boot_sequence');
  const image = checkImage(ctx, bootFromVolume ? '' : body.imageRef, flavor, bootFromVolume);
  if (bootFromVolume && root !== undefined && root.source_type === 'image' && root.uuid !== null) checkVolumeRootImage(ctx, root.uuid, flavor, root.volume_size);
  if (image !== undefined) tx.trace('glance-api', `image ${image.id} (${image.name ?? 'unnamed'}) is active, ${image.size} bytes; min_ram ${image.min_ram} MB, min_disk ${image.min_disk} GB fit the flavor`);

  if (zone === null) zone = peek(s, 'compute', 'config').default_schedule_zone;
  // _validate_host_availability_zone: a forced host takes its own zone, and no zone check is made
  if (forcedHost !== null) zone = findHost(s, forcedHost) === undefined ? zone : null;
  else if (zone !== null && !knownZones(s).has(zone)) throw badRequest('availability_zone', 'The requested availability zone is not available', 'compute.availability_zone.not_available');

  let keyData: string | null = null;
  if (body.keyName !== null) {
    const kp = getRow(s.compute.keypairs, `${ctx.userId}/${body.keyName}`);
    if (kp === undefined) throw invalid('compute.keypair.invalid_ref', 'KeypairNotFound', 'Invalid key_name provided.', { field: 'key_name' });
    keyData = kp.public_key;
  }
  if (body.hostname !== null && body.maxCount > 1) throw invalid('compute.server.ambiguous_hostname', 'AmbiguousHostnameForMultipleInstances', 'Unable to allocate a single hostname to multiple instances.', { field: 'hostname' });
  let count = body.maxCount;
  const requested = checkNetworks(ctx, body.networks, projectId, count);
  // validate_networks: as many instances as Neutron's port quota leaves room for
  if (requested.length > 0) count = checkPortQuota(tx, s, projectId, requested.filter((r) => r.port_id === null).length, body.minCount, count);
  tx.trace('neutron-server', body.networks === 'none' ? 'no network asked for' : `networks validated: ${requested.map((r) => (r.port_id !== null ? `port ${r.port_id}` : `network ${r.network_id}${r.fixed_ip !== null ? ` (${r.fixed_ip})` : ''}`)).join(', ') || 'none'}${body.networks === 'auto' ? ' (auto: the one network the project may use)' : ''}`);
  const groups: string[] = [];
  for (const name of body.securityGroups.length > 0 ? body.securityGroups : requested.length > 0 ? ['default'] : []) {
    if (name === 'default' && body.securityGroups.length === 0) continue;
    const id = securityGroupForServer(s, ctx.policy, ctx.creds, name, projectId);
    if (id === undefined) throw invalid('compute.security_group.not_found', 'SecurityGroupNotFoundForProject', `Security group ${name} not found for project ${projectId}.`, { field: 'security_groups' });
    groups.push(id);
  }
  if (groups.length > 0 || body.securityGroups.length > 0) tx.trace('neutron-server', `security groups ${body.securityGroups.join(', ')} found for project ${projectId}`);
  checkMetadataQuota(tx, s, projectId, Object.keys(body.metadata).length);
  const bdms = checkBdms(ctx, body.bdms, flavor, image?.id ?? null, count);
  const group = checkGroup(tx, ctx, body.hints, count, projectId);
  const allowedCount = checkInstancesQuota(tx, s, projectId, flavor, body.minCount, count);
  tx.trace('nova-api', `quota: ${allowedCount} instance(s), ${allowedCount * flavor.vcpus} cores, ${allowedCount * flavor.memory_mb} MB RAM within project ${projectId}'s limits`);

  // _provision_instances
  const reservation = `r-${randomString(tx, 8, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
  const adminPass = body.adminPass ?? (peek(s, 'compute', 'config').enable_instance_password ? generatePassword(tx) : null);
  const uuids: string[] = [];
  const now = tx.now();
  for (let i = 0; i < allowedCount; i++) {
    const uuid = tx.ids.uuid();
    uuids.push(uuid);
    const name = allowedCount > 1 ? `${body.name}-${i + 1}` : body.name;
    const hostname = body.hostname ?? ((): string => {
      const h = sanitizeHostname(body.name);
      return h === '' ? `Server-${uuid}` : allowedCount > 1 ? `${h}-${i + 1}` : h;
    })();
    const dbId = (tx.draft as CloudState).compute.next_instance_id;
    tx.draft.compute.next_instance_id = dbId + 1;
    const row: ServerRow = {
      uuid,
      db_id: dbId,
      name,
      project_id: projectId,
      user_id: ctx.userId,
      flavor: instanceFlavor(flavor),
      image_ref: image?.id ?? '',
      key_name: body.keyName,
      key_data: keyData,
      metadata: body.metadata,
      tags: body.tags,
      vm_state: 'building',
      task_state: 'scheduling',
      power_state: 0,
      requested_availability_zone: zone,
      availability_zone: null,
      host: null,
      node: null,
      cell: null,
      launch_index: i,
      reservation_id: reservation,
      security_groups: body.securityGroups.length > 0 ? body.securityGroups : requested.length > 0 ? ['default'] : [],
      vifs: [],
      access_ip_v4: body.accessIPv4,
      access_ip_v6: body.accessIPv6,
      config_drive: body.configDrive ? 'True' : '',
      user_data: body.userData,
      description: body.description,
      hostname,
      root_device_name: null,
      locked: false,
      locked_by: null,
      locked_reason: null,
      fault: null,
      progress: 0,
      created_at: now,
      updated_at: null,
      launched_at: null,
      terminated_at: null,
      deleted_at: null,
      deleted: false,
      server_group: group?.id ?? null,
      scheduler_hints: forcedHost === null ? body.hints : { ...body.hints, force_hosts: [forcedHost] },
      password_set: adminPass !== null,
      old_vm_state: null,
      old_flavor: null,
      new_flavor: null,
      shelved_image_id: null,
      shelved_at: null,
      shelved_host: null,
    };
    setRow(tx.draft.compute.servers, uuid, row);
    setRow(tx.draft.compute.project_servers, `${projectId}/${uuid}`, uuid);
    // _create_block_device_mapping; volumes of source `volume` are reserved now (attachment_create)
    for (const [j, b] of bdms.entries()) {
      const attachment = b.source_type === 'volume' && b.destination_type === 'volume' ? reserveVolumeForServer(tx, ctx.policy, ctx.creds, b.uuid as string, uuid) : null;
      const bdm: BdmRow = {
        id: tx.ids.uuid(),
        instance_uuid: uuid,
        source_type: b.source_type,
        destination_type: b.destination_type,
        boot_index: b.boot_index,
        device_name: b.device_name ?? '',
        volume_id: b.source_type === 'volume' ? b.uuid : null,
        image_id: b.source_type === 'image' ? b.uuid : null,
        snapshot_id: b.source_type === 'snapshot' ? b.uuid : null,
        volume_size: b.volume_size,
        volume_type: b.volume_type,
        delete_on_termination: b.delete_on_termination,
        attachment_id: attachment,
        tag: b.tag,
      };
      setRow(tx.draft.compute.bdms, `${uuid}/${String(j).padStart(3, '0')}`, bdm);
    }
    startAction(tx, row, 'create', ctx);
  }
  if (group !== null) setRow(tx.draft.compute.server_groups, group.id, { ...group, members: [...group.members, ...uuids] });
  countInstances(tx, projectId, flavor, uuids.length);
  tx.trace('nova-api', `${uuids.length} instance(s) filed (BUILD, scheduling): ${uuids.join(', ')}; 202 to the caller, the conductor takes over`, { uuids });
  // the caller's credentials as they are: the task record copies them unless frozen (sealed ones are shared, so Neutron's and Glance's contexts keep what they derive from them)
  const args: BuildArgs = { uuids, creds: ctx.creds, networks: requested, security_group_ids: groups, image: image ?? null, forced_host: forcedHost, attempt: 1 };
  tx.schedule(SCHEDULE_AND_BUILD_TASK, args, RPC_SECONDS);
  if (body.returnReservationId) return { reservation_id: reservation };
  const first = uuids[0] as string;
  const answer: Record<string, unknown> = { id: first, links: links('servers', first), 'OS-DCF:diskConfig': 'MANUAL', security_groups: (body.securityGroups.length > 0 ? body.securityGroups : ['default']).map((name) => ({ name })) };
  if (adminPass !== null) answer.adminPass = adminPass;
  return answer as unknown as ServerCreatedView;
}
