/**
 * Every route of every service over REST, fed random requests: real and made-up ids in the path,
 * hostile bodies (malformed JSON, wrong types, deep nesting, `__proto__`), odd query strings,
 * content types, microversions and headers (Swift's `Range`, conditionals, copies, ACLs, metadata;
 * Glance's `Content-MD5`; Keystone's `X-Subject-Token`), and callers from admin to no token at all. Whatever comes in,
 * the answer is never a 5xx, its body is what its Content-Type says, it carries a request id, a
 * refused call leaves `cloud.state` the very same object, and nothing pollutes `Object.prototype`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCloud, type Cloud, type CloudSnapshot } from '../../src/index.js';
import { createApiHandler, type ApiHandler } from '../../src/api/index.js';
import { SERVICES } from '../../src/services.js';
import type { AnyServiceDescriptor, RestRoute } from '../../src/core/index.js';

const SEED = 20221104;
const RUNS = 1200;

interface Route {
  readonly method: string;
  readonly path: string;
}

const ROUTES: readonly Route[] = (SERVICES as readonly AnyServiceDescriptor[]).flatMap((d) => {
  const rest = d.rest;
  if (rest === undefined) return [];
  const below = rest.routes.map((r: RestRoute) => ({ method: r.method, path: `${rest.mount}${r.path === '/' ? '' : r.path}` }));
  const root = (rest.rootRoutes ?? []).map((r: RestRoute) => ({ method: r.method, path: r.path }));
  return [...below, ...root];
});

let cloud: Cloud;
let api: ApiHandler;
let base: CloudSnapshot;
let tokens: Record<string, string | undefined>;
let ids: string[];

beforeAll(() => {
  cloud = createCloud({ seed: 9, identity: { password_hash_rounds: 1 } });
  const expired = cloud.login({ username: 'demo', password: 'secret', project: 'demo' }).token;
  cloud.clock.advance(7200);
  const demo = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  const revoked = cloud.login({ username: 'demo', password: 'secret', project: 'demo' });
  const revokedToken = revoked.token;
  revoked.logout();
  demo.object.putContainer('fuzz');
  demo.object.putObject('fuzz', 'a/b.txt', 'hello');
  const image = demo.image.createImage({ name: 'fuzz-image', disk_format: 'raw', container_format: 'bare' });
  const admin = cloud.admin;
  const providers = cloud.systemAdmin.placement.listResourceProviders();
  tokens = {
    admin: admin.token,
    system: cloud.systemAdmin.token,
    demo: demo.token,
    reader: cloud.login({ username: 'demo_reader', password: 'secret', project: 'demo' }).token,
    alt: cloud.login({ username: 'alt_demo', password: 'secret', project: 'alt_demo' }).token,
    expired,
    revoked: revokedToken,
    garbage: 'gAAAAA-not-a-token',
    none: undefined,
  };
  const account = demo.object.headAccount().account;
  ids = [
    ...admin.identity.listProjects().map((p) => p.id),
    ...admin.identity.listUsers().slice(0, 3).map((u) => u.id),
    ...admin.identity.listRoles().slice(0, 3).map((r) => r.id),
    'default',
    image.id,
    ...providers.slice(0, 2).map((p) => p.uuid),
    account,
    'fuzz',
    'a/b.txt',
    'VCPU',
    'HW_CPU_X86_AVX2',
    'CUSTOM_FUZZ',
  ];
  api = createApiHandler(cloud);
  base = cloud.state;
});

const GARBAGE = ['x', 'x'.repeat(300), '%00', '..', '%E2%98%83', '__proto__', 'constructor', '-1', '00000000-0000-0000-0000-000000000000', '%ZZ'];
const CONTENT_TYPES = [undefined, 'application/json', 'application/octet-stream', 'text/plain', 'application/openstack-images-v2.1-json-patch', 'application/x-www-form-urlencoded'];
const VERSIONS = [undefined, 'placement 1.39', 'placement latest', 'placement 1.0', 'placement 1.10', 'placement 1.99', 'placement x', 'placement 1.28'];
const QUERIES = ['', '?limit=abc', '?limit=-1', '?limit=1', '?marker=nope', '?format=json', '?name=%ff', '?prefix=a&delimiter=/', '?effective&include_names', '?resources=VCPU:1', '?resources=VCPU:-1', '?required=!FOO', '?member_of=in:', '?sort_key=name&sort_dir=sideways', '?visibility=everything'];
const HOSTILE_BODIES = ['{', '[]', 'null', '""', '1e400', '{"__proto__": {"polluted": 1}}', '['.repeat(5000) + ']'.repeat(5000), JSON.stringify({ a: 'x'.repeat(100_000) })];

const body = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(...HOSTILE_BODIES),
  fc.json({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom('name', 'project', 'user', 'auth', 'resource_provider_generation', 'inventories', 'allocations', 'op', 'path', 'value', 'visibility', 'disk_format', 'domain_id', 'password', 'enabled', 'traits', 'aggregates', 'member', 'status', 'tags'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }).map((o) => JSON.stringify(o)),
);

const request = fc.record({
  route: fc.constantFrom(...(ROUTES.length > 0 ? ROUTES : [{ method: 'GET', path: '/' }])),
  params: fc.array(fc.oneof(fc.constantFrom(...GARBAGE), fc.integer({ min: 0, max: 100 }).map((i) => `@${i}`)), { minLength: 6, maxLength: 6 }),
  token: fc.constantFrom('admin', 'system', 'demo', 'reader', 'alt', 'expired', 'revoked', 'garbage', 'none'),
  body,
  contentType: fc.constantFrom(...CONTENT_TYPES),
  version: fc.constantFrom(...VERSIONS),
  query: fc.constantFrom(...QUERIES),
  method: fc.option(fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'COPY'), { freq: 5 }),
  extra: fc.dictionary(fc.constantFrom('Range', 'If-Match', 'If-None-Match', 'If-Modified-Since', 'If-Unmodified-Since', 'X-Copy-From', 'Destination', 'X-Delete-At', 'X-Delete-After', 'X-Container-Read', 'X-Container-Write', 'X-Object-Meta-A', 'X-Container-Meta-Quota-Bytes', 'X-Versions-Location', 'X-Storage-Policy', 'Accept', 'X-Subject-Token', 'Content-Length', 'X-Detect-Content-Type', 'ETag', 'X-Fresh-Metadata', 'X-Remove-Container-Read', 'Destination-Account', 'X-Copy-From-Account', 'X-Static-Large-Object', 'X-Object-Manifest', 'X-History-Location', 'X-Account-Meta-Temp-URL-Key', 'Content-MD5', 'Content-Type'), fc.oneof(fc.constantFrom('', 'bytes=0-0', 'bytes=-1', 'bytes=5-1', 'bytes=0-0,1-1,2-2', 'bytes=99999999999999999999-', 'bytes=a-b', '*', '"abc"', 'Thu, 01 Jan 1970 00:00:00 GMT', 'not a date', '/fuzz/a/b.txt', 'fuzz', '/', '//', '%', 'NaN', '-1', '1e400', '99999999999999999999', '.r:*', '.r:*,.rlistings', 'a:b', 'x'.repeat(300), 'x'.repeat(9000), 'application/json', 'text/html', '*/*', 'gAAAAA', '0', 'true', 'fuzz/a/b.txt', 'AUTH_x', '\u00e9', 'Policy-0', 'gold'), fc.string({ maxLength: 20 })), { maxKeys: 3 }),
});

