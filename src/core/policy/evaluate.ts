/**
 * Evaluation of a parsed rule against a target and credentials, with oslo.policy's semantics
 * (`oslo_policy/_checks.py`). Pure: the only ways out are the `lookup` of named rules and the
 * check kinds a service registered.
 */
import type { PolicyRule } from './ast.js';
import { closingParen } from './parse.js';
import { MISSING, isMapping, ownKeys, ownValue, pyStr } from './python.js';

/**
 * Who is calling, as oslo.context's `RequestContext.to_policy_values()` describes a token:
 * `user_id`, `user_domain_id`, exactly one scope (`project_id` + `project_domain_id`, or
 * `domain_id`, or `system_scope: 'all'`), the `roles` effective on that scope (names, implied
 * roles included), `is_admin_project`, and for a request carrying a service token
 * `service_user_id`, `service_user_domain_id`, `service_project_id`, `service_project_domain_id`,
 * `service_roles`. Keystone adds `token` (the rendered token body, so `token.user.id` works).
 * Absent values are `null` in a context; any other key may be added and checked by name.
 */
export interface PolicyCredentials {
  readonly user_id?: string | null;
  readonly user_domain_id?: string | null;
  readonly project_id?: string | null;
  readonly project_domain_id?: string | null;
  /** The domain a domain-scoped token is scoped to (not the user's domain). */
  readonly domain_id?: string | null;
  /** `'all'` for a system-scoped token. */
  readonly system_scope?: string | null;
  readonly roles: readonly string[];
  /** Legacy nova/cinder flag; checked by `is_admin:True`. */
  readonly is_admin?: boolean;
  readonly is_admin_project?: boolean;
  readonly service_user_id?: string | null;
  readonly service_user_domain_id?: string | null;
  readonly service_project_id?: string | null;
  readonly service_project_domain_id?: string | null;
  readonly service_roles?: readonly string[];
  readonly [key: string]: unknown;
}

/**
 * What the call acts on. Nested objects are read as keystone flattens them before enforcing
 * (`keystone/common/utils.py` `flatten_dict`): `{ target: { project: { id } } }` answers
 * `%(target.project.id)s`, as does a flat `{ 'target.project.id': … }`.
 */
export type PolicyTarget = Readonly<Record<string, unknown>>;

/**
 * Finds a named rule for `rule:<name>`; `undefined` when there is none. `from` is the rule being
 * enforced (the first of the names being evaluated), so a fallback can depend on its service.
 */
export type PolicyLookup = (name: string, from: string | undefined) => PolicyRule | undefined;

/**
 * A check kind a service registers, as oslo.policy's `@policy.register(kind)` does (Neutron's
 * `field`, `neutron/policy.py` FieldCheck): a check `<kind>:<match>` whose kind is registered
 * calls it with `match` after `%(attr)s` substitution (a missing attribute fails the check before
 * the call, as for a generic check), the target and the credentials. Only `true` passes; a check
 * that throws counts as false (oslo lets the exception escape, which the service answers with a
 * 500; here the call is denied instead).
 */
export type CustomCheck = (match: string, target: PolicyTarget, credentials: PolicyCredentials) => boolean;

/** Registered check kinds by kind (the `<kind>` of `<kind>:<match>`); only own properties count. */
export type PolicyCheckKinds = Readonly<Record<string, CustomCheck>>;

/** `rule:` references nested deeper than this evaluate to false (a guard against runaway lookups). */
export const MAX_RULE_DEPTH = 64;

/**
 * Evaluates a rule exactly as oslo.policy would, and never throws whatever the shapes of
 * `target` and `credentials`:
 *
 * - `role:<name>`: `<name>` (after substitution) is among `credentials.roles`, case-insensitively.
 * - `rule:<name>`: the rule `lookup(name)` returns; none → false. A rule that refers back to
 *   itself (directly or through others) evaluates that reference to false instead of looping;
 *   {@link PolicyEngine} refuses such loops when they are defined.
 * - `<key>:<match>`: `%(attr)s` in `match` is replaced by Python's `str()` of the target's
 *   `attr` (missing → false); then the credentials are walked along the dotted `key` (missing →
 *   false), fanning out over lists, and the check passes when `match` equals `str()` of a value
 *   found there: `is_admin:True` matches `true`, `project_id:%(project_id)s` matches when both
 *   are `null` ('None' == 'None').
 * - `<constant>:<match>`: `match` (after substitution) equals the constant's `str()`.
 * - `<kind>:<match>` whose kind is in `checks` ({@link CustomCheck}): the registered check
 *   decides, given `match` after substitution; any other kind keeps the generic behaviour above.
 *   The substitution key may hold ':' (`tenant_id:%(network:tenant_id)s` reads the target's
 *   `network:tenant_id`, as Python's `%` does).
 */
export function evaluatePolicy(
  rule: PolicyRule,
  target: PolicyTarget,
  credentials: PolicyCredentials,
  lookup: PolicyLookup = () => undefined,
  checks?: PolicyCheckKinds,
): boolean {
  return evaluate(rule, target, credentials, { lookup, checks }, []);
}

/** What an evaluation consults besides the rule: named rules and registered check kinds. */
interface Env {
  readonly lookup: PolicyLookup;
  readonly checks: PolicyCheckKinds | undefined;
}

/**
 * `stack` holds the names being evaluated, outermost first: a name is pushed while its rule is
 * evaluated and popped after, so one array serves the whole evaluation (loops and plain `for`s
 * rather than callbacks: this runs for every rule of every call).
 */
