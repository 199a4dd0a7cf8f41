/**
 * Subnet pools (`src/network/subnetpools.ts`): prefix allocation judged against Neutron Zed's own
 * `SubnetAllocator` and `SubnetPoolReader` on the cases `make_subnetpools_golden.py` records;
 * allocation never overlapping and exhausting exactly when no free block is left (fast-check);
 * the CRUD through `session.network` with Zed's policies, RBAC sharing, defaults, notifications;
 * subnets from pools; bad input of any shape refused with a 4xx naming the field, changing
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CloudError, createCloud, type Cloud, type Notification, type Session } from '../../src/index.js';
import { tableFrom, type CloudState } from '../../src/core/index.js';
import type { Ctx } from '../../src/network/context.js';
import { allocateSubnetFromPool } from '../../src/network/subnetpools.js';
import type { SubnetPoolRow, SubnetRow } from '../../src/network/types.js';
import { judgeAgainstNeutron } from './helpers.js';
import { caught, refused } from '../support/refusal.js';

const PW = 'secret';

function devstack(seed = 1): Cloud {
  return createCloud({ seed, preset: 'devstack', identity: { password_hash_rounds: 1 } });
}

function sessions(cloud: Cloud): { admin: Session; demo: Session; alt: Session; reader: Session } {
  return {
    admin: cloud.admin,
    demo: cloud.login({ username: 'demo', password: PW, project: 'demo' }),
    alt: cloud.login({ username: 'alt_demo', password: PW, project: 'alt_demo' }),
    reader: cloud.login({ username: 'demo_reader', password: PW, project: 'demo' }),
  };
}

// ------------------------------------------------------------------ pure allocation harness

interface PoolSpec {
  id?: string;
  project_id?: string;
  ip_version: 4 | 6;
  prefixes: string[];
  min_prefixlen: number;
  max_prefixlen: number;
  default_prefixlen: number;
  default_quota?: number | null;
}

function poolRow(p: PoolSpec): SubnetPoolRow {
  return {
    id: p.id ?? 'pool-1', project_id: p.project_id ?? 'owner', description: '', revision_number: 0, created_at: 0, updated_at: 0, tags: [],
    name: 'pool', ip_version: p.ip_version, prefixes: p.prefixes, default_prefixlen: p.default_prefixlen, min_prefixlen: p.min_prefixlen,
    max_prefixlen: p.max_prefixlen, shared: false, is_default: false, default_quota: p.default_quota ?? null, address_scope_id: null,
  };
}

/** A context whose state holds only the subnets allocated so far (all the allocator reads). */
function ctxWith(poolId: string, subnets: readonly { cidr: string; project_id: string }[]): Ctx {
  const rows = subnets.map((x, i) => [`s${String(i).padStart(5, '0')}`, { id: `s${i}`, cidr: x.cidr, project_id: x.project_id, subnetpool_id: poolId } as unknown as SubnetRow] as const);
  return { s: { network: { subnets: tableFrom(rows) } } as unknown as CloudState } as Ctx;
}

function allocate(pool: PoolSpec, subnets: readonly { cidr: string; project_id: string }[], request: Record<string, unknown>): string {
  const row = poolRow(pool);
  return allocateSubnetFromPool(ctxWith(row.id, subnets), row, request);
}

// ------------------------------------------------------------------------- golden (cloud)

const golden = devstack(7);
const goldenAdmin = golden.admin.network;
let poolCount = 0;

function createViaCloud(body: Record<string, unknown>): unknown {
  const v = goldenAdmin.createSubnetPool(body);
  poolCount++;
  return { ip_version: v.ip_version, prefixes: v.prefixes, min_prefixlen: Number(v.min_prefixlen), max_prefixlen: Number(v.max_prefixlen), default_prefixlen: Number(v.default_prefixlen), default_quota: v.default_quota };
}

function updatePrefixesViaCloud(old: string[], next: string[]): unknown {
  const p = goldenAdmin.createSubnetPool({ name: `u${poolCount++}`, prefixes: old });
  return goldenAdmin.updateSubnetPool({ id: p.id }, { prefixes: next }).prefixes;
}

