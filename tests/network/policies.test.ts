/**
 * Neutron's Zed default rules (src/network/policies.ts, written by make_policies.py from
 * `neutron.conf.policies.list_rules()`) and its `field` check kind (neutron/policy.py FieldCheck).
 * The field check's expected answers are what Zed's own FieldCheck returned for the same match and
 * target (run with RESOURCES extended by neutron-lib's definitions, as a server with its
 * extensions loaded has it); where Neutron raises, the check throws and the engine denies.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePolicy, referencedRules, PolicyEngine, PolicyService, Forbidden, type PolicyCredentials, type PolicyTarget } from '../../src/core/index.js';
import { createCloud } from '../../src/cloud.js';
import { SERVICES } from '../../src/services.js';
import { NEUTRON_POLICIES, NEUTRON_POLICY_CHECKS } from '../../src/network/policies.js';

const field = NEUTRON_POLICY_CHECKS['field'] as NonNullable<(typeof NEUTRON_POLICY_CHECKS)['field']>;
const NETWORK = { service: 'network', checks: NEUTRON_POLICY_CHECKS } as const;

// neutron_lib Context.to_policy_values: oslo.context's values plus tenant_id (= project_id)
const creds = (project: string, roles: string[]): PolicyCredentials => ({
  user_id: `u-${project}`,
  user_domain_id: 'default',
  project_id: project,
  project_domain_id: 'default',
  tenant_id: project,
  domain_id: null,
  system_scope: null,
  roles,
  is_admin_project: roles.includes('admin'),
});
const memberP1 = creds('p1', ['member', 'reader']);
const readerP2 = creds('p2', ['reader']);
const memberP2 = creds('p2', ['member', 'reader']);
const adminP0 = creds('p0', ['admin', 'member', 'reader']);
const systemAdmin: PolicyCredentials = { user_id: 'u-sys', project_id: null, domain_id: null, system_scope: 'all', roles: ['admin', 'member', 'reader'] };

describe('NEUTRON_POLICIES', () => {
  it("holds every rule of Zed's list_rules(), in order, once each, base rules first", () => {
    expect(NEUTRON_POLICIES).toHaveLength(261);
    expect(new Set(NEUTRON_POLICIES.map((r) => r.name)).size).toBe(261);
    expect(NEUTRON_POLICIES.slice(0, 3).map((r) => r.name)).toEqual(['context_is_admin', 'owner', 'admin_or_owner']);
    const byName = new Map(NEUTRON_POLICIES.map((r) => [r.name, r]));
    expect(byName.get('default')).toEqual({ name: 'default', check_str: 'rule:admin_or_owner', description: 'Default access rule' });
    expect(byName.get('shared')?.check_str).toBe('field:networks:shared=True');
    expect(byName.get('external')?.check_str).toBe('field:networks:router:external=True');
    expect(byName.get('network_owner')?.check_str).toBe('tenant_id:%(network:tenant_id)s');
    expect(byName.get('get_network')).toMatchObject({
      check_str: 'rule:admin_only or role:reader and project_id:%(project_id)s or rule:shared or rule:external or rule:context_is_advsvc',
      scope_types: ['project'],
      operations: [{ path: '/networks', method: 'GET' }, { path: '/networks/{id}', method: 'GET' }],
    });
  });

  it('parses with core\'s parser, every check string and deprecated one (any that does not is named here)', () => {
    const failures: string[] = [];
    for (const r of NEUTRON_POLICIES) {
      for (const [name, text] of [[r.name, r.check_str], ...(r.deprecated_rule ? [[`${r.name} (deprecated ${r.deprecated_rule.name})`, r.deprecated_rule.check_str]] : [])] as [string, string][]) {
        try {
          parsePolicy(text, name);
        } catch (e) {
          failures.push(`${name}: ${(e as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('registers on a PolicyEngine, with new defaults and with the deprecated ones or-ed in', () => {
    for (const enforceNewDefaults of [true, false]) {
      const e = new PolicyEngine({ enforceNewDefaults });
      e.registerDefaults(NEUTRON_POLICIES, NETWORK);
      expect(e.listRules().map((r) => r.name)).toEqual(NEUTRON_POLICIES.map((r) => r.name));
    }
  });

  it("refers only to Neutron's own rules (no reference relies on another service or on the default fallback)", () => {
    const names = new Set(NEUTRON_POLICIES.map((r) => r.name));
    const dangling = NEUTRON_POLICIES.flatMap((r) =>
      [r.check_str, r.deprecated_rule?.check_str ?? ''].flatMap((text) => referencedRules(parsePolicy(text)).filter((ref) => !names.has(ref)).map((ref) => `${r.name} -> ${ref}`)),
    );
    expect(dangling).toEqual([]);
  });

  it('every field: check in the defaults is well formed (answers, never throws, on an empty target)', () => {
    const matches = NEUTRON_POLICIES.flatMap((r) => [r.check_str, r.deprecated_rule?.check_str ?? ''])
      .flatMap((text) => text.split(/[\s()]+/))
      .filter((word) => word.startsWith('field:'))
      .map((word) => word.slice('field:'.length));
    expect(new Set(matches)).toEqual(
      new Set(['networks:shared=True', 'address_groups:shared=True', 'address_scopes:shared=True', 'networks:router:external=True', 'port:device_owner=~^network:', 'rbac_policy:target_tenant=*', 'rbac_policy:target_project=*', 'subnetpools:shared=True']),
    );
    for (const m of matches) expect(field(m, {}, memberP1)).toBe(false);
  });
});

describe("the field check (neutron/policy.py FieldCheck), against Zed's answers", () => {
  // [match, target, Zed's FieldCheck answer, or 'raises' where it raises at load or at the call]
  const cases: [string, PolicyTarget, boolean | 'raises'][] = [
    ['networks:shared=True', { shared: true }, true],
    ['networks:shared=True', { shared: false }, false],
    ['networks:shared=True', {}, false],
    ['networks:shared=True', { shared: null }, false],
    ['networks:shared=True', { shared: 'True' }, false],
    ['networks:shared=True', { shared: 1 }, true],
    ['networks:shared=True', { shared: 0 }, false],
    ['networks:shared=True', { shared: 2 }, false],
    ['networks:shared=True', { shared: [true] }, false],
    ['networks:shared=False', { shared: false }, true],
    ['networks:shared=False', {}, false],
    ['networks:shared=yes', { shared: true }, true],
    ['networks:router:external=True', { 'router:external': true }, true],
    ['networks:router:external=True', { 'router:external': false }, false],
    ['networks:router:external=True', { external: true }, false],
    ['rbac_policy:target_tenant=*', { target_tenant: '*' }, true],
    ['rbac_policy:target_tenant=*', { target_tenant: 'p1' }, false],
    ['port:device_owner=~^network:', { device_owner: 'network:dhcp' }, true],
    ['port:device_owner=~^network:', { device_owner: 'compute:nova' }, false],
    ['port:device_owner=~^network:', { device_owner: 'xnetwork:' }, false],
    ['port:device_owner=~network', { device_owner: 'compute:network' }, false],
    ['port:device_owner=~^network:', { device_owner: 5 }, 'raises'],
    ['networks:mtu=1450', { mtu: 1450 }, true],
    ['networks:mtu=1450', { mtu: '1450' }, false],
    ['networks:mtu=+1_450', { mtu: 1450 }, true],
    ['networks:name=abc', { name: 'abc' }, true],
    ['networks:name=True', { name: true }, false],
    ['networks:dns_domain=ABC.', { dns_domain: 'abc.' }, true],
    ['networks:shared=', { shared: true }, 'raises'],
    ['networks', { shared: true }, 'raises'],
    ['networks:shared', { shared: true }, 'raises'],
  ];
  it.each(cases)('%s on %j → %s', (match, target, expected) => {
    if (expected === 'raises') expect(() => field(match, target, memberP1)).toThrow();
    else expect(field(match, target, memberP1)).toBe(expected);
  });

  it('reads only own properties of the target', () => {
    const target = Object.create({ shared: true }) as PolicyTarget;
    expect(field('networks:shared=True', target, memberP1)).toBe(false);
    expect(field('networks:constructor=x', {}, memberP1)).toBe(false);
    // an unknown resource has no converter (Neutron's KeyError): the value stays the string 'True'
    expect(field('__proto__:shared=True', { shared: true }, memberP1)).toBe(false);
    expect(field('__proto__:shared=True', { shared: 'True' }, memberP1)).toBe(true);
    expect(field('networks:__proto__=True', { shared: true }, memberP1)).toBe(false);
  });

  it('field:networks:shared=True passes exactly for true and 1, whatever else the target holds (seed 1212)', () =>
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const expected = value === true || value === 1;
        expect(field('networks:shared=True', { shared: value } as PolicyTarget, memberP1)).toBe(expected);
      }),
      { seed: 1212 },
    ));
});

describe("Neutron's rules enforced with the field check", () => {
  const engine = (checks: boolean): PolicyEngine => {
    const e = new PolicyEngine();
    e.registerDefaults(NEUTRON_POLICIES, checks ? NETWORK : { service: 'network' });
    return e;
  };
  const p1net = { project_id: 'p1', tenant_id: 'p1', shared: false, 'router:external': false };

  it("shows another project's network when it is shared or external, only with the field kind registered", () => {
    const [withField, without] = [engine(true), engine(false)];
    expect(withField.authorize('get_network', readerP2, p1net)).toBe(false);
    expect(withField.authorize('get_network', readerP2, { ...p1net, shared: true })).toBe(true);
    expect(withField.authorize('get_network', readerP2, { ...p1net, 'router:external': true })).toBe(true);
    expect(without.authorize('get_network', readerP2, { ...p1net, shared: true })).toBe(false);
    expect(withField.authorize('get_network', memberP1, p1net)).toBe(true);
    expect(withField.authorize('get_subnet', readerP2, { project_id: 'p1', tenant_id: 'p1', shared: true })).toBe(true);
  });

  it("lets the network's owner act through tenant_id:%(network:tenant_id)s, and keeps network: device owners to admins and owners", () => {
    const e = engine(true);
    const subnet = { project_id: 'p1', tenant_id: 'p1', 'network:tenant_id': 'p2' };
    expect(e.authorize('create_subnet', memberP2, subnet)).toBe(true); // the network's owner
    expect(e.authorize('create_subnet', creds('p3', ['member']), subnet)).toBe(false);
    const port = (owner: string): PolicyTarget => ({ project_id: 'p1', tenant_id: 'p1', device_owner: owner, 'network:tenant_id': 'p2' });
    expect(e.authorize('create_port:device_owner', memberP1, port('compute:nova'))).toBe(true);
    expect(e.authorize('create_port:device_owner', memberP1, port('network:dhcp'))).toBe(false);
    expect(e.authorize('create_port:device_owner', memberP2, port('network:dhcp'))).toBe(true);
    expect(e.authorize('create_port:device_owner', adminP0, port('network:dhcp'))).toBe(true);
  });

  it('refuses wildcard RBAC targets to all but admins (restrict_wildcard: not field:… and not field:…)', () => {
    const e = engine(true);
    expect(e.authorize('create_rbac_policy:target_tenant', memberP1, { project_id: 'p1', tenant_id: 'p1', target_tenant: '*' })).toBe(false);
    expect(e.authorize('create_rbac_policy:target_tenant', memberP1, { project_id: 'p1', tenant_id: 'p1', target_tenant: 'p2' })).toBe(true);
    expect(e.authorize('create_rbac_policy:target_tenant', adminP0, { project_id: 'p1', tenant_id: 'p1', target_tenant: '*' })).toBe(true);
  });

  it('never throws on any rule, credentials or target, only the policy answer', () => {
    const e = engine(true);
    for (const { name } of NEUTRON_POLICIES) {
      for (const c of [memberP1, readerP2, adminP0, systemAdmin, { roles: [] }]) {
        for (const target of [{}, p1net, { device_owner: 7, shared: 'x', 'network:tenant_id': null }]) {
          try {
            e.enforce(name, c, target);
          } catch (err) {
            expect(err).toBeInstanceOf(Forbidden);
          }
        }
      }
    }
  });
});

describe("a cloud with Neutron's rules registered", () => {
  /** What Cloud's constructor does, with Neutron's batch last (unless the list already holds it). */
  const services = (cloud: ReturnType<typeof createCloud>, neutron: boolean): PolicyService => {
    const p = new PolicyService(cloud.kernel);
    for (const s of SERVICES as readonly { policies?: typeof NEUTRON_POLICIES; name: string }[]) {
      if (s.policies && s.policies !== NEUTRON_POLICIES) p.registerDefaults(s.policies, { service: s.name });
    }
    if (neutron) p.registerDefaults(NEUTRON_POLICIES, NETWORK);
    return p;
  };

  it("answers every other service's rule as before, undefined references included; Neutron's go to Neutron's default", () => {
    const cloud = createCloud({ seed: 12, preset: 'empty' });
    const [before, after] = [services(cloud, false), services(cloud, true)];
    const others = before.listRules().map((r) => r.name);
    const people = [memberP1, readerP2, adminP0, systemAdmin, creds('p1', ['admin', 'member', 'reader'])];
    const targets: PolicyTarget[] = [{}, { project_id: 'p1', tenant_id: 'p1', user_id: 'u-p1' }, { project_id: 'p2', tenant_id: 'p2', user_id: 'u-p1' }, { target: { project: { id: 'p1' } }, project_id: 'p1', visibility: 'public' }];
    const answers = (p: PolicyService): boolean[] => others.flatMap((r) => people.flatMap((c) => targets.map((t) => p.authorize(r, c, t))));
    expect(answers(after)).toEqual(answers(before));
    // the cloud's names stay the first registrants': Glance's default, Keystone's owner
    expect(after.getRule('default').check_str).toBe('');
    expect(after.getRule('owner').check_str).toBe(before.getRule('owner').check_str);
    expect(after.getRule('context_is_admin')).toEqual(before.getRule('context_is_admin'));

    // an undefined reference: Keystone's fails, Glance's reaches Glance's default (''), Neutron's Neutron's
    cloud.policy.setRule('identity:list_projects', 'rule:no_such_rule');
    cloud.policy.setRule('get_images', 'rule:no_such_rule');
    cloud.policy.setRule('create_network', 'rule:no_such_rule');
    expect(answers(after)).toEqual(answers(before));
    expect(after.authorize('identity:list_projects', systemAdmin)).toBe(false);
    expect(after.authorize('get_images', readerP2)).toBe(true);
    expect(after.authorize('create_network', memberP1, { project_id: 'p1', tenant_id: 'p1' })).toBe(true);
    expect(after.authorize('create_network', memberP2, { project_id: 'p1', tenant_id: 'p1' })).toBe(false);
    expect(after.authorize('create_network', adminP0, { project_id: 'p1', tenant_id: 'p1' })).toBe(true);
  });
});
