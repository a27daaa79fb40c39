import type { CallNode, ExpressionNode } from './ast.js';
import type { EvaluationScope } from './contract.js';
import { arityError, functionNotExpectedHere, LanguageError, unknownFunction } from './errors.js';
import type { Call, FunctionDef } from './functionDef.js';
import { builtInFunction } from './functions/index.js';
import { getProperty, isObject, typeOf } from './values.js';

const NO_VARIABLES: ReadonlyMap<string, unknown> = new Map();

/**
 * Evaluates a parsed expression. Throws LanguageError (reason only) or whatever the scope throws. `variables` are
 * the lambda variables in force (inside a lambda body); the scope itself is never wrapped, so the engine's object
 * is used as it is.
 */
export async function evaluateNode(node: ExpressionNode, scope: EvaluationScope, variables: ReadonlyMap<string, unknown> = NO_VARIABLES): Promise<unknown> {
  switch (node.kind) {
    case 'string':
    case 'number':
      return node.value;
    case 'call':
      return normalize(await callFunction(node, scope, variables));
    case 'property':
      return readProperty(await evaluateNode(node.target, scope, variables), node.name);
    case 'index': {
      const target = await evaluateNode(node.target, scope, variables);
      return readIndex(target, await evaluateNode(node.index, scope, variables));
    }
  }
}

/** JSON has no undefined: a missing value is null, as in Azure. */
function normalize(v: unknown): unknown {
  return v === undefined ? null : v;
}

export function checkArity(def: FunctionDef, count: number): void {
  if (count < def.min || count > def.max) throw arityError(def.name, def.min, def.max);
}

async function callFunction(node: CallNode, scope: EvaluationScope, variables: ReadonlyMap<string, unknown>): Promise<unknown> {
  if (node.namespace !== undefined) {
    const fn = scope.userFunction(node.namespace, node.name);
    if (!fn) throw unknownFunction(`${node.namespace}.${node.name}`);
    return fn(await evaluateArgs(node.args, scope, variables));
  }
  const def = builtInFunction(node.name);
  if (!def) throw unknownFunction(node.name);
  if (def.parameterDefaultOnly && !scope.inParameterDefault) throw functionNotExpectedHere(def.name);
  checkArity(def, node.args.length);
  const call: Call = {
    name: def.name,
    written: node.name,
    scope,
    single: def.max <= 1,
    lambdaVariables: variables,
    evaluate: (n, bindings) => evaluateNode(n, scope, bindings ? new Map([...variables, ...bindings]) : variables),
  };
  if ('raw' in def) return def.raw(node.args, call);
  if ('lazy' in def) return def.lazy(node.args.map((a) => () => evaluateNode(a, scope, variables)), call);
  return def.invoke(await evaluateArgs(node.args, scope, variables), call);
}

/** In order, one at a time: arguments may call reference() or list*(), which the engine may want to serialise. */
async function evaluateArgs(args: readonly ExpressionNode[], scope: EvaluationScope, variables: ReadonlyMap<string, unknown>): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const a of args) values.push(await evaluateNode(a, scope, variables));
  return values;
}

function readProperty(target: unknown, name: string): unknown {
  if (!isObject(target)) {
    throw new LanguageError(`The language expression property '${name}' can't be evaluated on a value of type '${typeOf(target)}'.`);
  }
  const p = getProperty(target, name);
  if (!p.found) {
    throw new LanguageError(`The language expression property '${name}' doesn't exist, available properties are '${Object.keys(target).join(', ')}'.`);
  }
  return normalize(p.value);
}

function readIndex(target: unknown, index: unknown): unknown {
  if (Array.isArray(target)) {
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      throw new LanguageError(`The language expression array index must be of type 'Integer'. The provided value is of type '${typeOf(index)}'.`);
    }
    if (index < 0 || index >= target.length) throw new LanguageError(`The language expression property array index '${index}' is out of bounds.`);
    return normalize(target[index]);
  }
  if (isObject(target)) {
    if (typeof index !== 'string') {
      throw new LanguageError(`The language expression property '${String(index)}' can't be evaluated, property name must be a string.`);
    }
    return readProperty(target, index);
  }
  throw new LanguageError(`The language expression property '${String(index)}' can't be evaluated on a value of type '${typeOf(target)}'.`);
}
