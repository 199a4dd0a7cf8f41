/**
 * Neutron v2.0 over REST (`/networking`), through `createApiHandler` with no sockets: the
 * version document (public), the v2.0 resource list, the extensions, every collection's list /
 * create / show / update / delete with Neutron's body wrapping and status codes, list query
 * strings (repeated keys, `fields`, filters, sorting, paging with `<collection>_links`), bulk
 * creation (all or nothing), the routers' interface actions and the agent schedulers' lists,
 * quotas, and Neutron's fault body (`NeutronError`; keystonemiddleware's 401) for 400, 401, 403,
 * 404, 405 and 409. Every refusal leaves `cloud.state` the very same object. One cloud for the
 * file, restored to the same snapshot before each test.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloud, type Cloud, type CloudSnapshot } from '../../src/index.js';
import { createApiHandler, type ApiHandler } from '../../src/api/index.js';
import { send, type Answer, type Send } from './helpers.js';

const ORIGIN = 'http://127.0.0.1:9696';
const BASE = `${ORIGIN}/networking`;

let cloud: Cloud;
let api: ApiHandler;
let start: CloudSnapshot;
const T = { admin: '', demo: '', alt: '', reader: '' };
const ID = { demoProject: '', altProject: '', private: '', public: '', privateSubnet: '', publicV4Subnet: '', router1: '', pool4: '', demoDefaultSg: '' };

beforeAll(() => {
  cloud = createCloud({ seed: 11, identity: { password_hash_rounds: 1 } });
  api = createApiHandler(cloud);
  T.admin = cloud.admin.token;
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  T.demo = demo.token;
  T.alt = cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' }).token;
  T.reader = cloud.login({ username: 'demo_reader', password: 'secret', project: 'demo' }).token;
  ID.demoProject = cloud.systemAdmin.identity.getProject('demo').id;
  ID.altProject = cloud.systemAdmin.identity.getProject('alt_demo').id;
  const net = cloud.admin.network;
  ID.private = net.listNetworks({ name: 'private' })[0]!.id;
  ID.public = net.listNetworks({ name: 'public' })[0]!.id;
  ID.privateSubnet = net.listSubnets({ name: 'private-subnet' })[0]!.id;
  ID.publicV4Subnet = net.listSubnets({ network_id: ID.public, ip_version: 4 })[0]!.id;
  ID.router1 = net.listRouters({ name: 'router1' })[0]!.id;
  ID.pool4 = net.listSubnetPools({ name: 'shared-default-subnetpool-v4' })[0]!.id;
  ID.demoDefaultSg = demo.network.listSecurityGroups({ name: 'default' })[0]!.id;
  start = cloud.snapshot();
});

beforeEach(() => cloud.restore(start));

/** A request below `/networking` (demo's token unless told). */
function call(method: string, path: string, init: Send = {}): Promise<Answer> {
  return send(api, method, `${BASE}${path}`, { ...init, token: init.token === undefined ? T.demo : init.token });
}

/** A call that must succeed with `status`. */
async function ok(method: string, path: string, status: number, init: Send = {}): Promise<Answer> {
  const a = await call(method, path, init);
  expect(a.status, `${method} ${path}: ${a.text}`).toBe(status);
  expect(a.headers.get('X-Openstack-Request-Id')).toMatch(/^req-/);
  return a;
}

