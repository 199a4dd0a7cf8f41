/**
 * ML2's type drivers' segment logic against Neutron's own code: every case
 * `make_segments_golden.py` recorded by calling Neutron Zed (results, exception class and
 * message), then properties of segment allocation, then hostile input (never a TypeError,
 * always a 4xx naming the field).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CloudError, randomOver, rngInit, type RngState } from '../../src/core/index.js';
import * as seg from '../../src/network/index.js';
import { judgeAgainstNeutron, refusal } from './helpers.js';

/** A refusal: bad input is a 4xx; an exhausted range Neutron's 503. */
const refused = (f: () => unknown): CloudError => refusal(f, 599);

judgeAgainstNeutron({
  label: 'ML2 segments',
  file: 'segments_golden.json',
  minCases: 500,
  pythonErrors: new Set(['ValueError', 'KeyError']),
  pythonMessages: true,
  // startup errors (range and physnet names) are 400s here
  statusOf: {
    InvalidInput: 400,
    HTTPBadRequest: 400,
    NetworkVlanRangeError: 400,
    PhysicalNetworkNameError: 400,
    NetworkTunnelRangeError: 400,
  },
  fns: {
    parseNetworkVlanRanges: (e) => seg.parseNetworkVlanRanges(e).map((r) => [r.physical_network, r.ranges]),
    parseTunnelRanges: (t, e) => seg.parseTunnelRanges(t, e),
    segmentMtu: (t, c, p) => seg.segmentMtu(t, c, p),
    networkMtu: (t, c, p) => seg.networkMtu(t, c, p),
    validateProviderSegment: (b, c) => seg.validateProviderSegment(b, c),
    freeSegmentRanges: (r, a) => seg.freeSegmentRanges(r as seg.SegmentRange[], a as number[]),
  },
});

// ----------------------------------------------------------------------------- behaviour

