/**
 * Properties of reachability (issue 12) on random clouds built from rows: two projects' tenant
 * networks (overlapping CIDRs included), a public external network, routers with or without
 * gateways, SNAT and live agents, ports on three hosts with random groups or port security off,
 * floating IPs, random rules (protocols, port ranges, prefixes, remote groups, stateless groups).
 *
 * - Monotone: adding an allow rule never removes a reachable pair; so removing one never adds one.
 * - Isolation: two projects' tenant networks never reach each other without a router or a
 *   floating IP path: by port id never; through a floating IP only by its DNAT.
 * - The memo changes nothing; a path ends on a failing hop exactly when the answer is a denial.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Memo, type CloudState } from '../../src/core/index.js';
import { explainReachability, type ReachabilityQuery } from '../../src/network/reachability.js';
import { ReachFixture, type RuleSpec } from './reach_fixtures.js';

const CIDRS = ['10.0.0.0/24', '10.0.1.0/24', '10.0.0.0/24', '192.168.0.0/24'];
const HOSTS = ['compute1', 'compute2', 'controller'];
const PREFIXES = [null, null, '0.0.0.0/0', '10.0.0.0/24', '10.0.0.0/16', '172.24.4.0/24', '10.0.1.7/32', '::/0'];
const PROTOCOLS = [null, 'tcp', 'udp', 'icmp', '6', 'any'];

const ruleArb = (groups: number) =>
  fc.record({
    sg: fc.nat(groups - 1),
    direction: fc.constantFrom<'ingress' | 'egress'>('ingress', 'egress'),
    ethertype: fc.constantFrom<'IPv4' | 'IPv6'>('IPv4', 'IPv4', 'IPv6'),
    protocol: fc.constantFrom(...PROTOCOLS),
    range: fc.oneof(fc.constant(null), fc.tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 60 }))),
    prefix: fc.constantFrom(...PREFIXES),
    remote: fc.oneof(fc.constant(null), fc.constant(null), fc.nat(groups - 1)),
  });

const topologyArb = fc.record({
  nets: fc.array(fc.record({ project: fc.nat(1), cidr: fc.nat(CIDRS.length - 1), dhcp: fc.boolean(), type: fc.constantFrom('vxlan', 'vxlan', 'vlan', 'local') as fc.Arbitrary<'vxlan' | 'vlan' | 'local'> }), { minLength: 1, maxLength: 4 }),
  routers: fc.array(fc.record({ project: fc.nat(1), gateway: fc.boolean(), snat: fc.boolean(), ifaces: fc.array(fc.nat(3), { maxLength: 3 }), agentAlive: fc.boolean() }), { maxLength: 3 }),
  groups: fc.array(fc.record({ project: fc.nat(1), stateful: fc.boolean(), open: fc.constantFrom('none', 'egress', 'both', 'both', 'default', 'default') }), { minLength: 1, maxLength: 4 }),
  ports: fc.array(fc.record({ net: fc.nat(3), host: fc.nat(2), security: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)), groups: fc.array(fc.nat(3), { maxLength: 2 }), fip: fc.boolean() }), { minLength: 2, maxLength: 6 }),
});

interface Built {
  readonly f: ReachFixture;
  readonly ports: readonly string[];
  readonly fipAddresses: readonly string[];
  readonly groups: readonly string[];
}

type Topology = typeof topologyArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Builds a topology; with `ownProjectOnly`, a router has interfaces only on its project's
 * networks; with `projectRouters`, each project also gets a live router with a gateway on every
 * subnet of its own that has none yet.
 */
