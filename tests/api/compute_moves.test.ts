/**
 * Moving servers over REST (`src/compute/rest_migrations.ts`): the move actions of
 * `POST /servers/{id}/action` — resize (202), confirmResize (204), revertResize (202), migrate
 * (202; the body read from 2.56), os-migrateLive (202; its schema by microversion 2.1 / 2.25 /
 * 2.30 / 2.68, synchronous below 2.34), shelve / shelveOffload / unshelve (202; unshelve's
 * schemas below 2.77, 2.77–2.90, from 2.91), evacuate (200; `{adminPass}` below 2.14 only) — and
 * the migrations resources: `GET /os-migrations` (fields by 2.23 / 2.59 / 2.80, the strict query
 * from 2.59, paging), `/servers/{id}/migrations` (force_complete 2.22, list and show 2.23, abort
 * 2.24; a bare 404 below; a live migration in progress in a `progression: 'clock'` cloud: listed,
 * shown, linked, aborted — refused below 2.65 while `preparing`). Every refusal leaves
 * `cloud.state` the very same object. One cloud for the file (the devstack preset: three compute
 * hosts), restored before each test.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCloud, type Cloud } from '../../src/index.js';
import { createApiHandler } from '../../src/api/index.js';
import { BASE, novaCall, novaRefused, novaRest, type NovaInit, type NovaRest } from './nova.js';
import { send, type Answer } from './helpers.js';

let w: NovaRest;
let cloud: Cloud;
let image = '';
let T: NovaRest['T'];

beforeAll(() => {
  w = novaRest(15, 'devstack');
  ({ cloud, image, T } = w);
});

beforeEach(() => cloud.restore(w.start));

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Init = NovaInit;

/** A request below `/compute` (demo's token unless told). */
function call(method: string, path: string, init: Init = {}): Promise<Answer> {
  return novaCall(w, method, path, init);
}

/** A call that must succeed with `status`, the version echoed. */
async function ok(method: string, path: string, status: number, init: Init = {}): Promise<Answer> {
  const a = await call(method, path, init);
  expect(a.status, `${method} ${path}: ${a.text}`).toBe(status);
  expect(a.headers.get('OpenStack-API-Version')).toBe(`compute ${init.version ?? '2.1'}`);
  return a;
}

/** A refused call: its status, nova's fault (name, message), and `cloud.state` the very same object (tests/api/nova.ts). */
function refused(method: string, path: string, status: number, init: Init, name: string, message?: string | RegExp): Promise<Answer> {
  return novaRefused(w, method, path, status, init, name, message);
}

/** `POST /servers/{id}/action` with `{name: value}`. */
function act(id: string, name: string, value: unknown, init: Init = {}): Init & { body: unknown } {
  return { ...init, body: { [name]: value } };
}

/** Boots a server over REST as demo and answers its id. */
async function boot(name = 'vm'): Promise<string> {
  const a = await ok('POST', '/v2.1/servers', 202, { version: '2.37', body: { server: { name, flavorRef: '1', imageRef: image, networks: 'auto' } } });
  return a.body.server.id as string;
}

/** The server as the admin sees it at 2.93. */
async function show(id: string): Promise<Row> {
  return (await ok('GET', `/v2.1/servers/${id}`, 200, { version: '2.93', token: T.admin })).body.server as Row;
}

/** The compute hosts of the preset. */
function computeHosts(): string[] {
  return cloud.admin.compute.listComputeServices({ binary: 'nova-compute' }).map((s) => s.host);
}

/** A host other than `host`. */
function otherHost(host: string): string {
  return computeHosts().find((h) => h !== host) as string;
}

// ---------------------------------------------------------------------------- routing and schemas (REST only)

