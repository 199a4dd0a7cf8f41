/**
 * The parser of oslo.policy's rule language (`oslo_policy/_parser.py`).
 *
 * Tokens are split on whitespace; `(` at the start and `)` at the end of a word are separate
 * tokens (so parentheses inside a check, as in `%(project_id)s`, stay part of it); `and`, `or`,
 * `not` are operators in any case. Precedence is oslo's: `not` binds tightest, then `and`, then
 * `or`. Unlike oslo, which logs a parse failure and enforces `!` instead, every failure is thrown
 * as a {@link PolicySyntaxError} naming the character where it happened.
 */
import type { PolicyRule } from './ast.js';
import { PolicySyntaxError } from './errors.js';
import { readKind } from './python.js';

/** Parentheses and `not` nested deeper than this are refused (a policy never needs it). */
export const MAX_POLICY_NESTING = 100;

type TokenKind = '(' | ')' | 'and' | 'or' | 'not' | 'check' | 'string';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: number;
}

/** Python's `str.isspace()` characters: what oslo's `re.split(r'\s+')` splits on. */
const WORD = /[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    let word = m[0];
    let pos = m.index;
    while (word.startsWith('(')) {
      tokens.push({ kind: '(', text: '(', pos });
      word = word.slice(1);
      pos += 1;
    }
    if (word === '') continue;
    const clean = word.replace(/\)+$/, '');
    const lowered = clean.toLowerCase();
    if (lowered === 'and' || lowered === 'or' || lowered === 'not') {
      tokens.push({ kind: lowered, text: clean, pos });
    } else if (clean !== '') {
      const quoted = word.length >= 2 && (word[0] === '"' || word[0] === "'") && word[0] === word[word.length - 1];
      tokens.push({ kind: quoted ? 'string' : 'check', text: clean, pos });
    }
    for (let i = clean.length; i < word.length; i++) tokens.push({ kind: ')', text: ')', pos: pos + i });
  }
  return tokens;
}

/**
 * Parses a check string in oslo.policy's language into a {@link PolicyRule}.
 * The empty string is `@` (oslo: "empty rule means always accept").
 *
 * @param ruleName names the rule in the error message when the text does not parse.
 * @throws PolicySyntaxError (400, `core.policy.syntax`) with `details: { rule, text, position }`.
 */