judgeAgainstNeutron({
  label: 'Subnet pools',
  file: 'subnetpools_golden.json',
  fns: {
    allocate: (pool, subnets, request) => allocate(pool as PoolSpec, subnets as { cidr: string; project_id: string }[], request as Record<string, unknown>),
    create: (body) => createViaCloud(body as Record<string, unknown>),
    update_prefixes: (old, next) => updatePrefixesViaCloud(old as string[], next as string[]),
  },
  pythonErrors: new Set(['AttributeError']),
  pythonMessages: false,
  statusOf: {
    AddrFormatError: 400,
    BadRequest: 400,
    HTTPBadRequest: 400,
    InvalidInput: 400,
    IpamValueInvalid: 409,
    MaxPrefixSubnetAllocationError: 400,
    MinPrefixSubnetAllocationError: 400,
    SubnetAllocationError: 409,
    SubnetPoolQuotaExceeded: 409,
    EmptySubnetPoolPrefixList: 400,
    IllegalSubnetPoolPrefixBounds: 400,
    PrefixVersionMismatch: 400,
    IllegalSubnetPoolPrefixUpdate: 400,
  },
  minCases: 900,
});

// ------------------------------------------------------------------------- allocation order

describe('allocation from a pool, as _allocate_any_subnet', () => {
  const devstackPool: PoolSpec = { ip_version: 4, prefixes: ['10.0.0.0/22'], min_prefixlen: 8, max_prefixlen: 32, default_prefixlen: 26 };

  it("DevStack's private-subnet is the pool's first /26", () => {
    expect(allocate(devstackPool, [], {})).toBe('10.0.0.0/26');
  });

  it('takes the smallest free block that holds the request (best fit), lowest address among equals', () => {
    const used = [{ cidr: '10.0.0.0/26', project_id: 'p' }];
    // free: 10.0.0.64/26, 10.0.0.128/25, 10.0.1.0/24, 10.0.2.0/23
    expect(allocate(devstackPool, used, {})).toBe('10.0.0.64/26');
    expect(allocate(devstackPool, used, { prefixlen: 25 })).toBe('10.0.0.128/25');
    expect(allocate(devstackPool, used, { prefixlen: 24 })).toBe('10.0.1.0/24');
    expect(allocate(devstackPool, used, { prefixlen: 23 })).toBe('10.0.2.0/23');
    expect(allocate(devstackPool, used, { prefixlen: 28 })).toBe('10.0.0.64/28');
    expect(allocate(devstackPool, used, { prefixlen: '27' })).toBe('10.0.0.64/27');
  });

  it('reads several prefixes as one compacted set (v6 too)', () => {
    const pool: PoolSpec = { ip_version: 6, prefixes: ['2001:db8:1::/64', '2001:db8:2::/63'], min_prefixlen: 48, max_prefixlen: 128, default_prefixlen: 64 };
    expect(allocate(pool, [], {})).toBe('2001:db8:1::/64');
    expect(allocate(pool, [{ cidr: '2001:db8:1::/64', project_id: 'p' }], {})).toBe('2001:db8:2::/64');
    expect(allocate(pool, [], { prefixlen: 63 })).toBe('2001:db8:2::/63');
  });

  it("refuses prefix lengths outside the pool's bounds with Neutron's messages", () => {
    const min = caught(() => allocate(devstackPool, [], { prefixlen: 7 }));
    expect([min.status, min.details.neutron, min.message]).toEqual([400, 'MinPrefixSubnetAllocationError', 'Unable to allocate subnet with prefix length 7, minimum allowed prefix is 8.']);
    const max = caught(() => allocate({ ...devstackPool, max_prefixlen: 28 }, [], { prefixlen: 29 }));
    expect([max.status, max.details.neutron, max.message]).toEqual([400, 'MaxPrefixSubnetAllocationError', 'Unable to allocate subnet with prefix length 29, maximum allowed prefix is 28.']);
    const wide = caught(() => allocate(devstackPool, [], { prefixlen: 33 }));
    expect([wide.status, wide.details.neutron, wide.message]).toEqual([400, 'AddrFormatError', 'invalid IPNetwork 0.0.0.0/33']);
  });

  it('answers a full pool with SubnetAllocationError (a 409 here, a 500 in Zed)', () => {
    const pool: PoolSpec = { ip_version: 4, prefixes: ['10.9.0.0/25'], min_prefixlen: 8, max_prefixlen: 32, default_prefixlen: 26 };
    const used = [{ cidr: '10.9.0.0/26', project_id: 'p' }, { cidr: '10.9.0.64/26', project_id: 'p' }];
    const e = caught(() => allocate(pool, used, {}));
    expect([e.status, e.code, e.details.neutron, e.message]).toEqual([409, 'network.subnetpool.allocation_failed', 'SubnetAllocationError', 'Failed to allocate subnet: Insufficient prefix space to allocate subnet size /26.']);
    expect(caught(() => allocate(pool, used.slice(1), { prefixlen: 25 })).details.neutron).toBe('SubnetAllocationError');
    expect(allocate(pool, used.slice(1), { prefixlen: 27 })).toBe('10.9.0.0/27');
  });

  it('gives a requested cidr only when it lies in free space (host bits cleared as Neutron does)', () => {
    const used = [{ cidr: '10.0.0.0/26', project_id: 'p' }];
    expect(allocate(devstackPool, used, { cidr: '10.0.1.0/24' })).toBe('10.0.1.0/24');
    expect(allocate(devstackPool, used, { cidr: '10.0.0.77/26' })).toBe('10.0.0.64/26');
    for (const cidr of ['10.0.0.0/27', '10.0.0.0/25', '10.0.4.0/24', '10.0.0.0/21', '9.255.255.0/24']) {
      const e = caught(() => allocate(devstackPool, used, { cidr }));
      expect([e.status, e.details.neutron, e.message, e.details.field]).toEqual([409, 'SubnetAllocationError', 'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.', 'cidr']);
    }
    // a v6 cidr from a v4 pool: its prefix length is checked first, as allocate_subnet does
    expect(caught(() => allocate(devstackPool, used, { cidr: '2001:db8::/64' })).message).toBe('Unable to allocate subnet with prefix length 64, maximum allowed prefix is 32.');
    expect(caught(() => allocate(devstackPool, used, { cidr: '10.0.1.0/24', prefixlen: 24 })).message).toBe('Bad subnets request: cidr and prefixlen must not be supplied together.');
  });

  it("a gateway without a cidr asks for the block holding it; a v4 gateway at the block's edge is IpamValueInvalid", () => {
    expect(allocate(devstackPool, [], { gateway_ip: '10.0.1.130', prefixlen: 25 })).toBe('10.0.1.128/25');
    expect(allocate(devstackPool, [], { gateway_ip: '10.0.2.1' })).toBe('10.0.2.0/26');
    const e = caught(() => allocate(devstackPool, [], { gateway_ip: '10.0.2.0' }));
    expect([e.status, e.details.neutron, e.message]).toEqual([409, 'IpamValueInvalid', 'Gateway IP 10.0.2.0 cannot be allocated in CIDR 10.0.2.0/26']);
  });

  it("counts the pool owner's allocations against default_quota, in /32 units (as Zed, whoever asks)", () => {
    const pool: PoolSpec = { ...devstackPool, default_quota: 128 };
    expect(allocate(pool, [{ cidr: '10.0.0.0/26', project_id: 'owner' }], {})).toBe('10.0.0.64/26');
    expect(allocate(pool, [{ cidr: '10.0.0.0/26', project_id: 'other' }, { cidr: '10.0.0.64/26', project_id: 'other' }], {})).toBe('10.0.0.128/26');
    const e = caught(() => allocate(pool, [{ cidr: '10.0.0.0/26', project_id: 'owner' }, { cidr: '10.0.0.64/26', project_id: 'owner' }], {}));
    expect([e.status, e.details.neutron, e.message]).toEqual([409, 'SubnetPoolQuotaExceeded', 'Per-tenant subnet pool prefix quota exceeded.']);
    expect(allocate({ ...pool, default_quota: 0 }, [{ cidr: '10.0.0.0/26', project_id: 'owner' }, { cidr: '10.0.0.64/26', project_id: 'owner' }], {})).toBe('10.0.0.128/26');
  });
});