describe('routes and microversions', () => {
  it('server migrations: a bare 404 below 2.23 (list, show), 2.24 (abort) and 2.22 (force_complete)', async () => {
    const id = await boot();
    const opts = { token: T.admin };
    await refused('GET', `/v2.1/servers/${id}/migrations`, 404, { ...opts, version: '2.22' }, 'itemNotFound', 'The resource could not be found.');
    await refused('GET', `/v2.1/servers/${id}/migrations/1`, 404, { ...opts, version: '2.22' }, 'itemNotFound', 'The resource could not be found.');
    await refused('DELETE', `/v2.1/servers/${id}/migrations/1`, 404, { ...opts, version: '2.23' }, 'itemNotFound', 'The resource could not be found.');
    await refused('POST', `/v2.1/servers/${id}/migrations/1/action`, 404, { ...opts, version: '2.21', body: { force_complete: null } }, 'itemNotFound', 'The resource could not be found.');
    // the action's key is looked up first: an unknown one is a 400 at any version
    await refused('POST', `/v2.1/servers/${id}/migrations/1/action`, 400, { ...opts, version: '2.22', body: { force: null } }, 'badRequest', 'There is no such action: force');
    // a method the path lacks is webob's 404
    const put = await call('PUT', `/v2.1/servers/${id}/migrations/1`, { ...opts, version: '2.24', body: {} });
    expect(put.status).toBe(404);
  });

  it("force_complete's value must be null (schema before the server is looked up)", async () => {
    await refused('POST', '/v2.1/servers/00000000-0000-0000-0000-000000000000/migrations/1/action', 400, { token: T.admin, version: '2.22', body: { force_complete: {} } }, 'badRequest',
      'Invalid input for field/attribute force_complete. Value: {}. {} is not of type \'null\'');
  });

  it('os-migrations: the strict query from 2.59 (400 for a parameter the version lacks), repeated single parameters refused', async () => {
    const opts = { token: T.admin };
    await refused('GET', '/v2.1/os-migrations?foo=1', 400, { ...opts, version: '2.59' }, 'badRequest', /Additional properties are not allowed \('foo' was unexpected\)/);
    await refused('GET', '/v2.1/os-migrations?changes-before=2020-01-01T00:00:00Z', 400, { ...opts, version: '2.65' }, 'badRequest', /'changes-before' was unexpected/);
    await refused('GET', '/v2.1/os-migrations?user_id=x', 400, { ...opts, version: '2.79' }, 'badRequest', /'user_id' was unexpected/);
    await refused('GET', '/v2.1/os-migrations?limit=1&limit=2', 400, { ...opts, version: '2.59' }, 'badRequest', /^Invalid input for query parameters limit\. .* is too long$/);
  });
});

