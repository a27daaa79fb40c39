import { LanguageError } from './errors.js';
import { readQuotedLiteral } from '../../arm/quotedLiteral.js';

export type TokenKind =
  | 'Identifier'
  | 'String'
  | 'Integer'
  | 'LeftParenthesis'
  | 'RightParenthesis'
  | 'LeftSquareBracket'
  | 'RightSquareBracket'
  | 'Comma'
  | 'Dot'
  | 'EndOfData';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier text, unescaped string content, or the integer's digits. */
  readonly text: string;
  /** Offset in the expression text, for error messages. */
  readonly position: number;
}

const PUNCTUATION: Record<string, TokenKind> = {
  '(': 'LeftParenthesis',
  ')': 'RightParenthesis',
  '[': 'LeftSquareBracket',
  ']': 'RightSquareBracket',
  ',': 'Comma',
  '.': 'Dot',
};

function isIdentifierStart(c: string): boolean {
  return /[A-Za-z_$]/.test(c);
}

function isIdentifierPart(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c);
}

/** Splits the inside of `[...]` into tokens. `expression` is the full template string, quoted in errors. */
export function tokenize(text: string, expression: string = text): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (position: number): never => {
    throw new LanguageError(`The language expression '${expression}' is not valid: the string character '${text[position]}' at position '${position}' is not expected.`);
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c in PUNCTUATION) {
      tokens.push({ kind: PUNCTUATION[c], text: c, position: i });
      i++;
    } else if (c === "'") {
      const start = i;
      // ARM escapes a quote inside a string literal by doubling it.
      const literal = readQuotedLiteral(text, start);
      if (!literal) throw new LanguageError(`The language expression '${expression}' is not valid: the string literal starting at position '${start}' is not terminated.`);
      i = literal.end;
      tokens.push({ kind: 'String', text: literal.value, position: start });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const start = i;
      i++;
      while (i < text.length && /[0-9]/.test(text[i])) i++;
      // ARM has no float literals: `1.5` would otherwise silently become a property access on 1.
      if (text[i] === '.' && /[0-9]/.test(text[i + 1] ?? '')) fail(i);
      tokens.push({ kind: 'Integer', text: text.slice(start, i), position: start });
    } else if (isIdentifierStart(c)) {
      const start = i;
      while (i < text.length && isIdentifierPart(text[i])) i++;
      tokens.push({ kind: 'Identifier', text: text.slice(start, i), position: start });
    } else {
      fail(i);
    }
  }
  tokens.push({ kind: 'EndOfData', text: '', position: text.length });
  return tokens;
}
