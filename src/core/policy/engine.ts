/**
 * The policy enforcer of one Cloud: registered defaults, operator overrides, scope checks and
 * deprecated defaults, as oslo.policy's `Enforcer` (`oslo_policy/policy.py`) does them.
 */
import * as check from '../validate.js';
import { printPolicy, referencedRules, type PolicyRule } from './ast.js';
import { MAX_TEXT, parseOverride, type PolicyCheckString, readDefault, ruleName, type Override, type PolicyDefault, type PolicyScope, type Registered, type RuleParser } from './defaults.js';
import { parsePolicy } from './parse.js';
import { memoSlot, type Memo } from '../memo.js';
import {
  DuplicatePolicy,
  InvalidScope,
  PolicyCycle,
  PolicyNotAuthorized,
  PolicyNotRegistered,
  PolicyRuleNotFound,
} from './errors.js';
import { compileTemplate, evaluatePolicy, fillTemplate, type MatchTemplate, type PolicyCheckKinds, type PolicyCredentials, type PolicyTarget } from './evaluate.js';
import { isSealedCredentials } from './caller.js';
import { pyTruthy, readKind } from './python.js';
import { InvalidInput } from '../errors.js';

export type { PolicyDefault, PolicyScope } from './defaults.js';

/** Options of a {@link PolicyEngine}: the `[oslo_policy]` section of a service's config plus its policy.yaml. */
export interface PolicyEngineOptions {
  /** `[oslo_policy] enforce_scope`. Zed's default is false; stacksim's is true. */
  readonly enforceScope?: boolean;
  /** `[oslo_policy] enforce_new_defaults`. Zed's default is false; stacksim's is true. */
  readonly enforceNewDefaults?: boolean;
  /** Overrides, as in a policy.yaml: rule name → check string. New names (aliases) are allowed. */
  readonly rules?: Readonly<Record<string, PolicyCheckString>>;
}

/** One rule as {@link PolicyEngine.listRules} reports it. */
export interface PolicyRuleInfo {
  readonly name: string;
  /** The check string in force: the override's, the default's, or `new or old` for a deprecated default. */
  readonly check_str: string;
  /** The parsed rule in force. */
  readonly rule: PolicyRule;
  /** The registered default's check string; `undefined` for a custom rule that only exists as an override. */
  readonly default_check_str: string | undefined;
  /** Scopes the rule accepts; empty when it does not restrict scope. */
  readonly scope_types: readonly PolicyScope[];
  readonly overridden: boolean;
  readonly registered: boolean;
  readonly description: string | undefined;
  readonly operations: readonly { readonly path: string; readonly method: string }[];
  readonly deprecated_rule: PolicyDefault['deprecated_rule'];
}

/** A scope mismatch let through because `enforceScope` is off (oslo logs it as a warning). */
export interface ScopeWarning {
  readonly rule: string;
  readonly token_scope: PolicyScope;
  readonly scope_types: readonly PolicyScope[];
}

/** A rule in force and the check string shown for it. */
interface Effective {
  readonly rule: PolicyRule;
  readonly check_str: string;
}

/**
 * Who registers a batch of defaults ({@link PolicyEngine.registerDefaults}): the service, whose
 * namespace the rules join, and the check kinds it registers (oslo.policy's
 * `@policy.register(kind)`, Neutron's `field`).
 */
export interface PolicyRegistration {
  /**
   * The service's name (`network`). Batches of one service share a namespace. A named service
   * may register a base rule (one without `operations`) under a name another service registered
   * first (Neutron's `default`, `owner`, `admin_or_owner`, `context_is_admin`): that rule is its
   * own, seen only by its own rules, as each OpenStack service has its own enforcer. A batch
   * without a service is a namespace of its own whose names must all be new.
   */
  readonly service?: string;
  /**
   * Check kinds (`field`) and their checks, consulted for a `<kind>:<match>` check in a rule of
   * this service (the rule enforced decides the service); other services keep the generic check
   * for that kind. `rule`, `role` and kinds that are not credential keys cannot be registered.
   */
  readonly checks?: PolicyCheckKinds;
}

