import { LanguageError } from '../errors.js';
import { int, oneOf, type Call, type FunctionDef } from '../functionDef.js';

function nonZero(c: Call, v: number): number {
  if (v === 0) {
    throw new LanguageError(`The template language function '${c.name}' expects its second parameter to be a non-zero integer. Attempted to divide by zero. Please see https://aka.ms/arm-functions for usage details.`);
  }
  return v;
}

/** min/max take integers, or one array of integers. */
function numbers(args: unknown[], c: Call): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (list.length === 0) throw new LanguageError(`The template language function '${c.name}' expects at least one value. Please see https://aka.ms/arm-functions for usage details.`);
  return list.map((v, i) => {
    oneOf(c, v, i, ['Integer', 'Float']);
    return v as number;
  });
}

export const numericFunctions: FunctionDef[] = [
  { name: 'add', min: 2, max: 2, invoke: ([a, b], c) => int(c, a, 0) + int(c, b, 1) },
  { name: 'sub', min: 2, max: 2, invoke: ([a, b], c) => int(c, a, 0) - int(c, b, 1) },
  { name: 'mul', min: 2, max: 2, invoke: ([a, b], c) => int(c, a, 0) * int(c, b, 1) },
  // Azure's integers are 64-bit: division truncates toward zero, and mod keeps the dividend's sign (as JS % does).
  { name: 'div', min: 2, max: 2, invoke: ([a, b], c) => Math.trunc(int(c, a, 0) / nonZero(c, int(c, b, 1))) || 0 },
  { name: 'mod', min: 2, max: 2, invoke: ([a, b], c) => int(c, a, 0) % nonZero(c, int(c, b, 1)) || 0 },
  { name: 'min', min: 1, max: Infinity, invoke: (args, c) => Math.min(...numbers(args, c)) },
  { name: 'max', min: 1, max: Infinity, invoke: (args, c) => Math.max(...numbers(args, c)) },
  {
    name: 'int',
    min: 1,
    max: 1,
    invoke: ([v], c) => {
      const t = oneOf(c, v, 0, ['String', 'Integer', 'Float']);
      if (t === 'Integer') return v;
      if (t === 'Float') return Math.trunc(v as number);
      const s = (v as string).trim();
      if (!/^[+-]?\d+$/.test(s)) {
        throw new LanguageError(`The template language function 'int' cannot convert the string '${v as string}' to an integer. Please see https://aka.ms/arm-functions for usage details.`);
      }
      return Number(s);
    },
  },
  {
    name: 'float',
    min: 1,
    max: 1,
    invoke: ([v], c) => {
      const t = oneOf(c, v, 0, ['String', 'Integer', 'Float']);
      if (t !== 'String') return v;
      const n = Number(v);
      if (Number.isNaN(n) || (v as string).trim() === '') {
        throw new LanguageError(`The template language function 'float' cannot convert the string '${v as string}' to a number. Please see https://aka.ms/arm-functions for usage details.`);
      }
      return n;
    },
  },
];
