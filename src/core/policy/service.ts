/**
 * The cloud's policy: one {@link PolicyEngine} kept in step with `state.meta.policy`, so
 * overrides are part of the state (a snapshot, `restore` and `toJSON` carry them) while the
 * parsed rules live outside it. Services register their defaults at install time.
 */
import { current as currentValue, isDraft, isModified, original } from 'immer';
import { peek, type Kernel } from '../kernel.js';
import { memoSlot, type Memo } from '../memo.js';
import type { PolicyConfig } from '../state.js';
import * as check from '../validate.js';
import { PolicyEngine, type PolicyDefault, type PolicyRegistration, type PolicyRuleInfo } from './engine.js';
import type { PolicyCredentials, PolicyTarget } from './evaluate.js';
import { checkString, type PolicyCheckString } from './defaults.js';

/**
 * `cloud.policy`: enforce, inspect and override rules (an operator's policy.yaml). Overrides and
 * options live in the state, so `restore` and forks carry them; the engine itself is not handed
 * out (an engine changed in place would change policy outside the state).
 */
export type CloudPolicy = Pick<PolicyService, 'enforce' | 'authorize' | 'getRule' | 'listRules' | 'setRule' | 'resetRule' | 'configure'>;

/** Where a kernel's memo keeps its cloud's policy, for the work a request leaves behind. */
const POLICY_OF_KERNEL = memoSlot<void, { readonly engine: () => PolicyEngine }>('core.policyOfKernel');

/**
 * The policy engine of the cloud a transaction belongs to: what a task (work a request left on the
 * queue, run later with the request's credentials, as nova-compute acts with the user's token)
 * enforces Neutron's, Cinder's and Glance's rules with.
 */
export function policyEngineOf(memo: Memo): PolicyEngine {
  const known = memo.cell(POLICY_OF_KERNEL, () => ({ engine: (): PolicyEngine => { throw new Error('no policy service on this kernel'); } }));
  return known.engine();
}

/** The policy of one cloud: its registered defaults and the engine for the current state's overrides. */
export class PolicyService {
  /**
   * Each service's defaults and check kinds, one batch per registration, each in its service's
   * namespace (a service's `default`, base rules and check kinds stay its own).
   */
  private readonly defaults: { readonly defaults: readonly PolicyDefault[]; readonly registration: PolicyRegistration }[] = [];
  private cached: { config: PolicyConfig; engine: PolicyEngine } | undefined;

  /**
   * `from`: another cloud's policy (a fork) whose defaults and parsed engine this one starts
   * with, instead of registering and parsing every default again. Engines are never changed in
   * place (an override builds a new one), so sharing is safe; only the scope-warning list is
   * shared until either side changes its policy.
   */
  constructor(
    private readonly kernel: Kernel,
    from?: PolicyService,
  ) {
    if (from) {
      this.defaults.push(...from.defaults);
      this.cached = from.cached;
    }
    kernel.memo.cell(POLICY_OF_KERNEL, () => ({ engine: () => this.engine() }));
  }

  /** Whether any service registered its defaults yet. */
  get hasDefaults(): boolean {
    return this.defaults.some((batch) => batch.defaults.length > 0);
  }

  /**
   * Registers a service's default rules (Zed's check strings and scope types) and its check kinds
   * (a descriptor's `policies` and `policyChecks`). Each call is one service's namespace: without
   * `registration.service`, the batch is named after its place (`#0`, `#1`, …), so a service's
   * base rules may share names with an earlier service's (Neutron's `owner` and Keystone's).
   */
  registerDefaults(defaults: readonly PolicyDefault[], registration: PolicyRegistration = {}): void {
    const r = check.record(registration, 'registration');
    const named: PolicyRegistration = { ...r, service: r['service'] === undefined ? `#${this.defaults.length}` : (r['service'] as string) };
    this.engineFor(this.config()).registerDefaults(defaults, named); // refuses bad or duplicate rules first
    this.defaults.push({ defaults, registration: named });
  }

  /** The engine for the current state's policy options and overrides. */
  engine(): PolicyEngine {
    return this.engineFor(this.config());
  }

