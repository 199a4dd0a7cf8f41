/**
 * Cinder's Zed default rules (src/block/policies.ts, written by make_policies.py from
 * `cinder.policies.list_rules()`), the rule names the block API uses (CINDER_RULES), and a few
 * decisions for DevStack's personas. The expected answers are what Zed's own oslo.policy 4.0
 * enforcer returned with Cinder's defaults registered, for the same credentials (as
 * `cinder/context.py` `to_policy_values` makes them: oslo.context's values plus `is_admin`) and
 * targets (`RequestContext.authorize`: the object's `project_id` and `user_id`).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePolicy, referencedRules, PolicyEngine, PolicyService, Forbidden, type PolicyCheckKinds, type PolicyCredentials, type PolicyDefault, type PolicyTarget } from '../../src/core/index.js';
import { createCloud } from '../../src/cloud.js';
import { SERVICES } from '../../src/services.js';
import { CINDER_POLICIES, CINDER_RULES, type CinderRule } from '../../src/block/policies.js';

const BLOCK = { service: 'block' } as const;

/** oslo.context's policy values of a project-scoped token (is_admin_project: oslo.context's default True). */
const base = (project: string, roles: string[]): PolicyCredentials => ({
  user_id: `u-${project}`,
  user_domain_id: 'default',
  project_id: project,
  project_domain_id: 'default',
  domain_id: null,
  system_scope: null,
  roles,
  is_admin_project: true,
});

/** cinder/context.py: `is_admin` is `check_is_admin`, the `context_is_admin` rule with the credentials as target. */
const cinderCreds = (engine: PolicyEngine, b: PolicyCredentials): PolicyCredentials => ({ ...b, is_admin: engine.authorize('context_is_admin', b, b as PolicyTarget) });

const engine = (enforceNewDefaults = true): PolicyEngine => {
  const e = new PolicyEngine({ enforceNewDefaults });
  e.registerDefaults(CINDER_POLICIES, BLOCK);
  return e;
};

/** DevStack's personas: admin of `admin`, member and reader of `demo`, member of `alt_demo`. */
const personas = (e: PolicyEngine) => ({
  admin: cinderCreds(e, base('admin', ['admin', 'member', 'reader'])),
  member: cinderCreds(e, base('demo', ['member', 'reader'])),
  reader: cinderCreds(e, base('demo', ['reader'])),
  other: cinderCreds(e, base('alt_demo', ['member', 'reader'])),
});
type Persona = keyof ReturnType<typeof personas>;
const PERSONAS: readonly Persona[] = ['admin', 'member', 'reader', 'other'];

/** A demo volume's target (`target_obj=volume`). */
const demoVolume: PolicyTarget = { project_id: 'demo', user_id: 'u-demo' };

/** Who of the personas passes `rule` on `target` (the caller's own `{project_id, user_id}` when `target` is 'own'). */
function allowed(e: PolicyEngine, rule: string, target: PolicyTarget | 'own'): Record<Persona, boolean> {
  const p = personas(e);
  const out = {} as Record<Persona, boolean>;
  for (const who of PERSONAS) {
    const creds = p[who];
    out[who] = e.authorize(rule, creds, target === 'own' ? { project_id: creds.project_id, user_id: creds.user_id } : target);
  }
  return out;
}

const all = (v: boolean): Record<Persona, boolean> => ({ admin: v, member: v, reader: v, other: v });
const adminOnly = { ...all(false), admin: true };

function ruleNames(tree: unknown): string[] {
  return typeof tree === 'string' ? [tree] : Object.values(tree as Record<string, unknown>).flatMap(ruleNames);
}