/**
 * One service's namespace: its check kinds, and the rules it registered under a name another
 * namespace registered first (the rest of its rules are public, in {@link PolicyEngine}'s maps).
 */
interface Namespace {
  readonly service: string | undefined;
  readonly own: ReadonlyMap<string, Registered>;
  readonly checks: PolicyCheckKinds | undefined;
}

/** The registered defaults of an engine: public names, who owns each, and the namespaces. */
interface Registry {
  /** Every registered name as the cloud sees it: the first service to register it. */
  readonly registered: ReadonlyMap<string, Registered>;
  /** The namespace (index into {@link namespaces}) of each public name. */
  readonly owners: ReadonlyMap<string, number>;
  readonly namespaces: readonly Namespace[];
}

/** Reads a {@link PolicyRegistration} of any shape; check kinds are copied into a frozen prototype-less record. */
function readRegistration(value: unknown): { service: string | undefined; checks: PolicyCheckKinds | undefined } {
  if (value === undefined) return { service: undefined, checks: undefined };
  const o = check.record(value, 'registration');
  check.onlyKeys(o, ['service', 'checks'], 'registration');
  const service = check.optional(o['service'], 'registration.service', (v, f) => check.name(v, f, 255), undefined);
  const given = check.optional(o['checks'], 'registration.checks', check.record, undefined);
  if (given === undefined) return { service, checks: undefined };
  const checks = Object.create(null) as Record<string, PolicyCheckKinds[string]>;
  for (const kind of Object.keys(given)) {
    const field = `registration.checks.${kind}`;
    if (kind === 'rule' || kind === 'role' || readKind(kind).type !== 'path') {
      throw new InvalidInput(field, `'${kind}' cannot be a registered check kind: it must be a credential key the parser reads as a generic check (not rule, role, a constant or http).`);
    }
    const fn = given[kind];
    if (typeof fn !== 'function') throw new InvalidInput(field, `expected a function (match, target, credentials) => boolean, got ${check.describe(fn)}.`);
    checks[kind] = fn as PolicyCheckKinds[string];
  }
  return { service, checks: Object.freeze(checks) };
}

/** An API rule (one with `operations`) is enforced by its name, so that name is the cloud's one. */
function isApiRule(r: Registered): boolean {
  return (r.info.operations?.length ?? 0) > 0;
}

/** The rule a `rule:<name>` falls back to when `<name>` is undefined (`[oslo_policy] policy_default_rule`). */
export const POLICY_DEFAULT_RULE = 'default';

/**
 * A kernel's parsed check strings by text (a failure is not kept: its error names the rule).
 * The engine holds this map, not the memo: a fork that starts with its parent's engine keeps
 * nothing else of the parent's derived data alive.
 */
const PARSED_RULES = memoSlot<void, Map<string, PolicyRule>>('core.policy.parsed');
const MAX_PARSED_RULES = 10_000;

function memoParser(parsed: Map<string, PolicyRule>): RuleParser {
  return (text, name) => {
    const known = parsed.get(text);
    if (known !== undefined) return known;
    const rule = parsePolicy(text, name);
    if (parsed.size >= MAX_PARSED_RULES) parsed.clear();
    parsed.set(text, rule);
    return rule;
  };
}

/**
 * Answers kept for one sealed credentials object: under a rule's name, one level of maps per
 * `%(attr)s` text the rule reads, keyed by what the text gives for the target, down to the answer.
 */
type Answers = boolean | Map<unknown, Answers>;

/** Answers kept per level of {@link Answers} (distinct projects, images…) before it starts again. */
const MAX_KEPT_ANSWERS = 1000;

/** Scope warnings kept; the oldest are dropped first. */
const MAX_SCOPE_WARNINGS = 1000;

