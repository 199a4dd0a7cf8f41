/**
 * Servers over REST (`nova/api/openstack/compute/servers.py`, `views/servers.py`, and the action
 * controllers `pause_server.py`, `suspend_server.py`, `lock_server.py`, `rescue.py`,
 * `admin_password.py`, `create_backup.py`): `GET /servers` and `/servers/detail` (nova's query
 * schema by microversion, `servers_links`), `POST /servers` (202, `Location`, the create schema's
 * keys by microversion, `networks` required from 2.37), `GET` / `PUT` / `DELETE /servers/{id}`
 * and `POST /servers/{id}/action`, which dispatches on the body's one key.
 *
 * `session.compute` answers the 2.93 view; {@link serverAt} cuts it to the microversion asked
 * (`views/servers.py` `show`): the 2.3 extended attributes and `delete_on_termination`,
 * `locked` (2.9), `host_status` (2.16), `description` (2.19), `tags` (2.26), the flavor as
 * `{id, links}` below 2.47, `trusted_image_certificates` (2.63), `server_groups` on show, update
 * and rebuild (2.71), `locked_reason` (2.73), the short view of `PUT` and `rebuild` below 2.75,
 * `OS-EXT-SRV-ATTR:hostname` for everyone from 2.90.
 *
 * The flavor id below 2.47 and the server group of 2.71 are not in the library's view: they are
 * read from the server's row once the session call has shown the caller may see it.
 *
 * The moves (`resize`, `confirmResize`, `revertResize`, `migrate`, `os-migrateLive`, `shelve`,
 * `shelveOffload`, `unshelve`, `evacuate`) are `rest_migrations.ts`'s `MOVE_ACTIONS`.
 *
 * Not simulated: the actions the library lacks (`trigger_crash_dump`, `addSecurityGroup`, …:
 * "There is no such action"), the legacy `block_device_mapping` (v1) of create, query filters
 * nova knows and the library does not (`launch_index`, `key_name`, `uuid`, …: ignored), several
 * sort keys at once (the first counts).
 */
import { empty, getRow, isCloudError, json, type RestResponse } from '../core/index.js';
import {
  httpBadRequest,
  type NovaAction,
  type NovaRequest,
  type NovaRouteSpec,
} from './rest_http.js';
import {
  additionalMessage,
  collectionLinks,
  omit,
  pyRepr,
  queryError,
  rejectKeys,
  relink,
  schemaError,
  unwrap,
  wrapped,
} from './rest_params.js';
import { MOVE_ACTIONS } from './rest_migrations.js';

type View = Record<string, unknown>;

/** The extended attributes 2.3 added (`views/servers.py` `show`, `show_extended_attr`). */
const EXTENDED_2_3 = ['reservation_id', 'launch_index', 'hostname', 'kernel_id', 'ramdisk_id', 'root_device_name', 'user_data'].map((k) => `OS-EXT-SRV-ATTR:${k}`);

/** What the short view of `PUT /servers/{id}` and `rebuild` below 2.75 leaves out. */
const SHORT_VIEW_DROPS = ['OS-EXT-AZ:availability_zone', 'config_drive', 'OS-SRV-USG:launched_at', 'OS-SRV-USG:terminated_at', 'security_groups', 'OS-EXT-STS:task_state', 'OS-EXT-STS:vm_state', 'OS-EXT-STS:power_state', 'os-extended-volumes:volumes_attached', 'host_status'];

/** How a server view is shown. */
interface ViewKind {
  /** `show_server_groups`: show, update and rebuild from 2.71. */
  readonly groups?: boolean;
  /** The short view of update and rebuild below 2.75 (`show_all_attributes` false). */
  readonly short?: boolean;
  /** The short view keeps `key_name` (rebuild from 2.54). */
  readonly keyName?: boolean;
  /** Rebuild: no `OS-EXT-SRV-ATTR:user_data` (`show_user_data=False`), `user_data` at the top from 2.57. */
  readonly rebuild?: boolean;
}

