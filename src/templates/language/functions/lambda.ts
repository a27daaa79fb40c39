import { LanguageError } from '../errors.js';
import { arr, bool, fail, obj, str, type Call, type FunctionDef } from '../functionDef.js';
import { LambdaValue, toArmString, type JsonObject } from '../values.js';

/** filter/map/reduce/sort/toObject and friends, with `lambda('x', body)` and `lambdaVariables('x')`. */

function lambdaArg(c: Call, v: unknown, i: number, maxParameters: number): LambdaValue {
  if (!(v instanceof LambdaValue)) {
    throw new LanguageError(`The template language function '${c.name}' expects its ${['first', 'second', 'third'][i] ?? `${i + 1}th`} parameter to be a lambda function. Please see https://aka.ms/arm-functions for usage details.`);
  }
  if (v.parameters.length > maxParameters) fail(c, `the lambda function accepts at most '${maxParameters}' parameter(s).`);
  return v;
}

/** Azure's optional trailing index parameter: lambda('x', 'i', …) also receives the element's position. */
function call1(f: LambdaValue, item: unknown, index: number): Promise<unknown> {
  return f.invoke(f.parameters.length >= 2 ? [item, index] : [item]);
}

/** Stable merge sort with an asynchronous "a comes before b" predicate (Array.prototype.sort cannot await). */
async function mergeSort(items: unknown[], before: (a: unknown, b: unknown) => Promise<boolean>): Promise<unknown[]> {
  if (items.length <= 1) return items;
  const mid = Math.floor(items.length / 2);
  const left = await mergeSort(items.slice(0, mid), before);
  const right = await mergeSort(items.slice(mid), before);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    // Take from the right only when it strictly comes first, so equal elements keep their order.
    if (await before(right[j], left[i])) out.push(right[j++]);
    else out.push(left[i++]);
  }
  return out.concat(left.slice(i), right.slice(j));
}

export const lambdaFunctions: FunctionDef[] = [
  {
    name: 'lambda',
    min: 1,
    max: Infinity,
    raw: (args, c) => {
      const names = args.slice(0, -1).map((a) => {
        if (a.kind !== 'string') fail(c, 'the lambda variable names must be string literals.');
        return a.value;
      });
      const body = args[args.length - 1];
      return new LambdaValue(names, (values) => c.evaluate(body, new Map(names.map((n, i) => [n, values[i]]))));
    },
  },
  {
    name: 'lambdaVariables',
    min: 1,
    max: 1,
    invoke: ([n], c) => {
      const name = str(c, n, 0);
      if (!c.lambdaVariables.has(name)) fail(c, `the lambda variable '${name}' is not defined.`);
      return c.lambdaVariables.get(name);
    },
  },
  {
    name: 'filter',
    min: 2,
    max: 2,
    invoke: async ([a, f], c) => {
      const items = arr(c, a, 0);
      const fn = lambdaArg(c, f, 1, 2);
      const out: unknown[] = [];
      for (let i = 0; i < items.length; i++) if (bool(c, await call1(fn, items[i], i), 1)) out.push(items[i]);
      return out;
    },
  },
  {
    name: 'map',
    min: 2,
    max: 2,
    invoke: async ([a, f], c) => {
      const items = arr(c, a, 0);
      const fn = lambdaArg(c, f, 1, 2);
      const out: unknown[] = [];
      for (let i = 0; i < items.length; i++) out.push(await call1(fn, items[i], i));
      return out;
    },
  },
  {
    name: 'reduce',
    min: 3,
    max: 3,
    invoke: async ([a, initial, f], c) => {
      const items = arr(c, a, 0);
      const fn = lambdaArg(c, f, 2, 3);
      let acc = initial;
      for (let i = 0; i < items.length; i++) acc = await fn.invoke(fn.parameters.length >= 3 ? [acc, items[i], i] : [acc, items[i]]);
      return acc;
    },
  },
  {
    name: 'sort',
    min: 2,
    max: 2,
    invoke: async ([a, f], c) => {
      const items = arr(c, a, 0);
      const fn = lambdaArg(c, f, 1, 2);
      return mergeSort(items, async (x, y) => bool(c, await fn.invoke([x, y]), 1));
    },
  },
  {
    name: 'toObject',
    min: 2,
    max: 3,
    invoke: async ([a, keyFn, valueFn], c) => {
      const items = arr(c, a, 0);
      const key = lambdaArg(c, keyFn, 1, 1);
      const value = valueFn === undefined ? undefined : lambdaArg(c, valueFn, 2, 1);
      const out: JsonObject = {};
      for (const item of items) {
        const k = await key.invoke([item]);
        if (typeof k !== 'string') fail(c, `the key lambda must return a string; it returned '${toArmString(k)}'.`);
        out[k] = value ? await value.invoke([item]) : item;
      }
      return out;
    },
  },
  {
    name: 'groupBy',
    min: 2,
    max: 2,
    invoke: async ([a, f], c) => {
      const items = arr(c, a, 0);
      const fn = lambdaArg(c, f, 1, 1);
      const out: Record<string, unknown[]> = {};
      for (const item of items) {
        const k = await fn.invoke([item]);
        if (typeof k !== 'string') fail(c, `the key lambda must return a string; it returned '${toArmString(k)}'.`);
        (out[k] ??= []).push(item);
      }
      return out;
    },
  },
  {
    name: 'mapValues',
    min: 2,
    max: 2,
    invoke: async ([o, f], c) => {
      const source = obj(c, o, 0);
      const fn = lambdaArg(c, f, 1, 1);
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(source)) out[k] = await fn.invoke([v]);
      return out;
    },
  },
  {
    name: 'flatten',
    min: 1,
    max: 1,
    invoke: ([a], c) =>
      arr(c, a, 0).flatMap((x, i) => {
        if (!Array.isArray(x)) fail(c, `every element must be an array; element '${i}' is not.`);
        return x;
      }),
  },
];
