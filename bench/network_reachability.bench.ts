/**
 * Reachability queries per second (issue 12's benchmark, reachability half) on a cloud of
 * 1 000 ports and 50 security groups: 5 projects, 4 VXLAN networks each with a router (SNAT to
 * `public`), 10 groups per project with a handful of rules each (ports, prefixes, remote groups),
 * 100 floating IPs; queries mixed as a lecture would ask them: same network, across the router,
 * to and from the internet, across projects, by address, the metadata service.
 *
 * Three ways, in the same run, median of 5:
 *  1. baseline — the same security-group decision (egress at the source, ingress at the
 *     destination, by protocol, port and IPv4 prefix or group) over plain mutable Maps of rows,
 *     without routing, agents, NAT or any path: what a lookup loop costs;
 *  2. `explainReachability` with the kernel's memo (what the session API passes);
 *  3. `explainReachability` without a memo;
 * and the cost of reading the lazy `path` (the hops built, with their descriptions).
 *
 * Goal of the issue: ≥ 10 000 queries/s with the memo. Printed as PASS / FAIL; exit code 0.
 * The cloud is built from rows by the reachability suites' fixture (tests/network/reach_fixtures.ts).
 */
import { createCloud } from '../src/index.js';
import { Memo } from '../src/core/index.js';
import { explainReachability, type ReachabilityQuery } from '../src/network/reachability.js';
import type { SecurityGroupRuleRow } from '../src/network/types.js';
import { ReachFixture } from '../tests/network/reach_fixtures.js';
import { blackhole, median, now } from './lib.js';

const PORTS = 1000;
const GROUPS = 50;
const QUERIES = 10_000;