type Generated = typeof request extends fc.Arbitrary<infer T> ? T : never;

function urlOf(g: Generated): string {
  let i = 0;
  const path = g.route.path.replace(/\{[A-Za-z_]+\+?\}/g, () => {
    const p = g.params[i++ % g.params.length] as string;
    return p.startsWith('@') ? encodeURIComponent(ids[Number(p.slice(1)) % ids.length] as string).replace(/%2F/g, '/') : p;
  });
  return `http://127.0.0.1:5000${path}${g.query}`;
}

describe(`REST fuzz over every route (seed ${SEED})`, () => {
  it('is present for every service', () => {
    expect(ROUTES.length).toBeGreaterThan(0);
  });

  it('answers every route sent a 5 000-deep JSON body, or one 100 000 characters long, with no 5xx and no change, for every caller', async () => {
    const bodies = [HOSTILE_BODIES[6] as string, HOSTILE_BODIES[7] as string];
    for (const route of ROUTES) {
      if (route.method === 'GET' || route.method === 'HEAD') continue;
      for (const token of ['admin', 'system', 'demo']) {
        for (const body of bodies) {
          cloud.restore(base);
          const before = cloud.state;
          const url = `http://127.0.0.1:5000${route.path.replace(/\{[A-Za-z_]+\+?\}/g, 'x')}`;
          const res = await api(new Request(url, { method: route.method, body, headers: { 'X-Auth-Token': tokens[token] as string, 'Content-Type': 'application/json' } }));
          const where = `${route.method} ${route.path} as ${token}: ${res.status} ${(await res.text()).slice(0, 200)}`;
          expect(res.status, where).toBeLessThan(500);
          if (res.status >= 400) expect(cloud.state, where).toBe(before);
        }
      }
    }
  });

  it(`never answers 5xx, always a request id, and changes nothing when it refuses (seed ${SEED}, ${RUNS} requests)`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async (g) => {
        cloud.restore(base);
        const headers = new Headers();
        const token = tokens[g.token];
        if (token !== undefined) headers.set('X-Auth-Token', token);
        if (g.contentType !== undefined) headers.set('Content-Type', g.contentType);
        if (g.version !== undefined) headers.set('OpenStack-API-Version', g.version);
        for (const [k, v] of Object.entries(g.extra)) { try { headers.set(k, v); } catch { /* not a header value */ } }
        const method = g.method ?? g.route.method;
        const hasBody = g.body !== undefined && method !== 'GET' && method !== 'HEAD';
        const before = cloud.state;
        const res = await api(new Request(urlOf(g), { method, headers, ...(hasBody ? { body: g.body } : {}) }));
        const text = await res.text();
        const where = `${method} ${urlOf(g).slice(0, 200)} as ${g.token}: ${res.status} ${text.slice(0, 300)}`;
        expect(res.status, where).toBeLessThan(500);
        if (res.status >= 400) expect(cloud.state, where).toBe(before);
        expect(res.headers.get('X-Openstack-Request-Id'), where).toMatch(/^req-/);
        if (/json/.test(res.headers.get('Content-Type') ?? '') && text !== '') expect(() => JSON.parse(text), where).not.toThrow();
        expect(({} as Record<string, unknown>).polluted, where).toBeUndefined();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 120_000);
});
