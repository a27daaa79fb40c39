import { fail, obj, str, type FunctionDef } from '../functionDef.js';
import { parseLenientJson } from '../json.js';
import { getProperty, isObject, type JsonObject } from '../values.js';

export const objectFunctions: FunctionDef[] = [
  {
    name: 'createObject',
    min: 0,
    max: Infinity,
    invoke: (args, c) => {
      if (args.length % 2 !== 0) fail(c, 'the function only accepts an even number of parameters: each key must have a matching value.');
      const out: JsonObject = {};
      for (let i = 0; i < args.length; i += 2) out[str(c, args[i], i)] = args[i + 1];
      return out;
    },
  },
  {
    name: 'items',
    min: 1,
    max: 1,
    // Azure returns the entries sorted by key (its documented example lists item001 before item002).
    invoke: ([o], c) =>
      Object.entries(obj(c, o, 0))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => ({ key, value })),
  },
  { name: 'objectKeys', min: 1, max: 1, invoke: ([o], c) => Object.keys(obj(c, o, 0)) },
  {
    name: 'json',
    min: 1,
    max: 1,
    invoke: ([s], c) => {
      try {
        return parseLenientJson(str(c, s, 0));
      } catch {
        return fail(c, `the parameter is not a valid JSON string.`);
      }
    },
  },
  { name: 'null', min: 0, max: 0, invoke: () => null },
  {
    name: 'shallowMerge',
    min: 1,
    max: 1,
    invoke: ([list], c) => {
      if (!Array.isArray(list)) return fail(c, 'the parameter must be an array of objects.');
      return Object.assign({}, ...list.map((o, i) => obj(c, o, i)));
    },
  },
  {
    name: 'tryGet',
    min: 2,
    max: Infinity,
    // Walks keys (strings for objects, integers for arrays) and yields null instead of failing on a missing one.
    invoke: ([start, ...keys]) => {
      let cur: unknown = start;
      for (const k of keys) {
        if (isObject(cur) && typeof k === 'string') {
          const p = getProperty(cur, k);
          cur = p.found ? p.value : null;
        } else if (Array.isArray(cur) && typeof k === 'number') {
          cur = cur[k] ?? null;
        } else {
          return null;
        }
      }
      return cur ?? null;
    },
  },
];
