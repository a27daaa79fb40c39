import { LanguageError } from '../errors.js';
import { fail, int, oneOf, str, type Call, type FunctionDef } from '../functionDef.js';
import { deepEquals, getProperty, isObject, toArmString, typeOf, type JsonObject } from '../values.js';

/** Functions that accept strings, arrays and (some) objects alike. */

function indexOfString(haystack: string, needle: string, last: boolean): number {
  // ARM documents indexOf/lastIndexOf on strings as case-insensitive.
  const h = haystack.toLowerCase();
  const n = needle.toLowerCase();
  return last ? h.lastIndexOf(n) : h.indexOf(n);
}

function indexOf(args: unknown[], c: Call, last: boolean): number {
  const [container, item] = args;
  if (Array.isArray(container)) {
    if (last) {
      for (let i = container.length - 1; i >= 0; i--) if (deepEquals(container[i], item)) return i;
      return -1;
    }
    return container.findIndex((x) => deepEquals(x, item));
  }
  return indexOfString(str(c, container, 0), str(c, item, 1), last);
}

/** union for objects: later values win; nested objects merge recursively, anything else (arrays included) is replaced. */
function mergeObjects(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const existing = out[k];
    out[k] = isObject(existing) && isObject(v) ? mergeObjects(existing, v) : v;
  }
  return out;
}

function sameKind(c: Call, args: unknown[]): 'Array' | 'Object' {
  const first = oneOf(c, args[0], 0, ['Array', 'Object']) as 'Array' | 'Object';
  args.forEach((a, i) => {
    if (typeOf(a) !== first) fail(c, `all parameters must be of the same type ('Array' or 'Object'); parameter ${i + 1} is of type '${typeOf(a)}'.`);
  });
  return first;
}

export const collectionFunctions: FunctionDef[] = [
  {
    name: 'concat',
    min: 1,
    max: Infinity,
    invoke: (args, c) => {
      const arrays = args.filter((a) => Array.isArray(a)).length;
      if (arrays > 0) {
        if (arrays !== args.length) {
          throw new LanguageError(
            `The provided parameters for language function '${c.name}' are invalid. Either all or none of the parameters must be an array. Please see https://aka.ms/arm-functions for usage details.`,
          );
        }
        return (args as unknown[][]).flat(1);
      }
      return args.map((a) => toArmString(a)).join('');
    },
  },
  {
    name: 'contains',
    min: 2,
    max: 2,
    invoke: ([container, item], c) => {
      const t = oneOf(c, container, 0, ['Array', 'Object', 'String']);
      if (t === 'Array') return (container as unknown[]).some((x) => deepEquals(x, item));
      if (t === 'Object') return getProperty(container as JsonObject, toArmString(item)).found;
      // Strings compare case-sensitively (as documented), with the item converted: contains('a1', 1) is true.
      return (container as string).includes(toArmString(item));
    },
  },
  {
    name: 'empty',
    min: 1,
    max: 1,
    invoke: ([v]) => {
      if (v === null || v === undefined) return true;
      if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
      if (isObject(v)) return Object.keys(v).length === 0;
      return false;
    },
  },
  {
    name: 'first',
    min: 1,
    max: 1,
    invoke: ([v], c) => {
      const t = oneOf(c, v, 0, ['Array', 'String']);
      if (t === 'String') return (v as string).slice(0, 1);
      return (v as unknown[])[0] ?? null;
    },
  },
  {
    name: 'last',
    min: 1,
    max: 1,
    invoke: ([v], c) => {
      const t = oneOf(c, v, 0, ['Array', 'String']);
      if (t === 'String') return (v as string).slice(-1);
      const a = v as unknown[];
      return a.length ? a[a.length - 1] : null;
    },
  },
  { name: 'indexOf', min: 2, max: 2, invoke: (args, c) => indexOf(args, c, false) },
  { name: 'lastIndexOf', min: 2, max: 2, invoke: (args, c) => indexOf(args, c, true) },
  {
    name: 'length',
    min: 1,
    max: 1,
    invoke: ([v], c) => {
      const t = oneOf(c, v, 0, ['Array', 'String', 'Object']);
      if (t === 'Object') return Object.keys(v as JsonObject).length;
      return (v as string | unknown[]).length;
    },
  },
  {
    name: 'skip',
    min: 2,
    max: 2,
    invoke: ([v, n], c) => {
      oneOf(c, v, 0, ['Array', 'String']);
      const count = Math.max(0, int(c, n, 1));
      return (v as string | unknown[]).slice(count);
    },
  },
  {
    name: 'take',
    min: 2,
    max: 2,
    invoke: ([v, n], c) => {
      oneOf(c, v, 0, ['Array', 'String']);
      const count = Math.max(0, int(c, n, 1));
      return (v as string | unknown[]).slice(0, count);
    },
  },
  {
    name: 'union',
    min: 2,
    max: Infinity,
    invoke: (args, c) => {
      if (sameKind(c, args) === 'Object') return (args as JsonObject[]).reduce((acc, o) => mergeObjects(acc, o), {});
      const out: unknown[] = [];
      for (const a of args as unknown[][]) for (const x of a) if (!out.some((y) => deepEquals(x, y))) out.push(x);
      return out;
    },
  },
  {
    name: 'intersection',
    min: 2,
    max: Infinity,
    invoke: (args, c) => {
      if (sameKind(c, args) === 'Object') {
        const [first, ...rest] = args as JsonObject[];
        const out: JsonObject = {};
        for (const [k, v] of Object.entries(first)) {
          if (rest.every((o) => Object.prototype.hasOwnProperty.call(o, k) && deepEquals(o[k], v))) out[k] = v;
        }
        return out;
      }
      const [first, ...rest] = args as unknown[][];
      const out: unknown[] = [];
      for (const x of first) {
        if (rest.every((a) => a.some((y) => deepEquals(x, y))) && !out.some((y) => deepEquals(x, y))) out.push(x);
      }
      return out;
    },
  },
];