// ------------------------------------------------------------------------------ properties

const v4Prefix = fc.tuple(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 16, max: 26 })).map(([bits, len]) => {
  const v = ((10 << 24) | bits) >>> 0;
  const masked = len === 0 ? 0 : (v & (~0 << (32 - len))) >>> 0;
  return `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${len}`;
});

function span(cidr: string): [bigint, bigint] {
  const [a, l] = cidr.split('/') as [string, string];
  const len = Number(l);
  if (a.includes(':')) {
    const [head, tail = ''] = a.split('::') as [string, string?];
    const h = head === '' ? [] : head.split(':');
    const t = tail === '' ? [] : tail.split(':');
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => BigInt(parseInt(g, 16)));
    const v = groups.reduce((acc, g) => (acc << 16n) | g, 0n);
    return [v, v + (1n << BigInt(128 - len)) - 1n];
  }
  const v = a.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  return [v, v + (1n << BigInt(32 - len)) - 1n];
}

describe('allocation properties', () => {
  it('random prefix lengths allocated until exhaustion never overlap, lie in the pool, and fail only when no free block fits (seed 4711)', () => {
    fc.assert(
      fc.property(fc.array(v4Prefix, { minLength: 1, maxLength: 3 }), fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 40 }), (prefixes, deltas) => {
        const unique = [...new Set(prefixes)];
        const minLen = Math.min(...unique.map((p) => Number(p.split('/')[1])));
        // overlapping prefixes are fine: the allocator reads them as one IPSet
        const pool: PoolSpec = { ip_version: 4, prefixes: unique, min_prefixlen: 8, max_prefixlen: 32, default_prefixlen: 28 };
        const poolSpans = unique.map(span);
        const inPool = (s: [bigint, bigint]): boolean => poolSpans.some(([a, b]) => a <= s[0] && s[1] <= b);
        const used: { cidr: string; project_id: string }[] = [];
        let failures = 0;
        for (let round = 0; round < 400 && failures < deltas.length; round++) {
          const prefixlen = Math.min(32, minLen + deltas[round % deltas.length]!);
          let cidr: string;
          try {
            cidr = allocate(pool, used, { prefixlen });
          } catch (e) {
            expect(e).toBeInstanceOf(CloudError);
            expect((e as CloudError).details.neutron).toBe('SubnetAllocationError');
            // no aligned free block of that size remains
            const size = 1n << BigInt(32 - prefixlen);
            for (const [a, b] of poolSpans) {
              for (let start = a; start + size - 1n <= b; start += size) {
                const end = start + size - 1n;
                expect(used.some((u) => { const [x, y] = span(u.cidr); return x <= end && start <= y; })).toBe(true);
              }
            }
            failures++;
            continue;
          }
          const s = span(cidr);
          expect(Number(cidr.split('/')[1])).toBe(prefixlen);
          expect(inPool(s)).toBe(true);
          for (const u of used) {
            const [x, y] = span(u.cidr);
            expect(x <= s[1] && s[0] <= y, `${cidr} overlaps ${u.cidr}`).toBe(false);
          }
          used.push({ cidr, project_id: 'p' });
        }
      }),
      { seed: 4711, numRuns: 60 },
    );
  });

  it('a requested cidr is given exactly when it lies in the pool and meets no allocation (seed 4712)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 22, max: 30 }), { maxLength: 12 }), fc.integer({ min: 0, max: 1023 }), fc.integer({ min: 20, max: 30 }), (lens, offset, reqLen) => {
        const pool: PoolSpec = { ip_version: 4, prefixes: ['10.20.0.0/22'], min_prefixlen: 8, max_prefixlen: 32, default_prefixlen: 26 };
        const used: { cidr: string; project_id: string }[] = [];
        for (const prefixlen of lens) {
          try {
            used.push({ cidr: allocate(pool, used, { prefixlen }), project_id: 'p' });
          } catch {
            /* full for that size */
          }
        }
        const base = (10n << 24n) | (20n << 16n);
        const size = 1n << BigInt(32 - reqLen);
        const start = ((base + BigInt(offset) * 4n) / size) * size;
        const text = `${Number(start >> 24n)}.${Number((start >> 16n) & 255n)}.${Number((start >> 8n) & 255n)}.${Number(start & 255n)}/${reqLen}`;
        const s: [bigint, bigint] = [start, start + size - 1n];
        const free = s[0] >= base && s[1] <= base + 1023n && !used.some((u) => { const [x, y] = span(u.cidr); return x <= s[1] && s[0] <= y; });
        let got: string | undefined;
        try {
          got = allocate(pool, used, { cidr: text });
        } catch (e) {
          expect((e as CloudError).details.neutron).toBe('SubnetAllocationError');
        }
        expect(got === text).toBe(free);
      }),
      { seed: 4712, numRuns: 300 },
    );
  });

  it('bad subnet-request values of any shape are a 4xx CloudError naming the field (seed 4713)', () => {
    const pool: PoolSpec = { ip_version: 4, prefixes: ['10.0.0.0/22'], min_prefixlen: 8, max_prefixlen: 32, default_prefixlen: 26 };
    const fields = ['prefixlen', 'cidr', 'gateway_ip', 'ip_version'];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.anything({ withBigInt: true, withNullPrototype: true, withObjectString: true }), (field, value) => {
        try {
          allocate(pool, [], { [field]: value });
        } catch (e) {
          expect(e).toBeInstanceOf(CloudError);
          const c = e as CloudError;
          expect(c.status >= 400 && c.status < 500, `status ${c.status}`).toBe(true);
          expect(c.details.field === field || c.message.includes(field), `${c.message} (${String(c.details.field)})`).toBe(true);
        }
      }),
      { seed: 4713, numRuns: 600 },
    );
  });
});

