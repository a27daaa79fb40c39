import { randomUUID } from 'node:crypto';
import { fail, int, oneOf, str, type Call, type FunctionDef } from '../functionDef.js';
import { compositeFormat, FormatError } from '../format.js';
import { armGuid, uniqueString } from '../hash.js';
import { toArmString, typeOf } from '../values.js';

function allStrings(call: Call, args: unknown[]): string[] {
  return args.map((a, i) => str(call, a, i));
}

/** .NET String.Split(string[], None): at each position the first listed separator that matches wins. */
function splitOn(s: string, separators: string[]): string[] {
  const seps = separators.filter((x) => x.length > 0);
  if (seps.length === 0) return [s];
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  while (i < s.length) {
    const sep = seps.find((x) => s.startsWith(x, i));
    if (sep === undefined) {
      i++;
      continue;
    }
    parts.push(s.slice(start, i));
    i += sep.length;
    start = i;
  }
  parts.push(s.slice(start));
  return parts;
}

export const stringFunctions: FunctionDef[] = [
  { name: 'toLower', min: 1, max: 1, invoke: ([s], c) => str(c, s, 0).toLowerCase() },
  { name: 'toUpper', min: 1, max: 1, invoke: ([s], c) => str(c, s, 0).toUpperCase() },
  // .NET String.Trim(): Unicode white space at both ends, which JS trim() matches.
  { name: 'trim', min: 1, max: 1, invoke: ([s], c) => str(c, s, 0).trim() },
  {
    name: 'replace',
    min: 3,
    max: 3,
    invoke: ([s, from, to], c) => {
      const [text, oldValue, newValue] = allStrings(c, [s, from, to]);
      if (oldValue === '') fail(c, 'the string to replace cannot be empty.');
      return text.split(oldValue).join(newValue);
    },
  },
  {
    name: 'split',
    min: 2,
    max: 2,
    invoke: ([s, delimiter], c) => {
      const text = str(c, s, 0);
      if (Array.isArray(delimiter)) return splitOn(text, delimiter.map((d) => str(c, d, 1)));
      oneOf(c, delimiter, 1, ['String', 'Array']);
      return splitOn(text, [delimiter as string]);
    },
  },
  {
    name: 'substring',
    min: 2,
    max: 3,
    invoke: ([s, start, length], c) => {
      const text = str(c, s, 0);
      const from = int(c, start, 1);
      const count = length === undefined ? text.length - from : int(c, length, 2);
      if (from < 0 || count < 0 || from + count > text.length) {
        fail(
          c,
          `The index and length parameters must refer to a location within the string. The index parameter: '${from}', the length parameter: '${count}', the length of the string parameter: '${text.length}'.`,
        );
      }
      return text.substr(from, count);
    },
  },
  // ARM documents startsWith/endsWith as case-insensitive.
  { name: 'startsWith', min: 2, max: 2, invoke: ([s, v], c) => str(c, s, 0).toLowerCase().startsWith(str(c, v, 1).toLowerCase()) },
  { name: 'endsWith', min: 2, max: 2, invoke: ([s, v], c) => str(c, s, 0).toLowerCase().endsWith(str(c, v, 1).toLowerCase()) },
  {
    name: 'padLeft',
    min: 2,
    max: 3,
    invoke: ([value, total, padding], c) => {
      oneOf(c, value, 0, ['String', 'Integer']);
      const width = int(c, total, 1);
      const ch = padding === undefined ? ' ' : str(c, padding, 2);
      if ([...ch].length !== 1) fail(c, 'the padding character must be a single character.');
      return toArmString(value).padStart(width, ch);
    },
  },
  {
    name: 'format',
    min: 1,
    max: Infinity,
    invoke: ([template, ...rest], c) => {
      try {
        return compositeFormat(str(c, template, 0), rest);
      } catch (e) {
        if (e instanceof FormatError) fail(c, e.message);
        throw e;
      }
    },
  },
  { name: 'string', min: 1, max: 1, invoke: ([v]) => toArmString(v) },
  { name: 'guid', min: 1, max: Infinity, invoke: (args, c) => armGuid(allStrings(c, args)) },
  { name: 'uniqueString', min: 1, max: Infinity, invoke: (args, c) => uniqueString(allStrings(c, args)) },
  {
    name: 'join',
    min: 2,
    max: 2,
    invoke: ([items, delimiter], c) => {
      if (!Array.isArray(items)) oneOf(c, items, 0, ['Array']);
      const sep = str(c, delimiter, 1);
      return (items as unknown[])
        .map((x) => {
          const t = typeOf(x);
          if (t === 'Array' || t === 'Object') fail(c, `the array elements must be of type 'String', 'Integer' or 'Boolean'; an element is of type '${t}'.`);
          return toArmString(x);
        })
        .join(sep);
    },
  },
  // Non-deterministic: Azure allows it only in a parameter's defaultValue.
  { name: 'newGuid', min: 0, max: 0, parameterDefaultOnly: true, invoke: () => randomUUID() },
];