/** A small seeded generator (xorshift32): the same cloud and queries every run. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

function buildCloud() {
  const pick = rng(12);
  const f = new ReachFixture();
  const computes = Array.from({ length: 10 }, (_, i) => `compute${i + 1}`);
  const agents = f.agents(computes);
  const pub = f.network({ name: 'public', project: 'admin', external: true });
  f.subnet(pub, '172.24.0.0/16', { dhcp: false });
  const projects = ['p0', 'p1', 'p2', 'p3', 'p4'];
  const groups: string[][] = [];
  const nets: { id: string; project: number; router: string }[] = [];
  projects.forEach((project, pi) => {
    const router = f.router({ project, gateway: pub });
    for (let n = 0; n < 4; n++) {
      const id = f.network({ project });
      const sub = f.subnet(id, `10.${pi}.${n}.0/24`);
      f.addInterface(router, sub);
      f.dhcpPort(id, agents.dhcp);
      nets.push({ id, project: pi, router });
    }
    const own: string[] = [];
    for (let g = 0; g < GROUPS / projects.length; g++) {
      const sg = g === 0 ? f.defaultGroup(project) : f.securityGroup(project, { name: `sg${g}` });
      if (g > 0) {
        f.rule(sg, { direction: 'egress' });
        f.rule(sg, { direction: 'ingress', protocol: 'tcp', min: 22, prefix: '0.0.0.0/0' });
        f.rule(sg, { direction: 'ingress', protocol: 'tcp', min: 80, max: 90, prefix: `10.${pi}.0.0/16` });
        f.rule(sg, { direction: 'ingress', protocol: 'icmp', prefix: '0.0.0.0/0' });
        f.rule(sg, { direction: 'ingress', protocol: 'udp', min: 5000 + g, remoteGroup: own[0] });
        f.rule(sg, { direction: 'ingress', ethertype: 'IPv6', remoteGroup: sg });
      }
      own.push(sg);
    }
    groups.push(own);
  });
  const ports: { id: string; project: number }[] = [];
  // VM ports until the cloud has PORTS ports (router interfaces, gateways, DHCP and floating IP ports count too)
  for (let i = 0; f.net.ports.size < PORTS; i++) {
    const net = nets[pick(nets.length)]!;
    const own = groups[net.project]!;
    const sgs = [own[0]!, own[1 + pick(own.length - 1)]!];
    const id = f.port(net.id, { host: computes[pick(computes.length)]!, sgs });
    ports.push({ id, project: net.project });
    if (i % 9 === 0 && f.net.ports.size < PORTS) f.floatingIp(pub, { port: id, router: net.router });
  }
  return { f, ports, pick, state: f.build() };
}

function queriesOf(c: ReturnType<typeof buildCloud>): ReachabilityQuery[] {
  const { ports, pick, f } = c;
  const protocols: Pick<ReachabilityQuery, 'protocol' | 'port'>[] = [{ protocol: 'tcp', port: 22 }, { protocol: 'tcp', port: 80 }, { protocol: 'icmp' }, { protocol: 'udp', port: 5003 }, { protocol: 'any' }];
  const out: ReachabilityQuery[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const a = ports[pick(ports.length)]!;
    const b = ports[pick(ports.length)]!;
    const p = protocols[pick(protocols.length)]!;
    switch (i % 10) {
      case 0:
        out.push({ from: a.id, to: 'internet', ...p });
        break;
      case 1:
        out.push({ from: 'internet', to: b.id, ...p });
        break;
      case 2:
        out.push({ from: a.id, to: '169.254.169.254' });
        break;
      case 3:
        out.push({ from: f.getPort(a.id).fixed_ips[0]!.ip_address, to: b.id, ...p });
        break;
      default:
        out.push({ from: a.id, to: b.id, ...p });
    }
  }
  return out;
}

interface PlainPort {
  readonly sgs: readonly string[];
  readonly ip: number;
  readonly security: boolean;
}
interface PlainRule {
  readonly direction: string;
  readonly v4: boolean;
  readonly protocol: string | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly net: number;
  readonly mask: number;
  readonly prefix: boolean;
  readonly group: string | null;
}

const ip4 = (text: string): number => text.split('.').reduce((acc, x) => ((acc << 8) | Number(x)) >>> 0, 0);

/** The baseline: the security-group decision over plain Maps (built outside the timing). */
function baseline(c: ReturnType<typeof buildCloud>, qs: readonly ReachabilityQuery[]): () => number {
  const ports = new Map<string, PlainPort>();
  const members = new Map<string, Set<number>>();
  const rules = new Map<string, PlainRule[]>();
  for (const { id } of c.ports) {
    const p = c.f.getPort(id);
    const ip = ip4(p.fixed_ips[0]!.ip_address);
    ports.set(id, { sgs: p.security_groups, ip, security: p.port_security_enabled });
    for (const sg of p.security_groups) {
      if (!members.has(sg)) members.set(sg, new Set());
      members.get(sg)!.add(ip);
    }
  }
  const byIp = new Map<string, string>();
  for (const { id } of c.ports) byIp.set(c.f.getPort(id).fixed_ips[0]!.ip_address, id);
  const all: SecurityGroupRuleRow[] = [];
  const collect = (node: { v?: SecurityGroupRuleRow[]; c?: unknown[] }): void => {
    if (node.c !== undefined) for (const x of node.c) collect(x as typeof node);
    else all.push(...(node.v ?? []));
  };
  collect(c.f.net.security_group_rules.root as never);
  for (const r of all) {
    const [net, len] = r.remote_ip_prefix === null ? ['0.0.0.0', '0'] : r.remote_ip_prefix.split('/');
    const mask = Number(len) === 0 ? 0 : (0xffffffff << (32 - Number(len))) >>> 0;
    const list = rules.get(r.security_group_id) ?? [];
    list.push({ direction: r.direction, v4: r.ethertype === 'IPv4', protocol: r.protocol, min: r.port_range_min, max: r.port_range_max, net: (ip4(net!) & mask) >>> 0, mask, prefix: r.remote_ip_prefix !== null, group: r.remote_group_id });
    rules.set(r.security_group_id, list);
  }
  const admits = (p: PlainPort, direction: string, proto: string, port: number | null, remote: number): boolean => {
    if (!p.security) return true;
    for (const sg of p.sgs) {
      for (const r of rules.get(sg) ?? []) {
        if (r.direction !== direction || !r.v4) continue;
        if (r.protocol !== null && (proto === 'any' || r.protocol !== proto)) continue;
        if (r.min !== null && (port === null || port < r.min || port > (r.max ?? r.min))) continue;
        if (r.group !== null && !members.get(r.group)?.has(remote)) continue;
        if (r.prefix && ((remote & r.mask) >>> 0) !== r.net) continue;
        return true;
      }
    }
    return false;
  };
  return () => {
    let allowed = 0;
    for (const q of qs) {
      const from = typeof q.from === 'string' ? (ports.get(q.from) ?? ports.get(byIp.get(q.from) ?? '')) : undefined;
      const to = typeof q.to === 'string' ? ports.get(q.to) : undefined;
      const proto = q.protocol ?? 'any';
      const port = q.port ?? null;
      if (from !== undefined && to !== undefined) {
        if (admits(from, 'egress', proto, port, to.ip) && admits(to, 'ingress', proto, port, from.ip)) allowed++;
      } else if (from !== undefined) {
        if (admits(from, 'egress', proto, port, 0)) allowed++;
      } else if (to !== undefined) {
        if (admits(to, 'ingress', proto, port, 0)) allowed++;
      }
    }
    return allowed;
  };
}

