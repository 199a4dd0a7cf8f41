/**
 * nova-conductor's part of a boot (`nova/conductor/manager.py` `schedule_and_build_instances`):
 * the request spec of the instances nova-api filed (`RequestSpec.from_components`), the
 * scheduler's `select_destinations` over Placement with its claim, then each instance mapped into
 * its cell on its host (with the host's availability zone) and cast to nova-compute
 * (`boot.ts`'s {@link BUILD_TASK}) — or, when nothing fits, buried in cell0 in `ERROR` with the
 * "No valid host was found" fault (`_bury_in_cell0`). A reschedule to an alternate host after a
 * failure on the host (the conductor's `build_instances`) is `boot.ts`'s `failBuild`.
 *
 * Timing (`progression: 'clock'`): the cast to nova-compute takes {@link RPC_SECONDS}.
 */
import { getRow, type CloudState, type PolicyCredentials, type Tx } from '../core/index.js';
import { NoValidHost, selectDestinations, type RequestSpec } from '../scheduler/index.js';
import { recordEvent, startEvent } from './actions.js';
import { BUILD_TASK, RPC_SECONDS, saveServer, serverOf, type ComputeArgs, type HostChoice } from './boot.js';
import { API_HOST } from './server_actions.js';
import type { InstanceFlavor, ServerRow } from './types.js';
import { instanceUsage } from './views.js';
import { zoneOfHost } from './zones.js';

/** The conductor's task: `schedule_and_build_instances`. */
export const SCHEDULE_AND_BUILD_TASK = 'compute.schedule_and_build_instances';

/** A network request nova-api resolved: a network (with an address) or a port. */
export interface RequestedNetwork {
  readonly network_id: string;
  readonly port_id: string | null;
  readonly fixed_ip: string | null;
  readonly tag: string | null;
}

/** The image of a boot as nova-api read it (null: boot from volume). */
export interface BootImage {
  readonly id: string;
  readonly size: number;
  readonly disk_format: string | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly name: string | null;
}

/** What nova-api hands the conductor (plain data: a task's arguments). */
export interface BuildArgs {
  readonly uuids: readonly string[];
  /** The user's credentials (nova passes the user's context along). */
  readonly creds: PolicyCredentials;
  readonly networks: readonly RequestedNetwork[];
  readonly security_group_ids: readonly string[];
  readonly image: BootImage | null;
  readonly forced_host: string | null;
  readonly attempt: number;
}

/** The request spec of a boot (`RequestSpec.from_components`), as the scheduler takes it. */
function requestSpec(rows: readonly ServerRow[], build: BuildArgs, group: ServerRow['server_group'], s: CloudState): RequestSpec {
  const first = rows[0] as ServerRow;
  const hints: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(first.scheduler_hints)) if (k !== 'force_hosts') hints[k] = v as string | readonly string[];
  const g = group === null ? undefined : getRow(s.compute.server_groups, group);
  const groupHosts = g === undefined ? [] : [...new Set(g.members.map((m) => getRow(s.compute.servers, m)?.host).filter((h): h is string => typeof h === 'string'))];
  return {
    flavor: { name: first.flavor.name, vcpus: first.flavor.vcpus, memory_mb: first.flavor.memory_mb, root_gb: first.flavor.root_gb, ephemeral_gb: first.flavor.ephemeral_gb, swap: first.flavor.swap, extra_specs: first.flavor.extra_specs },
    image: build.image === null ? null : { id: build.image.id, disk_format: build.image.disk_format, properties: build.image.properties },
    availability_zone: first.requested_availability_zone,
    project_id: first.project_id,
    user_id: first.user_id,
    scheduler_hints: hints,
    instance_group: g === undefined ? null : { uuid: g.id, policy: g.policy, hosts: groupHosts, members: g.members, rules: g.rules },
    num_instances: rows.length,
    instance_uuids: rows.map((r) => r.uuid),
    instance_uuid: null,
    ignore_hosts: [],
    force_hosts: build.forced_host === null ? [] : [build.forced_host],
    force_nodes: [],
    requested_destination: null,
    is_bfv: first.image_ref === '',
  };
}

