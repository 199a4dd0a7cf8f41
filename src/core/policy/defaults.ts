/**
 * Reading a service's default rules and an operator's overrides: input checks and parsing, so a
 * bad rule is refused when it is registered, never discovered at enforcement.
 */
import { InvalidInput } from '../errors.js';
import * as check from '../validate.js';
import type { PolicyRule } from './ast.js';
import { parsePolicy } from './parse.js';

/** The scope a token is bound to, and the scopes a rule accepts. */
export type PolicyScope = 'system' | 'domain' | 'project';

/** The scopes oslo.policy knows, in its order. */
export const SCOPES: readonly PolicyScope[] = ['system', 'domain', 'project'];

/** Longest check string or description accepted. */
export const MAX_TEXT = 10_000;

/**
 * A rule as a service registers it: oslo's `RuleDefault` / `DocumentedRuleDefault`, with Zed's
 * name, check string and scope types copied verbatim.
 */
export interface PolicyDefault {
  readonly name: string;
  readonly check_str: string;
  readonly scope_types?: readonly PolicyScope[];
  readonly description?: string;
  readonly operations?: readonly { readonly path: string; readonly method: string }[];
  /** The default this one replaces (oslo's `DeprecatedRule`); may have the same name. */
  readonly deprecated_rule?: {
    readonly name: string;
    readonly check_str: string;
    readonly deprecated_reason?: string;
    readonly deprecated_since?: string;
  };
}

/** A registered default with its parsed check strings. */
export interface Registered {
  readonly info: PolicyDefault;
  readonly rule: PolicyRule;
  readonly deprecated: PolicyRule | undefined;
}

/** An override with its parsed check string. */
export interface Override {
  readonly text: string;
  readonly rule: PolicyRule;
}

/** A rule name: 1..255 characters. */
export function ruleName(value: unknown, field: string): string {
  return check.name(value, field, 255);
}

/**
 * How check strings are parsed: {@link parsePolicy}, or a kernel's memo of it (the rules are
 * frozen and parsing is pure, so a cloud that rebuilds its engine parses each text once).
 */
export type RuleParser = (text: string, ruleName: string) => PolicyRule;

/** A check string as oslo.policy reads it: text, or the legacy list of lists ({@link checkString}). */
export type PolicyCheckString = string | readonly (string | readonly string[])[];

/**
 * An override's check string, in either form oslo.policy reads (`oslo_policy/_parser.py`
 * `parse_rule`): a string, or the legacy list of lists, where the outer list is joined by `or`
 * and each inner list by `and` (`[["role:admin"], ["role:member", "project_id:%(project_id)s"]]`).
 * The list form is turned into the equivalent string, which is what the state keeps: `[]` is `@`
 * (oslo: an empty rule accepts), a list whose inner lists are all empty is `!`, a bare string in
 * the outer list is an inner list of one. Each inner item is one check (oslo's `_parse_check`:
 * `@`, `!` or `kind:match`, never an expression), so an item with spaces or parentheses is refused.
 */
export function checkString(value: unknown, field: string): string {
  if (!Array.isArray(value)) return check.text(value, field, MAX_TEXT);
  const ors = check.array(value, field, (inner, f) => {
    const ands = typeof inner === 'string' ? [inner] : check.array(inner, f, (item, g) => {
      const text = check.name(item, g, MAX_TEXT);
      if (!oneCheck(text)) throw new InvalidInput(g, `an item of the list form is one check ('role:admin', '@', '!'), got '${text.slice(0, 80)}'; write expressions as a string.`);
      return text;
    }, 100);
    if (typeof inner === 'string' && !oneCheck(inner)) throw new InvalidInput(f, `an item of the list form is one check ('role:admin', '@', '!'), got '${inner.slice(0, 80)}'; write expressions as a string.`);
    return ands;
  }, 100).filter((ands) => ands.length > 0);
  if (value.length === 0) return '@';
  if (ors.length === 0) return '!';
  const text = ors.map((ands) => (ands.length === 1 || ors.length === 1 ? ands.join(' and ') : `(${ands.join(' and ')})`)).join(' or ');
  return check.text(text, field, MAX_TEXT);
}

/** Whether a list item reads as one check in the text form too: no spaces, no `(` before it, no `)` after it. */
function oneCheck(text: string): boolean {
  return !/\s/.test(text) && !text.startsWith('(') && !text.endsWith(')');
}

/** Checks and parses an override's check string (either form, {@link checkString}); `name` is named in a syntax error. */
export function parseOverride(name: string, text: unknown, field: string, parse: RuleParser = parsePolicy): Override {
  const t = checkString(text, field);
  return { text: t, rule: parse(t, name) };
}

/** Checks one {@link PolicyDefault} of any shape and parses its check strings. */
export function readDefault(value: unknown, field: string, parse: RuleParser = parsePolicy): Registered {
  const d = check.record(value, field);
  check.onlyKeys(d, ['name', 'check_str', 'scope_types', 'description', 'operations', 'deprecated_rule'], field);
  const name = ruleName(d['name'], `${field}.name`);
  const checkStr = check.text(d['check_str'], `${field}.check_str`, MAX_TEXT);
  const scopeTypes = check.optional(d['scope_types'], `${field}.scope_types`, (v, f) => check.array(v, f, (s, g) => check.oneOf(s, SCOPES, g)), undefined);
  if (scopeTypes && new Set(scopeTypes).size !== scopeTypes.length) {
    throw new InvalidInput(`${field}.scope_types`, 'must list each scope once (oslo: "scope_types must be a list of unique strings").');
  }
  const description = check.optional(d['description'], `${field}.description`, (v, f) => check.text(v, f, MAX_TEXT), undefined);
  const operations = check.optional(
    d['operations'],
    `${field}.operations`,
    (v, f) =>
      check.array(v, f, (op, g) => {
        const o = check.record(op, g);
        check.onlyKeys(o, ['path', 'method'], g);
        return Object.freeze({ path: check.text(o['path'], `${g}.path`, MAX_TEXT), method: check.name(o['method'], `${g}.method`, 16) });
      }),
    undefined,
  );
  const deprecated = check.optional(
    d['deprecated_rule'],
    `${field}.deprecated_rule`,
    (v, f) => {
      const o = check.record(v, f);
      check.onlyKeys(o, ['name', 'check_str', 'deprecated_reason', 'deprecated_since'], f);
      return Object.freeze({
        name: ruleName(o['name'], `${f}.name`),
        check_str: check.text(o['check_str'], `${f}.check_str`, MAX_TEXT),
        ...(o['deprecated_reason'] !== undefined ? { deprecated_reason: check.text(o['deprecated_reason'], `${f}.deprecated_reason`, MAX_TEXT) } : {}),
        ...(o['deprecated_since'] !== undefined ? { deprecated_since: check.text(o['deprecated_since'], `${f}.deprecated_since`, 64) } : {}),
      });
    },
    undefined,
  );
  const info: PolicyDefault = Object.freeze({
    name,
    check_str: checkStr,
    ...(scopeTypes ? { scope_types: Object.freeze(scopeTypes) } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(operations ? { operations: Object.freeze(operations) } : {}),
    ...(deprecated ? { deprecated_rule: deprecated } : {}),
  });
  return {
    info,
    rule: parse(checkStr, name),
    deprecated: deprecated ? parse(deprecated.check_str, deprecated.name) : undefined,
  };
}

