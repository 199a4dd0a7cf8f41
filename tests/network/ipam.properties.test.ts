/**
 * Properties of IPAM and of ML2's segments in a running cloud, through `session.network`, on random
 * sequences of calls (fast-check, fixed seeds in the titles):
 * - IPAM (Zed's neutrondb IPAM driver, `ipam_pluggable_backend.py`, `ipam_backend_mixin.py`):
 *   ports created and deleted (with and without requested addresses) and subnets created and
 *   deleted (v4 and v6, /24–/32 and /64, /120–/128, stateful, SLAAC, no mode, DHCP on or off) on a
 *   few networks. No address is handed out twice on a subnet; every address lies in its subnet and
 *   in its pools, unless it was asked for, or is the port's EUI-64 address on a SLAAC subnet; a
 *   deleted port's addresses can be asked for again at once; the subnets of one network never
 *   overlap; MACs are `fa:16:3e` and unique on a network.
 * - Segments (ML2's type drivers): tenant and provider networks created and deleted; segment ids are
 *   unique per type (and physical network for VLAN and flat) and within range; tenant networks take
 *   VXLAN first, then VLAN, and run out (503) exactly when every tenant id is in use.
 * Both: a refused call leaves `cloud.state` the very same object, answers are frozen all the way down.
 */
import fc from 'fast-check';
import { deepFrozen } from './helpers.js';
import { describe, expect, it } from 'vitest';
import { CloudError, createCloud, type Cloud, type Session } from '../../src/index.js';

const PW = 'secret';

/** Runs a call; a refusal must be a CloudError of the allowed statuses and change nothing. */
function attempt<T>(cloud: Cloud, f: () => T, statuses: (s: number) => boolean = (s) => s >= 400 && s < 500): { ok: true; value: T } | { ok: false; error: CloudError } {
  const before = cloud.state;
  try {
    const value = f();
    if (value !== undefined) expect(deepFrozen(value)).toBe(true);
    return { ok: true, value };
  } catch (e) {
    if (!(e instanceof CloudError)) throw e;
    expect(statuses(e.status), `${e.status} ${e.code}: ${e.message}`).toBe(true);
    expect(cloud.state).toBe(before);
    return { ok: false, error: e };
  }
}

// ---------------------------------------------------------------------------------- addresses

interface Net {
  readonly version: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
}

/** An address (v4 dotted or v6 colon-hex) as a number; written here, independent of src. */
function addr(text: string): { version: 4 | 6; value: bigint } {
  if (text.includes('.')) return { version: 4, value: text.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n) };
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head === '' ? [] : head!.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return { version: 6, value: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

function cidr(text: string): Net {
  const [a, p] = text.split('/');
  const { version, value } = addr(a!);
  const prefix = Number(p);
  const size = 1n << BigInt((version === 4 ? 32 : 128) - prefix);
  return { version, first: value, last: value + size - 1n, prefix };
}

function v4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
}

function v6(n: bigint): string {
  return Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
}

/** The modified EUI-64 address of `mac` on a /64 prefix (RFC 4291 appendix A). */
function eui64(prefix: bigint, mac: string): bigint {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  b[0]! ^= 0x02;
  const iid = [b[0]!, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!].reduce((a, x) => (a << 8n) | BigInt(x), 0n);
  return (prefix & ~((1n << 64n) - 1n)) | iid;
}

// ---------------------------------------------------------------------------------- IPAM runs

type SubnetOp = { k: 'subnet'; net: number; version: 4 | 6; prefix: number; slot: number; mode: 'none' | 'stateful' | 'slaac'; dhcp: boolean; noGateway: boolean };
type PortOp = { k: 'port'; net: number; req: 'none' | 'empty' | 'subnet' | 'address' | 'both'; pick: number; offset: number };
type Op = SubnetOp | PortOp | { k: 'delSubnet'; pick: number } | { k: 'delPort'; pick: number; retake: boolean } | { k: 'router'; add: boolean; pick: number };

