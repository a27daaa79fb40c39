/**
 * Deep evaluation of a template value: every string through the language, object keys included, and ARM's
 * property-level `copy` (an array of `{name, count, input}` inside any object becomes the array property `name`).
 * The language's own deep evaluator knows nothing of copy, so the engine walks values itself.
 */
import { evaluateString, isExpression } from './lang.js';
import { isObject } from './json.js';
import { evaluateCopy } from './copy.js';
import type { EngineScope } from './scope.js';

export interface WalkOptions {
  /** What-if/validate: an expression that needs a value only known after deployment stays as its text. */
  keepDeferred?: boolean;
}

export async function evaluateTree(value: unknown, scope: EngineScope, path: string, opts: WalkOptions = {}): Promise<unknown> {
  if (typeof value === 'string') return evaluateText(value, scope, path, opts);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    // In order: evaluation may read resources, and errors should name the first bad element.
    for (let i = 0; i < value.length; i++) out.push(await evaluateTree(value[i], scope, `${path}[${i}]`, opts));
    return out;
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'copy' && Array.isArray(v)) {
        for (const spec of v) {
          const copy = await evaluateCopy(spec, scope.with({ location: `${path}.copy` }), `${path}.copy`);
          const items: unknown[] = [];
          for (let i = 0; i < copy.count; i++) {
            const input = isObject(spec) ? spec.input : undefined;
            items.push(await evaluateTree(input, scope.withLoop(copy.name, i, false), `${path}.${copy.name}[${i}]`, opts));
          }
          out[copy.name] = items;
        }
        continue;
      }
      const key = isExpression(k) || k.startsWith('[[') ? String(await evaluateText(k, scope, path, opts)) : k;
      out[key] = await evaluateTree(v, scope, path ? `${path}.${k}` : k, opts);
    }
    return out;
  }
  return value;
}

export async function evaluateText(s: string, scope: EngineScope, path: string, opts: WalkOptions = {}): Promise<unknown> {
  if (!s.startsWith('[')) return s;
  const box = { hit: false };
  try {
    return await evaluateString(s, scope.with({ location: path, defer: box }));
  } catch (e) {
    if (opts.keepDeferred && box.hit) return s;
    throw e;
  }
}
