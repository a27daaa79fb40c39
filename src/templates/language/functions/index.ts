import type { FunctionDef } from '../functionDef.js';
import { arrayFunctions } from './arrays.js';
import { collectionFunctions } from './collections.js';
import { comparisonFunctions } from './comparison.js';
import { dateFunctions } from './dates.js';
import { deploymentFunctions } from './deployment.js';
import { encodingFunctions } from './encoding.js';
import { lambdaFunctions } from './lambda.js';
import { logicalFunctions } from './logical.js';
import { numericFunctions } from './numeric.js';
import { objectFunctions } from './objects.js';
import { listFunction, resourceFunctions } from './resources.js';
import { stringFunctions } from './strings.js';

const BUILT_IN = new Map<string, FunctionDef>();
for (const f of [
  ...arrayFunctions,
  ...collectionFunctions,
  ...comparisonFunctions,
  ...dateFunctions,
  ...deploymentFunctions,
  ...encodingFunctions,
  ...lambdaFunctions,
  ...logicalFunctions,
  ...numericFunctions,
  ...objectFunctions,
  ...resourceFunctions,
  ...stringFunctions,
]) {
  BUILT_IN.set(f.name.toLowerCase(), f);
}

/** The built-in function of that name (ARM function names are case-insensitive), list* included; undefined if none. */
export function builtInFunction(name: string): FunctionDef | undefined {
  const lower = name.toLowerCase();
  const f = BUILT_IN.get(lower);
  if (f) return f;
  return lower.startsWith('list') && lower.length > 4 ? listFunction(name) : undefined;
}

/** Canonical names of every built-in function (list* aside). */
export function builtInFunctionNames(): string[] {
  return [...BUILT_IN.values()].map((f) => f.name);
}