describe('action bodies by microversion', () => {
  const server = '00000000-0000-0000-0000-000000000000';
  const path = `/v2.1/servers/${server}/action`;
  it('os-migrateLive before 2.25: block_migration, disk_over_commit and host required, booleans only', async () => {
    const o = { token: T.admin };
    await refused('POST', path, 400, act(server, 'os-migrateLive', { block_migration: false, host: null }, o), 'badRequest',
      "Invalid input for field/attribute os-migrateLive. Value: {'block_migration': False, 'host': None}. 'disk_over_commit' is a required property");
    await refused('POST', path, 400, act(server, 'os-migrateLive', { block_migration: 'auto', disk_over_commit: false, host: null }, o), 'badRequest',
      /^Invalid input for field\/attribute block_migration\. Value: 'auto'\. 'auto' is not one of \[True, 'True', .*, 'no'\]$/);
    await refused('POST', path, 400, act(server, 'os-migrateLive', { block_migration: 1, disk_over_commit: false, host: null }, o), 'badRequest', /1 is not of type 'boolean', 'string'$/);
    await refused('POST', path, 400, act(server, 'os-migrateLive', 'x', o), 'badRequest', "Invalid input for field/attribute os-migrateLive. Value: 'x'. 'x' is not of type 'object'");
  });

  it("os-migrateLive from 2.25: 'auto', no disk_over_commit; force only 2.30–2.67 and only with a host", async () => {
    const o = { token: T.admin };
    await refused('POST', path, 400, act(server, 'os-migrateLive', { block_migration: 'auto', disk_over_commit: false, host: null }, { ...o, version: '2.25' }), 'badRequest', /\('disk_over_commit' was unexpected\)$/);
    await refused('POST', path, 400, act(server, 'os-migrateLive', { block_migration: 'auto', host: null, force: true }, { ...o, version: '2.29' }), 'badRequest', /\('force' was unexpected\)$/);
    await refused('POST', path, 400, act(server, 'os-migrateLive', { block_migration: 'auto', host: null, force: true }, { ...o, version: '2.68' }), 'badRequest', /\('force' was unexpected\)$/);
    await refused('POST', path, 400, act(server, 'os-migrateLive', { block_migration: 'auto', host: null, force: 'yes' }, { ...o, version: '2.30' }), 'badRequest', "Can't force to a non-provided destination");
    await refused('POST', path, 400, act(server, 'os-migrateLive', { block_migration: 'auto' }, { ...o, version: '2.93' }), 'badRequest', /'host' is a required property$/);
    await refused('POST', path, 400, act(server, 'os-migrateLive', { block_migration: 'auto', host: 'no such host!' }, { ...o, version: '2.93' }), 'badRequest',
      "Invalid input for field/attribute host. Value: 'no such host!'. 'no such host!' does not match '^[a-zA-Z0-9-._]*$'");
    await refused('POST', path, 400, act(server, 'os-migrateLive', { block_migration: 'sometimes', host: null }, { ...o, version: '2.93' }), 'badRequest', /'sometimes' is not one of \[.*'no', 'auto'\]$/);
  });

  it('migrate: from 2.56 {host} or null, checked; before it the body is not read', async () => {
    const o = { token: T.admin };
    await refused('POST', path, 400, act(server, 'migrate', { host: 1 }, { ...o, version: '2.56' }), 'badRequest', "Invalid input for field/attribute host. Value: 1. 1 is not of type 'string', 'null'");
    await refused('POST', path, 400, act(server, 'migrate', { hosts: 'a' }, { ...o, version: '2.56' }), 'badRequest', /\('hosts' was unexpected\)$/);
    await refused('POST', path, 400, act(server, 'migrate', [], { ...o, version: '2.56' }), 'badRequest', /\[\] is not of type 'object', 'null'$/);
    // 2.55: anything goes to the server lookup
    await refused('POST', path, 404, act(server, 'migrate', { hosts: 'a' }, { ...o, version: '2.55' }), 'itemNotFound', `Instance ${server} could not be found.`);
  });

  it('evacuate: onSharedStorage required below 2.14 and refused from it; force 2.29–2.67 with a host', async () => {
    const o = { token: T.admin };
    await refused('POST', path, 400, act(server, 'evacuate', {}, o), 'badRequest', "Invalid input for field/attribute evacuate. Value: {}. 'onSharedStorage' is a required property");
    await refused('POST', path, 400, act(server, 'evacuate', { onSharedStorage: 'maybe' }, o), 'badRequest', /'maybe' is not one of/);
    await refused('POST', path, 400, act(server, 'evacuate', { onSharedStorage: false }, { ...o, version: '2.14' }), 'badRequest', /\('onSharedStorage' was unexpected\)$/);
    await refused('POST', path, 400, act(server, 'evacuate', { force: true }, { ...o, version: '2.28' }), 'badRequest', /\('force' was unexpected\)$/);
    await refused('POST', path, 400, act(server, 'evacuate', { force: true }, { ...o, version: '2.29' }), 'badRequest', "Can't force to a non-provided destination");
    await refused('POST', path, 400, act(server, 'evacuate', { force: false }, { ...o, version: '2.68' }), 'badRequest', /\('force' was unexpected\)$/);
    await refused('POST', path, 400, act(server, 'evacuate', { adminPass: 5 }, { ...o, version: '2.68' }), 'badRequest', "Invalid input for field/attribute adminPass. Value: 5. 5 is not of type 'string'");
    await refused('POST', path, 404, act(server, 'evacuate', {}, { ...o, version: '2.68' }), 'itemNotFound', `Instance ${server} could not be found.`);
  });

  it('unshelve: 2.77–2.90 a zone (a name) required in an object, or null; 2.91 one of {availability_zone, host} or null', async () => {
    await refused('POST', path, 400, act(server, 'unshelve', {}, { version: '2.77' }), 'badRequest', "Invalid input for field/attribute unshelve. Value: {}. 'availability_zone' is a required property");
    await refused('POST', path, 400, act(server, 'unshelve', { availability_zone: null }, { version: '2.90' }), 'badRequest', "Invalid input for field/attribute availability_zone. Value: None. None is not of type 'string'");
    await refused('POST', path, 400, act(server, 'unshelve', { availability_zone: ' nova' }, { version: '2.77' }), 'badRequest', /^An invalid 'name' value was provided/);
    await refused('POST', path, 400, act(server, 'unshelve', { availability_zone: 'nova', host: 'h' }, { version: '2.77' }), 'badRequest', /\('host' was unexpected\)$/);
    await refused('POST', path, 400, act(server, 'unshelve', { host: 1 }, { version: '2.91' }), 'badRequest', "Invalid input for field/attribute unshelve. Value: {'host': 1}. {'host': 1} is not valid under any of the given schemas");
    await refused('POST', path, 400, act(server, 'unshelve', 'x', { version: '2.91' }), 'badRequest', /'x' is not valid under any of the given schemas$/);
    // below 2.77 the body is not read
    await refused('POST', path, 404, act(server, 'unshelve', { anything: [1] }, { version: '2.76' }), 'itemNotFound', `Instance ${server} could not be found.`);
  });

  it('any body value a schema refuses is a 400 naming a field, never a 500, and changes nothing (seed 1515)', async () => {
    const values = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 8 }), fc.array(fc.integer(), { maxLength: 2 }),
      fc.dictionary(fc.constantFrom('host', 'block_migration', 'force', 'disk_over_commit', 'onSharedStorage', 'adminPass', 'availability_zone', '__proto__', 'x'), fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 4 })), { maxKeys: 4 }));
    const actions = fc.constantFrom('os-migrateLive', 'evacuate', 'unshelve', 'migrate');
    const versions = fc.constantFrom('2.1', '2.14', '2.24', '2.25', '2.29', '2.30', '2.56', '2.67', '2.68', '2.77', '2.90', '2.91', '2.93');
    await fc.assert(
      fc.asyncProperty(actions, values, versions, async (name, value, version) => {
        const before = cloud.state;
        const a = await call('POST', path, { token: T.admin, version, body: { [name]: value } });
        expect([400, 404], a.text).toContain(a.status);
        expect(cloud.state).toBe(before);
      }),
      { seed: 1515, numRuns: 150 },
    );
  });
});

