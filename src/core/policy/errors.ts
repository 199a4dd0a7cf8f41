/**
 * Errors of the policy engine, each with a stable dotted code under `core.policy.*`.
 */
import { BadRequest, CloudError, Forbidden, NotFound } from '../errors.js';

/**
 * 400: a check string that does not parse. oslo.policy would log the failure and silently
 * enforce `!` instead (`_parser.py` `_parse_text_rule`); stacksim refuses the rule so a typo in
 * an override can never lock everyone out unnoticed. `details.position` is the 0-based character
 * of the offending token (or `text.length` when the text ends too early).
 */
export class PolicySyntaxError extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PolicySyntaxError';
  constructor(rule: string | undefined, text: string, position: number, reason: string) {
    const who = rule === undefined ? 'Policy check string' : `Policy rule '${rule}'`;
    super('core.policy.syntax', `${who} does not parse at character ${position}: ${reason} (in "${text}").`, {
      rule: rule ?? null,
      text,
      position,
    });
  }
}

/**
 * 403: the policy denied the call. The message is nova's `PolicyNotAuthorized` ("Policy doesn't
 * allow … to be performed."), which is what an OpenStack API answers; oslo.policy's own exception
 * says "… is disallowed by policy".
 */
export class PolicyNotAuthorized extends Forbidden {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PolicyNotAuthorized';
  constructor(rule: string) {
    super('core.policy.forbidden', `Policy doesn't allow ${rule} to be performed.`, { rule });
  }
}

/** 403: the token's scope is not among the rule's `scope_types` while `enforceScope` is on (oslo's `InvalidScope`). */
export class InvalidScope extends Forbidden {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'InvalidScope';
  constructor(rule: string, checkStr: string, scopeTypes: readonly string[], tokenScope: string) {
    super(
      'core.policy.invalid_scope',
      `"${rule}": "${checkStr}" requires a scope of [${scopeTypes.map((s) => `'${s}'`).join(', ')}], ` +
        `request was made with ${tokenScope} scope.`,
      { rule, scope_types: [...scopeTypes], token_scope: tokenScope },
    );
  }
}

/**
 * 500: a service enforced a rule nobody registered (oslo's `PolicyNotRegistered`, raised by
 * `Enforcer.authorize`). This is a defect in the calling service, not in the request, hence a
 * server error rather than a 400.
 */
export class PolicyNotRegistered extends CloudError {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PolicyNotRegistered';
  constructor(rule: string) {
    super(500, 'core.policy.not_registered', `Policy ${rule} has not been registered; register its default before enforcing it.`, { rule });
  }
}

/** 404: no registered default nor override has that name. */
export class PolicyRuleNotFound extends NotFound {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PolicyRuleNotFound';
  constructor(rule: string) {
    super('core.policy.not_found', `No policy rule named '${rule}' is registered or overridden.`, { rule });
  }
}

/** 400: a default registered twice (oslo's `DuplicatePolicyError`). */
export class DuplicatePolicy extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'DuplicatePolicy';
  constructor(rule: string) {
    super('core.policy.duplicate', `Policy ${rule} is already registered; each default is registered once.`, { rule });
  }
}

/**
 * 400: the change would make rules refer to each other in a loop (`a: rule:b`, `b: rule:a`).
 * oslo.policy only logs this (`Enforcer.check_rules`) and then overflows the stack when such a
 * rule is evaluated; stacksim refuses the change and names the loop.
 */
export class PolicyCycle extends BadRequest {
  /** Stable across minification (bundlers rename classes). */
  override readonly name: string = 'PolicyCycle';
  constructor(cycle: readonly string[]) {
    super('core.policy.cycle', `Policy rules would refer to each other in a loop: ${cycle.join(' -> ')}; break the loop.`, {
      cycle: [...cycle],
    });
  }
}