const subnetOp: fc.Arbitrary<Op> = fc.record({
  k: fc.constant('subnet' as const),
  net: fc.integer({ min: 0, max: 2 }),
  version: fc.constantFrom(4 as const, 6 as const),
  prefix: fc.integer({ min: 0, max: 9 }),
  slot: fc.integer({ min: 0, max: 7 }),
  mode: fc.constantFrom('none' as const, 'stateful' as const, 'slaac' as const),
  dhcp: fc.boolean(),
  noGateway: fc.boolean(),
});
const portOp: fc.Arbitrary<Op> = fc.record({
  k: fc.constant('port' as const),
  net: fc.integer({ min: 0, max: 2 }),
  req: fc.constantFrom('none' as const, 'none' as const, 'empty' as const, 'subnet' as const, 'address' as const, 'both' as const),
  pick: fc.nat(),
  offset: fc.nat({ max: 300 }),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: subnetOp },
  { weight: 5, arbitrary: portOp },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delSubnet' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('delPort' as const), pick: fc.nat(), retake: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('router' as const), add: fc.boolean(), pick: fc.nat() }) },
);

/** The CIDR a subnet op asks for: small blocks packed into one /22 (v4) or one /64 (v6), so they overlap often. */
function cidrOf(op: SubnetOp): string {
  if (op.version === 4) {
    const prefix = [24, 25, 26, 27, 28, 29, 30, 31, 32, 30][op.prefix]!;
    const size = 1 << (32 - prefix);
    const start = (op.slot * size) % 1024;
    return `10.${op.net}.${start >> 8}.${start & 255}/${prefix}`;
  }
  const prefix = [64, 64, 64, 120, 122, 124, 125, 126, 127, 128][op.prefix]!;
  if (prefix === 64) return `fd00:${op.net}:0:${op.slot % 3}::/64`;
  const size = 1n << BigInt(128 - prefix);
  const base = addr(`fd00:${op.net}::`).value;
  return `${v6(base + BigInt(op.slot) * size)}/${prefix}`;
}

interface Base {
  cloud: Cloud;
  networks: string[];
  router: string;
}

let ipamBase: Base | undefined;

/** DevStack with three empty networks and a router of demo's (made once; each run forks it). */
function ipamWorld(): { cloud: Cloud; admin: Session; demo: Session; networks: string[]; router: string } {
  if (ipamBase === undefined) {
    const cloud = createCloud({ seed: 4401, preset: 'devstack', identity: { password_hash_rounds: 1 } });
    const demo = cloud.login({ username: 'demo', password: PW, project: 'demo' });
    ipamBase = { cloud, networks: [0, 1, 2].map((i) => demo.network.createNetwork({ name: `prop-${i}` }).id), router: demo.network.createRouter({ name: 'prop-router' }).id };
  }
  const cloud = ipamBase.cloud.fork();
  return { cloud, admin: cloud.admin, demo: cloud.login({ username: 'demo', password: PW, project: 'demo' }), networks: ipamBase.networks, router: ipamBase.router };
}

interface SubnetLike {
  readonly id: string;
  readonly network_id: string;
  readonly cidr: string;
  readonly gateway_ip: string | null;
  readonly ip_version: number;
  readonly ipv6_address_mode: string | null;
  readonly ipv6_ra_mode: string | null;
  readonly allocation_pools: readonly { readonly start: string; readonly end: string }[];
}
interface PortLike {
  readonly id: string;
  readonly network_id: string;
  readonly mac_address: string;
  readonly device_owner: string;
  readonly fixed_ips: readonly { readonly subnet_id: string; readonly ip_address: string }[];
}

const isAuto = (s: SubnetLike): boolean => s.ip_version === 6 && [s.ipv6_address_mode, s.ipv6_ra_mode].some((m) => m === 'slaac' || m === 'dhcpv6-stateless');