// ---------------------------------------------------------------------------- moves through the library

describe('resize, confirm, revert', () => {
  it('resize 202 → VERIFY_RESIZE on the new flavor; confirmResize 204 → ACTIVE; the action log has both', async () => {
    const id = await boot();
    const a = await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'resize', { flavorRef: '2' }));
    expect(a.text).toBe('');
    let s = await show(id);
    expect([s.status, s.flavor.original_name]).toEqual(['VERIFY_RESIZE', 'm1.small']);
    const c = await ok('POST', `/v2.1/servers/${id}/action`, 204, act(id, 'confirmResize', null));
    expect(c.text).toBe('');
    s = await show(id);
    expect([s.status, s.flavor.original_name]).toEqual(['ACTIVE', 'm1.small']);
    const actions = (await ok('GET', `/v2.1/servers/${id}/os-instance-actions`, 200)).body.instanceActions.map((x: Row) => x.action);
    expect(actions.slice(0, 2)).toEqual(['confirmResize', 'resize']);
    // confirming again: the state refuses it
    await refused('POST', `/v2.1/servers/${id}/action`, 409, act(id, 'confirmResize', null), 'conflictingRequest', `Cannot 'confirmResize' instance ${id} while it is in vm_state active`);
  });

  it('revertResize 202 → ACTIVE on the old flavor and host', async () => {
    const id = await boot();
    const host = (await show(id))['OS-EXT-SRV-ATTR:host'];
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'resize', { flavorRef: 2 }, { version: '2.50' }));
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'revertResize', null, { version: '2.50' }));
    const s = await show(id);
    expect([s.status, s.flavor.original_name, s['OS-EXT-SRV-ATTR:host']]).toEqual(['ACTIVE', 'm1.tiny', host]);
  });

  it("refusals: another project's server 404, the same flavor 400, a flavor that does not exist 400, a bad body 400", async () => {
    const id = await boot();
    await refused('POST', `/v2.1/servers/${id}/action`, 404, act(id, 'resize', { flavorRef: '2' }, { token: T.alt }), 'itemNotFound', `Instance ${id} could not be found.`);
    await refused('POST', `/v2.1/servers/${id}/action`, 400, act(id, 'resize', { flavorRef: '1' }), 'badRequest', 'When resizing, instances must change flavor!');
    await refused('POST', `/v2.1/servers/${id}/action`, 400, act(id, 'resize', { flavorRef: 'nope' }), 'badRequest', 'Flavor nope could not be found.');
    await refused('POST', `/v2.1/servers/${id}/action`, 400, act(id, 'resize', { flavor: '2' }), 'badRequest', /\('flavor' was unexpected\)$/);
    await refused('POST', `/v2.1/servers/${id}/action`, 409, act(id, 'revertResize', null), 'conflictingRequest', `Cannot 'revertResize' instance ${id} while it is in vm_state active`);
    await refused('POST', `/v2.1/servers/${id}/action`, 409, act(id, 'confirmResize', null), 'conflictingRequest', `Cannot 'confirmResize' instance ${id} while it is in vm_state active`);
  });
});