function build(t: Topology, opts: { fips: boolean; ownProjectOnly: boolean; projectRouters?: boolean }): Built {
  const f = new ReachFixture();
  const agents = f.agents();
  const deadL3 = f.agent('network2', 'L3 agent', { alive: false });
  const pub = f.network({ name: 'public', project: 'admin', external: true });
  f.subnet(pub, '172.24.4.0/24', { dhcp: false });
  const nets = t.nets.map((n) => {
    const id = f.network({ project: `p${n.project}`, type: n.type, physnet: n.type === 'vlan' ? 'public' : null });
    const sub = f.subnet(id, CIDRS[n.cidr]!, { dhcp: n.dhcp });
    if (n.dhcp) f.dhcpPort(id, agents.dhcp);
    return { id, sub, project: n.project };
  });
  for (const r of t.routers) {
    const id = f.router({ project: `p${r.project}`, ...(r.gateway ? { gateway: pub } : {}), snat: r.snat, agent: r.agentAlive ? agents.l3 : deadL3 });
    const done = new Set<number>();
    for (const i of r.ifaces) {
      const n = nets[i % nets.length]!;
      if (done.has(i % nets.length) || (opts.ownProjectOnly && n.project !== r.project)) continue;
      done.add(i % nets.length);
      // one router interface per subnet gateway (its address is allocated once)
      if (f.gatewayRouterOf(n.sub) === undefined) f.addInterface(id, n.sub);
    }
  }
  if (opts.projectRouters) {
    for (const project of [0, 1]) {
      const id = f.router({ project: `p${project}`, gateway: pub, agent: agents.l3 });
      for (const n of nets) if (n.project === project && f.gatewayRouterOf(n.sub) === undefined) f.addInterface(id, n.sub);
    }
  }
  const groups = t.groups.map((g) => {
    const sg = f.securityGroup(`p${g.project}`, { stateful: g.stateful });
    // a start that lets some traffic through, so that rules added later have something to take away
    if (g.open !== 'none') f.rule(sg, { direction: 'egress' });
    if (g.open === 'both') f.rule(sg, { direction: 'ingress', prefix: '0.0.0.0/0' });
    if (g.open === 'default') f.rule(sg, { direction: 'ingress', remoteGroup: sg });
    return sg;
  });
  const ports: string[] = [];
  const fipAddresses: string[] = [];
  for (const p of t.ports) {
    const n = nets[p.net % nets.length]!;
    const sgs = [...new Set(p.groups.map((g) => groups[g % groups.length]!))];
    // a port's groups are all stateful or all stateless (securitygroups_db)
    const stateful = (g: string): boolean => f.getGroup(g)?.stateful ?? true;
    const same = sgs.filter((g) => stateful(g) === stateful(sgs[0]!));
    const id = f.port(n.id, { host: HOSTS[p.host]!, security: p.security, sgs: p.security ? same : [], project: `p${n.project}` });
    ports.push(id);
    if (opts.fips && p.fip) {
      const router = f.gatewayRouterOf(n.sub);
      if (router !== undefined && f.getRouter(router).gw_port_id !== null) {
        const fip = f.floatingIp(pub, { port: id, router });
        fipAddresses.push(f.getFloatingIp(fip).floating_ip_address);
      }
    }
  }
  return { f, ports, fipAddresses, groups };
}

type RandomRule = ReturnType<typeof ruleArb> extends fc.Arbitrary<infer R> ? R : never;

/** A random rule as the API would store it (IPv6 rules take only IPv6 prefixes, icmp ranges are type / code). */
function rule(b: Built, r: RandomRule): RuleSpec {
  const icmp = r.protocol === 'icmp';
  const range = r.range === null || r.protocol === null || r.protocol === 'any' ? null : r.range;
  return {
    direction: r.direction,
    ethertype: r.ethertype,
    protocol: r.protocol,
    min: range === null ? null : icmp ? range[0] % 10 : range[0],
    max: range === null ? null : icmp ? null : range[0] + range[1],
    prefix: r.remote !== null || r.prefix === null ? null : r.ethertype === 'IPv6' ? (r.prefix === '::/0' ? '::/0' : null) : r.prefix === '::/0' ? null : r.prefix,
    remoteGroup: r.remote === null ? null : b.groups[r.remote % b.groups.length]!,
  };
}

const QUERY_PROTOCOLS: readonly Pick<ReachabilityQuery, 'protocol' | 'port'>[] = [{ protocol: 'tcp', port: 22 }, { protocol: 'tcp' }, { protocol: 'udp', port: 53 }, { protocol: 'icmp' }, { protocol: 'any' }];

function queries(b: Built): ReachabilityQuery[] {
  const froms: string[] = [...b.ports, 'internet'];
  const tos: string[] = [...b.ports, 'internet', ...b.fipAddresses];
  const out: ReachabilityQuery[] = [];
  for (const from of froms) {
    for (const to of tos) {
      if (from === 'internet' && to === 'internet') continue;
      for (const p of QUERY_PROTOCOLS) out.push({ from, to, ...p });
    }
    if (from !== 'internet') out.push({ from, to: '169.254.169.254' });
  }
  return out;
}