/**
 * Enforces policy for one Cloud (oslo.policy's `Enforcer`); no global state.
 *
 * - Defaults are parsed when registered; a check string that does not parse, a duplicate name or
 *   a loop of `rule:` references is refused then, not discovered at enforcement.
 * - Overrides (constructor `rules`, {@link setRule}) replace a default, or add a custom rule.
 * - {@link enforce} checks the scope first (when the rule has `scope_types`), then the rule.
 * - Each service registers into a namespace of its own ({@link PolicyRegistration}), as each
 *   OpenStack service has its own enforcer: every `rule:<name>` reference met while enforcing a
 *   rule resolves in the namespace of the service that registered the enforced rule — its own
 *   rule of that name first (a base rule it shares a name with an earlier service, such as
 *   Neutron's `owner`), then the cloud's (public names, operators' custom rules).
 * - A `rule:<name>` reference to an undefined name evaluates that namespace's rule named `default`
 *   (oslo's `policy_default_rule`) when its service registered one (Glance and Neutron do, each
 *   its own; Keystone and Placement do not), or when `default` is an operator's override no
 *   service registered; else it fails — as each service's own enforcer would.
 * - A check kind a service registered (`field`) applies to its rules only.
 * - Overrides are by name and apply to every service's rule of that name (one policy.yaml for
 *   every service); {@link getRule} and {@link listRules} show a shared name's first registrant.
 *
 * Not simulated: policy files on disk and their reload, `policy.d` directories, external
 * `http:` checks, deprecation warnings other than the scope warnings.
 */
export class PolicyEngine {
  /** `[oslo_policy] enforce_scope`. */
  readonly enforceScope: boolean;
  /** `[oslo_policy] enforce_new_defaults`. */
  readonly enforceNewDefaults: boolean;

  private registered: ReadonlyMap<string, Registered> = new Map();
  /** The namespace of each registered (public) name, by index into {@link namespaces}. */
  private owners: ReadonlyMap<string, number> = new Map();
  private namespaces: readonly Namespace[] = [];
  private overrides = new Map<string, Override>();
  private effective = new Map<string, Effective>();
  /** Per namespace, its own rules in force (those sharing a name with an earlier service's). */
  private ownEffective: readonly (ReadonlyMap<string, Effective> | undefined)[] = [];
  private readonly warnings: ScopeWarning[] = [];
  /**
   * Derived from the rules in force, so emptied whenever they change ({@link commit}): per
   * enforced name, what of the target its answer reads ({@link targetTexts}); per sealed
   * credentials object, the answers given ({@link Answers}); per action, the attributes that have
   * an `<action>:<attr>` rule.
   */
  private texts = new Map<string, readonly MatchTemplate[] | null>();
  private answers = new WeakMap<object, Map<unknown, Answers>>();
  private attributes = new Map<string, ReadonlySet<string>>();
  private readonly lookup = (name: string, from: string | undefined): PolicyRule | undefined =>
    this.resolve(from === undefined ? undefined : this.owners.get(from), name)?.rule;

  /**
   * The rule `name` means inside namespace `ns`: the namespace's own rule, else the public one,
   * else (an undefined name) the namespace's `default` when its service registered one, or the
   * operator's `default` when no service registered one (the policy file's). Top-level names
   * (no namespace yet) are public ones only.
   */
  private resolve(ns: number | undefined, name: string): Effective | undefined {
    if (ns === undefined) return this.effective.get(name);
    const found = this.ownEffective[ns]?.get(name) ?? this.effective.get(name);
    if (found !== undefined) return found;
    if (!this.registered.has(POLICY_DEFAULT_RULE)) return this.effective.get(POLICY_DEFAULT_RULE);
    return this.ownEffective[ns]?.get(POLICY_DEFAULT_RULE) ?? (this.owners.get(POLICY_DEFAULT_RULE) === ns ? this.effective.get(POLICY_DEFAULT_RULE) : undefined);
  }

  /** How check strings are parsed (through the kernel's memo when the engine has one). */
  private readonly parse: RuleParser;