// ---------------------------------------------------------------------------------- CRUD

describe('subnet pools through session.network', () => {
  it("DevStack has the shared default pools, and private-subnet 10.0.0.0/26 from the v4 one", () => {
    const cloud = devstack();
    const { demo } = sessions(cloud);
    const pools = demo.network.listSubnetPools({ sort_key: 'name' });
    expect(pools.map((p) => [p.name, p.prefixes, p.default_prefixlen, p.shared, p.is_default, p.ip_version])).toEqual([
      ['shared-default-subnetpool-v4', ['10.0.0.0/22'], '26', true, true, 4],
      ['shared-default-subnetpool-v6', ['2001:db8:8000::/48'], '64', true, true, 6],
    ]);
    const subnet = demo.network.listSubnets({ name: 'private-subnet' })[0]!;
    expect([subnet.cidr, subnet.subnetpool_id]).toEqual(['10.0.0.0/26', pools[0]!.id]);
  });

  it("shows Zed's fields: prefix lengths as strings, shared per caller", () => {
    const cloud = devstack();
    const { demo } = sessions(cloud);
    const p = demo.network.createSubnetPool({ name: 'mine', prefixes: ['192.168.0.0/16', '192.168.1.0/24'], description: 'd' });
    expect(Object.keys(p).sort()).toEqual(['address_scope_id', 'created_at', 'default_prefixlen', 'default_quota', 'description', 'id', 'ip_version', 'is_default', 'max_prefixlen', 'min_prefixlen', 'name', 'prefixes', 'project_id', 'revision_number', 'shared', 'tags', 'tenant_id', 'updated_at']);
    expect(p).toMatchObject({ name: 'mine', prefixes: ['192.168.0.0/16'], default_prefixlen: '8', min_prefixlen: '8', max_prefixlen: '32', shared: false, is_default: false, default_quota: null, address_scope_id: null, ip_version: 4, description: 'd', revision_number: 0 });
    expect(demo.network.getSubnetPool(p.id)).toEqual(p);
    expect(demo.network.getSubnetPool('mine').id).toBe(p.id);
  });

  it('create: name and prefixes required, ip_version not allowed, bounds checked, one default per IP family', () => {
    const cloud = devstack();
    const { admin } = sessions(cloud);
    const n = admin.network;
    refused(cloud, () => n.createSubnetPool({ prefixes: ['10.5.0.0/16'] }), { status: 400, field: 'name', message: "Failed to parse request. Required attribute 'name' not specified" });
    refused(cloud, () => n.createSubnetPool({ name: 'x' }), { status: 400, field: 'prefixes' });
    refused(cloud, () => n.createSubnetPool({ name: 'x', prefixes: ['10.5.0.0/16'], ip_version: 4 }), { status: 400, field: 'ip_version', message: "Attribute 'ip_version' not allowed in POST" });
    refused(cloud, () => n.createSubnetPool({ name: 'x', prefixes: ['10.5.0.0/16'], min_prefixlen: 24, max_prefixlen: 20 }), { status: 400, field: 'min_prefixlen', message: 'Illegal prefix bounds: min_prefixlen=24, max_prefixlen=20.' });
    refused(cloud, () => n.createSubnetPool({ name: 'x', prefixes: ['10.5.0.0/16'], min_prefixlen: 0 }), { status: 400, field: 'default_prefixlen' });
    refused(cloud, () => n.createSubnetPool({ name: 'x', prefixes: ['10.5.0.0/16'], is_default: true }), { status: 400, code: 'network.subnetpool.default_exists', message: 'Invalid input for operation: A default subnetpool for this IP family has already been set. Only one default may exist per IP family.' });
    refused(cloud, () => n.createSubnetPool({ name: 'x', prefixes: ['10.5.0.0/16'], address_scope_id: '6d3f8a70-0c5a-4c3e-9a0e-33f3e2f9b0a1' }), { status: 400, field: 'address_scope_id' });
    refused(cloud, () => n.createSubnetPool({ name: 'x', prefixes: ['10.5.0.0/16'], colour: 'red' }), { status: 400, message: "Unrecognized attribute(s) 'colour'" });
    const p = n.createSubnetPool({ name: 'x', prefixes: ['10.5.0.0/16'], min_prefixlen: 0, default_prefixlen: 24, address_scope_id: null });
    expect([p.min_prefixlen, p.default_prefixlen]).toEqual(['0', '24']);
  });

  it("policy: members create unshared pools; shared and is_default are admin's; readers cannot create", () => {
    const cloud = devstack();
    const { demo, reader } = sessions(cloud);
    refused(cloud, () => demo.network.createSubnetPool({ name: 's', prefixes: ['10.6.0.0/16'], shared: true }), { status: 403, code: 'network.policy.forbidden', message: 'create_subnetpool:shared' });
    refused(cloud, () => demo.network.createSubnetPool({ name: 's', prefixes: ['10.6.0.0/16'], is_default: true }), { status: 403, message: 'create_subnetpool:is_default' });
    refused(cloud, () => reader.network.createSubnetPool({ name: 's', prefixes: ['10.6.0.0/16'] }), { status: 403 });
    expect(demo.network.createSubnetPool({ name: 's', prefixes: ['10.6.0.0/16'], shared: false, is_default: 'false' }).shared).toBe(false);
  });

  it('isolation: a project sees its own pools and the shared ones; RBAC sharing to one project shows shared to it', () => {
    const cloud = devstack();
    const { admin, demo, alt } = sessions(cloud);
    const mine = demo.network.createSubnetPool({ name: 'mine', prefixes: ['10.7.0.0/16'] });
    refused(cloud, () => alt.network.getSubnetPool(mine.id), { status: 404, code: 'network.subnetpool.not_found', message: `Subnet pool ${mine.id} could not be found.` });
    refused(cloud, () => alt.network.updateSubnetPool(mine.id, { name: 'x' }), { status: 404 });
    refused(cloud, () => alt.network.deleteSubnetPool(mine.id), { status: 404 });
    expect(alt.network.listSubnetPools().map((p) => p.name).sort()).toEqual(['shared-default-subnetpool-v4', 'shared-default-subnetpool-v6']);
    const altId = cloud.systemAdmin.identity.getProject('alt_demo').id;
    demo.network.createRbacPolicy({ object_type: 'subnetpool', object_id: mine.id, action: 'access_as_shared', target_tenant: altId });
    expect(alt.network.getSubnetPool(mine.id).shared).toBe(true);
    expect(demo.network.getSubnetPool(mine.id).shared).toBe(false);
    expect(admin.network.getSubnetPool(mine.id).shared).toBe(false);
    // shared with alt: alt may allocate from it, but not change it
    const net = alt.network.createNetwork({ name: 'n' });
    expect(alt.network.createSubnet({ network_id: net.id, subnetpool_id: mine.id, ip_version: 4, prefixlen: 24 }).cidr).toBe('10.7.0.0/24');
    refused(cloud, () => alt.network.updateSubnetPool(mine.id, { name: 'x' }), { status: 403 });
  });

  it('update: prefixes may only grow, bounds rechecked, is_default admin-only; the answer has numeric prefix lengths as Zed', () => {
    const cloud = devstack();
    const { admin, demo } = sessions(cloud);
    const p = demo.network.createSubnetPool({ name: 'p', prefixes: ['10.8.0.0/24'], default_prefixlen: 26 });
    refused(cloud, () => demo.network.updateSubnetPool(p.id, { prefixes: ['10.8.0.0/25'] }), { status: 400, field: 'prefixes', message: 'Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.' });
    refused(cloud, () => demo.network.updateSubnetPool(p.id, { min_prefixlen: 27 }), { status: 400, field: 'default_prefixlen', message: 'Illegal prefix bounds: default_prefixlen=26, min_prefixlen=27.' });
    refused(cloud, () => demo.network.updateSubnetPool(p.id, { shared: true }), { status: 400, field: 'shared', message: 'Cannot update read-only attribute shared' });
    refused(cloud, () => demo.network.updateSubnetPool(p.id, { is_default: true }), { status: 403, message: 'update_subnetpool:is_default' });
    expect(refused(cloud, () => admin.network.updateSubnetPool(p.id, { is_default: true }), { status: 400, code: 'network.subnetpool.default_exists' }).details.field).toBe('is_default');
    const u = demo.network.updateSubnetPool(p.id, { prefixes: ['10.8.0.0/24', '10.8.1.0/24'], name: 'q', default_quota: '512' });
    expect(u).toMatchObject({ name: 'q', prefixes: ['10.8.0.0/23'], default_prefixlen: 26, min_prefixlen: 8, max_prefixlen: 32, default_quota: 512, revision_number: 1 });
    expect(demo.network.getSubnetPool(p.id)).toMatchObject({ default_prefixlen: '26', prefixes: ['10.8.0.0/23'] });
  });

  it('delete: refused (SubnetPoolDeleteError, 400) while a subnet was allocated from it; its RBAC entries go with it', () => {
    const cloud = devstack();
    const { admin, demo } = sessions(cloud);
    const v4 = demo.network.listSubnetPools({ name: 'shared-default-subnetpool-v4' })[0]!;
    refused(cloud, () => demo.network.deleteSubnetPool(v4.id), { status: 403 });
    refused(cloud, () => admin.network.deleteSubnetPool(v4.id), { status: 400, code: 'network.subnetpool.in_use', message: 'Unable to delete subnet pool: Subnet pool has existing allocations.' });
    const p = admin.network.createSubnetPool({ name: 'gone', prefixes: ['10.9.0.0/16'], shared: true });
    expect(admin.network.listRbacPolicies({ object_id: p.id })).toHaveLength(1);
    admin.network.deleteSubnetPool(p.id);
    expect(admin.network.listRbacPolicies({ object_id: p.id })).toHaveLength(0);
    refused(cloud, () => admin.network.getSubnetPool(p.id), { status: 404 });
  });

  it('sends subnetpool.create.end / .update.end / .delete.end', () => {
    const cloud = devstack();
    const { demo } = sessions(cloud);
    const seen: Notification[] = [];
    cloud.events.on('*', (n) => { if (n.event_type.startsWith('subnetpool.')) seen.push(n); });
    const p = demo.network.createSubnetPool({ name: 'n', prefixes: ['10.10.0.0/16'] });
    demo.network.updateSubnetPool(p.id, { name: 'm' });
    demo.network.deleteSubnetPool(p.id);
    expect(seen.map((n) => n.event_type)).toEqual(['subnetpool.create.end', 'subnetpool.update.end', 'subnetpool.delete.end']);
    expect((seen[0]!.payload as { subnetpool: { id: string } }).subnetpool.id).toBe(p.id);
    expect((seen[1]!.payload as { subnetpool: { name: string } }).subnetpool.name).toBe('m');
    expect((seen[2]!.payload as { subnetpool_id: string }).subnetpool_id).toBe(p.id);
  });

  it('lists with filters, sorting prefix lengths as numbers; prefixes is no filter', () => {
    const cloud = devstack();
    const { admin } = sessions(cloud);
    admin.network.createSubnetPool({ name: 'a', prefixes: ['10.11.0.0/16'], default_prefixlen: 9 });
    admin.network.createSubnetPool({ name: 'b', prefixes: ['10.12.0.0/16'], default_prefixlen: 24 });
    expect(admin.network.listSubnetPools({ ip_version: 4, sort_key: 'default_prefixlen', sort_dir: 'asc' }).map((p) => p.default_prefixlen)).toEqual(['9', '24', '26']);
    expect(admin.network.listSubnetPools({ default_prefixlen: '24' }).map((p) => p.name)).toEqual(['b']);
    expect(admin.network.listSubnetPools({ is_default: 'true', fields: 'name', sort_key: 'name' })).toEqual([{ name: 'shared-default-subnetpool-v4' }, { name: 'shared-default-subnetpool-v6' }]);
    refused(cloud, () => admin.network.listSubnetPools({ prefixes: '10.11.0.0/16' }), { status: 400 });
  });
});

