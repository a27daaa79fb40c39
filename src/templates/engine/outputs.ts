/**
 * Outputs, evaluated after the resources: `condition` (false → absent), `copy` (`{count, input}` → array),
 * and the declared type checked as Azure does (DeploymentOutputEvaluationFailed).
 */
import { TemplateError, invalidTemplate } from './errors.js';
import { isObject, jtokenType } from './json.js';
import { EngineScope, type EngineContext } from './scope.js';
import { evaluateCopy } from './copy.js';
import { evaluateTree, type WalkOptions } from './walk.js';

const TYPES: Record<string, { display: string; expected: string; ok: (v: unknown) => boolean }> = {
  string: { display: 'String', expected: 'String', ok: (v) => typeof v === 'string' },
  securestring: { display: 'SecureString', expected: 'String', ok: (v) => typeof v === 'string' },
  int: { display: 'Int', expected: 'Integer', ok: (v) => typeof v === 'number' && Number.isInteger(v) },
  bool: { display: 'Bool', expected: 'Boolean', ok: (v) => typeof v === 'boolean' },
  object: { display: 'Object', expected: 'Object', ok: isObject },
  secureobject: { display: 'SecureObject', expected: 'Object', ok: isObject },
  array: { display: 'Array', expected: 'Array', ok: Array.isArray },
};

export type Outputs = Record<string, { type: string; value: unknown }>;

export async function evaluateOutputs(ctx: EngineContext, opts: WalkOptions = {}): Promise<Outputs> {
  const out: Outputs = {};
  for (const [name, def] of Object.entries(ctx.template.outputs)) {
    if (name.startsWith('[')) throw invalidTemplate(`The template output '${name}' at line '1' and column '1' is not valid. The output name cannot be an expression. Please see https://aka.ms/arm-template/#outputs for usage details.`);
    if (!isObject(def) || typeof def.type !== 'string' || !TYPES[def.type.toLowerCase()]) {
      throw invalidTemplate(`The template output '${name}' at line '1' and column '1' is not valid: 'type' must be one of 'String,SecureString,Int,Bool,Array,Object,SecureObject'. Please see https://aka.ms/arm-template/#outputs for usage details.`);
    }
    const type = TYPES[def.type.toLowerCase()];
    const scope = new EngineScope(ctx, { location: `outputs.${name}`, allowReference: true });
    try {
      if (def.condition !== undefined) {
        const c = await evaluateTree(def.condition, scope, `outputs.${name}.condition`, opts);
        if (c === false) continue;
        if (typeof c !== 'boolean' && !opts.keepDeferred) throw new Error('The output condition must evaluate to a boolean.');
      }
      let value: unknown;
      if (isObject(def.copy)) {
        const spec = await evaluateCopy({ name: name, ...def.copy }, scope, `outputs.${name}.copy`);
        const items: unknown[] = [];
        for (let i = 0; i < spec.count; i++) items.push(await evaluateTree(def.copy.input, scope.withLoop(name, i, true), `outputs.${name}.copy.input`, opts));
        value = items;
      } else {
        value = await evaluateTree(def.value, scope, `outputs.${name}.value`, opts);
      }
      // Validation only evaluates (to catch bad expressions); the declared type is checked when the deployment ends, as in Azure.
      if (!opts.keepDeferred && !type.ok(value)) {
        throw new Error(`Template output JToken type is not valid. Expected '${type.expected}'. Actual '${jtokenType(value)}'.Please see https://aka.ms/arm-template/#outputs for usage details.`);
      }
      // Secure outputs are never returned by Azure: only their type.
      out[name] = type.display.startsWith('Secure') ? ({ type: type.display } as Outputs[string]) : { type: type.display, value };
    } catch (e) {
      const inner = e instanceof Error ? e.message : String(e);
      throw new TemplateError(
        'DeploymentOutputEvaluationFailed',
        `Unable to evaluate template outputs: '${name}'. Please see error details and deployment operations. Please see https://aka.ms/arm-common-errors for usage details.`,
        name,
        [{ code: e instanceof TemplateError ? e.code : 'DeploymentOutputEvaluationFailed', target: name, message: `The template output '${name}' is not valid: ${inner}.` }],
      );
    }
  }
  return out;
}
