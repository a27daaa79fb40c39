import { LanguageError } from '../errors.js';
import { oneOf, type Call, type FunctionDef } from '../functionDef.js';
import { deepEquals, typeOf } from '../values.js';

/** Orders two integers (or floats) or two strings (ordinally: 'A' < 'a', as Azure's examples show). */
function compare(args: unknown[], c: Call): number {
  const [a, b] = args;
  const ta = oneOf(c, a, 0, ['Integer', 'Float', 'String']);
  const tb = oneOf(c, b, 1, ['Integer', 'Float', 'String']);
  if ((ta === 'String') !== (tb === 'String')) {
    throw new LanguageError(
      `The template language function '${c.name}' expects two parameters of matching types. The provided values are of types '${typeOf(a)}' and '${typeOf(b)}'. Please see https://aka.ms/arm-functions for usage details.`,
    );
  }
  if (ta === 'String') return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  return (a as number) - (b as number);
}

export const comparisonFunctions: FunctionDef[] = [
  { name: 'equals', min: 2, max: 2, invoke: ([a, b]) => deepEquals(a, b) },
  { name: 'less', min: 2, max: 2, invoke: (args, c) => compare(args, c) < 0 },
  { name: 'lessOrEquals', min: 2, max: 2, invoke: (args, c) => compare(args, c) <= 0 },
  { name: 'greater', min: 2, max: 2, invoke: (args, c) => compare(args, c) > 0 },
  { name: 'greaterOrEquals', min: 2, max: 2, invoke: (args, c) => compare(args, c) >= 0 },
  {
    name: 'coalesce',
    min: 1,
    max: Infinity,
    // Lazy so that a later argument is not evaluated once a non-null one is found (e.g. a reference() to a skipped resource).
    lazy: async (args) => {
      for (const arg of args) {
        const v = await arg();
        if (v !== null && v !== undefined) return v;
      }
      return null;
    },
  },
];
