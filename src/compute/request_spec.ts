/**
 * The request spec of an instance that exists (`nova/objects/request_spec.py`
 * `RequestSpec.get_by_instance_uuid`, as the conductor hands it to the scheduler for a move:
 * resize and cold migration, live migration, unshelve, evacuate): the instance's flavor (or the
 * new one of a resize), its image's metadata, the zone it asked for, its scheduler hints without
 * the forced hosts (`reset_forced_destinations`), its server group with the hosts of every member
 * (`scheduler_utils.setup_instance_group` → `InstanceGroup.get_hosts()`), and the move's
 * `ignore_hosts` and `requested_destination`.
 */
import { CloudError, getRow, type CloudState, type PolicyCredentials, type PolicyEngine } from '../core/index.js';
import { imageFor } from '../image/index.js';
import type { RequestSpec } from '../scheduler/index.js';
import type { InstanceFlavor, ServerRow } from './types.js';

/** What a move sets on the instance's request spec. */
export interface MoveSpecOptions {
  /** The flavor to place (a resize's new one); the instance's own by default. */
  readonly flavor?: InstanceFlavor;
  /** The image's metadata as the spec keeps it ({@link specImage}). */
  readonly image: RequestSpec['image'];
  /** Hosts the scheduler must not choose (the source of a cold or live migration, of an evacuation). */
  readonly ignore_hosts?: readonly string[];
  /** A host asked for (`requested_destination`), checked by the filters; null: any. */
  readonly requested_host?: string | null;
  /** Whether the server boots from a volume (no root disk in Placement). */
  readonly is_bfv: boolean;
}

/** The image metadata of the instance's spec: its Glance image as the caller sees it; a deleted one keeps only its id, as the spec stored at boot has no more to filter on here. */
export function specImage(s: CloudState, policy: PolicyEngine, creds: PolicyCredentials, row: ServerRow): RequestSpec['image'] {
  if (row.image_ref === '') return null;
  try {
    const image = imageFor(s, policy, creds, { id: row.image_ref });
    return { id: image.id, disk_format: image.disk_format, properties: image.properties as Readonly<Record<string, string>> };
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    return { id: row.image_ref, disk_format: null, properties: {} };
  }
}

/** The instance's request spec for `select_destinations` in a move. */
export function moveRequestSpec(s: CloudState, row: ServerRow, options: MoveSpecOptions): RequestSpec {
  const hints: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(row.scheduler_hints)) if (k !== 'force_hosts' && k !== 'force_nodes' && (typeof v === 'string' || Array.isArray(v))) hints[k] = v as string | readonly string[];
  const g = row.server_group === null ? undefined : getRow(s.compute.server_groups, row.server_group);
  const groupHosts = g === undefined ? [] : [...new Set(g.members.map((m) => getRow(s.compute.servers, m)?.host).filter((h): h is string => typeof h === 'string'))];
  const f = options.flavor ?? row.flavor;
  const requested = options.requested_host ?? null;
  return {
    flavor: { name: f.name, vcpus: f.vcpus, memory_mb: f.memory_mb, root_gb: f.root_gb, ephemeral_gb: f.ephemeral_gb, swap: f.swap, extra_specs: f.extra_specs },
    image: options.image,
    availability_zone: row.requested_availability_zone,
    project_id: row.project_id,
    user_id: row.user_id,
    scheduler_hints: hints,
    instance_group: g === undefined ? null : { uuid: g.id, policy: g.policy, hosts: groupHosts, members: g.members, rules: g.rules },
    num_instances: 1,
    instance_uuids: [row.uuid],
    instance_uuid: null,
    ignore_hosts: [...(options.ignore_hosts ?? [])],
    force_hosts: [],
    force_nodes: [],
    requested_destination: requested === null ? null : { host: requested, node: null, cell_uuid: null, allow_cross_cell_move: false },
    is_bfv: options.is_bfv,
  };
}