describe('CINDER_POLICIES', () => {
  it("holds every rule of Zed's list_rules(), in order, once each, base rules first", () => {
    expect(CINDER_POLICIES).toHaveLength(166);
    expect(new Set(CINDER_POLICIES.map((r) => r.name)).size).toBe(166);
    expect(CINDER_POLICIES.slice(0, 6).map((r) => r.name)).toEqual([
      'admin_or_owner',
      'system_or_domain_or_project_admin',
      'context_is_admin',
      'admin_api',
      'xena_system_admin_or_project_reader',
      'xena_system_admin_or_project_member',
    ]);
    const byName = new Map(CINDER_POLICIES.map((r) => [r.name, r]));
    expect(byName.get('admin_api')?.check_str).toBe('is_admin:True or (role:admin and is_admin_project:True)');
    expect(byName.get('context_is_admin')?.check_str).toBe('role:admin');
    expect(byName.get('xena_system_admin_or_project_reader')?.check_str).toBe('(role:admin) or (role:reader and project_id:%(project_id)s)');
    expect(byName.get('volume:get')).toMatchObject({
      check_str: 'rule:xena_system_admin_or_project_reader',
      operations: [{ path: '/volumes/{volume_id}', method: 'GET' }],
      deprecated_rule: { name: 'volume:get', check_str: 'rule:admin_or_owner' },
    });
    expect(byName.get('volume:create')?.deprecated_rule).toEqual({ name: 'volume:create', check_str: '' });
    expect(byName.get('volume:force_delete')).toMatchObject({ check_str: 'rule:admin_api' });
    expect(byName.get('volume:force_delete')?.deprecated_rule).toBeUndefined();
    // Zed's Cinder rules carry no scope_types
    expect(CINDER_POLICIES.filter((r) => r.scope_types !== undefined)).toEqual([]);
    // types_manage is only the deprecated name of type_create / _update / _delete
    expect(byName.has('volume_extension:types_manage')).toBe(false);
    expect(byName.get('volume_extension:type_create')?.deprecated_rule).toEqual({ name: 'volume_extension:types_manage', check_str: 'rule:admin_api' });
  });

  it("parses with core's parser, every check string and deprecated one (any that does not is named here)", () => {
    const failures: string[] = [];
    for (const r of CINDER_POLICIES) {
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
      e.registerDefaults(CINDER_POLICIES, BLOCK);
      expect(e.listRules().map((r) => r.name)).toEqual(CINDER_POLICIES.map((r) => r.name));
    }
  });

  it("refers only to Cinder's own rules (no reference relies on another service or on a default fallback)", () => {
    const names = new Set(CINDER_POLICIES.map((r) => r.name));
    const dangling = CINDER_POLICIES.flatMap((r) =>
      [r.check_str, r.deprecated_rule?.check_str ?? ''].flatMap((text) => referencedRules(parsePolicy(text)).filter((ref) => !names.has(ref)).map((ref) => `${r.name} -> ${ref}`)),
    );
    expect(dangling).toEqual([]);
  });

  it('never throws on any rule, credentials or target, only the policy answer', () => {
    const e = engine();
    const p = personas(e);
    const systemAdmin: PolicyCredentials = { user_id: 'u-sys', project_id: null, domain_id: null, system_scope: 'all', roles: ['admin', 'member', 'reader'] };
    for (const { name } of CINDER_POLICIES) {
      for (const c of [...PERSONAS.map((w) => p[w]), systemAdmin, { roles: [] }, { roles: ['admin'], is_admin: 'yes' as unknown as boolean }]) {
        for (const target of [{}, demoVolume, { project_id: null, domain_id: 7 }]) {
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

describe('CINDER_RULES', () => {
  it('names only rules of CINDER_POLICIES, each once', () => {
    const names = ruleNames(CINDER_RULES);
    const known = new Set(CINDER_POLICIES.map((r) => r.name));
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['volume:create', 'volume:get', 'volume:get_all', 'volume:force_delete', 'volume_extension:volume_actions:upload_image', 'scheduler_extension:scheduler_stats:get_pools']));
  });

  it('types each name as a literal', () => {
    const create: CinderRule = CINDER_RULES.volume.create;
    expect(create).toBe('volume:create');
  });
});

describe("Cinder's rules for DevStack's personas (Zed's answers)", () => {
  it('context.is_admin is the context_is_admin rule: true for the admin only', () => {
    const p = personas(engine());
    expect(PERSONAS.map((w) => p[w].is_admin)).toEqual([true, false, false, false]);
  });

  it("volume:get on a demo volume: admin, demo's member and reader yes, another project's member no", () => {
    expect(allowed(engine(), 'volume:get', demoVolume)).toEqual({ admin: true, member: true, reader: true, other: false });
    expect(allowed(engine(), 'volume:get_all', 'own')).toEqual(all(true));
  });

  it('volume:create, volume:delete, volume:extend need a member of the project (a reader is refused)', () => {
    expect(allowed(engine(), 'volume:create', 'own')).toEqual({ ...all(true), reader: false });
    expect(allowed(engine(), 'volume:delete', demoVolume)).toEqual({ admin: true, member: true, reader: false, other: false });
    expect(allowed(engine(), 'volume:extend', demoVolume)).toEqual({ admin: true, member: true, reader: false, other: false });
    expect(allowed(engine(), 'volume:attachment_create', demoVolume)).toEqual({ admin: true, member: true, reader: false, other: false });
    expect(allowed(engine(), 'volume_extension:volume_actions:upload_image', demoVolume)).toEqual({ admin: true, member: true, reader: false, other: false });
  });

  it('admin_api rules are the admin\'s only: force_delete, type_create, qos, pools, services, the host attribute', () => {
    const e = engine();
    for (const rule of [
      'volume:force_delete',
      'volume_extension:type_create',
      'volume_extension:qos_specs_manage:create',
      'scheduler_extension:scheduler_stats:get_pools',
      'volume_extension:services:index',
      'volume_extension:volume_host_attribute',
      'volume_extension:quotas:update',
    ]) {
      expect([rule, allowed(e, rule, demoVolume)]).toEqual([rule, adminOnly]);
    }
  });

  it('admin_api: is_admin:True alone passes; role:admin needs is_admin_project:True', () => {
    const e = engine();
    const admin = base('admin', ['admin', 'member', 'reader']);
    expect(e.authorize('volume:force_delete', admin, demoVolume)).toBe(true); // is_admin_project: true
    expect(e.authorize('volume:force_delete', { ...admin, is_admin_project: false }, demoVolume)).toBe(false);
    const { is_admin_project: _, ...withoutFlag } = admin;
    expect(e.authorize('volume:force_delete', withoutFlag, demoVolume)).toBe(false);
    expect(e.authorize('volume:force_delete', { ...withoutFlag, is_admin: true }, demoVolume)).toBe(true);
    // an elevated context (`context.elevated()`: is_admin without the role) passes admin_api, not the reader rule's role:admin
    const elevated = { ...base('demo', ['member', 'reader']), is_admin: true };
    expect(e.authorize('volume:force_delete', elevated, demoVolume)).toBe(true);
    expect(e.authorize('volume:get', elevated, { project_id: 'alt_demo' })).toBe(false);
  });

  it('a system-scoped admin passes too (no Cinder rule has scope_types)', () => {
    const e = engine();
    const sys = cinderCreds(e, { user_id: 'u-sys', project_id: null, domain_id: null, system_scope: 'all', roles: ['admin', 'member', 'reader'], is_admin_project: true });
    expect(e.authorize('volume:get', sys, demoVolume)).toBe(true);
    expect(e.authorize('volume:force_delete', sys, demoVolume)).toBe(true);
  });

  it("with enforceNewDefaults false the deprecated rules are or-ed in, as Zed's default configuration does", () => {
    const e = engine(false);
    // volume:create's deprecated check string is '': anyone
    expect(allowed(e, 'volume:create', demoVolume)).toEqual(all(true));
    // volume:delete's is admin_or_owner: project_id alone, the reader included
    expect(allowed(e, 'volume:delete', demoVolume)).toEqual({ admin: true, member: true, reader: true, other: false });
    expect(allowed(e, 'volume:get', demoVolume)).toEqual({ admin: true, member: true, reader: true, other: false });
    expect(allowed(e, 'volume:force_delete', demoVolume)).toEqual(adminOnly);
    // its deprecated check string lacks `rule:`: a generic check that never passes
    expect(allowed(e, 'volume_extension:volume_type_access:get_all_for_type', demoVolume)).toEqual(adminOnly);
  });

  it("a project's member reaches another project's volume through no rule but admin ones (seed 1313)", () =>
    fc.assert(
      fc.property(fc.constantFrom(...CINDER_POLICIES.filter((r) => (r.operations?.length ?? 0) > 0)), fc.boolean(), (rule: PolicyDefault, newDefaults) => {
        const e = engine(newDefaults);
        const other = personas(e).other;
        // only deprecated '' rules (create-like calls) let a stranger through, and only without the new defaults
        if (e.authorize(rule.name, other, demoVolume)) expect([newDefaults, rule.deprecated_rule?.check_str]).toEqual([false, '']);
      }),
      { seed: 1313 },
    ));
});

describe("a cloud with Cinder's rules registered", () => {
  /** What Cloud's constructor does, with Cinder's batch last (unless the list already holds it). */
  const services = (cloud: ReturnType<typeof createCloud>, cinder: boolean): PolicyService => {
    const p = new PolicyService(cloud.kernel);
    for (const s of SERVICES as readonly { policies?: readonly PolicyDefault[]; policyChecks?: PolicyCheckKinds; name: string }[]) {
      if (s.policies && s.policies !== CINDER_POLICIES) p.registerDefaults(s.policies, { service: s.name, ...(s.policyChecks ? { checks: s.policyChecks } : {}) });
    }
    if (cinder) p.registerDefaults(CINDER_POLICIES, BLOCK);
    return p;
  };

  it("answers every other service's rule as before; Cinder's base rules are its own", () => {
    const cloud = createCloud({ seed: 13, preset: 'empty' });
    const [before, after] = [services(cloud, false), services(cloud, true)];
    const others = before.listRules().map((r) => r.name);
    const e = engine();
    const p = personas(e);
    const people = PERSONAS.map((w) => p[w]);
    const targets: PolicyTarget[] = [{}, demoVolume, { project_id: 'alt_demo', tenant_id: 'alt_demo', user_id: 'u-demo' }];
    const answers = (s: PolicyService): boolean[] => others.flatMap((r) => people.flatMap((c) => targets.map((t) => s.authorize(r, c, t))));
    expect(answers(after)).toEqual(answers(before));
    // Cinder's admin_or_owner (is_admin:True or … or project_id:%(project_id)s) is seen by Cinder's rules only
    expect(after.getRule('admin_or_owner').check_str).toBe(before.getRule('admin_or_owner').check_str);
    cloud.policy.configure({ enforceNewDefaults: false });
    const old = services(cloud, true);
    // Cinder's admin_or_owner matches the project; Keystone's (`rule:admin_required or rule:owner`) would want the user
    const someoneElses = { project_id: 'demo', user_id: 'u-someone-else' };
    expect(old.authorize('volume:delete', p.reader, someoneElses)).toBe(true);
    expect(old.authorize('volume:delete', p.other, someoneElses)).toBe(false);
    expect(old.authorize('volume:force_delete', p.admin, demoVolume)).toBe(true);
  });
});
