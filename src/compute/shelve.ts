/**
 * Shelve, shelve-offload and unshelve (issue 15): a server put away with its disk kept in Glance
 * (image-backed) or in its volumes (volume-backed), its host's resources given back when it is
 * offloaded, and scheduled again when it comes back.
 * This file is nova-api's side (the schemas and checks); the steps of nova-conductor and
 * nova-compute are in `shelve_tasks.ts`.
 *
 * Followed, Zed: `nova/api/openstack/compute/shelve.py` (`_shelve`, `_shelve_offload`,
 * `_unshelve`) and `schemas/shelve.py` (`unshelve_v277`, `unshelve_v291`); `nova/compute/api.py`
 * `shelve`, `shelve_offload`, `unshelve`, `_check_offloaded`, `_validate_unshelve_az`,
 * `_ensure_host_in_az`; `nova/compute/utils.py` `create_image`.
 *
 * - **shelve** (`ACTIVE`, `SHUTOFF`, `PAUSED`, `SUSPENDED`; lock): task `shelving`, action
 *   `shelve`. An image-backed server gets a Glance image `<name>-shelved` made exactly as
 *   `createImage` makes one (`queued`, the caller's, `shared` with the server's project when an
 *   admin of another project shelves it); nova-compute ({@link SHELVE_TASK}, event
 *   `compute_shelve_instance`) sends `compute.instance.exists` and `shelve.start`, powers the guest
 *   off, passes through `shelving_image_pending_upload` and `shelving_image_uploading`, uploads the
 *   disk (`qcow2`; in `progression: 'clock'` its size over the host's fastest NIC), writes the
 *   system metadata `shelved_at` / `shelved_image_id` / `shelved_host`, and ends `SHELVED` — or,
 *   with `[DEFAULT] shelved_offload_time` 0 (Zed's default), `(shelved, shelving_offloading)` and
 *   offloaded at once inside the same event. With `shelved_offload_time` N > 0 a timer
 *   ({@link SHELVED_POLL_TASK}) offloads it N seconds later if it is still `SHELVED` with no task
 *   (nova's `_poll_shelved_instances`; stacksim does not round up to `shelved_poll_interval`);
 *   with -1 it stays on its host. A volume-backed server goes straight to the offload
 *   ({@link SHELVE_OFFLOAD_TASK}, event `compute_shelve_offload_instance`): no image, no
 *   `exists` nor `shelve.*`, never `SHELVED`.
 * - **offload** (`_shelve_offload_instance`; also `shelveOffload`, admin, from `SHELVED`, action
 *   `shelveOffload`): `shelve_offload.start`, the guest destroyed, each volume's attachment
 *   swapped for a new one without connector (Cinder shows the volume `reserved`; the block
 *   device mappings stay), the instance's allocation deleted from Placement, `(shelved_offloaded,
 *   None)`, host and node cleared, `shelve_offload.end` (publisher the old host). The ports are
 *   left as they are (`binding:host_id` still the old host), as Zed does.
 * - **unshelve** (`SHELVED`, `SHELVED_OFFLOADED`; lock): task `unshelving`, action `unshelve`.
 *   From `SHELVED` the conductor sets `powering-on` and nova-compute's `start_instance` (event
 *   `compute_start_instance`, `power_on.*`) powers it on where it is, deletes the shelved image
 *   and clears the system metadata; Placement is untouched. From `SHELVED_OFFLOADED` the conductor
 *   ({@link CONDUCTOR_UNSHELVE_TASK}) reads the shelved image (`get_image_info`), schedules the
 *   instance again (`schedule_instances`: the request spec's zone — the one given, or the one it
 *   had — and `requested_destination` for a host; a fresh claim in Placement) and puts it in its
 *   new host's zone; nova-compute ({@link UNSHELVE_TASK}, event `compute_unshelve_instance` on the
 *   new host) sends `unshelve.start`, sets `spawning`, connects the volumes there, takes the host,
 *   rebinds the ports to it (`device_owner` `compute:<zone>`), fetches the shelved image into the
 *   host's image cache (its size over the NIC in `'clock'`), spawns, deletes the shelved image
 *   (as the user; a refusal is only traced), clears the system metadata, ends `ACTIVE` and sends
 *   `unshelve.end`. Unshelve always ends `ACTIVE`, whatever the server was when shelved.
 *   No valid host: the server goes back to `(shelved_offloaded, None)` with the event
 *   `schedule_instances` in `Error` (no `ERROR`, no fault), as Zed's conductor does; the zone
 *   written into the request spec stays (nova bug 1978573). A spawn that fails on the host (its
 *   nova-compute down, a port that cannot be bound, a volume Cinder refuses to connect) deletes
 *   the new allocation, reserves the volumes again, clears host and node and leaves
 *   `(shelved_offloaded, None)` with a fault and the event in `Error`.
 *
 * The request bodies (the session API takes what nova accepts at 2.91+): `unshelve` is null, or
 * an object with an optional `availability_zone` (a string, or null to unpin) and an optional
 * `host` (a string), nothing else; `{}` acts as null. The REST layer must, below 2.77, ignore
 * the body entirely (no schema: pass null); from 2.77 to 2.90 accept only null or
 * `{"availability_zone": <name>}` (`parameter_types.name`, required: `{}` and a null zone are
 * 400) and pass no `host`; from 2.91 pass the body as it is.
 *
 * Deviation: a Glance refusal while nova-api makes the shelved image refuses the call with
 * nothing changed (nova leaves the server in `shelving`).
 */