function answers(s: CloudState, qs: readonly ReachabilityQuery[], memo?: Memo): boolean[] {
  return qs.map((q) => explainReachability(s, q, undefined, memo).allowed);
}

describe('reachability properties', () => {
  it('is monotone: adding an allow rule never removes a reachable pair, removing one never adds one (seed 4212)', () => {
    fc.assert(
      fc.property(topologyArb, fc.array(ruleArb(4), { maxLength: 10 }), fc.array(ruleArb(4), { minLength: 1, maxLength: 4 }), (t, rules, extras) => {
        const b = build(t, { fips: true, ownProjectOnly: false });
        for (const r of rules) b.f.rule(b.groups[r.sg % b.groups.length]!, rule(b, r));
        const qs = queries(b);
        const memo = new Memo();
        let was = answers(b.f.build(), qs, memo);
        let added = '';
        for (const extra of extras) {
          added = b.f.rule(b.groups[extra.sg % b.groups.length]!, rule(b, extra));
          const now = answers(b.f.build(), qs, memo);
          for (let i = 0; i < qs.length; i++) {
            if (was[i] && !now[i]) expect.fail(`adding rule ${added} removed ${JSON.stringify(qs[i])}`);
          }
          // removing it gives the answers before it back
          b.f.removeRule(added);
          expect(answers(b.f.build(), qs)).toEqual(was);
          added = b.f.rule(b.groups[extra.sg % b.groups.length]!, rule(b, extra));
          was = now;
        }
      }),
      { seed: 4212, numRuns: 100 },
    );
  });

  it("keeps two projects' networks apart without a router or a floating IP path (seed 4213)", () => {
    fc.assert(
      fc.property(topologyArb, fc.array(ruleArb(4), { maxLength: 8 }), fc.boolean(), fc.boolean(), (t, rules, fips, projectRouters) => {
        const b = build(t, { fips, ownProjectOnly: true, projectRouters });
        // every group admits everything, both ways, from anywhere
        for (const g of b.groups) {
          for (const ethertype of ['IPv4', 'IPv6'] as const) {
            b.f.rule(g, { direction: 'ingress', ethertype, prefix: ethertype === 'IPv4' ? '0.0.0.0/0' : '::/0' });
            b.f.rule(g, { direction: 'egress', ethertype });
          }
        }
        for (const r of rules) b.f.rule(b.groups[r.sg % b.groups.length]!, rule(b, r));
        const s = b.f.build();
        const projectOf = (port: string): string => b.f.getPort(port).project_id;
        const fipOwner = new Map<string, string>();
        for (const address of b.fipAddresses) {
          const a = explainReachability(s, { from: b.ports[0]!, to: address });
          fipOwner.set(address, projectOf(a.to.port_id!));
        }
        for (const from of b.ports) {
          for (const to of [...b.ports, ...b.fipAddresses]) {
            const target = fipOwner.get(to) ?? projectOf(to);
            if (target === projectOf(from)) continue;
            for (const p of QUERY_PROTOCOLS) {
              const a = explainReachability(s, { from, to, ...p });
              if (!a.allowed) continue;
              // allowed across projects: only through a floating IP's DNAT
              expect(fipOwner.has(to), JSON.stringify({ from, to, p })).toBe(true);
              expect(a.path.map((h) => h.kind)).toContain('dnat');
            }
          }
        }
      }),
      { seed: 4213, numRuns: 100 },
    );
  });

  it('answers the same with the memo and without; a denial ends the path on its failing hop (seed 4214)', () => {
    fc.assert(
      fc.property(topologyArb, fc.array(ruleArb(4), { maxLength: 8 }), (t, rules) => {
        const b = build(t, { fips: true, ownProjectOnly: false });
        for (const r of rules) b.f.rule(b.groups[r.sg % b.groups.length]!, rule(b, r));
        const s = b.f.build();
        const memo = new Memo();
        for (const q of queries(b)) {
          const plain = explainReachability(s, q);
          const memoised = explainReachability(s, q, undefined, memo);
          expect(JSON.stringify(memoised)).toBe(JSON.stringify(plain));
          const last = plain.path[plain.path.length - 1];
          if (plain.allowed) expect(plain.path.every((h) => h.passed)).toBe(true);
          else {
            expect(last?.passed).toBe(false);
            expect(last?.description).toBe(plain.deniedBy?.message);
          }
        }
      }),
      { seed: 4214, numRuns: 25 },
    );
  });
});