/**
 * `scheduler_utils.set_vm_state_and_notify`'s notification: `compute_task.<method>` (ERROR,
 * publisher `compute_task.<conductor host>`) with the request spec as a legacy dict, the
 * instance's properties, the vm_state it was set to and the reason. Built only when someone listens.
 */
export function notifyComputeTaskError(tx: Tx, method: 'build_instances' | 'migrate_server' | 'rebuild_server' | 'unshelve_instance', row: ServerRow, state: string, reason: string, flavor: InstanceFlavor = row.flavor): void {
  tx.emit(
    `compute_task.${method}`,
    () => {
      const properties = { uuid: row.uuid, project_id: row.project_id, user_id: row.user_id, availability_zone: row.requested_availability_zone, vcpus: flavor.vcpus, memory_mb: flavor.memory_mb, root_gb: flavor.root_gb, ephemeral_gb: flavor.ephemeral_gb, swap: flavor.swap };
      return {
        request_spec: { image: { id: row.image_ref }, instance_properties: properties, instance_type: { ...flavor }, num_instances: 1 },
        instance_properties: properties,
        instance_id: row.uuid,
        state,
        method,
        reason,
      };
    },
    { publisher: `compute_task.${API_HOST}`, priority: 'ERROR' },
  );
}

/** `_bury_in_cell0`: the instance goes to cell0 in `ERROR` with the scheduler's fault. */
function buryInCell0(tx: Tx, row: ServerRow, message: string, details: string): void {
  const next = saveServer(tx, row, { vm_state: 'error', task_state: null, cell: 'cell0', fault: { code: 500, message, details, created: tx.now() } });
  recordEvent(tx, row.uuid, 'schedule_instances', 'controller', { message });
  tx.trace('nova-conductor', `instance ${row.uuid} buried in cell0: ${message}`);
  notifyComputeTaskError(tx, 'build_instances', next, 'error', message);
}

/** The conductor: select destinations (with the claim), then hand each instance to its host. */
export function runScheduleAndBuild(tx: Tx, raw: unknown): void {
  const build = raw as BuildArgs;
  const rows = build.uuids.map((u) => serverOf(tx, u)).filter((r): r is ServerRow => r !== undefined && r.task_state === 'scheduling');
  if (rows.length === 0) return;
  const s = tx.draft as CloudState;
  tx.trace('nova-conductor', `schedule_and_build_instances: ${rows.length} instance(s)`);
  // each instance's `schedule_instances` event is written once, started and finished, when its
  // outcome is known (selecting destinations reads no instance action: one action write, not two)
  let selections: readonly { readonly instance_uuid: string; readonly host: string; readonly nodename: string; readonly uuid: string; readonly alternates: readonly HostChoice[] }[];
  try {
    selections = selectDestinations(tx, requestSpec(rows, build, rows[0]!.server_group, s)).selections;
  } catch (e) {
    if (!(e instanceof NoValidHost)) throw e;
    for (const row of rows) buryInCell0(tx, row, e.message, `${e.message}\nTraceback: nova.exception.NoValidHost`);
    return;
  }
  const unfinished = new Set(rows.map((r) => r.uuid));
  for (const sel of selections) {
    const row = serverOf(tx, sel.instance_uuid);
    if (row === undefined) continue;
    unfinished.delete(row.uuid);
    const next = saveServer(tx, row, { host: sel.host, node: sel.nodename, cell: 'cell1', availability_zone: zoneOfHost(tx.draft as CloudState, sel.host) });
    recordEvent(tx, row.uuid, 'schedule_instances', 'controller');
    tx.trace('nova-conductor', `instance ${row.uuid} mapped to cell1, build on ${sel.host}`);
    tx.schedule(BUILD_TASK, { uuid: next.uuid, build, host: sel.host, alternates: sel.alternates.map((a) => ({ host: a.host, nodename: a.nodename, uuid: a.uuid })), stage: 'start', polls: 0 } satisfies ComputeArgs, RPC_SECONDS);
  }
  // an instance without a selection keeps its event started, as nova leaves it
  for (const uuid of unfinished) startEvent(tx, uuid, 'schedule_instances', 'controller');
}