  /** `memo`: a kernel's memo, where parsed check strings are kept (a cloud's engine has one). */
  constructor(options: PolicyEngineOptions = {}, memo?: Memo) {
    this.parse = memo === undefined ? parsePolicy : memoParser(memo.cell(PARSED_RULES, () => new Map()));
    const o = check.record(options, 'policy');
    check.onlyKeys(o, ['enforceScope', 'enforceNewDefaults', 'rules'], 'policy');
    this.enforceScope = check.optional(o['enforceScope'], 'policy.enforceScope', check.boolean, true);
    this.enforceNewDefaults = check.optional(o['enforceNewDefaults'], 'policy.enforceNewDefaults', check.boolean, true);
    const rules = check.optional(o['rules'], 'policy.rules', check.record, {});
    const overrides = new Map<string, Override>();
    for (const [name, text] of Object.entries(rules)) {
      overrides.set(ruleName(name, 'policy.rules'), parseOverride(name, text, `policy.rules.${name}`, this.parse));
    }
    this.commit(this.registry(), overrides);
  }

  /**
   * Registers a service's defaults (oslo's `Enforcer.register_defaults`) and its check kinds
   * (`@policy.register`), into the service's namespace ({@link PolicyRegistration}). All or
   * nothing: a duplicate name (400 `core.policy.duplicate`; a named service may reuse another
   * service's base-rule name, never an API rule's), a check string that does not parse (400
   * `core.policy.syntax`, naming the rule), a loop of references (400 `core.policy.cycle`) or a
   * bad check kind (400 naming `registration.checks.<kind>`) registers none of them.
   */
  registerDefaults(defaults: readonly PolicyDefault[], registration?: PolicyRegistration): void {
    const { service, checks } = readRegistration(registration);
    const list = check.array(defaults, 'defaults', (v, f) => readDefault(v, f, this.parse));
    const namespaces = [...this.namespaces];
    let index = service === undefined ? -1 : namespaces.findIndex((n) => n.service === service);
    if (index < 0) {
      index = namespaces.length;
      namespaces.push({ service, own: new Map(), checks: undefined });
    }
    const ns = namespaces[index] as Namespace;
    for (const kind of Object.keys(checks ?? {})) {
      if (ns.checks !== undefined && Object.prototype.hasOwnProperty.call(ns.checks, kind)) {
        throw new InvalidInput(`registration.checks.${kind}`, `the check kind '${kind}' is already registered for ${service ?? 'this service'}.`);
      }
    }
    const registered = new Map(this.registered);
    const owners = new Map(this.owners);
    const own = new Map(ns.own);
    for (const d of list) {
      const name = d.info.name;
      const first = registered.get(name);
      if (first === undefined) {
        registered.set(name, d);
        owners.set(name, index);
        continue;
      }
      // a name already taken: only a named service's base rule may be its own (its enforcer's)
      if (service === undefined || owners.get(name) === index || own.has(name) || isApiRule(d) || isApiRule(first)) throw new DuplicatePolicy(name);
      own.set(name, d);
    }
    const merged = checks === undefined ? ns.checks : Object.freeze(Object.assign(Object.create(null) as object, ns.checks, checks) as PolicyCheckKinds);
    namespaces[index] = { service, own, checks: merged };
    this.commit({ registered, owners, namespaces }, this.overrides);
  }

  /**
   * Overrides a rule at run time, as an operator's policy.yaml entry would; a new name adds a
   * custom rule. The text is parsed first: a bad one is refused with the character at fault.
   */
  setRule(name: string, text: PolicyCheckString): PolicyRuleInfo {
    const n = ruleName(name, 'name');
    const overrides = new Map(this.overrides).set(n, parseOverride(n, text, 'check_str', this.parse));
    this.commit(this.registry(), overrides);
    return this.getRule(n);
  }

  /**
   * Removes an override: a registered rule returns to its default, a custom rule disappears.
   * Answers whether an override was removed; 404 for a name that is neither registered nor
   * overridden.
   */
  resetRule(name: string): boolean {
    const n = ruleName(name, 'name');
    if (!this.overrides.has(n)) {
      if (this.registered.has(n)) return false;
      throw new PolicyRuleNotFound(n);
    }
    const overrides = new Map(this.overrides);
    overrides.delete(n);
    this.commit(this.registry(), overrides);
    return true;
  }