/** The server row behind a view the session already showed (own slice; the view lacks the flavor id and the group). */
function rowOf(r: NovaRequest, id: string): { readonly flavorid: string; readonly group: string | null; readonly user_data: string | null } | undefined {
  const s = r.call.kernel.view();
  const row = getRow(s.compute.servers, id);
  if (row === undefined) return undefined;
  const group = row.server_group !== null && getRow(s.compute.server_groups, row.server_group) !== undefined ? row.server_group : null;
  return { flavorid: row.flavor.flavorid, group, user_data: row.user_data };
}

/** The 2.93 view of a server as the microversion asked shows it (`views/servers.py` `show`). */
export function serverAt(r: NovaRequest, view: Readonly<View>, kind: ViewKind = {}): View {
  const v = r.v;
  let out: View = { ...view };
  const extended = Object.hasOwn(out, 'OS-EXT-SRV-ATTR:host');
  if (!v.atLeast('2.3')) {
    if (extended) out = omit(out, EXTENDED_2_3);
    const volumes = out['os-extended-volumes:volumes_attached'];
    if (Array.isArray(volumes)) out['os-extended-volumes:volumes_attached'] = volumes.map((b: { id: string }) => ({ id: b.id }));
  }
  if (!extended && !v.atLeast('2.90')) delete out['OS-EXT-SRV-ATTR:hostname'];
  for (const [since, key] of [['2.9', 'locked'], ['2.16', 'host_status'], ['2.19', 'description'], ['2.26', 'tags'], ['2.63', 'trusted_image_certificates'], ['2.73', 'locked_reason']] as const) {
    if (!v.atLeast(since)) delete out[key];
  }
  const id = String(view.id);
  const row = (!v.atLeast('2.47') || (kind.groups === true && v.atLeast('2.71')) || kind.rebuild === true) ? rowOf(r, id) : undefined;
  if (!v.atLeast('2.47') && row !== undefined) {
    out.flavor = { id: row.flavorid, links: [{ rel: 'bookmark', href: `${r.call.base}/flavors/${row.flavorid}` }] };
  }
  if (kind.short === true && !v.atLeast('2.75')) {
    out = omit(out, SHORT_VIEW_DROPS.concat(kind.keyName === true && v.atLeast('2.54') ? [] : ['key_name']));
    const hostname = out['OS-EXT-SRV-ATTR:hostname'];
    out = omit(out, Object.keys(out).filter((k) => k.startsWith('OS-EXT-SRV-ATTR:')));
    if (v.atLeast('2.90') && hostname !== undefined) out['OS-EXT-SRV-ATTR:hostname'] = hostname;
    const addresses = out.addresses;
    if (typeof addresses === 'object' && addresses !== null) {
      out.addresses = Object.fromEntries(Object.entries(addresses as Record<string, { version: number; addr: string }[]>).map(([net, list]) => [net, list.map((a) => ({ version: a.version, addr: a.addr }))]));
    }
  }
  if (kind.rebuild === true) {
    delete out['OS-EXT-SRV-ATTR:user_data'];
    if (v.atLeast('2.57')) out.user_data = row?.user_data ?? null;
  }
  if (kind.groups === true && v.atLeast('2.71')) out.server_groups = row?.group === null || row === undefined ? [] : [row.group];
  return relink(r.call, out);
}

// ---------------------------------------------------------------------------- lists

/** `query_params_v275`'s parameters (the strict schema from 2.75). */
const QUERY_2_75 = [
  'user_id', 'project_id', 'tenant_id', 'launch_index', 'image_ref', 'image', 'kernel_id', 'ramdisk_id', 'hostname', 'key_name', 'power_state',
  'vm_state', 'task_state', 'host', 'node', 'flavor', 'reservation_id', 'launched_at', 'terminated_at', 'availability_zone', 'name', 'display_name',
  'description', 'display_description', 'locked_by', 'uuid', 'root_device_name', 'config_drive', 'access_ip_v4', 'access_ip_v6', 'auto_disk_config',
  'progress', 'sort_key', 'sort_dir', 'all_tenants', 'soft_deleted', 'deleted', 'status', 'changes-since', 'ip', 'ip6', 'created_at',
  'block_device_mapping', 'services', 'metadata', 'system_metadata', 'info_cache', 'security_groups', 'pci_devices', 'limit', 'marker',
  'tags', 'tags-any', 'not-tags', 'not-tags-any', 'changes-before', 'locked',
];