export function parsePolicy(text: string, ruleName?: string): PolicyRule {
  if (typeof text !== 'string') {
    throw new PolicySyntaxError(ruleName, String(text), 0, 'a check string must be a string');
  }
  if (text === '') return frozen({ type: 'true' });
  return new Parser(text, ruleName).parse();
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly ruleName: string | undefined,
  ) {
    this.tokens = tokenize(text);
  }

  parse(): PolicyRule {
    if (this.tokens.length === 0) {
      this.fail(0, "the check string is only whitespace; write '@' (or '') to allow everyone, '!' to allow no one");
    }
    const rule = this.parseOr();
    const extra = this.tokens[this.i];
    if (extra) {
      if (extra.kind === ')') this.fail(extra.pos, "unmatched ')'");
      this.fail(extra.pos, `expected 'and' or 'or' before '${extra.text}'`);
    }
    return rule;
  }

  private fail(position: number, reason: string): never {
    throw new PolicySyntaxError(this.ruleName, this.text, position, reason);
  }

  private peek(): TokenKind | undefined {
    return this.tokens[this.i]?.kind;
  }

  private parseOr(): PolicyRule {
    const rules = [this.parseAnd()];
    while (this.peek() === 'or') {
      this.i++;
      rules.push(this.parseAnd());
    }
    const [first, second, ...rest] = rules;
    return second === undefined ? (first as PolicyRule) : frozen({ type: 'or', rules: Object.freeze([first as PolicyRule, second, ...rest] as const) });
  }

  private parseAnd(): PolicyRule {
    const rules = [this.parseUnary()];
    while (this.peek() === 'and') {
      this.i++;
      rules.push(this.parseUnary());
    }
    const [first, second, ...rest] = rules;
    return second === undefined ? (first as PolicyRule) : frozen({ type: 'and', rules: Object.freeze([first as PolicyRule, second, ...rest] as const) });
  }

  private parseUnary(): PolicyRule {
    let nots = 0;
    while (this.peek() === 'not') {
      this.enter(this.tokens[this.i] as Token);
      this.i++;
      nots++;
    }
    let rule = this.parseAtom();
    for (; nots > 0; nots--) {
      rule = frozen({ type: 'not', rule });
      this.depth--;
    }
    return rule;
  }

  private enter(token: Token): void {
    this.depth++;
    if (this.depth > MAX_POLICY_NESTING) this.fail(token.pos, `parentheses and 'not' nest deeper than ${MAX_POLICY_NESTING} levels`);
  }

  private parseAtom(): PolicyRule {
    const token = this.tokens[this.i];
    if (!token) {
      const previous = this.tokens[this.i - 1];
      this.fail(this.text.length, `expected a check after '${previous?.text ?? ''}'`);
    }
    this.i++;
    switch (token.kind) {
      case '(': {
        this.enter(token);
        const rule = this.parseOr();
        const close = this.tokens[this.i];
        if (!close) this.fail(token.pos, `the '(' at character ${token.pos} is never closed`);
        if (close.kind !== ')') this.fail(close.pos, `expected 'and', 'or' or ')' before '${close.text}'`);
        this.i++;
        this.depth--;
        return rule;
      }
      case ')':
        return this.fail(token.pos, "expected a check, found ')'");
      case 'and':
      case 'or':
        return this.fail(token.pos, `expected a check, found the operator '${token.text}'`);
      case 'not':
        return this.fail(token.pos, "internal: 'not' reached parseAtom");
      case 'string':
        return this.fail(
          token.pos,
          `a quoted string is not a check; quote only the left side of a check, as in 'member':%(role.name)s`,
        );
      case 'check':
        return this.parseCheck(token);
    }
  }

  private parseCheck(token: Token): PolicyRule {
    const { text, pos } = token;
    if (text === '@') return frozen({ type: 'true' });
    if (text === '!') return frozen({ type: 'false' });
    const colon = text.indexOf(':');
    if (colon < 0) {
      this.fail(pos, `'${text}' is not a check; write <kind>:<match> (role:admin, rule:admin_required, project_id:%(project_id)s), '@' or '!'`);
    }
    const kind = text.slice(0, colon);
    const match = text.slice(colon + 1);
    if (kind === '') this.fail(pos, `missing the kind before ':' in '${text}'`);
    if (kind === 'http' || kind === 'https') this.fail(pos, `external ${kind}: checks (a call to a remote policy server) are not simulated`);
    // `rule:` names the empty rule, which no one defines: oslo's `Rules.__missing__` answers with
    // `default` then, as for any undefined name (the engine applies the same fallback)
    if (kind === 'rule') return frozen({ type: 'rule', name: match });
    if (match === '') this.fail(pos + colon + 1, `missing the value after '${kind}:'`);
    this.checkSubstitutions(match, pos + colon + 1);
    if (kind === 'role') return frozen({ type: 'role', match });
    const reading = readKind(kind);
    if (reading.type === 'invalid') this.fail(pos, reading.reason);
    if (reading.type === 'constant') return frozen({ type: 'constant', literal: kind, value: reading.value, match });
    return frozen({ type: 'generic', key: kind, match });
  }

  /** Only `%(name)s` and `%%` are accepted: anything else makes Python's `%` raise at enforcement time. */
  private checkSubstitutions(match: string, offset: number): void {
    for (let j = 0; j < match.length; j++) {
      if (match[j] !== '%') continue;
      if (match[j + 1] === '%') {
        j++;
        continue;
      }
      if (match[j + 1] !== '(') this.fail(offset + j, "a lone '%' must be written '%%'; substitutions are written %(name)s");
      const end = closingParen(match, j + 1);
      if (end < 0) this.fail(offset + j, "the substitution '%(' is never closed");
      if (match[end + 1] !== 's') this.fail(offset + j, 'only %(name)s substitutions are supported');
      j = end + 1;
    }
  }
}

/** Parsed trees are frozen: the engine hands them out and must not see them change. */
function frozen(rule: PolicyRule): PolicyRule {
  return Object.freeze(rule);
}

/** Index of the `)` closing the `(` at `open`, counting nesting as Python's `%` formatting does; -1 if none. */
export function closingParen(text: string, open: number): number {
  let level = 0;
  for (let k = open; k < text.length; k++) {
    if (text[k] === '(') level++;
    else if (text[k] === ')' && --level === 0) return k;
  }
  return -1;
}