import { pyRepr, type Tx } from '../core/index.js';
import { startAction } from './actions.js';
import { createImageEntry } from './snapshot.js';
import { availableZones } from './availability_zones.js';
import { saveServer } from './boot.js';
import { enforce, targetOf, type Ctx } from './context.js';
import { badRequest, conflict, invalid } from './errors.js';
import { checkAction } from './guards.js';
import { computeServiceOf } from './nova_services.js';
import { NOVA_RULES } from './policies.js';
import { credsOf, isVolumeBacked } from './server_actions.js';
import { getServer } from './servers.js';
import { zoneOfHost } from './zones.js';
import { CONDUCTOR_UNSHELVE_TASK, SHELVE_OFFLOAD_TASK, SHELVE_TASK, type ConductorArgs, type OffloadArgs, type ShelveArgs, type SHELVED_POLL_TASK, type UNSHELVE_TASK } from './shelve_tasks.js';

/**
 * `POST /servers/{id}/action {"shelve": null}` (202; the body's value is not read): 404 for a
 * server the caller cannot see, 403 without `os-shelve:shelve`, 409 when locked (for a
 * non-admin) or not `ACTIVE` / `SHUTOFF` / `PAUSED` / `SUSPENDED` with no task; then task
 * `shelving`, action `shelve`, and the shelved image (image-backed) or the offload
 * (volume-backed) cast to nova-compute.
 */
export function shelveServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.shelve, targetOf(row));
  checkAction(ctx, row, 'shelve');
  const volumeBacked = isVolumeBacked(ctx.s, row);
  const next = saveServer(tx, row, { task_state: 'shelving' });
  startAction(tx, next, 'shelve', ctx);
  if (volumeBacked) {
    tx.trace('nova-api', `shelve server ${row.uuid} (volume-backed): task_state shelving, cast shelve_offload_instance to ${row.host ?? '(no host)'}`);
    tx.schedule(SHELVE_OFFLOAD_TASK, { uuid: row.uuid, host: row.host, expect: 'shelving', creds: credsOf(ctx) } satisfies OffloadArgs, 0);
    return;
  }
  const image = createImageEntry(tx, ctx, row, `${row.name}-shelved`, 'snapshot', {});
  tx.trace('nova-api', `shelve server ${row.uuid}: task_state shelving, cast shelve_instance (image ${image.id}) to ${row.host ?? '(no host)'}`);
  tx.schedule(SHELVE_TASK, { uuid: row.uuid, host: row.host, stage: 'begin', expect: 'shelving', image_id: image.id, container_format: image.container_format, creds: credsOf(ctx) } satisfies ShelveArgs, 0);
}

/**
 * `POST /servers/{id}/action {"shelveOffload": null}` (202): 404, 403 without
 * `os-shelve:shelve_offload` (admin), 409 when locked or not `SHELVED` with no task; then task
 * `shelving_offloading`, action `shelveOffload`, and the offload on its host.
 */
export function shelveOffloadServer(tx: Tx, ctx: Ctx, ref: unknown): void {
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.shelveOffload, targetOf(row));
  checkAction(ctx, row, 'shelve_offload');
  const next = saveServer(tx, row, { task_state: 'shelving_offloading' });
  startAction(tx, next, 'shelveOffload', ctx);
  tx.trace('nova-api', `shelveOffload server ${row.uuid}: task_state shelving_offloading, cast shelve_offload_instance to ${row.host ?? '(no host)'}`);
  tx.schedule(SHELVE_OFFLOAD_TASK, { uuid: row.uuid, host: row.host, expect: 'shelving_offloading', creds: credsOf(ctx) } satisfies OffloadArgs, 0);
}

/** What the unshelve body asks for: a zone (`azPassed`: the key was there, even null) and a host. */
interface UnshelveRequest {
  readonly azPassed: boolean;
  readonly az: string | null;
  readonly host: string | null;
}

/**
 * `unshelve_v291`: null, or `{ availability_zone?: string | null, host?: string }` and nothing
 * else. A body outside it is nova's `oneOf` 400 ("… is not valid under any of the given
 * schemas"), whose `details.field` names the part at fault (`unshelve`, the unexpected key,
 * `availability_zone` or `host`).
 */