/** `JOINED_TABLE_QUERY_PARAMS_SERVERS`: 400 "Invalid filter field". */
const JOINED = ['block_device_mapping', 'services', 'metadata', 'system_metadata', 'info_cache', 'security_groups', 'pci_devices'];

/** The parameters `session.compute.listServers` reads, and the microversion each appeared in. */
const LIBRARY_QUERY: readonly (readonly [string, string?])[] = [
  ['name'], ['status'], ['image'], ['flavor'], ['ip'], ['ip6'], ['changes-since'], ['changes-before', '2.66'], ['tags', '2.26'], ['tags-any', '2.26'],
  ['not-tags', '2.26'], ['not-tags-any', '2.26'], ['locked', '2.73'], ['reservation_id'], ['all_tenants'], ['limit'], ['marker'], ['sort_key'], ['sort_dir'],
  ['host'], ['node'], ['project_id'], ['tenant_id'], ['user_id'], ['hostname'], ['availability_zone'], ['vm_state'], ['task_state'], ['power_state'], ['deleted'],
];

/** The sort keys the library sorts by (others nova accepts are ignored here). */
const LIBRARY_SORT_KEYS = ['created_at', 'updated_at', 'display_name', 'name', 'uuid', 'vm_state', 'task_state', 'power_state', 'host', 'node', 'launched_at', 'terminated_at', 'hostname', 'availability_zone'];

/** `VALID_SORT_KEYS` (2.1–2.72; 2.73 adds `locked`) and the keys below 2.75 ignored instead of refused. */
const NOVA_SORT_KEYS = ['access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone', 'config_drive', 'created_at', 'display_description', 'display_name', 'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id', 'key_name', 'launch_index', 'launched_at', 'locked_by', 'node', 'power_state', 'progress', 'project_id', 'ramdisk_id', 'root_device_name', 'task_state', 'terminated_at', 'updated_at', 'user_id', 'uuid', 'vm_state'];
const IGNORED_SORT_KEYS = ['architecture', 'cell_name', 'cleaned', 'default_ephemeral_device', 'default_swap_device', 'deleted', 'deleted_at', 'disable_terminate', 'ephemeral_gb', 'ephemeral_key_uuid', 'id', 'key_data', 'launched_on', 'locked', 'memory_mb', 'os_type', 'reservation_id', 'root_gb', 'shutdown_terminate', 'user_data', 'vcpus', 'vm_mode'];

/** `_get_servers`' reading of the query string, as the library's `ServerListQuery`. */
function serverQuery(r: NovaRequest): Record<string, unknown> {
  const { call, v } = r;
  const names = [...new Set(call.query.entries().map(([k]) => k))];
  if (v.atLeast('2.75')) {
    const extras = names.filter((k) => !QUERY_2_75.includes(k) && !k.startsWith('_'));
    if (extras.length > 0) throw schemaError(additionalMessage(extras));
  }
  for (const k of names) if (JOINED.includes(k) || k.startsWith('_')) throw httpBadRequest(`Invalid filter field: ${k.slice(0, 200)}.`, k);
  const q: Record<string, unknown> = {};
  for (const [k, since] of LIBRARY_QUERY) {
    if (!call.query.has(k) || (since !== undefined && !v.atLeast(since))) continue;
    if (k === 'status') q.status = call.query.getAll('status');
    else if (k === 'sort_key' || k === 'sort_dir') q[k] = call.query.get(k);
    else q[k] = call.query.getAll(k).at(-1);
  }
  if (typeof q.sort_key === 'string' && !LIBRARY_SORT_KEYS.includes(q.sort_key)) {
    const ignored = !v.atLeast('2.75') && IGNORED_SORT_KEYS.includes(q.sort_key) && !(q.sort_key === 'locked' && v.atLeast('2.73'));
    const known = NOVA_SORT_KEYS.includes(q.sort_key) || (q.sort_key === 'locked' && v.atLeast('2.73'));
    if (ignored || known) {
      delete q.sort_key;
      delete q.sort_dir;
    } else {
      throw queryError('sort_key', q.sort_key, `${pyRepr(q.sort_key)} is not one of ${pyRepr(NOVA_SORT_KEYS)}`);
    }
  }
  return q;
}

