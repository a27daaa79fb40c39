import { bool, fail, oneOf, type FunctionDef } from '../functionDef.js';

export const logicalFunctions: FunctionDef[] = [
  {
    name: 'and',
    min: 2,
    max: Infinity,
    // Short-circuits: a template Azure accepts must not fail here because of an argument Azure may never look at.
    lazy: async (args, c) => {
      for (let i = 0; i < args.length; i++) if (!bool(c, await args[i](), i)) return false;
      return true;
    },
  },
  {
    name: 'or',
    min: 2,
    max: Infinity,
    lazy: async (args, c) => {
      for (let i = 0; i < args.length; i++) if (bool(c, await args[i](), i)) return true;
      return false;
    },
  },
  { name: 'not', min: 1, max: 1, invoke: ([v], c) => !bool(c, v, 0) },
  {
    name: 'if',
    min: 3,
    max: 3,
    // Only the chosen branch is evaluated, as in Azure: the other may reference a resource that is not deployed.
    lazy: async ([condition, whenTrue, whenFalse], c) => ((bool(c, await condition(), 0)) ? whenTrue() : whenFalse()),
  },
  { name: 'true', min: 0, max: 0, invoke: () => true },
  { name: 'false', min: 0, max: 0, invoke: () => false },
  {
    name: 'bool',
    min: 1,
    max: 1,
    invoke: ([v], c) => {
      const t = oneOf(c, v, 0, ['Boolean', 'String', 'Integer']);
      if (t === 'Boolean') return v;
      if (t === 'Integer') return v !== 0;
      const s = (v as string).toLowerCase();
      if (s === 'true') return true;
      if (s === 'false') return false;
      return fail(c, `the string '${v as string}' is not a valid boolean.`);
    },
  },
];
