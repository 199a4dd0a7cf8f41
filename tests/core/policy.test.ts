import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  parsePolicy,
  printPolicy,
  evaluatePolicy,
  PolicyEngine,
  PolicySyntaxError,
  PolicyNotAuthorized,
  PolicyNotRegistered,
  InvalidScope,
  type PolicyRule,
  type PolicyCredentials,
  type PolicyDefault,
  type PolicyLookup,
} from '../../src/core/policy.js';
import { BadRequest, CloudError, Forbidden } from '../../src/core/errors.js';

// ---------------------------------------------------------------------------------------------
// Keystone-style credentials (oslo.context's to_policy_values()) and Zed-like defaults.

const projectMember: PolicyCredentials = {
  user_id: 'u-alice',
  user_domain_id: 'default',
  project_id: 'p-demo',
  project_domain_id: 'default',
  domain_id: null,
  system_scope: null,
  roles: ['member', 'reader'],
  is_admin_project: false,
};
const projectReader: PolicyCredentials = { ...projectMember, user_id: 'u-bob', roles: ['reader'] };
const projectAdmin: PolicyCredentials = { ...projectMember, user_id: 'u-admin', project_id: 'p-admin', roles: ['admin', 'member', 'reader'], is_admin_project: true };
const systemAdmin: PolicyCredentials = { user_id: 'u-admin', project_id: null, domain_id: null, system_scope: 'all', roles: ['admin', 'member', 'reader'] };
const systemReader: PolicyCredentials = { ...systemAdmin, user_id: 'u-sysreader', roles: ['reader'] };
const domainAdmin: PolicyCredentials = { user_id: 'u-dadmin', project_id: null, domain_id: 'd-1', system_scope: null, roles: ['admin', 'member', 'reader'] };

const DEFAULTS: readonly PolicyDefault[] = [
  { name: 'admin_required', check_str: 'role:admin or is_admin:1' },
  { name: 'owner', check_str: 'user_id:%(user_id)s' },
  { name: 'admin_or_owner', check_str: 'rule:admin_required or rule:owner' },
  {
    name: 'identity:get_user',
    check_str: '(role:reader and system_scope:all) or (role:reader and token.domain.id:%(target.user.domain_id)s) or user_id:%(target.user.id)s',
    scope_types: ['system', 'domain', 'project'],
  },
  { name: 'identity:create_region', check_str: 'role:admin and system_scope:all', scope_types: ['system'] },
  {
    name: 'os_compute_api:servers:show',
    check_str: 'role:reader and project_id:%(project_id)s',
    scope_types: ['project'],
    deprecated_rule: { name: 'os_compute_api:servers:show', check_str: 'rule:admin_or_owner', deprecated_reason: 'secure RBAC', deprecated_since: '21.0.0' },
  },
];

const engine = (options: ConstructorParameters<typeof PolicyEngine>[0] = {}): PolicyEngine => {
  const e = new PolicyEngine(options);
  e.registerDefaults(DEFAULTS);
  return e;
};

const noRules: PolicyLookup = () => undefined;
const evalText = (text: string, credentials: PolicyCredentials, target: Record<string, unknown> = {}, lookup = noRules): boolean =>
  evaluatePolicy(parsePolicy(text), target, credentials, lookup);

const role = (match: string): PolicyRule => ({ type: 'role', match });

// ---------------------------------------------------------------------------------------------

