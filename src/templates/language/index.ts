/**
 * The ARM template expression language: what the engine imports.
 *
 *   isExpression(s)                 `[...]` and not the `[[` escape
 *   parseExpression(text, location) the syntax tree (throws ExpressionError, a TemplateError, on syntax errors)
 *   evaluateString(s, scope)        one template string: expression evaluated, `[[` escape undone, else unchanged
 *   evaluateValue(v, scope)         deep: every string value and property name
 *   evaluateExpression(node, scope, text)  an already parsed expression (e.g. a reference() target)
 *   validateExpression(text, location, options)  static checks for validate (unknown functions, argument counts)
 *   referencedFunctions / referenceCalls / findCalls   static analysis for implicit dependencies
 */
import type { ExpressionNode } from './ast.js';
import type { EvaluationScope } from './contract.js';
import { checkNode, type CheckOptions } from './analysis.js';
import { ExpressionError, LanguageError } from './errors.js';
import { evaluateNode } from './evaluator.js';
import { parseInner } from './parser.js';
import { LambdaValue, toArmString } from './values.js';

export { TemplateError } from './contract.js';
export type { EvaluationScope, TemplateLocation } from './contract.js';
export type { CallNode, ExpressionNode, IndexNode, NumberNode, PropertyNode, StringNode } from './ast.js';
export { ExpressionError } from './errors.js';
export { findCalls, referenceCalls, referencedFunctions, walk, type CheckOptions } from './analysis.js';
export { builtInFunctionNames } from './functions/index.js';
export { armGuid, uniqueString } from './hash.js';

/** ARM's rule: `[...]` is an expression; `[[...]` is the escape for a literal string starting with `[`. */
export function isExpression(s: string): boolean {
  return s.length >= 2 && s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[');
}

/** `[[...]` (a would-be expression with the escape): loses one `[`. */
function isEscaped(s: string): boolean {
  return s.startsWith('[[') && s.endsWith(']');
}

// Copy loops evaluate the same strings many times: keep parsed trees (they are immutable).
const cache = new Map<string, ExpressionNode>();
const CACHE_LIMIT = 10000;

function parseCached(expression: string): ExpressionNode {
  let node = cache.get(expression);
  if (!node) {
    node = parseInner(isExpression(expression) ? expression.slice(1, -1) : expression, expression);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(expression, node);
  }
  return node;
}

function wrap(e: unknown, expression: string, location: string): unknown {
  return e instanceof LanguageError ? new ExpressionError(expression, location, e.message) : e;
}

/** Parses `[...]` (or the bare inner text). Throws ExpressionError naming the expression and location. */
export function parseExpression(text: string, location = ''): ExpressionNode {
  try {
    return parseCached(text);
  } catch (e) {
    throw wrap(e, text, location);
  }
}

/** Evaluates a parsed expression; `text` is the template string, quoted in error messages. */
export async function evaluateExpression(node: ExpressionNode, scope: EvaluationScope, text: string): Promise<unknown> {
  try {
    const value = await evaluateNode(node, scope);
    if (value instanceof LambdaValue) {
      throw new LanguageError("The template function 'lambda' can only be used as a parameter of the functions 'filter', 'map', 'reduce', 'sort', 'toObject', 'groupBy' and 'mapValues'.");
    }
    return value;
  } catch (e) {
    throw wrap(e, text, scope.location);
  }
}

export async function evaluateString(s: string, scope: EvaluationScope): Promise<unknown> {
  if (isEscaped(s)) return s.slice(1);
  if (!isExpression(s)) return s;
  return evaluateExpression(parseExpression(s, scope.location), scope, s);
}

/** Deep evaluation of a template value. Property names that are expressions are evaluated too, as ARM does. */
export async function evaluateValue(value: unknown, scope: EvaluationScope): Promise<unknown> {
  if (typeof value === 'string') return evaluateString(value, scope);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) out.push(await evaluateValue(v, scope));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[toArmString(await evaluateString(k, scope))] = await evaluateValue(v, scope);
    return out;
  }
  return value;
}

/** Parses and checks an expression without evaluating it: syntax, unknown functions, argument counts, utcNow placement. */
export function validateExpression(text: string, location = '', options: CheckOptions = {}): ExpressionNode {
  const node = parseExpression(text, location);
  try {
    checkNode(node, options);
  } catch (e) {
    throw wrap(e, text, location);
  }
  return node;
}