/** Every invariant of the networks' addresses, read as the admin sees them. */
function checkIpam(admin: Session, networks: readonly string[], requested: ReadonlySet<string>): void {
  const subnets = networks.flatMap((n) => admin.network.listSubnets({ network_id: n })) as SubnetLike[];
  const ports = networks.flatMap((n) => admin.network.listPorts({ network_id: n })) as PortLike[];
  const byId = new Map(subnets.map((s) => [s.id, s]));
  // subnets of one network never overlap
  for (const n of networks) {
    const nets = subnets.filter((s) => s.network_id === n).map((s) => cidr(s.cidr));
    for (let i = 0; i < nets.length; i++) for (let j = i + 1; j < nets.length; j++) {
      const [a, b] = [nets[i]!, nets[j]!];
      expect(a.version !== b.version || a.last < b.first || b.last < a.first, 'overlapping subnets').toBe(true);
    }
  }
  const held = new Map<string, string>();
  const macs = new Set<string>();
  for (const p of ports) {
    expect(p.mac_address).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    const macKey = `${p.network_id}/${p.mac_address}`;
    expect(macs.has(macKey), `MAC ${macKey} twice`).toBe(false);
    macs.add(macKey);
    for (const f of p.fixed_ips) {
      const s = byId.get(f.subnet_id);
      expect(s, `port ${p.id} holds an address of an unknown subnet`).toBeDefined();
      expect(s!.network_id).toBe(p.network_id);
      const net = cidr(s!.cidr);
      const a = addr(f.ip_address);
      const key = `${s!.id}/${a.value}`;
      expect(held.has(key), `${f.ip_address} handed out twice on ${s!.cidr}`).toBe(false);
      held.set(key, p.id);
      expect(a.version === net.version && a.value >= net.first && a.value <= net.last, `${f.ip_address} outside ${s!.cidr}`).toBe(true);
      const inPool = s!.allocation_pools.some((r) => addr(r.start).value <= a.value && a.value <= addr(r.end).value);
      const auto = isAuto(s!) && a.value === eui64(net.first, p.mac_address);
      const gateway = p.device_owner === 'network:router_interface' && s!.gateway_ip !== null && addr(s!.gateway_ip).value === a.value;
      expect(inPool || auto || gateway || requested.has(key), `${f.ip_address} on ${s!.cidr} is in no pool ${JSON.stringify(s!.allocation_pools)}, not asked for, not EUI-64, not a router's gateway`).toBe(true);
    }
  }
}

