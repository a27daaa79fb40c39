import type { CallNode, ExpressionNode } from './ast.js';
import { functionNotExpectedHere, unknownFunction } from './errors.js';
import { checkArity } from './evaluator.js';
import { builtInFunction } from './functions/index.js';

/** Static questions about a parsed expression, without evaluating it (validate, implicit dependencies). */

export function walk(node: ExpressionNode, visit: (n: ExpressionNode) => void): void {
  visit(node);
  switch (node.kind) {
    case 'call':
      for (const a of node.args) walk(a, visit);
      break;
    case 'property':
      walk(node.target, visit);
      break;
    case 'index':
      walk(node.target, visit);
      walk(node.index, visit);
      break;
    default:
      break;
  }
}

export function findCalls(node: ExpressionNode, predicate: (call: CallNode) => boolean): CallNode[] {
  const found: CallNode[] = [];
  walk(node, (n) => {
    if (n.kind === 'call' && predicate(n)) found.push(n);
  });
  return found;
}

/** Every function the expression calls, lower-cased (`ns.member` for user functions), each once. */
export function referencedFunctions(node: ExpressionNode): string[] {
  const names = new Set<string>();
  walk(node, (n) => {
    if (n.kind === 'call') names.add((n.namespace === undefined ? n.name : `${n.namespace}.${n.name}`).toLowerCase());
  });
  return [...names];
}

/**
 * The reference() and list*() calls, wherever they sit (both branches of an if() included, as Azure's dependency
 * inference does). The engine evaluates `target` (usually `resourceId(...)` or a name from parameters/variables)
 * with evaluateExpression to find the resource the call depends on.
 */
export function referenceCalls(node: ExpressionNode): { function: string; target: ExpressionNode | undefined; call: CallNode }[] {
  return findCalls(node, (c) => c.namespace === undefined && (c.name.toLowerCase() === 'reference' || /^list./i.test(c.name))).map((call) => ({
    function: call.name,
    target: call.args[0],
    call,
  }));
}

export interface CheckOptions {
  /** Whether the template defines `namespace.member`; without it, user function calls are not checked. */
  userFunctionExists?: (namespace: string, member: string) => boolean;
  /** True when checking a parameter's defaultValue (utcNow/newGuid allowed). */
  inParameterDefault?: boolean;
}

/** Validate-time checks Azure makes before deploying: known functions, argument counts, utcNow/newGuid placement. */
export function checkNode(node: ExpressionNode, options: CheckOptions = {}): void {
  walk(node, (n) => {
    if (n.kind !== 'call') return;
    if (n.namespace !== undefined) {
      if (options.userFunctionExists && !options.userFunctionExists(n.namespace, n.name)) throw unknownFunction(`${n.namespace}.${n.name}`);
      return;
    }
    const def = builtInFunction(n.name);
    if (!def) throw unknownFunction(n.name);
    if (def.parameterDefaultOnly && !options.inParameterDefault) throw functionNotExpectedHere(def.name);
    checkArity(def, n.args.length);
  });
}