describe('parsePolicy: the language', () => {
  it('reads @, the empty string, ! and every kind of check', () => {
    expect(parsePolicy('@')).toEqual({ type: 'true' });
    expect(parsePolicy('')).toEqual({ type: 'true' });
    expect(parsePolicy('!')).toEqual({ type: 'false' });
    expect(parsePolicy('role:admin')).toEqual(role('admin'));
    expect(parsePolicy('rule:admin_required')).toEqual({ type: 'rule', name: 'admin_required' });
    expect(parsePolicy('rule:identity:get_user')).toEqual({ type: 'rule', name: 'identity:get_user' });
    expect(parsePolicy('is_admin:True')).toEqual({ type: 'generic', key: 'is_admin', match: 'True' });
    expect(parsePolicy('project_id:%(target.project.id)s')).toEqual({ type: 'generic', key: 'project_id', match: '%(target.project.id)s' });
    expect(parsePolicy("'member':%(role.name)s")).toEqual({ type: 'constant', literal: "'member'", value: 'member', match: '%(role.name)s' });
    expect(parsePolicy('True:%(user.enabled)s')).toMatchObject({ type: 'constant', value: 'True' });
    expect(parsePolicy('None:%(x)s')).toMatchObject({ type: 'constant', value: 'None' });
    expect(parsePolicy('-1:%(x)s')).toMatchObject({ type: 'constant', value: '-1' });
    expect(parsePolicy('1.0:%(x)s')).toMatchObject({ type: 'constant', value: '1.0' }); // Python float
    expect(parsePolicy('1e16:%(x)s')).toMatchObject({ type: 'constant', value: '1e+16' });
    expect(parsePolicy('role:compute:admin')).toEqual(role('compute:admin')); // split on the first ':'
    expect(parsePolicy('not role:reader')).toEqual({ type: 'not', rule: role('reader') });
  });

  it('gives not > and > or precedence, keeps n-ary chains flat and parenthesised groups nested', () => {
    const [a, b, c, d] = [role('a'), role('b'), role('c'), role('d')];
    expect(parsePolicy('role:a or role:b and role:c')).toEqual({ type: 'or', rules: [a, { type: 'and', rules: [b, c] }] });
    expect(parsePolicy('role:a and role:b or role:c and role:d')).toEqual({
      type: 'or',
      rules: [{ type: 'and', rules: [a, b] }, { type: 'and', rules: [c, d] }],
    });
    expect(parsePolicy('not role:a and role:b')).toEqual({ type: 'and', rules: [{ type: 'not', rule: a }, b] });
    expect(parsePolicy('not (role:a and role:b)')).toEqual({ type: 'not', rule: { type: 'and', rules: [a, b] } });
    expect(parsePolicy('role:a and role:b and role:c')).toEqual({ type: 'and', rules: [a, b, c] });
    expect(parsePolicy('role:a and (role:b and role:c)')).toEqual({ type: 'and', rules: [a, { type: 'and', rules: [b, c] }] });
    expect(parsePolicy('(role:a or role:b) and role:c')).toEqual({ type: 'and', rules: [{ type: 'or', rules: [a, b] }, c] });
    expect(parsePolicy('not not role:a')).toEqual({ type: 'not', rule: { type: 'not', rule: a } });
  });

  it('reads operators in any case and parentheses glued to words, as oslo tokenises', () => {
    expect(parsePolicy('role:a AND role:b Or NOT role:c')).toEqual(parsePolicy('role:a and role:b or not role:c'));
    expect(parsePolicy('((role:a))')).toEqual(role('a'));
    expect(() => parsePolicy('(role:a or(role:b))')).toThrow(/before 'or\(role:b'/); // 'or(role:b' is one word, not an operator
    expect(parsePolicy('(not role:a)and(role:b)')).toEqual({ type: 'not', rule: role('a)and(role:b') });
    expect(parsePolicy(' \t(project_id:%(project_id)s)\n')).toEqual({ type: 'generic', key: 'project_id', match: '%(project_id)s' });
  });

  it.each([
    ['role:admin and', 14, /expected a check after 'and'/],
    ['(role:a', 0, /never closed/],
    ['(role:a or (role:b)', 0, /never closed/],
    ['role:a) or', 6, /unmatched '\)'/],
    ['and', 0, /found the operator 'and'/],
    ['role:a or or role:b', 10, /found the operator 'or'/],
    ['foo', 0, /'foo' is not a check/],
    ['role:', 5, /missing the value after 'role:'/],
    [':admin', 0, /missing the kind/],
    ['not', 3, /expected a check after 'not'/],
    ['   ', 0, /only whitespace/],
    ['role:a role:b', 7, /expected 'and' or 'or' before 'role:b'/],
    ['(role:a role:b)', 8, /expected 'and', 'or' or '\)'/],
    ['()', 1, /expected a check, found '\)'/],
    ['"role:a"', 0, /quoted string is not a check/],
    ['name:100%', 8, /lone '%'/],
    ['project_id:%(project_id)d', 11, /only %\(name\)s/],
    ['project_id:%(project_id', 11, /never closed/],
    ['http://policy.example.com/check', 0, /not simulated/],
    ['not:x', 0, /not a credential key/],
    ['1st:x', 0, /not a constant/],
  ])('refuses %j at character %i', (text, position, reason) => {
    let error: unknown;
    try {
      parsePolicy(text, 'compute:my_rule');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicySyntaxError);
    expect(error).toBeInstanceOf(BadRequest);
    const e = error as PolicySyntaxError;
    expect(e).toMatchObject({ status: 400, code: 'core.policy.syntax', details: { rule: 'compute:my_rule', text, position } });
    expect(e.message).toContain(`'compute:my_rule'`);
    expect(e.message).toContain(`character ${position}`);
    expect(e.message).toMatch(reason);
  });

  it('refuses nesting deeper than 100 levels instead of overflowing the stack', () => {
    expect(() => parsePolicy(`${'('.repeat(500)}role:a${')'.repeat(500)}`)).toThrow(/nest deeper than 100/);
    expect(() => parsePolicy(`${'not '.repeat(500)}role:a`)).toThrow(PolicySyntaxError);
    expect(parsePolicy(`${'('.repeat(50)}role:a${')'.repeat(50)}`)).toEqual(role('a'));
  });
});

describe('printPolicy', () => {
  it('prints canonical text: lower-case operators, nested groups in parentheses, none at the top', () => {
    expect(printPolicy(parsePolicy('role:A OR role:b AND role:c'))).toBe('role:A or (role:b and role:c)');
    expect(printPolicy(parsePolicy('not (role:a or role:b)'))).toBe('not (role:a or role:b)');
    expect(printPolicy(parsePolicy(''))).toBe('@');
    expect(printPolicy(parsePolicy("((  'member':%(role.name)s  ))"))).toBe("'member':%(role.name)s");
  });
});