function runIpam(ops: readonly Op[]): void {
  const { cloud, admin, demo, networks, router } = ipamWorld();
  const requested = new Set<string>();
  const mine: string[] = [];
  const subnetsOf = (n: string): SubnetLike[] => admin.network.listSubnets({ network_id: n }) as SubnetLike[];
  for (const op of ops) {
    if (op.k === 'subnet') {
      const network = networks[op.net]!;
      const text = cidrOf(op);
      const asked = cidr(text);
      const overlaps = subnetsOf(network).some((s) => {
        const c = cidr(s.cidr);
        return c.version === asked.version && !(c.last < asked.first || asked.last < c.first);
      });
      const modes = op.version === 6 && op.mode !== 'none' ? { ipv6_ra_mode: op.mode === 'slaac' ? 'slaac' : 'dhcpv6-stateful', ipv6_address_mode: op.mode === 'slaac' ? 'slaac' : 'dhcpv6-stateful' } : {};
      const r = attempt(cloud, () => demo.network.createSubnet({ network_id: network, cidr: text, ip_version: op.version, enable_dhcp: op.dhcp, ...(op.noGateway ? { gateway_ip: null } : {}), ...modes } as never));
      if (overlaps) expect(r.ok, `${text} overlaps a subnet of its network`).toBe(false);
      if (r.ok) expect(cidr(r.value.cidr)).toEqual(asked);
    } else if (op.k === 'router') {
      const all = networks.flatMap(subnetsOf);
      if (all.length === 0) continue;
      const subnet = all[op.pick % all.length]!;
      const r = attempt(cloud, () => (op.add ? demo.network.addRouterInterface(router, { subnet_id: subnet.id }) : demo.network.removeRouterInterface(router, { subnet_id: subnet.id })));
      // a router interface by subnet takes the subnet's gateway address
      if (r.ok && op.add) expect((admin.network.getPort(r.value.port_id) as PortLike).fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: subnet.gateway_ip }]);
    } else if (op.k === 'delSubnet') {
      const all = networks.flatMap(subnetsOf);
      if (all.length === 0) continue;
      attempt(cloud, () => demo.network.deleteSubnet(all[op.pick % all.length]!.id));
    } else if (op.k === 'port') {
      const network = networks[op.net]!;
      const subs = subnetsOf(network);
      let fixed: { subnet_id?: string; ip_address?: string }[] | undefined;
      let wanted: { subnet: string; value: bigint } | undefined;
      if (op.req === 'empty') fixed = [];
      else if (op.req !== 'none') {
        if (subs.length === 0) continue;
        const s = subs[op.pick % subs.length]!;
        const net = cidr(s.cidr);
        const value = net.first + (BigInt(op.offset) % (net.last - net.first + 1n));
        const text = net.version === 4 ? v4(value) : v6(value);
        if (op.req === 'subnet') fixed = [{ subnet_id: s.id }];
        else {
          fixed = op.req === 'address' ? [{ ip_address: text }] : [{ subnet_id: s.id, ip_address: text }];
          wanted = { subnet: s.id, value };
        }
      }
      const taken = wanted !== undefined && networks.flatMap((n) => admin.network.listPorts({ network_id: n }) as PortLike[]).some((p) => p.fixed_ips.some((f) => f.subnet_id === wanted!.subnet && addr(f.ip_address).value === wanted!.value));
      if (wanted !== undefined) requested.add(`${wanted.subnet}/${wanted.value}`);
      const r = attempt(cloud, () => demo.network.createPort({ network_id: network, ...(fixed === undefined ? {} : { fixed_ips: fixed }) }));
      if (taken) expect(r.ok, 'an address in use was handed out again').toBe(false);
      if (r.ok) {
        mine.push(r.value.id);
        if (wanted !== undefined) expect(r.value.fixed_ips.some((f) => f.subnet_id === wanted!.subnet && addr(f.ip_address).value === wanted!.value)).toBe(true);
        if (op.req === 'empty') expect(r.value.fixed_ips.every((f) => isAuto(subs.find((s) => s.id === f.subnet_id)!))).toBe(true);
      }
    } else {
      if (mine.length === 0) continue;
      const id = mine.splice(op.pick % mine.length, 1)[0]!;
      const port = admin.network.getPort(id) as PortLike;
      const subs = subnetsOf(port.network_id);
      attempt(cloud, () => demo.network.deletePort(id));
      if (!op.retake) continue;
      // ask at once for every address it had on a subnet that takes requests
      const again = port.fixed_ips.filter((f) => !isAuto(subs.find((s) => s.id === f.subnet_id)!));
      if (again.length === 0) continue;
      const v4Edge = again.some((f) => {
        const s = cidr(subs.find((x) => x.id === f.subnet_id)!.cidr);
        const a = addr(f.ip_address).value;
        return s.version === 4 && (a === s.first || (s.prefix < 31 && a === s.last));
      });
      const r = attempt(cloud, () => demo.network.createPort({ network_id: port.network_id, fixed_ips: again.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })) }));
      for (const f of again) requested.add(`${f.subnet_id}/${addr(f.ip_address).value}`);
      // check_subnet_ip refuses a v4 network or broadcast address asked for (a /31 or /32 pool holds them)
      expect(r.ok, r.ok ? '' : `asking again for ${again.map((f) => f.ip_address).join(', ')}: ${r.error.message}`).toBe(!v4Edge);
      if (r.ok) {
        mine.push(r.value.id);
        expect(r.value.fixed_ips.filter((f) => again.some((g) => g.subnet_id === f.subnet_id)).map((f) => addr(f.ip_address).value).sort()).toEqual(again.map((f) => addr(f.ip_address).value).sort());
      }
    }
    checkIpam(admin, networks, requested);
  }
}

describe('IPAM in a running cloud', () => {
  it('never hands out an address twice, keeps to the pools, frees deleted ports\' addresses, never overlaps subnets; router interfaces take the gateway (seed 4402)', () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 5, maxLength: 30 }), runIpam), { seed: 4402, numRuns: 60 });
  });

  it('on one crowded v4 network: /29 to /32 subnets fill up, ports come and go (seed 4403)', () => {
    const crowded = fc.array(
      fc.oneof(
        { weight: 1, arbitrary: subnetOp.map((o) => ({ ...(o as SubnetOp), net: 0, version: 4 as const, prefix: 5 + ((o as SubnetOp).prefix % 4), dhcp: false })) },
        { weight: 6, arbitrary: portOp.map((o) => ({ ...(o as PortOp), net: 0 })) },
        { weight: 3, arbitrary: fc.record({ k: fc.constant('delPort' as const), pick: fc.nat(), retake: fc.boolean() }) },
      ),
      { minLength: 10, maxLength: 40 },
    );
    fc.assert(fc.property(crowded, runIpam), { seed: 4403, numRuns: 40 });
  });
});