function evaluate(rule: PolicyRule, target: unknown, creds: unknown, env: Env, stack: string[]): boolean {
  switch (rule.type) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'not':
      return !evaluate(rule.rule, target, creds, env, stack);
    case 'and':
      for (const r of rule.rules) if (!evaluate(r, target, creds, env, stack)) return false;
      return true;
    case 'or':
      for (const r of rule.rules) if (evaluate(r, target, creds, env, stack)) return true;
      return false;
    case 'rule': {
      if (stack.includes(rule.name) || stack.length >= MAX_RULE_DEPTH) return false;
      const named = env.lookup(rule.name, stack[0]);
      if (named === undefined) return false;
      stack.push(rule.name);
      const allowed = evaluate(named, target, creds, env, stack);
      stack.pop();
      return allowed;
    }
    case 'role': {
      const match = substitute(rule.match, target);
      const roles = ownValue(creds, 'roles');
      if (match === undefined || !Array.isArray(roles)) return false;
      const wanted = match.toLowerCase();
      for (let i = 0; i < roles.length; i++) {
        const role: unknown = roles[i];
        if (typeof role === 'string' && role.toLowerCase() === wanted) return true;
      }
      return false;
    }
    case 'constant': {
      const match = substitute(rule.match, target);
      return match !== undefined && match === rule.value;
    }
    case 'generic': {
      const match = substitute(rule.match, target);
      if (match === undefined) return false;
      const custom = env.checks === undefined ? MISSING : ownValue(env.checks, rule.key);
      if (typeof custom === 'function') return runCustom(custom as CustomCheck, match, target, creds);
      return findInCredentials(creds, rule.key, 0, match);
    }
  }
}

/** A registered check's answer: `true` passes; anything else, or an exception, fails. */
function runCustom(check: CustomCheck, match: string, target: unknown, creds: unknown): boolean {
  try {
    return check(match, target as PolicyTarget, creds as PolicyCredentials) === true;
  } catch {
    return false;
  }
}

/**
 * Python's `match % target`: `%(attr)s` → `str(target[attr])`, `%%` → `%`.
 * `undefined` when an attribute is missing (oslo's `KeyError` → the check fails) or the text
 * holds a format the parser would have refused.
 */
export function substitute(match: string, target: unknown): string | undefined {
  if (!match.includes('%')) return match;
  return fillTemplate(compileTemplate(match), target);
}

/**
 * A `match` text cut into what {@link substitute} does with it: literal pieces (`%%` already
 * turned into `%`) at even indexes, between them the `attr` of each `%(attr)s`; null for a
 * format the parser would have refused. Compiled once, it can be filled in for many targets
 * with the attribute names always the same strings.
 */
export type MatchTemplate = readonly string[] | null;

/** Cuts `match` into a {@link MatchTemplate}. */
export function compileTemplate(match: string): MatchTemplate {
  const parts: string[] = [];
  let literal = '';
  for (let j = 0; j < match.length; j++) {
    const ch = match[j] as string;
    if (ch !== '%') {
      literal += ch;
    } else if (match[j + 1] === '%') {
      literal += '%';
      j++;
    } else {
      const end = match[j + 1] === '(' ? closingParen(match, j + 1) : -1;
      if (end < 0 || match[end + 1] !== 's') return null;
      parts.push(literal, match.slice(j + 2, end));
      literal = '';
      j = end + 1;
    }
  }
  parts.push(literal);
  return parts;
}

/** {@link substitute} of a compiled text: undefined when an attribute is missing or the format was refused. */
export function fillTemplate(template: MatchTemplate, target: unknown): string | undefined {
  if (template === null) return undefined;
  let out = template[0] as string;
  for (let i = 1; i < template.length; i += 2) {
    const value = targetValue(target, template[i] as string);
    if (value === MISSING) return undefined;
    out += pyStr(value) + (template[i + 1] as string);
  }
  return out;
}

/**
 * `flatten_dict(target)[key]` without building the flat dict: nested objects are entered along
 * the dotted key; an object itself is never a value (flattening replaces it by its leaves).
 */
function targetValue(obj: unknown, key: string): unknown {
  const direct = ownValue(obj, key);
  if (direct !== MISSING && !isMapping(direct)) return direct;
  if (!isMapping(obj)) return MISSING;
  for (const k of ownKeys(obj)) {
    if (!key.startsWith(`${k}.`)) continue;
    const child = ownValue(obj, k);
    if (!isMapping(child)) continue;
    const found = targetValue(child, key.slice(k.length + 1));
    if (found !== MISSING) return found;
  }
  return MISSING;
}

/**
 * oslo's `GenericCheck._find_in_dict`: walk the path; a list on the way matches if any item does.
 * The path is `key.split('.')` from segment `from` on (the offset in `key` where that segment
 * starts; past the end once every segment was walked), read in place rather than split per check.
 */
function findInCredentials(value: unknown, key: string, from: number, match: string): boolean {
  if (from > key.length) return match === pyStr(value);
  const dot = key.indexOf('.', from);
  const end = dot < 0 ? key.length : dot;
  const next = ownValue(value, key.slice(from, end));
  if (next === MISSING) return false;
  if (Array.isArray(next)) return next.some((item) => findInCredentials(item, key, end + 1, match));
  return findInCredentials(next, key, end + 1, match);
}