describe('evaluatePolicy: oslo semantics', () => {
  it("role: compares case-insensitively with the token's roles; roles: is a case-sensitive generic check", () => {
    expect(evalText('role:ADMIN', projectAdmin)).toBe(true);
    expect(evalText('role:admin', { roles: ['Admin'] })).toBe(true);
    expect(evalText('role:admin', projectMember)).toBe(false);
    expect(evalText('roles:admin', projectAdmin)).toBe(true);
    expect(evalText('roles:ADMIN', projectAdmin)).toBe(false);
    expect(evalText('role:%(role)s', projectMember, { role: 'MEMBER' })).toBe(true);
    expect(evalText('role:%(role)s', projectMember, {})).toBe(false);
  });

  it('evaluates the Keystone-style example rules', () => {
    const rule = 'role:admin or (role:reader and project_id:%(target.project.id)s)';
    const target = { target: { project: { id: 'p-demo' } } };
    expect(evalText(rule, projectReader, target)).toBe(true);
    expect(evalText(rule, projectReader, { 'target.project.id': 'p-demo' })).toBe(true); // keystone's flattened form
    expect(evalText(rule, projectReader, { target: { project: { id: 'p-other' } } })).toBe(false);
    expect(evalText(rule, { ...projectReader, roles: [] }, target)).toBe(false);
    expect(evalText(rule, systemAdmin, { target: { project: { id: 'anything' } } })).toBe(true);
    expect(evalText('user_id:%(user_id)s', projectMember, { user_id: 'u-alice' })).toBe(true);
    expect(evalText('user_id:%(user_id)s', projectMember, { user_id: 'u-bob' })).toBe(false);
    expect(evalText('not role:reader', projectReader)).toBe(false);
    expect(evalText('not role:reader', { roles: ['member'] })).toBe(true);
    expect(evalText("'member':%(role.name)s", projectMember, { role: { name: 'member' } })).toBe(true);
    expect(evalText("'member':%(role.name)s", projectMember, { role: { name: 'Member' } })).toBe(false);
    expect(evalText('system_scope:all', systemAdmin)).toBe(true);
    expect(evalText('token.user.id:u1', { roles: [], token: { user: { id: 'u1' } } })).toBe(true);
  });

  it('compares Python string forms: True/False/None, ints, floats, lists', () => {
    expect(evalText('is_admin:True', { roles: [], is_admin: true })).toBe(true);
    expect(evalText('is_admin:True', { roles: [], is_admin: false })).toBe(false);
    expect(evalText('is_admin:true', { roles: [], is_admin: true })).toBe(false); // str(True) is 'True'
    expect(evalText('is_admin:1', { roles: [], is_admin: true })).toBe(false);
    expect(evalText('True:%(enabled)s', { roles: [] }, { enabled: true })).toBe(true);
    expect(evalText('1:%(n)s', { roles: [] }, { n: 1 })).toBe(true);
    expect(evalText('1.5:%(n)s', { roles: [] }, { n: 1.5 })).toBe(true);
    expect(evalText('1.0:%(n)s', { roles: [] }, { n: 1.0 })).toBe(false); // a JS 1.0 is an int: '1' != '1.0'
    expect(evalText('count:%(n)s', { roles: [], count: 3 }, { n: 3 })).toBe(true);
    expect(evalText('name:%(v)s', { roles: [], name: "['a', 1, None]" }, { v: ['a', 1, null] })).toBe(true);
    expect(evalText('name:100%%', { roles: [], name: '100%' })).toBe(true);
    // oslo's quirk: a None credential matches a None target value ('None' == 'None')
    expect(evalText('project_id:%(project_id)s', systemAdmin, { project_id: null })).toBe(true);
  });

  it('matches a list in the credentials if any item matches, walking dotted keys through lists', () => {
    const creds: PolicyCredentials = { roles: [], tags: ['a', 'b'], groups: [{ id: 'g1' }, { id: 'g2' }], nested: [['x']] };
    expect(evalText('tags:b', creds)).toBe(true);
    expect(evalText('tags:c', creds)).toBe(false);
    expect(evalText('groups.id:%(group)s', creds, { group: 'g2' })).toBe(true);
    expect(evalText('groups.id:g3', creds)).toBe(false);
    expect(evalText("nested:['x']", creds)).toBe(true); // a list inside a list is compared as its str()
  });

  it('rule: evaluates the named rule; a missing one and a reference back into itself are false', () => {
    const named: Record<string, PolicyRule> = {
      admin_required: parsePolicy('role:admin'),
      loop: parsePolicy('role:x or rule:loop'),
      ping: parsePolicy('rule:pong'),
      pong: parsePolicy('rule:ping'),
    };
    const lookup: PolicyLookup = (name) => named[name];
    expect(evalText('rule:admin_required', projectAdmin, {}, lookup)).toBe(true);
    expect(evalText('rule:admin_required', projectMember, {}, lookup)).toBe(false);
    expect(evalText('rule:missing', projectAdmin, {}, lookup)).toBe(false);
    expect(evalText('rule:loop', { roles: [] }, {}, lookup)).toBe(false);
    expect(evalText('rule:loop', { roles: ['x'] }, {}, lookup)).toBe(true);
    expect(evalText('rule:ping', projectAdmin, {}, lookup)).toBe(false);
  });

  it('never throws on missing target attributes or credential keys: the check is false', () => {
    expect(evalText('project_id:%(project_id)s', projectMember, {})).toBe(false);
    expect(evalText('not project_id:%(project_id)s', projectMember, {})).toBe(true);
    expect(evalText('user_id:u-alice', { roles: [] })).toBe(false);
    expect(evalText('token.user.id:u1', { roles: [], token: 'not-an-object' })).toBe(false);
    expect(evalText('role:admin', {} as PolicyCredentials)).toBe(false);
    expect(evalText('constructor:x', { roles: [] })).toBe(false); // no prototype lookups
    expect(evalText("'x':%(__proto__)s", { roles: [] }, {})).toBe(false);
    expect(evaluatePolicy(parsePolicy('role:a or user_id:%(x)s'), null as never, null as never)).toBe(false);
  });
});