describe('cold and live migration', () => {
  it('migrate is the admin\'s (403 for the owner); 202 → VERIFY_RESIZE on another host; from 2.56 to a named host', async () => {
    const id = await boot();
    await refused('POST', `/v2.1/servers/${id}/action`, 403, act(id, 'migrate', null), 'forbidden', /os_compute_api:os-migrate-server:migrate/);
    const host = (await show(id))['OS-EXT-SRV-ATTR:host'];
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'migrate', null, { token: T.admin }));
    let s = await show(id);
    expect(s.status).toBe('VERIFY_RESIZE');
    expect(s['OS-EXT-SRV-ATTR:host']).not.toBe(host);
    await ok('POST', `/v2.1/servers/${id}/action`, 204, act(id, 'confirmResize', null, { token: T.admin }));
    const now = (await show(id))['OS-EXT-SRV-ATTR:host'] as string;
    const target = otherHost(now);
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'migrate', { host: target }, { token: T.admin, version: '2.56' }));
    s = await show(id);
    expect([s.status, s['OS-EXT-SRV-ATTR:host']]).toEqual(['VERIFY_RESIZE', target]);
    await refused('POST', `/v2.1/servers/${id}/action`, 409, act(id, 'migrate', { host: now }, { token: T.admin, version: '2.56' }), 'conflictingRequest', /Cannot 'migrate' instance/);
  });

  it('os-migrateLive at 2.30 with a host and force, at 2.93 with block_migration auto and the scheduler: 202, ACTIVE on another host', async () => {
    const id = await boot();
    const host = (await show(id))['OS-EXT-SRV-ATTR:host'] as string;
    const target = otherHost(host);
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'os-migrateLive', { host: target, block_migration: 'auto', force: true }, { token: T.admin, version: '2.30' }));
    let s = await show(id);
    expect([s.status, s['OS-EXT-SRV-ATTR:host']]).toEqual(['ACTIVE', target]);
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'os-migrateLive', { host: null, block_migration: 'auto' }, { token: T.admin, version: '2.93' }));
    s = await show(id);
    expect(s.status).toBe('ACTIVE');
    expect(s['OS-EXT-SRV-ATTR:host']).not.toBe(target);
    await refused('POST', `/v2.1/servers/${id}/action`, 403, act(id, 'os-migrateLive', { host: null, block_migration: 'auto' }, { version: '2.93' }), 'forbidden', /migrate_live/);
  });

  it('before 2.34 the conductor is waited for: a live migration to the server\'s own host is a 400 with its message; from 2.34 a 202', async () => {
    const id = await boot();
    const host = (await show(id))['OS-EXT-SRV-ATTR:host'] as string;
    const a = await call('POST', `/v2.1/servers/${id}/action`, act(id, 'os-migrateLive', { host, block_migration: false, disk_over_commit: false }, { token: T.admin, version: '2.1' }));
    expect(a.status, a.text).toBe(400);
    expect(a.body.badRequest.message).toBe(`Unable to migrate instance (${id}) to current host (${host}).`);
    const b = await call('POST', `/v2.1/servers/${id}/action`, act(id, 'os-migrateLive', { host, block_migration: 'auto', force: true }, { token: T.admin, version: '2.34' }));
    expect(b.status, b.text).toBe(202);
    const migrations = (await ok('GET', `/v2.1/os-migrations?instance_uuid=${id}`, 200, { token: T.admin, version: '2.23' })).body.migrations as Row[];
    expect(migrations.map((m) => [m.migration_type, m.status])).toEqual([['live-migration', 'error'], ['live-migration', 'error']]);
  });
});

