/**
 * Placement over REST (`/placement`, microversions 1.0 – 1.39), through `createApiHandler` with no
 * sockets: the version document, microversion negotiation and its faults, each route's shapes at
 * the microversions where Zed's differ (links 1.1/1.6/1.11, parent and root 1.14, create's body
 * 1.20, aggregates 1.19, allocations 1.12/1.28/1.38, candidates 1.12/1.17/1.27/1.29/1.34, usages
 * 1.38), Placement's fault body (`code` from 1.23), routes absent at a microversion (404 / 405),
 * policy (403), tokens (401), bad input (400 naming the field) and that a refused call changes
 * nothing. One cloud, restored from a snapshot before each test.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type CloudSnapshot } from '../../src/index.js';
import { createApiHandler, type ApiHandler } from '../../src/api/index.js';
import { send, type Answer } from './helpers.js';

let cloud: Cloud;
let api: ApiHandler;
let snapshot: CloudSnapshot;
let sys: string;
let admin: string;
let reader: string;
let compute1: string;

const C1 = '11111111-1111-4111-8111-111111111111';
const C2 = '22222222-2222-4222-8222-222222222222';
const AGG = '33333333-3333-4333-8333-333333333333';

beforeAll(() => {
  cloud = createCloud({ seed: 11, identity: { password_hash_rounds: 1 } });
  sys = cloud.systemAdmin.token;
  admin = cloud.admin.token;
  cloud.systemAdmin.identity.createUser({ name: 'auditor', password: 'secret' });
  cloud.systemAdmin.identity.createGrant({ role: 'reader', user: 'auditor', system: 'all' });
  reader = cloud.login({ username: 'auditor', password: 'secret', system: 'all' }).token;
  compute1 = cloud.systemAdmin.placement.getResourceProvider('compute1').uuid;
  api = createApiHandler(cloud);
  snapshot = cloud.snapshot();
});

beforeEach(() => cloud.restore(snapshot));

function call(method: string, path: string, options: { version?: string; body?: unknown; raw?: string; token?: string | null; type?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.version !== undefined) headers['OpenStack-API-Version'] = `placement ${options.version}`;
  if (options.type !== undefined) headers['Content-Type'] = options.type;
  const { version: _v, type: _t, ...rest } = options;
  return send(api, method, `http://localhost/placement${path}`, { ...rest, token: options.token === undefined ? sys : options.token, headers });
}

/** The one error of a Placement fault body. */
function fault(a: Answer): Record<string, unknown> {
  expect(Object.keys(a.body)).toEqual(['errors']);
  expect(a.body.errors).toHaveLength(1);
  return a.body.errors[0] as Record<string, unknown>;
}

/** A refused call: its status, its fault, and `cloud.state` the very same object. */
async function refused(method: string, path: string, status: number, options: Parameters<typeof call>[2] = {}): Promise<Record<string, unknown>> {
  const before = cloud.state;
  const a = await call(method, path, options);
  expect(a.status, a.text).toBe(status);
  expect(cloud.state).toBe(before);
  if (status === 401) return a.body.error as Record<string, unknown>;
  const e = fault(a);
  expect(e.status).toBe(status);
  expect(String(e.request_id)).toMatch(/^req-[0-9a-f-]{36}$/);
  return e;
}

async function newProvider(name: string, inventories: Record<string, unknown> = { VCPU: { total: 8 } }): Promise<string> {
  const created = await call('POST', '/resource_providers', { version: '1.20', body: { name } });
  expect(created.status).toBe(200);
  const uuid = created.body.uuid as string;
  const put = await call('PUT', `/resource_providers/${uuid}/inventories`, { body: { resource_provider_generation: 0, inventories } });
  expect(put.status, put.text).toBe(200);
  return uuid;
}

describe('version discovery and microversions', () => {
  it('GET /placement and /placement/ answer the version document without a token', async () => {
    for (const path of ['', '/']) {
      const a = await call('GET', path, { token: null });
      expect(a.status).toBe(200);
      expect(a.body).toEqual({ versions: [{ id: 'v1.0', max_version: '1.39', min_version: '1.0', status: 'CURRENT', links: [{ rel: 'self', href: '' }] }] });
      expect(a.headers.get('openstack-api-version')).toBe('placement 1.0');
      expect(a.headers.get('x-openstack-request-id')).toMatch(/^req-/);
    }
  });

  it('negotiates: no header is 1.0, latest is 1.39, a listed version is echoed; 1.15 adds cache headers', async () => {
    expect((await call('GET', '/')).headers.get('openstack-api-version')).toBe('placement 1.0');
    const latest = await call('GET', '/', { version: 'latest' });
    expect(latest.headers.get('openstack-api-version')).toBe('placement 1.39');
    expect(latest.headers.get('cache-control')).toBe('no-cache');
    expect(latest.headers.get('last-modified')).toMatch(/GMT$/);
    expect((await call('GET', '/', { version: '1.14' })).headers.get('cache-control')).toBeNull();
  });

  it('an unknown microversion is 406 with min and max; a malformed one is 400', async () => {
    const e = await refused('GET', '/resource_providers', 406, { version: '1.40' });
    expect(e).toMatchObject({ title: 'Not Acceptable', max_version: '1.39', min_version: '1.0' });
    expect(String(e.detail)).toContain('Invalid microversion: Unacceptable version header: 1.40');
    const bad = await refused('GET', '/resource_providers', 400, { version: 'one' });
    expect(String(bad.detail)).toContain('Invalid microversion: invalid version string');
  });
});

