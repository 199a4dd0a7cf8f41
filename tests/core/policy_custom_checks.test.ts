/**
 * Registered check kinds (oslo.policy's `@policy.register(kind)`, as neutron/policy.py registers
 * `field` and `tenant_id`) and per-service namespaces: what a descriptor's `policyChecks` and a
 * second service's base rules of the same name do to the engine, and what they leave alone.
 */
import { describe, it, expect } from 'vitest';
import { PolicyEngine, parsePolicy, evaluatePolicy, Memo, PolicyService, type PolicyCredentials, type PolicyDefault, type PolicyTarget, type ServiceDescriptor } from '../../src/core/index.js';
import { createCloud } from '../../src/cloud.js';
import type { CustomCheck } from '../../src/core/policy/evaluate.js';

const member: PolicyCredentials = { user_id: 'u1', project_id: 'p1', tenant_id: 'p1', roles: ['member', 'reader'] };
const other: PolicyCredentials = { user_id: 'u2', project_id: 'p2', tenant_id: 'p2', roles: ['member', 'reader'] };
const admin: PolicyCredentials = { user_id: 'u0', project_id: 'p0', tenant_id: 'p0', roles: ['admin', 'member', 'reader'] };

/** A check kind recording its calls: passes when the target's `flag` equals the match. */
function recorder(): { check: CustomCheck; calls: [string, PolicyTarget, PolicyCredentials][] } {
  const calls: [string, PolicyTarget, PolicyCredentials][] = [];
  return { calls, check: (match, target, creds) => (calls.push([match, target, creds]), String(target['flag']) === match) };
}