  /** Whether a rule of that name is registered or overridden. */
  hasRule(name: string): boolean {
    return this.effective.has(name);
  }

  /**
   * The attributes `attr` for which a rule `<action>:<attr>` is registered or overridden
   * (Neutron's `create_port:binding:host_id`, `get_network:provider:network_type`): `has(attr)`
   * answers {@link hasRule} of `<action>:<attr>` without building the name. Kept until the rules
   * change.
   */
  attributeRules(action: string): ReadonlySet<string> {
    let found = this.attributes.get(action);
    if (found === undefined) {
      const prefix = `${action}:`;
      const attrs = new Set<string>();
      for (const name of this.effective.keys()) if (name.startsWith(prefix)) attrs.add(name.slice(prefix.length));
      this.attributes.set(action, (found = attrs));
    }
    return found;
  }

  /** The rule in force under that name; 404 `core.policy.not_found` if there is none. */
  getRule(name: string): PolicyRuleInfo {
    const n = ruleName(name, 'name');
    const e = this.effective.get(n);
    if (!e) throw new PolicyRuleNotFound(n);
    const r = this.registered.get(n);
    return {
      name: n,
      check_str: e.check_str,
      rule: e.rule,
      default_check_str: r?.info.check_str,
      scope_types: r?.info.scope_types ?? [],
      overridden: this.overrides.has(n),
      registered: r !== undefined,
      description: r?.info.description,
      operations: r?.info.operations ?? [],
      deprecated_rule: r?.info.deprecated_rule,
    };
  }

  /** Every rule in force: registered defaults in registration order, then custom overrides. */
  listRules(): PolicyRuleInfo[] {
    return [...this.effective.keys()].map((name) => this.getRule(name));
  }

  /** The overrides in force (name → check string as given), e.g. to save and restore them. */
  listOverrides(): Record<string, string> {
    return Object.fromEntries([...this.overrides].map(([name, o]) => [name, o.text]));
  }

  /**
   * Enforces a registered rule (oslo's `Enforcer.authorize(..., do_raise=True)`).
   *
   * The token's scope is `system` if `credentials.system_scope` (or `system`) is set, else
   * `domain` if `domain_id` is, else `project` (oslo's `_enforce_scope`). If the rule has
   * `scope_types` without that scope: 403 {@link InvalidScope} with `enforceScope`, else a
   * {@link ScopeWarning} is recorded and the rule is evaluated anyway.
   *
   * @throws PolicyNotAuthorized 403 `core.policy.forbidden` when the rule fails.
   * @throws PolicyNotRegistered 500 `core.policy.not_registered` for a name no service
   *   registered (a defect in the caller; custom override names cannot be enforced directly).
   */
  enforce(name: string, credentials: PolicyCredentials, target: PolicyTarget = {}): void {
    const outcome = this.decide(name, credentials, target);
    if (outcome !== true) throw outcome();
  }

  /**
   * Like {@link enforce} but answers true or false (a scope mismatch under `enforceScope` is
   * false). An unregistered name still throws {@link PolicyNotRegistered}.
   */
  authorize(name: string, credentials: PolicyCredentials, target: PolicyTarget = {}): boolean {
    return this.decide(name, credentials, target) === true;
  }

  /** Scope mismatches let through while `enforceScope` is off, oldest first (at most 1000 kept). */
  scopeWarnings(): readonly ScopeWarning[] {
    return [...this.warnings];
  }

  /** Forgets the recorded scope warnings. */
  clearScopeWarnings(): void {
    this.warnings.length = 0;
  }

