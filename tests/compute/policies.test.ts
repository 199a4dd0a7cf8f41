/**
 * Nova's Zed default rules (src/compute/policies.ts, written by make_policies.py from
 * `nova.policies.list_rules()`), the rule names the compute API uses (NOVA_RULES), Nova's
 * `is_admin` check kind, and every rule's decision for DevStack-like personas and targets in the
 * four configurations of `enforce_new_defaults` × `enforce_scope`. The expected answers are
 * policy_decisions_golden.json: what Zed's own oslo.policy 4.0 enforcer returned with Nova's
 * defaults registered (make_policy_decisions.py), for the same credentials (a
 * `nova.context.RequestContext`'s `to_policy_values()`, `is_admin` included) and targets (as
 * `nova/api/openstack/compute/*.py` passes them).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePolicy, referencedRules, PolicyEngine, PolicyService, Forbidden, CloudError, type PolicyCheckKinds, type PolicyCredentials, type PolicyDefault, type PolicyTarget } from '../../src/core/index.js';
import { createCloud } from '../../src/cloud.js';
import { SERVICES } from '../../src/services.js';
import { NOVA_POLICIES, NOVA_POLICY_CHECKS, NOVA_RULES, type NovaRule } from '../../src/compute/policies.js';

const COMPUTE = { service: 'compute', checks: NOVA_POLICY_CHECKS } as const;

interface Golden {
  readonly personas: readonly { readonly name: string; readonly credentials: PolicyCredentials }[];
  readonly targets: readonly { readonly name: string; readonly target: PolicyTarget | null }[];
  readonly modes: readonly { readonly enforce_new_defaults: boolean; readonly enforce_scope: boolean; readonly decisions: Readonly<Record<string, string>> }[];
  readonly is_admin_check: readonly { readonly match: string; readonly is_admin?: unknown; readonly result: boolean | 'raise' }[];
}
const golden = JSON.parse(readFileSync(new URL('./policy_decisions_golden.json', import.meta.url), 'utf8')) as Golden;

const engine = (enforceNewDefaults = true, enforceScope = true): PolicyEngine => {
  const e = new PolicyEngine({ enforceNewDefaults, enforceScope });
  e.registerDefaults(NOVA_POLICIES, COMPUTE);
  return e;
};

/** The personas' credentials, exactly as oslo received them. */
const creds = Object.fromEntries(golden.personas.map((p) => [p.name, p.credentials])) as Record<string, PolicyCredentials>;
const cred = (name: string): PolicyCredentials => creds[name] as PolicyCredentials;

/** nova/policy.py `default_target`: the caller's `{project_id, user_id}`. */
const defaultTarget = (c: PolicyCredentials): PolicyTarget => ({ project_id: c.project_id, user_id: c.user_id });

/** A demo server's target (`{project_id, user_id}` of the instance). */
const demoServer: PolicyTarget = { project_id: 'demo', user_id: 'u-demo' };

/** '1' allowed, '0' the rule refused, 'S' the scope check refused (oslo's PolicyNotAuthorized / InvalidScope). */
function decide(e: { enforce(rule: string, c: PolicyCredentials, t: PolicyTarget): void }, rule: string, c: PolicyCredentials, t: PolicyTarget): string {
  try {
    e.enforce(rule, c, t);
    return '1';
  } catch (err) {
    if (err instanceof CloudError && err.code === 'core.policy.invalid_scope') return 'S';
    if (err instanceof CloudError && err.code === 'core.policy.forbidden') return '0';
    throw err;
  }
}

/** One golden string: personas major, targets minor. */
function decisions(e: { enforce(rule: string, c: PolicyCredentials, t: PolicyTarget): void }, rule: string): string {
  return golden.personas.map((p) => golden.targets.map((t) => decide(e, rule, p.credentials, t.target ?? defaultTarget(p.credentials))).join('')).join('');
}

/** Who of `names` passes `rule` on `target` (the caller's default target when 'own'). */
function allowed(e: PolicyEngine, rule: string, target: PolicyTarget | 'own', names = ['admin', 'member', 'reader', 'other']): Record<string, boolean> {
  return Object.fromEntries(names.map((n) => [n, e.authorize(rule, cred(n), target === 'own' ? defaultTarget(cred(n)) : target)]));
}

function ruleNames(tree: unknown): string[] {
  return typeof tree === 'string' ? [tree] : Object.values(tree as Record<string, unknown>).flatMap(ruleNames);
}