function unshelveRequest(input: unknown): UnshelveRequest {
  if (input === undefined || input === null) return { azPassed: false, az: null, host: null };
  const invalidBody = (field: string) => badRequest(field, `Invalid input for field/attribute unshelve. Value: ${pyRepr(input)}. ${pyRepr(input)} is not valid under any of the given schemas`, 'compute.unshelve.invalid');
  if (typeof input !== 'object' || Array.isArray(input)) throw invalidBody('unshelve');
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'availability_zone' && k !== 'host') throw invalidBody(k);
  const azPassed = Object.hasOwn(o, 'availability_zone');
  const az = azPassed ? o.availability_zone : null;
  if (az !== null && typeof az !== 'string') throw invalidBody('availability_zone');
  const host = Object.hasOwn(o, 'host') ? o.host : undefined;
  if (host !== undefined && typeof host !== 'string') throw invalidBody('host');
  // `if unshelve_dict:` and `if host:` read an empty dict and an empty host as not given
  return { azPassed, az: az as string | null, host: host === undefined || host === '' ? null : host };
}

/**
 * `POST /servers/{id}/action {"unshelve": …}` (202), in nova's order: the body (400 naming the
 * field), the server (404), `os-shelve:unshelve` on its project (403), the lock and the state
 * (`SHELVED` or `SHELVED_OFFLOADED`, no task: 409); a zone key or a host given for a server that
 * is not offloaded: 409 `UnshelveInstanceInvalidState`; a zone (not empty) that is not
 * available: 400; a host: `os-shelve:unshelve_to_host` (admin, 403), a host without nova-compute
 * (400 `ComputeHostNotFound`), a host outside the zone the server will have (409
 * `UnshelveHostNotInAZ`). Then the request spec's zone is set (the one given, null to unpin, else
 * kept), task `unshelving`, action `unshelve`, and the conductor's `unshelve_instance`. An empty
 * zone passes nova's checks as a falsy one does (a host is then "not in" it); stacksim stores it
 * as null, where nova would store `""` and its scheduler read it as no zone.
 */
export function unshelveServer(tx: Tx, ctx: Ctx, ref: unknown, input: unknown): void {
  const req = unshelveRequest(input);
  const row = getServer(ctx, ref);
  enforce(ctx, NOVA_RULES.serverActions.unshelve, { project_id: row.project_id });
  checkAction(ctx, row, 'unshelve');
  if ((req.azPassed || req.host !== null) && row.vm_state !== 'shelved_offloaded') {
    throw conflict('compute.server.unshelve_invalid_state', 'UnshelveInstanceInvalidState', `Specifying an availability zone or a host when unshelving server "${row.uuid}" with status "${row.vm_state}" is not supported. The server status must be SHELVED_OFFLOADED.`, { id: row.uuid, state: row.vm_state });
  }
  if (req.azPassed && req.az !== null && req.az !== '' && !availableZones(ctx.s).includes(req.az)) {
    throw invalid('compute.server.availability_zone_not_available', 'InvalidRequest', 'The requested availability zone is not available', { field: 'availability_zone' });
  }
  const expectedAz = req.azPassed ? req.az : row.requested_availability_zone;
  if (req.host !== null) {
    enforce(ctx, NOVA_RULES.serverActions.unshelveToHost, targetOf(row));
    if (computeServiceOf(ctx.s, req.host) === undefined) throw invalid('compute.host.not_found', 'ComputeHostNotFound', `Compute host ${req.host} could not be found.`, { field: 'host', host: req.host });
    if (expectedAz !== null && zoneOfHost(ctx.s, req.host) !== expectedAz) {
      throw conflict('compute.server.unshelve_host_not_in_az', 'UnshelveHostNotInAZ', `Host "${req.host}" is not in the availability zone "${expectedAz}".`, { host: req.host, availability_zone: expectedAz });
    }
  }
  // request_spec.availability_zone = expected_az_after_unshelve; request_spec.save() (kept even
  // if scheduling fails: nova bug 1978573)
  const next = saveServer(tx, row, { task_state: 'unshelving', ...(req.azPassed ? { requested_availability_zone: expectedAz === '' ? null : expectedAz } : {}) });
  startAction(tx, next, 'unshelve', ctx);
  tx.trace('nova-api', `unshelve server ${row.uuid} (${row.vm_state}${req.azPassed ? `, availability zone ${expectedAz ?? 'unpinned'}` : ''}${req.host !== null ? `, host ${req.host}` : ''}): task_state unshelving, cast unshelve_instance to nova-conductor`);
  tx.schedule(CONDUCTOR_UNSHELVE_TASK, { uuid: row.uuid, host: req.host, creds: credsOf(ctx) } satisfies ConductorArgs, 0);
}
