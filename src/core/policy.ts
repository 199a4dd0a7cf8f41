/**
 * The policy engine: oslo.policy's rule language (`role:admin or project_id:%(project_id)s`,
 * `rule:…`, `@`, `!`, `not`, `and`, `or`, generic `%(target.x)s` checks), its evaluation, and an
 * enforcer per Cloud with scope types, deprecated defaults and operator overrides. Pure: it knows
 * nothing of Keystone; credentials are plain objects shaped like oslo.context's policy values.
 *
 * Mirrors oslo.policy 4.0 (Zed). Where stacksim differs on purpose: a check string that does not
 * parse is refused (oslo enforces `!` silently), and loops of `rule:` references are refused
 * (oslo overflows the stack).
 */
export { printPolicy, referencedRules, type PolicyRule, type PolicyOperands } from './policy/ast.js';
export { parsePolicy, MAX_POLICY_NESTING } from './policy/parse.js';
export {
  evaluatePolicy,
  MAX_RULE_DEPTH,
  type PolicyCredentials,
  type PolicyTarget,
  type PolicyLookup,
  type CustomCheck,
  type PolicyCheckKinds,
} from './policy/evaluate.js';
export { checkString, type PolicyCheckString } from './policy/defaults.js';
export {
  PolicyEngine,
  POLICY_DEFAULT_RULE,
  type PolicyDefault,
  type PolicyEngineOptions,
  type PolicyRuleInfo,
  type PolicyScope,
  type ScopeWarning,
  type PolicyRegistration,
} from './policy/engine.js';
export {
  PolicySyntaxError,
  PolicyNotAuthorized,
  InvalidScope,
  PolicyNotRegistered,
  PolicyRuleNotFound,
  DuplicatePolicy,
  PolicyCycle,
} from './policy/errors.js';
export { callerAllowed, ownerTarget, callerTarget, sealCredentials, isSealedCredentials, serviceCredentials, type PolicyCaller } from './policy/caller.js';
