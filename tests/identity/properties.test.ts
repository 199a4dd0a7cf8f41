/**
 * Effective roles as a property: on random project trees, groups, implied roles and grants
 * (all made through the public API on an `empty` cloud), what a token carries and what
 * `listRoleAssignments({ effective: true })` lists equal a small reference implementation:
 * the implied-role closure of direct + group + inherited-from-ancestors + inherited-from-domain
 * assignments (Keystone's keystone/assignment/core.py, without domain-specific roles).
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { Cloud } from '../../src/index.js';
import { emptyCloud, roleNames } from './helpers.js';

// ------------------------------------------------------------------------------ the plan

const BOOT_ROLES = ['admin', 'member', 'reader'];
const BOOT_IMPLIES: [string, string][] = [
  ['admin', 'member'],
  ['member', 'reader'],
];
const MAX_DEPTH = 5;

type Scope = { kind: 'project'; name: string; id?: string } | { kind: 'domain'; name: string; id?: string } | { kind: 'system' };

interface Grant {
  readonly actor: { readonly type: 'user' | 'group'; readonly name: string };
  readonly target: Scope;
  readonly role: string;
  readonly inherited: boolean;
}

/** A concrete world: what is created, in creation order. */
interface World {
  readonly domains: string[]; // names; 'Default' first
  /** The bootstrap `admin` project first (it exists already), then the new ones. */
  readonly projects: { name: string; domain: string; parent: string | null }[];
  readonly roles: string[]; // new roles only
  readonly implies: [string, string][]; // new implications only
  readonly users: string[];
  readonly groups: string[];
  readonly members: [string, string][]; // [user, group]
  readonly grants: Grant[];
}

const rawPlan = fc.record({
  extraDomain: fc.boolean(),
  projects: fc.array(fc.record({ top: fc.boolean(), parent: fc.nat(), domain: fc.nat() }), { minLength: 1, maxLength: 7 }),
  roles: fc.integer({ min: 1, max: 4 }),
  implies: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 5 }),
  users: fc.integer({ min: 1, max: 3 }),
  groups: fc.integer({ min: 0, max: 2 }),
  members: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
  grants: fc.array(
    fc.record({ group: fc.boolean(), actor: fc.nat(), kind: fc.constantFrom('project' as const, 'domain' as const, 'system' as const), target: fc.nat(), role: fc.nat(), inherited: fc.boolean() }),
    { maxLength: 10 },
  ),
});

type RawPlan = typeof rawPlan extends fc.Arbitrary<infer T> ? T : never;

/** Turns raw numbers into a valid world (indices wrap; trees stay within the depth limit; implications stay acyclic and never imply admin). */
function worldOf(raw: RawPlan): World {
  const domains = raw.extraDomain ? ['Default', 'dx'] : ['Default'];
  const projects: World['projects'] = [{ name: 'admin', domain: 'Default', parent: null }];
  const depth = new Map<string, number>([['admin', 1]]);
  raw.projects.forEach((p, i) => {
    const name = `p${i}`;
    const parent = p.top ? null : projects[p.parent % projects.length]!;
    if (parent && (depth.get(parent.name) ?? 1) < MAX_DEPTH) {
      projects.push({ name, domain: parent.domain, parent: parent.name });
      depth.set(name, (depth.get(parent.name) ?? 1) + 1);
    } else {
      projects.push({ name, domain: domains[p.domain % domains.length]!, parent: null });
      depth.set(name, 1);
    }
  });
  const roles = Array.from({ length: raw.roles }, (_, i) => `r${i}`);
  const all = [...BOOT_ROLES, ...roles];
  const implies = new Map<string, [string, string]>();
  for (const [a, b] of raw.implies) {
    const prior = a % roles.length;
    // a new role implies a later new role, member or reader: never admin, never backwards
    const options = ['member', 'reader', ...roles.slice(prior + 1)];
    const edge: [string, string] = [roles[prior]!, options[b % options.length]!];
    implies.set(edge.join('>'), edge);
  }
  const users = Array.from({ length: raw.users }, (_, i) => `u${i}`);
  const groups = Array.from({ length: raw.groups }, (_, i) => `g${i}`);
  const members = new Map<string, [string, string]>();
  if (groups.length > 0) for (const [u, g] of raw.members) members.set(`${u % users.length}/${g % groups.length}`, [users[u % users.length]!, groups[g % groups.length]!]);
  const grants: Grant[] = raw.grants.map((g) => {
    const actor = g.group && groups.length > 0 ? { type: 'group' as const, name: groups[g.actor % groups.length]! } : { type: 'user' as const, name: users[g.actor % users.length]! };
    const target: Scope = g.kind === 'project' ? { kind: 'project', name: projects[g.target % projects.length]!.name } : g.kind === 'domain' ? { kind: 'domain', name: domains[g.target % domains.length]! } : { kind: 'system' };
    return { actor, target, role: all[g.role % all.length]!, inherited: g.kind !== 'system' && g.inherited };
  });
  return { domains, projects, roles, implies: [...implies.values()], users, groups, members: [...members.values()], grants };
}

