import type { CallNode, ExpressionNode } from './ast.js';
import { LanguageError } from './errors.js';
import { tokenize, type Token, type TokenKind } from './tokenizer.js';

/**
 * Recursive-descent parser for the ARM expression grammar:
 *   expression := primary ( '.' identifier | '[' expression ']' )*
 *   primary    := string | integer | identifier ( '.' identifier )? '(' ( expression ( ',' expression )* )? ')'
 * `true`, `false` and `null` are functions in ARM (`true()`), so there are no keyword literals.
 */
export function parseInner(text: string, expression: string): ExpressionNode {
  const tokens = tokenize(text, expression);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const expect = (kind: TokenKind): Token => {
    const t = tokens[pos];
    if (t.kind !== kind) throw unexpected(expression, kind, t);
    pos++;
    return t;
  };

  const parseCall = (): CallNode => {
    const first = expect('Identifier');
    let namespace: string | undefined;
    let name = first.text;
    if (peek().kind === 'Dot') {
      pos++;
      namespace = first.text;
      name = expect('Identifier').text;
    }
    expect('LeftParenthesis');
    const args: ExpressionNode[] = [];
    if (peek().kind !== 'RightParenthesis') {
      for (;;) {
        args.push(parseExpr());
        if (peek().kind === 'Comma') {
          pos++;
          continue;
        }
        break;
      }
    }
    expect('RightParenthesis');
    return namespace === undefined ? { kind: 'call', name, args } : { kind: 'call', name, namespace, args };
  };

  const parsePrimary = (): ExpressionNode => {
    const t = peek();
    if (t.kind === 'String') {
      pos++;
      return { kind: 'string', value: t.text };
    }
    if (t.kind === 'Integer') {
      pos++;
      return { kind: 'number', value: Number(t.text) };
    }
    if (t.kind === 'Identifier') return parseCall();
    throw unexpected(expression, 'Identifier', t);
  };

  const parseExpr = (): ExpressionNode => {
    let node = parsePrimary();
    for (;;) {
      const t = peek();
      if (t.kind === 'Dot') {
        pos++;
        node = { kind: 'property', target: node, name: expect('Identifier').text };
      } else if (t.kind === 'LeftSquareBracket') {
        pos++;
        const index = parseExpr();
        expect('RightSquareBracket');
        node = { kind: 'index', target: node, index };
      } else {
        return node;
      }
    }
  };

  if (peek().kind === 'EndOfData') {
    throw new LanguageError(`The language expression '${expression}' is not valid: the expression is empty.`);
  }
  const node = parseExpr();
  expect('EndOfData');
  return node;
}

function unexpected(expression: string, expected: TokenKind, actual: Token): LanguageError {
  return new LanguageError(`Unable to parse language expression '${expression}': expected token '${expected}' and actual '${actual.kind}'.`);
}