// ------------------------------------------------------------------------ subnets from pools

describe('subnets from pools', () => {
  it("take the pool's next best-fit block; use_default_subnetpool finds the version's default", () => {
    const cloud = devstack();
    const { demo } = sessions(cloud);
    const v4 = demo.network.listSubnetPools({ name: 'shared-default-subnetpool-v4' })[0]!;
    const net = demo.network.createNetwork({ name: 'n' });
    expect(demo.network.createSubnet({ network_id: net.id, subnetpool_id: v4.id, ip_version: 4 }).cidr).toBe('10.0.0.64/26');
    const other = demo.network.createNetwork({ name: 'o' });
    expect(demo.network.createSubnet({ network_id: other.id, use_default_subnetpool: true, ip_version: 4, prefixlen: 24 }).cidr).toBe('10.0.1.0/24');
  });

  it("refuses with Neutron's errors and changes nothing", () => {
    const cloud = devstack();
    const { demo, alt } = sessions(cloud);
    const v4 = demo.network.listSubnetPools({ name: 'shared-default-subnetpool-v4' })[0]!;
    const v6 = demo.network.listSubnetPools({ name: 'shared-default-subnetpool-v6' })[0]!;
    const net = demo.network.createNetwork({ name: 'n' });
    refused(cloud, () => demo.network.createSubnet({ network_id: net.id, ip_version: 4 }), { status: 400, message: 'Bad subnets request: a subnetpool must be specified in the absence of a cidr.' });
    expect(refused(cloud, () => demo.network.createSubnet({ network_id: net.id, subnetpool_id: v6.id, ip_version: 4 }), { status: 400, message: 'Bad subnets request: Cannot allocate IPv4 subnet from IPv6 subnet pool.' }).details.field).toBe('ip_version');
    refused(cloud, () => demo.network.createSubnet({ network_id: net.id, subnetpool_id: v4.id, use_default_subnetpool: true, ip_version: 4 }), { status: 400, message: 'subnetpool_id and use_default_subnetpool cannot both be specified' });
    refused(cloud, () => demo.network.createSubnet({ network_id: net.id, subnetpool_id: v4.id, ip_version: 4, prefixlen: 20 }), { status: 409, code: 'network.subnetpool.allocation_failed' });
    expect(refused(cloud, () => demo.network.createSubnet({ network_id: net.id, subnetpool_id: v4.id, ip_version: 4, cidr: '10.0.0.0/26' }), { status: 409, code: 'network.subnetpool.allocation_failed' }).details.field).toBe('cidr');
    refused(cloud, () => demo.network.createSubnet({ network_id: net.id, subnetpool_id: v4.id, ip_version: 4, allocation_pools: [{ start: '10.0.0.70', end: '10.0.0.80' }] }), { status: 400, message: 'allocation_pools allowed only for specific subnet requests..' });
    refused(cloud, () => demo.network.createSubnet({ network_id: net.id, subnetpool_id: '6d3f8a70-0c5a-4c3e-9a0e-33f3e2f9b0a1', ip_version: 4 }), { status: 404, code: 'network.subnetpool.not_found', message: 'Subnet pool 6d3f8a70-0c5a-4c3e-9a0e-33f3e2f9b0a1 could not be found.' });
    refused(cloud, () => demo.network.createSubnet({ network_id: net.id, subnetpool_id: 'not-a-uuid', ip_version: 4 }), { status: 400, field: 'subnetpool_id', message: "'not-a-uuid' is not a valid UUID" });
    const mine = demo.network.createSubnetPool({ name: 'mine', prefixes: ['10.50.0.0/16'] });
    const altNet = alt.network.createNetwork({ name: 'a' });
    refused(cloud, () => alt.network.createSubnet({ network_id: altNet.id, subnetpool_id: mine.id, ip_version: 4 }), { status: 404, code: 'network.subnetpool.not_found' });
  });
});