// ------------------------------------------------------------------------ the reference model

const sameTarget = (a: Scope, b: Scope) => a.kind === b.kind && (a.kind === 'system' || a.name === (b as { name: string }).name);

/** The role names a user holds on a scope, by Keystone's rules, closed under implied roles. */
function expectedRoles(w: World, user: string, scope: Scope): Set<string> {
  const groups = new Set(w.members.filter(([u]) => u === user).map(([, g]) => g));
  const mine = w.grants.filter((g) => (g.actor.type === 'user' ? g.actor.name === user : groups.has(g.actor.name)));
  const direct: string[] = [];
  for (const g of mine) {
    if (scope.kind === 'system') {
      if (g.target.kind === 'system') direct.push(g.role);
    } else if (scope.kind === 'domain') {
      if (!g.inherited && sameTarget(g.target, scope)) direct.push(g.role);
    } else {
      const project = w.projects.find((p) => p.name === scope.name)!;
      const ancestors: string[] = [];
      for (let p = project.parent; p !== null; p = w.projects.find((x) => x.name === p)!.parent) ancestors.push(p);
      if (!g.inherited && sameTarget(g.target, scope)) direct.push(g.role);
      if (g.inherited && g.target.kind === 'domain' && g.target.name === project.domain) direct.push(g.role);
      if (g.inherited && g.target.kind === 'project' && ancestors.includes(g.target.name)) direct.push(g.role);
    }
  }
  const edges = [...BOOT_IMPLIES, ...w.implies];
  const out = new Set<string>();
  const queue = [...direct];
  while (queue.length > 0) {
    const r = queue.pop()!;
    if (out.has(r)) continue;
    out.add(r);
    for (const [prior, implied] of edges) if (prior === r) queue.push(implied);
  }
  return out;
}

// --------------------------------------------------------------------------- building it

interface Built {
  readonly ids: Map<string, string>; // 'project:p0' / 'domain:dx' / 'role:r0' → id
}

function build(cloud: Cloud, w: World): Built {
  const sa = cloud.systemAdmin.identity;
  const ids = new Map<string, string>([['domain:Default', 'default'], ['project:admin', sa.getProject('admin').id]]);
  for (const d of w.domains.slice(1)) ids.set(`domain:${d}`, sa.createDomain({ name: d }).id);
  for (const p of w.projects.slice(1)) {
    const domain_id = ids.get(`domain:${p.domain}`)!;
    const row = sa.createProject({ name: p.name, domain_id, ...(p.parent ? { parent_id: ids.get(`project:${p.parent}`)! } : {}) });
    ids.set(`project:${p.name}`, row.id);
  }
  for (const r of w.roles) ids.set(`role:${r}`, sa.createRole({ name: r }).id);
  for (const [prior, implied] of w.implies) sa.createImpliedRole(prior, implied);
  for (const u of w.users) sa.createUser({ name: u, password: 'pw' });
  for (const g of w.groups) sa.createGroup({ name: g });
  for (const [u, g] of w.members) sa.addUserToGroup(g, u);
  for (const g of w.grants) {
    const target = g.target.kind === 'system' ? { system: 'all' as const } : g.target.kind === 'project' ? { project: ids.get(`project:${g.target.name}`)! } : { domain: ids.get(`domain:${g.target.name}`)! };
    sa.createGrant({ role: g.role, [g.actor.type]: g.actor.name, ...target, inherited: g.inherited });
  }
  return { ids };
}

const scopesOf = (w: World): Scope[] => [...w.projects.map((p): Scope => ({ kind: 'project', name: p.name })), ...w.domains.map((d): Scope => ({ kind: 'domain', name: d })), { kind: 'system' }];