// ----------------------------------------------------------------------------------- segments

/** DevStack's ML2 with small tenant ranges: VXLAN 1..4, then VLAN 100..102 on `public` and 1..2 on `phys2`. */
const ML2 = {
  ml2: { tenant_network_types: ['vxlan', 'vlan'] },
  ml2_type_flat: { flat_networks: ['public', 'phys2'] },
  ml2_type_vlan: { network_vlan_ranges: ['public:100:102', 'phys2:1:2'] },
  ml2_type_vxlan: { vni_ranges: ['1:4'] },
  ml2_type_geneve: { vni_ranges: ['1:1000'] },
  ml2_type_gre: { tunnel_id_ranges: ['1:1000'] },
};
const VLAN_RANGES: Record<string, [number, number]> = { public: [100, 102], phys2: [1, 2] };
/** VLAN ids are checked (type_vlan.validate_provider_segment); Zed's tunnel drivers check no range on a provider id. */
const MAX_ID: Record<string, number> = { vlan: 4094, vxlan: 2 ** 32 - 1, geneve: 2 ** 32 - 1, gre: 2 ** 32 - 1 };
const MTU: Record<string, number> = { flat: 1500, vlan: 1500, local: 1500, vxlan: 1450, geneve: 1450, gre: 1458 };

type SegOp =
  | { k: 'tenant'; admin: boolean }
  | { k: 'provider'; type: string; physnet: string | null; id: number | null }
  | { k: 'delete'; pick: number };

const segOp: fc.Arbitrary<SegOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('tenant' as const), admin: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('provider' as const),
      type: fc.constantFrom('flat', 'vlan', 'vlan', 'vxlan', 'vxlan', 'gre', 'geneve', 'local'),
      physnet: fc.constantFrom(null, 'public', 'phys2', 'phys3'),
      id: fc.constantFrom(null, null, 1, 2, 3, 4, 5, 100, 101, 102, 4094, 4095, 2 ** 24 - 1, 2 ** 24, 2 ** 32 - 1),
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('delete' as const), pick: fc.nat() }) },
);

let segBase: Cloud | undefined;

interface Seg {
  readonly id: string;
  readonly type: string;
  readonly physnet: string | null;
  readonly seg: number | null;
  readonly mtu: number;
}

function segmentsOf(admin: Session): Seg[] {
  return admin.network.listNetworks().map((n) => ({ id: n.id, type: n['provider:network_type']!, physnet: n['provider:physical_network'] ?? null, seg: n['provider:segmentation_id'] ?? null, mtu: n.mtu }));
}

const key = (s: { type: string; physnet: string | null; seg: number | null }): string => (s.type === 'flat' ? `flat/${s.physnet}` : s.type === 'vlan' ? `vlan/${s.physnet}/${s.seg}` : `${s.type}/${s.seg}`);

function vxlanFree(segs: readonly Seg[]): boolean {
  return [1, 2, 3, 4].some((i) => !segs.some((s) => s.type === 'vxlan' && s.seg === i));
}

function vlanFree(segs: readonly Seg[], physnet?: string): boolean {
  return Object.entries(VLAN_RANGES).some(([p, [lo, hi]]) => (physnet === undefined || p === physnet) && Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).some((id) => !segs.some((s) => s.type === 'vlan' && s.physnet === p && s.seg === id)));
}

