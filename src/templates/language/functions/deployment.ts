import { int, oneOf, str, type FunctionDef } from '../functionDef.js';

/** Functions that read the deployment: everything here asks the scope. */
export const deploymentFunctions: FunctionDef[] = [
  { name: 'parameters', min: 1, max: 1, invoke: ([n], c) => c.scope.parameter(str(c, n, 0)) },
  { name: 'variables', min: 1, max: 1, invoke: ([n], c) => c.scope.variable(str(c, n, 0)) },
  { name: 'deployment', min: 0, max: 0, invoke: (_a, c) => c.scope.deployment() },
  { name: 'environment', min: 0, max: 0, invoke: (_a, c) => c.scope.environment() },
  { name: 'resourceGroup', min: 0, max: 0, invoke: (_a, c) => c.scope.resourceGroup() },
  { name: 'subscription', min: 0, max: 0, invoke: (_a, c) => c.scope.subscription() },
  { name: 'tenant', min: 0, max: 0, invoke: (_a, c) => c.scope.tenant() },
  {
    name: 'copyIndex',
    min: 0,
    max: 2,
    // copyIndex(), copyIndex(offset), copyIndex('loop'), copyIndex('loop', offset).
    invoke: (args, c) => {
      let loop: string | undefined;
      let offset = 0;
      if (args.length === 2) {
        loop = str(c, args[0], 0);
        offset = int(c, args[1], 1);
      } else if (args.length === 1) {
        if (oneOf(c, args[0], 0, ['Integer', 'String']) === 'String') loop = args[0] as string;
        else offset = args[0] as number;
      }
      return c.scope.copyIndex(loop) + offset;
    },
  },
];
