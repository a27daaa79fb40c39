import { TemplateError } from '../contract.js';
import { fail, str, type Call, type FunctionDef } from '../functionDef.js';
import { getProperty, isObject } from '../values.js';

/** `providers/{namespace}/{type1}/{name1}/{type2}/{name2}…` after checking there is one name per type segment. */
function providerPath(c: Call, type: string, names: string[]): string {
  const [namespace, ...types] = type.split('/');
  // Names given as 'parent/child' in one argument are accepted too: they split into the same segments.
  const segments = names.flatMap((n) => n.split('/'));
  if (!namespace || types.length === 0 || types.some((t) => t === '')) fail(c, `the resource type '${type}' is not valid.`);
  if (segments.length !== types.length) fail(c, `the type '${type}' requires '${types.length}' resource name argument(s).`);
  return `providers/${namespace}/${types.map((t, i) => `${t}/${segments[i]}`).join('/')}`;
}

/** Splits the arguments at the resource type: the first argument containing '/'. */
function atType(c: Call, args: unknown[], maxLeading: number): { leading: string[]; type: string; names: string[] } {
  const all = args.map((a, i) => str(c, a, i));
  const t = all.findIndex((a) => a.includes('/'));
  if (t < 0 || t > maxLeading) {
    fail(c, `function requires exactly one multi-segmented argument which must be resource type including resource provider namespace. Current function arguments '${all.join(',')}'.`);
  }
  return { leading: all.slice(0, t), type: all[t], names: all.slice(t + 1) };
}

function property(o: unknown, name: string): string {
  if (!isObject(o)) return '';
  const p = getProperty(o, name);
  return p.found && typeof p.value === 'string' ? p.value : '';
}

/** The deployment's resource group name, or undefined at subscription (or higher) scope, where resourceGroup() throws. */
function currentGroup(c: Call): string | undefined {
  try {
    return property(c.scope.resourceGroup(), 'name') || undefined;
  } catch (e) {
    if (e instanceof TemplateError) return undefined;
    throw e;
  }
}

function currentSubscription(c: Call): string {
  return property(c.scope.subscription(), 'subscriptionId');
}

export const resourceFunctions: FunctionDef[] = [
  {
    name: 'resourceId',
    min: 2,
    max: Infinity,
    invoke: (args, c) => {
      const { leading, type, names } = atType(c, args, 2);
      const subscriptionId = leading.length === 2 ? leading[0] : currentSubscription(c);
      const group = leading.length >= 1 ? leading[leading.length - 1] : currentGroup(c);
      const path = providerPath(c, type, names);
      // At subscription scope, resourceId() without a group gives a subscription-level id, as Azure does.
      return group === undefined ? `/subscriptions/${subscriptionId}/${path}` : `/subscriptions/${subscriptionId}/resourceGroups/${group}/${path}`;
    },
  },
  {
    name: 'subscriptionResourceId',
    min: 2,
    max: Infinity,
    invoke: (args, c) => {
      const { leading, type, names } = atType(c, args, 1);
      return `/subscriptions/${leading[0] ?? currentSubscription(c)}/${providerPath(c, type, names)}`;
    },
  },
  {
    name: 'tenantResourceId',
    min: 2,
    max: Infinity,
    invoke: (args, c) => {
      const { type, names } = atType(c, args, 0);
      return `/${providerPath(c, type, names)}`;
    },
  },
  {
    name: 'extensionResourceId',
    min: 3,
    max: Infinity,
    invoke: ([scopeId, ...rest], c) => {
      const base = str(c, scopeId, 0).replace(/\/+$/, '');
      const { type, names } = atType(c, rest, 0);
      return `${base}/${providerPath(c, type, names)}`;
    },
  },
  {
    name: 'managementGroupResourceId',
    min: 2,
    max: Infinity,
    invoke: (args, c) => {
      const { leading, type, names } = atType(c, args, 1);
      // Amity has no management-group deployments, so there is no current group to default to.
      if (leading.length === 0) fail(c, 'the management group id is required outside a management group deployment.');
      return `/providers/Microsoft.Management/managementGroups/${leading[0]}/${providerPath(c, type, names)}`;
    },
  },
  {
    name: 'reference',
    min: 1,
    max: 3,
    invoke: ([target, apiVersion, full], c) => {
      const id = str(c, target, 0);
      const version = apiVersion === undefined ? undefined : str(c, apiVersion, 1);
      let wantFull = false;
      if (full !== undefined) {
        if (str(c, full, 2).toLowerCase() !== 'full') fail(c, `the third parameter must be 'Full' when given; the provided value is '${full as string}'.`);
        wantFull = true;
      }
      return c.scope.reference(id, version, wantFull);
    },
  },
];

/** Any `list*` function (listKeys, listSecrets, listAssociatedResources…): a POST of that action on the resource. */
export function listFunction(name: string): FunctionDef {
  return {
    name,
    min: 2,
    max: 3,
    invoke: ([id, apiVersion, body], c) => c.scope.list(c.written, str(c, id, 0), str(c, apiVersion, 1), body),
  };
}
