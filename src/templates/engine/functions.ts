/**
 * User-defined functions (`functions: [{namespace, members: {name: {parameters, output}}}]`). As in Azure, a
 * function sees only its own arguments: no variables, no reference()/list*(), no other user functions.
 */
import { invalidTemplate } from './errors.js';
import { isObject } from './json.js';
import type { EngineContext } from './scope.js';
import { evaluateTree } from './walk.js';

interface UserFunction {
  parameters: { name: string; type: string }[];
  output: { type: string; value: unknown };
}

export function installFunctions(ctx: EngineContext): void {
  const table = new Map<string, UserFunction>();
  for (const [i, ns] of ctx.template.functions.entries()) {
    if (!isObject(ns) || typeof ns.namespace !== 'string' || !isObject(ns.members)) {
      throw invalidTemplate(`The template function namespace at 'functions[${i}]' is not valid: 'namespace' and 'members' are required. Please see https://aka.ms/arm-user-defined-functions for usage details.`);
    }
    for (const [member, def] of Object.entries(ns.members)) {
      const fullName = `${ns.namespace}.${member}`;
      if (!isObject(def) || !isObject(def.output) || typeof def.output.type !== 'string') {
        throw invalidTemplate(`The template function '${fullName}' is not valid: 'output' with 'type' and 'value' is required. Please see https://aka.ms/arm-user-defined-functions for usage details.`);
      }
      const params = Array.isArray(def.parameters) ? def.parameters : [];
      table.set(fullName.toLowerCase(), {
        parameters: params.map((p) => ({ name: String(isObject(p) ? p.name : ''), type: String(isObject(p) ? p.type : '') })),
        output: { type: def.output.type, value: def.output.value },
      });
    }
  }

  ctx.userFunction = (scope, namespace, member) => {
    const fullName = `${namespace}.${member}`;
    const fn = table.get(fullName.toLowerCase());
    if (!fn) return undefined;
    return async (args) => {
      if (args.length !== fn.parameters.length) {
        throw invalidTemplate(
          `The template function '${fullName}' is not valid: it expects ${fn.parameters.length} argument(s) but was called with ${args.length}. Please see https://aka.ms/arm-user-defined-functions for usage details.`,
        );
      }
      const argMap = new Map(fn.parameters.map((p, i) => [p.name.toLowerCase(), args[i]]));
      const inner = scope.with({ location: `functions.${fullName}`, functionArgs: argMap, allowReference: false });
      return evaluateTree(fn.output.value, inner, `functions.${fullName}.output.value`);
    };
  };
}