describe('os-migrations and server migrations', () => {
  it('the view by microversion: 2.1 without migration_type, 2.23 with it, 2.59 uuid and paging, 2.80 user and project', async () => {
    const a = await boot('a');
    const b = await boot('b');
    for (const id of [a, b]) await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'migrate', null, { token: T.admin }));
    const v21 = (await ok('GET', '/v2.1/os-migrations?whatever=1', 200, { token: T.admin })).body;
    expect(Object.keys(v21)).toEqual(['migrations']);
    expect(v21.migrations).toHaveLength(2);
    const m = v21.migrations[0] as Row;
    for (const k of ['id', 'source_compute', 'dest_compute', 'source_node', 'dest_node', 'dest_host', 'old_instance_type_id', 'new_instance_type_id', 'instance_uuid', 'status', 'created_at', 'updated_at']) expect(m).toHaveProperty([k]);
    for (const k of ['migration_type', 'uuid', 'user_id', 'project_id', 'links', 'memory_total', 'hidden']) expect(m).not.toHaveProperty([k]);
    // below 2.59 the database's order
    expect(v21.migrations.map((x: Row) => x.instance_uuid)).toEqual([a, b]);
    const v223 = (await ok('GET', '/v2.1/os-migrations', 200, { token: T.admin, version: '2.23' })).body.migrations as Row[];
    expect(v223[0]).toHaveProperty(['migration_type'], 'migration');
    expect(v223[0]).not.toHaveProperty(['links']);
    const page = (await ok('GET', '/v2.1/os-migrations?limit=1', 200, { token: T.admin, version: '2.59' })).body;
    expect(page.migrations).toHaveLength(1);
    expect(page.migrations[0].instance_uuid).toBe(b);
    expect(page.migrations[0].uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(page.migrations_links[0].href).toBe(`${BASE}/v2.1/os-migrations?limit=1&marker=${page.migrations[0].uuid}`);
    const v280 = (await ok('GET', `/v2.1/os-migrations?instance_uuid=${a}`, 200, { token: T.admin, version: '2.80' })).body.migrations as Row[];
    expect(v280.map((x) => x.instance_uuid)).toEqual([a]);
    expect(v280[0]?.user_id).toEqual(expect.any(String));
    expect(v280[0]?.project_id).toEqual(expect.any(String));
    await refused('GET', '/v2.1/os-migrations', 403, { version: '2.80' }, 'forbidden', /os-migrations:index/);
  });

  it('server migrations (admin): no live migration in progress lists nothing; show, abort and force_complete of a cold migration refused', async () => {
    const id = await boot();
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'migrate', null, { token: T.admin }));
    const mid = ((await ok('GET', `/v2.1/os-migrations?instance_uuid=${id}`, 200, { token: T.admin })).body.migrations[0] as Row).id as number;
    expect((await ok('GET', `/v2.1/servers/${id}/migrations`, 200, { token: T.admin, version: '2.23' })).body).toEqual({ migrations: [] });
    await refused('GET', `/v2.1/servers/${id}/migrations/${mid}`, 404, { token: T.admin, version: '2.23' }, 'itemNotFound', `Migration ${mid} for server ${id} is not live-migration.`);
    await refused('GET', `/v2.1/servers/${id}/migrations`, 403, { version: '2.23' }, 'forbidden', /servers:migrations:index/);
    await refused('DELETE', `/v2.1/servers/${id}/migrations/${mid}`, 409, { token: T.admin, version: '2.24' }, 'conflictingRequest', /abort live migration/);
    await refused('POST', `/v2.1/servers/${id}/migrations/${mid}/action`, 409, { token: T.admin, version: '2.22', body: { force_complete: null } }, 'conflictingRequest', /force_complete/);
  });
});

