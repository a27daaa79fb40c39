/**
 * The single-quoted string literal ARM template expressions, OData `$filter`s and Entra's claims-matching
 * expressions share: `'it''s'` is `it's`. Reads one starting at `start` (which must be a quote); undefined when
 * the text ends before the closing quote, so each caller reports that in its own error shape.
 */
export function readQuotedLiteral(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) return undefined;
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += text[i++];
  }
}
