import { readQuotedLiteral } from '../../arm/quotedLiteral.js';

/**
 * The flexible federated identity credential language, version 1: conditions on the assertion's claims joined by `and`,
 * each `claims['<name>'] eq '<value>'` (exact) or `claims['<name>'] matches '<pattern>'` (`*` any run of characters,
 * `?` one character). Values are single-quoted; `''` is a quote inside one.
 */
export interface Condition {
  claim: string;
  op: 'eq' | 'matches';
  value: string;
}

export class ExpressionError extends Error {}

export function parseExpression(source: string): Condition[] {
  const conditions: Condition[] = [];
  let i = 0;
  const ws = () => {
    while (i < source.length && /\s/.test(source[i])) i++;
  };
  const quoted = (): string => {
    if (source[i] !== "'") throw new ExpressionError(`expected a quoted string at position ${i}`);
    const literal = readQuotedLiteral(source, i);
    if (!literal) throw new ExpressionError('unterminated string');
    i = literal.end;
    return literal.value;
  };
  const word = (): string => {
    const m = /^[A-Za-z]+/.exec(source.slice(i));
    if (!m) throw new ExpressionError(`expected an operator at position ${i}`);
    i += m[0].length;
    return m[0].toLowerCase();
  };
  for (;;) {
    ws();
    if (!source.startsWith('claims[', i)) throw new ExpressionError(`expected claims['<name>'] at position ${i}`);
    i += 'claims['.length;
    const claim = quoted();
    if (source[i] !== ']') throw new ExpressionError(`expected ']' at position ${i}`);
    i++;
    ws();
    const op = word();
    if (op !== 'eq' && op !== 'matches') throw new ExpressionError(`unknown operator '${op}' (eq or matches)`);
    ws();
    conditions.push({ claim, op, value: quoted() });
    ws();
    if (i >= source.length) return conditions;
    if (word() !== 'and') throw new ExpressionError(`expected 'and' at position ${i}`);
  }
}

/** True when every condition holds for the claims (a missing or non-string claim never matches). */
export function evaluateExpression(source: string, claims: Record<string, unknown>): boolean {
  return parseExpression(source).every((c) => {
    const actual = claims[c.claim];
    if (typeof actual !== 'string') return false;
    return c.op === 'eq' ? actual === c.value : wildcard(c.value).test(actual);
  });
}

function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : `\\${ch}`));
  return new RegExp(`^${body}$`, 's');
}
