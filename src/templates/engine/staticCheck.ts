/**
 * Validate's static pass over every expression in the template: syntax, unknown functions, argument counts and
 * utcNow()/newGuid() outside parameter defaults, even where evaluation is deferred (reference() chains) or
 * skipped (condition false), as Azure's validation reports them.
 */
import { isExpression, validateExpression } from './lang.js';
import { isObject } from './json.js';
import type { Template } from './template.js';

export function checkExpressions(template: Template): void {
  const functions = new Set<string>();
  for (const ns of template.functions) {
    if (isObject(ns) && typeof ns.namespace === 'string' && isObject(ns.members)) {
      for (const m of Object.keys(ns.members)) functions.add(`${ns.namespace}.${m}`.toLowerCase());
    }
  }
  const userFunctionExists = (namespace: string, member: string): boolean => functions.has(`${namespace}.${member}`.toLowerCase());
  const visit = (v: unknown, path: string, inParameterDefault: boolean): void => {
    if (typeof v === 'string') {
      if (isExpression(v)) validateExpression(v, path, { userFunctionExists, inParameterDefault });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${path}[${i}]`, inParameterDefault));
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        visit(k, path, inParameterDefault);
        visit(x, `${path}.${k}`, inParameterDefault);
      }
    }
  };
  visit(template.parameters, 'parameters', true);
  visit(template.variables, 'variables', false);
  visit(template.resources, 'resources', false);
  visit(template.outputs, 'outputs', false);
  for (const ns of template.functions) visit(ns, 'functions', false);
}