function runSegments(ops: readonly SegOp[]): void {
  // `network` is the network service's createCloud option (src/network/config.ts NetworkOptions)
  segBase ??= createCloud({ seed: 4404, preset: 'devstack', identity: { password_hash_rounds: 1 }, network: { ml2: ML2 } } as Parameters<typeof createCloud>[0]);
  const cloud = segBase.fork();
  const admin = cloud.admin;
  const demo = cloud.login({ username: 'demo', password: PW, project: 'demo' });
  const made: string[] = [];
  const tenant = new Set<string>();
  for (const op of ops) {
    const before = segmentsOf(admin);
    if (op.k === 'delete') {
      if (made.length === 0) continue;
      const id = made.splice(op.pick % made.length, 1)[0]!;
      attempt(cloud, () => admin.network.deleteNetwork(id));
      tenant.delete(id);
      continue;
    }
    if (op.k === 'tenant') {
      const full = !vxlanFree(before) && !vlanFree(before);
      const r = attempt(cloud, () => (op.admin ? admin : demo).network.createNetwork({ name: 't' }), (s) => s === 503);
      expect(!r.ok, `tenant network refused ⇔ every tenant id in use (${JSON.stringify(before.map(key))})`).toBe(full);
      if (r.ok) {
        made.push(r.value.id);
        tenant.add(r.value.id);
        const seg = segmentsOf(admin).find((s) => s.id === r.value.id)!;
        expect(seg.type).toBe(vxlanFree(before) ? 'vxlan' : 'vlan');
      }
    } else {
      const body: Record<string, unknown> = { 'provider:network_type': op.type };
      if (op.physnet !== null) body['provider:physical_network'] = op.physnet;
      if (op.id !== null) body['provider:segmentation_id'] = op.id;
      const clash = op.id !== null && before.some((s) => key(s) === key({ type: op.type, physnet: op.physnet, seg: op.id }));
      const r = attempt(cloud, () => admin.network.createNetwork(body), (s) => (s >= 400 && s < 500) || s === 503);
      if (!r.ok && r.error.status === 503) {
        // only a partial request (no id) on a range that is full
        expect(op.id).toBeNull();
        if (op.type === 'vxlan') expect(vxlanFree(before)).toBe(false);
        else {
          expect(op.type).toBe('vlan');
          expect(vlanFree(before, op.physnet ?? undefined)).toBe(false);
        }
      }
      if (clash) expect(r.ok, `${key({ type: op.type, physnet: op.physnet, seg: op.id })} given twice`).toBe(false);
      if (r.ok) {
        made.push(r.value.id);
        const seg = segmentsOf(admin).find((s) => s.id === r.value.id)!;
        expect(seg.type).toBe(op.type);
        if (op.id !== null) expect(seg.seg).toBe(op.id);
        if (op.id === null && op.type === 'vxlan') expect(seg.seg! >= 1 && seg.seg! <= 4).toBe(true);
        if (op.id === null && op.type === 'vlan') {
          const [lo, hi] = VLAN_RANGES[seg.physnet!]!;
          expect(seg.seg! >= lo && seg.seg! <= hi).toBe(true);
        }
      }
    }
    // ids unique per type (and physical network), within range; tenant ids within the tenant ranges; MTUs
    const after = segmentsOf(admin);
    const keys = after.filter((s) => s.type !== 'local').map(key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of after) {
      expect(s.mtu).toBe(MTU[s.type]);
      if (s.type === 'flat' || s.type === 'local') expect(s.seg).toBeNull();
      else expect(Number.isInteger(s.seg) && s.seg! >= 1 && s.seg! <= MAX_ID[s.type]!).toBe(true);
      if (s.type === 'flat' || s.type === 'vlan') expect(['public', 'phys2']).toContain(s.physnet);
      if (tenant.has(s.id)) {
        if (s.type === 'vxlan') expect(s.seg! >= 1 && s.seg! <= 4).toBe(true);
        else {
          expect(s.type).toBe('vlan');
          const [lo, hi] = VLAN_RANGES[s.physnet!]!;
          expect(s.seg! >= lo && s.seg! <= hi).toBe(true);
        }
      }
    }
  }
}

describe('ML2 segments in a running cloud', () => {
  it('unique per type and physical network, within the ranges; tenant networks run out exactly when the ranges are full (seed 4405)', () => {
    fc.assert(fc.property(fc.array(segOp, { minLength: 5, maxLength: 40 }), runSegments), { seed: 4405, numRuns: 60 });
  });
});
