import { graphErrors } from './errors.js';
import { readQuotedLiteral } from '../../arm/quotedLiteral.js';

/**
 * The part of OData `$filter` that Graph clients send for directory lists: comparisons (`eq`, `ne`), `startswith`,
 * `endswith`, `and`, `or`, `not`, parentheses, and `any` over string collections
 * (`servicePrincipalNames/any(c:c eq 'x')`). Evaluated against the serialised Graph objects; string
 * comparisons ignore case, as the directory's do.
 */
export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr }
  | { kind: 'compare'; op: 'eq' | 'ne'; path: string[]; value: Literal }
  | { kind: 'call'; fn: 'startswith' | 'endswith'; path: string[]; value: string }
  | { kind: 'any'; path: string[]; variable: string; body: FilterExpr };

type Literal = string | number | boolean | null;
type Token = { t: 'word' | 'string' | 'punct'; v: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if ('(),:/'.includes(c)) {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else if (c === "'") {
      const literal = readQuotedLiteral(text, i);
      if (!literal) throw graphErrors.invalidFilter('unterminated string literal');
      i = literal.end;
      tokens.push({ t: 'string', v: literal.value });
    } else {
      const m = /^[A-Za-z0-9_.$@+-]+/.exec(text.slice(i));
      if (!m) throw graphErrors.invalidFilter(`unexpected character '${c}'`);
      tokens.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

export function parseFilter(text: string): FilterExpr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (v: string) => peek()?.t === 'word' && peek().v.toLowerCase() === v;
  const expectPunct = (v: string) => {
    const tok = tokens[pos++];
    if (tok?.t !== 'punct' || tok.v !== v) throw graphErrors.invalidFilter(`'${v}' expected`);
  };
  const word = () => {
    const tok = tokens[pos++];
    if (tok?.t !== 'word') throw graphErrors.invalidFilter('a property name expected');
    return tok.v;
  };
  const literal = (): Literal => {
    const tok = tokens[pos++];
    if (!tok) throw graphErrors.invalidFilter('a value expected');
    if (tok.t === 'string') return tok.v;
    if (tok.t === 'word') {
      const lower = tok.v.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      if (/^-?\d+(\.\d+)?$/.test(tok.v)) return Number(tok.v);
      // Graph accepts an unquoted GUID for id properties.
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tok.v)) return tok.v;
    }
    throw graphErrors.invalidFilter(`'${tok.v}' is not a value`);
  };
  const path = (first: string): string[] => {
    const segments = [first];
    while (peek()?.t === 'punct' && peek().v === '/' && tokens[pos + 1]?.t === 'word' && !['any', 'all'].includes(tokens[pos + 1].v.toLowerCase())) {
      pos++;
      segments.push(word());
    }
    return segments;
  };

  // `a or b or c` groups as `(a or b) or c`; each operand is the next tighter level.
  const leftAssociative =
    (kind: 'and' | 'or', operand: () => FilterExpr) =>
    (): FilterExpr => {
      let left = operand();
      while (isWord(kind)) {
        pos++;
        left = { kind, left, right: operand() };
      }
      return left;
    };
  // `and` binds tighter than `or`; the levels are reached through closures, as they refer to one another.
  const or = leftAssociative('or', () => and());
  const and = leftAssociative('and', () => unary());
  const unary = (): FilterExpr => {
    if (isWord('not')) {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    return primary();
  };
  const primary = (): FilterExpr => {
    if (peek()?.t === 'punct' && peek().v === '(') {
      pos++;
      const inner = or();
      expectPunct(')');
      return inner;
    }
    const name = word();
    const fn = name.toLowerCase();
    if ((fn === 'startswith' || fn === 'endswith') && peek()?.t === 'punct' && peek().v === '(') {
      pos++;
      const target = path(word());
      expectPunct(',');
      const value = literal();
      expectPunct(')');
      if (typeof value !== 'string') throw graphErrors.invalidFilter(`${fn} needs a string`);
      return { kind: 'call', fn, path: target, value };
    }
    const target = path(name);
    if (peek()?.t === 'punct' && peek().v === '/') {
      pos++;
      const lambda = word().toLowerCase();
      if (lambda !== 'any') throw graphErrors.unsupportedQuery();
      expectPunct('(');
      const variable = word();
      expectPunct(':');
      const body = or();
      expectPunct(')');
      return { kind: 'any', path: target, variable, body };
    }
    const opTok = tokens[pos++];
    const op = opTok?.t === 'word' ? opTok.v.toLowerCase() : '';
    if (op !== 'eq' && op !== 'ne') {
      if (['gt', 'ge', 'lt', 'le', 'in', 'has'].includes(op)) throw graphErrors.unsupportedQuery();
      throw graphErrors.invalidFilter(`an operator expected after '${target.join('/')}'`);
    }
    return { kind: 'compare', op, path: target, value: literal() };
  };

  if (!tokens.length) throw graphErrors.invalidFilter('the filter is empty');
  const expr = or();
  if (pos !== tokens.length) throw graphErrors.invalidFilter(`unexpected '${tokens[pos].v}'`);
  return expr;
}

/** Whether a serialised Graph object matches; properties outside `allowed` answer Request_UnsupportedQuery, as Graph does for unindexed ones. */
export function matchesFilter(expr: FilterExpr, object: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  const resolve = (path: string[], scope: Record<string, unknown>): unknown => {
    const [head, ...rest] = path;
    if (scope.$var !== undefined && head === scope.$varName) {
      if (rest.length) throw graphErrors.unsupportedQuery();
      return scope.$var;
    }
    if (!allowed.has(head)) throw graphErrors.unsupportedQuery();
    let value: unknown = object[head];
    for (const segment of rest) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    return value;
  };
  const equal = (a: unknown, b: Literal) => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : (a ?? null) === b);
  const evaluate = (e: FilterExpr, scope: Record<string, unknown>): boolean => {
    switch (e.kind) {
      case 'and':
        return evaluate(e.left, scope) && evaluate(e.right, scope);
      case 'or':
        return evaluate(e.left, scope) || evaluate(e.right, scope);
      case 'not':
        return !evaluate(e.operand, scope);
      case 'compare': {
        const same = equal(resolve(e.path, scope), e.value);
        return e.op === 'eq' ? same : !same;
      }
      case 'call': {
        const value = resolve(e.path, scope);
        if (typeof value !== 'string') return false;
        const a = value.toLowerCase();
        const b = e.value.toLowerCase();
        return e.fn === 'startswith' ? a.startsWith(b) : a.endsWith(b);
      }
      case 'any': {
        const collection = resolve(e.path, scope);
        if (!Array.isArray(collection)) return false;
        return collection.some((item) => evaluate(e.body, { $var: item, $varName: e.variable }));
      }
    }
  };
  return evaluate(expr, {});
}
