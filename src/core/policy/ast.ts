/**
 * The syntax tree of oslo.policy's rule language, and its canonical text.
 */

/** `and` / `or` take two operands or more. */
export type PolicyOperands = readonly [PolicyRule, PolicyRule, ...PolicyRule[]];

/**
 * A parsed policy rule (oslo.policy's `Check` tree).
 *
 * - `true`: `@`, or the empty check string; always passes.
 * - `false`: `!`; always fails.
 * - `and` / `or`: n-ary, evaluated left to right with short-circuit.
 * - `not`: negation.
 * - `role`: `role:<name>`; the name may contain `%(attr)s` substitutions from the target and is
 *   compared case-insensitively with `credentials.roles`.
 * - `rule`: `rule:<name>`; evaluates another named rule (never substituted).
 * - `generic`: `<key>:<match>`; `key` is a dotted path into the credentials (`is_admin`,
 *   `token.user.id`), `match` a literal or `%(target.attr)s` substitutions.
 * - `constant`: `<literal>:<match>` where the left side is a Python literal as oslo's
 *   `ast.literal_eval` reads it (`'member'`, `"x"`, `True`, `False`, `None`, `1`, `-2.5`):
 *   `literal` is the source text, `value` its Python `str()` form, which the match is compared to.
 *
 * `is_admin:True` is a plain `generic` check on the credentials' `is_admin` (compared as the
 * string `'True'`).
 *
 * Not simulated: external `http:` / `https:` checks (refused when parsed), oslo's legacy
 * list-of-lists syntax.
 */
export type PolicyRule =
  | { readonly type: 'true' }
  | { readonly type: 'false' }
  | { readonly type: 'and'; readonly rules: PolicyOperands }
  | { readonly type: 'or'; readonly rules: PolicyOperands }
  | { readonly type: 'not'; readonly rule: PolicyRule }
  | { readonly type: 'role'; readonly match: string }
  | { readonly type: 'rule'; readonly name: string }
  | { readonly type: 'generic'; readonly key: string; readonly match: string }
  | { readonly type: 'constant'; readonly literal: string; readonly value: string; readonly match: string };

/**
 * The canonical text of a rule: `@`, `!`, checks as `kind:match`, operators in lower case,
 * nested `and`/`or` always in parentheses, no parentheses at the top.
 *
 * For any rule `parsePolicy` returns (and any tree built from checks `parsePolicy` accepts, with
 * at least two operands per `and`/`or`), `parsePolicy(printPolicy(r))` is structurally equal to `r`.
 */
export function printPolicy(rule: PolicyRule): string {
  switch (rule.type) {
    case 'true':
      return '@';
    case 'false':
      return '!';
    case 'role':
      return `role:${rule.match}`;
    case 'rule':
      return `rule:${rule.name}`;
    case 'generic':
      return `${rule.key}:${rule.match}`;
    case 'constant':
      return `${rule.literal}:${rule.match}`;
    case 'not':
      return `not ${operand(rule.rule)}`;
    case 'and':
    case 'or':
      return rule.rules.map(operand).join(` ${rule.type} `);
  }
}

function operand(rule: PolicyRule): string {
  return rule.type === 'and' || rule.type === 'or' ? `(${printPolicy(rule)})` : printPolicy(rule);
}

/** Every name a rule refers to with `rule:<name>`, in order of appearance (duplicates kept). */
export function referencedRules(rule: PolicyRule): string[] {
  const out: string[] = [];
  const walk = (r: PolicyRule): void => {
    if (r.type === 'rule') out.push(r.name);
    else if (r.type === 'not') walk(r.rule);
    else if (r.type === 'and' || r.type === 'or') r.rules.forEach(walk);
  };
  walk(rule);
  return out;
}