/** A refused call: its status, Neutron's fault body (type, message), and `cloud.state` the very same object. */
async function refused(method: string, path: string, status: number, init: Send = {}, type?: string, message?: string | RegExp): Promise<{ type: string; message: string }> {
  const before = cloud.state;
  const a = await call(method, path, init);
  expect(a.status, `${method} ${path}: ${a.text}`).toBe(status);
  expect(cloud.state).toBe(before);
  expect(a.headers.get('X-Openstack-Request-Id')).toMatch(/^req-/);
  if (method === 'HEAD') {
    expect(a.text).toBe('');
    return { type: '', message: '' };
  }
  if (status === 401) {
    expect(a.body).toEqual({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    expect(a.headers.get('WWW-Authenticate')).toMatch(/^Keystone uri=/);
    return { type: '', message: '' };
  }
  expect(Object.keys(a.body)).toEqual(['NeutronError']);
  const e = a.body.NeutronError as { type: string; message: string; detail: string };
  expect(Object.keys(e)).toEqual(['type', 'message', 'detail']);
  expect(e.detail).toBe('');
  if (type !== undefined) expect(e.type).toBe(type);
  if (message instanceof RegExp) expect(e.message).toMatch(message);
  else if (message !== undefined) expect(e.message).toBe(message);
  return e;
}

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function createNetwork(name: string, token = T.demo, extra: Row = {}): Promise<Row> {
  return (await ok('POST', '/v2.0/networks', 201, { token, body: { network: { name, ...extra } } })).body.network as Row;
}

async function createSubnet(networkId: string, cidr: string, token = T.demo, extra: Row = {}): Promise<Row> {
  return (await ok('POST', '/v2.0/subnets', 201, { token, body: { subnet: { network_id: networkId, cidr, ip_version: cidr.includes(':') ? 6 : 4, ...extra } } })).body.subnet as Row;
}

async function createPort(networkId: string, token = T.demo, extra: Row = {}): Promise<Row> {
  return (await ok('POST', '/v2.0/ports', 201, { token, body: { port: { network_id: networkId, ...extra } } })).body.port as Row;
}

describe('version document, resources and extensions', () => {
  it('GET /networking is the version document, without a token; other methods are 405', async () => {
    for (const path of ['', '/']) {
      const a = await ok('GET', path, 200, { token: null });
      expect(a.body).toEqual({ versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${BASE}/v2.0/` }] }] });
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']) await refused(method, '/', 405, { token: null }, 'HTTPMethodNotAllowed');
  });

  it('GET /v2.0/ lists the core resources; /v2.0 without the slash is 404, as pecan answers it', async () => {
    const a = await ok('GET', '/v2.0/', 200);
    expect(a.body).toEqual({
      resources: ['network', 'subnet', 'subnetpool', 'port'].map((name) => ({ name, collection: `${name}s`, links: [{ rel: 'self', href: `${BASE}/v2.0/${name}s` }] })),
    });
    await refused('GET', '/v2.0', 404, {}, 'HTTPNotFound', 'The resource could not be found.');
    await refused('GET', '/v2.0/', 401, { token: null });
  });

  it('GET /v2.0/extensions lists what the cloud answers, each as Neutron shows it; one by alias; others 404', async () => {
    const a = await ok('GET', '/v2.0/extensions', 200);
    const list = a.body.extensions as Row[];
    const aliases = list.map((e) => e.alias);
    for (const alias of ['external-net', 'router', 'extraroute', 'ext-gw-mode', 'security-group', 'binding', 'port-security', 'allowed-address-pairs', 'provider', 'rbac-policies', 'subnet_allocation', 'standard-attr-description', 'standard-attr-timestamp', 'standard-attr-revisions', 'agent', 'dhcp_agent_scheduler', 'l3_agent_scheduler', 'quotas', 'quota_details', 'default-subnetpools', 'net-mtu', 'fip-port-details', 'pagination', 'sorting', 'filter-validation']) {
      expect(aliases, alias).toContain(alias);
    }
    for (const absent of ['standard-attr-tag', 'qos', 'trunk', 'dns-integration', 'tag-ports-during-bulk-creation', 'availability_zone', 'revision-if-match']) expect(aliases).not.toContain(absent);
    expect(new Set(aliases).size).toBe(aliases.length);
    for (const e of list) {
      expect(Object.keys(e)).toEqual(['name', 'alias', 'description', 'updated', 'links']);
      expect(e.links).toEqual([]);
      expect(e.updated).toMatch(/^\d{4}-\d\d-\d{1,2}T\d\d:\d\d:\d\d-\d\d:\d\d$/);
    }
    const one = await ok('GET', '/v2.0/extensions/external-net', 200);
    expect(one.body).toEqual({ extension: { name: 'Neutron external network', alias: 'external-net', description: 'Adds external network attribute to network resource.', updated: '2013-01-14T10:00:00-00:00', links: [] } });
    await refused('GET', '/v2.0/extensions/qos', 404, {}, 'HTTPNotFound', 'Extension with alias qos does not exist');
    await refused('POST', '/v2.0/extensions', 404, { body: {} }, 'HTTPNotFound', 'The resource could not be found.');
    await refused('DELETE', '/v2.0/extensions/router', 404, {}, 'HTTPNotFound');
  });
});

describe('authentication and routing faults', () => {
  it("no token or a bad one: keystonemiddleware's 401 before anything else", async () => {
    await refused('GET', '/v2.0/networks', 401, { token: null });
    await refused('POST', '/v2.0/networks', 401, { token: 'not-a-token', body: { network: { name: 'x' } } });
    await refused('GET', '/v2.0/extensions', 401, { token: null });
  });

  it('unknown routes are 404, wrong methods 405 with Allow, HEAD is 405 (pecan), all as NeutronError', async () => {
    await refused('GET', '/v2.0/nothing', 404, {}, 'HTTPNotFound', 'The resource could not be found.');
    await refused('GET', `/v2.0/networks/${ID.private}/nothing`, 404, {}, 'HTTPNotFound');
    const patch = await call('PATCH', '/v2.0/networks', { body: {} });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('Allow')).toContain('POST');
    expect(patch.body).toEqual({ NeutronError: { type: 'HTTPMethodNotAllowed', message: 'The server could not comply with the request since it is either malformed or otherwise incorrect.', detail: '' } });
    await refused('POST', `/v2.0/networks/${ID.private}`, 405, { body: { network: {} } }, 'HTTPMethodNotAllowed');
    await refused('PUT', '/v2.0/security-group-rules/x', 405, { body: { security_group_rule: {} } }, 'HTTPMethodNotAllowed');
    await refused('POST', '/v2.0/agents', 405, { token: T.admin, body: { agent: {} } }, 'HTTPMethodNotAllowed');
    await refused('HEAD', '/v2.0/networks', 405);
    await refused('HEAD', `/v2.0/networks/${ID.private}`, 405);
  });
});

describe('networks', () => {
  it('POST 201 {network}, GET list {networks}, GET show (fields), PUT 200, DELETE 204 then 404', async () => {
    const created = await createNetwork('rest-net', T.demo, { description: 'd' });
    expect(created).toMatchObject({ name: 'rest-net', description: 'd', admin_state_up: true, status: 'ACTIVE', shared: false, 'router:external': false, mtu: 1450, subnets: [], project_id: ID.demoProject, tenant_id: ID.demoProject });
    expect(created).not.toHaveProperty('provider:network_type'); // admin only
    const list = await ok('GET', '/v2.0/networks', 200);
    expect(Object.keys(list.body)).toEqual(['networks']);
    expect((list.body.networks as Row[]).map((n) => n.name).sort()).toEqual(['private', 'public', 'rest-net']);
    const shown = await ok('GET', `/v2.0/networks/${created.id}`, 200);
    expect(shown.body).toEqual({ network: created });
    const some = await ok('GET', `/v2.0/networks/${created.id}?fields=name&fields=mtu`, 200);
    expect(some.body).toEqual({ network: { name: 'rest-net', mtu: 1450 } });
    const updated = await ok('PUT', `/v2.0/networks/${created.id}`, 200, { body: { network: { name: 'renamed', admin_state_up: false } } });
    expect(updated.body.network).toMatchObject({ id: created.id, name: 'renamed', admin_state_up: false });
    const admin = await ok('GET', `/v2.0/networks/${created.id}`, 200, { token: T.admin });
    expect(admin.body.network).toMatchObject({ 'provider:network_type': 'vxlan' });
    const del = await ok('DELETE', `/v2.0/networks/${created.id}`, 204);
    expect(del.text).toBe('');
    await refused('GET', `/v2.0/networks/${created.id}`, 404, {}, 'NetworkNotFound', `Network ${created.id} could not be found.`);
  });

  it('a path id is an id only: a name in the path is 404 (NetworkNotFound)', async () => {
    await refused('GET', '/v2.0/networks/private', 404, {}, 'NetworkNotFound', 'Network private could not be found.');
    await refused('DELETE', '/v2.0/networks/private', 404, {}, 'NetworkNotFound');
  });

  it("another project's network is 404 before policy (not 403); an admin-only attribute is 403", async () => {
    await refused('GET', `/v2.0/networks/${ID.private}`, 404, { token: T.alt }, 'NetworkNotFound');
    await refused('PUT', `/v2.0/networks/${ID.private}`, 404, { token: T.alt, body: { network: { name: 'x' } } }, 'NetworkNotFound');
    await refused('DELETE', `/v2.0/networks/${ID.private}`, 404, { token: T.alt }, 'NetworkNotFound');
    await refused('POST', '/v2.0/networks', 403, { body: { network: { name: 'x', shared: true } } }, 'PolicyNotAuthorized', /create_network:shared/);
    await refused('POST', '/v2.0/networks', 403, { token: T.reader, body: { network: { name: 'x' } } }, 'PolicyNotAuthorized');
  });

  it("request bodies as Neutron reads them: each malformed shape is its 400, nothing changes", async () => {
    const unable = "Unable to find 'network' in request body";
    await refused('POST', '/v2.0/networks', 400, {}, 'HTTPBadRequest', unable);
    await refused('POST', '/v2.0/networks', 400, { body: {} }, 'HTTPBadRequest', unable);
    await refused('POST', '/v2.0/networks', 400, { body: { port: {} } }, 'HTTPBadRequest', unable);
    await refused('POST', '/v2.0/networks', 400, { raw: '{"network": ' }, 'HTTPBadRequest', 'Body contains invalid data');
    await refused('POST', '/v2.0/networks', 400, { body: [{ network: {} }] }, 'HTTPBadRequest', 'Body contains invalid data');
    await refused('POST', '/v2.0/networks', 400, { body: { network: 5 } }, 'HTTPBadRequest', "Object 'network' contains invalid data");
    await refused('POST', '/v2.0/networks', 400, { body: { network: { name: 'x', colour: 'red' } } }, 'HTTPBadRequest', "Unrecognized attribute(s) 'colour'");
    await refused('POST', '/v2.0/networks', 400, { body: { network: { name: 'x', admin_state_up: 'maybe' } } }, undefined, /admin_state_up/);
    await refused('PUT', `/v2.0/networks/${ID.private}`, 400, {}, 'HTTPBadRequest', unable);
    await refused('PUT', `/v2.0/networks/${ID.private}`, 400, { body: { networks: [{ name: 'x' }] } }, 'HTTPBadRequest', 'Bulk operation not supported');
    await refused('DELETE', `/v2.0/networks/${ID.private}`, 400, { body: { network: {} } }, 'HTTPBadRequest', 'Request body is not supported in DELETE.');
  });

  it('DELETE of a network with ports is 409 NetworkInUse', async () => {
    const net = await createNetwork('busy');
    await createSubnet(net.id, '10.77.0.0/24');
    await createPort(net.id);
    await refused('DELETE', `/v2.0/networks/${net.id}`, 409, {}, 'NetworkInUse', `Unable to complete operation on network ${net.id}. There are one or more ports still in use on the network.`);
  });
});

describe('list query strings', () => {
  it('repeated keys are lists (?id=a&id=b), fields cut each item, a filter on no attribute is 400', async () => {
    const both = await ok('GET', `/v2.0/networks?id=${ID.private}&id=${ID.public}&fields=id&fields=name`, 200);
    expect((both.body.networks as Row[]).sort((a, b) => a.name.localeCompare(b.name))).toEqual([{ id: ID.private, name: 'private' }, { id: ID.public, name: 'public' }]);
    // Zed's secure defaults show router:external of another project's network to admins only
    const one = await ok('GET', '/v2.0/networks?name=public&fields=router:external', 200, { token: T.admin });
    expect(one.body.networks).toEqual([{ 'router:external': true }]);
    const external = await ok('GET', '/v2.0/networks?router%3Aexternal=True&fields=name', 200);
    expect(external.body.networks).toEqual([{ name: 'public' }]);
    await refused('GET', '/v2.0/networks?colour=red', 400, {}, undefined, /colour/);
    await refused('GET', '/v2.0/networks?sort_key=name&sort_dir=sideways', 400, {}, undefined, /sort_dir/);
  });

  it('ports filter fixed_ips=ip_address%3D…', async () => {
    const port = await createPort(ID.private);
    const ip = port.fixed_ips[0].ip_address as string;
    const a = await ok('GET', `/v2.0/ports?fixed_ips=ip_address%3D${encodeURIComponent(ip)}&fields=id`, 200);
    expect(a.body.ports).toEqual([{ id: port.id }]);
    const b = await ok('GET', `/v2.0/ports?fixed_ips=subnet_id%3D${ID.privateSubnet}&fixed_ips=ip_address%3D${encodeURIComponent(ip)}&fields=id`, 200);
    expect(b.body.ports).toEqual([{ id: port.id }]);
  });

  it('sorting and paging: limit gives networks_links (next, previous) that walk the whole sorted list', async () => {
    for (const name of ['n-c', 'n-a', 'n-b']) await createNetwork(name);
    const all = (await ok('GET', '/v2.0/networks?sort_key=name&sort_dir=asc&fields=name', 200)).body.networks as Row[];
    expect(all.map((n) => n.name)).toEqual(['n-a', 'n-b', 'n-c', 'private', 'public']);
    expect((await ok('GET', '/v2.0/networks?sort_key=name&sort_dir=desc&fields=name', 200)).body.networks.map((n: Row) => n.name)).toEqual(['public', 'private', 'n-c', 'n-b', 'n-a']);

    const first = await ok('GET', '/v2.0/networks?sort_key=name&sort_dir=asc&limit=2&fields=name', 200);
    expect(first.body.networks).toEqual([{ name: 'n-a' }, { name: 'n-b' }]); // id asked for paging, then cut
    const links = first.body.networks_links as { rel: string; href: string }[];
    expect(links.map((l) => l.rel)).toEqual(['next', 'previous']);
    const nB = (await ok('GET', '/v2.0/networks?name=n-b', 200)).body.networks[0].id as string;
    const nA = (await ok('GET', '/v2.0/networks?name=n-a', 200)).body.networks[0].id as string;
    expect(links[0]!.href).toBe(`${BASE}/v2.0/networks?sort_key=name&sort_dir=asc&limit=2&fields=name&marker=${nB}`);
    expect(links[1]!.href).toBe(`${BASE}/v2.0/networks?sort_key=name&sort_dir=asc&limit=2&fields=name&marker=${nA}&page_reverse=True`);

    const seen: string[] = [];
    let url: string | undefined = `${BASE}/v2.0/networks?sort_key=name&sort_dir=asc&limit=2`;
    for (let i = 0; url !== undefined && i < 10; i++) {
      const page = await send(api, 'GET', url, { token: T.demo });
      expect(page.status).toBe(200);
      seen.push(...(page.body.networks as Row[]).map((n) => n.name as string));
      url = (page.body.networks_links as { rel: string; href: string }[] | undefined)?.find((l) => l.rel === 'next')?.href;
    }
    expect(seen).toEqual(['n-a', 'n-b', 'n-c', 'private', 'public']);
    expect(url).toBeUndefined(); // the last (short) page has no next link

    const reverse = await ok('GET', `/v2.0/networks?sort_key=name&sort_dir=asc&limit=2&marker=${nB}&page_reverse=True&fields=name`, 200);
    expect(reverse.body.networks).toEqual([{ name: 'n-a' }]);
    expect((reverse.body.networks_links as Row[]).map((l) => l.rel)).toEqual(['next']);
    expect((await ok('GET', '/v2.0/networks?limit=0', 200)).body).not.toHaveProperty('networks_links');
    expect((await ok('GET', '/v2.0/networks', 200)).body).not.toHaveProperty('networks_links');
    await refused('GET', '/v2.0/networks?limit=-1', 400, {}, undefined, /Limit must be an integer 0 or greater and not '-1'/);
    await refused('GET', '/v2.0/networks?limit=1&marker=00000000-0000-4000-8000-000000000000', 404, {}, 'NetworkNotFound');
  });
});

describe('bulk create', () => {
  it('{"networks": [...]} creates each (wrapped or not) in one commit: 201 {networks}', async () => {
    const a = await ok('POST', '/v2.0/networks', 201, { body: { networks: [{ name: 'bulk-a' }, { network: { name: 'bulk-b' } }] } });
    expect(Object.keys(a.body)).toEqual(['networks']);
    expect((a.body.networks as Row[]).map((n) => n.name)).toEqual(['bulk-a', 'bulk-b']);
    const listed = (await ok('GET', '/v2.0/networks?name=bulk-a&name=bulk-b&fields=name', 200)).body.networks as Row[];
    expect(listed).toHaveLength(2);
  });

  it('all or nothing: one bad item refuses the whole request and nothing is created', async () => {
    await refused('POST', '/v2.0/networks', 400, { body: { networks: [{ name: 'ok' }, { name: 'bad', colour: 'red' }] } }, 'HTTPBadRequest', "Unrecognized attribute(s) 'colour'");
    const port = await createPort(ID.private);
    const ip = port.fixed_ips[0].ip_address as string;
    await refused('POST', '/v2.0/ports', 409, { body: { ports: [{ network_id: ID.private }, { network_id: ID.private, fixed_ips: [{ ip_address: ip }] }] } }, 'IpAddressAlreadyAllocated');
    await refused('POST', '/v2.0/networks', 400, { body: { networks: [] } }, 'HTTPBadRequest', 'Resources required');
    await refused('POST', '/v2.0/networks', 400, { body: { networks: [5] } }, 'HTTPBadRequest', "Object 'network' contains invalid data");
    // prepare_request_body looks for resource + 's': 'rbac_policys'
    await refused('POST', '/v2.0/rbac-policies', 400, { body: { rbac_policies: [] } }, 'HTTPBadRequest', "Unable to find 'rbac_policy' in request body");
  });

  it('security group rules in bulk', async () => {
    const sg = (await ok('POST', '/v2.0/security-groups', 201, { body: { security_group: { name: 'bulk-sg' } } })).body.security_group as Row;
    const a = await ok('POST', '/v2.0/security-group-rules', 201, { body: { security_group_rules: [22, 80].map((p) => ({ security_group_id: sg.id, direction: 'ingress', protocol: 'tcp', port_range_min: p, port_range_max: p })) } });
    expect((a.body.security_group_rules as Row[]).map((r) => r.port_range_min)).toEqual([22, 80]);
  });
});

describe('subnets and subnet pools', () => {
  it('subnet from a cidr and (on another network) from a pool; show, update, delete; an overlap is 400', async () => {
    const net = await createNetwork('sn');
    const s1 = await createSubnet(net.id, '10.9.0.0/24', T.demo, { name: 's1' });
    expect(s1).toMatchObject({ cidr: '10.9.0.0/24', gateway_ip: '10.9.0.1', allocation_pools: [{ start: '10.9.0.2', end: '10.9.0.254' }], ip_version: 4, enable_dhcp: true, network_id: net.id });
    const poolNet = await createNetwork('pool-net');
    const s2 = (await ok('POST', '/v2.0/subnets', 201, { body: { subnet: { network_id: poolNet.id, subnetpool_id: ID.pool4, ip_version: 4, name: 's2' } } })).body.subnet as Row;
    expect(s2.subnetpool_id).toBe(ID.pool4);
    expect(s2.cidr).toMatch(/^10\.0\.[0-3]\.\d+\/26$/);
    expect((await ok('GET', `/v2.0/subnets/${s1.id}`, 200)).body).toEqual({ subnet: s1 });
    expect((await ok('PUT', `/v2.0/subnets/${s1.id}`, 200, { body: { subnet: { name: 's1b', dns_nameservers: ['8.8.8.8'] } } })).body.subnet).toMatchObject({ name: 's1b', dns_nameservers: ['8.8.8.8'] });
    const e = await refused('POST', '/v2.0/subnets', 400, { body: { subnet: { network_id: net.id, cidr: '10.9.0.128/25', ip_version: 4 } } });
    expect(e.message).toMatch(/overlaps/);
    await refused('PUT', `/v2.0/subnets/${s1.id}`, 400, { body: { subnet: { cidr: '10.1.0.0/24' } } }, 'HTTPBadRequest', 'Cannot update read-only attribute cidr');
    await ok('DELETE', `/v2.0/subnets/${s1.id}`, 204);
    await refused('GET', `/v2.0/subnets/${s1.id}`, 404, {}, 'SubnetNotFound');
    expect((await ok('GET', `/v2.0/networks/${net.id}?fields=subnets`, 200)).body.network.subnets).toEqual([]);
    expect((await ok('GET', `/v2.0/networks/${poolNet.id}?fields=subnets`, 200)).body.network.subnets).toEqual([s2.id]);
  });

  it('subnet pools: list, show, create, update, delete', async () => {
    const listed = (await ok('GET', '/v2.0/subnetpools?fields=name', 200)).body.subnetpools as Row[];
    expect(listed.map((p) => p.name)).toContain('shared-default-subnetpool-v4');
    expect((await ok('GET', `/v2.0/subnetpools/${ID.pool4}`, 200)).body.subnetpool).toMatchObject({ id: ID.pool4, prefixes: ['10.0.0.0/22'], is_default: true, shared: true });
    const made = (await ok('POST', '/v2.0/subnetpools', 201, { body: { subnetpool: { name: 'mine', prefixes: ['192.168.0.0/16'], default_prefixlen: 24 } } })).body.subnetpool as Row;
    expect(made).toMatchObject({ name: 'mine', prefixes: ['192.168.0.0/16'], ip_version: 4 });
    expect((await ok('PUT', `/v2.0/subnetpools/${made.id}`, 200, { body: { subnetpool: { name: 'mine2' } } })).body.subnetpool.name).toBe('mine2');
    await ok('DELETE', `/v2.0/subnetpools/${made.id}`, 204);
    await refused('GET', `/v2.0/subnetpools/${made.id}`, 404, {}, 'SubnetPoolNotFound');
  });
});

describe('ports', () => {
  it('create (MAC, fixed IP, default group), show, bind as admin (ACTIVE), demo may not bind (403), delete', async () => {
    const port = await createPort(ID.private, T.demo, { name: 'p' });
    expect(port).toMatchObject({ name: 'p', network_id: ID.private, status: 'DOWN', device_owner: '', security_groups: [ID.demoDefaultSg] });
    expect(port.mac_address).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    expect(port.fixed_ips[0].subnet_id).toBeDefined();
    expect((await ok('GET', `/v2.0/ports/${port.id}`, 200)).body).toEqual({ port });
    await refused('PUT', `/v2.0/ports/${port.id}`, 403, { body: { port: { 'binding:host_id': 'compute1' } } }, 'PolicyNotAuthorized', /binding:host_id/);
    const bound = (await ok('PUT', `/v2.0/ports/${port.id}`, 200, { token: T.admin, body: { port: { 'binding:host_id': 'compute1' } } })).body.port as Row;
    expect(bound).toMatchObject({ status: 'ACTIVE', 'binding:host_id': 'compute1', 'binding:vif_type': 'ovs' });
    await ok('DELETE', `/v2.0/ports/${port.id}`, 204);
    await refused('GET', `/v2.0/ports/${port.id}`, 404, {}, 'PortNotFound', `Port ${port.id} could not be found.`);
  });

  it('a requested address in use is 409 (IPAM\'s IpAddressAlreadyAllocated)', async () => {
    const port = await createPort(ID.private);
    const ip = port.fixed_ips[0].ip_address as string;
    await refused('POST', '/v2.0/ports', 409, { body: { port: { network_id: ID.private, fixed_ips: [{ ip_address: ip }] } } }, 'IpAddressAlreadyAllocated', new RegExp(`${ip.replace(/\./g, '\\.')}`));
  });
});

describe('routers and floating IPs', () => {
  it('router create, gateway, add / remove interface (200 with the interface info), l3-agents, delete', async () => {
    const net = await createNetwork('rn');
    const sub = await createSubnet(net.id, '10.44.0.0/24');
    const router = (await ok('POST', '/v2.0/routers', 201, { body: { router: { name: 'r' } } })).body.router as Row;
    expect(router).toMatchObject({ name: 'r', external_gateway_info: null, routes: [], admin_state_up: true });
    const gw = (await ok('PUT', `/v2.0/routers/${router.id}`, 200, { body: { router: { external_gateway_info: { network_id: ID.public } } } })).body.router as Row;
    expect(gw.external_gateway_info).toMatchObject({ network_id: ID.public, enable_snat: true });
    const added = await ok('PUT', `/v2.0/routers/${router.id}/add_router_interface`, 200, { body: { subnet_id: sub.id } });
    expect(added.body).toMatchObject({ id: router.id, subnet_id: sub.id, subnet_ids: [sub.id], network_id: net.id, project_id: ID.demoProject });
    const iface = await ok('GET', `/v2.0/ports?device_id=${router.id}&network_id=${net.id}&fields=device_owner&fields=fixed_ips`, 200);
    expect(iface.body.ports).toEqual([{ device_owner: 'network:router_interface', fixed_ips: [{ subnet_id: sub.id, ip_address: '10.44.0.1' }] }]);
    await refused('DELETE', `/v2.0/routers/${router.id}`, 409, {}, 'RouterInUse');
    const agents = await ok('GET', `/v2.0/routers/${router.id}/l3-agents`, 200, { token: T.admin });
    expect((agents.body.agents as Row[]).map((a) => a.agent_type)).toEqual(['L3 agent']);
    await refused('GET', `/v2.0/routers/${router.id}/l3-agents`, 403, {}, 'PolicyNotAuthorized');
    await refused('PUT', `/v2.0/routers/${router.id}/add_router_interface`, 404, { token: T.alt, body: { subnet_id: sub.id } }, 'RouterNotFound');
    const removed = await ok('PUT', `/v2.0/routers/${router.id}/remove_router_interface`, 200, { body: { subnet_id: sub.id } });
    expect(removed.body).toMatchObject({ id: router.id, subnet_id: sub.id });
    await refused('PUT', `/v2.0/routers/${router.id}/add_router_interface`, 400, { body: {} });
    await ok('DELETE', `/v2.0/routers/${router.id}`, 204);
    await refused('GET', `/v2.0/routers/${router.id}`, 404, {}, 'RouterNotFound');
  });

  it('floating IP: create on public, associate with a port behind router1, disassociate, delete', async () => {
    const port = await createPort(ID.private);
    const fip = (await ok('POST', '/v2.0/floatingips', 201, { body: { floatingip: { floating_network_id: ID.public } } })).body.floatingip as Row;
    expect(fip).toMatchObject({ floating_network_id: ID.public, port_id: null, fixed_ip_address: null, router_id: null });
    expect(fip.floating_ip_address).toMatch(/^172\.24\.4\.\d+$/);
    const assoc = (await ok('PUT', `/v2.0/floatingips/${fip.id}`, 200, { body: { floatingip: { port_id: port.id } } })).body.floatingip as Row;
    expect(assoc).toMatchObject({ port_id: port.id, fixed_ip_address: port.fixed_ips[0].ip_address, router_id: ID.router1 });
    const listed = await ok('GET', `/v2.0/floatingips?port_id=${port.id}&fields=id`, 200);
    expect(listed.body.floatingips).toEqual([{ id: fip.id }]);
    const dis = (await ok('PUT', `/v2.0/floatingips/${fip.id}`, 200, { body: { floatingip: { port_id: null } } })).body.floatingip as Row;
    expect(dis).toMatchObject({ port_id: null, fixed_ip_address: null });
    await ok('DELETE', `/v2.0/floatingips/${fip.id}`, 204);
    await refused('GET', `/v2.0/floatingips/${fip.id}`, 404, {}, 'FloatingIPNotFound');
  });
});

describe('security groups, RBAC, agents', () => {
  it('groups and rules: create, list by group, duplicate 409, delete', async () => {
    const sg = (await ok('POST', '/v2.0/security-groups', 201, { body: { security_group: { name: 'web', description: 'w' } } })).body.security_group as Row;
    expect(sg).toMatchObject({ name: 'web', description: 'w', stateful: true });
    expect((sg.security_group_rules as Row[]).map((r) => `${r.direction}/${r.ethertype}`).sort()).toEqual(['egress/IPv4', 'egress/IPv6']);
    const body = { security_group_rule: { security_group_id: sg.id, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' } };
    const rule = (await ok('POST', '/v2.0/security-group-rules', 201, { body })).body.security_group_rule as Row;
    expect(rule).toMatchObject({ security_group_id: sg.id, protocol: 'tcp', port_range_min: 22, normalized_cidr: '0.0.0.0/0' });
    await refused('POST', '/v2.0/security-group-rules', 409, { body }, 'SecurityGroupRuleExists', /already exists/);
    const rules = await ok('GET', `/v2.0/security-group-rules?security_group_id=${sg.id}&fields=id`, 200);
    expect(rules.body.security_group_rules).toHaveLength(3);
    expect((await ok('GET', `/v2.0/security-group-rules/${rule.id}`, 200)).body.security_group_rule.id).toBe(rule.id);
    expect((await ok('PUT', `/v2.0/security-groups/${sg.id}`, 200, { body: { security_group: { name: 'web2' } } })).body.security_group.name).toBe('web2');
    await ok('DELETE', `/v2.0/security-group-rules/${rule.id}`, 204);
    await ok('DELETE', `/v2.0/security-groups/${sg.id}`, 204);
    await refused('GET', `/v2.0/security-groups/${sg.id}`, 404, {}, 'SecurityGroupNotFound');
  });

  it('RBAC: share a network with alt_demo, who then sees it; update; delete', async () => {
    const net = await createNetwork('shared-with-alt');
    await refused('GET', `/v2.0/networks/${net.id}`, 404, { token: T.alt }, 'NetworkNotFound');
    const policy = (await ok('POST', '/v2.0/rbac-policies', 201, { body: { rbac_policy: { object_type: 'network', object_id: net.id, action: 'access_as_shared', target_tenant: ID.altProject } } })).body.rbac_policy as Row;
    expect(policy).toMatchObject({ object_type: 'network', object_id: net.id, action: 'access_as_shared', target_tenant: ID.altProject, project_id: ID.demoProject });
    expect((await ok('GET', `/v2.0/networks/${net.id}`, 200, { token: T.alt })).body.network).toMatchObject({ id: net.id, shared: true });
    expect((await ok('GET', '/v2.0/rbac-policies?object_type=network&fields=id', 200)).body.rbac_policies).toEqual([{ id: policy.id }]);
    expect((await ok('GET', `/v2.0/rbac-policies/${policy.id}`, 200)).body.rbac_policy).toEqual(policy);
    await refused('PUT', `/v2.0/rbac-policies/${policy.id}`, 403, { body: { rbac_policy: { target_tenant: '*' } } }, 'PolicyNotAuthorized', /target_tenant/);
    expect((await ok('PUT', `/v2.0/rbac-policies/${policy.id}`, 200, { token: T.admin, body: { rbac_policy: { target_tenant: '*' } } })).body.rbac_policy.target_tenant).toBe('*');
    await ok('DELETE', `/v2.0/rbac-policies/${policy.id}`, 204);
    await refused('GET', `/v2.0/rbac-policies/${policy.id}`, 404, {}, 'RbacPolicyNotFound');
  });

  it("agents (admin): list, show, update; the private network's DHCP agents (demo: 403)", async () => {
    const list = (await ok('GET', '/v2.0/agents', 200, { token: T.admin })).body.agents as Row[];
    expect(new Set(list.map((a) => a.agent_type))).toEqual(new Set(['Open vSwitch agent', 'DHCP agent', 'L3 agent', 'Metadata agent']));
    const dhcp = list.find((a) => a.agent_type === 'DHCP agent')!;
    expect((await ok('GET', `/v2.0/agents/${dhcp.id}`, 200, { token: T.admin })).body.agent).toEqual(dhcp);
    expect((await ok('PUT', `/v2.0/agents/${dhcp.id}`, 200, { token: T.admin, body: { agent: { description: 'dhcp here' } } })).body.agent.description).toBe('dhcp here');
    const hosting = await ok('GET', `/v2.0/networks/${ID.private}/dhcp-agents`, 200, { token: T.admin });
    expect((hosting.body.agents as Row[]).map((a) => a.id)).toEqual([dhcp.id]);
    await refused('PUT', `/v2.0/agents/${dhcp.id}`, 400, { token: T.admin, body: { agent: { host: 'elsewhere' } } }, 'HTTPBadRequest');
    await refused('GET', `/v2.0/networks/${ID.private}/dhcp-agents`, 403, {}, 'PolicyNotAuthorized');
  });
});

describe('quotas', () => {
  it('GET own, details, another project (403 for demo), PUT and DELETE (admin)', async () => {
    const own = await ok('GET', `/v2.0/quotas/${ID.demoProject}`, 200);
    expect(own.body.quota).toMatchObject({ network: 100, subnet: 100, port: 500, router: 10, floatingip: 50, security_group: 10, security_group_rule: 100 });
    const details = await ok('GET', `/v2.0/quotas/${ID.demoProject}/details`, 200);
    expect(details.body.quota.network).toEqual({ limit: 100, used: 1, reserved: 0 });
    await refused('GET', `/v2.0/quotas/${ID.altProject}`, 403, {}, 'PolicyNotAuthorized');
    await refused('GET', `/v2.0/quotas/${ID.altProject}/details`, 403, {}, 'AdminRequired');
    await refused('PUT', `/v2.0/quotas/${ID.demoProject}`, 403, { body: { quota: { network: 5 } } }, 'PolicyNotAuthorized');
    const set = await ok('PUT', `/v2.0/quotas/${ID.demoProject}`, 200, { token: T.admin, body: { quota: { network: 5 } } });
    expect(set.body.quota.network).toBe(5);
    await refused('PUT', `/v2.0/quotas/${ID.demoProject}`, 400, { token: T.admin, body: { network: 5 } }, 'HTTPBadRequest', "Unable to find 'quota' in request body");
    await ok('DELETE', `/v2.0/quotas/${ID.demoProject}`, 204, { token: T.admin });
    expect((await ok('GET', `/v2.0/quotas/${ID.demoProject}`, 200)).body.quota.network).toBe(100);
  });

  it('over quota is 409 OverQuota', async () => {
    await ok('PUT', `/v2.0/quotas/${ID.demoProject}`, 200, { token: T.admin, body: { quota: { network: 1 } } });
    await refused('POST', '/v2.0/networks', 409, { body: { network: { name: 'one-too-many' } } }, 'OverQuota', "Quota exceeded for resources: ['network'].");
  });

  it('GET /v2.0/quotas and /default answer when the session API has them, else 404', async () => {
    const network = cloud.admin.network as unknown as Record<string, unknown>;
    const index = await call('GET', '/v2.0/quotas', { token: T.admin });
    expect(index.status).toBe(typeof network.listQuotas === 'function' ? 200 : 404);
    const defaults = await call('GET', `/v2.0/quotas/${ID.demoProject}/default`);
    expect(defaults.status).toBe(typeof network.getQuotaDefault === 'function' ? 200 : 404);
  });
});