describe('NOVA_POLICIES', () => {
  it("holds every rule of Zed's list_rules(), in order, once each, base rules first", () => {
    expect(NOVA_POLICIES).toHaveLength(201);
    expect(new Set(NOVA_POLICIES.map((r) => r.name)).size).toBe(201);
    expect(NOVA_POLICIES.slice(0, 7).map((r) => r.name)).toEqual([
      'context_is_admin',
      'admin_or_owner',
      'admin_api',
      'project_member_api',
      'project_reader_api',
      'project_member_or_admin',
      'project_reader_or_admin',
    ]);
    const byName = new Map(NOVA_POLICIES.map((r) => [r.name, r]));
    expect(byName.get('context_is_admin')).toMatchObject({ check_str: 'role:admin', deprecated_rule: { name: 'rule:admin_api', check_str: 'is_admin:True' } });
    expect(byName.get('project_member_api')).toMatchObject({
      check_str: 'role:member and project_id:%(project_id)s',
      deprecated_rule: { name: 'rule:admin_or_owner', check_str: 'is_admin:True or project_id:%(project_id)s' },
    });
    expect(byName.get('project_reader_or_admin')?.check_str).toBe('rule:project_reader_api or rule:context_is_admin');
    expect(byName.get('os_compute_api:servers:create')).toMatchObject({
      check_str: 'rule:project_member_or_admin',
      scope_types: ['project'],
      operations: [{ path: '/servers', method: 'POST' }],
    });
    expect(byName.get('os_compute_api:servers:create')?.deprecated_rule).toBeUndefined();
    expect(byName.get('os_compute_api:os-keypairs:create')?.check_str).toBe('(rule:context_is_admin) or user_id:%(user_id)s');
    expect(byName.get('os_compute_api:os-hypervisors:list')?.deprecated_rule).toEqual({ name: 'os_compute_api:os-hypervisors', check_str: 'rule:admin_api' });
    expect(byName.get('compute:servers:resize:cross_cell')?.check_str).toBe('!');
    // Zed's Nova: every API rule is project-scoped, no base rule has scope types
    expect(NOVA_POLICIES.filter((r) => r.operations !== undefined).every((r) => r.scope_types?.join() === 'project')).toBe(true);
    expect(NOVA_POLICIES.filter((r) => r.operations === undefined).map((r) => r.name)).toEqual(NOVA_POLICIES.slice(0, 7).map((r) => r.name));
    expect(NOVA_POLICIES.slice(0, 7).filter((r) => r.scope_types !== undefined)).toEqual([]);
  });

  it("parses with core's parser, every check string and deprecated one (any that does not is named here)", () => {
    const failures: string[] = [];
    for (const r of NOVA_POLICIES) {
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
      expect(engine(enforceNewDefaults).listRules().map((r) => r.name)).toEqual(NOVA_POLICIES.map((r) => r.name));
    }
    expect(engine(false).getRule('project_member_api').check_str).toBe('(role:member and project_id:%(project_id)s) or (is_admin:True or project_id:%(project_id)s)');
    expect(engine(true).getRule('project_member_api').check_str).toBe('role:member and project_id:%(project_id)s');
  });

  it("refers only to Nova's own rules (no reference relies on another service or on a default fallback)", () => {
    const names = new Set(NOVA_POLICIES.map((r) => r.name));
    const dangling = NOVA_POLICIES.flatMap((r) =>
      [r.check_str, r.deprecated_rule?.check_str ?? ''].flatMap((text) => referencedRules(parsePolicy(text)).filter((ref) => !names.has(ref)).map((ref) => `${r.name} -> ${ref}`)),
    );
    expect(dangling).toEqual([]);
  });

  it('never throws on any rule, credentials or target, only the policy answer', () => {
    const e = engine();
    for (const { name } of NOVA_POLICIES) {
      for (const c of [...Object.values(creds), { roles: [] }, { roles: ['admin'], is_admin: 'yes' as unknown as boolean }, { roles: ['member'], project_id: 7 as unknown as string }]) {
        for (const target of [{}, demoServer, { project_id: null, user_id: 7 }]) {
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

describe('NOVA_RULES', () => {
  it('names only rules of NOVA_POLICIES, each once', () => {
    const names = ruleNames(NOVA_RULES);
    const known = new Set(NOVA_POLICIES.map((r) => r.name));
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'os_compute_api:servers:create',
        'os_compute_api:servers:index:get_all_tenants',
        'os_compute_api:os-extended-server-attributes',
        'os_compute_api:os-lock-server:unlock:unlock_override',
        'os_compute_api:os-volumes-attachments:swap',
        'os_compute_api:os-hypervisors:statistics',
        'os_compute_api:os-quota-sets:detail',
        'os_compute_api:limits:other_project',
        'os_compute_api:os-migrations:index',
        'os_compute_api:os-server-external-events:create',
        'os_compute_api:os-simple-tenant-usage:list',
        'os_compute_api:os-shelve:shelve_offload',
        'os_compute_api:servers:migrations:index',
      ]),
    );
  });

  it('types each name as a literal', () => {
    const create: NovaRule = NOVA_RULES.servers.create;
    expect(create).toBe('os_compute_api:servers:create');
  });
});

describe("Nova's rules against Zed's oslo.policy (policy_decisions_golden.json)", () => {
  it('the golden file covers every rule in the four configurations', () => {
    expect(golden.modes.map((m) => [m.enforce_new_defaults, m.enforce_scope])).toEqual([
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]);
    for (const m of golden.modes) expect(Object.keys(m.decisions)).toEqual(NOVA_POLICIES.map((r) => r.name));
    expect(golden.personas.map((p) => p.name)).toEqual(['admin', 'member', 'reader', 'other', 'systemAdmin', 'domainAdmin', 'novaAdminContext']);
  });

  for (const mode of golden.modes) {
    it(`every rule, persona and target decides as oslo does (enforce_new_defaults ${mode.enforce_new_defaults}, enforce_scope ${mode.enforce_scope})`, () => {
      const e = engine(mode.enforce_new_defaults, mode.enforce_scope);
      const mismatches = NOVA_POLICIES.map((r) => r.name).flatMap((rule) => {
        const ours = decisions(e, rule);
        return ours === mode.decisions[rule] ? [] : [`${rule}: oslo ${mode.decisions[rule]}, ours ${ours}`];
      });
      expect(mismatches).toEqual([]);
    });
  }

  it("context.is_admin is check_is_admin's answer: the context_is_admin rule with the default target", () => {
    for (const p of golden.personas.filter((q) => q.name !== 'novaAdminContext')) {
      for (const [newDefaults, scope] of [[true, true], [false, false]] as const) {
        // RequestContext.__init__ evaluates it while the context's is_admin is still None
        const before = { ...p.credentials, is_admin: null as unknown as boolean };
        expect([p.name, engine(newDefaults, scope).authorize('context_is_admin', before, defaultTarget(before))]).toEqual([p.name, p.credentials.is_admin]);
      }
    }
  });

  it("the is_admin check kind is Nova's IsAdminCheck (Python's ==, a KeyError when the key is missing)", () => {
    const check = (NOVA_POLICY_CHECKS as PolicyCheckKinds)['is_admin'] as PolicyCheckKinds[string];
    const ours = golden.is_admin_check.map((c) => {
      const credentials = (c.is_admin === undefined ? { roles: [] } : { roles: [], is_admin: c.is_admin }) as PolicyCredentials;
      let result: boolean | 'raise';
      try {
        result = check(c.match, {}, credentials);
      } catch {
        result = 'raise';
      }
      return { ...c, result };
    });
    expect(ours).toEqual(golden.is_admin_check);
    // and through the engine: a string 'True' is not True (core's generic check would accept it), 1 is
    const e = engine(false);
    expect(e.authorize('admin_api', { roles: [], is_admin: 'True' as unknown as boolean })).toBe(false);
    expect(e.authorize('admin_api', { roles: [], is_admin: 1 as unknown as boolean })).toBe(true);
    expect(e.authorize('admin_api', { roles: [] })).toBe(false);
  });
});

describe("Nova's rules for DevStack's personas (Zed's answers)", () => {
  it("servers:show on a demo server: admin, demo's member and reader yes, another project's member no", () => {
    expect(allowed(engine(), NOVA_RULES.servers.show, demoServer)).toEqual({ admin: true, member: true, reader: true, other: false });
    expect(allowed(engine(), NOVA_RULES.servers.index, 'own')).toEqual({ admin: true, member: true, reader: true, other: true });
  });

  it('create, delete and the actions need a member of the project (a reader is refused)', () => {
    const e = engine();
    expect(allowed(e, NOVA_RULES.servers.create, 'own')).toEqual({ admin: true, member: true, reader: false, other: true });
    for (const rule of [NOVA_RULES.servers.delete, NOVA_RULES.servers.reboot, NOVA_RULES.serverActions.pause, NOVA_RULES.serverMetadata.update, NOVA_RULES.volumeAttachments.create]) {
      expect([rule, allowed(e, rule, demoServer)]).toEqual([rule, { admin: true, member: true, reader: false, other: false }]);
    }
  });

  it("context_is_admin rules are a project admin's only: all_tenants, flavors, hypervisors, services, aggregates, migrations", () => {
    const e = engine();
    for (const rule of [
      NOVA_RULES.servers.indexAllTenants,
      NOVA_RULES.servers.extendedAttributes,
      NOVA_RULES.flavors.create,
      NOVA_RULES.hypervisors.list,
      NOVA_RULES.services.update,
      NOVA_RULES.aggregates.create,
      NOVA_RULES.serverActions.migrateLive,
      NOVA_RULES.quotas.update,
      NOVA_RULES.volumeAttachments.swap,
    ]) {
      expect([rule, allowed(e, rule, {})]).toEqual([rule, { admin: true, member: false, reader: false, other: false }]);
    }
  });

  it("keypairs are the user's: user_id, not project_id, decides", () => {
    const e = engine();
    expect(allowed(e, NOVA_RULES.keypairs.create, { user_id: 'u-demo' })).toEqual({ admin: true, member: true, reader: false, other: false });
    expect(allowed(e, NOVA_RULES.keypairs.index, 'own')).toEqual({ admin: true, member: true, reader: true, other: true });
  });

  it('a system- or domain-scoped admin is refused by every API rule with enforceScope, and passes without it', () => {
    const apiRules = NOVA_POLICIES.filter((r) => r.operations !== undefined).map((r) => r.name);
    for (const who of ['systemAdmin', 'domainAdmin']) {
      expect(apiRules.filter((r) => decide(engine(true, true), r, cred(who), demoServer) !== 'S')).toEqual([]);
      expect(engine(true, false).authorize(NOVA_RULES.hypervisors.list, cred(who), {})).toBe(true);
    }
  });

  it("with enforceNewDefaults false the deprecated rules are or-ed in, as Zed's default configuration does", () => {
    const e = engine(false);
    // project_member_or_admin or-s in admin_or_owner: project_id alone, the reader included
    expect(allowed(e, NOVA_RULES.servers.delete, demoServer)).toEqual({ admin: true, member: true, reader: true, other: false });
    // context_is_admin or-s in admin_api (is_admin:True): nova's admin context (no roles) passes
    expect(e.authorize(NOVA_RULES.hypervisors.list, cred('novaAdminContext'), {})).toBe(true);
    expect(engine(true).authorize(NOVA_RULES.hypervisors.list, cred('novaAdminContext'), {})).toBe(false);
  });

  it("a project's member reaches another project's server only through '@' rules (seed 1414)", () =>
    fc.assert(
      fc.property(fc.constantFrom(...NOVA_POLICIES), fc.boolean(), fc.boolean(), (rule: PolicyDefault, newDefaults, scope) => {
        if (engine(newDefaults, scope).authorize(rule.name, cred('other'), demoServer)) expect(rule.check_str).toBe('@');
      }),
      { seed: 1414 },
    ));
});

describe("a cloud with Nova's rules registered", () => {
  /** What Cloud's constructor does, with Nova's batch last (unless the list already holds it). */
  const services = (cloud: ReturnType<typeof createCloud>, nova: boolean): PolicyService => {
    const p = new PolicyService(cloud.kernel);
    for (const s of SERVICES as readonly { policies?: readonly PolicyDefault[]; policyChecks?: PolicyCheckKinds; name: string }[]) {
      if (s.policies && s.policies !== NOVA_POLICIES) p.registerDefaults(s.policies, { service: s.name, ...(s.policyChecks ? { checks: s.policyChecks } : {}) });
    }
    if (nova) p.registerDefaults(NOVA_POLICIES, COMPUTE);
    return p;
  };

  it("answers every other service's rule as before, and Nova's as oslo does (its base rules and is_admin check are its own)", () => {
    const cloud = createCloud({ seed: 14, preset: 'empty' });
    const [before, after] = [services(cloud, false), services(cloud, true)];
    const others = before.listRules().map((r) => r.name);
    const people = Object.values(creds);
    const targets: PolicyTarget[] = [{}, demoServer, { project_id: 'alt_demo', tenant_id: 'alt_demo', user_id: 'u-demo' }];
    const answers = (s: PolicyService): boolean[] => others.flatMap((r) => people.flatMap((c) => targets.map((t) => s.authorize(r, c, t))));
    expect(answers(after)).toEqual(answers(before));
    // a base rule's name enforced by itself is the cloud's first registrant's (Glance's context_is_admin,
    // Placement's admin_api and project_reader_api, Keystone's admin_or_owner); inside Nova's rules, Nova's
    const shared = NOVA_POLICIES.filter((r) => others.includes(r.name)).map((r) => r.name);
    expect(shared).toEqual(['context_is_admin', 'admin_or_owner', 'admin_api', 'project_reader_api']);
    for (const name of shared) expect(after.getRule(name).check_str).toBe(before.getRule(name).check_str);
    expect(shared.every((name) => NOVA_POLICIES.find((r) => r.name === name)?.operations === undefined)).toBe(true);
    for (const m of golden.modes) {
      cloud.policy.configure({ enforceNewDefaults: m.enforce_new_defaults, enforceScope: m.enforce_scope });
      const s = services(cloud, true);
      const mismatches = NOVA_POLICIES.map((r) => r.name).filter((rule) => !shared.includes(rule) && decisions(s, rule) !== m.decisions[rule]);
      expect([m.enforce_new_defaults, m.enforce_scope, mismatches]).toEqual([m.enforce_new_defaults, m.enforce_scope, []]);
    }
  });
});
