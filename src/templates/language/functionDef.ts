import type { ExpressionNode } from './ast.js';
import type { EvaluationScope } from './contract.js';
import { LanguageError, typeError } from './errors.js';
import { isObject, typeOf, type ArmType, type JsonObject } from './values.js';

/** What a function sees of the call: its canonical name (for messages) and the scope. */
export interface Call {
  readonly name: string;
  /** The name as written in the template (list* functions POST that action). */
  readonly written: string;
  readonly scope: EvaluationScope;
  /** True when the function takes at most one parameter: Azure's messages then say "its parameter". */
  readonly single: boolean;
  /** The variables of the lambdas this call sits in (lambdaVariables()). */
  readonly lambdaVariables: ReadonlyMap<string, unknown>;
  /** Evaluates a node where this call sits, with extra lambda variables bound (lambda bodies). */
  evaluate(node: ExpressionNode, bindings?: ReadonlyMap<string, unknown>): Promise<unknown>;
}

export type Thunk = () => Promise<unknown>;

interface Common {
  /** Canonical casing, as Azure documents it. */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** utcNow and newGuid: only inside a parameter's defaultValue. */
  readonly parameterDefaultOnly?: boolean;
}

export interface EagerFunction extends Common {
  readonly invoke: (args: unknown[], call: Call) => unknown;
}

/** Receives unevaluated arguments: `if` evaluates one branch only (matters for reference() to a conditional resource). */
export interface LazyFunction extends Common {
  readonly lazy: (args: Thunk[], call: Call) => Promise<unknown>;
}

/** Receives the syntax trees themselves: `lambda('x', body)` keeps its body to evaluate later, per element. */
export interface RawFunction extends Common {
  readonly raw: (args: readonly ExpressionNode[], call: Call) => unknown;
}

export type FunctionDef = EagerFunction | LazyFunction | RawFunction;

function check<T>(call: Call, v: unknown, i: number, expected: readonly ArmType[], ok: boolean): T {
  if (!ok) throw typeError(call.name, i, call.single, expected, typeOf(v));
  return v as T;
}

export function str(call: Call, v: unknown, i: number): string {
  return check(call, v, i, ['String'], typeof v === 'string');
}

export function int(call: Call, v: unknown, i: number): number {
  return check(call, v, i, ['Integer'], typeof v === 'number' && Number.isInteger(v));
}

export function bool(call: Call, v: unknown, i: number): boolean {
  return check(call, v, i, ['Boolean'], typeof v === 'boolean');
}

export function arr(call: Call, v: unknown, i: number): unknown[] {
  return check(call, v, i, ['Array'], Array.isArray(v));
}

export function obj(call: Call, v: unknown, i: number): JsonObject {
  return check(call, v, i, ['Object'], isObject(v));
}

export function oneOf(call: Call, v: unknown, i: number, expected: readonly ArmType[]): ArmType {
  const t = typeOf(v);
  // An Integer is acceptable wherever Azure accepts a number; a Float only where Float is listed.
  check(call, v, i, expected, expected.includes(t));
  return t;
}

export function fail(call: Call, reason: string): never {
  throw new LanguageError(`Unable to evaluate template language function '${call.name}': ${reason} Please see https://aka.ms/arm-functions for usage details.`);
}