  /** True, or how to build the refusal: `authorize` answers many refusals and needs no error object for them. */
  private decide(name: string, credentials: PolicyCredentials, target: PolicyTarget): true | (() => InvalidScope | PolicyNotAuthorized) {
    const n = check.text(name, 'rule', MAX_TEXT);
    const registered = this.registered.get(n);
    if (!registered) throw new PolicyNotRegistered(n);
    const creds = check.record(credentials, 'credentials');
    const tgt = check.record(target, 'target');
    // oslo copies a set `system_scope` to `system`, the key its scope check (and older rules) read.
    const effectiveCreds = pyTruthy(creds['system_scope']) ? { ...creds, system: creds['system_scope'] } : creds;
    const scopes = registered.info.scope_types ?? [];
    if (scopes.length > 0) {
      const tokenScope: PolicyScope = pyTruthy(effectiveCreds['system']) ? 'system' : pyTruthy(creds['domain_id']) ? 'domain' : 'project';
      if (!scopes.includes(tokenScope)) {
        if (this.enforceScope) return () => new InvalidScope(n, registered.info.check_str, scopes, tokenScope);
        this.warnings.push({ rule: n, token_scope: tokenScope, scope_types: scopes });
        if (this.warnings.length > MAX_SCOPE_WARNINGS) this.warnings.shift();
      }
    }
    const allowed = this.evaluateNamed(n, tgt, creds, effectiveCreds as PolicyCredentials);
    return allowed ? true : () => new PolicyNotAuthorized(n);
  }

  /**
   * The rule `name` evaluated for these credentials and this target. An answer depends on nothing
   * but the rules in force, the credentials and what the target's `%(attr)s` substitutions give
   * (unless a registered check kind, which sees the whole target, may run). So for sealed
   * credentials, which never change, the answer is kept under the substituted texts: the next
   * call with the same values (the same project, the same image visibility) skips the evaluation.
   */
  private evaluateNamed(name: string, target: PolicyTarget, creds: object, effectiveCreds: PolicyCredentials): boolean {
    const ns = this.owners.get(name);
    const checks = ns === undefined ? undefined : this.namespaces[ns]?.checks;
    const texts = isSealedCredentials(creds) ? this.targetTexts(name, checks) : null;
    if (texts === null) return evaluatePolicy({ type: 'rule', name }, target, effectiveCreds, this.lookup, checks);
    let byName = this.answers.get(creds);
    if (byName === undefined) this.answers.set(creds, (byName = new Map()));
    // one level of maps per text, keyed by what it gives for this target (undefined: a missing attribute)
    let level = byName;
    let key: unknown = name;
    for (const text of texts) {
      let next = level.get(key) as Map<unknown, Answers> | undefined;
      if (next === undefined) level.set(key, (next = new Map()));
      if (next.size >= MAX_KEPT_ANSWERS) next.clear();
      level = next;
      key = fillTemplate(text, target);
    }
    const known = level.get(key);
    if (known !== undefined) return known as boolean;
    const allowed = evaluatePolicy({ type: 'rule', name }, target, effectiveCreds, this.lookup, checks);
    level.set(key, allowed);
    return allowed;
  }

  /**
   * The `%(attr)s` texts (distinct, in the order met, compiled) of every check that enforcing
   * `name` can reach, following `rule:` references as evaluation resolves them (within the
   * namespace of `name`): all the answer reads of the target. Null when a check kind the service
   * registered is reachable, since it is given the whole target.
   */
  private targetTexts(name: string, checks: PolicyCheckKinds | undefined): readonly MatchTemplate[] | null {
    let known = this.texts.get(name);
    if (known === undefined) {
      const seen = new Set<string>([name]);
      const texts = new Set<string>();
      const walk = (rule: PolicyRule): boolean => {
        switch (rule.type) {
          case 'true':
          case 'false':
            return true;
          case 'not':
            return walk(rule.rule);
          case 'and':
          case 'or':
            return rule.rules.every(walk);
          case 'rule': {
            // a name met again is a loop, which evaluation answers false without reading anything
            if (seen.has(rule.name)) return true;
            seen.add(rule.name);
            const named = this.lookup(rule.name, name);
            return named === undefined || walk(named);
          }
          case 'role':
          case 'constant':
            if (rule.match.includes('%')) texts.add(rule.match);
            return true;
          case 'generic':
            if (checks !== undefined && Object.prototype.hasOwnProperty.call(checks, rule.key)) return false;
            if (rule.match.includes('%')) texts.add(rule.match);
            return true;
        }
      };
      // as evaluation does: the enforced name itself among the cloud's names, those it refers to in its namespace
      const top = this.lookup(name, undefined);
      known = top === undefined || walk(top) ? [...texts].map(compileTemplate) : null;
      this.texts.set(name, known);
    }
    return known;
  }