describe('shelve, unshelve, evacuate', () => {
  it('shelve 202 → SHELVED_OFFLOADED (shelved_offload_time 0); unshelve 202 → ACTIVE; at 2.77 into a zone', async () => {
    const id = await boot();
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'shelve', null));
    expect((await show(id)).status).toBe('SHELVED_OFFLOADED');
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'unshelve', null));
    expect((await show(id)).status).toBe('ACTIVE');
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'shelve', null, { version: '2.77' }));
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'unshelve', { availability_zone: 'nova' }, { version: '2.77' }));
    const s = await show(id);
    expect([s.status, s['OS-EXT-AZ:availability_zone']]).toEqual(['ACTIVE', 'nova']);
    await refused('POST', `/v2.1/servers/${id}/action`, 409, act(id, 'unshelve', null), 'conflictingRequest', /Cannot 'unshelve' instance/);
    await refused('POST', `/v2.1/servers/${id}/action`, 403, act(id, 'shelveOffload', null), 'forbidden', /shelve_offload/);
  });

  it('unshelve to a host (2.91, admin) after an offload', async () => {
    const id = await boot();
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'shelve', null));
    const target = computeHosts()[1] as string;
    await ok('POST', `/v2.1/servers/${id}/action`, 202, act(id, 'unshelve', { host: target }, { version: '2.91', token: T.admin }));
    const s = await show(id);
    expect([s.status, s['OS-EXT-SRV-ATTR:host']]).toEqual(['ACTIVE', target]);
  });

  it('evacuate (200): refused while the host is up; once its nova-compute is forced down, {adminPass} below 2.14, nothing from it', async () => {
    const id = await boot();
    const host = (await show(id))['OS-EXT-SRV-ATTR:host'] as string;
    await refused('POST', `/v2.1/servers/${id}/action`, 403, act(id, 'evacuate', {}, { version: '2.68' }), 'forbidden', /evacuate/);
    await refused('POST', `/v2.1/servers/${id}/action`, 400, act(id, 'evacuate', {}, { version: '2.68', token: T.admin }), 'badRequest', /is still in use/);
    const service = cloud.admin.compute.listComputeServices({ binary: 'nova-compute', host })[0] as { id: string | number };
    cloud.admin.compute.updateComputeService(String(service.id), { forced_down: true });
    const a = await ok('POST', `/v2.1/servers/${id}/action`, 200, act(id, 'evacuate', { onSharedStorage: false }, { token: T.admin }));
    expect(a.body).toEqual({ adminPass: expect.any(String) });
    let s = await show(id);
    expect(s['OS-EXT-SRV-ATTR:host']).not.toBe(host);
    expect(s.status).toBe('ACTIVE');
    // again from the new host's point of view it is up: refused; then a second server at 2.14 answers nothing
    const id2 = await boot('vm2');
    const host2 = (await show(id2))['OS-EXT-SRV-ATTR:host'] as string;
    const service2 = cloud.admin.compute.listComputeServices({ binary: 'nova-compute', host: host2 })[0] as { id: string | number };
    cloud.admin.compute.updateComputeService(String(service2.id), { forced_down: true });
    const b = await ok('POST', `/v2.1/servers/${id2}/action`, 200, act(id2, 'evacuate', {}, { token: T.admin, version: '2.14' }));
    expect(b.text).toBe('');
    s = await show(id2);
    expect(s['OS-EXT-SRV-ATTR:host']).not.toBe(host2);
  });
});

