/**
 * Implicit dependencies: Azure makes a resource wait for every template resource it calls reference() or list*()
 * on. We find those calls in the parsed expressions and evaluate just their first argument (a name or an id:
 * resourceId(...), parameters(...), a literal...), which needs nothing that only exists after deployment.
 */
import { evaluateExpression, isExpression, parseExpression, referenceCalls } from './lang.js';
import { isObject } from './json.js';
import type { EngineScope } from './scope.js';

function expressionStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    if (isExpression(value) && /(reference|list\w*)\s*\(/i.test(value)) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) expressionStrings(v, out);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      expressionStrings(k, out);
      expressionStrings(v, out);
    }
  }
}

/** The names/ids every reference()/list*() call in `value` points at (those that can be evaluated now). */
export async function referencedTargets(value: unknown, scope: EngineScope): Promise<string[]> {
  const strings: string[] = [];
  expressionStrings(value, strings);
  const out: string[] = [];
  for (const s of strings) {
    let calls: ReturnType<typeof referenceCalls>;
    try {
      calls = referenceCalls(parseExpression(s, scope.location));
    } catch {
      continue; // a syntax error is reported when the body is evaluated, with its location
    }
    for (const call of calls) {
      if (!call.target) continue;
      try {
        const v = await evaluateExpression(call.target, scope, s);
        if (typeof v === 'string') out.push(v);
      } catch {
        // Not evaluable before deployment (e.g. a property loop's copyIndex): no implicit dependency, best effort.
      }
    }
  }
  return out;
}
