/** `copy` specs: a loop's name, count, mode and batchSize, evaluated and checked against Azure's limits. */
import { evaluateString } from './lang.js';
import { invalidTemplate } from './errors.js';
import { isObject } from './json.js';
import type { EngineScope } from './scope.js';
import { LIMITS } from './template.js';

export interface CopySpec {
  name: string;
  count: number;
  mode: 'serial' | 'parallel';
  batchSize: number;
}

async function evalNumber(value: unknown, scope: EngineScope): Promise<unknown> {
  return typeof value === 'string' ? evaluateString(value, scope) : value;
}

export async function evaluateCopy(spec: unknown, scope: EngineScope, where: string): Promise<CopySpec> {
  if (!isObject(spec) || typeof spec.name !== 'string' || spec.name === '') {
    throw invalidTemplate(`The copy at '${where}' is not valid: the copy name must be a non-empty string. Please see https://aka.ms/arm-copy for usage details.`);
  }
  const name = spec.name;
  const count = await evalNumber(spec.count, scope);
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw invalidTemplate(`The template copy '${name}' is not valid: the copy count must be a non-negative integer. Please see https://aka.ms/arm-copy for usage details.`);
  }
  if (count > LIMITS.copyCount) {
    throw invalidTemplate(`The template copy '${name}' is not valid: the copy count '${count}' exceeds the maximum allowed limit of '${LIMITS.copyCount}'. Please see https://aka.ms/arm-copy for usage details.`);
  }
  const modeRaw = await evalNumber(spec.mode ?? 'parallel', scope);
  const mode = String(modeRaw).toLowerCase();
  if (mode !== 'serial' && mode !== 'parallel') {
    throw invalidTemplate(`The template copy '${name}' is not valid: the copy mode '${String(modeRaw)}' must be 'Serial' or 'Parallel'. Please see https://aka.ms/arm-copy for usage details.`);
  }
  const batchRaw = spec.batchSize === undefined ? (mode === 'serial' ? 1 : count || 1) : await evalNumber(spec.batchSize, scope);
  if (typeof batchRaw !== 'number' || !Number.isInteger(batchRaw) || batchRaw < 1 || batchRaw > LIMITS.copyCount) {
    throw invalidTemplate(`The template copy '${name}' is not valid: the batch size must be an integer between 1 and ${LIMITS.copyCount}. Please see https://aka.ms/arm-copy for usage details.`);
  }
  return { name, count, mode, batchSize: batchRaw };
}
