import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateDeployment } from '../../../src/templates/engine/index.js';
import type { ParameterValues } from '../../../src/templates/engine/contract.js';
import { TemplateError } from '../../../src/templates/language/contract.js';
import { FakeGateway, RG_ID, rgScope, template } from './fakeGateway.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const widget = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'Microsoft.Test/widgets', apiVersion: '2021-01-01', name, ...extra });
const validate = (t: unknown, parameters: ParameterValues = {}) => validateDeployment({ template: t, parameters, mode: 'Incremental' }, rgScope(), new FakeGateway());

async function refused(t: unknown, parameters: ParameterValues, code: string, message: string | RegExp): Promise<void> {
  await assert.rejects(validate(t, parameters), (e: unknown) => {
    assert.ok(e instanceof TemplateError, String(e));
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

const F = (inner: string): string => `Deployment template validation failed: '${inner}'.`;

describe('validateDeployment: template structure', () => {
  it('requires $schema, contentVersion and resources, and refuses unknown members', async () => {
    await refused({ contentVersion: '1.0.0.0', resources: [] }, {}, 'InvalidRequestContent', /Required property '\$schema' not found in JSON/);
    await refused({ $schema: 'x', resources: [] }, {}, 'InvalidRequestContent', /Required property 'contentVersion' not found in JSON/);
    await refused(template({ extra: 1 }), {}, 'InvalidRequestContent', /Could not find member 'extra' on object of type 'Template'. Path 'properties.template.extra'/);
  });

  it('accepts a JSONC template text (comments, trailing commas) as az sends it', async () => {
    const text = `{ // az keeps comments
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "resources": [ { "type": "Microsoft.Test/widgets", "apiVersion": "2021-01-01", "name": "w", }, ],
    }`;
    const v = await validate(text);
    assert.equal(v.resources.length, 1);
  });

  it('enforces Azure limits', async () => {
    const parameters = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`p${i}`, { type: 'string', defaultValue: 'x' }]));
    await refused(template({ parameters }), {}, 'InvalidTemplate', /The number of template parameters '257' exceeds the maximum allowed limit of '256'/);
    const outputs = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`o${i}`, { type: 'string', value: 'x' }]));
    await refused(template({ outputs }), {}, 'InvalidTemplate', /outputs '65' exceeds the maximum allowed limit of '64'/);
    await refused(template({ resources: [widget("[string(copyIndex())]", { copy: { name: 'l', count: 801 } })] }), {}, 'InvalidTemplate', /copy count '801' exceeds the maximum allowed limit of '800'/);
    await refused(
      template({ resources: [widget("[concat('a', copyIndex())]", { copy: { name: 'l', count: 500 } }), widget("[concat('b', copyIndex())]", { copy: { name: 'm', count: 301 } })] }),
      {},
      'InvalidTemplate',
      /The number of resources '801' in the template exceeds the maximum allowed limit of '800'/,
    );
  });

  it('refuses an unknown function even inside a deferred reference() expression', async () => {
    const t = template({ resources: [widget('w')], outputs: { o: { type: 'string', value: "[foo(reference('w').x)]" } } });
    await assert.rejects(validate(t), (e: unknown) => e instanceof TemplateError && /foo/.test(e.message));
  });

  it('skips `existing` resources', async () => {
    const v = await validate(template({ resources: [widget('there', { existing: true }), widget('w')] }));
    assert.deepEqual(v.resources.map((r) => r.name), ['w']);
  });
});