describe('a registered check kind', () => {
  it('decides checks of its kind, given the match after substitution, the target and the credentials', () => {
    const { check, calls } = recorder();
    const e = new PolicyEngine();
    e.registerDefaults([{ name: 'flagged', check_str: 'flag:%(want)s' }], { service: 'network', checks: { flag: check } });
    expect(e.authorize('flagged', member, { want: 'on', flag: 'on' })).toBe(true);
    expect(e.authorize('flagged', member, { want: 'on', flag: 'off' })).toBe(false);
    expect(calls.map(([m]) => m)).toEqual(['on', 'on']);
    expect(calls[0]?.[1]).toEqual({ want: 'on', flag: 'on' });
    expect(calls[0]?.[2]).toMatchObject({ user_id: 'u1', roles: ['member', 'reader'] });
    // a missing substitution fails the check before it is called, as for a generic check
    expect(e.authorize('flagged', member, { flag: 'on' })).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('without the kind registered, the same rule is today\'s generic check on the credentials', () => {
    const e = new PolicyEngine();
    e.registerDefaults([{ name: 'flagged', check_str: 'flag:%(want)s' }]);
    expect(e.authorize('flagged', member, { want: 'on', flag: 'on' })).toBe(false);
    expect(e.authorize('flagged', { ...member, flag: 'on' }, { want: 'on' })).toBe(true);
    // evaluatePolicy: the same tree with and without the kind
    const rule = parsePolicy('flag:on');
    expect(evaluatePolicy(rule, { flag: 'on' }, member)).toBe(false);
    expect(evaluatePolicy(rule, { flag: 'on' }, member, undefined, { flag: recorder().check })).toBe(true);
    expect(evaluatePolicy(rule, {}, { ...member, flag: 'on' }, undefined, { other: recorder().check })).toBe(true);
  });

  it('applies only to the rules of the service that registered it (each service its own enforcer)', () => {
    const e = new PolicyEngine();
    e.registerDefaults([{ name: 'identity:x', check_str: 'flag:on' }], { service: 'identity' });
    e.registerDefaults([{ name: 'network:x', check_str: 'flag:on' }], { service: 'network', checks: { flag: recorder().check } });
    expect(e.authorize('network:x', member, { flag: 'on' })).toBe(true);
    expect(e.authorize('identity:x', member, { flag: 'on' })).toBe(false);
    expect(e.authorize('identity:x', { ...member, flag: 'on' })).toBe(true);
    // an operator's override of the network rule is evaluated with the network's kinds too
    e.setRule('network:x', 'flag:off or role:auditor');
    expect(e.authorize('network:x', member, { flag: 'off' })).toBe(true);
    // a custom alias takes the kinds of the rule being enforced
    e.setRule('alias', 'flag:on');
    e.setRule('network:x', 'rule:alias');
    e.setRule('identity:x', 'rule:alias');
    expect(e.authorize('network:x', member, { flag: 'on' })).toBe(true);
    expect(e.authorize('identity:x', member, { flag: 'on' })).toBe(false);
  });

  it('counts a throw, or any answer but true, as false (and `not` of it as true)', () => {
    const e = new PolicyEngine();
    const boom: CustomCheck = () => {
      throw new TypeError('expected a string');
    };
    const truthy = (() => 1) as unknown as CustomCheck;
    e.registerDefaults(
      [
        { name: 'boom', check_str: 'boom:x' },
        { name: 'not_boom', check_str: 'not boom:x' },
        { name: 'boom_or_member', check_str: 'boom:x or role:member' },
        { name: 'truthy', check_str: 'truthy:x' },
      ],
      { service: 's', checks: { boom, truthy } },
    );
    expect(e.authorize('boom', admin)).toBe(false);
    expect(() => e.enforce('boom', admin)).toThrow(expect.objectContaining({ status: 403, code: 'core.policy.forbidden' }));
    expect(e.authorize('not_boom', admin)).toBe(true);
    expect(e.authorize('boom_or_member', member)).toBe(true);
    expect(e.authorize('truthy', admin)).toBe(false);
  });

  it('refuses kinds the parser never hands to a generic check, and non-functions, naming the field; nothing registered', () => {
    const e = new PolicyEngine();
    const rules: PolicyDefault[] = [{ name: 'r', check_str: '@' }];
    for (const kind of ['rule', 'role', "'x'", '1', 'True', 'a b', 'http', 'class']) {
      const error = (() => {
        try {
          e.registerDefaults(rules, { service: 's', checks: { [kind]: recorder().check } });
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      if (kind === 'http') {
        // `http` reads as a credential key; the parser refuses `http:` checks before any kind is asked
        expect(error).toBeUndefined();
        e.resetRule('r');
        continue;
      }
      expect(error, kind).toMatchObject({ status: 400, details: { field: `registration.checks.${kind}` } });
    }
    const f = new PolicyEngine();
    expect(() => f.registerDefaults(rules, { service: 's', checks: { field: 'yes' as never } })).toThrow(
      expect.objectContaining({ status: 400, details: { field: 'registration.checks.field' } }),
    );
    expect(() => f.registerDefaults(rules, { service: 's', extra: 1 } as never)).toThrow(expect.objectContaining({ details: { field: 'registration.extra' } }));
    expect(() => f.registerDefaults(rules, { service: '' })).toThrow(expect.objectContaining({ details: { field: 'registration.service' } }));
    expect(() => f.registerDefaults(rules, null as never)).toThrow(expect.objectContaining({ details: { field: 'registration' } }));
    expect(f.hasRule('r')).toBe(false);
    f.registerDefaults(rules, { service: 's', checks: { field: recorder().check } });
    expect(() => f.registerDefaults([{ name: 'r2', check_str: '@' }], { service: 's', checks: { field: recorder().check } })).toThrow(
      expect.objectContaining({ status: 400, details: { field: 'registration.checks.field' } }),
    );
    expect(f.hasRule('r2')).toBe(false);
  });

  it('never reaches a prototype: a rule of kind `constructor` or `__proto__` is generic unless registered as an own key', () => {
    const e = new PolicyEngine();
    e.registerDefaults([{ name: 'c', check_str: 'constructor:x' }, { name: 't', check_str: 'toString:x' }], { service: 's', checks: { flag: recorder().check } });
    expect(e.authorize('c', member)).toBe(false);
    expect(e.authorize('t', member)).toBe(false);
  });

  it('keeps the memoised parse: the parsed tree is shared, the kinds change only the answer', () => {
    const memo = new Memo();
    const a = new PolicyEngine({}, memo);
    const b = new PolicyEngine({}, memo);
    a.registerDefaults([{ name: 'x', check_str: 'flag:on and role:member' }], { service: 'n', checks: { flag: recorder().check } });
    b.registerDefaults([{ name: 'x', check_str: 'flag:on and role:member' }]);
    expect(a.getRule('x').rule).toBe(b.getRule('x').rule);
    expect(a.authorize('x', member, { flag: 'on' })).toBe(true);
    expect(b.authorize('x', member, { flag: 'on' })).toBe(false);
  });
});

describe("substitution keys holding ':' (Neutron's tenant_id:%(network:tenant_id)s)", () => {
  it('reads the target key whole, as Python\'s % does, and compares with the credentials\' tenant_id', () => {
    const rule = parsePolicy('tenant_id:%(network:tenant_id)s');
    expect(rule).toEqual({ type: 'generic', key: 'tenant_id', match: '%(network:tenant_id)s' });
    expect(evaluatePolicy(rule, { 'network:tenant_id': 'p1' }, member)).toBe(true);
    expect(evaluatePolicy(rule, { 'network:tenant_id': 'p1' }, other)).toBe(false);
    expect(evaluatePolicy(rule, { network: { tenant_id: 'p1' } }, member)).toBe(false); // a nested dict is not the key
    expect(evaluatePolicy(rule, {}, member)).toBe(false);
    expect(evaluatePolicy(parsePolicy('tenant_id:%(ext_parent:tenant_id)s'), { 'ext_parent:tenant_id': 'p2' }, other)).toBe(true);
    expect(evaluatePolicy(rule, { 'network:tenant_id': 'p1' }, { roles: [] })).toBe(false); // credentials without tenant_id
  });
});

describe('per-service namespaces', () => {
  const keystone: PolicyDefault[] = [
    { name: 'owner', check_str: 'user_id:%(user_id)s' },
    { name: 'admin_or_owner', check_str: 'role:admin or rule:owner' },
    { name: 'identity:thing', check_str: 'rule:admin_or_owner', operations: [{ path: '/v3/thing', method: 'GET' }] },
    { name: 'identity:undefined_ref', check_str: 'rule:nothing_here' },
  ];
  const glance: PolicyDefault[] = [
    { name: 'default', check_str: '' },
    { name: 'context_is_admin', check_str: 'role:admin' },
    { name: 'get_thing', check_str: 'rule:nothing_here', operations: [{ path: '/v2/thing', method: 'GET' }] },
  ];
  const neutron: PolicyDefault[] = [
    { name: 'context_is_admin', check_str: 'role:admin' },
    { name: 'owner', check_str: 'tenant_id:%(tenant_id)s' },
    { name: 'admin_or_owner', check_str: 'rule:context_is_admin or rule:owner' },
    { name: 'default', check_str: 'rule:admin_or_owner' },
    { name: 'get_net', check_str: 'rule:admin_or_owner', operations: [{ path: '/networks', method: 'GET' }] },
    { name: 'get_other', check_str: 'rule:nothing_here', operations: [{ path: '/other', method: 'GET' }] },
  ];
  const build = (withNeutron: boolean): PolicyEngine => {
    const e = new PolicyEngine();
    e.registerDefaults(keystone, { service: 'identity' });
    e.registerDefaults(glance, { service: 'image' });
    if (withNeutron) e.registerDefaults(neutron, { service: 'network' });
    return e;
  };

  it("a named service's base rules may share names with an earlier service's; each service sees its own", () => {
    const e = build(true);
    // Neutron's owner is tenant_id, Keystone's user_id
    expect(e.authorize('get_net', member, { tenant_id: 'p1', user_id: 'someone' })).toBe(true);
    expect(e.authorize('get_net', member, { tenant_id: 'p2', user_id: 'u1' })).toBe(false);
    expect(e.authorize('identity:thing', member, { tenant_id: 'p2', user_id: 'u1' })).toBe(true);
    expect(e.authorize('identity:thing', member, { tenant_id: 'p1', user_id: 'x' })).toBe(false);
    // undefined references: Neutron's default (admin_or_owner), Glance's default (''), Keystone's none
    expect(e.authorize('get_other', member, { tenant_id: 'p1' })).toBe(true);
    expect(e.authorize('get_other', member, { tenant_id: 'p2' })).toBe(false);
    expect(e.authorize('get_other', admin, { tenant_id: 'p2' })).toBe(true);
    expect(e.authorize('get_thing', member)).toBe(true);
    expect(e.authorize('identity:undefined_ref', admin)).toBe(false);
    // the cloud's names show the first registrant
    expect(e.getRule('owner').check_str).toBe('user_id:%(user_id)s');
    expect(e.getRule('default').check_str).toBe('');
    expect(e.listRules().filter((r) => r.name === 'owner')).toHaveLength(1);
  });

  it("adding Neutron's rules changes no answer of the others' rules, overrides and undefined references included", () => {
    const rules = ['identity:thing', 'identity:undefined_ref', 'get_thing', 'owner', 'admin_or_owner', 'default', 'context_is_admin'];
    const targets: PolicyTarget[] = [{}, { user_id: 'u1', tenant_id: 'p2' }, { user_id: 'x', tenant_id: 'p1' }];
    const answers = (e: PolicyEngine): boolean[] => rules.flatMap((r) => [member, other, admin].flatMap((c) => targets.map((t) => e.authorize(r, c, t))));
    const [without, withNeutron] = [build(false), build(true)];
    expect(answers(withNeutron)).toEqual(answers(without));
    for (const e of [without, withNeutron]) {
      e.setRule('identity:thing', 'rule:undefined_one');
      e.setRule('get_thing', 'rule:undefined_one');
    }
    expect(answers(withNeutron)).toEqual(answers(without));
    expect(withNeutron.authorize('identity:thing', admin)).toBe(false);
    expect(withNeutron.authorize('get_thing', other)).toBe(true);
  });

  it("an override of a shared name applies to every service's rule of that name (one policy.yaml)", () => {
    const e = build(true);
    e.setRule('owner', '!');
    expect(e.authorize('get_net', member, { tenant_id: 'p1' })).toBe(false);
    expect(e.authorize('identity:thing', member, { user_id: 'u1' })).toBe(false);
    e.resetRule('owner');
    expect(e.authorize('get_net', member, { tenant_id: 'p1' })).toBe(true);
    // a loop that exists only in Neutron's view is refused too
    expect(() => e.setRule('context_is_admin', 'rule:default')).toThrow(expect.objectContaining({ status: 400, code: 'core.policy.cycle' }));
    expect(e.getRule('context_is_admin').overridden).toBe(false);
  });

  it('refuses a shared API rule name, a batch without a service, and a name twice in one service', () => {
    const e = build(false);
    expect(() => e.registerDefaults([{ name: 'identity:thing', check_str: '@' }], { service: 'network' })).toThrow(
      expect.objectContaining({ status: 400, code: 'core.policy.duplicate' }),
    );
    expect(() => e.registerDefaults([{ name: 'owner', check_str: '@', operations: [{ path: '/x', method: 'GET' }] }], { service: 'network' })).toThrow(
      expect.objectContaining({ code: 'core.policy.duplicate' }),
    );
    expect(() => e.registerDefaults([{ name: 'owner', check_str: '@' }])).toThrow(expect.objectContaining({ code: 'core.policy.duplicate' }));
    expect(() => e.registerDefaults([{ name: 'owner', check_str: '@' }], { service: 'identity' })).toThrow(expect.objectContaining({ code: 'core.policy.duplicate' }));
    expect(() => e.registerDefaults([{ name: 'owner', check_str: '@' }, { name: 'owner', check_str: '!' }], { service: 'network' })).toThrow(
      expect.objectContaining({ code: 'core.policy.duplicate' }),
    );
    e.registerDefaults([{ name: 'owner', check_str: '@' }], { service: 'network' });
    expect(() => e.registerDefaults([{ name: 'owner', check_str: '@' }], { service: 'network' })).toThrow(expect.objectContaining({ code: 'core.policy.duplicate' }));
  });
});

describe("the descriptor part and the cloud's policy service", () => {
  it('ServiceDescriptor.policyChecks takes check kinds', () => {
    const part: ServiceDescriptor['policyChecks'] = { flag: recorder().check };
    expect(Object.keys(part ?? {})).toEqual(['flag']);
  });

  it("PolicyService registers a service's kinds with its rules, keeps them across policy changes and forks", () => {
    const cloud = createCloud({ seed: 3, preset: 'empty' });
    const service = new PolicyService(cloud.kernel);
    service.registerDefaults([{ name: 'x:flagged', check_str: 'flag:on' }], { service: 'x', checks: { flag: recorder().check } });
    expect(service.authorize('x:flagged', member, { flag: 'on' })).toBe(true);
    service.setRule('x:flagged', 'flag:off');
    expect(service.authorize('x:flagged', member, { flag: 'off' })).toBe(true);
    const fork = cloud.fork();
    const forked = new PolicyService(fork.kernel, service);
    expect(forked.authorize('x:flagged', member, { flag: 'off' })).toBe(true);
    forked.setRule('x:flagged', 'flag:on'); // a new engine, built from the carried batches
    expect(forked.authorize('x:flagged', member, { flag: 'on' })).toBe(true);
  });

  it('without a service name, each registration is its own namespace (a base rule may repeat an earlier one)', () => {
    const cloud = createCloud({ seed: 3, preset: 'empty' });
    const service = new PolicyService(cloud.kernel);
    service.registerDefaults([{ name: 'owner', check_str: 'user_id:%(user_id)s' }, { name: 'a:x', check_str: 'rule:owner' }]);
    service.registerDefaults([{ name: 'owner', check_str: 'tenant_id:%(tenant_id)s' }, { name: 'b:x', check_str: 'rule:owner' }]);
    expect(service.authorize('a:x', member, { user_id: 'u1' })).toBe(true);
    expect(service.authorize('b:x', member, { user_id: 'u1' })).toBe(false);
    expect(service.authorize('b:x', member, { tenant_id: 'p1' })).toBe(true);
  });
});