function loginRequest(b: Built, user: string, scope: Scope) {
  const base = { username: user, password: 'pw' };
  if (scope.kind === 'system') return { ...base, system: 'all' as const };
  if (scope.kind === 'domain') return { ...base, domain: b.ids.get(`domain:${scope.name}`)! };
  return { ...base, project: b.ids.get(`project:${scope.name}`)! };
}

function filterOf(b: Built, scope: Scope) {
  if (scope.kind === 'system') return { system: 'all' as const };
  if (scope.kind === 'domain') return { domain: b.ids.get(`domain:${scope.name}`)! };
  return { project: b.ids.get(`project:${scope.name}`)! };
}

/** Token roles on a scope, or null for the 401 of a scope without roles. */
function tokenRoles(cloud: Cloud, b: Built, user: string, scope: Scope): string[] | null {
  try {
    return roleNames(cloud.login(loginRequest(b, user, scope)).tokenInfo().roles);
  } catch (e) {
    expect((e as { status?: number }).status).toBe(401);
    return null;
  }
}

const describeScope = (s: Scope) => (s.kind === 'system' ? 'system' : `${s.kind} ${s.name}`);

// ------------------------------------------------------------------------------ the properties

describe('effective roles (property)', () => {
  const cloud = emptyCloud(7001);
  void cloud.systemAdmin; // log in once, before the snapshot every run starts from
  const start = cloud.snapshot();

  it('token roles and effective role assignments equal the reference closure, on every scope (seed 7001)', () => {
    fc.assert(
      fc.property(rawPlan, (raw) => {
        cloud.restore(start);
        const w = worldOf(raw);
        const b = build(cloud, w);
        const sa = cloud.systemAdmin.identity;
        const roleName = new Map(sa.listRoles().map((r) => [r.id, r.name]));
        for (const user of w.users) {
          const usable: string[] = [];
          for (const scope of scopesOf(w)) {
            const want = [...expectedRoles(w, user, scope)].sort();
            const label = `${user} on ${describeScope(scope)}`;
            expect(tokenRoles(cloud, b, user, scope), label).toEqual(want.length > 0 ? want : null);
            const listed = new Set(sa.listRoleAssignments({ effective: true, user, ...filterOf(b, scope) }).map((a) => roleName.get(a.role.id)));
            expect([...listed].sort(), `effective assignments of ${label}`).toEqual(want);
            if (scope.kind === 'project' && want.length > 0) usable.push(b.ids.get(`project:${scope.name}`)!);
          }
          const auth = cloud.login({ username: user, password: 'pw', unscoped: true }).identity.getAuthProjects();
          expect(auth.map((p) => p.id).sort(), `auth projects of ${user}`).toEqual(usable.sort());
        }
      }),
      { seed: 7001, numRuns: 60 },
    );
  });

  it('after a random grant is revoked, every token issued before revalidates to the new closure or to 401 (seed 7002)', () => {
    fc.assert(
      fc.property(rawPlan, fc.nat(), (raw, pick) => {
        cloud.restore(start);
        const w = worldOf(raw);
        fc.pre(w.grants.length > 0);
        const b = build(cloud, w);
        const sa = cloud.systemAdmin.identity;
        const sessions: { user: string; scope: Scope; session: ReturnType<Cloud['login']> }[] = [];
        for (const user of w.users) {
          for (const scope of scopesOf(w)) {
            if (expectedRoles(w, user, scope).size > 0) sessions.push({ user, scope, session: cloud.login(loginRequest(b, user, scope)) });
          }
        }
        const victim = w.grants[pick % w.grants.length]!;
        const target = victim.target.kind === 'system' ? { system: 'all' as const } : filterOf(b, victim.target);
        sa.deleteGrant({ role: victim.role, [victim.actor.type]: victim.actor.name, ...target, inherited: victim.inherited });
        // the same grant may have been generated twice: the world loses every copy
        const after: World = { ...w, grants: w.grants.filter((g) => !(g.role === victim.role && g.actor.type === victim.actor.type && g.actor.name === victim.actor.name && sameTarget(g.target, victim.target) && g.inherited === victim.inherited)) };
        for (const { user, scope, session } of sessions) {
          const want = [...expectedRoles(after, user, scope)].sort();
          let got: string[] | null;
          try {
            got = roleNames(session.tokenInfo().roles);
          } catch (e) {
            expect((e as { status?: number }).status).toBe(401);
            got = null;
          }
          expect(got, `${user} on ${describeScope(scope)}`).toEqual(want.length > 0 ? want : null);
        }
      }),
      { seed: 7002, numRuns: 40 },
    );
  });
});
