import { fail, int, type FunctionDef } from '../functionDef.js';

export const arrayFunctions: FunctionDef[] = [
  { name: 'array', min: 1, max: 1, invoke: ([v]) => (Array.isArray(v) ? v : [v ?? null]) },
  { name: 'createArray', min: 0, max: Infinity, invoke: (args) => args },
  {
    name: 'range',
    min: 2,
    max: 2,
    invoke: ([start, count], c) => {
      const from = int(c, start, 0);
      const n = int(c, count, 1);
      // Azure's documented limits: a non-negative count of at most 10000, and start + count within a 32-bit int.
      if (n < 0 || n > 10000) fail(c, `the count '${n}' must be a non-negative integer not greater than '10000'.`);
      if (from + n > 2147483647) fail(c, `the sum of the start index '${from}' and the count '${n}' must not exceed '2147483647'.`);
      return Array.from({ length: n }, (_, i) => from + i);
    },
  },
];