describe('faults', () => {
  it('detail is webob\'s explanation and the message; code appears from 1.23', async () => {
    const old = await refused('GET', '/resource_providers/f0000000-0000-4000-8000-000000000000', 404, { version: '1.22' });
    expect(old.title).toBe('Not Found');
    expect(String(old.detail)).toMatch(/^The resource could not be found\.\n\n .*f0000000-0000-4000-8000-000000000000.*  $/);
    expect(old).not.toHaveProperty('code');
    const now = await refused('GET', '/resource_providers/f0000000-0000-4000-8000-000000000000', 404, { version: '1.23' });
    expect(now.code).toBe('placement.undefined_code');
    expect(Object.keys(now)).toEqual(['status', 'title', 'detail', 'code', 'request_id']);
  });

  it('no token, a garbage token: keystonemiddleware\'s 401', async () => {
    for (const token of [null, 'gAAAA-garbage']) {
      const e = await refused('GET', '/resource_providers', 401, { token });
      expect(e).toEqual({ code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' });
    }
  });

  it('a project-scoped admin is 403 (Zed\'s rules are system-scoped); a system reader may read, not write', async () => {
    const e = await refused('GET', '/resource_providers', 403, { token: admin, version: '1.23' });
    expect(e.title).toBe('Forbidden');
    expect(String(e.detail)).toContain('placement:resource_providers:list');
    expect((await call('GET', '/resource_providers', { token: reader })).status).toBe(200);
    await refused('POST', '/resource_providers', 403, { token: reader, body: { name: 'nope' } });
  });

  it('405 with Allow and Placement\'s detail; unknown paths 404', async () => {
    const a = await call('PATCH', '/resource_providers');
    expect(a.status).toBe(405);
    expect(a.headers.get('allow')).toContain('POST');
    expect(fault(a).detail).toBe('The method PATCH is not allowed for this resource. \n\n The method specified is not allowed for this resource.');
    const e = await refused('GET', '/nothing/here', 404);
    expect(e.detail).toBe('The resource could not be found.\n\n   ');
  });
});

describe('policy before the body (context.can before extract_json, as handlers/*.py)', () => {
  it('a system reader or a project-scoped admin sending a malformed body is refused by policy (403), not by the body (400)', async () => {
    const uuid = compute1;
    const writes: [string, string, string][] = [
      ['POST', '/resource_providers', '1.20'],
      ['PUT', `/resource_providers/${uuid}`, '1.20'],
      ['POST', `/resource_providers/${uuid}/inventories`, '1.20'],
      ['PUT', `/resource_providers/${uuid}/inventories`, '1.20'],
      ['PUT', `/resource_providers/${uuid}/inventories/VCPU`, '1.20'],
      ['PUT', `/resource_providers/${uuid}/aggregates`, '1.19'],
      ['PUT', `/resource_providers/${uuid}/traits`, '1.20'],
      ['POST', '/resource_classes', '1.7'],
      ['POST', '/allocations', '1.28'],
      ['PUT', '/allocations/not-a-uuid', '1.28'],
    ];
    for (const [method, path, version] of writes) {
      for (const token of [reader, admin]) {
        const e = await refused(method, path, 403, { token, version, raw: '{"broken": ' });
        expect(String(e.detail), `${method} ${path}`).toMatch(/Policy doesn't allow|not authorized|scope/i);
      }
    }
    // the system admin gets the body's 400
    expect((await call('POST', '/resource_providers', { version: '1.20', raw: '{"broken": ' })).status).toBe(400);
  });
});

describe('uuids in paths', () => {
  it('looks a provider up by uuid only, as Placement: its name in the path is a 404', async () => {
    expect((await call('GET', `/resource_providers/${compute1}`)).status).toBe(200);
    const e = await refused('GET', '/resource_providers/compute1', 404);
    expect(String(e.detail)).toContain('No resource provider with uuid compute1 found');
    await refused('DELETE', '/resource_providers/compute1', 404);
    expect(cloud.systemAdmin.placement.getResourceProvider('compute1').uuid).toBe(compute1); // the library still resolves names
  });
});

describe('resource providers', () => {
  it('list: 1.0 has three links, 1.1 aggregates, 1.6 traits, 1.11 allocations, 1.14 parent and root', async () => {
    const v10 = (await call('GET', '/resource_providers')).body.resource_providers;
    expect(v10.map((rp: { name: string }) => rp.name)).toEqual(['controller', 'compute1', 'compute2']);
    const one = v10.find((rp: { uuid: string }) => rp.uuid === compute1);
    expect(Object.keys(one)).toEqual(['uuid', 'name', 'generation', 'links']);
    expect(one.links).toEqual([
      { rel: 'self', href: `/placement/resource_providers/${compute1}` },
      { rel: 'inventories', href: `/placement/resource_providers/${compute1}/inventories` },
      { rel: 'usages', href: `/placement/resource_providers/${compute1}/usages` },
    ]);
    const rels = async (v: string): Promise<string[]> => (await call('GET', `/resource_providers/${compute1}`, { version: v })).body.links.map((l: { rel: string }) => l.rel);
    expect(await rels('1.1')).toEqual(['self', 'inventories', 'usages', 'aggregates']);
    expect(await rels('1.6')).toEqual(['self', 'inventories', 'usages', 'aggregates', 'traits']);
    expect(await rels('1.11')).toEqual(['self', 'inventories', 'usages', 'aggregates', 'traits', 'allocations']);
    const v14 = (await call('GET', `/resource_providers/${compute1}`, { version: '1.14' })).body;
    expect(v14).toMatchObject({ uuid: compute1, name: 'compute1', parent_provider_uuid: null, root_provider_uuid: compute1 });
  });

  it('filters as the microversion allows them; an unknown or too-new parameter is 400 naming it', async () => {
    const names = async (q: string, v = '1.39'): Promise<string[]> => {
      const a = await call('GET', `/resource_providers?${q}`, { version: v });
      expect(a.status, a.text).toBe(200);
      return a.body.resource_providers.map((rp: { name: string }) => rp.name);
    };
    expect(await names('name=compute1')).toEqual(['compute1']);
    expect(await names(`uuid=${compute1}`, '1.0')).toEqual(['compute1']);
    expect(await names('resources=VCPU:1,DISK_GB:1000')).toEqual(['controller']);
    expect(await names('required=!COMPUTE_NODE')).toEqual([]);
    await call('PUT', `/resource_providers/${compute1}/aggregates`, { version: '1.19', body: { aggregates: [AGG], resource_provider_generation: 2 } });
    expect(await names(`member_of=${AGG}`, '1.3')).toEqual(['compute1']);
    expect(await names(`member_of=!${AGG}`)).toEqual(['controller', 'compute2']);
    expect(String((await refused('GET', `/resource_providers?member_of=!${AGG}`, 400, { version: '1.31' })).detail)).toContain('Forbidden member_of');
    expect(String((await refused('GET', `/resource_providers?member_of=${AGG}&member_of=${AGG}`, 400, { version: '1.23' })).detail)).toContain('Multiple member_of');
    expect(String((await refused('GET', '/resource_providers?required=COMPUTE_NODE', 400, { version: '1.17' })).detail)).toContain("('required' was unexpected)");
    expect(String((await refused('GET', '/resource_providers?resources=VCPU:x', 400, { version: '1.4' })).detail)).toContain('expected positive integer amount');
    expect(String((await refused('GET', '/resource_providers?color=red', 400)).detail)).toContain("('color' was unexpected)");
    expect(String((await refused('GET', '/resource_providers?required=CUSTOM_NOPE', 400, { version: '1.18' })).detail)).toContain('CUSTOM_NOPE');
  });

  it('1.39: required=in:A,B keeps providers with any of them', async () => {
    const rp = await newProvider('placement-any');
    await call('PUT', '/traits/CUSTOM_ANY_A', { version: '1.6' });
    const gen = (await call('GET', `/resource_providers/${rp}`)).body.generation;
    expect((await call('PUT', `/resource_providers/${rp}/traits`, { version: '1.6', body: { traits: ['CUSTOM_ANY_A'], resource_provider_generation: gen } })).status).toBe(200);
    const list = await call('GET', '/resource_providers?required=in:CUSTOM_ANY_A,COMPUTE_ARCH_S390X', { version: '1.39' });
    expect(list.body.resource_providers.map((p: { name: string }) => p.name)).toEqual(['placement-any']);
    await refused('GET', '/resource_providers?required=in:CUSTOM_ANY_A,COMPUTE_ARCH_S390X', 400, { version: '1.38' });
  });

  it('create: 201 with Location and no body before 1.20, 200 with the provider from 1.20', async () => {
    const old = await call('POST', '/resource_providers', { body: { name: 'placement-old' } });
    expect(old.status).toBe(201);
    expect(old.text).toBe('');
    const uuid = /\/resource_providers\/([0-9a-f-]{36})$/.exec(old.headers.get('location') ?? '')?.[1];
    expect(old.headers.get('location')).toBe(`http://localhost/placement/resource_providers/${uuid}`);
    expect((await call('GET', `/resource_providers/${uuid}`)).body.name).toBe('placement-old');
    const neu = await call('POST', '/resource_providers', { version: '1.20', body: { name: 'placement-new', uuid: C1 } });
    expect(neu.status).toBe(200);
    expect(neu.headers.get('location')).toBe(`http://localhost/placement/resource_providers/${C1}`);
    expect(neu.body).toMatchObject({ uuid: C1, name: 'placement-new', generation: 0, parent_provider_uuid: null, root_provider_uuid: C1 });
    const child = await call('POST', '/resource_providers', { version: '1.20', body: { name: 'placement-child', parent_provider_uuid: C1 } });
    expect(child.body).toMatchObject({ parent_provider_uuid: C1, root_provider_uuid: C1 });
  });

  it('create: bad bodies are 400 naming what is wrong; a duplicate name is 409 placement.duplicate_name', async () => {
    await refused('POST', '/resource_providers', 400, { raw: '{"name": ' });
    expect(String((await refused('POST', '/resource_providers', 400, { body: ['x'] })).detail)).toContain("is not of type 'object'");
    expect(String((await refused('POST', '/resource_providers', 400, { body: {} })).detail)).toContain("'name' is a required property");
    expect(String((await refused('POST', '/resource_providers', 400, { body: { name: 'x', parent_provider_uuid: C1 }, version: '1.13' })).detail)).toContain("'parent_provider_uuid' was unexpected");
    await refused('POST', '/resource_providers', 400, { body: { name: 42 } });
    await refused('POST', '/resource_providers', 400, { body: { name: 'x', uuid: 'not-a-uuid' } });
    await refused('POST', '/resource_providers', 415, { raw: 'name=x', type: 'text/plain' });
    const dup = await refused('POST', '/resource_providers', 409, { body: { name: 'compute1' }, version: '1.23' });
    expect(dup.code).toBe('placement.duplicate_name');
  });

  it('update and delete; deleting a provider with allocations is 409 placement.resource_provider.inuse', async () => {
    const rp = await newProvider('placement-upd');
    const upd = await call('PUT', `/resource_providers/${rp}`, { version: '1.14', body: { name: 'placement-renamed' } });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ name: 'placement-renamed', generation: 2 });
    await refused('PUT', `/resource_providers/${rp}`, 400, { body: { name: 'x', parent_provider_uuid: null } });
    await call('PUT', `/allocations/${C1}`, { version: '1.28', body: { allocations: { [rp]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u', consumer_generation: null } });
    expect((await refused('DELETE', `/resource_providers/${rp}`, 409, { version: '1.23' })).code).toBe('placement.resource_provider.inuse');
    expect((await call('DELETE', `/allocations/${C1}`)).status).toBe(204);
    expect((await call('DELETE', `/resource_providers/${rp}`)).status).toBe(204);
    await refused('GET', `/resource_providers/${rp}`, 404);
  });
});

describe('inventories and usages', () => {
  it('PUT all with the generation; a stale generation is 409 placement.concurrent_update and changes nothing', async () => {
    const rp = await newProvider('placement-inv');
    const got = await call('GET', `/resource_providers/${rp}/inventories`);
    expect(got.body).toEqual({ resource_provider_generation: 1, inventories: { VCPU: { total: 8, reserved: 0, min_unit: 1, max_unit: 2147483647, step_size: 1, allocation_ratio: 1 } } });
    const e = await refused('PUT', `/resource_providers/${rp}/inventories`, 409, { version: '1.23', body: { resource_provider_generation: 0, inventories: {} } });
    expect(e.code).toBe('placement.concurrent_update');
    await refused('PUT', `/resource_providers/${rp}/inventories`, 400, { body: { resource_provider_generation: 1, inventories: { VCPU: { total: 'eight' } } } });
    await refused('PUT', `/resource_providers/${rp}/inventories`, 400, { body: { resource_provider_generation: 1, inventories: { NOT_A_CLASS: { total: 1 } } } });
    await refused('PUT', `/resource_providers/${rp}/inventories`, 400, { body: { inventories: {} } });
  });

  it('one inventory: POST 201 with Location, GET, PUT, DELETE; reserved = total only from 1.26', async () => {
    const rp = await newProvider('placement-one');
    const post = await call('POST', `/resource_providers/${rp}/inventories`, { body: { resource_class: 'DISK_GB', total: 100 } });
    expect(post.status).toBe(201);
    expect(post.headers.get('location')).toBe(`http://localhost/placement/resource_providers/${rp}/inventories/DISK_GB`);
    expect(post.body).toEqual({ total: 100, reserved: 0, min_unit: 1, max_unit: 2147483647, step_size: 1, allocation_ratio: 1, resource_provider_generation: 2 });
    expect((await call('GET', `/resource_providers/${rp}/inventories/DISK_GB`)).body.total).toBe(100);
    await refused('PUT', `/resource_providers/${rp}/inventories/DISK_GB`, 400, { version: '1.25', body: { resource_provider_generation: 2, total: 100, reserved: 100 } });
    const put = await call('PUT', `/resource_providers/${rp}/inventories/DISK_GB`, { version: '1.26', body: { resource_provider_generation: 2, total: 100, reserved: 100 } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.reserved).toBe(100);
    await refused('GET', `/resource_providers/${rp}/inventories/PCPU`, 404);
    expect((await call('DELETE', `/resource_providers/${rp}/inventories/DISK_GB`)).status).toBe(204);
  });

  it('DELETE all inventories is 405 before 1.5; an inventory in use is 409 (concurrent_update on one class, inventory.inuse on all)', async () => {
    const rp = await newProvider('placement-del');
    await refused('DELETE', `/resource_providers/${rp}/inventories`, 405, { version: '1.4' });
    await call('PUT', `/allocations/${C1}`, { version: '1.12', body: { allocations: { [rp]: { resources: { VCPU: 2 } } }, project_id: 'p', user_id: 'u' } });
    expect((await refused('DELETE', `/resource_providers/${rp}/inventories/VCPU`, 409, { version: '1.23' })).code).toBe('placement.concurrent_update');
    expect((await refused('DELETE', `/resource_providers/${rp}/inventories`, 409, { version: '1.23' })).code).toBe('placement.inventory.inuse');
    const usages = await call('GET', `/resource_providers/${rp}/usages`);
    expect(usages.body).toEqual({ resource_provider_generation: 2, usages: { VCPU: 2 } });
  });

  it('GET /usages: 404 before 1.9, flat before 1.38, by consumer type from 1.38; project_id is required', async () => {
    await call('PUT', `/allocations/${C1}`, { version: '1.12', body: { allocations: { [compute1]: { resources: { VCPU: 2, MEMORY_MB: 512 } } }, project_id: 'p', user_id: 'u' } });
    await refused('GET', '/usages?project_id=p', 404, { version: '1.8' });
    expect((await call('GET', '/usages?project_id=p', { version: '1.9' })).body).toEqual({ usages: { VCPU: 2, MEMORY_MB: 512 } });
    expect((await call('GET', '/usages?project_id=p', { version: '1.38' })).body).toEqual({ usages: { INSTANCE: { VCPU: 2, MEMORY_MB: 512, consumer_count: 1 } } });
    expect(String((await refused('GET', '/usages', 400, { version: '1.9' })).detail)).toContain("'project_id' is a required property");
    await refused('GET', '/usages?project_id=p&consumer_type=INSTANCE', 400, { version: '1.37' });
  });
});

describe('aggregates, traits, resource classes', () => {
  it('aggregates: 404 at 1.0; a bare list before 1.19 (no generation); generation and conflicts from 1.19', async () => {
    await refused('GET', `/resource_providers/${compute1}/aggregates`, 404);
    const put = await call('PUT', `/resource_providers/${compute1}/aggregates`, { version: '1.1', body: [AGG] });
    expect(put.body).toEqual({ aggregates: [AGG] });
    expect((await call('GET', `/resource_providers/${compute1}`)).body.generation).toBe(2);
    expect((await call('GET', `/resource_providers/${compute1}/aggregates`, { version: '1.19' })).body).toEqual({ aggregates: [AGG], resource_provider_generation: 2 });
    expect((await refused('PUT', `/resource_providers/${compute1}/aggregates`, 409, { version: '1.23', body: { aggregates: [], resource_provider_generation: 7 } })).code).toBe('placement.concurrent_update');
    await refused('PUT', `/resource_providers/${compute1}/aggregates`, 400, { version: '1.19', body: [AGG] });
    await refused('PUT', `/resource_providers/${compute1}/aggregates`, 400, { version: '1.1', body: ['not-a-uuid'] });
    const ok = await call('PUT', `/resource_providers/${compute1}/aggregates`, { version: '1.19', body: { aggregates: [], resource_provider_generation: 2 } });
    expect(ok.body).toEqual({ aggregates: [], resource_provider_generation: 3 });
  });

  it('traits: 404 before 1.6; filters; PUT 201 then 204; provider traits with the generation', async () => {
    await refused('GET', '/traits', 404, { version: '1.5' });
    expect((await call('PUT', '/traits/CUSTOM_REST_T', { version: '1.6' })).status).toBe(201);
    const again = await call('PUT', '/traits/CUSTOM_REST_T', { version: '1.15' });
    expect(again.status).toBe(204);
    expect(again.headers.get('location')).toBe('http://localhost/placement/traits/CUSTOM_REST_T');
    await refused('PUT', '/traits/lower_case', 400, { version: '1.6' });
    expect((await call('GET', '/traits?name=startswith:CUSTOM_', { version: '1.6' })).body).toEqual({ traits: ['CUSTOM_REST_T'] });
    expect((await call('GET', '/traits?name=in:CUSTOM_REST_T,COMPUTE_NODE,NOPE', { version: '1.6' })).body).toEqual({ traits: ['COMPUTE_NODE', 'CUSTOM_REST_T'] });
    await refused('GET', '/traits?name=CUSTOM', 400, { version: '1.6' });
    await refused('GET', '/traits?associated=maybe', 400, { version: '1.6' });
    const assoc = (await call('GET', '/traits?associated=true', { version: '1.6' })).body.traits as string[];
    expect(assoc).toContain('COMPUTE_NODE');
    expect(assoc).not.toContain('CUSTOM_REST_T');
    expect((await call('GET', '/traits/CUSTOM_REST_T', { version: '1.6' })).status).toBe(204);
    const set = await call('PUT', `/resource_providers/${compute1}/traits`, { version: '1.6', body: { traits: ['CUSTOM_REST_T'], resource_provider_generation: 2 } });
    expect(set.body).toEqual({ traits: ['CUSTOM_REST_T'], resource_provider_generation: 3 });
    expect((await call('GET', `/resource_providers/${compute1}/traits`, { version: '1.6' })).body).toEqual({ traits: ['CUSTOM_REST_T'], resource_provider_generation: 3 });
    await refused('PUT', `/resource_providers/${compute1}/traits`, 409, { version: '1.6', body: { traits: [], resource_provider_generation: 2 } });
    await refused('DELETE', '/traits/CUSTOM_REST_T', 409, { version: '1.6' });
    await refused('DELETE', '/traits/COMPUTE_NODE', 400, { version: '1.6' });
    expect((await call('DELETE', `/resource_providers/${compute1}/traits`, { version: '1.6' })).status).toBe(204);
    expect((await call('DELETE', '/traits/CUSTOM_REST_T', { version: '1.6' })).status).toBe(204);
    await refused('GET', '/traits/CUSTOM_REST_T', 404, { version: '1.6' });
  });

  it('resource classes: 404 before 1.2; list and show with links; POST 201; PUT 201/204 from 1.7; delete', async () => {
    await refused('GET', '/resource_classes', 404, { version: '1.1' });
    const list = await call('GET', '/resource_classes', { version: '1.2' });
    expect(list.body.resource_classes[0]).toEqual({ name: 'VCPU', links: [{ rel: 'self', href: '/placement/resource_classes/VCPU' }] });
    const post = await call('POST', '/resource_classes', { version: '1.2', body: { name: 'CUSTOM_REST_RC' } });
    expect(post.status).toBe(201);
    expect(post.headers.get('location')).toBe('http://localhost/placement/resource_classes/CUSTOM_REST_RC');
    await refused('POST', '/resource_classes', 409, { version: '1.2', body: { name: 'CUSTOM_REST_RC' } });
    await refused('POST', '/resource_classes', 400, { version: '1.2', body: { name: 'lower' } });
    expect((await call('GET', '/resource_classes/CUSTOM_REST_RC', { version: '1.2' })).body).toEqual({ name: 'CUSTOM_REST_RC', links: [{ rel: 'self', href: '/placement/resource_classes/CUSTOM_REST_RC' }] });
    expect((await call('PUT', '/resource_classes/CUSTOM_REST_RC', { version: '1.7' })).status).toBe(204);
    expect((await call('PUT', '/resource_classes/CUSTOM_REST_RC2', { version: '1.7' })).status).toBe(201);
    await refused('PUT', '/resource_classes/CUSTOM_REST_RC', 400, { version: '1.6', body: { name: 'CUSTOM_OTHER' } });
    await refused('DELETE', '/resource_classes/VCPU', 400, { version: '1.2' });
    expect((await call('DELETE', '/resource_classes/CUSTOM_REST_RC', { version: '1.2' })).status).toBe(204);
    await refused('GET', '/resource_classes/CUSTOM_REST_RC', 404, { version: '1.2' });
  });
});

describe('allocations', () => {
  it('PUT before 1.8 takes the list form without project or user; GET shows only allocations before 1.12', async () => {
    const put = await call('PUT', `/allocations/${C1}`, { body: { allocations: [{ resource_provider: { uuid: compute1 }, resources: { VCPU: 1 } }] } });
    expect(put.status, put.text).toBe(204);
    expect((await call('GET', `/allocations/${C1}`)).body).toEqual({ allocations: { [compute1]: { resources: { VCPU: 1 }, generation: 3 } } });
    expect((await call('GET', `/allocations/${C1}`, { version: '1.12' })).body).toMatchObject({ project_id: '00000000-0000-0000-0000-000000000000' });
    await refused('PUT', `/allocations/${C1}`, 400, { version: '1.8', body: { allocations: [{ resource_provider: { uuid: compute1 }, resources: { VCPU: 1 } }] } });
    await refused('PUT', `/allocations/${C1}`, 400, { version: '1.12', body: { allocations: [{ resource_provider: { uuid: compute1 }, resources: { VCPU: 1 } }], project_id: 'p', user_id: 'u' } });
  });

  it('1.28 needs consumer_generation (409 when stale); 1.38 shows consumer_type; provider allocations show consumer generations', async () => {
    const body = { allocations: { [compute1]: { resources: { VCPU: 2 } } }, project_id: 'p', user_id: 'u', consumer_generation: null };
    await refused('PUT', `/allocations/${C1}`, 400, { version: '1.28', body: { ...body, consumer_generation: undefined } });
    expect((await call('PUT', `/allocations/${C1}`, { version: '1.28', body })).status).toBe(204);
    expect((await refused('PUT', `/allocations/${C1}`, 409, { version: '1.28', body })).code).toBe('placement.concurrent_update');
    expect((await call('GET', `/allocations/${C1}`, { version: '1.28' })).body).toEqual({ allocations: { [compute1]: { resources: { VCPU: 2 }, generation: 3 } }, project_id: 'p', user_id: 'u', consumer_generation: 1 });
    expect((await call('GET', `/allocations/${C1}`, { version: '1.38' })).body.consumer_type).toBe('INSTANCE');
    await refused('PUT', `/allocations/${C1}`, 400, { version: '1.38', body: { ...body, consumer_generation: 1 } });
    expect((await call('GET', `/resource_providers/${compute1}/allocations`, { version: '1.28' })).body).toEqual({ allocations: { [C1]: { resources: { VCPU: 2 }, consumer_generation: 1 } }, resource_provider_generation: 3 });
    expect((await call('GET', `/resource_providers/${compute1}/allocations`)).body).toEqual({ allocations: { [C1]: { resources: { VCPU: 2 } } }, resource_provider_generation: 3 });
    // an empty dict removes the allocations from 1.28
    expect((await call('PUT', `/allocations/${C1}`, { version: '1.28', body: { ...body, allocations: {}, consumer_generation: 1 } })).status).toBe(204);
    expect((await call('GET', `/allocations/${C1}`, { version: '1.28' })).body).toEqual({ allocations: {} });
  });

  it('over capacity is 409; unknown provider and malformed consumer are 400; nothing changes', async () => {
    await refused('PUT', `/allocations/${C1}`, 409, { version: '1.12', body: { allocations: { [compute1]: { resources: { VCPU: 100000 } } }, project_id: 'p', user_id: 'u' } });
    await refused('PUT', `/allocations/${C1}`, 400, { version: '1.12', body: { allocations: { [C2]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u' } });
    await refused('PUT', '/allocations/not-a-uuid', 400, { version: '1.12', body: { allocations: {}, project_id: 'p', user_id: 'u' } });
    await refused('PUT', `/allocations/${C1}`, 400, { version: '1.12', body: { allocations: { [compute1]: { resources: { VCPU: 0 } } }, project_id: 'p', user_id: 'u' } });
    const e = await refused('DELETE', `/allocations/${C2}`, 404);
    expect(e.detail).toBe(`The resource could not be found.\n\n No allocations for consumer '${C2}'  `);
  });

  it('POST /allocations: 404 before 1.13, several consumers at once from 1.13, mappings accepted at 1.34', async () => {
    const one = { allocations: { [compute1]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u' };
    await refused('POST', '/allocations', 404, { version: '1.12', body: { [C1]: one } });
    expect((await call('POST', '/allocations', { version: '1.13', body: { [C1]: one, [C2]: one } })).status).toBe(204);
    expect((await call('GET', `/resource_providers/${compute1}/usages`)).body.usages.VCPU).toBe(2);
    await refused('POST', '/allocations', 400, { version: '1.28', body: { [C1]: one } });
    const moved = await call('POST', '/allocations', { version: '1.34', body: { [C1]: { ...one, allocations: {}, consumer_generation: 1, mappings: { '': [compute1] } } } });
    expect(moved.status, moved.text).toBe(204);
    await refused('POST', '/allocations', 400, { version: '1.13', body: {} });
  });
});

describe('allocation candidates', () => {
  const q = '/allocation_candidates?resources=VCPU:1&required=COMPUTE_NODE';
  it('404 before 1.10; the list form at 1.10 with only the requested classes', async () => {
    await refused('GET', '/allocation_candidates?resources=VCPU:1', 404, { version: '1.9' });
    const a = await call('GET', '/allocation_candidates?resources=VCPU:1', { version: '1.10' });
    expect(a.body.allocation_requests[0]).toEqual({ allocations: [{ resource_provider: { uuid: expect.any(String) }, resources: { VCPU: 1 } }] });
    const first = Object.values(a.body.provider_summaries)[0] as Record<string, unknown>;
    expect(first).toEqual({ resources: { VCPU: { capacity: 896, used: 0 } } });
  });

  it('1.12 dict requests, 1.17 traits, 1.27 every class, 1.29 parent and root, 1.34 mappings', async () => {
    const at = async (v: string): Promise<{ ar: Record<string, unknown>; ps: Record<string, unknown> }> => {
      const a = await call('GET', q, { version: v });
      expect(a.status, a.text).toBe(200);
      const ar = (a.body.allocation_requests as { allocations: object }[]).find((r) => JSON.stringify(r).includes(compute1));
      return { ar: ar as Record<string, unknown>, ps: a.body.provider_summaries[compute1] };
    };
    expect((await at('1.17')).ar).toEqual({ allocations: { [compute1]: { resources: { VCPU: 1 } } } });
    expect(Object.keys((await at('1.17')).ps)).toEqual(['resources', 'traits']);
    expect(Object.keys(((await at('1.26')).ps as { resources: object }).resources)).toEqual(['VCPU']);
    expect(Object.keys(((await at('1.27')).ps as { resources: object }).resources).sort()).toEqual(['DISK_GB', 'MEMORY_MB', 'VCPU']);
    expect((await at('1.29')).ps).toMatchObject({ parent_provider_uuid: null, root_provider_uuid: compute1 });
    expect((await at('1.34')).ar).toEqual({ allocations: { [compute1]: { resources: { VCPU: 1 } } }, mappings: { '': [compute1] } });
    await refused('GET', q, 400, { version: '1.16' });
  });

  it('limit (1.16), member_of, bad values and granular groups are 400 naming the parameter', async () => {
    expect((await call('GET', '/allocation_candidates?resources=VCPU:1&limit=1', { version: '1.16' })).body.allocation_requests).toHaveLength(1);
    await refused('GET', '/allocation_candidates?resources=VCPU:1&limit=0', 400, { version: '1.16' });
    await refused('GET', '/allocation_candidates?resources=VCPU:1&limit=1', 400, { version: '1.15' });
    await refused('GET', '/allocation_candidates', 400, { version: '1.10' });
    await refused('GET', '/allocation_candidates?resources=NOPE:1', 400, { version: '1.10' });
    await refused('GET', '/allocation_candidates?resources=VCPU:1&member_of=bad', 400, { version: '1.21' });
    expect(String((await refused('GET', '/allocation_candidates?resources1=VCPU:1&group_policy=none', 400, { version: '1.25' })).detail)).toContain('resources1');
    expect((await call('GET', `/allocation_candidates?resources=VCPU:1&member_of=in:${AGG}`, { version: '1.21' })).body.allocation_requests).toEqual([]);
    const tree = await call('GET', `/allocation_candidates?resources=VCPU:1&in_tree=${compute1}`, { version: '1.31' });
    expect(Object.keys(tree.body.provider_summaries)).toEqual([compute1]);
  });
});

describe('session API additions the routes use (session.placement)', () => {
  it('listResourceProviders({ uuid }) keeps the provider with that uuid (dashes or not); a bad uuid is 400 naming filter.uuid', () => {
    const p = cloud.systemAdmin.placement;
    expect(p.listResourceProviders({ uuid: compute1 }).map((rp) => rp.name)).toEqual(['compute1']);
    expect(p.listResourceProviders({ uuid: compute1.replace(/-/g, '') }).map((rp) => rp.name)).toEqual(['compute1']);
    expect(p.listResourceProviders({ uuid: C1 })).toEqual([]);
    expect(() => p.listResourceProviders({ uuid: 'nope' })).toThrow(expect.objectContaining({ status: 400, details: expect.objectContaining({ field: 'filter.uuid' }) }));
  });

  it('required entries `in:A,B` (1.39) ask for any of the traits, in lists and candidates', () => {
    const p = cloud.systemAdmin.placement;
    expect(p.listResourceProviders({ required: ['in:COMPUTE_ARCH_S390X,COMPUTE_NODE'] })).toHaveLength(3);
    expect(p.listResourceProviders({ required: ['in:COMPUTE_ARCH_S390X,COMPUTE_ARCH_AARCH64'] })).toEqual([]);
    expect(p.getAllocationCandidates({ resources: 'VCPU:1', required: ['in:COMPUTE_ARCH_S390X,COMPUTE_NODE'] }).allocation_requests).toHaveLength(3);
    expect(() => p.getAllocationCandidates({ resources: 'VCPU:1', required: ['in:COMPUTE_NODE,CUSTOM_NOPE'] })).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('listTraits({ name_in, associated }); bad filter types are 400 naming the filter', () => {
    const p = cloud.systemAdmin.placement;
    expect(p.listTraits({ name_in: ['COMPUTE_NODE', 'NOPE'] })).toEqual(['COMPUTE_NODE']);
    expect(p.listTraits({ associated: true })).toContain('COMPUTE_NODE');
    expect(p.listTraits({ associated: false })).not.toContain('COMPUTE_NODE');
    expect(() => p.listTraits({ associated: 'yes' as unknown as boolean })).toThrow(expect.objectContaining({ status: 400, details: expect.objectContaining({ field: 'filter.associated' }) }));
    expect(() => p.listTraits({ name_in: 'COMPUTE_NODE' as unknown as string[] })).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('setProviderAggregates without a generation (1.1) neither checks nor moves it; getAllocations shows consumer_type', () => {
    const p = cloud.systemAdmin.placement;
    const before = p.getResourceProvider(compute1).generation;
    expect(p.setProviderAggregates(compute1, { aggregates: [AGG] })).toEqual({ resource_provider_generation: before, aggregates: [AGG] });
    expect(p.setProviderAggregates(compute1, { aggregates: [], resource_provider_generation: before }).resource_provider_generation).toBe(before + 1);
    p.putAllocations(C1, { allocations: { [compute1]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u', consumer_generation: null, consumer_type: 'MIGRATION' });
    expect(p.getAllocations(C1).consumer_type).toBe('MIGRATION');
    expect(p.getProviderAllocations(compute1).allocations[C1]).toEqual({ resources: { VCPU: 1 }, consumer_generation: 1 });
  });
});