  /**
   * The policy options and overrides in force: inside a call, read without drafting them (a
   * draft is a new object each call, and the engine is cached by the config object), so a write
   * that leaves the policy alone reuses the cached engine instead of rebuilding it.
   */
  private config(): PolicyConfig {
    const config = peek(peek(this.kernel.view(), 'meta'), 'policy');
    if (!isDraft(config)) return config;
    return isModified(config) ? (currentValue(config) as PolicyConfig) : (original(config) as PolicyConfig);
  }

  private engineFor(config: PolicyConfig): PolicyEngine {
    if (this.cached?.config === config) return this.cached.engine;
    const engine = new PolicyEngine({ enforceScope: config.enforce_scope, enforceNewDefaults: config.enforce_new_defaults, rules: config.rules }, this.kernel.memo);
    for (const batch of this.defaults) engine.registerDefaults(batch.defaults, batch.registration);
    this.cached = { config, engine };
    return engine;
  }

  /**
   * oslo.policy's `enforce`: 403 `core.policy.forbidden` (or `core.policy.invalid_scope`) when
   * the rule says no; 404 `core.policy.not_found` for a rule nobody registered or overrode.
   */
  enforce(rule: string, credentials: PolicyCredentials, target: PolicyTarget = {}): void {
    this.known(rule).enforce(rule, credentials, target);
  }

  /** Whether the rule allows it (404 for an unknown rule, as {@link enforce}). */
  authorize(rule: string, credentials: PolicyCredentials, target: PolicyTarget = {}): boolean {
    return this.known(rule).authorize(rule, credentials, target);
  }

  /** The engine, once `rule` is a name it knows: asked by a user, an unknown name is their mistake (404), not a service's (500). */
  private known(rule: unknown): PolicyEngine {
    const engine = this.engine();
    engine.getRule(check.name(rule, 'rule', 255));
    return engine;
  }

  /** One rule: its check string in force, default, scope types, whether overridden. */
  getRule(name: string): PolicyRuleInfo {
    return this.engine().getRule(name);
  }

  /** Every rule. */
  listRules(): PolicyRuleInfo[] {
    return this.engine().listRules();
  }

  /** Overrides a rule (as a policy.yaml line); refused with the position when it does not parse. One atomic call. */
  setRule(name: string, checkStr: PolicyCheckString): PolicyRuleInfo {
    const n = check.name(name, 'name', 255);
    const text = checkString(checkStr, 'check_str');
    return this.kernel.transact('policy.setRule', (tx) => {
      const current = tx.draft.meta.policy;
      const next: PolicyConfig = { ...current, rules: { ...current.rules, [n]: text } };
      const info = this.engineFor(next).getRule(n); // parses, refusing bad text before the commit
      tx.draft.meta.policy = next;
      tx.trace('oslo.policy', `rule ${n} overridden`, { check_str: text });
      return info;
    });
  }

  /** Drops an override; the registered default applies again. */
  resetRule(name: string): void {
    const n = check.name(name, 'name', 255);
    this.kernel.transact('policy.resetRule', (tx) => {
      const current = tx.draft.meta.policy;
      if (!(n in current.rules)) {
        this.engine().getRule(n); // 404 for a name nobody registered or overrode
        return;
      }
      const rules = { ...current.rules };
      delete rules[n];
      tx.draft.meta.policy = { ...current, rules };
    });
  }

  /** Changes `enforce_scope` / `enforce_new_defaults` at run time. */
  configure(options: { enforceScope?: boolean; enforceNewDefaults?: boolean }): void {
    const o = check.record(options, 'options');
    check.onlyKeys(o, ['enforceScope', 'enforceNewDefaults'], 'options');
    this.kernel.transact('policy.configure', (tx) => {
      const current = tx.draft.meta.policy;
      tx.draft.meta.policy = {
        ...current,
        enforce_scope: check.optional(o.enforceScope, 'options.enforceScope', check.boolean, current.enforce_scope),
        enforce_new_defaults: check.optional(o.enforceNewDefaults, 'options.enforceNewDefaults', check.boolean, current.enforce_new_defaults),
      };
    });
  }
}