describe('segments: the devstack defaults', () => {
  it('MTUs: vxlan / geneve 1450, gre 1458, flat / vlan 1500; IPv6 overlay and path_mtu lower them', () => {
    expect(seg.NETWORK_TYPES.map((t) => seg.networkMtu(t, {}, 'public'))).toEqual([1500, 1500, 1500, 1458, 1450, 1450]);
    expect(seg.networkMtu('vxlan', { ml2: { overlay_ip_version: 6 } })).toBe(1430);
    expect(seg.networkMtu('vxlan', { ml2: { path_mtu: 1400 } })).toBe(1350);
    expect(seg.networkMtu('vlan', { ml2: { physical_network_mtus: ['public:9000'] }, global_physnet_mtu: 9000 }, 'public')).toBe(9000);
    expect(seg.segmentMtu('local')).toBeNull();
  });

  it('tenant networks take vxlan ids from vni_ranges; exhaustion is NoNetworkAvailable (503)', () => {
    const config = { ml2: { tenant_network_types: ['vxlan'] }, ml2_type_vxlan: { vni_ranges: ['1:3'] } };
    const used: seg.SegmentInUseRef[] = [];
    for (let i = 0; i < 3; i++) used.push(seg.allocateTenantSegment(config, used, (n) => n - 1));
    expect(used.map((s) => s.segmentation_id).sort()).toEqual([1, 2, 3]);
    expect(used[0]).toMatchObject({ network_type: 'vxlan', physical_network: null, mtu: 1450 });
    const e = refused(() => seg.allocateTenantSegment(config, used, () => 0));
    expect([e.status, e.details['neutron'], e.message]).toEqual([503, 'NoNetworkAvailable', 'Unable to create the network. No tenant network is available for allocation.']);
  });

  it('vlan tenant networks fill the first physical network first; provider values are reserved or refused', () => {
    const config = { ml2: { tenant_network_types: ['vlan'] }, ml2_type_vlan: { network_vlan_ranges: ['physnet1:10:11', 'public:20:20'] } };
    const used: seg.SegmentInUseRef[] = [];
    for (let i = 0; i < 3; i++) used.push(seg.allocateTenantSegment(config, used, () => 0));
    expect(used.map((s) => `${s.physical_network}:${s.segmentation_id}`)).toEqual(['physnet1:10', 'physnet1:11', 'public:20']);
    const s = seg.validateProviderSegment({ 'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 20 }, config)!;
    expect(refused(() => seg.reserveProviderSegment(s, config, used, () => 0)).message).toBe('Unable to create the network. The VLAN 20 on physical network public is in use.');
    const outside = seg.validateProviderSegment({ 'provider:network_type': 'vlan', 'provider:physical_network': 'public', 'provider:segmentation_id': 99 }, config)!;
    expect(seg.reserveProviderSegment(outside, config, used, () => 0)).toEqual({ network_type: 'vlan', physical_network: 'public', segmentation_id: 99, mtu: 1500 });
    const flat = seg.validateProviderSegment({ 'provider:network_type': 'flat', 'provider:physical_network': 'public' }, {})!;
    expect(refused(() => seg.reserveProviderSegment(flat, {}, [{ network_type: 'flat', physical_network: 'public' }], () => 0)).status).toBe(409);
  });
});

// -------------------------------------------------------------------------- properties

const SEED = 4243;

describe('segment allocation properties', () => {
  it(`allocated ids always lie in the ranges and are never reused until freed (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 0, max: 12 })), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('vlan', 'vxlan', 'geneve', 'gre'),
        fc.array(fc.nat(9), { maxLength: 80 }),
        fc.integer(),
        (spans, type, ops, seed) => {
          const ranges = spans.map(([lo, n]) => [lo, lo + n] as const);
          const text = ranges.map(([lo, hi]) => `${lo}:${hi}`);
          const config =
            type === 'vlan'
              ? { ml2: { tenant_network_types: ['vlan'] }, ml2_type_vlan: { network_vlan_ranges: text.map((t) => `physnet1:${t}`) } }
              : { ml2: { tenant_network_types: [type] }, [type === 'gre' ? 'ml2_type_gre' : `ml2_type_${type}`]: { [type === 'gre' ? 'tunnel_id_ranges' : 'vni_ranges']: text } };
          const words: RngState = rngInit(seed);
          const random = randomOver(() => words);
          const size = new Set(ranges.flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i))).size;
          let used: seg.SegmentInUseRef[] = [];
          for (const op of ops) {
            if (op < 3 && used.length > 0) {
              used = used.filter((_, i) => i !== op % used.length); // freed: may be handed out again
              continue;
            }
            if (used.length === size) {
              expect(refused(() => seg.allocateTenantSegment(config, used, (n) => random.int(n))).status).toBe(503);
              continue;
            }
            const s = seg.allocateTenantSegment(config, used, (n) => random.int(n));
            expect(s.network_type).toBe(type);
            expect(ranges.some(([lo, hi]) => s.segmentation_id! >= lo && s.segmentation_id! <= hi)).toBe(true);
            expect(used.some((u) => u.segmentation_id === s.segmentation_id)).toBe(false);
            used.push(s);
          }
          const free = seg.freeSegmentRanges(ranges, used.map((u) => u.segmentation_id!));
          expect(free.reduce((n, [lo, hi]) => n + hi - lo + 1, 0) + used.length).toBe(size);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it(`the same seed makes the same choices (seed ${SEED})`, () => {
    const config = { ml2: { tenant_network_types: ['vxlan'] }, ml2_type_vxlan: { vni_ranges: ['1:1000'] } };
    const run = (): (number | null | undefined)[] => {
      const words = rngInit(SEED);
      const random = randomOver(() => words);
      const used: seg.SegmentInUseRef[] = [];
      for (let i = 0; i < 20; i++) used.push(seg.allocateTenantSegment(config, used, (n) => random.int(n)));
      return used.map((s) => s.segmentation_id);
    };
    expect(run()).toEqual(run());
  });
});

// ----------------------------------------------------------------------------- bad input


const HOSTILE: unknown[] = [undefined, null, 42, NaN, Infinity, true, 10n, [], [1], {}, { toString: () => 'vlan' }, Symbol('x'), () => 1, 'x'.repeat(1_000_000)];

describe('segments bad input: a 4xx CloudError naming the field, never a TypeError', () => {
  it('every function refuses values of the wrong type', () => {
    for (const bad of HOSTILE) {
      const r = (f: () => unknown): CloudError => {
        const e = refusal(f);
        expect(e.status < 500).toBe(true);
        return e;
      };
      if (!(Array.isArray(bad) && bad.length === 0)) expect(r(() => seg.parseNetworkVlanRanges(bad)).details['field']).toMatch(/^ml2_type_vlan\.network_vlan_ranges/);
      if (!(Array.isArray(bad) && bad.length === 0)) expect(r(() => seg.parseTunnelRanges('vxlan', bad)).details['field']).toMatch(/^ml2_type_vxlan\.vni_ranges/);
      expect(r(() => seg.parseTunnelRanges(bad, ['1:2'])).details['field']).toBe('network_type');
      if (bad !== null && bad !== undefined) expect(r(() => seg.segmentMtu(bad)).details['field']).toBe('network_type');
      if (bad !== undefined && !(typeof bad === 'object' && bad !== null && !Array.isArray(bad))) expect(r(() => seg.networkMtu('vxlan', bad)).details['field']).toBe('config');
      if (bad !== undefined && !Number.isSafeInteger(bad)) expect(r(() => seg.networkMtu('vxlan', { global_physnet_mtu: bad })).details['field']).toBe('global_physnet_mtu');
      if (typeof bad !== 'object' || bad === null || Array.isArray(bad)) expect(r(() => seg.validateProviderSegment(bad)).details['field']).toMatch(/^(network|provider:network_type)$/);
      // Python's int() takes 42, True and 10: those are segmentation ids
      if (bad !== undefined && bad !== 42 && bad !== true && bad !== 10n) expect(r(() => seg.validateProviderSegment({ 'provider:network_type': 'vlan', 'provider:segmentation_id': bad })).details['field']).toBe('provider:segmentation_id');
      if (bad !== undefined) expect(r(() => seg.validateProviderSegment({ 'provider:network_type': 'vlan', 'provider:physical_network': bad })).details['field']).toBe('provider:physical_network');
      if (!(Array.isArray(bad) && bad.length === 0)) expect(r(() => seg.freeSegmentRanges(bad as seg.SegmentRange[], [])).details['field']).toMatch(/^ranges/);
      if (!Array.isArray(bad)) expect(r(() => seg.freeSegmentRanges([[1, 2]], bad as number[])).details['field']).toMatch(/^allocated/);
      if (typeof bad !== 'function') expect(r(() => seg.pickFreeSegmentId([[1, 5]], [], bad as (n: number) => number)).details['field']).toBe('choose');
      if (!(Array.isArray(bad) && bad.length === 0)) expect(r(() => seg.allocateTenantSegment({ ml2: { tenant_network_types: ['vxlan'] }, ml2_type_vxlan: { vni_ranges: ['1:5'] } }, bad as seg.SegmentInUseRef[], () => 0)).details['field']).toMatch(/^allocated/);
    }
  });

  it('unknown options and a __proto__ key are refused, not read', () => {
    expect(refusal(() => seg.networkMtu('vxlan', { ml2: { path_mtuu: 1 } })).details['field']).toBe('ml2.path_mtuu');
    expect(refusal(() => seg.networkMtu('vxlan', JSON.parse('{"__proto__": {"path_mtu": 1}}'))).details['field']).toBe('config.__proto__');
    expect(refusal(() => seg.checkMl2Config({ ml2: { tenant_network_types: ['vxlan'], type_drivers: ['vlan'] } })).details['field']).toBe('ml2.tenant_network_types');
  });
});