describe('validateDeployment: parameters', () => {
  const typed = (type: string, extra: Record<string, unknown> = {}) => template({ parameters: { x: { type, ...extra } } });

  it('reports a missing parameter with Azure’s text', async () => {
    await refused(
      typed('string'),
      {},
      'InvalidTemplate',
      F("The value for the template parameter 'x' at line '1' and column '1' is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details."),
    );
  });

  it('checks the JToken type, case-insensitively named', async () => {
    await refused(typed('Int'), { x: { value: '5' } }, 'InvalidTemplate', F("Template parameter JToken type is not valid. Expected 'Integer'. Actual 'String'. Please see https://aka.ms/arm-deploy/#parameter-file for usage details."));
    await refused(typed('String'), { x: { value: 5 } }, 'InvalidTemplate', /Expected 'String, Uri'. Actual 'Integer'/);
    await refused(typed('BOOL'), { x: { value: 'true' } }, 'InvalidTemplate', /Expected 'Boolean'. Actual 'String'/);
    await refused(typed('array'), { x: { value: {} } }, 'InvalidTemplate', /Expected 'Array'. Actual 'Object'/);
    await refused(typed('secureObject'), { x: { value: [] } }, 'InvalidTemplate', /Expected 'Object'. Actual 'Array'/);
    await refused(typed('float'), { x: { value: 1 } }, 'InvalidTemplate', /has invalid type 'float'. Supported types are 'String,SecureString,Int,Bool,Array,Object,SecureObject'/);
    const ok = await validate(typed('SecureString'), { X: { value: 's3cret' } });
    assert.deepEqual(ok.parameters, { x: { type: 'SecureString' } });
    assert.deepEqual(ok.secretValues, ['s3cret']);
  });

  it('refuses parameters the template does not declare, and Key Vault references', async () => {
    await refused(
      typed('string'),
      { x: { value: 'a' }, y: { value: 'b' } },
      'InvalidTemplate',
      F("The template parameters 'y' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time. The only supported parameters for this template are 'x'. Please see https://aka.ms/arm-pass-parameter-values for usage details."),
    );
    await refused(typed('securestring'), { x: { reference: { keyVault: { id: 'kv' }, secretName: 's' } } }, 'InvalidTemplate', /Key Vault references .* are not supported/);
  });

  it('enforces allowedValues, lengths and bounds', async () => {
    await refused(
      typed('string', { allowedValues: ['Standard_LRS', 'Premium_LRS'] }),
      { x: { value: 'badSku' } },
      'InvalidTemplate',
      F("The provided value 'badSku' for the template parameter 'x' at line '1' and column '1' is not valid. The parameter value is not part of the allowed value(s): 'Standard_LRS,Premium_LRS'."),
    );
    await validate(typed('array', { allowedValues: ['a', 'b'] }), { x: { value: ['b', 'a'] } });
    await refused(typed('string', { minLength: 3 }), { x: { value: 'ab' } }, 'InvalidTemplate', /Length of the value should be greater than or equal to '3'/);
    await refused(typed('array', { maxLength: 1 }), { x: { value: [1, 2] } }, 'InvalidTemplate', /Length of the value should be less than or equal to '1'/);
    await refused(typed('int', { minValue: 2 }), { x: { value: 1 } }, 'InvalidTemplate', /The provided value '1' for the template parameter 'x' .* The value should be greater than or equal to '2'/);
    await refused(typed('int', { maxValue: 2 }), { x: { value: 3 } }, 'InvalidTemplate', /should be less than or equal to '2'/);
  });

  it('evaluates defaults in order (earlier parameters, utcNow, newGuid) and shows them', async () => {
    const t = template({
      parameters: {
        base: { type: 'string', defaultValue: 'app' },
        full: { type: 'string', defaultValue: "[concat(parameters('base'), '-', resourceGroup().location)]" },
        stamp: { type: 'string', defaultValue: "[utcNow('yyyy')]" },
        id: { type: 'string', defaultValue: '[newGuid()]' },
        cfg: { type: 'object', defaultValue: { n: 1 }, metadata: { description: 'd' } },
      },
    });
    const v = await validate(t);
    assert.deepEqual(v.parameters.full, { type: 'String', value: 'app-westus' });
    assert.match(String(v.parameters.stamp.value), /^\d{4}$/);
    assert.match(String(v.parameters.id.value), /^[0-9a-f-]{36}$/);
    assert.deepEqual(v.parameters.cfg, { type: 'Object', value: { n: 1 } });
    assert.deepEqual(v.resolvedParameters?.id, { value: v.parameters.id.value }, 'the run can reuse the values validation resolved');
    await assert.rejects(validate(template({ resources: [widget('[newGuid()]')] })), TemplateError);
  });
});

