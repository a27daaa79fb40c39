/**
 * Template variables: evaluated on first use (a variable may use others, in any order), cached, with cycles
 * reported. `copy` inside `variables` (an array of `{name, count, input}`) defines array variables.
 * Azure forbids reference()/list*() in variables, so a variable's value never depends on deployment progress
 * and one cached value serves the whole deployment.
 */
import { invalidTemplate } from './errors.js';
import { isObject } from './json.js';
import { evaluateCopy } from './copy.js';
import { EngineScope, type EngineContext } from './scope.js';
import { evaluateTree } from './walk.js';

interface VariableDef {
  name: string;
  /** Plain variable value, or the copy spec for `variables.copy[i]`. */
  value?: unknown;
  copy?: Record<string, unknown>;
}

export function installVariables(ctx: EngineContext): void {
  const defs = new Map<string, VariableDef>();
  for (const [name, value] of Object.entries(ctx.template.variables)) {
    if (name === 'copy' && Array.isArray(value)) {
      for (const spec of value) {
        if (!isObject(spec) || typeof spec.name !== 'string') {
          throw invalidTemplate("The template variable 'copy' is not valid: each copy must have a 'name', 'count' and 'input'. Please see https://aka.ms/arm-copy for usage details.");
        }
        defs.set(spec.name.toLowerCase(), { name: spec.name, copy: spec });
      }
      continue;
    }
    defs.set(name.toLowerCase(), { name, value });
  }
  const cache = new Map<string, Promise<unknown>>();

  ctx.variable = (name, chain) => {
    const key = name.toLowerCase();
    const def = defs.get(key);
    if (!def) {
      return Promise.reject(invalidTemplate(`The template variable '${name}' is not found. Please see https://aka.ms/arm-template/#variables for usage details.`));
    }
    if (chain.includes(key)) {
      const path = [...chain.slice(chain.indexOf(key)), key].map((k) => defs.get(k)?.name ?? k).join("' -> '");
      return Promise.reject(
        invalidTemplate(`The template variable '${def.name}' is not valid: circular reference detected ('${path}'). Please see https://aka.ms/arm-template/#variables for usage details.`),
      );
    }
    let value = cache.get(key);
    if (!value) {
      const scope = new EngineScope(ctx, { location: `variables.${def.name}`, variableChain: [...chain, key] });
      value = evaluateDef(def, scope);
      cache.set(key, value);
    }
    return value;
  };
}

async function evaluateDef(def: VariableDef, scope: EngineScope): Promise<unknown> {
  if (!def.copy) return evaluateTree(def.value, scope, `variables.${def.name}`);
  const copy = await evaluateCopy(def.copy, scope, `variables.copy.${def.name}`);
  const items: unknown[] = [];
  for (let i = 0; i < copy.count; i++) items.push(await evaluateTree(def.copy.input, scope.withLoop(copy.name, i, true), `variables.${def.name}[${i}]`));
  return items;
}

/** Evaluate every variable once up front, in order: validation then reports a bad variable even if unused, as Azure does. */
export async function evaluateAllVariables(ctx: EngineContext): Promise<void> {
  for (const name of Object.keys(ctx.template.variables)) {
    if (name === 'copy' && Array.isArray(ctx.template.variables.copy)) {
      for (const spec of ctx.template.variables.copy) await ctx.variable(String((spec as { name: unknown }).name), []);
    } else {
      await ctx.variable(name, []);
    }
  }
}