/** `GET /servers` and `/servers/detail`: `{servers, servers_links?}`. */
function listServers(r: NovaRequest, detail: boolean): RestResponse {
  const api = r.api();
  const q = serverQuery(r);
  let items: View[];
  try {
    items = detail ? api.listServers(q).map((s) => serverAt(r, s as unknown as View)) : api.listServerSummaries(q).map((s) => relink(r.call, { ...s }) as View);
  } catch (error) {
    // before 2.38 a status nova does not know lists nothing instead of a 400
    if (!r.v.atLeast('2.38') && isCloudError(error) && error.code === 'compute.server.invalid_status') return json(200, { servers: [] });
    throw error;
  }
  const links = collectionLinks(r.call, detail ? 'servers/detail' : 'servers', items);
  return json(200, links.length > 0 ? { servers: items, servers_links: links } : { servers: items });
}

// ---------------------------------------------------------------------------- create, update, delete

/** The create schema's keys and the microversion that added each (`schemas/servers.py` `create_v2xx`). */
const CREATE_SINCE: readonly (readonly [string, string])[] = [['description', '2.19'], ['tags', '2.52'], ['trusted_image_certificates', '2.63'], ['host', '2.74'], ['hypervisor_hostname', '2.74'], ['hostname', '2.90']];

/** `POST /servers`: 202 with `{server: {id, links, OS-DCF:diskConfig, security_groups, adminPass}}` and `Location`, or `{reservation_id}`. */
function createServer(r: NovaRequest): RestResponse {
  const body = wrapped(r.body, 'server', { also: ['os:scheduler_hints', 'OS-SCH-HNT:scheduler_hints'] });
  const server = { ...(body.server as View) };
  const absent = CREATE_SINCE.filter(([, since]) => !r.v.atLeast(since)).map(([k]) => k);
  rejectKeys(server, 'server', absent);
  if (!r.v.atLeast('2.37')) {
    // before 2.37 `networks` is an optional list; none is every network the project may use
    if (server.networks === undefined) server.networks = 'auto';
    else if (!Array.isArray(server.networks)) throw schemaError(`${pyRepr(server.networks)} is not of type 'array'`, { name: 'networks', value: server.networks });
  } else if (!Object.hasOwn(server, 'networks')) {
    throw schemaError("'networks' is a required property", { name: 'server', value: server });
  }
  // before 2.19 nova files the name as the description too
  if (!r.v.atLeast('2.19') && typeof server.name === 'string') server.description = server.name;
  const hints = body['os:scheduler_hints'] ?? body['OS-SCH-HNT:scheduler_hints'];
  if (hints !== undefined) server['os:scheduler_hints'] = hints;
  const created = r.api().createServer(server as never) as unknown as View;
  if (Object.hasOwn(created, 'reservation_id')) return json(202, { reservation_id: created.reservation_id });
  const view = relink(r.call, { ...created });
  const self = (view.links as { rel: string; href: string }[] | undefined)?.find((l) => l.rel === 'self');
  return json(202, { server: view }, self === undefined ? undefined : { Location: self.href });
}

/** `GET /servers/{id}`. */
function showServer(r: NovaRequest): RestResponse {
  const view = r.api().getServer({ id: r.param('id') }) as unknown as View;
  return json(200, { server: serverAt(r, view, { groups: true }) });
}

/** The update schema's keys by microversion. */
const UPDATE_SINCE: readonly (readonly [string, string])[] = [['description', '2.19'], ['hostname', '2.90']];

/** `PUT /servers/{id}`: 200 with the server (the short view below 2.75). */
function updateServer(r: NovaRequest): RestResponse {
  const server = unwrap(r.body, 'server');
  rejectKeys(server, 'server', UPDATE_SINCE.filter(([, since]) => !r.v.atLeast(since)).map(([k]) => k));
  const view = r.api().updateServer({ id: r.param('id') }, server as never) as unknown as View;
  return json(200, { server: serverAt(r, view, { groups: true, short: true }) });
}

/** `DELETE /servers/{id}`: 204. */
function deleteServer(r: NovaRequest): RestResponse {
  r.api().deleteServer({ id: r.param('id') });
  return empty(204);
}

