/**
 * The catalog of operations (operations.ts) is complete: every public method and accessor of
 * every API a user reaches — each service's session API (from `SERVICES`), the anonymous API,
 * the operator APIs, the session, the cloud, `cloud.policy` and its engine, `cloud.clock`,
 * `cloud.quotas` — is listed, with an argument for every declared parameter, so the security
 * suites try it. Methods are enumerated from the objects' prototypes at run time; what is
 * private is read from the TypeScript sources (`private` / `protected` / `#name`), so a new
 * service (network, block, compute) or a new method fails here until it joins the catalog.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { createCloud, SERVICES, type Cloud } from '../../src/index.js';
import { OPERATIONS, buildFixture, argsOf } from './operations.js';

const SRC = join(import.meta.dirname, '../../src');

/** Public objects deliberately not in the catalog, with the reason. */
const EXCLUDED: Readonly<Record<string, string>> = {
  'cloud.kernel': 'the machinery for modules and extensions (hooks, task kinds, transactions), documented as such, not a user API',
};

interface Member {
  readonly private: boolean;
  readonly kind: 'method' | 'getter' | 'setter' | 'property';
  readonly params: number;
}

/** Every class declared under src/, with its members' visibility and parameter counts. */
function classesInSource(): Map<string, Map<string, Member>> {
  const out = new Map<string, Map<string, Member>>();
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
  for (const file of walk(SRC)) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node) && node.name) {
        const members = new Map<string, Member>();
        for (const m of node.members) {
          if (!m.name) continue;
          const name = ts.isPrivateIdentifier(m.name) ? `#${m.name.text}` : m.name.getText(sf);
          const mods = ts.canHaveModifiers(m) ? (ts.getModifiers(m) ?? []) : [];
          const hidden = name.startsWith('#') || mods.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword);
          const kind = ts.isMethodDeclaration(m) ? 'method' : ts.isGetAccessor(m) ? 'getter' : ts.isSetAccessor(m) ? 'setter' : 'property';
          const params = ts.isMethodDeclaration(m) ? m.parameters.length : 0;
          if (kind === 'setter' && members.has(name)) continue;
          members.set(name, { private: hidden, kind, params });
        }
        // constructor parameter properties (`private readonly kernel: Kernel`)
        for (const m of node.members) {
          if (!ts.isConstructorDeclaration(m)) continue;
          for (const p of m.parameters) {
            const mods = ts.getModifiers(p) ?? [];
            if (mods.length === 0) continue;
            members.set(p.name.getText(sf), { private: mods.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword), kind: 'property', params: 0 });
          }
        }
        out.set(node.name.text, members);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

interface Found {
  readonly name: string;
  readonly kind: 'method' | 'getter';
  /** Declared parameters (from the source, or the function's length for plain objects). */
  readonly params: number;
}

/** The public methods and accessors of an API object, from its prototype chain (or own functions for a plain object). */
function publicMembers(api: string, obj: object, classes: Map<string, Map<string, Member>>): Found[] {
  const out: Found[] = [];
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto === Object.prototype || proto === null) {
    for (const [k, v] of Object.entries(obj)) if (typeof v === 'function') out.push({ name: `${api}.${k}`, kind: 'method', params: (v as (...a: unknown[]) => unknown).length });
    return out;
  }
  const seen = new Set<string>();
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const cls = classes.get((p as { constructor: { name: string } }).constructor.name);
    for (const key of Object.getOwnPropertyNames(p)) {
      if (key === 'constructor' || seen.has(key)) continue;
      seen.add(key);
      const member = cls?.get(key);
      if (member?.private) continue;
      const d = Object.getOwnPropertyDescriptor(p, key);
      if (d?.get !== undefined) out.push({ name: `${api}.${key}`, kind: 'getter', params: 0 });
      else if (typeof d?.value === 'function') out.push({ name: `${api}.${key}`, kind: 'method', params: member?.params ?? (d.value as (...a: unknown[]) => unknown).length });
    }
  }
  return out;
}

/** Every API object a user reaches, by its catalog path. */
function apis(cloud: Cloud): Map<string, object> {
  const session = cloud.admin;
  const out = new Map<string, object>([['session', session]]);
  for (const service of SERVICES) {
    const d = service as { session?: (r: never) => object; operator?: (k: never) => object; anonymous?: (r: never) => object };
    if (d.session) for (const key of Object.keys(d.session(null as never))) out.set(`session.${key}`, (session as unknown as Record<string, object>)[key] as object);
    if (d.operator) for (const key of Object.keys(d.operator(cloud.kernel as never))) out.set(`cloud.${key}`, (cloud as unknown as Record<string, object>)[key] as object);
    if (d.anonymous) for (const key of Object.keys(d.anonymous(null as never))) out.set(`cloud.anonymous.${key}`, (cloud.anonymous as Record<string, object>)[key] as object);
  }
  out.set('cloud', cloud);
  out.set('cloud.policy', cloud.policy);
  out.set('cloud.clock', cloud.clock);
  out.set('cloud.quotas', cloud.quotas);
  return out;
}

describe('the catalog of operations', () => {
  const classes = classesInSource();
  const cloud = createCloud({ seed: 1 });
  const found = [...apis(cloud)].flatMap(([api, obj]) => publicMembers(api, obj, classes));
  const catalog = new Map(OPERATIONS.map((o) => [o.name, o]));

  it('lists every public method and accessor of every API (enumerated from the prototypes)', () => {
    const missing = found.filter((f) => !catalog.has(f.name)).map((f) => `${f.name}: a public ${f.kind} the catalog (tests/security/operations.ts) does not list`);
    expect(missing).toEqual([]);
  });

  it('lists nothing that does not exist, each with its kind', () => {
    const byName = new Map(found.map((f) => [f.name, f]));
    const stale = OPERATIONS.flatMap((o) => {
      const f = byName.get(o.name);
      if (f === undefined) return [`${o.name}: listed, but no such public ${o.kind}`];
      return f.kind === o.kind ? [] : [`${o.name}: listed as a ${o.kind}, but it is a ${f.kind}`];
    });
    expect(stale).toEqual([]);
    expect(new Set(OPERATIONS.map((o) => o.name)).size).toBe(OPERATIONS.length);
  });

  it('gives every method an argument for each declared parameter (so bad_input tries every position)', () => {
    const env = buildFixture();
    const byName = new Map(found.map((f) => [f.name, f]));
    const short = OPERATIONS.flatMap((o) => {
      const f = byName.get(o.name);
      const n = argsOf(o, env).length;
      return f && f.kind === 'method' && n !== f.params ? [`${o.name}: ${n} argument(s) in the catalog, ${f.params} declared`] : [];
    });
    expect(short).toEqual([]);
  });

  it('accounts for every public property of the cloud and of a session (an API in the catalog, or excluded with a reason)', () => {
    const known = new Set([...apis(cloud).keys()]);
    const props = (prefix: string, obj: object, cls: string): string[] =>
      Object.keys(obj)
        .filter((k) => !(classes.get(cls)?.get(k)?.private ?? false))
        .map((k) => `${prefix}.${k}`);
    const unaccounted = [...props('cloud', cloud, 'Cloud'), ...props('session', cloud.admin, 'Session')].filter((p) => !known.has(p) && !(p in EXCLUDED) && ![...known].some((k) => k.startsWith(`${p}.`)));
    expect(unaccounted).toEqual([]);
  });
});