describe('a live migration in progress (progression: clock)', () => {
  it('listed and shown by the server migrations API, linked from os-migrations (2.23); aborting it below 2.65 only when running', async () => {
    const slow = createCloud({ seed: 15, preset: 'devstack', progression: 'clock', identity: { password_hash_rounds: 1 } });
    const handler = createApiHandler(slow);
    const admin = slow.admin.token;
    const demo = slow.login({ username: 'demo', password: 'secret', project: 'demo' }).token;
    const req = (method: string, path: string, version: string, body?: unknown, token = admin): Promise<Answer> =>
      send(handler, method, `${BASE}${path}`, { token, headers: { 'OpenStack-API-Version': `compute ${version}` }, ...(body === undefined ? {} : { body }) });
    const created = await req('POST', '/v2.1/servers', '2.37', { server: { name: 'slow', flavorRef: '1', imageRef: image, networks: 'auto' } }, demo);
    expect(created.status, created.text).toBe(202);
    const id = created.body.server.id as string;
    for (let i = 0; i < 60 && (await req('GET', `/v2.1/servers/${id}`, '2.1')).body.server.status !== 'ACTIVE'; i++) slow.clock.advance(5);
    const moved = await req('POST', `/v2.1/servers/${id}/action`, '2.93', { 'os-migrateLive': { host: null, block_migration: 'auto' } });
    expect(moved.status, moved.text).toBe(202);
    expect((await req('GET', `/v2.1/servers/${id}`, '2.1')).body.server.status).toBe('MIGRATING');
    // `accepted` while the conductor has not run: not in progress yet
    let listed = (await req('GET', `/v2.1/servers/${id}/migrations`, '2.23')).body.migrations as Row[];
    for (let i = 0; i < 20 && listed.length === 0; i++) {
      slow.clock.advance(0.5);
      listed = (await req('GET', `/v2.1/servers/${id}/migrations`, '2.23')).body.migrations as Row[];
    }
    expect(listed).toHaveLength(1);
    const m = listed[0] as Row;
    expect(m.server_uuid).toBe(id);
    expect(m).not.toHaveProperty(['uuid']);
    expect((await req('GET', `/v2.1/servers/${id}/migrations/${m.id}`, '2.80')).body.migration).toMatchObject({ id: m.id, uuid: expect.any(String), user_id: expect.any(String) });
    const all = (await req('GET', '/v2.1/os-migrations', '2.23')).body.migrations as Row[];
    expect(all[0]?.links).toEqual([
      { rel: 'self', href: `${BASE}/v2.1/servers/${id}/migrations/${m.id}` },
      { rel: 'bookmark', href: `${BASE}/servers/${id}/migrations/${m.id}` },
    ]);
    if (m.status === 'queued' || m.status === 'preparing') {
      const before = slow.state;
      const old = await req('DELETE', `/v2.1/servers/${id}/migrations/${m.id}`, '2.24');
      expect(old.status, old.text).toBe(400);
      expect(old.body.badRequest.message).toBe(`Migration ${m.id} state of instance ${id} is ${m.status}. Cannot abort live migration while the migration is in this state.`);
      expect(slow.state).toBe(before);
    }
    const aborted = await req('DELETE', `/v2.1/servers/${id}/migrations/${m.id}`, '2.65');
    expect(aborted.status, aborted.text).toBe(202);
  });
});