  /** The registry as it stands. */
  private registry(): Registry {
    return { registered: this.registered, owners: this.owners, namespaces: this.namespaces };
  }

  /**
   * Computes the rules in force from the registry and `overrides`, refuses loops (in the cloud's
   * names and in each namespace's view of them), then adopts everything.
   */
  private commit(registry: Registry, overrides: Map<string, Override>): void {
    const effective = new Map<string, Effective>();
    for (const [name, r] of registry.registered) {
      effective.set(name, this.inForce(name, r, overrides));
    }
    for (const [name, o] of overrides) {
      if (!effective.has(name)) effective.set(name, { rule: o.rule, check_str: o.text });
    }
    const cycle = findCycle(effective);
    if (cycle) throw new PolicyCycle(cycle);
    const ownEffective = registry.namespaces.map((ns) => {
      if (ns.own.size === 0) return undefined;
      const own = new Map<string, Effective>();
      for (const [name, r] of ns.own) own.set(name, this.inForce(name, r, overrides));
      const nsCycle = findCycle(new Map([...effective, ...own]));
      if (nsCycle) throw new PolicyCycle(nsCycle);
      return own;
    });
    this.registered = registry.registered;
    this.owners = registry.owners;
    this.namespaces = registry.namespaces;
    this.overrides = overrides;
    this.effective = effective;
    this.ownEffective = ownEffective;
    this.texts = new Map();
    this.answers = new WeakMap();
    this.attributes = new Map();
  }

  /**
   * The rule in force for a registered default, as oslo's `load_rules` and
   * `_handle_deprecated_rule` decide it:
   * 1. an override of the name wins;
   * 2. an override of a deprecated *old name* wins unless it is just `rule:<new name>`
   *    (oslo compares the override with the deprecated check by object identity, so even an
   *    override equal to the old default counts);
   * 3. with `enforceNewDefaults` off and a changed check string, `new or old`;
   * 4. otherwise the new default.
   */
  private inForce(name: string, r: Registered, overrides: Map<string, Override>): Effective {
    const own = overrides.get(name);
    if (own) return { rule: own.rule, check_str: own.text };
    const old = r.info.deprecated_rule;
    if (old && r.deprecated) {
      const oldOverride = old.name !== name ? overrides.get(old.name) : undefined;
      if (oldOverride && printPolicy(oldOverride.rule) !== `rule:${name}`) {
        return { rule: oldOverride.rule, check_str: oldOverride.text };
      }
      if (!this.enforceNewDefaults && old.check_str !== r.info.check_str) {
        const rule: PolicyRule = Object.freeze({ type: 'or', rules: Object.freeze([r.rule, r.deprecated] as const) });
        return { rule, check_str: printPolicy(rule) };
      }
    }
    return { rule: r.rule, check_str: r.info.check_str };
  }
}

/**
 * A loop of `rule:` references among the rules in force, as the list of names around it, or
 * undefined. A reference to an undefined name leads to the `default` rule when there is one,
 * because that is what evaluation does.
 */
function findCycle(rules: ReadonlyMap<string, Effective>): string[] | undefined {
  const state = new Map<string, 'active' | 'done'>();
  const path: string[] = [];
  const edges = (name: string): string[] =>
    referencedRules(rules.get(name)?.rule ?? { type: 'true' })
      .map((ref) => (rules.has(ref) ? ref : POLICY_DEFAULT_RULE))
      .filter((ref) => rules.has(ref));
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === 'done') return undefined;
    if (s === 'active') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'active');
    path.push(name);
    for (const next of edges(name)) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of rules.keys()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}
