/** A small in-memory EvaluationScope for the language tests. */
import { TemplateError, type EvaluationScope } from '../../../src/templates/language/contract.js';
import { evaluateString } from '../../../src/templates/language/index.js';

export const SUB = '00000000-0000-0000-0000-000000000001';
export const TENANT = '00000000-0000-0000-0000-0000000000aa';

export interface TestScopeOptions {
  parameters?: Record<string, unknown>;
  variables?: Record<string, unknown>;
  copyIndex?: Record<string, number>;
  references?: Record<string, unknown>;
  userFunctions?: Record<string, (args: unknown[]) => Promise<unknown>>;
  inParameterDefault?: boolean;
  /** False: a subscription-scope deployment, where resourceGroup() throws. */
  resourceGroup?: boolean;
  location?: string;
}

export interface TestScope extends EvaluationScope {
  /** Every reference() and list*() call, in order. */
  readonly calls: string[];
}

export function testScope(o: TestScopeOptions = {}): TestScope {
  const calls: string[] = [];
  const scope: TestScope = {
    location: o.location ?? 'outputs.test.value',
    calls,
    inParameterDefault: o.inParameterDefault ?? false,
    parameter(name) {
      if (!o.parameters || !(name in o.parameters)) throw new TemplateError('InvalidTemplate', `The template parameter '${name}' is not found.`);
      return o.parameters[name];
    },
    async variable(name) {
      if (!o.variables || !(name in o.variables)) throw new TemplateError('InvalidTemplate', `The template variable '${name}' is not found.`);
      const v = o.variables[name];
      // Variables are template values: evaluate their expressions, as the engine does.
      return typeof v === 'string' ? evaluateString(v, scope) : v;
    },
    copyIndex(loop) {
      const key = loop ?? '';
      if (!o.copyIndex || !(key in o.copyIndex)) throw new TemplateError('InvalidTemplate', `The template function 'copyIndex' is not expected at this location.`);
      return o.copyIndex[key];
    },
    resourceGroup() {
      if (o.resourceGroup === false) throw new TemplateError('InvalidTemplate', "The template function 'resourceGroup' is not expected at this location.");
      return { id: `/subscriptions/${SUB}/resourceGroups/examplegroup`, name: 'examplegroup', type: 'Microsoft.Resources/resourceGroups', location: 'westus', properties: { provisioningState: 'Succeeded' } };
    },
    subscription: () => ({ id: `/subscriptions/${SUB}`, subscriptionId: SUB, tenantId: TENANT, displayName: 'Amity' }),
    tenant: () => ({ countryCode: 'US', displayName: 'Contoso', id: `/tenants/${TENANT}`, tenantId: TENANT }),
    deployment: () => ({ name: 'dep1', properties: { templateLink: { uri: 'https://example.test/t.json' } } }),
    environment: () => ({ name: 'AzureCloud', resourceManager: 'https://127.0.0.1:8443/' }),
    async reference(id, apiVersion, full) {
      calls.push(`reference:${id}:${apiVersion ?? ''}:${full ? 'Full' : ''}`);
      const r = o.references?.[id];
      if (r === undefined) throw new TemplateError('ResourceNotFound', `The Resource '${id}' was not found.`);
      return full ? r : (r as { properties?: unknown }).properties;
    },
    async list(fn, id, apiVersion, body) {
      calls.push(`${fn}:${id}:${apiVersion}`);
      return { keys: [{ keyName: 'key1', value: 'secret' }], body: body ?? null };
    },
    userFunction(ns, member) {
      return o.userFunctions?.[`${ns}.${member}`];
    },
  };
  return scope;
}

/** Evaluates one template string with a fresh scope. */
export function ev(s: string, o: TestScopeOptions = {}): Promise<unknown> {
  return evaluateString(s, testScope(o));
}