function rate(run: () => unknown, n: number): number {
  run(); // warm-up
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = now();
    blackhole(run());
    runs.push(n / ((now() - t0) / 1000));
  }
  return median(runs);
}

console.log(`\nstacksim network reachability benchmark (queries per second, median of 5; ${QUERIES.toLocaleString('en')} queries per run)`);
const t0 = now();
const cloud = buildCloud();
const s = cloud.state;
console.log(`  … cloud of ${s.network.ports.size} ports, ${s.network.security_groups.size} security groups, ${s.network.security_group_rules.size} rules, ${s.network.floatingips.size} floating IPs built in ${((now() - t0) / 1000).toFixed(1)} s`);
const qs = queriesOf(cloud);
const memo = new Memo();
const base = rate(baseline(cloud, qs), qs.length);
const withMemo = rate(() => {
  let allowed = 0;
  for (const q of qs) if (explainReachability(s, q, undefined, memo).allowed) allowed++;
  return allowed;
}, qs.length);
const noMemo = rate(() => {
  let allowed = 0;
  for (const q of qs) if (explainReachability(s, q).allowed) allowed++;
  return allowed;
}, qs.length);
const explained = rate(() => {
  let hops = 0;
  for (const q of qs) hops += explainReachability(s, q, undefined, memo).path.length;
  return hops;
}, qs.length);
let allowedCount = 0;
for (const q of qs) if (explainReachability(s, q, undefined, memo).allowed) allowedCount++;
const row = (label: string, r: number) => console.log(`  ${label.padEnd(44)} ${r.toFixed(0).padStart(9)}/s   ${(base / r).toFixed(1).padStart(6)}× the baseline's time`);
console.log(`  ${'baseline (plain Maps, security groups only)'.padEnd(44)} ${base.toFixed(0).padStart(9)}/s`);
row('explainReachability, kernel memo', withMemo);
row('explainReachability, no memo', noMemo);
row('explainReachability + reading path, memo', explained);
console.log(`  (${allowedCount} of ${qs.length} queries allowed)`);
const check = (ok: boolean, text: string) => console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
check(withMemo >= 10_000, `≥ 10 000 reachability queries/s on ${PORTS} ports and ${GROUPS} security groups (${withMemo.toFixed(0)}/s)`);

// Through the public API (`session.network.explainReachability`: token check, Neutron's context,
// the kernel's memo, the answer frozen) on DevStack's cloud: what a notebook or a test pays.
{
  const devstack = createCloud({ seed: 12 });
  const demo = devstack.login({ username: 'demo', password: 'secret', project: 'demo' });
  const priv = demo.network.listNetworks({ name: 'private' })[0]!;
  const a = demo.network.createPort({ network_id: priv.id, device_owner: 'compute:nova', device_id: 'vm1' });
  const b = demo.network.createPort({ network_id: priv.id, device_owner: 'compute:nova', device_id: 'vm2' });
  const q: ReachabilityQuery = { from: a.id, to: b.id, protocol: 'tcp', port: 22 };
  const viaApi = rate(() => {
    let allowed = 0;
    for (let i = 0; i < qs.length; i++) if (demo.network.explainReachability(q).allowed) allowed++;
    return allowed;
  }, qs.length);
  row('demo.network.explainReachability (public API)', viaApi);
  check(viaApi >= 10_000, `≥ 10 000 queries/s through the public API (${viaApi.toFixed(0)}/s)`);
}
