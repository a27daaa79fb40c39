import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ev, SUB, testScope } from './scope.js';
import { evaluateString } from '../../../src/templates/language/index.js';

const RG = `/subscriptions/${SUB}/resourceGroups/examplegroup`;

describe('resourceId family (Azure resource functions page examples)', () => {
  const rows: [string, string][] = [
    ["[resourceId('Microsoft.Storage/storageAccounts','examplestorage')]", `${RG}/providers/Microsoft.Storage/storageAccounts/examplestorage`],
    [
      "[resourceId('otherResourceGroup', 'Microsoft.Storage/storageAccounts','examplestorage')]",
      `/subscriptions/${SUB}/resourceGroups/otherResourceGroup/providers/Microsoft.Storage/storageAccounts/examplestorage`,
    ],
    [
      "[resourceId('11111111-1111-1111-1111-111111111111', 'otherResourceGroup', 'Microsoft.Storage/storageAccounts','examplestorage')]",
      '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/otherResourceGroup/providers/Microsoft.Storage/storageAccounts/examplestorage',
    ],
    ["[resourceId('Microsoft.SQL/servers/databases', 'serverName', 'databaseName')]", `${RG}/providers/Microsoft.SQL/servers/serverName/databases/databaseName`],
    [
      "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', 'id1', 'fic1')]",
      `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1/federatedIdentityCredentials/fic1`,
    ],
    [
      "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')]",
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
    ],
    ["[subscriptionResourceId('Microsoft.Resources/resourceGroups', resourceGroup().name)]", `/subscriptions/${SUB}/providers/Microsoft.Resources/resourceGroups/examplegroup`],
    ["[subscriptionResourceId('sub2', 'Microsoft.Resources/resourceGroups', 'g')]", '/subscriptions/sub2/providers/Microsoft.Resources/resourceGroups/g'],
    ["[tenantResourceId('Microsoft.Authorization/policyDefinitions', 'p1')]", '/providers/Microsoft.Authorization/policyDefinitions/p1'],
    ["[extensionResourceId(resourceGroup().Id , 'Microsoft.Authorization/locks', 'lock1')]", `${RG}/providers/Microsoft.Authorization/locks/lock1`],
    ["[managementGroupResourceId('mg1', 'Microsoft.Authorization/policyDefinitions', 'p1')]", '/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/p1'],
  ];
  for (const [expression, expected] of rows) test(expression, async () => assert.equal(await ev(expression), expected));

  test('at subscription scope, resourceId without a group is subscription-level', async () => {
    assert.equal(
      await ev("[resourceId('Microsoft.Resources/resourceGroups', 'rg1')]", { resourceGroup: false }),
      `/subscriptions/${SUB}/providers/Microsoft.Resources/resourceGroups/rg1`,
    );
  });

  test('the number of names must match the type', async () => {
    await assert.rejects(ev("[resourceId('Microsoft.SQL/servers/databases', 'serverName')]"), /the type 'Microsoft.SQL\/servers\/databases' requires '2' resource name argument\(s\)/);
  });

  test('a type argument is required', async () => {
    await assert.rejects(ev("[resourceId('a', 'b')]"), /requires exactly one multi-segmented argument/);
  });
});

describe('reference and list*', () => {
  const id = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1`;
  const references = { [id]: { id, name: 'id1', properties: { principalId: 'p-1', clientId: 'c-1' } }, id1: { properties: { principalId: 'p-bare' } } };

  test('returns properties, and the whole resource with Full', async () => {
    const scope = testScope({ references });
    assert.equal(await evaluateString(`[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id1'), '2023-01-31').principalId]`, scope), 'p-1');
    assert.equal(await evaluateString(`[reference('${id}', '2023-01-31', 'Full').name]`, scope), 'id1');
    assert.equal(await evaluateString("[reference('id1').principalId]", scope), 'p-bare');
    assert.deepEqual(scope.calls, [`reference:${id}:2023-01-31:`, `reference:${id}:2023-01-31:Full`, 'reference:id1::']);
  });

  test('property access is case-insensitive, as ARM JSON is', async () => {
    assert.equal(await ev(`[reference('${id}').PRINCIPALID]`, { references }), 'p-1');
  });

  test('any list* function is a POST of that action', async () => {
    const scope = testScope();
    assert.equal(await evaluateString(`[listKeys('${id}', '2023-01-01').keys[0].value]`, scope), 'secret');
    assert.deepEqual(await evaluateString(`[listAssociatedResources('${id}', '2023-01-01', createObject('a', 1)).body]`, scope), { a: 1 });
    assert.deepEqual(scope.calls, [`listKeys:${id}:2023-01-01`, `listAssociatedResources:${id}:2023-01-01`]);
  });

  test('if() evaluates only the chosen branch', async () => {
    const scope = testScope({ references, parameters: { deploy: false } });
    assert.equal(await evaluateString("[if(parameters('deploy'), reference('missing').principalId, 'skipped')]", scope), 'skipped');
    assert.deepEqual(scope.calls, []);
    await assert.rejects(evaluateString("[if(not(parameters('deploy')), reference('missing').principalId, 'skipped')]", scope), /was not found/);
  });

  test('coalesce, and, or stop at the first deciding argument', async () => {
    const scope = testScope({ references });
    assert.equal(await evaluateString("[coalesce('x', reference('missing'))]", scope), 'x');
    assert.equal(await evaluateString("[and(false(), reference('missing'))]", scope), false);
    assert.equal(await evaluateString("[or(true(), reference('missing'))]", scope), true);
    assert.deepEqual(scope.calls, []);
  });

  test('user-defined functions are called with evaluated arguments', async () => {
    const userFunctions = { 'contoso.uniqueName': async ([prefix]: unknown[]) => `${String(prefix)}-unique` };
    assert.equal(await ev("[contoso.uniqueName(toLower('AB'))]", { userFunctions }), 'ab-unique');
    await assert.rejects(ev("[contoso.missing()]", { userFunctions }), /The template function 'contoso.missing' is not valid/);
  });
});

describe('utcNow and newGuid', () => {
  test('work in a parameter default value', async () => {
    assert.match(String(await ev('[utcNow()]', { inParameterDefault: true })), /^\d{8}T\d{6}Z$/);
    assert.match(String(await ev("[utcNow('u')]", { inParameterDefault: true })), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
    assert.match(String(await ev("[utcNow('d')]", { inParameterDefault: true })), /^\d{1,2}\/\d{1,2}\/\d{4}$/);
    assert.match(String(await ev("[utcNow('M d')]", { inParameterDefault: true })), /^\d{1,2} \d{1,2}$/);
    assert.match(String(await ev('[newGuid()]', { inParameterDefault: true })), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('are refused anywhere else', async () => {
    await assert.rejects(ev('[utcNow()]'), (e: Error) => {
      assert.match(e.message, /The template function 'utcNow' is not expected at this location/);
      assert.match(e.message, /at location 'outputs.test.value'/);
      return true;
    });
    await assert.rejects(ev("[concat('a', newGuid())]"), /The template function 'newGuid' is not expected at this location/);
  });
});
