import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionMatches, permissionAllows } from '../../src/rbac/actionMatch.js';
import { scopeCovers } from '../../src/rbac/evaluator.js';

test('action matching follows Azure: case-insensitive, wildcards within and across segments, /*/ may match nothing', () => {
  const cases: [string, string, boolean][] = [
    ['*', 'Microsoft.ManagedIdentity/userAssignedIdentities/write', true],
    ['*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/read', true],
    ['*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/write', false],
    ['Microsoft.ManagedIdentity/userAssignedIdentities/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/read', true],
    ['Microsoft.ManagedIdentity/userAssignedIdentities/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read', true],
    ['Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', true],
    ['Microsoft.ManagedIdentity/userAssignedIdentities/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/write', false],
    ['microsoft.managedidentity/USERASSIGNEDIDENTITIES/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/read', true],
    ['Microsoft.Authorization/*', 'Microsoft.Authorization/roleAssignments/write', true],
    ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/roleAssignments/write', true],
    ['Microsoft.Authorization/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/read', false],
    ['Microsoft.Compute/virtualMachines/*', 'Microsoft.Compute/virtualMachines/write', true],
    ['Microsoft.Compute/virtualMachines/*', 'Microsoft.Compute/virtualMachineScaleSets/write', false],
    ['Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Resources/subscriptions/resourceGroups/read', true],
    ['Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Resources/subscriptions/resourceGroups/write', false],
    ['Microsoft.Storage/storageAccounts/read', 'Microsoft.Storage/storageAccountsXread', false],
  ];
  for (const [pattern, action, expected] of cases) assert.equal(actionMatches(pattern, action), expected, `${pattern} vs ${action}`);
});

test('notActions subtract within a permissions block', () => {
  const contributor = { actions: ['*'], notActions: ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete'] };
  assert.equal(permissionAllows(contributor, 'Microsoft.Authorization/roleAssignments/write'), false);
  assert.equal(permissionAllows(contributor, 'Microsoft.Authorization/roleAssignments/read'), true);
  assert.equal(permissionAllows(contributor, 'Microsoft.ManagedIdentity/userAssignedIdentities/delete'), true);
});

test('an assignment covers its scope and everything below, never a sibling with a longer name', () => {
  assert.equal(scopeCovers('/', '/subscriptions/s'), true);
  assert.equal(scopeCovers('/subscriptions/s/resourcegroups/rg', '/subscriptions/s/resourcegroups/rg/providers/x/y/z'), true);
  assert.equal(scopeCovers('/subscriptions/s/resourcegroups/rg', '/subscriptions/s/resourcegroups/rg2'), false);
  assert.equal(scopeCovers('/subscriptions/s/resourcegroups/rg', '/subscriptions/s'), false);
});
