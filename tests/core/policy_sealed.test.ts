/**
 * Sealed credentials (`sealCredentials`): the engine keeps its answers for them, under what the
 * rule reads of the target, until the rules change. Every answer must be the one a fresh
 * evaluation gives: other targets, other credentials, an override, a new registration, a
 * registered check kind and a scope warning are all seen at once.
 */
import { describe, it, expect } from 'vitest';
import { PolicyEngine, evaluatePolicy, parsePolicy, sealCredentials, serviceCredentials, isSealedCredentials, type PolicyCredentials, type PolicyDefault, type PolicyTarget } from '../../src/core/index.js';
import { substitute, compileTemplate, fillTemplate } from '../../src/core/policy/evaluate.js';

const DEFAULTS: readonly PolicyDefault[] = [
  { name: 'context_is_admin', check_str: 'role:admin' },
  { name: 'project_member', check_str: 'role:member and project_id:%(project_id)s' },
  { name: 'show', check_str: 'rule:context_is_admin or rule:project_member or (role:reader and (project_id:%(owner)s or \'public\':%(visibility)s))', operations: [{ path: '/x', method: 'GET' }] },
  { name: 'scoped', check_str: 'rule:project_member', scope_types: ['system'], operations: [{ path: '/y', method: 'GET' }] },
];

function engine(options = {}): PolicyEngine {
  const e = new PolicyEngine(options);
  e.registerDefaults(DEFAULTS, { service: 'svc' });
  return e;
}

const member = (): PolicyCredentials => sealCredentials({ user_id: 'u1', project_id: 'p1', roles: ['member', 'reader'], token: { user: { id: 'u1' } } });

describe('sealed credentials', () => {
  it('are frozen all the way down and known as sealed; plain ones are not', () => {
    const c = member();
    expect(isSealedCredentials(c)).toBe(true);
    expect(Object.isFrozen(c.roles)).toBe(true);
    expect(Object.isFrozen((c['token'] as { user: object }).user)).toBe(true);
    expect(isSealedCredentials({ roles: [] })).toBe(false);
  });

  it('answer as a fresh evaluation for every target, call after call', () => {
    const e = engine();
    const c = member();
    const plain = { ...c, roles: [...c.roles] };
    const targets: PolicyTarget[] = [
      { project_id: 'p1' },
      { project_id: 'p2' },
      { project_id: 'p2', owner: 'p1' },
      { project_id: 'p2', owner: 'p3', visibility: 'public' },
      { project_id: 'p2', owner: 'p3', visibility: 'private' },
      {},
      { project_id: null },
      { project_id: { nested: 'p1' } },
    ];
    for (let round = 0; round < 3; round++) {
      for (const t of targets) expect(e.authorize('show', c, t)).toBe(e.authorize('show', plain, t));
    }
  });

  it('see an override, and its reset, at once', () => {
    const e = engine();
    const c = member();
    expect(e.authorize('show', c, { project_id: 'p1' })).toBe(true);
    e.setRule('project_member', 'role:member and project_id:%(owner)s');
    expect(e.authorize('show', c, { project_id: 'p1' })).toBe(false);
    expect(e.authorize('show', c, { project_id: 'p9', owner: 'p1' })).toBe(true);
    e.resetRule('project_member');
    expect(e.authorize('show', c, { project_id: 'p1' })).toBe(true);
    e.setRule('context_is_admin', '@');
    expect(e.authorize('context_is_admin', c)).toBe(true);
  });

  it('see a registration that changes what a name refers to', () => {
    const e = new PolicyEngine();
    e.registerDefaults([{ name: 'r', check_str: 'rule:later' }]);
    const c = member();
    expect(e.authorize('r', c)).toBe(false);
    e.registerDefaults([{ name: 'later', check_str: 'role:member' }]);
    expect(e.authorize('r', c)).toBe(true);
  });

  it('still run a registered check kind every time, with the target', () => {
    const calls: unknown[] = [];
    const e = new PolicyEngine();
    e.registerDefaults([{ name: 'f', check_str: 'flag:%(want)s' }], { service: 'network', checks: { flag: (m, t) => (calls.push(t), t['flag'] === m) } });
    const c = member();
    expect(e.authorize('f', c, { want: 'on', flag: 'on' })).toBe(true);
    expect(e.authorize('f', c, { want: 'on', flag: 'off' })).toBe(false);
    expect(e.authorize('f', c, { want: 'on', flag: 'on' })).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('still record a scope warning on every call', () => {
    const e = engine({ enforceScope: false });
    const c = member();
    e.authorize('scoped', c, { project_id: 'p1' });
    e.authorize('scoped', c, { project_id: 'p1' });
    expect(e.scopeWarnings()).toHaveLength(2);
    const strict = engine();
    expect(() => strict.enforce('scoped', c, { project_id: 'p1' })).toThrow(/scope/i);
  });

  it('a service builds its credentials from a sealed base once per variant, sealed; from plain ones every time', () => {
    const c = member();
    const a = serviceCredentials('svc', c, 1, () => ({ ...c, is_admin: true }));
    expect(serviceCredentials('svc', c, 1, () => ({ ...c, is_admin: true }))).toBe(a);
    expect(isSealedCredentials(a)).toBe(true);
    expect(serviceCredentials('svc', c, 0, () => ({ ...c, is_admin: false }))).not.toBe(a);
    expect(serviceCredentials('other', c, 1, () => ({ ...c, is_admin: true }))).not.toBe(a);
    const plain: PolicyCredentials = { roles: ['member'] };
    const p = serviceCredentials('svc', plain, 0, () => ({ ...plain }));
    expect(p).not.toBe(serviceCredentials('svc', plain, 0, () => ({ ...plain })));
    expect(Object.isFrozen(p)).toBe(false);
  });
});

describe('compiled match texts', () => {
  it('fill in as substitute does', () => {
    const target = { a: 'x', b: 2, c: null, 'd:e': true, n: { m: 'deep' }, 'n.k': 'flat' };
    for (const text of ['plain', '%(a)s', 'p-%(a)s-%(b)s-%(c)s', '%%(a)s', '%(d:e)s', '%(n.m)s', '%(n.k)s', '%(missing)s', '%(a)d', '%(a', '100%', '%(a)s%%']) {
      expect(fillTemplate(compileTemplate(text), target)).toBe(substitute(text, target));
    }
    expect(substitute('p-%(a)s-%(b)s', target)).toBe('p-x-2');
    expect(evaluatePolicy(parsePolicy('project_id:%(a)s'), target, { project_id: 'x', roles: [] })).toBe(true);
  });
});