describe('PolicyEngine', () => {
  it('enforces a registered rule: nothing on success, 403 core.policy.forbidden with nova\'s message otherwise', () => {
    const e = engine();
    expect(() => e.enforce('os_compute_api:servers:show', projectReader, { project_id: 'p-demo' })).not.toThrow();
    let error: unknown;
    try {
      e.enforce('os_compute_api:servers:show', projectReader, { project_id: 'p-other' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PolicyNotAuthorized);
    expect(error).toBeInstanceOf(Forbidden);
    expect(error).toMatchObject({
      status: 403,
      code: 'core.policy.forbidden',
      message: "Policy doesn't allow os_compute_api:servers:show to be performed.",
    });
    expect(e.authorize('os_compute_api:servers:show', projectReader, { project_id: 'p-other' })).toBe(false);
    expect(e.authorize('os_compute_api:servers:show', projectReader, { project_id: 'p-demo' })).toBe(true);
  });

  it('refuses to enforce a rule no service registered (500 core.policy.not_registered), even a custom override', () => {
    const e = engine({ rules: { my_alias: 'role:admin' } });
    expect(() => e.enforce('compute:nope', projectAdmin)).toThrow(PolicyNotRegistered);
    expect(() => e.authorize('my_alias', projectAdmin)).toThrow(expect.objectContaining({ status: 500, code: 'core.policy.not_registered' }));
  });

  it('refuses duplicate names and bad check strings at registration, all or nothing', () => {
    const e = engine();
    expect(() => e.registerDefaults([{ name: 'a', check_str: '@' }, { name: 'owner', check_str: '@' }])).toThrow(
      expect.objectContaining({ status: 400, code: 'core.policy.duplicate' }),
    );
    expect(e.hasRule('a')).toBe(false);
    expect(() => e.registerDefaults([{ name: 'b', check_str: '@' }, { name: 'compute:bad', check_str: 'role:admin or' }])).toThrow(
      expect.objectContaining({ code: 'core.policy.syntax', details: expect.objectContaining({ rule: 'compute:bad', position: 13 }) }),
    );
    expect(e.hasRule('b')).toBe(false);
    expect(() => e.registerDefaults([{ name: 'c', check_str: '@', scope_types: ['tenant' as never] }])).toThrow(/scope_types\[0\]/);
    expect(() => e.registerDefaults([{ name: 'c', check_str: '@', scope_types: ['system', 'system'] }])).toThrow(/each scope once/);
  });

  describe('scope types', () => {
    it('with enforceScope, a token of another scope gets 403 core.policy.invalid_scope with oslo\'s message', () => {
      const e = engine();
      let error: unknown;
      try {
        e.enforce('identity:create_region', projectAdmin);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(InvalidScope);
      expect(error).toMatchObject({
        status: 403,
        code: 'core.policy.invalid_scope',
        message: `"identity:create_region": "role:admin and system_scope:all" requires a scope of ['system'], request was made with project scope.`,
        details: { rule: 'identity:create_region', scope_types: ['system'], token_scope: 'project' },
      });
      expect(() => e.enforce('identity:create_region', domainAdmin)).toThrow(/made with domain scope/);
      expect(e.authorize('identity:create_region', projectAdmin)).toBe(false);
      expect(() => e.enforce('identity:create_region', systemAdmin)).not.toThrow();
      expect(() => e.enforce('os_compute_api:servers:show', systemAdmin, { project_id: 'p' })).toThrow(/made with system scope/);
      expect(e.scopeWarnings()).toEqual([]);
    });

    it('without enforceScope, the rule decides and the mismatch is recorded as a warning', () => {
      const e = engine({ enforceScope: false });
      // the check string itself still needs a system token, so a project admin is denied by the rule
      expect(() => e.enforce('identity:create_region', projectAdmin)).toThrow(PolicyNotAuthorized);
      expect(() => e.enforce('os_compute_api:servers:show', systemReader, { project_id: null })).not.toThrow(); // None == None
      expect(e.scopeWarnings()).toEqual([
        { rule: 'identity:create_region', token_scope: 'project', scope_types: ['system'] },
        { rule: 'os_compute_api:servers:show', token_scope: 'system', scope_types: ['project'] },
      ]);
      e.clearScopeWarnings();
      expect(e.scopeWarnings()).toEqual([]);
    });

    it('reads the scope as oslo does: system_scope (copied to `system`), else domain_id, else project', () => {
      const e = engine();
      e.registerDefaults([{ name: 'sys', check_str: 'system:all', scope_types: ['system'] }]);
      expect(e.authorize('sys', { roles: [], system_scope: 'all' })).toBe(true);
      expect(e.authorize('sys', { roles: [], system: 'all' })).toBe(true);
      expect(e.authorize('sys', { roles: [], system_scope: '', domain_id: null })).toBe(false);
      expect(e.authorize('identity:get_user', { roles: ['reader'], domain_id: 'd-1', token: { domain: { id: 'd-1' } } }, { target: { user: { domain_id: 'd-1' } } })).toBe(true);
      expect(e.authorize('identity:get_user', { roles: [], user_id: 'u1' }, { target: { user: { id: 'u1' } } })).toBe(true); // unscoped counts as project
    });
  });

  describe('deprecated defaults', () => {
    it('with enforceNewDefaults the new check string alone is in force', () => {
      const e = engine();
      expect(e.getRule('os_compute_api:servers:show').check_str).toBe('role:reader and project_id:%(project_id)s');
      // the owner passed the old default but is not a reader of the project
      expect(e.authorize('os_compute_api:servers:show', { ...projectMember, roles: [] }, { project_id: 'p-demo', user_id: 'u-alice' })).toBe(false);
    });

    it('without it, new OR old (Zed\'s graceful upgrade)', () => {
      const e = engine({ enforceNewDefaults: false });
      const info = e.getRule('os_compute_api:servers:show');
      expect(info.rule).toEqual({ type: 'or', rules: [parsePolicy('role:reader and project_id:%(project_id)s'), parsePolicy('rule:admin_or_owner')] });
      expect(info.check_str).toBe('(role:reader and project_id:%(project_id)s) or rule:admin_or_owner');
      expect(info.overridden).toBe(false);
      expect(e.authorize('os_compute_api:servers:show', { ...projectMember, roles: [] }, { project_id: 'p-demo', user_id: 'u-alice' })).toBe(true);
      expect(e.authorize('os_compute_api:servers:show', projectReader, { project_id: 'p-demo', user_id: 'u-x' })).toBe(true);
      expect(e.authorize('os_compute_api:servers:show', projectReader, { project_id: 'p-x', user_id: 'u-x' })).toBe(false);
    });

    // The table below was produced by running oslo.policy 4.0's Enforcer on the same inputs.
    const renamed: PolicyDefault = {
      name: 'foo:new',
      check_str: 'role:new',
      deprecated_rule: { name: 'foo:old', check_str: 'role:old' },
    };
    it.each([
      [false, {}, '(role:new) or (role:old)'],
      [false, { 'foo:old': 'role:old' }, 'role:old'],
      [false, { 'foo:old': 'role:x' }, 'role:x'],
      [false, { 'foo:old': 'rule:foo:new' }, '(role:new) or (role:old)'],
      [false, { 'foo:new': 'role:y' }, 'role:y'],
      [true, {}, 'role:new'],
      [true, { 'foo:old': 'role:old' }, 'role:old'],
      [true, { 'foo:old': 'role:x' }, 'role:x'],
      [true, { 'foo:old': 'rule:foo:new' }, 'role:new'],
      [true, { 'foo:new': 'role:y' }, 'role:y'],
    ])('renamed rule, enforceNewDefaults=%s, overrides %j → %s', (enforceNewDefaults, rules, expected) => {
      const e = new PolicyEngine({ enforceNewDefaults, rules });
      e.registerDefaults([renamed]);
      expect(e.getRule('foo:new').rule).toEqual(parsePolicy(expected));
    });

    it('an unchanged check string is never OR-ed with itself', () => {
      const e = new PolicyEngine({ enforceNewDefaults: false });
      e.registerDefaults([{ name: 'x', check_str: 'role:a', deprecated_rule: { name: 'y', check_str: 'role:a' } }]);
      expect(e.getRule('x').rule).toEqual(role('a'));
    });
  });

  describe('overrides', () => {
    it('constructor rules override defaults and may add custom names that other rules use', () => {
      const e = engine({ rules: { admin_required: 'role:admin or role:cloud_admin', my_readers: 'role:reader or role:auditor' } });
      expect(e.authorize('identity:create_region', { ...systemAdmin, roles: ['cloud_admin'] })).toBe(false);
      e.setRule('identity:create_region', 'rule:admin_required and system_scope:all');
      expect(e.authorize('identity:create_region', { ...systemAdmin, roles: ['cloud_admin'] })).toBe(true);
      e.setRule('os_compute_api:servers:show', 'rule:my_readers');
      expect(e.authorize('os_compute_api:servers:show', { ...projectMember, roles: ['auditor'] }, {})).toBe(true);
      expect(e.listOverrides()).toEqual({
        admin_required: 'role:admin or role:cloud_admin',
        my_readers: 'role:reader or role:auditor',
        'identity:create_region': 'rule:admin_required and system_scope:all',
        'os_compute_api:servers:show': 'rule:my_readers',
      });
    });

    it('setRule refuses bad text with its position and changes nothing; resetRule restores the default', () => {
      const e = engine();
      const before = e.getRule('owner');
      expect(() => e.setRule('owner', 'user_id:%(user_id)s or')).toThrow(
        expect.objectContaining({ code: 'core.policy.syntax', details: { rule: 'owner', text: 'user_id:%(user_id)s or', position: 22 } }),
      );
      expect(e.getRule('owner')).toEqual(before);
      const info = e.setRule('owner', '!');
      expect(info).toMatchObject({ name: 'owner', check_str: '!', default_check_str: 'user_id:%(user_id)s', overridden: true, registered: true });
      expect(e.authorize('os_compute_api:servers:show', projectMember, { project_id: 'p-demo' })).toBe(true);
      expect(e.resetRule('owner')).toBe(true);
      expect(e.resetRule('owner')).toBe(false);
      expect(e.getRule('owner')).toEqual(before);
      e.setRule('custom', '@');
      expect(e.resetRule('custom')).toBe(true);
      expect(e.hasRule('custom')).toBe(false);
      expect(() => e.resetRule('custom')).toThrow(expect.objectContaining({ status: 404, code: 'core.policy.not_found' }));
      expect(() => e.getRule('nope')).toThrow(expect.objectContaining({ status: 404 }));
      expect(() => e.setRule('', '@')).toThrow(BadRequest);
      expect(() => e.setRule('x', 42 as never)).toThrow(BadRequest);
    });

    it('accepts the legacy list-of-lists form oslo reads: outer or, inner and (issue 10 #24)', () => {
      const e = engine({ rules: { owner: [['role:admin'], ['role:member', 'project_id:%(project_id)s']] } });
      expect(e.listOverrides()['owner']).toBe('role:admin or (role:member and project_id:%(project_id)s)');
      expect(e.authorize('owner', projectMember, { project_id: 'p-demo' })).toBe(true);
      expect(e.authorize('owner', projectMember, { project_id: 'p-other' })).toBe(false);
      expect(e.authorize('owner', projectReader, { project_id: 'p-demo' })).toBe(false);
      expect(e.authorize('owner', projectAdmin, { project_id: 'p-other' })).toBe(true);
      // oslo's _parse_list_rule: [] accepts, inner lists all empty refuse, a bare string is a list of one
      expect(e.setRule('admin_required', []).check_str).toBe('@');
      expect(e.setRule('admin_or_owner', [[], []]).check_str).toBe('!');
      expect(e.setRule('c', ['role:reader', ['role:admin', 'is_admin:1']]).check_str).toBe('role:reader or (role:admin and is_admin:1)');
      expect(e.setRule('d', [['role:reader', 'role:member']]).check_str).toBe('role:reader and role:member');
      expect(e.authorize('admin_required', projectReader)).toBe(true);
      expect(e.authorize('admin_or_owner', projectAdmin)).toBe(false);
      // an inner item is one check, never an expression
      expect(() => e.setRule('x', [['role:admin or role:member']])).toThrow(expect.objectContaining({ status: 400, details: { field: 'check_str[0][0]' } }));
      expect(() => e.setRule('x', [[42]] as never)).toThrow(expect.objectContaining({ status: 400, details: { field: 'check_str[0][0]' } }));
      expect(() => new PolicyEngine({ rules: { x: [{}] as never } })).toThrow(expect.objectContaining({ status: 400, details: { field: 'policy.rules.x[0]' } }));
    });

    it("an empty 'rule:' reference falls back to default, as oslo's Rules.__missing__ does (issue 10 #24)", () => {
      const e = engine({ rules: { default: 'role:admin', owner: 'rule: or role:auditor' } });
      expect(e.authorize('owner', projectAdmin)).toBe(true);
      expect(e.authorize('owner', { ...projectMember, roles: ['auditor'] })).toBe(true);
      expect(e.authorize('owner', projectMember)).toBe(false);
      expect(printPolicy(parsePolicy('rule:'))).toBe('rule:');
      expect(() => parsePolicy('role:')).toThrow(PolicySyntaxError);
    });

    it('listRules reports every rule in force with its defaults, scope types and whether it is overridden', () => {
      const e = engine({ rules: { extra: 'role:x' } });
      const list = e.listRules();
      expect(list.map((r) => r.name)).toEqual([...DEFAULTS.map((d) => d.name), 'extra']);
      expect(list.find((r) => r.name === 'identity:create_region')).toMatchObject({
        check_str: 'role:admin and system_scope:all',
        default_check_str: 'role:admin and system_scope:all',
        scope_types: ['system'],
        overridden: false,
        registered: true,
      });
      expect(list.find((r) => r.name === 'extra')).toMatchObject({ check_str: 'role:x', default_check_str: undefined, overridden: true, registered: false, scope_types: [] });
    });

    it('refuses loops of rule: references (400 core.policy.cycle) instead of overflowing at enforcement', () => {
      const e = engine();
      expect(() => e.setRule('admin_required', 'rule:admin_or_owner')).toThrow(
        expect.objectContaining({ status: 400, code: 'core.policy.cycle', details: { cycle: ['admin_required', 'admin_or_owner', 'admin_required'] } }),
      );
      expect(e.getRule('admin_required').overridden).toBe(false);
      expect(() => new PolicyEngine({ rules: { a: 'rule:b', b: 'not rule:a' } })).toThrow(/loop: a -> b -> a/);
      expect(() => new PolicyEngine({ rules: { a: 'rule:a' } })).toThrow(BadRequest);
      // a reference to an undefined name falls back to the rule named 'default' (oslo's policy_default_rule)
      const f = new PolicyEngine({ rules: { default: 'role:admin' } });
      f.registerDefaults([{ name: 'x', check_str: 'rule:undefined_name' }]);
      expect(f.authorize('x', projectAdmin)).toBe(true);
      expect(f.authorize('x', projectMember)).toBe(false);
      expect(() => f.setRule('default', 'rule:also_undefined')).toThrow(/loop/);
      // a service's registered `default` is its own: another service's undefined reference fails
      const g = new PolicyEngine();
      g.registerDefaults([{ name: 'default', check_str: '' }, { name: 'glance_rule', check_str: 'rule:undefined_name' }]);
      g.registerDefaults([{ name: 'keystone_rule', check_str: 'rule:undefined_name' }]);
      expect(g.authorize('glance_rule', projectMember)).toBe(true);
      expect(g.authorize('keystone_rule', projectAdmin)).toBe(false);
    });
  });

  it('never throws on missing target attributes or credential keys, only the policy answer', () => {
    const e = engine();
    for (const name of DEFAULTS.map((d) => d.name)) {
      for (const creds of [{ roles: [] }, { roles: ['admin'], system_scope: 'all' }, projectMember] as PolicyCredentials[]) {
        for (const target of [{}, { target: {} }, { project_id: 'p-demo' }]) {
          try {
            e.enforce(name, creds, target);
          } catch (err) {
            expect(err).toBeInstanceOf(Forbidden);
          }
        }
      }
    }
    expect(() => e.enforce('owner', 'junk' as never)).toThrow(expect.objectContaining({ status: 400, details: { field: 'credentials' } }));
  });

  it('validates options', () => {
    expect(() => new PolicyEngine({ enforceScope: 'yes' as never })).toThrow(/policy.enforceScope/);
    expect(() => new PolicyEngine({ rules: { a: 'role:' } })).toThrow(expect.objectContaining({ details: expect.objectContaining({ rule: 'a', position: 5 }) }));
    expect(() => new PolicyEngine({ bogus: true } as never)).toThrow(/policy.bogus/);
    const e = new PolicyEngine();
    expect(e.enforceScope).toBe(true);
    expect(e.enforceNewDefaults).toBe(true);
    expect(e).toBeInstanceOf(PolicyEngine);
    expect(new PolicyNotRegistered('x')).toBeInstanceOf(CloudError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties.

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield role rule http https'.split(' '),
);
const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((s) => !KEYWORDS.has(s));
const dotted = fc.array(ident, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
const literalChunk = fc.stringMatching(/^[A-Za-z0-9_.:()@!-]{1,8}$/);
const matchText = fc
  .array(fc.oneof(literalChunk, dotted.map((k) => `%(${k})s`), fc.constant('%%')), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join(''))
  .filter((m) => !m.endsWith(')'));
const CONSTANTS: readonly [string, string][] = [
  ["'member'", 'member'],
  ['"x_y"', 'x_y'],
  ['True', 'True'],
  ['False', 'False'],
  ['None', 'None'],
  ['1', '1'],
  ['-2', '-2'],
  ['1.5', '1.5'],
  ['2.0', '2.0'],
];

/** Any rule the parser can produce (checks of every kind, n-ary and/or, nested not). */
const anyRule: fc.Arbitrary<PolicyRule> = fc.letrec<{ rule: PolicyRule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<PolicyRule>({ type: 'true' }),
    fc.constant<PolicyRule>({ type: 'false' }),
    matchText.map((match): PolicyRule => ({ type: 'role', match })),
    fc.stringMatching(/^[a-z_:]{1,12}$/).map((name): PolicyRule => ({ type: 'rule', name })),
    fc.tuple(dotted, matchText).map(([key, match]): PolicyRule => ({ type: 'generic', key, match })),
    fc.tuple(fc.constantFrom(...CONSTANTS), matchText).map(([[literal, value], match]): PolicyRule => ({ type: 'constant', literal, value, match })),
    tie('rule').map((rule): PolicyRule => ({ type: 'not', rule })),
    fc.tuple(fc.constantFrom('and' as const, 'or' as const), fc.array(tie('rule'), { minLength: 2, maxLength: 4 })).map(
      ([type, rules]): PolicyRule => ({ type, rules: rules as [PolicyRule, PolicyRule, ...PolicyRule[]] }),
    ),
  ),
})).rule;

// A small world of values where a reference evaluator can be obviously right.
const ROLE_NAMES = ['admin', 'Admin', 'reader', 'member'] as const;
const KEYS = ['user_id', 'project_id', 'is_admin', 'tags', 'token.user.id', 'groups.id'] as const;
const ATTRS = ['user_id', 'project_id', 'target.project.id', 'role.name', 'enabled', 'n'] as const;
const scalar = fc.oneof(fc.constantFrom('u1', 'p1', 'member', 'True', 'None', '1', 'admin'), fc.boolean(), fc.constant(null), fc.integer({ min: -1, max: 2 }));
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }));
const worldMatch = fc.oneof(
  fc.constantFrom('u1', 'p1', 'member', 'True', 'False', 'None', '1', 'admin', "['u1']"),
  fc.constantFrom(...ATTRS).map((a) => `%(${a})s`),
);
const worldRule: fc.Arbitrary<PolicyRule> = fc.letrec<{ rule: PolicyRule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small' },
    fc.constant<PolicyRule>({ type: 'true' }),
    fc.constant<PolicyRule>({ type: 'false' }),
    fc.oneof(fc.constantFrom(...ROLE_NAMES), fc.constant('%(role.name)s')).map((match): PolicyRule => ({ type: 'role', match })),
    fc.constantFrom('r0', 'r1', 'r2', 'missing').map((name): PolicyRule => ({ type: 'rule', name })),
    fc.tuple(fc.constantFrom(...KEYS), worldMatch).map(([key, match]): PolicyRule => ({ type: 'generic', key, match })),
    fc.tuple(fc.constantFrom(...CONSTANTS), worldMatch).map(([[literal, v], match]): PolicyRule => ({ type: 'constant', literal, value: v, match })),
    tie('rule').map((rule): PolicyRule => ({ type: 'not', rule })),
    fc.tuple(fc.constantFrom('and' as const, 'or' as const), fc.array(tie('rule'), { minLength: 2, maxLength: 3 })).map(
      ([type, rules]): PolicyRule => ({ type, rules: rules as [PolicyRule, PolicyRule, ...PolicyRule[]] }),
    ),
  ),
})).rule;
const worldCreds = fc
  .record(
    {
      roles: fc.subarray([...ROLE_NAMES]),
      user_id: value,
      project_id: value,
      is_admin: value,
      tags: value,
      token: fc.record({ user: fc.record({ id: value }, { requiredKeys: [] }) }, { requiredKeys: [] }),
      groups: fc.array(fc.record({ id: value }, { requiredKeys: [] }), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .map((c) => c as PolicyCredentials);
const worldTarget = fc.record(
  {
    user_id: value,
    project_id: value,
    target: fc.record({ project: fc.record({ id: value }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    'role.name': scalar,
    enabled: value,
    n: value,
  },
  { requiredKeys: [] },
);
const namedRules = fc.tuple(worldRule, worldRule, worldRule);

/** Python's str() over the small world (strings never contain quotes there). */
function refStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : refStr(x))).join(', ')}]`;
  throw new Error(`outside the small world: ${String(v)}`);
}

/** keystone's flatten_dict. */
function refFlatten(d: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) Object.assign(out, refFlatten(v as Record<string, unknown>, key));
    else out[key] = v;
  }
  return out;
}

/** The reference: oslo's checks written out directly, recursively, over the small world. */
function refEval(rule: PolicyRule, target: Record<string, unknown>, creds: Record<string, unknown>, named: Record<string, PolicyRule>, stack: string[] = []): boolean {
  const flat = refFlatten(target);
  const subst = (m: string): string | undefined => {
    let missing = false;
    const out = m.replace(/%\(([^)]*)\)s/g, (_, key: string) => {
      if (!(key in flat)) {
        missing = true;
        return '';
      }
      return refStr(flat[key]);
    });
    return missing ? undefined : out;
  };
  const find = (v: unknown, path: string[], m: string): boolean => {
    if (path.length === 0) return m === refStr(v);
    const [key, ...rest] = path as [string, ...string[]];
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !(key in v)) return false;
    const next = (v as Record<string, unknown>)[key];
    return Array.isArray(next) ? next.some((x) => find(x, rest, m)) : find(next, rest, m);
  };
  switch (rule.type) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'not':
      return !refEval(rule.rule, target, creds, named, stack);
    case 'and':
      return rule.rules.every((r) => refEval(r, target, creds, named, stack));
    case 'or':
      return rule.rules.some((r) => refEval(r, target, creds, named, stack));
    case 'rule': {
      const r = named[rule.name];
      return r !== undefined && !stack.includes(rule.name) && refEval(r, target, creds, named, [...stack, rule.name]);
    }
    case 'role': {
      const m = subst(rule.match);
      const roles = (creds['roles'] ?? []) as string[];
      return m !== undefined && roles.map((r) => r.toLowerCase()).includes(m.toLowerCase());
    }
    case 'constant': {
      const m = subst(rule.match);
      return m !== undefined && m === rule.value;
    }
    case 'generic': {
      const m = subst(rule.match);
      return m !== undefined && find(creds, rule.key.split('.'), m);
    }
  }
}

describe('policy properties', () => {
  it('parse → print → parse is stable over random rules (seed 5001)', () => {
    fc.assert(
      fc.property(anyRule, (rule) => {
        const text = printPolicy(rule);
        const parsed = parsePolicy(text);
        expect(parsed).toEqual(rule);
        expect(printPolicy(parsed)).toBe(text);
      }),
      { seed: 5001, numRuns: 500 },
    );
  });

  it("De Morgan's laws hold for any two rules over any credentials and targets (seed 5002)", () => {
    fc.assert(
      fc.property(worldRule, worldRule, namedRules, worldCreds, worldTarget, (a, b, [r0, r1, r2], creds, target) => {
        const lookup: PolicyLookup = (n) => ({ r0, r1, r2 })[n as 'r0'];
        const ev = (text: string): boolean => evaluatePolicy(parsePolicy(text), target, creds, lookup);
        const [pa, pb] = [printPolicy(a), printPolicy(b)];
        expect(ev(`not ((${pa}) and (${pb}))`)).toBe(ev(`(not (${pa})) or (not (${pb}))`));
        expect(ev(`not ((${pa}) or (${pb}))`)).toBe(ev(`(not (${pa})) and (not (${pb}))`));
      }),
      { seed: 5002, numRuns: 400 },
    );
  });

  it('evaluatePolicy agrees with a direct reference evaluator (seed 5003)', () => {
    fc.assert(
      fc.property(worldRule, namedRules, worldCreds, worldTarget, (rule, [r0, r1, r2], creds, target) => {
        const named: Record<string, PolicyRule> = { r0, r1, r2 };
        const got = evaluatePolicy(rule, target, creds, (n) => named[n]);
        expect(got).toBe(refEval(rule, target, creds as Record<string, unknown>, named));
      }),
      { seed: 5003, numRuns: 1000 },
    );
  });

  it('evaluation never throws, whatever the shape of credentials and target (seed 5004)', () => {
    const e = engine({ enforceScope: false });
    e.registerDefaults([{ name: 'fuzz', check_str: '' }]);
    fc.assert(
      fc.property(anyRule, fc.anything(), fc.anything(), fc.object(), fc.object(), (rule, creds, target, credsObj, targetObj) => {
        const result = evaluatePolicy(rule, target as never, creds as never, (n) => (n.length % 2 ? rule : undefined));
        expect(typeof result).toBe('boolean');
        e.setRule('fuzz', printPolicy(rule));
        expect(typeof e.authorize('fuzz', credsObj as never, targetObj)).toBe('boolean');
      }),
      { seed: 5004, numRuns: 300 },
    );
  });
});