// ------------------------------------------------------------------------------- bad input

describe('bad input', () => {
  it('pool bodies with values of any shape are refused with a 4xx naming the field, changing nothing (seed 4714)', () => {
    const cloud = devstack(3);
    const { admin } = sessions(cloud);
    const fields = ['name', 'prefixes', 'default_quota', 'default_prefixlen', 'min_prefixlen', 'max_prefixlen', 'is_default', 'shared', 'address_scope_id', 'description', 'project_id', 'tenant_id'];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.anything({ withBigInt: true, withNullPrototype: true, withObjectString: true }), (field, value) => {
        const before = cloud.state;
        try {
          admin.network.createSubnetPool({ name: 'p', prefixes: ['10.60.0.0/16'], [field]: value });
        } catch (e) {
          expect(e).toBeInstanceOf(CloudError);
          const c = e as CloudError;
          expect(c.status >= 400 && c.status < 500, `status ${c.status}`).toBe(true);
          expect(c.details.field === field || c.message.includes(field), `${c.message} (${String(c.details.field)})`).toBe(true);
          expect(cloud.state).toBe(before);
        }
      }),
      { seed: 4714, numRuns: 400 },
    );
  });

  it('update bodies too, and hostile shapes of the body itself (seed 4715)', () => {
    const cloud = devstack(4);
    const { admin } = sessions(cloud);
    const p = admin.network.createSubnetPool({ name: 'p', prefixes: ['10.61.0.0/24'], default_prefixlen: 26 });
    const fields = ['name', 'prefixes', 'default_quota', 'default_prefixlen', 'min_prefixlen', 'max_prefixlen', 'is_default', 'address_scope_id', 'description'];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.anything({ withBigInt: true, withNullPrototype: true }), (field, value) => {
        const before = cloud.state;
        try {
          admin.network.updateSubnetPool({ id: p.id }, { [field]: value });
        } catch (e) {
          expect(e).toBeInstanceOf(CloudError);
          const c = e as CloudError;
          expect(c.status >= 400 && c.status < 500, `status ${c.status}`).toBe(true);
          expect(c.details.field === field || c.message.includes(field), `${c.message} (${String(c.details.field)})`).toBe(true);
          expect(cloud.state).toBe(before);
        }
      }),
      { seed: 4715, numRuns: 300 },
    );
    const circular: Record<string, unknown> = { name: 'c' };
    circular.prefixes = [circular];
    for (const body of [null, 5, 'x', [], circular, JSON.parse('{"__proto__": {"name": "x"}, "name": "p", "prefixes": ["10.62.0.0/16"]}'), { name: 'p', prefixes: Array(5000).fill('10.0.0.0/8') }, { name: 'p', prefixes: [NaN] }]) {
      const e = caught(() => admin.network.createSubnetPool(body as Record<string, unknown>));
      expect(e.status >= 400 && e.status < 500).toBe(true);
    }
    for (const ref of [null, 5, {}, { id: 7 }, '', 'x'.repeat(300)]) {
      const e = caught(() => admin.network.getSubnetPool(ref as string));
      expect(e.status >= 400 && e.status < 500).toBe(true);
    }
  });
});