// ---------------------------------------------------------------------------- actions

/** An action whose body value nova does not read: the library call, 202. */
function simple(fn: (r: NovaRequest, ref: { id: string }) => void): NovaAction {
  return { handle: (r, id) => (fn(r, { id }), empty(202)) };
}

/** An action whose value is the library's body (schema-checked there), 202. */
function withBody(fn: (r: NovaRequest, ref: { id: string }, value: unknown) => void): NovaAction {
  return { handle: (r, id, value) => (fn(r, { id }, value), empty(202)) };
}

/** `createImage` / `createBackup`: `{image_id}` from 2.45, before it an empty 202 with the image's `Location`. */
function imageAnswer(r: NovaRequest, image: Readonly<View>): RestResponse {
  const imageId = String(image.image_id ?? image.id ?? '');
  if (r.v.atLeast('2.45')) return json(202, { image_id: imageId });
  return empty(202, { Location: `${r.call.endpointUrl('http://controller/image')}/images/${imageId}` });
}

/** `POST /servers/{id}/action`, by the body's one key. */
const SERVER_ACTIONS: Readonly<Record<string, NovaAction>> = {
  'os-start': simple((r, ref) => r.api().startServer(ref)),
  'os-stop': simple((r, ref) => r.api().stopServer(ref)),
  reboot: withBody((r, ref, value) => r.api().rebootServer(ref, value as never)),
  pause: simple((r, ref) => r.api().pauseServer(ref)),
  unpause: simple((r, ref) => r.api().unpauseServer(ref)),
  suspend: simple((r, ref) => r.api().suspendServer(ref)),
  resume: simple((r, ref) => r.api().resumeServer(ref)),
  // below 2.73 the body is not read (no schema)
  lock: withBody((r, ref, value) => r.api().lockServer(ref, (r.v.atLeast('2.73') ? value ?? {} : {}) as never)),
  unlock: simple((r, ref) => r.api().unlockServer(ref)),
  rescue: {
    handle: (r, id, value) => json(200, { ...r.api().rescueServer({ id }, (value ?? {}) as never) }),
  },
  unrescue: simple((r, ref) => r.api().unrescueServer(ref)),
  changePassword: withBody((r, ref, value) => r.api().changePassword(ref, value as never)),
  rebuild: {
    handle: (r, id, value) => {
      const absent = [['description', '2.19'], ['key_name', '2.54'], ['user_data', '2.57'], ['trusted_image_certificates', '2.63'], ['hostname', '2.90']].filter(([, since]) => !r.v.atLeast(since as string)).map(([k]) => k as string);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) rejectKeys(value as View, 'rebuild', absent);
      const view = r.api().rebuildServer({ id }, value as never) as unknown as View;
      const server = serverAt(r, omit(view, ['adminPass']), { groups: true, short: true, keyName: true, rebuild: true });
      if (view.adminPass !== undefined) server.adminPass = view.adminPass;
      const self = (server.links as { rel: string; href: string }[] | undefined)?.find((l) => l.rel === 'self');
      return json(202, { server }, self === undefined ? undefined : { Location: self.href });
    },
  },
  createImage: { handle: (r, id, value) => imageAnswer(r, r.api().createServerImage({ id }, value as never) as unknown as View) },
  createBackup: { handle: (r, id, value) => imageAnswer(r, r.api().createServerBackup({ id }, value as never) as unknown as View) },
  // resize, confirmResize, revertResize, migrate, os-migrateLive, shelve, shelveOffload, unshelve, evacuate
  ...MOVE_ACTIONS,
};

/** Servers and their actions. */
export const SERVER_ROUTES: readonly NovaRouteSpec[] = [
  { method: 'GET', path: '/servers', handle: (r) => listServers(r, false) },
  { method: 'POST', path: '/servers', handle: createServer },
  { method: 'GET', path: '/servers/detail', handle: (r) => listServers(r, true) },
  { method: 'GET', path: '/servers/{id}', handle: showServer },
  { method: 'PUT', path: '/servers/{id}', handle: updateServer },
  { method: 'DELETE', path: '/servers/{id}', handle: deleteServer },
  { method: 'POST', path: '/servers/{id}/action', actions: SERVER_ACTIONS },
];