describe('validateDeployment: resources and the graph', () => {
  it('reports a dependency cycle with Azure’s message', async () => {
    const t = template({ resources: [widget('a', { dependsOn: ['b'] }), widget('b', { dependsOn: ['c'] }), widget('c', { dependsOn: ['a'] })] });
    await refused(t, {}, 'InvalidTemplate', /^Deployment template validation failed: 'Circular dependency detected on resource: '\/subscriptions\/.*\/providers\/Microsoft.Test\/widgets\/[abc]'. Please see https:\/\/aka.ms\/arm-syntax-resources for usage details.'.$/);
    const viaReference = template({ resources: [widget('a', { properties: { x: "[reference('b').y]" } }), widget('b', { properties: { x: "[reference('a').y]" } })] });
    await refused(viaReference, {}, 'InvalidTemplate', /Circular dependency detected on resource/);
  });

  it('refuses dependsOn a resource the template does not define', async () => {
    await refused(
      template({ resources: [widget('a', { dependsOn: ['Microsoft.Test/widgets/nope'] })] }),
      {},
      'InvalidTemplate',
      F("The resource 'Microsoft.Test/widgets/nope' is not defined in the template. Please see https://aka.ms/arm-template for usage details."),
    );
  });

  it('builds ids for child, nested and extension resources', async () => {
    const v = await validate(
      template({
        resources: [
          { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: 'id1', location: 'westus', resources: [{ type: 'federatedIdentityCredentials', apiVersion: '2023-01-31', name: 'fic1', properties: {} }] },
          { type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', apiVersion: '2023-01-31', name: 'id1/fic2', dependsOn: ['id1'], properties: {} },
          { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra1', scope: 'Microsoft.ManagedIdentity/userAssignedIdentities/id1', properties: {} },
        ],
      }),
    );
    const id1 = `${RG_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1`;
    assert.deepEqual(
      v.resources.map((r) => [r.id, r.type, r.name, r.dependsOn]),
      [
        [id1, 'Microsoft.ManagedIdentity/userAssignedIdentities', 'id1', []],
        [`${id1}/federatedIdentityCredentials/fic1`, 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', 'id1/fic1', [id1]],
        [`${id1}/federatedIdentityCredentials/fic2`, 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', 'id1/fic2', [id1]],
        [`${id1}/providers/Microsoft.Authorization/roleAssignments/ra1`, 'Microsoft.Authorization/roleAssignments', 'ra1', []],
      ],
    );
  });

  it('refuses a name whose segments do not match the type', async () => {
    await refused(template({ resources: [widget('a/b')] }), {}, 'InvalidTemplate', /has incorrect segment lengths/);
  });

  it('reports variable cycles and unknown variables', async () => {
    await refused(template({ variables: { a: "[variables('b')]", b: "[variables('a')]" } }), {}, 'InvalidTemplate', /circular reference detected/);
    await refused(template({ resources: [widget("[variables('nope')]")] }), {}, 'InvalidTemplate', /The template variable 'nope' is not found/);
  });

  it('refuses reference() where Azure does (names, variables) and variables() inside user functions', async () => {
    await refused(template({ resources: [widget("[reference('x').name]")] }), {}, 'InvalidTemplate', /The template function 'reference' is not expected at this location/);
    await refused(template({ variables: { v: "[reference('x').y]" } }), {}, 'InvalidTemplate', /'reference' is not expected at this location/);
    const fn = { namespace: 'ns', members: { f: { parameters: [], output: { type: 'string', value: "[variables('v')]" } } } };
    await refused(template({ functions: [fn], variables: { v: 'x' }, resources: [widget('[ns.f()]')] }), {}, 'InvalidTemplate', /User-defined functions cannot use variables/);
  });

  it('validates the identity stack fixture with its dependencies and a stable templateHash', async () => {
    const a = await validate(fixture('identityStack.json'));
    const b = await validate(fixture('identityStack.json'));
    assert.equal(a.templateHash, b.templateHash);
    assert.match(a.templateHash, /^\d+$/);
    const ra = a.resources.find((r) => r.type === 'Microsoft.Authorization/roleAssignments')!;
    assert.deepEqual(ra.dependsOn, [`${RG_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-id`]);
    assert.ok(a.resources.every((r) => r.enabled));
  });
});
